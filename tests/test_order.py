"""durable_rules results must not depend on the order facts are asserted in.

durable_rules fires eagerly, so a negated pattern could see a fact "not yet there". The phase
markers (asserted last, after every fact) are the design that prevents it; this property test
asserts the facts in a shuffled order and demands identical findings and classification.
(Evaluations here skip the rule table and proposal dump, `detail=False`: `outcome` reads neither.)
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SEED
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluator
from itaku.engine.matching import DurableMatcher
from itaku.engine.models import Proposal
from itaku.files.reading import load_proposal
from test_differential import PROFILE, outcome, proposals


class ShuffledMatcher(DurableMatcher):
    """Asserts a proposal's facts in a random order; the phase markers still come last."""

    rng = random.Random(0)

    def order(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        shuffled = list(facts)
        self.rng.shuffle(shuffled)
        return shuffled


@pytest.fixture(scope="module")
def shuffled(catalog: Catalog) -> Evaluator:
    evaluator = Evaluator(catalog, "durable")
    evaluator.matcher = ShuffledMatcher(catalog)
    return evaluator


@PROFILE
@given(proposal=proposals, seed=st.integers(0, 2**32 - 1))
def test_fact_order_does_not_change_findings(proposal: Proposal, seed: int, durable: Evaluator, shuffled: Evaluator) -> None:
    ShuffledMatcher.rng.seed(seed)
    assert outcome(shuffled.evaluate(proposal, "generated", detail=False)) == outcome(durable.evaluate(proposal, "generated", detail=False))


@pytest.mark.parametrize("path", SEED, ids=lambda p: p.stem)
def test_seed_findings_survive_every_rotation(path, durable: Evaluator, shuffled: Evaluator) -> None:
    proposal = load_proposal(path)
    expected = outcome(durable.evaluate(proposal, str(path), detail=False))
    for seed in range(20):
        ShuffledMatcher.rng.seed(seed)
        assert outcome(shuffled.evaluate(proposal, str(path), detail=False)) == expected


class FreshMatcher(DurableMatcher):
    """A new durable session for every proposal (no reuse): the plain, slow way."""

    reuse = 1


@pytest.fixture(scope="module")
def fresh(catalog: Catalog) -> Evaluator:
    evaluator = Evaluator(catalog, "durable")
    evaluator.matcher = FreshMatcher(catalog)
    return evaluator


@PROFILE
@given(batch=st.lists(proposals, min_size=2, max_size=4))
def test_reused_sessions_carry_nothing_over(batch: list[Proposal], durable: Evaluator, fresh: Evaluator) -> None:
    for proposal in [*batch, batch[0]]:
        got = outcome(durable.evaluate(proposal, "generated", detail=False))
        assert got == outcome(fresh.evaluate(proposal, "generated", detail=False))
