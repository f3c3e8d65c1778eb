"""The shipped ranker on the question sets in tests/eval: per framework, left out of the fit, against baselines."""

from __future__ import annotations

from pathlib import Path

import pytest

from careerfw_tools.conversations import fitting_conversation_sets, follow_up_samples, load_conversations
from careerfw_tools.evaluate import (
    ANSWERED,
    BASELINE_MARGIN,
    FLOOR_TOP1,
    REFUSED,
    EvalSetError,
    default_sets,
    evaluate,
    fitting_sets,
    load_set,
    render,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report(embedder, tmp_path_factory: pytest.TempPathFactory):
    sets = [load_set(p) for p in default_sets(REPO)]
    root = tmp_path_factory.mktemp("eval-indexes")
    return evaluate(sets, embedder, index_dir_for=lambda s: root / s.name)


@pytest.fixture(scope="module")
def fit_report(embedder, tmp_path_factory: pytest.TempPathFactory):
    """What `careerfw eval --fit` scores: each framework left out of a fit on every other framework with
    questions, blind sets and conversation turns included, as the issue measures it."""
    sets = [load_set(p) for p in fitting_sets(REPO)]
    conversations = [load_conversations(p) for p in fitting_conversation_sets(REPO)]
    missing = sorted({str(s.content) for s in [*sets, *conversations] if not s.available})
    if missing:
        pytest.skip(f"frameworks of the fit not present: {missing}")
    root = tmp_path_factory.mktemp("fit-indexes")
    return evaluate(sets, embedder, index_dir_for=lambda s: root / s.name, more=follow_up_samples(conversations))


SHARED = ("ft", "artsy", "sourcegraph", "ladder", "monzo")


def test_sets_are_big_enough_and_cover_what_the_eval_needs() -> None:
    sets = [load_set(p) for p in default_sets(REPO)]
    names = {s.name for s in sets}
    assert {"seed", "multilevel", *SHARED} <= names
    questions = [q for s in sets for q in s.questions]
    assert len(questions) >= 60
    assert sum(q.off_topic for q in questions) >= 10
    assert sum(q.todo for q in questions) >= 4
    assert {i.intent for s in sets for i in s.intents} >= {"todo", "compare", "level"}
    # Every real framework: at least 25 questions, about 5 of them off-topic.
    for name in ("seed", *SHARED):
        mine = [q for s in sets if s.name.removeprefix("holdout-").split("-")[0] == name for q in s.questions]
        assert len(mine) >= 25 and sum(q.off_topic for q in mine) >= 5, name


def test_shipped_hybrid_beats_both_baselines_by_ten_points(report) -> None:
    shipped = report.system("hybrid (shipped)")
    dense, bm25 = report.system("dense only"), report.system("BM25 only")
    assert len(shipped.on_topic) >= 45 and len(shipped.off_topic) >= 10
    assert shipped.top1 >= max(dense.top1, bm25.top1) + BASELINE_MARGIN, render(report)


def test_every_framework_is_scored_left_out_with_its_baselines(report) -> None:
    names = {f.name for f in report.frameworks}
    assert {"seed", "multilevel"} <= names
    for f in report.frameworks:
        # The fitted ranker left out of its own fit, and the floor it must beat (plain RRF fusion).
        assert f.fitted_held_out is not None, f.name
        assert (f.fitted_held_out.on_topic, f.fitted_held_out.off_topic) == (f.shipped.on_topic, f.shipped.off_topic)
        assert 0.0 <= f.rrf_top1 <= 1.0 and f.over_rrf == f.shipped.top1 - f.rrf_top1
    table = render(report)
    assert all(any(line.startswith(f.name) for line in table.splitlines()) for f in report.frameworks)
    head = next(line for line in table.splitlines() if line.startswith("framework"))
    for column in ("shipped", "fit LOFO", "RRF", "dense", "BM25", "ship-RRF"):
        assert column in head, column
    assert any(line.startswith("all ") for line in table.splitlines())
    # The fitted ranker is the only one: no hand-weighted ranker or gate is measured beside it.
    assert "hand" not in table.split("shipped misses:")[0] and [s.name for s in report.systems] == [
        "dense only", "BM25 only", "hybrid, RRF fusion", "hybrid (shipped)"]


def test_left_out_top1_on_every_framework(fit_report) -> None:
    # No framework below the floor, shipped or left out of the fit that `careerfw eval --fit` makes (every other
    # framework with questions, blind sets and conversation turns included). Fitted on the default sets alone
    # (the `report` fixture's fit, which `careerfw eval` prints), the other frameworks are fewer and a left-out
    # figure moves with each of them: artsy there reads 0.848 since 'level N' counts levels (284296f), 0.879
    # before, recorded in docs/evaluation.md.
    for f in fit_report.frameworks:
        assert f.fitted_held_out is not None and f.fitted_held_out.top1 >= FLOOR_TOP1, render(fit_report)
        assert f.shipped.top1 >= FLOOR_TOP1, render(fit_report)
    assert {"artsy", "kubernetes", "drasner", "govuk", "skylight"} <= {f.name for f in fit_report.frameworks}


def test_refusal_and_answering_shipped(report) -> None:
    # The shipped answerer meets both. Left out on these sets alone (without the blind frameworks and the
    # conversation turns `careerfw eval --fit` adds) the fitted gate answers 0.940 and refuses 0.932, under
    # ANSWERED and REFUSED, which `careerfw eval` prints MISSED; the hand gate's left-out figures held them here.
    shipped = report.system("hybrid (shipped)")
    assert shipped.answered >= ANSWERED and shipped.refused >= REFUSED, render(report)


def test_every_todo_best_match_is_flagged_and_intents_are_right(report) -> None:
    flagged, total = report.todo_flagged
    assert total >= 4 and flagged == total
    wrong = [i for i in report.intents if not i.ok]
    # One known miss on the unseen sets: "PM" for the Product craft is no rule's to derive (docs/retrieval.md).
    assert report.intents and len(wrong) <= 1, wrong


def test_shared_frameworks_count_when_shared_data_is_present(report, monzo_dir: Path) -> None:
    # Skips (via monzo_dir) on machines without ../shared; there the other sets still hold the targets.
    assert set(SHARED) <= {f.name for f in report.frameworks}


def test_an_admin_checks_their_own_framework_with_content(embedder, tmp_path: Path) -> None:
    # `careerfw eval --content DIR QUESTIONS.yaml`: the questions file need not name the content.
    questions = tmp_path / "mine.yaml"
    questions.write_text("name: mine\nquestions:\n  - ask: what does Head of ML own?\n"
                         "    expect: owning the overall strategy\n  - ask: what's the weather tomorrow?\n"
                         "    off_topic: true\n", "utf-8")
    report = evaluate([load_set(questions, REPO / "content")], embedder, index_dir_for=lambda s: tmp_path / "ix")
    assert report.sets == [("mine", 1, 1)]
    only = report.framework("mine")
    assert only.shipped.top1 == 1.0 and only.shipped.refused == 1.0


def test_table_has_one_row_per_system(report) -> None:
    table = render(report)
    for name in ("dense only", "BM25 only", "hybrid (shipped)"):
        assert sum(line.startswith(name) for line in table.splitlines()) == 1
    assert "top-1" in table and "MRR" in table and "refused" in table and "answered" in table


@pytest.mark.parametrize(
    "text, reason",
    [
        ("content: x\nquestions:\n  - expect: y\n", "has no `ask:`"),
        ("content: x\nquestions:\n  - ask: a?\n", "neither what is right nor off_topic"),
        ("content: x\nquestions:\n  - ask: a?\n    off_topic: true\n  - ask: A? \n    off_topic: true\n", "twice"),
        ("questions: []\n", "needs `content:`"),
        ("content: [unclosed\n", "cannot read"),
    ],
)
def test_malformed_question_sets_name_the_file(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(EvalSetError) as err:
        load_set(path)
    assert "bad.yaml" in str(err.value) and reason in str(err.value)


def test_a_set_whose_content_is_absent_is_skipped_not_failed(embedder, tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.yaml"
    path.write_text("content: ../nowhere\nquestions:\n  - ask: a?\n    off_topic: true\n", "utf-8")
    report = evaluate([load_set(path)], embedder)
    assert report.sets == [] and report.skipped and "nowhere" in report.skipped[0]


def test_bench_framework_is_generated_deterministically(tmp_path: Path) -> None:
    from careerfw_tools.bench import _questions, generate_framework
    from index.parse import load_content

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert generate_framework(first, 2, 3, 5) == generate_framework(second, 2, 3, 5) == 30
    files = sorted(p.relative_to(first) for p in first.rglob("*.md"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.md"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    content = load_content(first)
    assert not content.errors and len(content.entries) == 30
    questions = _questions(first, 20)
    assert len(questions) == len(set(questions)) == 20
