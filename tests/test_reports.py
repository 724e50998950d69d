"""`itaku report`: HTML and Markdown, one proposal or a meeting.

Expectations come from the Evaluation (and the fixed labels), never from rule ids or counts
written here: the catalog grows while the reports stay the same.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from conftest import SEED
from itaku.cli.main import main
from itaku.engine.catalog import Catalog
from itaku.engine.evaluation import Evaluation, Evaluator
from itaku.engine.profiles import default_catalog
from itaku.engine.status import STATUSES, opinion_text, topic_status, verdict_label
from itaku.engine.wording import phrase
from itaku.files.reading import load_proposal
from itaku.present.json_view import agenda_text
from itaku.present.sources import source_text
from itaku.present.view import case_sort_key, grouped_by_topic
from itaku.reports.markdown import md_code, md_escape

# ------------------------------------------------------------------ a small DOM over html.parser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    """An element: tag, attributes, children (elements and text)."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Any:
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        assert node is self.current, f"</{tag}> closes <{self.current.tag}> too"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, "unclosed elements"
    return builder.root


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------ running the CLI


def run(*args: Any) -> Any:
    result = CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def report(tmp_path: Path, files: list[Path], fmt: str = "html", *extra: str, name: str | None = None) -> str:
    out = tmp_path / (name or f"report.{fmt}")
    result = run("report", *files, "--format", fmt, "-o", out, *extra)
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def proposal_copy(tmp_path: Path, seed: Path, name: str, fmt: str = "yaml", **changes: Any) -> Path:
    """A copy of a seed proposal with `case` fields (or, via `_top`, top-level fields) changed."""
    data = yaml.safe_load(seed.read_text(encoding="utf-8"))
    data["case"].update({k: v for k, v in changes.items() if k != "_top"})
    data.update(changes.get("_top", {}))
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def seed_file(number: str) -> Path:
    return next(p for p in SEED if p.stem == number)


@pytest.fixture(scope="module")
def evaluations(durable: Evaluator) -> dict[str, Evaluation]:
    """The seed's Evaluations by case number, as the CLI builds them."""
    out = {}
    for path in SEED:
        e = durable.evaluate(load_proposal(path), str(path))
        out[e.case.number] = e
    return out


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Node]:
    """The meeting report for the seed, the files given in reverse order."""
    html = report(tmp_path_factory.mktemp("meeting"), list(reversed(SEED)))
    return html, parse(html)


def case_section(doc: Node, number: str) -> Node:
    for section in doc.find_all("section", "case"):
        if section.find(cls="case-number").text() == phrase("case.number").format(number=number):
            return section
    raise AssertionError(f"no case {number}")


# ------------------------------------------------------------------ the meeting report


def test_agenda_has_one_row_per_input_in_case_number_order(meeting, evaluations) -> None:
    _, doc = meeting
    table = doc.find("table", "agenda-table")
    headers = [th.text() for th in table.find("thead").find_all("th")]
    assert headers == [phrase(f"report.col.{k}") for k in ("number", "title", "department", "agenda", "verdict", "open_questions")]
    assert all(th.attrs.get("scope") == "col" for th in table.find("thead").find_all("th"))
    rows = [[squash(cell.text()) for cell in tr.find_all() if cell.tag in ("th", "td")]
            for tr in table.find("tbody").find_all("tr")]
    expected = [
        [
            e.case.number, e.case.title, e.case.department, agenda_text(e, "ja"), verdict_label(e, "ja"),
            phrase("report.count", count=e.completeness.open_questions) if e.completeness.open_questions else "—",
        ]
        for e in sorted(evaluations.values(), key=case_sort_key)
    ]
    assert rows == expected


def test_cases_follow_in_case_number_order_with_verdict_and_classification(meeting, evaluations) -> None:
    _, doc = meeting
    sections = doc.find_all("section", "case")
    ordered = sorted(evaluations.values(), key=case_sort_key)
    assert [s.find(cls="case-title").text() for s in sections] == [e.case.title for e in ordered]
    for section, e in zip(sections, ordered, strict=True):
        assert section.find(cls="verdict-text").text() == opinion_text(e, "ja")
        assert f"verdict-{e.verdict}" in section.find("section", "verdict").classes
        assert section.find(cls="agenda-kind").text() == agenda_text(e, "ja")
        assert section.find(cls="redelegation").text() == phrase(f"redelegation.{e.classification.redelegation}")
        notes = [li.text() for li in section.find_all("ul", "classification-notes")[0].find_all("li")] \
            if e.classification.notes else []
        assert notes == [n.ja for n in e.classification.notes]


