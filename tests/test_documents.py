"""What a clerk files, checked on the written files: nothing cut off (every cell's text fits its
row), no internal names, 和暦 dates, identifiers kept in hidden columns, the Word opinion.

The line count here is computed independently of checklists/workbook.py: the text of a cell
broken at its column's width, counting full-width characters as two columns, at 18 pt per line.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from conftest import SEED
from itaku.checklists.build import KINDS
from itaku.cli.common import evaluate_files
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.wareki import date_text, fiscal_year_text, meeting_text, parse_date
from itaku.engine.wording import phrase
from itaku.reports.opinion_docx import render_opinion_docx

ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
BULK = [p for p in SEED if "bulk_send: true" in p.read_text(encoding="utf-8")]
APPROVED_23, REVISION_23 = SEED[0].parent / "23.yaml", SEED[0].parent.parent / "revisions" / "23.yaml"
pytestmark = pytest.mark.xdist_group("documents")  # the workbooks are written once, on one pytest worker


def workbooks(cli: Any, tmp_path: Path) -> dict[str, Path]:
    """Every workbook `make demo` writes, for the seed; and each one that marks changes, for the
    revision of 資料23 compared with its approved version (in both languages)."""
    out: dict[str, Path] = {}
    for kind in KINDS:
        path = tmp_path / f"{kind}.xlsx"
        assert cli("checklist", kind, *(BULK if kind == "pre-send" else SEED), "-o", path).exit_code == 0
        out[kind] = path
    for name, extra in (("form", []), ("form-27", ["--from", SEED[-1]])):
        path = tmp_path / f"{name}.xlsx"
        assert cli("template", *extra, "-o", path).exit_code == 0
        out[name] = path
    for lang in ("ja", "en"):
        compared = ["--approved", APPROVED_23, "--lang", lang]
        for kind in [k for k in KINDS if k != "matrix"]:
            path = tmp_path / f"approved-{kind}-{lang}.xlsx"
            assert cli("checklist", kind, REVISION_23, *compared, "-o", path).exit_code == 0
            out[path.stem] = path
        path = tmp_path / f"approved-form-{lang}.xlsx"
        assert cli("template", "--from", REVISION_23, *compared, "-o", path).exit_code == 0
        out[path.stem] = path
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from click.testing import CliRunner

    from itaku.cli.main import main

    runner = CliRunner()

    def cli(*args: Any) -> Any:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return workbooks(cli, tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="module")
def opened(written: dict[str, Path]) -> dict[str, Any]:
    """Each written workbook opened once for the module's tests, which only read it (reading a
    column as ws["B"] adds empty cells within the sheet's bounds: no value, no size changes)."""
    return {name: load_workbook(path) for name, path in written.items()}


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WFA" else 1


def lines_needed(text: str, column_width: float, size: float) -> int:
    """Lines of `text` in a column `column_width` wide (Excel's unit: one half-width character of
    the default font; a full-width character takes two), broken at line ends and where full; a
    space where the line is full hangs past its end, as spreadsheets show it, and starts no line."""
    room = (column_width - 1) * 10.5 / max(size, 1)
    count = 0
    for paragraph in text.split("\n"):
        used, lines = 0, 1
        for ch in paragraph:
            if ch == " " and used + 1 > room:
                continue
            if used + _width(ch) > room:
                lines, used = lines + 1, 0
            used += _width(ch)
        count += lines
    return count


def visible_cells(ws: Any) -> list[Any]:
    hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
    return [
        c for row in ws.iter_rows() for c in row
        if c.value is not None and not ws.column_dimensions[c.column_letter].hidden and c.row not in hidden_rows
    ]


def test_every_written_cell_fits_its_row(opened: dict[str, Any]) -> None:
    """For every visible cell with text: the lines it needs at its column's (or merge's) width, at
    18 pt per line of 10.5 pt text, fit the row's height; no row is over Excel's 409 pt."""
    for name, wb in opened.items():
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            widths = {c: ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)}
            spans: dict[tuple[int, int], float] = {}
            tall: set[tuple[int, int]] = set()
            for merged in ws.merged_cells.ranges:
                if merged.min_row != merged.max_row:
                    tall |= set(merged.cells)
                else:
                    spans[(merged.min_row, merged.min_col)] = sum(widths[c] for c in range(merged.min_col, merged.max_col + 1))
            for row, dim in ws.row_dimensions.items():
                assert (dim.height or 0) <= 409, (name, ws.title, row)
            for cell in visible_cells(ws):
                if (cell.row, cell.column) in tall or (cell.coordinate in ws.merged_cells and (cell.row, cell.column) not in spans):
                    continue
                text = cell.value if isinstance(cell.value, str) else f"{cell.value:,}" if isinstance(cell.value, int) else str(cell.value)
                size = float(cell.font.sz or 10.5)
                width = spans.get((cell.row, cell.column), widths[cell.column])
                need = lines_needed(text, width, size) * 18 * max(size, 10.5) / 10.5
                height = ws.row_dimensions[cell.row].height
                assert height is not None and height >= need, (name, ws.title, cell.coordinate, text[:40], height, need)


