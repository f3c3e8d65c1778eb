"""Shared state for several replicas: event de-duplication and the per-user rate limit.

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

# Only adds tables, so replicas still running the previous release are unaffected: applied
# automatically at start (bot.store.migrate.SAFE_AT_START).
additive = True


def upgrade() -> None:
    op.create_table(
        "seen_events",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_index("seen_events_seen_at", "seen_events", ["seen_at"])
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("hits", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("rate_limits_updated_at", "rate_limits", ["updated_at"])


def downgrade() -> None:
    op.drop_table("rate_limits")
    op.drop_table("seen_events")
