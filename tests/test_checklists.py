"""`itaku checklist KIND` and `itaku template`: the workbooks people print and fill in.

Expectations come from the Evaluation and the model (never from rule ids or counts written here:
the catalog grows while the checklists stay the same). Each workbook is opened with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from conftest import SEED, invoke
from itaku.checklists import workbook as wbk
from itaku.checklists.build import KINDS, PER_PROPOSAL
from itaku.checklists.sheets import inspection, management_record
from itaku.checklists.sheets.common import vendor_handles_data
from itaku.checklists.sheets.management_record import add_months, planned_events
from itaku.checklists.sheets.matrix import FILLS
from itaku.checklists.workbook import FONT_NAME, INPUT_FILL
from itaku.cli.common import evaluate_files
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.models import Proposal
from itaku.engine.profiles import default_catalog
from itaku.engine.status import completeness_lead, opinion_text, topic_status
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.forms.layout import FIRST_ROW, FORM_VERSION, HEADER_ROW, VERSION_NAME
from itaku.forms.values import read_choice, read_choice_list
from itaku.present.formats import FIELD_DOCUMENTS
from itaku.present.view import case_sort_key

ITAKU = [sys.executable, "-m", "itaku"]


# ------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def seed_evaluations(catalog: Catalog) -> list[Evaluation]:
    return sorted(evaluate_files(SEED, catalog=catalog), key=case_sort_key)


def make(cli: Any, tmp_path: Path, kind: str, *files: Path, lang: str = "ja", name: str | None = None) -> Path:
    out = tmp_path / (name or f"{kind}-{lang}.xlsx")
    result = cli("checklist", kind, *files, "-o", out, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    return out


def seed_files(kind: str) -> list[Path]:
    """The seed proposals a checklist of `kind` is made of (the pre-send check: those that send mail in
    bulk; the field documents: those in which a vendor handles the personal data, not 資料24)."""
    if kind in FIELD_DOCUMENTS:
        catalog = default_catalog()
        return [p for p, e in zip(SEED, evaluate_files(SEED, catalog=catalog), strict=True) if vendor_handles_data(e, catalog)]
    return [p for p in SEED if kind != "pre-send" or "bulk_send: true" in p.read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """`itaku checklist KIND` of the seed in a language, written once for the module's tests (which
    only read the file): seed_book(kind, lang="ja") -> its path."""
    folder = tmp_path_factory.mktemp("seed-books")
    made: dict[tuple[str, str], Path] = {}

    def book(kind: str, lang: str = "ja") -> Path:
        if (kind, lang) not in made:
            made[kind, lang] = make(invoke, folder, kind, *seed_files(kind), lang=lang)
        return made[kind, lang]

    return book


def header_row_of(ws: Worksheet, first: str) -> int:
    """The table's header row: the frozen row above the first data row."""
    row = int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) - 1
    assert ws.cell(row=row, column=1).value == first
    return row


def headers(ws: Worksheet, row: int) -> list[str]:
    return [c.value for c in ws[row] if c.value is not None]


def data_rows(ws: Worksheet, header: int) -> list[tuple[Any, ...]]:
    """Rows under the header whose first column holds a number (the No. column)."""
    out = []
    for row in ws.iter_rows(min_row=header + 1, values_only=True):
        if isinstance(row[0], int):
            out.append(row)
    return out


