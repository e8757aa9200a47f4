"""The live grid map panel: builds the page payloads (with translated text) for the
wall's map view (a :class:`widgets.mapview.LeafletView` on the page folium generates,
:class:`center.windows.wall.mappage.FoliumAssets`) from the
dashboard's parts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from center.wall.model import (
    ALL_CATEGORIES,
    HEAT_CATEGORIES,
    HEAT_DAYS,
    HEAT_LAYERS,
    MAP_LAYERS,
    PACE,
    HeatPart,
    IncidentPart,
    KpiPart,
    MapBase,
    amber_limit,
)
from center.windows.runtime.qtenv import web_single_process
from center.windows.wall import texts
from center.windows.wall.mappage import FoliumAssets
from widgets.mapview import LeafletView, RawJson, encode
from widgets.panel import Panel
from widgets.theme import Palette, font

translate = QCoreApplication.translate


def base_payload(base: MapBase) -> dict[str, Any]:
    return {
        "grids": [
            {
                "code": g.code,
                "name": g.name,
                "short": g.code,
                "community": g.community_name,
                "worker": g.worker,
                "geometry": g.geometry,
                "label": [g.label_lat, g.label_lon],
            }
            for g in base.grids
        ],
        "outline": base.outline,
        "bounds": [[base.bounds[0], base.bounds[1]], [base.bounds[2], base.bounds[3]]]
        if base.bounds
        else None,
    }


def _value_texts(
    part: KpiPart, code: str, values: dict[str, float | None], behind: dict[str, int] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: texts.kpi_value(k, v) if v is not None else None for k, v in values.items()
    }
    if out.get(PACE) is not None and part.pace is not None:
        if behind is None:
            behind = {g.code: g.behind for g in part.pace.grids}
        out[PACE] += translate("Wall", " (%1 households behind)").replace(
            "%1", str(behind.get(code, 0))
        )
    return out


def kpi_grids(part: KpiPart) -> dict[str, Any]:
    """Every grid's KPI states and value texts (the map's layers): what
    :func:`kpi_payload` sends, whichever layer is shown."""
    # one look-up table, not a search of the pace's grids per grid (1,200 grids of a
    # district: 1.4 M comparisons)
    behind = {g.code: g.behind for g in part.pace.grids} if part.pace is not None else {}
    return {
        g.code: {
            "states": dict(g.states),
            "texts": _value_texts(part, g.code, dict(g.values), behind),
        }
        for g in part.grids
    }


def kpi_payload(part: KpiPart, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "order": list(MAP_LAYERS),
        "names": {k: texts.kpi_name(k) for k in MAP_LAYERS},
        "grids": kpi_grids(part),
    }


def kpi_grids_json(part: KpiPart) -> RawJson:
    """:func:`kpi_grids` encoded (on a worker thread: 1,200 grids of a district are
    ~100 ms of text and JSON)."""
    return RawJson(encode_in_chunks(kpi_grids(part)))


def kpi_payload_json(part: KpiPart, key: str, grids: RawJson | None = None) -> RawJson:
    """:func:`kpi_payload` encoded, the grids' part from ``grids`` (encoded before,
    :func:`kpi_grids_json`) when given: the same text as ``encode(kpi_payload(...))``."""
    head = encode(
        {"key": key, "order": list(MAP_LAYERS), "names": {k: texts.kpi_name(k) for k in MAP_LAYERS}}
    )
    body = (grids or kpi_grids_json(part)).text
    return RawJson(f'{head[:-1]},"grids":{body}}}')


# the heat ramp of the map page (wall_map.js): low, middle, high
HEAT_RAMP = ("#2ec7ff", "#f5e663", "#ff4d4f")
HOT_SPOTS_LISTED = 5  # hot spots named on the lagging page


def category_name(key: str) -> str:
    """A category of taxonomy.md (or all of them) as the wall names it."""
    names = {
        "policy": translate("Wall", "Policy consultation"),
        "life": translate("Wall", "Life services"),
        "dispute": translate("Wall", "Dispute mediation"),
        "emergency": translate("Wall", "Emergency help"),
        ALL_CATEGORIES: translate("Wall", "All categories"),
    }
    return names[key]


def category_short(key: str) -> str:
    """A category's short name for the hot-spot tags on the map."""
    names = {
        "policy": translate("Wall", "Policy"),
        "life": translate("Wall", "Life"),
        "dispute": translate("Wall", "Dispute"),
        "emergency": translate("Wall", "Emergency"),
    }
    return names[key]


