"""The `careerfw` command line. Each subcommand is a thin adapter over `index` or a front end."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from bot.collector import pause_collection, resume_collection
from bot.config import ConfigError, Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _content_args(p: argparse.ArgumentParser, content: str | None = None, index: str | None = None) -> None:
    """--content and --index, on every command that reads a framework (README, "The command line")."""
    p.add_argument("--content", type=Path, help=content or "framework pages (default: CAREERFW_CONTENT or ./content)")
    p.add_argument("--index", type=Path,
                   help=index or "index directory (default: CAREERFW_INDEX or a per-content cache)")


def _whole_arg(p: argparse.ArgumentParser) -> None:
    """--all, on the commands that show answers to a person (ask, chat): `whole` for bot.text.render_answer."""
    p.add_argument("--all", action="store_true", help="a checklist quotes the areas that did not change too")


def _settings(args: argparse.Namespace, base: Settings) -> Settings:
    settings = base.with_overrides(content_dir=getattr(args, "content", None), index_dir=getattr(args, "index", None))
    return settings.with_content_site_url()


# --- core commands ---------------------------------------------------------------------------------


def cmd_index_build(args: argparse.Namespace, settings: Settings) -> int:
    from index import Embedder, build_index, default_index_dir

    index_dir = settings.index_dir or default_index_dir(settings.content_dir)
    embedder = Embedder(settings.model, backend=settings.model_backend)
    report = build_index(settings.content_dir, index_dir, embedder, force=args.force)
    state = "rebuilt" if report.rebuilt else "already up to date"
    print(
        f"index {state}: {report.entries} entries, {report.documents} documents, "
        f"{report.entries_embedded} entries embedded ({report.embedded} documents), {report.reused} documents "
        f"reused, {report.seconds:.2f} s "
        f"({report.entries_per_second:.1f} entries/s) -> {index_dir}"
    )
    # The answerer derived from this index is kept beside it, so a server's first start (an image's, whose
    # index is built here) loads it instead of deriving it again (bot/runtime.py, open_answerer).
    from bot.runtime import open_answerer

    open_answerer(settings)
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 1 on errors only: a warning (a stray README with a table, a duplicated row) is printed for
    whoever edits the pages, but the content still builds, so it must not fail CI or freeze a reload."""
    from index import check_loaded

    content, problems, summary = check_loaded(settings.content_dir)
    if args.shape:
        from index import framework_shape

        print(framework_shape(content.entries, content.axes).render(), end="")
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for problem in errors:
        print(problem)
    for problem in warnings:
        print(f"{problem.path}:{problem.line}: warning: {problem.reason}")
    if errors:
        print(f"{len(errors)} problem(s) in {settings.content_dir}", file=sys.stderr)
        return 1
    if not settings.site_url:
        print("citations will be file paths (page.md:12), not links: set CAREERFW_SITE_URL, site_url in "
              "careerfw.yaml, or url in the site's _config.yml (docs/content.md)")
    print(summary + (f", {len(warnings)} warning(s)" if warnings else ""))
    return 0