def validations(ws: Worksheet) -> list[tuple[str, str]]:
    """(formula, covered cells) of every list dropdown."""
    return [(dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation if dv.type == "list"]


def covers(ws: Worksheet, coord: str) -> list[str]:
    """Formulas of the dropdowns that cover one cell."""
    return [dv.formula1 for dv in ws.data_validations.dataValidation if coord in dv.sqref]


def list_values(wb: Any, formula: str) -> list[Any]:
    """The values a dropdown offers, from its source range ('Sheet'!$A$1:$A$3)."""
    sheet, ref = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [row[0].value for row in ws[ref.replace("$", "")]]


def assert_house_style(path: Path) -> Any:
    """Every sheet: the Japanese font on every written cell, wrapped text, A4 fitted to the width,
    repeated title rows, a print area, title and page number in header and footer, frozen panes.
    Returns the workbook opened."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        written = [c for row in ws.iter_rows() for c in row if c.value is not None]
        assert written, ws.title
        for cell in written:
            assert cell.font.name == FONT_NAME, (ws.title, cell.coordinate)
        assert any(c.alignment.wrap_text for c in written)
        assert int(ws.page_setup.paperSize) in (int(ws.PAPERSIZE_A4), int(ws.PAPERSIZE_A3))
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and ws.print_area
        assert ws.oddHeader.center.text and "&P" in ws.oddFooter.center.text
        assert ws.freeze_panes
        for letter, dim in ws.column_dimensions.items():
            assert dim.width is None or dim.width >= 5, (ws.title, letter)
    return wb


def no_formulas(path: Path) -> None:
    """No cell of any sheet is stored as a formula."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def write_proposal(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def proposal(number: str = "99", **sections: Any) -> dict[str, Any]:
    return {
        "format": "itaku/v1",
        "case": {"number": number, "title": f"試験案件{number}", "department": "情報政策課",
                 "meeting": dt.date(2024, 5, 1), "kinds": ["outsourcing"]},
        **sections,
    }


# ------------------------------------------------------------------ every kind


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_kind_has_the_house_style(kind: str, lang: str, seed_book: Callable[..., Path]) -> None:
    path = seed_book(kind, lang)
    wb = assert_house_style(path)
    no_formulas(path)
    if kind in PER_PROPOSAL:
        assert len(wb.sheetnames) == len(seed_files(kind))
    title = phrase(f"kind.{kind}", lang)
    assert title in wb.worksheets[0]["A1"].value


def test_self_check_is_a_self_check_that_agrees_with_the_evaluation(
    seed_book: Callable[..., Path], seed_evaluations: list[Evaluation], catalog: Catalog
) -> None:
    """One row per question (no question twice); the answer and remarks columns blank input with
    a ○／×／－ dropdown; 審査での指摘 names every finding of the row's rules (参考 included), 指摘なし
    where they apply and found nothing, 該当なし where none applies (those rows last, nothing to
    answer in them); the rule ids in a hidden column."""
    wb = load_workbook(seed_book("self-check"))
    assert len(wb.worksheets) == len(seed_evaluations)
    for ws, evaluation in zip(wb.worksheets, seed_evaluations, strict=True):
        header = header_row_of(ws, "No.")
        assert headers(ws, header)[:7] == ["No.", "区分", "確認項目", "根拠", "結果", "備考", "審査での指摘"]
        id_letter = get_column_letter(8)
        assert ws.column_dimensions[id_letter].hidden
        rows = [r for r in range(header + 1, ws.max_row + 1) if isinstance(ws.cell(row=r, column=1).value, int)]
        questions = [ws.cell(row=r, column=3).value for r in rows]
        assert len(questions) == len(set(questions)), "a question appears twice"
        statuses = {s.rule_id: s.judgement for s in evaluation.rules}
        covered: list[str] = []
        kinds: list[bool] = []
        for r in rows:
            ids = ws.cell(row=r, column=8).value.split(", ")
            covered += ids
            for rule_id in ids:
                assert catalog.rule(rule_id).spec.checklist.ja == ws.cell(row=r, column=3).value
            assert ws.cell(row=r, column=5).value is None and ws.cell(row=r, column=6).value is None
            review = "".join(str(ws.cell(row=x, column=7).value or "") for x in range(r, next((y for y in rows if y > r), ws.max_row + 1)))
            findings = [f for f in evaluation.findings if f.rule_id in ids]
            if findings:
                for f in findings:
                    assert f.message.ja[:20] in review, (ws.title, f.rule_id)
                    assert f"【{phrase('severity.' + f.severity)}】" in review
                assert review not in ("適", "指摘なし", "該当なし")
            elif any(statuses[i] != "na" for i in ids):
                assert review == "指摘なし"
            else:
                assert review == "該当なし"
            # the questions that do not apply come last, with nothing for the department to answer
            answer = ws.cell(row=r, column=5)
            asked = answer.fill.fgColor.rgb == INPUT_FILL.fgColor.rgb and bool(covers(ws, answer.coordinate))
            assert asked == (review != "該当なし"), (ws.title, r)
            kinds.append(asked)
        assert kinds == sorted(kinds, reverse=True), "a question that applies comes after one that does not"
        assert sorted(covered) == sorted(statuses), "every rule in force has its row"
        answers = ",".join(phrase(f"answer.{a}", "ja") for a in ("yes", "no", "na"))
        assert covers(ws, f"E{header + 1}") == [f'"{answers}"'] == ['"○,×,－"']
        assert ws.print_title_rows == f"${header}:${header}"
        labels = [ws.cell(row=r, column=1).value for r in range(2, header)]
        for wanted in ("所属", "記入者", "内線", "提出日"):
            assert wanted in labels
        assert "所属長確認" in [ws.cell(row=2, column=c).value for c in range(1, 8)]


def test_self_check_in_english(seed_book: Callable[..., Path], seed_evaluations: list[Evaluation], catalog: Catalog) -> None:
    wb = load_workbook(seed_book("self-check", "en"))
    ws = wb.worksheets[-1]
    evaluation = seed_evaluations[-1]
    header = header_row_of(ws, "No.")
    assert headers(ws, header)[:7] == [phrase(f"col.{k}", "en") for k in (
        "no", "topic", "check_item", "source", "answer", "remarks", "review",
    )]
    rows = data_rows(ws, header)
    # the questions that apply come first (those that do not follow in their own section)
    found = {f.rule_id for f in evaluation.findings}
    first = next(s for s in evaluation.rules if s.judgement != "na" or s.rule_id in found)
    assert rows[0][2] == catalog.rule(first.rule_id).spec.checklist.en
    assert ws.title == f"Case {evaluation.case.number}"
    assert ws["A1"].value == phrase("kind.self-check", "en")


def _expected_measures(evaluation: Evaluation) -> int:
    count = 0
    for node in fields.walk():
        if (node.kind == fields.YESNO and node.path.split(".")[0] in inspection.MEASURE_SECTIONS
                and node.path not in inspection.NOT_MEASURES):
            value: Any = evaluation.proposal
            for part in node.path.split("."):
                value = getattr(value, part, None)
            count += value is True
    assert evaluation.proposal is not None
    for sub in evaluation.proposal.subcontractors or []:
        count += sum(getattr(sub, name) is True for name in inspection.SUBCONTRACTOR_MEASURES)
    return count


def test_inspection_rows_are_the_promised_measures(seed_book: Callable[..., Path], seed_evaluations: list[Evaluation]) -> None:
    wb = load_workbook(seed_book("inspection"))
    catalog = default_catalog()
    inspected = [e for e in seed_evaluations if vendor_handles_data(e, catalog)]
    assert [e.case.number for e in seed_evaluations if e not in inspected] == ["24"]  # a linkage: no vendor
    for ws, evaluation in zip(wb.worksheets, inspected, strict=True):
        header = header_row_of(ws, "No.")
        assert headers(ws, header)[:6] == ["No.", "区分", "現地で確認すること", "確認方法", "結果", "確認した内容・指摘事項"]
        rows = data_rows(ws, header)
        # the measures promised, or, where none is, the basic checks: never an empty sheet
        assert len(rows) == (_expected_measures(evaluation) or len(inspection.BASIC_CHECKS))
        texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        assert phrase("inspection.overall", "ja") in texts and phrase("inspection.seals", "ja") in texts
        assert len({r[2] for r in rows}) == len(rows)  # what to look at differs from row to row
        block = [ws.cell(row=r, column=1).value for r in range(2, header)]
        assert {"調査日", "調査者（区）", "委託先の立会者"} <= set(block)
        if rows:
            results = ",".join(phrase(f"result.{r}", "ja") for r in inspection.RESULTS)
            assert covers(ws, f"E{header + 1}") == [f'"{results}"']
            assert covers(ws, f"D{header + len(rows)}")
            for r in range(header + 1, header + len(rows) + 1):
                assert ws.row_dimensions[r].height >= 54  # room to write by hand
                assert "明記されているか" not in ws.cell(row=r, column=3).value  # not the document review
                assert ws.cell(row=r, column=5).value is None and ws.cell(row=r, column=6).value is None


def test_inspection_names_only_fields_of_the_model() -> None:
    paths = fields.index()
    for path in inspection.NOT_MEASURES:
        assert paths[path].kind == fields.YESNO, path
    for section in inspection.MEASURE_SECTIONS:
        assert paths[section].kind == fields.SECTION
    columns = {c.name for c in paths["subcontractors"].children}
    assert set(inspection.SUBCONTRACTOR_MEASURES) <= columns


def test_inspection_lists_a_subcontractors_accepted_obligations(cli: Any, tmp_path: Path) -> None:
    path = write_proposal(tmp_path, "p.yaml", proposal(
        system={"firewall": True, "development": True, "waf": False},
        subcontractors=[{"name": "保守会社", "role": "operation", "approved_by_ward": True, "affiliate": True}],
    ))
    ws = load_workbook(make(cli, tmp_path, "inspection", path)).worksheets[0]
    rows = data_rows(ws, header_row_of(ws, "No."))
    # what to look at is written for the measure, not one sentence per section with its name in it
    assert rows[0][2] == phrase("inspect.field.system.firewall", "ja")
    assert rows[1][2] == phrase("inspect.field.subcontractors.approved_by_ward", "ja")
    assert "保守会社" in rows[1][1]


def test_management_record_seeds_planned_rows_from_the_period(cli: Any, tmp_path: Path, catalog: Catalog) -> None:
    data = proposal(
        period={"start": dt.date(2024, 4, 1), "end": dt.date(2025, 3, 31)},
        supervision={"inspections_per_year": 2},
        data={"items": ["氏名", "住所"]},
        vendor={"name": "株式会社試験"},
    )
    path = write_proposal(tmp_path, "p.yaml", data)
    evaluation = evaluate_files([path], catalog=catalog)[0]
    events = planned_events(evaluation)
    kinds = [e for e, _ in events]
    assert kinds[0] == "handover" and events[0][1] == dt.date(2024, 4, 1)
    assert kinds[-2:] == ["report", "deletion"] and events[-1][1] == dt.date(2025, 3, 31)
    assert kinds.count("inspection") == 2
    assert [d for e, d in events if e == "phone"] == [add_months(dt.date(2024, 4, 1), 3 * k) for k in (1, 2, 3)]
    dates = [d for _, d in events]
    assert dates == sorted(dates)
    ws = load_workbook(make(cli, tmp_path, "management-record", path)).worksheets[0]
    header = header_row_of(ws, "No.")
    assert headers(ws, header)[:8] == ["No.", "区分", "予定日", "実施日", "担当者", "相手方", "内容", "証跡"]
    rows = data_rows(ws, header)
    assert [r[1] for r in rows[: len(events)]] == [phrase(f"event.{e}", "ja") for e in kinds]
    assert [r[2] for r in rows[: len(events)]] == [date_text(d) for d in dates]
    assert all(r[1] is None for r in rows[len(events):]) and len(rows) == len(events) + management_record.BLANK_ROWS
    block = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=3).value for r in range(2, header)}
    assert block["委託先"] == "株式会社試験" and block["取扱項目"] == "氏名、住所"
    assert block["委託期間"] == "令和6年4月1日 〜 令和7年3月31日"
    assert all(ws.cell(row=header + 1, column=c).fill.fgColor.rgb.endswith(INPUT_FILL.fgColor.rgb[-6:]) for c in range(2, 9))
    assert covers(ws, f"B{header + 1}")
    english = load_workbook(make(cli, tmp_path, "management-record", path, lang="en")).worksheets[0]
    rows = data_rows(english, header_row_of(english, "No."))
    assert [r[2] for r in rows[: len(events)]] == [date_text(d, "en") for d in dates], "English dates in English"
    assert rows[0][2] == "1 April 2024"


