"""The JSON contract: what `itaku check --format json` prints (a list of these objects) and what
`itaku screen` writes for each proposal (one object, compact).

`EvaluationView` is built from an Evaluation in one language: the Evaluation's codes (verdict,
severity, agenda, status) for programs, with their labels in that language for people. It is the one
definition of the JSON output; the report templates start from it too. Its JSON Schema is published
as docs/evaluation.schema.json (a test fails when the file is out of date) and printed by
`itaku schema`. Keys and their order are those of the models below; dates are ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from itaku.engine.catalog import Basis, Severity
from itaku.engine.evaluation import Agenda, Evaluation, Finding, Redelegation, Verdict
from itaku.engine.safe_text import json_text
from itaku.engine.status import TopicStatus, completeness_lead, opinion_text, topic_status, verdict_label
from itaku.engine.value_text import AGENDA, value_words
from itaku.engine.waivers import ExceptionStatus, Origin, State
from itaku.engine.wording import phrase

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def agenda_text(evaluation: Evaluation, lang: str) -> str:
    """諮問・報告 as one label (e.g. 諮問＋報告); — when neither."""
    return value_words(AGENDA, list(evaluation.classification.agenda), lang)


class View(BaseModel):
    """A part of the JSON view: frozen, no key but its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def as_data(self) -> dict[str, Any]:
        """The view as JSON data (dicts, lists, strings; dates as ISO text)."""
        return self.model_dump(mode="json")


class CaseView(View):
    """The case the proposal belongs to."""

    number: str = Field(description="Case number, as text.")
    title: str = Field(description="Title of the proposal.")
    department: str = Field(description="Department that submits it.")
    meeting: dt.date | None = Field(description="Date of the council meeting; null when not stated.")
    session: int | None = Field(description="The meeting's number in its fiscal year (session N); null when not stated.")


class ClassificationView(View):
    """Where the proposal goes on the agenda, and whether it is re-delegation."""

    agenda: list[Agenda] = Field(description="consultation and/or report; empty when neither.")
    agenda_label: str = Field(description="The agenda as people read it; an em dash when empty.")
    redelegation: Redelegation = Field(description="none, hosting_only (not re-delegation) or yes.")
    redelegation_label: str = Field(description="The re-delegation as people read it.")
    notes: list[str] = Field(description="Why: the notes of the classification rules that matched.")


class EvidenceView(View):
    """One field a rule read, with its value."""

    path: str = Field(description="Dotted field path; a list item's field is named by the item (subcontractors[0].role).")
    value: Any = Field(description="The value read (null: not stated).")


class ExceptionView(View):
    """An exception (waiver) and what became of it."""

    rule_id: str = Field(description="The rule excepted.")
    origin: Origin = Field(description="Where it was stated: the proposal or the --waivers register.")
    status: State = Field(
        description="accepted sets the finding aside; the others leave it counting (unused: no finding to except; "
        "superseded: another exception on the same rule applies instead)."
    )
    reason: str | None = Field(description="Why the council allowed it.")
    compensating: str | None = Field(description="The compensating measure.")
    approved_by: str | None = Field(description="Who approved it.")
    decision: str | None = Field(description="The decision (meeting and date).")
    until: dt.date | None = Field(description="Last day in force; null: no end.")
    superseded_by: Origin | None = Field(description="Where the exception that applies instead came from, if superseded.")
    status_label: str = Field(description="The status as people read it.")

    @classmethod
    def of(cls, exception: ExceptionStatus, lang: str) -> ExceptionView:
        """The exception in `lang`."""
        return cls(**exception.model_dump(), status_label=phrase(f"exception.{exception.status}", lang))


class ResponseView(View):
    """The department's answer on a finding's topic."""

    text: str | None = Field(
        description="Null in the JSON output: the answer's text is in `responses`, once per topic (reports show it "
        "beside the first finding of the topic)."
    )
    closes: bool | None = Field(description="Whether it addresses the finding; null: the rule states no criterion.")
    promise_only: bool = Field(
        description="The answer only promises to look into the matter (to study it, to check later): it never closes a finding."
    )
    status_label: str = Field(description="The judgement as people read it.")
    explain: str | None = Field(description="Why it does not close the finding, when the rule says.")


