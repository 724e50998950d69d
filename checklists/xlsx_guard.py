"""Checks on a workbook file before openpyxl reads it: is it a workbook at all, is it encrypted, would
it inflate into something huge (a zip bomb), does it carry macros.

An .xlsx is a zip archive. Its central directory declares every part's sizes; we refuse by those
declarations before anything is inflated. Python's zipfile never inflates a part past its declared
size and checks the CRC at the end, so a part that lies about its size fails instead of growing.
An encrypted workbook is not a zip at all but an OLE compound file holding an EncryptionInfo stream.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from itaku.engine.errors import InputError
from itaku.engine.wording import phrase

MAX_FORM_BYTES = 10 * 1024 * 1024  # the file as stored
MAX_INFLATED_BYTES = 50 * 1024 * 1024  # the sum of the parts' declared sizes
MAX_RATIO = 200  # inflated : compressed, for any part over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # small parts may compress well (repetitive XML); only large ones are judged
MAX_MEMBERS = 2000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class Inspection:
    """What the guard found out about an acceptable workbook."""

    has_macros: bool


def inspect_workbook(path: Path) -> Inspection:
    """Refuse (InputError, exit 2) anything that is not a plain, reasonably sized .xlsx/.xlsm."""
    file = str(path)
    if path.is_dir():
        raise InputError(file, None, phrase("error.is_directory"))
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise InputError(file, None, phrase("error.not_found")) from None
    except OSError as exc:
        raise InputError(file, None, phrase("error.unreadable", error=exc.strerror or str(exc))) from None
    if size > MAX_FORM_BYTES:
        raise InputError(file, None, phrase("error.too_large", size=size, limit=MAX_FORM_BYTES))
    if head == _OLE_MAGIC:
        # Encrypted OOXML and the old binary .xls share the OLE container; the stream name tells them apart.
        raw = path.read_bytes()
        raise InputError(file, None, phrase("excel.encrypted" if _ENCRYPTION_INFO in raw else "excel.old_xls"))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(file, None, phrase("excel.not_workbook")) from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise InputError(file, None, phrase("excel.not_workbook"))
    if len(infos) > MAX_MEMBERS:
        raise InputError(file, None, phrase("excel.zip_members", count=len(infos), limit=MAX_MEMBERS))
    total = sum(info.file_size for info in infos)
    if total > MAX_INFLATED_BYTES:
        raise InputError(file, None, phrase("excel.zip_total", size=total, limit=MAX_INFLATED_BYTES))
    for info in infos:
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                raise InputError(file, None, phrase("excel.zip_ratio", name=info.filename, ratio=ratio, limit=MAX_RATIO))
    return Inspection(has_macros=any(n.lower().endswith("vbaproject.bin") for n in names))
