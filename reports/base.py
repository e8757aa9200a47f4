"""Shared machinery of the PDF reports: fonts, styles, page template, numbering, tables.

Fonts
-----
reportlab embeds TrueType (glyf) fonts, not CFF-outline OpenType (Noto Sans CJK ``.otf``).
The Chinese font is looked up once per process, first hit wins:

1. ``CENTER_REPORT_FONT``: a ``.ttf``/``.ttc`` file chosen by the administrator
   (``path`` or ``path#index`` for a subfont of a collection);
2. WenQuanYi Micro Hei shipped by the Python package ``paperang-p2-fonts-cjk`` (a
   dependency of this product, so every installation renders with the same font and
   the PDFs print identically on any machine);
3. TrueType CJK fonts of the operating system (WenQuanYi Zen Hei / Micro Hei, AR PL
   UMing, SimSun, Microsoft YaHei);
4. the built-in CID font ``STSong-Light``: not embedded (the PDF viewer substitutes
   a Song face), used only when no TrueType CJK font exists at all.

A TrueType font is embedded as a subset with a ToUnicode map, so copying text out of
the PDF gives the right characters.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from center.core.kpis import HOUR_KPIS, higher_is_better

FONT_NAME = "CenterCJK"
FONT_ENV = "CENTER_REPORT_FONT"
CID_FALLBACK = "STSong-Light"

PAGE_SIZE = A4
MARGIN_LEFT = 22 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 22 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT

RED = colors.HexColor("#C8102E")
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#5F6B7A")
HEADER_BG = colors.HexColor("#E8EEF5")
ZEBRA_BG = colors.HexColor("#F7F9FB")
GRID_LINE = colors.HexColor("#9AA7B5")
OK_GREEN = colors.HexColor("#1E7B34")
BAD_RED = colors.HexColor("#B3261E")
UNFINISHED_BG = colors.HexColor("#FDECEC")

# Ordered system locations of TrueType CJK fonts: (path, subfont index).
SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)
PACKAGED_FONT = ("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc", 0)


class ReportError(Exception):
    """A report cannot be produced; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class FontChoice:
    """The font every report uses in this process."""

    name: str  # registered reportlab font name
    path: str | None  # None for the CID fallback
    subfont: int
    embedded: bool
    source: str  # "env" | "package" | "system" | "cid"


def _packaged_font() -> tuple[str, int] | None:
    package, rel, index = PACKAGED_FONT
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        candidate = Path(base) / rel
        if candidate.is_file():
            return str(candidate), index
    return None


def _parse_env_font(value: str) -> tuple[str, int]:
    path, _, index = value.partition("#")
    if not Path(path).is_file():
        raise ReportError(f"{FONT_ENV}={value!r}: no such font file")
    try:
        return path, int(index or 0)
    except ValueError as exc:
        raise ReportError(
            f"{FONT_ENV}={value!r}: the subfont index after '#' must be a number"
        ) from exc


def _try_ttf(path: str, index: int) -> TTFont | None:
    try:
        return TTFont(FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError):
        return None


@lru_cache(maxsize=1)
def register_fonts() -> FontChoice:
    """Register the report font under :data:`FONT_NAME` (once) and say which one it is."""
    env = os.environ.get(FONT_ENV, "").strip()
    candidates: list[tuple[str, int, str]] = []
    if env:
        path, index = _parse_env_font(env)
        font = _try_ttf(path, index)
        if font is None:
            raise ReportError(
                f"{FONT_ENV}={env!r} is not a TrueType font reportlab can embed "
                "(CFF .otf fonts cannot be embedded): choose a .ttf or .ttc file"
            )
        return _register(font, path, index, "env")
    packaged = _packaged_font()
    if packaged:
        candidates.append((packaged[0], packaged[1], "package"))
    candidates.extend((p, i, "system") for p, i in SYSTEM_FONTS if Path(p).is_file())
    for path, index, source in candidates:
        font = _try_ttf(path, index)
        if font is not None:
            return _register(font, path, index, source)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    pdfmetrics.registerFontFamily(
        CID_FALLBACK,
        normal=CID_FALLBACK,
        bold=CID_FALLBACK,
        italic=CID_FALLBACK,
        boldItalic=CID_FALLBACK,
    )
    return FontChoice(CID_FALLBACK, None, 0, False, "cid")


