"""The syntax tree of a condition: field tests, section presence, and, or, none."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


class ConditionError(ValueError):
    """A condition that does not fit the language or the model; the message says which part."""


@dataclass(frozen=True)
class Leaf:
    section: str
    field: str
    op: str  # "eq" or one of OPERATORS
    value: Any
    path: str
    kind: str = "text"  # the field's kind (engine.fields)

    def sections(self) -> set[str]:
        return {self.section}


@dataclass(frozen=True)
class Exists:
    section: str

    def sections(self) -> set[str]:
        return {self.section}


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def sections(self) -> set[str]:
        return set().union(*(c.sections() for c in self.children))


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def sections(self) -> set[str]:
        return set().union(*(c.sections() for c in self.children))


@dataclass(frozen=True)
class NoneOf:
    """No fact of `section` satisfies `expr` (negation; the section may also be absent)."""

    section: str
    expr: Node

    def sections(self) -> set[str]:
        return {self.section}


Node = Leaf | Exists | And | Or | NoneOf


def has_negation(node: Node) -> bool:
    """Whether the tree holds a `none` (negation) anywhere."""
    if isinstance(node, NoneOf):
        return True
    if isinstance(node, (And, Or)):
        return any(has_negation(c) for c in node.children)
    return False


def leaves(node: Node) -> Iterator[Leaf]:
    """Every field test in the tree, in order."""
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, (And, Or)):
        for child in node.children:
            yield from leaves(child)
    elif isinstance(node, NoneOf):
        yield from leaves(node.expr)


def sections_used(node: Node) -> set[str]:
    """Every section the tree reads, negated ones included."""
    return node.sections() if not isinstance(node, (And, Or)) else set().union(*(sections_used(c) for c in node.children))
