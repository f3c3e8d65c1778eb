"""The nudge on Slack (bot/slack/nudge.py): Block Kit within its limits, saying what it left out."""

from __future__ import annotations

from bot.nudge.message import build_message


def test_slack_rendering_stays_within_block_kit_limits_and_says_what_it_left_out() -> None:
    from bot.slack.nudge import MAX_BLOCKS, MAX_SECTION, render_slack
    from index.entry import Entry

    long_area = "Stakeholder management " * 20
    entries = [
        Entry(
            framework="Big Framework",
            craft=f"Craft {c}",
            level=f"Level {lvl}",
            role="",
            section="Core",
            area=f"{long_area}{c}-{lvl}-{a}",
            description="TODO" if a % 2 else "Written.",
            todo=bool(a % 2),
            source=f"craft{c}/level{lvl}.md:{10 + a}",
            permalink=f"/craft{c}/level{lvl}",
        )
        for c in range(12)
        for lvl in range(6)
        for a in range(30)
    ]
    message = build_message(entries, site_url="https://fw.example.com")
    assert message is not None and message.todo_count == 12 * 6 * 15
    payload = render_slack(message)
    assert len(payload.blocks) <= MAX_BLOCKS
    sections = [b["text"]["text"] for b in payload.blocks if b["type"] == "section"]
    assert all(len(text) <= MAX_SECTION for text in sections)
    shown = sum(text.count("\n• ") + text.startswith("• ") for text in sections)
    (note,) = [text for text in sections if text.startswith("…and ")]
    left_out = int(note.split()[1])
    assert shown + left_out == message.todo_count
    assert shown > 0 and "15 of 30 areas at Level 0 are still TODO" in sections[1]
