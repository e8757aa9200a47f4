"""The joint-meeting tab (联席会议) with pytest-qt: the board's columns, drag and drop
through the view's drop handler (a QDropEvent sent to the target column, the path a
real drop takes), a refused drop that writes nothing, the decision dialog, the
proposal, agenda and meeting buttons, the roles, the department's queue and the
snapshot. Runs on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import Builder, account
from PySide6.QtCore import QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QListWidget
from sqlalchemy import func, select

from center.core.clock import now
from center.office import meetings as mtg
from center.windows.workstation.meetings_dialogs import (
    AddItemDialog,
    DecisionDialog,
    HoldDialog,
    ItemDetailDialog,
    MeetingDialog,
    NoteDialog,
)
from center.windows.workstation.meetings_view import (
    MIME,
    MeetingQueue,
    MeetingsView,
    led_items,
)
from db.models import AgendaItem, AgendaItemDept, AgendaNote, AuditLog, Department, JointMeeting

pytestmark = pytest.mark.gui
WAIT = 20_000


# --------------------------------------------------------------------------- data


def build_board(engine) -> dict:
    """A street with an item in every column: two proposals (an overdue case and a
    cluster), a held meeting with a decided item, an overdue item in execution, a done
    item and a topic, and the next meeting (in a week) with a case and a topic."""
    t = now()
    today = t.date()
    b = Builder(engine)
    b.grid("G01")
    for i in range(1, 9):
        b.household(f"H{i}")
    alice = account(engine, "alice", "coordinator")
    dora = account(engine, "dora", "department", dept="D01")
    # proposals: an overdue case of D01, a cluster of three without another reason
    b.case(
        "H1",
        t - timedelta(days=40),
        code="K-OVER",
        dept="D01",
        status="assigned",
        assigned_at=t - timedelta(days=40),
    )
    for n, days in enumerate((3, 2, 1)):
        b.case(
            f"H{2 + n}", t - timedelta(days=days, hours=1), code=f"K-CL{n + 1}", subcategory="L07"
        )
    # cases put on agendas by hand
    for code, h, dept in (
        ("K-DEC", "H5", "D03"),
        ("K-EXE", "H6", "D01"),
        ("K-DONE", "H7", "D02"),
        ("K-NEW", "H8", "D02"),
    ):
        b.case(
            h,
            t - timedelta(days=22),
            code=code,
            subcategory="P01",
            dept=dept,
            status="assigned",
            assigned_at=t - timedelta(days=22),
        )
    t0 = t - timedelta(days=21)
    held_day = (t - timedelta(days=20)).date()
    m1 = mtg.create_meeting(
        engine,
        alice,
        held_on=held_day,
        title="上月联席会议",
        chair="王主任",
        time_of_day="09:00",
        place="街道三楼会议室",
        attending=["D01", "D02", "D03"],
        at=t0,
    )
    ids = {}
    for code in ("K-DEC", "K-EXE", "K-DONE"):
        ids[code] = mtg.add_item(engine, alice, m1.code, case_no=code, at=t0).id
    ids["topic-old"] = mtg.add_item(engine, alice, m1.code, topic="背街小巷照明改造", at=t0).id
    t1 = t - timedelta(days=20)
    mtg.hold_meeting(engine, alice, m1.code, attending=["D01", "D02"], at=t1)
    mtg.decide(
        engine,
        alice,
        ids["K-DEC"],
        lead="D03",
        co_depts=["D01"],
        measures="住建牵头核查加装电梯审批",
        due=today + timedelta(days=20),
        at=t1,
    )
    mtg.decide(
        engine,
        alice,
        ids["K-EXE"],
        lead="D01",
        measures="民政办协调送餐",
        due=held_day + timedelta(days=10),
        at=t1,
    )
    mtg.ack(engine, dora, ids["K-EXE"], at=t1 + timedelta(days=1))
    mtg.decide(
        engine,
        alice,
        ids["K-DONE"],
        lead="D02",
        measures="城管清理占道",
        due=today + timedelta(days=5),
        at=t1,
    )
    mtg.ack(engine, alice, ids["K-DONE"], at=t1 + timedelta(days=1))  # D02 has no account
    mtg.progress(engine, alice, ids["K-DONE"], note="已清理一半", at=t1 + timedelta(days=5))
    mtg.done(engine, alice, ids["K-DONE"], note="占道已清理完毕", at=t - timedelta(days=5))
    m2 = mtg.create_meeting(
        engine,
        alice,
        held_on=today + timedelta(days=7),
        title="本月联席会议",
        chair="王主任",
        attending=["D01", "D02"],
    )
    ids["K-NEW"] = mtg.add_item(engine, alice, m2.code, case_no="K-NEW").id
    ids["topic-new"] = mtg.add_item(engine, alice, m2.code, topic="老旧小区停车难").id
    props = mtg.proposals_at(engine, alice)
    for p in props.proposals:
        ids["proposal-" + ("cluster" if p.kind == "cluster" else p.cases[0])] = p.id
    return {"ids": ids, "m1": m1.code, "m2": m2.code, "alice": alice, "dora": dora}


@pytest.fixture
def data(ctx):
    return build_board(ctx.engine)


def _view(qtbot, ctx, actor, **kw):
    v = MeetingsView(ctx.engine, actor, **kw)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    with qtbot.waitSignal(v.loaded, timeout=WAIT):
        v.show()  # a tab loads when it is shown
    return v


@pytest.fixture
def view(qtbot, ctx, data):
    v = _view(qtbot, ctx, data["alice"])
    yield v
    v.shutdown()


def _row(ctx, item_id):
    with ctx.engine.connect() as conn:
        return conn.execute(select(AgendaItem).where(AgendaItem.id == item_id)).one()


def _writes(ctx):
    with ctx.engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(AuditLog)),
            conn.scalar(select(func.count()).select_from(AgendaNote)),
        )


def _notes(ctx, item_id):
    with ctx.engine.connect() as conn:
        return list(
            conn.scalars(
                select(AgendaNote.kind).where(AgendaNote.item_id == item_id).order_by(AgendaNote.id)
            )
        )


def _reload(qtbot, view):
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.refresh()


def _wait_status(qtbot, ctx, view, item_id, status):
    qtbot.waitUntil(
        lambda: _row(ctx, item_id).status == status and not view.is_busy(), timeout=WAIT
    )
    qtbot.waitUntil(
        lambda: item_id in view.columns[status].ids() and not view.is_busy(), timeout=WAIT
    )


def drop(view, item_id, target):
    """Drag the card ``item_id`` onto the column ``target`` as Qt delivers a real drag:
    the card's own MIME data (``mimeData``, what ``startDrag`` puts on the drag) in a
    drag-enter, a drag-move and a drop event sent to the column's viewport."""
    source = next(w for w in view.columns.values() if w.card(item_id) is not None)
    mime = source.mimeData([source.card(item_id)])
    assert mime.hasFormat(MIME)
    viewport = view.columns[target].viewport()
    args = (
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(10, 10), *args)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDragMoveEvent(QPoint(10, 10), *args))
    event = QDropEvent(QPointF(10, 10), *args)
    QApplication.sendEvent(viewport, event)
    return event