def layer_name(layer: str) -> str:
    return {
        "history": translate("Wall", "Cases, last %1 days").replace("%1", str(HEAT_DAYS)),
        "forecast": translate("Wall", "Forecast, next month"),
    }[layer]


def rate_text(rate: float) -> str:
    """Cases per 100 households, one decimal ("3.2/百户")."""
    return translate("Wall", "%1/100 households").replace("%1", f"{rate:.1f}")


def hot_spot_text(grid: str, category: str, rate: float | None) -> str:
    text = f"{grid} {category_name(category)}"
    return f"{text} {rate_text(rate)}" if rate is not None else text


def hot_spots_line(part: HeatPart) -> str:
    """The lagging page's line naming the forecast's hot spots, the first
    :data:`HOT_SPOTS_LISTED` of them (empty without a forecast)."""
    if not part.hot_spots:
        return ""
    named = [hot_spot_text(h.grid, h.category, h.per_100) for h in part.hot_spots]
    text = "、".join(named[:HOT_SPOTS_LISTED])
    if len(named) > HOT_SPOTS_LISTED:
        text += translate("Wall", " … (%1 in all)").replace("%1", str(len(named)))
    return translate("Wall", "Forecast hot spots: %1").replace("%1", text)


def heat_bands(low: float, top: float) -> list[tuple[str, float, float]]:
    """Three equal bands of the layer's rates, ``low`` .. ``top``, with the ramp's
    colours."""
    step = (top - low) / 3
    return [(HEAT_RAMP[i], low + step * i, low + step * (i + 1)) for i in range(3)]


def heat_band(rate: float, low: float, top: float) -> int:
    """The band (0, 1, 2) of ``rate`` among :func:`heat_bands` (the top band includes
    its upper end; all rates equal: the lowest band)."""
    if top <= low:
        return 0
    return min(2, int((rate - low) / (top - low) * 3))


def heat_payload(part: HeatPart | None, layer: str, category: str) -> dict[str, Any]:
    """The per-grid rates of one heat layer and category (cases per 100 households),
    each grid's colour on the ramp, and the hot spots the layer labels (the forecast
    layer's, of the shown category)."""
    return _heat_payload(part, layer, category)[0]


def _heat_payload(
    part: HeatPart | None, layer: str, category: str
) -> tuple[dict[str, Any], tuple[float, float]]:
    """:func:`heat_payload` and the lowest and highest rate of the layer."""
    if part is None:
        empty = {"layer": layer, "category": category, "grids": {}, "hot": [], "density": True}
        return empty, (0.0, 0.0)
    rates = part.rates(layer, category)
    known = [r for r in rates.values() if r is not None]
    low, top = min(known, default=0.0), max(known, default=0.0)
    grids: dict[str, Any] = {}
    for code, rate in rates.items():
        if rate is None:
            continue
        share = rate / top if top > 0 else 0.0  # the circle's size
        colour = HEAT_RAMP[heat_band(rate, low, top)]
        grids[code] = {
            "rate": round(rate, 3),
            "share": round(share, 4),
            "colour": colour,
            "text": rate_text(rate),
        }
    payload = {
        "layer": layer,
        "category": category,
        "grids": grids,
        "hot": hot_tags(part, layer, category),
        "title": f"{layer_name(layer)} · {category_name(category)}",
        # the households' case density (the history of all categories) shows with it
        "density": layer == "history" and category == ALL_CATEGORIES,
    }
    return payload, (low, top)


def shown_heat(part: HeatPart | None, layer: str) -> HeatPart | None:
    """The heat part for ``layer``: none for the forecast layer while the forecast is
    still being computed (an empty layer, not one of zeros)."""
    if part is not None and layer == "forecast" and not part.has_forecast:
        return None
    return part


@dataclass(frozen=True)
class HeatLayer:
    """One heat layer and category of a heat part, ready for the page: the encoded
    :func:`heat_payload` and the lowest and highest rate (the legend's bands)."""

    payload: RawJson
    low: float
    top: float


def heat_layer(part: HeatPart | None, layer: str, category: str) -> HeatLayer:
    """The layer ``layer`` of ``category`` as the map shows it (:func:`shown_heat`)."""
    payload, (low, top) = _heat_payload(shown_heat(part, layer), layer, category)
    return HeatLayer(RawJson(encode_in_chunks(payload)), low, top)


