"""The weekly nudge on Teams: one `NudgeTarget` per stored conversation, posting proactively.

`careerfw nudge --teams` and the in-process scheduler call `teams_targets(settings)`; the once per
conversation per ISO week guarantee is the nudge ledger's (bot/nudge). A post is the SDK's proactive
turn: `CloudAdapter.continue_conversation_with_claims` with the stored reference, then one
`send_activity` carrying the Adaptive Card, which the connector (the conversation's serviceUrl)
accepts with a 2xx or refuses.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, Connections

from bot.config import Settings
from bot.nudge.message import NudgeMessage
from bot.nudge.target import NudgeDeliveryError, NudgeMaybeDelivered
from bot.store import Store
from bot.store.schema import teams_conversations
from bot.teams import cards, connection
from bot.teams.conversations import ConversationStore, StoredConversation
from bot.teams.listeners.replies import card_activity
from bot.teams.outbound import Adapter
from bot.teams.trust import ServiceUrlPolicy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.nudge.scheduler import Round
    from bot.runtime import Runtime

log = logging.getLogger("careerfw.teams")
T = TypeVar("T")

SEND_TIMEOUT_S = 60.0
# Statuses that mean the bot is no longer welcome there; trying again will not help.
_GONE = {401: "the connector refused the bot's token", 403: "the bot is no longer in this conversation",
         404: "the conversation no longer exists"}


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion from synchronous code, even if this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class ProactiveSender:
    """Posts activities into stored conversations through the SDK's CloudAdapter."""

    def __init__(self, settings: Settings, manager: Connections | None = None) -> None:
        self.settings = settings
        self._manager = manager

    @property
    def manager(self) -> Connections:
        if self._manager is None:
            connection.check_credentials(self.settings)
            self._manager = connection.connection_manager(self.settings)
        return self._manager

    def identity(self, stored: StoredConversation) -> ClaimsIdentity:
        """Who the proactive turn runs as, which decides whether a token is fetched for the post.

        The stored claims are the SDK's choice (Conversation.identity_from_claims). A conversation
        stored while anonymous requests were allowed has none and its serviceUrl came from an
        unauthenticated request: it is posted to anonymously in development and never in production,
        where the post would carry the bot's access token to wherever that request pointed."""
        if not stored.anonymous:
            return Conversation.identity_from_claims(stored.conversation.claims)
        if self.settings.teams_allow_anonymous:
            return ClaimsIdentity()
        raise NudgeDeliveryError(
            f"{stored.conversation_id} was stored from an unauthenticated request (anonymous development "
            "mode); it is never posted to with the bot's credentials",
            retryable=False,
        )

    async def post(self, stored: StoredConversation, activity: Activity) -> None:
        identity = self.identity(stored)
        adapter = Adapter(connection_manager=self.manager)
        continuation = stored.conversation.conversation_reference.get_continuation_activity()
        # The continuation event's made-up id would become the post's replyToId; a nudge is a new post.
        continuation.id = None
        failure: BaseException | None = None

        async def callback(context: TurnContext) -> None:
            nonlocal failure
            try:
                await context.send_activity(activity)
            except BaseException as exc:  # the adapter would swallow it into on_turn_error
                failure = exc

        await asyncio.wait_for(
            adapter.continue_conversation_with_claims(identity, continuation, callback),
            SEND_TIMEOUT_S,
        )
        if failure is not None:
            raise failure

    def send(self, stored: StoredConversation, activity: Activity) -> None:
        """Post, or raise NudgeDeliveryError saying why and whether a later try may work."""
        where = stored.conversation.conversation_reference.service_url
        refused = ServiceUrlPolicy(self.settings).refusal(where)
        if refused:
            raise NudgeDeliveryError(f"not posting to {stored.conversation_id}: {refused}", retryable=False)
        try:
            _run(self.post(stored, activity))
        except aiohttp.ClientResponseError as exc:
            if exc.status in _GONE:
                raise NudgeDeliveryError(
                    f"Teams refused the post to {stored.conversation_id}: HTTP {exc.status}, {_GONE[exc.status]}",
                    retryable=False,
                ) from None
            raise NudgeDeliveryError(
                f"Teams refused the post to {stored.conversation_id}: HTTP {exc.status} {exc.message}",
                retryable=exc.status == 429 or exc.status >= 500,
            ) from None
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            # Sent, or about to be, with no answer in time: the post may have landed. At most once.
            raise NudgeMaybeDelivered(
                f"the Teams connector at {where} did not answer within {SEND_TIMEOUT_S:g} s ({type(exc).__name__})"
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise NudgeDeliveryError(
                f"could not reach the Teams connector at {where}: {type(exc).__name__} {exc}".rstrip(),
                retryable=True,
            ) from None
        except ValueError as exc:
            # The SDK raises ValueError when it cannot get a token for the bot (MSAL) or the stored
            # reference is unusable: a person has to fix the configuration.
            raise NudgeDeliveryError(f"could not post to {stored.conversation_id}: {exc}", retryable=False) from None


class TeamsNudgeTarget:
    """One stored Teams conversation (a team's channel, a group chat or a personal chat)."""

    def __init__(self, stored: StoredConversation, sender: ProactiveSender) -> None:
        self.stored = stored
        self.sender = sender
        self.key = stored.key

    def send(self, message: NudgeMessage) -> None:
        self.sender.send(self.stored, card_activity(cards.nudge_card(message), message.title))

    def __repr__(self) -> str:
        return f"TeamsNudgeTarget({self.key!r})"


def teams_targets(
    settings: Settings, sender: ProactiveSender | None = None, store: Store | None = None
) -> list[TeamsNudgeTarget]:
    """Every conversation the bot has been added to, oldest first, from `store` (a serving bot's) or,
    without one, the shared state opened read-only: listing never creates the database, a table or a
    schema revision (a dry run writes nothing). Raises StoreUnavailable when it cannot be reached."""
    if store is None:
        if not settings.database_url and not settings.state_db.is_file():
            return []  # nothing stored yet (and a dry run must not create the database)
        store = Store.open(settings, upgrade=False)
        try:
            if not store.has_tables(teams_conversations):
                return []  # the Teams bot never ran against this database
            stored = ConversationStore(store).all()
        finally:
            store.close()
    else:
        stored = ConversationStore(store).all()
    if not settings.teams_allow_anonymous:
        for conversation in (c for c in stored if c.anonymous):
            log.warning("skipping %s: stored from an unauthenticated request (anonymous development mode); "
                        "a production nudge never posts there", conversation.conversation_id)
        stored = [c for c in stored if not c.anonymous]
    sender = sender or ProactiveSender(settings)
    return [TeamsNudgeTarget(conversation, sender) for conversation in stored]


def start_teams_nudges(runtime: Runtime, manager: Connections, catch_up: bool = True,
                       rounds: Sequence[tuple[str, Round]] = ()) -> BackgroundScheduler | None:
    """The weekly nudge in a serving Teams bot: every stored conversation, asked for at each run; and
    any other weekly `rounds` (the owners' report, bot.teams.report.start_teams_weekly)."""
    sender = ProactiveSender(runtime.settings, manager)
    return runtime.start_nudges(lambda: teams_targets(runtime.settings, sender, runtime.store), catch_up=catch_up,
                                rounds=rounds)
