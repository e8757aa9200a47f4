"""Visit planning: one grid worker's households due or overdue by cadence, in route
order, with who else knocked in the last 14 days; recording a visit; the route sheet
as PDF and CSV for the mobile terminal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.core.access import Actor
from center.core.errors import PermissionDenied
from center.visits import planning as vs_planning
from center.visits import records as vs_records
from center.visits.cadence import Cadence, add_months
from center.visits.planning import OtherVisit, PlanRow, StaffInfo, VisitPlan
from center.visits.records import VisitChange
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import error_text
from db.types import CST
from reports.route_sheet import RouteSheetText, write_route_pdf

translate = tx.translate


def others_text(others: Sequence[OtherVisit]) -> str:
    return "; ".join(
        f"{o.staff_name}（{tx.name(tx.ROLE_NAMES, o.role)}）{o.visited_at:%m-%d %H:%M} "
        f"{tx.name(tx.OUTCOME_NAMES, o.outcome)}"
        for o in others
    )


class VisitDialog(QDialog):
    """Record a visit: who, when, outcome, notes; warns about recent visits by others."""

    saved = Signal(object)  # VisitChange

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        household: str,
        staff: Sequence[StaffInfo],
        staff_code: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            translate("Workstation", "Record a visit to %1").replace("%1", household)
        )
        self._engine = engine
        self._actor = actor
        self._household = household
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self.staff = QComboBox()
        for s in staff:
            self.staff.addItem(f"{s.code} {s.name}（{s.grid_name or ''}）", s.code)
        if staff_code:
            self.staff.setCurrentIndex(max(self.staff.findData(staff_code), 0))
        self.when = QDateTimeEdit(tx.qt_now())
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.outcome = QButtonGroup(self)
        row = QHBoxLayout()
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for i, (k, n) in enumerate(tx.OUTCOME_NAMES.items()):
            b = QRadioButton(tx.tr(n))
            self.outcome.addButton(b, i)
            self.outcome_buttons[k] = b
            row.addWidget(b)
        self.outcome_buttons["met"].setChecked(True)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.others = QLabel()
        self.others.setWordWrap(True)
        self.others.setStyleSheet("color: #874D00")
        self.error = QLabel()
        self.error.setStyleSheet("color: #A8071A")
        form = QFormLayout()
        form.addRow(translate("Workstation", "Visited by:"), self.staff)
        form.addRow(translate("Workstation", "Visited at:"), self.when)
        form.addRow(translate("Workstation", "Outcome:"), row)
        form.addRow(translate("Workstation", "Notes:"), self.notes)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.others)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.staff.currentIndexChanged.connect(self._check_others)
        self._check_others()

    def _check_others(self) -> None:
        self._runner.submit(
            "others",
            vs_records.recent_visits_by_others,
            self._engine,
            self._household,
            self.staff.currentData(),
            None,
        )

    def chosen_outcome(self) -> str:
        for k, b in self.outcome_buttons.items():
            if b.isChecked():
                return k
        return "met"

    def save(self) -> None:
        if self._runner.busy("save"):
            return
        visited = self.when.dateTime().toPython()
        visited = visited.replace(tzinfo=CST) if visited.tzinfo is None else visited
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        self._runner.submit(
            "save",
            _record,
            self._engine,
            self._actor,
            self._household,
            str(self.staff.currentData()),
            visited,
            self.chosen_outcome(),
            self.notes.toPlainText(),
        )

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "others":
            if result.value:
                self.others.setText(
                    translate("Workstation", "Visited by others in the last 14 days: %1").replace(
                        "%1", others_text(result.value)
                    )
                )
            else:
                self.others.setText("")
            return
        self.saved.emit(result.value)
        self.accept()

    def _on_failed(self, result: TaskResult) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        self.error.setText(error_text(result.error or RuntimeError()))

    def done(self, r: int) -> None:
        self._runner.shutdown()
        super().done(r)


def _record(
    engine: Engine,
    actor: Actor,
    household: str,
    staff: str,
    visited: datetime,
    outcome: str,
    notes: str,
) -> VisitChange:
    return vs_records.record_visit(
        engine,
        actor,
        household_code=household,
        staff_code=staff,
        visited_at=visited,
        outcome=outcome,
        notes=notes,
    )


STATE_COLUMN = 7
GROUPS_COLUMN = 4


def previous_period(c: Cadence) -> str:
    """The cadence period before ``c``'s (``2026-11``, ``2026Q3``)."""
    if c.special:
        y, m = (int(p) for p in c.period.split("-"))
        prev = add_months(date(y, m, 1), -1)
        return f"{prev:%Y-%m}"
    y, q = (int(p) for p in c.period.split("Q"))
    prev = add_months(date(y, 3 * q - 2, 1), -3)
    return f"{prev.year}Q{(prev.month - 1) // 3 + 1}"


