"""Retrieval as a user meets it: the right level's words first, honest refusals, TODO areas flagged."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.aliases import Structure
from index.answer import NOT_WRITTEN, Answerer
from index.entry import Entry
from index.parse import load_content
from tests.support.frameworks import area_table, front, write_pages

REPO = Path(__file__).resolve().parents[2]
MULTILEVEL = REPO / "tests" / "fixtures" / "multilevel"



def test_design_card_example_quotes_ai_strategy_first(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("what does Head of ML own?")
    assert answer.confident and answer.intent == "lookup"
    first = answer.quotes[0]
    assert first.entry.area == "AI Strategy"
    assert "owning the overall strategy for machine learning" in first.text
    # Only the relevant paragraph(s) are quoted; the whole cell stays one click away.
    assert not first.complete and first.text in first.entry.description and first.rest == first.entry.description


@pytest.mark.parametrize("question", ["what does hed of ml own", "What Does HEAD OF ML own?"])
def test_role_names_tolerate_typos_and_case(seed_answerer: Answerer, question: str) -> None:
    answer = seed_answerer.ask(question)
    assert answer.confident and answer.quotes[0].entry.area == "AI Strategy"


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather like tomorrow?",
        "how much does a Head of ML get paid?",
        "how many days of annual leave do I get?",
        "xqzv plorth wubbadub",
    ],
)
def test_off_topic_is_refused_with_suggestions(seed_answerer: Answerer, question: str) -> None:
    answer = seed_answerer.ask(question)
    assert not answer.confident
    assert answer.quotes == []
    assert answer.suggestions and answer.message
    data = answer.to_json()
    assert data["confident"] is False and data["answers"] == [] and data["suggestions"]


def test_todo_best_match_is_flagged_not_quoted_as_todo(seed_answerer: Answerer) -> None:
    answer = seed_answerer.ask("what is expected on technical strategy?")
    assert answer.confident and answer.todo
    assert answer.quotes[0].entry.area == "Technical Strategy"
    assert answer.quotes[0].text == ""
    assert answer.message == NOT_WRITTEN and "not been written" in answer.message
    data = answer.to_json()
    assert data["todo"] is True and data["answers"][0]["todo"] is True
    assert all("TODO" not in a["text"] for a in data["answers"])


def test_json_keeps_the_contract_keys(seed_answerer: Answerer) -> None:
    data = seed_answerer.ask("who makes sure our AI systems are safe?").to_json()
    assert {"question", "confident", "answers"} <= set(data)
    keys = {"text", "area", "level", "craft", "framework", "section", "url", "source", "todo", "score"}
    assert keys <= set(data["answers"][0])
    assert data["answers"][0]["area"] == "AI Governance"


def test_named_level_gets_that_levels_cell(multilevel_answerer: Answerer) -> None:
    # Every level has a Communication cell, differing by a few words: the named level's must come first.
    answer = multilevel_answerer.ask("what does a Senior Engineer 1 do for communication?")
    assert answer.confident
    top = answer.quotes[0].entry
    assert (top.area, top.level) == ("Communication", "Senior Engineer 1")


def test_level_number_is_never_a_typo(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("what does modelling look like at level 2?")
    assert (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Modelling", "Level 2")
    answer = multilevel_answerer.ask("what does modelling look like at level 3?")
    assert answer.quotes[0].entry.level == "Level 3"


def test_parenthesised_acronym_names_the_area(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("what does SRE look like for an Engineer 2?")
    top = answer.quotes[0].entry
    assert (top.area, top.level) == ("Site Reliability Engineering (SRE)", "Engineer 2")


def test_long_cell_quotes_the_relevant_paragraph(multilevel_answerer: Answerer) -> None:
    answer = multilevel_answerer.ask("who writes blameless post-mortems?")
    first = answer.quotes[0]
    assert "blameless post-mortems" in first.text
    assert not first.complete and "service level objectives" not in first.text
    assert "service level objectives" in first.entry.description


def _entry(**kw: str) -> Entry:
    base = dict(framework="F", craft="", level="", role="", section="", area="A", description="x", todo=False,
                source="p.md:1")
    base.update(kw)
    return Entry(**base)  # type: ignore[arg-type]


def test_aliases_are_derived_from_titles_h1s_and_acronyms() -> None:
    entries = [
        _entry(level="Level 1 (Head Of)", role="Head of ML and Edge ML - Level 1", area="ML Ops"),
        _entry(level="Senior Engineer 2 (People Manager)", role="Eng - Senior Engineer 2 (People Manager)",
               area="Site Reliability Engineering (SRE)", source="q.md:1"),
    ]
    structure = Structure(entries)

    def named(question: str) -> set[str]:
        return {v for m in structure.detect(question).mentions for _, v in m.values}

    assert "Head of ML and Edge ML - Level 1" in named("what does the head of edge ml do")
    assert "Head of ML and Edge ML - Level 1" in named("hed of ml")
    assert "Level 1 (Head Of)" in named("what is expected at L1?")
    assert "Senior Engineer 2 (People Manager)" in named("senior engineer 2 expectations")
    assert "Senior Engineer 2 (People Manager)" in named("people manager expectations")
    assert "Site Reliability Engineering (SRE)" in named("tell me about SRE")
    assert "ML Ops" in named("mlops please")
    assert named("what is expected at level 2?") == set()


def test_ranker_tables_are_built_once_not_per_question(seed_answerer: Answerer, monkeypatch) -> None:
    import index.bm25
    import index.search

    built: list[int] = []
    original = index.bm25.BM25Ranker.__init__

    def counting(self, texts):  # noqa: ANN001
        built.append(len(texts))
        original(self, texts)

    monkeypatch.setattr(index.bm25.BM25Ranker, "__init__", counting)
    monkeypatch.setattr(index.search.Structure, "__init__", lambda *a: built.append(-1))
    for q in ("who owns ML strategy?", "what about edge computing?", "cloud spend", "weather?"):
        seed_answerer.ask(q)
    assert built == []


def test_ask_from_many_threads_gives_the_same_answers(seed_answerer: Answerer) -> None:
    questions = ["what does Head of ML own?", "who keeps AI safe?", "edge ML research", "build or buy?"] * 4
    expected = {q: seed_answerer.ask(q).to_json() for q in set(questions)}
    got: dict[int, dict] = {}

    def run(i: int, q: str) -> None:
        got[i] = seed_answerer.ask(q).to_json()

    threads = [threading.Thread(target=run, args=(i, q)) for i, q in enumerate(questions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(got) == len(questions)
    assert all(got[i] == expected[q] for i, q in enumerate(questions))


def test_multilevel_fixture_parses_as_designed() -> None:
    content = load_content(MULTILEVEL)
    assert not content.errors
    levels = {e.level for e in content.entries if e.kind == "level"}
    assert {"Engineer 1", "Senior Engineer 2 (People Manager)", "Level 1", "Level 3"} <= levels
    assert content.todo_count == 3


def test_a_question_with_bytes_that_were_not_utf8_is_answered(seed_answerer: Answerer) -> None:
    # A shell passes such bytes on as lone surrogates, which the tokenizer refused with a TypeError.
    answer = seed_answerer.ask("what does Head of ML own? \udced\udca0\udc80")
    assert answer.confident and answer.quotes


def test_ranking_picks_each_hits_best_paragraph_without_listing_every_paragraph(
        multilevel_answerer: Answerer, monkeypatch) -> None:
    """Each hit's paragraphs are its best-scoring document's, the first of equals, as the whole list of the
    entry's paragraph scores would give; ranking reads them from the score array, without building that list
    for every hit of every question (issue 23)."""
    from index.search import DenseRanker

    ranker = multilevel_answerer.ranker
    question = "who writes blameless post-mortems?"
    vector = multilevel_answerer.embedder.encode_query(question)
    listed = DenseRanker.paragraph_scores

    def refused(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("ranking listed every paragraph of a hit")

    monkeypatch.setattr(DenseRanker, "paragraph_scores", refused)
    ranking = ranker.rank(question, vector, fusion="fitted")
    monkeypatch.setattr(DenseRanker, "paragraph_scores", listed)
    assert ranking.hits and any(h.paragraphs for h in ranking.hits)
    for hit in ranking.hits:
        scored = ranker.dense.paragraph_scores(ranking.doc_scores, hit.entry)
        assert hit.paragraphs == max(scored, key=lambda ps: ps[1])[0]


def test_a_question_and_its_rest_are_scored_in_one_pass_over_the_vectors(
        multilevel_answerer: Answerer, monkeypatch) -> None:
    """A question that names a level is scored twice by the cosine (as asked, and without its names); both
    scores come from one pass over the index's vectors, which are a few MB on a large framework and
    memory-bound to read (issue 23), and the answer is the one two passes gave."""
    import index.blas
    import index.search

    question = "what does a Senior Engineer 1 do for communication?"
    expected = multilevel_answerer.ask(question).to_json()
    passes: list[int] = []
    one, several = index.search.matvec, index.blas.matvecs

    def counted_one(matrix, vector):  # noqa: ANN001, ANN202
        passes.append(1)
        return one(matrix, vector)

    def counted_several(matrix, vectors, rows=None):  # noqa: ANN001, ANN202
        passes.append(len(vectors))
        return several(matrix, vectors, rows)

    monkeypatch.setattr(index.search, "matvec", counted_one)
    monkeypatch.setattr(index.blas, "matvecs", counted_several)
    assert multilevel_answerer.ask(question).to_json() == expected
    assert passes == [2]  # both vectors, one pass


def test_a_question_naming_a_level_reads_the_vectors_of_what_it_ranks_alone(
        multilevel_answerer: Answerer, monkeypatch) -> None:
    """A question that names a level is ranked among that level's cells and its craft's general text: the
    cosines of other entries' vectors are never read, so they are not computed. The products are memory-bound
    on a large framework's few MB of vectors (issue 23); a named level's are a few blocks of them. Every
    answer, its candidates' probabilities and the features the gate read are what reading all gave."""
    import index.blas
    from index.search import DenseRanker

    monkeypatch.setattr(index.blas, "BLOCK_ROWS", 8)  # this small framework's vectors in several blocks
    questions = ["what does a Senior Engineer 1 do for communication?", "what does SRE look like for an Engineer 2?",
                 "difference between Senior Engineer 1 and Senior Engineer 2 in team work",
                 "how does delivery change from engineer 2 to engineer 1?", "who writes blameless post-mortems?",
                 "what is expected of an Engineer 2?", "how many engineers work at Acme?"]

    def seen(question: str) -> tuple[object, ...]:
        answer = multilevel_answerer.ask(question)
        ranking = answer.ranking
        assert ranking is not None and ranking.probability is not None and ranking.features is not None
        hits = [(h.entry, h.score, h.paragraphs, h.dense, h.lexical) for h in ranking.hits]
        return (answer.to_json(), hits, ranking.best_dense, ranking.features[[h.entry for h in ranking.hits]].tolist())

    whole = DenseRanker.doc_scores_of
    monkeypatch.setattr(DenseRanker, "doc_scores_of", lambda self, vectors, entries=None: whole(self, vectors))
    expected = [seen(q) for q in questions]
    monkeypatch.setattr(DenseRanker, "doc_scores_of", whole)
    read: list[tuple[int, int]] = []
    several = index.blas.matvecs

    def counted(matrix, vectors, rows=None):  # noqa: ANN001, ANN202
        out = several(matrix, vectors, rows)
        read.append((int(np.count_nonzero(out[0])), len(matrix)))
        return out

    monkeypatch.setattr(index.blas, "matvecs", counted)
    reads = []
    for q, before in zip(questions, expected, strict=True):
        read.clear()
        assert seen(q) == before, q
        reads.append(read[0])
    # Senior Engineer 1's cells and its craft's general text: a part of two crafts' vectors.
    assert 0 < reads[0][0] < reads[0][1]
    assert reads[4][0] == reads[4][1]  # no name: every entry is a candidate, every vector is read


