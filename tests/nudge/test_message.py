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


def test_what_changed_since_the_last_nudge_is_worded_once_for_every_surface() -> None:
    """docs/nudges.md: the change lines come from bot/nudge/message.py; a surface adds only its marks."""
    import json

    from bot.nudge.message import CHANGE_LABELS, SINCE_LAST
    from bot.slack.nudge import render_slack
    from bot.teams.cards import nudge_card

    entries = load_content(SEED).entries
    written = next(e for e in entries if not e.todo)
    todo = [e for e in entries if e.todo]
    # Last week: one area since written, one since removed from the content, and not the current TODOs.
    previous = {written.id: {"area": written.area}, "gone#area": {"area": "Quantum Ethics", "level": "Level 9"}}
    message = build_message(entries, previous=previous)
    assert message is not None and [c.kind for c in message.changes] == ["filled_in", "newly_todo", "removed"]
    assert [a.area for a in message.changes[1].areas] == [e.area for e in todo]
    rendered = {
        "text": message.text,
        "slack": json.dumps(render_slack(message).blocks, ensure_ascii=False),
        "teams": json.dumps(nudge_card(message)["body"], ensure_ascii=False),
    }
    for surface, shown in rendered.items():
        assert SINCE_LAST in shown, surface
        for label in CHANGE_LABELS.values():
            assert f"{label}: " in shown, (surface, label)
    again = build_message(entries, previous=message.snapshot())
    assert again is not None and again.unchanged_note == "Nothing changed since the last nudge."
    for shown in (again.text, json.dumps(render_slack(again).blocks), json.dumps(nudge_card(again)["body"])):
        assert again.unchanged_note in shown and SINCE_LAST + ":" not in shown
