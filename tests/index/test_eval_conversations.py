"""Multi-turn eval (`careerfw eval`, careerfw_tools/conversations.py): follow-ups asked with the context
of the bot's own previous answers, and complete questions that context must not change."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from careerfw_tools.conversations import (
    FOLLOW_UP_TOP1,
    RANK_DEPTH,
    UNCHANGED,
    ConversationSetError,
    default_conversation_sets,
    evaluate_conversations,
    follow_up_samples,
    load_conversations,
    render,
    turn_samples,
)
from careerfw_tools.evaluate import fit_samples, load_set, question_sample
from careerfw_tools.fitting import Sample, fit_model, rounded
from index import Answerer
from index.ranking import Model

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "conversations" / "multilevel.yaml"


def test_the_evaluator_counts_each_kind_of_turn(embedder, tmp_path: Path) -> None:
    report = evaluate_conversations([load_conversations(FIXTURE)], embedder, index_dir_for=lambda s: tmp_path / "ix")
    scores = report.pooled
    assert (len(scores.follow_up), len(scores.complete_unchanged), len(scores.off_topic_refused)) == (3, 1, 1)
    assert scores.follow_up_top1 == 1.0 and scores.unchanged == 1.0 and scores.refused == 1.0, render(report)
    table = render(report)
    assert "follow-up top1 >= 0.90 met" in table and "multilevel-conversations" in table
    assert json.loads(json.dumps(report.as_dict()))["pooled"]["follow_up_top1"] == 1.0


def test_a_follow_up_answered_wrongly_is_a_miss(embedder, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        f"name: wrong\ncontent: {FIXTURE.parent.parent / 'multilevel'}\nconversations:\n"
        "  - id: one\n    turns:\n"
        "      - {ask: 'what does a Senior Engineer 1 do for communication?', area: Communication, names_all: true}\n"
        "      - {ask: 'and for an engineer 2?', level: Engineer 2, area: Hiring, names_all: false}\n", "utf-8")
    report = evaluate_conversations([load_conversations(wrong)], embedder, index_dir_for=lambda s: tmp_path / "ix")
    assert report.pooled.follow_up == [False]
    assert report.pooled.misses and "and for an engineer 2?" in report.pooled.misses[0]
    assert "follow-up top1 >= 0.90 MISSED" in render(report)
    assert math.isnan(report.pooled.unchanged)


def test_a_malformed_set_names_the_file_and_conversation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("content: .\nconversations:\n  - id: c7\n    turns:\n      - ask: and at level 4?\n", "utf-8")
    with pytest.raises(ConversationSetError, match=r"bad\.yaml: conversation c7, turn 1"):
        load_conversations(bad)


@pytest.fixture(scope="module")
def shared_report(embedder, monzo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    paths = default_conversation_sets(REPO)
    if not paths:
        pytest.skip("no conversation sets in tests/eval/conversations/")
    sets = [load_conversations(p) for p in paths]
    if not any(s.available for s in sets):
        pytest.skip("the conversation sets' frameworks are not in ../shared")
    root = tmp_path_factory.mktemp("conversation-indexes")
    return evaluate_conversations(sets, embedder, index_dir_for=lambda s: root / s.content.name)


def test_follow_ups_on_the_shared_frameworks(shared_report) -> None:
    pooled = shared_report.pooled
    assert len(pooled.follow_up) >= 40, render(shared_report)
    assert pooled.follow_up_top1 >= FOLLOW_UP_TOP1, render(shared_report)


def test_complete_questions_are_not_changed_by_context(shared_report) -> None:
    pooled = shared_report.pooled
    assert pooled.complete_unchanged, render(shared_report)
    assert pooled.unchanged >= UNCHANGED, render(shared_report)


def test_later_turns_are_rows_of_the_fit_with_the_context_before_them(embedder, tmp_path: Path) -> None:
    # `careerfw eval --fit` fits on follow-ups too: each later turn asked with the context the turn before left,
    # so "and for an engineer 2?" has Engineer 2's Communication cell among its candidates, and an off-topic
    # turn mid-conversation is a row whose right answer is no answer.
    cs = load_conversations(FIXTURE)
    answerer = Answerer.open(cs.content, tmp_path / "ix", embedder=embedder, progress=False)
    samples = turn_samples(answerer, cs, "multilevel", answerer.model)
    later = [t for _, turns in cs.conversations for t in turns[1:]]
    assert len(samples) == len(later) and all(s.framework == "multilevel" for s in samples)
    for sample, turn in zip(samples, later, strict=True):
        assert sample.off_topic == turn.question.off_topic
        assert sample.usable and sample.right.any() != turn.question.off_topic, turn.question.ask
    follow_up = samples[later.index(next(t for t in later if t.question.ask == "and for an engineer 2?"))]
    right = [answerer.entries[i] for i, r in zip(follow_up.entries, follow_up.right, strict=True) if r]
    assert [(e.level, e.area) for e in right] == [("Engineer 2", "Communication")]
    # Asked alone, the turn names its level but not the area the conversation carries: more candidates.
    alone = question_sample(later[0].question, "multilevel", answerer.tuned(model=Model.neutral()))
    assert len(alone.x) > len(follow_up.x)
    # The rows do not depend on which constants the answerer passed in ships, only on the model given.
    again = turn_samples(answerer.tuned(model=Model.neutral()), cs, "multilevel", answerer.model)
    assert _same_rows(samples, again)


def _same_rows(a: list[Sample], b: list[Sample]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x.x, y.x) and np.array_equal(x.right, y.right)
                                    for x, y in zip(a, b, strict=True))


def test_a_later_turn_is_asked_with_the_context_the_model_being_fitted_leaves(embedder, tmp_path: Path) -> None:
    # docs/evaluation.md, `careerfw eval --fit`: a follow-up's row carries the context the turn before left when
    # answered with the constants being fitted, as the shipped answerer will answer it; a model that answers the
    # first turn elsewhere gives the follow-up other candidates.
    made = tmp_path / "vague.yaml"
    made.write_text(
        f"name: vague\ncontent: {FIXTURE.parent.parent / 'multilevel'}\nconversations:\n"
        "  - id: one\n    turns:\n"
        "      - {ask: 'how should I give feedback to people?', area: Communication, names_all: true}\n"
        "      - {ask: 'and for an engineer 2?', level: Engineer 2, area: Communication, names_all: false}\n", "utf-8")
    cs = load_conversations(made)
    answerer = Answerer.open(cs.content, tmp_path / "ix", embedder=embedder, progress=False)
    shipped = answerer.model
    backwards = Model(shipped.mean, shipped.scale, -shipped.weights, shipped.bias, shipped.threshold, {})
    reader = answerer.tuned(model=Model.neutral())
    first, follow_up = cs.conversations[0][1]
    rows = {}
    for name, model in (("shipped", shipped), ("backwards", backwards)):
        rows[name] = turn_samples(answerer, cs, "vague", model)
        context = answerer.tuned(model=model).ask(first.question.ask, limit=RANK_DEPTH).context
        assert _same_rows(rows[name], [question_sample(follow_up.question, "vague", reader, context)])
    assert not _same_rows(rows["shipped"], rows["backwards"])


def test_the_fit_reads_the_contexts_of_the_model_it_fits(embedder, tmp_path: Path) -> None:
    # `careerfw eval --fit` asks the conversation turns again with each refit until the model fitted on the rows
    # is the one whose answers gave their contexts: fitted once more on them, it leaves the very same rows.
    sets = [load_set(REPO / "tests" / "eval" / "multilevel.yaml")]
    cs = load_conversations(FIXTURE)
    samples = fit_samples(sets, embedder, index_dir_for=lambda s: tmp_path / "ix", more=follow_up_samples([cs]))
    model = rounded(fit_model(samples))
    answerer = Answerer.open(cs.content, tmp_path / "ix", embedder=embedder, progress=False)
    turns = turn_samples(answerer, cs, "multilevel", model)
    assert turns and _same_rows(samples[-len(turns):], turns)
