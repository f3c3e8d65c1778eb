"""The shared-state tables, as SQLAlchemy Core. Alembic (bot/store/migrations) creates and changes
them; this is what the code reads and writes through. Times are unix seconds (UTC) as floats,
so SQLite and PostgreSQL store and compare them alike.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Event de-duplication: the first replica to insert an event's key answers it; a retry or duplicate
# delivery hitting any replica finds the row and is acknowledged without an answer. Rows older than
# the expiry are deleted (Slack retries within minutes).
seen_events = sa.Table(
    "seen_events",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),  # e.g. slack:Ev0123ABCD
    sa.Column("seen_at", sa.Float, nullable=False),
    sa.Index("seen_events_seen_at", "seen_at"),
)

# The per-user question limit: one row per user key holding the times of the questions still inside
# the window; a check reads it under a row lock, decides, and writes it back in one transaction.
rate_limits = sa.Table(
    "rate_limits",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),  # e.g. slack:U0123ABCD
    sa.Column("hits", sa.Text, nullable=False),  # JSON list of unix seconds, oldest first
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Index("rate_limits_updated_at", "updated_at"),
)

# What the previous answer in a conversation resolved (framework, craft, level, area as JSON), so a
# follow-up ("and at level 4?") can take what it leaves out (index/followup.py). One row per surface,
# user and conversation (a Slack thread or DM, a Teams conversation): never read across users or
# conversations. Rows older than the expiry are not used, and are deleted.
conversation_context = sa.Table(
    "conversation_context",
    metadata,
    sa.Column("surface", sa.String(16), primary_key=True),
    sa.Column("user_id", sa.String(255), primary_key=True),
    sa.Column("conversation", sa.String(512), primary_key=True),
    sa.Column("context", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Index("conversation_context_updated_at", "updated_at"),
)
