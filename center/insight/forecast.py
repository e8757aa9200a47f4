"""The demand forecast (spec/insight.md, "Demand forecast").

The number of cases received (all sources) per grid × category (``policy``, ``life``,
``dispute``, ``emergency``: the category table's codes) × calendar month, with an
80 % prediction interval; community and street figures are sums of the grid cells.

* :func:`backtest` — a rolling-origin backtest over the last N complete months before
  T: for each month m, fit on the cases received before m, forecast m, compare with
  what arrived; for the model and the two baselines ``last_month`` and ``mean_3``
  (:mod:`.metrics`). Two model candidates from scikit-learn are fitted at every origin
  (:data:`CANDIDATES`: a Poisson regression and gradient boosting with a Poisson
  loss); the one with the lower wape over the backtest is "the model".
* :func:`forecast_month` — a month's forecast from the cases received before its
  first day (and by T), using what a 6-month backtest ending before that month
  selected: the model when its wape is at most both baselines', else the better
  baseline (``mean_3`` on a tie). The product never shows a model that lost.

Features of a cell's month (each from the months before it only): the last month's
count, the mean of the last three, the cell's level (mean over the last up to 12
months since the data's first month), the same month last year, the category, the
month of the year (and, for the regression, category × month of the year), a trend,
and the month's working days and weekday holidays from the product's own working-day
calendar (:mod:`center.kpi.calendar`, the administrator's overrides included).

A month that has begun but not ended at T is not counted (its partial count would
read as a drop): a forecast steps forward from the last complete month, feeding each
forecast month's figures to the next.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, and_, bindparam, func, select

from center.core.access import Actor, require_role
from center.core.errors import InvalidInput
from center.insight import metrics
from center.kpi.calendar import WorkCalendar, load_calendar
from db.kpi_queries import month_of
from db.models import Case, Category, Community, Grid, Household, Subcategory
from db.types import CST, LocalDateTime, to_local

#: the four categories of taxonomy.md, in its order (the category table's codes)
CATEGORIES = ("policy", "life", "dispute", "emergency")
BASELINES = ("last_month", "mean_3")
#: the model candidates, in the order a tie is decided
CANDIDATES = ("poisson_regression", "gradient_boosting_poisson")
#: a month's forecast uses the selection of a backtest over this many months before it
SELECTION_MONTHS = 6
#: the model learns from at most this many months before the forecast month
TRAIN_MONTHS = 36

ACTION = "read_forecast"


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ForecastCell:
    grid: str
    category: str
    forecast: float
    lo: float
    hi: float

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "grid": self.grid,
            "category": self.category,
            "forecast": _r(self.forecast),
            "lo": _r(self.lo),
            "hi": _r(self.hi),
        }


@dataclass(frozen=True)
class MonthForecast:
    month: str
    as_of: datetime
    #: what the product shows: ``model``, ``last_month`` or ``mean_3``
    selected: str
    #: the model candidate the selection backtest fitted best
    model_name: str
    cells: list[ForecastCell]
    #: the selection backtest's wape of the model and of each baseline
    wapes: dict[str, float | None] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "as_of": self.as_of.isoformat(),
            "selected": self.selected,
            "model_name": self.model_name,
            "cells": [c.to_json_dict() for c in self.cells],
        }


@dataclass(frozen=True)
class Interval:
    forecast: float
    lo: float
    hi: float

    def to_json_dict(self) -> dict[str, Any]:
        return {"forecast": _r(self.forecast), "lo": _r(self.lo), "hi": _r(self.hi)}


@dataclass(frozen=True)
class BacktestCell:
    month: str
    grid: str
    category: str
    actual: int
    model: Interval
    last_month: Interval
    mean_3: Interval

    def of(self, method: str) -> Interval:
        return {"model": self.model, "last_month": self.last_month, "mean_3": self.mean_3}[method]


@dataclass(frozen=True)
class Backtest:
    as_of: datetime
    months: list[str]
    selected: str
    model_name: str
    #: ``{"model"|"last_month"|"mean_3": {"wape", "accuracy", "hotspot_precision",
    #: "interval_coverage"}}``
    metrics: dict[str, dict[str, float | None]]
    cells: list[BacktestCell]
    #: every candidate's wape over the backtest (the model is the best of them)
    candidate_wapes: dict[str, float | None] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "months": list(self.months),
            "selected": self.selected,
            "model_name": self.model_name,
            "metrics": {m: {k: _r(v) for k, v in vals.items()} for m, vals in self.metrics.items()},
            "cells": [
                {
                    "month": c.month,
                    "grid": c.grid,
                    "category": c.category,
                    "actual": c.actual,
                    "model": c.model.to_json_dict(),
                    "last_month": c.last_month.to_json_dict(),
                    "mean_3": c.mean_3.to_json_dict(),
                }
                for c in self.cells
            ],
        }


def _r(value: float | None) -> float | None:
    """Six decimals (the spec asks for at least four)."""
    return None if value is None else round(float(value), 6)


# ---------------------------------------------------------------------------
# Months: an integer index year × 12 + month − 1


def month_index(label: str) -> int:
    """``YYYY-MM`` -> month index; refuses anything else."""
    text = label.strip()
    ok = len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()
    if not ok or not 1 <= int(text[5:]) <= 12 or int(text[:4]) < 1:
        raise InvalidInput("month", f"{label!r} is not a month (YYYY-MM)")
    return int(text[:4]) * 12 + int(text[5:]) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=CST)


def _first_incomplete(as_of: datetime) -> int:
    """The month containing T, unless T is its first instant (then that month has not
    begun: every earlier month is complete)."""
    return as_of.year * 12 + as_of.month - 1


def select_method(wapes: dict[str, float | None]) -> str:
    """The fallback rule: ``model`` when its wape is at most both baselines', else the
    baseline with the lower wape (``mean_3`` on a tie). A wape that cannot be computed
    (nothing arrived) never wins: then ``mean_3``."""
    model, last, mean3 = wapes.get("model"), wapes.get("last_month"), wapes.get("mean_3")
    if model is not None and last is not None and mean3 is not None:
        if model <= last and model <= mean3:
            return "model"
    if last is not None and (mean3 is None or last < mean3):
        return "last_month"
    return "mean_3"


# ---------------------------------------------------------------------------
# The history


@dataclass
class History:
    """Counts per cell (grid-major, categories in :data:`CATEGORIES` order) and month
    ``start`` … ``end − 1``; ``first`` is the data's first month (None: no case)."""

    cells: list[metrics.Cell]
    community_of: dict[str, str]
    start: int
    end: int
    first: int | None
    counts: np.ndarray
    calendar: WorkCalendar

    def column(self, month: int) -> int:
        return month - self.start