def _ok(qtbot, dialog):
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def _click(qtbot, button):
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _select_row(table, item_id):
    for r in range(table.rowCount()):
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == item_id:
            table.selectRow(r)
            return
    raise AssertionError(f"item {item_id} not in the table")


# --------------------------------------------------------------------------- board


def test_the_board_shows_each_item_in_its_column(qtbot, view, data):
    ids = data["ids"]
    cols = {c: set(view.columns[c].ids()) for c in mtg.COLUMNS}
    assert cols["proposed"] == {ids["proposal-K-OVER"], ids["proposal-cluster"]}
    assert cols["on_agenda"] == {ids["topic-old"], ids["K-NEW"], ids["topic-new"]}
    assert cols["decided"] == {ids["K-DEC"]}
    assert cols["in_execution"] == {ids["K-EXE"]}
    assert cols["done"] == {ids["K-DONE"]}
    # the overdue item is red, the others are not
    exe = view.columns["in_execution"].card(ids["K-EXE"])
    assert exe.background().color().name() == "#fde2e1"
    assert "OVERDUE" in exe.text() or "逾期" in exe.text()
    assert view.columns["decided"].card(ids["K-DEC"]).background().color().name() == "#ffffff"
    # proposals show their reasons and cases
    over = view.columns["proposed"].card(ids["proposal-K-OVER"]).text()
    assert "Overdue, not closed" in over and "K-OVER" in over
    cluster = view.columns["proposed"].card(ids["proposal-cluster"]).text()
    assert "Cluster of similar requests" in cluster and "K-CL1" in cluster
    assert view.column_titles["on_agenda"].text().endswith(" (3)")
    # the next meeting is chosen, with its agenda in agenda order
    assert view.meeting.currentData() == data["m2"]
    assert "next meeting" in view.meeting_info.text()
    assert [view.agenda.item(r, 1).text() for r in range(view.agenda.rowCount())] == [
        next(i.title for i in view.data.agenda if i.id == ids["K-NEW"]),
        "老旧小区停车难",
    ]
    assert view.proposals.rowCount() == 2
    reasons = {view.proposals.item(r, 2).text() for r in range(2)}
    assert reasons == {"Overdue, not closed", "Cluster of similar requests"}


