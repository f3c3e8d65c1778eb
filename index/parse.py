"""Read just-the-docs/Jekyll framework pages into entries, and report what is wrong with them.

Tables are parsed with markdown-it-py's GFM table rule, not by splitting lines, so the seed's quirks
(a closing `|` alone after blank lines, `<br><br>` paragraph breaks, links in cells) come out the way a
reader of the rendered page sees them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token

from index.entry import FEW_WORDS, Entry, EntryKind, Layout, is_inclusion, is_label, is_todo_text
from index.files import NotText, UnsafePage, directory_links, page_paths, read_page, text_of
from index.frontmatter import FrontMatterError, SafeFrontMatterLoader, load_front_matter
from index.levelnames import LABEL_SEPARATOR, LEVEL_WORDS, SENIORITY, singular, title_numbers
from index.problem import Problem as Problem
from index.tokens import STOPWORDS, roman, stem, words

_STRAY_EMPHASIS = re.compile(r"\*{2,}")
# YAML's two ways to end a document, which close a page's front matter.
_FRONT_MATTER_ENDS = ("---", "...")
# markdown-it writes a block or a run as an opening token, what it wraps and a closing token.
_WRAPPED = 3

BlockRole = Literal["para", "bullet", "more"]


@dataclass(frozen=True)
class Block:
    """One paragraph of prose as written: a plain paragraph, the start of a top-level bullet, or more of one."""

    role: BlockRole
    line: int
    text: str


# Names a problem lists before "…" (the crafts a page's parent is near, the levels a glossary could mean).
SHOWN_NAMES = 6


@dataclass
class Table:
    """A table as read, kept until the whole content tells whether its columns (or rows) are proficiency tiers
    (_read_tiers), since one page alone cannot: the scale is named on other pages, or recurs across tables."""

    section: str
    headers: list[str]
    rows: list[tuple[int, list[str], str | None]]  # (line, cell texts, the first cell's link)
    span: tuple[int, int]  # the positions in Page.entries of the entries read from it as an area table
    level_matrix: bool
    level_rows: bool
    tiers: bool = False  # read as a tier matrix


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
    # The paragraphs of each prose entry (by its source) as written, so a list can be split into its bullets.
    blocks: dict[str, list[Block]] = field(default_factory=dict)
    sublevels: list[str] = field(default_factory=list)  # levels written as headings on this page
    craft_of_sections: bool = False  # a craft's one page, its levels its sections (load_content)
    parallel_sections: bool = False  # it has sections with the same sub-headings (`_parallel_sections`)
    level_rows: bool = False  # a table on this page names a level per row
    tables: list[Table] = field(default_factory=list)
    tier_tables: bool = False  # a table on this page is a competency x proficiency-tier matrix

    def entry(self, level: str, section: str, area: str, description: str, line: int, *, todo: bool,
              kind: EntryKind = "level", layout: Layout = "cell", area_link: str | None = None,
              nav_order: float | None = None, columns: dict[str, str] | None = None) -> Entry:
        """An entry of this page's text, cited at `line`. Framework and craft are left empty: they come from the
        page's parent chain, which only the whole content tells (_resolve)."""
        return Entry(framework="", craft="", level=level, role=self.h1 or self.title, section=section, area=area,
                     description=description, todo=todo, source=f"{self.path}:{line}", kind=kind,
                     area_link=area_link, permalink=self.permalink, nav_order=nav_order, columns=columns or {},
                     layout=layout)


@dataclass
class Content:
    root: Path
    pages: list[Page]
    entries: list[Entry]
    problems: list[Problem]
    # Axes a page defines as a heading over a list of short steps ("## Scope" over "- Task", "- Feature"),
    # with their steps, by framework.
    axes: dict[str, list[str]] = field(default_factory=dict)

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
        paragraphs = [" ".join(p.split()) for p in text.split("\x00")]
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
            return "\x00" if _StartTags(child.content).tags == ["br"] else ""
        if child.type == "image":
            return child.content
        return ""


class _StartTags(HTMLParser):
    """The start tags of a piece of inline HTML as Python's HTML parser reads them (`<br>`, `<BR/>`, `<br class="x">`
    are each one "br")."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def _split_front_matter(text: str, rel: str, problems: list[Problem]) -> tuple[dict[str, Any], str, int]:
    """Front matter dict, the body, and how many lines precede the body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in _FRONT_MATTER_ENDS:
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


