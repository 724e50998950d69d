"""Peak RSS of one process evaluating many proposals: run by bench/run.py in a fresh subprocess.

    python bench/memory.py N [ENGINE]

Prints one JSON line: {"n": N, "engine": ..., "rss_1k_mb": ..., "rss_n_mb": ..., "seconds": ...}.
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

from engine.catalog import default_catalog
from engine.evaluation import Evaluator

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


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "durable")))
