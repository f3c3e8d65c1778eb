"""`careerfw teams`: build the Teams app (app.py) on the shared runtime and run it until SIGTERM.

The model and index load before the port opens, so Teams never reaches a bot that cannot answer.
"""

from __future__ import annotations

import argparse
import logging
import sys

from aiohttp import web

from bot.config import Settings
from bot.runtime import Runtime
from bot.teams import connection
from bot.teams.app import create_app
from bot.teams.nudge import start_teams_nudges
from bot.teams.services import Services

log = logging.getLogger("careerfw.teams")


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    connection.check_credentials(settings)
    manager = connection.connection_manager(settings)
    if settings.teams_allow_anonymous:
        log.warning("CAREERFW_TEAMS_ALLOW_ANONYMOUS=1: requests without a token are accepted (development only)")

    print("Loading the framework…", file=sys.stderr)
    runtime = Runtime.open(settings)
    services = Services.create(settings, runtime.answerer, runtime.health, runtime.store)
    app = create_app(services, manager)
    start_teams_nudges(runtime, manager)
    print(
        f"careerfw Teams bot: {len(runtime.answerer.entries)} entries loaded; "
        f"POST http://{args.host}:{args.port}/api/messages, GET /healthz",
        file=sys.stderr,
    )
    try:
        web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)
    except OSError as exc:
        print(f"careerfw: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        runtime.stop()
        services.close()
    return 0
