"""The register at the size of ten years of a large ward: 1,000 cases, 5,000 versions (five per case,
each decided), 20,000 events, in an SQLite file. How long `due` over the whole register and a case's
history take (in the process, from the open register to the result; median of 7, wall-clock and
CPU time: on a shared machine the wall clock mostly measures the others' load), and the same as
the commands a clerk types (`itaku register due` / `history`, whole processes, median of 3).

    python bench/register.py        (make bench runs it as one of its rows)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from itaku.register.due import due_items
from itaku.register.models import cases, decisions, events, versions
from itaku.register.service import Register
from itaku.register.store import open_store

CASES, VERSIONS_PER_CASE, EVENTS_PER_CASE = 1000, 5, 20
KINDS = ("handover", "inspection", "phone", "phone", "report")
OBLIGATIONS = json.dumps({"inspections_per_year": 1, "annual_report": True, "deletion": True, "exceptions": []})


def build(db: str) -> Register:
    """A register of CASES cases filled directly (the commands would evaluate every proposal)."""
    register = Register(open_store(db, create=True))
    start = dt.date(2016, 4, 1)
    at = dt.datetime(2026, 1, 1)
    content = (Path(__file__).resolve().parent.parent / "examples" / "seed" / "23.yaml").read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    case_rows, version_rows, decision_rows, event_rows = [], [], [], []
    for c in range(1, CASES + 1):
        opened = start + dt.timedelta(days=(c * 3) % 3000)
        case_rows.append({"id": c, "number": f"R{c:04d}", "title": f"委託案件{c}", "department": "区政情報課",
                          "opened_on": opened, "recorded_at": at})
        for s in range(1, VERSIONS_PER_CASE + 1):
            vid = (c - 1) * VERSIONS_PER_CASE + s
            begin = opened + dt.timedelta(days=365 * (s - 1))
            version_rows.append({
                "id": vid, "case_id": c, "seq": s, "received_on": begin, "file_name": "proposal.yaml", "content": content,
                "sha256": digest, "proposal": "{}", "evaluation": "{}", "obligations": OBLIGATIONS, "title": f"委託案件{c}",
                "period_start": begin, "period_end": begin + dt.timedelta(days=364), "recorded_at": at,
            })
            decision_rows.append({"id": vid, "case_id": c, "version_id": vid, "outcome": "approved", "decided_on": begin,
                                  "session": None, "opinion": "", "conditions": json.dumps(["条件"], ensure_ascii=False),
                                  "corrects_id": None, "recorded_at": at})
        for e in range(EVENTS_PER_CASE):
            event_rows.append({"id": (c - 1) * EVENTS_PER_CASE + e + 1, "case_id": c, "kind": KINDS[e % len(KINDS)],
                               "happened_on": opened + dt.timedelta(days=90 * e), "staff": "職員", "counterpart": "",
                               "result": "適", "certificate": "", "note": "", "corrects_id": None, "recorded_at": at,
                               "decision_id": None, "condition": None})
    with register.store.writing() as conn:
        for table, rows in ((cases, case_rows), (versions, version_rows), (decisions, decision_rows), (events, event_rows)):
            conn.execute(insert(table), rows)
    return register


def _median_ms(action: Any, runs: int, clock: Any = time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        began = clock()
        action()
        times.append(clock() - began)
    return round(statistics.median(times) * 1000, 1)


def _command_ms(args: list[str], cwd: str, runs: int = 3) -> float:
    itaku = str(Path(sys.executable).with_name("itaku"))
    return _median_ms(lambda: subprocess.run([itaku, *args], cwd=cwd, check=True, capture_output=True), runs)


def measure() -> dict[str, Any]:
    """Build the register in a temporary folder and time `due` and history."""
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "register.sqlite3")
        began = time.perf_counter()
        register = build(db)
        built_s = round(time.perf_counter() - began, 1)
        by, today = dt.date(2026, 3, 31), dt.date(2026, 1, 1)
        items = len(due_items(register, by, today))
        due_ms = _median_ms(lambda: due_items(register, by, today), 7)
        due_cpu_ms = _median_ms(lambda: due_items(register, by, today), 7, time.process_time)
        history_ms = _median_ms(lambda: register.history("R0500"), 7)
        history_cpu_ms = _median_ms(lambda: register.history("R0500"), 7, time.process_time)
        due_cli = _command_ms(["register", "due", "--by", "2026-03-31", "--today", "2026-01-01", "--db", db], tmp)
        history_cli = _command_ms(["register", "history", "R0500", "--db", db], tmp)
        register.store.close()
    return {"cases": CASES, "versions": CASES * VERSIONS_PER_CASE, "events": CASES * EVENTS_PER_CASE, "built_s": built_s,
            "due_items": items, "due_ms": due_ms, "due_cpu_ms": due_cpu_ms, "history_ms": history_ms,
            "history_cpu_ms": history_cpu_ms, "due_command_ms": due_cli,
            "history_command_ms": history_cli}


if __name__ == "__main__":
    print(json.dumps(measure(), ensure_ascii=False, indent=2))
