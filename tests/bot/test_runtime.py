"""The runtime every surface serves from (bot/runtime.py): /healthz follows hot reloads on Slack and
Teams alike, because both surfaces open the same Runtime."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.health import Health
from bot.runtime import Runtime
from index.answer import Answerer
from tests.support.frameworks import write_one_level


def test_a_reload_that_goes_live_is_what_healthz_reports_and_a_refused_one_changes_nothing(
    tmp_path: Path, embedder
) -> None:
    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    index_dir = tmp_path / "index"
    settings = Settings(content_dir=content, index_dir=index_dir, state_db=tmp_path / "state.db")
    runtime = Runtime(settings, Answerer.open(content, index_dir, embedder=embedder), Health())
    runtime.health.mark_ready(entries=len(runtime.answerer.entries))
    reloader = runtime.install_reload()

    write_one_level(content, {"Hiring": "I interview.", "Roadmaps": "I plan.", "On-call": "I keep the rota fair."})
    outcome = reloader.reload()
    assert outcome.ok
    code, body = runtime.health.status()
    assert code == 200 and body["entries"] == 3 and body["index"] == outcome.build_id

    (content / "eng" / "level1.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    refused = reloader.reload()
    assert not refused.ok
    assert runtime.health.status() == (code, body), "a refused reload keeps reporting the index still serving"


# --- start fast (issue 23; docs/evaluation.md, `careerfw bench --startup`) ----------------------------


def _no_deriving(monkeypatch) -> None:
    """Deriving the answerer from the content and index (what a start with unchanged inputs skips) fails."""
    def derive(*args, **kwargs):
        raise AssertionError("derived the answerer again although nothing it depends on changed")

    monkeypatch.setattr(Answerer, "open", derive)


def test_a_restart_with_nothing_changed_answers_from_the_state_the_last_start_kept(
    tmp_path: Path, monkeypatch
) -> None:
    from bot.runtime import ANSWERER_CACHE, open_answerer

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db",
                        site_url="https://example.org/fw")
    first = open_answerer(settings)
    assert (tmp_path / "index" / ANSWERER_CACHE).is_file()
    with monkeypatch.context() as m:
        _no_deriving(m)
        again = open_answerer(settings)
    asked = "who interviews candidates?"
    assert again.ask(asked).to_json() == first.ask(asked).to_json()
    assert again.ask(asked).quotes[0].url.startswith("https://example.org/fw")
    assert [e.id for e in again.entries] == [e.id for e in first.entries]
    # And it reloads like any other: a page changed while it serves is answered from.
    write_one_level(content, {"Hiring": "I interview candidates.", "On-call": "I keep the rota fair."})
    again.reload(content, tmp_path / "index")
    assert "rota" in again.ask("who keeps the on-call rota fair?").quotes[0].text


# A fresh interpreter (other tests import the markdown parser) restarted on a kept state: its answer's links,
# and whether it imported the markdown parser to make them.
_LINKS_FROM_KEPT_STATE = """
import json, sys
from pathlib import Path
from bot.config import Settings
from bot.runtime import open_answerer

content, index_dir, state_db, question = sys.argv[1:]
settings = Settings(content_dir=Path(content), index_dir=Path(index_dir), state_db=Path(state_db),
                    site_url="https://example.org/fw")
