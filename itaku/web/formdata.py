"""What the page's form holds, both ways: a proposal shown as the form's values, and the values a
person entered read back into a proposal, with every problem placed beside its field.

The values are read and assembled by the one assembler that reads the Excel form too
(`itaku/forms/assemble.py`, with the cell readers of `itaku/forms/values.py`): the same yes/no
words, choice labels, 和暦 or Western dates and numbers are accepted on the page and in the form,
a blank field is "not stated", a section answered "no" is left out, so the page, the form and YAML
give the same proposal. What is the page's own stays here: the controls' names (a list's rows
`LIST.N.COLUMN`, a repeated name per item, the なし box), every problem shown beside its control in
the page's words, and how each date and country was read, shown beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from itaku.engine import fields as tree
from itaku.engine.countries import country_code, country_name
from itaku.engine.fields import Field as Node
from itaku.engine.models import Proposal
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.forms.assemble import Assembly, Kind, Problem, names
from itaku.forms.values import choices_text, int_expectation, is_blank
from itaku.web import fields as fd

_ROW = re.compile(r"^(?P<table>[a-z_]+)\.(?P<row>[0-9]{1,6})\.(?P<column>[a-z_]+)$")  # ASCII digits only


@dataclass
class FormValues:
    """The form's values by control name, each name with its values in page order."""

    data: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> FormValues:
        """From (name, value) pairs as a browser sends a form."""
        out = cls()
        for name, value in pairs:
            out.data.setdefault(name, []).append(value)
        return out

    def add(self, name: str, value: str) -> None:
        """One more value of `name`."""
        self.data.setdefault(name, []).append(value)

    def get(self, name: str) -> str:
        """The first value of `name`, or ''."""
        values = self.data.get(name)
        return values[0] if values else ""

    def getlist(self, name: str) -> list[str]:
        """Every value of `name`."""
        return list(self.data.get(name, ()))

    def rows(self, table: str) -> list[int]:
        """The row numbers present for a list of records (or texts by topic), in order."""
        found = set()
        for name in self.data:
            match = _ROW.match(name)
            if match and match["table"] == table:
                found.add(int(match["row"]))
        return sorted(found)


@dataclass
class Reading:
    """A reading of the form: the proposal when it is valid, the problems by control name, and how
    each date was read (to show beside it)."""

    proposal: Proposal | None
    errors: dict[str, str]
    dates: dict[str, str]


# ------------------------------------------------------------------ proposal -> values


def _shown(f: fd.Field, value: Any) -> list[str]:
    if value is None:
        return []
    if f.kind == fd.YESNO:
        return ["true" if value else "false"]
    if f.kind == fd.ENUM_LIST:
        return [str(v) for v in value] or [fd.NONE_CHOSEN]
    if f.kind == fd.TEXT_LIST:
        return [str(v) for v in value]
    if f.kind == fd.DATE and isinstance(value, dt.date):
        return [date_text(value)]
    return [str(value)]


def _fill(parts: tuple[fd.Part, ...], data: dict[str, Any] | None, out: FormValues) -> None:
    for part in parts:
        name = part.name.rsplit(".", 1)[-1]
        value = data.get(name) if data else None
        if isinstance(part, fd.Field):
            for shown in _shown(part, value):
                out.add(part.name, shown)
        elif isinstance(part, fd.Section):
            if part.asks_applies and data is not None:
                out.add(f"{part.name}.{fd.APPLIES}", "false" if value is None else "true")
            _fill(part.children, value, out)
        elif isinstance(part, fd.Table):
            if part.asks_applies and value is not None:
                out.add(f"{part.name}.{fd.APPLIES}", "true" if value else "false")
            for row, record in enumerate(value or ()):
                for column in part.columns:
                    for shown in _shown(column, record.get(column.name)):
                        out.add(column.control(row, part.name), shown)
        elif isinstance(part, fd.Mapping):
            for row, (topic, text) in enumerate((value or {}).items()):
                out.add(f"{part.name}.{row}.topic", topic)
                out.add(f"{part.name}.{row}.text", text)


