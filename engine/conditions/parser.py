"""Parsing a condition from its YAML form, checking every path and operand against the proposal's
fields (engine.fields)."""

from __future__ import annotations

from typing import Any

from itaku.engine import fields
from itaku.engine.conditions.paths import resolve, section_names
from itaku.engine.conditions.tree import And, ConditionError, Exists, Leaf, Node, NoneOf, Or, has_negation
from itaku.engine.fields import Field

COMPARISONS = ("lt", "lte", "gt", "gte")
OPERATORS = ("not", "in", "not_in", *COMPARISONS, "contains", "contains_any", "contains_none", "empty")


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
        if len(sections) != 1 or has_negation(expr):
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


_LISTS = (fields.MULTI_CHOICE, fields.TEXT_LIST)
_ONE_TEXT = (fields.TEXT, fields.CHOICE, fields.CONST)


def _check_operand(path: str, spec: Field, op: str, value: Any) -> None:
    def check_scalar(v: Any) -> None:
        if v is None:
            return
        if spec.kind == fields.YESNO and not isinstance(v, bool):
            raise ConditionError(f"'{path}' is yes/no: compare with true, false or null, not {v!r}")
        if spec.values and v not in spec.values:
            raise ConditionError(f"'{path}': '{v}' is not one of {', '.join(spec.values)}")
        if spec.kind == fields.INT and (not isinstance(v, int) or isinstance(v, bool)):
            raise ConditionError(f"'{path}' is a number, not {v!r}")
        if spec.kind in _ONE_TEXT and not isinstance(v, str):
            raise ConditionError(f"'{path}' is text, not {v!r}")

    if spec.kind in _LISTS:
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
    if spec.kind == fields.SECTION:
        if op not in ("eq", "not") or value is not None:
            raise ConditionError(f"'{path}' is a group of fields: test it against null only, or test one of its fields")
        return
    if op in ("contains", "contains_any", "contains_none", "empty"):
        raise ConditionError(f"'{path}' is not a list: '{op}' does not apply")
    if op in COMPARISONS:
        if spec.kind != fields.INT:
            raise ConditionError(f"'{path}': '{op}' needs a number field")
        if value is None:
            raise ConditionError(f"'{path}': '{op}' needs a number")
        check_scalar(value)
        return
    if spec.kind == fields.DATE and value is not None:
        raise ConditionError(f"'{path}' is a date: only null tests are supported")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"'{path}': '{op}' takes a non-empty list")
        for v in value:
            check_scalar(v)
        return
    check_scalar(value)
