"""Reading proposals from files: YAML, JSON, or the Excel proposal form.

Everything a user can get wrong becomes one InputError naming the file and the place (field path
with its line, or sheet and cell), in the user's language. Limits keep a hostile file from
exhausting memory or time; they are stated in the README and in the messages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.errors import InputError
from engine.messages import msg
from engine.models import Proposal
from engine.yamlio import YamlProblem, load_yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_LIST_ITEMS = 500
YAML_SUFFIXES = {".yaml", ".yml"}
FORM_SUFFIXES = {".xlsx", ".xlsm"}
SUFFIXES = YAML_SUFFIXES | {".json"} | FORM_SUFFIXES

Lines = dict[tuple[Any, ...], int]


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a byte-order mark is accepted); refuses other encodings by name."""
    if path.is_dir():
        raise InputError(str(path), None, msg("is_directory"))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(str(path), None, msg("too_large", size=size, limit=MAX_FILE_BYTES))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), None, msg("not_found")) from None
    except OSError as exc:
        raise InputError(str(path), None, msg("unreadable", error=exc.strerror or str(exc))) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and raw[1:2] == b"\x00" and raw[0:1] != b"\x00"):
        raise InputError(str(path), None, msg("encoding", encoding="UTF-16"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise InputError(str(path), None, msg("binary"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            raw.decode("cp932")
        except UnicodeDecodeError:
            raise InputError(str(path), None, msg("encoding", encoding="?")) from None
        raise InputError(str(path), None, msg("encoding", encoding="Shift_JIS")) from None


def _check_lists(value: Any, path: tuple[Any, ...], file: str, lines: Lines) -> None:
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise InputError(file, where(path, lines), msg("list_too_long", limit=MAX_LIST_ITEMS))
        for i, item in enumerate(value):
            _check_lists(item, (*path, i), file, lines)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_lists(item, (*path, key), file, lines)


def where(loc: tuple[Any, ...], lines: Lines) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    probe = tuple(loc)
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe)
    if not text:
        text = msg("document")
    return f"{text} ({msg('line')} {line})" if line else text


def describe_validation(exc: ValidationError) -> tuple[tuple[Any, ...], str]:
    """The first error of a pydantic validation as (location, one clear sentence)."""
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        return loc, msg("unknown_field", name=loc[-1] if loc else "?")
    if kind == "missing":
        return loc, msg("missing_field")
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        return loc, msg("bad_choice", value=given, expected=expected.replace("'", ""))
    if kind.startswith("bool"):
        return loc, msg("bad_yesno", value=given)
    if kind.startswith(("int", "date", "float")):
        return loc, msg("bad_type", value=given, kind=kind.split("_")[0])
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return loc, msg("bad_mapping", value=type(given).__name__)
    if kind == "list_type":
        return loc, msg("bad_list", value=type(given).__name__)
    return loc, err["msg"]


def validate(data: Any, file: str, lines: Lines) -> Proposal:
    """Validate parsed data as a Proposal; raise InputError naming the field and line."""
    if not isinstance(data, dict):
        raise InputError(file, None, msg("not_mapping"))
    _check_lists(data, (), file, lines)
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        loc, text = describe_validation(exc)
        raise InputError(file, where(loc, lines), text) from None


def load_proposal(path: Path) -> Proposal:
    """Read and validate one proposal file, whatever its kind (by suffix)."""
    if path.is_dir():
        raise InputError(str(path), None, msg("is_directory"))
    suffix = path.suffix.lower()
    if suffix in FORM_SUFFIXES:
        from checklists.form_reader import read_form

        return read_form(path)
    if suffix not in SUFFIXES:
        raise InputError(str(path), None, msg("bad_suffix", suffixes=", ".join(sorted(SUFFIXES))))
    text = read_text(path)
    if not text.strip():
        raise InputError(str(path), None, msg("empty"))
    if suffix == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"{msg('line')} {exc.lineno}", msg("json_syntax", error=exc.msg)) from None
        except _DuplicateKey as exc:
            raise InputError(str(path), None, msg("duplicate_key", key=str(exc))) from None
        return validate(data, str(path), {})
    try:
        data, lines = load_yaml(text)
    except YamlProblem as exc:
        where = f"{msg('line')} {exc.line}" if exc.line else None
        raise InputError(str(path), where, str(exc)) from None
    return validate(data, str(path), lines)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out
