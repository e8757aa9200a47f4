"""The wall's panels: header, KPI column, map, joint meetings, budget, ranking, ticker.

Each panel has ``set_unit(unit)`` (pixels per pixel of a 1080-pixel-high wall) and
``show_*`` slots that take the dashboard's dataclasses; none touches the database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from center.office.meetings import COLUMNS
from center.wall.model import (
    HEADLINE_KPIS,
    SECONDARY_KPIS,
    BudgetPart,
    KpiPace,
    KpiPart,
    KpiTile,
    MeetingPart,
    RankingPart,
    TrendPart,
    trend_points,
)
from center.windows.wall import texts
from db.types import CST, to_local
from widgets.bars import BarRow, GroupedBars
from widgets.gauge import Gauge
from widgets.panel import Panel
from widgets.sparkline import Sparkline
from widgets.theme import WALL, Palette, font

translate = QCoreApplication.translate


def set_state(label: QLabel, state: str) -> None:
    """Colour a label by a KPI state through the style sheet."""
    if label.property("state") == state:
        return
    label.setProperty("state", state)
    label.style().unpolish(label)
    label.style().polish(label)


def _label(text: str = "", role: str = "", parent: QWidget | None = None) -> QLabel:
    lab = QLabel(text, parent)
    if role:
        lab.setProperty("role", role)
    return lab


# ---------------------------------------------------------------------------
# Header


class HeaderBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _label("", "title")
        self.period = _label("", "period")
        self.banner = QLabel(self)
        self.banner.setObjectName("OutageBanner")
        self.banner.hide()
        self.updated = _label("", "muted")
        self.connection = _label("")
        self.clock = _label("", "clock")
        lay = QHBoxLayout(self)
        lay.addWidget(self.title)
        lay.addSpacing(24)
        lay.addWidget(self.period)
        lay.addStretch(1)
        lay.addWidget(self.banner)
        lay.addSpacing(24)
        lay.addWidget(self.updated)
        lay.addSpacing(24)
        lay.addWidget(self.connection)
        lay.addSpacing(24)
        lay.addWidget(self.clock)
        self._lay = lay

    def set_unit(self, unit: float) -> None:
        m = round(16 * unit)
        self._lay.setContentsMargins(m, round(6 * unit), m, round(6 * unit))
        self.title.setFont(font(34 * unit, bold=True))
        self.period.setFont(font(24 * unit, bold=True))
        self.clock.setFont(font(30 * unit, bold=True))
        for lab in (self.updated, self.connection):
            lab.setFont(font(20 * unit))
        self.banner.setFont(font(24 * unit, bold=True))

    def set_street(self, street: str | None) -> None:
        name = translate("Wall", "Door-knocking Command Center")
        self.title.setText(f"{street} · {name}" if street else name)

    def set_period(self, text: str) -> None:
        """The KPI period and how far into it we are (:func:`texts.period_progress`)."""
        self.period.setText(text)

    def set_clock(self, now: datetime) -> None:
        self.clock.setText(texts.clock_time(now))

    def set_updated(self, at: datetime | None) -> None:
        if at is None:
            self.updated.setText(translate("Wall", "Waiting for data…"))
        else:
            self.updated.setText(
                translate("Wall", "Data updated at %1").replace("%1", texts.clock_time(at))
            )

    def set_connection(self, state: str, since: datetime | None) -> None:
        if state == "live":
            self.connection.setText("● " + translate("Wall", "Live"))
            set_state(self.connection, "ok")
        elif state == "down":
            self.connection.setText("● " + translate("Wall", "Offline"))
            set_state(self.connection, "bad")
        else:
            self.connection.setText("● " + translate("Wall", "Connecting…"))
            set_state(self.connection, "warn")
        if state == "down":
            when = since.strftime("%H:%M") if since else "--:--"
            self.banner.setText(
                translate("Wall", "Data feed interrupted since %1").replace("%1", when)
            )
            self.banner.show()
        else:
            self.banner.hide()


# ---------------------------------------------------------------------------
# KPIs


class KpiCard(QWidget):
    """A headline KPI: gauge with target, 12-month sparkline underneath."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.gauge = Gauge(self)
        self.spark = Sparkline(self)
        self.gauge.set_title(texts.kpi_name(key))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.gauge, 5)
        lay.addWidget(self.spark, 1)

    def set_unit(self, unit: float) -> None:
        self.gauge.set_unit(unit)
        self.spark.set_unit(unit)

    def show_tile(
        self, tile: KpiTile, points: list[float | None], pace: KpiPace | None = None
    ) -> None:
        """The tile; with ``pace`` (a cadence KPI in its unfinished month) the arc is
        coloured by the value against the value due by now, marked on the arc."""
        hours = self.key in texts.HOUR_KPIS
        self.gauge.set_maximum(max(48.0, (tile.value or 0) * 1.2) if hours else 1.0)
        self.gauge.set_value(tile.value, texts.kpi_value(self.key, tile.value))
        self.gauge.set_target(
            tile.target, texts.kpi_target(self.key, tile.target, tile.higher_is_better)
        )
        if pace is not None:
            self.gauge.set_pace(pace.expected, texts.pace_text(pace.expected))
        else:
            self.gauge.set_pace(None)
        self.gauge.set_state(pace.state if pace is not None else tile.state)
        self.spark.set_target(tile.target)
        self.spark.set_state(tile.state)
        self.spark.set_points(points)


