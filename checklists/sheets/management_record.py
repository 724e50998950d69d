"""委託管理記録: the chair's fixed-format record of how the outsourcing was supervised.

A header block (case, vendor, period, data items, handlers) and a dated log of events. Planned
rows are seeded from the contract period:
- データ引渡し on the start date;
- 立入り調査 spread evenly over the period, as many as supervision.inspections_per_year gives
  for its length (at least one: the national guidance asks for one a year);
- 電話確認 every three months from the start (at least one, mid-period);
- 報告受理 and データ消去確認 on the end date.
Without dates the same rows come with the planned date blank. Five blank rows follow for events
nobody planned; a log of usual length prints on one page.

From the register (`checklist management-record --from-register`), the log holds instead what was
recorded, on the days it happened, and what is still due on its day, marked where overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from itaku.checklists import workbook as wbk
from itaku.checklists.marks import marked_items, marked_text
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.value_text import value_words
from itaku.engine.wareki import date_text, meeting_text
from itaku.engine.wording import phrase
from itaku.register.due import ManagementRecord, item_text

EVENTS = ("handover", "inspection", "phone", "report", "deletion")
WIDTHS = [5, 16, 17, 17, 12, 12, 36, 18]
PHONE_MONTHS = 3
MAX_PLANNED = 60  # a ten-year contract still gives a printable log
BLANK_ROWS = 5  # rows for events nobody planned (more are inserted as needed)
ONE_PAGE_ROWS = 20  # a log of at most this many rows prints on one page


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_events(evaluation: Evaluation) -> list[tuple[str, dt.date | None]]:
    """(event, planned date or None) in the order they fall."""
    start, end = common.date_at(evaluation, "period.start"), common.date_at(evaluation, "period.end")
    per_year = common.value_at(evaluation, "supervision.inspections_per_year")
    middle: list[tuple[str, dt.date | None]] = []
    if start and end and end > start:
        days = (end - start).days
        count = max(1, math.ceil((per_year or 1) * days / 365)) if per_year else 1
        count = min(count, MAX_PLANNED // 2)
        middle += [("inspection", start + dt.timedelta(days=days * k // (count + 1))) for k in range(1, count + 1)]
        phones = []
        k = 1
        while add_months(start, PHONE_MONTHS * k) < end and len(phones) < MAX_PLANNED // 2:
            phones.append(("phone", add_months(start, PHONE_MONTHS * k)))
            k += 1
        middle += phones or [("phone", start + dt.timedelta(days=days // 2))]
        middle.sort(key=lambda e: (e[1], EVENTS.index(e[0])))
    else:
        middle += [("inspection", None)] * max(1, min(per_year or 1, MAX_PLANNED // 2))
        middle.append(("phone", None))
    return [("handover", start), *middle, ("report", end), ("deletion", end)]


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's management record. Compared with the approved version, the header values
    that changed are bold and underlined with their 【追加】／【変更】 mark (each added data item
    marked), and every change (what was removed too) is listed under the header."""
    del catalog  # the record reads only the proposal; the signature is the same for every sheet
    columns = len(WIDTHS)
    marks = common.marks_of(evaluation)
    ws, title = common.proposal_sheet(wb, evaluation, "management-record", WIDTHS, columns, lang)
    sep = phrase("sep.list", lang)
    item_changes = marks.field_changes("data.items")
    # none to mark: the items as every output words them (なし, or 未記載 without a data section)
    items = sep.join(marked_items(evaluation.data_items, item_changes, lang)) or common.shown(evaluation, "data.items", lang)
    items_change = marks.field("data.items", bool(evaluation.data_items))
    if items_change is not None and not item_changes:  # the whole section added or removed
        items = marked_text(items, items_change, lang)
    lead = common.lead_pairs(evaluation, lang)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        *lead,
        (phrase("col.department", lang), evaluation.case.department),
        (phrase("head.vendor", lang), common.header_value(evaluation, marks, ["vendor.name"], lang)),
        (phrase("head.period", lang), common.header_value(evaluation, marks, common.PERIOD, lang, common.period_text(evaluation, lang))),
        (phrase("head.data_items", lang), common.Marked(items) if items_change else items),
        # the proposal names no persons: the department fills these in
        (phrase("head.handlers", lang), common.INPUT),
    ], columns)
    row = common.changes_block(ws, row, evaluation, columns, lang)
    row = common.note_row(ws, row, phrase("note.planned_rows", lang), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in (
        "no", "event", "planned", "done_on", "staff", "counterpart", "content", "evidence",
    )])
    events = planned_events(evaluation)
    total = len(events) + BLANK_ROWS
    for number in range(1, total + 1):
        r = header + number
        event, day = events[number - 1] if number <= len(events) else (None, None)
        wbk.put(ws, r, 1, number, horizontal="center")
        # the whole log is the department's to keep: every cell is input, planned rows pre-filled
        wbk.put(ws, r, 2, phrase(f"event.{event}", lang) if event else None, fill=wbk.INPUT_FILL)
        wbk.put(ws, r, 3, date_text(day, lang) if day else None, fill=wbk.INPUT_FILL)
        for column in range(4, columns + 1):
            wbk.put(ws, r, column, None, fill=wbk.INPUT_FILL)
    wbk.dropdown(ws, f"B{header + 1}:B{header + total}", [phrase(f"event.{e}", lang) for e in EVENTS],
                 title=phrase("col.event", lang))
    ids = {header + number: event for number, (event, _) in enumerate(events, start=1)}
    block = ("case.number", "case.department", "vendor.name", "period", "data.items")
    rows_of = [2, *range(3 + len(lead), 2 + len(lead) + len(block))]  # the lead lines come from no field
    ids.update(dict(zip(rows_of, block, strict=True)))
    wbk.id_column(ws, columns + 1, header, ids, header=phrase("col.ids", lang))
    # a log of a usual length is one page, scaled to fit, rather than a page and a few empty rows
    common.finish(ws, title, header, columns, minimum=wbk.line_height() * 2, one_page=total <= ONE_PAGE_ROWS)


