"""The measurements bench/run.py makes, each a function returning plain numbers."""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import corpus

from itaku.engine.evaluation import Evaluator
from itaku.engine.facts import build_facts
from itaku.engine.profiles import default_catalog

ROOT = corpus.ROOT
ITAKU = str(Path(sys.executable).parent / "itaku")
PASSES = 5  # timed passes per in-process rate (the median is reported)


def engine_rates(proposals: list[Any], chunk: int = 100) -> dict[str, dict[str, float]]:
    """Proposals per second in this process for both engines, two ways, no file I/O:
    `match`: facts in, matches out (the matcher alone, facts built beforehand);
    `evaluate`: a validated Proposal in, an Evaluation out (facts, match, findings with messages;
    detail=False, as `check` and `screen` evaluate).

    The two engines are timed in alternating chunks of `chunk` proposals, so that both see the
    same load on a shared machine; a pass is the corpus once per engine. Rates are the median of
    PASSES passes; `ratio` (durable / reference) is of the summed wall times of all passes, and
    `cpu_ratio` the same with process CPU time (steadier when other processes compete)."""
    engines = ("durable", "reference")
    evaluators = {e: Evaluator(default_catalog(), e) for e in engines}
    facts = [build_facts(p) for p in proposals]
    day = proposals[0].case.meeting

    def classify_for(evaluator: Evaluator) -> Any:
        return lambda matches: evaluator._classify(matches, day)

    classify = {e: classify_for(evaluators[e]) for e in engines}
    for e in engines:
        for p in proposals[:50]:  # warm up: template compilation, first sessions
            evaluators[e].evaluate(p, "bench", detail=False)
        for f in facts:  # and one untimed pass: durable's first sessions grow its tables (measured ~40% slower)
            evaluators[e].matcher.run("bench", f, classify[e])

    def match(e: str, lo: int, hi: int) -> None:
        run, cl = evaluators[e].matcher.run, classify[e]
        for f in facts[lo:hi]:
            run("bench", f, cl)

    def evaluate(e: str, lo: int, hi: int) -> None:
        evaluate_one = evaluators[e].evaluate
        for p in proposals[lo:hi]:
            evaluate_one(p, "bench", detail=False)

    out: dict[str, dict[str, float]] = {e: {} for e in (*engines, "ratio")}
    for name, work in (("match", match), ("evaluate", evaluate)):
        wall = {e: [] for e in engines}
        cpu = {e: 0.0 for e in engines}
        for _ in range(PASSES):
            spent = {e: 0.0 for e in engines}
            for k, lo in enumerate(range(0, len(proposals), chunk)):
                for e in engines if k % 2 == 0 else engines[::-1]:
                    w, c = time.perf_counter(), time.process_time()
                    work(e, lo, lo + chunk)
                    spent[e] += time.perf_counter() - w
                    cpu[e] += time.process_time() - c
            for e in engines:
                wall[e].append(spent[e])
        for e in engines:
            out[e][name] = round(len(proposals) / statistics.median(wall[e]))
            out[e][f"{name}_best"] = round(len(proposals) / min(wall[e]))
        out["ratio"][name] = round(sum(wall["reference"]) / sum(wall["durable"]), 2)
        out["ratio"][f"{name}_cpu"] = round(cpu["reference"] / cpu["durable"], 2)
    return out


