"""Checks on a workbook file before openpyxl reads it: is it a workbook at all, is it encrypted, would
it inflate into something huge (a zip bomb) or hold more sheets or cells than openpyxl should load
(time and memory grow with the cells), does it carry macros.

An .xlsx is a zip archive. Its central directory declares every part's sizes; we refuse by those
declarations before anything is inflated. Python's zipfile never inflates a part past its declared
size and checks the CRC at the end, so a part that lies about its size fails instead of growing.
An encrypted workbook is not a zip at all but an OLE compound file holding an EncryptionInfo stream.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as DefusedET

from itaku.engine.errors import InputError, megabytes
from itaku.engine.wording import phrase

MAX_FORM_BYTES = 10 * 1024 * 1024  # the file as stored
MAX_INFLATED_BYTES = 20 * 1024 * 1024  # the sum of the parts' declared sizes
MAX_CELLS = 100_000  # cells stored in all sheets (the form has a few thousand): bounds openpyxl's time and memory
MAX_RATIO = 200  # inflated : compressed, for any part over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # small parts may compress well (repetitive XML); only large ones are judged
MAX_MEMBERS = 2000
MAX_SHEETS = 32  # the form has six; copies of them are refused by role, not by count

_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_HUGE_NUMBER = re.compile(rb"<(?:\w+:)?v>\s*[-+]?(\d{21,})\s*<")
_CELL_REF = re.compile(rb'\br="([A-Za-z]{1,3}[0-9]{1,7})"')
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")
# a cell holding a shared string: its attributes (t="s" among them) and the index it stores
_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt\s*=\s*["\']s["\'][^>]*)>\s*<(?:\w+:)?v>\s*([^<]*?)\s*<')
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class Inspection:
    """What the guard found out about an acceptable workbook."""

    has_macros: bool


def inspect_workbook(data: bytes, file: str) -> Inspection:
    """Refuse (InputError, exit 2) anything that is not a plain, reasonably sized .xlsx/.xlsm,
    given the bytes of the file (read once and bounded by the caller)."""
    if len(data) > MAX_FORM_BYTES:
        raise InputError(file, None, phrase("error.too_large", size=megabytes(len(data)), limit=megabytes(MAX_FORM_BYTES)))
    if data[:8] == _OLE_MAGIC:
        # Encrypted OOXML and the old binary .xls share the OLE container; the stream name tells them apart.
        raise InputError(file, None, phrase("excel.encrypted" if _ENCRYPTION_INFO in data else "excel.old_xls"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(file, None, phrase("excel.not_workbook")) from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise InputError(file, None, phrase("excel.not_workbook"))
    if len(infos) > MAX_MEMBERS:
        raise InputError(file, None, phrase("excel.zip_members", count=len(infos), limit=MAX_MEMBERS))
    sheets = sum(1 for n in names if n.startswith(("xl/worksheets/", "xl/chartsheets/")) and n.endswith(".xml"))
    if sheets > MAX_SHEETS:
        raise InputError(file, None, phrase("excel.too_many_sheets", count=sheets, limit=MAX_SHEETS))
    total = sum(info.file_size for info in infos)
    if total > MAX_INFLATED_BYTES:
        raise InputError(file, None, phrase("excel.zip_total", size=megabytes(total), limit=megabytes(MAX_INFLATED_BYTES)))
    for info in infos:
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                raise InputError(file, None, phrase("excel.zip_ratio", name=info.filename, ratio=ratio, limit=MAX_RATIO))
    cells = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        shared = _shared_strings(archive, file)
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                try:
                    xml = archive.read(info)  # bounded by the declared size
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
                    raise InputError(file, None, phrase("excel.not_workbook")) from None
                cells += len(_CELL.findall(xml))
                if cells > MAX_CELLS:
                    raise InputError(file, None, phrase("excel.too_many_cells", limit=MAX_CELLS))
                _refuse_huge_numbers(archive, info.filename, xml, file)
                _refuse_bad_shared_strings(archive, info.filename, xml, file, shared)
    return Inspection(has_macros=any(n.lower().endswith("vbaproject.bin") for n in names))


def _refuse_huge_numbers(archive: zipfile.ZipFile, part: str, xml: bytes, file: str) -> None:
    """A stored number longer than any Excel writes (openpyxl would fail on it): refused naming the cell."""
    found = _HUGE_NUMBER.search(xml)
    if found is None:
        return
    opening = max(xml.rfind(b"<c ", 0, found.start()), xml.rfind(b":c ", 0, found.start()))
    ref = _CELL_REF.search(xml, opening, found.start()) if opening >= 0 else None
    title = _sheet_titles(archive).get(part, part)
    where = f"{title}!{ref.group(1).decode('ascii')}" if ref is not None else title
    raise InputError(file, where, phrase("excel.number_too_large", digits=len(found.group(1))))


def _shared_strings(archive: zipfile.ZipFile, file: str) -> int:
    """How many shared strings the workbook holds (0 without a shared-string part)."""
    try:
        return len(_SHARED_ITEM.findall(archive.read("xl/sharedStrings.xml")))
    except KeyError:
        return 0
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise InputError(file, None, phrase("excel.not_workbook")) from None


def _refuse_bad_shared_strings(archive: zipfile.ZipFile, part: str, xml: bytes, file: str, count: int) -> None:
    """A cell naming a shared string that is not there (a negative index, or past the last): no
    spreadsheet opens such a workbook, and openpyxl would wrap a negative index round to another
    string. Refused naming the cell."""
    for found in _SHARED_CELL.finditer(xml):
        index = found.group(2)
        if index.isdigit() and int(index) < count:
            continue
        ref = _CELL_REF.search(found.group(1))
        title = _sheet_titles(archive).get(part, part)
        where = f"{title}!{ref.group(1).decode('ascii')}" if ref is not None else title
        raise InputError(file, where, phrase("excel.bad_shared_string"))


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet title, from the workbook and its relationships."""
    try:
        book = DefusedET.fromstring(archive.read("xl/workbook.xml"))
        rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a broken workbook is refused by openpyxl later; a title is only a nicety here
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[part] = sheet.get("name", "")
    return out
