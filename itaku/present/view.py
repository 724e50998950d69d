"""The report's view of Evaluations: typed models every template and document renderer reads.

`CaseReport` is one proposal as the HTML and Markdown reports, the Word opinion and the self-check
page's pane show it: the JSON view (json_view.EvaluationView) plus what a person reads in place of
identifiers (evidence in the form's words, sources as documents, rules by their titles, dates in
和暦), the findings grouped by topic with each topic's one status, the data items with the added
ones marked, and the responses no finding answers. Labels and ordering are decided here once; the
renderers only lay them out. No identifier (rule id, input file, engine) is meant for the reader:
those are in the JSON output.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from itaku.engine.catalog import SEVERITY_RANK, Catalog, speaks_for_its_catalog
from itaku.engine.changes import Change
from itaku.engine.evaluation import Evaluation, Finding
from itaku.engine.status import STATUSES, TopicStatus, topic_status
from itaku.engine.value_text import evidence_parts
from itaku.engine.waivers import ExceptionStatus
from itaku.engine.wareki import date_text, dates_in_text, meeting_text
from itaku.engine.wording import phrase
from itaku.present.json_view import EvaluationView, EvidenceView, ExceptionView, FindingView, View
from itaku.present.sources import source_text

Section = Literal["opinion", "questions", "notes"]


class EvidenceLine(EvidenceView):
    """A field a rule read, in the form's words: its label, its value, and both as one line."""

    label: str
    value_text: str
    text: str

    @classmethod
    def of(cls, evidence: EvidenceView, lang: str) -> EvidenceLine:
        """The evidence in `lang`."""
        label, words, text = evidence_parts(evidence.path, evidence.value, lang)
        return cls.model_construct(path=evidence.path, value=evidence.value, label=label, value_text=words, text=text)


class ExceptionLine(ExceptionView):
    """An exception as the reports list it: the rule by its title, where it was stated, its dates in
    words."""

    rule_title: str
    origin_label: str
    until_text: str
    decision_text: str | None

    @classmethod
    def of(cls, exception: ExceptionStatus, titles: dict[str, str], lang: str) -> ExceptionLine:
        """The exception in `lang`; `titles` names the catalog's rules."""
        view = ExceptionView.of(exception, lang)
        return cls.model_construct(
            **dict(view),
            rule_title=titles.get(exception.rule_id, ""),
            origin_label=phrase(f"exception_origin.{exception.origin}", lang),
            until_text=date_text(exception.until, lang),
            decision_text=dates_in_text(exception.decision, lang) if exception.decision else None,
        )


class FindingLine(FindingView):
    """A finding as the reports show it: its JSON view, its heading, its basis and source in words,
    its evidence in the form's words, and whether it is a point of the opinion."""

    heading: str
    basis_label: str
    source_text: str
    in_opinion: bool
    evidence: list[EvidenceLine]  # type: ignore[assignment]  # the JSON's evidence, in words
    exception: ExceptionLine | None  # type: ignore[assignment]

    @classmethod
    def of(  # type: ignore[override]
        cls, finding: Finding, titles: dict[str, str], lang: str, view: FindingView | None = None
    ) -> FindingLine:
        """The finding in `lang` (its JSON view made here unless given), the answer's text left out:
        a report shows it once per topic (`with_answer`)."""
        view = FindingView.of(finding, lang) if view is None else view
        data = dict(view)
        data.update(
            heading=view.title,  # every box has its title, even when it repeats the topic
            basis_label=phrase(f"basis.{view.basis}", lang),
            source_text=source_text(view.source, lang),
            in_opinion=finding.in_opinion,
            evidence=[EvidenceLine.of(e, lang) for e in view.evidence],
            exception=None if finding.exception is None else ExceptionLine.of(finding.exception, titles, lang),
        )
        return cls.model_construct(**data)

    def with_answer(self, finding: Finding) -> FindingLine:
        """This line with the department's answer written out (FindingView.of's `response_text`)."""
        if self.response is None or finding.response is None:
            return self
        return self.model_copy(update={"response": self.response.model_copy(update={"text": finding.response.text})})


class TopicGroup(View):
    """One topic's findings, with the topic's status (engine.status.topic_status, the one every
    output shows) and the part of the review it stands in."""

    topic: str
    label: str
    status: TopicStatus
    status_label: str
    section: Section
    section_label: str
    findings: list[FindingLine]


class DataItemLine(View):
    """A data item, marked when added since the earlier approval, or removed."""

    name: str
    added: bool  # kept for the templates: shown as added (an added item, or a removed one struck through)
    change: Literal["added", "removed"] | None


class ChangeLine(View):
    """A computed change, numbered as the findings cite it (変更点（7件目）)."""

    number: int
    label: str
    kind: Literal["added", "removed", "changed"]
    kind_label: str
    marker: str
    before: str
    after: str
    declared: bool


class ResolvedLine(View):
    """A finding of the approved version that no longer fires."""

    text: str
    severity_label: str


class DeclaredLine(View):
    """A change the department declared, and whether the comparison found it."""

    text: str
    found: bool