def cmd_todo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.text import render_todo
    from index import load_content

    content = load_content(settings.content_dir)
    for problem in content.errors:
        print(problem, file=sys.stderr)
    todo = [e for e in content.entries if e.todo]
    if args.json:
        fields = ("area", "level", "craft", "framework", "section", "source")
        print(json.dumps([{k: getattr(e, k) for k in fields} | {"url": e.url(settings.site_url)} for e in todo]))
    else:
        sys.stdout.write(render_todo(todo))
    return 1 if content.errors else 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import open_answerer
    from bot.text import render_answer

    answerer = open_answerer(settings)

    def emit(question: str) -> None:
        answer = answerer.ask(question)
        explained = None
        if args.explain:
            from bot.explain import explain

            explained = explain(answer, answerer)
        if args.json:
            data = answer.to_json() | ({"explain": explained} if explained is not None else {})
            print(json.dumps(data, ensure_ascii=False), flush=True)
        else:
            sys.stdout.write(render_answer(answer, whole=args.all))
            if explained is not None:
                from bot.explain import render_explain
                from bot.text import for_terminal

                # Content and question text, shown as read: control characters visible, lines kept.
                sys.stdout.write("".join(for_terminal(line) + "\n" for line in render_explain(explained).splitlines()))
            sys.stdout.flush()

    if args.question:
        emit(" ".join(args.question))
        return 0
    for line in sys.stdin:
        if line.strip():
            emit(line.rstrip("\n"))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat import run_chat

    return run_chat(settings, whole=getattr(args, "all", False))


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """`make run`: the Slack app when tokens are set, otherwise the terminal chat.

    With CAREERFW_MODE set (the container), always the Slack app in that mode: a server must fail
    loudly on missing tokens rather than start a chat nobody can type into.
    """
    if settings.mode:
        args.http = args.http or settings.mode == "http"
        args.port = args.port or settings.port
        if not args.http and args.health_port is None:
            args.health_port = settings.port
        args.host = getattr(args, "host", None) or "0.0.0.0"
        return _serve_slack(args, settings)
    if settings.slack_bot_token and (settings.slack_app_token or settings.slack_signing_secret):
        return _serve_slack(args, settings)
    print(
        "No Slack tokens set, so this is the terminal chat. To run the Slack app, set SLACK_BOT_TOKEN\n"
        "and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); see README.md.\n",
        file=sys.stderr,
    )
    return cmd_chat(args, settings)


def cmd_nudge(args: argparse.Namespace, settings: Settings, *, now: datetime | None = None) -> int:
    """`careerfw nudge`: the CLI names the surface, so bot.nudge never imports one. `now` picks the
    week (tests; default: the system clock)."""
    from bot.nudge.command import nudge_command

    if args.teams:
        teams_targets = _teams_targets()

        def teams() -> list:
            if args.channel:
                raise ConfigError("--channel names a Slack channel; leave it out with --teams")
            targets = list(teams_targets(settings))
            if not targets:
                raise ConfigError("no Teams conversations are stored yet: add the bot to a team or chat first")
            return targets

        return nudge_command(
            args, settings, targets=teams, dry_run_keys=lambda: [t.key for t in teams_targets(settings)] or [None],
            now=now,
        )

    def slack() -> list:
        from bot.slack.nudge import SlackTarget

        return [SlackTarget.from_settings(settings, args.channel)]

    channel = args.channel or settings.nudge_channel
    return nudge_command(
        args, settings, targets=slack, dry_run_keys=lambda: [f"slack:{channel}" if channel else None], now=now
    )


def cmd_report(args: argparse.Namespace, settings: Settings, *, now: datetime | None = None) -> int:
    """`careerfw report`: the CLI names the surface the owners are reached on (Slack DMs, or with
    --teams their personal chats), so bot.report imports none."""
    from bot.report.command import report_command

    if args.teams:
        from bot.teams.report import teams_report_keys, teams_report_targets

        return report_command(args, settings, targets=lambda owners: teams_report_targets(settings, owners),
                              dry_run_keys=lambda owners: teams_report_keys(settings, owners), now=now)
    from bot.slack.report import report_key, slack_owner_ids, slack_report_targets

    return report_command(args, settings, targets=lambda owners: slack_report_targets(settings, owners),
                          dry_run_keys=lambda owners: [report_key(u) for u in slack_owner_ids(owners)], now=now)


def _teams_targets() -> Callable:
    """bot.teams.nudge.teams_targets; a build without the Teams front end gets one clear line."""
    try:
        from bot.teams.nudge import teams_targets
    except ModuleNotFoundError as exc:
        if exc.name not in ("bot.teams", "bot.teams.nudge"):
            raise
        raise ConfigError("Teams nudges are not available: bot/teams/nudge.py (teams_targets) is missing") from None
    return teams_targets


