"""Teams conversation references in the shared state (bot/store), on the SQLite file and on a real
PostgreSQL server: what one replica stores, every replica and the nudge see; racing replicas store a
conversation once; an unreachable database never costs a user their answer, and never guesses who
gets the nudge."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.authorization import ClaimsIdentity

import bot.store
from bot.config import Settings
from bot.store import Store, StoreUnavailable
from bot.store.engine import SERVING, Target, create_engine
from bot.teams.conversations import ConversationStore
from bot.teams.nudge import teams_targets
from tests.support.ports import free_port
from tests.teams.harness import members_changed, message

TEAM = "19:store-general@thread.tacv2"
CONNECTOR = "https://smba.trafficmanager.net/emea/"
CLAIMS = {"aud": "11111111-2222-3333-4444-555555555555", "serviceurl": CONNECTOR}


def added_to_team(service_url: str = CONNECTOR, team: str = TEAM) -> Activity:
    return Activity.model_validate(
        members_changed(service_url=service_url, conversation=team, kind="channel", added=True, team=team)
    )


@pytest.fixture
def replicas(stores: tuple[Store, Store]) -> tuple[ConversationStore, ConversationStore]:
    return ConversationStore(stores[0]), ConversationStore(stores[1])


def test_a_conversation_stored_by_one_replica_is_seen_refreshed_and_forgotten_by_the_other(
    replicas: tuple[ConversationStore, ConversationStore], state_settings: Settings
) -> None:
    a, b = replicas
    assert a.remember(added_to_team(), ClaimsIdentity(CLAIMS), installed=True) is True
    (seen,) = b.all()
    assert (seen.conversation_id, seen.conversation_type, seen.team_id) == (TEAM, "channel", TEAM)
    assert seen.conversation.conversation_reference.service_url == CONNECTOR
    assert seen.conversation.claims["aud"] == CLAIMS["aud"] and not seen.anonymous
    # Teams moved the tenant to another connector: the next message, on the other replica, refreshes it.
    moved = "https://smba.trafficmanager.net/amer/"
    chat = Activity.model_validate(message("help", service_url=moved, conversation=TEAM, kind="channel", team=TEAM))
    assert b.remember(chat, ClaimsIdentity(CLAIMS), installed=False) is False
    assert a.get(TEAM).conversation.conversation_reference.service_url == moved
    # The nudge lists it from the shared state too, whichever process asks.
    assert [t.key for t in teams_targets(state_settings)] == [f"teams:{TEAM}"]
    assert b.forget(added_to_team()) == 1
    assert a.all() == [] and teams_targets(state_settings) == []


def test_racing_replicas_store_one_new_conversation_once(
    replicas: tuple[ConversationStore, ConversationStore],
) -> None:
    results: list[bool] = []
    start = threading.Barrier(6)

    def store_on(conversations: ConversationStore) -> None:
        start.wait()
        results.append(conversations.remember(added_to_team(), ClaimsIdentity(CLAIMS), installed=True))

    threads = [threading.Thread(target=store_on, args=(replicas[i % 2],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [False] * 5 + [True]
    assert [c.conversation_id for c in replicas[1].all()] == [TEAM]


def test_an_unreachable_database_costs_no_answer_and_no_guess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.store, "PATIENT_BUDGET_S", 0.3)  # the nudge would wait a minute
    url = f"postgresql://careerfw:secret@127.0.0.1:{free_port()}/careerfw"
    settings = Settings(state_db=tmp_path / "unused.db", database_url=url)
    target = Target.from_settings(settings)
    store = Store(create_engine(target, SERVING), target)
    conversations = ConversationStore(store)
    # Storing happens while a user waits for an answer: given up quietly, the next message stores it.
    assert conversations.remember(added_to_team(), ClaimsIdentity(CLAIMS), installed=True) is False
    assert conversations.forget(added_to_team()) == 0
    # Listing them for the nudge fails closed: nothing is posted to a guessed list.
    with pytest.raises(StoreUnavailable, match=r"listing Teams conversations.*CAREERFW_DATABASE_URL=.*\*\*\*"):
        conversations.all()
    with pytest.raises(StoreUnavailable):
        teams_targets(settings)
    assert not (tmp_path / "unused.db").exists()
