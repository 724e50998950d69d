"""立入り調査チェックシート: the record of an on-site inspection, one row per measure the proposal
promises: what to look at or ask there, how (確認方法, pre-filled and editable), the result and
what was seen, with room to write by hand; under the table the inspectors' overall finding
(総合所見) and the seals of the inspector and the head of section (確認印). One header holds what is
still to be confirmed, the verdict, the date, the place, the ward's inspectors and the vendor's
attendees; the topics the review raised follow with their status (the same as every output shows),
for the inspectors to look at on site. The field each row comes from is in a hidden column. What to
look at is written for each measure (inspect.field.PATH in the catalogue), not one sentence per
section.

A measure is a yes/no field answered "yes" in a section of things the vendor must keep doing
(system, mail, devices, data lifecycle, supervision, application site, vendor, contract) and, per
subcontractor, the obligations it accepted. Some yes/no fields describe the work rather than
promise a measure (the work builds software, sends bulk mail, uses private devices); "yes" there is
a fact to know, not a measure to inspect, so they are left out by name below. The fields come
from the model; a yes/no field added to one of these sections appears without a change here.
"""

from __future__ import annotations

from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from itaku.checklists import workbook as wbk
from itaku.checklists.marks import BOLD_UNDERLINE, Marks, marked_text
from itaku.checklists.sheets import common
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.changes import Change
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import has, phrase

MEASURE_SECTIONS = (
    "vendor", "contract", "system", "application_site", "email", "devices", "lifecycle", "supervision",
)
# "Yes" on these describes the work (a risk to weigh), not a measure the vendor keeps.
NOT_MEASURES = frozenset({
    "system.development",
    "system.data_takeout",
    "system.internet_facing",
    "system.remote_maintenance.used",
    "email.bulk_send",
    "email.personal_data_in_content",
    "email.freemail",
    "email.auto_forward",
    "devices.private_devices",
})
# Per subcontractor: what it accepted or what was checked of it (not what it is).
SUBCONTRACTOR_MEASURES = ("approved_by_ward", "same_obligations", "security_confirmed")
# What any inspection of a vendor holding the data looks at, when the proposal promises no measure.
BASIC_CHECKS = (
    "contract.special_provisions", "contract.staff_list", "vendor.per_person_access_control", "vendor.antivirus",
    "lifecycle.deletion_at_end", "supervision.management_record",
)
WIDTHS = [5, 20, 52, 12, 10, 40]
ID_COLUMN = len(WIDTHS) + 1
RESULTS = ("ok", "ng", "pending", "na")
METHODS = ("documents", "interview", "on_site", "screen")
# What to look at on site, and how, for a measure of each section (the wording is in the catalogue,
# `inspect.<section>`, with the measure's label filled in).
HOW = {
    "vendor": "documents", "contract": "interview", "system": "screen", "application_site": "screen",
    "email": "documents", "devices": "on_site", "lifecycle": "documents", "supervision": "documents",
    "subcontractors": "documents",
}
HANDWRITING = 3  # lines of room in every row, to write the finding by hand
OVERALL_LINES = 4  # lines of room for the overall finding
ONE_PAGE_MEASURES = 8  # a sheet of at most this many measures prints on one page
SEAL_HEIGHT = 48  # points: room for a seal or a signature


