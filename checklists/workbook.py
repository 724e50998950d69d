"""What every workbook itaku writes has in common: a Japanese font on every written cell, wrapped
text, column widths, A4 print set-up, frozen headers, dropdowns, text that can never become a
formula, and the same bytes for the same input, written atomically.

Font: 游ゴシック (Yu Gothic), the default Japanese font of Excel 2016 and later on Windows and
macOS. openpyxl takes one font name; where 游ゴシック is missing (LibreOffice on Linux) the
viewer substitutes a Japanese font for the CJK text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from itaku.engine.safe_text import inert
from itaku.engine.wording import phrase

FONT_NAME = phrase("excel.font", "ja")  # a Japanese font in either language: proposals are Japanese
FONT_SIZE = 10.5
EXCEL_CELL_LIMIT = 32_767
# Text starting with one of these is a formula (or DDE payload) to a spreadsheet; we write it as text.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# Workbook timestamps and zip entry times are fixed so that the same input gives the same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters an XML parser drops or changes (CR becomes LF), written as spreadsheets write them:
# `_x000D_`; a typed `_x0041_` keeps its meaning by escaping its underscore (`_x005F_x0041_`).
_OOXML_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E1")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = "yyyy/mm/dd"


def new_workbook(title: str) -> Workbook:
    """An empty workbook with fixed properties (no sheets yet)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "itaku"
    wb.properties.title = clean(title)[:250]
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = "itaku"
    return wb


def clean(text: str, data: bool = False) -> str:
    """Text made writable and inert. Display text (checklists) goes through safe_text.inert:
    control characters and bidirectional overrides become visible escapes. Data text (the form,
    read back later) is kept exactly: what XML would lose (CR, other controls) is written as a
    `_xHHHH_` escape, which `unescape` decodes on reading."""
    if data:  # its length was checked by the form against EXCEL_CELL_LIMIT: never cut
        return _OOXML_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    out = inert(text)
    if len(out) > EXCEL_CELL_LIMIT:
        out = out[: EXCEL_CELL_LIMIT - 1] + "…"
    return out


def unescape(text: str) -> str:
    """A cell's text as typed: the `_xHHHH_` escapes spreadsheets write (CR as `_x000D_`) decoded."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def sheet_title(text: str) -> str:
    """A valid, unique-enough sheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "Sheet"


