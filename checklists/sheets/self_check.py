"""自己点検シート: the department checks its own proposal, one question per row.

The sheet leads with the questions still to be confirmed before the meeting (記載の確認が必要な事項
N件) and the verdict, marked provisional while any is open. Each row's 区分 names the topic with its
status, the same as every output shows it. The department answers each question in a blank 結果
column (○／×／－, with a dropdown) and a 備考 column; beside them, 「審査での指摘」 says what the
review found on the same point, in the report's words: every finding (参考 included, and what became of an exception), 指摘なし where the
rules apply and found nothing. Rules that ask the same question share one row. The questions no
rule of which applies to this proposal follow in a compact section of their own, each still
marked 該当なし: the department has nothing to answer there, and a sheet of 84 questions, most of
them not applicable, would bury the few that matter. A header block asks for 所属, 記入者, 内線 and 提出日,
with a box for the head of the section to confirm. The rule ids of each row are in a hidden column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.citations import cited_on
from itaku.engine.evaluation import Evaluation, Finding
from itaku.engine.status import topic_status
from itaku.engine.wording import phrase
from itaku.present.sources import source_text
from itaku.present.view import profile_label

ANSWERS = ("yes", "no", "na")
WIDTHS = [5, 14, 30, 36, 8, 20, 46]  # the sources take the most lines: their column is the wide one
ID_COLUMN = len(WIDTHS) + 1
BOX = 6  # the column of the 所属長確認 box, beside the header block


@dataclass
class Question:
    """One row: a question and every rule in force that asks it."""

    text: str
    topic: str  # the topic's label
    topic_id: str
    rule_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    applies: bool = False
    findings: list[Finding] = field(default_factory=list)


def questions(evaluation: Evaluation, catalog: Catalog, lang: str) -> list[Question]:
    """The questions of the sheet in catalog order, rules asking the same question merged, each
    with the findings of its rules (as the Evaluation has them) and whether any of them applies."""
    by_text: dict[str, Question] = {}
    findings: dict[str, list[Finding]] = {}
    for finding in evaluation.findings:
        findings.setdefault(finding.rule_id, []).append(finding)
    for status in evaluation.rules:
        spec = common.rule_spec(catalog, status.rule_id)
        if spec is None:
            continue
        text = spec.checklist.get(lang)
        question = by_text.setdefault(text, Question(
            text=text, topic=common.topic_label(catalog, spec.topic, lang), topic_id=spec.topic,
        ))
        question.rule_ids.append(status.rule_id)
        compiled = catalog.rule(status.rule_id)
        assert compiled is not None  # rule_spec found it
        source = source_text(cited_on(compiled.citations, evaluation.as_of), lang)  # what existed then
        if source not in question.sources:
            question.sources.append(source)
        question.applies = question.applies or status.judgement != "na"
        question.findings += findings.get(status.rule_id, [])
    return list(by_text.values())


def review_text(question: Question, catalog: Catalog, lang: str) -> str:
    """What the review found on this question, as the report says it."""
    if not question.findings:
        return phrase("selfcheck.no_finding" if question.applies else "judgement.na", lang)
    lines = []
    for f in question.findings:
        mark = phrase(f"severity.{f.severity}", lang)
        text = phrase("opinion.tagged", lang, name=mark, text=f.message.get(lang))
        if f.item:
            text += phrase("selfcheck.item", lang, item=f.item)
        if f.exception is not None:
            text += "\n" + common.exception_text(f.exception, catalog, lang)
        lines.append(text)
    return "\n".join(lines)


def topic_cell(evaluation: Evaluation, question: Question, lang: str) -> str:
    """The row's topic with the topic's status, the same as every output shows it (a topic's other
    questions may be what raised it)."""
    status = phrase(f"status.{topic_status(evaluation, question.topic_id)}", lang)
    return phrase("selfcheck.topic", lang, topic=question.topic, status=status)


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's self-check sheet."""
    columns = len(WIDTHS)
    ws, title = common.proposal_sheet(wb, evaluation, "self-check", WIDTHS, columns, lang)
    first = 2
    row = common.header_block(ws, first, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        *common.lead_pairs(evaluation, lang),
        (phrase("head.section", lang), evaluation.case.department),
        (phrase("head.writer", lang), common.INPUT),
        (phrase("head.extension", lang), common.INPUT),
        (phrase("head.submitted", lang), common.INPUT),
        (phrase("head.meeting", lang), common.meeting_line(evaluation, lang)),
        (phrase("head.classification", lang), common.classification_text(evaluation, lang)),
        (phrase("report.profile", lang), profile_label(evaluation, lang)),
    ], BOX - 1)
    # the box where the head of the section confirms (a seal or a signature)
    wbk.put(ws, first, BOX, phrase("head.chief_check", lang), bold=True, fill=wbk.GROUP_FILL, horizontal="center")
    for r in range(first + 1, row):
        wbk.put(ws, r, BOX, None)
    wbk.merge(ws, first + 1, BOX, row - 1, BOX)
    row = common.changes_block(ws, row, evaluation, columns, lang)
    row = common.note_row(ws, row, phrase("note.self_check", lang), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in (
        "no", "topic", "check_item", "source", "answer", "remarks", "review",
    )])
    found = questions(evaluation, catalog, lang)
    applying = [q for q in found if q.applies or q.findings]
    ids: dict[int, str] = {}
    row = header + 1
    for number, question in enumerate(applying, start=1):
        ids[row] = ", ".join(question.rule_ids)
        row = common.write_row(ws, row, [
            (number, {"horizontal": "center"}),
            (topic_cell(evaluation, question, lang), {}),
            (question.text, {}),
            ("\n".join(question.sources), {"size": 9}),
            (None, {"fill": wbk.INPUT_FILL, "horizontal": "center"}),
            (None, {"fill": wbk.INPUT_FILL}),
            (review_text(question, catalog, lang), {}),
        ], carry=1, lang=lang)
    answered = row - 1
    if not applying:
        row = common.note_row(ws, row, phrase("note.no_rules", lang), columns)
    else:
        wbk.dropdown(ws, f"E{header + 1}:E{answered}", [phrase(f"answer.{a}", lang) for a in ANSWERS],
                     title=phrase("col.answer", lang), prompt=phrase("note.answers", lang))
    row = _not_applicable(ws, row, [q for q in found if q not in applying], len(applying), ids, lang)
    # exceptions whose rule has no row here (not in force on the date) still appear
    listed = {rule_id for q in found for rule_id in q.rule_ids}
    extra = [e for e in evaluation.exceptions if e.rule_id not in listed or e.status == "unused"]
    for offset, exception in enumerate(extra, start=1):
        common.note_row(ws, row + offset, common.exception_text(exception, catalog, lang), columns)
    wbk.id_column(ws, ID_COLUMN, header, ids, header=phrase("col.ids", lang))
    common.finish(ws, title, header, columns)
    if applying:  # room to write by hand in the rows the department answers
        wbk.fit_row_heights(ws, header + 1, answered, minimum=wbk.line_height() * 2)


def _not_applicable(ws: Worksheet, row: int, found: list[Question], numbered: int, ids: dict[int, str], lang: str) -> int:
    """The questions that do not apply to this proposal, after a heading row: number, topic, the
    question across the columns the department would answer in, and 該当なし. Returns the next row."""
    if not found:
        return row
    columns = len(WIDTHS)
    wbk.put(ws, row, 1, phrase("selfcheck.not_applicable", lang), bold=True, fill=wbk.GROUP_FILL)
    for column in range(2, columns + 1):
        wbk.put(ws, row, column, None, fill=wbk.GROUP_FILL)
    wbk.merge(ws, row, 1, row, columns)
    row += 1
    for number, question in enumerate(found, start=numbered + 1):
        ids[row] = ", ".join(question.rule_ids)
        wbk.put(ws, row, 1, number, size=9, horizontal="center")
        wbk.put(ws, row, 2, question.topic, size=9)
        wbk.put(ws, row, 3, question.text, size=9)
        for column in range(4, columns):
            wbk.put(ws, row, column, None)
        wbk.merge(ws, row, 3, row, columns - 1)
        wbk.put(ws, row, columns, phrase("judgement.na", lang), size=9)
        row += 1
    return row
