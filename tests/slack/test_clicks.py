"""A button click answers once: the same interactive payload delivered twice (a proxy's retry, or two
replicas behind a load balancer) and a double click on one button. Over real HTTP to the Slack app,
and the click ledger itself on both backends (the SQLite file and a real PostgreSQL server)."""

from __future__ import annotations

import json

import pytest

from bot.store import Store
from bot.store.events import DOUBLE_CLICK_S, EventLedger
from tests.slack.harness import (
    SlackApp,
    action_payload,
    message_of,
    pick_confident_question,
    post_action,
    send_action,
    to_url,
)
from tests.support.clock import Clock


def answers_at(app: SlackApp, *urls: str) -> int:
    return len(app.fake.matching(lambda c: c.ok and any(to_url(u)(c) for u in urls)))


def test_one_click_delivered_twice_is_answered_once(slack_app: SlackApp, seed_answerer) -> None:
    question = pick_confident_question(seed_answerer)
    body, url = action_payload(slack_app, "choose_0", json.dumps({"c": question}), user="U0TWICE")
    assert post_action(slack_app, body).status == 200
    assert post_action(slack_app, body).status == 200  # acknowledged, as Slack expects
    answer = message_of(slack_app.fake.wait_for(to_url(url))[0])
    assert answer["response_type"] == "ephemeral"
    # A later click (another answer's button) is answered; the repeated delivery never is.
    _, later = send_action(slack_app, "choose_0", json.dumps({"c": question}), user="U0TWICE")
    slack_app.fake.wait_for(to_url(later))
    with pytest.raises(AssertionError):
        slack_app.fake.wait_for(to_url(url), count=2, timeout=3)
    assert answers_at(slack_app, url) == 1


def test_a_double_click_is_answered_once_and_another_button_still_works(
    slack_app: SlackApp, seed_answerer
) -> None:
    question = pick_confident_question(seed_answerer)
    value = json.dumps({"c": question})
    first = send_action(slack_app, "choose_0", value, user="U0DOUBLE", message_ts="1700000001.000001")[1]
    second = send_action(slack_app, "choose_0", value, user="U0DOUBLE", message_ts="1700000001.000001")[1]
    other = send_action(slack_app, "choose_1", json.dumps({"c": question + "?"}), user="U0DOUBLE",
                        message_ts="1700000001.000001")[1]
    someone_else = send_action(slack_app, "choose_0", value, user="U0OTHER", message_ts="1700000001.000001")[1]
    for url in (first, other, someone_else):
        slack_app.fake.wait_for(to_url(url))
    with pytest.raises(AssertionError):
        slack_app.fake.wait_for(to_url(second), timeout=3)
    assert answers_at(slack_app, first, second) == 1


@pytest.fixture
def ledgers(stores: tuple[Store, Store]) -> tuple[EventLedger, EventLedger]:
    clock = Clock()
    return EventLedger(stores[0], clock=clock), EventLedger(stores[1], clock=clock)


def test_clicks_on_two_replicas(ledgers: tuple[EventLedger, EventLedger]) -> None:
    a, b = ledgers
    clock = a._clock
    assert isinstance(clock, Clock)
    assert a.first_click("click-1", "button-A") is True
    assert b.first_click("click-1", "button-A") is False  # the same click, delivered to the other replica
    clock.now += 1
    assert b.first_click("click-2", "button-A") is False  # pressed again at once: a double click
    assert b.first_click("click-3", "button-B") is True  # another button
    clock.now += DOUBLE_CLICK_S + 1
    assert a.first_click("click-4", "button-A") is True  # asked again on purpose, later
    assert b.first_click("click-1", "button-A") is False  # the first click's delivery is still known
