"""Comparing a proposal with its approved version (`--approved`): changes field by field, lists by a
stable key, declarations matched, undeclared changes raised, findings carried over, and every output
marking the changes the council's way."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import load_workbook

from conftest import EXAMPLES
from itaku.engine.changes import compare
from itaku.engine.evaluation import Evaluator
from itaku.engine.models import Proposal
from itaku.files.reading import load_proposal
from itaku.present.json_view import schema

APPROVED = EXAMPLES / "seed" / "23.yaml"
REVISION = EXAMPLES / "revisions" / "23.yaml"
BASE: dict[str, Any] = {
    "format": "itaku/v1",
    "case": {"number": "1", "title": "t", "department": "d", "kinds": ["outsourcing"]},
    "data": {"items": ["氏名", "住所", "電話番号"]},
    "subcontractors": [
        {"name": "A社", "role": "operation", "country": "JP"},
        {"name": "B社", "role": "hosting_only", "handles_personal_data": False},
    ],
}


def proposal(**changes: Any) -> Proposal:
    doc = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = doc
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return Proposal.model_validate(doc)


def texts(old: Proposal, new: Proposal) -> list[str]:
    return [c.text.ja for c in compare(old, new, "old").changes]


def test_lists_are_compared_by_key_not_position() -> None:
    old = proposal()
    reordered = proposal(data__items=["電話番号", "氏名", "住所"], subcontractors=list(reversed(BASE["subcontractors"])))
    assert texts(old, reordered) == []
    changed = proposal(data__items=["氏名", "電話番号", "旧氏"])
    assert texts(old, changed) == ["取り扱う個人情報の取扱項目：旧氏【追加】", "取り扱う個人情報の取扱項目：住所【削除】"]


def test_subcontractors_by_name_and_place_when_names_repeat() -> None:
    old = proposal()
    role = [{**BASE["subcontractors"][0], "role": "development"}, BASE["subcontractors"][1]]
    assert texts(old, proposal(subcontractors=role)) == ["再委託先等のA社の役割：運用 → 開発【変更】"]
    twins = [
        {"name": "C社", "role": "operation", "country": "JP"},
        {"name": "C社", "role": "operation", "country": "VN"},
    ]
    moved = [twins[1], {**twins[0], "approved_by_ward": True}]
    changes = compare(proposal(subcontractors=twins), proposal(subcontractors=moved), "old").changes
    assert [(c.item, c.path) for c in changes] == [("C社 JP 1", "subcontractors[C社 JP 1].approved_by_ward")]
    gone = compare(old, proposal(subcontractors=[BASE["subcontractors"][1]]), "old").changes
    assert [(c.kind, c.item) for c in gone] == [("removed", "A社")]


def test_each_change_names_its_field_and_the_records_place_now() -> None:
    """What a workbook needs to mark the cell: the field without the item, and where the record is
    in this version's list (never the approved one's)."""
    old = proposal()
    new = proposal(
        data__items=["氏名", "住所"],
        subcontractors=[{"name": "D社", "role": "operation"}, {**BASE["subcontractors"][1], "country": "JP"}],
    )
    where = {(c.kind, c.item): (c.field, c.record) for c in compare(old, new, "old").changes}
    assert where == {
        ("removed", "電話番号"): ("data.items", None),
        ("added", "D社"): ("subcontractors", 0),
        ("removed", "A社"): ("subcontractors", None),
        ("added", "B社"): ("subcontractors.country", 1),
    }
    assert [(c.field, c.record) for c in compare(old, proposal(email={"bulk_send": True}), "old").changes] == [("email", None)]


def test_values_sections_and_what_is_not_compared() -> None:
    old = proposal()
    new = proposal(case__number="99", case__title="別の件名", case__meeting="2024-01-01",
                   vendor={"name": "委託先", "selection": "tender"}, business={"subject_count": 10})
    assert texts(old, new) == ["事業【追加】", "委託先【追加】"]
    later = proposal(vendor={"name": "委託先", "selection": "negotiated"}, business={"subject_count": 20})
    assert texts(new, later) == ["事業の対象者数：10 → 20【変更】", "委託先の選定方法：入札 → 随意契約【変更】"]


@pytest.mark.parametrize(("declared", "covered"), [
    ("情報項目に旧氏を追加", True),
    ("旧氏", True),
    ("取扱項目の追加", True),
    ("対象者の拡大", False),
    ("委託期間の延長", False),
])
def test_a_declaration_covers_a_change_it_names(declared: str, covered: bool) -> None:
    old = proposal()
    new = proposal(data__items=["氏名", "住所", "電話番号", "旧氏"],
                   case__previous_approval={"meeting": "前回", "changes": [declared]})
    comparison = compare(old, new, "old")
    assert [c.declared for c in comparison.changes] == [covered]
    assert [d.found for d in comparison.declared] == [covered]


def test_added_items_declare_item_additions() -> None:
    new = proposal(data__items=["氏名", "住所", "電話番号", "旧氏"], data__added_items=["旧氏", "本籍"])
    comparison = compare(proposal(), new, "old")
    assert [c.declared for c in comparison.changes] == [True]
    assert [(d.text, d.origin, d.found) for d in comparison.declared] == [
        ("旧氏", "added_items", True), ("本籍", "added_items", False),
    ]


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_the_revision_example(engine: str, request: pytest.FixtureRequest) -> None:
    evaluator: Evaluator = request.getfixturevalue(engine)
    approved = load_proposal(APPROVED)
    evaluation = evaluator.evaluate(load_proposal(REVISION), str(REVISION), approved=(str(APPROVED), approved))
    comparison = evaluation.changes.comparison
    assert comparison is not None
    undeclared = {c.text.ja for c in comparison.undeclared}
    raised = {f.item for f in evaluation.findings if f.rule_id == "CHANGE-UNDECLARED"}
    assert raised == undeclared
    assert "取り扱う個人情報の取扱項目：所属団体【追加】" in raised
    assert all(f.severity == "advice" for f in evaluation.findings if f.rule_id == "CHANGE-UNDECLARED")
    declared = {c.text.ja for c in comparison.changes if c.declared}
    assert "再委託先等：株式会社ストリーム配信【追加】" in declared
    missing = [f for f in evaluation.findings if f.rule_id == "CHANGE-DECLARED-NOT-FOUND"]
    assert [f.item for f in missing] == ["申込サイトのサーバを区のサーバに移設"] and missing[0].severity == "info"
    assert not any(f.rule_id == "CHANGE-NOT-LISTED" for f in evaluation.findings)
    # carried over: exactly the findings (rule and item) the approved version raised too
    earlier = {(f.rule_id, f.item) for f in evaluator.evaluate(approved, "old", evaluation.as_of).findings}
    for f in evaluation.findings:
        assert f.carried_over == ((f.rule_id, f.item) in earlier)
    assert any(f.carried_over for f in evaluation.findings)
    assert not any(f.carried_over for f in evaluation.findings if f.topic == "change-from-approval")


def test_check_json_lists_the_computed_changes(cli: Any) -> None:
    result = cli("check", REVISION, "--approved", APPROVED, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    changes = json.loads(result.stdout)[0]["changes"]
    assert changes["compared_with"]["source"] == str(APPROVED)
    kinds = {(c["path"], c["kind"]) for c in changes["computed"]}
    assert ("data.items", "added") in kinds and ("email.attachments", "changed") in kinds
    assert {d["text"]: d["found"] for d in changes["declared"]}["申込サイトのサーバを区のサーバに移設"] is False
    plain = json.loads(cli("check", REVISION, "--format", "json", "--fail-on", "never").stdout)[0]["changes"]
    assert plain["computed"] == [] and plain["compared_with"] is None
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    for args in ((), ("--profile", "example-city")):  # the published contract holds both ways
        for item in json.loads(cli("check", REVISION, "--approved", APPROVED, "--format", "json", "--fail-on", "never", *args).stdout):
            validator.validate(item)


def test_reports_and_workbooks_mark_the_changes(cli: Any, tmp_path: Path) -> None:
    md = cli("report", REVISION, "--approved", APPROVED, "--format", "md", "-o", "-").stdout
    assert "**<ins>所属団体</ins>**【追加】" in md
    assert "【変更】" in md and "承認時にも指摘（継続）" in md
    html_path = tmp_path / "r.html"
    assert cli("report", REVISION, "--approved", APPROVED, "-o", html_path).exit_code == 0
    html = html_path.read_text(encoding="utf-8")
    assert '<strong><ins>ダウンロードリンク</ins></strong><span class="added-marker">【変更】</span>' in html
    book = tmp_path / "s.xlsx"
    assert cli("checklist", "self-check", REVISION, "--approved", APPROVED, "-o", book).exit_code == 0
    # the changes block (column A; a finding quoting a change in 審査での指摘 is the report's words)
    cells = [c for c in load_workbook(book).worksheets[0]["A"] if isinstance(c.value, str)]
    marked = [c for c in cells if "【追加】" in c.value or "【変更】" in c.value]
    assert marked and all(c.font.b and c.font.u == "single" for c in marked)


def test_output_never_overwrites_an_approved_file(cli: Any, tmp_path: Path) -> None:
    approved = tmp_path / "approved.yaml"
    approved.write_text(APPROVED.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("report", REVISION, "--approved", approved, "--format", "md", "-o", approved)
    assert result.exit_code == 2
    assert approved.read_text(encoding="utf-8") == APPROVED.read_text(encoding="utf-8")


def test_screen_matches_approved_versions_by_case_number(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("screen", REVISION, EXAMPLES / "seed" / "27.yaml", "-o", out, "--approved", EXAMPLES / "seed",
                 "--jobs", "1", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    revised = json.loads((out / "23.yaml.json").read_text(encoding="utf-8"))
    assert revised["changes"]["compared_with"]["case"] == "23" and revised["changes"]["computed"]
    same = json.loads((out / "27.yaml.json").read_text(encoding="utf-8"))  # compared with itself
    assert same["changes"]["computed"] == []
    assert all(f["carried_over"] for f in same["findings"] if f["topic"] != "change-from-approval")
    # what 27 declares as changed cannot be found in a comparison with itself: reminders, never new advice
    assert {f["rule_id"] for f in same["findings"] if f["topic"] == "change-from-approval"} == {"CHANGE-DECLARED-NOT-FOUND"}


def test_two_approved_versions_with_one_number_are_refused(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "approved"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text(APPROVED.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("check", REVISION, "--approved", folder)
    assert result.exit_code == 2 and "b.yaml" in result.stderr and len(result.stderr.strip().splitlines()) == 1
