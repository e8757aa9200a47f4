"""What the command-center wall shows, assembled Qt-free from the domain services.

The wall is made of *parts* that refresh independently: a change in one data
domain (see :data:`db.seed.CHANGE_DOMAINS`) reloads only the parts that read it
(:data:`DOMAIN_PARTS`). Every loader takes the engine and the evaluation instant
and returns a frozen dataclass; the windows call them on worker threads and hand
the result to the widgets on the GUI thread.

* ``base``: street name, grid polygons with label points, grid workers (static).
* ``kpis``: the street's KPIs of the current month with 12-month trends, every
  grid's and community's KPIs (one :func:`center.kpi.compute.compute_all_scopes`).
* ``incidents``: open emergencies, open ``immediate`` cases past their 30-minute
  clock and the 30-day case density for the map.
* ``heat``: the map's heat layers per grid × category in cases per 100 households
  (the last 30 days' cases and the next month's forecast) and the forecast's hot
  spots; the forecast is computed at most once an hour per month, in a child process
  (:func:`load_heat`, :func:`compute_forecast`); the wall shows the part before it is
  in (``wait=False``) and computes it at a lower CPU priority.
* ``alerts``: response / acceptance / closure clocks breached or about to be,
  open emergencies, missing holiday calendars.
* ``meetings`` and ``budget``: the joint-meeting board and the year's budget.
* ``ranking``: the communities' scorecard of the current quarter.

Colour states follow one rule everywhere (a DHIS2-like legend set): ``ok`` when
the KPI meets its target, ``warn`` when it attains at least :data:`AMBER_BAND` of
it, ``bad`` below that, ``none`` without a value.
"""

from __future__ import annotations

import atexit
import calendar
import json
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from time import monotonic
from typing import Any, cast