answerer = open_answerer(settings)
urls = [quote.url for quote in answerer.ask(question).quotes]
print(json.dumps({"urls": urls, "markdown": "markdown_it" in sys.modules}))
"""


def test_a_restart_links_its_answers_without_importing_the_markdown_parser(tmp_path: Path, monkeypatch) -> None:
    """Issue 23, item 4 (start fast): an area without a link of its own is linked at the anchor its heading
    makes, which mdit-py-plugins' slugify computes and which imports the whole markdown parser with it (about
    55 ms of CPU before /healthz could say 200). The anchors are made once and kept with the state, so a restart
    links the same answers to the same places without it."""
    import subprocess
    import sys

    from bot.runtime import open_answerer
    from tests.support.process import REPO, process_env

    content = write_one_level(tmp_path / "content", {"Hiring and interviews": "I interview candidates.",
                                                     "Roadmaps": "I plan the quarter's roadmap."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db",
                        site_url="https://example.org/fw")
    question = "who interviews candidates?"
    first = [quote.url for quote in open_answerer(settings).ask(question).quotes]
    assert first and first[0].endswith("#hiring-and-interviews"), first
    run = subprocess.run([sys.executable, "-c", _LINKS_FROM_KEPT_STATE, str(content), str(tmp_path / "index"),
                          str(tmp_path / "state.db"), question], cwd=REPO, env=process_env(tmp_path),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"urls": first, "markdown": False}


def test_the_kept_state_holds_each_document_vector_once(tmp_path: Path) -> None:
    """The dense ranker scores the index's own vectors, so a serving process, and the state a restart
    loads, hold each one once rather than once per holder (about 4 MB on GOV.UK's 2,600 documents)."""
    from bot.runtime import ANSWERER_CACHE, open_answerer
    from index.store import load_index

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    first = open_answerer(settings)
    kept = (tmp_path / "index" / ANSWERER_CACHE).read_bytes()
    vectors = np.asarray(load_index(tmp_path / "index").vectors)
    assert len(vectors) >= 2
    for vector in vectors:
        assert kept.count(vector.tobytes()) == 1
    again = open_answerer(settings)
    asked = "who interviews candidates?"
    assert again.ask(asked).to_json() == first.ask(asked).to_json()


def test_a_restart_holds_which_entries_use_each_word_in_a_few_arrays(tmp_path: Path) -> None:
    """Which entries use each word (read by the ranker's features and the level questions' topical words)
    is one array of rows and each word's span in it: the state a restart loads holds no set of words per
    entry and no array per word, each an object of its own (about 5 MB of GOV.UK's 6,900 words; issue 23).
    Measured as the memory the kept state takes once loaded, on a made-up framework of 1,680 words."""
    import itertools
    import pickle
    import tracemalloc

    from bot.runtime import ANSWERER_CACHE, open_answerer

    syllables = ["ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze", "bo", "fi"]
    made_up = ("".join(p) for p in itertools.product(syllables, repeat=3))
    areas = {f"Area {n}": " ".join(next(made_up) for _ in range(24)) + "." for n in range(70)}
    settings = Settings(content_dir=write_one_level(tmp_path / "content", areas), index_dir=tmp_path / "index",
                        state_db=tmp_path / "state.db")
    first = open_answerer(settings)
    kept = (tmp_path / "index" / ANSWERER_CACHE).read_bytes()
    tracemalloc.start()
    try:
        state = pickle.loads(kept[64:])  # noqa: S301 - the state this test's own start kept
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert state
    assert held < 3.0e6  # 4.75 MB before: a frozenset per entry and an array per word
    again = open_answerer(settings)
    asked = f"what does {areas['Area 7'].split()[3]} mean at level 1?"
    assert again.ask(asked).to_json() == first.ask(asked).to_json()
    assert again.ask(asked).quotes[0].entry.area == "Area 7"


def test_a_restart_reading_every_entry_for_initials_keeps_no_copy_of_their_words(tmp_path: Path) -> None:
    """The first question in initials ("SLOs") reads every entry's words once, for their initials; a
    restarted server, whose caches start empty, keeps no copy of those words in the caches questions, names
    and labels share, where nothing reads them again (2.5 MB of a GOV.UK DDaT server after 51 answers; issue
    23). The answer is the same. Read from a restarted process itself, as a deployment restarts it."""
    import subprocess

    from tests.support.frameworks import Ladder, area_table, write_ladders
    from tests.support.process import REPO, process_env

    cells = {"Reliability": "Defines service level objectives for the services the team runs.",
             "Delivery": "Ships medium-sized features end to end with little guidance.",
             "Mentoring": "Pairs with newer engineers and reviews their pull requests kindly."}
    long_cells = {area: " ".join([text] * 30) for area, text in cells.items()}
    content = write_ladders(tmp_path / "content", {"eng": Ladder("Engineering", [
        (f"Engineer {n}", area_table(long_cells)) for n in range(1, 13)])})
    env = process_env(tmp_path, CAREERFW_CONTENT=str(content), CAREERFW_INDEX=str(tmp_path / "index"),
                      CAREERFW_STATE_DB=str(tmp_path / "state.db"))
    restart = """if True:
        import json, tracemalloc
        from bot.config import Settings
        from bot.runtime import open_answerer
        answerer = open_answerer(Settings.from_env())
        answerer.ask("what about design documents?")  # the question path's own caches, filled once
        tracemalloc.start()
        answer = answerer.ask("what about SLOs?")
        print(json.dumps({"area": (answer.quotes or answer.suggestions)[0].entry.area,
                          "kept": tracemalloc.get_traced_memory()[0]}))
    """
    from bot.runtime import ANSWERER_CACHE

    kept_state = tmp_path / "index" / ANSWERER_CACHE
    runs = []
    for _ in range(2):  # the first derives and keeps the state, the second is the restart
        runs.append(subprocess.run([sys.executable, "-c", restart], env=env, cwd=REPO, capture_output=True,
                                   text=True, timeout=600))
        assert runs[-1].returncode == 0, runs[-1].stderr[-2000:]
        assert kept_state.is_file()
        if len(runs) == 1:
            derived_at = kept_state.stat().st_mtime_ns
    assert kept_state.stat().st_mtime_ns == derived_at, "the restart loaded the kept state, not derived it"
    read = json.loads(runs[1].stdout.strip().splitlines()[-1])
    assert read["area"] == "Reliability"
    assert read["kept"] < 90_000  # 150 KB before: 36 entries of 300 words kept in the tokens cache


def test_the_kept_state_leaves_the_per_document_hashes_to_the_index_files(tmp_path: Path) -> None:
    """Only the next build reads each document's hash, from the index's manifest file: a serving process
    and the state a restart loads hold none of them (a dict per document, 0.8 MB on GOV.UK)."""
    from bot.runtime import ANSWERER_CACHE, open_answerer

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    first = open_answerer(settings)
    manifest = json.loads((tmp_path / "index" / "current" / "manifest.json").read_text("utf-8"))
    hashes = [d["hash"] for d in manifest["documents"]]
    kept = (tmp_path / "index" / ANSWERER_CACHE).read_bytes()
    assert hashes and not any(h.encode() in kept for h in hashes)
    # And the next build still reuses every unchanged document's vector by its hash.
    write_one_level(content, {"Hiring": "I interview candidates.", "Roadmaps": "I plan.", "On-call": "I rota."})
    report = first.reload(content, tmp_path / "index")
    assert report is not None and report.reused == len(hashes)


def test_a_restart_after_the_content_changed_answers_from_the_new_content(tmp_path: Path) -> None:
    from bot.runtime import open_answerer

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    open_answerer(settings)
    write_one_level(content, {"Hiring": "I interview candidates.", "On-call": "I keep the rota fair."})
    restarted = open_answerer(settings)
    assert sorted(e.area for e in restarted.entries) == ["Hiring", "On-call"]
    assert "rota" in restarted.ask("who keeps the on-call rota fair?").quotes[0].text
    # Another site address is another start too: links must not point at the old one.
    moved = open_answerer(Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db",
                                   site_url="https://new.example.org"))
    assert moved.ask("who keeps the on-call rota fair?").quotes[0].url.startswith("https://new.example.org")


