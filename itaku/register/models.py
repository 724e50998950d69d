"""The register's tables as the newest migration leaves them (migrations/versions/ make them).

Large columns (a version's file, the proposal as read, its evaluation) are read only when asked
for: `due` and a case's history read the small ones.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(100), nullable=False, unique=True),  # the register number the secretariat keeps
    Column("title", Text, nullable=False),
    Column("department", Text, nullable=False),
    Column("opened_on", Date, nullable=False),  # nothing is recorded for the case before this day
    Column("recorded_at", DateTime, nullable=False),
)

versions = Table(
    "versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),  # 第N版 within the case
    Column("received_on", Date, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("obligations", Text, nullable=False),  # what the rules in force asked of it (JSON, see obligations.py)
    Column("title", Text, nullable=False),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("recorded_at", DateTime, nullable=False),
    Column("content", LargeBinary, nullable=False),  # the file's bytes, verbatim
    Column("proposal", Text, nullable=False),  # the proposal as read (JSON)
    Column("evaluation", Text, nullable=False),  # its evaluation then, as `check --format json` gives it
    UniqueConstraint("case_id", "seq", name="uq_versions_case_seq"),
)

decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("session", Integer),
    Column("opinion", Text, nullable=False),  # the opinion as adopted
    Column("conditions", Text, nullable=False),  # JSON list of the conditions attached
    Column("corrects_id", Integer, ForeignKey("decisions.id")),  # a correction names what it corrects
    Column("recorded_at", DateTime, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("happened_on", Date, nullable=False),
    Column("staff", Text, nullable=False),  # who did it for the ward (the inspector of an inspection)
    Column("counterpart", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("certificate", Text, nullable=False),  # a deletion's certificate
    Column("note", Text, nullable=False),
    Column("corrects_id", Integer, ForeignKey("events.id")),
    Column("recorded_at", DateTime, nullable=False),
    # added by the second migration: a condition of a decision confirmed
    Column("decision_id", Integer, ForeignKey("decisions.id")),
    Column("condition", Integer),
    Index("ix_events_case_kind", "case_id", "kind"),
    Index("ix_events_corrects", "corrects_id"),
    Index("ix_events_kind_confirms", "kind", "case_id", "decision_id", "condition"),
)

TABLES = (cases, versions, decisions, events)  # in the order rows may be inserted
