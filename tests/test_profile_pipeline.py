"""`python -m careerfw_tools.profile_pipeline --stages`: each stage's CPU per question, per pass, without a
profiler, and the answering code as it was afterwards (issue 23)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from careerfw_tools.profile_pipeline import STAGES, stage_times
from index import Answerer
from tests.support.frameworks import Ladder, area_table, write_ladders


@pytest.fixture(scope="module")
def small(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    cells = {1: {"Delivery": "Ships small fixes with a reviewer.", "Mentoring": "Pairs with new joiners."},
             2: {"Delivery": "Plans a quarter of work for the team.", "Mentoring": "Runs the mentoring scheme."}}
    ladder = Ladder("Platform", [(f"Level {n}", area_table(cells[n])) for n in (1, 2)])
    return open_answerer(write_ladders(tmp_path_factory.mktemp("stages") / "content", {"platform": ladder}))


def test_each_stage_is_timed_per_pass_and_the_code_is_left_as_it_was(small: Answerer) -> None:
    asked = ["what does level 2 expect for delivery?", "how do I mentor at level 1?", "what's the weather?"]
    expected = [small.ask(q).to_json() for q in asked]
    methods = [owner.__dict__[name] for owner, name, _ in STAGES]
    passes = stage_times(small, asked, passes=2)
    assert len(passes) == 2
    for times in passes:
        # Every question is detected, ranked and composed; a stage inside another takes no more than it.
        assert {"answer + JSON", "ask", "detect", "rank", "rank: features", "compose"} <= set(times)
        assert all(t >= 0 for t in times.values())
        assert times["detect"] <= times["ask"] <= times["answer + JSON"]
        assert times["rank: features"] <= times["rank"]
    assert [owner.__dict__[name] for owner, name, _ in STAGES] == methods
    assert [small.ask(q).to_json() for q in asked] == expected
