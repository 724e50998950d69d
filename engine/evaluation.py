"""The Evaluation: classification, findings and verdict of one proposal, the one model every
output reads. `Evaluator.evaluate` builds it from the matches of either engine."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from itaku.engine import conditions as cond
from itaku.engine.catalog import (
    IMPACT_RANK,
    OPINION,
    SEVERITY_RANK,
    Basis,
    Catalog,
    Compiled,
    Derivation,
    Impact,
    Localized,
    ProfileInfo,
    Rule,
    Severity,
    SeverityNote,
    words_of,
)
from itaku.engine.changes import Comparison, compare
from itaku.engine.citations import cited_on
from itaku.engine.countries import country_name
from itaku.engine.errors import EngineError, InputError
from itaku.engine.facts import build_facts
from itaku.engine.matching import Match, make_matcher
from itaku.engine.models import ExceptionEntry, Proposal
from itaku.engine.responses import read_answer
from itaku.engine.safe_text import shorten
from itaku.engine.templating import TemplateLimit, bounded_environment, render_bounded
from itaku.engine.templating import budget as message_budget
from itaku.engine.waivers import ExceptionStatus, Waivers
from itaku.engine.wording import phrase, speaking_for

Verdict = Literal["sufficient", "advice", "insufficient"]
Agenda = Literal["consultation", "report"]
Redelegation = Literal["none", "hosting_only", "yes"]
REDELEGATION_ORDER: tuple[Redelegation, ...] = ("none", "hosting_only", "yes")
AGENDA_ORDER: tuple[Agenda, ...] = ("consultation", "report")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Model):
    """One proposal field a rule read, with its value where the rule matched."""

    path: str
    value: Any


class ResponseStatus(_Model):
    """The department's answer on a finding's topic, and whether it closes the finding."""

    text: str
    closes: bool | None  # None: the rule states no criterion; a person judges
    explain: Localized | None
    promise_only: bool = False  # it only promises to look into the matter: never closes a finding


class Finding(_Model):
    rule_id: str
    topic: str
    severity: Severity  # after escalation: what this proposal's risk makes of the rule
    basis: Basis  # from what the proposal states, or from what it leaves unstated
    impact: Impact
    escalated: Localized | None  # why silence matters more here (the rule's `escalate`), if it did
    title: Localized
    message: Localized
    source: str
    checklist: Localized
    ask: Localized
    clause: Localized
    item: str | None  # the list item matched (a subcontractor's name), if any
    evidence: tuple[Evidence, ...]
    fingerprint: str
    exception: ExceptionStatus | None
    response: ResponseStatus | None
    carried_over: bool = False  # it also fired on the approved version (--approved): not new
    severity_note: SeverityNote | None = None  # the profile changed the rule's severity, and why

    @property
    def counts(self) -> bool:
        """Whether this finding counts toward the verdict (an accepted exception sets it aside)."""
        return self.exception is None or self.exception.status != "accepted"

    @property
    def in_opinion(self) -> bool:
        """Whether this finding is a point of the advisor's opinion (advice or a blocker that counts)."""
        return self.counts and self.severity in OPINION

    @property
    def open_question(self) -> bool:
        """A question before the meeting that the department's answer has not closed (an answer a
        person must judge, with no criterion, is taken as given)."""
        return self.counts and self.severity == "question" and (self.response is None or self.response.closes is False)


class Classification(_Model):
    agenda: tuple[Agenda, ...]
    redelegation: Redelegation
    notes: tuple[Localized, ...]  # why: the notes of the derivations that matched


class CaseInfo(_Model):
    number: str
    title: str
    department: str
    meeting: dt.date | None
    session: int | None = None  # the council's session in its fiscal year (第4回), when stated


class Changes(_Model):
    """What changed since an earlier approval: as the department declared it, and, when the approved
    version was given (`--approved`), as computed field by field."""

    previous_meeting: str | None
    changes: tuple[str, ...]
    added_items: tuple[str, ...]
    comparison: Comparison | None = None
    # findings of the approved version that no longer arise (--approved): what the revision resolved
    resolved: tuple[Finding, ...] = ()


class RuleStatus(_Model):
    """How one rule in force came out: the self-check sheet's row."""

    rule_id: str
    judgement: Literal["fit", "action", "advice", "question", "na"]