#: the heat layer a wall shows unless someone picks another one
DEFAULT_HEAT = ("history", ALL_CATEGORIES)


def heat_layers(
    part: HeatPart, wanted: Iterable[tuple[str, str]] = ()
) -> dict[tuple[str, str], HeatLayer]:
    """The layers ``wanted`` (and the default one) of ``part``, on a worker thread:
    1,200 grids' rates, colours and texts are ~100 ms on the GUI thread."""
    return {sel: heat_layer(part, *sel) for sel in dict.fromkeys((DEFAULT_HEAT, *wanted))}


def hot_tags(part: HeatPart, layer: str, category: str) -> list[dict[str, str]]:
    """One tag per hot grid of the shown layer and category: its code and its hot
    categories (short names), in the hot spots' rank order (a grid ranks by its best
    cell). The page rings every tagged grid and shows the labels in this order while
    they clear the ones before them, so on a crowded view (the demo street: 48 hot
    cells of 480, on 48 of its 120 grids) the hottest are named and none is left
    unmarked."""
    hot: dict[str, list[str]] = {}  # insertion order: the rank of the grid's best cell
    if layer == "forecast":
        for h in part.hot_spots:
            if category in (ALL_CATEGORIES, h.category):
                hot.setdefault(h.grid, []).append(category_short(h.category))
    return [{"grid": g, "text": f"{g} {'·'.join(t)}"} for g, t in hot.items()]


def heat_legend_items(
    part: HeatPart | None,
    layer: str,
    category: str,
    span: tuple[float, float] | None = None,
) -> list[dict[str, str]]:
    """The legend's heat section; ``span``: the layer's lowest and highest rate when
    known (:class:`HeatLayer`), else computed from ``part``."""
    items: list[dict[str, str]] = []
    title = f"{layer_name(layer)} · {category_name(category)}"
    if part is not None and layer == "forecast":
        title = f"{translate('Wall', 'Forecast %1').replace('%1', part.month)} · " + (
            category_name(category)
        )
    items.append(
        {
            "kind": "section",
            "text": translate("Wall", "%1 (cases per 100 households)").replace("%1", title),
        }
    )
    if part is not None:
        if span is None:
            rates = [r for r in part.rates(layer, category).values() if r is not None]
            span = (min(rates, default=0.0), max(rates, default=0.0))
        for colour, lo, hi in heat_bands(*span):
            items.append({"kind": "rate", "state": colour, "text": f"{lo:.1f} – {hi:.1f}"})
        if layer == "forecast":
            items.append(
                {
                    "kind": "hot",
                    "state": "bad",
                    "text": translate("Wall", "Hot spot (top 10% of forecast cells)"),
                }
            )
    return items


def legend_payload(
    key: str,
    target: float,
    higher: bool,
    heat: list[dict[str, str]] | None = None,
    density: bool = True,
) -> dict[str, Any]:
    amber = amber_limit(target, higher)

    def fmt(v: float) -> str:
        return texts.kpi_value(key, v)

    if higher:
        bands = [
            ("ok", f"≥ {fmt(target)}"),
            ("warn", f"{fmt(amber)} – {fmt(target)}"),
            ("bad", f"< {fmt(amber)}"),
        ]
    else:
        bands = [
            ("ok", f"≤ {fmt(target)}"),
            ("warn", f"{fmt(target)} – {fmt(amber)}"),
            ("bad", f"> {fmt(amber)}"),
        ]
    items: list[dict[str, str]] = [{"state": s, "text": t} for s, t in bands]
    items.append({"state": "none", "text": translate("Wall", "No data")})
    items.append({"kind": "pulse", "state": "bad", "text": translate("Wall", "Open emergency")})
    items.append(
        {
            "kind": "overdue",
            "state": "warn",
            "text": translate("Wall", "Immediate response overdue"),
        }
    )
    if density:
        items.append(
            {
                "kind": "heat",
                "state": "bad",
                "text": translate("Wall", "Cases, last %1 days").replace("%1", str(HEAT_DAYS)),
            }
        )
    items.extend(heat or [])
    title = texts.kpi_name(key)
    if key == PACE:
        title = translate("Wall", "Visit pace · share of households on pace")
    return {"title": title, "items": items}


#: elements of a list or mapping encoded by one call of the JSON encoder
ENCODE_CHUNK = 1_000


