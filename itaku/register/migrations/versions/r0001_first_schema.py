"""The first schema: cases, versions, decisions and events.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(100), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("obligations", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("proposal", sa.Text, nullable=False),
        sa.Column("evaluation", sa.Text, nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_versions_case_seq"),
    )
    op.create_index("ix_versions_case_id", "versions", ["case_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("session", sa.Integer),
        sa.Column("opinion", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("decisions.id")),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_decisions_case_id", "decisions", ["case_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("staff", sa.Text, nullable=False),
        sa.Column("counterpart", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("certificate", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("events.id")),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_events_case_id", "events", ["case_id"])