def test_findings_are_grouped_by_topic_with_severity_in_text_and_colour(meeting, evaluations, catalog: Catalog) -> None:
    _, doc = meeting
    for number, e in evaluations.items():
        section = case_section(doc, number)
        groups = grouped_by_topic(e, catalog, "ja")
        assert [g.attrs["data-topic"] for g in section.find_all("section", "topic")] == [g.topic for g in groups]
        articles = section.find_all("article", "finding")
        expected = [f for g in groups for f in g.findings]
        assert len(articles) == len(expected)
        for article, f in zip(articles, expected, strict=True):
            badge = article.find("span", "sev")
            assert badge.text() == phrase(f"severity.{f.severity}")
            assert f"sev-{f.severity}" in badge.classes
            assert article.find(cls="message").text() == f.message
            assert article.find(cls="ask").text() == f.ask
            assert article.find(cls="clause").text() == f.clause
            assert article.find(cls="source").text() == source_text(f.source)
        if not e.findings:
            assert section.find(cls="no-findings").text() == phrase("no_findings")


def test_added_items_are_marked_bold_underlined_and_in_text(meeting, evaluations) -> None:
    html, doc = meeting
    marker = phrase("report.added_marker")
    with_additions = [n for n, e in evaluations.items() if e.changes.added_items]
    assert {"24", "25", "26"} <= set(with_additions)  # the seed's 旧氏 (acceptance-seed.md)
    for number, e in evaluations.items():
        section = case_section(doc, number)
        marked = section.find_all("li", "added")
        assert [li.find("strong").find("ins").text() for li in marked] == list(e.changes.added_items)
        assert all(li.find(cls="added-marker").text() == marker for li in marked)
        plain = [li.text() for li in section.find_all("li", "data-item") if "added" not in li.classes]
        assert plain == [i for i in e.data_items if i not in e.changes.added_items]
        if e.changes.previous_meeting:
            assert e.changes.previous_meeting in section.find("section", "changes").text()
    for number in ("24", "25", "26"):
        assert "旧氏" in evaluations[number].changes.added_items
        assert "旧氏" in [li.find("ins").text() for li in case_section(doc, number).find_all("li", "added")]


def test_responses_sit_beside_their_findings_with_the_judgement(meeting, evaluations) -> None:
    _, doc = meeting
    for number, e in evaluations.items():
        section = case_section(doc, number)
        for article, f in zip(section.find_all("article", "finding"), _in_report_order(e), strict=True):
            asides = article.find_all("tr", "response")
            if f.response is None:
                assert not asides
                continue
            (aside,) = asides
            state = "unjudged" if f.response.closes is None else "closes" if f.response.closes else "open"
            assert f"response-{state}" in aside.classes
            assert aside.find(cls="response-text").text() == f.response.text
            if state == "unjudged":  # no criterion: the response stands without a judgement, never a tool status
                assert not aside.find_all(cls="judgement-label")
                assert phrase("response.unjudged") not in aside.text()
            else:
                assert aside.find(cls="judgement-label").text() == phrase(f"response.{state}")
            if f.response.explain:
                assert aside.find(cls="explain").text() == f.response.explain.ja


def test_case_27_domain_authentication_response_does_not_close(meeting, evaluations) -> None:
    _, doc = meeting
    finding = next(f for f in evaluations["27"].findings if f.topic == "sender-domain-authentication")
    assert finding.response is not None and finding.response.closes is False and finding.response.explain
    article = case_section(doc, "27").find("article", "finding", data_topic="sender-domain-authentication")
    aside = article.find("tr", "response")
    assert "response-open" in aside.classes
    assert aside.find(cls="explain").text() == finding.response.explain.ja