def test_management_record_without_dates_still_lists_the_events(catalog: Catalog, tmp_path: Path) -> None:
    path = write_proposal(tmp_path, "p.yaml", proposal())
    events = planned_events(evaluate_files([path], catalog=catalog)[0])
    assert [e for e, _ in events] == ["handover", "inspection", "phone", "report", "deletion"]
    assert all(d is None for _, d in events)


def test_pre_send_rows_follow_planned_sends(cli: Any, tmp_path: Path) -> None:
    three = write_proposal(tmp_path, "three.yaml", proposal("3", email={"bulk_send": True, "planned_sends": 3, "recipients": "bcc"}))
    unstated = write_proposal(tmp_path, "unstated.yaml", proposal("4", email={"bulk_send": True}))
    quiet = write_proposal(tmp_path, "quiet.yaml", proposal("5", email={"bulk_send": False}))
    out = tmp_path / "pre.xlsx"
    result = cli("checklist", "pre-send", three, unstated, quiet, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert f"{quiet}:" in result.stderr  # left out, and said so
    wb = load_workbook(out)
    assert wb.sheetnames == ["資料3", "資料4"]
    expected_headers = [
        "No.", "送信日", "内容", "宛先件数", "BCC確認", "本文確認", "添付確認", "確認者1", "確認者2", "区への報告日", "備考",
    ]
    one = {"bulk_send": True, "recipients": "individual", "attachments": "none"}
    one_by_one = write_proposal(tmp_path, "one.yaml", proposal("6", email=one))
    single = load_workbook(make(cli, tmp_path, "pre-send", one_by_one, name="one.xlsx")).worksheets[0]
    single_headers = headers(single, header_row_of(single, "No."))
    assert "BCC確認" not in single_headers and "添付確認" not in single_headers and "宛先リスト確認" in single_headers
    ws = wb["資料3"]
    header = header_row_of(ws, "No.")
    assert headers(ws, header)[:-1] == expected_headers
    assert len(data_rows(ws, header)) == 3
    assert covers(ws, f"E{header + 1}") and covers(ws, f"G{header + 3}")
    ws = wb["資料4"]
    header = header_row_of(ws, "No.")
    assert len(data_rows(ws, header)) == 10
    notes = [ws.cell(row=r, column=1).value for r in range(2, header)]
    assert any("10 行" in str(n) for n in notes)
    none = cli("checklist", "pre-send", quiet, "-o", tmp_path / "none.xlsx")
    assert none.exit_code == 2 and not (tmp_path / "none.xlsx").exists()


def test_opinion_list_one_row_per_case_in_case_number_order(
    cli: Any, tmp_path: Path, seed_book: Callable[..., Path], seed_evaluations: list[Evaluation]
) -> None:
    nine = write_proposal(tmp_path, "nine.yaml", proposal("9"))
    ten = write_proposal(tmp_path, "ten.yaml", proposal("10"))
    wb = load_workbook(make(cli, tmp_path, "opinion-list", ten, *SEED, nine))
    ws = wb.worksheets[0]
    header = 3
    # two meetings: the meeting is a column, not the title
    assert headers(ws, header)[:8] == ["審議会", "資料番号", "件名", "担当課", "区分", "意見", "事前確認事項", "担当課の対応"]
    assert "令和" not in ws["A1"].value
    starts = [r for r in range(header + 1, ws.max_row + 1) if ws.cell(row=r, column=3).value]
    numbers = [ws.cell(row=r, column=2).value for r in starts]
    assert numbers == ["9", "10", *[e.case.number for e in seed_evaluations]]
    assert ws.cell(row=starts[2], column=1).value == "令和元年度第4回（令和元年9月9日）"
    for i, evaluation in enumerate(seed_evaluations, start=2):
        first, last = starts[i], (starts[i + 1] if i + 1 < len(starts) else ws.max_row + 1)
        assert ws.cell(row=first, column=3).value == evaluation.case.title
        # a case too long for one row (Excel's 409 pt) continues below, saying whose it is
        continued = [ws.cell(row=r, column=2).value for r in range(first + 1, last)]
        assert continued == [f"{evaluation.case.number}（続き）"] * (last - first - 1)
        opinion = "".join(str(ws.cell(row=r, column=6).value or "") for r in range(first, last))
        answers = "".join(str(ws.cell(row=r, column=8).value or "") for r in range(first, last))
        lead = completeness_lead(evaluation, "ja")
        assert opinion.startswith((lead + "\n" if lead else "") + opinion_text(evaluation, "ja"))
        points = [f for f in evaluation.findings if f.in_opinion]
        # the opinion's points, numbered in the opinion's rank order
        assert [opinion.index(f.message.ja) for f in points] == sorted(opinion.index(f.message.ja) for f in points)
        for finding in evaluation.findings:
            if finding.severity in ("info", "question"):
                assert finding.message.ja not in opinion
        for text in evaluation.responses.values():
            assert text in answers
    single = load_workbook(seed_book("opinion-list")).worksheets[0]
    assert "令和元年度第4回（令和元年9月9日）" in single["A1"].value
    assert headers(single, header)[0] == "資料番号"
    assert int(single.page_setup.paperSize) == int(single.PAPERSIZE_A3) and single.page_setup.orientation == "landscape"
    assert single.page_setup.fitToHeight == 1 and single.page_setup.fitToWidth == 1
    assert "凡例" in single["A2"].value or "【助言】" in single["A2"].value


def test_matrix_cells_follow_the_evaluations(
    seed_book: Callable[..., Path], seed_evaluations: list[Evaluation], catalog: Catalog
) -> None:
    ws = load_workbook(seed_book("matrix")).worksheets[0]
    header = header_row_of(ws, "論点")
    assert [ws.cell(row=header, column=i + 2).value for i in range(len(seed_evaluations))] == [
        f"資料{e.case.number}" for e in seed_evaluations
    ]
    labels = {catalog.topics[t].ja: t for t in catalog.topics}
    seen = 0
    for row in ws.iter_rows(min_row=header + 2):
        topic = labels.get(row[0].value)
        if topic is None:
            continue
        seen += 1
        for cell, evaluation in zip(row[1 : 1 + len(seed_evaluations)], seed_evaluations, strict=True):
            state = topic_status(evaluation, topic)
            assert cell.value == phrase(f"matrix.{state}", "ja")
            assert cell.fill.fgColor.rgb == FILLS[state].fgColor.rgb
            worst = [f for f in evaluation.findings if f.topic == topic and f.counts]
            if any(f.severity == "blocker" for f in worst):
                assert cell.value.startswith("×")
    assert seen >= 1
    assert ws.print_title_cols
    assert "凡例" in ws["A2"].value  # the legend at the top
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A3) and ws.page_setup.fitToHeight == 1


