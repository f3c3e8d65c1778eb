"""POST /slack/events against what an attacker (not Slack) sends: oversized and malformed bodies,
missing or wrong signatures. Real HTTP on loopback against the uvicorn-served app."""

from __future__ import annotations

import json
import logging
import socket
import urllib.parse

import pytest

from bot.slack.guard import MAX_BODY_BYTES
from tests.slack.harness import SlackApp, post, sign

EVENTS = "/slack/events"


def raw_request(app: SlackApp, head: str, body: bytes) -> int:
    """Send `head` and as much of `body` as the server takes; the status line it answers with."""
    host, port = app.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(head.encode())
        try:
            for start in range(0, len(body), 65536):
                conn.sendall(body[start:start + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the body was read: what this tests
        reply = b""
        while b"\r\n" not in reply:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_a_body_over_the_limit_is_413_before_it_is_read(slack_app: SlackApp) -> None:
    declared = 50 * 1024 * 1024
    head = (f"POST {EVENTS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n")
    # Only 1 MB of the declared 50 MB is ever sent: an answer proves the body was not waited for.
    assert raw_request(slack_app, head, b"[" * MAX_BODY_BYTES) == 413


def test_a_chunked_body_over_the_limit_is_413(slack_app: SlackApp) -> None:
    head = f"POST {EVENTS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"x" * 65536
    body = (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n") * (MAX_BODY_BYTES // len(chunk) + 4)
    assert raw_request(slack_app, head, body) == 413


UNSIGNED = {
    "broken-json": ("application/json", b'{"type": "event_callback", '),
    "payload-not-json": ("application/x-www-form-urlencoded", b"payload=%7Bnotjson"),
    "invalid-utf8": ("application/json", b'{"type": "\xff\xfe"}'),
    "deep-nesting": ("application/json", b"[" * 100_000),
}


@pytest.mark.parametrize("case", list(UNSIGNED))
def test_unsigned_malformed_bodies_are_401_with_one_log_line(
    slack_app: SlackApp, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    content_type, body = UNSIGNED[case]
    caplog.set_level(logging.INFO)
    response = raw_request(slack_app, f"POST {EVENTS} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                                      f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n", body)
    assert response == 401
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]


def test_a_non_numeric_timestamp_is_401(slack_app: SlackApp, caplog: pytest.LogCaptureFixture) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c"})
    headers = {**sign(body), "X-Slack-Request-Timestamp": "soon"}
    assert post(slack_app.url + EVENTS, body, "application/json", headers).status == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_wrong_or_stale_signature_is_401(slack_app: SlackApp) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c"})
    assert post(slack_app.url + EVENTS, body, "application/json", sign(body, secret="not-the-secret")).status == 401
    assert post(slack_app.url + EVENTS, body, "application/json", sign(body, timestamp=1_000_000)).status == 401


@pytest.mark.parametrize("body", ['{"type": "event_callback", ', "payload=" + urllib.parse.quote("{notjson")])
def test_a_signed_but_malformed_body_is_400_not_500(
    slack_app: SlackApp, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    content_type = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    assert post(slack_app.url + EVENTS, body, content_type, sign(body)).status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_well_formed_signed_request_still_reaches_bolt(slack_app: SlackApp) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "still-here"})
    response = post(slack_app.url + EVENTS, body, "application/json", sign(body))
    assert response.status == 200 and "still-here" in response.body