class KpiRow(QWidget):
    """A secondary KPI: name and target on the left, value and sparkline on the right."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.name = _label(texts.kpi_name(key))
        self.target = _label("", "muted")
        self.pace = _label("", "pace")  # the value due by now (cadence KPIs)
        self.pace.hide()
        self.value = _label("—")
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.spark = Sparkline(self)
        left = QVBoxLayout()
        left.setSpacing(0)
        left.addWidget(self.name)
        left.addWidget(self.target)
        left.addWidget(self.pace)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(left, 5)
        lay.addWidget(self.value, 3)
        lay.addWidget(self.spark, 3)

    def set_unit(self, unit: float) -> None:
        self.name.setFont(font(21 * unit, bold=True))
        self.target.setFont(font(18 * unit))
        self.pace.setFont(font(18 * unit))
        self.value.setFont(font(32 * unit, bold=True))
        self.spark.set_unit(unit)

    def show_tile(
        self, tile: KpiTile, points: list[float | None], pace: KpiPace | None = None
    ) -> None:
        """The row; with ``pace`` the value is coloured against the value due by now,
        which a third line names under the target."""
        self.value.setText(texts.kpi_value(self.key, tile.value))
        set_state(self.value, pace.state if pace is not None else tile.state)
        self.target.setText(texts.kpi_target(self.key, tile.target, tile.higher_is_better))
        self.pace.setText("▲ " + texts.pace_text(pace.expected) if pace is not None else "")
        self.pace.setVisible(pace is not None)
        self.spark.set_target(tile.target)
        self.spark.set_state(tile.state)
        self.spark.set_points(points)


class KpiPanel(Panel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Wall", "Key indicators"), parent)
        self.cards = {k: KpiCard(k, self) for k in HEADLINE_KPIS}
        self.rows = {k: KpiRow(k, self) for k in SECONDARY_KPIS}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for i, key in enumerate(HEADLINE_KPIS):
            grid.addWidget(self.cards[key], i // 2, i % 2)
        self.body().addLayout(grid, 6)
        for key in SECONDARY_KPIS:
            self.body().addWidget(self.rows[key], 1)

    def set_unit(self, unit: float) -> None:
        super().set_unit(unit)
        for w in (*self.cards.values(), *self.rows.values()):
            w.set_unit(unit)

    def show_kpis(self, part: KpiPart, trend: TrendPart | None) -> None:
        self.set_title(translate("Wall", "Key indicators · %1").replace("%1", part.period))
        paces = part.pace.kpis if part.pace is not None else {}
        for key, w in (*self.cards.items(), *self.rows.items()):
            w.show_tile(part.tile(key), trend_points(trend, part, key), paces.get(key))


# ---------------------------------------------------------------------------
# Joint meetings


#: a case number in an item's title: the wall, read from across the room, leaves it out
_CASE_NO = re.compile(r"（[A-Z]\d{6,}）\s*")


def _wall_title(title: str) -> str:
    """An agenda item's title for the wall: ``停车管理（K2026…） 某网格`` → ``停车管理 某网格``."""
    return _CASE_NO.sub(" ", title).strip()


