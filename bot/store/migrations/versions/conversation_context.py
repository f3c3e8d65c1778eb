"""Conversation context for follow-up questions: what the previous answer in a conversation resolved.

Revision ID: conversation_context
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "conversation_context"
down_revision = "0001"
branch_labels = None
depends_on = None

# Only adds a table: replicas on the previous release never read it, so it is applied at start.
additive = True


def upgrade() -> None:
    op.create_table(
        "conversation_context",
        sa.Column("surface", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(255), primary_key=True),
        sa.Column("conversation", sa.String(512), primary_key=True),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("conversation_context_updated_at", "conversation_context", ["updated_at"])


def downgrade() -> None:
    op.drop_table("conversation_context")
