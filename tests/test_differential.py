"""durable_rules against the plain-Python reference evaluator, on proposals hypothesis generates.

The strategy is built from the pydantic models themselves (engine.models.Proposal): every section,
every field, every enum value, present or absent, so a field added to the format is covered
without touching this file. Both engines must agree on classification, verdict and findings.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from enum import Enum
from typing import Any

import annotated_types
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from itaku.engine.evaluation import Evaluation, Evaluator
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


def _bound(info: FieldInfo, kind: type, attribute: str) -> int | None:
    for meta in info.metadata:
        if isinstance(meta, kind):
            return getattr(meta, attribute)
    return None


def _split_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _values(annotation: Any, info: FieldInfo, path: str) -> st.SearchStrategy[Any]:
    """A strategy for one field's value, from its annotation (never None here)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if origin is list:
        (inner,) = typing.get_args(annotation)
        low = _bound(info, annotated_types.MinLen, "min_length") or 0
        if path == "subcontractors":
            return st.lists(model_strategy(inner, path), min_size=low, max_size=3)
        if isinstance(inner, type) and issubclass(inner, Enum):
            return st.lists(st.sampled_from([m.value for m in inner]), unique=True, min_size=low)
        return st.lists(_values(inner, FieldInfo(), path), unique=True, min_size=low, max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_strategy(annotation, path)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from([m.value for m in annotation])
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        low = _bound(info, annotated_types.Ge, "ge") or 0
        high = _bound(info, annotated_types.Le, "le")
        return st.sampled_from([n for n in NUMBERS if n >= low and (high is None or n <= high)] or [low])
    if annotation is dt.date:
        return st.sampled_from(DATES)
    if annotation is str:
        return st.sampled_from(TEXTS)
    raise TypeError(f"{path}: no strategy for {annotation!r}; extend tests/test_differential.py")


def model_strategy(model: type[BaseModel], path: str = "") -> st.SearchStrategy[dict[str, Any]]:
    """Dicts that validate as `model`: required fields always, optional ones present or absent."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        if name in SKIPPED:
            continue
        here = f"{path}.{name}" if path else name
        inner, nullable = _split_optional(info.annotation)
        values = _values(inner, info, here)
        if nullable:
            values = st.none() | values
        (required if info.is_required() else optional)[name] = values
    return st.fixed_dictionaries(required, optional=optional)


proposals = model_strategy(Proposal).map(Proposal.model_validate)


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
    assert outcome(durable.evaluate(proposal, "generated")) == outcome(reference.evaluate(proposal, "generated"))


def test_the_strategy_reaches_every_section() -> None:
    """Guard the guard: generated proposals do include each optional section and subcontractors."""
    seen: set[str] = set()

    @settings(max_examples=60, derandomize=True, database=None, deadline=None)
    @given(proposal=proposals)
    def collect(proposal: Proposal) -> None:
        seen.update(k for k, v in proposal.model_dump().items() if v not in (None, [], {}))

    collect()
    assert set(Proposal.model_fields) - SKIPPED <= seen
