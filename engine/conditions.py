"""The rule condition language.

A condition is YAML. Its forms:

    {all: [C, ...]}   {any: [C, ...]}   {none: [C, ...]}      combinators
    {present: SECTION}  {absent: SECTION}                     a section is / is not in the proposal
    {PATH: TEST}                                              a test on one field
    {PATH1: TEST1, PATH2: TEST2}                              several tests, all must hold

PATH names a field of the proposal model (`email.sender_domain_auth.spf`, `work_location`), of a
subcontractor (`subcontractors.role`: some one subcontractor), of a data item (`data_items.added`),
or of the classification derived by the classification rules (`classification.redelegation`).

TEST is a value (equality; `null` means "not stated") or one of
    {not: V} {in: [..]} {not_in: [..]} {lt|lte|gt|gte: N}
    {contains: V} {contains_any: [..]} {contains_none: [..]} {empty: true|false}

Null ("not stated") semantics, the same in both evaluators: `not` and `not_in` hold on null (null is
not V); every other test except `== null` fails on null. A rule that wants "not stated" to count
says so explicitly, and its `unstated` note says why.

Within one conjunction, all tests on a list section (subcontractors, data_items) speak of the same
item; `none` must stay inside one section and means "no fact of that section satisfies it".

Conditions are checked against the pydantic model when the catalog loads (unknown path, wrong
operator for the field's type, enum value that does not exist), then evaluated two ways from the same
tree: `match` in plain Python (the reference evaluator) and `to_durable` as durable_rules patterns.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, Union

from pydantic import BaseModel

from itaku.engine.models import Proposal, Subcontractor

LIST_SUFFIX = "__n"  # facts carry `<field>__n`, a list's or group's size (durable has no len())
PHASE_SECTION = "__phase__"
RULES_PER_SHARD = 128  # durable rules joined to one phase-marker pattern (durable's limit is 256)

# Sections that are not plain fields of the proposal model.
DATA_ITEM_FIELDS = {"name": ("str", None), "added": ("bool", None)}
CLASSIFICATION_FIELDS = {
    "agenda": ("list", ("consultation", "report")),
    "redelegation": ("enum", ("none", "hosting_only", "yes")),
}
LIST_SECTIONS = {"subcontractors", "data_items"}
ROOT = "_root"

COMPARISONS = ("lt", "lte", "gt", "gte")
OPERATORS = ("not", "in", "not_in", *COMPARISONS, "contains", "contains_any", "contains_none", "empty")


class ConditionError(ValueError):
    """A condition that does not fit the language or the model; the message says which part."""


@dataclass(frozen=True)
class FieldSpec:
    """What a field path holds: bool, enum, str, int, date, list or object; choices for enums."""

    kind: str
    choices: tuple[str, ...] | None = None


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Leaf:
    section: str
    field: str
    op: str  # "eq" or one of OPERATORS
    value: Any
    path: str
    kind: str = "str"  # FieldSpec.kind of the field

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


# ---------------------------------------------------------------- the model's fields


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional; return (inner type, is_list)."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    if origin is list:
        return typing.get_args(annotation)[0], True
    return annotation, False


def _spec_of(annotation: Any) -> FieldSpec | type[BaseModel]:
    inner, is_list = _unwrap(annotation)
    if is_list:
        if isinstance(inner, type) and issubclass(inner, Enum):
            return FieldSpec("list", tuple(m.value for m in inner))
        return FieldSpec("list")
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    if inner is bool:
        return FieldSpec("bool")
    if isinstance(inner, type) and issubclass(inner, Enum):
        return FieldSpec("enum", tuple(m.value for m in inner))
    if typing.get_origin(inner) is typing.Literal:
        return FieldSpec("enum", tuple(typing.get_args(inner)))
    if inner is int:
        return FieldSpec("int")
    if inner is dt.date:
        return FieldSpec("date")
    return FieldSpec("str")


def _model_sections() -> dict[str, type[BaseModel] | FieldSpec]:
    out: dict[str, type[BaseModel] | FieldSpec] = {}
    for name, info in Proposal.model_fields.items():
        if name in ("responses", "exceptions"):
            continue  # answers and waivers are read by the evaluator, not matched by rules
        spec = _spec_of(info.annotation)
        if name == "subcontractors":
            out[name] = Subcontractor
        else:
            out[name] = spec
    return out


_SECTIONS = _model_sections()


@functools.cache
def resolve(path: str) -> tuple[str, str, FieldSpec]:
    """Map a dotted path to (section, field within the section's fact, spec); raise if unknown."""
    parts = path.split(".")
    head = parts[0]
    if head == "data_items" or head == "classification":
        table = DATA_ITEM_FIELDS if head == "data_items" else CLASSIFICATION_FIELDS
        if len(parts) != 2 or parts[1] not in table:
            raise ConditionError(f"unknown field '{path}' (known: {', '.join(table)})")
        kind, choices = table[parts[1]]
        return head, parts[1], FieldSpec(kind, choices)
    if head not in _SECTIONS:
        raise ConditionError(f"unknown field '{path}': no section '{head}' in the proposal model")
    top = _SECTIONS[head]
    if isinstance(top, FieldSpec):
        if len(parts) != 1:
            raise ConditionError(f"unknown field '{path}': '{head}' has no sub-fields")
        return ROOT, head, top
    current: type[BaseModel] | FieldSpec = top
    for i, part in enumerate(parts[1:], start=1):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            raise ConditionError(f"unknown field '{path}': '{'.'.join(parts[:i])}' has no sub-fields")
        if part not in current.model_fields:
            raise ConditionError(f"unknown field '{path}': '{part}' is not a field of '{'.'.join(parts[:i])}'")
        current = _spec_of(current.model_fields[part].annotation)
    if not isinstance(current, FieldSpec):
        current = FieldSpec("object")  # a group of fields: only "stated or not" can be tested
    return head, ".".join(parts[1:]), current


def section_names() -> set[str]:
    """Every section a condition may name with present/absent."""
    return {n for n, s in _SECTIONS.items() if not isinstance(s, FieldSpec)} | {"data_items", "classification"}


# ---------------------------------------------------------------- parsing


def parse(raw: Any) -> Node:
    """Parse and check a condition from its YAML form; raise ConditionError naming the part."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(f"a condition must be a non-empty mapping, got {raw!r}")
    nodes = [_parse_entry(key, value) for key, value in raw.items()]
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _parse_entry(key: str, value: Any) -> Node:
    if key in ("all", "any", "none"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"'{key}' takes a non-empty list of conditions")
        children = tuple(parse(v) for v in value)
        if key == "all":
            return And(children)
        if key == "any":
            return Or(children)
        expr = children[0] if len(children) == 1 else Or(children)
        sections = expr.sections()
        if len(sections) != 1 or _has_negation(expr):
            raise ConditionError("'none' must test fields of one section only, without nested 'none'")
        return NoneOf(next(iter(sections)), expr)
    if key in ("present", "absent"):
        if value not in section_names():
            raise ConditionError(f"'{key}: {value}' names no section (known: {', '.join(sorted(section_names()))})")
        return Exists(value) if key == "present" else NoneOf(value, Exists(value))
    return _parse_leaf(key, value)


def _parse_leaf(path: str, test: Any) -> Leaf:
    section, field, spec = resolve(path)
    if isinstance(test, dict):
        if len(test) != 1:
            raise ConditionError(f"'{path}': a test has exactly one operator, got {list(test)}")
        op, value = next(iter(test.items()))
        if op not in OPERATORS:
            raise ConditionError(f"'{path}': unknown operator '{op}' (known: {', '.join(OPERATORS)})")
    else:
        op, value = "eq", test
    _check_operand(path, spec, op, value)
    if isinstance(value, list):
        value = tuple(value)
    return Leaf(section, field, op, value, path, spec.kind)


def _check_operand(path: str, spec: FieldSpec, op: str, value: Any) -> None:
    def check_scalar(v: Any) -> None:
        if v is None:
            return
        if spec.kind == "bool" and not isinstance(v, bool):
            raise ConditionError(f"'{path}' is yes/no: compare with true, false or null, not {v!r}")
        if spec.kind in ("enum", "list") and spec.choices and v not in spec.choices:
            raise ConditionError(f"'{path}': '{v}' is not one of {', '.join(spec.choices)}")
        if spec.kind == "int" and (not isinstance(v, int) or isinstance(v, bool)):
            raise ConditionError(f"'{path}' is a number, not {v!r}")
        if spec.kind in ("str", "enum") and not isinstance(v, str):
            raise ConditionError(f"'{path}' is text, not {v!r}")

    if spec.kind == "list":
        if op in ("contains",):
            check_scalar(value)
        elif op in ("contains_any", "contains_none"):
            if not isinstance(value, list) or not value:
                raise ConditionError(f"'{path}': '{op}' takes a non-empty list")
            for v in value:
                check_scalar(v)
        elif op == "empty":
            if not isinstance(value, bool):
                raise ConditionError(f"'{path}': 'empty' takes true or false")
        elif op in ("eq", "not") and value is None:
            pass
        else:
            raise ConditionError(f"'{path}' is a list: use contains, contains_any, contains_none, empty or null")
        return
    if spec.kind == "object":
        if op not in ("eq", "not") or value is not None:
            raise ConditionError(f"'{path}' is a group of fields: test it against null only, or test one of its fields")
        return
    if op in ("contains", "contains_any", "contains_none", "empty"):
        raise ConditionError(f"'{path}' is not a list: '{op}' does not apply")
    if op in COMPARISONS:
        if spec.kind != "int":
            raise ConditionError(f"'{path}': '{op}' needs a number field")
        if value is None:
            raise ConditionError(f"'{path}': '{op}' needs a number")
        check_scalar(value)
        return
    if spec.kind == "date" and value is not None:
        raise ConditionError(f"'{path}' is a date: only null tests are supported")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"'{path}': '{op}' takes a non-empty list")
        for v in value:
            check_scalar(v)
        return
    check_scalar(value)


def _has_negation(node: Node) -> bool:
    if isinstance(node, NoneOf):
        return True
    if isinstance(node, (And, Or)):
        return any(_has_negation(c) for c in node.children)
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


# ---------------------------------------------------------------- normal form


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
    if isinstance(node, NoneOf) or (len(node.sections()) == 1 and not _has_negation(node)):
        return [[node]]
    if isinstance(node, And):
        result: list[list[Node]] = [[]]
        for child in node.children:
            result = [left + right for left in result for right in _dnf(child)]
        return result
    if isinstance(node, Or):
        return [atoms for child in node.children for atoms in _dnf(child)]
    return [[node]]  # pragma: no cover - leaves and exists are single-section


# ---------------------------------------------------------------- plain-Python evaluation


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


# ---------------------------------------------------------------- durable_rules patterns
#
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


def _enc(value: Any) -> Any:
    return NULL if value is None else value


def _leaf_alternatives(leaf: Leaf) -> list[Test]:
    """The leaf as alternatives, each a single durable test without `$or` (facts as durable_fact)."""
    f, v, op = leaf.field, leaf.value, leaf.op
    if leaf.kind == "object":  # a nested group: present or not, by its size key
        return [{"$nex" if op == "eq" else "$ex": {f + LIST_SUFFIX: 1}}]
    if leaf.kind == "int":
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
    if op == "contains":
        return [{"$iany": {f: {"$i": v}}}]
    if op == "contains_any":
        return [{"$iany": {f: {"$i": x}}} for x in v]
    if op == "contains_none":  # the END element keeps an empty list from failing $iall
        return [{"$iall": {f: {"$and": [{"$neq": {"$i": x}} for x in v]}}}]
    if op == "empty":
        return [{f + LIST_SUFFIX: 0}] if v else [{"$gt": {f + LIST_SUFFIX: 0}}]
    raise AssertionError(op)  # pragma: no cover


def durable_fact(fact: dict[str, Any], ints: frozenset[str], prefix: str = "") -> dict[str, Any]:
    """A fact as the durable patterns expect it: null as NULL (numbers aside), lists ending in END."""
    out = dict(fact)
    for key, value in fact.items():
        if value is None:
            if prefix + key not in ints:
                out[key] = NULL
        elif type(value) is list:
            out[key] = [*value, END]
        elif type(value) is dict:
            out[key] = durable_fact(value, ints, prefix + key + ".")
    return out


def int_fields(section: str) -> frozenset[str]:
    """The number fields of a section (dotted, within its fact): their null stays null."""
    top = _SECTIONS.get(section)
    if not (isinstance(top, type) and issubclass(top, BaseModel)):
        return frozenset()
    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            spec = _spec_of(info.annotation)
            if isinstance(spec, FieldSpec):
                if spec.kind == "int":
                    out.add(prefix + name)
            else:
                walk(spec, prefix + name + ".")

    walk(top, "")
    return frozenset(out)


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
