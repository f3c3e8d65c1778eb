"""index/compose/redirect.py: what careerfw.yaml answers before the question is read (docs/content.md,
"careerfw.yaml"): a redirect topic gets the admins' note, never framework text, and a title that means
different levels per craft asks which craft. Keel (tests/fixtures/glossary) says "Pay isn't part of the
progression framework." for pay words, and gives "Senior" levels in two crafts."""

from __future__ import annotations

from index import Answerer


def test_a_redirect_topic_gets_the_admins_note_and_no_quote(keel_answerer: Answerer) -> None:
    answer = keel_answerer.ask("what is the salary of a staff engineer?")
    assert answer.intent == "redirect" and not answer.confident
    assert answer.quotes == [] and answer.suggestions == []
    assert answer.message is not None
    assert "not the framework's text" in answer.message  # the asker is told whose words these are
    assert "Pay isn't part of the progression framework." in answer.message
    assert "https://people.example.com/pay" in answer.message
    assert [g.kind for g in answer.glossary] == ["redirect"]


def test_a_title_of_different_levels_per_craft_asks_which_craft(keel_answerer: Answerer) -> None:
    answer = keel_answerer.ask("what does a senior do?")
    assert answer.intent == "choose" and not answer.confident and answer.quotes == []
    assert answer.message == '"Senior" means different levels in 2 crafts: which one do you mean?'
    assert [(c.label, c.question) for c in answer.choices] == [
        ("Backend Engineering", "what does a senior do in Backend Engineering?"),
        ("Web Engineering", "what does a senior do in Web Engineering?")]
