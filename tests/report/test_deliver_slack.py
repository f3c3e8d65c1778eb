"""The weekly owners' report on Slack, over real HTTP to the loopback Slack Web API: a DM to each
owner in owners.yaml with the summary and the HTML page attached (files_upload_v2's three steps),
once per owner per ISO week on the nudge's ledger, whoever runs it (two processes, two schedulers),
on the SQLite file and on PostgreSQL; and the App Home summary, for owners only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import build_parser, cmd_report
from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.report import start_slack_weekly
from bot.store import Store
from tests.report.helpers import FRAMEWORK, NOW, PRIVATE, REPO, fill
from tests.slack.harness import send_event, serve_slack, slack_settings
from tests.support.slack import Call, FakeSlack
from tests.support.wait import wait_for

OWNERS = "Software Engineering Craft: [U0OWNER1, S0GROUPX]\nEngineer 1: [U0OWNER2, U0OWNER1]\n"


@pytest.fixture
def slack() -> FakeSlack:
    with FakeSlack() as fake:
        yield fake


def owned_content(tmp_path: Path, source: Path = FRAMEWORK) -> Path:
    content = tmp_path / "content"
    shutil.copytree(source, content)
    (content / "owners.yaml").write_text(OWNERS, encoding="utf-8")
    return content


def report(settings: Settings, *flags: str, weeks_later: int = 0) -> int:
    args = build_parser().parse_args(["report", *flags])
    return cmd_report(args, settings, now=NOW + timedelta(weeks=weeks_later))


def completed(slack: FakeSlack) -> list[Call]:
    return slack.matching(lambda c: c.method == "files.completeUploadExternal" and c.ok)


@pytest.fixture
def settings(state_settings: Settings, slack: FakeSlack, tmp_path: Path) -> Settings:
    s = replace(state_settings, content_dir=owned_content(tmp_path), slack_bot_token="xoxb-test",
                slack_api_url=slack.api_url)
    fill(s)
    return s


def test_each_owner_gets_a_dm_with_the_summary_and_the_page_once_a_week(settings: Settings, slack: FakeSlack,
                                                                        capsys) -> None:
    assert report(settings, "--send") == 0
    done = completed(slack)
    assert sorted(c.body["channel_id"] for c in done) == ["D0OWNER1", "D0OWNER2"]
    opened = [c.body["users"] for c in slack.matching(lambda c: c.method == "conversations.open")]
    assert sorted(opened) == ["U0OWNER1", "U0OWNER2"]  # a user group has no DM
    comment = done[0].body["initial_comment"]
    assert comment.startswith("*What people asked careerfw, 29 Nov 2026 12:00 to 06 Dec 2026 12:00 (UTC)*")
    assert "12 questions asked: 50% answered, 42% refused, 8% thumbed down" in comment
    assert PRIVATE not in comment and "U0AAA" not in comment
    uploads = slack.matching(lambda c: c.method.startswith("upload/"))
    assert len(uploads) == 2
    page = uploads[0].body["_bytes"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="chart-weekly"' in page and PRIVATE not in page
    assert "sent the 2026-W49 report" in capsys.readouterr().out

    assert report(settings, "--send") == 0  # again the same week: nothing more
    assert len(completed(slack)) == 2
    assert capsys.readouterr().out.count("2026-W49 report already sent") == 2
    assert report(settings, "--send", weeks_later=1) == 0  # the next week: again, once each
    assert len(completed(slack)) == 4


def test_a_failed_upload_is_sent_by_a_later_run_and_only_then(settings: Settings, slack: FakeSlack,
                                                              capsys) -> None:
    slack.script["files.completeUploadExternal"] = [(200, {}, {"ok": False, "error": "internal_error"})]
    assert report(settings, "--send") == 1
    assert "report not sent: Slack error internal_error" in capsys.readouterr().err
    assert len(completed(slack)) == 1  # the other owner got it
    assert report(settings, "--send") == 0
    assert len(completed(slack)) == 2
    assert report(settings, "--send") == 0
    assert len(completed(slack)) == 2


def test_dry_run_prints_who_would_get_what_and_sends_nothing(tmp_path: Path, slack: FakeSlack, capsys) -> None:
    settings = Settings(content_dir=owned_content(tmp_path), state_db=tmp_path / "state.db",
                        scheduler_enabled=False)  # no token needed
    assert report(settings, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "a real run would send this to report:slack:U0OWNER1 for 2026-W49" in out
    assert "report:slack:U0OWNER2" in out and "S0GROUPX" not in out
    assert "What people asked careerfw" in out
    assert slack.calls == [] and not settings.state_db.exists()


def test_two_processes_racing_send_each_owner_one_dm(settings: Settings, slack: FakeSlack, tmp_path: Path) -> None:
    """Two `careerfw report --send` processes (two CronJob pods, or one beside a replica): on one SQLite
    file, or on one PostgreSQL with a state file each, so only the database can tell them apart."""
    slack.delay = 0.3  # Slack is slow, so the second process arrives while the first is sending
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.api_url,
           "CAREERFW_CONTENT": str(settings.content_dir), "HF_HUB_OFFLINE": "1"}
    env.pop("CAREERFW_DATABASE_URL", None)
    if settings.database_url:
        env["CAREERFW_DATABASE_URL"] = settings.database_url
    files = [settings.state_db if not settings.database_url else tmp_path / f"state{i}.db" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "report", "--send"], cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**env, "CAREERFW_STATE_DB": str(file)}) for file in files]
    results = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert sorted(c.body["channel_id"] for c in completed(slack)) == ["D0OWNER1", "D0OWNER2"]
    out = "".join(o for o, _ in results)
    assert out.count("report already sent") + out.count("another run is sending") == 2, out


def test_the_scheduler_of_each_replica_sends_it_once(settings: Settings, slack: FakeSlack, seed_answerer) -> None:
    """`careerfw serve` schedules the report with the nudge (no nudge channel needed): two replicas'
    schedulers, both catching up on this week's missed run at start, send each owner one DM."""
    live = replace(settings, scheduler_enabled=True, nudge_cron="0 0 * * mon")  # already fired this week
    stores = [Store.open(live), Store.open(live)]
    schedulers = [start_slack_weekly(Runtime(live, seed_answerer, store=store)) for store in stores]
    try:
        assert all(s is not None for s in schedulers)
        slack.wait_for(lambda c: c.method == "files.completeUploadExternal" and c.ok, count=2, timeout=120)
        assert wait_for(lambda: all(not s.get_job("careerfw-weekly-report-retry") for s in schedulers), 60)
        assert sorted(c.body["channel_id"] for c in completed(slack)) == ["D0OWNER1", "D0OWNER2"]
        assert slack.posts() == []  # no nudge channel: no nudge
    finally:
        for s in schedulers:
            s.shutdown(wait=False)
        for store in stores:
            store.close()


