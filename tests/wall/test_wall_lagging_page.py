"""The wall's 落后网格 and ranking pages (walkthrough, issue 17): the map shows the
whole street when the lagging grids cover most of it (no grid cut at the edge) and
zooms in on a small cluster; a lagging grid's line wraps to a second line instead of
losing its other indicators; a quarter still running is marked 统计期未结束."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, update
from test_wall_service import T, build_wall_street

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from PySide6.QtCore import QSize  # noqa: E402

from center.wall.model import RankingPart, RankRow  # noqa: E402
from center.windows.wall.controller import WallController  # noqa: E402
from center.windows.wall.panels import LaggingPanel, RankingPanel  # noqa: E402
from center.windows.wall.view import WallView  # noqa: E402
from db.models import Grid  # noqa: E402
from db.types import CST  # noqa: E402

pytestmark = pytest.mark.gui
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _square(x0: float, y0: float, x1: float, y1: float) -> str:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _wall(qtbot: Any, engine: Engine, g01: str, g02: str) -> Iterator[WallView]:
    build_wall_street(engine)
    with engine.begin() as conn:
        conn.execute(update(Grid).where(Grid.code == "G01").values(geometry=g01))
        conn.execute(update(Grid).where(Grid.code == "G02").values(geometry=g02))
    controller = WallController(engine, clock=lambda: T, live=False, full_refresh_ms=0)
    view = WallView(controller, map_kpi="repeat_rate")  # G01 lags on it, G02 does not
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


def _paths(view: WallView, qtbot: Any) -> dict[str, Any]:
    """The map container's box and every grid polygon's box on the page."""
    box: list[Any] = []
    script = (
        "JSON.stringify({map: document.getElementById('map').getBoundingClientRect(),"
        " paths: Array.from(document.querySelectorAll('path.leaflet-interactive'))"
        ".map(function (p) { return p.getBoundingClientRect(); })})"
    )
    view.map_panel.map.evaluate(script, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])


def _inside(r: dict[str, float], m: dict[str, float]) -> bool:
    return (
        r["left"] >= m["left"] - 1
        and r["top"] >= m["top"] - 1
        and r["right"] <= m["right"] + 1
        and r["bottom"] <= m["bottom"] + 1
    )


def _show_lagging(view: WallView, qtbot: Any) -> dict[str, Any]:
    assert view.lagging_grids() == ["G01"]
    view.show_page("lagging")
    qtbot.wait(600)  # the map re-fits once the list under it has taken its room
    seq = view.map_panel.map.sync()
    qtbot.waitUntil(lambda: view.map_panel.map.painted_seq() >= seq, timeout=10_000)
    return _paths(view, qtbot)


@pytest.fixture
def most_of_the_street(qtbot: Any, engine: Engine) -> Iterator[WallView]:
    # G02 a strip along the top, like the demo street's G001–G003 row
    yield from _wall(qtbot, engine, _square(0, 0, 1, 0.9), _square(0, 0.9, 1, 1))


@pytest.fixture
def a_corner(qtbot: Any, engine: Engine) -> Iterator[WallView]:
    yield from _wall(qtbot, engine, _square(0, 0, 0.2, 0.2), _square(0.2, 0, 1, 1))


@sqlite_only
def test_lagging_grids_over_most_of_the_street_show_the_whole_street(most_of_the_street, qtbot):
    page = _show_lagging(most_of_the_street, qtbot)
    assert len(page["paths"]) == 2
    assert all(_inside(r, page["map"]) for r in page["paths"]), page


@sqlite_only
def test_a_small_cluster_of_lagging_grids_is_zoomed_in_on(a_corner, qtbot):
    page = _show_lagging(a_corner, qtbot)
    inside = [r for r in page["paths"] if _inside(r, page["map"])]
    assert len(page["paths"]) == 2 and len(inside) == 1  # G01 in view, G02 runs off
    assert inside[0]["height"] > 0.5 * page["map"]["height"]  # zoomed in on G01


def test_a_lagging_grid_wraps_to_a_second_line_instead_of_losing_its_indicators(qtbot):
    panel = LaggingPanel()
    qtbot.addWidget(panel)
    panel.set_unit(1.0)
    panel.resize(QSize(700, 420))
    panel.show()
    qtbot.waitExposed(panel)
    others = "；also " + "、".join(f"Indicator {i} {i}0.0%" for i in range(1, 4))
    lines = [f"Grid {n} (G{n:02d})  Repeat rate 33.3% (Target ≤10%){others}" for n in range(30)]
    panel.show_grids(lines, "30 grid(s) lagging, worst first", "Lagging grids")
    shown_text = panel.items.text().split("\n")
    shown, more = panel.items.shown()
    assert shown >= 2 and shown + more == 30  # every grid is accounted for
    assert shown_text[-1] == f"… and {more} more grids"
    first = panel.items.wrapped(lines[0])
    assert len(first) == 2 and "…" not in "".join(first)  # nothing of it cut off
    assert "".join(first).replace("\u3000", "").replace(" ", "") == lines[0].replace(" ", "")
    assert shown_text[: len(first)] == first
    assert len(shown_text) <= panel.items.capacity()


@pytest.mark.parametrize(
    ("as_of", "title"),
    [
        (
            datetime(2026, 12, 7, 9, tzinfo=CST),
            "Community ranking 2026Q4 (period not ended, as of 07 Dec)",
        ),
        (datetime(2027, 1, 2, 9, tzinfo=CST), "Community ranking 2026Q4"),
    ],
)
def test_a_quarter_still_running_is_marked_in_the_ranking_title(qtbot, as_of, title):
    panel = RankingPanel()
    qtbot.addWidget(panel)
    panel.show_ranking(RankingPart(as_of, "2026Q4", (RankRow("C01", "C01社区", 80.0, "good", 1),)))
    assert panel.title() == title


def test_the_ranking_title_reads_in_chinese(qtbot, qapp):
    from center.windows.runtime.i18n import install_translators

    install_translators(qapp, "zh_CN")
    try:
        panel = RankingPanel()
        qtbot.addWidget(panel)
        as_of = datetime(2026, 12, 7, 9, tzinfo=CST)
        panel.show_ranking(RankingPart(as_of, "2026Q4", ()))
        assert panel.title() == "社区排名 2026Q4（统计期未结束，截至12月7日）"
    finally:
        install_translators(qapp, "en")