def test_responses_without_a_finding_are_still_shown(meeting, evaluations) -> None:
    _, doc = meeting
    for number, e in evaluations.items():
        answered = {f.topic for f in e.findings}
        others = {t: text for t, text in e.responses.items() if t not in answered}
        tables = case_section(doc, number).find_all("section", "other-responses")
        if not others:
            assert not tables
            continue
        rows = tables[0].find("tbody").find_all("tr")
        assert [r.find("td").text() for r in rows] == list(others.values())


def _in_report_order(e: Evaluation) -> list[Any]:
    """The findings as the report lists them: by topic, the topics by status, then where their
    first finding stands in the Evaluation's (ranked) order."""
    by_topic: dict[str, list[Any]] = {}
    for f in e.findings:
        by_topic.setdefault(f.topic, []).append(f)
    topics = sorted(by_topic, key=lambda t: STATUSES.index(topic_status(e, t)))
    return [f for t in topics for f in by_topic[t]]


def test_html_is_self_contained_semantic_and_printable(meeting) -> None:
    html, doc = meeting
    assert not doc.find_all("script") and not doc.find_all("link") and not doc.find_all("img")
    assert not any(
        (n.attrs.get(a) or "").startswith(("http:", "https:", "//"))
        for n in doc.iter() for a in ("src", "href")
    )
    assert all(th.attrs.get("scope") in ("col", "row") for th in doc.find_all("th"))
    style = doc.find("style").text()
    for needed in ("@page", "size: A4", "break-before: page", '"Yu Gothic"', '"Hiragino Sans"',
                   '"Noto Sans CJK JP"', '"Meiryo"', "sans-serif", "@media print"):
        assert needed in style
    assert doc.find("html").attrs["lang"] == "ja"


def test_markdown_meeting_has_the_same_agenda_and_marks(tmp_path: Path, evaluations) -> None:
    text = report(tmp_path, SEED, "md")
    ordered = sorted(evaluations.values(), key=case_sort_key)
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| " + phrase("report.col.number"))]
    agenda_rows = rows[: len(ordered)]
    assert [r.split(" | ")[0].removeprefix("| ") for r in agenda_rows] == [e.case.number for e in ordered]
    for e in ordered:
        assert phrase(f"verdict.{e.verdict}") in text
        for item in e.changes.added_items:
            assert f"**<ins>{md_escape(item)}</ins>**{phrase('report.added_marker')}" in text
        for f in e.findings:
            assert md_escape(f.message.ja) in text
            if f.response and f.response.explain:
                assert md_escape(f.response.explain.ja) in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[1:] == [f"## {phrase('case.number').format(number=e.case.number)} {md_escape(e.case.title)}"
                            for e in ordered]


# ------------------------------------------------------------------ one proposal


def test_single_proposal_has_no_agenda(tmp_path: Path, evaluations) -> None:
    doc = parse(report(tmp_path, [seed_file("24")]))
    assert not doc.find_all("table", "agenda-table")
    (section,) = doc.find_all("section", "case")
    assert section.find(cls="case-title").text() == evaluations["24"].case.title
    assert doc.find("h1").text() == titled("report.title.proposal")


def test_exceptions_all_appear_with_their_status(tmp_path: Path, durable: Evaluator, catalog: Catalog) -> None:
    base = durable.evaluate(load_proposal(seed_file("27")), "27")
    fired = [f for f in base.findings if catalog.rule(f.rule_id).spec.waivable]
    assert fired, "the seed's case 27 has a waivable finding"
    unfired = next(c.id for c in catalog.rules if not c.is_derivation and c.id not in {f.rule_id for f in base.findings})
    entries = [
        {"rule": fired[0].rule_id, "reason": "理由 <b>あり</b>", "approved_by": "会長", "decision": "第5回"},
        {"rule": unfired, "reason": "使われない例外"},
    ]
    if len(fired) > 1:
        entries.append({"rule": fired[1].rule_id})  # no reason: the finding stands
    path = proposal_copy(tmp_path, seed_file("27"), "exc", _top={"exceptions": entries})
    evaluated = durable.evaluate(load_proposal(path), str(path))
    doc = parse(report(tmp_path, [path]))
    rows = doc.find("table", "exceptions-table").find("tbody").find_all("tr")
    shown = [(r.find("th").text(), r.find("strong").text()) for r in rows]
    assert shown == [(catalog.rule(x.rule_id).spec.title.ja, phrase(f"exception.{x.status}")) for x in evaluated.exceptions]
    assert {x.status for x in evaluated.exceptions} >= {"accepted", "unused"}
    excepted = doc.find("article", "finding", data_rule=fired[0].rule_id)
    assert "excepted" in excepted.classes
    assert "理由 <b>あり</b>" in excepted.find("tr", "exception").text()  # escaped, shown as written
    assert not doc.find_all("b")


