"""The secretariat's overview: finding topics down, proposals across; each cell the topic's status
(engine.status.topic_status, as every output shows it: 要対応, 助言, 事前確認, 参考, 適 when rules
of the topic apply and found nothing, 該当なし when none applies), under each proposal's verdict
(marked provisional while questions are open) and the number of questions still open. Cells are
coloured and also marked (× △ ? i ○ －) so that the sheet reads in black and white.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.status import topic_status, verdict_label
from itaku.engine.wording import phrase
from itaku.present.view import case_sort_key, meeting_names

# One fill per topic status (engine.status), the marks of the wording catalogue (matrix.<status>)
# saying the same in black and white.
FILLS = {
    "action": PatternFill("solid", fgColor="FFC7CE"),
    "advice": PatternFill("solid", fgColor="FFEB9C"),
    "question": PatternFill("solid", fgColor="E4D7F5"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
    "no_finding": PatternFill("solid", fgColor="C6EFCE"),
    "na": PatternFill("solid", fgColor="F2F2F2"),
}


def topics(catalog: Catalog) -> list[str]:
    """Topics that have at least one finding rule, in the topic list's order."""
    used = {common.rule_spec(catalog, c.id).topic for c in catalog.rules if common.rule_spec(catalog, c.id)}
    return [t for t in catalog.topics if t in used]


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
        wbk.put(ws, row, i, verdict_label(evaluation, lang), bold=True, horizontal="center")
    row += 1  # what the opinion is provisional on: the questions still open
    wbk.put(ws, row, 1, phrase("head.completeness", lang), bold=True, fill=wbk.GROUP_FILL)
    for i, evaluation in enumerate(ordered, start=2):
        open_questions = evaluation.completeness.open_questions
        text = phrase("report.count", lang, count=open_questions) if open_questions else phrase("matrix.none_open", lang)
        wbk.put(ws, row, i, text, bold=bool(open_questions), horizontal="center")
    ids: dict[int, str] = {}
    for topic in topics(catalog):
        row += 1
        ids[row] = topic
        wbk.put(ws, row, 1, common.topic_label(catalog, topic, lang))
        for i, evaluation in enumerate(ordered, start=2):
            status = topic_status(evaluation, topic)
            wbk.put(ws, row, i, phrase(f"matrix.{status}", lang), fill=FILLS[status], horizontal="center")
    wbk.id_column(ws, columns + 1, header, ids, header=phrase("col.ids", lang))
    wbk.fit_row_heights(ws, 2, ws.max_row)
    # the case numbers repeat on every printed page; the topic column stays when scrolling right
    wbk.page_setup(ws, title, header, columns, landscape=True, freeze_column=2, title_rows=f"3:{header}",
                   a3=True, one_page=True)
    ws.print_title_cols = "A:A"
