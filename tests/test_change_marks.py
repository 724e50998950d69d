"""Every workbook marks the changes from the approved version the council's way (`--approved`): the
changed cells bold and underlined, 【追加】／【削除】／【変更】 in the text where a person reads it, what
was removed listed; unchanged items are not marked, and without --approved nothing is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

from conftest import EXAMPLES
from itaku.checklists.build import KINDS
from itaku.engine.wording import phrase
from itaku.files.reading import load_proposal

APPROVED = EXAMPLES / "seed" / "23.yaml"
REVISION = EXAMPLES / "revisions" / "23.yaml"
MARKERS = ("【追加】", "【削除】", "【変更】")


def is_marked(cell: Cell) -> bool:
    return bool(cell.font is not None and cell.font.b and cell.font.u == "single")


def marked_cells(wb: Workbook) -> list[Cell]:
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None and is_marked(c)]


def cell_with(ws: Any, text: str) -> Cell:
    """The one visible cell whose text contains `text`."""
    found = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and text in c.value]
    assert len(found) == 1, (text, [c.coordinate for c in found])
    return found[0]


def header_cell(ws: Any, label: str) -> Cell:
    """The value beside a header label (the first cell right of the label that holds something)."""
    label_cell = next(c for row in ws.iter_rows() for c in row if c.value == label)
    return next(c for c in ws[label_cell.row] if c.column > label_cell.column and c.value is not None)


@pytest.fixture
def variant(tmp_path: Path) -> Path:
    """An approved version that differs from the revision in every way a change can take: a data
    item and a subcontractor since removed, a subcontractor's field changed, a measure added and one
    removed, a section added (application site) and one removed (devices); vendor and period alike."""
    doc = load_proposal(REVISION).model_dump(mode="json", exclude_none=True)
    doc["data"]["items"].append("旧氏")
    doc["subcontractors"][0]["security_confirmed"] = False
    doc["subcontractors"].append({"name": "旧配送会社", "role": "operation", "handles_personal_data": True})
    del doc["email"]["dedicated_account"]
    doc["supervision"]["on_site_inspection"] = True
    del doc["application_site"]
    doc["devices"] = {"devices_registered": True}
    path = tmp_path / "approved.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def checklist(cli: Any, tmp_path: Path, kind: str, *args: Any) -> Workbook:
    out = tmp_path / f"{kind}.xlsx"
    done = cli("checklist", kind, *args, "-o", out)
    assert done.exit_code == 0, done.stderr
    return load_workbook(out)


def form(cli: Any, tmp_path: Path, *args: Any, lang: str = "ja") -> tuple[Path, Workbook]:
    out = tmp_path / f"form-{lang}.xlsx"
    done = cli("template", "--from", REVISION, *args, "--lang", lang, "-o", out)
    assert done.exit_code == 0, done.stderr
    return out, load_workbook(out)


# ------------------------------------------------------------------ the proposal form


def form_row(ws: Any, path: str) -> int:
    return next(c.row for c in ws["B"] if c.value == path)


def test_the_form_marks_the_changed_inputs_and_lists_every_change(cli: Any, tmp_path: Path, variant: Path) -> None:
    _, wb = form(cli, tmp_path, "--approved", variant)
    main = wb[phrase("sheet.form")]
    changed = ("data.items", "email.dedicated_account", "application_site", "application_site.hosting", "devices")
    for path in changed:
        assert is_marked(main.cell(form_row(main, path), 3)), path
    assert main.cell(form_row(main, "devices"), 3).value == "該当しない"  # removed: the marker says so, marked
    for path in ("vendor.name", "period.start", "case.title", "email.recipients", "supervision.staff_training"):
        assert not is_marked(main.cell(form_row(main, path), 3)), path
    assert "承認時の版から変わった項目" in main["A2"].value
    # a subcontractor's changed field; its unchanged ones and the other rows are not marked
    subs = wb["再委託先等"]
    keys = {c.value: c.column for c in subs[3]}
    rental = next(r for r in range(4, subs.max_row + 1) if subs.cell(r, keys["name"]).value == "レンタルサーバ事業者")
    assert is_marked(subs.cell(rental, keys["security_confirmed"]))
    assert not is_marked(subs.cell(rental, keys["name"])) and not is_marked(subs.cell(rental, keys["role"]))
    assert "旧配送会社" not in [c.value for c in subs["B"]]
    # the list of changes, right after the form (the instructions come first): what was removed is there
    changes = wb.worksheets[2]
    assert changes.title == "承認時からの変更点"
    for text in ("旧氏【削除】", "旧配送会社【削除】", "専用アカウント", "【追加】", "【変更】"):
        cell = cell_with(changes, text) if text.endswith("【削除】") else None
        assert cell is None or is_marked(cell)
        assert any(text in str(c.value) for row in changes.iter_rows() for c in row), text
    assert all(is_marked(c) for row in changes.iter_rows() for c in row if isinstance(c.value, str) and c.value.endswith(MARKERS))
    cell_with(changes, "示された変更内容の確認")  # then what the department declared, found or not


def test_the_marked_form_reads_back_as_the_same_proposal(cli: Any, tmp_path: Path, variant: Path) -> None:
    for lang in ("ja", "en"):
        path, _ = form(cli, tmp_path, "--approved", variant, lang=lang)
        read = cli("convert", path, "-o", "-")
        assert read.exit_code == 0, read.stderr
        assert read.stdout == cli("convert", REVISION, "-o", "-").stdout
        # only the notes on the dates read: no sheet of the form is taken for a stranger
        assert all("として読み取りました" in line or "read as" in line for line in read.stderr.splitlines()), read.stderr
        plain = json.loads(cli("check", REVISION, "--format", "json", "--fail-on", "never").stdout)[0]
        again = json.loads(cli("check", path, "--format", "json", "--fail-on", "never").stdout)[0]
        assert {k: v for k, v in again.items() if k != "source"} == {k: v for k, v in plain.items() if k != "source"}


def test_the_form_in_english_marks_the_same_cells(cli: Any, tmp_path: Path) -> None:
    _, ja = form(cli, tmp_path, "--approved", APPROVED)
    assert cell_with(ja.worksheets[2], "申込サイトのサーバを区のサーバに移設").value.endswith("比較では確認できない")
    _, en = form(cli, tmp_path, "--approved", APPROVED, lang="en")
    assert [c.coordinate for c in marked_cells(ja)] == [c.coordinate for c in marked_cells(en)]
    changes = en.worksheets[2]
    assert changes.title == "Changes since approval"
    assert any(str(c.value).endswith("[changed]") and is_marked(c) for row in changes.iter_rows() for c in row)


def test_template_approved_needs_from(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    done = cli("template", "--approved", APPROVED, "-o", out)
    assert done.exit_code == 2 and len(done.stderr.strip().splitlines()) == 1 and not out.exists()


# ------------------------------------------------------------------ the checklists


def test_inspection_marks_the_measures_that_changed(cli: Any, tmp_path: Path, variant: Path) -> None:
    ws = checklist(cli, tmp_path, "inspection", REVISION, "--approved", variant).worksheets[0]
    expected = [(phrase("inspect.field.email.dedicated_account"), "【追加】")]
    expected.append((phrase("inspect.field.application_site.deleted_after_recruitment"), "【追加】"))
    expected.append((phrase("inspect.field.subcontractors.security_confirmed"), "【変更】"))
    for text, mark in expected:
        rows = [c for c in ws["C"] if isinstance(c.value, str) and c.value.startswith(text)]
        changed = [c for c in rows if c.value.endswith(mark)]
        assert changed and all(is_marked(c) and is_marked(ws.cell(c.row, 2)) for c in changed), text
    # the streaming company's security check did not change: its row is not marked
    security = phrase("inspect.field.subcontractors.security_confirmed")
    streaming = [c for c in ws["C"] if isinstance(c.value, str) and c.value.startswith(security) and not is_marked(c)]
    assert [ws.cell(c.row, 2).value for c in streaming] == ["再委託先等／株式会社ストリーム配信"]
    assert not is_marked(cell_with(ws, phrase("inspect.field.system.firewall")))
    # what is no longer promised has no row: the list of changes names it
    assert is_marked(cell_with(ws, "立入り調査：はい【削除】"))
    assert is_marked(cell_with(ws, "旧配送会社【削除】"))
    assert not is_marked(header_cell(ws, "委託先")) and not is_marked(header_cell(ws, "委託期間"))


def test_inspection_and_management_record_mark_header_values(cli: Any, tmp_path: Path) -> None:
    for kind in ("inspection", "management-record"):
        ws = checklist(cli, tmp_path, kind, REVISION, "--approved", APPROVED).worksheets[0]
        period = header_cell(ws, "委託期間")
        assert is_marked(period) and period.value.endswith("【変更】"), kind
        assert not is_marked(header_cell(ws, "委託先")) and not is_marked(header_cell(ws, "担当課")), kind
        assert is_marked(cell_with(ws, "再委託先等：株式会社ストリーム配信【追加】")), kind
    items = header_cell(ws, "取扱項目")
    assert is_marked(items) and "参加結果等、所属団体【追加】" in items.value and items.value.count("【") == 1


def test_management_record_lists_a_removed_data_item(cli: Any, tmp_path: Path, variant: Path) -> None:
    ws = checklist(cli, tmp_path, "management-record", REVISION, "--approved", variant).worksheets[0]
    items = header_cell(ws, "取扱項目")
    assert is_marked(items) and items.value.endswith("所属団体、旧氏【削除】")
    assert is_marked(cell_with(ws, "取扱項目：旧氏【削除】"))


def test_pre_send_marks_how_mail_is_sent_now(cli: Any, tmp_path: Path, variant: Path) -> None:
    ws = checklist(cli, tmp_path, "pre-send", REVISION, "--approved", APPROVED).worksheets[0]
    attachments = header_cell(ws, "添付ファイル")
    assert is_marked(attachments) and attachments.value == "ダウンロードリンク【変更】"
    assert header_cell(ws, "送信予定回数").value == "5【変更】"
    assert not is_marked(header_cell(ws, "宛先の指定")) and not is_marked(header_cell(ws, "提案での対策"))
    cell_with(ws, "メール送信に関する承認時の版からの変更点")
    assert is_marked(cell_with(ws, "暗号化して添付（パスワード別送） → ダウンロードリンク【変更】"))
    assert not any("所属団体" in str(c.value) for row in ws.iter_rows() for c in row)  # only what concerns mail
    ws = checklist(cli, tmp_path, "pre-send", REVISION, "--approved", variant).worksheets[0]
    measures = header_cell(ws, "提案での対策")
    assert is_marked(measures) and "専用アカウント【追加】" in measures.value and "送信前の複数名確認、" in measures.value
    assert not is_marked(header_cell(ws, "添付ファイル"))


def test_opinion_list_says_per_case_what_changed(cli: Any, tmp_path: Path) -> None:
    other = EXAMPLES / "extra" / "01-unapproved-redelegate.yaml"  # no approved version of its number
    ws = checklist(cli, tmp_path, "opinion-list", REVISION, EXAMPLES / "seed" / "27.yaml", other,
                   "--approved", EXAMPLES / "seed").worksheets[0]
    header = {c.value: c.column for c in ws[3]}
    column = header["承認時からの変更"]
    rows = {ws.cell(r, header["資料番号"]).value: ws.cell(r, column) for r in range(4, ws.max_row + 1)}
    assert rows["23"].value.startswith("変更あり（7件）") and is_marked(rows["23"])
    assert "取り扱う個人情報の取扱項目：所属団体【追加】（示されていない）" in rows["23"].value
    assert rows["27"].value == "変更なし" and not is_marked(rows["27"])  # compared with itself
    assert rows["101"].value == "—" and not is_marked(rows["101"])
    assert "太字・下線" in ws["A2"].value


@pytest.mark.parametrize("kind", KINDS)
def test_without_approved_nothing_is_marked(kind: str, cli: Any, tmp_path: Path) -> None:
    wb = checklist(cli, tmp_path, kind, REVISION)
    assert marked_cells(wb) == []
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(m in t for t in texts for m in MARKERS)
    assert "承認時からの変更" not in texts and "承認時の版からの変更点" not in texts


def test_a_form_without_approved_has_no_marks_and_no_list_of_changes(cli: Any, tmp_path: Path) -> None:
    _, wb = form(cli, tmp_path)
    assert marked_cells(wb) == [] and "承認時からの変更点" not in wb.sheetnames
