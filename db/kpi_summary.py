"""Finished months' KPI counters kept between refreshes (migration 0014).

A quarter, a year and a twelve-month trend are mostly months that have ended. Their
counters are computed once by the ordinary statements (:mod:`db.kpi_queries`), kept
in ``kpi_month_summary`` and added up afterwards, so a refresh reads only the months
that are still moving. Nothing here decides a KPI: a summary holds exactly the
integers (and entry-lag medians) the statements gave, and is used only where they
would give the same again:

* **Nothing it counted has changed.** Triggers add 1 to a version in
  ``kpi_month_state`` of every month a written row counts in (``cases_version`` for
  cases, ``visits_version`` for visits and the cadence months), and to the street's
  (``ym`` 0) when a household, grid or holiday override changes; a summary records
  the month's and the street's version of its kind and is used only while they are
  current (read in the refresh's own snapshot).
* **No clock of its rows passes.** The counters of a month depend on the evaluation
  instant T only through comparisons of T with instants of its rows (events, the
  24 h, 2 h, 15-working-day and priority clocks). A summary computed at T records the
  latest of those instants at or before T (``valid_from``) and the earliest after it
  (``valid_until``): any T' in between compares the same way, so counts the same.
  The visits part of a finished month has no instant after the month's end (visits,
  met-visits and the cadence months are all inside it), so it holds from the month's
  end on.

A month gets its state row from a refresh that wants to keep it
(:func:`ensure_months`); on PostgreSQL under a share lock of the tables the triggers
watch, which waits for writers half-way through a transaction (their trigger found
no row to bump) and gives up after :data:`LOCK_WAIT_MS` (the next refresh tries
again). Keeping summaries is best effort: a role that may not write (the wall's), a
busy or read-only database, leaves them out and the refresh computes as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from db.engine import STATEMENT_TIMEOUT_OPTION, WRITE_OPTION
from db.models import Case, KpiMonthState, KpiMonthSummary
from db.triggers import trigger_aside
from db.types import CST, LocalDateTime

log = logging.getLogger(__name__)

#: the street's version: ``ym`` 0 of ``kpi_month_state``
STREET = 0
#: how long keeping summaries may wait for a lock (ms): a refresh never waits longer
LOCK_WAIT_MS = 200
#: the tables whose triggers bump versions (locked while a month's state row is added)
WATCHED = (
    "cases",
    "visit",
    "household_month",
    "household_quarter",
    "household",
    "grid",
    "holiday_override",
)


def layout_of(*parts: Iterable[str]) -> str:
    """A short signature of what a payload holds (the counters' field order): a
    summary written by a program with another layout is not read."""
    text_ = "|".join(",".join(p) for p in parts)
    return "v1:" + hashlib.sha1(text_.encode(), usedforsecurity=False).hexdigest()[:32]


@dataclass(frozen=True)
class Pending:
    """A summary to keep once the refresh's snapshot is closed."""

    ym: int
    part: str
    layout: str
    version: int
    street_version: int
    valid_from: datetime
    valid_until: datetime | None
    payload: dict[str, Any]


def month_start(ym: int) -> datetime:
    return datetime(ym // 100, ym % 100, 1, tzinfo=CST)


def month_end(ym: int) -> datetime:
    y, m = ym // 100, ym % 100
    return datetime(y + 1, 1, 1, tzinfo=CST) if m == 12 else datetime(y, m + 1, 1, tzinfo=CST)


# -- reading (inside the refresh's snapshot) -------------------------------------------


#: which version of ``kpi_month_state`` a part follows
VERSION_OF = {"cases": 0, "visits": 1, "lags": 1, "qfail": 1}


def read_states(conn: Connection, months: Iterable[int]) -> dict[int, tuple[int, int]]:
    """ym -> (cases version, visits version) of the months that have a state row (the
    street's as ``STREET``)."""
    wanted = sorted({*months, STREET})
    st = KpiMonthState
    return {
        ym: (int(c), int(v))
        for ym, c, v in conn.execute(
            select(st.ym, st.cases_version, st.visits_version).where(st.ym.in_(wanted))
        )
    }


def versions(states: Mapping[int, tuple[int, int]], ym: int, part: str) -> tuple[int, int] | None:
    """(the month's, the street's) version that a summary of ``part`` follows; None when
    either has no state row."""
    month, street = states.get(ym), states.get(STREET)
    if month is None or street is None:
        return None
    at = VERSION_OF[part]
    return month[at], street[at]


def load(
    conn: Connection,
    months: Sequence[int],
    states: Mapping[int, tuple[int, int]],
    layouts: Mapping[str, str],
    as_of: datetime,
) -> dict[tuple[int, str], str]:
    """(ym, part) -> payload (JSON text, parsed by the caller when it needs it) of the
    summaries that hold at ``as_of`` for the given versions (``states``:
    :func:`read_states` of the same snapshot)."""
    if STREET not in states or not months:
        return {}
    s = KpiMonthSummary
    rows = conn.execute(
        select(s.ym, s.part, s.layout, s.version, s.street_version, s.valid_from, s.valid_until)
        .where(s.ym.in_(sorted(set(months))), s.part.in_(list(layouts)))
        .order_by(s.ym, s.part)
    ).all()
    usable = [
        (ym, part)
        for ym, part, layout, version, street_version, valid_from, valid_until in rows
        if layout == layouts[part]
        and versions(states, ym, part) == (version, street_version)
        and valid_from <= as_of
        and (valid_until is None or as_of < valid_until)
    ]
    if not usable:
        return {}
    out: dict[tuple[int, str], str] = {}
    for ym, part, payload in conn.execute(
        select(s.ym, s.part, s.payload).where(
            s.ym.in_(sorted({ym for ym, _ in usable})), s.part.in_(list(layouts))
        )
    ):
        if (ym, part) in usable:
            out[(ym, part)] = payload
    return out


def _bounds(
    conn: Connection, columns: Sequence[Any], where: Sequence[Any], t: datetime
) -> tuple[datetime | None, datetime | None]:
    """(latest value <= t, earliest value > t) over ``columns`` of the rows ``where``."""
    bound = _t(t)
    aggs: list[Any] = []
    for col in columns:
        aggs.append(func.max(case((col <= bound, col), else_=None), type_=LocalDateTime()))
        aggs.append(func.min(case((col > bound, col), else_=None), type_=LocalDateTime()))
    row = conn.execute(select(*aggs).where(*where)).one()
    lows = [v for v in row[0::2] if v is not None]
    highs = [v for v in row[1::2] if v is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _t(value: datetime) -> Any:
    return bindparam(None, value, type_=LocalDateTime())


def cases_window(
    conn: Connection,
    ym: int,
    as_of: datetime,
    clocks: Sequence[datetime],
    immediate: timedelta,
) -> tuple[datetime, datetime | None]:
    """``(valid_from, valid_until)`` of the cases part of month ``ym`` computed at
    ``as_of``: the instants its counters compare with T are every event and clock of
    the cases received in the month (the immediate clock is ``received_at`` +
    ``immediate``), those of the cases closed in it and the receipt of the cases
    reopening them, and ``clocks`` (the transfer limits of the month's dates, from the
    calendar). ``valid_from`` is at least the month's end."""
    c = Case
    start, end = month_start(ym), month_end(ym)
    received = [c.received_at >= _t(start), c.received_at < _t(end)]
    lo1, hi1 = _bounds(
        conn,
        [
            c.received_at,
            c.assigned_at,
            c.eff_response_at,
            c.accepted_at,
            c.eff_closed_at,
            c.response_due_at,
            c.accept_due_at,
            c.deadline_at,
        ],
        received,
        as_of,
    )
    # received_at + 30 min passes T exactly when received_at passes T - 30 min
    lo2, hi2 = _bounds(conn, [c.received_at], received, as_of - immediate)
    closed = [c.eff_closed_at >= _t(start), c.eff_closed_at < _t(end)]
    lo3, hi3 = _bounds(conn, [c.eff_closed_at, c.received_at, c.assigned_at], closed, as_of)
    reopening = aliased(Case, name="reopening")
    closed_ids = select(c.id).where(*closed)
    lo4, hi4 = _bounds(
        conn,
        [reopening.received_at],
        [reopening.reopened_from_id.in_(closed_ids)],
        as_of,
    )
    lows = [end, *(v for v in (lo1, lo3, lo4) if v is not None)]
    if lo2 is not None:
        lows.append(lo2 + immediate)
    highs = [v for v in (hi1, hi3, hi4) if v is not None]
    if hi2 is not None:
        highs.append(hi2 + immediate)
    lows.extend(x for x in clocks if x <= as_of)
    highs.extend(x for x in clocks if x > as_of)
    return max(lows), (min(highs) if highs else None)


def transfer_days(conn: Connection, ym: int) -> list[datetime]:
    """The receipt instants of the month's `3wd` cases, one per local date (the
    transfer limit is a date's)."""
    c = Case
    rows = conn.execute(
        select(c.received_at)
        .where(
            c.received_at >= _t(month_start(ym)),
            c.received_at < _t(month_end(ym)),
            c.priority == "3wd",
        )
        .order_by(c.received_at)
    ).scalars()
    out: list[datetime] = []
    for value in rows:
        if not out or out[-1].date() != value.date():
            out.append(value)
    return out


# -- writing (after the snapshot) ------------------------------------------------------


#: the longest a PostgreSQL statement keeping summaries may run (a district month's
#: entry-lag values are a few megabytes)
STORE_STATEMENT_S = 10.0


def _quick(engine: Engine) -> Engine:
    """Transactions that give up rather than make a refresh wait for a lock: SQLite
    takes the write lock up front and waits at most :data:`LOCK_WAIT_MS` for it; on
    PostgreSQL :func:`_no_lock_wait` limits each lock wait the same way."""
    limit = LOCK_WAIT_MS / 1000 if engine.dialect.name == "sqlite" else STORE_STATEMENT_S
    return engine.execution_options(**{WRITE_OPTION: True, STATEMENT_TIMEOUT_OPTION: limit})


#: databases (by URL) on which this process may not write (the wall's role, a
#: read-only file): keeping is not tried again there
_REFUSED: set[str] = set()


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _refused(engine: Engine, exc: SQLAlchemyError) -> None:
    """Note a failed attempt; a refusal of the right to write ends the attempts."""
    orig = getattr(exc, "orig", None)
    denied = getattr(orig, "sqlstate", None) == "42501" or "readonly" in str(orig).lower()
    if denied:
        _REFUSED.add(_key(engine))
        log.info("KPI month summaries are not kept: %s may not write to this database", engine.url)
    else:
        log.debug("KPI month summaries not kept now: %s", exc)


def _no_lock_wait(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")


def ensure_months(engine: Engine, months: Iterable[int]) -> bool:
    """Give the months (and the street) a state row where they have none, so that
    writes to them bump a version from now on. False when it could not be done now
    (no right to write, a lock not free within :data:`LOCK_WAIT_MS`): nothing is kept
    for those months until a later refresh manages."""
    wanted = sorted({*months, STREET})
    if _key(engine) in _REFUSED:
        return False
    try:
        with _quick(engine).begin() as conn:
            have = set(
                conn.execute(select(KpiMonthState.ym).where(KpiMonthState.ym.in_(wanted))).scalars()
            )
            missing = [ym for ym in wanted if ym not in have]
            if not missing:
                return True
            if conn.dialect.name == "postgresql":
                _no_lock_wait(conn)
                conn.exec_driver_sql(f"LOCK TABLE {', '.join(WATCHED)} IN SHARE MODE")
                stmt: Any = pg_insert(KpiMonthState).on_conflict_do_nothing()
            else:
                stmt = sqlite_insert(KpiMonthState).on_conflict_do_nothing()
            conn.execute(
                stmt, [{"ym": ym, "cases_version": 0, "visits_version": 0} for ym in missing]
            )
        return True
    except SQLAlchemyError as exc:
        _refused(engine, exc)
        return False


def store(engine: Engine, pending: Sequence[Pending]) -> bool:
    """Keep the summaries (replacing a month's older one). False when it could not be
    done now; the refresh's numbers are unaffected either way."""
    if not pending or _key(engine) in _REFUSED:
        return not pending
    now = datetime.now(CST)
    rows = [
        {
            "ym": p.ym,
            "part": p.part,
            "layout": p.layout,
            "version": p.version,
            "street_version": p.street_version,
            "valid_from": p.valid_from,
            "valid_until": p.valid_until,
            "computed_at": now,
            "payload": json.dumps(p.payload, separators=(",", ":")),
        }
        for p in pending
    ]
    s = KpiMonthSummary
    try:
        with _quick(engine).begin() as conn:
            _no_lock_wait(conn)
            keys = [and_(s.ym == r["ym"], s.part == r["part"]) for r in rows]
            conn.execute(delete(s).where(or_(*keys)))
            conn.execute(insert(s), rows)
        return True
    except SQLAlchemyError as exc:
        _refused(engine, exc)
        return False


# -- bulk inserts (an import) ------------------------------------------------------------

#: SQLite: per table, its kept-months insert trigger (migration 0014), the version it
#: bumps and the month a row counts in (the trigger's own expression)
_ROW_MARKS = {
    "visit": (
        "kpi_visit_ins",
        "visits_version",
        "CAST(substr(visited_at, 1, 4) || substr(visited_at, 6, 2) AS INTEGER)",
    ),
}


@contextmanager
def marks_set_aside(conn: Connection, table: str) -> Iterator[None]:
    """A bulk insert into ``table`` without its per-row kept-months trigger, with the
    same effect on the versions.

    On SQLite the trigger runs once per inserted row (1,000,000 visits: about 1 s of
    CPU). Inside this context it is dropped, in the caller's transaction; on leaving
    it, every month the rows inserted meanwhile count in gets its version bumped in one
    statement (once per month instead of once per row: a summary is used only while
    its version is the one it was computed at, so any increase does), and the trigger
    is created again from its stored text. An exception leaves both to the
    transaction's rollback. Updates and deletes inside keep their own triggers,
    which stay. Elsewhere nothing changes: PostgreSQL's trigger
    runs once per statement."""
    spec = _ROW_MARKS.get(table)
    if spec is None:
        yield
        return
    name, column, ym = spec
    with trigger_aside(conn, table, name) as before:
        yield
        if before is None:
            return
        if conn.exec_driver_sql("SELECT 1 FROM kpi_month_state LIMIT 1").first() is not None:
            conn.exec_driver_sql(
                f"UPDATE kpi_month_state SET {column} = {column} + 1 WHERE ym IN "
                f'(SELECT DISTINCT {ym} FROM "{table}" WHERE rowid > ?)',
                (before,),
            )
