"""Turn a proposal into facts: one per section, one per list item, each with a unique id.

Facts are plain JSON-able dicts, the same for both evaluators. Lists of records (subcontractors,
assurances), data items and, after a comparison with the approved version, its changes are one fact
each. Every list and group field also gets a `<name>__n` size so durable_rules can test emptiness
and presence (a null gets none). Sections that are omitted (not applicable) produce no fact.
"""

from __future__ import annotations

from typing import Any

from itaku.engine.changes import Comparison
from itaku.engine.conditions import LIST_SUFFIX, ROOT, Facts
from itaku.engine.models import Proposal
from itaku.engine.wording import phrase

NON_FACT_KEYS = ("responses", "exceptions", "subcontractors", "assurances", "format")


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


def _assurance_name(record: dict[str, Any]) -> str:
    # what a finding names as its item: who granted it and what it covers
    return phrase("assurance.name", "ja", granted_by=record["granted_by"], covers=record["covers"])


def build_facts(proposal: Proposal, comparison: Comparison | None = None) -> Facts:
    """Facts by section and by list item, as both evaluators read them; with `comparison`, also
    what differs from the approved version (sections comparison, changes, declared_changes)."""
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
    facts["assurances"] = [
        {"id": f"assurances[{i}]", "section": "assurances", "name": _assurance_name(a), **a}
        for i, a in enumerate(dumped.get("assurances") or [])
    ]
    data = dumped.get("data") or {}
    added = set(data.get("added_items") or ())
    names = list(dict.fromkeys([*(data.get("items") or ()), *added]))
    facts["data_items"] = [
        {"id": f"data_items[{i}]", "section": "data_items", "name": name, "added": name in added}
        for i, name in enumerate(names)
    ]
    if comparison is not None:
        facts.update(comparison_facts(comparison))
    return facts


def comparison_facts(comparison: Comparison) -> Facts:
    """The comparison with the approved version as facts: one summary, one per computed change
    (`name` is its plain-text mark, 取扱項目：旧氏【追加】) and one per declared change."""
    meeting = comparison.approved_meeting.isoformat() if comparison.approved_meeting else None
    summary = {
        "id": "comparison", "section": "comparison", "meeting": meeting,
        "changes": len(comparison.changes), "undeclared": len(comparison.undeclared),
        "unmatched": sum(1 for d in comparison.declared if not d.found),
    }
    return {
        "comparison": [summary],
        "changes": [
            {"id": f"changes[{i}]", "section": "changes", "name": c.text.ja, "name_en": c.text.en,
             "kind": c.kind, "declared": c.declared}
            for i, c in enumerate(comparison.changes)
        ],
        "declared_changes": [
            {"id": f"declared_changes[{i}]", "section": "declared_changes", "name": d.text, "found": d.found}
            for i, d in enumerate(comparison.declared)
        ],
    }


def classification_fact(classification: dict[str, Any]) -> dict[str, Any]:
    """The fact phase-2 rules read: what the derivations concluded (agenda, redelegation)."""
    return {"id": "classification", "section": "classification", **_with_lengths(classification)}