class SeverityChangedView(View):
    """A severity the profile changed for this rule, and why."""

    from_: Severity = Field(alias="from", description="The catalog's severity.")
    from_label: str = Field(description="That severity as people read it.")
    reason: str = Field(description="Why the profile judges it otherwise.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)


class FindingView(View):
    """One finding: the advisor's remark, what to confirm and what to add, with its evidence."""

    rule_id: str = Field(description="The rule that raised it.")
    topic: str = Field(description="Topic id (rules/topics.yaml).")
    severity: Severity = Field(
        description="blocker, advice, question (to state before the meeting) or info; "
        "only blocker and advice are points of the opinion."
    )
    severity_label: str = Field(description="The severity as people read it.")
    basis: Basis = Field(description="stated: from what the proposal states; unstated: from what it leaves unstated.")
    escalated: str | None = Field(
        description="Why this silence is raised above the rule's usual level for this proposal's risk; null when not."
    )
    title: str = Field(description="The rule's title.")
    message: str = Field(description="The advisor-style remark.")
    source: str = Field(description="The guideline it rests on.")
    checklist: str = Field(description="The checklist wording.")
    ask: str = Field(description="What to confirm with the department.")
    clause: str = Field(description="A clause to add to the contract or the proposal.")
    item: str | None = Field(description="The list item it concerns (a subcontractor's name), if any.")
    evidence: list[EvidenceView] = Field(description="The fields the rule read.")
    fingerprint: str = Field(description="Stable id: rule, case number and item; the same across revisions.")
    counts: bool = Field(description="Whether it counts toward the verdict (false: set aside by an accepted exception).")
    carried_over: bool = Field(description="It also fired on the approved version compared with (--approved): not new.")
    severity_changed: SeverityChangedView | None = Field(description="The profile changed the rule's severity, and why.")
    exception: ExceptionView | None = Field(description="The exception that names its rule, if any.")
    response: ResponseView | None = Field(description="The department's answer on its topic, if any.")

    @classmethod
    def of(cls, finding: Finding, lang: str, response_text: bool = False) -> FindingView:
        """The finding in `lang`. The department's answer is judged per finding, but its text is given
        only where `response_text` says (once per topic in a report; never in JSON, where `responses`
        holds it): a long answer is not repeated per finding."""
        response = None
        if finding.response is not None:
            r = finding.response
            state = "unjudged" if r.closes is None else "closes" if r.closes else "open"
            response = ResponseView(
                text=r.text if response_text else None,
                closes=r.closes,
                promise_only=r.promise_only,
                status_label=phrase(f"response.{state}", lang),
                explain=r.explain.get(lang) if r.explain else None,
            )
        return cls(
            rule_id=finding.rule_id,
            topic=finding.topic,
            severity=finding.severity,
            severity_label=phrase(f"severity.{finding.severity}", lang),
            basis=finding.basis,
            escalated=finding.escalated.get(lang) if finding.escalated else None,
            title=finding.title.get(lang),
            message=finding.message.get(lang),
            source=finding.source,
            checklist=finding.checklist.get(lang),
            ask=finding.ask.get(lang),
            clause=finding.clause.get(lang),
            item=finding.item,
            evidence=[EvidenceView(path=e.path, value=e.value) for e in finding.evidence],
            fingerprint=finding.fingerprint,
            counts=finding.counts,
            carried_over=finding.carried_over,
            severity_changed=None if finding.severity_note is None else SeverityChangedView(
                from_=finding.severity_note.original,
                from_label=phrase(f"severity.{finding.severity_note.original}", lang),
                reason=finding.severity_note.reason.get(lang),
            ),
            exception=ExceptionView.of(finding.exception, lang) if finding.exception is not None else None,
            response=response,
        )


class ComparedWithView(View):
    """The approved version the proposal was compared with (--approved)."""

    source: str = Field(description="Its file, as given.")
    case: str = Field(description="Its case number.")
    meeting: dt.date | None = Field(description="Its meeting date.")


class ChangeView(View):
    """One change from the approved version, computed field by field."""

    path: str = Field(description="Where: a dotted path; a list item by its key (subcontractors[NAME].role).")
    kind: Literal["added", "removed", "changed"] = Field(description="added, removed or changed.")
    kind_label: str = Field(description="The kind as people read it.")
    label: str = Field(description="The field in the form's labels, with its group labels.")
    item: str | None = Field(description="The list item added or removed, or whose field changed.")
    before: Any = Field(description="The approved version's value (null: not stated or absent).")
    after: Any = Field(description="This version's value (null: not stated or absent).")
    declared: bool = Field(description="Whether a declared change (previous_approval.changes, added_items) covers it.")
    text: str = Field(description="As the council's plain text marks it: the label, the value and an added / removed / changed mark.")


class DeclaredChangeView(View):
    """One change the department declared, and whether the comparison found it."""

    text: str = Field(description="The declaration as written.")
    origin: Literal["changes", "added_items"] = Field(description="previous_approval.changes or data.added_items.")
    found: bool = Field(description="Whether some computed change answers to it.")


class ChangesView(View):
    """What changed since an earlier approval: as declared, and as computed when compared (--approved)."""

    previous_approval: str | None = Field(description="The meeting that approved the earlier version.")
    changes: list[str] = Field(description="The changes as the proposal lists them.")
    added_items: list[str] = Field(description="Data items added since then.")
    compared_with: ComparedWithView | None = Field(description="The approved version compared with; null: no comparison.")
    computed: list[ChangeView] = Field(description="Every change found by the comparison (empty without one).")
    declared: list[DeclaredChangeView] = Field(description="Every declared change, found or not (empty without a comparison).")

    @classmethod
    def of(cls, evaluation: Evaluation, lang: str) -> ChangesView:
        """The changes in `lang`."""
        ch, c = evaluation.changes, evaluation.changes.comparison
        return cls(
            previous_approval=ch.previous_meeting,
            changes=list(ch.changes),
            added_items=list(ch.added_items),
            compared_with=None if c is None else ComparedWithView(
                source=c.approved_source, case=c.approved_case, meeting=c.approved_meeting
            ),
            computed=[
                ChangeView(
                    path=x.path, kind=x.kind, kind_label=phrase(f"change.{x.kind}", lang), label=x.label.get(lang),
                    item=x.item, before=x.before, after=x.after, declared=x.declared, text=x.text.get(lang),
                )
                for x in (c.changes if c else ())
            ],
            declared=[DeclaredChangeView(text=d.text, origin=d.origin, found=d.found) for d in (c.declared if c else ())],
        )


class CompletenessView(View):
    """Whether the proposal says enough to judge (the questions before the meeting still open)."""

    complete: bool = Field(description="No question is open: the opinion is final on what is stated.")
    open_questions: int = Field(description="Findings of severity question that no answer has closed.")
    lead: str | None = Field(description="The line every output leads with while questions are open; null when complete.")


class TopicView(View):
    """One topic's status, the same in every output."""

    topic: str = Field(description="Topic id (rules/topics.yaml).")
    label: str = Field(description="The topic as people read it.")
    status: TopicStatus = Field(description="action, advice, question, info, no_finding or na.")
    status_label: str = Field(description="The status as people read it.")


class ProfileView(View):
    """Whose practice judged: the municipality's profile."""

    id: str = Field(description="The profile's id.")
    name: str = Field(description="Its name, as people read it.")
    municipality: str = Field(description="The municipality.")
    council: str = Field(description="Its council.")
    source: str = Field(description="The shipped profile's name, or the folder or file it was read from.")
    digest: str = Field(description="A digest of the profile's files: two edits of one profile are told apart.")


class EvaluationView(View):
    """One proposal's review, in one language."""

    model_config = ConfigDict(title="itaku evaluation")

    source: str = Field(description="The input file as given.")
    case: CaseView
    as_of: dt.date = Field(description="The date whose rules were applied.")
    engine: Literal["durable", "reference"] = Field(description="The evaluator used.")
    verdict: Verdict = Field(description="sufficient, advice or insufficient: formed from the opinion's points alone (blocker, advice).")
    verdict_label: str = Field(description="The verdict in a word, marked provisional while questions are open.")
    verdict_text: str = Field(description="The opinion in the council's phrase; said to be provisional while questions are open.")
    completeness: CompletenessView
    classification: ClassificationView
    profile: ProfileView | None = Field(description="The profile that judged (--profile, ITAKU_PROFILE, the configuration, or default).")
    conditions: list[str] = Field(description="The standard conditions the council attaches to approving this proposal.")
    findings: list[FindingView] = Field(
        description="Ranked: the opinion's points first (blockers, then advice; high impact, then stated weaknesses "
        "before silences, then catalog order), then the questions, then the reminders."
    )
    topics: list[TopicView] = Field(description="Every topic of the catalog with its status, in the catalog's topic order.")
    changes: ChangesView
    exceptions: list[ExceptionView] = Field(description="Every exception, used or not, and what became of it.")
    responses: dict[str, str] = Field(description="The department's answers by topic id.")

    @classmethod
    def of(cls, evaluation: Evaluation, lang: str, findings: Sequence[FindingView] | None = None) -> EvaluationView:
        """The Evaluation in `lang` (ja or en); `findings`, when given, are its findings' views already
        made (the report's view makes them with more words, and need not make them twice)."""
        e, c = evaluation, evaluation.classification
        return cls(
            source=e.source,
            case=CaseView(
                number=e.case.number, title=e.case.title, department=e.case.department,
                meeting=e.case.meeting, session=e.case.session,
            ),
            as_of=e.as_of,
            engine=e.engine,  # type: ignore[arg-type]
            verdict=e.verdict,
            verdict_label=verdict_label(e, lang),
            verdict_text=opinion_text(e, lang),
            completeness=CompletenessView(
                complete=e.completeness.complete, open_questions=e.completeness.open_questions, lead=completeness_lead(e, lang),
            ),
            classification=ClassificationView(
                agenda=list(c.agenda),
                agenda_label=agenda_text(e, lang),
                redelegation=c.redelegation,
                redelegation_label=phrase(f"redelegation.{c.redelegation}", lang),
                notes=[n.get(lang) for n in c.notes],
            ),
            profile=None if e.profile is None else ProfileView(
                id=e.profile.id, name=e.profile.name.get(lang), municipality=e.profile.municipality.get(lang),
                council=e.profile.council.get(lang), source=e.profile.source, digest=e.profile.digest,
            ),
            conditions=[x.get(lang) for x in e.conditions],
            findings=list(findings) if findings is not None else [FindingView.of(f, lang) for f in e.findings],
            topics=[
                # built from the catalog's topics and engine.status, never from input: no validation needed
                TopicView.model_construct(
                    topic=t, label=label, status=(s := topic_status(e, t)), status_label=phrase(f"status.{s}", lang)
                )
                for t, label in e.topic_labels(lang)
            ],
            changes=ChangesView.of(e, lang),
            exceptions=[ExceptionView.of(x, lang) for x in e.exceptions],
            responses=dict(e.responses),
        )


def evaluations_json(evaluations: Iterable[Evaluation], lang: str) -> str:
    """`itaku check --format json`: a list of evaluation objects, indented (characters that could act
    on a terminal written as escapes, engine.safe_text.json_text)."""
    return json_text([EvaluationView.of(e, lang).as_data() for e in evaluations], indent=2)


def evaluation_json_line(evaluation: Evaluation, lang: str) -> bytes:
    """One evaluation object on one line (`itaku screen`'s result files). json's C encoder writes it:
    with `indent` json falls back to its pure-Python encoder, several times slower per result."""
    return (json_text(EvaluationView.of(evaluation, lang).as_data()) + "\n").encode()


def schema() -> dict[str, Any]:
    """The JSON Schema of one evaluation object (draft 2020-12)."""
    return {"$schema": SCHEMA_DIALECT, **EvaluationView.model_json_schema()}


def schema_text() -> str:
    """The schema as published in docs/evaluation.schema.json and printed by `itaku schema`."""
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
