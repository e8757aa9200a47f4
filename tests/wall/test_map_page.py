"""The wall map's page generated with folium (issue 18, item 4): local assets only,
the restyle script attached to folium's map and groups, in-place restyles without a
reload, hot-spot labels that do not crowd each other (every hot spot still ringed),
and the heat layer of ``render_wall`` (``center snapshot wall``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, QUrl

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from center.insight.heat import HotSpot  # noqa: E402
from center.wall import model as d  # noqa: E402
from center.windows.wall import mappage  # noqa: E402
from center.windows.wall.mappanel import heat_payload, hot_tags  # noqa: E402
from center.windows.wall.snapshot import SnapshotError, render_wall  # noqa: E402
from widgets.mapview import LeafletView, MapAssets, page_file  # noqa: E402

GROUPS = ["grids", "labels", "rates", "hotmarks", "hot", "overdue", "emergency"]


# -- the page's HTML ------------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> str:
    return mappage.build_page(MapAssets.locate())


def test_page_requests_nothing_off_the_machine(page: str):
    assert re.findall(r"(?i)\b(?:https?|ftp|wss?)://", page) == []
    refs = re.findall(r'(?:src|href)="([^"]*)"', page) + re.findall(r'url\("([^"]*)"\)', page)
    assets = MapAssets.locate()
    expected = [
        QUrl.fromLocalFile(str(assets.leaflet_js)).toString(),
        "qrc:///qtwebchannel/qwebchannel.js",
        QUrl.fromLocalFile(str(assets.map_js)).toString(),
        QUrl.fromLocalFile(str(assets.leaflet_css)).toString(),
        QUrl.fromLocalFile(str(assets.map_css)).toString(),
    ]
    if assets.font is not None:
        expected.append(QUrl.fromLocalFile(str(assets.font)).toString())
    assert sorted(refs) == sorted(expected)
    for ref in refs:  # and every file is there
        if ref.startswith("file:"):
            assert Path(QUrl(ref).toLocalFile()).is_file(), ref


def test_page_is_foliums_map_with_the_walls_groups(page: str):
    assert '<div class="folium-map" id="map" ></div>' in page
    assert 'var map = L.map(\n                "map",' in page
    assert '<div id="legend" class="wall-legend" hidden></div>' in page
    for name, z in mappage.PANES:
        assert f'var pane_{name} = map.createPane(\n                "{name}");' in page
        assert f"pane_{name}.style.zIndex = {z};" in page
    for name in GROUPS:
        assert f"feature_group_{name}.addTo(map);" in page
    attach = re.search(r"window\.wallMap\.attach\(map, \{(.*?)\}\);", page, re.S)
    assert attach is not None
    pairs = re.findall(r'"(\w+)": (\w+),', attach.group(1))
    assert pairs == [(g, f"feature_group_{g}") for g in GROUPS]
    # the attach call runs after folium made the map and every group
    assert page.index("window.wallMap.attach(") > page.index("feature_group_emergency.addTo")
    # no tile layer, no CDN asset folium would add by default
    assert "L.tileLayer" not in page and "jquery" not in page.lower()


def test_page_is_the_same_on_every_build(page: str):
    assert mappage.build_page(MapAssets.locate()) == page
    # the map view writes what the wall's assets render: the same page
    assert page_file(mappage.FoliumAssets.locate()).read_text(encoding="utf-8") == page


# -- hot-spot tags: rank order -------------------------------------------------------


def _heat(hot: tuple[HotSpot, ...]) -> d.HeatPart:
    from datetime import datetime

    return d.HeatPart(
        as_of=datetime(2026, 11, 20, 12),
        month="2026-12",
        model="mean_3",
        households={"G01": 4, "G02": 2, "G03": 10},
        history={},
        forecast={("G01", "life"): 2.0, ("G02", "dispute"): 3.0, ("G03", "life"): 5.0},
        hot_spots=hot,
    )


def test_hot_tags_come_in_rank_order_one_per_grid():
    part = _heat(
        (
            HotSpot("G03", "life", 5.0, 50.0),
            HotSpot("G01", "emergency", 4.0, 100.0),
            HotSpot("G03", "dispute", 3.5, 35.0),
            HotSpot("G02", "life", 3.0, 150.0),
        )
    )
    assert hot_tags(part, "forecast", "all") == [
        {"grid": "G03", "text": "G03 Life·Dispute"},
        {"grid": "G01", "text": "G01 Emergency"},
        {"grid": "G02", "text": "G02 Life"},
    ]
    assert hot_tags(part, "forecast", "life") == [
        {"grid": "G03", "text": "G03 Life"},
        {"grid": "G02", "text": "G02 Life"},
    ]
    assert hot_tags(part, "history", "all") == []  # the history layer has no hot spots
    assert heat_payload(part, "forecast", "all")["hot"] == hot_tags(part, "forecast", "all")


# -- the page in a view: in-place restyles, label crowding ------------------------------

ROWS = COLS = 10
CELL = 0.002  # degrees of latitude; twice as many of longitude: cells wider than tall


def _square(row: int, col: int) -> dict[str, Any]:
    s, w = 30.0 + row * CELL, 120.0 + col * 2 * CELL
    n, e = s + CELL, w + 2 * CELL
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def _base() -> dict[str, Any]:
    grids = []
    for r in range(ROWS):
        for c in range(COLS):
            code = f"G{r * COLS + c + 1:03d}"
            grids.append(
                {
                    "code": code,
                    "name": code,
                    "short": code,
                    "community": "C1",
                    "worker": "",
                    "geometry": _square(r, c),
                    "label": [30.0 + (r + 0.5) * CELL, 120.0 + (c + 0.5) * 2 * CELL],
                }
            )
    bounds = [[30.0, 120.0], [30.0 + ROWS * CELL, 120.0 + COLS * 2 * CELL]]
    return {"grids": grids, "outline": None, "bounds": bounds}


def _codes() -> list[str]:
    return [f"G{i:03d}" for i in range(1, ROWS * COLS + 1)]


def _heat_args(hot: list[str]) -> dict[str, Any]:
    rates = {c: {"rate": 1.0, "share": 0.5, "colour": "#f5e663", "text": "1.0"} for c in _codes()}
    return {
        "layer": "forecast",
        "category": "all",
        "grids": rates,
        "hot": [{"grid": g, "text": f"{g} Life·Dispute·Emergency"} for g in hot],
        "title": "Forecast",
        "density": False,
    }


@pytest.fixture
def view(qtbot: Any) -> Iterator[LeafletView]:
    v = LeafletView(None, background="#0A1628", assets=mappage.FoliumAssets.locate())
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    v.call("setBase", _base())
    qtbot.waitUntil(v.is_painted, timeout=30_000)
    yield v
    v.shutdown()


def js(view: LeafletView, qtbot: Any, script: str) -> Any:
    box: list[Any] = []
    view.evaluate(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])


def apply(view: LeafletView, qtbot: Any, method: str, args: Any) -> None:
    view.call(method, args)
    qtbot.waitUntil(view.is_painted, timeout=10_000)


LABEL_BOXES = """Array.from(document.querySelectorAll('.hot-spot')).filter(function (e) {
  return e.style.display !== 'none'; }).map(function (e) {
  var b = e.firstChild.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; })"""


@pytest.mark.gui
def test_crowded_hot_spots_keep_their_rings_and_labels_do_not_overlap(
    view: LeafletView, qtbot: Any
):
    url = view.web_view().url().toLocalFile()
    # the folium page
    assert Path(url).read_text(encoding="utf-8") == mappage.build_page(MapAssets.locate())
    assert js(view, qtbot, "document.querySelector('.folium-map').id") == "map"
    js(view, qtbot, "window.loadedOnce = 7")  # survives every restyle: nothing reloads
    ranked = list(reversed(_codes()))  # G100 is the hottest
    apply(view, qtbot, "setHeat", _heat_args(ranked))
    assert js(view, qtbot, "wallMap.hotMarks()") == 100  # every hot spot ringed
    shown = js(view, qtbot, "wallMap.hotLabels()")
    assert 0 < len(shown) < 100
    assert shown[0] == "G100 Life·Dispute·Emergency"  # the hottest is always named
    boxes = js(view, qtbot, LABEL_BOXES)
    assert len(boxes) == len(shown)
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[1] >= 0 and a[2] <= 800 and a[3] <= 600  # inside the map
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # a named hot spot's label stands in for its grid's name
    named = {t.split()[0] for t in shown}
    assert named.isdisjoint(js(view, qtbot, "wallMap.visibleLabels()"))
    # two hot spots far apart: both named, the other grids' names back
    apply(view, qtbot, "setHeat", _heat_args(["G001", "G100"]))
    assert js(view, qtbot, "wallMap.hotMarks()") == 2
    assert js(view, qtbot, "wallMap.hotLabels()") == [
        "G001 Life·Dispute·Emergency",
        "G100 Life·Dispute·Emergency",
    ]
    visible = js(view, qtbot, "wallMap.visibleLabels()")
    assert "G001" not in visible and "G100" not in visible and "G050" in visible
    # a larger scale: fewer labels fit, still none overlapping
    apply(view, qtbot, "setHeat", _heat_args(ranked))
    apply(view, qtbot, "setScale", 2)
    bigger = js(view, qtbot, "wallMap.hotLabels()")
    assert 0 < len(bigger) < len(shown)
    assert js(view, qtbot, "window.loadedOnce") == 7


# -- render_wall's heat layer -----------------------------------------------------------


def test_render_wall_refuses_an_unknown_heat_layer():
    with pytest.raises(SnapshotError, match="unknown heat layer 'future'"):
        render_wall(None, QSize(640, 360), heat_layer="future")  # type: ignore[arg-type]
    with pytest.raises(SnapshotError, match="unknown category 'parking'"):
        render_wall(None, QSize(640, 360), heat_category="parking")  # type: ignore[arg-type]


@pytest.mark.gui
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_render_wall_shows_the_chosen_heat_layer(
    engine: Any, monkeypatch: pytest.MonkeyPatch, qtbot: Any
):
    from test_wall_heat import NOV20, build_heat_street, fake_forecast

    from center.insight import forecast as forecast_service

    monkeypatch.setattr(forecast_service, "forecast_month", fake_forecast([]))
    build_heat_street(engine)
    seen: dict[str, Any] = {}

    def check(view: Any) -> None:
        seen["title"] = view.map_panel.title()
        seen["hot"] = js(view.map_panel.map, qtbot, "wallMap.hotLabels()")
        seen["marks"] = js(view.map_panel.map, qtbot, "wallMap.hotMarks()")

    image = render_wall(
        engine,
        QSize(1280, 720),
        as_of=NOV20,
        map_kpi="coverage",
        heat_layer="forecast",
        heat_category="life",
        before_grab=check,
    )
    assert (image.width(), image.height()) == (1280, 720)
    assert seen == {
        "title": "Grid map · Visit coverage · Forecast 2026-12·Life",
        "hot": ["G01 Life"],
        "marks": 1,
    }


# -- payloads encoded on the worker threads: the same text, in chunks ----------------------


def test_chunked_encoding_is_the_same_text():
    from datetime import datetime

    from center.wall.model import IncidentPart
    from center.windows.wall.mappanel import (
        ENCODE_CHUNK,
        encode_in_chunks,
        incidents_json,
        incidents_payload,
    )
    from widgets.mapview import encode

    n = ENCODE_CHUNK * 3 + 7  # a district's 48,000 heat points, in small
    part = IncidentPart(
        as_of=datetime(2026, 11, 20, 12),
        emergencies=(),
        heat=tuple((30.0 + k * 1e-6, 120.5, k % 9 + 1) for k in range(n)),
    )
    payload = incidents_payload(part)
    assert len(payload["heat"]) == n
    assert incidents_json(part).text == encode(payload)
    grids = {f"G{k:05d}": {"states": {"a": "ok"}, "texts": {"a": "九成"}} for k in range(n)}
    nested = {"key": "a", "grids": grids, "names": {"a": "名"}, "hot": [], "none": None}
    for value in (grids, nested, [], {}, [1] * (ENCODE_CHUNK + 1), list(range(ENCODE_CHUNK))):
        assert encode_in_chunks(value) == encode(value)


def test_heat_layers_are_the_payloads_of_the_layers_shown():
    from center.windows.wall.mappanel import (
        DEFAULT_HEAT,
        heat_layer,
        heat_layers,
        heat_legend_items,
        shown_heat,
    )
    from widgets.mapview import encode

    part = _heat((HotSpot("G03", "life", 5.0, 50.0),))
    layers = heat_layers(part, [("forecast", "life"), DEFAULT_HEAT])
    assert list(layers) == [DEFAULT_HEAT, ("forecast", "life")]
    for (layer, category), made in layers.items():
        assert made.payload.text == encode(heat_payload(part, layer, category))
        rates = [r for r in part.rates(layer, category).values() if r is not None]
        assert (made.low, made.top) == (min(rates, default=0.0), max(rates, default=0.0))
        assert heat_legend_items(part, layer, category, (made.low, made.top)) == (
            heat_legend_items(part, layer, category)
        )
    assert (layers["forecast", "life"].low, layers["forecast", "life"].top) == (0.0, 50.0)
    # a forecast still being computed: an empty layer, not one of zeros
    pending = d.HeatPart(**{**part.__dict__, "model": ""})
    assert shown_heat(pending, "forecast") is None
    assert heat_layer(pending, "forecast", "all").payload.text == encode(
        heat_payload(None, "forecast", "all")
    )
