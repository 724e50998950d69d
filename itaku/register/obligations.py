"""What the rules in force asked of an approved version, worked out once when the version is added
(from its Evaluation and the catalog's topics, never from a list of cases) and kept with it, so that
`due` needs no catalog and stays what it was when the council decided.

- inspections: a rule of the on-site inspection topic applied (PPC guide 4-8-9(3): at least once a
  year) -> as many a year as the proposal promises, at least one;
- annual_report: a rule of the annual operation report topic applied -> one report a year;
- deletion: a rule of the return/deletion topics applied -> deletion confirmed at the contract's end;
- exceptions: every exception accepted with an end date (it must be renewed or end).
"""

from __future__ import annotations

from typing import Any

from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.models import Proposal

INSPECTION_TOPICS = frozenset({"on-site-inspection"})
REPORT_TOPICS = frozenset({"annual-report"})
DELETION_TOPICS = frozenset({"data-return-and-deletion", "deletion-verification"})


def applied_topics(evaluation: Evaluation, catalog: Catalog) -> set[str]:
    """The topics of the rules in force that applied to the proposal (fit or not): `evaluation`
    must be made with detail (its table of every rule's status)."""
    topics = set()
    for status in evaluation.rules:
        compiled = catalog.rule(status.rule_id)
        topic = getattr(getattr(compiled, "spec", None), "topic", None)
        if status.judgement != "na" and topic:
            topics.add(topic)
    return topics


def obligations_of(proposal: Proposal, evaluation: Evaluation, catalog: Catalog) -> dict[str, Any]:
    """The obligations of one version, as JSON data (see the module's docstring)."""
    topics = applied_topics(evaluation, catalog)
    promised = proposal.supervision.inspections_per_year if proposal.supervision else None
    exceptions = []
    for x in evaluation.exceptions:
        if x.status == "accepted" and x.until is not None:
            compiled = catalog.rule(x.rule_id)
            title = getattr(getattr(compiled, "spec", None), "title", None)
            exceptions.append({
                "rule": x.rule_id,
                "title": {"ja": title.ja, "en": title.en} if title is not None else {"ja": x.rule_id, "en": x.rule_id},
                "until": x.until.isoformat(),
            })
    return {
        "inspections_per_year": max(1, promised or 1) if topics & INSPECTION_TOPICS else 0,
        "annual_report": bool(topics & REPORT_TOPICS),
        "deletion": bool(topics & DELETION_TOPICS),
        "exceptions": exceptions,
    }
