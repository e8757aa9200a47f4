"""Horizontal grouped bars: one row per item, one thin bar per series.

Used for the budget (standard / funded / spent by category and by source) and
for rankings (one series). Each row carries a label, its values, and a note
(e.g. "执行 63%") coloured by a state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.theme import WALL, Palette, font


@dataclass(frozen=True)
class BarRow:
    label: str
    values: tuple[float | None, ...]
    note: str = ""
    state: str = "none"


class GroupedBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: tuple[str, ...] = ()
        self._rows: tuple[BarRow, ...] = ()
        self._maximum: float | None = None
        self._palette: Palette = WALL
        self._unit = 1.0
        self._show_legend = True
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(self, names: Sequence[str], *, legend: bool = True) -> None:
        self._series = tuple(names)
        self._show_legend = legend
        self.update()

    def set_rows(self, rows: Sequence[BarRow]) -> None:
        new = tuple(rows)
        if new != self._rows:
            self._rows = new
            self.update()

    def rows(self) -> tuple[BarRow, ...]:
        return self._rows

    def set_maximum(self, maximum: float | None) -> None:
        """Fixed scale (e.g. 100 for scores); None scales to the largest value."""
        self._maximum = maximum
        self.update()

    def set_palette(self, palette: Palette) -> None:
        self._palette = palette
        self.update()

    def set_unit(self, unit: float) -> None:
        self._unit = unit
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(round(400 * self._unit), round((len(self._rows) + 1) * 40 * self._unit))

    def minimumSizeHint(self) -> QSize:
        return QSize(round(200 * self._unit), round(80 * self._unit))

    def _series_color(self, i: int) -> QColor:
        colours = self._palette.series or (self._palette.accent,)
        return QColor(colours[i % len(colours)])

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self._palette
        u = self._unit
        text_px = 19 * u
        f = font(text_px)
        p.setFont(f)
        fm = QFontMetricsF(f)
        w = float(self.width())
        y = 0.0
        if self._show_legend and len(self._series) > 1:
            x = 0.0
            sw = text_px * 0.8
            for i, name in enumerate(self._series):
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(self._series_color(i))
                p.drawRect(QRectF(x, y + (text_px * 1.4 - sw) / 2, sw, sw))
                x += sw + 6 * u
                p.setPen(pal.color("muted"))
                tw = fm.horizontalAdvance(name)
                p.drawText(QRectF(x, y, tw + 4, text_px * 1.4), Qt.AlignmentFlag.AlignVCenter, name)
                x += tw + 18 * u
            y += text_px * 1.6
        if not self._rows:
            p.end()
            return
        row_h = (self.height() - y) / len(self._rows)
        label_w = max((fm.horizontalAdvance(r.label) for r in self._rows), default=0) + 10 * u
        note_w = max((fm.horizontalAdvance(r.note) for r in self._rows), default=0) + 10 * u
        bar_x = label_w
        bar_w = max(10.0, w - label_w - note_w)
        top = max((v for r in self._rows for v in r.values if v is not None), default=0.0)
        scale_max = self._maximum if self._maximum else (top or 1.0)
        nseries = max(1, max(len(r.values) for r in self._rows))
        for r in self._rows:
            p.setPen(pal.color("text"))
            p.drawText(QRectF(0, y, label_w, row_h), Qt.AlignmentFlag.AlignVCenter, r.label)
            inner_h = min(row_h * 0.78, nseries * 14 * u)
            bar_h = inner_h / nseries
            by = y + (row_h - inner_h) / 2
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pal.color("track"))
            p.drawRect(QRectF(bar_x, by, bar_w, inner_h))
            for i, v in enumerate(r.values):
                if v is None or v <= 0:
                    continue
                length = bar_w * min(1.0, v / scale_max)
                p.setBrush(self._series_color(i))
                p.drawRect(QRectF(bar_x, by + i * bar_h + bar_h * 0.1, length, bar_h * 0.8))
            if r.note:
                p.setPen(pal.state(r.state) if r.state != "none" else pal.color("text"))
                p.drawText(
                    QRectF(w - note_w, y, note_w, row_h),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                    r.note,
                )
            y += row_h
        p.end()
