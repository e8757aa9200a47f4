"""The twelve KPIs of `spec/kpi.md`, and ``priority_on_time`` of `spec/insight.md`, for
any period, scope and evaluation instant.

The wall, the workstation, ``center kpi`` and the PDF reports all call this module.
A refresh runs a handful of grid-level aggregate statements (:mod:`db.kpi_queries`)
in one read snapshot, on up to four connections at once where the database allows
it (helper threads whose connections read the caller's snapshot: see
:class:`_Reader`), and rolls the integer counters up to community and street in
Python; department rows come from the same statements grouped by department.
Ratios stay exact (integer numerator and denominator) until the final division.

Readings where `kpi.md` leaves room:

* ``entry_lag_hours`` counts a visit made by T even when it was recorded after T
  (the visit happened; the spec stamps a visit by ``visited_at``, as for cadence).
* A rating counts with its closed case; ``rated_at`` is not an event of the spec
  (interchange files carry no such column).
* ``ok`` compares the exact fraction with the target as written (0.9 is 9/10).
* Units are ordered by code; the street unit's code and name are the first street's
  name ("" in a database without one). The default T is now, to the second.
"""

from __future__ import annotations

import operator
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.pool import QueuePool

from center.core.errors import UserError
from center.core.kpis import DEPARTMENT_KPIS, HOUR_KPIS, KPI_KEYS
from center.core.vocab import SCOPES
from center.kpi.calendar import load_calendar
from center.kpi.priority import transfer_ranges
from db import kpi_queries as q
from db.changes import counters
from db.types import CST, period_instant, to_local

_MICROS_PER_HOUR = 3_600_000_000
PG_WORK_MEM = "64MB"  # per sort/hash of a KPI refresh, for that transaction only


# ---------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year: ``[start, end)`` in local dates."""

    kind: str  # month | quarter | year
    start: date
    end: date  # first day of the next period (exclusive)
    label: str  # canonical text: 2026-10, 2026Q4, 2026

    @property
    def start_at(self) -> datetime:
        return period_instant(self.start)

    @property
    def end_at(self) -> datetime:
        return period_instant(self.end)

    @property
    def year(self) -> int:
        return self.start.year

    def months(self) -> list[int]:
        """The months of the period as ``yyyymm`` integers."""
        y, m = self.start.year, self.start.month
        out = []
        while (y, m) < (self.end.year, self.end.month):
            out.append(y * 100 + m)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def cadence(self) -> tuple[list[int], list[tuple[int, int]]]:
        """(months needing >= 2 met-visits for a special household, inclusive month
        ranges each needing >= 1 met-visit for an ordinary household)."""
        y = self.start.year
        if self.kind == "month":
            month = self.start.month
            quarter_first = y * 100 + (month - 1) // 3 * 3 + 1
            return [y * 100 + month], [(quarter_first, y * 100 + month)]
        months = self.months()
        if self.kind == "quarter":
            return months, [(months[0], months[-1])]
        return months, [(y * 100 + m, y * 100 + m + 2) for m in (1, 4, 7, 10)]


_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER_RE = re.compile(r"(\d{4})[Qq]([1-4])")
_YEAR_RE = re.compile(r"(\d{4})")


def _next_month(y: int, m: int) -> date:
    return date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)


def month_period(y: int, m: int) -> Period:
    return Period("month", date(y, m, 1), _next_month(y, m), f"{y:04d}-{m:02d}")


def quarter_period(y: int, n: int) -> Period:
    first = (n - 1) * 3 + 1
    return Period("quarter", date(y, first, 1), _next_month(y, first + 2), f"{y:04d}Q{n}")


def year_period(y: int) -> Period:
    return Period("year", date(y, 1, 1), date(y + 1, 1, 1), f"{y:04d}")


