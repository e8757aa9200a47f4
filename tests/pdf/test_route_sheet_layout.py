"""The route sheet's headings (walkthrough, issue 17): no heading wraps with a lone
character on its last line (最近见面走 / 访); the table keeps its width."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from db.types import CST
from reports.base import font_name
from reports.route_sheet import WIDTHS_MM, column_widths, header_lines, write_route_pdf

pytestmark = pytest.mark.gui  # the headings come from the workstation's translations


@pytest.fixture
def chinese_text(qapp):
    from center.windows.runtime.i18n import install_translators
    from center.windows.workstation.planning import route_sheet_text

    install_translators(qapp, "zh_CN")
    try:
        yield route_sheet_text()
    finally:
        install_translators(qapp, "en")


def _style() -> ParagraphStyle:
    return ParagraphStyle("h", fontName=font_name(), fontSize=8.5, leading=10.5)


def test_no_heading_leaves_a_character_alone(chinese_text):
    style = _style()
    headers = list(chinese_text.headers)
    assert "最近见面走访" in headers
    # the old widths did: 最近见面走 / 访
    assert header_lines("最近见面走访", 21 * mm, style) == ["最近见面走", "访"]
    widths = column_widths(headers, style)
    wrapped = {h: header_lines(h, w, style) for h, w in zip(headers, widths, strict=True)}
    assert wrapped["最近见面走访"] == ["最近见面走访"]
    assert all(len(lines[-1]) >= 2 for h, lines in wrapped.items() if len(h) > 1), wrapped
    assert sum(widths) == pytest.approx(sum(WIDTHS_MM) * mm)  # 277 mm between the margins


def test_the_pdf_prints_the_heading_on_one_line(chinese_text, tmp_path):
    staff = SimpleNamespace(grid_code="G01", grid_name="第1网格", code="S1", name="网格员")
    plan = SimpleNamespace(
        staff=staff,
        as_of=datetime(2026, 12, 7, 9, tzinfo=CST),
        counts={"overdue": 0, "due": 0},
        rows=[],
    )
    out = tmp_path / "route.pdf"
    assert write_route_pdf(plan, out, chinese_text, "测试街道") == 0  # type: ignore[arg-type]
    page = PdfReader(str(out)).pages[0].extract_text()
    assert "最近见面走访" in page


def test_no_english_heading_is_cut_inside_a_word(qapp):
    from center.windows.workstation.planning import route_sheet_text

    style = _style()
    headers = list(route_sheet_text().headers)  # no translator: English
    assert header_lines("Progress", 12 * mm, style) == ["Progr", "ess"]  # the old width
    widths = column_widths(headers, style)
    for h, w in zip(headers, widths, strict=True):
        words = set(h.split())
        assert all(t in words for line in header_lines(h, w, style) for t in line.split()), h
    assert sum(widths) == pytest.approx(sum(WIDTHS_MM) * mm)
