"""Text from a proposal (or a file name) made harmless before a person sees it.

Three strengths, one set of rules:
- `inert`: for documents (Excel cells, reports): control characters, bidirectional overrides,
  line and paragraph separators and lone surrogates become visible escapes; tabs and line breaks
  stay, since a cell or a paragraph may hold several lines.
- `inert_inline`: for one line of a document: `inert`, a line break written as a space.
- `inert_line`: for the terminal and error lines: the same, and tabs and line breaks too, so that a
  value can never start a line of its own that looks like a verdict, a finding or another error.
- `json_text`: JSON with the same characters written as `\\uXXXX` escapes (the data is unchanged).

A lone surrogate is what Python makes of a file name's byte that is not UTF-8 (Shift_JIS names from a
Windows ZIP): it is shown as the byte it stands for (`\\x82`) and never reaches an encoder that would
fail on it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 and C1 controls and DEL; bidirectional marks, embeddings, overrides and isolates; the line and
# paragraph separators; lone surrogates; U+FFFE and U+FFFF, which no XML document may hold (a Word
# file or a workbook with one does not open), like the C0 controls and surrogates.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_BLOCK = re.compile(f"[{_UNSAFE}]")
_LINE = re.compile(f"[{_UNSAFE}\t\n]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: object) -> str:
    """Text safe for a document: unsafe characters become visible escapes; tabs and line breaks stay."""
    return _BLOCK.sub(_escape, str(text))


def inert_inline(text: object) -> str:
    """Text safe for one line of a document (a title, a field, a paragraph of a Word file): `inert`,
    and a line break becomes a space, so that no value starts a line that reads as the document's
    own (a forged 意見 line under 件名)."""
    return inert(text).replace("\n", " ")


def inert_line(text: object) -> str:
    """Text safe for one line of a terminal: every unsafe character, tab and line break escaped."""
    return _LINE.sub(_escape, str(text))


_JSON_UNSAFE = re.compile(f"[{_UNSAFE}]")


def json_text(data: Any, indent: int | None = None) -> str:
    """`data` as JSON (UTF-8 text, not ASCII-escaped), with every character that could act on a
    terminal or confuse a reader written as a `\\uXXXX` escape. Parsing it gives `data` back."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in … when cut: a proposal's value quoted
    in a message, an item or evidence stays readable, and outputs stay a small multiple of the input."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
