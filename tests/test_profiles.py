"""Profiles: a municipality's own practice applied to the catalog, chosen by --profile, the environment
or the user's configuration, named in every output, compared by `itaku rules diff`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from conftest import EXAMPLES
from itaku.engine.catalog import Catalog
from itaku.engine.errors import CatalogError
from itaku.engine.evaluation import Evaluator
from itaku.engine.models import Kind, Proposal
from itaku.engine.profiles import ProfileText, build_catalog, parse_profile, profile_catalog
from itaku.engine.rule_examples import run_examples
from itaku.files.reading import load_profile, load_proposal

CITY = EXAMPLES / "profiles" / "example-city"
EXPECTED = yaml.safe_load((Path(__file__).parent / "expected_profile_examples.yaml").read_text(encoding="utf-8"))
MINIMAL = """format: itaku/profile-v1
id: test-town
name: テスト町の運用
municipality: {ja: テスト町, en: Test Town}
council: {ja: テスト町個人情報保護審議会, en: Test Town Council}
sources: [{cited: [テスト町の基準], date: 2019-04-01, dated: 施行日}]
"""


@pytest.fixture(scope="module")
def city() -> Catalog:
    return profile_catalog("example-city")


def town(tmp_path: Path, extra: str = "", rules: str | None = None) -> Path:
    """A profile folder written for a test: profile.yaml, and rules/own.yaml when given."""
    folder = tmp_path / "town"
    folder.mkdir(exist_ok=True)
    (folder / "profile.yaml").write_text(MINIMAL + extra, encoding="utf-8")
    if rules is not None:
        (folder / "rules").mkdir(exist_ok=True)
        (folder / "rules" / "own.yaml").write_text(rules, encoding="utf-8")
    return folder


OWN_RULE = """rules:
  - id: TOWN-NO-TRAINING-RECORD
    topic: staff-training
    severity: info
    when: {supervision.staff_training: true, supervision.trainings_per_year: 0}
    unstated: 研修を実施するとしながら回数を0とした場合に限る
    title: {ja: 研修の記録, en: Training record}
    message: {ja: 研修の回数を確認されたい。, en: Check how often training is given.}
    source: テスト町の基準
    checklist: {ja: 研修の回数を確認したか, en: "Was the number of trainings checked?"}
    ask: {ja: 研修の回数を示されたい。, en: State how often training is given.}
    clause: {ja: 受託者は研修を年1回以上実施する。, en: The contractor trains at least yearly.}
    examples:
      fires: [{supervision: {staff_training: true, trainings_per_year: 0}}]
      passes: [{supervision: {staff_training: true, trainings_per_year: 1}}]
