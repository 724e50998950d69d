"""The one catalogue of wording: every fixed text itaku writes, in Japanese and English.

The texts live in the YAML files beside this module, one per area (errors.yaml, reports.yaml,
checklists.yaml, ...); every key is unique across them and names both languages. `phrase(key)` is
the one lookup for output: the language is the one the command line set (`--lang`, held in
`language`), Japanese by default. `words(key)` reads reading.yaml: the words people may type into
the form (はい, ○, yes, ...), every language at once, since a form is read whatever --lang says.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from importlib.resources import files
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("ja", "en")
READING = "reading.yaml"  # input vocabularies: lists of words, read with words()

language: ContextVar[str] = ContextVar("language", default="ja")


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
def _catalogue() -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, ...]]]:
    """(output texts, reading vocabularies), every key unique across the area files."""
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
    return texts, reading


def keys() -> set[str]:
    """Every key of the catalogue (texts and reading vocabularies)."""
    texts, reading = _catalogue()
    return set(texts) | set(reading)


def has(key: str) -> bool:
    """Whether the catalogue holds text `key` (labels that are optional, e.g. of a new enum value)."""
    return key in _catalogue()[0]


def phrase(key: str, /, lang: str | None = None, **values: Any) -> str:
    """Text `key` in `lang` (default: the current language; Japanese for a language we lack),
    with `values` filled into its {placeholders}."""
    entry = _catalogue()[0][key]
    wording = entry.get(lang or language.get()) or entry["ja"]
    return wording.format(**values) if values else wording


def words(key: str) -> tuple[str, ...]:
    """The words of reading vocabulary `key`, every language's, in catalogue order."""
    return _catalogue()[1][key]
