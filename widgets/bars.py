"""Horizontal grouped bars: one row per item, one thin bar per series.

Used for the budget (standard / funded / spent by category and by source) and
for rankings (one series). Each row carries a label, its values, and a note
(e.g. "执行 63%") coloured by a state; optionally a text at the end of its bar.

The scale runs from a minimum (default 0) to a maximum (default: the largest value);
:meth:`GroupedBars.set_axis` sets both and draws tick marks with their labels under
the bars, so a ranking whose scores lie between 80 and 100 shows its differences on
an axis that starts at 80 and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.theme import WALL, Palette, font


@dataclass(frozen=True)
class BarRow:
    label: str
    values: tuple[float | None, ...]
    note: str = ""
    state: str = "none"
    bar_text: str = ""  # drawn at the end of the (first) bar, e.g. the score


class GroupedBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: tuple[str, ...] = ()
        self._rows: tuple[BarRow, ...] = ()
        self._maximum: float | None = None
        self._minimum = 0.0
        self._ticks: tuple[tuple[float, str], ...] = ()
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

    def set_axis(
        self, minimum: float, maximum: float, ticks: Sequence[tuple[float, str]] = ()
    ) -> None:
        """Scale from ``minimum`` to ``maximum`` with tick marks ``(value, label)``."""
        self._minimum = minimum
        self._maximum = maximum if maximum > minimum else minimum + 1.0
        self._ticks = tuple(ticks)
        self.update()

    def axis(self) -> tuple[float, float | None, tuple[tuple[float, str], ...]]:
        return self._minimum, self._maximum, self._ticks

    def bar_length(self, value: float, width: float) -> float:
        """Length of a bar of ``value`` in a bar area ``width`` wide."""
        top = max((v for r in self._rows for v in r.values if v is not None), default=0.0)
        hi = self._maximum if self._maximum else (top or 1.0)
        span = hi - self._minimum
        if span <= 0:
            return 0.0
        return width * max(0.0, min(1.0, (value - self._minimum) / span))

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
        axis_h = text_px * 1.5 if self._ticks else 0.0
        row_h = (self.height() - y - axis_h) / len(self._rows)
        label_w = max((fm.horizontalAdvance(r.label) for r in self._rows), default=0) + 10 * u
        note_w = max((fm.horizontalAdvance(r.note) for r in self._rows), default=0) + 10 * u
        bar_x = label_w
        bar_w = max(10.0, w - label_w - note_w)
        nseries = max(1, max(len(r.values) for r in self._rows))
        rows_top = y
        for r in self._rows:
            p.setPen(pal.color("text"))
            p.drawText(QRectF(0, y, label_w, row_h), Qt.AlignmentFlag.AlignVCenter, r.label)
            inner_h = min(row_h * 0.78, nseries * 14 * u * (2.0 if r.bar_text else 1.0))
            bar_h = inner_h / nseries
            by = y + (row_h - inner_h) / 2
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pal.color("track"))
            p.drawRect(QRectF(bar_x, by, bar_w, inner_h))
            first_end = bar_x
            for i, v in enumerate(r.values):
                if v is None:
                    continue
                length = self.bar_length(v, bar_w)
                if length <= 0:
                    if v <= 0 or self._minimum <= 0:
                        continue
                    length = max(2.0, 2 * u)  # below the axis start: a stub, not nothing
                p.setBrush(self._series_color(i))
                p.drawRect(QRectF(bar_x, by + i * bar_h + bar_h * 0.1, length, bar_h * 0.8))
                if i == 0:
                    first_end = bar_x + length
            if r.bar_text:
                tw = fm.horizontalAdvance(r.bar_text) + 8 * u
                box_h = bar_h * 0.8
                if first_end - bar_x >= tw + 4 * u:  # inside the bar's end, dark on colour
                    box = QRectF(first_end - tw, by + bar_h * 0.1, tw - 4 * u, box_h)
                    p.setPen(pal.color("background"))
                    align = Qt.AlignmentFlag.AlignRight
                else:  # after it
                    box = QRectF(first_end + 4 * u, by + bar_h * 0.1, tw, box_h)
                    p.setPen(pal.color("text"))
                    align = Qt.AlignmentFlag.AlignLeft
                bf = font(text_px, bold=True)
                p.setFont(bf)
                p.drawText(box, align | Qt.AlignmentFlag.AlignVCenter, r.bar_text)
                p.setFont(f)
            if r.note:
                p.setPen(pal.state(r.state) if r.state != "none" else pal.color("text"))
                p.drawText(
                    QRectF(w - note_w, y, note_w, row_h),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                    r.note,
                )
            y += row_h
        if self._ticks:
            grid = pal.color("muted")
            for value, label in self._ticks:
                x = bar_x + self.bar_length(value, bar_w)
                p.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
                p.drawLine(QPointF(x, rows_top), QPointF(x, y + 3 * u))
                p.setPen(grid)
                tw = fm.horizontalAdvance(label)
                left = min(max(x - tw / 2, bar_x - tw / 2), w - tw)
                p.drawText(
                    QRectF(left, y + 2 * u, tw + 2, axis_h), Qt.AlignmentFlag.AlignTop, label
                )
        p.end()
