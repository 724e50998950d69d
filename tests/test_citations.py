"""Citations that existed on the date in force: every source is dated (rules/sources.yaml), a finding
cites only what existed on its evaluation's date, and a rule standing only on later documents is not
in force then. Checked on the evaluations and on the written reports and sheets."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import SEED, invoke
from itaku.engine.catalog import RULES_DIR, Catalog, load_catalog
from itaku.engine.citations import citations, load_documents
from itaku.engine.errors import CatalogError
from itaku.engine.evaluation import Evaluator
from itaku.files.reading import load_proposal

SEED_DAY = dt.date(2019, 9, 9)
LATER_DAY = dt.date(2024, 6, 10)


def _cited_dates(catalog: Catalog, evaluation_source: str) -> list[dt.date]:
    found, unknown = citations(evaluation_source, load_documents(RULES_DIR))
    assert unknown is None, unknown
    return [c.document.date for c in found]


def test_every_source_names_a_dated_document(catalog: Catalog) -> None:
    documents = load_documents(RULES_DIR)
    for rule in (*catalog.rules, *catalog.derivations):
        found, unknown = citations(rule.spec.source, documents)
        assert unknown is None, f"{rule.id}: {unknown}"
        assert found, rule.id
        assert [c.text for c in found] == [c.text for c in rule.citations]


@pytest.mark.parametrize("day", [SEED_DAY, LATER_DAY])
def test_findings_cite_only_documents_that_existed(durable: Evaluator, catalog: Catalog, day: dt.date) -> None:
    for path in SEED:
        evaluation = durable.evaluate(load_proposal(path), path.name, day)
        for finding in evaluation.findings:
            dates = _cited_dates(catalog, finding.source)
            assert dates, (path.name, finding.rule_id)
            assert max(dates) <= day, (path.name, finding.rule_id, finding.source)


def test_a_later_date_cites_the_later_documents(durable: Evaluator) -> None:
    """資料23's attachment finding rests on the minutes; from 令和2年11月24日 on it also cites the
    Cabinet Office's statement, which did not exist at the seed's meeting."""
    proposal = load_proposal(next(p for p in SEED if p.name == "23.yaml"))
    then = {f.rule_id: f.source for f in durable.evaluate(proposal, "23", SEED_DAY).findings}
    later = {f.rule_id: f.source for f in durable.evaluate(proposal, "23", LATER_DAY).findings}
    attachment = next(rule for rule, source in then.items() if "資料23 委員質疑" in source)
    assert "内閣府" not in then[attachment]
    assert "内閣府 2020-11-24 会見" in later[attachment]


def test_a_rule_whose_every_document_is_later_is_not_in_force(catalog: Catalog) -> None:
    later_only = [r for r in catalog.rules if min(c.document.date for c in r.citations) > SEED_DAY]
    assert later_only, "the catalog has rules resting only on documents issued after the seed's meeting"
    for rule in later_only:
        assert not rule.in_force(SEED_DAY), rule.id
        assert rule.in_force(LATER_DAY) == rule.spec.effective.covers(LATER_DAY), rule.id


def test_a_repealed_document_is_not_cited_after_its_repeal(catalog: Catalog) -> None:
    rule = next(r for r in catalog.rules if any(c.text.startswith("条例第14条") for c in r.citations))
    ordinance = next(c for c in rule.citations if c.text.startswith("条例第14条"))
    assert ordinance.exists_on(SEED_DAY)
    assert not ordinance.exists_on(LATER_DAY)


def test_an_undated_source_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "rules"
    shutil.copytree(RULES_DIR, directory, ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.md", "profiles"))
    mail = directory / "mail.yaml"
    text = mail.read_text(encoding="utf-8").replace("source: 資料27 セキュリティ", "source: 某文書; 資料27 セキュリティ", 1)
    mail.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(directory)
    message = str(info.value)
    assert re.search(r"mail\.yaml:\d+ \[MAIL-", message), message
    assert "'某文書' names no document of sources.yaml" in message


# Documents issued after 令和元年9月9日, as the written outputs name them.
LATER_NAMES = ("内閣府", "内閣サイバーセキュリティセンター", "令和元年12月6日", "注意喚起", "事務対応ガイド", "個人情報保護法第")


def test_the_seed_outputs_cite_nothing_later(tmp_path: Path) -> None:
    md = tmp_path / "meeting.md"
    assert invoke("report", *SEED, "--format", "md", "-o", md).exit_code == 0
    text = md.read_text(encoding="utf-8")
    sheet = tmp_path / "self-check.xlsx"
    assert invoke("checklist", "self-check", *SEED, "-o", sheet).exit_code == 0
    cells = " ".join(
        str(c.value) for ws in load_workbook(sheet).worksheets for row in ws.iter_rows() for c in row if c.value
    )
    for name in LATER_NAMES:
        assert name not in text, name
        assert name not in cells, name
    assert "個人情報保護委員会 事務対応ガイド" not in text  # the commission's guide for local governments came later
    assert "PPC" not in text and "NISC" not in text