def encode_in_chunks(value: Any) -> str:
    """``encode(value)``, the same text, with the long lists and mappings of ``value``
    (and of its mappings) encoded :data:`ENCODE_CHUNK` elements at a time.

    The C encoder holds the interpreter's lock for a whole call: on a worker thread,
    one call on a district's 48,000 heat points kept the GUI thread waiting for tens
    of milliseconds; between chunks it can run."""
    if isinstance(value, dict):
        if len(value) <= ENCODE_CHUNK and not any(
            isinstance(v, dict | list) for v in value.values()
        ):
            return encode(value)
        if len(value) > ENCODE_CHUNK:
            items = list(value.items())
            return (
                "{"
                + ",".join(
                    encode(dict(items[i : i + ENCODE_CHUNK]))[1:-1]
                    for i in range(0, len(items), ENCODE_CHUNK)
                )
                + "}"
            )
        return "{" + ",".join(f"{encode(k)}:{encode_in_chunks(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list) and len(value) > ENCODE_CHUNK:
        return (
            "["
            + ",".join(
                encode(value[i : i + ENCODE_CHUNK])[1:-1]
                for i in range(0, len(value), ENCODE_CHUNK)
            )
            + "]"
        )
    return encode(value)


def base_json(base: MapBase) -> RawJson:
    """The base payload encoded (language-independent: runs on a worker thread)."""
    return RawJson(encode_in_chunks(base_payload(base)))


def incidents_json(part: IncidentPart) -> RawJson:
    return RawJson(encode_in_chunks(incidents_payload(part)))


def incidents_payload(part: IncidentPart) -> dict[str, Any]:
    return {
        "emergencies": [
            {"code": e.code, "grid": e.grid, "lat": e.lat, "lon": e.lon} for e in part.emergencies
        ],
        "heat": [list(p) for p in part.heat],
        "immediate": [
            {"code": b.code, "grid": b.grid, "lat": b.lat, "lon": b.lon} for b in part.immediate
        ],
    }


class MapPanel(Panel):
    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(translate("Wall", "Grid map"), parent)
        self.palette_ = palette
        holder = QWidget(self)
        stack = QStackedLayout(holder)
        stack.setStackingMode(QStackedLayout.StackingMode.StackAll)
        stack.setContentsMargins(0, 0, 0, 0)
        self.map = LeafletView(holder, background=palette.background, assets=FoliumAssets.locate())
        if web_single_process():
            # the page runs in this process: a rebuild frees nothing (no renderer
            # process ends), it only churns the heap (center.windows.runtime.qtenv);
            # the wall view settles its Python heap on a timer instead
            self.map.set_rebuild_interval(0)
        self.caption = QLabel(holder)
        self.caption.setObjectName("FocusCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.caption.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.caption.hide()
        self.empty = QLabel(
            translate("Wall", "No grids yet: run `center demo` or import grids"), holder
        )
        self.empty.setObjectName("EmptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        stack.addWidget(self.map)
        self.body().addWidget(holder, 1)
        self._holder = holder
        self._focus: dict[str, Any] = {"mode": "street"}
        # the map fits its focus again once a resize settles (the lagging list showing
        # under it makes it shorter: the fit made for the taller map cut its top off)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(150)
        self._refit.timeout.connect(lambda: self.map.call("focus", self._focus))
        self._key = "coverage"
        self._kpis: KpiPart | None = None
        self._heat: HeatPart | None = None
        # the layers of ``_heat`` made so far (on a worker thread, or here once)
        self._heat_layers: dict[tuple[str, str], HeatLayer] = {}
        self._heat_layer, self._heat_category = DEFAULT_HEAT
        self.map.call(
            "setTheme",
            {
                "ok": palette.ok,
                "warn": palette.warn,
                "bad": palette.bad,
                "none": palette.none,
                "accent": palette.accent,
                "text": palette.text,
                "muted": palette.muted,
                "background": palette.background,
                "panel": palette.panel,
            },
        )
        self.map.call(
            "setTexts",
            {
                "worker": translate("Wall", "Grid worker"),
                "community": translate("Wall", "Community"),
                "noData": translate("Wall", "No data"),
            },
        )

    def shutdown(self) -> None:
        """Stop the re-fit timer and the map page."""
        self._refit.stop()
        self.map.shutdown()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place_overlays()
        self._refit.start()

    def _place_overlays(self) -> None:
        r = self._holder.rect()
        m = 12
        self.caption.adjustSize()
        self.caption.move(r.right() - self.caption.width() - m, r.top() + m)
        self.caption.raise_()
        self.empty.setGeometry(r)
        if self.empty.isVisible():
            self.empty.raise_()

    def set_unit(self, unit: float) -> None:
        super().set_unit(unit)
        self.caption.setFont(font(22 * unit, bold=True))
        self.empty.setFont(font(28 * unit))
        self.map.call("setScale", round(unit, 3))
        self._place_overlays()

    def set_tiles(self, url: str) -> None:
        self.map.call("setTiles", url or None)

    def key(self) -> str:
        return self._key

    def set_kpi(self, key: str) -> None:
        self._key = key
        self._show_title()
        self.map.call("setKpi", key)
        self._show_legend()

    def heat_caption(self) -> str:
        """The heat layer when it is not the default (the last 30 days of all
        categories), short: "2027-01预测·应急" (empty for the default)."""
        layer, category = self._heat_layer, self._heat_category
        if (layer, category) == ("history", ALL_CATEGORIES):
            return ""
        if layer == "forecast":
            month = self._heat.month if self._heat is not None else ""
            name = translate("Wall", "Forecast %1").replace("%1", month).strip()
        else:
            name = translate("Wall", "Last %1 days").replace("%1", str(HEAT_DAYS))
        short = category_name(category) if category == ALL_CATEGORIES else category_short(category)
        return f"{name}·{short}"

    def _show_title(self) -> None:
        title = translate("Wall", "Grid map · %1").replace("%1", texts.kpi_name(self._key))
        heat = self.heat_caption()
        self.set_title(f"{title} · {heat}" if heat else title)

    def _show_legend(self) -> None:
        if self._kpis is None:
            return
        target, higher = self._kpis.targets[self._key]
        layer, category = self._heat_layer, self._heat_category
        shown = self._shown_layer()
        self.map.call(
            "setLegend",
            legend_payload(
                self._key,
                target,
                higher,
                heat_legend_items(self._shown_heat(), layer, category, span=(shown.low, shown.top)),
                density=layer == "history" and category == ALL_CATEGORIES,
            ),
        )

    def heat_layer(self) -> tuple[str, str]:
        """The heat layer shown (history or forecast) and its category (or all)."""
        return self._heat_layer, self._heat_category

    def set_heat_layer(self, layer: str, category: str = ALL_CATEGORIES) -> None:
        """Show ``layer``'s rates of ``category`` (restyled in place on the page)."""
        if layer not in HEAT_LAYERS:
            raise ValueError(f"unknown heat layer {layer!r}: expected one of {HEAT_LAYERS}")
        if category != ALL_CATEGORIES and category not in HEAT_CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        self._heat_layer, self._heat_category = layer, category
        self._show_title()
        self._show_heat()

    def show_heat(
        self, part: HeatPart, prepared: Mapping[tuple[str, str], HeatLayer] | None = None
    ) -> None:
        """Show ``part``; ``prepared``: some of its layers made on a worker thread
        (:func:`heat_layers`), the others are made here when shown."""
        self._heat = part
        self._heat_layers = dict(prepared or {})
        self._show_title()
        self._show_heat()

    def _shown_heat(self) -> HeatPart | None:
        """The heat part for the layer shown (:func:`shown_heat`)."""
        return shown_heat(self._heat, self._heat_layer)

    def _shown_layer(self) -> HeatLayer:
        sel = (self._heat_layer, self._heat_category)
        made = self._heat_layers.get(sel)
        if made is None:
            made = self._heat_layers[sel] = heat_layer(self._heat, *sel)
        return made

    def _show_heat(self) -> None:
        self.map.call("setHeat", self._shown_layer().payload)
        self._show_legend()

    def show_base(self, base: MapBase, prepared: RawJson | None = None) -> None:
        self.empty.setVisible(not base.grids)
        self._place_overlays()
        self.map.call("setBase", prepared or base_payload(base))

    def show_kpis(self, part: KpiPart, grids: RawJson | None = None) -> None:
        """Show ``part``; ``grids``: its :func:`kpi_grids_json` made on a worker thread."""
        self._kpis = part
        self.map.call("setKpis", kpi_payload_json(part, self._key, grids))
        self.set_kpi(self._key)

    def show_incidents(self, part: IncidentPart, prepared: RawJson | None = None) -> None:
        self.map.call("setIncidents", prepared or incidents_payload(part))

    def focus(self, codes: list[str] | None, caption: str = "") -> None:
        self._focus = {"mode": "grids", "codes": codes} if codes else {"mode": "street"}
        self.map.call("focus", self._focus)
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        self._place_overlays()
