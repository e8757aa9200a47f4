"""Charts for the reports, drawn with ``reportlab.graphics`` (vector, embedded font)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from reports.base import BAD_RED, GRID_LINE, INK, MUTED, font_name

LINE_BLUE = colors.HexColor("#1F5FA8")
BAR_BLUE = colors.HexColor("#4A7FC1")
BAR_RED = colors.HexColor("#D9534F")


def _drawing(width: float, height: float) -> Drawing:
    d = Drawing(width, height)
    # the renderer's initial state would otherwise select (and list) Helvetica
    d.initialFontName = font_name()
    return d


def _nice_step(span: float) -> float:
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _axis(
    values: Sequence[float], target: float | None, percent: bool
) -> tuple[float, float, float]:
    """(low, high, step) of the y axis; percentages stay within 0–100."""
    pool = list(values) + ([target] if target is not None else [])
    if not pool:
        return (0.0, 100.0, 25.0) if percent else (0.0, 24.0, 6.0)
    lo, hi = min(pool), max(pool)
    if percent:
        lo = max(0.0, math.floor((lo - 2) / 10) * 10)
        hi = min(100.0, math.ceil((hi + 2) / 10) * 10)
        if hi - lo < 10:
            lo = max(0.0, hi - 10)
        span = hi - lo
        for step in (2.0, 5.0, 10.0, 20.0, 25.0):
            if span / step <= 6 and span % step == 0:
                return lo, hi, step
        return lo, hi, span / 5
    hi = max(hi * 1.15, 1.0)
    step = _nice_step(hi)
    return 0.0, step * math.ceil(hi / step), step


def year_spans(points: Sequence[tuple[str, float | None]]) -> list[tuple[str, int, int]]:
    """(year, first index, last index) of each run of months of one year."""
    spans: list[tuple[str, int, int]] = []
    for i, (ym, _) in enumerate(points):
        year = ym.split("-")[0]
        if spans and spans[-1][0] == year:
            spans[-1] = (year, spans[-1][1], i)
        else:
            spans.append((year, i, i))
    return spans


def year_label(year: str, room: float, font: str, size: float) -> str:
    """The longest of ``2026年``, ``2026``, ``'26`` that fits in ``room`` points (a
    year of one or two months has little room); ``""`` when none does."""
    for text in (f"{year}年", year, f"'{year[2:]}"):
        if pdfmetrics.stringWidth(text, font, size) + 2 <= room:
            return text
    return ""


#: the least space between two labels of the x axis, in points
LABEL_GAP = 2.0


def month_labels(months: Sequence[str], slot: float, font: str, size: float) -> list[str]:
    """The x-axis label under each month (``YYYY-MM``) when each month has ``slot``
    points: ``10月`` when every label fits its slot with :data:`LABEL_GAP` to spare,
    else the bare month number, else the number of every k-th month counted back from
    the last (the newest month is always labelled) and ``""`` under the others, so
    that no two labels ever overlap however narrow the chart."""
    nums = [int(ym.split("-")[1]) for ym in months]
    for texts in ([f"{m}月" for m in nums], [str(m) for m in nums]):
        widest = max((pdfmetrics.stringWidth(t, font, size) for t in texts), default=0.0)
        if widest + LABEL_GAP <= slot:
            return texts
    step = max(1, math.ceil((widest + LABEL_GAP) / slot)) if slot > 0 else len(nums) or 1
    last = len(nums) - 1
    return [t if (last - i) % step == 0 else "" for i, t in enumerate(texts)]


def trend_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    target: float | None,
    percent: bool,
    width: float = 82 * mm,
    height: float = 48 * mm,
) -> Drawing:
    """A 12-month line: months on x (``YYYY-MM``), the KPI on y, the target dashed.

    The x axis prints each month (:func:`month_labels`: shorter, or only every k-th
    month, where the chart is too narrow for all) and, in a second row, each year
    once, centred under its months and set apart from the next year by a tick (never
    one label per month, which would overlap; :func:`year_label` shortens it to fit).

    Ratios are plotted as percentages; a month without a value leaves a gap.
    """
    font = font_name()
    scale = 100.0 if percent else 1.0
    values = [None if v is None else v * scale for _, v in points]
    tgt = None if target is None else target * scale
    lo, hi, step = _axis([v for v in values if v is not None], tgt, percent)
    d = _drawing(width, height)
    left, right, bottom, top = 26.0, 6.0, 20.0, 6.0
    pw, ph = width - left - right, height - bottom - top
    n = max(len(points), 1)

    def x_at(i: int) -> float:
        return left + pw * (i + 0.5) / n

    def y_at(v: float) -> float:
        return bottom + ph * (min(max(v, lo), hi) - lo) / (hi - lo)

    tick = lo
    while tick <= hi + 1e-9:
        y = y_at(tick)
        d.add(Line(left, y, left + pw, y, strokeColor=GRID_LINE, strokeWidth=0.3))
        label = f"{tick:g}%" if percent else f"{tick:g}"
        d.add(
            String(
                left - 3,
                y - 2.5,
                label,
                fontName=font,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
        tick += step
    d.add(Line(left, bottom, left + pw, bottom, strokeColor=INK, strokeWidth=0.6))
    labels = month_labels([ym for ym, _ in points], pw / n, font, 6)
    for i, text in enumerate(labels):
        if not text:
            continue
        d.add(
            String(
                x_at(i),
                bottom - 8,
                text,
                fontName=font,
                fontSize=6,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    for year, first, last in year_spans(points):
        x0, x1 = left + pw * first / n, left + pw * (last + 1) / n
        if first > 0:  # a tick between December and January
            d.add(Line(x0, bottom - 2, x0, bottom - 18, strokeColor=GRID_LINE, strokeWidth=0.5))
        label = year_label(year, x1 - x0, font, 6)
        if label:
            d.add(
                String(
                    (x0 + x1) / 2,
                    bottom - 16,
                    label,
                    fontName=font,
                    fontSize=6,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
    if tgt is not None:
        y = y_at(tgt)
        d.add(
            Line(
                left, y, left + pw, y, strokeColor=BAD_RED, strokeWidth=0.8, strokeDashArray=[3, 2]
            )
        )
    run: list[float] = []
    runs: list[list[float]] = []
    for i, v in enumerate(values):
        if v is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.extend([x_at(i), y_at(v)])
    if run:
        runs.append(run)
    for r in runs:
        if len(r) >= 4:
            d.add(PolyLine(r, strokeColor=LINE_BLUE, strokeWidth=1.4))
        for k in range(0, len(r), 2):
            d.add(Circle(r[k], r[k + 1], 1.6, fillColor=LINE_BLUE, strokeColor=LINE_BLUE))
    return d


def execution_bars(
    labels: Sequence[str],
    rates: Sequence[float | None],
    rate_texts: Sequence[str],
    *,
    width: float = 82 * mm,
    height: float = 40 * mm,
) -> Drawing:
    """Horizontal bars of execution rates (spent ÷ funded) in percent; over 100% in red.

    ``rate_texts`` are the labels printed at the bars, formatted like the tables.
    """
    font = font_name()
    d = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62, 10
    chart.width, chart.height = width - 80, height - 18
    chart.data = [[0.0 if r is None else r * 100 for r in rates]]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.reverseDirection = 1
    top = max([100.0] + [0.0 if r is None else r * 100 for r in rates])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = math.ceil(top / 25) * 25
    chart.valueAxis.valueStep = 25
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = BAR_BLUE
    chart.bars[0].strokeColor = None
    for i, r in enumerate(rates):
        if r is not None and r > 1:
            chart.bars[(0, i)].fillColor = BAR_RED
    chart.barLabelFormat = "values"
    chart.barLabelArray = [list(rate_texts)]
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    d.add(chart)
    d.hAlign = "CENTER"
    return d
