"""The inbox: a filter bar over a paged case table.

Every filter runs in the database (see :mod:`center.cases.inbox`); typing in the
search box waits 300 ms before it asks. Filters can be saved by name per user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QDate,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.cases.inbox import FilterChoices, InboxFilter
from center.core.access import Actor
from center.windows.workstation import filters as saved
from center.windows.workstation import texts as tx
from center.windows.workstation.inbox_model import COLUMN_KEYS, COLUMNS, InboxModel

translate = tx.translate
ANY = None
#: what the inbox opens on and "Clear" returns to: the open cases the user may read
#: (a department user: its department's; a grid worker: its grid's; see access.md)
OPEN_WORK = InboxFilter(statuses=("open",))
#: the widest a column sized to the names it shows may get (pixels)
NAME_COLUMN_MAX = 260
ADDRESS_COLUMN_WIDTH = 180


class FlowLayout(QLayout):
    """Widgets side by side, wrapping to the next line when the width runs out (the
    filter bar and the case actions fit a narrow pane without clipping)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    def sizeHint(self) -> QSize:
        """All on one line."""
        shown = [i.sizeHint() for i in self._items if not i.isEmpty()]
        m = self.contentsMargins()
        width = sum(h.width() for h in shown) + self._spacing * max(0, len(shown) - 1)
        height = max((h.height() for h in shown), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The widest single item."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize()).expandedTo(item.sizeHint())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _place(self, rect: QRect, *, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden widget takes no place
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + self._spacing, 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


def _combo(placeholder: str, items: list[tuple[str, Any]]) -> QComboBox:
    box = QComboBox()
    box.addItem(placeholder, ANY)
    for text, data in items:
        box.addItem(text, data)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(9)
    box.setMaximumWidth(190)
    return box


def _select(box: QComboBox, value: Any) -> None:
    i = box.findData(value)
    box.setCurrentIndex(max(i, 0))


class InboxView(QWidget):
    """Filter bar, table and count. ``case_selected(code)`` whenever the current row
    (its case) changes, ``case_selected("")`` when no case is current (nothing matches,
    or the row's page is still loading): the detail beside the table follows it, so
    the highlighted row and the detail always show the same case.
    ``case_activated(code)`` on double click / Enter.

    It opens on ``default`` (the user's open cases, unless a pinned filter names its
    own statuses); the status box shows it and "All statuses" shows every case."""

    case_selected = Signal(str)
    case_activated = Signal(str)

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        fixed: InboxFilter | None = None,
        default: InboxFilter | None = None,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._user = actor.name
        self._fixed = fixed  # a department view pins some fields
        if default is None:
            default = InboxFilter() if fixed is not None and fixed.statuses else OPEN_WORK
        self.default = default
        self._choices: FilterChoices | None = None
        self._applying = False
        self._want_code: str | None = None
        self._insist: str | None = None  # show_case: switch the filter if it is not listed
        self._settling = False  # re-selecting after a load: one case_selected at the end
        self._pending_row: int | None = None  # the current row's page is loading
        self.model = InboxModel(engine, actor, clock_fn=clock_fn, parent=self)
        self.model.loaded.connect(self._on_loaded)
        self.model.failed.connect(self._on_failed)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            translate("Workstation", "Search case code, summary, address, household…")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(230)
        self.status = _combo(
            translate("Workstation", "All statuses"),
            [
                (translate("Workstation", "Open"), "open"),
                (translate("Workstation", "Closed"), "closed"),
            ]
            + [(tx.tr(n), k) for k, n in tx.STATUS_NAMES.items()],
        )
        self.category = _combo(translate("Workstation", "All categories"), [])
        self.subcategory = _combo(translate("Workstation", "All requests"), [])
        self.priority = _combo(
            translate("Workstation", "All priorities"),
            [(tx.tr(n), k) for k, n in tx.PRIORITY_NAMES.items()],
        )
        self.source = _combo(
            translate("Workstation", "All sources"),
            [(tx.tr(n), k) for k, n in tx.SOURCE_NAMES.items()],
        )
        self.community = _combo(translate("Workstation", "All communities"), [])
        self.grid = _combo(translate("Workstation", "All grids"), [])
        self.dept = _combo(translate("Workstation", "All departments"), [])
        self.escalated = _combo(
            translate("Workstation", "Escalated: any"),
            [
                (translate("Workstation", "Escalated"), True),
                (translate("Workstation", "Not escalated"), False),
            ],
        )
        self.clock = _combo(
            translate("Workstation", "All clocks"),
            [
                (translate("Workstation", "Overdue"), "overdue"),
                (translate("Workstation", "About to breach (80%)"), "at_risk"),
            ],
        )
        self.use_dates = QCheckBox(translate("Workstation", "Received between"))
        today = tx.qt_today()
        self.date_from = QDateEdit(today.addDays(-30))
        self.date_to = QDateEdit(today)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.saved = QToolButton()
        self.saved.setText(translate("Workstation", "Saved filters"))
        self.saved.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.saved_menu = QMenu(self.saved)
        self.saved.setMenu(self.saved_menu)
        self.saved.setMinimumWidth(self.saved.sizeHint().width() + 16)
        self.clear_btn = QPushButton(translate("Workstation", "Clear"))
        self.clear_btn.setToolTip(
            translate("Workstation", "Back to the start: your open cases, no other filter")
        )
        self.count = QLabel()
        self.count.setMinimumWidth(90)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSortIndicator(COLUMN_KEYS.index("received"), Qt.SortOrder.DescendingOrder)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        self._fit_columns()
        self.table.doubleClicked.connect(self._on_activated)
        self.table.activated.connect(self._on_activated)

        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.dataChanged.connect(self._on_rows_arrived)
        self.model.busy_changed.connect(self._on_busy)

        # the filter bar wraps in a narrow pane (the detail beside it keeps its room)
        bar = FlowLayout()
        for w in (
            self.search,
            self.status,
            self.category,
            self.subcategory,
            self.priority,
            self.source,
            self.community,
            self.grid,
            self.dept,
            self.escalated,
            self.clock,
            self.use_dates,
            self.date_from,
            QLabel("–"),
            self.date_to,
            self.saved,
            self.clear_btn,
            self.count,
        ):
            bar.addWidget(w)
        self.filter_bar = QWidget()
        self.filter_bar.setLayout(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.apply)
        for box in (
            self.status,
            self.subcategory,
            self.priority,
            self.source,
            self.grid,
            self.dept,
            self.escalated,
            self.clock,
        ):
            box.currentIndexChanged.connect(self._changed)
        self.category.currentIndexChanged.connect(self._on_category)
        self.community.currentIndexChanged.connect(self._on_community)
        self.use_dates.toggled.connect(self._on_dates_toggled)
        self.date_from.dateChanged.connect(self._changed)
        self.date_to.dateChanged.connect(self._changed)
        self.clear_btn.clicked.connect(self.clear)
        self._tick = QTimer(self)
        self._tick.setInterval(60_000)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        if fixed is not None and fixed.dept:
            self.dept.setEnabled(False)
        self._applying = True
        try:
            _select(self.status, default.statuses[0] if default.statuses else None)
        finally:
            self._applying = False
        self.model.preset_filter(self.current_filter())
        self._load_saved()

    # -- choices ---------------------------------------------------------------

    def set_choices(self, choices: FilterChoices) -> None:
        """Fill the place, department and taxonomy combos (loaded by the window)."""
        self._choices = choices
        self._applying = True
        try:
            self.category.clear()
            self.category.addItem(translate("Workstation", "All categories"), ANY)
            for c in choices.categories:
                self.category.addItem(tx.pick(c.name, c.name_en), c.code)
            self._fill_subcategories()
            self.community.clear()
            self.community.addItem(translate("Workstation", "All communities"), ANY)
            for code, name in choices.communities:
                self.community.addItem(name, code)
            self._fill_grids()
            self.dept.clear()
            self.dept.addItem(translate("Workstation", "All departments"), ANY)
            for d in choices.departments:
                self.dept.addItem(tx.pick(d.name, d.name_en), d.code)
            if self._fixed is not None and self._fixed.dept:
                _select(self.dept, self._fixed.dept)
        finally:
            self._applying = False
        self._fit_columns(choices)

    def _fit_columns(self, choices: FilterChoices | None = None) -> None:
        """Column widths: the codes, times, names and countdowns the columns show fit
        whole (every grid's, department's and request's name of the street, once the
        choices are known); the address takes what is left, the summary the rest."""
        fm = self.table.fontMetrics()
        hfm = self.table.horizontalHeader().fontMetrics()
        # a cell's text margins (the style's, each side) and some air
        margin = self.table.style().pixelMetric(
            QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table
        )
        pad = 2 * (margin + 1) + 10
        # the longest a countdown gets: overdue by years (an open case of an old import)
        overdue = tx.duration(timedelta(days=999, hours=23, minutes=59))
        clocks = [
            translate("Workstation", "overdue %1").replace("%1", overdue),
            translate("Workstation", "✗ late"),
            tx.duration(timedelta(days=14, hours=23, minutes=59)),
        ]
        sample = {
            "code": ["K202612070083 ⟳"],
            "received": [tx.when(datetime(2026, 12, 31, 23, 59))],
            "source": [tx.tr(n) for n in tx.SOURCE_NAMES.values()],
            "priority": [tx.tr(n) for n in tx.PRIORITY_NAMES.values()],
            "status": [tx.tr(n) for n in tx.STATUS_NAMES.values()],
            "priority_clock": clocks,
            "response": clocks,
            "accept": clocks,
            "closure": clocks,
            "address": ["幸福家园小区12号楼3单元1201室"],
            "grid": ["第10网格"],
            "dept": ["综合执法"],
            "subcategory": ["独居老人失联"],
        }
        if choices is not None:
            if choices.grids:
                sample["grid"] = [name for _c, name, _m in choices.grids]
            if choices.departments:
                sample["dept"] = [tx.pick(d.name, d.name_en) for d in choices.departments]
            subs = [tx.pick(s.name, s.name_en) for c in choices.categories for s in c.subcategories]
            if subs:
                sample["subcategory"] = subs
        for i, (key, head, _sort) in enumerate(COLUMNS):
            if key not in sample:
                continue
            text = max((fm.horizontalAdvance(t) for t in sample[key]), default=0) + pad
            # the header's text and its sort arrow
            title = hfm.horizontalAdvance(tx.tr(head)) + pad + 16
            width = max(text, title)
            if key in ("grid", "dept", "subcategory"):
                width = min(width, NAME_COLUMN_MAX)
            elif key == "address":  # long ones are cut (the tooltip has it whole)
                width = min(width, ADDRESS_COLUMN_WIDTH)
            self.table.setColumnWidth(i, width)

    def set_fixed(self, fixed: InboxFilter) -> None:
        """Pin fields of the filter (a department view pins its department)."""
        self._fixed = fixed
        self.dept.setEnabled(not fixed.dept)
        if fixed.dept:
            self._applying = True
            try:
                _select(self.dept, fixed.dept)
            finally:
                self._applying = False
        self.apply()

    def _fill_subcategories(self) -> None:
        cat = self.category.currentData()
        self.subcategory.clear()
        self.subcategory.addItem(translate("Workstation", "All requests"), ANY)
        for c in self._choices.categories if self._choices else ():
            if cat is None or c.code == cat:
                for s in c.subcategories:
                    self.subcategory.addItem(f"{s.code} {tx.pick(s.name, s.name_en)}", s.code)

    def _fill_grids(self) -> None:
        com = self.community.currentData()
        self.grid.clear()
        self.grid.addItem(translate("Workstation", "All grids"), ANY)
        for code, name, community in self._choices.grids if self._choices else ():
            if com is None or community == com:
                self.grid.addItem(name, code)

    def _on_category(self) -> None:
        if self._applying:
            return
        self._applying = True
        try:
            self._fill_subcategories()
        finally:
            self._applying = False
        self.apply()

    def _on_community(self) -> None:
        if self._applying:
            return
        self._applying = True
        try:
            self._fill_grids()
        finally:
            self._applying = False
        self.apply()

    def _on_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self._changed()

    # -- the filter --------------------------------------------------------------

    def current_filter(self) -> InboxFilter:
        status = self.status.currentData()
        f = InboxFilter(
            statuses=(status,) if status else (),
            category=self.category.currentData(),
            subcategory=self.subcategory.currentData(),
            priority=self.priority.currentData(),
            community=self.community.currentData(),
            grid=self.grid.currentData(),
            dept=self.dept.currentData(),
            source=self.source.currentData(),
            received_from=self.date_from.date().toPython() if self.use_dates.isChecked() else None,
            received_to=self.date_to.date().toPython() if self.use_dates.isChecked() else None,
            escalated=self.escalated.currentData(),
            clock=self.clock.currentData(),
            text=self.search.text().strip(),
        )
        if self._fixed is not None:
            if self._fixed.dept:
                f = _with(f, dept=self._fixed.dept)
            if self._fixed.statuses and not f.statuses:
                f = _with(f, statuses=self._fixed.statuses)
            if self._fixed.clock_kinds != f.clock_kinds:
                f = _with(f, clock_kinds=self._fixed.clock_kinds)
        return f

    def show_filter(self, f: InboxFilter) -> None:
        """Put a (saved) filter into the bar and apply it."""
        self._applying = True
        try:
            _select(self.status, f.statuses[0] if f.statuses else None)
            _select(self.category, f.category)
            self._fill_subcategories()
            _select(self.subcategory, f.subcategory)
            _select(self.priority, f.priority)
            _select(self.source, f.source)
            _select(self.community, f.community)
            self._fill_grids()
            _select(self.grid, f.grid)
            if self._fixed is None or not self._fixed.dept:
                _select(self.dept, f.dept)
            _select(self.escalated, f.escalated)
            _select(self.clock, f.clock)
            dated = f.received_from is not None or f.received_to is not None
            self.use_dates.setChecked(dated)
            self.date_from.setEnabled(dated)
            self.date_to.setEnabled(dated)
            if f.received_from:
                self.date_from.setDate(QDate(f.received_from))
            if f.received_to:
                self.date_to.setDate(QDate(f.received_to))
            self.search.setText(f.text)
        finally:
            self._applying = False
        self._debounce.stop()
        self.apply()

    def _changed(self, *_args: object) -> None:
        if not self._applying:
            self.apply()

    def apply(self) -> None:
        self._debounce.stop()
        self._want_code = self._want_code or self.current_code()
        self.count.setText(translate("Workstation", "Loading…"))
        self.model.set_filter(self.current_filter())

    def clear(self) -> None:
        """Back to the start: the default filter (the user's open cases)."""
        self.show_filter(self.default)

    def refresh(self, select: str | None = None) -> None:
        """Query again; keep the current case selected (or select ``select``)."""
        self._want_code = select or self.current_code() or self._want_code
        self.model.refresh()

    def show_case(self, code: str) -> None:
        """Make ``code`` the current row (its detail follows): query again and select
        it; when the filter does not list it, search for it alone (every status), so
        the list and the detail never show different cases."""
        if self.select_code(code):
            return
        self._want_code = self._insist = code
        self.model.refresh()

    # -- saved filters -------------------------------------------------------------

    def _load_saved(self) -> None:
        menu = self.saved_menu
        menu.clear()
        names = list(saved.saved_filters(self._user))
        for name in names:
            menu.addAction(name, lambda n=name: self.apply_saved(n))
        if names:
            menu.addSeparator()
        menu.addAction(translate("Workstation", "Save the current filter…"), self._ask_save)
        if names:
            delete = menu.addMenu(translate("Workstation", "Delete"))
            for name in names:
                delete.addAction(name, lambda n=name: self.delete_saved(n))

    def apply_saved(self, name: str) -> bool:
        f = saved.saved_filters(self._user).get(name)
        if f is None:
            return False
        self.show_filter(f)
        return True

    def save_current(self, name: str) -> None:
        saved.save_filter(self._user, name, self.current_filter())
        self._load_saved()

    def delete_saved(self, name: str) -> None:
        saved.delete_filter(self._user, name)
        self._load_saved()

    def _ask_save(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            translate("Workstation", "Save filter"),
            translate("Workstation", "Name of this filter:"),
        )
        if ok and name.strip():
            self.save_current(name)

    # -- table ---------------------------------------------------------------------

    def current_code(self) -> str | None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            return None
        row = self.model.row_at(idx.row())
        return row.code if row else None

    def select_code(self, code: str) -> bool:
        row = self.model.find(code)
        if row is None:
            return False
        idx = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            idx,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(idx)
        return True

    def _on_busy(self, busy: bool) -> None:
        """A query starts: the case to select again once it is back (the current one,
        unless another was asked for)."""
        if busy:
            self._want_code = self._want_code or self.current_code()

    def _on_loaded(self, total: int) -> None:
        self.count.setText(translate("Workstation", "%n case(s)", "", total))
        want, self._want_code = self._want_code, None
        insist, self._insist = self._insist, None
        self._settling = True
        try:
            found = bool(want) and self.select_code(want or "")
            if not found and want and insist == want:
                # not in this list: search for it alone, every status (the bar says so)
                self._settling = False
                self._want_code = want
                self.show_filter(replace(InboxFilter(), text=want))
                return
            if not found:
                first = self.model.row_at(0) if total else None
                if first is not None:
                    self.select_code(first.code)
                else:
                    self.table.selectionModel().clear()
                    self.table.setCurrentIndex(QModelIndex())
        finally:
            self._settling = False
        self._emit_current()

    def _on_failed(self, message: str) -> None:
        self.count.setText(translate("Workstation", "Error"))
        QMessageBox.warning(
            self,
            translate("Workstation", "Inbox"),
            translate("Workstation", "The cases could not be loaded: %1").replace("%1", message),
        )

    def _on_current(self, _current: Any, _previous: Any) -> None:
        if self._settling:
            return
        if self.model.refreshing():
            # chosen while a query runs: select this one when it is back
            self._want_code = self.current_code() or self._want_code
        self._emit_current()

    def _emit_current(self) -> None:
        """Tell the detail which case is current: its code, or "" for none (no row,
        or a row whose page is still loading: sent when the page arrives)."""
        idx = self.table.currentIndex()
        row = self.model.row_at(idx.row()) if idx.isValid() else None
        self._pending_row = idx.row() if idx.isValid() and row is None else None
        self.case_selected.emit(row.code if row is not None else "")

    def _on_rows_arrived(self, top: Any, bottom: Any, *_roles: Any) -> None:
        if self._pending_row is not None and top.row() <= self._pending_row <= bottom.row():
            idx = self.table.currentIndex()
            if idx.isValid() and idx.row() == self._pending_row:
                self._emit_current()

    def _on_activated(self, index: Any) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.case_activated.emit(row.code)

    def shutdown(self) -> None:
        self._tick.stop()
        self._debounce.stop()
        self.model.shutdown()


def _with(f: InboxFilter, **kw: Any) -> InboxFilter:
    return replace(f, **kw)
