"""The project's own examples beyond the seed: each produces what tests/expected_examples.yaml says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES
from itaku.engine.evaluation import Evaluator
from itaku.files.reading import load_proposal

EXPECTED = yaml.safe_load((Path(__file__).parent / "expected_examples.yaml").read_text(encoding="utf-8"))


def test_every_extra_example_has_expectations() -> None:
    assert sorted(p.name for p in (EXAMPLES / "extra").glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name: str, engine: str, request: pytest.FixtureRequest) -> None:
    evaluator: Evaluator = request.getfixturevalue(engine)
    expected = EXPECTED[name]
    path = EXAMPLES / "extra" / name
    evaluation = evaluator.evaluate(load_proposal(path), str(path))
    assert evaluation.verdict == expected["verdict"]
    assert list(evaluation.classification.agenda) == expected["agenda"]
    if "redelegation" in expected:
        assert evaluation.classification.redelegation == expected["redelegation"]
    opinion = {f.topic for f in evaluation.findings if f.in_opinion}
    asked = {f.topic for f in evaluation.findings if f.severity == "question" and f.counts}
    assert set(expected["raised"]) <= opinion
    if not expected["raised"]:
        assert not opinion
    assert set(expected.get("asked", ())) <= asked | opinion
    assert not set(expected.get("not_above_info", ())) & (opinion | asked)
    excepted = sorted(f.rule_id for f in evaluation.findings if not f.counts)
    assert excepted == sorted(expected.get("excepted", ()))
