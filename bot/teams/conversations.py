"""Where the bot can post later: Teams conversation references in the state database.

A reference is stored when the bot is added to a team, group chat or personal chat, and again on
messages (Teams may move a tenant to another serviceUrl); it is removed when the bot is removed.
What is stored is the Agents SDK's own proactive `Conversation` (the reference plus the few token
claims a proactive turn needs), serialised the way the SDK serialises it.

A team gets one row, for the channel the bot was installed into (Teams' "General" channel shares
the team's id): the weekly nudge is one post per team, not one per channel someone @mentioned it in.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.core.authorization import ClaimsIdentity

from bot.state import StateDB

DDL = """
CREATE TABLE IF NOT EXISTS teams_conversations (
    conversation_id   TEXT PRIMARY KEY,
    conversation_type TEXT NOT NULL,  -- personal | groupChat | channel
    team_id           TEXT,
    tenant_id         TEXT,
    service_url       TEXT NOT NULL,
    conversation      TEXT NOT NULL,  -- the SDK's Conversation.store_item_to_json()
    added_at          TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS teams_conversations_team ON teams_conversations(team_id);
"""


@dataclass(frozen=True)
class StoredConversation:
    conversation_id: str
    conversation_type: str
    team_id: str | None
    conversation: Conversation

    @property
    def anonymous(self) -> bool:
        """Stored from an unauthenticated activity (anonymous development mode): its serviceUrl was
        never vouched for by a Bot Framework token, so it is never posted to with the bot's credentials."""
        return not self.conversation.claims

    @property
    def key(self) -> str:
        """The nudge target key: stable per conversation, distinct from Slack channel ids."""
        return f"teams:{self.conversation_id}"


def conversation_type(activity: Activity) -> str:
    conv = activity.conversation
    kind = (conv.conversation_type if conv else None) or ""
    if kind in ("personal", "groupChat", "channel"):
        return kind
    return "groupChat" if conv is not None and conv.is_group else "personal"


def team_id(activity: Activity) -> str | None:
    data = activity.channel_data
    team = data.get("team") if isinstance(data, dict) else getattr(data, "team", None)
    team_value = team.get("id") if isinstance(team, dict) else getattr(team, "id", None)
    return str(team_value) if team_value else None


def base_conversation_id(conversation_id: str) -> str:
    """A channel thread's id is the channel's id plus ";messageid=…"; posts go to the channel."""
    return conversation_id.split(";messageid=", 1)[0]


def conversation_from(activity: Activity, identity: ClaimsIdentity | None) -> Conversation:
    reference = activity.get_conversation_reference()
    reference.conversation = reference.conversation.model_copy(
        update={"id": base_conversation_id(reference.conversation.id)}
    )
    # The reference names the message it was taken from; a later post is not a reply to it.
    reference.activity_id = None
    return Conversation(identity or {}, reference)


class ConversationStore:
    def __init__(self, db: StateDB) -> None:
        self.db = db
        db.ensure_schema(DDL)

    def remember(self, activity: Activity, identity: ClaimsIdentity | None, *, installed: bool) -> bool:
        """Store (or refresh) the conversation of `activity`; True if it was not stored before.

        `installed` is True for the bot's own install event. A message in some channel of a team is
        remembered only when that team has no row yet (the install event was missed).
        """
        conversation = conversation_from(activity, identity)
        conversation.validate()
        reference = conversation.conversation_reference
        conv_id = reference.conversation.id
        kind = conversation_type(activity)
        team = team_id(activity) if kind == "channel" else None
        now = datetime.now(UTC).isoformat(timespec="seconds")
        payload = json.dumps(conversation.store_item_to_json(), sort_keys=True)
        tenant = reference.conversation.tenant_id
        with self.db.transaction() as conn:
            if kind == "channel" and team and not installed:
                row = conn.execute(
                    "SELECT conversation_id FROM teams_conversations WHERE team_id = ? OR conversation_id = ?",
                    (team, conv_id),
                ).fetchone()
                if row is not None and row["conversation_id"] != conv_id:
                    return False
            existed = conn.execute(
                "SELECT 1 FROM teams_conversations WHERE conversation_id = ?", (conv_id,)
            ).fetchone()
            conn.execute(
                """INSERT INTO teams_conversations
                       (conversation_id, conversation_type, team_id, tenant_id, service_url, conversation,
                        added_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(conversation_id) DO UPDATE SET
                       conversation_type = excluded.conversation_type,
                       team_id = COALESCE(excluded.team_id, teams_conversations.team_id),
                       tenant_id = COALESCE(excluded.tenant_id, teams_conversations.tenant_id),
                       service_url = excluded.service_url,
                       conversation = excluded.conversation,
                       updated_at = excluded.updated_at""",
                (conv_id, kind, team, tenant, reference.service_url, payload, now, now),
            )
        return existed is None

    def forget(self, activity: Activity) -> int:
        """The bot was removed: drop the conversation (and, for a team, every row of that team)."""
        conv_id = base_conversation_id(activity.conversation.id) if activity.conversation else ""
        team = team_id(activity)
        with self.db.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM teams_conversations WHERE conversation_id = ? OR (team_id IS NOT NULL AND team_id = ?)",
                (conv_id, team),
            )
            return cur.rowcount

    def all(self) -> list[StoredConversation]:
        rows = self.db.conn.execute(
            "SELECT conversation_id, conversation_type, team_id, conversation FROM teams_conversations "
            "ORDER BY added_at, conversation_id"
        ).fetchall()
        return [self._load(row) for row in rows]

    def get(self, conversation_id: str) -> StoredConversation | None:
        row = self.db.conn.execute(
            "SELECT conversation_id, conversation_type, team_id, conversation FROM teams_conversations "
            "WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
        return self._load(row) if row else None

    @staticmethod
    def _load(row: sqlite3.Row) -> StoredConversation:
        conversation = Conversation.from_json_to_store_item(json.loads(row["conversation"]))
        return StoredConversation(row["conversation_id"], row["conversation_type"], row["team_id"], conversation)
