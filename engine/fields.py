"""The proposal's fields as one tree, derived from `engine.models.Proposal`: the one description of
what a proposal holds that every other part reads.

For every field: its dotted path (`email.sender_domain_auth.spf`; a record's field is named through
its list, `subcontractors.role`, as the rule conditions name it), its kind in one vocabulary (below),
its choices with their Japanese and English labels, its bounds, its labels and help text in both
languages, whether it is required, and its place in the order of the form. Readers:

- the rule conditions (`engine.conditions`): which paths exist and which tests fit each kind;
- the Excel proposal form and its reader (`checklists.form`, `itaku.forms.form_reader`);
- a web form: sections in form order, yes/no/not-stated answers, dropdowns, lists with add and
  remove, help text and required marks all come from `tree()` (see "Building a form" below);
- the hypothesis strategies of the tests and the bench corpus, which draw values per kind.

A field added to the models appears in all of them with no other change; a field of a type the tree
cannot describe raises `UnsupportedField` when this module is first used (a test walks the models).

Kinds (`Field.kind`):

| kind | model type | value |
|---|---|---|
| `section` | a sub-model | a group of fields; `nullable`: the section may be omitted (does not apply) |
| `record-list` | `list[sub-model]` | records (subcontractors, exceptions); `children` are the columns |
| `yesno` | `bool \\| None` | true, false, or null = not stated |
| `choice` | an enum | one of `choices` |
| `multi-choice` | `list[enum]` | several of `choices`; `[]` = none |
| `text` | `str` | free text |
| `text-list` | `list[str]` | several texts |
| `int` | `int` | a whole number within `minimum`..`maximum` |
| `date` | `datetime.date` | a date |
| `mapping` | `dict[str, str]` | text by key (the department's responses, by topic) |
| `const` | a one-value `Literal` | fixed (the format id): never asked for |

Building a form: walk `tree()` in order (`walk()` gives the same order flattened). A `section` is a
heading (`full_label` joins the headings above a field); when it is `nullable` the proposal may leave
it out, so ask whether it applies (yes / no / not stated) before its fields. A `yesno` field offers
`yesno_answers(lang)`; a `choice` a dropdown of `choices` (plus "not stated" when `nullable`);
a `multi-choice` several of them; a `record-list` one row per record with add and remove (its
`children` are the columns; `min_items`/`max_items` bound the rows); a `mapping` key/text pairs.
Mark `required` fields; show `help(lang)` beside each field; skip `const` fields (the value is
fixed). Leaving a field blank means "not stated" (null), which is what the models expect.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from itaku.engine.countries import country_names
from itaku.engine.loader import MAX_LIST_ITEMS
from itaku.engine.models import Proposal
from itaku.engine.wording import fill, has, phrase, template

SECTION = "section"
RECORDS = "record-list"
YESNO = "yesno"
CHOICE = "choice"
MULTI_CHOICE = "multi-choice"
TEXT = "text"
TEXT_LIST = "text-list"
INT = "int"
DATE = "date"
MAPPING = "mapping"
CONST = "const"

KINDS = (SECTION, RECORDS, YESNO, CHOICE, MULTI_CHOICE, TEXT, TEXT_LIST, INT, DATE, MAPPING, CONST)
CONTAINER_KINDS = (SECTION, RECORDS, MAPPING)
LIST_KINDS = (MULTI_CHOICE, TEXT_LIST, RECORDS)


class UnsupportedField(TypeError):
    """The model has a field of a type the tree does not describe."""


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field, with how people read it."""

    value: str
    ja: str
    en: str

    def label(self, lang: str) -> str:
        """The choice as people read it in `lang` (ja or en), naming the municipality as the judging
        profile does ({self}: 区, 市)."""
        return fill(self.en, "en") if lang == "en" else fill(self.ja, "ja")