def test_filters_by_department_and_overdue(qtbot, view, data):
    ids = data["ids"]
    view.dept.setCurrentIndex(view.dept.findData("D01"))
    # D01 leads the overdue item and the overdue proposal, and co-operates on K-DEC
    assert set(view.columns["in_execution"].ids()) == {ids["K-EXE"]}
    assert set(view.columns["decided"].ids()) == {ids["K-DEC"]}
    assert set(view.columns["proposed"].ids()) == {ids["proposal-K-OVER"]}
    assert view.columns["done"].ids() == []
    assert view.column_titles["done"].text().endswith(" (0/1)")
    view.dept.setCurrentIndex(0)
    qtbot.mouseClick(view.overdue_only, Qt.MouseButton.LeftButton)
    assert [view.columns[c].ids() for c in mtg.COLUMNS] == [[], [], [], [ids["K-EXE"]], []]
    qtbot.mouseClick(view.overdue_only, Qt.MouseButton.LeftButton)
    assert len(view.columns["on_agenda"].ids()) == 3
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        _click(qtbot, view.refresh_btn)


def test_a_legal_drop_decides_the_item_through_the_dialog(qtbot, ctx, view, data):
    item = data["ids"]["K-NEW"]
    drop(view, item, "decided")
    dlg = view.dialog
    assert isinstance(dlg, DecisionDialog) and dlg.isVisible()
    assert _row(ctx, item).status == "on_agenda"  # nothing yet: the dialog asks first
    # the measures are required
    _ok(qtbot, dlg)
    assert dlg.isVisible() and dlg.error.text()
    dlg.lead.setCurrentIndex(dlg.lead.findData("D02"))
    dlg.co.set_codes(["D01", "D02", "D03"])  # the lead is not its own co-operator
    dlg.measures.setPlainText("城管牵头，民政配合，两周内清理")
    due = now().date() + timedelta(days=14)
    dlg.due.setDate(_qdate(due))
    _ok(qtbot, dlg)
    _wait_status(qtbot, ctx, view, item, "decided")
    row = _row(ctx, item)
    assert (row.measures, row.due_on) == ("城管牵头，民政配合，两周内清理", due)
    with ctx.engine.connect() as conn:
        lead = conn.scalar(select(Department.code).where(Department.id == row.lead_dept_id))
        co = set(
            conn.scalars(
                select(Department.code)
                .join(AgendaItemDept, AgendaItemDept.dept_id == Department.id)
                .where(AgendaItemDept.item_id == item)
            )
        )
    assert (lead, co) == ("D02", {"D01", "D03"})
    assert view.banner_kind == "info"


