"""One status per topic in every output (issue 25): for every example (the seed, the extra ones, the
revision, the profile's examples under their profile), every output is built and the status each
one wrote for each topic is read back from what it wrote (cells, HTML and Markdown text, the Word
document's points); no two outputs may disagree on any topic of any case. An output that lists
only some topics (the report lists the topics with findings) must leave out only topics whose
status is one it does not list. Every finding shows under its own topic, and no rule folds the
silences of other topics into one finding.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from test_catalog import RULE, _catalog_with

from conftest import EXAMPLES
from itaku.checklists.build import build_checklist
from itaku.checklists.sheets.matrix import FILLS
from itaku.checklists.workbook import workbook_bytes
from itaku.cli.common import evaluate_files
from itaku.engine import conditions as cond
from itaku.engine.catalog import Catalog, Compiled, load_catalog
from itaku.engine.evaluation import Evaluation
from itaku.engine.profiles import DEFAULT_PROFILE, profile_catalog
from itaku.engine.status import STATUSES
from itaku.engine.wording import phrase
from itaku.files.reading import load_profile
from itaku.present.json_view import evaluations_json
from itaku.reports.opinion_docx import render_opinion_docx
from itaku.reports.render import render_report
from itaku.reports.text import render_text
from itaku.web.pages import Pages
from itaku.web.review import Reviewer

pytestmark = pytest.mark.xdist_group("consistency")  # every output of every example, built once per worker

# (the example files, the profile that judges them)
GROUPS = {
    "default": ([*sorted((EXAMPLES / "seed").glob("*.yaml")), *sorted((EXAMPLES / "extra").glob("*.yaml")),
                 *sorted((EXAMPLES / "revisions").glob("*.yaml"))], None),
    "example-city": (sorted((EXAMPLES / "profiles" / "example-city").glob("*.yaml")), "example-city"),
}
STATUS_OF_LABEL = {phrase(f"status.{s}", "ja"): s for s in STATUSES}
OPINION = {"action", "advice"}
LISTED = {"action", "advice", "question", "info"}  # what a list of the topics with findings shows

# What an output wrote: topic -> status for the topics it shows, and the statuses it leaves unshown.
Read = tuple[dict[str, str], set[str]]


def labels(catalog: Catalog) -> dict[str, str]:
    """Topic label (Japanese, as the outputs write it) -> topic id; labels are unique."""
    out = {t.ja: topic for topic, t in catalog.topics.items()}
    assert len(out) == len(catalog.topics)
    return out


def agreed(reads: dict[str, Read], case: str) -> None:
    """No two outputs disagree on a topic, and none leaves out a topic it would have shown."""
    everything = reads["json"][0]
    assert set(everything) and all(s in STATUSES for s in everything.values())
    for name, (shown, hidden) in reads.items():
        for topic, status in everything.items():
            if topic in shown:
                assert shown[topic] == status, f"{case}: {name} says {topic} is {shown[topic]}, JSON {status}"
            else:
                assert status in hidden, f"{case}: {name} leaves out {topic}, which is {status}"
        assert set(shown) <= set(everything), f"{case}: {name} shows topics JSON does not know"


# ------------------------------------------------------------------ reading each output


def from_json(data: dict[str, Any]) -> Read:
    return {t["topic"]: t["status"] for t in data["topics"]}, set()


def from_text(text: str, by_label: dict[str, str]) -> Read:
    """`-- label（status） [topic-id]`: the label read, the id in brackets only checked against it."""
    shown = {}
    for label, status, topic in re.findall(r"^-- (.+)（(.+?)） \[([a-z0-9-]+)\]$", text, flags=re.M):
        assert by_label[label] == topic
        shown[topic] = STATUS_OF_LABEL[status]
    return shown, {"no_finding", "na"}


_HTML_TOPIC = re.compile(r'<section class="topic [^"]*"[^>]*>\s*<h4>(.*?)<span class="topic-status[^"]*">(.*?)</span></h4>', re.S)


def from_html(page: str, by_label: dict[str, str]) -> Read:
    """The topic headings of the findings: the label, then the status badge, as text."""
    shown = {}
    for label, status in _HTML_TOPIC.findall(page):
        shown[by_label[html.unescape(label).strip()]] = STATUS_OF_LABEL[html.unescape(status)]
    return shown, {"no_finding", "na"}


def from_markdown(text: str, by_label: dict[str, str]) -> Read:
    shown = {}
    for label, status in re.findall(r"^#### (.+)（(.+?)）$", text, flags=re.M):
        shown[by_label[label.replace("\\", "")]] = STATUS_OF_LABEL[status]
    return shown, {"no_finding", "na"}


def sheet(book: bytes) -> Worksheet:
    wb = load_workbook(io.BytesIO(book))
    assert len(wb.worksheets) == 1
    return wb.worksheets[0]


def header_row(ws: Worksheet, text: str, column: int = 1) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=column).value == text)


def from_self_check(ws: Worksheet, by_label: dict[str, str]) -> Read:
    """The 区分 cell of every answered row: the label, then `（status）`; every row of a topic says the same.
    The questions that do not apply follow their heading and are all 該当なし."""
    shown: dict[str, str] = {}
    first = header_row(ws, phrase("col.no")) + 1
    end = next((r for r in range(first, ws.max_row + 1) if ws.cell(row=r, column=1).value == phrase("selfcheck.not_applicable")),
               ws.max_row + 1)
    for row in range(first, end):
        cell = ws.cell(row=row, column=2).value
        if not cell:
            continue  # a long row's continuation
        label, status = re.fullmatch(r"(.+)\n（(.+?)）", cell).groups()  # type: ignore[union-attr]
        topic = by_label[label]
        assert shown.setdefault(topic, STATUS_OF_LABEL[status]) == STATUS_OF_LABEL[status], f"two statuses for {topic}"
    return shown, {"na"}


def from_matrix(ws: Worksheet, by_label: dict[str, str]) -> Read:
    """The case's column: every topic row's mark, and its fill saying the same."""
    marks = {phrase(f"matrix.{s}", "ja"): s for s in STATUSES}
    shown = {}
    for row in range(1, ws.max_row + 1):
        topic = by_label.get(ws.cell(row=row, column=1).value)
        if topic is not None:
            cell = ws.cell(row=row, column=2)
            shown[topic] = marks[cell.value]
            assert cell.fill.fgColor.rgb == FILLS[shown[topic]].fgColor.rgb
    return shown, {"no_finding", "na"}  # topics without a finding rule have no row


def from_opinion_list(ws: Worksheet, by_label: dict[str, str]) -> Read:
    """The opinion's points `（n）【mark】topic：…` (a topic's first point is its worst: the points
    are ranked) and the topics to confirm `【事前確認】topic`."""
    header = header_row(ws, phrase("col.case_number"))
    columns = {ws.cell(row=header, column=c).value: c for c in range(1, ws.max_column + 1)}
    column_text = lambda name: "\n".join(  # noqa: E731
        str(ws.cell(row=r, column=columns[phrase(name)]).value or "") for r in range(header + 1, ws.max_row + 1)
    )
    shown: dict[str, str] = {}
    for mark, label in re.findall(r"^（\d+）【(.+?)】(.+?)：", column_text("col.opinion"), flags=re.M):
        shown.setdefault(by_label[label], STATUS_OF_LABEL[mark])
    question = phrase("status.question")
    for label in re.findall(rf"^【{question}】(.+?)(?:{re.escape(phrase('opinion.answered', topic=''))})?$",
                            column_text("col.questions"), flags=re.M):
        assert by_label[label] not in shown
        shown[by_label[label]] = "question"
    return shown, {"info", "no_finding", "na"}


def from_inspection(ws: Worksheet, by_label: dict[str, str]) -> Read:
    """The topics the review raised, under their heading: the status, then the topic."""
    shown: dict[str, str] = {}
    start = next((r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == phrase("checklist.raised_topics")), None)
    if start is not None:
        row = start + 1
        while (status := STATUS_OF_LABEL.get(ws.cell(row=row, column=1).value)) is not None:
            shown[by_label[ws.cell(row=row, column=3).value]] = status
            row += 1
    return shown, {"no_finding", "na"}


def from_docx(data: bytes, findings: list[dict[str, Any]]) -> Read:
    """The Word opinion's numbered points are the opinion's points, in its order: each point is a
    finding of the JSON, in the JSON's order, and nothing else; their topics are the opinion's."""
    points = [p.text for p in Document(io.BytesIO(data)).paragraphs if re.match(r"（\d+）", p.text)]
    opinion = [f for f in findings if f["severity"] in ("blocker", "advice") and f["counts"]]
    assert len(points) == len(opinion)
    for number, (point, finding) in enumerate(zip(points, opinion, strict=True), start=1):
        assert point.startswith(f"（{number}）{finding['message']}")
    topics = {f["topic"] for f in opinion}
    # a topic with a point is in the opinion (要対応 or 助言); one without is not
    return {t: "opinion" for t in topics}, {"question", "info", "no_finding", "na"}


# ------------------------------------------------------------------ every output of every example


def outputs(evaluation: Evaluation, catalog: Catalog, reviewer: Reviewer, pages: Pages) -> dict[str, Any]:
    """Every output for one proposal, as written."""
    one = [evaluation]
    books = {kind: sheet(workbook_bytes(build_checklist(kind, one, catalog, "ja")))
             for kind in ("self-check", "matrix", "opinion-list", "inspection")}
    return {
        "json": json.loads(evaluations_json(one, "ja"))[0],
        "text": render_text(evaluation, catalog, "ja"),
        "html": render_report(one, catalog, "html", "ja"),
        "md": render_report(one, catalog, "md", "ja"),
        "docx": render_opinion_docx(one, catalog, "ja"),
        "web": pages.pane({}, view=reviewer.view(evaluation)),
        **books,
    }


@pytest.fixture(scope="module", params=sorted(GROUPS))
def written(request: pytest.FixtureRequest) -> tuple[Catalog, list[tuple[Evaluation, dict[str, Any]]]]:
    files, profile = GROUPS[request.param]
    assert files
    # the profile's catalog, as `--profile` gives it (each output names the municipality as it does)
    catalog = profile_catalog(load_profile(profile or DEFAULT_PROFILE))
    reviewer = Reviewer("ja", catalog=catalog)
    pages = Pages(reviewer)
    evaluations = evaluate_files(files, catalog=catalog)
    return catalog, [(e, outputs(e, catalog, reviewer, pages)) for e in evaluations]


def test_no_two_outputs_disagree_on_a_topic(written: tuple[Catalog, list[tuple[Evaluation, dict[str, Any]]]]) -> None:
    catalog, cases = written
    by_label = labels(catalog)
    readers: dict[str, Callable[[Any], Read]] = {
        "json": from_json,
        "text": lambda x: from_text(x, by_label),
        "html": lambda x: from_html(x, by_label),
        "md": lambda x: from_markdown(x, by_label),
        "web": lambda x: from_html(x, by_label),
        "self-check": lambda x: from_self_check(x, by_label),
        "matrix": lambda x: from_matrix(x, by_label),
        "opinion-list": lambda x: from_opinion_list(x, by_label),
        "inspection": lambda x: from_inspection(x, by_label),
    }
    seen = set()
    for evaluation, written_ in cases:
        case = evaluation.source
        reads = {name: read(written_[name]) for name, read in readers.items()}
        agreed(reads, case)
        statuses = reads["json"][0]
        seen |= set(statuses.values())
        # the Word opinion: its points' topics are exactly the topics in the opinion
        word, _ = from_docx(written_["docx"], written_["json"]["findings"])
        assert set(word) == {t for t, s in statuses.items() if s in OPINION}, case
    assert len(seen) >= 3 and {"no_finding", "na"} <= seen  # the examples exercise the statuses


def test_the_outputs_list_the_findings_in_the_opinions_order(
    written: tuple[Catalog, list[tuple[Evaluation, dict[str, Any]]]],
) -> None:
    """JSON lists the findings ranked; the HTML report and the page list the opinion's topics first
    in the order of their first point, then the questions, then the rest."""
    _, cases = written
    for evaluation, out in cases:
        findings = out["json"]["findings"]
        assert [f["rule_id"] for f in findings] == [f.rule_id for f in evaluation.findings]
        statuses = {t["topic"]: t["status"] for t in out["json"]["topics"]}
        expected: list[str] = []
        for f in findings:
            if f["topic"] not in expected:
                expected.append(f["topic"])
        expected.sort(key=lambda t: STATUSES.index(statuses[t]))
        for name in ("html", "web"):
            assert re.findall(r'data-topic="([^"]+)" data-status=', out[name]) == expected, f"{evaluation.source}: {name}"


def test_every_finding_shows_under_its_own_topic(written: tuple[Catalog, list[tuple[Evaluation, dict[str, Any]]]]) -> None:
    """A finding is filed under one topic, and that topic reads at least the finding's severity in
    every output (checked above against JSON): no silence hides under another topic's finding."""
    _, cases = written
    rank = {"info": "info", "question": "question", "advice": "advice", "blocker": "action"}
    for evaluation, out in cases:
        statuses = {t["topic"]: t["status"] for t in out["json"]["topics"]}
        for finding in out["json"]["findings"]:
            if finding["counts"]:
                worst = STATUSES.index(statuses[finding["topic"]])
                assert worst <= STATUSES.index(rank[finding["severity"]]), f"{evaluation.source}: {finding['rule_id']}"


