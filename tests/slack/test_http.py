"""The Slack app as an HTTP service (bot/slack/app.py): auth.test at start-up, /healthz, Slack's request
signatures and URL verification."""

from __future__ import annotations

import json
import time
import urllib.request

from tests.slack.harness import (
    SlackApp,
    barrier,
    sign,
)


def test_auth_test_happens_at_start_up_not_inside_the_first_request(slack_app: SlackApp) -> None:
    # uvicorn reports "started" only after the app's start-up, before it accepts any request.
    auth = [c for c in slack_app.startup_calls if c.method == "auth.test"]
    assert len(auth) == 1 and auth[0].headers.get("authorization") == "Bearer xoxb-test-token"


def test_healthz_is_200_once_loaded(slack_app: SlackApp, seed_answerer) -> None:
    with urllib.request.urlopen(slack_app.url + "/healthz", timeout=10) as resp:
        body = json.loads(resp.read())
    assert resp.status == 200 and body["status"] == "ok" and body["entries"] == len(seed_answerer.entries)


def test_forged_signature_and_stale_timestamp_are_refused(slack_app: SlackApp, question: str) -> None:
    import urllib.parse

    from tests.slack.harness import post

    def command(headers: dict[str, str], name: str) -> int:
        body = urllib.parse.urlencode({"command": "/careerfw", "text": question, "user_id": "U0FORGER",
                                       "team_id": "T0TEST", "channel_id": "C0X",
                                       "response_url": slack_app.fake.response_url(name)})
        return post(slack_app.url + "/slack/events", body, "application/x-www-form-urlencoded", headers(body)).status

    assert command(lambda b: sign(b, secret="not-the-signing-secret"), "forged") == 401
    assert command(lambda b: sign(b, timestamp=int(time.time()) - 600), "stale") == 401
    assert command(lambda b: {}, "unsigned") == 401
    barrier(slack_app, "D0FORGEBAR")
    assert slack_app.fake.matching(lambda c: c.method.startswith("response/") and c.method.split("/")[1] in
                                   ("forged", "stale", "unsigned")) == []


def test_url_verification_challenge_is_answered(slack_app: SlackApp) -> None:
    from tests.slack.harness import post

    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    resp = post(slack_app.url + "/slack/events", body, "application/json", sign(body))
    assert resp.status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in resp.body
