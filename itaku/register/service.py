"""What the secretariat does with the register: add a proposal version, record a decision and what
happened after, read a case's history, find the approved version a revision is compared with.

Each change is one write transaction (Store.writing): everything it checks is read under the write
lock, so a bad change writes nothing and two changes at once queue. Nothing is updated or deleted:
a correction is a new record naming the one it corrects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from itaku.engine.catalog import Catalog
from itaku.engine.errors import InputError
from itaku.engine.evaluation import Evaluation
from itaku.engine.models import Proposal
from itaku.engine.wareki import date_text
from itaku.engine.wording import phrase
from itaku.present.json_view import EvaluationView
from itaku.register.models import cases, decisions, events, versions
from itaku.register.obligations import obligations_of
from itaku.register.store import Store

OUTCOMES = ("approved", "approved_with_opinion", "acknowledged", "continued", "rejected")
APPROVING = frozenset({"approved", "approved_with_opinion", "acknowledged"})  # the council said yes
EVENT_KINDS = ("handover", "inspection", "phone", "report", "deletion", "condition")


def canonical_json(data: Any) -> str:
    """JSON as the register stores it: one line, keys in their order, not ASCII-escaped (an export
    read back gives the same text)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def now() -> dt.datetime:
    """When a record is written (UTC, whole seconds)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class CaseRecord:
    """A case: its register number, title and department (of its latest version), the day it began."""

    id: int
    number: str
    title: str
    department: str
    opened_on: dt.date


@dataclass(frozen=True)
class VersionRecord:
    """A proposal version, without its file (see `file_of`)."""

    id: int
    seq: int
    received_on: dt.date
    file_name: str
    sha256: str
    title: str
    period_start: dt.date | None
    period_end: dt.date | None
    obligations: dict[str, Any]


@dataclass(frozen=True)
class DecisionRecord:
    """A decision of the council on a version."""

    id: int
    version_seq: int
    outcome: str
    decided_on: dt.date
    session: int | None
    opinion: str
    conditions: tuple[str, ...]
    corrects: int | None


@dataclass(frozen=True)
class EventRecord:
    """Something that happened after a decision."""

    id: int
    kind: str
    happened_on: dt.date
    staff: str
    counterpart: str
    result: str
    certificate: str
    note: str
    corrects: int | None
    decision: int | None
    condition: int | None


@dataclass(frozen=True)
class History:
    """A case and every record of it."""

    case: CaseRecord
    versions: tuple[VersionRecord, ...]
    decisions: tuple[DecisionRecord, ...]
    events: tuple[EventRecord, ...]


def outcome_label(outcome: str, lang: str | None = None) -> str:
    """承認, 意見を付して承認, 了承, 継続審議, 不承認 (or in English)."""
    return phrase(f"register.outcome.{outcome}", lang)


def event_label(kind: str, lang: str | None = None) -> str:
    """データ引渡し, 立入り調査, ... (the management record's words)."""
    return phrase(f"event.{kind}", lang)


def superseded(ids_corrected: list[int | None]) -> set[int]:
    """The records corrected by a later one."""
    return {i for i in ids_corrected if i is not None}


def effective_decisions(records: tuple[DecisionRecord, ...] | list[DecisionRecord]) -> dict[int, DecisionRecord]:
    """The decision in force on each version (by its seq): the latest by date (then by record) of
    those no correction replaced."""
    gone = superseded([d.corrects for d in records])
    out: dict[int, DecisionRecord] = {}
    for d in sorted(records, key=lambda d: (d.decided_on, d.id)):
        if d.id not in gone:
            out[d.version_seq] = d
    return out


class Register:
    """The register's operations on an open Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ reading

    def _case(self, conn: Connection, number: str) -> CaseRecord:
        row = conn.execute(select(cases).where(cases.c.number == number)).first()
        if row is None:
            raise InputError(self.store.location.shown, None, phrase("register.unknown_case", number=number))
        return CaseRecord(row.id, row.number, row.title, row.department, row.opened_on)

    def case_in(self, conn: Connection, number: str) -> CaseRecord:
        """Case `number` read on `conn` (an unknown case is an error)."""
        return self._case(conn, number)

    def _versions(self, conn: Connection, case_id: int) -> list[VersionRecord]:
        rows = conn.execute(
            select(versions.c.id, versions.c.seq, versions.c.received_on, versions.c.file_name, versions.c.sha256,
                   versions.c.title, versions.c.period_start, versions.c.period_end, versions.c.obligations)
            .where(versions.c.case_id == case_id).order_by(versions.c.seq)
        ).all()
        return [VersionRecord(r.id, r.seq, r.received_on, r.file_name, r.sha256, r.title, r.period_start, r.period_end,
                              json.loads(r.obligations)) for r in rows]

    def _decisions(self, conn: Connection, case_id: int) -> list[DecisionRecord]:
        rows = conn.execute(
            select(decisions, versions.c.seq).join(versions, versions.c.id == decisions.c.version_id)
            .where(decisions.c.case_id == case_id).order_by(decisions.c.id)
        ).all()
        return [DecisionRecord(r.id, r.seq, r.outcome, r.decided_on, r.session, r.opinion, tuple(json.loads(r.conditions)),
                               r.corrects_id) for r in rows]

    def _events(self, conn: Connection, case_id: int) -> list[EventRecord]:
        rows = conn.execute(select(events).where(events.c.case_id == case_id).order_by(events.c.id)).all()
        return [EventRecord(r.id, r.kind, r.happened_on, r.staff, r.counterpart, r.result, r.certificate, r.note,
                            r.corrects_id, r.decision_id, r.condition) for r in rows]

    def history(self, number: str) -> History:
        """Every record of case `number` (an unknown case is an error)."""
        with self.store.reading() as conn:
            case = self._case(conn, number)
            return History(case, tuple(self._versions(conn, case.id)), tuple(self._decisions(conn, case.id)),
                           tuple(self._events(conn, case.id)))

    def numbers(self) -> list[str]:
        """Every case's register number, in the order the cases were opened."""
        with self.store.reading() as conn:
            return list(conn.execute(select(cases.c.number).order_by(cases.c.id)).scalars())

    def file_of(self, number: str, seq: int) -> tuple[str, bytes]:
        """The file of version `seq` of case `number` as it was received (name, bytes); a file whose
        bytes no longer match their hash is reported and never given."""
        with self.store.reading() as conn:
            case = self._case(conn, number)
            row = conn.execute(
                select(versions.c.file_name, versions.c.content, versions.c.sha256)
                .where(versions.c.case_id == case.id, versions.c.seq == seq)
            ).first()
        if row is None:
            raise InputError(self.store.location.shown, None, phrase("register.unknown_version", number=number, seq=seq))
        self.check_hash(number, seq, row.content, row.sha256)
        return row.file_name, bytes(row.content)

    def check_hash(self, number: str, seq: int, content: bytes, sha256: str) -> None:
        """Refuse a stored file whose bytes are not those recorded."""
        if hashlib.sha256(content).hexdigest() != sha256:
            raise InputError(self.store.location.shown, None, phrase("register.hash_mismatch", number=number, seq=seq))

    def approved_version(self, number: str) -> tuple[int, str, bytes] | None:
        """The last version of case `number` the council approved, as (seq, file name, bytes); None
        when the case is not in the register or has no approved version."""
        with self.store.reading() as conn:
            if conn.execute(select(cases.c.id).where(cases.c.number == number)).first() is None:
                return None
            case = self._case(conn, number)
            effective = effective_decisions(self._decisions(conn, case.id))
        approved = [seq for seq, d in effective.items() if d.outcome in APPROVING]
        if not approved:
            return None
        seq = max(approved)
        return (seq, *self.file_of(number, seq))

    def verify(self) -> list[tuple[str, int]]:
        """Every version whose stored file no longer matches its hash, as (case number, seq)."""
        bad = []
        with self.store.reading() as conn:
            rows = conn.execute(
                select(cases.c.number, versions.c.seq, versions.c.content, versions.c.sha256)
                .join(cases, cases.c.id == versions.c.case_id).order_by(cases.c.id, versions.c.seq)
            )
            for row in rows:
                if hashlib.sha256(row.content).hexdigest() != row.sha256:
                    bad.append((row.number, row.seq))
        return bad

    # ------------------------------------------------------------------ changes

    def _not_before(self, case: CaseRecord, day: dt.date) -> None:
        if day < case.opened_on:
            raise InputError(
                self.store.location.shown, None,
                phrase("register.before_opened", number=case.number, date=date_text(day), opened=date_text(case.opened_on)),
            )

    def add_version(
        self, number: str, new: bool, file_name: str, content: bytes, proposal: Proposal, evaluation: Evaluation,
        catalog: Catalog, received_on: dt.date,
    ) -> tuple[int, bool]:
        """Add a version of case `number` (with `new`, open the case; it must not exist yet; without,
        it must): the file's bytes and hash, the proposal as read, its evaluation (the JSON view,
        in Japanese) and its obligations. Returns (the version's seq, whether the case was opened)."""
        view = canonical_json(EvaluationView.of(evaluation, "ja").as_data())
        period = proposal.period
        row = {
            "received_on": received_on,
            "file_name": file_name,
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
            "proposal": canonical_json(proposal.model_dump(mode="json")),
            "evaluation": view,
            "obligations": canonical_json(obligations_of(proposal, evaluation, catalog)),
            "title": proposal.case.title,
            "period_start": period.start if period else None,
            "period_end": period.end if period else None,
            "recorded_at": now(),
        }
        with self.store.writing() as conn:
            existing = conn.execute(select(cases.c.id).where(cases.c.number == number)).first()
            if new and existing is not None:
                raise InputError(self.store.location.shown, None, phrase("register.case_exists", number=number))
            if new:
                case_id = conn.execute(insert(cases).values(
                    number=number, title=proposal.case.title, department=proposal.case.department,
                    opened_on=received_on, recorded_at=row["recorded_at"],
                )).inserted_primary_key[0]
            elif existing is None:
                raise InputError(self.store.location.shown, None, phrase("register.new_needed", number=number))
            else:
                case = self._case(conn, number)
                self._not_before(case, received_on)
                case_id = case.id
            seq = (conn.execute(select(func.max(versions.c.seq)).where(versions.c.case_id == case_id)).scalar() or 0) + 1
            conn.execute(insert(versions).values(case_id=case_id, seq=seq, **row))
        return seq, new

    def decide(
        self, number: str, seq: int, outcome: str, decided_on: dt.date, session: int | None, opinion: str,
        conditions: tuple[str, ...], corrects: int | None,
    ) -> int:
        """Record the council's decision on version `seq` of case `number`; returns its record number."""
        with self.store.writing() as conn:
            case = self._case(conn, number)
            version_id = conn.execute(
                select(versions.c.id).where(versions.c.case_id == case.id, versions.c.seq == seq)
            ).scalar()
            if version_id is None:
                raise InputError(self.store.location.shown, None, phrase("register.unknown_version", number=number, seq=seq))
            self._not_before(case, decided_on)
            if corrects is not None:
                self._check_corrects(conn, decisions, corrects, case, "register.unknown_decision")
            return conn.execute(insert(decisions).values(
                case_id=case.id, version_id=version_id, outcome=outcome, decided_on=decided_on, session=session,
                opinion=opinion, conditions=canonical_json(list(conditions)), corrects_id=corrects, recorded_at=now(),
            )).inserted_primary_key[0]

    def record_event(
        self, number: str, kind: str, happened_on: dt.date, staff: str = "", counterpart: str = "", result: str = "",
        certificate: str = "", note: str = "", corrects: int | None = None, decision: int | None = None,
        condition: int | None = None,
    ) -> int:
        """Record what happened on case `number`; returns its record number. An inspection names its
        inspector and result, a deletion its certificate, a condition the decision and which of its
        conditions (1 = the first)."""
        where = self.store.location.shown
        if kind == "inspection" and not (staff and result):
            raise InputError(where, None, phrase("register.inspection_fields"))
        if kind == "deletion" and not certificate:
            raise InputError(where, None, phrase("register.deletion_certificate"))
        if (kind == "condition") != (condition is not None):
            raise InputError(where, None, phrase("register.condition_fields"))
        with self.store.writing() as conn:
            case = self._case(conn, number)
            self._not_before(case, happened_on)
            if corrects is not None:
                self._check_corrects(conn, events, corrects, case, "register.unknown_record")
            if kind == "condition":
                decision = self._condition_decision(conn, case, decision, condition or 0)
            return conn.execute(insert(events).values(
                case_id=case.id, kind=kind, happened_on=happened_on, staff=staff, counterpart=counterpart, result=result,
                certificate=certificate, note=note, corrects_id=corrects, recorded_at=now(),
                decision_id=decision if kind == "condition" else None, condition=condition,
            )).inserted_primary_key[0]

    def _condition_decision(self, conn: Connection, case: CaseRecord, decision: int | None, condition: int) -> int:
        """The decision whose condition is confirmed: the one named, else the case's latest decision
        in force that attached conditions; the condition must be one of its own."""
        records = self._decisions(conn, case.id)
        if decision is None:
            with_conditions = [d for d in effective_decisions(records).values() if d.conditions]
            chosen = max(with_conditions, key=lambda d: (d.decided_on, d.id), default=None)
        else:
            chosen = next((d for d in records if d.id == decision), None)
            if chosen is None:
                raise InputError(self.store.location.shown, None, phrase("register.unknown_decision", number=case.number, record=decision))
        if chosen is None:
            raise InputError(self.store.location.shown, None, phrase("register.no_conditions", number=case.number))
        if not 1 <= condition <= len(chosen.conditions):
            raise InputError(
                self.store.location.shown, None,
                phrase("register.unknown_condition", number=case.number, condition=condition, count=len(chosen.conditions)),
            )
        return chosen.id

    def _check_corrects(self, conn: Connection, table: Any, record: int, case: CaseRecord, key: str) -> None:
        found = conn.execute(select(table.c.case_id).where(table.c.id == record)).scalar()
        if found != case.id:
            raise InputError(self.store.location.shown, None, phrase(key, number=case.number, record=record))
