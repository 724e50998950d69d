"""The documents council members and departments read, checked on the written files: only the
council's language in what is visible, print areas that follow the entries, field documents only
where there is something to do, revisions that read at a glance, and a form a department fills
without help."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import EXAMPLES, SEED, invoke
from itaku.checklists.form import PRINTED_BLANK_ROWS
from itaku.engine.catalog import Catalog
from itaku.engine.wording import phrase
from itaku.forms.layout import FIRST_ROW

REVISION = EXAMPLES / "revisions" / "23.yaml"
APPROVED = EXAMPLES / "seed" / "23.yaml"
# What a council member or a department must never read: tool status, the engine, files, the
# profile's setting, research-note labels, abbreviations nobody spelled out, program words.
FORBIDDEN = (
    "回答の評価基準なし", "評価エンジン", "入力ファイル", "examples/", ".yaml", "durable", "（既定）", "条例期",
    "PPC", "NISC", "機械的", "詳細（識別子）", "national-guidance", "seed digest",
)
FORM_FORBIDDEN = ("true", "false", "yes／no", "シート名!セル", "論点ID")


def _visible_cells(ws: Any) -> list[str]:
    hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
    return [
        str(c.value) for row in ws.iter_rows() for c in row
        if c.value is not None and not ws.column_dimensions[c.column_letter].hidden and c.row not in hidden_rows
    ]


def _visible_workbook(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(text for ws in wb.worksheets if ws.sheet_state == "visible" for text in _visible_cells(ws))


def _visible_html(html: str) -> str:
    html = re.sub(r"<style>.*?</style>|<title>.*?</title>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", html)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every document of `make demo` a council member or a department reads, written once."""
    out = tmp_path_factory.mktemp("council")
    files = {
        "meeting.html": ("report", *SEED, "--format", "html"),
        "meeting.md": ("report", *SEED, "--format", "md"),
        "opinion.docx": ("report", *SEED, "--format", "docx"),
        "revision.html": ("report", REVISION, "--approved", APPROVED, "--format", "html"),
        "revision.md": ("report", REVISION, "--approved", APPROVED, "--format", "md"),
        "form.xlsx": ("template",),
        "form-27.xlsx": ("template", "--from", EXAMPLES / "seed" / "27.yaml"),
        "form-23.xlsx": ("template", "--from", APPROVED),
        "self-check.xlsx": ("checklist", "self-check", *SEED),
        "inspection.xlsx": ("checklist", "inspection", *SEED),
        "management-record.xlsx": ("checklist", "management-record", *SEED),
        "opinion-list.xlsx": ("checklist", "opinion-list", *SEED),
        "matrix.xlsx": ("checklist", "matrix", *SEED),
    }
    for name, args in files.items():
        result = invoke(*args, "-o", out / name)
        assert result.exit_code == 0, (name, result.stderr)
    return {name: out / name for name in files}


def _visible(path: Path) -> str:
    if path.suffix == ".xlsx":
        return _visible_workbook(path)
    if path.suffix == ".docx":
        document = Document(str(path))
        return "\n".join(p.text for p in document.paragraphs)
    text = path.read_text(encoding="utf-8")
    return _visible_html(text) if path.suffix == ".html" else text


def test_only_the_councils_language_is_visible(written: dict[str, Path], catalog: Catalog) -> None:
    rule_ids = {c.id for c in (*catalog.rules, *catalog.derivations)}
    for name, path in written.items():
        visible = _visible(path)
        for term in FORBIDDEN:
            assert term not in visible, (name, term)
        found = sorted(rid for rid in rule_ids if rid in visible)
        assert not found, (name, found)
        if name.startswith("form"):
            for term in FORM_FORBIDDEN:
                assert term not in visible, (name, term)


def test_evidence_and_boxes_read_as_the_form_asks(written: dict[str, Path]) -> None:
    html = written["meeting.html"].read_text(encoding="utf-8")
    # every finding box has its title, even where it repeats its topic
    titles = re.findall(r'<h5><span class="sev sev-\w+">[^<]+</span>([^<]*)', html)
    assert titles and all(t.strip() for t in titles)
    # evidence names a field as the form asks it, not by the chain of its sections
    evidence = re.findall(r'<ul class="evidence">(.*?)</ul>', html, flags=re.S)
    items = [re.sub(r"<[^>]+>", "", li) for block in evidence for li in re.findall(r"<li>(.*?)</li>", block)]
    assert items and not [i for i in items if i.split(phrase("sep.label"))[0].count(phrase("sep.path")) > 0]


