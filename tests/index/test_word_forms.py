"""Words as people write them and as the framework writes them, on a framework made up for the test:
real words are not abbreviations of names, naming the framework's owner makes no question closer to its
text, and another form of an area's word names that area. (The word-level rules these rest on are in
test_tokens.py, test_bm25.py, test_aliases.py and test_confidence.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.aliases import Structure
from index.answer import Answerer
from index.parse import load_content
from tests.support.frameworks import front, write_pages

PAGES = {
    "craft.md": front(title="Engineering Craft", parent="Acme Progression Framework") + """
# Engineering Craft

Engineers at Acme build the systems Acme's customers rely on.
""",
    "level1.md": front(title="Level 1", parent="Engineering Craft",
                       grand_parent="Acme Progression Framework", nav_order=1) + """
# Level 1

|Area|Description|
|--|--|
| Communication | Writes clear updates about their work for the team at Acme. |
| Delivery | Ships small changes to Acme's services with help. |
| Teamwork | Does not gate-keep: reviews colleagues' work promptly and unblocks them. |
| People | Hires and onboards new Acme engineers with their manager. |
""",
    "level2.md": front(title="Level 2", parent="Engineering Craft",
                       grand_parent="Acme Progression Framework", nav_order=2) + """
# Level 2

|Area|Description|
|--|--|
| Communication | Presents Acme's technical plans to people outside engineering. |
| Delivery | Ships whole features to Acme's customers and owns their rollout. |
| Teamwork | Pairs with engineers across Acme on complex problems. |
| People | Runs hiring, hiring panels and hiring loops for the Acme engineering team. |
""",
}


@pytest.fixture(scope="module")
def acme_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pages(tmp_path_factory.mktemp("acme"), PAGES)


@pytest.fixture(scope="module")
def acme(open_answerer: Callable[..., Answerer], acme_dir: Path) -> Answerer:
    return open_answerer(acme_dir, progress=False)


def _areas(structure: Structure, question: str) -> set[str]:
    return {v for m in structure.detect(question).mentions for f, v in m.values if f == "area"}


def test_a_real_word_is_no_abbreviation_of_a_name(acme_dir: Path) -> None:
    structure = Structure(load_content(acme_dir).entries)
    assert _areas(structure, "what comms are expected?") == {"Communication"}  # letters in order: a short form
    assert _areas(structure, "what counts as delivery?") == {"Delivery"}  # "counts" has them too, but is a word






def test_naming_the_frameworks_owner_brings_no_question_closer(acme: Answerer) -> None:
    assert acme.ranker.structure.owner_words == {"acme"}
    # Every cell names Acme, so the company's name alone makes these close to the text (cosine 0.47-0.59).
    assert not acme.ask("where is Acme's head office?").confident
    assert not acme.ask("who founded Acme?").confident
    assert acme.ask("how do Acme engineers write updates about their work?").confident


# The owner's name on one page only: a rare word there, so BM25 alone would take that page for the topic.
ZENITH = {
    "craft.md": front(title="Engineering Craft", parent="Zenith Progression Framework") + """
# Engineering Craft

Engineers at Zenith build the systems our customers rely on.
""",
    "level1.md": front(title="Level 1", parent="Engineering Craft",
                       grand_parent="Zenith Progression Framework", nav_order=1) + """
# Level 1

|Area|Description|
|--|--|
| Communication | Writes clear updates about their work for the team. |
| Delivery | Ships small changes to our services with help. |
| People | Hires and onboards new engineers with their manager. |
""",
    "level2.md": front(title="Level 2", parent="Engineering Craft",
                       grand_parent="Zenith Progression Framework", nav_order=2) + """
# Level 2

