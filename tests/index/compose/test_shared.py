"""index/compose/shared.py: the readings of a question more than one composer makes: which levels it
names (narrowed by the crafts it names), and suggestions of distinct areas."""

from __future__ import annotations

import numpy as np

from index import Answerer
from index.compose.shared import distinct_areas, named_levels
from index.search import Hit


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
