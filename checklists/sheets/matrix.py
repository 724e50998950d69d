"""The secretariat's overview: finding topics down, proposals across; each cell the worst severity
of the topic's findings, 適 when rules of the topic apply and found nothing, 該当なし when none
applies. Cells are coloured and also marked (× △ i ○ －) so that the sheet reads in black and white.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine.catalog import SEVERITY_RANK, Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase
from itaku.reports.view import case_sort_key, meeting_names

FILLS = {
    "blocker": PatternFill("solid", fgColor="FFC7CE"),
    "advice": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
    "fit": PatternFill("solid", fgColor="C6EFCE"),
    "na": PatternFill("solid", fgColor="F2F2F2"),
}


def topics(catalog: Catalog) -> list[str]:
    """Topics that have at least one finding rule, in the topic list's order."""
    used = {common.rule_spec(catalog, c.id).topic for c in catalog.rules if common.rule_spec(catalog, c.id)}
    return [t for t in catalog.topics if t in used]


def cell_state(evaluation: Evaluation, topic: str, catalog: Catalog) -> str:
    """blocker / advice / info (the worst counted finding), fit, or na."""
    worst = max(
        (f.severity for f in evaluation.findings if f.topic == topic and f.counts),
        key=lambda s: SEVERITY_RANK[s], default=None,
    )
    if worst is not None:
        return worst
    for status in evaluation.rules:
        spec = common.rule_spec(catalog, status.rule_id)
        if spec is not None and spec.topic == topic and status.judgement != "na":
            return "fit"
    return "na"


def build(wb: Workbook, evaluations: list[Evaluation], catalog: Catalog, lang: str) -> None:
    """The one sheet of the matrix: the legend at the top, one A3 landscape page for a meeting."""
    ws = wb.create_sheet(wbk.sheet_title(phrase("kind.matrix", lang)))
    ordered = sorted(evaluations, key=case_sort_key)
    columns = 1 + len(ordered)
    wbk.set_widths(ws, [30] + [16] * len(ordered))
    title = phrase("kind.matrix", lang)
    named = meeting_names(ordered, lang)
    if len(named) == 1:
        title = phrase("title.meeting", lang, title=title, meeting=named[0])
    wbk.title_row(ws, title, columns)
    common.note_row(ws, 2, phrase("matrix.legend", lang), columns)
    header = 4
    wbk.put(ws, 3, 1, phrase("col.title", lang), bold=True, fill=wbk.HEADER_FILL, size=9)
    wbk.put(ws, header, 1, phrase("col.topic_id", lang), bold=True, fill=wbk.HEADER_FILL)
    for i, evaluation in enumerate(ordered, start=2):
        number = phrase("case.number", lang, number=evaluation.case.number)
        wbk.put(ws, 3, i, evaluation.case.title, size=8, fill=wbk.HEADER_FILL)
        wbk.put(ws, header, i, number, bold=True, fill=wbk.HEADER_FILL, horizontal="center")
    row = header + 1
    wbk.put(ws, row, 1, phrase("head.verdict", lang), bold=True, fill=wbk.GROUP_FILL)
    for i, evaluation in enumerate(ordered, start=2):
        wbk.put(ws, row, i, phrase(f"verdict_short.{evaluation.verdict}", lang), bold=True, horizontal="center")
    ids: dict[int, str] = {}
    for topic in topics(catalog):
        row += 1
        ids[row] = topic
        wbk.put(ws, row, 1, common.topic_label(catalog, topic, lang))
        for i, evaluation in enumerate(ordered, start=2):
            state = cell_state(evaluation, topic, catalog)
            wbk.put(ws, row, i, phrase(f"matrix.{state}", lang), fill=FILLS[state], horizontal="center")
    wbk.id_column(ws, columns + 1, header, ids, header=phrase("col.ids", lang))
    wbk.fit_row_heights(ws, 2, ws.max_row)
    # the case numbers repeat on every printed page; the topic column stays when scrolling right
    wbk.page_setup(ws, title, header, columns, landscape=True, freeze_column=2, title_rows=f"3:{header}",
                   a3=True, one_page=True)
    ws.print_title_cols = "A:A"
