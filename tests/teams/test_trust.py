"""Teams trust boundaries: what an unauthenticated request may make the bot store or send to, and
which connectors (serviceUrl) the bot talks to at all. Real HTTP on loopback; real SQLite."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, ConnectionManager

from bot.config import Settings
from bot.nudge.message import build_message
from bot.nudge.target import NudgeDeliveryError
from bot.teams.nudge import ProactiveSender, teams_targets
from bot.teams.trust import ServiceUrlPolicy
from index.answer import Answerer
from tests.teams.harness import CLIENT_ID, Bot, Connector, IssuedToken, members_changed, message

TEAM = "19:trust-team@thread.tacv2"
BOT_FRAMEWORK_CLAIMS = {"aud": CLIENT_ID, "iss": "https://api.botframework.com"}


def production(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, teams_allow_anonymous=False, teams_client_id=CLIENT_ID, teams_client_secret="s",
                   teams_tenant_id="tenant-1", **changes)


def manager() -> ConnectionManager:
    return ConnectionManager(IssuedToken, CONNECTIONS={"SERVICE_CONNECTION": {"SETTINGS": {"CLIENTID": CLIENT_ID}}})


def remember(bot: Bot, service_url: str, claims: dict[str, str] | None) -> None:
    activity = Activity.model_validate(
        members_changed(service_url=service_url, conversation=TEAM, kind="channel", added=True, team=TEAM))
    bot.services.conversations.remember(activity, ClaimsIdentity(claims) if claims else None, installed=True)


@pytest.fixture(autouse=True)
def forget(bot: Bot) -> Any:
    yield
    with bot.services.store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM teams_conversations")


def test_a_conversation_stored_while_anonymous_is_never_posted_to_with_credentials(
    bot: Bot, connector: Connector, seed_answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    # An anonymous development bot takes the install event of anyone who can reach it.
    assert bot.post(members_changed(service_url=connector.url, conversation=TEAM, kind="channel", added=True,
                                    team=TEAM))[0] == 202
    (stored,) = [c for c in bot.services.conversations.all() if c.conversation_id == TEAM]
    assert stored.anonymous
    connector.clear()
    # The same database, later, under production credentials (naming the loopback host as trusted).
    settings = production(bot.services.settings, teams_service_hosts=("127.0.0.1",))

    assert teams_targets(settings, ProactiveSender(settings, manager())) == []
    assert "stored from an unauthenticated request" in caplog.text
    with pytest.raises(NudgeDeliveryError) as refused:
        ProactiveSender(settings, manager()).send(stored, Activity(type="message", text="hello"))
    assert not refused.value.retryable
    assert connector.calls == []


@pytest.mark.parametrize("url", ["https://attacker.example/", "http://user:pw@127.0.0.1:9/", "ftp://127.0.0.1/",
                                 # punycode that does not decode back (the host check raised UnicodeError: a 500)
                                 "https://xn--smba-trafficmanager.net/",
                                 "http://xn--127-0-0-1:3978/"])
def test_an_activity_naming_an_untrusted_connector_is_refused_and_nothing_is_stored_or_sent(
    bot: Bot, connector: Connector, url: str
) -> None:
    connector.clear()
    status, _ = bot.post(message("what does Head of ML own?", service_url=url, conversation="a:evil-chat"))
    assert status == 401
    assert [c for c in bot.services.conversations.all() if c.conversation_id == "a:evil-chat"] == []
    assert connector.calls == []


def test_userinfo_in_a_loopback_connector_url_never_becomes_basic_auth(bot: Bot, connector: Connector) -> None:
    url = connector.url.replace("http://", "http://user:pw@")
    connector.clear()
    assert bot.post(message("what does Head of ML own?", service_url=url))[0] == 401
    assert not any("Authorization" in c.headers for c in connector.calls)
    assert connector.calls == []


def test_a_stored_reference_to_an_untrusted_connector_is_not_posted_to(
    bot: Bot, connector: Connector, seed_answerer: Answerer
) -> None:
    remember(bot, "https://attacker.example/", BOT_FRAMEWORK_CLAIMS)
    (target,) = [t for t in teams_targets(production(bot.services.settings)) if t.stored.conversation_id == TEAM]
    with pytest.raises(NudgeDeliveryError, match="attacker.example is not a Bot Framework connector host") as exc:
        target.send(build_message(seed_answerer.entries))  # type: ignore[arg-type]
    assert not exc.value.retryable


@pytest.mark.parametrize(
    ("url", "anonymous", "hosts", "allowed"),
    [
        ("https://smba.trafficmanager.net/emea/", False, (), True),
        ("https://europe.webchat.botframework.com/", False, (), True),
        ("http://smba.trafficmanager.net/emea/", False, (), False),
        ("https://user:pw@smba.trafficmanager.net/emea/", False, (), False),
        ("https://smba.trafficmanager.net.attacker.example/", False, (), False),
        ("http://127.0.0.1:3978/", False, (), False),
        ("http://127.0.0.1:3978/", True, (), True),
        ("http://localhost:3978/", True, (), True),
        ("http://127.0.0.1:3978/", False, ("127.0.0.1",), True),
        ("https://bots.sovereign.example/", False, ("sovereign.example",), True),
        ("http://10.0.0.5/", True, (), False),
        ("https://xn--smba-trafficmanager.net/", True, (), False),
        ("https://xn--smba-trafficmanager.net/", False, ("xn--smba-trafficmanager.net",), False),
    ],
)
def test_the_service_url_policy(url: str, anonymous: bool, hosts: tuple[str, ...], allowed: bool) -> None:
    policy = ServiceUrlPolicy(Settings(teams_allow_anonymous=anonymous, teams_service_hosts=hosts))
    assert (policy.refusal(url) is None) is allowed, policy.refusal(url)
