"""What is due by a date, case by case, from the version the council last approved:

- inspections: `inspections_per_year` in each year of the contract from its start (a year's due day
  is the day before its anniversary, or the contract's end when sooner; a contract whose dates are
  not stated, from the day the council decided, year after year);
- annual reports: one in each such year;
- the deletion confirmed (with its certificate) at the contract's end;
- an exception accepted until a day: that day (renew it or let it end);
- each condition attached to the decision in force, not yet confirmed: the decision's day.

Inspections and reports are counted, not matched to a year: the n-th one done meets the n-th due.
A corrected event counts once, as corrected. The register is read in four queries of small
columns, so that ten years of a large ward answer at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from itaku.engine.models import Proposal
from itaku.engine.wording import phrase
from itaku.register.models import cases, decisions, events, versions
from itaku.register.service import (
    APPROVING,
    DecisionRecord,
    EventRecord,
    History,
    Register,
    effective_decisions,
    superseded,
)

MAX_YEARS = 50  # a contract longer than this is counted for its first fifty years


@dataclass(frozen=True)
class DueItem:
    """One thing due: on `due_on`, for case `number`; `what` is an event kind or `exception`; `detail`
    says which (the year's ordinal, the exception's rule title {ja, en}, the condition's text)."""

    due_on: dt.date
    number: str
    title: str
    what: str
    detail: Any
    overdue: bool


def item_text(item: DueItem, lang: str) -> str:
    """What is due, in words: 立入り調査（2年目）, 例外の期限（…）, 条件の確認：…"""
    if item.what in ("inspection", "report"):
        return phrase(f"register.due.{item.what}", lang, year=item.detail)
    if item.what == "exception":
        return phrase("register.due.exception", lang, rule=item.detail.get(lang) or item.detail.get("ja"))
    if item.what == "condition":
        return phrase("register.due.condition", lang, text=item.detail)
    return phrase("register.due.deletion", lang)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def yearly(start: dt.date, end: dt.date | None, by: dt.date) -> list[dt.date]:
    """The due day of each year of a contract from `start` to `end` (no end: the years due by `by`)."""
    out: list[dt.date] = []
    for k in range(1, MAX_YEARS + 1):
        due = add_years(start, k) - dt.timedelta(days=1)
        if end is not None:
            due = min(due, end)
        elif due > by:
            break
        out.append(due)
        if end is not None and due >= end:
            break
    return out


@dataclass(frozen=True)
class CaseState:
    """What `due` reads of one case."""

    number: str
    title: str
    obligations: dict[str, Any]
    start: dt.date | None
    end: dt.date | None
    decision: DecisionRecord | None  # the decision in force on the approved version
    done: dict[str, int]  # event kind -> how many (corrections applied)
    confirmed: set[tuple[int, int]]  # (decision, condition) confirmed


def case_items(state: CaseState, by: dt.date, today: dt.date) -> list[DueItem]:
    """The items of one case due on or before `by` and not done; overdue when due before `today`."""
    out: list[DueItem] = []

    def due(day: dt.date, what: str, detail: Any) -> None:
        if day <= by:
            out.append(DueItem(day, state.number, state.title, what, detail, day < today))

    o = state.obligations
    # the years run from the contract's start; a contract without stated dates is supervised
    # yearly from the day the council decided, for as long as it runs
    start = state.start or (state.decision.decided_on if state.decision else None)
    end = state.end if state.start else None
    if start is not None and (end is None or end >= start):
        years = yearly(start, end, by)
        per_year = int(o.get("inspections_per_year") or 0)
        needed = [(day, year) for year, day in enumerate(years, start=1) for _ in range(per_year)]
        for day, year in needed[state.done.get("inspection", 0):]:
            due(day, "inspection", year)
        if o.get("annual_report"):
            reports = state.done.get("report", 0)
            for year, day in enumerate(years[reports:], start=reports + 1):
                due(day, "report", year)
        if o.get("deletion") and end is not None and not state.done.get("deletion"):
            due(end, "deletion", None)
    for exception in o.get("exceptions", ()):
        due(dt.date.fromisoformat(exception["until"]), "exception", exception["title"])
    if state.decision is not None:
        for index, text in enumerate(state.decision.conditions, start=1):
            if (state.decision.id, index) not in state.confirmed:
                due(state.decision.decided_on, "condition", text)
    return out


def case_states(conn: Connection, case_ids: list[int] | None = None) -> list[CaseState]:
    """Every case (or those of `case_ids`) with its last approved version, as `due` reads it.

    Few columns and few rows: the decisions (to find each case's approved version), then only those
    versions; the events are counted by the database, not read (a correction's target not counted)."""

    def only(query: Any, column: Any) -> Any:
        return query if case_ids is None else query.where(column.in_(case_ids))

    numbers = dict(conn.execute(only(select(cases.c.id, cases.c.number), cases.c.id)).all())
    seq_of = dict(conn.execute(only(select(versions.c.id, versions.c.seq), versions.c.case_id)).all())
    by_case: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in conn.execute(only(
        select(decisions.c.id, decisions.c.case_id, decisions.c.version_id, decisions.c.outcome, decisions.c.decided_on,
               decisions.c.corrects_id), decisions.c.case_id)).all():
        by_case[row[1]].append(tuple(row))
    corrected = {row[5] for rows in by_case.values() for row in rows if row[5] is not None}
    chosen: dict[int, tuple[Any, ...]] = {}  # case -> the decision in force on its last approved version
    for case_id, rows in by_case.items():
        in_force: dict[int, tuple[Any, ...]] = {}
        for row in sorted(rows, key=lambda r: (r[4], r[0])):
            if row[0] not in corrected:
                in_force[seq_of[row[2]]] = row
        approved = [seq for seq, row in in_force.items() if row[3] in APPROVING]
        if approved:
            chosen[case_id] = in_force[max(approved)]
    if not chosen:
        return []
    details = {row[0]: row for row in conn.execute(
        select(versions.c.id, versions.c.title, versions.c.obligations, versions.c.period_start, versions.c.period_end)
        .where(versions.c.id.in_([row[2] for row in chosen.values()]))).all()}
    extra = {row[0]: row for row in conn.execute(
        select(decisions.c.id, decisions.c.session, decisions.c.opinion, decisions.c.conditions)
        .where(decisions.c.id.in_([row[0] for row in chosen.values()]))).all()}
    # every event counted per case and kind (from an index), less the few a later record corrected
    corrected_events = {row[0]: (row[1], row[2]) for row in conn.execute(only(
        select(events.c.id, events.c.case_id, events.c.kind)
        .where(events.c.id.in_(select(events.c.corrects_id).where(events.c.corrects_id.is_not(None)))), events.c.case_id)).all()}
    done: dict[int, dict[str, int]] = defaultdict(dict)
    for case_id, kind, count in conn.execute(only(
        select(events.c.case_id, events.c.kind, func.count()).group_by(events.c.case_id, events.c.kind), events.c.case_id)).all():
        done[case_id][kind] = count
    for case_id, kind in corrected_events.values():
        done[case_id][kind] -= 1
    confirmed: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for event_id, case_id, decision, condition in conn.execute(only(
        select(events.c.id, events.c.case_id, events.c.decision_id, events.c.condition).where(events.c.kind == "condition"),
        events.c.case_id)).all():
        if event_id not in corrected_events:
            confirmed[case_id].add((decision, condition))
    out = []
    for case_id in sorted(chosen):
        d = chosen[case_id]
        v, x = details[d[2]], extra[d[0]]
        decision = DecisionRecord(d[0], seq_of[d[2]], d[3], d[4], x[1], x[2], tuple(json.loads(x[3])), d[5])
        out.append(CaseState(numbers[case_id], v[1], json.loads(v[2]), v[3], v[4], decision, done[case_id], confirmed[case_id]))
    return out


def due_items(register: Register, by: dt.date, today: dt.date, number: str | None = None) -> list[DueItem]:
    """What is due on or before `by` and not done, in the whole register (or case `number`), by
    date then case; overdue when due before `today`."""
    with register.store.reading() as conn:
        ids = None
        if number is not None:
            ids = [register.case_in(conn, number).id]
        states = case_states(conn, ids)
    items = [item for state in states for item in case_items(state, by, today)]
    order = ("inspection", "report", "deletion", "exception", "condition")
    return sorted(items, key=lambda i: (i.due_on, i.number, order.index(i.what)))


@dataclass(frozen=True)
class ManagementRecord:
    """What the management record (委託管理記録) of one case shows from the register: the version
    the council last approved (its proposal as read, the decision), the events recorded (corrections
    applied) and what is still to be done over the whole contract, overdue when due before `today`."""

    history: History
    proposal: Proposal | None  # the version last approved (None: none was)
    version_seq: int | None
    decision: DecisionRecord | None
    events: tuple[EventRecord, ...]
    outstanding: tuple[DueItem, ...]


def management_records(register: Register, numbers: list[str] | None, today: dt.date) -> list[ManagementRecord]:
    """The management records of cases `numbers` (default: every case the council approved)."""
    with register.store.reading() as conn:
        chosen = numbers if numbers is not None else [
            n for n in conn.execute(select(cases.c.number).order_by(cases.c.id)).scalars()
        ]
        ids = {number: register.case_in(conn, number).id for number in chosen}
        states = {s.number: s for s in case_states(conn, list(ids.values()))}
    out = []
    for number in chosen:
        state = states.get(number)
        if numbers is None and state is None:
            continue  # never approved: nothing to supervise yet
        history = register.history(number)
        effective = effective_decisions(history.decisions)
        seq = max((s for s, d in effective.items() if d.outcome in APPROVING), default=None)
        proposal: Proposal | None = None
        if seq is not None:
            with register.store.reading() as conn:
                text = conn.execute(select(versions.c.proposal).where(
                    versions.c.case_id == history.case.id, versions.c.seq == seq)).scalar()
            # kept as the model's JSON when the version was added: read back into the model, so
            # that its dates are dates again
            proposal = Proposal.model_validate_json(text) if text else None
        gone = superseded([e.corrects for e in history.events])
        done = tuple(sorted((e for e in history.events if e.id not in gone), key=lambda e: (e.happened_on, e.id)))
        pending: tuple[DueItem, ...] = ()
        if state is not None:  # the whole contract; one without an end, the coming year
            horizon = state.end if state.start and state.end else add_years(today, 1)
            pending = tuple(case_items(state, max(horizon, today), today))
        out.append(ManagementRecord(history, proposal, seq, effective.get(seq) if seq else None, done,
                                    tuple(sorted(pending, key=lambda i: i.due_on))))
    return out
