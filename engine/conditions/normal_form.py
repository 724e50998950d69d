"""Disjunctive normal form across sections: the shape both evaluators match."""

from __future__ import annotations

from dataclasses import dataclass

from itaku.engine.conditions.paths import LIST_SECTIONS
from itaku.engine.conditions.tree import And, ConditionError, Exists, Leaf, Node, NoneOf, Or, has_negation


@dataclass(frozen=True)
class Conjunct:
    """One way to satisfy a condition: per-section tests that must all hold, and negations."""

    positive: tuple[tuple[str, Node], ...]  # (section, expression over that section's one fact)
    negative: tuple[NoneOf, ...]


def normal_form(node: Node) -> list[Conjunct]:
    """Disjunctive normal form across sections (within a section, and/or stay as they are).

    A negation on a one-fact section that the same alternative also tests positively is folded
    into the positive test as its complement ("the fact satisfies P and not N"): durable_rules never
    lets the fact bound by a positive pattern answer a `$not` in the same rule, so it would read
    "none of S satisfies N" as true. An alternative that needs a section both present and absent is
    dropped. List sections cannot be folded (the negation speaks of every item, the test of one):
    such a condition is refused."""
    out = []
    for atoms in _dnf(node):
        by_section: dict[str, list[Node]] = {}
        negative: list[NoneOf] = []
        for atom in atoms:
            if isinstance(atom, NoneOf):
                negative.append(atom)
            else:
                by_section.setdefault(next(iter(atom.sections())), []).append(atom)
        kept: list[NoneOf] = []
        contradictory = False
        for negation in negative:
            if negation.section not in by_section:
                kept.append(negation)
            elif negation.section in LIST_SECTIONS:
                raise ConditionError(
                    f"'none' on '{negation.section}' beside a test on '{negation.section}': a list section's "
                    "negation cannot stand with a test of one of its items"
                )
            else:
                complement = _complement(negation.expr)
                if complement is None:
                    contradictory = True
                    break
                by_section[negation.section].append(complement)
        if contradictory:
            continue
        negative = kept
        positive = tuple(
            (section, exprs[0] if len(exprs) == 1 else And(tuple(exprs)))
            for section, exprs in sorted(by_section.items())
        )
        out.append(Conjunct(positive, tuple(negative)))
    return out


_OPPOSITE = {"eq": "not", "not": "eq", "in": "not_in", "not_in": "in", "lt": "gte", "gte": "lt", "lte": "gt", "gt": "lte",
             "contains": "contains_none", "contains_any": "contains_none", "contains_none": "contains_any"}


def _complement(node: Node) -> Node | None:
    """The expression that holds on a fact exactly when `node` does not (None: never, for Exists).

    Under the null semantics: eq/not and in/not_in swap exactly; comparisons, list tests and `empty`
    fail on null, so their complement also holds on null."""
    if isinstance(node, Exists):
        return None
    if isinstance(node, And):  # a child that always holds (Exists) drops out of the disjunction
        alive = tuple(p for p in (_complement(c) for c in node.children) if p is not None)
        return Or(alive) if alive else None
    if isinstance(node, Or):
        parts = [_complement(c) for c in node.children]
        return None if any(p is None for p in parts) else And(tuple(p for p in parts if p is not None))
    assert isinstance(node, Leaf)
    if node.op == "empty":
        flipped: Node = Leaf(node.section, node.field, "empty", not node.value, node.path, node.kind)
    else:
        value = (node.value,) if node.op == "contains" else node.value
        flipped = Leaf(node.section, node.field, _OPPOSITE[node.op], value, node.path, node.kind)
    if node.op in ("eq", "not", "in", "not_in"):
        return flipped
    return Or((flipped, Leaf(node.section, node.field, "eq", None, node.path, node.kind)))


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