def parse_period(text: str) -> Period:
    """``YYYY-MM``, ``YYYYQn`` or ``YYYY``; ValueError naming the text otherwise."""
    s = text.strip()
    if m := _MONTH_RE.fullmatch(s):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= y < 9999 and 1 <= mo <= 12:
            return month_period(y, mo)
    elif m := _QUARTER_RE.fullmatch(s):
        y = int(m.group(1))
        if 1 <= y < 9999:
            return quarter_period(y, int(m.group(2)))
    elif m := _YEAR_RE.fullmatch(s):
        y = int(m.group(1))
        if 1 <= y < 9999:
            return year_period(y)
    raise ValueError(
        f"invalid period {text!r}: expected a month YYYY-MM, a quarter YYYYQn or a year YYYY"
    )


def parse_as_of(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is +08:00."""
    s = text.strip()
    try:
        value = datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(
            f"invalid as-of instant {text!r}: expected ISO 8601, e.g. 2026-11-05T09:00:00+08:00"
        ) from None
    return to_local(value)


def _resolve_as_of(as_of: datetime | None) -> datetime:
    return to_local(as_of) if as_of is not None else datetime.now(CST).replace(microsecond=0)


class PeriodNotStarted(UserError):
    """The period starts after the evaluation instant. A user's request for it is
    refused rather than computed: every KPI of a period with nothing in it yet reads
    0.0 % ✗ or —, which a street office would take for a real, failed result (the
    report builds refuse such a period too, in :mod:`center.reporting`)."""


def check_started(p: Period, as_of: datetime | None = None) -> None:
    """Raise :class:`PeriodNotStarted` when ``p`` has not started at ``as_of`` (default
    now); its first instant is inside it."""
    as_of = _resolve_as_of(as_of)
    if as_of < p.start_at:
        current = month_period(as_of.year, as_of.month).label
        raise PeriodNotStarted(
            f"the period {p.label} has not started at the evaluation instant "
            f"{as_of:%Y-%m-%d %H:%M} (it starts on {p.start:%Y-%m-%d}): there is nothing "
            f"to measure yet; choose a period up to {current}, or a later instant (--as-of)"
        )


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise ValueError(f"invalid scope {scope!r}: expected one of {', '.join(SCOPES)}")


# ---------------------------------------------------------------------------
# Snapshot


@dataclass(frozen=True)
class KpiValue:
    key: str
    value: float | None
    numerator: int | None  # None for the two hour KPIs
    denominator: int | None
    target: float
    ok: bool | None

    def to_json_dict(self) -> dict[str, Any]:
        if self.key in HOUR_KPIS:
            return {"value": self.value, "target": self.target, "ok": self.ok}
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "target": self.target,
            "ok": self.ok,
        }

    def exact(self) -> Fraction | None:
        """The exact value of a ratio KPI (None when null or an hour KPI)."""
        if self.numerator is None or not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator)


@dataclass(frozen=True)
class UnitKpis:
    code: str
    name: str
    kpis: dict[str, KpiValue]


@dataclass(frozen=True)
class KpiSnapshot:
    period: str
    as_of: datetime
    scope: str
    units: list[UnitKpis]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "as_of": to_local(self.as_of).isoformat(),
            "scope": self.scope,
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "kpis": {k: v.to_json_dict() for k, v in u.kpis.items()},
                }
                for u in self.units
            ],
        }

    def unit(self, code: str) -> UnitKpis:
        for u in self.units:
            if u.code == code:
                return u
        raise KeyError(code)


# ---------------------------------------------------------------------------
# Grid-level data and roll-up
#
# Each unit's additive counters are one list of integers laid out as _FIELDS, so
# rolling up is element-wise addition.

_FIELDS = q.COVERAGE_FIELDS + q.INTAKE_FIELDS + q.CLOSED_FIELDS + q.PRIORITY_FIELDS
_AT = {f: i for i, f in enumerate(_FIELDS)}
_INTAKE_AT = len(q.COVERAGE_FIELDS)
_CLOSED_AT = _INTAKE_AT + len(q.INTAKE_FIELDS)
_PRIORITY_AT = _CLOSED_AT + len(q.CLOSED_FIELDS)


@dataclass(frozen=True)
class _Target:
    value: float
    higher_is_better: bool
    exact: Fraction  # the target as written (0.9 is 9/10, not the nearest double)

    def met_by(self, num: int, den: int) -> bool:
        """Whether the exact ratio num/den (den > 0) meets the target."""
        lhs, rhs = num * self.exact.denominator, self.exact.numerator * den
        return lhs >= rhs if self.higher_is_better else lhs <= rhs


@dataclass(frozen=True)
class _GridData:
    units: q.Units
    targets: dict[str, _Target]
    by_grid: dict[int, list[int]]  # grid id -> counters (_FIELDS)
    by_dept: dict[int, list[int]]  # department id -> counters (case fields only)
    lags: dict[str, dict[int | None, q.LagMedian]]


def _add(acc: dict[Any, list[int]], key: Any, offset: int, values: Sequence[int]) -> None:
    vec = acc.get(key)
    if vec is None:
        vec = acc[key] = [0] * len(_FIELDS)
    end = offset + len(values)
    vec[offset:end] = map(operator.add, vec[offset:end], values)


def _sum(vectors: Iterable[list[int]]) -> list[int]:
    total = [0] * len(_FIELDS)
    for vec in vectors:
        total[:] = map(operator.add, total, vec)
    return total


#: How the four statements of a refresh are spread over threads: the first group runs
#: on the calling thread, each further group on a helper connection. One statement
#: per thread: measured at street scale on SQLite, layouts interleaved in one process
#: (median ms, month / quarter / year): this 45 / 86-90 / 261; two threads 43-51 /
#: 83-91 / 292-331; one thread 55 / 109 / 435. At district scale on PostgreSQL the
#: server does the work, one backend per connection.
#: The received cases' counters and their priority clocks come from one statement
#: (``intake``: :func:`db.kpi_queries.intake_and_priority_by_grid_dept`), one pass
#: over the period's cases instead of two.
_LAYOUT: tuple[tuple[str, ...], ...] = (
    ("intake",),
    ("cadence",),
    ("lag",),
    ("closed",),
)


def _intake_work(
    conn: Connection, start: datetime, end: datetime, as_of: datetime, by_month: bool = False
) -> tuple[list[Any], list[Any]]:
    """:func:`db.kpi_queries.intake_and_priority_by_grid_dept` for cases received in
    [start, end) and by T, with the `3wd` limits of those received dates from the
    product's calendar (holiday overrides included)."""
    cal = load_calendar(conn)
    first = to_local(start).date()
    last = min(to_local(end) - timedelta(microseconds=1), to_local(as_of)).date()
    ranges = transfer_ranges(cal, first, last, cap=as_of)
    day = first
    while day <= last and cal.transfer_deadline(day) <= as_of:
        day += timedelta(days=1)
    passed_before = period_instant(day)
    if not ranges:  # nothing can be received: any limit will do
        ranges = [(start, start)]
    return q.intake_and_priority_by_grid_dept(
        conn,
        start=start,
        end=end,
        as_of=as_of,
        transfer_limits=ranges,
        transfer_passed_before=passed_before,
        by_month=by_month,
    )


def _fetch(reader: _Reader, period: Period, as_of: datetime, scopes: Iterable[str]) -> _GridData:
    """Grid- and department-level counters for the period, running only the statements
    the given scopes need (departments have neither coverage nor entry lag), spread
    over this thread and helper connections as :data:`_LAYOUT` says when the reader
    allows helpers."""
    wanted = set(scopes)
    start, end = period.start_at, period.end_at
    levels = [level for level in q.LAG_LEVELS if level in wanted]

    def cadence(conn: Connection) -> Any:
        special_months, ordinary_groups = period.cadence()
        return q.coverage_by_grid(
            conn,
            special_months=special_months,
            ordinary_groups=ordinary_groups,
            moved_out_before=period.end,
            as_of=as_of,
        )

    works: dict[str, Callable[[Connection], Any]] = {
        "intake": lambda c: _intake_work(c, start, end, as_of),
        "closed": lambda c: q.closed_by_grid_dept(c, start=start, end=end, as_of=as_of),
    }
    if wanted - {"department"}:
        works["cadence"] = cadence
    if levels:
        works["lag"] = lambda c: q.entry_lag_medians(
            c, start=start, end=end, as_of=as_of, levels=levels
        )
    groups = [[name for name in group if name in works] for group in _LAYOUT]

    def run_all(names: tuple[str, ...]) -> Callable[[Connection], list[Any]]:
        return lambda c: [works[n](c) for n in names]

    sides = [(group, reader.beside(run_all(tuple(group)))) for group in groups[1:] if group]
    conn = reader.conn
    found = {name: works[name](conn) for name in groups[0]}
    units, targets = q.load_units(conn), _targets(conn)
    for group, side in sides:
        found.update(zip(group, side.result(), strict=True))
    found["intake"], found["priority"] = found["intake"]
    by_grid: dict[int, list[int]] = {}
    by_dept: dict[int, list[int]] = {}
    for offset, name in (
        (_INTAKE_AT, "intake"),
        (_CLOSED_AT, "closed"),
        (_PRIORITY_AT, "priority"),
    ):
        for row in found[name]:
            _add(by_grid, row[0], offset, row[2:])
            if row[1] is not None:
                _add(by_dept, row[1], offset, row[2:])
    for row in found.get("cadence", []):
        _add(by_grid, row[0], 0, row[1:])
    return _GridData(units, targets, by_grid, by_dept, found.get("lag", {}))


def _targets(conn: Connection) -> dict[str, _Target]:
    return {k: _Target(v, hib, Fraction(repr(v))) for k, (v, hib) in q.load_targets(conn).items()}


def _fetch_months(
    reader: _Reader, periods: list[Period], as_of: datetime, scopes: Iterable[str]
) -> list[_GridData]:
    """:func:`_fetch` for consecutive months at once: the counters of all months come
    from one pass per kind of row, grouped by month (entry lag, a median, still reads
    each month's visits on its own). The kinds run side by side as :data:`_LAYOUT`
    says when the reader has helpers (a twelve-month trend is four statements over a
    year of rows: one after the other they took four times the longest)."""
    wanted = set(scopes)
    months = [p.months()[0] for p in periods]
    levels = [level for level in q.LAG_LEVELS if level in wanted]
    start, end = periods[0].start_at, periods[-1].end_at

    def lag(conn: Connection) -> list[Any]:
        return [
            q.entry_lag_medians(conn, start=p.start_at, end=p.end_at, as_of=as_of, levels=levels)
            for p in periods
        ]

    works: dict[str, Callable[[Connection], Any]] = {
        "intake": lambda c: _intake_work(c, start, end, as_of, by_month=True),
        "closed": lambda c: q.closed_by_grid_dept(
            c, start=start, end=end, as_of=as_of, by_month=True
        ),
        "lag": lag,
    }
    if wanted - {"department"}:
        works["cadence"] = lambda c: q.coverage_by_grid_months(c, months=months, as_of=as_of)
    groups = [[name for name in group if name in works] for group in _LAYOUT]

    def run_all(names: tuple[str, ...]) -> Callable[[Connection], list[Any]]:
        return lambda c: [works[n](c) for n in names]

    sides = [(group, reader.beside(run_all(tuple(group)))) for group in groups[1:] if group]
    conn = reader.conn
    found = {name: works[name](conn) for name in groups[0]}
    units, targets = q.load_units(conn), _targets(conn)
    for group, side in sides:
        found.update(zip(group, side.result(), strict=True))
    found["intake"], found["priority"] = found["intake"]
    by_grid: dict[int, dict[int, list[int]]] = {ym: {} for ym in months}
    by_dept: dict[int, dict[int, list[int]]] = {ym: {} for ym in months}
    for ym, rows in found.get("cadence", {}).items():
        for row in rows:
            _add(by_grid[ym], row[0], 0, row[1:])
    for offset, name in (
        (_INTAKE_AT, "intake"),
        (_CLOSED_AT, "closed"),
        (_PRIORITY_AT, "priority"),
    ):
        for row in found[name]:
            ym = int(row[0])
            _add(by_grid[ym], row[1], offset, row[3:])
            if row[2] is not None:
                _add(by_dept[ym], row[2], offset, row[3:])
    return [
        _GridData(units, targets, by_grid[ym], by_dept[ym], lag)
        for ym, lag in zip(months, found["lag"], strict=True)
    ]


_RATIOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # key: (numerator fields, denominator fields)
    "coverage": (("special_ok", "ordinary_ok"), ("special_total", "ordinary_total")),
    "special_care": (("special_ok",), ("special_total",)),
    "response_24h": (("resp_within",), ("resp_due",)),
    "dept_start_2h": (("accept_within",), ("accept_due",)),
    "closure_15wd": (("close_within",), ("close_due",)),
    "repeat_rate": (("repeats",), ("received",)),
    "second_complaint_rate": (("reopened",), ("closed",)),
    "on_the_spot_rate": (("from_visit_on_spot",), ("from_visit",)),
    "satisfaction": (("satisfied",), ("rated",)),
    "proactive_share": (("proactive",), ("received",)),
    "priority_on_time": (("prio_met",), ("prio_due",)),
}
_RATIO_AT = {
    k: (tuple(_AT[f] for f in num), tuple(_AT[f] for f in den)) for k, (num, den) in _RATIOS.items()
}


