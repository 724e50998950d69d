"""A response that only promises to look into something never closes a finding, whatever keywords it
contains; the output says why. Only the sentences that commit to something are searched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from itaku.engine.evaluation import Evaluator
from itaku.engine.loader import validate
from itaku.engine.responses import committed_text, is_promise, promise_only
from itaku.engine.wording import phrase

MAIL = {
    "format": "itaku/v1",
    "case": {"number": "R", "title": "t", "department": "d", "meeting": "2019-09-09", "kinds": ["outsourcing"]},
    "email": {"bulk_send": True, "sender_domain_auth": {"spf": False}},
}


@pytest.mark.parametrize("text", [
    "確認し、検討する",
    "SPF・DKIM・DMARCの設定について、委託事業者に確認し、検討する。",
    "送信ドメイン認証は今後確認する",
    "今後確認",
    "導入を検討します",
    "委託先と協議のうえ、対応を検討いたします。",
    "SPFの設定は調整中です。",
    "We will consider SPF and DMARC.",
])
def test_promises_are_recognised(text: str) -> None:
    assert promise_only(text)
    assert committed_text(text) == ""


@pytest.mark.parametrize("text", [
    "送信ドメインにSPF、DKIM及びDMARCを設定する",
    "研修の実施状況を担当課で確認する",
    "業務開始前に手順書を作成させる予定である",
    "検討の結果、SPFとDKIMを設定した",
])
def test_commitments_are_not_promises(text: str) -> None:
    assert not promise_only(text)
    assert not is_promise(text)


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize(("answer", "closes", "promise"), [
    ("SPF、DKIM、DMARCによる送信ドメイン認証について、委託先に確認し、検討する", False, True),
    ("送信ドメイン認証（SPF・DKIM・DMARC）を設定する", True, False),
    ("受信設定を案内する。SPF・DKIM・DMARCの設定は今後検討します。", False, False),
    ("SPFとDKIMを設定する。DMARCは今後検討する。", True, False),
])
def test_domain_authentication_answers(answer: str, closes: bool, promise: bool, engine: str, request: pytest.FixtureRequest) -> None:
    evaluator: Evaluator = request.getfixturevalue(engine)
    proposal = validate({**MAIL, "responses": {"sender-domain-authentication": answer}}, "r", {})
    (finding,) = [f for f in evaluator.evaluate(proposal, "r").findings if f.rule_id == "MAIL-DOMAIN-AUTH"]
    assert finding.response is not None
    assert finding.response.closes is closes
    assert finding.response.promise_only is promise
    if promise:
        assert finding.response.explain is not None
        assert finding.response.explain.ja == phrase("response.promise_only", "ja")


def test_a_promise_on_a_rule_without_criteria_is_still_not_an_answer(durable: Evaluator) -> None:
    doc = {**MAIL, "case": {**MAIL["case"], "kinds": ["outsourcing"]}, "vendor": {"name": "委託先"},
           "responses": {"vendor-selection": "選定方法については今後確認する"}}
    (finding,) = [f for f in durable.evaluate(validate(doc, "r", {}), "r").findings if f.topic == "vendor-selection"]
    assert finding.response is not None and finding.response.closes is False and finding.response.promise_only


def test_the_report_says_why(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({**MAIL, "responses": {"sender-domain-authentication": "SPFの設定を検討します"}},
                                   allow_unicode=True), encoding="utf-8")
    text = cli("check", path, "--fail-on", "never").stdout
    assert phrase("response.promise_only", "ja") in text
    assert phrase("response.promise_only", "en") in cli("check", path, "--fail-on", "never", "--lang", "en").stdout
