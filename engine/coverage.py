"""Coverage of the catalog: rules per topic, and the map from guideline statements to rules."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from itaku.engine.catalog import DIGEST_FILE, Catalog, Rule
from itaku.engine.errors import CatalogError
from itaku.engine.yamlio import YamlProblem, load_yaml


class Statement(BaseModel):
    """One rule-worthy statement of the seed digest or the national guidance."""

    model_config = ConfigDict(extra="forbid")
    id: str
    source: str
    text: str
    rules: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    topics: dict[str, list[str]]  # topic id -> rule ids (empty: no rule)
    statements: list[Statement]
    uncovered: list[Statement]  # statements without a rule
    unknown: list[tuple[str, str]]  # (statement id, rule id that does not exist)


def load_statements(catalog: Catalog) -> list[Statement]:
    """The digest map kept beside the rules."""
    path = catalog.directory / DIGEST_FILE
    try:
        data, lines = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, YamlProblem) as exc:
        raise CatalogError(f"rules/{DIGEST_FILE}", getattr(exc, "line", None), None, str(exc)) from None
    out = []
    for i, raw in enumerate((data or {}).get("statements", [])):
        try:
            out.append(Statement.model_validate(raw))
        except ValidationError as exc:
            raise CatalogError(f"rules/{DIGEST_FILE}", lines.get(("statements", i)), None, str(exc.errors()[0]["msg"])) from None
    return out


def coverage(catalog: Catalog) -> Coverage:
    """Rules by topic and the statements left without a rule."""
    topics: dict[str, list[str]] = {t: [] for t in catalog.topics}
    for rule in catalog.rules:
        assert isinstance(rule.spec, Rule)
        topics[rule.spec.topic].append(rule.id)
    statements = load_statements(catalog)
    uncovered = [s for s in statements if not s.rules]
    unknown = [(s.id, r) for s in statements for r in s.rules if catalog.rule(r) is None]
    return Coverage(topics, statements, uncovered, unknown)


def markdown_table(cov: Coverage) -> str:
    """The map as the Markdown table kept in rules/README.md."""
    rows = ["| statement | source | text | rules |", "|---|---|---|---|"]
    for s in cov.statements:
        rows.append(f"| {s.id} | {s.source} | {s.text} | {', '.join(s.rules)} |")
    return "\n".join(rows)
