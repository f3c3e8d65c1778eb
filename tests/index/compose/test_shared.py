"""index/compose/shared.py: the readings of a question more than one composer makes: which levels it
names (narrowed by the crafts it names), and suggestions of distinct areas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import Answerer
from index.compose import shared
from index.compose.shared import distinct_areas, named_levels
from index.search import Hit
from index.tokens import terms
from tests.support.frameworks import Ladder, write_ladders


def test_the_levels_named_are_narrowed_by_the_craft_named(harbor: Answerer, composer_call) -> None:
    # "level 1" is the first level of both ladders; "in product design" leaves one.
    answer, (asking, query, _, _) = composer_call(harbor, "next", "what comes after level 1 in product design?")
    assert answer.message == "After Designer 1 comes Designer 2."
    entries = asking.state.index.entries
    firsts = np.array([i for i, e in enumerate(entries) if e.level in ("Engineer 1", "Designer 1")])
    assert [(lv.title, lv.craft) for lv in named_levels(asking.state, query, firsts)] == [
        ("Designer 1", "Product Design")]
    _, (asking, query, _, _) = composer_call(harbor, "next", "what comes after level 1?")
    assert sorted(lv.title for lv in named_levels(asking.state, query, firsts)) == ["Designer 1", "Engineer 1"]


def test_suggestions_name_each_area_once_in_rank_order(harbor: Answerer, composer_call) -> None:
    _, (asking, _, _, _) = composer_call(harbor, "lookup", "who joins the on-call rota?")
    entries = asking.state.index.entries
    row = {(e.level, e.area): i for i, e in enumerate(entries)}
    ranked = [("Engineer 2", "On-call"), ("Engineer 3", "On-call"), ("Engineer 1", "Delivery"),
              ("Engineer 1", "On-call"), ("Engineer 2", "Delivery"), ("Designer 1", "Research")]
    hits = [Hit(row[key], 1.0 - n / 10, ()) for n, key in enumerate(ranked)]
    kept = [(entries[h.entry].level, entries[h.entry].area) for h in distinct_areas(asking.state, hits)]
    assert kept == [("Engineer 2", "On-call"), ("Engineer 1", "Delivery"), ("Designer 1", "Research")]


def test_a_cells_paragraphs_are_tokenised_once_per_index_not_per_question(
        open_answerer, tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Which paragraphs of a long cell a quote keeps reads each paragraph's words; those depend on the index
    # alone, so asking about the cell again must not read its text again (issue 23: composition per question).
    incidents = ("## Incidents\n\nLeads the incident response when the payments platform is down.\n\n"
                 "Writes the postmortem within a week and tracks every action to its end.\n\n"
                 "Rehearses failover drills with the database team each quarter.\n")
    content = write_ladders(tmp_path_factory.mktemp("drills") / "content", {"ops": Ladder("Operations", [
        ("Operator 1", incidents + "\n## Delivery\n\nShips small changes with a reviewer's help.\n"),
        ("Operator 2", incidents.replace("Leads", "Runs") + "\n## Delivery\n\nShips whole features alone.\n"),
    ])})
    answerer = open_answerer(content)
    cells = {e.description for e in answerer.entries if len(e.paragraphs) > 1}
    assert cells, "the made-up framework has cells of several paragraphs"
    read: list[str] = []

    def counting(text: str) -> list[str]:
        if any(text and text in cell for cell in cells):
            read.append(text)
        return terms(text)

    monkeypatch.setattr(shared, "terms", counting)
    question = "who writes the postmortem after an outage?"
    first = answerer.ask(question)
    assert first.confident and first.quotes[0].text.startswith("Writes the postmortem")
    assert read, "the first question read the cell's paragraphs"
    once = len(read)
    assert answerer.ask(question).to_json() == first.to_json()
    assert len(read) == once, "asked again, the same index's paragraphs are not tokenised again"


def test_a_rebuilt_index_quotes_its_new_paragraphs_not_those_kept_from_the_old(
        open_answerer, tmp_path_factory) -> None:
    # Paragraphs and their words are kept per entry and per loaded index (issue 23): a reload after the
    # cell is rewritten must quote the new text, and pick its paragraphs by the new words.
    def write(drill: str) -> Path:
        incidents = ("## Incidents\n\nLeads the incident response when the payments platform is down.\n\n"
                     f"{drill}\n\nWrites the postmortem within a week and tracks every action to its end.\n")
        return write_ladders(content_root, {"ops": Ladder("Operations", [
            ("Operator 1", incidents + "\n## Delivery\n\nShips small changes with a reviewer's help.\n"),
            ("Operator 2", incidents.replace("Leads", "Runs") + "\n## Delivery\n\nShips whole features alone.\n"),
        ])})

    content_root = tmp_path_factory.mktemp("rewritten") / "content"
    answerer = open_answerer(write("Rehearses failover drills with the database team each quarter."))
    question = "who rehearses failover drills with the database team at operator 1?"
    before = answerer.ask(question)
    assert before.confident and before.quotes[0].text.startswith("Rehearses failover drills")
    answerer.reload(write("Rehearses chaos experiments with the network team each month."),
                    tmp_path_factory.mktemp("rebuilt-index"))
    after = answerer.ask("who rehearses chaos experiments with the network team at operator 1?")
    assert after.confident and after.quotes[0].text.startswith("Rehearses chaos experiments")
    assert all("failover" not in q.text for q in answerer.ask(question).quotes)