from shapely.geometry import mapping, shape
from shapely.ops import polylabel, unary_union
from sqlalchemy import (
    BigInteger,
    Engine,
    Integer,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from center.core.access import Actor
from center.core.kpis import MAP_KPIS, WALL_HEADLINE_KPIS, WALL_SECONDARY_KPIS
from center.core.vocab import DISMISSED_STATUSES
from center.insight import forecast as forecast_service
from center.insight import heat as heat_service
from center.kpi import compute as kpi_service
from center.kpi.calendar import MAX_WORKDAY_SCAN, NoWorkdayError, WorkCalendar, load_calendar
from center.kpi.priority import IMMEDIATE_WINDOW
from center.office.budget import BudgetSummary, budget_summary
from center.office.meetings import Board, board_counts_view
from db.engine import fetch_sliced
from db.models import (
    Case,
    Category,
    Community,
    Grid,
    Household,
    HouseholdMonth,
    HouseholdQuarter,
    Staff,
    Street,
    Subcategory,
)
from db.seed import DEFAULT_TARGETS
from db.types import CST, epoch_us, to_local, us_of

HEADLINE_KPIS = WALL_HEADLINE_KPIS
SECONDARY_KPIS = WALL_SECONDARY_KPIS
WALL_KPIS: tuple[str, ...] = HEADLINE_KPIS + SECONDARY_KPIS
PACE = "pace"  # the map layer "visit pace" (see :class:`Pace`), beside the KPIs
MAP_LAYERS: tuple[str, ...] = (*MAP_KPIS, PACE)
PACE_KPIS: tuple[str, ...] = ("coverage", "special_care")  # the cadence KPIs
AMBER_BAND = 0.9  # attainment of the target from which a KPI is amber rather than red
DUE_SOON = 0.8  # share of a clock's window after which a case is "about to breach"
HEAT_DAYS = 30
MAX_LISTED = 5  # case codes / grids named per alert
STATES = ("ok", "warn", "bad", "none")

# In loading order: what the wall needs first; the 12-month trend (twelve KPI
# computations) last.
PARTS: tuple[str, ...] = (
    "base",
    "kpis",
    "incidents",
    "alerts",
    "meetings",
    "budget",
    "ranking",
    "trend",
    "heat",
)
DOMAIN_PARTS: dict[str, frozenset[str]] = {
    "cases": frozenset({"kpis", "incidents", "alerts", "meetings", "ranking", "heat"}),
    "visits": frozenset({"kpis", "ranking"}),
    "households": frozenset({"base", "kpis", "trend", "incidents", "budget", "ranking", "heat"}),
    "meetings": frozenset({"meetings"}),
    "budget": frozenset({"budget"}),
    "calendar": frozenset({"kpis", "trend", "alerts", "ranking"}),
    "targets": frozenset({"kpis", "ranking"}),
}


def parts_for(domains: Iterable[str]) -> frozenset[str]:
    """The parts to reload after ``domains`` changed (unknown domains reload all)."""
    out: set[str] = set()
    for d in domains:
        out |= DOMAIN_PARTS.get(d, frozenset(PARTS))
    return frozenset(out)


# ---------------------------------------------------------------------------
# Colour states


def higher_is_better(key: str) -> bool:
    return DEFAULT_TARGETS[key][1]


def kpi_state(value: float | None, target: float, higher: bool) -> str:
    """``ok`` / ``warn`` / ``bad`` / ``none`` for a value against its target."""
    if value is None:
        return "none"
    if higher:
        if value >= target:
            return "ok"
        attainment = value / target if target else 1.0
    else:
        if value <= target:
            return "ok"
        attainment = target / value if value else 1.0
    return "warn" if attainment >= AMBER_BAND else "bad"


def amber_limit(target: float, higher: bool) -> float:
    """The value where amber turns red (the legend's middle boundary)."""
    return target * AMBER_BAND if higher else target / AMBER_BAND


def _state_of(kv: kpi_service.KpiValue, higher: bool) -> str:
    state = kpi_state(kv.value, kv.target, higher)
    # The KPI engine's exact-fraction verdict wins at the boundary.
    if kv.ok is True:
        return "ok"
    if state == "ok" and kv.ok is False:
        return "warn"
    return state


# ---------------------------------------------------------------------------
# Base: street and grids


@dataclass(frozen=True)
class GridShape:
    code: str
    name: str
    community_code: str
    community_name: str
    worker: str | None  # the grid's full-time worker (staff name, not resident data)
    geometry: dict[str, Any]  # GeoJSON geometry
    label_lat: float
    label_lon: float


@dataclass(frozen=True)
class MapBase:
    street: str | None
    grids: tuple[GridShape, ...]
    outline: dict[str, Any] | None  # GeoJSON of the street (union of the grids)
    bounds: tuple[float, float, float, float] | None  # south, west, north, east


def load_base(engine: Engine) -> MapBase:
    with engine.connect() as conn:
        street = conn.scalar(select(Street.name).order_by(Street.id).limit(1))
        rows = conn.execute(
            select(Grid.code, Grid.name, Grid.geometry, Community.code, Community.name)
            .join(Community, Community.id == Grid.community_id)
            .order_by(Grid.code)
        ).all()
        workers: dict[str, str] = {}
        for gcode, name in conn.execute(
            select(Grid.code, Staff.name)
            .join(Staff, Staff.grid_id == Grid.id)
            .where(Staff.role == "grid_worker", Staff.active.is_(True))
            .order_by(Staff.code.desc())
        ):
            workers[gcode] = name  # lowest staff code wins
    grids = []
    geoms = []
    for code, name, geometry, ccode, cname in rows:
        try:
            geo = shape(json.loads(geometry))
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # a grid without a usable polygon is left off the map
        if geo.is_empty:
            continue
        if not geo.is_valid:
            geo = geo.buffer(0)
        part = max(geo.geoms, key=lambda g: g.area) if geo.geom_type == "MultiPolygon" else geo
        try:
            label = polylabel(part, tolerance=1e-5) if part.geom_type == "Polygon" else None
        except Exception:  # noqa: BLE001 - degenerate polygons fall back below
            label = None
        if label is None or label.is_empty:
            label = part.representative_point()
        geoms.append(geo)
        grids.append(
            GridShape(
                code=code,
                name=name,
                community_code=ccode,
                community_name=cname,
                worker=workers.get(code),
                geometry=mapping(geo),
                label_lat=round(label.y, 6),
                label_lon=round(label.x, 6),
            )
        )
    outline = None
    bounds = None
    if geoms:
        union = unary_union(geoms)
        outline = mapping(union.simplify(1e-6))
        minx, miny, maxx, maxy = union.bounds
        bounds = (miny, minx, maxy, maxx)
    return MapBase(street=street, grids=tuple(grids), outline=outline, bounds=bounds)


# ---------------------------------------------------------------------------
# KPIs


@dataclass(frozen=True)
class KpiTile:
    key: str
    value: float | None
    target: float
    higher_is_better: bool
    state: str
    numerator: int | None
    denominator: int | None


@dataclass(frozen=True)
class UnitValues:
    """One grid's or community's KPI values and states (keys of :data:`MAP_KPIS`)."""

    code: str
    name: str
    values: Mapping[str, float | None]
    states: Mapping[str, str]


# ---------------------------------------------------------------------------
# Pace: how far into the period we are and what the visit cadence should show by now


@dataclass(frozen=True)
class PeriodProgress:
    """How far into a calendar period the instant T is, in whole days.

    ``day`` is T's day in the period counting the first day as 1, so the days that
    have begun by T; :meth:`fraction` is ``day / days`` (the 7th of a 31-day month:
    7/31 = 22.6 %; its last day: 1)."""

    label: str  # 2026-12 or 2026Q4
    first: date
    days: int
    day: int

    def fraction(self) -> Fraction:
        return Fraction(self.day, self.days)


def month_progress(as_of: datetime) -> PeriodProgress:
    t = to_local(as_of).date()
    days = calendar.monthrange(t.year, t.month)[1]
    return PeriodProgress(f"{t.year:04d}-{t.month:02d}", t.replace(day=1), days, t.day)


def quarter_progress(as_of: datetime) -> PeriodProgress:
    t = to_local(as_of).date()
    q = (t.month - 1) // 3
    first = date(t.year, 3 * q + 1, 1)
    nxt = date(t.year + 1, 1, 1) if q == 3 else date(t.year, 3 * q + 4, 1)
    return PeriodProgress(f"{t.year}Q{q + 1}", first, (nxt - first).days, (t - first).days + 1)


def _next_month(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


#: met-visits a household's cadence asks for in its period (kpi.md "Visit cadence")
REQUIRED_VISITS = {True: 2, False: 1}  # special: 2 in the month; ordinary: 1 in the quarter
HALF = Fraction(1, 2)


def household_behind(special: bool, visits: int, month: Fraction, quarter: Fraction) -> bool:
    """A household is *behind pace* when its met-visits so far are more than half a
    visit short of what an even schedule asks by now: ``visits + 1/2 < required ×
    elapsed``, with required = 2 and the month's elapsed fraction for a special
    household (2 met-visits a month), required = 1 and the quarter's elapsed fraction
    for an ordinary one (1 met-visit a quarter). So a special household without a
    visit is behind once more than a quarter of the month has begun, with one visit
    once more than three quarters have; an ordinary household without a visit once
    more than half of the quarter has begun. On the period's last day (elapsed = 1)
    behind is exactly "cadence not met": a cadence that can no longer be met in its
    period is always behind."""
    required = REQUIRED_VISITS[special]
    elapsed = month if special else quarter
    return visits + HALF < required * elapsed


def pace_state(value: float | None, expected: float | None) -> str:
    """A cadence KPI against its expected value by now (the legend bands of
    :func:`kpi_state`, higher is better)."""
    if expected is None:
        return "none"
    return kpi_state(value, expected, True)


@dataclass(frozen=True)
class KpiPace:
    """A cadence KPI's expected value by now.

    ``share`` is the share of the households in scope whose cadence an even schedule
    completes by T: each special household's by the month's elapsed fraction, each
    ordinary household's by the quarter's (the ordinary cadence of a month is quarter
    to date), so ``coverage``: (S × month + O × quarter) ÷ (S + O) and
    ``special_care``: month, with S and O the special and ordinary households in
    scope. ``expected`` = target × share: the value that keeps the KPI on course for
    its target (at the period's end share = 1 and expected = target). ``state`` is
    the KPI's value against ``expected`` (:func:`pace_state`). The KPI value itself
    stays as kpi.md defines it."""

    key: str
    share: float
    expected: float
    state: str


def expected_share(
    key: str, special: int, ordinary: int, month: Fraction, quarter: Fraction
) -> Fraction | None:
    """The share of households whose cadence an even schedule completes by now, for
    the cadence KPI ``key`` of a unit with ``special`` and ``ordinary`` households in
    scope (see :class:`KpiPace`); None for another KPI or a unit without households."""
    if key == "special_care":
        return month if special else None
    if key == "coverage" and special + ordinary:
        return (special * month + ordinary * quarter) / (special + ordinary)
    return None


@dataclass(frozen=True)
class GridPace:
    code: str
    name: str
    households: int  # in scope for the month's coverage
    behind: int  # of them behind pace (:func:`household_behind`)
    special: int = 0  # of them special

    @property
    def on_pace(self) -> float | None:
        """Share of the households on pace (None without households)."""
        if not self.households:
            return None
        return (self.households - self.behind) / self.households


@dataclass(frozen=True)
class Pace:
    """The wall's pace figures as of T (a separate figure: no KPI changes).

    * ``month`` / ``quarter``: how far into the KPI month and its quarter T is.
    * ``kpis``: :class:`KpiPace` of ``coverage`` and ``special_care``.
    * ``households`` in scope for the month (kpi.md "Scope") and how many of them are
      ``behind`` pace, in total and per grid (the map's "visit pace" layer shades a
      grid by the share of its households on pace, against the coverage target).
    """

    month: PeriodProgress
    quarter: PeriodProgress
    kpis: Mapping[str, KpiPace]
    households: int
    behind: int
    special: int  # special households in scope
    grids: tuple[GridPace, ...]

    def grid(self, code: str) -> GridPace:
        for g in self.grids:
            if g.code == code:
                return g
        raise KeyError(code)

    def expected(self, code: str, key: str, target: float) -> float | None:
        """Grid ``code``'s expected value of the cadence KPI ``key`` by now (target ×
        :func:`expected_share` of its households); None when there is none."""
        try:
            g = self.grid(code)
        except KeyError:
            return None
        share = expected_share(
            key,
            g.special,
            g.households - g.special,
            self.month.fraction(),
            self.quarter.fraction(),
        )
        return None if share is None else float(share * Fraction(target))


def household_pace_counts(engine: Engine, as_of: datetime) -> list[tuple[str, str, bool, int, int]]:
    """(grid code, grid name, special, met-visits so far, households) for the
    households in scope of the month of ``as_of`` (each group with households; those
    without a grid left out). Met-visits so far: a special household's in the month by
    T (0, 1 or 2 meaning "2 or more", from its ``household_month`` row), an ordinary
    household's in the quarter to date by T (0 or 1 meaning "at least one", from its
    ``household_quarter`` row: a first met-visit of the quarter by T and before the
    next month), read exactly as the coverage KPI reads them.

    Three statements, each on an index range (households per grid and kind; special
    households with a met-visit in the month; ordinary households with one in the
    quarter to date); the households without a visit are the rest of their group."""
    t = to_local(as_of)
    month = month_progress(t)
    quarter = quarter_progress(t)
    ym = month.first.year * 100 + month.first.month
    yq = quarter.first.year * 10 + (quarter.first.month - 1) // 3 + 1
    nxt = _next_month(month.first)
    next_month = datetime(nxt.year, nxt.month, nxt.day, tzinfo=CST)
    h, hm, hq = Household, HouseholdMonth, HouseholdQuarter
    in_scope = or_(h.moved_out_on.is_(None), h.moved_out_on >= nxt)
    totals = (
        select(h.grid_id, h.is_special, func.count())
        .where(h.grid_id.is_not(None), in_scope)
        .group_by(h.grid_id, h.is_special)
    )
    special_visits = case((hm.second_met_at <= t, 2), else_=1)
    special = (
        select(h.grid_id, special_visits, func.count())
        .select_from(hm)
        .join(h, h.id == hm.household_id)
        .where(hm.ym == ym, hm.first_met_at <= t, h.is_special, h.grid_id.is_not(None), in_scope)
        .group_by(h.grid_id, special_visits)
    )
    ordinary = (
        select(h.grid_id, func.count())
        .select_from(h)
        .join(hq, and_(hq.household_id == h.id, hq.yq == yq))
        .where(
            hq.first_met_at <= t,
            hq.first_met_at < next_month,
            h.is_special.is_(False),
            h.grid_id.is_not(None),
            in_scope,
        )
        .group_by(h.grid_id)
    )
    with engine.connect() as conn:
        names = {
            i: (code, name) for i, code, name in conn.execute(select(Grid.id, Grid.code, Grid.name))
        }
        # (grid id, special) -> households by met-visits so far
        groups: dict[tuple[int, bool], dict[int, int]] = {}
        for gid, sp, n in conn.execute(totals):
            groups[(gid, bool(sp))] = {0: int(n)}
        for gid, visits, n in conn.execute(special):
            slot = groups[(gid, True)]
            slot[int(visits)] = int(n)
            slot[0] -= int(n)
        for gid, n in conn.execute(ordinary):
            slot = groups[(gid, False)]
            slot[1] = int(n)
            slot[0] -= int(n)
    return [
        (*names[gid], sp, visits, n)
        for (gid, sp), counts in groups.items()
        for visits, n in sorted(counts.items())
        if n
    ]


def load_pace(
    engine: Engine,
    as_of: datetime,
    targets: Mapping[str, tuple[float, bool]],
    values: Mapping[str, float | None],
) -> Pace:
    """The pace figures as of ``as_of`` (see :class:`Pace`); ``targets`` and ``values``
    are the street's targets and KPI values of the month."""
    month = month_progress(as_of)
    quarter = quarter_progress(as_of)
    fm, fq = month.fraction(), quarter.fraction()
    per_grid: dict[str, list[Any]] = {}
    special = ordinary = 0
    for code, name, sp, visits, n in household_pace_counts(engine, as_of):
        slot = per_grid.setdefault(code, [name, 0, 0, 0])
        slot[1] += n
        if household_behind(sp, visits, fm, fq):
            slot[2] += n
        if sp:
            special += n
            slot[3] += n
        else:
            ordinary += n
    kpis: dict[str, KpiPace] = {}
    for key in PACE_KPIS:
        share = expected_share(key, special, ordinary, fm, fq)
        if share is None:
            continue
        target = targets[key][0]
        expected = float(share * Fraction(target))
        kpis[key] = KpiPace(key, float(share), expected, pace_state(values.get(key), expected))
    grids = tuple(
        GridPace(code, name, total, behind, sp)
        for code, (name, total, behind, sp) in sorted(per_grid.items())
    )
    return Pace(
        month=month,
        quarter=quarter,
        kpis=kpis,
        households=special + ordinary,
        behind=sum(g.behind for g in grids),
        special=special,
        grids=grids,
    )


@dataclass(frozen=True)
class KpiPart:
    as_of: datetime
    period: str  # YYYY-MM
    street: str | None
    tiles: tuple[KpiTile, ...]  # WALL_KPIS order
    grids: tuple[UnitValues, ...]
    communities: tuple[UnitValues, ...]
    targets: Mapping[str, tuple[float, bool]]  # key -> (target, higher is better)
    pace: Pace | None = None  # expected progress so far (a separate figure)

    def tile(self, key: str) -> KpiTile:
        for t in self.tiles:
            if t.key == key:
                return t
        raise KeyError(key)

    def grid(self, code: str) -> UnitValues:
        for g in self.grids:
            if g.code == code:
                return g
        raise KeyError(code)


def month_label(as_of: datetime) -> str:
    t = to_local(as_of)
    return f"{t.year:04d}-{t.month:02d}"


def _unit_values(unit: kpi_service.UnitKpis) -> UnitValues:
    values = {k: unit.kpis[k].value for k in MAP_KPIS if k in unit.kpis}
    states = {k: _state_of(unit.kpis[k], higher_is_better(k)) for k in MAP_KPIS if k in unit.kpis}
    return UnitValues(unit.code, unit.name, values, states)


def load_kpis(engine: Engine, as_of: datetime) -> KpiPart:
    """The wall's KPIs of the month of ``as_of``: street, every community, every grid
    (one :func:`center.kpi.compute.compute_all_scopes`)."""
    period = month_label(as_of)
    scopes = kpi_service.compute_all_scopes(engine, period, as_of)
    street_units = scopes["street"].units
    street = street_units[0] if street_units else None
    targets: dict[str, tuple[float, bool]] = {}
    tiles = []
    for key in WALL_KPIS:
        higher = higher_is_better(key)
        kv = street.kpis.get(key) if street is not None else None
        target = kv.target if kv is not None else DEFAULT_TARGETS[key][0]
        targets[key] = (target, higher)
        tiles.append(
            KpiTile(
                key=key,
                value=kv.value if kv is not None else None,
                target=target,
                higher_is_better=higher,
                state=_state_of(kv, higher) if kv is not None else "none",
                numerator=kv.numerator if kv is not None else None,
                denominator=kv.denominator if kv is not None else None,
            )
        )
    pace = load_pace(engine, as_of, targets, {t.key: t.value for t in tiles})
    targets[PACE] = targets["coverage"]
    return KpiPart(
        as_of=as_of,
        period=period,
        street=street.name if street is not None else None,
        tiles=tuple(tiles),
        grids=tuple(
            _with_pace(_unit_values(u), pace, targets[PACE][0]) for u in scopes["grid"].units
        ),
        communities=tuple(_unit_values(u) for u in scopes["community"].units),
        targets=targets,
        pace=pace,
    )


def _with_pace(unit: UnitValues, pace: Pace, target: float) -> UnitValues:
    """A grid's values with the :data:`PACE` layer: the share of its households on
    pace, coloured against the coverage target."""
    try:
        value = pace.grid(unit.code).on_pace
    except KeyError:
        value = None
    return UnitValues(
        unit.code,
        unit.name,
        {**unit.values, PACE: value},
        {**unit.states, PACE: kpi_state(value, target, True)},
    )


@dataclass(frozen=True)
class TrendPart:
    """The street's wall KPIs for the 12 months up to the month of ``as_of``.

    Twelve KPI computations: loaded at start, by the slow full refresh and when the
    calendar or the households change; between those the current month's point
    comes from the (cheap, change-driven) :class:`KpiPart`, see :func:`trend_points`.
    """

    as_of: datetime
    series: Mapping[str, tuple[tuple[str, float | None], ...]]  # key -> (YYYY-MM, value)


def load_trend(engine: Engine, as_of: datetime, months: int = 12) -> TrendPart:
    series = kpi_service.trend(engine, "street", as_of, months=months)
    street = next(iter(series.values()), {})
    return TrendPart(as_of, {k: tuple(street.get(k, ())) for k in WALL_KPIS})


def trend_points(
    trend: TrendPart | None, kpis: KpiPart, key: str, months: int = 12
) -> list[float | None]:
    """The sparkline of ``key``: earlier months from ``trend``, the current from ``kpis``."""
    earlier = [v for ym, v in (trend.series.get(key, ()) if trend else ()) if ym < kpis.period]
    return [*earlier[-(months - 1) :], kpis.tile(key).value]


# ---------------------------------------------------------------------------
# Incidents: emergencies and case density


@dataclass(frozen=True)
class Emergency:
    code: str
    subcategory: str  # code, e.g. E01
    received_at: datetime
    grid: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class IncidentPart:
    as_of: datetime
    emergencies: tuple[Emergency, ...]
    heat: tuple[tuple[float, float, int], ...]  # (lat, lon, cases) per household
    heat_days: int = HEAT_DAYS
    # open ``immediate`` cases past their 30-minute clock (the map's alert markers)
    immediate: tuple[BreachedImmediate, ...] = ()


def _received_at(dialect: str) -> Any:
    """``cases.received_at`` for the statements on the open cases: on SQLite written
    ``+received_at``, which no index serves, so that SQLite reads the open cases off
    ``ix_case_eff_closed`` (closing instant NULL or after T: the few thousand open
    cases) instead of walking every case received before T on ``ix_case_received``,
    for a bound or for the order (about ten times the work on the demo street).
    PostgreSQL makes that choice by its statistics (a BitmapOr on the same index)."""
    if dialect == "sqlite":
        column = Case.received_at.expression
        return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)
    return Case.received_at


def _open_at(t: datetime, dialect: str) -> Any:
    """Cases open at ``t``: received by then, not closed by then, not dismissed."""
    return and_(
        _received_at(dialect) <= t,
        or_(Case.eff_closed_at.is_(None), Case.eff_closed_at > t),
        Case.status.not_in(sorted(DISMISSED_STATUSES)),
    )


def _code_order(column: Any, dialect: str) -> Any:
    """``column`` (a code) sorted as Python sorts strings: by code point (PostgreSQL
    sorts by the database's collation unless told "C")."""
    return column.collate("C") if dialect == "postgresql" else column


def _shared_read(shared: SharedReads | None, key: Any, make: Callable[[], Any]) -> Any:
    return make() if shared is None else shared.get(key, make)


def open_emergencies(engine: Engine, as_of: datetime) -> tuple[Emergency, ...]:
    """The emergencies open at ``as_of``, oldest first (ties by code): the map's
    markers (``incidents``) and the ticker's ``emergency_open`` (``alerts``)."""
    with engine.connect() as conn:
        dialect = conn.dialect.name
        rows = conn.execute(
            select(
                Case.code,
                Subcategory.code,
                Case.received_at,
                Grid.code,
                Household.lat,
                Household.lon,
            )
            .join(Subcategory, Subcategory.id == Case.subcategory_id)
            .join(Category, Category.id == Subcategory.category_id)
            .join(Household, Household.id == Case.household_id)
            .join(Grid, Grid.id == Household.grid_id)
            .where(Category.code == "emergency", _open_at(as_of, dialect))
            .order_by(_received_at(dialect), _code_order(Case.code, dialect))
        ).all()
    return tuple(Emergency(c, s, r, g, la, lo) for c, s, r, g, la, lo in rows)


def _emergencies(
    engine: Engine, as_of: datetime, shared: SharedReads | None
) -> tuple[Emergency, ...]:
    return cast(
        "tuple[Emergency, ...]",
        _shared_read(shared, ("open_emergencies", as_of), lambda: open_emergencies(engine, as_of)),
    )


def load_incidents(
    engine: Engine, as_of: datetime, shared: SharedReads | None = None
) -> IncidentPart:
    since = as_of - timedelta(days=HEAT_DAYS)
    with engine.connect() as conn:
        # lat and lon are not NULL here (the where clause); plain driver rows: a
        # street has thousands of them and floats and ints need no processing
        # the cases counted per household first, then joined to the households
        recent = (
            select(Case.household_id.label("household_id"), func.count().label("n"))
            .where(Case.received_at > since, Case.received_at <= as_of)
            .group_by(Case.household_id)
            .subquery("recent")
        )
        result = conn.execute(
            select(Household.lat, Household.lon, recent.c.n)
            .join_from(recent, Household, Household.id == recent.c.household_id)
            .where(Household.lat.is_not(None), Household.lon.is_not(None))
        )
        # in slices: the driver makes a slice's rows in one call that holds the
        # interpreter lock (a district's 48,000 rows at once kept the wall's GUI
        # thread waiting for hundreds of ms)
        try:
            heat = fetch_sliced(result.cursor)
        finally:
            result.close()
    return IncidentPart(
        as_of=as_of,
        emergencies=_emergencies(engine, as_of, shared),
        heat=tuple((round(la, 6), round(lo, 6), int(n)) for la, lo, n in heat),
        immediate=_breached(engine, as_of, shared),
    )


# ---------------------------------------------------------------------------
# Alerts


ALERT_KINDS = (
    "clock_breached",  # clock, count, cases
    "clock_due_soon",  # clock, count, cases
    "emergency_open",  # count, cases, at (oldest)
    "grids_below",  # kpi, count, grids, target
    "calendar_missing",  # year
    "immediate_breached",  # count, cases, at (the earliest limit): spec/insight.md
)
CLOCKS = ("response", "accept", "closure")


@dataclass(frozen=True)
class Alert:
    kind: str
    severity: str  # bad | warn
    count: int = 0
    clock: str | None = None
    cases: tuple[str, ...] = ()
    kpi: str | None = None
    target: float | None = None
    grids: tuple[tuple[str, float | None], ...] = ()  # (grid name, value), worst first
    year: int | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class ClockCounts:
    breached: int = 0
    due_soon: int = 0


@dataclass(frozen=True)
class AlertPart:
    as_of: datetime
    alerts: tuple[Alert, ...]
    clocks: Mapping[str, ClockCounts] = field(default_factory=dict)
    open_emergencies: int = 0


@dataclass(frozen=True)
class ClockList:
    """The cases of one clock in one state (breached, or due soon) at T: how many, and
    the first :data:`MAX_LISTED` by (due, code) as (due, code)."""

    count: int = 0
    first: tuple[tuple[datetime, str], ...] = ()


def _clock_alerts(
    clock: str, breached: ClockList, soon: ClockList
) -> tuple[list[Alert], ClockCounts]:
    out = []
    if breached.count:
        out.append(
            Alert(
                "clock_breached",
                "bad",
                breached.count,
                clock,
                tuple(c for _, c in breached.first),
                at=breached.first[0][0],
            )
        )
    if soon.count:
        out.append(
            Alert(
                "clock_due_soon",
                "warn",
                soon.count,
                clock,
                tuple(c for _, c in soon.first),
                at=soon.first[0][0],
            )
        )
    return out, ClockCounts(breached.count, soon.count)


# The due-soon test below is written for DUE_SOON = 4/5 (see :func:`_past_warning`).
if DUE_SOON != 0.8:  # pragma: no cover - a guard for whoever changes the constant
    raise RuntimeError("_past_warning assumes DUE_SOON == 0.8")


def _past_warning(dialect: str, start: Any, due: Any, limit: Any) -> Any:
    """SQL: the clock running from ``start`` to ``due`` has used :data:`DUE_SOON` of
    its window by T, ``start + (due − start) × 0.8 <= T`` with the product rounded to
    the nearest microsecond as Python's timedelta arithmetic rounds it. In whole
    microseconds, with Δ = due − start and k = T − start: round(0.8 Δ) <= k ⇔
    0.8 Δ < k + ½ (0.8 Δ is never a half: its fraction is a multiple of 1/5; and the
    float 0.8 gives the same rounding for any window under 70 years) ⇔ 8 Δ < 10 k + 5
    ⇔ 8 due + 2 start < 10 T + 5; ``limit`` binds 10 T + 5 (:func:`db.types.us_of` of T)."""
    return 8 * epoch_us(dialect, due) + 2 * epoch_us(dialect, start) < limit


def closure_warning_cutoff(cal: WorkCalendar, as_of: datetime) -> datetime:
    """The closure clock's "due soon" as a bound on the received instant: a case
    received before the returned instant (00:00 of a day) is past :data:`DUE_SOON` of
    its 15 working days at ``as_of``, one received at or after it is not.

    A case received on day d is past it from 00:00 of the day after the 12th working
    day strictly after d, so at T when that 12th working day is at most L = T's date −
    1, that is when (d, L] holds at least 12 working days: for d before W, the 12th
    working day counting back from L (L included). The warning instant grows with d,
    so the cases past it are exactly those received before 00:00 of W."""
    last = to_local(as_of).date() - timedelta(days=1)
    need = int(15 * DUE_SOON)
    day, count, idle = last, 0, 0
    while True:
        if cal.is_workday(day):
            count += 1
            idle = 0
            if count == need:
                break
        else:
            idle += 1
            if idle >= MAX_WORKDAY_SCAN:
                raise NoWorkdayError(day + timedelta(days=idle - 1), "up to")
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=CST)


