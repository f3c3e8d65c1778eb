"""Schema versions with Alembic: `careerfw db upgrade`, and the same at start when it is safe.

Safe at start means every pending revision only adds (its module says `additive = True`): replicas
still running the previous release keep working while, and after, a new one upgrades. Anything
else (a rename, a drop, a data rewrite) stops the start with a line asking for `careerfw db upgrade`,
run once by whoever deploys. A database already at a revision this release does not know (a newer
release migrated it) is used as it is, with a warning: by the rule above, newer revisions only add.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("careerfw.store")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Status:
    current: str | None  # None: an empty database
    head: str
    pending: tuple[str, ...]  # oldest first
    known: bool  # False: the database is at a revision this release does not have

    @property
    def up_to_date(self) -> bool:
        return not self.known or not self.pending


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def _script() -> ScriptDirectory:
    """Read once per process: the revisions ship with the code and cannot change while it runs."""
    return ScriptDirectory.from_config(_config())


def status(engine: Engine) -> Status:
    script = _script()
    head = script.get_current_head()
    assert head is not None, "bot/store/migrations has no revisions"
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    known = _exists(script, current)
    if not known:
        return Status(current, head, (), known=False)
    pending = tuple(reversed([r.revision for r in script.iterate_revisions(head, current)]))
    return Status(current, head, pending, known=True)


def _exists(script: ScriptDirectory, revision: str | None) -> bool:
    if revision is None:
        return True
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises its own ResolutionError / CommandError for unknown ids
        return False


def upgrade(engine: Engine) -> Status:
    """Apply every pending revision in one transaction (PostgreSQL's DDL is transactional)."""
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return status(engine)


def unsafe_pending(found: Status) -> list[str]:
    script = _script()
    unsafe = []
    for rev in found.pending:
        module = script.get_revision(rev).module
        if getattr(module, "additive", False) is not True:
            unsafe.append(rev)
    return unsafe


class UnsafeUpgrade(RuntimeError):
    pass


def upgrade_at_start(engine: Engine) -> Status:
    """Bring the schema to this release's head when that is safe; see the module docstring."""
    found = status(engine)
    if not found.known:
        log.warning(
            "the state database is at schema revision %s, which this release does not know (a newer "
            "release upgraded it); using it as it is",
            found.current,
        )
        return found
    if not found.pending:
        return found
    unsafe = unsafe_pending(found)
    if unsafe:
        raise UnsafeUpgrade(
            f"schema revisions {', '.join(unsafe)} change existing tables: run `careerfw db upgrade` once "
            "(with every replica on the new release, or stopped) before starting"
        )
    try:
        after = upgrade(engine)
    except SQLAlchemyError:
        # Two replicas starting together both try; the loser's CREATE fails. Fine if the winner got there.
        after = status(engine)
        if after.pending:
            raise
    log.info("state database schema upgraded from %s to %s", found.current or "empty", after.current)
    return after
