"""Read a filled proposal form (申請様式, made by `itaku template`) back into the Proposal model.

The same model validates a form and a YAML file, so `itaku check FORM.xlsx` gives what
`itaku check PROPOSAL.yaml` gives. Every error names the sheet and cell (`申請様式!C14`). The cells'
values are read and assembled into the proposal by the one assembler (assemble.py) that reads the
web page too; what is read here is the workbook: its sheets, rows and cells.

The form is read as the clerk sees it: by its visible sheets, each found by a hidden key (a
sheet-level defined name `itaku_role_<role>` pointing at the sheet's key row), never by position or
title. The key survives renaming the sheet and inserting rows above the key row (the spreadsheet
moves the reference); a copied sheet carries it too, so two visible sheets claiming one role, a
missing sheet, or a role kept only on a hidden sheet are refused naming the sheet. A hidden sheet,
row or column that carries values, and a sheet that is not part of the form, are warned about.

Hostile files: the bytes are checked before openpyxl touches them (xlsx_guard: not a workbook,
encrypted, zip bomb by declared sizes, too many sheets); openpyxl parses XML through defusedxml
(installed and pinned); the workbook is loaded once; macros are never loaded (keep_vba=False) and a
macro-enabled workbook is read for its values with a warning; a formula or an error value (#N/A) in
an input cell is refused naming the cell (a saved formula result is not what the clerk would see
after the next recalculation); merged input cells are refused.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from itaku.engine import fields
from itaku.engine.catalog import Catalog, words_of
from itaku.engine.errors import InputError
from itaku.engine.fields import Field
from itaku.engine.models import Proposal
from itaku.engine.profiles import DEFAULT_PROFILE, default_catalog
from itaku.engine.wording import language, phrase, speaking_for
from itaku.forms.assemble import Assembly, Kind, Problem, names
from itaku.forms.layout import FORM_VERSION, INPUT_COLUMN, MAIN_ROLE, ROLE_PREFIX, UNREAD_ROLES, VERSION_NAME, rule_names
from itaku.forms.values import is_blank, unescape
from itaku.forms.xlsx_guard import inspect_workbook

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_ROWS = 5000  # rows of any one sheet that the reader will look at
Warn = Callable[[str], None]
_ERROR_VALUES = re.compile(r"^#(?:N/A|NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|GETTING_DATA|SPILL!|CALC!)$")


def read_form(data: bytes, file: str, warn: Warn, catalog: Catalog | None = None) -> Proposal:
    """Read and validate a filled proposal form given as the bytes of its file (`file` names it);
    raise InputError naming sheet and cell. `warn` receives what the reader wants the person to
    know (a hidden cell or sheet, macros ignored). `catalog` (default: the default profile's) gives
    the topics and rules the form names and the profile's words (a choice of 市 as well as 区)."""
    catalog = catalog or default_catalog()
    with speaking_for(words_of(catalog.profile)):
        return FormReader(data, file, warn, catalog).read()


def open_workbook(data: bytes, file: str, warn: Warn) -> Workbook:
    """A workbook a person filled in, after the guard's checks (xlsx_guard), as the form is read:
    macros are ignored (and `warn` says so), a file that is no workbook is refused (exit 2)."""
    found = inspect_workbook(data, file)
    if found.has_macros:
        warn(f"{file}: {phrase('excel.macros_ignored')}")
    return _load(data, file)


def _load(data: bytes, file: str) -> Workbook:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it drops (extensions, unknown styles): nothing for the user
            warnings.simplefilter("ignore")
            return load_workbook(
                io.BytesIO(data), read_only=False, data_only=False, keep_vba=False, keep_links=False, rich_text=False
            )
    except Exception as exc:  # any failure to parse a hostile or broken file is "not a workbook" (exit 2)
        raise InputError(file, None, f"{phrase('excel.not_workbook')} ({type(exc).__name__})") from None


_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # quoted text, escapes, [colour], padding
_FORMAT_PLACEHOLDER = re.compile(r"[0#?@yYmMdDhHsSeEgGbBaApP]")


def _format_sections(number_format: str) -> list[str]:
    """A number format's sections (positive;negative;zero;text), split on `;` outside quotes."""
    sections, current, quoted = [], "", False
    for char in number_format:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += char
    return [*sections, current]


def shown_otherwise(number_format: str | None, value: Any) -> str | None:
    """How a cell's number format shows `value`, when not as it is: "hidden" (nothing shows, as with
    `;;;`) or "replaced" (another text shows, as with `;;;"はい"`); None when the value shows."""
    if not number_format or number_format == "General" or isinstance(value, bool):
        return None
    sections = _format_sections(number_format)
    if isinstance(value, str):
        if len(sections) < 4:  # no text section: a text shows as typed
            return None
        section = sections[3]
    elif isinstance(value, (int, float)):
        index = 0 if value > 0 else 1 if value < 0 else 2
        section = sections[index] if index < len(sections) else sections[0]
    else:  # a date or time: its format writes it in some way, and it is read as a date
        return None
    literal = _FORMAT_LITERAL.sub(lambda m: "L" if m.group().startswith(('"', "\\")) else "", section).strip()
    if isinstance(value, str) and "@" in section:
        return None if literal.replace("@", "") == "" else "replaced"
    if _FORMAT_PLACEHOLDER.search(_FORMAT_LITERAL.sub("", section)):
        return None
    return "replaced" if literal else "hidden"


def _has_values(ws: Worksheet) -> bool:
    return any(not is_blank(cell.value) for row in ws.iter_rows() for cell in row)


class FormReader:
    """One reading of one form file: the workbook as the medium of an Assembly."""

    def __init__(self, data: bytes, file: str, warn: Warn, catalog: Catalog) -> None:
        self.data = data
        self.file = file
        self.warn = warn
        # the form's profile, then the default one: a form made for either reads under this profile
        self.catalogs = (catalog, default_catalog()) if catalog.profile and catalog.profile.id != DEFAULT_PROFILE else (catalog,)
        self.sheets: dict[str, tuple[Worksheet, int]] = {}  # role -> (sheet, key row)
        self.assembly = Assembly(self, self._topic_names(), self._rule_names())

    def _topic_names(self) -> dict[str, str]:
        """A topic as the form's sheet offers it (its label) or typed (its id), in either language."""
        return names((text, t.id) for catalog in self.catalogs for t in catalog.topics.values() for text in (t.id, t.ja, t.en))

    def _rule_names(self) -> dict[str, str]:
        """A rule as the form names it (its title, either language) or by its id."""
        titles = [(name, rule) for catalog in self.catalogs for lang in ("ja", "en") for rule, name in rule_names(catalog, lang).items()]
        return names([*titles, *((rule, rule) for catalog in self.catalogs for rule in rule_names(catalog, "ja"))])

    # ------------------------------------------------------------ entry

    def read(self) -> Proposal:
        """The proposal the form holds (InputError naming the sheet and cell of its first problem)."""
        self.wb = open_workbook(self.data, self.file, self.warn)
        self._check_version()
        self._find_sheets()
        main, key_row = self.sheets[MAIN_ROLE]
        self.assembly.name((), f"{main.title}!A{key_row}")
        self._read_main(main, key_row)
        self._read_records()
        proposal = self.assembly.proposal()
        assert proposal is not None  # every problem was refused as it was said (report)
        return proposal

    def _fail(self, where: str | None, message: str) -> InputError:
        return InputError(self.file, where, message)

    # ------------------------------------------------------------ the medium of the assembly

    def report(self, problem: Problem) -> None:
        """Refuse the form at its first problem, naming the sheet and cell."""
        raise self._fail(problem.place or None, self._say(problem))

    def _say(self, problem: Problem) -> str:
        """A problem in the form's words: its sheets and cells named."""
        if problem.kind == Kind.SECTION_MARKED_NO:
            return phrase("excel.section_marked_no", cell=problem.other)
        if problem.kind in (Kind.LIST_MARKED_NO, Kind.LIST_MARKED_YES_EMPTY):
            sheet = self.sheets.get(problem.path)
            title = sheet[0].title if sheet is not None else fields.get(problem.path).label("ja")
            key = "excel.table_marked_no_rows" if problem.kind == Kind.LIST_MARKED_NO else "excel.table_marked_yes_empty"
            return phrase(key, sheet=title)
        if problem.kind == Kind.MISSING_TOPIC:
            return phrase("excel.missing_key")
        if problem.kind == Kind.UNKNOWN_TOPIC:
            return phrase("excel.unknown_topic", value=str(problem.value).strip()[:60])
        if problem.kind == Kind.DUPLICATE_TOPIC:
            return phrase("excel.duplicate_key", value=problem.value, other=problem.other)
        if problem.kind == Kind.UNKNOWN_RULE:
            return phrase("excel.unknown_rule", value=str(problem.value).strip()[:60])
        return problem.message

    def noted(self, node: Field, row: int | None, raw: Any, value: Any, place: str) -> None:
        """Say which Western date a date written otherwise (令和元年9月9日, R1.9.9, 2019/9/9, a serial
        number) was read as, so that the person can see the reading was right. A date typed as a
        date in Excel, or written 2019-09-09, is what it says."""
        if not isinstance(value, dt.date) or isinstance(raw, dt.date) or (isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip())):
            return
        name = fields.full_label(node.path, language.get()) if row is None else self._record_label(node, row)
        self.warn(f"{self.file}: {phrase('excel.date_read', field=name, text=str(raw).strip(), date=value.isoformat())}")

    @staticmethod
    def _record_label(node: Field, index: int) -> str:
        """A field of one record as a person names it: 再委託先等（1件目）／区の承認."""
        lang = language.get()
        table = fields.get(node.path.rsplit(".", 1)[0])
        item = table.label(lang) + phrase("evidence.item_number", lang, number=index + 1)
        return item + phrase("sep.path", lang) + node.label(lang)

    # ------------------------------------------------------------ workbook level

    def _check_version(self) -> None:
        name = self.wb.defined_names.get(VERSION_NAME)
        if name is None:
            raise self._fail(None, phrase("excel.no_version"))
        found = (name.attr_text or "").strip().strip('"')
        if found != FORM_VERSION:
            raise self._fail(None, phrase("excel.wrong_version", found=found[:60], expected=FORM_VERSION))

    def _role(self, ws: Worksheet) -> tuple[str, int] | None:
        """(role, key row) from the sheet's hidden key, or None for a sheet that is not the form's."""
        keys = [name for name in ws.defined_names if name.startswith(ROLE_PREFIX)]
        if not keys:
            return None
        if len(keys) > 1:
            raise self._fail(f"{ws.title}!A1", phrase("excel.sheet_key_broken", sheet=ws.title))
        role = keys[0][len(ROLE_PREFIX):]
        try:
            [(title, ref)] = list(ws.defined_names[keys[0]].destinations)
            _, row, _, _ = range_boundaries(ref)
        except (ValueError, TypeError):
            raise self._fail(f"{ws.title}!A1", phrase("excel.sheet_key_broken", sheet=ws.title)) from None
        if title != ws.title or row is None:
            raise self._fail(f"{ws.title}!A1", phrase("excel.sheet_key_broken", sheet=ws.title))
        return role, row

    def _find_sheets(self) -> None:
        """Which visible sheet plays each role; refuse duplicates and gaps, warn about the rest."""
        claims: dict[str, list[tuple[Worksheet, int]]] = {}
        for ws in self.wb.worksheets:
            found = self._role(ws)
            if found is None:
                if _has_values(ws):
                    self.warn(f"{self.file}: {phrase('excel.sheet_not_form', sheet=ws.title)}")
                continue
            claims.setdefault(found[0], []).append((ws, found[1]))
        needed = [MAIN_ROLE, *(n.path for n in fields.walk() if n.kind in (fields.RECORDS, fields.MAPPING))]
        for role, sheets in claims.items():
            if role not in needed and role not in UNREAD_ROLES:
                raise self._fail(f"{sheets[0][0].title}!A1", phrase("excel.sheet_key_broken", sheet=sheets[0][0].title))
        for role in needed:
            sheets = claims.get(role, [])
            visible = [(ws, row) for ws, row in sheets if ws.sheet_state == "visible"]
            hidden = [ws for ws, _ in sheets if ws.sheet_state != "visible"]
            if len(visible) > 1:
                first, second = visible[0][0].title, visible[1][0].title
                raise self._fail(f"{second}!A1", phrase("excel.sheet_twice", first=first, second=second))
            if not visible:
                if hidden:
                    raise self._fail(f"{hidden[0].title}!A1", phrase("excel.sheet_hidden", sheet=hidden[0].title))
                raise self._fail(None, phrase("excel.no_sheet", sheet=self._role_title(role)))
            for ws in hidden:
                self.warn(f"{self.file}: {phrase('excel.hidden_sheet_ignored', sheet=ws.title, used=visible[0][0].title)}")
            self.sheets[role] = visible[0]

    @staticmethod
    def _role_title(role: str) -> str:
        if role == MAIN_ROLE:
            return phrase("sheet.form")
        node = fields.index().get(role)
        return node.label(language.get()) if node is not None else role

    def _rows(self, ws: Worksheet, key_row: int) -> range:
        if ws.max_row - key_row > MAX_ROWS:
            limit_row = key_row + MAX_ROWS + 1
            raise self._fail(f"{ws.title}!A{limit_row}", phrase("excel.too_many_rows", rows=ws.max_row, limit=MAX_ROWS))
        return range(key_row + 1, ws.max_row + 1)

    def _refuse_merged_inputs(self, ws: Worksheet, first_column: int, key_row: int) -> None:
        for merged in sorted(ws.merged_cells.ranges, key=str):
            if merged.max_row > key_row and merged.max_col >= first_column:
                raise self._fail(f"{ws.title}!{merged.coord}", phrase("excel.merged_input", range=merged.coord))

    def _value(self, ws: Worksheet, row: int, column: int) -> Any:
        """A cell's value as typed; a formula or an error value is refused naming the cell."""
        cell = ws.cell(row=row, column=column)
        value = cell.value
        if cell.data_type == "f":
            raise self._fail(f"{ws.title}!{cell.coordinate}", phrase("excel.formula_refused"))
        if cell.data_type == "e" or (isinstance(value, str) and _ERROR_VALUES.match(value.strip())):
            raise self._fail(f"{ws.title}!{cell.coordinate}", phrase("excel.error_value", value=str(value)[:20]))
        if isinstance(value, str) and "_x" in value:
            value = unescape(value)
        return value

    def _input(self, ws: Worksheet, row: int, column: int) -> Any:
        """The value of an input cell as typed, once the cell itself is acceptable: a value hidden
        from the screen (a hidden row or column, a number format that shows nothing) is read and
        said; a format that shows another text than the one judged is refused."""
        raw = self._value(ws, row, column)
        cell = ws.cell(row=row, column=column)
        if not is_blank(raw) and (ws.row_dimensions[row].hidden or ws.column_dimensions[cell.column_letter].hidden):
            # a value nobody sees on screen still counts: say so, so that it is not a surprise
            self.warn(f"{self.file}: {ws.title}!{cell.coordinate}: {phrase('excel.hidden_cell')}")
        shown = "" if is_blank(raw) else shown_otherwise(cell.number_format, raw)
        if shown == "replaced":  # the clerk reads another text than the one judged: refused
            raise self._fail(f"{ws.title}!{cell.coordinate}", phrase("excel.format_replaces"))
        if shown == "hidden":  # like a hidden row: read, and said
            self.warn(f"{self.file}: {ws.title}!{cell.coordinate}: {phrase('excel.format_hides')}")
        return raw

    # ------------------------------------------------------------ the main sheet

    def _read_main(self, ws: Worksheet, key_row: int) -> None:
        index = {f.path: f for f in fields.walk()}  # the main sheet: no record columns
        seen: dict[str, str] = {}
        self._refuse_merged_inputs(ws, INPUT_COLUMN, key_row)
        for row in self._rows(ws, key_row):
            path = ws.cell(row=row, column=2).value
            if is_blank(path):
                continue
            path = str(path).strip()
            node = index.get(path)
            if node is None or node.kind == fields.CONST:
                raise self._fail(f"{ws.title}!B{row}", phrase("error.unknown_field", name=path[:60]))
            where = f"{ws.title}!C{row}"
            if path in seen:
                raise self._fail(f"{ws.title}!B{row}", phrase("excel.duplicate_key", value=path, other=seen[path]))
            seen[path] = where
            if node.is_leaf:
                self.assembly.field(path, self._input(ws, row, INPUT_COLUMN), where)
                continue
            self.assembly.name(path, where)
            if node.nullable and node.kind in (fields.SECTION, fields.RECORDS):
                self.assembly.applies(path, self._value(ws, row, INPUT_COLUMN), where)

    # ------------------------------------------------------------ record sheets

    def _read_records(self) -> None:
        """The records of every list and mapping sheet."""
        for node in fields.walk():
            if node.kind not in (fields.RECORDS, fields.MAPPING):
                continue
            ws, key_row = self.sheets[node.path]
            if str(ws.cell(row=key_row, column=1).value or "").strip() != node.path:
                raise self._fail(f"{ws.title}!A{key_row}", phrase("excel.sheet_key_broken", sheet=ws.title))
            self.assembly.name(node.path, f"{ws.title}!A{key_row}")  # unless its heading row on the main sheet named it
            if node.kind == fields.RECORDS:
                self._read_table(ws, node, key_row)
            else:
                self._read_mapping(ws, node, key_row)

    def _columns(self, ws: Worksheet, node: Field, key_row: int) -> list[tuple[int, Field]]:
        children = {c.name: c for c in node.children}
        columns = []
        for column in range(2, min(ws.max_column, 200) + 1):
            name = ws.cell(row=key_row, column=column).value
            if is_blank(name):
                continue
            child = children.get(str(name).strip())
            if child is None:
                where = f"{ws.title}!{ws.cell(row=key_row, column=column).coordinate}"
                raise self._fail(where, phrase("error.unknown_field", name=str(name)[:60]))
            columns.append((column, child))
        return columns

    def _read_table(self, ws: Worksheet, node: Field, key_row: int) -> None:
        columns = self._columns(ws, node, key_row)
        self._refuse_merged_inputs(ws, 2, key_row)
        for row in self._rows(ws, key_row):
            # every cell of the row checked (a formula refused) before any of it is read
            if all([is_blank(self._value(ws, row, column)) for column, _ in columns]):
                continue
            index = self.assembly.record(node.path, f"{ws.title}!A{row}")
            assert index is not None  # a list too long was refused as it was said (report)
            for column, child in columns:
                where = f"{ws.title}!{ws.cell(row=row, column=column).coordinate}"
                self.assembly.column(node.path, index, child.name, self._input(ws, row, column), where)

    def _read_mapping(self, ws: Worksheet, node: Field, key_row: int) -> None:
        self._refuse_merged_inputs(ws, 2, key_row)
        for row in self._rows(ws, key_row):
            topic, text = self._value(ws, row, 2), self._value(ws, row, 3)
            self.assembly.entry(node.path, topic, text, f"{ws.title}!B{row}", f"{ws.title}!C{row}")
