"""The one catalogue of wording: every fixed text itaku writes, in Japanese and English.

The texts live in the YAML files beside this module, one per area (errors.yaml, reports.yaml,
checklists.yaml, ...); every key is unique across them and names both languages. `phrase(key)` is
the one lookup for output: the language is the one the command line set (`--lang`, held in
`language`), Japanese by default. `words(key)` reads reading.yaml: the words people may type into
the form (はい, ○, yes, ...), every language at once, since a form is read whatever --lang says.

How the municipality names itself (区 / ward, 市 / city, 町 / town) and its privacy office is the
judging profile's: a text (here, a rule's, a field label) names them with `{self}` and
`{privacy_office}` (`{Self}`: the word capitalised, for English), filled by `fill()` and `phrase()`
from the words the caller set with `speaking_for()` (the default profile's words otherwise).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from importlib.resources import files
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("ja", "en")
READING = "reading.yaml"  # input vocabularies: lists of words, read with words()

language: ContextVar[str] = ContextVar("language", default="ja")

# The municipality's words: placeholder -> language -> word (engine.catalog.ProfileInfo.words()).
Words = Mapping[str, Mapping[str, str]]
MUNICIPAL: tuple[str, ...] = ("self", "privacy_office")
municipality: ContextVar[Words | None] = ContextVar("municipality", default=None)
# {name}, not jinja2's {{ name }} nor str.format's escaped {{: a rule message may hold both.
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)\}(?!\})")


# PyYAML's C parser where it is built (it is in the wheels): the pure-Python one took ~50 ms of
# every cold start to read the catalogue.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A YAML loader that refuses a key given twice in one mapping (the second would win silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"wording: duplicate key {key!r} (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_area(name: str) -> dict[str, dict[str, Any]]:
    """The entries of one area file of the catalogue, as written."""
    data = yaml.load(files(__name__).joinpath(name).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    return data or {}


def area_names() -> list[str]:
    """The catalogue's area files, sorted."""
    return sorted(p.name for p in files(__name__).iterdir() if p.name.endswith(".yaml"))


@functools.cache
def _catalogue() -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, ...]], frozenset[str]]:
    """(output texts, reading vocabularies, the keys of texts naming the municipality), every key
    unique across the area files."""
    texts: dict[str, dict[str, str]] = {}
    reading: dict[str, tuple[str, ...]] = {}
    for name in area_names():
        for key, entry in load_area(name).items():
            if key in texts or key in reading:
                raise ValueError(f"wording: key {key!r} of {name} is defined twice")
            if name == READING:
                reading[key] = tuple(str(w) for lang in LANGUAGES for w in entry.get(lang) or ())
            else:
                texts[key] = entry
    marks = tuple(f"{{{n}}}" for name in MUNICIPAL for n in (name, name.capitalize()))
    municipal = frozenset(k for k, entry in texts.items() for v in entry.values() if "{" in v and any(m in v for m in marks))
    return texts, reading, municipal


def placeholders(text: str) -> list[str]:
    """The municipality's placeholders `text` names ({self}, {Self}, {privacy_office}), in order."""
    if "{" not in text:
        return []
    return [m for m in _PLACEHOLDER.findall(text) if _base(m) in MUNICIPAL]


def unknown_placeholders(text: str) -> list[str]:
    """The {names} in a rule text that are no placeholder of the municipality (jinja2's {{ }} aside)."""
    if "{" not in text:
        return []
    return [m for m in _PLACEHOLDER.findall(text) if _base(m) not in MUNICIPAL]


def _base(name: str) -> str:
    return name[:1].lower() + name[1:]


@functools.cache
def default_words() -> Words:
    """The default profile's words (the seed's ward: 区 / ward, 区政情報課 / the secretariat)."""
    return {name: {lang: phrase(f"profile.{name}", lang) for lang in LANGUAGES} for name in MUNICIPAL}


def current_words() -> Words:
    """The words set by the innermost `speaking_for`, else the default profile's."""
    return municipality.get() or default_words()


@contextlib.contextmanager
def speaking_for(words: Words | None) -> Iterator[None]:
    """Texts filled inside this block name the municipality with `words` (None: the default's)."""
    token = municipality.set(words)
    try:
        yield
    finally:
        municipality.reset(token)


def fill(text: str, lang: str, words: Words | None = None) -> str:
    """`text` with the municipality's placeholders filled in `lang` from `words` (default: the
    current ones); other {names} are left as they are. Cheap for a text without braces."""
    if "{" not in text:
        return text
    chosen = words or current_words()

    def word(match: re.Match[str]) -> str:
        name = match.group(1)
        base = _base(name)
        if base not in MUNICIPAL:
            return match.group(0)
        found = chosen[base].get(lang) or chosen[base]["ja"]
        return found[:1].upper() + found[1:] if name[:1].isupper() else found

    return _PLACEHOLDER.sub(word, text)


def keys() -> set[str]:
    """Every key of the catalogue (texts and reading vocabularies)."""
    texts, reading, _ = _catalogue()
    return set(texts) | set(reading)


def has(key: str) -> bool:
    """Whether the catalogue holds text `key` (labels that are optional, e.g. of a new enum value)."""
    return key in _catalogue()[0]


def phrase(key: str, /, lang: str | None = None, **values: Any) -> str:
    """Text `key` in `lang` (default: the current language; Japanese for a language we lack),
    with `values` filled into its {placeholders}."""
    texts, _, municipal = _catalogue()
    entry = texts[key]
    lang = lang or language.get()
    wording = entry.get(lang) or entry["ja"]
    if key in municipal:
        wording = fill(wording, lang if lang in entry else "ja")
    return wording.format(**values) if values else wording


def template(key: str, lang: str) -> str:
    """Text `key` in `lang` as written, its placeholders unfilled (for data built once and filled
    when read, such as the field tree's choice labels)."""
    entry = _catalogue()[0][key]
    return entry.get(lang) or entry["ja"]


def words(key: str) -> tuple[str, ...]:
    """The words of reading vocabulary `key`, every language's, in catalogue order."""
    return _catalogue()[1][key]
