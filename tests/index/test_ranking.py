"""The fitted ranker's features and constants (index/ranking.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.aliases import Structure
from index.answer import Answerer
from index.bm25 import BM25Ranker
from index.entry import Entry
from index.ranking import FITTED_PATH, NAMES, Features, Model, ModelFileError, Question, load_model
from index.search import content_terms
from index.tokens import STOPWORDS, stem
from tests.support.frameworks import Ladder, area_table, write_ladders


@pytest.fixture(scope="module")
def reader(multilevel_answerer: Answerer) -> Answerer:
    # A model that weighs nothing: the features are read all the same, without the shipped constants.
    return multilevel_answerer.tuned(model=Model.neutral())


def _row(reader: Answerer, question: str, area: str, level: str) -> dict[str, float]:
    ranking = reader.ask(question).ranking
    assert ranking is not None
    assert ranking.features is not None and ranking.features.shape == (len(reader.entries), len(NAMES))
    i = next(i for i, e in enumerate(reader.entries) if e.area == area and e.level == level)
    return dict(zip(NAMES, ranking.features[i], strict=True))


def test_features_read_the_names_and_words_of_the_question(reader: Answerer) -> None:
    row = _row(reader, "how does a senior engineer 1 handle communication in design documents?",
               "Communication", "Senior Engineer 1")
    # The question names the area and the level of this cell, and its own words are in the cell's text.
    assert row["area_match"] == 1.0 and row["level_match"] == 1.0 and row["names"] == 1.0
    assert row["coverage"] > 0.5 and row["bm25_text"] > 0 and row["bm25_labels"] > 0
    assert row["phrase"] > 0  # "design documents" is a phrase of the cell
    assert row["out_of_scope"] == 0.0 and row["definition"] == 0.0
    other = _row(reader, "how does a senior engineer 1 handle communication in design documents?",
                 "Hiring", "Senior Engineer 1")
    assert other["area_match"] == 0.0 and other["coverage"] < row["coverage"]
    assert other["dense_gap"] <= 0.0


def test_a_pay_question_is_out_of_scope_and_names_nothing(reader: Answerer) -> None:
    row = _row(reader, "what is the salary of an engineer?", "Hiring", "Senior Engineer 1")
    assert row["out_of_scope"] == 1.0 and row["area_match"] == 0.0 and row["coverage_all"] == 0.0


def test_the_fitted_ranking_orders_by_the_model_and_the_gate_reads_its_probability(reader: Answerer) -> None:
    model = load_model()
    fitted = reader.tuned(model=model)
    ranking = fitted.ask("how do senior engineer 1s run technical interviews?").ranking
    assert ranking is not None and ranking.probability is not None and ranking.hits
    scores = [h.score for h in ranking.hits]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    answer = fitted.ask("how do senior engineer 1s run technical interviews?")
    assert answer.confident and answer.quotes[0].entry.area == "Hiring"
    assert answer.signals is not None and answer.signals.probability is not None
    assert answer.signals.probability >= model.threshold
    refused = fitted.ask("what's the weather like in Lisbon tomorrow?")
    assert not refused.confident
    assert refused.signals is not None and refused.signals.probability < model.threshold


def test_the_features_tables_are_built_once_per_index_not_per_question(multilevel_answerer: Answerer,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import index.ranking

    built = []
    real = index.ranking.Features.__init__

    def counting(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(index.ranking.Features, "__init__", counting)
    fresh = Answerer(multilevel_answerer.index, multilevel_answerer.embedder)
    for question in ("what does a senior engineer 1 do for hiring?", "who writes post-mortems?", "weather?"):
        fresh.ask(question)
    assert len(built) == 1


def test_a_ranking_computes_each_candidates_logit_once(multilevel_answerer: Answerer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The probability the gate reads is the logistic of the logit the ranking sorts by: one product of the
    # (entries, features) matrix with the weights per ranking, not one for each (issue 23: the pipeline).
    model = load_model()
    products: list[int] = []
    real = Model.logits

    def counting(self: Model, x: np.ndarray) -> np.ndarray:
        products.append(len(x))
        return real(self, x)

    monkeypatch.setattr(Model, "logits", counting)
    ranking = multilevel_answerer.tuned(model=model).ask("how do senior engineer 1s run technical interviews?").ranking
    assert ranking is not None and ranking.probability is not None and ranking.features is not None
    assert len(products) == 1
    assert ranking.probability.tolist() == model.probability(ranking.features).tolist()


def test_the_shipped_constants_file_loads_and_says_what_it_was_fitted_on() -> None:
    model = load_model(FITTED_PATH)
    assert model.weights.shape == (len(NAMES),) and 0.0 < model.threshold < 1.0
    fitted = model.fitted
    assert fitted["command"] == "careerfw eval --fit" and fitted["date"] and fitted["commit"]
    assert any(s.startswith("tests/eval/blind/") for s in fitted["sets"])
    assert any(s.startswith("tests/eval/") and "/blind/" not in s for s in fitted["sets"])


def test_a_missing_constants_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "fitted.json"
    with pytest.raises(ModelFileError) as err:
        load_model(missing)
    assert str(missing) in str(err.value) and "careerfw eval --fit" in str(err.value)


@pytest.mark.parametrize(
    "text, reason",
    [
        ('{"features": [\n  "dense",\n', "fitted.json:3: not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"features": ["dense"], "mean": [0], "scale": [1], "weights": [1], "bias": 0, "threshold": 0.5}',
         "careerfw eval --fit"),
    ],
)
def test_a_broken_constants_file_names_itself_and_the_fault(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "fitted.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ModelFileError) as err:
        load_model(path)
    assert str(path.parent) in str(err.value) and reason in str(err.value)


@pytest.mark.parametrize("key, value", [("weights", [1.0]), ("threshold", 1.5), ("scale", "x"), ("bias", None)])
def test_constants_of_the_wrong_size_or_range_are_refused(tmp_path: Path, key: str, value: object) -> None:
    good = Model(np.zeros(len(NAMES)), np.ones(len(NAMES)), np.zeros(len(NAMES)), 0.0, 0.5, {}).to_json()
    path = tmp_path / "fitted.json"
    path.write_text(json.dumps(good | {key: value}), "utf-8")
    with pytest.raises(ModelFileError) as err:
        load_model(path)
    assert str(path) in str(err.value)
    path.write_text(json.dumps(good), "utf-8")
    assert load_model(path).threshold == 0.5


# A made-up framework for the fitted ranker's constraints: two levels of one craft, three areas, where the
# words of a question about one area are written in another area's cell.
_CELLS = {
    1: ("ships small fixes to the billing service with a buddy", "pairs with a buddy every morning",
        "runs the team's weekly demo"),
    2: ("ships whole features to the billing service alone", "reviews pull requests from newcomers every week",
        "leads the resolution of incidents in the billing service"),
}


@pytest.fixture(scope="module")
def made_up(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    levels = []
    for n, (delivery, collaboration, leadership) in _CELLS.items():
        cells = {"Delivery": delivery, "Collaboration": collaboration, "Leadership": leadership}
        if n == 2:
            cells["Hiring"] = "interviews candidates for the billing team"
        levels.append((f"Level {n}", area_table(cells)))
    content = tmp_path_factory.mktemp("made-up-ranking") / "content"
    return open_answerer(write_ladders(content, {"engineering": Ladder("Engineering", levels)}, framework=None,
                                       file="level-{n}.md", slug="level-{n}"))


def _words_only() -> Model:
    """A model that ranks by the question's words in the text alone (BM25), and names count for nothing."""
    weights = np.zeros(len(NAMES))
    weights[NAMES.index("bm25_text")] = 5.0
    return Model(np.zeros(len(NAMES)), np.ones(len(NAMES)), weights, 0.0, 0.5, {})


