"""What gets embedded for each entry: each paragraph of its cell, headed by the area's name.

One document per paragraph (a one-paragraph cell is one document): a long cell is found by the
paragraph a question is about, and an answer can quote just that paragraph. The whole cell is not
embedded again on top of its paragraphs: that would double the embedding work of a build for little
gain, and MiniLM cuts texts at 256 word pieces anyway, so a long cell's vector would only describe
its beginning. Level, role and craft are left out of the embedded text on purpose: they are matched
structurally (index/aliases.py), and in the vector they only made every cell of one level look alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from index.entry import Entry


@dataclass(frozen=True)
class Document:
    entry: int  # position in the index's entry list
    paragraph: int  # -1: the whole entry; otherwise the paragraph's position in the cell
    text: str

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
    docs = [Document(position, i, f"{entry.area}: {p}") for i, p in enumerate(paragraphs)]
    if extra:
        docs.append(Document(position, -1, f"{entry.area}: {extra}"))
    return docs


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
