"""The weekly nudge as a surface-neutral object: what is TODO, grouped, counted, and what changed.

`build_message(entries, previous=…)` computes everything from the content; surfaces only render it
(`NudgeMessage.text` for a terminal or a plain-text fallback, `bot.slack.nudge.render_slack` for Block
Kit, the Teams target for an Adaptive Card). Nothing in here is Slack- or Teams-specific: owner
mentions are opaque ids from `owners.yaml`, rendered by each surface.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from index import Entry, Owners

MessageKind = Literal["todo", "all_filled_in"]
ChangeKind = Literal["filled_in", "newly_todo", "removed"]

# What changed since the last nudge, in these words on every surface (each may add its own marks).
SINCE_LAST = "Since the last nudge"
NOTHING_CHANGED = "Nothing changed since the last nudge."
CHANGE_LABELS: dict[ChangeKind, str] = {
    "filled_in": "Filled in",
    "newly_todo": "Newly TODO",
    "removed": "No longer in the framework",
}

# What is stored per TODO area so that "no longer in the framework" can still be named after the
# page that held it has changed.
Snapshot = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class TodoArea:
    """One area (at one level) that is, was, or became TODO."""

    id: str
    area: str
    section: str
    level: str
    craft: str
    framework: str
    url: str | None
    source: str

    @classmethod
    def from_entry(cls, entry: Entry, site_url: str | None) -> TodoArea:
        return cls(
            id=entry.id,
            area=entry.area,
            section=entry.section,
            level=entry.level,
            craft=entry.craft,
            framework=entry.framework,
            url=entry.url(site_url),
            source=entry.source,
        )

    @classmethod
    def from_snapshot(cls, area_id: str, data: Mapping[str, str]) -> TodoArea:
        return cls(
            id=area_id,
            area=data.get("area", area_id),
            section=data.get("section", ""),
            level=data.get("level", ""),
            craft=data.get("craft", ""),
            framework=data.get("framework", ""),
            url=data.get("url") or None,
            source=data.get("source", ""),
        )

    def snapshot(self) -> dict[str, str]:
        return {
            "area": self.area,
            "section": self.section,
            "level": self.level,
            "craft": self.craft,
            "framework": self.framework,
            "url": self.url or "",
            "source": self.source,
        }

    @property
    def where(self) -> str:
        """The link a reader follows: the page URL and anchor, else the source file and line."""
        return self.url or self.source

    @property
    def label(self) -> str:
        """"Architecture Design (Level 1 (Head Of))": an area named outside its group."""
        return f"{self.area} ({self.level})" if self.level else f"{self.area} ({self.craft})"


@dataclass(frozen=True)
class TodoGroup:
    """The TODO areas of one framework › craft › level, with the level's total for the count line."""

    framework: str
    craft: str
    level: str
    total: int
    areas: tuple[TodoArea, ...]
    new_ids: frozenset[str]
    mentions: tuple[str, ...]

    @property
    def heading(self) -> str:
        return " › ".join(p for p in (self.framework, self.craft) if p)

    @property
    def summary(self) -> str:
        """"2 of 7 areas at Level 1 (Head Of) are still TODO"."""
        verb = "is" if len(self.areas) == 1 else "are"
        noun = "area" if self.total == 1 else "areas"
        if self.level:
            return f"{len(self.areas)} of {self.total} {noun} at {self.level} {verb} still TODO"
        # Definition entries (a craft page describing its areas) have no level.
        return f"{len(self.areas)} of {self.total} area definitions on the {self.craft} page {verb} still TODO"

    def is_new(self, area: TodoArea) -> bool:
        return area.id in self.new_ids


@dataclass(frozen=True)
class Change:
    """One kind of change since the last nudge, with the areas it happened to (never empty)."""

    kind: ChangeKind
    areas: tuple[TodoArea, ...]

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.kind]


