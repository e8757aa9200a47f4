"""The 改进建议 tab (spec/insight.md "Suggestions"): for the month chosen, one suggestion
per KPI below target at the street, each citing its numbers (the units whose shortfall
contributes most, the subcategories and departments behind it, the direction against
the month before), and satisfaction explained by its drivers: the share rated 4–5 and
the mean rating by subcategory, department, response time and on the spot or not, and
the lowest-rated combinations.

Leaders, coordinators and assessors read it (``read_suggestions``); the service
(:func:`center.insight.suggest.month_suggestions`) runs on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.core.access import Actor
from center.core.errors import USER_ERRORS
from center.insight.suggest import (
    MonthSuggestions,
    RatingGroup,
    fmt_mean,
    month_suggestions,
    pct,
)
from center.windows.runtime.faults import fault_message, fault_of
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx

translate = tx.translate
#: months offered: the month of "now" and the 11 before it
MONTHS = 12
BAD = "#A8071A"
DIMENSIONS = {
    "subcategory": QT_TRANSLATE_NOOP("Workstation", "Subcategory"),
    "department": QT_TRANSLATE_NOOP("Workstation", "Department"),
    "band": QT_TRANSLATE_NOOP("Workstation", "Response time"),
    "on_the_spot": QT_TRANSLATE_NOOP("Workstation", "On the spot"),
    "lowest": QT_TRANSLATE_NOOP("Workstation", "Lowest-rated combination"),
}


def month_labels(now: datetime, count: int = MONTHS) -> list[str]:
    """``YYYY-MM`` of the month of ``now`` and the ``count − 1`` before it, newest first."""
    y, m = now.year, now.month
    out = []
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


class InsightView(QWidget):
    """``refresh()`` loads the chosen month's suggestions; ``loaded`` when shown."""

    loaded = Signal()
    failed = Signal(str)

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self._now = clock_fn
        self.data: MonthSuggestions | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        now = clock_fn() if clock_fn else tx.street_now()
        self.month = QComboBox()
        self.month.setObjectName("insight-month")
        for label in month_labels(now):
            self.month.addItem(label, label)
        # the last complete month first: a month under way is short by definition
        self.month.setCurrentIndex(1)
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        month_label = QLabel(translate("Workstation", "&Month:"))
        month_label.setBuddy(self.month)
        self.reload_button = QPushButton(translate("Workstation", "&Reload"))
        self.reload_button.clicked.connect(self.refresh)
        self.headline = QLabel("")
        self.headline.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(month_label)
        top.addWidget(self.month)
        top.addWidget(self.reload_button)
        top.addWidget(self.headline, 1)

        self.suggestions = QListWidget()
        self.suggestions.setObjectName("insight-suggestions")
        self.suggestions.setWordWrap(True)
        self.suggestions.setSpacing(3)
        self.suggestions.setAlternatingRowColors(True)
        self.suggestions.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.suggestions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

        self.satisfaction = QLabel("")
        self.satisfaction.setWordWrap(True)
        self.satisfaction.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.drivers = QTableWidget(0, 6)
        self.drivers.setObjectName("insight-drivers")
        self.drivers.setHorizontalHeaderLabels(
            [
                translate("Workstation", h)
                for h in (
                    QT_TRANSLATE_NOOP("Workstation", "Dimension"),
                    QT_TRANSLATE_NOOP("Workstation", "Group"),
                    QT_TRANSLATE_NOOP("Workstation", "Ratings"),
                    QT_TRANSLATE_NOOP("Workstation", "Rated 4–5"),
                    QT_TRANSLATE_NOOP("Workstation", "Satisfied share"),
                    QT_TRANSLATE_NOOP("Workstation", "Mean rating"),
                )
            ]
        )
        self.drivers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.drivers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.drivers.verticalHeader().setVisible(False)
        header = self.drivers.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel(translate("Workstation", "Satisfaction and its drivers"))
        f = title.font()
        f.setBold(True)
        title.setFont(f)
        lv.addWidget(title)
        lv.addWidget(self.satisfaction)
        lv.addWidget(self.drivers, 1)
        upper = QWidget()
        uv = QVBoxLayout(upper)
        uv.setContentsMargins(0, 0, 0, 0)
        stitle = QLabel(translate("Workstation", "Suggestions for the KPIs below target"))
        stitle.setFont(f)
        uv.addWidget(stitle)
        uv.addWidget(self.suggestions, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # -- loading ---------------------------------------------------------------------

    def selected_month(self) -> str:
        return str(self.month.currentData())

    def select_month(self, month: str) -> None:
        i = self.month.findData(month)
        if i < 0:
            raise ValueError(f"{month} is not offered")
        self.month.setCurrentIndex(i)

    def refresh(self) -> None:
        as_of = self._now() if self._now else None
        self.headline.setText(translate("Workstation", "Loading…"))
        self.headline.setStyleSheet("")
        self._runner.submit(
            "load", month_suggestions, self._engine, self._actor, self.selected_month(), as_of
        )

    def is_busy(self) -> bool:
        return self._runner.busy()

    def shutdown(self) -> None:
        self._runner.shutdown()

    def _on_finished(self, result: TaskResult) -> None:
        data: MonthSuggestions = result.value
        if data.month != self.selected_month():
            return  # a later choice is queued behind it
        self.data = data
        self._show(data)
        self.loaded.emit()

    def _on_failed(self, result: TaskResult) -> None:
        err = result.error
        if isinstance(err, USER_ERRORS):
            text = str(err)
        elif err is not None and (fault := fault_of(err)) is not None:
            text = fault_message(fault)
        else:
            text = translate("Workstation", "The suggestions could not be computed: %1").replace(
                "%1", type(err).__name__
            )
        self.headline.setText(text)
        self.headline.setStyleSheet(f"color: {BAD}")
        self.failed.emit(text)

    # -- showing ---------------------------------------------------------------------

    def texts(self) -> list[str]:
        """The suggestions as listed."""
        return [self.suggestions.item(i).text() for i in range(self.suggestions.count())]

    def _show(self, data: MonthSuggestions) -> None:
        self.suggestions.clear()
        n = len(data.suggestions)
        if n:
            self.headline.setText(
                translate("Workstation", "%1: KPIs below target at the street: %2 (as of %3)")
                .replace("%1", data.month)
                .replace("%2", str(n))
                .replace("%3", tx.when(data.as_of))
            )
        else:
            self.headline.setText(
                translate("Workstation", "%1: every KPI with data meets its target (as of %2)")
                .replace("%1", data.month)
                .replace("%2", tx.when(data.as_of))
            )
        self.headline.setStyleSheet("")
        for i, s in enumerate(data.suggestions, start=1):
            item = QListWidgetItem(f"{i}. " + tx.pick(s.text, s.text_en))
            item.setData(Qt.ItemDataRole.UserRole, s.key)
            item.setToolTip(tx.pick(s.name, s.name_en))
            self.suggestions.addItem(item)
        drivers = data.satisfaction
        self.satisfaction.setText(tx.pick(drivers.text, drivers.text_en))
        rows: list[tuple[str, RatingGroup]] = [
            (dim, g) for dim, groups in drivers.dimensions() for g in groups
        ]
        rows += [("lowest", g) for g in drivers.lowest]
        self.drivers.setRowCount(len(rows))
        for r, (dim, g) in enumerate(rows):
            cells = [
                translate("Workstation", DIMENSIONS[dim]),
                tx.pick(g.name, g.name_en),
                str(g.rated),
                str(g.satisfied),
                pct(g.rate, g.satisfied, g.rated),
                fmt_mean(g),
            ]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c >= 2:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.drivers.setItem(r, c, cell)


__all__ = ["InsightView", "month_labels"]