def _kpi_values(
    vec: list[int] | None,
    lag: q.LagMedian | None,
    targets: Mapping[str, _Target],
    keys: Iterable[str],
) -> dict[str, KpiValue]:
    c = vec if vec is not None else [0] * len(_FIELDS)
    out: dict[str, KpiValue] = {}
    for key in keys:
        target = targets[key]
        if key in _RATIO_AT:
            num_at, den_at = _RATIO_AT[key]
            num = sum(c[i] for i in num_at)
            den = sum(c[i] for i in den_at)
            if den:
                out[key] = KpiValue(key, num / den, num, den, target.value, target.met_by(num, den))
            else:
                out[key] = KpiValue(key, None, num, den, target.value, None)
        elif key == "avg_response_hours":
            n = c[_AT["resp_count"]]
            if n:
                micros, hours_den = c[_AT["resp_micros"]], n * _MICROS_PER_HOUR
                value = micros / hours_den
                out[key] = KpiValue(
                    key, value, None, None, target.value, target.met_by(micros, hours_den)
                )
            else:
                out[key] = KpiValue(key, None, None, None, target.value, None)
        else:  # entry_lag_hours
            median = lag.median if lag is not None else None
            ok = None
            if median is not None:
                ok = median >= target.value if target.higher_is_better else median <= target.value
            out[key] = KpiValue(key, median, None, None, target.value, ok)
    return out


