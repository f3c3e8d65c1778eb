"""Where the bot can post later: Teams conversation references in the shared state (bot/store), so
every replica, the CronJob and `careerfw nudge --teams` see the same conversations.

A reference is stored when the bot is added to a team, group chat or personal chat, and again on
messages (Teams may move a tenant to another serviceUrl); it is removed when the bot is removed.
What is stored is the Agents SDK's own proactive `Conversation` (the reference plus the few token
claims a proactive turn needs), serialised the way the SDK serialises it.

A team gets one row, for the channel the bot was installed into (Teams' "General" channel shares
the team's id): the weekly nudge is one post per team, not one per channel someone @mentioned it in.

Storing and forgetting happen while a user waits for an answer, so they go through `Store.attempt`:
retried briefly, then logged and dropped (the next message stores the reference again). Listing them
for the nudge may wait (`Store.patiently`) and raises StoreUnavailable past that: the nudge then
posts nothing and is retried, rather than guessing who should get it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from sqlalchemy.engine import Connection

from bot.store import Store
from bot.store.schema import teams_conversations as table

# What a StoredConversation is read from, oldest first.
_COLUMNS = (table.c.conversation_id, table.c.conversation_type, table.c.team_id, table.c.conversation)


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
    def __init__(self, store: Store) -> None:
        self.store = store

    def remember(self, activity: Activity, identity: ClaimsIdentity | None, *, installed: bool) -> bool:
        """Store (or refresh) the conversation of `activity`; True if it was not stored before (False
        too when the database cannot be reached right now: logged, and the next message tries again).

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

        def work(conn: Connection) -> bool:
            if kind == "channel" and team and not installed:
                row = conn.execute(
                    sa.select(table.c.conversation_id).where(
                        sa.or_(table.c.team_id == team, table.c.conversation_id == conv_id)
                    )
                ).first()
                if row is not None and row.conversation_id != conv_id:
                    return False
            this = table.c.conversation_id == conv_id
            existing = conn.execute(sa.select(table.c.team_id, table.c.tenant_id).where(this).with_for_update()).first()
            values: dict[str, Any] = {
                "conversation_type": kind, "service_url": reference.service_url, "conversation": payload,
                "updated_at": now,
            }
            if existing is None:
                # Two replicas storing one new conversation at once: the loser's insert fails on the
                # primary key and Store.attempt runs this again, which then updates.
                new = {"conversation_id": conv_id, "team_id": team, "tenant_id": tenant, "added_at": now}
                conn.execute(sa.insert(table).values(**new, **values))
                return True
            # A later activity may lack the team or tenant the first one carried: keep what is known.
            values |= {"team_id": team or existing.team_id, "tenant_id": tenant or existing.tenant_id}
            conn.execute(sa.update(table).where(this).values(**values))
            return False

        return self.store.attempt("storing a Teams conversation", work, fallback=False)

    def forget(self, activity: Activity) -> int:
        """The bot was removed: drop the conversation (and, for a team, every row of that team)."""
        conv_id = base_conversation_id(activity.conversation.id) if activity.conversation else ""
        team = team_id(activity)
        gone = table.c.conversation_id == conv_id
        if team:
            gone = sa.or_(gone, table.c.team_id == team)

        def work(conn: Connection) -> int:
            return conn.execute(sa.delete(table).where(gone)).rowcount

        return self.store.attempt("forgetting a Teams conversation", work, fallback=0)

    def all(self) -> list[StoredConversation]:
        """Every stored conversation, oldest first. Raises StoreUnavailable when the database cannot be
        reached (the nudge then posts nothing this round)."""

        def work(conn: Connection) -> list[Any]:
            query = sa.select(*_COLUMNS).order_by(table.c.added_at, table.c.conversation_id)
            return list(conn.execute(query))

        return [self._load(row) for row in self.store.patiently("listing Teams conversations", work)]

    def get(self, conversation_id: str) -> StoredConversation | None:
        def work(conn: Connection) -> Any:
            return conn.execute(sa.select(*_COLUMNS).where(table.c.conversation_id == conversation_id)).first()

        row = self.store.patiently("reading a Teams conversation", work)
        return self._load(row) if row else None

    @staticmethod
    def _load(row: Any) -> StoredConversation:
        conversation = Conversation.from_json_to_store_item(json.loads(row.conversation))
        return StoredConversation(row.conversation_id, row.conversation_type, row.team_id, conversation)
