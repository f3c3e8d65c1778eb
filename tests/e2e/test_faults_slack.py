"""Faults around the Slack app, against the real `careerfw serve --http` process on loopback: Slack's
Web API failing or unreachable, and SIGTERM while answers are in flight."""

from __future__ import annotations

import json
import re
import signal
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from careerfw_tools.loadtest import (
    SIGNING_SECRET,
    Server,
    questions,
    send_commands,
    serving,
    sign,
)
from tests.support.ports import free_port
from tests.support.slack import FakeSlack

RETRY_S = 4  # retries at about 1 and 3 s; a real deployment keeps the 120 s default


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeSlack, Server]]:
    work = tmp_path_factory.mktemp("faults-slack")
    with FakeSlack() as fake, serving(fake, work, env={"CAREERFW_SLACK_RETRY_SECONDS": str(RETRY_S)}) as server:
        # One answer before any fault: Bolt authorises once and caches it, as a server that has been up does.
        send_commands(server.url, fake, [("warm", "what does Head of ML own?")], 1)
        assert fake.wait_delivered(1, 60)
        yield fake, server


def healthz(server: Server) -> int:
    with urllib.request.urlopen(server.url + "/healthz", timeout=5) as r:
        return r.status


def dm_event(key: str, text: str) -> bytes:
    return json.dumps({
        "token": "unused", "team_id": "T0LOAD", "api_app_id": "A0LOAD", "type": "event_callback",
        "event_id": f"Ev{key}", "event_time": int(time.time()),
        "event": {"type": "message", "channel_type": "im", "channel": f"D{key}", "user": f"U{key}", "text": text,
                  "ts": f"{time.time():.6f}"},
    }).encode()


def post_event(server: Server, body: bytes) -> int:
    headers = sign(SIGNING_SECRET, body) | {"Content-Type": "application/json"}
    request = urllib.request.Request(server.url + "/slack/events", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status


def dm_answers(fake: FakeSlack, channel: str) -> list:
    return [p for p in fake.calls if p.method == "chat.postMessage" and p.body.get("channel") == channel]


def test_web_api_answering_500_answers_are_retried_and_delivered(slack) -> None:
    fake, server = slack
    keys = [f"outage{i}" for i in range(8)]
    fake.fail_status = 500
    try:
        sent = send_commands(server.url, fake, list(zip(keys, questions(len(keys)), strict=True)), 8)
        assert post_event(server, dm_event("OUT1", "who owns AI governance?")) == 200
        assert all(s.status == 200 for s in sent)  # Slack still gets its acks
        assert healthz(server) == 200  # and the app keeps serving
        # Wait (bounded) until every answer has been attempted during the outage, and refused.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            failed = {p.method.rsplit("/", 1)[-1] for p in fake.calls if p.status == 500}
            if set(keys) <= failed and dm_answers(fake, "DOUT1"):
                break
            time.sleep(0.05)
        assert set(keys) <= failed
        assert dm_answers(fake, "DOUT1") and all(p.status == 500 for p in dm_answers(fake, "DOUT1"))
    finally:
        fake.fail_status = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        set(keys) <= set(fake.delivered()) and any(p.status == 200 for p in dm_answers(fake, "DOUT1"))
    ):
        time.sleep(0.1)
    assert set(keys) <= set(fake.delivered()), "answers refused during the outage were not retried"
    assert any(p.status == 200 for p in dm_answers(fake, "DOUT1")), "the DM answer was not retried"
    assert server.proc.poll() is None


def test_answers_lost_to_a_long_outage_are_reported_and_serving_goes_on(slack) -> None:
    fake, server = slack
    fake.fail_status = 503
    try:
        sent = send_commands(server.url, fake, [("long1", "what does Head of ML own?")], 1)
        assert sent[0].status == 200
        deadline = time.monotonic() + RETRY_S + 20
        while "an answer was lost" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        fake.fail_status = None
    assert "an answer was lost" in server.log() and "HTTP 503" in server.log()
    attempts = [p for p in fake.calls if p.method == "response/long1"]
    assert len(attempts) >= 3  # the first try and the retries within CAREERFW_SLACK_RETRY_SECONDS
    # The app is unharmed: the next question is answered at once.
    before = len(fake.delivered())
    send_commands(server.url, fake, [("after1", "who owns AI strategy?")], 1)
    assert fake.wait_delivered(before + 1, 30)
    assert "after1" in fake.delivered()
    assert server.proc.poll() is None and healthz(server) == 200


