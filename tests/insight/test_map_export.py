"""`center export map` (spec/insight.md, "Heat map"; issue 18 item 4): the offline
HTML map makes no off-machine request, shows the grids, the legend in cases per 100
households and the hot spots; the per-100-household values are worked out by hand
on a small street; refusals write nothing."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from builders import TEST_PASSWORD, Builder, account, at

from center.core.access import Actor
from center.core.errors import PermissionDenied
from center.insight import heat as heat_service
from center.wall.model import load_kpis
from db.engine import open_database
from reports import street_map

READER = Actor("reader", "leader")
T = at(2026, 6, 5)  # 2026-06-05 00:00 CST
T_ISO = "2026-06-05T00:00:00+08:00"

# Cases received on the 10th of February .. May 2026 (a flat series: the last_month
# baseline forecasts June exactly and wins the selection backtest), per cell:
FLAT = {("G01", "L01"): 6, ("G02", "P01"): 3, ("G03", "E01"): 1}
# households: G01 4, G02 2, G03 1 (+ one moved out before T, not counted)


def _street(engine) -> Builder:
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C01")
    b.grid("G03", community="C02")
    for grid, n in (("G01", 4), ("G02", 2), ("G03", 1)):
        for i in range(n):
            b.household(f"H{grid}{i}", grid=grid)
    b.household("HG03X", grid="G03", moved_out_on=date(2026, 5, 1))
    rows = []
    for (grid, sub), n in FLAT.items():
        for month in (2, 3, 4, 5):
            rows += [
                {
                    "household": f"H{grid}0",
                    "received_at": at(2026, month, 10, 9),
                    "subcategory": sub,
                    "grid": grid,
                }
            ] * n
    # June before T: in the last 30 days, not in the forecast's history (June is not
    # complete); one at T exactly counts, one a second after T does not
    for when in (at(2026, 6, 3, 9), T, T + timedelta(seconds=1)):
        rows.append({"household": "HG021", "received_at": when, "subcategory": "L01"})
    # exactly 30 days before T (May 6 00:00): outside (T − 30 d, T], but a May case
    # of G01 life for the forecast (May: 7)
    rows.append({"household": "HG011", "received_at": T - timedelta(days=30)})
    b.cases(rows)
    return b


def test_heat_per_100_households_by_hand(engine):
    _street(engine)
    h = heat_service.load_heat(engine, READER, T)
    assert h.month == "2026-07"
    assert h.model == "last_month"
    assert {g.grid: g.households for g in h.grids} == {"G01": 4, "G02": 2, "G03": 1}
    allc = heat_service.CATEGORIES
    # history: (May 6, June 5]: G01 6 life; G02 3 policy + 2 life; G03 1 emergency
    assert h.grid("G01").history == {"policy": 0, "life": 6, "dispute": 0, "emergency": 0}
    assert h.grid("G02").history == {"policy": 3, "life": 2, "dispute": 0, "emergency": 0}
    rates = {g.grid: g.rate("history", allc) for g in h.grids}
    assert rates == {"G01": 6 / 4 * 100, "G02": 5 / 2 * 100, "G03": 100.0}
    assert h.grid("G02").rate("history", ("life",)) == 100.0
    # forecast of July = May's counts (last_month): G01 7 / 4 households
    fc_rates = {g.grid: g.rate("forecast", allc) for g in h.grids}
    assert fc_rates == {"G01": 175.0, "G02": 150.0, "G03": 100.0}
    assert h.grid("G02").rate("forecast", ("life",)) == 0.0
    # 12 cells -> K = 2: G01 life (7), G02 policy (3)
    assert [(s.grid, s.category, s.forecast, s.per_100) for s in h.hot_spots] == [
        ("G01", "life", 7.0, 175.0),
        ("G02", "policy", 3.0, 150.0),
    ]


def test_a_grid_without_households_has_no_rate():
    assert heat_service.per_100(3, 0) is None
    assert heat_service.per_100(3, 4) == 75.0


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _remote(page: str) -> list[str]:
    """Every src/href and CSS url( ) of the page that leaves the machine."""
    parser = _Refs()
    parser.feed(page)
    refs = parser.refs + re.findall(r"url\(\s*['\"]?([^'\")]+)", page)
    return [r for r in refs if re.match(r"\s*(https?:)?//", r)]


def _unescape(page: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def _features(page: str) -> list[dict]:
    found = re.search(r'_add\((\{"features": .*?\})\);\n', page)
    assert found is not None
    return json.loads(found.group(1))["features"]


def _export(db_url: str, out: Path, *extra: str) -> int:
    from center.cli import main

    return main(
        ["export", "map", "--db", db_url, "--as-of", T_ISO, "-o", str(out), "--lang", "zh_CN"]
        + list(extra)
    )


def test_cli_writes_an_offline_map(db_url, tmp_path, capsys):
    eng = open_database(db_url)
    try:
        _street(eng)
    finally:
        eng.dispose()
    out = tmp_path / "street.html"
    assert _export(db_url, out, "--kpi", "coverage") == 0
    assert f"已写入离线地图 {out}" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert _remote(page) == []
    assert "<script src=" not in page and "stylesheet" not in page
    assert "L.map(" in page and "Leaflet" in page  # Leaflet inlined
    for code in ("G01", "G02", "G03"):
        assert f'"code": "{code}"' in page
    assert "每百户" in page and "2026-07 预测 · 全部类别" in page
    shown = _unescape(page)  # folium writes the labels' HTML as JSON strings
    assert "★ G01 · 生活服务" in shown and "★ G02 · 政策咨询" in shown
    assert "★ G03" not in shown
    # the grids shaded in the wall's colours of the wall's KPI states
    props = {f["properties"]["code"]: f["properties"] for f in _features(page)}
    colours = street_map.palette()
    eng = open_database(db_url)
    try:
        kpis = load_kpis(eng, T)
    finally:
        eng.dispose()
    for code, p in props.items():
        g = kpis.grid(code)
        assert p["fill"] == colours[g.states["coverage"]]
        assert p["kpi"] == f"{g.values['coverage'] * 100:.1f}%"
    assert {c: (p["households"], p["cases"], p["rate"]) for c, p in props.items()} == {
        "G01": (4, "7.0", "175.0"),
        "G02": (2, "3.0", "150.0"),
        "G03": (1, "1.0", "100.0"),
    }
    # the forecast heat per 100 households of each grid in its tooltip
    assert "G02 G02网格：2026-07 预测件数 3.0，每百户 150.0" in page
    assert "G03 G03网格：2026-07 预测件数 1.0，每百户 100.0" in page
    assert "覆盖" in page or "coverage" in page

    out2 = tmp_path / "life.html"
    assert (
        _export(db_url, out2, "--kpi", "coverage", "--layer", "history", "--category", "life") == 0
    )
    page = out2.read_text(encoding="utf-8")
    assert "近30天案件 · 生活服务" in page
    assert "G01 G01网格：近30天件数 6.0，每百户 150.0" in page
    assert "G02 G02网格：近30天件数 2.0，每百户 100.0" in page
    assert "G03 G03网格：近30天件数 0.0，每百户 0.0" in page
    assert _remote(page) == []


@pytest.mark.parametrize(
    ("extra", "name", "message"),
    [
        (["--kpi", "nope"], "x.html", "--kpi：'nope' 不是地图的指标"),
        (["--kpi", "coverage"], "x.pdf", "x.pdf：地图只能写成 .html 文件"),
        (["--kpi", "coverage", "--category", "food"], "x.html", "--category：'food' 不是类别"),
        (["--kpi", "coverage", "--layer", "past"], "x.html", "--layer：'past' 不是热力图层"),
    ],
)
def test_refusals_write_nothing(tmp_path, capsys, extra, name, message):
    db = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    out = tmp_path / name
    assert _export(db, out, *extra) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_other_export_kinds_still_need_a_file(tmp_path, capsys):
    from center.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["export", "grids", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}"])
    assert exc.value.code == 2
    assert "FILE" in capsys.readouterr().err


def test_leaflet_is_inlined_with_its_images():
    js, css = street_map.leaflet_assets()
    assert js.startswith("/* @preserve") and "sourceMappingURL" not in js
    assert "images/" not in css and "data:image/png;base64," in css


def test_the_heat_needs_a_reader_of_aggregates(engine):
    _street(engine)
    with pytest.raises(PermissionDenied):
        heat_service.load_heat(engine, Actor("x", "resident"), T)


def test_cli_logs_the_named_user_in_and_writes_nothing_on_a_bad_password(
    db_url, tmp_path, capsys, monkeypatch
):
    eng = open_database(db_url)
    try:
        _street(eng)
        account(eng, "lead", "leader")
    finally:
        eng.dispose()
    out = tmp_path / "m.html"
    monkeypatch.setenv("CENTER_PASSWORD", "wrong")
    assert _export(db_url, out, "--kpi", "coverage", "--user", "lead") == 2
    assert not out.exists()
    capsys.readouterr()
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    assert _export(db_url, out, "--kpi", "coverage", "--user", "lead") == 0
    assert out.exists()


def _plain_map(spots: tuple[street_map.HotSpotLabel, ...]) -> street_map.StreetMap:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    grids = tuple(
        street_map.MapGrid(
            code, f"{code}网格", "C01社区", square, (0.5, 0.5), state, "—", 10, n, n * 10
        )
        for code, state, n in (("G01", "ok", 4.0), ("G02", "bad", 1.0))
    )
    return street_map.StreetMap(
        title="测试街道",
        subtitle="",
        kpi_name="走访覆盖率",
        kpi_bands=(("ok", "≥ 95.0%"), ("bad", "< 85.5%")),
        heat_title="2026-07 预测 · 全部类别",
        cases_label="预测件数",
        grids=grids,
        hot_spots=spots,
        bounds=(0.0, 0.0, 1.0, 1.0),
    )


def test_a_grid_with_two_hot_categories_gets_one_label_naming_both():
    spots = (
        street_map.HotSpotLabel("G01", "生活服务", (0.5, 0.5), 3.0, 30.0),
        street_map.HotSpotLabel("G01", "应急求助", (0.5, 0.5), 1.0, 10.0),
    )
    shown = _unescape(street_map.render(_plain_map(spots)))
    assert shown.count("★ G01") == 1
    assert "★ G01 · 生活服务、应急求助" in shown
    assert "G01 · 应急求助：预测 1.0 件，每百户 10.0" in shown


def test_heat_bands_and_legend_scale_to_the_highest_rate():
    # rates 40 (G01) and 10 (G02): bands of 8 per 100 households
    page = street_map.render(_plain_map(()))
    assert "0.0 – 8.0" in page and "≥ 32.0" in page
    assert street_map.heat_band(40.0, 40.0) == 4 and street_map.heat_band(10.0, 40.0) == 1
    assert street_map.heat_band(None, 40.0) is None
    assert "★ G0" not in _unescape(page)
    colours = street_map.palette()
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in _features(page)}
    assert fills == {"G01": colours["ok"], "G02": colours["bad"]}
