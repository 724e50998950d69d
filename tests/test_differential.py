"""durable_rules against the plain-Python reference evaluator, on proposals hypothesis generates.

The strategy is built from the proposal's field tree (engine.fields, derived from the models): every
section, every field, every choice, present or absent, so a field added to the format is covered
without touching this file. Both engines must agree on classification, verdict and findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itaku.engine import fields
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.fields import Field
from itaku.engine.models import Proposal

TEXTS = ("区民情報", "委託先株式会社", "氏名", "住所", "メールアドレス")
NUMBERS = (0, 1, 2, 3, 12, 100, 101, 5000)
DATES = (dt.date(2019, 9, 9), dt.date(2023, 3, 31), dt.date(2023, 4, 1), dt.date(2025, 1, 15))
SKIPPED = {"responses", "exceptions"}  # answers and waivers: read after matching, the same for both

PROFILE = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays stable
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _values(field: Field) -> st.SearchStrategy[Any]:
    """A strategy for one field's value, by its kind (never None here)."""
    least = field.min_items or 0
    if field.kind in (fields.CONST, fields.CHOICE):
        return st.sampled_from(field.values)
    if field.kind == fields.MULTI_CHOICE:
        return st.lists(st.sampled_from(field.values), unique=True, min_size=least)
    if field.kind == fields.TEXT_LIST:
        return st.lists(st.sampled_from(TEXTS), unique=True, min_size=least, max_size=3)
    if field.kind == fields.RECORDS:
        return st.lists(fields_strategy(field.children), min_size=least, max_size=3)
    if field.kind == fields.SECTION:
        return fields_strategy(field.children)
    if field.kind == fields.YESNO:
        return st.booleans()
    if field.kind == fields.INT:
        low, high = field.minimum or 0, field.maximum
        return st.sampled_from([n for n in NUMBERS if n >= low and (high is None or n <= high)] or [low])
    if field.kind == fields.DATE:
        return st.sampled_from(DATES)
    if field.kind == fields.TEXT:
        return st.sampled_from(TEXTS)
    raise TypeError(f"{field.path}: no strategy for a field of kind '{field.kind}'; extend tests/test_differential.py")


def fields_strategy(children: Iterable[Field]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts that validate as the model of these fields: required fields always, others present or absent."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for field in children:
        if field.name in SKIPPED:
            continue
        values = _values(field)
        if field.nullable:
            values = st.none() | values
        (required if field.required else optional)[field.name] = values
    return st.fixed_dictionaries(required, optional=optional)


def _ordered_period(data: dict[str, Any]) -> dict[str, Any]:
    """A period as a proposal may hold one: the end not before the start (the model refuses that)."""
    period = data.get("period")
    if period and period.get("start") and period.get("end") and period["end"] < period["start"]:
        data["period"] = {**period, "start": period["end"], "end": period["start"]}
    return data


proposals = fields_strategy(fields.tree()).map(_ordered_period).map(Proposal.model_validate)


def outcome(evaluation: Evaluation) -> tuple[Any, ...]:
    """What both engines must agree on."""
    return (
        evaluation.classification.agenda,
        evaluation.classification.redelegation,
        evaluation.verdict,
        [(f.rule_id, f.item, f.severity, f.evidence, f.fingerprint) for f in evaluation.findings],
    )


@PROFILE
@given(proposal=proposals)
def test_durable_agrees_with_reference(proposal: Proposal, durable: Evaluator, reference: Evaluator) -> None:
    got = outcome(durable.evaluate(proposal, "generated", detail=False))
    assert got == outcome(reference.evaluate(proposal, "generated", detail=False))


def test_the_strategy_reaches_every_section() -> None:
    """Guard the guard: generated proposals do include each optional section and subcontractors."""
    seen: set[str] = set()

    # 100: with 60, the fixed draw missed a section once case.session widened the case's strategy
    @settings(max_examples=100, derandomize=True, database=None, deadline=None)
    @given(proposal=proposals)
    def collect(proposal: Proposal) -> None:
        seen.update(k for k, v in proposal.model_dump().items() if v not in (None, [], {}))

    collect()
    assert {f.name for f in fields.tree()} - SKIPPED <= seen
