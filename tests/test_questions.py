"""The questions before the meeting as a document for the department (`itaku checklist questions`),
and its answers read back (`--answers`): each answer becomes the response on its topic, answered
questions close, and a workbook that cannot be read is refused naming the file and the cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import EXAMPLES
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluator
from itaku.engine.status import completeness_lead, verdict_label
from itaku.engine.wording import phrase
from itaku.files.reading import load_proposal
from itaku.forms.layout import ANSWER_COLUMN, ID_COLUMN

CASE_23 = EXAMPLES / "seed" / "23.yaml"
CASE_27 = EXAMPLES / "seed" / "27.yaml"
# answers that state what was asked, as a department would write them
ANSWERS = {
    "patching": "OS・ミドルウェア・フレームワークのセキュリティパッチを毎月定期的に適用し、適用記録を区に報告する。",
    "backup": "申込サイトのデータは毎日バックアップを取得し、委託終了時にはバックアップも消去して証明書を提出させる。",
}


def questions_book(cli: Any, tmp_path: Path, *files: Path, lang: str = "ja") -> Path:
    out = tmp_path / f"questions-{lang}.xlsx"
    result = cli("checklist", "questions", *files, "-o", out, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    return out


def table(ws: Worksheet) -> tuple[int, list[int]]:
    """(the header row, the rows of the questions): rows with a topic id in the hidden column."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == phrase("col.no"))
    rows = [r for r in range(header + 1, ws.max_row + 1) if ws.cell(row=r, column=ID_COLUMN).value]
    return header, rows


def check_json(cli: Any, *args: Any) -> list[dict[str, Any]]:
    result = cli("check", *args, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_one_row_per_question_in_the_opinions_order(cli: Any, tmp_path: Path, durable: Evaluator, catalog: Catalog) -> None:
    evaluation = durable.evaluate(load_proposal(CASE_23), str(CASE_23))
    ws = load_workbook(questions_book(cli, tmp_path, CASE_23)).worksheets[0]
    header, rows = table(ws)
    assert [ws.cell(row=header, column=c).value for c in range(1, ANSWER_COLUMN + 1)] == [
        phrase(f"col.{k}") for k in ("no", "topic_id", "matter", "ask", "why", "answer_text")
    ]
    expected = [f for f in evaluation.findings if f.severity == "question" and f.counts]
    assert expected and len(rows) == len(expected)
    for row, finding in zip(rows, expected, strict=True):
        assert ws.cell(row=row, column=ID_COLUMN).value == finding.topic
        assert ws.cell(row=row, column=2).value == catalog.topics[finding.topic].ja
        assert ws.cell(row=row, column=4).value == finding.ask.ja
        assert ws.cell(row=row, column=5).value.startswith(finding.message.ja)
        # room to answer, holding the department's earlier answer on the topic
        assert ws.cell(row=row, column=ANSWER_COLUMN).value == evaluation.responses.get(finding.topic)
        assert ws.row_dimensions[row].height >= 4 * 18
    assert ws.column_dimensions["G"].hidden
    # the sheet leads with what is still to be confirmed and the provisional verdict
    head = [str(ws.cell(row=r, column=3).value) for r in range(2, header)]
    assert completeness_lead(evaluation, "ja") in head and verdict_label(evaluation, "ja") in head
    assert "（暫定）" in verdict_label(evaluation, "ja")


def test_answers_read_back_as_responses_and_close_questions(cli: Any, tmp_path: Path) -> None:
    book = questions_book(cli, tmp_path, CASE_23, CASE_27)
    wb = load_workbook(book)
    ws = wb["資料23"]
    _, rows = table(ws)
    by_topic = {ws.cell(row=r, column=ID_COLUMN).value: r for r in rows}
    for topic, text in ANSWERS.items():
        ws.cell(row=by_topic[topic], column=ANSWER_COLUMN).value = text
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    (before,) = check_json(cli, CASE_23)
    (after,) = check_json(cli, CASE_23, "--answers", filled)
    for topic, text in ANSWERS.items():
        assert after["responses"][topic] == text
        findings = [f for f in after["findings"] if f["topic"] == topic]
        assert findings and all(f["response"] is not None for f in findings)  # each judged against its answer
    assert after["completeness"]["open_questions"] < before["completeness"]["open_questions"]
    # the earlier answers the sheet carried are kept as they were
    for topic, text in before["responses"].items():
        assert after["responses"][topic] == ANSWERS.get(topic, text)
    # a workbook for several cases answers each proposal with its own sheet
    (other,) = check_json(cli, CASE_27, "--answers", filled)
    (plain,) = check_json(cli, CASE_27)
    assert other["responses"] == plain["responses"]


def test_an_english_sheet_reads_back_too(cli: Any, tmp_path: Path) -> None:
    wb = load_workbook(questions_book(cli, tmp_path, CASE_23, lang="en"))
    ws = wb.worksheets[0]
    _, rows = table_en(ws)
    ws.cell(row=rows[0], column=ANSWER_COLUMN).value = "回答"
    filled = tmp_path / "filled-en.xlsx"
    wb.save(filled)
    topic = ws.cell(row=rows[0], column=ID_COLUMN).value
    (after,) = check_json(cli, CASE_23, "--answers", filled)
    assert after["responses"][topic] == "回答"


def table_en(ws: Worksheet) -> tuple[int, list[int]]:
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == phrase("col.no", "en"))
    return header, [r for r in range(header + 1, ws.max_row + 1) if ws.cell(row=r, column=ID_COLUMN).value]


@pytest.mark.parametrize(
    ("edit", "where", "message"),
    [
        (lambda ws, row: setattr(ws.cell(row=row, column=ANSWER_COLUMN), "value", "=1+1"), "F", "answers.formula"),
        (lambda ws, row: setattr(ws.cell(row=row, column=ID_COLUMN), "value", "no-such-topic"), "G", "answers.unknown_topic"),
    ],
    ids=["formula", "edited-topic"],
)
def test_a_cell_that_cannot_be_an_answer_is_named(edit: Any, where: str, message: str, cli: Any, tmp_path: Path) -> None:
    wb = load_workbook(questions_book(cli, tmp_path, CASE_23))
    ws = wb.worksheets[0]
    _, rows = table(ws)
    edit(ws, rows[2])
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    out = tmp_path / "report.html"
    result = cli("report", CASE_23, "--answers", bad, "-o", out)
    assert result.exit_code == 2
    assert f"bad.xlsx: {ws.title}!{where}{rows[2]}: " in result.stderr
    assert phrase(message, topic="no-such-topic") in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()  # no partial output


def test_a_workbook_of_other_questions_or_none_is_refused(cli: Any, tmp_path: Path) -> None:
    matrix = tmp_path / "matrix.xlsx"
    assert cli("checklist", "matrix", CASE_23, "-o", matrix).exit_code == 0
    result = cli("check", CASE_23, "--answers", matrix)
    assert result.exit_code == 2 and phrase("answers.not_questions") in result.stderr
    other = questions_book(cli, tmp_path, CASE_27)
    result = cli("check", CASE_23, "--answers", other)
    assert result.exit_code == 2 and "資料23" in result.stderr and "資料27" in result.stderr
    result = cli("check", CASE_23, "--answers", CASE_27)
    assert result.exit_code == 2 and str(CASE_27) in result.stderr
    result = cli("check", CASE_23, "--answers", tmp_path / "missing.xlsx")
    assert result.exit_code == 2 and "missing.xlsx" in result.stderr
