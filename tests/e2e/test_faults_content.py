"""Content and index faults while serving: hot reload swaps atomically, a broken content deploy keeps the
old index serving, a damaged index directory is answered around from memory and rebuilt."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.reload import Reloader, install
from index.answer import Answerer
from tests.support.frameworks import write_one_level

AREAS = {
    "Incident Response": "I lead the response when production breaks and I write the postmortem.",
    "Code Review": "I review pull requests carefully and teach others through my reviews.",
    "Hiring": "I interview candidates and help the team decide who to hire.",
    "Roadmaps": "I plan the quarter's roadmap with product managers and share it widely.",
}


def write_content(root: Path, version: str, extra_area: str | None = None) -> Path:
    """A one-page framework whose every description starts with a version marker."""
    areas = dict(AREAS)
    if extra_area:
        areas[extra_area] = "I keep the on-call rota fair and documented."
    return write_one_level(root, {area: f"{version}: {text}" for area, text in areas.items()})


@pytest.fixture
def served(tmp_path: Path, embedder) -> tuple[Answerer, Path, Path]:
    content = write_content(tmp_path / "content", "Alpha")
    index_dir = tmp_path / "index"
    return Answerer.open(content, index_dir, embedder=embedder), content, index_dir


QUESTION = "who writes the postmortem when production breaks?"


def top_text(answerer: Answerer, question: str = QUESTION) -> str:
    answer = answerer.ask(question)
    assert answer.confident, answer
    return answer.quotes[0].text


def test_reload_swaps_in_changed_content(served) -> None:
    answerer, content, index_dir = served
    before = answerer.index.build_id
    assert top_text(answerer).startswith("Alpha:")
    write_content(content, "Beta")
    outcome = Reloader(answerer, content, index_dir).reload()
    assert outcome.ok and outcome.report is not None and outcome.report.rebuilt
    assert outcome.build_id == answerer.index.build_id != before
    assert top_text(answerer).startswith("Beta:")
    # A second reload with nothing changed rebuilds nothing and keeps the same build.
    again = Reloader(answerer, content, index_dir).reload()
    assert again.ok and (again.report is None or not again.report.rebuilt)
    assert again.build_id == outcome.build_id


def test_broken_page_fails_check_and_old_index_keeps_serving(served, caplog) -> None:
    answerer, content, index_dir = served
    serving = answerer.index.build_id
    write_content(content, "Beta")  # a good change in the same deploy must not go live either
    broken = content / "eng" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\n# Broken\n", "utf-8")
    check = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "--content", str(content)],
        capture_output=True, text=True, timeout=120, env=os.environ | {"HF_HUB_OFFLINE": "1"},
    )
    assert check.returncode == 1
    assert "eng/broken.md:" in check.stdout
    with caplog.at_level(logging.ERROR, logger="careerfw.reload"):
        outcome = Reloader(answerer, content, index_dir).reload()
    assert not outcome.ok
    assert any(p.path.endswith("broken.md") for p in outcome.problems)
    assert "broken.md" in caplog.text and "refused" in caplog.text
    assert answerer.index.build_id == serving == outcome.build_id
    assert top_text(answerer).startswith("Alpha:")
    # Fixing the page lets the next reload through.
    broken.unlink()
    assert Reloader(answerer, content, index_dir).reload().ok
    assert top_text(answerer).startswith("Beta:")


def test_front_matter_nested_500_deep_is_refused_by_reload_and_restart(served, embedder) -> None:
    """docs/content.md: hostile front matter is a file:line problem; the reload keeps the old index and a
    restart with the page present serves it too, instead of dying on Python's recursion limit."""
    answerer, content, index_dir = served
    serving = answerer.index.build_id
    deep = content / "eng" / "deep.md"
    deep.write_text("---\ntitle: Deep\nparent: Engineering Craft\nt: " + "[" * 500 + "]" * 500 + "\n---\n# D\n")
    write_content(content, "Beta")
    outcome = Reloader(answerer, content, index_dir).reload()
    assert not outcome.ok and "refused" in outcome.message
    assert [str(p).split(" (")[0] for p in outcome.problems] == [
        "eng/deep.md:4: front matter is nested more than 20 levels deep, which no page needs"
    ]
    assert answerer.index.build_id == serving
    restarted = Answerer.open(content, index_dir, embedder=embedder)
    assert restarted.index.build_id == serving
    assert top_text(restarted).startswith("Alpha:")


