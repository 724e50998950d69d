"""Exceptions (waivers): the register kept apart from proposals, and which exception applies.

The register (`--waivers FILE`) is a YAML (or JSON) list of entries, each an exception (rule, reason,
compensating, approved_by, decision, until) plus `case`, the case number it belongs to. A proposal
may carry exceptions of its own. When several exceptions name the same rule (an expired waiver in
the proposal and its renewal in the register, say), the newest decision in force applies: an
accepted one before one that is not, then the one that runs longest (no end date runs longest),
then the register's before the proposal's, then the later entry. The others are shown as
superseded, naming where the one that applies came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from itaku.engine.catalog import Catalog, Rule
from itaku.engine.errors import InputError
from itaku.engine.loader import check_tree, describe_validation, parse_data, where
from itaku.engine.models import ExceptionEntry
from itaku.engine.wording import phrase

Register = dict[str, tuple[tuple[str, int, ExceptionEntry], ...]]
Origin = Literal["proposal", "register"]
State = Literal["accepted", "expired", "no_reason", "not_waivable", "unused", "superseded"]


class ExceptionStatus(BaseModel):
    """An exception (waiver) and what became of it in this evaluation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    origin: Origin
    status: State
    reason: str | None
    compensating: str | None
    approved_by: str | None
    decision: str | None
    until: dt.date | None
    superseded_by: Origin | None = None  # where the exception that applies instead came from


class RegisterEntry(ExceptionEntry):
    case: str = Field(min_length=1)


def parse_register(text: str, file: str, suffix: str = ".yaml") -> Register:
    """Entries by case number, each with the file and index it came from. The register is held to
    the limits of a proposal (list length, nesting, values); JSON when `suffix` is `.json`."""
    data, lines = parse_data(text, file, suffix, "exceptions")
    if not isinstance(data, list):
        raise InputError(file, None, phrase("error.register_not_list"))
    check_tree(data, file, lines)
    out: dict[str, list[tuple[str, int, ExceptionEntry]]] = {}
    for i, raw in enumerate(data):
        if isinstance(raw, dict) and isinstance(raw.get("case"), int):
            raw = {**raw, "case": str(raw["case"])}
        try:
            entry = RegisterEntry.model_validate(raw)
        except ValidationError as exc:
            loc, text_ = describe_validation(exc)
            raise InputError(file, where((i, *loc), lines, "exceptions"), text_) from None
        plain = ExceptionEntry.model_validate(entry.model_dump(exclude={"case"}))
        out.setdefault(entry.case, []).append((file, i, plain))
    return {case: tuple(entries) for case, entries in out.items()}


def exception_state(spec: Rule, entry: ExceptionEntry, day: dt.date) -> State:
    """What an exception naming `spec` amounts to on `day`, were it the one to apply."""
    if not spec.waivable:
        return "not_waivable"
    if not (entry.reason or "").strip():
        return "no_reason"
    if entry.until is not None and entry.until < day:
        return "expired"
    return "accepted"


class Waivers:
    """The exceptions of one evaluation (the proposal's, then the register's) resolved per rule."""

    def __init__(
        self, catalog: Catalog, in_proposal: list[ExceptionEntry], in_register: list[ExceptionEntry], day: dt.date
    ) -> None:
        self.entries: list[tuple[Origin, ExceptionEntry]] = [("proposal", e) for e in in_proposal]
        self.entries += [("register", e) for e in in_register]
        self.day = day
        self._states: list[State] = []
        self._chosen: dict[str, int] = {}
        for index, (_, entry) in enumerate(self.entries):
            compiled = catalog.rule(entry.rule)
            spec = compiled.spec if compiled is not None else None
            self._states.append(exception_state(spec, entry, day) if isinstance(spec, Rule) else "unused")
            best = self._chosen.get(entry.rule)
            if best is None or self._rank(index) > self._rank(best):
                self._chosen[entry.rule] = index
        self._used: set[str] = set()

    def _rank(self, index: int) -> tuple[bool, dt.date, bool, int]:
        origin, entry = self.entries[index]
        return (self._states[index] == "accepted", entry.until or dt.date.max, origin == "register", index)

    def for_rule(self, rule_id: str) -> ExceptionStatus | None:
        """The exception that applies to a finding of `rule_id`, if any (and remember it was used)."""
        index = self._chosen.get(rule_id)
        if index is None:
            return None
        self._used.add(rule_id)
        return self._status(index, self._states[index])

    def statuses(self) -> tuple[ExceptionStatus, ...]:
        """Every exception, in the order given, with what became of it."""
        out = []
        for index, (_, entry) in enumerate(self.entries):
            if entry.rule not in self._used:
                state: State = "unused"
            elif self._chosen[entry.rule] != index:
                state = "superseded"
            else:
                state = self._states[index]
            out.append(self._status(index, state))
        return tuple(out)

    def _status(self, index: int, state: State) -> ExceptionStatus:
        origin, entry = self.entries[index]
        chosen = self._chosen.get(entry.rule)
        return ExceptionStatus(
            rule_id=entry.rule,
            origin=origin,
            status=state,
            reason=entry.reason,
            compensating=entry.compensating,
            approved_by=entry.approved_by,
            decision=entry.decision,
            until=entry.until,
            superseded_by=self.entries[chosen][0] if state == "superseded" and chosen is not None else None,
        )
