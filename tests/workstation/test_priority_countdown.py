"""The priority clock's countdown (`spec/insight.md`) in the inbox and the department
queue: the column beside the priority, its text in English and in Chinese, its
tooltip, the minute tick, and its sort (running clocks first, most urgent first)."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from builders import Builder, at
from PySide6.QtCore import Qt

from center.cases.inbox import filter_choices
from center.core.access import Actor
from center.windows.workstation.dept_view import DepartmentView
from center.windows.workstation.inbox_model import COLUMN_KEYS, STATE_ROLE, InboxModel

pytestmark = pytest.mark.gui
ALICE = Actor("alice", "coordinator")
WAIT = 20_000
T = at(2026, 10, 9, 10)
M = timedelta(minutes=1)
COL = COLUMN_KEYS.index("priority_clock")


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def street(ctx):
    b = Builder(ctx.engine)
    b.grid("G01")
    b.household("H1", "G01")
    b.cases(
        [
            {"code": "KA", "household": "H1", "priority": "immediate",
             "received_at": T - 10 * M},
            {"code": "KB", "household": "H1", "priority": "immediate",
             "received_at": T - 40 * M},
            {"code": "KC", "household": "H1", "priority": "24h",
             "received_at": T - 23 * 60 * M},
            # received the day before National Day: limit Sun 11 Oct 00:00
            {"code": "KD", "household": "H1", "priority": "3wd",
             "received_at": at(2026, 9, 30, 15)},
            {"code": "KE", "household": "H1", "priority": "3wd", "dept": "D01",
             "received_at": at(2026, 10, 8, 9), "assigned_at": at(2026, 10, 9, 9),
             "status": "assigned"},
            {"code": "KF", "household": "H1", "priority": "immediate", "on_the_spot": True,
             "received_at": T - 120 * M, "first_response_at": T - 30 * M,
             "closed_at": T - 30 * M, "status": "resolved"},
            {"code": "KG", "household": "H1", "priority": "immediate",
             "received_at": T - 60 * M, "first_response_at": T - 29 * M},
        ]
    )  # fmt: skip
    return b


def _rows(model: InboxModel, role=Qt.ItemDataRole.DisplayRole) -> dict[str, str]:
    return {
        model.row_at(i).code: model.data(model.index(i, COL), role) for i in range(model.rowCount())
    }


def _model(qtbot, ctx, now) -> InboxModel:
    model = InboxModel(ctx.engine, ALICE, clock_fn=lambda: now[0])
    model.refresh()
    qtbot.waitUntil(lambda: model.is_loaded() and model.total == 7, timeout=WAIT)
    return model


def test_countdown_text_and_tick(qtbot, ctx, street):
    now = [T]
    model = _model(qtbot, ctx, now)
    try:
        assert model.headerData(COL, Qt.Orientation.Horizontal) == "Priority clock"
        assert COL == COLUMN_KEYS.index("priority") + 1  # first of the countdowns
        assert _rows(model) == {
            "KA": "20m",
            "KB": "overdue 10m",
            "KC": "1h 00m",
            "KD": "1d 14h",
            "KE": "✓",
            "KF": "✓",  # on the spot
            "KG": "✗ late",  # answered after 31 min
        }
        assert _rows(model, STATE_ROLE) == {
            "KA": "running",
            "KB": "breached",
            "KC": "warning",
            "KD": "warning",  # 8 d 19 h of its 10 d 9 h used
            "KE": "met",
            "KF": "met",
            "KG": "missed",
        }
        tips = _rows(model, Qt.ItemDataRole.ToolTipRole)
        assert tips["KA"] == "First response within 30 min\nDue 2026-10-09 10:20"
        assert tips["KD"].startswith("Transfer (assignment or closure) within 3 working days\n")
        # a minute later, without the database: KA has 19 minutes left, at 10:20 it breaches
        now[0] = T + M
        model.tick()
        assert _rows(model)["KA"] == "19m"
        now[0] = T + 20 * M
        model.tick()
        assert (_rows(model)["KA"], _rows(model, STATE_ROLE)["KA"]) == ("overdue 0m", "breached")
        assert _rows(model)["KE"] == "✓"
    finally:
        model.shutdown()


def test_countdown_in_chinese(qtbot, ctx, street, qapp):
    from center.windows.runtime.i18n import install_translators

    install_translators(qapp, "zh_CN")
    now = [T]
    model = _model(qtbot, ctx, now)
    try:
        assert model.headerData(COL, Qt.Orientation.Horizontal) == "优先时限"
        rows = _rows(model)
        assert (rows["KB"], rows["KG"], rows["KE"]) == ("超时 10分", "✗ 超时", "✓")
        tip = _rows(model, Qt.ItemDataRole.ToolTipRole)["KD"]
        assert tip.splitlines()[0] == "3个工作日内转办（派单或办结）"
    finally:
        model.shutdown()
        install_translators(qapp, "en")


def test_sorted_by_the_priority_clock(qtbot, ctx, street):
    now = [T]
    model = _model(qtbot, ctx, now)
    try:
        model.sort(COL, Qt.SortOrder.AscendingOrder)
        qtbot.waitUntil(lambda: model.is_loaded() and model.sort_order.key == "priority_due")
        qtbot.waitUntil(lambda: model.row_at(0) is not None and model.row_at(0).code == "KB")
        # running clocks by their limit, then the stopped ones by theirs
        order = [model.row_at(i).code for i in range(model.rowCount())]
        assert order == ["KB", "KA", "KC", "KD", "KF", "KG", "KE"]
    finally:
        model.shutdown()


def test_department_queue_shows_the_priority_clock(qtbot, ctx, street):
    view = DepartmentView(ctx.engine, ALICE, clock_fn=lambda: T)
    qtbot.addWidget(view)
    try:
        view.set_choices(filter_choices(ctx.engine))
        view.dept.setCurrentIndex(view.dept.findData("D01"))
        model = view.inbox.model
        qtbot.waitUntil(
            lambda: model.is_loaded() and model.total == 1 and model.row_at(0) is not None,
            timeout=WAIT,
        )
        assert model.row_at(0).code == "KE"
        header = view.inbox.table.model().headerData(COL, Qt.Orientation.Horizontal)
        assert header == "Priority clock"
        assert model.data(model.index(0, COL)) == "✓"
        assert not view.inbox.table.isColumnHidden(COL)
    finally:
        view.shutdown()
