"""What the nudge tests share: a fixed week, settings pointing at a fake Slack, and content edits."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli import build_parser, cmd_nudge
from bot.config import Settings
from index.parse import load_content
from tests.support.slack import Call, FakeSlack

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "content"
SEED_PAGE = "careerframework/mlengineer/level1.md"
UTC = ZoneInfo("UTC")
# Monday 09:00 of ISO week 2026-W48, and later moments of the same week.
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEDNESDAY = MONDAY + timedelta(days=2)
SUNDAY_NIGHT = MONDAY + timedelta(days=6, hours=14, minutes=59)
NEXT_MONDAY = MONDAY + timedelta(days=7)


def settings_for(slack: FakeSlack, tmp_path: Path, content: Path = SEED, **extra: Any) -> Settings:
    return Settings(
        content_dir=content,
        state_db=tmp_path / "state.db",
        site_url="https://fw.example.com",
        slack_bot_token="xoxb-test",
        slack_api_url=slack.api_url,
        nudge_channel="C0NUDGE",
        **extra,
    )


def run_nudge(settings: Settings, now: datetime, *flags: str) -> int:
    args = build_parser().parse_args(["nudge", *flags])
    return cmd_nudge(args, settings, now=now)


def posted_text(call: Call) -> str:
    """Everything a reader of the posted message sees: the fallback text and every block's text."""
    parts = [call.body.get("text", "")]
    for block in call.body.get("blocks", []):
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            parts.append(element.get("text", ""))
    return "\n".join(parts)


def copy_content(tmp_path: Path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(SEED, dest)
    return dest


def set_cell(content: Path, area: str, text: str) -> None:
    """Replace the description cell of `area`'s row on the seed page."""
    page = content / SEED_PAGE
    lines = page.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith(f"| [{area}]"):
            cells = line.split("|")
            cells[2] = f" {text} "
            lines[i] = "|".join(cells)
            break
    else:
        raise AssertionError(f"no row for {area}")
    page.write_text("\n".join(lines), encoding="utf-8")


def seed_todo_areas() -> set[str]:
    return {e.area for e in load_content(SEED).entries if e.todo}


