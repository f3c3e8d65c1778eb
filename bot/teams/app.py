"""The Teams bot's aiohttp app, as the Agents SDK hosts an agent (`careerfw teams` runs it: serve.py).

    POST /api/messages   Bot Framework activities, JWT-validated by the SDK behind auth.py's gate (401
                         without a valid token unless CAREERFW_TEAMS_ALLOW_ANONYMOUS=1, 503 while the
                         signing keys are unreachable); a serviceUrl outside trust.py's policy is a
                         401; a malformed activity is a 400
    GET  /healthz        200 once the model and index are loaded, 503 before

The model and index load before the port opens, so Teams never reaches a bot that cannot answer.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import start_agent_process
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState
from microsoft_agents.hosting.core.authorization import Connections
from pydantic import ValidationError

from bot.teams import connection
from bot.teams.agent import build_agent
from bot.teams.auth import GATE, TokenGate, authenticated
from bot.teams.listeners.install import ADDRESSED_TO_SELF
from bot.teams.listeners.replies import polite_error
from bot.teams.nudge import ProactiveSender
from bot.teams.outbound import Adapter
from bot.teams.services import Services
from bot.teams.trust import ServiceUrlPolicy, is_loopback

log = logging.getLogger("careerfw.teams")

SERVICES = web.AppKey("careerfw_services", Services)
AGENT = web.AppKey("careerfw_agent", AgentApplication)
ADAPTER = web.AppKey("careerfw_adapter", Adapter)


class _DropActivityValidationTraces(logging.Filter):
    """The SDK logs every activity that fails validation at ERROR with a traceback; a malformed
    request is the caller's mistake, answered with a 400 and one warning line of ours instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation error for Activity")


_ACTIVITY_LOG_FILTER = _DropActivityValidationTraces()
NO_APP_ID = "App ID is not provided"
SDK_TOKEN_CLIENT_LOG = "microsoft_agents.hosting.core.connector.client.user_token_client"


class _DropRepeatedNoAppId(logging.Filter):
    """Anonymous requests carry no app id, and the SDK warns "App ID is not provided…" on every turn
    (several times per message). create_app says it once at start instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(NO_APP_ID)


_NO_APP_ID_FILTER = _DropRepeatedNoAppId()


def malformed(body: Any) -> str | None:
    """Why `body` is not an activity this bot can process, or None. Never raises."""
    if not isinstance(body, dict):
        return "the body must be a JSON object (a Bot Framework activity)"
    try:
        activity = Activity.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "activity"
        return f"not a Bot Framework activity: {where}: {first.get('msg', 'invalid')}"
    except Exception as exc:  # the SDK's own consistency checks raise plain exceptions
        return f"not a Bot Framework activity: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    if not activity.type:
        return "the activity has no type"
    if not activity.conversation or not activity.conversation.id:
        return "the activity has no conversation.id"
    # The SDK addresses every reply through a conversation reference, which needs the serviceUrl even
    # when the replies come back in the response (expectReplies).
    if not activity.service_url:
        return "the activity has no serviceUrl"
    try:
        activity.get_conversation_reference()
    except (ValidationError, ValueError, TypeError) as exc:
        return f"the activity cannot be replied to: {str(exc).splitlines()[0]}"
    return None


async def healthz(request: web.Request) -> web.Response:
    code, body = request.app[SERVICES].health.status()
    return web.json_response(body, status=code, headers={"Cache-Control": "no-store"})


@authenticated
async def messages(request: web.Request) -> web.StreamResponse:
    # The gate has already validated the Bot Framework / Entra ID token (or refused with 401 / 503).
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return web.json_response({"error": "the body is not JSON"}, status=400)
    problem = malformed(body)
    if problem:
        log.warning("refused a malformed activity: %s", problem)
        return web.json_response({"error": problem}, status=400)
    own = ADDRESSED_TO_SELF.set(addressed_to_self(request, body.get("serviceUrl")))
    try:
        response = await start_agent_process(request, request.app[AGENT], request.app[ADAPTER])
    except Exception:
        # Turn errors are answered politely in the chat (listeners/messages.py on_error); what reaches here failed
        # even that, e.g. the connector refused the reply. Log it; tell the caller nothing more.
        log.exception("could not process a Teams activity")
        return web.json_response({"error": "the bot could not process this activity"}, status=500)
    finally:
        ADDRESSED_TO_SELF.reset(own)
    return response or web.Response(status=202)


def addressed_to_self(request: web.Request, service_url: Any) -> bool:
    """Whether `service_url` is the address this request reached the bot on (the same port, on
    loopback or the same host): not a connector, so nothing may be posted there later."""
    sock = request.transport.get_extra_info("sockname") if request.transport else None
    if not isinstance(service_url, str) or not sock:
        return False
    try:
        parts = urllib.parse.urlsplit(service_url)
        host = (parts.hostname or "").lower()
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return False
    if port != sock[1]:
        return False
    return is_loopback(host) or host in (str(sock[0]).lower(), (request.url.host or "").lower())


def create_app(services: Services, manager: Connections) -> web.Application:
    # The policy refuses (401) an activity whose serviceUrl is not a trusted connector, or whose host
    # differs from its token's `serviceurl` claim, before the agent sees it: replies never go there.
    adapter = Adapter(connection_manager=manager, host_validator=ServiceUrlPolicy(services.settings))

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        # Replaces the SDK's default, which would post the exception text into the chat.
        log.error("Teams turn failed outside the agent (%s)", type(error).__name__, exc_info=error)
        await polite_error(context)

    adapter.on_turn_error = on_turn_error
    logging.getLogger("microsoft_agents.activity.activity").addFilter(_ACTIVITY_LOG_FILTER)
    if services.settings.teams_allow_anonymous:
        logging.getLogger(SDK_TOKEN_CLIENT_LOG).addFilter(_NO_APP_ID_FILTER)
        log.warning("%s with requests that carry no token (anonymous development mode): the SDK's user "
                    "token (sign-in) operations will not work; said once here, not on every message", NO_APP_ID)
    # The sender posts a checklist into the asker's personal chat ("Send me this as a DM").
    agent: AgentApplication[TurnState] = build_agent(services, manager, ProactiveSender(services.settings, manager))

    app = web.Application()
    app[SERVICES] = services
    app[AGENT] = agent
    app[ADAPTER] = adapter
    app[GATE] = TokenGate(connection.auth_configuration(manager))
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app
