"""What every workbook itaku writes has in common: a Japanese font on every written cell, wrapped
text, column widths, row heights that hold the text, A4 (or A3) print set-up, frozen headers,
dropdowns, 和暦 dates, a hidden column of identifiers for machines, text that can never become a
formula, and the same bytes for the same input.

Font: 游ゴシック (Yu Gothic), the default Japanese font of Excel 2016 and later on Windows and
macOS. openpyxl takes one font name; where 游ゴシック is missing (LibreOffice on Linux) the
viewer substitutes a Japanese font for the CJK text.

Row heights: Excel does not grow a row for wrapped text that a program wrote, so every row's
height is computed here: the text of each cell wrapped at its column's width (full-width
characters count two half-width columns, a Latin word is not broken unless it is longer than the
line), at 18 pt per line of 10.5 pt text (Yu Gothic on Windows needs about that; its smaller
line height in LibreOffice only leaves room), capped at Excel's 409 pt: a text longer than that is
split over several rows by the sheet that writes it (`split_text`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
import weakref
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from itaku.engine.safe_text import inert
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.present.ooxml import repeatable_zip

FONT_NAME = phrase("excel.font", "ja")  # a Japanese font in either language: proposals are Japanese
FONT_SIZE = 10.5
EXCEL_CELL_LIMIT = 32_767
# Text starting with one of these is a formula (or DDE payload) to a spreadsheet; we write it as text.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# Workbook timestamps and zip entry times are fixed so that the same input gives the same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
# Characters XML cannot hold (controls, lone surrogates, U+FFFE, U+FFFF) or that a parser changes (CR
# becomes LF), written as spreadsheets write them: `_x000D_`; a typed `_x0041_` keeps its meaning by
# escaping its underscore (`_x005F_x0041_`).
_OOXML_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E1")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LINE_HEIGHT = 18.0  # points per line of 10.5 pt text; scaled for other sizes
MAX_ROW_HEIGHT = 409.0  # Excel's limit for one row
PADDING = 1.0  # of a column's width (in Excel's units) that wrapped text cannot use
DEFAULT_WIDTH = 8.43

# Per workbook: the style array of each way `put` styles a fresh cell (see `put`).
_styles: weakref.WeakKeyDictionary[Workbook, dict[tuple[Any, ...], tuple[Any, Any]]] = weakref.WeakKeyDictionary()


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
    `_xHHHH_` escape, which `itaku.forms.values.unescape` decodes on reading."""
    if data:  # its length was checked by the form against EXCEL_CELL_LIMIT: never cut
        return _OOXML_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    out = inert(text)
    if len(out) > EXCEL_CELL_LIMIT:
        out = out[: EXCEL_CELL_LIMIT - 1] + "…"
    return out


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
    underline: bool = False,
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
    quotePrefix keeps Excel from re-reading it as a formula when someone edits the cell. Bold and
    underlined together is how the council marks a change from the approved version."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, dt.date):
        value = date_text(value.date() if isinstance(value, dt.datetime) else value)
    quote = thousands = False
    if isinstance(value, str):
        value = clean(value, data=data)
        cell.value = value
        cell.data_type = "s"
        quote = value.startswith(FORMULA_LEADS)
    else:
        cell.value = value
        thousands = isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000
    # Styling a cell through openpyxl's descriptors hashes every style object against the
    # workbook's tables, most of the cost of a workbook: a fresh cell gets the style array of the
    # first cell styled the same way instead (the same table entries, so the same bytes).
    key = (bold, underline, size, color, id(fill), border, wrap, horizontal, locked, quote, thousands)
    styles = _styles.setdefault(ws.parent, {})
    known = styles.get(key) if not cell.has_style else None
    if known is not None:
        cell._style = copy(known[0])
        return cell
    fresh = not cell.has_style
    if quote:
        cell.quotePrefix = True
    if thousands:
        cell.number_format = "#,##0"
    cell.font = Font(name=FONT_NAME, size=size, bold=bold, color=color, underline="single" if underline else None)
    cell.alignment = Alignment(wrap_text=wrap, vertical="top", horizontal=horizontal)
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = BORDER
    if locked is not None:
        cell.protection = Protection(locked=locked)
    if fresh:
        styles[key] = (copy(cell._style), fill)  # the fill is kept so that its id stays its own
    return cell


# The styles openpyxl's merge_cells gives the cells of a merge (borders drawn along its edges, the
# first cell's protection on every cell) follow from the merge's shape and the styles of its first
# and last cells alone. openpyxl works them out again for every merge, hashing a new border object
# for each cell against the workbook's tables (a third of the cost of a self-check sheet): `merge`
# lets openpyxl do it once per workbook for each kind of merge and copies the outcome to the next
# merge of the same kind (the same table entries, so the same bytes).
_merges: weakref.WeakKeyDictionary[Workbook, dict[tuple[Any, ...], list[Any]]] = weakref.WeakKeyDictionary()


