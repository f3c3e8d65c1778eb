"""Schema versions with Alembic: `careerfw db upgrade`, and the same at start when it is safe.

Safe at start means every pending revision only adds (its module says `additive = True`): replicas
still running the previous release keep working while, and after, a new one upgrades. Anything
else (a rename, a drop, a data rewrite) stops the start with a line asking for `careerfw db upgrade`,
run once by whoever deploys. A database already at a revision this release does not know (a newer
release migrated it) is used as it is, with a warning: by the rule above, newer revisions only add.

Alembic itself (with Mako and Pygments, about 12 MB and a tenth of a second of a start) is imported only
when there is something to do: a start whose database is already at this release's head, as every
restart's is, learns that from one SELECT and the revision files' own `revision` lines (issue 23, item 4).
"""

from __future__ import annotations

import ast
import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def _script() -> ScriptDirectory:
    """Read once per process: the revisions ship with the code and cannot change while it runs."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


@functools.cache
def declared_head() -> str | None:
    """The head revision as the files in migrations/versions declare it (`revision = ...`, `down_revision =
    ...`), read as data without importing Alembic or running them: the one revision no other revises.
    None when that is not one revision (a branch, or a file written some other way): then only Alembic
    can say, and `status` asks it."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        declared: dict[str, object] = {}
        for node in ast.parse(path.read_text("utf-8"), str(path)).body:
            target, value = None, None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and value is not None:
                try:
                    declared[target.id] = ast.literal_eval(value)
                except ValueError:
                    return None
        revision, down = declared.get("revision"), declared.get("down_revision")
        if revision is None:
            continue  # not a revision (the package's __init__)
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        revised.update([down] if isinstance(down, str) else down if isinstance(down, (tuple, list)) else [])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def _at_declared_head(engine: Engine) -> str | None:
    """The database's revision when it is the declared head (the usual restart), else None: an empty
    database, an older or unknown revision, or a head the files do not make plain all go to Alembic."""
    head = declared_head()
    if head is None:
        return None
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None  # no alembic_version table yet: an empty database
    return head if [r[0] for r in rows] == [head] else None


def status(engine: Engine) -> Status:
    from alembic.runtime.migration import MigrationContext

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
    from alembic import command

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
    head = _at_declared_head(engine)
    if head is not None:
        return Status(head, head, (), known=True)
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
