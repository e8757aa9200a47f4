"""The inbox as a coordinator's day starts: it opens on the open cases the user may
read (the filter shows it and can show every case), grid and department names fit
their columns at 1366×768, and the highlighted row and the detail beside it always
show the same case (after filtering, sorting, refreshing, paging and opening a case
from elsewhere)."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from builders import Builder, account, at
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle
from sqlalchemy import update

from center.cases.inbox import InboxFilter
from center.core.access import Actor
from center.windows.workstation.inbox_model import COLUMN_KEYS
from center.windows.workstation.main_window import WorkstationWindow
from db.models import Grid

pytestmark = pytest.mark.gui
ALICE = Actor("alice", "coordinator")
WAIT = 20_000
T = at(2025, 9, 1, 9)


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def street(ctx):
    b = Builder(ctx.engine)
    b.grid("G01")
    b.grid("G02")
    with ctx.engine.begin() as conn:  # names as long as a real street's
        conn.execute(update(Grid).where(Grid.code == "G01").values(name="潮鸣社区第10网格"))
        conn.execute(update(Grid).where(Grid.code == "G02").values(name="大关社区第16网格"))
    b.household("H1", "G01", address="幸福小区1号楼1单元101")
    b.household("H2", "G02", address="幸福小区2号楼1单元201")
    b.cases(
        [
            # open: received, assigned to D03 (its long name), accepted by D01
            {"household": "H1", "received_at": T, "code": "K202509010001"},
            {
                "household": "H2",
                "received_at": T + timedelta(hours=1),
                "code": "K202509010002",
                "dept": "D03",
                "assigned_at": T + timedelta(hours=2),
                "status": "assigned",
            },
            {
                "household": "H1",
                "received_at": T + timedelta(hours=2),
                "code": "K202509010003",
                "dept": "D01",
                "assigned_at": T + timedelta(hours=3),
                "accepted_at": T + timedelta(hours=4),
                "status": "accepted",
            },
            # closed
            {
                "household": "H1",
                "received_at": T + timedelta(hours=3),
                "code": "K202509010004",
                "dept": "D01",
                "assigned_at": T + timedelta(hours=4),
                "accepted_at": T + timedelta(hours=5),
                "closed_at": T + timedelta(hours=6),
                "status": "resolved",
            },
            {
                "household": "H2",
                "received_at": T + timedelta(hours=4),
                "code": "K202509010005",
                "closed_at": T + timedelta(hours=5),
                "status": "no_action_needed",
            },
        ]
    )
    return b


@pytest.fixture
def chinese(qapp):
    """The workstation as it ships: in Chinese."""
    from center.windows.runtime.i18n import install_translators

    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def _open(qtbot, ctx, actor, size=(1366, 768)):
    w = WorkstationWindow(ctx, actor, live=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.choices is not None and w.inbox.model.is_loaded(), timeout=WAIT)
    return w


OPEN = InboxFilter(statuses=("open",))


def _open_cases(qtbot, inbox):
    """The open cases, asked for explicitly (whatever the inbox opened on)."""
    inbox.show_filter(OPEN)
    _loaded(qtbot, inbox, 3)


def _codes(inbox):
    return [inbox.model.row_at(i).code for i in range(inbox.model.total)]


def _loaded(qtbot, inbox, total):
    qtbot.waitUntil(lambda: inbox.model.is_loaded() and inbox.model.total == total, timeout=WAIT)


def _in_sync(qtbot, w):
    """The highlighted row's case is the one the detail shows (or neither)."""
    qtbot.waitUntil(
        lambda: (
            not w.case.is_busy()
            and (w.case.detail.code if w.case.detail else None) == w.inbox.current_code()
        ),
        timeout=WAIT,
    )
    return w.inbox.current_code()


# ------------------------------------------------------------------ open work


def test_the_inbox_opens_on_open_cases_and_the_filter_shows_all(qtbot, ctx, street):
    w = _open(qtbot, ctx, ALICE)
    try:
        inbox = w.inbox
        _loaded(qtbot, inbox, 3)
        assert sorted(_codes(inbox)) == ["K202509010001", "K202509010002", "K202509010003"]
        assert inbox.status.currentData() == "open"
        assert inbox.status.isVisibleTo(w) and inbox.status.isEnabled()
        assert inbox.status.currentText() == "Open"
        # every case, closed ones too, one choice away
        inbox.status.setCurrentIndex(inbox.status.findData(None))
        _loaded(qtbot, inbox, 5)
        # "Clear" goes back to the start: the open cases
        qtbot.mouseClick(inbox.clear_btn, Qt.MouseButton.LeftButton)
        _loaded(qtbot, inbox, 3)
        assert inbox.status.currentData() == "open"
    finally:
        w.shutdown()


def test_department_and_grid_users_open_on_their_own_open_cases(qtbot, ctx, street):
    dora = Actor("dora", "department", dept_code="D01")
    w = _open(qtbot, ctx, dora)
    try:
        _loaded(qtbot, w.inbox, 1)
        assert _codes(w.inbox) == ["K202509010003"]  # D01's closed case is not open work
        w.inbox.status.setCurrentIndex(w.inbox.status.findData(None))
        _loaded(qtbot, w.inbox, 2)
    finally:
        w.shutdown()
    gw = account(ctx.engine, "gw", "grid_worker", grid="G02")
    w = _open(qtbot, ctx, gw)
    try:
        _loaded(qtbot, w.inbox, 1)
        assert _codes(w.inbox) == ["K202509010002"]
    finally:
        w.shutdown()


# ------------------------------------------------------------------ columns


