"""セキュリティアドバイザー意見一覧: one row per proposal of a meeting, in case-number order.

Printed on A3 landscape, one page for a meeting of the seed's size, the meeting named in its title
(回次 and 和暦 date) and the marks explained at the top. When the proposals go to several meetings
(a screening of many), the meeting is a column instead. Each opinion leads with what is still to
be confirmed and is said to be provisional while it is; its points come in the opinion's rank order;
the topics with questions before the meeting have a column of their own. A long opinion continues
in the rows below (Excel's 409 pt limit on one row). The rule ids behind each row are in a hidden
column.
"""

from __future__ import annotations

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.checklists.marks import BOLD_UNDERLINE
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.status import completeness_lead, opinion_text, topic_status
from itaku.engine.wording import phrase
from itaku.present.json_view import agenda_text
from itaku.present.view import case_sort_key, meeting_names

WIDTHS = {
    "meeting": 18, "case_number": 11, "title": 30, "department": 13, "agenda": 8, "changes": 40, "opinion": 110, "questions": 36,
    "response": 110,
}


def opinion(evaluation: Evaluation, catalog: Catalog, lang: str) -> str:
    """What is still to be confirmed (記載の確認が必要な事項 N件, while any is), the opinion in the
    council's phrase (said to be provisional then), each point of the opinion in the advisor's
    words under its topic, numbered in the opinion's rank order, then every exception and what
    became of it."""
    lead = completeness_lead(evaluation, lang)
    lines = [*([lead] if lead else []), opinion_text(evaluation, lang)]
    for i, f in enumerate((f for f in evaluation.findings if f.in_opinion), start=1):
        mark = phrase(f"severity.{f.severity}", lang)
        text = f.message.get(lang)
        if f.carried_over:
            text = phrase("opinion.carried_over", lang, text=text, note=phrase("report.carried_over", lang))
        topic = common.topic_label(catalog, f.topic, lang)
        lines.append(phrase("opinion.point", lang, number=i, mark=mark, topic=topic, text=text))
    name = phrase("col.exception", lang)
    lines += [phrase("opinion.tagged", lang, name=name, text=common.exception_text(e, catalog, lang)) for e in evaluation.exceptions]
    condition = phrase("report.conditions", lang)
    lines += [phrase("opinion.tagged", lang, name=condition, text=c.get(lang)) for c in evaluation.conditions]
    return "\n".join(lines)


def questions(evaluation: Evaluation, lang: str) -> str | None:
    """The topics whose status is 事前確認 (engine.status), each marked when the department's answers
    closed every question under it; None when there is none."""
    lines = []
    for topic, label in evaluation.topic_labels(lang):
        if topic_status(evaluation, topic) != "question":
            continue
        answered = not any(f.open_question for f in evaluation.findings if f.topic == topic)
        text = phrase("opinion.answered", lang, topic=label) if answered else label
        lines.append(phrase("opinion.tagged", lang, name=phrase("status.question", lang), text=text))
    return "\n".join(lines) or None


def changes(evaluation: Evaluation, lang: str) -> tuple[str, bool]:
    """(what changed from the approved version, whether anything did): 変更あり（N件） and each
    change with its 【追加】／【削除】／【変更】 mark and whether the department declared it; 変更なし;
    — when the proposal was not compared."""
    comparison = evaluation.changes.comparison
    if comparison is None:
        return "—", False
    if not comparison.changes:
        return phrase("opinion.unchanged", lang), False
    lines = [phrase("opinion.changed", lang, n=len(comparison.changes))]
    for change in comparison.changes:
        declared = phrase("report.declared_yes" if change.declared else "report.declared_no", lang)
        lines.append(phrase("change.with_declared", lang, text=change.text.get(lang), declared=declared))
    return "\n".join(lines), True


def responses(evaluation: Evaluation, catalog: Catalog, lang: str) -> str:
    """The department's responses, each under its topic's label and followed by the judgement in
    words where the finding it answers has a criterion (対応している／対応していない, and why not);
    none where it has none (a person judges) or no finding remains on the topic."""
    out = []
    for topic, text in evaluation.responses.items():
        name = common.topic_label(catalog, topic, lang)
        line = phrase("opinion.tagged", lang, name=name, text=text)
        judged = next((f.response for f in evaluation.findings if f.topic == topic and f.response is not None
                       and f.response.closes is not None), None)
        if judged is not None:
            verdict = phrase("response.closes" if judged.closes else "response.open", lang)
            if judged.explain is not None:
                verdict = phrase("response.with_reason", lang, verdict=verdict, reason=judged.explain.get(lang))
            line = phrase("response.judged", lang, text=line, judgement=verdict)
        out.append(line)
    return "\n".join(out)


def build(wb: Workbook, evaluations: list[Evaluation], catalog: Catalog, lang: str) -> None:
    """The one sheet of the list."""
    ws = wb.create_sheet(wbk.sheet_title(phrase("kind.opinion-list", lang)))
    named = meeting_names(evaluations, lang)
    several = len(named) > 1 or (any(e.case.meeting is None for e in evaluations) and bool(named))
    # compared with approved versions (--approved): a column says what changed in each case
    compared = any(e.changes.comparison is not None for e in evaluations)
    keys = [
        *(["meeting"] if several else []), "case_number", "title", "department", "agenda",
        *(["changes"] if compared else []), "opinion", "questions", "response",
    ]
    columns = len(keys)
    wbk.set_widths(ws, [WIDTHS[k] for k in keys])
    title = phrase("kind.opinion-list", lang)
    councils = list(dict.fromkeys(e.profile.council.get(lang) for e in evaluations if e.profile is not None))
    if len(councils) == 1:  # whose council, as the report titles say
        title = phrase("report.title.of_council", lang, council=councils[0], title=title)
    if named and not several:
        title = phrase("opinion.title_meetings", lang, title=title, meetings=named[0])
    wbk.title_row(ws, title, columns)
    legend = phrase("opinion.legend", lang)
    if compared:
        legend = phrase("opinion.legend_changes", lang, legend=legend, changes=phrase("report.changes_legend", lang))
    common.note_row(ws, 2, legend, columns)
    header = 3
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in keys])
    ids: dict[int, str] = {}
    row = header + 1
    for evaluation in sorted(evaluations, key=case_sort_key):
        ids[row] = ", ".join(f.rule_id for f in evaluation.findings if f.in_opinion)
        values = {
            "meeting": common.meeting_line(evaluation, lang),
            "case_number": evaluation.case.number,
            "title": evaluation.case.title,
            "department": evaluation.case.department,
            "agenda": agenda_text(evaluation, lang),
            "opinion": opinion(evaluation, catalog, lang),
            "questions": questions(evaluation, lang),
            "response": responses(evaluation, catalog, lang) or None,
        }
        changed_text, changed = changes(evaluation, lang)
        values["changes"] = changed_text
        options = {k: {"horizontal": "center"} for k in ("case_number", "agenda")}
        options["changes"] = BOLD_UNDERLINE if changed else {}
        cells = [(values[k], options.get(k, {})) for k in keys]
        row = common.write_row(ws, row, cells, carry=keys.index("case_number") + 1, lang=lang)
    wbk.id_column(ws, columns + 1, header, ids, header=phrase("col.ids", lang))
    # one meeting fits one page; a screening of many runs over pages (one page would be unreadable)
    common.finish(ws, title, header, columns, freeze_column=keys.index("title") + 1, a3=True, one_page=not several)
