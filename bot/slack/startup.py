"""Slack start-up checks that run before the slow model load, so a wrong token or a taken port is one
clear line on stderr within seconds rather than after the model has loaded."""

from __future__ import annotations

import logging
import socket
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import runtime
from bot.config import Settings

AUTH_TIMEOUT_S = 15


# slack_sdk logs each failed attempt and retry (four lines for an unreachable SLACK_API_URL) before
# raising; the exception carries the same facts, and a start-up failure is one line (docs/slack.md).
_QUIET = logging.getLogger("careerfw.slack.startup.sdk")
_QUIET.propagate = False
_QUIET.addHandler(logging.NullHandler())


class StartupError(Exception):
    """A reason the app cannot start, worded for the person starting it."""


def _refused(exc: SlackApiError, token: str, api: str | None) -> str:
    """Slack's refusal in words: a 5xx is Slack (or a proxy) in trouble, not a wrong token."""
    status = getattr(exc.response, "status_code", 200)
    error = exc.response.get("error", "unknown_error") if isinstance(exc.response.data, dict) else "unknown_error"
    if status >= 500:
        return f"the Slack Web API at {api} answered HTTP {status} ({error}); Slack may be having trouble, try again"
    return f"Slack refused {token}: {error}"


def check_tokens(settings: Settings, http: bool) -> dict[str, Any]:
    """Fail fast, before the slow model load: every token present and accepted by Slack.
    Returns auth.test's answer (bot user id, team)."""
    if not settings.slack_bot_token:
        raise StartupError("SLACK_BOT_TOKEN is not set: the app needs its bot token (xoxb-…, from OAuth & Permissions)")
    if http and not settings.slack_signing_secret:
        raise StartupError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests (Basic Information > App "
            "Credentials); for Socket Mode set SLACK_APP_TOKEN instead"
        )
    if not http and not settings.slack_app_token:
        raise StartupError("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…)")
    api = settings.slack_api_url
    client = WebClient(token=settings.slack_bot_token, base_url=api, timeout=AUTH_TIMEOUT_S, logger=_QUIET)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        raise StartupError(_refused(exc, "SLACK_BOT_TOKEN", api)) from None
    except (SlackClientError, OSError) as exc:
        raise StartupError(f"cannot reach the Slack Web API at {api}: {exc}") from None
    if not http:
        try:
            WebClient(base_url=api, timeout=AUTH_TIMEOUT_S, logger=_QUIET).apps_connections_open(
                app_token=settings.slack_app_token or ""
            )
        except SlackApiError as exc:
            raise StartupError(_refused(exc, "SLACK_APP_TOKEN", api)) from None
        except (SlackClientError, OSError) as exc:
            raise StartupError(f"cannot reach the Slack Web API at {api}: {exc}") from None
    return dict(auth.data) if isinstance(auth.data, dict) else {}


def bind(host: str, port: int) -> socket.socket:
    """Claim the port now, so "address in use" fails before the model loads. It listens at once: until
    the model is loaded, GET /healthz and POST /slack/events answer 503 (bot/slack/serve.py)."""
    try:
        return runtime.bind(host, port)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
