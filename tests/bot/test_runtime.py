"""The runtime every surface serves from (bot/runtime.py): /healthz follows hot reloads on Slack and
Teams alike, because both surfaces open the same Runtime."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.health import Health
from bot.runtime import Runtime
from index.answer import Answerer

PAGE = """---
title: Level 1
permalink: /fw/eng/level1
parent: Engineering Craft
grand_parent: Test Framework
---
# Engineer - Level 1
## Craft
| Area | Description |
|:-----|:------------|
{rows}
"""


def write_content(root: Path, areas: dict[str, str]) -> Path:
    rows = "\n".join(f"| {area} | {text} |" for area, text in areas.items())
    page = root / "eng" / "level1.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(PAGE.format(rows=rows), "utf-8")
    return root


def test_a_reload_that_goes_live_is_what_healthz_reports_and_a_refused_one_changes_nothing(
    tmp_path: Path, embedder
) -> None:
    content = write_content(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    index_dir = tmp_path / "index"
    settings = Settings(content_dir=content, index_dir=index_dir, state_db=tmp_path / "state.db")
    runtime = Runtime(settings, Answerer.open(content, index_dir, embedder=embedder), Health())
    runtime.health.mark_ready(entries=len(runtime.answerer.entries))
    reloader = runtime.install_reload()

    write_content(content, {"Hiring": "I interview.", "Roadmaps": "I plan.", "On-call": "I keep the rota fair."})
    outcome = reloader.reload()
    assert outcome.ok
    code, body = runtime.health.status()
    assert code == 200 and body["entries"] == 3 and body["index"] == outcome.build_id

    (content / "eng" / "level1.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    refused = reloader.reload()
    assert not refused.ok
    assert runtime.health.status() == (code, body), "a refused reload keeps reporting the index still serving"