def merge(ws: Worksheet, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Merge the range, as ws.merge_cells does (the same cells, the same styles)."""
    first, last = ws._cells.get((start_row, start_column)), ws._cells.get((end_row, end_column))
    coords = [(r, c) for r in range(start_row, end_row + 1) for c in range(start_column, end_column + 1)]
    if first is None or last is None or first is last:
        ws.merge_cells(start_row=start_row, start_column=start_column, end_row=end_row, end_column=end_column)
        return
    kind = (end_row - start_row, end_column - start_column, tuple(first._style), last._style.borderId)
    known = _merges.setdefault(ws.parent, {})
    if kind not in known:
        ws.merge_cells(start_row=start_row, start_column=start_column, end_row=end_row, end_column=end_column)
        known[kind] = [copy(ws._cells[coord]._style) for coord in coords]
        return
    span = CellRange(min_row=start_row, min_col=start_column, max_row=end_row, max_col=end_column)
    ws.merged_cells.add(MergedCellRange(ws, span.coord))
    first._style = copy(known[kind][0])
    for (row, column), style in zip(coords[1:], known[kind][1:], strict=True):
        cell = MergedCell(ws, row=row, column=column)
        cell._style = copy(style)
        ws._cells[(row, column)] = cell


def header_row(ws: Worksheet, row: int, headers: Sequence[str], start: int = 1) -> None:
    """A bold, shaded header row."""
    for i, text in enumerate(headers):
        put(ws, row, start + i, text, bold=True, fill=HEADER_FILL, horizontal="center")


def title_row(ws: Worksheet, text: str, columns: int, row: int = 1) -> None:
    """The sheet's title across its columns (merged, large, bold)."""
    put(ws, row, 1, text, bold=True, size=14, border=False)
    if columns > 1:
        merge(ws, row, 1, row, columns)
    ws.row_dimensions[row].height = line_height(14)


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Column widths in Excel's units (about one half-width character each)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


@functools.cache  # a few thousand distinct characters, asked about hundreds of thousands of times
def char_width(ch: str) -> int:
    """Half-width columns one character takes: two for East Asian wide and full-width characters
    (and ambiguous ones, which Japanese fonts draw full-width), none for combining marks."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WFA" else 1


def display_width(text: str) -> int:
    """Width in half-width columns: CJK and full-width characters count two."""
    if text.isascii():  # every ASCII character is one column (none is wide or combining)
        return len(text)
    return sum(map(char_width, text))


_TOKENS = re.compile(r"[!-~]+|.", re.DOTALL)  # a run of printable ASCII (a word), or one character


def wrap(text: str, width: float) -> list[str]:
    """`text` broken into the lines a spreadsheet shows at `width` half-width columns: at line
    breaks, between any two East Asian characters, at spaces between Latin words; a word longer
    than the line is broken where it overflows."""
    limit = max(width, 2.0)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line, used = "", 0.0
        for token in _TOKENS.findall(paragraph):
            size = display_width(token)
            if used + size <= limit or (token == " " and line):
                line, used = line + token, used + size
                continue
            if line.strip():
                lines.append(line.rstrip())
            line, used = "", 0.0
            if token == " ":
                continue
            while display_width(token) > limit:  # a word longer than a line
                cut, w = 0, 0
                while cut < len(token) and w + char_width(token[cut]) <= limit:
                    w += char_width(token[cut])
                    cut += 1
                lines.append(token[: max(cut, 1)])
                token = token[max(cut, 1):]
            line, used = token, display_width(token)
        lines.append(line.rstrip())
    return lines


def usable_width(column_width: float, size: float = FONT_SIZE) -> float:
    """Half-width columns of `size`-point text that fit in a column `column_width` wide (Excel's
    unit is about one half-width character of 11 pt text; larger text takes more of it)."""
    return max((column_width - PADDING) * FONT_SIZE / max(size, 1.0), 2.0)


def line_height(size: float = FONT_SIZE) -> float:
    """Points per line of `size`-point text (18 pt at 10.5 pt)."""
    return LINE_HEIGHT * max(size, FONT_SIZE) / FONT_SIZE


def max_lines(size: float = FONT_SIZE) -> int:
    """Lines of `size`-point text that fit in one row of the highest height Excel allows."""
    return int(MAX_ROW_HEIGHT // line_height(size))


def split_text(text: str, column_width: float, size: float = FONT_SIZE, lines: int | None = None) -> list[str]:
    """`text` cut into pieces that each fit in one row (at most `lines` wrapped lines, default
    what 409 pt holds), at line ends, so that a long text continues in the rows below."""
    per_row = lines or max_lines(size)
    wrapped = wrap(text, usable_width(column_width, size))
    if len(wrapped) <= per_row:
        return [text]
    pieces, current, count = [], [], 0
    for paragraph in text.split("\n"):
        need = len(wrap(paragraph, usable_width(column_width, size)))
        if current and count + need > per_row:
            pieces.append("\n".join(current))
            current, count = [], 0
        if need > per_row:  # one paragraph longer than a row: cut it by its wrapped lines
            parts = wrap(paragraph, usable_width(column_width, size))
            for i in range(0, len(parts), per_row):
                chunk = parts[i:i + per_row]
                if len(chunk) == per_row:
                    pieces.append("".join(chunk))
                else:
                    current, count = ["".join(chunk)], len(chunk)
            continue
        current.append(paragraph)
        count += need
    if current:
        pieces.append("\n".join(current))
    return pieces


def column_widths(ws: Worksheet) -> dict[int, float]:
    """Each column's width by index (the default where none was set)."""
    out: dict[int, float] = {}
    for letter, dim in ws.column_dimensions.items():
        if letter:
            out[column_index_from_string(letter)] = dim.width or DEFAULT_WIDTH
    return out


def cell_lines(ws: Worksheet, cell: Cell, widths: dict[int, float], span: dict[tuple[int, int], float]) -> int:
    """Lines the text of `cell` takes at its column's width (or its merge's, across columns)."""
    if not isinstance(cell.value, str | int | float) or cell.value == "":
        return 1
    text = cell.value if isinstance(cell.value, str) else f"{cell.value:,}"
    size = float(cell.font.sz or FONT_SIZE) if cell.font is not None else FONT_SIZE
    width = span.get((cell.row, cell.column), widths.get(cell.column, DEFAULT_WIDTH))
    if cell.alignment is not None and not cell.alignment.wrap_text:
        return text.count("\n") + 1
    return len(wrap(text, usable_width(width, size)))


def merged_spans(ws: Worksheet) -> tuple[dict[tuple[int, int], float], set[tuple[int, int]]]:
    """(width of each single-row merge by its top-left cell, cells of merges over several rows)."""
    widths = column_widths(ws)
    span: dict[tuple[int, int], float] = {}
    tall: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        if merged.min_row != merged.max_row:
            tall.update(merged.cells)
            continue
        span[(merged.min_row, merged.min_col)] = sum(
            widths.get(c, DEFAULT_WIDTH) for c in range(merged.min_col, merged.max_col + 1)
            if not ws.column_dimensions[get_column_letter(c)].hidden
        )
    return span, tall


def _needed(
    ws: Worksheet, row: int, widths: dict[int, float], span: dict[tuple[int, int], float], tall: set[tuple[int, int]], last: int
) -> float:
    # the cells ws[row] gives, up to column `last` (ws.max_column, which walks every cell of the
    # sheet: the caller finds it once, not once a row)
    height = line_height()
    for cell in next(ws.iter_rows(min_row=row, max_row=row, max_col=last)):
        if cell.value is None or (cell.row, cell.column) in tall:
            continue
        if ws.column_dimensions[get_column_letter(cell.column)].hidden:
            continue
        size = float(cell.font.sz or FONT_SIZE) if cell.font is not None else FONT_SIZE
        height = max(height, cell_lines(ws, cell, widths, span) * line_height(size))
    return height


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int, minimum: float | None = None) -> None:
    """Set each row's height to hold its wrapped text (at least `minimum`, e.g. room to write by
    hand), never more than Excel's 409 pt. A cell merged across columns counts with the width of
    all of them; a merge over several rows keeps the height it was given."""
    widths = column_widths(ws)
    span, tall = merged_spans(ws)
    last = ws.max_column  # unchanged below: _needed only reaches cells up to it
    for row in range(first_row, last_row + 1):
        height = max(_needed(ws, row, widths, span, tall, last), minimum or 0.0, ws.row_dimensions[row].height or 0.0)
        ws.row_dimensions[row].height = min(height, MAX_ROW_HEIGHT)


