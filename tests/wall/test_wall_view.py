"""The wall on the fixture street of test_wall_service: gauges, map colours read back
through JavaScript, no network request, live changes, outage and recovery.

Runs on SQLite and PostgreSQL with QtWebEngine offscreen.
"""

from __future__ import annotations

import gc
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import at
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from PySide6.QtGui import QColor
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from sqlalchemy import Engine, text
from test_wall_service import EXPECTED, T, build_wall_street

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from center.windows.wall.controller import WallController
from center.windows.wall.view import WallView
from db.changes import bump
from widgets.theme import WALL

pytestmark = pytest.mark.gui
# Display checks run on SQLite only (the KPI values are checked on both backends in
# test_wall_service); the change feed and the outage run on both.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
LOCAL_SCHEMES = {"file", "qrc", "data", "blob", "about"}


class Recorder(QWebEngineUrlRequestInterceptor):
    """Records every URL a page asks for (and blocks nothing)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        self.urls.append(info.requestUrl().toString())


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    profile = QWebEngineProfile.defaultProfile()
    profile.setUrlRequestInterceptor(rec)
    yield rec
    profile.setUrlRequestInterceptor(None)


@pytest.fixture
def wall(qtbot: Any, engine: Engine, recorder: Recorder) -> Iterator[WallView]:
    build_wall_street(engine)
    controller = WallController(
        engine, clock=lambda: T, poll_s=0.2, backoff=(0.2, 0.5), full_refresh_ms=0
    )
    view = WallView(controller, map_kpi="coverage")
    qtbot.addWidget(view)
    view.ticker.set_running(False)
    view.resize(1600, 900)
    view.show()
    with qtbot.waitSignal(view.settled, timeout=90_000):
        controller.start()
    yield view
    gc.unfreeze()  # the wall froze the heap when it settled (center.windows.runtime.heap)
    view.shutdown()
    controller.stop()
    assert controller.feed is not None and not controller.feed.is_running()
    assert not controller.busy()
    assert [t.name for t in threading.enumerate() if t.name.startswith("center-")] == []
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def run_js(view: WallView, qtbot: Any, script: str) -> Any:
    """The value of ``script`` in the map page (passed through JSON)."""
    box: list[Any] = []
    view.map_panel.map.evaluate(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])


#: the gauges' colours: the KPI's state against its target, except for the cadence KPI
#: coverage in its unfinished month, coloured against its value due by now (test_pace:
#: 0.95 x 1235/4278 = 27.4 %, and 5/6 is ahead of it)
GAUGE_STATES = {key: state for key, (_, state) in EXPECTED.items()} | {"coverage": "ok"}


@sqlite_only
def test_gauges_show_the_fixture_kpis(wall: WallView):
    for key, card in wall.kpi_panel.cards.items():
        value, _ = EXPECTED[key]
        state = GAUGE_STATES[key]
        assert card.gauge.value() == pytest.approx(value), key
        assert card.gauge.state() == state, key
        assert card.gauge.state_color() == WALL.state(state).name()
    cov = wall.kpi_panel.cards["coverage"].gauge
    assert cov.text() == "83.3%"
    assert cov.target() == pytest.approx(0.95)
    assert cov.pace() == pytest.approx(0.95 * 1235 / 4278)
    assert cov.pace_text() == "Due by now 27.4%"
    assert wall.kpi_panel.cards["response_24h"].gauge.pace() is None  # not a cadence KPI
    rows = wall.kpi_panel.rows
    assert rows["on_the_spot_rate"].value.text() == "50.0%"
    assert rows["on_the_spot_rate"].value.property("state") == "warn"
    assert rows["avg_response_hours"].value.text() == "9.7 h"
    assert rows["special_care"].value.property("state") == "ok"
    assert wall.kpi_panel.cards["coverage"].spark.points()[-1] == pytest.approx(5 / 6)
    assert "测试街道" in wall.header.title.text()


@sqlite_only
def test_map_polygons_carry_the_state_colours(wall: WallView, qtbot: Any):
    assert run_js(wall, qtbot, "wallMap.colours()") == {"G01": WALL.bad, "G02": WALL.ok}
    wall.set_map_kpi("closure_15wd")
    qtbot.waitUntil(wall.map_panel.map.is_painted, timeout=10_000)
    assert run_js(wall, qtbot, "wallMap.colours()") == {"G01": WALL.ok, "G02": WALL.none}
    assert run_js(wall, qtbot, "wallMap.emergencyCount()") == 1
    assert run_js(wall, qtbot, "wallMap.heatCount()") == 4
    assert run_js(wall, qtbot, "wallMap.visibleLabels()") == ["G01", "G02"]
    tip = run_js(wall, qtbot, "wallMap.tooltip('G01')")
    assert "一网格" in tip and "工作人员S001" in tip and "75.0%" in tip


@sqlite_only
def test_map_rebuilds_quietly_with_the_same_content(wall: WallView, qtbot: Any):
    m = wall.map_panel.map
    old = m.web_view()
    assert gc.get_freeze_count() > 10_000  # the settled wall froze its heap
    gc.unfreeze()
    with qtbot.waitSignal(m.ready, timeout=30_000):
        m.rebuild()
    assert m.rebuilds == 1
    assert gc.get_freeze_count() > 10_000  # and froze it again after the rebuild
    assert m.web_view() is not old
    qtbot.waitUntil(m.is_painted, timeout=10_000)
    assert run_js(wall, qtbot, "wallMap.colours()") == {"G01": WALL.bad, "G02": WALL.ok}
    assert run_js(wall, qtbot, "wallMap.emergencyCount()") == 1


@sqlite_only
def test_map_makes_no_request_off_the_machine(wall: WallView, recorder: Recorder):
    assert any(u.endswith("/leaflet.js") for u in recorder.urls)  # the recorder works
    assert any(u.endswith("/wall_map.js") for u in recorder.urls)
    remote = [u for u in recorder.urls if u.split(":", 1)[0] not in LOCAL_SCHEMES]
    assert remote == []


@sqlite_only
def test_tiles_come_from_the_configured_internal_server(
    wall: WallView, qtbot: Any, recorder: Recorder, tmp_path: Path
):
    assert not [u for u in recorder.urls if "/tiles/" in u]  # no basemap by default
    url = QUrl.fromLocalFile(str(tmp_path)).toString() + "/tiles/{z}/{x}/{y}.png"
    wall.map_panel.set_tiles(url)
    qtbot.waitUntil(lambda: any("/tiles/" in u for u in recorder.urls), timeout=10_000)
    assert all(
        u.startswith(QUrl.fromLocalFile(str(tmp_path)).toString())
        for u in recorder.urls
        if "/tiles/" in u
    )


@sqlite_only
def test_ticker_lists_breaches_emergencies_and_lagging_grids(wall: WallView):
    texts = [t for t, _ in wall.ticker.items()]
    states = dict(wall.ticker.items())
    assert "Open emergencies: 1 (K3)" in texts
    assert states["24 h response overdue: 1 case(s) (K3)"] == "bad"
    assert states["24 h response about to be overdue: 1 case(s) (K4)"] == "warn"
    assert "2 h department start overdue: 1 case(s) (K3)" in texts
    assert "Visit coverage below target 95.0% in 1 grid(s): 一网格 75.0%" in texts


def test_a_commit_in_another_connection_reaches_the_wall(
    wall: WallView, engine: Engine, qtbot: Any
):
    from builders import Builder

    b = Builder(engine, street="测试街道")
    b.case("H6", at(2026, 10, 20, 10), code="K6", first_response_at=at(2026, 10, 20, 11))
    gauge = wall.kpi_panel.cards["response_24h"].gauge
    assert gauge.value() == pytest.approx(0.5)
    with engine.begin() as conn:
        bump(conn, "cases")
    # K6 was responded within 24 h: 3 of 5
    qtbot.waitUntil(lambda: gauge.value() == pytest.approx(0.6), timeout=10_000)
    assert wall.controller.value("meetings") is not None


def _drop_and_restore(engine: Engine, feed_name: str) -> tuple[Any, Any]:
    """Functions that cut the wall's database and bring it back."""
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database))
        away = path.with_suffix(".away")
        return (lambda: os.replace(path, away)), (lambda: os.replace(away, path))

    def cut() -> None:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": feed_name},
            )

    return cut, (lambda: None)


