"""`itaku rules lint`: rules that can never fire, rules subsumed by another, conflicting severities.

A severity conflict is two rules of one topic, where one reads only fields the other reads too
(they judge the same facts), that can both fire on one proposal with different severities.

The reasoning is exact for yes/no fields, enums and "stated or not" on groups, whose values are a
small finite set: a rule's condition becomes alternatives ("worlds"), each a set of allowed values
per field. Numbers, text and lists are compared only when two rules test them the same way, so the
lint never reports a false defect, though it may miss one on those fields.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from itaku.engine import conditions as cond
from itaku.engine import fields
from itaku.engine.catalog import Catalog, Compiled, Effective, Rule
from itaku.engine.wording import phrase

FieldKey = tuple[str, str]


@dataclass(frozen=True)
class World:
    """One way a rule can fire: allowed values per finite field, other tests as written, negations."""

    finite: dict[FieldKey, frozenset[Any]]
    opaque: frozenset[cond.Leaf]
    sections: frozenset[str]
    negative: tuple[cond.NoneOf, ...]


@dataclass(frozen=True)
class Problem:
    kind: str  # never-fires, subsumed, severity-conflict
    rule_id: str
    other: str | None
    detail: str  # in the language current when the lint ran

    def describe(self) -> str:
        """One line for the terminal, in the current language."""
        other = f" / {self.other}" if self.other else ""
        return f"{phrase(f'lint.kind.{self.kind}')}: {self.rule_id}{other}: {self.detail}"


def _domain(leaf: cond.Leaf) -> frozenset[Any] | None:
    if leaf.kind == fields.YESNO:
        return frozenset({True, False, None})
    if leaf.kind in (fields.CHOICE, fields.CONST):
        _, _, spec = cond.resolve(leaf.path)
        return frozenset({*spec.values, None})
    if leaf.kind == fields.SECTION:
        return frozenset({"present", None})
    return None


def _allowed(leaf: cond.Leaf) -> frozenset[Any] | None:
    domain = _domain(leaf)
    if domain is None:
        return None
    if leaf.kind == fields.SECTION:
        return frozenset({None}) if leaf.op == "eq" else frozenset({"present"})
    values = frozenset(leaf.value) if isinstance(leaf.value, tuple) else frozenset({leaf.value})
    if leaf.op in ("eq", "in"):
        return values & domain
    return domain - values  # not, not_in


def _leaf_alternatives(node: cond.Node) -> list[list[cond.Leaf]]:
    if isinstance(node, cond.Exists):
        return [[]]
    if isinstance(node, cond.Leaf):
        return [[node]]
    if isinstance(node, cond.And):
        out: list[list[cond.Leaf]] = [[]]
        for child in node.children:
            out = [a + b for a in out for b in _leaf_alternatives(child)]
        return out
    assert isinstance(node, cond.Or)
    return [alt for child in node.children for alt in _leaf_alternatives(child)]


def _world(sections: set[str], leaves: list[cond.Leaf], negative: tuple[cond.NoneOf, ...]) -> World | None:
    finite: dict[FieldKey, frozenset[Any]] = {}
    opaque = set()
    for leaf in leaves:
        allowed = _allowed(leaf)
        if allowed is None:
            opaque.add(leaf)
            continue
        key = (leaf.section, leaf.field)
        finite[key] = finite.get(key, allowed) & allowed
    return World(finite, frozenset(opaque), frozenset(sections), negative)


def worlds(rule: Compiled) -> list[World]:
    """Every alternative way the rule's condition can hold."""
    return worlds_of(rule.conjuncts)


def worlds_of(conjuncts: list[cond.Conjunct]) -> list[World]:
    """Every alternative way a condition in normal form can hold."""
    out = []
    for conjunct in conjuncts:
        per_section = [_leaf_alternatives(expr) for _, expr in conjunct.positive]
        sections = {s for s, _ in conjunct.positive}
        for combo in itertools.product(*per_section):
            world = _world(sections, [leaf for alt in combo for leaf in alt], conjunct.negative)
            if world is not None:
                out.append(world)
    return out


