"""The heat layers of the street map in cases per 100 households (spec/insight.md,
"Heat map"): the last 30 days' cases and the next month's forecast, per grid, for
one category or all, and the hot spots (top 10 % forecast cells, grid × category).

Plain data for the offline map (:mod:`reports.street_map`, ``center export map``);
no Qt. The grids' shapes and KPI colours stay with :mod:`center.wall.model`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, or_, select

from center.core.access import Actor, require_role
from center.insight import forecast as forecast_service
from center.insight.metrics import hotspot_k, top_cells
from db.models import Case, Category, Grid, Household, Subcategory
from db.types import to_local

CATEGORIES = ("policy", "life", "dispute", "emergency")
LAYERS = ("forecast", "history")
HISTORY_DAYS = 30  # as the wall's history layer (center.wall.model.HEAT_DAYS)


def per_100(cases: float, households: int) -> float | None:
    """Cases per 100 households (None for a grid without households)."""
    return cases / households * 100 if households else None


@dataclass(frozen=True)
class GridHeat:
    grid: str
    households: int
    history: dict[str, int]  # category -> cases received in the last 30 days
    forecast: dict[str, float]  # category -> next month's forecast

    def cases(self, layer: str, categories: tuple[str, ...]) -> float:
        source: dict[str, float] = dict(self.history if layer == "history" else self.forecast)
        return sum(source.get(c, 0.0) for c in categories)

    def rate(self, layer: str, categories: tuple[str, ...]) -> float | None:
        return per_100(self.cases(layer, categories), self.households)


@dataclass(frozen=True)
class HotSpot:
    grid: str
    category: str
    forecast: float
    per_100: float | None


@dataclass(frozen=True)
class StreetHeat:
    as_of: datetime
    month: str  # the forecast month (YYYY-MM)
    history_since: datetime
    model: str  # what the forecast shows: model, last_month or mean_3
    grids: tuple[GridHeat, ...]
    hot_spots: tuple[HotSpot, ...]

    def grid(self, code: str) -> GridHeat:
        for g in self.grids:
            if g.grid == code:
                return g
        raise KeyError(code)


def next_month(as_of: datetime) -> str:
    t = to_local(as_of)
    y, m = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    return f"{y:04d}-{m:02d}"


def households_per_grid(engine: Engine, as_of: datetime) -> dict[str, int]:
    """Households of each grid not moved out by T (grids without any: 0)."""
    day = to_local(as_of).date()
    with engine.connect() as conn:
        out = {code: 0 for code in conn.scalars(select(Grid.code))}
        rows = conn.execute(
            select(Grid.code, func.count(Household.id))
            .join(Grid, Grid.id == Household.grid_id)
            .where(or_(Household.moved_out_on.is_(None), Household.moved_out_on > day))
            .group_by(Grid.code)
        ).all()
    out.update({code: int(n) for code, n in rows})
    return out


def history_cells(engine: Engine, as_of: datetime) -> dict[tuple[str, str], int]:
    """Cases received in the last 30 days by T (T − 30 d, T], per (grid, category)."""
    since = as_of - timedelta(days=HISTORY_DAYS)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Grid.code, Category.code, func.count(Case.id))
            .select_from(Case)
            .join(Household, Household.id == Case.household_id)
            .join(Grid, Grid.id == Household.grid_id)
            .join(Subcategory, Subcategory.id == Case.subcategory_id)
            .join(Category, Category.id == Subcategory.category_id)
            .where(Case.received_at > since, Case.received_at <= as_of)
            .group_by(Grid.code, Category.code)
        ).all()
    return {(g, c): int(n) for g, c, n in rows}


def hot_spots(
    forecast: dict[tuple[str, str], float], households: dict[str, int]
) -> tuple[HotSpot, ...]:
    """The top 10 % forecast cells (K = ceil(0.10 × cells), ties by grid then
    category, as the backtest's hotspot_precision ranks them)."""
    top = top_cells(forecast, hotspot_k(len(forecast)))
    return tuple(
        HotSpot(g, c, forecast[(g, c)], per_100(forecast[(g, c)], households.get(g, 0)))
        for g, c in top
    )


def load_heat(engine: Engine, actor: Actor, as_of: datetime) -> StreetHeat:
    """Both heat layers of every grid at T, and the next month's hot spots (the
    actor must read aggregates and forecasts)."""
    require_role(actor, "read_aggregates")
    t = to_local(as_of)
    month = next_month(t)
    fc = forecast_service.forecast_month(engine, actor, month, t)
    households = households_per_grid(engine, t)
    history = history_cells(engine, t)
    forecast = {(c.grid, c.category): c.forecast for c in fc.cells}
    grids = tuple(
        GridHeat(
            grid=code,
            households=households[code],
            history={cat: history.get((code, cat), 0) for cat in CATEGORIES},
            forecast={cat: forecast.get((code, cat), 0.0) for cat in CATEGORIES},
        )
        for code in sorted(households)
    )
    return StreetHeat(
        as_of=t,
        month=month,
        history_since=t - timedelta(days=HISTORY_DAYS),
        model=fc.selected,
        grids=grids,
        hot_spots=hot_spots(forecast, households),
    )
