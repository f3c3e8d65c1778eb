"""One rule for how loosely a typed word is read (index/spelling.py): BM25's unknown words and a craft's
misspelt `parent:` allow the same slips for a word of the same length, two swapped letters counting one,
on words made up for the test."""

from __future__ import annotations

from pathlib import Path

from index.bm25 import BM25Ranker
from index.checks import _near
from index.spelling import LOOSE_MIN, slips
from tests.support.frameworks import structure_of, write_one_level

# (typed, meant, read as the word): one slip at any length; two only on a word of nine letters or more.
PAIRS = [
    ("platfrom", "platform", True),  # two swapped letters: one slip
    ("plotfarm", "platform", False),  # two letters changed in eight: two slips, too many
    ("depolyemnt", "deployment", True),  # two swaps in ten letters: two slips, allowed
    ("dplymnt", "deployment", False),  # three letters dropped
]


def test_a_longer_word_may_carry_more_slips_never_fewer() -> None:
    allowed = [slips(n) for n in range(1, 30)]
    assert allowed == sorted(allowed) and allowed[0] == 1 and allowed[-1] > 1


def test_bm25_and_check_read_the_same_misspellings() -> None:
    bm25 = BM25Ranker(["Owns the platform roadmap.", "Plans each deployment."])
    for typed, meant, read in PAIRS:
        assert (bm25.completions(typed) == [meant]) is read, typed
        assert _near(typed, meant) is read, typed


def test_a_word_shorter_than_the_loose_minimum_is_completed_to_nothing() -> None:
    bm25 = BM25Ranker(["Executes the plan.", "Reviews the execution."])
    assert len("exec") == LOOSE_MIN and bm25.completions("exec") == ["execute", "execution"]
    assert bm25.completions("exe") == []


# A made-up framework whose words the model's own vocabulary lacks ("jargon", "runbooks") and has ("planned").
_PAGES = {
    "Communication": "Explains decisions without jargon to people outside engineering.",
    "Operations": "Keeps the runbooks of the services they own up to date.",
    "Delivery": "Ships the work that was planned for the quarter, and says so when there is a risk to it.",
}


def _written(tmp_path: Path) -> Path:
    return write_one_level(tmp_path / "content", _PAGES)


def test_a_misspelt_word_of_the_text_is_read_as_the_text_writes_it(tmp_path: Path) -> None:
    """`careerfw ask --explain` shows the question as read (docs/retrieval.md, step 1): a word of the text typed
    with a slip is written as the text writes it, as a misspelt name already is."""
    structure = structure_of(_written(tmp_path))
    assert structure.corrected("how do I avoid jargoon?") == "how do I avoid jargon?"
    # The rest stays as typed, capitals and marks: the model reads "EM" and "em" differently.
    assert structure.corrected("Does an EM avoid jargoon, at L3?") == "Does an EM avoid jargon, at L3?"
    assert structure.corrected("who keeps the runbokos current") == "who keeps the runbooks current"
    # A word only the framework's names write is one of its words too ("Test Framework").
    assert structure.corrected("what does the framwork say?") == "what does the framework say?"
    # A word of the language stays as typed even one slip from the text's ("planner" is not "planned"), and so
    # does a short word ("jarg") and one the text does not come near.
    # A function word is no word a slip stands for ("theyre" is not "there").
    for asked in ("what does a planner do?", "is jarg ok?", "what is the salary?", "what do they're expected to do?"):
        assert structure.corrected(asked) == asked


def test_a_typo_in_a_word_of_the_text_gets_the_answer_of_the_word(tmp_path: Path, open_answerer) -> None:
    """The same quotes, score and confidence as the question spelt right: the model reads the word meant, not
    only BM25 (docs/evaluation.md, "Typed as in Slack")."""
    answerer = open_answerer(_written(tmp_path))
    right = answerer.ask("how do I avoid jargon?")
    for typed in ("how do I avoid jargoon?", "how do I avoid jargno?"):
        slipped = answerer.ask(typed)
        assert [(q.entry.area, round(q.score, 6)) for q in slipped.quotes] == \
            [(q.entry.area, round(q.score, 6)) for q in right.quotes], typed
        assert slipped.confident == right.confident


def test_a_slip_is_read_as_the_word_the_text_writes_not_as_a_singular_made_from_it(tmp_path: Path) -> None:
    # The text writes "responsibilities"; its words are also kept in the singular, for names ("responsibilitie",
    # no word). Taken as a word a slip may stand for, it made the commonest misspelling ("responsibilites") a
    # slip of two words, so it was read as typed.
    content = write_one_level(tmp_path / "content", {
        "Ownership": "Takes on the responsibilities of the team's release series without being asked.",
    })
    assert structure_of(content).corrected("what are my responsibilites?") == "what are my responsibilities?"