def test_the_form_opens_on_its_instructions_and_explains_every_column(written: dict[str, Path]) -> None:
    for name in ("form.xlsx", "form-27.xlsx"):
        wb = load_workbook(written[name])
        assert wb.sheetnames[0] == phrase("sheet.instructions") and wb.active.title == phrase("sheet.instructions")
        instructions = "\n".join(_visible_cells(wb.worksheets[0]))
        for ws in wb.worksheets[1:]:
            if ws.sheet_state != "visible" or ws.title == phrase("sheet.form"):
                continue
            headers = [str(c.value) for c in ws[2] if c.value is not None]
            assert phrase("form.columns_of", sheet=ws.title) in instructions, ws.title
            for header in headers:
                assert header in instructions, (ws.title, header)
        main = wb[phrase("sheet.form")]
        cells = _visible_cells(main)
        assert phrase("head.chief_check") in cells  # the 所属長 box
        rows = {main.cell(r, 2).value: r for r in range(FIRST_ROW, main.max_row + 1)}
        if name == "form-27.xlsx":
            # a section answered as applying or not, never as a fact (契約 いいえ)
            assert main.cell(rows["email"], 3).value == phrase("form.applies.true")
            assert main.cell(rows["contract"], 3).value == phrase("form.applies.false")


def test_list_sheets_print_only_the_rows_in_use(written: dict[str, Path]) -> None:
    for name in ("form.xlsx", "form-23.xlsx"):
        wb = load_workbook(written[name])
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" or ws.cell(3, 1).value is None or not ws.row_dimensions[3].hidden:
                continue  # a list sheet has its hidden key row 3
            used = [r for r in range(FIRST_ROW, ws.max_row + 1) if any(ws.cell(r, c).value for c in range(2, ws.max_column + 1))]
            last = int(re.search(r"\$?[A-Z]+\$?(\d+)$", ws.print_area.split(":")[-1]).group(1))
            assert last == FIRST_ROW + max(len(used), PRINTED_BLANK_ROWS) - 1, (name, ws.title, ws.print_area)
            assert ws.max_row > last  # the rows offered beyond are there to fill, not to print


def test_field_documents_only_where_a_vendor_handles_the_data(written: dict[str, Path], tmp_path: Path) -> None:
    for name in ("inspection.xlsx", "management-record.xlsx"):
        wb = load_workbook(written[name])
        assert "資料24" not in wb.sheetnames  # a linkage with no vendor
        assert len(wb.sheetnames) == len(SEED) - 1
    lonely = tmp_path / "none.xlsx"
    result = invoke("checklist", "inspection", EXAMPLES / "seed" / "24.yaml", "-o", lonely)
    assert result.exit_code == 2 and not lonely.exists()
    assert result.stderr.strip().splitlines() == [f"itaku: {EXAMPLES / 'seed' / '24.yaml'}: {phrase('excel.no_vendor')}"]
    record = load_workbook(written["management-record.xlsx"])
    for ws in record.worksheets:  # a usual log is one page, not a page and a few empty rows
        assert ws.page_setup.fitToHeight == 1, ws.title
    inspection = load_workbook(written["inspection.xlsx"])["資料27"]
    visible = _visible_cells(inspection)
    assert phrase("date.start_not_stated") in "\n".join(visible)  # 委託期間 with no start: never 「— 〜」
    assert not [v for v in visible if v.startswith("— 〜")]


def test_a_revision_reads_at_a_glance(written: dict[str, Path]) -> None:
    text = written["revision.md"].read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"^\| (\d+) \|", text, flags=re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers
    cited = [int(n) for n in re.findall(r"変更点（(\d+)件目）", text)]
    assert all(n in numbers for n in cited)  # a finding points at a row a reader can find
    assert phrase("report.resolved") in text
    assert "令和2年度第2回（令和2年7月13日）" in text
    html = written["revision.html"].read_text(encoding="utf-8")
    assert re.search(r'<tr class="change change-\w+" id="case-\d+-change-1">', html)
    assert "案件／区分" not in text and "| — |" not in text


def test_the_opinion_list_keeps_each_case_on_one_row_and_judges_responses(written: dict[str, Path]) -> None:
    ws = load_workbook(written["opinion-list.xlsx"]).worksheets[0]
    numbers = [r[0] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert numbers == [p.stem for p in SEED]  # no 「23（続き）」
    column = [c.value for c in ws[3]].index(phrase("col.response"))
    responses = "\n".join(str(r[column]) for r in ws.iter_rows(min_row=4, values_only=True) if r[column])
    assert phrase("response.closes") in responses and phrase("response.open") in responses


# Controls a 確認事項 may name; one it names must be one its finding speaks of.
CONTROLS = ("WAF", "多要素認証", "脆弱性診断", "バックアップ", "USB", "消去証明書", "DMARC")


def test_a_question_asks_only_about_what_its_finding_mentions(catalog: Catalog) -> None:
    from itaku.cli.common import evaluate_files

    for evaluation in evaluate_files([*SEED, REVISION], catalog=catalog):
        for f in evaluation.findings:
            said = f.message.ja + f.title.ja
            strays = [c for c in CONTROLS if c in f.ask.ja and c not in said]
            assert not strays, (evaluation.case.number, f.rule_id, strays)
