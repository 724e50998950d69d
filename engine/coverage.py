"""Coverage of the catalog: rules per topic, where each topic can fire, and the map from guideline
statements to rules.

Scope is computed from the rules' conditions, never kept by hand: a topic can fire for a kind of work
(or a place where the data is) when some rule of it has an alternative that a proposal of that kind
could satisfy, by the same exact reasoning on yes/no, enum and "stated or not" fields as the lint
(numbers, text and lists are assumed satisfiable). A topic marked `general` in topics.yaml must be
able to fire for a plain data-processing outsourcing at the vendor's site.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from itaku.engine import conditions as cond
from itaku.engine.catalog import DIGEST_FILE, KNOWN_PLACEHOLDERS, Catalog, Compiled, Rule, words_of
from itaku.engine.errors import CatalogError
from itaku.engine.lint import satisfiable, worlds_of
from itaku.engine.wording import fill, phrase, unknown_placeholders
from itaku.engine.yamlio import YamlProblem, load_yaml

# The kinds of work, as conditions a proposal of that kind satisfies (everything else left free). They
# exclude each other where the format lets them, so that a topic bound to one kind shows as such.
_PLAIN = {"none": [{"system.development": True}]}
WORK_KINDS: dict[str, dict[str, Any]] = {
    "development": {"system.development": True, "all": [{"absent": "application_site"}, {"absent": "email"}]},
    "data processing": {
        "case.kinds": {"contains": "outsourcing"},
        "all": [_PLAIN, {"absent": "application_site"}, {"absent": "email"}],
    },
    "application site": {"present": "application_site", "all": [_PLAIN]},
    "mail": {"present": "email", "all": [_PLAIN, {"absent": "application_site"}]},
}
# Where the personal data is.
LOCATIONS: dict[str, dict[str, Any]] = {
    "ward premises": {
        "work_location": "ward_office",
        "none": [{"system.data_takeout": True}],
        "all": [{"none": [{"application_site.hosting": {"not_in": ["ward", None]}}]}],
    },
    "vendor site": {"work_location": "vendor_site"},
    "cloud": {"work_location": "cloud"},
    "not stated": {"work_location": None},
}
# Column headings of the text table (short codes, so the columns stay narrow and aligned; the legend
# above the table names each in the current language).
SHORT = {"development": "dev", "data processing": "proc", "application site": "site", "mail": "mail",
         "ward premises": "own", "vendor site": "vendor", "cloud": "cloud", "not stated": "?"}
# What a general topic must cover: a plain outsourcing of data processing at the vendor's site.
GENERAL_CASE = ("data processing", "vendor site")


class Statement(BaseModel):
    """One rule-worthy statement of the seed digest or the national guidance."""

    model_config = ConfigDict(extra="forbid")
    id: str
    source: str
    text: str
    rules: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Where a topic can fire: the kinds of work and the data locations, in the axes' order."""

    works: tuple[str, ...]
    locations: tuple[str, ...]
    general_case: bool  # can fire for data processing at the vendor's site


@dataclass(frozen=True)
class Coverage:
    topics: dict[str, list[str]]  # topic id -> rule ids (empty: no rule)
    statements: list[Statement]
    uncovered: list[Statement]  # statements without a rule
    unknown: list[tuple[str, str]]  # (statement id, rule id that does not exist)
    scopes: dict[str, Scope]  # topic id -> where it can fire
    general_gaps: list[str]  # general topics that cannot fire for the general case
    set_aside: list[Statement] = field(default_factory=list)  # all their rules switched off by the profile


def load_statements(catalog: Catalog) -> list[Statement]:
    """The digest map kept beside the rules, its texts naming the municipality as the profile does."""
    path = catalog.directory / DIGEST_FILE
    try:
        data, lines = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, YamlProblem) as exc:
        raise CatalogError(f"rules/{DIGEST_FILE}", getattr(exc, "line", None), None, str(exc)) from None
    out = []
    words = words_of(catalog.profile)
    for i, raw in enumerate((data or {}).get("statements", [])):
        try:
            statement = Statement.model_validate(raw)
        except ValidationError as exc:
            raise CatalogError(f"rules/{DIGEST_FILE}", lines.get(("statements", i)), None, str(exc.errors()[0]["msg"])) from None
        if unknown := unknown_placeholders(statement.text):
            raise CatalogError(
                f"rules/{DIGEST_FILE}", lines.get(("statements", i, "text"), lines.get(("statements", i))), None,
                f"{statement.id}: unknown placeholder {{{unknown[0]}}} (a text may name {KNOWN_PLACEHOLDERS})",
            )
        out.append(statement.model_copy(update={"text": fill(statement.text, "ja", words)}))
    return out


