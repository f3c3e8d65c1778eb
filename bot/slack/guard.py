"""The first thing POST /slack/events does: refuse what Slack could not have sent, cheaply.

Bolt parses a request body (JSON, form fields, the `payload` JSON) before it checks the signature, so
an unsigned 50 MB body was read and parsed, and a malformed one raised inside Bolt (a 500 and a
traceback). Here, before Bolt sees anything:

- a body over MAX_BODY_BYTES is refused with 413 before it is read (Content-Length) or as soon as it
  passes the limit (chunked);
- the signature is checked on the raw bytes (slack_sdk's SignatureVerifier): 401 and one log line
  when it is missing, stale, malformed or wrong;
- a correctly signed body that is not UTF-8 or whose JSON does not parse is a 400.
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


def _parses(body: bytes, content_type: str) -> bool:
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            json.loads(text)
        else:
            payload = urllib.parse.parse_qs(text, strict_parsing=False).get("payload")
            if payload:
                json.loads(payload[0])
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


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
    if not _parses(body, request.headers.get("content-type") or ""):
        log.warning("refused a signed request to %s: the body is not UTF-8 JSON or form data", request.url.path)
        return PlainTextResponse("malformed body", status_code=400)
    return None
