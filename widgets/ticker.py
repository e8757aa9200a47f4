"""A scrolling alert ticker: coloured items separated by a diamond, right to left.

One QTimer drives the scroll while the ticker is visible and its text is wider
than the widget; otherwise the text stands still and no timer runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QElapsedTimer, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QFontMetricsF, QHideEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.theme import WALL, Palette, font

SEPARATOR = "   ◆   "
FRAME_MS = 33


class Ticker(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[tuple[str, str], ...] = ()
        self._empty_text = ""
        self._palette: Palette = WALL
        self._unit = 1.0
        self._speed = 90.0  # px per second at unit 1
        self._offset = 0.0
        self._run_width = 0.0
        self._running = True
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    # -- data ------------------------------------------------------------------

    def set_items(self, items: Sequence[tuple[str, str]]) -> None:
        """``items``: (text, state) pairs; state colours the text (ok/warn/bad/none)."""
        new = tuple(items)
        if new == self._items:
            return
        self._items = new
        self._measure()
        self._sync_timer()
        self.update()

    def items(self) -> tuple[tuple[str, str], ...]:
        return self._items

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def set_speed(self, px_per_second: float) -> None:
        self._speed = px_per_second

    def set_running(self, running: bool) -> None:
        """Stop (and rewind) or resume the scrolling."""
        self._running = running
        if not running:
            self._offset = 0.0
        self._sync_timer()
        self.update()

    def is_scrolling(self) -> bool:
        return self._timer.isActive()

    def set_palette(self, palette: Palette) -> None:
        self._palette = palette
        self.update()

    def set_unit(self, unit: float) -> None:
        self._unit = unit
        self._measure()
        self.updateGeometry()
        self._sync_timer()
        self.update()

    # -- geometry and timer ------------------------------------------------------

    def _font_px(self) -> float:
        return 26 * self._unit

    def sizeHint(self) -> QSize:
        return QSize(round(800 * self._unit), round(self._font_px() * 1.9))

    def minimumSizeHint(self) -> QSize:
        return QSize(round(100 * self._unit), round(self._font_px() * 1.9))

    def _measure(self) -> None:
        fm = QFontMetricsF(font(self._font_px()))
        self._run_width = sum(fm.horizontalAdvance(t + SEPARATOR) for t, _ in self._items)

    def _sync_timer(self) -> None:
        scroll = self._running and self.isVisible() and self._run_width > self.width()
        if scroll and not self._timer.isActive():
            self._clock.start()
            self._timer.start()
        elif not scroll and self._timer.isActive():
            self._timer.stop()
        if not scroll:
            self._offset = 0.0

    def _tick(self) -> None:
        elapsed = self._clock.restart() / 1000.0
        if self._run_width > 0:
            self._offset = (self._offset + self._speed * self._unit * elapsed) % self._run_width
        self.update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._sync_timer()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._sync_timer()

    # -- painting --------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        pal = self._palette
        f = font(self._font_px())
        p.setFont(f)
        fm = QFontMetricsF(f)
        h = float(self.height())
        if not self._items:
            p.setPen(pal.color("muted"))
            p.drawText(
                QRectF(0, 0, self.width(), h), Qt.AlignmentFlag.AlignVCenter, self._empty_text
            )
            p.end()
            return
        x = -self._offset
        limit = float(self.width())
        scrolling = self._timer.isActive()
        while x < limit:
            for text, state in self._items:
                w = fm.horizontalAdvance(text)
                if x + w > 0:
                    p.setPen(pal.state(state) if state != "none" else pal.color("text"))
                    p.drawText(QRectF(x, 0, w + 2, h), Qt.AlignmentFlag.AlignVCenter, text)
                x += w
                sep = fm.horizontalAdvance(SEPARATOR)
                if x + sep > 0:
                    p.setPen(pal.color("accent"))
                    p.drawText(QRectF(x, 0, sep + 2, h), Qt.AlignmentFlag.AlignVCenter, SEPARATOR)
                x += sep
                if x >= limit:
                    break
            if not scrolling:
                break
        p.end()