def clock_lists(
    engine: Engine, as_of: datetime, cal: WorkCalendar | None = None
) -> dict[tuple[str, str], ClockList]:
    """The cases open at ``as_of`` whose response, acceptance or closure clock is
    breached (due at or before T) or due soon (past :data:`DUE_SOON` of its window,
    due after T), by (clock, ``breached`` | ``soon``): counted and ranked by the
    database in one statement, which returns at most :data:`MAX_LISTED` rows of each.

    * response: running while there is no first response by T (effective);
      window from receipt to ``response_due_at``;
    * accept: running from an assignment by T while not accepted by T and with an
      ``accept_due_at``; window from the assignment to it;
    * closure: window from receipt to ``deadline_at``, "due soon" after the 12th of
      the 15 working days (:func:`closure_warning_cutoff`) or, for a deadline sooner
      than that, never before it is breached.
    """
    t = to_local(as_of)
    with engine.connect() as conn:
        dialect = conn.dialect.name
        if cal is None:
            cal = load_calendar(conn)
        cutoff = closure_warning_cutoff(cal, t)
        limit = bindparam("warn_limit", 10 * us_of(t) + 5, type_=BigInteger)
        response_runs = or_(Case.eff_response_at.is_(None), Case.eff_response_at > t)
        accept_runs = and_(
            Case.assigned_at.is_not(None),
            Case.assigned_at <= t,
            Case.accept_due_at.is_not(None),
            or_(Case.accepted_at.is_(None), Case.accepted_at > t),
        )
        states = {
            "response": case(
                (and_(response_runs, Case.response_due_at <= t), 1),
                (
                    and_(
                        response_runs,
                        _past_warning(dialect, Case.received_at, Case.response_due_at, limit),
                    ),
                    2,
                ),
            ),
            "accept": case(
                (and_(accept_runs, Case.accept_due_at <= t), 1),
                (
                    and_(
                        accept_runs,
                        _past_warning(dialect, Case.assigned_at, Case.accept_due_at, limit),
                    ),
                    2,
                ),
            ),
            "closure": case((Case.deadline_at <= t, 1), (_received_at(dialect) < cutoff, 2)),
        }
        dues = {
            "response": Case.response_due_at,
            "accept": Case.accept_due_at,
            "closure": Case.deadline_at,
        }
        # one row per open case with a clock in either state (materialized: read by
        # the three lists below), the lists in one window: ranked by (due, code) and
        # counted per (clock, state), one sort
        clocks = (
            select(
                Case.code.label("code"),
                *(dues[c].label(f"{c}_due") for c in CLOCKS),
                *(states[c].label(f"{c}_state") for c in CLOCKS),
            )
            .where(_open_at(t, dialect))
            .subquery("clocks")
        )
        running = (
            select(clocks)
            .where(or_(*(clocks.c[f"{c}_state"].is_not(None) for c in CLOCKS)))
            .cte("running")
            .prefix_with("MATERIALIZED")
        )
        lists = union_all(
            *(
                select(
                    literal_column(str(i), Integer).label("clock"),
                    running.c[f"{c}_state"].label("state"),
                    running.c[f"{c}_due"].label("due"),
                    running.c.code,
                ).where(running.c[f"{c}_state"].is_not(None))
                for i, c in enumerate(CLOCKS)
            )
        ).subquery("lists")
        window: dict[str, Any] = {
            "partition_by": (lists.c.clock, lists.c.state),
            "order_by": (lists.c.due, _code_order(lists.c.code, dialect)),
            "rows": (None, None),
        }
        ranked = select(
            lists,
            func.row_number().over(**window).label("rank"),
            func.count().over(**window).label("n"),
        ).subquery("ranked")
        rows = conn.execute(select(ranked).where(ranked.c.rank <= MAX_LISTED)).all()
    counts: dict[tuple[str, str], int] = {}
    firsts: dict[tuple[str, str], list[tuple[int, datetime, str]]] = {}
    for clock, state, due, code, rank, n in rows:
        key = (CLOCKS[int(clock)], "breached" if int(state) == 1 else "soon")
        counts[key] = int(n)
        firsts.setdefault(key, []).append((int(rank), due, code))
    return {
        (c, s): ClockList(
            counts.get((c, s), 0),
            tuple((due, code) for _, due, code in sorted(firsts.get((c, s), []))),
        )
        for c in CLOCKS
        for s in ("breached", "soon")
    }


