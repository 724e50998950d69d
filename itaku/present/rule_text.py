"""A rule's condition in words, for people: when it applies and what raises it, written from the
parsed condition (engine.conditions) and the form's labels and choices, so the words cannot drift
from what the engine tests.

`{subcontractors.country: {not_in: [JP, null]}}` reads 「再委託先等／所在国が記載され、「日本」以外」;
`none: [{system.removable_media_banned: {not: null}}]` reads 「システム／外部記録媒体の禁止が未記載」.
"""

from __future__ import annotations

from typing import Any

from itaku.engine import conditions as cond
from itaku.engine import fields
from itaku.engine.value_text import field_label, value_words
from itaku.engine.wording import phrase

# A test and the test that is true exactly when it is false (a `none` of one test reads as this).
_OPPOSITE = {"eq": "not", "not": "eq", "in": "not_in", "not_in": "in", "lt": "gte", "gte": "lt", "gt": "lte",
             "lte": "gt", "contains": "contains_none_of_one", "contains_any": "contains_none",
             "contains_none": "contains_any"}


def _quoted(leaf: cond.Leaf, value: Any, lang: str) -> str:
    if value is None:
        return phrase("rule_text.not_stated", lang)
    return phrase("rule_text.quote", lang, value=value_words(leaf.path, value, lang))


def _values(leaf: cond.Leaf, values: Any, lang: str) -> str:
    return phrase("sep.list", lang).join(_quoted(leaf, v, lang) for v in values if v is not None)


def _leaf(leaf: cond.Leaf, lang: str, op: str | None = None) -> str:
    op = op or leaf.op
    label = field_label(leaf.path, lang)
    value = leaf.value
    if op in ("eq", "not") and value is None:
        return phrase("rule_text.is_none" if op == "eq" else "rule_text.is_stated", lang, field=label)
    if op == "contains_none_of_one":
        op, value = "contains_none", (value,)
    if op in ("in", "not_in"):
        stated = [v for v in value if v is not None]
        key = f"rule_text.{op}{'_or_none' if None in value else ''}"
        if len(stated) == 1 and op == "not_in":
            key = f"rule_text.not{'_stated_and' if None in value else ''}"
        elif len(stated) == 1:
            key = f"rule_text.eq{'_or_none' if None in value else ''}"
        return phrase(key, lang, field=label, values=_values(leaf, stated, lang), value=_values(leaf, stated, lang))
    if op in cond.COMPARISONS:
        return phrase(f"rule_text.{op}", lang, field=label, value=f"{value:,}" if isinstance(value, int) else value)
    if op == "empty":
        return phrase("rule_text.empty" if value else "rule_text.not_empty", lang, field=label)
    if op in ("contains", "contains_any", "contains_none"):
        items = value if isinstance(value, tuple | list) else (value,)
        return phrase(f"rule_text.{op}", lang, field=label, values=_values(leaf, items, lang))
    return phrase(f"rule_text.{op}", lang, field=label, value=_quoted(leaf, value, lang))


def _section(name: str, lang: str) -> str:
    node = fields.index().get(name)
    return node.label(lang) if node is not None else phrase(f"fact.{name}", lang)


def describe(node: cond.Node, lang: str, nested: bool = False) -> str:
    """The condition `node` as one phrase in `lang`."""
    if isinstance(node, cond.Leaf):
        return _leaf(node, lang)
    if isinstance(node, cond.Exists):
        return phrase("rule_text.present", lang, section=_section(node.section, lang))
    if isinstance(node, cond.NoneOf):
        expr = node.expr
        if isinstance(expr, cond.Exists):
            return phrase("rule_text.absent", lang, section=_section(node.section, lang))
        if isinstance(expr, cond.Leaf) and expr.op in _OPPOSITE:
            text = _leaf(expr, lang, _OPPOSITE[expr.op])
            # a record list: the test holds for every record (none is the other way)
            if node.section in cond.LIST_SECTIONS:
                return phrase("rule_text.every", lang, section=_section(node.section, lang), text=text)
            return text
        return phrase("rule_text.none_of", lang, text=describe(expr, lang, True))
    joiner = "rule_text.and" if isinstance(node, cond.And) else "rule_text.or"
    text = phrase(joiner, lang).join(describe(child, lang, True) for child in node.children)
    return phrase("rule_text.group", lang, text=text) if nested and len(node.children) > 1 else text


def when_it_applies(rule: Any, lang: str) -> str:
    """When the rule is looked at: its `applies` condition in words (every proposal when it has none)."""
    return describe(rule.applies, lang) if rule.applies is not None else phrase("rule_text.always", lang)


def what_raises_it(rule: Any, lang: str) -> str:
    """What in a proposal raises the finding: its condition in words, without the part that says
    when it applies (the compiled condition is `applies` and then the rule's own test)."""
    node = rule.condition
    if rule.applies is not None and isinstance(node, cond.And) and node.children[0] == rule.applies:
        rest = node.children[1:]
        node = rest[0] if len(rest) == 1 else cond.And(rest)
    return describe(node, lang)