def test_documents_that_share_a_text_have_their_vector_read_once(monkeypatch) -> None:
    """A large framework repeats texts from page to page (GOV.UK DDaT: 1,189 distinct of 2,641 documents), and a
    question's cosines are memory-bound (issue 23): each distinct vector is read once, and every document scores
    bit for bit what multiplying all of them gives."""
    from types import SimpleNamespace

    import index.blas
    from index.documents import Document
    from index.search import DenseRanker

    rng = np.random.default_rng(5)
    texts = rng.standard_normal((150, 384)).astype(np.float32)
    texts /= np.linalg.norm(texts, axis=1, keepdims=True)
    per_entry = rng.integers(1, 4, 300)  # 1-3 documents an entry: 300 entries, about 600 documents
    documents = [Document(e, -1 if k == 0 else k, "") for e, n in enumerate(per_entry) for k in range(n)]
    vectors = np.ascontiguousarray(texts[rng.integers(0, len(texts), len(documents))])
    ranker = DenseRanker(SimpleNamespace(entries=[None] * len(per_entry), documents=documents, vectors=vectors))
    asked = [rng.standard_normal(384).astype(np.float32) for _ in range(2)]
    whole = index.blas.matvecs(vectors, asked)
    read: list[int] = []
    product = np.matmul

    def counted(a, b, out=None):  # noqa: ANN001, ANN202
        read.append(len(a))
        return product(a, b, out=out)

    monkeypatch.setattr(np, "matmul", counted)
    scores = ranker.doc_scores_of(asked)
    monkeypatch.setattr(np, "matmul", product)
    assert all(np.array_equal(s, w) for s, w in zip(scores, whole, strict=True))
    # The 150 texts in one block of their own, and the short last block where it lies: not every document's vector.
    short = len(vectors) % index.blas.BLOCK_ROWS
    assert sum(read) == len(asked) * (index.blas.BLOCK_ROWS + short) < len(asked) * len(vectors)


