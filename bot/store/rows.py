"""Rows written with keys they already carry, on either backend: the one place that picks the
dialect's INSERT (both SQLite and PostgreSQL say ON CONFLICT DO NOTHING, through their own
SQLAlchemy constructs) and knows about PostgreSQL's sequences, so nothing else in the code switches
on the dialect.
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


def continue_numbering(conn: Connection, table: sa.Table) -> None:
    """After rows were inserted with their own ids (a copy), make the next generated id follow the
    largest one. SQLite does so by itself; a PostgreSQL sequence would start again at 1 and collide."""
    if conn.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:
        if column.autoincrement is True or (column.autoincrement == "auto" and len(table.primary_key.columns) == 1
                                             and isinstance(column.type, sa.Integer)):
            largest = sa.select(sa.func.max(column)).scalar_subquery()
            sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
            # setval(seq, n, false): the next value is n itself. Not a serial column: NULL, no-op.
            conn.execute(sa.select(sa.func.setval(sequence, sa.func.coalesce(largest, 0) + 1, False)))
