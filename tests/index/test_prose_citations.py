"""A prose page's citation names its level once (docs/content.md: prose on a level page is that level's
text): "Acme › Engineering › Senior Engineer › Delivery", never "Senior Engineer › Senior Engineer"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.slack.blocks import citation_line
from bot.view import citation
from index.parse import load_content

CRAFT = "---\ntitle: Engineering\nparent: Acme\n---\n# Engineering\n\n## Delivery\n\nHow you ship.\n"
SENIOR = """---
title: Senior Engineer
parent: Engineering
grand_parent: Acme
nav_order: 2
---
# Senior Engineer

Senior engineers lead work that spans several teams.

## Delivery

I break a quarter's roadmap into milestones and keep stakeholders told of slips early.
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    (root / "craft.md").write_text(CRAFT, "utf-8")
    (root / "senior.md").write_text(SENIOR, "utf-8")
    return root


def test_prose_citation_names_the_level_once(content: Path) -> None:
    entries = {e.area: e for e in load_content(content).entries if e.kind == "level"}
    assert citation(entries["Delivery"]) == "Acme › Engineering › Senior Engineer › Delivery"
    # The page's introduction is the level's own text: its section and area are the level's name too.
    assert citation(entries["Senior Engineer"]) == "Acme › Engineering › Senior Engineer"
    line = citation_line(entries["Delivery"], "https://fw.example/senior#delivery")
    assert line.startswith("Acme › Engineering › Senior Engineer › <https://fw.example/senior#delivery|*Delivery*>")


def test_ask_prints_the_prose_citation_without_the_repeat(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--content", str(content), "--index", str(tmp_path / "index"),
                 "how does a senior engineer handle milestones on the roadmap?"]) == 0
    out = capsys.readouterr().out
    assert "Acme › Engineering › Senior Engineer › Delivery" in out, out
    assert "Senior Engineer › Senior Engineer" not in out
