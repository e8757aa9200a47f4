"""The 趋势与预测 tab (issue 18: workstation charts with pyqtgraph).

* **KPI trend**: for the street, a community or a grid and a KPI of the catalogue
  (:mod:`center.core.kpis`), the KPI month by month over the 12 months up to the month
  of "now" (:func:`center.kpi.compute.trend`), the target a dashed line.
* **Forecast against actual**: for the same unit and a category (or all), the cases
  received in each of the last 12 complete months and the backtest's forecast of each
  with its 80 % interval (:func:`center.insight.forecast.backtest`, the cells of the
  unit's grids summed), in the method the backtest selected (labelled: the model and
  its name, or a baseline), plus next month's forecast
  (:func:`center.insight.forecast.forecast_month`).

Leaders, coordinators and assessors see the tab (:data:`TREND_ROLES`); the loads check
``read_aggregates`` / ``read_forecast`` and run on a worker thread. The services'
results are kept per load: choosing another unit, KPI or category re-draws from them;
a change elsewhere (:meth:`TrendsView.refresh`) re-reads the KPI trend, the reload
button both (the backtest refits the model month by month: seconds on a full street).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.cases.inbox import FilterChoices, filter_choices
from center.core.access import Actor, require_role
from center.core.errors import USER_ERRORS, NotFound
from center.core.kpis import BY_KEY, KPIS
from center.insight.forecast import Backtest, MonthForecast, backtest, forecast_month
from center.kpi.compute import trend
from center.kpi.targets import list_targets
from center.windows.runtime.faults import fault_message, fault_of
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx

translate = tx.translate
#: months of the KPI trend (up to and including the month of "now") and of the backtest
MONTHS = 12
#: the roles that see the tab (the reads themselves are open to every role)
TREND_ROLES = frozenset({"leader", "coordinator", "assessor"})
CATEGORIES: dict[str, str] = {
    "all": QT_TRANSLATE_NOOP("Workstation", "All categories"),
    "policy": QT_TRANSLATE_NOOP("Workstation", "Policy enquiries"),
    "life": QT_TRANSLATE_NOOP("Workstation", "Living services"),
    "dispute": QT_TRANSLATE_NOOP("Workstation", "Dispute mediation"),
    "emergency": QT_TRANSLATE_NOOP("Workstation", "Emergency help"),
}
METHODS: dict[str, str] = {
    "model": QT_TRANSLATE_NOOP("Workstation", "Model (%1)"),
    "last_month": QT_TRANSLATE_NOOP("Workstation", "Last month's count"),
    "mean_3": QT_TRANSLATE_NOOP("Workstation", "Mean of the last 3 months"),
}
BAD = "#A8071A"
INK = "#262626"
LINE = "#1677FF"
ACTUAL = "#262626"
FORECAST = "#D46B08"
NEXT = "#A8071A"


def may_see(actor: Actor) -> bool:
    return bool(actor.roles & TREND_ROLES) and actor.may("read_aggregates")


# ---------------------------------------------------------------------------
# The data (plain, computed on the worker thread)


@dataclass(frozen=True)
class Unit:
    scope: str  # street, community or grid
    code: str  # the street's name for the street (as the KPI service names it)
    name: str
    grids: tuple[str, ...]  # grid codes in the unit


def units_of(choices: FilterChoices) -> list[Unit]:
    """The street, then each community followed by its grids."""
    street = Unit("street", choices.street, choices.street, tuple(g for g, _, _ in choices.grids))
    out = [street]
    for code, name in choices.communities:
        grids = [(g, n) for g, n, c in choices.grids if c == code]
        out.append(Unit("community", code, name, tuple(g for g, _ in grids)))
        out += [Unit("grid", g, n, (g,)) for g, n in grids]
    return out


def load_units(engine: Engine, actor: Actor) -> list[Unit]:
    require_role(actor, "read_aggregates")
    return units_of(filter_choices(engine))


@dataclass(frozen=True)
class TrendData:
    """Every unit's KPI series of one scope and the targets."""

    scope: str
    series: dict[str, dict[str, list[tuple[str, float | None]]]]
    targets: dict[str, float]

    def points(self, unit: Unit, key: str) -> list[tuple[str, float | None]]:
        found = self.series.get(unit.code)
        if found is None:
            raise NotFound(unit.scope, unit.code)
        return found[key]


