"""The wall map's page, generated with folium (the map library the product owner named).

folium writes the page's structure: the Leaflet map, its panes and the empty layer
groups the wall fills (grid polygons and names, the heat circles, the hot-spot marks
and labels, the emergency and overdue-immediate markers), the legend box and the
asset links. Every asset is a local file — Leaflet from the installed package
``django-js-lib-leaflet``, the product's restyle script and style sheet from
``resources/map``, the Chinese font, and Qt's built-in web channel — so the page makes
no request that leaves the machine (folium's CDN defaults, jQuery, Bootstrap and the
icon fonts, are replaced, not merely unused).

The page is the same for every street: the data arrive later through the web channel
(``wallMap.apply``) and restyle the layers in place, so a change never reloads the
page and a rebuilt page shows the same map after the replay (widgets/mapview.py).
The last script of the page hands folium's map and groups to ``wallMap.attach``
(resources/map/wall_map.js), which wires the bridge.

Names are fixed (``map``, ``feature_group_grids``…), so the page is byte-for-byte
the same on every build: the temporary file is written once and never rewritten.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl

from widgets.mapview import MapAssets

log = logging.getLogger("center.map")

#: the script Qt's web channel serves itself (no file, no network)
WEB_CHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"

#: the page's panes above Leaflet's overlay pane (400) and below its markers (600),
#: except the hot-spot labels, which stay above the markers; (name, z-index)
PANES = (("heat", 450), ("rates", 460), ("hotmarks", 470), ("hot", 640))

#: the layer groups the restyle script fills, in drawing order
GROUPS = ("grids", "labels", "rates", "hotmarks", "hot", "overdue", "emergency")


def _url(path: Path) -> str:
    return QUrl.fromLocalFile(str(path)).toString()


def build_page(assets: MapAssets) -> str:
    """The map page's HTML: folium's map with local assets and the wall's layers."""
    import folium
    from branca.element import Element, Figure, MacroElement
    from jinja2 import Template

    class WallMap(folium.Map):
        """folium's map under the element id the page always had (``#map``)."""

        def get_name(self) -> str:
            return "map"

    fmap = WallMap(
        location=(0.0, 0.0),
        zoom_start=2,
        tiles=None,  # no basemap unless an internal tile URL is configured (setTiles)
        zoom_control=False,
        attribution_control=False,
        zoom_snap=0.1,
        zoom_animation=False,
        fade_animation=False,
        marker_zoom_animation=False,
        inertia=False,
        font_size="1rem",
    )
    fmap.default_js = [
        ("leaflet", _url(assets.leaflet_js)),
        ("qwebchannel", WEB_CHANNEL_JS),
        ("wall_map", _url(assets.map_js)),
    ]
    fmap.default_css = [
        ("leaflet_css", _url(assets.leaflet_css)),
        ("wall_map_css", _url(assets.map_css)),
    ]
    root = fmap.get_root()
    assert isinstance(root, Figure)  # folium.Map puts itself in a Figure
    font = (
        f'@font-face {{ font-family: "WallSans"; src: url("{_url(assets.font)}"); }}'
        if assets.font is not None
        else ""
    )
    root.header.add_child(Element(f"<style>{font}</style>"), name="wall_font")
    for name, z in PANES:
        pane = folium.map.CustomPane(name, z_index=z, pointer_events=False)
        pane._id = name
        pane.add_to(fmap)
    groups: dict[str, Any] = {}
    for name in GROUPS:
        group = folium.FeatureGroup(name=name, control=False)
        group._id = name
        group.add_to(fmap)
        groups[name] = group
    root.html.add_child(
        Element('<div id="legend" class="wall-legend" hidden></div>'), name="wall_legend"
    )

    class Attach(MacroElement):
        """Hands folium's map and groups to the restyle script (runs last)."""

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            window.wallMap.attach({{ this._parent.get_name() }}, {
            {%- for key, group in this.groups.items() %}
              {{ key|tojson }}: {{ group.get_name() }},
            {%- endfor %}
            });
            {% endmacro %}
            """
        )

        def __init__(self, groups: dict[str, Any]) -> None:
            super().__init__()
            self._name = "Attach"
            self._id = "wall"
            self.groups = groups

    Attach(groups).add_to(fmap)
    html: str = root.render()
    return html.replace("<html>", '<html lang="zh-CN">', 1)


#: what the page is made from besides its assets' paths: a change of any of these
#: builds it anew (this file is folded in by its content)
PAGE_PACKAGES = ("folium", "branca", "jinja2")
CACHE_NAME = "wall_map_page.html"


def page_key(assets: MapAssets) -> str:
    """A digest of everything :func:`build_page` reads: this module's source, the
    versions of folium and the packages it renders with, and the asset files' paths."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in PAGE_PACKAGES:
        try:
            digest.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=?\n".encode())
    for path in (assets.leaflet_js, assets.leaflet_css, assets.map_js, assets.map_css, assets.font):
        digest.update(f"{path}\n".encode())
    return digest.hexdigest()


def cache_dir() -> Path:
    """The user cache dir (``CENTER_CACHE_DIR`` or platformdirs')."""
    env = os.environ.get("CENTER_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    from center.config import APP

    return Path(platformdirs.user_cache_dir(APP))


def cached_page(assets: MapAssets) -> str:
    """:func:`build_page`'s HTML, kept in the user cache dir under :func:`page_key`.

    Building it imports folium, branca and jinja2 (0.3–1.4 s on the GUI thread while
    the wall starts, and ~18 MB for good); the page depends on nothing but its inputs
    (it is byte-for-byte the same on every build), so a later start reads the file.
    A cache that cannot be read or written only means the page is built."""
    key = page_key(assets)
    path = cache_dir() / CACHE_NAME
    try:
        text = path.read_text(encoding="utf-8")
        head, _, html = text.partition("\n")
        if head == f"<!-- {key} -->":
            return html
    except (OSError, UnicodeDecodeError):
        pass
    html = build_page(assets)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{CACHE_NAME}.{os.getpid()}")
        tmp.write_text(f"<!-- {key} -->\n{html}", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.info("map page not cached: %s", exc)
    return html


class FoliumAssets(MapAssets):
    """The map's local files, rendered into the folium page (not the static template)."""

    def render(self) -> str:
        return cached_page(self)
