"""Slack start-up checks that run before the slow model load, so a wrong token or a taken port is one
clear line on stderr within seconds rather than after the model has loaded."""

from __future__ import annotations

import socket
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import runtime
from bot.config import Settings

AUTH_TIMEOUT_S = 15


class StartupError(Exception):
    """A reason the app cannot start, worded for the person starting it."""


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
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=AUTH_TIMEOUT_S)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN: {exc.response.get('error', 'unknown_error')}") from None
    except (SlackClientError, OSError) as exc:
        raise StartupError(f"cannot reach the Slack Web API at {settings.slack_api_url}: {exc}") from None
    if not http:
        try:
            WebClient(base_url=settings.slack_api_url, timeout=AUTH_TIMEOUT_S).apps_connections_open(
                app_token=settings.slack_app_token or ""
            )
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown_error")
            raise StartupError(f"Slack refused SLACK_APP_TOKEN: {error}") from None
        except (SlackClientError, OSError) as exc:
            raise StartupError(f"cannot reach the Slack Web API at {settings.slack_api_url}: {exc}") from None
    return dict(auth.data) if isinstance(auth.data, dict) else {}


def bind(host: str, port: int) -> socket.socket:
    """Claim the port now, so "address in use" fails before the model loads. It listens at once: until
    the model is loaded, GET /healthz and POST /slack/events answer 503 (bot/slack/serve.py)."""
    try:
        return runtime.bind(host, port)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
