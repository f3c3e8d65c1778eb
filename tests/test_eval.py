"""The shipped ranker held to the issue's targets on the question sets in tests/eval, against baselines."""

from __future__ import annotations

from pathlib import Path

import pytest

from careerfw_tools.evaluate import EvalSetError, default_sets, evaluate, load_set, render, targets_met

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report(embedder, tmp_path_factory: pytest.TempPathFactory):
    sets = [load_set(p) for p in default_sets(REPO)]
    root = tmp_path_factory.mktemp("eval-indexes")
    return evaluate(sets, embedder, index_dir_for=lambda s: root / s.name)


def test_sets_are_big_enough_and_cover_what_the_issue_asks() -> None:
    sets = [load_set(p) for p in default_sets(REPO)]
    names = {s.name for s in sets}
    assert {"seed", "monzo", "multilevel"} <= names
    questions = [q for s in sets for q in s.questions]
    assert len(questions) >= 60
    assert sum(q.off_topic for q in questions) >= 10
    assert sum(q.todo for q in questions) >= 4
    assert {i.intent for s in sets for i in s.intents} >= {"todo", "compare", "level"}


def test_shipped_hybrid_meets_the_targets(report) -> None:
    shipped = report.system("hybrid (shipped)")
    dense, bm25 = report.system("dense only"), report.system("BM25 only")
    assert len(shipped.on_topic) >= 45 and len(shipped.off_topic) >= 10
    assert shipped.top1 >= 0.90, render(report)
    assert shipped.top1 >= max(dense.top1, bm25.top1) + 0.05, render(report)
    assert shipped.refused >= 0.90, render(report)
    assert shipped.answered >= 0.95, render(report)
    assert all(targets_met(report).values())


def test_every_todo_best_match_is_flagged_and_intents_are_right(report) -> None:
    flagged, total = report.todo_flagged
    assert total >= 4 and flagged == total
    assert report.intents and all(i.ok for i in report.intents), [i for i in report.intents if not i.ok]


def test_monzo_set_counts_when_shared_data_is_present(report, monzo_dir: Path) -> None:
    # Skips (via monzo_dir) on machines without ../shared; there the other sets still hold the targets.
    assert "monzo" in [name for name, _, _ in report.sets]


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
