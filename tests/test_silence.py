"""Silence judged by risk (issue 25): the two channels, the severity of silence by the proposal's risk,
never 十分 on an empty page, the opinion ranked, on both engines."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from conftest import EXAMPLES
from itaku.engine.catalog import RULES_DIR, Catalog
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.loader import validate
from itaku.engine.status import completeness_lead, opinion_text, topic_status, verdict_label
from itaku.files.reading import load_proposal

ENGINES = ["durable", "reference"]


def _evaluate(evaluator: Evaluator, **sections: Any) -> Evaluation:
    case = {"number": "T", "title": "題", "department": "課", "meeting": "2024-06-10", "kinds": ["outsourcing"]}
    doc = {"format": "itaku/v1", "case": {**case, **sections.pop("case", {})}, **sections}
    return evaluator.evaluate(validate(doc, "t", {}), "t")


def _severity(evaluation: Evaluation, topic: str) -> str | None:
    status = topic_status(evaluation, topic)
    return {"action": "blocker", "advice": "advice", "question": "question", "info": "info"}.get(status)


def test_every_bundled_rule_declares_its_basis(catalog: Catalog) -> None:
    """The default (stated) is for a municipality's older rule files; the catalog says it for every rule."""
    for path in sorted(RULES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in (data or {}).get("rules", []) if isinstance(data, dict) else []:
            assert rule.get("basis") in ("stated", "unstated", "mixed"), (path.name, rule["id"])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "kinds", [["outsourcing"], ["system_change"], ["delegation"], ["external_linkage"], ["outsourcing", "redelegation"]]
)
def test_a_nearly_empty_proposal_is_never_sufficient(kinds: list[str], engine: str, request: pytest.FixtureRequest) -> None:
    evaluation = _evaluate(request.getfixturevalue(engine), case={"kinds": kinds})
    assert evaluation.verdict != "sufficient"
    assert "十分" not in verdict_label(evaluation, "ja") or "不十分" in verdict_label(evaluation, "ja")
    assert any(f.basis == "unstated" and f.in_opinion for f in evaluation.findings)


FULLY_STATED_MAIL = {
    "business": {"purpose": "メールマガジンの配信", "subjects": "登録者", "subject_count": 3000},
    "data": {"items": ["メールアドレス"], "media": ["electronic"], "sensitive": False, "my_number": False, "minimised": True},
    "vendor": {"name": "配信事業者", "selection": "proposal", "certifications": ["isms"], "requirements_confirmed": True},
    "period": {"start": "2024-07-01", "end": "2025-03-31"},
    "work_location": "cloud",
    "contract": {"special_provisions": True, "staff_list": True},
    "system": {
        "internet_facing": True, "firewall": True, "waf": True, "patches": True, "access_log_monitoring": True,
        "internal_security_review": True, "backups": True, "cloud_certifications": ["ismap"],
        "backup_offline": True, "restore_tested": True, "exit_plan": True, "service_level": True,
        "data_location": "domestic", "antivirus": {"vendor_servers": True, "ward_terminals": True, "auto_update": True},
        "authentication": {"method": "id_password", "per_person_accounts": True, "mfa": True},
    },
    "email": {
        "bulk_send": True, "recipients": "bcc", "dedicated_account": True, "multi_person_check": True,
        "procedure_manual": True, "joint_walkthrough": True, "report_after_each_send": True, "attachments": "none",
        "sender_domain_auth": {"spf": True, "dkim": True, "dmarc": True}, "personal_data_in_content": False,
    },
    "lifecycle": {
        "data_returned": True, "deletion_at_end": True, "deletion_witnessed": True, "deletion_certificate": True,
        "deletion_method": "overwrite", "handover_method": "encrypted_transfer",
    },
    "supervision": {
        "on_site_inspection": True, "inspections_per_year": 1, "staff_training": True, "trainings_per_year": 1,
        "incident_manual": True, "management_record": True, "annual_report": True,
        "reports_evaluated": True, "defects_corrected": True, "stop_work_on_incident": True,
    },
}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_fully_stated_cloud_mail_proposal_stays_quiet(engine: str, request: pytest.FixtureRequest) -> None:
    doc = yaml.safe_load(yaml.safe_dump(FULLY_STATED_MAIL))
    doc["system"]["removable_media_banned"] = True
    evaluation = _evaluate(request.getfixturevalue(engine), **doc)
    assert evaluation.verdict == "sufficient", [(f.rule_id, f.severity) for f in evaluation.findings]
    assert not [f.rule_id for f in evaluation.findings if f.severity == "question"]
    assert evaluation.completeness.complete
    assert opinion_text(evaluation, "ja") == "必要となる対策は十分にとられている。"
    assert completeness_lead(evaluation, "ja") is None


