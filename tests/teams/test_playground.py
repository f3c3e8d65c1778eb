"""The Teams bot in the Microsoft 365 Agents Playground, the client Microsoft gives developers: a real
`careerfw teams` process answering the playground's own Bot Framework activities, and posting back
to the playground's connector, in a personal chat and a group chat, as a person would use them from
its web UI (tests/support/playground.py says which of its APIs that is).

Answer cards, a card button, Send me this as a DM and `careerfw nudge --teams` arriving once: what the
loopback stand-ins in tests/teams/harness.py can only imitate, the playground checks as Teams does
(a connector that refuses the bodies Teams refuses, its own conversation ids and mention format)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.view import SEND_AS_DM, SENT_AS_DM
from tests.support import playground as pg
from tests.teams.harness import card_actions, card_elements, card_texts

MULTILEVEL = Path(__file__).resolve().parents[1] / "fixtures" / "multilevel"
CHECKLIST = "what do I need to go from Engineer 1 to Engineer 2 as a software engineer?"
# The cells of Engineer 2 that answer, verbatim from tests/fixtures/multilevel/software/engineer2.md.
DELIVERY = "I deliver features of a few weeks in size with little guidance."
CITATION = (
    "Northwind Career Ladder › Software Engineering Craft › Engineer 2 › Core › Delivery"
    " (software/engineer2.md:18)"
)
TODO_AREAS = [
    "Data Ethics — Level 1 (Data Science Craft)",
    "Site Reliability Engineering (SRE) — Engineer 1 (Software Engineering Craft)",
    "Hiring — Senior Engineer 2 (Individual Contributor) (Software Engineering Craft)",
]
CHECKLIST_AREAS = ["Communication", "Teamwork", "Delivery", "Technical Skills", "Site Reliability Engineering (SRE)"]


@dataclass
class Session:
    playground: pg.Playground
    env: dict[str, str]
    bot: dict[str, str]  # the playground's bot account: id and name (for an @mention)
    user: str  # the playground's signed-in user
    personal: pg.Chat
    group: pg.Chat


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    reason = pg.missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: `make test` installs it and these tests must run)")
        pytest.skip(reason)
    with pg.running(MULTILEVEL) as (_bot, playground, env):
        config = playground.open()
        personal = pg.Chat(config["personalChat"]["id"], "personal")
        group = pg.Chat(config["groupChats"][0]["id"], "group")
        opened = playground.mark()
        # Opening each chat in the UI installs the app there: the bot greets, and stores the
        # conversation (where the DM button and the weekly nudge will post).
        for chat in (personal, group):
            playground.install(chat)
        for chat in (personal, group):
            playground.wait_posted(chat, opened, lambda m: "Ask me about the career framework" in (m.get("text") or ""))
        yield Session(playground, env, config["bot"], config["currentUser"]["id"], personal, group)


def _card(message: dict[str, Any]) -> dict[str, Any] | None:
    for attachment in message.get("attachments") or []:
        if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
            return attachment["content"]
    return None


def _button(card: dict[str, Any], title: str) -> dict[str, Any]:
    (button,) = [a for a in card_actions(card) if a.get("title") == title]
    return button


def _has_card_with(text: str) -> Any:
    return lambda m: (card := _card(m)) is not None and text in "\n".join(card_texts(card))


def _text_is(text: str) -> Any:
    return lambda m: m.get("text") == text


def _assert_one_screen_checklist(card: dict[str, Any]) -> None:
    """The checklist card fits one phone screen (issue 21 item 3, df380c6/aaaa56b): its body holds the
    first areas that fit, and its "Show all" opens the whole checklist in the card itself, every area
    in order with Engineer 2's cells verbatim (new words are bold runs, so a block's runs are joined)."""
    def areas(body: list[dict[str, Any]]) -> list[str]:
        return [t["title"].rsplit(" (", 1)[0] for t in card_elements(body, "Input.Toggle")]

    shown = areas(card["body"])
    assert shown and shown == CHECKLIST_AREAS[:len(shown)] and len(shown) < len(CHECKLIST_AREAS)
    (show,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard" and a["title"] == "Show all"]
    assert areas(show["card"]["body"]) == CHECKLIST_AREAS
    texts = ["".join(r["text"] for r in b["inlines"]) for b in card_elements(show["card"]["body"], "RichTextBlock")]
    assert DELIVERY in "\n".join(texts)


def test_personal_chat_answer_card_and_its_helpful_button(session: Session) -> None:
    pgd, chat = session.playground, session.personal
    mark = pgd.mark()
    pgd.say(chat, session.user, "what does Engineer 2 expect for delivery?")
    answer = pgd.wait_posted(chat, mark, _has_card_with(DELIVERY))
    card = _card(answer)
    assert card is not None and card["type"] == "AdaptiveCard"
    texts = card_texts(card)
    assert texts[:3] == ["Delivery", DELIVERY, "I estimate my work and flag risks to the schedule early."]
    assert CITATION in texts
    # The line Teams shows in notifications comes as the message's text, with the card.
    assert [m["text"] for m in pgd.posted(chat, mark) if m.get("text")] == ["From the framework: Delivery (Engineer 2)"]

    mark = pgd.mark()
    pgd.press(chat, session.user, answer, _button(card, "Helpful")["data"])
    pgd.wait_posted(chat, mark, _text_is("Thanks! Noted that this answer was helpful."))


def test_group_chat_mention_answers_with_a_checklist_card_and_its_todo_button(session: Session) -> None:
    pgd, chat = session.playground, session.group
    mark = pgd.mark()
    pgd.say(chat, session.user, CHECKLIST, mention=session.bot)
    answer = pgd.wait_posted(chat, mark, lambda m: _card(m) is not None)
    card = _card(answer)
    assert card is not None
    _assert_one_screen_checklist(card)
    # Teams shows no suggested actions in a group chat: TODO areas is a button on the card instead.
    todo = _button(card, "TODO areas")
    assert _button(card, SEND_AS_DM)
    assert not pgd.posted(session.personal, mark)  # nothing went to the personal chat

    mark = pgd.mark()
    pgd.press(chat, session.user, answer, todo["data"])
    todo_answer = pgd.wait_posted(chat, mark, lambda m: _card(m) is not None)
    assert card_texts(_card(todo_answer)) == ["3 area(s) not written yet", *TODO_AREAS]


def test_dm_button_in_the_group_chat_posts_the_checklist_into_the_personal_chat(session: Session) -> None:
    pgd = session.playground
    mark = pgd.mark()
    pgd.say(session.group, session.user, CHECKLIST, mention=session.bot)
    answer = pgd.wait_posted(session.group, mark, lambda m: _card(m) is not None)
    card = _card(answer)
    assert card is not None

    mark = pgd.mark()
    pgd.press(session.group, session.user, answer, _button(card, SEND_AS_DM)["data"])
    pgd.wait_posted(session.group, mark, _text_is(SENT_AS_DM))
    dm = pgd.wait_posted(session.personal, mark, lambda m: _card(m) is not None)
    dm_card = _card(dm)
    assert dm_card is not None
    _assert_one_screen_checklist(dm_card)
    # Already in the personal chat: no button to send it there again.
    assert not [a for a in card_actions(dm_card) if a.get("title") == SEND_AS_DM]
    assert not [m for m in pgd.posted(session.group, mark) if _card(m) is not None]  # no copy in the group


def _nudge(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "nudge", "--teams"], cwd=pg.REPO, env=env, text=True,
        capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
    )


def test_nudge_arrives_once_in_each_chat(session: Session) -> None:
    pgd = session.playground
    mark = pgd.mark()
    first = _nudge(session.env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.count("posted the") == 2, first.stdout
    for chat in (session.personal, session.group):
        nudge = pgd.wait_posted(chat, mark, lambda m: "still TODO" in (m.get("text") or ""))
        assert nudge["text"] == "3 framework areas are still TODO", nudge
        # The card of the nudge follows its text, with the areas named.
        pgd.wait_posted(chat, mark, _has_card_with("Hiring"))

    # The CronJob's next run in the same week posts nothing more.
    again = _nudge(session.env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("already posted") == 2, again.stdout
    # A message after the second run: once its answer is in, anything that run had posted would be too
    # (the playground relays the bot's messages in the order it gets them).
    for chat in (session.personal, session.group):
        probe = pgd.mark()
        pgd.say(chat, session.user, "help", mention=session.bot if chat.kind == "group" else None)
        pgd.wait_posted(chat, probe, lambda m: "Ask me about the career framework" in (m.get("text") or ""))
        nudges = [m for m in pgd.posted(chat, mark) if "still TODO" in (m.get("text") or "")]
        assert len(nudges) == 1, nudges
