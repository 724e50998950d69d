"""What the checklist sheets share: a sheet per proposal, the header block, looking values up in the
validated proposal an Evaluation carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from itaku.checklists import workbook as wbk
from itaku.checklists.marks import BOLD_UNDERLINE, Marks, marked_text
from itaku.engine import conditions as cond
from itaku.engine.catalog import Catalog, Rule
from itaku.engine.changes import Change
from itaku.engine.evaluation import Evaluation, ExceptionStatus
from itaku.engine.facts import build_facts
from itaku.engine.models import Proposal
from itaku.engine.status import completeness_lead, topic_status, verdict_label
from itaku.engine.value_text import value_words
from itaku.engine.wareki import date_text, dates_in_text, meeting_text
from itaku.engine.wording import phrase
from itaku.present.json_view import agenda_text

BLANK_ROWS = 10  # rows left for entries nobody planned (extra events, extra sends)
PERIOD = ("period.start", "period.end")  # the fields `period_text` shows


def held(proposal: Proposal | None, path: str) -> Any:
    """A field of a validated proposal by dotted path, as the model holds it (a date as a date;
    None when absent or not stated)."""
    current: Any = proposal
    for part in path.split("."):
        current = getattr(current, part, None)
    return current


def value_at(evaluation: Evaluation, path: str) -> Any:
    """A field of the proposal an Evaluation keeps (see `held`; None when it was made without it)."""
    return held(evaluation.proposal, path)


def date_at(evaluation: Evaluation, path: str) -> dt.date | None:
    """A date field of the proposal (None when not stated)."""
    value = value_at(evaluation, path)
    return value if isinstance(value, dt.date) else None


def shown(evaluation: Evaluation, path: str, lang: str) -> str:
    """A field as every output words it (engine.value_text): 未記載 when not stated, なし for a list
    stated empty, labels for yes/no and choices, numbers with separators, dates in 和暦."""
    return value_words(path, value_at(evaluation, path), lang)


def case_line(evaluation: Evaluation, lang: str) -> str:
    """資料27 一斉メール配信における…"""
    number = phrase("case.number", lang, number=evaluation.case.number)
    return phrase("case.line", lang, number=number, title=evaluation.case.title)


def period_text(evaluation: Evaluation, lang: str) -> str:
    """The contract period (see `period_words`)."""
    return period_words(date_at(evaluation, "period.start"), date_at(evaluation, "period.end"), lang)


def period_words(start: dt.date | None, end: dt.date | None, lang: str) -> str:
    """令和2年1月6日 〜 令和2年3月31日; a date not stated reads 未記載 (開始日未記載 〜 令和2年3月31日),
    never a bare dash; 未記載 when neither is stated, as any field not stated reads."""
    if start is None and end is None:
        return value_words("period", None, lang)
    return phrase(
        "date.period", lang,
        start=date_text(start, lang, empty=phrase("date.start_not_stated", lang)),
        end=date_text(end, lang, empty=phrase("date.end_not_stated", lang)),
    )


def meeting_line(evaluation: Evaluation, lang: str) -> str:
    """The meeting the proposal goes to: 令和元年度第4回（令和元年9月9日）, or 未記載 when its date is
    not stated (as any field not stated reads)."""
    return meeting_text(evaluation.case.meeting, evaluation.case.session, lang) or value_words("case.meeting", None, lang)


def completeness_text(evaluation: Evaluation, lang: str) -> str:
    """「記載の確認が必要な事項 N件」 while questions before the meeting are open, else that none is."""
    return completeness_lead(evaluation, lang) or phrase("completeness.complete", lang)


def lead_pairs(evaluation: Evaluation, lang: str, opinion: bool = True) -> list[tuple[str, Any]]:
    """The header lines a proposal's sheet leads with: what is still to be confirmed and (with
    `opinion`) the verdict, marked provisional while anything is."""
    pairs: list[tuple[str, Any]] = [(phrase("head.completeness", lang), completeness_text(evaluation, lang))]
    if opinion:
        pairs.append((phrase("head.verdict", lang), verdict_label(evaluation, lang)))
    return pairs


def classification_text(evaluation: Evaluation, lang: str) -> str:
    return agenda_text(evaluation, lang) + phrase("sep.path", lang) + phrase(f"redelegation.{evaluation.classification.redelegation}", lang)


def proposal_sheet(
    wb: Workbook, evaluation: Evaluation, kind: str, widths: Sequence[float], columns: int, lang: str
) -> tuple[Worksheet, str]:
    """A new sheet of checklist `kind` for one proposal, named by its case number (unique within
    the workbook), with its column widths and title row; returns the sheet and its printed title."""
    base = wbk.sheet_title(phrase("case.number", lang, number=evaluation.case.number))
    name, n = base, 2
    while name in wb.sheetnames:
        name = wbk.sheet_title(f"{base[:27]}({n})")
        n += 1
    ws = wb.create_sheet(name)
    wbk.set_widths(ws, widths)
    wbk.title_row(ws, phrase(f"kind.{kind}", lang), columns)
    return ws, phrase("checklist.print_title", lang, kind=phrase(f"kind.{kind}", lang), case=case_line(evaluation, lang))


INPUT = object()  # a header value the reader of the sheet fills in (shaded as input)


@dataclass(frozen=True)
class Marked:
    """A header value that changed from the approved version: bold and underlined, its marker
    (【変更】…) already in the text."""

    text: str


def marks_of(evaluation: Evaluation) -> Marks:
    """The changes from the approved version the proposal was compared with (none without one)."""
    return Marks(evaluation.changes.comparison)


def header_value(evaluation: Evaluation, marks: Marks, paths: Sequence[str], lang: str, text: str | None = None) -> str | Marked:
    """A header value shown from the fields `paths` (`text`, by default the first field as `shown`
    gives it), marked when one of them changed."""
    text = shown(evaluation, paths[0], lang) if text is None else text
    change = marks.first((p, value_at(evaluation, p) is not None) for p in paths)
    return text if change is None else Marked(marked_text(text, change, lang))


def header_block(ws: Worksheet, row: int, pairs: Sequence[tuple[str, Any]], columns: int, label_columns: int = 2) -> int:
    """Label/value lines under the title (label across `label_columns`, value across the rest);
    a value of `INPUT` is left blank and shaded for the person to fill in, a `Marked` one is bold
    and underlined. Returns the next row."""
    for text, value in pairs:
        wbk.put(ws, row, 1, text, bold=True, fill=wbk.GROUP_FILL)
        for column in range(2, label_columns + 1):
            wbk.put(ws, row, column, None, fill=wbk.GROUP_FILL)
        if label_columns > 1:
            wbk.merge(ws, row, 1, row, label_columns)
        if value is INPUT:
            for column in range(label_columns + 1, columns + 1):
                wbk.put(ws, row, column, None, fill=wbk.INPUT_FILL)
        else:
            style = BOLD_UNDERLINE if isinstance(value, Marked) else {}
            shown = value.text if isinstance(value, Marked) else value
            wbk.put(ws, row, label_columns + 1, shown if shown not in (None, "") else "—", **style)
            for column in range(label_columns + 2, columns + 1):
                wbk.put(ws, row, column, None, **style)
        if columns > label_columns + 1:
            wbk.merge(ws, row, label_columns + 1, row, columns)
        row += 1
    return row


def changes_block(
    ws: Worksheet, row: int, evaluation: Evaluation, columns: int, lang: str,
    only: Callable[[Change], bool] | None = None, heading: str = "report.computed_changes",
    empty: str = "report.no_changes",
) -> int:
    """The changes from the approved version (when compared; `only` those it accepts, under the
    wording key `heading`, or the note `empty` when there are none), each on its own line in bold
    and underlined with its 【追加】／【削除】／【変更】 mark, as the council's documents show them;
    returns the next row."""
    comparison = evaluation.changes.comparison
    if comparison is None:
        return row
    wbk.put(ws, row, 1, phrase(heading, lang), bold=True, fill=wbk.GROUP_FILL)
    wbk.merge(ws, row, 1, row, columns)
    row += 1
    shown = [c for c in comparison.changes if only is None or only(c)]
    for change in shown:
        declared = phrase("report.declared_yes" if change.declared else "report.declared_no", lang)
        text = phrase("change.with_declared", lang, text=change.text.get(lang), declared=declared)
        wbk.put(ws, row, 1, text, **BOLD_UNDERLINE)
        wbk.merge(ws, row, 1, row, columns)
        row += 1
    if not shown:
        row = note_row(ws, row, phrase(empty, lang), columns)
    return row


RAISED = ("action", "advice", "question", "info")  # topic statuses with a finding to look at


def topics_block(ws: Worksheet, row: int, evaluation: Evaluation, columns: int, lang: str) -> int:
    """The topics the review raised, under a heading: each topic's status (engine.status, the same
    as every output shows it) and its label, by status and then in the opinion's rank order (where
    the topic's first finding stands); returns the next row."""
    first: dict[str, int] = {}
    for index, finding in enumerate(evaluation.findings):
        first.setdefault(finding.topic, index)
    raised = [
        (s, label, first.get(topic, len(first)))
        for topic, label in evaluation.topic_labels(lang) if (s := topic_status(evaluation, topic)) in RAISED
    ]
    if not raised:
        return row
    wbk.put(ws, row, 1, phrase("checklist.raised_topics", lang), bold=True, fill=wbk.GROUP_FILL)
    wbk.merge(ws, row, 1, row, columns)
    row += 1
    for status, label, _ in sorted(raised, key=lambda t: (RAISED.index(t[0]), t[2])):
        wbk.put(ws, row, 1, phrase(f"status.{status}", lang), bold=status != "info")
        wbk.put(ws, row, 2, None)
        wbk.merge(ws, row, 1, row, 2)
        wbk.put(ws, row, 3, label)
        for column in range(4, columns + 1):
            wbk.put(ws, row, column, None)
        wbk.merge(ws, row, 3, row, columns)
        row += 1
    return row