@pytest.mark.parametrize("engine", ENGINES)
def test_removable_media_unmentioned_is_a_question_not_advice(engine: str, request: pytest.FixtureRequest) -> None:
    evaluation = _evaluate(request.getfixturevalue(engine), **yaml.safe_load(yaml.safe_dump(FULLY_STATED_MAIL)))
    assert evaluation.verdict == "sufficient"
    assert _severity(evaluation, "removable-media") == "question"
    assert not evaluation.completeness.complete and evaluation.completeness.open_questions == 1
    assert completeness_lead(evaluation, "ja") == "記載の確認が必要な事項 1件"
    assert verdict_label(evaluation, "ja") == "十分（暫定）"
    assert opinion_text(evaluation, "ja").startswith("以下の意見は、提案に記載された範囲で判断した暫定のもの")


HARDENING = ("patching", "access-logging", "access-control", "waf", "vulnerability-assessment")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_exposed_system_with_no_hardening_stated_gets_a_point_per_topic(engine: str, request: pytest.FixtureRequest) -> None:
    evaluator = request.getfixturevalue(engine)
    bare = _evaluate(evaluator, data={"items": ["氏名"]}, vendor={"name": "事業者"},
                     system={"internet_facing": True, "development": True})
    for topic in HARDENING:
        assert _severity(bare, topic) == "advice", topic
        finding = next(f for f in bare.findings if f.topic == topic)
        assert finding.basis == "unstated" and finding.escalated is not None
    assert not [f for f in bare.findings if f.topic == "missing-information" and f.in_opinion]
    guarded = _evaluate(evaluator, data={"items": ["氏名"]}, vendor={"name": "事業者"},
                        system={"internet_facing": True, "development": True, "firewall": True})
    for topic in HARDENING:
        assert _severity(guarded, topic) == "question", topic
    stated = _evaluate(evaluator, data={"items": ["氏名"]}, vendor={"name": "事業者"},
                       system={"internet_facing": True, "patches": False})
    patch = next(f for f in stated.findings if f.topic == "patching")
    assert (patch.basis, patch.severity) == ("stated", "advice")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("subcontractor", "topics"),
    [
        ({"name": "入力会社", "role": "data_processing", "handles_personal_data": True}, {"redelegation": "advice"}),
        (
            {"name": "入力会社", "role": "data_processing", "handles_personal_data": True, "approved_by_ward": True},
            {"redelegation": "advice"},
        ),
        (
            {"name": "入力会社", "role": "data_processing", "approved_by_ward": True, "same_obligations": True},
            {"redelegation": "question"},
        ),
        (  # approved on a checked basis, but how it is supervised afterwards is not said (issue 24)
            {"name": "入力会社", "role": "data_processing", "approved_by_ward": True, "same_obligations": True,
             "security_confirmed": True},
            {"redelegation": "question"},
        ),
        (
            {"name": "入力会社", "role": "data_processing", "approved_by_ward": True, "same_obligations": True,
             "security_confirmed": True, "supervision_planned": True},
            {"redelegation": None},
        ),
    ],
)
def test_a_declared_re_delegate_with_its_terms_unstated_is_raised(
    subcontractor: dict[str, Any], topics: dict[str, str | None], engine: str, request: pytest.FixtureRequest
) -> None:
    evaluation = _evaluate(
        request.getfixturevalue(engine), case={"kinds": ["outsourcing", "redelegation"]},
        data={"items": ["氏名"]}, vendor={"name": "事業者"}, work_location="vendor_site", subcontractors=[subcontractor],
    )
    for topic, expected in topics.items():
        assert _severity(evaluation, topic) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_a_mixed_rule_tells_a_stated_weakness_from_silence(engine: str, request: pytest.FixtureRequest) -> None:
    evaluator = request.getfixturevalue(engine)
    base = {"data": {"items": ["氏名"]}, "vendor": {"name": "事業者"}, "work_location": "vendor_site"}
    silent = _evaluate(evaluator, **base, application_site={"hosting": "vendor"})
    said = _evaluate(evaluator, **base, application_site={"hosting": "vendor"}, system={"backups": False})
    assert [(f.basis, f.severity) for f in silent.findings if f.rule_id == "SITE-BACKUP"] == [("unstated", "question")]
    assert [(f.basis, f.severity) for f in said.findings if f.rule_id == "SITE-BACKUP"] == [("stated", "advice")]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_answer_that_states_the_measure_closes_the_question(engine: str, request: pytest.FixtureRequest) -> None:
    evaluator = request.getfixturevalue(engine)
    doc = yaml.safe_load(yaml.safe_dump(FULLY_STATED_MAIL))
    open_ = _evaluate(evaluator, **doc)
    assert open_.completeness.open_questions == 1
    promised = _evaluate(evaluator, **doc, responses={"removable-media": "外部記録媒体の扱いは今後検討する。"})
    assert promised.completeness.open_questions == 1  # a promise to look into it closes nothing
    answered = _evaluate(evaluator, **doc, responses={"removable-media": "USBメモリ等の外部記録媒体は使用させない。"})
    assert answered.completeness.complete


