"""A "Not helpful" vote in Teams asks for an optional reason: the thanks comes as an Adaptive Card
with a text input, and its submit stores the reason with that vote. Bot Framework activities over
real HTTP, real SQLite."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.teams import cards
from tests.teams.harness import Bot, Connector, adaptive_card, assert_valid_card, card_actions, card_texts, message

QUESTION = "what does AI governance expect at level 1?"


def _votes(bot: Bot, connector: Connector, aad: str) -> dict[str, dict[str, Any]]:
    card = adaptive_card(bot.replies(message(QUESTION, service_url=connector.url, aad=aad))[0])
    return {b["title"]: b["data"] for b in card_actions(card) if b["data"][cards.SUBMIT_KEY] == cards.FEEDBACK}


def _rows(bot: Bot, question_id: int) -> list[tuple[str, str | None]]:
    db = sqlite3.connect(bot.services.settings.state_db)
    try:
        return db.execute("SELECT verdict, reason FROM feedback WHERE question_id = ?", (question_id,)).fetchall()
    finally:
        db.close()


def _reason_card(bot: Bot, connector: Connector, vote: dict[str, Any], aad: str) -> dict[str, Any]:
    (reply,) = bot.replies(message(None, service_url=connector.url, aad=aad, value=vote))
    card = adaptive_card(reply)
    assert_valid_card(card)
    return card


def test_not_helpful_offers_an_optional_reason_that_is_stored_with_the_vote(bot: Bot, connector: Connector) -> None:
    votes = _votes(bot, connector, "aad-reasoner")
    question_id = votes["Not helpful"]["question_id"]
    card = _reason_card(bot, connector, votes["Not helpful"], "aad-reasoner")
    assert "not helpful" in " ".join(card_texts(card)).lower()
    (box,) = [e for e in card["body"] if e["type"] == "Input.Text"]
    assert box["isMultiline"] is True and "optional" in box["label"]
    (send,) = card_actions(card)
    assert _rows(bot, question_id) == [("not_helpful", None)]  # the vote stands before any reason

    # Teams posts the submit's data with the input's value merged in under its id.
    typed = "Quoted level 2 <b>not</b> level 1 & missed the point"
    (thanks,) = bot.replies(message(None, service_url=connector.url, aad="aad-reasoner",
                                    value={**send["data"], box["id"]: typed}))
    assert thanks["text"] == "Thanks! Recorded your reason with your vote."
    assert _rows(bot, question_id) == [("not_helpful", typed)]


def test_helpful_gets_plain_thanks_and_an_empty_or_foreign_reason_is_not_kept(bot: Bot, connector: Connector) -> None:
    votes = _votes(bot, connector, "aad-owner")
    question_id = votes["Helpful"]["question_id"]
    (plain,) = bot.replies(message(None, service_url=connector.url, aad="aad-owner", value=votes["Helpful"]))
    assert "helpful" in plain["text"].lower() and not plain.get("attachments")

    card = _reason_card(bot, connector, votes["Not helpful"], "aad-owner")
    (send,) = card_actions(card)
    (empty,) = bot.replies(message(None, service_url=connector.url, aad="aad-owner",
                                   value={**send["data"], cards.REASON_INPUT: "   "}))
    assert "Nothing to record" in empty["text"]
    (foreign,) = bot.replies(message(None, service_url=connector.url, aad="aad-someone-else",
                                     value={**send["data"], cards.REASON_INPUT: "not my vote"}))
    assert "not kept" in foreign["text"]
    assert _rows(bot, question_id) == [("not_helpful", None)]


def test_a_forged_reason_submit_gets_a_polite_reply(bot: Bot, connector: Connector) -> None:
    value = {cards.SUBMIT_KEY: cards.REASON, "feedback_id": "1; DROP TABLE feedback", cards.REASON_INPUT: "x"}
    (reply,) = bot.replies(message(None, service_url=connector.url, value=value))
    assert reply["text"].startswith("That button belongs to an older answer")
