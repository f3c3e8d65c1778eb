"""Content published the way git-sync publishes it: every commit is checked out into a new directory
under `--root` (`.worktrees/<hash>`) and the `--link` symlink is atomically replaced to point at it,
after which the previous worktree is deleted. The hot-reload watch must follow the flip, serve the new
text without a restart, and never put a half-read or unchecked version live."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

import bot.reload
from bot.reload import Reloader, ReloadOutcome
from index.answer import Answerer
from tests.e2e.test_faults_content import QUESTION, top_text, write_content
from tests.support.wait import wait_for

QUESTIONS = [QUESTION, "who reviews pull requests?", "who plans the roadmap?", "who interviews candidates?"]


class GitSyncRoot:
    """A git-sync v4 `--root` with its `--link`, published to by hand in the same steps git-sync takes."""

    def __init__(self, root: Path, link: str = "framework", subdir: str = "") -> None:
        self.root = root
        self.link = root / link
        self.subdir = subdir
        self.current: Path | None = None

    @property
    def content(self) -> Path:
        """What CAREERFW_CONTENT names: the link, or a folder inside the checkout behind it."""
        return self.link / self.subdir if self.subdir else self.link

    def publish(self, version: str, *, same_stat_as: Path | None = None, retire: bool = True) -> Path:
        """Check `version` out into a new worktree, flip the link to it, delete the previous worktree.

        `same_stat_as`: give every file the mtime of the same file in that worktree, so nothing but the
        link's target tells the two versions apart (same names, sizes and mtimes)."""
        worktree = self.root / ".worktrees" / hashlib.sha1(version.encode()).hexdigest()
        pages = worktree / self.subdir
        write_content(pages, version)
        (worktree / "README.md").write_text("The site's own readme, outside the framework folder.\n", "utf-8")
        if same_stat_as is not None:
            for path in pages.rglob("*.md"):
                old = (same_stat_as / self.subdir / path.relative_to(pages)).stat()
                assert old.st_size == path.stat().st_size, "versions must be the same length for this test"
                os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
        # git-sync's link is relative, so it resolves the same in every container that mounts the volume.
        staging = self.root / f".link-{worktree.name}"
        staging.symlink_to(worktree.relative_to(self.root))
        os.replace(staging, self.link)  # the atomic flip: readers see the old target or the new, never none
        previous, self.current = self.current, worktree
        if retire and previous is not None:
            shutil.rmtree(previous)
        return worktree


@pytest.fixture(params=["", "site/framework"], ids=["link", "folder-under-link"])
def synced(request, tmp_path: Path, embedder) -> tuple[GitSyncRoot, Answerer, Path]:
    git = GitSyncRoot(tmp_path / "git" / "root", subdir=request.param)
    git.publish("Alpha")
    index_dir = tmp_path / "index"
    return git, Answerer.open(git.content, index_dir, embedder=embedder), index_dir


def test_watch_follows_a_link_flip_and_never_mixes_versions(synced) -> None:
    git, answerer, index_dir = synced
    outcomes: list[ReloadOutcome] = []
    reloader = Reloader(answerer, git.content, index_dir, on_reload=outcomes.append)
    seen: list[tuple[str, ...]] = []
    errors: list[BaseException] = []
    stop_asking, stop_watch = threading.Event(), threading.Event()

    def ask_loop(offset: int) -> None:
        i = offset
        while not stop_asking.is_set():
            try:
                answer = answerer.ask(QUESTIONS[i % len(QUESTIONS)], limit=3)
                seen.append(tuple(q.text.split(":")[0] for q in answer.quotes + answer.suggestions))
            except BaseException as exc:  # noqa: BLE001 - any crash while the flip lands is the failure
                errors.append(exc)
                return
            i += 1
            time.sleep(0.002)

    askers = [threading.Thread(target=ask_loop, args=(n,)) for n in range(2)]
    for thread in askers:
        thread.start()
    try:
        reloader.watch(0.05, stop_watch)
        assert top_text(answerer).startswith("Alpha:")
        time.sleep(0.3)
        assert outcomes == []  # an unchanged link is not a change
        alpha = git.current
        assert alpha is not None
        # "Gamma" is as long as "Alpha" and every file keeps its mtime: only the link's target moved.
        gamma = git.publish("Gamma", same_stat_as=alpha)
        assert wait_for(lambda: top_text(answerer).startswith("Gamma:"), 60), [o.message for o in outcomes]
    finally:
        stop_watch.set()
        stop_asking.set()
        for thread in askers:
            thread.join(timeout=60)
    reloader.wait_idle(60)
    assert not errors, errors
    assert outcomes and all(o.ok for o in outcomes), [o.message for o in outcomes]
    rebuilt = [o for o in outcomes if o.report is not None and o.report.rebuilt]
    assert rebuilt, [o.message for o in outcomes]
    # The log names the checkout now live: git-sync names each worktree after its commit.
    assert gamma.name in rebuilt[-1].message
    # The index directory stays the one opened at start, not a new one per checkout (which would embed
    # every entry again and leave one stale index behind per commit).
    assert rebuilt[-1].report is not None and rebuilt[-1].report.path.is_relative_to(index_dir)
    for question in QUESTIONS:
        quotes = answerer.ask(question).quotes
        assert quotes and all(q.text.startswith("Gamma:") for q in quotes), question
    versions = {v for answer in seen for v in answer}
    assert versions <= {"Alpha", "Gamma"}
    mixed = [s for s in seen if len(set(s)) > 1]
    assert not mixed, f"answers quoting two checkouts: {mixed[:3]}"


