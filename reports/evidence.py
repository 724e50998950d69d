"""Evidence and sources as a clerk reads them: the form's labels and values, never field paths,
enum values or internal document names.

A rule's evidence names fields by path (`system.authentication.method`, `subcontractors[0].role`)
and holds raw values (`id_password`); a report shows 「システム／認証／認証方式: ID・パスワード」. The
labels and choices come from the one field tree (`engine.fields`), as on the form.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from itaku.engine import fields
from itaku.engine.countries import country_name
from itaku.engine.wareki import dates_in_text
from itaku.engine.wording import has, phrase, words

_INDEX = re.compile(r"\[(\d+)\]")
# Values of the derived classification, named as the reports name them.
_DERIVED_CHOICES = {"classification.agenda": "agenda", "classification.redelegation": "redelegation"}


def field_label(path: str, lang: str) -> str:
    """A field's label with its sections' (システム／認証／認証方式); a list item's number is kept
    (再委託先等（1件目）／区の承認). An unknown path is returned as given."""
    index = _INDEX.search(path)
    plain = _INDEX.sub("", path)
    chain = fields.ancestry(plain)
    if chain and chain[-1].path == plain:
        names = [f.label(lang) for f in chain]
    elif has(f"fact.{plain}"):  # a fact the engine derives (the comparison, the classification)
        section = plain.split(".")[0]
        names = [phrase(f"fact.{section}", lang), phrase(f"fact.{plain}", lang)]
    else:
        return path
    if index is not None:
        names[0] += phrase("evidence.item_number", lang, number=int(index.group(1)) + 1)
    return phrase("sep.path", lang).join(names)


def value_label(path: str, value: Any, lang: str) -> str:
    """A field's value as the form shows it: はい／いいえ／未記載, choices by their labels, lists
    joined, numbers with thousands separators."""
    if value is None:
        return phrase("value.none", lang)
    if isinstance(value, bool):
        return phrase(f"value.{str(value).lower()}", lang)
    if isinstance(value, list | tuple):
        return phrase("sep.list", lang).join(value_label(path, v, lang) for v in value) or phrase("list.empty", lang)
    if isinstance(value, int):
        return f"{value:,}"
    plain = _INDEX.sub("", path)
    if plain in _DERIVED_CHOICES:
        return phrase(f"{_DERIVED_CHOICES[plain]}.{value}", lang)
    field = fields.index().get(plain)
    if field is not None and field.choices:
        return field.choice_label(str(value), lang)
    if field is not None and field.vocabulary == "country":
        return country_name(str(value), lang)
    return dates_in_text(str(value), lang)


def evidence_text(path: str, value: Any, lang: str) -> str:
    """One piece of evidence as a sentence fragment: 認証方式: ID・パスワード."""
    return f"{field_label(path, lang)}{phrase('sep.label', lang)}{value_label(path, value, lang)}"


# Punctuation of the sources, half- and full-width: ( （, ) ）, , 、, ; ；, and 「…」 quotes.
_OPEN, _CLOSE, _COMMA, _SEMI = r"[(\uff08]", r"[)\uff09]", r"[,\u3001]", r"[;\uff1b]"
_QUOTED = r"\u300c[^\u300d]*\u300d"
# Working names of the project's research notes, which a reader outside it cannot look up; what
# they cite (a law, a guideline, the minutes) stays.
_INTERNAL_SOURCES = (
    re.compile(r"national-guidance\s*§\s*[\d.]+\s*"),
    re.compile(rf"seed digest\s*{_QUOTED}\s*"),
    re.compile(rf"{_OPEN}seed digest[^)\uff09]*{_CLOSE}"),
    re.compile(r"\s*itoyohei\s*\d+"),
)


# Short names of documents (PPC, NISC, 目安A, 資料21: read.source_short.* in the catalogue) and the
# full name for each (source.name.*); the longer short name first, where one begins another.
_NAMED = ("ppc_guide", "ppc", "nisc_guideline", "nisc", "mic_policy")
_NUMBERED = ("criteria_a", "criteria_b")


def _alternatives(key: str) -> str:
    return "|".join(re.escape(w) for w in sorted(words(f"read.source_short.{key}"), key=len, reverse=True))


@functools.cache
def _short_names() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = [(re.compile(rf"(?:{_alternatives(k)})(?![A-Za-z])"), k) for k in _NAMED]
    out += [(re.compile(rf"(?:{_alternatives(k)})(?:-(?P<n>\d+))?"), k) for k in _NUMBERED]
    others = "".join(rf"(?<!{re.escape(w)})(?<!{re.escape(w)} )" for w in words("read.source_short.other_minutes"))
    joined = _alternatives("paper_numbers_joined")
    out.append((re.compile(rf"{others}(?:{_alternatives('paper')})(?P<n>\d+(?:(?:{joined})\d+)*)(?![-\d])"), "paper"))
    out.append((re.compile(_alternatives("closing")), "closing"))
    return tuple(out)


def _full_name(key: str, match: re.Match[str], lang: str) -> str:
    number = match.groupdict().get("n")
    if key in ("paper", "closing"):  # a paper or a discussion of the meeting the seed records
        return phrase(f"source.name.{key}", lang, meeting=phrase("source.name.meeting", lang), n=number or "")
    name = phrase(f"source.name.{key}", lang)
    return phrase("source.name.criteria_item", lang, name=name, n=number) if number else name


def full_names(text: str, lang: str = "ja") -> str:
    """`text` with the documents it names by a short name (PPC, NISC, 目安A-2, 資料21) named in
    full, as a department can look them up."""
    for pattern, key in _short_names():
        text = pattern.sub(lambda m, key=key: _full_name(key, m, lang), text)
    return text


def source_parts(source: str, lang: str = "ja") -> list[str]:
    """A rule's sources one by one as a reader can look them up (see source_text)."""
    text = source
    for pattern in _INTERNAL_SOURCES:
        text = pattern.sub("", text)
    parts = []
    for part in re.split(rf"\s*{_SEMI}\s*", text):
        part = re.sub(rf"^{_OPEN}(.*){_CLOSE}$", r"\1", part.strip())
        part = re.sub(rf"{_OPEN}\s*{_COMMA}?\s*{_CLOSE}", "", part)  # brackets left empty
        part = re.sub(rf"{_COMMA}\s*({_CLOSE})", r"\1", part)  # a comma left before a bracket
        part = re.sub(r"^[\s,\u3001]+|[\s,\u3001]+$", "", part)
        if part:
            parts.append(full_names(dates_in_text(part, lang), lang))
    return parts or [phrase("source.council", lang)]


def source_text(source: str, lang: str = "ja") -> str:
    """A rule's source as a reader can look it up: the project's note names dropped, brackets
    left empty removed, ISO dates in 和暦, documents named in full (PPC → 個人情報保護委員会)."""
    return "; ".join(source_parts(source, lang))

