"""The wall's start and refresh costs (issue 19): the forecast computed in a child
process with the numbers of an in-process call, the heat part shown before its
forecast is in (the wall settles once it is), the folium page kept in the user cache,
and the reads shared by the parts of one refresh."""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from builders import at
from sqlalchemy import Engine
from test_wall_heat import (
    FORECAST_RATES,
    HISTORY_RATES,
    build_heat_street,
    canned_forecast,
)

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from center.insight import forecast as forecast_service  # noqa: E402
from center.wall import model as d  # noqa: E402
from center.windows.wall import mappage  # noqa: E402
from center.windows.wall.controller import WallController  # noqa: E402
from center.windows.wall.mappanel import heat_payload  # noqa: E402
from center.windows.wall.view import WallView  # noqa: E402
from widgets.mapview import MapAssets  # noqa: E402

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
NOV20 = at(2026, 11, 20, 12)


def many_months_street(engine: Engine) -> None:
    """The heat street with cases in each of the 12 months before NOV20, so that the
    backtest has history to select from."""
    b = build_heat_street(engine)
    cases = []
    n = 0
    for month in range(12):
        year, mon = (2025, month + 12) if month < 1 else (2026, month)
        for i, (hh, sub) in enumerate((("H1", "P01"), ("H2", "L01"), ("H5", "L01"))):
            for k in range((month + i) % 3 + 1):
                n += 1
                cases.append(
                    {
                        "code": f"KM{n:03d}",
                        "household": hh,
                        "received_at": at(year, mon, 3 + 5 * k, 10),
                        "subcategory": sub,
                    }
                )
    b.cases(cases)


@pytest.mark.forecast_child
def test_forecast_child_gives_the_numbers_of_an_in_process_call(engine: Engine):
    many_months_street(engine)
    fc = forecast_service.forecast_month(engine, d.WALL_ACTOR, "2026-12", NOV20)
    selected, cells = d.compute_forecast(engine, "2026-12", NOV20)
    assert selected == fc.selected
    assert cells == {(c.grid, c.category): c.forecast for c in fc.cells}
    assert cells  # every grid × category


@pytest.mark.forecast_child
def test_a_failing_forecast_child_is_reported(tmp_path: Path):
    from db.engine import make_engine

    empty = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables
    with pytest.raises(d.ForecastError, match="the forecast process failed"):
        d.compute_forecast(empty, "2026-12", NOV20)
    empty.dispose()


