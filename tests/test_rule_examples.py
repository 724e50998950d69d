"""Every rule's own examples, as pytest cases, on both engines."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from itaku.engine import rule_examples
from itaku.engine.catalog import Examples
from itaku.engine.evaluation import Evaluator
from itaku.engine.profiles import default_catalog
from itaku.engine.rule_examples import run_examples

RULES = [*default_catalog().derivations, *default_catalog().rules]


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples(rule, engine: str, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    evaluator: Evaluator = request.getfixturevalue(engine)
    failures = [r.describe() for r in run_examples(evaluator, [rule]) if not r.ok]
    assert not failures, "\n".join(failures)


def test_rules_test_command_names_the_failure(cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A wrong expectation is reported with the rule, the example and the fields read."""
    original = rule_examples._run_one

    def flipped(evaluator, rule, expectation, index, example):  # type: ignore[no-untyped-def]
        result = original(evaluator, rule, expectation, index, example)
        if rule.id == "MAIL-DOMAIN-AUTH" and expectation == "fires":
            return dataclasses.replace(result, ok=False)
        return result

    monkeypatch.setattr(rule_examples, "_run_one", flipped)
    result = cli("rules", "test")
    assert result.exit_code == 1
    # the examples are named in the rule file, so a failure reads by its name, not examples.fires[0]
    assert "失敗 MAIL-DOMAIN-AUTH 「一斉送信でDKIMを設定しない」: 期待：指摘する、結果：指摘した（" in result.stdout
    assert "examples.fires" not in result.stdout
    assert "email.sender_domain_auth.spf=" in result.stdout
    *failures, total = result.stdout.splitlines()
    assert failures and all(line.startswith("失敗 MAIL-DOMAIN-AUTH ") for line in failures)
    assert total.endswith(f"、失敗 {len(failures)} 件")
    english = cli("rules", "test", "--lang", "en")
    assert 'FAIL MAIL-DOMAIN-AUTH "一斉送信でDKIMを設定しない": expected to fire, fired; ' in english.stdout
    assert english.stdout.rstrip().endswith(f" passed, {len(failures)} failed")


def test_an_unnamed_example_is_named_by_its_place() -> None:
    """Without `name:` a failure says where the example is; with one, its name."""
    unnamed = rule_examples.ExampleResult("R", "passes", 2, False, "…")
    named = dataclasses.replace(unnamed, name="個別送信")
    assert "R examples.passes[2]: " in unnamed.describe()
    assert "R 「個別送信」: " in named.describe() and "examples." not in named.describe()


@pytest.mark.parametrize("name", [3, "", "  ", "二行\nの名前", None])
def test_an_example_name_is_one_line_of_text(name: object) -> None:
    with pytest.raises(ValidationError, match="must be one line of text"):
        Examples(fires=[{"name": name}], passes=[{}])


def test_example_names_are_unique_within_a_rule() -> None:
    with pytest.raises(ValidationError, match="two examples are named"):
        Examples(fires=[{"name": "同じ"}], passes=[{"name": "同じ"}])
    assert Examples(fires=[{"name": "指摘する"}], passes=[{"name": "指摘しない"}, {}])
