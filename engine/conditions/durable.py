"""Conditions as durable_rules patterns, and facts encoded the way those patterns read them."""

from __future__ import annotations

import itertools
import json
from typing import Any

from itaku.engine import fields
from itaku.engine.conditions.normal_form import Conjunct
from itaku.engine.conditions.paths import LIST_SUFFIX, resolve
from itaku.engine.conditions.tree import And, Exists, Leaf, Node, NoneOf, Or

PHASE_SECTION = "__phase__"
RULES_PER_SHARD = 128  # durable rules joined to one phase-marker pattern (durable's limit is 256)

# durable_rules expands `$or` inside a pattern itself and refuses a ruleset whose expansion grows too
# large (error 113 from create_ruleset, seen with seven `contains_none` alternatives). So we expand
# here: every durable pattern is a plain `$and` of tests without `$or`, and a condition becomes as many
# durable rules as it has alternatives. The reference evaluator reads the tree as written, so the
# differential test also checks this expansion.

Test = dict[str, Any]


# In the facts durable_rules sees, "not stated" is a string that no value equals, and every list ends
# with a marker element. durable compares nothing with null (`$neq` fails on it) and `$iall` fails on
# an empty list; with these encodings "not V", "none of [..]" and "contains none of [..]" are single
# tests instead of alternatives, which keeps the number of durable rules (and its per-session cost)
# down. Numbers keep a real null: durable's `$gte` would hold between a string and a number.
NULL = "\u0000null\u0000"
END = "\u0000end\u0000"
# A list of enum values also carries one flag per choice, `<field>__has__<choice>` = 1 or 0, and
# `contains`, `contains_any` and `contains_none` test those flags. durable_rules never shares an
# `$iany`/`$iall` alpha node between rules, and a fact may pass through at most 64 matching sibling
# alpha nodes (error 303, or a crash): dozens of rules testing `case.kinds` overflowed it. Equality
# tests on flags are shared, so the number of rules reading a list no longer matters.
FLAG = "__has__"


def _enc(value: Any) -> Any:
    return NULL if value is None else value


def _leaf_alternatives(leaf: Leaf) -> list[Test]:
    """The leaf as alternatives, each a single durable test without `$or` (facts as durable_fact)."""
    f, v, op = leaf.field, leaf.value, leaf.op
    if leaf.kind == fields.SECTION:  # a nested group: present or not, by its size key
        return [{"$nex" if op == "eq" else "$ex": {f + LIST_SUFFIX: 1}}]
    if leaf.kind == fields.INT:
        if op == "eq":
            return [{f: v}]
        if op == "not":
            return [{"$neq": {f: None}}] if v is None else [{"$neq": {f: v}}, {f: None}]
        if op == "in":
            return [{f: x} for x in v]
        if op == "not_in":
            concrete = [{"$neq": {f: x}} for x in v if x is not None]
            alternatives: list[Test] = [concrete[0] if len(concrete) == 1 else {"$and": concrete}]
            return alternatives if None in v else [*alternatives, {f: None}]
        return [{"$" + op: {f: v}}]
    if op == "eq":
        return [{f: _enc(v)}]
    if op == "not":
        return [{"$neq": {f: _enc(v)}}]
    if op == "in":
        return [{f: _enc(x)} for x in v]
    if op == "not_in":
        tests = [{"$neq": {f: _enc(x)}} for x in v]
        return [tests[0] if len(tests) == 1 else {"$and": tests}]
    if op in ("contains", "contains_any", "contains_none") and resolve(leaf.path)[2].choices:
        values = (v,) if op == "contains" else v
        if op == "contains_none":
            return [{"$and": [{f + FLAG + x: 0} for x in values]} if len(values) > 1 else {f + FLAG + values[0]: 0}]
        return [{f + FLAG + x: 1} for x in values]
    if op == "contains":
        return [{"$iany": {f: {"$i": v}}}]
    if op == "contains_any":
        return [{"$iany": {f: {"$i": x}}} for x in v]
    if op == "contains_none":  # the END element keeps an empty list from failing $iall
        return [{"$iall": {f: {"$and": [{"$neq": {"$i": x}} for x in v]}}}]
    if op == "empty":
        return [{f + LIST_SUFFIX: 0}] if v else [{"$gt": {f + LIST_SUFFIX: 0}}]
    raise AssertionError(op)  # pragma: no cover


