"""``center snapshot wall``: the real wall rendered offscreen to a PNG.

The wall is built exactly as on the video wall, loads every part, and is grabbed
once the map page reports that it has painted the data (no fixed sleep). The map's
heat layer can be chosen (the history of the last 30 days or the next month's
forecast, per category or all), as from the wall's menu.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSize, QTimer
from PySide6.QtGui import QImage
from sqlalchemy import Engine

from center.wall.model import ALL_CATEGORIES, HEAT_CATEGORIES, HEAT_LAYERS
from center.windows.wall.controller import WallController
from center.windows.wall.view import WallView


class SnapshotError(RuntimeError):
    """The wall could not be rendered; the message says why."""


def render_wall(
    engine: Engine,
    size: QSize,
    *,
    as_of: datetime | None = None,
    map_kpi: str = "coverage",
    tile_url: str = "",
    timeout_s: float = 180.0,
    before_grab: Callable[[WallView], None] | None = None,
    heat_layer: str = "history",
    heat_category: str = ALL_CATEGORIES,
) -> QImage:
    """Render the wall at ``size`` with all data loaded and the map painted, the map
    showing ``heat_layer`` (history or forecast) of ``heat_category`` (or all)."""
    if heat_layer not in HEAT_LAYERS:
        raise SnapshotError(
            f"unknown heat layer {heat_layer!r}: expected one of {', '.join(HEAT_LAYERS)}"
        )
    if heat_category != ALL_CATEGORIES and heat_category not in HEAT_CATEGORIES:
        raise SnapshotError(
            f"unknown category {heat_category!r}: expected {ALL_CATEGORIES} or one of "
            f"{', '.join(HEAT_CATEGORIES)}"
        )
    clock = (lambda: as_of) if as_of is not None else None
    controller = WallController(engine, clock=clock, live=False, full_refresh_ms=0)
    view = WallView(controller, map_kpi=map_kpi, tile_url=tile_url)
    failures: list[str] = []
    try:
        view.ticker.set_running(False)
        # before the data: the heat part is shown in this layer when it arrives
        view.set_heat_layer(heat_layer, heat_category)
        view.resize(size)
        view.show()
        loop = QEventLoop()
        view.settled.connect(loop.quit)

        def on_problem(part: str) -> None:
            failures.append(part)
            loop.quit()

        controller.problem.connect(on_problem)
        controller.connection_changed.connect(
            lambda state: (failures.append("database"), loop.quit()) if state == "down" else None
        )
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(round(timeout_s * 1000))
        controller.start()
        if not view.is_settled() and not failures:
            loop.exec()
        timer.stop()
        if failures:
            raise SnapshotError(
                f"the wall could not load {', '.join(sorted(set(failures)))}: "
                "see the log file for details"
            )
        if not view.is_settled():
            raise SnapshotError(f"the wall did not finish painting within {timeout_s:.0f} s")
        # one more round trip through the page, so its last frame is in the widget
        mapview = view.map_panel.map
        seq = mapview.sync()
        if mapview.painted_seq() < seq:
            mapview.painted.connect(lambda s: loop.quit() if s >= seq else None)
            timer.start(10_000)
            loop.exec()
            timer.stop()
        if before_grab is not None:
            before_grab(view)
        return view.grab().toImage()
    finally:
        view.shutdown()
        controller.stop()
        view.close()
        view.deleteLater()
        # delete the web pages now, before the application and its web profile go
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def save_png(image: QImage, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise SnapshotError(f"cannot write {path}")
