"""The dialogs of the household profile (一户一档): edit the profile (members, special
groups, moved out, phones, notes), a member's new phone, a member leaving the record,
a new member, the conflict shown when someone else changed the household first, and
each grid's share of households verified in the last 30 days.

The dialogs only collect what the user typed; :class:`~center.windows.workstation.
household_view.HouseholdView` saves it through :mod:`center.visits.profile` on a worker
thread and tells the editor what went wrong (it stays open with what was typed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from center.core.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from center.core.pii import mask_name, mask_phone
from center.visits.households import HouseholdProfile
from center.visits.profile import (
    NOTES_MAX,
    REMOVAL_REASONS,
    GridVerification,
    MemberState,
    NewMember,
    ProfileEdit,
)
from center.windows.workstation import texts as tx
from center.windows.workstation.spotcheck_view import FittedTable

translate = tx.translate

REASON_NAMES = {
    "died": QT_TRANSLATE_NOOP("Workstation", "Passed away"),
    "moved_away": QT_TRANSLATE_NOOP("Workstation", "Moved away from the household"),
}
FIELD_NAMES = {
    "members": QT_TRANSLATE_NOOP("Workstation", "Number of members"),
    "special_groups": QT_TRANSLATE_NOOP("Workstation", "Special groups"),
    "is_special": QT_TRANSLATE_NOOP("Workstation", "Special household"),
    "moved_out_on": QT_TRANSLATE_NOOP("Workstation", "Moved out on"),
    "notes": QT_TRANSLATE_NOOP("Workstation", "Notes"),
    "phone": QT_TRANSLATE_NOOP("Workstation", "Phone of %1"),
    "tags": QT_TRANSLATE_NOOP("Workstation", "Tags of %1"),
    "member": QT_TRANSLATE_NOOP("Workstation", "Member %1"),
}
#: what a refused value means, by the field the service names
INPUT_MESSAGES = {
    "notes": QT_TRANSLATE_NOOP(
        "Workstation",
        "The notes may not hold an identity or phone number (enter a phone in the member's "
        "phone field), and at most 500 characters.",
    ),
    "moved_out_on": QT_TRANSLATE_NOOP("Workstation", "The move-out date is in the future."),
    "phone": QT_TRANSLATE_NOOP(
        "Workstation",
        "Not a phone number: type the whole 11-digit mobile number starting with 1, or a "
        "landline with its area code such as 010-12345678.",
    ),
    "members": QT_TRANSLATE_NOOP("Workstation", "The number of members is at least 1."),
    "name": QT_TRANSLATE_NOOP("Workstation", "Type the new member's whole name."),
    "id_number": QT_TRANSLATE_NOOP(
        "Workstation",
        "Not a valid identity number: 18 characters, the birth date inside it and the "
        "check digit must be right.",
    ),
    "birth_date": QT_TRANSLATE_NOOP("Workstation", "The birth date is in the future."),
    "profile": QT_TRANSLATE_NOOP(
        "Workstation",
        "Nothing was changed. If the record is still right, use “Confirm profile” instead.",
    ),
}


def profile_error_text(exc: BaseException) -> str:
    """A translated sentence for an error of a profile save."""
    if isinstance(exc, PermissionDenied):
        return translate(
            "Workstation",
            "Your role may not change this household's profile: only the worker of its grid "
            "and the coordinators may.",
        )
    if isinstance(exc, InvalidInput):
        known = INPUT_MESSAGES.get(exc.field)
        return tx.tr(known) if known else str(exc)
    if isinstance(exc, NotFound):
        return translate("Workstation", "Not found: %1").replace("%1", exc.code)
    return translate("Workstation", "The change could not be saved: %1").replace(
        "%1", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    )


def groups_text(groups: Sequence[str]) -> str:
    return "、".join(tx.name(tx.GROUP_NAMES, g) for g in groups) or translate("Workstation", "none")


def _field_label(key: str) -> str:
    kind, _sep, code = key.partition(":")
    label = tx.tr(FIELD_NAMES.get(kind, kind))
    return label.replace("%1", code) if code else label


def _field_value(key: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if value == "…":
        return translate("Workstation", "(text)")
    if key == "special_groups" and isinstance(value, str):
        return groups_text(value.split(";"))
    if isinstance(value, bool):
        return translate("Workstation", "yes") if value else translate("Workstation", "no")
    return str(value)


def describe_fields(fields: dict[str, tuple[object, object]]) -> list[str]:
    """One line per changed field: ``Members: 2 → 3``."""
    return [
        f"{_field_label(k)}: {_field_value(k, old)} → {_field_value(k, new)}"
        for k, (old, new) in fields.items()
    ]


def _red() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #A8071A")
    return label


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.rejected.connect(dialog.reject)
    return box


class PhoneDialog(QDialog):
    """A member's new phone (typed in full; empty: the member has none)."""

    def __init__(self, member: MemberState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Change phone"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(
            translate("Workstation", "11-digit mobile, or a landline with its area code")
        )
        self.edit.setMaxLength(20)
        form = QFormLayout()
        form.addRow(translate("Workstation", "Member:"), QLabel(f"{member.code} {member.name}"))
        form.addRow(translate("Workstation", "Phone now:"), QLabel(member.phone or "—"))
        form.addRow(translate("Workstation", "New phone:"), self.edit)
        hint = QLabel(translate("Workstation", "Leave it empty when the member has no phone."))
        hint.setStyleSheet("color: #666")
        buttons = _buttons(self)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def phone(self) -> str:
        return self.edit.text().strip()


