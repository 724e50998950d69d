"""Reading a filled proposal form: the variants people type, 和暦, errors that name sheet and cell,
and the hostile workbooks of issue 7 (not a workbook, encrypted, another version, formulas,
macros, merged cells, zip bombs)."""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from conftest import SEED
from itaku.checklists.form import build_form
from itaku.checklists.workbook import workbook_bytes
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError, megabytes
from itaku.engine.wareki import parse_date, parse_wareki
from itaku.engine.wording import language
from itaku.files.reading import load_proposal
from itaku.forms.layout import FIRST_ROW, FORM_VERSION, VERSION_NAME
from itaku.forms.values import (
    CellProblem,
    read_choice,
    read_choice_list,
    read_date,
    read_int,
    read_text_list,
    read_yesno,
)
from itaku.forms.xlsx_guard import MAX_INFLATED_BYTES

# ------------------------------------------------------------------ helpers


_BLANK: dict[str, bytes] = {}  # the blank form's bytes by language, built once per session


def blank_form(catalog: Catalog, tmp_path: Path, lang: str = "ja") -> Path:
    path = tmp_path / f"blank-{lang}.xlsx"
    if not path.exists():
        if lang not in _BLANK:
            _BLANK[lang] = workbook_bytes(build_form(catalog, lang))
        path.write_bytes(_BLANK[lang])
    return path


def row_of(ws: Any, path: str) -> int:
    """The row of field `path` on the main sheet (column B holds the paths)."""
    for row in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=2).value == path:
            return row
    raise AssertionError(f"no row for {path}")


MINIMAL = {
    "case.number": "27",
    "case.title": "一斉メール配信における業務の委託について",
    "case.department": "教育調整課",
    "case.kinds": "業務委託",
}


def fill(source: Path, target: Path, values: dict[str, Any], sheet_cells: dict[tuple[str, str], Any] | None = None) -> dict[str, str]:
    """Copy a form and type `values` into the input cells of the given field paths (and raw
    `sheet_cells` elsewhere); returns path -> cell coordinate of what was typed."""
    wb = load_workbook(source)
    ws = wb["申請様式"] if "申請様式" in wb.sheetnames else wb["Proposal form"]
    where = {}
    for path, value in values.items():
        row = row_of(ws, path)
        ws.cell(row=row, column=3).value = value
        where[path] = f"{ws.title}!C{row}"
    for (sheet, coord), value in (sheet_cells or {}).items():
        wb[sheet][coord] = value
    wb.save(target)
    return where


def filled(catalog: Catalog, tmp_path: Path, values: dict[str, Any], name: str = "filled.xlsx", **kw: Any) -> tuple[Path, dict[str, str]]:
    target = tmp_path / name
    where = fill(blank_form(catalog, tmp_path), target, {**MINIMAL, **values}, **kw)
    return target, where


