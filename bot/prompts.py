"""Questions to offer people before they ask, made from the loaded framework rather than a fixed list.

Slack's suggested prompts (the Messages tab and each new agent thread), Teams' prompt starters (the
app manifest's bot commands, made at package time) and Teams' suggested actions after an answer all
come from here, so every surface offers the same questions. Only the framework's own names are used
(levels, crafts, areas), so a prompt never mentions a level the loaded content does not have.

Choices are deterministic and hold for any framework: the craft with the most levels written, its
first two levels in the framework's own order (front matter `nav_order`, then the number in the
title, then page order), and the area written at the most levels.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.entry import Entry

MAX_SLACK_PROMPTS = 4  # assistant.threads.setSuggestedPrompts takes at most four
TODO_QUESTION = "Which areas are not written yet?"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Prompt:
    title: str  # the short label a person clicks
    message: str  # the question sent on their behalf


def _levels(entries: Iterable[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind == "level" and e.level]


def _title_number(level: str) -> float:
    found = _NUMBER.search(level)
    return float(found.group()) if found else float("inf")


def levels_in_order(entries: Sequence[Entry], craft: str) -> list[str]:
    """The levels of one craft, lowest first: nav_order, then the number in the title, then page order."""
    first: dict[str, tuple[float, float, int]] = {}
    for position, entry in enumerate(_levels(entries)):
        if entry.craft != craft or entry.level in first:
            continue
        nav = entry.nav_order if entry.nav_order is not None else float("inf")
        first[entry.level] = (nav, _title_number(entry.level), position)
    return sorted(first, key=first.__getitem__)


def next_level(entries: Sequence[Entry], craft: str, level: str) -> str | None:
    """The level after `level` in its craft, or None at the top (or for a level the craft lacks)."""
    order = levels_in_order(entries, craft)
    if level not in order:
        return None
    at = order.index(level)
    return order[at + 1] if at + 1 < len(order) else None


def main_craft(entries: Sequence[Entry]) -> str | None:
    """The craft with the most levels written (ties: the first in page order)."""
    levels: dict[str, set[str]] = {}
    for entry in _levels(entries):
        levels.setdefault(entry.craft, set()).add(entry.level)
    if not levels:
        return None
    order = list(levels)
    return max(order, key=lambda craft: (len(levels[craft]), -order.index(craft)))


def central_areas(entries: Sequence[Entry], craft: str | None = None) -> list[str]:
    """Areas by how many (craft, level) cells write them, most first; ties keep page order."""
    cells: Counter[str] = Counter()
    order: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for entry in _levels(entries):
        if craft is not None and entry.craft != craft:
            continue
        key = (entry.area, entry.craft, entry.level)
        if key in seen:
            continue
        seen.add(key)
        if entry.area not in cells:
            order.append(entry.area)
        cells[entry.area] += 0 if entry.todo else 1
    return sorted(order, key=lambda area: (-cells[area], order.index(area)))


def _in_craft(entries: Sequence[Entry], level: str, craft: str) -> str:
    """" in <craft>" when the level name alone would be ambiguous (several crafts write it)."""
    crafts = {e.craft for e in _levels(entries) if e.level == level}
    return f" in {craft}" if len(crafts) > 1 and craft else ""


def suggested_prompts(entries: Sequence[Entry], todo: Sequence[Entry] = (),
                      limit: int = MAX_SLACK_PROMPTS) -> list[Prompt]:
    """Up to `limit` questions about this framework: a level, an area at a level, a comparison of two
    levels (or of two areas when the framework has one level), and the unwritten areas if any."""
    craft = main_craft(entries)
    if craft is None:
        return []
    levels = levels_in_order(entries, craft)
    areas = central_areas(entries, craft)
    first = levels[0]
    prompts = [Prompt(f"What {first} expects", f"What is expected at {first}{_in_craft(entries, first, craft)}?")]
    if areas:
        area, level = areas[0], levels[1] if len(levels) > 1 else first
        prompts.append(Prompt(f"{area} at {level}",
                              f"What does {area} look like at {level}{_in_craft(entries, level, craft)}?"))
    if len(levels) > 1 and areas:
        low, high = levels[0], levels[1]
        prompts.append(Prompt(f"{low} vs {high}",
                              f"Compare {areas[0]} at {low} and {high}{_in_craft(entries, high, craft)}"))
    elif len(areas) > 1:
        prompts.append(Prompt(f"{areas[0]} vs {areas[1]}",
                              f"What's the difference between {areas[0]} and {areas[1]}?"))
    if todo:
        prompts.append(Prompt("Not written yet", TODO_QUESTION))
    return prompts[:limit]


def compare_with_next(entries: Sequence[Entry], entry: Entry) -> str | None:
    """The question comparing an answered cell with the same area one level up, if there is one."""
    if entry.kind != "level":
        return None
    above = next_level(entries, entry.craft, entry.level)
    if above is None:
        return None
    return f"Compare {entry.area} at {entry.level} and {above}{_in_craft(entries, above, entry.craft)}"


def prompt_starters(entries: Sequence[Entry], limit: int, title_limit: int) -> list[Prompt]:
    """Short questions for places where the label is what gets sent (Teams' bot commands): the title is
    a question of at most `title_limit` characters, the message the longer form it stands for."""
    craft = main_craft(entries)
    if craft is None:
        return []
    levels = levels_in_order(entries, craft)
    areas = central_areas(entries, craft)
    candidates: list[tuple[list[str], str]] = []
    for level in levels[:2]:
        candidates.append(([f"What does {level} expect?", f"{level} expectations", level],
                           f"What is expected at {level}{_in_craft(entries, level, craft)}"))
    if areas:
        level = levels[1] if len(levels) > 1 else levels[0]
        candidates.append(([f"{areas[0]} at {level}", areas[0]],
                           f"What {areas[0]} looks like at {level}{_in_craft(entries, level, craft)}"))
    if len(levels) > 1 and areas:
        # A comparison needs its area named; the most central area whose question fits.
        low, high = levels[0], levels[1]
        fitting = [a for a in areas if len(f"{a} at {low} vs {high}") <= title_limit]
        if fitting:
            area = fitting[0]
            candidates.append(([f"Compare {area} at {low} and {high}", f"{area} at {low} vs {high}"],
                               f"How {area} changes from {low} to {high}{_in_craft(entries, high, craft)}"))
    elif len(areas) > 1:
        candidates.append(([f"{areas[0]} vs {areas[1]}"], f"The difference between {areas[0]} and {areas[1]}"))
    starters: list[Prompt] = []
    for titles, description in candidates:
        title = next((t for t in titles if len(t) <= title_limit), None)
        if title is not None and title not in {s.title for s in starters}:
            starters.append(Prompt(title, description))
    return starters[:limit]
