"""The advisor's draft opinion as a Word document, in the council's own form, ready to edit.

For each case, on its own pages (the case number in the page header, page numbers in the
footer): 件名, 担当課, 区分, what is still to be confirmed (記載の確認が必要な事項 N件, while any
is), then 意見 in the council's phrases (said to be provisional while questions are open), then the
opinion's points only (blockers and advice that count), numbered in the opinion's rank order, each
with what to confirm (確認事項) and a clause to add (追記例); the questions before the meeting are
not points of the opinion and go to the department in a document of their own (`itaku checklist
questions`), which a line here refers to; 参考 items follow as a short list, then what became of
each exception. The same words as
the reports (one Evaluation feeds both), without identifiers.

Same input, same bytes: the core properties carry a fixed date (the meeting's, else 2000-01-01)
and every zip entry a fixed time, as checklists/workbook.py does for workbooks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.evaluation import Evaluation, ExceptionStatus
from itaku.engine.safe_text import inert_inline
from itaku.engine.status import completeness_lead, opinion_text
from itaku.engine.wareki import date_text, dates_in_text
from itaku.engine.wording import phrase
from itaku.reports.json_view import agenda_text
from itaku.reports.ooxml import repeatable_zip
from itaku.reports.view import case_sort_key, meeting_names

FONT = phrase("docx.font", "ja")  # the council's documents are set in Mincho; viewers without it substitute one
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


def _text(value: str) -> str:
    """Text from a proposal or a rule made safe for a document: control characters (which XML
    cannot hold) become visible escapes, and a line break a space (python-docx would make it a line
    of its own: every text here is one paragraph)."""
    return inert_inline(value)


def _set_fonts(document: DocumentType) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Number"):
        style = document.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FONT)
    document.styles["Normal"].font.size = Pt(10.5)


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the viewer fills in when it lays out the page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_furniture(document: DocumentType, header_text: str) -> None:
    """The current section: A4, margins, the case in the header, page x / y in the footer."""
    section = document.sections[-1]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.text = _text(header_text)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")


def _labelled(document: DocumentType, name: str, value: str, lang: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(phrase("docx.label", lang, name=name)).bold = True
    paragraph.add_run(_text(value))


def _exception_line(exception: ExceptionStatus, catalog: Catalog, lang: str) -> str:
    rule = catalog.rule(exception.rule_id)
    title = rule.spec.title.get(lang) if rule is not None and not rule.is_derivation else ""  # type: ignore[union-attr]
    parts = [f"{title}{phrase('sep.label', lang)}{phrase(f'exception.{exception.status}', lang)}"]
    parts += [dates_in_text(p, lang) for p in (exception.reason, exception.decision) if p]
    if exception.until:
        parts.append(phrase("date.until", lang, date=date_text(exception.until, lang)))
    return phrase("sep.path", lang).join(parts)


def _case(document: DocumentType, evaluation: Evaluation, catalog: Catalog, lang: str) -> None:
    document.add_heading(_text(phrase("case.number", lang, number=evaluation.case.number)), level=1)
    _labelled(document, phrase("docx.subject", lang), evaluation.case.title, lang)
    _labelled(document, phrase("report.department", lang), evaluation.case.department, lang)
    redelegation = phrase(f"redelegation.{evaluation.classification.redelegation}", lang)
    classification = agenda_text(evaluation, lang) + phrase("sep.path", lang) + redelegation
    _labelled(document, phrase("report.classification", lang), classification, lang)
    if (lead := completeness_lead(evaluation, lang)) is not None:
        document.add_paragraph().add_run(lead).bold = True
    document.add_heading(phrase("opinion.heading", lang), level=2)
    document.add_paragraph(opinion_text(evaluation, lang))
    points = [f for f in evaluation.findings if f.in_opinion]  # in the opinion's rank order
    for i, finding in enumerate(points, start=1):
        paragraph = document.add_paragraph()
        paragraph.add_run(phrase("docx.point", lang, number=i, text=_text(finding.message.get(lang))))
        if finding.severity == "blocker":
            paragraph.add_run(phrase("docx.blocker_mark", lang)).bold = True
        if finding.item:
            paragraph.add_run(phrase("selfcheck.item", lang, item=_text(finding.item)))
        for key, text in (("report.ask", finding.ask.get(lang)), ("report.clause", finding.clause.get(lang))):
            detail = document.add_paragraph()
            detail.paragraph_format.left_indent = Mm(8)
            detail.add_run(phrase(key, lang) + phrase("sep.label", lang)).bold = True
            detail.add_run(_text(text))
    if any(f.severity == "question" for f in evaluation.findings):
        document.add_paragraph(phrase("docx.questions_apart", lang))
    notes = [f for f in evaluation.findings if f.counts and f.severity == "info"]
    if notes:
        document.add_heading(phrase("docx.notes", lang), level=2)
        for finding in notes:
            document.add_paragraph(_text(finding.message.get(lang)), style="List Bullet")
    if evaluation.exceptions:
        document.add_heading(phrase("report.exceptions", lang), level=2)
        for exception in evaluation.exceptions:
            document.add_paragraph(_text(_exception_line(exception, catalog, lang)), style="List Bullet")


@speaks_for_its_catalog
def render_opinion_docx(evaluations: Sequence[Evaluation], catalog: Catalog, lang: str = "ja") -> bytes:
    """The advisor's draft opinion on `evaluations` (in case-number order) as .docx bytes."""
    if not evaluations:
        raise ValueError("an opinion needs at least one evaluation")
    ordered = sorted(evaluations, key=case_sort_key)
    document = Document()
    _set_fonts(document)
    meetings = meeting_names(ordered, lang)
    title = phrase("docx.title", lang)
    for index, evaluation in enumerate(ordered):
        if index:
            document.add_section(WD_SECTION.NEW_PAGE)
        number = phrase("case.number", lang, number=evaluation.case.number)
        _page_furniture(document, phrase("docx.page_header", lang, title=title, case=number))
        if index == 0:
            heading = document.add_paragraph()
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = heading.add_run(title)
            run.bold = True
            run.font.size = Pt(16)
            if meetings:
                line = document.add_paragraph(_text(phrase("docx.meeting", lang, meetings=phrase("sep.list", lang).join(meetings))))
                line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _case(document, evaluation, catalog, lang)
    return _fixed_bytes(document, title, ordered)


def _fixed_bytes(document: DocumentType, title: str, ordered: list[Evaluation]) -> bytes:
    """The document's bytes with fixed core properties and zip entry times."""
    day = next((e.case.meeting for e in ordered if e.case.meeting), None)
    stamp = FIXED_TIME.replace(year=day.year, month=day.month, day=day.day) if day else FIXED_TIME
    props = document.core_properties
    props.author = props.last_modified_by = ""
    props.title = title
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return repeatable_zip(raw.getvalue())