REGISTER_FILL = PatternFill("solid", fgColor="F8CBAD")  # a row overdue: past its day with nothing recorded


def add_register_sheet(wb: Workbook, record: ManagementRecord, today: dt.date, lang: str) -> None:
    """One case's management record from the register: the header from the version the council last
    approved and its decision, then the log: every event recorded, on the day it happened, and what
    is still to be done on its due day, shaded and marked 【期限超過】 where that day has passed."""
    columns = len(WIDTHS)
    case = record.history.case
    line = phrase("case.line", lang, number=phrase("case.number", lang, number=case.number), title=case.title)
    name, n = wbk.sheet_title(phrase("case.number", lang, number=case.number)), 2
    while name in wb.sheetnames:
        name, n = wbk.sheet_title(f"{name[:27]}({n})"), n + 1
    ws = wb.create_sheet(name)
    wbk.set_widths(ws, WIDTHS)
    wbk.title_row(ws, phrase("kind.management-record", lang), columns)
    title = phrase("checklist.print_title", lang, kind=phrase("kind.management-record", lang), case=line)
    p = record.proposal

    def stated(path: str) -> str:
        # the approved version's field as every output words it; — when no version was approved
        return "—" if p is None else value_words(path, common.held(p, path), lang)

    period = "—" if p is None else common.period_words(common.held(p, "period.start"), common.held(p, "period.end"), lang)
    decision = record.decision
    decided = "—" if decision is None else phrase(
        "register.record.decision", lang, outcome=phrase(f"register.outcome.{decision.outcome}", lang),
        meeting=meeting_text(decision.decided_on, decision.session, lang), seq=record.version_seq,
    )
    conditions = "\n".join(f"{k}. {c}" for k, c in enumerate(decision.conditions, 1)) if decision and decision.conditions else "—"
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), line),
        (phrase("col.department", lang), case.department),
        (phrase("head.vendor", lang), stated("vendor.name")),
        (phrase("head.period", lang), period),
        (phrase("head.data_items", lang), stated("data.items")),
        (phrase("register.record.decided", lang), decided),
        (phrase("register.record.conditions", lang), conditions),
        (phrase("head.handlers", lang), common.INPUT),
    ], columns)
    row = common.note_row(ws, row, phrase("register.record.note", lang, date=date_text(today, lang)), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in (
        "no", "event", "planned", "done_on", "staff", "counterpart", "content", "evidence",
    )])
    entries: list[tuple[dt.date, int, list[Any], bool]] = []
    for e in record.events:
        content = [e.result, e.note] + ([phrase("register.record.condition", lang, n=e.condition)] if e.condition else [])
        entries.append((e.happened_on, 0, [phrase(f"event.{e.kind}", lang), None, date_text(e.happened_on, lang), e.staff,
                                          e.counterpart, phrase("sep.list", lang).join(x for x in content if x), e.certificate], False))
    for item in record.outstanding:
        kind = "condition" if item.what in ("condition", "exception") else item.what
        text = item_text(item, lang) + (phrase("register.due.overdue", lang) if item.overdue else "")
        entries.append((item.due_on, 1, [phrase(f"event.{kind}", lang), date_text(item.due_on, lang), None, None, None, text, None],
                        item.overdue))
    entries.sort(key=lambda x: (x[0], x[1]))
    r = header
    for number, (_, _, cells, overdue) in enumerate(entries, start=1):
        r = header + number
        wbk.put(ws, r, 1, number, horizontal="center")
        for column, value in enumerate(cells, start=2):
            wbk.put(ws, r, column, value or None, fill=REGISTER_FILL if overdue else None)
    for number in range(len(entries) + 1, len(entries) + common.BLANK_ROWS + 1):
        r = header + number
        wbk.put(ws, r, 1, number, horizontal="center")
        for column in range(2, columns + 1):
            wbk.put(ws, r, column, None, fill=wbk.INPUT_FILL)
    wbk.dropdown(ws, f"B{header + 1}:B{r}", [phrase(f"event.{e}", lang) for e in EVENTS], title=phrase("col.event", lang))
    common.finish(ws, title, header, columns, minimum=wbk.line_height() * 2)


def build_from_register(records: list[ManagementRecord], today: dt.date, lang: str) -> Workbook:
    """The management record workbook from the register: one sheet per case."""
    wb = wbk.new_workbook(phrase("kind.management-record", lang))
    for record in records:
        add_register_sheet(wb, record, today, lang)
    wb.active = 0
    return wb