def _front_end(module: str, function: str) -> Handler:
    """Front ends import their SDKs only when their command runs, keeping `ask` fast to start."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        import importlib

        return int(getattr(importlib.import_module(module), function)(args, settings))

    return run


# `careerfw serve`, and `run` (`make run`) when it starts the Slack app: one front end, named once.
_serve_slack = _front_end("bot.slack.serve", "serve_command")


# --- parser ----------------------------------------------------------------------------------------


def _copies_or_set(value: str) -> int | Path:
    """`eval --typos`' N, or the first question set when the word after a bare `--typos` is no number: argparse
    hands an option's optional value the next word, and `eval --typos tests/eval/ft.yaml` means that set."""
    try:
        return int(value)
    except ValueError:
        return Path(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="careerfw", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", help="build the search index")
    isub = p.add_subparsers(dest="index_command", required=True, metavar="ACTION")
    b = isub.add_parser("build", help="embed changed entries and swap the new index in")
    _content_args(b)
    b.add_argument("--force", action="store_true", help="embed every entry again")
    b.set_defaults(func=cmd_index_build)

    p = sub.add_parser("ask", help="answer a question (or one per stdin line) from the framework")
    _content_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object per question")
    _whole_arg(p)
    p.add_argument("--explain", action="store_true",
                   help="also show how the question was read, the candidates' ranking features and the gate's "
                        "decision (with --json: an \"explain\" key)")
    p.add_argument("question", nargs="*", help="the question; omit to read one per line from stdin")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("todo", help="list areas whose expectation is still TODO")
    _content_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_todo)

    p = sub.add_parser("check", help="report every problem in the content with file:line")
    _content_args(p)
    p.add_argument("--shape", action="store_true",
                   help="also print each craft's levels in order and the forms a question can name each by")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("chat", help="a terminal chat over the framework")
    _content_args(p)
    _whole_arg(p)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("run", help="what `make run` starts: Slack with tokens, else the terminal chat")
    _content_args(p)
    p.add_argument("--http", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--health-port", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("serve", help="run the Slack app (Socket Mode, or HTTP with --http)")
    _content_args(p)
    p.add_argument("--http", action="store_true", help="serve POST /slack/events over HTTP")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=3000)
    p.add_argument("--health-port", type=int, default=None, help="Socket Mode: also serve GET /healthz here")
    p.set_defaults(func=_serve_slack, server=True)

    p = sub.add_parser("teams", help="run the Microsoft Teams bot (POST /api/messages)")
    _content_args(p)
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=3978)
    p.set_defaults(func=_front_end("bot.teams.serve", "serve_command"), server=True)

    p = sub.add_parser("teams-package", help="build the Teams app package zip for upload")
    p.add_argument("--out", type=Path, default=Path("appPackage/careerfw.zip"))
    _content_args(p, content="framework pages the bot's commands are made from (default: CAREERFW_CONTENT or "
                  "./content)", index="accepted like every content command's; the package reads the pages only")
    p.set_defaults(func=_front_end("bot.teams.package", "package_command"))

    p = sub.add_parser("nudge", help="post the weekly TODO nudge once (for cron)")
    _content_args(p)
    p.add_argument("--dry-run", action="store_true", help="print the message; post nothing")
    p.add_argument("--teams", action="store_true", help="send to stored Teams conversations instead")
    p.add_argument("--channel", help="Slack channel id (default: CAREERFW_NUDGE_CHANNEL)")
    p.set_defaults(func=cmd_nudge)

    p = sub.add_parser("feedback", help="helpful / not helpful votes per area, and the reasons given")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_front_end("bot.feedback", "feedback_command"))

    p = sub.add_parser("report", help="the owners' report: what people asked and could not get")
    _content_args(p)
    p.add_argument("--since", default=None, metavar="PERIOD", help="how far back, e.g. 7d, 4w, 48h (default 7d)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    p.add_argument("--html", metavar="FILE", help="write the report as one self-contained HTML page")
    p.add_argument("--dry-run", action="store_true", help="print the weekly message and who would get it; send nothing")
    p.add_argument("--send", action="store_true", help="send this week's report to the owners now, once (for cron)")
    p.add_argument("--teams", action="store_true", help="reach the owners in Teams personal chats instead of Slack")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("db", help="the shared-state database's schema (CAREERFW_DATABASE_URL or CAREERFW_STATE_DB)")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dsub.add_parser("upgrade", help="apply every pending schema revision")
    dsub.add_parser("status", help="the schema revision and what is pending (exit 3 when not up to date)")
    p.set_defaults(func=_front_end("bot.store.command", "db_command"))
    m = dsub.add_parser("migrate-from-sqlite", help="copy a SQLite state database into CAREERFW_DATABASE_URL")
    m.add_argument("path", metavar="PATH", help="the SQLite state database (e.g. the old CAREERFW_STATE_DB)")
    m.set_defaults(func=_front_end("bot.store.copy", "migrate_from_sqlite_command"))

    p = sub.add_parser("eval", help="retrieval quality: hybrid against dense-only and BM25-only")
    p.add_argument("sets", nargs="*", type=Path, help="question sets (default: tests/eval/*.yaml)")
    _content_args(p, content="framework pages the sets are asked of, instead of their own `content:` "
                  "(docs/evaluation.md)",
                  index="with --content: that framework's index, built there if stale (default: a per-content "
                  "cache); the backend side-by-side builds its own")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-backends", action="store_true",
                   help="skip the side-by-side of every model backend (torch, onnx, onnx-int8)")
    p.add_argument("--conversations", action="store_true",
                   help="only the multi-turn sets (follow-up questions; tests/eval/conversations/)")
    p.add_argument("--fit", action="store_true",
                   help="fit the ranker and gate (index/ranking.py) on every framework with questions (default: "
                        "tests/eval and tests/eval/blind), print each one left out, and write index/fitted.json")
    p.add_argument("--typos", type=_copies_or_set, nargs="?", const=True, default=None, metavar="N",
                   help="only: every question asked again in N copies (default 3) with one content word mistyped, "
                        "and lower-cased without punctuation; shipped and RRF side by side (docs/evaluation.md); "
                        "before the sets as well as after them")
    p.set_defaults(func=_front_end("careerfw_tools.quality", "eval_command"))

    p = sub.add_parser("loadtest", help="signed slash commands from concurrent clients against HTTP mode (loopback)")
    _content_args(p, index="the index the servers answer from, built there first if stale (default: a "
                  "temporary one)")
    p.add_argument("--requests", type=int, default=500)
    p.add_argument("--concurrency", type=int, default=25)
    p.add_argument("--outage", type=float, default=0.0, metavar="SECONDS",
                   help="Slack's side answers HTTP 500 for this long from the first command on")
    p.add_argument("--replicas", type=int, default=1,
                   help="spread the commands over this many serve processes (sharing CAREERFW_DATABASE_URL, "
                        "else one SQLite file)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_front_end("careerfw_tools.loadtest", "loadtest_command"))

    p = sub.add_parser("bench", help="latency and build throughput on these machines")
    _content_args(p, content="measure this framework alone (default: the seed content, Monzo's when present, "
                  "and a generated one)",
                  index="folder for the indexes bench builds, one per framework and backend, kept afterwards "
                  "(default: a temporary folder)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="a 2,000-entry generated framework instead of 10,000")
    p.add_argument("--backends", help="comma-separated model backends to measure (default: every one available)")
    p.add_argument("--questions", type=int, metavar="N", help="distinct questions per framework (default: 150)")
    p.add_argument("--no-serving", action="store_true", help="leave out the serving processes (cold start, RSS)")
    p.add_argument("--startup", action="store_true",
                   help="only the start-up: process start to /healthz 200 of `serve --http` and `teams`")
    p.add_argument("--runs", type=int, default=3, help="with --startup: starts per surface and framework")
    p.set_defaults(func=_front_end("careerfw_tools.quality", "bench_command"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A server's start runs without the cyclic collector's passes (bot/collector.py) from
    # here until /healthz says 200 (its serve_command resumes it on every way out); any other command
    # gets it back at once.
    pause_collection()
    args = None
    try:
        args = build_parser().parse_args(argv)
    finally:
        if not getattr(args, "server", False):
            resume_collection()
    from index import ModelError, SearchIndexError

    try:
        settings = _settings(args, Settings.from_env())
        return int(args.func(args, settings))
    except (ConfigError, ModelError, SearchIndexError) as exc:
        print(f"careerfw: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