@sqlite_only
@pytest.mark.forecast_child
def test_stopping_ends_a_running_forecast_process(engine: Engine, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(d, "_FORECAST_CHILD", "import time; time.sleep(120)")
    failed: list[BaseException] = []

    def run() -> None:
        try:
            d.compute_forecast(engine, "2026-12", NOV20)
        except d.ForecastError as exc:
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not d._children and time.monotonic() < deadline:
        time.sleep(0.05)
    assert d._children  # the child runs
    started = time.monotonic()
    d.end_forecasts()
    thread.join(30)
    assert not thread.is_alive() and time.monotonic() - started < 10
    assert failed and not d._children


def test_an_in_memory_database_is_forecast_in_process():
    from sqlalchemy import create_engine

    assert d._child_url(create_engine("sqlite://")) is None
    url = d._child_url(create_engine("postgresql+psycopg://u:secret@h/db?options=x"))
    assert url == "postgresql+psycopg://u:secret@h/db?options=x"  # the child needs it


class GatedForecast:
    """A fake forecast model that waits until the test opens its gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls = 0

    def __call__(
        self, engine: Engine, actor: Any, month: str, as_of: datetime | None = None
    ) -> forecast_service.MonthForecast:
        self.calls += 1
        assert self.gate.wait(60)
        return canned_forecast(month, as_of)


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> Iterator[GatedForecast]:
    fake = GatedForecast()
    monkeypatch.setattr(forecast_service, "forecast_month", fake)
    monkeypatch.setattr(d, "FORECAST_IN_CHILD", False)
    yield fake
    fake.gate.set()  # no thread left waiting


@sqlite_only
def test_heat_part_without_waiting_shows_history_until_the_forecast_is_in(
    engine: Engine, gated: GatedForecast
):
    build_heat_street(engine)
    first = d.load_heat(engine, NOV20, wait=False)
    assert first.forecast_pending and not first.has_forecast
    assert first.model == "" and dict(first.forecast) == {} and first.hot_spots == ()
    for category, rates in HISTORY_RATES.items():  # the history layer is all there
        assert first.rates("history", category) == pytest.approx(rates), category
    # the forecast layer is not shown as zeros while it is computed
    assert heat_payload(None, "forecast", "all")["grids"] == {}
    assert d.load_heat(engine, NOV20, wait=False).forecast_pending  # still computing
    gated.gate.set()
    d.wait_forecast(engine, NOV20)
    second = d.load_heat(engine, NOV20, wait=False)
    assert not second.forecast_pending and second.has_forecast
    assert second.rates("forecast", "all") == pytest.approx(FORECAST_RATES["all"])
    assert [(h.grid, h.category) for h in second.hot_spots] == [("G01", "life")]
    assert second == d.load_heat(engine, NOV20)  # the same part as a waiting load
    assert gated.calls == 1  # computed once


@sqlite_only
def test_wall_shows_every_part_then_settles_once_the_forecast_is_in(
    qtbot: Any, engine: Engine, gated: GatedForecast
):
    from PySide6.QtCore import QCoreApplication, QEvent

    build_heat_street(engine)
    controller = WallController(engine, clock=lambda: NOV20, live=False, full_refresh_ms=0)
    view = WallView(controller)
    qtbot.addWidget(view)
    try:
        view.ticker.set_running(False)
        view.set_heat_layer("forecast", "all")
        view.resize(1600, 900)
        view.show()
        with qtbot.waitSignal(view.shown_all, timeout=90_000):
            controller.start()
        assert not view.is_settled()
        heat = controller.value("heat")
        assert isinstance(heat, d.HeatPart) and not heat.has_forecast
        assert controller.busy()  # waiting for the forecast
        # the forecast layer stays empty (no zeros) and its legend has no bands
        box: list[Any] = []
        view.map_panel.map.evaluate("JSON.stringify(wallMap.heatRates())", box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=10_000)
        assert json.loads(box[0]) == {}
        with qtbot.waitSignal(view.settled, timeout=60_000):
            gated.gate.set()
        heat = controller.value("heat")
        assert isinstance(heat, d.HeatPart) and heat.has_forecast and not heat.forecast_pending
        qtbot.waitUntil(view.map_panel.map.is_painted, timeout=10_000)
        box.clear()
        view.map_panel.map.evaluate("JSON.stringify(wallMap.heatRates())", box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=10_000)
        assert json.loads(box[0]) == pytest.approx(FORECAST_RATES["all"])
        qtbot.waitUntil(lambda: not controller.busy(), timeout=10_000)
    finally:
        gc.unfreeze()
        view.shutdown()
        controller.stop()
        view.close()
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@sqlite_only
def test_parts_of_one_refresh_read_the_breached_immediate_cases_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    build_heat_street(engine)
    alone = (d.load_incidents(engine, NOV20), d.load_alerts(engine, NOV20))
    calls: list[datetime] = []
    real = d.breached_immediate

    def counted(eng: Engine, as_of: datetime) -> Any:
        calls.append(as_of)
        return real(eng, as_of)

    monkeypatch.setattr(d, "breached_immediate", counted)
    shared = d.SharedReads()
    together = (
        d.load_part(engine, "incidents", NOV20, shared),
        d.load_part(engine, "alerts", NOV20, shared),
    )
    assert together == alone
    assert [b.code for b in together[0].immediate] == ["K3", "K15"]
    assert calls == [NOV20]
    d.load_part(engine, "alerts", NOV20, d.SharedReads())  # a new refresh reads again
    assert len(calls) == 2


# -- the folium page in the user cache --------------------------------------------------


def test_map_page_is_built_once_and_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("CENTER_CACHE_DIR", str(tmp_path / "cache"))
    assets = MapAssets.locate()
    built: list[int] = []
    real = mappage.build_page

    def counted(a: MapAssets) -> str:
        built.append(1)
        return real(a)

    monkeypatch.setattr(mappage, "build_page", counted)
    page = real(assets)
    assert mappage.cached_page(assets) == page
    assert mappage.cached_page(assets) == page
    assert mappage.FoliumAssets.locate().render() == page
    assert len(built) == 1  # once; then read from the file
    # another folium, another source: built anew
    monkeypatch.setattr(mappage, "page_key", lambda a: "another")
    assert mappage.cached_page(assets) == page
    assert len(built) == 2


def test_map_page_without_a_writable_cache_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("CENTER_CACHE_DIR", str(blocked / "cache"))
    assets = MapAssets.locate()
    assert mappage.cached_page(assets) == mappage.build_page(assets)
