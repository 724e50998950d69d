"""Prepare Evaluations for output: pick the language, attach fixed labels, order for reading.

Every renderer (text, Markdown, HTML, Excel) reads Evaluations through these helpers and the JSON
view (json_view.py), so that labels and ordering are decided once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.evaluation import Evaluation, Finding
from itaku.engine.status import STATUSES, topic_status
from itaku.engine.wareki import date_text, dates_in_text, meeting_text
from itaku.engine.wording import phrase
from itaku.reports.evidence import evidence_text, source_text
from itaku.reports.json_view import EvaluationView, FindingView


def case_sort_key(evaluation: Evaluation) -> tuple[Any, ...]:
    """Case-number order as people read it: 9 before 10, then text."""
    number = evaluation.case.number
    digits = re.match(r"\d+", number)
    return (0, int(digits.group()), number) if digits else (1, 0, number)


# Which part of a review a topic's findings stand in, by the topic's status: the opinion's points,
# the questions before the meeting, then the rest (reminders, and findings an exception set aside).
SECTION = {"action": "opinion", "advice": "opinion", "question": "questions", "info": "notes", "no_finding": "notes", "na": "notes"}
SECTION_HEADING = {"opinion": "report.part.opinion", "questions": "questions.heading", "notes": "report.part.notes"}


def grouped_by_topic(evaluation: Evaluation, catalog: Catalog, lang: str) -> list[dict[str, Any]]:
    """Findings grouped by topic, each group with its label, its status (engine.status.topic_status,
    the one every output shows) and the part of the review it stands in (`SECTION`). Groups come by
    status, and within one status where their first finding stands in the opinion's rank order
    (the Evaluation's order)."""
    groups: dict[str, list[Finding]] = {}
    for finding in evaluation.findings:
        groups.setdefault(finding.topic, []).append(finding)
    out = []
    for topic, items in groups.items():
        t = catalog.topics[topic]
        answered = next((i for i, f in enumerate(items) if f.response is not None), None)
        status = topic_status(evaluation, topic)
        out.append({
            "topic": topic,
            "label": t.get(lang),
            "status": status,
            "status_label": phrase(f"status.{status}", lang),
            "section": SECTION[status],
            "section_label": phrase(SECTION_HEADING[SECTION[status]], lang),
            "findings": [FindingView.of(f, lang, response_text=i == answered).as_data() for i, f in enumerate(items)],
        })
    return sorted(out, key=lambda g: STATUSES.index(g["status"]))  # stable: rank order within a status


# ------------------------------------------------------------------ reports (HTML, Markdown)


def data_items_marked(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The data items in the proposal's order, each marked when added since the earlier approval
    (`change`: added or removed; `added` kept for the templates), removed ones last.

    Compared with the approved version, the marks come from the computed changes; otherwise from the
    declared added items. An added item the list leaves out still comes last: the change must never
    go unshown.
    """
    comparison = evaluation.changes.comparison
    if comparison is not None:
        added = [c.item for c in comparison.changes if c.path == "data.items" and c.kind == "added"]
        removed = [c.item for c in comparison.changes if c.path == "data.items" and c.kind == "removed"]
    else:
        added, removed = list(evaluation.changes.added_items), []
    marked = set(added)
    items = [{"name": n, "added": n in marked, "change": "added" if n in marked else None} for n in evaluation.data_items]
    listed = set(evaluation.data_items)
    items += [{"name": n, "added": True, "change": "added"} for n in added if n not in listed]
    items += [{"name": n, "added": False, "change": "removed"} for n in removed]
    return items


@speaks_for_its_catalog
def case_view(evaluation: Evaluation, catalog: Catalog, lang: str) -> dict[str, Any]:
    """One proposal prepared for a report template: its JSON view (json_view.EvaluationView) plus
    what a person reads in place of identifiers (evidence with the form's labels, sources as
    documents, rules by their titles, dates in 和暦), the findings grouped by topic, the data items
    with the added ones marked, and the responses no finding answers. The identifiers stay under
    `ids` for the collapsed 詳細 part."""
    out = EvaluationView.of(evaluation, lang).as_data()
    out["meeting_text"] = meeting_text(evaluation.case.meeting, evaluation.case.session, lang) or "—"
    out["as_of_text"] = date_text(evaluation.as_of, lang)
    groups = grouped_by_topic(evaluation, catalog, lang)
    for group in groups:
        for finding in group["findings"]:
            finding["heading"] = finding["title"] if finding["title"] != group["label"] else ""
            finding["basis_label"] = phrase(f"basis.{finding['basis']}", lang)
            finding["source_text"] = source_text(finding["source"], lang)
            for evidence in finding["evidence"]:
                evidence["text"] = evidence_text(evidence["path"], evidence["value"], lang)
            if finding["exception"]:
                finding["exception"]["until_text"] = date_text(_until(finding["exception"]), lang)
    out["groups"] = groups
    out["data_items"] = data_items_marked(evaluation)
    out["profile_label"] = profile_label(evaluation, lang)
    comparison = evaluation.changes.comparison
    out["comparison"] = None if comparison is None else {
        "source": comparison.approved_source,
        "case": comparison.approved_case,
        "meeting": date_text(comparison.approved_meeting, lang) if comparison.approved_meeting else None,
        "changes": [
            {
                "label": c.label.get(lang), "kind": c.kind, "kind_label": phrase(f"change.{c.kind}", lang),
                "marker": phrase(f"change.marker.{c.kind}", lang),
                "before": c.before_text.get(lang) if c.before_text else "—",
                "after": c.after_text.get(lang) if c.after_text else "—",
                "declared": c.declared,
            }
            for c in comparison.changes
        ],
        "declared": [{"text": declared_text(d.text, d.origin, lang), "found": d.found} for d in comparison.declared],
    }
    titles = {c.id: c.spec.title.get(lang) for c in catalog.rules if not c.is_derivation}
    for exception in out["exceptions"]:
        exception["origin_label"] = phrase(f"exception_origin.{exception['origin']}", lang)
        exception["rule_title"] = titles.get(exception["rule_id"], exception["rule_id"])
        exception["until_text"] = date_text(_until(exception), lang)
        exception["decision_text"] = dates_in_text(exception["decision"], lang) if exception["decision"] else None
    # A response on a topic with no finding (the advice was taken, or never given) is still the
    # department's word to the council: show it rather than drop it.
    answered = {f.topic for f in evaluation.findings}
    out["other_responses"] = [
        {"topic": topic, "label": _topic_label(catalog, topic, lang), "text": text}
        for topic, text in evaluation.responses.items()
        if topic not in answered
    ]
    out["ids"] = {
        "source": evaluation.source,
        "engine": evaluation.engine,
        "as_of": evaluation.as_of.isoformat(),
        "rules": [(f.rule_id, f.topic, f.fingerprint) for f in evaluation.findings],
        "exceptions": [e.rule_id for e in evaluation.exceptions],
    }
    return out


def declared_text(text: str, origin: str, lang: str) -> str:
    """A declared change as a reader sees it: an added data item is named as one."""
    if origin != "added_items":
        return text
    return phrase("change.declared_item", lang, label=phrase("report.data_items", lang), item=text,
                  mark=phrase("change.marker.added", lang))


def profile_label(evaluation: Evaluation, lang: str) -> str:
    """Whose practice judged, as a person reads it: the council, and the profile's name."""
    p = evaluation.profile
    if p is None:
        return "—"
    return phrase("report.profile_label", lang, council=p.council.get(lang), name=p.name.get(lang))


def council_title(evaluations: list[Evaluation], key: str, lang: str) -> str:
    """A report's title with the council's name (区/市/町 as the profile names it)."""
    title = phrase(key, lang)
    councils = list(dict.fromkeys(e.profile.council.get(lang) for e in evaluations if e.profile is not None))
    if len(councils) != 1:
        return title
    return phrase("report.title.of_council", lang, council=councils[0], title=title)
def _until(exception: dict[str, Any]) -> dt.date | None:
    """An exception's end date (JSON gives it as ISO text) as a date, or None."""
    value = exception.get("until")
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def meeting_names(evaluations: list[Evaluation], lang: str) -> list[str]:
    """The meetings the proposals go to, as the minutes name them (令和元年度第4回（令和元年9月9日）),
    oldest first."""
    keys = sorted({(e.case.meeting, e.case.session or 0) for e in evaluations if e.case.meeting})
    return [meeting_text(day, session or None, lang) for day, session in keys]


@speaks_for_its_catalog
def meeting_view(evaluations: list[Evaluation], catalog: Catalog, lang: str) -> dict[str, Any]:
    """Several proposals prepared for a report template: the cases in case-number order and the
    meetings they go to."""
    ordered = sorted(evaluations, key=case_sort_key)
    return {
        "cases": [case_view(e, catalog, lang) for e in ordered],
        "meetings": meeting_names(ordered, lang),
        "title_proposal": council_title(ordered, "report.title.proposal", lang),
        "title_meeting": council_title(ordered, "report.title.meeting", lang),
    }


def _topic_label(catalog: Catalog, topic: str, lang: str) -> str:
    t = catalog.topics.get(topic)
    if t is None:
        return topic
    return t.get(lang)
