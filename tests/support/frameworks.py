"""Made-up frameworks written by the tests, in the just-the-docs layout docs/content.md describes.

Tests that need a framework nobody tuned the ranker on write one here rather than each carrying its own
page template: front matter, an area table, a ladder of level pages under a craft page. The data (titles,
cells, bullets) stays in the test, where a reader sees what is asked of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from index import Answerer
    from index.aliases import Structure

REPO = Path(__file__).resolve().parents[2]
# The frameworks kept in the repository that tests read in place (conftest.py answers each once a session).
SEED_CONTENT = REPO / "content"
MULTILEVEL = REPO / "tests" / "fixtures" / "multilevel"
KEEL = REPO / "tests" / "fixtures" / "glossary"

FrontValue = str | int | bool | None


def _yaml_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # A title such as "Level 2: Senior" or "123" would read as another mapping or a number unquoted, or
    # not at all ("Misc: Tech Lead" is no YAML value).
    try:
        plain = yaml.safe_load(f"v: {value}") == {"v": value}
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value)


def front(**fields: FrontValue) -> str:
    """A page's front matter block, in the order given; a field set to None is left out."""
    lines = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in fields.items() if value is not None)
    return f"---\n{lines}---\n"


def page(body: str, **fields: FrontValue) -> str:
    """A whole page: its front matter, a blank line, then the body as written."""
    return f"{front(**fields)}\n{body}"


def area_table(cells: Mapping[str, str], header: tuple[str, str] = ("Area", "Description")) -> str:
    """A level's `| Area | Description |` table, one row a cell in the order given."""
    rows = "".join(f"| {area} | {text} |\n" for area, text in cells.items())
    return f"| {header[0]} | {header[1]} |\n|:-----|:------------|\n{rows}"


def bullets(items: Sequence[str]) -> str:
    return "".join(f"- {item}\n" for item in items)


def write_pages(root: Path, pages: Mapping[str, str]) -> Path:
    """Each page's text under its name (which may hold folders) below root; returns root."""
    for name, text in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


@dataclass(frozen=True)
class Ladder:
    """One craft: its page's title and body, and its levels in order, each (title, body below the H1)."""

    title: str
    levels: Sequence[tuple[str, str]]
    intro: str = ""


def write_ladders(content: Path, ladders: Mapping[str, Ladder], *, framework: str | None = "Acme Ladder",
                  heading: str = "{level}", file: str = "{craft}_{n}.md", slug: str = "l{n}") -> Path:
    """A craft page ({craft}.md, permalink /{craft}) and a page per level for each ladder keyed by its
    slug. Levels are numbered 1.. by nav_order; `heading` is each level page's H1 (given {level} and
    {craft_title}); with framework None the crafts stand at the top, with no parent above them."""
    pages: dict[str, str] = {}
    for craft, ladder in ladders.items():
        intro = f"\n{ladder.intro}" if ladder.intro else ""
        pages[f"{craft}.md"] = page(f"# {ladder.title}\n{intro}", title=ladder.title, permalink=f"/{craft}",
                                    parent=framework, has_children=True)
        for n, (level, body) in enumerate(ladder.levels, 1):
            h1 = heading.format(level=level, craft_title=ladder.title)
            pages[file.format(craft=craft, n=n)] = page(
                f"# {h1}\n\n{body}", title=level, permalink=f"/{craft}/{slug.format(n=n)}", nav_order=n,
                parent=ladder.title, grand_parent=framework)
    return write_pages(content, pages)


@contextmanager
def level_renamed(answerer: Answerer, content: Path, level: str, to: str = "Level Nine") -> Iterator[None]:
    """The content as an edit leaves it under a running bot: the table column `level` renamed `to` and
    the answerer reloaded (a hot reload), and everything put back after."""
    page_path = next(p for p in content.rglob("*.md") if f"| {level} |" in p.read_text("utf-8"))
    page_path.write_text(page_path.read_text("utf-8").replace(f"| {level} |", f"| {to} |"), "utf-8")
    answerer.reload(content)
    try:
        yield
    finally:
        page_path.write_text(page_path.read_text("utf-8").replace(f"| {to} |", f"| {level} |"), "utf-8")
        answerer.reload(content)


def write_one_level(content: Path, areas: Mapping[str, str]) -> Path:
    """The smallest framework a reload can change: one level page (eng/level1.md) of Engineering Craft,
    a row an area; written again with other areas, it is the edit a hot reload picks up."""
    text = front(title="Level 1", permalink="/fw/eng/level1", parent="Engineering Craft",
                 grand_parent="Test Framework") + "# Engineer - Level 1\n## Craft\n" + area_table(areas)
    return write_pages(content, {"eng/level1.md": text})


def structure_of(content: Path) -> Structure:
    """The framework model (index/aliases.Structure) of a folder the test wrote, which must load cleanly:
    what level, craft and area forms a question names, read from the titles alone, without the model."""
    from index.aliases import Structure
    from index.parse import load_content

    loaded = load_content(content)
    assert not loaded.errors, loaded.errors
    return Structure(loaded.entries)
