"""Content updates while serving: rebuild the index and swap it into the live Answerer.

Triggered by SIGHUP (`kill -HUP <pid>`, or `kubectl exec … kill -HUP 1`) and, when
CAREERFW_RELOAD_SECONDS is set, by a watch that polls the content folder. A reload goes live only if
the new content passes the same gate as `careerfw check`; otherwise the problems are logged and the
index already in memory keeps serving. The Answerer swaps (index, ranker) in one assignment, so a
question in flight finishes on the version it started with and no answer mixes two versions.

The content folder may be (or sit under) a symlink that something else flips to publish a new version,
the way git-sync does: it checks each commit out into a new directory and atomically replaces the link.
Each reload therefore resolves the link once and checks and builds from that one directory, so what
goes live is exactly what was checked, and the watch notices the link's target changing even when the
new directory's files look like the old ones (same names, sizes and mtimes).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index import Problem, check_content, content_signature

if TYPE_CHECKING:
    from index import Answerer, BuildReport

log = logging.getLogger("careerfw.reload")

# How many times one reload follows a content link that moved while it ran (see Reloader._reload).
MAX_PASSES = 3

# (the directory the content folder resolves to, content_signature of it)
Signature = tuple[str, tuple[tuple[str, int, int], ...]]


@dataclass(frozen=True)
class ReloadOutcome:
    ok: bool  # True: the index serving now matches the content on disk
    message: str  # one line for the log and for operators
    problems: list[Problem] = field(default_factory=list)
    report: BuildReport | None = None
    build_id: str | None = None  # the index build serving after this reload
    warnings: list[Problem] = field(default_factory=list)  # logged; they do not stop a reload


class Reloader:
    """Serialises reloads of one Answerer; safe to trigger from a signal, a watch or a test."""

    def __init__(
        self,
        answerer: Answerer,
        content_dir: Path,
        index_dir: Path | None = None,
        on_reload: Callable[[ReloadOutcome], None] | None = None,
    ) -> None:
        self.answerer = answerer
        self.content_dir = Path(content_dir)
        # Pinned to what the content folder resolves to now: the default index location is derived from
        # the resolved path, and a flipped link would otherwise start a new, empty index per version.
        if index_dir is None:
            from index import default_index_dir

            index_dir = default_index_dir(self.content_dir)
        self.index_dir: Path = index_dir
        self.on_reload = on_reload
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self.last: ReloadOutcome | None = None

    # --- the reload itself ---------------------------------------------------------------------------

    def reload(self) -> ReloadOutcome:
        """Check the content, rebuild what changed and swap it in; never raises for bad content or a
        damaged index directory: the outcome says what happened and the old index keeps serving."""
        with self._lock:
            outcome = self._reload()
            self.last = outcome
        (log.info if outcome.ok else log.error)("%s", outcome.message)
        for problem in outcome.problems:
            log.error("  %s", problem)
        for problem in outcome.warnings:
            log.warning("  %s:%d: warning: %s", problem.path, problem.line, problem.reason)
        if self.on_reload is not None:
            try:
                self.on_reload(outcome)
            except Exception:  # a status callback must never take the server down
                log.exception("reload callback failed")
        return outcome

    def resolved(self) -> Path:
        """The directory the content folder is right now, every symlink on its path followed."""
        return Path(os.path.realpath(self.content_dir))

    def _reload(self) -> ReloadOutcome:
        # A link flipped while a pass ran means that pass may have read a directory that is being
        # retired (git-sync deletes it after the flip): go again from the new one, a few times at most,
        # since a repository that keeps moving is picked up by the next watch poll anyway.
        for _ in range(MAX_PASSES):
            source = self.resolved()
            outcome = self._reload_from(source)
            if self.resolved() == source:
                return outcome
            log.info("content reload: %s moved to %s while reloading; reloading again",
                     self.content_dir, self.resolved())
        return outcome

    def _reload_from(self, source: Path) -> ReloadOutcome:
        """Check and build from `source`, the one directory the content folder resolved to when this pass
        began, so the check and the build read the same files whatever the link does meanwhile."""
        from index import ModelError, SearchIndexError, build_index

        serving = self.answerer.index.build_id
        # Operators see which checkout is live: git-sync names each worktree after its commit.
        where = str(self.content_dir)
        if source != Path(os.path.abspath(self.content_dir)):
            where += f" (-> {source})"
        try:
            found, _ = check_content(source)
        except OSError as exc:
            return ReloadOutcome(False, f"content reload refused: cannot read {where} ({exc}); "
                                 f"still serving index {serving}", build_id=serving)
        # The gate is `careerfw check`'s exit code: errors refuse, warnings (a stray README with a table)
        # are logged and the reload goes ahead, so one stray file cannot freeze git-synced content.
        problems = [p for p in found if p.severity == "error"]
        warnings = [p for p in found if p.severity != "error"]
        if problems:
            return ReloadOutcome(
                False,
                f"content reload refused: `careerfw check` finds {len(problems)} problem(s) in "
                f"{where}; still serving index {serving}",
                problems,
                build_id=serving,
                warnings=warnings,
            )
        try:
            report = self.answerer.reload(source, self.index_dir)
        except SearchIndexError as exc:
            # The index on disk is damaged (deleted files, a truncated vectors file). The content is good,
            # so build a complete new version from it rather than leave the server stuck on the old one.
            log.error("index unreadable during reload (%s); rebuilding it from %s", exc, where)
            try:
                build_index(source, self.index_dir, self.answerer.embedder, progress=False, force=True)
                report = self.answerer.reload(source, self.index_dir)
            except (SearchIndexError, ModelError, OSError) as again:
                return ReloadOutcome(False, f"content reload failed: {again}; still serving index {serving}",
                                     build_id=serving)
        except (ModelError, OSError) as exc:
            return ReloadOutcome(False, f"content reload failed: {exc}; still serving index {serving}",
                                 build_id=serving)
        now = self.answerer.index.build_id
        # careerfw.yaml is read again on every reload, even when no page changed and nothing is rebuilt.
        glossary = self.answerer.glossary
        words = f"; careerfw.yaml: {glossary.lines} line(s)" if glossary else ""
        if report is None or not report.rebuilt:
            message = f"content reload: index {now} already matches {where}{words}"
        else:
            message = (
                f"content reload: now serving index {now} from {where} ({report.entries} entries, "
                f"{report.embedded} embedded, {report.reused} reused, {report.seconds:.2f} s){words}"
            )
        return ReloadOutcome(True, message, report=report, build_id=now, warnings=warnings)

    # --- triggers --------------------------------------------------------------------------------------

    def request(self) -> None:
        """Reload soon, in the background; requests during a running reload fold into one more pass."""
        self._pending.set()
        with self._worker_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._drain, name="careerfw-reload", daemon=True)
                self._worker.start()

    def _drain(self) -> None:
        while self._pending.is_set():
            self._pending.clear()
            try:
                self.reload()
            except Exception:  # keep serving whatever went wrong; the log has the trace for operators
                log.exception("content reload crashed; still serving the previous index")

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no reload is running or pending (tests, shutdown)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def install_sighup(self) -> bool:
        """Reload on SIGHUP. Only the main thread may set signal handlers; returns False elsewhere.

        The handler only schedules the work: loading a model or writing files inside a signal handler
        would run on top of whatever the main thread was doing."""
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
            return False
        signal.signal(signal.SIGHUP, lambda signum, frame: self.request())
        log.info("content reload: send SIGHUP to pid %d to reload %s", os.getpid(), self.content_dir)
        return True

    def watch(self, interval: float, stop: threading.Event | None = None) -> threading.Thread:
        """Poll the content folder every `interval` seconds; reload once a change has settled (two
        polls alike), so a copy still in progress is not checked half-written."""
        stop = stop or threading.Event()

        def loop() -> None:
            seen = self._signature()
            candidate: Signature | None = None
            while not stop.wait(interval):
                now = self._signature()
                if now == seen:
                    candidate = None
                elif now == candidate:
                    seen, candidate = now, None
                    self.request()
                else:
                    candidate = now

        thread = threading.Thread(target=loop, name="careerfw-content-watch", daemon=True)
        thread.start()
        return thread

    def _signature(self) -> Signature:
        """Where the content folder points and what is in it there; a flipped link changes the first part
        even when the new checkout's files have the same names, sizes and mtimes as the old one's."""
        source = self.resolved()
        return str(source), content_signature(source)


def install(
    answerer: Answerer,
    content_dir: Path,
    index_dir: Path | None = None,
    watch_seconds: float = 0,
    on_reload: Callable[[ReloadOutcome], None] | None = None,
) -> Reloader:
    """What a server calls once after loading: SIGHUP always, the folder watch when asked for."""
    reloader = Reloader(answerer, content_dir, index_dir, on_reload)
    reloader.install_sighup()
    if watch_seconds > 0:
        reloader.watch(watch_seconds)
        log.info("content reload: watching %s every %.0f s", content_dir, watch_seconds)
    return reloader
