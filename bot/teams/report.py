"""The owners' report on Teams: the summary posted into each owner's personal chat with the bot.

An owner is reached when owners.yaml lists their Teams id (the Entra object id, or the `29:` channel
account id) and they have chatted with the bot once, so a personal chat is stored (Teams lets a bot
write to a person only then). The post is the weekly nudge's proactive turn (ProactiveSender), so it
is held to the same trust rules (docs/security.md). Teams offers a bot no plain file attachment in a
personal chat without a consent card, so the message carries the summary; `careerfw report --html`
writes the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from microsoft_agents.hosting.core import MessageFactory

from bot.config import Settings
from bot.report.compute import Report
from bot.report.deliver import owner_ids, weekly_round
from bot.report.text import summary
from bot.store import Store
from bot.teams.conversations import StoredConversation
from bot.teams.nudge import ProactiveSender, start_teams_nudges, teams_targets
from index import Owners, load_owners

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from microsoft_agents.hosting.core.authorization import Connections

    from bot.nudge.scheduler import Round
    from bot.runtime import Runtime


def report_key(owner: str) -> str:
    return f"report:teams:{owner}"


def _owner_of(stored: StoredConversation, owners: list[str]) -> str | None:
    if stored.conversation_type != "personal":
        return None
    user = stored.conversation.conversation_reference.user
    ids = {i for i in (getattr(user, "id", None), getattr(user, "aad_object_id", None)) if i}
    return next((o for o in owners if o in ids), None)


class TeamsReportTarget:
    """One owner's personal chat. `key` is "report:teams:<owner id as in owners.yaml>"."""

    def __init__(self, owner: str, stored: StoredConversation, sender: ProactiveSender) -> None:
        self.owner = owner
        self.stored = stored
        self.sender = sender
        self.key = report_key(owner)

    def send(self, report: Report) -> None:
        lines = summary(report)
        activity = MessageFactory.text("\n\n".join(lines))
        activity.text_format = "plain"  # questions are people's words: never read them as markdown
        self.sender.send(self.stored, activity)


def teams_report_targets(settings: Settings, owners: Owners, sender: ProactiveSender | None = None,
                         store: Store | None = None) -> list[TeamsReportTarget]:
    """The owners who have a stored personal chat with the bot (trusted ones only, as for the nudge)."""
    wanted = owner_ids(owners)
    sender = sender or ProactiveSender(settings)
    found: dict[str, TeamsReportTarget] = {}
    for target in teams_targets(settings, sender, store):
        owner = _owner_of(target.stored, wanted)
        if owner is not None and owner not in found:
            found[owner] = TeamsReportTarget(owner, target.stored, sender)
    return [found[o] for o in wanted if o in found]


def teams_report_keys(settings: Settings, owners: Owners) -> list[str]:
    return [t.key for t in teams_report_targets(settings, owners)]


def start_teams_weekly(runtime: Runtime, manager: Connections, catch_up: bool = True) -> BackgroundScheduler | None:
    """What `careerfw teams` schedules: the weekly nudge to every stored conversation and, when
    owners.yaml lists anyone, the owners' report to those with a personal chat, on the same schedule
    and ledger (each run reads owners.yaml and the stored chats again)."""
    settings = runtime.settings
    rounds: list[tuple[str, Round]] = []
    if owner_ids(load_owners(settings.content_dir)) and runtime.store is not None:
        sender = ProactiveSender(settings, manager)
        store, answerer = runtime.store, runtime.answerer
        rounds.append(("report", weekly_round(
            settings, store, lambda owners: teams_report_targets(settings, owners, sender, store),
            lambda: answerer.entries, answerer.embedder.encode, lambda: answerer)))
    return start_teams_nudges(runtime, manager, catch_up=catch_up, rounds=rounds)
