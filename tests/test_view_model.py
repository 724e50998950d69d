"""One typed view of a proposal for every document laid out from templates (issue 21, item 2): the
HTML report, the Markdown report, the Word opinion and the self-check page's pane all read
`reports.view.CaseReport`. For every bundled example, what each of them wrote is read back and found
to be what the one view says: the same findings in the same order with the same evidence in words,
the same points of the opinion.
"""

from __future__ import annotations

import html
import io
import re

import pytest
from docx import Document

from conftest import EXAMPLES
from itaku.cli.common import evaluate_files
from itaku.engine.evaluation import Evaluation
from itaku.engine.profiles import default_catalog
from itaku.present.view import CaseReport, FindingLine, case_view, meeting_view
from itaku.reports.opinion_docx import render_opinion_docx
from itaku.reports.render import render_report
from itaku.web.pages import Pages
from itaku.web.review import Reviewer

FILES = [*sorted((EXAMPLES / "seed").glob("*.yaml")), *sorted((EXAMPLES / "extra").glob("*.yaml")),
         *sorted((EXAMPLES / "revisions").glob("*.yaml"))]
_ARTICLE = re.compile(r'<article class="finding[^"]*"[^>]*data-rule="([^"]+)".*?</article>', re.S)
_EVIDENCE = re.compile(r'<ul class="evidence">(.*?)</ul>', re.S)
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)


@pytest.fixture(scope="module")
def evaluations() -> list[Evaluation]:
    return evaluate_files(FILES)


def in_groups(case: CaseReport) -> list[FindingLine]:
    """The findings in the order the reports and the page lay them out: by topic group."""
    return [f for group in case.groups for f in group.findings]


def articles(page: str) -> list[tuple[str, list[str]]]:
    """Each finding's box in an HTML page: its rule and its evidence lines, as the reader sees them."""
    out = []
    for match in _ARTICLE.finditer(page):
        evidence = _EVIDENCE.search(match.group(0))
        lines = [html.unescape(x) for x in _ITEM.findall(evidence.group(1))] if evidence else []
        out.append((match.group(1), lines))
    return out


def test_the_view_is_typed_all_the_way_down(evaluations: list[Evaluation]) -> None:
    catalog = default_catalog()
    report = meeting_view(evaluations, catalog, "ja")
    assert all(isinstance(c, CaseReport) for c in report.cases)
    for case in report.cases:
        for finding in [*case.findings, *in_groups(case)]:
            assert isinstance(finding, FindingLine)
            for evidence in finding.evidence:
                assert evidence.text == f"{evidence.label}：{evidence.value_text}"


def test_the_report_and_the_page_show_the_same_findings_and_evidence(evaluations: list[Evaluation]) -> None:
    catalog = default_catalog()
    reviewer = Reviewer("ja", catalog=catalog)
    pages = Pages(reviewer)
    with_evidence = 0
    for evaluation in evaluations:
        case = case_view(evaluation, catalog, "ja")
        expected = [(f.rule_id, [e.text for e in f.evidence]) for f in in_groups(case)]
        report = articles(render_report([evaluation], catalog, "html", "ja"))
        page = articles(pages.pane({}, view=reviewer.view(evaluation)))
        assert report == expected, evaluation.source
        assert page == expected, evaluation.source
        markdown = render_report([evaluation], catalog, "md", "ja")
        for _, lines in expected:
            for line in lines:
                assert line.replace("：", "") in re.sub(r"[\\：]", "", markdown), (evaluation.source, line)
        with_evidence += sum(1 for _, lines in expected if lines)
    assert with_evidence > 20  # the examples exercise evidence


def test_the_word_opinion_lays_out_the_same_view(evaluations: list[Evaluation]) -> None:
    catalog = default_catalog()
    for evaluation in evaluations:
        case = case_view(evaluation, catalog, "ja")
        document = Document(io.BytesIO(render_opinion_docx([evaluation], catalog, "ja")))
        points = [p.text for p in document.paragraphs if re.match(r"（\d+）", p.text)]
        opinion = [f for f in case.findings if f.in_opinion]
        assert [p.split("）", 1)[1][: len(f.message)] for p, f in zip(points, opinion, strict=True)] == [
            f.message for f in opinion
        ]
        texts = [p.text for p in document.paragraphs]
        assert (case.letter_date or "") in texts[0]
        assert case.verdict_text in texts
