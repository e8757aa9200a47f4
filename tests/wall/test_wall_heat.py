"""The wall's heat layers (spec/insight.md, "Heat map"): the last 30 days' cases and
the next month's forecast per grid and category in cases per 100 households, the
forecast's hot spots on the map and the lagging page, and the map's markers for open
``immediate`` cases past their 30-minute clock (§ Priority clocks)."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from builders import Builder, at
from sqlalchemy import Engine
from test_wall_service import build_wall_street

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from center.insight import forecast as forecast_service  # noqa: E402
from center.wall import model as d  # noqa: E402
from center.windows.app.main_window import MainWindow  # noqa: E402
from center.windows.wall.controller import WallController  # noqa: E402
from center.windows.wall.view import WallView  # noqa: E402

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
NOV20 = at(2026, 11, 20, 12)

# G01 has 4 households, G02 2 (build_wall_street)
CELLS = {
    ("G01", "policy"): 1.0,
    ("G01", "life"): 2.0,
    ("G01", "dispute"): 0.4,
    ("G01", "emergency"): 0.2,
    ("G02", "policy"): 0.5,
    ("G02", "life"): 2.0,  # ties with G01 life: the hot spot is G01's (grid ascending)
    ("G02", "dispute"): 0.0,
    ("G02", "emergency"): 0.8,
}


def canned_forecast(month: str, as_of: datetime | None) -> forecast_service.MonthForecast:
    """The forecast the fakes give: :data:`CELLS`, model ``mean_3``."""
    return forecast_service.MonthForecast(
        month=month,
        as_of=as_of or NOV20,
        selected="mean_3",
        model_name="",
        cells=[
            forecast_service.ForecastCell(g, c, v, v * 0.5, v * 1.5)
            for (g, c), v in sorted(CELLS.items())
        ],
    )


def fake_forecast(calls: list[tuple[str, str, bool]]) -> Any:
    def forecast_month(
        engine: Engine, actor: Any, month: str, as_of: datetime | None = None
    ) -> forecast_service.MonthForecast:
        on_main = threading.current_thread() is threading.main_thread()
        calls.append((actor.role, month, on_main))
        return canned_forecast(month, as_of)

    return forecast_month


def build_heat_street(engine: Engine) -> Builder:
    """build_wall_street plus cases of the last 30 days before NOV20 (> Oct 21 12:00,
    <= Nov 20 12:00) and two open ``immediate`` cases of the day."""
    b = build_wall_street(engine)
    b.cases(
        [
            {
                "code": "K10",
                "household": "H1",
                "received_at": at(2026, 11, 10, 9),
                "subcategory": "P01",
            },
            {
                "code": "K11",
                "household": "H2",
                "received_at": at(2026, 11, 12, 9),
                "subcategory": "L01",
            },
            {
                "code": "K12",
                "household": "H6",
                "received_at": at(2026, 11, 19, 9),
                "subcategory": "L01",
            },
            # exactly 30 days before T: outside (T - 30 d, T]
            {
                "code": "K13",
                "household": "H5",
                "received_at": at(2026, 10, 21, 12),
                "subcategory": "P01",
            },
            {"code": "K14", "household": "H5", "received_at": NOV20, "subcategory": "L01"},
            # immediate: limit 12:00 = T has passed (limits inclusive); 12:01 has not
            {
                "code": "K15",
                "household": "H1",
                "received_at": at(2026, 11, 20, 11, 30),
                "subcategory": "E01",
                "priority": "immediate",
            },
            {
                "code": "K16",
                "household": "H2",
                "received_at": at(2026, 11, 20, 11, 31),
                "subcategory": "E01",
                "priority": "immediate",
            },
        ]
    )
    return b


# hand-computed: G01 has 4 households, G02 2
HISTORY_RATES = {
    # G01: K10 policy, K11 life, K15 + K16 emergency = 4 of 4 households; G02: K12, K14 life
    "all": {"G01": 100.0, "G02": 100.0},
    "policy": {"G01": 25.0, "G02": 0.0},  # K13 is 30 days old: out
    "emergency": {"G01": 50.0, "G02": 0.0},
}
FORECAST_RATES = {
    "all": {"G01": 3.6 / 4 * 100, "G02": 3.3 / 2 * 100},  # 90.0, 165.0
    "emergency": {"G01": 0.2 / 4 * 100, "G02": 0.8 / 2 * 100},  # 5.0, 40.0
    "life": {"G01": 50.0, "G02": 100.0},
}


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    calls: list[tuple[str, str, bool]] = []
    monkeypatch.setattr(forecast_service, "forecast_month", fake_forecast(calls))
    # the fake runs in this process, not in the forecast's child process
    monkeypatch.setattr(d, "FORECAST_IN_CHILD", False)
    return calls


@sqlite_only
def test_heat_part_rates_per_100_households_and_hot_spots(
    engine: Engine, patched: list[tuple[str, str, bool]]
):
    build_heat_street(engine)
    part = d.load_part(engine, "heat", NOV20)
    assert isinstance(part, d.HeatPart)
    assert part.month == "2026-12" and part.model == "mean_3"
    assert dict(part.households) == {"G01": 4, "G02": 2}
    for category, rates in HISTORY_RATES.items():
        assert part.rates("history", category) == pytest.approx(rates), category
    for category, rates in FORECAST_RATES.items():
        assert part.rates("forecast", category) == pytest.approx(rates), category
    # 8 cells: K = ceil(0.8) = 1; G01 life and G02 life tie at 2.0: G01 first
    assert [(h.grid, h.category, h.per_100) for h in part.hot_spots] == [("G01", "life", 50.0)]
    # read as the wall's read-only actor, on the calling (worker) thread
    assert [c[:2] for c in patched] == [("wall", "2026-12")]


@sqlite_only
def test_forecast_is_computed_once_an_hour_per_month(
    engine: Engine, patched: list[tuple[str, str, bool]], monkeypatch: pytest.MonkeyPatch
):
    build_heat_street(engine)
    now = [1000.0]
    monkeypatch.setattr(d, "monotonic", lambda: now[0])
    d.load_heat(engine, NOV20)
    now[0] += d.FORECAST_MAX_AGE_S - 1
    d.load_heat(engine, NOV20)
    assert len(patched) == 1  # cached
    d.load_heat(engine, at(2026, 12, 1, 0))  # a new month: forecast of January
    assert [c[1] for c in patched] == ["2026-12", "2027-01"]
    now[0] += d.FORECAST_MAX_AGE_S
    d.load_heat(engine, at(2026, 12, 1, 0))
    assert [c[1] for c in patched] == ["2026-12", "2027-01", "2027-01"]  # an hour old


@sqlite_only
def test_incidents_carry_breached_immediate_cases(engine: Engine):
    build_heat_street(engine)
    part = d.load_incidents(engine, NOV20)
    # K3 (19 Oct, assigned, never answered) and K15 (limit 12:00 = T); not K16
    assert [b.code for b in part.immediate] == ["K3", "K15"]


# -- the wall ----------------------------------------------------------------------


@pytest.fixture
def wall(qtbot: Any, engine: Engine, patched: list[tuple[str, str, bool]]) -> Iterator[WallView]:
    from PySide6.QtCore import QCoreApplication, QEvent

    build_heat_street(engine)
    controller = WallController(engine, clock=lambda: NOV20, live=False, full_refresh_ms=0)
    view = WallView(controller)
    qtbot.addWidget(view)
    view.ticker.set_running(False)
    view.resize(1600, 900)
    view.show()
    with qtbot.waitSignal(view.settled, timeout=90_000):
        controller.start()
    qtbot.waitUntil(lambda: controller.value("heat") is not None, timeout=30_000)
    yield view
    gc.unfreeze()
    view.shutdown()
    controller.stop()
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def run_js(view: WallView, qtbot: Any, script: str) -> Any:
    box: list[Any] = []
    view.map_panel.map.evaluate(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])


def show_layer(view: WallView, qtbot: Any, layer: str, category: str) -> None:
    view.set_heat_layer(layer, category)
    qtbot.waitUntil(view.map_panel.map.is_painted, timeout=10_000)


@sqlite_only
def test_map_shows_the_forecast_layer_per_category(
    wall: WallView, qtbot: Any, patched: list[tuple[str, str, bool]]
):
    assert patched and not any(on_main for _, _, on_main in patched)  # never the GUI thread
    assert wall.heat_layer() == ("history", "all")
    assert wall.map_panel.title() == "Grid map · Visit pace"
    show_layer(wall, qtbot, "forecast", "all")
    assert wall.map_panel.title() == "Grid map · Visit pace · Forecast 2026-12·All categories"
    assert run_js(wall, qtbot, "wallMap.heatRates()") == pytest.approx(FORECAST_RATES["all"])
    assert run_js(wall, qtbot, "wallMap.hotLabels()") == ["G01 Life"]
    assert run_js(wall, qtbot, "wallMap.densityShown()") is False
    legend = run_js(wall, qtbot, "wallMap.legendText()")
    assert "Forecast 2026-12 · All categories (cases per 100 households)" in legend
    # thirds of the rates' range, 90 .. 165
    assert "90.0 – 115.0\n115.0 – 140.0\n140.0 – 165.0" in legend
    assert "Hot spot (top 10% of forecast cells)" in legend
    show_layer(wall, qtbot, "forecast", "emergency")
    assert run_js(wall, qtbot, "wallMap.heatRates()") == pytest.approx(FORECAST_RATES["emergency"])
    assert run_js(wall, qtbot, "wallMap.hotLabels()") == []  # the hot spot is a life cell
    show_layer(wall, qtbot, "history", "policy")
    assert wall.map_panel.title() == "Grid map · Visit pace · Last 30 days·Policy"
    assert run_js(wall, qtbot, "wallMap.heatRates()") == pytest.approx(HISTORY_RATES["policy"])
    assert run_js(wall, qtbot, "wallMap.hotLabels()") == []
    assert run_js(wall, qtbot, "wallMap.densityShown()") is False
    show_layer(wall, qtbot, "history", "all")
    assert run_js(wall, qtbot, "wallMap.heatRates()") == pytest.approx(HISTORY_RATES["all"])
    assert run_js(wall, qtbot, "wallMap.densityShown()") is True
    legend = run_js(wall, qtbot, "wallMap.legendText()")
    assert "Cases, last 30 days · All categories (cases per 100 households)" in legend
    with pytest.raises(ValueError):
        wall.set_heat_layer("forecast", "parking")


@sqlite_only
def test_map_marks_breached_immediate_cases(wall: WallView, qtbot: Any):
    qtbot.waitUntil(wall.map_panel.map.is_painted, timeout=10_000)
    assert run_js(wall, qtbot, "wallMap.overdueCount()") == 2  # K3 and K15
    assert run_js(wall, qtbot, "document.querySelectorAll('.overdue .ring').length") == 2
    assert "Immediate response overdue" in run_js(wall, qtbot, "wallMap.legendText()")


@sqlite_only
def test_lagging_page_names_the_hot_spots(wall: WallView, qtbot: Any):
    assert wall.lagging_grids()  # coverage: G01 lags
    wall.show_page("lagging")
    hot = wall.lagging_panel.hot
    assert hot.isVisible()
    assert hot.text() == "Forecast hot spots: G01 Life services 50.0/100 households"


@sqlite_only
def test_heat_layer_menu_switches_every_wall(
    qtbot: Any, db_url: str, patched: list[tuple[str, str, bool]], monkeypatch: pytest.MonkeyPatch
):
    from center.context import open_context
    from db.engine import open_database

    monkeypatch.setenv("CENTER_WALL_PIN", "4321")
    engine = open_database(db_url)
    build_heat_street(engine)
    engine.dispose()
    ctx = open_context(db_url)
    controller = WallController(ctx.engine, clock=lambda: NOV20, live=False, full_refresh_ms=0)
    win = MainWindow(ctx, controller, providers=[])
    qtbot.addWidget(win)
    try:
        win.show()
        with qtbot.waitSignal(win.wall.settled, timeout=90_000):
            controller.start()
        qtbot.waitUntil(lambda: controller.value("heat") is not None, timeout=30_000)
        texts = [a.text() for a in win.heat_actions.values()]
        assert texts == [
            "Cases, last 30 days",
            "Forecast, next month",
            "All categories",
            "Policy consultation",
            "Life services",
            "Dispute mediation",
            "Emergency help",
        ]
        assert win.heat_actions["history"].isChecked() and win.heat_actions["all"].isChecked()
        win.heat_actions["forecast"].trigger()
        assert win.wall.heat_layer() == ("forecast", "all")
        wall = win.open_wall(0, windowed=True)
        assert wall.view.heat_layer() == ("forecast", "all")
        win.heat_actions["emergency"].trigger()
        assert win.wall.heat_layer() == ("forecast", "emergency")
        assert wall.view.heat_layer() == ("forecast", "emergency")
        assert win.heat_actions["forecast"].isChecked()
        assert win.heat_actions["emergency"].isChecked()
        assert not win.heat_actions["all"].isChecked()
        qtbot.waitUntil(win.wall.map_panel.map.is_painted, timeout=10_000)
        assert run_js(win.wall, qtbot, "wallMap.heatRates()") == pytest.approx(
            FORECAST_RATES["emergency"]
        )
        wall.unlock_and_close()
    finally:
        win.close()
        controller.stop()
        win.deleteLater()
        ctx.close()
