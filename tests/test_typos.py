"""`careerfw eval --typos` (docs/evaluation.md, "Typed as in Slack"): the copies it asks are made the same way on
every run, each with exactly one edit to one content word, never to an asking word, a function word or a
number. No model is loaded here."""

from __future__ import annotations

import random

import pytest

from careerfw_tools.typos import EDITS, edit, editable, plain_copy, typo_copies

QUESTIONS = [
    "What does a Senior Engineer own for technical strategy?",
    "L3 vs L4 comms",
    "how do I get promoted to staff?",
    "what's expected of an EM2 on hiring and mentoring?",
    "whats the diff between level 3 and level 4 for incident response",
    "is there a bonus for on-call weekends?",
]


def _one_edit(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter dropped, doubled, replaced, or two neighbours swapped."""
    if len(b) == len(a) - 1:
        return any(a[:i] + a[i + 1:] == b for i in range(len(a)))
    if len(b) == len(a) + 1:
        return any(b[:i] + b[i + 1:] == a and b[i] == b[i - 1] for i in range(1, len(b)))
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def test_the_same_question_gives_the_same_copies_on_every_run() -> None:
    for q in QUESTIONS:
        assert typo_copies(q, 5) == typo_copies(q, 5)
        assert typo_copies(q, 2) == typo_copies(q, 5)[:2]  # more copies only add to the first ones


@pytest.mark.parametrize("question", QUESTIONS)
def test_each_copy_mistypes_one_content_word_once(question: str) -> None:
    copies = typo_copies(question, 4)
    assert len(set(copies)) == 4  # four different typos: these questions have enough letters for them
    for c in copies:
        before, after = question.split(), c.ask.split()
        assert len(before) == len(after)
        changed = [(x, y) for x, y in zip(before, after, strict=True) if x != y]
        assert len(changed) == 1, c
        assert c.word in changed[0][0] and c.typed in changed[0][1]
        assert c.kind in EDITS
        assert editable(c.word) and _one_edit(c.word, c.typed)
        assert c.typed[0] == c.word[0]  # the first letter is never the one mistyped


def test_asking_words_numbers_and_short_words_are_never_touched() -> None:
    for word in ("what", "does", "expected", "three", "second", "L3", "EM2", "2nd", "the", "and", "ops"):
        assert not editable(word), word
    for word in ("strategy", "mentoring", "Senior", "comms", "incident"):
        assert editable(word), word
    # Nothing here but asking words, numbers and function words: every copy is the question as written.
    assert {c.ask for c in typo_copies("what is expected at level 3?", 3)} == {"what is expected at level 3?"}
    for q in QUESTIONS:
        for c in typo_copies(q, 6):
            assert [w for w in c.ask.split() if any(ch.isdigit() for ch in w)] == \
                [w for w in q.split() if any(ch.isdigit() for ch in w)]


def test_every_kind_of_edit_changes_the_word_and_keeps_its_first_letter() -> None:
    rng = random.Random(0)
    for word in ("strategy", "comms", "aaaa", "Mentoring"):
        for kind in EDITS:
            typed = edit(word, kind, rng)
            assert typed != word and typed[0] == word[0] and _one_edit(word, typed), (word, kind, typed)


def test_the_plain_copy_is_lower_case_without_the_sentence_punctuation() -> None:
    assert plain_copy("What's expected of an EM2, on-call?").ask == "whats expected of an em2 on-call"
    assert plain_copy("L3 vs L4 (Backend) comms!").ask == "l3 vs l4 backend comms"


def test_the_report_heads_off_topic_questions_answered_as_what_they_are() -> None:
    # An off-topic question answered is listed with the typo copies lost; its heading must not call it one of
    # them ("the question as written was right"): it was never right to answer it.
    from careerfw_tools.typos import TypoReport, render

    shown = render(TypoReport(1, [], [], ["[set] off-topic original copy answered: 'what is for lunch?'"], 0))
    heading = shown.splitlines()[-2]
    assert "off-topic" in heading, heading
