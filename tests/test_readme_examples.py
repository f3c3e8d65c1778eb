"""README.md's "What you can ask": every row, asked with `careerfw ask --json --content <its on column>`,
gets the kind of answer the row promises, and the follow-up example works in `careerfw chat` on the
folder the README names. A row whose framework cannot answer it ("has no Level 3") fails here."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text("utf-8")


def table_rows() -> list[tuple[str, str, str]]:
    """(question, what the README promises, content folder) for each row of "What you can ask"."""
    section = README.split("## What you can ask", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[1], cells[2].strip("`").rstrip("/")))
    return rows


ROWS = table_rows()


def levels_of(answer: dict[str, Any]) -> set[str]:
    return {q["level"] for q in answer["answers"]}


def areas_of(answer: dict[str, Any]) -> set[str]:
    return {q["area"] for q in answer["answers"]}


# What each promise means in `ask --json` terms (docs/configuration.md, "The JSON contract").
PROMISES: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
    ("has no Level", lambda a: a["intent"] == "missing_level" and "has no Level" in (a["message"] or "")
     and len(a["levels"]) >= 1),
    ("every area of that level", lambda a: a["intent"] == "level" and len(levels_of(a)) == 1
     and len(areas_of(a)) >= 3),
    ("that area at both levels", lambda a: a["intent"] == "compare" and len(a["answers"]) == 2
     and len(levels_of(a)) == 2 and len(areas_of(a)) == 1),
    ("both areas' cells", lambda a: a["intent"] == "compare" and len(a["answers"]) == 2 and len(areas_of(a)) == 2),
    ("levels in order", lambda a: a["intent"] == "levels" and len({lv["level"] for lv in a["levels"]}) >= 2),
    ("the next level", lambda a: a["intent"] == "next" and len(a["levels"]) == 1 and bool(a["answers"])
     and levels_of(a) == {a["levels"][0]["level"]}),
    ("a checklist", lambda a: a["intent"] == "checklist" and a["checklist"] is not None
     and len(a["checklist"]["items"]) == len(a["answers"]) >= 2),
    ("not written yet", lambda a: a["intent"] == "todo" and bool(a["answers"])
     and all(q["todo"] for q in a["answers"])),
    ("the cell that answers it", lambda a: a["intent"] == "lookup" and bool(a["answers"])
     and bool(a["answers"][0]["text"])),
    # A careerfw.yaml redirect (docs/content.md): the admins' words and link, never framework text.
    ("your admins' note and link", lambda a: a["intent"] == "redirect" and not a["answers"]
     and not a["confident"] and bool(a["redirect"]["say"]) and a["redirect"]["link"].startswith("https://")),
]


def promise_for(promised: str) -> Callable[[dict[str, Any]], bool]:
    for phrase, holds in PROMISES:
        if phrase in promised:
            return holds
    raise AssertionError(f"no check for the README's promise {promised!r}: add one to PROMISES")


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every row asked through `careerfw ask --json --content DIR`, one question per stdin line, one
    run (one model load) per folder."""
    found: dict[str, dict[str, Any]] = {}
    monkeypatch = pytest.MonkeyPatch()
    try:
        for folder in sorted({row[2] for row in ROWS}):
            questions = [q for q, _, f in ROWS if f == folder]
            out = io.StringIO()
            monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(questions) + "\n"))
            monkeypatch.setattr("sys.stdout", out)
            index = tmp_path_factory.mktemp("index")
            code = main(["ask", "--json", "--content", str(REPO / folder), "--index", str(index)])
            monkeypatch.undo()
            assert code == 0
            for line in out.getvalue().splitlines():
                answer = json.loads(line)
                found[answer["question"]] = answer
    finally:
        monkeypatch.undo()
    return found


def test_the_readme_table_names_a_folder_for_every_row() -> None:
    assert len(ROWS) >= 8
    for question, _, folder in ROWS:
        assert (REPO / folder).is_dir(), f"{question!r}: {folder} is not in the repository"
    assert "careerfw chat --content examples/harbour" in README


@pytest.mark.parametrize(("question", "promised", "folder"), ROWS, ids=[r[0] for r in ROWS])
def test_each_readme_example_gets_the_answer_it_promises(
    answers: dict[str, dict[str, Any]], question: str, promised: str, folder: str
) -> None:
    answer = answers[question]
    holds = promise_for(promised)
    if "has no Level" not in promised and answer["intent"] != "redirect":
        assert answer["confident"], answer
        assert "has no Level" not in (answer["message"] or ""), answer["message"]
    assert holds(answer), json.dumps(answer, indent=1)[:3000]


def test_the_readme_follow_up_example_in_chat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    match = re.search(r'on `([^`]+)` \(below\), after "([^"]+)", "([^"]+)" and "([^"]+)"',
                      " ".join(README.split()))
    assert match, "the README's follow-up example moved: update this test"
    folder, *questions = match.groups()
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(questions) + "\n"))
    assert main(["chat", "--content", str(REPO / folder), "--index", str(tmp_path / "index")]) == 0
    turns = capsys.readouterr().out.split("\nyou> ")[1:]
    assert len(turns) == 4  # three answers, then the prompt the end of input closes
    assert "Backend Engineering › Level 3 › Expectations › Mastery" in turns[0]
    following = ", following on from your last question)"
    assert turns[1].lstrip().startswith("(Backend Engineering › Level 4 › Mastery" + following)
    assert turns[2].lstrip().startswith("(Mobile Engineering › Level 4 › Mastery" + following)
