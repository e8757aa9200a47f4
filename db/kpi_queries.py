"""Set-based KPI queries (`spec/kpi.md`), grouped by grid (and by department).

Each function reads one kind of row once (households and their months, cases
received, cases closed, visits) in one or two aggregate statements and returns
small per-unit rows of integer counters; :mod:`center.kpi.compute` rolls them up
to community and street and turns them into KPI values. The statements only compare columns that
were derived on write (``eff_*``, ``*_due_at``, ``deadline_at``, ``is_repeat``,
``household_month``, ``visit.lag_hours``) with the bound instants of the period
and of the evaluation instant T, so SQLite and PostgreSQL give the same answer.

Instants are bound through :class:`db.types.LocalDateTime` (naive +08:00), the
same representation the columns use.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    LargeBinary,
    Select,
    and_,
    bindparam,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import aliased

from db.models import (
    Case,
    Community,
    Department,
    Grid,
    Household,
    HouseholdMonth,
    HouseholdQuarter,
    KpiTarget,
    Street,
    Visit,
)
from db.seed import DEFAULT_TARGETS
from db.types import CST, LocalDateTime

# ---------------------------------------------------------------------------
# Result rows
#
# The aggregate statements return plain tuples: the unit key(s) followed by integer
# counters in the order of the ``*_FIELDS`` tuples below, so the caller can add rows
# positionally when rolling up.

COVERAGE_FIELDS: tuple[str, ...] = (
    "special_total",  # special households in scope
    "special_ok",  # ... meeting their cadence
    "ordinary_total",
    "ordinary_ok",
)
INTAKE_FIELDS: tuple[str, ...] = (
    "received",  # cases received in the period and by T
    "repeats",
    "proactive",
    "from_visit",
    "from_visit_on_spot",
    "resp_within",  # responded by T and within 24 h
    "resp_due",  # responded by T or 24 h passed by T
    "resp_count",  # responded by T
    "resp_micros",  # sum of (response - received) in microseconds over resp_count
    "accept_within",  # assigned and accepted by T, within 2 h
    "accept_due",  # assigned by T, and accepted by T or 2 h passed by T
    "close_within",  # closed by T, by the deadline
    "close_due",  # closed by T or deadline passed by T
)
CLOSED_FIELDS: tuple[str, ...] = (
    "closed",  # cases closed in the period and by T
    "reopened",  # ... reopened by a case received by T
    "rated",  # ... with a rating 1..5
    "satisfied",  # ... rated 4 or 5
)
PRIORITY_FIELDS: tuple[str, ...] = (
    "prio_received",  # cases received in the period and by T (the row count)
    "prio_met",  # ... whose priority clock was met by T (spec/insight.md)
    "prio_due",  # ... whose priority clock was met by T or has passed by T
)


@dataclass(frozen=True)
class LagMedian:
    count: int
    median: float | None


@dataclass(frozen=True)
class GridRef:
    id: int
    code: str
    name: str
    community_id: int


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Units:
    street_name: str
    communities: list[UnitRef]
    grids: list[GridRef]
    departments: list[UnitRef]


# ---------------------------------------------------------------------------
# Helpers


def _instant(name: str, value: datetime) -> Any:
    """A bound instant typed like the columns (aware -> naive +08:00)."""
    return bindparam(name, value, type_=LocalDateTime())


def _flag(cond: Any) -> Any:
    return case((cond, 1), else_=0)


# The case and visit statements read their rows through covering indexes, whose
# range for a period holds every column the statement needs (no table row is read):
# ix_case_received, ix_case_eff_closed, ix_visit_at, ix_household_month_ym and
# ix_household_quarter_yq (PostgreSQL; SQLite probes household_quarter by key).


def _in_period(column: Any, start: datetime, end: datetime, as_of: datetime) -> list[Any]:
    """``start <= column < end AND column <= T`` with the upper bound that binds: the
    other one is implied, so it is not evaluated for every row."""
    lo = column >= _instant("start", start)
    if as_of < end:
        return [lo, column <= _instant("t_end", as_of)]
    return [lo, column < _instant("end", end)]


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def month_of(dialect: str, column: Any) -> Any:
    """The local calendar month of a LocalDateTime column as ``yyyymm`` (an integer).

    The columns hold naive +08:00 local time (text on SQLite), so the month is read
    off the stored value on both dialects."""
    if dialect == "postgresql":
        return cast(
            extract("year", column) * literal_column("100") + extract("month", column), Integer
        )
    return cast(func.substr(column, 1, 4).op("||")(func.substr(column, 6, 2)), Integer)


def _ym_after(ym: int) -> int:
    return ym + 89 if ym % 100 == 12 else ym + 1


def quarter_of(ym: int) -> int:
    """``yyyymm`` -> ``yyyyq``."""
    return ym // 100 * 10 + (ym % 100 + 2) // 3


def quarter_of_column(ym: Any) -> Any:
    """:func:`quarter_of` of an integer ``yyyymm`` column, in SQL (literal constants, so
    that PostgreSQL can group by it)."""
    hundred, ten, two, three = (literal_column(str(n), Integer) for n in (100, 10, 2, 3))
    return ym // hundred * ten + (ym % hundred + two) // three


# ---------------------------------------------------------------------------
# Units


def load_units(conn: Connection) -> Units:
    street = conn.execute(select(Street.name).order_by(Street.id).limit(1)).scalar()
    communities = [
        UnitRef(i, c, n)
        for i, c, n in conn.execute(
            select(Community.id, Community.code, Community.name).order_by(Community.code)
        )
    ]
    grids = [
        GridRef(i, c, n, cid)
        for i, c, n, cid in conn.execute(
            select(Grid.id, Grid.code, Grid.name, Grid.community_id).order_by(Grid.code)
        )
    ]
    departments = [
        UnitRef(i, c, n)
        for i, c, n in conn.execute(
            select(Department.id, Department.code, Department.name).order_by(Department.code)
        )
    ]
    return Units(street or "", communities, grids, departments)


# ---------------------------------------------------------------------------
# Coverage


def coverage_by_grid(
    conn: Connection,
    *,
    special_months: Sequence[int],
    ordinary_groups: Sequence[tuple[int, int]],
    moved_out_before: date,
    as_of: datetime,
    quarter_fails: Mapping[int, Any] | None = None,
) -> list[tuple[int, ...]]:
    """Cadence counters per grid: ``(grid_id, *COVERAGE_FIELDS)`` rows.

    ``special_months``: the months (``yyyymm``) in each of which a special household
    needs >= 2 met-visits by T. ``ordinary_groups``: inclusive ``yyyymm`` ranges in
    each of which an ordinary household needs >= 1 met-visit by T. Households with
    ``moved_out_on`` < ``moved_out_before`` are out of scope.

    ``quarter_fails``: for whole calendar quarters of the cadence that ended at or
    before T, ``yyyyq`` -> the ids of the households that fail that quarter
    (:func:`quarter_fails`, of this snapshot): those quarters are decided by the ids
    instead of being read again.
    """
    if not special_months or not ordinary_groups:
        raise ValueError("a cadence needs at least one month and one group")
    t = _instant("t", as_of)
    quarters = _quarter_cadence(special_months, ordinary_groups)
    if quarters is not None:
        return _quarter_coverage_by_grid(conn, quarters, moved_out_before, t, quarter_fails)
    hm = HouseholdMonth
    lo = min(min(special_months), min(a for a, _ in ordinary_groups))
    hi = max(max(special_months), max(b for _, b in ordinary_groups))
    group_hits = [
        func.max(_flag(and_(hm.ym >= a, hm.ym <= b, hm.first_met_at <= t)))
        for a, b in ordinary_groups
    ]
    ordinary_hits: Any = group_hits[0]
    for g in group_hits[1:]:
        ordinary_hits = ordinary_hits + g
    # ix_household_month_ym (ym, household_id, first_met_at, second_met_at) covers the
    # statement: its range scan reads index pages only, cheaper than a table scan
    per_household = (
        select(
            hm.household_id.label("household_id"),
            func.sum(_flag(and_(hm.ym.in_(list(special_months)), hm.second_met_at <= t))).label(
                "special_hits"
            ),
            ordinary_hits.label("ordinary_hits"),
        )
        .where(hm.ym >= lo, hm.ym <= hi)
        .group_by(hm.household_id)
        .subquery("per_household")
    )
    h = Household
    in_scope = or_(h.moved_out_on.is_(None), h.moved_out_on >= moved_out_before)
    meets = case(
        (h.is_special, per_household.c.special_hits >= len(special_months)),
        else_=per_household.c.ordinary_hits >= len(ordinary_groups),
    )
    # Households without a met-visit have no per_household row: an inner join for
    # the numerator, a plain count for the denominator (cheaper than an outer join).
    met = (
        select(h.grid_id, h.is_special, func.count())
        .select_from(per_household)
        .join(h, h.id == per_household.c.household_id)
        .where(in_scope, meets)
        .group_by(h.grid_id, h.is_special)
    )
    total = (
        select(h.grid_id, h.is_special, func.count())
        .where(in_scope)
        .group_by(h.grid_id, h.is_special)
    )
    acc: dict[int, list[int]] = {}
    for column, rows in ((0, conn.execute(total).all()), (1, conn.execute(met).all())):
        for grid_id, special, n in rows:
            slot = acc.setdefault(grid_id, [0, 0, 0, 0])
            slot[(0 if special else 2) + column] += int(n)
    return [(g, *v) for g, v in sorted(acc.items())]


def _quarter_cadence(
    special_months: Sequence[int], ordinary_groups: Sequence[tuple[int, int]]
) -> list[tuple[int, int | None]] | None:
    """The ``household_quarter`` rows a cadence needs, as ``(yyyyq, month)`` pairs that
    must all be met: a calendar quarter ``[(q, None)]``; one of its months (1..3 in
    the quarter: special households that month, ordinary ones quarter to date)
    ``[(q, month)]``; a calendar year its four quarters. Else None."""
    months = sorted(special_months)
    first = months[0]
    quarter_first = first // 100 * 100 + (first % 100 - 1) // 3 * 3 + 1
    if len(months) == 1 and list(ordinary_groups) == [(quarter_first, first)]:
        return [(quarter_of(first), first - quarter_first + 1)]
    if (
        first == quarter_first
        and months == [first, first + 1, first + 2]
        and list(ordinary_groups) == [(first, first + 2)]
    ):
        return [(quarter_of(first), None)]
    year = first // 100
    if months == [year * 100 + m for m in range(1, 13)] and list(ordinary_groups) == [
        (year * 100 + m, year * 100 + m + 2) for m in (1, 4, 7, 10)
    ]:
        return [(year * 10 + q, None) for q in (1, 2, 3, 4)]
    return None


def _quarter_coverage_by_grid(
    conn: Connection,
    quarters: list[tuple[int, int | None]],
    moved_out_before: date,
    t: Any,
    quarter_fails: Mapping[int, Any] | None = None,
) -> list[tuple[int, ...]]:
    """:func:`coverage_by_grid` from ``household_quarter``: one pass over the households
    in scope, each probing its row of every quarter the cadence needs (see
    :func:`_quarter_cadence`; a household meets it when it meets every one). A whole
    quarter in ``quarter_fails`` is decided by those ids: the household meets it when
    it is not among them."""
    fails = quarter_fails or {}
    known = [yq for yq, month in quarters if month is None and yq in fails]
    h = Household
    stmt = select(h.grid_id, h.is_special, func.count()).select_from(h)
    special_ok: list[Any] = []
    ordinary_ok: list[Any] = []
    failed: Any = None
    if known:
        import numpy as np

        ids = np.unique(np.concatenate([np.asarray(fails[yq], dtype=np.int64) for yq in known]))
        if len(ids):
            failed = _listed(conn.dialect.name, h.id, ids)
    for i, (yq, month) in enumerate(quarters):
        if month is None and yq in fails:
            continue
        hq = aliased(HouseholdQuarter, name=f"q{i + 1}")
        stmt = stmt.outerjoin(hq, and_(hq.household_id == h.id, hq.yq == yq))
        if month is None:
            special_ok.append(hq.special_done_at <= t)
            ordinary_ok.append(hq.first_met_at <= t)
        else:
            second = (hq.second_met_1, hq.second_met_2, hq.second_met_3)[month - 1]
            ym = yq // 10 * 100 + (yq % 10) * 3 - 3 + month
            after = _ym_after(ym)
            next_month = datetime(after // 100, after % 100, 1, tzinfo=CST)
            special_ok.append(second <= t)
            ordinary_ok.append(
                and_(hq.first_met_at <= t, hq.first_met_at < _instant(f"next{i}", next_month))
            )
    whens: list[Any] = [] if failed is None else [(failed, 0)]
    meets = case(
        *whens,
        (h.is_special, _flag(and_(true(), *special_ok))),
        else_=_flag(and_(true(), *ordinary_ok)),
    )
    counted = (
        stmt.add_columns(func.sum(meets))
        .where(or_(h.moved_out_on.is_(None), h.moved_out_on >= moved_out_before))
        .group_by(h.grid_id, h.is_special)
    )
    acc: dict[int, list[int]] = {}
    for grid_id, special, total, ok in conn.execute(counted).all():
        slot = acc.setdefault(grid_id, [0, 0, 0, 0])
        at = 0 if special else 2
        slot[at] += int(total)
        slot[at + 1] += _int(ok)
    return [(g, *v) for g, v in sorted(acc.items())]


def _listed(dialect: str, column: Any, ids: Any) -> Any:
    """A condition true where the integer ``column`` is one of ``ids`` (ascending,
    non-negative): one parameter of one byte per possible id, 1 for a listed one, read
    at the column's value (``get_byte`` on PostgreSQL, ``substr`` of the blob on
    SQLite). No hash table of the ids is built and nothing is done per id: measured
    on a district's 128,000 failing households against 290,000, the cadence 206 ms
    against 210 with no list at all, 330-390 ms with ``IN`` or an outer join to an
    array of them."""
    import numpy as np

    last = int(ids[-1])
    flags = np.zeros(last + 1, dtype=np.uint8)
    flags[np.asarray(ids, dtype=np.int64)] = 1
    blob = bindparam("listed", flags.tobytes(), type_=LargeBinary())
    if dialect == "postgresql":
        # CASE keeps get_byte inside the array's bounds (AND may evaluate either side)
        return case((column <= last, func.get_byte(blob, column)), else_=0) == 1
    return func.substr(blob, column + 1, 1) == literal(b"\x01", LargeBinary())


def quarter_fails(conn: Connection, yq: int) -> list[int]:
    """The ids of the households, in or out of any scope, that fail the cadence of the
    whole quarter ``yyyyq`` (special: two met-visits in each of its months, i.e. a
    ``special_done_at``; ordinary: one met-visit in it, i.e. a row), ascending. For a
    quarter that ended at or before T this is the cadence by T: every instant of its
    rows lies inside it. :func:`coverage_by_grid` takes them as ``quarter_fails``."""
    h, hq = Household, HouseholdQuarter
    fails = case(
        (h.is_special, hq.special_done_at.is_(None)),
        else_=hq.household_id.is_(None),
    )
    stmt = (
        select(h.id)
        .select_from(h)
        .outerjoin(hq, and_(hq.household_id == h.id, hq.yq == yq))
        .where(fails)
        .order_by(h.id)
    )
    return list(conn.scalars(stmt))


def coverage_by_grid_months(
    conn: Connection, *, months: Sequence[int], as_of: datetime
) -> dict[int, list[tuple[int, ...]]]:
    """The month cadence of :func:`coverage_by_grid` for each of several months at
    once: ``{yyyymm: [(grid_id, *COVERAGE_FIELDS)]}``, each month exactly as
    ``coverage_by_grid`` computes it alone (special: 2 met-visits in the month;
    ordinary: 1 from the first month of its quarter to the month; households moved
    out before the next month's first day out of scope), in three statements:

    * households per (grid, special, moved_out_on): the denominators;
    * special households' months with a second met-visit by T;
    * ordinary households' first month with a met-visit by T in each quarter.
    """
    wanted = sorted(set(months))
    if not wanted:
        return {}
    t = _instant("t", as_of)
    hm, h = HouseholdMonth, Household
    first_q = wanted[0] // 100 * 100 + ((wanted[0] % 100 - 1) // 3 * 3 + 1)
    lo, hi = first_q, wanted[-1]
    totals = conn.execute(
        select(h.grid_id, h.is_special, h.moved_out_on, func.count()).group_by(
            h.grid_id, h.is_special, h.moved_out_on
        )
    ).all()
    special = conn.execute(
        select(h.grid_id, h.moved_out_on, hm.ym, func.count())
        .select_from(hm)
        .join(h, h.id == hm.household_id)
        .where(hm.ym >= lo, hm.ym <= hi, hm.second_met_at <= t, h.is_special)
        .group_by(h.grid_id, h.moved_out_on, hm.ym)
    ).all()
    hits = (
        select(
            hm.household_id.label("household_id"),
            hm.ym.label("ym"),
            quarter_of_column(hm.ym).label("quarter"),
        )
        .where(hm.ym >= lo, hm.ym <= hi, hm.first_met_at <= t)
        .subquery("hits")
    )
    first_hits = (
        select(hits.c.household_id, func.min(hits.c.ym).label("first_hit"))
        .group_by(hits.c.household_id, hits.c.quarter)
        .subquery("first_hits")
    )
    ordinary = conn.execute(
        select(h.grid_id, h.moved_out_on, first_hits.c.first_hit, func.count())
        .select_from(first_hits)
        .join(h, h.id == first_hits.c.household_id)
        .where(~h.is_special)
        .group_by(h.grid_id, h.moved_out_on, first_hits.c.first_hit)
    ).all()

    def in_scope(moved_out_on: date | None, ym: int) -> bool:
        after = _ym_after(ym)
        return moved_out_on is None or moved_out_on >= date(after // 100, after % 100, 1)

    out: dict[int, list[tuple[int, ...]]] = {}
    for ym in wanted:
        acc: dict[int, list[int]] = {}
        for grid_id, is_special, moved, n in totals:
            if in_scope(moved, ym):
                acc.setdefault(grid_id, [0, 0, 0, 0])[0 if is_special else 2] += int(n)
        for grid_id, moved, month, n in special:
            if month == ym and in_scope(moved, ym):
                acc.setdefault(grid_id, [0, 0, 0, 0])[1] += int(n)
        quarter = quarter_of(ym)
        for grid_id, moved, first_hit, n in ordinary:
            if first_hit <= ym and quarter_of(first_hit) == quarter and in_scope(moved, ym):
                acc.setdefault(grid_id, [0, 0, 0, 0])[3] += int(n)
        out[ym] = [(g, *v) for g, v in sorted(acc.items())]
    return out


# ---------------------------------------------------------------------------
# Cases


def _sum_by_grid_dept(
    conn: Connection,
    fields: tuple[str, ...],
    flags: dict[str, Any],
    dept_key: Any,
    where: list[Any],
    month_key: Any = None,
    extra_key: Any = None,
) -> list[tuple[Any, ...]]:
    """One pass over the cases selected by ``where``: ``(grid_id, dept_key, count,
    *sums)`` rows, where ``fields[0]`` is the row count and ``flags`` gives the
    per-case expression summed for each further field. With ``month_key`` the rows
    are also grouped by it and it comes first: ``(month, grid_id, dept_key, …)``;
    with ``extra_key`` also by that, which follows ``dept_key``.

    The grid is the case's own ``grid_id`` (no join). The keys are grouped on by their
    labels, so that the grouping key is computed once per case on both dialects
    (PostgreSQL cannot match a GROUP BY expression with bound parameters).
    """
    keys = [Case.grid_id.label("k_grid"), dept_key.label("k_dept")]
    if extra_key is not None:
        keys.append(extra_key.label("k_extra"))
    if month_key is not None:
        keys.insert(0, month_key.label("k_month"))
    q = (
        select(*keys, func.count(), *(func.sum(flags[f]) for f in fields[1:]))
        .where(*where)
        .group_by(*(literal_column(k.name) for k in keys))
    )
    n = len(keys)
    if conn.dialect.name == "sqlite":
        # integers only (a group holds at least one case, so no sum is NULL but that of
        # an optional column): take the driver's tuples, no result processing
        result = conn.execute(q)
        try:
            rows = result.cursor.fetchall()
        finally:
            result.close()
        return [
            row if None not in row[n:] else (*row[:n], *(_int(v) for v in row[n:])) for row in rows
        ]
    return [(*row[:n], *(_int(v) for v in row[n:])) for row in conn.execute(q).all()]


def intake_by_grid_dept(
    conn: Connection, *, start: datetime, end: datetime, as_of: datetime, by_month: bool = False
) -> list[tuple[Any, ...]]:
    """Counters over cases with ``start <= received_at < end`` and ``received_at <= T``:
    ``(grid_id, dept_id, *INTAKE_FIELDS)`` rows. ``dept_id`` is the case's department
    when its ``assigned_at`` <= T, else None (no department sees the case yet).
    ``by_month``: also grouped by the month received, ``(yyyymm, grid_id, …)`` rows."""
    flags = _intake_flags(as_of)
    t = _instant("t", as_of)
    c = Case
    where = _in_period(c.received_at, start, end, as_of)
    month = month_of(conn.dialect.name, c.received_at) if by_month else None
    return _sum_by_grid_dept(
        conn, INTAKE_FIELDS, flags, case((c.assigned_at <= t, c.dept_id), else_=None), where, month
    )


def _intake_flags(as_of: datetime) -> dict[str, Any]:
    """The per-case expression summed for each of ``INTAKE_FIELDS[1:]``."""
    t = _instant("t", as_of)
    c = Case
    assigned = c.assigned_at <= t
    responded = c.eff_response_at <= t
    accepted = c.accepted_at <= t
    closed = c.eff_closed_at <= t
    return {
        "repeats": _flag(c.is_repeat),
        "proactive": _flag(c.source == "proactive"),
        "from_visit": _flag(c.source == "visit"),
        "from_visit_on_spot": _flag(and_(c.source == "visit", c.on_the_spot)),
        "resp_within": _flag(and_(responded, c.eff_response_at <= c.response_due_at)),
        "resp_due": _flag(or_(responded, c.response_due_at <= t)),
        "resp_count": _flag(responded),
        "resp_micros": case((responded, c.response_micros), else_=None),
        "accept_within": _flag(and_(assigned, accepted, c.accepted_at <= c.accept_due_at)),
        "accept_due": _flag(and_(assigned, or_(accepted, c.accept_due_at <= t))),
        "close_within": _flag(and_(closed, c.eff_closed_at <= c.deadline_at)),
        "close_due": _flag(or_(closed, c.deadline_at <= t)),
    }


def closed_by_grid_dept(
    conn: Connection, *, start: datetime, end: datetime, as_of: datetime, by_month: bool = False
) -> list[tuple[Any, ...]]:
    """Counters over cases closed in the period (``start <= eff_closed_at < end`` and
    ``eff_closed_at <= T``): ``(grid_id, dept_id, *CLOSED_FIELDS)`` rows; ``by_month``:
    also grouped by the month closed, ``(yyyymm, grid_id, …)`` rows."""
    t = _instant("t", as_of)
    c = Case
    # reopened by a case received by T: a probe of ix_cases_reopened_from_id per case.
    # "IS NOT NULL" (implied by the equality) lets PostgreSQL build its hashed subplan
    # from that index's few reopening cases instead of reading every case (district
    # year: 0.8 of 3.4 s)
    reopening = aliased(Case, name="reopening")
    reopened = exists(
        select(reopening.id).where(
            reopening.reopened_from_id == c.id,
            reopening.reopened_from_id.is_not(None),
            reopening.received_at <= t,
        )
    )
    flags = {
        "reopened": _flag(reopened),
        "rated": _flag(c.satisfaction.between(1, 5)),
        "satisfied": _flag(c.satisfaction.between(4, 5)),
    }
    # through the covering ix_case_eff_closed for any period (no table row is read)
    where = [*_in_period(c.eff_closed_at, start, end, as_of), c.received_at <= t]
    month = month_of(conn.dialect.name, c.eff_closed_at) if by_month else None
    return _sum_by_grid_dept(
        conn, CLOSED_FIELDS, flags, case((c.assigned_at <= t, c.dept_id), else_=None), where, month
    )


#: the ``immediate`` priority clock's window in microseconds (spec/insight.md: 30 min)
IMMEDIATE_MICROS = 30 * 60 * 10**6
_IMMEDIATE = timedelta(microseconds=IMMEDIATE_MICROS)


def step(
    column: Any,
    ranges: Sequence[tuple[datetime, Any]],
    name: str,
    value: Callable[[str, Any], Any] | None = None,
) -> Any:
    """A value that steps with ``column``: ``ranges`` are ``(from_instant, value)``
    sorted by instant, a row takes the value of the last range starting at or before
    it (the first range's before all). A balanced tree of CASEs, so a row compares
    about log2(len(ranges)) times. ``value(bind_name, v)`` binds a value (default: an
    instant typed like the columns)."""
    if not ranges:
        raise ValueError("a step needs at least one range")
    bind = value or _instant

    def build(lo: int, hi: int) -> Any:
        if hi - lo == 1:
            return bind(f"{name}_v{lo}", ranges[lo][1])
        mid = (lo + hi) // 2
        return case(
            (column < _instant(f"{name}_b{mid}", ranges[mid][0]), build(lo, mid)),
            else_=build(mid, hi),
        )

    return build(0, len(ranges))


def priority_by_grid_dept(
    conn: Connection,
    *,
    start: datetime,
    end: datetime,
    as_of: datetime,
    transfer_limits: Sequence[tuple[datetime, datetime]],
    transfer_passed_before: datetime,
    by_month: bool = False,
) -> list[tuple[Any, ...]]:
    """Priority-clock counters (`spec/insight.md`) over cases with ``start <=
    received_at < end`` and ``received_at <= T``: ``(grid_id, dept_id,
    *PRIORITY_FIELDS)`` rows. ``dept_id`` is the case's department only for a `3wd`
    case assigned there by T (the department scope of ``priority_on_time``).

    ``transfer_limits``: the `3wd` limits capped at T as steps of ``received_at``
    (:func:`center.kpi.priority.transfer_ranges`); ``transfer_passed_before``: the
    first instant whose received date's `3wd` limit is after T (limits grow with the
    date, so a `3wd` clock has passed by T exactly for cases received before it).
    ``by_month``: also grouped by the month received, ``(yyyymm, grid_id, …)`` rows."""
    t = _instant("t", as_of)
    c = Case
    flags = _priority_flags(as_of, transfer_limits, transfer_passed_before)
    # priority and on_the_spot are not in ix_case_received, so each case of the period
    # costs a row lookup; reading the whole table in order instead only paid on a
    # table holding little more than the period (one year of synthetic cases). On the
    # demo street (24 months of cases) the index is faster for every period, measured
    # in CPU ms: quarter 23 against 49, year 143 against 219; a database only grows.
    where = _in_period(c.received_at, start, end, as_of)
    month = month_of(conn.dialect.name, c.received_at) if by_month else None
    dept = case((and_(c.assigned_at <= t, c.priority == "3wd"), c.dept_id), else_=None)
    return _sum_by_grid_dept(conn, PRIORITY_FIELDS, flags, dept, where, month)


def _priority_flags(
    as_of: datetime,
    transfer_limits: Sequence[tuple[datetime, datetime]],
    transfer_passed_before: datetime,
) -> dict[str, Any]:
    """The per-case expressions summed for ``prio_met`` and ``prio_due``."""
    t = _instant("t", as_of)
    c = Case
    limit3 = step(c.received_at, transfer_limits, "l3")
    met_immediate = and_(c.eff_response_at <= t, c.response_micros <= IMMEDIATE_MICROS)
    # the transfer limit is already capped at T: an event at or before it happened by T
    met_transfer = or_(c.assigned_at <= limit3, c.eff_closed_at <= limit3)
    met_24h = and_(c.eff_response_at <= t, c.eff_response_at <= c.response_due_at)
    met = case(
        (c.on_the_spot, 1),
        (c.priority == "immediate", _flag(met_immediate)),
        (c.priority == "3wd", _flag(met_transfer)),
        else_=_flag(met_24h),
    )
    due = case(
        (c.on_the_spot, 1),
        (
            c.priority == "immediate",
            _flag(or_(met_immediate, c.received_at <= _instant("t_imm", as_of - _IMMEDIATE))),
        ),
        (
            c.priority == "3wd",
            _flag(or_(c.received_at < _instant("t_3wd", transfer_passed_before), met_transfer)),
        ),
        else_=_flag(or_(met_24h, c.response_due_at <= t)),
    )
    return {"prio_met": met, "prio_due": due}


def intake_and_priority_by_grid_dept(
    conn: Connection,
    *,
    start: datetime,
    end: datetime,
    as_of: datetime,
    transfer_limits: Sequence[tuple[datetime, datetime]],
    transfer_passed_before: datetime,
    by_month: bool = False,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """:func:`intake_by_grid_dept` and :func:`priority_by_grid_dept` (the same
    arguments) from one pass over the period's received cases instead of two: the
    rows are grouped by whether the case is a `3wd` one as well, which splits them
    into the two results' department keys. The rows of either result may repeat a
    key (a grid and department in two groups): they are counters to be added."""
    t = _instant("t", as_of)
    c = Case
    flags = {
        **_intake_flags(as_of),
        **_priority_flags(as_of, transfer_limits, transfer_passed_before),
    }
    fields = INTAKE_FIELDS + PRIORITY_FIELDS[1:]  # prio_received is the row count
    where = _in_period(c.received_at, start, end, as_of)
    month = month_of(conn.dialect.name, c.received_at) if by_month else None
    dept = case((c.assigned_at <= t, c.dept_id), else_=None)
    is_3wd = _flag(c.priority == "3wd")
    rows = _sum_by_grid_dept(conn, fields, flags, dept, where, month, extra_key=is_3wd)
    keys = 3 if by_month else 2  # (month,) grid, dept; then the 3wd flag
    cut = keys + 1 + len(INTAKE_FIELDS)
    intake, priority = [], []
    for row in rows:
        head, three_wd, counts = row[:keys], row[keys], row[keys + 1 :]
        intake.append((*head, *counts[: len(INTAKE_FIELDS)]))
        prio_dept = head[-1] if three_wd else None
        priority.append((*head[:-1], prio_dept, counts[0], *row[cut:]))
    return intake, priority


# ---------------------------------------------------------------------------
# Entry lag (a median is not additive: one answer per level)

LAG_LEVELS = ("grid", "community", "street")


def entry_lag_medians(
    conn: Connection,
    *,
    start: datetime,
    end: datetime,
    as_of: datetime,
    levels: Sequence[str] = LAG_LEVELS,
) -> dict[str, dict[int | None, LagMedian]]:
    """Median of ``visit.lag_hours`` over visits (any outcome) with visited_at in the
    period and <= T: per grid id, per community id and for the street (key None).

    On SQLite each grid's lags of the period are one range of ix_visit_at (grid_id,
    visited_at, lag_hours), read grid by grid (:func:`_sqlite_lag_medians`; SQLite's
    window functions are slower than fetching the values); the middle values of each
    grid, community and the street are selected here. On
    PostgreSQL one statement reads the period's visits and only the two middle values
    per unit leave the server.
    """
    unknown = set(levels) - set(LAG_LEVELS)
    if unknown:
        raise ValueError(f"unknown entry-lag level(s): {sorted(unknown)}")
    if not levels:
        return {}
    v = Visit
    if conn.dialect.name != "postgresql":
        return _sqlite_lag_medians(conn, start, end, as_of, levels)
    period = _in_period(v.visited_at, start, end, as_of)
    street_only = set(levels) == {"street"}
    base = select(v.lag_hours if street_only else v.grid_id).where(*period)
    # PostgreSQL: one pass with GROUPING SETS and one sort per group: percentile_disc
    # takes the value at position ceil(f * n) of the sorted group, so f = 0.5 gives the
    # lower middle value and f = 0.5 + 1e-12 the upper one when n is even (the same
    # value when n is odd; exact for any n below 10^11); their mean is taken here,
    # exactly as on SQLite.
    keys = [
        (level, col)
        for level, col in (("grid", v.grid_id), ("community", Grid.community_id))
        if level in levels
    ]
    key_cols = [col for _, col in keys]
    middles: Any = literal_column("ARRAY[0.5, 0.500000000001]::float8[]")
    # as many key columns as levels asked for: the row's layout is known at run time
    q: Select[*tuple[Any, ...]] = base.with_only_columns(
        *key_cols,
        func.grouping(*key_cols) if key_cols else literal_column("0"),
        func.count(),
        func.percentile_disc(middles).within_group(v.lag_hours),
    )
    if not street_only:
        q = q.join(Grid, Grid.id == v.grid_id)
    if key_cols:
        sets: list[Any] = [tuple_(col) for col in key_cols]
        if "street" in levels:
            sets.append(literal_column("()"))
        q = q.group_by(func.grouping_sets(*sets))
    out: dict[str, dict[int | None, LagMedian]] = {level: {} for level in levels}
    for row in conn.execute(q).all():
        values, (grouping, n, middle) = row[: len(keys)], row[len(keys) :]
        level, unit = "street", None
        for i, (key_level, _) in enumerate(keys):
            if not grouping >> (len(keys) - 1 - i) & 1:  # this key is grouped on
                level, unit = key_level, values[i]
        if n:
            low, high = middle
            out[level][unit] = LagMedian(int(n), (float(low) + float(high)) / 2)
    return out


def _hours_of_micros(micros: int) -> float:
    """The stored ``lag_hours`` of a lag of ``micros`` microseconds, bit for bit: it is
    derived as ``timedelta.total_seconds() / 3600`` (micros / 10**6 / 3600)."""
    return micros / 10**6 / 3600.0


def _sqlite_lag_medians(
    conn: Connection, start: datetime, end: datetime, as_of: datetime, levels: Sequence[str]
) -> dict[str, dict[int | None, LagMedian]]:
    """Each grid's lags of the period come from one range of ix_visit_at as one text of
    whole microseconds, built by the library (one step per grid, which releases the
    GIL, instead of one per visit): ``round(lag_hours * 3.6e9)`` is exact for any lag
    under 40 years, and the order of the integers is the order of the lags. The middle
    values are selected from them (Python ints, or numpy for large periods: see
    :data:`_PYTHON_MEDIAN_MAX`) and turned back into the stored hours."""
    # the stored text of an instant (the dialect's processor: microseconds always)
    stamp = LocalDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
    assert stamp is not None
    upper = "visited_at <= ?" if as_of < end else "visited_at < ?"
    bounds = (stamp(start), stamp(min(end, as_of)))
    # run once per grid: through the DB-API cursor of this connection (same
    # transaction), not SQLAlchemy's per-execution machinery
    sql = (
        "SELECT count(*), group_concat(CAST(round(lag_hours * 3600000000.0) AS INTEGER)) "
        f"FROM visit WHERE grid_id = ? AND visited_at >= ? AND {upper}"
    )
    grids = conn.execute(select(Grid.id, Grid.community_id).order_by(Grid.id)).all()
    texts: dict[int, tuple[int, str]] = {}
    cursor = conn.connection.cursor()
    try:
        for grid_id, _ in grids:
            n, text = cursor.execute(sql, (grid_id, *bounds)).fetchone()
            if n:
                texts[grid_id] = (n, text)
    finally:
        cursor.close()
    members: dict[int, list[int]] = {}
    for grid_id, community_id in grids:
        if grid_id in texts:
            members.setdefault(community_id, []).append(grid_id)
    total = sum(n for n, _ in texts.values())
    if _use_numpy(total):
        return _numpy_middles(texts, members, levels)
    return _python_middles(texts, members, levels)


#: Up to this many lags a refresh parses and sorts them as Python ints: importing numpy
#: costs a one-shot command (``center kpi``) more than it saves there (~90 ms against
#: ~10 ms for a street month). A process that has numpy loaded already (the wall: pyqtgraph)
#: or a larger period takes numpy's parse and partial sort.
_PYTHON_MEDIAN_MAX = 200_000


def _use_numpy(total: int) -> bool:
    return total > _PYTHON_MEDIAN_MAX or "numpy" in sys.modules


def _lag_median(low_micros: int, high_micros: int, n: int) -> LagMedian:
    return LagMedian(n, (_hours_of_micros(low_micros) + _hours_of_micros(high_micros)) / 2)


def _parsed(grid_id: int, n: int, values: Sized) -> None:
    if len(values) != n:
        raise ValueError(f"grid {grid_id}: {len(values)} of {n} entry lags were read")


def _python_middles(
    texts: dict[int, tuple[int, str]], members: dict[int, list[int]], levels: Sequence[str]
) -> dict[str, dict[int | None, LagMedian]]:
    by_grid: dict[int, list[int]] = {}
    for grid_id, (n, text) in texts.items():
        values = sorted(map(int, text.split(",")))
        _parsed(grid_id, n, values)
        by_grid[grid_id] = values

    def median(values: list[int]) -> LagMedian:
        n = len(values)
        return _lag_median(values[(n - 1) // 2], values[n // 2], n)

    def merged(grid_ids: Iterable[int]) -> list[int]:
        # sorting the concatenated runs: the sort finds the sorted runs and merges them
        # in C, many times faster than heapq.merge's generator (street quarter: the
        # entry-lag medians 61 -> 20 ms of CPU)
        values: list[int] = []
        for g in grid_ids:
            values.extend(by_grid[g])
        values.sort()
        return values

    out: dict[str, dict[int | None, LagMedian]] = {}
    if "grid" in levels:
        out["grid"] = {g: median(v) for g, v in by_grid.items()}
    if "community" in levels:
        out["community"] = {c: median(merged(ids)) for c, ids in members.items()}
    if "street" in levels:
        out["street"] = {None: median(merged(by_grid))} if by_grid else {}
    return out


def _numpy_middles(
    texts: dict[int, tuple[int, str]], members: dict[int, list[int]], levels: Sequence[str]
) -> dict[str, dict[int | None, LagMedian]]:
    import numpy as np

    by_grid: dict[int, np.ndarray] = {}
    for grid_id, (n, text) in texts.items():
        lags = np.fromstring(text, dtype=np.int64, sep=",")
        _parsed(grid_id, n, lags)
        by_grid[grid_id] = lags

    def median(values: np.ndarray) -> LagMedian:
        n = len(values)
        low, high = (n - 1) // 2, n // 2
        middle = np.partition(values, [low, high])
        return _lag_median(int(middle[low]), int(middle[high]), n)

    out: dict[str, dict[int | None, LagMedian]] = {}
    if "grid" in levels:
        out["grid"] = {g: median(v) for g, v in by_grid.items()}
    if "community" in levels:
        out["community"] = {
            c: median(np.concatenate([by_grid[g] for g in ids])) for c, ids in members.items()
        }
    if "street" in levels:
        values = list(by_grid.values())
        out["street"] = {None: median(np.concatenate(values))} if values else {}
    return out


def lag_values_by_grid(
    conn: Connection, *, start: datetime, end: datetime, as_of: datetime
) -> dict[int, Any]:
    """The ``lag_hours`` of the visits with visited_at in the period and <= T, per grid,
    as numpy float64 arrays (the stored values, in no particular order): the medians
    of several months are taken from them by :func:`medians_of_values` (a month's
    values are kept, :mod:`db.kpi_summary`)."""
    import numpy as np

    v = Visit
    if conn.dialect.name == "sqlite":
        # each grid's lags of the period are one range of ix_visit_at (grid_id,
        # visited_at, lag_hours), as for the medians (:func:`_sqlite_lag_medians`)
        stamp = LocalDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
        assert stamp is not None
        upper = "visited_at <= ?" if as_of < end else "visited_at < ?"
        bounds = (stamp(start), stamp(min(end, as_of)))
        sql = f"SELECT lag_hours FROM visit WHERE grid_id = ? AND visited_at >= ? AND {upper}"
        grid_ids = conn.execute(select(Grid.id).order_by(Grid.id)).scalars().all()
        found: dict[int, Any] = {}
        cursor = conn.connection.cursor()
        try:
            for grid_id in grid_ids:
                got = cursor.execute(sql, (grid_id, *bounds)).fetchall()
                if got:
                    found[grid_id] = np.fromiter(
                        (r[0] for r in got), dtype=np.float64, count=len(got)
                    )
        finally:
            cursor.close()
        return found
    # through the grids: one range of ix_visit_at (grid_id, visited_at, lag_hours) per
    # grid, read from the index alone (the period alone would scan the table: district,
    # a week of December 240 against 19 ms)
    rows = conn.execute(
        select(v.grid_id, v.lag_hours)
        .select_from(Grid)
        .join(v, v.grid_id == Grid.id)
        .where(*_in_period(v.visited_at, start, end, as_of))
        .order_by(Grid.id)
    ).all()
    out: dict[int, Any] = {}
    if not rows:
        return out
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lags = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
    cuts = np.flatnonzero(np.diff(ids)) + 1
    for chunk_ids, chunk in zip(np.split(ids, cuts), np.split(lags, cuts), strict=True):
        out[int(chunk_ids[0])] = chunk
    return out


def medians_of_values(
    by_grid: dict[int, Any], members: dict[int, list[int]], levels: Sequence[str]
) -> dict[str, dict[int | None, LagMedian]]:
    """Entry-lag medians per grid, community (``members``: community id -> its grids
    with values) and street from ``lag_hours`` arrays, exactly as
    :func:`entry_lag_medians` takes them: the mean of the two middle values."""
    import numpy as np

    def median(values: Any) -> LagMedian:
        n = len(values)
        low, high = (n - 1) // 2, n // 2
        middle = np.partition(values, [low, high])
        return LagMedian(n, (float(middle[low]) + float(middle[high])) / 2)

    nonempty = {g: a for g, a in by_grid.items() if len(a)}
    out: dict[str, dict[int | None, LagMedian]] = {}
    if "grid" in levels:
        out["grid"] = {g: median(a) for g, a in nonempty.items()}
    if "community" in levels:
        out["community"] = {}
        for c, ids in members.items():
            parts = [nonempty[g] for g in ids if g in nonempty]
            if parts:
                out["community"][c] = median(np.concatenate(parts))
    if "street" in levels:
        out["street"] = {None: median(np.concatenate(list(nonempty.values())))} if nonempty else {}
    return out


# ---------------------------------------------------------------------------
# Targets


def load_targets(conn: Connection) -> dict[str, tuple[float, bool]]:
    """KPI key -> (target, higher is better) from ``kpi_target``; shipped defaults
    stand in for a key the table lacks."""
    out = dict(DEFAULT_TARGETS)
    for key, value, higher in conn.execute(
        select(KpiTarget.key, KpiTarget.value, KpiTarget.higher_is_better)
    ):
        out[key] = (float(value), bool(higher))
    return out
