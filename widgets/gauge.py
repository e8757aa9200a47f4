"""A KPI gauge: a 240-degree arc with the value, the target mark and the colour state.

Optionally a *pace* mark: a triangle outside the arc at the value expected by now in
an unfinished period (accent colour), with its text under the target's.

Pure painter in logical coordinates: every length is a fraction of the widget's
square, fonts scale with the wall unit. Setters store plain values and call
``update()``; nothing is allocated per paint beyond the painter's own objects.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.theme import MIN_TEXT_PX, WALL, Palette, font

START_DEG = 210.0  # Qt angles: 0 = 3 o'clock, counter-clockwise positive
SPAN_DEG = 240.0


class Gauge(QWidget):
    """Shows ``value`` on a ``[0, maximum]`` arc; ``text`` is the formatted value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: float | None = None
        self._text = "—"
        self._target: float | None = None
        self._target_text = ""
        self._title = ""
        self._pace: float | None = None
        self._pace_text = ""
        self._state = "none"
        self._maximum = 1.0
        self._palette: Palette = WALL
        self._unit = 1.0
        # the value's layout, computed once per text and size (not on every paint)
        self._layout_key: tuple[object, ...] = ()
        self._layout: tuple[QRectF, float] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # -- data ------------------------------------------------------------------

    def set_value(self, value: float | None, text: str) -> None:
        if value != self._value or text != self._text:
            self._value = value
            self._text = text
            self.update()

    def set_target(self, target: float | None, text: str = "") -> None:
        self._target = target
        self._target_text = text
        self.update()

    def set_pace(self, expected: float | None, text: str = "") -> None:
        """The value expected by now (None: no pace mark) and its text."""
        self._pace = expected
        self._pace_text = text
        self.update()

    def set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.update()

    def set_title(self, title: str) -> None:
        self._title = title
        self.update()

    def set_maximum(self, maximum: float) -> None:
        self._maximum = maximum if maximum > 0 else 1.0
        self.update()

    def set_palette(self, palette: Palette) -> None:
        self._palette = palette
        self.update()

    def set_unit(self, unit: float) -> None:
        self._unit = unit
        self.updateGeometry()
        self.update()

    # read-back for tests and tools
    def value(self) -> float | None:
        return self._value

    def text(self) -> str:
        return self._text

    def state(self) -> str:
        return self._state

    def title(self) -> str:
        return self._title

    def target(self) -> float | None:
        return self._target

    def pace(self) -> float | None:
        return self._pace

    def pace_text(self) -> str:
        return self._pace_text

    def state_color(self) -> str:
        return self._palette.state(self._state).name()

    # -- geometry --------------------------------------------------------------

    def sizeHint(self) -> QSize:
        side = round(200 * self._unit)
        return QSize(side, round(side * 0.85 + 40 * self._unit))

    def minimumSizeHint(self) -> QSize:
        side = round(120 * self._unit)
        return QSize(side, side)

    def _fraction(self, value: float) -> float:
        return max(0.0, min(1.0, value / self._maximum))

    def _angle(self, fraction: float) -> float:
        return START_DEG - SPAN_DEG * fraction

    def arc_point(self, fraction: float) -> QPointF:
        """Widget coordinates of the arc's centre line at ``fraction`` (for tests)."""
        rect, _ = self._arc_rect()
        a = math.radians(self._angle(fraction))
        r = rect.width() / 2
        c = rect.center()
        return QPointF(c.x() + r * math.cos(a), c.y() - r * math.sin(a))

    def _arc_rect(self) -> tuple[QRectF, float]:
        """The arc's circle and pen width: the arc spans 1.5 radii vertically."""
        title_h = self._title_px() * 1.8 if self._title else 0.0
        w = float(self.width())
        h = max(10.0, float(self.height()) - title_h)
        r = max(4.0, min((w - 4) / 2 / 1.085, (h - 4) / 1.67))
        width = r * 0.17
        cx = w / 2
        cy = 2 + width / 2 + r
        return QRectF(cx - r, cy - r, 2 * r, 2 * r), width

    def _value_layout(self) -> tuple[QRectF, float]:
        """The value's box and font size: as large as 30 % of the arc's inner height,
        smaller where needed so that the text stays clear of the arc and of the target's
        tick (whose inner end is 0.9 pen widths inside the arc's centre line), wherever
        on the arc the tick stands."""
        key = (self._text, self.width(), self.height(), bool(self._title), self._pace_text)
        key += (self._unit,)
        if self._layout_key == key and self._layout is not None:
            return self._layout
        rect, width = self._arc_rect()
        inner = rect.adjusted(width, width, -width, -width)
        big = max(self._title_px() * 1.6, inner.height() * 0.30)
        lift = self._title_px() * 0.8 if self._pace_text else 0.0  # room for the pace line
        box = QRectF(inner.left(), inner.center().y() - big * 0.75 - lift, inner.width(), big * 1.3)
        clear = rect.width() / 2 - width * 0.9 - max(2.0, width * 0.25)
        px = big
        smallest = self._title_px()
        while px > smallest and not self._inside(self._ink(box, px), rect.center(), clear):
            px = max(smallest, px * 0.95)
        self._layout_key, self._layout = key, (box, px)
        return box, px

    def _ink(self, box: QRectF, px: float) -> QRectF:
        """Where the value's glyphs fall when drawn centred in ``box`` at ``px``."""
        fm = QFontMetricsF(font(px, bold=True))
        tight = fm.tightBoundingRect(self._text)
        left = box.center().x() - fm.horizontalAdvance(self._text) / 2
        baseline = box.top() + (box.height() - fm.height()) / 2 + fm.ascent()
        return QRectF(left + tight.left(), baseline + tight.top(), tight.width(), tight.height())

    @staticmethod
    def _inside(r: QRectF, c: QPointF, radius: float) -> bool:
        corners = (r.topLeft(), r.topRight(), r.bottomLeft(), r.bottomRight())
        return all(math.hypot(q.x() - c.x(), q.y() - c.y()) <= radius for q in corners)

    def value_text_rect(self) -> QRectF:
        """Widget coordinates of the value's glyphs (for tests)."""
        box, px = self._value_layout()
        return self._ink(box, px)

    def _title_px(self) -> float:
        return max(MIN_TEXT_PX * self._unit, 8.0)

    # -- painting --------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self._palette
        rect, width = self._arc_rect()
        start16 = round(START_DEG * 16)

        pen = QPen(pal.color("track"), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.drawArc(rect, start16, round(-SPAN_DEG * 16))

        colour = pal.state(self._state)
        if self._value is not None:
            span = SPAN_DEG * self._fraction(self._value)
            if span > 0:
                pen = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
                p.setPen(pen)
                p.drawArc(rect, start16, round(-span * 16))

        if self._target is not None:
            a = math.radians(self._angle(self._fraction(self._target)))
            c = rect.center()
            r_in = rect.width() / 2 - width * 0.9
            r_out = rect.width() / 2 + width * 0.9
            p.setPen(QPen(pal.color("text"), max(2.0, width * 0.22)))
            p.drawLine(
                QPointF(c.x() + r_in * math.cos(a), c.y() - r_in * math.sin(a)),
                QPointF(c.x() + r_out * math.cos(a), c.y() - r_out * math.sin(a)),
            )

        if self._pace is not None:
            # a triangle just outside the arc, pointing at the expected value
            a = math.radians(self._angle(self._fraction(self._pace)))
            c = rect.center()
            r_tip = rect.width() / 2 + width * 0.55
            size = max(5.0, width * 0.8)
            tip = QPointF(c.x() + r_tip * math.cos(a), c.y() - r_tip * math.sin(a))
            out = QPointF(math.cos(a), -math.sin(a))
            side = QPointF(-out.y(), out.x())
            base = tip + out * size * 1.2
            p.setPen(QPen(pal.color("background"), 1.0))
            p.setBrush(pal.color("accent"))
            p.drawPolygon(QPolygonF([tip, base + side * size * 0.7, base - side * size * 0.7]))
            p.setBrush(Qt.BrushStyle.NoBrush)

        inner = rect.adjusted(width, width, -width, -width)
        value_box, px = self._value_layout()
        p.setFont(font(px, bold=True))
        p.setPen(colour if self._value is not None else pal.color("muted"))
        p.drawText(value_box, Qt.AlignmentFlag.AlignCenter, self._text)

        small = self._title_px()
        below = value_box.bottom()
        if self._target_text:
            p.setFont(font(small))
            p.setPen(pal.color("muted"))
            box = QRectF(rect.left(), below, rect.width(), small * 1.4)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, self._target_text)
            below = box.bottom()
        if self._pace_text:
            # inside the arc: shrink the text (to 3/4 at most) rather than cross it
            text = "▲ " + self._pace_text
            px = small
            while px > small * 0.75 and QFontMetricsF(font(px)).horizontalAdvance(text) > (
                inner.width()
            ):
                px -= 0.5
            p.setFont(font(px))
            p.setPen(pal.color("accent"))
            box = QRectF(inner.left() - width, below, inner.width() + 2 * width, small * 1.4)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

        if self._title:
            tp = self._title_px()
            p.setFont(font(tp * 1.1, bold=True))
            p.setPen(pal.color("text"))
            top = rect.center().y() + rect.height() / 2 * 0.5 + width * 0.6
            box = QRectF(0, top, float(self.width()), max(tp * 1.8, self.height() - top))
            p.drawText(
                box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, self._title
            )
        p.end()