class FitList(QLabel):
    """Lines one under the other, as many as fit the label's height; when some do not
    fit, the last line says how many more there are, so the list accounts for every
    entry. An entry takes up to ``max_lines`` lines (wrapped at the label's width, the
    continuation indented; 1: one line); only what still overflows is elided."""

    #: where a long entry is best broken (after a clause, a list separator, a space)
    BREAKS = "；;、，, "

    def __init__(self, parent: QWidget | None = None, *, max_lines: int = 1) -> None:
        super().__init__(parent)
        self._lines: list[str] = []
        self._more: Callable[[int], str] = lambda n: f"+{n}"
        self.max_lines = max(1, max_lines)
        self.setWordWrap(False)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_lines(self, lines: Sequence[str], more: Callable[[int], str]) -> None:
        self._lines = list(lines)
        self._more = more
        self._fit()

    def lines(self) -> list[str]:
        return list(self._lines)

    def _width(self) -> int:
        return max(1, self.contentsRect().width())

    def wrapped(self, line: str) -> list[str]:
        """``line`` as it is shown: at most ``max_lines`` lines of the label's width,
        broken after a separator where one is near the end; the last one elided."""
        fm = self.fontMetrics()
        width = self._width()
        indent = "\u3000"  # a continuation line is indented by one full-width space
        out: list[str] = []
        rest = line
        while rest and len(out) < self.max_lines - 1:
            if fm.horizontalAdvance(rest) <= width:
                break
            # the longest prefix that fits, then back to a separator in its last third
            n = 1
            while n < len(rest) and fm.horizontalAdvance(rest[: n + 1]) <= width:
                n += 1
            cut = max((rest.rfind(ch, 0, n) for ch in self.BREAKS), default=-1) + 1
            if cut < n * 2 // 3:
                cut = n
            out.append(rest[:cut].rstrip())
            rest = indent + rest[cut:].lstrip()
        out.append(fm.elidedText(rest, Qt.TextElideMode.ElideRight, width))
        return out

    def shown(self) -> tuple[int, int]:
        """(entries shown, entries counted in the "more" line)."""
        return self._layout()[1:]

    def _layout(self) -> tuple[list[str], int, int]:
        """The lines shown, the entries they hold and how many more entries there are."""
        capacity = self.capacity()
        # an entry takes at least one line: only the first ``capacity`` entries can
        # show, and more entries than that overflow whatever their wrapping (a
        # district's board: thousands of overdue items, one text layout each)
        blocks = [self.wrapped(line) for line in self._lines[:capacity]]
        if len(self._lines) <= capacity and sum(len(b) for b in blocks) <= capacity:
            return [x for b in blocks for x in b], len(blocks), 0
        out: list[str] = []
        shown = 0
        for block in blocks:
            if len(out) + len(block) > capacity - 1:  # one line for "… and N more"
                break
            out += block
            shown += 1
        return out, shown, len(self._lines) - shown

    def capacity(self) -> int:
        """How many lines fit the label's height."""
        spacing = max(1, self.fontMetrics().lineSpacing())
        return max(1, (self.contentsRect().height() + self.fontMetrics().leading()) // spacing)

    def _fit(self) -> None:
        out, _shown, more = self._layout()
        if more:
            fm = self.fontMetrics()
            out.append(fm.elidedText(self._more(more), Qt.TextElideMode.ElideRight, self._width()))
        self.setText("\n".join(out))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()


class MeetingPanel(Panel):
    """The joint-meeting board (center.office.meetings.board_view): the items in each
    column, the overdue items (all of them, or as many as fit and how many more) with
    their lead department and due date, and the next meeting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Wall", "Joint meetings"), parent)
        self.counts: dict[str, tuple[QLabel, QLabel]] = {}
        tiles = QGridLayout()
        tiles.setContentsMargins(0, 0, 0, 0)
        self._tiles = tiles
        for i, status in enumerate(COLUMNS):
            number = _label("—", "big")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = _label(texts.status_name(status), "muted")
            caption.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            tiles.addWidget(number, 0, i)
            tiles.addWidget(caption, 1, i)
            tiles.setColumnStretch(i, 1)
            self.counts[status] = (number, caption)
        self.body().addLayout(tiles)
        self.next_meeting = _label("")
        self.next_meeting.setWordWrap(True)
        self.overdue = _label("")
        self.items = FitList(self)
        self.body().addWidget(self.next_meeting)
        self.body().addWidget(self.overdue)
        self.body().addWidget(self.items, 1)

    def set_unit(self, unit: float) -> None:
        super().set_unit(unit)
        self._tiles.setHorizontalSpacing(0)
        for number, caption in self.counts.values():
            number.setFont(font(40 * unit, bold=True))
            caption.setFont(font(18 * unit))
            # "On the agenda" takes two lines in English; 已列入议程 fits in one
            caption.setWordWrap(not texts.is_chinese())
        self.overdue.setFont(font(24 * unit, bold=True))
        self.next_meeting.setFont(font(20 * unit))
        self.items.setFont(font(19 * unit))

    def show_meetings(self, part: MeetingPart) -> None:
        board = part.board
        for status, (number, _caption) in self.counts.items():
            number.setText(str(board.counts.get(status, 0)))
        overdue = board.overdue_items()
        self.overdue.setText(
            translate("Wall", "Overdue items: %1").replace("%1", str(len(overdue)))
        )
        set_state(self.overdue, "bad" if overdue else "ok")
        nxt = board.next_meeting
        if nxt is not None:
            when = texts.short_date(nxt.date) + (f" {nxt.time}" if nxt.time else "")
            text = (
                translate("Wall", "Next meeting: %1 %2")
                .replace("%1", when)
                .replace("%2", nxt.title or "")
            )
        else:
            text = translate("Wall", "Next meeting: none scheduled")
        self.next_meeting.setText(text)
        lines = []
        for item in overdue:
            parts = [translate("Wall", "due %1").replace("%1", texts.short_date(item.due))]
            if item.lead:
                parts.append(item.lead_name or item.lead)
            parts.append(_wall_title(item.title))
            lines.append("⚠ " + " · ".join(parts))
        self.items.set_lines(
            lines, lambda n: translate("Wall", "… and %1 more").replace("%1", str(n))
        )


# ---------------------------------------------------------------------------
# Budget


class BudgetPanel(Panel):
    """The year's money: the totals with what each percentage is of (execution = spent
    ÷ funded, 到位率 = funded ÷ standard), the run-rate forecast with the categories at
    risk, then categories and sources as two separate, titled bar groups."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Wall", "Funding"), parent)
        self.totals = _label("")
        self.totals.setWordWrap(True)
        self.execution = _label("")
        self.execution.setWordWrap(True)
        self.forecast = _label("")
        self.forecast.setWordWrap(True)
        self.category_title = _label(translate("Wall", "By category · % = spent ÷ funded"), "muted")
        self.by_category = GroupedBars(self)
        self.source_title = _label(translate("Wall", "By source · % = spent ÷ funded"), "muted")
        self.by_source = GroupedBars(self)
        self.body().addWidget(self.totals)
        self.body().addWidget(self.execution)
        self.body().addWidget(self.forecast)
        self.body().addWidget(self.category_title)
        self.body().addWidget(self.by_category, 3)
        self.body().addWidget(self.source_title)
        self.body().addWidget(self.by_source, 3)
        self._shift_source_colours(WALL)

    def _shift_source_colours(self, palette: Palette) -> None:
        """Sources show funded and spent: the same colours as the categories' bars."""
        self.by_source.set_palette(replace(palette, series=palette.series[1:] or palette.series))

    def set_palette(self, palette: Palette) -> None:
        super().set_palette(palette)
        self.by_category.set_palette(palette)
        self._shift_source_colours(palette)

    def set_unit(self, unit: float) -> None:
        super().set_unit(unit)
        self.totals.setFont(font(18 * unit))
        self.execution.setFont(font(20 * unit, bold=True))
        self.forecast.setFont(font(18 * unit))
        self.category_title.setFont(font(18 * unit))
        self.source_title.setFont(font(18 * unit))
        self.by_category.set_unit(unit)
        self.by_source.set_unit(unit)

    def show_budget(self, part: BudgetPart) -> None:
        s = part.summary
        self.set_title(translate("Wall", "Funding %1").replace("%1", str(s.year)))
        self.totals.setText(
            translate("Wall", "Standard %1 · funded %2 · spent %3")
            .replace("%1", texts.money(s.standard))
            .replace("%2", texts.money(s.funded))
            .replace("%3", texts.money(s.spent))
        )
        gap_state = "ok" if s.gap <= 0 else ("bad" if (s.gap_rate or 0) > 0.1 else "warn")
        funded_rate = None if s.standard == 0 else float(s.funded / s.standard)
        self.execution.setText(
            translate("Wall", "Spent %1 of funding · funded %2 of standard")
            .replace("%1", texts.percent(s.execution))
            .replace("%2", texts.percent(funded_rate))
        )
        set_state(self.execution, gap_state)
        at_risk = [texts.category_name(k) for k in s.at_risk]
        if at_risk:
            text = translate("Wall", "Year-end forecast %1 · over funding: %2").replace(
                "%2", "、".join(at_risk)
            )
        else:
            text = translate("Wall", "Year-end forecast %1 · within funding")
        self.forecast.setText(text.replace("%1", texts.money(s.forecast)))
        set_state(self.forecast, "warn" if at_risk else "ok")
        self.by_category.set_series(
            [translate("Wall", "Standard"), translate("Wall", "Funded"), translate("Wall", "Spent")]
        )
        self.by_category.set_rows(
            [
                BarRow(
                    texts.category_name(r.key),
                    (float(r.standard or 0), float(r.funded), float(r.spent)),
                    ("⚠ " if r.at_risk else "") + texts.percent(r.execution, 0),
                    "bad" if r.overspent else ("warn" if r.at_risk else "none"),
                )
                for r in s.by_category
            ]
        )
        self.by_source.set_series(
            [translate("Wall", "Funded"), translate("Wall", "Spent")], legend=True
        )
        self.by_source.set_rows(
            [
                BarRow(
                    texts.source_name(r.key),
                    (float(r.funded), float(r.spent)),
                    texts.percent(r.execution, 0),
                    "bad" if r.overspent else "none",
                )
                for r in s.by_source
            ]
        )


