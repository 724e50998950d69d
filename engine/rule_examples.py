"""Each rule's examples are its tests: partial proposals that must fire it, and that must not.

An example is merged onto a minimal base proposal (case number "EX", kinds [outsourcing], a meeting
date inside the rule's dates in force) and evaluated with the whole catalog, as a real proposal is.
An example may hold `approved:`, a partial proposal merged onto the same base: the version approved
earlier, which the example is then compared with (as `itaku check --approved`), and `name:`, a short
description shown instead of its place in the list (`examples.fires[0]`) when it fails.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from itaku.engine import conditions as cond
from itaku.engine.catalog import EXAMPLE_NAME, Compiled, Derivation
from itaku.engine.changes import compare
from itaku.engine.errors import InputError
from itaku.engine.evaluation import Evaluator
from itaku.engine.facts import build_facts
from itaku.engine.loader import validate
from itaku.engine.wording import phrase

DEFAULT_DAY = dt.date(2019, 9, 9)
APPROVED = "approved"  # the key of an example's approved version


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    expectation: str  # "fires" or "passes"
    index: int
    ok: bool
    detail: str
    name: str | None = None  # the example's own `name:`, when it has one

    def describe(self) -> str:
        """One line: the rule, the example (by its name, else its place), and expected against actual
        with the fields read."""
        verdict = phrase("rules.test.ok" if self.ok else "rules.test.fail")
        example = phrase("rules.test.named", name=self.name) if self.name else f"examples.{self.expectation}[{self.index}]"
        return f"{verdict} {self.rule_id} {example}: {self.detail}"


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def example_day(rule: Compiled) -> dt.date:
    """A meeting date on which the rule is in force: the seed's, or else the first day inside its
    dates in force on which a document it cites existed (the last day, for a rule since ended)."""
    if rule.in_force(DEFAULT_DAY):
        return DEFAULT_DAY
    eff = rule.spec.effective
    days = sorted({d for c in rule.citations for d in (c.document.date, eff.from_) if d is not None})
    if eff.until is not None:
        days.append(eff.until - dt.timedelta(days=1))
    return next((d for d in days if rule.in_force(d)), DEFAULT_DAY)


def example_document(rule: Compiled, example: dict[str, Any]) -> dict[str, Any]:
    """The full proposal document an example stands for (without its `approved` part)."""
    base = {
        "format": "itaku/v1",
        "case": {
            "number": "EX",
            "title": phrase("example.title", "ja", rule=rule.id),
            "department": phrase("example.department", "ja"),
            "meeting": example_day(rule),
            "kinds": ["outsourcing"],
        },
    }
    return _merge(base, {k: v for k, v in example.items() if k not in (APPROVED, EXAMPLE_NAME)})


def run_examples(evaluator: Evaluator, rules: list[Compiled] | None = None) -> list[ExampleResult]:
    """Evaluate every example of every rule (or of `rules`); one result per example."""
    catalog = evaluator.catalog
    targets = rules if rules is not None else [*catalog.derivations, *catalog.rules]
    results = []
    for rule in targets:
        for expectation in ("fires", "passes"):
            for index, example in enumerate(getattr(rule.spec.examples, expectation)):
                results.append(_run_one(evaluator, rule, expectation, index, example))
    return results


def _fields(rule: Compiled, facts: cond.Facts) -> str:
    shown = []
    for path in rule.paths:
        section, field, _ = cond.resolve(path)
        values = [cond.value_at(f, field) for f in facts.get(section, ())]
        shown.append(f"{path}={values[0] if len(values) == 1 else values if values else phrase('rules.test.section_absent')}")
    return ", ".join(shown)


def _run_one(evaluator: Evaluator, rule: Compiled, expectation: str, index: int, example: dict[str, Any]) -> ExampleResult:
    name = f"{rule.file}#{rule.id}.examples.{expectation}[{index}]"
    try:
        proposal = validate(example_document(rule, example), name, {})
        approved = None
        if APPROVED in example:
            earlier = validate(example_document(rule, example[APPROVED]), f"{name}.{APPROVED}", {})
            approved = (f"{name}.{APPROVED}", earlier)
    except InputError as exc:
        return ExampleResult(rule.id, expectation, index, False, phrase("rules.test.invalid", error=exc), example.get(EXAMPLE_NAME))
    facts = build_facts(proposal, compare(approved[1], proposal, approved[0]) if approved else None)
    day = proposal.case.meeting or DEFAULT_DAY
    if isinstance(rule.spec, Derivation):
        derived, _, _ = evaluator.matcher.run(name, facts, lambda m: {"agenda": [], "redelegation": "none"})
        fired = any(rule_id == rule.id for rule_id, _ in derived) and rule.in_force(day)
    else:
        evaluation = evaluator.evaluate(proposal, name, approved=approved, detail=False)
        fired = any(f.rule_id == rule.id for f in evaluation.findings)
    expected = expectation == "fires"
    detail = phrase(
        "rules.test.detail", expected=phrase("rules.test.expect_fire" if expected else "rules.test.expect_pass"),
        actual=phrase("rules.test.fired" if fired else "rules.test.not_fired"), fields=_fields(rule, facts),
    )
    return ExampleResult(rule.id, expectation, index, fired == expected, detail, example.get(EXAMPLE_NAME))
