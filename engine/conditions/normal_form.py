"""Disjunctive normal form across sections: the shape both evaluators match."""

from __future__ import annotations

from dataclasses import dataclass

from itaku.engine.conditions.tree import And, Node, NoneOf, Or, has_negation


@dataclass(frozen=True)
class Conjunct:
    """One way to satisfy a condition: per-section tests that must all hold, and negations."""

    positive: tuple[tuple[str, Node], ...]  # (section, expression over that section's one fact)
    negative: tuple[NoneOf, ...]


def normal_form(node: Node) -> list[Conjunct]:
    """Disjunctive normal form across sections (within a section, and/or stay as they are)."""
    out = []
    for atoms in _dnf(node):
        by_section: dict[str, list[Node]] = {}
        negative: list[NoneOf] = []
        for atom in atoms:
            if isinstance(atom, NoneOf):
                negative.append(atom)
            else:
                by_section.setdefault(next(iter(atom.sections())), []).append(atom)
        positive = tuple(
            (section, exprs[0] if len(exprs) == 1 else And(tuple(exprs)))
            for section, exprs in sorted(by_section.items())
        )
        out.append(Conjunct(positive, tuple(negative)))
    return out


def _dnf(node: Node) -> list[list[Node]]:
    if isinstance(node, NoneOf) or (len(node.sections()) == 1 and not has_negation(node)):
        return [[node]]
    if isinstance(node, And):
        result: list[list[Node]] = [[]]
        for child in node.children:
            result = [left + right for left in result for right in _dnf(child)]
        return result
    if isinstance(node, Or):
        return [atoms for child in node.children for atoms in _dnf(child)]
    return [[node]]  # pragma: no cover - leaves and exists are single-section
