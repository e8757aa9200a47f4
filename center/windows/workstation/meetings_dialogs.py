"""Dialogs of the joint-meeting tab (联席会议): plan or edit a meeting, record it as
held, the decision on an item, a required note (drop reason, progress, closing note),
add a case or a topic to a meeting, and an item's detail with its linked cases.

The dialogs only collect values; the tab calls the services with them. They are opened
with ``open()`` (not a nested ``exec()``), so a drop on the board can open one and a
test can fill it in and press OK.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from center.cases.lifecycle import DepartmentInfo
from center.office.meetings import BoardItem, ItemDetail, MeetingInfo
from center.windows.workstation import texts as tx

translate = tx.translate
ERROR_STYLE = "color: #A8071A"

#: the board's columns and the item statuses (zh_CN as center.office.meetings names them)
ITEM_STATUS_NAMES = {
    "proposed": QT_TRANSLATE_NOOP("Workstation", "Proposed for the meeting"),
    "on_agenda": QT_TRANSLATE_NOOP("Workstation", "On the agenda"),
    "decided": QT_TRANSLATE_NOOP("Workstation", "Decided"),
    "in_execution": QT_TRANSLATE_NOOP("Workstation", "In execution"),
    "done": QT_TRANSLATE_NOOP("Workstation", "Completed"),
    "dropped": QT_TRANSLATE_NOOP("Workstation", "Dropped from the agenda"),
}
#: why a case is proposed (zh_CN as center.office.meetings.REASON_NAMES)
REASON_NAMES = {
    "escalated": QT_TRANSLATE_NOOP("Workstation", "Escalated to the joint meeting"),
    "overdue": QT_TRANSLATE_NOOP("Workstation", "Overdue, not closed"),
    "bounced": QT_TRANSLATE_NOOP("Workstation", "Passed between departments"),
    "cluster": QT_TRANSLATE_NOOP("Workstation", "Cluster of similar requests"),
}
MEETING_STATUS_NAMES = {
    "planned": QT_TRANSLATE_NOOP("Workstation", "Planned"),
    "held": QT_TRANSLATE_NOOP("Workstation", "Held"),
    "minutes_approved": QT_TRANSLATE_NOOP("Workstation", "Minutes approved"),
}
#: an item's history notes (center.office.meetings writes one per move)
NOTE_KINDS = {
    "add": QT_TRANSLATE_NOOP("Workstation", "Added to the agenda"),
    "accept": QT_TRANSLATE_NOOP("Workstation", "Accepted onto the agenda"),
    "drop": QT_TRANSLATE_NOOP("Workstation", "Dropped"),
    "decide": QT_TRANSLATE_NOOP("Workstation", "Decision recorded"),
    "ack": QT_TRANSLATE_NOOP("Workstation", "Acknowledged by the lead department"),
    "progress": QT_TRANSLATE_NOOP("Workstation", "Progress note"),
    "done": QT_TRANSLATE_NOOP("Workstation", "Closed with a note"),
}


def _name(table: Mapping[str, object], key: str) -> str:
    return translate("Workstation", str(table.get(key, key)))


def status_name(status: str) -> str:
    return _name(ITEM_STATUS_NAMES, status)


def reason_names(reasons: Iterable[str]) -> str:
    return "、".join(_name(REASON_NAMES, r) for r in reasons)


def meeting_status_name(status: str) -> str:
    return _name(MEETING_STATUS_NAMES, status)


def note_kind(kind: str) -> str:
    return _name(NOTE_KINDS, kind)


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def dept_label(d: DepartmentInfo) -> str:
    return f"{d.code} {tx.pick(d.name, d.name_en)}"


class DeptChecklist(QListWidget):
    """Departments with a check box each."""

    def __init__(
        self,
        departments: Sequence[DepartmentInfo],
        checked: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        wanted = set(checked)
        for d in departments:
            item = QListWidgetItem(dept_label(d))
            item.setData(Qt.ItemDataRole.UserRole, d.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if d.code in wanted else Qt.CheckState.Unchecked
            )
            self.addItem(item)
        self.setMinimumHeight(120)

    def codes(self) -> list[str]:
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_codes(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        for i in range(self.count()):
            item = self.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def _buttons(dialog: QDialog, ok: Any) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(ok)
    box.rejected.connect(dialog.reject)
    return box


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


class MeetingDialog(QDialog):
    """Plan a meeting, or edit one (``meeting`` given)."""

    def __init__(
        self,
        departments: Sequence[DepartmentInfo],
        meeting: MeetingInfo | None = None,
        *,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.meeting = meeting
        self.setWindowTitle(
            translate("Workstation", "Plan a joint meeting")
            if meeting is None
            else translate("Workstation", "Edit the meeting %1").replace("%1", meeting.code)
        )
        self.setMinimumWidth(480)
        day = meeting.date if meeting else today + timedelta(days=7)
        self.date = QDateEdit(qdate(day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.time = QTimeEdit(
            QTime.fromString(meeting.time or "09:00", "HH:mm") if meeting else QTime(9, 0)
        )
        self.time.setDisplayFormat("HH:mm")
        default_title = translate("Workstation", "%1 joint meeting").replace(
            "%1",
            translate("Workstation", "%1-%2")
            .replace("%1", str(day.year))
            .replace("%2", f"{day.month:02d}"),
        )
        self.title = QLineEdit(meeting.title if meeting else default_title)
        self.title.setMaxLength(200)
        self.chair = QLineEdit(meeting.chair or "" if meeting else "")
        self.chair.setMaxLength(60)
        self.chair.setPlaceholderText(translate("Workstation", "who chairs the meeting"))
        self.place = QLineEdit(meeting.place or "" if meeting else "")
        self.place.setMaxLength(100)
        self.attending = DeptChecklist(departments, meeting.attending if meeting else ())
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(translate("Workstation", "Date:"), self.date)
        form.addRow(translate("Workstation", "Starts at:"), self.time)
        form.addRow(translate("Workstation", "Title:"), self.title)
        form.addRow(translate("Workstation", "Chair:"), self.chair)
        form.addRow(translate("Workstation", "Place:"), self.place)
        form.addRow(translate("Workstation", "Attending departments:"), self.attending)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, self._ok))

    def _ok(self) -> None:
        if not self.title.text().strip():
            self.error.setText(translate("Workstation", "The meeting needs a title."))
            return
        if not self.chair.text().strip():
            self.error.setText(translate("Workstation", "Say who chairs the meeting."))
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return {
            "held_on": self.date.date().toPython(),
            "time_of_day": self.time.time().toString("HH:mm"),
            "title": self.title.text().strip(),
            "chair": self.chair.text().strip(),
            "place": self.place.text().strip(),
            "attending": self.attending.codes(),
        }


class HoldDialog(QDialog):
    """Record a planned meeting as held: who attended, and optional minutes notes."""

    def __init__(
        self,
        departments: Sequence[DepartmentInfo],
        meeting: MeetingInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.meeting = meeting
        self.setWindowTitle(
            translate("Workstation", "Record the meeting %1 as held").replace("%1", meeting.code)
        )
        self.setMinimumWidth(460)
        intro = QLabel(
            translate("Workstation", "%1, %2: tick the departments that attended.")
            .replace("%1", meeting.title)
            .replace("%2", meeting.date.isoformat())
        )
        intro.setWordWrap(True)
        self.attending = DeptChecklist(departments, meeting.attending)
        self.minutes = QPlainTextEdit(meeting.minutes or "")
        self.minutes.setPlaceholderText(
            translate("Workstation", "Notes for the minutes (optional)")
        )
        self.minutes.setFixedHeight(80)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.attending)
        layout.addWidget(self.minutes)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, self._ok))

    def _ok(self) -> None:
        if not self.attending.codes():
            self.error.setText(translate("Workstation", "Tick at least one department."))
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return {"attending": self.attending.codes(), "minutes": self.minutes.toPlainText()}


class DecisionDialog(QDialog):
    """The meeting's decision on an item: lead, co-operating departments, measures and
    the due date (the last day allowed)."""

    def __init__(
        self,
        item: BoardItem,
        departments: Sequence[DepartmentInfo],
        *,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.setWindowTitle(
            translate("Workstation", "Decision on item %1").replace("%1", f"“{item.title}”")
        )
        self.setMinimumWidth(520)
        title = QLabel(item.title)
        title.setWordWrap(True)
        f = title.font()
        f.setBold(True)
        title.setFont(f)
        self.lead = QComboBox()
        for d in departments:
            self.lead.addItem(dept_label(d), d.code)
        self.lead.setCurrentIndex(max(self.lead.findData(item.lead), 0))
        self.co = DeptChecklist(departments, item.co_depts)
        self.co.setMinimumHeight(110)
        self.measures = QPlainTextEdit(item.measures or "")
        self.measures.setPlaceholderText(
            translate("Workstation", "What the meeting decided: measures, who does what")
        )
        self.measures.setFixedHeight(90)
        self.due = QDateEdit(qdate(item.due or today + timedelta(days=30)))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setMinimumDate(qdate(today))
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(translate("Workstation", "Lead department:"), self.lead)
        form.addRow(translate("Workstation", "Co-operating:"), self.co)
        form.addRow(translate("Workstation", "Measures:"), self.measures)
        form.addRow(translate("Workstation", "Due (last day):"), self.due)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, self._ok))

    def _ok(self) -> None:
        if not self.measures.toPlainText().strip():
            self.error.setText(translate("Workstation", "Write down the measures decided."))
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        lead = str(self.lead.currentData())
        return {
            "lead": lead,
            "co_depts": [c for c in self.co.codes() if c != lead],
            "measures": self.measures.toPlainText().strip(),
            "due": self.due.date().toPython(),
        }


class NoteDialog(QDialog):
    """A required text: the reason an item is dropped, a progress note, the closing
    note."""

    def __init__(
        self,
        title: str,
        prompt: str,
        missing: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self._missing = missing
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.edit = QPlainTextEdit()
        self.edit.setFixedHeight(100)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        for w in (label, self.edit, self.error):
            layout.addWidget(w)
        layout.addWidget(_buttons(self, self._ok))

    def _ok(self) -> None:
        if not self.edit.toPlainText().strip():
            self.error.setText(self._missing)
            return
        self.accept()

    def text(self) -> str:
        return self.edit.toPlainText().strip()


class AddItemDialog(QDialog):
    """Add a case (by its number) or a free topic to a meeting's agenda."""

    def __init__(
        self,
        meeting: MeetingInfo,
        departments: Sequence[DepartmentInfo],
        kind: str = "case",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.meeting = meeting
        self.setWindowTitle(
            translate("Workstation", "Add to the agenda of %1").replace("%1", meeting.code)
        )
        self.setMinimumWidth(460)
        self.by_case = QRadioButton(translate("Workstation", "A &case, by its number"))
        self.by_topic = QRadioButton(translate("Workstation", "A free &topic"))
        group = QButtonGroup(self)
        group.addButton(self.by_case)
        group.addButton(self.by_topic)
        self.case_no = QLineEdit()
        self.case_no.setPlaceholderText(translate("Workstation", "case number"))
        self.topic = QLineEdit()
        self.topic.setMaxLength(200)
        self.topic.setPlaceholderText(translate("Workstation", "what the meeting should discuss"))
        self.lead = QComboBox()
        self.lead.addItem(translate("Workstation", "(the case's department / none yet)"), None)
        for d in departments:
            self.lead.addItem(dept_label(d), d.code)
        self.by_case.toggled.connect(self._sync)
        (self.by_case if kind == "case" else self.by_topic).setChecked(True)
        self._sync()
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(self.by_case, self.case_no)
        form.addRow(self.by_topic, self.topic)
        form.addRow(translate("Workstation", "Lead department:"), self.lead)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, self._ok))

    def _sync(self) -> None:
        case = self.by_case.isChecked()
        self.case_no.setEnabled(case)
        self.topic.setEnabled(not case)
        (self.case_no if case else self.topic).setFocus()

    def _ok(self) -> None:
        if self.by_case.isChecked() and not self.case_no.text().strip():
            self.error.setText(translate("Workstation", "Type the case number."))
            return
        if self.by_topic.isChecked() and not self.topic.text().strip():
            self.error.setText(translate("Workstation", "Type the topic."))
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        case = self.by_case.isChecked()
        return {
            "case_no": self.case_no.text().strip() if case else None,
            "topic": None if case else self.topic.text().strip(),
            "lead": self.lead.currentData(),
        }