def _negation_blocks(world: World) -> bool:
    """A negation that the world's own constraints make certain to fail."""
    for negation in world.negative:
        if negation.section not in world.sections and not isinstance(negation.expr, cond.Exists):
            continue
        for alt in _leaf_alternatives(negation.expr):
            needed = _world({negation.section}, alt, ())
            assert needed is not None
            if negation.section not in world.sections:
                continue
            if needed.opaque - world.opaque:
                continue
            if all(key in world.finite and world.finite[key] <= allowed for key, allowed in needed.finite.items()):
                return True
    return False


def satisfiable(world: World) -> bool:
    """Whether some proposal could realise this world."""
    return all(world.finite.values()) and not _negation_blocks(world)


def _implies(a: World, b: World) -> bool:
    """Every proposal in world a is in world b."""
    if not b.sections <= a.sections or not b.opaque <= a.opaque:
        return False
    if b.negative and set(b.negative) - set(a.negative):
        return False
    return all(key in a.finite and a.finite[key] <= allowed for key, allowed in b.finite.items())


def _opaque_clash(a: World, b: World) -> bool:
    """Both worlds test one number, text or list field, differently: we cannot tell, so no report."""
    fields_a = {(leaf.section, leaf.field): leaf for leaf in a.opaque}
    return any((leaf.section, leaf.field) in fields_a and fields_a[(leaf.section, leaf.field)] != leaf for leaf in b.opaque)


def _merge(a: World, b: World) -> World:
    finite = dict(a.finite)
    for key, allowed in b.finite.items():
        finite[key] = finite.get(key, allowed) & allowed
    return World(finite, a.opaque | b.opaque, a.sections | b.sections, a.negative + b.negative)


def _dates_overlap(a: Effective, b: Effective) -> bool:
    start = max(d for d in (a.from_, b.from_) if d is not None) if (a.from_ or b.from_) else None
    end = min(d for d in (a.until, b.until) if d is not None) if (a.until or b.until) else None
    return start is None or end is None or start < end


def _covers(outer: Effective, inner: Effective) -> bool:
    starts = outer.from_ is None or (inner.from_ is not None and inner.from_ >= outer.from_)
    ends = outer.until is None or (inner.until is not None and inner.until <= outer.until)
    return starts and ends


def _same_facts(a: Compiled, b: Compiled) -> bool:
    """One rule reads only fields the other reads too: they judge the same facts."""
    return set(a.paths) <= set(b.paths) or set(b.paths) <= set(a.paths)


def lint(catalog: Catalog) -> list[Problem]:
    """Every defect found in the catalog's finding rules."""
    problems: list[Problem] = []
    rules = [r for r in catalog.rules if isinstance(r.spec, Rule)]
    live: dict[str, list[World]] = {}
    for rule in rules:
        eff = rule.spec.effective
        if eff.from_ and eff.until and eff.from_ >= eff.until:
            problems.append(Problem("never-fires", rule.id, None, phrase("lint.dates_empty")))
            continue
        possible = [w for w in worlds(rule) if satisfiable(w)]
        if not possible:
            problems.append(Problem("never-fires", rule.id, None, phrase("lint.contradiction")))
            continue
        live[rule.id] = possible
    by_id = {r.id: r for r in rules}
    for a_id, b_id in itertools.permutations(live, 2):
        a, b = by_id[a_id].spec, by_id[b_id].spec
        assert isinstance(a, Rule) and isinstance(b, Rule)
        if a.topic != b.topic:
            continue
        if (
            a.severity == b.severity
            and _covers(b.effective, a.effective)
            and all(any(_implies(wa, wb) for wb in live[b_id]) for wa in live[a_id])
        ):
            problems.append(Problem("subsumed", a_id, b_id, phrase("lint.subsumed", other=b_id)))
        elif (
            a_id < b_id
            and a.severity != b.severity
            and _same_facts(by_id[a_id], by_id[b_id])
            and _dates_overlap(a.effective, b.effective)
            and any(
                satisfiable(_merge(wa, wb)) and not _opaque_clash(wa, wb) for wa in live[a_id] for wb in live[b_id]
            )
        ):
            detail = phrase("lint.severity_conflict", topic=a.topic, first=a.severity, second=b.severity)
            problems.append(Problem("severity-conflict", a_id, b_id, detail))
    return problems