# ------------------------------------------------------------------ hostile text, determinism, files


HOSTILE = proposal(
    "66",
    business={"purpose": "+SUM(1,2)", "subjects": "-1"},
    data={"items": ["@cmd", "\tタブ"]},
    vendor={"name": "=HYPERLINK(\"http://example.invalid\",\"x\")"},
    email={"bulk_send": True, "planned_sends": 2},
    responses={"sender-domain-authentication": "=2*3"},
)
HOSTILE["case"]["title"] = "=1+1"
HOSTILE["case"]["department"] = "\r=cmd"


@pytest.mark.parametrize("kind", KINDS)
def test_formula_injection_is_neutralised(kind: str, cli: Any, tmp_path: Path) -> None:
    path = write_proposal(tmp_path, "hostile.yaml", HOSTILE)
    out = make(cli, tmp_path, kind, path)
    no_formulas(out)
    wb = load_workbook(out)
    texts = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    titles = [c for c in texts if "=1+1" in c.value]
    assert titles
    for cell in texts:
        assert cell.data_type == "s"
        if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell.quotePrefix, cell.coordinate


def test_form_of_a_hostile_proposal_keeps_text_as_text(cli: Any, tmp_path: Path) -> None:
    path = write_proposal(tmp_path, "hostile.yaml", HOSTILE)
    out = tmp_path / "form.xlsx"
    assert cli("template", "--from", path, "-o", out).exit_code == 0
    no_formulas(out)
    ws = load_workbook(out)["申請様式"]
    cells = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=3) for r in range(FIRST_ROW, ws.max_row + 1)}
    assert cells["case.title"].value == "=1+1" and cells["case.title"].data_type == "s" and cells["case.title"].quotePrefix
    assert cells["vendor.name"].value.startswith("=HYPERLINK")
    checked = cli("check", out, "--format", "json", "--fail-on", "never")
    assert '"title": "=1+1"' in checked.stdout