def _register(font: TTFont, path: str, index: int, source: str) -> FontChoice:
    pdfmetrics.registerFont(font)
    # One face only: <b> and <i> map to the same face instead of failing.
    pdfmetrics.registerFontFamily(
        FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
    )
    return FontChoice(FONT_NAME, path, index, True, source)


def font_name() -> str:
    return register_fonts().name


# ---------------------------------------------------------------- number formats

DASH = "—"


def _rounded(value: Fraction, places: int = 1) -> str:
    """``value`` rounded to ``places`` decimals, ties to even (GB/T 8170-2008 数值修约).

    Exact arithmetic: for a float this equals Python's ``f"{x:.1f}"`` (what the wall
    shows); for a ratio given as a fraction it is the correct rounding of the exact
    value.
    """
    r = round(value, places)
    text = str(Decimal(r.numerator) / Decimal(r.denominator))
    return str(Decimal(text).quantize(Decimal(1).scaleb(-places)))


def fmt_pct(
    value: float | None, numerator: int | None = None, denominator: int | None = None
) -> str:
    """A ratio as a percentage with one decimal (``0.953`` → ``95.3%``).

    With a numerator and denominator the exact fraction is rounded, never a float.
    """
    if value is None:
        return DASH
    if numerator is not None and denominator:
        return _rounded(Fraction(numerator * 100, denominator)) + "%"
    return _rounded(Fraction(value * 100)) + "%"


def fmt_num(value: float | None, places: int = 1) -> str:
    """A number (hours, score) with ``places`` decimals."""
    if value is None:
        return DASH
    return _rounded(Fraction(value), places)


def fmt_hours(value: float | None) -> str:
    return DASH if value is None else f"{fmt_num(value)}小时"


def fmt_money(value: Decimal | float | None) -> str:
    """Yuan with thousands separators and two decimals."""
    if value is None:
        return DASH
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN):,}"


def fmt_date(d: date | datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_instant(dt: datetime) -> str:
    return f"{dt.year}年{dt.month}月{dt.day}日 {dt.hour:02d}:{dt.minute:02d}"


# ---------------------------------------------------------------- personal information

_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def scrub(text: str | None) -> str:
    """Free text typed by staff with identity and phone numbers masked out."""
    if not text:
        return ""
    text = _ID_RE.sub("[身份证号已隐去]", text)
    text = _PHONE_RE.sub("[电话已隐去]", text)
    return _LANDLINE_RE.sub("[电话已隐去]", text)


# ---------------------------------------------------------------- styles


@cache
def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=10.5,
        leading=16,
        textColor=INK,
        wordWrap="CJK",
        firstLineIndent=21,
        spaceAfter=4,
    )
    return {
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceBefore=6,
            spaceAfter=10,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=11,
            leading=16,
            alignment=TA_CENTER,
            firstLineIndent=0,
            textColor=MUTED,
            spaceAfter=8,
        ),
        "unfinished": ParagraphStyle(
            "unfinished",
            parent=base,
            fontSize=9.5,
            leading=14,
            firstLineIndent=0,
            textColor=RED,
            alignment=TA_CENTER,
            spaceBefore=0,
            spaceAfter=8,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontSize=13,
            leading=20,
            firstLineIndent=0,
            spaceBefore=10,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=11,
            leading=17,
            firstLineIndent=0,
            spaceBefore=6,
            spaceAfter=4,
        ),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontSize=8.5,
            leading=12,
            firstLineIndent=0,
            textColor=MUTED,
        ),
        "cell": ParagraphStyle(
            "cell",
            parent=base,
            fontSize=8.5,
            leading=11,
            firstLineIndent=0,
            spaceAfter=0,
        ),
        "cell_c": ParagraphStyle(
            "cell_c",
            parent=base,
            fontSize=8.5,
            leading=11,
            firstLineIndent=0,
            spaceAfter=0,
            alignment=TA_CENTER,
        ),
        "cell_r": ParagraphStyle(
            "cell_r",
            parent=base,
            fontSize=8.5,
            leading=11,
            firstLineIndent=0,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
        "head": ParagraphStyle(
            "head",
            parent=base,
            fontSize=8.5,
            leading=11,
            firstLineIndent=0,
            spaceAfter=0,
            alignment=TA_CENTER,
        ),
        "sign": ParagraphStyle(
            "sign",
            parent=base,
            fontSize=10.5,
            leading=13,
            spaceAfter=0,
            firstLineIndent=0,
            alignment=TA_LEFT,
        ),
        "closing": ParagraphStyle(
            "closing",
            parent=base,
            fontSize=10.5,
            leading=18,
            firstLineIndent=0,
            alignment=TA_RIGHT,
        ),
    }


