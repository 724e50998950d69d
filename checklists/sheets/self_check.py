"""自己点検シート: one row per rule that applies to the proposal, pre-judged by the engine."""

from __future__ import annotations

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.wording import phrase
from itaku.reports.view import profile_label

JUDGEMENTS = ("fit", "action", "advice", "na")
WIDTHS = [6, 20, 52, 44, 12, 28]


def applicable(evaluation: Evaluation) -> list[tuple[str, str]]:
    """(rule id, judgement) of every rule in force that applies to the proposal, in catalog order."""
    return [(r.rule_id, r.judgement) for r in evaluation.rules if r.judgement != "na"]


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's self-check sheet."""
    columns = len(WIDTHS)
    ws, title = common.proposal_sheet(wb, evaluation, "self-check", WIDTHS, columns, lang)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        (phrase("col.department", lang), evaluation.case.department),
        (phrase("head.classification", lang), common.classification_text(evaluation, lang)),
        (phrase("head.verdict", lang), phrase(f"verdict_short.{evaluation.verdict}", lang)),
        (phrase("head.as_of", lang), evaluation.as_of.isoformat()),
        (phrase("report.profile", lang), profile_label(evaluation, lang)),
    ], columns)
    row = common.changes_block(ws, row, evaluation, columns, lang)
    row = common.note_row(ws, row, phrase("note.self_check", lang), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in ("no", "topic", "check_item", "source", "judgement", "remarks")])
    rows = applicable(evaluation)
    excepted = {e.rule_id: common.exception_text(e, lang) for e in evaluation.exceptions}
    for number, (rule_id, judgement) in enumerate(rows, start=1):
        r = header + number
        spec = common.rule_spec(catalog, rule_id)
        wbk.put(ws, r, 1, number, horizontal="center")
        wbk.put(ws, r, 2, common.topic_label(catalog, spec.topic, lang) if spec else "—")
        wbk.put(ws, r, 3, spec.checklist.get(lang) if spec else rule_id)
        wbk.put(ws, r, 4, spec.source if spec else "")
        wbk.put(ws, r, 5, phrase(f"judgement.{judgement}", lang), horizontal="center")
        wbk.put(ws, r, 6, excepted.pop(rule_id, None))
    if not rows:
        common.note_row(ws, header + 1, phrase("note.no_rules", lang), columns)
    # every exception appears: those of rules without a row here go below the table
    for offset, text in enumerate(excepted.values(), start=max(len(rows), 1) + 2):
        common.note_row(ws, header + offset, text, columns)
    else:
        wbk.dropdown(
            ws, f"E{header + 1}:E{header + len(rows)}", [phrase(f"judgement.{j}", lang) for j in JUDGEMENTS],
            title=phrase("col.judgement", lang),
        )
    common.finish(ws, title, header, columns)