def _key_line(front: str, key: str) -> int:
    """The page line of `key:` in front matter that starts on the page's second line, as YAML reads it."""
    node = yaml.compose(front, Loader=SafeFrontMatterLoader)
    keys = node.value if isinstance(node, yaml.MappingNode) else []
    return next((k.start_mark.line + 2 for k, _ in keys if k.value == key), 1)


def _count_cells(line: str) -> int:
    """Cells a GFM row line declares, split as markdown-it's table rule splits it (an escaped pipe does not
    split; the row's outer pipes open and close it)."""
    cells = escapedSplit(line.strip())
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse_page(path: Path, rel: str, problems: list[Problem], root: Path, sections: bool = False) -> Page | None:
    try:
        raw = read_page(path, root)
    except UnsafePage as exc:
        problems.append(Problem(rel, 1, str(exc)))
        return None
    try:
        text = text_of(raw)
    except NotText as exc:
        problems.append(Problem(rel, exc.line, str(exc)))
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
    if page.parent:
        page.parent_line = _key_line("\n".join(text.split("\n")[1 : offset - 1]), "parent")
    if not page.front_matter:
        # A README or SOURCE.md beside the pages is no page; one with a table probably lost its front matter.
        if any(t.type == "table_open" for t in _markdown().parse(text)):
            problems.append(Problem(rel, 1, "no front matter: Jekyll publishes it as a plain file, not a page; "
                                            "skipped", "warning"))
        return page
    tokens = _markdown().parse(body)
    body_lines = body.split("\n")
    heading = ""
    heading_line = 0
    heading_body: list[Block] = []
    body_line = 0  # where the prose under the current heading starts
    over_table = False  # the current heading names a table's section, not an area
    seen: dict[tuple[str, str, str], int] = {}
    sublevel_rank, sublevels = _sublevel_headings(tokens, page.title or page.h1, sections)
    page.sublevels = list(sublevels.values())
    page.parallel_sections = bool(sublevels) if sections else bool(_parallel_sections(tokens)[0])
    sublevel = ""  # the sub-level ("Senior Engineer II") the text read now belongs to
    depth = 0  # list nesting
    new_item = False  # the next paragraph starts a top-level list item
    outline: list[tuple[int, str]] = []  # the headings over the current one, by rank (h2 and below)
    under = ""  # the heading over the current one, when that heading's section has text of its own
    with_text: set[str] = set()  # headings whose own text was read

    def close_prose() -> None:
        # Prose under a heading is framework text: an area's definition on a craft page, a level's
        # summary or notes on a level page (index/parse.py's _resolve tells which). The introduction
        # under the page's title is quoted as the page's own text.
        question = heading.endswith("?") and bool(heading_line)
        if heading and heading_line and heading != page.h1 and not over_table and not question \
                and heading not in sublevels.values():
            page.defined_areas.append(heading)
        texts = [b.text for b in heading_body]
        if texts and not (len(texts) == 1 and texts[0] == "|"):
            intro = heading == page.h1 and not heading_line
            entry = page.entry(sublevel, page.title or page.h1, (page.title or page.h1) if intro else heading,
                               "\n\n".join(texts), heading_line or body_line, todo=is_todo_text(" ".join(texts)),
                               kind="definition", layout="faq" if question else "prose")
            if under in with_text and not intro and not question:
                entry = replace(entry, under=under)
            with_text.add(heading)
            page.entries.append(entry)
            page.blocks[entry.source] = list(heading_body)

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            inline = _Inline(tokens[i + 1])
            line = (tok.map[0] if tok.map else 0) + offset + 1
            close_prose()
            rank = int(tok.tag[1:])
            if sublevel_rank and rank <= sublevel_rank:
                sublevel = sublevels.get(i, "")
            if tok.tag == "h1" and not page.h1:
                page.h1 = inline.text
                heading, heading_line = inline.text, 0
            else:
                heading, heading_line = inline.text, line
            if rank > 1:
                while outline and outline[-1][0] >= rank:
                    outline.pop()
                # A sub-level's heading is a level, no section ("## Senior Engineer II" over its areas).
                under = outline[-1][1] if outline and outline[-1][1] not in sublevels.values() else ""
                outline.append((rank, inline.text))
            heading_body, over_table = [], False
            i += _WRAPPED
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open" and depth == 1:
            new_item = True
        if tok.type == "paragraph_open":
            inline = _Inline(tokens[i + 1])
            para = inline.text
            line = (tok.map[0] if tok.map else 0) + offset + 1
            if not depth and para.endswith("?") and _all_bold(tokens[i + 1]):
                # A bold question line ("**Can I skip a level?**") labels the answer under it, like a heading.
                close_prose()
                heading, heading_line, heading_body, over_table = para, line, [], False
                i += _WRAPPED
                continue
            if para and para != "|":
                if not heading_body:
                    body_line = line
                role: BlockRole = "para" if not depth else ("bullet" if new_item else "more")
                heading_body.append(Block(role, line, para))
            new_item = False
        if tok.type == "table_open":
            over_table = True
            i, comparison = _parse_table(tokens, i, page, heading, rel, offset, body_lines, problems, seen, sublevel)
            if comparison and heading_body and heading_body[-1].role == "para":
                # The sentence that introduces a comparison table ("How the tracks differ:") says what
                # follows; it answers nothing itself.
                heading_body.pop()
            continue
        i += 1
    close_prose()
    return page


