"""The audit viewer (admin and assessor: the ``read_audit`` action): the audit log
filtered by user, action (``case.*`` matches a prefix), since and record
(``KIND:ID``), newest first, a page at a time, with who acted shown by display name
and roles; and "verify chain", which walks the hash chain on a worker and says
whether it is intact or names the first broken row.

The rows come from :func:`center.core.audit.list_audit`, which refuses an actor
whose roles may not read the audit log (the tab is only added for those who may).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.accounts.service import UserLabel
from center.core.access import Actor
from center.core.audit import AuditEntry
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from db.audit_chain import ChainReport
from db.types import CST

log = logging.getLogger("center.workstation")
translate = tx.translate

PAGE_SIZE = 100
#: the action filter's proposals (any action or ``prefix*`` may be typed)
ACTION_PROPOSALS = (
    "",
    "auth.*",
    "case.*",
    "visit.*",
    "pii.*",
    "user.*",
    "report.*",
    "export*",
    "import*",
    "backup*",
)
COLUMNS = ("at", "who", "action", "record", "detail")
#: who the demo street's rows name (center.demo.build: no account)
DEMO_ACTOR = "demo"


@dataclass(frozen=True)
class AuditFilter:
    user: str | None = None
    action: str | None = None
    since: datetime | None = None
    record: str | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of rows, newest first, with the labels of the users in it."""

    filter: AuditFilter
    page: int
    entries: tuple[AuditEntry, ...]
    has_older: bool
    labels: dict[str, UserLabel]
    #: how many rows the filter selects in all (not only this page)
    total: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def load_page(engine: Engine, actor: Actor, filt: AuditFilter, page: int) -> AuditPage:
    """Page ``page`` (0: the newest rows) of the rows ``filt`` selects. Runs on a
    worker; :func:`list_audit` checks that ``actor`` may read the audit log."""
    from center.accounts.service import user_labels
    from center.core.audit import count_audit, list_audit

    upto = (page + 1) * PAGE_SIZE
    rows = list_audit(
        engine,
        user=filt.user,
        action=filt.action,
        since=filt.since,
        record=filt.record,
        limit=upto + 1,
        actor=actor,
    )
    newest = rows[::-1]
    entries = tuple(newest[page * PAGE_SIZE : upto])
    labels = user_labels(engine, {e.actor for e in entries})
    total = count_audit(
        engine,
        user=filt.user,
        action=filt.action,
        since=filt.since,
        record=filt.record,
        actor=actor,
    )
    return AuditPage(filt, page, entries, len(newest) > upto, labels, total)


def _label(table: dict[str, tuple[str, str]], key: str) -> str:
    from center.core.audit import label

    return label(table, key, tx.is_chinese())


def action_text(action: str) -> str:
    """An audit action by its name (``case.resolve`` → 办结案件)."""
    from center.core.audit import ACTION_LABELS

    return _label(ACTION_LABELS, action)


def record_text(entry: AuditEntry) -> str:
    """The record a row is about: its kind by name and its code (``案件 K…``)."""
    from center.core.audit import ENTITY_LABELS

    kind = _label(ENTITY_LABELS, entry.entity)
    return kind if entry.entity_code is None else f"{kind} {entry.entity_code}"


_LIST_SHOWN = 5


def _status_names(entity: str) -> dict[str, str]:
    """The status names of a record kind (a case's, an agenda item's, a meeting's)."""
    from center.windows.workstation.meetings_dialogs import (
        ITEM_STATUS_NAMES,
        MEETING_STATUS_NAMES,
    )

    return {"agenda_item": ITEM_STATUS_NAMES, "meeting": MEETING_STATUS_NAMES}.get(
        entity, tx.STATUS_NAMES
    )


def _value_text(key: str, value: object, entity: str = "case") -> str:
    from center.windows.workstation.meetings_dialogs import REASON_NAMES

    if value is None or value == "":
        return translate("Workstation", "(empty)")
    if isinstance(value, bool):
        return translate("Workstation", "yes") if value else translate("Workstation", "no")
    if key in ("from", "to", "status") and isinstance(value, str):
        return tx.name(_status_names(entity), value)
    if key == "outcome" and isinstance(value, str):
        return tx.name(tx.OUTCOME_NAMES, value)
    if key == "reasons" and isinstance(value, str):
        return tx.name(REASON_NAMES, value)
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        return value[:16].replace("T", " ")  # an ISO instant: to the minute
    if isinstance(value, list):
        shown = "、".join(_value_text(key, v, entity) for v in value[:_LIST_SHOWN])
        if len(value) > _LIST_SHOWN:
            shown += translate("Workstation", " … (%1 in all)").replace("%1", str(len(value)))
        return shown
    if isinstance(value, dict):
        return "；".join(f"{_field(k)}：{_value_text(k, v, entity)}" for k, v in value.items())
    return str(value)


