"""Rules apply wherever their guideline applies: scope per topic, general topics, where the data is,
and the silence calibration (advice off the ward's premises, a reminder on them)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from itaku.engine import conditions as cond
from itaku.engine.catalog import RULES_DIR, SEVERITY_RANK, Catalog, load_catalog
from itaku.engine.coverage import GENERAL_CASE, coverage
from itaku.engine.evaluation import Evaluator
from itaku.engine.facts import build_facts
from itaku.engine.loader import validate


def _proposal(**sections: Any) -> dict[str, Any]:
    case = {"number": "T", "title": "題", "department": "課", "meeting": "2024-06-10", "kinds": ["outsourcing"]}
    return {"format": "itaku/v1", "case": {**case, **sections.pop("case", {})}, **sections}


def _raised(evaluator: Evaluator, doc: dict[str, Any]) -> dict[str, str]:
    """Topic -> the highest severity raised on it (info included)."""
    out: dict[str, str] = {}
    for f in evaluator.evaluate(validate(doc, "t", {}), "t").findings:
        if f.topic not in out or SEVERITY_RANK[f.severity] > SEVERITY_RANK[out[f.topic]]:
            out[f.topic] = f.severity
    return out


def test_every_general_topic_can_fire_for_data_processing_at_the_vendor_site(catalog: Catalog) -> None:
    cov = coverage(catalog)
    general = [t for t, topic in catalog.topics.items() if topic.general]
    assert len(general) >= 10
    assert cov.general_gaps == []
    work, location = GENERAL_CASE
    for topic in general:
        assert work in cov.scopes[topic].works and location in cov.scopes[topic].locations, topic


def test_scope_is_computed_from_the_conditions(catalog: Catalog) -> None:
    scopes = coverage(catalog).scopes
    assert scopes["environment-separation"].works == ("development",)
    assert scopes["vendor-qualification"].works == ("application site", "mail")
    assert "data processing" not in scopes["bulk-mail-bcc"].works
    assert "ward premises" not in scopes["no-data-takeout"].locations  # taking data out is leaving them
    assert scopes["removable-media"].works == ("development", "data processing", "application site", "mail")


def _catalog_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(RULES_DIR, directory, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return directory


def test_a_general_topic_bound_to_development_is_reported(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The catalog as it was: removable media only for development. Coverage must fail on it."""
    directory = _catalog_dir(tmp_path)
    path = directory / "removable-media.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rules"] = [r for r in data["rules"] if r["id"] == "DEV-REMOVABLE-MEDIA"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    digest = directory / "digest.yaml"
    digest.write_text(digest.read_text(encoding="utf-8").replace("MEDIA-REMOVABLE-ALLOWED, ", "")
                      .replace(", MEDIA-REMOVABLE-UNSTATED-OFFSITE, MEDIA-REMOVABLE-UNSTATED", ""), encoding="utf-8")
    cov = coverage(load_catalog(directory))
    assert cov.general_gaps == ["removable-media"]
    assert cov.scopes["removable-media"].works == ("development",)


def test_coverage_command_shows_scope_and_fails_on_a_gap(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("rules", "coverage")
    assert result.exit_code == 0, result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("environment-separation "))
    assert line.split("|")[0].split()[-4:] == ["x", ".", ".", "."]
    assert any(x.startswith("removable-media* ") for x in result.stdout.splitlines())


# ---- where the data is: the two shared conditions are exact complements

LOCATIONS = [None, "ward_office", "vendor_site", "cloud"]
SYSTEMS = [None, {"data_takeout": True}, {"data_takeout": False}, {}]
SITES = [None, {"hosting": "ward"}, {"hosting": "vendor"}, {"hosting": "rental_server"}, {}]
LIFECYCLES = [None, {}, {"handover_method": "unspecified"}, {"handover_method": "in_person"}, {"handover_method": "portal"}]


def _holds(catalog: Catalog, scope: str, facts: cond.Facts) -> bool:
    node = cond.parse(catalog.scopes[scope].condition)
    return bool(cond.compile_match(cond.normal_form(node))(facts))


def test_off_premises_and_not_known_off_premises_partition_every_proposal(catalog: Catalog) -> None:
    for location, system, site, lifecycle in itertools.product(LOCATIONS, SYSTEMS, SITES, LIFECYCLES):
        sections = {k: v for k, v in (("system", system), ("application_site", site), ("lifecycle", lifecycle)) if v is not None}
        doc = _proposal(**sections, **({"work_location": location} if location else {}))
        facts = build_facts(validate(doc, "t", {}))
        off = _holds(catalog, "data_off_premises", facts)
        assert off != _holds(catalog, "data_not_known_off_premises", facts), doc
        expected = (
            location in ("vendor_site", "cloud")
            or (system or {}).get("data_takeout") is True
            or (site or {}).get("hosting") in ("vendor", "rental_server")
            or (location != "ward_office" and (lifecycle or {}).get("handover_method") in ("in_person", "portal"))
        )
        assert off == expected, doc


# ---- silence calibrated by risk, on both engines: a reminder on the premises, a question off them,
# a point of the opinion off them when the data is of the kind whose leak harms most

@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"work_location": "vendor_site"}, "question"),
        ({"work_location": "cloud"}, "question"),
        ({"system": {"data_takeout": True}}, "question"),
        ({"work_location": "vendor_site", "data": {"items": ["氏名"], "sensitive": True}}, "advice"),
        ({"work_location": "cloud", "data": {"items": ["氏名"], "my_number": True}}, "advice"),
        ({"work_location": "vendor_site", "business": {"subject_count": 10000}}, "advice"),
        ({"work_location": "vendor_site", "business": {"subject_count": 9999}}, "question"),
        ({"work_location": "ward_office", "data": {"items": ["氏名"], "sensitive": True}}, "info"),
        ({}, "info"),
    ],
)
def test_silence_is_advice_off_premises_and_a_reminder_on_them(
    where: dict[str, Any], expected: str, engine: str, request: pytest.FixtureRequest
) -> None:
    evaluator: Evaluator = request.getfixturevalue(engine)
    doc = _proposal(lifecycle={"deletion_at_end": True}, **where)
    raised = _raised(evaluator, doc)
    for topic in ("removable-media", "deletion-verification", "on-site-inspection"):
        assert raised.get(topic) == expected, (topic, raised)
    # hand-over: asked off the premises; on them nothing is handed over, so nothing is said
    assert raised.get("transport-security") == (None if expected == "info" else expected)
    silent_deletion = _raised(evaluator, _proposal(**where))
    assert silent_deletion.get("data-return-and-deletion") == expected


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize(
    ("lifecycle", "where", "expected"),
    [
        ({"deletion_witnessed": False}, {"work_location": "vendor_site"}, "advice"),
        ({"deletion_witnessed": False}, {"work_location": "ward_office"}, "advice"),
        ({"deletion_certificate": False}, {}, "advice"),
        ({"deletion_witnessed": False, "deletion_certificate": False}, {"work_location": "vendor_site"}, "blocker"),
        ({"deletion_witnessed": False, "deletion_certificate": False}, {"system": {"data_takeout": True}}, "blocker"),
        ({"deletion_witnessed": False, "deletion_certificate": False}, {"work_location": "ward_office"}, "advice"),
        ({"deletion_witnessed": False, "deletion_certificate": True}, {"work_location": "vendor_site"}, None),
        ({"deletion_witnessed": True}, {"work_location": "vendor_site"}, None),
    ],
)
def test_deletion_verified_or_not(
    lifecycle: dict[str, Any], where: dict[str, Any], expected: str | None, engine: str, request: pytest.FixtureRequest
) -> None:
    evaluator: Evaluator = request.getfixturevalue(engine)
    doc = _proposal(lifecycle={"deletion_at_end": True, "deletion_method": "overwrite", **lifecycle}, **where)
    assert _raised(evaluator, doc).get("deletion-verification") == expected


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize(
    ("system", "topic"),
    [
        ({"data_takeout": True}, "no-data-takeout"),
        ({"removable_media_banned": False}, "removable-media"),
        ({"staff_attend_migration": False}, "staff-attendance"),
        ({"vendor_work_prior_approval": False}, "prior-approval-of-vendor-work"),
        ({"real_data_verification_by": "vendor"}, "real-data-by-staff"),
    ],
)
@pytest.mark.parametrize("kinds", [["outsourcing"], ["outsourcing", "redelegation"], ["delegation"], ["system_change"]])
@pytest.mark.parametrize("development", [True, False, None])
def test_development_controls_apply_to_every_kind_of_work(
    system: dict[str, Any], topic: str, kinds: list[str], development: bool | None, engine: str, request: pytest.FixtureRequest
) -> None:
    """A printing, call-centre or data-processing proposal that states the weakness raises it too."""
    evaluator: Evaluator = request.getfixturevalue(engine)
    doc = _proposal(case={"kinds": kinds}, system={**system, "development": development}, work_location="ward_office")
    raised = _raised(evaluator, doc)
    assert raised.get(topic) in ("advice", "blocker"), raised
    fired = [f.rule_id for f in evaluator.evaluate(validate(doc, "t", {}), "t").findings if f.topic == topic and f.in_opinion]
    assert len(fired) == 1  # the development rule or the general one, never both