def test_outage_shows_the_banner_and_recovers(wall: WallView, engine: Engine, qtbot: Any):
    controller = wall.controller
    assert controller.feed is not None
    cut, restore = _drop_and_restore(engine, controller.feed.application_name)
    with qtbot.waitSignal(
        controller.connection_changed, timeout=10_000, check_params_cb=lambda s: s == "down"
    ):
        cut()
    assert wall.header.banner.isVisible()
    assert wall.header.banner.text().startswith("Data feed interrupted since ")
    assert wall.header.connection.property("state") == "bad"
    # the last data stays on screen
    assert wall.kpi_panel.cards["coverage"].gauge.value() == pytest.approx(5 / 6)
    with qtbot.waitSignal(
        controller.connection_changed, timeout=10_000, check_params_cb=lambda s: s == "live"
    ):
        restore()
    assert not wall.header.banner.isVisible()
    assert wall.header.connection.property("state") == "ok"


@sqlite_only
def test_rotation_focuses_lagging_grids_and_shows_the_ranking(wall: WallView, qtbot: Any):
    from center.windows.wall.view import Rotation

    wall.set_map_kpi("repeat_rate")  # G01 1/3 (red), G02 0/2
    wall.set_rotation(Rotation(("overview", "lagging", "ranking"), 30))
    assert wall.lagging_grids() == ["G01"]
    wall.next_page()
    assert wall.page() == "lagging"
    assert wall.lagging_panel.isVisible()
    assert wall.lagging_panel.title() == "Lagging grids · Repeat rate"
    assert wall.lagging_panel.items.lines() == [
        "一网格（G01）  Repeat rate 33.3% (Target ≤10%)；"
        "also 24 h response rate 66.7%、Satisfaction 50.0%、Priority clocks met 66.7%"
    ]
    wall.next_page()
    assert wall.page() == "ranking"
    assert wall.centre.currentWidget() is wall.ranking_panel
    rows = wall.ranking_panel.bars.rows()
    assert [r.label for r in rows] == ["1. C01社区"]
    wall.next_page()
    assert wall.page() == "overview"
    assert wall.centre.currentWidget() is wall.map_panel
    assert not wall.lagging_panel.isVisible()


