"""App Home: how to ask, and what the framework has not written yet."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import home_view
from bot.slack.services import services_of, tracked


async def app_home_opened(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    services = services_of(context)
    view = home_view(services.answerer.todo(), services.settings.site_url)
    await client.views_publish(user_id=event["user"], view=view)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(tracked(app_home_opened))