def rewrite_zip(source: Path, target: Path, change: Any) -> None:
    """Copy an .xlsx, passing every part through change(name, data) -> data (None drops it)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info.filename, data)


# ------------------------------------------------------------------ values people type


@pytest.mark.parametrize(
    "typed", ["はい", "有", "有り", "あり", "○", "〇", "◯", "yes", "YES", "ｙｅｓ", "Ｙｅｓ", "true", "TRUE", "1", True, 1]
)
def test_yes_variants(typed: Any) -> None:
    assert read_yesno(typed) is True


@pytest.mark.parametrize("typed", ["いいえ", "無", "無し", "なし", "×", "✕", "no", "No", "ｎｏ", "false", "0", False, 0])
def test_no_variants(typed: Any) -> None:
    assert read_yesno(typed) is False


@pytest.mark.parametrize("typed", [None, "", "   ", "未記載", "記載なし", "不明", "-", "－", "Not stated"])
def test_not_stated_variants(typed: Any) -> None:
    assert read_yesno(typed) is None


def test_yesno_error_says_what_is_expected() -> None:
    with pytest.raises(CellProblem) as exc:
        read_yesno("たぶん")
    assert "'はい/いいえ/未記載' expected" in str(exc.value)
    assert "たぶん" in str(exc.value)
    token = language.set("en")
    try:
        with pytest.raises(CellProblem) as exc:
            read_yesno("maybe")
        assert "'yes/no/not stated' expected" in str(exc.value)
    finally:
        language.reset(token)


def node(path: str) -> fields.Field:
    return fields.get(path)


def test_enum_accepts_value_and_both_labels_in_any_width() -> None:
    n = node("vendor.selection")
    assert read_choice(n, "quotation") == "quotation"
    assert read_choice(n, "見積競争") == "quotation"
    assert read_choice(n, "Quotation") == "quotation"
    assert read_choice(n, "ｑｕｏｔａｔｉｏｎ") == "quotation"
    assert read_choice(n, " 見積競争 ") == "quotation"
    assert read_choice(n, "未記載") is None
    with pytest.raises(CellProblem) as exc:
        read_choice(n, "くじ引き")
    assert "入札" in str(exc.value) and "くじ引き" in str(exc.value)


def test_enum_lists_split_on_the_usual_separators() -> None:
    n = node("case.kinds")
    assert read_choice_list(n, "業務委託、再委託") == ["outsourcing", "redelegation"]
    assert read_choice_list(n, "outsourcing, redelegation") == ["outsourcing", "redelegation"]
    assert read_choice_list(n, "業務委託，再委託") == ["outsourcing", "redelegation"]
    assert read_choice_list(n, "業務委託\n再委託") == ["outsourcing", "redelegation"]
    assert read_choice_list(node("vendor.certifications"), "なし") == []
    assert read_choice_list(node("vendor.certifications"), None) is None
    # labels that contain 「・」 are one value, not two
    assert read_choice_list(node("contract.clauses"), "複写・複製の制限、返還・廃棄") == ["copy_limit", "return_delete"]
    with pytest.raises(CellProblem):
        read_choice_list(n, "業務委託、何か")


def test_text_lists_one_per_line_or_separated_by_comma() -> None:
    assert read_text_list("氏名、住所、電話番号") == ["氏名", "住所", "電話番号"]
    assert read_text_list("氏名\n住所、電話番号\n") == ["氏名", "住所、電話番号"]
    assert read_text_list("氏名\r\n住所") == ["氏名", "住所"]
    assert read_text_list(None) is None


def test_numbers_in_the_forms_people_type() -> None:
    n = node("business.subject_count")
    assert read_int(n, 43000) == 43000
    assert read_int(n, 43000.0) == 43000
    assert read_int(n, "43,000") == 43000
    assert read_int(n, "４３，０００") == 43000
    assert read_int(n, "43000人") == 43000
    with pytest.raises(CellProblem):
        read_int(n, "多数")
    with pytest.raises(CellProblem):
        read_int(n, -1)  # ge=0 in the model
    with pytest.raises(CellProblem):
        read_int(node("email.planned_sends"), 501)  # le=500


@pytest.mark.parametrize(("typed", "expected"), [
    ("令和2年1月6日", dt.date(2020, 1, 6)),
    ("令和元年9月2日", dt.date(2019, 9, 2)),
    ("平成31年4月1日", dt.date(2019, 4, 1)),
    ("平成27年10月1日", dt.date(2015, 10, 1)),
    ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ("R2.1.6", dt.date(2020, 1, 6)),
    ("r02.01.06", dt.date(2020, 1, 6)),
    ("H31/4/1", dt.date(2019, 4, 1)),
    ("Ｒ２．１．６", dt.date(2020, 1, 6)),
    ("令和２年１月６日（月）", dt.date(2020, 1, 6)),
    ("㋿2年1月6日", dt.date(2020, 1, 6)),
    ("2020-01-06", dt.date(2020, 1, 6)),
    ("2020/1/6", dt.date(2020, 1, 6)),
    ("２０２０／１／６", dt.date(2020, 1, 6)),
    ("2020年1月6日", dt.date(2020, 1, 6)),
    ("20200106", dt.date(2020, 1, 6)),
])
def test_dates_seireki_and_wareki(typed: str, expected: dt.date) -> None:
    assert parse_date(typed) == expected
    assert read_date(typed) == expected


def test_excel_dates_and_serials() -> None:
    assert read_date(dt.datetime(2020, 1, 6, 0, 0)) == dt.date(2020, 1, 6)
    assert read_date(dt.date(2020, 1, 6)) == dt.date(2020, 1, 6)
    assert read_date(43836) == dt.date(2020, 1, 6)  # Excel's serial for 2020-01-06


@pytest.mark.parametrize("typed", ["令和1年4月30日", "令和0年1月1日", "2020-02-30", "令和2年13月1日", "昨日", "R2"])
def test_impossible_dates_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_date(typed)
    with pytest.raises(CellProblem):
        read_date(typed)


def test_wareki_only_for_wareki() -> None:
    assert parse_wareki("2020/1/6") is None


# ------------------------------------------------------------------ a filled form, end to end


def test_filled_form_reads_into_the_model(catalog: Catalog, tmp_path: Path) -> None:
    path, _ = filled(catalog, tmp_path, {
        "case.number": 27,  # typed as a number
        "case.meeting": "令和元年9月9日",
        "case.kinds": "業務委託、再委託",
        "business": "はい",
        "business.subject_count": "４３，０００",
        "data.items": "保護者氏名、メールアドレス",
        "period.start": "R2.1.6",
        "period.end": dt.datetime(2020, 3, 31),
        "email.bulk_send": "○",
        "email.recipients": "BCC",
        "email.sender_domain_auth.spf": "有",
        "email.sender_domain_auth.dkim": "×",
        "email.sender_domain_auth.dmarc": "ｎｏ",
        "email.planned_sends": 7,
        "vendor.certifications": "なし",
        "subcontractors": "はい",
    }, sheet_cells={
        ("再委託先等", "B4"): "レンタルサーバ事業者",
        ("再委託先等", "C4"): "基盤の提供のみ",
        ("再委託先等", "D4"): "いいえ",
        ("担当課の対応", "B4"): "送信ドメイン認証",
        ("担当課の対応", "C4"): "SPFとDKIMを設定する",
    })
    p = load_proposal(path, [].append)
    assert p.case.number == "27"
    assert p.case.meeting == dt.date(2019, 9, 9)
    assert p.case.kinds == ["outsourcing", "redelegation"]
    assert p.business is not None and p.business.subject_count == 43000 and p.business.purpose is None
    assert p.data is not None and p.data.items == ["保護者氏名", "メールアドレス"]
    assert p.period is not None and (p.period.start, p.period.end) == (dt.date(2020, 1, 6), dt.date(2020, 3, 31))
    assert p.email is not None and p.email.bulk_send is True and p.email.recipients == "bcc"
    auth = p.email.sender_domain_auth
    assert (auth.spf, auth.dkim, auth.dmarc) == (True, False, False)
    assert p.email.planned_sends == 7
    assert p.vendor is not None and p.vendor.certifications == []
    assert p.subcontractors is not None and len(p.subcontractors) == 1
    assert p.subcontractors[0].role == "hosting_only" and p.subcontractors[0].handles_personal_data is False
    assert p.responses == {"sender-domain-authentication": "SPFとDKIMを設定する"}
    # sections nobody filled in stay out, as omitted sections do in YAML
    assert p.system is None and p.devices is None and p.lifecycle is None


def test_check_says_which_western_date_it_read(catalog: Catalog, tmp_path: Path, cli: Any) -> None:
    """A date written in 和暦 or another writing is named with the Western date it was read as, one
    line per date, in the person's words (the field's label, no cell); ISO text and dates typed as
    dates in Excel are what they say and get no line."""
    typed = {"case.meeting": "R1.9.9", "period.start": "令和元年10月1日", "period.end": dt.datetime(2020, 3, 31)}
    path, where = filled(catalog, tmp_path, typed, sheet_cells={
        ("例外", "B4"): catalog.rules[0].id, ("例外", "C4"): "審議会が認めた", ("例外", "G4"): "2020/3/31",
    })
    result = cli("check", path)
    assert result.exit_code in (0, 1), result.stderr
    notes = [line for line in result.stderr.splitlines() if "→" in line]
    assert notes == [
        f"itaku: {path}: 案件／審議会の開催日: R1.9.9 → 2019-09-09 として読み取りました",
        f"itaku: {path}: 委託期間／開始日: 令和元年10月1日 → 2019-10-01 として読み取りました",
        f"itaku: {path}: 例外（1件目）／期限: 2020/3/31 → 2020-03-31 として読み取りました",
    ]
    assert not any(cell.split("!")[1] in result.stderr for cell in where.values())
    english = cli("check", path, "--lang", "en")
    assert f"itaku: {path}: Case / Meeting date: read R1.9.9 as 2019-09-09" in english.stderr.splitlines()
    iso, _ = filled(catalog, tmp_path, {"case.meeting": "2019-09-09"}, name="iso.xlsx")
    assert "→" not in cli("check", iso).stderr


def test_an_english_form_reads_the_same(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "en-filled.xlsx"
    fill(blank_form(catalog, tmp_path, "en"), target, {
        **MINIMAL, "case.kinds": "Outsourcing, Delegation", "email.bulk_send": "Yes", "email.recipients": "To/CC",
    })
    p = load_proposal(target, [].append)
    assert p.case.kinds == ["outsourcing", "delegation"]
    assert p.email is not None and p.email.recipients == "to_cc"


def expect_error(path: Path, where: str | None, *fragments: str) -> InputError:
    with pytest.raises(InputError) as exc:
        load_proposal(path, [].append)
    err = exc.value
    assert err.file == str(path)
    if where is not None:
        assert err.where == where, err.render()
    for fragment in fragments:
        assert fragment in err.message, err.render()
    return err


def test_bad_yesno_names_sheet_and_cell(catalog: Catalog, tmp_path: Path, cli: Any) -> None:
    path, where = filled(catalog, tmp_path, {"email.bulk_send": "たぶん"})
    expect_error(path, where["email.bulk_send"], "'はい/いいえ/未記載' expected")
    result = cli("check", path)
    assert result.exit_code == 2
    assert f"{path}: {where['email.bulk_send']}: 'はい/いいえ/未記載' expected" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("field", "typed", "fragment"), [
    ("vendor.selection", "くじ引き", "入札"),
    ("period.start", "来年の春", "日付"),
    ("business.subject_count", "多数", "整数"),
    ("case.kinds", "業務委託、何か", "何か"),
])
def test_bad_cells_name_sheet_and_cell(catalog: Catalog, tmp_path: Path, field: str, typed: str, fragment: str) -> None:
    path, where = filled(catalog, tmp_path, {field: typed})
    expect_error(path, where[field], fragment)


def test_missing_required_field_names_its_cell(catalog: Catalog, tmp_path: Path) -> None:
    path, where = filled(catalog, tmp_path, {"case.title": None})
    expect_error(path, where["case.title"], "必須")


def test_blank_form_is_refused_at_the_first_required_cell(catalog: Catalog, tmp_path: Path, cli: Any) -> None:
    result = cli("check", blank_form(catalog, tmp_path))
    assert result.exit_code == 2
    assert re.search(r"申請様式!C\d+: ", result.stderr)


def test_bad_subcontractor_cell_names_its_sheet(catalog: Catalog, tmp_path: Path) -> None:
    path, _ = filled(catalog, tmp_path, {}, sheet_cells={
        ("再委託先等", "B5"): "データ処理事業者",
        ("再委託先等", "C5"): "なんでも",
    })
    expect_error(path, "再委託先等!C5", "基盤の提供のみ")


def test_subcontractor_without_required_role(catalog: Catalog, tmp_path: Path) -> None:
    path, _ = filled(catalog, tmp_path, {}, sheet_cells={("再委託先等", "B4"): "保守事業者"})
    expect_error(path, "再委託先等!C4")


def test_unknown_response_topic_and_duplicates(catalog: Catalog, tmp_path: Path) -> None:
    path, _ = filled(catalog, tmp_path, {}, sheet_cells={("担当課の対応", "B4"): "天気", ("担当課の対応", "C4"): "晴れ"})
    expect_error(path, "担当課の対応!B4", "天気")
    topic = next(iter(catalog.topics.values()))
    path, _ = filled(catalog, tmp_path, {}, name="dup.xlsx", sheet_cells={
        ("担当課の対応", "B4"): topic.id, ("担当課の対応", "C4"): "一",
        ("担当課の対応", "B5"): topic.ja, ("担当課の対応", "C5"): "二",
    })
    expect_error(path, "担当課の対応!B5", topic.id)


def test_section_marked_no_but_filled(catalog: Catalog, tmp_path: Path) -> None:
    path, where = filled(catalog, tmp_path, {"email": "いいえ", "email.bulk_send": "はい"})
    expect_error(path, where["email"], where["email.bulk_send"])


def test_section_marked_yes_with_nothing_filled_is_present(catalog: Catalog, tmp_path: Path) -> None:
    path, _ = filled(catalog, tmp_path, {"email": "はい"})
    p = load_proposal(path, [].append)
    assert p.email is not None and p.email.bulk_send is None


def test_subcontractors_none_vs_not_stated(catalog: Catalog, tmp_path: Path) -> None:
    path, _ = filled(catalog, tmp_path, {"subcontractors": "いいえ"})
    assert load_proposal(path, [].append).subcontractors == []
    path, _ = filled(catalog, tmp_path, {}, name="unstated.xlsx")
    assert load_proposal(path, [].append).subcontractors is None
    path, where = filled(catalog, tmp_path, {"subcontractors": "はい"}, name="yes-empty.xlsx")
    expect_error(path, where["subcontractors"], "再委託先等")


# ------------------------------------------------------------------ hostile workbooks


def test_not_a_workbook(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("format: itaku/v1\n", encoding="utf-8")
    result = cli("check", path)
    assert result.exit_code == 2
    assert f"{path}: Excel ブック" in result.stderr


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    expect_error(path, None, "Excel")


def test_encrypted_workbook(tmp_path: Path, cli: Any) -> None:
    # An encrypted .xlsx is an OLE compound file with an EncryptionInfo stream (what Excel writes
    # when a password is set); the header and the stream name are what the reader looks at.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512)
    result = cli("check", path)
    assert result.exit_code == 2
    assert "パスワード" in result.stderr
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    expect_error(old, None, ".xls")


def test_a_workbook_that_is_not_an_itaku_form(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active["A1"] = "hello"
    wb.save(path)
    expect_error(path, None, "itaku_form_version")


def test_a_form_of_another_version(catalog: Catalog, tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "v0.xlsx"
    wb = load_workbook(blank_form(catalog, tmp_path))
    del wb.defined_names[VERSION_NAME]
    wb.defined_names[VERSION_NAME] = DefinedName(VERSION_NAME, attr_text='"itaku/v0 form 9"')
    wb.save(path)
    result = cli("check", path)
    assert result.exit_code == 2
    assert "itaku/v0 form 9" in result.stderr and FORM_VERSION in result.stderr


def test_zip_bomb_is_refused_before_inflating(catalog: Catalog, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    zeros = b"\x00" * (MAX_INFLATED_BYTES + 1024 * 1024)  # deflates to about a thousandth of that

    def add_bomb(name: str, data: bytes) -> bytes:
        return data

    rewrite_zip(blank_form(catalog, tmp_path), bomb, add_bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", zeros)
    assert bomb.stat().st_size < 1024 * 1024
    started = time.perf_counter()
    expect_error(bomb, None, megabytes(MAX_INFLATED_BYTES))
    assert time.perf_counter() - started < 2
    # a smaller part with an absurd ratio is refused too
    ratio = tmp_path / "ratio.xlsx"
    rewrite_zip(blank_form(catalog, tmp_path), ratio, add_bomb)
    with zipfile.ZipFile(ratio, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\x00" * (4 * 1024 * 1024))
    expect_error(ratio, None, "xl/media/padding.bin")


def test_macro_workbook_is_read_for_values_with_a_warning(catalog: Catalog, tmp_path: Path, cli: Any) -> None:
    path, _ = filled(catalog, tmp_path, {})
    xlsm = tmp_path / "with-macros.xlsm"
    rewrite_zip(path, xlsm, lambda name, data: data)
    with zipfile.ZipFile(xlsm, "a") as z:
        z.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nShell \"calc\"\nEnd Sub\n")
    warnings: list[str] = []
    p = load_proposal(xlsm, warn=warnings.append)
    assert p.case.number == "27"
    assert any("マクロ" in w for w in warnings)
    result = cli("check", xlsm, "--fail-on", "never")
    assert result.exit_code == 0
    assert "マクロ" in result.stderr


def _set_formula(path: Path, target: Path, coord: str, formula: str, cached: str | None) -> None:
    """Put a formula (with or without a saved result) into one cell of the main sheet's XML."""
    wb = load_workbook(path)
    sheet_index = wb.sheetnames.index("申請様式") + 1

    def change(name: str, data: bytes) -> bytes:
        if name != f"xl/worksheets/sheet{sheet_index}.xml":
            return data
        text = data.decode("utf-8")
        cell = re.search(rf'<c r="{coord}"[^>]*?(/>|>.*?</c>)', text)
        assert cell is not None
        style = re.search(r's="(\d+)"', cell.group(0))
        value = f"<v>{cached}</v>" if cached is not None else ""
        new = f'<c r="{coord}" s="{style.group(1) if style else 0}" t="str"><f>{formula}</f>{value}</c>'
        return (text[: cell.start()] + new + text[cell.end():]).encode("utf-8")

    rewrite_zip(path, target, change)


