"""The unit of the framework: one area's expectation at one level, as written on a page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Literal

from index import wordtable
from index.tokens import bm25s_stoplist, fold, stem, words

EntryKind = Literal["level", "definition", "tier"]
# How the text is written on its page: a table cell, one bullet of a list, prose under a heading, the answer
# under a FAQ question, or one side of a comparison table ("Individual contributor | Manager").
Layout = Literal["cell", "bullet", "prose", "faq", "comparison"]

# Words that say an expectation is not written yet, in a cell as in a question ("TBD", "placeholder"): the
# question model's word table (index/words.tsv), so the two cannot disagree.
_PLACEHOLDERS = frozenset(stem(w) for w in wordtable.role("todo"))
# A label, or a step on an axis, is a few words at most; more is a sentence (index/parse.py).
FEW_WORDS = 4


def is_todo_text(text: str) -> bool:
    """An expectation nobody has written yet: empty, or just a placeholder word."""
    ws = words(text)
    # No word of two letters or more ("", "-", "—", "n/a"), or the one word a placeholder is ("TBD.").
    return not any(len(w) > 1 or w.isdigit() for w in ws) or (len(ws) == 1 and stem(ws[0]) in _PLACEHOLDERS)


def filed_whole(area: str, names: tuple[str, ...]) -> bool:
    """Whether `area` is one of `names`, the level, role, craft or section it is filed under, as written up to
    case and spacing: a passage under its own whole's name describes that whole, no topic of it
    (`Entry.is_whole`; a follow-up's last answer, index/followup.py `Context.is_whole`)."""
    area = " ".join(fold(area).split())
    return bool(area) and any(area == " ".join(fold(x).split()) for x in names if x)


def is_label(paragraph: str) -> bool:
    """A paragraph that only introduces the next one ("Examples:", "**Management**"): never an answer
    on its own. Ends with a colon, or is a few capitalised words with no sentence punctuation."""
    text = paragraph.strip()
    ws = text.split()
    if not ws:
        return False
    if text.endswith(":") and len(ws) <= 12:
        return True
    if len(ws) > FEW_WORDS or text[-1] in ".!?;,)":
        return False
    # Capitalised words, joined by the shortest English stop list's words ("Ways of Working") or signs ("&").
    joining = _joining_words()
    return all(w[:1].isupper() or w.lower() in joining or not w[:1].isalpha() for w in ws)


@lru_cache(maxsize=1)
def _joining_words() -> frozenset[str]:
    """Lucene's English stop list as bm25s ships it (and, of, the, ...); read on first use, from bm25s's file
    alone (`bm25s_stoplist`: the bm25s package brings numpy and scipy, and `from index import Entry` must not)."""
    return frozenset(bm25s_stoplist("STOPWORDS_EN"))


_INCLUSION = re.compile(r"^(includes?|including)\s*:", re.IGNORECASE)


def is_inclusion(paragraph: str) -> bool:
    """An "Includes: …" line: it lists what the paragraph before it covers, so it is no answer alone and is
    quoted, and embedded, with that paragraph."""
    return bool(_INCLUSION.match(paragraph.strip()))


def slugify(text: str) -> str:
    """The anchor just-the-docs/kramdown gives a heading: lower case, spaces as hyphens, other signs dropped,
    as mdit-py-plugins' anchors make it (imported here: `from index import Entry` loads no markdown parser)."""
    from mdit_py_plugins.anchors.index import slugify as anchor

    return anchor(text.strip())


def page_url(permalink: str | None, site_url: str | None, anchor: str | None = None) -> str | None:
    """A page's link from its permalink (absolute under `site_url` when one is set), at `anchor` if given."""
    if not permalink:
        return None
    link = permalink if permalink.startswith("/") else "/" + permalink
    if anchor is not None:
        link = f"{link}#{anchor}"
    return site_url.rstrip("/") + link if site_url else link


@dataclass(frozen=True)
class Entry:
    framework: str
    craft: str
    level: str
    role: str
    section: str
    area: str
    description: str
    todo: bool
    source: str  # "relative/path.md:line"
    kind: EntryKind = "level"
    area_link: str | None = None
    permalink: str | None = None
    nav_order: float | None = None
    # Extra table columns by header name, verbatim ("Examples" -> "…").
    columns: dict[str, str] = field(default_factory=dict)
    layout: Layout = "cell"
    # Prose under a sub-heading: the heading above it on its page, when that heading has text of its own
    # ("How inactivity is measured" under "Inactive members"), a part of that section's topic.
    under: str = ""

    @property
    def id(self) -> str:
        path = self.source.rsplit(":", 1)[0]
        base = f"{path}#{self.section}#{self.area}#{self.level}"
        # Bullets of one list and cells of one comparison column share section, area and level: the line
        # tells them apart.
        return f"{base}#{self.line}" if self.layout in ("bullet", "comparison") else base

    @property
    def entry_kind(self) -> str:
        """What the admin is shown (`check --shape`): cell, bullet, prose, faq, comparison, definition or tier."""
        if self.kind == "tier":
            return "tier"
        if self.layout in ("faq", "comparison") or self.kind != "definition":
            return self.layout
        return "definition"

    @property
    def is_whole(self) -> bool:
        """Filed under its own level's, role's, craft's or section's name (a page's introduction): it
        describes that whole, and its area is no area other entries could share."""
        return filed_whole(self.area, (self.level, self.role, self.craft, self.section))

    @property
    def path(self) -> str:
        return self.source.rsplit(":", 1)[0]

    @property
    def line(self) -> int:
        return int(self.source.rsplit(":", 1)[1])

    @property
    def paragraphs(self) -> list[str]:
        return list(self._paragraphs)  # a fresh list: callers may change theirs, never the kept split

    # Read for every quote, document and overview line: split once per entry (the text never changes; a
    # rebuilt index or a `replace`d entry is a new object, with its own).
    @cached_property
    def _paragraphs(self) -> tuple[str, ...]:
        return tuple(p for p in self.description.split("\n\n") if p.strip())

    # Made once per entry and kept with it (bot/runtime.py keeps every entry's with the answerer's state), so a
    # restart links its answers without importing the markdown parser that slugify borrows (issue 23, item 4).
    @cached_property
    def anchor(self) -> str:
        if self.area_link and "#" in self.area_link:
            return self.area_link.split("#", 1)[1]
        return slugify(self.area)

    def url(self, site_url: str | None = None) -> str | None:
        """Where a reader sees this text: the page permalink and the area's anchor."""
        return page_url(self.permalink, site_url, self.anchor)

    def content_hash(self, text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(**data)
