"""A page's YAML front matter, read without trusting it, and its mistakes told in plain words.

Whoever edits a framework page is usually not a YAML expert: the mistakes they make are a title with
a colon in it, a tab for indentation, a quote or bracket left open. PyYAML names those in parser terms
("mapping values are not allowed here"), so each is translated into what to change, with the line's
text, for `careerfw check` and a refused reload to print.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_FRONT_MATTER_CHARS = 64 * 1024  # a page's title, parent, permalink and nav_order fit many times over
# Front matter is flat key: value pairs; a list of lists is already unusual. PyYAML composes nested
# collections recursively, so a few hundred `[` (about a kilobyte) would exhaust Python's stack.
MAX_FRONT_MATTER_DEPTH = 20
SHOWN_LINE_CHARS = 120  # a line quoted in a problem (front matter, glossary) is cut here


class FrontMatterError(ValueError):
    """Front matter that cannot be read: `line` counts from the first line after the opening `---`."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class _TooDeep(yaml.composer.ComposerError):
    pass


class SafeFrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (`*name`), which front matter never needs and whose nesting
    expands exponentially (a "billion laughs" document of a few hundred bytes takes gigabytes), and
    collections nested deeper than MAX_FRONT_MATTER_DEPTH."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in front matter", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_FRONT_MATTER_DEPTH:
                event = self.peek_event()
                raise _TooDeep(None, None, "too deep", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_front_matter(raw: str) -> dict[str, Any]:
    """The key: value pairs of `raw` (the text between the `---` lines), or FrontMatterError."""
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(0, f"front matter is over {MAX_FRONT_MATTER_CHARS:,} characters")
    try:
        data = yaml.load(raw, Loader=SafeFrontMatterLoader) if raw.strip() else {}
    except _TooDeep as exc:
        line = exc.problem_mark.line if exc.problem_mark is not None else 0
        lines = raw.split("\n")
        reason = (
            f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep, which no page needs "
            "(it holds key: value pairs such as title and parent); not read"
        )
        raise FrontMatterError(line, _with_line(reason, lines[line] if line < len(lines) else "")) from None
    except yaml.YAMLError as exc:
        line, reason = explain(exc, raw.split("\n"))
        raise FrontMatterError(line, f"front matter is not valid YAML: {reason}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(0, "front matter must be YAML key: value pairs")
    return data


def explain(exc: yaml.YAMLError, lines: list[str]) -> tuple[int, str]:
    """(0-based line, a sentence saying what to change) for a YAML error in `lines`."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", None) or "")
    line = problem_mark.line if problem_mark is not None else 0
    text = lines[line] if 0 <= line < len(lines) else ""

    if problem.startswith("aliases ("):
        return line, problem  # refused on purpose, not a mistake to explain
    if "'\\t'" in problem:
        return line, _with_line("YAML does not allow tabs for indentation or spacing; use spaces instead", text)
    if context == "while scanning a quoted scalar" and context_mark is not None:
        opened = context_mark.line
        text = lines[opened] if opened < len(lines) else ""
        quote = text[context_mark.column] if context_mark.column < len(text) else '"'
        return opened, _with_line(f"the {quote} opened here is never closed; end the value with {quote}", text)
    if context.startswith("while parsing a flow") and context_mark is not None:
        opened = context_mark.line
        text = lines[opened] if opened < len(lines) else ""
        bracket = text[context_mark.column] if context_mark.column < len(text) else "["
        closing = {"[": "]", "{": "}"}.get(bracket, "]")
        return opened, _with_line(
            f"the {bracket} opened here is never closed; close it with {closing}, or put the whole value in "
            f'quotes if it is text (title: "{bracket}…")',
            text,
        )
    if problem == "mapping values are not allowed here" and problem_mark is not None:
        key, colon, value = text.partition(":")
        if colon and problem_mark.column > len(key) and value.strip():
            # `title: Level 2: Senior`: the second ": " reads as a key inside the value.
            quoted = value.strip().replace('"', '\\"')
            return line, _with_line(
                f'the value of "{key.strip()}" contains ": ", which YAML reads as the start of another key; '
                f'put the value in quotes: {key.strip()}: "{quoted}"',
                text,
            )
        return line, _with_line(
            "this line is indented under a key that already has a value; start it at the beginning of the "
            "line like the other keys",
            text,
        )
    if "expected <block end>" in problem and problem_mark is not None:
        return line, _with_line(
            "there is more text after a quoted value; put the whole value in one pair of quotes", text
        )
    return line, _with_line(problem, text)


def _with_line(sentence: str, text: str) -> str:
    shown = text.rstrip().replace("\t", "<TAB>")
    if len(shown) > SHOWN_LINE_CHARS:
        shown = shown[: SHOWN_LINE_CHARS - 1] + "…"
    return f"{sentence} (the line reads: {shown})" if shown.strip() else sentence
