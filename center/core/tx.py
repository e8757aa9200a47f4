"""One service call = one transaction, and the change signal its commit sends.

:func:`transaction` commits on success and rolls back on any error (nothing
half-written); ``changes`` names the data domains (:data:`db.seed.CHANGE_DOMAINS`)
whose readers must refresh: the counters are bumped inside the same transaction, so
the wall and the other workstations see the change exactly when it is committed
(PostgreSQL ``NOTIFY``; SQLite readers poll ``PRAGMA data_version``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from center.core.errors import install_text_guard
from db.changes import bump as signal_change
from db.engine import transaction as _transaction

# every service writes through here: a NUL character in any text it writes is
# refused as InvalidInput on both engines (center.core.errors, issue 19)
install_text_guard()


@contextmanager
def transaction(
    engine: Engine,
    *,
    write: bool = True,
    changes: Iterable[str] = (),
    long_running: bool = False,
) -> Iterator[Session]:
    """A session in one transaction; ``write`` takes SQLite's write lock up front
    (``False`` for read-only work); ``changes`` are signalled on commit;
    ``long_running``: batch work (an import) that the statement limit must not cut."""
    with _transaction(engine, write=write, long_running=long_running) as session:
        yield session
        domains = tuple(changes)
        if domains:
            signal_change(session.connection(), *domains)


def serialise_numbering(conn: Connection, series: str, day: date) -> None:
    """Let one transaction at a time number the ``series`` codes of ``day`` (visits
    ``V<yyyymmdd>-<n>``, meetings ``JM<yyyymmdd>``), until it commits or rolls back.

    Such codes are the day's highest + 1, read in the writing transaction. On SQLite
    the writer already holds the database's write lock; on PostgreSQL two
    workstations would read the same highest number and one would fail on the unique
    code (issue 19: visits recorded at once). A transaction-level advisory lock keyed
    by the series and the day makes the second wait, and its read (a new statement,
    a new snapshot under READ COMMITTED) then sees the first one's code."""
    if conn.dialect.name != "postgresql":
        return
    key = zlib.crc32(series.encode()) - (1 << 31)  # a signed 32-bit key per series
    conn.execute(
        text("SELECT pg_advisory_xact_lock(:series, :day)"),
        {"series": key, "day": int(f"{day:%Y%m%d}")},
    )


__all__ = ["serialise_numbering", "signal_change", "transaction"]
