"""PostgreSQL stopped and restarted under a serving Slack app: answers keep flowing while it is down
(de-duplication and the rate limit fail open), and de-duplication resumes once it is back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import bot.store
from tests.slack.harness import (
    SlackApp,
    barrier,
    dm_event,
    pick_confident_question,
    posts_to,
    send_event,
    serve_slack,
    slack_settings,
)
from tests.support.postgres import PostgresServer, running_server
from tests.support.slack import FakeSlack, fake_slack  # noqa: F401  (pytest fixture)

PAUSE_S = 0.3


@pytest.fixture
def server(postgres: PostgresServer) -> Iterator[PostgresServer]:
    # A server of its own: stopping the session's would pull it from under other tests.
    with running_server(postgres.bin) as own:
        yield own


@pytest.fixture
def app(server: PostgresServer, seed_answerer, fake_slack: FakeSlack, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackApp]:
    monkeypatch.setattr(bot.store, "PAUSE_S", PAUSE_S)
    settings = replace(slack_settings(fake_slack, tmp_path / "state.db"), database_url=server.create_database())
    with serve_slack(settings, seed_answerer, fake_slack) as running:
        yield running


def _answered(app: SlackApp, channel: str) -> None:
    app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)


def test_answers_flow_while_postgresql_restarts_and_dedupe_resumes(
    app: SlackApp, server: PostgresServer, seed_answerer
) -> None:
    question = pick_confident_question(seed_answerer)
    before = f"D0{uuid.uuid4().hex[:8].upper()}"
    assert send_event(app, dm_event(question, before), event_id="EvBEFORE01").status == 200
    _answered(app, before)

    server.stop()
    down = [f"D0DOWN{i}{uuid.uuid4().hex[:4].upper()}" for i in range(3)]
    for channel in down:
        assert send_event(app, dm_event(question, channel)).status == 200
    for channel in down:
        _answered(app, channel)  # fail open: every question answered while the database is down

    server.start()
    time.sleep(PAUSE_S + 0.2)
    after = f"D0{uuid.uuid4().hex[:8].upper()}"
    retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert send_event(app, dm_event(question, after), event_id="EvAFTER001").status == 200
    assert send_event(app, dm_event(question, after), event_id="EvAFTER001", headers=retry_headers).status == 200
    # The event recorded before the outage is still known after it.
    assert send_event(app, dm_event(question, before), event_id="EvBEFORE01", headers=retry_headers).status == 200
    _answered(app, after)
    barrier(app, f"D0{uuid.uuid4().hex[:8].upper()}")
    assert len(posts_to(app, after)) == 1
    assert len(posts_to(app, before)) == 1