def _rollup(data: _GridData, scope: str) -> list[UnitKpis]:
    units, targets = data.units, data.targets
    if scope == "department":
        return [
            UnitKpis(
                d.code, d.name, _kpi_values(data.by_dept.get(d.id), None, targets, DEPARTMENT_KPIS)
            )
            for d in units.departments
        ]
    lags = data.lags.get(scope, {})
    if scope == "grid":
        return [
            UnitKpis(
                g.code,
                g.name,
                _kpi_values(data.by_grid.get(g.id), lags.get(g.id), targets, KPI_KEYS),
            )
            for g in units.grids
        ]
    if scope == "community":
        members: dict[int, list[list[int]]] = {}
        for g in units.grids:
            if g.id in data.by_grid:
                members.setdefault(g.community_id, []).append(data.by_grid[g.id])
        return [
            UnitKpis(
                c.code,
                c.name,
                _kpi_values(_sum(members.get(c.id, [])), lags.get(c.id), targets, KPI_KEYS),
            )
            for c in units.communities
        ]
    name = units.street_name
    street = _sum(data.by_grid.values())
    return [UnitKpis(name, name, _kpi_values(street, lags.get(None), targets, KPI_KEYS))]


#: Run statements of a refresh on helper connections, in helper threads, beside the
#: calling thread's (they wait on the database most of the time, and the drivers
#: release the GIL while they do). False: everything on one thread.
PARALLEL = True
#: Engine execution option: ``engine.execution_options(center_kpi_helpers=False)``
#: computes KPIs on the calling thread only (the wall, which already loads its
#: parts side by side on worker threads: there helpers only added contention and
#: a page cache per extra connection).
HELPERS_OPTION = "center_kpi_helpers"