def _names_a_level(header: str) -> bool:
    """A column header that names a level, so the table is a level matrix (one entry per cell): it has a number
    ("L3", "IC4", "Level 2", "AE II": a roman numeral after a word), or a level or seniority word of the word table
    (index/words.tsv)."""
    ws = words(header)
    return any(c.isdigit() for c in header) or any(singular(w) in LEVEL_WORDS | SENIORITY for w in ws) \
        or (len(ws) >= 2 and roman(ws[-1]) is not None)


def _level_matrix(headers: list[str]) -> bool:
    """Whether a table's columns beside its first are levels: most of them name one (`_names_a_level`), two or
    more, as "| Competency | SDR | AE I | AE II | Senior AE |" does; the one that does not ("SDR") is a level
    by its place among them."""
    named = sum(_names_a_level(h) for h in headers[1:])
    return len(headers) > 2 and named >= 2 and 2 * named > len(headers) - 1


def _all_bold(inline: Token) -> bool:
    """An inline token whose whole visible text is one bold run."""
    kids = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    return len(kids) >= _WRAPPED and kids[0].type == "strong_open" and kids[-1].type == "strong_close" \
        and not any(c.type == "strong_open" for c in kids[1:-1])


def _sublevel_headings(tokens: list[Token], title: str, sections: bool = False) -> tuple[int, dict[int, str]]:
    """Headings that split one page into sub-levels ("## Senior Engineer I", "## Senior Engineer II", or
    "## I", "## II" under a page titled "Senior Engineer"): at one heading rank, two or more headings that are
    the same words followed by different numbers (roman or not). (rank, {token position: level title}); no
    rank when the page has none, so its headings stay areas."""
    by_rank: dict[int, list[tuple[int, str, str, int]]] = {}
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or tok.tag == "h1":
            continue
        text = _Inline(tokens[i + 1]).text
        # A sub-level heading is words (maybe none) and a number, roman or not ("Senior Engineer II", "Level 3").
        *head, last = text.split() or [""]
        number = int(last) if last.isdecimal() and len(last) <= 2 else roman(last.lower())
        if not number:
            continue
        stem = " ".join(head)
        # "Senior Engineer II" on a page titled "Senior Engineer", "Level 2" or a bare "II" name a level;
        # "Phase 2" or "Release 2" under a level are something else.
        stem_words = set(words(stem))
        if stem_words and not stem_words & set(words(title)) and not stem_words <= LEVEL_WORDS:
            continue
        by_rank.setdefault(int(tok.tag[1:]), []).append((i, stem, text, number))
    for rank in sorted(by_rank):
        found = by_rank[rank]
        stems = {stem.lower() for _, stem, _, _ in found}
        numbers = [n for _, _, _, n in found]
        if len(found) >= 2 and len(stems) == 1 and len(set(numbers)) == len(numbers):
            return rank, {i: text if stem else f"{title} {text}".strip() for i, stem, text, _ in found}
    return _parallel_sections(tokens) if sections else (0, {})