def measures(evaluation: Evaluation, lang: str, marks: Marks | None = None) -> Iterator[tuple[str, str, str, str, Change | None]]:
    """(field path as rules name it, section, group label, measure label, its change from the
    approved version or None) of every promised measure, in model order; a subcontractor's
    measure is named `subcontractors.<field>`."""
    marks = marks or Marks(None)
    sep = phrase("sep.path", lang)
    for node in fields.walk():
        section = node.path.split(".")[0]
        if node.kind != fields.YESNO or section not in MEASURE_SECTIONS or node.path in NOT_MEASURES:
            continue
        if common.value_at(evaluation, node.path) is True:
            chain = fields.ancestry(node.path)
            yield node.path, section, sep.join(n.label(lang) for n in chain[:-1]), node.label(lang), marks.field(node.path)
    table = fields.index().get("subcontractors")
    if table is None:
        return
    columns = {c.name: c for c in table.children}
    for index, sub in enumerate(common.value_at(evaluation, "subcontractors") or []):
        for name in SUBCONTRACTOR_MEASURES:
            if name in columns and getattr(sub, name) is True:
                group = f"{table.label(lang)}{sep}{sub.name}"
                change = marks.record(table.path, index, name)
                yield f"subcontractors.{name}", "subcontractors", group, columns[name].label(lang), change


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's on-site inspection record. Compared with the approved version, the measures
    and header values that changed are bold and underlined with their 【追加】／【変更】 mark, and
    every change (what was removed too) is listed above the table."""
    del catalog  # the record reads what the proposal and its review say; the signature is every sheet's
    columns = len(WIDTHS)
    marks = common.marks_of(evaluation)
    ws, title = common.proposal_sheet(wb, evaluation, "inspection", WIDTHS, columns, lang)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        *common.lead_pairs(evaluation, lang),
        (phrase("col.department", lang), evaluation.case.department),
        (phrase("head.vendor", lang), common.header_value(evaluation, marks, ["vendor.name"], lang)),
        (phrase("head.period", lang), common.header_value(evaluation, marks, common.PERIOD, lang, common.period_text(evaluation, lang))),
        (phrase("head.inspection_date", lang), common.INPUT),
        (phrase("head.inspection_place", lang), common.INPUT),
        (phrase("head.inspectors", lang), common.INPUT),
        (phrase("head.attendees", lang), common.INPUT),
    ], columns)
    row = common.changes_block(ws, row, evaluation, columns, lang)
    row = common.topics_block(ws, row, evaluation, columns, lang)
    row = common.note_row(ws, row, phrase("note.inspection", lang), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in (
        "no", "group", "inspect", "method", "result", "observed",
    )])
    # a proposal that promises nothing still has a vendor to inspect: the basic checks, so that the
    # sheet is never a page saying there is nothing to look at
    found = list(measures(evaluation, lang, marks)) or list(basic_checks(lang))
    ids: dict[int, str] = {}
    for number, (path, section, group, text, change) in enumerate(found, start=1):
        r = header + number
        ids[r] = path
        style = BOLD_UNDERLINE if change is not None else {}
        wbk.put(ws, r, 1, number, horizontal="center")
        wbk.put(ws, r, 2, group, **style)
        wbk.put(ws, r, 3, marked_text(inspect_text(path, section, text, lang), change, lang), **style)
        wbk.put(ws, r, 4, phrase(f"method.{HOW[section]}", lang), fill=wbk.INPUT_FILL)
        wbk.put(ws, r, 5, None, fill=wbk.INPUT_FILL, horizontal="center")
        wbk.put(ws, r, 6, None, fill=wbk.INPUT_FILL)
    last = header + len(found)
    wbk.dropdown(ws, f"D{header + 1}:D{last}", [phrase(f"method.{m}", lang) for m in METHODS], strict=False,
                 title=phrase("col.method", lang))
    wbk.dropdown(ws, f"E{header + 1}:E{last}", [phrase(f"result.{r}", lang) for r in RESULTS],
                 title=phrase("col.result", lang))
    closing = _closing(ws, last + 2, columns, lang)
    wbk.id_column(ws, ID_COLUMN, header, ids, header=phrase("col.ids", lang))
    # a short sheet prints on one page (scaled), its 総合所見 and 確認印 never alone on a second one
    common.finish(ws, title, header, columns, minimum=wbk.line_height() * HANDWRITING, one_page=len(found) <= ONE_PAGE_MEASURES)
    # the overall finding has room for a paragraph; the seal boxes for a seal or a signature
    ws.row_dimensions[closing - 1].height = wbk.line_height()  # the gap under the table
    ws.row_dimensions[closing].height = wbk.line_height() * OVERALL_LINES
    ws.row_dimensions[closing + 1].height = wbk.line_height()  # whose seal
    ws.row_dimensions[closing + 2].height = SEAL_HEIGHT


def basic_checks(lang: str) -> Iterator[tuple[str, str, str, str, None]]:
    """The checks of any inspection of a vendor holding the data (the special provisions, the staff
    list, access control and anti-malware, deletion at the end, the management record), in the
    shape `measures` gives, grouped under 基本事項."""
    index = fields.index()
    for path in BASIC_CHECKS:
        yield path, path.split(".")[0], phrase("inspection.basic", lang), index[path].label(lang), None


def inspect_text(path: str, section: str, measure: str, lang: str) -> str:
    """What to look at for one measure: its own wording (inspect.field.PATH), or its section's
    with the measure named where none is written."""
    key = f"inspect.field.{path}"
    return phrase(key, lang) if has(key) else phrase(f"inspect.{section}", lang, measure=measure)


def _closing(ws: Worksheet, row: int, columns: int, lang: str) -> int:
    """総合所見 (the inspectors' overall finding) and 確認印 (the inspector's and the head of
    section's seals) under the table; returns the row of the overall finding."""
    wbk.put(ws, row, 1, phrase("inspection.overall", lang), bold=True, fill=wbk.GROUP_FILL)
    wbk.put(ws, row, 2, None, fill=wbk.GROUP_FILL)
    wbk.merge(ws, row, 1, row, 2)
    for column in range(3, columns + 1):
        wbk.put(ws, row, column, None, fill=wbk.INPUT_FILL)
    wbk.merge(ws, row, 3, row, columns)
    seals = row + 1  # 確認印: a header row naming whose seal, and the boxes under it
    for r in (seals, seals + 1):
        for column in range(1, columns + 1):
            header = r == seals or column <= 2
            wbk.put(ws, r, column, None, fill=wbk.GROUP_FILL if header else None, bold=True, horizontal="center")
    ws.cell(row=seals, column=1).value = phrase("inspection.seals", lang)
    ws.cell(row=seals, column=3).value = phrase("inspection.seal_inspector", lang)
    ws.cell(row=seals, column=4).value = phrase("inspection.seal_chief", lang)
    wbk.merge(ws, seals, 1, seals + 1, 2)
    wbk.merge(ws, seals, 4, seals, columns)
    wbk.merge(ws, seals + 1, 4, seals + 1, columns)
    return row
