"""What the guard (tests/guard) and its snapshots found, fixed at the cause: buttons
that were enabled with nothing to act on (查找 with an empty box, 查看完整个人信息 with no
resident, the spot check's 通过 / 未通过 / 查看回访电话 with no sampled case), Ctrl+Enter
that silently did nothing, the wall gauge's value touching the target's tick, squeezed
columns (the spot check, the profile editor's members) and the joint-meeting tab that
wrote to the database when it was only opened."""

from __future__ import annotations

import math
import shutil
from datetime import date, timedelta

import pytest
from builders import Builder, account
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, insert, select

from center.cases import spotcheck as sc
from center.core.clock import now
from center.office import meetings as mtg
from center.visits import households as vs_households
from center.windows.workstation.case_view import CaseView
from center.windows.workstation.household_dialogs import ProfileDialog
from center.windows.workstation.household_view import HouseholdView
from center.windows.workstation.meetings_view import MeetingsView
from center.windows.workstation.spotcheck_view import ADDRESS_COLUMN, SpotCheckView
from db.models import AgendaItem, AuditLog, Base, Resident
from widgets.gauge import Gauge
from widgets.theme import WALL

pytestmark = pytest.mark.gui
WAIT = 20_000
LONG_ADDRESS = "浙江省杭州市上城区潮鸣街道幸福家园小区十二号楼三单元一千二百零一室（东边门）"


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    """The window tests run on SQLite only (the services are tested on both)."""
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def street(ctx):
    b = Builder(ctx.engine)
    b.grid("G01")
    b.staff("S1", "G01")
    b.household("H1", "G01", address="幸福小区1号楼1单元101", members=2)
    b.household("H2", "G01", address=LONG_ADDRESS)
    c = ctx.cipher
    with ctx.engine.begin() as conn:
        conn.execute(
            insert(Resident).values(
                code="R1",
                household_id=b.id("household", "H1"),
                name_enc=c.encrypt("name", "张三"),
                name_hash=c.lookup_hash("name", "张三"),
                phone_enc=c.encrypt("phone", "13812345678"),
                phone_hash=c.lookup_hash("phone", "13812345678"),
            )
        )
    return b


def _db_state(engine) -> tuple[int, ...]:
    """Row counts of every table and the last audit row: any write changes it."""
    with engine.connect() as conn:
        counts = tuple(
            conn.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        )
        return (*counts, conn.scalar(select(func.max(AuditLog.id))) or 0)


# --------------------------------------------------------------------------- 一户一档


def test_find_is_disabled_while_the_search_box_is_empty(qtbot, ctx, street):
    v = HouseholdView(ctx, account(ctx.engine, "alice", "coordinator"))
    qtbot.addWidget(v)
    v.show()
    try:
        assert not v.find_btn.isEnabled()
        v.search.setText("   ")  # blanks are nothing to look for either
        assert not v.find_btn.isEnabled()
        v.search.setText("H1")
        assert v.find_btn.isEnabled()
        with qtbot.waitSignal(v.loaded, timeout=WAIT) as blocker:
            qtbot.mouseClick(v.find_btn, Qt.MouseButton.LeftButton)
        assert blocker.args == ["H1"]
        v.search.clear()
        assert not v.find_btn.isEnabled()
    finally:
        v.shutdown()


def test_reveal_is_enabled_only_with_a_resident_of_a_loaded_household(qtbot, ctx, street):
    v = HouseholdView(ctx, account(ctx.engine, "alice", "coordinator"))
    qtbot.addWidget(v)
    v.show()
    try:
        assert v.reveal_btn.isVisible()  # a coordinator may reveal …
        assert not v.reveal_btn.isEnabled()  # … but nothing is loaded
        with qtbot.waitSignal(v.loaded, timeout=WAIT):
            v.load("H2")  # a household without residents
        assert v.residents.rowCount() == 0
        assert not v.reveal_btn.isEnabled()
        with qtbot.waitSignal(v.loaded, timeout=WAIT):
            v.load("H1")
        v.residents.setCurrentCell(0, 0)
        assert v.reveal_btn.isEnabled()
        seen: list[str] = []

        def answer() -> None:
            dlg = next(w for w in v.findChildren(QDialog) if w.isVisible())
            seen.append(dlg.windowTitle())
            dlg.reject()

        QTimer.singleShot(50, answer)
        qtbot.mouseClick(v.reveal_btn, Qt.MouseButton.LeftButton)
        assert seen == ["Reveal personal information"]  # the reason is asked for
    finally:
        v.shutdown()


