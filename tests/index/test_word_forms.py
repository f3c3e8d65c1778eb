"""Words as people write them and as the framework writes them, on text made up for the test: real
words are not abbreviations of names, hyphenated compounds meet their one-word spelling, a short word
stands for the framework's words only when they share one root, and naming the framework's owner
makes no question closer to its text, another form of an area's word names that area, a phrase the
question shares with a text counts for more than its words apart, and the word "how" asks the degree
of is no topic."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.aliases import Structure, _abbreviates
from index.answer import Answerer
from index.bm25 import BM25Ranker
from index.confidence import shares_phrase
from index.parse import load_content
from index.tokens import degree_words, same_family, terms, words

FRONT = "---\ntitle: {title}\nparent: {parent}\n{extra}---\n"

PAGES = {
    "craft.md": FRONT.format(title="Engineering Craft", parent="Acme Progression Framework", extra="") + """
# Engineering Craft

Engineers at Acme build the systems Acme's customers rely on.
""",
    "level1.md": FRONT.format(title="Level 1", parent="Engineering Craft",
                              extra="grand_parent: Acme Progression Framework\nnav_order: 1\n") + """
# Level 1

|Area|Description|
|--|--|
| Communication | Writes clear updates about their work for the team at Acme. |
| Delivery | Ships small changes to Acme's services with help. |
| Teamwork | Does not gate-keep: reviews colleagues' work promptly and unblocks them. |
| People | Hires and onboards new Acme engineers with their manager. |
""",
    "level2.md": FRONT.format(title="Level 2", parent="Engineering Craft",
                              extra="grand_parent: Acme Progression Framework\nnav_order: 2\n") + """
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
    root = tmp_path_factory.mktemp("acme")
    for name, text in PAGES.items():
        (root / name).write_text(text, "utf-8")
    return root


