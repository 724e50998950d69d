"""立入り調査チェックシート: one row per measure the proposal promises, to check on site.

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

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase

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
WIDTHS = [6, 22, 44, 14, 12, 12, 12, 24]
RESULTS = ("ok", "ng", "pending", "na")
METHODS = ("documents", "interview", "on_site", "screen")


def measures(evaluation: Evaluation, lang: str) -> Iterator[tuple[str, str, str]]:
    """(field path as rules name it, group label, measure label) of every promised measure, in
    model order; a subcontractor's measure is named `subcontractors.<field>`."""
    sep = phrase("sep.path", lang)
    for node in fields.walk():
        if node.kind != fields.YESNO or node.path.split(".")[0] not in MEASURE_SECTIONS or node.path in NOT_MEASURES:
            continue
        if common.value_at(evaluation, node.path) is True:
            chain = fields.ancestry(node.path)
            yield node.path, sep.join(n.label(lang) for n in chain[:-1]), node.label(lang)
    table = fields.index().get("subcontractors")
    if table is None:
        return
    columns = {c.name: c for c in table.children}
    for index, sub in enumerate(common.value_at(evaluation, "subcontractors") or []):
        for name in SUBCONTRACTOR_MEASURES:
            if name in columns and sub.get(name) is True:
                group = f"{table.label(lang)}{sep}{sub.get('name', index + 1)}"
                yield f"subcontractors.{name}", group, columns[name].label(lang)


def _viewpoint(catalog: Catalog, evaluation: Evaluation, path: str, lang: str) -> str | None:
    """The checklist wording of the first rule that reads this field and applies to the proposal:
    what to look at on site. None when no applicable rule reads it (better nothing than a
    viewpoint from an unrelated rule)."""
    applies = {r.rule_id for r in evaluation.rules if r.judgement != "na"}
    for compiled in catalog.rules:
        spec = common.rule_spec(catalog, compiled.id)
        if spec is not None and compiled.id in applies and path in compiled.paths:
            return spec.checklist.get(lang)
    return None


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's inspection checklist."""
    columns = len(WIDTHS)
    ws, title = common.proposal_sheet(wb, evaluation, "inspection", WIDTHS, columns, lang)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        (phrase("col.department", lang), evaluation.case.department),
        (phrase("head.vendor", lang), common.shown(evaluation, "vendor.name", lang)),
        (phrase("head.period", lang), common.period_text(evaluation, lang)),
    ], columns)
    row = common.note_row(ws, row, phrase("note.inspection", lang), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in (
        "no", "group", "measure", "method", "check_date", "checker", "result", "remarks",
    )])
    found = list(measures(evaluation, lang))
    prefix = phrase("inspection.viewpoint", lang)
    for number, (path, group, text) in enumerate(found, start=1):
        r = header + number
        viewpoint = _viewpoint(catalog, evaluation, path, lang)
        wbk.put(ws, r, 1, number, horizontal="center")
        wbk.put(ws, r, 2, group)
        wbk.put(ws, r, 3, text + (f"\n{prefix}{viewpoint}" if viewpoint else ""))
        for column in range(4, columns + 1):
            wbk.put(ws, r, column, None)
    if not found:
        common.note_row(ws, header + 1, phrase("note.no_measures", lang), columns)
    else:
        last = header + len(found)
        wbk.dropdown(ws, f"D{header + 1}:D{last}", [phrase(f"method.{m}", lang) for m in METHODS], strict=False,
                     title=phrase("col.method", lang))
        wbk.dropdown(ws, f"G{header + 1}:G{last}", [phrase(f"result.{r}", lang) for r in RESULTS],
                     title=phrase("col.result", lang))
        for r in range(header + 1, last + 1):
            ws.cell(row=r, column=5).number_format = wbk.DATE_FORMAT
    common.finish(ws, title, header, columns)
