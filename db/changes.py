"""Change feed, writer side: every write that changes a data domain bumps its counter.

On PostgreSQL the bump also sends ``NOTIFY center_changes, '<domain>'`` (delivered
at commit); on SQLite readers poll ``PRAGMA data_version`` and then read the
counters to learn which domains changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, text, update

from db.models import ChangeCounter
from db.seed import CHANGE_DOMAINS
from db.types import CST

CHANNEL = "center_changes"


def bump(conn: Connection, *domains: str) -> None:
    for domain in domains:
        if domain not in CHANGE_DOMAINS:
            raise ValueError(f"unknown change domain {domain!r}")
        conn.execute(
            update(ChangeCounter)
            .where(ChangeCounter.domain == domain)
            .values(counter=ChangeCounter.counter + 1, changed_at=datetime.now(CST))
        )
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_notify(:ch, :d)"), {"ch": CHANNEL, "d": domain})


def counters(conn: Connection) -> dict[str, int]:
    return {d: c for d, c in conn.execute(select(ChangeCounter.domain, ChangeCounter.counter))}


#: :func:`counters` as plain SQL, for a driver connection outside SQLAlchemy (the change
#: feed's LISTEN connection reads them there, under its own answer limit)
COUNTERS_SQL = (
    f"SELECT {ChangeCounter.domain.name}, {ChangeCounter.counter.name} "
    f"FROM {ChangeCounter.__tablename__}"
)


# -- reader side ---------------------------------------------------------------


def data_version(conn: Connection) -> int:
    """SQLite's ``PRAGMA data_version`` of this connection: it changes when another
    connection commits, so a reader polls it on one long-lived connection."""
    return int(conn.exec_driver_sql("PRAGMA data_version").scalar_one())


def changed_domains(before: dict[str, int], after: dict[str, int]) -> frozenset[str]:
    """The domains whose counter differs between two :func:`counters` readings."""
    return frozenset(d for d in set(before) | set(after) if before.get(d) != after.get(d))
