"""The command-center wall: header, KPI column, live map, meetings and budget, ticker.

A :class:`WallView` paints what its :class:`WallController` delivers. Sizes follow
the height: ``unit = height / 1080`` (the smallest text is ``18 * unit`` pixels), so
the same layout serves a 1920x1080 and a 3840x2160 wall; from an aspect ratio of
2.4 on (32:9 walls) a fourth column shows the community ranking permanently.

Rotation: optional focus pages (``overview``, ``lagging`` grids zoomed on the map,
community ``ranking``) change every N seconds, driven by one timer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from time import monotonic
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from center.wall import model as dashboard
from center.wall.model import (
    AlertPart,
    BudgetPart,
    HeatPart,
    IncidentPart,
    KpiPart,
    MapBase,
    MeetingPart,
    RankingPart,
    TrendPart,
)
from center.windows.runtime.heap import full_settle_due, settle_heap
from center.windows.wall import texts
from center.windows.wall.controller import WallController
from center.windows.wall.mappanel import (
    HeatLayer,
    MapPanel,
    base_json,
    heat_layers,
    hot_spots_line,
    incidents_json,
    kpi_grids_json,
)
from center.windows.wall.panels import (
    BudgetPanel,
    HeaderBar,
    KpiPanel,
    LaggingPanel,
    MeetingPanel,
    RankingPanel,
)
from widgets.mapview import REBUILD_MS, RawJson
from widgets.theme import WALL, Palette, render_qss
from widgets.ticker import Ticker

log = logging.getLogger("center.wall")
translate = QCoreApplication.translate

PAGES = ("overview", "lagging", "ranking")
WIDE_ASPECT = 2.4
MIN_UNIT = 0.45


@dataclass(frozen=True)
class PreparedKpis:
    """What the GUI thread shows of a KPI part, made on the worker thread that loaded
    it: the map's grids (:func:`~center.windows.wall.mappanel.kpi_grids_json`) and the
    ticker's items on the grids below target (:func:`grid_ticker_items`)."""

    grids: RawJson
    ticker: tuple[tuple[str, str], ...]


def grid_ticker_items(part: KpiPart) -> tuple[tuple[str, str], ...]:
    """The ticker's items on the grids that miss a headline KPI (text, severity)."""
    return tuple((texts.alert_text(a), a.severity) for a in dashboard.grid_alerts(part))


def prepare_kpis(part: KpiPart) -> PreparedKpis:
    return PreparedKpis(kpi_grids_json(part), grid_ticker_items(part))


def prepare_heat(
    wanted: dict[int, tuple[str, str]], part: HeatPart
) -> dict[tuple[str, str], HeatLayer]:
    """The heat layers the views show (``wanted``: view -> layer and category)."""
    return heat_layers(part, list(wanted.values()))


@dataclass(frozen=True)
class Rotation:
    pages: tuple[str, ...] = ()
    seconds: int = 30

    def __post_init__(self) -> None:
        unknown = [p for p in self.pages if p not in PAGES]
        if unknown:
            raise ValueError(f"unknown wall page(s) {', '.join(unknown)}: use {', '.join(PAGES)}")
        if self.pages and self.seconds < 3:
            raise ValueError(f"rotation interval must be at least 3 seconds, not {self.seconds}")


#: seconds between two releases of free C heap memory after refreshes
RELEASE_EVERY_S = 60.0


