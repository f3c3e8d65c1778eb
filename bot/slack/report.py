"""The owners' report on Slack: a DM to each owner in owners.yaml with the summary and the HTML page
attached (files_upload_v2), and the App Home summary owners see.

Only user ids (U…/W…) get a DM: a user group (S…) has no DM, and expanding it would need another
scope (usergroups:read), so a group's members are listed in owners.yaml by their own ids to get it.
The message is one file share (files.completeUploadExternal with the summary as its comment): the
summary and the page arrive together or not at all, so a failure before that last call leaves
nothing posted and the week open for a later run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import ConfigError, Settings
from bot.nudge.target import NudgeDeliveryError, NudgeMaybeDelivered
from bot.report.compute import Embed, Report, build_report
from bot.report.deliver import WEEK, owner_ids, weekly_round
from bot.report.html import render_html
from bot.report.text import summary
from bot.slack.mrkdwn import escape
from bot.slack.nudge import _USER_ID, POST_TIMEOUT_S, make_client, start_slack_nudges
from bot.store import Store, StoreUnavailable
from index import Entry, Owners, load_owners

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.nudge.scheduler import Round
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

MAX_COMMENT = 3500  # well under a message's limit; the page carries everything


def slack_owner_ids(owners: Owners) -> list[str]:
    """The owners.yaml ids that can get a Slack DM (users, not groups), in the file's order."""
    return [o for o in owner_ids(owners) if _USER_ID.match(o)]


def report_key(user: str) -> str:
    return f"report:slack:{user}"


def summary_mrkdwn(report: Report) -> str:
    """The summary as Slack mrkdwn: the title bold, every line escaped (questions are people's words)."""
    lines = summary(report)
    text = "\n".join([f"*{escape(lines[0])}*", *(escape(line) for line in lines[1:])])
    return text if len(text) <= MAX_COMMENT else text[: MAX_COMMENT - 1] + "…"


def home_blocks(report: Report) -> list[dict[str, Any]]:
    """What an owner's App Home adds below the usual home: the same summary as the weekly message."""
    return [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "For framework owners", "emoji": False}},
        {"type": "section", "text": {"type": "mrkdwn", "text": summary_mrkdwn(report)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Shown to the owners in owners.yaml only. "
                                          "`careerfw report --html FILE` writes the whole report."}]},
    ]


def owner_home_blocks(settings: Settings, store: Store, entries: Sequence[Entry], embed: Embed | None, user: str,
                      now: datetime | None = None) -> list[dict[str, Any]]:
    """The owners' part of `user`'s App Home: the week's summary when owners.yaml names them, nothing
    for anyone else. Blocking (it reads the store): run it off the event loop."""
    if user not in slack_owner_ids(load_owners(settings.content_dir)):
        return []
    try:
        report = build_report(store, entries, now=now or datetime.now(UTC), period=WEEK, tz=settings.tz,
                              min_group=settings.report_min_group, embed=embed)
    except StoreUnavailable as exc:
        log.warning("App Home: the owners' report could not be read: %s", exc)
        unread = "The owners' report could not be read just now; it will be here when the database is back."
        return [{"type": "divider"}, {"type": "section", "text": {"type": "mrkdwn", "text": unread}}]
    return home_blocks(report)


class SlackReportTarget:
    """One owner's DM. `key` is "report:slack:<user id>"."""

    def __init__(self, client: WebClient, user: str) -> None:
        self.client = client
        self.user = user
        self.key = report_key(user)

    def send(self, report: Report) -> None:
        page = render_html(report).encode("utf-8")
        week = f"{report.until:%G-W%V}"
        try:
            opened = self.client.conversations_open(users=self.user)
            channel = opened["channel"]["id"]
            self.client.files_upload_v2(
                channel=channel, content=page, filename=f"careerfw-report-{week}.html",
                title=f"careerfw report {week}", initial_comment=summary_mrkdwn(report),
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "") if exc.response is not None else ""
            status = getattr(exc.response, "status_code", 0) or 0
            retryable = status == 429 or status >= 500 or error in ("ratelimited", "internal_error", "fatal_error")
            raise NudgeDeliveryError(f"Slack error {error or f'HTTP {status}'} sending the report to {self.user}",
                                     retryable) from None
        except TimeoutError as exc:
            raise NudgeMaybeDelivered(f"Slack did not answer within {POST_TIMEOUT_S:g} s ({exc or 'timed out'})") \
                from None
        except (SlackClientError, URLError, OSError) as exc:
            raise NudgeDeliveryError(f"could not reach Slack at {self.client.base_url}: {exc}", True) from None


def slack_report_targets(settings: Settings, owners: Owners) -> list[SlackReportTarget]:
    users = slack_owner_ids(owners)
    if not users:
        return []
    if not settings.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: the owners' report needs a bot token with im:write and "
                          "files:write")
    client = make_client(settings)
    return [SlackReportTarget(client, user) for user in users]


def start_slack_weekly(runtime: Runtime) -> BackgroundScheduler | None:
    """What `careerfw serve` schedules: the weekly nudge (with CAREERFW_NUDGE_CHANNEL) and, when
    owners.yaml names Slack users at start, the owners' report to them, on the nudge's schedule and
    ledger. owners.yaml is read again at each run; a first owner added later needs a restart."""
    settings = runtime.settings
    rounds: list[tuple[str, Round]] = []
    if slack_owner_ids(load_owners(settings.content_dir)) and runtime.store is not None:
        answerer = runtime.answerer
        rounds.append(("report", weekly_round(settings, runtime.store, lambda owners: slack_report_targets(
            settings, owners), lambda: answerer.entries, answerer.embedder.encode, lambda: answerer)))
    return start_slack_nudges(runtime, rounds)
