"""委託管理記録: the chair's fixed-format record of how the outsourcing was supervised.

A header block (case, vendor, period, data items, handlers) and a dated log of events. Planned
rows are seeded from the contract period:
- データ引渡し on the start date;
- 立入り調査 spread evenly over the period, as many as supervision.inspections_per_year gives
  for its length (at least one: the national guidance asks for one a year);
- 電話確認 every three months from the start (at least one, mid-period);
- 報告受理 and データ消去確認 on the end date.
Without dates the same rows come with the planned date blank. Ten blank rows follow for events
nobody planned.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.checklists.marks import marked_items, marked_text
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase

EVENTS = ("handover", "inspection", "phone", "report", "deletion")
WIDTHS = [5, 16, 17, 17, 12, 12, 36, 18]
PHONE_MONTHS = 3
MAX_PLANNED = 60  # a ten-year contract still gives a printable log


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
    items = sep.join(marked_items(evaluation.data_items, item_changes, lang)) or "—"
    items_change = marks.field("data.items", bool(evaluation.data_items))
    if items_change is not None and not item_changes:  # the whole section added or removed
        items = marked_text(items, items_change, lang)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
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
    total = len(events) + common.BLANK_ROWS
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
    ids.update(dict(zip(range(2, 2 + len(block)), block, strict=True)))
    wbk.id_column(ws, columns + 1, header, ids, header=phrase("col.ids", lang))
    common.finish(ws, title, header, columns, minimum=wbk.line_height() * 2)
