"""`careerfw nudge` once, against a loopback fake of Slack's Web API, with real SQLite and the week
injected: once per target per ISO week, clear one-line errors, retries by later runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.nudge.ledger import NudgeLedger
from bot.store import Store
from index.parse import load_content
from tests.nudge.helpers import (
    MONDAY,
    NEXT_MONDAY,
    REPO,
    SEED,
    SEED_PAGE,
    SUNDAY_NIGHT,
    WEDNESDAY,
    copy_content,
    posted_text,
    run_nudge,
    set_cell,
    settings_for,
)
from tests.support.ports import free_port
from tests.support.slack import FakeSlack

# --- the one-shot command ---------------------------------------------------------------------------


def test_dry_run_prints_the_message_and_posts_nothing(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(slack, tmp_path)
    assert run_nudge(settings, MONDAY, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run: nothing is posted" in out
    assert "2 of 7 areas at Level 1 (Head Of) are still TODO" in out
    assert "Architecture Design" in out and "Technical Strategy" in out
    assert slack.calls == []
    assert not settings.state_db.exists(), "a dry run must not create the state DB"
    # …and it does not use up the week: a real run afterwards posts.
    assert run_nudge(settings, MONDAY) == 0
    assert len(slack.posts()) == 1
    capsys.readouterr()
    assert run_nudge(settings, WEDNESDAY, "--dry-run") == 0
    assert "slack:C0NUDGE already got the 2026-W48 nudge" in capsys.readouterr().out
    assert len(slack.calls) == 1


def test_three_runs_in_one_week_post_once_and_next_week_posts_again(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(slack, tmp_path)
    for now in (MONDAY, WEDNESDAY, SUNDAY_NIGHT):
        assert run_nudge(settings, now) == 0
    assert len(slack.posts(ok_only=False)) == 1
    out = capsys.readouterr().out
    assert out.count("already posted") == 2
    post = slack.posts()[0]
    assert post.body["channel"] == "C0NUDGE"
    assert post.auth == "Bearer xoxb-test"
    text = posted_text(post)
    assert "2 of 7 areas at Level 1 (Head Of) are still TODO" in text
    assert "<https://fw.example.com/careerframework/mlengineer/level1#architecture-design|Architecture Design>" in text

    assert run_nudge(settings, NEXT_MONDAY) == 0
    assert len(slack.posts()) == 2
    assert "Nothing changed since the last nudge." in posted_text(slack.posts()[1])


def test_week_follows_the_configured_time_zone(slack: FakeSlack, tmp_path: Path) -> None:
    settings = settings_for(slack, tmp_path, tz="Asia/Tokyo")
    # Sunday 20:00 UTC is already Monday 05:00 in Tokyo: a new ISO week there.
    sunday_evening_utc = MONDAY - timedelta(hours=13)
    assert run_nudge(settings, sunday_evening_utc - timedelta(days=1)) == 0
    assert run_nudge(settings, sunday_evening_utc) == 0
    assert len(slack.posts()) == 2


def test_two_processes_started_together_post_once(slack: FakeSlack, tmp_path: Path, state_settings: Settings) -> None:
    """Two `careerfw nudge` processes (two CronJob pods, or a CronJob beside a replica) on one SQLite
    file, or on one PostgreSQL with a state file each, so only the database can tell them apart."""
    slack.delay = 0.5  # Slack is slow, so the second process arrives while the first is posting
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack.api_url,
        "CAREERFW_NUDGE_CHANNEL": "C0NUDGE",
        "CAREERFW_CONTENT": str(SEED),
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("CAREERFW_DATABASE_URL", None)
    if state_settings.database_url:
        env["CAREERFW_DATABASE_URL"] = state_settings.database_url
    shared = not state_settings.database_url
    files = [tmp_path / ("state.db" if shared else f"state{i}.db") for i in range(2)]
    cmd = [sys.executable, "-m", "bot.cli", "nudge"]
    procs = [
        subprocess.Popen(
            cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**env, "CAREERFW_STATE_DB": str(file)},
        )
        for file in files
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert len(slack.posts(ok_only=False)) == 1
    outputs = "".join(out for out, _ in results)
    assert "posted the" in outputs
    # The loser either saw the claim in progress or, if it ran late, the week already sent.
    assert "another run is posting" in outputs or "already posted" in outputs


def test_rate_limited_post_waits_out_retry_after_and_posts_once(slack: FakeSlack, tmp_path: Path) -> None:
    slack.script["chat.postMessage"] = [(429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"})]
    settings = settings_for(slack, tmp_path)
    started = time.monotonic()
    assert run_nudge(settings, MONDAY) == 0
    assert time.monotonic() - started >= 1.0, "Retry-After must be waited out"
    assert len(slack.posts(ok_only=False)) == 2
    assert len(slack.posts()) == 1
    assert run_nudge(settings, WEDNESDAY) == 0
    assert len(slack.posts(ok_only=False)) == 2


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "invalid_auth"])
def test_slack_error_exits_nonzero_in_one_line_and_a_later_run_posts(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str], error: str
) -> None:
    slack.script["chat.postMessage"] = [(200, {}, {"ok": False, "error": error})]
    settings = settings_for(slack, tmp_path)
    assert run_nudge(settings, MONDAY) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert f"Slack error {error}" in err and "Traceback" not in err
    ledger = NudgeLedger(Store.open(settings))
    record = ledger.record("slack:C0NUDGE", "2026-W48")
    assert record is not None and record.status == "failed" and error in (record.last_error or "")
    assert slack.posts() == []

    assert run_nudge(settings, WEDNESDAY) == 0
    assert len(slack.posts()) == 1
    assert ledger.record("slack:C0NUDGE", "2026-W48").status == "sent"


def test_slack_server_error_is_reported_and_retried_by_a_later_run(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = {"error": "<html>Bad gateway</html>"}  # not JSON Slack would send: the status is what matters
    slack.script["chat.postMessage"] = [(503, {}, page), (503, {}, page)]
    settings = settings_for(slack, tmp_path)
    assert run_nudge(settings, MONDAY) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Slack error HTTP 503" in err and "html" not in err, err
    assert len(slack.posts(ok_only=False)) == 2  # one retry within the run
    assert run_nudge(settings, MONDAY + timedelta(hours=1)) == 0
    assert len(slack.posts()) == 1


def test_unreachable_slack_is_one_line_and_leaves_the_week_unsent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nobody listens there
    settings = Settings(
        content_dir=SEED,
        state_db=tmp_path / "state.db",
        slack_bot_token="xoxb-test",
        slack_api_url=f"http://127.0.0.1:{port}/api/",
        nudge_channel="C0NUDGE",
    )
    from bot.slack import nudge as slack_module

    # Keep the backoff short here; production waits 1 s, 2 s, 4 s between attempts.
    monkeypatch.setattr(slack_module, "NETWORK_BACKOFF_FACTOR", 0.01)
    assert run_nudge(settings, MONDAY) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "could not reach Slack" in err, err
    record = NudgeLedger(Store.open(settings)).record("slack:C0NUDGE", "2026-W48")
    assert record is not None and record.status == "failed"


def test_diff_after_a_content_change(slack: FakeSlack, tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    settings = settings_for(slack, tmp_path, content=content)
    assert run_nudge(settings, MONDAY) == 0

    set_cell(content, "Architecture Design", "I design the architecture of ML systems end to end.")
    set_cell(content, "AI Strategy", "TODO")
    assert run_nudge(settings, NEXT_MONDAY) == 0
    second = posted_text(slack.posts()[1])
    expected_todo = {e.area for e in load_content(content).entries if e.todo}
    assert expected_todo == {"Technical Strategy", "AI Strategy"}
    assert "2 of 7 areas at Level 1 (Head Of) are still TODO" in second
    page = "https://fw.example.com/careerframework/mlengineer/level1"
    assert f":white_check_mark: Filled in: <{page}#architecture-design|Architecture Design>" in second
    assert f":new: Newly TODO: <{page}#ai-strategy|AI Strategy>" in second
    # The TODO list itself is exactly the content's TODO areas: the filled-in one is gone from it.
    listed = [line for line in second.splitlines() if line.startswith("• ")]
    assert len(listed) == 2
    assert any("|Technical Strategy>" in line for line in listed)
    assert any("|AI Strategy>" in line and "*new*" in line for line in listed)


def test_all_filled_in_is_posted_once_then_silence(slack: FakeSlack, tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    settings = settings_for(slack, tmp_path, content=content)
    assert run_nudge(settings, MONDAY) == 0
    set_cell(content, "Architecture Design", "I own the architecture.")
    set_cell(content, "Technical Strategy", "I own the technical strategy.")
    assert run_nudge(settings, NEXT_MONDAY) == 0
    assert run_nudge(settings, NEXT_MONDAY + timedelta(days=7)) == 0
    assert run_nudge(settings, NEXT_MONDAY + timedelta(days=14)) == 0
    posts = slack.posts()
    assert len(posts) == 2
    final = posted_text(posts[1])
    assert "Every framework area is filled in" in final
    assert "Filled in:" in final and "Architecture Design" in final and "Technical Strategy" in final

    # When a TODO comes back, the nudges resume.
    set_cell(content, "ML Ops", "TBD")
    assert run_nudge(settings, NEXT_MONDAY + timedelta(days=21)) == 0
    assert len(slack.posts()) == 3
    assert "Newly TODO" in posted_text(slack.posts()[2])


def test_claim_left_by_a_crashed_run_is_retried_after_the_lease(slack: FakeSlack, tmp_path: Path) -> None:
    settings = settings_for(slack, tmp_path)
    ledger = NudgeLedger(Store.open(settings))
    crashed = ledger.claim("slack:C0NUDGE", "2026-W48", MONDAY)  # claimed, then the process died
    assert crashed.status == "claimed"
    assert run_nudge(settings, MONDAY + timedelta(minutes=1)) == 0
    assert slack.calls == [], "a live claim means another run is posting"
    assert run_nudge(settings, MONDAY + timedelta(seconds=ledger.lease_seconds + 1)) == 0
    assert len(slack.posts()) == 1
    assert run_nudge(settings, WEDNESDAY) == 0
    assert len(slack.posts(ok_only=False)) == 1


def test_one_broken_target_does_not_stop_the_others(slack: FakeSlack, tmp_path: Path) -> None:
    from bot.nudge.runner import run_nudges
    from bot.slack.nudge import SlackTarget, make_client

    class Broken:
        key = "test:broken"

        def send(self, message: object) -> None:
            raise RuntimeError("renderer bug")

    settings = settings_for(slack, tmp_path)
    ledger = NudgeLedger(Store.open(settings))
    targets = [Broken(), SlackTarget(make_client(settings), "C0NUDGE")]
    outcomes = run_nudges(targets, load_content(SEED).entries, ledger, now=MONDAY)
    assert [o.status for o in outcomes] == ["failed", "sent"]
    assert "renderer bug" in outcomes[0].detail
    assert ledger.record("test:broken", "2026-W48").status == "failed"  # open for a later run
    assert len(slack.posts()) == 1


def test_owners_are_mentioned_and_content_text_is_escaped(slack: FakeSlack, tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    page = content / SEED_PAGE
    text = page.read_text(encoding="utf-8")
    hostile = "| [Technical &lt;!channel&gt; & <@U999> Strategy]"
    page.write_text(text.replace("| [Technical Strategy]", hostile), "utf-8")
    assert any(e.area == "Technical <!channel> & <@U999> Strategy" for e in load_content(content).entries)
    (content / "owners.yaml").write_text(
        "ML and Edge ML Engineer Craft: [S0GROUP1]\nLevel 1 (Head Of): U0HEAD01\n", encoding="utf-8"
    )
    settings = settings_for(slack, tmp_path, content=content)
    assert run_nudge(settings, MONDAY) == 0
    posted = posted_text(slack.posts()[0])
    assert "<!subteam^S0GROUP1>" in posted and "<@U0HEAD01>" in posted
    assert "Technical &lt;!channel&gt; &amp; &lt;@U999&gt; Strategy" in posted
    assert "<!channel>" not in posted and "<@U999>" not in posted


def test_malformed_owners_file_does_not_stop_the_nudge(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_content(tmp_path)
    (content / "owners.yaml").write_text("Level 1 (Head Of): [U0HEAD01\n", encoding="utf-8")
    settings = settings_for(slack, tmp_path, content=content)
    assert run_nudge(settings, MONDAY) == 0
    assert "owners.yaml:" in capsys.readouterr().err
    assert len(slack.posts()) == 1 and "<@" not in posted_text(slack.posts()[0])


def test_broken_content_is_not_nudged(slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_content(tmp_path)
    page = content / SEED_PAGE
    page.write_text(page.read_text(encoding="utf-8").replace("title: Level 1", "title: [Level 1"), "utf-8")
    settings = settings_for(slack, tmp_path, content=content)
    assert run_nudge(settings, MONDAY) == 1
    assert f"{SEED_PAGE}:" in capsys.readouterr().err
    assert slack.calls == []


def test_teams_path_without_stored_conversations_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.setenv("CAREERFW_STATE_DB", str(tmp_path / "state.db"))
    assert main(["nudge", "--teams", "--content", str(SEED)]) == 1
    assert capsys.readouterr().err.strip() == (
        "careerfw: no Teams conversations are stored yet: add the bot to a team or chat first"
    )
    assert main(["nudge", "--teams", "--dry-run", "--content", str(SEED)]) == 0
    assert "2 of 7 areas at Level 1 (Head Of) are still TODO" in capsys.readouterr().out


def test_teams_path_when_the_teams_module_is_absent_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    # A build without the Teams front end: importing bot.teams.nudge fails.
    monkeypatch.setitem(sys.modules, "bot.teams.nudge", None)
    monkeypatch.setenv("CAREERFW_STATE_DB", str(tmp_path / "state.db"))
    assert main(["nudge", "--teams", "--content", str(SEED)]) == 1
    assert capsys.readouterr().err.strip() == (
        "careerfw: Teams nudges are not available: bot/teams/nudge.py (teams_targets) is missing"
    )


def test_a_post_slack_answers_too_late_is_not_posted_again(
    slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.slack import nudge as slack_module

    # Slack posts the message but answers after the client has given up: the post is ambiguous.
    monkeypatch.setattr(slack_module, "POST_TIMEOUT_S", 0.5)
    slack.delay = 1.5
    settings = settings_for(slack, tmp_path)
    assert run_nudge(settings, MONDAY) == 0
    err = capsys.readouterr().err
    assert "may have been posted and is not retried this week (at most once)" in err
    slack.wait_for(lambda c: c.method == "chat.postMessage", timeout=10)
    slack.delay = 0.0
    # A later run in the same week (cron, the scheduler's retry) does not post it a second time.
    assert run_nudge(settings, MONDAY + timedelta(hours=1)) == 0
    assert len(slack.posts()) == 1
    assert run_nudge(settings, NEXT_MONDAY) == 0
    assert len(slack.posts()) == 2