def _qdate(d):
    from PySide6.QtCore import QDate

    return QDate(d.year, d.month, d.day)


def test_a_legal_drop_accepts_a_proposal(qtbot, ctx, view, data):
    item = data["ids"]["proposal-K-OVER"]
    drop(view, item, "on_agenda")
    _wait_status(qtbot, ctx, view, item, "on_agenda")
    with ctx.engine.connect() as conn:
        meeting = conn.scalar(
            select(JointMeeting.code).where(JointMeeting.id == _row(ctx, item).meeting_id)
        )
    assert meeting == data["m2"]
    assert item not in view.columns["proposed"].ids()


@pytest.mark.parametrize(
    ("card", "target"),
    [("K-DEC", "proposed"), ("K-DONE", "in_execution"), ("proposal-cluster", "done")],
)
def test_an_illegal_drop_snaps_back_and_says_why(qtbot, ctx, view, data, card, target):
    item = data["ids"][card]
    before = _writes(ctx)
    status = _row(ctx, item).status
    event = drop(view, item, target)
    assert not event.isAccepted()  # Qt removes nothing from the source column
    assert view.banner_frame.isVisible() and view.banner_kind == "error"
    assert "cannot move" in view.banner.text()
    assert view.dialog is None
    assert item in view.columns[status].ids() and item not in view.columns[target].ids()
    qtbot.wait(50)
    assert not view.is_busy()
    assert _writes(ctx) == before and _row(ctx, item).status == status
    _click(qtbot, view.banner_close)
    assert not view.banner_frame.isVisible()


def test_a_drop_on_done_asks_for_the_closing_note(qtbot, ctx, view, data):
    item = data["ids"]["K-EXE"]
    drop(view, item, "done")
    dlg = view.dialog
    assert isinstance(dlg, NoteDialog)
    dlg.reject()  # cancelled: the card stays
    assert view.dialog is None and item in view.columns["in_execution"].ids()
    drop(view, item, "done")
    view.dialog.edit.setPlainText("送餐已恢复，居民满意")
    _ok(qtbot, view.dialog)
    _wait_status(qtbot, ctx, view, item, "done")
    assert _row(ctx, item).closing_note == "送餐已恢复，居民满意"


def test_board_buttons_ack_progress_done_and_details(qtbot, ctx, view, data):
    item = data["ids"]["K-DEC"]  # led by D03, which has no account: the coordinator acks
    assert view.select(item)
    assert not view.move_btns["accept"].isEnabled()
    assert view.move_btns["accept"].toolTip()
    _click(qtbot, view.move_btns["ack"])
    _wait_status(qtbot, ctx, view, item, "in_execution")
    view.select(item)
    _click(qtbot, view.move_btns["progress"])
    assert isinstance(view.dialog, NoteDialog)
    view.dialog.edit.setPlainText("已完成现场踏勘")
    _ok(qtbot, view.dialog)
    qtbot.waitUntil(lambda: _notes(ctx, item) == ["add", "decide", "ack", "progress"], timeout=WAIT)
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=WAIT)
    view.select(item)
    _click(qtbot, view.move_btns["done"])
    view.dialog.edit.setPlainText("电梯审批已完成")
    _ok(qtbot, view.dialog)
    _wait_status(qtbot, ctx, view, item, "done")

    # the detail: history and the linked case one click away
    view.select(item)
    _click(qtbot, view.detail_btn)
    qtbot.waitUntil(lambda: view.detail_dialog is not None, timeout=WAIT)
    dlg = view.detail_dialog
    assert isinstance(dlg, ItemDetailDialog)
    assert dlg.case_codes() == ["K-DEC"]
    kinds = [dlg.notes.item(r, 2).text() for r in range(dlg.notes.rowCount())]
    assert kinds == [
        "Added to the agenda",
        "Decision recorded",
        "Acknowledged by the lead department",
        "Progress note",
        "Closed with a note",
    ]
    assert dlg.notes.item(3, 3).text() == "已完成现场踏勘"
    cell = dlg.cases.item(0, 0)
    with qtbot.waitSignal(view.case_requested, timeout=WAIT) as opened:
        qtbot.mouseClick(
            dlg.cases.viewport(),
            Qt.MouseButton.LeftButton,
            pos=dlg.cases.visualItemRect(cell).center(),
        )
    assert opened.args == ["K-DEC"]
    qtbot.waitUntil(lambda: view.detail_dialog is None, timeout=WAIT)  # it closed

    # a double-click on a card opens it too; Close closes it
    column = view.columns["done"]
    rect = column.visualItemRect(column.card(item))
    qtbot.mouseClick(column.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(column.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.detail_dialog is not None, timeout=WAIT)
    dlg = view.detail_dialog
    box = dlg.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.detail_dialog is None, timeout=WAIT)


