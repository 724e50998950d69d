"""Reading input files: proposals (YAML, JSON or a filled Excel form) and waiver registers.

This is the one place that opens input files. It picks the reader by the file's suffix: text
formats go to the engine's parser, a workbook to the Excel form reader. Every problem becomes one
InputError naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from itaku.engine.errors import InputError
from itaku.engine.loader import parse_proposal
from itaku.engine.models import Proposal
from itaku.engine.waivers import Register, parse_register
from itaku.engine.wording import phrase

MAX_FILE_BYTES = 2 * 1024 * 1024
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
TEXT_SUFFIXES = YAML_SUFFIXES | {".json"}
FORM_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SUFFIXES = TEXT_SUFFIXES | FORM_SUFFIXES


def warn_on_stderr(text: str) -> None:
    """Show a reader's warning (a hidden cell, a macro ignored) to the person at the terminal."""
    click.echo(f"itaku: {text}", err=True)


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a byte-order mark is accepted); refuses other encodings by name."""
    if path.is_dir():
        raise InputError(str(path), None, phrase("error.is_directory"))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(str(path), None, phrase("error.too_large", size=size, limit=MAX_FILE_BYTES))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), None, phrase("error.not_found")) from None
    except OSError as exc:
        raise InputError(str(path), None, phrase("error.unreadable", error=exc.strerror or str(exc))) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and raw[1:2] == b"\x00" and raw[0:1] != b"\x00"):
        raise InputError(str(path), None, phrase("error.encoding", encoding="UTF-16"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise InputError(str(path), None, phrase("error.binary"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            raw.decode("cp932")
        except UnicodeDecodeError:
            raise InputError(str(path), None, phrase("error.encoding", encoding="?")) from None
        raise InputError(str(path), None, phrase("error.encoding", encoding="Shift_JIS")) from None


def load_proposal(path: Path, warn: Callable[[str], None] = warn_on_stderr) -> Proposal:
    """Read and validate one proposal file, whatever its kind (by suffix)."""
    if path.is_dir():
        raise InputError(str(path), None, phrase("error.is_directory"))
    suffix = path.suffix.lower()
    if suffix in FORM_SUFFIXES:
        from itaku.checklists.form_reader import read_form  # openpyxl only when a form is read

        return read_form(path, warn)
    if suffix not in SUFFIXES:
        raise InputError(str(path), None, phrase("error.bad_suffix", suffixes=", ".join(sorted(SUFFIXES))))
    return parse_proposal(read_text(path), str(path), suffix)


def load_register(path: Path) -> Register:
    """Read the waiver register kept apart from proposals (`--waivers FILE`)."""
    return parse_register(read_text(path), str(path))
