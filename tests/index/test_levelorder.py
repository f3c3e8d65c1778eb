"""Each craft's levels in order, from the content: nav_order, numbers in titles, page order; tracks."""

from __future__ import annotations

from pathlib import Path

from index.levelorder import LevelOrder
from index.parse import load_content
from tests.support.shared import shared_framework

REPO = Path(__file__).resolve().parents[2]
MULTILEVEL = REPO / "tests" / "fixtures" / "multilevel"
SEED = REPO / "content"


def _order(root: Path) -> LevelOrder:
    return LevelOrder(load_content(root).entries)


def titles(levels) -> list[str]:
    return [lv.title for lv in levels]


def _page(root: Path, name: str, title: str, parent: str, nav: int | None, area: str = "Delivery") -> None:
    nav_line = f"nav_order: {nav}\n" if nav is not None else ""
    (root / name).write_text(
        f"---\ntitle: {title}\nparent: {parent}\ngrand_parent: Acme Ladder\n{nav_line}---\n\n# {title}\n\n"
        f"| Area | Description |\n|:--|:--|\n| {area} | I deliver work at {title}. |\n",
        encoding="utf-8",
    )


def _craft(root: Path, title: str) -> None:
    (root / f"{title.lower()}.md").write_text(
        f"---\ntitle: {title}\nparent: Acme Ladder\n---\n\n# {title}\n\nThe {title} craft.\n", encoding="utf-8"
    )


def test_nav_order_orders_the_seed_and_the_fixture() -> None:
    order = _order(MULTILEVEL)
    software = order.levels("Software Engineering Craft")
    # nav_order puts the manager track's Senior Engineer 2 (4) before the individual contributor's (5).
    assert titles(software) == [
        "Engineer 1", "Engineer 2", "Senior Engineer 1",
        "Senior Engineer 2 (People Manager)", "Senior Engineer 2 (Individual Contributor)",
    ]
    assert [lv.position for lv in software] == [0, 1, 2, 3, 4]
    assert titles(_order(SEED).levels()) == ["Level 1 (Head Of)"]


def test_levels_written_as_columns_of_one_table_are_ordered_by_their_numbers() -> None:
    order = _order(MULTILEVEL)
    data = [lv for lv in order.levels() if lv.source.startswith("data/")]
    # The page's own title, under which its introduction is filed, is no level.
    assert titles(data) == ["Level 1", "Level 2", "Level 3"]
    assert data[0].areas == ("Experimentation", "Modelling", "Stakeholder Management", "Data Ethics")
    assert titles(order.next("Level 2", data[0].craft)) == ["Level 3"]


def test_numbers_in_titles_order_pages_without_nav_order_numerically(tmp_path: Path) -> None:
    _craft(tmp_path, "Design")
    for i, n in enumerate((10, 2, 1)):
        _page(tmp_path, f"p{i}.md", f"Band {n}", "Design", None)
    order = _order(tmp_path)
    assert titles(order.levels("Design")) == ["Band 1", "Band 2", "Band 10"]
    assert titles(order.next("Band 2", "Design")) == ["Band 10"]
    assert order.previous("Band 1", "Design") == []


def test_nav_order_wins_over_numbers_and_page_order_is_the_last_resort(tmp_path: Path) -> None:
    _craft(tmp_path, "Design")
    _page(tmp_path, "a.md", "Band 2", "Design", 3)
    _page(tmp_path, "b.md", "Band 1", "Design", 1)
    _page(tmp_path, "c.md", "Band 3", "Design", 2)
    assert titles(_order(tmp_path).levels("Design")) == ["Band 1", "Band 3", "Band 2"]

    other = tmp_path / "other"
    other.mkdir()
    _craft(other, "Research")
    # No nav_order and no numbers: the order the pages come in (file names).
    _page(other, "1-associate.md", "Associate", "Research", None)
    _page(other, "2-researcher.md", "Researcher", "Research", None)
    _page(other, "3-lead.md", "Lead Researcher", "Research", None)
    assert titles(_order(other).levels("Research")) == ["Associate", "Researcher", "Lead Researcher"]


def test_parallel_versions_of_a_rung_and_their_tracks_on_ft() -> None:
    order = _order(shared_framework("ft-engineering"))
    craft = "Engineering Craft"
    assert titles(order.levels(craft)) == [
        "Junior Engineer", "Engineer", "Senior Engineer 1",
        "Senior Engineer 2 (Individual Contributor)", "Senior Engineer 2 (People Manager)",
        "Principal Engineer (Individual Contributor)", "Principal Engineer (People Manager)",
        "Technology Director",
    ]
    # A shared step leads to both versions of the next; a track's step to its own track's next.
    assert titles(order.next("Senior Engineer 1", craft)) == [
        "Senior Engineer 2 (Individual Contributor)", "Senior Engineer 2 (People Manager)",
    ]
    assert titles(order.next("Senior Engineer 2 (Individual Contributor)", craft)) == [
        "Principal Engineer (Individual Contributor)",
    ]
    assert titles(order.previous("Principal Engineer (People Manager)", craft)) == [
        "Senior Engineer 2 (People Manager)",
    ]
    assert titles(order.next("Principal Engineer (People Manager)", craft)) == ["Technology Director"]
    assert order.next("Technology Director", craft) == []


def test_monzo_crafts_each_have_six_levels_in_order() -> None:
    order = _order(shared_framework("monzo-engineering"))
    crafts = [levels[0].craft for levels in order.by_craft()]
    assert crafts == ["Backend Engineering Craft", "Data Engineering Craft", "Mobile Engineering Craft",
                      "Web Engineering Craft"]
    for levels in order.by_craft():
        assert titles(levels) == [f"Level {n}" for n in range(1, 7)]
    assert titles(order.next("Level 2", "Mobile Engineering Craft")) == ["Level 3"]
    assert titles(order.previous("Level 2", "Mobile Engineering Craft")) == ["Level 1"]
    assert order.next("Level 6", "Web Engineering Craft") == []
    assert order.next("Level 2", "No Such Craft") == []


def test_ladder_codes_and_a_page_for_every_level() -> None:
    order = _order(shared_framework("danscratch-ladder"))
    assert titles(order.levels()) == [f"L{n}" for n in range(1, 7)]
    order = _order(shared_framework("sourcegraph-eng-product"))
    engineering = titles(order.levels("Engineering"))
    assert "All Levels" not in engineering
    assert engineering == ["IC1", "IC2", "IC3", "IC4", "IC5", "M3", "M4", "M5", "M6"]
    # Two ladders in one craft, told apart by their codes: M3 does not follow IC5.
    assert order.next("IC5", "Engineering") == []
    assert titles(order.next("M3", "Engineering")) == ["M4"]
    assert order.previous("M3", "Engineering") == []