def test_board_buttons_accept_drop_and_decide(qtbot, ctx, view, data):
    ids = data["ids"]
    view.select(ids["proposal-K-OVER"])
    _click(qtbot, view.move_btns["accept"])
    _wait_status(qtbot, ctx, view, ids["proposal-K-OVER"], "on_agenda")
    view.select(ids["topic-new"])
    _click(qtbot, view.move_btns["decide"])
    assert isinstance(view.dialog, DecisionDialog)
    view.dialog.measures.setPlainText("规划临时停车点")
    _ok(qtbot, view.dialog)
    _wait_status(qtbot, ctx, view, ids["topic-new"], "decided")
    view.select(ids["topic-old"])
    _click(qtbot, view.move_btns["drop"])
    view.dialog.edit.setPlainText("已并入年度计划")
    _ok(qtbot, view.dialog)
    qtbot.waitUntil(lambda: _row(ctx, ids["topic-old"]).status == "dropped", timeout=WAIT)
    qtbot.waitUntil(
        lambda: ids["topic-old"] not in view.columns["on_agenda"].ids() and not view.is_busy(),
        timeout=WAIT,
    )
    assert _row(ctx, ids["topic-old"]).drop_reason == "已并入年度计划"


# --------------------------------------------------------------------------- proposals


def test_proposal_buttons_accept_and_drop_with_a_reason(qtbot, ctx, view, data):
    ids = data["ids"]
    view.pages.setCurrentIndex(1)
    _select_row(view.proposals, ids["proposal-K-OVER"])
    _click(qtbot, view.accept_btn)
    _wait_status(qtbot, ctx, view, ids["proposal-K-OVER"], "on_agenda")
    qtbot.waitUntil(lambda: view.agenda.rowCount() == 3, timeout=WAIT)
    _select_row(view.proposals, ids["proposal-cluster"])
    _click(qtbot, view.drop_btn)
    dlg = view.dialog
    assert isinstance(dlg, NoteDialog)
    _ok(qtbot, dlg)  # a reason is required
    assert dlg.isVisible() and dlg.error.text() == "A reason is required."
    dlg.edit.setPlainText("已由社区自行解决")
    _ok(qtbot, dlg)
    qtbot.waitUntil(lambda: _row(ctx, ids["proposal-cluster"]).status == "dropped", timeout=WAIT)
    qtbot.waitUntil(lambda: view.proposals.rowCount() == 0 and not view.is_busy(), timeout=WAIT)
    assert _row(ctx, ids["proposal-cluster"]).drop_reason == "已由社区自行解决"
    # an agenda item dropped from the agenda page
    _select_row(view.agenda, ids["topic-new"])
    _click(qtbot, view.agenda_drop_btn)
    view.dialog.edit.setPlainText("改到下次会议")
    _ok(qtbot, view.dialog)
    qtbot.waitUntil(lambda: _row(ctx, ids["topic-new"]).status == "dropped", timeout=WAIT)