def values_of(proposal: Proposal, parts: tuple[fd.Part, ...]) -> FormValues:
    """The form's values that show `proposal` (dates in 和暦)."""
    out = FormValues()
    _fill(parts, proposal.model_dump(), out)
    return out


# ------------------------------------------------------------------ values -> proposal


class _Page:
    """One reading of the page's form: the controls as the medium of an Assembly."""

    def __init__(self, values: FormValues, parts: tuple[fd.Part, ...], lang: str) -> None:
        self.values = values
        self.lang = lang
        self.errors: dict[str, str] = {}
        self.dates: dict[str, str] = {}
        every = fd.walk(parts)
        self.tables = {p.name: p for p in every if isinstance(p, fd.Table)}
        # a topic and a rule as the page offers them (by id, with their labels)
        topics = [(text, c.value) for p in every if isinstance(p, fd.Mapping) for c in p.topics for text in (c.value, c.label)]
        rules = [(text, c.value) for c in self._rule_choices() for text in (c.value, c.label)]
        self.assembly = Assembly(self, names(topics), names(rules))

    def _rule_choices(self) -> tuple[fd.Choice, ...]:
        table = self.tables.get("exceptions")
        return next((c.choices for c in table.columns if c.name == "rule"), ()) if table is not None else ()

    def fail(self, name: str, message: str) -> None:
        """Note a problem beside control `name` (the first one found there stays)."""
        self.errors.setdefault(name, message)

    # ------------------------------------------------------------ the medium of the assembly

    def report(self, problem: Problem) -> None:
        """Show a problem beside its control; a list with too many rows, beside its question."""
        table = self.tables.get(problem.path)
        if problem.kind == Kind.ROWS_TOO_MANY and table is not None and table.asks_applies:
            self.fail(f"{table.name}.{fd.APPLIES}", problem.message)
        else:
            self.fail(problem.place, self._say(problem))

    def _say(self, problem: Problem) -> str:
        """A problem in the page's words (the page shows it beside the control it is about)."""
        if problem.kind == Kind.UNFIT and problem.node is not None:
            return self._expected(problem.node, problem.place) or problem.message
        if problem.kind in (Kind.UNKNOWN_TOPIC, Kind.UNKNOWN_RULE):
            return phrase("web.error.unknown_choice", self.lang, value=str(problem.value)[:60])
        words = {
            Kind.MISSING_TOPIC: "web.error.missing_topic",
            Kind.DUPLICATE_TOPIC: "web.error.duplicate_topic",
            Kind.SECTION_MARKED_NO: "web.error.section_marked_no",
            Kind.LIST_MARKED_NO: "web.error.list_marked_no",
            Kind.LIST_MARKED_YES_EMPTY: "web.error.list_marked_yes_empty",
        }
        return phrase(words[problem.kind], self.lang) if problem.kind in words else problem.message

    def _expected(self, node: Node, name: str) -> str | None:
        """The page's own sentence for a value that does not fit: what to enter, then what was entered."""
        if node.kind == tree.YESNO:
            wanted = phrase("excel.expected.yesno", self.lang)
        elif node.kind == tree.DATE:
            wanted = phrase("excel.expected.date", self.lang)
        elif node.kind == tree.INT:
            wanted = int_expectation(node)
        elif node.kind in (tree.CHOICE, tree.MULTI_CHOICE):
            wanted = choices_text(node)
        else:
            return None
        typed = " ".join(self.values.getlist(name))
        return phrase("web.error.expected", self.lang, expected=wanted, value=typed if len(typed) <= 60 else typed[:57] + "…")

    def noted(self, node: Node, row: int | None, raw: Any, value: Any, place: str) -> None:
        """How a date (和暦 and Western) or a country (国内 and Japan are 日本) was read, beside it."""
        if node.kind == tree.DATE:
            self.dates[place] = phrase("web.read_as", self.lang, wareki=date_text(value), western=value.isoformat())
        elif node.vocabulary == "country":
            self.dates[place] = phrase("web.read_as_country", self.lang, name=country_name(country_code(raw), self.lang))

    # ------------------------------------------------------------ the controls

    def raw(self, f: fd.Field, name: str) -> Any:
        """What control `name` of field `f` holds for the assembler: its text; for a list, its
        items (None: nothing given); the なし box alone: no choice (an empty list)."""
        if f.kind == fd.TEXT_LIST:
            return [v for v in self.values.getlist(name) if not is_blank(v)] or None
        if f.kind != fd.ENUM_LIST:
            return self.values.get(name)
        picked = [v for v in self.values.getlist(name) if not is_blank(v)]
        if fd.NONE_CHOSEN not in picked:
            return picked or None
        if len(picked) > 1:
            self.fail(name, phrase("web.error.none_and_choice", self.lang))
            return None
        return []

    def section(self, parts: tuple[fd.Part, ...]) -> None:
        """Hand the values of a group of parts to the assembler, in the page's order."""
        for part in parts:
            if isinstance(part, fd.Field):
                self.assembly.field(part.name, self.raw(part, part.name), part.name)
            elif isinstance(part, fd.Section):
                marker = f"{part.name}.{fd.APPLIES}"
                self.assembly.name(part.name, marker if part.asks_applies else part.name)
                self.section(part.children)
                if part.asks_applies:
                    self.assembly.applies(part.name, self.values.get(marker), marker)
                self.assembly.close(part.name)
            elif isinstance(part, fd.Table):
                self._table(part)
            elif isinstance(part, fd.Mapping):
                for row in self.values.rows(part.name):
                    topic, text = f"{part.name}.{row}.topic", f"{part.name}.{row}.text"
                    if not self.assembly.entry(part.name, self.values.get(topic), self.values.get(text), topic, text):
                        break

    def _table(self, part: fd.Table) -> None:
        marker = f"{part.name}.{fd.APPLIES}"
        self.assembly.name(part.name, marker if part.asks_applies else part.name)
        for row in self.values.rows(part.name):
            names = [c.control(row, part.name) for c in part.columns]
            if all(not "".join(self.values.getlist(n)).strip() for n in names):
                continue  # a blank row, as on the Excel form's list sheets
            index = self.assembly.record(part.name, names[0])
            if index is None:
                break
            for column, name in zip(part.columns, names, strict=True):
                self.assembly.column(part.name, index, column.name, self.raw(column, name), name)
        if part.asks_applies:
            self.assembly.applies(part.name, self.values.get(marker), marker)
        self.assembly.close(part.name)