def put(
    ws: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    bold: bool = False,
    size: float = FONT_SIZE,
    color: str | None = None,
    fill: PatternFill | None = None,
    border: bool = True,
    wrap: bool = True,
    locked: bool | None = None,
    data: bool = False,
    horizontal: str | None = None,
) -> Cell:
    """Write one cell with the house style. Strings are always stored as text (never a formula):
    openpyxl treats a string starting with = as a formula, so the type is forced back to text, and
    quotePrefix keeps Excel from re-reading it as a formula when someone edits the cell."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = clean(value, data=data)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_LEADS):
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    cell.font = Font(name=FONT_NAME, size=size, bold=bold, color=color)
    cell.alignment = Alignment(wrap_text=wrap, vertical="top", horizontal=horizontal)
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = BORDER
    if locked is not None:
        cell.protection = Protection(locked=locked)
    return cell


def header_row(ws: Worksheet, row: int, headers: Sequence[str], start: int = 1) -> None:
    """A bold, shaded header row."""
    for i, text in enumerate(headers):
        put(ws, row, start + i, text, bold=True, fill=HEADER_FILL, horizontal="center")


def title_row(ws: Worksheet, text: str, columns: int, row: int = 1) -> None:
    """The sheet's title across its columns (merged, large, bold)."""
    put(ws, row, 1, text, bold=True, size=14, border=False, wrap=False)
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    ws.row_dimensions[row].height = 24


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Column widths in Excel's units (about one half-width character each)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def display_width(text: str) -> int:
    """Width in half-width columns: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int, line_height: float = 15.0) -> None:
    """Set each row's height to hold its wrapped text, estimated from the column widths.

    Excel does not grow rows for wrapped text that openpyxl wrote, and a printed checklist with
    clipped text is useless; the estimate errs on the tall side. A cell merged across columns
    counts with the width of all of them."""
    widths = {letter: (dim.width or 8.43) for letter, dim in ws.column_dimensions.items()}

    def width_of(column: int) -> float:
        return widths.get(get_column_letter(column), 8.43)

    span: dict[tuple[int, int], float] = {}
    hidden: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        if merged.min_row != merged.max_row:
            hidden.update(merged.cells)  # a taller merge: leave its height alone
            continue
        span[(merged.min_row, merged.min_col)] = sum(width_of(c) for c in range(merged.min_col, merged.max_col + 1))
    for row in range(first_row, last_row + 1):
        lines = 1
        for cell in ws[row]:
            if not isinstance(cell.value, str) or (cell.row, cell.column) in hidden:
                continue
            width = max(span.get((cell.row, cell.column), width_of(cell.column)) - 1, 4)
            count = sum(max(1, math.ceil(display_width(part) / width)) for part in cell.value.split("\n"))
            lines = max(lines, count)
        ws.row_dimensions[row].height = max(line_height, lines * line_height)


def page_setup(
    ws: Worksheet,
    title: str,
    header_rows: int,
    columns: int,
    landscape: bool = False,
    freeze_column: int = 1,
    title_rows: str | None = None,
) -> None:
    """A4, fitted to the page width, the header rows repeated on every page, the title in the page
    header and page numbers in the footer, a print area over what was written, frozen headers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows or f"1:{header_rows}"
    last = get_column_letter(columns)
    ws.print_area = f"A1:{last}{max(ws.max_row, header_rows)}"
    # & starts a code in header/footer text; the header is limited to 255 characters.
    ws.oddHeader.center.text = clean(title).replace("&", "&&")[:200]
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = "&A"
    ws.freeze_panes = f"{get_column_letter(freeze_column)}{header_rows + 1}"


def dropdown(
    ws: Worksheet,
    cells: str | Iterable[str],
    values: Sequence[str] | None = None,
    source: str | None = None,
    strict: bool = True,
    title: str | None = None,
    prompt: str | None = None,
) -> DataValidation:
    """A list dropdown on `cells` (ranges like "E4:E20"), from `values` (short fixed lists) or a
    `source` range. `strict=False` shows the list but accepts other text without complaint
    (free text, several values in one cell); strict shows a warning the user may override, since
    the reader also accepts the usual variants (○/×, 有/無, ...)."""
    if source is None:
        assert values is not None
        formula = '"' + ",".join(v.replace('"', "'") for v in values) + '"'
        if len(formula) > 255:  # Excel's limit for an inline list
            raise ValueError("inline dropdown list too long; use a source range")
    else:
        formula = source
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.showErrorMessage = strict
    dv.errorStyle = "warning"
    if title:
        dv.errorTitle = title[:32]
        dv.promptTitle = title[:32]
    if prompt:
        dv.error = prompt[:255]
        dv.prompt = prompt[:255]
        dv.showInputMessage = True
    for ref in [cells] if isinstance(cells, str) else cells:
        dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def list_source(ws: Worksheet, column: int, values: Sequence[str], row: int = 1) -> str:
    """Write `values` down a column of a (hidden) list sheet; return the absolute range reference."""
    for i, value in enumerate(values):
        put(ws, row + i, column, value, border=False, wrap=False)
    letter = get_column_letter(column)
    return f"{quote_sheetname(ws.title)}!${letter}${row}:${letter}${row + max(len(values), 1) - 1}"


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, the same bytes for the same content: openpyxl stamps the save
    time into docProps/core.xml and each zip entry, so both are fixed here."""
    wb.properties.created = wb.properties.created or FIXED_TIME
    wb.properties.modified = wb.properties.created
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
