"""What gets embedded for each entry: each paragraph of its cell, headed by the area's name.

One document per paragraph (a one-paragraph cell is one document; a cell of many short paragraphs
is grouped into a few documents): a long cell is found by the part a question is about, and an
answer can quote just that part. The whole cell is not
embedded again on top of its paragraphs: that would double the embedding work of a build for little
gain, and MiniLM cuts texts at 256 word pieces anyway, so a long cell's vector would only describe
its beginning. Level, role and craft are left out of the embedded text on purpose: they are matched
structurally (index/aliases.py), and in the vector they only made every cell of one level look alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from index.entry import Entry, is_inclusion, is_label

# Documents per cell at most: see chunks().
MAX_DOCUMENTS = 12


@dataclass(frozen=True)
class Document:
    entry: int  # position in the index's entry list
    paragraph: int  # -1: the whole entry; otherwise the position in the cell of the first paragraph
    text: str
    span: int = 1  # how many consecutive paragraphs the document holds

    @property
    def paragraphs(self) -> tuple[int, ...]:
        return () if self.paragraph < 0 else tuple(range(self.paragraph, self.paragraph + self.span))

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]


def context_line(entry: Entry) -> str:
    parts = [entry.area, entry.level, entry.role, entry.craft, entry.section]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return " | ".join(seen)


def extra_text(entry: Entry) -> str:
    return "\n".join(f"{k}: {v}" for k, v in entry.columns.items())


def entry_documents(position: int, entry: Entry) -> list[Document]:
    paragraphs = [] if entry.todo else entry.paragraphs
    extra = extra_text(entry)
    if len(paragraphs) <= 1:
        body = "\n".join(p for p in (paragraphs[0] if paragraphs else "", extra) if p)
        return [Document(position, -1, f"{entry.area}: {body}" if body else entry.area)]
    docs = [
        Document(position, first, f"{entry.area}: " + " ".join(paragraphs[first : first + span]), span)
        for first, span in units(paragraphs)
    ]
    if extra:
        docs.append(Document(position, -1, f"{entry.area}: {extra}"))
    return docs


def units(paragraphs: list[str]) -> list[tuple[int, int]]:
    """(first, count) groups of a cell's paragraphs to embed: a label ("Examples:") goes with the
    paragraph it introduces, and an "Includes: …" line with the paragraph it completes, so neither is
    found, or quoted, alone."""
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(paragraphs):
        span = 1
        while i + span < len(paragraphs) and (is_label(paragraphs[i + span - 1])
                                              or is_inclusion(paragraphs[i + span])):
            span += 1
        groups.append((i, span))
        i += span
    if len(groups) <= MAX_DOCUMENTS:
        return groups
    merged = chunks([sum(len(p.split()) for p in paragraphs[f : f + n]) for f, n in groups])
    return [(groups[g][0], sum(groups[k][1] for k in range(g, g + n))) for g, n in merged]


def chunks(lengths: list[int], most: int = MAX_DOCUMENTS) -> list[tuple[int, int]]:
    """(first, count) groups of consecutive paragraphs: each its own up to `most`, else balanced by words.

    Embedding short paragraphs separately is not what makes a build slow (MiniLM's cost grows faster
    than linearly with text length, so one-line paragraphs encode faster than whole cells), but a cell
    with dozens of paragraphs would repeat the area's name and the per-text cost dozens of times and
    add as many rows to every query's scoring, so such cells are grouped into `most` parts.
    """
    if len(lengths) <= most:
        return [(i, 1) for i in range(len(lengths))]
    total = sum(lengths)
    groups: list[tuple[int, int]] = []
    start, acc = 0, 0
    for i, n in enumerate(lengths):
        acc += n
        left_paras = len(lengths) - i - 1
        left_groups = most - len(groups) - 1
        boundary = acc >= total * (len(groups) + 1) / most
        if left_groups > 0 and (boundary or left_paras == left_groups):
            groups.append((start, i - start + 1))
            start = i + 1
    groups.append((start, len(lengths) - start))
    return [g for g in groups if g[1] > 0]


def build_documents(entries: list[Entry]) -> list[Document]:
    """Documents in entry order: every entry has at least one, and an entry's documents are contiguous."""
    docs: list[Document] = []
    for position, entry in enumerate(entries):
        docs.extend(entry_documents(position, entry))
    return docs


def lexical_text(entry: Entry, context: bool) -> str:
    """What BM25 indexes: the area and its verbatim text, with the entry's context when asked."""
    head = context_line(entry) if context else entry.area
    body = "" if entry.todo else entry.description
    return "\n".join(p for p in (head, body, extra_text(entry)) if p)