class Completeness(_Model):
    """Whether the proposal says enough to judge: the questions before the meeting still open.
    While any is open, the opinion is provisional on what is stated."""

    complete: bool
    open_questions: int


class Evaluation(_Model):
    source: str
    case: CaseInfo
    as_of: dt.date
    engine: str
    verdict: Verdict
    classification: Classification
    findings: tuple[Finding, ...]
    changes: Changes
    rules: tuple[RuleStatus, ...]  # empty when evaluated with detail=False
    exceptions: tuple[ExceptionStatus, ...]
    responses: dict[str, str]
    data_items: tuple[str, ...]
    proposal: Proposal | None  # the validated proposal, for outputs that list what it promises (None: detail=False)
    profile: ProfileInfo | None = None  # whose practice judged it
    conditions: tuple[Localized, ...] = ()  # the council's standard conditions for this proposal
    completeness: Completeness = Completeness(complete=True, open_questions=0)
    applicable_topics: tuple[str, ...] = ()  # topics some rule in force applies to (see engine.status)
    topic_names: tuple[tuple[str, Localized], ...] = ()  # the catalog's topics, in its order, with their labels

    def topic_labels(self, lang: str) -> list[tuple[str, str]]:
        """Every topic of the catalog that judged, as (id, label in `lang`)."""
        return [(topic, name.get(lang)) for topic, name in self.topic_names]


def verdict_of(findings: tuple[Finding, ...]) -> Verdict:
    """The opinion alone: insufficient if any counted blocker, advice if any counted advice, else
    sufficient. Questions and reminders never change it."""
    severities = {f.severity for f in findings if f.in_opinion}
    return "insufficient" if "blocker" in severities else "advice" if "advice" in severities else "sufficient"


def completeness_of(findings: tuple[Finding, ...]) -> Completeness:
    """How many questions before the meeting are still open."""
    open_questions = sum(1 for f in findings if f.open_question)
    return Completeness(complete=open_questions == 0, open_questions=open_questions)


def rank_key(finding: Finding, order: dict[str, int]) -> tuple[Any, ...]:
    """The order every output lists findings in: the opinion's points first (blockers, then advice;
    within each, high impact first, then stated weaknesses before silences, then catalog order),
    then the questions, then the reminders."""
    basis_rank = 0 if finding.basis == "stated" else 1
    return (-SEVERITY_RANK[finding.severity], IMPACT_RANK[finding.impact], basis_rank, order[finding.rule_id], finding.item or "")


# YAML folds a long message's lines with spaces; Japanese is written without them.
_CJK_GAP = re.compile(r"(?<=[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef])")


def _join_cjk_lines(text: str) -> str:
    return _CJK_GAP.sub("", text)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _read_answer(answer: str) -> tuple[bool, str]:
    """(whether the answer only promises, its committed sentences normalised for matching)."""
    promise_only, committed = read_answer(answer)
    return promise_only, _normalise(committed)


QUOTE_LIMIT = 100  # characters of a proposal's value quoted inside a message
SHOWN_LIMIT = 200  # characters of an item's name or an evidence value kept in a finding


def _quoted(value: Any) -> Any:
    return shorten(value, QUOTE_LIMIT) if isinstance(value, str) else value


def message_templates() -> Any:
    """The sandboxed jinja2 environment of rule messages, bounded in steps, time and size (see
    engine/templating.py); jinja2 is imported only when a message with a placeholder is first needed
    (most are plain text, and a cold `check` should not wait)."""
    env = bounded_environment(_quoted)
    # a country as held (US) named as people read it (アメリカ合衆国): {{ item.country | country('ja') }}
    env.filters["country"] = lambda value, lang="ja": country_name(str(value), lang) if value is not None else value
    return env


