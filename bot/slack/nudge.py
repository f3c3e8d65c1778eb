"""The nudge on Slack: Block Kit rendering and the Slack `NudgeTarget` (chat.postMessage).

Everything taken from the content is escaped (& < >), so a cell or area name can never form a link or
a mention; the only mentions are owner ids from owners.yaml, rendered as `<@U…>` / `<!subteam^S…>`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.config import ConfigError, Settings
from bot.nudge.message import SINCE_LAST, ChangeKind, NudgeMessage, TodoArea, TodoGroup
from bot.nudge.target import NudgeDeliveryError, NudgeMaybeDelivered
from bot.slack.mrkdwn import escape, link

if TYPE_CHECKING:
    from collections.abc import Sequence

    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.nudge.scheduler import Round
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

# Block Kit limits: 50 blocks a message, 3,000 characters a section, 150 in a header.
MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
# Slack's own marks on the nudge's change lines; the words are bot.nudge.message's.
EMOJI: dict[ChangeKind, str] = {"filled_in": ":white_check_mark:", "newly_todo": ":new:", "removed": ":wastebasket:"}

# Seconds before the 1st, 2nd, 3rd retry of a network error: factor × 1, 2, 4.
NETWORK_BACKOFF_FACTOR = 1.0
POST_TIMEOUT_S = 30.0  # a reply slower than this leaves the post unconfirmed (at most once)

_ERROR_CODE = re.compile(r"^[a-z0-9_]+$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")

# Slack errors a person must fix (not worth retrying within this run), with what to do about them.
_FIX_HINTS = {
    "channel_not_found": "the channel {channel} does not exist or the bot cannot see it; set "
    "CAREERFW_NUDGE_CHANNEL to the channel id (C…), not its name",
    "not_in_channel": "the bot is not a member of {channel}; invite it with /invite @careerfw",
    "is_archived": "the channel {channel} is archived",
    "invalid_auth": "SLACK_BOT_TOKEN is not a valid bot token",
    "not_authed": "SLACK_BOT_TOKEN is missing",
    "token_revoked": "SLACK_BOT_TOKEN has been revoked; reinstall the app",
    "account_inactive": "the bot's token belongs to a deleted app or user; reinstall the app",
    "missing_scope": "the app lacks the chat:write scope; add it and reinstall",
    "restricted_action": "the workspace does not let the bot post in {channel}",
}


def mention(owner: str) -> str | None:
    """`<@U…>` for a user, `<!subteam^S…>` for a user group; None for an id Slack would not understand."""
    if _USER_ID.match(owner):
        return f"<@{owner}>"
    if _GROUP_ID.match(owner):
        return f"<!subteam^{owner}>"
    return None


def _mentions(owners: tuple[str, ...]) -> str:
    rendered = []
    for owner in owners:
        m = mention(owner)
        if m is None:
            log.warning("owners.yaml id %r is not a Slack user (U…/W…) or group (S…) id; not mentioned", owner)
        else:
            rendered.append(m)
    return " ".join(rendered)


def _link(area: TodoArea) -> str:
    label = escape(area.area)
    linked = link(area.url, label)
    if linked is not None:
        return linked
    return f"{label} (`{escape(area.where)}`)" if area.where else label


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _chunks(lines: list[str], limit: int = MAX_SECTION) -> list[str]:
    """Join lines into section texts under Slack's limit, splitting only between lines."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def _group_lines(group: TodoGroup) -> list[str]:
    owners = _mentions(group.mentions)
    lines = [f"*{escape(group.heading)}*", escape(group.summary) + (f" · {owners}" if owners else "")]
    for area in group.areas:
        section = f" _({escape(area.section)})_" if area.section else ""
        new = " · *new*" if group.is_new(area) else ""
        lines.append(f"• {_link(area)}{section}{new}")
    return lines


def _change_lines(message: NudgeMessage) -> list[str]:
    def names(areas: tuple[TodoArea, ...]) -> str:
        return ", ".join(_link(a) + (f" ({escape(a.level)})" if a.level else "") for a in areas)

    return [f"*{SINCE_LAST}*", *(f"{EMOJI[c.kind]} {c.label}: {names(c.areas)}" for c in message.changes)]


@dataclass(frozen=True)
class SlackNudge:
    text: str  # notification / fallback text (mrkdwn, escaped)
    blocks: list[dict[str, Any]]


