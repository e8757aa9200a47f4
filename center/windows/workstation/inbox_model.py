"""The inbox table model: pages, sorts and filters in the database on worker threads.

The model knows the total number of matching cases and holds only the pages the view
has asked for (100 rows each). A filter or sort change starts a new *generation*:
one background task counts and fetches the first page; pages of older generations
that arrive late are dropped. The countdown columns are recomputed from the rows'
clock instants once a minute (:meth:`InboxModel.tick`) without touching the database.
The priority clock's countdown (`spec/insight.md`) comes first, beside the priority.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont
from sqlalchemy import Engine

from center.cases.inbox import (
    Clock,
    InboxFilter,
    InboxPage,
    InboxRow,
    InboxSort,
    clock,
    fetch_page,
    query_inbox,
)
from center.core.access import Actor
from center.kpi.priority import PriorityClock, reclock
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from db.types import CST

PAGE = 100
Index = QModelIndex | QPersistentModelIndex

# key, header, sort key (None: not sortable)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("code", QT_TRANSLATE_NOOP("Workstation", "Case"), "code"),
    ("received", QT_TRANSLATE_NOOP("Workstation", "Received at"), "received_at"),
    ("source", QT_TRANSLATE_NOOP("Workstation", "Source"), "source"),
    ("subcategory", QT_TRANSLATE_NOOP("Workstation", "Request"), "subcategory"),
    ("priority", QT_TRANSLATE_NOOP("Workstation", "Priority"), "priority"),
    ("priority_clock", QT_TRANSLATE_NOOP("Workstation", "Priority clock"), "priority_due"),
    ("grid", QT_TRANSLATE_NOOP("Workstation", "Grid"), "grid"),
    ("address", QT_TRANSLATE_NOOP("Workstation", "Address"), "address"),
    ("dept", QT_TRANSLATE_NOOP("Workstation", "Department"), "dept"),
    ("status", QT_TRANSLATE_NOOP("Workstation", "Status"), "status"),
    ("response", QT_TRANSLATE_NOOP("Workstation", "24 h response"), "response_due"),
    ("accept", QT_TRANSLATE_NOOP("Workstation", "2 h start"), "accept_due"),
    ("closure", QT_TRANSLATE_NOOP("Workstation", "15 wd closure"), "deadline"),
    ("summary", QT_TRANSLATE_NOOP("Workstation", "Summary"), None),
)
COLUMN_KEYS = tuple(c[0] for c in COLUMNS)
CLOCK_COLUMNS = ("priority_clock", "response", "accept", "closure")
#: what each priority's clock asks for (the priority clock's tooltip)
PRIORITY_RULES = {
    "immediate": QT_TRANSLATE_NOOP("Workstation", "First response within 30 min"),
    "24h": QT_TRANSLATE_NOOP("Workstation", "First response within 24 h"),
    "3wd": QT_TRANSLATE_NOOP(
        "Workstation", "Transfer (assignment or closure) within 3 working days"
    ),
}
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2


def clock_text(c: Clock | PriorityClock) -> str:
    """What a countdown cell shows."""
    if c.state == "none":
        return "—"
    if c.state == "met":
        return "✓"
    if c.state == "missed":
        return tx.translate("Workstation", "✗ late")
    assert c.remaining is not None
    if c.state == "breached":
        return tx.translate("Workstation", "overdue %1").replace("%1", tx.duration(c.remaining))
    return tx.duration(c.remaining)


def clock_tip(c: Clock | PriorityClock) -> str:
    if c.state == "none":
        return ""
    parts = [tx.translate("Workstation", "Due %1").replace("%1", tx.when(c.due))]
    if isinstance(c, PriorityClock):
        parts.insert(0, tx.tr(PRIORITY_RULES[c.priority]))
    if c.done_at is not None:
        parts.append(tx.translate("Workstation", "Done %1").replace("%1", tx.when(c.done_at)))
    if c.state == "warning":
        parts.append(
            tx.translate("Workstation", "%1% of the window used").replace(
                "%1", f"{(c.used or 0) * 100:.0f}"
            )
        )
    return "\n".join(parts)


def _page_task(
    engine: Engine,
    actor: Actor,
    f: InboxFilter,
    sort: InboxSort,
    offset: int,
    as_of: datetime,
    total: int,
) -> list[InboxRow]:
    return fetch_page(engine, actor, f, sort, offset, PAGE, as_of, total=total)


def _first_task(
    engine: Engine, actor: Actor, f: InboxFilter, sort: InboxSort, as_of: datetime
) -> InboxPage:
    return query_inbox(engine, actor, f, sort, 0, PAGE, as_of)


class InboxModel(QAbstractTableModel):
    loaded = Signal(int)  # total after a refresh finished
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor  # the services show only the cases this actor may read
        self._now = clock_fn or (lambda: datetime.now(CST))
        self._runner = TaskRunner(self, threads=2)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._filter = InboxFilter()
        self._sort = InboxSort()
        self._gen = 0
        self._total = 0
        self._pages: dict[int, list[InboxRow]] = {}
        self._pending: set[int] = set()
        self._as_of = self._now()
        self._loaded_once = False

    # -- control -------------------------------------------------------------

    @property
    def filter(self) -> InboxFilter:
        return self._filter

    @property
    def sort_order(self) -> InboxSort:
        return self._sort

    @property
    def total(self) -> int:
        return self._total

    @property
    def as_of(self) -> datetime:
        return self._as_of

    def is_loaded(self) -> bool:
        if not self._actor.may("read_cases"):
            return True  # nothing to load: the actor reads no cases
        return self._loaded_once and not self._runner.busy()

    def set_filter(self, f: InboxFilter) -> None:
        f.validate()
        self._filter = f
        self.refresh()

    def preset_filter(self, f: InboxFilter) -> None:
        """The filter of the first query (the view's start), without querying yet."""
        f.validate()
        self._filter = f

    def refreshing(self) -> bool:
        """A count-and-first-page query is running (its rows replace the shown ones)."""
        return self._runner.busy("first")

    def set_sort(self, key: str, descending: bool) -> None:
        self._sort = InboxSort(key, descending)
        self.refresh()

    def refresh(self) -> None:
        """Count and fetch the first page again (in the background); nothing for an
        actor who may not read cases (the service would refuse)."""
        if not self._actor.may("read_cases"):
            return
        self._gen += 1
        self._pending.clear()
        self.busy_changed.emit(True)
        self._runner.submit(
            "first", _first_task, self._engine, self._actor, self._filter, self._sort, self._now()
        )

    def shutdown(self) -> None:
        self._runner.shutdown()

    def tick(self) -> None:
        """Recompute the countdown columns of the loaded rows for the current time."""
        now = self._now()
        self._as_of = now
        for page, rows in self._pages.items():
            self._pages[page] = [_reclock(r, now) for r in rows]
        if self._total:
            bottom = self.rowCount() - 1
            first = COLUMN_KEYS.index("response")
            last = COLUMN_KEYS.index("closure")
            self.dataChanged.emit(self.index(0, first), self.index(bottom, last))
            prio = COLUMN_KEYS.index("priority_clock")
            self.dataChanged.emit(self.index(0, prio), self.index(bottom, prio))

    # -- results ---------------------------------------------------------------

    def _on_finished(self, result: TaskResult) -> None:
        key = result.key
        if key == "first":
            page = result.value
            # a refresh requested while this one ran is queued: wait for that one
            if self._runner.busy("first"):
                return
            self.beginResetModel()
            self._total = page.total
            self._pages = {0: page.rows}
            self._pending.clear()
            self._as_of = page.as_of
            self.endResetModel()
            self._loaded_once = True
            self.busy_changed.emit(False)
            self.loaded.emit(self._total)
        elif key.startswith("page:"):
            _, gen_s, page_s = key.split(":")
            gen, page_no = int(gen_s), int(page_s)
            if gen != self._gen:
                return
            self._pending.discard(page_no)
            self._pages[page_no] = result.value
            top = page_no * PAGE
            bottom = min(self._total, top + len(result.value)) - 1
            if bottom >= top:
                self.dataChanged.emit(self.index(top, 0), self.index(bottom, len(COLUMNS) - 1))

    def _on_failed(self, result: TaskResult) -> None:
        if result.key.startswith("page:"):
            self._pending.discard(int(result.key.split(":")[2]))
        self.busy_changed.emit(False)
        self.failed.emit(str(result.error).splitlines()[0] if str(result.error) else "")

    def _request(self, page_no: int) -> None:
        if page_no in self._pending or page_no in self._pages:
            return
        self._pending.add(page_no)
        self._runner.submit(
            f"page:{self._gen}:{page_no}",
            _page_task,
            self._engine,
            self._actor,
            self._filter,
            self._sort,
            page_no * PAGE,
            self._as_of,
            self._total,
        )

    # -- rows --------------------------------------------------------------------

    def row_at(self, row: int) -> InboxRow | None:
        rows = self._pages.get(row // PAGE)
        if rows is None:
            if 0 <= row < self._total:
                self._request(row // PAGE)
            return None
        i = row % PAGE
        return rows[i] if i < len(rows) else None

    def find(self, code: str) -> int | None:
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.code == code:
                    return page * PAGE + i
        return None

    def loaded_rows(self) -> int:
        return sum(len(r) for r in self._pages.values())

    # -- Qt model ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tx.tr(COLUMNS[section][1])
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][2] is None:
            return tx.translate("Workstation", "Not sortable")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2] if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        self.set_sort(key, order == Qt.SortOrder.DescendingOrder)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        col = COLUMN_KEYS[index.column()]
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == CODE_ROLE:
            return row.code
        if col in CLOCK_COLUMNS:
            c: Clock | PriorityClock = getattr(row, col)
            if role == STATE_ROLE:
                return c.state
            if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
                bg, fg = tx.STATE_COLOURS[c.state]
                colour = bg if role == Qt.ItemDataRole.BackgroundRole else fg
                return QBrush(colour) if colour is not None else None
            if role == Qt.ItemDataRole.ToolTipRole:
                return clock_tip(c)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and col == "priority" and row.priority == "immediate":
            f = QFont()
            f.setBold(True)
            return f
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col == "priority"
            and row.priority == "immediate"
        ):
            return QBrush(tx.STATE_COLOURS["breached"][1])
        if role == Qt.ItemDataRole.ToolTipRole and col in ("summary", "address"):
            return row.summary if col == "summary" else row.address
        return None

    def _display(self, row: InboxRow, col: str) -> str:
        if col == "code":
            return row.code + (" ↑" if row.escalated else "") + (" ⟳" if row.is_repeat else "")
        if col == "received":
            return tx.when(row.received_at)
        if col == "source":
            return tx.name(tx.SOURCE_NAMES, row.source)
        if col == "subcategory":
            return tx.pick(row.subcategory_name, row.subcategory_name_en)
        if col == "priority":
            return tx.name(tx.PRIORITY_NAMES, row.priority)
        if col == "grid":
            return row.grid_name
        if col == "address":
            return row.address
        if col == "dept":
            return tx.pick(row.dept_name, row.dept_name_en) if row.dept_name else "—"
        if col == "status":
            return tx.name(tx.STATUS_NAMES, row.status)
        if col in CLOCK_COLUMNS:
            return clock_text(getattr(row, col))
        if col == "summary":
            return (row.summary or "").replace("\n", " ")
        return ""


def _reclock(r: InboxRow, now: datetime) -> InboxRow:
    return replace(
        r,
        response=clock("response", r.response.start, r.response.due, r.response.done_at, now),
        accept=clock("accept", r.accept.start, r.accept.due, r.accept.done_at, now),
        closure=clock("closure", r.closure.start, r.closure.due, r.closure.done_at, now),
        priority_clock=reclock(r.priority_clock, now),
    )
