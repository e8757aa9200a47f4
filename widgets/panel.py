"""A titled wall panel: dark fill, thin cyan frame with accented corners."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from widgets.theme import WALL, Palette, font


class Panel(QWidget):
    """``Panel(title)``; put the content into :meth:`body` (a QVBoxLayout)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette: Palette = WALL
        self._unit = 1.0
        self._title = QLabel(title, self)
        self._title.setObjectName("PanelTitle")
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self._title)
        self._body = QVBoxLayout()
        self._layout.addLayout(self._body, 1)
        self._apply()

    def body(self) -> QVBoxLayout:
        return self._body

    def set_title(self, title: str) -> None:
        self._title.setText(title)

    def title(self) -> str:
        return self._title.text()

    def set_palette(self, palette: Palette) -> None:
        self._palette = palette
        self._apply()

    def set_unit(self, unit: float) -> None:
        self._unit = unit
        self._apply()

    def _apply(self) -> None:
        u = self._unit
        m = round(12 * u)
        self._layout.setContentsMargins(m, round(8 * u), m, m)
        self._layout.setSpacing(round(6 * u))
        self._body.setSpacing(round(6 * u))
        self._title.setFont(font(24 * u, bold=True))
        self._title.setStyleSheet(f"color: {self._palette.accent}; background: transparent;")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self._palette
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(pal.color("accent").darker(160), 1))
        p.setBrush(pal.color("panel"))
        p.drawRect(r)
        # corner accents
        c = max(8.0, 18 * self._unit)
        p.setPen(QPen(pal.color("accent"), max(2.0, 3 * self._unit)))
        for x, y, dx, dy in (
            (r.left(), r.top(), 1, 1),
            (r.right(), r.top(), -1, 1),
            (r.left(), r.bottom(), 1, -1),
            (r.right(), r.bottom(), -1, -1),
        ):
            p.drawLine(QPointF(x, y), QPointF(x + dx * c, y))
            p.drawLine(QPointF(x, y), QPointF(x, y + dy * c))
        # underline of the title
        ty = self._title.geometry().bottom() + 2
        p.setPen(QPen(pal.color("accent").darker(200), 1))
        p.drawLine(QPointF(r.left() + c, ty), QPointF(r.right() - c, ty))
        p.setPen(Qt.PenStyle.NoPen)
        p.end()
