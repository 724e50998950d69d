"""The measurements bench/run.py makes, each a function returning plain numbers."""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import corpus

from itaku.engine.catalog import default_catalog
from itaku.engine.evaluation import Evaluator
from itaku.engine.facts import build_facts

ROOT = corpus.ROOT
ITAKU = str(Path(sys.executable).parent / "itaku")
PASSES = 5  # timed passes per in-process rate (the median is reported)


def engine_rate(engine: str, proposals: list[Any]) -> dict[str, float]:
    """Proposals per second in this process, two ways, no file I/O:
    `match`: facts in, matches out (the matcher alone, facts built beforehand);
    `evaluate`: a validated Proposal in, an Evaluation out (facts, match, findings with messages)."""
    evaluator = Evaluator(default_catalog(), engine)
    facts = [build_facts(p) for p in proposals]
    day = proposals[0].case.meeting

    def classify(matches: Any) -> Any:
        return evaluator._classify(matches, day)

    for p in proposals[:50]:  # warm up: template compilation, first sessions
        evaluator.evaluate(p, "bench")
    for f in facts:  # and one untimed pass: durable's first sessions grow its tables (measured ~40% slower)
        evaluator.matcher.run("bench", f, classify)
    # The machine is shared and noisy (±15% between runs of the same pass): time several passes
    # and report the median, with the best beside it in results.json.
    matches = []
    for _ in range(PASSES):
        started = time.perf_counter()
        for f in facts:
            evaluator.matcher.run("bench", f, classify)
        matches.append(len(facts) / (time.perf_counter() - started))
    evaluations = []
    for _ in range(PASSES):
        started = time.perf_counter()
        for p in proposals:
            evaluator.evaluate(p, "bench")
        evaluations.append(len(proposals) / (time.perf_counter() - started))
    return {
        "match": round(statistics.median(matches)),
        "match_best": round(max(matches)),
        "evaluate": round(statistics.median(evaluations)),
        "evaluate_best": round(max(evaluations)),
    }


def _pool_worker(args: tuple[str, int, int, Any]) -> tuple[int, float, float]:
    engine, start, stop, barrier = args
    evaluator = Evaluator(default_catalog(), engine)
    proposals = [corpus.proposal(i) for i in range(start, stop)]
    for p in proposals[:20]:
        evaluator.evaluate(p, "bench")
    barrier.wait()
    t0 = time.time()
    for p in proposals:
        evaluator.evaluate(p, "bench")
    return len(proposals), t0, time.time()


def pool_rate(engine: str, n: int, jobs: int) -> float:
    """Evaluations per second over `jobs` spawned processes, each with its own Evaluator (as
    `itaku screen` runs them); timed from the moment all are ready, generation excluded."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(jobs)
        share = n // jobs
        work = [(engine, k * share, (k + 1) * share, barrier) for k in range(jobs)]
        with context.Pool(jobs) as pool:
            results = pool.map(_pool_worker, work)
    done = sum(r[0] for r in results)
    return round(done / (max(r[2] for r in results) - min(r[1] for r in results)))


def cold_check(runs: int = 7) -> float:
    """Median wall time of `itaku check` on one seed file, a new process each time (seconds)."""
    target = str(ROOT / "examples" / "seed" / "27.yaml")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([ITAKU, "check", target, "--fail-on", "never"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def memory(n: int, engine: str = "durable") -> dict[str, Any]:
    """Peak RSS after 1,000 and after n evaluations in one fresh process (bench/memory.py)."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("memory.py")), str(n), engine],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def evaluator_memory(k: int = 50) -> dict[str, Any]:
    """Resident memory growth over k evaluators built, used and dropped in one fresh process."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("memory.py")), "--evaluators", str(k)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def screen_rate(directory: Path, n: int, engine: str, jobs: int) -> float:
    """`itaku screen` end to end (YAML in, JSON out, process start included): proposals per second."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [ITAKU, "screen", str(directory), "-o", out, "--engine", engine, "--jobs", str(jobs),
             "--fail-on", "never", "--no-opinion-list"],
            check=True, capture_output=True,
        )
        return round(n / (time.perf_counter() - started))


def excel_rate(proposals: list[Any], seconds: float = 3.0) -> dict[str, Any]:
    """Checklist workbooks (self-check, one proposal each) built and serialised per second."""
    try:
        from itaku.checklists.build import build_checklist
        from itaku.checklists.workbook import workbook_bytes
    except ImportError as exc:
        return {"skipped": f"checklists not available ({exc})"}
    catalog = default_catalog()
    evaluator = Evaluator(catalog, "durable")
    evaluations = [evaluator.evaluate(p, "bench") for p in proposals[:100]]
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        workbook_bytes(build_checklist("self-check", [evaluations[done % len(evaluations)]], catalog))
        done += 1
    return {"self_check_per_s": round(done / (time.perf_counter() - started), 1)}


def web_load(clients: int, seconds: float) -> dict[str, Any]:
    """The check endpoint of `itaku serve` under CLIENTS concurrent clients for SECONDS (bench/web.py)."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("web.py")), "--clients", str(clients), "--seconds", str(seconds)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def cpu_count() -> int:
    """CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
