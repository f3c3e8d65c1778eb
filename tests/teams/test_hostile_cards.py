"""What content can do to Teams messages: one huge cell must still fit Teams' message size limit
(about 28 KB) and stay verbatim, and markdown in content text must never become live markup."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.nudge.message import build_message
from bot.teams import cards
from index.answer import Answerer
from index.parse import load_content
from tests.teams.harness import Bot, Connector, card_texts, message

TEAMS_LIMIT_BYTES = 28_000
EVIL = "[click here](https://evil.example/steal)"
PAGE = """---
title: Level 1 {evil}
parent: Engineering Craft
grand_parent: Test Framework
---
# Engineer - Level 1 {evil}
| Area | Description |
|:-----|:------------|
| Incident Response | {huge} |
| Code Review | I review pull requests carefully and teach others through my reviews. |
| Hiring | TODO |
"""


def huge_cell() -> str:
    sentence = "Sentence {} says the incident lead writes postmortem number {} within a week."
    return " ".join(sentence.format(i, i) for i in range(1200))  # about 90 KB, one table cell


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> tuple[Answerer, Path]:
    root = tmp_path_factory.mktemp("hostile-content")
    (root / "level1.md").write_text(PAGE.format(evil=EVIL, huge=huge_cell()), "utf-8")
    return Answerer.open(root, tmp_path_factory.mktemp("hostile-index"), embedder=embedder), root


def markdown_texts(element: Any) -> list[str]:
    """Text Teams renders as markdown: TextBlocks (TextRuns are shown literally)."""
    found: list[str] = []
    if isinstance(element, dict):
        if element.get("type") == "TextBlock":
            found.append(element.get("text", ""))
        for value in element.values():
            found.extend(markdown_texts(value))
    elif isinstance(element, list):
        for item in element:
            found.extend(markdown_texts(item))
    return found


def test_one_huge_quote_is_split_into_messages_teams_accepts_and_stays_verbatim(
    hostile: tuple[Answerer, Path], start_bot: Any, connector: Connector
) -> None:
    answerer, _ = hostile
    bot: Bot = start_bot(answerer, teams_allow_anonymous=True)
    activities = bot.replies(message("who writes the postmortem for incident response?", service_url=connector.url,
                                     conversation="a:huge-quote"))
    assert len(activities) > 1
    for activity in activities:
        assert len(json.dumps(activity).encode()) < TEAMS_LIMIT_BYTES
    shown = [t for a in activities for t in card_texts(a["attachments"][0]["content"]["body"])
             if t.startswith("Sentence ")]
    cell = huge_cell()
    joined = " ".join(shown)
    assert len(shown) > 1
    # Verbatim and in order as far as it goes; what does not fit five messages is named, not dropped.
    assert cell.startswith(joined)
    if joined != cell:
        last = card_texts(activities[-1]["attachments"][0]["content"]["body"])
        assert any("too long for a Teams answer" in t for t in last)


def test_markdown_in_content_never_reaches_teams_as_markup(hostile: tuple[Answerer, Path]) -> None:
    answerer, root = hostile
    nudge = cards.nudge_card(build_message(load_content(root).entries))  # type: ignore[arg-type]
    answer = cards.answer_cards(answerer.ask("what is expected at level 1?"))
    for card in [nudge, *answer]:
        assert not [t for t in markdown_texts(card["body"]) if "evil.example" in t], card
    assert any("evil.example" in t for t in card_texts(nudge["body"]))  # shown, as text


def test_split_pieces_cover_the_cell_in_order() -> None:
    from index.answer import Answer, Quote
    from index.entry import Entry

    text = "\n\n".join(f"Paragraph {i}: " + "words " * 400 for i in range(40))
    entry = Entry(framework="FW", craft="C", level="Level 1", role="R", section="S", area="Big", description=text,
                  todo=False, source="p.md:3")
    made = cards.answer_cards(Answer("big?", "lookup", True, quotes=[Quote(entry, text, 0.9, True, None)]))
    assert all(cards.card_bytes(c) <= cards.MAX_CARD_BYTES for c in made)
    runs = [t for c in made for t in card_texts(c["body"]) if re.match(r"Paragraph \d+", t)]
    assert len(runs) > 1 and runs == text.split("\n\n")[: len(runs)]


C0_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")  # what Teams would show as boxes or act on; tab, newline kept


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("question", ["what does AI governance\x00 expect at level 1?\x1b[31m",
                                      "zzqx\x00 blorf\x1b[2J\x07"])
def test_control_characters_in_a_question_are_not_echoed(bot: Bot, connector: Connector, question: str) -> None:
    """U+0000, ESC and the other C0 controls (but tab and newline) from a question never reach a card:
    not its buttons' data, its fallback text or the message text."""
    replies = bot.replies(message(question, service_url=connector.url, conversation="a:controls"))
    assert replies
    echoed = [s for s in _strings(replies) if C0_CONTROLS.search(s)]
    assert echoed == []
    assert any("blorf" in s or "AI governance expect" in s for s in _strings(replies))  # the words are kept


@pytest.mark.parametrize("verb", [cards.CHOOSE_VERB, cards.ASK, cards.EXPLAIN])
def test_control_characters_in_button_data_are_not_echoed(bot: Bot, connector: Connector, verb: str) -> None:
    value = {cards.SUBMIT_KEY: verb, "question": "what does AI governance\x00\x1b expect?", "entry_id": "gone\x00"}
    replies = bot.replies(message(None, service_url=connector.url, conversation="a:controls-click", value=value))
    assert replies
    assert [s for s in _strings(replies) if C0_CONTROLS.search(s)] == []
