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
both: the typed CaseReport of itaku/present/view.py), without identifiers. Headings are set black in the document's own typeface (not Word's
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
from itaku.engine.evaluation import Evaluation
from itaku.engine.safe_text import inert_inline
from itaku.engine.wareki import dates_in_text
from itaku.engine.wording import phrase
from itaku.present.ooxml import repeatable_zip
from itaku.present.view import CaseReport, ExceptionLine, FindingLine, meeting_view

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


def _exception_line(exception: ExceptionLine, lang: str) -> str:
    parts = [f"{exception.rule_title}{phrase('sep.label', lang)}{exception.status_label}"]
    parts += [dates_in_text(p, lang) for p in (exception.reason, exception.decision) if p]
    if exception.until:
        parts.append(phrase("date.until", lang, date=exception.until_text))
    return phrase("sep.path", lang).join(parts)


def _points(case: CaseReport) -> list[FindingLine]:
    """The opinion's points: the blockers and advice that count, in the opinion's rank order."""
    return [f for f in case.findings if f.in_opinion]


def _paragraph(document: DocumentType, text: str = "", align: int | None = None, indent: float = 0) -> Paragraph:
    paragraph = document.add_paragraph(_text(text))
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.left_indent = Mm(indent)
    return paragraph


def _letter_head(document: DocumentType, case: CaseReport, lang: str) -> None:
    """Date on the right, the addressee, the advisor's name line: as the council's letters begin."""
    _paragraph(document, case.letter_date or phrase("docx.date_blank", lang), WD_ALIGN_PARAGRAPH.RIGHT)
    council = case.profile.council if case.profile else phrase("docx.council", lang)
    _paragraph(document, phrase("docx.addressee", lang, council=council))
    _paragraph(document, phrase("docx.advisor", lang), WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, phrase("docx.advisor_name", lang), WD_ALIGN_PARAGRAPH.RIGHT)


def _case(document: DocumentType, case: CaseReport, lang: str) -> None:
    _letter_head(document, case, lang)
    number = phrase("case.number", lang, number=case.case.number)
    document.add_heading(_text(phrase("docx.case_title", lang, case=number, title=case.case.title)), level=1)
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, phrase("docx.lead", lang))
    _labelled(document, phrase("docx.subject", lang), case.case.title, lang)
    _labelled(document, phrase("report.department", lang), case.case.department, lang)
    classification = case.classification.agenda_label + phrase("sep.path", lang) + case.classification.redelegation_label
    _labelled(document, phrase("report.classification", lang), classification, lang)
    if case.completeness.lead is not None:
        _paragraph(document).add_run(case.completeness.lead).bold = True
    document.add_heading(phrase("opinion.heading", lang), level=2)
    _paragraph(document, case.verdict_text)
    for i, finding in enumerate(_points(case), start=1):
        paragraph = _paragraph(document, indent=4)
        paragraph.paragraph_format.first_line_indent = Mm(-4)
        paragraph.add_run(phrase("docx.point", lang, number=i, text=_text(finding.message)))
        if finding.severity == "blocker":
            paragraph.add_run(phrase("docx.blocker_mark", lang))
        if finding.item:
            paragraph.add_run(phrase("selfcheck.item", lang, item=_text(finding.item)))
    _paragraph(document, phrase("docx.end", lang), WD_ALIGN_PARAGRAPH.RIGHT)


def _appendix(document: DocumentType, cases: list[CaseReport], lang: str) -> None:
    """For the secretariat only: per case, what to confirm and the clause to add for each point,
    the 参考 items and the exceptions; under a heading that says it is not sent."""
    document.add_heading(phrase("docx.appendix", lang), level=1)
    _paragraph(document, phrase("docx.appendix_note", lang))
    for case in cases:
        points = _points(case)
        notes = [f for f in case.findings if f.counts and f.severity == "info"]
        questions = any(f.severity == "question" for f in case.findings)
        if not (points or notes or case.exceptions or questions):
            continue
        number = phrase("case.number", lang, number=case.case.number)
        document.add_heading(_text(phrase("docx.appendix_case", lang, case=number, title=case.case.title)), level=2)
        if questions:
            _paragraph(document, phrase("docx.questions_apart", lang))
        for i, finding in enumerate(points, start=1):
            _paragraph(document, phrase("docx.point_ref", lang, number=i, title=finding.title))
            for key, text in (("report.ask", finding.ask), ("report.clause", finding.clause)):
                detail = _paragraph(document, indent=8)
                detail.add_run(phrase(key, lang) + phrase("sep.label", lang)).bold = True
                detail.add_run(_text(text))
        if notes:
            _paragraph(document, phrase("docx.notes", lang)).runs[0].bold = True
            for finding in notes:
                document.add_paragraph(_text(finding.message), style="List Bullet")
        if case.exceptions:
            _paragraph(document, phrase("report.exceptions", lang)).runs[0].bold = True
            for exception in case.exceptions:
                document.add_paragraph(_text(_exception_line(exception, lang)), style="List Bullet")


@speaks_for_its_catalog
def render_opinion_docx(evaluations: Sequence[Evaluation], catalog: Catalog, lang: str = "ja") -> bytes:
    """The advisor's opinion on `evaluations` (in case-number order) as .docx bytes: one opinion per
    case, then the secretariat's appendix."""
    if not evaluations:
        raise ValueError("an opinion needs at least one evaluation")
    report = meeting_view(list(evaluations), catalog, lang)
    document = Document()
    _set_fonts(document)
    title = phrase("docx.title", lang)
    for index, case in enumerate(report.cases):
        if index:
            document.add_section(WD_SECTION.NEW_PAGE)
        number = phrase("case.number", lang, number=case.case.number)
        _page_furniture(document, phrase("docx.page_header", lang, title=title, case=number))
        _case(document, case, lang)
    document.add_section(WD_SECTION.NEW_PAGE)
    _page_furniture(document, phrase("docx.appendix", lang))
    _appendix(document, report.cases, lang)
    day = next((c.case.meeting for c in report.cases if c.case.meeting), None)
    return _fixed_bytes(document, title, day, report.meetings, lang)


def _fixed_bytes(document: DocumentType, title: str, day: dt.date | None, meetings: list[str], lang: str) -> bytes:
    """The document's bytes with its properties set by itaku (never python-docx's defaults), a
    fixed date (the first meeting's) and fixed zip entry times."""
    stamp = FIXED_TIME.replace(year=day.year, month=day.month, day=day.day) if day else FIXED_TIME
    props = document.core_properties
    props.author = props.last_modified_by = phrase("docx.author", lang)
    props.title = title
    props.subject = phrase("sep.list", lang).join(meetings)
    props.comments = phrase("docx.comments", lang)
    props.keywords = props.category = ""
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return repeatable_zip(raw.getvalue())