def test_a_flip_during_a_reload_goes_live_only_once_checked(synced, monkeypatch) -> None:
    """git-sync publishes again (and deletes the checkout being read) while a reload is between its check
    and its build: the reload must not build from a directory it never checked, and must end on the
    newest checkout."""
    git, answerer, index_dir = synced
    checked: list[Path] = []
    built: list[Path] = []
    real_check = bot.reload.check_content
    real_reload = answerer.reload

    def check_then_publish(content_dir: Path):
        checked.append(Path(os.path.realpath(content_dir)))
        result = real_check(content_dir)
        if len(checked) == 1:
            git.publish("Gamma")  # flips the link and deletes the "Beta" checkout just checked
        return result

    def recording_reload(content_dir: Path, index: Path | None = None):
        built.append(Path(os.path.realpath(content_dir)))
        return real_reload(content_dir, index)

    monkeypatch.setattr(bot.reload, "check_content", check_then_publish)
    monkeypatch.setattr(answerer, "reload", recording_reload)
    beta = git.publish("Beta")
    outcome = Reloader(answerer, git.content, index_dir).reload()
    gamma = git.current
    assert gamma is not None and not beta.exists()
    assert outcome.ok, outcome.message
    assert checked[0] == (beta / git.subdir).resolve()
    assert built and all(b in checked for b in built), f"built from unchecked {set(built) - set(checked)}"
    assert built[-1] == (gamma / git.subdir).resolve()
    for question in QUESTIONS:
        quotes = answerer.ask(question).quotes
        assert quotes and all(q.text.startswith("Gamma:") for q in quotes), question


def test_a_broken_commit_behind_the_link_keeps_the_old_checkout_serving(synced) -> None:
    git, answerer, index_dir = synced
    reloader = Reloader(answerer, git.content, index_dir)
    serving = answerer.index.build_id
    broken = git.publish("Beta", retire=False)
    (broken / git.subdir / "eng" / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n", "utf-8")
    outcome = reloader.reload()
    assert not outcome.ok and "refused" in outcome.message and broken.name in outcome.message
    assert any(p.path.endswith("broken.md") for p in outcome.problems)
    assert answerer.index.build_id == serving
    assert top_text(answerer).startswith("Alpha:")
    # The next commit fixes it, and goes live.
    git.publish("Gamma")
    assert reloader.reload().ok
    assert top_text(answerer).startswith("Gamma:")


def test_the_running_server_follows_the_flip_without_a_restart(tmp_path: Path) -> None:
    """The real `careerfw serve --http` with CAREERFW_RELOAD_SECONDS, as the Deployment runs it beside
    git-sync: the same process answers from the new checkout once the link flips."""
    from careerfw_tools.loadtest import answer_text, send_commands, serving
    from tests.support.slack import FakeSlack

    git = GitSyncRoot(tmp_path / "git" / "root", subdir="site/framework")
    git.publish("Alpha")
    env = {"CAREERFW_RELOAD_SECONDS": "1", "CAREERFW_INDEX": str(tmp_path / "index")}
    with FakeSlack() as fake, serving(fake, tmp_path, content=git.content, env=env) as server:
        asked = 0

        def ask() -> str:
            nonlocal asked
            asked += 1
            key = f"q{asked}"
            send_commands(server.url, fake, [(key, QUESTION)], 1)
            assert fake.wait_delivered(asked, 60)
            return answer_text(fake.delivered()[key])

        assert "Alpha: I lead the response" in ask()
        pid = server.proc.pid
        gamma = git.publish("Gamma")
        assert wait_for(lambda: "content reload: now serving index" in server.log(), 120), server.log()[-2000:]
        assert gamma.name in server.log()
        assert "Gamma: I lead the response" in ask()
        assert server.proc.poll() is None and server.proc.pid == pid


def test_the_default_index_location_survives_a_flip(tmp_path: Path, embedder, monkeypatch) -> None:
    """Without CAREERFW_INDEX the index lives in a cache folder named after the resolved content path;
    a reload after a flip keeps using the one the server opened instead of starting a new one (a full
    embedding, and one abandoned index per commit)."""
    from index.store import default_index_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    git = GitSyncRoot(tmp_path / "git" / "root")
    git.publish("Alpha")
    opened = default_index_dir(git.content)
    answerer = Answerer.open(git.content, None, embedder=embedder)
    reloader = Reloader(answerer, git.content)
    git.publish("Gamma")
    outcome = reloader.reload()
    assert outcome.ok and outcome.report is not None and outcome.report.rebuilt
    assert outcome.report.path.is_relative_to(opened)
    assert sorted(p.name for p in (tmp_path / "cache" / "careerfw" / "indexes").iterdir()) == [opened.name]
    assert top_text(answerer).startswith("Gamma:")
