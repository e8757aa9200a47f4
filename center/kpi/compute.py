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

import base64
import json
import logging
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
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool

from center.core.errors import UserError
from center.core.kpis import DEPARTMENT_KPIS, HOUR_KPIS, KPI_KEYS
from center.core.vocab import SCOPES
from center.kpi.calendar import WorkCalendar, load_calendar
from center.kpi.priority import transfer_ranges
from db import kpi_queries as q
from db import kpi_summary as ks
from db.changes import counters
from db.engine import STATEMENT_TIMEOUT_OPTION, statement_limit
from db.types import CST, period_instant, to_local

log = logging.getLogger(__name__)
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
    end = offset + len(values)
    if vec is None:
        vec = acc[key] = [0] * len(_FIELDS)
        vec[offset:end] = values
        return
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


def _targets(conn: Connection) -> dict[str, _Target]:
    return {k: _Target(v, hib, Fraction(repr(v))) for k, (v, hib) in q.load_targets(conn).items()}


# ---------------------------------------------------------------------------
# Kept month summaries (db.kpi_summary)
#
# A finished month's counters are kept in two parts: ``cases`` (the case counters of
# every grid and department: _FIELDS from _INTAKE_AT on) and ``visits`` (the month's
# cadence counters per grid and its entry-lag medians at every level). A quarter or a
# year adds the ``cases`` parts of its finished months to the statements over the
# rest; a twelve-month trend takes whole months. The numbers are those the statements
# give (tests/kpi/test_kept_months.py computes every period both ways).

_CASE_LAYOUT = ks.layout_of(_FIELDS[_INTAKE_AT:], ("cases",))
_VISIT_LAYOUT = ks.layout_of(_FIELDS[:_INTAKE_AT], q.LAG_LEVELS, ("visits",))
_LAG_LAYOUT = ks.layout_of(("lag_hours", "float64le", "base64"), ("lags",))
_QFAIL_LAYOUT = ks.layout_of(("household_id", "int32le", "base64"), ("qfail",))
_LAYOUTS = {
    "cases": _CASE_LAYOUT,
    "visits": _VISIT_LAYOUT,
    "lags": _LAG_LAYOUT,
    "qfail": _QFAIL_LAYOUT,
}
#: Keep finished months' counters and use them. False: every refresh reads every month.
KEEP_MONTHS = True
#: Engine execution option: ``engine.execution_options(center_kpi_keep=False)`` computes
#: without kept months (the benchmark's and the tests' reference).
KEEP_OPTION = "center_kpi_keep"


def _ended(months: Iterable[int], as_of: datetime) -> list[int]:
    return [ym for ym in months if ks.month_end(ym) <= as_of]


