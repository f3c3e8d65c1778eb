"""`careerfw check`: every problem in a content folder, each with file:line and a plain reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA, Levenshtein

from index.glossary import check_glossary
from index.owners import check_owners
from index.problem import Problem
from index.siteurl import site_address
from index.spelling import slips

# index.parse (markdown_it, yaml) is imported when a check runs: a server imports this module for hot
# reload, and a restart from kept state reads no page (issue 23, item 4).
if TYPE_CHECKING:
    from index.parse import Content, Page


def check_content(content_dir: Path) -> tuple[list[Problem], str]:
    """(problems, one-line summary). Other checks (owners file, …) append to the same list."""
    _, problems, summary = check_loaded(content_dir)
    return problems, summary


def check_loaded(content_dir: Path) -> tuple[Content, list[Problem], str]:
    """check_content, with the pages as read, for what else looks at them (`check --shape`)."""
    from index.parse import load_content

    content = load_content(content_dir)
    problems = list(content.problems)
    for extra_check in EXTRA_CHECKS:
        problems.extend(extra_check(content_dir, content))
    summary = (
        f"{content_dir}: {len(content.pages)} pages, {len(content.entries)} entries, "
        f"{content.todo_count} TODO"
    )
    return content, problems, summary


# A one-page, one-level craft beside crafts that all have at least this many pages is probably a typo.
MANY_PAGES = 3


def craft_typos(content: Content) -> list[Problem]:
    """A `parent:` that splits a craft in two: the parser takes any parent as a craft's name, so
    `parent: Enginering` makes a second craft with that one page, and ladder answers ("what comes
    after Level 2?") go wrong without a word.

    A parent within the slips a word of its length may carry (`spelling.slips`; two swapped letters count
    one), or the same but for case and spacing, of a craft with more pages, or with a page of its own, is
    an error: no framework names two crafts that alike. A craft of a single page and level where every other craft
    of its framework has MANY_PAGES or more is only a warning, since a real one-page craft must be
    possible to keep.
    """
    pages = content.pages
    craft_pages: dict[str, list[Page]] = defaultdict(list)  # craft -> its level pages
    framework_of: dict[str, str] = {}
    by_path = {p.path: p for p in pages}
    for entry in content.entries:
        framework_of.setdefault(entry.craft, entry.framework)
        if entry.kind != "level":
            craft_pages.setdefault(entry.craft, [])  # a craft page alone still makes the name real
            continue
        page = by_path.get(entry.source.rsplit(":", 1)[0])
        if page is not None and page not in craft_pages[entry.craft]:
            craft_pages[entry.craft].append(page)
    titled = {p.title for p in pages if p.title}
    problems: list[Problem] = []
    flagged: set[str] = set()
    crafts = sorted(c for c in craft_pages if c)
    for name in crafts:
        suspect = craft_pages[name]
        if not suspect or name in titled:
            continue  # a craft with a page of its own is spelt the way its title is
        for other in crafts:
            if other == name or not _near(name, other):
                continue
            others = craft_pages[other]
            if other in titled or len(others) > len(suspect):
                for page in suspect:
                    problems.append(Problem(
                        page.path, page.parent_line,
                        f'parent "{name}" is not a craft here but {_distance_words(name, other)} "{other}" '
                        f"({_pages(len(others))}): as written, this page makes a craft of its own and answers "
                        f'about its levels go wrong; correct the spelling to "{other}"',
                    ))
                flagged.add(name)
                break
    levels = {(e.craft, e.level) for e in content.entries if e.kind == "level"}
    for name in crafts:
        level_pages = craft_pages[name]
        # One page holding a whole craft's table of levels (a level matrix) is a craft, not a stray page.
        if name in flagged or len(level_pages) != 1 or sum(1 for c, _ in levels if c == name) != 1:
            continue
        siblings = [
            c for c in crafts if c != name and c not in flagged and framework_of.get(c) == framework_of.get(name)
        ]
        sizes = [len(craft_pages[c]) for c in siblings if craft_pages[c]]
        if sizes and min(sizes) >= MANY_PAGES:
            page = level_pages[0]
            problems.append(Problem(
                page.path, page.parent_line,
                f'parent "{name}" is a craft with only this page, where every other craft of '
                f'"{framework_of.get(name)}" has {min(sizes)} or more; if it is meant to be one of '
                f"{_names(siblings)}, correct the parent",
                "warning",
            ))
    return problems


def _near(a: str, b: str) -> bool:
    if " ".join(a.lower().split()) == " ".join(b.lower().split()):
        return True
    # Slips as every other reader of a misspelt word counts them (index/spelling.py): two swapped letters
    # are one, and the shorter name sets how many it may carry.
    allowed = slips(min(len(a), len(b)))
    return OSA.distance(a.lower(), b.lower(), score_cutoff=allowed) <= allowed


def _distance_words(a: str, b: str) -> str:
    if a.lower() == b.lower() or " ".join(a.split()) == " ".join(b.split()):
        return "differs only in case or spacing from"
    n = Levenshtein.distance(a, b)
    return "one letter away from" if n == 1 else f"{n} letters away from"


def _pages(n: int) -> str:
    return "a page of its own" if n == 0 else f"{n} page{'s' if n != 1 else ''}"


def _names(crafts: list[str]) -> str:
    from index.parse import SHOWN_NAMES

    shown = [f'"{c}"' for c in crafts[:SHOWN_NAMES]]
    return ", ".join(shown) + (", …" if len(crafts) > SHOWN_NAMES else "")


# Checks of files beside the pages (e.g. owners.yaml for nudges) register here, so `check` stays the
# one place that validates a content folder. They get the pages already parsed, never parse again.
EXTRA_CHECKS: list[Callable[[Path, Content], list[Problem]]] = [
    check_owners,
    check_glossary,
    lambda _dir, content: craft_typos(content),
    lambda content_dir, _content: [p for p in (site_address(content_dir).problem,) if p is not None],
]