def test_identifiers_live_in_a_hidden_column_of_each_checklist(opened: dict[str, Any], catalog: Catalog) -> None:
    rule_ids = {c.id for c in catalog.rules}
    for kind in KINDS:
        for ws in opened[kind].worksheets:
            hidden = [letter for letter, d in ws.column_dimensions.items() if d.hidden]
            assert hidden, (kind, ws.title)
            values = [c.value for letter in hidden for c in ws[letter] if isinstance(c.value, str)]
            assert values, (kind, ws.title)
            if kind == "self-check":
                assert rule_ids & {v for text in values for v in text.split(", ")}
    form = opened["form"]["申請様式"]
    assert form.column_dimensions["B"].hidden and "case.number" in [c.value for c in form["B"]]


def internal_names(catalog: Catalog) -> list[str]:
    """Names only the program knows: rule ids, topic slugs, field paths, enum values."""
    names = {c.id for c in catalog.rules} | {t for t in catalog.topics if "-" in t}
    names |= {n.path for n in fields.walk(records=True) if "." in n.path}
    names |= {part for n in fields.walk(records=True) for part in n.path.split(".") if "_" in part}  # sender_domain_auth
    names |= {v for n in fields.walk(records=True) for v in n.values if "_" in v}
    return sorted(names, key=len, reverse=True)


def assert_no_internals(texts: list[str], names: list[str], where: str) -> None:
    # one pattern for all the names: a text matches it exactly when some name stands in it alone
    # (the alternatives are tried at every position, the longest first)
    standing = re.compile(rf"(?<![\w.-])(?:{'|'.join(map(re.escape, names))})(?![\w-])")
    for text in texts:
        assert not ISO_DATE.search(text), (where, text[:80])
        assert "itaku " not in text and ".yaml" not in text, (where, text[:80])
        found = standing.search(text)
        assert not found, (where, found.group(0), text[:80])


def test_no_internal_name_or_iso_date_in_any_cell_a_clerk_reads(opened: dict[str, Any], catalog: Catalog) -> None:
    names = internal_names(catalog)
    for name, wb in opened.items():
        if name.endswith("-en"):  # topic ids are English words (anti-malware); the form's help shows how dates may be typed
            continue
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            texts = [str(c.value) for c in visible_cells(ws)]
            texts += [ws.oddHeader.center.text or "", ws.title]
            assert_no_internals(texts, names, f"{name}/{ws.title}")


def _visible_html(html: str) -> str:
    html = re.sub(r"<style>.*?</style>|<details.*?</details>|<title>.*?</title>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", html)


def test_reports_show_no_internal_names(cli: Any, tmp_path: Path, catalog: Catalog) -> None:
    names = internal_names(catalog)
    for fmt in ("html", "md"):
        out = tmp_path / f"meeting.{fmt}"
        assert cli("report", *SEED, "-o", out).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert ("<details" in text and "SYS-MFA-EXPOSED" in text.split("<details")[-1]) or fmt == "md"
        visible = _visible_html(text) if fmt == "html" else re.sub(r"<details>.*?</details>", "", text, flags=re.S)
        assert_no_internals([line for line in visible.splitlines() if line.strip()], names, fmt)
        assert "令和元年度第4回（令和元年9月9日）" in visible
    html = (tmp_path / "meeting.html").read_text(encoding="utf-8")
    assert "@media print" in html and "details.ids { display: none; }" in html
    assert "counter(page)" in html and "資料27" in html.split("</style>")[0]