def _silences(node: cond.Node) -> set[str]:
    """The fields `node` tests for silence (`field: null`), wherever they stand in it."""
    if isinstance(node, cond.Leaf):
        return {node.path} if node.op == "eq" and node.value is None else set()
    if isinstance(node, (cond.And, cond.Or)):
        return set().union(*(_silences(c) for c in node.children))
    if isinstance(node, cond.NoneOf):
        return _silences(node.expr)
    return set()


def _alternatives(node: cond.Node) -> list[tuple[cond.Node, ...]]:
    """Every `any:` of `node`, as its alternatives."""
    if isinstance(node, cond.Or):
        return [node.children, *(a for c in node.children for a in _alternatives(c))]
    if isinstance(node, cond.And):
        return [a for c in node.children for a in _alternatives(c)]
    if isinstance(node, cond.NoneOf):
        return _alternatives(node.expr)
    return []


def folded_topics(rule: Compiled, readers: dict[str, set[str]]) -> set[str]:
    """The other topics a rule folds into its one finding: an `any:` whose alternatives are silences
    on fields that rules of two or more other topics judge (the old 記載の不足 finding for an exposed
    system: WAF, patches, log monitoring, MFA unstated, any of them)."""
    own = rule.spec.topic  # type: ignore[union-attr]
    for alternatives in _alternatives(rule.condition):
        topics = [{t for p in _silences(a) for t in readers.get(p, set())} - {own} for a in alternatives]
        covered = {t for ts in topics for t in ts}
        if sum(1 for ts in topics if ts) >= 2 and len(covered) >= 2:
            return covered
    return set()