def styles() -> dict[str, ParagraphStyle]:
    return _styles(font_name())


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (XML special characters escaped)."""
    return Paragraph(escape(text), styles()[style])


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- flowables


class Masthead(Flowable):
    """The red masthead of a government notice: issuing body, number, red rule."""

    def __init__(self, issuer: str, number_line: str, width: float = CONTENT_WIDTH) -> None:
        super().__init__()
        self.issuer = issuer
        self.number_line = number_line
        self.width = width
        self.size = 24.0
        while self.size > 12 and pdfmetrics.stringWidth(issuer, font_name(), self.size) > width:
            self.size -= 1
        self.height = self.size + 34

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        font = font_name()
        c.saveState()
        c.setFillColor(RED)
        c.setStrokeColor(RED)
        text = c.beginText()
        text.setFont(font, self.size)
        # fill + stroke thickens the single-weight face into a masthead weight
        text.setTextRenderMode(2)
        c.setLineWidth(0.5)
        x = (self.width - pdfmetrics.stringWidth(self.issuer, font, self.size)) / 2
        text.setTextOrigin(x, self.height - self.size)
        text.textOut(self.issuer)
        c.drawText(text)
        c.setFillColor(INK)
        c.setFont(font, 11)
        c.drawCentredString(self.width / 2, 12, self.number_line)
        c.setLineWidth(1.6)
        c.line(0, 4, self.width, 4)
        c.restoreState()


def section(text: str) -> Paragraph:
    return Paragraph(escape(text), styles()["h1"])


def subsection(text: str) -> Paragraph:
    return Paragraph(escape(text), styles()["h2"])


Cell: TypeAlias = str | Flowable


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    align: Sequence[str] | None = None,
    highlight: Callable[[int], Any] | None = None,
) -> Table:
    """A ruled table whose header row repeats on every page it breaks onto.

    ``align`` gives one of ``l``/``c``/``r`` per column (text cells wrap in CJK mode);
    ``highlight(i)`` may return a text colour for body row ``i``.
    """
    st = styles()
    align = align or ["l"] * len(header)
    cell_style = {"l": st["cell"], "c": st["cell_c"], "r": st["cell_r"]}
    if sum(widths) > CONTENT_WIDTH + 1:
        raise ValueError(
            f"table of {sum(widths):.0f} pt is wider than the text ({CONTENT_WIDTH:.0f})"
        )
    tinted: dict[tuple[str, Any], ParagraphStyle] = {}
    data: list[list[Cell]] = [[Paragraph(escape(h), st["head"]) for h in header]]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font_name()),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_LINE),
        ("BOX", (0, 0), (-1, -1), 0.8, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, row in enumerate(rows, start=1):
        colour = highlight(i - 1) if highlight else None
        cells: list[Cell] = []
        for j, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            style = cell_style[align[j]]
            if colour is not None:
                key = (style.name, colour)
                if key not in tinted:
                    tinted[key] = ParagraphStyle(f"{style.name}_hl", parent=style, textColor=colour)
                style = tinted[key]
            cells.append(Paragraph(escape(str(value)), style))
        data.append(cells)
        if i % 2 == 0:
            commands.append(("BACKGROUND", (0, i), (-1, i), ZEBRA_BG))
    table = Table(
        data,
        colWidths=list(widths),
        repeatRows=1,
        hAlign="CENTER",
        splitByRow=1,
    )
    table.setStyle(TableStyle(commands))
    return table


def signature_block(labels: Sequence[str]) -> Table:
    """Signature lines: "<label>（签字）：" over a rule, and a date, one row per signer."""
    st = styles()["sign"]
    rows = [
        [
            Paragraph(escape(f"{label}（签字）："), st),
            Paragraph("", st),
            Paragraph("____年____月____日", st),
        ]
        for label in labels
    ]
    table = Table(
        rows,
        colWidths=[CONTENT_WIDTH * 0.30, CONTENT_WIDTH * 0.34, CONTENT_WIDTH * 0.36],
        rowHeights=[30] * len(rows),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font_name()),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.5, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (2, 0), (2, -1), 0),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ]
        )
    )
    return table


# ---------------------------------------------------------------- document


@dataclass(frozen=True)
class DocHeader:
    """What every report prints in its masthead and footer."""

    issuer: str  # e.g. "XX街道敲门行动领导小组办公室"
    doc_number: str | None  # "〔2026〕3号" once approved; None for a draft
    issued_on: date
    title: str
    #: the evaluation instant and the end (exclusive) of the report's period; a report
    #: evaluated before its period ends is marked "统计期未结束" on every page
    as_of: datetime | None = None
    period_ends: datetime | None = None

    @property
    def draft(self) -> bool:
        return self.doc_number is None

    @property
    def unfinished(self) -> bool:
        return (
            self.as_of is not None
            and self.period_ends is not None
            and self.as_of < self.period_ends
        )

    @property
    def last_day(self) -> date | None:
        """The period's last day (its end is the first instant of the next period)."""
        return None if self.period_ends is None else (self.period_ends - timedelta(days=1)).date()

    @property
    def unfinished_line(self) -> str:
        """The sentence under the title of a report whose period has not ended."""
        if not self.unfinished or self.as_of is None or self.last_day is None:
            return ""
        return (
            f"统计期未结束：本文数据截至{fmt_instant(self.as_of)}，统计期至"
            f"{fmt_date(self.last_day)}结束，期末前各项数据仍会变化，不作为最终考核结果。"
        )

    @property
    def unfinished_band(self) -> str:
        """The band printed at the top of every page of such a report."""
        if not self.unfinished or self.as_of is None or self.last_day is None:
            return ""
        return (
            f"统计期未结束 · 数据截至{fmt_instant(self.as_of)} · "
            f"统计期{fmt_date(self.last_day)}结束"
        )

    @property
    def number_line(self) -> str:
        return self.doc_number if self.doc_number else "（草稿）"


