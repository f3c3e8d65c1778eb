"""`careerfw db upgrade` and `careerfw db status`: the shared-state schema, by hand."""

from __future__ import annotations

import argparse

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.state import check_state
from bot.store import migrate
from bot.store.engine import ADMIN, StoreUnavailable, Target, create_engine, reason


def db_command(args: argparse.Namespace, settings: Settings) -> int:
    target = Target.from_settings(settings)
    if target.sqlite_path is not None:
        # The serving commands' own check, before anything opens the file for writing (opening it
        # switches on WAL, and an upgrade writes): a malformed file is named in one line and left as it is.
        check_state(target.sqlite_path)
    engine = create_engine(target, ADMIN)
    try:
        before = migrate.status(engine)
        if args.db_command == "status":
            _print_status(target, before)
            return 0 if before.up_to_date else 3
        if not before.known:
            raise StoreUnavailable(
                f"{target.describe()} is at schema revision {before.current}, newer than this release "
                f"knows ({before.head}); upgrade careerfw instead"
            )
        after = migrate.upgrade(engine)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(f"cannot use {target.describe()}: {reason(exc)}") from None
    finally:
        engine.dispose()
    if before.pending:
        print(f"{target.describe()}: schema upgraded from {before.current or 'empty'} to {after.current}")
    else:
        print(f"{target.describe()}: schema already at {after.current}")
    return 0


def _print_status(target: Target, found: migrate.Status) -> None:
    if not found.known:
        print(f"{target.describe()}: schema at {found.current}, newer than this release ({found.head})")
    elif found.pending:
        print(
            f"{target.describe()}: schema at {found.current or 'empty'}, "
            f"{len(found.pending)} revision(s) to apply: {', '.join(found.pending)} (careerfw db upgrade)"
        )
    else:
        print(f"{target.describe()}: schema at {found.current} (up to date)")