@dataclass(frozen=True)
class BreachedImmediate:
    """An open ``immediate`` case whose 30-minute first-response clock has passed
    unanswered (`spec/insight.md` § Priority clocks): the ticker and the map alert."""

    code: str
    grid: str
    received_at: datetime
    due: datetime  # received_at + 30 min
    lat: float | None
    lon: float | None


def breached_immediate(engine: Engine, as_of: datetime) -> tuple[BreachedImmediate, ...]:
    """Every open ``immediate`` case, not on the spot, without a first response by
    ``as_of`` and whose limit (received + 30 min) is at or before ``as_of`` (a limit
    exactly at T has passed), earliest limit first."""
    t = to_local(as_of)
    with engine.connect() as conn:
        dialect = conn.dialect.name
        rows = conn.execute(
            select(Case.code, Grid.code, Case.received_at, Household.lat, Household.lon)
            .join(Household, Household.id == Case.household_id)
            .join(Grid, Grid.id == Household.grid_id)
            .where(
                Case.priority == "immediate",
                Case.on_the_spot.is_(False),
                _open_at(t, dialect),
                _received_at(dialect) <= t - IMMEDIATE_WINDOW,
                or_(Case.eff_response_at.is_(None), Case.eff_response_at > t),
            )
            .order_by(_received_at(dialect), _code_order(Case.code, dialect))
        ).all()
    return tuple(
        BreachedImmediate(code, grid, to_local(r), to_local(r) + IMMEDIATE_WINDOW, la, lo)
        for code, grid, r, la, lo in rows
    )


