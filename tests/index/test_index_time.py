"""What depends only on the framework is read once, when the index is loaded, not again per question
(issue 23): a question's words are tokenised, the framework's titles and names never are again."""

from __future__ import annotations

import pytest

from index import tokens
from index.aliases import Structure
from tests.support.frameworks import MULTILEVEL, structure_of

QUESTIONS = [
    "what does level 9 expect for delivery?",  # a number no title carries: the missing-level check
    "IC 7 expectations",
    "sr eng 2 comms",  # abbreviated names, word by word
    "how does a senior engineering manager lead?",
    "what is expected of a staff engineer on incidents?",
]


@pytest.fixture(scope="module")
def structure() -> Structure:
    return structure_of(MULTILEVEL)


def test_detecting_names_tokenises_only_the_question(structure: Structure, monkeypatch: pytest.MonkeyPatch) -> None:
    structure.detect("warm up")
    read: list[str] = []
    tokenise = tokens._tokens

    def recording(text: str) -> tuple[tuple[str, bool], ...]:
        read.append(text)
        return tokenise(text)

    # Every word split in the answering core goes through this one tokenizer (index/tokens.py).
    monkeypatch.setattr(tokens, "_tokens", recording)
    for question in QUESTIONS:
        structure.detect(question)
    assert read, "the questions themselves are tokenised"
    assert set(read) <= set(QUESTIONS), f"framework text tokenised per question: {sorted(set(read) - set(QUESTIONS))}"


def test_detection_is_the_same_asked_again(structure: Structure) -> None:
    # Cached tokens and name tables must not leak one question's reading into the next.
    first = [structure.detect(q) for q in QUESTIONS]
    again = [structure.detect(q) for q in reversed(QUESTIONS)][::-1]
    assert [(d.mentions, d.missing) for d in first] == [(d.mentions, d.missing) for d in again]


def test_words_are_a_fresh_list_each_time() -> None:
    # The tokens are cached: a caller changing its list must not change what the next caller reads.
    ws = tokens.words("Senior Engineer 2 (IC4)")
    ws.append("extra")
    ws[0] = "changed"
    assert tokens.words("Senior Engineer 2 (IC4)") == ["senior", "engineer", "2", "ic4"]


def test_rows_named_are_shared_read_only(structure: Structure) -> None:
    # A name's entries are worked out once per framework and shared: no caller may change them for the next.
    found = next(d for d in (structure.detect(q) for q in QUESTIONS) if any(m.kinds & {"who"} for m in d.mentions))
    mention = next(m for m in found.mentions if m.kinds & {"who"})
    rows = structure.rows(mention, {"who"})
    assert len(rows) and structure.rows(mention, {"who"}) is rows
    with pytest.raises(ValueError):
        rows[0] = -1


def test_completions_are_the_same_and_a_fresh_list_each_time() -> None:
    from index.bm25 import BM25Ranker

    bm25 = BM25Ranker(["Collaborates across teams", "Collaboration with design", "Mentors engineers"])
    first = bm25.completions("collab")
    assert first and all(w.startswith("collab") for w in first)
    first.append("changed")
    assert bm25.completions("collab") == first[:-1]
