"""Peak RSS of one process evaluating many proposals: run by bench/run.py in a fresh subprocess.

    python bench/memory.py N [ENGINE]
    python bench/memory.py --evaluators K

Prints one JSON line: {"n": N, "engine": ..., "rss_1k_mb": ..., "rss_n_mb": ..., "seconds": ...}, or with
--evaluators, the resident memory before and after building, using and dropping K evaluators (each on a
freshly loaded catalog, as a long-running process that reloads its rules would).
Proposals cycle through 1,000 distinct corpus proposals (generation costs more than evaluation);
every evaluation still gets its own durable session use and its own Evaluation.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

from itaku.engine.catalog import RULES_DIR, load_catalog
from itaku.engine.evaluation import Evaluator
from itaku.engine.profiles import default_catalog

DISTINCT = 1000


def peak_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n: int, engine: str) -> dict[str, float | int | str]:
    """Evaluate n proposals; the peak RSS after 1,000 and after n."""
    evaluator = Evaluator(default_catalog(), engine)
    proposals = [corpus.proposal(i) for i in range(DISTINCT)]
    started = time.perf_counter()
    rss_1k = 0.0
    for i in range(n):
        evaluator.evaluate(proposals[i % DISTINCT], "bench")
        if i + 1 == 1000:
            rss_1k = peak_mb()
    return {
        "n": n, "engine": engine, "rss_1k_mb": round(rss_1k, 1), "rss_n_mb": round(peak_mb(), 1),
        "growth_mb": round(peak_mb() - rss_1k, 1), "seconds": round(time.perf_counter() - started, 1),
    }


def resident_mb() -> float:
    """Resident set size now (not the peak), in MB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def evaluators(k: int) -> dict[str, float | int]:
    """Build, use and drop k evaluators; what stays resident afterwards."""
    proposal = corpus.proposal(0)
    Evaluator(load_catalog(RULES_DIR)).evaluate(proposal, "bench")  # first use: imports, caches
    before = resident_mb()
    for _ in range(k):
        Evaluator(load_catalog(RULES_DIR)).evaluate(proposal, "bench")
    after = resident_mb()
    return {"evaluators": k, "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1),
            "growth_mb": round(after - before, 1)}


if __name__ == "__main__":
    if sys.argv[1] == "--evaluators":
        print(json.dumps(evaluators(int(sys.argv[2]))))
    else:
        print(json.dumps(main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "durable")))
