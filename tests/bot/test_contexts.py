"""Conversation contexts in the shared state (bot/store/contexts.py), on SQLite and a real PostgreSQL:
per person and conversation, expiring, shared by replicas, failing open."""

from __future__ import annotations

import sqlalchemy as sa

from bot.config import Settings
from bot.conversation import EXPIRY_S
from bot.store import Store, migrate
from bot.store.contexts import ConversationContexts
from bot.store.schema import conversation_context
from index.followup import Context
from tests.support.clock import Clock

BACKEND_L3 = Context("Monzo", "Backend Engineering Craft", "Level 3", "Mastery")
MOBILE_L4 = Context("Monzo", "Mobile Engineering Craft", "Level 4", "Communication")


def test_a_context_written_by_one_replica_is_read_by_another(stores: tuple[Store, Store]) -> None:
    clock = Clock()
    a, b = (ConversationContexts(store, clock=clock) for store in stores)
    assert a.get("slack", "U1", "D1") is None
    assert a.put("slack", "U1", "D1", BACKEND_L3)
    assert b.get("slack", "U1", "D1") == BACKEND_L3
    assert b.put("slack", "U1", "D1", MOBILE_L4)  # the next answer replaces it
    assert a.get("slack", "U1", "D1") == MOBILE_L4


def test_never_across_people_surfaces_or_conversations(stores: tuple[Store, Store]) -> None:
    contexts = ConversationContexts(stores[0], clock=Clock())
    contexts.put("slack", "U1", "C1/1700000000.000100", BACKEND_L3)
    assert contexts.get("slack", "U2", "C1/1700000000.000100") is None
    assert contexts.get("slack", "U1", "C1/1700000099.000100") is None
    assert contexts.get("slack", "U1", "C1") is None
    assert contexts.get("teams", "U1", "C1/1700000000.000100") is None


def test_a_context_expires(stores: tuple[Store, Store]) -> None:
    clock = Clock()
    contexts = ConversationContexts(stores[0], clock=clock)
    contexts.put("slack", "U1", "D1", BACKEND_L3)
    clock.now += EXPIRY_S - 1
    assert contexts.get("slack", "U1", "D1") == BACKEND_L3
    clock.now += 2
    assert contexts.get("slack", "U1", "D1") is None
    # Expired rows are swept when contexts are written.
    contexts._next_sweep = 0.0
    contexts.put("slack", "U2", "D2", MOBILE_L4)
    with stores[0].engine.connect() as conn:
        users = [r[0] for r in conn.execute(sa.select(conversation_context.c.user_id))]
    assert users == ["U2"]


def test_none_forgets_and_a_damaged_row_reads_as_none(stores: tuple[Store, Store]) -> None:
    contexts = ConversationContexts(stores[0], clock=Clock())
    contexts.put("teams", "aad-1", "a:chat", BACKEND_L3)
    contexts.put("teams", "aad-1", "a:chat", None)
    assert contexts.get("teams", "aad-1", "a:chat") is None
    contexts.put("teams", "aad-1", "a:chat", BACKEND_L3)
    with stores[0].engine.begin() as conn:
        conn.execute(sa.update(conversation_context).values(context="{not json"))
    assert contexts.get("teams", "aad-1", "a:chat") is None


def test_without_the_database_contexts_fail_open(state_settings: Settings) -> None:
    store = Store.open(state_settings)
    contexts = ConversationContexts(store, clock=Clock())
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE conversation_context"))
    assert contexts.put("slack", "U1", "D1", BACKEND_L3) is False
    assert contexts.get("slack", "U1", "D1") is None
    store.close()


def test_the_revision_is_additive_and_the_chain_has_one_head() -> None:
    script = migrate._script()
    assert len(script.get_heads()) == 1
    module = script.get_revision("conversation_context").module
    assert module.additive is True
