"""`make bench`: throughput, cold start, memory and end-to-end figures for itaku, as one table.

    python bench/run.py [--n 2000] [--memory-n 100000] [--screen-n 1000] [--no-suite] [--profile]
                        [--web-clients 20] [--web-seconds 30]
    python bench/run.py --profile-only [--screen-n 1000]

Every figure is printed beside its partner measured in the same run (durable beside reference,
`itaku check` beside the floor of a process that only imports pydantic, yaml and click), with
their ratio; pairs are measured alternately so that both see the same load on a shared machine.
Writes bench/results.json (git-ignored). Timings are printed, never asserted. --profile prints
where `itaku screen` spends its time per proposal (cProfile of the one-job path: read, parse,
validate, evaluate, render, write), top functions by own time; --profile-only prints only that.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
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
import register

from itaku.engine.matching import DurableMatcher
from itaku.engine.profiles import default_catalog

RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {
    "durable / reference, engine": ">= 0.5",
    "durable screen/s, 1 job": ">= 300",
    "durable / reference, screen": ">= 0.8",
    "cold itaku check (s, median of 5)": "< 0.3",
    "RSS growth 1k -> N proposals (MB)": "< 20",
    "RSS growth over 50 evaluators built and dropped (MB)": "< 20",
    "web check errors": "0",
    "web server RSS growth (MB)": "< 20",
}


def _row(name: str, durable: Any, reference: Any = "", ratio: Any = "", target: str = "", ok: bool | None = None) -> list[str]:
    mark = "" if ok is None else ("yes" if ok else "NO")
    return [name, str(durable), str(reference), str(ratio), target, mark]


def _table(rows: list[list[str]]) -> str:
    head = ["measure", "durable", "reference", "ratio", "target", "met"]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def profile_screen(directory: Path, top: int = 15) -> str:
    """cProfile of `itaku screen --jobs 1` in this process over the files in `directory`: the top
    functions by own time (file read to result file, as screening runs them)."""
    from itaku.screening import batch

    settings = batch.Settings(opinion_list=False)
    batch.init_worker(settings)
    with tempfile.TemporaryDirectory() as out:
        outdir = Path(out)
        tasks = list(batch.tasks([directory], outdir, ".json"))
        for task in tasks[:50]:  # warm up: first sessions, templates
            batch.screen_one(task)
        (outdir / "results").mkdir()
        folder = batch.OutputFolder(outdir / "results")
        folder.start()
        prof = cProfile.Profile()
        prof.enable()
        for task in tasks:
            batch.write_outcome(folder, batch.screen_one(task))
        prof.disable()
        folder.close()
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    return f"{len(tasks)} proposals\n" + text.getvalue()


def main() -> None:
    """Run every measurement, print the table, write bench/results.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="corpus size for in-process throughput")
    parser.add_argument("--memory-n", type=int, default=100_000, help="proposals for the memory run")
    parser.add_argument("--screen-n", type=int, default=1000, help="YAML files for the end-to-end screen")
    parser.add_argument("--no-suite", action="store_true", help="skip running the test suite for its peak memory")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the screen path")
    parser.add_argument("--profile-only", action="store_true", help="print only the cProfile of the screen path")
    parser.add_argument("--web-clients", type=int, default=20, help="concurrent clients of the web page's check")
    parser.add_argument("--web-seconds", type=float, default=30.0, help="how long the web load test runs")
    args = parser.parse_args()
    if args.profile_only:
        with tempfile.TemporaryDirectory() as tmp:
            corpus.write_yaml(Path(tmp) / "corpus", args.screen_n)
            print(profile_screen(Path(tmp) / "corpus"))
        return
    started = time.perf_counter()
    cores = measure.cpu_count()
    load = os.getloadavg()[0]
    catalog = default_catalog()
    proposals = [corpus.proposal(i) for i in range(args.n)]

    engines = measure.engine_rates(proposals)
    pools = {engine: measure.pool_rate(engine, args.n, cores) for engine in ("durable", "reference")}
    cold = measure.cold_check()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "corpus"
        corpus.write_yaml(directory, args.screen_n)
        screens = {jobs: measure.screen_rates(directory, args.screen_n, jobs) for jobs in (1, cores)}
        profiled = profile_screen(directory) if args.profile else None
    excel = measure.excel_rate(proposals)
    mem = measure.memory(args.memory_n)
    built = measure.evaluator_memory(50)
    web = measure.web_load(args.web_clients, args.web_seconds)
    reg = register.measure()
    suite = None if args.no_suite else measure.test_session()
    load_after = os.getloadavg()[0]

    d, r, ratio = engines["durable"], engines["reference"], engines["ratio"]
    one = screens[1]
    rows = [
        _row("engine/s, 1 process (facts in, matches out)", d["match"], r["match"], ratio["match"],
             ">= 0.5", ratio["match"] >= 0.5),
        _row("evaluations/s, 1 process (+ findings, messages)", d["evaluate"], r["evaluate"], ratio["evaluate"]),
        _row(f"evaluations/s, {cores} processes", pools["durable"], pools["reference"],
             round(pools["durable"] / pools["reference"], 2)),
        _row("screen/s, YAML in JSON out, 1 job", one["durable"], one["reference"], one["ratio"],
             ">= 300, >= 0.8", one["durable"] >= 300 and one["ratio"] >= 0.8),
        _row(f"screen/s, YAML in JSON out, {cores} jobs", screens[cores]["durable"], screens[cores]["reference"],
             screens[cores]["ratio"], ">= 0.8", screens[cores]["ratio"] >= 0.8),
        _row("cold `itaku check` one file (s) / floor", cold["check_s"], cold["floor_s"], cold["ratio"],
             "< 0.3", cold["check_s"] < 0.3),
        _row("  same, CPU seconds / floor", cold["check_cpu_s"], cold["floor_cpu_s"], cold["cpu_ratio"]),
        _row(f"peak RSS after 1k / after {mem['n']:,} proposals (MB)", f"{mem['rss_1k_mb']} / {mem['rss_n_mb']}"),
        _row(f"RSS growth 1k -> {mem['n']:,} proposals (MB)", mem["growth_mb"], target="< 20", ok=mem["growth_mb"] < 20),
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
        _row(f"register, {reg['cases']:,} cases / {reg['versions']:,} versions / {reg['events']:,} events, SQLite: "
             "due, history (ms, CPU)", f"{reg['due_cpu_ms']}, {reg['history_cpu_ms']}", target="< 100 each",
             ok=max(reg["due_cpu_ms"], reg["history_cpu_ms"]) < 100),
        _row("  same, wall clock (ms); as commands, whole processes (ms)",
             f"{reg['due_ms']}, {reg['history_ms']}; {reg['due_command_ms']}, {reg['history_command_ms']}"),
    ]
    if suite is not None:
        rows.append(_row("test suite: seconds, peak RSS of its largest process (MB)",
                         f"{suite['seconds']}, {suite['peak_rss_mb']}", target="exit 0", ok=suite["exit_code"] == 0))
    durable_rules = len(DurableMatcher(catalog)._rule_of)
    print(f"itaku bench: {len(catalog.rules)} rules + {len(catalog.derivations)} derivations "
          f"({durable_rules} durable rules), corpus {args.n}, {cores} CPUs, Python {platform.python_version()}, "
          f"load average {load:.1f} at the start, {load_after:.1f} at the end")
    print(_table(rows))
    results = {
        "command": "python bench/run.py " + " ".join(sys.argv[1:]),
        "machine": {"cpus": cores, "python": platform.python_version(), "platform": platform.platform(),
                    "load_average": [round(load, 2), round(load_after, 2)]},
        "catalog": {"rules": len(catalog.rules), "derivations": len(catalog.derivations), "durable_rules": durable_rules},
        "corpus": {"n": args.n, "screen_n": args.screen_n, "memory_n": args.memory_n},
        "engine": engines,
        "pool": {"jobs": cores, **pools},
        "screen": {f"jobs{jobs}": v for jobs, v in screens.items()},
        "cold_check": cold,
        "memory": mem,
        "register": reg,
        "evaluator_memory": built,
        "test_session": suite,
        "excel": excel,
        "web": web,
        "targets": TARGETS,
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"({results['seconds']} s; details in {RESULTS.relative_to(corpus.ROOT)})")
    if profiled is not None:
        print(profiled, file=sys.stderr)


if __name__ == "__main__":
    main()
