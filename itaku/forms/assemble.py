"""One proposal assembled from the raw values of a form, whatever the form is: the filled Excel form
(form_reader.py: cells) and the web page (itaku/web/formdata.py: the controls a browser posts).

Each medium walks its form its own way and hands the values over one by one, addressed by field: a
field of the proposal (`field`), a section's or list's "does it apply" answer (`applies`), a list's
row and column (`record`, `column`), a topic's text (`entry`). Each value is read at once with the
cell readers (values.py), so a yes/no, a choice by its value or label, a 和暦 date or a number
written with commas reads the same in every medium; then `proposal()` builds the nested data as
YAML gives it (a blank field is "not stated", a section answered "no" is left out), checks each
answer against what its section or list holds, and validates it into the Proposal model.

Every problem goes to the medium with the place the medium named for the value (申請様式!C14 on
the Excel form, the control's name on the page) and what it is about (`Problem`); the medium words
it and decides what follows: the Excel form refuses at the first (one line, exit 2), the page shows
each beside its field. What differs between the media stays theirs: how a value is collected (a
cell holding several items or one control per item, the page's なし box), what is checked of the
cell or control itself (formulas, hidden cells; rows named as no page writes them), where a list's
problems show, and how a date's reading is said.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from pydantic import ValidationError

from itaku.engine import fields
from itaku.engine.fields import Field
from itaku.engine.loader import MAX_LIST_ITEMS, describe_error
from itaku.engine.models import Proposal
from itaku.engine.wording import phrase
from itaku.forms.values import CellProblem, NoSuchDayProblem, is_blank, key, read_cell, read_items, read_text, read_yesno

Loc = tuple[Any, ...]
RULE_FIELD = "exceptions.rule"  # an exception names the rule it waives: by its id or by its title


class Kind(Enum):
    """What a problem is about (the medium words each kind its own way, or keeps `message`)."""

    UNFIT = "unfit"  # a value that does not fit its field (`message`: what the cell readers expected)
    NO_SUCH_DAY = "no_such_day"  # written as a date, but not a day on the calendar
    LIST_TOO_LONG = "list_too_long"  # more items in one field than a proposal may hold
    BAD_ANSWER = "bad_answer"  # a "does it apply" answer that is no yes/no
    UNKNOWN_RULE = "unknown_rule"  # an exception naming no rule (`value`: as written)
    ROWS_TOO_MANY = "rows_too_many"  # more rows in a list than a proposal may hold (`path`: the list)
    MISSING_TOPIC = "missing_topic"  # a text without its topic
    UNKNOWN_TOPIC = "unknown_topic"  # `value`: the topic as written
    DUPLICATE_TOPIC = "duplicate_topic"  # `value`: the topic; `other`: where it came first
    MISSING_TEXT = "missing_text"  # a topic without its text
    SECTION_MARKED_NO = "section_marked_no"  # `path`: the section; `other`: where a field of it is filled
    LIST_MARKED_NO = "list_marked_no"  # answered "no", but the list has rows (`path`: the list)
    LIST_MARKED_YES_EMPTY = "list_marked_yes_empty"  # answered "yes", but the list is empty
    INVALID = "invalid"  # the model refused the proposal (`message`: its sentence)


@dataclass(frozen=True)
class Problem:
    """One problem of a form, at the place the medium named; `message` is the sentence the cell
    readers or the model give ('' for the kinds only a medium can word: the answers checked
    against their sections and lists, the topics, the rules)."""

    kind: Kind
    place: str
    message: str
    node: Field | None = None  # the field of a value that does not fit
    path: str = ""  # the section, list or mapping a problem of its answer or rows is about
    value: Any = None
    other: str = ""


class Medium(Protocol):
    """What the assembler needs of a form: somewhere to say its problems and its readings."""

    def report(self, problem: Problem) -> None:
        """Say a problem (the medium may stop there by raising)."""

    def noted(self, node: Field, row: int | None, raw: Any, value: Any, place: str) -> None:
        """A value of field `node` (of record `row` in its list) read from `raw`: for the medium
        to say how it was read where that helps (a date written in 和暦)."""


def names(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A lookup of things named by their ids or by their names, from (name, id) pairs: the key of
    each name (values.key: NFKC, case-folded) to its id, the first pair of a key winning."""
    out: dict[str, str] = {}
    for name, ident in pairs:
        out.setdefault(key(name), ident)
    return out