def load_trend(engine: Engine, actor: Actor, scope: str, as_of: datetime | None) -> TrendData:
    require_role(actor, "read_aggregates")
    series = trend(engine, scope, as_of, MONTHS)
    targets = {t.key: t.value for t in list_targets(engine)}
    return TrendData(scope, series, targets)


@dataclass(frozen=True)
class ForecastData:
    backtest: Backtest
    next: MonthForecast


def next_month(now: datetime) -> str:
    y, m = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return f"{y:04d}-{m:02d}"


def load_forecast(engine: Engine, actor: Actor, as_of: datetime | None) -> ForecastData:
    require_role(actor, "read_forecast")
    bt = backtest(engine, actor, MONTHS, as_of)
    fc = forecast_month(engine, actor, next_month(bt.as_of), as_of)
    return ForecastData(bt, fc)


@dataclass(frozen=True)
class UnitForecast:
    """A unit's and category's sums: per backtest month and next month."""

    months: list[str]
    actual: list[int]
    forecast: list[float]
    lo: list[float]
    hi: list[float]
    method: str  # the backtest's selected method
    model_name: str
    next_month: str
    next_forecast: float
    next_lo: float
    next_hi: float
    next_method: str
    next_model_name: str


def unit_forecast(data: ForecastData, grids: tuple[str, ...], category: str) -> UnitForecast:
    """The backtest's cells of ``grids`` and ``category`` (``all``: every one) summed."""
    bt, fc = data.backtest, data.next
    wanted = set(grids)
    index = {m: i for i, m in enumerate(bt.months)}
    n = len(bt.months)
    actual, forecast, lo, hi = [0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    for c in bt.cells:
        if c.grid not in wanted or (category != "all" and c.category != category):
            continue
        i = index[c.month]
        iv = c.of(bt.selected)
        actual[i] += c.actual
        forecast[i] += iv.forecast
        lo[i] += iv.lo
        hi[i] += iv.hi
    nf = nlo = nhi = 0.0
    for f in fc.cells:
        if f.grid in wanted and (category == "all" or f.category == category):
            nf, nlo, nhi = nf + f.forecast, nlo + f.lo, nhi + f.hi
    return UnitForecast(
        list(bt.months),
        actual,
        forecast,
        lo,
        hi,
        bt.selected,
        bt.model_name,
        fc.month,
        nf,
        nlo,
        nhi,
        fc.selected,
        fc.model_name,
    )


def method_label(method: str, model_name: str) -> str:
    return translate("Workstation", METHODS[method]).replace("%1", model_name)


# ---------------------------------------------------------------------------
# Charts


class _Chart(pg.PlotWidget):  # type: ignore[misc]
    """A line chart over months (the theme of the budget tab's charts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.showGrid(x=False, y=True, alpha=0.25)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.legend = pg.LegendItem(
            labelTextColor=INK, labelTextSize="9pt", colCount=4, frame=False
        )
        self.plotItem.layout.addItem(self.legend, 4, 1)
        self.getAxis("left").setWidth(56)
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setTextPen(INK)
            axis.setPen(INK)

    def reset(self, title: str, y_label: str, months: list[str]) -> None:
        self.clear()
        self.legend.clear()
        self.setTitle(title, color=INK, size="10pt")
        self.setLabel("left", y_label, color=INK)
        self.getAxis("bottom").setTicks([[(i, m[2:]) for i, m in enumerate(months)]])
        self.setXRange(-0.5, len(months) - 0.5, padding=0)

    def add(self, item: Any, name: str | None) -> None:
        self.addItem(item)
        if name:
            self.legend.addItem(item, name)


# ---------------------------------------------------------------------------
# The tab


class TrendsView(QWidget):
    """``start()`` loads the units; ``trend_loaded`` / ``forecast_loaded`` when a chart
    is drawn, ``failed`` with the message shown when a load is refused."""

    trend_loaded = Signal()
    forecast_loaded = Signal()
    failed = Signal(str)

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self._now = clock_fn
        self.units: list[Unit] = []
        self._trends: dict[str, TrendData] = {}
        self.forecast_data: ForecastData | None = None
        #: what the charts show (plain data, for the tests)
        self.trend_points: list[tuple[str, float | None]] = []
        self.shown_forecast: UnitForecast | None = None
        # two threads: a KPI trend need not wait for the forecast's backtest
        self._runner = TaskRunner(self, threads=2)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        self.unit = QComboBox()
        self.unit.setObjectName("trends-unit")
        self.unit.setMinimumContentsLength(14)
        self.kpi = QComboBox()
        self.kpi.setObjectName("trends-kpi")
        for k in KPIS:
            self.kpi.addItem(tx.pick(k.zh, k.en), k.key)
        self.category = QComboBox()
        self.category.setObjectName("trends-category")
        for key, text in CATEGORIES.items():
            self.category.addItem(translate("Workstation", text), key)
        unit_label = QLabel(translate("Workstation", "&Area:"))
        unit_label.setBuddy(self.unit)
        kpi_label = QLabel(translate("Workstation", "&KPI:"))
        kpi_label.setBuddy(self.kpi)
        cat_label = QLabel(translate("Workstation", "Ca&tegory:"))
        cat_label.setBuddy(self.category)
        self.reload_button = QPushButton(translate("Workstation", "&Reload"))
        self.reload_button.clicked.connect(self.reload)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        for w in (unit_label, self.unit, kpi_label, self.kpi, cat_label, self.category):
            top.addWidget(w)
        top.addWidget(self.reload_button)
        top.addWidget(self.status, 1)

        self.trend_chart = _Chart()
        self.trend_chart.setObjectName("trends-kpi-chart")
        self.forecast_chart = _Chart()
        self.forecast_chart.setObjectName("trends-forecast-chart")
        self.forecast_note = QLabel("")
        self.forecast_note.setWordWrap(True)
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.forecast_chart, 1)
        lv.addWidget(self.forecast_note)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.trend_chart)
        split.addWidget(lower)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.unit.currentIndexChanged.connect(lambda _i: self._chosen(unit=True))
        self.kpi.currentIndexChanged.connect(lambda _i: self._chosen())
        self.category.currentIndexChanged.connect(lambda _i: self._draw_forecast())

    # -- choosing --------------------------------------------------------------------

    def selected_unit(self) -> Unit | None:
        i = self.unit.currentIndex()
        return self.units[i] if 0 <= i < len(self.units) else None

    def select_unit(self, scope: str, code: str) -> None:
        for i, u in enumerate(self.units):
            if (u.scope, u.code) == (scope, code):
                self.unit.setCurrentIndex(i)
                return
        raise ValueError(f"{scope} {code} is not offered")

    def select_kpi(self, key: str) -> None:
        i = self.kpi.findData(key)
        if i < 0:
            raise ValueError(f"{key} is not offered")
        self.kpi.setCurrentIndex(i)

    def select_category(self, key: str) -> None:
        i = self.category.findData(key)
        if i < 0:
            raise ValueError(f"{key} is not offered")
        self.category.setCurrentIndex(i)

    def _chosen(self, unit: bool = False) -> None:
        u = self.selected_unit()
        if u is None:
            return
        if u.scope in self._trends:
            self._draw_trend()
        else:
            self._load_trend(u.scope)
        if unit:
            self._draw_forecast()

    # -- loading ---------------------------------------------------------------------

    def _as_of(self) -> datetime | None:
        return self._now() if self._now else None

    def start(self) -> None:
        """Load the units, then both charts."""
        self.reload()

    def reload(self) -> None:
        """The units, the KPI trend and the forecast again."""
        self._trends.clear()
        self.forecast_data = None
        self.status.setText(translate("Workstation", "Loading…"))
        self.status.setStyleSheet("")
        self._runner.submit("units", load_units, self._engine, self._actor)

    def refresh(self) -> None:
        """After a change elsewhere: the KPI trend again (the forecast, a backtest that
        refits the model month by month, waits for :meth:`reload`)."""
        u = self.selected_unit()
        if u is None:
            self.reload()
            return
        self._trends.clear()
        self._load_trend(u.scope)

    def _load_trend(self, scope: str) -> None:
        self.status.setText(translate("Workstation", "Loading…"))
        self._runner.submit(
            f"trend:{scope}", load_trend, self._engine, self._actor, scope, self._as_of()
        )

    def is_busy(self) -> bool:
        return self._runner.busy()

    def shutdown(self) -> None:
        self._runner.shutdown()

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "units":
            keep = self.selected_unit()
            self.units = result.value
            self.unit.blockSignals(True)
            self.unit.clear()
            for u in self.units:
                indent = {"street": "", "community": "  ", "grid": "    "}[u.scope]
                self.unit.addItem(indent + u.name, u.code)
            self.unit.blockSignals(False)
            if keep is not None:
                found = [
                    i
                    for i, u in enumerate(self.units)
                    if (u.scope, u.code) == (keep.scope, keep.code)
                ]
                self.unit.setCurrentIndex(found[0] if found else 0)
            u = self.selected_unit()
            if u is not None:
                self._load_trend(u.scope)
                self._runner.submit(
                    "forecast", load_forecast, self._engine, self._actor, self._as_of()
                )
            return
        if result.key == "forecast":
            self.forecast_data = result.value
            self._draw_forecast()
            return
        data: TrendData = result.value
        self._trends[data.scope] = data
        self._draw_trend()

    def _on_failed(self, result: TaskResult) -> None:
        self._fail(result.error)

    def _fail(self, err: BaseException | None) -> None:
        if isinstance(err, USER_ERRORS):
            text = str(err)
        elif err is not None and (fault := fault_of(err)) is not None:
            text = fault_message(fault)
        else:
            text = translate("Workstation", "The charts could not be computed: %1").replace(
                "%1", type(err).__name__
            )
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {BAD}")
        self.failed.emit(text)

    # -- drawing ---------------------------------------------------------------------

    def _draw_trend(self) -> None:
        u = self.selected_unit()
        if u is None or u.scope not in self._trends:
            return
        data = self._trends[u.scope]
        key = str(self.kpi.currentData())
        kpi = BY_KEY[key]
        try:
            points = data.points(u, key)
        except NotFound as err:
            self.trend_points = []
            self.trend_chart.clear()
            self._fail(err)
            return
        self.trend_points = points
        months = [m for m, _ in points]
        scale = 1.0 if kpi.in_hours else 100.0
        unit_text = translate("Workstation", "hours") if kpi.in_hours else "%"
        title = f"{u.name} · {tx.pick(kpi.zh, kpi.en)}"
        self.trend_chart.reset(title, unit_text, months)
        xs = [i for i, (_, v) in enumerate(points) if v is not None]
        ys = [float(v) * scale for _, v in points if v is not None]
        line = pg.PlotDataItem(
            xs, ys, pen=pg.mkPen(LINE, width=2), symbol="o", symbolSize=7, symbolBrush=LINE
        )
        self.trend_chart.add(line, tx.pick(kpi.zh, kpi.en))
        target = data.targets.get(key, kpi.default_target) * scale
        dash = pg.PlotDataItem(
            [-0.5, len(months) - 0.5],
            [target, target],
            pen=pg.mkPen(BAD, width=1.5, style=Qt.PenStyle.DashLine),
        )
        self.trend_chart.add(dash, translate("Workstation", "Target"))
        self.status.setText(
            translate("Workstation", "%1 by month (as of %2)")
            .replace("%1", title)
            .replace("%2", tx.when(self._as_of() or tx.street_now()))
        )
        self.status.setStyleSheet("")
        self.trend_loaded.emit()

    def _draw_forecast(self) -> None:
        u = self.selected_unit()
        if u is None or self.forecast_data is None:
            return
        category = str(self.category.currentData())
        f = unit_forecast(self.forecast_data, u.grids, category)
        self.shown_forecast = f
        months = [*f.months, f.next_month]
        cat_text = translate("Workstation", CATEGORIES[category])
        self.forecast_chart.reset(
            translate("Workstation", "%1 · %2: cases, forecast against actual")
            .replace("%1", u.name)
            .replace("%2", cat_text),
            translate("Workstation", "cases"),
            months,
        )
        xs = list(range(len(f.months)))
        lo = pg.PlotDataItem(xs, f.lo, pen=pg.mkPen(None))
        hi = pg.PlotDataItem(xs, f.hi, pen=pg.mkPen(None))
        brush = pg.mkBrush(212, 107, 8, 50)
        self.forecast_chart.addItem(lo)
        self.forecast_chart.addItem(hi)
        self.forecast_chart.addItem(pg.FillBetweenItem(lo, hi, brush=brush))
        # the legend's swatch of the band (a FillBetweenItem draws no sample of its own)
        swatch = pg.PlotDataItem([], [], pen=pg.mkPen(None), fillLevel=0, fillBrush=brush)
        self.forecast_chart.legend.addItem(swatch, translate("Workstation", "80% interval"))
        shown = method_label(f.method, f.model_name)
        self.forecast_chart.add(
            pg.PlotDataItem(
                xs,
                f.forecast,
                pen=pg.mkPen(FORECAST, width=2, style=Qt.PenStyle.DashLine),
                symbol="t",
                symbolSize=7,
                symbolBrush=FORECAST,
            ),
            translate("Workstation", "Forecast: %1").replace("%1", shown),
        )
        self.forecast_chart.add(
            pg.PlotDataItem(
                xs,
                f.actual,
                pen=pg.mkPen(ACTUAL, width=2),
                symbol="o",
                symbolSize=7,
                symbolBrush=ACTUAL,
            ),
            translate("Workstation", "Actual"),
        )
        nx = len(f.months)
        self.forecast_chart.addItem(
            pg.ErrorBarItem(
                x=np.array([nx]),
                y=np.array([f.next_forecast]),
                top=np.array([f.next_hi - f.next_forecast]),
                bottom=np.array([f.next_forecast - f.next_lo]),
                beam=0.2,
                pen=pg.mkPen(NEXT, width=1.5),
            )
        )
        self.forecast_chart.add(
            pg.ScatterPlotItem(
                [nx], [f.next_forecast], symbol="s", size=10, brush=pg.mkBrush(NEXT), pen=None
            ),
            translate("Workstation", "Next month"),
        )
        self.forecast_note.setText(
            translate(
                "Workstation",
                "Backtest of the last %1 complete months, each month forecast from the cases"
                " before it; forecast shown: %2. %3 forecast: %4 (80% interval %5–%6), by %7.",
            )
            .replace("%1", str(len(f.months)))
            .replace("%2", shown)
            .replace("%3", f.next_month)
            .replace("%4", f"{f.next_forecast:.1f}")
            .replace("%5", f"{f.next_lo:.0f}")
            .replace("%6", f"{f.next_hi:.0f}")
            .replace("%7", method_label(f.next_method, f.next_model_name))
        )
        self.forecast_loaded.emit()


__all__ = [
    "TREND_ROLES",
    "TrendsView",
    "Unit",
    "load_forecast",
    "load_trend",
    "may_see",
    "unit_forecast",
    "units_of",
]
