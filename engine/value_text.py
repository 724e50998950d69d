"""A field and its value in words: the one set of rules every output follows (the report's evidence,
the list of changes from the approved version, the checklist sheets), in both languages.

A rule's evidence names fields by path (`system.authentication.method`, `subcontractors[0].role`)
and holds raw values (`id_password`); a clerk reads 「認証方式：ID・パスワード」. The labels and
choices come from the one field tree (`engine.fields`), as on the form; the words for "not stated",
"none", yes and no and the separators from the wording catalogue.

The rules (docs/design.md, "Item 21-1: one wording per value", says why each):

- not stated (None) reads 未記載 (`value.none`), never 「—」;
- a list stated empty reads なし (`list.empty`); a list's values are joined with `sep.list` (、);
- yes and no read はい／いいえ (`value.true`, `value.false`);
- a choice reads as its label, the derived classification as the reports name it (a case going to
  both 諮問 and 報告 as 諮問＋報告, to neither as —), a country by name;
- a whole number with thousands separators (1,000);
- a date as `engine.wareki.date_text` gives it (和暦 in Japanese, 9 September 2019 in English): the
  Evaluation and the report's view hold dates as dates, so nothing here parses one back;
- a free text as written, with the ISO dates in it written as people read them (as a rule's source
  and an exception's decision are; a date typed by hand into a JSON file as text reads the same).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from itaku.engine import fields
from itaku.engine.countries import country_name
from itaku.engine.wareki import date_text, dates_in_text
from itaku.engine.wording import has, phrase

_INDEX = re.compile(r"\[(\d+)\]")
AGENDA = "classification.agenda"  # the derived agenda: a list of 諮問 and 報告
# Values of the derived classification, named as the reports name them.
_DERIVED_CHOICES = {AGENDA: "agenda", "classification.redelegation": "redelegation"}


def field_label(path: str, lang: str) -> str:
    """A field as the form asks it: its own label (the form's question), not the chain of its
    sections; a list item's field is named with the list and the item's number
    (再委託先等（1件目）の「区の承認」), a list's field read of any item (a rule's condition) with the
    list (再委託先等の「所在国」). A fact the engine derives is named with its section. An unknown path is
    returned as given."""
    index = _INDEX.search(path)
    plain = _INDEX.sub("", path)
    chain = fields.ancestry(plain)
    if chain and chain[-1].path == plain:
        own = chain[-1].label(lang)
        if index is None:
            records = next((f for f in chain[:-1] if f.kind == fields.RECORDS), None)
            return own if records is None else phrase("evidence.item_field", lang, item=records.label(lang), label=own)
        listed = next((f for f in chain if f.path == plain[: index.start()]), chain[0])
        item = listed.label(lang) + phrase("evidence.item_number", lang, number=int(index.group(1)) + 1)
        return phrase("evidence.item_field", lang, item=item, label=own)
    if has(f"fact.{plain}"):  # a fact the engine derives (the comparison, the classification)
        section = plain.split(".")[0]
        return phrase("sep.path", lang).join([phrase(f"fact.{section}", lang), phrase(f"fact.{plain}", lang)])
    return path


def value_words(path: str, value: Any, lang: str) -> str:
    """A field's value as a clerk reads it, by the rules above. `path` may name a list item's field
    (`subcontractors[0].country`) or a fact the engine derives (`classification.agenda`)."""
    if value is None:
        return phrase("value.none", lang)
    if isinstance(value, bool):
        return phrase(f"value.{str(value).lower()}", lang)
    if isinstance(value, list | tuple):
        if _INDEX.sub("", path) == AGENDA:  # 諮問＋報告, as the council writes a case going to both; — to neither
            return phrase("sep.and", lang).join(value_words(path, v, lang) for v in value) or "—"
        return phrase("sep.list", lang).join(value_words(path, v, lang) for v in value) or phrase("list.empty", lang)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return date_text(value, lang)
    plain = _INDEX.sub("", path)
    if plain in _DERIVED_CHOICES:
        return phrase(f"{_DERIVED_CHOICES[plain]}.{value}", lang)
    field = fields.index().get(plain)
    if field is not None and field.choices:
        return field.choice_label(str(value), lang)
    if field is not None and field.vocabulary == "country":
        return country_name(str(value), lang)
    return dates_in_text(str(value), lang)


def evidence_parts(path: str, value: Any, lang: str) -> tuple[str, str, str]:
    """One piece of evidence as (the field's label, its value in words, both as one fragment:
    認証方式：ID・パスワード)."""
    label, words = field_label(path, lang), value_words(path, value, lang)
    return label, words, f"{label}{phrase('sep.label', lang)}{words}"


def evidence_text(path: str, value: Any, lang: str) -> str:
    """One piece of evidence as a sentence fragment: 認証方式：ID・パスワード."""
    return evidence_parts(path, value, lang)[2]
