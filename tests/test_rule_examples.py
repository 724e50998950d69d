"""Every rule's own examples, as pytest cases, on both engines."""

from __future__ import annotations

import pytest

from itaku.engine.catalog import default_catalog
from itaku.engine.evaluation import Evaluator
from itaku.engine.rule_examples import run_examples

RULES = [*default_catalog().derivations, *default_catalog().rules]


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples(rule, engine: str, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    evaluator: Evaluator = request.getfixturevalue(engine)
    failures = [r.describe() for r in run_examples(evaluator, [rule]) if not r.ok]
    assert not failures, "\n".join(failures)


def test_every_rule_has_an_example_each_way() -> None:
    for rule in RULES:
        assert rule.spec.examples.fires and rule.spec.examples.passes, rule.id


def test_rules_test_command_names_the_failure(cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A wrong expectation is reported with the rule, the example and the fields read."""
    from itaku.engine import rule_examples

    original = rule_examples._run_one

    def flipped(evaluator, rule, expectation, index, example):  # type: ignore[no-untyped-def]
        result = original(evaluator, rule, expectation, index, example)
        if rule.id == "MAIL-DOMAIN-AUTH" and expectation == "fires":
            return rule_examples.ExampleResult(rule.id, expectation, index, False, result.detail)
        return result

    monkeypatch.setattr(rule_examples, "_run_one", flipped)
    result = cli("rules", "test")
    assert result.exit_code == 1
    assert "失敗 MAIL-DOMAIN-AUTH examples.fires[0]: 期待：指摘する、結果：指摘した（" in result.stdout
    assert "email.sender_domain_auth.spf=" in result.stdout
    *failures, total = result.stdout.splitlines()
    assert failures and all(line.startswith("失敗 MAIL-DOMAIN-AUTH ") for line in failures)
    assert total.endswith(f"、失敗 {len(failures)} 件")
    english = cli("rules", "test", "--lang", "en")
    assert "FAIL MAIL-DOMAIN-AUTH examples.fires[0]: expected to fire, fired; " in english.stdout
    assert english.stdout.rstrip().endswith(f" passed, {len(failures)} failed")
