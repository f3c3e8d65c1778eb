"""What gets embedded for each entry: the whole cell in its context, and each paragraph of a long cell.

Paragraph documents let a long cell be found by the one paragraph a question is about, and let an
answer quote that paragraph instead of the whole cell.
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


def entry_documents(position: int, entry: Entry) -> list[Document]:
    body = "" if entry.todo else entry.description
    extra = "\n".join(f"{k}: {v}" for k, v in entry.columns.items())
    docs = [Document(position, -1, "\n".join(p for p in (context_line(entry), body, extra) if p))]
    paragraphs = entry.paragraphs
    if len(paragraphs) > 1 and not entry.todo:
        docs.extend(Document(position, i, f"{entry.area}: {p}") for i, p in enumerate(paragraphs))
    return docs


def build_documents(entries: list[Entry]) -> list[Document]:
    docs: list[Document] = []
    for position, entry in enumerate(entries):
        docs.extend(entry_documents(position, entry))
    return docs
