"""`careerfw.yaml` (and Jekyll's `_config.yml`), read once into a typed value: the one place YAML is read
for the company's own settings (docs/content.md).

Two readers want the same file: `siteurl` takes its key: value pairs (`site_url`), and `glossary` walks
its nodes, because every line a question used is quoted with its line number. `SettingsFile` gives
both from one read of the file:

- `data` and `problem`: the pairs as plain values, or, for a file that is not YAML key: value pairs,
  one Problem naming the file and line in the plain words front matter uses (index/frontmatter.py);
- `root`: the nodes (`ScalarNode`, `SequenceNode`, `MappingNode`), each with its line, so callers never touch
  PyYAML's own node classes.

PyYAML is imported only by the functions that parse or write YAML: a restart from kept state
(issue 23, item 4) reads no careerfw.yaml and so never loads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.files import NotText, UnsafePage, read_page, text_of
from index.problem import Problem

if TYPE_CHECKING:
    import yaml

SETTINGS_FILE = "careerfw.yaml"
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class ScalarNode:
    """A single value as written (always text: YAML's `3` is "3"); `null` for `key:` with nothing after
    it, `~` or `null`."""

    value: str
    line: int
    null: bool = False


@dataclass(frozen=True)
class SequenceNode:
    items: tuple[Node, ...]
    line: int


@dataclass(frozen=True)
class MappingNode:
    pairs: tuple[tuple[Node, Node], ...]
    line: int


Node = ScalarNode | SequenceNode | MappingNode


@dataclass(frozen=True)
class Section:
    """One top-level `key: value` of the file, with the value also as plain Python (what `yaml.safe_load`
    gives: lists, dicts, strings, numbers); `data` is None when YAML cannot build it (an unknown tag)."""

    key: Node
    value: Node
    data: Any


@dataclass(frozen=True)
class SettingsFile:
    """A settings file's text, read from a content folder or given. Parsed on first use of each view."""

    text: str = ""
    name: str = SETTINGS_FILE  # how problems name the file
    path: Path | None = None  # the file read; None when given as text or when there is no file
    unreadable: Problem | None = None  # why the file's bytes could not be read as text at all

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_text(self, line: int) -> str:
        """The file's 1-based `line` as written, without its indentation and cut as a quoted line is cut
        everywhere (front matter, problems); "" past the end."""
        from index.frontmatter import SHOWN_LINE_CHARS

        lines = self.lines
        shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        return shown[: SHOWN_LINE_CHARS - 1] + "…" if len(shown) > SHOWN_LINE_CHARS else shown

    @cached_property
    def _pairs(self) -> tuple[dict[str, Any], Problem | None]:
        if self.unreadable is not None:
            return {}, self.unreadable
        from index.frontmatter import FrontMatterError, load_front_matter

        try:
            return load_front_matter(self.text), None
        except FrontMatterError as exc:
            # The same YAML rules and plain-words reasons as front matter; lines count from the file's first.
            return {}, Problem(self.name, exc.line + 1, exc.reason.replace("front matter", "the file", 1))

    @property
    def data(self) -> dict[str, Any]:
        """The file's key: value pairs; {} when it has none or cannot be read (then `problem` says why)."""
        return self._pairs[0]

    @property
    def problem(self) -> Problem | None:
        """Why the file gives no key: value pairs, naming file and line; None when it reads."""
        return self._pairs[1]

    @cached_property
    def _composed(self) -> tuple[Node | None, tuple[Section, ...]]:
        if self.unreadable is not None or not self.text.strip():
            return None, ()
        import yaml

        from index.frontmatter import SafeFrontMatterLoader

        try:
            raw = yaml.compose(self.text, Loader=SafeFrontMatterLoader)
        except yaml.YAMLError:
            return None, ()  # `problem` names it: the nodes of a text that is not YAML are none at all
        if raw is None:
            return None, ()
        root = _node(raw)
        sections: list[Section] = []
        if isinstance(raw, yaml.MappingNode):
            assert isinstance(root, MappingNode)
            for (key, value), (_, raw_value) in zip(root.pairs, raw.value, strict=True):
                try:
                    data = yaml.load(yaml.serialize(raw_value), Loader=yaml.SafeLoader)
                except yaml.YAMLError:
                    data = None
                sections.append(Section(key, value, data))
        return root, tuple(sections)

    @property
    def root(self) -> Node | None:
        """The file's nodes; None when it is empty or not YAML."""
        return self._composed[0]

    @property
    def sections(self) -> tuple[Section, ...]:
        """The top-level key: value pairs in file order (duplicates kept); () unless `root` is a MappingNode."""
        return self._composed[1]


def _node(raw: yaml.Node) -> Node:
    import yaml

    line = raw.start_mark.line + 1
    if isinstance(raw, yaml.MappingNode):
        return MappingNode(tuple((_node(k), _node(v)) for k, v in raw.value), line)
    if isinstance(raw, yaml.SequenceNode):
        return SequenceNode(tuple(_node(item) for item in raw.value), line)
    return ScalarNode(str(raw.value), line, raw.tag == _NULL_TAG)


def parse_settings(text: str, name: str = SETTINGS_FILE) -> SettingsFile:
    """A settings file from its text; `name` names it in problems."""
    return SettingsFile(text, name)


def load_settings(path: Path, root: Path) -> SettingsFile | None:
    """The settings file at `path` inside the content folder `root`, read without trusting it (index/files.py);
    None when there is no such file. A file that cannot be read as text is one with `unreadable` set."""
    if not path.is_file():
        return None
    try:
        return SettingsFile(text_of(read_page(path, root)), path.name, path)
    except UnsafePage as exc:
        return SettingsFile("", path.name, path, Problem(path.name, 1, str(exc)))
    except NotText as exc:
        return SettingsFile("", path.name, path, Problem(path.name, exc.line, str(exc)))


def flow_entry(key: Any, value: Any) -> str:
    """`key: value` on one line however long (`Senior: {Backend: [Level 4, Level 5]}`), as YAML reads it."""
    import yaml

    # An unbounded width never wraps.
    flow = yaml.safe_dump({key: value}, default_flow_style=True, allow_unicode=True, width=math.inf)
    return flow.strip()[1:-1]


def block_entry(key: Any, value: Any) -> str:
    """`key: value` in YAML's block style, without the final newline."""
    import yaml

    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False).rstrip("\n")
