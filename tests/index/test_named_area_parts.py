"""A named area whose whole name is a part of another area's name (index/aliases.py `Structure.wider`,
index/search.py `named_areas`): naming the one names the other too, so a one-line table cell under the short
name does not rule out the fuller section on the same topic for the same level."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.answer import Answerer
from tests.support.frameworks import Ladder, area_table, write_ladders

# Made up: a volunteer rota whose level pages summarise each level in a table ("Duties" one line) and then say
# it in full under a section whose name holds the table's area ("Duties and perks").
ROTA = {
    "rota": Ladder("Lifeboat Rota", [
        ("Trainee", area_table({"Duties": "Active helper at the station", "Entry": "Passes the sea survival course"})
         + "\n## Duties and perks\n\n"
         + "\n\n".join(["Checks the lifejackets before every launch", "Logs each callout in the station book",
                        "Keeps the slipway clear of weed", "Trainees may ride along on training launches."])),
        ("Crew", area_table({"Duties": "Active crew on the rota", "Entry": "Signed off by a helm"})
         + "\n## Duties and perks\n\n"
         + "\n\n".join(["Launches within ten minutes of a page", "Maintains the engine between callouts",
                        "Trains the trainees on knots and radio", "Crew may vote on the station's next helm."])),
    ]),
}


@pytest.fixture(scope="module")
def rota(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("rota"), ROTA))


def test_a_named_area_keeps_the_fuller_section_whose_name_holds_it(rota: Answerer) -> None:
    # "duties" is the whole name of the table's area and a part of "Duties and perks": the question names both,
    # and the section saying what a trainee does in full answers it, not the table's one-line summary alone.
    answer = rota.ask("trainee duties?")
    assert answer.confident and answer.quotes, answer
    first = answer.quotes[0]
    assert (first.entry.level, first.entry.area) == ("Trainee", "Duties and perks")
    assert "lifejackets" in first.text
