"""The proposal model walked into form fields: what the Excel form shows, and what its reader expects.

Everything here is derived from `engine.models.Proposal` at import time: a field added to the model
appears on the form and is read back without touching this package. A field of a kind the form
cannot hold raises `UnsupportedField` (a test walks the whole model, so that shows up at once).
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from itaku.engine.models import Proposal
from itaku.engine.wording import has, phrase

# Leaf kinds (one cell each) and container kinds.
YESNO, ENUM, ENUM_LIST, TEXT, TEXT_LIST, INT, DATE = "yesno", "enum", "enum_list", "text", "text_list", "int", "date"
GROUP, TABLE, MAPPING, CONST = "group", "table", "mapping", "const"
LEAF_KINDS = (YESNO, ENUM, ENUM_LIST, TEXT, TEXT_LIST, INT, DATE)


class UnsupportedField(TypeError):
    """The model has a field the form does not know how to show."""


@dataclass(frozen=True)
class Node:
    """One field of the model as the form sees it.

    `path` is the dotted path from the proposal root (inside a table: from the table item).
    `optional`: None is allowed (an omitted section, a "not stated" value). `required`: pydantic
    has no default for it. `choices`: enum values; `enum`: the enum's class name, for labels.
    """

    path: str
    name: str
    kind: str
    label_ja: str
    label_en: str
    required: bool
    optional: bool
    choices: tuple[str, ...] = ()
    enum: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    children: tuple[Node, ...] = field(default=())
    const: Any = None

    def label(self, lang: str) -> str:
        """The field's own label in `lang`."""
        return getattr(self, f"label_{lang}", self.label_ja)

    @property
    def is_leaf(self) -> bool:
        return self.kind in LEAF_KINDS

    def leaves(self) -> typing.Iterator[Node]:
        """Every leaf below this node (a table's columns are not descended into)."""
        for child in self.children:
            if child.is_leaf:
                yield child
            elif child.kind == GROUP:
                yield from child.leaves()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional: (inner annotation, whether None is allowed)."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], len(args) < len(typing.get_args(annotation))
        raise UnsupportedField(f"a union of several types: {annotation}")
    return annotation, False


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _labels(info: FieldInfo, path: str, name: str) -> tuple[str, str]:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if "ja" in extra:
        return str(extra["ja"]), str(extra.get("en") or extra["ja"])
    if has(f"group.{path}"):
        return phrase(f"group.{path}", "ja"), phrase(f"group.{path}", "en")
    return name, name


def _bounds(info: FieldInfo) -> tuple[int | None, int | None]:
    low = high = None
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            low = int(meta.ge)  # type: ignore[call-overload]
        elif isinstance(meta, annotated_types.Gt):
            low = int(meta.gt) + 1  # type: ignore[call-overload]
        elif isinstance(meta, annotated_types.Le):
            high = int(meta.le)  # type: ignore[call-overload]
        elif isinstance(meta, annotated_types.Lt):
            high = int(meta.lt) - 1  # type: ignore[call-overload]
    return low, high


def _node(name: str, info: FieldInfo, prefix: str, in_table: bool) -> Node:
    path = f"{prefix}.{name}" if prefix else name
    inner, nullable = _unwrap(info.annotation)
    ja, en = _labels(info, path, name)
    required = info.is_required()
    optional = nullable or info.default is None
    common = {"path": path, "name": name, "label_ja": ja, "label_en": en, "required": required, "optional": optional}
    origin = typing.get_origin(inner)
    if inner is bool:
        return Node(kind=YESNO, **common)
    if _is_enum(inner):
        return Node(kind=ENUM, choices=tuple(m.value for m in inner), enum=inner.__name__, **common)
    if origin is Literal:
        values = tuple(str(v) for v in typing.get_args(inner))
        if len(values) == 1:
            return Node(kind=CONST, const=values[0], **common)
        return Node(kind=ENUM, choices=values, **common)
    if inner is str:
        return Node(kind=TEXT, **common)
    if inner is int:
        low, high = _bounds(info)
        return Node(kind=INT, minimum=low, maximum=high, **common)
    if inner is dt.date:
        return Node(kind=DATE, **common)
    if origin is list:
        (item,) = typing.get_args(inner)
        if _is_enum(item):
            return Node(kind=ENUM_LIST, choices=tuple(m.value for m in item), enum=item.__name__, **common)
        if item is str:
            return Node(kind=TEXT_LIST, **common)
        if _is_model(item) and not in_table:
            return Node(kind=TABLE, children=_children(item, "", in_table=True), **common)
    if origin is dict and typing.get_args(inner) == (str, str) and not in_table:
        return Node(kind=MAPPING, **common)
    if _is_model(inner) and not in_table:  # a table row is one line of cells: no groups inside it
        return Node(kind=GROUP, children=_children(inner, path, in_table), **common)
    raise UnsupportedField(f"{path}: the form cannot hold a field of type {inner!r}")


def _children(model: type[BaseModel], prefix: str, in_table: bool) -> tuple[Node, ...]:
    return tuple(_node(name, info, prefix, in_table) for name, info in model.model_fields.items())


@functools.lru_cache(maxsize=1)
def proposal_fields() -> tuple[Node, ...]:
    """The top-level fields of the proposal, each with its sub-fields, in model order."""
    return _children(Proposal, "", in_table=False)


def walk(nodes: tuple[Node, ...] | None = None) -> typing.Iterator[Node]:
    """Every node, depth first, in model order (tables and mappings included, their columns not)."""
    for node in proposal_fields() if nodes is None else nodes:
        yield node
        if node.kind == GROUP:
            yield from walk(node.children)


def by_path() -> dict[str, Node]:
    """Nodes of the main form by dotted path."""
    return {n.path: n for n in walk()}


def ancestry(path: str) -> list[Node]:
    """The nodes from the top-level section down to `path`."""
    index = by_path()
    parts = path.split(".")
    return [index[".".join(parts[: i + 1])] for i in range(len(parts)) if ".".join(parts[: i + 1]) in index]


def full_label(path: str, lang: str) -> str:
    """A field's label with its group labels, e.g. メール送信／送信ドメイン認証／SPF."""
    return phrase("sep.path", lang).join(n.label(lang) for n in ancestry(path))


def choice_label(node: Node, value: str, lang: str) -> str:
    """The label of one enum value (the value itself where no label is defined)."""
    return phrase(f"choice.{node.enum}.{value}", lang) if node.enum and has(f"choice.{node.enum}.{value}") else value
