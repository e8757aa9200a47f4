"""The street's offline HTML map (``center export map``), generated with folium.

A single self-contained file a leader opens anywhere without a network: Leaflet's
JavaScript and CSS (the installed ``django-js-lib-leaflet`` package) are inlined,
its images as data URIs, folium's CDN assets (jQuery, Bootstrap, icons) are left out
and there is no tile layer unless the caller names a (local) one. The page shows:

* the grids shaded by a KPI in the wall's state colours (``resources/theme/wall.json``);
* a heat layer in cases per 100 households, one circle per grid, coloured by band;
* the hot spots labelled with their grid and category;
* a legend and a tooltip per grid (name, KPI value, cases, per 100 households).

The caller passes plain data (:class:`StreetMap`); nothing here reads the database.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import resources

STATES = ("ok", "warn", "bad", "none")
#: the heat bands' colours, light to dark (cases per 100 households)
HEAT_COLOURS = ("#FFE8A3", "#FFC266", "#FF8C42", "#F0502D", "#B3122E")
HEAT_BANDS = len(HEAT_COLOURS)


@dataclass(frozen=True)
class MapGrid:
    code: str
    name: str
    community: str
    geometry: dict[str, Any]  # GeoJSON geometry
    label: tuple[float, float]  # lat, lon
    state: str  # the KPI's state: ok, warn, bad or none
    kpi_text: str  # the KPI value as shown ("—" without data)
    households: int
    cases: float  # the heat layer's cases (count or forecast)
    rate: float | None  # cases per 100 households


@dataclass(frozen=True)
class HotSpotLabel:
    grid: str
    category: str  # the category's name as shown
    label: tuple[float, float]
    forecast: float
    rate: float | None


@dataclass(frozen=True)
class StreetMap:
    title: str
    subtitle: str
    kpi_name: str
    kpi_bands: tuple[tuple[str, str], ...]  # (state, text) for the legend
    heat_title: str  # e.g. "下月预测 · 全部类别"
    cases_label: str  # the tooltip's name of the heat layer's cases
    grids: tuple[MapGrid, ...]
    hot_spots: tuple[HotSpotLabel, ...]
    bounds: tuple[float, float, float, float] | None  # south, west, north, east
    tile_url: str | None = None  # a local tile server; none by default


def palette() -> dict[str, str]:
    """The wall's state colours (the same file the wall's palette reads)."""
    data = json.loads(resources.path("theme", "wall.json").read_text(encoding="utf-8"))
    return {s: str(data[s]) for s in STATES}


def leaflet_dir() -> Path:
    spec = find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package django-js-lib-leaflet is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"


def leaflet_assets() -> tuple[str, str]:
    """Leaflet's (JavaScript, CSS); the CSS's images inlined as data URIs."""
    folder = leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        image = folder / m.group(1)
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\(\s*['\"]?(images/[\w.-]+\.png)['\"]?\s*\)", inline, css)
    js = js.replace("//# sourceMappingURL=leaflet.js.map", "")
    return js, css


def heat_band(rate: float | None, top: float) -> int | None:
    """The band (0 .. HEAT_BANDS-1) of ``rate`` on a scale of 0 .. ``top``."""
    if rate is None:
        return None
    if top <= 0:
        return 0
    return min(HEAT_BANDS - 1, int(rate / top * HEAT_BANDS))


def fmt_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1f}"


def heat_legend(top: float) -> list[tuple[str, str]]:
    """(colour, text) of every heat band on a scale of 0 .. ``top``."""
    step = top / HEAT_BANDS if top > 0 else 0.0
    out = []
    for i, colour in enumerate(HEAT_COLOURS):
        lo, hi = step * i, step * (i + 1)
        text = f"≥ {lo:.1f}" if i == HEAT_BANDS - 1 else f"{lo:.1f} – {hi:.1f}"
        out.append((colour, text))
    return out


def _legend_html(m: StreetMap, colours: dict[str, str], top: float) -> str:
    esc = html.escape
    rows = [f'<div class="sm-h">{esc(m.kpi_name)}</div>']
    for state, text in m.kpi_bands:
        rows.append(
            f'<div><i class="sm-sq" style="background:{colours.get(state, colours["none"])}">'
            f"</i>{esc(text)}</div>"
        )
    rows.append(f'<div class="sm-h">{esc(m.heat_title)}</div>')
    rows.append('<div class="sm-u">每百户案件数（件/百户）</div>')
    for colour, text in heat_legend(top):
        rows.append(f'<div><i class="sm-dot" style="background:{colour}"></i>{esc(text)}</div>')
    rows.append('<div><i class="sm-hot">★</i>热点（预测前10%网格×类别）</div>')
    return (
        "<style>"
        ".sm-box{position:fixed;z-index:1000;background:rgba(10,22,40,.92);color:#E6F1FF;"
        "font:14px/1.5 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;padding:10px 14px;"
        "border-radius:6px}"
        ".sm-legend{right:12px;bottom:24px}.sm-title{left:56px;top:10px}"
        ".sm-title b{font-size:18px}.sm-h{font-weight:bold;margin-top:4px}"
        ".sm-u{color:#7FA3C8;font-size:12px}"
        ".sm-sq,.sm-dot{display:inline-block;width:14px;height:14px;margin-right:6px;"
        "vertical-align:-2px}.sm-dot{border-radius:7px}.sm-hot{color:#FFD400;"
        "font-style:normal;margin-right:6px}"
        ".sm-hot-icon{background:none;border:none}"
        ".sm-label{display:inline-block;transform:translate(-50%,-150%);"
        "background:rgba(10,22,40,.85);color:#FFD400;border:1px solid #FFD400;"
        "border-radius:4px;padding:0 4px;font:bold 11px sans-serif;white-space:nowrap}"
        ".leaflet-container{background:#0A1628}"
        "</style>"
        f'<div class="sm-box sm-title"><b>{esc(m.title)}</b><br>{esc(m.subtitle)}</div>'
        f'<div class="sm-box sm-legend">{"".join(rows)}</div>'
    )


def render(m: StreetMap) -> str:
    """The map as one self-contained HTML page."""
    import folium
    from branca.element import Element

    colours = palette()
    js, css = leaflet_assets()
    center = (
        ((m.bounds[0] + m.bounds[2]) / 2, (m.bounds[1] + m.bounds[3]) / 2)
        if m.bounds
        else (m.grids[0].label if m.grids else (0.0, 0.0))
    )
    fmap = folium.Map(
        location=list(center),
        zoom_start=15,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    # no CDN: Leaflet inline, folium's other assets (jQuery, Bootstrap, icons) unused
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    root.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
    root.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js")
    if m.tile_url:
        folium.TileLayer(tiles=m.tile_url, attr="local tiles", name="tiles").add_to(fmap)

    features = []
    for g in m.grids:
        features.append(
            {
                "type": "Feature",
                "geometry": g.geometry,
                "properties": {
                    "code": g.code,
                    "name": g.name,
                    "community": g.community,
                    "kpi": g.kpi_text,
                    "households": g.households,
                    "cases": f"{g.cases:.1f}",
                    "rate": fmt_rate(g.rate),
                    "fill": colours.get(g.state, colours["none"]),
                },
            }
        )
    kpi_layer = folium.FeatureGroup(name=m.kpi_name)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.55,
            "color": "#E6F1FF",
            "weight": 1.5,
        },
        highlight_function=lambda f: {"weight": 3, "fillOpacity": 0.75},
        tooltip=folium.GeoJsonTooltip(
            fields=["code", "name", "community", "kpi", "households", "cases", "rate"],
            aliases=[
                "网格",
                "名称",
                "社区",
                m.kpi_name,
                "户数",
                m.cases_label,
                "每百户",
            ],
        ),
    ).add_to(kpi_layer)
    kpi_layer.add_to(fmap)

    rates = [g.rate for g in m.grids if g.rate is not None]
    top = max(rates) if rates else 0.0
    heat_layer = folium.FeatureGroup(name=m.heat_title)
    for g in m.grids:
        band = heat_band(g.rate, top)
        if band is None:
            continue
        folium.CircleMarker(
            location=list(g.label),
            radius=8 + 3 * band,
            color="#0A1628",
            weight=1,
            fill=True,
            fill_color=HEAT_COLOURS[band],
            fill_opacity=0.85,
            tooltip=f"{g.code} {g.name}：{m.cases_label} {g.cases:.1f}，每百户 {fmt_rate(g.rate)}",
        ).add_to(heat_layer)
    heat_layer.add_to(fmap)

    hot_layer = folium.FeatureGroup(name="热点")
    by_grid: dict[str, list[HotSpotLabel]] = {}
    for h in m.hot_spots:  # one label per grid, its hot categories in rank order
        by_grid.setdefault(h.grid, []).append(h)
    for grid, spots in by_grid.items():
        text = f"★ {grid} · {'、'.join(h.category for h in spots)}"
        tip = "<br>".join(
            f"{h.grid} · {h.category}：预测 {h.forecast:.1f} 件，每百户 {fmt_rate(h.rate)}"
            for h in spots
        )
        folium.Marker(
            location=list(spots[0].label),
            icon=folium.DivIcon(
                html=f'<div class="sm-label">{html.escape(text)}</div>',
                icon_size=(0, 0),
                icon_anchor=(0, 0),
                class_name="sm-hot-icon",
            ),
            tooltip=tip,
        ).add_to(hot_layer)
    hot_layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if m.bounds:
        fmap.fit_bounds([[m.bounds[0], m.bounds[1]], [m.bounds[2], m.bounds[3]]])
    root.html.add_child(Element(_legend_html(m, colours, top)), name="street_legend")
    return root.render()