def _field(key: str) -> str:
    from center.core.audit import FIELD_LABELS

    name, sep, code = key.partition(":")  # "phone:R0000064": a resident's phone
    text = _label(FIELD_LABELS, name)
    return f"{text}（{code}）" if sep else text


def detail_text(entry: AuditEntry) -> str:
    """A row's detail to read: ``字段：旧→新`` for what changed, ``字段：值`` for the
    rest (the JSON as stored stays in the tooltip)."""
    try:
        detail = entry.detail_value()
    except ValueError:
        return entry.detail or ""
    if not isinstance(detail, dict):
        return "" if detail is None else str(detail)
    parts: list[str] = []
    kind = entry.entity
    if "from" in detail or "to" in detail:
        parts.append(
            f"{_field('status')}：{_value_text('from', detail.get('from'), kind)}"
            f"→{_value_text('to', detail.get('to'), kind)}"
        )
    for key, value in detail.items():
        if key in ("from", "to"):
            continue
        if key == "changes" and isinstance(value, dict):
            for field, change in value.items():
                if isinstance(change, list) and len(change) == 2:
                    old, new = change
                    parts.append(
                        f"{_field(field)}：{_value_text(field, old, kind)}"
                        f"→{_value_text(field, new, kind)}"
                    )
                else:
                    parts.append(f"{_field(field)}：{_value_text(field, change, kind)}")
            continue
        parts.append(f"{_field(key)}：{_value_text(key, value, kind)}")
    return "；".join(parts)


def _verify(engine: Engine) -> ChainReport:
    from center.core.audit import verify_chain

    return verify_chain(engine)


