"""One wording per value (issue 21, item 1): every output words a field's value as
`engine.value_text.value_words` does, in both languages.

Every leaf field of every bundled example goes through every output that shows field values: the
report's evidence (a finding made to cite every leaf, rendered through the report), the list of changes from the approved version (each
example compared with a copy of itself with its leaves left unstated, so that each stated leaf is a
change: in the Evaluation, the report and the sheets), and the checklist sheets' header values. The
rules themselves are tested one by one below.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from itaku.checklists.build import PER_PROPOSAL, build_checklist
from itaku.engine import fields
from itaku.engine.catalog import Catalog
from itaku.engine.changes import EXCLUDED, RECORD_KEYS, compare
from itaku.engine.evaluation import SHOWN_LIMIT, Evaluation, Evaluator, Evidence
from itaku.engine.models import Proposal
from itaku.engine.value_text import evidence_text, field_label, value_words
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.files.reading import load_proposal
from itaku.reports.markdown import md_escape
from itaku.reports.render import render_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted([*(ROOT / "examples" / "seed").glob("*.yaml"), *(ROOT / "examples" / "extra").glob("*.yaml"),
                   *(ROOT / "examples" / "revisions").glob("*.yaml")])
LANGS = ("ja", "en")
ISO_DATE = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b")
NAMES = [f"{p.parent.name}/{p.stem}" for p in EXAMPLES]


@pytest.fixture(scope="module")
def evaluator(reference: Evaluator) -> Evaluator:
    return reference


def leaves(proposal: Proposal) -> list[tuple[str, str, Any]]:
    """(path as evidence names it, the field's path, the value as the model holds it) of every leaf
    field of the proposal, stated or not, list items' fields by the item's place."""
    out: list[tuple[str, str, Any]] = []

    def walk(nodes: tuple[fields.Field, ...], held: Any, prefix: str) -> None:
        for node in nodes:
            value = getattr(held, node.name, None)
            here = f"{prefix}{node.name}"
            if node.kind in (fields.CONST, fields.MAPPING):
                continue
            if node.kind == fields.SECTION:
                walk(node.children, value, f"{here}.")
            elif node.kind == fields.RECORDS:
                for i, record in enumerate(value or []):
                    walk(node.children, record, f"{here}[{i}].")
            else:
                out.append((here, node.path, value))

    walk(fields.tree(), proposal, "")
    return out


def words(path: str, value: Any) -> dict[str, str]:
    return {lang: value_words(path, value, lang) for lang in LANGS}


# ---------------------------------------------------------------- the rules, one by one


def test_not_stated_reads_mishoki_and_an_empty_list_nashi() -> None:
    assert words("vendor.name", None) == {"ja": "未記載", "en": "not stated"}
    assert words("vendor.certifications", None) == {"ja": "未記載", "en": "not stated"}
    assert words("vendor.certifications", []) == {"ja": "なし", "en": "None"}
    assert words("data.items", []) == {"ja": "なし", "en": "None"}
    assert value_words("data.items", ["氏名", "住所"], "ja") == "氏名、住所"
    assert value_words("data.items", ["Name", "Address"], "en") == "Name, Address"


def test_yes_and_no() -> None:
    assert words("vendor.antivirus", True) == {"ja": "はい", "en": "yes"}
    assert words("vendor.antivirus", False) == {"ja": "いいえ", "en": "no"}


def test_whole_numbers_have_thousands_separators() -> None:
    assert words("business.subject_count", 43000) == {"ja": "43,000", "en": "43,000"}
    assert value_words("business.subject_count", 999, "ja") == "999"
    assert value_words("business.subject_count", 1_000_000, "en") == "1,000,000"


def test_dates_in_wareki_or_the_english_long_form_held_as_dates_or_iso_text() -> None:
    day = dt.date(2019, 9, 9)
    assert words("period.start", day) == {"ja": "令和元年9月9日", "en": "9 September 2019"}
    # a date written as text (by hand, in a JSON file) reads the same
    assert words("period.start", "2019-09-09") == words("period.start", day)
    assert words("assurances[1].granted_on", "2020-04-30") == {"ja": "令和2年4月30日", "en": "30 April 2020"}
    assert value_words("case.meeting", dt.date(2019, 4, 30), "ja") == "平成31年4月30日"
    # a text that only looks like it is not made a date; a free text's ISO dates are read as dates
    assert value_words("period.start", "2019-13-01", "ja") == "2019-13-01"
    assert value_words("business.purpose", "説明会（2020-04-01）", "ja") == "説明会（令和2年4月1日）"


def test_choices_and_the_classification_by_their_labels() -> None:
    method = fields.get("system.authentication.method")
    value = method.choices[0].value
    assert words("system.authentication.method", value) == {lang: method.choice_label(value, lang) for lang in LANGS}
    assert words("system.authentication.method", value)["ja"] != value
    media = fields.get("data.media")
    both = [c.value for c in media.choices[:2]]
    assert value_words("data.media", both, "ja") == "、".join(media.choice_label(v, "ja") for v in both)
    assert words("classification.redelegation", "hosting_only") == {
        lang: phrase("redelegation.hosting_only", lang) for lang in LANGS
    }
    # the agenda as the council writes it: a case going to both is 諮問＋報告, to neither —
    assert value_words("classification.agenda", ["consultation", "report"], "ja") == "＋".join(
        phrase(f"agenda.{a}", "ja") for a in ("consultation", "report"))
    assert value_words("classification.agenda", [], "ja") == "—"


def test_countries_by_name() -> None:
    assert words("subcontractors[2].country", "US") == {"ja": "アメリカ合衆国", "en": "United States"}
    assert words("subcontractors.country", "JP") == {"ja": "日本", "en": "Japan"}


def test_evidence_names_the_field_as_the_form_asks_it() -> None:
    assert field_label("subcontractors[0].country", "ja") == "再委託先等（1件目）の「所在国」"
    assert field_label("subcontractors.country", "ja") == "再委託先等の「所在国」"
    assert evidence_text("subcontractors[0].country", "JP", "ja") == "再委託先等（1件目）の「所在国」：日本"
    assert evidence_text("vendor.name", None, "en") == "Vendor: not stated"


# ---------------------------------------------------------------- every output, every leaf


def _evaluate(evaluator: Evaluator, path: Path, approved: Proposal | None = None) -> tuple[Proposal, Evaluation]:
    proposal = load_proposal(path, catalog=evaluator.catalog)
    return proposal, evaluator.evaluate(proposal, path.name, approved=("approved.yaml", approved) if approved else None)


def _report(evaluation: Evaluation, catalog: Catalog, lang: str) -> str:
    text = render_report([evaluation], catalog, "md", lang)
    assert not ISO_DATE.search(text), ISO_DATE.search(text)  # no date left as a program writes it
    return text


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_the_reports_evidence_words_every_leaf_as_value_words(path: Path, evaluator: Evaluator, catalog: Catalog) -> None:
    proposal, evaluation = _evaluate(evaluator, path)
    # the engine carries the proposal's own values: a date is a date, not its ISO text
    held = {p: v for p, _, v in leaves(proposal)}
    dates = 0
    for finding in evaluation.findings:
        for e in finding.evidence:
            value = held.get(e.path)
            long = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and len(v) > SHOWN_LIMIT]
            if e.path in held and not long:  # a long text is shortened in a finding
                assert e.value == value and type(e.value) is type(value), e.path
                dates += isinstance(value, dt.date)
    if path.stem == "17-cloud-ministry-assurance":  # its assurance's date is read by a rule
        assert dates
    every = tuple(Evidence(path=p, value=v) for p, _, v in leaves(proposal))
    assert evaluation.findings, "an example without findings cannot show evidence"
    cited = evaluation.model_copy(update={"findings": (evaluation.findings[0].model_copy(update={"evidence": every}),)})
    for lang in LANGS:
        text = _report(cited, catalog, lang)
        for p, field, value in leaves(proposal):
            shown = f"{field_label(p, lang)}{phrase('sep.label', lang)}{value_words(field, value, lang)}"
            assert f"  - {md_escape(shown)}\n" in text, (p, lang, shown)


def _excluded(path: str) -> bool:
    """A field the comparison leaves out (the case's identifiers, the declaration, answers, waivers)."""
    return any(path == e or path.startswith(f"{e}.") for e in EXCLUDED)


def _kept(node: fields.Field) -> bool:
    """A leaf the unstated copy keeps: one that must be stated, identifies its record, or is not compared."""
    keys = {k for group in RECORD_KEYS.get(node.record or "", ((), ())) for k in group}
    return (node.required or node.name in keys or _excluded(node.path)
            or (not node.nullable and node.kind not in fields.LIST_KINDS))


def _blank(nodes: tuple[fields.Field, ...], data: dict[str, Any]) -> dict[str, Any]:
    """The proposal's data with every leaf it may leave unstated left unstated (sections and records
    kept, records by the fields that identify them): each stated leaf is then a change."""
    out: dict[str, Any] = {}
    for node in nodes:
        value = data.get(node.name)
        if node.kind == fields.SECTION and value is not None and not _excluded(node.path):
            out[node.name] = _blank(node.children, value)
        elif node.kind == fields.RECORDS and value is not None and not _excluded(node.path):
            out[node.name] = [_blank(node.children, r) for r in value]
        elif node.kind in (fields.CONST, fields.MAPPING, fields.SECTION, fields.RECORDS) or _kept(node):
            out[node.name] = value
        elif node.kind in fields.LIST_KINDS:
            out[node.name] = None if node.nullable else []
        else:
            out[node.name] = None
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_the_change_list_words_every_leaf_as_value_words(path: Path, evaluator: Evaluator, catalog: Catalog) -> None:
    proposal = load_proposal(path, catalog=catalog)
    blank = Proposal.model_validate(_blank(fields.tree(), proposal.model_dump()))
    expected: list[tuple[str, Any]] = []  # (field, value) of every stated leaf that is a change
    for _, field, value in leaves(proposal):
        if value in (None, []) or _kept(fields.get(field)):
            continue
        expected += [(field, v) for v in dict.fromkeys(value)] if isinstance(value, list) else [(field, value)]
    for before, after, kind in ((blank, proposal, "added"), (proposal, blank, "removed")):
        changes = compare(before, after, "approved.yaml").changes
        assert {c.kind for c in changes} <= {kind}  # (none where the example states only its case)
        for lang in LANGS:
            found = sorted((c.field, (c.after_text if kind == "added" else c.before_text).get(lang)) for c in changes)  # type: ignore[union-attr]
            assert found == sorted((f, value_words(f, v, lang)) for f, v in expected), (kind, lang)
    # the outputs: the report's table of changes and every sheet's list of changes
    _, evaluation = _evaluate(evaluator, path, approved=blank)
    changes = evaluation.changes.comparison.changes  # type: ignore[union-attr]
    for lang in LANGS:
        text = _report(evaluation, catalog, lang)
        for c in changes:
            assert f"**<ins>{md_escape(c.after_text.get(lang))}</ins>**" in text  # type: ignore[union-attr]
        wb = build_checklist("self-check", [evaluation], catalog, lang)
        cells = {str(cell.value) for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value}
        for c in changes:
            declared = phrase("report.declared_yes" if c.declared else "report.declared_no", lang)
            assert phrase("change.with_declared", lang, text=c.text.get(lang), declared=declared) in cells


# Header lines of the sheets that show one field's value, by their label's key.
HEADER_FIELDS = {
    "head.vendor": "vendor.name",
    "head.recipients": "email.recipients",
    "head.attachments": "email.attachments",
    "head.planned_sends": "email.planned_sends",
    "head.data_items": "data.items",
}


def _header(ws: Worksheet) -> dict[str, str]:
    """The sheet's header block: label -> the value beside it."""
    out = {}
    for row in ws.iter_rows(min_row=2, max_row=30):
        values = [c.value for c in row if c.value is not None]
        if len(values) >= 2 and isinstance(values[0], str):
            out.setdefault(values[0], str(values[1]))
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_the_sheets_word_every_field_they_show_as_value_words(path: Path, evaluator: Evaluator, catalog: Catalog) -> None:
    proposal, evaluation = _evaluate(evaluator, path)
    held = {field: value for p, field, value in leaves(proposal) if p == field}
    shown = 0
    for lang in LANGS:
        for kind in PER_PROPOSAL:
            wb = build_checklist(kind, [evaluation], catalog, lang)
            for ws in wb.worksheets:
                texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
                assert not any(ISO_DATE.search(t) for t in texts), kind
                header = _header(ws)
                for key, field in HEADER_FIELDS.items():
                    if phrase(key, lang) in header:
                        assert header[phrase(key, lang)] == value_words(field, held[field], lang), (kind, field, lang)
                        shown += 1
                period = header.get(phrase("head.period", lang))
                if period is not None:
                    start, end = held["period.start"], held["period.end"]
                    if start is None and end is None:
                        assert period == value_words("period.start", None, lang)
                    for day in (start, end):
                        assert day is None or value_words("period.start", day, lang) in period
                        assert day is None or date_text(day, lang) in period
                    shown += 1
                measures = header.get(phrase("head.measures", lang))
                if measures is not None:  # the mail measures promised: an empty list reads as one does
                    promised = [p for p, v in held.items() if p.startswith("email.") and v is True and p != "email.bulk_send"]
                    assert (measures == value_words("email", [], lang)) == (not promised), (path.name, measures)
                meeting = header.get(phrase("head.meeting", lang))
                if meeting is not None and held["case.meeting"] is None:
                    assert meeting == value_words("case.meeting", None, lang)
                elif meeting is not None:
                    assert value_words("case.meeting", held["case.meeting"], lang) in meeting
    assert shown, "no sheet showed a field"


def test_a_number_declared_without_separators_still_covers_its_change() -> None:
    approved = load_proposal(ROOT / "examples" / "seed" / "21.yaml")
    data = approved.model_dump()
    data["business"] = {**(data["business"] or {}), "subject_count": 43000}
    data["case"]["previous_approval"] = {"meeting": "令和2年度第1回", "changes": ["43000人に変更"]}
    (change,) = [c for c in compare(approved, Proposal.model_validate(data), "approved.yaml").changes
                 if c.field == "business.subject_count"]
    assert change.after_text is not None and change.after_text.ja == "43,000"
    assert change.declared
