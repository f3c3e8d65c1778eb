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

# The questions log and votes (bot/feedback.py). Installs from before the shared store already have
# these three tables in their SQLite file, made by `CREATE TABLE IF NOT EXISTS`; revision feedback_questions adopts
# them as they are, so the columns and names here are theirs. `id` never reuses a number (SQLite's
# AUTOINCREMENT, PostgreSQL's sequence): buttons on old answers carry it, and after pruning a reused id
# would point a vote at somebody else's question.
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite's rowid alias must be INTEGER

# Small facts about the feedback tables. On PostgreSQL the user-hash key lives here (every replica
# must hash a user id alike); with the SQLite file it lives in a file beside it (bot/feedback.py).
feedback_meta = sa.Table(
    "feedback_meta",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

questions = sa.Table(
    "questions",
    metadata,
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("asked_at", sa.Float, nullable=False),
    sa.Column("surface", sa.Text, nullable=False),
    sa.Column("user_hash", sa.Text, nullable=False),  # HMAC of the user id: ids are never stored
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False, server_default="ask"),  # 'ask' or 'explain' (a named area)
    sa.Column("entry_id", sa.Text),  # the area asked for, when kind = 'explain'
    sa.Column("intent", sa.Text),
    sa.Column("confident", sa.Integer, nullable=False),  # 0 or 1, as the SQLite tables always had it
    sa.Column("entries", sa.Text, nullable=False),  # JSON: the quoted entries, in the order shown
    sa.Index("questions_asked_at", "asked_at"),
    sqlite_autoincrement=True,
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("surface", sa.Text, nullable=False),
    sa.Column("user_hash", sa.Text, nullable=False),
    # A pruned question leaves its votes (they carry the question and entries themselves).
    sa.Column("question_id", ROW_ID, sa.ForeignKey("questions.id", ondelete="SET NULL")),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("entries", sa.Text, nullable=False),  # JSON: the entries the verdict is about
    sa.Column("verdict", sa.Text, nullable=False),
    sa.Column("reason", sa.Text),  # what a thumbs-down said was wrong, when the person gave a reason
    sa.CheckConstraint("verdict IN ('helpful', 'not_helpful')", name="feedback_verdict"),
    # One vote per person per answer: a second vote replaces the first.
    sa.Index(
        "feedback_one_vote", "question_id", "user_hash", unique=True,
        sqlite_where=sa.text("question_id IS NOT NULL"), postgresql_where=sa.text("question_id IS NOT NULL"),
    ),
    sa.Index("feedback_created_at", "created_at"),
    sqlite_autoincrement=True,
)

# The weekly nudge ledger, once per target per ISO week (bot/nudge/ledger.py). The primary key is the
# claim: whichever process inserts (target, week) first, or takes a row over under its row lock, posts;
# every other process, replica or CronJob finds the row and posts nothing. Same names and columns as
# the tables the SQLite state file held before, which the nudge_ledger_teams revision adopts in place.
nudge_weeks = sa.Table(
    "nudge_weeks",
    metadata,
    sa.Column("target", sa.Text, primary_key=True),  # NudgeTarget.key, e.g. slack:C0123ABCD
    sa.Column("week", sa.Text, primary_key=True),  # ISO week in CAREERFW_TZ, e.g. 2026-W48
    sa.Column("status", sa.Text, nullable=False),  # claimed | sent | failed
    sa.Column("claim_token", sa.Text),
    sa.Column("claimed_at", sa.Float),  # unix seconds of the live claim
    sa.Column("sent_at", sa.Float),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("kind", sa.Text),  # todo | all_filled_in, once sent
    sa.Column("last_error", sa.Text),
)

# What was TODO at the last nudge sent to each target, for the next nudge's "what changed".
nudge_snapshots = sa.Table(
    "nudge_snapshots",
    metadata,
    sa.Column("target", sa.Text, primary_key=True),
    sa.Column("week", sa.Text, nullable=False),  # the week of the nudge this snapshot was sent with
    sa.Column("todo_json", sa.Text, nullable=False),  # {entry id: {area, level, craft, …}} TODO then
    sa.Column("sent_at", sa.Float, nullable=False),
)

# Where the Teams bot may post later (bot/teams/conversations.py): one row per conversation, holding
# the Agents SDK's own serialised proactive Conversation. Times are ISO 8601 text, as the SQLite state
# file stored them before this table moved here.
teams_conversations = sa.Table(
    "teams_conversations",
    metadata,
    sa.Column("conversation_id", sa.Text, primary_key=True),
    sa.Column("conversation_type", sa.Text, nullable=False),  # personal | groupChat | channel
    sa.Column("team_id", sa.Text),
    sa.Column("tenant_id", sa.Text),
    sa.Column("service_url", sa.Text, nullable=False),
    sa.Column("conversation", sa.Text, nullable=False),  # the SDK's Conversation.store_item_to_json()
    sa.Column("added_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Index("teams_conversations_team", "team_id"),
)