def can_fire(rule: Compiled, *axes: dict[str, Any]) -> bool:
    """Whether some proposal satisfying every axis condition could raise the rule."""
    node = cond.And((rule.condition, *(cond.parse(a) for a in axes)))
    return any(satisfiable(w) for w in worlds_of(cond.normal_form(node)))


def topic_scope(rules: list[Compiled]) -> Scope:
    """Where any of these rules (one topic's) can fire."""
    works = tuple(w for w, c in WORK_KINDS.items() if any(can_fire(r, c) for r in rules))
    locations = tuple(loc for loc, c in LOCATIONS.items() if any(can_fire(r, c) for r in rules))
    work, location = GENERAL_CASE
    general = any(can_fire(r, WORK_KINDS[work], LOCATIONS[location]) for r in rules)
    return Scope(works, locations, general)


def coverage(catalog: Catalog) -> Coverage:
    """Rules by topic, where each topic can fire, and the statements left without a rule."""
    topics: dict[str, list[str]] = {t: [] for t in catalog.topics}
    for rule in catalog.rules:
        assert isinstance(rule.spec, Rule)
        topics[rule.spec.topic].append(rule.id)
    by_id = {r.id: r for r in catalog.rules}
    scopes = {t: topic_scope([by_id[i] for i in ids]) for t, ids in topics.items()}
    gaps = [t for t, topic in catalog.topics.items() if topic.general and not scopes[t].general_case]
    statements = load_statements(catalog)
    uncovered = [s for s in statements if not s.rules]
    unknown = [(s.id, r) for s in statements for r in s.rules if catalog.rule(r) is None and r not in catalog.disabled]
    set_aside = [s for s in statements if s.rules and all(r in catalog.disabled for r in s.rules)]
    return Coverage(topics, statements, uncovered, unknown, scopes, gaps, set_aside)


def scope_table(cov: Coverage, catalog: Catalog) -> list[str]:
    """One line per topic: where it can fire (x) or not (.), general topics marked *, then its rules."""
    works, locations = list(WORK_KINDS), list(LOCATIONS)

    def row(cells: list[str]) -> str:
        return " ".join(f"{c:>4}" for c in cells[: len(works)]) + " | " + " ".join(f"{c:>6}" for c in cells[len(works):])

    def legend(names: list[str]) -> str:
        return ", ".join(SHORT[n] + " = " + phrase(f"coverage.scope.{n.replace(' ', '_')}") for n in names)

    lines = [
        phrase("coverage.legend", works=legend(works), locations=legend(locations)),
        f"{_pad(phrase('coverage.col.topic'), 34)} {'n':>2}  {row([SHORT[c] for c in works + locations])}  "
        + phrase("coverage.col.rules"),
    ]
    for topic, ids in cov.topics.items():
        scope = cov.scopes[topic]
        marks = row(["x" if w in scope.works else "." for w in works] + ["x" if loc in scope.locations else "." for loc in locations])
        counts = []
        for i in ids:
            spec = catalog.rule(i).spec  # type: ignore[union-attr]
            counts.append(f"{i}({len(spec.examples.fires)}/{len(spec.examples.passes)})")
        name = topic + ("*" if catalog.topics[topic].general else "")
        lines.append(f"{name:<34} {len(ids):>2}  {marks}  {' '.join(counts) or '-'}")
    return lines


def _pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a kanji takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def markdown_table(cov: Coverage) -> str:
    """The map as the Markdown table kept in rules/README.md (`--lang en`)."""
    heads = " | ".join(phrase(f"coverage.md.{key}") for key in ("statement", "source", "text", "rules"))
    rows = [f"| {heads} |", "|---|---|---|---|"]
    for s in cov.statements:
        rows.append(f"| {s.id} | {s.source} | {s.text} | {', '.join(s.rules)} |")
    return "\n".join(rows)