def test_add_a_case_and_a_topic(qtbot, ctx, view, data):
    view.pages.setCurrentIndex(1)
    _click(qtbot, view.add_case_btn)
    dlg = view.dialog
    assert isinstance(dlg, AddItemDialog) and dlg.by_case.isChecked()
    _ok(qtbot, dlg)
    assert dlg.isVisible() and dlg.error.text()  # the number is required
    dlg.case_no.setText("K-CL2")
    _ok(qtbot, dlg)
    qtbot.waitUntil(lambda: view.agenda.rowCount() == 3 and not view.is_busy(), timeout=WAIT)
    assert any("K-CL2" in view.agenda.item(r, 2).text() for r in range(3))
    _click(qtbot, view.add_topic_btn)
    dlg = view.dialog
    assert dlg.by_topic.isChecked()
    dlg.topic.setText("垃圾分类宣传")
    dlg.lead.setCurrentIndex(dlg.lead.findData("D02"))
    _ok(qtbot, dlg)
    qtbot.waitUntil(lambda: view.agenda.rowCount() == 4 and not view.is_busy(), timeout=WAIT)
    assert view.agenda.item(3, 1).text() == "垃圾分类宣传"
    assert view.agenda.item(3, 3).text() != "—"
    # a case already on an agenda is refused with the reason
    _click(qtbot, view.add_case_btn)
    view.dialog.case_no.setText("K-DEC")
    _ok(qtbot, view.dialog)
    qtbot.waitUntil(lambda: view.banner_kind == "error", timeout=WAIT)
    assert "K-DEC" in view.banner.text()


# --------------------------------------------------------------------------- meetings


def test_plan_edit_and_hold_a_meeting(qtbot, ctx, view, data):
    _click(qtbot, view.plan_btn)
    dlg = view.dialog
    assert isinstance(dlg, MeetingDialog)
    dlg.title.clear()
    _ok(qtbot, dlg)
    assert dlg.isVisible() and dlg.error.text()
    dlg.title.setText("临时联席会议")
    dlg.date.setDate(_qdate(now().date()))
    dlg.chair.setText("李书记")
    dlg.place.setText("二楼")
    dlg.attending.set_codes(["D01", "D03"])
    _ok(qtbot, dlg)
    code = f"JM{now().date():%Y%m%d}"
    qtbot.waitUntil(lambda: view.meeting.currentData() == code and not view.is_busy(), timeout=WAIT)
    m = mtg.meeting(ctx.engine, data["alice"], code)
    assert (m.title, m.chair, m.place, m.attending, m.status) == (
        "临时联席会议",
        "李书记",
        "二楼",
        ("D01", "D03"),
        "planned",
    )
    assert "next meeting" in view.meeting_info.text()

    _click(qtbot, view.edit_btn)
    dlg = view.dialog
    assert dlg.title.text() == "临时联席会议"
    dlg.title.setText("临时联席会议（改）")
    _ok(qtbot, dlg)
    qtbot.waitUntil(
        lambda: mtg.meeting(ctx.engine, data["alice"], code).title == "临时联席会议（改）",
        timeout=WAIT,
    )
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=WAIT)

    _click(qtbot, view.hold_btn)
    dlg = view.dialog
    assert isinstance(dlg, HoldDialog) and dlg.attending.codes() == ["D01", "D03"]
    dlg.attending.set_codes([])
    _ok(qtbot, dlg)
    assert dlg.isVisible() and dlg.error.text()
    dlg.attending.set_codes(["D01"])
    dlg.minutes.setPlainText("到会一个部门")
    _ok(qtbot, dlg)
    qtbot.waitUntil(
        lambda: mtg.meeting(ctx.engine, data["alice"], code).status == "held", timeout=WAIT
    )
    qtbot.waitUntil(lambda: not view.is_busy() and not view.hold_btn.isEnabled(), timeout=WAIT)
    assert mtg.meeting(ctx.engine, data["alice"], code).attending == ("D01",)
    assert view.hold_btn.toolTip()

    # choosing another meeting shows its agenda
    view.meeting.setCurrentIndex(view.meeting.findData(data["m1"]))
    view.meeting.activated.emit(view.meeting.currentIndex())
    qtbot.waitUntil(
        lambda: view.data.selected.code == data["m1"] and not view.is_busy(), timeout=WAIT
    )
    assert view.agenda.rowCount() == 4