@sqlite_only
def test_wide_wall_shows_the_ranking_beside_the_map(wall: WallView, qtbot: Any):
    wall.resize(3840, 1080)
    qtbot.waitUntil(lambda: wall.is_wide(), timeout=5_000)
    assert wall.unit() == pytest.approx(1.0)
    assert wall.ranking_panel.isVisible()
    assert wall.map_panel.isVisible()
    wall.resize(1920, 1080)
    qtbot.waitUntil(lambda: not wall.is_wide(), timeout=5_000)
    assert not wall.ranking_panel.isVisible()


@sqlite_only
def test_slow_parts_reload_at_most_once_per_interval(wall: WallView, qtbot: Any):
    controller = wall.controller
    loads: list[str] = []
    controller.part_updated.connect(lambda name, _value: loads.append(name))
    controller.slow_parts["ranking"] = 3600.0
    controller.refresh({"kpis", "ranking"})  # the ranking loaded moments ago
    qtbot.waitUntil(lambda: "kpis" in loads and not controller.busy(), timeout=10_000)
    assert "ranking" not in loads
    assert controller.deferred("ranking")
    controller.refresh()  # a full refresh loads everything
    qtbot.waitUntil(lambda: "ranking" in loads and not controller.busy(), timeout=10_000)


@sqlite_only
def test_map_popup_is_opaque(wall: WallView, qtbot: Any):
    # Leaflet's tooltips default to opacity 0.9: the grid under the popup showed through
    style = run_js(wall, qtbot, "wallMap.tipStyle('G01')")
    assert style["opacity"] == "1"
    panel = QColor(WALL.panel)
    assert style["background"] == f"rgb({panel.red()}, {panel.green()}, {panel.blue()})"


@sqlite_only
def test_wall_states_the_period_and_the_pace(wall: WallView):
    # 20 October: day 20 of 31
    assert wall.header.period.text() == "Oct 2026 · day 20 of 31 (65%)"
    assert wall.header.period.isVisible()
    row = wall.kpi_panel.rows["special_care"]
    assert row.value.text() == "100.0%"
    assert row.target.text() == "Target ≥100%"
    assert row.pace.text() == "▲ Due by now 64.5%"  # 20/31
    assert row.pace.isVisible()
    assert not wall.kpi_panel.rows["satisfaction"].pace.isVisible()
    assert row.value.property("state") == "ok"