def test_a_damaged_kept_state_is_derived_again_not_served(tmp_path: Path) -> None:
    from bot.runtime import ANSWERER_CACHE, open_answerer

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    expected = open_answerer(settings).ask("who interviews candidates?").to_json()
    kept = tmp_path / "index" / ANSWERER_CACHE
    kept.write_bytes(kept.read_bytes()[:200])  # cut short, as a full disk would leave it
    assert open_answerer(settings).ask("who interviews candidates?").to_json() == expected


def test_the_first_start_after_careerfw_index_build_loads_what_the_build_kept(tmp_path: Path, monkeypatch) -> None:
    """An image builds its index with `careerfw index build` (Dockerfile); its servers' first start then
    derives nothing, and links use the site address of the start, which the build did not know."""
    from bot.cli import main
    from bot.runtime import open_answerer

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    assert main(["index", "build", "--content", str(content), "--index", str(tmp_path / "index")]) == 0
    with monkeypatch.context() as m:
        _no_deriving(m)
        started = open_answerer(Settings(content_dir=content, index_dir=tmp_path / "index",
                                         state_db=tmp_path / "state.db", site_url="https://fw.example.org"))
    quote = started.ask("who interviews candidates?").quotes[0]
    assert "interview" in quote.text and quote.url.startswith("https://fw.example.org")


