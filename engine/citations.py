"""The documents the rules cite, each with its date: what a finding may cite on a given day.

A rule's `source` names its documents in prose, one per part (parts are separated by `;`):
「資料23 担当課説明「…」; PPC 事務対応ガイド 4-8-9(1)カ」. Every part must begin with the name under
which rules/sources.yaml lists a document (the longest name that fits wins); the catalog refuses a
part that names none, so every citation has a date. On an evaluation's date in force a finding
cites only the documents that existed then (`date` on or before it, and not yet withdrawn:
`until` after it); a rule none of whose documents existed then is not in force on that day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from itaku.engine.errors import CatalogError
from itaku.engine.yamlio import YamlProblem, load_yaml

SOURCES_FILE = "sources.yaml"
# A source's parts, separated by a half- or full-width semicolon.
_PARTS = re.compile(r"[;\uff1b]")
_OPENING, _CLOSING = re.compile(r"[(\uff08\u300c]"), re.compile(r"[)\uff09\u300d]")  # ( （ 「 and ) ） 」


class CitedDocument(BaseModel):
    """One document (or body of documents) the rules cite, as rules/sources.yaml lists it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cited: tuple[str, ...] = Field(min_length=1)  # how a rule's source begins when it cites it
    date: dt.date  # issued or in force from; where unknown, the earliest date it is known to have existed
    until: dt.date | None = None  # withdrawn or repealed on this day (exclusive)
    dated: str = Field(min_length=1)  # what the date is, and where it comes from

    def exists_on(self, day: dt.date) -> bool:
        """Whether the document could be cited on `day`."""
        return self.date <= day and (self.until is None or day < self.until)


@dataclass(frozen=True)
class Citation:
    """One part of a rule's source and the document it names."""

    text: str
    document: CitedDocument

    def exists_on(self, day: dt.date) -> bool:
        """Whether the cited document existed on `day`."""
        return self.document.exists_on(day)


def load_documents(directory: Path, name: str = SOURCES_FILE) -> tuple[CitedDocument, ...]:
    """The cited documents listed in `directory`/sources.yaml (none when the file is absent)."""
    path = directory / name
    if not path.exists():
        return ()
    shown = f"{path.parent.name}/{path.name}"
    try:
        data, lines = load_yaml(path.read_text(encoding="utf-8"))
    except YamlProblem as exc:
        raise CatalogError(shown, exc.line, None, str(exc)) from None
    if not isinstance(data, dict) or set(data) != {"documents"} or not isinstance(data["documents"], list):
        raise CatalogError(shown, 1, None, "a sources file is a mapping with 'documents:' (a list)")
    return read_documents(data["documents"], lines, shown, ("documents",))


def read_documents(
    entries: list[object], lines: dict[tuple[object, ...], int], shown: str, at: tuple[object, ...]
) -> tuple[CitedDocument, ...]:
    """Cited documents as written in a sources list (a profile may carry one too), validated."""
    out = []
    for i, raw in enumerate(entries):
        try:
            out.append(CitedDocument.model_validate(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise CatalogError(shown, lines.get((*at, i)), None, f"documents[{i}].{where}: {err['msg']}") from None
    return tuple(out)


def _parts(source: str) -> list[str]:
    """A source's parts: split at each semicolon outside brackets (one inside （…） belongs to the
    part it is in)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(source):
        depth += bool(_OPENING.match(ch))
        depth -= bool(_CLOSING.match(ch)) and depth > 0
        if depth == 0 and _PARTS.fullmatch(ch):
            parts.append(source[start:i].strip())
            start = i + 1
    parts.append(source[start:].strip())
    return parts


def citations(source: str, documents: tuple[CitedDocument, ...]) -> tuple[tuple[Citation, ...], str | None]:
    """A rule's source split into its citations, each with the document it names; with the first
    part that names no listed document (None when every part does)."""
    out = []
    for part in _parts(source.strip()):
        if not part:
            continue
        named = [(len(name), d) for d in documents for name in d.cited if part.startswith(name)]
        if not named:
            return tuple(out), part
        out.append(Citation(part, max(named, key=lambda pair: pair[0])[1]))
    return tuple(out), None


def cited_on(found: tuple[Citation, ...], day: dt.date) -> str:
    """The source as it may be cited on `day`: the parts whose documents existed then."""
    return "; ".join(c.text for c in found if c.exists_on(day))


def earliest(found: tuple[Citation, ...]) -> dt.date | None:
    """The first day any of the cited documents existed (None: nothing cited)."""
    return min((c.document.date for c in found), default=None)
