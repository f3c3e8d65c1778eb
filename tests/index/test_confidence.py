"""The gate (index/confidence.py): the fitted model's probability against its threshold, and the pay, leave and
benefits feature it weighs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.answer import Answerer
from index.bm25 import BM25Ranker
from index.confidence import Gate, Signals, scope_words
from index.tokens import stem, terms
from tests.support.frameworks import front, write_pages


def test_a_pay_word_is_read_as_one_whether_or_not_the_framework_uses_it() -> None:
    # Whether a text that uses the word answers the question is read per entry (index/ranking.py out_of_scope,
    # test_a_pay_question_is_out_of_scope_for_text_that_never_speaks_of_pay): here, only which words ask.
    silent = BM25Ranker(["Reviews colleagues' designs.", "Leads incident resolution."])
    assert scope_words(terms("what is the salary of a senior engineer?"), silent) == [stem("salary")]
    assert scope_words(terms("who leads incident resolution?"), silent) == []
    speaks = BM25Ranker(["Salary bands are reviewed each year.", "Leads incident resolution."])
    assert scope_words(terms("what is the salary of a senior engineer?"), speaks) == [stem("salary")]


def test_the_gate_answers_at_the_fitted_threshold_and_never_without_a_probability() -> None:
    gate = Gate(0.4)
    seen = Signals(dense=0.9, cover=1.0, named_area=True, out_of_scope=False)
    assert gate.decide(Signals(0.1, 0.0, False, False, probability=0.4))
    assert not gate.decide(Signals(0.9, 1.0, True, False, probability=0.39))
    # However close the cosine and the words, no probability (no model ranked it) is no answer.
    assert not gate.decide(seen)


def test_a_short_form_of_a_pay_word_asks_about_pay_unless_the_text_explains_it() -> None:
    # "comp" could be the text's "company" or "complex" as well as compensation: no word of the text it
    # abbreviates, so it is read as the topic it abbreviates, as people use it ("comp range", "total comp").
    silent = BM25Ranker(["Shapes the company's roadmap.", "Breaks complex work into small changes."])
    assert scope_words(terms("what's the comp range for an IC4?"), silent) == ["comp"]
    assert scope_words(terms("what's the scope of an IC4?"), silent) == []
    # The text's own competencies are what "comp" abbreviates there.
    competencies = BM25Ranker(["Each competency is assessed.", "The competencies of a senior engineer."])
    assert scope_words(terms("which comps matter for an IC4?"), competencies) == []


# Levels named by code; the pages say "company" and "complex" but never speak of pay.
CODES = {
    "craft.md": front(title="Engineering Craft", parent="Orbit Career Framework") + """
# Engineering Craft

Engineers at Orbit build the product the company sells.
""",
    **{
        f"ic{n}.md": front(title=f"IC{n}", parent="Engineering Craft", grand_parent="Orbit Career Framework",
                           nav_order=n) + f"""
# IC{n}

|Area|Description|
|--|--|
| Delivery | {delivery} |
| Design | {design} |
| Collaboration | {collaboration} |
"""
        for n, delivery, design, collaboration in (
            (1, "Ships small, well-tested changes with help from other engineers.",
             "Follows the designs of the team's engineers.", "Asks other engineers for help early and pairs."),
            (2, "Ships features on their own and owns their rollout.", "Designs components of moderate scope.",
             "Reviews other engineers' pull requests promptly."),
            (3, "Breaks complex projects into milestones and delivers them.",
             "Designs systems that span several teams.", "Aligns the company's engineers on technical plans."),
        )
    },
}


def test_a_level_code_does_not_carry_an_off_topic_question(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """docs/retrieval.md, the gate: naming a level narrows where the answer is, it is no evidence that the
    framework has one. "total comp" was answered from IC3's Collaboration cell on the strength of "IC3 engineer"."""
    orbit = open_answerer(write_pages(tmp_path_factory.mktemp("orbit"), CODES), progress=False)
    assert not orbit.ask("what's the total comp for an IC3 engineer?").confident
    assert not orbit.ask("what's the comp range for an IC2 engineer?").confident
    answer = orbit.ask("what does an IC3 engineer own in delivery?")
    assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Delivery", "IC3")