def test_a_restart_derives_nothing_its_first_question_needs(tmp_path: Path, monkeypatch) -> None:
    """What the first question derives per index (the fitted ranker's features) is kept with the rest, so
    a restarted pod's warm-up question answers without deriving them again (issue 23: 0.06 s of CPU on GOV.UK)."""
    from bot.runtime import open_answerer
    from index import ranking

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    expected = open_answerer(settings).ask("who interviews candidates?").to_json()

    def derive(*args, **kwargs):
        raise AssertionError("derived the ranker's features again although nothing they depend on changed")

    with monkeypatch.context() as m:
        _no_deriving(m)
        m.setattr(ranking.Features, "__init__", derive)
        restarted = open_answerer(settings)
        restarted.warm()
        assert restarted.ask("who interviews candidates?").to_json() == expected


def test_state_kept_by_a_process_whose_code_changed_on_disk_is_not_loaded_by_the_new_code(
    tmp_path: Path, monkeypatch
) -> None:
    """A process keeps what its own code derived. If the core's files change while it runs (an upgrade
    in place, an editor), its kept state is labelled with the code it ran, so a start of the new code
    derives again instead of loading objects the new code cannot use."""
    import bot.runtime as runtime

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    digests = iter([b"the code as this process imported it"])
    real = runtime._code_digest
    # The first call is the process's start; the files then change before it keeps its state.
    monkeypatch.setattr(runtime, "_code_digest", lambda: next(digests, real()))
    runtime.open_answerer(settings)
    kept = (tmp_path / "index" / runtime.ANSWERER_CACHE).read_bytes()[:64].decode()
    monkeypatch.setattr(runtime, "_code_digest", real)
    index_dir = tmp_path / "index"
    from index import Embedder

    encoder = Embedder(settings.model, backend=settings.model_backend).encoder
    assert kept == runtime._start_key(settings, index_dir, encoder, b"the code as this process imported it")
    assert kept != runtime._start_key(settings, index_dir, encoder, real())


