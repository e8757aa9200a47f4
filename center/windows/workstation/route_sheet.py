"""The printable route sheet (走访路线单) of one grid worker: A4 landscape PDF.

One row per household in route order, with the cadence progress, who else knocked in
the last 14 days, and empty boxes for the outcome and a note. Personal information
is not printed (the sheet lists households, not residents). The Chinese font is the
reports' font (:func:`reports.base.register_fonts`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from center.services.visits import VisitPlan
from center.windows.workstation import texts as tx
from reports.base import escape, font_name

translate = QCoreApplication.translate
_DAY = timedelta(days=1)


def write_route_pdf(plan: VisitPlan, path: Path, street: str = "") -> int:
    """Write the route sheet; returns the number of households on it."""
    font = font_name()
    title_style = ParagraphStyle("t", fontName=font, fontSize=15, leading=19)
    meta_style = ParagraphStyle(
        "m", fontName=font, fontSize=9, leading=12, textColor=colors.HexColor("#555555")
    )
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("h", parent=cell, textColor=colors.white)
    s = plan.staff
    title = translate("Workstation", "Visit route sheet")
    meta = (
        translate("Workstation", "Grid %1 · %2 · as of %3 · overdue %4, due %5")
        .replace("%1", f"{s.grid_code or ''} {s.grid_name or ''}")
        .replace("%2", f"{s.code} {s.name}")
        .replace("%3", tx.when(plan.as_of))
        .replace("%4", str(plan.counts["overdue"]))
        .replace("%5", str(plan.counts["due"]))
    )
    headers = [
        "#",
        translate("Workstation", "Building"),
        translate("Workstation", "Address"),
        translate("Workstation", "Household"),
        translate("Workstation", "Special groups"),
        translate("Workstation", "Progress"),
        translate("Workstation", "Due by"),
        translate("Workstation", "State"),
        translate("Workstation", "Last met"),
        translate("Workstation", "Others, last 14 days"),
        translate("Workstation", "Met / not home / refused"),
        translate("Workstation", "Note"),
    ]
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
            f"{o.staff_name} {o.visited_at:%m-%d} {tx.name(tx.OUTCOME_NAMES, o.outcome)}"
            for o in r.others
        )
        groups = "、".join(tx.name(tx.GROUP_NAMES, g) for g in r.special_groups)
        values = [
            str(r.order),
            r.building,
            r.address,
            r.household_code,
            groups,
            f"{c.done}/{c.needed}",
            tx.day(c.due_by - _DAY),
            tx.name(tx.CADENCE_NAMES, c.state),
            tx.day(c.last_met_at),
            others,
            "□ □ □",
            "",
        ]
        rows.append([Paragraph(escape(v), cell) for v in values])
        if c.state == "overdue":
            style.append(("BACKGROUND", (7, i), (7, i), colors.HexColor("#FDE2E1")))
        if r.others:
            style.append(("BACKGROUND", (9, i), (9, i), colors.HexColor("#FFF1D6")))
    widths = [8, 26, 46, 20, 24, 12, 19, 14, 19, 40, 22, 27]
    table = LongTable(rows, colWidths=[w * mm for w in widths], repeatRows=1)
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
        story.append(Paragraph(escape(translate("Workstation", "No household is due.")), cell))
    doc.build(story)
    return len(plan.rows)