class AuditView(QWidget):
    loaded = Signal(int)  # rows shown
    verified = Signal(object)  # ChainReport

    def __init__(self, engine: Engine, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self.page: AuditPage | None = None
        self.report: ChainReport | None = None
        self._filter = AuditFilter()
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        self.user = QLineEdit()
        self.user.setObjectName("audit-user")
        self.user.setPlaceholderText(translate("Workstation", "user name"))
        self.user.setClearButtonEnabled(True)
        self.action = QComboBox()
        self.action.setEditable(True)
        self.action.addItems(list(ACTION_PROPOSALS))
        self.action.setMinimumWidth(140)
        self.action.setToolTip(
            translate("Workstation", "An action, or a prefix followed by * (e.g. case.*)")
        )
        self.since_on = QCheckBox(translate("Workstation", "Since:"))
        self.since = QDateTimeEdit(tx.qt_now().addDays(-7))
        self.since.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.since.setCalendarPopup(True)
        self.since.setEnabled(False)
        self.since_on.toggled.connect(self.since.setEnabled)
        self.record = QLineEdit()
        self.record.setObjectName("audit-record")
        self.record.setPlaceholderText("case:K202610060001")
        self.record.setClearButtonEnabled(True)
        self.search_button = QPushButton(translate("Workstation", "Search"))
        self.search_button.clicked.connect(self.search)
        for edit in (self.user, self.record):
            edit.returnPressed.connect(self.search)
        line = self.action.lineEdit()
        if line is not None:
            line.returnPressed.connect(self.search)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(translate("Workstation", "User:")))
        filters.addWidget(self.user)
        filters.addWidget(QLabel(translate("Workstation", "Action:")))
        filters.addWidget(self.action)
        filters.addWidget(self.since_on)
        filters.addWidget(self.since)
        filters.addWidget(QLabel(translate("Workstation", "Record:")))
        filters.addWidget(self.record, 1)
        filters.addWidget(self.search_button)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("audit-table")
        self.table.setHorizontalHeaderLabels(
            [
                translate("Workstation", "Time"),
                translate("Workstation", "Who"),
                translate("Workstation", "Action"),
                translate("Workstation", "Record"),
                translate("Workstation", "Detail"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for i, w in enumerate((150, 220, 150, 220)):
            self.table.setColumnWidth(i, w)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)

        self.newer_button = QPushButton(translate("Workstation", "< Newer"))
        self.newer_button.clicked.connect(lambda: self._go(-1))
        self.older_button = QPushButton(translate("Workstation", "Older >"))
        self.older_button.clicked.connect(lambda: self._go(1))
        self.page_label = QLabel()
        self.status = QLabel()
        self.status.setObjectName("audit-status")
        self.status.setWordWrap(True)
        self.verify_button = QPushButton(translate("Workstation", "&Verify chain"))
        self.verify_button.setObjectName("audit-verify")
        self.verify_button.clicked.connect(self.verify)
        self.verify_label = QLabel()
        self.verify_label.setObjectName("audit-verify-result")
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.newer_button)
        bottom.addWidget(self.page_label)
        bottom.addWidget(self.older_button)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.verify_label)
        bottom.addWidget(self.verify_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._update_pager()

    # -- querying ----------------------------------------------------------------------

    def current_filter(self) -> AuditFilter | None:
        """The typed filters, or None (and a message) when one is malformed."""
        from center.core.audit import parse_record

        record = self.record.text().strip() or None
        if record is not None:
            try:
                parse_record(record)
            except ValueError:
                self.status.setText(
                    translate("Workstation", "Record: give KIND:ID, e.g. case:K202610060001")
                )
                return None
        since = None
        if self.since_on.isChecked():
            since = self.since.dateTime().toPython().replace(tzinfo=CST)
        return AuditFilter(
            user=self.user.text().strip() or None,
            action=self.action.currentText().strip() or None,
            since=since,
            record=record,
        )

    def search(self) -> None:
        filt = self.current_filter()
        if filt is None:
            return
        self._filter = filt
        self._load(0)

    def refresh(self) -> None:
        """The shown page again (刷新 and the change feed: new rows arrive)."""
        self._load(self.page.page if self.page is not None else 0)

    def _go(self, step: int) -> None:
        page = (self.page.page if self.page is not None else 0) + step
        if page >= 0:
            self._load(page)

    def _load(self, page: int) -> None:
        self.status.setText(translate("Workstation", "Loading…"))
        self._runner.submit("page", load_page, self._engine, self._actor, self._filter, page)

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_label.setText(translate("Workstation", "Verifying…"))
        self.verify_label.setStyleSheet("")
        self._runner.submit("verify", _verify, self._engine)

    def is_busy(self) -> bool:
        return self._runner.busy()

    # -- results -----------------------------------------------------------------------

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "verify":
            self._show_report(result.value)
            return
        page: AuditPage = result.value
        if page.filter != self._filter:  # an older search answered late
            return
        self.page = page
        self._fill(page)

    def _on_failed(self, result: TaskResult) -> None:
        exc = result.error
        first = str(exc).splitlines()[0] if exc is not None and str(exc) else ""
        log.error("audit view: %s failed: %s", result.key, type(exc).__name__)
        if result.key == "verify":
            self.verify_button.setEnabled(True)
            self.verify_label.setText(
                translate("Workstation", "The chain could not be verified: %1").replace("%1", first)
            )
            return
        self.status.setText(
            translate("Workstation", "The audit log could not be read: %1").replace("%1", first)
        )

    def _fill(self, page: AuditPage) -> None:
        self.table.setRowCount(len(page.entries))
        for row, e in enumerate(page.entries):
            at = e.at.astimezone(CST) if e.at.tzinfo is not None else e.at
            who = QTableWidgetItem(
                # the demo street's builder is no account: say what it is
                translate("Workstation", "Demo data generator")
                if e.actor == DEMO_ACTOR and e.actor not in page.labels
                else tx.person(e.actor, page.labels)
            )
            who.setToolTip(e.actor)
            action = QTableWidgetItem(action_text(e.action))
            action.setToolTip(e.action)
            action.setData(Qt.ItemDataRole.UserRole, e.action)
            record = QTableWidgetItem(record_text(e))
            record.setToolTip(e.record)
            record.setData(Qt.ItemDataRole.UserRole, e.record)
            readable = detail_text(e)
            detail = QTableWidgetItem(readable)
            # the whole text (the cell may cut it) and the detail as stored
            detail.setToolTip(f"{readable}\n\n{e.detail}" if e.detail else "")
            values = [
                QTableWidgetItem(at.strftime("%Y-%m-%d %H:%M:%S")),
                who,
                action,
                record,
                detail,
            ]
            values[0].setData(Qt.ItemDataRole.UserRole, e.id)
            for col, item in enumerate(values):
                self.table.setItem(row, col, item)
        first = page.page * PAGE_SIZE + 1
        self.status.setText(
            translate("Workstation", "Rows %1–%2 of %3 (newest first)")
            .replace("%1", str(first))
            .replace("%2", str(first + len(page.entries) - 1))
            .replace("%3", str(page.total))
            if page.entries
            else translate("Workstation", "No audit rows match.")
        )
        self._update_pager()
        self.loaded.emit(len(page.entries))

    def _update_pager(self) -> None:
        page = self.page
        n = page.page if page is not None else 0
        self.page_label.setText(
            translate("Workstation", "Page %1 of %2")
            .replace("%1", str(n + 1))
            .replace("%2", str(page.pages if page is not None else 1))
        )
        self.newer_button.setEnabled(n > 0)
        self.older_button.setEnabled(page is not None and page.has_older)

    def _show_report(self, report: ChainReport) -> None:
        self.report = report
        self.verify_button.setEnabled(True)
        if report.intact:
            text = (
                translate("Workstation", "Audit chain intact: %1 rows (head %2…)")
                .replace("%1", str(report.rows))
                .replace("%2", report.head[:12])
            )
            colour = "#237804"
        else:
            text = (
                translate("Workstation", "Audit chain broken at row %1: %2")
                .replace("%1", str(report.broken_id))
                .replace("%2", report.reason or report.kind or "")
            )
            colour = "#A8071A"
        self.verify_label.setText(text)
        self.verify_label.setToolTip(report.head)
        self.verify_label.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; }}")
        self.verified.emit(report)

    def shutdown(self) -> None:
        self._runner.shutdown()