def _malformed_rows(page: _Page, parts: tuple[fd.Part, ...]) -> None:
    """A control of a list whose name is not `LIST.N.COLUMN` as the page writes it (N without a
    leading zero, at most six digits; COLUMN one of the list's) is never the page's own: it would be
    left out of the list (an unapproved subcontractor gone unseen), so it is an error beside the list."""
    lists: dict[str, tuple[str, frozenset[str]]] = {}
    for part in fd.walk(parts):
        if isinstance(part, fd.Table):
            where = f"{part.name}.{fd.APPLIES}" if part.asks_applies else part.name
            lists[part.name] = (where, frozenset(c.name for c in part.columns))
        elif isinstance(part, fd.Mapping):
            lists[part.name] = (part.name, frozenset(("topic", "text")))
    for name in page.values.data:
        head, dot, _ = name.partition(".")
        if not dot or head not in lists or name == f"{head}.{fd.APPLIES}":
            continue
        where, columns = lists[head]
        match = _ROW.match(name)
        if match is None or match["column"] not in columns or (match["row"] != "0" and match["row"].startswith("0")):
            page.fail(where, phrase("web.error.bad_row", page.lang))


def read(values: FormValues, parts: tuple[fd.Part, ...], lang: str) -> Reading:
    """Read the form back into a proposal. Every field is read (not only up to the first problem),
    so that each problem shows beside its field; the proposal is None while any remains."""
    page = _Page(values, parts, lang)
    _malformed_rows(page, parts)
    page.section(parts)
    proposal = page.assembly.proposal()  # the model's problems beside the fields' own (which win: they came first)
    return Reading(proposal if not page.errors else None, page.errors, page.dates)
