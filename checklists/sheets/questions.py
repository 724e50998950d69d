"""事前確認事項: the questions before the meeting, sent to the department to answer in the sheet.

One sheet per proposal. The header says what is still to be confirmed (記載の確認が必要な事項 N件)
and the verdict, marked provisional while anything is, and asks who answers and when. Each row is
one question (a finding of severity 事前確認, open or already answered) in the opinion's rank order:
its topic, what it is about, what to state (the finding's 確認事項), why it matters (the finding's
remark, and why this proposal's risk raised it where it did) and a 回答欄 to write the answer in,
pre-filled with the department's earlier answer on the topic. The answers read back with
`itaku check PROPOSAL --answers THIS.xlsx` (itaku/forms/answers.py): each answer becomes the
department's response on its topic, and an answer that states what was asked closes the question.

The hidden column holds what the reading needs: the case number beside the case line, the topic id
beside each question.
"""

from __future__ import annotations

from openpyxl import Workbook

from itaku.checklists import workbook as wbk
from itaku.checklists.sheets import common
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation, Finding
from itaku.engine.wording import phrase
from itaku.forms.layout import ANSWER_COLUMN, CASE_ID, ID_COLUMN  # what the reading of the answers goes by

WIDTHS = [5, 16, 22, 34, 40, 44]  # the 回答欄 last (ANSWER_COLUMN), the hidden ids after it (ID_COLUMN)
HANDWRITING = 4  # lines of room in every row for the answer


def questions_of(evaluation: Evaluation) -> list[Finding]:
    """The questions before the meeting (severity 事前確認, counted), answered or not, in the
    opinion's rank order (the Evaluation's)."""
    return [f for f in evaluation.findings if f.severity == "question" and f.counts]


def why(finding: Finding, lang: str) -> str:
    """Why the question is asked: the finding's remark, and why the silence weighs more here."""
    text = finding.message.get(lang)
    if finding.escalated is not None:
        text += "\n" + phrase("opinion.tagged", lang, name=phrase("escalated", lang), text=finding.escalated.get(lang))
    return text


def add_sheet(wb: Workbook, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    """One proposal's questions before the meeting, with room to answer."""
    columns = len(WIDTHS)
    ws, title = common.proposal_sheet(wb, evaluation, "questions", WIDTHS, columns, lang)
    row = common.header_block(ws, 2, [
        (phrase("head.case", lang), common.case_line(evaluation, lang)),
        *common.lead_pairs(evaluation, lang),
        (phrase("head.section", lang), evaluation.case.department),
        (phrase("head.answered_by", lang), common.INPUT),
        (phrase("head.extension", lang), common.INPUT),
        (phrase("head.answered_on", lang), common.INPUT),
    ], columns)
    ids: dict[int, str] = {2: CASE_ID + evaluation.case.number}
    row = common.note_row(ws, row, phrase("note.questions", lang), columns)
    header = row
    wbk.header_row(ws, header, [phrase(f"col.{k}", lang) for k in ("no", "topic_id", "matter", "ask", "why", "answer_text")])
    found = questions_of(evaluation)
    prefilled: set[str] = set()
    for number, finding in enumerate(found, start=1):
        r = header + number
        ids[r] = finding.topic
        # the earlier answer on the topic, once (the reading joins a topic's answers)
        earlier = evaluation.responses.get(finding.topic) if finding.topic not in prefilled else None
        prefilled.add(finding.topic)
        wbk.put(ws, r, 1, number, horizontal="center")
        wbk.put(ws, r, 2, common.topic_label(catalog, finding.topic, lang))
        wbk.put(ws, r, 3, finding.title.get(lang))
        wbk.put(ws, r, 4, finding.ask.get(lang))
        wbk.put(ws, r, 5, why(finding, lang), size=9)
        wbk.put(ws, r, ANSWER_COLUMN, earlier, fill=wbk.INPUT_FILL)
    if not found:
        common.note_row(ws, header + 1, phrase("completeness.complete", lang), columns)
    wbk.id_column(ws, ID_COLUMN, header, ids, header=phrase("col.ids", lang))
    common.finish(ws, title, header, columns, minimum=wbk.line_height() * HANDWRITING)