# ---------------------------------------------------------------------------
# Ranking


NICE_STEPS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


def score_axis(scores: Sequence[float]) -> tuple[float, float, list[float]]:
    """The ranking's axis (start, end, ticks), fitted to the spread of the scores so
    that a difference of a point shows: the step is the smallest of
    :data:`NICE_STEPS` that covers the spread in at most 4 steps; the axis starts one
    step below the lowest score's multiple of the step (not below 0) and ends at the
    first multiple at least half a step above the highest score (not above 100)."""
    if not scores:
        return 0.0, 100.0, [0.0, 25.0, 50.0, 75.0, 100.0]
    lo, hi = min(scores), max(scores)
    step = next((s for s in NICE_STEPS if (hi - lo) / s <= 4), NICE_STEPS[-1])
    start = max(0.0, math.floor(lo / step) * step - step)
    end = math.ceil(hi / step) * step
    if end - hi < step / 2:
        end += step
    end = min(100.0, end)
    if end <= start:
        end = start + step
    ticks = []
    v = start
    while v <= end + 1e-9:
        ticks.append(round(v, 3))
        v += step
    return start, end, ticks


def _score(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"


def quarter_running(quarter: str, as_of: datetime) -> bool:
    """Whether ``quarter`` (``2026Q4``) had not ended at ``as_of`` (统计期未结束)."""
    m = re.fullmatch(r"(\d{4})Q([1-4])", quarter)
    if m is None:
        return False
    year, q = int(m.group(1)), int(m.group(2))
    ends = (
        datetime(year + 1, 1, 1, tzinfo=CST) if q == 4 else datetime(year, 3 * q + 1, 1, tzinfo=CST)
    )
    return to_local(as_of) < ends


class RankingPanel(Panel):
    """The communities' assessment of the quarter, best first: the ordering key is
    said under the title, each bar carries its score, and the axis starts near the
    lowest score (:func:`score_axis`) so that differences of a few points show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Wall", "Community ranking"), parent)
        self.key = _label("", "muted")
        self.key.setWordWrap(True)
        self.bars = GroupedBars(self)
        self.bars.set_maximum(100.0)
        self.bars.set_series([translate("Wall", "Score")], legend=False)
        self.body().addWidget(self.key)
        self.body().addWidget(self.bars, 1)

    def set_unit(self, unit: float) -> None:
        super().set_unit(unit)
        self.key.setFont(font(18 * unit))
        self.bars.set_unit(unit)

    def show_ranking(self, part: RankingPart) -> None:
        if quarter_running(part.quarter, part.as_of):
            # the scores of a quarter still running can change: say so in the title
            title = (
                translate("Wall", "Community ranking %1 (period not ended, as of %2)")
                .replace("%1", part.quarter)
                .replace("%2", texts.short_date(to_local(part.as_of).date()))
            )
        else:
            title = translate("Wall", "Community ranking %1").replace("%1", part.quarter)
        self.set_title(title)
        shown = part.rows[:12]
        scores = [r.score for r in shown if r.score is not None]
        start, end, ticks = score_axis(scores)
        self.bars.set_axis(start, end, [(t, _score(t)) for t in ticks])
        self.key.setText(
            translate(
                "Wall",
                "Ordered by the quarter's assessment score (out of 100); the axis starts at %1",
            ).replace("%1", _score(start))
        )
        rows = []
        for r in shown:
            rank = f"{r.rank}. " if r.rank is not None else "— "
            score = f"{r.score:.1f}" if r.score is not None else "—"
            rows.append(
                BarRow(
                    rank + r.name,
                    (r.score,),
                    texts.grade_name(r.grade),
                    texts.GRADE_STATES.get(r.grade or "", "none"),
                    bar_text=score,
                )
            )
        self.bars.set_rows(rows)


# ---------------------------------------------------------------------------
# Lagging grids


class LaggingPanel(Panel):
    """The "lagging grids" page beside the zoomed map: every grid in red on the map's
    indicator, worst first, with that indicator's value and every other indicator it
    is red on (value and target); as many lines as fit and how many more."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("Wall", "Lagging grids"), parent)
        self.summary = _label("")
        self.summary.setWordWrap(True)
        # a grid's line may take two lines: its other lagging indicators are not cut off
        self.items = FitList(self, max_lines=2)
        # the next month's forecast hot spots (spec/insight.md, "Heat map")
        self.hot = _label("")
        self.hot.setObjectName("HotSpots")
        self.hot.setWordWrap(True)
        self.hot.hide()
        self.body().addWidget(self.summary)
        self.body().addWidget(self.hot)
        self.body().addWidget(self.items, 1)

    def set_unit(self, unit: float) -> None:
        super().set_unit(unit)
        self.summary.setFont(font(20 * unit, bold=True))
        self.hot.setFont(font(20 * unit))
        self.items.setFont(font(20 * unit))

    def show_grids(
        self, lines: Sequence[str], summary: str, title: str, hot_spots: str = ""
    ) -> None:
        self.set_title(title)
        self.summary.setText(summary)
        self.hot.setText(hot_spots)
        self.hot.setVisible(bool(hot_spots))
        self.items.set_lines(
            lines, lambda n: translate("Wall", "… and %1 more grids").replace("%1", str(n))
        )