def id_column(ws: Worksheet, column: int, header_row: int, ids: dict[int, str], header: str = "id") -> None:
    """A hidden column of identifiers (rule ids, field paths) beside the rows a person reads, for
    machines and auditors: `ids` maps a row to its identifier. Outside the print area."""
    put(ws, header_row, column, header, size=8, color="7F7F7F", border=False, wrap=False)
    for row, ident in sorted(ids.items()):
        put(ws, row, column, ident, size=8, color="7F7F7F", border=False, wrap=False)
    letter = get_column_letter(column)
    ws.column_dimensions[letter].width = 24
    ws.column_dimensions[letter].hidden = True


def page_setup(
    ws: Worksheet,
    title: str,
    header_rows: int,
    columns: int,
    landscape: bool = False,
    freeze_column: int = 1,
    title_rows: str | None = None,
    a3: bool = False,
    one_page: bool = False,
    last_row: int | None = None,
) -> None:
    """A4 (or A3), fitted to the page width (or to one page), the header rows repeated on every
    page, the title in the page header and page numbers in the footer, a print area over the
    visible columns written (down to `last_row` when given: a list prints the rows in use, not
    the empty rows offered below them), frozen headers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if a3 else ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows or f"1:{header_rows}"
    last = get_column_letter(columns)
    ws.print_area = f"A1:{last}{max(last_row or ws.max_row, header_rows)}"
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
    refs = [cells] if isinstance(cells, str) else list(cells)
    if any(":" in ref for ref in refs):
        for ref in refs:
            dv.add(ref)
    else:  # single cells, often hundreds: dv.add would test each against every one before it
        dv.sqref = MultiCellRange({CellRange(ref) for ref in refs})
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
    return repeatable_zip(raw.getvalue())