def _parallel_sections(tokens: list[Token]) -> tuple[int, dict[int, str]]:
    """Sections of one rank that are levels, told by their shape alone ("## Junior Engineer", "## Engineer", each
    over "### Delivery", "### Collaboration"): two or more headings of a rank whose sub-headings are the same
    names, as the levels of a table repeat its areas. Only a craft's own page is read so (load_content)."""
    heads: list[tuple[int, int, str]] = [(i, int(t.tag[1:]), _Inline(tokens[i + 1]).text) for i, t in enumerate(tokens)
                                         if t.type == "heading_open" and t.tag != "h1"]
    for rank in sorted({r for _, r, _ in heads}):
        children: dict[int, set[str]] = {}
        current: int | None = None
        for i, r, text in heads:
            if r < rank:
                current = None
            elif r == rank:
                current = i
                children[i] = set()
            elif r == rank + 1 and current is not None:
                children[current].add(_name(text))
        shared = {i: names for i, names in children.items()
                  if names and any(names & other for j, other in children.items() if j != i)}
        if len(shared) >= 2:
            return rank, {i: text for i, _, text in heads if i in shared}
    return 0, {}


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
    sublevel: str = "",
) -> tuple[int, bool]:
    """Entries of one table; the index after it, and whether it was a comparison table."""
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
    level_matrix = _level_matrix(headers)
    if not level_matrix and _is_comparison(headers, rows):
        _comparison_entries(headers, rows, page, section, offset, sublevel)
        return i + 1, True
    # A table whose first column names levels ("| Level | Experience | % time coding |"): each row is a level
    # and each other cell that level's entry, labelled by its column.
    first = words(headers[0]) if headers else []
    level_rows = len(headers) > 1 and 0 < len(first) <= 2 and singular(first[-1]) in LEVEL_WORDS
    page.level_rows = page.level_rows or level_rows
    first_entry = len(page.entries)
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
        elif level_rows:
            link = None  # the row names a level, not an area with a definition to link to
            cell_sets = [(area, {}, c.text) for c in cells[1:]]
        else:
            extra = {h: c.text for h, c in zip(headers[2:], cells[2:], strict=False) if c.text}
            description = cells[1].text if len(cells) > 1 else ""
            cell_sets = [(sublevel or page.title or page.h1, extra, description)]
        for n, (level, extra, description) in enumerate(cell_sets, start=1):
            if level_rows:
                area = headers[n] if n < len(headers) else ""
                if not area or not description:
                    continue
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
            page.entries.append(page.entry(level, section, area, description, line,
                                           todo=is_todo_text(description) and not extra, area_link=link,
                                           nav_order=page.nav_order, columns=extra))
    read = [(row_line + offset + 1, [c.text for c in cells], cells[0].links[0][1] if cells[0].links else None)
            for row_line, cells in rows if cells]
    page.tables.append(Table(section, headers, read, (first_entry, len(page.entries)), level_matrix, level_rows))
    return i + 1, False


def _is_comparison(headers: list[str], rows: list[tuple[int, list[_Inline]]]) -> bool:
    """A table that sets columns side by side ("| Individual contributor | Manager |"), not one that names an
    area per row: its first column holds sentences, where an area column holds short names (entry.FEW_WORDS)."""
    if len(headers) < 2 or not rows or not all(h.strip() for h in headers):
        return False
    firsts = [cells[0].text for _, cells in rows if cells and cells[0].text]
    sentences = sum(1 for t in firsts if len(t.split()) > FEW_WORDS or t.rstrip().endswith("."))
    if not firsts or sentences * 2 <= len(firsts):
        return False
    # Sides of a comparison are alike in length; a long area name still sits beside a far longer description.
    seconds = [cells[1].text for _, cells in rows if len(cells) > 1 and cells[1].text]
    first_words = sum(len(t.split()) for t in firsts) / len(firsts)
    second_words = sum(len(t.split()) for t in seconds) / len(seconds) if seconds else 0.0
    return first_words * 2 >= second_words


def _comparison_entries(headers: list[str], rows: list[tuple[int, list[_Inline]]], page: Page, section: str,
                        offset: int, sublevel: str) -> None:
    """Each cell of a comparison table on its own, labelled by its column header."""
    for row_line, cells in rows:
        for header, cell in zip(headers, cells, strict=False):
            if not cell.text or is_todo_text(cell.text):
                continue
            page.entries.append(page.entry(sublevel, section or page.title or page.h1, header, cell.text,
                                           row_line + offset + 1, todo=False, kind="definition",
                                           layout="comparison"))


