"""A broken rule file stops loading with its file, line and id; never a partial catalog."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from itaku.engine.catalog import RULES_DIR, load_catalog
from itaku.engine.errors import CatalogError

RULE = """rules:
  - id: TEST-RULE
    topic: {topic}
    severity: advice
    when: {when}
    unstated: 記載がなければ指摘しない
    title: {{ja: 題, en: Title}}
    message: {{ja: 本文, en: Body}}
    source: 資料27 委員質疑（試験）
    checklist: {{ja: 確認, en: Check}}
    ask: {{ja: 質問, en: Ask}}
    clause: {{ja: 条項, en: Clause}}
    examples:
      fires: [{{email: {{bulk_send: true}}}}]
      passes: [{{email: {{bulk_send: false}}}}]
"""


def _catalog_with(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(RULES_DIR, directory, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (directory / "zz_test.yaml").write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("topic", "when", "expected"),
    [
        ("sender-domain-authentication", "{email.bulk_sned: true}", "unknown field 'email.bulk_sned'"),
        ("no-such-topic", "{email.bulk_send: true}", "unknown topic 'no-such-topic'"),
        ("sender-domain-authentication", "{email.recipients: bbc}", "'bbc' is not one of"),
        ("sender-domain-authentication", "{email.bulk_send: {lt: 3}}", "needs a number field"),
        ("sender-domain-authentication", "{all: []}", "non-empty list"),
        ("sender-domain-authentication", "{email.bulk_send: {maybe: true}}", "unknown operator 'maybe'"),
    ],
)
def test_broken_rule_names_file_line_and_id(tmp_path: Path, topic: str, when: str, expected: str) -> None:
    directory = _catalog_with(tmp_path, RULE.format(topic=topic, when=when))
    with pytest.raises(CatalogError) as info:
        load_catalog(directory)
    message = str(info.value)
    assert re.search(r"zz_test\.yaml:[23] \[TEST-RULE\]", message), message
    assert expected in message


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    text = RULE.format(topic="sender-domain-authentication", when="{email.bulk_send: true}")
    directory = _catalog_with(tmp_path, text.replace("TEST-RULE", "MAIL-DOMAIN-AUTH"))
    with pytest.raises(CatalogError, match="duplicate id"):
        load_catalog(directory)


def test_yaml_error_in_rule_file_names_the_line(tmp_path: Path) -> None:
    directory = _catalog_with(tmp_path, "rules:\n  - id: [\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(directory)
    assert "zz_test.yaml:" in str(info.value)


def test_the_bundled_catalog_loads_and_covers_every_topic() -> None:
    catalog = load_catalog(RULES_DIR)
    covered = {r.spec.topic for r in catalog.rules}
    missing = set(catalog.topics) - covered - {"missing-information"}
    assert not missing, f"topics without a rule: {sorted(missing)}"


def test_parameter_changes_the_reading(tmp_path: Path) -> None:
    """Guideline A's vendor requirement is a parameter: any_one accepts a vendor the default refuses."""
    from itaku.engine.evaluation import Evaluator
    from itaku.engine.loader import validate
    from itaku.engine.rule_examples import example_document

    directory = _catalog_with(tmp_path, "rules: []\n")
    doc = example_document(
        load_catalog(directory).rule("SITE-VENDOR-QUALIFICATION"),  # type: ignore[arg-type]
        {"application_site": {"hosting": "vendor"},
         "vendor": {"certifications": [], "per_person_access_control": True, "antivirus": False}},
    )
    proposal = validate(doc, "x", {})

    def fires(settings: dict[str, dict[str, str]]) -> bool:
        evaluation = Evaluator(load_catalog(directory, settings), "reference").evaluate(proposal, "x")
        return any(f.rule_id == "SITE-VENDOR-QUALIFICATION" for f in evaluation.findings)

    assert fires({})
    assert not fires({"SITE-VENDOR-QUALIFICATION": {"reading": "any_one"}})
    with pytest.raises(CatalogError, match="sometimes"):
        load_catalog(directory, {"SITE-VENDOR-QUALIFICATION": {"reading": "sometimes"}})
    with pytest.raises(CatalogError, match="unknown rules"):
        load_catalog(directory, {"NO-SUCH-RULE": {"reading": "either"}})