def test_same_input_same_bytes(cli: Any, tmp_path: Path, seed_book: Callable[..., Path]) -> None:
    for kind in KINDS:  # made again, later in the same process, as the module's copy
        again = make(cli, tmp_path, kind, *seed_files(kind), name=f"{kind}-again.xlsx")
        assert seed_book(kind).read_bytes() == again.read_bytes(), kind
    first, second = tmp_path / "f1.xlsx", tmp_path / "f2.xlsx"
    for out in (first, second):
        assert cli("template", "--from", SEED[-1], "-o", out).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    props = load_workbook(first).properties
    assert props.created == props.modified


def test_merges_copied_within_a_workbook_are_openpyxls_own(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """workbook.merge copies the styles of a merge openpyxl already made to the next one alike: the
    bytes are those of openpyxl merging every range itself (every place that merges: title rows,
    header blocks, the self-check's rows and boxes, the form's note)."""
    runs = [("checklist", "self-check", *SEED[-2:]), ("checklist", "inspection", *SEED[-2:]), ("template", "--from", SEED[-1])]
    ours = [make_output(cli, tmp_path / f"ours-{i}.xlsx", run) for i, run in enumerate(runs)]

    def openpyxl_merge(ws: Worksheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
        ws.merge_cells(start_row=start_row, start_column=start_column, end_row=end_row, end_column=end_column)

    monkeypatch.setattr(wbk, "merge", openpyxl_merge)
    theirs = [make_output(cli, tmp_path / f"theirs-{i}.xlsx", run) for i, run in enumerate(runs)]
    for run, a, b in zip(runs, ours, theirs, strict=True):
        assert a == b, run[:2]


def make_output(cli: Any, out: Path, args: tuple[Any, ...]) -> bytes:
    result = cli(*args, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    """Hash randomisation differs between processes; the bytes must not."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"matrix-{seed}.xlsx"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([*ITAKU, "checklist", "matrix", *map(str, SEED), "-o", str(out)], cwd=tmp_path, env=env, check=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_output_rules(cli: Any, tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text(SEED[-1].read_text(encoding="utf-8"), encoding="utf-8")
    before = source.read_bytes()
    result = cli("checklist", "self-check", source, "-o", source.with_suffix(".xlsm"))
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    same = tmp_path / "same.xlsx"
    result = cli("template", "--from", source, "-o", source)
    assert result.exit_code == 2 and source.read_bytes() == before
    # a failed run leaves an existing output as it was, and no temporary file behind
    same.write_bytes(b"old")
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: itaku/v1\ncase: {number: '1'}\n", encoding="utf-8")
    result = cli("checklist", "self-check", broken, "-o", same)
    assert result.exit_code == 2
    assert same.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "p.yaml", "same.xlsx"]


# ------------------------------------------------------------------ the proposal form


def test_form_has_one_row_per_field_with_dropdowns(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    assert cli("template", "-o", out).exit_code == 0
    assert_house_style(out)
    wb = load_workbook(out)
    assert wb.defined_names[VERSION_NAME].attr_text == f'"{FORM_VERSION}"'
    ws = wb["申請様式"]
    assert headers(ws, HEADER_ROW) == ["項目", "フィールド", "入力", "説明/選択肢"]
    rows = {ws.cell(row=r, column=2).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(row=r, column=2).value}
    expected = [n for n in fields.walk() if n.kind != fields.CONST]
    assert list(rows) == [n.path for n in expected]
    assert ws.column_dimensions["B"].hidden  # field paths are for the reader, not for people
    firsts = [ws.cell(row=r, column=1).value for r in range(FIRST_ROW, FIRST_ROW + 3)]
    assert firsts == [phrase(f"form.submitter.{k}", "ja") for k in ("writer", "contact", "date")]
    assert ws.protection.sheet and not ws.protection.password
    for node in expected:
        row = rows[node.path]
        cell = ws.cell(row=row, column=3)
        if node.is_leaf:
            assert not cell.protection.locked, node.path
            assert ws.cell(row=row, column=1).value == node.question("ja")
            if node.kind in (fields.YESNO, fields.CHOICE, fields.MULTI_CHOICE):
                assert covers(ws, cell.coordinate), node.path
        assert ws.cell(row=row, column=1).protection.locked
    # a field is asked in plain words, not as a path of headings (メール送信／送信ドメイン認証／SPF)
    assert ws.cell(row=rows["email.sender_domain_auth.spf"], column=1).value == "送信ドメイン認証のSPFを設定していますか"
    choices = wb[phrase("sheet.choices", "ja")]
    assert choices.sheet_state == "hidden"
    assert list_values(wb, covers(ws, f"C{rows['email.bulk_send']}")[0]) == ["はい", "いいえ", "未記載"]
    kinds = fields.index()["case.kinds"]
    shown = list_values(wb, covers(ws, f"C{rows['case.kinds']}")[0])
    assert shown == [c.ja for c in kinds.choices] + ["なし"]
    subs = wb["再委託先等"]
    assert subs["A3"].value == "subcontractors" and subs.row_dimensions[3].hidden
    numbered = [r for r in range(FIRST_ROW, subs.max_row + 1) if isinstance(subs.cell(row=r, column=1).value, int)]
    assert len(numbered) >= 50 and subs.protection.insertRows is False
    columns = [c.name for c in fields.index()["subcontractors"].children]
    assert [subs.cell(row=3, column=i + 2).value for i in range(len(columns))] == columns
    assert subs.protection.sheet and not subs["B4"].protection.locked
    role = 2 + columns.index("role")
    assert covers(subs, f"{subs.cell(row=4, column=role).column_letter}13")
    instructions = wb[phrase("sheet.instructions", "ja")]
    assert any("令和" in str(c.value) for c in instructions["B"])


def test_prefilled_form_has_records_plus_blank_rows(cli: Any, tmp_path: Path) -> None:
    source = next(p for p in SEED if "subcontractors:" in p.read_text(encoding="utf-8"))
    data = Proposal.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    out = tmp_path / "form.xlsx"
    assert cli("template", "--from", source, "-o", out).exit_code == 0
    wb = load_workbook(out)
    subs = wb["再委託先等"]
    numbered = [r for r in range(FIRST_ROW, subs.max_row + 1) if isinstance(subs.cell(row=r, column=1).value, int)]
    assert len(numbered) == max(len(data.subcontractors or []) + 10, 50)
    assert subs.cell(row=FIRST_ROW, column=2).value == data.subcontractors[0].name
    ws = wb["申請様式"]
    rows = {ws.cell(row=r, column=2).value: r for r in range(FIRST_ROW, ws.max_row + 1)}
    assert ws.cell(row=rows["case.title"], column=3).value == data.case.title
    assert ws.cell(row=rows["subcontractors"], column=3).value == "該当する"  # a section applies, never "yes"


def test_english_form(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "form-en.xlsx"
    assert cli("template", "--from", SEED[-1], "-o", out, "--lang", "en").exit_code == 0
    wb = load_workbook(out)
    ws = wb["Proposal form"]
    assert headers(ws, HEADER_ROW) == ["Item", "Field", "Input", "Notes / choices"]
    rows = {ws.cell(row=r, column=2).value: r for r in range(FIRST_ROW, ws.max_row + 1)}
    assert ws.cell(row=rows["email.sender_domain_auth.spf"], column=1).value == "Is SPF set up?"
    assert ws.cell(row=rows["email.bulk_send"], column=3).value == "Yes"
    assert ws.cell(row=rows["case.kinds"], column=3).value == "Outsourcing"
    several = tmp_path / "form-en-21.xlsx"
    assert cli("template", "--from", SEED[0], "-o", several, "--lang", "en").exit_code == 0
    ws = load_workbook(several)["Proposal form"]
    rows = {ws.cell(row=r, column=2).value: r for r in range(FIRST_ROW, ws.max_row + 1)}
    assert ws.cell(row=rows["case.kinds"], column=3).value == "System change, Outsourcing"


def test_model_labels_are_usable_in_cells() -> None:
    """Choice labels are unique per field (the reader maps them back) and never contain a list
    separator (lists of choices are split on 、 , ; and line breaks)."""
    for node in fields.walk():
        nodes = [node] if node.kind != fields.RECORDS else list(node.children)
        for n in nodes:
            if n.kind not in (fields.CHOICE, fields.MULTI_CHOICE):
                continue
            for lang in ("ja", "en"):
                shown = [c.label(lang) for c in n.choices]
                assert len(set(shown)) == len(shown), (n.path, lang)
                if n.kind == fields.MULTI_CHOICE:
                    assert not any(ch in s for s in shown for ch in "、,;\n"), (n.path, lang)
                    # a choice must not read as "none" or "not stated"
                    for text in [*shown, *n.values]:
                        assert read_choice_list(n, text) == [read_choice(n, text)], (n.path, text)


@pytest.mark.parametrize("kind", ["self-check", "opinion-list"])
def test_every_exception_appears_in_the_workbook(cli, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    out = tmp_path / "o.xlsx"
    from conftest import EXAMPLES

    result = cli("checklist", kind, EXAMPLES / "extra" / "10-waived.yaml", "-o", out)
    assert result.exit_code == 0, result.stderr
    wb = load_workbook(out)
    texts = [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
        if isinstance(c.value, str) and not ws.column_dimensions[c.column_letter].hidden
    ]
    from itaku.engine.profiles import default_catalog

    title = default_catalog().rule("SYS-PERIMETER-ONLY").spec.title.ja
    assert any(title in t and "例外承認済み" in t and "年1回点検" in t for t in texts)
    assert not any("SYS-PERIMETER-ONLY" in t for t in texts if t)
