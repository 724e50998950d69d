"""The proposal form (申請様式), generated from the proposal's field tree (engine.fields), optionally pre-filled.

Layout (the reader, itaku/forms/form_reader.py, relies on it; its constants are in itaku/forms/layout.py):
- 申請様式: row 3 holds the headers 項目 / フィールド / 入力 / 説明・選択肢; from row 4, the
  submitter (記入者, 連絡先, 提出日: for the secretariat, not part of the proposal, so column B is
  blank and the reader passes them by), then one row per field in model order, column B the dotted
  path (a hidden column: people read the labels in column A), column C the input cell. A section
  that may be omitted (email, system, ...) has a heading row whose input says whether it applies.
- One sheet per list of records (再委託先等, 例外) and per mapping (担当課の対応): row 2 the labels,
  row 3 the keys (A3 the list's path, then one field name per column; a hidden row), records from
  row 4, at least `MIN_RECORDS` rows of them.
- 記入方法 (instructions) and a hidden 選択肢 sheet holding the dropdown lists.
- Pre-filled and compared with the approved version (`--approved`): the input cells whose value
  changed are bold and underlined (a record added since: its whole row), and a sheet 承認時からの変更点,
  right after 申請様式, lists every change with its 【追加】／【削除】／【変更】 mark (what was
  removed has no cell left to mark) and the declared changes found or not. The reader passes it by
  (its role is one the reader does not read), so the form reads back as the same proposal.
- The defined name `itaku_form_version` tells the reader which layout it is reading; each sheet
  carries a hidden sheet-level name `itaku_role_<role>` pointing at its key row, by which the reader
  finds it whatever its title, position, or the rows inserted above.
Every sheet is protected without a password; only input cells are unlocked. Dates are written in
和暦 (令和元年9月9日), as text that the reader reads back.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from itaku.checklists import workbook as wbk
from itaku.checklists.marks import BOLD_UNDERLINE, Marks, marker
from itaku.engine import fields
from itaku.engine.catalog import Catalog, speaks_for_its_catalog
from itaku.engine.changes import Comparison
from itaku.engine.errors import InputError
from itaku.engine.fields import Field
from itaku.engine.models import Proposal
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.forms.layout import (
    CHANGES_ROLE,
    FIRST_ROW,
    FORM_VERSION,
    HEADER_ROW,
    INPUT_COLUMN,
    MAIN_ROLE,
    ROLE_PREFIX,
    VERSION_NAME,
    rule_names,
)
from itaku.forms.values import CellProblem, show, yesno_labels
from itaku.present.view import change_side, declared_text

CHANGES_HEADER_ROW = 4  # the header row of the changes sheet (title, compared version, legend above)
BLANK_RECORDS = 10  # empty rows offered on each record sheet beyond the pre-filled ones
MIN_RECORDS = 50  # rows on each record sheet at least (a meeting's largest lists fit)
SUBMITTER = ("submitter.writer", "submitter.contact", "submitter.date")
MAIN_COLUMNS = 4  # 項目, フィールド, 入力, 説明/選択肢
PRINTED_BLANK_ROWS = 5  # rows a record sheet with no entry prints (to fill in on paper)
CHIEF_BOX_HEIGHT = 48  # points: room for a seal or a signature


def _help(key: str, lang: str, **values: Any) -> str:
    return phrase(f"form.{key}", lang, **values)


def record_sheet_title(node: Field, lang: str) -> str:
    """The sheet that holds a list of records or a mapping (再委託先等, 担当課の対応, 例外)."""
    return wbk.sheet_title(node.label(lang))


def _dig(data: dict[str, Any] | None, path: str) -> tuple[bool, Any]:
    """(present, value) of a dotted path in a dumped proposal."""
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return False, None
        current = current[part]
    return True, current


def _node_help(node: Field, lang: str) -> str:
    return (_help("required", lang) if node.required else "") + node.help(lang)


class _Choices:
    """The hidden sheet of dropdown lists: one column per list, each written once."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.refs: dict[str, str] = {}

    def ref(self, name: str, values: list[str]) -> str:
        if name not in self.refs:
            self.refs[name] = wbk.list_source(self.ws, len(self.refs) + 1, values)
        return self.refs[name]