def _readers(catalog: Catalog) -> dict[str, set[str]]:
    """Field -> the topics of the rules that read it."""
    out: dict[str, set[str]] = {}
    for rule in catalog.rules:
        for path in rule.paths:
            out.setdefault(path, set()).add(rule.spec.topic)  # type: ignore[union-attr]
    return out


def test_no_finding_folds_other_topics_in(written: tuple[Catalog, list[tuple[Evaluation, dict[str, Any]]]]) -> None:
    """No rule of the catalog that judged raises one finding for silences other topics judge: each
    silence is raised under its own topic, so no output can read 指摘なし on a topic while a finding
    elsewhere says it is not stated."""
    catalog, _ = written
    readers = _readers(catalog)
    assert {rule.id: topics for rule in catalog.rules if (topics := folded_topics(rule, readers))} == {}


def test_a_folding_rule_would_be_found(tmp_path: Path) -> None:
    """The check above finds the kind of rule it forbids."""
    when = "{any: [{system.patches: null}, {system.access_log_monitoring: null}, {system.waf: null}]}"
    catalog = load_catalog(_catalog_with(tmp_path, RULE.format(topic="missing-information", when=when)))
    rule = next(r for r in catalog.rules if r.id == "TEST-RULE")
    assert {"patching", "access-logging", "waf"} <= folded_topics(rule, _readers(catalog))


def test_the_matrix_fills_are_one_per_status() -> None:
    assert set(FILLS) == set(STATUSES)
    assert len({f.fgColor.rgb for f in FILLS.values()}) == len(FILLS)
