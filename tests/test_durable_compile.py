"""Conditions durable_rules cannot express as written are compiled so that both engines agree:
many rules reading one list field, a negation beside a test on the same section, a root field left out."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from itaku.engine.catalog import RULES_DIR, load_catalog
from itaku.engine.errors import CatalogError
from itaku.engine.evaluation import Evaluator
from itaku.engine.loader import validate

TEXT = {"ja": "文", "en": "text"}


def _catalog(tmp_path: Path, conditions: dict[str, dict[str, Any]]) -> Path:
    directory = tmp_path / "rules"
    directory.mkdir()
    for name in ("topics.yaml", "classification.yaml", "sources.yaml"):
        shutil.copy(RULES_DIR / name, directory / name)
    (directory / "digest.yaml").write_text("statements: []\n", encoding="utf-8")
    rules = [
        {"id": rule_id, "topic": "removable-media", "severity": "advice", "when": when, "unstated": "u",
         "title": TEXT, "message": TEXT, "source": "資料27 s", "checklist": TEXT, "ask": TEXT, "clause": TEXT,
         "examples": {"fires": [{}], "passes": [{}]}}
        for rule_id, when in conditions.items()
    ]
    (directory / "t.yaml").write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True), encoding="utf-8")
    return directory


def _fired(directory: Path, doc: dict[str, Any]) -> dict[str, list[str]]:
    base = {"number": "T", "title": "題", "department": "課", "meeting": "2024-06-10", "kinds": ["outsourcing"]}
    proposal = validate({"format": "itaku/v1", **doc, "case": {**base, **doc.get("case", {})}}, "t", {})
    catalog = load_catalog(directory)
    return {
        engine: sorted(f.rule_id for f in Evaluator(catalog, engine).evaluate(proposal, "t").findings)
        for engine in ("reference", "durable")
    }


def test_many_rules_reading_one_list_field(tmp_path: Path) -> None:
    """durable_rules shares no `$iany` node and lets a fact pass at most 64 sibling nodes."""
    conditions = {f"T-KINDS-{i}": {"case.kinds": {"contains_any": ["outsourcing", "delegation"]}} for i in range(90)}
    conditions["T-NONE"] = {"case.kinds": {"contains_none": ["redelegation", "external_linkage"]}}
    fired = _fired(_catalog(tmp_path, conditions), {})
    assert fired["durable"] == fired["reference"]
    assert len(fired["durable"]) == 91


@pytest.mark.parametrize(
    ("system", "fires"),
    [({"removable_media_banned": False, "development": True}, False), ({"removable_media_banned": False}, True)],
)
def test_a_negation_beside_a_test_on_the_same_section(tmp_path: Path, system: dict[str, Any], fires: bool) -> None:
    """durable's `$not` cannot see the fact a positive pattern bound: the compiler folds it in."""
    when = {"system.removable_media_banned": False, "none": [{"system.development": True}]}
    fired = _fired(_catalog(tmp_path, {"T-FOLD": when}), {"system": system})
    assert fired["durable"] == fired["reference"] == (["T-FOLD"] if fires else [])


@pytest.mark.parametrize(
    ("when", "lifecycle", "fires"),
    [
        ({"lifecycle.deletion_at_end": True, "none": [{"lifecycle.deletion_witnessed": {"not": None}}]}, {"deletion_at_end": True}, True),
        ({"lifecycle.deletion_at_end": True, "none": [{"lifecycle.handover_method": {"in": ["portal", None]}}]},
         {"deletion_at_end": True, "handover_method": "portal"}, False),
        ({"lifecycle.deletion_at_end": True, "absent": "lifecycle"}, {"deletion_at_end": True}, False),
        ({"lifecycle.deletion_at_end": True, "none": [{"lifecycle.deletion_witnessed": True, "lifecycle.deletion_certificate": True}]},
         {"deletion_at_end": True, "deletion_witnessed": True}, True),
    ],
)
def test_folded_negations_keep_their_meaning(tmp_path: Path, when: dict[str, Any], lifecycle: dict[str, Any], fires: bool) -> None:
    fired = _fired(_catalog(tmp_path, {"T-FOLD": when}), {"lifecycle": lifecycle})
    assert fired["durable"] == fired["reference"] == (["T-FOLD"] if fires else [])


def test_a_root_field_left_out_is_not_stated(tmp_path: Path) -> None:
    when = {"work_location": {"not": "ward_office"}, "none": [{"lifecycle.handover_method": "portal"}]}
    fired = _fired(_catalog(tmp_path, {"T-ROOT": when}), {})
    assert fired["durable"] == fired["reference"] == ["T-ROOT"]


def test_a_negation_on_a_list_section_beside_an_item_test_is_refused(tmp_path: Path) -> None:
    when = {"subcontractors.role": "development", "none": [{"subcontractors.approved_by_ward": False}]}
    with pytest.raises(CatalogError, match="list section"):
        load_catalog(_catalog(tmp_path, {"T-LIST": when}))