class FormBuilder:
    """Builds the form workbook in one language, pre-filled from a proposal or blank."""

    def __init__(
        self, catalog: Catalog, lang: str = "ja", proposal: Proposal | None = None, source: str = "",
        comparison: Comparison | None = None,
    ) -> None:
        self.catalog = catalog
        self.lang = lang
        self.source = source
        self.data = proposal.model_dump() if proposal is not None else None
        self.marks = Marks(comparison if proposal is not None else None)
        self.title = _help("title", lang)
        self.wb: Workbook = wbk.new_workbook(self.title)
        if proposal is not None and proposal.case.meeting:
            # A fixed, meaningful timestamp: the meeting the proposal goes to (deterministic output).
            self.wb.properties.created = wbk.FIXED_TIME.replace(
                year=proposal.case.meeting.year, month=proposal.case.meeting.month, day=proposal.case.meeting.day
            )
        # how to fill it in comes first: the sheet a department opens the workbook on
        self.instructions = self.wb.create_sheet(wbk.sheet_title(phrase("sheet.instructions", lang)))
        self.main = self.wb.create_sheet(wbk.sheet_title(phrase("sheet.form", lang)))
        # the list of changes comes right after the form, where the clerk sees it
        self.changes = self.wb.create_sheet(wbk.sheet_title(phrase("sheet.changes", lang))) if self.marks else None
        self.record_nodes = [n for n in fields.walk() if n.kind in (fields.RECORDS, fields.MAPPING)]
        self.record_sheets = {n.path: self.wb.create_sheet(record_sheet_title(n, lang)) for n in self.record_nodes}
        lists = self.wb.create_sheet(wbk.sheet_title(phrase("sheet.choices", lang)))
        lists.sheet_state = "hidden"
        _protect(lists)
        self.choices = _Choices(lists)
        # dropdown source -> the input cells that use it; one DataValidation per source
        self.validations: dict[str, tuple[list[str], bool, str]] = {}

    # ------------------------------------------------------------ dropdowns

    def _source_for(self, node: Field) -> tuple[str, bool] | None:
        """(list reference, strict) of a field's dropdown, or None for free input."""
        if node is _MARKER:  # a section or list: it applies or not (never read as a fact: 契約 いいえ)
            return self.choices.ref("applies", [phrase(f"form.applies.{v}", self.lang) for v in ("true", "false")]), True
        if node.kind == fields.YESNO:
            return self.choices.ref("yesno", yesno_labels(self.lang)), True
        if node.kind in (fields.CHOICE, fields.MULTI_CHOICE):
            values = [c.label(self.lang) for c in node.choices]
            if node.kind == fields.MULTI_CHOICE:
                values.append(phrase("list.empty", self.lang))
            # several values in one cell are typed, so a list field's dropdown only suggests
            return self.choices.ref(f"{node.kind}:{node.enum or node.path}", values), node.kind == fields.CHOICE
        return None

    def _want_dropdown(self, cell: str, source: tuple[str, bool] | None, hint: str) -> None:
        if source is None:
            return
        ref, strict = source
        cells, _, _ = self.validations.setdefault(ref, ([], strict, hint))
        cells.append(cell)

    def _add_validations(self) -> None:
        by_sheet: dict[str, dict[str, list[str]]] = {}
        for ref, (cells, _strict, _hint) in self.validations.items():
            for cell in cells:
                sheet, coord = cell.split("!", 1)
                by_sheet.setdefault(sheet, {}).setdefault(ref, []).append(coord)
        for sheet, refs in by_sheet.items():
            ws = self.wb[sheet]
            for ref, coords in refs.items():
                _, strict, hint = self.validations[ref]
                wbk.dropdown(ws, coords, source=ref, strict=strict, prompt=hint)

    # ------------------------------------------------------------ cells

    def _input(
        self, ws: Worksheet, row: int, column: int, node: Field | None, value: Any, where: str, changed: bool = False,
    ) -> None:
        """An input cell (bold and underlined when its value `changed` from the approved version)."""
        if isinstance(value, str) and len(value) > wbk.EXCEL_CELL_LIMIT:
            raise InputError(self.source, where, phrase("excel.text_too_long", n=len(value), limit=wbk.EXCEL_CELL_LIMIT))
        style = BOLD_UNDERLINE if changed else {}
        wbk.put(ws, row, column, value, fill=wbk.INPUT_FILL, locked=False, data=True, **style)
        if node is not None:
            self._want_dropdown(f"{ws.title}!{get_column_letter(column)}{row}", self._source_for(node), _node_help(node, self.lang))

    def _shown(self, node: Field, value: Any, where: str) -> Any:
        try:
            return show(node, value, self.lang)
        except CellProblem as exc:
            raise InputError(self.source, where, str(exc)) from None

    # ------------------------------------------------------------ sheets

    def build(self) -> Workbook:
        """The finished workbook."""
        self._main_sheet()
        for node in self.record_nodes:
            if node.kind == fields.RECORDS:
                self._table_sheet(node)
            else:
                self._mapping_sheet(node)
        self._instructions_sheet()
        if self.changes is not None:
            self._changes_sheet(self.changes)
        self._add_validations()
        self.wb.defined_names[VERSION_NAME] = DefinedName(VERSION_NAME, attr_text=f'"{FORM_VERSION}"')
        _mark(self.main, MAIN_ROLE, HEADER_ROW, MAIN_COLUMNS)
        for node in self.record_nodes:
            ws = self.record_sheets[node.path]
            _mark(ws, node.path, HEADER_ROW, ws.max_column)
        _mark(self.instructions, "instructions", 1, 2)
        if self.changes is not None:
            _mark(self.changes, CHANGES_ROLE, CHANGES_HEADER_ROW, len(CHANGES_WIDTHS))
        _mark(self.choices.ws, "choices", 1, 1)
        self.wb.active = 0
        return self.wb

    def _main_sheet(self) -> None:
        ws, lang = self.main, self.lang
        wbk.set_widths(ws, [34, 30, 36, 48])
        wbk.title_row(ws, self.title, MAIN_COLUMNS)
        note = _help("note", lang)
        if self.changes is not None:
            note += "\n" + _help("note_changes", lang, sheet=self.changes.title)
        wbk.put(ws, 2, 1, note, border=False)
        wbk.merge(ws, 2, 1, 2, MAIN_COLUMNS)
        wbk.header_row(ws, HEADER_ROW, [phrase(k, lang) for k in ("col.item", "col.field", "col.input", "col.help")])
        row = FIRST_ROW
        for key in SUBMITTER:
            # for the secretariat, not the proposal: column B stays blank, so the reader passes by
            wbk.put(ws, row, 1, _help(key, lang), bold=True, fill=wbk.GROUP_FILL, locked=True)
            wbk.put(ws, row, 2, None, fill=wbk.GROUP_FILL, locked=True)
            wbk.put(ws, row, INPUT_COLUMN, None, fill=wbk.INPUT_FILL, locked=False, data=True)
            wbk.put(ws, row, 4, _help(f"{key}.help", lang), size=9, fill=wbk.GROUP_FILL, locked=True)
            row += 1
        # the box where the head of the section confirms (a seal or a signature), as on the self-check
        chief = row
        wbk.put(ws, row, 1, phrase("head.chief_check", lang), bold=True, fill=wbk.GROUP_FILL, locked=True)
        wbk.put(ws, row, 2, None, fill=wbk.GROUP_FILL, locked=True)
        wbk.put(ws, row, INPUT_COLUMN, None, locked=False)
        wbk.put(ws, row, 4, _help("chief.help", lang), size=9, fill=wbk.GROUP_FILL, locked=True)
        row += 1
        for node in fields.walk():
            if node.kind == fields.CONST:
                continue
            _, value = _dig(self.data, node.path)
            heading = node.kind in (fields.SECTION, fields.RECORDS, fields.MAPPING)
            fill = wbk.GROUP_FILL if heading else None
            # a field as the page asks it (a plain question); a heading with the headings above it
            label = fields.full_label(node.path, lang) if heading else node.question(lang)
            wbk.put(ws, row, 1, label, bold=heading, fill=fill, locked=True)
            wbk.put(ws, row, 2, node.path, size=9, color="595959", fill=fill, locked=True)
            where = node.path  # errors while writing are about the source proposal's field
            if node.is_leaf:
                changed = self.marks.field(node.path, value is not None) is not None
                self._input(ws, row, INPUT_COLUMN, node, self._shown(node, value, node.path), where, changed)
                helptext = _node_help(node, lang)
            elif node.nullable and node.kind == fields.SECTION:
                marker = None if self.data is None else phrase(f"form.applies.{str(value is not None).lower()}", lang)
                self._input(ws, row, INPUT_COLUMN, _MARKER, marker, where, self.marks.field(node.path) is not None)
                helptext = _help("group_optional", lang)
            elif node.nullable and node.kind == fields.RECORDS:
                marker = None if value is None else phrase(f"form.applies.{str(bool(value)).lower()}", lang)
                self._input(ws, row, INPUT_COLUMN, _MARKER, marker, where)
                helptext = _help("table_optional", lang, sheet=self.record_sheets[node.path].title)
            else:
                wbk.put(ws, row, INPUT_COLUMN, None, fill=fill, locked=True)
                sheet = self.record_sheets.get(node.path)
                helptext = _help("table", lang, sheet=sheet.title) if sheet is not None else ""
            wbk.put(ws, row, 4, helptext, size=9, fill=fill, locked=True)
            row += 1
        # the field paths are for the reader (and machines), not for people: a hidden column
        ws.column_dimensions["B"].hidden = True
        wbk.fit_row_heights(ws, 2, row - 1)
        ws.row_dimensions[chief].height = CHIEF_BOX_HEIGHT
        wbk.page_setup(ws, self.title, HEADER_ROW, MAIN_COLUMNS, freeze_column=1)
        _protect(ws)

    def _record_header(self, ws: Worksheet, node: Field, labels: list[str], keys: list[str], widths: list[float]) -> None:
        wbk.set_widths(ws, [6, *widths])
        wbk.title_row(ws, node.label(self.lang), len(labels) + 1)
        wbk.header_row(ws, 2, [phrase("col.no", self.lang), *labels])
        # the keys the reader goes by: a hidden row under the labels people read
        wbk.put(ws, HEADER_ROW, 1, node.path, size=8, color="7F7F7F", locked=True)
        for i, key in enumerate(keys, start=2):
            wbk.put(ws, HEADER_ROW, i, key, size=8, color="7F7F7F", locked=True)
        ws.row_dimensions[HEADER_ROW].hidden = True

    def _table_sheet(self, node: Field) -> None:
        ws = self.record_sheets[node.path]
        columns = list(node.children)
        widths = [_width(c) for c in columns]
        self._record_header(ws, node, [c.label(self.lang) for c in columns], [c.name for c in columns], widths)
        records = (_dig(self.data, node.path)[1] or []) if self.data is not None else []
        total = _record_rows(len(records))
        for index in range(total):
            row = FIRST_ROW + index
            record = records[index] if index < len(records) else {}
            wbk.put(ws, row, 1, index + 1, locked=True, horizontal="center")
            for col, child in enumerate(columns, start=2):
                where = f"{node.path}[{index}].{child.name}"
                shown = self._shown(child, record.get(child.name), where)
                changed = index < len(records) and self.marks.record(node.path, index, child.name) is not None
                if node.path == "exceptions" and child.name == "rule":
                    # a rule is named by its title (the reader maps it back to the rule)
                    names = rule_names(self.catalog, self.lang)
                    shown = names.get(shown, shown) if isinstance(shown, str) else shown
                    self._input(ws, row, col, child, shown, where, changed)
                    ref = self.choices.ref("rule_ids", list(names.values()))
                    self._want_dropdown(f"{ws.title}!{get_column_letter(col)}{row}", (ref, False), _help("rule_ids", self.lang))
                else:
                    self._input(ws, row, col, child, shown, where, changed)
        last = FIRST_ROW + total - 1
        wbk.fit_row_heights(ws, 2, last)
        wbk.page_setup(ws, ws.title, 2, len(columns) + 1, landscape=True, freeze_column=2, last_row=_printed_to(len(records)))
        _protect(ws)

    def _mapping_sheet(self, node: Field) -> None:
        ws = self.record_sheets[node.path]
        lang = self.lang
        self._record_header(ws, node, [phrase("col.topic_id", lang), phrase("col.response_text", lang)], ["key", "value"], [30, 80])
        mapping: dict[str, str] = (_dig(self.data, node.path)[1] or {}) if self.data is not None else {}
        topics = self.catalog.topics
        names = [_topic_name(t.id, topics, lang) for t in topics.values()]
        ref = self.choices.ref("topics", names)
        blank = _record_rows(len(mapping)) - len(mapping)
        for index, (key, text) in enumerate([*mapping.items(), *[(None, None)] * blank]):
            row = FIRST_ROW + index
            wbk.put(ws, row, 1, index + 1, locked=True, horizontal="center")
            shown_key = _topic_name(key, topics, lang) if key is not None else None
            self._input(ws, row, 2, None, shown_key, f"{node.path}.{key}")
            self._want_dropdown(f"{ws.title}!B{row}", (ref, False), _help("topics", lang))
            self._input(ws, row, 3, None, text, f"{node.path}.{key}")
        wbk.fit_row_heights(ws, 2, FIRST_ROW + len(mapping) + blank - 1)
        wbk.page_setup(ws, ws.title, 2, 3, landscape=True, freeze_column=2, last_row=_printed_to(len(mapping)))
        _protect(ws)

    def _changes_sheet(self, ws: Worksheet) -> None:
        """Every change from the approved version, as the report's table shows them: the item, the
        value approved and the value now, the changed one bold and underlined with its mark, and
        whether the department declared it; then each declared change, found or not."""
        comparison, lang = self.marks.comparison, self.lang
        assert comparison is not None
        columns = len(CHANGES_WIDTHS)
        wbk.set_widths(ws, CHANGES_WIDTHS)
        wbk.title_row(ws, phrase("report.computed_changes", lang), columns)
        case = phrase("case.number", lang, number=comparison.approved_case)
        if comparison.approved_meeting is not None:
            case = _help("compared_case", lang, case=case, meeting=date_text(comparison.approved_meeting, lang))
        compared = f"{phrase('report.compared_with', lang)}{phrase('sep.label', lang)}{case}"
        for row, (text, size) in enumerate([(compared, wbk.FONT_SIZE), (phrase("report.changes_legend", lang), 9)], start=2):
            wbk.put(ws, row, 1, text, border=False, size=size)
            wbk.merge(ws, row, 1, row, columns)
        wbk.header_row(ws, CHANGES_HEADER_ROW, [phrase(k, lang) for k in (
            "col.no", "report.col.change_item", "report.col.before", "report.col.after", "report.col.declared",
        )])
        row = CHANGES_HEADER_ROW + 1
        for number, change in enumerate(comparison.changes, start=1):
            before, after = change_side(change, "before", lang), change_side(change, "after", lang)
            mark = marker(change, lang)
            removed = change.kind == "removed"
            wbk.put(ws, row, 1, number, horizontal="center")
            wbk.put(ws, row, 2, change.label.get(lang))
            wbk.put(ws, row, 3, before + mark if removed else before, **(BOLD_UNDERLINE if removed else {}))
            wbk.put(ws, row, 4, "—" if removed else after + mark, **({} if removed else BOLD_UNDERLINE))
            wbk.put(ws, row, 5, phrase("report.declared_yes" if change.declared else "report.declared_no", lang))
            row += 1
        if not comparison.changes:
            wbk.put(ws, row, 1, phrase("report.no_changes", lang), border=False)
            wbk.merge(ws, row, 1, row, columns)
            row += 1
        if comparison.declared:
            row += 1
            wbk.put(ws, row, 1, phrase("report.declared_changes", lang), bold=True, fill=wbk.GROUP_FILL)
            wbk.merge(ws, row, 1, row, columns)
            for declared in comparison.declared:
                row += 1
                found = phrase("report.declared_found" if declared.found else "report.declared_not_found", lang)
                text = f"{declared_text(declared.text, declared.origin, lang)}{phrase('sep.label', lang)}{found}"
                wbk.put(ws, row, 1, text)
                wbk.merge(ws, row, 1, row, columns)
        wbk.fit_row_heights(ws, 2, row)
        wbk.page_setup(ws, phrase("report.computed_changes", lang), CHANGES_HEADER_ROW, columns, freeze_column=1)
        _protect(ws)

    def _instructions_sheet(self) -> None:
        """How to fill the form in, first in the workbook, in words a department uses: numbered
        steps, then every column of every sheet with what goes in it."""
        ws, lang = self.instructions, self.lang
        wbk.set_widths(ws, [22, 100])
        wbk.title_row(ws, phrase("sheet.instructions", lang), 2)
        sheets = {n.path: self.record_sheets[n.path].title for n in self.record_nodes}
        values = {
            "form": self.main.title,
            "subcontractors": sheets.get("subcontractors", ""),
            "responses": sheets.get("responses", ""),
            "exceptions": sheets.get("exceptions", ""),
            "printed": PRINTED_BLANK_ROWS,
        }
        row = 2
        for i, line in enumerate(_help("instructions", lang, **values).splitlines(), start=1):
            row += 1
            wbk.put(ws, row, 1, i, horizontal="center")
            wbk.put(ws, row, 2, line)
        for title, columns in self._column_notes():
            row += 2
            wbk.put(ws, row, 1, _help("columns_of", lang, sheet=title), bold=True, fill=wbk.GROUP_FILL)
            wbk.merge(ws, row, 1, row, 2)
            for name, note in columns:
                row += 1
                wbk.put(ws, row, 1, name, bold=True)
                wbk.put(ws, row, 2, note)
        wbk.fit_row_heights(ws, 2, row)
        wbk.page_setup(ws, ws.title, 1, 2)
        _protect(ws)

    def _column_notes(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(sheet title, [(column, what goes in it)]) for the form's sheet and each list sheet."""
        lang = self.lang
        out = [(self.main.title, [
            (phrase(f"col.{k}", lang), _help(f"column.{k}", lang)) for k in ("item", "input", "help")
        ])]
        for node in self.record_nodes:
            title = self.record_sheets[node.path].title
            columns = [(phrase("col.no", lang), _help("column.no", lang))]
            if node.kind == fields.RECORDS:
                columns += [(c.label(lang), _node_help(c, lang) or _help("column.free", lang)) for c in node.children]
            else:
                columns += [(phrase("col.topic_id", lang), _help("topics", lang)),
                            (phrase("col.response_text", lang), _help("column.response", lang))]
            out.append((title, columns))
        return out


# The yes/no marker of an optional section or list (a stand-in node: it has a yes/no dropdown).
_MARKER = Field(path="", name="", kind=fields.YESNO)


CHANGES_WIDTHS = [5, 34, 30, 30, 14]  # No, 項目, 承認時, 今回, 変更内容の記載


def _topic_name(topic_id: str, topics: dict[str, Any], lang: str) -> str:
    """How the form shows a topic: its label, or its id when the label is not unique."""
    topic = topics.get(topic_id)
    if topic is None:
        return topic_id
    name = topic.get(lang)
    same = [t for t in topics.values() if t.get(lang) == name]
    return name if len(same) == 1 else topic_id


def _printed_to(filled: int) -> int:
    """The last row a record sheet prints: its entries, or, with none, a few blank rows to fill in by
    hand (never the fifty offered: a list printed two pages of empty rows)."""
    return FIRST_ROW + max(filled, PRINTED_BLANK_ROWS) - 1


def _record_rows(filled: int) -> int:
    """Rows a record sheet offers: the records, ten blank rows, and at least MIN_RECORDS."""
    return max(filled + BLANK_RECORDS, MIN_RECORDS)


def _width(node: Field) -> float:
    return {fields.YESNO: 12, fields.INT: 9, fields.DATE: 13, fields.CHOICE: 20}.get(node.kind, 28)


def _mark(ws: Worksheet, role: str, row: int, columns: int) -> None:
    """The sheet's hidden key: a sheet-level name for its role, pointing at its key row (a
    spreadsheet moves the reference when rows are inserted above, and copies it with the sheet)."""
    ref = f"{quote_sheetname(ws.title)}!$A${row}:${get_column_letter(max(columns, 1))}${row}"
    ws.defined_names.add(DefinedName(f"{ROLE_PREFIX}{role}", attr_text=ref, hidden=True))


def _protect(ws: Worksheet) -> None:
    """Sheet protection without a password: labels cannot be changed by mistake; the input cells
    are unlocked. Resizing rows and columns stays allowed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False  # a list longer than the rows offered grows by inserting rows


@speaks_for_its_catalog
def build_form(
    catalog: Catalog, lang: str = "ja", proposal: Proposal | None = None, source: str = "",
    comparison: Comparison | None = None,
) -> Workbook:
    """The proposal form in `lang`, pre-filled from `proposal` when given (`source` names its file);
    with `comparison` (the proposal compared with its approved version), the changes are marked."""
    return FormBuilder(catalog, lang, proposal, source, comparison).build()
