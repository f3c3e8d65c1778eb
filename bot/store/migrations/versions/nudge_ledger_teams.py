"""The nudge ledger (nudge_weeks, nudge_snapshots) and Teams conversation references
(teams_conversations) join the shared state.

On PostgreSQL the tables are new. On the SQLite default they usually exist already: earlier releases
created them in the same CAREERFW_STATE_DB file with the same names and columns. Those are adopted as
they are, rows and all (a missing index is added), so upgrading loses no claim, sent week,
snapshot or conversation.

Revision ID: nudge_ledger_teams
Revises: feedback_questions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "nudge_ledger_teams"
down_revision = "feedback_questions"
branch_labels = None
depends_on = None

# Creates or adopts tables, never changes what is in them: replicas on the previous release (which
# write these same tables in the SQLite file with the same columns) keep working.
additive = True

# The tables as of this revision (a later revision changes them there, not here). The same names and
# columns as the legacy DDL in bot/nudge/ledger.py and bot/teams/conversations.py.
_metadata = sa.MetaData()
TABLES = (
    sa.Table(
        "nudge_weeks",
        _metadata,
        sa.Column("target", sa.Text, primary_key=True),
        sa.Column("week", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("claim_token", sa.Text),
        sa.Column("claimed_at", sa.Float),
        sa.Column("sent_at", sa.Float),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("kind", sa.Text),
        sa.Column("last_error", sa.Text),
    ),
    sa.Table(
        "nudge_snapshots",
        _metadata,
        sa.Column("target", sa.Text, primary_key=True),
        sa.Column("week", sa.Text, nullable=False),
        sa.Column("todo_json", sa.Text, nullable=False),
        sa.Column("sent_at", sa.Float, nullable=False),
    ),
    sa.Table(
        "teams_conversations",
        _metadata,
        sa.Column("conversation_id", sa.Text, primary_key=True),
        sa.Column("conversation_type", sa.Text, nullable=False),
        sa.Column("team_id", sa.Text),
        sa.Column("tenant_id", sa.Text),
        sa.Column("service_url", sa.Text, nullable=False),
        sa.Column("conversation", sa.Text, nullable=False),
        sa.Column("added_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Index("teams_conversations_team", "team_id"),
    ),
)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table in TABLES:
        if not inspector.has_table(table.name):
            table.create(op.get_bind())
            continue
        _adopt(inspector, table)


def _adopt(inspector: sa.Inspector, table: sa.Table) -> None:
    """A table an earlier release created in the SQLite file: keep it and its rows."""
    present = {column["name"] for column in inspector.get_columns(table.name)}
    missing = [column.name for column in table.columns if column.name not in present]
    if missing:
        # Every release wrote these tables with the same columns; anything else was made by hand.
        raise RuntimeError(f"table {table.name} exists without column(s) {', '.join(missing)}; move it aside")
    indexes = {index["name"] for index in inspector.get_indexes(table.name)}
    for index in table.indexes:
        if index.name not in indexes:
            op.create_index(index.name, table.name, [c.name for c in index.columns])


def downgrade() -> None:
    # careerfw never downgrades on its own (`careerfw db` only upgrades); by hand, this drops the
    # tables with their rows.
    for table in reversed(TABLES):
        op.drop_table(table.name)
