"""Layouts other than a level x area table, on small made-up frameworks written here."""

from __future__ import annotations

from pathlib import Path

from index.answer import Answerer
from index.levelorder import LevelOrder
from index.parse import load_content


def _page(root: Path, name: str, front: str, body: str) -> None:
    (root / name).write_text(f"---\n{front}\n---\n\n{body}", "utf-8")


def _skills_framework(root: Path) -> None:
    fw = "grand_parent: Capability Framework"
    _page(root, "analyst.md", f"title: Analyst\nparent: Data roles\n{fw}\nnav_order: 1",
          "# Analyst\n\nAn analyst turns questions from the business into numbers people trust.\n\n"
          "| Skill | Description | Skill level |\n|---|---|---|\n"
          "| Modelling | You can build simple models. | Working |\n"
          "| Ethics | You can spot consent issues. | Awareness |\n")
    _page(root, "lead.md", f"title: Lead analyst\nparent: Data roles\n{fw}\nnav_order: 2",
          "# Lead analyst\n\nA lead analyst sets the direction of analysis across several teams.\n\n"
          "| Skill | Description | Skill level |\n|---|---|---|\n"
          "| Modelling | You can review the models of others. | Expert |\n"
          "| Ethics | You can run ethics reviews. | Working |\n")
    for n, tier in enumerate(("Awareness", "Working", "Expert"), start=1):
        _page(root, f"skills-{tier.lower()}.md", f"title: {tier}\nparent: Skills\n{fw}\nnav_order: {n}",
              f"# {tier}\n\n| Skill | Description |\n|---|---|\n"
              f"| Modelling | At {tier.lower()} you handle models of grade g{n}. |\n"
              f"| Ethics | At {tier.lower()} you handle consent questions of grade e{n}. |\n")


def test_a_page_other_pages_name_as_a_skill_level_is_a_tier_not_a_job_level(tmp_path: Path) -> None:
    _skills_framework(tmp_path)
    content = load_content(tmp_path)
    tiers = [e for e in content.entries if e.kind == "tier"]
    assert {e.section for e in tiers} == {"Awareness", "Working", "Expert"}
    assert all(not e.level for e in tiers)
    # The job ladder is the roles alone: "which levels are there?" lists no tier.
    ladders = [[lv.title for lv in ladder] for ladder in LevelOrder(content.entries).by_craft()]
    assert ladders == [["Analyst", "Lead analyst"]]


def test_a_tier_is_still_quoted_and_a_level_overview_leads_with_its_introduction(tmp_path: Path, embedder) -> None:
    content = tmp_path / "content"
    content.mkdir()
    _skills_framework(content)
    answerer = Answerer.open(content, tmp_path / "index", embedder=embedder)
    tier = answerer.ask("what does expert modelling look like?")
    assert tier.confident and "models of grade g3" in tier.quotes[0].text
    overview = answerer.ask("what is expected of a lead analyst?")
    assert overview.intent == "level"
    assert overview.quotes[0].text.startswith("A lead analyst sets the direction")
    levels = answerer.ask("which levels are there?")
    assert [lv.title for lv in levels.levels] == ["Analyst", "Lead analyst"]