# --------------------------------------------------------------------------- 抽查回访


def _sampled(qtbot, ctx, street, actor, size=(1366, 600)):
    t = now()
    closed = t - timedelta(days=2)
    street.cases(
        [
            {
                "household": h,
                "received_at": closed - timedelta(days=1),
                "code": f"K20260901000{i}",
                "closed_at": closed,
                "status": "rated",
                "satisfaction": 4,
            }
            for i, h in enumerate(("H1", "H2"), 1)
        ]
    )
    sc.draw_sample(
        ctx.engine,
        actor,
        percent=100,
        closed_from=closed.date() - timedelta(days=1),
        closed_to=closed.date() + timedelta(days=1),
    )
    sv = SpotCheckView(ctx, actor)
    qtbot.addWidget(sv)
    sv.resize(*size)
    sv.show()
    return sv


def test_spot_check_buttons_need_a_sampled_case(qtbot, ctx, street):
    sup = account(ctx.engine, "sup", "assessor")
    sv = SpotCheckView(ctx, sup)
    qtbot.addWidget(sv)
    sv.show()
    try:
        buttons = (sv.pass_btn, sv.fail_btn, sv.phone_btn)
        assert sv.phone_btn.isVisible()
        assert not any(b.isEnabled() for b in buttons)  # nothing sampled, nothing chosen
        sv.shutdown()
        sv = _sampled(qtbot, ctx, street, sup)
        with qtbot.waitSignal(sv.loaded, timeout=WAIT):
            sv.refresh()
        assert sv.table.rowCount() == 2
        buttons = (sv.pass_btn, sv.fail_btn, sv.phone_btn)
        assert all(b.isEnabled() for b in buttons)  # the first row is chosen
        sv.table.clearSelection()
        assert not any(b.isEnabled() for b in buttons)
        assert sv.pass_btn.toolTip() == "Choose a sampled case first"
        sv.table.selectRow(1)
        assert all(b.isEnabled() for b in buttons)
        assert sv.selected_check().code == "K202609010002"
    finally:
        sv.shutdown()


def test_spot_check_columns_fit_their_content_and_scroll_when_narrow(qtbot, ctx, street):
    sup = account(ctx.engine, "sup", "assessor")
    sv = _sampled(qtbot, ctx, street, sup)
    try:
        with qtbot.waitSignal(sv.loaded, timeout=WAIT):
            sv.refresh()
        table = sv.table
        fm = table.fontMetrics()
        pad = 2 * fm.horizontalAdvance("M")

        def need(col: int) -> int:
            return max(fm.horizontalAdvance(table.item(r, col).text()) for r in range(2)) + pad

        qtbot.wait(20)
        widths = [table.columnWidth(c) for c in range(table.columnCount())]
        for col in range(table.columnCount()):  # every column with room beyond its text
            assert widths[col] >= need(col), (col, widths[col], need(col))
        # wide: the address takes the rest, the table fills its width exactly
        assert sum(widths) == table.viewport().width()
        assert widths[ADDRESS_COLUMN] > need(ADDRESS_COLUMN)
        # narrow: nothing is squeezed, the table scrolls sideways
        sv.resize(700, 600)
        qtbot.waitUntil(lambda: table.horizontalScrollBar().isVisible(), timeout=WAIT)
        assert table.columnWidth(ADDRESS_COLUMN) >= need(ADDRESS_COLUMN)
        for col in range(table.columnCount()):
            assert table.columnWidth(col) >= need(col), col
    finally:
        sv.shutdown()


# --------------------------------------------------------------------------- the case note