@dataclass(frozen=True)
class NudgeMessage:
    """A nudge ready to render.

    kind: "todo" (some areas are TODO) or "all_filled_in" (none are; sent only the first week that
      becomes true).
    groups: TODO areas by framework, craft and level, in content order, each with its count and the
      owner ids to mention.
    filled_in / newly_todo / removed: the change since the last nudge to the same target (empty on the
      first nudge, when `first` is True).
    """

    kind: MessageKind
    groups: tuple[TodoGroup, ...]
    filled_in: tuple[TodoArea, ...]
    newly_todo: tuple[TodoArea, ...]
    removed: tuple[TodoArea, ...]
    first: bool
    total_areas: int

    @property
    def todo_count(self) -> int:
        return sum(len(g.areas) for g in self.groups)

    @property
    def todo_areas(self) -> list[TodoArea]:
        return [a for g in self.groups for a in g.areas]

    @property
    def mentions(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for group in self.groups:
            for owner in group.mentions:
                seen.setdefault(owner, None)
        return tuple(seen)

    @property
    def has_changes(self) -> bool:
        return bool(self.filled_in or self.newly_todo or self.removed)

    @property
    def changes(self) -> tuple[Change, ...]:
        """What changed since the last nudge, in order, each kind only when it happened (under SINCE_LAST)."""
        found = (("filled_in", self.filled_in), ("newly_todo", self.newly_todo), ("removed", self.removed))
        return tuple(Change(kind, areas) for kind, areas in found if areas)  # type: ignore[arg-type]

    @property
    def unchanged_note(self) -> str | None:
        """NOTHING_CHANGED for a TODO nudge that follows another with nothing changed, else None."""
        return NOTHING_CHANGED if not (self.has_changes or self.first) and self.kind == "todo" else None

    @property
    def title(self) -> str:
        if self.kind == "all_filled_in":
            return "Every framework area is filled in"
        noun = "area is" if self.todo_count == 1 else "areas are"
        return f"{self.todo_count} framework {noun} still TODO"

    @property
    def intro(self) -> str:
        if self.kind == "all_filled_in":
            return (
                f"All {self.total_areas} areas now have written expectations. "
                "No more weekly reminders until something is marked TODO again."
            )
        return (
            "These expectations have not been written yet, so nobody can be assessed against them. "
            "Owners, please fill them in:"
        )

    def snapshot(self) -> dict[str, dict[str, str]]:
        """The TODO areas to store for next week's "what changed"."""
        return {a.id: a.snapshot() for a in self.todo_areas}

    @property
    def text(self) -> str:
        return render_text(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "todo_count": self.todo_count,
            "total_areas": self.total_areas,
            "groups": [
                {
                    "framework": g.framework,
                    "craft": g.craft,
                    "level": g.level,
                    "total": g.total,
                    "summary": g.summary,
                    "mentions": list(g.mentions),
                    "areas": [a.snapshot() | {"id": a.id, "new": g.is_new(a)} for a in g.areas],
                }
                for g in self.groups
            ],
            "filled_in": [a.snapshot() | {"id": a.id} for a in self.filled_in],
            "newly_todo": [a.snapshot() | {"id": a.id} for a in self.newly_todo],
            "removed": [a.snapshot() | {"id": a.id} for a in self.removed],
            "text": self.text,
        }


def build_message(
    entries: Sequence[Entry],
    *,
    previous: Snapshot | None = None,
    site_url: str | None = None,
    owners: Owners | None = None,
) -> NudgeMessage | None:
    """This week's nudge for one target, or None when there is nothing to say.

    previous: the TODO snapshot stored when the last nudge to this target was sent (None: never sent).
    Returns None when nothing is TODO and nothing was TODO at the last nudge either (no nagging, and
    the "all filled in" post goes out only once).
    """
    owners = owners or Owners()
    groups_order: dict[tuple[str, str, str], list[Entry]] = {}
    for entry in entries:
        groups_order.setdefault((entry.framework, entry.craft, entry.level), []).append(entry)
    by_id = {e.id: e for e in entries}
    todo_ids = {e.id for e in entries if e.todo}
    new_ids = frozenset(todo_ids - set(previous)) if previous is not None else frozenset()

    groups: list[TodoGroup] = []
    for (framework, craft, level), members in groups_order.items():
        todo = tuple(TodoArea.from_entry(e, site_url) for e in members if e.todo)
        if todo:
            groups.append(
                TodoGroup(
                    framework=framework,
                    craft=craft,
                    level=level,
                    total=len(members),
                    areas=todo,
                    new_ids=new_ids,
                    mentions=owners.mentions(craft, level),
                )
            )

    filled_in: list[TodoArea] = []
    removed: list[TodoArea] = []
    newly: list[TodoArea] = []
    if previous is not None:
        for area_id, data in previous.items():
            if area_id in todo_ids:
                continue
            if area_id in by_id:
                filled_in.append(TodoArea.from_entry(by_id[area_id], site_url))
            else:
                removed.append(TodoArea.from_snapshot(area_id, data))
        newly = [a for g in groups for a in g.areas if a.id in new_ids]

    if not groups:
        if previous is not None and not previous:
            return None  # already told them everything is filled in
        kind: MessageKind = "all_filled_in"
    else:
        kind = "todo"
    return NudgeMessage(
        kind=kind,
        groups=tuple(groups),
        filled_in=tuple(filled_in),
        newly_todo=tuple(newly),
        removed=tuple(removed),
        first=previous is None,
        total_areas=len(entries),
    )


def _names(areas: Iterable[TodoArea]) -> str:
    return ", ".join(a.label for a in areas)


def render_text(message: NudgeMessage) -> str:
    """The nudge as a person reads it in a terminal or a plain-text fallback (no markup)."""
    lines = [message.title, "", message.intro]
    for group in message.groups:
        lines.append("")
        lines.append(group.heading)
        owners = f" (owners: {', '.join(group.mentions)})" if group.mentions else ""
        lines.append(f"{group.summary}{owners}")
        for area in group.areas:
            new = " [new]" if group.is_new(area) else ""
            section = f" ({area.section})" if area.section else ""
            lines.append(f"  - {area.area}{section}{new}: {area.where}")
    if message.changes:
        lines.append("")
        lines.append(f"{SINCE_LAST}:")
        lines.extend(f"  {change.label}: {_names(change.areas)}" for change in message.changes)
    elif message.unchanged_note:
        lines.append("")
        lines.append(message.unchanged_note)
    return "\n".join(lines) + "\n"
