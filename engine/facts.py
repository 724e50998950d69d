"""Turn a proposal into facts: one per section, one per list item, each with a unique id.

Facts are plain JSON-able dicts, the same for both evaluators. Every list and group field
also gets a `<name>__n` size so durable_rules can test emptiness and presence (a null gets none). Sections that are omitted (not applicable)
produce no fact.
"""

from __future__ import annotations

from typing import Any

from itaku.engine.conditions import LIST_SUFFIX, ROOT, Facts
from itaku.engine.models import Proposal

NON_FACT_KEYS = ("responses", "exceptions", "subcontractors", "format")


def _with_lengths(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict):
            out[key] = _with_lengths(item)
            out[key + LIST_SUFFIX] = len(item)
        else:
            out[key] = item
            if isinstance(item, list):
                out[key + LIST_SUFFIX] = len(item)
    return out


def build_facts(proposal: Proposal) -> Facts:
    """Facts by section and by list item, as both evaluators read them."""
    dumped = proposal.model_dump(mode="json")
    facts: Facts = {}
    root: dict[str, Any] = {"id": ROOT, "section": ROOT}
    for key, value in dumped.items():
        if key in NON_FACT_KEYS or value is None:
            continue
        if isinstance(value, dict):
            facts[key] = [{"id": key, "section": key, **_with_lengths(value)}]
        else:
            root[key] = value
    facts[ROOT] = [root]
    subs = dumped.get("subcontractors") or []
    facts["subcontractors"] = [
        {"id": f"subcontractors[{i}]", "section": "subcontractors", **sub} for i, sub in enumerate(subs)
    ]
    data = dumped.get("data") or {}
    added = set(data.get("added_items") or ())
    names = list(dict.fromkeys([*(data.get("items") or ()), *added]))
    facts["data_items"] = [
        {"id": f"data_items[{i}]", "section": "data_items", "name": name, "added": name in added}
        for i, name in enumerate(names)
    ]
    return facts


def classification_fact(classification: dict[str, Any]) -> dict[str, Any]:
    """The fact phase-2 rules read: what the derivations concluded (agenda, redelegation)."""
    return {"id": "classification", "section": "classification", **_with_lengths(classification)}
