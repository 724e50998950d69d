"""What durable writes cost on this disk: 1,000 result-sized files written the ways `screen` could.

    python bench/sync_cost.py [--files 1000] [--size 6000] [--runs 5] [--folder DIR]

Each way writes every file to a temporary name and renames it into place, as
itaku.files.writing does: `none` syncs nothing; `file` fsyncs each file before its rename;
`file+folder each` also fsyncs the folder after every rename (what a plain write_bytes_atomic
does per file); `file+folder once` fsyncs the folder once at the end (what `screen` does).
Ways are run alternately, `--runs` times each; the median seconds are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

WAYS = ("none", "file", "file+folder each", "file+folder once")


def write_all(folder: Path, way: str, files: int, data: bytes) -> float:
    """Seconds to write `files` files into the empty `folder` in `way`."""
    directory = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    started = time.perf_counter()
    try:
        for i in range(files):
            tmp, target = folder / f".r{i}.tmp", folder / f"r{i}.json"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            os.write(fd, data)
            if way != "none":
                os.fsync(fd)
            os.close(fd)
            os.replace(tmp, target)
            if way == "file+folder each":
                os.fsync(directory)
        if way == "file+folder once":
            os.fsync(directory)
        return time.perf_counter() - started
    finally:
        os.close(directory)


def main() -> None:
    """Measure every way and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--size", type=int, default=6000, help="bytes per file (a JSON result is about 6 KB)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=None, help="where to write (default: a temporary folder)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="itaku-sync-", dir=args.folder))
    seconds: dict[str, list[float]] = {way: [] for way in WAYS}
    try:
        for run in range(args.runs):
            for way in WAYS:
                folder = base / f"{run}-{WAYS.index(way)}"
                folder.mkdir()
                seconds[way].append(write_all(folder, way, args.files, b"x" * args.size))
                shutil.rmtree(folder)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    for way in WAYS:
        print(f"{way:<18} {statistics.median(seconds[way]):.3f} s for {args.files} files (median of {args.runs})")


if __name__ == "__main__":
    main()