@pytest.fixture(scope="module")
def acme(embedder, acme_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    return Answerer.open(acme_dir, tmp_path_factory.mktemp("acme-index"), embedder=embedder, progress=False)


def _areas(structure: Structure, question: str) -> set[str]:
    return {v for m in structure.detect(question).mentions for f, v in m.values if f == "area"}


def test_a_real_word_is_no_abbreviation_of_a_name(acme_dir: Path) -> None:
    structure = Structure(load_content(acme_dir).entries)
    assert _areas(structure, "what comms are expected?") == {"Communication"}  # letters in order: a short form
    assert _areas(structure, "what counts as delivery?") == {"Delivery"}  # "counts" has them too, but is a word


@pytest.mark.parametrize("short, full, stands_for", [
    ("mgmt", "management", True), ("sr", "senior", True), ("convo", "conversation", True),
    ("count", "communication", False), ("coat", "communication", False),
])
def test_an_abbreviation_drops_vowels_or_cuts_the_word_short(short: str, full: str, stands_for: bool) -> None:
    assert _abbreviates(short, full, set()) is stands_for


def test_a_hyphenated_compound_meets_its_one_word_spelling() -> None:
    assert "gatekeep" in terms("Does not gate-keep.")
    texts = ["Does not gate-keep: reviews promptly.", "Keeps the gate of the office closed.", "Ships features."]
    scores = BM25Ranker(texts).score_text("gatekeeper")
    assert scores.argmax() == 0 and scores[0] > scores[1]


def test_a_short_word_stands_for_words_only_when_they_share_a_root() -> None:
    bm25 = BM25Ranker(["Handles complex systems.", "Sets company goals.", "Competent reviewer.",
                       "Collaborates with design.", "Builds collaboration with product."])
    assert bm25.completions("comp") == []  # company, complex or competent: no abbreviation of one
    assert set(bm25.completions("collab")) == {"collaborate", "collaboration"}


def test_a_long_unknown_word_a_letter_off_one_word_is_that_word() -> None:
    bm25 = BM25Ranker(["Lists the responsibilities of an approver.", "A reviewer writes a review.",
                       "Finds a sponsor."])
    assert bm25.completions("responsibilite") == ["responsibility"]  # "responsibilites", stemmed
    assert bm25.completions("aprover") == ["approver"]
    # A letter off two words ("review", "reviewer"): either could be meant, so neither is.
    assert bm25.completions("reviewr") == []
    # Short words and words far from every indexed one stay unknown: "weather" is no slip of anything here.
    assert bm25.completions("sponsr") == ["sponsor"]
    assert bm25.completions("spnsr") == []  # five letters: too short to read as a slip
    assert bm25.completions("weather") == []
    scores = bm25.scores(["aprover"])
    assert scores[0] > 0 and scores[1] == scores[2] == 0


def test_naming_the_frameworks_owner_brings_no_question_closer(acme: Answerer) -> None:
    assert acme.ranker.structure.owner_words == {"acme"}
    # Every cell names Acme, so the company's name alone makes these close to the text (cosine 0.47-0.59).
    assert not acme.ask("where is Acme's head office?").confident
    assert not acme.ask("who founded Acme?").confident
    assert acme.ask("how do Acme engineers write updates about their work?").confident


@pytest.mark.parametrize("a, b, family", [
    ("lead", "leadership", True), ("leads", "leadership", True), ("communicate", "communication", True),
    ("impactful", "impact", True), ("master", "mastery", True), ("mentoring", "mentorship", True),
    ("community", "communication", False), ("general", "generation", False), ("count", "communication", False),
])
def test_forms_of_one_word_are_one_family(a: str, b: str, family: bool) -> None:
    assert same_family(a, b) is family


LEADS = {
    "level1.md": FRONT.format(title="Level 1", parent="Engineering Craft", extra="nav_order: 1\n") + """
# Level 1

|Area|Description|
|--|--|
| Leadership | Mentors newer engineers and sets a good example for the squad. |
| Influence | Leads design reviews, leads incident calls and leads the squad's retrospectives when asked. |
| Communication | Writes clear updates about their work. |
""",
    "level2.md": FRONT.format(title="Level 2", parent="Engineering Craft", extra="nav_order: 2\n") + """
# Level 2

|Area|Description|
|--|--|
| Leadership | Grows the engineers around them and sets the direction of a squad. |
| Influence | Leads cross-squad design reviews and leads incident calls across the company. |
| Communication | Presents technical plans to people outside engineering. |
""",
}


def test_another_form_of_an_areas_word_names_that_area(
    embedder, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("leads")
    for name, text in LEADS.items():
        (root / name).write_text(text, "utf-8")
    answerer = Answerer.open(root, tmp_path_factory.mktemp("leads-index"), embedder=embedder, progress=False)
    structure = answerer.ranker.structure
    assert _areas(structure, "how does a level 2 engineer lead?") == {"Leadership"}
    assert _areas(structure, "how should a level 1 engineer communicate?") == {"Communication"}
    assert _areas(structure, "what does the community do?") == set()
    # Influence says "leads" three times; the question is about leading, which is the Leadership area.
    answer = answerer.ask("how does a level 2 engineer lead?")
    assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Leadership", "Level 2")
    # The typed word is kept as typed: it is a word of its own, not a misspelt name.
    assert structure.corrected("how does a level 2 engineer lead?") == "how does a level 2 engineer lead?"


def test_a_shared_phrase_counts_for_more_than_the_same_words_apart() -> None:
    texts = [
        "Shares what the team learns outside the company, for example by writing blog posts about the systems "
        "it builds.",
        "Writes reviews of the posts that colleagues publish on the internal blog, and keeps the runbooks up to date.",
        "Ships features.",
    ]
    scores = BM25Ranker(texts).score_text("writing blog posts")
    # The second text has every word too, a little more often, which alone would put it first.
    assert scores.argmax() == 0 and scores[0] > scores[1] > 0


@pytest.mark.parametrize("question, degree", [
    ("how good at debugging does an ic4 need to be", {"good"}),
    ("how comfortable with incidents is a senior?", {"comfortable"}),
    ("how technical does a level 5 mobile dev have to be?", set()),  # the topic itself
    ("how engineers grow at level 2", set()),
])
def test_the_word_how_asks_the_degree_of_is_no_topic(question: str, degree: set[str]) -> None:
    ws = words(question)
    assert {ws[i] for i in degree_words(ws)} == degree


def test_a_rare_shared_phrase_is_a_sign_of_the_topic_a_common_one_is_not() -> None:
    texts = ["Writes blog posts about the team's systems."] + [f"Senior engineers own area {i}." for i in range(30)]
    bm25 = BM25Ranker(texts)
    assert shares_phrase(["write", "blog", "post"], bm25.term_sets[0], bm25)
    assert not shares_phrase(["blog", "write"], bm25.term_sets[0], bm25)  # the words, not the phrase
    # "senior engineer" is in every other text: the framework's boilerplate, not the question's topic.
    assert not shares_phrase(["senior", "engineer"], bm25.term_sets[1], bm25)
