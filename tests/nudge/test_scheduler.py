"""The in-process weekly scheduler (bot/nudge/scheduler.py): fires on the cron in the configured zone,
catches up after a restart, retries later in the week, posts once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.nudge.scheduler import JOB_ID, next_nudge_time, start_scheduler
from bot.slack.nudge import slack_targets
from index.parse import load_content
from tests.nudge.helpers import (
    MONDAY,
    SEED,
    UTC,
    copy_content,
    posted_text,
    set_cell,
    settings_for,
)
from tests.support.slack import FakeSlack
from tests.support.wait import wait_for

# --- the in-process scheduler -----------------------------------------------------------------------


def test_schedule_is_the_cron_in_the_configured_time_zone() -> None:
    settings = Settings(tz="Europe/London")
    london = ZoneInfo("Europe/London")
    # Default: Monday 09:00 London, in summer time and in winter time alike.
    summer = next_nudge_time(settings, datetime(2026, 7, 4, 12, 0, tzinfo=UTC))
    assert summer == datetime(2026, 7, 6, 9, 0, tzinfo=london)
    assert summer.utcoffset() == timedelta(hours=1)
    assert next_nudge_time(settings, datetime(2026, 11, 28, 12, 0, tzinfo=UTC)) == datetime(
        2026, 11, 30, 9, 0, tzinfo=london
    )
    custom = Settings(nudge_cron="30 14 * * wed", tz="UTC")
    assert next_nudge_time(custom, MONDAY) == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


def test_scheduler_fires_the_job_and_posts_once(slack: FakeSlack, tmp_path: Path) -> None:
    settings = settings_for(slack, tmp_path)
    before_the_slot = MONDAY - timedelta(hours=1)
    scheduler = start_scheduler(
        settings, targets=lambda: slack_targets(settings), clock=lambda: before_the_slot
    )
    assert scheduler is not None
    try:
        job = scheduler.get_job(JOB_ID)
        # The cron job waits for Monday 09:00; nothing runs at start (the slot has not come this week).
        assert job.next_run_time.weekday() == 0 and (job.next_run_time.hour, job.next_run_time.minute) == (9, 0)
        assert len(scheduler.get_jobs()) == 1
        # Bring the cron job's next fire time to now, as if Monday 09:00 had come.
        job.modify(next_run_time=datetime.now(UTC) + timedelta(milliseconds=200))
        assert wait_for(lambda: len(slack.posts()) == 1)
        assert wait_for(lambda: job.func.rounds == 1)
        # After firing it is back on the weekly cron.
        nxt = scheduler.get_job(JOB_ID).next_run_time
        assert nxt.weekday() == 0 and (nxt.hour, nxt.minute) == (9, 0) and nxt > datetime.now(UTC)
        # A second fire in the same week (another replica, a re-run) posts nothing.
        scheduler.get_job(JOB_ID).modify(next_run_time=datetime.now(UTC) + timedelta(milliseconds=100))
        assert wait_for(lambda: job.func.rounds == 2)
        assert len(slack.posts(ok_only=False)) == 1
    finally:
        scheduler.shutdown(wait=True)


def test_scheduler_catches_up_after_a_restart_past_the_cron_time(slack: FakeSlack, tmp_path: Path) -> None:
    settings = settings_for(slack, tmp_path)
    clock = lambda: MONDAY + timedelta(hours=2)  # noqa: E731 (started Monday 11:00, after the 09:00 slot)
    for _ in range(2):  # started, restarted: one post
        scheduler = start_scheduler(
            settings, targets=lambda: slack_targets(settings), clock=clock
        )
        assert scheduler is not None
        try:
            assert wait_for(lambda: scheduler.get_job(JOB_ID).func.rounds == 1)  # noqa: B023
        finally:
            scheduler.shutdown(wait=True)
    assert len(slack.posts(ok_only=False)) == 1


def test_scheduler_with_an_answerer_nudges_about_the_entries_it_serves(slack: FakeSlack, tmp_path: Path) -> None:
    # What the Slack app passes: its answerer (entries may differ from settings.content_dir after a reload).
    content = copy_content(tmp_path)
    set_cell(content, "Architecture Design", "Written since start-up.")
    answerer = type("Answerer", (), {"entries": load_content(content).entries})()
    settings = settings_for(slack, tmp_path)  # content_dir is still the seed, with two TODO areas
    scheduler = start_scheduler(
        settings, targets=lambda: slack_targets(settings), answerer=answerer, clock=lambda: MONDAY + timedelta(hours=1)
    )
    assert scheduler is not None
    try:
        assert wait_for(lambda: len(slack.posts()) == 1)
    finally:
        scheduler.shutdown(wait=True)
    posted = posted_text(slack.posts()[0])
    assert "1 of 7 areas at Level 1 (Head Of) is still TODO" in posted
    assert "|Technical Strategy>" in posted and "|Architecture Design>" not in posted


def test_scheduler_retries_a_failed_post_later_in_the_week(slack: FakeSlack, tmp_path: Path) -> None:
    slack.script["chat.postMessage"] = [(200, {}, {"ok": False, "error": "not_in_channel"})]
    settings = settings_for(slack, tmp_path)
    scheduler = start_scheduler(
        settings,
        targets=lambda: slack_targets(settings),
        clock=lambda: MONDAY + timedelta(minutes=1),
        retry_later=timedelta(milliseconds=300),
    )
    assert scheduler is not None
    try:
        assert wait_for(lambda: len(slack.posts()) == 1)
        assert len(slack.posts(ok_only=False)) == 2
    finally:
        scheduler.shutdown(wait=True)


def test_bad_schedule_settings_are_one_line_naming_the_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main
    from bot.config import ConfigError

    monkeypatch.setenv("CAREERFW_TZ", "Mars/Olympus_Mons")
    monkeypatch.setenv("CAREERFW_STATE_DB", str(tmp_path / "state.db"))
    assert main(["nudge", "--dry-run", "--content", str(SEED)]) == 1
    assert capsys.readouterr().err.strip() == (
        "careerfw: CAREERFW_TZ='Mars/Olympus_Mons' is not a time zone (use an IANA name such as Europe/London)"
    )
    with pytest.raises(ConfigError, match=r"CAREERFW_NUDGE_CRON='61 9 \* \* mon' is not a cron expression"):
        start_scheduler(Settings(nudge_cron="61 9 * * mon"), targets=lambda: [])


def test_scheduler_off_starts_nothing(slack: FakeSlack, tmp_path: Path) -> None:
    settings = Settings.from_env({"CAREERFW_SCHEDULER": "off"})
    assert settings.scheduler_enabled is False
    assert start_scheduler(settings, targets=lambda: []) is None
