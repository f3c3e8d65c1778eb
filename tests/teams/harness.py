"""Helpers for the Teams tests: a loopback stand-in for the Bot Framework connector, an HTTP client
for the bot, and Bot Framework activities as Teams sends them."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

from bot.teams.cards import SUBMIT_KEY
from bot.teams.services import Services

REPO = Path(__file__).resolve().parents[2]
BOT_ID = "28:careerfw-bot"
BOT_NAME = "careerfw"
# Looks like an Entra app id; never sent anywhere (tests never carry a well-formed token).
CLIENT_ID = "11111111-2222-3333-4444-555555555555"


class LoopThread:
    """An asyncio loop on a daemon thread; `run(coro)` waits for the result from test code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="teams-test-loop", daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 60.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@dataclass
class Call:
    method: str
    path: str  # decoded, e.g. /v3/conversations/19:abc@thread.tacv2/activities
    body: Any
    headers: dict[str, str]

    @property
    def card(self) -> dict[str, Any]:
        return adaptive_card(self.body)


INVALID_INPUT = {"error": {"code": "BadArgument", "message": "Invalid input"}}


def null_fields(body: Any, where: str = "") -> list[str]:
    """Where `body` holds a JSON null, e.g. ["id", "conversation.name"]."""
    if isinstance(body, dict):
        return [w for k, v in body.items() for w in ([f"{where}{k}"] if v is None else null_fields(v, f"{where}{k}."))]
    if isinstance(body, list):
        return [w for i, v in enumerate(body) for w in null_fields(v, f"{where}{i}.")]
    return []


@dataclass
class Connector:
    """Stands in for the Bot Framework connector at `url` (the activities' serviceUrl)."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    # Status to answer per conversation id (default 200 with a resource id), for failure tests.
    refuse: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0  # seconds before each answer: a slow connector, for races between processes
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        path = urllib.parse.unquote(request.path)
        self.calls.append(Call(request.method, path, body, dict(request.headers)))
        if self.delay:
            await asyncio.sleep(self.delay)
        conversation = path.split("/")[3] if path.count("/") >= 3 else ""
        status = self.refuse.get(conversation)
        if status:
            error = INVALID_INPUT if status == 400 else {"error": {"code": "Refused", "message": f"status {status}"}}
            return web.json_response(error, status=status)
        if null_fields(body):
            # What the real connector (and the Agents Playground's) answers an activity carrying
            # `"id": null` or any other null field: nothing is posted.
            return web.json_response(INVALID_INPUT, status=400)
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    def posts(self, conversation_id: str | None = None) -> list[Call]:
        prefix = f"/v3/conversations/{conversation_id}/" if conversation_id else "/v3/conversations/"
        return [c for c in self.calls if c.method == "POST" and c.path.startswith(prefix)]

    def clear(self) -> None:
        self.calls.clear()
        self.refuse.clear()
        self.delay = 0.0


@dataclass
class Bot:
    url: str
    services: Services

    def post(self, activity: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else json.dumps(activity).encode()
        request = urllib.request.Request(
            self.url + "/api/messages", data=data, method="POST",
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
        return status, (json.loads(text) if text.strip() else None)

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read().decode())

    def replies(self, activity: dict[str, Any]) -> list[dict[str, Any]]:
        """POST with deliveryMode expectReplies: the bot's replies come back in the response body."""
        status, body = self.post({**activity, "deliveryMode": "expectReplies"})
        assert status == 200, (status, body)
        return [a for a in body["activities"] if a.get("type") == "message"]


def adaptive_card(activity: dict[str, Any]) -> dict[str, Any]:
    attachments = activity.get("attachments") or []
    assert len(attachments) == 1, activity
    assert attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachments[0]["content"]


def card_texts(element: Any) -> list[str]:
    """Every visible text in a card, in order (TextBlock text and TextRun text)."""
    found: list[str] = []
    if isinstance(element, dict):
        if element.get("type") in ("TextBlock", "TextRun") and isinstance(element.get("text"), str):
            found.append(element["text"])
        for key, value in element.items():
            if key not in ("text", "data"):
                found.extend(card_texts(value))
    elif isinstance(element, list):
        for item in element:
            found.extend(card_texts(item))
    return found


def card_elements(element: Any, kind: str) -> list[dict[str, Any]]:
    """Every element of a card (or any JSON) whose `type` is `kind`, in document order."""
    found: list[dict[str, Any]] = []
    if isinstance(element, dict):
        if element.get("type") == kind:
            found.append(element)
        for value in element.values():
            found.extend(card_elements(value, kind))
    elif isinstance(element, list):
        for item in element:
            found.extend(card_elements(item, kind))
    return found