def _cell(answerer: Answerer, area: str, level: str) -> int:
    return next(i for i, e in enumerate(answerer.entries) if e.area == area and e.level == level)


def test_a_named_area_is_a_constraint_on_the_fitted_ranker_not_a_weight(made_up: Answerer) -> None:
    # The question's other words are Collaboration's ("reviews pull requests"), and the model weighs only
    # words: the area the question names still decides, as a named level does.
    fitted = made_up.tuned(model=_words_only())
    answer = fitted.ask("level 2 delivery: who reviews pull requests?")
    assert answer.quotes and (answer.quotes[0].entry.area, answer.quotes[0].entry.level) == ("Delivery", "Level 2")
    ranking = answer.ranking
    assert ranking is not None and ranking.allowed is not None
    assert not ranking.allowed[_cell(made_up, "Collaboration", "Level 2")]
    # Without an area named, the words decide.
    other = fitted.ask("level 2: who reviews pull requests?")
    assert other.quotes and other.quotes[0].entry.area == "Collaboration"
    # Another form of an area's word ("lead" for Leadership) is evidence, not a constraint: the question
    # is about its other words.
    led = fitted.ask("level 2: who is expected to lead reviews of pull requests?")
    assert led.ranking is not None and led.ranking.allowed is not None
    assert led.ranking.allowed[_cell(made_up, "Collaboration", "Level 2")]


