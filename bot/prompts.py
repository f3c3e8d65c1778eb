"""Questions to offer people before they ask, made from the loaded framework rather than a fixed list.

Slack's suggested prompts (the Messages tab and each new agent thread) and Teams' prompt starters (the
app manifest's bot commands, made at package time) come from here, so every surface offers the same
questions. (The buttons after an answer are bot/view.py's `answer_actions`, structured requests.)
Only the framework's own names are used (levels, crafts, areas), so a prompt never mentions a level
the loaded content does not have.

Choices are deterministic and hold for any framework: the craft with the most levels, its first two
levels in the framework's own order (the core's `LevelOrder`: front matter `nav_order`, then the
number in the title, then page order), and the area written at the most of that craft's levels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from index import Entry, LevelOrder

MAX_SLACK_PROMPTS = 4  # assistant.threads.setSuggestedPrompts takes at most four
TODO_QUESTION = "Which areas are not written yet?"
# The help's example when the framework names neither a level nor an area: it names nothing it lacks.
PLAIN_EXAMPLE = "what does the framework expect of me?"


@dataclass(frozen=True)
class Prompt:
    title: str  # the short label a person clicks
    message: str  # the question sent on their behalf


@dataclass(frozen=True)
class _Ladder:
    """The craft prompts are about: its levels in order and its areas, most written first."""

    craft: str
    levels: list[str]
    areas: list[str]
    ambiguous: frozenset[str]  # level titles other crafts use too, which need the craft named

    def named(self, level: str) -> str:
        return f"{level} in {self.craft}" if level in self.ambiguous else level


def central_areas(entries: Sequence[Entry], craft: str, levels: Sequence[str]) -> list[str]:
    """The craft's areas by how many of its levels write them (TODO cells do not count), most first;
    ties keep page order."""
    written: Counter[str] = Counter()
    order: list[str] = []
    seen: set[tuple[str, str]] = set()
    wanted = set(levels)
    for entry in entries:
        if entry.kind != "level" or entry.craft != craft or entry.level not in wanted or entry.area == entry.level:
            continue
        if entry.area not in written:
            order.append(entry.area)
            written[entry.area] += 0
        if (entry.area, entry.level) not in seen and not entry.todo:
            seen.add((entry.area, entry.level))
            written[entry.area] += 1
    return sorted(order, key=lambda area: (-written[area], order.index(area)))


def _ladder(entries: Sequence[Entry], order: LevelOrder | None) -> _Ladder | None:
    order = order or LevelOrder(entries)
    crafts = order.by_craft()
    if not crafts:
        return None
    longest = max(crafts, key=len)  # max keeps the first of equals: page order breaks ties
    craft = longest[0].craft
    levels = [level.title for level in longest]
    elsewhere = {level.title for ladder in crafts if ladder is not longest for level in ladder}
    return _Ladder(craft, levels, central_areas(entries, craft, levels), frozenset(elsewhere & set(levels)))


def suggested_prompts(entries: Sequence[Entry], todo: Sequence[Entry] = (), limit: int = MAX_SLACK_PROMPTS,
                      order: LevelOrder | None = None) -> list[Prompt]:
    """Up to `limit` questions about this framework: a level, an area at a level, a comparison of two
    levels (or of two areas when the framework has one level), and the unwritten areas if any.
    `order` is the core's LevelOrder when one is at hand (the answerer's); else it is built here."""
    ladder = _ladder(entries, order)
    if ladder is None:
        return []
    levels, areas = ladder.levels, ladder.areas
    first = levels[0]
    prompts = [Prompt(f"What {first} expects", f"What is expected at {ladder.named(first)}?")]
    if areas:
        level = levels[1] if len(levels) > 1 else first
        prompts.append(Prompt(f"{areas[0]} at {level}", f"What does {areas[0]} look like at {ladder.named(level)}?"))
    if len(levels) > 1 and areas:
        low, high = levels[0], levels[1]
        prompts.append(Prompt(f"{low} vs {high}", f"Compare {areas[0]} at {low} and {ladder.named(high)}"))
    elif len(areas) > 1:
        prompts.append(Prompt(f"{areas[0]} vs {areas[1]}",
                              f"What's the difference between {areas[0]} and {areas[1]}?"))
    if todo:
        prompts.append(Prompt("Not written yet", TODO_QUESTION))
    return prompts[:limit]


def prompt_starters(entries: Sequence[Entry], limit: int, title_limit: int,
                    order: LevelOrder | None = None) -> list[Prompt]:
    """Short questions for places where the label is what gets sent (Teams' bot commands): the title is
    a question of at most `title_limit` characters, the message the longer form it stands for."""
    ladder = _ladder(entries, order)
    if ladder is None:
        return []
    levels, areas = ladder.levels, ladder.areas
    candidates: list[tuple[list[str], str]] = []
    for level in levels[:2]:
        candidates.append(([f"What does {level} expect?", f"{level} expectations", level],
                           f"What is expected at {ladder.named(level)}"))
    if areas:
        level = levels[1] if len(levels) > 1 else levels[0]
        candidates.append(([f"{areas[0]} at {level}", areas[0]],
                           f"What {areas[0]} looks like at {ladder.named(level)}"))
    if len(levels) > 1 and areas:
        # A comparison needs its area named; the most central area whose question fits.
        low, high = levels[0], levels[1]
        fitting = [a for a in areas if len(f"{a} at {low} vs {high}") <= title_limit]
        if fitting:
            area = fitting[0]
            candidates.append(([f"Compare {area} at {low} and {high}", f"{area} at {low} vs {high}"],
                               f"How {area} changes from {low} to {ladder.named(high)}"))
    elif len(areas) > 1:
        candidates.append(([f"{areas[0]} vs {areas[1]}"], f"The difference between {areas[0]} and {areas[1]}"))
    starters: list[Prompt] = []
    for titles, description in candidates:
        title = next((t for t in titles if len(t) <= title_limit), None)
        if title is not None and title not in {s.title for s in starters}:
            starters.append(Prompt(title, description))
    return starters[:limit]


def help_example(entries: Sequence[Entry], order: LevelOrder | None = None) -> str:
    """The one question the help text offers as an example, in this framework's own words: an area
    written at the top of the ladder the prompts are about ("what does Technical Strategy look like
    at Principal Engineer?"), so a company never reads a level it does not have. Without areas it
    asks about the level; without levels, about an area; with neither, `PLAIN_EXAMPLE`."""
    ladder = _ladder(entries, order)
    if ladder is not None:
        top = ladder.levels[-1]
        written = {e.area for e in entries if e.kind == "level" and e.craft == ladder.craft and e.level == top
                   and not e.todo}
        # The most central area the top level writes: an example that answers with a TODO teaches nothing.
        area = next((a for a in ladder.areas if a in written), ladder.areas[0] if ladder.areas else None)
        if area:
            return f"what does {area} look like at {ladder.named(top)}?"
        return f"what is expected at {ladder.named(top)}?"
    area = next((e.area for e in entries if e.area and not e.todo), None)
    return f"what does the framework say about {area}?" if area else PLAIN_EXAMPLE