# A ladder of one paragraph a level; the Engineer's says "pays mindful attention", the only "pay" of the text.
PROSE = {
    "eng.md": front(title="Engineering", parent="Orbit Ladders")
    + "\n# Engineering\n\nThe engineering ladder at Orbit.\n",
    **{
        f"e{n}.md": front(title=title, parent="Engineering", grand_parent="Orbit Ladders", nav_order=n)
        + f"\n# {title}\n\n{body}\n"
        for n, (title, body) in enumerate((
            ("Engineer", "An Engineer ships small, well-tested changes with help from the team, and pays mindful "
                         "attention to the accessibility of what they build. A minimum of 1 year of professional "
                         "experience."),
            ("Senior Engineer", "A Senior Engineer owns features from design to rollout, reviews the team's pull "
                                "requests and mentors engineers. A minimum of 5 years of professional experience."),
            ("Staff Engineer", "A Staff Engineer sets the technical direction of several teams and leads the design "
                               "of systems that span them. A minimum of 8 years of professional experience."),
        ), start=1)
    },
}


def test_a_pay_question_is_out_of_scope_for_text_that_never_speaks_of_pay(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """docs/retrieval.md, the gate: the framework says "pay" once ("pays mindful attention"), so a pay question was
    no longer out of scope anywhere, and "when's the next pay rise?" after a Senior Engineer answer was answered
    with that level's paragraph, which never speaks of pay. Out of scope is now read per entry."""
    orbit = open_answerer(write_pages(tmp_path_factory.mktemp("prose"), PROSE), progress=False)
    before = orbit.ask("how many years for a senior engineer?")
    assert before.confident and before.quotes[0].entry.level == "Senior Engineer"
    assert not orbit.ask("ok and when's the next pay rise?", context=before.context).confident
    assert not orbit.ask("when's the next pay rise for a senior engineer?").confident
    # The text that does use the word still answers it.
    answer = orbit.ask("what does an engineer pay attention to?")
    assert answer.confident and answer.quotes[0].entry.level == "Engineer"


def test_a_slip_of_a_pay_word_asks_about_pay_unless_the_text_explains_it() -> None:
    # docs/evaluation.md, "Typed as in Slack": "whats the saary range" was answered confidently from a level's
    # cell, the slip read as an unknown word. A slip of a topic is that topic, as a slip of the text's own words
    # is the text's word (index/spelling.py), at any length the gate reads short forms at.
    silent = BM25Ranker(["Reviews colleagues' designs at the level of the team.", "Leads incident resolution.",
                         "Pairs with newer engineers on their first changes."])
    for asked, slip in (("what's the saary range for a senior engineer?", "saary"),
                        ("what's the bonuss for a senior engineer 2?", "bonuss"),
                        ("how much does a head of ml get padi?", "padi"),
                        ("who approves my expene reports?", "expene")):
        assert scope_words(terms(asked), silent) == [slip], asked
    # A word of the language is read as typed ("pain" is no slip of "paid"), and a slip as near a word of the text
    # is as likely that word ("pais" of "pairs", which the text says, as of "paid"), and so is one the text's words
    # begin ("leve").
    for asked in ("what pain points does a lead solve?", "who pais with new joiners?",
                  "what is expected at the next leve?", "who reviews desgins?"):
        assert scope_words(terms(asked), silent) == [], asked


def test_a_pay_question_with_a_slip_is_refused_as_the_question_spelt_right_is(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """docs/evaluation.md, "Typed as in Slack": off-topic questions with a typo were answered confidently from a
    level's text ("what's the bonuss for a senior engineer 2?"), a quote that never speaks of pay."""
    orbit = open_answerer(write_pages(tmp_path_factory.mktemp("slips"), PROSE), progress=False)
    for asked in ("what's the salary of a senior engineer?", "what's the saary of a senior engineer?",
                  "what's the bonus for a staff engineer?", "what's the bonuss for a staff engineer?"):
        assert not orbit.ask(asked).confident, asked
    answer = orbit.ask("what does a senior engineer review?")
    assert answer.confident and answer.quotes[0].entry.level == "Senior Engineer"


def test_a_budget_question_is_refused_where_the_text_never_speaks_of_budgets(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """docs/evaluation.md, first runs of the held-back sets: six of twelve off-topic questions answered were about
    money to spend ("is there a budget for courses?", "what's the budget per head for team events?"), answered from a
    level's text that never speaks of one. A budget is money, as pay is: out of scope for text without the word."""
    orbit = open_answerer(write_pages(tmp_path_factory.mktemp("budget"), PROSE), progress=False)
    for asked in ("is there a budget for courses for a senior engineer?",
                  "what's the staff engineer budget for books?"):
        assert not orbit.ask(asked).confident, asked
    answer = orbit.ask("what does a staff engineer set?")
    assert answer.confident and answer.quotes[0].entry.level == "Staff Engineer"