def test_a_named_area_decides_the_answer_and_still_leaves_related_answers(made_up: Answerer) -> None:
    # The area named is the answer; what else is relevant comes after it, from the level the question names,
    # best by the model first, as the hand ranker's boost leaves it ("Also relevant" in Slack and Teams).
    fitted = made_up.tuned(model=_words_only())
    answer = fitted.ask("level 2 delivery: who reviews pull requests?", limit=3)
    assert answer.confident
    cells = [(q.entry.area, q.entry.level) for q in answer.quotes]
    assert cells[0] == ("Delivery", "Level 2")
    assert len(cells) == 3 and cells[1] == ("Collaboration", "Level 2")  # the question's other words
    assert all(level == "Level 2" for _, level in cells)  # the named level still narrows the related ones


def test_a_constraint_leaves_a_candidate_measured_against_everything_the_names_select(made_up: Answerer) -> None:
    # A carried or named area leaves one cell; its features still compare it with the whole level, so the
    # gate does not see it as the best match by every measure merely because it is the only one left.
    reader = made_up.tuned(model=Model.neutral())
    delivery = _cell(made_up, "Delivery", "Level 2")
    only = np.zeros(len(made_up.entries), dtype=bool)
    only[delivery] = True
    question = "level 2: who reviews pull requests from newcomers?"
    ranker = made_up.ranker
    ranking = ranker.rank(question, made_up.embedder.encode_query(question), fusion="fitted",
                          model=reader.model, restrict=only)
    assert ranking.features is not None and [h.entry for h in ranking.hits] == [delivery]
    row = dict(zip(NAMES, ranking.features[delivery], strict=True))
    assert row["best_coverage"] > row["coverage"]  # Collaboration's cell holds the question's words
    assert row["dense_gap"] < 0.0 and row["rank"] < 1.0


def test_an_area_one_named_level_lacks_constrains_nothing(made_up: Answerer) -> None:
    # Only Level 2 has Hiring: comparing the two levels on it must still see Level 1's cells.
    fitted = made_up.tuned(model=_words_only())
    ranking = fitted.ask("how is level 1 different from level 2 for hiring?").ranking
    assert ranking is not None
    assert ranking.allowed is None or ranking.allowed[_cell(made_up, "Delivery", "Level 1")]
    # Named at a level that has it, the area constrains as before.
    named = fitted.ask("level 2 hiring: who reviews pull requests?")
    assert named.quotes and named.quotes[0].entry.area == "Hiring"


def test_words_the_framework_never_uses_are_a_feature_of_every_candidate(made_up: Answerer) -> None:
    reader = made_up.tuned(model=Model.neutral())
    weather = dict(zip(NAMES, reader.ask("what's the weather like in berlin this week?").ranking.features[0],
                       strict=True))
    assert weather["unknown"] > 0.5
    known = dict(zip(NAMES, reader.ask("who reviews pull requests?").ranking.features[0], strict=True))
    assert known["unknown"] == 0.0


