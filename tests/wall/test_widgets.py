"""The reusable wall widgets, painted offscreen and read back pixel by pixel."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QColor, QImage

from widgets.bars import BarRow, GroupedBars
from widgets.gauge import Gauge
from widgets.panel import Panel
from widgets.sparkline import Sparkline
from widgets.theme import WALL, load_palette, render_qss
from widgets.ticker import Ticker

pytestmark = pytest.mark.gui


def _image(widget, size: QSize) -> QImage:
    widget.resize(size)
    return widget.grab().toImage()


def _close(a: QColor, b: QColor, tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def test_palette_and_style_sheet_scale():
    pal = load_palette("wall")
    assert all(QColor(getattr(pal, f.name)).isValid() for f in fields(pal) if f.name != "series")
    mine = replace(pal, bad="#123456", none="#654321")
    assert mine.state("bad").name() == "#123456"
    assert mine.state("unknown").name() == "#654321"  # an unknown state is shown as none
    qss = render_qss("wall", mine, 2.0)
    assert 'QLabel[state="bad"] { color: #123456; }' in qss  # the palette's colours
    assert "font-size: 40px" in qss  # u20 at twice the 1080p height
    assert "$" not in qss


def test_gauge_paints_value_arc_in_state_colour_and_track_beyond(qtbot):
    g = Gauge()
    qtbot.addWidget(g)
    g.set_value(0.5, "50.0%")
    g.set_target(0.9, "Target ≥90%")
    g.set_state("bad")
    img = _image(g, QSize(300, 300))
    inside = g.arc_point(0.25).toPoint()
    beyond = g.arc_point(0.75).toPoint()
    assert _close(img.pixelColor(inside), WALL.state("bad"))
    assert _close(img.pixelColor(beyond), WALL.color("track"))
    g.set_state("ok")
    img = g.grab().toImage()
    assert _close(img.pixelColor(inside), WALL.state("ok"))
    assert (g.value(), g.text(), g.state(), g.target()) == (0.5, "50.0%", "ok", 0.9)


def test_gauge_without_value_shows_only_the_track(qtbot):
    g = Gauge()
    qtbot.addWidget(g)
    g.set_value(None, "—")
    img = _image(g, QSize(240, 240))
    assert _close(img.pixelColor(g.arc_point(0.1).toPoint()), WALL.color("track"))


def test_gauge_clamps_values_above_its_maximum(qtbot):
    g = Gauge()
    qtbot.addWidget(g)
    g.set_maximum(48.0)
    g.set_value(96.0, "96 h")
    g.set_state("bad")
    img = _image(g, QSize(260, 260))
    assert _close(img.pixelColor(g.arc_point(0.98).toPoint()), WALL.state("bad"))


def test_sparkline_draws_the_last_point_in_state_colour(qtbot):
    s = Sparkline()
    qtbot.addWidget(s)
    s.set_points([0.2, None, 0.4, 0.9])
    s.set_range(0.0, 1.0)
    s.set_state("warn")
    img = _image(s, QSize(200, 60))
    # the last point sits at the right margin, 90 % up (with 8 % padding each side)
    margin = 4
    h = 60 - 2 * margin
    lo, hi = -0.08, 1.08
    y = round(margin + h - (0.9 - lo) / (hi - lo) * h)
    assert _close(img.pixelColor(QPoint(200 - margin, y)), WALL.state("warn"), tol=30)
    assert s.points() == (0.2, None, 0.4, 0.9)


def test_ticker_scrolls_only_when_its_text_overflows(qtbot):
    t = Ticker()
    qtbot.addWidget(t)
    t.resize(400, 50)
    t.show()
    qtbot.waitExposed(t)
    t.set_items([("short", "bad")])
    assert not t.is_scrolling()
    t.set_items([(f"alert number {i}", "warn") for i in range(30)])
    assert t.is_scrolling()
    t.hide()
    assert not t.is_scrolling()
    t.show()
    assert t.is_scrolling()
    t.set_running(False)
    assert not t.is_scrolling()
    assert len(t.items()) == 30


def test_ticker_colours_items_by_state(qtbot):
    t = Ticker()
    qtbot.addWidget(t)
    t.set_running(False)
    t.set_items([("█████", "bad")])
    img = _image(t, QSize(600, 60))
    reds = sum(
        1
        for x in range(0, 120, 2)
        for y in range(10, 50, 2)
        if _close(img.pixelColor(x, y), WALL.state("bad"), tol=20)
    )
    assert reds > 20


def test_grouped_bars_scale_to_the_largest_value(qtbot):
    b = GroupedBars()
    qtbot.addWidget(b)
    b.set_series(["a"], legend=False)
    b.set_rows([BarRow("x", (100.0,)), BarRow("y", (50.0,))])
    img = _image(b, QSize(400, 100))
    series = QColor(WALL.series[0])
    # row y is half as long as row x: sample both rows at 75 % of the bar area
    row_x = [x for x in range(400) if _close(img.pixelColor(x, 25), series)]
    row_y = [x for x in range(400) if _close(img.pixelColor(x, 75), series)]
    assert row_x and row_y
    length_x = row_x[-1] - row_x[0]
    length_y = row_y[-1] - row_y[0]
    assert length_y == pytest.approx(length_x / 2, abs=3)
    assert b.rows()[1].label == "y"


def test_panel_holds_content_under_its_title(qtbot):
    p = Panel("标题")
    qtbot.addWidget(p)
    g = Gauge()
    p.body().addWidget(g)
    p.resize(300, 300)
    p.show()
    qtbot.waitExposed(p)
    assert p.title() == "标题"
    assert g.geometry().top() > 20
