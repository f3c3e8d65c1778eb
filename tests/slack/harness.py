"""Test harness for the Slack app over real HTTP: the app in HTTP mode on a loopback port (uvicorn, in-process so the
model loads once), the one fake Slack (tests/support/slack.py) answering like Slack's Web API and
recording every call, and requests signed exactly as Slack signs them."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from tests.support.slack import BOT_USER, TEAM, Call, FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
SEED_CONTENT = Path(__file__).resolve().parents[2] / "content"


_IDS = itertools.count(1)


@dataclass
class SlackApp:
    """The careerfw Slack app served by uvicorn on a loopback port."""

    url: str
    settings: Settings
    asgi: Any
    fake: FakeSlack
    startup_calls: list[Call] = field(default_factory=list)  # Web API calls made before the first request
    # One counter for every app in the process: replicas on one store must not reuse each other's event ids.
    ids: Iterator[int] = field(default_factory=lambda: _IDS)

    def next_id(self) -> int:
        return next(self.ids)


def sign(body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Response:
    status: int
    body: str


def post(url: str, body: str, content_type: str, headers: dict[str, str] | None = None) -> Response:
    request = urllib.request.Request(url, data=body.encode(), method="POST")
    request.add_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return Response(resp.status, resp.read().decode())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.read().decode())


def send_command(app: SlackApp, text: str, user: str = "U0ASKER", channel: str = "C0GENERAL",
                 headers: dict[str, str] | None = None) -> tuple[Response, str]:
    """A /careerfw slash command as Slack sends it; returns the HTTP response and its response_url."""
    response_url = app.fake.response_url(f"cmd-{app.next_id()}")
    body = urllib.parse.urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "test", "channel_id": channel, "channel_name": "general",
        "user_id": user, "user_name": "asker", "command": "/careerfw", "text": text, "api_app_id": "A0CAREER",
        "response_url": response_url, "trigger_id": f"trig.{app.next_id()}",
    })
    resp = post(app.url + "/slack/events", body, "application/x-www-form-urlencoded", {**sign(body), **(headers or {})})
    return resp, response_url


def send_event(app: SlackApp, event: dict[str, Any], event_id: str | None = None,
               headers: dict[str, str] | None = None) -> Response:
    envelope = {
        "token": "legacy", "team_id": TEAM, "api_app_id": "A0CAREER", "event": event, "type": "event_callback",
        "event_id": event_id or f"Ev{app.next_id():08d}", "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }
    body = json.dumps(envelope)
    return post(app.url + "/slack/events", body, "application/json", {**sign(body), **(headers or {})})


def action_payload(app: SlackApp, action_id: str, value: str, user: str = "U0ASKER", channel: str = "C0GENERAL",
                   ephemeral: bool = True, message: dict[str, Any] | None = None,
                   message_ts: str | None = None, action_type: str = "button") -> tuple[str, str]:
    """A signed-ready block_actions interactivity payload (one button click), form-encoded as
    payload=<json>, and its response_url. Every click has its own action_ts; the message it was on
    has its own ts unless `message_ts` names one (the same answer clicked again). `action_type`
    "feedback_buttons" is a click on Slack's own thumbs, whose value is the clicked one's."""
    response_url = app.fake.response_url(f"act-{app.next_id()}")
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "username": "asker", "team_id": TEAM},
        "api_app_id": "A0CAREER", "token": "legacy", "trigger_id": f"trig.{app.next_id()}",
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": ephemeral,
                      "message_ts": message_ts or f"1700000000.{app.next_id():06d}"},
        "channel": {"id": channel, "name": "general"}, "response_url": response_url,
        "actions": [{"type": action_type, "action_id": action_id, "block_id": "b", "value": value,
                     "action_ts": f"{int(time.time())}.{app.next_id():06d}",
                     "text": {"type": "plain_text", "text": "x"}}],
    }
    if message is not None:
        payload["message"] = message
    return urllib.parse.urlencode({"payload": json.dumps(payload)}), response_url


def post_action(app: SlackApp, body: str) -> Response:
    return post(app.url + "/slack/events", body, "application/x-www-form-urlencoded", sign(body))


def send_action(app: SlackApp, action_id: str, value: str, user: str = "U0ASKER", channel: str = "C0GENERAL",
                ephemeral: bool = True, message: dict[str, Any] | None = None,
                message_ts: str | None = None, action_type: str = "button") -> tuple[Response, str]:
    """A button click as Slack sends it; returns the HTTP response and the click's response_url."""
    body, response_url = action_payload(app, action_id, value, user, channel, ephemeral, message, message_ts,
                                        action_type)
    return post_action(app, body), response_url


