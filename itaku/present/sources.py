"""A rule's sources as a clerk reads them: documents named in full, never internal short names.

A finding's evidence (a field and its value) is worded by `engine.value_text`, the one set of rules
every output follows.
"""

from __future__ import annotations

import functools
import re

from itaku.engine.wareki import dates_in_text
from itaku.engine.wording import phrase, words

# Punctuation of the sources, half- and full-width: ( （, ) ）, , 、, ; ；.
_OPEN, _CLOSE, _COMMA, _SEMI = r"[(\uff08]", r"[)\uff09]", r"[,\u3001]", r"[;\uff1b]"


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
    parts = []
    for part in re.split(rf"\s*{_SEMI}\s*", source):
        part = re.sub(rf"^{_OPEN}(.*){_CLOSE}$", r"\1", part.strip())
        part = re.sub(rf"{_OPEN}\s*{_COMMA}?\s*{_CLOSE}", "", part)  # brackets left empty
        part = re.sub(rf"{_COMMA}\s*({_CLOSE})", r"\1", part)  # a comma left before a bracket
        part = re.sub(r"^[\s,\u3001]+|[\s,\u3001]+$", "", part)
        if part:
            parts.append(full_names(dates_in_text(part, lang), lang))
    return parts or [phrase("source.council", lang)]


def source_text(source: str, lang: str = "ja") -> str:
    """A rule's source as a reader can look it up: brackets left empty removed, ISO dates in 和暦,
    documents named in full (PPC → 個人情報保護委員会)."""
    return "; ".join(source_parts(source, lang))

