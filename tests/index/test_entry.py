"""One quotable piece of a framework (index/entry.py): placeholders are TODO, labels and "Includes:" lines
are never answers alone, a link goes to the page at the area's heading, and an entry survives the index
file (to_dict/from_dict)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.entry import Entry, is_inclusion, is_label, is_todo_text

CELL = Entry(framework="Acme", craft="Engineering", level="Level 1", role="", section="Level 1",
             area="Team Work", description="Ships small changes.\n\nReviews promptly.", todo=False,
             source="engineering/level1.md:12", permalink="/engineering/level1")


@pytest.mark.parametrize("text, todo", [
    ("", True), ("TBD.", True), ("—", True), ("n/a", True), ("TODO:", True),
    ("Ships small changes.", False), ("To do: nothing", False),
    # The placeholders a question can ask for ("which areas are still unwritten?") are placeholders in a cell
    # too: one word table (index/words.tsv) says which words they are.
    ("Unwritten.", True), ("Placeholder", True), ("5", False),
])
def test_a_placeholder_is_an_expectation_nobody_has_written(text: str, todo: bool) -> None:
    assert is_todo_text(text) is todo


@pytest.mark.parametrize("paragraph, label", [
    ("Examples:", True), ("**Management**", True), ("Ways of Working", True),
    ("Ships small changes to the team's services.", False), ("Mentors others", False),
])
def test_a_label_only_introduces_the_next_paragraph(paragraph: str, label: bool) -> None:
    assert is_label(paragraph) is label


def test_an_includes_line_lists_what_the_paragraph_before_covers() -> None:
    assert is_inclusion("Includes: tests, reviews, releases")
    assert is_inclusion("including: on-call")
    assert not is_inclusion("It includes tests.")


def test_a_link_goes_to_the_page_at_the_areas_heading() -> None:
    assert CELL.url() == "/engineering/level1#team-work"
    assert CELL.url("https://careers.acme.example/") == "https://careers.acme.example/engineering/level1#team-work"
    assert replace(CELL, permalink=None).url("https://careers.acme.example") is None
    assert replace(CELL, area_link="/engineering/level1#teamwork-1").anchor == "teamwork-1"


def test_bullets_of_one_list_are_told_apart_by_line_cells_are_not() -> None:
    a, b = replace(CELL, layout="bullet"), replace(CELL, layout="bullet", source="engineering/level1.md:13")
    assert a.id != b.id
    # A table cell keeps its id when lines above it move, so feedback and state keep pointing at it.
    assert CELL.id == replace(CELL, source="engineering/level1.md:40").id
    assert (CELL.path, CELL.line, CELL.paragraphs) == ("engineering/level1.md", 12,
                                                       ["Ships small changes.", "Reviews promptly."])


def test_an_entry_survives_the_index_file() -> None:
    entry = replace(CELL, columns={"Examples": "Writes the release notes."}, nav_order=1.0)
    assert Entry.from_dict(entry.to_dict()) == entry


def test_a_cells_paragraphs_are_split_once_and_no_reader_changes_them() -> None:
    # Every quote, document and overview line reads an entry's paragraphs (issue 23: the pipeline per question).
    splits: list[str] = []

    class Counted(str):
        def split(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            splits.append(str(self))
            return super().split(*args, **kwargs)

    entry = replace(CELL, description=Counted("Ships small changes.\n\nReviews promptly."))
    mine = entry.paragraphs
    mine.append("Written in by a reader.")
    assert entry.paragraphs == ["Ships small changes.", "Reviews promptly."]
    assert len(entry.paragraphs) == 2 and len(splits) == 1, "the text is split once, however often it is read"
    # Another text is another entry, with its own paragraphs: nothing kept from the one it replaced.
    assert replace(entry, description="Leads the incident review.").paragraphs == ["Leads the incident review."]