# ------------------------------------------------------------------ inert input


def test_script_in_title_is_escaped(tmp_path: Path) -> None:
    title = "<script>alert(1)</script>"
    path = proposal_copy(tmp_path, seed_file("27"), "hostile", title=title)
    html = report(tmp_path, [path])
    doc = parse(html)
    assert not doc.find_all("script")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert doc.find(cls="case-title").text() == title
    assert title in doc.find("title").text()
    md = report(tmp_path, [path], "md")
    assert not re.search(r"(?<!\\)<", md.split("\n## ", 1)[1].split("\n", 1)[0])  # every < escaped
    assert r"\<script\>alert(1)\</script\>" in md


def test_template_syntax_in_proposal_text_prints_as_written(tmp_path: Path) -> None:
    title = "{{ 7*7 }}"
    path = proposal_copy(
        tmp_path, seed_file("27"), "jinja", title=title,
        _top={"responses": {"sender-domain-authentication": "{% if true %}x{% endif %} {{ 7*7 }}"}},
    )
    doc = parse(report(tmp_path, [path]))
    assert doc.find(cls="case-title").text() == title
    article = doc.find("article", "finding", data_topic="sender-domain-authentication")
    assert article.find(cls="response-text").text() == "{% if true %}x{% endif %} {{ 7*7 }}"
    md = report(tmp_path, [path], "md")
    heading = next(line for line in md.splitlines() if line.startswith("## "))
    assert heading.endswith(r"{{ 7\*7 }}") and "49" not in heading


def test_control_characters_never_reach_the_output(tmp_path: Path) -> None:
    path = proposal_copy(tmp_path, seed_file("25"), "ctl", fmt="json", title="ベル\x07と\x1b[31m色")
    for fmt in ("html", "md"):
        text = report(tmp_path, [path], fmt)
        assert "\x07" not in text and "\x1b" not in text
        assert "x07" in text and "x1b" in text  # shown as visible escapes


def test_markdown_escapes_pipes_in_table_cells(tmp_path: Path) -> None:
    piped = proposal_copy(tmp_path, seed_file("27"), "piped", number="99", title="前半|後半 *強調* [リンク](x)")
    md = report(tmp_path, [seed_file("25"), piped], "md")
    row = next(line for line in md.splitlines() if line.startswith("| 99 |"))
    cells = re.split(r"(?<!\\)\|", row)[1:-1]
    assert len(cells) == 5
    assert cells[1].strip() == r"前半\|後半 \*強調\* \[リンク\](x)"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", r"a\|b"),
        ("<b>x</b>", r"\<b\>x\</b\>"),
        ("- item", r"\- item"),
        ("1. first", r"1\. first"),
        ("# title", r"\# title"),
        ("line\nnext", "line next"),
        ("bulk_send", "bulk_send"),
        ("_em_", r"\_em\_"),
        ("&amp;", r"\&amp;"),
        ("旧氏", "旧氏"),
        ("example.com/login", r"example\.com/login"),
        ("a.co.jp", r"a\.co\.jp"),
        ("詳細はexample.comへ", r"詳細はexample\.comへ"),
        ("比率 1.5 v1.2.3 3.5mm No.3 e.g.", "比率 1.5 v1.2.3 3.5mm No.3 e.g."),
    ],
)
def test_md_filter(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "span"),
    [
        ("/in/27.yaml", "`/in/27.yaml`"),
        ("a_b [x] <y> https://e.example", "`a_b [x] <y> https://e.example`"),
        ("a`b", "``a`b``"),
        ("`x``", "``` `x`` ```"),
        ("line\nnext\x1b", r"`line next\x1b`"),
        ("", ""),
    ],
)
def test_md_code_shows_a_value_as_written(raw: str, span: str) -> None:
    """In a code span nothing is markup, so nothing is escaped; the fence outgrows the value's backticks."""
    assert md_code(raw) == span


