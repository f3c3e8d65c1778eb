"""A corrupt state database: one clear line at start instead of tracebacks, and /healthz saying so
when it breaks while serving. Real SQLite files, real processes, real HTTP."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from index.answer import Answerer
from tests.support.ports import free_port
from tests.support.process import CAREERFW, REPO, process_env
from tests.teams.harness import Bot, Connector, message

GARBAGE = b"this is not an SQLite database, just bytes " * 200


def corrupt(path: Path) -> None:
    path.write_bytes(GARBAGE)


@pytest.mark.parametrize("command", [["teams", "--port", "0"], ["nudge"], ["nudge", "--teams"], ["feedback"]],
                         ids=["teams", "nudge", "nudge-teams", "feedback"])
def test_a_corrupt_state_database_is_one_clear_line_at_start(tmp_path: Path, command: list[str]) -> None:
    state = tmp_path / "state.db"
    corrupt(state)
    if command[0] == "teams":
        command = ["teams", "--port", str(free_port())]
    env = process_env(tmp_path, CAREERFW_STATE_DB=str(state), CAREERFW_TEAMS_ALLOW_ANONYMOUS="1",
                      SLACK_BOT_TOKEN="xoxb-unused", CAREERFW_NUDGE_CHANNEL="C0NUDGE",
                      SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/")
    proc = subprocess.run(CAREERFW + command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("careerfw:")]
    assert len(lines) == 1, proc.stderr
    assert f"the state database {state} (CAREERFW_STATE_DB) is unusable: file is not a database" in lines[0]
    assert state.read_bytes() == GARBAGE  # left as it was, for someone to look at


def test_a_database_broken_while_serving_keeps_answering_and_healthz_says_so(
    start_bot: Any, seed_answerer: Answerer, connector: Connector
) -> None:
    bot: Bot = start_bot(seed_answerer, teams_allow_anonymous=True)
    assert bot.get("/healthz")[0] == 200
    corrupt(bot.services.settings.state_db)
    for suffix in ("-wal", "-shm"):
        Path(f"{bot.services.settings.state_db}{suffix}").unlink(missing_ok=True)

    replies = bot.replies(message("what does AI governance expect at level 1?", service_url=connector.url,
                                  conversation="a:corrupt-chat"))
    assert replies, "the question is still answered"
    code, body = bot.get("/healthz")
    assert code == 503
    # Named as unusable (SQLite says "not a database" or "malformed", by which page it read first).
    assert f"the state database {bot.services.settings.state_db} (CAREERFW_STATE_DB) is unusable: " in body["reason"]
