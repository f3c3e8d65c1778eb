"""What the tests of index/compose read besides their fixtures (conftest.py): Harbor, a small framework
made up here that every composer has something to say about, and one question per intent on
tests/fixtures/multilevel with what the asker sees of its answer."""

from __future__ import annotations

from types import ModuleType

from index import Answer
from index.compose import COMPOSERS
from tests.support.frameworks import Ladder, area_table

# Two crafts; a TODO cell; from Engineer 1 to Engineer 2 an area that changes (Delivery), one that stays the
# same (Collaboration), one that is new (Mentoring) and one first written (On-call); the craft page defines
# two of its areas.
HARBOR = {
    "eng": Ladder("Platform Engineering", [
        ("Engineer 1", area_table({
            "Delivery": "Ships small, well-scoped changes to one service with a reviewer's help.",
            "Collaboration": "Asks teammates for help early and shares progress in standup.",
            "On-call": "TODO",
        })),
        ("Engineer 2", area_table({
            "Delivery": "Ships whole features across two services without a reviewer's help.",
            "Collaboration": "Asks teammates for help early and shares progress in standup.",
            "Mentoring": "Guides new joiners through their first month on the platform.",
            "On-call": "Joins the on-call rota for the services the team owns.",
        })),
        ("Engineer 3", area_table({
            "Delivery": "Plans the quarterly delivery of the whole platform team.",
            "Collaboration": "Aligns three teams on shared service interfaces.",
            "Mentoring": "Coaches engineers on design reviews and incident write-ups.",
            "On-call": "Leads the incident response when the platform is down.",
        })),
    ], intro="## Delivery\n\nHow you plan, scope and ship work.\n\n"
             "## Collaboration\n\nHow you work with the people around you.\n"),
    "des": Ladder("Product Design", [
        ("Designer 1", area_table({
            "Research": "Runs usability sessions from a script written by others.",
            "Visual craft": "Draws wireframes from a clear brief.",
        })),
        ("Designer 2", area_table({
            "Research": "Plans the research of a whole product area.",
            "Visual craft": "Owns the visual language of a product.",
        })),
    ]),
}

# Made up: a volunteers' ladder written as prose sections, not an area table (as a contributor ladder is). Its
# first level has no level below to move from; what it takes is its Requirements section, and another section
# happens to use the word "becomes". The next level's Requirements are not its first section.
VOLUNTEERS = {
    "fair": Ladder("Fair Volunteers", [
        ("Helper", "Helpers run a stall at the monthly village fair.\n\n"
                   "## Privileges\n\n- A Helper wears the orange badge and may borrow the club van.\n\n"
                   "## Requirements\n\n- Attended two fairs as a guest.\n- Completed the first-aid course.\n\n"
                   "## Leaving\n\n- A Helper who misses three fairs in a row becomes a guest again.\n"),
        ("Organiser", "Organisers plan the layout of the fair and the rota of helpers.\n\n"
                      "## Duties\n\n- Draws the stall map and books the marquee.\n\n"
                      "## Requirements\n\n- Helped at six fairs and is nominated by an organiser.\n\n"
                      "## Privileges\n\n- Holds a key to the village hall.\n"),
    ]),
}

# Questions of each intent on tests/fixtures/multilevel (two crafts, an IC and a manager track, TODO
# cells), with what the asker sees of the answer: its intent and words of its message or of a quoted area.
ASKED: dict[str, tuple[str, str, str]] = {
    "lookup": ("who runs the technical interviews?", "lookup", "Hiring"),
    "level": ("what is expected at level 2?", "level", "Level 2: 4 area(s)."),
    "compare": ("Engineer 1 vs Engineer 2 for delivery", "compare", "Delivery"),
    "compare_areas": ("Experimentation vs Modelling at Level 3", "compare", "Modelling"),
    "levels": ("which levels are there?", "levels", "Levels of each craft, in order:"),
    "next": ("what comes after Engineer 1?", "next", "After Engineer 1 comes Engineer 2."),
    "previous": ("what comes before Level 3?", "previous", "Before Level 3 comes Level 2."),
    "missing_level": ("what is expected at level 9?", "missing_level", "This framework has no Level 9; it has:"),
    "checklist": ("how do I get from Engineer 1 to Engineer 2?", "checklist", "From Engineer 1 to Engineer 2"),
    "todo": ("which areas are not written yet?", "todo", "3 area(s) not written yet:"),
}


def kinds_of(module: ModuleType) -> list[str]:
    """The intents of the decision table that `module`'s composer answers."""
    return sorted(kind for kind, composer in COMPOSERS.items() if composer.__module__ == module.__name__)


def shown(answer: Answer) -> str:
    """What the asker reads first: the bot's own words, then the quoted areas."""
    return " | ".join([answer.message or "", *(q.entry.area for q in answer.quotes)])