class ItemDetailDialog(QDialog):
    """An item: its status, reasons, meeting, decision, history notes and its linked
    cases (one click on a case opens it in the inbox)."""

    case_requested = Signal(str)

    def __init__(
        self,
        detail: ItemDetail | None,
        item: BoardItem,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.detail = detail
        self.item = item
        self.setWindowTitle(
            translate("Workstation", "Joint-meeting item %1").replace("%1", f"“{item.title}”")
        )
        self.resize(780, 600)
        title = QLabel(item.title)
        title.setWordWrap(True)
        f = title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        title.setFont(f)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        status = status_name(item.status)
        if item.overdue:
            status += " · " + translate("Workstation", "OVERDUE")
        self.status = QLabel(status)
        if item.overdue:
            self.status.setStyleSheet(ERROR_STYLE + "; font-weight: bold")
        form.addRow(translate("Workstation", "Status:"), self.status)
        if item.reasons:
            form.addRow(
                translate("Workstation", "Proposed because:"), QLabel(reason_names(item.reasons))
            )
        meeting = detail.meeting if detail else None
        if meeting is not None:
            form.addRow(
                translate("Workstation", "Meeting:"),
                QLabel(f"{meeting.code} · {meeting.date.isoformat()} · {meeting.title}"),
            )
        elif item.meeting:
            form.addRow(translate("Workstation", "Meeting:"), QLabel(item.meeting))
        if item.lead:
            form.addRow(
                translate("Workstation", "Lead department:"),
                QLabel(f"{item.lead} {item.lead_name or ''}".strip()),
            )
        if item.co_depts:
            form.addRow(translate("Workstation", "Co-operating:"), QLabel("、".join(item.co_depts)))
        if item.measures:
            measures = QLabel(item.measures)
            measures.setWordWrap(True)
            form.addRow(translate("Workstation", "Measures:"), measures)
        if item.due:
            form.addRow(translate("Workstation", "Due (last day):"), QLabel(item.due.isoformat()))
        if detail is not None:
            for label, value in (
                (translate("Workstation", "Decided at:"), detail.decided_at),
                (translate("Workstation", "Acknowledged at:"), detail.acked_at),
                (translate("Workstation", "Closed at:"), detail.closed_at),
            ):
                if value is not None:
                    form.addRow(label, QLabel(tx.when(value)))
            for label, text in (
                (translate("Workstation", "Drop reason:"), detail.drop_reason),
                (translate("Workstation", "Closing note:"), detail.closing_note),
            ):
                if text:
                    w = QLabel(text)
                    w.setWordWrap(True)
                    form.addRow(label, w)

        # linked cases: one click opens the case
        self.cases = QTableWidget(0, 5)
        self.cases.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Case"),
                translate("Workstation", "Request"),
                translate("Workstation", "Status"),
                translate("Workstation", "Department"),
                translate("Workstation", "Received at"),
            ]
        )
        self.cases.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cases.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases.verticalHeader().setVisible(False)
        self.cases.horizontalHeader().setStretchLastSection(True)
        self.cases.setCursor(Qt.CursorShape.PointingHandCursor)
        links = list(detail.cases) if detail and detail.cases else []
        if links:
            rows: list[list[str]] = [
                [
                    c.code,
                    c.subcategory,
                    _name(tx.STATUS_NAMES, c.status),
                    c.dept or "—",
                    tx.when(c.received_at),
                ]
                for c in links
            ]
        else:  # a proposal: its cases are linked when it is accepted
            rows = [[code, "", "", "", ""] for code in item.cases]
        self.cases.setRowCount(len(rows))
        link_colour = self.palette().link().color()
        for i, values in enumerate(rows):
            for j, text in enumerate(values):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, values[0])
                if j == 0:
                    cf = cell.font()
                    cf.setUnderline(True)
                    cell.setFont(cf)
                    cell.setForeground(link_colour)
                self.cases.setItem(i, j, cell)
        self.cases.resizeColumnsToContents()
        # as high as its rows (up to six) really are: the style's row height, not the
        # text's (a row cut by a few pixels reads as a rendering fault)
        row_h = (
            self.cases.rowHeight(0) if rows else self.cases.verticalHeader().defaultSectionSize()
        )
        self.cases.setMaximumHeight(
            self.cases.horizontalHeader().sizeHint().height()
            + min(max(len(rows), 1), 6) * row_h
            + 2 * self.cases.frameWidth()
            + 2
        )
        self.cases.itemClicked.connect(self._open_case)
        self.cases.setToolTip(translate("Workstation", "Click a case to open it"))

        self.notes = QTableWidget(0, 4)
        self.notes.setHorizontalHeaderLabels(
            [
                translate("Workstation", "When"),
                translate("Workstation", "Who"),
                translate("Workstation", "Step"),
                translate("Workstation", "Note"),
            ]
        )
        self.notes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notes.verticalHeader().setVisible(False)
        self.notes.horizontalHeader().setStretchLastSection(True)
        self.notes.setWordWrap(True)
        history = list(detail.notes) if detail else []
        self.notes.setRowCount(len(history))
        for i, n in enumerate(history):
            for j, text in enumerate([tx.when(n.at), n.actor, note_kind(n.kind), n.text or ""]):
                self.notes.setItem(i, j, QTableWidgetItem(text))
        self.notes.resizeColumnsToContents()
        self.notes.resizeRowsToContents()

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        cases_head = QHBoxLayout()
        cases_head.addWidget(
            QLabel(
                translate("Workstation", "Linked cases (%1) — click one to open it").replace(
                    "%1", str(len(rows))
                )
            )
        )
        cases_head.addStretch(1)
        layout.addLayout(cases_head)
        layout.addWidget(self.cases)
        layout.addWidget(QLabel(translate("Workstation", "History")))
        layout.addWidget(self.notes, 1)
        layout.addWidget(close)

    def case_codes(self) -> list[str]:
        cells = (self.cases.item(i, 0) for i in range(self.cases.rowCount()))
        return [c.text() for c in cells if c is not None]

    def _open_case(self, cell: QTableWidgetItem) -> None:
        code = cell.data(Qt.ItemDataRole.UserRole)
        if code:
            self.case_requested.emit(str(code))