def test_grid_and_department_names_fit_their_columns_at_1366(qtbot, ctx, street, chinese):
    w = _open(qtbot, ctx, ALICE)
    try:
        inbox = w.inbox
        _open_cases(qtbot, inbox)
        table = inbox.table
        fm = table.fontMetrics()
        margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
        for key in ("grid", "dept", "subcategory", "code", "status"):
            col = COLUMN_KEYS.index(key)
            texts = [inbox.model.index(r, col).data() for r in range(inbox.model.total)]
            widest = max(fm.horizontalAdvance(t) for t in texts)
            assert table.columnWidth(col) >= widest + 2 * (margin + 1), (key, texts)
        # every grid and department of the street fits, not only those on screen
        for name in ("潮鸣社区第10网格", "大关社区第16网格", "卫健（社区卫生服务中心）"):
            col = COLUMN_KEYS.index("dept" if "卫健" in name else "grid")
            assert table.columnWidth(col) >= fm.horizontalAdvance(name) + 2 * (margin + 1)
    finally:
        w.shutdown()


# ------------------------------------------------------------------ row and detail


def test_the_detail_follows_the_highlighted_row(qtbot, ctx, street):
    w = _open(qtbot, ctx, ALICE)
    try:
        inbox = w.inbox
        _open_cases(qtbot, inbox)
        assert _in_sync(qtbot, w) == "K202509010003"  # newest first
        # the user picks another row
        inbox.table.selectRow(2)
        assert _in_sync(qtbot, w) == "K202509010001"
        # sorting keeps the case and its detail
        inbox.table.sortByColumn(COLUMN_KEYS.index("code"), Qt.SortOrder.AscendingOrder)
        qtbot.waitUntil(lambda: inbox.model.row_at(0).code == "K202509010001", timeout=WAIT)
        assert _in_sync(qtbot, w) == "K202509010001"
        inbox.table.selectRow(1)
        assert _in_sync(qtbot, w) == "K202509010002"
        # a filter that leaves the case out: the first row, and its detail
        inbox.show_filter(InboxFilter(statuses=("open",), grid="G01"))
        _loaded(qtbot, inbox, 2)
        assert _in_sync(qtbot, w) == inbox.model.row_at(0).code
        # nothing matches: no row, no detail (and no actions on a case nobody sees)
        inbox.show_filter(InboxFilter(text="没有这样的案件"))
        _loaded(qtbot, inbox, 0)
        assert _in_sync(qtbot, w) is None
        assert w.case.title.text() == "No case selected"
        assert not any(b.isVisibleTo(w.case) for b in w.case.buttons.values())
        assert w.case.timeline.topLevelItemCount() == 0
        assert w.case.fields["address"].text() == "—"
        # a refresh after the case closed elsewhere: the row goes, the detail follows
        _open_cases(qtbot, inbox)
        inbox.select_code("K202509010002")
        assert _in_sync(qtbot, w) == "K202509010002"
        from center.cases import lifecycle as cs

        cs.no_action_needed(ctx.engine, ALICE, "K202509010002", 1, note="重复反映")
        inbox.refresh()
        _loaded(qtbot, inbox, 2)
        assert _in_sync(qtbot, w) == inbox.model.row_at(0).code != "K202509010002"
    finally:
        w.shutdown()


def test_a_stale_detail_never_replaces_the_current_one(qtbot, ctx, street):
    """A case asked for and then given up (another row, or none) is not shown when its
    read comes back late."""
    w = _open(qtbot, ctx, ALICE)
    try:
        _open_cases(qtbot, w.inbox)
        _in_sync(qtbot, w)
        w.case.load("K202509010001")
        w.case.load("")  # nothing is current any more
        qtbot.waitUntil(lambda: not w.case.is_busy(), timeout=WAIT)
        assert w.case.detail is None
        w.case.load("K202509010001")
        w.case.load("K202509010002")
        qtbot.waitUntil(lambda: not w.case.is_busy(), timeout=WAIT)
        assert w.case.detail.code == "K202509010002"
    finally:
        w.shutdown()


def test_a_row_whose_page_is_loading_clears_the_detail_until_it_arrives(qtbot, ctx, street):
    street.cases(
        [
            {"household": "H1", "received_at": T - timedelta(hours=i + 1), "code": f"K2{i:04d}"}
            for i in range(150)
        ]
    )
    w = _open(qtbot, ctx, ALICE)
    try:
        inbox = w.inbox
        inbox.show_filter(OPEN)
        _loaded(qtbot, inbox, 153)
        _in_sync(qtbot, w)
        assert inbox.model.row_at(140) is None  # page 2 not read yet
        inbox.table.setCurrentIndex(inbox.model.index(140, 0))
        assert w.case.detail is None  # at once: never the old case beside this row
        qtbot.waitUntil(lambda: w.case.detail is not None, timeout=WAIT)
        assert _in_sync(qtbot, w) == inbox.model.row_at(140).code == "K20137"
    finally:
        w.shutdown()


def test_opening_a_case_the_list_does_not_show_selects_it(qtbot, ctx, street):
    """From a household or a meeting: a closed case while the inbox shows open work."""
    w = _open(qtbot, ctx, ALICE)
    try:
        _open_cases(qtbot, w.inbox)
        _in_sync(qtbot, w)
        w.open_case("K202509010004")
        qtbot.waitUntil(lambda: w.inbox.current_code() == "K202509010004", timeout=WAIT)
        assert _in_sync(qtbot, w) == "K202509010004"
        assert w.inbox.search.text() == "K202509010004"  # the bar says why
        assert w.inbox.status.currentData() is None
        # one the list shows is simply selected
        _open_cases(qtbot, w.inbox)
        w.open_case("K202509010002")
        assert _in_sync(qtbot, w) == "K202509010002"
        assert w.inbox.search.text() == ""
    finally:
        w.shutdown()