def durable_fact(
    fact: dict[str, Any], ints: frozenset[str], prefix: str = "", flags: dict[str, tuple[str, ...]] | None = None
) -> dict[str, Any]:
    """A fact as the durable patterns expect it: null as NULL (numbers aside), lists ending in END,
    enum lists (`flags`: field -> choices) with a 1/0 flag per choice (a null list gets none)."""
    out = dict(fact)
    for key, value in fact.items():
        if value is None:
            if prefix + key not in ints:
                out[key] = NULL
        elif type(value) is list:
            out[key] = [*value, END]
            for choice in (flags or {}).get(prefix + key, ()):
                out[key + FLAG + choice] = 1 if choice in value else 0
        elif type(value) is dict:
            out[key] = durable_fact(value, ints, prefix + key + ".", flags)
    return out




def _alternatives(node: Node) -> list[list[Test]]:
    """A single-section expression as alternatives, each a list of tests that must all hold."""
    if isinstance(node, Exists):
        return [[]]
    if isinstance(node, Leaf):
        return [[test] for test in _leaf_alternatives(node)]
    if isinstance(node, And):
        result: list[list[Test]] = [[]]
        for child in node.children:
            result = [left + right for left in result for right in _alternatives(child)]
        return result
    assert isinstance(node, Or)
    return [alt for child in node.children for alt in _alternatives(child)]


# The most durable rules one condition may become (the bundled rules need at most 8): the alternatives
# of one conjunct share a marker shard, which feeds at most 256 joins, and a shard is started after 128.
MAX_ALTERNATIVES = RULES_PER_SHARD


def alternatives_bound(node: Node) -> int:
    """How many durable rules `node` can become at most (`and` multiplies, `or` adds, a negation
    counts as its own alternatives), computed without expanding anything: a condition of nested
    `any:` grows exponentially, and must be refused before the expansion is attempted."""
    if isinstance(node, Exists):
        return 1
    if isinstance(node, Leaf):
        return max(1, len(_leaf_alternatives(node)))
    if isinstance(node, NoneOf):
        # folded into a positive test, a negation turns `and` into `or` and back: count it both ways
        return max(_product(node.expr), alternatives_bound(node.expr))
    if isinstance(node, And):
        return _product(node)
    assert isinstance(node, Or)
    return sum(alternatives_bound(c) for c in node.children)


def _product(node: Node) -> int:
    """The bound of `node` read with every `or` as an `and` (the shape of its complement)."""
    if isinstance(node, (And, Or)):
        total = 1
        for child in node.children:
            total *= alternatives_bound(child) if isinstance(node, And) else _product(child)
            total = min(total, MAX_ALTERNATIVES + 1)  # past the limit the exact size does not matter
        return total
    return alternatives_bound(node)


def _pattern(section: str, tests: list[Test]) -> Test:
    head: Test = {"section": section}
    return {"$and": [head, *tests]} if tests else head


def to_durable(conjunct: Conjunct, phase: int, shard: int = 0) -> list[list[Test]]:
    """The `all` lists of the durable_rules rules that together implement one conjunct.

    The phase marker comes first, so nothing fires before every fact is in: durable_rules fires
    eagerly, and a negation evaluated before the negated fact arrives would give order-dependent
    answers. Negations come last; "none of A or B" is "none of A" and "none of B". Markers come in
    shards: durable_rules lets one pattern feed at most 256 joins (error 108, beta limit), and every
    rule starts with a marker.
    """
    marker: Test = {"phase": {"$and": [{"section": PHASE_SECTION}, {"n": phase}, {"shard": shard}]}}
    negations: list[Test] = [
        {f"{n.section}_{i}_{j}$not": _pattern(n.section, tests)}
        for i, n in enumerate(conjunct.negative)
        for j, tests in enumerate(_alternatives(n.expr))
    ]
    per_section = [
        [(section, tests) for tests in _alternatives(expr)] for section, expr in conjunct.positive
    ]
    out: list[list[Test]] = []
    seen: set[str] = set()
    for combo in itertools.product(*per_section):
        rule = [marker, *({section: _pattern(section, tests)} for section, tests in combo), *negations]
        key = json.dumps(rule, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(rule)
    return out
