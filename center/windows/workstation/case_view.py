"""Case detail: every field, the three clocks, the timeline, and the lifecycle actions.

Actions run as service calls on a worker thread with the version the user saw; a
stale save opens the conflict dialog (nothing is overwritten, the typed note stays).
:meth:`CaseView.run_action` is the single entry point of the buttons and of tests:
keyword arguments stand in for what the dialogs would ask.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.accounts.service import UserLabel, user_labels
from center.cases import lifecycle as cs
from center.cases.inbox import clock, stopped
from center.cases.lifecycle import CaseChange, CaseDetail, CategoryInfo, DepartmentInfo
from center.core.access import Actor
from center.core.errors import ConflictError, InvalidInput, NotFound, PermissionDenied, UserError
from center.windows.runtime.faults import fault_message, fault_of
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.dialogs import (
    ConflictDialog,
    DepartmentDialog,
    RatingDialog,
    ReasonDialog,
    SpotCheckDialog,
)
from center.windows.workstation.inbox_model import clock_text, clock_tip
from center.windows.workstation.inbox_view import FlowLayout
from db.types import CST

log = logging.getLogger("center.workstation")
translate = tx.translate
#: the narrowest the case pane gets (two columns of fields, three clocks)
MIN_WIDTH = 440

REASON_PROMPTS = {
    "escalate": QT_TRANSLATE_NOOP(
        "Workstation", "Why does this case need the joint meeting (联席会议)?"
    ),
    "not_our_remit": QT_TRANSLATE_NOOP(
        "Workstation", "Why is this outside the street's remit, and where was the resident sent?"
    ),
    "no_action_needed": QT_TRANSLATE_NOOP("Workstation", "Why is no action needed?"),
    "reopen": QT_TRANSLATE_NOOP("Workstation", "Why is the case reopened?"),
}
INPUT_MESSAGES = {
    "dept": QT_TRANSLATE_NOOP("Workstation", "The case is already assigned to this department."),
    "reopen": QT_TRANSLATE_NOOP(
        "Workstation", "The case was already reopened and the new case is still open."
    ),
    "first_response_at": QT_TRANSLATE_NOOP("Workstation", "The case was already responded to."),
    "at": QT_TRANSLATE_NOOP("Workstation", "The time is earlier than the previous step."),
    "note": QT_TRANSLATE_NOOP("Workstation", "Please give a reason."),
}
#: 办结 records what was done: the note must say it (the service takes a closure
#: without one, as imported closed cases carry none)
RESOLVE_NEEDS_NOTE = QT_TRANSLATE_NOOP(
    "Workstation", "Write the result (what was done) in the note before resolving."
)
ORDER = (
    "respond",
    "assign",
    "accept",
    "resolve",
    "confirm",
    "rate",
    "spot_check",
    "escalate",
    "not_our_remit",
    "no_action_needed",
    "reopen",
)


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
    return fn(*args, **kw)


def detail_with_labels(
    engine: Engine, actor: Actor, code: str, *others: str
) -> tuple[CaseDetail, dict[str, UserLabel]]:
    """A case's detail (as ``actor`` may read it) and the display names and roles of the
    users in its history (and of ``others``)."""
    d = cs.case_detail(engine, actor, code)
    return d, user_labels(engine, {e.actor for e in d.events if e.actor} | set(others))


#: who a history names that is no account: the resident (a rating taken for them)
NON_ACCOUNTS = {"resident": QT_TRANSLATE_NOOP("Workstation", "Resident")}


def event_texts(e: cs.EventRow, labels: dict[str, UserLabel]) -> tuple[str, str, str]:
    """(who, what, note) of a history row in words: people by name and role, the
    department a case was assigned to by name, the department a coordinator acted for
    by name; never an account, staff or department code."""
    who = (
        tx.tr(NON_ACCOUNTS[e.actor])
        if e.actor in NON_ACCOUNTS and e.actor not in labels
        else tx.person(e.actor, labels)
    )
    what = tx.plain(tx.name(tx.EVENT_NAMES, e.kind))
    if e.kind == "assign" and e.dept_code:
        what = (
            translate("Workstation", "%1 to %2")
            .replace("%1", what)
            .replace("%2", tx.pick(e.dept_name or e.dept_code, e.dept_name_en))
        )
    note = e.remark or ""
    if e.acting_for:
        acting = translate("Workstation", "for %1").replace(
            "%1", tx.pick(e.acting_for_name or e.acting_for, e.acting_for_name_en)
        )
        note = f"（{acting}）{note}"
    return who, what, note


def attempted_changes(action: str, args: tuple[Any, ...], note: str | None) -> dict[str, Any]:
    """What a write would have set, by the audit log's field names (the conflict
    dialog shows it beside what the other person saved)."""
    out: dict[str, Any] = {}
    target = cs.TRANSITIONS.get(action, (frozenset(), None))[1]
    if target is not None:
        out["status"] = target
    extra = args[4:]  # after engine, actor, code, version
    if action == "assign" and extra:
        out["dept"] = extra[0]
    elif action == "rate" and extra:
        out["satisfaction"] = extra[0]
    elif action == "spot_check" and extra:
        out["spot_check_ok"] = bool(extra[0])
    elif action == "escalate":
        out["escalated"] = True
    elif action == "edit" and extra:
        for key, value in dict(extra[0]).items():
            out["subcategory" if key == "subcategory_code" else key] = value
    if action in ("not_our_remit", "no_action_needed") and note:
        out["status_reason"] = note
    return out


def frames_only(trace: str | None) -> str:
    """The stack of a traceback without the exception message, which may quote the
    values written (personal information never goes to the log)."""
    lines = (trace or "").splitlines()
    return "\n".join(line for line in lines if line.startswith("  File "))


def error_text(exc: BaseException) -> str:
    """A translated sentence for an error a service raised."""
    if isinstance(exc, cs.TransitionError):
        return (
            translate("Workstation", "Case %1 is now “%2”: “%3” is not possible.")
            .replace("%1", exc.code)
            .replace("%2", tx.name(tx.STATUS_NAMES, exc.status))
            .replace("%3", tx.plain(tx.name(tx.ACTION_NAMES, exc.action)))
        )
    if isinstance(exc, PermissionDenied):
        return translate("Workstation", "Your role may not do this: %1").replace(
            "%1", tx.plain(tx.name(tx.ACTION_NAMES, exc.action))
        )
    if isinstance(exc, InvalidInput):
        known = INPUT_MESSAGES.get(exc.field)
        return tx.tr(known) if known else str(exc)
    if isinstance(exc, NotFound):
        return translate("Workstation", "Not found: %1").replace("%1", exc.code)
    fault = fault_of(exc)  # the connection lost, a busy or full database… (issue 19)
    if fault is not None:
        return fault_message(fault)
    return translate("Workstation", "The change could not be saved: %1").replace(
        "%1", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    )


class EditDialog(QDialog):
    """Priority and summary of a case."""

    def __init__(self, detail: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Workstation", "Edit case %1").replace("%1", detail.code))
        self.priority = QComboBox()
        for k, n in tx.PRIORITY_NAMES.items():
            self.priority.addItem(tx.tr(n), k)
        self.priority.setCurrentIndex(max(self.priority.findData(detail.priority), 0))
        self.summary = QPlainTextEdit(detail.summary or "")
        form = QFormLayout()
        form.addRow(translate("Workstation", "Priority:"), self.priority)
        form.addRow(translate("Workstation", "Summary:"), self.summary)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


class CaseView(QWidget):
    changed = Signal(object)  # CaseChange after a successful write
    loaded = Signal(str)  # code, after the detail is shown
    household_requested = Signal(str)
    case_requested = Signal(str)
    failed = Signal(str)  # translated message of a refused write
    notice = Signal(str)  # something the user should know (shown in the status bar)

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self._now = clock_fn or (lambda: datetime.now(CST))
        self._detail: CaseDetail | None = None
        self._labels: dict[str, UserLabel] = {}
        self._departments: tuple[DepartmentInfo, ...] = ()
        self._proposed: dict[str, str | None] = {}
        self._seq = 0
        self._writing = False
        self._wanted: str | None = None  # the case asked for last ("" / None: none)
        self._attempt: tuple[CaseDetail, dict[str, Any]] | None = None  # the write running
        self._conflicts: dict[str, tuple[ConflictError, Any]] = {}
        self.conflict_dialog: ConflictDialog | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        self.title = QLabel(translate("Workstation", "No case selected"))
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.title.setFont(f)
        self.badge = QLabel()
        self.badge.setStyleSheet(
            "QLabel { background: #E6F4FF; color: #0958D9; border-radius: 3px; padding: 2px 8px; }"
        )
        self.badge.hide()
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.badge)
        head.addStretch(1)

        self.fields: dict[str, QLabel] = {}
        left, right = QFormLayout(), QFormLayout()
        labels = [
            ("request", QT_TRANSLATE_NOOP("Workstation", "Request:")),
            ("priority", QT_TRANSLATE_NOOP("Workstation", "Priority:")),
            ("source", QT_TRANSLATE_NOOP("Workstation", "Source:")),
            ("household", QT_TRANSLATE_NOOP("Workstation", "Household:")),
            ("address", QT_TRANSLATE_NOOP("Workstation", "Address:")),
            ("grid", QT_TRANSLATE_NOOP("Workstation", "Grid:")),
            ("dept", QT_TRANSLATE_NOOP("Workstation", "Department:")),
            ("received", QT_TRANSLATE_NOOP("Workstation", "Received:")),
            ("responded", QT_TRANSLATE_NOOP("Workstation", "Responded:")),
            ("assigned", QT_TRANSLATE_NOOP("Workstation", "Assigned:")),
            ("accepted", QT_TRANSLATE_NOOP("Workstation", "Accepted:")),
            ("closed", QT_TRANSLATE_NOOP("Workstation", "Closed:")),
            ("confirmed", QT_TRANSLATE_NOOP("Workstation", "Confirmed:")),
            ("rating", QT_TRANSLATE_NOOP("Workstation", "Rating:")),
        ]
        for i, (key, text) in enumerate(labels):
            value = QLabel("—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.fields[key] = value
            (left if i < 7 else right).addRow(tx.tr(text), value)
        self.fields["household"].setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.fields["household"].linkActivated.connect(self.household_requested.emit)
        grid = QHBoxLayout()
        grid.addLayout(left, 1)
        grid.addLayout(right, 1)

        self.clock_labels: dict[str, QLabel] = {}
        clocks = QHBoxLayout()
        for key in ("response", "accept", "closure"):
            lab = QLabel()
            lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lab.setMinimumWidth(120)
            lab.setFrameShape(QFrame.Shape.StyledPanel)
            self.clock_labels[key] = lab
            clocks.addWidget(lab)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setStyleSheet("QLabel { background: #FAFAFA; padding: 6px; }")
        self.links = QLabel()
        self.links.linkActivated.connect(self.case_requested.emit)

        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(
            [
                translate("Workstation", "When"),
                translate("Workstation", "Who"),
                translate("Workstation", "Event"),
                translate("Workstation", "Note"),
            ]
        )
        self.timeline.setRootIsDecorated(False)
        self.timeline.setMinimumHeight(120)
        self.timeline.setWordWrap(True)
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        theader = self.timeline.header()
        theader.setStretchLastSection(True)
        theader.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        theader.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        theader.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)

        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(
            translate("Workstation", "Note for the next action (kept if saving fails)")
        )
        self.note.setFixedHeight(54)
        self.note.setToolTip(translate("Workstation", "Ctrl+Enter: the next step of the case"))

        self.buttons: dict[str, QPushButton] = {}
        self.actions = actions = FlowLayout()
        for action in (*ORDER, "edit"):
            label = (
                translate("Workstation", "Ed&it…")
                if action == "edit"
                else tx.name(tx.ACTION_NAMES, action)
            )
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, a=action: self.run_action(a))
            b.hide()
            self.buttons[action] = b
            actions.addWidget(b)
        self.busy_label = QLabel()
        self.busy_label.setStyleSheet("color: #666")
        # why 办结 is greyed: shown while the case can be resolved and the note is empty
        self.resolve_hint = QLabel(tx.tr(RESOLVE_NEEDS_NOTE))
        self.resolve_hint.setWordWrap(True)
        self.resolve_hint.setStyleSheet("color: #874D00")
        self.resolve_hint.hide()
        self.note.textChanged.connect(self._update_resolve)

        body = QWidget()
        self.body = body
        v = QVBoxLayout(body)
        v.addLayout(head)
        v.addLayout(grid)
        v.addLayout(clocks)
        v.addWidget(self.summary)
        v.addWidget(self.links)
        v.addWidget(QLabel(translate("Workstation", "Timeline")))
        v.addWidget(self.timeline, 1)
        v.addWidget(self.note)
        v.addLayout(actions)
        v.addWidget(self.resolve_hint)
        v.addWidget(self.busy_label)
        # the pane scrolls down when it is short, never sideways: fields and history
        # wrap to its width, the actions flow onto more lines
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.scroll = scroll
        self.setMinimumWidth(MIN_WIDTH)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        QShortcut(QKeySequence("Ctrl+Return"), self.note, activated=self._default_action)

    # -- reference data ---------------------------------------------------------

    def set_reference(
        self, departments: Sequence[DepartmentInfo], categories: Sequence[CategoryInfo]
    ) -> None:
        self._departments = tuple(departments)
        self._proposed = {s.code: s.default_dept_code for c in categories for s in c.subcategories}

    @property
    def detail(self) -> CaseDetail | None:
        return self._detail

    def is_busy(self) -> bool:
        return self._runner.busy()

    # -- loading ---------------------------------------------------------------------

    def load(self, code: str) -> None:
        """Show case ``code`` (read in the background); "" shows no case."""
        if not code:
            self.clear()
            return
        if not self._actor.may("read_cases"):
            return
        self._wanted = code
        self._runner.submit("load", detail_with_labels, self._engine, self._actor, code)

    def reload(self) -> None:
        if self._detail is not None:
            self.load(self._detail.code)

    def clear(self) -> None:
        """No case: every field empty, no actions (a load still running is dropped)."""
        self._wanted = None
        self._detail = None
        self.title.setText(translate("Workstation", "No case selected"))
        self.badge.hide()
        for value in self.fields.values():
            value.setText("—")
        for lab in self.clock_labels.values():
            lab.setText("")
            lab.setToolTip("")
            lab.setStyleSheet("")
        self.summary.setText("")
        self.links.setText("")
        self.links.hide()
        self.timeline.clear()
        for b in self.buttons.values():
            b.hide()
        self.resolve_hint.hide()
        if not self._writing:
            self.busy_label.setText("")

    def _show(self, d: CaseDetail) -> None:
        self._detail = d
        if not self._writing:
            self.busy_label.setText("")  # a note about the case shown before
        self.title.setText(d.code)
        self.badge.setText(tx.name(tx.STATUS_NAMES, d.status))
        self.badge.show()
        f = self.fields
        f["request"].setText(
            f"{tx.pick(d.category_name, d.category_name_en)} / "
            f"{d.subcategory_code} {tx.pick(d.subcategory_name, d.subcategory_name_en)}"
        )
        f["priority"].setText(tx.name(tx.PRIORITY_NAMES, d.priority))
        src = tx.name(tx.SOURCE_NAMES, d.source)
        if d.on_the_spot:
            src += " · " + translate("Workstation", "resolved on the spot")
        f["source"].setText(src)
        f["household"].setText(f'<a href="{d.household_code}">{d.household_code}</a>')
        f["address"].setText(d.address + (f"（{d.address_note}）" if d.address_note else ""))
        f["grid"].setText(d.grid_name)
        f["dept"].setText(
            f"{d.dept_code} {tx.pick(d.dept_name or '', d.dept_name_en)}" if d.dept_code else "—"
        )
        f["received"].setText(tx.when(d.received_at))
        f["responded"].setText(tx.when(d.first_response_at))
        f["assigned"].setText(tx.when(d.assigned_at))
        f["accepted"].setText(tx.when(d.accepted_at))
        closed = tx.when(d.closed_at)
        if d.status_reason:
            closed += f"（{d.status_reason}）"
        f["closed"].setText(closed)
        f["confirmed"].setText(tx.when(d.confirmed_at))
        rating = "—" if d.satisfaction is None else f"{d.satisfaction} / 5"
        if d.spot_checked_at is not None:
            verdict = (
                translate("Workstation", "spot check passed")
                if d.spot_check_ok
                else translate("Workstation", "spot check failed")
            )
            rating += f" · {verdict}"
        f["rating"].setText(rating)
        self._show_clocks(d)
        self.summary.setText(d.summary or translate("Workstation", "(no summary)"))
        links = []
        if d.reopened_from:
            links.append(
                translate("Workstation", "Reopens %1").replace(
                    "%1", f'<a href="{d.reopened_from}">{d.reopened_from}</a>'
                )
            )
        if d.reopened_by:
            links.append(
                translate("Workstation", "Reopened as %1").replace(
                    "%1", ", ".join(f'<a href="{c}">{c}</a>' for c in d.reopened_by)
                )
            )
        if d.repeat_of:
            links.append(
                translate("Workstation", "Repeat of %1").replace(
                    "%1", f'<a href="{d.repeat_of}">{d.repeat_of}</a>'
                )
            )
        if d.is_repeat:
            links.append(translate("Workstation", "Repeat request (same type within 30 days)"))
        if d.escalated:
            links.append(
                translate("Workstation", "Escalated to the joint meeting %1").replace(
                    "%1", tx.when(d.escalated_at)
                )
            )
        self.links.setText(" · ".join(links))
        self.links.setVisible(bool(links))
        self.timeline.clear()
        for e in d.events:
            who, what, note = event_texts(e, self._labels)
            item = QTreeWidgetItem([tx.when(e.at), who, what, note])
            item.setToolTip(1, e.actor or "")  # the account behind the name
            item.setToolTip(3, note)
            self.timeline.addTopLevelItem(item)
        self._size_timeline()
        allowed = set(
            cs.allowed_actions(
                d.status,
                self._actor,
                d.dept_code,
                grid_code=d.grid_code,
                dept_has_account=d.dept_has_account,
            )
        )
        if d.first_response_at is not None:
            allowed.discard("respond")  # already responded: nothing to record
        if self._actor.may("edit"):
            allowed.add("edit")
        for action, b in self.buttons.items():  # in ORDER; they flow to the pane's width
            b.setVisible(action in allowed)
            b.setEnabled(not self._writing)
        self._update_resolve()

    def _note_text(self) -> str:
        return self.note.toPlainText().strip()

    def _update_resolve(self) -> None:
        """办结 only with the result written in the note; the hint says why until then."""
        b = self.buttons["resolve"]
        missing = not self._note_text()
        b.setEnabled(not self._writing and not missing)
        b.setToolTip(tx.tr(RESOLVE_NEEDS_NOTE) if missing else "")
        self.resolve_hint.setVisible(
            self._detail is not None and not b.isHidden() and missing and not self._writing
        )

    def _size_timeline(self) -> None:
        """Who and what as wide as their longest entry, up to a share of the pane; the
        note takes the rest. Longer entries wrap: a tree view sizes its rows without
        looking at the column widths, so each entry's wrapped height is given as its
        size hint."""
        tree = self.timeline
        fm = tree.fontMetrics()
        # the cell's text margins each side, and a little slack for rounding
        margin = (
            2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1)
            + 4
        )
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        header = tree.header()
        natural = [header.sectionSizeHint(c) for c in range(tree.columnCount())]
        for item in items:  # each entry on one line
            for col in range(tree.columnCount()):
                natural[col] = max(natural[col], fm.horizontalAdvance(item.text(col)) + margin)
        width = max(tree.viewport().width(), 360)
        tree.setColumnWidth(0, natural[0])  # the time, whole
        for col, share in ((1, 0.30), (2, 0.28)):
            tree.setColumnWidth(col, min(natural[col], int(width * share)))
        widths = [tree.columnWidth(c) for c in range(tree.columnCount())]
        widths[-1] = max(widths[-1], width - sum(widths[:-1]))
        for item in items:
            for col in range(tree.columnCount()):
                room = max(widths[col] - margin + 4, 10)  # the slack is room too
                text = item.text(col)
                lines = fm.boundingRect(
                    QRect(0, 0, room, 100_000), int(Qt.TextFlag.TextWordWrap), text
                ).height()
                item.setSizeHint(col, QSize(natural[col], max(lines, fm.height()) + 4))
        tree.doItemsLayout()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._size_timeline()

    def _show_clocks(self, d: CaseDetail) -> None:
        now = self._now()
        clocks = {
            "response": clock(
                "response",
                d.received_at,
                d.response_due_at,
                stopped(d.eff_response_at, d.eff_closed_at),
                now,
            ),
            "accept": clock(
                "accept",
                d.assigned_at,
                d.accept_due_at,
                stopped(d.accepted_at, d.eff_closed_at),
                now,
            ),
            "closure": clock("closure", d.received_at, d.deadline_at, d.eff_closed_at, now),
        }
        for key, c in clocks.items():
            lab = self.clock_labels[key]
            text = f"{tx.name(tx.CLOCK_NAMES, key)}\n{clock_text(c)}"
            if key == "closure" and d.deadline_provisional:
                text += " " + translate("Workstation", "(provisional)")
            lab.setText(text)
            lab.setToolTip(clock_tip(c))
            bg, fg = tx.STATE_COLOURS[c.state]
            style = "QLabel { padding: 4px; "
            if bg is not None:
                style += f"background: {bg.name()}; "
            if fg is not None:
                style += f"color: {fg.name()}; "
            lab.setStyleSheet(style + "}")

    # -- actions -----------------------------------------------------------------------

    def _default_action(self) -> None:
        """Ctrl+Enter: the first visible action (the next step of the chain)."""
        for action in ORDER:
            b = self.buttons[action]
            if action == "resolve" and not b.isHidden() and not self._writing:
                # the next step is 办结: never skip past it to a later action
                self.run_action(action)
                return
            if b.isVisible() and b.isEnabled():
                self.run_action(action)
                return
        # nothing to run: say why rather than ignore the keys
        d = self._detail
        if d is None:
            text = translate("Workstation", "No case selected: Ctrl+Enter has nothing to do.")
        elif self._writing:
            text = translate("Workstation", "Still saving the last step of %1.").replace(
                "%1", d.code
            )
        else:
            text = (
                translate("Workstation", "Case %1 (%2) has no next step for you.")
                .replace("%1", d.code)
                .replace("%2", tx.name(tx.STATUS_NAMES, d.status))
            )
        self.busy_label.setText(text)
        self.notice.emit(text)

    def run_action(self, action: str, **given: Any) -> bool:
        """Ask what the action needs (unless ``given``) and submit it. False when the
        user cancelled or nothing is loaded."""
        d = self._detail
        if d is None or self._writing:
            return False
        note = given.pop("note", None)
        if note is None:
            note = self._note_text()
        if action == "resolve" and not (note or "").strip():
            # what was done is the record of the closure: refuse, say so, stay put
            text = tx.tr(RESOLVE_NEEDS_NOTE)
            self.busy_label.setText(text)
            self.notice.emit(text)
            self.note.setFocus()
            return False
        args: tuple[Any, ...] = (self._engine, self._actor, d.code, d.version)
        kw: dict[str, Any] = {}
        if action == "assign":
            dept = given.get("dept_code")
            if dept is None:
                dlg = DepartmentDialog(
                    self._departments, d.dept_code or self._proposed.get(d.subcategory_code), self
                )
                if dlg.exec() != QDialog.DialogCode.Accepted:
                    return False
                dept = dlg.dept_code()
            args += (dept,)
        elif action == "rate":
            rating = given.get("rating")
            if rating is None:
                dlg_r = RatingDialog(self)
                if dlg_r.exec() != QDialog.DialogCode.Accepted or dlg_r.rating() is None:
                    return False
                rating = dlg_r.rating()
            args += (int(rating),)
        elif action == "spot_check":
            ok = given.get("ok")
            if ok is None:
                dlg_s = SpotCheckDialog(note, self)
                if dlg_s.exec() != QDialog.DialogCode.Accepted:
                    return False
                ok, note = dlg_s.ok(), dlg_s.text()
            args += (bool(ok),)
        elif action == "edit":
            changes = given.get("changes")
            if changes is None:
                dlg_e = EditDialog(d, self)
                if dlg_e.exec() != QDialog.DialogCode.Accepted:
                    return False
                changes = {}
                if dlg_e.priority.currentData() != d.priority:
                    changes["priority"] = dlg_e.priority.currentData()
                if dlg_e.summary.toPlainText().strip() != (d.summary or ""):
                    changes["summary"] = dlg_e.summary.toPlainText()
                if not changes:
                    return False
            args += (changes,)
        if action in REASON_PROMPTS and not note:
            dlg_n = ReasonDialog(
                tx.plain(tx.name(tx.ACTION_NAMES, action)),
                tx.tr(REASON_PROMPTS[action]),
                "",
                self,
            )
            if dlg_n.exec() != QDialog.DialogCode.Accepted:
                return False
            note = dlg_n.text()
        kw["note"] = note or None
        fn = cs.update_case if action == "edit" else cs.ACTION_FUNCTIONS[action]
        self._attempt = (d, attempted_changes(action, args, kw["note"]))
        self._seq += 1
        self._set_writing(True)
        self._runner.submit(f"write:{action}:{self._seq}", _call, fn, args, kw)
        return True

    def _set_writing(self, on: bool) -> None:
        self._writing = on
        self.busy_label.setText(translate("Workstation", "Saving…") if on else "")
        for b in self.buttons.values():
            b.setEnabled(not on)
        self._update_resolve()

    # -- results -------------------------------------------------------------------------

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "load":
            detail, labels = result.value
            if detail.code != self._wanted:
                return  # another case (or none) was asked for meanwhile
            self._labels = labels
            self._show(detail)
            self.loaded.emit(detail.code)
            return
        if result.key.startswith("conflict:"):
            self._show_conflict(result.key, result.value)
            return
        self._set_writing(False)
        change: CaseChange = result.value
        self.note.clear()
        self.changed.emit(change)
        if self._detail is not None and change.code == self._detail.code:
            self.load(change.code)
        if change.callback_needed:
            self._offer_reopen(change)
        elif change.created and change.action in ("reopen", "spot_check"):
            self.notice.emit(
                translate("Workstation", "New case %1 was created and linked to %2.")
                .replace("%1", change.created)
                .replace("%2", change.code)
            )

    def _offer_reopen(self, change: CaseChange) -> None:
        answer = QMessageBox.question(
            self,
            translate("Workstation", "Low rating"),
            translate(
                "Workstation",
                "The resident rated the result 1 or 2: call the resident back.\n"
                "Reopen the case now?",
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            # the rated case, by its code and new version: the pane may show another
            # case by now (a rated case leaves the list of open cases)
            self.reopen_case(change.code, change.version)

    def reopen_case(self, code: str, version: int, note: str | None = None) -> bool:
        """Reopen case ``code`` as of ``version`` (asks the reason unless ``note``);
        False when cancelled or a write is running."""
        if self._writing:
            return False
        if not note:
            dlg = ReasonDialog(
                tx.plain(tx.name(tx.ACTION_NAMES, "reopen")),
                tx.tr(REASON_PROMPTS["reopen"]),
                "",
                self,
            )
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return False
            note = dlg.text()
        self._attempt = None
        self._seq += 1
        self._set_writing(True)
        self._runner.submit(
            f"write:reopen:{self._seq}",
            _call,
            cs.reopen,
            (self._engine, self._actor, code, version),
            {"note": note},
        )
        return True

    def _on_failed(self, result: TaskResult) -> None:
        if result.key == "load":
            self.clear()
            self.failed.emit(error_text(result.error or RuntimeError()))
            return
        if result.key.startswith("conflict:"):
            self._show_conflict(result.key, None)  # the case could not be read again
            return
        self._set_writing(False)
        exc = result.error
        if isinstance(exc, ConflictError):
            # read the case as it is now, then say field by field what changed
            self._conflicts[f"conflict:{self._seq}"] = (exc, self._attempt)
            self._runner.submit(
                f"conflict:{self._seq}",
                detail_with_labels,
                self._engine,
                self._actor,
                exc.code,
                *sorted({c.actor for c in exc.changes}),
            )
            return
        if not isinstance(exc, UserError):
            log.error(
                "case write failed with %s:\n%s", type(exc).__name__, frames_only(result.traceback)
            )
        message = error_text(exc or RuntimeError())
        self.failed.emit(message)
        QMessageBox.warning(self, translate("Workstation", "Not saved"), message)
        self.reload()

    def _show_conflict(
        self, key: str, fresh: tuple[CaseDetail, dict[str, UserLabel]] | None
    ) -> None:
        exc, attempt = self._conflicts.pop(key)
        mine, attempted = attempt if attempt is not None else (None, {})
        theirs, labels = fresh if fresh is not None else (None, {})
        names = {"dept": {d.code: tx.pick(d.name, d.name_en) for d in self._departments}}
        dlg = ConflictDialog(
            exc,
            self,
            mine=mine,
            theirs=theirs,
            attempted=attempted,
            labels=labels,
            names=names,
        )
        self.conflict_dialog = dlg
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.reload()
        self.failed.emit(str(exc))

    def shutdown(self) -> None:
        self._runner.shutdown()