def _numbered_canvas(header: DocHeader) -> type[Canvas]:
    """A canvas class that defers page output until it knows the page count."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("initialFontName", font_name())
            kwargs.setdefault("initialFontSize", 10)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            font = font_name()
            width, _height = self._pagesize
            self.saveState()
            self.setFont(font, 9)
            self.setFillColor(MUTED)
            self.drawCentredString(
                width / 2, MARGIN_BOTTOM / 2, f"第 {self._pageNumber} 页 共 {total} 页"
            )
            if self._pageNumber > 1:
                # below the band of an unfinished period, when there is one
                y = PAGE_SIZE[1] - MARGIN_TOP / 2 - (2.5 * mm if header.unfinished else 0)
                self.setFont(font, 8)
                self.drawString(MARGIN_LEFT, y, header.title)
                self.drawRightString(width - MARGIN_RIGHT, y, header.number_line)
                self.setStrokeColor(GRID_LINE)
                self.setLineWidth(0.4)
                self.line(MARGIN_LEFT, y - 3, width - MARGIN_RIGHT, y - 3)
            if header.unfinished:
                self._unfinished_band(width)
            if header.draft:
                self.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.10))
                self.setFont(font, 96)
                self.translate(width / 2, PAGE_SIZE[1] / 2)
                self.rotate(40)
                self.drawCentredString(0, -30, "草稿")
            self.restoreState()

        def _unfinished_band(self, width: float) -> None:
            """A red band in the top margin, above the running header."""
            font = font_name()
            text = header.unfinished_band
            size = 8.0
            top = PAGE_SIZE[1] - 3 * mm
            height = size + 5
            self.saveState()
            self.setFillColor(UNFINISHED_BG)
            self.setStrokeColor(RED)
            self.setLineWidth(0.6)
            self.rect(MARGIN_LEFT, top - height, width - MARGIN_LEFT - MARGIN_RIGHT, height, 1, 1)
            self.setFillColor(RED)
            self.setFont(font, size)
            self.drawCentredString(
                (MARGIN_LEFT + width - MARGIN_RIGHT) / 2, top - height + 3.6, text
            )
            self.restoreState()

    return NumberedCanvas


def build_document(
    target: str | Path | BinaryIO,
    header: DocHeader,
    story: list[Flowable],
    *,
    subject: str = "",
) -> None:
    """Lay out ``story`` on A4 pages with the running header, page numbers and watermark."""
    register_fonts()
    doc = BaseDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=header.title,
        author=header.issuer,
        subject=subject,
        creator="敲门行动指挥中心",
        producer="敲门行动指挥中心",
        invariant=1,
        initialFontName=font_name(),
        lang="zh-CN",
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_numbered_canvas(header))


def opening(header: DocHeader, addressee: str | None) -> list[Flowable]:
    """Masthead, title and addressee line of a notice."""
    out: list[Flowable] = [
        Masthead(header.issuer, header.number_line),
        Spacer(1, 10),
        Paragraph(escape(header.title), styles()["title"]),
    ]
    if header.unfinished:
        out.append(Paragraph(escape(header.unfinished_line), styles()["unfinished"]))
    if addressee:
        out.append(Paragraph(escape(addressee), styles()["plain"]))
    return out


def closing(header: DocHeader) -> list[Flowable]:
    """Issuer and date at the end of a notice."""
    st = styles()["closing"]
    return [
        Spacer(1, 14),
        Paragraph(escape(header.issuer), st),
        Paragraph(escape(fmt_date(header.issued_on)), st),
    ]


# ---------------------------------------------------------------- KPI cells


def fmt_kpi(
    key: str, value: float | None, numerator: int | None = None, denominator: int | None = None
) -> str:
    """A KPI value as printed: ``95.3%`` for ratios, ``12.5小时`` for the hour KPIs."""
    if key in HOUR_KPIS:
        return fmt_hours(value)
    return fmt_pct(value, numerator, denominator)


def fmt_target(key: str, target: float) -> str:
    """``≥95.0%`` / ``≤24.0小时``."""
    sign = "≥" if higher_is_better(key) else "≤"
    return sign + fmt_kpi(key, target)


def fmt_fraction(numerator: int | None, denominator: int | None) -> str:
    if numerator is None or denominator is None:
        return DASH
    return f"{numerator}/{denominator}"


def fmt_ok(ok: bool | None) -> str:
    return {True: "达标", False: "未达标", None: "无数据"}[ok]


def ok_colour(ok: bool | None) -> Any:
    return {True: OK_GREEN, False: BAD_RED, None: MUTED}[ok]
