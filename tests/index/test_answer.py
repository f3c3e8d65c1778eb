"""Answers on a framework written for this test (no ranker was tuned on it): prose is quoted like
cells, definitions answer "what does X mean", a named level's cell beats the craft's definition,
labels are never the answer, and a level shared by several crafts asks which one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.answer import Answerer
from tests.support.frameworks import front, write_pages

PAGES = {
    "platform.md": front(title="Platform Craft", parent="Harbour Ladder") + """
# Platform Craft

Platform engineers keep the shared build and deploy systems healthy for every product team.

## Reliability

Keeping services up: alerting, incident response and the postmortems that follow an outage.

## Mentoring

Helping colleagues grow through pairing, reviews and regular one-to-ones.
""",
    "platform-band2.md": front(title="Band 2", parent="Platform Craft",
                               grand_parent="Harbour Ladder", nav_order=2) + """
# Band 2

A Band 2 platform engineer owns a service end to end.

|Area|Description|
|--|--|
| Reliability | Joins the on-call rotation and leads the response to incidents in their own service. |
| Mentoring | **Examples:** <br><br> Pairs with new starters in their first month. <br><br> Reviews peers' designs. |
""",
    "platform-band3.md": front(title="Band 3", parent="Platform Craft",
                               grand_parent="Harbour Ladder", nav_order=3) + """
# Band 3

## Reliability

- Sets error budgets for the platform and decides when a release must wait.
- Runs the quarterly disaster recovery drill.

## Mentoring

- Coaches Band 2 engineers towards owning larger systems.
""",
    "mobile.md": front(title="Mobile Craft", parent="Harbour Ladder") + """
# Mobile Craft

## Reliability

Crash-free sessions and a fast, predictable release train.
""",
    "mobile-band3.md": front(title="Band 3", parent="Mobile Craft",
                             grand_parent="Harbour Ladder", nav_order=3) + """
# Band 3

|Area|Description|
|--|--|
| Reliability | Owns the crash rate of one app and drives it below the team's target. |
| Mentoring | Runs the mobile guild's code review rota. |
""",
}


@pytest.fixture(scope="module")
def harbour(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_pages(tmp_path_factory.mktemp("harbour"), PAGES), progress=False)


def test_prose_under_headings_is_quoted_and_cited(harbour: Answerer) -> None:
    answer = harbour.ask("who runs the disaster recovery drill?")
    assert answer.confident
    top = answer.quotes[0]
    assert "Runs the quarterly disaster recovery drill." in top.text
    assert (top.entry.level, top.entry.area, top.entry.source) == ("Band 3", "Reliability", "platform-band3.md:10")


def test_a_craft_introduction_is_framework_text(harbour: Answerer) -> None:
    answer = harbour.ask("who looks after the shared build and deploy systems?")
    assert answer.confident and answer.quotes[0].text.startswith("Platform engineers keep the shared build")
    assert answer.quotes[0].entry.source == "platform.md:8"


def test_what_a_name_means_comes_from_the_craft_definition(harbour: Answerer) -> None:
    answer = harbour.ask("what does mentoring mean?")
    assert answer.quotes[0].entry.kind == "definition"
    assert answer.quotes[0].text.startswith("Helping colleagues grow")


def test_a_named_level_gets_its_cell_not_the_definition(harbour: Answerer) -> None:
    answer = harbour.ask("what does reliability look like at band 2?")
    top = answer.quotes[0]
    assert (top.entry.kind, top.entry.level, top.entry.area) == ("level", "Band 2", "Reliability")


def test_a_label_is_never_quoted_alone(harbour: Answerer) -> None:
    answer = harbour.ask("who pairs with new starters at band 2?")
    top = answer.quotes[0]
    assert top.entry.area == "Mentoring" and "Pairs with new starters" in top.text
    assert top.text.strip() != "Examples:"
    assert top.text.startswith("Examples:")  # the label comes with what it introduces


def test_a_level_in_several_crafts_asks_which_craft(harbour: Answerer) -> None:
    answer = harbour.ask("what is expected at band 3?")
    assert answer.intent == "choose" and not answer.quotes
    assert [c.label for c in answer.choices] == ["Mobile Craft", "Platform Craft"]
    chosen = harbour.ask(answer.choices[0].question)
    assert chosen.intent == "level" and {q.entry.craft for q in chosen.quotes} == {"Mobile Craft"}
    assert answer.to_json()["choices"][0]["question"] == answer.choices[0].question


def test_a_craft_named_with_the_level_answers_at_once(harbour: Answerer) -> None:
    answer = harbour.ask("what is expected of a platform band 3?")
    assert answer.intent == "level" and {q.entry.craft for q in answer.quotes} == {"Platform Craft"}
