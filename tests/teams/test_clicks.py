"""A card button (Action.Submit) answers once: the same activity delivered twice (the connector
redelivering it, to this or another replica) and a double click on one button. Over real HTTP, as
Bot Framework activities, with the click ledger in the shared state."""

from __future__ import annotations

from typing import Any

import pytest

from bot.teams import cards
from tests.slack.harness import pick_confident_question
from tests.teams.harness import Bot, Connector, message


@pytest.fixture()
def bot(start_bot: Any, seed_answerer: Any, connector: Connector) -> Bot:
    connector.clear()
    return start_bot(seed_answerer, teams_allow_anonymous=True)


def press(connector: Connector, value: dict[str, Any], card: str, aad: str = "aad-clicker") -> dict[str, Any]:
    """A press of a button on the card `card` (the message the bot sent), as Teams delivers it."""
    activity = message(None, service_url=connector.url, aad=aad, value=value, conversation="a:clicks")
    return {**activity, "replyToId": card}


def test_a_submit_delivered_twice_is_answered_once(bot: Bot, connector: Connector, seed_answerer: Any) -> None:
    value = {cards.SUBMIT_KEY: cards.CHOOSE_VERB, "question": pick_confident_question(seed_answerer)}
    activity = press(connector, value, card="card-1")
    assert bot.replies(activity)  # answered
    assert bot.replies(activity) == []  # the same activity id again: acknowledged, not answered


def test_a_double_click_is_answered_once_and_other_buttons_still_work(
    bot: Bot, connector: Connector, seed_answerer: Any
) -> None:
    question = pick_confident_question(seed_answerer)
    value = {cards.SUBMIT_KEY: cards.CHOOSE_VERB, "question": question}
    assert bot.replies(press(connector, value, card="card-2"))
    assert bot.replies(press(connector, value, card="card-2")) == []  # a new activity: the second press
    # Another button, the same button on another answer, or another person: answered.
    assert bot.replies(press(connector, {**value, "question": question + "?"}, card="card-2"))
    assert bot.replies(press(connector, value, card="card-3"))
    assert bot.replies(press(connector, value, card="card-2", aad="aad-someone-else"))
