"""The lexical ranker (index/bm25.py) on texts made up for the test: hyphenated compounds meet their
one-word spelling, a short word stands for the framework's words only when they share one root, a long
unknown word a letter off one word is that word, and a phrase the question shares with a text counts for
more than its words apart."""

from __future__ import annotations

from index.bm25 import BM25Ranker
from index.tokens import pairs, terms


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


def test_scores_are_bm25s_own_sums_read_without_its_per_call_conversions(monkeypatch) -> None:
    """A question's BM25 scores are the index's precomputed per-text scores summed term by term, bit for bit
    what `bm25s.BM25.get_scores` gives, read without going through it (issue 23: its token look-ups and
    array conversions were a fifth of the lexical step, three times a question)."""
    import bm25s
    import numpy as np

    texts = [
        "Shares what the team learns outside the company, for example by writing blog posts.",
        "Writes reviews of the posts that colleagues publish on the internal blog.",
        "Leads the incident review and writes the post-mortem.",
        "Ships features.",
    ]
    bm25 = BM25Ranker(texts)
    # Indexed terms only, as `scores` passes them (its question's words filtered by `known`).
    queries = [[t for t in terms(q) if bm25.known(t)] for q in ("blog posts", "writes reviews of the blog",
                                                                  "incident review", "ships features for the blog")]
    assert all(queries)
    from index.bm25 import _in_order
    from index.tokens import expand

    reference = bm25s.BM25()  # bm25s over the same terms as the ranker indexes
    reference.index([expand(terms(t)) + pairs(_in_order(t)) for t in texts], show_progress=False)
    own = {tuple(q): reference.get_scores(q) for q in queries}

    def refused(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("scored through bm25s.BM25.get_scores")

    monkeypatch.setattr(bm25s.BM25, "get_scores", refused)
    for q in queries:
        mine = bm25._summed(q)
        assert mine.dtype == np.float32
        assert np.array_equal(mine.view(np.uint32), np.asarray(own[tuple(q)], dtype=np.float32).view(np.uint32))
    scores = bm25.score_text("writing blog posts")
    assert scores.argmax() == 0 and scores[0] > scores[1] > 0


def test_a_term_many_texts_use_is_kept_once() -> None:
    """Every text's term set, the vocabulary and the postings share one string per term, so the state a
    restart keeps (bot/runtime.py pickles the answerer) holds each term once, not once per text that uses
    it: a phrase term ("zebrafish+tank") is made anew from each text (about 2 MB of GOV.UK's restart;
    issue 23)."""
    import pickle

    ranker = BM25Ranker([f"The zebrafish tank, number {n} of the lab." for n in range(40)])
    phrase = pairs([*terms("zebrafish"), *terms("tank")])[0]
    assert ranker.holding(phrase).tolist() == list(range(40))
    as_pickled = b"\x8c" + bytes([len(phrase)]) + phrase.encode()  # pickle's short string, whole
    assert pickle.dumps(ranker).count(as_pickled) == 1


def test_the_texts_holding_a_term_are_read_from_the_ranker() -> None:
    """Which texts hold a term (the features' coverage and a level question's topical word read it), in
    order, and none for a term no text holds."""
    ranker = BM25Ranker(["Mentors juniors.", "Writes code.", "Mentors peers and writes docs."])
    assert ranker.holding(terms("mentors")[0]).tolist() == [0, 2]
    assert ranker.holding(terms("writes")[0]).tolist() == [1, 2]
    assert ranker.holding("zebrafish").tolist() == []
    assert not ranker.holding(terms("code")[0]).flags.writeable  # a view of the ranker's own rows


def test_a_ranker_a_restart_loads_numbers_its_terms_once() -> None:
    """What a restart loads of a ranker (bot/runtime.py pickles the answerer): each term's string, its one
    number, its idf, the rows holding it and their scores; not bm25s's own numbering of the terms and its
    copy of the rows beside them (about 0.6 MB of a GOV.UK DDaT server's peak, 6,900 terms; issue 23).
    Measured as the memory the unpickled ranker takes, per term, on 2,760 made-up terms (298 bytes before)."""
    import itertools
    import pickle
    import tracemalloc

    syllables = ["ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze", "bo", "fi"]
    made_up = ("".join(p) for p in itertools.product(syllables, repeat=3))
    texts = [" ".join(next(made_up) for _ in range(12)) + "." for _ in range(120)]
    ranker = BM25Ranker(texts)
    kept = pickle.dumps(ranker)
    tracemalloc.start()
    try:
        loaded = pickle.loads(kept)  # noqa: S301 - the test's own ranker
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    indexed = {t for text in texts for t in (*terms(text), *pairs(terms(text)))}
    assert len(indexed) == 120 * 12 + 120 * 11 and all(ranker.known(t) for t in indexed)  # words and phrases
    assert held / len(indexed) < 250
    question = terms(texts[5])[:3]
    assert loaded.scores(question).tolist() == ranker.scores(question).tolist()
    assert loaded.scores(question).argmax() == 5