def _begin_read(conn: Connection) -> Connection:
    """Start the read transaction of a refresh on ``conn`` (returns the connection
    to use). On PostgreSQL: REPEATABLE READ, read only, see :func:`_pg_settings`."""
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        _pg_settings(conn)
    else:
        conn.begin()
    return conn


def _pg_settings(conn: Connection) -> None:
    """Room to sort and hash a district's period in memory; no JIT compilation (the
    KPI statements' estimated costs make PostgreSQL compile them, which took 170 ms
    of a 470 ms statement at district scale and never paid back); no parallel
    workers (a refresh already runs its statements side by side, and the workers of
    a parallel plan each rebuilt the cadence statement's whole hash table)."""
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{PG_WORK_MEM}'")
    conn.exec_driver_sql("SET LOCAL jit = off")
    conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


class _Side:
    """Work running on a helper thread with its own connection on the reader's
    snapshot; :meth:`result` waits for it. If the helper could not join that
    snapshot, the work runs on the calling thread's connection instead."""

    def __init__(self, reader: _Reader, work: Callable[[Connection], Any]) -> None:
        self._reader = reader
        self._work = work
        self._value: Any = None
        self._error: BaseException | None = None
        self._joined = False
        self._thread: threading.Thread | None = None
        token = reader.token()
        if token is not None:
            self._thread = threading.Thread(
                target=self._run, args=(token,), name="kpi-side", daemon=True
            )
            self._thread.start()

    def _run(self, token: Any) -> None:
        engine = self._reader.engine
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "postgresql":
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        # the first statement of the transaction: the reader's snapshot
                        conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{token}'")
                        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                        _pg_settings(conn)
                        self._value = self._work(conn)
                        self._joined = True
                else:
                    with conn.begin():
                        # WAL: this transaction's snapshot is the reader's if no write
                        # committed in between; every write bumps a change counter
                        if counters(conn) == token:
                            self._value = self._work(conn)
                            self._joined = True
        except BaseException as exc:  # noqa: BLE001 - re-raised on the calling thread
            self._error = exc

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def result(self) -> Any:
        if self._thread is not None:
            self._thread.join()
            if self._error is not None:
                raise self._error
            if self._joined:
                self._reader.helped += 1
                return self._value
        return self._work(self._reader.conn)


