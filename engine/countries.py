"""Countries as clerks write them: 日本, 国内, 日本国, Japan, JP and jp all mean Japan; other countries
by their Japanese or English names or their ISO 3166 code. The one reading of a country that the
models apply (`Subcontractor.country`), so the command line, the Excel form and the page agree.

A country is held as its ISO 3166-1 alpha-2 code (JP, US); the rules compare codes
(`subcontractors.country: {not_in: [JP, null]}`). Names come from the wording catalogue
(`country.JP` in fields.yaml: how it is shown; `read.country.JP` in reading.yaml: what is read as it).
A country the catalogue does not know is kept as typed: it is still not Japan.
"""

from __future__ import annotations

import functools
import unicodedata

from itaku.engine.wording import has, phrase, words

JAPAN = "JP"
# The countries the catalogue names, Japan first (the page offers them in this order).
CODES: tuple[str, ...] = (
    "JP", "US", "CN", "KR", "TW", "HK", "SG", "IN", "VN", "PH", "TH", "MY", "ID",
    "AU", "CA", "GB", "IE", "DE", "FR", "NL",
)


def _key(text: str) -> str:
    """The comparison key of a typed name: NFKC, without spaces and dots, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).replace(".", "").casefold()


@functools.cache
def _by_key() -> dict[str, str]:
    out: dict[str, str] = {}
    for code in CODES:
        for text in (code, phrase(f"country.{code}", "ja"), phrase(f"country.{code}", "en"), *words(f"read.country.{code}")):
            out.setdefault(_key(text), code)
    return out


def country_code(text: str) -> str:
    """The code of a country as written (日本 -> JP, 米国 -> US), or the text itself, trimmed, when the
    catalogue does not name it (an empty text stays empty)."""
    return _by_key().get(_key(text), text.strip())


def country_name(value: str, lang: str) -> str:
    """How a held country reads: 日本, アメリカ合衆国 (the value itself when the catalogue does not name it)."""
    return phrase(f"country.{value}", lang) if value in CODES and has(f"country.{value}") else value


def country_names(lang: str) -> tuple[str, ...]:
    """The names the catalogue gives, Japan first: the choices a form offers."""
    return tuple(phrase(f"country.{code}", lang) for code in CODES)
