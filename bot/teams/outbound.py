"""What the bot sends to a Bot Framework connector: the Agents SDK's CloudAdapter, minus null fields.

The SDK (1.9.0) serialises a reply (`reply_to_activity`) without null fields but a new post
(`send_to_conversation`: the weekly nudge, "Send me this as a DM", any message with no activity to
reply to) with them, and its adapter always sets `"id": null` on what it sends. The connector refuses
such a body: `400 BadArgument "Invalid input"` from the Microsoft 365 Agents Playground, for every
proactive post. The same body without its null fields is accepted, so every activity this adapter
sends is serialised the way the SDK already serialises replies.
"""

from __future__ import annotations

from typing import Any

from microsoft_agents.activity import Activity, ResourceResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext


class _WithoutNulls(Activity):
    """An activity whose dump leaves out null fields, whatever the caller asks for."""

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["exclude_none"] = True
        return super().model_dump(**kwargs)


def without_nulls(activity: Activity) -> Activity:
    """`activity` (same fields, same fields-set) serialised without null fields."""
    if isinstance(activity, _WithoutNulls):
        return activity
    fields = {name: getattr(activity, name) for name in type(activity).model_fields}
    return _WithoutNulls.model_construct(_fields_set=set(activity.model_fields_set), **fields)


class Adapter(CloudAdapter):
    """The SDK's CloudAdapter, sending every activity without null fields (see the module doc)."""

    async def send_activities(self, context: TurnContext, activities: list[Activity]) -> list[ResourceResponse]:
        return await super().send_activities(context, [without_nulls(a) for a in activities])
