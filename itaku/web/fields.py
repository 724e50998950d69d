"""The page's proposal form, described from the one description of the proposal's fields.

That description is the field tree of `engine/fields.py` (derived from `engine/models.py`, read by
the Excel form and its reader too); this is the only module of the web app that reads it, so a
field added to the model appears on the page, in the Excel form and in their readers without a
second edit, and a change of description touches this file alone.

A form control's name is the field's dotted path; a column of a list of records is named
`LIST.N.COLUMN` (N the row's number on the page), a section's or list's "does it apply" answer
`PATH.__applies`, a list of texts or choices repeats its name once per value.
"""

from __future__ import annotations

from dataclasses import dataclass

from itaku.engine import fields as tree
from itaku.engine.catalog import Catalog
from itaku.engine.fields import Field as Node
from itaku.engine.wording import phrase

# Kinds of one value, as the field tree names them.
YESNO, ENUM, ENUM_LIST, TEXT, TEXT_LIST, INT, DATE = (
    tree.YESNO, tree.CHOICE, tree.MULTI_CHOICE, tree.TEXT, tree.TEXT_LIST, tree.INT, tree.DATE,
)
APPLIES = "__applies"  # suffix of a section's or list's "does it apply" control
NONE_CHOSEN = "__none__"  # the なし box of a multiple choice (an empty list, not "not stated")
LONG_TEXT = {"purpose", "subjects", "reason", "compensating"}  # free texts that get a text area


@dataclass(frozen=True)
class Choice:
    """One option: the value sent (never shown) and its label (shown)."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One value to enter. `name` is the control's name (inside a list of records, the column's)."""

    name: str
    kind: str
    label: str
    full_label: str
    required: bool
    choices: tuple[Choice, ...]
    hint: str
    node: Node  # the description's own field, for the readers of itaku/forms/values.py
    nullable: bool = True  # "not stated" allowed (for a list of choices: none is not the same as not stated)
    model_choices: bool = True  # the choices are the field's own (not a list made here, as of rules)
    long: bool = False
    suggestions: tuple[str, ...] = ()  # a text's usual values, offered as the clerk types (countries)
    title: str = ""  # the field's short name (作業場所): a heading's, where the field stands alone

    def control(self, row: int | str | None = None, table: str | None = None) -> str:
        """The control's name on the page (a list's column: `LIST.N.COLUMN`)."""
        return f"{table}.{row}.{self.name}" if table is not None else self.name


@dataclass(frozen=True)
class Section:
    """A group of fields (案件, システム, 認証 …); `asks_applies`: may be left out of a proposal;
    `required`: must be there (its own fields then say what is missing)."""

    name: str
    label: str
    asks_applies: bool
    required: bool
    children: tuple[Part, ...]


@dataclass(frozen=True)
class Table:
    """A list of records (再委託先等, 例外), one row per record, rows added and removed on the page."""

    name: str
    label: str
    asks_applies: bool
    columns: tuple[Field, ...]


@dataclass(frozen=True)
class Mapping:
    """Texts by topic (担当課の対応): each row a topic and the department's text."""

    name: str
    label: str
    topics: tuple[Choice, ...]


@dataclass(frozen=True)
class Constant:
    """A value the page does not ask for (the format's name)."""

    name: str
    value: str


Part = Field | Section | Table | Mapping | Constant


def _hint(node: Node, lang: str) -> str:
    """The field's hint from the one description (the Excel form's too), with how the page takes
    its kind where that needs saying: a date's or a number's writings, a list of boxes to fill or
    tick (the page's own words: a cell of the Excel form is written differently). A yes/no, a
    choice or a text with a hint of its own needs no more; without one, the page's word for its kind."""
    own = node.hint(lang)
    if node.kind in (DATE, INT):
        return node.help(lang)
    if node.kind == TEXT_LIST:
        kind = phrase("web.hint.text_list", lang)
    elif node.kind == ENUM_LIST:
        kind = phrase("web.hint.enum_list" if node.nullable else "web.hint.enum_list_required", lang)
    elif own:
        return own
    elif node.kind == ENUM:
        return phrase("web.hint.choice", lang)
    elif node.kind == YESNO:
        return phrase("web.hint.yesno", lang)
    else:
        return node.kind_help(lang)
    return phrase("form.hint_and_kind", lang, hint=own, kind=kind) if own else kind


def _field(node: Node, lang: str, catalog: Catalog, name: str, full_label: str, table: str = "") -> Field:
    choices = tuple(Choice(c.value, c.label(lang)) for c in node.choices)
    kind = node.kind
    model_choices = True
    if table == "exceptions" and name == "rule":
        # An exception names a rule: offered by its title (the Excel form offers the rule ids).
        kind, model_choices = ENUM, False
        choices = tuple(Choice(r.id, r.spec.title.get(lang)) for r in catalog.rules)
    return Field(
        name=name, kind=kind, label=node.question(lang), full_label=full_label, required=node.required,
        choices=choices, hint=_hint(node, lang), node=node, nullable=node.nullable, model_choices=model_choices,
        long=node.name in LONG_TEXT, suggestions=node.suggestions(lang), title=node.label(lang),
    )


def _part(node: Node, lang: str, catalog: Catalog) -> Part:
    if node.kind == tree.CONST:
        return Constant(node.path, str(node.const))
    if node.is_leaf:
        return _field(node, lang, catalog, node.path, node.question(lang))
    if node.kind == tree.SECTION:
        children = tuple(_part(child, lang, catalog) for child in node.children)
        return Section(node.path, node.label(lang), node.nullable, node.required, children)
    if node.kind == tree.RECORDS:
        columns = tuple(
            _field(child, lang, catalog, child.name, child.question(lang), node.path)
            for child in node.children
        )
        return Table(node.path, node.label(lang), node.nullable, columns)
    if node.kind == tree.MAPPING:
        topics = tuple(Choice(topic.id, topic.en if lang == "en" else topic.ja) for topic in catalog.topics.values())
        return Mapping(node.path, node.label(lang), topics)
    raise tree.UnsupportedField(f"{node.path}: the page cannot hold a field of kind {node.kind}")


def describe(lang: str, catalog: Catalog) -> tuple[Part, ...]:
    """The top-level parts of the proposal form, in the order of the Excel form (build once, keep)."""
    return tuple(_part(node, lang, catalog) for node in tree.tree())


def walk(parts: tuple[Part, ...]) -> list[Part]:
    """Every part, depth first (a section, then what it holds)."""
    out: list[Part] = []
    for part in parts:
        out.append(part)
        if isinstance(part, Section):
            out.extend(walk(part.children))
    return out
