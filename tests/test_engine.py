"""Engine behaviour: errors surface, fingerprints, evidence, exceptions, eras (fact order: test_order.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import EXAMPLES, SEED
from itaku.engine import matching
from itaku.engine.catalog import Catalog
from itaku.engine.errors import EngineError, InputError
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.models import ExceptionEntry, Proposal
from itaku.files.reading import load_proposal


def _findings(evaluation: Evaluation) -> list[tuple[Any, ...]]:
    return [(f.rule_id, f.item, f.severity, f.fingerprint, f.evidence) for f in evaluation.findings]


def test_durable_and_reference_agree_on_the_seed(durable: Evaluator, reference: Evaluator) -> None:
    for path in SEED:
        proposal = load_proposal(path)
        a, b = durable.evaluate(proposal, "x"), reference.evaluate(proposal, "x")
        assert (a.verdict, a.classification, _findings(a)) == (b.verdict, b.classification, _findings(b))


def test_an_error_inside_an_action_surfaces_with_rule_and_proposal(catalog: Catalog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    evaluator = Evaluator(catalog, "durable")

    def broken(handle: Any, state: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(matching.dre, "complete_and_start_action", broken)
    with pytest.raises(EngineError) as info:
        evaluator.evaluate(load_proposal(EXAMPLES / "seed" / "27.yaml"), "27.yaml")
    message = str(info.value)
    assert "27.yaml" in message and "boom" in message
    assert info.value.rule_id is not None and info.value.rule_id in message


def test_template_error_is_an_engine_error_naming_the_rule(catalog: Catalog) -> None:
    evaluator = Evaluator(catalog, "durable")
    rule = catalog.rule("MAIL-DOMAIN-AUTH")
    assert rule is not None
    evaluator._compiled_messages[(rule.id, "ja")] = evaluator._compiled_messages.get((rule.id, "ja")) or None
    from itaku.engine.evaluation import message_templates

    evaluator._compiled_messages[(rule.id, "ja")] = message_templates().from_string("{{ nothing.here }}")
    with pytest.raises(EngineError) as info:
        evaluator.evaluate(load_proposal(EXAMPLES / "seed" / "27.yaml"), "27.yaml")
    assert "MAIL-DOMAIN-AUTH" in str(info.value) and "27.yaml" in str(info.value)


def test_fingerprint_is_stable_across_revisions(durable: Evaluator) -> None:
    proposal = load_proposal(EXAMPLES / "seed" / "27.yaml")
    revised = proposal.model_copy(update={"business": None})
    first = {f.rule_id: f.fingerprint for f in durable.evaluate(proposal, "a").findings}
    second = {f.rule_id: f.fingerprint for f in durable.evaluate(revised, "b").findings}
    assert first["MAIL-DOMAIN-AUTH"] == second["MAIL-DOMAIN-AUTH"]


def test_findings_carry_their_evidence(durable: Evaluator) -> None:
    finding = next(
        f for f in durable.evaluate(load_proposal(EXAMPLES / "seed" / "27.yaml"), "x").findings
        if f.rule_id == "MAIL-DOMAIN-AUTH"
    )
    evidence = {e.path: e.value for e in finding.evidence}
    assert set(evidence) == {f"email.sender_domain_auth.{k}" for k in ("spf", "dkim", "dmarc")}
    assert evidence["email.sender_domain_auth.spf"] is None


def _with_exception(path, **fields: Any) -> Proposal:  # type: ignore[no-untyped-def]
    proposal = load_proposal(path)
    return proposal.model_copy(update={"exceptions": [ExceptionEntry(**fields)]})


def test_exception_sets_a_finding_aside_but_keeps_it(durable: Evaluator) -> None:
    proposal = _with_exception(
        EXAMPLES / "seed" / "24.yaml", rule="SYS-PERIMETER-ONLY", reason="情報システム課が年次点検を実施",
        approved_by="審議会", decision="令和元年度第4回", until=dt.date(2020, 3, 31),
    )
    evaluation = durable.evaluate(proposal, "24")
    finding = next(f for f in evaluation.findings if f.rule_id == "SYS-PERIMETER-ONLY")
    assert finding.exception is not None and finding.exception.status == "accepted"
    assert evaluation.verdict == "sufficient"
    assert [e.status for e in evaluation.exceptions] == ["accepted"]


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"reason": "理由", "until": dt.date(2019, 1, 1)}, "expired"),
        ({"reason": "  "}, "no_reason"),
    ],
)
def test_expired_or_reasonless_exception_reopens(durable: Evaluator, fields: dict[str, Any], status: str) -> None:
    proposal = _with_exception(EXAMPLES / "seed" / "24.yaml", rule="SYS-PERIMETER-ONLY", **fields)
    evaluation = durable.evaluate(proposal, "24")
    finding = next(f for f in evaluation.findings if f.rule_id == "SYS-PERIMETER-ONLY")
    assert finding.exception is not None and finding.exception.status == status
    assert evaluation.verdict == "advice"


def test_unwaivable_rule_cannot_be_excepted(durable: Evaluator) -> None:
    base = load_proposal(EXAMPLES / "seed" / "23.yaml")
    email = base.email.model_copy(update={"recipients": "to_cc"})  # type: ignore[union-attr]
    proposal = base.model_copy(update={
        "email": email,
        "exceptions": [ExceptionEntry(rule="MAIL-RECIPIENTS-VISIBLE", reason="急ぎのため")],
    })
    evaluation = durable.evaluate(proposal, "23")
    finding = next(f for f in evaluation.findings if f.rule_id == "MAIL-RECIPIENTS-VISIBLE")
    assert finding.exception is not None and finding.exception.status == "not_waivable"
    assert evaluation.verdict == "insufficient"


def test_unused_exception_is_listed(durable: Evaluator) -> None:
    proposal = _with_exception(EXAMPLES / "seed" / "21.yaml", rule="MAIL-DOMAIN-AUTH", reason="x")
    assert [e.status for e in durable.evaluate(proposal, "21").exceptions] == ["unused"]


def test_exception_naming_an_unknown_rule_is_input_error(durable: Evaluator) -> None:
    proposal = _with_exception(EXAMPLES / "seed" / "21.yaml", rule="NO-SUCH-RULE", reason="x")
    with pytest.raises(InputError) as info:
        durable.evaluate(proposal, "21.yaml")
    assert "exceptions[0].rule" in str(info.value)


def test_as_of_selects_the_era(durable: Evaluator) -> None:
    proposal = load_proposal(EXAMPLES / "seed" / "21.yaml")
    before = durable.evaluate(proposal, "21")
    after = durable.evaluate(proposal, "21", as_of=dt.date(2024, 4, 1))
    assert before.classification.agenda == ("consultation", "report")
    assert after.classification.agenda == ("report",)


def test_a_renewed_waiver_in_the_register_wins_over_an_expired_one(durable: Evaluator, reference: Evaluator) -> None:
    expired = ExceptionEntry(rule="SYS-PERIMETER-ONLY", reason="旧決定", until=dt.date(2019, 1, 1))
    renewed = ExceptionEntry(rule="SYS-PERIMETER-ONLY", reason="更新後の決定", decision="令和元年度第4回", until=dt.date(2021, 3, 31))
    proposal = load_proposal(EXAMPLES / "seed" / "24.yaml").model_copy(update={"exceptions": [expired]})
    for evaluator in (durable, reference):
        evaluation = evaluator.evaluate(proposal, "24", register=(("register.yaml", 0, renewed),))
        finding = next(f for f in evaluation.findings if f.rule_id == "SYS-PERIMETER-ONLY")
        assert finding.exception is not None
        assert (finding.exception.status, finding.exception.origin, finding.exception.reason) == ("accepted", "register", "更新後の決定")
        assert [(e.origin, e.status, e.superseded_by) for e in evaluation.exceptions] == [
            ("proposal", "superseded", "register"), ("register", "accepted", None),
        ]
        assert evaluation.verdict == "sufficient"


def test_the_waiver_in_force_wins_whichever_is_listed_first(durable: Evaluator) -> None:
    in_force = ExceptionEntry(rule="SYS-PERIMETER-ONLY", reason="現行の決定")
    expired = ExceptionEntry(rule="SYS-PERIMETER-ONLY", reason="旧決定", until=dt.date(2019, 1, 1))
    proposal = load_proposal(EXAMPLES / "seed" / "24.yaml").model_copy(update={"exceptions": [in_force]})
    evaluation = durable.evaluate(proposal, "24", register=(("register.yaml", 0, expired),))
    assert [(e.origin, e.status) for e in evaluation.exceptions] == [("proposal", "accepted"), ("register", "superseded")]


def test_two_subcontractors_of_the_same_name_stay_two_findings(durable: Evaluator, reference: Evaluator) -> None:
    base = load_proposal(EXAMPLES / "extra" / "01-unapproved-redelegate.yaml")
    assert base.subcontractors
    first = base.subcontractors[0]
    twin = first.model_copy()
    proposal = base.model_copy(update={"subcontractors": [first, twin, *base.subcontractors[1:]]})
    single = durable.evaluate(base, "x")
    per_item = {f.rule_id for f in single.findings if f.item == first.name}
    assert per_item  # the example raises something about this subcontractor
    for evaluator in (durable, reference):
        doubled = evaluator.evaluate(proposal, "x")
        for rule_id in per_item:
            ones = [f for f in single.findings if f.rule_id == rule_id and f.item == first.name]
            twos = [f for f in doubled.findings if f.rule_id == rule_id and f.item == first.name]
            assert len(twos) == 2 * len(ones)
            assert all(first.name in f.message.ja for f in twos)
            fingerprints = [f.fingerprint for f in twos]
            assert len(set(fingerprints)) == len(fingerprints)
            assert ones[0].fingerprint in fingerprints  # the first keeps the fingerprint it had
