"""セキュリティアドバイザー意見一覧: one row per proposal of a meeting, in case-number order."""

from __future__ import annotations

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase
from itaku.reports.json_view import agenda_text
from itaku.reports.view import case_sort_key

WIDTHS = [9, 34, 14, 9, 70, 44]


def opinion(evaluation: Evaluation, lang: str) -> str:
    """The verdict phrase, then each counted blocker and advice in the advisor's words, numbered."""
    lines = [phrase(f"verdict.{evaluation.verdict}", lang)]
    items = [f for f in evaluation.findings if f.counts and f.severity in ("blocker", "advice")]
    for i, f in enumerate(items, start=1):
        mark = phrase(f"severity.{f.severity}", lang)
        text = f.message.get(lang)
        if f.carried_over:
            text = phrase("opinion.carried_over", lang, text=text, note=phrase("report.carried_over", lang))
        lines.append(phrase("opinion.item", lang, number=i, mark=mark, text=text))
    name = phrase("col.exception", lang)
    lines += [phrase("opinion.tagged", lang, name=name, text=common.exception_text(e, lang)) for e in evaluation.exceptions]
    condition = phrase("report.conditions", lang)
    lines += [phrase("opinion.tagged", lang, name=condition, text=c.get(lang)) for c in evaluation.conditions]
    return "\n".join(lines)


def responses(evaluation: Evaluation, catalog: Catalog, lang: str) -> str:
    """The department's responses, each under its topic's label."""
    out = []
    for topic, text in evaluation.responses.items():
        name = common.topic_label(catalog, topic, lang)
        out.append(phrase("opinion.tagged", lang, name=name, text=text))
    return "\n".join(out)


def build(wb: Workbook, evaluations: list[Evaluation], catalog: Catalog, lang: str) -> None:
    """The one sheet of the list."""
    ws = wb.create_sheet(wbk.sheet_title(phrase("kind.opinion-list", lang)))
    columns = len(WIDTHS)
    wbk.set_widths(ws, WIDTHS)
    meetings = sorted({e.case.meeting.isoformat() for e in evaluations if e.case.meeting})
    title = phrase("kind.opinion-list", lang)
    councils = list(dict.fromkeys(e.profile.council.get(lang) for e in evaluations if e.profile is not None))
    if len(councils) == 1:  # whose council, as the report titles say
        title = phrase("report.title.of_council", lang, council=councils[0], title=title)
    if meetings:
        title = phrase("opinion.title_meetings", lang, title=title, meetings=phrase("sep.list", lang).join(meetings))
    wbk.title_row(ws, title, columns)
    header = 2
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in (
        "case_number", "title", "department", "agenda", "opinion", "response",
    )])
    for number, evaluation in enumerate(sorted(evaluations, key=case_sort_key), start=1):
        r = header + number
        wbk.put(ws, r, 1, evaluation.case.number, horizontal="center")
        wbk.put(ws, r, 2, evaluation.case.title)
        wbk.put(ws, r, 3, evaluation.case.department)
        wbk.put(ws, r, 4, agenda_text(evaluation, lang), horizontal="center")
        wbk.put(ws, r, 5, opinion(evaluation, lang))
        wbk.put(ws, r, 6, responses(evaluation, catalog, lang) or None)
    common.finish(ws, title, header, columns, freeze_column=3)
