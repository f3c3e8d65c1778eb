"""Follow-up questions in Teams over real HTTP (Bot Framework activities), on the shared Monzo framework:
one conversation keeps its context, per person, in the state store."""

from __future__ import annotations

from typing import Any

from index.answer import Answerer
from tests.teams.harness import Bot, Connector, adaptive_card, card_texts, message

FIRST = "what does mastery look like for a level 3 backend engineer?"


def texts(reply: dict[str, Any]) -> list[str]:
    return card_texts(adaptive_card(reply)["body"])


def cell(answerer: Answerer, craft: str, level: str, area: str) -> str:
    (entry,) = [e for e in answerer.entries if e.kind == "level" and e.craft.startswith(craft) and e.level == level
                and e.area == area]
    return entry.paragraphs[0]


def test_a_follow_up_in_a_personal_chat_is_answered_for_the_level_it_names(
    monzo_bot: Bot, connector: Connector, monzo_answerer: Answerer
) -> None:
    (first,) = monzo_bot.replies(message(FIRST, service_url=connector.url, conversation="a:follow-1"))
    assert cell(monzo_answerer, "Backend", "Level 3", "Mastery") in texts(first)
    (follow,) = monzo_bot.replies(message("and at level 4?", service_url=connector.url, conversation="a:follow-1"))
    shown = texts(follow)
    assert cell(monzo_answerer, "Backend", "Level 4", "Mastery") in shown
    assert "Backend Engineering › Level 4 › Mastery, following on from your last question" in shown


def test_another_conversation_or_person_starts_afresh(monzo_bot: Bot, connector: Connector) -> None:
    monzo_bot.replies(message(FIRST, service_url=connector.url, conversation="a:follow-2"))
    for activity in (
        message("and at level 4?", service_url=connector.url, conversation="a:follow-3"),
        message("and at level 4?", service_url=connector.url, conversation="a:follow-2", user="29:user-2",
                aad="aad-user-2"),
    ):
        (reply,) = monzo_bot.replies(activity)
        shown = " ".join(texts(reply))
        assert "which one do you mean?" in shown and "following on" not in shown