def _resolve(pages: list[Page], axes: dict[str, list[str]]) -> list[Entry]:
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
    _read_tier_tables(pages, by_title, parents, tiers)
    # A craft page with a table of its levels by row (tenure, time split) is the craft, not a level of its own:
    # its rows join the level pages below it, and its prose and axes define the craft.
    # So is a page right under the framework whose table has the levels as columns ("| Competency | SDR | AE I |
    # AE II |"): its columns are its levels, and the page their craft.
    matrix_crafts = {p.path for p in pages if any(t.level_matrix and not t.tiers for t in p.tables)
                     and _where_a_craft_sits(p, by_title, parents)}
    levels_of = {p.path: _is_level(p, by_title, parents) and not (p.level_rows and p.title in parents)
                 and p.path not in matrix_crafts and not p.craft_of_sections for p in pages}
    for p in pages:
        if not levels_of[p.path]:
            for axis, steps in _page_axes(p).items():
                axes.setdefault(axis, steps)
    # The areas the pages above the levels define ("Business impact"): a level's list under such a heading is
    # that area's, whatever step of an axis a bullet happens to name ("the domain's OKRs" is no Scope step).
    defined = {e.area for p in pages if not levels_of[p.path] for e in p.entries} - set(axes)
    entries: list[Entry] = []
    for page in pages:
        is_level = levels_of[page.path]
        has_table_entries = any(e.kind == "level" for e in page.entries)
        if (page.level_rows and page.title in parents) or page.path in matrix_crafts or page.craft_of_sections:
            # A craft page with a table of its levels by row (tenure, time split) or by column: the page is the craft.
            craft, framework = page.title, page.parent or page.title
        elif is_level or (page.tier_tables and _at_bottom(page, by_title, parents)):
            # A page of tier matrices where a level would sit belongs to the craft above it, as a level would.
            craft = page.parent
            framework = page.grand_parent or (by_title[page.parent].parent if page.parent in by_title else "")
            framework = framework or page.parent or page.title
        else:
            # A page of area definitions is the craft itself.
            craft = page.title or page.h1
            framework = page.parent or page.title
        level = page.title or page.h1
        split = is_level and not has_table_entries
        joined = _row_levels(page, pages) if page.level_rows and page.title in parents else {}
        for e in page.entries:
            if e.level in joined:
                # Said of that level as its own page says it: its title, and the role its heading names.
                own = joined[e.level]
                e = replace(e, level=own.title, role=next((x.role for x in own.entries), e.role))
            pieces = _split_prose(e, page.blocks.get(e.source, []), axes) if split and e.area not in defined else [e]
            for piece in pieces:
                if page.craft_of_sections and piece.kind == "definition" and piece.level:
                    # A craft's one page: each level section's text is that level's, found and quoted like a cell.
                    piece = replace(piece, kind="level", nav_order=page.nav_order)
                elif not is_level and piece.kind == "definition" and piece.level:
                    # Numbered headings on a page that is no level are its sections, not sub-levels.
                    piece = replace(piece, level="")
                if is_level and piece.kind == "definition" and piece.layout != "cell" \
                        and (piece.level or not page.sublevels):
                    # The page's prose is that level's text, found and quoted like its cells; on a page of
                    # sub-levels, the text above the first one is about them all and stays a definition. A
                    # competency's definition beside a tier matrix (layout cell) is about every level.
                    piece = replace(piece, kind="level", level=piece.level or level, nav_order=page.nav_order)
                if page.title in tiers:
                    piece = replace(piece, kind="tier", level="", section=piece.section or page.title)
                entries.append(replace(piece, framework=framework, craft=craft))
    return _one_label_per_code(entries, {e.source for p in pages for t in p.tables if t.level_rows and not t.tiers
                                         for e in p.entries[slice(*t.span)]})


def _one_label_per_code(entries: list[Entry], by_row: set[str]) -> list[Entry]:
    """Rows of tables of levels by row, on several pages of one craft, that name one level by its code and number
    in different words ("M4 Sr. Marketing Manager" on one page, "M4 Senior Marketing Manager" on another) are
    that one level, named as most of the rows name it (the first so named when as many)."""
    labels: dict[tuple[str, str, frozenset[tuple[str, int]]], Counter[str]] = {}
    for e in entries:
        # By a code only: "Level 3 (IC)" and "Level 3 (Manager)" carry one bare number and are two levels.
        if e.source in by_row and e.level and (numbers := frozenset(n for n in title_numbers(e.level) if n[0])):
            labels.setdefault((e.framework, e.craft, numbers), Counter())[e.level] += 1
    rename = {(fw, craft, label): named.most_common(1)[0][0] for (fw, craft, _), named in labels.items()
              if len(named) > 1 for label in named}
    if not rename:
        return entries
    return [replace(e, level=rename.get((e.framework, e.craft, e.level), e.level)) if e.source in by_row else e
            for e in entries]


