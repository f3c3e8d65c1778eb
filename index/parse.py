"""Read just-the-docs/Jekyll framework pages into entries, and report what is wrong with them.

Tables are parsed with markdown-it-py's GFM table rule, not by splitting lines, so the seed's quirks
(a closing `|` alone after blank lines, `<br><br>` paragraph breaks, links in cells) come out the way a
reader of the rendered page sees them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.entry import Entry, is_todo_text
from index.files import UnsafePage, directory_links, page_paths, read_page
from index.frontmatter import FrontMatterError, load_front_matter

Severity = Literal["error", "warning"]

_BR = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_STRAY_EMPHASIS = re.compile(r"\*{2,}")
_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)\s*$")
_PARENT_KEY = re.compile(r"^parent\s*:")
# Column headers that name a level turn a table into a level matrix: one entry per cell.
_LEVEL_HEADER = re.compile(r"\b(level|lvl|l\d|grade|band|junior|senior|staff|principal|lead|head)\b|\d", re.I)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class Page:
    path: str
    title: str = ""
    parent: str = ""
    grand_parent: str = ""
    permalink: str | None = None
    nav_order: float | None = None
    h1: str = ""
    # Area names a page defines under headings (a craft page listing its areas).
    defined_areas: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    front_matter: bool = True  # Jekyll renders only files with front matter as pages
    parent_line: int = 1  # the `parent:` line, for a problem about the parent (index/checks.py)


@dataclass
class Content:
    root: Path
    pages: list[Page]
    entries: list[Entry]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def todo_count(self) -> int:
        return sum(1 for e in self.entries if e.todo)


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


class _Inline:
    """Plain text of an inline token as a reader sees it, with the links it holds."""

    def __init__(self, token: Token) -> None:
        self.links: list[tuple[str, str]] = []
        parts: list[str] = []
        link_href: str | None = None
        link_text: list[str] = []
        for child in token.children or []:
            if child.type == "link_open":
                link_href = str(child.attrGet("href") or "")
                link_text = []
                continue
            if child.type == "link_close":
                self.links.append(("".join(link_text).strip(), link_href or ""))
                link_href = None
                continue
            piece = self._piece(child)
            parts.append(piece)
            if link_href is not None:
                link_text.append(piece)
        text = "".join(parts)
        paragraphs = [re.sub(r"[ \t]+", " ", p).strip() for p in text.split("\x00")]
        self.text = "\n\n".join(p for p in paragraphs if p)

    @staticmethod
    def _piece(child: Token) -> str:
        if child.type == "text":
            # Emphasis markdown-it could not pair (`**B****ehaviors**`) is still markup, not words.
            return _STRAY_EMPHASIS.sub("", child.content)
        if child.type == "code_inline":
            return child.content
        if child.type == "softbreak" or child.type == "hardbreak":
            return " "
        if child.type == "html_inline":
            # Consecutive <br>s are one paragraph break; \x00 marks it until paragraphs are split.
            return "\x00" if _BR.match(child.content.strip()) else ""
        if child.type == "image":
            return child.content
        return ""


def _split_front_matter(text: str, rel: str, problems: list[Problem]) -> tuple[dict[str, Any], str, int]:
    """Front matter dict, the body, and how many lines precede the body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for i in range(1, len(lines)):
        if _FRONT_MATTER_END.match(lines[i]):
            raw = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1 :])
            try:
                data = load_front_matter(raw)
            except FrontMatterError as exc:
                problems.append(Problem(rel, exc.line + 2, exc.reason))
                return {}, body, i + 1
            return data, body, i + 1
    problems.append(Problem(rel, 1, "front matter opened with --- but never closed"))
    return {}, text, 0


