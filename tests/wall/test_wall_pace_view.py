"""The wall on 20 November (test_pace): the special-group care is 0.0 % by kpi.md but
the wall says how far into the month it is and what is due by now; the map's "visit
pace" layer and the lagging-grids page name the grid behind."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest
from builders import at
from sqlalchemy import Engine
from test_wall_service import build_wall_street

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from center.wall.model import PACE  # noqa: E402
from center.windows.wall.controller import WallController  # noqa: E402
from center.windows.wall.view import WallView  # noqa: E402
from widgets.theme import WALL  # noqa: E402

pytestmark = pytest.mark.gui
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
NOV20 = at(2026, 11, 20, 12)


@pytest.fixture
def wall(qtbot: Any, engine: Engine) -> Iterator[WallView]:
    from PySide6.QtCore import QCoreApplication, QEvent

    build_wall_street(engine)
    controller = WallController(engine, clock=lambda: NOV20, live=False, full_refresh_ms=0)
    view = WallView(controller)
    qtbot.addWidget(view)
    view.ticker.set_running(False)
    view.resize(1600, 900)
    view.show()
    with qtbot.waitSignal(view.settled, timeout=90_000):
        controller.start()
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


@sqlite_only
def test_gauges_and_rows_show_what_is_due_by_now(wall: WallView):
    assert wall.header.period.text() == "Nov 2026 · day 20 of 30 (67%)"
    row = wall.kpi_panel.rows["special_care"]
    assert row.value.text() == "0.0%"  # kpi.md: H1 has no November visit yet
    assert row.target.text() == "Target ≥100%"
    assert row.pace.text() == "▲ Due by now 66.7%"
    assert row.value.property("state") == "bad"  # 0 against 2/3
    cov = wall.kpi_panel.cards["coverage"].gauge
    assert cov.text() == "66.7%"  # 4/6
    # 0.95 x (20/30 + 5 x 51/92) / 6 = 0.95 x 949/1656
    assert cov.pace() == pytest.approx(0.95 * 949 / 1656)
    assert cov.pace_text() == "Due by now 54.4%"
    assert cov.state() == "ok"  # ahead of what is due, though below the 95 % target


@sqlite_only
def test_map_shades_the_grids_behind_pace(wall: WallView, qtbot: Any):
    wall.set_map_kpi(PACE)
    qtbot.waitUntil(wall.map_panel.map.is_painted, timeout=10_000)
    # G01: H1 and H4 behind, 2 of 4 on pace (red); G02: both on pace
    assert run_js(wall, qtbot, "wallMap.colours()") == {"G01": WALL.bad, "G02": WALL.ok}
    tip = run_js(wall, qtbot, "wallMap.tooltip('G01')")
    assert "Visit pace" in tip and "50.0% (2 households behind)" in tip
    assert wall.map_panel.title() == "Grid map · Visit pace"


@sqlite_only
def test_lagging_page_names_the_grids_and_what_they_lag_on(wall: WallView, qtbot: Any):
    # coverage: G01 2/4 = 50 % against 55.3 % due by now (0.95 x 643/1104): amber,
    # and no grid is red, so the amber ones are listed
    assert wall.map_kpi() == PACE  # the map opens on pace: no all-red street early on
    wall.set_map_kpi("coverage")
    wall.show_page("lagging")
    assert wall.lagging_grids() == ["G01"]
    assert wall.lagging_panel.isVisible()
    assert wall.lagging_panel.title() == "Lagging grids · Visit coverage"
    assert wall.lagging_panel.summary.text() == "1 grid(s) lagging, worst first"
    assert wall.lagging_panel.items.lines() == [
        "一网格（G01）  Visit coverage 50.0% (Target ≥95% · Due by now 55.3%)；"
        "also Special-group care 0.0%、Visit pace 50.0%"
    ]
    qtbot.waitUntil(wall.map_panel.map.is_painted, timeout=10_000)
    assert run_js(wall, qtbot, "wallMap.outlined()") == ["G01"]  # the grid named, outlined
    wall.set_map_kpi(PACE)
    assert wall.lagging_panel.title() == "Lagging grids · Visit pace"
    assert wall.lagging_panel.items.lines() == [
        "一网格（G01）  Visit pace 50.0% (Target ≥95%)；also Special-group care 0.0%"
    ]
    wall.show_page("overview")
    assert not wall.lagging_panel.isVisible()
    qtbot.waitUntil(wall.map_panel.map.is_painted, timeout=10_000)
    assert run_js(wall, qtbot, "wallMap.outlined()") == []
