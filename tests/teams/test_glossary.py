"""A careerfw.yaml redirect in Teams over real HTTP (docs/content.md, "careerfw.yaml"): the admin's own
words and link, labelled as their note, on a made-up framework."""

from __future__ import annotations

from typing import Any

from index.answer import Answerer
from index.glossary import ADMIN_NOTE
from tests.teams.harness import Connector, adaptive_card, assert_valid_card, card_texts, message


def test_a_redirect_is_the_admins_note_with_its_link(start_bot: Any, connector: Connector,
                                                      keel_answerer: Answerer) -> None:
    bot = start_bot(keel_answerer, teams_allow_anonymous=True)
    (reply,) = bot.replies(message("what about bonuses?", service_url=connector.url))
    card = adaptive_card(reply)
    assert_valid_card(card)
    texts = " ".join(card_texts(card))
    assert ADMIN_NOTE in texts and "Pay isn't part of the progression framework." in texts
    assert "https://people.example.com/pay" in texts
    opens = [e["selectAction"]["url"] for e in _runs(card) if "selectAction" in e]
    assert opens == ["https://people.example.com/pay"]


def _runs(element: Any) -> list[dict[str, Any]]:
    if isinstance(element, dict):
        found = [element] if element.get("type") == "TextRun" else []
        return found + [r for v in element.values() for r in _runs(v)]
    if isinstance(element, list):
        return [r for v in element for r in _runs(v)]
    return []
