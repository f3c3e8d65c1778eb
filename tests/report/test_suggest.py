"""For a refused group, a careerfw.yaml line that gets it answered: found from the group's own words,
checked by asking its questions again with the line applied, shown as a diff, never written. On a
made-up framework with a glossary (tests/fixtures/glossary, Keel's, plus an Observability row)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, cmd_report
from bot.config import Settings
from bot.feedback import Feedback
from bot.report.suggest import near
from bot.store import Store
from index.answer import Answerer
from tests.report.helpers import NOW, REPO, refused

KEEL = REPO / "tests" / "fixtures" / "glossary"
O11Y = ["how much o11y work is expected of me?", "what o11y work do I need to do?",
        "o11y expectations for backend level 4"]
PARKING = ["where can I park my car?", "is there parking at the office?", "parking near the office"]


def keel_with_observability(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(KEEL, content)
    page = content / "backend" / "level4.md"
    page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + "\n| Observability | I add metrics, logs and "
                    "traces to my team's services and build the dashboards we watch during launches. |\n",
                    encoding="utf-8")
    return content


def record(settings: Settings, asked: list[tuple[str, str]]) -> None:
    store = Store.open(settings)
    log = Feedback(store)
    for user, text in asked:
        assert log.record_question(surface="slack", user_id=user, answer=refused(text)) is not None
    with store.engine.begin() as conn:
        from bot.store.schema import questions

        conn.execute(questions.update().values(asked_at=NOW.timestamp() - 3600))
    store.close()


def report_json(settings: Settings, capsys) -> dict:
    assert cmd_report(build_parser().parse_args(["report", "--json"]), settings, now=NOW) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("word", "name", "is_near"), [
    ("mgmt", "People Management", True), ("IR", "Incident Response", True), ("o11y", "Observability", True),
    ("collab", "Collaboration", True), ("SRE", "Site Reliability Engineering", True),
    ("salary", "Stakeholder Management", False), ("parking", "Delivery", False), ("ir", "Delivery", False),
    ("o12y", "Observability", False), ("Delivery", "Delivery", False),
])
def test_a_short_form_is_near_the_name_it_shortens(word: str, name: str, is_near: bool) -> None:
    assert near(word, name) is is_near


def test_a_suggested_synonym_gets_its_group_answered_and_is_only_shown(tmp_path: Path, capsys,
                                                                      embedder) -> None:
    content = keel_with_observability(tmp_path)
    glossary_before = (content / "careerfw.yaml").read_text(encoding="utf-8")
    settings = Settings(content_dir=content, state_db=tmp_path / "state.db", scheduler_enabled=False)
    record(settings, [*zip(("U01", "U02", "U03"), O11Y, strict=True), *zip(("U04", "U05", "U06"), PARKING,
                                                                           strict=True)])
    report = report_json(settings, capsys)
    (suggestion,) = report["suggestions"]
    group = report["refused_groups"][suggestion["group"]]
    assert set(group["examples"]) <= set(O11Y)
    assert (suggestion["line"], suggestion["answered"], suggestion["asked"]) == ("o11y: Observability", 3, 3)
    assert "+  o11y: Observability" in suggestion["diff"] and suggestion["diff"].startswith("--- a/careerfw.yaml")
    assert (content / "careerfw.yaml").read_text(encoding="utf-8") == glossary_before, "nothing is written"

    # The admin applies the diff: the file still checks, and the group's questions are answered.
    diff = tmp_path / "line.diff"
    diff.write_text(suggestion["diff"], encoding="utf-8")
    subprocess.run(["git", "apply", str(diff)], cwd=content, check=True, capture_output=True)
    check = subprocess.run([sys.executable, "-m", "bot.cli", "check", "--content", str(content)], cwd=REPO,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    answerer = Answerer.open(content, tmp_path / "index", embedder=embedder)
    for question in O11Y:
        answer = answerer.ask(question)
        assert answer.confident and answer.quotes[0].entry.area == "Observability", question
    # …and the report has nothing left to suggest for that group.
    assert report_json(settings, capsys)["suggestions"] == []


def test_a_group_too_small_to_show_gets_no_suggestion(tmp_path: Path, capsys) -> None:
    content = keel_with_observability(tmp_path)
    settings = Settings(content_dir=content, state_db=tmp_path / "state.db", scheduler_enabled=False)
    record(settings, [("U01", O11Y[0]), ("U02", O11Y[1]), ("U02", O11Y[2])])  # two people
    report = report_json(settings, capsys)
    assert report["suggestions"] == [] and "o11y" not in json.dumps(report)