class TagsDialog(QDialog):
    """A member's tags (e.g. 独居老人, 残疾人, 党员), separated by ``;``."""

    def __init__(self, member: MemberState, tags: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Change tags"))
        self.edit = QLineEdit(";".join(tags))
        self.edit.setMaxLength(200)
        self.edit.setPlaceholderText(translate("Workstation", "separated by ; e.g. 党员;独居老人"))
        self.edit.setMinimumWidth(320)
        form = QFormLayout()
        form.addRow(translate("Workstation", "Member:"), QLabel(f"{member.code} {member.name}"))
        form.addRow(translate("Workstation", "Tags:"), self.edit)
        buttons = _buttons(self)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def tags(self) -> tuple[str, ...]:
        return split_tags(self.edit.text())


def split_tags(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for piece in text.replace("；", ";").split(";"):
        piece = piece.strip()
        if piece and piece not in out:
            out.append(piece)
    return tuple(out)


class RemoveMemberDialog(QDialog):
    """Why a member leaves the household's record."""

    def __init__(self, member: MemberState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Remove a member"))
        intro = QLabel(
            translate(
                "Workstation",
                "%1 will be taken off the household's record (with the personal information "
                "stored about them). Why?",
            ).replace("%1", f"{member.code} {member.name}")
        )
        intro.setWordWrap(True)
        self.choices: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for reason in REMOVAL_REASONS:
            b = QRadioButton(tx.name(REASON_NAMES, reason))
            self.choices[reason] = b
            layout.addWidget(b)
        self.error = _red()
        buttons = _buttons(self)
        buttons.accepted.connect(self._ok)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _ok(self) -> None:
        if self.reason() is None:
            self.error.setText(translate("Workstation", "Choose why the member leaves."))
            return
        self.accept()

    def reason(self) -> str | None:
        return next((r for r, b in self.choices.items() if b.isChecked()), None)


class AddMemberDialog(QDialog):
    """A new member: the whole name (required), gender, birth date, identity number,
    phone, tags. Stored encrypted; shown masked from then on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Add a member"))
        self.name = QLineEdit()
        self.name.setMaxLength(100)
        self.gender = QComboBox()
        self.gender.addItem("—", None)
        self.gender.addItem(translate("Workstation", "male"), "M")
        self.gender.addItem(translate("Workstation", "female"), "F")
        self.has_birth = QCheckBox(translate("Workstation", "Born on"))
        self.birth = QDateEdit(QDate(1960, 1, 1))
        self.birth.setCalendarPopup(True)
        self.birth.setDisplayFormat("yyyy-MM-dd")
        self.birth.setMaximumDate(tx.qt_today())
        self.birth.setEnabled(False)
        self.has_birth.toggled.connect(self.birth.setEnabled)
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(18)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(translate("Workstation", "separated by ; e.g. 党员;独居老人"))
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.has_birth)
        birth_row.addWidget(self.birth, 1)
        form = QFormLayout()
        form.addRow(translate("Workstation", "Name:"), self.name)
        form.addRow(translate("Workstation", "Gender:"), self.gender)
        form.addRow(translate("Workstation", "Birth date:"), birth_row)
        form.addRow(translate("Workstation", "ID number:"), self.id_number)
        form.addRow(translate("Workstation", "Phone:"), self.phone)
        form.addRow(translate("Workstation", "Tags:"), self.tags)
        hint = QLabel(
            translate(
                "Workstation",
                "The identity number gives the birth date and gender when they are left empty.",
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666")
        self.error = _red()
        buttons = _buttons(self)
        buttons.accepted.connect(self._ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _ok(self) -> None:
        if not self.name.text().strip():
            self.error.setText(tx.tr(INPUT_MESSAGES["name"]))
            return
        self.accept()

    def member(self) -> NewMember:
        birth = self.birth.date().toPython() if self.has_birth.isChecked() else None
        return NewMember(
            name=self.name.text().strip(),
            gender=self.gender.currentData(),
            birth_date=birth if isinstance(birth, date) else None,
            id_number=self.id_number.text().strip() or None,
            phone=self.phone.text().strip() or None,
            tags=split_tags(self.tags.text()),
        )


class ProfileDialog(QDialog):
    """Edit a household's profile. Save emits :attr:`save_requested` with the
    :class:`ProfileEdit`; the view saves it and closes the dialog, or shows why not
    (:meth:`show_error`) and the dialog keeps what was typed."""

    save_requested = Signal(object)

    def __init__(self, profile: HouseholdProfile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.phones: dict[str, str] = {}
        self.tags: dict[str, tuple[str, ...]] = {}
        self.removed: dict[str, str] = {}
        self.added: list[NewMember] = []
        self.setWindowTitle(
            translate("Workstation", "Edit household profile %1").replace("%1", profile.code)
        )
        self.setMinimumWidth(680)

        title = QLabel(f"{profile.code}  {profile.address}")
        f = title.font()
        f.setBold(True)
        title.setFont(f)
        title.setWordWrap(True)

        self.members = QSpinBox()
        self.members.setRange(0, 99)
        self.members.setSpecialValueText(translate("Workstation", "not recorded"))
        self.members.setValue(profile.members or 0)
        self.members.setMaximumWidth(160)
        self.groups: dict[str, QCheckBox] = {}
        groups_box = QGridLayout()
        for i, (code, label) in enumerate(tx.GROUP_NAMES.items()):
            box = QCheckBox(tx.tr(label))
            box.setChecked(code in profile.special_groups)
            self.groups[code] = box
            groups_box.addWidget(box, i // 3, i % 3)
        self.moved_out = QCheckBox(translate("Workstation", "Moved out on"))
        self.moved_on = QDateEdit(
            QDate(profile.moved_out_on) if profile.moved_out_on else tx.qt_today()
        )
        self.moved_on.setCalendarPopup(True)
        self.moved_on.setDisplayFormat("yyyy-MM-dd")
        self.moved_on.setMaximumDate(tx.qt_today())
        self.moved_out.setChecked(profile.moved_out_on is not None)
        self.moved_on.setEnabled(profile.moved_out_on is not None)
        self.moved_out.toggled.connect(self.moved_on.setEnabled)
        moved_hint = QLabel(
            translate(
                "Workstation",
                "A household that moved out leaves the visit cadence and the coverage "
                "figures from the period it moved out in.",
            )
        )
        moved_hint.setWordWrap(True)
        moved_hint.setStyleSheet("color: #666")
        moved_row = QHBoxLayout()
        moved_row.addWidget(self.moved_out)
        moved_row.addWidget(self.moved_on)
        moved_row.addStretch(1)
        self.notes = QPlainTextEdit(profile.notes or "")
        self.notes.setFixedHeight(64)
        self.notes.setPlaceholderText(
            translate("Workstation", "What the next visitor should know (no ID or phone numbers)")
        )

        form = QFormLayout()
        form.addRow(translate("Workstation", "Members:"), self.members)
        form.addRow(translate("Workstation", "Special groups:"), groups_box)
        form.addRow(translate("Workstation", "Moved out:"), moved_row)
        form.addRow("", moved_hint)
        form.addRow(translate("Workstation", "Notes:"), self.notes)

        self.table = FittedTable(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Resident"),
                translate("Workstation", "Name"),
                translate("Workstation", "Phone"),
                translate("Workstation", "Tags"),
                translate("Workstation", "Change"),
            ]
        )
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # each column as wide as its content (header, entries, a typical value); the
        # change column, the last, gets what is left beyond that, else the table scrolls
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(False)
        self.table.resized.connect(self.fit_columns)
        self.table.setMinimumHeight(130)
        self.phone_btn = QPushButton(translate("Workstation", "Change &phone…"))
        self.tags_btn = QPushButton(translate("Workstation", "Change &tags…"))
        self.tags_btn.clicked.connect(self._tags_clicked)
        self.remove_btn = QPushButton(translate("Workstation", "&Remove member…"))
        self.add_btn = QPushButton(translate("Workstation", "&Add member…"))
        self.undo_btn = QPushButton(translate("Workstation", "&Undo member change"))
        self.phone_btn.clicked.connect(self._phone_clicked)
        self.remove_btn.clicked.connect(self._remove_clicked)
        self.add_btn.clicked.connect(self._add_clicked)
        self.undo_btn.clicked.connect(self._undo_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        row_buttons = QHBoxLayout()
        for b in (self.phone_btn, self.tags_btn, self.remove_btn, self.undo_btn):
            row_buttons.addWidget(b)
        row_buttons.addStretch(1)
        row_buttons.addWidget(self.add_btn)
        members_box = QGroupBox(translate("Workstation", "Members on record"))
        mv = QVBoxLayout(members_box)
        mv.addWidget(self.table)
        mv.addLayout(row_buttons)

        self.error = _red()
        self.buttons = QDialogButtonBox()
        self.save_btn = self.buttons.addButton(
            translate("Workstation", "&Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(members_box, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._fill()

    # -- the members table ----------------------------------------------------------

    def _members(self) -> tuple[MemberState, ...]:
        return self.profile.state.residents if self.profile.state else ()

    def _fill(self) -> None:
        rows: list[tuple[str, str, str, str, str, bool]] = []
        for m in self._members():
            tags = "、".join(m.tags)
            if m.code in self.removed:
                change = translate("Workstation", "removed: %1").replace(
                    "%1", tx.name(REASON_NAMES, self.removed[m.code])
                )
                rows.append((m.code, m.name, m.phone or "—", tags, change, True))
                continue
            changes = []
            if m.code in self.phones:
                new = self.phones[m.code]
                shown = mask_phone(new) if new else "—"
                changes.append(translate("Workstation", "new phone %1").replace("%1", shown))
            if m.code in self.tags:
                new_tags = "、".join(self.tags[m.code]) or "—"
                changes.append(translate("Workstation", "new tags %1").replace("%1", new_tags))
            rows.append((m.code, m.name, m.phone or "—", tags, "；".join(changes), False))
        for i, n in enumerate(self.added):
            label = translate("Workstation", "new member")
            shown = mask_phone(n.phone) if n.phone else "—"
            rows.append((f"+{i + 1}", mask_name(n.name), shown, "、".join(n.tags), label, False))
        self.table.setRowCount(len(rows))
        for r, (code, name, phone, tags, change, struck) in enumerate(rows):
            for c, text in enumerate((code, name, phone, tags, change)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, code)
                if struck and c < 4:
                    font = QFont(item.font())
                    font.setStrikeOut(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.fit_columns()
        self._update_buttons()

    #: what a column typically holds, so it has room before the first member is listed
    TYPICAL = ("R0000000", "张**", "138****5678", "独居、残疾、低保", "")

    def fit_columns(self) -> None:
        """Every column as wide as its header, its entries and a typical value, with a
        margin; the last (the change) also takes the room left beyond that (when there
        is none, the table scrolls sideways)."""
        header = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        pad = 2 * fm.horizontalAdvance("M")
        widths = []
        for col in range(self.table.columnCount()):
            texts = [self.TYPICAL[col]] + [
                it.text()
                for r in range(self.table.rowCount())
                if (it := self.table.item(r, col)) is not None
            ]
            widest = max(fm.horizontalAdvance(t) for t in texts)
            title = str(self.table.model().headerData(col, Qt.Orientation.Horizontal) or "")
            widest = max(widest, header.fontMetrics().horizontalAdvance(title))
            widths.append(max(header.sectionSizeHint(col), widest + pad))
        room = self.table.viewport().width() - sum(widths)
        if room > 0:
            widths[-1] += room
        for col, width in enumerate(widths):
            self.table.setColumnWidth(col, width)

    def _selected(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _member(self, code: str | None) -> MemberState | None:
        return next((m for m in self._members() if m.code == code), None)

    def _update_buttons(self) -> None:
        code = self._selected()
        existing = self._member(code) is not None and code not in self.removed
        self.phone_btn.setEnabled(existing)
        self.tags_btn.setEnabled(existing)
        self.remove_btn.setEnabled(existing)
        changed = code is not None and (
            code in self.removed or code in self.phones or code in self.tags or code.startswith("+")
        )
        self.undo_btn.setEnabled(changed)

    def select_member(self, code: str) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == code:
                self.table.selectRow(r)
                return

    def _phone_clicked(self) -> None:
        member = self._member(self._selected())
        if member is None:
            return
        dlg = PhoneDialog(member, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.phones[member.code] = dlg.phone()
            self._fill()
            self.select_member(member.code)

    def _tags_clicked(self) -> None:
        member = self._member(self._selected())
        if member is None:
            return
        dlg = TagsDialog(member, self.tags.get(member.code, member.tags), self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            if dlg.tags() == member.tags:
                self.tags.pop(member.code, None)
            else:
                self.tags[member.code] = dlg.tags()
            self._fill()
            self.select_member(member.code)

    def _remove_clicked(self) -> None:
        member = self._member(self._selected())
        if member is None:
            return
        dlg = RemoveMemberDialog(member, self)
        if dlg.exec() == QDialog.DialogCode.Accepted and dlg.reason() is not None:
            self.removed[member.code] = str(dlg.reason())
            self.phones.pop(member.code, None)
            self.tags.pop(member.code, None)
            if self.members.value() > 1:
                self.members.setValue(self.members.value() - 1)
            self._fill()
            self.select_member(member.code)

    def _add_clicked(self) -> None:
        dlg = AddMemberDialog(self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.added.append(dlg.member())
            if self.members.value() > 0:  # "not recorded" stays so
                self.members.setValue(self.members.value() + 1)
            self._fill()
            self.select_member(f"+{len(self.added)}")

    def _undo_clicked(self) -> None:
        code = self._selected()
        if code is None:
            return
        if code.startswith("+"):
            del self.added[int(code[1:]) - 1]
            if self.members.value() > 1:
                self.members.setValue(self.members.value() - 1)
        elif code in self.removed:
            del self.removed[code]
            if self.members.value() > 0:
                self.members.setValue(self.members.value() + 1)
        else:
            self.phones.pop(code, None)
            self.tags.pop(code, None)
        self._fill()

    # -- saving ------------------------------------------------------------------

    def edit(self) -> ProfileEdit:
        moved = self.moved_on.date().toPython() if self.moved_out.isChecked() else None
        return ProfileEdit(
            members=self.members.value() or None,
            special_groups=tuple(g for g, b in self.groups.items() if b.isChecked()),
            moved_out_on=moved if isinstance(moved, date) else None,
            notes=self.notes.toPlainText().strip() or None,
            phones=dict(self.phones),
            tags=dict(self.tags),
            removed=dict(self.removed),
            added=tuple(self.added),
        )

    def _save_clicked(self) -> None:
        notes = self.notes.toPlainText().strip()
        if len(notes) > NOTES_MAX:
            self.show_error(tx.tr(INPUT_MESSAGES["notes"]))
            return
        self.error.clear()
        self.save_btn.setEnabled(False)
        self.save_requested.emit(self.edit())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.save_btn.setEnabled(True)


class HouseholdConflictDialog(QDialog):
    """Someone else changed the household after the editor opened it: what, who, when.
    Nothing of this user's was written; the editor keeps what was typed."""

    def __init__(self, error: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(translate("Workstation", "Household changed by someone else"))
        self.setMinimumWidth(520)
        who = ", ".join(sorted({c.actor for c in error.changes})) or translate(
            "Workstation", "another user"
        )
        if who == "import":
            who = translate("Workstation", "an import")
        intro = QLabel(
            translate(
                "Workstation",
                "Household %1 was changed by %2 after you opened it. Your change was not "
                "saved and nothing was overwritten. Reload the household to see the current "
                "record, then make your change again.",
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
                translate("Workstation", "What changed"),
            ]
        )
        for c in error.changes:
            actor = translate("Workstation", "an import") if c.actor == "import" else c.actor
            lines = describe_fields(c.fields) or [
                translate("Workstation", "The profile was confirmed.")
            ]
            item = QTreeWidgetItem([tx.when(c.at), actor, lines[0]])
            for line in lines[1:]:
                item.addChild(QTreeWidgetItem(["", "", line]))
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self.tree.resizeColumnToContents(1)
        buttons = QDialogButtonBox()
        self.reload_btn = buttons.addButton(
            translate("Workstation", "&Reload the household"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)


class GridShareDialog(QDialog):
    """Each grid's share of households verified in the last 30 days (一户一档动态更新)."""

    def __init__(self, shares: Sequence[GridVerification], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Household records verified by grid"))
        self.resize(640, 480)
        intro = QLabel(
            translate(
                "Workstation",
                "Households verified in the last 30 days (a visit that met them, or their "
                "profile confirmed or edited) among the households that have not moved out.",
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(shares), 5)
        self.table.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Community"),
                translate("Workstation", "Grid"),
                translate("Workstation", "Households"),
                translate("Workstation", "Verified"),
                translate("Workstation", "Share"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(False)
        for r, s in enumerate(shares):
            share = "—" if s.share is None else f"{s.share * 100:.1f}%"
            for c, text in enumerate(
                (
                    s.community_name,
                    f"{s.grid_code} {s.grid_name}",
                    str(s.households),
                    str(s.verified),
                    share,
                )
            ):
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
