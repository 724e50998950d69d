"""Second round, items 3, 4 and 8: the Excel form cannot be silently misread.

The form is read as the clerk sees it: its visible sheets, each found by its hidden key, whatever
its title, position or the rows inserted above. Copies, gaps and hidden values are refused or said.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName
from test_form_reader import filled, rewrite_zip, row_of
from test_hostile import guard, run  # noqa: F401 - guard: the fixture every test here uses

from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError
from itaku.files.reading import load_proposal
from itaku.forms.layout import ROLE_PREFIX

pytestmark = pytest.mark.usefixtures("guard")

MAIN, SUBS = "申請様式", "再委託先等"


def _read(path: Path) -> tuple[Any, list[str]]:
    warnings: list[str] = []
    return load_proposal(path, warnings.append), warnings


def _refused(path: Path, *fragments: str) -> InputError:
    with pytest.raises(InputError) as exc:
        load_proposal(path, [].append)
    for fragment in fragments:
        assert fragment in exc.value.render(), exc.value.render()
    return exc.value


def _role(ws: Any) -> tuple[str, DefinedName]:
    [(name, defn)] = [(n, d) for n, d in ws.defined_names.items() if n.startswith(ROLE_PREFIX)]
    return name, defn


def _copy_with_key(wb: Any, ws: Any, title: str) -> Any:
    """A copy of a sheet as a spreadsheet makes it: cells and the sheet's hidden key."""
    copy = wb.copy_worksheet(ws)
    copy.title = title
    name, defn = _role(ws)
    copy.defined_names.add(DefinedName(name, attr_text=defn.attr_text.replace(f"'{ws.title}'", f"'{title}'"), hidden=True))
    return copy


@pytest.fixture
def form(catalog: Catalog, tmp_path: Path) -> Path:
    path, _ = filled(catalog, tmp_path, {"email.bulk_send": "はい"}, sheet_cells={
        (SUBS, "B4"): "レンタルサーバ事業者", (SUBS, "C4"): "基盤の提供のみ", (SUBS, "D4"): "いいえ",
    })
    return path


def test_renamed_sheets_in_another_order_with_rows_inserted_above_read_the_same(form: Path, tmp_path: Path) -> None:
    expected, _ = _read(form)
    wb = load_workbook(form)
    for i, ws in enumerate(list(wb.worksheets)):
        name, defn = _role(ws)
        ws.title = f"シート{i}"
        ws.insert_rows(1, 3)
        # what a spreadsheet does to a name pointing below inserted rows
        moved = re.sub(r"\$(\d+)", lambda m: f"${int(m.group(1)) + 3}", defn.attr_text.split("!")[1])
        ws.defined_names[name] = DefinedName(name, attr_text=f"'{ws.title}'!{moved}", hidden=True)
    wb.move_sheet(wb.worksheets[0], offset=3)
    target = tmp_path / "moved.xlsx"
    wb.save(target)
    got, warnings = _read(target)
    assert got == expected and warnings == []


def test_a_hidden_copy_never_changes_the_verdict_and_is_warned_about(form: Path, tmp_path: Path) -> None:
    wb = load_workbook(form)
    main = wb[MAIN]
    copy = _copy_with_key(wb, main, "申請様式 (2)")
    copy.cell(row=row_of(copy, "case.title"), column=3).value = "差し替えた件名"
    copy.cell(row=row_of(copy, "email.bulk_send"), column=3).value = "いいえ"
    copy.sheet_state = "hidden"
    wb.move_sheet(copy, offset=-wb.index(copy))  # first, before the visible sheet
    target = tmp_path / "hidden-copy.xlsx"
    wb.save(target)
    got, warnings = _read(target)
    assert got.case.title != "差し替えた件名" and got.email is not None and got.email.bulk_send is True
    assert any("申請様式 (2)" in w and "非表示" in w for w in warnings)
    assert run("check", "--format", "json", "--fail-on", "never", target)[0] == 0


@pytest.mark.parametrize("sheet", [MAIN, SUBS])
def test_two_visible_sheets_in_one_role_are_refused_naming_both(sheet: str, form: Path, tmp_path: Path) -> None:
    wb = load_workbook(form)
    _copy_with_key(wb, wb[sheet], f"{sheet}（続き）")
    target = tmp_path / "two.xlsx"
    wb.save(target)
    _refused(target, sheet, f"{sheet}（続き）", "1枚にまとめて")
    code, _, stderr = run("check", target)
    assert code == 2 and "two.xlsx" in stderr and len(stderr.strip().splitlines()) == 1


def test_a_missing_sheet_is_refused_naming_it(form: Path, tmp_path: Path) -> None:
    wb = load_workbook(form)
    del wb["例外"]
    target = tmp_path / "missing.xlsx"
    wb.save(target)
    _refused(target, "例外", "ありません")


