"""`owners.yaml` beside the pages: who owns each craft or level, for the weekly TODO nudge.

The file is optional. It maps a craft name (a page's `parent`) or a level name (a page's `title`),
exactly as written in the pages, to one id or a list of ids:

    ML and Edge ML Engineer Craft: [S0123ABCD]   # a Slack user group
    Level 1 (Head Of): U0123ABCD                 # a Slack user

To the core the ids are opaque strings: a front end decides how to mention them (Slack renders
`U…`/`W…` as a user mention and `S…` as a user group). The core only rejects what can never be a
bare id (blank, spaces, or mention markup such as `<@U…>` pasted from a message), so a typo is a
`careerfw check` error with file:line rather than a nudge that silently pings nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.files import NotText, text_of
from index.problem import Problem

# yaml and index.parse are imported where the owners file is read: a restart from kept state (issue 23,
# item 4) reads neither.
if TYPE_CHECKING:
    import yaml

    from index.parse import Content

OWNERS_FILE = "owners.yaml"

# Markup characters mean someone pasted a rendered mention ("<@U123>", "@alice") instead of an id.
_NOT_AN_ID = re.compile(r"[\s<>&@|!#]")
_STR_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int"}


@dataclass(frozen=True)
class Owners:
    """Owner ids by craft or level name. Invalid parts of the file are left out and listed in `problems`."""

    by_name: dict[str, tuple[str, ...]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    path: Path | None = None
    # Line of each key in the file, so checks against the content can point at it.
    lines: dict[str, int] = field(default_factory=dict)

    def mentions(self, *names: str) -> tuple[str, ...]:
        """Ids owning any of `names` (e.g. a group's craft and level), first-seen order, no repeats."""
        seen: dict[str, None] = {}
        for name in names:
            for owner in self.by_name.get(name, ()):
                seen.setdefault(owner, None)
        return tuple(seen)

    def __bool__(self) -> bool:
        return bool(self.by_name)


def _scalar_id(node: yaml.Node) -> str | None:
    import yaml

    if isinstance(node, yaml.ScalarNode) and node.tag in _STR_TAGS:
        value = str(node.value).strip()
        if value and not _NOT_AN_ID.search(value):
            return value
    return None


def parse_owners(text: str, rel: str) -> Owners:
    """Parse owners YAML; `rel` names the file in problems. Never raises on bad input."""
    import yaml

    problems: list[Problem] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Owners(problems=[Problem(rel, line, f"owners file is not valid YAML: {reason}")])
    if root is None:
        return Owners()
    if not isinstance(root, yaml.MappingNode):
        return Owners(
            problems=[
                Problem(
                    rel,
                    root.start_mark.line + 1,
                    "owners file must map a craft or level name to ids, e.g. `Level 1 (Head Of): [U0123ABCD]`",
                )
            ]
        )
    by_name: dict[str, tuple[str, ...]] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or not str(key_node.value).strip():
            problems.append(Problem(rel, line, "each key must be a craft or level name"))
            continue
        name = str(key_node.value).strip()
        if name in lines:
            problems.append(Problem(rel, line, f'"{name}" appears twice (first on line {lines[name]})'))
            continue
        lines[name] = line
        items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        before = len(problems)
        ids: list[str] = []
        for item in items:
            owner = _scalar_id(item)
            if owner is None:
                shown = item.value if isinstance(item, yaml.ScalarNode) else "a nested list or mapping"
                problems.append(
                    Problem(
                        rel,
                        item.start_mark.line + 1,
                        f'"{name}": {shown!r} is not an id; write bare ids such as U0123ABCD or S0123ABCD '
                        "(not <@U0123ABCD> or @name)",
                    )
                )
                continue
            if owner not in ids:
                ids.append(owner)
        if not ids and len(problems) == before:
            problems.append(Problem(rel, line, f'"{name}" lists no ids'))
        if ids:
            by_name[name] = tuple(ids)
    return Owners(by_name=by_name, problems=problems, lines=lines)


def load_owners(content_dir: Path | str) -> Owners:
    """The content folder's owners file, or empty Owners when there is none."""
    path = Path(content_dir) / OWNERS_FILE
    if not path.is_file():
        return Owners()
    try:
        text = text_of(path.read_bytes())
    except NotText as exc:
        problem = Problem(OWNERS_FILE, exc.line, f"owners file is {exc}")
        return Owners(problems=[problem], path=path)
    owners = parse_owners(text, OWNERS_FILE)
    return Owners(by_name=owners.by_name, problems=owners.problems, path=path, lines=owners.lines)


def unknown_names(owners: Owners, crafts: Iterable[str], levels: Iterable[str]) -> list[Problem]:
    """Keys that name no craft or level in the content: nobody would ever be mentioned for them."""
    known = {n for n in crafts if n} | {n for n in levels if n}
    return [
        Problem(
            OWNERS_FILE,
            owners.lines.get(name, 1),
            f'"{name}" is not a craft or level in the content (names must match a page title or parent exactly)',
            "warning",
        )
        for name in owners.by_name
        if name not in known
    ]


def check_owners(content_dir: Path, content: Content) -> list[Problem]:
    """`careerfw check` hook: problems in owners.yaml, if there is one."""
    owners = load_owners(content_dir)
    if owners.path is None:
        return []
    problems = list(owners.problems)
    if owners.by_name:
        entries = content.entries
        problems.extend(unknown_names(owners, (e.craft for e in entries), (e.level for e in entries)))
    return problems
