"""The coordinator workstation window: inbox with case detail, department queue, visit
planning, household profile and spot checks, one tab each, keyboard first.

Shortcuts: Ctrl+N new case, Ctrl+F search the inbox, Ctrl+H find a household,
F5 refresh, Ctrl+1…6 switch tabs, Ctrl+L lock now, Ctrl+Enter in a case note runs
the next step. Other workstations' changes arrive through the change feed and
refresh the views that show them.

The tabs follow the user's roles (all of them, not only the first): the audit tab
only for a role that may read the audit log (admin, assessor), the spot checks for
those who may read the sample (assessors; coordinators read-only), the department
queue for those who work it, the joint meetings for :data:`MEETING_ROLES`; a user
whose only case-reading role is ``department`` sees their own department's cases. The
window opens on the tab of the user's main work (:data:`FIRST_TABS`). After 15
minutes without input the window locks (:mod:`center.windows.workstation.lock`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget, QWidget

from center.cases.inbox import FilterChoices, InboxFilter, filter_choices
from center.cases.lifecycle import CaseChange
from center.context import AppContext
from center.core.access import ROLE_PRECEDENCE, Actor
from center.windows.runtime.faults import fault_message, fault_of
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import CaseView
from center.windows.workstation.dept_view import DepartmentView, own_department_only
from center.windows.workstation.household_view import HouseholdView
from center.windows.workstation.inbox_view import InboxView
from center.windows.workstation.intake import IntakeDialog
from center.windows.workstation.lock import IDLE_TIMEOUT_MS, IdleLock
from center.windows.workstation.meetings_view import MeetingsView
from center.windows.workstation.planning import PlanningView, VisitDialog
from center.windows.workstation.spotcheck_view import SpotCheckView

if TYPE_CHECKING:
    from center.windows.workstation.audit_view import AuditView
    from center.windows.workstation.budget_view import BudgetView
    from center.windows.workstation.insight_view import InsightView
    from center.windows.workstation.trends_view import TrendsView

log = logging.getLogger("center.workstation")
translate = tx.translate
TABS = ("inbox", "department", "planning", "household", "spotcheck", "meetings", "audit")
#: the tab a user opens on: their role's main work (by :data:`ROLE_PRECEDENCE`, the
#: first of the role's tabs that the user has). A leader opens on the suggestions
#: drawn from the month's numbers (改进建议), else the budget they read.
FIRST_TABS: dict[str, tuple[str, ...]] = {
    "admin": ("audit", "inbox"),
    "coordinator": ("inbox",),
    "assessor": ("spotcheck", "inbox"),
    "department": ("department", "inbox"),
    "grid_worker": ("planning", "household", "inbox"),
    "finance": ("budget",),
    "leader": ("insight", "budget", "meetings"),
}
#: the roles with something to do on the joint-meeting tab (spec/access.md and
#: office.md: coordinators run the meetings, departments acknowledge and report on
#: their items, assessors build and approve the minutes, leaders read the boards);
#: a grid worker or finance user has no meeting work and does not see the tab
MEETING_ROLES = frozenset({"coordinator", "department", "assessor", "leader", "admin"})


class WorkstationWindow(QMainWindow):
    ready = Signal()  # reference data loaded, the views are filling

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        *,
        live: bool = True,
        clock_fn: Callable[[], datetime] | None = None,
        idle_timeout_ms: int | None = IDLE_TIMEOUT_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.choices: FilterChoices | None = None
        engine = ctx.engine
        self.setWindowTitle(translate("Workstation", "Door-knocking command center — workstation"))
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        # a department user's inbox holds only the cases assigned to their department
        own_dept = own_department_only(actor)
        own = InboxFilter(dept=own_dept) if own_dept else None
        self.inbox = InboxView(engine, actor, fixed=own, clock_fn=clock_fn)
        self.case = CaseView(engine, actor, clock_fn=clock_fn)
        inbox_page = QSplitter(Qt.Orientation.Horizontal)
        inbox_page.addWidget(self.inbox)
        inbox_page.addWidget(self.case)
        inbox_page.setStretchFactor(0, 3)
        inbox_page.setStretchFactor(1, 2)
        inbox_page.setSizes([900, 600])
        self.inbox_page = inbox_page

        self.dept = DepartmentView(engine, actor, clock_fn=clock_fn)
        self.dept_case = CaseView(engine, actor, clock_fn=clock_fn)
        dept_page = QSplitter(Qt.Orientation.Horizontal)
        dept_page.addWidget(self.dept)
        dept_page.addWidget(self.dept_case)
        dept_page.setStretchFactor(0, 3)
        dept_page.setStretchFactor(1, 2)
        dept_page.setSizes([900, 600])

        self.planning = PlanningView(engine, actor, clock_fn=clock_fn)
        self.household = HouseholdView(ctx, actor, clock_fn=clock_fn)
        self.spotcheck = SpotCheckView(ctx, actor)
        self.meetings = MeetingsView(engine, actor, clock_fn=clock_fn)
        self.audit: AuditView | None = None
        if actor.may("read_audit") and not actor.read_only:
            from center.windows.workstation.audit_view import AuditView

            self.audit = AuditView(engine, actor)
        self.budget: BudgetView | None = None
        if actor.may("read_budget"):  # 经费管理: finance records, leaders read
            from center.windows.workstation.budget_view import BudgetView

            self.budget = BudgetView(engine, actor, clock_fn=clock_fn)
        self.insight: InsightView | None = None
        if actor.may("read_suggestions"):  # 改进建议: leaders, coordinators, assessors
            from center.windows.workstation.insight_view import InsightView

            self.insight = InsightView(engine, actor, clock_fn=clock_fn)
        self.trends: TrendsView | None = None
        from center.windows.workstation import trends_view

        if trends_view.may_see(actor):  # 趋势与预测: leaders, coordinators, assessors
            self.trends = trends_view.TrendsView(engine, actor, clock_fn=clock_fn)

        # a tab only for the roles whose reads the services allow (leader, finance and
        # the wall read aggregates only: no case lists, no households)
        self.tabs = QTabWidget()
        self._pages: dict[str, QWidget] = {}
        for name, page, label, action in (
            ("inbox", inbox_page, translate("Workstation", "&Inbox"), "read_cases"),
            # the department queue: whoever accepts and resolves there (departments,
            # coordinators for a department without an account), not every case reader
            ("department", dept_page, translate("Workstation", "&Department queue"), "accept"),
            ("planning", self.planning, translate("Workstation", "&Visit planning"), "plan_visits"),
            (
                "household",
                self.household,
                translate("Workstation", "&Household"),
                "read_households",
            ),
            (
                "spotcheck",
                self.spotcheck,
                translate("Workstation", "&Spot checks"),
                "read_spot_checks",
            ),
            (
                "meetings",
                self.meetings,
                translate("Workstation", "&Joint meetings"),
                "read_meetings",
            ),
        ):
            shown = actor.may(action)
            if name == "meetings":
                shown = shown and bool(actor.roles & MEETING_ROLES)
            if shown:
                self.tabs.addTab(page, label)
                self._pages[name] = page
            else:  # kept (the wiring below names it) but never shown
                page.setParent(self)
                page.hide()
        if self.audit is not None:
            self.tabs.addTab(self.audit, translate("Workstation", "A&udit log"))
            self._pages["audit"] = self.audit
        if self.budget is not None:
            self.tabs.addTab(self.budget, translate("Workstation", "&Budget"))
            self._pages["budget"] = self.budget
        if self.insight is not None:
            self.tabs.addTab(self.insight, translate("Workstation", "Su&ggestions"))
            self._pages["insight"] = self.insight
        if self.trends is not None:
            self.tabs.addTab(self.trends, translate("Workstation", "Tr&ends and forecast"))
            self._pages["trends"] = self.trends
        self.setCentralWidget(self.tabs)
        self.show_tab(self.first_tab())

        # wiring
        self.inbox.case_selected.connect(self.case.load)
        self.dept.case_selected.connect(self.dept_case.load)
        # Enter on a row: type the note, then Ctrl+Enter runs the next step
        self.inbox.case_activated.connect(lambda _c: self.case.note.setFocus())
        self.dept.case_activated.connect(lambda _c: self.dept_case.note.setFocus())
        for view in (self.case, self.dept_case):
            view.changed.connect(self._on_case_changed)
            view.household_requested.connect(self.open_household)
            view.case_requested.connect(self.open_case)
            view.notice.connect(lambda text: self.statusBar().showMessage(text, 15000))
        if self.budget is not None:
            self.budget.notice.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.household.case_requested.connect(self.open_case)
        self.household.new_case_requested.connect(self.new_case)
        self.household.visit_requested.connect(self.record_visit)
        self.planning.household_requested.connect(self.open_household)
        self.planning.visit_saved.connect(lambda _c: self.household.reload())
        self.spotcheck.case_requested.connect(self.open_case)
        self.spotcheck.changed.connect(self._on_case_changed)
        self.meetings.case_requested.connect(self.open_case)
        self.meetings.changed.connect(lambda _c: self.dept.meeting_queue.refresh())
        self.dept.meeting_queue.item_requested.connect(
            lambda i: (self.show_tab("meetings"), self.meetings.show_item(i))
        )

        # actions and shortcuts
        bar = self.addToolBar(translate("Workstation", "Actions"))
        bar.setMovable(False)
        self.new_action = QAction(translate("Workstation", "New case"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setEnabled(actor.may("intake"))
        self.new_action.triggered.connect(lambda: self.new_case(None))
        refresh = QAction(translate("Workstation", "Refresh"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh_all)
        bar.addAction(self.new_action)
        bar.addAction(refresh)
        # only where the tab they lead to is shown (a leader has neither)
        if self.has_tab("inbox"):
            QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        if self.has_tab("household"):
            QShortcut(QKeySequence("Ctrl+H"), self, activated=self._focus_household)
        # Ctrl+1…: switch tabs (none for a single tab: there is nothing to switch to)
        for i in range(self.tabs.count() if self.tabs.count() > 1 else 0):
            QShortcut(
                QKeySequence(f"Ctrl+{i + 1}"),
                self,
                activated=lambda i=i: self.tabs.setCurrentIndex(i),
            )

        self.user_label = QLabel(
            translate("Workstation", "Logged in: %1").replace(
                "%1", tx.who(actor.label, actor.roles)
            )
            + (f" · {actor.dept_code}" if actor.dept_code else "")
            + (f" · {actor.grid_code}" if actor.grid_code else "")
        )
        self.user_label.setObjectName("user-label")
        self.user_label.setToolTip(actor.name)
        self.db_label = QLabel(_describe(engine.url))
        self.conn_label = QLabel()
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addWidget(self.db_label)
        self.statusBar().addPermanentWidget(self.conn_label)

        # the idle lock (none for a read-only session: it has no password to ask for)
        self.idle_lock: IdleLock | None = None
        if idle_timeout_ms and not actor.read_only:
            self.idle_lock = IdleLock(self, engine, actor, idle_timeout_ms)
            self.idle_lock.quit_requested.connect(self.close)
            QShortcut(QKeySequence("Ctrl+L"), self, activated=self.idle_lock.lock)

        self.feed = None
        if live:
            from center.windows.runtime.changefeed import ChangeFeed

            self.feed = ChangeFeed(engine, self)
            self.feed.changed.connect(self._on_changed)
            self.feed.state_changed.connect(self._on_state)

    # -- start ---------------------------------------------------------------------

    def start(self) -> None:
        """Load reference data; the views fill themselves once it is there."""
        self._runner.submit("choices", filter_choices, self.ctx.engine)
        self.planning.start()
        if self.has_tab("spotcheck"):
            self.spotcheck.refresh()
        self.meetings.refresh()
        if self.audit is not None:
            self.audit.search()
        if self.budget is not None:
            self.budget.refresh()
        if self.insight is not None:
            self.insight.refresh()
        if self.trends is not None:
            self.trends.start()
        if self.feed is not None:
            self.feed.start()
        if self.idle_lock is not None:
            self.idle_lock.start()

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "choices":
            choices: FilterChoices = result.value
            self.choices = choices
            self.inbox.set_choices(choices)
            self.dept.set_choices(choices)
            for view in (self.case, self.dept_case):
                view.set_reference(choices.departments, choices.categories)
            self.planning.street = choices.street
            if choices.street:
                self.setWindowTitle(
                    translate(
                        "Workstation", "%1 door-knocking command center — workstation"
                    ).replace("%1", choices.street)
                )
            self.inbox.apply()
            self.ready.emit()

    def _on_failed(self, result: TaskResult) -> None:
        err = result.error
        fault = fault_of(err) if err is not None else None
        # a fault says what happened and what to do; else the error's first line
        detail = fault_message(fault) if fault is not None else str(err or "").split("\n")[0]
        QMessageBox.critical(
            self,
            translate("Workstation", "Workstation"),
            translate("Workstation", "The database could not be read: %1").replace("%1", detail),
        )

    # -- navigation -------------------------------------------------------------------

    def show_tab(self, name: str) -> None:
        if name in self._pages:
            self.tabs.setCurrentWidget(self._pages[name])

    def has_tab(self, name: str) -> bool:
        return name in self._pages

    def first_tab(self) -> str:
        """The tab the user's main work is on (:data:`FIRST_TABS`), else the first."""
        for role in sorted(self.actor.roles, key=_precedence):
            for name in FIRST_TABS.get(role, ()):
                if name in self._pages:
                    return name
        return next(iter(self._pages), "")

    def open_case(self, code: str) -> None:
        """The case as the inbox's current row, its detail beside it (the inbox
        searches for it alone when its filter does not list it)."""
        self.show_tab("inbox")
        self.inbox.show_case(code)

    def open_household(self, code: str) -> None:
        self.show_tab("household")
        self.household.load(code)

    def new_case(self, household: str | None = None) -> IntakeDialog | None:
        if self.choices is None or not self.actor.may("intake"):
            return None
        dlg = IntakeDialog(
            self.ctx,
            self.actor,
            self.choices.categories,
            self.choices.departments,
            household=household,
            parent=self,
        )
        dlg.created.connect(self._on_created)
        dlg.open()
        return dlg

    def record_visit(self, household: str) -> None:
        dlg = VisitDialog(
            self.ctx.engine,
            self.actor,
            household,
            self.planning.staff_list,
            self.planning.staff.currentData(),
            self,
        )
        dlg.saved.connect(lambda _c: (self.household.reload(), self.planning.refresh()))
        dlg.open()

    def _focus_search(self) -> None:
        self.show_tab("inbox")
        self.inbox.search.setFocus()
        self.inbox.search.selectAll()

    def _focus_household(self) -> None:
        self.show_tab("household")
        self.household.search.setFocus()
        self.household.search.selectAll()

    # -- refreshes ----------------------------------------------------------------------

    def _on_created(self, code: str) -> None:
        self.statusBar().showMessage(
            translate("Workstation", "Case %1 saved").replace("%1", code), 8000
        )
        self.show_tab("inbox")
        self.inbox.show_case(code)

    def _on_case_changed(self, change: CaseChange) -> None:
        saved = (
            translate("Workstation", "%1: saved (%2)")
            .replace("%1", change.code)
            .replace("%2", tx.name(tx.STATUS_NAMES, change.status))
        )
        if change.created and change.action in ("spot_check", "reopen"):
            # a failed spot check or a reopening made a new case: name it
            saved += translate("Workstation", "; new case %1").replace("%1", change.created)
        self.statusBar().showMessage(saved, 15000 if change.created else 8000)
        self.inbox.refresh()
        self.dept.refresh()
        if (change.action == "spot_check" or change.created) and self.has_tab("spotcheck"):
            self.spotcheck.refresh()
        if self.household.profile is not None:
            self.household.reload()

    def _on_changed(self, domains: frozenset[str]) -> None:
        """Another workstation (or this one) committed: refresh what shows it."""
        if "cases" in domains:
            self.inbox.refresh()
            self.dept.refresh()
            if self.has_tab("spotcheck"):
                self.spotcheck.refresh()
            for view in (self.case, self.dept_case):
                if not view.is_busy():
                    view.reload()
        if domains & {"visits", "households"}:
            self.planning.refresh()
        if domains & {"meetings", "cases"}:  # cases: the proposals follow them
            self.meetings.refresh()
            self.dept.meeting_queue.refresh()
        if domains & {"cases", "visits", "households"} and self.household.profile is not None:
            self.household.reload()
        if domains & {"budget", "households"} and self.budget is not None:
            self.budget.refresh()
        if self.audit is not None and not self.audit.is_busy():
            self.audit.refresh()  # every write leaves an audit row
        if domains & {"cases", "visits", "households", "targets"} and self.insight is not None:
            self.insight.refresh()
        if domains & {"cases", "visits", "households", "targets"} and self.trends is not None:
            self.trends.refresh()

    def _on_state(self, state: str) -> None:
        text = {
            "live": translate("Workstation", "● connected"),
            "connecting": translate("Workstation", "○ connecting…"),
            "down": translate("Workstation", "● database unreachable"),
        }.get(state, state)
        colour = {"live": "#237804", "down": "#A8071A"}.get(state, "#874D00")
        self.conn_label.setText(text)
        self.conn_label.setStyleSheet(f"color: {colour}")

    def refresh_all(self) -> None:
        self.inbox.refresh()
        self.dept.refresh()
        self.planning.refresh()
        if self.has_tab("spotcheck"):
            self.spotcheck.refresh()
        self.meetings.refresh()
        self.dept.meeting_queue.refresh()
        self.case.reload()
        self.household.reload()
        if self.budget is not None:
            self.budget.refresh()
        if self.audit is not None:
            self.audit.refresh()
        if self.insight is not None:
            self.insight.refresh()
        if self.trends is not None:
            self.trends.reload()

    # -- shutdown --------------------------------------------------------------------------

    def shutdown(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.stop()
        if self.feed is not None:
            self.feed.stop()
        if self.audit is not None:
            self.audit.shutdown()
        if self.budget is not None:
            self.budget.shutdown()
        if self.insight is not None:
            self.insight.shutdown()
        if self.trends is not None:
            self.trends.shutdown()
        for view in (
            self.inbox,
            self.case,
            self.dept,
            self.dept_case,
            self.planning,
            self.household,
            self.spotcheck,
            self.meetings,
        ):
            view.shutdown()
        self._runner.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def _precedence(role: str) -> int:
    return ROLE_PRECEDENCE.index(role) if role in ROLE_PRECEDENCE else len(ROLE_PRECEDENCE)


def _describe(url: object) -> str:
    """The database for the status bar, without a password."""
    from sqlalchemy.engine import URL

    assert isinstance(url, URL)
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL {url.host or 'localhost'}/{url.database}"