@sqlite_only
def test_ranking_states_its_order_and_scales_its_bars(wall: WallView):
    part = wall.controller.value("ranking")
    (row,) = part.rows
    panel = wall.ranking_panel
    start, end, ticks = panel.bars.axis()
    assert 0 < start < row.score < end <= 100  # not a 0-100 scale where scores look equal
    assert panel.key.text() == (
        "Ordered by the quarter's assessment score (out of 100); the axis starts at "
        + (f"{start:.0f}" if float(start).is_integer() else f"{start:.1f}")
    )
    (bar,) = panel.bars.rows()
    assert bar.label == "1. C01社区"
    assert bar.bar_text == f"{row.score:.1f}"
    grades = {"excellent": "Excellent", "good": "Good", "pass": "Pass", "fail": "Fail"}
    assert bar.note == grades[row.grade]
    assert [label for _, label in ticks][0] == (
        f"{start:.0f}" if float(start).is_integer() else f"{start:.1f}"
    )


# -- what the worker threads prepare is what the GUI thread would have made ---------------


def _kpi_grids_reference(part: Any) -> dict[str, Any]:
    """The map's KPI grids as the GUI thread made them before (one pace look-up per
    grid by :meth:`Pace.grid`)."""
    from center.wall.model import PACE
    from center.windows.wall import texts

    out = {}
    for g in part.grids:
        values = dict(g.values)
        shown = {k: texts.kpi_value(k, v) if v is not None else None for k, v in values.items()}
        if shown.get(PACE) is not None and part.pace is not None:
            try:
                behind = part.pace.grid(g.code).behind
            except KeyError:
                behind = 0
            shown[PACE] += QCoreApplication.translate("Wall", " (%1 households behind)").replace(
                "%1", str(behind)
            )
        out[g.code] = {"states": dict(g.states), "texts": shown}
    return out


@sqlite_only
def test_prepared_map_payloads_and_ticker_match_the_gui_thread(wall: WallView, qtbot: Any):
    from center.wall import model as dashboard
    from center.wall.model import MAP_LAYERS, HeatPart, KpiPart
    from center.windows.wall import texts
    from center.windows.wall.mappanel import (
        heat_layer,
        heat_legend_items,
        heat_payload,
        kpi_payload,
        shown_heat,
    )
    from center.windows.wall.view import PreparedKpis
    from widgets.mapview import encode

    controller = wall.controller
    kpis = controller.value("kpis")
    assert isinstance(kpis, KpiPart) and kpis.pace is not None
    assert any(g.values.get("pace") is not None for g in kpis.grids)
    prepared = controller.prepared("kpis", kpis)
    assert isinstance(prepared, PreparedKpis)  # made on the worker thread
    grids = _kpi_grids_reference(kpis)
    assert json.loads(prepared.grids.text) == grids
    # the page gets the same text as the whole payload encoded on the GUI thread
    sent = wall.map_panel.map._state["setKpis"]
    assert sent == encode(kpi_payload(kpis, "coverage"))
    assert json.loads(sent) == {
        "key": "coverage",
        "order": list(MAP_LAYERS),
        "names": {k: texts.kpi_name(k) for k in MAP_LAYERS},
        "grids": grids,
    }
    # the ticker: the alerts, then one item per headline KPI some grids miss
    alerts = controller.value("alerts")
    expected = [(texts.alert_text(a), a.severity) for a in alerts.alerts] + [
        (texts.alert_text(a), a.severity) for a in dashboard.grid_alerts(kpis)
    ]
    assert any(a.kind == "grids_below" for a in dashboard.grid_alerts(kpis))
    assert wall.ticker_items() == expected

    heat = controller.value("heat")
    assert isinstance(heat, HeatPart)
    layers = controller.prepared("heat", heat)
    assert ("history", "all") in layers
    assert wall.map_panel.map._state["setHeat"] == encode(heat_payload(heat, "history", "all"))
    # another layer: made on the GUI thread when picked, made on the worker from then on
    wall.set_heat_layer("forecast", "life")
    assert controller.heat_selections[id(wall)] == ("forecast", "life")
    shown = shown_heat(heat, "forecast")
    assert wall.map_panel.map._state["setHeat"] == encode(heat_payload(shown, "forecast", "life"))
    made = heat_layer(heat, "forecast", "life")
    rates = [r for r in heat.rates("forecast", "life").values() if r is not None] if shown else []
    assert (made.low, made.top) == (min(rates, default=0.0), max(rates, default=0.0))
    assert heat_legend_items(shown, "forecast", "life", (made.low, made.top)) == (
        heat_legend_items(shown, "forecast", "life")
    )
    assert set(dashboard_layers(controller, heat)) == {("history", "all"), ("forecast", "life")}


def dashboard_layers(controller: WallController, heat: Any) -> dict[Any, Any]:
    """The layers the heat preparer makes for the views now."""
    from center.windows.wall.view import prepare_heat

    return prepare_heat(controller.heat_selections, heat)
