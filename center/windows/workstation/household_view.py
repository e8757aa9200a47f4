"""Household profile (一户一档): members (masked), special groups, visit and case history,
when the next visit is due. Admins and coordinators may reveal one resident's personal
information on demand; every reveal (and every look-up by phone or identity number) is
audited and nothing revealed is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from center.context import AppContext
from center.core.access import Actor
from center.visits import households as vs_households
from center.visits.households import HouseholdHit, HouseholdProfile, RevealedResident
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import error_text
from center.windows.workstation.dialogs import ReasonDialog

translate = tx.translate


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(24)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fill(t: QTableWidget, rows: list[list[str]], keys: list[str] | None = None) -> None:
    t.setRowCount(len(rows))
    for i, values in enumerate(rows):
        for j, text in enumerate(values):
            item = QTableWidgetItem(text)
            if keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[i])
            t.setItem(i, j, item)


class HouseholdView(QWidget):
    case_requested = Signal(str)
    new_case_requested = Signal(str)
    visit_requested = Signal(str)
    loaded = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._actor = actor
        self._now = clock_fn
        self.profile: HouseholdProfile | None = None
        self.revealed: RevealedResident | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            translate(
                "Workstation",
                "Household code, part of the address, or a resident's full name / phone / ID",
            )
        )
        self.search.returnPressed.connect(self.find)
        find = QPushButton(translate("Workstation", "&Find"))
        find.clicked.connect(self.find)
        self.hits = _table(
            [
                translate("Workstation", "Household"),
                translate("Workstation", "Address"),
                translate("Workstation", "Grid"),
                translate("Workstation", "Resident"),
                translate("Workstation", "Found by"),
            ]
        )
        self.hits.setMaximumHeight(130)
        self.hits.hide()
        self.hits.itemActivated.connect(self._hit_chosen)
        self.hits.itemDoubleClicked.connect(self._hit_chosen)

        self.title = QLabel(translate("Workstation", "No household open"))
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.title.setFont(f)
        self.info: dict[str, QLabel] = {}
        form_l, form_r = QFormLayout(), QFormLayout()
        for i, (key, label) in enumerate(
            [
                ("grid", translate("Workstation", "Grid:")),
                ("members", translate("Workstation", "Members:")),
                ("groups", translate("Workstation", "Special groups:")),
                ("cadence", translate("Workstation", "Visits this period:")),
                ("next", translate("Workstation", "Next visit due by:")),
                ("flags", translate("Workstation", "Notes:")),
            ]
        ):
            lab = QLabel("—")
            lab.setWordWrap(True)
            self.info[key] = lab
            (form_l if i < 3 else form_r).addRow(label, lab)
        forms = QHBoxLayout()
        forms.addLayout(form_l, 1)
        forms.addLayout(form_r, 1)

        self.residents = _table(
            [
                translate("Workstation", "Resident"),
                translate("Workstation", "Name"),
                translate("Workstation", "Gender"),
                translate("Workstation", "Born"),
                translate("Workstation", "ID number"),
                translate("Workstation", "Phone"),
                translate("Workstation", "Tags"),
            ]
        )
        self.reveal_btn = QPushButton(translate("Workstation", "Re&veal personal information…"))
        self.reveal_btn.setVisible(actor.may("reveal_pii"))
        # clicked(bool) would pass its `checked` flag as the reason: a slot without one
        self.reveal_btn.clicked.connect(self._reveal_clicked)
        res_page = QWidget()
        rv = QVBoxLayout(res_page)
        rv.addWidget(self.residents)
        rr = QHBoxLayout()
        rr.addStretch(1)
        rr.addWidget(self.reveal_btn)
        rv.addLayout(rr)
        self.visits = _table(
            [
                translate("Workstation", "Visited"),
                translate("Workstation", "By"),
                translate("Workstation", "Outcome"),
                translate("Workstation", "Recorded"),
                translate("Workstation", "Notes"),
            ]
        )
        self.cases = _table(
            [
                translate("Workstation", "Case"),
                translate("Workstation", "Received at"),
                translate("Workstation", "Request"),
                translate("Workstation", "Status"),
                translate("Workstation", "Rating"),
            ]
        )
        self.cases.itemActivated.connect(self._case_chosen)
        self.cases.itemDoubleClicked.connect(self._case_chosen)
        res_page.setMaximumHeight(210)
        history = QSplitter(Qt.Orientation.Horizontal)
        for title, table in (
            (translate("Workstation", "Visits"), self.visits),
            (translate("Workstation", "Cases"), self.cases),
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            history.addWidget(box)
        members = QGroupBox(translate("Workstation", "Members"))
        QVBoxLayout(members).addWidget(res_page)

        self.new_case_btn = QPushButton(translate("Workstation", "&New case for this household…"))
        self.visit_btn = QPushButton(translate("Workstation", "Record &visit…"))
        self.new_case_btn.setEnabled(False)
        self.visit_btn.setEnabled(False)
        self.new_case_btn.clicked.connect(
            lambda: self.profile and self.new_case_requested.emit(self.profile.code)
        )
        self.visit_btn.clicked.connect(
            lambda: self.profile and self.visit_requested.emit(self.profile.code)
        )

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(find)
        actions = QHBoxLayout()
        actions.addWidget(self.title, 1)
        actions.addWidget(self.new_case_btn)
        actions.addWidget(self.visit_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.hits)
        layout.addLayout(actions)
        layout.addLayout(forms)
        layout.addWidget(members)
        layout.addWidget(history, 1)

    # -- loading -------------------------------------------------------------------

    def find(self) -> None:
        text = self.search.text().strip()
        if text and self._actor.may("read_households"):
            self._runner.submit("find", vs_households.find_households, self._ctx, self._actor, text)

    def load(self, code: str) -> None:
        if not self._actor.may("read_households"):
            return
        as_of = self._now() if self._now else None
        self._runner.submit(
            "profile", vs_households.household_profile, self._ctx, self._actor, code, as_of
        )

    def reload(self) -> None:
        if self.profile is not None:
            self.load(self.profile.code)

    def _hit_chosen(self, item: QTableWidgetItem) -> None:
        self.hits.hide()
        self.load(str(item.data(Qt.ItemDataRole.UserRole)))

    def _case_chosen(self, item: QTableWidgetItem) -> None:
        self.case_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _show_hits(self, hits: list[HouseholdHit]) -> None:
        if len(hits) == 1:
            self.hits.hide()
            self.load(hits[0].code)
            return
        _fill(
            self.hits,
            [
                [h.code, h.address, h.grid_name, h.resident, tx.name(tx.MATCH_NAMES, h.matched_by)]
                for h in hits
            ],
            [h.code for h in hits],
        )
        self.hits.resizeColumnsToContents()
        self.hits.setVisible(True)
        if not hits:
            QMessageBox.information(
                self,
                translate("Workstation", "Household"),
                translate("Workstation", "No household found."),
            )

    def _show(self, p: HouseholdProfile) -> None:
        self.profile = p
        self.title.setText(f"{p.code}  {p.address}")
        self.info["grid"].setText(f"{p.community_name} · {p.grid_name}")
        self.info["members"].setText("—" if p.members is None else str(p.members))
        groups = "、".join(tx.name(tx.GROUP_NAMES, g) for g in p.special_groups)
        self.info["groups"].setText(groups or translate("Workstation", "none"))
        c = p.cadence
        self.info["cadence"].setText(
            translate("Workstation", "%1: %2 of %3 met-visits (%4)")
            .replace("%1", c.period)
            .replace("%2", str(c.done))
            .replace("%3", str(c.needed))
            .replace("%4", tx.name(tx.CADENCE_NAMES, c.state))
        )
        _bg, fg = tx.STATE_COLOURS[c.state]
        self.info["cadence"].setStyleSheet(f"color: {fg.name()}" if fg is not None else "")
        self.info["next"].setText(tx.day(c.next_due - timedelta(days=1)))
        flags = []
        if p.is_floating:
            flags.append(translate("Workstation", "floating population"))
        if p.moved_out_on:
            flags.append(
                translate("Workstation", "moved out on %1").replace(
                    "%1", p.moved_out_on.isoformat()
                )
            )
        self.info["flags"].setText("、".join(flags) or "—")
        gender = {"M": translate("Workstation", "male"), "F": translate("Workstation", "female")}
        _fill(
            self.residents,
            [
                [
                    r.code,
                    r.name,
                    gender.get(r.gender or "", "—"),
                    str(r.birth_year) if r.birth_year else "—",
                    r.id_number or "—",
                    r.phone or "—",
                    "、".join(r.tags),
                ]
                for r in p.residents
            ],
            [r.code for r in p.residents],
        )
        _fill(
            self.visits,
            [
                [
                    tx.when(v.visited_at),
                    v.staff_name,
                    tx.name(tx.OUTCOME_NAMES, v.outcome),
                    tx.when(v.recorded_at),
                    v.notes or "",
                ]
                for v in p.visits
            ],
        )
        _fill(
            self.cases,
            [
                [
                    c.code,
                    tx.when(c.received_at),
                    f"{c.subcategory_code} {tx.pick(c.subcategory_name, c.subcategory_name_en)}",
                    tx.name(tx.STATUS_NAMES, c.status),
                    "—" if c.satisfaction is None else str(c.satisfaction),
                ]
                for c in p.cases
            ],
            [c.code for c in p.cases],
        )
        for t in (self.residents, self.visits, self.cases):
            t.resizeColumnsToContents()
        self.new_case_btn.setEnabled(self._actor.may("intake"))
        self.visit_btn.setEnabled(self._actor.may("visit"))
        self.loaded.emit(p.code)

    # -- reveal --------------------------------------------------------------------------

    def _reveal_clicked(self) -> None:
        self.reveal_selected()

    def reveal_selected(self, reason: str | None = None) -> None:
        item = self.residents.item(self.residents.currentRow(), 0)
        if item is None:
            return
        if reason is None:
            dlg = ReasonDialog(
                translate("Workstation", "Reveal personal information"),
                translate(
                    "Workstation",
                    "The name, ID number and phone of this resident will be shown once and "
                    "the access is recorded in the audit log. Why are they needed?",
                ),
                "",
                self,
            )
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return
            reason = dlg.text()
        self._runner.submit(
            "reveal",
            vs_households.reveal_resident,
            self._ctx,
            self._actor,
            str(item.data(Qt.ItemDataRole.UserRole)),
            reason,
        )

    def _show_revealed(self, r: RevealedResident) -> None:
        self.revealed = r
        box = QMessageBox(self)
        box.setWindowTitle(translate("Workstation", "Personal information"))
        box.setText(
            translate("Workstation", "Name: %1\nID number: %2\nPhone: %3")
            .replace("%1", r.name)
            .replace("%2", r.id_number or "—")
            .replace("%3", r.phone or "—")
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.finished.connect(self._forget)
        box.open()

    def _forget(self, *_args: object) -> None:
        self.revealed = None

    # -- results -------------------------------------------------------------------------

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "find":
            self._show_hits(result.value)
        elif result.key == "profile":
            self._show(result.value)
        elif result.key == "reveal":
            self._show_revealed(result.value)

    def _on_failed(self, result: TaskResult) -> None:
        QMessageBox.warning(
            self,
            translate("Workstation", "Household"),
            error_text(result.error or RuntimeError()),
        )

    def shutdown(self) -> None:
        self._runner.shutdown()
