"""What changed between two levels' texts, without changing a word (index/worddiff.py): the spans of
new words cut the verbatim text into pieces that join back to it byte for byte, on made-up texts and
on every shared framework's neighbouring levels; `ask --json` carries them."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from index.entry import Entry
from index.levelorder import LevelOrder
from index.parse import load_content
from index.worddiff import _key, new_spans, pieces

REPO = Path(__file__).resolve().parents[2]
FRAMEWORKS = REPO.parent / "shared" / "frameworks"


def _unmarked_words(text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [_key(w) for piece, new in pieces(text, spans) if not new for w in piece.split()]


def _assert_marks(before: str, after: str) -> None:
    spans = new_spans(before, after)
    assert "".join(p for p, _ in pieces(after, spans)) == after
    for start, end in spans:
        assert after[start:end] == after[start:end].strip() and "\n" not in after[start:end]
    # What is left unmarked was all in the older text, in order: nothing new goes unmarked.
    old = [_key(w) for w in before.split()]
    rest = iter(old)
    assert all(word in rest for word in _unmarked_words(after, spans))


def test_the_new_words_are_marked_and_nothing_else() -> None:
    before = "I lead work in my team & review <designs>."
    after = "I lead work across teams & review *all* <designs>, with ~care_."
    spans = new_spans(before, after)
    # One or two old words between new ones are read as part of one change.
    assert [after[s:e] for s, e in spans] == ["across teams & review *all* <designs>, with ~care_."]
    assert [t[s:e] for t in ["I own x, plan the work and y"] for s, e in new_spans("I own a, plan the work and b", t)] \
        == ["x,", "y"]
    assert [t[s:e] for t in ["I own x, plan and y"] for s, e in new_spans("I own a, plan and b", t)] \
        == ["x, plan and y"]
    assert "".join(p for p, _ in pieces(after, spans)) == after
    assert new_spans(after, after) == ()
    assert new_spans("I lead\n\nthe  work.", "I  lead the\nwork") == ()  # only spacing and a full stop differ
    # A paragraph break splits a run of new words: each span stays on one line.
    assert [after2[s:e] for after2 in ["a b\n\nc d"] for s, e in new_spans("x", after2)] == ["a b", "c d"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab &<>*_~\n.", max_size=80), st.text(alphabet="abc &<>*_~\n.", max_size=80))
def test_any_two_texts_round_trip(before: str, after: str) -> None:
    _assert_marks(before, after)


def _frameworks() -> list[Path]:
    return sorted(p for p in FRAMEWORKS.iterdir() if p.is_dir()) if FRAMEWORKS.is_dir() else []


@pytest.mark.parametrize("folder", _frameworks(), ids=lambda p: p.name)
def test_every_shared_framework_s_neighbouring_levels_round_trip(folder: Path) -> None:
    entries = [e for e in load_content(folder).entries if e.kind == "level" and not e.todo]
    for ladder in LevelOrder(entries).by_craft():
        for low, high in zip(ladder, ladder[1:], strict=False):
            cells: dict[object, Entry] = {}
            for e in entries:
                if e.level == low.title and e.craft == low.craft and e.framework == low.framework:
                    cells.setdefault((e.section, e.area), e)
                    cells.setdefault(e.area, e)
            for e in entries:
                if e.level == high.title and e.craft == high.craft and e.framework == high.framework:
                    before = cells.get((e.section, e.area)) or cells.get(e.area)
                    if before is not None:  # as the checklist pairs them (index/answer.py)
                        _assert_marks(before.description, e.description)


def test_ask_json_carries_the_spans_of_a_checklist(tmp_path: Path) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["ask", "--json", "--content", str(REPO / "examples" / "harbour"), "--index", str(tmp_path),
                     "what do I need to go from level 3 to level 4 as a backend engineer?"]) == 0
    answer = json.loads(out.getvalue())
    current = load_content(REPO / "examples" / "harbour").entries
    marked = [q for q in answer["answers"] if q["new_words"]]
    assert marked and all(q["new_against"] == "Level 3" for q in marked)
    for q in marked:
        (before,) = [e for e in current if e.craft == q["craft"] and e.level == "Level 3" and e.area == q["area"]]
        spans = tuple(tuple(s) for s in q["new_words"])
        assert "".join(p for p, _ in pieces(q["text"], spans)) == q["text"]
        assert all(w in {_key(x) for x in before.description.split()} for w in _unmarked_words(q["text"], spans))


def test_a_checklist_with_changed_same_and_new_areas_marks_only_the_changed_one(tmp_path: Path) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["ask", "--json", "--content", str(REPO / "tests" / "fixtures" / "promotion"), "--index",
                     str(tmp_path), "what do I need to go from level 1 to level 2?"]) == 0
    answer = json.loads(out.getvalue())
    changes = {i["area"]: i["change"] for i in answer["checklist"]["items"]}
    assert changes == {"Communication": "changed", "Ownership": "same", "Craft": "same", "Hiring": "new"}
    marked = {q["area"]: [q["text"][s:e] for s, e in q["new_words"] or []] for q in answer["answers"]}
    assert marked == {"Communication": ["short design notes & share them before I start.", "and our stakeholders"],
                      "Ownership": [], "Craft": [], "Hiring": []}
