"""Reading back a filled 事前確認事項 workbook (written by checklists/sheets/questions.py, to the
layout in layout.py): the department's answers, by case number and topic, for
`itaku check PROPOSAL --answers FILE.xlsx`.

A sheet is a questions sheet when its hidden column names a case beside the case line; each row
below the header with a topic id in that column is a question, its answer in the 回答欄. Answers
on the same topic are joined (a topic's response is one text). Anything that cannot be an answer
is refused naming the sheet and cell: a formula, a topic the catalog does not know, a case
number given twice.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError
from itaku.engine.wording import LANGUAGES, phrase
from itaku.forms.form_reader import open_workbook
from itaku.forms.layout import ANSWER_COLUMN, CASE_ID, ID_COLUMN
from itaku.forms.values import is_blank

Answers = dict[str, dict[str, str]]  # case number -> topic -> the department's answer


def read_answers(data: bytes, file: str, catalog: Catalog, warn: Callable[[str], None]) -> Answers:
    """The answers of a filled questions workbook given as its bytes (`file` names it); raise
    InputError naming the sheet and cell of what cannot be read, or the file when no sheet of it
    is a questions sheet."""
    wb = open_workbook(data, file, warn)
    out: Answers = {}
    for ws in wb.worksheets:
        found = _case_of(ws)
        if found is None:
            continue
        number, row = found
        if number in out:
            raise InputError(file, f"{ws.title}!{_id_cell(row)}", phrase("answers.case_twice", case=phrase("case.number", number=number)))
        out[number] = _answers(ws, file, catalog)
    if not out:
        raise InputError(file, None, phrase("answers.not_questions"))
    return out


def _id_cell(row: int) -> str:
    return f"{get_column_letter(ID_COLUMN)}{row}"


def _case_of(ws: Worksheet) -> tuple[str, int] | None:
    """(the case number, its row) the hidden column names, or None for a sheet that is no questions sheet."""
    for row in range(1, min(ws.max_row, 40) + 1):
        value = ws.cell(row=row, column=ID_COLUMN).value
        if isinstance(value, str) and value.startswith(CASE_ID) and value[len(CASE_ID):].strip():
            return value[len(CASE_ID):].strip(), row
    return None


def _answers(ws: Worksheet, file: str, catalog: Catalog) -> dict[str, str]:
    """topic -> answer of one questions sheet (blank answers left out, a topic's answers joined)."""
    headers = {phrase("col.ids", lang) for lang in LANGUAGES}
    header = next(
        (r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=ID_COLUMN).value in headers), None,
    )
    if header is None:
        raise InputError(file, ws.title, phrase("answers.no_header"))
    answers: dict[str, list[str]] = {}
    for row in range(header + 1, ws.max_row + 1):
        topic = ws.cell(row=row, column=ID_COLUMN).value
        raw = ws.cell(row=row, column=ANSWER_COLUMN).value
        if is_blank(topic):
            continue
        if not isinstance(topic, str) or topic not in catalog.topics:
            raise InputError(file, f"{ws.title}!{_id_cell(row)}", phrase("answers.unknown_topic", topic=str(topic)))
        if is_blank(raw):
            continue
        where = f"{ws.title}!{get_column_letter(ANSWER_COLUMN)}{row}"
        if isinstance(raw, str) and raw.startswith("="):
            raise InputError(file, where, phrase("answers.formula"))
        text = str(raw).strip()
        if text not in answers.setdefault(topic, []):
            answers[topic].append(text)
    return {topic: "\n".join(texts) for topic, texts in answers.items()}
