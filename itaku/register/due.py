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

from sqlalchemy import Connection, select

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
    done: dict[str, list[dt.date]]  # event kind -> days (corrections applied)
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
        inspections = len(state.done.get("inspection", ()))
        needed = [(day, year) for year, day in enumerate(years, start=1) for _ in range(per_year)]
        for day, year in needed[inspections:]:
            due(day, "inspection", year)
        if o.get("annual_report"):
            reports = len(state.done.get("report", ()))
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
    """Every case (or those of `case_ids`) with its last approved version, as `due` reads it."""

    def only(query: Any, column: Any) -> Any:
        return query if case_ids is None else query.where(column.in_(case_ids))

    case_rows = conn.execute(only(select(cases.c.id, cases.c.number), cases.c.id).order_by(cases.c.id)).all()
    version_rows = conn.execute(only(
        select(versions.c.id, versions.c.case_id, versions.c.seq, versions.c.title, versions.c.obligations,
               versions.c.period_start, versions.c.period_end), versions.c.case_id)).all()
    decision_rows = conn.execute(only(
        select(decisions.c.id, decisions.c.case_id, decisions.c.version_id, decisions.c.outcome, decisions.c.decided_on,
               decisions.c.session, decisions.c.opinion, decisions.c.conditions, decisions.c.corrects_id),
        decisions.c.case_id)).all()
    event_rows = conn.execute(only(
        select(events.c.id, events.c.case_id, events.c.kind, events.c.happened_on, events.c.corrects_id,
               events.c.decision_id, events.c.condition), events.c.case_id)).all()
    seq_of = {v.id: v.seq for v in version_rows}
    by_case: dict[int, dict[int, Any]] = defaultdict(dict)
    for v in version_rows:
        by_case[v.case_id][v.seq] = v
    case_decisions: dict[int, list[DecisionRecord]] = defaultdict(list)
    for d in decision_rows:
        case_decisions[d.case_id].append(DecisionRecord(
            d.id, seq_of[d.version_id], d.outcome, d.decided_on, d.session, d.opinion, tuple(json.loads(d.conditions)), d.corrects_id,
        ))
    gone = superseded([e.corrects_id for e in event_rows])
    done: dict[int, dict[str, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
    confirmed: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for e in event_rows:
        if e.id in gone:
            continue
        done[e.case_id][e.kind].append(e.happened_on)
        if e.decision_id is not None and e.condition is not None:
            confirmed[e.case_id].add((e.decision_id, e.condition))
    out = []
    for case in case_rows:
        effective = effective_decisions(case_decisions[case.id])
        approved = [seq for seq, d in effective.items() if d.outcome in APPROVING]
        if not approved:
            continue
        seq = max(approved)
        version = by_case[case.id][seq]
        out.append(CaseState(
            case.number, version.title, json.loads(version.obligations), version.period_start, version.period_end,
            effective[seq], dict(done[case.id]), confirmed[case.id],
        ))
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
    proposal: dict[str, Any]
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
        proposal: dict[str, Any] = {}
        if seq is not None:
            with register.store.reading() as conn:
                text = conn.execute(select(versions.c.proposal).where(
                    versions.c.case_id == history.case.id, versions.c.seq == seq)).scalar()
            proposal = json.loads(text or "{}")
        gone = superseded([e.corrects for e in history.events])
        done = tuple(sorted((e for e in history.events if e.id not in gone), key=lambda e: (e.happened_on, e.id)))
        pending: tuple[DueItem, ...] = ()
        if state is not None:  # the whole contract; one without an end, the coming year
            horizon = state.end if state.start and state.end else add_years(today, 1)
            pending = tuple(case_items(state, max(horizon, today), today))
        out.append(ManagementRecord(history, proposal, seq, effective.get(seq) if seq else None, done,
                                    tuple(sorted(pending, key=lambda i: i.due_on))))
    return out
