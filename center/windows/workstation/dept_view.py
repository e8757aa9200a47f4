"""A department's queue with its own clocks: the cases currently assigned to it, the
2 h start clock and the closure clock, and counts of what is breaching."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QVBoxLayout, QWidget
from sqlalchemy import Engine

from center.cases.inbox import DeptQueueSummary, FilterChoices, InboxFilter, dept_queue_summary
from center.core.access import Actor
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.inbox_view import FlowLayout, InboxView
from center.windows.workstation.meetings_view import MeetingQueue

translate = tx.translate
QUEUE = InboxFilter(statuses=("assigned", "accepted"), clock_kinds=("accept", "closure"))
#: roles that read every case: a ``department`` user who also holds one of them is
#: not held to their own department's cases
ALL_CASES_ROLES = frozenset({"coordinator", "assessor", "leader", "admin"})


class Counter(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("—")
        f = self.value.font()
        f.setPointSizeF(f.pointSizeF() * 1.8)
        f.setBold(True)
        self.value.setFont(f)
        caption = QLabel(title)
        caption.setStyleSheet("color: #595959")
        v = QVBoxLayout(self)
        v.setContentsMargins(10, 4, 10, 4)
        v.addWidget(self.value)
        v.addWidget(caption)

    def set(self, n: int, state: str | None = None) -> None:
        self.value.setText(str(n))
        fg = tx.STATE_COLOURS[state][1] if state and n else None
        self.value.setStyleSheet(f"color: {fg.name()}" if fg is not None else "")


def own_department_only(actor: Actor) -> str | None:
    """The department whose cases alone the actor's inbox and queue show: a
    ``department`` user who holds no role that reads every case, else None."""
    if actor.has("department") and actor.dept_code and not (actor.roles & ALL_CASES_ROLES):
        return actor.dept_code
    return None


class DepartmentView(QWidget):
    case_selected = Signal(str)
    case_activated = Signal(str)

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
        self._now = clock_fn
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self.dept = QComboBox()
        self.dept.setMinimumWidth(220)
        # a department user picks no other department (unless another role reads all)
        self.dept.setEnabled(own_department_only(actor) is None)
        self.counters = {
            "awaiting": Counter(translate("Workstation", "Awaiting start")),
            "start_breached": Counter(translate("Workstation", "2 h start overdue")),
            "start_at_risk": Counter(translate("Workstation", "2 h start ≥ 80%")),
            "in_progress": Counter(translate("Workstation", "In progress")),
            "closure_breached": Counter(translate("Workstation", "Closure overdue")),
            "closure_at_risk": Counter(translate("Workstation", "Closure ≥ 80%")),
        }
        self.summary: DeptQueueSummary | None = None
        self.inbox = InboxView(engine, actor, fixed=QUEUE, clock_fn=clock_fn, parent=self)
        self.inbox.case_selected.connect(self.case_selected)
        self.inbox.case_activated.connect(self.case_activated)
        self.inbox.model.loaded.connect(lambda _n: self.refresh_summary())
        # the joint-meeting items the department leads, with their due dates
        self.meeting_queue = MeetingQueue(engine, actor, clock_fn=clock_fn, parent=self)
        # the department and its counters flow onto a second line in a narrow pane
        top = FlowLayout()
        top.addWidget(QLabel(translate("Workstation", "Department:")))
        top.addWidget(self.dept)
        for c in self.counters.values():
            top.addWidget(c)
        head = QWidget()
        head.setLayout(top)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(head)
        layout.addWidget(self.meeting_queue)
        layout.addWidget(self.inbox, 1)
        self._own_dept = actor.dept_code
        self.dept.currentIndexChanged.connect(self._on_dept)

    def set_choices(self, choices: FilterChoices) -> None:
        self.inbox.set_choices(choices)
        self.dept.blockSignals(True)
        self.dept.clear()
        for d in choices.departments:
            self.dept.addItem(f"{d.code} {tx.pick(d.name, d.name_en)}", d.code)
        if self._own_dept:
            self.dept.setCurrentIndex(max(self.dept.findData(self._own_dept), 0))
        self.dept.blockSignals(False)
        self._on_dept()

    def current_dept(self) -> str | None:
        code = self.dept.currentData()
        return str(code) if code else None

    def _on_dept(self) -> None:
        code = self.current_dept()
        if code:
            self.inbox.set_fixed(
                InboxFilter(dept=code, statuses=QUEUE.statuses, clock_kinds=QUEUE.clock_kinds)
            )
            self.meeting_queue.set_dept(code)

    def refresh(self) -> None:
        self.inbox.refresh()

    def refresh_summary(self) -> None:
        code = self.current_dept()
        if code and self._actor.may("read_cases"):
            as_of = self._now() if self._now else None
            self._runner.submit(
                "summary", dept_queue_summary, self._engine, self._actor, code, as_of
            )

    def _on_finished(self, result: TaskResult) -> None:
        s: DeptQueueSummary = result.value
        if s.dept_code != self.current_dept():
            return
        self.summary = s
        self.counters["awaiting"].set(s.awaiting_accept)
        self.counters["start_breached"].set(s.start_breached, "breached")
        self.counters["start_at_risk"].set(s.start_at_risk, "warning")
        self.counters["in_progress"].set(s.in_progress)
        self.counters["closure_breached"].set(s.closure_breached, "breached")
        self.counters["closure_at_risk"].set(s.closure_at_risk, "warning")

    def shutdown(self) -> None:
        self._runner.shutdown()
        self.inbox.shutdown()
        self.meeting_queue.shutdown()