@pytest.mark.parametrize("cached", [None, "件名"], ids=["no-saved-result", "saved-result"])
def test_a_formula_is_refused_naming_the_cell_and_the_workbook_is_loaded_once(
    catalog: Catalog, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch, cached: str | None
) -> None:
    """A saved result is not what the clerk sees after the next recalculation: refused either way."""
    from itaku.forms import form_reader

    path, where = filled(catalog, tmp_path, {})
    coord = where["case.title"].split("!")[1]
    target = tmp_path / "formula.xlsx"
    _set_formula(path, target, coord, "CONCATENATE(&quot;件&quot;,&quot;名&quot;)", cached)
    loads: list[object] = []
    real = form_reader.load_workbook
    monkeypatch.setattr(form_reader, "load_workbook", lambda *a, **k: loads.append(a) or real(*a, **k))
    expect_error(target, where["case.title"], "数式")
    assert len(loads) == 1
    result = cli("check", target)
    assert result.exit_code == 2 and where["case.title"] in result.stderr


def test_merged_input_cells_are_refused(catalog: Catalog, tmp_path: Path) -> None:
    path, where = filled(catalog, tmp_path, {})
    wb = load_workbook(path)
    ws = wb["申請様式"]
    row = int(where["case.title"].split("!C")[1])
    ws.protection.sheet = False
    ws.merge_cells(start_row=row, start_column=3, end_row=row + 1, end_column=3)
    target = tmp_path / "merged.xlsx"
    wb.save(target)
    expect_error(target, None, f"C{row}:C{row + 1}")


def test_unknown_field_row_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    path, where = filled(catalog, tmp_path, {})
    wb = load_workbook(path)
    ws = wb["申請様式"]
    row = int(where["case.title"].split("!C")[1])
    ws.cell(row=row, column=2).value = "case.titel"
    target = tmp_path / "typo.xlsx"
    wb.save(target)
    expect_error(target, f"申請様式!B{row}", "case.titel")


def test_seed_forms_read_back_equal(catalog: Catalog, tmp_path: Path) -> None:
    from itaku.files.reading import load_proposal

    for source in SEED[:2]:
        proposal = load_proposal(source)
        path = tmp_path / f"{source.stem}.xlsx"
        path.write_bytes(workbook_bytes(build_form(catalog, "ja", proposal, str(source))))
        assert load_proposal(path, [].append) == proposal