# ------------------------------------------------------------------ options and output


def test_lang_en_uses_english_labels_and_messages(tmp_path: Path, evaluations) -> None:
    html = report(tmp_path, SEED, "html", "--lang", "en")
    doc = parse(html)
    assert doc.find("html").attrs["lang"] == "en"
    headers = [th.text() for th in doc.find("table", "agenda-table").find("thead").find_all("th")]
    assert headers == [phrase(f"report.col.{k}", "en") for k in ("number", "title", "department", "agenda", "verdict", "open_questions")]
    assert doc.find("h1").text() == titled("report.title.meeting", "en")
    for number, e in evaluations.items():
        section = case_section_en(doc, number)
        assert section.find(cls="verdict-text").text() == opinion_text(e, "en")
        messages = [m.text() for m in section.find_all(cls="message")]
        assert sorted(messages) == sorted(f.message.en for f in e.findings)
    for key in ("report.findings", "report.data_items", "report.opinion"):
        assert phrase(key, "en") in html
    headings = {squash(h.text()) for level in ("h1", "h2", "h3", "th") for h in doc.find_all(level)}
    japanese = {phrase(key, "ja") for key in ("report.findings", "report.data_items", "report.agenda",
                                            "report.opinion", "report.col.title", "report.department")}
    assert not headings & japanese
    assert phrase("verdict.advice", "ja") not in html
    md = report(tmp_path, SEED, "md", "--lang", "en")
    assert md.startswith(f"# {md_escape(titled('report.title.meeting', 'en'))}\n")
    assert md_escape(phrase("report.added_marker", "en")) in md


def titled(key: str, lang: str = "ja") -> str:
    """A report title as the default profile names its council in it."""
    council = default_catalog().profile.council.get(lang)  # type: ignore[union-attr]
    return phrase("report.title.of_council", lang, council=council, title=phrase(key, lang))


def case_section_en(doc: Node, number: str) -> Node:
    for section in doc.find_all("section", "case"):
        if section.find(cls="case-number").text() == phrase("case.number", "en").format(number=number):
            return section
    raise AssertionError(f"no case {number}")


def test_dash_writes_markdown_to_stdout(tmp_path: Path, cli, evaluations) -> None:
    result = cli("report", seed_file("27"), "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"# {md_escape(titled('report.title.proposal'))}\n")
    assert md_escape(evaluations["27"].case.title) in result.stdout
    assert not list(tmp_path.iterdir())


def test_format_follows_the_output_suffix(tmp_path: Path, cli) -> None:
    out = tmp_path / "r.md"
    assert cli("report", seed_file("25"), "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# ")
    result = cli("report", seed_file("25"), "-o", "-")
    assert result.exit_code == 2 and "--format" in result.stderr


def test_refuses_to_write_over_an_input(tmp_path: Path, cli) -> None:
    path = tmp_path / "27.yaml"
    path.write_bytes(seed_file("27").read_bytes())
    before = path.read_bytes()
    for fmt in ("html", "md"):
        result = cli("report", seed_file("25"), path, "--format", fmt, "-o", path)
        assert result.exit_code == 2
        assert result.stderr.startswith("itaku: ") and "Traceback" not in result.stderr
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["27.yaml"]  # no stray temporary file


def test_bad_input_leaves_no_output(tmp_path: Path, cli) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: itaku/v1\ncase: [\n", encoding="utf-8")
    out = tmp_path / "out.html"
    result = cli("report", seed_file("25"), bad, "--format", "html", "-o", out)
    assert result.exit_code == 2 and "bad.yaml" in result.stderr
    assert not out.exists()


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    for fmt in ("html", "md"):
        first = report(tmp_path, SEED, fmt, name=f"a.{fmt}")
        second = report(tmp_path, list(reversed(SEED)), fmt, name=f"b.{fmt}")
        assert first.encode() == second.encode()