class _Kept:
    """The kept summaries a refresh may use for its finished months (read in its
    snapshot) and those it computes there and will keep (:meth:`flush`, after the
    snapshot)."""

    def __init__(
        self,
        reader: _Reader,
        months: Sequence[int],
        as_of: datetime,
        parts: Sequence[str] = ("cases", "visits"),
    ) -> None:
        options = reader.engine.get_execution_options()
        self.enabled = bool(months) and KEEP_MONTHS and options.get(KEEP_OPTION, True)
        self.months = list(months)
        self.as_of = as_of
        self.states: dict[int, tuple[int, int]] = {}
        self.found: dict[tuple[int, str], str] = {}
        self.parsed: dict[tuple[int, str], dict[str, Any]] = {}
        self.pending: list[ks.Pending] = []
        self.calendar: WorkCalendar | None = None  # loaded when a month's case part is kept
        if self.enabled:
            layouts = {part: _LAYOUTS[part] for part in parts}
            try:
                # a savepoint: a role that may not read the summaries (the wall's before
                # its grants are refreshed) leaves the refresh's transaction usable
                with reader.conn.begin_nested():
                    self.states = ks.read_states(reader.conn, self.months)
                    self.found = ks.load(reader.conn, self.months, self.states, layouts, as_of)
            except SQLAlchemyError as exc:
                log.info("KPI month summaries not read: %s", exc)
                self.enabled = False
                self.states, self.found = {}, {}

    def has(self, ym: int, part: str) -> bool:
        return (ym, part) in self.found

    def get(self, ym: int, part: str) -> dict[str, Any] | None:
        """The kept payload, parsed on first use (a year's entry lags are parsed on
        the helper thread that needs them, beside the other statements)."""
        key = (ym, part)
        found = self.found.get(key)
        if found is None:
            return None
        parsed = self.parsed.get(key)
        if parsed is None:
            parsed = self.parsed[key] = json.loads(found)
        return parsed

    def can_keep(self, ym: int) -> bool:
        return self.enabled and ym in self.states and ks.STREET in self.states

    def keep_cases(self, conn: Connection, ym: int, data: _GridData) -> None:
        if not self.can_keep(ym):
            return
        if self.calendar is None:
            self.calendar = load_calendar(conn)
        clocks = _transfer_clocks(conn, self.calendar, ym)
        valid_from, valid_until = ks.cases_window(
            conn, ym, self.as_of, clocks, timedelta(microseconds=q.IMMEDIATE_MICROS)
        )
        payload = {
            "g": [
                [g, *v[_INTAKE_AT:]]
                for g, v in sorted(data.by_grid.items(), key=_unit_order)
                if any(v[_INTAKE_AT:])
            ],
            "d": [[d, *v[_INTAKE_AT:]] for d, v in sorted(data.by_dept.items(), key=_unit_order)],
        }
        self._keep(ym, "cases", payload, valid_from, valid_until)

    def keep_visits(self, ym: int, data: _GridData) -> None:
        if not self.can_keep(ym) or set(data.lags) != set(q.LAG_LEVELS):
            return
        lags = {
            level: [[u, m.count, m.median] for u, m in sorted(by_unit.items(), key=_unit_order)]
            for level, by_unit in data.lags.items()
        }
        payload = {
            "g": [
                [g, *v[:_INTAKE_AT]]
                for g, v in sorted(data.by_grid.items(), key=_unit_order)
                if any(v[:_INTAKE_AT])
            ],
            "l": lags,
        }
        # a finished month's visits all happened before its end (module note)
        self._keep(ym, "visits", payload, ks.month_end(ym), None)

    def keep_lags(self, ym: int, arrays: Mapping[int, Any]) -> None:
        if not self.can_keep(ym):
            return
        payload = {"a": [[g, _encode(a)] for g, a in sorted(arrays.items())]}
        self._keep(ym, "lags", payload, ks.month_end(ym), None)

    def keep_quarter_fails(self, ym: int, ids: Sequence[int]) -> None:
        """The households failing the whole quarter that ends with month ``ym``
        (:func:`db.kpi_queries.quarter_fails`): its rows all lie inside it, so they hold
        from its end on, while the quarter's months and the street keep their visits
        versions (a ``household_quarter`` row bumps every month of its quarter, a
        household the street)."""
        if not self.can_keep(ym):
            return
        import numpy as np

        packed = base64.b64encode(np.asarray(ids, dtype="<i4").tobytes()).decode("ascii")
        self._keep(ym, "qfail", {"f": packed}, ks.month_end(ym), None)

    def quarter_fails(self, ym: int) -> Any | None:
        payload = self.get(ym, "qfail")
        if payload is None:
            return None
        import numpy as np

        return np.frombuffer(base64.b64decode(payload["f"]), dtype="<i4")

    def lags(self, ym: int) -> dict[int, Any] | None:
        payload = self.get(ym, "lags")
        if payload is None:
            return None
        return {int(g): _decode(text) for g, text in payload["a"]}

    def _keep(
        self,
        ym: int,
        part: str,
        payload: dict[str, Any],
        valid_from: datetime,
        valid_until: datetime | None,
    ) -> None:
        month, street = ks.versions(self.states, ym, part) or (0, 0)
        self.pending.append(
            ks.Pending(ym, part, _LAYOUTS[part], month, street, valid_from, valid_until, payload)
        )

    def flush(self, engine: Engine) -> None:
        """Add the missing months' state rows (their summaries can be kept from the next
        refresh on) and keep what this refresh computed."""
        if not self.enabled:
            return
        missing = [ym for ym in self.months if ym not in self.states]
        if missing or ks.STREET not in self.states:
            ks.ensure_months(engine, missing)
        ks.store(engine, self.pending)


