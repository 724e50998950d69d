"""The one proposal assembler (itaku/forms/assemble.py): the same raw values, typed into the Excel form
or entered on the page, give the same proposal; a problem is named by each medium's place (a sheet
and cell; the control beside which the page shows it) in each medium's words."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import SEED
from itaku.checklists.form import build_form
from itaku.checklists.workbook import workbook_bytes
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError
from itaku.engine.fields import Field
from itaku.engine.loader import MAX_LIST_ITEMS
from itaku.engine.models import Proposal
from itaku.engine.wording import phrase
from itaku.files.reading import load_proposal
from itaku.forms.assemble import Assembly, Kind, Problem, names
from itaku.forms.form_reader import read_form
from itaku.forms.layout import FIRST_ROW, HEADER_ROW, rule_names
from itaku.web import fields as fd
from itaku.web.formdata import FormValues, Reading, read, values_of

# ------------------------------------------------------------------ the two media, filled with the same values

_BLANK: dict[str, bytes] = {}


def _blank(catalog: Catalog) -> bytes:
    if "ja" not in _BLANK:
        _BLANK["ja"] = workbook_bytes(build_form(catalog, "ja"))
    return _BLANK["ja"]


def _row_of(ws: Worksheet, path: str) -> int:
    return next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(row=r, column=2).value == path)


def _column_of(ws: Worksheet, name: str) -> int:
    return next(c for c in range(2, ws.max_column + 1) if ws.cell(row=HEADER_ROW, column=c).value == name)


def excel(catalog: Catalog, main: dict[str, Any], lists: dict[str, list[dict[str, Any]]]) -> tuple[bytes, dict[str, str]]:
    """The blank form with `main` typed into the main sheet by field path and each list's records
    typed into its sheet by column; returns the bytes and where each value went (path or
    LIST.N.COLUMN -> sheet!cell)."""
    wb = load_workbook(io.BytesIO(_blank(catalog)))
    where: dict[str, str] = {}
    ws = wb["申請様式"]
    for path, value in main.items():
        row = _row_of(ws, path)
        ws.cell(row=row, column=3).value = value
        where[path] = f"{ws.title}!C{row}"
    for sheet in wb.worksheets:
        path = sheet.cell(row=HEADER_ROW, column=1).value
        for index, record in enumerate(lists.get(path, [])):
            for name, value in record.items():
                cell = sheet.cell(row=FIRST_ROW + index, column=_column_of(sheet, name))
                cell.value = value
                where[f"{path}.{index}.{name}"] = f"{sheet.title}!{cell.coordinate}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), where


def page(catalog: Catalog, main: dict[str, Any], lists: dict[str, list[dict[str, Any]]]) -> Reading:
    """The page's form posted with the same values: a list field's items one control each."""
    values = FormValues()
    for path, value in main.items():
        # a section's or list's answer is its own control on the page
        name = f"{path}.{fd.APPLIES}" if fields.get(path).kind in (fields.SECTION, fields.RECORDS) else path
        for item in value if isinstance(value, list) else [value]:
            values.add(name, str(item))
    for path, records in lists.items():
        for index, record in enumerate(records):
            for name, value in record.items():
                values.add(f"{path}.{index}.{name}", str(value))
    return read(values, fd.describe("ja", catalog), "ja")


def as_cells(main: dict[str, Any]) -> dict[str, Any]:
    """A list field's items in one cell, as the Excel form takes them (、 between them)."""
    return {path: "、".join(value) if isinstance(value, list) else value for path, value in main.items()}


MINIMAL = {"case.number": "27", "case.title": "一斉メール配信", "case.department": "教育調整課", "case.kinds": ["業務委託"]}

# what a clerk types, in the ways people write it: 和暦, commas and units, ○, labels, titles
TYPED: dict[str, Any] = {
    **MINIMAL,
    "case.meeting": "令和元年9月9日",
    "case.kinds": ["業務委託", "再委託"],
    "business.subject_count": "43,000人",
    "email": "はい",
    "email.bulk_send": "○",
    "email.recipients": "1通ずつ個別に送信",
    "period": "はい",
    "period.end": "R2.3.31",
    "subcontractors": "はい",
}


