"""New case: household look-up, the three-level taxonomy picker with the proposed
priority and department, on-the-spot resolution, and the repeat check before saving.

Look-ups and saving run on a worker thread; the dialog never waits on the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from center.cases import lifecycle as cs
from center.cases.lifecycle import (
    CategoryInfo,
    DepartmentInfo,
    IntakeRequest,
    RepeatCandidate,
    SubcategoryInfo,
)
from center.context import AppContext
from center.core.access import Actor
from center.visits.households import HouseholdHit, find_households
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import error_text
from db.types import CST

translate = tx.translate
NEW = ""  # the coordinator confirmed the request is new
RepeatDecider = Callable[[QWidget, Sequence[RepeatCandidate]], str | None]


#: rows of household hits the intake dialog shows without scrolling
HIT_ROWS = 5


class RepeatDialog(QDialog):
    """The household's open and recent cases of the same request type."""

    def __init__(self, candidates: Sequence[RepeatCandidate], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Possible repeat"))
        self.setMinimumWidth(620)
        self.choice: str | None = None
        intro = QLabel(
            translate(
                "Workstation",
                "This household has open or recent (30 days) cases of the same request "
                "type. Link the new case as a repeat of one of them, or confirm it is new.",
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(candidates), 4)
        self.table.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Case"),
                translate("Workstation", "Received at"),
                translate("Workstation", "Status"),
                translate("Workstation", "Summary"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, c in enumerate(candidates):
            for j, text in enumerate(
                (
                    c.code,
                    tx.when(c.received_at),
                    tx.name(tx.STATUS_NAMES, c.status),
                    c.summary or "",
                )
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.code)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.table.selectRow(0)
        buttons = QDialogButtonBox()
        link = buttons.addButton(
            translate("Workstation", "&Link as a repeat of the selected case"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        new = buttons.addButton(
            translate("Workstation", "It is a &new request"), QDialogButtonBox.ButtonRole.YesRole
        )
        buttons.addButton(translate("Workstation", "&Back"), QDialogButtonBox.ButtonRole.RejectRole)
        link.clicked.connect(self._link)
        new.clicked.connect(self._new)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _link(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return
        self.choice = str(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

    def _new(self) -> None:
        self.choice = NEW
        self.accept()


def ask_repeat(parent: QWidget, candidates: Sequence[RepeatCandidate]) -> str | None:
    """None: go back and edit; "": a new request; a code: link as its repeat."""
    dlg = RepeatDialog(candidates, parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.choice


class IntakeDialog(QDialog):
    created = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        categories: Sequence[CategoryInfo],
        departments: Sequence[DepartmentInfo],
        *,
        household: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "New case"))
        self.setMinimumWidth(760)
        self._ctx = ctx
        self._actor = actor
        self._categories = tuple(categories)
        self._departments = tuple(departments)
        self._household: str | None = None
        self._pending: IntakeRequest | None = None
        self.repeat_decider: RepeatDecider = ask_repeat
        self.created_code: str | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        # household look-up
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            translate(
                "Workstation",
                "Household code, part of the address, or a resident's full name / phone / ID",
            )
        )
        self.find_btn = QPushButton(translate("Workstation", "&Find"))
        self.hits = QTableWidget(0, 5)
        self.hits.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Household"),
                translate("Workstation", "Address"),
                translate("Workstation", "Grid"),
                translate("Workstation", "Resident"),
                translate("Workstation", "Found by"),
            ]
        )
        self.hits.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hits.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hits.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hits.verticalHeader().setVisible(False)
        self.hits.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # room for HIT_ROWS whole rows: a search of a building lists its flats
        self.hits.setFixedHeight(
            self.hits.horizontalHeader().sizeHint().height()
            + HIT_ROWS * self.hits.verticalHeader().defaultSectionSize()
            + 2 * self.hits.frameWidth()
        )
        self.chosen = QLabel(translate("Workstation", "No household chosen"))
        self.chosen.setStyleSheet("font-weight: bold")
        hh_box = QGroupBox(translate("Workstation", "Household"))
        hv = QVBoxLayout(hh_box)
        sr = QHBoxLayout()
        sr.addWidget(self.search, 1)
        sr.addWidget(self.find_btn)
        hv.addLayout(sr)
        hv.addWidget(self.hits)
        hv.addWidget(self.chosen)

        # the request
        self.source = QComboBox()
        for k, n in tx.SOURCE_NAMES.items():
            self.source.addItem(tx.tr(n), k)
        self.category = QComboBox()
        for c in self._categories:
            self.category.addItem(tx.pick(c.name, c.name_en), c.code)
        self.subcategory = QComboBox()
        self.priority = QComboBox()
        for k, n in tx.PRIORITY_NAMES.items():
            self.priority.addItem(tx.tr(n), k)
        self.proposal = QLabel()
        self.proposal.setStyleSheet("color: #666")
        self.dept = QComboBox()
        for d in self._departments:
            self.dept.addItem(f"{d.code} {tx.pick(d.name, d.name_en)}", d.code)
        self.assign_now = QCheckBox(translate("Workstation", "&Assign to the department now"))
        self.assign_now.setChecked(True)
        self.on_spot = QCheckBox(translate("Workstation", "Resolved on the &spot"))
        self.received = QDateTimeEdit(tx.qt_now())
        self.received.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received.setCalendarPopup(True)
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText(translate("Workstation", "What the resident needs"))
        self.summary.setFixedHeight(70)
        self.error = QLabel()
        self.error.setStyleSheet("color: #A8071A")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(translate("Workstation", "Source:"), self.source)
        taxo = QHBoxLayout()
        taxo.addWidget(self.category)
        taxo.addWidget(self.subcategory, 1)
        form.addRow(translate("Workstation", "Request type:"), taxo)
        prio = QHBoxLayout()
        prio.addWidget(self.priority)
        prio.addWidget(self.proposal, 1)
        form.addRow(translate("Workstation", "Priority:"), prio)
        dept = QHBoxLayout()
        dept.addWidget(self.dept, 1)
        dept.addWidget(self.assign_now)
        form.addRow(translate("Workstation", "Department:"), dept)
        form.addRow("", self.on_spot)
        form.addRow(translate("Workstation", "Received:"), self.received)
        form.addRow(translate("Workstation", "Summary:"), self.summary)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hh_box)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.find_btn.clicked.connect(self.find)
        self.search.returnPressed.connect(self.find)
        self.hits.itemSelectionChanged.connect(self._on_hit)
        self.category.currentIndexChanged.connect(self._fill_subcategories)
        self.subcategory.currentIndexChanged.connect(self._propose)
        self.on_spot.toggled.connect(self._on_spot_toggled)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        self._fill_subcategories()
        if household:
            self.search.setText(household)
            self.find()

    # -- taxonomy ------------------------------------------------------------------

    def _sub(self) -> SubcategoryInfo | None:
        code = self.subcategory.currentData()
        for c in self._categories:
            for s in c.subcategories:
                if s.code == code:
                    return s
        return None

    def _fill_subcategories(self) -> None:
        cat = self.category.currentData()
        self.subcategory.blockSignals(True)
        self.subcategory.clear()
        for c in self._categories:
            if c.code == cat:
                for s in c.subcategories:
                    self.subcategory.addItem(f"{s.code} {tx.pick(s.name, s.name_en)}", s.code)
        self.subcategory.blockSignals(False)
        self._propose()

    def _propose(self) -> None:
        s = self._sub()
        if s is None:
            self.proposal.clear()
            return
        self.priority.setCurrentIndex(max(self.priority.findData(s.default_priority), 0))
        if s.default_dept_code:
            self.dept.setCurrentIndex(max(self.dept.findData(s.default_dept_code), 0))
        self.proposal.setText(
            translate("Workstation", "proposed: %1, %2")
            .replace("%1", tx.name(tx.PRIORITY_NAMES, s.default_priority))
            .replace("%2", s.default_dept_code or "—")
        )

    def choose_request(self, subcategory_code: str) -> None:
        """Select a subcategory (and its category) by code."""
        for c in self._categories:
            if any(s.code == subcategory_code for s in c.subcategories):
                self.category.setCurrentIndex(self.category.findData(c.code))
                self.subcategory.setCurrentIndex(self.subcategory.findData(subcategory_code))
                return
        raise KeyError(subcategory_code)

    def _on_spot_toggled(self, on: bool) -> None:
        self.assign_now.setEnabled(not on)
        self.dept.setEnabled(not on)

    # -- household look-up ----------------------------------------------------------------

    def find(self) -> None:
        text = self.search.text().strip()
        if not text:
            return
        self.error.clear()
        self._runner.submit("find", find_households, self._ctx, self._actor, text)

    def _show_hits(self, hits: Sequence[HouseholdHit]) -> None:
        self.hits.setRowCount(len(hits))
        for i, h in enumerate(hits):
            values = (
                h.code,
                h.address,
                h.grid_name,
                h.resident,
                tx.name(tx.MATCH_NAMES, h.matched_by),
            )
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, h.code)
                self.hits.setItem(i, j, item)
        self.hits.resizeColumnToContents(0)
        if len(hits) == 1:
            self.hits.selectRow(0)
        elif not hits:
            self.error.setText(translate("Workstation", "No household found."))

    def _on_hit(self) -> None:
        row = self.hits.currentRow()
        item = self.hits.item(row, 0) if row >= 0 else None
        if item is None:
            return
        self._household = str(item.data(Qt.ItemDataRole.UserRole))
        address = self.hits.item(row, 1)
        self.chosen.setText(f"{self._household}  {address.text() if address else ''}")

    @property
    def household(self) -> str | None:
        return self._household

    # -- saving ----------------------------------------------------------------------------

    def request(self, repeat_of: str | None = None) -> IntakeRequest | None:
        """The case as entered, or None (and a message) when something is missing."""
        if not self._household:
            self.error.setText(translate("Workstation", "Choose the household first."))
            return None
        sub = self.subcategory.currentData()
        if not sub:
            self.error.setText(translate("Workstation", "Choose the request type."))
            return None
        summary = self.summary.toPlainText().strip()
        if not summary:
            self.error.setText(translate("Workstation", "Describe the request in the summary."))
            return None
        received = self.received.dateTime().toPython()
        received = received.replace(tzinfo=CST) if received.tzinfo is None else received
        if received > datetime.now(CST):
            self.error.setText(translate("Workstation", "The received time is in the future."))
            return None
        s = self._sub()
        priority = self.priority.currentData()
        spot = self.on_spot.isChecked()
        return IntakeRequest(
            household_code=self._household,
            source=str(self.source.currentData()),
            subcategory_code=str(sub),
            summary=summary,
            priority=None if s is not None and priority == s.default_priority else priority,
            received_at=received,
            on_the_spot=spot,
            assign_to=None if spot or not self.assign_now.isChecked() else self.dept.currentData(),
            repeat_of=repeat_of,
        )

    def save(self) -> None:
        """Check for repeats, then save (both in the background)."""
        if self._runner.busy():
            return
        self.error.clear()
        req = self.request()
        if req is None:
            return
        self._pending = req
        self._set_busy(True)
        self._runner.submit(
            "repeats",
            cs.repeat_candidates,
            self._ctx.engine,
            req.household_code,
            req.subcategory_code,
            req.received_at,
        )

    def _set_busy(self, on: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not on)

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "find":
            self._show_hits(result.value)
        elif result.key == "repeats":
            req = self._pending
            assert req is not None
            candidates: list[RepeatCandidate] = result.value
            repeat_of = None
            if candidates:
                choice = self.repeat_decider(self, candidates)
                if choice is None:
                    self._set_busy(False)
                    return
                repeat_of = choice or None
            final = replace(req, repeat_of=repeat_of)
            self._runner.submit("save", cs.intake, self._ctx.engine, self._actor, final)
        elif result.key == "save":
            self._set_busy(False)
            self.created_code = result.value.code
            self.created.emit(result.value.code)
            self.accept()

    def _on_failed(self, result: TaskResult) -> None:
        self._set_busy(False)
        self.error.setText(error_text(result.error or RuntimeError()))

    def done(self, r: int) -> None:
        self._runner.shutdown()
        super().done(r)