def _encode(values: Any) -> str:
    return base64.b64encode(values.astype("<f8").tobytes()).decode("ascii")


def _decode(text: str) -> Any:
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype="<f8")


def _unit_key(value: Any) -> Any:
    """A unit id as kept (JSON): an int, or None (the street; a case without a grid)."""
    return None if value is None else int(value)


def _unit_order(item: tuple[Any, Any]) -> tuple[int, int]:
    unit = item[0]
    return (0, 0) if unit is None else (1, int(unit))


def _transfer_clocks(conn: Connection, cal: WorkCalendar, ym: int) -> list[datetime]:
    """The `3wd` limits of the dates in the month on which a `3wd` case was received
    (they are compared with T)."""
    days = {to_local(t).date() for t in ks.transfer_days(conn, ym)}
    return [cal.transfer_deadline(day) for day in sorted(days)]


def _add_cases_payload(
    by_grid: dict[int, list[int]], by_dept: dict[int, list[int]], payload: Mapping[str, Any]
) -> None:
    for row in payload["g"]:
        _add(by_grid, _unit_key(row[0]), _INTAKE_AT, row[1:])
    for row in payload["d"]:
        _add(by_dept, _unit_key(row[0]), _INTAKE_AT, row[1:])


def _visits_from_payload(
    by_grid: dict[int, list[int]], payload: Mapping[str, Any]
) -> dict[str, dict[int | None, q.LagMedian]]:
    for row in payload["g"]:
        _add(by_grid, _unit_key(row[0]), 0, row[1:])
    return {
        level: {_unit_key(unit): q.LagMedian(int(n), median) for unit, n, median in rows}
        for level, rows in payload["l"].items()
    }


def _add_case_rows(
    found: Mapping[str, Any],
    by_grid: dict[int, list[int]],
    by_dept: dict[int, list[int]],
    per_month: dict[int, tuple[dict[int, list[int]], dict[int, list[int]]]] | None = None,
) -> None:
    """Add the intake, closed and priority rows to the period's counters; with
    ``per_month`` the rows lead with their month, and the months named there also get
    their own counters."""
    skip = 1 if per_month is not None else 0
    for offset, name in (
        (_INTAKE_AT, "intake"),
        (_CLOSED_AT, "closed"),
        (_PRIORITY_AT, "priority"),
    ):
        for row in found[name]:
            grid, dept, values = row[skip], row[skip + 1], row[skip + 2 :]
            targets = [(by_grid, by_dept)]
            if per_month is not None:
                month = per_month.get(int(row[0]))
                if month is not None:
                    targets.append(month)
            for grids, depts in targets:
                _add(grids, grid, offset, values)
                if dept is not None:
                    _add(depts, dept, offset, values)


