"""Two replicas of the Slack app on one shared store (the SQLite file, or a real PostgreSQL), each
with its own services and connections, driven over real HTTP: what Slack does when it delivers an
event to whichever replica it likes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.config import Settings
from tests.slack.harness import (
    SlackApp,
    barrier,
    dm_event,
    message_of,
    posts_to,
    send_command,
    send_event,
    serve_slack,
    slack_settings,
    to_url,
)
from tests.support.slack import FakeSlack

LIMIT = 3


@pytest.fixture
def replicas(state_settings: Settings, seed_answerer, fake_slack: FakeSlack) -> Iterator[tuple[SlackApp, SlackApp]]:
    settings = slack_settings(fake_slack, state_settings.state_db, rate_limit_per_minute=LIMIT)
    settings = replace(settings, database_url=state_settings.database_url)
    with serve_slack(settings, seed_answerer, fake_slack) as a, serve_slack(settings, seed_answerer, fake_slack) as b:
        yield a, b


def _channel() -> str:
    return f"D0{uuid.uuid4().hex[:8].upper()}"


def test_slacks_retry_on_the_other_replica_is_answered_once(replicas: tuple[SlackApp, SlackApp], question: str) -> None:
    a, b = replicas
    channel, event_id = _channel(), f"Ev{uuid.uuid4().hex[:10].upper()}"
    event = dm_event(question, channel)
    assert send_event(a, event, event_id=event_id).status == 200
    retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    retry = send_event(b, event, event_id=event_id, headers=retry_headers)
    assert retry.status == 200
    a.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)
    barrier(a, _channel())
    barrier(b, _channel())
    assert len(posts_to(a, channel)) == 1


def test_a_duplicate_delivery_without_retry_headers_is_answered_once(
    replicas: tuple[SlackApp, SlackApp], question: str
) -> None:
    a, b = replicas
    channel, event_id = _channel(), f"Ev{uuid.uuid4().hex[:10].upper()}"
    event = dm_event(question, channel)
    assert send_event(b, event, event_id=event_id).status == 200
    assert send_event(a, event, event_id=event_id).status == 200
    b.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)
    barrier(a, _channel())
    barrier(b, _channel())
    assert len(posts_to(a, channel)) == 1


def test_one_users_commands_spread_over_both_replicas_meet_one_limit(
    replicas: tuple[SlackApp, SlackApp], question: str
) -> None:
    a, b = replicas
    user = f"U0{uuid.uuid4().hex[:8].upper()}"
    urls = [send_command((a, b)[i % 2], f"{question} ({i})", user=user)[1] for i in range(LIMIT + 1)]
    replies = [message_of(a.fake.wait_for(to_url(u))[0]) for u in urls]
    refused = [r for r in replies if "Please ask again" in r["text"]]
    assert len(refused) == 1, [r["text"][:80] for r in replies]
    assert f"{LIMIT} questions in the last minute" in refused[0]["text"]
