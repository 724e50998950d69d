"""The exception register: waivers kept apart from proposals (`--waivers FILE`).

A YAML list of entries, each an exception (rule, reason, compensating, approved_by, decision, until)
plus `case`, the case number it belongs to.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from engine.errors import InputError
from engine.loader import describe_validation, read_text, where
from engine.messages import msg
from engine.models import ExceptionEntry
from engine.yamlio import YamlProblem, load_yaml

Register = dict[str, tuple[tuple[str, int, ExceptionEntry], ...]]


class RegisterEntry(ExceptionEntry):
    case: str = Field(min_length=1)


def load_register(path: Path) -> Register:
    """Entries by case number, each with the file and index it came from."""
    text = read_text(path)
    if not text.strip():
        raise InputError(str(path), None, msg("empty"))
    try:
        data, lines = load_yaml(text)
    except YamlProblem as exc:
        raise InputError(str(path), f"{msg('line')} {exc.line}" if exc.line else None, str(exc)) from None
    if not isinstance(data, list):
        raise InputError(str(path), None, msg("register_not_list"))
    out: dict[str, list[tuple[str, int, ExceptionEntry]]] = {}
    for i, raw in enumerate(data):
        if isinstance(raw, dict) and isinstance(raw.get("case"), int):
            raw = {**raw, "case": str(raw["case"])}
        try:
            entry = RegisterEntry.model_validate(raw)
        except ValidationError as exc:
            loc, text_ = describe_validation(exc)
            raise InputError(str(path), where((i, *loc), lines), text_) from None
        plain = ExceptionEntry.model_validate(entry.model_dump(exclude={"case"}))
        out.setdefault(entry.case, []).append((str(path), i, plain))
    return {case: tuple(entries) for case, entries in out.items()}