def _fetch(
    reader: _Reader,
    period: Period,
    as_of: datetime,
    scopes: Iterable[str],
    kept: _Kept | None = None,
) -> _GridData:
    """Grid- and department-level counters for the period, running only the statements
    the given scopes need (departments have neither coverage nor entry lag), spread
    over this thread and helper connections as :data:`_LAYOUT` says when the reader
    allows helpers. With ``kept``, finished months come from their kept summaries where
    they hold (cases: the period's first months; a finished month as a whole), and the
    finished months computed here are kept."""
    wanted = set(scopes)
    start, end = period.start_at, period.end_at
    months = period.months()
    ended = _ended(months, as_of) if kept is not None and kept.enabled else []
    assert kept is not None or not ended
    # the case counters of the period's first finished months that are kept
    prefix: list[int] = []
    for ym in ended:
        if kept is None or kept.get(ym, "cases") is None:
            break
        prefix.append(ym)
    case_start = ks.month_end(prefix[-1]) if prefix else start
    run_cases = len(prefix) < len(months)
    to_keep = [ym for ym in ended[len(prefix) :] if kept is not None and kept.can_keep(ym)]
    by_month = run_cases and period.kind != "month" and bool(to_keep)
    # the visits of a finished month
    visits_kept = None
    keep_visits = False
    levels = [level for level in q.LAG_LEVELS if level in wanted]
    needs_visits = bool(wanted - {"department"})
    if kept is not None and period.kind == "month" and ended and needs_visits:
        visits_kept = kept.get(months[0], "visits")
        keep_visits = visits_kept is None and kept.can_keep(months[0])
        if keep_visits:
            levels = list(q.LAG_LEVELS)

    # the whole quarters of a quarter or a year that have ended, by their last month:
    # the households failing each are kept (or found now and kept), and the cadence
    # reads only the quarters still running
    quarter_ends = (
        [ym for ym in ended if ym % 100 % 3 == 0]
        if kept is not None and kept.enabled and period.kind != "month"
        else []
    )

    def cadence(conn: Connection) -> tuple[Any, dict[int, list[int]]]:
        special_months, ordinary_groups = period.cadence()
        fails: dict[int, Any] = {}
        fresh: dict[int, list[int]] = {}
        for ym in quarter_ends:
            assert kept is not None
            ids = kept.quarter_fails(ym)
            if ids is None and kept.can_keep(ym):
                ids = fresh[ym] = q.quarter_fails(conn, q.quarter_of(ym))
            if ids is not None:
                fails[q.quarter_of(ym)] = ids
        rows = q.coverage_by_grid(
            conn,
            special_months=special_months,
            ordinary_groups=ordinary_groups,
            moved_out_before=period.end,
            as_of=as_of,
            quarter_fails=fails,
        )
        return rows, fresh

    works: dict[str, Callable[[Connection], Any]] = {}
    if run_cases:
        works["intake"] = lambda c: _intake_work(c, case_start, end, as_of, by_month)
        works["closed"] = lambda c: q.closed_by_grid_dept(
            c, start=case_start, end=end, as_of=as_of, by_month=by_month
        )
    # the entry lags of a quarter or a year: the values of its finished months kept
    # (or read now and kept) and of the rest, when every finished month can be
    by_values = False
    if kept is not None and period.kind != "month" and ended and levels and needs_visits:
        by_values = all(kept.has(ym, "lags") or kept.can_keep(ym) for ym in ended)
    rest_start = ks.month_end(ended[-1]) if ended else start

    def lag_values(conn: Connection) -> tuple[Any, dict[int, dict[int, Any]]]:
        """The medians from the kept months' values, those read now (returned too, to
        be kept) and the rest's, all on this (helper) thread."""
        assert kept is not None
        kept_lags = [kept.lags(ym) for ym in ended if kept.has(ym, "lags")]
        fresh = {
            ym: q.lag_values_by_grid(
                conn, start=ks.month_start(ym), end=ks.month_end(ym), as_of=as_of
            )
            for ym in ended
            if not kept.has(ym, "lags")
        }
        rest = (
            q.lag_values_by_grid(conn, start=rest_start, end=end, as_of=as_of)
            if rest_start < end
            else {}
        )
        months = [a for a in kept_lags if a is not None] + [*fresh.values(), rest]
        return _medians_of_months(q.load_units(conn), months, levels), fresh

    if needs_visits and visits_kept is None:
        works["cadence"] = cadence
        if by_values:
            works["lag"] = lag_values
        elif levels:
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
    by_grid: dict[int, list[int]] = {}
    by_dept: dict[int, list[int]] = {}
    per_month: dict[int, tuple[dict[int, list[int]], dict[int, list[int]]]] = {
        ym: ({}, {}) for ym in to_keep
    }
    if run_cases:
        found["intake"], found["priority"] = found["intake"]
        _add_case_rows(found, by_grid, by_dept, per_month if by_month else None)
    for ym in prefix:
        assert kept is not None
        _add_cases_payload(by_grid, by_dept, kept.get(ym, "cases") or {})
    lags = found.get("lag", {})
    if by_values:
        lags, fresh = lags
        for ym, arrays in fresh.items():
            assert kept is not None
            kept.keep_lags(ym, arrays)
    cadence_rows, fresh_fails = found.get("cadence", ([], {}))
    for row in cadence_rows:
        _add(by_grid, row[0], 0, row[1:])
    for ym, ids in fresh_fails.items():
        assert kept is not None
        kept.keep_quarter_fails(ym, ids)
    if visits_kept is not None:
        lags = _visits_from_payload(by_grid, visits_kept)
    data = _GridData(units, targets, by_grid, by_dept, lags)
    if kept is not None:
        if period.kind == "month" and run_cases and to_keep:
            kept.keep_cases(conn, months[0], data)
        for ym, (grids, depts) in per_month.items() if by_month else ():
            kept.keep_cases(conn, ym, _GridData(units, targets, grids, depts, {}))
        if keep_visits:
            kept.keep_visits(months[0], data)
    return data


