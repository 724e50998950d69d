"""What changed between an approved proposal and its revision (`--approved`), field by field.

Changes are named in the form's Japanese labels (engine.fields: each field's label, with its group
labels) and marked the way the council's documents mark them in plain text: 【追加】, 【削除】, 【変更】.
Items of every list are compared by a stable key, never by position: a text or choice by its value,
a subcontractor by its name (and, where a name repeats, its country and tier), an assurance by who
granted it and what it applies to. A section that is present in one version only is one change.

Each computed change is matched against what the department declared (`case.previous_approval.changes`,
free text, and `data.added_items`); each declaration is matched against the computed changes. The
match is deliberately generous (a declaration that names the field, the item or the value covers the
change), so that only changes nobody mentioned at all are raised.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from itaku.engine import fields
from itaku.engine.catalog import Localized
from itaku.engine.fields import Field
from itaku.engine.models import Proposal
from itaku.engine.value_text import value_words
from itaku.engine.wording import phrase, words

ChangeKind = Literal["added", "removed", "changed"]

# What is not compared: identifiers of the case and its meeting (they differ between versions by
# nature), the declaration itself, and what is not part of the matter approved (answers, waivers).
EXCLUDED = frozenset({
    "format", "responses", "exceptions", "case.number", "case.title", "case.meeting", "case.session", "case.department",
    "case.previous_approval", "data.added_items",
})
# Lists of records: the fields that identify an item, then the fields added where those repeat.
RECORD_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "subcontractors": (("name",), ("country", "tier")),
    "assurances": (("granted_by", "scope"), ("covers", "granted_on")),
}
# Words too common in declarations to say which field they mean (「委託先の個人情報の取扱いの変更」), and
# longer values (a purpose, a title) share some run with almost any declaration: both are not compared.
_SHORT_VALUE = 20
_MIN_COMMON = 3  # characters two texts must share to speak of the same thing


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Model):
    """One difference between the approved version and this one."""

    path: str  # where, for programs: `data.items`, `subcontractors[アイ社].role`
    field: str  # the field, without the item: `subcontractors.role`, `email` for a whole section
    record: int | None  # the item's place in this version's list of records (None: not a record, or removed)
    kind: ChangeKind
    label: Localized  # the form's labels: 再委託先等／アイ社／役割
    item: str | None  # the list item added or removed (a data item, a subcontractor's name)
    before: Any
    after: Any
    before_text: Localized | None  # the values as a person reads them (choice labels, はい/いいえ)
    after_text: Localized | None
    declared: bool
    text: Localized  # as the council's plain text marks it: 取扱項目：旧氏【追加】


class DeclaredChange(_Model):
    """One change the department declared, and whether the comparison found it."""

    text: str
    origin: Literal["changes", "added_items"]
    found: bool


class Comparison(_Model):
    """The approved version a proposal was compared with, and what differs."""

    approved_source: str
    approved_case: str
    approved_meeting: dt.date | None
    changes: tuple[Change, ...]
    declared: tuple[DeclaredChange, ...]

    @property
    def undeclared(self) -> tuple[Change, ...]:
        """The changes no declaration covers."""
        return tuple(c for c in self.changes if not c.declared)


def compare(approved: Proposal, proposal: Proposal, approved_source: str) -> Comparison:
    """Every change from `approved` to `proposal`, each matched against the declared changes."""
    raw: list[_Raw] = []
    # the models' own values (dates as dates), so that they are worded without being parsed back
    _walk(fields.tree(), approved.model_dump(), proposal.model_dump(), "", (), raw)
    prev = proposal.case.previous_approval
    texts = list(prev.changes) if prev else []
    added_items = list(proposal.data.added_items) if proposal.data else []
    changes = []
    for r in raw:
        by_item = r.path == "data.items" and r.kind == "added" and r.item in added_items
        changes.append(r.build(by_item or any(_covers(t, r) for t in texts)))
    declared = [DeclaredChange(text=t, origin="changes", found=any(_covers(t, r) for r in raw)) for t in texts]
    declared += [
        DeclaredChange(
            text=i, origin="added_items",
            found=any(r.path == "data.items" and r.kind == "added" and r.item == i for r in raw),
        )
        for i in added_items
    ]
    return Comparison(
        approved_source=approved_source,
        approved_case=approved.case.number,
        approved_meeting=approved.case.meeting,
        changes=tuple(changes),
        declared=tuple(declared),
    )


# ---------------------------------------------------------------- walking the model


class _Raw:
    """A change before it is matched with the declarations."""

    def __init__(
        self, path: str, field: str, kind: ChangeKind, labels: tuple[Localized, ...], item: str | None,
        before: Any, after: Any, shown: tuple[Localized | None, Localized | None], section_level: int,
    ) -> None:
        self.path, self.field, self.kind, self.labels, self.item = path, field, kind, labels, item
        self.record: int | None = None
        self.before, self.after, self.shown = before, after, shown
        self.section_level = section_level  # how many leading labels name the section, not the field

    def build(self, declared: bool) -> Change:
        joined = Localized(**{lang: phrase("change.label_sep", lang).join(x.get(lang) for x in self.labels) for lang in ("ja", "en")})
        return Change(
            path=self.path, field=self.field, record=self.record, kind=self.kind, label=joined, item=self.item, before=self.before,
            after=self.after, before_text=self.shown[0], after_text=self.shown[1], declared=declared,
            text=Localized(ja=self._text(joined, "ja"), en=self._text(joined, "en")),
        )

    def _text(self, joined: Localized, lang: str) -> str:
        mark = phrase(f"change.marker.{self.kind}", lang)
        before, after = (s.get(lang) if s is not None else None for s in self.shown)
        head = joined.get(lang)
        if self.kind == "changed":
            return phrase("change.text.changed", lang, label=head, before=before, after=after, mark=mark)
        value = after if self.kind == "added" else before
        if value:
            return phrase("change.text.value", lang, label=head, value=value, mark=mark)
        return phrase("change.text.bare", lang, label=head, mark=mark)


def _localized(field: Field) -> Localized:
    return Localized(ja=field.label("ja"), en=field.label("en"))


def _shown(value: Any, field: Field) -> Localized | None:
    """A value as a person reads it, in both languages (None: nothing to show), as every output
    words it (engine.value_text)."""
    if value is None:
        return None
    return Localized(ja=value_words(field.path, value, "ja"), en=value_words(field.path, value, "en"))


def _walk(
    nodes: tuple[Field, ...], old: dict[str, Any] | None, new: dict[str, Any] | None, path: str,
    labels: tuple[Localized, ...], out: list[_Raw],
) -> None:
    for field in nodes:
        here = f"{path}.{field.name}" if path else field.name
        if field.path in EXCLUDED or field.kind in (fields.CONST, fields.MAPPING):
            continue
        own = (*labels, _localized(field))
        before = (old or {}).get(field.name)
        after = (new or {}).get(field.name)
        if field.kind == fields.RECORDS:
            _records(field, before or [], after or [], here, own, out)
        elif field.kind in (fields.MULTI_CHOICE, fields.TEXT_LIST):
            _values(field, before or [], after or [], here, own, out)
        elif field.kind == fields.SECTION:
            if before is None and after is None:
                continue
            if not path and (before is None or after is None):  # a whole section added or removed
                kind: ChangeKind = "added" if before is None else "removed"
                out.append(_Raw(here, field.path, kind, own, None, before, after, (None, None), 0))
                continue
            _walk(field.children, before, after, here, own, out)
        elif before != after:
            kind = "added" if before is None else "removed" if after is None else "changed"
            out.append(_Raw(here, field.path, kind, own, None, before, after, (_shown(before, field), _shown(after, field)), 1))


def _values(field: Field, before: list[Any], after: list[Any], path: str, labels: tuple[Localized, ...], out: list[_Raw]) -> None:
    for kind, values in (("added", [v for v in after if v not in before]), ("removed", [v for v in before if v not in after])):
        for value in dict.fromkeys(values):
            shown = _shown(value, field)
            pair = (None, shown) if kind == "added" else (shown, None)
            item = shown.ja if shown is not None else str(value)
            out.append(_Raw(path, field.path, kind, labels, item, value if kind == "removed" else None,  # type: ignore[arg-type]
                            value if kind == "added" else None, pair, 1))


def _record_keys(section: str, records: list[dict[str, Any]]) -> list[str]:
    """A stable key for each record: its identifying fields, more where those repeat, then its place
    among the records that still share a key."""
    first, more = RECORD_KEYS.get(section, ((), ()))

    def key(record: dict[str, Any], fields: tuple[str, ...]) -> str:
        if not fields:  # a list without declared keys: the whole record is its key
            return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)  # a date as ISO text
        return " ".join(str(record.get(f)) for f in fields if record.get(f) is not None)

    short = [key(r, first) for r in records]
    keys = [key(r, first + more) if short.count(s) > 1 else s for r, s in zip(records, short, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append(k if keys.count(k) == 1 else f"{k} ({seen[k]})")
    return out


def _records(
    field: Field, before: list[dict[str, Any]], after: list[dict[str, Any]], path: str,
    labels: tuple[Localized, ...], out: list[_Raw],
) -> None:
    old = dict(zip(_record_keys(path, before), before, strict=True))
    new = dict(zip(_record_keys(path, after), after, strict=True))
    place = {key: index for index, key in enumerate(new)}  # where each record is in this version
    for key, record in new.items():
        if key not in old:
            name = Localized(ja=key, en=key)
            raw = _Raw(f"{path}[{key}]", field.path, "added", labels, key, None, record, (None, name), 1)
            raw.record = place[key]
            out.append(raw)
    for key, record in old.items():
        if key not in new:
            name = Localized(ja=key, en=key)
            out.append(_Raw(f"{path}[{key}]", field.path, "removed", labels, key, record, None, (name, None), 1))
    for key in [k for k in new if k in old]:
        item_labels = (*labels, Localized(ja=key, en=key))
        mark = len(out)
        _walk(field.children, old[key], new[key], f"{path}[{key}]", item_labels, out)
        for raw in out[mark:]:
            raw.item = key
            raw.record = place[key]
            raw.section_level = 2


# ---------------------------------------------------------------- declared or not


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _drop_plural(text: str) -> str:
    for suffix in words("read.change.plural_suffix"):
        text = text.removesuffix(suffix)
    return text


def _pieces(text: str) -> list[str]:
    """A label's words: the label itself, and its parts between separators with 等 dropped."""
    separators = set(words("read.change.label_separators"))
    out = [text]
    current = ""
    for ch in text + " ":
        if ch in separators:
            if current:
                out.append(_drop_plural(current))
            current = ""
        else:
            current += ch
    out.append(_drop_plural(text))
    return [p for p in dict.fromkeys(out) if len(p) >= 2]


def _shares(label_text: str, text: str) -> bool:
    """Whether a label and a declaration share a run of _MIN_COMMON characters that is not just a
    word every declaration uses."""
    for i in range(len(label_text) - _MIN_COMMON + 1):
        run = label_text[i : i + _MIN_COMMON]
        if run in text and not any(run in word for word in words("read.change.common_words")):
            return True
    return False


def _covers(declared: str, raw: _Raw) -> bool:
    """Whether a declaration speaks of this change: it names the item or the new or old value, a
    label of the field (its own or a group's within the section), or shares a word with one."""
    text = _norm(declared)
    values = [
        shown.ja for value, shown in ((raw.before, raw.shown[0]), (raw.after, raw.shown[1]))
        if shown is not None and not isinstance(value, bool)  # はい/いいえ name nothing
    ]
    named = [lab.ja for lab in raw.labels[raw.section_level:] or raw.labels]
    terms = [*([raw.item] if raw.item else []), *values, *(p for lab in named for p in _pieces(lab))]
    if any(_norm(t) in text for t in terms if len(t) >= 2):
        return True
    return any(_shares(_norm(t), text) for t in (*named, *(v for v in values if len(v) <= _SHORT_VALUE)))