def state_text(r: PlanRow) -> str:
    """The state cell: done today, or the cadence state."""
    if r.done_today:
        return translate("Workstation", "Done today")
    return tx.name(tx.CADENCE_NAMES, r.cadence.state)


def state_tip(r: PlanRow) -> str:
    """What the state means for this household (the cell's tooltip)."""
    c = r.cadence
    progress = (
        translate("Workstation", "This period (%1): %2 of %3 met-visits, %4 still needed by %5.")
        .replace("%1", c.period)
        .replace("%2", str(c.done))
        .replace("%3", str(c.needed))
        .replace("%4", str(c.remaining))
        .replace("%5", tx.day(c.due_by - _DAY))
    )
    if c.state == "overdue":
        return (
            translate(
                "Workstation",
                "Behind from last period: the previous period (%1) did not get the "
                "%2 met-visit(s) it needed. The mark clears once this period's visits "
                "are met.",
            )
            .replace("%1", previous_period(c))
            .replace("%2", str(c.needed))
            + "\n"
            + progress
        )
    if c.state == "due":
        return progress
    return (
        translate("Workstation", "This period (%1): all %2 met-visit(s) done.")
        .replace("%1", c.period)
        .replace("%2", str(c.needed))
    )


PLAN_COLUMNS = (
    "#",
    QT_TRANSLATE_NOOP("Workstation", "Building"),
    QT_TRANSLATE_NOOP("Workstation", "Address"),
    QT_TRANSLATE_NOOP("Workstation", "Household"),
    QT_TRANSLATE_NOOP("Workstation", "Special groups"),
    QT_TRANSLATE_NOOP("Workstation", "Progress"),
    QT_TRANSLATE_NOOP("Workstation", "Due by"),
    QT_TRANSLATE_NOOP("Workstation", "State"),
    QT_TRANSLATE_NOOP("Workstation", "Last met"),
    QT_TRANSLATE_NOOP("Workstation", "Others, last 14 days"),
)


