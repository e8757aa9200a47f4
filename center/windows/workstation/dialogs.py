"""Small dialogs of the workstation: choose a department, rate, spot-check result,
give a reason, and the conflict dialog shown when someone else changed a case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from center.cases.lifecycle import DepartmentInfo
from center.core.errors import ChangeRecord, ConflictError
from center.windows.workstation import texts as tx

translate = tx.translate

FIELD_NAMES = {
    "status": QT_TRANSLATE_NOOP("Workstation", "Status"),
    "dept": QT_TRANSLATE_NOOP("Workstation", "Department"),
    "priority": QT_TRANSLATE_NOOP("Workstation", "Priority"),
    "subcategory": QT_TRANSLATE_NOOP("Workstation", "Request"),
    "summary": QT_TRANSLATE_NOOP("Workstation", "Summary"),
    "address_note": QT_TRANSLATE_NOOP("Workstation", "Address note"),
    "status_reason": QT_TRANSLATE_NOOP("Workstation", "Reason"),
    "first_response_at": QT_TRANSLATE_NOOP("Workstation", "Responded at"),
    "assigned_at": QT_TRANSLATE_NOOP("Workstation", "Assigned at"),
    "accepted_at": QT_TRANSLATE_NOOP("Workstation", "Accepted at"),
    "closed_at": QT_TRANSLATE_NOOP("Workstation", "Closed at"),
    "confirmed_at": QT_TRANSLATE_NOOP("Workstation", "Confirmed at"),
    "rated_at": QT_TRANSLATE_NOOP("Workstation", "Rated at"),
    "satisfaction": QT_TRANSLATE_NOOP("Workstation", "Satisfaction"),
    "spot_checked_at": QT_TRANSLATE_NOOP("Workstation", "Spot-checked at"),
    "spot_check_ok": QT_TRANSLATE_NOOP("Workstation", "Spot check passed"),
    "escalated": QT_TRANSLATE_NOOP("Workstation", "Escalated"),
    "escalated_at": QT_TRANSLATE_NOOP("Workstation", "Escalated at"),
    "repeat_of": QT_TRANSLATE_NOOP("Workstation", "Repeat of"),
}


def _value(field: str, value: object) -> str:
    if value is None:
        return "—"
    if value == "…":
        return translate("Workstation", "(text)")
    if field == "status":
        return tx.name(tx.STATUS_NAMES, str(value))
    if field == "priority":
        return tx.name(tx.PRIORITY_NAMES, str(value))
    if isinstance(value, bool):
        return translate("Workstation", "yes") if value else translate("Workstation", "no")
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and "T" in value:
        try:
            return tx.when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def describe_change(c: ChangeRecord) -> list[str]:
    """One line per changed field: ``Department: — → D06``."""
    out = []
    for field, (old, new) in c.fields.items():
        label = tx.tr(FIELD_NAMES.get(field, field))
        out.append(f"{label}: {_value(field, old)} → {_value(field, new)}")
    return out


class ConflictDialog(QDialog):
    """Someone else saved the case first: what they changed; reload or close.
    Nothing of the user's was written, and their typed note stays in the form."""

    def __init__(self, error: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(translate("Workstation", "Case changed by someone else"))
        self.setMinimumWidth(560)
        who = ", ".join(sorted({c.actor for c in error.changes})) or translate(
            "Workstation", "another user"
        )
        intro = QLabel(
            translate(
                "Workstation",
                "Case %1 was changed by %2 after you opened it. Your change was not saved "
                "and nothing was overwritten; your note is kept. Reload the case to see "
                "the current state, then apply your change again.",
            )
            .replace("%1", error.code)
            .replace("%2", who)
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [
                translate("Workstation", "When"),
                translate("Workstation", "Who"),
                translate("Workstation", "What"),
            ]
        )
        self.tree.setRootIsDecorated(True)
        for c in error.changes:
            action = c.action.removeprefix("case.")
            item = QTreeWidgetItem(
                [tx.when(c.at), c.actor, tx.plain(tx.name(tx.EVENT_NAMES, action))]
            )
            for line in describe_change(c):
                item.addChild(QTreeWidgetItem(["", "", line]))
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox()
        self.reload_btn = buttons.addButton(
            translate("Workstation", "&Reload the case"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)


class DepartmentDialog(QDialog):
    def __init__(
        self,
        departments: Sequence[DepartmentInfo],
        proposed: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Assign to a department"))
        self.combo = QComboBox()
        for d in departments:
            label = f"{d.code} {tx.pick(d.name, d.name_en)}"
            if d.code == proposed:
                label += " ★"
            self.combo.addItem(label, d.code)
        i = self.combo.findData(proposed)
        self.combo.setCurrentIndex(max(i, 0))
        form = QFormLayout()
        form.addRow(translate("Workstation", "Department:"), self.combo)
        hint = QLabel(translate("Workstation", "★ proposed for this request type"))
        hint.setStyleSheet("color: #666")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def dept_code(self) -> str:
        return str(self.combo.currentData())


class RatingDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Resident's rating"))
        self.group = QButtonGroup(self)
        labels = {
            1: translate("Workstation", "1 – very dissatisfied"),
            2: translate("Workstation", "2 – dissatisfied"),
            3: translate("Workstation", "3 – acceptable"),
            4: translate("Workstation", "4 – satisfied"),
            5: translate("Workstation", "5 – very satisfied"),
        }
        layout = QVBoxLayout(self)
        for value in (5, 4, 3, 2, 1):
            b = QRadioButton(f"&{labels[value]}")
            self.group.addButton(b, value)
            layout.addWidget(b)
        self.group.button(5).setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rating(self) -> int:
        return self.group.checkedId()


class SpotCheckDialog(QDialog):
    """Result of a verification call; a failure needs a reason and reopens the case."""

    def __init__(self, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Spot check result"))
        self.passed = QRadioButton(translate("Workstation", "&Passed: the resident confirms"))
        self.failed = QRadioButton(
            translate("Workstation", "&Failed: the problem remains (the case is reopened)")
        )
        self.passed.setChecked(True)
        self.note = QPlainTextEdit(note)
        self.note.setPlaceholderText(translate("Workstation", "What the resident said"))
        self.note.setFixedHeight(80)
        self.error = QLabel()
        self.error.setStyleSheet("color: #A8071A")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.passed, self.failed, self.note, self.error, buttons):
            layout.addWidget(w)

    def _ok(self) -> None:
        if self.failed.isChecked() and not self.note.toPlainText().strip():
            self.error.setText(translate("Workstation", "Say why the check failed."))
            return
        self.accept()

    def ok(self) -> bool:
        return self.passed.isChecked()

    def text(self) -> str:
        return self.note.toPlainText().strip()


class ReasonDialog(QDialog):
    """A required reason (escalation, closing without action, reopening)."""

    def __init__(self, title: str, prompt: str, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.edit = QPlainTextEdit(text)
        self.edit.setFixedHeight(90)
        self.error = QLabel()
        self.error.setStyleSheet("color: #A8071A")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        for w in (label, self.edit, self.error, buttons):
            layout.addWidget(w)

    def _ok(self) -> None:
        if not self.edit.toPlainText().strip():
            self.error.setText(translate("Workstation", "A reason is required."))
            return
        self.accept()

    def text(self) -> str:
        return self.edit.toPlainText().strip()
