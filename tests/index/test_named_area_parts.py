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


# Made up: a kitchen brigade whose level pages split one area by discipline, each written as the area's name
# hyphenated with the discipline's ("Mastery-Baking" beside "Mastery"), as a table's first column.
BRIGADE = {
    "brigade": Ladder("Kitchen Brigade", [
        (f"Level {n}", area_table({
            "Mastery": f"Runs a station of the line at service {n}",
            "Mastery-Baking": f"Laminates croissant dough by hand for batch {n}",
            "Mastery-Butchery": f"Breaks down a whole lamb into primal cuts for menu {n}",
            "Teamwork": f"Covers a colleague's station without being asked, shift {n}",
        }))
        for n in (1, 2, 3)
    ]),
}


@pytest.fixture(scope="module")
def brigade(open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return open_answerer(write_ladders(tmp_path_factory.mktemp("brigade"), BRIGADE))


def test_an_area_hyphenated_onto_a_named_area_is_a_part_of_its_topic(brigade: Answerer) -> None:
    # "mastery" is the whole name of one area and the first part of "Mastery-Baking": the question names both, and
    # the side it asks about answers it, not the plain Mastery cell it was held to before.
    answer = brigade.ask("what does the baking side of mastery look like at level 2?")
    assert answer.confident and answer.quotes, answer
    first = answer.quotes[0]
    assert (first.entry.level, first.entry.area) == ("Level 2", "Mastery-Baking")
    assert "croissant" in first.text


def test_the_other_side_follows_at_the_same_level(brigade: Answerer) -> None:
    # docs/retrieval.md step 5: the follow-up keeps the level the first answer resolved, and its own word picks the
    # other hyphenated side of the same area.
    first = brigade.ask("what does the baking side of mastery look like at level 2?")
    answer = brigade.ask("and the butchery side?", context=first.context)
    assert answer.confident and answer.quotes, answer
    assert (answer.quotes[0].entry.level, answer.quotes[0].entry.area) == ("Level 2", "Mastery-Butchery")