class Evaluator:
    """Evaluates proposals against one catalog with one engine; build once, reuse for many."""

    def __init__(self, catalog: Catalog, engine: str = "durable") -> None:
        self.catalog = catalog
        self.engine = engine
        self.matcher = make_matcher(catalog, engine)
        self._compiled_messages: dict[tuple[str, str], Any] = {}
        self._words = words_of(catalog.profile)  # how the changes' labels name the municipality
        self._applies = {c.id: cond.compile_match(cond.normal_form(c.applies)) if c.applies else None for c in catalog.rules}
        self._force: dict[dt.date, frozenset[str]] = {}
        self._applies_by_key: dict[str, Any] = {}

    def evaluate(
        self,
        proposal: Proposal,
        source: str,
        as_of: dt.date | None = None,
        register: tuple[tuple[str, int, ExceptionEntry], ...] = (),
        approved: tuple[str, Proposal] | None = None,
        detail: bool = True,
    ) -> Evaluation:
        """Classify and review one proposal. `register` holds exceptions kept apart from proposals
        as (file, index, entry) for this case. `approved` is the version approved earlier, as
        (source, proposal): the changes are computed, and findings that fired on it too (under the
        same rules in force) are marked as carried over. Raises InputError for answers or exceptions
        naming unknown topics or rules, EngineError when a rule cannot be evaluated. `detail=False` leaves
        out what only the Excel checklists read, the table of every rule's status and the proposal as
        data (`rules` stays empty, `proposal` None), for outputs that never show them: they cost a third
        of an evaluation."""
        day = as_of or proposal.case.meeting or dt.date.today()
        self._check_references(proposal, source, register)
        comparison = None
        if approved is not None:
            with speaking_for(self._words):
                comparison = compare(approved[1], proposal, approved[0])
        facts = build_facts(proposal, comparison)
        derived, classification, matches = self.matcher.run(source, facts, lambda m: self._classify(m, day))
        derived_ids = {rule_id for rule_id, _ in derived}
        notes = tuple(
            d.spec.note
            for d in self.catalog.derivations
            if d.id in derived_ids and self._in_force(d, day) and isinstance(d.spec, Derivation)
        )
        waivers = Waivers(self.catalog, list(proposal.exceptions), [e for _, _, e in register], day)
        with message_budget():  # the messages of one proposal share one budget of steps and time
            findings = self._findings(proposal, source, facts, matches, day, waivers)
        resolved: tuple[Finding, ...] = ()
        if approved is not None:
            earlier = self.evaluate(approved[1], approved[0], day)
            kept = {(f.rule_id, f.item) for f in earlier.findings}
            findings = [f.model_copy(update={"carried_over": True}) if (f.rule_id, f.item) in kept else f for f in findings]
            now = {(f.rule_id, f.item) for f in findings}
            resolved = tuple(f for f in earlier.findings if f.counts and (f.rule_id, f.item) not in now)
        findings_t = tuple(findings)
        data = proposal.data
        prev = proposal.case.previous_approval
        return Evaluation(
            source=source,
            case=CaseInfo(
                number=proposal.case.number,
                title=proposal.case.title,
                department=proposal.case.department,
                meeting=proposal.case.meeting,
                session=proposal.case.session,
            ),
            as_of=day,
            engine=self.engine,
            verdict=verdict_of(findings_t),
            completeness=completeness_of(findings_t),
            applicable_topics=self._applicable_topics(facts, findings_t, day),
            topic_names=self._topic_names,
            classification=Classification(
                agenda=tuple(classification["agenda"]), redelegation=classification["redelegation"], notes=notes
            ),
            findings=findings_t,
            changes=Changes(
                previous_meeting=prev.meeting if prev else None,
                changes=tuple(prev.changes) if prev else (),
                added_items=tuple(data.added_items) if data else (),
                comparison=comparison,
                resolved=resolved,
            ),
            rules=self._rule_statuses(facts, findings_t, day) if detail else (),
            exceptions=waivers.statuses(),
            responses=dict(proposal.responses),
            data_items=tuple(data.items) if data else (),
            proposal=proposal if detail else None,
            profile=self.catalog.profile,
            conditions=self._conditions(proposal),
        )

    # -------------------------------------------------------------- pieces

    def _check_references(
        self, proposal: Proposal, source: str, register: tuple[tuple[str, int, ExceptionEntry], ...]
    ) -> None:
        for topic in proposal.responses:
            if topic not in self.catalog.topics:
                raise InputError(source, f"responses.{topic}", phrase("error.not_a_topic", topic=topic))
        places = [(source, f"exceptions[{i}].rule", e) for i, e in enumerate(proposal.exceptions)]
        places += [(file, f"[{i}].rule", e) for file, i, e in register]
        for file, where, entry in places:
            rule = self.catalog.rule(entry.rule)
            if rule is None or rule.is_derivation:
                raise InputError(file, where, phrase("error.not_a_rule", rule=entry.rule))

    def _conditions(self, proposal: Proposal) -> tuple[Localized, ...]:
        profile = self.catalog.profile
        kinds = set(proposal.case.kinds)
        return tuple(
            c.text for c in (profile.conditions if profile else ()) if c.kinds is None or kinds & set(c.kinds)
        )

    def _in_force(self, rule: Compiled, day: dt.date) -> bool:
        return rule.id in self._in_force_ids(day)

    def _in_force_ids(self, day: dt.date) -> frozenset[str]:
        """The rules and derivations in force on `day`, worked out once per day (a batch of proposals
        shares few meeting dates; at most 64 days are kept, so a server's memory stays bounded)."""
        ids = self._force.get(day)
        if ids is None:
            if len(self._force) >= 64:
                self._force.clear()
            ids = self._force[day] = frozenset(c.id for c in (*self.catalog.rules, *self.catalog.derivations) if c.in_force(day))
        return ids

    def _classify(self, derived: list[Match], day: dt.date) -> dict[str, Any]:
        agenda: set[str] = set()
        redelegation = "none"
        for rule_id, _ in derived:
            rule = self.catalog.rule(rule_id)
            if rule is None or not self._in_force(rule, day):
                continue
            assert isinstance(rule.spec, Derivation)
            for key, value in rule.spec.derive.items():
                if key == "agenda":
                    agenda.add(value)
                elif REDELEGATION_ORDER.index(value) > REDELEGATION_ORDER.index(redelegation):  # type: ignore[arg-type]
                    redelegation = value
        return {"agenda": [a for a in AGENDA_ORDER if a in agenda], "redelegation": redelegation}

    def _findings(
        self,
        proposal: Proposal,
        source: str,
        facts: cond.Facts,
        matches: list[Match],
        day: dt.date,
        waivers: Waivers,
    ) -> list[Finding]:
        seen: dict[tuple[str, str | None], Finding] = {}
        names: dict[tuple[str, str], int] = {}  # (rule, item name) -> findings so far, for fingerprints
        read = functools.cache(_read_answer)  # each topic's answer read once, however many findings it answers
        for rule_id, binding in matches:
            rule = self.catalog.rule(rule_id)
            if rule is None or not self._in_force(rule, day):
                continue
            spec = rule.spec
            assert isinstance(spec, Rule)
            item_fact = next((f for s, f in sorted(binding.items()) if s in cond.LIST_SECTIONS), None)
            item = item_fact.get("name") if item_fact else None
            # keyed by the item's place, so two subcontractors of the same name stay two findings
            key = (rule_id, item_fact["id"] if item_fact else None)
            if key in seen:
                continue  # another conjunct of the same rule matched the same thing
            occurrence = names[(rule_id, item or "")] = names.get((rule_id, item or ""), 0) + 1
            context = self._context(facts, binding)
            exception = waivers.for_rule(rule_id)
            answer = proposal.responses.get(spec.topic)
            basis = self._basis(rule, facts, binding)
            severity, because = self._escalated(rule, facts) if basis == "unstated" else (spec.severity, None)
            seen[key] = Finding(
                rule_id=rule_id,
                topic=spec.topic,
                severity=severity,
                basis=basis,
                impact=spec.impact,
                escalated=because,
                title=spec.title,
                message=Localized(
                    ja=self._render(source, rule, "ja", context), en=self._render(source, rule, "en", context)
                ),
                source=cited_on(rule.citations, day),  # only what existed on the date in force
                checklist=spec.checklist,
                ask=spec.ask,
                clause=spec.clause,
                item=shorten(item, SHOWN_LIMIT) if isinstance(item, str) else item,
                evidence=self._evidence(rule, proposal, facts, binding),
                fingerprint=_fingerprint(rule_id, proposal.case.number, item, occurrence),
                exception=exception,
                response=self._judge(spec, answer, read(answer)) if answer is not None else None,
                severity_note=self.catalog.severity_notes.get(rule_id),
            )
        order = self._order
        return sorted(seen.values(), key=lambda f: rank_key(f, order))

    @functools.cached_property
    def _topic_names(self) -> tuple[tuple[str, Localized], ...]:
        return tuple((t.id, Localized(ja=t.ja, en=t.en)) for t in self.catalog.topics.values())

    @functools.cached_property
    def _order(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(self.catalog.rules)}

    @staticmethod
    def _basis(rule: Compiled, facts: cond.Facts, binding: dict[str, dict[str, Any]]) -> Basis:
        """A mixed rule's finding is from silence when none of the fields it judges that silence can
        satisfy (`{not: true}`, `== null`) is stated; otherwise from a stated weakness."""
        spec = rule.spec
        assert isinstance(spec, Rule)
        if spec.basis != "mixed":
            return spec.basis
        for path in rule.silenceable:
            section, field, _ = cond.resolve(path)
            fact = binding.get(section) or (facts.get(section) or [None])[0]
            if fact is not None and cond.value_at(fact, field) is not None:
                return "stated"
        return "unstated"

    def _escalated(self, rule: Compiled, facts: cond.Facts) -> tuple[Severity, Localized | None]:
        """The severity of a finding from silence: the rule's severity of silence, raised by the
        highest of its `escalate` steps whose condition holds, with the reason."""
        spec = rule.spec
        assert isinstance(spec, Rule)
        severity: Severity = spec.silent_severity
        because = None
        for i, (_, step) in enumerate(rule.escalations):
            if SEVERITY_RANK[step.to] > SEVERITY_RANK[severity] and self._escalations[rule.id][i](facts):
                severity, because = step.to, step.because
        return severity, because

    @functools.cached_property
    def _escalations(self) -> dict[str, list[Any]]:
        return {c.id: [cond.compile_match(conjuncts) for conjuncts, _ in c.escalations] for c in self.catalog.rules}

    @functools.cached_property
    def _rules_by_topic(self) -> tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]:
        """Each topic in the catalog's order, with its rules and the key of their `applies` (None:
        always): rules that share a scope share its key, so it is matched once per proposal."""
        grouped: dict[str, list[tuple[str, str | None]]] = {}
        for c in self.catalog.rules:
            key = repr(cond.normal_form(c.applies)) if c.applies else None
            if key is not None:
                self._applies_by_key.setdefault(key, self._applies[c.id])
            grouped.setdefault(c.spec.topic, []).append((c.id, key))  # type: ignore[union-attr]
        return tuple((topic, tuple(rules)) for topic, rules in grouped.items())

    def _applicable_topics(self, facts: cond.Facts, findings: tuple[Finding, ...], day: dt.date) -> tuple[str, ...]:
        """Topics of the catalog's order that some rule in force applies to (a topic with a finding
        applies): what separates 指摘なし from 該当なし."""
        found = {f.topic for f in findings}
        force = self._in_force_ids(day)
        held: dict[str, bool] = {}  # applies key -> whether it holds for these facts

        def holds(key: str | None) -> bool:
            if key is None:
                return True
            if key not in held:
                held[key] = bool(self._applies_by_key[key](facts))
            return held[key]

        out: list[str] = []
        for topic, rules in self._rules_by_topic:
            keys = [key for rule_id, key in rules if rule_id in force]
            if keys and (topic in found or any(holds(key) for key in keys)):
                out.append(topic)
        return tuple(out)

    @staticmethod
    def _context(facts: cond.Facts, binding: dict[str, dict[str, Any]]) -> dict[str, Any]:
        context: dict[str, Any] = {s: fs[0] for s, fs in facts.items() if fs and s not in cond.LIST_SECTIONS}
        context.update(binding)
        context["item"] = next((f for s, f in sorted(binding.items()) if s in cond.LIST_SECTIONS), None)
        return context

    def _render(self, source: str, rule: Compiled, lang: str, context: dict[str, Any]) -> str:
        key = (rule.id, lang)
        template = self._compiled_messages.get(key)
        spec = rule.spec
        assert isinstance(spec, Rule)
        try:
            if template is None:
                text = _join_cjk_lines(spec.message.get(lang))
                # most messages are plain text: keep them as they are instead of rendering each time
                template = message_templates().from_string(text) if "{" in text else text.strip()
                self._compiled_messages[key] = template
            if isinstance(template, str):
                return template
            return render_bounded(template, {**context, "params": rule.params}).strip()
        except Exception as exc:
            from jinja2 import TemplateError, TemplateSyntaxError  # already imported: only a template gets this far
            from jinja2.sandbox import SecurityError

            # a message written past the limits, or using what a message may not (a filter, a method),
            # is the fault of the rule's file (a profile's): exit 2 naming it
            where = f"{phrase('error.line')} {rule.line} [{rule.id}]"
            if isinstance(exc, TemplateLimit):
                raise InputError(rule.file, where, phrase("error.message_limit", error=exc)) from None
            if isinstance(exc, (TemplateSyntaxError, SecurityError)):
                raise InputError(rule.file, where, phrase("error.message_failed", error=exc)) from None
            if isinstance(exc, (TemplateError, TypeError, ValueError, KeyError)):
                raise EngineError(source, rule.id, f"message template failed: {exc}") from None
            raise

    @staticmethod
    def _evidence(
        rule: Compiled, proposal: Proposal, facts: cond.Facts, binding: dict[str, dict[str, Any]]
    ) -> tuple[Evidence, ...]:
        out = []
        for path in rule.paths:
            section, field, _ = cond.resolve(path)
            fact = binding.get(section) or (facts.get(section) or [None])[0]
            if fact is None:
                continue
            shown = path if section not in cond.LIST_SECTIONS else f"{fact['id']}.{field}"
            value = _held(proposal, section, fact, field)
            if isinstance(value, str):
                value = shorten(value, SHOWN_LIMIT)
            elif isinstance(value, list):
                value = [shorten(v, SHOWN_LIMIT) if isinstance(v, str) else v for v in value]
            out.append(Evidence(path=shown, value=value))
        return tuple(out)

    @staticmethod
    def _judge(spec: Rule, answer: str, reading: tuple[bool, str]) -> ResponseStatus:
        promise_only, text = reading
        if promise_only:
            # 「確認し、検討する」 commits to nothing yet, whatever it names
            explain = Localized(ja=phrase("response.promise_only", "ja"), en=phrase("response.promise_only", "en"))
            return ResponseStatus(text=answer, closes=False, explain=explain, promise_only=True)
        if spec.response is None:
            return ResponseStatus(text=answer, closes=None, explain=None)
        # `text`: what is committed to, normalised; what is only promised does not count
        closes = any(_normalise(term) in text for term in spec.response.must_mention)
        return ResponseStatus(text=answer, closes=closes, explain=None if closes else spec.response.explain)

    def _rule_statuses(self, facts: cond.Facts, findings: tuple[Finding, ...], day: dt.date) -> tuple[RuleStatus, ...]:
        worst: dict[str, int] = {}
        for f in findings:
            if f.counts:
                worst[f.rule_id] = max(worst.get(f.rule_id, 0), SEVERITY_RANK[f.severity])
        out = []
        for c in self.catalog.rules:
            if not self._in_force(c, day):
                continue
            if c.id in worst:
                judgement = ("fit", "question", "advice", "action")[worst[c.id]]
            elif (applies := self._applies[c.id]) is None or applies(facts):
                judgement = "fit"
            else:
                judgement = "na"
            out.append(RuleStatus(rule_id=c.id, judgement=judgement))  # type: ignore[arg-type]
        return tuple(out)


