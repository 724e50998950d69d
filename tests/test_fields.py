"""The one description of the proposal's fields (engine.fields) against the models it is derived
from, and against its readers: the rule conditions and the Excel form's cells.

The models are walked here a second way, through pydantic's own JSON Schema of `Proposal`, so
that the tree is checked by something that does not share its code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest

from itaku.engine import conditions as cond
from itaku.engine import fields
from itaku.engine.fields import Field
from itaku.engine.models import Proposal
from itaku.engine.wording import has, language
from itaku.forms.values import READERS, CellProblem, read_cell, show

SCHEMA = Proposal.model_json_schema()


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return {**SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _strip_null(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    options = node.get("anyOf")
    if options and {"type": "null"} in options:
        (inner,) = [o for o in options if o != {"type": "null"}]
        return {**_deref(inner), **{k: v for k, v in node.items() if k != "anyOf"}}, True
    return _deref(node), False


def _kind(node: dict[str, Any]) -> str:
    """A property's kind, read from the JSON Schema alone."""
    if "const" in node:
        return fields.CONST
    if "enum" in node:
        return fields.CHOICE
    kind = node.get("type")
    if kind == "boolean":
        return fields.YESNO
    if kind == "integer":
        return fields.INT
    if kind == "string":
        return fields.DATE if node.get("format") == "date" else fields.TEXT
    if kind == "array":
        items = _deref(node["items"])
        if "enum" in items:
            return fields.MULTI_CHOICE
        return fields.RECORDS if items.get("type") == "object" else fields.TEXT_LIST
    if kind == "object":
        return fields.SECTION if "properties" in node else fields.MAPPING
    raise AssertionError(node)


def _schema_fields(model: dict[str, Any], prefix: str = "") -> list[tuple[str, str, dict[str, Any], bool, bool]]:
    """(path, kind, property, nullable, required) of every property, depth first, record columns included."""
    out = []
    required = set(model.get("required", ()))
    for name, raw in model["properties"].items():
        node, nullable = _strip_null(raw)
        path = f"{prefix}.{name}" if prefix else name
        kind = _kind(node)
        out.append((path, kind, node, nullable, name in required))
        if kind == fields.SECTION:
            out += _schema_fields(node, path)
        elif kind == fields.RECORDS:
            out += _schema_fields(_deref(node["items"]), path)
    return out


EXPECTED = _schema_fields(SCHEMA)
TREE = list(fields.walk(records=True))


def test_every_model_field_appears_in_the_tree_exactly_once() -> None:
    assert {f.kind for f in TREE} <= set(fields.KINDS)
    counts = Counter(f.path for f in TREE)
    assert [p for p, n in counts.items() if n > 1] == []
    assert [f.path for f in TREE] == [path for path, *_ in EXPECTED]  # and in the models' order


