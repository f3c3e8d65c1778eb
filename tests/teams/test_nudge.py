"""Conversation references and the weekly nudge on Teams, posted proactively to a loopback connector."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, ConnectionManager

from bot.cli import cmd_nudge
from bot.nudge.message import build_message
from bot.nudge.target import NudgeDeliveryError, NudgeTarget
from bot.teams import cards
from bot.teams.nudge import ProactiveSender, TeamsNudgeTarget, teams_targets
from index.answer import Answerer
from tests.teams.harness import (
    BOT_ID,
    CLIENT_ID,
    Bot,
    Connector,
    IssuedToken,
    assert_valid_card,
    card_texts,
    members_changed,
    message,
)

TEAM = "19:team-general@thread.tacv2"
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # ISO week 2026-W48


@pytest.fixture()
def bot(start_bot: Any, seed_answerer: Answerer, connector: Connector) -> Bot:
    """A fresh bot (and state DB) per test: what is stored is what the test did."""
    connector.clear()
    return start_bot(seed_answerer, teams_allow_anonymous=True)


def nudge(bot: Bot, now: datetime) -> int:
    args = argparse.Namespace(teams=True, dry_run=False, channel=None)
    return cmd_nudge(args, bot.services.settings, now=now)


def test_bot_added_to_a_team_stores_the_reference_and_says_hello(bot: Bot, connector: Connector) -> None:
    status, _ = bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True,
                                         team=TEAM))
    assert status == 202
    stored = bot.services.conversations.get(TEAM)
    assert stored is not None and stored.conversation_type == "channel" and stored.team_id == TEAM
    reference = stored.conversation.conversation_reference
    assert reference.service_url == connector.url and reference.agent.id == BOT_ID
    welcome = connector.posts(TEAM)
    assert len(welcome) == 1 and "todo" in welcome[0].body["text"]


def test_the_docs_curl_example_leaves_no_conversation_behind(bot: Bot, connector: Connector) -> None:
    """docs/teams.md's curl example names the bot itself as the serviceUrl: it is answered in the
    response, and not stored, since every later nudge to the bot itself would fail."""
    curl = {"type": "message", "text": "what does Head of ML own?", "channelId": "msteams",
            "serviceUrl": bot.url.replace("127.0.0.1", "localhost") + "/", "conversation": {"id": "dev",
            "conversationType": "personal"}, "from": {"id": "dev-user"}, "recipient": {"id": "careerfw"}}
    for service_url in (curl["serviceUrl"], bot.url + "/", bot.url):
        assert bot.replies({**curl, "serviceUrl": service_url}), service_url
    assert bot.services.conversations.all() == [] and teams_targets(bot.services.settings) == []
    # A connector on another port of the same machine is one (the Agents Playground, the Emulator).
    bot.replies({**curl, "serviceUrl": connector.url})
    assert [c.conversation_id for c in bot.services.conversations.all()] == ["dev"]


def test_someone_else_joining_stores_nothing(bot: Bot, connector: Connector) -> None:
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True,
                             who="29:new-colleague", team=TEAM))
    assert bot.services.conversations.all() == []
    assert connector.posts() == []


def test_first_personal_message_stores_the_chat(bot: Bot, connector: Connector) -> None:
    bot.replies(message("help", service_url=connector.url, conversation="a:chat-with-ada"))
    assert [c.conversation_id for c in bot.services.conversations.all()] == ["a:chat-with-ada"]


def test_mention_in_another_channel_of_a_known_team_adds_no_second_target(bot: Bot, connector: Connector) -> None:
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    bot.replies(message("<at>careerfw</at> help", service_url=connector.url, kind="channel", mention=True,
                        conversation="19:random@thread.tacv2;messageid=42", team=TEAM))
    assert [c.conversation_id for c in bot.services.conversations.all()] == [TEAM]


def test_removing_the_bot_forgets_the_conversation(bot: Bot, connector: Connector) -> None:
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    bot.replies(message("help", service_url=connector.url, conversation="a:chat-with-ada"))
    assert len(bot.services.conversations.all()) == 2

    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=False, team=TEAM))

    assert [c.conversation_id for c in bot.services.conversations.all()] == ["a:chat-with-ada"]
    assert [t.key for t in teams_targets(bot.services.settings)] == ["teams:a:chat-with-ada"]


def test_weekly_nudge_is_posted_proactively_once_per_week_per_conversation(
    bot: Bot, connector: Connector, seed_answerer: Answerer
) -> None:
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    bot.replies(message("help", service_url=connector.url, conversation="a:chat-with-ada"))
    targets = teams_targets(bot.services.settings)
    assert all(isinstance(t, NudgeTarget) for t in targets)
    connector.clear()

    assert nudge(bot, MONDAY) == 0

    posts = connector.posts()
    assert sorted(c.path for c in posts) == sorted(
        f"/v3/conversations/{conv}/activities" for conv in (TEAM, "a:chat-with-ada")
    )  # new posts in each conversation, not replies to some message
    todo = [e for e in seed_answerer.entries if e.todo]
    title = build_message(seed_answerer.entries).title  # type: ignore[union-attr]
    for post in posts:
        assert "replyToId" not in post.body
        assert_valid_card(post.card)
        assert post.body["from"]["id"] == BOT_ID
        texts = " ".join(card_texts(post.card["body"]))
        assert all(e.area in texts for e in todo)
        assert all(e.area in post.card["fallbackText"] for e in todo)
        assert post.card["version"] == cards.VERSION and post.body["summary"] == post.card["fallbackText"]
        assert post.body["text"] == title  # the nudge's own one-line title leads the message

    # Again the same week, by cron or by hand: nothing more.
    connector.clear()
    assert nudge(bot, MONDAY + timedelta(hours=3)) == 0
    assert nudge(bot, MONDAY + timedelta(days=4)) == 0
    assert connector.posts() == []

    # The next week, once more per conversation.
    assert nudge(bot, MONDAY + timedelta(days=7)) == 0
    assert len(connector.posts(TEAM)) == 1 and len(connector.posts("a:chat-with-ada")) == 1


def test_refused_post_is_reported_and_retried_by_a_later_run(bot: Bot, connector: Connector) -> None:
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    connector.clear()
    connector.refuse[TEAM] = 503

    assert nudge(bot, MONDAY) == 1  # the week stays unsent
    assert len(connector.posts(TEAM)) == 1

    connector.clear()
    assert nudge(bot, MONDAY + timedelta(hours=1)) == 0
    assert len(connector.posts(TEAM)) == 1  # the retry posts it, once
    connector.clear()
    assert nudge(bot, MONDAY + timedelta(hours=2)) == 0
    assert connector.posts() == []


@pytest.mark.parametrize("status,retryable", [(403, False), (404, False), (429, True), (502, True)])
def test_delivery_errors_say_whether_retrying_can_help(
    bot: Bot, connector: Connector, seed_answerer: Answerer, status: int, retryable: bool
) -> None:
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    connector.refuse[TEAM] = status
    (target,) = teams_targets(bot.services.settings)
    assert isinstance(target, TeamsNudgeTarget)
    message_ = build_message(seed_answerer.entries)
    assert message_ is not None
    with pytest.raises(NudgeDeliveryError) as excinfo:
        target.send(message_)
    assert excinfo.value.retryable is retryable
    assert str(status) in excinfo.value.reason and TEAM in excinfo.value.reason


@pytest.mark.parametrize("status", [403, 404])
def test_a_refusal_that_needs_a_person_is_not_reported_as_retried(
    bot: Bot, connector: Connector, capsys: pytest.CaptureFixture[str], status: int
) -> None:
    """docs/teams.md, where the weekly nudge goes: 401/403/404 need a person; the report says so (it said
    "a later run retries", which only fails the same way again)."""
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    connector.refuse[TEAM] = status
    capsys.readouterr()
    assert nudge(bot, MONDAY) == 1
    reported = capsys.readouterr().err
    assert f"HTTP {status}" in reported and "needs a person" in reported
    assert "a later run retries" not in reported


def test_unreachable_connector_is_a_retryable_failure(bot: Bot, connector: Connector, seed_answerer: Answerer) -> None:
    bot.replies(message("help", service_url="http://127.0.0.1:9/", conversation="a:gone"))
    (target,) = teams_targets(bot.services.settings)
    with pytest.raises(NudgeDeliveryError) as excinfo:
        target.send(build_message(seed_answerer.entries))  # type: ignore[arg-type]
    assert excinfo.value.retryable and "127.0.0.1:9" in excinfo.value.reason


def test_a_huge_todo_list_still_fits_one_teams_message() -> None:
    from bot.nudge.message import build_message
    from index.entry import Entry

    entries = [
        Entry("Framework", f"Craft {c}", f"Level {lv}", "Role", "Skills", f"A rather long area name number {n}", "",
              True, f"craft{c}/level{lv}.md:{n + 10}", permalink=f"/craft{c}/level{lv}")
        for c in range(3) for lv in range(4) for n in range(40)
    ]
    message_ = build_message(entries, site_url="https://framework.example.org")
    assert message_ is not None and message_.todo_count == 480

    card = cards.nudge_card(message_)

    assert_valid_card(card)
    assert cards.card_bytes(card) <= cards.MAX_CARD_BYTES
    texts = card_texts(card["body"])
    assert sum(1 for t in texts if t.startswith("…and ") and t.endswith("(`careerfw todo` lists them all)")) == 12
    for group in message_.groups:
        assert group.summary in texts  # every group's count is still there
    assert card["fallbackText"].endswith("`careerfw todo` lists every area)")


def test_listing_targets_never_creates_state(tmp_path: Any) -> None:
    import sqlite3

    from bot.config import Settings

    missing = Settings(state_db=tmp_path / "none.db")
    assert teams_targets(missing) == [] and not missing.state_db.exists()
    other = tmp_path / "slack-only.db"
    sqlite3.connect(other).execute("CREATE TABLE nudge_weeks (target TEXT)").connection.close()
    assert teams_targets(Settings(state_db=other)) == []
    tables = {r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")}
    assert "teams_conversations" not in tables


def test_in_production_a_proactive_post_carries_the_bots_token(
    bot: Bot, connector: Connector, seed_answerer: Answerer
) -> None:
    activity = Activity.model_validate(
        members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM)
    )
    claims = {"aud": CLIENT_ID, "iss": "https://api.botframework.com"}
    bot.services.conversations.remember(activity, ClaimsIdentity(claims), installed=True)
    # The stand-in connector is on loopback, which production trusts only when named explicitly.
    production = replace(bot.services.settings, teams_allow_anonymous=False, teams_client_id=CLIENT_ID,
                         teams_client_secret="s", teams_tenant_id="tenant-1", teams_service_hosts=("127.0.0.1",))
    manager = ConnectionManager(IssuedToken, CONNECTIONS={"SERVICE_CONNECTION": {"SETTINGS": {"CLIENTID": CLIENT_ID}}})
    IssuedToken.requests.clear()

    (target,) = teams_targets(production, ProactiveSender(production, manager))
    target.send(build_message(seed_answerer.entries))  # type: ignore[arg-type]

    (post,) = connector.posts(TEAM)
    assert post.headers.get("Authorization") == "Bearer token-from-entra"
    assert "https://api.botframework.com" in IssuedToken.requests  # a Bot Framework connector token


def test_in_development_a_proactive_post_is_anonymous(bot: Bot, connector: Connector,
                                                      seed_answerer: Answerer) -> None:
    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    connector.clear()
    (target,) = teams_targets(bot.services.settings)
    target.send(build_message(seed_answerer.entries))  # type: ignore[arg-type]
    (post,) = connector.posts(TEAM)
    assert "Authorization" not in post.headers


def test_installation_update_add_and_remove(bot: Bot, connector: Connector) -> None:
    def installation(action: str) -> dict[str, Any]:
        activity = message(None, service_url=connector.url, conversation="a:installed-chat")
        return {**activity, "type": "installationUpdate", "action": action}

    assert bot.post(installation("add"))[0] == 202
    assert [c.conversation_id for c in bot.services.conversations.all()] == ["a:installed-chat"]
    assert bot.post(installation("remove"))[0] == 202
    assert bot.services.conversations.all() == []


def test_the_scheduler_inside_careerfw_teams_nudges_stored_conversations(bot: Bot, connector: Connector) -> None:
    from bot.nudge.scheduler import JOB_ID
    from bot.runtime import Runtime
    from bot.teams import connection
    from bot.teams.nudge import start_teams_nudges

    bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    connector.clear()
    settings = replace(bot.services.settings, scheduler_enabled=True)
    # No catch-up run at start: only the runs this test makes.
    runtime = Runtime(settings, bot.services.answerer, bot.services.health)
    scheduler = start_teams_nudges(runtime, connection.connection_manager(settings), catch_up=False)
    assert scheduler is not None
    try:
        job = scheduler.get_job(JOB_ID).func
        outcomes = job()
        assert [(o.target, o.status) for o in outcomes] == [(f"teams:{TEAM}", "sent")]
        assert len(connector.posts(TEAM)) == 1
        assert [o.status for o in job()] == ["already_sent"]
        assert len(connector.posts(TEAM)) == 1
    finally:
        scheduler.shutdown(wait=False)
