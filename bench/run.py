"""`make bench`: throughput, cold start, memory and end-to-end figures for itaku, as one table.

    python bench/run.py [--n 2000] [--memory-n 100000] [--screen-n 1000] [--profile]
                        [--web-clients 20] [--web-seconds 30]

Writes bench/results.json (git-ignored). Timings are printed, never asserted. --profile also
prints where the durable path spends its time (cProfile, top functions by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import measure

from itaku.engine.catalog import default_catalog
from itaku.engine.evaluation import Evaluator
from itaku.engine.matching import DurableMatcher

RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {
    "durable engine/s (facts in, matches out), 1 process": ">= 2500",
    "durable / reference, engine": ">= 0.15",
    "durable / reference, screen": ">= 0.5",
    "cold itaku check (s)": "< 0.6",
    "RSS growth 1k -> N (MB)": "< 20",
    "web check errors": "0",
    "web server RSS growth (MB)": "< 20",
}


def _row(name: str, durable: Any, reference: Any = "", ratio: Any = "", target: str = "", ok: bool | None = None) -> list[str]:
    mark = "" if ok is None else ("yes" if ok else "NO")
    return [name, str(durable), str(reference), str(ratio), target, mark]


def _table(rows: list[list[str]]) -> str:
    head = ["measure", "durable", "reference", "ratio", "target", "met"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def profile(proposals: list[Any]) -> None:
    """Top functions of the durable path by own time."""
    evaluator = Evaluator(default_catalog(), "durable")
    for p in proposals[:50]:
        evaluator.evaluate(p, "bench")
    prof = cProfile.Profile()
    prof.enable()
    for p in proposals:
        evaluator.evaluate(p, "bench")
    prof.disable()
    pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(15)


def main() -> None:
    """Run every measurement, print the table, write bench/results.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="corpus size for in-process throughput")
    parser.add_argument("--memory-n", type=int, default=100_000, help="proposals for the memory run")
    parser.add_argument("--screen-n", type=int, default=1000, help="YAML files for the end-to-end screen")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the durable path")
    parser.add_argument("--web-clients", type=int, default=20, help="concurrent clients of the web page's check")
    parser.add_argument("--web-seconds", type=float, default=30.0, help="how long the web load test runs")
    args = parser.parse_args()
    started = time.perf_counter()
    cores = measure.cpu_count()
    catalog = default_catalog()
    proposals = [corpus.proposal(i) for i in range(args.n)]
    if args.profile:
        profile(proposals)

    rates = {engine: measure.engine_rate(engine, proposals) for engine in ("durable", "reference")}
    pools = {engine: measure.pool_rate(engine, args.n, cores) for engine in ("durable", "reference")}
    cold = measure.cold_check()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "corpus"
        corpus.write_yaml(directory, args.screen_n)
        screen = {
            (engine, jobs): measure.screen_rate(directory, args.screen_n, engine, jobs)
            for engine in ("durable", "reference") for jobs in (1, cores)
        }
    excel = measure.excel_rate(proposals)
    mem = measure.memory(args.memory_n)
    built = measure.evaluator_memory(50)
    web = measure.web_load(args.web_clients, args.web_seconds)

    d, r = rates["durable"], rates["reference"]
    ratio = lambda a, b: round(a / b, 2) if b else 0.0  # noqa: E731
    rows = [
        _row("engine/s, 1 process (facts in, matches out)", d["match"], r["match"], ratio(d["match"], r["match"]),
             ">= 2500 durable", d["match"] >= 2500),
        _row("  same, durable / reference", "", "", ratio(d["match"], r["match"]), ">= 0.15",
             ratio(d["match"], r["match"]) >= 0.15),
        _row("evaluations/s, 1 process (+ findings, messages)", d["evaluate"], r["evaluate"],
             ratio(d["evaluate"], r["evaluate"])),
        _row(f"evaluations/s, {cores} processes", pools["durable"], pools["reference"],
             ratio(pools["durable"], pools["reference"])),
        _row("screen/s, YAML in JSON out, 1 job", screen[("durable", 1)], screen[("reference", 1)],
             ratio(screen[("durable", 1)], screen[("reference", 1)]), ">= 0.5",
             ratio(screen[("durable", 1)], screen[("reference", 1)]) >= 0.5),
        _row(f"screen/s, YAML in JSON out, {cores} jobs", screen[("durable", cores)], screen[("reference", cores)],
             ratio(screen[("durable", cores)], screen[("reference", cores)]), ">= 0.5",
             ratio(screen[("durable", cores)], screen[("reference", cores)]) >= 0.5),
        _row("cold `itaku check` one file (s, median of 7)", cold, target="< 0.6", ok=cold < 0.6),
        _row(f"peak RSS after 1k / after {mem['n']:,} (MB)", f"{mem['rss_1k_mb']} / {mem['rss_n_mb']}"),
        _row(f"RSS growth 1k -> {mem['n']:,} (MB)", mem["growth_mb"], target="< 20", ok=mem["growth_mb"] < 20),
        _row(f"RSS growth over {built['evaluators']} evaluators built and dropped (MB)", built["growth_mb"],
             target="< 20", ok=built["growth_mb"] < 20),
        _row("self-check workbooks/s", excel.get("self_check_per_s", excel.get("skipped"))),
        _row(f"web check, {web['clients']} clients x {args.web_seconds:g} s: median / p95 (ms)",
             f"{web['median_ms']} / {web['p95_ms']}"),
        _row("  beside: one evaluation in the engine (ms)", round(1000 / d["evaluate"], 2), round(1000 / r["evaluate"], 2)),
        _row("  web check requests/s, errors", f"{web['per_s']}, {web['errors']}", target="0 errors",
             ok=web["errors"] == 0),
        _row("  web server RSS after warm-up -> end (MB)", f"{web['rss_after_warm_up_mb']} -> {web['rss_at_end_mb']}",
             target="< 20 growth", ok=web["rss_growth_mb"] < 20),
    ]
    durable_rules = len(DurableMatcher(catalog)._rule_of)
    print(f"itaku bench: {len(catalog.rules)} rules + {len(catalog.derivations)} derivations "
          f"({durable_rules} durable rules), corpus {args.n}, {cores} CPUs, Python {platform.python_version()}")
    print(_table(rows))
    results = {
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "machine": {"cpus": cores, "python": platform.python_version(), "platform": platform.platform()},
        "catalog": {"rules": len(catalog.rules), "derivations": len(catalog.derivations), "durable_rules": durable_rules},
        "corpus": {"n": args.n, "screen_n": args.screen_n, "memory_n": args.memory_n},
        "engine": rates,
        "pool": {"jobs": cores, **pools},
        "screen": {f"{e}_jobs{j}": v for (e, j), v in screen.items()},
        "cold_check_s": cold,
        "memory": mem,
        "evaluator_memory": built,
        "excel": excel,
        "web": web,
        "targets": TARGETS,
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"({results['seconds']} s; details in {RESULTS.relative_to(corpus.ROOT)})")


if __name__ == "__main__":
    main()
