"""Field paths checked against the proposal model: what each path names and what kind of value it holds."""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Union

from pydantic import BaseModel

from itaku.engine.conditions.tree import ConditionError
from itaku.engine.models import Proposal, Subcontractor

LIST_SUFFIX = "__n"  # facts carry `<field>__n`, a list's or group's size (durable has no len())

# Sections that are not plain fields of the proposal model.
DATA_ITEM_FIELDS = {"name": ("str", None), "added": ("bool", None)}
CLASSIFICATION_FIELDS = {
    "agenda": ("list", ("consultation", "report")),
    "redelegation": ("enum", ("none", "hosting_only", "yes")),
}
LIST_SECTIONS = {"subcontractors", "data_items"}
ROOT = "_root"


@dataclass(frozen=True)
class FieldSpec:
    """What a field path holds: bool, enum, str, int, date, list or object; choices for enums."""

    kind: str
    choices: tuple[str, ...] | None = None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional; return (inner type, is_list)."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    if origin is list:
        return typing.get_args(annotation)[0], True
    return annotation, False


def _spec_of(annotation: Any) -> FieldSpec | type[BaseModel]:
    inner, is_list = _unwrap(annotation)
    if is_list:
        if isinstance(inner, type) and issubclass(inner, Enum):
            return FieldSpec("list", tuple(m.value for m in inner))
        return FieldSpec("list")
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    if inner is bool:
        return FieldSpec("bool")
    if isinstance(inner, type) and issubclass(inner, Enum):
        return FieldSpec("enum", tuple(m.value for m in inner))
    if typing.get_origin(inner) is typing.Literal:
        return FieldSpec("enum", tuple(typing.get_args(inner)))
    if inner is int:
        return FieldSpec("int")
    if inner is dt.date:
        return FieldSpec("date")
    return FieldSpec("str")


def _model_sections() -> dict[str, type[BaseModel] | FieldSpec]:
    out: dict[str, type[BaseModel] | FieldSpec] = {}
    for name, info in Proposal.model_fields.items():
        if name in ("responses", "exceptions"):
            continue  # answers and waivers are read by the evaluator, not matched by rules
        spec = _spec_of(info.annotation)
        if name == "subcontractors":
            out[name] = Subcontractor
        else:
            out[name] = spec
    return out


_SECTIONS = _model_sections()


@functools.cache
def resolve(path: str) -> tuple[str, str, FieldSpec]:
    """Map a dotted path to (section, field within the section's fact, spec); raise if unknown."""
    parts = path.split(".")
    head = parts[0]
    if head == "data_items" or head == "classification":
        table = DATA_ITEM_FIELDS if head == "data_items" else CLASSIFICATION_FIELDS
        if len(parts) != 2 or parts[1] not in table:
            raise ConditionError(f"unknown field '{path}' (known: {', '.join(table)})")
        kind, choices = table[parts[1]]
        return head, parts[1], FieldSpec(kind, choices)
    if head not in _SECTIONS:
        raise ConditionError(f"unknown field '{path}': no section '{head}' in the proposal model")
    top = _SECTIONS[head]
    if isinstance(top, FieldSpec):
        if len(parts) != 1:
            raise ConditionError(f"unknown field '{path}': '{head}' has no sub-fields")
        return ROOT, head, top
    current: type[BaseModel] | FieldSpec = top
    for i, part in enumerate(parts[1:], start=1):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            raise ConditionError(f"unknown field '{path}': '{'.'.join(parts[:i])}' has no sub-fields")
        if part not in current.model_fields:
            raise ConditionError(f"unknown field '{path}': '{part}' is not a field of '{'.'.join(parts[:i])}'")
        current = _spec_of(current.model_fields[part].annotation)
    if not isinstance(current, FieldSpec):
        current = FieldSpec("object")  # a group of fields: only "stated or not" can be tested
    return head, ".".join(parts[1:]), current


def section_names() -> set[str]:
    """Every section a condition may name with present/absent."""
    return {n for n, s in _SECTIONS.items() if not isinstance(s, FieldSpec)} | {"data_items", "classification"}


def _walk(section: str) -> dict[str, FieldSpec]:
    """Every plain field of a section's fact (dotted within the fact) with its spec."""
    if section == "classification":
        return {name: FieldSpec(kind, choices) for name, (kind, choices) in CLASSIFICATION_FIELDS.items()}
    if section == ROOT:
        return {name: spec for name, spec in _SECTIONS.items() if isinstance(spec, FieldSpec)}
    top = _SECTIONS.get(section)
    if not (isinstance(top, type) and issubclass(top, BaseModel)):
        return {}
    out: dict[str, FieldSpec] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            spec = _spec_of(info.annotation)
            if isinstance(spec, FieldSpec):
                out[prefix + name] = spec
            else:
                walk(spec, prefix + name + ".")

    walk(top, "")
    return out


def int_fields(section: str) -> frozenset[str]:
    """The number fields of a section (dotted, within its fact): their null stays null."""
    return frozenset(name for name, spec in _walk(section).items() if spec.kind == "int")


def enum_list_fields(section: str) -> dict[str, tuple[str, ...]]:
    """The lists of enum values of a section (dotted, within its fact) with their choices: durable
    facts carry a flag per choice for them (see durable.FLAG)."""
    return {name: spec.choices for name, spec in _walk(section).items() if spec.kind == "list" and spec.choices}
