"""Two real `careerfw serve --http` processes on one PostgreSQL and one fake Slack, as a load
balancer in front of several replicas would see them: Slack's retry delivered to the other replica
is answered once, one person's questions spread over both meet one limit, and a button click
delivered to both (or clicked twice, each click reaching another replica) is answered once."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slack.harness import (
    BOT_TOKEN,
    SEED_CONTENT,
    SIGNING_SECRET,
    SlackApp,
    action_payload,
    barrier,
    dm_event,
    message_of,
    pick_confident_question,
    post_action,
    posts_to,
    send_command,
    send_event,
    slack_settings,
    to_url,
)
from tests.support.ports import free_port
from tests.support.postgres import PostgresServer
from tests.support.process import CAREERFW, REPO, process_env, stop_on_sigterm, wait_for_healthz
from tests.support.slack import FakeSlack, fake_slack  # noqa: F401  (pytest fixture)

LIMIT = 3


def _healthy(port: int, proc: subprocess.Popen[str]) -> None:
    if wait_for_healthz(proc, port, timeout=240) is not None:
        return
    if proc.poll() is not None:
        pytest.fail(f"serve exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
    pytest.fail("serve did not become healthy")


@pytest.fixture
def replicas(postgres: PostgresServer, fake_slack: FakeSlack, tmp_path: Path  # noqa: F811
             ) -> Iterator[tuple[SlackApp, SlackApp]]:
    env = process_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake_slack.api_url,
        CAREERFW_CONTENT=str(SEED_CONTENT), CAREERFW_INDEX=str(tmp_path / "index"),
        CAREERFW_DATABASE_URL=postgres.create_database(), CAREERFW_RATE_LIMIT=str(LIMIT),
    )
    procs: list[subprocess.Popen[str]] = []
    apps: list[SlackApp] = []
    try:
        for i in range(2):  # one after the other: the first builds the index the second loads
            port = free_port()
            replica_env = {**env, "CAREERFW_STATE_DB": str(tmp_path / f"replica{i}.db")}
            proc = subprocess.Popen(CAREERFW + ["serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
                                    env=replica_env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True)
            procs.append(proc)
            _healthy(port, proc)
            settings = slack_settings(fake_slack, tmp_path / f"replica{i}.db", rate_limit_per_minute=LIMIT)
            apps.append(SlackApp(f"http://127.0.0.1:{port}", settings, None, fake_slack))
        yield apps[0], apps[1]
    finally:
        for proc in procs:
            stop_on_sigterm(proc)


def test_two_serve_processes_answer_a_retried_event_once_and_share_the_limit(
    replicas: tuple[SlackApp, SlackApp], seed_answerer
) -> None:
    a, b = replicas
    question = pick_confident_question(seed_answerer)

    channel, event_id = f"D0{uuid.uuid4().hex[:8].upper()}", f"Ev{uuid.uuid4().hex[:10].upper()}"
    event = dm_event(question, channel)
    assert send_event(a, event, event_id=event_id).status == 200
    retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert send_event(b, event, event_id=event_id, headers=retry_headers).status == 200
    assert send_event(b, event, event_id=event_id).status == 200  # a duplicate without retry headers
    a.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)
    barrier(a, f"D0{uuid.uuid4().hex[:8].upper()}")
    barrier(b, f"D0{uuid.uuid4().hex[:8].upper()}")
    assert len(posts_to(a, channel)) == 1

    user = f"U0{uuid.uuid4().hex[:8].upper()}"
    urls = [send_command((a, b)[i % 2], f"{question} ({i})", user=user)[1] for i in range(LIMIT + 1)]
    replies = [message_of(a.fake.wait_for(to_url(u))[0]) for u in urls]
    assert sum("Please ask again" in r["text"] for r in replies) == 1


def test_a_button_click_delivered_to_both_replicas_is_answered_once(
    replicas: tuple[SlackApp, SlackApp], seed_answerer
) -> None:
    a, b = replicas
    question = pick_confident_question(seed_answerer)
    value = json.dumps({"c": question})
    user, message_ts = f"U0{uuid.uuid4().hex[:8].upper()}", "1700000002.000001"
    body, url = action_payload(a, "choose_0", value, user=user, message_ts=message_ts)
    assert post_action(a, body).status == 200
    assert post_action(b, body).status == 200  # the same payload, through the load balancer to the other one
    # The impatient second click on the same button reaches the other replica too.
    again, again_url = action_payload(b, "choose_0", value, user=user, message_ts=message_ts)
    assert post_action(b, again).status == 200
    a.fake.wait_for(to_url(url))
    # Another button of the same person is answered by either: only repeats are dropped.
    other, other_url = action_payload(a, "choose_1", json.dumps({"c": question + "?"}), user=user,
                                      message_ts=message_ts)
    assert post_action(b, other).status == 200
    a.fake.wait_for(to_url(other_url))
    with pytest.raises(AssertionError):
        a.fake.wait_for(lambda c: to_url(url)(c) or to_url(again_url)(c), count=2, timeout=3)
    assert len(a.fake.matching(lambda c: c.ok and (to_url(url)(c) or to_url(again_url)(c)))) == 1