class _Reader:
    """The read transaction of a refresh: ``conn`` on the calling thread and, when
    :data:`PARALLEL` and the engine allows it, helpers on the same snapshot
    (:meth:`beside`): PostgreSQL exports the snapshot to the helper; on SQLite (WAL)
    the helper's snapshot is checked against the reader's change counters."""

    def __init__(self, engine: Engine, conn: Connection) -> None:
        self.engine = engine
        self.conn = conn
        self.helped = 0  # side works that ran on a helper connection
        self._sides: list[_Side] = []
        self._token: Any = None
        self._token_read = False

    def parallel(self) -> bool:
        if not PARALLEL or not self.engine.get_execution_options().get(HELPERS_OPTION, True):
            return False
        if self.engine.dialect.name == "postgresql":
            return True
        db = self.engine.url.database or ""
        file_backed = db not in ("", ":memory:") and "mode=memory" not in db
        return file_backed and isinstance(self.engine.pool, QueuePool)

    def token(self) -> Any:
        """What a helper needs to read this snapshot (None: no helper)."""
        if not self._token_read:
            self._token_read = True
            if self.parallel():
                if self.engine.dialect.name == "postgresql":
                    self._token = self.conn.exec_driver_sql(
                        "SELECT pg_export_snapshot()"
                    ).scalar_one()
                else:
                    self._token = counters(self.conn)
        return self._token

    def beside(self, work: Callable[[Connection], Any]) -> _Side:
        side = _Side(self, work)
        self._sides.append(side)
        return side

    def wait_for_helpers(self) -> None:
        """Wait until every helper has finished (results and errors stay with them)."""
        for side in self._sides:
            side.wait()