def render_slack(message: NudgeMessage) -> SlackNudge:
    """Block Kit for a nudge, within Slack's block and section limits."""
    title = message.title if len(message.title) <= MAX_HEADER else message.title[: MAX_HEADER - 1] + "…"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}},
        _section(escape(message.intro)),
    ]
    # Keep room for the changes section(s) and a closing note.
    budget = MAX_BLOCKS - 6
    left_out = 0
    for group in message.groups:
        sections = [_section(chunk) for chunk in _chunks(_group_lines(group))]
        if len(blocks) + len(sections) > budget:
            left_out += len(group.areas)
            continue
        blocks.extend(sections)
    if left_out:
        blocks.append(
            _section(f"…and {left_out} more TODO areas. `careerfw todo` lists every one.")
        )
    if message.changes:
        blocks.append({"type": "divider"})
        blocks.extend(_section(chunk) for chunk in _chunks(_change_lines(message))[:3])
    elif message.unchanged_note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(message.unchanged_note)}]})
    owners = _mentions(message.mentions)
    text = escape(message.title) + (f" {owners}" if owners else "")
    return SlackNudge(text=text, blocks=blocks[:MAX_BLOCKS])


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient on `SLACK_API_URL` that waits out 429s (Retry-After) and retries network errors with backoff."""
    token = token or settings.slack_bot_token
    if not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: the nudge needs a bot token with chat:write")
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=POST_TIMEOUT_S,
        logger=logging.getLogger("bot.slack.nudge.sdk"),
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(
                max_retry_count=3,
                interval_calculator=BackoffRetryIntervalCalculator(backoff_factor=NETWORK_BACKOFF_FACTOR),
            ),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )


class SlackTarget:
    """Posts the nudge to one Slack channel. `key` is "slack:<channel id>"."""

    def __init__(self, client: WebClient, channel: str) -> None:
        self.client = client
        self.channel = channel
        self.key = f"slack:{channel}"

    @classmethod
    def from_settings(cls, settings: Settings, channel: str | None = None) -> SlackTarget:
        channel = channel or settings.nudge_channel
        if not channel:
            raise ConfigError("CAREERFW_NUDGE_CHANNEL is not set (or pass --channel C0123ABCD)")
        return cls(make_client(settings), channel)

    def send(self, message: NudgeMessage) -> None:
        payload = render_slack(message)
        try:
            self.client.chat_postMessage(
                channel=self.channel,
                text=payload.text,
                blocks=payload.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            raise self._api_error(exc) from None
        except TimeoutError as exc:
            # The request was sent and the reply never came (a connect timeout is a URLError instead):
            # Slack may have posted. Retrying could post twice, so this is at most once.
            raise NudgeMaybeDelivered(
                f"Slack did not answer chat.postMessage within {POST_TIMEOUT_S:g} s ({exc or 'timed out'})"
            ) from None
        except (SlackClientError, URLError, OSError) as exc:
            # Still failing after the retry handlers' backoff; TimeoutError lands here too, unretried,
            # because Slack may have posted before the reply was lost.
            raise NudgeDeliveryError(
                f"could not reach Slack at {self.client.base_url}: {exc}", retryable=True
            ) from None

    def _api_error(self, exc: SlackApiError) -> NudgeDeliveryError:
        response = exc.response
        status = getattr(response, "status_code", 0) or 0
        try:
            error = str(response.get("error") or "")
        except Exception:
            error = ""
        if not _ERROR_CODE.match(error):
            error = ""  # an HTML error page or proxy text, not one of Slack's error codes: report the status
        if status == 429 or error == "ratelimited":
            return NudgeDeliveryError("Slack error ratelimited: still rate limited after waiting out Retry-After", True)
        if status >= 500 or error in ("internal_error", "fatal_error", "service_unavailable", "request_timeout"):
            return NudgeDeliveryError(f"Slack error {error or f'HTTP {status}'}: Slack is having trouble", True)
        hint = _FIX_HINTS.get(error)
        if hint is not None:
            return NudgeDeliveryError(f"Slack error {error}: {hint.format(channel=self.channel)}", False)
        return NudgeDeliveryError(f"Slack error {error or f'HTTP {status}'} from chat.postMessage", False)


def slack_targets(settings: Settings, channel: str | None = None) -> list[SlackTarget]:
    """The configured Slack nudge target(s): the nudge channel, when one is set."""
    return [SlackTarget.from_settings(settings, channel)]


def start_slack_nudges(runtime: Runtime, rounds: Sequence[tuple[str, Round]] = ()) -> BackgroundScheduler | None:
    """The weekly nudge in a serving Slack app, with CAREERFW_NUDGE_CHANNEL, and any other weekly
    `rounds` (the owners' report, bot.slack.report.start_slack_weekly): None when there is neither,
    or the scheduler is off."""
    settings = runtime.settings
    if not (settings.scheduler_enabled and (settings.nudge_channel or rounds)):
        return None
    return runtime.start_nudges(lambda: slack_targets(settings) if settings.nudge_channel else [], rounds=rounds)
