"""What gets embedded for each entry (index/documents.py): each paragraph of its cell headed by the area's
name, a label or an "Includes:" line with the paragraph it belongs to, nothing of an unwritten cell but
its area, and a very long cell in a few balanced parts."""

from __future__ import annotations

from typing import Any

from index.documents import MAX_DOCUMENTS, build_documents, chunks, entry_documents
from index.entry import Entry


def _entry(description: str, todo: bool = False, **extra: Any) -> Entry:
    return Entry(framework="Acme", craft="Engineering", level="Level 1", role="", section="Level 1",
                 area="Delivery", description=description, todo=todo, source="l1.md:5", **extra)


def test_a_one_paragraph_cell_is_one_document_headed_by_its_area() -> None:
    (doc,) = entry_documents(3, _entry("Ships small changes."))
    assert (doc.entry, doc.paragraph, doc.text, doc.paragraphs) == (3, -1, "Delivery: Ships small changes.", ())


def test_each_paragraph_is_found_alone_but_labels_and_includes_lines_go_with_theirs() -> None:
    docs = entry_documents(0, _entry("Examples:\n\nShips small changes.\n\nIncludes: tests, reviews\n\n"
                                     "Writes release notes."))
    assert [d.text for d in docs] == ["Delivery: Examples: Ships small changes. Includes: tests, reviews",
                                      "Delivery: Writes release notes."]
    assert [d.paragraphs for d in docs] == [(0, 1, 2), (3,)]


def test_an_unwritten_cell_is_embedded_as_its_area_alone_and_extra_columns_as_their_own_document() -> None:
    assert [d.text for d in entry_documents(0, _entry("TBD", todo=True))] == ["Delivery"]
    docs = entry_documents(0, _entry("Ships.\n\nReviews.", columns={"Examples": "Release notes"}))
    assert docs[-1].text == "Delivery: Examples: Release notes" and docs[-1].paragraph == -1


def test_a_long_cell_is_a_few_balanced_parts_and_every_entry_has_a_document() -> None:
    groups = chunks([10] * 40)
    assert len(groups) == MAX_DOCUMENTS and sum(n for _, n in groups) == 40
    assert max(n for _, n in groups) - min(n for _, n in groups) <= 1
    docs = build_documents([_entry("One."), _entry("TBD", todo=True), _entry("A.\n\nB.")])
    assert [d.entry for d in docs] == [0, 1, 2, 2]
