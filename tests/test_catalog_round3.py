"""The catalog's third round (issue 24): what the new rules decide, on both engines, beyond each rule's
own examples: the certification/location split, a reasoned remote inspection, the municipality's standard
special provisions, trusted links and the fields' not-stated semantics."""

from __future__ import annotations

from typing import Any

import pytest

from itaku.engine.catalog import load_catalog
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.loader import validate
from itaku.engine.status import topic_status

ENGINES = ["durable", "reference"]
BASE = {"data": {"items": ["氏名"]}, "vendor": {"name": "事業者"}}


def _evaluate(evaluator: Evaluator, **sections: Any) -> Evaluation:
    case = {"number": "T", "title": "題", "department": "課", "meeting": "2024-06-10", "kinds": ["outsourcing"]}
    doc = {"format": "itaku/v1", "case": {**case, **sections.pop("case", {})}, **BASE, **sections}
    return evaluator.evaluate(validate(doc, "t", {}), "t")


def _rules(evaluation: Evaluation) -> dict[str, str]:
    return {f.rule_id: f.severity for f in evaluation.findings}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_cloud_in_japan_without_certification_is_asked_about_certification_not_location(
    engine: str, request: pytest.FixtureRequest
) -> None:
    evaluator = request.getfixturevalue(engine)
    domestic = _evaluate(evaluator, work_location="cloud", system={"data_location": "domestic"})
    assert topic_status(domestic, "data-location") not in ("question", "advice", "action")
    assert _rules(domestic)["SYS-CLOUD-CERT"] == "question"
    assert next(f for f in domestic.findings if f.rule_id == "SYS-CLOUD-CERT").topic == "cloud-service-selection"
    silent = _evaluate(evaluator, work_location="cloud", system={"cloud_certifications": ["ismap"]})
    assert _rules(silent).get("SYS-DATA-LOCATION-UNSTATED") == "question"
    assert "SYS-CLOUD-CERT" not in _rules(silent)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_remote_inspection_with_its_reason_is_no_blocker(engine: str, request: pytest.FixtureRequest) -> None:
    evaluator = request.getfixturevalue(engine)
    refused = _evaluate(evaluator, work_location="vendor_site", supervision={"on_site_inspection": False})
    assert _rules(refused)["SUP-INSPECTION-PPC"] == "blocker"
    reasonless = _evaluate(evaluator, work_location="vendor_site",
                           supervision={"on_site_inspection": False, "remote_inspection": True, "inspections_per_year": 1})
    assert "SUP-INSPECTION-PPC" not in _rules(reasonless)
    assert _rules(reasonless)["SUP-INSPECTION-REMOTE"] == "question"
    reasoned = _evaluate(evaluator, work_location="vendor_site", supervision={
        "on_site_inspection": False, "remote_inspection": True, "inspections_per_year": 1,
        "remote_inspection_reason": "委託先が離島にあり、冬期は渡航できないため"})
    assert topic_status(reasoned, "on-site-inspection") not in ("action", "advice", "question")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_clause_rules_read_the_list_where_the_standard_provisions_lack_an_item(engine: str) -> None:
    contract = {"special_provisions": True, "clauses": ["confidentiality", "purpose_limit"]}
    trusting = Evaluator(load_catalog(), engine)
    assert not {"CONTRACT-CORE-CLAUSES", "CONTRACT-NO-THIRD-PARTY"} & set(_rules(_evaluate(trusting, contract=contract)))
    lacking = Evaluator(load_catalog(settings={
        "CONTRACT-CORE-CLAUSES": {"standard_text": "lacks"}, "CONTRACT-NO-THIRD-PARTY": {"standard_text": "lacks"}}), engine)
    found = _rules(_evaluate(lacking, contract=contract))
    assert found["CONTRACT-CORE-CLAUSES"] == "blocker" and found["CONTRACT-NO-THIRD-PARTY"] == "advice"
    unlisted = _rules(_evaluate(lacking, contract={"special_provisions": True}))
    assert "CONTRACT-NO-THIRD-PARTY" in unlisted and "CONTRACT-CORE-CLAUSES" not in unlisted


@pytest.mark.parametrize("engine", ENGINES)
def test_a_trusted_link_is_judged_by_its_own_risk(engine: str, request: pytest.FixtureRequest) -> None:
    evaluator = request.getfixturevalue(engine)
    closed = _evaluate(evaluator, system={"internet_separated": True})
    assert _rules(closed)["SYS-CLOSED-NETWORK-LINKS"] == "question"
    link = {"used": True, "approved": True, "source_restricted": True, "mfa": True, "logged": True}
    plain = _rules(_evaluate(evaluator, system={"remote_maintenance": link}))
    assert plain["RMT-APPLIANCE-PATCH"] == "question"
    sensitive = _evaluate(evaluator, data={"items": ["病名"], "sensitive": True}, system={"remote_maintenance": link})
    patch = next(f for f in sensitive.findings if f.rule_id == "RMT-APPLIANCE-PATCH")
    assert (patch.severity, patch.basis) == ("advice", "unstated") and patch.escalated is not None
    switched_off = _evaluate(evaluator, system={"remote_maintenance": {**link, "protection_disabled": True}})
    assert switched_off.verdict == "insufficient"
    settled = {**link, "appliance_patched": True, "connection": "per_job", "connectors_limited": True, "protection_disabled": False}
    quiet = _evaluate(evaluator, system={"remote_maintenance": settled}, lifecycle={"vendor_accounts_removed": True})
    assert topic_status(quiet, "remote-maintenance") not in ("action", "advice", "question")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("sections", "rule", "said"),
    [
        ({"email": {"individual_mail": True}}, "MAIL-INDIVIDUAL-CHECK", {"email": {"individual_mail_check": False}}),
        ({"sharing": {"used": True}}, "SHARE-ANYONE-WITH-LINK", {"sharing": {"link_setting": "anyone_with_link"}}),
        ({"data": {"items": ["氏名"], "published": True}}, "CONSENT-NOTICE", {"data": {"notice_or_consent": False}}),
        ({"staffing": {"agency_staff": True}}, "STAFF-AGENCY-UNBOUND", {"staffing": {"agency_staff_bound": False}}),
        ({"printing": {"printed_notices": True}}, "PRINT-ENCLOSURE-CHECK", {"printing": {"enclosure_check": False}}),
        ({"vendor": {"name": "事業者", "selection": "tender"}}, "VENDOR-CAPABILITY-UNCHECKED",
         {"vendor": {"capability_checked": False}}),
    ],
)
def test_silence_on_a_new_field_is_a_question_and_a_stated_weakness_is_advice(
    sections: dict[str, Any], rule: str, said: dict[str, Any], engine: str,
    request: pytest.FixtureRequest,
) -> None:
    evaluator = request.getfixturevalue(engine)
    assert _rules(_evaluate(evaluator, **sections))[rule] == "question"
    merged = {k: {**sections.get(k, {}), **v} for k, v in said.items()}
    assert _rules(_evaluate(evaluator, **{**sections, **merged}))[rule] == "advice"