def _breached(
    engine: Engine, as_of: datetime, shared: SharedReads | None
) -> tuple[BreachedImmediate, ...]:
    return cast(
        "tuple[BreachedImmediate, ...]",
        _shared_read(
            shared, ("breached_immediate", as_of), lambda: breached_immediate(engine, as_of)
        ),
    )


def _immediate_alert(
    engine: Engine, as_of: datetime, shared: SharedReads | None = None
) -> list[Alert]:
    found = _breached(engine, as_of, shared)
    if not found:
        return []
    return [
        Alert(
            "immediate_breached",
            "bad",
            len(found),
            cases=tuple(b.code for b in found[:MAX_LISTED]),
            at=found[0].due,
        )
    ]


def load_alerts(engine: Engine, as_of: datetime, shared: SharedReads | None = None) -> AlertPart:
    """Clocks breached or past :data:`DUE_SOON` of their window, open emergencies and
    missing holiday calendars, as of ``as_of``.

    The 24 h and 2 h windows are elapsed time; the closure window is 15 working days,
    so "about to breach" starts after the 12th working day after the receiving date
    (:func:`clock_lists`).
    """
    with engine.connect() as conn:
        cal = load_calendar(conn)
    lists = clock_lists(engine, as_of, cal)
    emergencies = _emergencies(engine, as_of, shared)
    alerts: list[Alert] = _immediate_alert(engine, as_of, shared)  # the priority clock first
    counts: dict[str, ClockCounts] = {}
    if emergencies:
        alerts.append(
            Alert(
                "emergency_open",
                "bad",
                len(emergencies),
                cases=tuple(e.code for e in emergencies[:MAX_LISTED]),
                at=emergencies[0].received_at,
            )
        )
    for clock in CLOCKS:
        found, counts[clock] = _clock_alerts(
            clock, lists[(clock, "breached")], lists[(clock, "soon")]
        )
        alerts.extend(found)
    today = to_local(as_of).date()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    for y in years:
        if cal.year_missing(y):
            alerts.append(Alert("calendar_missing", "warn", year=y))
    alerts.sort(key=lambda a: a.severity != "bad")  # stable: red first
    return AlertPart(as_of, tuple(alerts), counts, len(emergencies))


