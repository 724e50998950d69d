"""A condition attached to a decision can be confirmed: an event names the decision and the
condition (its position in the decision's list). And the indexes `due` reads the events through
(counted per case and kind without reading the rows; the few corrections and confirmations found
at once).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two columns on events (existing events confirm no condition: both stay null)."""
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id", name="fk_events_decision_id")))
        batch.add_column(sa.Column("condition", sa.Integer))
    op.create_index("ix_events_case_kind", "events", ["case_id", "kind"])
    op.create_index("ix_events_corrects", "events", ["corrects_id"])
    op.create_index("ix_events_kind_confirms", "events", ["kind", "case_id", "decision_id", "condition"])
