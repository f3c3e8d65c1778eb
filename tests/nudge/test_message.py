"""The surface-neutral nudge message (bot/nudge/message.py): which areas, counts and links."""

from __future__ import annotations

from bot.nudge.message import build_message
from index.parse import load_content
from tests.nudge.helpers import (
    SEED,
    seed_todo_areas,
)

# --- the message ------------------------------------------------------------------------------------


def test_message_lists_exactly_the_todo_areas_with_counts_and_links() -> None:
    entries = load_content(SEED).entries
    message = build_message(entries, site_url="https://fw.example.com")
    assert message is not None and message.kind == "todo"
    listed = [a.area for a in message.todo_areas]
    assert sorted(listed) == sorted(seed_todo_areas()) == ["Architecture Design", "Technical Strategy"]
    (group,) = message.groups
    level_total = sum(1 for e in entries if e.level == group.level and e.craft == group.craft)
    assert group.summary == f"2 of {level_total} areas at Level 1 (Head Of) are still TODO"
    assert level_total == 7
    text = message.text
    assert "Vaarst Career Framework › ML and Edge ML Engineer Craft" in text
    assert "https://fw.example.com/careerframework/mlengineer/level1#architecture-design" in text
    assert "https://fw.example.com/careerframework/mlengineer/level1#technical-strategy" in text
    # Areas that are written are not nagged about.
    for written in ("ML Ops", "AI Strategy", "Edge Computing"):
        assert written not in text