def _opinion(evaluation: Evaluation) -> list[str]:
    return list(dict.fromkeys(f.topic for f in evaluation.findings if f.in_opinion))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_seed_opinions_lead_with_the_advisors_points(engine: str, request: pytest.FixtureRequest) -> None:
    evaluator = request.getfixturevalue(engine)

    def opinion(number: str) -> list[str]:
        path = EXAMPLES / "seed" / f"{number}.yaml"
        return _opinion(evaluator.evaluate(load_proposal(path), str(path)))

    o23, o27 = opinion("23"), opinion("27")
    assert o23[:2] == ["attachment-handling", "procedure-manual"], o23
    assert len(o23) <= 5, o23
    assert set(o27[:2]) == {"anti-malware", "sender-domain-authentication"}, o27
    assert opinion("24") == ["perimeter-only-defence"]
    for number in ("21", "22", "25", "26"):
        assert opinion(number) == [], number


@pytest.mark.parametrize("engine", ENGINES)
def test_findings_come_in_the_opinions_rank_order(engine: str, request: pytest.FixtureRequest) -> None:
    """Opinion points first (blockers, then advice), then questions, then reminders, in every example."""
    evaluator = request.getfixturevalue(engine)
    rank = {"blocker": 0, "advice": 1, "question": 2, "info": 3}
    for path in sorted((EXAMPLES / "extra").glob("*.yaml")) + sorted((EXAMPLES / "seed").glob("*.yaml")):
        evaluation = evaluator.evaluate(load_proposal(path), str(path))
        levels = [rank[f.severity] for f in evaluation.findings]
        assert levels == sorted(levels), path.name
        for severity in ("blocker", "advice"):
            same = [f for f in evaluation.findings if f.severity == severity]
            impacts = [{"high": 0, "medium": 1, "low": 2}[f.impact] for f in same]
            assert impacts == sorted(impacts), path.name
