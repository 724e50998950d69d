"""Office Open XML files (.xlsx, .docx) made byte-for-byte repeatable.

Both are zip archives whose writers stamp the save time into every entry; rewriting the entries
with a fixed time and mode gives the same bytes for the same content.
"""

from __future__ import annotations

import io
import zipfile

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def repeatable_zip(raw: bytes) -> bytes:
    """The archive `raw` with every entry's time and mode fixed (contents and order unchanged)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
