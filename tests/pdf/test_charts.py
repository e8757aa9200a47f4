"""The trend charts' x axis never overlaps its labels (issue 17): a month label per
month where they fit, else the bare number, else every k-th month counted back from
the newest; the years once each in a second row, shortened to their room."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.base import CONTENT_WIDTH, font_name, register_fonts
from reports.charts import LABEL_GAP, month_labels, trend_chart


@pytest.fixture(autouse=True)
def _fonts() -> None:
    register_fonts()


def _months(first: str, n: int) -> list[str]:
    y, m = map(int, first.split("-"))
    return [f"{y + (m - 1 + i) // 12}-{(m - 1 + i) % 12 + 1:02d}" for i in range(n)]


def _rows(chart) -> dict[float, list[tuple[float, float, str]]]:
    """The x-axis labels (below the plot) by row: (left, right, text), left to right."""
    rows: dict[float, list[tuple[float, float, str]]] = {}
    for s in chart.contents:
        if isinstance(s, String) and s.y < 20 and s.textAnchor == "middle":
            w = stringWidth(s.text, s.fontName, s.fontSize)
            rows.setdefault(s.y, []).append((s.x - w / 2, s.x + w / 2, s.text))
    return {y: sorted(row) for y, row in rows.items()}


def _overlaps(row: list[tuple[float, float, str]]) -> list[tuple[str, str]]:
    return [
        (a, b)
        for (_, end, a), (start, _, b) in zip(row, row[1:], strict=False)
        if end + LABEL_GAP > start + 1e-6
    ]


def test_month_labels_step_down_as_the_room_shrinks():
    font = font_name()
    year = _months("2026-01", 12)
    wide = stringWidth("12月", font, 6) + LABEL_GAP
    assert month_labels(year, wide, font, 6) == [f"{m}月" for m in range(1, 13)]
    # too narrow for 12月: the bare numbers
    assert month_labels(year, wide - 0.5, font, 6) == [str(m) for m in range(1, 13)]
    narrow = stringWidth("12", font, 6) + LABEL_GAP
    assert month_labels(year, narrow, font, 6) == [str(m) for m in range(1, 13)]
    # every second month, then every third, counted back from the newest
    assert month_labels(year, narrow - 0.5, font, 6) == [
        "" if m % 2 else str(m) for m in range(1, 13)
    ]
    assert month_labels(year, narrow / 3, font, 6) == [
        "" if m % 3 else str(m) for m in range(1, 13)
    ]
    assert month_labels([], 10, font, 6) == []


@pytest.mark.parametrize("slot", [30.0, 16.0, 14.6, 12.0, 8.6, 8.0, 5.0, 3.0, 1.5])
@pytest.mark.parametrize("first", ["2025-01", "2025-11", "2025-12"])
def test_month_labels_never_overlap_and_keep_the_newest(slot, first):
    font = font_name()
    months = _months(first, 12)
    labels = month_labels(months, slot, font, 6)
    assert len(labels) == 12 and labels[-1] != ""
    shown = [(i, t) for i, t in enumerate(labels) if t]
    for (i, a), (j, b) in zip(shown, shown[1:], strict=False):
        half = (stringWidth(a, font, 6) + stringWidth(b, font, 6)) / 2
        assert (j - i) * slot >= half + LABEL_GAP, (slot, a, b)
    # the same spacing between every two labels shown
    assert len({j - i for (i, _), (j, _) in zip(shown, shown[1:], strict=False)}) <= 1


def test_the_monthly_notice_width_labels_every_month():
    """The report's two charts a row (reports/monthly.py) have room for 12 × N月."""
    months = _months("2025-11", 12)
    chart = trend_chart(
        [(ym, 0.5) for ym in months], target=0.9, percent=True, width=CONTENT_WIDTH / 2 - 8
    )
    rows = _rows(chart)
    assert len(rows) == 2
    month_row, year_row = rows[max(rows)], rows[min(rows)]
    assert [t for _, _, t in month_row] == [f"{int(ym[5:])}月" for ym in months]
    assert [t for _, _, t in year_row] == ["2025年", "2026年"]


@pytest.mark.parametrize("width_mm", [30, 40, 50, 60, 82, 120])
@pytest.mark.parametrize("count", [12, 24])
@pytest.mark.parametrize("first", ["2025-01", "2025-11", "2025-12"])
def test_no_label_row_overlaps_at_any_width(width_mm, count, first):
    months = _months(first, count)
    chart = trend_chart([(ym, 0.5) for ym in months], target=0.9, percent=True, width=width_mm * mm)
    rows = _rows(chart)
    assert len(rows) == 2, (width_mm, count, first)  # months, then years
    for row in rows.values():
        assert _overlaps(row) == [], (width_mm, count, first)
    month_row = rows[max(rows)]
    assert month_row[-1][2] in (f"{int(months[-1][5:])}月", str(int(months[-1][5:])))