def grid_alerts(part: KpiPart, keys: Sequence[str] = HEADLINE_KPIS) -> tuple[Alert, ...]:
    """One alert per headline KPI that some grids miss, naming the worst grids."""
    out = []
    for key in keys:
        target, higher = part.targets[key]
        below = [g for g in part.grids if g.states.get(key) in ("warn", "bad")]
        if not below:
            continue

        def badness(g: UnitValues, k: str = key, hib: bool = higher) -> float:
            v = g.values.get(k)
            return (v if hib else -v) if v is not None else 0.0

        below.sort(key=lambda g: (badness(g), g.code))
        red = any(g.states.get(key) == "bad" for g in below)
        out.append(
            Alert(
                "grids_below",
                "bad" if red else "warn",
                len(below),
                kpi=key,
                target=target,
                grids=tuple((g.name, g.values.get(key)) for g in below[:MAX_LISTED]),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Lag:
    """One indicator a grid lags on: its value against the target (and, for a
    cadence KPI in its unfinished month, the value expected by now)."""

    key: str
    value: float | None
    target: float
    higher_is_better: bool
    expected: float | None = None


def lag_state(part: KpiPart, unit: UnitValues, key: str) -> tuple[str, float | None]:
    """A grid's state on ``key`` for the lagging page, and the value expected by now:
    a cadence KPI (:data:`PACE_KPIS`) against its expected value by now (the wall
    shows the month in progress; against the target every grid is red on its first
    days), any other against its target (the map's state)."""
    if part.pace is not None and key in PACE_KPIS:
        expected = part.pace.expected(unit.code, key, part.targets[key][0])
        if expected is not None:
            return pace_state(unit.values.get(key), expected), expected
    return unit.states.get(key, "none"), None


@dataclass(frozen=True)
class LaggingGrid:
    code: str
    name: str
    lags: tuple[Lag, ...]  # the page's indicator first, then the others it is red on


def lagging_grids(part: KpiPart, key: str) -> tuple[LaggingGrid, ...]:
    """The grids of the "lagging grids" page for the map layer ``key``: those red
    (``bad``, see :func:`lag_state`) on it — or, when none is, those amber —, worst
    value first (grids without a value last, then by code). Each names ``key``'s
    value and every other map layer (:data:`MAP_LAYERS`) the grid is red on."""
    states = {g.code: lag_state(part, g, key) for g in part.grids}
    wanted = "bad" if any(s == "bad" for s, _ in states.values()) else "warn"
    target, higher = part.targets[key]

    def worst(g: UnitValues) -> tuple[bool, float, str]:
        v = g.values.get(key)
        return (v is None, (v if higher else -v) if v is not None else 0.0, g.code)

    out = []
    for g in sorted((g for g in part.grids if states[g.code][0] == wanted), key=worst):
        lags = [Lag(key, g.values.get(key), target, higher, states[g.code][1])]
        for other in MAP_LAYERS:
            if other == key or other not in part.targets:
                continue
            state, expected = lag_state(part, g, other)
            if state == "bad":
                t, h = part.targets[other]
                lags.append(Lag(other, g.values.get(other), t, h, expected))
        out.append(LaggingGrid(g.code, g.name, tuple(lags)))
    return tuple(out)


# ---------------------------------------------------------------------------
# Meetings, budget, ranking


@dataclass(frozen=True)
class MeetingPart:
    as_of: datetime
    board: Board


def load_meetings(engine: Engine, as_of: datetime) -> MeetingPart:
    return MeetingPart(as_of, board_counts_view(engine, as_of))


@dataclass(frozen=True)
class BudgetPart:
    as_of: datetime
    summary: BudgetSummary


def load_budget(engine: Engine, as_of: datetime) -> BudgetPart:
    return BudgetPart(as_of, budget_summary(engine, to_local(as_of).year, as_of))


@dataclass(frozen=True)
class RankRow:
    code: str
    name: str
    score: float | None
    grade: str | None
    rank: int | None


@dataclass(frozen=True)
class RankingPart:
    as_of: datetime
    quarter: str
    rows: tuple[RankRow, ...]  # best first; units without a score last


def quarter_label(as_of: datetime) -> str:
    t = to_local(as_of)
    return f"{t.year}Q{(t.month - 1) // 3 + 1}"


def load_ranking(engine: Engine, as_of: datetime) -> RankingPart:
    from center.kpi.assess import assess

    quarter = quarter_label(as_of)
    doc = assess(engine, quarter=quarter, scope="community", as_of=as_of).to_json_dict()
    rows = [RankRow(u["code"], u["name"], u["score"], u["grade"], u["rank"]) for u in doc["units"]]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return RankingPart(as_of, quarter, tuple(rows))


# ---------------------------------------------------------------------------
# Heat layers (spec/insight.md, "Heat map")

HEAT_LAYERS = ("history", "forecast")
HEAT_CATEGORIES = heat_service.CATEGORIES  # policy, life, dispute, emergency
ALL_CATEGORIES = "all"
# the wall reads the forecast as the read-only ``wall`` role (read_forecast: all roles)
WALL_ACTOR = Actor("wall", "wall", read_only=True)
FORECAST_MAX_AGE_S = 3600.0  # the forecast (~2 s) is recomputed at most once an hour
_forecast_lock = threading.Lock()  # one computation at a time
_cache_lock = threading.Lock()  # reading and writing the cache (never held long)
# engine -> month -> (monotonic time computed, model shown, cells)
_forecast_cache: weakref.WeakKeyDictionary[
    Engine, dict[str, tuple[float, str, dict[tuple[str, str], float]]]
] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class HeatPart:
    """Both heat layers of every grid (cases per grid × category) with its households,
    and the forecast's hot spots (top 10 % cells, ties by grid then category)."""

    as_of: datetime
    month: str  # the forecast month
    model: str  # what the forecast shows: model, last_month or mean_3
    households: Mapping[str, int]
    history: Mapping[tuple[str, str], int]  # last 30 days, by (grid, category)
    forecast: Mapping[tuple[str, str], float]  # next month, by (grid, category)
    hot_spots: tuple[heat_service.HotSpot, ...]
    #: a newer forecast is being computed and the wall reloads the part once it is in
    #: (:func:`load_heat` with ``wait=False``); without any forecast yet ``model`` is
    #: empty and so are ``forecast`` and ``hot_spots`` (see :attr:`has_forecast`)
    forecast_pending: bool = False

    @property
    def has_forecast(self) -> bool:
        """The part carries the forecast of ``month`` (it may be pending a newer one)."""
        return bool(self.model)

    def cases(self, layer: str, grid: str, category: str = ALL_CATEGORIES) -> float:
        cells: Mapping[tuple[str, str], float] = (
            self.forecast if layer == "forecast" else self.history
        )
        cats = HEAT_CATEGORIES if category == ALL_CATEGORIES else (category,)
        return float(sum(cells.get((grid, c), 0) for c in cats))

    def rate(self, layer: str, grid: str, category: str = ALL_CATEGORIES) -> float | None:
        """Cases per 100 households of ``grid`` (None without households)."""
        return heat_service.per_100(self.cases(layer, grid, category), self.households.get(grid, 0))

    def rates(self, layer: str, category: str = ALL_CATEGORIES) -> dict[str, float | None]:
        return {g: self.rate(layer, g, category) for g in sorted(self.households)}


#: compute the wall's forecast in a short-lived child process (see
#: :func:`compute_forecast`); False: on the calling thread (tests that fake the model)
FORECAST_IN_CHILD = True
#: the forecast process runs at a lower CPU priority: background work that must not
#: slow the wall's own loads (it uses the core they leave)
FORECAST_NICE = 10
#: the child's program: the forecast of one month as JSON on its standard output; the
#: request (database URL, month, instant, statement limit, niceness) comes on its
#: standard input, so that no password shows in the process list
_FORECAST_CHILD = """
import json, os, sys
from datetime import datetime
req = json.loads(sys.stdin.read())
os.nice(req["nice"])
from center.core.access import Actor
from center.insight import forecast
from db.engine import make_engine, reader
engine = make_engine(req["url"])
if req["timeout"]:
    engine = reader(engine, req["timeout"])
fc = forecast.forecast_month(
    engine, Actor("wall", "wall", read_only=True), req["month"],
    datetime.fromisoformat(req["as_of"]),
)
engine.dispose()
json.dump({"selected": fc.selected, "cells": [[c.grid, c.category, c.forecast] for c in fc.cells]},
          sys.stdout)
"""


class ForecastError(RuntimeError):
    """The forecast's child process failed; the message has its last error line."""


_children: set[Any] = set()  # running forecast processes (subprocess.Popen)
_children_lock = threading.Lock()


@atexit.register
def end_forecasts() -> None:
    """End the forecast processes still running (the wall stops or exits); their
    computations fail with :class:`ForecastError`."""
    with _children_lock:
        running = list(_children)
    for child in running:
        child.kill()


def _peek_forecast(
    engine: Engine, month: str
) -> tuple[float, str, dict[tuple[str, str], float]] | None:
    """The cached forecast of ``month`` (computed at, model, cells), without waiting."""
    with _cache_lock:
        return _forecast_cache.get(engine, {}).get(month)


def _child_url(engine: Engine) -> str | None:
    """The URL a child process can open the same database with (None: it cannot, an
    in-memory SQLite database)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def compute_forecast(
    engine: Engine, month: str, as_of: datetime
) -> tuple[str, dict[tuple[str, str], float]]:
    """``month``'s forecast (:func:`center.insight.forecast.forecast_month`, as the
    wall's read-only actor): the selected model and the forecast per (grid, category).

    It runs in a child process (at :data:`FORECAST_NICE`) that ends when it is done:
    the forecast needs scikit-learn and SciPy, which would otherwise stay loaded in the
    wall's process for good (measured: +160 MB PSS for an hourly computation) and hold
    the interpreter lock for seconds while the wall starts. Floats come back through
    JSON, which round-trips them exactly: the numbers are those of an in-process call."""
    url = _child_url(engine) if FORECAST_IN_CHILD else None
    if url is None:
        fc = forecast_service.forecast_month(engine, WALL_ACTOR, month, as_of)
        return fc.selected, {(c.grid, c.category): c.forecast for c in fc.cells}
    import subprocess
    import sys

    from db.engine import STATEMENT_TIMEOUT_OPTION

    request = {
        "url": url,
        "month": month,
        "as_of": as_of.isoformat(),
        "timeout": engine.get_execution_options().get(STATEMENT_TIMEOUT_OPTION),
        "nice": FORECAST_NICE,
    }
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and program
        [sys.executable, "-c", _FORECAST_CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with _children_lock:
        _children.add(child)
    try:
        out, err = child.communicate(json.dumps(request))
    finally:
        with _children_lock:
            _children.discard(child)
    if child.returncode != 0:
        lines = [x for x in err.strip().splitlines() if x.strip()]
        raise ForecastError(
            f"the forecast process failed (exit {child.returncode}): "
            f"{lines[-1] if lines else 'no message'}"
        )
    doc = json.loads(out)
    return str(doc["selected"]), {(g, c): float(v) for g, c, v in doc["cells"]}


def cached_forecast(
    engine: Engine, month: str, as_of: datetime
) -> tuple[str, dict[tuple[str, str], float]]:
    """``month``'s forecast per (grid, category) as the wall reads it, computed at most
    once per :data:`FORECAST_MAX_AGE_S` for each month and engine (a worker thread's
    call; other threads wait for the one computing)."""
    with _forecast_lock:
        made = _peek_forecast(engine, month)
        if made is not None and monotonic() - made[0] < FORECAST_MAX_AGE_S:
            return made[1], made[2]
        selected, cells = compute_forecast(engine, month, as_of)
        with _cache_lock:
            _forecast_cache[engine] = {month: (monotonic(), selected, cells)}
        return selected, cells


def load_heat(engine: Engine, as_of: datetime, *, wait: bool = True) -> HeatPart:
    """The heat part of ``as_of``. ``wait=False`` (the wall) does not compute the
    forecast: the part carries the cached one (an hour old at most, or older when it
    is due again; none at the start) and ``forecast_pending`` says that it is due: the
    caller computes it with :func:`wait_forecast` (seconds, in a child process) and
    loads the part again."""
    t = to_local(as_of)
    month = heat_service.next_month(t)
    pending = False
    if wait:
        model, forecast = cached_forecast(engine, month, t)
    else:
        made = _peek_forecast(engine, month)
        pending = made is None or monotonic() - made[0] >= FORECAST_MAX_AGE_S
        model, forecast = (made[1], made[2]) if made is not None else ("", {})
    households = heat_service.households_per_grid(engine, t)
    return HeatPart(
        as_of=as_of,
        month=month,
        model=model,
        households=households,
        history=heat_service.history_cells(engine, t),
        forecast=forecast,
        hot_spots=heat_service.hot_spots(forecast, households),
        forecast_pending=pending,
    )


def wait_forecast(engine: Engine, as_of: datetime) -> None:
    """Compute the forecast the heat part of ``as_of`` needs into the cache (or wait for
    the thread computing it), unless it is fresh there."""
    t = to_local(as_of)
    cached_forecast(engine, heat_service.next_month(t), t)


# ---------------------------------------------------------------------------
# Everything at once (the snapshot command, reports)

LOADERS: dict[str, Callable[[Engine, datetime], Any]] = {
    "kpis": load_kpis,
    "trend": load_trend,
    "incidents": load_incidents,
    "alerts": load_alerts,
    "meetings": load_meetings,
    "budget": load_budget,
    "ranking": load_ranking,
    "heat": load_heat,
}


class SharedReads:
    """Reads that several parts loaded together need, made once: the parts of one
    refresh pass one of these (and the same instant) to :func:`load_part`, so the open
    ``immediate`` cases past their clock are read once for the map's markers
    (``incidents``) and the ticker (``alerts``), and the two agree. Thread-safe: a
    second part asking for a read in progress waits for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[threading.Lock, list[Any]]] = {}

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._entries.setdefault(key, (threading.Lock(), []))
        lock, made = entry
        with lock:
            if not made:
                made.append(make())
            return made[0]


def load_part(engine: Engine, part: str, as_of: datetime, shared: SharedReads | None = None) -> Any:
    """Load one part of :data:`PARTS` as of ``as_of`` (``shared``: see
    :class:`SharedReads`)."""
    if part == "base":
        return load_base(engine)
    if part == "incidents":
        return load_incidents(engine, as_of, shared)
    if part == "alerts":
        return load_alerts(engine, as_of, shared)
    try:
        loader = LOADERS[part]
    except KeyError:
        raise ValueError(
            f"unknown wall part {part!r}: expected one of {', '.join(PARTS)}"
        ) from None
    return loader(engine, as_of)