def _entry(level: str, area: str, text: str, layout: str = "cell") -> Entry:
    return Entry("made-up", "Engineering", level, "", "", area, text, False, f"{level}.md:1", layout=layout)  # type: ignore[arg-type]


def _features_of(entries: list[Entry], question: str) -> list[dict[str, float]]:
    """Each entry's features for `question`, computed without the model (cosines left at 0)."""
    structure = Structure(entries)
    lexical = BM25Ranker([f"{e.area} {e.description}" for e in entries])
    detected = structure.detect(question)
    words = [stem(w) for w in detected.words if w not in STOPWORDS]
    covered = detected.covered()
    own = [stem(w) for i, w in enumerate(detected.words) if i not in covered and w not in STOPWORDS]
    narrowed = structure.mask(detected.mentions, {"who", "craft"})
    q = Question(detected, words, content_terms(detected), own, {}, False)
    zeros = np.zeros(len(entries))
    x = Features(entries, structure, lexical).extract(q, zeros, None, lexical.scores(own), narrowed, narrowed)
    return [dict(zip(NAMES, row, strict=True)) for row in x]


def test_features_tell_an_overview_and_a_question_about_nothing_but_a_level() -> None:
    # Level 2's first entry is the level described as a whole (its area is its own name), as prose pages and
    # level summaries are written; the others are areas of it, one a bullet.
    entries = [
        _entry("Level 1", "Delivery", "ships small fixes with a buddy"),
        _entry("Level 2", "Level 2", "an engineer who owns whole features", layout="prose"),
        _entry("Level 2", "Delivery", "ships whole features alone and plans the work"),
        _entry("Level 2", "Hiring", "interviews candidates for the team", layout="bullet"),
    ]
    bare = _features_of(entries, "what are the expectations for level 2?")
    assert [row["overview"] for row in bare] == [0.0, 1.0, 0.0, 0.0]
    assert all(row["bare"] == 1.0 for row in bare)  # asking words only: the level is all it asks about
    assert [row["overview_bare"] for row in bare[1:]] == [1.0, 0.0, 0.0]
    assert bare[1]["candidates"] == pytest.approx(np.log1p(3))  # the three entries of the level named
    assert (bare[1]["prose"], bare[3]["bullet"], bare[2]["prose"], bare[2]["bullet"]) == (1.0, 1.0, 0.0, 0.0)
    topical = _features_of(entries, "who interviews candidates at level 2?")
    assert all(row["bare"] == 0.0 and row["overview_bare"] == 0.0 for row in topical)
    # The entry holding most of the question's words is marked, among the level's candidates only.
    assert [row["coverage_best"] for row in topical[1:]] == [0.0, 0.0, 1.0]
    # An area's own name in the question: BM25 on the area names alone.
    area = _features_of(entries, "level 2 hiring: who plans the work?")
    assert area[3]["bm25_area"] == 1.0 and area[2]["bm25_area"] == 0.0 and area[2]["coverage_best"] == 1.0


