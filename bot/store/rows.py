"""Inserting rows that may already be there, on either backend: the one place that picks the
dialect's INSERT (both SQLite and PostgreSQL say ON CONFLICT DO NOTHING, through their own
SQLAlchemy constructs), so nothing else in the code switches on the dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_new(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` into `table`, skipping any whose primary key or unique index is already taken."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).on_conflict_do_nothing(), list(rows))