class PlanningView(QWidget):
    household_requested = Signal(str)
    loaded = Signal(int)
    visit_saved = Signal(object)
    exported = Signal(str)  # path of a written route sheet

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        street: str = "",
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self.street = street
        self._now = clock_fn
        self.staff_list: list[StaffInfo] = []
        self.plan: VisitPlan | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        self.staff = QComboBox()
        self.staff.setMinimumWidth(260)
        self.include_ok = QCheckBox(translate("Workstation", "Include households already visited"))
        self.refresh_btn = QPushButton(translate("Workstation", "Refresh"))
        self.summary = QLabel()
        self.notice = QLabel()
        self.notice.setStyleSheet("color: #237804")
        self.table = QTableWidget(0, len(PLAN_COLUMNS))
        self.table.setHorizontalHeaderLabels([tx.tr(c) for c in PLAN_COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header = self.table.horizontalHeader()
        for i, w in enumerate((36, 120, 200, 110, 130, 50, 90, 70, 90)):
            # never narrower than the (translated) title: 本期进度 needs more than 50 px
            self.table.setColumnWidth(i, max(w, header.sectionSizeHint(i)))
        self.table.doubleClicked.connect(self._open_household)
        # what the states mean (the route sheet prints the same legend)
        self.legend = QLabel(translate("Workstation", ROUTE_SHEET_LEGEND))
        self.legend.setObjectName("plan-legend")
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #595959")
        self.record_btn = QPushButton(translate("Workstation", "&Record visit…"))
        self.open_btn = QPushButton(translate("Workstation", "&Open household"))
        self.csv_btn = QPushButton(translate("Workstation", "Export &CSV…"))
        self.pdf_btn = QPushButton(translate("Workstation", "Route sheet &PDF…"))
        self.record_btn.setEnabled(actor.may("visit"))
        self.record_btn.clicked.connect(self.record_visit)
        self.open_btn.clicked.connect(self._open_household)
        # clicked(bool) would hand ``checked`` to ``path``: ask for the file instead
        self.csv_btn.clicked.connect(lambda: self.export_csv())
        self.pdf_btn.clicked.connect(lambda: self.export_pdf())
        self.staff.currentIndexChanged.connect(self.refresh)
        self.include_ok.toggled.connect(self.refresh)
        self.refresh_btn.clicked.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(QLabel(translate("Workstation", "Grid worker:")))
        top.addWidget(self.staff)
        top.addWidget(self.include_ok)
        top.addWidget(self.refresh_btn)
        top.addStretch(1)
        top.addWidget(self.summary)
        bottom = QHBoxLayout()
        for b in (self.record_btn, self.open_btn):
            bottom.addWidget(b)
        bottom.addStretch(1)
        bottom.addWidget(self.notice)
        for b in (self.csv_btn, self.pdf_btn):
            bottom.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addLayout(bottom)

    def start(self) -> None:
        """Load the workers whose rounds this user plans (a grid worker: their own)."""
        if not self._actor.may("plan_visits"):
            return
        self._runner.submit("staff", vs_planning.plannable_staff, self._engine, self._actor)

    def select_staff(self, code: str) -> None:
        self.staff.setCurrentIndex(max(self.staff.findData(code), 0))

    def refresh(self) -> None:
        code = self.staff.currentData()
        if not code or not self._actor.may("plan_visits"):
            return
        as_of = self._now() if self._now else None
        self._runner.submit(
            "plan", _plan, self._engine, self._actor, str(code), as_of, self.include_ok.isChecked()
        )

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "staff":
            self.staff_list = list(result.value)
            self.staff.blockSignals(True)
            self.staff.clear()
            for s in self.staff_list:
                role = tx.name(tx.ROLE_NAMES, s.role)
                self.staff.addItem(f"{s.grid_name} · {s.name}（{role}）", s.code)
            self.staff.blockSignals(False)
            self.refresh()
        elif result.key == "plan":
            self._show(result.value)
        elif result.key in ("csv", "pdf"):
            path, n = result.value
            self.notice.setText(
                translate("Workstation", "Wrote %1 (%2 households).")
                .replace("%1", str(path))
                .replace("%2", str(n))
            )
            self.exported.emit(str(path))

    def _on_failed(self, result: TaskResult) -> None:
        QMessageBox.warning(
            self, translate("Workstation", "Visit planning"), plan_error_text(result.error)
        )

    def _show(self, plan: VisitPlan) -> None:
        self.plan = plan
        counts = plan.counts
        self.summary.setText(
            translate("Workstation", "Behind from last period %1 · due %2 · as of %3")
            .replace("%1", str(counts["overdue"]))
            .replace("%2", str(counts["due"]))
            .replace("%3", tx.when(plan.as_of))
        )
        self.table.setRowCount(len(plan.rows))
        for i, r in enumerate(plan.rows):
            c = r.cadence
            values = [
                str(r.order),
                r.building,
                r.address,
                r.household_code,
                "、".join(tx.name(tx.GROUP_NAMES, g) for g in r.special_groups),
                f"{c.done}/{c.needed}",
                tx.day(c.next_due - _DAY) if c.state == "ok" else tx.day(c.due_by - _DAY),
                state_text(r),
                tx.day(c.last_met_at),
                others_text(r.others),
            ]
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.household_code)
                if j == STATE_COLUMN:
                    bg, fg = tx.STATE_COLOURS[c.state]
                    if bg is not None:
                        item.setBackground(QBrush(bg))
                    if fg is not None:
                        item.setForeground(QBrush(fg))
                    item.setToolTip(state_tip(r))
                if j == GROUPS_COLUMN and text:
                    item.setToolTip(text)
                if j == 9 and r.others:
                    item.setBackground(QBrush(tx.STATE_COLOURS["warning"][0]))
                    item.setToolTip(
                        translate(
                            "Workstation",
                            "Someone else visited in the last 14 days: avoid knocking twice",
                        )
                    )
                self.table.setItem(i, j, item)
        self._fit_groups()
        self.loaded.emit(len(plan.rows))

    def _fit_groups(self) -> None:
        """The special-groups column as wide as its longest entry (独居老人、低保/困难
        家庭、残障人士), never narrower than its title."""
        fm = self.table.fontMetrics()
        widest = max(
            (
                fm.horizontalAdvance(it.text())
                for r in range(self.table.rowCount())
                if (it := self.table.item(r, GROUPS_COLUMN)) is not None
            ),
            default=0,
        )
        pad = 2 * fm.horizontalAdvance("M")
        header = self.table.horizontalHeader()
        self.table.setColumnWidth(
            GROUPS_COLUMN, max(130, header.sectionSizeHint(GROUPS_COLUMN), widest + pad)
        )

    def current_household(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _open_household(self, *_args: object) -> None:
        code = self.current_household()
        if code:
            self.household_requested.emit(code)

    def record_visit(self) -> None:
        code = self.current_household()
        if not code:
            return
        dlg = VisitDialog(
            self._engine, self._actor, code, self.staff_list, self.staff.currentData(), self
        )
        dlg.saved.connect(self._visit_saved)
        dlg.exec()

    def _visit_saved(self, change: VisitChange) -> None:
        self.visit_saved.emit(change)
        self.refresh()

    def export_csv(self, path: str | None = None) -> None:
        if self.plan is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                translate("Workstation", "Route sheet for the mobile terminal"),
                f"route-{self.plan.staff.code}.csv",
                "CSV (*.csv)",
            )
        if path:
            self._runner.submit("csv", _csv, self.plan, Path(path))

    def export_pdf(self, path: str | None = None) -> None:
        if self.plan is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                translate("Workstation", "Printable route sheet"),
                f"route-{self.plan.staff.code}.pdf",
                "PDF (*.pdf)",
            )
        if path:
            self._runner.submit("pdf", _pdf, self.plan, Path(path), self.street)

    def shutdown(self) -> None:
        self._runner.shutdown()