def _lists(catalog: Catalog) -> dict[str, list[dict[str, Any]]]:
    rule_id = next(iter(rule_names(catalog, "ja")))
    topic = next(iter(catalog.topics.values()))
    return {
        "subcontractors": [
            {"name": "株式会社サンプル処理", "role": "データの処理", "handles_personal_data": "有", "country": "国内"},
            {"name": "基盤事業者", "role": "hosting_only", "handles_personal_data": "いいえ"},
        ],
        "exceptions": [{"rule": rule_names(catalog, "ja")[rule_id], "reason": "国の基準で点検している"}],
        "responses": [{"key": topic.ja, "value": "所管課で確認済み"}],
    }


def _page_lists(lists: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The same records as the page names the mapping's columns (topic, text)."""
    return {**lists, "responses": [{"topic": r["key"], "text": r["value"]} for r in lists["responses"]]}


def test_the_same_values_give_the_same_proposal_in_both_media(catalog: Catalog) -> None:
    lists = _lists(catalog)
    data, _ = excel(catalog, as_cells(TYPED), lists)
    from_excel = read_form(data, "form.xlsx", lambda _: None, catalog)
    from_page = page(catalog, TYPED, _page_lists(lists))
    assert from_page.errors == {}
    assert from_page.proposal == from_excel
    # and what was typed was read as meant, not merely alike
    assert from_excel.business is not None and from_excel.business.subject_count == 43000
    assert str(from_excel.period.end) == "2020-03-31"  # type: ignore[union-attr]
    assert [s.country for s in from_excel.subcontractors or []] == ["JP", None]
    assert from_excel.exceptions[0].rule == next(iter(rule_names(catalog, "ja")))
    assert list(from_excel.responses) == [next(iter(catalog.topics))]


@pytest.mark.parametrize("seed", SEED, ids=lambda p: p.stem)
def test_every_seed_reads_back_the_same_through_the_form_and_the_page(seed: Any, catalog: Catalog) -> None:
    proposal = load_proposal(seed, lambda _: None)
    form = workbook_bytes(build_form(catalog, "ja", proposal))
    assert read_form(form, "form.xlsx", lambda _: None, catalog) == proposal
    parts = fd.describe("ja", catalog)
    assert read(values_of(proposal, parts), parts, "ja").proposal == proposal


# ------------------------------------------------------------------ a problem, at each medium's place


def _refused(data: bytes, catalog: Catalog) -> InputError:
    with pytest.raises(InputError) as caught:
        read_form(data, "form.xlsx", lambda _: None, catalog)
    return caught.value


def test_a_value_that_does_not_fit_is_named_by_its_cell_and_by_its_control(catalog: Catalog) -> None:
    typed = {**MINIMAL, "email": "はい", "email.bulk_send": "たぶん"}
    data, where = excel(catalog, as_cells(typed), {})
    refused = _refused(data, catalog)
    assert refused.where == where["email.bulk_send"] and "'たぶん'" in refused.message
    shown = page(catalog, typed, {})
    assert shown.proposal is None
    expected = phrase("web.error.expected", "ja", expected=phrase("excel.expected.yesno", "ja"), value="たぶん")
    assert shown.errors == {"email.bulk_send": expected}


def test_a_bad_column_of_a_record_is_named_by_its_cell_and_by_its_row(catalog: Catalog) -> None:
    lists = {"subcontractors": [{"name": "株式会社サンプル処理", "role": "なにか"}]}
    data, where = excel(catalog, as_cells(MINIMAL), lists)
    assert _refused(data, catalog).where == where["subcontractors.0.role"] == "再委託先等!C4"
    assert list(page(catalog, MINIMAL, lists).errors) == ["subcontractors.0.role"]


def test_a_section_answered_no_but_filled_in_is_named_by_its_answer(catalog: Catalog) -> None:
    typed = {**MINIMAL, "email": "いいえ", "email.bulk_send": "はい"}
    data, where = excel(catalog, as_cells(typed), {})
    refused = _refused(data, catalog)
    assert refused.where == where["email"]
    assert refused.message == phrase("excel.section_marked_no", "ja", cell=where["email.bulk_send"])
    assert page(catalog, typed, {}).errors == {"email.__applies": phrase("web.error.section_marked_no", "ja")}


def test_a_rule_that_is_none_is_refused_at_its_place_in_both_media(catalog: Catalog) -> None:
    lists = {"exceptions": [{"rule": "ないルール", "reason": "理由"}]}
    data, where = excel(catalog, as_cells(MINIMAL), lists)
    refused = _refused(data, catalog)
    assert (refused.where, refused.message) == (where["exceptions.0.rule"], phrase("excel.unknown_rule", "ja", value="ないルール"))
    assert page(catalog, MINIMAL, lists).errors == {"exceptions.0.rule": phrase("web.error.unknown_choice", "ja", value="ないルール")}


# ------------------------------------------------------------------ the assembler itself


class Recorder:
    """A medium that keeps what the assembler says."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.readings: list[tuple[str, int | None, Any, Any]] = []

    def report(self, problem: Problem) -> None:
        self.problems.append(problem)

    def noted(self, node: Field, row: int | None, raw: Any, value: Any, place: str) -> None:
        self.readings.append((node.path, row, raw, value))


def _assembly(catalog: Catalog) -> tuple[Assembly, Recorder]:
    medium = Recorder()
    topics = names((text, t.id) for t in catalog.topics.values() for text in (t.id, t.ja))
    return Assembly(medium, topics, names((r, r) for r in rule_names(catalog, "ja"))), medium


def _minimal(assembly: Assembly) -> None:
    for path, raw in {**MINIMAL, "case.kinds": "業務委託"}.items():
        assembly.field(path, raw, f"@{path}")


def test_every_problem_is_said_at_the_place_given_and_none_stops_the_reading(catalog: Catalog) -> None:
    assembly, medium = _assembly(catalog)
    _minimal(assembly)
    assembly.field("case.meeting", "令和8年2月30日", "@meeting")
    assembly.field("business.subject_count", "たくさん", "@count")
    assembly.applies("email", "たぶん", "@email")
    assembly.entry("responses", "なにか", "回答", "@topic", "@text")
    row = assembly.record("subcontractors", "@row0")
    assert row == 0
    assembly.column("subcontractors", row, "role", "なにか", "@role")
    assert assembly.proposal() is None
    said = [(p.kind, p.place) for p in medium.problems]
    assert said[:5] == [
        (Kind.NO_SUCH_DAY, "@meeting"), (Kind.UNFIT, "@count"), (Kind.BAD_ANSWER, "@email"),
        (Kind.UNKNOWN_TOPIC, "@topic"), (Kind.UNFIT, "@role"),
    ]
    # the model's own problem (a subcontractor's name is required) at the nearest place named: its row
    assert (Kind.INVALID, "@row0") in said


def test_an_answer_is_checked_when_its_section_closes_and_once(catalog: Catalog) -> None:
    assembly, medium = _assembly(catalog)
    _minimal(assembly)
    assembly.field("email.bulk_send", "はい", "@bulk")
    assembly.applies("email", "いいえ", "@email")
    assembly.close("email")
    assert [(p.kind, p.place, p.other) for p in medium.problems] == [(Kind.SECTION_MARKED_NO, "@email", "@bulk")]
    assembly.field("case.session", "四", "@session")
    assert assembly.proposal() is None
    assert [p.kind for p in medium.problems] == [Kind.SECTION_MARKED_NO, Kind.UNFIT]


def test_values_read_are_noted_and_a_valid_proposal_comes_out(catalog: Catalog) -> None:
    assembly, medium = _assembly(catalog)
    _minimal(assembly)
    assembly.field("case.meeting", "R1.9.9", "@meeting")
    assembly.applies("subcontractors", "はい", "@subs")
    row = assembly.record("subcontractors", "@row0")
    assert row is not None
    for name, raw in {"name": "基盤事業者", "role": "hosting_only", "country": "国内"}.items():
        assembly.column("subcontractors", row, name, raw, f"@{name}")
    topic = next(iter(catalog.topics.values()))
    assert assembly.entry("responses", f" {topic.ja} ", "確認済み", "@topic", "@text")
    proposal = assembly.proposal()
    assert medium.problems == []
    assert isinstance(proposal, Proposal) and proposal.responses == {topic.id: "確認済み"}
    assert ("case.meeting", None, "R1.9.9", proposal.case.meeting) in medium.readings
    assert ("subcontractors.country", 0, "国内", "国内") in medium.readings


def test_a_list_holds_no_more_than_a_proposal_may(catalog: Catalog) -> None:
    assembly, medium = _assembly(catalog)
    rows = [assembly.record("exceptions", f"@{i}") for i in range(MAX_LIST_ITEMS + 1)]
    assert rows[-1] is None and rows[-2] == MAX_LIST_ITEMS - 1
    assert [(p.kind, p.place, p.path) for p in medium.problems] == [(Kind.ROWS_TOO_MANY, f"@{MAX_LIST_ITEMS}", "exceptions")]
    assembly.field("data.items", [f"項目{i}" for i in range(MAX_LIST_ITEMS + 1)], "@items")
    assert medium.problems[-1].kind == Kind.LIST_TOO_LONG