@pytest.mark.parametrize(("path", "kind", "node", "nullable", "required"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_field_is_described_as_the_model_says(
    path: str, kind: str, node: dict[str, Any], nullable: bool, required: bool
) -> None:
    field = fields.get(path)
    assert (field.kind, field.nullable, field.required) == (kind, nullable, required)
    if kind in (fields.CHOICE, fields.MULTI_CHOICE):
        values = node["enum"] if kind == fields.CHOICE else _deref(node["items"])["enum"]
        assert list(field.values) == values
    if kind == fields.CONST:
        assert field.const == node["const"]
    if kind == fields.INT:
        assert (field.minimum, field.maximum) == (node.get("minimum"), node.get("maximum"))
    if kind in fields.LIST_KINDS:
        assert field.min_items == node.get("minItems")
        assert field.max_items is not None
    if kind == fields.TEXT:
        assert field.min_length == node.get("minLength")
    if "ja" in node:  # as written: label() fills {self} with the profile's word (区の承認, 市の承認)
        assert (field.ja, field.en) == (node["ja"], node["en"])


def test_records_and_sections_hold_their_own_fields() -> None:
    for field in TREE:
        parent = field.path.rsplit(".", 1)[0] if "." in field.path else None
        if parent is None:
            assert field.record is None
            continue
        owner = fields.get(parent)
        assert owner.child(field.name) is field
        assert field.record == (owner.path if owner.kind == fields.RECORDS else owner.record)


def test_order_is_the_order_of_the_form() -> None:
    assert [f.order for f in TREE] == sorted(f.order for f in TREE)
    assert len({f.order for f in TREE}) == len(TREE)
    main = list(fields.walk())
    assert all(f.record is None for f in main)
    assert [f for f in TREE if f.record is None] == main


def test_every_field_and_choice_has_both_labels() -> None:
    """People never read a field name or an enum value: every section, field and choice is labelled."""
    for field in TREE:
        for lang in ("ja", "en"):
            shown = field.label(lang)
            assert shown and shown != field.name, (field.path, lang)  # a label of its own, not the key
        if field.enum is not None:
            for choice in field.choices:
                assert has(f"choice.{field.enum}.{choice.value}"), (field.path, choice.value)
    assert fields.full_label("email.sender_domain_auth.spf", "ja") == "メール送信／送信ドメイン認証／SPF"


def test_help_says_what_to_enter() -> None:
    for field in TREE:
        for lang in ("ja", "en"):
            text = field.help(lang)
            if not field.is_leaf or field.kind == fields.CONST:
                assert text == "", field.path
                continue
            assert text, (field.path, lang)
            for choice in field.choices:
                assert choice.label(lang) in text, (field.path, choice.value)
            # bounds are the error's to state: no 整数（0～1000000000） hint
            assert not re.search(r"\d+\s*[〜～~]\s*\d{4,}", text), (field.path, text)


def test_every_field_is_asked_as_a_question() -> None:
    """The page and the Excel form ask each field in plain words, never by a path of headings, and the
    fields people trip on carry a hint that explains them (階層, 追加項目, 同等の義務, 所在国)."""
    for field in TREE:
        if not field.is_leaf or field.kind == fields.CONST:
            continue
        for lang in ("ja", "en"):
            question = field.question(lang)
            assert question and question != field.name, (field.path, lang)
            assert "／" not in question and " / " not in question, (field.path, question)
        assert re.search(r"か(（[^）]*）)?$", field.question("ja")), (field.path, field.question("ja"))
    for path, words in (
        ("subcontractors.tier", "1"), ("data.added_items", "承認"), ("subcontractors.same_obligations", "同じ義務"),
        ("subcontractors.country", "日本"),
    ):
        assert words in fields.get(path).help("ja"), path


# ------------------------------------------------------------------ readers of the tree


def _samples(field: Field) -> list[Any]:
    """Values a model allows in this field."""
    if field.kind == fields.YESNO:
        return [True, False]
    if field.kind == fields.CHOICE:
        return list(field.values)
    if field.kind == fields.MULTI_CHOICE:
        return [list(field.values), [field.values[-1]]] + ([] if field.min_items else [[]])
    if field.kind == fields.INT:
        low = field.minimum or 0
        return [low, field.maximum if field.maximum is not None else low + 43000]
    if field.kind == fields.DATE:
        return [dt.date(2019, 9, 9), dt.date(2024, 4, 1)]
    if field.kind == fields.TEXT_LIST:
        return [["氏名", "住所"], ["氏名、住所"]]
    return ["資料 27", "=1+1"]


CELLS = [f for f in TREE if f.is_leaf and f.kind != fields.CONST]


def test_the_form_reader_reads_every_kind_the_tree_has() -> None:
    assert {f.kind for f in CELLS} == set(READERS)


@pytest.mark.parametrize("field", CELLS, ids=[f.path for f in CELLS])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_field_survives_a_cell(field: Field, lang: str) -> None:
    """What the form shows for a value reads back as that value, in either language."""
    for value in _samples(field):
        assert read_cell(field, show(field, value, lang)) == value, (field.path, value)
    assert read_cell(field, None) is None


@pytest.mark.parametrize("field", [f for f in CELLS if f.kind == fields.INT], ids=lambda f: f.path)
def test_number_cells_keep_the_models_bounds(field: Field) -> None:
    token = language.set("ja")
    try:
        if field.minimum is not None:
            with pytest.raises(CellProblem):
                read_cell(field, field.minimum - 1)
        if field.maximum is not None:
            with pytest.raises(CellProblem):
                read_cell(field, field.maximum + 1)
    finally:
        language.reset(token)


MATCHED = [f for f in TREE if f.is_leaf and f.path.split(".")[0] not in cond.NOT_MATCHED]


@pytest.mark.parametrize("field", MATCHED, ids=[f.path for f in MATCHED])
def test_conditions_name_the_fields_of_the_tree(field: Field) -> None:
    section, name, found = cond.resolve(field.path)
    assert found is field
    assert (section, name) == ((cond.ROOT, field.path) if "." not in field.path else tuple(field.path.split(".", 1)))


def test_conditions_know_the_sections_of_the_tree() -> None:
    groups = {f.name for f in fields.tree() if f.kind in (fields.SECTION, fields.RECORDS)}
    assert cond.section_names() == (groups - set(cond.NOT_MATCHED)) | set(cond.DERIVED_SECTIONS)
    for section in ("email", "subcontractors"):
        assert cond.int_fields(section) == {
            f.path.split(".", 1)[1] for f in fields.walk(fields.get(section).children, records=True) if f.kind == fields.INT
        }


@pytest.mark.parametrize("path", ["email", "subcontractors", "case"])
def test_a_bare_section_is_not_a_field_test(path: str) -> None:
    """`email: null` would read no field of the section; present/absent says what was meant."""
    with pytest.raises(cond.ConditionError, match="present/absent"):
        cond.parse({path: None})
    cond.parse({"absent": path})


def test_operand_checks_follow_the_kinds() -> None:
    cond.parse({"email.recipients": "bcc", "email.bulk_send": True, "supervision.inspections_per_year": {"lt": 1}})
    cond.parse({"contract.clauses": {"contains_none": ["audit_right"]}, "format": "itaku/v1"})
    for bad in (
        {"email.recipients": "fax"},  # not one of the choices
        {"email.bulk_send": "yes"},  # yes/no takes true, false or null
        {"email.recipients": {"lt": 3}},  # comparisons need a number
        {"contract.clauses": "audit_right"},  # a list is tested with contains
        {"case.meeting": "2020-01-01"},  # dates: null tests only
        {"system.antivirus": True},  # a group: null only
        {"format": "itaku/v2"},
    ):
        with pytest.raises(cond.ConditionError):
            cond.parse(bad)