def note_row(ws: Worksheet, row: int, text: str, columns: int) -> int:
    """A one-line note across the sheet (smaller, no border); returns the next row."""
    wbk.put(ws, row, 1, text, size=9, border=False)
    wbk.merge(ws, row, 1, row, columns)
    return row + 1


def rule_spec(catalog: Catalog, rule_id: str) -> Rule | None:
    """The finding rule with this id (None for a derivation or an id the catalog lacks)."""
    compiled = catalog.rule(rule_id)
    return compiled.spec if compiled is not None and isinstance(compiled.spec, Rule) else None


def topic_label(catalog: Catalog, topic: str, lang: str) -> str:
    t = catalog.topics.get(topic)
    return topic if t is None else t.get(lang)


def finish(
    ws: Worksheet, title: str, header_row: int, columns: int, landscape: bool = True, freeze_column: int = 1,
    minimum: float | None = None, first_data_row: int | None = None, **page: Any,
) -> None:
    """Row heights (table rows at least `minimum`, room to write by hand), print set-up (the
    table's header row repeats on every page), frozen header."""
    wbk.fit_row_heights(ws, 2, ws.max_row)
    if minimum is not None:
        wbk.fit_row_heights(ws, first_data_row or header_row + 1, ws.max_row, minimum=minimum)
    wbk.page_setup(
        ws, title, header_row, columns, landscape=landscape, freeze_column=freeze_column,
        title_rows=f"{header_row}:{header_row}", **page,
    )