def _row_levels(craft: Page, pages: list[Page]) -> dict[str, Page]:
    """The level pages below a craft page that its table's rows name by their code ("| P3 | … |" on the page
    above "P3 Senior Engineer"): {row label: page}, when one page alone carries the label's code and number. A
    row that names its page by the page's own title needs no joining."""
    below = {p.title: p for p in pages if p.parent == craft.title and p.title}
    out: dict[str, Page] = {}
    for t in craft.tables:
        if not t.level_rows:
            continue
        for _, cells, _ in t.rows:
            label = cells[0].replace("\n\n", " ").strip() if cells else ""
            numbers = title_numbers(label) if label and label not in below else set()
            match = [b for b in below if numbers and numbers & title_numbers(b)]
            if len(match) == 1:
                out[label] = below[match[0]]
    return out


def _is_level(page: Page, by_title: dict[str, Page], parents: set[str]) -> bool:
    """A level is a page with level tables, or a page at the bottom of the tree (under a craft, with no pages
    of its own) written as headings and prose; a page whose tables are tier matrices is a skill scale, not a
    level, wherever it sits."""
    return any(e.kind == "level" for e in page.entries) or (
        not page.tier_tables and _at_bottom(page, by_title, parents))


def _at_bottom(page: Page, by_title: dict[str, Page], parents: set[str]) -> bool:
    """A page under a craft with no pages of its own: where a level page sits."""
    return page.title not in parents and bool(
        page.grand_parent or (page.parent in by_title and by_title[page.parent].parent))


def _where_a_craft_sits(page: Page, by_title: dict[str, Page], parents: set[str]) -> bool:
    """A page with no pages of its own right under the framework (or at the top): where a craft's one page sits."""
    return page.title not in parents and not _at_bottom(page, by_title, parents)


def _name(text: str) -> str:
    return " ".join(text.casefold().split())


# A tier matrix that is told apart only by its columns recurring has at least this many of them beside its first:
# "| Area | Description | Examples |" recurs on every level page of many frameworks, a scale of tiers is longer.
_RECURRING_TIERS = 3


def _read_tier_tables(pages: list[Page], by_title: dict[str, Page], parents: set[str], tier_pages: set[str]) -> None:
    """Competency x proficiency-tier matrices ("| Skill | Awareness | Working | Practitioner | Expert |"): the
    tiers are steps of a skill scale, not job levels, so each cell becomes a tier entry labelled by its
    competency (area) and tier (section), never a level. No word list names tiers; a table's columns (or, the
    other way round, its rows) are tiers when they are none of the framework's level titles and
      - two or more of them are one scale the framework names elsewhere: values other tables' cells give
        ("| Data modelling | … | Practitioner |"), the steps of an axis (a heading over a list of short
        steps), headings of one page that no table uses as an area, or pages that are tiers themselves; or
      - the same columns, three or more beside the first, head two or more tables of different competencies
        (a matrix split by competency group), in a framework whose levels are other names.
    A column that is no tier (a "Description" beside the tiers) is the competency's definition."""
    candidates = [(page, table) for page in pages for table in page.tables if len(table.headers) > 2]
    if not candidates:
        return
    # The levels the framework names, and those each table alone names, so a table's own reading (a level
    # matrix's headers, a level-by-row table's rows) is no evidence that its names are levels.
    levels_named = Counter(_name(e.level) for page in pages for e in page.entries if e.kind == "level" and e.level)
    fixed = {_name(s) for page in pages for s in page.sublevels}
    fixed |= {_name(p.title) for p in pages if p.title and _at_bottom(p, by_title, parents)}
    fixed -= {_name(t) for t in tier_pages}
    row_labels = {_name(row[1][0]) for _, t in candidates for row in t.rows if row[1]}
    row_labels |= {_name(e.area) for page in pages for e in page.entries if e.layout == "cell"}
    values = {_name(v) for page in pages for e in page.entries for v in e.columns.values()}
    values |= {_name(e.description) for page in pages for e in page.entries
               if e.layout == "cell" and 0 < len(e.description.split()) <= 2}
    scales: list[set[str]] = [values, {_name(t) for t in tier_pages}]
    for page in pages:
        if not _at_bottom(page, by_title, parents):
            scales += [{_name(s) for s in steps} for steps in _page_axes(page).values()]
        scales.append({_name(h) for h in page.defined_areas} - row_labels)

    def level_titles(page: Page, table: Table) -> set[str]:
        own = Counter(_name(e.level) for e in page.entries[slice(*table.span)] if e.kind == "level" and e.level)
        return fixed | {k for k, n in levels_named.items() if n > own[k]} - {_name(t) for t in tier_pages}

    def named(names: list[str], levels: set[str]) -> set[str]:
        keys = [_name(n) for n in names if n.strip()]
        if any(k in levels for k in keys):
            return set()
        best = max((set(keys) & scale for scale in scales), key=len)
        return best if len(best) >= 2 else set()

    recurring: Counter[tuple[str, ...]] = Counter()
    labels_of: dict[tuple[str, ...], list[str]] = {}
    for _, t in candidates:
        if not (t.level_matrix or t.level_rows) and len(t.headers) > _RECURRING_TIERS:
            key = tuple(_name(h) for h in t.headers[1:])
            recurring[key] += 1
            labels_of.setdefault(key, []).extend(_name(r[1][0]) for r in t.rows if r[1] and r[1][0].strip())
    for page, t in candidates:
        levels = level_titles(page, t)
        by_column = named(t.headers[1:], levels)
        key = tuple(_name(h) for h in t.headers[1:])
        # Columns told apart only by recurring are tiers only beside a ladder of other names: in a framework
        # with no other levels, the same level columns heading each craft's table are its levels.
        if not by_column and recurring[key] > 1 and len(set(labels_of[key])) == len(labels_of[key]) \
                and levels and not set(key) & levels:
            by_column = set(key)
        by_row = set() if by_column else named([r[1][0] for r in t.rows if r[1]], levels)
        if by_row and len(by_row) < len({_name(r[1][0]) for r in t.rows if r[1] and r[1][0].strip()}):
            by_row = set()  # a table some of whose rows are tiers and others not is no matrix
        if by_column or by_row:
            _tier_entries(page, t, by_column, by_row)