def slack_settings(fake_slack: FakeSlack, state_db: Path, **changes: Any) -> Settings:
    settings = Settings(
        content_dir=SEED_CONTENT,
        state_db=state_db,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        rate_limit_per_minute=10,
        scheduler_enabled=False,
    )
    return replace(settings, **changes)


@contextlib.contextmanager
def serve_slack(settings: Settings, answerer: Any, fake_slack: FakeSlack) -> Iterator[SlackApp]:
    """One replica of the Slack app (its own services and state store connection) on a loopback port."""
    import uvicorn

    from bot.slack.app import build_asgi_app

    asgi = build_asgi_app(settings, answerer)
    calls_before = len(fake_slack.calls)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):  # bounded: uvicorn starts in well under a second
        if server.started:
            break
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    startup_calls = fake_slack.calls[calls_before:]
    try:
        yield SlackApp(f"http://127.0.0.1:{sock.getsockname()[1]}", settings, asgi, fake_slack, startup_calls)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def slack_app(seed_answerer, fake_slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackApp]:
    settings = slack_settings(fake_slack, tmp_path_factory.mktemp("slack-state") / "state.db")
    with serve_slack(settings, seed_answerer, fake_slack) as app:
        yield app


# Test inputs, not expected answers: the first candidate the core answers confidently (or not at all)
# is used, so the Slack tests follow Slack behaviour while retrieval keeps improving.
CONFIDENT_CANDIDATES = ("what does Head of ML own?", "who owns ML Ops?", "what is expected for AI strategy?")
NO_MATCH_CANDIDATES = ("what is for lunch on friday?", "how do I book a meeting room?", "what is the wifi password?")


def pick_confident_question(answerer: Any) -> str:
    for candidate in CONFIDENT_CANDIDATES:
        if answerer.ask(candidate).confident:
            return candidate
    pytest.fail(f"the core answers none of {CONFIDENT_CANDIDATES} confidently")


def pick_no_match_question(answerer: Any) -> str:
    for candidate in NO_MATCH_CANDIDATES:
        answer = answerer.ask(candidate)
        if not answer.confident and answer.suggestions:
            return candidate
    pytest.fail(f"the core answers all of {NO_MATCH_CANDIDATES} confidently")


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text a person would read in a list of blocks."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(blocks)
    return "\n".join(out)


def quoted(blocks: list[dict[str, Any]]) -> str:
    """The text inside the mrkdwn block quotes of a message, whitespace-normalised."""
    lines: list[str] = []
    for block in blocks:
        text = (block.get("text") or {}).get("text", "") if block.get("type") == "section" else ""
        for line in text.split("\n"):
            if line.startswith(">"):
                lines.append(line[1:].strip())
    return " ".join(" ".join(lines).split())


def normalised(text: str) -> str:
    return " ".join(text.split())


def assert_valid_message(message: dict[str, Any], max_blocks: int = 50) -> None:
    """Valid per slack_sdk's Block Kit models, within Slack's limits, with a fallback text."""
    from slack_sdk.models.blocks import Block

    assert isinstance(message.get("text"), str) and message["text"].strip(), "every message needs fallback text"
    blocks = message.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    assert blocks and len(blocks) <= max_blocks
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()  # raises SlackObjectFormationError on any limit or shape violation


# --- reading what the app sent -----------------------------------------------------------------------


def to_url(url: str):
    return lambda c: c.method == url.split("/", 3)[-1]


def message_of(call: Call) -> dict[str, Any]:
    data = dict(call.body)
    if isinstance(data.get("blocks"), str):
        data["blocks"] = json.loads(data["blocks"])
    return data


def buttons_of(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        el["action_id"]: el
        for block in message["blocks"] if block["type"] == "actions"
        for el in block["elements"]
    }


def dm_event(text: str, channel: str, user: str = "U0DMUSER", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text,
            "ts": f"{time.time():.6f}", **extra}


def posts_to(app: SlackApp, channel: str) -> list[Call]:
    return app.fake.matching(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)


def barrier(app: SlackApp, channel: str) -> None:
    """Send a DM on a fresh channel and wait for its answer: events sent before it have been handled."""
    send_event(app, dm_event("help", channel))
    app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == channel)