def _count_cells(line: str) -> int:
    """Cells a GFM row line declares (escaped pipes and code spans don't split)."""
    row = line.strip()
    row = re.sub(r"`[^`]*`", "x", row)
    row = row.replace("\\|", "x")
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return row.count("|") + 1


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse_page(path: Path, rel: str, problems: list[Problem], root: Path) -> Page | None:
    try:
        raw = read_page(path, root)
    except UnsafePage as exc:
        problems.append(Problem(rel, 1, str(exc)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(rel, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, body, offset = _split_front_matter(text, rel, problems)
    nav = front.get("nav_order")
    page = Page(
        path=rel,
        title=_str(front.get("title")),
        parent=_str(front.get("parent")),
        grand_parent=_str(front.get("grand_parent")),
        permalink=_str(front.get("permalink")) or None,
        nav_order=float(nav) if isinstance(nav, int | float) else None,
        front_matter=text.startswith("---"),
    )
    page.parent_line = next(
        (n + 1 for n, line in enumerate(text.split("\n")[1:offset], 1) if _PARENT_KEY.match(line)), 1
    )
    if not page.front_matter:
        # A README or SOURCE.md beside the pages is no page; one with a table probably lost its front matter.
        if re.search(r"^\s*\|.*\|", text, re.M):
            problems.append(Problem(rel, 1, "no front matter: Jekyll publishes it as a plain file, not a page; "
                                            "skipped", "warning"))
        return page
    tokens = _markdown().parse(body)
    body_lines = body.split("\n")
    heading = ""
    heading_line = 0
    heading_body: list[str] = []
    body_line = 0  # where the prose under the current heading starts
    over_table = False  # the current heading names a table's section, not an area
    seen: dict[tuple[str, str, str], int] = {}

    def close_prose() -> None:
        # Prose under a heading is framework text: an area's definition on a craft page, a level's
        # summary or notes on a level page (index/parse.py's _resolve tells which). The introduction
        # under the page's title is quoted as the page's own text.
        if heading and heading_line and heading != page.h1 and not over_table:
            page.defined_areas.append(heading)
        if heading_body and not (len(heading_body) == 1 and heading_body[0] == "|"):
            intro = heading == page.h1 and not heading_line
            page.entries.append(
                Entry(
                    framework="",
                    craft="",
                    level="",
                    role=page.h1 or page.title,
                    section=page.title or page.h1,
                    area=(page.title or page.h1) if intro else heading,
                    description="\n\n".join(heading_body),
                    todo=is_todo_text(" ".join(heading_body)),
                    source=f"{rel}:{heading_line or body_line}",
                    kind="definition",
                    permalink=page.permalink,
                )
            )

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            inline = _Inline(tokens[i + 1])
            line = (tok.map[0] if tok.map else 0) + offset + 1
            close_prose()
            if tok.tag == "h1" and not page.h1:
                page.h1 = inline.text
                heading, heading_line = inline.text, 0
            else:
                heading, heading_line = inline.text, line
            heading_body, over_table = [], False
            i += 3
            continue
        if tok.type == "paragraph_open":
            para = _Inline(tokens[i + 1]).text
            if para and para != "|":
                if not heading_body:
                    body_line = (tok.map[0] if tok.map else 0) + offset + 1
                heading_body.append(para)
        if tok.type == "table_open":
            over_table = True
            i = _parse_table(tokens, i, page, heading, rel, offset, body_lines, problems, seen)
            continue
        i += 1
    close_prose()
    return page


def _parse_table(
    tokens: list[Token],
    start: int,
    page: Page,
    section: str,
    rel: str,
    offset: int,
    body_lines: list[str],
    problems: list[Problem],
    seen: dict[tuple[str, str, str], int],
) -> int:
    headers: list[str] = []
    rows: list[tuple[int, list[_Inline]]] = []
    row: list[_Inline] = []
    row_line = 0
    in_head = False
    i = start + 1
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
            row_line = tok.map[0] if tok.map else 0
        elif tok.type == "inline":
            row.append(_Inline(tok))
        elif tok.type == "tr_close":
            if in_head:
                headers = [c.text for c in row]
            else:
                rows.append((row_line, row))
        i += 1
    level_matrix = len(headers) > 2 and all(_LEVEL_HEADER.search(h) for h in headers[1:])
    for row_line, cells in rows:
        line = row_line + offset + 1
        declared = _count_cells(body_lines[row_line]) if row_line < len(body_lines) else len(cells)
        if declared != len(headers):
            problems.append(
                Problem(
                    rel,
                    line,
                    f"table row has {declared} cells but the header has {len(headers)}",
                    "warning",
                )
            )
        first = cells[0]
        area = first.text.replace("\n\n", " ").strip()
        if not area:
            continue
        link = first.links[0][1] if first.links else None
        if level_matrix:
            cell_sets = [(h, {}, c.text) for h, c in zip(headers[1:], cells[1:], strict=False)]
        else:
            extra = {h: c.text for h, c in zip(headers[2:], cells[2:], strict=False) if c.text}
            description = cells[1].text if len(cells) > 1 else ""
            cell_sets = [(page.title or page.h1, extra, description)]
        for level, extra, description in cell_sets:
            key = (section, area, level)
            if key in seen:
                problems.append(
                    Problem(
                        rel,
                        line,
                        f'area "{area}" appears twice under "{section or page.h1}" '
                        f"(first on line {seen[key]})",
                        "warning",
                    )
                )
                continue
            seen[key] = line
            page.entries.append(
                Entry(
                    framework="",
                    craft="",
                    level=level,
                    role=page.h1 or page.title,
                    section=section,
                    area=area,
                    description=description,
                    todo=is_todo_text(description) and not extra,
                    source=f"{rel}:{line}",
                    area_link=link,
                    permalink=page.permalink,
                    nav_order=page.nav_order,
                    columns=extra,
                )
            )
    return i + 1


def _resolve(pages: list[Page]) -> list[Entry]:
    """Fill framework and craft from each page's parent chain within the content."""
    by_title = {p.title: p for p in pages if p.title}
    parents = {p.parent for p in pages if p.parent}
    # Pages whose titles other pages' tables give as cell values ("| Data modelling | … | Practitioner |")
    # are the steps of a skill scale (proficiency tiers), not job levels: their rows say what each skill
    # asks at that step, and no one holds one as a title. So the pages under a parent are tiers when two
    # or more of their titles are used that way: one stray mention is not enough.
    used_as_value = Counter(v.strip() for p in pages for e in p.entries for v in e.columns.values())
    siblings: dict[str, list[str]] = {}
    for p in pages:
        if p.title and p.parent:
            siblings.setdefault(p.parent, []).append(p.title)
    tiers = {t for titles in siblings.values() if sum(1 for t in titles if used_as_value[t]) > 1 for t in titles}
    entries: list[Entry] = []
    for page in pages:
        has_table_entries = any(e.kind == "level" for e in page.entries)
        # A level is a page with level tables, or a page at the bottom of the tree (under a craft, with no
        # pages of its own) written as headings and prose.
        is_level = has_table_entries or (
            page.title not in parents
            and bool(page.grand_parent or (page.parent in by_title and by_title[page.parent].parent))
        )
        if is_level:
            craft = page.parent
            framework = page.grand_parent or (by_title[page.parent].parent if page.parent in by_title else "")
            framework = framework or page.parent or page.title
        else:
            # A page of area definitions is the craft itself.
            craft = page.title or page.h1
            framework = page.parent or page.title
        level = page.title or page.h1
        for e in page.entries:
            if is_level and e.kind == "definition":
                # The page's prose is that level's text, found and quoted like its cells.
                e = replace(e, kind="level", level=level, nav_order=page.nav_order)
            if page.title in tiers:
                e = replace(e, kind="tier", level="", section=e.section or page.title)
            entries.append(replace(e, framework=framework, craft=craft))
    return entries


def load_content(root: Path | str) -> Content:
    root = Path(root)
    problems: list[Problem] = []
    pages: list[Page] = []
    if not root.is_dir():
        problems.append(Problem(str(root), 0, "content directory does not exist"))
        return Content(root, [], [], problems)
    for link in directory_links(root):
        rel = link.relative_to(root).as_posix()
        reason = "is a link to a directory; not followed (pages must be inside the content folder)"
        problems.append(Problem(rel, 1, reason, "warning"))
    for path in page_paths(root):
        rel = path.relative_to(root).as_posix()
        page = _parse_page(path, rel, problems, root)
        if page is not None and page.front_matter:
            pages.append(page)
    entries = _resolve(pages)
    if not any(e.kind == "level" for e in entries):
        problems.append(
            Problem(
                str(root), 0,
                "no framework entries found: no page has an |Area|Description| table or sits under a craft page",
            )
        )
    return Content(root, pages, entries, problems)
