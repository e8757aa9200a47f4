"""One service call = one transaction, and the change signal its commit sends.

:func:`transaction` commits on success and rolls back on any error (nothing
half-written); ``changes`` names the data domains (:data:`db.seed.CHANGE_DOMAINS`)
whose readers must refresh: the counters are bumped inside the same transaction, so
the wall and the other workstations see the change exactly when it is committed
(PostgreSQL ``NOTIFY``; SQLite readers poll ``PRAGMA data_version``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.changes import bump as signal_change
from db.engine import transaction as _transaction


@contextmanager
def transaction(
    engine: Engine, *, write: bool = True, changes: Iterable[str] = ()
) -> Iterator[Session]:
    """A session in one transaction; ``write`` takes SQLite's write lock up front
    (``False`` for read-only work); ``changes`` are signalled on commit."""
    with _transaction(engine, write=write) as session:
        yield session
        domains = tuple(changes)
        if domains:
            signal_change(session.connection(), *domains)


__all__ = ["signal_change", "transaction"]