def test_the_app_home_shows_owners_the_summary_and_no_one_else(tmp_path: Path, seed_answerer) -> None:
    with FakeSlack() as fake:
        content = owned_content(tmp_path, REPO / "content")
        (content / "owners.yaml").write_text("ML and Edge ML Engineer Craft: [U0OWNER1]\n", encoding="utf-8")
        settings = slack_settings(fake, tmp_path / "state.db", content_dir=content)
        fill(replace(settings, content_dir=FRAMEWORK))
        with serve_slack(settings, seed_answerer, fake) as app:
            for user in ("U0OWNER1", "U0SOMEONE"):
                send_event(app, {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
            homes = {c.body["user_id"]: c.body for c in fake.wait_for(lambda c: c.method == "views.publish", 2)}
    owner = json.dumps(homes["U0OWNER1"]["view"])
    other = json.dumps(homes["U0SOMEONE"]["view"])
    assert "For framework owners" in owner and "What people asked careerfw" in owner
    assert "For framework owners" not in other and "What people asked" not in other
    assert "Not written yet" in owner and "Not written yet" in other  # both keep the usual home


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.http.yml"])
def test_the_app_asks_for_the_scopes_the_report_dm_needs(name: str) -> None:
    import yaml

    scopes = set(yaml.safe_load((REPO / name).read_text())["oauth_config"]["scopes"]["bot"])
    assert {"im:write", "files:write"} <= scopes  # conversations.open, files_upload_v2


def test_sending_without_a_bot_token_is_one_line_naming_it(tmp_path: Path, capsys) -> None:
    from bot.cli import main

    env_token = os.environ.pop("SLACK_BOT_TOKEN", None)
    try:
        assert main(["report", "--send", "--content", str(owned_content(tmp_path))]) == 1
    finally:
        if env_token is not None:
            os.environ["SLACK_BOT_TOKEN"] = env_token
    assert capsys.readouterr().err.strip() == ("careerfw: SLACK_BOT_TOKEN is not set: the owners' report needs a "
                                               "bot token with im:write and files:write")