def release_free_memory() -> None:
    """Return the free pages of the C library's heap to the system (glibc's
    ``malloc_trim``; nothing elsewhere). The wall's start and refreshes allocate and
    free tens of MB natively (statement results, JSON payloads, Qt images); glibc keeps
    what was freed mapped for reuse, so the process keeps paying for it (measured after
    the start: 263 -> 243 MB PSS of the wall's process, in ~5 ms)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return


class WallView(QWidget):
    settled = Signal()  # every part shown at least once (complete) and the map painted
    # every part shown at least once and the map painted, the heat part possibly
    # still without its forecast (computed for seconds after a start): what the wall
    # first looks like with all its data
    shown_all = Signal()
    page_changed = Signal(str)

    def __init__(
        self,
        controller: WallController,
        parent: QWidget | None = None,
        *,
        map_kpi: str = "pace",
        rotation: Rotation | None = None,
        tile_url: str = "",
        palette: Palette = WALL,
    ) -> None:
        super().__init__(parent)
        if map_kpi not in dashboard.MAP_LAYERS:
            raise ValueError(
                f"unknown map KPI {map_kpi!r}: use one of {', '.join(dashboard.MAP_LAYERS)}"
            )
        self.setObjectName("WallRoot")
        # paint the style sheet's dark background: a plain QWidget inside another
        # window (center app) would otherwise show the window's light grey under the
        # wall's light text
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        # Everything scales with the height: the layout must not impose a minimum
        # that a small wall or window cannot meet (an explicit minimum wins).
        self.setMinimumSize(320, 240)
        self.controller = controller
        self.palette_ = palette
        self.rotation = rotation or Rotation()
        self._unit = 0.0
        self._wide: bool | None = None
        self._page = "overview"
        self._settled = False
        self._shown_all = False
        self._shown: set[str] = set()
        self._alerts: AlertPart | None = None

        self.header = HeaderBar(self)
        self.kpi_panel = KpiPanel(self)
        self.map_panel = MapPanel(palette, self)
        self.meeting_panel = MeetingPanel(self)
        self.budget_panel = BudgetPanel(self)
        self.ranking_panel = RankingPanel(self)
        self.lagging_panel = LaggingPanel(self)
        self.lagging_panel.hide()
        self.ticker = Ticker(self)
        self.ticker.set_empty_text(translate("Wall", "No alerts"))

        self.centre = QStackedWidget(self)
        self.centre.addWidget(self.map_panel)
        # the centre column: the map (or the ranking) over the lagging grids' list,
        # which shows on the "lagging" page only
        self.centre_column = QWidget(self)
        centre_column = QVBoxLayout(self.centre_column)
        centre_column.setContentsMargins(0, 0, 0, 0)
        centre_column.addWidget(self.centre, 3)
        centre_column.addWidget(self.lagging_panel, 2)
        self.right = QWidget(self)
        right = QVBoxLayout(self.right)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.meeting_panel, 9)
        right.addWidget(self.budget_panel, 11)
        self.extra = QWidget(self)
        extra = QVBoxLayout(self.extra)
        extra.setContentsMargins(0, 0, 0, 0)
        self.columns = QHBoxLayout()
        self.columns.addWidget(self.kpi_panel, 22)
        self.columns.addWidget(self.centre_column, 52)
        self.columns.addWidget(self.right, 26)
        self.columns.addWidget(self.extra, 0)
        root = QVBoxLayout(self)
        root.addWidget(self.header)
        root.addLayout(self.columns, 1)
        root.addWidget(self.ticker)
        self._root = root
        self._set_wide(False)

        self.map_panel.set_kpi(map_kpi)
        if tile_url:
            self.map_panel.set_tiles(tile_url)
        self.map_panel.map.painted.connect(self._check_settled)
        self.map_panel.map.ready.connect(self._check_settled)
        # long-lived objects out of the collector's reach once the wall is up and
        # again after each map rebuild (see center.windows.runtime.heap)
        # (map.rebuilds, heap rounds) when the heap was last settled
        self._heap_settled_at = (-1, 0)
        self._heap_full_at: datetime | None = None  # when it was last settled in full
        self.settled.connect(self._settle_heap)
        self.map_panel.map.ready.connect(self._settle_heap)
        # a map page that is not rebuilt (in the wall's own process) gets the same
        # rounds from a timer of the rebuilds' period: the daily full settle included
        self._heap_rounds = 0
        self.heap_timer = QTimer(self)
        self.heap_timer.timeout.connect(self._heap_round)
        if not self.map_panel.map.rebuild_interval():
            self.heap_timer.start(REBUILD_MS)
        self._released_at = -RELEASE_EVERY_S
        controller.runner.idle.connect(self._release_memory)

        # the big map payloads are made and encoded on the worker threads, and the
        # ticker's texts on the grids (a district: 1,200 grids)
        controller.set_preparer("base", base_json)
        controller.set_preparer("incidents", incidents_json)
        controller.set_preparer("kpis", prepare_kpis)
        controller.heat_selections[id(self)] = self.map_panel.heat_layer()
        controller.set_preparer("heat", partial(prepare_heat, controller.heat_selections))
        controller.part_updated.connect(self._on_part)
        controller.connection_changed.connect(self._on_connection)
        controller.updated.connect(self.header.set_updated)
        self.header.set_updated(controller.last_update)
        self._on_connection(controller.state())
        for name, value in controller.values().items():
            self._on_part(name, value)

        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick_clock)
        self._clock.start(1000)
        self._tick_clock()
        self._rotate = QTimer(self)
        self._rotate.timeout.connect(self.next_page)
        if self.rotation.pages:
            self._rotate.start(self.rotation.seconds * 1000)
        self._apply_unit(1.0)

    # -- public ------------------------------------------------------------------

    def unit(self) -> float:
        return self._unit

    def is_wide(self) -> bool:
        return bool(self._wide)

    def is_settled(self) -> bool:
        return self._settled

    def is_shown_all(self) -> bool:
        return self._shown_all

    def map_kpi(self) -> str:
        return self.map_panel.key()

    def set_map_kpi(self, key: str) -> None:
        if key not in dashboard.MAP_LAYERS:
            raise ValueError(f"unknown map KPI {key!r}")
        self.map_panel.set_kpi(key)
        if self._page == "lagging":
            self.show_page("lagging")

    def heat_layer(self) -> tuple[str, str]:
        return self.map_panel.heat_layer()

    def set_heat_layer(self, layer: str, category: str) -> None:
        """The map's heat layer (history or forecast) and category (or all)."""
        self.map_panel.set_heat_layer(layer, category)
        self.controller.heat_selections[id(self)] = self.map_panel.heat_layer()

    def page(self) -> str:
        return self._page

    def set_rotation(self, rotation: Rotation) -> None:
        """Rotate ``rotation.pages`` every ``rotation.seconds`` (no pages: stop)."""
        self.rotation = rotation
        self._rotate.stop()
        if rotation.pages:
            self._rotate.start(rotation.seconds * 1000)

    def _page_available(self, page: str) -> bool:
        if page == "lagging":
            return bool(self.lagging_grids())
        if page == "ranking":
            return not self._wide  # the wide layout shows the ranking all the time
        return True

    def next_page(self) -> None:
        pages = [p for p in self.rotation.pages if self._page_available(p)]
        if not pages:
            return
        i = pages.index(self._page) + 1 if self._page in pages else 0
        self.show_page(pages[i % len(pages)])

    def show_page(self, page: str) -> None:
        if page not in PAGES:
            raise ValueError(f"unknown wall page {page!r}")
        self._page = page
        if page == "ranking" and not self._wide:
            self.centre.setCurrentWidget(self.ranking_panel)
        else:
            self.centre.setCurrentWidget(self.map_panel)
        if page == "lagging":
            self._show_lagging()
        else:
            self.lagging_panel.hide()
            self.map_panel.focus(None)
        self.page_changed.emit(page)

    def lagging(self) -> tuple[dashboard.LaggingGrid, ...]:
        """The lagging grids of the map's layer (:func:`center.wall.model.lagging_grids`)."""
        part = self.controller.value("kpis")
        if not isinstance(part, KpiPart):
            return ()
        return dashboard.lagging_grids(part, self.map_panel.key())

    def lagging_grids(self) -> list[str]:
        return [g.code for g in self.lagging()]

    def _show_lagging(self) -> None:
        grids = self.lagging()
        key = self.map_panel.key()
        self.map_panel.focus([g.code for g in grids])
        lines = []
        for g in grids:
            line = f"{g.name}（{g.code}）  {texts.lag_text(g.lags[0])}"
            others = [
                f"{texts.kpi_name(lag.key)} {texts.kpi_value(lag.key, lag.value)}"
                for lag in g.lags[1:]
            ]
            if others:
                line += "；" + translate("Wall", "also %1").replace("%1", "、".join(others))
            lines.append(line)
        title = translate("Wall", "Lagging grids · %1").replace("%1", texts.kpi_name(key))
        if grids:
            summary = translate("Wall", "%n grid(s) lagging, worst first", "", len(grids))
        else:
            summary = translate("Wall", "No grid is lagging")
        heat = self.controller.value("heat")
        hot = hot_spots_line(heat) if isinstance(heat, HeatPart) else ""
        self.lagging_panel.show_grids(lines, summary, title, hot)
        self.lagging_panel.show()

    def shutdown(self) -> None:
        """Stop this view's timers and the map page (the controller is stopped apart)."""
        self._clock.stop()
        self._rotate.stop()
        self.ticker.set_running(False)
        self.map_panel.shutdown()
        self.controller.heat_selections.pop(id(self), None)

    # -- layout and scale ------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(1600, 900)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = event.size()
        if size.height() <= 0:
            return
        self._set_wide(size.width() / size.height() >= WIDE_ASPECT)
        self._apply_unit(max(MIN_UNIT, size.height() / 1080.0))

    def _set_wide(self, wide: bool) -> None:
        if wide == self._wide:
            return
        self._wide = wide
        extra = self.extra.layout()
        if wide:
            self.centre.removeWidget(self.ranking_panel)
            extra.addWidget(self.ranking_panel)
            self.ranking_panel.show()
            self.extra.show()
            for w, s in (
                (self.kpi_panel, 17),
                (self.centre_column, 43),
                (self.right, 20),
                (self.extra, 20),
            ):
                self.columns.setStretchFactor(w, s)
            if self._page == "ranking":
                self.show_page("overview")
        else:
            extra.removeWidget(self.ranking_panel)
            self.centre.addWidget(self.ranking_panel)
            self.extra.hide()
            for w, s in (
                (self.kpi_panel, 22),
                (self.centre_column, 52),
                (self.right, 26),
                (self.extra, 0),
            ):
                self.columns.setStretchFactor(w, s)
            self.centre.setCurrentWidget(
                self.ranking_panel if self._page == "ranking" else self.map_panel
            )

    def _apply_unit(self, unit: float) -> None:
        unit = round(unit, 3)
        if abs(unit - self._unit) < 0.005:
            return
        self._unit = unit
        self.setStyleSheet(render_qss("wall", self.palette_, unit))
        m = round(10 * unit)
        self._root.setContentsMargins(m, round(4 * unit), m, m)
        self._root.setSpacing(m)
        self.columns.setSpacing(m)
        for w in (
            self.header,
            self.kpi_panel,
            self.map_panel,
            self.meeting_panel,
            self.budget_panel,
            self.ranking_panel,
            self.lagging_panel,
        ):
            w.set_unit(unit)
        self.right.layout().setSpacing(m)
        self.centre_column.layout().setSpacing(m)
        self.extra.layout().setSpacing(m)
        self.ticker.set_unit(unit)

    # -- data ----------------------------------------------------------------------

    def _tick_clock(self) -> None:
        self.header.set_clock(self.controller.now())

    def _on_connection(self, state: str) -> None:
        self.header.set_connection(state, self.controller.down_since())

    def _on_part(self, name: str, value: Any) -> None:
        try:
            self._show_part(name, value)
        except Exception:  # a display bug must not take the wall down
            log.exception("showing wall part %s failed", name)
            return
        self._shown.add(name)
        self._check_settled()

    def _show_part(self, name: str, value: Any) -> None:
        if name == "base" and isinstance(value, MapBase):
            self.header.set_street(value.street)
            self.map_panel.show_base(value, self.controller.prepared("base", value))
        elif name == "kpis" and isinstance(value, KpiPart):
            self.header.set_street(value.street)
            if value.pace is not None:
                self.header.set_period(texts.period_progress(value.pace.month))
            self.kpi_panel.show_kpis(value, self._trend())
            prepared = self.controller.prepared("kpis", value)
            self.map_panel.show_kpis(
                value, prepared.grids if isinstance(prepared, PreparedKpis) else None
            )
            self._update_ticker()
            if self._page == "lagging":
                self.show_page("lagging")
        elif name == "trend" and isinstance(value, TrendPart):
            kpis = self.controller.value("kpis")
            if isinstance(kpis, KpiPart):
                self.kpi_panel.show_kpis(kpis, value)
        elif name == "heat" and isinstance(value, HeatPart):
            self.map_panel.show_heat(value, self.controller.prepared("heat", value))
            if self._page == "lagging":
                self.show_page("lagging")
        elif name == "incidents" and isinstance(value, IncidentPart):
            self.map_panel.show_incidents(value, self.controller.prepared("incidents", value))
        elif name == "alerts" and isinstance(value, AlertPart):
            self._alerts = value
            self._update_ticker()
        elif name == "meetings" and isinstance(value, MeetingPart):
            self.meeting_panel.show_meetings(value)
        elif name == "budget" and isinstance(value, BudgetPart):
            self.budget_panel.show_budget(value)
        elif name == "ranking" and isinstance(value, RankingPart):
            self.ranking_panel.show_ranking(value)

    def _trend(self) -> TrendPart | None:
        value = self.controller.value("trend")
        return value if isinstance(value, TrendPart) else None

    def ticker_items(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        alerts: Sequence[dashboard.Alert] = self._alerts.alerts if self._alerts else ()
        for alert in alerts:
            items.append((texts.alert_text(alert), alert.severity))
        kpis = self.controller.value("kpis")
        if isinstance(kpis, KpiPart):
            prepared = self.controller.prepared("kpis", kpis)
            if isinstance(prepared, PreparedKpis):
                items.extend(prepared.ticker)
            else:
                items.extend(grid_ticker_items(kpis))
        return items

    def _update_ticker(self) -> None:
        self.ticker.set_items(self.ticker_items())

    def _heap_round(self) -> None:
        self._heap_rounds += 1
        self._settle_heap()

    def _settle_heap(self) -> None:
        key = (self.map_panel.map.rebuilds, self._heap_rounds)
        if self._settled and key != self._heap_settled_at:
            self._heap_settled_at = key
            at = self.controller.now()
            full = full_settle_due(at, self._heap_full_at)
            settle_heap(full=full)
            if full:
                self._heap_full_at = at
            self._release_memory()

    def _release_memory(self, *_: Any) -> None:
        """Give the C heap's free pages back to the system (:func:`release_free_memory`)
        after the wall has settled, a map rebuild, or a refresh burst (at most once
        every :data:`RELEASE_EVERY_S`)."""
        now = monotonic()
        if self._settled and now - self._released_at >= RELEASE_EVERY_S:
            self._released_at = now
            release_free_memory()

    def _check_settled(self, *_: Any) -> None:
        if self._settled:
            return
        parts = set(self.controller.parts())
        if not (parts <= self._shown and self.map_panel.map.is_painted()):
            return
        if not self._shown_all:
            self._shown_all = True
            self.shown_all.emit()
        heat = self.controller.value("heat")
        if isinstance(heat, HeatPart) and not heat.has_forecast:
            return  # complete once the forecast is in
        self._settled = True
        self.settled.emit()