@contextmanager
def _read(engine: Engine) -> Iterator[_Reader]:
    """One read transaction (one snapshot) for all statements of a refresh. No helper
    outlives it, whether the refresh succeeds or fails (a helper on PostgreSQL needs
    the transaction that exported its snapshot)."""
    with engine.connect() as conn:
        conn = _begin_read(conn)
        reader = _Reader(engine, conn)
        try:
            yield reader
        finally:
            reader.wait_for_helpers()
            conn.rollback()


# ---------------------------------------------------------------------------
# Public API


def compute_kpis(
    engine: Engine, period: str, scope: str, as_of: datetime | None = None
) -> KpiSnapshot:
    """All KPIs of every unit of ``scope`` for ``period`` as of ``as_of`` (default now).
    A period that has not started at ``as_of`` computes (every value empty or 0): the
    commands a user runs refuse it first with :func:`check_started`."""
    _check_scope(scope)
    p = parse_period(period)
    t = _resolve_as_of(as_of)
    with _read(engine) as reader:
        data = _fetch(reader, p, t, [scope])
    return KpiSnapshot(p.label, t, scope, _rollup(data, scope))


def compute_all_scopes(
    engine: Engine, period: str, as_of: datetime | None = None
) -> dict[str, KpiSnapshot]:
    """The four scopes from one set of grid-level statements."""
    p = parse_period(period)
    t = _resolve_as_of(as_of)
    with _read(engine) as reader:
        data = _fetch(reader, p, t, SCOPES)
    return {s: KpiSnapshot(p.label, t, s, _rollup(data, s)) for s in SCOPES}


Trend = dict[str, dict[str, list[tuple[str, float | None]]]]


def _trend_periods(t: datetime, months: int) -> list[Period]:
    """The ``months`` calendar months up to and including the month of ``t``, oldest
    first."""
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    y, m = t.year, t.month
    periods = []
    for _ in range(months):
        periods.append(month_period(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    periods.reverse()
    return periods


def _series(periods: list[Period], fetched: list[_GridData], scope: str) -> Trend:
    out: Trend = {}
    for p, data in zip(periods, fetched, strict=True):
        for unit in _rollup(data, scope):
            series = out.setdefault(unit.code, {})
            for key, kv in unit.kpis.items():
                series.setdefault(key, []).append((p.label, kv.value))
    return out


def trend(engine: Engine, scope: str, as_of: datetime | None = None, months: int = 12) -> Trend:
    """Unit code -> KPI key -> [(YYYY-MM, value)], oldest first, for the ``months``
    calendar months up to and including the month of ``as_of`` (each as of ``as_of``)."""
    _check_scope(scope)
    t = _resolve_as_of(as_of)
    periods = _trend_periods(t, months)
    with _read(engine) as reader:
        fetched = _fetch_months(reader, periods, t, [scope])
    return _series(periods, fetched, scope)


def trend_all_scopes(
    engine: Engine, as_of: datetime | None = None, months: int = 12
) -> dict[str, Trend]:
    """:func:`trend` of the four scopes from one set of statements (scope -> trend),
    as :func:`compute_all_scopes` is for one period."""
    t = _resolve_as_of(as_of)
    periods = _trend_periods(t, months)
    with _read(engine) as reader:
        fetched = _fetch_months(reader, periods, t, SCOPES)
    return {s: _series(periods, fetched, s) for s in SCOPES}