def _extract_tracing_lines(size: int) -> tuple[int, dict[str, float]]:
    """Lines of index/ranking.py run while extracting one question's features over a made-up framework of
    `size` entries, one of whose areas a word of the question is bridged to; and that area's first row."""
    import sys

    import index.ranking

    entries = [_entry(f"Level {1 + i % 2}", f"Area {i}", f"ships feature number {i} with care") for i in range(size)]
    structure = Structure(entries)
    lexical = BM25Ranker([f"{e.area} {e.description}" for e in entries])
    features = Features(entries, structure, lexical)
    detected = structure.detect("who runs payroll at level 2?")
    residual = content_terms(detected)
    assert residual  # the question's own word, which the bridge lends to one area
    q = Question(detected, residual, residual, residual, {w: ["Area 3"] for w in residual}, False)
    narrowed = structure.mask(detected.mentions, {"who", "craft"})
    zeros = np.zeros(size)
    lines = 0

    def tracer(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal lines
        if frame.f_code.co_filename != index.ranking.__file__:
            return None
        if event == "line":
            lines += 1
        return tracer

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        x = features.extract(q, zeros, None, lexical.scores(residual), narrowed, narrowed)
    finally:
        sys.settrace(before)
    return lines, dict(zip(NAMES, x[3], strict=True))


def test_features_are_computed_over_arrays_not_entry_by_entry() -> None:
    # Every feature is one numpy operation over all entries (or read from arrays built with the index): the
    # Python run per question is the same for 8 entries as for 400, so a large framework costs no more of it.
    small, row = _extract_tracing_lines(8)
    large, same_row = _extract_tracing_lines(400)
    assert small == large
    # The bridged word is found in its area's entry (Area 3 is at level 2, which the question names).
    assert row["coverage"] == same_row["coverage"] == 1.0


@pytest.fixture(scope="module")
def two_crafts(open_answerer: Callable[[Path], Answerer], tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    backend = [(f"Backend Engineer {n}", area_table({"Delivery": f"ships {what} to the billing service",
                                                      "Operations": ops}))
               for n, what, ops in ((1, "small fixes", "joins the on-call rota after six months"),
                                    (2, "whole features", "leads the resolution of incidents"))]
    frontend = [(f"Frontend Engineer {n}", area_table({"Delivery": f"ships {what} of the checkout",
                                                        "Accessibility": a11y}))
                for n, what, a11y in ((1, "small screens", "checks each screen with a screen reader"),
                                      (2, "whole flows", "audits the checkout against WCAG every quarter"))]
    content = tmp_path_factory.mktemp("two-crafts") / "content"
    return open_answerer(write_ladders(content, {"backend": Ladder("Backend", backend),
                                                 "frontend": Ladder("Frontend", frontend)}))


def test_a_named_craft_narrows_the_candidates_and_is_read_once_by_the_features(two_crafts: Answerer) -> None:
    # A named craft leaves that craft's entries, and `names` tells the gate that names narrowed them. Its match
    # strength is no feature of its own (issue 19): spelling slips are corrected before it is read, so it was 1 for
    # every candidate of nearly every question naming a craft, a second copy of `names` that only moved the
    # gate, which left out of the fit it moved the wrong way (docs/evaluation.md). So the same question asked of
    # the same candidates, with the craft named or without it, differs only where the names' words are read.
    reader = two_crafts.tuned(model=Model.neutral())
    ranker = two_crafts.ranker
    backend = np.array([e.craft == "Backend" for e in two_crafts.entries])
    rows = []
    for question in ("backend: who joins the on-call rota?", "who joins the on-call rota?"):
        ranking = ranker.rank(question, two_crafts.embedder.encode_query(question), fusion="fitted",
                              model=reader.model, restrict=backend)
        assert ranking.allowed is not None and ranking.features is not None
        assert np.array_equal(ranking.allowed, backend)
        rows.append(ranking.features[backend])
    differ = {n for i, n in enumerate(NAMES) if not np.array_equal(rows[0][:, i], rows[1][:, i])}
    assert "names" in differ
    assert differ <= {"names", "dense", "dense_gap", "dense_rest", "dense_named", "rank", "bm25_labels"}, differ


def test_a_word_the_framework_never_uses_is_found_where_its_letters_are_the_initials_of_words_in_a_row() -> None:
    # People ask about "SLOs" where the framework writes "service level objectives" out: the word is found in
    # that text (its coverage), and is no longer a word the framework never uses (`unknown`).
    entries = [
        _entry("Level 2", "Reliability", "defines service level objectives for the team's services"),
        _entry("Level 2", "Delivery", "cleans unused tests before shipping whole features"),
        _entry("Level 2", "Ownership", "takes service level of ownership seriously"),
    ]
    slo = _features_of(entries, "what about SLOs?")
    assert [row["coverage"] for row in slo] == [1.0, 0.0, 0.0]  # a function word ("of") breaks the run
    assert slo[0]["unknown"] == 0.0
    # A word of the language is read as itself, never as initials: "cut" is not "cleans unused tests".
    cut = _features_of(entries, "when can i cut scope?")
    assert cut[1]["coverage"] == 0.0 and cut[1]["unknown"] == 1.0