def load_history(engine: Engine, end: int, as_of: datetime, months: int = 0) -> History:
    """The cases received before the first day of month ``end`` and by T, counted per
    grid (the case's, else its household's) × category × month, for the months a
    backtest over the ``months`` before ``end`` reads (its months, the training months
    before them and a year of lags before those)."""
    start = end - max(months, SELECTION_MONTHS) - TRAIN_MONTHS - 12
    t = bindparam("t", as_of, type_=LocalDateTime())
    upper = bindparam("end", month_start(end), type_=LocalDateTime())
    with engine.connect() as conn:
        grids = conn.execute(
            select(Grid.id, Grid.code, Community.code)
            .join(Community, Community.id == Grid.community_id)
            .order_by(Grid.code)
        ).all()
        earliest = conn.scalar(
            select(func.min(Case.received_at)).where(
                Case.received_at < upper, Case.received_at <= t
            )
        )
        ym = month_of(conn.dialect.name, Case.received_at)
        grid_col = func.coalesce(Case.grid_id, Household.grid_id)
        lower = bindparam("start", month_start(start), type_=LocalDateTime())
        rows = conn.execute(
            select(ym, grid_col, Category.code, func.count())
            .select_from(Case)
            .join(Subcategory, Subcategory.id == Case.subcategory_id)
            .join(Category, Category.id == Subcategory.category_id)
            .outerjoin(Household, and_(Case.grid_id.is_(None), Household.id == Case.household_id))
            .where(Case.received_at >= lower, Case.received_at < upper, Case.received_at <= t)
            .group_by(ym, grid_col, Category.code)
        ).all()
        calendar = load_calendar(conn)
    code_of = {gid: code for gid, code, _ in grids}
    cells = [(code, cat) for _, code, _ in grids for cat in CATEGORIES]
    pos = {cell: i for i, cell in enumerate(cells)}
    counts = np.zeros((len(cells), end - start), dtype=float)
    for y, gid, cat, n in rows:
        mi = (int(y) // 100) * 12 + int(y) % 100 - 1
        i = pos.get((code_of.get(gid, ""), cat))
        if i is not None:
            counts[i, mi - start] += int(n)
    first = None if earliest is None else earliest.year * 12 + earliest.month - 1
    return History(
        cells=cells,
        community_of={code: comm for _, code, comm in grids},
        start=start,
        end=end,
        first=first,
        counts=counts,
        calendar=calendar,
    )


# ---------------------------------------------------------------------------
# Features


def _calendar_features(cal: WorkCalendar, month: int) -> tuple[float, float, float]:
    """(working days, Monday–Friday days off, days) of a month."""
    day = month_start(month).date()
    nxt = month_start(month + 1).date()
    workdays = holidays = days = 0
    while day < nxt:
        days += 1
        if cal.is_workday(day):
            workdays += 1
        elif day.weekday() < 5:
            holidays += 1
        day += timedelta(days=1)
    return float(workdays), float(holidays), float(days)


@dataclass
class Features:
    """Per month (column j): the raw feature columns of every cell."""

    lag1: np.ndarray
    mean3: np.ndarray
    level: np.ndarray
    lag12: np.ndarray  # NaN where last year's month precedes the data
    trend: float
    workdays: float
    holidays: float
    days: float
    moy: int


def month_features(
    y: np.ndarray, j: int, first_col: int, cal_row: tuple[float, ...], moy: int
) -> Features:
    """Features of column ``j`` of the counts ``y`` (cells × months), reading columns
    before ``j`` only; ``first_col`` is the data's first month's column."""
    n = y.shape[0]

    def col(k: int) -> np.ndarray:
        return y[:, k] if k >= 0 else np.zeros(n)

    lo = max(first_col, j - 12, 0)
    level = y[:, lo:j].mean(axis=1) if j > lo else np.zeros(n)
    lag12 = y[:, j - 12] if j - 12 >= max(first_col, 0) else np.full(n, np.nan)
    return Features(
        lag1=col(j - 1),
        mean3=(col(j - 1) + col(j - 2) + col(j - 3)) / 3.0,
        level=level,
        lag12=lag12,
        trend=(j - first_col) / 12.0,
        workdays=cal_row[0],
        holidays=cal_row[1],
        days=cal_row[2],
        moy=moy,
    )


def _glm_matrix(feats: Sequence[Features]) -> np.ndarray:
    blocks = []
    for f in feats:
        n = f.lag1.shape[0]
        cat = np.arange(n) % len(CATEGORIES)
        has12 = ~np.isnan(f.lag12)
        lag12 = np.where(has12, f.lag12, f.level)
        cat_hot = np.zeros((n, len(CATEGORIES)))
        cat_hot[np.arange(n), cat] = 1.0
        season = np.zeros((n, len(CATEGORIES) * 12))
        season[np.arange(n), cat * 12 + f.moy] = 1.0
        const = np.ones(n)
        blocks.append(
            np.column_stack(
                [
                    np.log1p(f.lag1),
                    np.log1p(f.mean3),
                    np.log1p(f.level),
                    np.log1p(lag12),
                    has12.astype(float),
                    const * f.trend,
                    const * f.workdays,
                    const * f.holidays,
                    const * f.days,
                    cat_hot,
                    season,
                ]
            )
        )
    return np.vstack(blocks)


def _tree_matrix(feats: Sequence[Features]) -> np.ndarray:
    blocks = []
    for f in feats:
        n = f.lag1.shape[0]
        const = np.ones(n)
        blocks.append(
            np.column_stack(
                [
                    f.lag1,
                    f.mean3,
                    f.level,
                    np.where(np.isnan(f.lag12), -1.0, f.lag12),  # -1: no month last year
                    const * f.trend,
                    const * f.workdays,
                    const * f.holidays,
                    const * f.days,
                    (np.arange(n) % len(CATEGORIES)).astype(float),
                    const * f.moy,
                ]
            )
        )
    return np.vstack(blocks)


def _make_estimator(name: str) -> tuple[Any, Callable[[Sequence[Features]], np.ndarray]]:
    if name == "poisson_regression":
        from sklearn.linear_model import PoissonRegressor
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        est = make_pipeline(
            StandardScaler(), PoissonRegressor(alpha=1e-3, solver="newton-cholesky", max_iter=100)
        )
        return est, _glm_matrix
    if name == "gradient_boosting_poisson":
        from sklearn.ensemble import HistGradientBoostingRegressor

        categorical = [False] * 8 + [True, True]
        est = HistGradientBoostingRegressor(
            loss="poisson",
            learning_rate=0.1,
            max_iter=100,
            max_leaf_nodes=15,
            min_samples_leaf=20,
            l2_regularization=1.0,
            categorical_features=categorical,
            early_stopping=False,
            random_state=0,
        )
        return est, _tree_matrix
    raise ValueError(f"unknown model candidate {name!r}")


@dataclass
class Fitted:
    """A fitted candidate: ``predict(features)`` gives the means; ``alpha`` is the
    negative-binomial dispersion of its training residuals (0: Poisson)."""

    name: str
    estimator: Any
    matrix: Callable[[Sequence[Features]], np.ndarray] | None
    alpha: float

    def predict(self, feats: Features) -> np.ndarray:
        if self.matrix is None:  # nothing to learn from: the cells' levels
            return feats.level.copy()
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return np.maximum(np.asarray(self.estimator.predict(self.matrix([feats]))), 0.0)


def fit_candidate(name: str, feats: Sequence[Features], targets: Sequence[np.ndarray]) -> Fitted:
    y = np.concatenate(list(targets)) if targets else np.zeros(0)
    if y.size == 0 or float(y.sum()) <= 0:
        return Fitted(name, None, None, 0.0)
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    est, matrix = _make_estimator(name)
    x = matrix(feats)
    # one thread: the fits are small, and OpenMP's thread teams cost more than they
    # give on a desktop shared with the windows (and leave no threads behind)
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # a tiny history may stop the solver early; the backtest judges the result
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(x, y)
        mu = np.maximum(np.asarray(est.predict(x)), 1e-9)
    alpha = max(0.0, float(((y - mu) ** 2 - y).sum() / (mu**2).sum()))
    return Fitted(name, est, matrix, alpha)


# ---------------------------------------------------------------------------
# The engine of both entry points


class _Series:
    """The counts of a history, extendable by forecasts, with their features."""

    def __init__(self, history: History) -> None:
        self.h = history
        self.y = history.counts.copy()
        self.first_col = (
            history.column(history.first) if history.first is not None else self.y.shape[1]
        )
        self._cal: dict[int, tuple[float, float, float]] = {}
        self._feats: dict[int, Features] = {}

    def features(self, j: int) -> Features:
        hit = self._feats.get(j)
        if hit is None:
            month = self.h.start + j
            cal = self._cal.get(month)
            if cal is None:
                cal = self._cal[month] = _calendar_features(self.h.calendar, month)
            hit = month_features(self.y, j, self.first_col, cal, month % 12)
            self._feats[j] = hit
        return hit

    def train_rows(self, j: int) -> tuple[list[Features], list[np.ndarray]]:
        """The training months for forecasting column ``j``: those after the data's
        first month and before ``j``, at most :data:`TRAIN_MONTHS` of them."""
        lo = max(self.first_col + 1, j - TRAIN_MONTHS, 1)
        cols = range(lo, j)
        return [self.features(k) for k in cols], [self.y[:, k] for k in cols]

    def extend(self, values: np.ndarray) -> int:
        """Append a forecast month; returns its column."""
        self.y = np.column_stack([self.y, values])
        return self.y.shape[1] - 1


def _baseline_means(feats: Features) -> dict[str, np.ndarray]:
    return {"last_month": feats.lag1, "mean_3": feats.mean3}


def _interval(mean: float, alpha: float = 0.0) -> tuple[int, int]:
    return (
        metrics.negbin_percentile(mean, alpha, metrics.LOWER_P),
        metrics.negbin_percentile(mean, alpha, metrics.UPPER_P),
    )


def run_backtest(
    history: History, months: Sequence[int], as_of: datetime, candidates: Sequence[str] = CANDIDATES
) -> Backtest:
    """The rolling-origin backtest over ``months`` (all before ``history.end``)."""
    series = _Series(history)
    cells = history.cells
    per_month: list[tuple[int, np.ndarray, dict[str, np.ndarray], dict[str, Fitted]]] = []
    for m in months:
        j = history.column(m)
        feats = series.features(j)
        train_x, train_y = series.train_rows(j)
        preds: dict[str, np.ndarray] = dict(_baseline_means(feats))
        fits: dict[str, Fitted] = {}
        for name in candidates:
            fitted = fit_candidate(name, train_x, train_y)
            fits[name] = fitted
            preds[name] = fitted.predict(feats)
        per_month.append((m, series.y[:, j], preds, fits))

    def wape_of(method: str) -> float | None:
        act = np.concatenate([a for _, a, _, _ in per_month]) if per_month else np.zeros(0)
        fc = np.concatenate([p[method] for _, _, p, _ in per_month]) if per_month else act
        return metrics.wape(act.tolist(), fc.tolist())

    candidate_wapes = {name: wape_of(name) for name in candidates}
    best = min(
        candidates,
        key=lambda n: (candidate_wapes[n] is None, candidate_wapes[n] or 0.0, candidates.index(n)),
    )
    rows: list[BacktestCell] = []
    by_method: dict[str, list[tuple[dict, dict]]] = {"model": [], **{b: [] for b in BASELINES}}
    pairs: dict[str, list[tuple[float, float, float]]] = {k: [] for k in by_method}
    for m, actual, preds, fits in per_month:
        label = month_label(m)
        acts = {cell: float(actual[i]) for i, cell in enumerate(cells)}
        means = {"model": preds[best], "last_month": preds["last_month"], "mean_3": preds["mean_3"]}
        for method, mean in means.items():
            by_method[method].append((acts, {cell: float(mean[i]) for i, cell in enumerate(cells)}))
        for i, (grid, cat) in enumerate(cells):
            ivs: dict[str, Interval] = {}
            for method, mean in means.items():
                alpha = fits[best].alpha if method == "model" else 0.0
                lo, hi = _interval(float(mean[i]), alpha)
                ivs[method] = Interval(float(mean[i]), float(lo), float(hi))
                pairs[method].append((float(actual[i]), float(lo), float(hi)))
            rows.append(
                BacktestCell(
                    label, grid, cat, int(actual[i]), ivs["model"], ivs["last_month"], ivs["mean_3"]
                )
            )
    results: dict[str, dict[str, float | None]] = {}
    for method, monthly in by_method.items():
        act_all = [a for acts, _ in monthly for a in acts.values()]
        fc_all = [fcs[c] for acts, fcs in monthly for c in acts]
        results[method] = {
            "wape": metrics.wape(act_all, fc_all),
            "accuracy": metrics.accuracy(monthly, history.community_of),
            "hotspot_precision": metrics.hotspot_precision(monthly),
            "interval_coverage": metrics.interval_coverage(pairs[method]),
        }
    selected = select_method({k: v["wape"] for k, v in results.items()})
    return Backtest(
        as_of=as_of,
        months=[month_label(m) for m in months],
        selected=selected,
        model_name=best,
        metrics=results,
        cells=rows,
        candidate_wapes=candidate_wapes,
    )


# ---------------------------------------------------------------------------
# Entry points


def _resolve(as_of: datetime | None) -> datetime:
    return to_local(as_of) if as_of is not None else datetime.now(CST).replace(microsecond=0)


def backtest(engine: Engine, actor: Actor, months: int, as_of: datetime | None = None) -> Backtest:
    """The rolling-origin backtest over the last ``months`` complete months before T
    (default now)."""
    require_role(actor, ACTION)
    if months < 1:
        raise InvalidInput("months", f"{months} is not a number of months (1 or more)")
    t = _resolve(as_of)
    end = _first_incomplete(t)
    history = load_history(engine, end, t, months)
    return run_backtest(history, list(range(end - months, end)), t)


def forecast_month(
    engine: Engine, actor: Actor, month: str, as_of: datetime | None = None
) -> MonthForecast:
    """The forecast of ``month`` (``YYYY-MM``) for every grid × category from the cases
    received before its first day and by T, as the 6-month backtest before it
    selected."""
    require_role(actor, ACTION)
    target = month_index(month)
    t = _resolve(as_of)
    cutoff = min(t, month_start(target))
    end = _first_incomplete(cutoff)
    history = load_history(engine, end, cutoff, SELECTION_MONTHS + target - end)
    chosen = run_backtest(history, list(range(end - SELECTION_MONTHS, end)), t)
    series = _Series(history)
    fitted: Fitted | None = None
    if chosen.selected == "model":
        train_x, train_y = series.train_rows(series.y.shape[1])
        fitted = fit_candidate(chosen.model_name, train_x, train_y)
    mean = np.zeros(len(history.cells))
    for _ in range(end, target + 1):
        j = series.y.shape[1]
        feats = series.features(j)
        mean = (
            fitted.predict(feats) if fitted is not None else _baseline_means(feats)[chosen.selected]
        )
        series.extend(mean)
    alpha = fitted.alpha if fitted is not None else 0.0
    cells = []
    for i, (grid, cat) in enumerate(history.cells):
        lo, hi = _interval(float(mean[i]), alpha)
        cells.append(ForecastCell(grid, cat, float(mean[i]), float(lo), float(hi)))
    return MonthForecast(
        month=month_label(target),
        as_of=t,
        selected=chosen.selected,
        model_name=chosen.model_name,
        cells=cells,
        wapes={k: v["wape"] for k, v in chosen.metrics.items()},
    )
