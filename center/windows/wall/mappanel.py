"""The live grid map panel: builds the page payloads (with translated text) for
:class:`widgets.mapview.LeafletView` from the dashboard's parts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from center.wall.model import (
    HEAT_DAYS,
    MAP_LAYERS,
    PACE,
    IncidentPart,
    KpiPart,
    MapBase,
    amber_limit,
)
from center.windows.wall import texts
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


def _value_texts(part: KpiPart, code: str, values: dict[str, float | None]) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: texts.kpi_value(k, v) if v is not None else None for k, v in values.items()
    }
    if out.get(PACE) is not None and part.pace is not None:
        try:
            behind = part.pace.grid(code).behind
        except KeyError:
            behind = 0
        out[PACE] += translate("Wall", " (%1 households behind)").replace("%1", str(behind))
    return out


def kpi_payload(part: KpiPart, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "order": list(MAP_LAYERS),
        "names": {k: texts.kpi_name(k) for k in MAP_LAYERS},
        "grids": {
            g.code: {
                "states": dict(g.states),
                "texts": _value_texts(part, g.code, dict(g.values)),
            }
            for g in part.grids
        },
    }


def legend_payload(key: str, target: float, higher: bool) -> dict[str, Any]:
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
            "kind": "heat",
            "state": "bad",
            "text": translate("Wall", "Cases, last %1 days").replace("%1", str(HEAT_DAYS)),
        }
    )
    title = texts.kpi_name(key)
    if key == PACE:
        title = translate("Wall", "Visit pace · share of households on pace")
    return {"title": title, "items": items}


def base_json(base: MapBase) -> RawJson:
    """The base payload encoded (language-independent: runs on a worker thread)."""
    return RawJson(encode(base_payload(base)))


def incidents_json(part: IncidentPart) -> RawJson:
    return RawJson(encode(incidents_payload(part)))


def incidents_payload(part: IncidentPart) -> dict[str, Any]:
    return {
        "emergencies": [
            {"code": e.code, "grid": e.grid, "lat": e.lat, "lon": e.lon} for e in part.emergencies
        ],
        "heat": [list(p) for p in part.heat],
    }


class MapPanel(Panel):
    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(translate("Wall", "Grid map"), parent)
        self.palette_ = palette
        holder = QWidget(self)
        stack = QStackedLayout(holder)
        stack.setStackingMode(QStackedLayout.StackingMode.StackAll)
        stack.setContentsMargins(0, 0, 0, 0)
        self.map = LeafletView(holder, background=palette.background)
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
        self.set_title(translate("Wall", "Grid map · %1").replace("%1", texts.kpi_name(key)))
        self.map.call("setKpi", key)
        if self._kpis is not None:
            target, higher = self._kpis.targets[key]
            self.map.call("setLegend", legend_payload(key, target, higher))

    def show_base(self, base: MapBase, prepared: RawJson | None = None) -> None:
        self.empty.setVisible(not base.grids)
        self._place_overlays()
        self.map.call("setBase", prepared or base_payload(base))

    def show_kpis(self, part: KpiPart) -> None:
        self._kpis = part
        self.map.call("setKpis", kpi_payload(part, self._key))
        self.set_kpi(self._key)

    def show_incidents(self, part: IncidentPart, prepared: RawJson | None = None) -> None:
        self.map.call("setIncidents", prepared or incidents_payload(part))

    def focus(self, codes: list[str] | None, caption: str = "") -> None:
        self._focus = {"mode": "grids", "codes": codes} if codes else {"mode": "street"}
        self.map.call("focus", self._focus)
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        self._place_overlays()
