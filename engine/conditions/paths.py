"""Field paths checked against the proposal's fields (engine.fields): what each path names and what
kind of value it holds."""

from __future__ import annotations

import functools

from itaku.engine import fields
from itaku.engine.conditions.tree import ConditionError
from itaku.engine.fields import Field

LIST_SUFFIX = "__n"  # facts carry `<field>__n`, a list's or group's size (durable has no len())

# Sections of facts derived from the proposal (engine.facts), not fields of it.
DATA_ITEM_FIELDS = {
    "name": Field("data_items.name", "name", fields.TEXT),
    "added": Field("data_items.added", "added", fields.YESNO),
}
CLASSIFICATION_FIELDS = {
    "agenda": Field(
        "classification.agenda", "agenda", fields.MULTI_CHOICE, choices=fields.plain_choices(("consultation", "report"))
    ),
    "redelegation": Field(
        "classification.redelegation", "redelegation", fields.CHOICE,
        choices=fields.plain_choices(("none", "hosting_only", "yes")),
    ),
}
# What a comparison with the approved version found (`--approved`, engine.changes): present only when one was made.
COMPARISON_FIELDS = {
    name: Field(f"comparison.{name}", name, fields.INT) for name in ("changes", "undeclared", "unmatched")
}
CHANGE_FIELDS = {
    "name": Field("changes.name", "name", fields.TEXT),
    "kind": Field("changes.kind", "kind", fields.CHOICE, choices=fields.plain_choices(("added", "removed", "changed"))),
    "declared": Field("changes.declared", "declared", fields.YESNO),
}
DECLARED_CHANGE_FIELDS = {
    "name": Field("declared_changes.name", "name", fields.TEXT),
    "found": Field("declared_changes.found", "found", fields.YESNO),
}
DERIVED_SECTIONS = {
    "data_items": DATA_ITEM_FIELDS,
    "classification": CLASSIFICATION_FIELDS,
    "comparison": COMPARISON_FIELDS,
    "changes": CHANGE_FIELDS,
    "declared_changes": DECLARED_CHANGE_FIELDS,
}
LIST_SECTIONS = {"subcontractors", "assurances", "data_items", "changes", "declared_changes"}
NOT_MATCHED = ("responses", "exceptions")  # answers and waivers are read by the evaluator, not matched by rules
ROOT = "_root"
GROUPS = (fields.SECTION, fields.RECORDS)  # fields with sub-fields a path can name


@functools.cache
def resolve(path: str) -> tuple[str, str, Field]:
    """Map a dotted path to (section, field within the section's fact, the field); raise if unknown."""
    parts = path.split(".")
    head = parts[0]
    if head in DERIVED_SECTIONS:
        table = DERIVED_SECTIONS[head]
        if len(parts) != 2 or parts[1] not in table:
            raise ConditionError(f"unknown field '{path}' (known: {', '.join(table)})")
        return head, parts[1], table[parts[1]]
    top = fields.index().get(head)
    if top is None or head in NOT_MATCHED:
        raise ConditionError(f"unknown field '{path}': no section '{head}' in the proposal model")
    if top.kind not in GROUPS:
        if len(parts) != 1:
            raise ConditionError(f"unknown field '{path}': '{head}' has no sub-fields")
        return ROOT, head, top
    if len(parts) == 1:
        raise ConditionError(f"'{path}' is a section: test one of its fields, or use present/absent")
    current = top
    for i, part in enumerate(parts[1:], start=1):
        if current.kind not in GROUPS:
            raise ConditionError(f"unknown field '{path}': '{'.'.join(parts[:i])}' has no sub-fields")
        try:
            current = current.child(part)
        except KeyError:
            raise ConditionError(f"unknown field '{path}': '{part}' is not a field of '{'.'.join(parts[:i])}'") from None
    return head, ".".join(parts[1:]), current


def section_names() -> set[str]:
    """Every section a condition may name with present/absent."""
    return {f.name for f in fields.tree() if f.kind in GROUPS and f.name not in NOT_MATCHED} | set(DERIVED_SECTIONS)


def _fields_of(section: str) -> dict[str, Field]:
    """Every plain field of a section's fact (dotted within the fact)."""
    if section in DERIVED_SECTIONS:
        return dict(DERIVED_SECTIONS[section])
    if section == ROOT:
        return {f.name: f for f in fields.tree() if f.kind not in GROUPS and f.name not in NOT_MATCHED}
    top = fields.index().get(section)
    if top is None or top.kind not in GROUPS:
        return {}
    skip = len(section) + 1
    return {f.path[skip:]: f for f in fields.walk(top.children, records=True) if f.is_leaf}


def int_fields(section: str) -> frozenset[str]:
    """The number fields of a section (dotted, within its fact): their null stays null."""
    return frozenset(name for name, f in _fields_of(section).items() if f.kind == fields.INT)


def enum_list_fields(section: str) -> dict[str, tuple[str, ...]]:
    """The lists of enum values of a section (dotted, within its fact) with their choices: durable
    facts carry a flag per choice for them (see durable.FLAG)."""
    return {name: f.values for name, f in _fields_of(section).items() if f.kind == fields.MULTI_CHOICE}