def _loc(path: str) -> Loc:
    return tuple(path.split("."))


class Assembly:
    """One proposal being assembled from one form's raw values (see the module's docstring).
    `topics` and `rules` (made by `names`) resolve a topic of the department's texts and the rule
    an exception waives, each named as the medium offers it."""

    def __init__(self, medium: Medium, topics: dict[str, str], rules: dict[str, str]) -> None:
        self.medium = medium
        self.topics = topics
        self.rules = rules
        self.places: dict[Loc, str] = {}  # model location -> where the medium shows it, for the model's errors
        self.leaves: dict[str, Any] = {}  # field path -> value, in the order given
        self.answers: dict[str, bool | None] = {}  # section or list path -> does it apply
        self.answer_places: dict[str, str] = {}
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.entries: dict[str, dict[str, str]] = {}  # mapping path -> topic -> text
        self.named: dict[str, dict[str, str]] = {}  # mapping path -> topic -> where it was named
        self.checked: set[str] = set()  # sections and lists whose answer was found wanting (said once)
        self.failed = False

    # ------------------------------------------------------------ places and problems

    def name(self, loc: str | Loc, place: str) -> None:
        """Where the model location `loc` (a dotted path or a tuple) shows in the medium, for the
        model's errors about it; the first naming of a location stays."""
        self.places.setdefault(_loc(loc) if isinstance(loc, str) else tuple(loc), place)

    def place(self, loc: Loc) -> str:
        """The place of a model location: its own or its nearest named ancestor's ('' if none)."""
        probe = tuple(loc)
        while probe and probe not in self.places:
            probe = probe[:-1]
        return self.places.get(probe, "")

    def _report(self, problem: Problem) -> None:
        self.failed = True
        self.medium.report(problem)

    # ------------------------------------------------------------ values

    def _read(self, node: Field, raw: Any, place: str, row: int | None) -> Any:
        """The model value of `raw` for field `node` (None: blank, not stated, or a problem said).
        `raw` is a cell's value or a control's text; a list of them gives a list field's items one by one."""
        try:
            value = read_items(node, raw) if isinstance(raw, list) else read_cell(node, raw)
        except NoSuchDayProblem as exc:  # understood as a date, but not a day: said as such in every medium
            self._report(Problem(Kind.NO_SUCH_DAY, place, str(exc), node))
            return None
        except CellProblem as exc:
            self._report(Problem(Kind.UNFIT, place, str(exc), node, value=raw))
            return None
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            self._report(Problem(Kind.LIST_TOO_LONG, place, phrase("error.list_too_long", limit=MAX_LIST_ITEMS), node))
            return None
        if node.path == RULE_FIELD and isinstance(value, str):
            value = self._rule(value, place)
        if value is not None:
            self.medium.noted(node, row, raw, value, place)
        return value

    def _rule(self, text: str, place: str) -> str | None:
        found = self.rules.get(key(text))
        if found is None:
            self._report(Problem(Kind.UNKNOWN_RULE, place, "", value=text))
        return found

    def field(self, path: str, raw: Any, place: str) -> None:
        """The value of the proposal's field `path` (not a column of a list), given at `place`."""
        self.name(path, place)
        self.leaves[path] = self._read(fields.get(path), raw, place, None)

    def applies(self, path: str, raw: Any, place: str) -> None:
        """Whether the section or list `path` applies: yes, no, or not stated (blank)."""
        self.answer_places[path] = place
        try:
            self.answers[path] = read_yesno(raw)
        except CellProblem as exc:
            self.answers[path] = None
            self._report(Problem(Kind.BAD_ANSWER, place, str(exc), path=path))

    def record(self, path: str, place: str) -> int | None:
        """Start the next record of the list `path` (a row with something in it) at `place`: its
        index, or None when the list holds as many as a proposal may (the problem said)."""
        rows = self.records.setdefault(path, [])
        if len(rows) >= MAX_LIST_ITEMS:
            self._report(Problem(Kind.ROWS_TOO_MANY, place, phrase("error.list_too_long", limit=MAX_LIST_ITEMS), path=path))
            return None
        rows.append({})
        self.name((*_loc(path), len(rows) - 1), place)
        return len(rows) - 1

    def column(self, path: str, row: int, name: str, raw: Any, place: str) -> None:
        """The value of column `name` of record `row` (from `record`) of the list `path`."""
        self.name((*_loc(path), row, name), place)
        value = self._read(fields.get(f"{path}.{name}"), raw, place, row)
        if value is not None:
            self.records[path][row][name] = value

    def entry(self, path: str, topic: Any, text: Any, topic_place: str, text_place: str) -> bool:
        """One text by topic of the mapping `path` (the department's responses); a pair with both
        blank is no entry. False when the mapping holds as many as a proposal may (said)."""
        if is_blank(topic) and is_blank(text):
            return True
        if is_blank(topic):
            self._report(Problem(Kind.MISSING_TOPIC, topic_place, "", path=path))
            return True
        found = self.topics.get(key(str(topic)))
        if found is None:
            self._report(Problem(Kind.UNKNOWN_TOPIC, topic_place, "", path=path, value=topic))
            return True
        named = self.named.setdefault(path, {})
        if found in named:
            self._report(Problem(Kind.DUPLICATE_TOPIC, topic_place, "", path=path, value=found, other=named[found]))
            return True
        named[found] = topic_place
        pairs = self.entries.setdefault(path, {})
        if len(pairs) >= MAX_LIST_ITEMS:
            self._report(Problem(Kind.ROWS_TOO_MANY, topic_place, phrase("error.list_too_long", limit=MAX_LIST_ITEMS), path=path))
            return False
        self.name((*_loc(path), found), text_place)
        value = read_text(text)
        if value is None:
            self._report(Problem(Kind.MISSING_TEXT, text_place, phrase("error.missing_field"), path=path))
        else:
            pairs[found] = value
        return True

    # ------------------------------------------------------------ the nested document

    def close(self, path: str) -> None:
        """The section or list `path` is complete: its "does it apply" answer is checked against
        what it holds now (a medium that reads section by section says its problems in that order;
        `proposal` checks the rest)."""
        self._build((fields.get(path),))

    def _build(self, nodes: Sequence[Field]) -> dict[str, Any]:
        """The proposal as nested data, as YAML would give it: blank fields and sections left out."""
        out: dict[str, Any] = {}
        for node in nodes:
            if node.kind == fields.CONST:
                out[node.name] = node.const
            elif node.is_leaf:
                if self.leaves.get(node.path) is not None:
                    out[node.name] = self.leaves[node.path]
            elif node.kind == fields.SECTION:
                child = self._build(node.children)
                answer = self.answers.get(node.path)
                if node.nullable and answer is False:
                    if child:
                        self._once(node.path, Kind.SECTION_MARKED_NO, other=self._filled(node.path))
                    continue
                if child or answer or node.required:
                    out[node.name] = child
            elif node.kind == fields.RECORDS:
                items = self.records.get(node.path, [])
                answer = self.answers.get(node.path)
                if node.nullable and answer is False:
                    if items:
                        self._once(node.path, Kind.LIST_MARKED_NO)
                    out[node.name] = []
                elif node.nullable and answer is True and not items:
                    self._once(node.path, Kind.LIST_MARKED_YES_EMPTY)
                elif items:
                    out[node.name] = items
            elif node.kind == fields.MAPPING and self.entries.get(node.path):
                out[node.name] = dict(self.entries[node.path])
        return out

    def _once(self, path: str, kind: Kind, other: str = "") -> None:
        if path in self.checked:
            return
        self.checked.add(path)
        self._report(Problem(kind, self.answer_places.get(path, self.place(_loc(path))), "", path=path, other=other))

    def _filled(self, path: str) -> str:
        """Where a field of section `path` is filled in: the first given, or the section's place."""
        filled = next((p for p, v in self.leaves.items() if p.startswith(path + ".") and v is not None), path)
        return self.places.get(_loc(filled), filled)

    def proposal(self) -> Proposal | None:
        """The proposal, validated; None when any problem was said (the model's problems are said
        too, each at the place of its field or of the nearest section or list the medium named)."""
        data = self._build(fields.tree())
        try:
            proposal = Proposal.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc, text = describe_error(error)
                self._report(Problem(Kind.INVALID, self.place(loc), text))
            return None
        return None if self.failed else proposal