def test_a_role_kept_only_on_a_hidden_sheet_is_refused(form: Path, tmp_path: Path) -> None:
    wb = load_workbook(form)
    wb[SUBS].sheet_state = "hidden"
    target = tmp_path / "hidden-subs.xlsx"
    wb.save(target)
    _refused(target, SUBS, "非表示")


def test_a_sheet_that_is_not_the_forms_and_hidden_columns_with_values_are_warned_about(form: Path, tmp_path: Path) -> None:
    wb = load_workbook(form)
    wb.create_sheet("メモ")["A1"] = "再委託先: 別会社"
    main = wb[MAIN]
    main.cell(row=row_of(main, "case.department"), column=3).value = "隠れた課"
    main.column_dimensions["C"].hidden = True
    target = tmp_path / "extra.xlsx"
    wb.save(target)
    got, warnings = _read(target)
    assert got.case.department == "隠れた課"
    assert any("メモ" in w and "様式の一部ではない" in w for w in warnings)
    assert any(f"!C{row_of(main, 'case.department')}" in w for w in warnings)


def test_an_error_value_in_a_cell_is_refused_naming_the_cell(catalog: Catalog, tmp_path: Path) -> None:
    path, where = filled(catalog, tmp_path, {"email.planned_sends": 3})
    sheet, coord = where["email.planned_sends"].split("!")
    index = load_workbook(path).sheetnames.index(sheet) + 1

    def error(name: str, data: bytes) -> bytes:
        if name != f"xl/worksheets/sheet{index}.xml":
            return data
        return re.sub(rf'<c r="{coord}"[^>]*?(/>|>.*?</c>)', f'<c r="{coord}" t="e"><v>#N/A</v></c>', data.decode()).encode()

    target = tmp_path / "na.xlsx"
    rewrite_zip(path, target, error)
    err = _refused(target, "#N/A")
    assert err.where == where["email.planned_sends"]


def test_a_number_too_long_for_python_is_refused_naming_the_cell(catalog: Catalog, tmp_path: Path) -> None:
    path, where = filled(catalog, tmp_path, {"business.subject_count": 5})
    sheet, coord = where["business.subject_count"].split("!")
    index = load_workbook(path).sheetnames.index(sheet) + 1

    def huge(name: str, data: bytes) -> bytes:
        if name != f"xl/worksheets/sheet{index}.xml":
            return data
        return re.sub(rf'<c r="{coord}"[^>]*?(/>|>.*?</c>)', f'<c r="{coord}"><v>{"9" * 5000}</v></c>', data.decode()).encode()

    target = tmp_path / "huge.xlsx"
    rewrite_zip(path, target, huge)
    err = _refused(target, "5,000")
    assert err.where == where["business.subject_count"]


@pytest.mark.parametrize("typed", ["令和2年2月30日", "2019/13/1", "平成0年1月1日", "9999/1/1"])
def test_impossible_or_absurd_dates_in_a_cell_name_the_cell(typed: str, catalog: Catalog, tmp_path: Path) -> None:
    path, where = filled(catalog, tmp_path, {"period.start": typed})
    err = _refused(path)
    assert err.where == where["period.start"]


def test_a_carriage_return_survives_the_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "cr.yaml"
    source.write_text(
        'format: itaku/v1\ncase: {number: "1", title: "件名\\r二行目", department: 課, kinds: [outsourcing]}\n'
        'responses:\n  anti-malware: "一行目\\r\\n二行目\\r三行目 _x0041_ \\t 終"\n',
        encoding="utf-8",
    )
    form = tmp_path / "cr.xlsx"
    assert run("template", "--from", source, "-o", form)[0] == 0
    assert load_proposal(form, [].append) == load_proposal(source)
    assert load_proposal(form, [].append).responses["anti-malware"] == "一行目\r\n二行目\r三行目 _x0041_ \t 終"


def test_the_guard_bounds_sheets_and_cells(form: Path, tmp_path: Path) -> None:
    from itaku.forms.xlsx_guard import MAX_CELLS, MAX_SHEETS

    wb = load_workbook(form)
    for i in range(MAX_SHEETS):
        wb.create_sheet(f"s{i}")["A1"] = i
    many = tmp_path / "sheets.xlsx"
    wb.save(many)
    _refused(many, f"{MAX_SHEETS}")
    wb = load_workbook(form)
    padding = wb.create_sheet("padding")
    for row in range(1, MAX_CELLS // 20 + 2):
        for column in range(1, 21):
            padding.cell(row=row, column=column).value = 1
    cells = tmp_path / "cells.xlsx"
    wb.save(cells)
    _refused(cells, f"{MAX_CELLS:,}")
