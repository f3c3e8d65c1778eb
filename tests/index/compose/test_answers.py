"""index/compose/answers.py: what every composer returns. A quote is framework text verbatim, a part of
a cell quoted with the label that introduces it or the paragraph an "Includes:" line lists for
(docs/content.md, Layouts), and `careerfw ask --json` reads an answer's `to_json` (README, contracts)."""

from __future__ import annotations

from dataclasses import replace

from index import Answerer
from index.compose.answers import quote_for


def _entry(harbor: Answerer, level: str, area: str):
    return next(e for e in harbor.entries if e.level == level and e.area == area)


def test_a_paragraph_is_quoted_with_the_label_that_introduces_it(harbor: Answerer) -> None:
    cell = replace(_entry(harbor, "Engineer 3", "On-call"), description=(
        "Leads the incident response when the platform is down.\n\nFor example:\n\n"
        "Runs the postmortem within a week and tracks its actions."))
    quote = quote_for(cell, 1.0, (2,), None)
    assert quote.text == "For example:\n\nRuns the postmortem within a week and tracks its actions."
    assert not quote.complete and quote.rest == cell.description  # the whole cell one click away
    label = quote_for(cell, 1.0, (1,), None)  # a label alone is never the answer: what it introduces comes too
    assert label.text == quote.text


def test_an_includes_line_is_quoted_with_the_paragraph_it_lists_for(harbor: Answerer) -> None:
    cell = replace(_entry(harbor, "Engineer 3", "Mentoring"), description=(
        "Coaches engineers on design reviews and incident write-ups.\n\nIncludes: pairing, review comments.\n\n"
        "Runs the platform guild's monthly talk."))
    quote = quote_for(cell, 1.0, (1,), None)
    assert quote.text == ("Coaches engineers on design reviews and incident write-ups.\n\n"
                          "Includes: pairing, review comments.")


def test_a_cell_not_written_yet_is_quoted_empty_and_whole(harbor: Answerer) -> None:
    quote = quote_for(_entry(harbor, "Engineer 1", "On-call"), 1.0, (0,), None)
    assert quote.todo and quote.text == "" and quote.complete


def test_an_answer_as_json_has_the_keys_careerfw_ask_json_promises(harbor: Answerer) -> None:
    data = harbor.ask("who joins the on-call rota?").to_json()
    assert {"question", "confident", "answers"} <= data.keys()
    first = data["answers"][0]
    assert {"text", "area", "level", "craft", "framework", "section", "url", "source", "todo", "score"} <= first.keys()
    assert (first["text"], first["area"], first["level"], first["craft"], first["framework"]) == (
        "Joins the on-call rota for the services the team owns.", "On-call", "Engineer 2", "Platform Engineering",
        "Harbor")