_DAY = timedelta(days=1)


def plan_error_text(exc: BaseException | None) -> str:
    """Why a plan could not be shown, in the user's words (not an action code)."""
    if isinstance(exc, PermissionDenied) and exc.action == "plan_visits":
        if exc.why:
            return translate(
                "Workstation",
                "You may plan visits only for the grid workers of your own grid.",
            )
        return translate("Workstation", "Your role does not plan visits.")
    return error_text(exc or RuntimeError())


def _plan(
    engine: Engine, actor: Actor, code: str, as_of: datetime | None, include_ok: bool
) -> VisitPlan:
    return vs_planning.plan_for_staff(engine, actor, code, as_of, include_ok=include_ok)


def _csv(plan: VisitPlan, path: Path) -> tuple[Path, int]:
    return path, vs_planning.write_route_csv(plan, path)


def route_sheet_text() -> RouteSheetText:
    """The route sheet's words in the interface language."""

    return RouteSheetText(
        title=translate("Workstation", "Visit route sheet"),
        meta=translate(
            "Workstation", "Grid %1 · %2 · as of %3 · behind from last period %4, due %5"
        ),
        headers=[
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
        ],
        nobody_due=translate("Workstation", "No household is due."),
        when=tx.when,
        day=tx.day,
        outcome=lambda key: tx.name(tx.OUTCOME_NAMES, key),
        group=lambda key: tx.name(tx.GROUP_NAMES, key),
        cadence=lambda key: tx.name(tx.CADENCE_NAMES, key),
        legend=translate("Workstation", ROUTE_SHEET_LEGEND),
    )


ROUTE_SHEET_LEGEND = QT_TRANSLATE_NOOP(
    "Workstation",
    "States: “Behind from last period”: the household did not get all the visits it "
    "needed in the previous period (a month for special groups, a quarter for other "
    "households); it is still owed, so visit it first, by the date under “Due by”. "
    "“Due”: it still needs a visit in this period, by that date. “Progress”: visits "
    "made / needed in this period.",
)


def _pdf(plan: VisitPlan, path: Path, street: str) -> tuple[Path, int]:
    return path, write_route_pdf(plan, path, route_sheet_text(), street)