def test_a_restart_loads_the_model_while_it_reads_the_kept_state(tmp_path: Path, monkeypatch) -> None:
    """The model is loaded on a thread of its own from the start of `open_answerer` (issue 23, item 4):
    ONNX Runtime builds its session without holding the GIL, so reading the kept state (or deriving it)
    and loading the model share the start's time instead of following each other."""
    import pickle
    import threading

    from bot.runtime import open_answerer
    from index import Embedder

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates.", "Roadmaps": "I plan."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    expected = open_answerer(settings).ask("who interviews candidates?").to_json()

    loaded = threading.Event()
    encode, read = Embedder.encode, pickle.load

    def encoding(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        vectors = encode(self, *args, **kwargs)
        loaded.set()
        return vectors

    seen: list[bool] = []

    def reading(*args, **kwargs):  # type: ignore[no-untyped-def]
        # The kept state is read only once the model has answered a first text, or after a minute.
        seen.append(loaded.wait(60))
        return read(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(Embedder, "encode", encoding)
        m.setattr(pickle, "load", reading)
        _no_deriving(m)
        restarted = open_answerer(settings)
    assert seen == [True], "the model was not loading while the kept state was read"
    assert restarted.ask("who interviews candidates?").to_json() == expected


def test_a_restart_reads_no_package_metadata_and_still_loads_what_it_kept(tmp_path: Path, monkeypatch) -> None:
    """The kept state is keyed by the versions of the libraries its objects come from; reading those from
    each package's METADATA (scipy's carries its licences) was a measurable part of a start (issue 23,
    item 4). They are the imported libraries' own, and a restart still loads what the last one kept."""
    import importlib.metadata

    from bot.runtime import open_answerer

    content = write_one_level(tmp_path / "content", {"Hiring": "I interview candidates."})
    settings = Settings(content_dir=content, index_dir=tmp_path / "index", state_db=tmp_path / "state.db")
    first = open_answerer(settings)

    def read(*args, **kwargs):
        raise AssertionError("read a package's metadata to start")

    with monkeypatch.context() as m:
        m.setattr(importlib.metadata, "version", read)
        m.setattr(importlib.metadata, "distribution", read)
        _no_deriving(m)
        again = open_answerer(settings)
    assert again.ask("who interviews candidates?").to_json() == first.ask("who interviews candidates?").to_json()


def test_a_restarted_server_loads_no_library_that_only_builds_or_migrates(tmp_path: Path) -> None:
    """A restart, as a deployment makes one: the index built by `careerfw index build` (which keeps the
    answerer's state) and the state database already at head. The server says 200 on /healthz, so it has
    answered its warm-up question, without ever importing what only builds an index (bm25s, scipy, tqdm),
    migrates a database (Alembic) or runs the PyTorch model: each costs a start time and memory (issue 23,
    item 4). Read from the server process itself: Python lists every module it imports to stderr."""
    import subprocess

    from tests.support.ports import free_port
    from tests.support.process import CAREERFW, REPO, process_env, wait_for_healthz

    env = process_env(tmp_path, CAREERFW_CONTENT=str(REPO / "content"), CAREERFW_INDEX=str(tmp_path / "index"),
                      CAREERFW_STATE_DB=str(tmp_path / "state.db"), CAREERFW_TEAMS_ALLOW_ANONYMOUS="1")
    for setup in (["index", "build"], ["db", "upgrade"]):
        done = subprocess.run([*CAREERFW, *setup], env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = tmp_path / "imports.log"
    with open(log, "w") as err:
        proc = subprocess.Popen([*CAREERFW, "teams", "--host", "127.0.0.1", "--port", str(port)],
                                env=env | {"PYTHONPROFILEIMPORTTIME": "1"}, cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=err, text=True)
        try:
            assert wait_for_healthz(proc, port), log.read_text()[-2000:]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    imported = {line.rsplit("|", 1)[-1].strip() for line in log.read_text().splitlines()
                if line.startswith("import time:")}
    assert {"onnxruntime", "sqlalchemy", "index.bm25"} <= imported  # the list is the server's whole
    assert not {"bm25s", "scipy", "tqdm", "alembic", "torch", "sentence_transformers"} & imported
    # Parsing Markdown pages and YAML is what building an index (or checking content) does; a restart
    # reads the kept state, so neither parser is worth its import time on the way to serving: the
    # imports above the line the server says once it serves (the weekly rounds start after it and read
    # the owners file when they run).
    serving = log.read_text().split("careerfw Teams bot:", 1)[0]
    to_serve = {line.rsplit("|", 1)[-1].strip() for line in serving.splitlines() if line.startswith("import time:")}
    assert {"onnxruntime", "bot.reload"} <= to_serve
    assert not {"markdown_it", "yaml", "index.parse"} & to_serve


def test_the_kept_state_is_keyed_on_versions_of_libraries_it_does_not_import() -> None:
    """bm25s and scipy built the kept BM25 postings, so a new release of either must derive the state
    again; a restart reads their versions without importing them, nor parsing their METADATA (which
    brings the email package): each was a measurable part of a start (issue 23, item 4)."""
    import json
    import subprocess
    import sys

    from tests.support.process import REPO

    probe = (
        "import json, sys\n"
        "from bot.runtime import _version\n"
        "got = {name: _version(name) for name in ('bm25s', 'scipy')}\n"
        "loaded = sorted(m for m in ('bm25s', 'scipy', 'email.feedparser') if m in sys.modules)\n"
        "import importlib.metadata\n"
        "print(json.dumps({'loaded': loaded, 'same': got == {n: importlib.metadata.version(n) for n in got}}))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"loaded": [], "same": True}
