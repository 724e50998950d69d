"""The exception register: waivers kept apart from proposals (`--waivers FILE`).

A YAML list of entries, each an exception (rule, reason, compensating, approved_by, decision, until)
plus `case`, the case number it belongs to.
"""

from __future__ import annotations

from pydantic import Field, ValidationError

from itaku.engine.errors import InputError
from itaku.engine.loader import describe_validation, where
from itaku.engine.messages import msg
from itaku.engine.models import ExceptionEntry
from itaku.engine.yamlio import YamlProblem, load_yaml

Register = dict[str, tuple[tuple[str, int, ExceptionEntry], ...]]


class RegisterEntry(ExceptionEntry):
    case: str = Field(min_length=1)


def parse_register(text: str, file: str) -> Register:
    """Entries by case number, each with the file and index it came from."""
    if not text.strip():
        raise InputError(file, None, msg("empty"))
    try:
        data, lines = load_yaml(text)
    except YamlProblem as exc:
        raise InputError(file, f"{msg('line')} {exc.line}" if exc.line else None, str(exc)) from None
    if not isinstance(data, list):
        raise InputError(file, None, msg("register_not_list"))
    out: dict[str, list[tuple[str, int, ExceptionEntry]]] = {}
    for i, raw in enumerate(data):
        if isinstance(raw, dict) and isinstance(raw.get("case"), int):
            raw = {**raw, "case": str(raw["case"])}
        try:
            entry = RegisterEntry.model_validate(raw)
        except ValidationError as exc:
            loc, text_ = describe_validation(exc)
            raise InputError(file, where((i, *loc), lines), text_) from None
        plain = ExceptionEntry.model_validate(entry.model_dump(exclude={"case"}))
        out.setdefault(entry.case, []).append((file, i, plain))
    return {case: tuple(entries) for case, entries in out.items()}
