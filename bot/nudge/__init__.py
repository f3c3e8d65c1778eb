"""Weekly nudges about framework areas still TODO: once per target per ISO week, on any chat surface.

Pieces, each reusable by any surface (a surface implements only a target):
- `message.build_message(entries, previous=…, site_url=…, owners=…) -> NudgeMessage | None`: the
  surface-neutral message: TODO areas grouped by framework › craft › level with counts, links, owner
  ids, and the change since the last nudge; `.text` is the plain-text rendering.
- `target.NudgeTarget` (protocol: `key`, `send(message)`) and `target.NudgeDeliveryError(reason,
  retryable)`; each surface implements a target next to its own code (`bot.slack.nudge`,
  `bot.teams.nudge`), and this package imports neither.
- `ledger.NudgeLedger`: the once-per-week claim / sent record and TODO snapshots in the shared state
  (bot/store), so any number of processes post once.
- `runner.run_nudges(targets, entries, ledger, now=…)`: one round; `runner.preview` for dry runs.
- `command.nudge_command`: `careerfw nudge`; `scheduler.start_scheduler`: in-process weekly runs.
"""

import logging

from bot.nudge.ledger import NudgeLedger, iso_week
from bot.nudge.message import NudgeMessage, TodoArea, TodoGroup, build_message
from bot.nudge.runner import NudgeOutcome, preview, run_nudges
from bot.nudge.target import NudgeDeliveryError, NudgeTarget

# Library-style logging: the app decides where records go; a bare CLI run prints only its own lines.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "NudgeDeliveryError",
    "NudgeLedger",
    "NudgeMessage",
    "NudgeOutcome",
    "NudgeTarget",
    "TodoArea",
    "TodoGroup",
    "build_message",
    "iso_week",
    "preview",
    "run_nudges",
]
