"""The ladder questions in Teams over real HTTP: the promotion checklist as an Adaptive Card list of
toggles, "Send me this as a DM" (posted proactively into the asker's personal chat when Teams has
given us one, else an explanation; not offered in that chat; on a follow-up, the checklist shown), two
areas in a ColumnSet, and the list of levels."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.teams import cards
from bot.teams.listeners import actions
from bot.view import SEND_AS_DM, SENT_AS_DM
from index.answer import Answerer
from tests.teams.harness import (
    Bot,
    Connector,
    adaptive_card,
    assert_valid_card,
    card_actions,
    card_elements,
    card_texts,
    message,
)

CHECKLIST = "what do I need to go from level 3 to level 4 as a backend engineer?"


def _dm_button(card: dict[str, Any]) -> dict[str, Any]:
    (button,) = [a for a in card_actions(card) if a["data"][cards.SUBMIT_KEY] == cards.CHECKLIST_DM]
    return button


def test_checklist_card_is_a_list_of_toggles_with_the_cells_verbatim(monzo_bot: Bot, connector: Connector) -> None:
    expected = monzo_bot.services.answerer.ask(CHECKLIST)
    assert expected.checklist is not None
    (reply,) = monzo_bot.replies(message(CHECKLIST, service_url=connector.url))
    card = adaptive_card(reply)
    assert_valid_card(card)
    marks = {"changed": "changed from Level 3", "new": "new at Level 4", "same": "same as Level 3"}
    titles = [f"{q.entry.area} ({marks[c]})" for q, c in zip(expected.quotes, expected.checklist.changes, strict=True)]
    # One phone screen: the first areas, then "Show all" opens every one in the card itself.
    shown = [t["title"] for t in card_elements(card["body"], "Input.Toggle")]
    assert shown and shown == titles[:len(shown)]
    (show,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard" and a["title"] == "Show all"]
    toggles = card_elements(card["body"], "Input.Toggle") + card_elements(show["card"]["body"], "Input.Toggle")
    assert [t["title"] for t in card_elements(show["card"]["body"], "Input.Toggle")] == titles
    assert len({t["id"] for t in toggles}) == len(toggles)
    # Verbatim: the runs of each block joined (new words are bold runs) hold every paragraph.
    texts = "\n".join("".join(r["text"] for r in b["inlines"])
                      for b in card_elements(show["card"]["body"], "RichTextBlock"))
    for quote in expected.quotes:
        for para in quote.text.split("\n\n"):
            assert para.strip() in texts
    # Asked in the personal chat: "Send me this as a DM" would only post a copy here.
    assert not [a for a in card_actions(card) if a["data"][cards.SUBMIT_KEY] == cards.CHECKLIST_DM]
    assert SEND_AS_DM not in json.dumps(card)
    assert reply["text"] == "Checklist: Level 3 → Level 4"


def test_dm_button_without_a_personal_chat_says_how_to_open_one(monzo_bot: Bot, connector: Connector) -> None:
    channel = "19:ladder@thread.tacv2"
    ask = message(CHECKLIST, service_url=connector.url, conversation=channel, kind="channel", mention=True,
                  team=channel, user="29:stranger", aad="aad-stranger")
    (reply,) = monzo_bot.replies(ask)
    button = _dm_button(adaptive_card(reply))
    assert button["title"] == SEND_AS_DM
    click = message(None, service_url=connector.url, conversation=channel, kind="channel", team=channel,
                    user="29:stranger", aad="aad-stranger", value=button["data"])
    (notice,) = monzo_bot.replies(click)
    assert notice["text"] == actions.NO_PERSONAL_CHAT


def test_dm_button_posts_the_checklist_into_the_personal_chat(monzo_bot: Bot, connector: Connector) -> None:
    expected = monzo_bot.services.answerer.ask(CHECKLIST)
    personal = "a:personal-climber"
    # A first personal message: Teams has now given us the chat, and it is stored.
    monzo_bot.replies(message("help", service_url=connector.url, conversation=personal, user="29:climber",
                              aad="aad-climber"))
    channel = "19:ladder@thread.tacv2"
    (reply,) = monzo_bot.replies(message(CHECKLIST, service_url=connector.url, conversation=channel, kind="channel",
                                         mention=True, team=channel, user="29:climber", aad="aad-climber"))
    connector.clear()
    click = message(None, service_url=connector.url, conversation=channel, kind="channel", team=channel,
                    user="29:climber", aad="aad-climber", value=_dm_button(adaptive_card(reply))["data"])
    (notice,) = monzo_bot.replies(click)
    assert notice["text"] == SENT_AS_DM
    (posted,) = connector.posts(personal)
    card = adaptive_card(posted.body)
    assert_valid_card(card)
    (show,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    toggles = card_elements(show["card"]["body"], "Input.Toggle")
    assert [t["title"].split(" (")[0] for t in toggles] == [q.entry.area for q in expected.quotes]
    assert not [a for a in card_actions(card) if a["data"][cards.SUBMIT_KEY] == cards.CHECKLIST_DM]
    assert connector.posts(channel) == []


@pytest.mark.parametrize("status", [400, 503])
def test_dm_refused_by_teams_says_whether_pressing_again_can_help(
    monzo_bot: Bot, connector: Connector, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    """A 400 from the connector (what it answered every proactive post carrying null fields) is the
    same on every try: the clicker is not told to try again, and the log says what Teams answered."""
    personal, who = f"a:personal-refused-{status}", {"user": f"29:refused-{status}", "aad": f"aad-refused-{status}"}
    monzo_bot.replies(message("help", service_url=connector.url, conversation=personal, **who))
    channel = "19:ladder@thread.tacv2"
    (reply,) = monzo_bot.replies(message(CHECKLIST, service_url=connector.url, conversation=channel, kind="channel",
                                         mention=True, team=channel, **who))
    connector.clear()
    connector.refuse[personal] = status
    click = message(None, service_url=connector.url, conversation=channel, kind="channel", team=channel,
                    value=_dm_button(adaptive_card(reply))["data"], **who)
    with caplog.at_level(logging.INFO, logger="careerfw.teams"):
        (notice,) = monzo_bot.replies(click)
    assert len(connector.posts(personal)) == 1
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "careerfw.teams")
    assert f"HTTP {status}" in logged and personal in logged
    if status == 400:
        assert notice["text"] == actions.DM_REFUSED
        assert "try again" not in notice["text"].lower()
        assert "BadArgument" in logged and "retrying will not help" in logged
    else:
        assert notice["text"] == actions.DM_FAILED  # a connector outage may pass: trying again can work


def test_dm_button_on_a_card_already_in_the_personal_chat_sends_no_copy(monzo_bot: Bot, connector: Connector) -> None:
    # A checklist card posted in the personal chat before the button stopped being offered there.
    personal = "a:personal-already"
    connector.clear()
    click = message(None, service_url=connector.url, conversation=personal, user="29:already", aad="aad-already",
                    value={cards.SUBMIT_KEY: cards.CHECKLIST_DM, "question": CHECKLIST})
    (notice,) = monzo_bot.replies(click)
    assert notice["text"] == actions.ALREADY_IN_PERSONAL_CHAT
    assert "attachments" not in notice and connector.posts() == []


FOLLOW_UP = "how do I get promoted from there?"


def test_dm_button_on_a_follow_up_checklist_sends_that_checklist(monzo_bot: Bot, connector: Connector,
                                                                 monzo_answerer: Answerer) -> None:
    """docs/teams.md: the button carries the context the checklist followed on from, so the personal chat
    gets the checklist that was shown, not the question asked again on its own."""
    personal = "a:personal-promo"
    who = {"user": "29:promo", "aad": "aad-promo"}
    monzo_bot.replies(message("help", service_url=connector.url, conversation=personal, **who))
    group = {"service_url": connector.url, "conversation": "19:promo@thread.v2", "kind": "groupChat",
             "mention": True, **who}
    monzo_bot.replies(message("what does mastery look like for a level 3 backend engineer?", **group))
    (reply,) = monzo_bot.replies(message(FOLLOW_UP, **group))
    shown = [t["title"] for t in card_elements(adaptive_card(reply)["body"], "Input.Toggle")]
    assert shown, "the follow-up is answered with a checklist"
    assert monzo_answerer.ask(FOLLOW_UP).checklist is None  # on its own it is no checklist at all
    connector.clear()
    click = message(None, **{**group, "mention": False}, value=_dm_button(adaptive_card(reply))["data"])
    (notice,) = monzo_bot.replies(click)
    assert notice["text"] == SENT_AS_DM
    (posted,) = connector.posts(personal)
    card = adaptive_card(posted.body)
    assert_valid_card(card)
    assert [t["title"] for t in card_elements(card["body"], "Input.Toggle")] == shown
    assert "From Level 3 to Level 4 (Backend Engineering Craft)" in "\n".join(card_texts(card["body"]))


def test_two_areas_side_by_side_in_a_column_set(bot: Bot, connector: Connector) -> None:
    question = "what's the difference between ML Ops and AI Governance?"
    expected = bot.services.answerer.ask(question)
    (reply,) = bot.replies(message(question, service_url=connector.url))
    card = adaptive_card(reply)
    assert_valid_card(card)
    (columns,) = card_elements(card["body"], "ColumnSet")
    left, right = columns["columns"]
    for column, quote in zip((left, right), expected.quotes, strict=True):
        texts = card_texts(column)
        assert texts[0] == f"{quote.entry.area} · {quote.entry.level}"  # each column names its level
        for para in quote.text.split("\n\n"):
            assert para.strip() in texts


def test_which_levels_lists_each_level_with_where_it_is(monzo_bot: Bot, connector: Connector) -> None:
    expected = monzo_bot.services.answerer.ask("which levels are there?")
    (reply,) = monzo_bot.replies(message("which levels are there?", service_url=connector.url))
    card = adaptive_card(reply)
    assert_valid_card(card)
    texts = card_texts(card["body"])
    # One phone screen: the first crafts' levels, the other crafts named, every level under "Show all".
    more = next((t for t in texts if t.startswith("…and ")), "")
    for craft in {lv.craft for lv in expected.levels}:
        assert craft in texts or craft in more
    for n, level in enumerate(expected.levels[:6], start=1):
        assert f"{n}. {level.title} ({level.source})" in texts
    (show,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    every = card_texts(show["card"]["body"])
    assert {lv.craft for lv in expected.levels} <= set(every)
    assert sum(1 for t in every if t[:1].isdigit()) == len(expected.levels)
