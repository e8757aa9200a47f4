"""SQLite triggers set aside for a bulk insert.

A per-row trigger runs a small program for every inserted row; for a million rows of
an import that is seconds of CPU. Where the importer can give the trigger's effect in
one statement afterwards, it drops the trigger for the insert and creates it again
after (:func:`trigger_aside`), all in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection


@contextmanager
def trigger_aside(conn: Connection, table: str, name: str) -> Iterator[int | None]:
    """On SQLite, the trigger ``name`` of ``table`` dropped for the block, in the
    caller's transaction, and created again from its stored text when the block ends
    normally (an exception leaves that to the transaction's rollback). Yields the
    table's largest rowid before the block (the rows inserted in it are those after
    it: an INTEGER PRIMARY KEY gives a new row the largest rowid plus one), or None
    when nothing was set aside (another database, or no such trigger)."""
    if conn.dialect.name != "sqlite":
        yield None
        return
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?",
        (name, table),
    ).scalar()
    if sql is None:
        yield None
        return
    before = conn.exec_driver_sql(f'SELECT max(rowid) FROM "{table}"').scalar() or 0
    conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield before
    conn.exec_driver_sql(sql)
