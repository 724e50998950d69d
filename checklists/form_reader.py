"""Read a filled proposal form (申請様式, made by `itaku template`) back into the Proposal model.

The same model validates a form and a YAML file, so `itaku check FORM.xlsx` gives what
`itaku check PROPOSAL.yaml` gives. Every error names the sheet and cell (`申請様式!C14`).

Hostile files: the file is checked before openpyxl touches it (xlsx_guard: not a workbook,
encrypted, zip bomb by declared sizes); openpyxl parses XML through defusedxml (installed and
pinned); macros are never loaded (keep_vba=False) and a macro-enabled workbook is read for its
values with a warning; a formula in an input cell gives its saved result, or an error naming the
cell when there is none; merged input cells are refused.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from itaku.checklists import schema
from itaku.checklists.form import FIRST_ROW, FORM_VERSION, HEADER_ROW, INPUT_COLUMN, VERSION_NAME
from itaku.checklists.schema import Node
from itaku.checklists.values import CellProblem, is_blank, key, read_cell, read_text, read_yesno
from itaku.checklists.xlsx_guard import inspect_workbook
from itaku.engine.catalog import default_catalog
from itaku.engine.errors import InputError
from itaku.engine.loader import MAX_LIST_ITEMS, describe_validation
from itaku.engine.models import Proposal
from itaku.engine.wording import LANGUAGES, phrase

MAX_ROWS = 5000  # rows of any one sheet that the reader will look at
Warn = Callable[[str], None]
Loc = tuple[Any, ...]


def read_form(path: Path, warn: Warn) -> Proposal:
    """Read and validate a filled proposal form; raise InputError naming sheet and cell.
    `warn` receives what the reader wants the person to know (a hidden cell, macros ignored)."""
    return FormReader(path, warn).read()


def _load(path: Path, data_only: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it drops (extensions, unknown styles): nothing for the user
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=False, data_only=data_only, keep_vba=False, keep_links=False)
    except Exception as exc:  # any failure to parse a hostile or broken file is "not a workbook" (exit 2)
        raise InputError(str(path), None, f"{phrase('excel.not_workbook')} ({type(exc).__name__})") from None


class FormReader:
    """One reading of one form file."""

    def __init__(self, path: Path, warn: Warn) -> None:
        self.path = path
        self.file = str(path)
        self.warn = warn
        self.places: dict[Loc, str] = {}  # model location -> "Sheet!C14", for pydantic errors
        self._values_wb: Workbook | None = None

    # ------------------------------------------------------------ entry

    def read(self) -> Proposal:
        found = inspect_workbook(self.path)
        if found.has_macros:
            self.warn(f"{self.file}: {phrase('excel.macros_ignored')}")
        self.wb = _load(self.path, data_only=False)
        self._check_version()
        main = self._main_sheet()
        self.places[()] = f"{main.title}!A1"
        leaves, markers = self._read_main(main)
        records = self._read_records()
        data = self._assemble(schema.proposal_fields(), leaves, markers, records)
        try:
            return Proposal.model_validate(data)
        except ValidationError as exc:
            loc, text = describe_validation(exc)
            raise InputError(self.file, self._place(loc), text) from None

    def _place(self, loc: Loc) -> str | None:
        probe = tuple(loc)
        while probe and probe not in self.places:
            probe = probe[:-1]
        return self.places.get(probe)

    def _fail(self, where: str | None, message: str) -> InputError:
        return InputError(self.file, where, message)

    # ------------------------------------------------------------ workbook level

    def _check_version(self) -> None:
        name = self.wb.defined_names.get(VERSION_NAME)
        if name is None:
            raise self._fail(None, phrase("excel.no_version"))
        found = (name.attr_text or "").strip().strip('"')
        if found != FORM_VERSION:
            raise self._fail(None, phrase("excel.wrong_version", found=found[:60], expected=FORM_VERSION))

    def _main_sheet(self) -> Worksheet:
        names = {phrase("sheet.form", lang) for lang in LANGUAGES}
        for ws in self.wb.worksheets:
            if ws.title in names:
                return ws
        raise self._fail(None, phrase("excel.no_sheet", sheet=phrase("sheet.form", "ja")))

    def _rows(self, ws: Worksheet) -> range:
        if ws.max_row > MAX_ROWS:
            raise self._fail(f"{ws.title}!A{MAX_ROWS + 1}", phrase("excel.too_many_rows", rows=ws.max_row, limit=MAX_ROWS))
        return range(FIRST_ROW, ws.max_row + 1)

    def _refuse_merged_inputs(self, ws: Worksheet, first_column: int) -> None:
        for merged in sorted(ws.merged_cells.ranges, key=str):
            if merged.max_row >= FIRST_ROW and merged.max_col >= first_column:
                raise self._fail(f"{ws.title}!{merged.coord}", phrase("excel.merged_input", range=merged.coord))

    def _value(self, ws: Worksheet, row: int, column: int) -> Any:
        """A cell's value; for a formula, its saved result (or an error naming the cell)."""
        cell = ws.cell(row=row, column=column)
        if cell.data_type != "f":
            return cell.value
        if self._values_wb is None:
            self._values_wb = _load(self.path, data_only=True)
        cached = self._values_wb[ws.title].cell(row=row, column=column).value
        where = f"{ws.title}!{cell.coordinate}"
        if cached is None:
            raise self._fail(where, phrase("excel.formula_no_value"))
        self.warn(f"{self.file}: {where}: {phrase('excel.formula_used', value=cached)}")
        return cached

    def _read(self, node: Node, ws: Worksheet, row: int, column: int) -> Any:
        raw = self._value(ws, row, column)
        cell = ws.cell(row=row, column=column)
        if not is_blank(raw) and (ws.row_dimensions[row].hidden or ws.column_dimensions[cell.column_letter].hidden):
            # a value nobody sees on screen still counts: say so, so that it is not a surprise
            self.warn(f"{self.file}: {ws.title}!{cell.coordinate}: {phrase('excel.hidden_cell')}")
        try:
            value = read_cell(node, raw)
        except CellProblem as exc:
            raise self._fail(f"{ws.title}!{cell.coordinate}", str(exc)) from None
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            raise self._fail(f"{ws.title}!{cell.coordinate}", phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
        return value

    # ------------------------------------------------------------ the main sheet

    def _read_main(self, ws: Worksheet) -> tuple[dict[str, Any], dict[str, bool | None]]:
        index = schema.by_path()
        leaves: dict[str, Any] = {}
        markers: dict[str, bool | None] = {}
        seen: dict[str, str] = {}
        self._refuse_merged_inputs(ws, INPUT_COLUMN)
        for row in self._rows(ws):
            path = ws.cell(row=row, column=2).value
            if is_blank(path):
                continue
            path = str(path).strip()
            node = index.get(path)
            if node is None or node.kind == schema.CONST:
                raise self._fail(f"{ws.title}!B{row}", phrase("error.unknown_field", name=path))
            where = f"{ws.title}!C{row}"
            if path in seen:
                raise self._fail(f"{ws.title}!B{row}", phrase("excel.duplicate_key", value=path, other=seen[path]))
            seen[path] = where
            self.places[tuple(path.split("."))] = where
            if node.is_leaf:
                leaves[path] = self._read(node, ws, row, INPUT_COLUMN)
            elif node.optional and node.kind in (schema.GROUP, schema.TABLE):
                raw = self._value(ws, row, INPUT_COLUMN)
                try:
                    markers[path] = read_yesno(raw)
                except CellProblem as exc:
                    raise self._fail(where, str(exc)) from None
        return leaves, markers

    # ------------------------------------------------------------ record sheets

    def _read_records(self) -> dict[str, tuple[Worksheet, list[tuple[int, Any]]]]:
        """Records of every list and mapping sheet, by path: (sheet, [(row, record)])."""
        nodes = {n.path: n for n in schema.walk() if n.kind in (schema.TABLE, schema.MAPPING)}
        out: dict[str, tuple[Worksheet, list[tuple[int, Any]]]] = {}
        for ws in self.wb.worksheets:
            path = ws.cell(row=HEADER_ROW, column=1).value
            if not isinstance(path, str) or path not in nodes or path in out:
                continue
            node = nodes[path]
            self.places[(path,)] = self.places.get((path,), f"{ws.title}!A{HEADER_ROW}")
            if node.kind == schema.TABLE:
                out[path] = (ws, self._read_table(ws, node))
            else:
                out[path] = (ws, self._read_mapping(ws, node))
        return out

    def _columns(self, ws: Worksheet, node: Node) -> list[tuple[int, Node]]:
        children = {c.name: c for c in node.children}
        columns = []
        for column in range(2, min(ws.max_column, 200) + 1):
            name = ws.cell(row=HEADER_ROW, column=column).value
            if is_blank(name):
                continue
            child = children.get(str(name).strip())
            if child is None:
                where = f"{ws.title}!{ws.cell(row=HEADER_ROW, column=column).coordinate}"
                raise self._fail(where, phrase("error.unknown_field", name=name))
            columns.append((column, child))
        return columns

    def _read_table(self, ws: Worksheet, node: Node) -> list[tuple[int, Any]]:
        columns = self._columns(ws, node)
        self._refuse_merged_inputs(ws, 2)
        records: list[tuple[int, Any]] = []
        for row in self._rows(ws):
            raws = {column: self._value(ws, row, column) for column, _ in columns}
            if all(is_blank(v) for v in raws.values()):
                continue
            index = len(records)
            if index >= MAX_LIST_ITEMS:
                raise self._fail(f"{ws.title}!A{row}", phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
            self.places[(node.path, index)] = f"{ws.title}!A{row}"
            record: dict[str, Any] = {}
            for column, child in columns:
                self.places[(node.path, index, child.name)] = f"{ws.title}!{ws.cell(row=row, column=column).coordinate}"
                value = self._read(child, ws, row, column)
                if value is not None:
                    record[child.name] = value
            records.append((row, record))
        return records

    def _read_mapping(self, ws: Worksheet, node: Node) -> list[tuple[int, Any]]:
        self._refuse_merged_inputs(ws, 2)
        topics = default_catalog().topics if node.path == "responses" else None
        names: dict[str, str] = {}
        if topics is not None:
            for t in topics.values():
                for text in (t.id, t.ja, t.en):
                    names.setdefault(key(text), t.id)
        seen: dict[str, str] = {}
        pairs: list[tuple[int, Any]] = []
        for row in self._rows(ws):
            raw_key, raw_text = self._value(ws, row, 2), self._value(ws, row, 3)
            if is_blank(raw_key) and is_blank(raw_text):
                continue
            where_key = f"{ws.title}!B{row}"
            if is_blank(raw_key):
                raise self._fail(where_key, phrase("excel.missing_key"))
            name = str(raw_key).strip()
            if topics is not None:
                found = names.get(key(name))
                if found is None:
                    raise self._fail(where_key, phrase("excel.unknown_topic", value=name[:60]))
                name = found
            if name in seen:
                raise self._fail(where_key, phrase("excel.duplicate_key", value=name, other=seen[name]))
            seen[name] = where_key
            if len(pairs) >= MAX_LIST_ITEMS:
                raise self._fail(where_key, phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
            self.places[(node.path, name)] = f"{ws.title}!C{row}"
            text = read_text(raw_text)
            if text is None:
                raise self._fail(f"{ws.title}!C{row}", phrase("error.missing_field"))
            pairs.append((row, (name, text)))
        return pairs

    # ------------------------------------------------------------ the nested document

    def _assemble(
        self,
        nodes: tuple[Node, ...],
        leaves: dict[str, Any],
        markers: dict[str, bool | None],
        records: dict[str, tuple[Worksheet, list[tuple[int, Any]]]],
    ) -> dict[str, Any]:
        """The proposal as nested data, as YAML would give it: blank fields and sections left out."""
        out: dict[str, Any] = {}
        for node in nodes:
            if node.kind == schema.CONST:
                out[node.name] = node.const
            elif node.is_leaf:
                if leaves.get(node.path) is not None:
                    out[node.name] = leaves[node.path]
            elif node.kind == schema.GROUP:
                child = self._assemble(node.children, leaves, markers, records)
                marker = markers.get(node.path)
                if node.optional and marker is False:
                    if child:
                        filled = next(
                            (p for p, v in leaves.items() if p.startswith(node.path + ".") and v is not None), node.path
                        )
                        cell = self.places.get(tuple(filled.split(".")), filled)
                        raise self._fail(self.places.get(tuple(node.path.split("."))), phrase("excel.section_marked_no", cell=cell))
                    continue
                if child or marker or node.required:
                    out[node.name] = child
            elif node.kind == schema.TABLE:
                sheet, rows = records.get(node.path, (None, []))
                items = [record for _, record in rows]
                marker = markers.get(node.path)
                title = sheet.title if sheet is not None else node.label("ja")
                where = self.places.get(tuple(node.path.split(".")))
                if node.optional and marker is False:
                    if items:
                        raise self._fail(where, phrase("excel.table_marked_no_rows", sheet=title))
                    out[node.name] = []
                elif node.optional and marker is True and not items:
                    raise self._fail(where, phrase("excel.table_marked_yes_empty", sheet=title))
                elif items:
                    out[node.name] = items
            elif node.kind == schema.MAPPING:
                _, rows = records.get(node.path, (None, []))
                pairs = dict(pair for _, pair in rows)
                if pairs:
                    out[node.name] = pairs
        return out