def _medians_of_months(
    units: q.Units, months: Sequence[Mapping[int, Any]], levels: Sequence[str]
) -> dict[str, dict[int | None, q.LagMedian]]:
    """Entry-lag medians from several months' ``lag_hours`` arrays per grid."""
    import numpy as np

    per_grid: dict[int, list[Any]] = {}
    for arrays in months:
        for g, values in arrays.items():
            per_grid.setdefault(g, []).append(values)
    by_grid = {g: np.concatenate(parts) for g, parts in per_grid.items()}
    members: dict[int, list[int]] = {}
    for ref in units.grids:
        if ref.id in by_grid:
            members.setdefault(ref.community_id, []).append(ref.id)
    return q.medians_of_values(by_grid, members, levels)


def _fetch_months(
    reader: _Reader,
    periods: list[Period],
    as_of: datetime,
    scopes: Iterable[str],
    kept: _Kept | None = None,
) -> list[_GridData]:
    """:func:`_fetch` for consecutive months at once: the months kept whole (both parts,
    or the cases part for departments alone) come from their summaries; the others
    from one pass per kind of row over the span they cover, grouped by month (entry
    lag, a median, still reads each month's visits on its own), and the finished ones
    among them are kept."""
    wanted = set(scopes)
    months = [p.months()[0] for p in periods]
    needs_visits = bool(wanted - {"department"})
    levels = [level for level in q.LAG_LEVELS if level in wanted]
    ended = _ended(months, as_of) if kept is not None and kept.enabled else []

    def whole(ym: int) -> bool:
        assert kept is not None
        return kept.get(ym, "cases") is not None and (
            not needs_visits or kept.get(ym, "visits") is not None
        )

    done = {ym for ym in ended if whole(ym)}
    live_at = [i for i, ym in enumerate(months) if ym not in done]
    live: dict[int, _GridData] = {}
    conn = reader.conn
    if live_at:
        span = periods[live_at[0] : live_at[-1] + 1]
        span_months = months[live_at[0] : live_at[-1] + 1]
        keep = [ym for ym in ended if ym in span_months and kept is not None and kept.can_keep(ym)]
        if keep and needs_visits:
            levels = list(q.LAG_LEVELS)
        computed = _fetch_span(reader, span, as_of, needs_visits, levels)
        live = dict(zip(span_months, computed, strict=True))
        for ym in keep:
            assert kept is not None
            kept.keep_cases(conn, ym, live[ym])
            if needs_visits:
                kept.keep_visits(ym, live[ym])
    units, targets = (
        (live[months[live_at[0]]].units, live[months[live_at[0]]].targets)
        if live
        else (q.load_units(conn), _targets(conn))
    )
    out = []
    for ym in months:
        if ym in live:
            out.append(live[ym])
            continue
        assert kept is not None
        by_grid: dict[int, list[int]] = {}
        by_dept: dict[int, list[int]] = {}
        _add_cases_payload(by_grid, by_dept, kept.get(ym, "cases") or {})
        lags: dict[str, dict[int | None, q.LagMedian]] = {}
        visits = kept.get(ym, "visits")
        if needs_visits and visits is not None:
            lags = _visits_from_payload(by_grid, visits)
        out.append(_GridData(units, targets, by_grid, by_dept, lags))
    return out