"""


# ------------------------------------------------------------------ the shipped example profile


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("profile", ["default", "example-city"])
def test_profile_examples(name: str, profile: str, engine: str) -> None:
    expected = EXPECTED[name][profile]
    evaluation = Evaluator(profile_catalog(profile), engine).evaluate(load_proposal(CITY / name), name)
    assert evaluation.verdict == expected["verdict"]
    assert list(evaluation.classification.agenda) == expected["agenda"]
    fired = {f.rule_id: f for f in evaluation.findings}
    assert set(expected["rules"]) <= set(fired)
    assert not set(expected.get("not_rules", ())) & set(fired)
    for rule_id, severity in expected.get("severity", {}).items():
        assert fired[rule_id].severity == severity
    assert len(evaluation.conditions) == expected["conditions"]
    assert evaluation.profile is not None and evaluation.profile.id == profile


def test_every_profile_example_has_expectations() -> None:
    assert sorted(p.name for p in CITY.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_example_profile_rules_and_scheme_pass_their_examples(city: Catalog, engine: str) -> None:
    results = run_examples(Evaluator(city, engine))
    assert not [r.describe() for r in results if not r.ok]
    own = [c for c in city.rules if c.file.startswith("profiles/example-city/rules/")]
    assert own, "the example profile adds a rule of its own"
    assert {r.rule_id for r in results} >= {c.id for c in own} | {c.id for c in city.derivations}


def test_example_profile_changes_what_it_says(city: Catalog) -> None:
    assert {"SITE-WEBMAIL", "SITE-WEBMAIL-UNSTATED"} <= set(city.disabled)
    assert city.rule("SITE-WEBMAIL") is None
    note = city.severity_notes["SUP-ANNUAL-REPORT-REMINDER"]
    assert note.original == "info" and note.reason.ja
    assert city.rule("SUP-ANNUAL-REPORT-REMINDER").spec.severity == "advice"  # type: ignore[union-attr]
    assert city.rule("SITE-VENDOR-QUALIFICATION").params == {"reading": "certification_only"}  # type: ignore[union-attr]
    assert city.profile is not None and city.profile.municipality.ja.endswith("市")


@pytest.mark.parametrize("profile", ["default", "example-city"])
def test_many_kinds_at_once_evaluate_on_durable(profile: str) -> None:
    """Every kind, an earlier approval and My Number at once: durable_rules must not run out of stack."""
    for scope in ("individual_case", "rule_making"):
        proposal = Proposal.model_validate({
            "format": "itaku/v1",
            "case": {"number": "1", "title": "t", "department": "d", "kinds": [k.value for k in Kind], "scope": scope,
                     "previous_approval": {"meeting": "前回", "changes": ["変更"]}},
            "business": {"in_person_handling": True}, "data": {"my_number": True}, "supervision": {"staff_training": True},
        })
        catalog = profile_catalog(profile)
        durable = Evaluator(catalog, "durable").evaluate(proposal, "x")
        reference = Evaluator(catalog, "reference").evaluate(proposal, "x")
        assert [f.rule_id for f in durable.findings] == [f.rule_id for f in reference.findings]


# ------------------------------------------------------------------ choosing a profile


def test_profile_option_environment_and_configuration(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proposal = CITY / "01-counter-mynumber.yaml"

    def judged_by(*options: str) -> str:
        result = cli("check", proposal, "--format", "json", *options)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)[0]["profile"]["id"]

    assert judged_by() == "default"
    config = tmp_path / "xdg" / "itaku"
    config.mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    town(config)  # a relative path in the configuration is taken from the configuration's folder
    (config / "config.yaml").write_text("profile: town\n", encoding="utf-8")
    assert judged_by() == "test-town"
    monkeypatch.setenv("ITAKU_PROFILE", "example-city")
    assert judged_by() == "example-city"
    assert judged_by("--profile", "default") == "default"


def test_bad_profile_is_one_line_and_exit_2(cli: Any, tmp_path: Path) -> None:
    proposal = CITY / "01-counter-mynumber.yaml"
    result = cli("check", proposal, "--profile", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    folder = town(tmp_path, "disabled:\n  NO-SUCH-RULE: {reason: 理由}\n")
    result = cli("check", proposal, "--profile", str(folder))
    assert result.exit_code == 2
    assert "profile.yaml:8" in result.stderr and "NO-SUCH-RULE" in result.stderr
    assert "Traceback" not in result.stderr and not result.stdout


@pytest.mark.parametrize(("extra", "needle"), [
    ("severity:\n  SUP-TRAINING: {to: advice, reason: 同じ}\n", "already advice"),
    ("severity:\n  SUP-TRAINING: {to: blocker}\n", "reason"),
    ("parameters:\n  SITE-VENDOR-QUALIFICATION: {reading: sometimes}\n", "sometimes"),
    ("classification:\n  - {name: 全期間, consultation: [nonsense], source: 条例}\n", "classification"),
    ("classification:\n  - {name: A, consultation: [outsourcing], source: x}\n"
     "  - {name: B, from: 2020-01-01, report: [outsourcing], source: x}\n", "overlap"),
    ("colour: blue\n", "colour"),
])
def test_profile_mistakes_are_named(tmp_path: Path, extra: str, needle: str) -> None:
    with pytest.raises(CatalogError, match=needle):
        build_catalog(load_profile(str(town(tmp_path, extra))))


def test_own_rules_are_checked_like_the_catalog(tmp_path: Path) -> None:
    catalog = build_catalog(load_profile(str(town(tmp_path, rules=OWN_RULE))))
    assert catalog.rule("TOWN-NO-TRAINING-RECORD") is not None
    with pytest.raises(CatalogError, match="unknown topic"):
        build_catalog(load_profile(str(town(tmp_path, rules=OWN_RULE.replace("staff-training", "gossip")))))
    with pytest.raises(CatalogError, match="duplicate id"):
        build_catalog(load_profile(str(town(tmp_path, rules=OWN_RULE.replace("TOWN-NO-TRAINING-RECORD", "SUP-TRAINING")))))
    with pytest.raises(CatalogError, match="unknown field"):
        build_catalog(load_profile(str(town(tmp_path, rules=OWN_RULE.replace("trainings_per_year", "trainings")))))


def test_a_single_file_profile_holds_its_rules_inline(tmp_path: Path, cli: Any) -> None:
    own = yaml.safe_load(OWN_RULE)["rules"]
    broken = {**own[0], "examples": {"fires": [{"supervision": {"staff_training": True, "trainings_per_year": 1}}],
                                     "passes": own[0]["examples"]["passes"]}}
    path = tmp_path / "town.yaml"
    path.write_text(MINIMAL + yaml.safe_dump({"rules": own}, allow_unicode=True), encoding="utf-8")
    result = cli("rules", "test", "--profile", str(path))
    assert result.exit_code == 0, result.stdout
    path.write_text(MINIMAL + yaml.safe_dump({"rules": [broken]}, allow_unicode=True), encoding="utf-8")
    result = cli("rules", "test", "--profile", str(path))
    assert result.exit_code == 1
    assert "失敗 TOWN-NO-TRAINING-RECORD examples.fires[0]" in result.stdout


def test_bundled_profiles_parse_from_their_text() -> None:
    profile = parse_profile(ProfileText("t", ("t/profile.yaml", MINIMAL)))
    assert profile.info.council.en == "Test Town Council" and profile.info.name.en == "テスト町の運用"
    assert len(profile.info.digest) == 12


# ------------------------------------------------------------------ every output names the profile


def test_outputs_name_the_profile_and_the_council(cli: Any, tmp_path: Path) -> None:
    proposal = CITY / "01-counter-mynumber.yaml"
    args = ("--profile", "example-city")
    text = cli("check", proposal, *args).stdout
    assert "かもめ市個人情報保護審議会" in text and "承認に付す条件" in text and "年次報告" in text
    data = json.loads(cli("check", proposal, *args, "--format", "json").stdout)[0]
    assert data["profile"]["id"] == "example-city" and data["conditions"]
    changed = [f for f in data["findings"] if f["severity_changed"]]
    assert changed and changed[0]["severity_changed"]["from"] == "info" and changed[0]["severity_changed"]["reason"]
    html = tmp_path / "r.html"
    assert cli("report", proposal, *args, "-o", html).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<h1>かもめ市個人情報保護審議会 委託審査報告</h1>" in page
    assert "本市では受託者からの年次報告の徴取" in page  # the reason for the changed severity
    book = tmp_path / "o.xlsx"
    assert cli("checklist", "opinion-list", proposal, *args, "-o", book).exit_code == 0
    sheet = load_workbook(book).worksheets[0]
    assert str(sheet["A1"].value).startswith("かもめ市個人情報保護審議会")
    assert "承認に付す条件" in str(sheet["E4"].value)  # the opinion of the first case (legend, header above)


def test_screen_says_which_profile(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("screen", CITY, "-o", out, "--profile", "example-city", "--jobs", "1", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["profile"] == "example-city"
    assert summary["by_agenda"]["consultation"] == 2
    one = json.loads((out / "01-counter-mynumber.yaml.json").read_text(encoding="utf-8"))
    assert one["profile"]["id"] == "example-city"


# ------------------------------------------------------------------ rules diff


def test_rules_diff_lists_what_differs(cli: Any, tmp_path: Path) -> None:
    result = cli("rules", "diff", "--profile", "default", "--profile", "example-city", "--format", "json")
    assert result.exit_code == 0, result.stderr
    diffs = json.loads(result.stdout)["differences"]
    sections = {d["section"] for d in diffs}
    assert {"profile", "conditions", "classification", "rules", "severity", "parameters"} <= sections
    subjects = {d["subject"] for d in diffs}
    assert {"SITE-WEBMAIL", "KAMOME-EXISTING-CONTRACT", "SUP-ANNUAL-REPORT-REMINDER", "SITE-VENDOR-QUALIFICATION"} <= subjects
    outsourcing = [d for d in diffs if d["section"] == "classification" and "新たな業務委託" in d["subject"]]
    assert outsourcing and all((d["a"], d["b"]) == ("報告", "諮問") for d in outsourcing)
    same = cli("rules", "diff", "--profile", "example-city", "--profile", "example-city", "--format", "json")
    assert json.loads(same.stdout)["differences"] == []
    text = cli("rules", "diff", "--profile", "example-city").stdout
    assert "A: default" in text and "諮問・報告の区分" in text


def test_rules_commands_take_a_profile(cli: Any) -> None:
    listed = cli("rules", "list", "--profile", "example-city", "--format", "json")
    ids = {r["id"] for r in json.loads(listed.stdout)}
    assert "KAMOME-EXISTING-CONTRACT" in ids and "SITE-WEBMAIL" not in ids
    explained = cli("rules", "explain", "SITE-WEBMAIL", "--profile", "example-city")
    assert explained.exit_code == 2 and "本市にない" in explained.stderr  # the reason the profile gives
    assert cli("rules", "lint", "--profile", "example-city").exit_code == 0
    coverage = cli("rules", "coverage", "--profile", "example-city")
    assert coverage.exit_code == 0 and "プロファイルにより適用しない S-A-3" in coverage.stdout