def _held(proposal: Proposal, section: str, fact: dict[str, Any], field: str) -> Any:
    """A field a rule read, as the proposal holds it (a date as a date, where the facts carry JSON's
    ISO text); a fact the engine derives (the classification, the comparison, data items) as the
    fact has it."""
    if section in cond.DERIVED_SECTIONS:
        return cond.value_at(fact, field)
    held: Any = proposal if section == cond.ROOT else getattr(proposal, section)
    if section in cond.LIST_SECTIONS:  # a record's fact is named by its place: `subcontractors[N]`
        held = held[int(fact["id"].removeprefix(f"{section}[").removesuffix("]"))]
    for part in field.split("."):
        held = getattr(held, part, None)
    # a whole section read (whether it is there at all): as the fact has it, with its sizes
    return cond.value_at(fact, field) if isinstance(held, BaseModel) else held


def _fingerprint(rule_id: str, case: str, item: str | None, occurrence: int) -> str:
    """Rule, case and matched item (a subcontractor's name): stable from one revision to the next.
    A second item of the same name gets its occurrence number, so fingerprints stay unique."""
    key = f"{rule_id}|{case}|{item or ''}" + (f"|{occurrence}" if occurrence > 1 else "")
    return hashlib.sha256(key.encode()).hexdigest()[:16]