def rule_title(catalog: Catalog, rule_id: str, lang: str) -> str:
    """A rule as a person names it: its title (never its id)."""
    spec = rule_spec(catalog, rule_id)
    return spec.title.get(lang) if spec is not None else phrase("exception.unknown_rule", lang)


def exception_text(exception: ExceptionStatus, catalog: Catalog, lang: str) -> str:
    """An exception in one line: the rule's title, what became of it, reason, decision, end date."""
    parts = [f"{rule_title(catalog, exception.rule_id, lang)}{phrase('sep.label', lang)}{phrase(f'exception.{exception.status}', lang)}"]
    # a decision is often dated (令和2年度第5回（2021-03-08）): dates are shown as people read them
    parts += [dates_in_text(p, lang) for p in (exception.reason, exception.decision) if p]
    if exception.until:
        parts.append(phrase("date.until", lang, date=date_text(exception.until, lang)))
    return phrase("sep.path", lang).join(parts)


def write_row(
    ws: Worksheet, row: int, cells: Sequence[tuple[Any, dict[str, Any]]], carry: int | None = None, lang: str = "ja",
) -> int:
    """One table row: each cell a (value, put options) pair. A text too long for one row (409 pt)
    continues in the rows below, in the same column, the other cells left blank in the same style,
    except column `carry` (the row's number), which says whose continuation it is (23（続き）);
    returns the next free row."""
    widths = wbk.column_widths(ws)
    pieces: list[list[Any]] = []
    for column, (value, options) in enumerate(cells, start=1):
        if isinstance(value, str):
            size = options.get("size", wbk.FONT_SIZE)
            pieces.append(list(wbk.split_text(value, widths.get(column, wbk.DEFAULT_WIDTH), size)))
        else:
            pieces.append([value])
    if carry is not None and cells[carry - 1][0] is not None:
        pieces[carry - 1] += [phrase("table.continued", lang, value=cells[carry - 1][0])] * (max(map(len, pieces)) - 1)
    for offset in range(max(len(p) for p in pieces)):
        for column, ((_, options), parts) in enumerate(zip(cells, pieces, strict=True), start=1):
            wbk.put(ws, row + offset, column, parts[offset] if offset < len(parts) else None, **options)
    return row + max(len(p) for p in pieces)


FIELD_SCOPE = "vendor_handles_data"  # the shared condition (rules/scopes.yaml) field documents follow


def vendor_handles_data(evaluation: Evaluation, catalog: Catalog) -> bool:
    """Whether a vendor, delegate or re-delegate handles the proposal's personal data, as the
    catalog's shared condition says (the same test the rules apply): only then is there a vendor
    to inspect and an outsourcing to keep a record of."""
    scope = catalog.scopes.get(FIELD_SCOPE)
    if scope is None or evaluation.proposal is None:
        return True  # a catalog without the condition (or no proposal kept): every proposal gets its documents
    test = cond.compile_match(cond.normal_form(cond.parse(scope.condition)))
    return bool(test(build_facts(evaluation.proposal)))
