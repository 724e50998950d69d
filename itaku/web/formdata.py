"""What the page's form holds, both ways: a proposal shown as the form's values, and the values a
person entered read back into a proposal, with every problem placed beside its field.

Values are read by the Excel form's own cell readers (`checklists/values.py`): the same yes/no
words, choice labels, 和暦 or Western dates and numbers are accepted on the page and in the form,
and a proposal is assembled the way the form reader assembles one (a blank field is "not stated", a
section answered "no" is left out), so the page, the form and YAML give the same proposal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from itaku.engine.countries import country_code, country_name
from itaku.engine.loader import MAX_LIST_ITEMS, describe_error
from itaku.engine.models import Proposal
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.forms.values import (
    CellProblem,
    NoSuchDayProblem,
    choices_text,
    int_expectation,
    is_blank,
    read_choice,
    read_date,
    read_int,
    read_text,
    read_yesno,
)
from itaku.web import fields as fd

Loc = tuple[Any, ...]
_YESNO = {"true": True, "false": False}  # what the page's radio buttons send; typed words are read too
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


class _Reader:
    def __init__(self, values: FormValues, lang: str) -> None:
        self.values = values
        self.lang = lang
        self.errors: dict[str, str] = {}
        self.dates: dict[str, str] = {}
        self.places: dict[Loc, str] = {}  # model location -> control name, for pydantic's errors

    def fail(self, name: str, message: str) -> None:
        """Note a problem beside control `name` (the first one found there stays)."""
        self.errors.setdefault(name, message)

    def leaf(self, f: fd.Field, name: str, loc: Loc) -> Any:
        """The model value of one field as entered (None: blank, not stated, or a problem noted)."""
        self.places[loc] = name
        try:
            if f.kind == fd.ENUM_LIST:
                return self._choices(f, name)
            if f.kind == fd.TEXT_LIST:
                items = [v.strip() for v in self.values.getlist(name) if v.strip()]
                if len(items) > MAX_LIST_ITEMS:
                    raise CellProblem(phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
                return items or None
            raw = self.values.get(name)
            if is_blank(raw):
                return None
            if f.kind == fd.YESNO:
                return _YESNO[raw] if raw in _YESNO else read_yesno(raw)
            if f.kind == fd.ENUM:
                if f.choices and raw in {c.value for c in f.choices}:
                    return raw
                return read_choice(f.node, raw) if f.model_choices else self._unknown(raw)
            if f.kind == fd.INT:
                return read_int(f.node, raw)
            if f.kind == fd.DATE:
                day = read_date(raw)
                if day is not None:
                    self.dates[name] = phrase("web.read_as", self.lang, wareki=date_text(day), western=day.isoformat())
                return day
            if f.node.vocabulary == "country":  # say how it was read: 国内 and Japan are 日本
                self.dates[name] = phrase("web.read_as_country", self.lang, name=country_name(country_code(raw), self.lang))
            return read_text(raw)
        except NoSuchDayProblem as exc:  # understood as a date, but not a day: say that, not the writings
            self.fail(name, str(exc))
            return None
        except CellProblem as exc:
            self.fail(name, self._expected(f, name) or str(exc))
            return None

    def _expected(self, f: fd.Field, name: str) -> str | None:
        """The page's own sentence for a value that does not fit: what to enter, then what was entered."""
        if f.kind == fd.YESNO:
            wanted = phrase("excel.expected.yesno", self.lang)
        elif f.kind == fd.DATE:
            wanted = phrase("excel.expected.date", self.lang)
        elif f.kind == fd.INT:
            wanted = int_expectation(f.node)
        elif f.kind in (fd.ENUM, fd.ENUM_LIST) and f.model_choices:
            wanted = choices_text(f.node)
        else:
            return None
        typed = " ".join(self.values.getlist(name))
        return phrase("web.error.expected", self.lang, expected=wanted, value=typed if len(typed) <= 60 else typed[:57] + "…")

    def _unknown(self, raw: str) -> None:
        raise CellProblem(phrase("web.error.unknown_choice", self.lang, value=raw[:60]))

    def _choices(self, f: fd.Field, name: str) -> list[str] | None:
        picked = [v for v in self.values.getlist(name) if v]
        if not picked:
            return None
        if fd.NONE_CHOSEN in picked:
            if len(picked) > 1:
                raise CellProblem(phrase("web.error.none_and_choice", self.lang))
            return []
        known = {c.value for c in f.choices}
        out = []
        for value in picked:
            out.append(value if value in known else read_choice(f.node, value))
        return out

    def applies(self, name: str) -> bool | None:
        """A section's or list's "does it apply" answer: yes, no, or not stated."""
        raw = self.values.get(name)
        try:
            return _YESNO[raw] if raw in _YESNO else read_yesno(raw)
        except CellProblem as exc:
            self.fail(name, str(exc))
            return None

    def section(self, parts: tuple[fd.Part, ...], loc: Loc) -> dict[str, Any]:
        """The nested data of a group of parts, as YAML would give it (blank fields left out)."""
        out: dict[str, Any] = {}
        for part in parts:
            key = part.name.rsplit(".", 1)[-1]
            here = (*loc, key)
            if isinstance(part, fd.Constant):
                out[key] = part.value
            elif isinstance(part, fd.Field):
                value = self.leaf(part, part.name, here)
                if value is not None:
                    out[key] = value
            elif isinstance(part, fd.Section):
                self._group(part, here, out, key)
            elif isinstance(part, fd.Table):
                self._table(part, here, out, key)
            elif isinstance(part, fd.Mapping):
                self._mapping(part, here, out, key)
        return out

    def _group(self, part: fd.Section, here: Loc, out: dict[str, Any], key: str) -> None:
        marker_name = f"{part.name}.{fd.APPLIES}"
        self.places[here] = marker_name if part.asks_applies else part.name
        child = self.section(part.children, here)
        marker = self.applies(marker_name) if part.asks_applies else None
        if marker is False:
            if child:
                self.fail(marker_name, phrase("web.error.section_marked_no", self.lang))
            return
        if child or marker or part.required:
            out[key] = child

    def _table(self, part: fd.Table, here: Loc, out: dict[str, Any], key: str) -> None:
        marker_name = f"{part.name}.{fd.APPLIES}"
        self.places[here] = marker_name if part.asks_applies else part.name
        records = []
        for row in self.values.rows(part.name):
            names = [c.control(row, part.name) for c in part.columns]
            if all(not "".join(self.values.getlist(n)).strip() for n in names):
                continue  # a blank row, as on the Excel form's list sheets
            if len(records) >= MAX_LIST_ITEMS:
                self.fail(marker_name if part.asks_applies else names[0], phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
                break
            index = len(records)
            self.places[(*here, index)] = names[0]
            record = {}
            for column, name in zip(part.columns, names, strict=True):
                value = self.leaf(column, name, (*here, index, column.name))
                if value is not None:
                    record[column.name] = value
            records.append(record)
        marker = self.applies(marker_name) if part.asks_applies else None
        if marker is False:
            if records:
                self.fail(marker_name, phrase("web.error.list_marked_no", self.lang))
            out[key] = []
        elif marker is True and not records:
            self.fail(marker_name, phrase("web.error.list_marked_yes_empty", self.lang))
        elif records:
            out[key] = records

    def _mapping(self, part: fd.Mapping, here: Loc, out: dict[str, Any], key: str) -> None:
        known = {c.value for c in part.topics}
        pairs: dict[str, str] = {}
        for row in self.values.rows(part.name):
            topic_name, text_name = f"{part.name}.{row}.topic", f"{part.name}.{row}.text"
            topic, text = self.values.get(topic_name), self.values.get(text_name)
            if is_blank(topic) and is_blank(text):
                continue
            if len(pairs) >= MAX_LIST_ITEMS:
                self.fail(topic_name, phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
                break
            if is_blank(topic):
                self.fail(topic_name, phrase("web.error.missing_topic", self.lang))
            elif topic not in known:
                self.fail(topic_name, phrase("web.error.unknown_choice", self.lang, value=topic[:60]))
            elif topic in pairs:
                self.fail(topic_name, phrase("web.error.duplicate_topic", self.lang))
            elif is_blank(text):
                self.fail(text_name, phrase("error.missing_field"))
            else:
                self.places[(*here, topic)] = text_name
                pairs[topic] = text
        if pairs:
            out[key] = pairs

    def place(self, loc: Loc) -> str:
        """The control a model location belongs to (the nearest one the form has)."""
        probe = tuple(loc)
        while probe and probe not in self.places:
            probe = probe[:-1]
        return self.places.get(probe, "")


def _malformed_rows(reader: _Reader, parts: tuple[fd.Part, ...]) -> None:
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
    for name in reader.values.data:
        head, dot, _ = name.partition(".")
        if not dot or head not in lists or name == f"{head}.{fd.APPLIES}":
            continue
        where, columns = lists[head]
        match = _ROW.match(name)
        if match is None or match["column"] not in columns or (match["row"] != "0" and match["row"].startswith("0")):
            reader.fail(where, phrase("web.error.bad_row", reader.lang))


def read(values: FormValues, parts: tuple[fd.Part, ...], lang: str) -> Reading:
    """Read the form back into a proposal. Every field is read (not only up to the first problem),
    so that each problem shows beside its field; the proposal is None while any remains."""
    reader = _Reader(values, lang)
    _malformed_rows(reader, parts)
    data = reader.section(parts, ())
    try:
        proposal = Proposal.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():  # beside the fields' own problems (which win: they came first)
            loc, text = describe_error(error)
            reader.fail(reader.place(loc), text)
        return Reading(None, reader.errors, reader.dates)
    if reader.errors:
        return Reading(None, reader.errors, reader.dates)
    return Reading(proposal, {}, reader.dates)