def _tier_entries(page: Page, table: Table, by_column: set[str], by_row: set[str]) -> None:
    """Put the tier entries of one matrix in place of the area entries it was first read as."""
    out: list[Entry] = []
    section = table.section or page.title or page.h1
    for line, cells, link in table.rows:
        label = cells[0].replace("\n\n", " ").strip() if cells else ""
        if not label:
            continue
        definition: list[tuple[str, str]] = []  # the row's columns that are no tier: its competency's own text
        for header, cell in zip(table.headers[1:], cells[1:], strict=False):
            if by_row:
                if not header.strip():
                    continue
                tier, area = label, header
            elif _name(header) in by_column:
                tier, area = header, label
            else:
                definition.append((header, cell))
                continue
            if cell.strip():
                out.append(page.entry("", tier, area, cell, line, todo=is_todo_text(cell), kind="tier",
                                      area_link=None if by_row else link, nav_order=page.nav_order))
        if definition and definition[0][1].strip():
            extra = {h: c for h, c in definition[1:] if c}
            out.append(page.entry("", section, label, definition[0][1], line, todo=False, kind="definition",
                                  area_link=link, columns=extra))
    start, end = table.span
    shift = len(out) - (end - start)
    page.entries[start:end] = out
    for other in page.tables:
        if other.span[0] >= end:
            other.span = (other.span[0] + shift, other.span[1] + shift)
    table.span, table.tiers = (start, start + len(out)), True
    page.tier_tables = True
    page.level_rows = any(t.level_rows and not t.tiers for t in page.tables)


def _step_label(text: str) -> str:
    """A list item's step name: the words before a colon or dash ("Task: small, defined work" -> "Task"), or
    the item itself when it is a few words."""
    head = LABEL_SEPARATOR.split(text, maxsplit=1)[0].strip()
    return head if 0 < len(head.split()) <= FEW_WORDS else ""


def _page_axes(page: Page) -> dict[str, list[str]]:
    """Axes a non-level page defines: a heading over a list whose every item starts with a short step name."""
    out: dict[str, list[str]] = {}
    for e in page.entries:
        blocks = page.blocks.get(e.source, [])
        items = [b for b in blocks if b.role == "bullet"]
        if e.layout != "prose" or len(items) < 2 or e.area == (page.title or page.h1):
            continue
        steps = [_step_label(b.text) for b in items]
        if all(steps):
            out[e.area] = steps
    return out


def _step_words(step: str) -> set[str]:
    return {stem(w) for w in words(step) if w not in STOPWORDS}


