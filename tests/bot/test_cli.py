"""The `careerfw` command line as a user and other programs run it: real processes, real output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONTRACT_KEYS = {"text", "area", "level", "craft", "framework", "section", "url", "source", "todo", "score"}


def careerfw(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    full_env.pop("CAREERFW_CONTENT", None)
    full_env.pop("CAREERFW_INDEX", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin, capture_output=True, text=True, env=full_env, cwd=cwd or REPO, timeout=300,
    )


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "any" / "dir"
    shutil.copytree(REPO / "content", root)
    return root


def test_ask_json_contract_on_any_content_dir(content: Path) -> None:
    result = careerfw("ask", "--json", "--content", str(content), "how do we deploy ML models to production?")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert answer["question"] == "how do we deploy ML models to production?"
    assert answer["confident"] is True
    assert answer["answers"], answer
    for quote in answer["answers"]:
        assert CONTRACT_KEYS <= set(quote)
        assert isinstance(quote["score"], float)
    top = answer["answers"][0]
    assert top["area"] == "ML Ops"
    raw_page = (content / "careerframework/mlengineer/level1.md").read_text()
    assert top["text"] and all(paragraph in raw_page for paragraph in top["text"].split("\n\n"))
    assert top["source"] == "careerframework/mlengineer/level1.md:16"
    assert top["framework"] == "Vaarst Career Framework"
    # The index was built for this folder, outside it.
    assert sorted(p.name for p in content.rglob("*")) == ["careerframework", "level1.md", "mlengineer"]


def test_ask_reads_one_question_per_stdin_line(content: Path) -> None:
    questions = ["what is expected for AI governance?", "", "how should I track state of the art ML research?"]
    result = careerfw("ask", "--json", "--content", str(content), stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == [questions[0], questions[2]]
    assert all(CONTRACT_KEYS <= set(q) for a in answers for q in a["answers"])


def test_ask_text_form_quotes_and_cites(content: Path) -> None:
    result = careerfw("ask", "--content", str(content), "what is expected for AI governance?")
    assert result.returncode == 0, result.stderr
    assert "safe, accountable, reliable and trustworthy" in result.stdout
    assert "careerframework/mlengineer/level1.md:17" in result.stdout
    assert "Traceback" not in result.stderr


def test_todo_json_lists_unfilled_areas(content: Path) -> None:
    result = careerfw("todo", "--json", "--content", str(content))
    assert result.returncode == 0, result.stderr
    todo = json.loads(result.stdout)
    assert [(t["area"], t["level"]) for t in todo] == [
        ("Architecture Design", "Level 1 (Head Of)"),
        ("Technical Strategy", "Level 1 (Head Of)"),
    ]
    assert [t["source"] for t in todo] == [
        "careerframework/mlengineer/level1.md:19",
        "careerframework/mlengineer/level1.md:20",
    ]
    assert {t["craft"] for t in todo} == {"ML and Edge ML Engineer Craft"}


def test_index_build_reports_work_and_a_noop_rebuild(content: Path, tmp_path: Path) -> None:
    first = careerfw("index", "build", "--content", str(content), "--index", str(tmp_path / "idx"))
    assert first.returncode == 0, first.stderr
    assert "rebuilt: 7 entries" in first.stdout
    second = careerfw("index", "build", "--content", str(content), "--index", str(tmp_path / "idx"))
    assert second.returncode == 0, second.stderr
    assert "already up to date" in second.stdout and "0 entries embedded" in second.stdout


def test_broken_content_is_one_clear_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: [oops\n---\n")
    result = careerfw("ask", "--json", "--content", str(tmp_path), "anything")
    assert result.returncode == 1
    assert "bad.md:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_run_without_tokens_explains_and_starts_the_chat(content: Path) -> None:
    env = {k: "" for k in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")}
    result = careerfw("run", "--content", str(content), stdin="what does AI governance mean here?\ntodo\nquit\n",
                      env=env)
    assert result.returncode == 0, result.stderr
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "› AI Governance  [" in result.stdout
    assert "Architecture Design" in result.stdout and "Technical Strategy" in result.stdout


# --- --content and --index on every content command (README, "The command line") -------------------

CONTENT_COMMANDS = [
    ["index", "build"], ["ask"], ["todo"], ["check"], ["chat"], ["run"], ["serve"], ["teams"], ["teams-package"],
    ["nudge"], ["eval"], ["loadtest"], ["bench"],
]


@pytest.mark.parametrize("command", CONTENT_COMMANDS, ids=" ".join)
def test_every_content_command_takes_content_and_index(command: list[str], tmp_path: Path) -> None:
    from bot.cli import build_parser

    args = build_parser().parse_args([*command, "--content", str(tmp_path / "pages"), "--index", str(tmp_path / "ix")])
    assert (args.content, args.index) == (tmp_path / "pages", tmp_path / "ix")


def test_readme_says_which_commands_take_content_and_index() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    table = readme[readme.index("## The command line"):readme.index("`careerfw ask --json [QUESTION]`")]
    for command in CONTENT_COMMANDS:
        assert f"`careerfw {' '.join(command)}" in table, command  # a row of the table
    flags = " ".join(table[:table.index("| command |")].split())  # the paragraph above the table
    for command in CONTENT_COMMANDS:
        assert f"`{' '.join(command)}`" in flags, f"the paragraph does not say what {command} does with the flags"


def test_eval_index_without_content_is_refused_in_one_line() -> None:
    result = careerfw("eval", "--index", "/tmp/nowhere", "--no-backends")
    assert result.returncode == 2
    assert result.stderr.strip() == ("careerfw eval: --index needs --content (without it each set is asked of "
                                     "its own framework)")


def test_eval_builds_and_uses_the_index_it_is_given(content: Path, tmp_path: Path) -> None:
    questions = tmp_path / "one.yaml"
    questions.write_text("name: one\nquestions:\n  - ask: what does Head of ML own?\n    area: ML Ops\n", "utf-8")
    index = tmp_path / "given-index"
    result = careerfw("eval", str(questions), "--content", str(content), "--index", str(index), "--no-backends",
                      "--json")
    assert result.returncode == 0, result.stderr
    assert (index / "current").exists(), "the index was not built where --index said"


def test_eval_typos_of_conversation_sets_alone_says_it_has_nothing_to_ask() -> None:
    # --typos asks single questions: given only conversation sets it has none, and says so instead of printing
    # a table of nothing that reads like a run.
    result = careerfw("eval", "--no-backends", "tests/eval/conversations/ft.yaml", "--typos", "2")
    assert result.returncode == 1, result.stdout
    assert "no single-question sets" in result.stderr and "--typos" in result.stderr


def test_eval_typos_before_the_sets_reads_them_as_sets() -> None:
    # docs/evaluation.md, "Typed as in Slack": `eval --typos SET...` asks those sets' copies; argparse gave a bare
    # --typos the first set as its N and stopped with "invalid int value". A number there is still N.
    result = careerfw("eval", "--no-backends", "--typos", "tests/eval/seed.yaml", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["typos"]
    assert report["copies"] == 3 and [f["framework"] for f in report["frameworks"]] == ["seed"]
    result = careerfw("eval", "--no-backends", "--typos", "tests/eval/conversations/ft.yaml")
    assert result.returncode == 1 and "no single-question sets" in result.stderr
    result = careerfw("eval", "--no-backends", "--typos", "0", "tests/eval/seed.yaml")
    assert result.returncode == 2 and "at least one copy" in result.stderr
