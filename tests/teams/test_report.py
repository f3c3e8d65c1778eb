"""The weekly owners' report on Teams: the summary posted proactively, over real HTTP, into the
personal chat of each owner owners.yaml names by their Teams id, once per owner per ISO week."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import build_parser, cmd_report
from index.answer import Answerer
from tests.report.helpers import FRAMEWORK, NOW, PRIVATE, fill
from tests.teams.harness import Bot, Connector, message


@pytest.fixture()
def bot(start_bot: Any, seed_answerer: Answerer, connector: Connector) -> Bot:
    connector.clear()
    return start_bot(seed_answerer, teams_allow_anonymous=True)


def report(bot: Bot, content: Path, *flags: str, weeks_later: int = 0) -> int:
    settings = replace(bot.services.settings, content_dir=content)
    args = build_parser().parse_args(["report", "--teams", *flags])
    return cmd_report(args, settings, now=NOW + timedelta(weeks=weeks_later))


def test_each_owner_with_a_personal_chat_gets_the_summary_once_a_week(bot: Bot, connector: Connector,
                                                                     tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    shutil.copytree(FRAMEWORK, content)
    # Ada by her Entra object id, Grace by her channel account id, and someone who never chatted.
    (content / "owners.yaml").write_text("Software Engineering Craft: [aad-ada, 29:grace, aad-nobody]\n",
                                         encoding="utf-8")
    bot.replies(message("help", service_url=connector.url, conversation="a:chat-with-ada", user="29:ada",
                        aad="aad-ada"))
    bot.replies(message("help", service_url=connector.url, conversation="a:chat-with-grace", user="29:grace",
                        aad="aad-grace"))
    bot.replies(message("help", service_url=connector.url, conversation="a:chat-with-bob", user="29:bob",
                        aad="aad-bob"))
    fill(bot.services.settings)
    connector.clear()

    assert report(bot, content, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "report:teams:aad-ada" in out and "report:teams:29:grace" in out and "aad-nobody" not in out
    assert connector.posts() == []

    assert report(bot, content, "--send") == 0
    for chat in ("a:chat-with-ada", "a:chat-with-grace"):
        (post,) = connector.posts(chat)
        text = post.body["text"]
        assert text.startswith("What people asked careerfw, 29 Nov 2026 12:00 to 06 Dec 2026 12:00 (UTC)")
        assert "12 questions asked: 50% answered" in text and PRIVATE not in text
        assert post.body.get("textFormat") == "plain"
    assert connector.posts("a:chat-with-bob") == []

    assert report(bot, content, "--send") == 0  # the same week again: nothing more
    assert len(connector.posts()) == 2
    assert report(bot, content, "--send", weeks_later=1) == 0
    assert len(connector.posts()) == 4


def test_careerfw_teams_schedules_the_report_beside_the_nudge(bot: Bot, connector: Connector,
                                                               tmp_path: Path) -> None:
    from bot.runtime import Runtime
    from bot.teams import connection
    from bot.teams.report import start_teams_weekly

    content = tmp_path / "content"
    shutil.copytree(FRAMEWORK, content)
    (content / "owners.yaml").write_text("Engineer 1: [aad-ada]\n", encoding="utf-8")
    bot.replies(message("help", service_url=connector.url, conversation="a:chat-with-ada", user="29:ada",
                        aad="aad-ada"))
    connector.clear()
    settings = replace(bot.services.settings, scheduler_enabled=True, content_dir=content)
    runtime = Runtime(settings, bot.services.answerer, bot.services.health, store=bot.services.store)
    scheduler = start_teams_weekly(runtime, connection.connection_manager(settings), catch_up=False)
    assert scheduler is not None
    try:
        job = scheduler.get_job("careerfw-weekly-report").func
        assert [(o.target, o.status) for o in job()] == [("report:teams:aad-ada", "sent")]
        assert [o.status for o in job()] == ["already_sent"]
        (post,) = connector.posts("a:chat-with-ada")
        assert post.body["text"].startswith("What people asked careerfw")
    finally:
        scheduler.shutdown(wait=False)