def test_ctrl_enter_without_a_next_step_says_so(qtbot, ctx, street):
    t = now()
    street.case(
        "H1",
        t - timedelta(days=12),
        code="K-RATED",
        dept="D01",
        status="rated",
        assigned_at=t - timedelta(days=12),
        accepted_at=t - timedelta(days=12),
        first_response_at=t - timedelta(days=12),
        closed_at=t - timedelta(days=6),
        satisfaction=5,
    )
    dora = account(ctx.engine, "dora", "department", dept="D01")
    view = CaseView(ctx.engine, dora)
    qtbot.addWidget(view)
    view.resize(700, 760)
    view.show()
    try:
        shortcut = next(
            s for s in view.findChildren(QShortcut) if s.key() == QKeySequence("Ctrl+Return")
        )
        with qtbot.waitSignal(view.notice, timeout=WAIT) as blocker:
            shortcut.activated.emit()
        assert "Ctrl+Enter" in blocker.args[0]
        view.load("K-RATED")
        qtbot.waitUntil(lambda: view.detail is not None and not view.is_busy(), timeout=WAIT)
        assert not any(b.isVisible() and b.isEnabled() for b in view.buttons.values())
        before = _db_state(ctx.engine)
        with qtbot.waitSignal(view.notice, timeout=WAIT) as blocker:
            shortcut.activated.emit()
        assert blocker.args[0].startswith("Case K-RATED (")
        assert blocker.args[0].endswith("has no next step for you.")
        assert view.busy_label.text() == blocker.args[0]
        assert _db_state(ctx.engine) == before
    finally:
        view.shutdown()


# --------------------------------------------------------------------------- the wall gauge


@pytest.mark.parametrize("size", [(140, 150), (150, 175), (210, 240), (420, 470)])
@pytest.mark.parametrize("text", ["12.5%", "50.0%", "100.0%"])
def test_the_gauge_value_stays_clear_of_the_target_tick(qtbot, size, text):
    """The value drawn (no arc: value 0) in the state colour keeps inside the circle the
    target tick's inner end draws (whatever the target), with a margin; the tick itself
    is untouched by it."""
    g = Gauge()
    qtbot.addWidget(g)
    g.set_title("24小时响应率")
    g.set_value(0.0, text)
    g.set_target(0.9, "目标 ≥90%")
    g.set_pace(0.52, "进度应达 51.9%")
    g.set_state("bad")
    g.resize(QSize(*size))
    img = g.grab().toImage()
    top, left_end = g.arc_point(0.5), g.arc_point(0.0)
    r = (left_end.y() - top.y()) / 1.5
    cx, cy = top.x(), top.y() + r
    pen = r * 0.17
    clear = r - pen * 0.9  # where the tick's inner end is
    bad = WALL.state("bad")
    ink = [
        (x, y)
        for y in range(img.height())
        for x in range(img.width())
        if all(
            abs(a - b) <= 40 for a, b in zip(img.pixelColor(x, y).getRgb()[:3], bad.getRgb()[:3])
        )
    ]
    assert ink, "the value was not drawn"
    far = max(math.hypot(x + 0.5 - cx, y + 0.5 - cy) for x, y in ink)
    assert far < clear - 1, (size, text, far, clear)
    # the same from the gauge's own account, and the text is still large
    rect = g.value_text_rect()
    assert rect.height() >= r * 0.2
    assert rect.width() >= QFontMetrics(g.font()).horizontalAdvance(text)


def test_the_gauge_value_keeps_its_size_where_it_fits(qtbot):
    g = Gauge()
    qtbot.addWidget(g)
    g.set_value(0.5, "5%")
    g.resize(QSize(300, 300))
    short = g.value_text_rect().height()
    g.set_value(0.5, "100.0%")
    long = g.value_text_rect().height()
    assert long < short  # the long text shrank to fit, the short one did not
    assert QColor(g.state_color()).isValid()


# --------------------------------------------------------------------------- 修改住户档案


