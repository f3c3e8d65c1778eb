"""POST /slack/events with bodies that are correctly signed but not shaped like anything Slack sends
(docs/slack.md, "What the app refuses"): a 400, or for an event whose envelope is fine but whose
fields are not, an acknowledgement and one warning line. Never a 500, never a traceback. Real HTTP
on loopback against the uvicorn-served app, requests signed as Slack signs them."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from typing import Any

import pytest

from tests.slack.harness import SlackApp, barrier, dm_event, post, send_event, sign
from tests.support.slack import BOT_USER, TEAM

EVENTS = "/slack/events"


def _no_traceback(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    # Bolt logs through the root logger (caplog); uvicorn's "Exception in ASGI application" goes to
    # its own stderr handler (capfd).
    err = capfd.readouterr().err
    assert "Traceback" not in err, err[-3000:]
    assert "Traceback" not in caplog.text, caplog.text[-3000:]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text[-3000:]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _form(payload: Any) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


REFUSED: dict[str, tuple[str, str]] = {
    "json-list": ("application/json", "[]"),
    "json-number": ("application/json", "1"),
    "json-null": ("application/json", "null"),
    "json-string": ("application/json", '"x"'),
    "event-a-string": ("application/json", json.dumps(
        {"type": "event_callback", "team_id": TEAM, "event_id": "EvSTRING", "event": "x"})),
    "event-a-list": ("application/json", json.dumps(
        {"type": "event_callback", "team_id": TEAM, "event_id": "EvLIST", "event": [1]})),
    "payload-a-list": ("application/x-www-form-urlencoded", _form([1, 2])),
    "payload-null": ("application/x-www-form-urlencoded", _form(None)),
    "view-a-string": ("application/x-www-form-urlencoded", _form(
        {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0ASKER"}, "view": "x"})),
    "actions-not-objects": ("application/x-www-form-urlencoded", _form(
        {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0ASKER"}, "actions": ["x"]})),
    "user-a-string": ("application/x-www-form-urlencoded", _form(
        {"type": "block_actions", "team": {"id": TEAM}, "user": "U0ASKER", "actions": []})),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_signed_body_of_the_wrong_shape_is_400_with_one_warning(
    slack_app: SlackApp, case: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    content_type, body = REFUSED[case]
    caplog.set_level(logging.INFO)
    response = post(slack_app.url + EVENTS, body, content_type, sign(body))
    assert response.status == 400, (response.status, response.body)
    _no_traceback(caplog, capfd)
    assert len([w for w in _warnings(caplog) if "refused" in w]) == 1, _warnings(caplog)


def _mention(**fields: Any) -> dict[str, Any]:
    return {"type": "app_mention", "channel": "C0GENERAL", "user": "U0ASKER", "text": f"<@{BOT_USER}> help",
            "ts": f"{time.time():.6f}", **fields}


def _without(event: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in keys}


# Each event is on its own channel, so "nothing was posted there" is checked per case.
IGNORED: dict[str, dict[str, Any]] = {
    "dm-text-a-dict": dm_event("x", "D0SHAPE1") | {"text": {"a": 1}},
    "dm-text-null": dm_event("x", "D0SHAPE2") | {"text": None},
    "dm-without-channel": _without(dm_event("help", "D0SHAPE3"), "channel"),
    "dm-channel-a-list": dm_event("help", "D0SHAPE4") | {"channel": ["D0SHAPE4"]},
    "dm-user-a-dict": dm_event("help", "D0SHAPE5") | {"user": {"id": "U1"}},
    "mention-text-a-dict": _mention(channel="C0SHAPE6", text={"a": 1}),
    "mention-text-null": _mention(channel="C0SHAPE7", text=None),
    "mention-without-ts": _without(_mention(channel="C0SHAPE8"), "ts"),
    "mention-without-channel": _without(_mention(channel="C0SHAPE9"), "channel"),
    "home-user-missing": {"type": "app_home_opened", "tab": "home", "channel": "D0SHAPE10"},
}


@pytest.mark.parametrize("case", list(IGNORED))
def test_an_event_with_misshaped_fields_is_acknowledged_and_ignored_with_one_warning(
    slack_app: SlackApp, case: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    event = IGNORED[case]
    calls_before = len(slack_app.fake.calls)
    # Acknowledged, so Slack does not retry something that will never be answerable.
    assert send_event(slack_app, event).status == 200
    # Listeners run after the ack: a well-formed DM sent next, answered, shows they have run.
    barrier(slack_app, f"D0OK{list(IGNORED).index(case)}")
    _no_traceback(caplog, capfd)
    ignored = [w for w in _warnings(caplog) if "ignored" in w]
    assert len(ignored) == 1, _warnings(caplog)
    sent = slack_app.fake.calls[calls_before:]
    assert not [c for c in sent if not str(c.body.get("channel", "")).startswith("D0OK")
                and c.method in ("chat.postMessage", "chat.postEphemeral", "views.publish")], sent


def test_a_well_formed_mention_is_still_answered(slack_app: SlackApp) -> None:
    send_event(slack_app, _mention(channel="C0SHAPEOK"))
    slack_app.fake.wait_for(lambda c: c.method == "chat.postMessage" and c.body.get("channel") == "C0SHAPEOK")
