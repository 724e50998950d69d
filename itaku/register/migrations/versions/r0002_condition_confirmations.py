"""A condition attached to a decision can be confirmed: an event names the decision and the
condition (its position in the decision's list).

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