def test_profile_members_columns_fit_their_content(qtbot, ctx, street):
    alice = account(ctx.engine, "alice", "coordinator")
    profile = vs_households.household_profile(ctx, alice, "H1")
    dlg = ProfileDialog(profile)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    table = dlg.table
    fm = table.fontMetrics()
    pad = 2 * fm.horizontalAdvance("M")
    header = table.horizontalHeader()
    for col in range(table.columnCount() - 1):
        texts = [ProfileDialog.TYPICAL[col]]
        texts += [table.item(r, col).text() for r in range(table.rowCount())]
        title = str(table.model().headerData(col, Qt.Orientation.Horizontal))
        need = max(
            max(fm.horizontalAdvance(t) for t in texts),
            header.fontMetrics().horizontalAdvance(title),
        )
        need += pad  # the header's title too has room beyond its text
        assert table.columnWidth(col) >= need, col
        assert table.columnWidth(col) >= header.sectionSizeHint(col)
    # the change column takes what is left, the table is filled exactly
    widths = [table.columnWidth(c) for c in range(table.columnCount())]
    assert sum(widths) == table.viewport().width()
    # a long change keeps its room: the table scrolls rather than cut it
    dlg.phones["R1"] = "13900001111"
    dlg.tags["R1"] = ("独居老人", "低保", "残疾人", "重点关注对象")
    dlg._fill()
    change = table.item(0, 4).text()
    assert table.columnWidth(4) >= fm.horizontalAdvance(change) + pad
    dlg.close()


# --------------------------------------------------------------------------- 联席会议


@pytest.fixture
def proposals(ctx, street):
    """An overdue case (proposed for the next meeting) and a planned meeting; the
    proposal has no lasting id yet (nobody has acted on it)."""
    t = now()
    street.case(
        "H1",
        t - timedelta(days=40),
        code="K-OVER",
        dept="D01",
        status="assigned",
        assigned_at=t - timedelta(days=40),
    )
    alice = account(ctx.engine, "alice", "coordinator")
    mtg.create_meeting(
        ctx.engine,
        alice,
        held_on=date.today() + timedelta(days=7),
        title="本月联席会议",
        chair="王主任",
        time_of_day="09:00",
        place="街道三楼会议室",
        attending=["D01"],
    )
    return alice


def _agenda_rows(ctx) -> list[tuple[str, str]]:
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AgendaItem.title, AgendaItem.status))]


def test_opening_the_meetings_tab_writes_nothing(qtbot, ctx, proposals):
    before = _db_state(ctx.engine)
    assert _agenda_rows(ctx) == []
    v = MeetingsView(ctx.engine, proposals)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    try:
        with qtbot.waitSignal(v.loaded, timeout=WAIT):
            v.show()
        qtbot.waitUntil(lambda: not v.is_busy(), timeout=WAIT)
        assert v.columns["proposed"].count() == 1
        assert v.proposals.rowCount() == 1
        with qtbot.waitSignal(v.loaded, timeout=WAIT):
            v.refresh()  # a refresh is a read too
        assert _db_state(ctx.engine) == before
        assert _agenda_rows(ctx) == []
        # the user acts on the proposal: now it is written (allocated and accepted)
        v.proposals.selectRow(0)
        assert v.accept_btn.isEnabled(), v.accept_btn.toolTip()
        with qtbot.waitSignal(v.changed, timeout=WAIT):
            qtbot.mouseClick(v.accept_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not v.is_busy(), timeout=WAIT)
        rows = _agenda_rows(ctx)
        assert [s for _t, s in rows] == ["on_agenda"]
        assert v.columns["on_agenda"].count() == 1 and v.columns["proposed"].count() == 0
        assert _db_state(ctx.engine) != before
    finally:
        v.shutdown()


def test_a_proposal_without_an_id_is_dropped_with_its_reason(qtbot, ctx, proposals):
    v = MeetingsView(ctx.engine, proposals)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    try:
        with qtbot.waitSignal(v.loaded, timeout=WAIT):
            v.show()
        card = v.columns["proposed"].item(0)
        key = card.data(Qt.ItemDataRole.UserRole)
        assert key < 0  # a stand-in: the proposal has no id yet
        item = v.item_of(card)
        assert item is not None and item.id is None
        assert v.start_move("drop", item, reason="社区已解决")
        qtbot.waitUntil(lambda: bool(_agenda_rows(ctx)) and not v.is_busy(), timeout=WAIT)
        assert [s for _t, s in _agenda_rows(ctx)] == ["dropped"]
        qtbot.waitUntil(lambda: v.columns["proposed"].count() == 0, timeout=WAIT)
    finally:
        v.shutdown()