def test_coverage_names_no_statement_without_a_rule(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("rules", "coverage")
    assert result.exit_code == 0, result.stdout
    assert "ルールのないもの 0 件" in result.stdout


def test_rules_readme_keeps_the_map(cli) -> None:  # type: ignore[no-untyped-def]
    table = cli("rules", "coverage", "--format", "md", "--lang", "en").stdout.strip()
    readme = (RULES_DIR / "README.md").read_text(encoding="utf-8")
    assert table in readme, "rules/README.md is out of date: paste `itaku rules coverage --format md --lang en`"


def test_coverage_reports_a_statement_without_a_rule(tmp_path: Path) -> None:
    from itaku.engine.coverage import coverage

    directory = _catalog_with(tmp_path, "rules: []\n")
    digest = (directory / "digest.yaml").read_text(encoding="utf-8")
    (directory / "digest.yaml").write_text(
        digest + "  - {id: S-NEW, source: seed, text: 新しい要件, rules: []}\n"
        "  - {id: S-TYPO, source: seed, text: 誤記, rules: [NO-SUCH-RULE]}\n",
        encoding="utf-8",
    )
    cov = coverage(load_catalog(directory))
    assert [s.id for s in cov.uncovered] == ["S-NEW"]
    assert cov.unknown == [("S-TYPO", "NO-SUCH-RULE")]


def test_bundled_catalog_lints_clean(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("rules", "lint")
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(
    ("rules", "kind"),
    [
        ("""  - {id: T-NEVER, when: {email.bulk_send: true, all: [{email.bulk_send: false}]}, severity: advice}""", "never-fires"),
        ("""  - {id: T-NEVER-NEG, when: {email.bulk_send: true, none: [{email.bulk_send: true}]}, severity: advice}""", "never-fires"),
        ("""  - {id: T-WIDE, when: {email.freemail: true}, severity: advice}
  - {id: T-NARROW, when: {email.freemail: true, email.auto_forward: false}, severity: advice}""", "subsumed"),
        ("""  - {id: T-SOFT, when: {email.freemail: {not: false}}, severity: advice}
  - {id: T-HARD, when: {email.freemail: true}, severity: blocker}""", "severity-conflict"),
    ],
)
def test_lint_finds_defects(tmp_path: Path, rules: str, kind: str) -> None:
    from itaku.engine.lint import lint

    common = (
        "topic: mail-account-hygiene, unstated: u, title: {ja: 題, en: T}, message: {ja: 本文, en: B}, source: 資料27 s, "
        "checklist: {ja: 確認, en: C}, ask: {ja: 質問, en: A}, clause: {ja: 条項, en: C}, "
        "examples: {fires: [{email: {freemail: true}}], passes: [{email: {freemail: false}}]}"
    )
    text = "rules:\n" + "\n".join(line.replace("}, severity", "}, " + common + ", severity") for line in rules.splitlines())
    directory = tmp_path / "rules"
    shutil.copytree(RULES_DIR, directory, ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.md"))
    for path in directory.glob("*.yaml"):
        if path.name not in ("topics.yaml", "digest.yaml", "sources.yaml"):
            path.unlink()
    (directory / "digest.yaml").write_text("statements: []\n", encoding="utf-8")
    (directory / "classification.yaml").write_text((RULES_DIR / "classification.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (directory / "t.yaml").write_text(text, encoding="utf-8")
    kinds = {p.kind for p in lint(load_catalog(directory))}
    assert kind in kinds


def test_rule_making_after_the_reform_is_consulted(durable) -> None:  # type: ignore[no-untyped-def]
    from conftest import EXAMPLES
    from itaku.files.reading import load_proposal

    evaluation = durable.evaluate(load_proposal(EXAMPLES / "extra" / "06-rule-making-2024.yaml"), "x")
    assert evaluation.classification.agenda == ("consultation",)


def test_a_rule_must_say_how_not_stated_is_judged(tmp_path: Path) -> None:
    text = RULE.format(topic="sender-domain-authentication", when="{email.bulk_send: true}")
    directory = _catalog_with(tmp_path, text.replace("    unstated: 記載がなければ指摘しない\n", ""))
    with pytest.raises(CatalogError, match="unstated"):
        load_catalog(directory)
