"""The printable route sheet (走访路线单) of one grid worker: A4 landscape PDF.

One row per household in route order, with the cadence progress, who else knocked in
the last 14 days, and empty boxes for the outcome and a note. Personal information
is not printed (the sheet lists households, not residents). The Chinese font is the
reports' font (:func:`reports.base.register_fonts`). The caller passes the words
(:class:`RouteSheetText`) in the user's language, so this module needs no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from center.visits.planning import VisitPlan
from reports.base import escape, font_name

_DAY = timedelta(days=1)
_DATE_COLUMNS = (6, 8)  # due by, last met
#: 277 mm between the margins; a date column holds "2026-12-31" on one line
WIDTHS_MM = (8, 25, 40, 20, 24, 12, 21, 21, 21, 39, 22, 24)
#: the columns that give up width for a heading that would leave a character alone
_DONORS = (9, 11)  # others in 14 days, note (the address keeps its width: it must not break)
_PADDING = 12  # a cell's left and right padding (points), reportlab's default


@dataclass(frozen=True)
class RouteSheetText:
    """The sheet's words and formats in the reader's language."""

    title: str
    #: "%1 grid, %2 staff, %3 as of, %4 behind from last period, %5 due"
    meta: str
    headers: Sequence[str]  # the twelve column headings
    nobody_due: str
    when: Callable[[datetime | None], str]  # date and time
    day: Callable[[datetime | None], str]  # date
    outcome: Callable[[str], str]  # visit outcome name
    group: Callable[[str], str]  # special-group name
    cadence: Callable[[str], str]  # cadence state name
    #: printed under the table: what each state means (e.g. that a household behind
    #: since the last period still has a due date in this one)
    legend: str = ""


def header_lines(header: str, width: float, style: ParagraphStyle) -> list[str]:
    """The lines ``header`` wraps to in a column ``width`` points wide."""
    p = Paragraph(escape(header), style)
    p.wrap(width - _PADDING, 10_000)
    return [" ".join(words) for _, words in p.blPara.lines]


def _orphaned(header: str, lines: list[str]) -> bool:
    """A heading wrapped badly: its last line a lone character (最近见面走 / 访), or a
    word of letters cut in two (Progr / ess)."""
    if len(lines) < 2:
        return False
    if len(lines[-1].replace(" ", "")) < 2:
        return True
    words = set(header.split())
    return any(t not in words for line in lines for t in line.split() if t.isascii())


def column_widths(headers: Sequence[str], style: ParagraphStyle) -> list[float]:
    """:data:`WIDTHS_MM` in points, widened where a heading would leave its last
    character alone on a line; the width comes from the wide free-text columns, so
    the table keeps its total width."""
    widths = [w * mm for w in WIDTHS_MM]
    for j, header in enumerate(headers):
        if j in _DONORS:
            continue
        for _ in range(40):  # at most 40 mm more
            if not _orphaned(header, header_lines(header, widths[j], style)):
                break
            donor = max(_DONORS, key=lambda k: widths[k])
            if widths[donor] - mm < 20 * mm:
                break
            widths[j] += mm
            widths[donor] -= mm
    return widths


def write_route_pdf(plan: VisitPlan, path: Path, text: RouteSheetText, street: str = "") -> int:
    """Write the route sheet; returns the number of households on it."""
    font = font_name()
    title_style = ParagraphStyle("t", fontName=font, fontSize=15, leading=19)
    meta_style = ParagraphStyle(
        "m", fontName=font, fontSize=9, leading=12, textColor=colors.HexColor("#555555")
    )
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=10.5)
    legend_style = ParagraphStyle(
        "l", fontName=font, fontSize=8, leading=10.5, textColor=colors.HexColor("#444444")
    )
    head = ParagraphStyle("h", parent=cell, textColor=colors.white)
    s = plan.staff
    title = text.title
    meta = (
        text.meta.replace("%1", f"{s.grid_code or ''} {s.grid_name or ''}")
        .replace("%2", f"{s.code} {s.name}")
        .replace("%3", text.when(plan.as_of))
        .replace("%4", str(plan.counts["overdue"]))
        .replace("%5", str(plan.counts["due"]))
    )
    headers = list(text.headers)
    rows: list[list[object]] = [[Paragraph(escape(h), head) for h in headers]]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2F5597")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA7B5")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ]
    for i, r in enumerate(plan.rows, start=1):
        c = r.cadence
        others = "; ".join(
            f"{o.staff_name} {o.visited_at:%m-%d} {text.outcome(o.outcome)}" for o in r.others
        )
        groups = "、".join(text.group(g) for g in r.special_groups)
        values = [
            str(r.order),
            r.building,
            r.address,
            r.household_code,
            groups,
            f"{c.done}/{c.needed}",
            text.day(c.due_by - _DAY),
            text.cadence(c.state),
            text.day(c.last_met_at),
            others,
            "□ □ □",
            "",
        ]
        # dates are plain strings: a Paragraph would wrap them mid-number
        rows.append(
            [v if j in _DATE_COLUMNS else Paragraph(escape(v), cell) for j, v in enumerate(values)]
        )
        if c.state == "overdue":
            style.append(("BACKGROUND", (7, i), (7, i), colors.HexColor("#FDE2E1")))
        if r.others:
            style.append(("BACKGROUND", (9, i), (9, i), colors.HexColor("#FFF1D6")))
    table = LongTable(rows, colWidths=column_widths(headers, head), repeatRows=1)
    table.setStyle(TableStyle(style))
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    story = [
        Paragraph(escape(f"{street} {title}".strip()), title_style),
        Paragraph(escape(meta), meta_style),
        Spacer(1, 4 * mm),
        table,
    ]
    if not plan.rows:
        story.append(Paragraph(escape(text.nobody_due), cell))
    if text.legend:
        story += [Spacer(1, 3 * mm), Paragraph(escape(text.legend), legend_style)]
    doc.build(story)
    return len(plan.rows)
