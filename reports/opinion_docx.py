"""The advisor's opinion as a Word document, in the council's own form, for the secretariat to send
after light edits.

Each case is one opinion on its own pages (the case number in the page header, page numbers in the
footer), laid out as the council's letters are: the date (和暦, the meeting's) on the right, the
addressee (the council's chair), the advisor's name line, the title, a lead sentence, 件名・担当課・
区分, 意見 in the council's phrases with the numbered points to advise (blockers and advice that
count, in the opinion's rank order), and 「以上」; while questions are open, 記載の確認が必要な事項 N件
leads the opinion, which is said to be provisional (the questions go to the department in a
document of their own, `itaku checklist questions`). What is for the secretariat only (each point's 確認事項 and 追記例, the 参考
items, the exceptions) is in an appendix after the last opinion, under a heading that says it is not
sent; the points themselves carry nothing else. The same words as the reports (one Evaluation feeds
both), without identifiers. Headings are set black in the document's own typeface (not Word's
default blue), and the document's properties name itaku.

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
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.evaluation import Evaluation, ExceptionStatus, Finding
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
    """One typeface throughout, headings in black at modest sizes: a letter, not Word's default
    theme (blue headings in another font)."""
    sizes = {"Normal": 10.5, "Title": 14, "Heading 1": 12, "Heading 2": 10.5, "List Number": 10.5, "List Bullet": 10.5}
    for name, size in sizes.items():
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
            if fonts.get(qn(theme)) is not None:
                del fonts.attrib[qn(theme)]  # a theme font would override the one set here


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


def _points(evaluation: Evaluation) -> list[Finding]:
    """The opinion's points: the blockers and advice that count, in the opinion's rank order."""
    return [f for f in evaluation.findings if f.in_opinion]


def _paragraph(document: DocumentType, text: str = "", align: int | None = None, indent: float = 0) -> Paragraph:
    paragraph = document.add_paragraph(_text(text))
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.left_indent = Mm(indent)
    return paragraph


def _letter_head(document: DocumentType, evaluation: Evaluation, lang: str) -> None:
    """Date on the right, the addressee, the advisor's name line: as the council's letters begin."""
    day = evaluation.case.meeting
    _paragraph(document, date_text(day, lang) if day else phrase("docx.date_blank", lang), WD_ALIGN_PARAGRAPH.RIGHT)
    council = evaluation.profile.council.get(lang) if evaluation.profile else phrase("docx.council", lang)
    _paragraph(document, phrase("docx.addressee", lang, council=council))
    _paragraph(document, phrase("docx.advisor", lang), WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, phrase("docx.advisor_name", lang), WD_ALIGN_PARAGRAPH.RIGHT)


def _case(document: DocumentType, evaluation: Evaluation, lang: str) -> None:
    _letter_head(document, evaluation, lang)
    number = phrase("case.number", lang, number=evaluation.case.number)
    document.add_heading(_text(phrase("docx.case_title", lang, case=number, title=evaluation.case.title)), level=1)
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, phrase("docx.lead", lang))
    _labelled(document, phrase("docx.subject", lang), evaluation.case.title, lang)
    _labelled(document, phrase("report.department", lang), evaluation.case.department, lang)
    redelegation = phrase(f"redelegation.{evaluation.classification.redelegation}", lang)
    classification = agenda_text(evaluation, lang) + phrase("sep.path", lang) + redelegation
    _labelled(document, phrase("report.classification", lang), classification, lang)
    if (lead := completeness_lead(evaluation, lang)) is not None:
        _paragraph(document).add_run(lead).bold = True
    document.add_heading(phrase("opinion.heading", lang), level=2)
    _paragraph(document, opinion_text(evaluation, lang))
    for i, finding in enumerate(_points(evaluation), start=1):
        paragraph = _paragraph(document, indent=4)
        paragraph.paragraph_format.first_line_indent = Mm(-4)
        paragraph.add_run(phrase("docx.point", lang, number=i, text=_text(finding.message.get(lang))))
        if finding.severity == "blocker":
            paragraph.add_run(phrase("docx.blocker_mark", lang))
        if finding.item:
            paragraph.add_run(phrase("selfcheck.item", lang, item=_text(finding.item)))
    _paragraph(document, phrase("docx.end", lang), WD_ALIGN_PARAGRAPH.RIGHT)


def _appendix(document: DocumentType, ordered: list[Evaluation], catalog: Catalog, lang: str) -> None:
    """For the secretariat only: per case, what to confirm and the clause to add for each point,
    the 参考 items and the exceptions; under a heading that says it is not sent."""
    document.add_heading(phrase("docx.appendix", lang), level=1)
    _paragraph(document, phrase("docx.appendix_note", lang))
    for evaluation in ordered:
        points = _points(evaluation)
        notes = [f for f in evaluation.findings if f.counts and f.severity == "info"]
        questions = any(f.severity == "question" for f in evaluation.findings)
        if not (points or notes or evaluation.exceptions or questions):
            continue
        number = phrase("case.number", lang, number=evaluation.case.number)
        document.add_heading(_text(phrase("docx.appendix_case", lang, case=number, title=evaluation.case.title)), level=2)
        if questions:
            _paragraph(document, phrase("docx.questions_apart", lang))
        for i, finding in enumerate(points, start=1):
            _paragraph(document, phrase("docx.point_ref", lang, number=i, title=finding.title.get(lang)))
            for key, text in (("report.ask", finding.ask.get(lang)), ("report.clause", finding.clause.get(lang))):
                detail = _paragraph(document, indent=8)
                detail.add_run(phrase(key, lang) + phrase("sep.label", lang)).bold = True
                detail.add_run(_text(text))
        if notes:
            _paragraph(document, phrase("docx.notes", lang)).runs[0].bold = True
            for finding in notes:
                document.add_paragraph(_text(finding.message.get(lang)), style="List Bullet")
        if evaluation.exceptions:
            _paragraph(document, phrase("report.exceptions", lang)).runs[0].bold = True
            for exception in evaluation.exceptions:
                document.add_paragraph(_text(_exception_line(exception, catalog, lang)), style="List Bullet")


@speaks_for_its_catalog
def render_opinion_docx(evaluations: Sequence[Evaluation], catalog: Catalog, lang: str = "ja") -> bytes:
    """The advisor's opinion on `evaluations` (in case-number order) as .docx bytes: one opinion per
    case, then the secretariat's appendix."""
    if not evaluations:
        raise ValueError("an opinion needs at least one evaluation")
    ordered = sorted(evaluations, key=case_sort_key)
    document = Document()
    _set_fonts(document)
    title = phrase("docx.title", lang)
    for index, evaluation in enumerate(ordered):
        if index:
            document.add_section(WD_SECTION.NEW_PAGE)
        number = phrase("case.number", lang, number=evaluation.case.number)
        _page_furniture(document, phrase("docx.page_header", lang, title=title, case=number))
        _case(document, evaluation, lang)
    document.add_section(WD_SECTION.NEW_PAGE)
    _page_furniture(document, phrase("docx.appendix", lang))
    _appendix(document, ordered, catalog, lang)
    return _fixed_bytes(document, title, ordered, lang)


def _fixed_bytes(document: DocumentType, title: str, ordered: list[Evaluation], lang: str) -> bytes:
    """The document's bytes with its properties set by itaku (never python-docx's defaults), a
    fixed date and fixed zip entry times."""
    day = next((e.case.meeting for e in ordered if e.case.meeting), None)
    stamp = FIXED_TIME.replace(year=day.year, month=day.month, day=day.day) if day else FIXED_TIME
    props = document.core_properties
    props.author = props.last_modified_by = phrase("docx.author", lang)
    props.title = title
    props.subject = phrase("sep.list", lang).join(meeting_names(ordered, lang))
    props.comments = phrase("docx.comments", lang)
    props.keywords = props.category = ""
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return repeatable_zip(raw.getvalue())
