"""Small dialogs of the workstation: choose a department, rate, spot-check result,
give a reason, and the conflict dialog shown when someone else changed a case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from center.accounts.service import UserLabel
from center.cases.lifecycle import CaseDetail, DepartmentInfo
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


RATING_LABELS = {
    1: QT_TRANSLATE_NOOP("Workstation", "1 – very dissatisfied"),
    2: QT_TRANSLATE_NOOP("Workstation", "2 – dissatisfied"),
    3: QT_TRANSLATE_NOOP("Workstation", "3 – acceptable"),
    4: QT_TRANSLATE_NOOP("Workstation", "4 – satisfied"),
    5: QT_TRANSLATE_NOOP("Workstation", "5 – very satisfied"),
}
#: a changed free text the audit log does not copy (shown only when the case could
#: not be read again)
REDACTED = "…"


def _text_of(value: object) -> str:
    return " ".join(str(value).split())


def field_words(
    field: str, value: object, names: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """A field's value in words: names for statuses, priorities, departments and
    requests, dates as dates, yes/no, the rating with its meaning; ``names`` maps
    ``dept`` and ``subcategory`` codes to their names."""
    if value is None or value == "":
        return "—"
    if value == REDACTED:
        return translate("Workstation", "(text changed)")
    if field == "status":
        return tx.name(tx.STATUS_NAMES, str(value))
    if field == "priority":
        return tx.name(tx.PRIORITY_NAMES, str(value))
    if field in ("dept", "subcategory"):
        name = (names or {}).get(field, {}).get(str(value))
        return f"{value} {name}" if name else str(value)
    if field == "satisfaction" and str(value).isdigit() and int(str(value)) in RATING_LABELS:
        return tx.tr(RATING_LABELS[int(str(value))])
    if isinstance(value, bool):
        return translate("Workstation", "yes") if value else translate("Workstation", "no")
    if isinstance(value, datetime):
        return tx.when(value)
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and "T" in value:
        try:
            return tx.when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return _text_of(value)


def _value(field: str, value: object) -> str:
    return field_words(field, value)


def describe_change(c: ChangeRecord) -> list[str]:
    """One line per changed field: ``Department: — → D06``."""
    out = []
    for field, (old, new) in c.fields.items():
        label = tx.tr(FIELD_NAMES.get(field, field))
        out.append(f"{label}: {_value(field, old)} → {_value(field, new)}")
    return out


def detail_value(d: CaseDetail, field: str) -> object:
    """A field of a case as the conflict dialog compares it (the audit log's names)."""
    if field == "dept":
        return d.dept_code
    if field == "subcategory":
        return d.subcategory_code
    return getattr(d, field, None)


def detail_names(*details: CaseDetail | None) -> dict[str, dict[str, str]]:
    """Department and request names the details know, by code."""
    out: dict[str, dict[str, str]] = {"dept": {}, "subcategory": {}}
    for d in details:
        if d is None:
            continue
        if d.dept_code:
            out["dept"][d.dept_code] = tx.pick(d.dept_name or "", d.dept_name_en)
        out["subcategory"][d.subcategory_code] = tx.pick(d.subcategory_name, d.subcategory_name_en)
    return out


def conflict_rows(
    error: ConflictError,
    mine: CaseDetail | None = None,
    theirs: CaseDetail | None = None,
    attempted: Mapping[str, object] | None = None,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> list[tuple[str, str, str]]:
    """(field, their value, your value) in words, one per field the others changed or
    your change would have set (status first, then department, priority …): their
    value is the case as it is now (``theirs``, read again; else the last value they
    saved), yours the value you were saving, else the one on your screen (``mine``;
    else the value before their change)."""
    attempted = dict(attempted or {})
    known = detail_names(mine, theirs)
    for kind, more in (names or {}).items():
        known.setdefault(kind, {}).update(more)
    order: list[str] = []
    first_old: dict[str, object] = {}
    last_new: dict[str, object] = {}
    for c in error.changes:
        for field, (old, new) in c.fields.items():
            if field not in order:
                order.append(field)
                first_old[field] = old
            last_new[field] = new
    order += [f for f in attempted if f not in order]
    known_order = list(FIELD_NAMES)
    order.sort(key=lambda f: known_order.index(f) if f in known_order else len(known_order))
    rows = []
    for field in order:
        if theirs is not None:
            their: object = detail_value(theirs, field)
        elif field in last_new:
            their = last_new[field]
        else:
            their = detail_value(mine, field) if mine is not None else None
        if field in attempted:
            yours = attempted[field]
        elif mine is not None:
            yours = detail_value(mine, field)
        else:
            yours = first_old.get(field)
        rows.append(
            (
                tx.tr(FIELD_NAMES.get(field, field)),
                field_words(field, their, known),
                field_words(field, yours, known),
            )
        )
    return rows


class ConflictDialog(QDialog):
    """Someone else saved the case first: what they changed, field by field (their
    value beside yours), and when; reload or close. Nothing of the user's was written,
    and their typed note stays in the form."""

    def __init__(
        self,
        error: ConflictError,
        parent: QWidget | None = None,
        *,
        mine: CaseDetail | None = None,
        theirs: CaseDetail | None = None,
        attempted: Mapping[str, object] | None = None,
        labels: Mapping[str, UserLabel] | None = None,
        names: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.error = error
        labels = labels or {}
        self.setWindowTitle(translate("Workstation", "Case changed by someone else"))
        self.setMinimumWidth(640)
        who = "、".join(sorted({tx.person(c.actor, labels) for c in error.changes})) or translate(
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
        self.rows = conflict_rows(error, mine, theirs, attempted, names)
        self.fields = QTableWidget(len(self.rows), 3)
        self.fields.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Field"),
                translate("Workstation", "Their value (saved)"),
                translate("Workstation", "Your value (not saved)"),
            ]
        )
        self.fields.verticalHeader().setVisible(False)
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setWordWrap(True)
        for i, row in enumerate(self.rows):
            for j, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.fields.setItem(i, j, item)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.fields.resizeRowsToContents()
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [
                translate("Workstation", "When"),
                translate("Workstation", "Who"),
                translate("Workstation", "What"),
            ]
        )
        self.tree.setRootIsDecorated(False)
        for c in error.changes:
            action = c.action.removeprefix("case.")
            item = QTreeWidgetItem(
                [
                    tx.when(c.at),
                    tx.person(c.actor, labels),
                    tx.plain(tx.name(tx.EVENT_NAMES, action)),
                ]
            )
            item.setToolTip(1, c.actor)
            self.tree.addTopLevelItem(item)
        for i in range(3):
            self.tree.resizeColumnToContents(i)
        self.tree.setMaximumHeight(
            self.tree.header().sizeHint().height()
            + 6
            + max(1, len(error.changes)) * max(20, self.tree.sizeHintForRow(0))
        )
        buttons = QDialogButtonBox()
        self.reload_btn = buttons.addButton(
            translate("Workstation", "&Reload the case"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(translate("Workstation", "What changed")))
        layout.addWidget(self.fields, 1)
        layout.addWidget(QLabel(translate("Workstation", "Their changes")))
        layout.addWidget(self.tree)
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
    """The resident's rating (1–5), recorded for the resident: nothing is chosen at
    first, and OK waits for a choice (a default would be recorded unasked)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Resident's rating"))
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = QVBoxLayout(self)
        prompt = QLabel(translate("Workstation", "How satisfied is the resident with the result?"))
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        for value in (5, 4, 3, 2, 1):
            b = QRadioButton(f"&{tx.tr(RATING_LABELS[value])}")
            b.setChecked(False)
            self.group.addButton(b, value)
            layout.addWidget(b)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.group.idToggled.connect(self._on_choice)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _on_choice(self, _id: int, _checked: bool) -> None:
        self.ok_button.setEnabled(self.group.checkedId() in RATING_LABELS)

    def _ok(self) -> None:
        if self.rating() is not None:
            self.accept()

    def rating(self) -> int | None:
        """The chosen rating; None while nothing is chosen."""
        value = self.group.checkedId()
        return value if value in RATING_LABELS else None


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