@pytest.fixture(scope="module")
def roles_answerer(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    """A made-up governance ladder whose craft page speaks of all its roles at once ("Leads" are the Chair
    and the Tech Lead) in sections of its own, above the role pages."""
    from tests.support.frameworks import Ladder, area_table, write_ladders

    intro = (
        "Roles that run a working group.\n\n"
        "## Leads\n\n"
        "### Time away\n\n"
        "- Leads going on parental leave or a sabbatical hand their duties to another lead for the time away.\n"
        "- Leads who vanish without a word for two months may be replaced by a vote of the other leads.\n\n"
        "### Stepping down\n\n"
        "- Leads may step down at any time and propose a successor to the group.\n"
    )
    roles = Ladder("Group Roles", [
        ("Member", area_table({"Duties": "Joins the mailing list and answers review requests within a week."})),
        ("Chair", area_table({"Meetings": "Runs the weekly group meeting and keeps its agenda.",
                              "Reporting": "Writes the yearly report on the group's health to the steering board."})),
        ("Tech Lead", area_table({"Design": "Approves the design of new features and keeps the roadmap."})),
    ], intro=intro)
    content = write_ladders(tmp_path_factory.mktemp("roles"), {"roles": roles})
    return open_answerer(content)


@pytest.mark.parametrize(("question", "says"), [
    ("going on a sabbatical as a chair, what should i do", "parental leave or a sabbatical"),
    ("how do we replace a tech lead who vanished", "replaced by a vote of the other leads"),
])
def test_a_named_role_is_answered_from_its_crafts_general_text(roles_answerer: Answerer, question: str,
                                                              says: str) -> None:
    # The role's name says who is asked about, not where the answer is written: the craft page's section on
    # all its leads answers, though it never names the Chair or the Tech Lead.
    answer = roles_answerer.ask(question)
    assert answer.confident and answer.intent == "lookup"
    assert says in answer.quotes[0].text


def test_a_named_role_still_gets_its_own_text_when_that_answers(roles_answerer: Answerer) -> None:
    answer = roles_answerer.ask("who does the chair send the yearly report to?")
    assert answer.confident
    assert answer.quotes[0].entry.level == "Chair" and answer.quotes[0].entry.area == "Reporting"



def test_a_named_roles_crafts_general_text_is_found_once_per_ranking(roles_answerer: Answerer, monkeypatch) -> None:
    """The candidates (the role's entries and its craft's general sections) and the entries the features compare
    them with are the same set when the names select something: it is worked out once (issue 23), and the
    answer is the one two look-ups gave."""
    question = "going on a sabbatical as a chair, what should i do"
    expected = roles_answerer.ask(question).to_json()
    looked: list[int] = []
    beside = Structure.beside

    def counted(self: Structure, mask):  # noqa: ANN001, ANN202
        looked.append(int(mask.sum()))
        return beside(self, mask)

    monkeypatch.setattr(Structure, "beside", counted)
    assert roles_answerer.ask(question).to_json() == expected
    assert len(looked) == 1


# Orbit's pages say its engineers work in squads and its name everywhere, but never how many there are; one cell
# gives a number (milestones of 2 weeks).
ORBIT = {
    "craft.md": front(title="Engineering Craft", parent="Orbit Career Framework")
    + "\n# Engineering Craft\n\nEngineers at Orbit build the product the company sells.\n",
    **{
        f"l{n}.md": front(title=f"Level {n}", parent="Engineering Craft", grand_parent="Orbit Career Framework",
                          nav_order=n) + f"\n# Level {n}\n\n" + area_table(cells)
        for n, cells in (
            (1, {"Delivery": "Ships small, well-tested changes with help from other Orbit engineers.",
                 "Leadership": "Helps the engineers who work at Orbit learn the codebase.",
                 "Collaboration": "Asks other engineers for help early and pairs with them."}),
            (2, {"Delivery": "Ships features on their own and owns their rollout.",
                 "Leadership": "Instills Orbit engineering principles across a whole squad of engineers <br><br> "
                               "Works with Engineering Managers to help other engineers perform and grow <br><br> "
                               "Bootstraps new teams",
                 "Collaboration": "Reviews other engineers' pull requests promptly."}),
            (3, {"Delivery": "Breaks complex projects into milestones of 2 weeks or less and delivers them.",
                 "Leadership": "Runs the one-to-ones of the people they manage.",
                 "Collaboration": "Aligns Orbit's engineers on technical plans."}),
        )
    },
}


def test_a_how_many_question_is_answered_only_by_text_that_gives_a_number(
    open_answerer: Callable[..., Answerer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """docs/retrieval.md, step 3 (a question asking how many): "how many engineers work at Orbit?" was answered
    from Level 2's Leadership cell, close to it by "Orbit", "engineers" and "work", though it gives no number."""
    orbit = open_answerer(write_pages(tmp_path_factory.mktemp("orbit"), ORBIT), progress=False)
    for question in ("how many engineers work at Orbit?", "how many engineers does Orbit have?"):
        assert not orbit.ask(question).confident, question
    answer = orbit.ask("how many weeks long is a level 3 milestone?")
    assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Delivery", "Level 3")


def test_many_without_how_asks_for_no_number(open_answerer: Callable[..., Answerer],
                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    """"many" alone ("aligns many engineers") asks for no number: the cell that says what was asked is quoted, not
    the level's one cell that happens to give a number (milestones of 2 weeks). "how many" still asks for one."""
    orbit = open_answerer(write_pages(tmp_path_factory.mktemp("orbit"), ORBIT), progress=False)
    answer = orbit.ask("does a level 3 engineer align many engineers on technical plans?")
    assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Collaboration",
                                                                                                 "Level 3")
    answer = orbit.ask("how many weeks long is a level 3 milestone?")
    assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Delivery", "Level 3")


def test_an_ordinal_or_a_levels_number_gives_no_count(open_answerer: Callable[..., Answerer],
                                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """"in their first month" says which month and "as Level 3 engineers do" which level, not how many: a cell
    that says only those is no answer to "how many engineers work at Orbit?", as one with no number is not."""
    pages = dict(ORBIT)
    pages["l1.md"] = pages["l1.md"].replace("learn the codebase.", "learn the codebase in their first month.")
    pages["l2.md"] = pages["l2.md"].replace("Bootstraps new teams", "Bootstraps new teams as Level 3 engineers do")
    orbit = open_answerer(write_pages(tmp_path_factory.mktemp("orbit"), pages), progress=False)
    for question in ("how many engineers work at Orbit?", "how many engineers does Orbit have?"):
        assert not orbit.ask(question).confident, question
    answer = orbit.ask("how many weeks long is a level 3 milestone?")
    assert answer.confident and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Delivery", "Level 3")



@pytest.fixture(scope="module")
def tenure_answerer(open_answerer, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    """A made-up ladder whose level pages each end on how many years of experience they ask, the same sentence
    but for its number, after other words a question may also use ("level", "needs", "reports")."""
    from tests.support.frameworks import Ladder, area_table, write_ladders

    def level(scope: str, years: int) -> str:
        return area_table({"Expectations": f"{scope} Usually asks for at least {years} years of industry experience."})

    ladder = Ladder("Platform", [
        ("Associate", level("Works on tasks at the level of one team's needs, with help when it needs it.", 1)),
        ("Practitioner", level("Delivers projects at the level one team needs, and meets the needs of others. "
                               "Has 2 direct reports at most.", 4)),
        ("Expert", level("Owns a product area and has about 5 direct reports.", 8)),
        ("Fellow", level("Sets direction for the company.", 12)),
    ])
    return open_answerer(write_ladders(tmp_path_factory.mktemp("tenure"), {"platform": ladder}))


@pytest.mark.parametrize(("question", "level", "says"), [
    ("which level needs 8 years of experience?", "Expert", "at least 8 years"),
    ("which level needs twelve years of experience", "Fellow", "at least 12 years"),
    ("at which level do you need 4 yrs of experience", "Practitioner", "at least 4 years"),
])
def test_a_number_that_names_no_level_picks_the_text_that_writes_it(tenure_answerer: Answerer, question: str,
                                                                   level: str, says: str) -> None:
    # Every level's text says "N years of experience": only the number tells them apart, so the text that writes
    # the asked number with its word answers, not one that shares more of the question's other words.
    answer = tenure_answerer.ask(question)
    assert answer.quotes[0].entry.level == level
    assert says in answer.quotes[0].text


def test_a_level_number_still_names_the_level_not_a_count(tenure_answerer: Answerer) -> None:
    # "level 2" names the Practitioner; the Associate's and the Expert's texts write no 2, the Practitioner's
    # "2 direct reports" is its own. The number is the level's, not a count to find.
    answer = tenure_answerer.ask("how many years of experience at level 3?")
    assert answer.quotes[0].entry.level == "Expert"
    assert "at least 8 years" in answer.quotes[0].text
