"""Parsing and validating a proposal's text (YAML or JSON); files are read by the layer above.

Everything a user can get wrong becomes one InputError naming the file and the place (field path
with its line, or sheet and cell), in the user's language. Limits keep a hostile file from
exhausting memory or time; they are stated in the README and in the messages.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from itaku.engine.errors import InputError
from itaku.engine.models import Proposal
from itaku.engine.wording import phrase
from itaku.engine.yamlio import YamlProblem, load_yaml

MAX_LIST_ITEMS = 500

Lines = dict[tuple[Any, ...], int]


def _check_lists(value: Any, path: tuple[Any, ...], file: str, lines: Lines) -> None:
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise InputError(file, where(path, lines), phrase("error.list_too_long", limit=MAX_LIST_ITEMS))
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
        text = phrase("error.document")
    return f"{text} ({phrase('error.line')} {line})" if line else text


def describe_validation(exc: ValidationError) -> tuple[tuple[Any, ...], str]:
    """The first error of a pydantic validation as (location, one clear sentence)."""
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        return loc, phrase("error.unknown_field", name=loc[-1] if loc else "?")
    if kind == "missing":
        return loc, phrase("error.missing_field")
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        return loc, phrase("error.bad_choice", value=given, expected=expected.replace("'", ""))
    if kind.startswith("bool"):
        return loc, phrase("error.bad_yesno", value=given)
    if kind.startswith(("int", "date", "float")):
        return loc, phrase("error.bad_type", value=given, kind=kind.split("_")[0])
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return loc, phrase("error.bad_mapping", value=type(given).__name__)
    if kind == "list_type":
        return loc, phrase("error.bad_list", value=type(given).__name__)
    return loc, err["msg"]


def validate(data: Any, file: str, lines: Lines) -> Proposal:
    """Validate parsed data as a Proposal; raise InputError naming the field and line."""
    if not isinstance(data, dict):
        raise InputError(file, None, phrase("error.not_mapping"))
    _check_lists(data, (), file, lines)
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        loc, text = describe_validation(exc)
        raise InputError(file, where(loc, lines), text) from None


def parse_proposal(text: str, file: str, suffix: str) -> Proposal:
    """Parse and validate one proposal's text, JSON when `suffix` is `.json`, else YAML."""
    if not text.strip():
        raise InputError(file, None, phrase("error.empty"))
    if suffix == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise InputError(file, f"{phrase('error.line')} {exc.lineno}", phrase("error.json_syntax", error=exc.msg)) from None
        except _DuplicateKey as exc:
            raise InputError(file, None, phrase("error.duplicate_key", key=str(exc))) from None
        return validate(data, file, {})
    try:
        data, lines = load_yaml(text)
    except YamlProblem as exc:
        where = f"{phrase('error.line')} {exc.line}" if exc.line else None
        raise InputError(file, where, str(exc)) from None
    return validate(data, file, lines)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out
