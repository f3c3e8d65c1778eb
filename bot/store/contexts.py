"""The context of each conversation, for follow-up questions: what its previous answer resolved.

Read before a question is answered and written after, both through `Store.attempt`, so every replica
sees the same conversation. Fails open: without the database a follow-up is answered as a fresh
question (it may then ask which craft, or answer for another level), never held up or refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.conversation import EXPIRY_S
from bot.store import Store
from bot.store.clean import clean_text, valid_id
from bot.store.schema import conversation_context as table
from index import Context

SWEEP_EVERY_S = 300.0
MAX_CONVERSATION_CHARS = 512


class ConversationContexts:
    def __init__(self, store: Store, expiry_s: float = EXPIRY_S, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.expiry_s = expiry_s
        self._clock = clock
        self._next_sweep = 0.0

    def _where(self, surface: str, user_id: str, conversation: str) -> sa.ColumnElement[bool]:
        return sa.and_(table.c.surface == surface, table.c.user_id == user_id,
                       table.c.conversation == conversation)

    @staticmethod
    def _keys(user_id: object, conversation: object) -> tuple[str, str] | None:
        """The row's key, or None (nothing read or written) when `user_id` is not an id or the
        conversation is not text: such a key would fail its own call and must not reach the store."""
        user = valid_id(user_id)
        if user is None or not isinstance(conversation, str):
            return None
        return user, clean_text(conversation)[:MAX_CONVERSATION_CHARS]

    def get(self, surface: str, user_id: str, conversation: str) -> Context | None:
        """The conversation's context, or None: none yet, expired, unreadable, or no database now."""
        since = self._clock() - self.expiry_s
        keys = self._keys(user_id, conversation)
        if keys is None:
            return None
        user_id, conversation = keys

        def work(conn: Connection) -> Context | None:
            row = conn.execute(
                sa.select(table.c.context).where(self._where(surface, user_id, conversation),
                                                 table.c.updated_at >= since)
            ).first()
            if row is None:
                return None
            try:
                return Context.from_json(json.loads(row[0]))
            except ValueError:
                return None

        return self.store.attempt("conversation context", work, fallback=None)

    def put(self, surface: str, user_id: str, conversation: str, context: Context | None) -> bool:
        """Record the conversation's context after an answer (None forgets it). False: not recorded."""
        now = self._clock()
        keys = self._keys(user_id, conversation)
        if keys is None:
            return False
        user_id, conversation = keys
        where = self._where(surface, user_id, conversation)

        def work(conn: Connection) -> bool:
            if now >= self._next_sweep:
                self._next_sweep = now + SWEEP_EVERY_S
                conn.execute(sa.delete(table).where(table.c.updated_at < now - self.expiry_s))
            if context is None:
                conn.execute(sa.delete(table).where(where))
                return True
            value = json.dumps(context.to_json(), ensure_ascii=False)
            if conn.execute(sa.update(table).where(where).values(context=value, updated_at=now)).rowcount:
                return True
            # A lost insert race (two replicas, one conversation) raises IntegrityError: attempt retries,
            # and the retry's update finds the row.
            conn.execute(sa.insert(table).values(surface=surface, user_id=user_id, conversation=conversation,
                                                 context=value, updated_at=now))
            return True

        return self.store.attempt("conversation context", work, fallback=False)