@dataclass(frozen=True)
class Field:
    """One field of the proposal.

    `path`: dotted from the proposal root; a record's field through its list (`subcontractors.role`).
    `name`: the key within its parent. `record`: the path of the record list the field belongs to
    (None for fields of the proposal itself). `required`: the model has no default, so the proposal
    (or the record) must state it. `nullable`: null is allowed, meaning "not stated", or for a section
    or a list "does not apply". `choices`: for choice, multi-choice and const. `enum`: the name of the
    set of choices (fields sharing it offer the same list). `minimum`/`maximum`: an int's bounds.
    `min_items`/`max_items`: a list's size limits (max: the input limit for every list).
    `min_length`: a text's least length (1: it may not be empty). `default`: the model's default
    (None where it has none). `order`: the position in the form, depth first, record columns
    included.
    """

    path: str
    name: str
    kind: str
    ja: str = ""
    en: str = ""
    required: bool = False
    nullable: bool = True
    choices: tuple[Choice, ...] = ()
    enum: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    min_length: int | None = None
    default: Any = field(default=None, compare=False)
    record: str | None = None
    order: int = 0
    children: tuple[Field, ...] = field(default=())
    vocabulary: str | None = None  # a text read as one of a known set ("country": engine/countries.py)

    def label(self, lang: str) -> str:
        """The field's own label in `lang` (its name where the model gives none), naming the
        municipality as the judging profile does."""
        text = self.en if lang == "en" else self.ja
        return fill(text, "en" if lang == "en" else "ja") if text else self.name

    @property
    def is_leaf(self) -> bool:
        """One value (a cell of the form), as opposed to a section, a record list or a mapping."""
        return self.kind not in CONTAINER_KINDS

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed values of a choice field (its choices' values, in model order)."""
        return tuple(c.value for c in self.choices)

    @property
    def const(self) -> str | None:
        """The fixed value of a const field (None for any other kind)."""
        return self.choices[0].value if self.kind == CONST else None

    def choice_label(self, value: str, lang: str) -> str:
        """How people read one value of this field (the value itself where it has no label)."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label(lang)
        return value

    def question(self, lang: str) -> str:
        """The field as a form asks it, a plain question (ask.PATH in the catalogue: 多要素認証 →
        ログインにパスワード以外の要素（多要素認証）も使いますか); its label where none is written."""
        return phrase(f"ask.{self.path}", lang) if has(f"ask.{self.path}") else self.label(lang)

    def hint(self, lang: str) -> str:
        """What a person needs to know to answer this field (hint.PATH: what 階層 counts, what
        同等の義務 means, how a country is written); '' where the question says it all."""
        return phrase(f"hint.{self.path}", lang) if has(f"hint.{self.path}") else ""

    def help(self, lang: str) -> str:
        """What to enter, in `lang`: the field's own hint, then how its kind is written (the answers of
        a yes/no, the choices, a number, a list, a date). Sections, record lists and mappings have
        none (their layout is the form's own)."""
        own, kind = self.hint(lang), self.kind_help(lang)
        if own and kind and self.kind != INT:  # a number's own hint says how it is written
            return phrase("form.hint_and_kind", lang, hint=own, kind=kind)
        return own or kind

    def suggestions(self, lang: str) -> tuple[str, ...]:
        """What a form offers to pick from for a text of a known set (countries, 日本 first); () else."""
        return country_names(lang) if self.vocabulary == "country" else ()

    def kind_help(self, lang: str) -> str:
        """How a value of this field's kind is written (the same for every field of the kind)."""
        if self.kind == YESNO:
            return phrase("form.yesno", lang)
        if self.kind == CHOICE:
            return phrase("form.enum", lang, choices=" / ".join(c.label(lang) for c in self.choices))
        if self.kind == MULTI_CHOICE:
            return phrase("form.enum_list", lang, choices=phrase("sep.list", lang).join(c.label(lang) for c in self.choices))
        if self.kind == TEXT_LIST:
            return phrase("form.text_list", lang)
        if self.kind == INT:  # the bounds are the error message's to say, where they are passed
            return phrase("form.int", lang)
        if self.kind == DATE:
            return phrase("form.date", lang)
        if self.kind == TEXT:
            return phrase("form.text", lang)
        return ""

    def leaves(self) -> Iterator[Field]:
        """Every leaf below this field, through sections (a record list's columns are not its leaves)."""
        for child in self.children:
            if child.is_leaf:
                yield child
            elif child.kind == SECTION:
                yield from child.leaves()

    def child(self, name: str) -> Field:
        """The sub-field or column called `name` (KeyError if there is none)."""
        for child in self.children:
            if child.name == name:
                return child
        raise KeyError(f"{self.path}.{name}")


# ---------------------------------------------------------------- derived from the models


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional: (inner annotation, whether None is allowed)."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
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


def _constraints(info: FieldInfo) -> dict[str, int]:
    out: dict[str, int] = {}
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            out["minimum"] = int(meta.ge)  # type: ignore[call-overload]
        elif isinstance(meta, annotated_types.Gt):
            out["minimum"] = int(meta.gt) + 1  # type: ignore[call-overload]
        elif isinstance(meta, annotated_types.Le):
            out["maximum"] = int(meta.le)  # type: ignore[call-overload]
        elif isinstance(meta, annotated_types.Lt):
            out["maximum"] = int(meta.lt) - 1  # type: ignore[call-overload]
        elif isinstance(meta, annotated_types.MinLen):
            out["min_length"] = meta.min_length
    return out


def _enum_choices(enum: type[Enum]) -> tuple[Choice, ...]:
    out = []
    for member in enum:
        name, value = enum.__name__, member.value
        if has(f"choice.{name}.{value}"):
            # as written ({self} unfilled): the tree is built once, the profile may change
            out.append(Choice(value, template(f"choice.{name}.{value}", "ja"), template(f"choice.{name}.{value}", "en")))
        else:  # a value added to the model reads as itself until the catalogue labels it
            out.append(Choice(value, value, value))
    return tuple(out)


def plain_choices(values: Iterable[Any]) -> tuple[Choice, ...]:
    """Choices without labels (each reads as its value): a one-value Literal, a derived fact's values."""
    return tuple(Choice(str(v), str(v), str(v)) for v in values)


def _default(info: FieldInfo) -> Any:
    """The model's default as data (a section's default as its fields' defaults)."""
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
    elif info.default is PydanticUndefined:
        return None
    else:
        value = info.default
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value.value if isinstance(value, Enum) else value


def _field(name: str, info: FieldInfo, prefix: str, record: str | None, counter: Iterator[int]) -> Field:
    path = f"{prefix}.{name}" if prefix else name
    order = next(counter)  # before the children: depth-first, the order of the form
    inner, nullable = _unwrap(info.annotation)
    ja, en = _labels(info, path, name)
    bounds = _constraints(info)
    common: dict[str, Any] = {
        "path": path, "name": name, "ja": ja, "en": en, "required": info.is_required(),
        "nullable": nullable, "default": _default(info), "record": record,
        "order": order,
    }
    least = bounds.get("min_length")
    origin = typing.get_origin(inner)
    if inner is bool:
        return Field(kind=YESNO, **common)
    if _is_enum(inner):
        return Field(kind=CHOICE, choices=_enum_choices(inner), enum=inner.__name__, **common)
    if origin is Literal:
        values = typing.get_args(inner)
        return Field(kind=CONST if len(values) == 1 else CHOICE, choices=plain_choices(values), **common)
    if inner is str:
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        vocabulary = extra.get("values")
        return Field(kind=TEXT, min_length=least, vocabulary=str(vocabulary) if vocabulary else None, **common)
    if inner is int:
        return Field(kind=INT, minimum=bounds.get("minimum"), maximum=bounds.get("maximum"), **common)
    if inner is dt.date:
        return Field(kind=DATE, **common)
    if origin is list:
        (item,) = typing.get_args(inner)
        if _is_enum(item):
            return Field(
                kind=MULTI_CHOICE, choices=_enum_choices(item), enum=item.__name__, min_items=least,
                max_items=MAX_LIST_ITEMS, **common,
            )
        if item is str:
            return Field(kind=TEXT_LIST, min_items=least, max_items=MAX_LIST_ITEMS, **common)
        if _is_model(item) and record is None:  # a record is one row: no lists of records inside it
            columns = _children(item, path, path, counter)
            return Field(kind=RECORDS, children=columns, min_items=least, max_items=MAX_LIST_ITEMS, **common)
    if origin is dict and typing.get_args(inner) == (str, str) and record is None:
        return Field(kind=MAPPING, **common)
    if _is_model(inner) and record is None:  # a record is one row of cells: no sections inside it
        return Field(kind=SECTION, children=_children(inner, path, record, counter), **common)
    raise UnsupportedField(f"{path}: no field kind describes {inner!r}")


def _children(model: type[BaseModel], prefix: str, record: str | None, counter: Iterator[int]) -> tuple[Field, ...]:
    return tuple(_field(name, info, prefix, record, counter) for name, info in model.model_fields.items())


# ---------------------------------------------------------------- the public tree


@functools.cache
def tree() -> tuple[Field, ...]:
    """The top-level fields of the proposal, each with its sub-fields, in the order of the form."""
    return _children(Proposal, "", None, itertools.count())


def walk(fields: Iterable[Field] | None = None, *, records: bool = False) -> Iterator[Field]:
    """Every field depth first, in form order: sections and their fields; a record list and (with
    `records=True`) its columns; a mapping."""
    for f in tree() if fields is None else fields:
        yield f
        if f.kind == SECTION or (records and f.kind == RECORDS):
            yield from walk(f.children, records=records)


@functools.cache
def index() -> Mapping[str, Field]:
    """Every field by its dotted path, record columns included (read-only)."""
    return types.MappingProxyType({f.path: f for f in walk(records=True)})


def get(path: str) -> Field:
    """The field at a dotted path (KeyError when there is none)."""
    return index()[path]


def yesno_answers(lang: str) -> tuple[tuple[bool | None, str], ...]:
    """The three answers of a yes/no field with their labels: はい, いいえ, 未記載 (not stated)."""
    return tuple((value, phrase(f"yesno.{key}", lang)) for value, key in ((True, "true"), (False, "false"), (None, "none")))


def ancestry(path: str) -> list[Field]:
    """The fields from the top-level one down to `path` (empty when the path names no field)."""
    fields = index()
    parts = path.split(".")
    prefixes = (".".join(parts[: i + 1]) for i in range(len(parts)))
    return [fields[p] for p in prefixes if p in fields]


def full_label(path: str, lang: str) -> str:
    """A field's label after its sections' labels, e.g. メール送信／送信ドメイン認証／SPF."""
    return phrase("sep.path", lang).join(f.label(lang) for f in ancestry(path))
