"""Household profile (一户一档): members (masked), special groups, visit and case history,
when the next visit is due, when the record was last verified and its grid's share
verified in the last 30 days. The grid's worker and the coordinators edit the profile
(members, special groups, moved out, phones, notes) or confirm it is still right
(:mod:`center.visits.profile`: optimistic locking, audited, the change feed). Admins and
coordinators may reveal one resident's personal information on demand; every reveal
(and every look-up by phone or identity number) is audited and nothing revealed is
kept."""

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
from center.core.errors import ConflictError
from center.visits import households as vs_households
from center.visits import profile as vs_profile
from center.visits.households import HouseholdHit, HouseholdProfile, RevealedResident
from center.visits.profile import GridVerification, ProfileChange, ProfileEdit
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import error_text
from center.windows.workstation.dialogs import ReasonDialog
from center.windows.workstation.household_dialogs import (
    GridShareDialog,
    HouseholdConflictDialog,
    ProfileDialog,
    profile_error_text,
)

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
        self.editor: ProfileDialog | None = None
        self.conflict: HouseholdConflictDialog | None = None
        self.shares_dialog: GridShareDialog | None = None
        self.last_change: ProfileChange | None = None
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
        # 查找 needs something to look for: disabled while the box is empty
        self.find_btn = QPushButton(translate("Workstation", "&Find"))
        self.find_btn.setToolTip(translate("Workstation", "Type what to look for first"))
        self.find_btn.clicked.connect(self.find)
        self.find_btn.setEnabled(False)
        self.search.textChanged.connect(self._update_find)
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
                ("flags", translate("Workstation", "Notes:")),
                ("cadence", translate("Workstation", "Visits this period:")),
                ("next", translate("Workstation", "Next visit due by:")),
                ("verified", translate("Workstation", "Last verified:")),
                ("share", translate("Workstation", "Grid verified (30 days):")),
            ]
        ):
            lab = QLabel("—")
            lab.setWordWrap(True)
            self.info[key] = lab
            if key == "share":
                self.shares_btn = QPushButton(translate("Workstation", "By &grid…"))
                self.shares_btn.clicked.connect(self._shares_clicked)
                row = QHBoxLayout()
                row.addWidget(lab, 1)
                row.addWidget(self.shares_btn)
                form_r.addRow(label, row)
            else:
                (form_l if i < 4 else form_r).addRow(label, lab)
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
        # only with a resident of a loaded household chosen
        self.reveal_btn.setEnabled(False)
        self.reveal_btn.setToolTip(translate("Workstation", "Choose a resident first"))
        self.residents.currentCellChanged.connect(lambda *_a: self._update_reveal())
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

        self.edit_btn = QPushButton(translate("Workstation", "&Edit profile…"))
        self.confirm_btn = QPushButton(translate("Workstation", "Con&firm profile"))
        self.confirm_btn.setToolTip(
            translate(
                "Workstation",
                "Record that you checked this household's record and it is still right",
            )
        )
        for b in (self.edit_btn, self.confirm_btn):
            b.setVisible(actor.may("edit_household") and not actor.read_only)
            b.setEnabled(False)
        self.edit_btn.clicked.connect(self._edit_clicked)
        self.confirm_btn.clicked.connect(self._confirm_clicked)
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
        top.addWidget(self.find_btn)
        actions = QHBoxLayout()
        actions.addWidget(self.title, 1)
        actions.addWidget(self.edit_btn)
        actions.addWidget(self.confirm_btn)
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

    def _update_find(self) -> None:
        self.find_btn.setEnabled(bool(self.search.text().strip()))

    def _update_reveal(self) -> None:
        row = self.residents.currentRow()
        self.reveal_btn.setEnabled(
            self.profile is not None and self.residents.item(row, 0) is not None
        )

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
        if p.in_cadence:
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
        else:
            self.info["cadence"].setText(
                translate("Workstation", "moved out: no longer in the visit cadence")
            )
            self.info["cadence"].setStyleSheet("color: #8C8C8C")
            self.info["next"].setText("—")
        self.info["verified"].setText(self._verified_text(p))
        self.info["share"].setText(self._share_text(p.grid_share))
        flags = []
        if p.is_floating:
            flags.append(translate("Workstation", "floating population"))
        if p.moved_out_on:
            flags.append(
                translate("Workstation", "moved out on %1").replace(
                    "%1", p.moved_out_on.isoformat()
                )
            )
        text = "、".join(flags)
        if p.notes:
            text = f"{text}；{p.notes}" if text else p.notes
        self.info["flags"].setText(text or "—")
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
        self._update_reveal()
        self.new_case_btn.setEnabled(self._actor.may("intake"))
        self.visit_btn.setEnabled(self._actor.may("visit"))
        may_edit = self.may_edit(p)
        self.edit_btn.setEnabled(may_edit)
        self.confirm_btn.setEnabled(may_edit)
        self.loaded.emit(p.code)

    def may_edit(self, p: HouseholdProfile) -> bool:
        """Whether the user may edit this household's profile (the service checks it
        again): a coordinator, or the worker of its grid."""
        a = self._actor
        if a.read_only or not a.may("edit_household"):
            return False
        return a.has("coordinator") or (a.has("grid_worker") and a.grid_code == p.grid_code)

    @staticmethod
    def _verified_text(p: HouseholdProfile) -> str:
        v = p.verified
        if v.at is None:
            return translate("Workstation", "never")
        if v.how == "visit":
            how = translate("Workstation", "visit by %1")
        else:
            how = translate("Workstation", "profile confirmed by %1")
        days = (p.as_of.date() - v.at.date()).days
        ago = (
            translate("Workstation", "today")
            if days == 0
            else translate("Workstation", "%1 days ago").replace("%1", str(days))
        )
        # flat, most telling first: no brackets around a name that carries its own role
        return " · ".join((ago, tx.when(v.at), how.replace("%1", v.by or "—")))

    @staticmethod
    def _share_text(s: GridVerification | None) -> str:
        if s is None or s.share is None:
            return "—"
        return (
            translate("Workstation", "%1 of %2 households (%3)")
            .replace("%1", str(s.verified))
            .replace("%2", str(s.households))
            .replace("%3", f"{s.share * 100:.1f}%")
        )

    # -- editing the profile ------------------------------------------------------------

    def _edit_clicked(self) -> None:
        self.edit_profile()

    def edit_profile(self) -> ProfileDialog | None:
        """Open the profile editor on the household shown (non-modal; saving goes
        through the service on a worker thread)."""
        p = self.profile
        if p is None or not self.may_edit(p):
            return None
        if self.editor is not None:
            self.editor.close()
        dlg = ProfileDialog(p, self)
        dlg.save_requested.connect(lambda edit, d=dlg: self._save(d, edit))
        dlg.finished.connect(lambda _r, d=dlg: self._editor_closed(d))
        self.editor = dlg
        dlg.open()
        return dlg

    def _editor_closed(self, dlg: ProfileDialog) -> None:
        if self.editor is dlg:
            self.editor = None
        dlg.deleteLater()

    def _save(self, dlg: ProfileDialog, edit: ProfileEdit) -> None:
        p = dlg.profile
        self._runner.submit(
            "edit",
            vs_profile.edit_household,
            self._ctx,
            self._actor,
            p.code,
            p.version,
            edit,
            p.state,
        )

    def _confirm_clicked(self) -> None:
        self.confirm_profile()

    def confirm_profile(self) -> None:
        p = self.profile
        if p is None or not self.may_edit(p):
            return
        self._runner.submit(
            "confirm", vs_profile.confirm_household, self._ctx, self._actor, p.code, p.version
        )

    def _saved(self, change: ProfileChange) -> None:
        self.last_change = change
        if change.action == "household.edit" and self.editor is not None:
            self.editor.accept()
        self.load(change.code)

    def _show_conflict(self, error: ConflictError) -> None:
        dlg = HouseholdConflictDialog(error, self)
        self.conflict = dlg
        dlg.finished.connect(lambda r, d=dlg: self._conflict_closed(d, r))
        dlg.open()

    def _conflict_closed(self, dlg: HouseholdConflictDialog, result: int) -> None:
        if self.conflict is dlg:
            self.conflict = None
        dlg.deleteLater()
        if result == QDialog.DialogCode.Accepted:
            if self.editor is not None:
                self.editor.reject()
            if self.profile is not None:
                self.load(self.profile.code)
        elif self.editor is not None:
            self.editor.save_btn.setEnabled(True)

    def _shares_clicked(self) -> None:
        self.show_shares()

    def show_shares(self) -> None:
        """Every grid's share verified in the last 30 days, in a dialog."""
        as_of = self._now() if self._now else None
        self._runner.submit(
            "shares", vs_profile.verification_by_grid, self._ctx.engine, self._actor, as_of
        )

    def _show_shares(self, shares: list[GridVerification]) -> None:
        if self.shares_dialog is not None:
            self.shares_dialog.close()
        dlg = GridShareDialog(shares, self)
        self.shares_dialog = dlg
        dlg.finished.connect(lambda _r, d=dlg: self._shares_closed(d))
        dlg.open()

    def _shares_closed(self, dlg: GridShareDialog) -> None:
        if self.shares_dialog is dlg:
            self.shares_dialog = None
        dlg.deleteLater()

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
        elif result.key in ("edit", "confirm"):
            self._saved(result.value)
        elif result.key == "shares":
            self._show_shares(result.value)

    def _on_failed(self, result: TaskResult) -> None:
        error = result.error or RuntimeError()
        if result.key in ("edit", "confirm"):
            if isinstance(error, ConflictError):
                self._show_conflict(error)
            elif result.key == "edit" and self.editor is not None:
                self.editor.show_error(profile_error_text(error))
            else:
                QMessageBox.warning(
                    self, translate("Workstation", "Household"), profile_error_text(error)
                )
            return
        QMessageBox.warning(
            self,
            translate("Workstation", "Household"),
            error_text(result.error or RuntimeError()),
        )

    def shutdown(self) -> None:
        self._runner.shutdown()