def test_stray_readme_with_a_table_does_not_block_a_reload(served, caplog) -> None:
    """docs/content.md: a markdown file without front matter is no page; `check` warns when it holds a
    table, and that warning neither fails `check` nor stops git-synced content from going live."""
    answerer, content, index_dir = served
    write_content(content, "Beta")
    (content / "README.md").write_text("# Levels\n\n| Level | Title |\n|--|--|\n| 1 | Engineer |\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="careerfw.reload"):
        outcome = Reloader(answerer, content, index_dir).reload()
    assert outcome.ok, outcome.message
    assert [str(p) for p in outcome.warnings] == [
        "README.md:1: no front matter: Jekyll publishes it as a plain file, not a page; skipped"
    ]
    assert "README.md:1: warning: no front matter" in caplog.text
    assert top_text(answerer).startswith("Beta:")


def test_index_directory_deleted_while_serving(served) -> None:
    answerer, content, index_dir = served
    expected = answerer.ask(QUESTION).to_json()
    shutil.rmtree(index_dir)
    assert answerer.ask(QUESTION).to_json() == expected  # answered from memory
    outcome = Reloader(answerer, content, index_dir).reload()
    assert outcome.ok and outcome.report is not None and outcome.report.rebuilt
    assert (index_dir / "current" / "manifest.json").is_file()
    assert answerer.ask(QUESTION).to_json() == expected


def test_index_files_corrupted_while_serving(served, caplog) -> None:
    answerer, content, index_dir = served
    expected = answerer.ask(QUESTION).to_json()
    build = (index_dir / "current").resolve()
    vectors = build / "vectors.npy"
    size = vectors.stat().st_size
    # Garbage written in place over the memory-mapped vectors, and the entries cut short.
    with open(vectors, "r+b") as fh:
        fh.seek(128)
        fh.write(os.urandom(size - 128))
    entries = build / "entries.json"
    entries.write_bytes(entries.read_bytes()[:40])
    assert answerer.ask(QUESTION).to_json() == expected
    with caplog.at_level(logging.ERROR, logger="careerfw.reload"):
        outcome = Reloader(answerer, content, index_dir).reload()
    assert "index unreadable" in caplog.text  # the rebuild reports what it found
    assert outcome.ok and outcome.build_id != build.name
    assert answerer.ask(QUESTION).to_json() == expected


def test_rebuild_that_cannot_write_reports_and_keeps_serving(served, caplog) -> None:
    answerer, content, index_dir = served
    serving = answerer.index.build_id
    expected = answerer.ask(QUESTION).to_json()
    shutil.rmtree(index_dir)
    index_dir.write_text("not a directory")  # the volume is broken: nothing can be written there
    write_content(content, "Beta")
    with caplog.at_level(logging.ERROR, logger="careerfw.reload"):
        outcome = Reloader(answerer, content, index_dir).reload()
    assert not outcome.ok and "still serving" in outcome.message
    assert outcome.message in caplog.text
    assert answerer.index.build_id == serving
    assert answerer.ask(QUESTION).to_json() == expected


def test_no_answer_mixes_two_index_versions(served) -> None:
    answerer, content, index_dir = served
    versions = ["Alpha", "Beta"]
    stop = threading.Event()
    seen: list[tuple[str, ...]] = []
    errors: list[BaseException] = []
    questions = [QUESTION, "who reviews pull requests?", "who plans the roadmap?", "who keeps on-call fair?"]

    def ask_loop(offset: int) -> None:
        i = offset
        while not stop.is_set() and len(seen) < 2000:
            try:
                answer = answerer.ask(questions[i % len(questions)], limit=3)
                seen.append(tuple(q.text.split(":")[0] for q in answer.quotes + answer.suggestions))
            except BaseException as exc:  # noqa: BLE001 - any crash is the failure being tested
                errors.append(exc)
                return
            i += 1

    threads = [threading.Thread(target=ask_loop, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    reloader = Reloader(answerer, content, index_dir)
    builds = set()
    try:
        for n in range(6):  # the version flips, and the entry count changes, while questions run
            write_content(content, versions[n % 2], extra_area="On-call" if n % 2 else None)
            assert reloader.reload().ok
            builds.add(answerer.index.build_id)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    assert len(builds) == 6 and len(seen) > 6
    mixed = [s for s in seen if len(set(s)) > 1]
    assert not mixed, f"answers quoting two index versions: {mixed[:3]}"


def test_sighup_reloads_in_the_background(served) -> None:
    answerer, content, index_dir = served
    previous = signal.getsignal(signal.SIGHUP)
    try:
        reloader = install(answerer, content, index_dir)
        write_content(content, "Beta")
        os.kill(os.getpid(), signal.SIGHUP)
        deadline = time.monotonic() + 60
        while reloader.last is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reloader.wait_idle(60)
        assert reloader.last is not None and reloader.last.ok
        assert top_text(answerer).startswith("Beta:")
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_watch_reloads_once_a_change_settles(served) -> None:
    answerer, content, index_dir = served
    outcomes = []
    reloader = Reloader(answerer, content, index_dir, on_reload=outcomes.append)
    stop = threading.Event()
    try:
        reloader.watch(0.05, stop)
        time.sleep(0.2)
        assert outcomes == []  # nothing changed, nothing reloaded
        write_content(content, "Beta")
        deadline = time.monotonic() + 60
        while not outcomes and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
    reloader.wait_idle(60)
    assert outcomes and outcomes[0].ok
    assert top_text(answerer).startswith("Beta:")


def test_sighup_to_the_running_slack_server(tmp_path: Path) -> None:
    """The real `careerfw serve --http` process: SIGHUP swaps good content in, refuses broken content."""
    from careerfw_tools.loadtest import answer_text, send_commands, serving
    from tests.support.slack import FakeSlack

    content = write_content(tmp_path / "content", "Alpha")
    with FakeSlack() as fake, serving(fake, tmp_path, content=content) as server:

        def ask(key: str) -> str:
            before = len(fake.delivered())
            send_commands(server.url, fake, [(key, QUESTION)], 1)
            assert fake.wait_delivered(before + 1, 60)
            return answer_text(fake.delivered()[key])

        def hup_and_wait_for(line: str) -> None:
            server.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 120
            while server.log().count(line) < expected.setdefault(line, 0) + 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            expected[line] += 1
            assert server.log().count(line) >= expected[line], server.log()[-2000:]

        expected: dict[str, int] = {}
        assert "Alpha: I lead the response" in ask("before")
        write_content(content, "Beta")
        hup_and_wait_for("content reload: now serving index")
        assert "Beta: I lead the response" in ask("after")
        (content / "eng" / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n", "utf-8")
        write_content(content, "Gamma")
        hup_and_wait_for("content reload refused")
        assert "eng/broken.md:" in server.log()  # the problem, with its file and line
        assert "Beta: I lead the response" in ask("refused")  # the old index keeps serving
        assert server.proc.poll() is None


def test_sighup_reloads_the_running_teams_bot(tmp_path: Path) -> None:
    """docs/deploy.md: SIGHUP reloads content in `careerfw teams` too, not only in the Slack app."""
    import json
    import urllib.request

    from tests.support.ports import free_port
    from tests.support.process import wait_for_healthz

    content = write_content(tmp_path / "content", "Alpha")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERFW_")} | {
        "HF_HUB_OFFLINE": "1", "CAREERFW_TEAMS_ALLOW_ANONYMOUS": "1", "CAREERFW_SCHEDULER": "off",
        "CAREERFW_STATE_DB": str(tmp_path / "state.db"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    log = tmp_path / "teams.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "teams", "--host", "127.0.0.1", "--port", str(port),
             "--content", str(content), "--index", str(tmp_path / "index")],
            env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
        )
    try:
        deadline = time.monotonic() + 180  # the model loads in the child
        health = wait_for_healthz(proc, port)
        assert health is not None and health[1]["entries"] > 0, log.read_text()
        write_content(content, "Beta", extra_area="On-call")
        proc.send_signal(signal.SIGHUP)
        while "content reload: now serving index" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "content reload: now serving index" in log.read_text(), log.read_text()[-2000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
            assert json.loads(resp.read())["entries"] == len(AREAS) + 1  # the reloaded content serves
        assert proc.poll() is None
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
