"""Every listener is registered here, grouped by what triggers it (as in Slack's bolt-python samples)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners import actions, commands, events, views


def register_listeners(app: AsyncApp) -> None:
    commands.register(app)
    events.register(app)
    actions.register(app)
    views.register(app)
