"""The seven seed proposals reproduce what the council saw (shared/docs/acceptance-seed.md)."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from conftest import EXAMPLES
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.files.reading import load_proposal
from itaku.reports.opinion_docx import render_opinion_docx

# case: (agenda, verdict, topics at advice or above, topics that must not appear above info)
TABLE = {
    "21": (("consultation", "report"), "sufficient", set(),
           {"real-data-by-staff", "no-data-takeout", "prior-approval-of-vendor-work"}),
    "22": (("consultation", "report"), "sufficient", set(), {"staff-attendance", "removable-media", "real-data-by-staff"}),
    "23": (("report",), "advice", {"procedure-manual", "attachment-handling"},
           {"bulk-mail-bcc", "multi-person-check", "redelegation"}),
    "24": (("report",), "advice", {"perimeter-only-defence"}, set()),
    "25": (("report",), "sufficient", set(), set()),
    "26": (("report",), "sufficient", set(), set()),
    "27": (("report",), "advice", {"anti-malware", "sender-domain-authentication"}, set()),
}


def _evaluate(evaluator: Evaluator, case: str) -> Evaluation:
    path = EXAMPLES / "seed" / f"{case}.yaml"
    return evaluator.evaluate(load_proposal(path), str(path))


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize("case", sorted(TABLE))
def test_seed_case_reproduces_the_council(case: str, engine: str, request: pytest.FixtureRequest) -> None:
    evaluation = _evaluate(request.getfixturevalue(engine), case)
    agenda, verdict, required, forbidden = TABLE[case]
    assert evaluation.case.number == case
    assert evaluation.classification.agenda == agenda
    assert evaluation.verdict == verdict
    raised = {f.topic for f in evaluation.findings if f.severity in ("advice", "blocker")}
    assert required <= raised, f"missing topics {required - raised}"
    assert not (forbidden & raised), f"topics above info that the council did not raise: {forbidden & raised}"
    if verdict == "sufficient":
        assert not raised


def test_hosting_only_is_not_redelegation(durable: Evaluator) -> None:
    assert _evaluate(durable, "23").classification.redelegation == "hosting_only"
    assert _evaluate(durable, "26").classification.redelegation == "yes"
    assert _evaluate(durable, "21").classification.redelegation == "none"


def test_case_27_response_on_domain_authentication_does_not_close(durable: Evaluator) -> None:
    finding = next(f for f in _evaluate(durable, "27").findings if f.topic == "sender-domain-authentication")
    assert finding.response is not None
    assert finding.response.closes is False
    assert finding.response.explain is not None
    assert "受信" in finding.response.explain.ja and "送信" in finding.response.explain.ja


@pytest.mark.parametrize("case", ["24", "25", "26"])
def test_item_additions_show_the_added_item(durable: Evaluator, case: str) -> None:
    evaluation = _evaluate(durable, case)
    assert evaluation.changes.added_items == ("旧氏",)
    assert evaluation.changes.previous_meeting
    assert "旧氏" in evaluation.data_items


def test_verdict_phrases_are_the_councils(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", EXAMPLES / "seed" / "23.yaml", EXAMPLES / "seed" / "21.yaml", "--fail-on", "never")
    assert result.exit_code == 0
    assert "必要となる一定の対策はとられているものの、さらに以下の内容について助言" in result.stdout
    assert "必要となる対策は十分にとられている" in result.stdout


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_the_word_opinion_leads_with_the_advisors_points(engine: str, request: pytest.FixtureRequest, catalog) -> None:  # type: ignore[no-untyped-def]
    """The draft opinion a clerk edits carries the opinion's points only, the advisor's own first
    (資料23: attachments and the procedure manual; 資料27: anti-malware and sender domain
    authentication), 資料23's at most five; the questions are not among them."""
    for case, first, most in (
        ("23", ["attachment-handling", "procedure-manual"], 5),
        ("27", ["anti-malware", "sender-domain-authentication"], None),
    ):
        evaluation = _evaluate(request.getfixturevalue(engine), case)
        topic_of = {f.message.ja: f.topic for f in evaluation.findings}
        document = Document(io.BytesIO(render_opinion_docx([evaluation], catalog)))
        points = [re.sub(r"^（\d+）", "", p.text) for p in document.paragraphs if re.match(r"（\d+）", p.text)]
        topics = [next(t for m, t in topic_of.items() if point.startswith(m)) for point in points]
        assert sorted(topics[:2]) == sorted(first), (case, topics)
        assert most is None or len(points) <= most
        assert all(f.in_opinion for f in evaluation.findings if f.topic in topics and f.message.ja in "".join(points))
        assert not any(f.message.ja in "".join(points) for f in evaluation.findings if f.severity == "question")