class ComparisonLines(View):
    """The comparison with the approved version, in words."""

    source: str
    case: str
    meeting: str | None
    changes: list[ChangeLine]
    resolved: list[ResolvedLine]
    declared: list[DeclaredLine]


class ResponseLine(View):
    """The department's answer on a topic no finding stands in."""

    topic: str
    label: str
    text: str


class CaseReport(EvaluationView):
    """One proposal as every report and the page show it (see the module's docstring)."""

    findings: list[FindingLine]  # type: ignore[assignment]  # rank order, the answer's text left out
    exceptions: list[ExceptionLine]  # type: ignore[assignment]
    meeting_text: str
    letter_date: str | None  # the meeting's date alone (a letter's date line); None when not stated
    as_of_text: str
    groups: list[TopicGroup]
    data_items: list[DataItemLine]
    profile_label: str
    comparison: ComparisonLines | None
    other_responses: list[ResponseLine]
    severity_counts: dict[str, int] = Field(description="Findings that count, by severity.")


class MeetingReport(View):
    """Several proposals in case-number order, and the meetings they go to."""

    cases: list[CaseReport]
    meetings: list[str]
    title_proposal: str
    title_meeting: str


def case_sort_key(evaluation: Evaluation) -> tuple[Any, ...]:
    """Case-number order as people read it: 9 before 10, then text."""
    number = evaluation.case.number
    digits = re.match(r"\d+", number)
    return (0, int(digits.group()), number) if digits else (1, 0, number)


# Which part of a review a topic's findings stand in, by the topic's status: the opinion's points,
# the questions before the meeting, then the rest (reminders, and findings an exception set aside).
SECTION: dict[str, Section] = {
    "action": "opinion", "advice": "opinion", "question": "questions", "info": "notes", "no_finding": "notes", "na": "notes",
}
SECTION_HEADING = {"opinion": "report.part.opinion", "questions": "questions.heading", "notes": "report.part.notes"}


def rule_titles(catalog: Catalog, lang: str) -> dict[str, str]:
    """The catalog's rules by their titles (derivations are no rules a reader meets)."""
    return {c.id: c.spec.title.get(lang) for c in catalog.rules if not c.is_derivation}


def grouped_by_topic(
    evaluation: Evaluation, catalog: Catalog, lang: str, lines: list[FindingLine] | None = None
) -> list[TopicGroup]:
    """Findings grouped by topic, each group with its label, its status and the part of the review
    it stands in (`SECTION`); the department's answer shown once per topic, at its first finding.
    Groups come by status, and within one status where their first finding stands in the opinion's
    rank order (the Evaluation's order). `lines`: the findings' lines already made, in the
    Evaluation's order."""
    if lines is None:
        titles = rule_titles(catalog, lang)
        lines = [FindingLine.of(f, titles, lang) for f in evaluation.findings]
    groups: dict[str, list[tuple[Finding, FindingLine]]] = {}
    for finding, line in zip(evaluation.findings, lines, strict=True):
        groups.setdefault(finding.topic, []).append((finding, line))
    out = []
    for topic, items in groups.items():
        answered = next((i for i, (f, _) in enumerate(items) if f.response is not None), None)
        status = topic_status(evaluation, topic)
        out.append(TopicGroup.model_construct(
            topic=topic,
            label=catalog.topics[topic].get(lang),
            status=status,
            status_label=phrase(f"status.{status}", lang),
            section=SECTION[status],
            section_label=phrase(SECTION_HEADING[SECTION[status]], lang),
            findings=[line.with_answer(f) if i == answered else line for i, (f, line) in enumerate(items)],
        ))
    return sorted(out, key=lambda g: STATUSES.index(g.status))  # stable: rank order within a status


# ------------------------------------------------------------------ reports (HTML, Markdown, Word, the page)


