"""What every chat surface runs on: the answerer, /healthz, hot reload, the weekly nudge, shutdown.

A surface's serve module builds its app and runs it; everything around the app is here, once:

    runtime = Runtime.open(settings)              # model and index loaded, /healthz 200
    # or, listening first (503 until loaded): open_store, Runtime.load on a thread, then go_live
    runtime.start_nudges(lambda: my_targets())    # the weekly nudge, to targets the surface names
    try:
        ...run the app until SIGTERM...
    finally:
        runtime.stop()

Hot reload (SIGHUP, or the CAREERFW_RELOAD_SECONDS folder watch) reports to `health`, so /healthz
names the index build that is serving on every surface.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import pickle
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.collector import resume_collection
from bot.config import Settings
from bot.health import Health

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.nudge.scheduler import Round
    from bot.nudge.target import NudgeTarget
    from bot.reload import Reloader, ReloadOutcome
    from bot.store import Store
    from index import Answerer, Embedder

log = logging.getLogger("careerfw.runtime")
T = TypeVar("T")


# What start-up spends its time on, beyond imports, is deriving the answerer's structures from the
# content and the index (parsing every page, tokenising every document for BM25, the aliases, the
# vocabulary bridge's vectors): about 2 s on GOV.UK's 2,600 documents. None of it depends on anything
# but the content files, the index build, the index code and the model's vectors, so a start whose
# inputs are all unchanged loads the result of the last one instead (`careerfw bench --startup`).
ANSWERER_CACHE = "answerer.pickle"
_CACHE_FORMAT = 1


# The libraries whose results are kept: numpy's arrays, and the BM25 postings bm25s computed with scipy.
_KEPT_LIBRARIES = ("numpy", "scipy", "bm25s")


def _version(name: str) -> str:
    """The library's version, never importing it: bm25s and scipy only build BM25 postings, and a start
    from kept state does without both (about 14 MB and a tenth of a second; issue 23, item 4). An imported
    library gives its own __version__; any other the name of its installed `<name>-<version>.dist-info`
    folder beside it, which, unlike importlib.metadata, parses no METADATA file (and imports no email
    package to do so)."""
    module = sys.modules.get(name)
    if module is not None and isinstance(getattr(module, "__version__", None), str):
        return str(module.__version__)
    import importlib.util

    spec = importlib.util.find_spec(name)  # a top-level name: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return "absent"
    site = Path(next(iter(spec.submodule_search_locations))).parent
    found = sorted(info.name for info in site.glob(f"{name}-*.dist-info"))
    return found[-1].removesuffix(".dist-info").split("-", 1)[1] if found else "unknown"


def _code_digest() -> bytes:
    """The answering core's code, by content (a checkout keeps no meaningful modification times)."""
    import index as index_package

    h = hashlib.sha256()
    code = Path(index_package.__file__).parent
    for path in sorted(code.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(f"{path.relative_to(code)}\0".encode())
            h.update(path.read_bytes())
    return h.digest()


def _start_key(settings: Settings, index_dir: Path, encoder: str, code: bytes) -> str | None:
    """Everything the derived answerer depends on, hashed; None when there is no built index yet.
    `code` is the core's digest taken when this process imported it: a file edited while the process
    runs must not label state derived by the old code as the new code's."""
    try:
        build = (index_dir / "current").resolve(strict=True)
        manifest = (build / "manifest.json").stat()
    except OSError:
        return None
    # The libraries whose objects are kept, by version (an image copies its environment between stages,
    # so nothing about the files' times is stable).
    packages = [_version(name) for name in _KEPT_LIBRARIES]
    h = hashlib.sha256()
    h.update(f"{_CACHE_FORMAT}\0{sys.version}\0{packages}\0{encoder}\0{build}\0"
             f"{manifest.st_size}\0{manifest.st_mtime_ns}\0".encode())
    # The content as the folder watch sees it: every file's path, size and modification time (a
    # git-sync checkout's own .git folder is not content).
    content = settings.content_dir.resolve()
    for path in sorted(content.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(content).parts:
            st = path.stat()
            h.update(f"{path.relative_to(content)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    h.update(code)
    return h.hexdigest()


def _load_started(path: Path, key: str) -> dict[str, Any] | None:
    """The answerer's derived state from the last start with these inputs, or None. The file is written
    only by this process's own code into its own index folder (the same trust as the index itself)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(64).decode("ascii", "replace") != key:
                return None
            state = pickle.load(fh)  # noqa: S301 - our own file in our own index folder, keyed as above
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None  # unreadable or from other code: derive again
    return state if isinstance(state, dict) else None


def _save_started(path: Path, key: str, answerer: Answerer) -> None:
    """Keep the derived state for the next start; a read-only index folder just means no shortcut."""
    state = {k: v for k, v in vars(answerer).items() if k not in ("embedder", "_lock")}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(key.encode("ascii"))
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # whole or not at all: another replica may be starting from it
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("start-up state not kept at %s: %s", path, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()


def _load_model_meanwhile(embedder: Embedder) -> threading.Thread:
    """The model loaded on a thread of its own while the answerer's state is read or derived: ONNX Runtime
    builds its session (about 0.2 s of CPU for the fp32 MiniLM) without holding the GIL, so on a second
    core a start spends none of it waiting. Whoever needs the model first waits for it (the embedder
    loads it once, under its own lock); a model that fails to load fails there, with its own error."""

    def load() -> None:
        with contextlib.suppress(Exception):  # reported by the first real use, on the caller's thread
            embedder.encode_query("warm up")

    thread = threading.Thread(target=load, name="careerfw-model", daemon=True)
    thread.start()
    return thread


class Preloaded:
    """The settings' model, loading on its own thread from construction on, for `open_answerer` to
    take: a server that still has its web framework to import starts the ONNX session first, and ONNX
    Runtime builds it without holding the GIL, so the two overlap on a second core."""

    def __init__(self, settings: Settings) -> None:
        from index import Embedder

        self.embedder = Embedder(settings.model, backend=settings.model_backend)
        self.thread = _load_model_meanwhile(self.embedder)

    def join(self) -> None:
        """Wait for the model's thread: it may be inside native code, which must not outlive the process."""
        self.thread.join()


def open_answerer(settings: Settings, progress: bool | None = None, preloaded: Preloaded | None = None) -> Answerer:
    """The answering core for these settings: content parsed, index loaded (built first if stale).

    When the content files, the index build, the index code and the model are those of the last start,
    the answerer's derived structures are loaded as that start left them (ANSWERER_CACHE in the index
    folder) instead of being derived again; anything changed, and they are derived and kept anew."""
    if preloaded is None:
        preloaded = Preloaded(settings)
    embedder, model = preloaded.embedder, preloaded.thread
    try:
        return _answerer_for(settings, embedder, progress)
    finally:
        # The model's thread may be inside native code (ONNX Runtime, the tokenizer): it must not outlive
        # a process that exits next, as `careerfw ask` and a failed start do (the runtime aborts).
        model.join()


def _answerer_for(settings: Settings, embedder: Embedder, progress: bool | None) -> Answerer:
    from index import Answerer, default_index_dir

    index_dir = settings.index_dir or default_index_dir(settings.content_dir)
    code = _code_digest()  # right after the import above, so it is the code this process runs
    key = _start_key(settings, index_dir, embedder.encoder, code)
    cache = index_dir / ANSWERER_CACHE
    state = _load_started(cache, key) if key else None
    if state is not None:
        answerer = Answerer.__new__(Answerer)
        answerer.__dict__.update(state)
        answerer.embedder = embedder
        answerer._lock = threading.Lock()
        # Links are made at answer time from the site address, so it is this start's, not the kept one's
        # (`careerfw index build` at an image's build keeps the state before the address is known).
        answerer.site_url = settings.site_url
        log.info("answerer loaded as the last start kept it (%s)", cache)
        return answerer
    answerer = Answerer.open(
        settings.content_dir,
        index_dir,
        embedder=embedder,
        site_url=settings.site_url,
        progress=progress,
    )
    # Keyed after the build: a start that built or refreshed the index keeps the state of that build.
    key = _start_key(settings, index_dir, embedder.encoder, code)
    if key is not None:
        # Asked once first, so what the first question derives (the fitted ranker's per-index features)
        # is kept too and no restart derives it again on its warm-up question.
        answerer.warm()
        # Every entry's link anchor too, made by mdit-py-plugins' slugify, which imports the whole markdown
        # parser (about 55 ms of CPU before /healthz says 200): kept on the entries, a restart makes none.
        for entry in answerer.entries:
            _ = entry.anchor
        _save_started(cache, key, answerer)
    log.info("answerer derived from the content and the index (kept for the next start at %s)", cache)
    return answerer


def open_store(settings: Settings) -> Store:
    """The shared state, checked: fast, so a server opens it before it listens, and a state database
    that cannot be used (StateUnusable) or reached is one clear error before the model loads."""
    from bot.state import check_state
    from bot.store import Store

    check_state(settings.state_db)
    return Store.open(settings)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; OSError (the port taken, the address not ours) before anything
    slow happens. A server listens at once and answers 503 until loaded (`Health`), so probes and
    Slack get an answer rather than "connection refused" while the model loads."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


async def on_daemon_thread(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on a daemon thread, awaited. Not the loop's executor: a SIGTERM while the model is
    still loading must stop the process at once, and asyncio.run waits for executor threads to end."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if not future.done():
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

    def run() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as exc:  # handed to the awaiting task, which decides
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:
            pass  # the loop is closed: the server stopped while this was loading, nobody waits for it

    threading.Thread(target=run, name="careerfw-load", daemon=True).start()
    return await future


class Runtime:
    """One serving process's answerer and the machinery around it, shared by Slack and Teams."""

    def __init__(
        self, settings: Settings, answerer: Answerer, health: Health | None = None, store: Store | None = None
    ) -> None:
        self.settings = settings
        self.answerer = answerer
        self.health = health or Health()
        self.store = store
        self.reloader: Reloader | None = None
        self.scheduler: BackgroundScheduler | None = None

    @classmethod
    def open(cls, settings: Settings, health: Health | None = None, progress: bool | None = None) -> Runtime:
        """Load the model and index before any request is accepted (so the first question is as fast
        as any), mark /healthz ready, and start listening for content reloads. A state database that
        cannot be used (StateUnusable) or reached stops the start with one clear error before the model
        loads."""
        runtime = cls.load(settings, health, progress, open_store(settings))
        runtime.go_live()
        return runtime

    @classmethod
    def load(cls, settings: Settings, health: Health | None, progress: bool | None, store: Store,
             preloaded: Preloaded | None = None) -> Runtime:
        """The slow part of `open`: the model and index loaded and warm. Safe on any thread, so a server
        can listen (and answer 503) meanwhile; /healthz stays 503 until `go_live`. The store is closed
        if loading fails. `preloaded`: the model already loading (`Preloaded`)."""
        try:
            answerer = open_answerer(settings, progress=progress, preloaded=preloaded)
            answerer.warm()
        except BaseException:
            store.close()
            raise
        log.info("%d framework entries loaded from %s; model %s on %s", len(answerer.entries), settings.content_dir,
                 answerer.embedder.name, answerer.embedder.backend)
        return cls(settings, answerer, health, store)

    def go_live(self) -> None:
        """/healthz 200 and content reloads on. Call it from the main thread (SIGHUP's handler can only be
        set there) once the surface serves the answerer."""
        self.health.mark_ready(entries=len(self.answerer.entries), backend=self.answerer.embedder.backend)
        self.install_reload()
        resume_collection(freeze=True)  # after 200: the start is over (a no-op unless it paused it)

    # --- hot reload --------------------------------------------------------------------------------

    def on_reload(self, outcome: ReloadOutcome) -> None:
        """A reload that went live is what /healthz reports from then on; a refused one changes nothing
        (the old index keeps serving and stays healthy)."""
        if outcome.ok:
            self.health.mark_ready(entries=len(self.answerer.entries), index=outcome.build_id,
                                   backend=self.answerer.embedder.backend)

    def install_reload(self) -> Reloader:
        """SIGHUP always, the folder watch with CAREERFW_RELOAD_SECONDS; each outcome reaches health."""
        from bot.reload import install

        s = self.settings
        self.reloader = install(self.answerer, s.content_dir, s.index_dir, s.reload_seconds, on_reload=self.on_reload)
        return self.reloader

    # --- the weekly nudge --------------------------------------------------------------------------

    def start_nudges(
        self,
        targets: Callable[[], Sequence[NudgeTarget]],
        catch_up: bool = True,
        rounds: Sequence[tuple[str, Round]] = (),
    ) -> BackgroundScheduler | None:
        """The weekly TODO nudge on CAREERFW_NUDGE_CRON to the targets the surface names (asked at each
        run, so targets added since start are included), about exactly the entries being served (a
        reload included), and any other weekly `rounds` on the same schedule (the owners' report). None
        when CAREERFW_SCHEDULER=off."""
        from bot.nudge.scheduler import start_scheduler

        self.scheduler = start_scheduler(
            self.settings, targets=targets, store=self.store, answerer=self.answerer, catch_up=catch_up, rounds=rounds
        )
        return self.scheduler

    # --- shutdown ----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop scheduling nudges; an answer in flight finishes (the surface drains its own work)."""
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.store is not None:
            self.store.close()
