"""The guard's fixtures: a small street, one account per role, the workstation and the
wall opened in Chinese, and :class:`Guard`, which triggers a widget and tells whether
anything observable happened (a dialog, a file, a database write, a widget's state, a
signal) and whether anything went wrong (an exception, a logged error, an error box).

Dialogs are answered here: the static file dialogs return paths in a temporary folder,
every other modal dialog, message box or popup menu is recorded and dismissed (its
escape/reject button) by a timer that runs while a trigger is in flight.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from builders import Builder, account
from sqlalchemy import Engine, func, insert, select

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from PySide6.QtCore import QCoreApplication, QMetaMethod, QModelIndex, QObject, QRect, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QAction, QFontMetrics  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QTableView,
    QTabWidget,
    QTextEdit,
    QTreeView,
    QWidget,
)

from center.core.clock import now  # noqa: E402
from center.windows.runtime.workers import TaskRunner  # noqa: E402
from db.models import AuditLog, Base, Resident  # noqa: E402

#: the roles whose workstations differ (tabs, buttons, what the services allow)
ROLES = ("coordinator", "department", "grid_worker", "assessor", "leader", "finance", "admin")
WAIT = 20_000
SETTLE_S = 10.0


@pytest.fixture
def db_url(tmp_path: Path, _sqlite_template: Path) -> str:
    """The guard runs on SQLite only (the services are tested on both engines)."""
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the PNGs go: ``CENTER_GUARD_SNAPSHOTS`` or a temporary folder."""
    named = os.environ.get("CENTER_GUARD_SNAPSHOTS", "")
    path = Path(named) if named else tmp_path_factory.mktemp("guard-snapshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    """The UI in Chinese, as users see it by default."""
    from center.windows.runtime.i18n import install_translators

    loaded = install_translators(qapp, "zh_CN")
    # another change rebuilding the .qm files at this moment would leave English
    assert QCoreApplication.translate("Workstation", "Refresh") == "刷新", loaded
    yield
    install_translators(qapp, "en")


# -- the street ------------------------------------------------------------------------


@dataclass
class Street:
    builder: Builder
    actors: dict[str, Any]


def build_street(ctx: Any) -> Street:
    """Two grids, households with residents, a case in every state, a planned and a
    held joint meeting with a decided item, and an account per role."""
    from center.office import meetings as mtg

    engine: Engine = ctx.engine
    t = now()
    b = Builder(engine)
    b.grid("G01")
    b.grid("G02")
    b.staff("S001", "G01")
    b.staff("S002", "G02")
    groups = ("solo_elderly", "", "disabled", "", "solo_elderly", "", "", "")
    for i, g in enumerate(groups, start=1):
        b.household(
            f"H{i}",
            grid="G01" if i <= 5 else "G02",
            address=f"幸福小区{i}号楼1单元{100 + i}",
            special_groups=g,
        )
    c = ctx.cipher
    with engine.begin() as conn:
        for i, (name, phone) in enumerate((("张三", "13812345678"), ("李四", "13987654321")), 1):
            conn.execute(
                insert(Resident).values(
                    code=f"R{i}",
                    household_id=b.id("household", f"H{i}"),
                    name_enc=c.encrypt("name", name),
                    name_hash=c.lookup_hash("name", name),
                    phone_enc=c.encrypt("phone", phone),
                    phone_hash=c.lookup_hash("phone", phone),
                )
            )
    b.visit("H1", t - timedelta(days=20), staff="S001")
    b.visit("H6", t - timedelta(days=40), staff="S002")
    d = timedelta(days=1)
    last_month = t.replace(day=1, hour=10, minute=0, second=0, microsecond=0) - 3 * d
    b.cases(
        [
            {"household": "H1", "received_at": t - timedelta(hours=1), "grid": "G01"},
            {
                "household": "H2",
                "received_at": t - 3 * d,
                "grid": "G01",
                "dept": "D01",
                "status": "assigned",
                "assigned_at": t - 3 * d,
            },
            {
                "household": "H3",
                "received_at": t - 5 * d,
                "grid": "G01",
                "dept": "D01",
                "status": "accepted",
                "assigned_at": t - 5 * d,
                "accepted_at": t - 4 * d,
                "first_response_at": t - 5 * d,
            },
            {
                "household": "H6",
                "received_at": t - 8 * d,
                "grid": "G02",
                "dept": "D02",
                "status": "resolved",
                "assigned_at": t - 8 * d,
                "accepted_at": t - 8 * d,
                "first_response_at": t - 8 * d,
            },
            {
                "household": "H4",
                "received_at": t - 12 * d,
                "grid": "G01",
                "dept": "D01",
                "status": "rated",
                "assigned_at": t - 12 * d,
                "accepted_at": t - 12 * d,
                "first_response_at": t - 12 * d,
                "closed_at": t - 6 * d,
                "satisfaction": 5,
            },
            {  # closed last month: the spot check's default range draws it
                "household": "H5",
                "received_at": last_month - 4 * d,
                "grid": "G01",
                "dept": "D02",
                "status": "rated",
                "assigned_at": last_month - 4 * d,
                "accepted_at": last_month - 4 * d,
                "first_response_at": last_month - 4 * d,
                "closed_at": last_month,
                "satisfaction": 4,
            },
            {
                "household": "H7",
                "received_at": t - 40 * d,
                "grid": "G02",
                "dept": "D03",
                "status": "assigned",
                "assigned_at": t - 40 * d,
                "code": "K-OVER",
            },
        ]
    )
    actors = {
        "coordinator": account(engine, "coord", "coordinator"),
        "department": account(engine, "dept", "department", dept="D01"),
        "grid_worker": account(engine, "worker", "grid_worker", grid="G01"),
        "assessor": account(engine, "assessor", "assessor"),
        "leader": account(engine, "leader", "leader"),
        "finance": account(engine, "finance", "finance"),
        "admin": account(engine, "admin", "admin"),
    }
    alice = actors["coordinator"]
    t0 = t - timedelta(days=21)
    held = mtg.create_meeting(
        engine,
        alice,
        held_on=(t - timedelta(days=20)).date(),
        title="上月联席会议",
        chair="王主任",
        time_of_day="09:00",
        place="街道三楼会议室",
        attending=["D01", "D02", "D03"],
        at=t0,
    )
    item = mtg.add_item(engine, alice, held.code, case_no="K-OVER", at=t0).id
    mtg.add_item(engine, alice, held.code, topic="背街小巷照明改造", at=t0)
    t1 = t - timedelta(days=20)
    mtg.hold_meeting(engine, alice, held.code, attending=["D01", "D03"], at=t1)
    mtg.decide(
        engine,
        alice,
        item,
        lead="D03",
        co_depts=["D01"],
        measures="住建牵头核查",
        due=date.today() + timedelta(days=10),
        at=t1,
    )
    mtg.create_meeting(
        engine,
        alice,
        held_on=(t + timedelta(days=7)).date(),
        title="本月联席会议",
        chair="王主任",
        time_of_day="09:00",
        place="街道三楼会议室",
        attending=["D01", "D02"],
        at=t,
    )
    return Street(b, actors)


@pytest.fixture
def street(ctx: Any) -> Street:
    return build_street(ctx)


# -- clipped text -------------------------------------------------------------------------


def save_png(w: QWidget, path: Path) -> bool:
    """The widget as the user sees it; light compression (the guard must stay fast)."""
    return w.grab().save(str(path), "PNG", 85)


def _shown(w: QWidget) -> bool:
    return w.isVisible() and not w.visibleRegion().isEmpty() and w.width() > 0


def label_clip(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + 1:
            return f"needs {need} px height at width {label.width()}, has {label.height()}"
        return None
    hint = label.sizeHint()
    if hint.width() > label.width() + 1:
        return f"needs {hint.width()} px, has {label.width()}"
    fm = label.fontMetrics()
    lines = text.count("\n") + 1 if "<" not in text else 1
    if fm.height() * lines > label.contentsRect().height() + 2:
        return f"needs {fm.height() * lines} px height, has {label.contentsRect().height()}"
    return None


def button_clip(b: QAbstractButton) -> str | None:
    if not b.text():
        return None
    hint = b.sizeHint()
    if isinstance(b, (QCheckBox, QRadioButton)):
        need = hint.width()
    else:  # a push button's hint has padding beyond what the text needs
        style = b.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, b)
        need = (
            b.fontMetrics().horizontalAdvance(b.text().replace("&&", "\0").replace("&", ""))
            + margin
        )
        if not b.icon().isNull():
            need += b.iconSize().width() + 4
    if need > b.width() + 1:
        return f"needs {need} px, has {b.width()}"
    return None


def _cell_need(view: QAbstractItemView, idx: QModelIndex, text: str) -> int:
    font = idx.data(Qt.ItemDataRole.FontRole) or view.font()
    fm = QFontMetrics(font)
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    lines = text.split("\n")
    need = max(fm.horizontalAdvance(line) for line in lines) + 2 * margin
    if idx.data(Qt.ItemDataRole.DecorationRole) is not None:
        need += view.iconSize().width() if view.iconSize().isValid() else 16
        need += 2 * margin
    if idx.data(Qt.ItemDataRole.CheckStateRole) is not None:
        need += style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view) + 2 * margin
    return need


def view_clips(view: QAbstractItemView, limit: int = 5) -> list[str]:
    """The visible cells and header sections whose text Qt has to cut."""
    model = view.model()
    if model is None:
        return []
    found: list[str] = []
    vp = view.viewport().rect()
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model keeps columnCount private: one column
        columns = 1
    hidden = (
        (lambda c: view.isColumnHidden(c))
        if isinstance(view, (QTableView, QTreeView))
        else (lambda c: False)
    )
    rows = model.rowCount(QModelIndex())
    for r in range(rows):
        first = view.visualRect(model.index(r, 0))
        if first.top() > vp.bottom():
            break
        if first.bottom() < vp.top() and first.isValid():
            continue
        for c in range(columns):
            if hidden(c):
                continue
            idx = model.index(r, c)
            rect: QRect = view.visualRect(idx)
            if not rect.isValid() or not rect.intersects(vp):
                continue
            text = idx.data(Qt.ItemDataRole.DisplayRole)
            if text is None or str(text) == "":
                continue
            text = str(text)
            need = _cell_need(view, idx, text)
            lines = text.count("\n") + 1
            fm = QFontMetrics(idx.data(Qt.ItemDataRole.FontRole) or view.font())
            wraps = getattr(view, "wordWrap", lambda: False)()
            if need > rect.width() and wraps:
                # wrapped: clipped only when the wrapped lines do not fit the height
                room = max(rect.width() - 8, 1)
                lines = -(-fm.horizontalAdvance(text) // room)
            if (need > rect.width() and not wraps) or fm.height() * lines > rect.height() + 2:
                header = model.headerData(c, Qt.Orientation.Horizontal) or f"column {c}"
                found.append(
                    f"cell [{r},{header}] {text!r}: needs {need} px, has {rect.width()}"
                    f" (height {rect.height()} for {lines} line(s))"
                )
                if len(found) >= limit:
                    return found
    header = view.horizontalHeader() if isinstance(view, QTableView) else None
    if isinstance(view, QTreeView):
        header = view.header()
    if isinstance(header, QHeaderView) and header.isVisible():
        style = header.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        fm = header.fontMetrics()
        for c in range(columns):
            if header.isSectionHidden(c):
                continue
            pos = header.sectionViewportPosition(c)
            if pos > header.width() or pos + header.sectionSize(c) < 0:
                continue
            title = model.headerData(c, Qt.Orientation.Horizontal)
            if not title:
                continue
            title = str(title)
            need = fm.horizontalAdvance(title) + 2 * margin
            if header.isSortIndicatorShown() and header.sortIndicatorSection() == c:
                need += arrow + margin
            if need > header.sectionSize(c):
                found.append(f"header {title!r}: needs {need} px, has {header.sectionSize(c)}")
    return found


def clipped(root: QWidget) -> list[str]:
    """Every clipped text under ``root`` (see the module doc), with the widget named."""
    found: list[str] = []
    for label in root.findChildren(QLabel):
        if shiboken6.isValid(label) and _shown(label) and type(label).__name__ != "QTipLabel":
            why = label_clip(label)
            if why:
                found.append(f"{describe(label)}: {label.text()[:60]!r} {why}")
    for b in root.findChildren(QAbstractButton):
        if _shown(b) and not b.objectName().startswith("qt_"):
            why = button_clip(b)
            if why:
                found.append(f"{describe(b)}: {why}")
    for view in root.findChildren(QAbstractItemView):
        if _shown(view):
            model = view.model()
            has_rows = model is not None and model.rowCount(QModelIndex()) > 0
            if isinstance(view, QTableView):
                row = view.rowHeight(0) if has_rows else view.verticalHeader().defaultSectionSize()
            else:
                row = view.fontMetrics().height() + 4
            if view.viewport().height() < row:
                found.append(
                    f"{describe(view)}: no room for one row (viewport "
                    f"{view.viewport().height()} px high, a row needs {row})"
                )
            for why in view_clips(view):
                found.append(f"{describe(view)}: {why}")
    return found


# -- what a trigger did ------------------------------------------------------------------


def describe(obj: Any) -> str:
    """``QPushButton '导出' (csv_btn) in PlanningView > QTabWidget > WorkstationWindow``."""
    if not shiboken6.isValid(obj):
        return "<deleted>"
    text = ""
    if isinstance(obj, (QAbstractButton, QAction, QLabel)):
        text = obj.text().replace("&", "")
    parts = [type(obj).__name__ + (f" {text!r}" if text else "")]
    if obj.objectName():
        parts[0] += f" #{obj.objectName()}"
    attr = _attr_name(obj)
    if attr:
        parts[0] += f" (.{attr})"
    p = obj.parent()
    chain = []
    while p is not None and shiboken6.isValid(p):
        if type(p).__module__.startswith(("center.", "widgets.")) or p.objectName():
            chain.append(type(p).__name__ + (f"#{p.objectName()}" if p.objectName() else ""))
        p = p.parent()
    return parts[0] + (" in " + " > ".join(chain) if chain else "")


def _attr_name(obj: Any) -> str:
    """The attribute name a product object keeps ``obj`` under, if any (e.g. ``csv_btn``)."""
    p = obj.parent()
    while p is not None and shiboken6.isValid(p):
        if type(p).__module__.startswith(("center.", "widgets.")):
            for k, v in vars(p).items():
                if v is obj:
                    return k
                if isinstance(v, dict):
                    for kk, vv in v.items():
                        if vv is obj:
                            return f"{k}[{kk!r}]"
            return ""
        p = p.parent()
    return ""


def _widget_state(w: QWidget) -> tuple[Any, ...]:
    state: tuple[Any, ...] = (type(w).__name__, w.isVisible(), w.isEnabled())
    if isinstance(w, (QLabel, QLineEdit)):
        state += (w.text(),)
    elif isinstance(w, QAbstractButton):
        state += (w.text(), w.isChecked())
    elif isinstance(w, (QPlainTextEdit, QTextEdit)):
        state += (w.toPlainText(),)
    elif isinstance(w, QComboBox):
        state += (w.currentIndex(), w.count())
    elif isinstance(w, (QTabWidget, QStackedWidget)):
        state += (w.currentIndex(), w.count())
    elif isinstance(w, QAbstractSpinBox):
        state += (w.text(),)
    elif isinstance(w, QStatusBar):
        state += (w.currentMessage(),)
    elif isinstance(w, QAbstractItemView):
        m = w.model()
        cur = w.currentIndex()
        rows = m.rowCount() if m is not None else -1
        first = ""
        if m is not None and rows > 0:
            first = str(m.data(m.index(0, 0)))
        state += (rows, cur.row(), cur.column(), first)
    return state


def ui_state(root: QWidget) -> dict[int, tuple[Any, ...]]:
    """Every widget of ``root`` (and the visible top-level windows) and its state."""
    widgets = [root, *root.findChildren(QWidget)]
    out = {id(w): _widget_state(w) for w in widgets}
    focus = root.focusWidget()
    out[1] = (id(focus), focus.selectedText() if isinstance(focus, QLineEdit) else "")
    out[0] = tuple(
        sorted(
            f"{type(w).__name__}:{w.windowTitle()}"
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and not isinstance(w, QMenu)
        )
    )
    return out


def db_state(engine: Engine) -> tuple[int, ...]:
    """Row counts of every table, the audit rows and the change counters."""
    with engine.connect() as conn:
        counts = tuple(
            conn.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        )
        last_audit = conn.scalar(select(func.max(AuditLog.id))) or 0
    return (*counts, last_audit)


def files_state(folder: Path) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((p.name, p.stat().st_size) for p in folder.rglob("*") if p.is_file()))


@dataclass
class Outcome:
    what: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files: bool = False
    db: bool = False
    ui: bool = False
    signals: list[str] = field(default_factory=list)

    @property
    def observable(self) -> bool:
        return bool(self.dialogs or self.files or self.db or self.ui or self.signals)

    def __str__(self) -> str:
        seen = [
            *(f"dialog {d}" for d in self.dialogs),
            *(["a file written"] if self.files else []),
            *(["the database changed"] if self.db else []),
            *(["a widget changed"] if self.ui else []),
            *(f"signal {s}" for s in self.signals),
        ]
        return f"{self.what}: " + ("; ".join(seen) or "nothing observable")


class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"log {record.name}: {record.getMessage()}")


#: message-box icons that mean something went wrong
ERROR_ICONS = (QMessageBox.Icon.Critical, QMessageBox.Icon.Warning)


class Guard:
    """Triggers widgets of one window and reports what each did (see the module doc)."""

    def __init__(self, qtbot: Any, engine: Engine, out: Path) -> None:
        self.qtbot = qtbot
        self.engine = engine
        self.out = out
        self.root: QWidget | None = None
        self.seen_dialogs: list[str] = []
        self.dialog_errors: list[str] = []
        #: message boxes the current trigger may raise (substring of text → reason)
        self.expected_messages: dict[str, str] = {}
        self._signals: list[str] = []
        self._hooked: set[int] = set()
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self.dismiss)
        self._before_dialogs: set[int] = set()
        self.file_answers: list[str] = []
        #: where dialogs are pictured and checked for clipped text (None: not)
        self.dialog_dir: Path | None = None
        #: widgets that change by themselves (a clock): not evidence of anything
        self.noise: set[int] = set()

    # -- dialogs --------------------------------------------------------------------

    def save_name(
        self, _parent: Any = None, _caption: str = "", name: str = "", filters: str = "", *_a: Any
    ) -> Any:
        """The user types a name (the suggested one, else one with the filter's suffix)."""
        import re

        suffix = re.search(r"\*(\.\w+)", filters or "")
        fallback = f"file{len(self.file_answers)}{suffix.group(1) if suffix else '.out'}"
        path = self.out / (Path(name).name if name else fallback)
        self.file_answers.append(str(path))
        self.seen_dialogs.append(f"file dialog → {path.name}")
        return str(path), ""

    def open_name(self, *_a: Any, **_k: Any) -> Any:
        # nothing to open: the user cancels
        self.seen_dialogs.append("open-file dialog (cancelled)")
        return "", ""

    def record_dialog(self, w: QWidget) -> None:
        """Note the dialog; with :attr:`dialog_dir` set, save its picture and check it
        for clipped text (a dialog is a view too)."""
        if self.dialog_dir is not None and w.isVisible():
            name = re.sub(r"[^\w.-]+", "-", f"{type(w).__name__}-{w.windowTitle()}").strip("-")
            save_png(w, self.dialog_dir / f"dialog-{name}.png")
            for f in clipped(w):
                self.dialog_errors.append(f"clipped in {type(w).__name__} {w.windowTitle()!r}: {f}")
        if isinstance(w, QMessageBox):
            text = w.text()
            desc = f"QMessageBox[{w.icon().name}] {text!r}"
            if w.icon() in ERROR_ICONS and not any(k in text for k in self.expected_messages):
                self.dialog_errors.append(f"unexpected error box {w.icon().name}: {text!r}")
        else:
            desc = f"{type(w).__name__} {w.windowTitle()!r}"
        self.seen_dialogs.append(desc)

    def dismiss(self) -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
            return
        w = QApplication.activeModalWidget()
        if w is None:
            for top in QApplication.topLevelWidgets():
                if isinstance(top, QDialog) and top.isVisible():
                    w = top
                    break
        if w is None:
            return
        self.record_dialog(w)
        close(w)

    # -- signals ----------------------------------------------------------------------

    def hook_signals(self, root: QObject) -> None:
        """Count the product's own signals (declared by classes in center.*/widgets.*)."""
        for obj in [root, *root.findChildren(QObject)]:
            if (
                id(obj) in self._hooked
                or not type(obj).__module__.startswith(("center.", "widgets."))
                or isinstance(obj, TaskRunner)  # background work is no evidence by itself
                or type(obj).__name__.startswith("_")
            ):
                continue
            self._hooked.add(id(obj))
            meta = obj.metaObject()
            names = set()
            m = meta
            while m is not None and m.className().startswith(("Q",)) is False:
                for i in range(m.methodOffset(), m.methodCount()):
                    method = m.method(i)
                    if method.methodType() == QMetaMethod.MethodType.Signal:
                        names.add(bytes(method.name().data()).decode())
                m = m.superClass()
            for name in names:
                sig = getattr(obj, name, None)
                if sig is None or not hasattr(sig, "connect"):
                    continue
                label = f"{type(obj).__name__}.{name}"
                sig.connect(lambda *_a, _l=label: self._signals.append(_l))

    # -- triggers ---------------------------------------------------------------------

    def busy(self) -> bool:
        if self.root is None or not shiboken6.isValid(self.root):
            return False
        return any(r.busy() for r in self.root.findChildren(TaskRunner))

    def settle(self) -> None:
        """Until the background work is done and the widgets stop changing."""
        deadline = time.monotonic() + SETTLE_S
        self.qtbot.wait(5)
        while time.monotonic() < deadline:
            self.dismiss()
            QApplication.processEvents()
            if not self.busy() and QApplication.activeModalWidget() is None:
                break
            self.qtbot.wait(10)
        self.qtbot.wait(5)
        QApplication.processEvents()

    def trigger(
        self, what: str, fn: Callable[[], Any], *, expect: dict[str, str] | None = None
    ) -> Outcome:
        assert self.root is not None
        self.expected_messages = expect or {}
        before_ui = ui_state(self.root)
        before_db = db_state(self.engine)
        before_files = files_state(self.out)
        self.seen_dialogs = []
        self.dialog_errors = []
        self._signals = []
        errors: list[str] = []
        handler = _ErrorLog()
        logging.getLogger().addHandler(handler)
        old_hook = sys.excepthook

        def hook(tp: Any, value: Any, tb: Any) -> None:
            import traceback

            errors.append(
                "exception: " + "".join(traceback.format_exception(tp, value, tb))[-1500:]
            )

        sys.excepthook = hook
        self._timer.start()
        try:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - reported as the trigger's failure
                import traceback

                errors.append("exception: " + traceback.format_exc()[-1500:])
                del exc
            self.settle()
            # dialogs opened with open() (not modal to the application)
            self.dismiss()
            self.settle()
        finally:
            self._timer.stop()
            sys.excepthook = old_hook
            logging.getLogger().removeHandler(handler)
        out = Outcome(what)
        out.dialogs = list(self.seen_dialogs)
        out.errors = errors + handler.records + self.dialog_errors
        out.files = files_state(self.out) != before_files
        out.db = db_state(self.engine) != before_db
        after_ui = ui_state(self.root) if shiboken6.isValid(self.root) else {}
        out.ui = self._ui_changed(before_ui, after_ui)
        out.signals = sorted(set(self._signals))
        self.expected_messages = {}
        return out

    def learn_noise(self, seconds: float) -> None:
        """Watch the window untouched for ``seconds``: what changes is noise (a clock)."""
        assert self.root is not None
        before = ui_state(self.root)
        self.qtbot.wait(round(seconds * 1000))
        after = ui_state(self.root)
        self.noise |= {k for k in after if before.get(k) != after[k]}

    def _ui_changed(self, before: dict[int, Any], after: dict[int, Any]) -> bool:
        keys = (set(before) | set(after)) - self.noise
        return any(before.get(k) != after.get(k) for k in keys)

    def stop(self) -> None:
        self._timer.stop()


def close(w: QWidget) -> None:
    """Dismiss a dialog the way a user cancels it."""
    if isinstance(w, QMessageBox):
        button = w.escapeButton()
        if button is None:
            for b in w.buttons():
                if w.buttonRole(b) in (
                    QMessageBox.ButtonRole.RejectRole,
                    QMessageBox.ButtonRole.NoRole,
                ):
                    button = b
                    break
        if button is None and w.buttons():
            button = w.buttons()[0]
        if button is not None:
            button.click()
            return
    if isinstance(w, QDialog):
        w.reject()
    else:
        w.close()


@pytest.fixture
def guard(qtbot: Any, ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Guard]:
    out = tmp_path / "written"
    out.mkdir()
    g = Guard(qtbot, ctx.engine, out)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(g.save_name))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(g.open_name))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(out)))
    yield g
    g.stop()
