"""Spot checks (抽查): draw a seeded random sample of closed cases, reveal the phone of a
drawn case's household for the call (with a reason, audited), record the results (a
failed check reopens the case)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QIntValidator, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.cases import spotcheck as sc
from center.cases.lifecycle import CaseChange
from center.cases.spotcheck import CallContact, PendingCheck, SampleDraw
from center.core.access import Actor
from center.core.context import ServiceContext
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import error_text
from center.windows.workstation.dialogs import ReasonDialog

translate = tx.translate
ADDRESS_COLUMN = 4


class FittedTable(QTableWidget):
    """A table that says when it was resized (its owner sizes the columns to fit)."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


def previous_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    last = first - timedelta(days=1)
    return last.replace(day=1), last


class SpotCheckView(QWidget):
    case_requested = Signal(str)
    changed = Signal(object)  # CaseChange
    loaded = Signal(int)

    def __init__(
        self, ctx: ServiceContext | Engine, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        # the phone reveal needs the services' context (the PII cipher); given only an
        # engine the list works without it
        self._ctx = ctx if isinstance(ctx, ServiceContext) else None
        self._engine = ctx.engine if isinstance(ctx, ServiceContext) else ctx
        self._actor = actor
        self.pending: list[PendingCheck] = []
        self.revealed: CallContact | None = None
        self.phone_box: QMessageBox | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        may = actor.may("spot_check")

        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.1, 100.0)
        self.percent.setDecimals(1)
        self.percent.setValue(5.0)
        self.percent.setSuffix(" %")
        start, end = previous_month(tx.street_now().date())
        self.closed_from = QDateEdit(QDate(start))
        self.closed_to = QDateEdit(QDate(end))
        for d in (self.closed_from, self.closed_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.seed = QLineEdit()
        self.seed.setValidator(QIntValidator(0, 2**31 - 1, self))
        self.seed.setPlaceholderText(translate("Workstation", "random"))
        self.seed.setMaximumWidth(110)
        self.draw_btn = QPushButton(translate("Workstation", "&Draw sample"))
        self.draw_btn.setEnabled(may)
        self.draw_btn.clicked.connect(self.draw)
        self.last = QLabel()
        self.last.setWordWrap(True)
        # who draws and calls (spec/access.md: the supervisors, 督导考核组): said to
        # anyone else, whose draw and result buttons stay grey
        self.not_mine = QLabel(
            translate(
                "Workstation",
                "Spot checks are made by the supervisors (督导考核组); you can see the results.",
            )
        )
        self.not_mine.setWordWrap(True)
        self.not_mine.setStyleSheet("color: #874D00")
        self.not_mine.setVisible(not may)
        # what a failed check created, with a link to open it
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.linkActivated.connect(self.case_requested.emit)
        self.outcome.hide()
        # the table with no rows says why and what to do
        self.empty = QLabel(
            translate(
                "Workstation",
                "No sample drawn yet: choose the closing dates and the share, "
                "then click Draw sample.",
            )
            if may
            else translate("Workstation", "No sampled case awaits a call.")
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #8C8C8C; padding: 12px")

        self.table = FittedTable(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Case"),
                translate("Workstation", "Closed at"),
                translate("Workstation", "Request"),
                translate("Workstation", "Household"),
                translate("Workstation", "Address"),
                translate("Workstation", "Rating"),
                translate("Workstation", "Drawn"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        # every column as wide as its header and its longest entry (with room to
        # breathe); the address gets what is left beyond that, never less than it needs:
        # when the columns are wider than the table it scrolls sideways
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._fit_columns()
        self.table.resized.connect(self._fit_columns)  # the address follows the width
        # the placeholder lies over the empty table, as wide as it is
        self.empty.setParent(self.table.viewport())
        self.table.resized.connect(self._place_empty)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(
            lambda item: self.case_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))
        )
        self.pass_btn = QPushButton(translate("Workstation", "&Passed"))
        self.fail_btn = QPushButton(translate("Workstation", "&Failed (reopen)…"))
        self._may = may
        self.pass_btn.clicked.connect(lambda: self.record(True))
        self.fail_btn.clicked.connect(lambda: self.record(False))
        self.phone_btn = QPushButton(translate("Workstation", "Reveal &phone for the call…"))
        self.phone_btn.setVisible(actor.may("reveal_check_phone") and self._ctx is not None)
        self.phone_btn.clicked.connect(lambda: self.reveal_phone())
        self._update_buttons()

        form = QHBoxLayout()
        form.addWidget(QLabel(translate("Workstation", "Sample")))
        form.addWidget(self.percent)
        form.addWidget(QLabel(translate("Workstation", "of cases closed from")))
        form.addWidget(self.closed_from)
        form.addWidget(QLabel(translate("Workstation", "to")))
        form.addWidget(self.closed_to)
        form.addWidget(QLabel(translate("Workstation", "seed")))
        form.addWidget(self.seed)
        form.addWidget(self.draw_btn)
        form.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.phone_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.pass_btn)
        buttons.addWidget(self.fail_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addWidget(self.not_mine)
        layout.addWidget(self.last)
        layout.addWidget(self.outcome)
        layout.addWidget(QLabel(translate("Workstation", "Awaiting the verification call")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _place_empty(self) -> None:
        """The placeholder across the top of the table's viewport, shown while no
        sampled case is listed."""
        port = self.table.viewport()
        self.empty.setGeometry(0, 0, port.width(), max(self.empty.heightForWidth(port.width()), 48))
        self.empty.setVisible(self.table.rowCount() == 0)

    def _show_outcome(self, change: CaseChange) -> None:
        """Name what a recorded check did: a failed one reopened the case as a new case,
        which the link opens."""
        if change.created:
            text = (
                translate(
                    "Workstation",
                    "Spot check of %1 failed: it was reopened as new case %2 (%3).",
                )
                .replace("%1", change.code)
                .replace("%2", change.created)
                .replace(
                    "%3",
                    f'<a href="{change.created}">'
                    + translate("Workstation", "open case %1").replace("%1", change.created)
                    + "</a>",
                )
            )
        else:
            text = translate("Workstation", "Spot check of %1 passed.").replace("%1", change.code)
        self.outcome.setText(text)
        self.outcome.show()

    def selected_check(self) -> PendingCheck | None:
        """The sampled case the user chose (None: no row selected)."""
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self.pending[row] if 0 <= row < len(self.pending) else None

    def _update_buttons(self) -> None:
        """通过 / 未通过 / 查看回访电话 act on the chosen sampled case: only with one."""
        chosen = self.selected_check() is not None
        for b in (self.pass_btn, self.fail_btn):
            b.setEnabled(self._may and chosen)
        self.phone_btn.setEnabled(chosen)
        why = "" if chosen else translate("Workstation", "Choose a sampled case first")
        for b in (self.pass_btn, self.fail_btn, self.phone_btn):
            b.setToolTip(why)

    def _content_width(self, col: int, typical: str = "") -> int:
        """What a column needs: its header, its longest entry, a typical value, and a
        margin so the text does not touch the grid line."""
        fm = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        pad = 2 * fm.horizontalAdvance("M")
        widest = max(
            (
                fm.horizontalAdvance(it.text())
                for r in range(self.table.rowCount())
                if (it := self.table.item(r, col)) is not None
            ),
            default=0,
        )
        title = str(self.table.model().headerData(col, Qt.Orientation.Horizontal) or "")
        widest = max(widest, fm.horizontalAdvance(typical))
        widest = max(widest, header.fontMetrics().horizontalAdvance(title))
        return max(header.sectionSizeHint(col), self.table.sizeHintForColumn(col), widest + pad)

    def _fit_columns(self) -> None:
        """Each column as wide as its content (header, longest entry, a typical value:
        a case code, a time), so nothing is cut, even before a sample is drawn; the
        address column takes the room that is left beyond its own need, or the table
        scrolls sideways."""
        when = tx.when(datetime(2026, 12, 31, 23, 59))
        typical = {0: "K202612070083", 1: when, 2: "独居老人失联", 3: "H000000", 5: "5", 6: when}
        need = {
            col: self._content_width(col, typical.get(col, ""))
            for col in range(self.table.columnCount())
        }
        for col, width in need.items():
            self.table.setColumnWidth(col, width)
        room = self.table.viewport().width() - sum(need.values())
        if room > 0:
            self.table.setColumnWidth(ADDRESS_COLUMN, need[ADDRESS_COLUMN] + room)

    def refresh(self) -> None:
        self._runner.submit("pending", _pending, self._engine, self._actor)

    def draw(self) -> None:
        seed = int(self.seed.text()) if self.seed.text().strip() else None
        self._runner.submit(
            "draw",
            _draw,
            self._engine,
            self._actor,
            self.percent.value(),
            self.closed_from.date().toPython(),
            self.closed_to.date().toPython(),
            seed,
        )

    def record(self, ok: bool, note: str | None = None) -> None:
        p = self.selected_check()
        if p is None:
            return
        if not ok and not note:
            dlg = ReasonDialog(
                translate("Workstation", "Spot check failed"),
                translate("Workstation", "What did the resident say? The case will be reopened."),
                "",
                self,
            )
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return
            note = dlg.text()
        self._runner.submit(
            f"record:{p.code}", _record, self._engine, self._actor, p.code, p.version, ok, note
        )

    def reveal_phone(self, reason: str | None = None) -> None:
        """Reveal the phone to call for the selected case (asks for the reason)."""
        chosen = self.selected_check()
        if self._ctx is None or chosen is None:
            return
        code = chosen.code
        if reason is None:
            dlg = ReasonDialog(
                translate("Workstation", "Reveal the phone for the verification call"),
                translate(
                    "Workstation",
                    "The phone of a resident of this household will be shown once and the "
                    "access is recorded in the audit log. Why is it needed?",
                ),
                translate("Workstation", "Spot-check verification call"),
                self,
            )
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return
            reason = dlg.text()
        self._runner.submit("phone", sc.reveal_phone, self._ctx, self._actor, code, reason)

    def _show_phone(self, c: CallContact) -> None:
        self.revealed = c
        box = QMessageBox(self)
        box.setWindowTitle(translate("Workstation", "Phone for the verification call"))
        box.setText(
            translate("Workstation", "Case %1, household %2\n%3: %4")
            .replace("%1", c.case_code)
            .replace("%2", c.household_code)
            .replace("%3", c.name)
            .replace("%4", c.phone)
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.finished.connect(self._forget)
        box.open()
        self.phone_box = box

    def _forget(self, *_args: object) -> None:
        self.revealed = None

    def _show_draw(self, d: SampleDraw) -> None:
        self.last.setText(
            translate("Workstation", "Drew %1 of %2 cases closed %3 – %4 (%5 %, seed %6); logged.")
            .replace("%1", str(len(d.codes)))
            .replace("%2", str(d.population))
            .replace("%3", d.closed_from.isoformat())
            .replace("%4", d.closed_to.isoformat())
            .replace("%5", f"{d.percent:g}")
            .replace("%6", str(d.seed))
        )

    def _show_pending(self, rows: list[PendingCheck]) -> None:
        self.pending = rows
        self.table.setRowCount(len(rows))
        for i, p in enumerate(rows):
            values = [
                p.code,
                tx.when(p.closed_at),
                tx.pick(p.subcategory_name, p.subcategory_name_en),
                p.household_code,
                p.address,
                "—" if p.satisfaction is None else str(p.satisfaction),
                tx.when(p.drawn_at),
            ]
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, p.code)
                if j == ADDRESS_COLUMN:
                    item.setToolTip(text)
                self.table.setItem(i, j, item)
        self._fit_columns()
        if rows:
            self.table.selectRow(0)
        self._update_buttons()
        self._place_empty()
        self.loaded.emit(len(rows))

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "pending":
            self._show_pending(result.value)
        elif result.key == "draw":
            self._show_draw(result.value)
            self.refresh()
        elif result.key == "phone":
            self._show_phone(result.value)
        elif result.key.startswith("record:"):
            change: CaseChange = result.value
            self._show_outcome(change)
            self.changed.emit(change)
            self.refresh()

    def _on_failed(self, result: TaskResult) -> None:
        QMessageBox.warning(
            self,
            translate("Workstation", "Spot checks"),
            error_text(result.error or RuntimeError()),
        )
        self.refresh()

    def shutdown(self) -> None:
        self._runner.shutdown()


def _record(
    engine: Engine, actor: Actor, code: str, version: int, ok: bool, note: str | None
) -> CaseChange:
    return sc.record_result(engine, actor, code, version, ok, note=note)


def _pending(engine: Engine, actor: Actor) -> list[PendingCheck]:
    return sc.pending_checks(engine, actor)


def _draw(
    engine: Engine,
    actor: Actor,
    percent: float,
    closed_from: date,
    closed_to: date,
    seed: int | None,
) -> SampleDraw:
    return sc.draw_sample(
        engine, actor, percent=percent, closed_from=closed_from, closed_to=closed_to, seed=seed
    )
