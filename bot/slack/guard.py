"""The first thing POST /slack/events does: refuse what Slack could not have sent, cheaply.

Bolt parses a request body (JSON, form fields, the `payload` JSON) before it checks the signature, so
an unsigned 50 MB body was read and parsed, and a malformed one raised inside Bolt (a 500 and a
traceback). Here, before Bolt sees anything:

- a body over MAX_BODY_BYTES is refused with 413 before it is read (Content-Length) or as soon as it
  passes the limit (chunked);
- the signature is checked on the raw bytes (slack_sdk's SignatureVerifier): 401 and one log line
  when it is missing, stale, malformed or wrong;
- a correctly signed body that is not UTF-8, whose JSON does not parse, or that is not shaped like
  anything Slack sends (a JSON list at the top, an `event` that is a string, a `payload` that is not
  an object...) is a 400 with one warning line naming what is wrong.
"""

from __future__ import annotations

import json
import logging
import urllib.parse

from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

log = logging.getLogger("careerfw.slack")

# Slack's event and interaction payloads are a few kilobytes; a block action carries the message it
# was clicked on, at most 50 blocks of 3,000 characters, well under this.
MAX_BODY_BYTES = 1024 * 1024


class TooLarge(Exception):
    pass


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ValueError("Content-Length is not a number")
        if int(declared) > MAX_BODY_BYTES:
            raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise TooLarge
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette's own cache: Bolt's adapter reads the body again from it
    return body


class Malformed(Exception):
    """A signed body Bolt must not see; the message is the one-line reason logged."""


def _parsed(body: bytes, content_type: str) -> object:
    """The body as Bolt will read it: the JSON document, the `payload` form field's JSON, or the form
    fields of a slash command. Raises Malformed."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            return json.loads(text)
        fields = urllib.parse.parse_qs(text, strict_parsing=False)
        if "payload" in fields:
            return json.loads(fields["payload"][0])
        return {k: v[-1] for k, v in fields.items()}
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Malformed("the body is not UTF-8 JSON or form data") from None


# What Bolt's routing and context building (slack_bolt.request.internals, listener_matcher) and our
# listeners index into without checking. Slack always sends these shapes; anything else made Bolt
# raise inside the request (a 500 and a traceback), so a signed body breaking them is refused here.
_OBJECTS = ("event", "team", "enterprise", "user", "channel", "container", "view", "message", "function_data")
_LISTS_OF_OBJECTS = ("actions", "authorizations", "response_urls")
_STRINGS = ("type", "command", "callback_id", "action_id", "user_id", "response_url", "trigger_id", "text")


def _check_shape(data: object) -> None:
    """Raise Malformed when `data` is not shaped like any request Slack sends."""
    if not isinstance(data, dict):
        raise Malformed(f"the body is a JSON {type(data).__name__}, not an object")
    for key in _OBJECTS:
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise Malformed(f"`{key}` is not an object")
    for key in _LISTS_OF_OBJECTS:
        value = data.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            raise Malformed(f"`{key}` is not a list of objects")
    for key in _STRINGS:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise Malformed(f"`{key}` is not a string")
    kind = data.get("type")
    if kind == "event_callback" and not isinstance((data.get("event") or {}).get("type"), str):
        raise Malformed("an event_callback without an event type")
    if kind in ("block_actions", "view_submission", "view_closed") and not isinstance(
        (data.get("user") or {}).get("id"), str
    ):
        raise Malformed(f"a {kind} payload without a user id")
    if kind in ("view_submission", "view_closed") and not isinstance((data.get("view") or {}).get("callback_id"), str):
        raise Malformed(f"a {kind} payload without a view callback_id")
    for action in data.get("actions") or []:
        for key in ("action_id", "block_id", "value", "action_ts"):
            if action.get(key) is not None and not isinstance(action[key], str):
                raise Malformed(f"an action's `{key}` is not a string")
        if kind == "block_actions" and not isinstance(action.get("action_id"), str):
            raise Malformed("an action without an action_id")
    if data.get("command") is not None and not isinstance(data.get("user_id"), str):
        raise Malformed("a slash command without a user_id")


async def refusal(request: Request, verifier: SignatureVerifier | None) -> Response | None:
    """The response refusing `request`, or None when Bolt may have it."""
    try:
        body = await _read_capped(request)
    except TooLarge:
        log.warning("refused a %s-byte request to %s: over the %d-byte limit",
                    request.headers.get("content-length", "chunked"), request.url.path, MAX_BODY_BYTES)
        return PlainTextResponse("request body too large", status_code=413, headers={"Connection": "close"})
    except ValueError as exc:
        log.warning("refused a request to %s: %s", request.url.path, exc)
        return PlainTextResponse("bad request", status_code=400)
    if verifier is not None:
        timestamp = request.headers.get("x-slack-request-timestamp") or ""
        signature = request.headers.get("x-slack-signature") or ""
        if not timestamp.isdigit() or not signature or not verifier.is_valid(body, timestamp, signature):
            log.warning("refused a request to %s: missing, stale or wrong Slack signature", request.url.path)
            return PlainTextResponse("invalid request signature", status_code=401)
    try:
        _check_shape(_parsed(body, request.headers.get("content-type") or ""))
    except Malformed as exc:
        log.warning("refused a signed request to %s: %s", request.url.path, exc)
        return PlainTextResponse("malformed body", status_code=400)
    return None
