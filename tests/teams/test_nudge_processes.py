"""The Teams weekly nudge from two `careerfw nudge --teams` processes at once (two CronJob pods, or the
CronJob beside a replica's scheduler), on one SQLite file or one PostgreSQL server: each stored
conversation gets the nudge once, and a conversation stored by the bot is seen by every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from tests.teams.harness import REPO, Bot, Connector, members_changed, message

TEAM = "19:race-general@thread.tacv2"
CHAT = "a:race-chat-with-ada"


def test_two_nudge_processes_send_the_teams_nudge_once_per_conversation(
    start_bot: Any, seed_answerer: Any, connector: Connector, state_settings: Settings, tmp_path: Path
) -> None:
    # The bot stores the conversations it is added to in the shared state, as a replica would.
    bot: Bot = start_bot(seed_answerer, teams_allow_anonymous=True, database_url=state_settings.database_url)
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    bot.replies(message("help", service_url=connector.url, conversation=CHAT))
    connector.clear()
    connector.delay = 0.5  # a slow connector: the second process arrives while the first is posting

    env = {
        **os.environ,
        "CAREERFW_CONTENT": str(REPO / "content"),
        "CAREERFW_TEAMS_ALLOW_ANONYMOUS": "1",  # the conversations were stored anonymously, as in development
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("CAREERFW_DATABASE_URL", None)
    if state_settings.database_url:
        env["CAREERFW_DATABASE_URL"] = state_settings.database_url
        # A state file each: only the database can tell the processes about each other.
        files = [tmp_path / "cron-a.db", tmp_path / "cron-b.db"]
    else:
        files = [bot.services.settings.state_db] * 2
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "nudge", "--teams"], cwd=REPO, text=True,
            env={**env, "CAREERFW_STATE_DB": str(file)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for file in files
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert len(connector.posts(TEAM)) == 1 and len(connector.posts(CHAT)) == 1
    outputs = "".join(out for out, _ in results)
    assert outputs.count("posted the") == 2, outputs  # one process posted each conversation's nudge
    assert outputs.count("another run is posting") + outputs.count("already posted") == 2, outputs

    # A third run, as the CronJob's next hour would be: nothing more.
    connector.clear()
    again = subprocess.run(
        [sys.executable, "-m", "bot.cli", "nudge", "--teams"], cwd=REPO, text=True, capture_output=True,
        env={**env, "CAREERFW_STATE_DB": str(files[0])}, timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert connector.posts() == []