def test_a_revision_report_names_derived_facts_in_words(cli: Any, tmp_path: Path, catalog: Catalog) -> None:
    """Evidence from what the engine derives (the comparison with the approved version) is named in
    words too, not by its fact path (declared_changes[2].found)."""
    revision, approved = SEED[0].parent.parent / "revisions" / "23.yaml", SEED[0].parent / "23.yaml"
    out = tmp_path / "revision.html"
    assert cli("report", revision, "--approved", approved, "-o", out).exit_code == 0
    visible = _visible_html(out.read_text(encoding="utf-8"))
    assert "示された変更内容" in visible
    names = [*internal_names(catalog), "declared_changes", "changes["]
    assert_no_internals([line for line in visible.splitlines() if line.strip()], names, "revision")


def test_word_opinion_in_the_councils_form(cli: Any, tmp_path: Path, catalog: Catalog) -> None:
    out, again = tmp_path / "opinion.docx", tmp_path / "again.docx"
    for path in (out, again):
        result = cli("report", *SEED, "--format", "docx", "-o", path)
        assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == again.read_bytes()
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    evaluations = evaluate_files(SEED, catalog=catalog)
    for evaluation in evaluations:
        assert evaluation.case.title in text
        assert phrase(f"verdict.{evaluation.verdict}") in text
        for f in evaluation.findings:
            if f.counts and f.severity in ("blocker", "advice"):
                assert f.message.ja in text and f.ask.ja in text and f.clause.ja in text
    assert "令和元年度第4回（令和元年9月9日）" in text
    assert_no_internals(text.splitlines(), internal_names(catalog), "docx")
    headers = [s.header.paragraphs[0].text for s in document.sections]
    assert headers == [f"{phrase('docx.title')}　資料{e.case.number}" for e in sorted(evaluations, key=lambda e: int(e.case.number))]
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert cli("report", *SEED, "--format", "docx", "-o", "-").exit_code == 2


def test_word_opinion_escapes_what_the_proposal_says(tmp_path: Path, catalog: Catalog) -> None:
    source = tmp_path / "p.yaml"
    text = SEED[-1].read_text(encoding="utf-8").replace(
        "一斉メール配信における業務の委託について（対象者の拡大等）", '"<w:t>\\a{{ 7*7 }}</w:t>"'
    )
    source.write_text(text, encoding="utf-8")
    (evaluation,) = evaluate_files([source], catalog=catalog)
    document = Document(io.BytesIO(render_opinion_docx([evaluation], catalog)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "<w:t>\\x07{{ 7*7 }}</w:t>" in body


@pytest.mark.parametrize(("day", "ja", "fiscal"), [
    (dt.date(2019, 9, 9), "令和元年9月9日", "令和元年度"),
    (dt.date(2019, 4, 30), "平成31年4月30日", "平成31年度"),
    (dt.date(2019, 5, 1), "令和元年5月1日", "令和元年度"),
    (dt.date(2020, 3, 31), "令和2年3月31日", "令和元年度"),
    (dt.date(2015, 6, 1), "平成27年6月1日", "平成27年度"),
    (dt.date(1989, 1, 8), "平成元年1月8日", "昭和63年度"),
])
def test_dates_in_wareki_both_ways(day: dt.date, ja: str, fiscal: str) -> None:
    assert date_text(day) == ja and fiscal_year_text(day) == fiscal
    assert parse_date(ja) == day
    assert date_text(day, "en") == f"{day.day} {day.strftime('%B')} {day.year}"
    assert meeting_text(day, 4) == f"{fiscal}第4回（{ja}）"
    assert meeting_text(None, 4) == "" and meeting_text(day, None) == ja


def test_form_writes_wareki_dates_and_reads_any_writing(cli: Any, tmp_path: Path) -> None:
    form = tmp_path / "f.xlsx"
    assert cli("template", "--from", SEED[-1], "-o", form).exit_code == 0
    wb = load_workbook(form)
    ws = wb["申請様式"]
    rows = {ws.cell(row=r, column=2).value: r for r in range(4, ws.max_row + 1)}
    assert ws.cell(row=rows["case.meeting"], column=3).value == "令和元年9月9日"
    for typed in ("R1.9.9", "2019/9/9", "令和元年9月9日", "H31.9.9"):
        ws.cell(row=rows["case.meeting"], column=3).value = typed
        wb.save(form)
        result = cli("check", form, "--format", "json", "--fail-on", "never")
        assert result.exit_code == 0, result.stderr
        assert '"meeting": "2019-09-09"' in result.stdout  # JSON stays ISO