|Area|Description|
|--|--|
| Communication | Presents technical plans to people outside engineering. |
| Delivery | Ships whole features to customers and owns their rollout. |
| People | Runs hiring panels and hiring loops for the engineering team. |
""",
}


def test_an_owner_named_on_one_page_makes_no_question_about_that_page(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    zenith = open_answerer(write_pages(tmp_path_factory.mktemp("zenith"), ZENITH), progress=False)
    assert zenith.ranker.structure.owner_words == {"zenith"}
    # Only the craft page says "Zenith": the name matches it and nothing else, yet says nothing of the topic.
    assert not zenith.ask("who founded Zenith?").confident
    assert not zenith.ask("where is Zenith's head office?").confident
    answer = zenith.ask("how do Zenith engineers present technical plans?")
    assert answer.confident and answer.quotes[0].entry.area == "Communication"


# The framework's name holds an ordinary word of its pages ("platform"), written in lower case wherever they use
# it: a question about the platform asks about it, as "digital" does of GOV.UK's Government Digital and Data
# framework.
HARBOUR = {
    "craft.md": front(title="Engineering Craft", parent="Harbour Platform Progression Framework") + """
# Engineering Craft

Engineers at Harbour build the services our customers rely on.
""",
    "level1.md": front(title="Level 1", parent="Engineering Craft",
                       grand_parent="Harbour Platform Progression Framework", nav_order=1) + """
# Level 1

|Area|Description|
|--|--|
| Communication | Writes clear updates about their work for the team. |
| Delivery | Ships small changes to our services with help. |
| Operations | Keeps the platform healthy: patches its hosts and answers platform alerts. |
""",
    "level2.md": front(title="Level 2", parent="Engineering Craft",
                       grand_parent="Harbour Platform Progression Framework", nav_order=2) + """
# Level 2

|Area|Description|
|--|--|
| Communication | Presents technical plans to people outside engineering. |
| Delivery | Ships whole features to customers and owns their rollout. |
| Operations | Plans the platform's capacity and leads its upgrades. |
""",
}


def test_a_word_of_the_frameworks_name_its_pages_use_as_an_ordinary_word_is_no_owner(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    harbour = open_answerer(write_pages(tmp_path_factory.mktemp("harbour"), HARBOUR), progress=False)
    assert harbour.ranker.structure.owner_words == {"harbour"}  # capitalised where the pages use it: a name
    # Read as the owner's name, "platform" was no evidence: the first went to Communication, the second was refused.
    for question, level in (("platform work for a level 1", "Level 1"),
                            ("is the platform part of my job at level 2?", "Level 2")):
        answer = harbour.ask(question)
        assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Operations", level)
    assert not harbour.ask("who founded Harbour?").confident


LEADS = {
    "level1.md": front(title="Level 1", parent="Engineering Craft", nav_order=1) + """
# Level 1

|Area|Description|
|--|--|
| Leadership | Mentors newer engineers and sets a good example for the squad. |
| Influence | Leads design reviews, leads incident calls and leads the squad's retrospectives when asked. |
| Communication | Writes clear updates about their work. |
""",
    "level2.md": front(title="Level 2", parent="Engineering Craft", nav_order=2) + """
# Level 2

|Area|Description|
|--|--|
| Leadership | Grows the engineers around them and sets the direction of a squad. |
| Influence | Leads cross-squad design reviews and leads incident calls across the company. |
| Communication | Presents technical plans to people outside engineering. |
""",
}


def test_another_form_of_an_areas_word_names_that_area(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    answerer = open_answerer(write_pages(tmp_path_factory.mktemp("leads"), LEADS), progress=False)
    structure = answerer.ranker.structure
    assert _areas(structure, "how does a level 2 engineer lead?") == {"Leadership"}
    assert _areas(structure, "how should a level 1 engineer communicate?") == {"Communication"}
    assert _areas(structure, "what does the community do?") == set()
    # Influence says "leads" three times; the question is about leading, which is the Leadership area.
    answer = answerer.ask("how does a level 2 engineer lead?")
    assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Leadership", "Level 2")
    # The typed word is kept as typed: it is a word of its own, not a misspelt name.
    assert structure.corrected("how does a level 2 engineer lead?") == "how does a level 2 engineer lead?"