def test_response_url_unreachable_is_retried_then_reported(slack) -> None:
    fake, server = slack
    dead = f"http://127.0.0.1:{free_port()}/response/dead"  # nothing listens there: connection refused
    body = (
        b"command=%2Fcareerfw&text=what+does+Head+of+ML+own%3F&user_id=UDEAD&user_name=dead&team_id=T0LOAD"
        b"&channel_id=C0LOAD&api_app_id=A0LOAD&trigger_id=t&response_url=" + urllib.request.quote(dead, "").encode()
    )
    request = urllib.request.Request(server.url + "/slack/events", data=body, headers=sign(SIGNING_SECRET, body))
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 200
    deadline = time.monotonic() + RETRY_S + 20
    while "could not be reached" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "an answer was lost: Slack's response URL could not be reached" in server.log()
    assert server.proc.poll() is None and healthz(server) == 200


def test_sigterm_mid_answer_lets_answers_finish_then_exits(tmp_path: Path) -> None:
    with FakeSlack() as fake, serving(fake, tmp_path) as server:
        items = [(f"term{i:03d}", q) for i, q in enumerate(questions(150))]
        sent = send_commands(server.url, fake, items, 50)
        acked = {s.key for s in sent if s.status == 200}
        server.proc.send_signal(signal.SIGTERM)
        delivered_at_signal = len(fake.delivered())
        code = server.proc.wait(timeout=60)
        # After SIGTERM the port closes: a new command is refused, not half-answered.
        with pytest.raises(OSError):
            urllib.request.urlopen(server.url + "/healthz", timeout=2)
    assert len(acked) == len(items)
    assert delivered_at_signal < len(acked), "no answer was in flight at SIGTERM; the test proved nothing"
    assert acked <= set(fake.delivered()), f"{len(acked - set(fake.delivered()))} acknowledged answer(s) lost"
    assert code == 0, server.log()[-2000:]


def test_hostile_questions_over_http_are_answered_and_never_ping(slack) -> None:
    # What Slack would deliver for people typing these: its own tokens for mentions, &lt; for a "<".
    hostile = [
        "<!channel> what does Head of ML own?", "<@U024BE7LH> who owns AI governance", "&lt;!here&gt; hi",
        "<!subteam^S123|@ml-team> strategy?", "*bold* _it_ ~x~ `code` ```block``` &amp; &lt;b&gt;",
        "[link](https://evil.example) # heading", "\x00\x07\x1b[31m control \u202e", "👩‍💻" * 40,
        "what does head of ML own? " * 4000,  # about 100 kB
    ]
    items = [(f"hostile{i}", text) for i, text in enumerate(hostile)]
    fake, server = slack
    before = len(fake.delivered())
    sent = send_commands(server.url, fake, items, len(items))
    assert all(s.status == 200 for s in sent)
    assert fake.wait_delivered(before + len(items), 60)
    delivered = fake.delivered()
    for key, _ in items:
        body = delivered[key].body
        texts = [str(body.get("text", ""))] + mrkdwn_strings(body.get("blocks") or [])
        assert not any("Sorry" in t for t in texts), texts[:2]
        for text in texts:
            assert not re.search(r"<\s*[!@#]", text), f"{key}: {text[:200]!r}"
    assert server.proc.poll() is None


def mrkdwn_strings(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str) else []
        return own + [s for k, v in node.items() if k != "text" or isinstance(v, dict) for s in mrkdwn_strings(v)]
    if isinstance(node, list):
        return [s for item in node for s in mrkdwn_strings(item)]
    return []