#: Up to this many months a span's cadence is read month by month (one probe of
#: ``household_quarter`` per household and month): cheaper than the one pass over the
#: span's ``household_month`` rows that a longer span takes (district, one month:
#: 196 against 614 ms)
_MONTH_BY_MONTH = 2


def _fetch_span(
    reader: _Reader,
    periods: list[Period],
    as_of: datetime,
    cadence: bool,
    levels: list[str],
) -> list[_GridData]:
    """The counters of consecutive months from one pass per kind of row, grouped by
    month. The kinds run side by side as :data:`_LAYOUT` says when the reader has
    helpers (a twelve-month trend is four statements over a year of rows: one after
    the other they took four times the longest)."""
    months = [p.months()[0] for p in periods]
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
    if cadence and len(periods) <= _MONTH_BY_MONTH:
        works["cadence"] = lambda c: {
            p.months()[0]: q.coverage_by_grid(
                c,
                special_months=p.cadence()[0],
                ordinary_groups=p.cadence()[1],
                moved_out_before=p.end,
                as_of=as_of,
            )
            for p in periods
        }
    elif cadence:
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
    per_month: dict[int, tuple[dict[int, list[int]], dict[int, list[int]]]] = {
        ym: ({}, {}) for ym in months
    }
    for ym, rows in found.get("cadence", {}).items():
        for row in rows:
            _add(per_month[ym][0], row[0], 0, row[1:])
    _add_case_rows(found, {}, {}, per_month)
    return [
        _GridData(units, targets, per_month[ym][0], per_month[ym][1], lag)
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


_UnitRow = tuple[str, str, "list[int] | None", "q.LagMedian | None", Sequence[str]]


def _unit_rows(data: _GridData, scope: str) -> list[_UnitRow]:
    """Each unit of the scope: (code, name, counters, entry-lag median, KPI keys)."""
    units = data.units
    if scope == "department":
        return [
            (d.code, d.name, data.by_dept.get(d.id), None, DEPARTMENT_KPIS)
            for d in units.departments
        ]
    lags = data.lags.get(scope, {})
    if scope == "grid":
        return [
            (g.code, g.name, data.by_grid.get(g.id), lags.get(g.id), KPI_KEYS) for g in units.grids
        ]
    if scope == "community":
        members: dict[int, list[list[int]]] = {}
        for g in units.grids:
            if g.id in data.by_grid:
                members.setdefault(g.community_id, []).append(data.by_grid[g.id])
        return [
            (c.code, c.name, _sum(members.get(c.id, [])), lags.get(c.id), KPI_KEYS)
            for c in units.communities
        ]
    name = units.street_name
    return [(name, name, _sum(data.by_grid.values()), lags.get(None), KPI_KEYS)]


def _rollup(data: _GridData, scope: str) -> list[UnitKpis]:
    return [
        UnitKpis(code, name, _kpi_values(vec, lag, data.targets, keys))
        for code, name, vec, lag, keys in _unit_rows(data, scope)
    ]


def _plain_values(
    vec: list[int] | None, lag: q.LagMedian | None, keys: Sequence[str]
) -> list[float | None]:
    """The values :func:`_kpi_values` gives, without targets (a trend's points)."""
    c = vec if vec is not None else _ZEROS
    out: list[float | None] = []
    for key in keys:
        at = _RATIO_AT.get(key)
        if at is not None:
            num_at, den_at = at
            den = sum(c[i] for i in den_at)
            out.append(sum(c[i] for i in num_at) / den if den else None)
        elif key == "avg_response_hours":
            n = c[_RESP_COUNT_AT]
            out.append(c[_RESP_MICROS_AT] / (n * _MICROS_PER_HOUR) if n else None)
        else:  # entry_lag_hours
            out.append(lag.median if lag is not None else None)
    return out


_ZEROS = [0] * len(_FIELDS)
_RESP_COUNT_AT = _AT["resp_count"]
_RESP_MICROS_AT = _AT["resp_micros"]


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
        pg = engine.dialect.name == "postgresql"
        # the reader's statement limit (the wall's short one), set once the snapshot is
        # joined: the transaction's first statement must be SET TRANSACTION SNAPSHOT
        # (only psycopg connections get the program's limits: db.engine.make_engine)
        guarded = pg and engine.dialect.driver == "psycopg"
        limit = engine.get_execution_options().get(STATEMENT_TIMEOUT_OPTION) if guarded else None
        if limit is not None:
            engine = engine.execution_options(**{STATEMENT_TIMEOUT_OPTION: None})
        try:
            with engine.connect() as conn:
                if pg:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        # the first statement of the transaction: the reader's snapshot
                        conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{token}'")
                        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                        if limit is not None:
                            statement_limit(conn, limit)
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


def _parts_for(p: Period) -> tuple[str, ...]:
    """The kept parts a period's refresh reads: a month is taken whole, a quarter or a
    year adds its months' case counters and entry-lag values and its ended quarters'
    failing households."""
    return ("cases", "visits") if p.kind == "month" else ("cases", "lags", "qfail")


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
        kept = _Kept(reader, _ended(p.months(), t), t, _parts_for(p))
        data = _fetch(reader, p, t, [scope], kept)
    kept.flush(engine)
    return KpiSnapshot(p.label, t, scope, _rollup(data, scope))


def compute_all_scopes(
    engine: Engine, period: str, as_of: datetime | None = None
) -> dict[str, KpiSnapshot]:
    """The four scopes from one set of grid-level statements."""
    p = parse_period(period)
    t = _resolve_as_of(as_of)
    with _read(engine) as reader:
        kept = _Kept(reader, _ended(p.months(), t), t, _parts_for(p))
        data = _fetch(reader, p, t, SCOPES, kept)
    kept.flush(engine)
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
        label = p.label
        for code, _, vec, lag, keys in _unit_rows(data, scope):
            series = out.setdefault(code, {})
            for key, value in zip(keys, _plain_values(vec, lag, keys), strict=True):
                series.setdefault(key, []).append((label, value))
    return out


def trend(engine: Engine, scope: str, as_of: datetime | None = None, months: int = 12) -> Trend:
    """Unit code -> KPI key -> [(YYYY-MM, value)], oldest first, for the ``months``
    calendar months up to and including the month of ``as_of`` (each as of ``as_of``)."""
    _check_scope(scope)
    t = _resolve_as_of(as_of)
    periods = _trend_periods(t, months)
    with _read(engine) as reader:
        kept = _Kept(reader, _ended([p.months()[0] for p in periods], t), t)
        fetched = _fetch_months(reader, periods, t, [scope], kept)
    kept.flush(engine)
    return _series(periods, fetched, scope)


def trend_all_scopes(
    engine: Engine, as_of: datetime | None = None, months: int = 12
) -> dict[str, Trend]:
    """:func:`trend` of the four scopes from one set of statements (scope -> trend),
    as :func:`compute_all_scopes` is for one period."""
    t = _resolve_as_of(as_of)
    periods = _trend_periods(t, months)
    with _read(engine) as reader:
        kept = _Kept(reader, _ended([p.months()[0] for p in periods], t), t)
        fetched = _fetch_months(reader, periods, t, SCOPES, kept)
    kept.flush(engine)
    return {s: _series(periods, fetched, s) for s in SCOPES}