def test_holding_a_meeting_before_its_date_is_refused(qtbot, ctx, view, data):
    _click(qtbot, view.hold_btn)  # the next meeting is in a week
    _ok(qtbot, view.dialog)
    qtbot.waitUntil(lambda: view.banner_kind == "error", timeout=WAIT)
    assert mtg.meeting(ctx.engine, data["alice"], data["m2"]).status == "planned"


# --------------------------------------------------------------------------- roles


def test_a_leader_reads_the_board_and_may_change_nothing(qtbot, ctx, data):
    leader = account(ctx.engine, "lena", "leader")
    before = _writes(ctx)
    v = _view(qtbot, ctx, leader)
    try:
        assert set(v.columns["in_execution"].ids()) == {data["ids"]["K-EXE"]}
        assert v.columns["proposed"].count() == 2
        v.select(data["ids"]["K-NEW"])
        for b in [
            *v.move_btns.values(),
            v.plan_btn,
            v.edit_btn,
            v.hold_btn,
            v.add_case_btn,
            v.add_topic_btn,
            v.accept_btn,
            v.drop_btn,
            v.agenda_drop_btn,
        ]:
            assert not b.isEnabled() and b.toolTip(), b.text()
        assert v.detail_btn.isEnabled()
        drop(v, data["ids"]["K-NEW"], "decided")
        assert v.banner_kind == "error" and v.dialog is None
        assert not v.plan_meeting()
        assert _writes(ctx) == before
    finally:
        v.shutdown()


def test_a_department_acknowledges_its_own_items_only(qtbot, ctx, data):
    ids = data["ids"]
    mtg.decide(
        ctx.engine,
        data["alice"],
        ids["K-NEW"],
        lead="D01",
        measures="民政办牵头",
        due=now().date() + timedelta(days=10),
    )
    dora = data["dora"]
    v = _view(qtbot, ctx, dora)
    try:
        assert v.dept.currentData() == "D01"  # their department's items first
        assert set(v.columns["decided"].ids()) == {ids["K-NEW"], ids["K-DEC"]}
        v.select(ids["K-DEC"])  # D03 leads it: D01 only co-operates
        assert not v.move_btns["ack"].isEnabled()
        assert "D03" in v.move_btns["ack"].toolTip()
        assert not v.move_btns["decide"].isEnabled()
        before = _writes(ctx)
        drop(v, ids["K-DEC"], "in_execution")
        assert v.banner_kind == "error" and _writes(ctx) == before
        v.select(ids["K-NEW"])
        assert v.move_btns["ack"].isEnabled()
        drop(v, ids["K-NEW"], "in_execution")  # a drop acknowledges it
        _wait_status(qtbot, ctx, v, ids["K-NEW"], "in_execution")
        assert _row(ctx, ids["K-NEW"]).acked_at is not None
    finally:
        v.shutdown()


# --------------------------------------------------------------------------- department queue