def _pool_worker(args: tuple[str, int, int, Any]) -> tuple[int, float, float]:
    engine, start, stop, barrier = args
    evaluator = Evaluator(default_catalog(), engine)
    proposals = [corpus.proposal(i) for i in range(start, stop)]
    for p in proposals[:20]:
        evaluator.evaluate(p, "bench", detail=False)
    barrier.wait()
    t0 = time.time()
    for p in proposals:
        evaluator.evaluate(p, "bench", detail=False)
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


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of `command` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def cold_check(runs: int = 5) -> dict[str, float]:
    """`itaku check` on one seed file in a new process, beside the floor (a process that only imports
    pydantic, yaml and click), alternating, `runs` times each (after one untimed run of each):
    medians of wall and CPU seconds, and their ratios."""
    target = str(ROOT / "examples" / "seed" / "27.yaml")
    check = [ITAKU, "check", target, "--fail-on", "never"]
    floor = [sys.executable, "-c", "import pydantic, yaml, click"]
    env = dict(os.environ)
    for command in (floor, check):
        subprocess.run(command, check=True, capture_output=True, env=env)
    times: dict[str, list[tuple[float, float]]] = {"check": [], "floor": []}
    for _ in range(runs):
        times["floor"].append(_timed(floor, env))
        times["check"].append(_timed(check, env))
    out: dict[str, float] = {}
    for name, pairs in times.items():
        out[f"{name}_s"] = round(statistics.median(w for w, _ in pairs), 3)
        out[f"{name}_cpu_s"] = round(statistics.median(c for _, c in pairs), 3)
    out["ratio"] = round(out["check_s"] / out["floor_s"], 2)
    out["cpu_ratio"] = round(out["check_cpu_s"] / out["floor_cpu_s"], 2)
    return out


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


def screen_rates(directory: Path, n: int, jobs: int, runs: int = 5) -> dict[str, float]:
    """`itaku screen` end to end (YAML in, JSON out and summary.json, process start included),
    durable and reference alternating, `runs` times each: median proposals per second, median CPU
    seconds (the process and its workers) and median user-mode CPU seconds. `ratio`: durable /
    reference, of the median rates. Creating a file costs this machine's disk 0.1-2 ms depending
    on what else is written, so the disk is synced before each run: no run pays for the last one's
    files (or their deletion)."""
    out: dict[str, float] = {}
    done: dict[str, list[tuple[float, float, float]]] = {"durable": [], "reference": []}
    for _ in range(runs):
        for engine in done:
            with tempfile.TemporaryDirectory() as target:
                os.sync()
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
                wall, cpu = _timed(
                    [ITAKU, "screen", str(directory), "-o", target, "--engine", engine, "--jobs", str(jobs),
                     "--fail-on", "never", "--no-opinion-list"],
                    dict(os.environ),
                )
                done[engine].append((wall, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before))
    for engine, runs_done in done.items():
        out[engine] = round(n / statistics.median(w for w, _, _ in runs_done))
        out[f"{engine}_cpu_s"] = round(statistics.median(c for _, c, _ in runs_done), 2)
        out[f"{engine}_user_s"] = round(statistics.median(u for _, _, u in runs_done), 2)
    out["ratio"] = round(out["durable"] / out["reference"], 2)
    out["user_ratio"] = round(out["reference_user_s"] / out["durable_user_s"], 2)
    return out


def excel_rate(proposals: list[Any], seconds: float = 3.0) -> dict[str, Any]:
    """Checklist workbooks (self-check, one proposal each) built and serialised per second."""
    from itaku.outputs import Job, maker

    try:
        make = maker("self-check")  # imports the builders and openpyxl now
    except ImportError as exc:
        return {"skipped": f"checklists not available ({exc})"}
    catalog = default_catalog()
    evaluator = Evaluator(catalog, "durable")
    evaluations = [evaluator.evaluate(p, "bench") for p in proposals[:100]]  # with detail: the sheet lists rules
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        make(Job([evaluations[done % len(evaluations)]], catalog, "ja"))
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


# pytest's options as `make test` gives them (TEST_JOBS in the Makefile): two workers, groups kept together
SUITE_OPTIONS = ["-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup"]


def test_session() -> dict[str, float]:
    """The test suite (pytest, in this checkout's .venv, run as `make test` runs it) once: wall
    seconds and the peak resident memory of its largest process (a pytest worker, or a command
    one started)."""
    script = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "code = subprocess.run(sys.argv[1:], capture_output=True).returncode; "
        "print(code, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    pytest = str(Path(sys.executable).parent / "pytest")
    out = subprocess.run([sys.executable, "-c", script, pytest, *SUITE_OPTIONS], cwd=ROOT, capture_output=True, text=True, check=True)
    code, seconds, peak_kib = out.stdout.split()
    return {"exit_code": int(code), "seconds": round(float(seconds), 1), "peak_rss_mb": round(int(peak_kib) / 1024, 1)}
