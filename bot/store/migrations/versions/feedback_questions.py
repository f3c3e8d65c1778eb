"""Feedback and the questions log in the shared store; adopts the tables older releases made in the
SQLite state file.

Revision ID: feedback_questions
Revises: conversation_context

Installs on the SQLite file already have `feedback_meta`, `questions` and `feedback` with rows in
them (created by bot/feedback.py's own DDL before the store existed). Those are adopted as they are:
only what is missing is created (a table, an index, the `reason` column), so no row is touched. On a
new database (PostgreSQL, or a new SQLite file) everything is created.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "feedback_questions"
down_revision = "conversation_context"
branch_labels = None
depends_on = None

# Only adds (tables, indexes, a nullable column): the previous release names its columns in every
# INSERT and creates its tables IF NOT EXISTS, so it keeps working beside this schema.
additive = True

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ONE_VOTE_WHERE = sa.text("question_id IS NOT NULL")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())

    if "feedback_meta" not in existing:
        op.create_table(
            "feedback_meta",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if "questions" not in existing:
        op.create_table(
            "questions",
            sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
            sa.Column("asked_at", sa.Float, nullable=False),
            sa.Column("surface", sa.Text, nullable=False),
            sa.Column("user_hash", sa.Text, nullable=False),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("kind", sa.Text, nullable=False, server_default="ask"),
            sa.Column("entry_id", sa.Text),
            sa.Column("intent", sa.Text),
            sa.Column("confident", sa.Integer, nullable=False),
            sa.Column("entries", sa.Text, nullable=False),
            sqlite_autoincrement=True,
        )
    if "feedback" not in existing:
        op.create_table(
            "feedback",
            sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
            sa.Column("created_at", sa.Float, nullable=False),
            sa.Column("surface", sa.Text, nullable=False),
            sa.Column("user_hash", sa.Text, nullable=False),
            sa.Column("question_id", ROW_ID, sa.ForeignKey("questions.id", ondelete="SET NULL")),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("entries", sa.Text, nullable=False),
            sa.Column("verdict", sa.Text, nullable=False),
            sa.Column("reason", sa.Text),
            sa.CheckConstraint("verdict IN ('helpful', 'not_helpful')", name="feedback_verdict"),
            sqlite_autoincrement=True,
        )
    elif "reason" not in {c["name"] for c in inspector.get_columns("feedback")}:
        # A plain ADD COLUMN on both backends (nullable, no default): existing rows keep every value.
        op.add_column("feedback", sa.Column("reason", sa.Text))

    _index("questions", "questions_asked_at", ["asked_at"])
    _index("feedback", "feedback_one_vote", ["question_id", "user_hash"], unique=True,
           sqlite_where=ONE_VOTE_WHERE, postgresql_where=ONE_VOTE_WHERE)
    _index("feedback", "feedback_created_at", ["created_at"])


def _index(table: str, name: str, columns: list[str], **kw: object) -> None:
    # IF NOT EXISTS: the adopted SQLite tables already have the first two.
    op.create_index(name, table, columns, if_not_exists=True, **kw)


def downgrade() -> None:
    # Only what this revision made on a new database; adopted rows are not ours to drop.
    op.drop_index("feedback_created_at", table_name="feedback", if_exists=True)