def _axis_of(text: str, axes: dict[str, list[str]]) -> str | None:
    """The one axis whose step a bullet names (all the step's words are in it), None when none or several."""
    have = {stem(w) for w in words(text)}
    hits = {axis for axis, steps in axes.items() for s in steps if (ws := _step_words(s)) and ws <= have}
    return hits.pop() if len(hits) == 1 else None


def _split_prose(entry: Entry, blocks: list[Block], axes: dict[str, list[str]]) -> list[Entry]:
    """A level page's list whose bullets are steps on the framework's axes: each bullet its own entry with its
    axis as its area, and each labelled line ("Experience: …") an entry under its label; the other
    paragraphs stay one prose entry, less a lead-in ("You will:") that only introduced the list.

    A list whose bullets name no axis stays one entry under its heading: its bullets share one area, and
    each is still found and quoted alone (index/documents.py embeds it as its own document). Splitting
    such lists was measured: on the blind kubernetes and drasner sets, shipped top-1 fell from 0.746 to
    0.634 (bullets alone) and 0.676 (labelled lines alone), since a bullet alone loses the words its
    neighbours give the ranker."""
    if entry.layout != "prose" or not axes:
        return [entry]
    groups: list[tuple[str, int, list[str]]] = []  # (bullet / label:<name>, line, texts)
    prose: list[Block] = []
    for n, b in enumerate(blocks):
        # "Experience: Typically requires…", "Note: …": a label (entry.is_label) and a colon open a line that is
        # its own entry.
        head, colon, rest = b.text.partition(":")
        labelled = head if b.role == "para" and colon and rest.strip() and is_label(head) and not is_label(b.text) \
            else None
        if b.role == "bullet":
            groups.append(("bullet", b.line, [b.text]))
        elif (b.role == "more" or is_inclusion(b.text)) and groups and groups[-1][0] == "bullet":
            groups[-1][2].append(b.text)
        elif labelled:
            groups.append((f"label:{labelled}", b.line, [b.text]))
        elif not (is_label(b.text) and n + 1 < len(blocks) and blocks[n + 1].role == "bullet"):
            prose.append(b)
    areas = [_axis_of("\n\n".join(texts), axes) if kind == "bullet" else None for kind, _, texts in groups]
    if not any(areas):
        return [entry]
    path = entry.path
    out: list[Entry] = []
    if prose:
        texts = [b.text for b in prose]
        out.append(replace(entry, description="\n\n".join(texts), todo=is_todo_text(" ".join(texts)),
                           source=f"{path}:{prose[0].line}"))
    for (kind, line, texts), area in zip(groups, areas, strict=True):
        text = "\n\n".join(texts)
        if kind == "bullet":
            out.append(replace(entry, area=area or entry.area, description=text, todo=is_todo_text(text),
                               source=f"{path}:{line}", layout="bullet"))
        else:
            out.append(replace(entry, area=kind.split(":", 1)[1], description=text, todo=False,
                               source=f"{path}:{line}"))
    return out


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
    # A craft written as one page, its levels as sections ("## Junior Engineer" … "## Staff Engineer"), sits where a
    # craft page does (right under the framework, no pages of its own): read again with its parallel sections as
    # levels. Where a level page sits, sections with the same sub-headings are its own parts ("## Core",
    # "## Specialism"), so only this place is read so.
    by_title = {p.title: p for p in pages if p.title}
    parents = {p.parent for p in pages if p.parent}
    for n, p in enumerate(pages):
        if not p.parallel_sections or p.sublevels or not _where_a_craft_sits(p, by_title, parents):
            continue
        again = _parse_page(root / p.path, p.path, [], root, sections=True)
        if again is not None and again.sublevels:
            again.craft_of_sections = True
            pages[n] = again
    axes: dict[str, list[str]] = {}
    entries = _resolve(pages, axes)
    # A page with nothing but its title (a level page not written yet) is quoted nowhere and is no level: the bot
    # would say the framework has no such level. Its editor should hear so; the rest still builds.
    for page in pages:
        if not page.entries and page.title not in parents:
            problems.append(Problem(page.path, 1, f'"{page.title or page.h1 or page.path}" has no text below its '
                                    "title: it is quoted nowhere and is no level; write its text (an area whose "
                                    "text is TODO is listed as unwritten)", "warning"))
    if not any(e.kind == "level" for e in entries):
        problems.append(
            Problem(
                str(root), 0,
                "no framework entries found: no page has an |Area|Description| table or sits under a craft page",
            )
        )
    return Content(root, pages, entries, problems, axes)