def test_the_department_queue_lists_the_items_it_leads(qtbot, ctx, data):
    dora = data["dora"]
    items = led_items(ctx.engine, dora, "D01")
    assert [i.id for i in items] == [data["ids"]["K-EXE"]]
    # a coordinator looking at D01's queue sees the same
    assert [i.id for i in led_items(ctx.engine, data["alice"], "D01")] == [data["ids"]["K-EXE"]]
    q = MeetingQueue(ctx.engine, dora)
    qtbot.addWidget(q)
    q.show()
    try:
        with qtbot.waitSignal(q.loaded, timeout=WAIT) as loaded:
            q.set_dept("D01")
        assert loaded.args == [1]
        row = q.tree.topLevelItem(0)
        assert row.text(2) == (now().date() - timedelta(days=10)).isoformat()
        assert row.foreground(0).color().name() == "#a8071a"  # overdue
        assert "1 overdue" in q.title.text()
        q.tree.setCurrentItem(row)
        with qtbot.waitSignal(q.item_requested, timeout=WAIT) as req:
            _click(qtbot, q.open_btn)
        assert req.args == [data["ids"]["K-EXE"]]
    finally:
        q.shutdown()


def test_the_window_has_the_tab_and_the_department_queue_opens_items(qtbot, ctx, data):
    from center.windows.workstation.main_window import WorkstationWindow

    w = WorkstationWindow(ctx, data["dora"], live=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    try:
        w.start()
        assert w.has_tab("meetings")
        assert w.meetings.data is None  # a hidden tab loads when it is shown
        w.show_tab("department")
        qtbot.waitUntil(lambda: w.dept.meeting_queue.tree.topLevelItemCount() == 1, timeout=WAIT)
        row = w.dept.meeting_queue.tree.topLevelItem(0)
        w.dept.meeting_queue.tree.itemDoubleClicked.emit(row, 0)
        qtbot.waitUntil(lambda: w.meetings.detail_dialog is not None, timeout=WAIT)
        assert w.tabs.currentWidget() is w.meetings
        dlg = w.meetings.detail_dialog
        assert dlg.item.id == data["ids"]["K-EXE"] and dlg.item.overdue
        # the linked case opens in the inbox
        dlg.cases.itemClicked.emit(dlg.cases.item(0, 0))
        qtbot.waitUntil(
            lambda: w.case.detail is not None and w.case.detail.code == "K-EXE", timeout=WAIT
        )
        assert w.tabs.currentWidget() is w.inbox_page
    finally:
        w.shutdown()


# --------------------------------------------------------------------------- snapshot, texts


def test_snapshot_renders_the_meetings_tab(qtbot, ctx, data, tmp_path):
    from center.windows.workstation.snapshot import render_workstation

    image = render_workstation(ctx, data["alice"], "meetings", QSize(1366, 768))
    assert (image.width(), image.height()) == (1366, 768) and not image.isNull()


def test_the_chinese_names_are_the_services(qapp):
    from center.windows.runtime.i18n import install_translators
    from center.windows.workstation.meetings_dialogs import reason_names, status_name

    try:
        install_translators(qapp, "zh_CN")
        for key, zh in mtg.REASON_NAMES.items():
            assert reason_names([key]) == zh
        for key, zh in mtg.STATUS_NAMES.items():
            assert status_name(key) == zh
    finally:
        install_translators(qapp, "en")


def test_drag_mime_carries_the_card(qtbot, view, data):
    col: QListWidget = view.columns["decided"]
    mime = col.mimeData([col.card(data["ids"]["K-DEC"])])
    assert b'"status": "decided"' in bytes(mime.data(MIME).data())


def test_a_coordinator_does_not_report_for_a_department_with_an_account(qtbot, ctx, view, data):
    item = data["ids"]["K-EXE"]  # led by D01, which has dora's account
    before = _notes(ctx, item)
    view.select(item)
    _click(qtbot, view.move_btns["progress"])  # the service decides: refused
    view.dialog.edit.setPlainText("代填进展")
    _ok(qtbot, view.dialog)
    qtbot.waitUntil(lambda: view.banner_kind == "error" and not view.is_busy(), timeout=WAIT)
    assert "account of its own" in view.banner.text()
    assert _notes(ctx, item) == before