def card_actions(element: Any, kind: str = "Action.Submit") -> list[dict[str, Any]]:
    return card_elements(element, kind)


_ids = itertools.count(1)


def message(
    text: str | None,
    *,
    service_url: str,
    conversation: str = "a:personal-1",
    kind: str = "personal",
    user: str = "29:user-1",
    aad: str = "aad-user-1",
    mention: bool = False,
    value: Any = None,
    team: str | None = None,
) -> dict[str, Any]:
    """A Bot Framework message activity as Teams sends it."""
    activity: dict[str, Any] = {
        "type": "message",
        "id": f"msg-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2026-11-23T09:00:00.000Z",
        "from": {"id": user, "name": "Ada Lovelace", "aadObjectId": aad},
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": {"id": conversation, "conversationType": kind, "tenantId": "tenant-1",
                         "isGroup": kind != "personal"},
        "channelData": {"tenant": {"id": "tenant-1"}},
        "locale": "en-GB",
    }
    if text is not None:
        activity["text"] = text
        activity["textFormat"] = "plain"
    if mention:
        activity["entities"] = [
            {"type": "mention", "text": f"<at>{BOT_NAME}</at>", "mentioned": {"id": BOT_ID, "name": BOT_NAME}}
        ]
    if value is not None:
        activity["value"] = value
    if team:
        activity["channelData"]["team"] = {"id": team}
        activity["channelData"]["channel"] = {"id": conversation.split(";")[0]}
    return activity


def members_changed(
    *, service_url: str, conversation: str, kind: str, added: bool, who: str = BOT_ID, team: str | None = None
) -> dict[str, Any]:
    activity = message(None, service_url=service_url, conversation=conversation, kind=kind, team=team)
    activity["type"] = "conversationUpdate"
    activity["membersAdded" if added else "membersRemoved"] = [{"id": who}]
    if team:
        activity["channelData"]["eventType"] = "teamMemberAdded" if added else "teamMemberRemoved"
    return activity


def _walk(element: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(element, dict):
        if "type" in element:
            found.append(element)
        for value in element.values():
            found.extend(_walk(value))
    elif isinstance(element, list):
        for item in element:
            found.extend(_walk(item))
    return found


# The properties each element may carry in the Adaptive Cards 1.5 schema (the subset the bot uses).
_COMMON = {"type", "spacing", "separator"}
PROPERTIES = {
    "AdaptiveCard": {"type", "$schema", "version", "fallbackText", "body", "actions", "msteams"},
    "TextBlock": _COMMON | {"text", "wrap", "weight", "size", "color", "isSubtle", "horizontalAlignment"},
    "RichTextBlock": _COMMON | {"inlines", "horizontalAlignment"},
    "TextRun": {"type", "text", "weight", "size", "color", "isSubtle", "italic", "selectAction"},
    "Container": _COMMON | {"items", "style"},
    "ActionSet": _COMMON | {"actions"},
    "Action.Submit": {"type", "title", "data"},
    "Action.OpenUrl": {"type", "title", "url"},
    "Action.ShowCard": {"type", "title", "card"},
    "Input.Text": _COMMON | {"id", "label", "placeholder", "isMultiline", "maxLength", "isRequired", "value"},
    "ColumnSet": _COMMON | {"columns"},
    "Column": _COMMON | {"items", "width"},
    "Input.Toggle": _COMMON | {"id", "title", "value", "wrap"},
}


def assert_valid_card(card: dict[str, Any]) -> None:
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == "1.5"
    assert isinstance(card["fallbackText"], str) and card["fallbackText"].strip()
    assert isinstance(card["body"], list) and card["body"]
    json.loads(json.dumps(card))  # plain JSON all the way down
    for element in _walk(card):
        assert element["type"] in PROPERTIES, element
        unknown = set(element) - PROPERTIES[element["type"]]
        assert not unknown, (element["type"], unknown)
        if element["type"] == "RichTextBlock":
            assert all(run["type"] == "TextRun" for run in element["inlines"])
        if element["type"] == "Action.Submit":
            assert element["title"] and element["data"][SUBMIT_KEY] in ("explain", "feedback", "request", "todo",
                                                                       "choose", "feedback_reason", "checklist_dm")


class IssuedToken(AnonymousTokenProvider):
    """Stands in for Entra ID token acquisition (MSAL): the only stub in these tests, since the real
    one needs Microsoft's login endpoint. Records what the SDK asked a token for."""

    requests: list[str] = []

    def __init__(self, configuration: Any) -> None:
        self._configuration = configuration

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        IssuedToken.requests.append(resource_url)
        return "token-from-entra"
