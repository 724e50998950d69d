"""Plain-Python evaluation of conditions: the reference evaluator and the oracle for durable_rules."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable
from typing import Any

from itaku.engine.conditions.normal_form import Conjunct
from itaku.engine.conditions.tree import And, Exists, Leaf, Node, Or


def value_at(fact: dict[str, Any], field: str) -> Any:
    """The value at a dotted field of a fact (None where any part is missing)."""
    value: Any = fact
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


Predicate = Callable[[dict[str, Any]], bool]


def _same(actual: Any, expected: Any) -> bool:
    # True == 1 in Python; a yes/no field never equals a number here
    return isinstance(actual, bool) == isinstance(expected, bool) and actual == expected


def _leaf_predicate(leaf: Leaf) -> Predicate:
    parts = leaf.field.split(".")
    op, expected = leaf.op, leaf.value

    def get(fact: dict[str, Any]) -> Any:
        value: Any = fact
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    if op == "eq":
        return lambda f: _same(get(f), expected)
    if op == "not":
        if expected is None:
            return lambda f: get(f) is not None
        return lambda f: (a := get(f)) is None or not _same(a, expected)
    if op == "in":
        return lambda f: get(f) in expected
    if op == "not_in":
        return lambda f: get(f) not in expected
    tests: dict[str, Callable[[Any], bool]] = {
        "lt": lambda a: a < expected,
        "lte": lambda a: a <= expected,
        "gt": lambda a: a > expected,
        "gte": lambda a: a >= expected,
        "contains": lambda a: expected in a,
        "contains_any": lambda a: any(v in a for v in expected),
        "contains_none": lambda a: not any(v in a for v in expected),
        "empty": lambda a: (len(a) == 0) == expected,
    }
    test = tests[op]
    return lambda f: (a := get(f)) is not None and test(a)  # every other test fails on null


@functools.cache
def predicate(node: Node) -> Predicate:
    """A single-section expression compiled once to a function of one fact (documented null semantics)."""
    if isinstance(node, Exists):
        return lambda f: True
    if isinstance(node, And):
        children = [predicate(c) for c in node.children]
        return lambda f: all(c(f) for c in children)
    if isinstance(node, Or):
        children = [predicate(c) for c in node.children]
        return lambda f: any(c(f) for c in children)
    assert isinstance(node, Leaf)
    return _leaf_predicate(node)


Facts = dict[str, list[dict[str, Any]]]


Bindings = list[dict[str, dict[str, Any]]]


def compile_match(conjuncts: Iterable[Conjunct]) -> Callable[[Facts], Bindings]:
    """A function from facts to all bindings (section -> fact) under which some conjunct holds, one
    per combination; the predicates are looked up once here, not on every call."""
    plans = [
        (
            [(n.section, predicate(n.expr)) for n in conjunct.negative],
            [(section, predicate(expr)) for section, expr in conjunct.positive],
        )
        for conjunct in conjuncts
    ]

    def run(facts: Facts) -> Bindings:
        bindings: Bindings = []
        for negative, positive in plans:
            if any(any(test(f) for f in facts.get(section, ())) for section, test in negative):
                continue
            candidates = []
            for section, test in positive:
                found = [f for f in facts.get(section, ()) if test(f)]
                if not found:
                    break
                candidates.append([(section, f) for f in found])
            else:
                bindings.extend(dict(combo) for combo in itertools.product(*candidates))
        return bindings

    return run
