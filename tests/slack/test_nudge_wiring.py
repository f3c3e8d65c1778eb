"""`careerfw serve` (through bot.slack.nudge.start_slack_nudges) starts the weekly nudge in-process
exactly when a channel is set and the scheduler is on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.config import Settings
from bot.nudge.scheduler import JOB_ID
from bot.runtime import Runtime
from bot.slack.nudge import start_slack_nudges
from tests.slack.harness import BOT_TOKEN, SEED_CONTENT
from tests.support.slack import FakeSlack


def test_serve_schedules_the_weekly_nudge_only_with_a_channel(tmp_path: Path, fake_slack: FakeSlack,
                                                              seed_answerer) -> None:
    # A cron that cannot have fired yet this week (Sunday 23:59) keeps the catch-up run from posting.
    base = Settings(content_dir=SEED_CONTENT, state_db=tmp_path / "state.db", slack_bot_token=BOT_TOKEN,
                    slack_api_url=fake_slack.api_url, nudge_cron="59 23 * * sun", scheduler_enabled=True)
    assert start_slack_nudges(Runtime(base, seed_answerer)) is None  # no CAREERFW_NUDGE_CHANNEL
    scheduler_off = replace(base, nudge_channel="C0NUDGE", scheduler_enabled=False)
    assert start_slack_nudges(Runtime(scheduler_off, seed_answerer)) is None

    scheduler = start_slack_nudges(Runtime(replace(base, nudge_channel="C0NUDGE"), seed_answerer))
    try:
        job = scheduler.get_job(JOB_ID)
        assert job is not None and job.next_run_time is not None
        assert job.next_run_time.weekday() == 6 and (job.next_run_time.hour, job.next_run_time.minute) == (23, 59)
    finally:
        scheduler.shutdown(wait=False)
