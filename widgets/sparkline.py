"""A small trend line (e.g. 12 months of a KPI) with the target as a dashed line.

Missing values (None) break the line. The last point is marked with a dot in the
state colour. Painted with QPainter; the points are kept as plain floats.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.theme import WALL, Palette


class Sparkline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: tuple[float | None, ...] = ()
        self._target: float | None = None
        self._state = "none"
        self._palette: Palette = WALL
        self._unit = 1.0
        self._lo: float | None = None
        self._hi: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_points(self, points: Sequence[float | None]) -> None:
        pts = tuple(points)
        if pts != self._points:
            self._points = pts
            self.update()

    def points(self) -> tuple[float | None, ...]:
        return self._points

    def set_target(self, target: float | None) -> None:
        self._target = target
        self.update()

    def set_state(self, state: str) -> None:
        self._state = state
        self.update()

    def set_range(self, lo: float | None, hi: float | None) -> None:
        """Fix the vertical range (default: the data and the target)."""
        self._lo, self._hi = lo, hi
        self.update()

    def set_palette(self, palette: Palette) -> None:
        self._palette = palette
        self.update()

    def set_unit(self, unit: float) -> None:
        self._unit = unit
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(round(160 * self._unit), round(36 * self._unit))

    def minimumSizeHint(self) -> QSize:
        return QSize(round(60 * self._unit), round(20 * self._unit))

    def _bounds(self) -> tuple[float, float]:
        values = [v for v in self._points if v is not None]
        if self._target is not None:
            values.append(self._target)
        lo = self._lo if self._lo is not None else min(values, default=0.0)
        hi = self._hi if self._hi is not None else max(values, default=1.0)
        if hi - lo < 1e-9:
            lo, hi = lo - 0.5, hi + 0.5
        pad = (hi - lo) * 0.08
        return lo - pad, hi + pad

    def paintEvent(self, event: QPaintEvent) -> None:
        n = len(self._points)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self._palette
        margin = max(3.0, 4 * self._unit)
        w = self.width() - 2 * margin
        h = self.height() - 2 * margin
        lo, hi = self._bounds()

        def y_of(v: float) -> float:
            return margin + h - (v - lo) / (hi - lo) * h

        def x_of(i: int) -> float:
            return margin + (w * i / (n - 1) if n > 1 else w)

        if self._target is not None:
            pen = QPen(pal.color("muted"), max(1.0, 1.5 * self._unit), Qt.PenStyle.DashLine)
            p.setPen(pen)
            ty = y_of(self._target)
            p.drawLine(QPointF(margin, ty), QPointF(margin + w, ty))
        if n:
            path = QPainterPath()
            drawing = False
            for i, v in enumerate(self._points):
                if v is None:
                    drawing = False
                    continue
                pt = QPointF(x_of(i), y_of(v))
                if drawing:
                    path.lineTo(pt)
                else:
                    path.moveTo(pt)
                    drawing = True
            p.setPen(QPen(pal.color("accent"), max(1.5, 2.5 * self._unit)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            last = self._points[-1]
            if last is not None:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(pal.state(self._state))
                rad = max(2.5, 4.5 * self._unit)
                p.drawEllipse(QPointF(x_of(n - 1), y_of(last)), rad, rad)
        p.end()