def data_items_marked(evaluation: Evaluation) -> list[DataItemLine]:
    """The data items in the proposal's order, each marked when added since the earlier approval,
    removed ones last.

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
    line = DataItemLine.model_construct
    items = [line(name=n, added=n in marked, change="added" if n in marked else None) for n in evaluation.data_items]
    listed = set(evaluation.data_items)
    items += [line(name=n, added=True, change="added") for n in added if n not in listed and n is not None]
    items += [line(name=n, added=False, change="removed") for n in removed if n is not None]
    return items


def _comparison(evaluation: Evaluation, catalog: Catalog, lang: str) -> ComparisonLines | None:
    comparison = evaluation.changes.comparison
    if comparison is None:
        return None
    return ComparisonLines.model_construct(
        source=comparison.approved_source,
        case=comparison.approved_case,
        meeting=date_text(comparison.approved_meeting, lang) if comparison.approved_meeting else None,
        changes=[
            ChangeLine.model_construct(
                number=number, label=c.label.get(lang), kind=c.kind,
                kind_label=phrase(f"change.{c.kind}", lang), marker=phrase(f"change.marker.{c.kind}", lang),
                before=change_side(c, "before", lang),
                after=change_side(c, "after", lang),
                declared=c.declared,
            )
            for number, c in enumerate(comparison.changes, start=1)
        ],
        resolved=[
            ResolvedLine.model_construct(
                text=_resolved_text(_topic_label(catalog, f.topic, lang), f.title.get(lang), f.item, lang),
                severity_label=phrase(f"severity.{f.severity}", lang),
            )
            for f in evaluation.changes.resolved
        ],
        declared=[DeclaredLine.model_construct(text=declared_text(d.text, d.origin, lang), found=d.found) for d in comparison.declared],
    )


@speaks_for_its_catalog
def case_view(evaluation: Evaluation, catalog: Catalog, lang: str, titles: dict[str, str] | None = None) -> CaseReport:
    """One proposal as every report and the page show it (CaseReport); `titles`: the catalog's
    rule_titles, when several cases are prepared at once."""
    titles = rule_titles(catalog, lang) if titles is None else titles
    lines = [FindingLine.of(f, titles, lang) for f in evaluation.findings]
    data = dict(EvaluationView.of(evaluation, lang, findings=lines))
    # A response on a topic with no finding (the advice was taken, or never given) is still the
    # department's word to the council: show it rather than drop it.
    answered = {f.topic for f in evaluation.findings}
    meeting = evaluation.case.meeting
    data.update(
        exceptions=[ExceptionLine.of(x, titles, lang) for x in evaluation.exceptions],
        meeting_text=meeting_text(meeting, evaluation.case.session, lang) or "—",
        letter_date=date_text(meeting, lang) if meeting else None,
        as_of_text=date_text(evaluation.as_of, lang),
        groups=grouped_by_topic(evaluation, catalog, lang, lines),
        data_items=data_items_marked(evaluation),
        profile_label=profile_label(evaluation, lang),
        comparison=_comparison(evaluation, catalog, lang),
        other_responses=[
            ResponseLine.model_construct(topic=topic, label=_topic_label(catalog, topic, lang), text=text)
            for topic, text in evaluation.responses.items()
            if topic not in answered
        ],
        severity_counts={
            s: sum(1 for f in evaluation.findings if f.severity == s and f.counts)
            for s in sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__, reverse=True)  # blocker first
        },
    )
    return CaseReport.model_construct(**data)


def _resolved_text(topic: str, title: str, item: str | None, lang: str) -> str:
    """A resolved finding in one line: its topic and title (once when they are the same), and the
    item it was about."""
    text = title if title == topic else phrase("resolved.titled", lang, topic=topic, title=title)
    return phrase("resolved.item", lang, text=text, item=item) if item else text


def change_side(change: Change, side: Literal["before", "after"], lang: str) -> str:
    """A computed change's value on one side in words (the report, the page and the Excel form): the
    value as engine.value_text words it, or where that side has none, no such item (なし) for a
    list's item and not stated (未記載) for a field."""
    text = change.before_text if side == "before" else change.after_text
    if text is not None:
        return text.get(lang)
    return phrase("change.no_item" if change.item is not None else "value.none", lang)


def declared_text(text: str, origin: str, lang: str) -> str:
    """A declared change as a reader sees it: an added data item is named as one."""
    if origin != "added_items":
        return text
    return phrase("change.declared_item", lang, label=phrase("report.data_items", lang), item=text,
                  mark=phrase("change.marker.added", lang))


def profile_label(evaluation: Evaluation, lang: str) -> str:
    """Whose practice judged, as a council member reads it: the council's name (the profile's own
    name, a setting of the program, is for the terminal and JSON)."""
    p = evaluation.profile
    if p is None:
        return "—"
    return p.council.get(lang)


def council_title(evaluations: list[Evaluation], key: str, lang: str) -> str:
    """A report's title with the council's name (区/市/町 as the profile names it)."""
    title = phrase(key, lang)
    councils = list(dict.fromkeys(e.profile.council.get(lang) for e in evaluations if e.profile is not None))
    if len(councils) != 1:
        return title
    return phrase("report.title.of_council", lang, council=councils[0], title=title)
def meeting_names(evaluations: list[Evaluation], lang: str) -> list[str]:
    """The meetings the proposals go to, as the minutes name them (令和元年度第4回（令和元年9月9日）),
    oldest first."""
    keys = sorted({(e.case.meeting, e.case.session or 0) for e in evaluations if e.case.meeting})
    return [meeting_text(day, session or None, lang) for day, session in keys]


@speaks_for_its_catalog
def meeting_view(evaluations: list[Evaluation], catalog: Catalog, lang: str) -> MeetingReport:
    """Several proposals prepared for a report: the cases in case-number order and the meetings
    they go to."""
    ordered = sorted(evaluations, key=case_sort_key)
    titles = rule_titles(catalog, lang)
    return MeetingReport.model_construct(
        cases=[case_view(e, catalog, lang, titles) for e in ordered],
        meetings=meeting_names(ordered, lang),
        title_proposal=council_title(ordered, "report.title.proposal", lang),
        title_meeting=council_title(ordered, "report.title.meeting", lang),
    )


def _topic_label(catalog: Catalog, topic: str, lang: str) -> str:
    t = catalog.topics.get(topic)
    if t is None:
        return topic
    return t.get(lang)
