"""What the walkthrough of issue 17 found in the case, spot-check, meeting and household
views: 办结 needs its result written, a failed spot check names the case it created,
a coordinator is told why spot checks are grey, the meeting views show no database
numbers, people are named one way (姓名（角色）) and the household's last verification
reads without nested brackets."""

from __future__ import annotations

import shutil
from datetime import timedelta
from types import SimpleNamespace

import pytest
from builders import Builder, account
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from sqlalchemy import select

from center.accounts.service import UserLabel
from center.cases import spotcheck as sc
from center.cases.lifecycle import CaseChange
from center.core.clock import now
from center.office import meetings as mtg
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import CaseView, event_texts
from center.windows.workstation.household_view import HouseholdView
from center.windows.workstation.main_window import WorkstationWindow
from center.windows.workstation.meetings_view import MeetingQueue, MeetingsView, card_text
from center.windows.workstation.spotcheck_view import SpotCheckView
from db.models import Case, CaseEvent

pytestmark = pytest.mark.gui
WAIT = 20_000


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def street(ctx):
    b = Builder(ctx.engine)
    b.grid("G01")
    b.staff("S1", "G01")
    for h in ("H1", "H2"):
        b.household(h, "G01")
    return b


@pytest.fixture
def chinese(qapp):
    from center.windows.runtime.i18n import install_translators

    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def _case(ctx, code):
    with ctx.engine.connect() as conn:
        return conn.execute(select(Case).where(Case.code == code)).one()


# --------------------------------------------------------------------------- 办结


def test_resolve_needs_the_result_written_in_the_note(qtbot, ctx, street):
    t = now()
    street.case(
        "H1",
        t - timedelta(hours=5),
        code="K-ACC",
        dept="D01",
        status="accepted",
        assigned_at=t - timedelta(hours=4),
        accepted_at=t - timedelta(hours=3),
        first_response_at=t - timedelta(hours=4),
    )
    dora = account(ctx.engine, "dora", "department", dept="D01")
    view = CaseView(ctx.engine, dora)
    qtbot.addWidget(view)
    view.resize(700, 760)
    view.show()
    try:
        view.load("K-ACC")
        qtbot.waitUntil(lambda: view.detail is not None and not view.is_busy(), timeout=WAIT)
        resolve = view.buttons["resolve"]
        need = "Write the result (what was done) in the note before resolving."
        # greyed, and the pane says why
        assert resolve.isVisible() and not resolve.isEnabled()
        assert resolve.toolTip() == need
        assert view.resolve_hint.isVisible() and view.resolve_hint.text() == need
        # asked for anyway (a test, a script): refused, nothing written
        with qtbot.waitSignal(view.notice, timeout=WAIT) as said:
            assert not view.run_action("resolve")
        assert said.args == [need] and view.busy_label.text() == need
        view.note.setPlainText("   ")  # blanks say nothing
        assert not resolve.isEnabled()
        assert not view.run_action("resolve")
        # Ctrl+Enter stops at 办结 rather than running a later action (无需处理 …)
        shortcut = next(
            s for s in view.findChildren(QShortcut) if s.key() == QKeySequence("Ctrl+Return")
        )
        with qtbot.waitSignal(view.notice, timeout=WAIT) as said:
            shortcut.activated.emit()
        assert said.args == [need]
        assert _case(ctx, "K-ACC").status == "accepted" and _case(ctx, "K-ACC").version == 1
        # written: the button works, the hint goes, the note is the closure's record
        view.note.setPlainText("已上门更换楼道灯泡")
        assert resolve.isEnabled() and resolve.toolTip() == ""
        assert not view.resolve_hint.isVisible()
        qtbot.mouseClick(resolve, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: _case(ctx, "K-ACC").status == "resolved", timeout=WAIT)
        with ctx.engine.connect() as conn:
            note = conn.scalar(select(CaseEvent.note).where(CaseEvent.kind == "resolve"))
        assert note == "已上门更换楼道灯泡"
        qtbot.waitUntil(lambda: view.detail.status == "resolved", timeout=WAIT)
        assert not view.resolve_hint.isVisible()  # no 办结 on a resolved case
    finally:
        view.shutdown()


# --------------------------------------------------------------------------- 抽查回访


def _drawn(ctx, street, sup):
    closed = now() - timedelta(days=2)
    street.case(
        "H1",
        closed - timedelta(days=1),
        code="K202609010001",
        closed_at=closed,
        status="rated",
        satisfaction=4,
    )
    sc.draw_sample(
        ctx.engine,
        sup,
        percent=100,
        closed_from=closed.date() - timedelta(days=1),
        closed_to=closed.date() + timedelta(days=1),
    )


def test_a_failed_spot_check_names_the_new_case_and_opens_it(qtbot, ctx, street):
    sup = account(ctx.engine, "sup", "assessor")
    _drawn(ctx, street, sup)
    sv = SpotCheckView(ctx, sup)
    qtbot.addWidget(sv)
    sv.resize(1366, 600)
    sv.show()
    try:
        with qtbot.waitSignal(sv.loaded, timeout=WAIT):
            sv.refresh()
        assert not sv.not_mine.isVisible()  # the supervisor makes the checks
        assert not sv.empty.isVisible()  # a sampled case is listed
        assert not sv.outcome.isVisible()
        with qtbot.waitSignal(sv.changed, timeout=WAIT) as changed:
            sv.record(False, note="居民说路灯仍未修好")
        change = changed.args[0]
        assert change.created and change.created != "K202609010001"
        text = sv.outcome.text()
        assert sv.outcome.isVisible()
        assert "Spot check of K202609010001 failed" in text
        assert f"new case {change.created}" in text
        assert f'<a href="{change.created}">open case {change.created}</a>' in text
        with qtbot.waitSignal(sv.case_requested, timeout=WAIT) as asked:
            sv.outcome.linkActivated.emit(change.created)
        assert asked.args == [change.created]
        qtbot.waitUntil(lambda: sv.table.rowCount() == 0, timeout=WAIT)
        assert sv.empty.isVisible()  # nothing left to call
    finally:
        sv.shutdown()


def test_the_status_bar_names_the_case_a_failed_check_created(qtbot, ctx, street):
    sup = account(ctx.engine, "sup", "assessor")
    w = WorkstationWindow(ctx, sup, live=False)
    qtbot.addWidget(w)
    w.show()
    try:
        w._on_case_changed(CaseChange("K1", "spot_check", 8, "spot_checked", created="K2"))
        assert w.statusBar().currentMessage() == "K1: saved (Spot-checked); new case K2"
        w._on_case_changed(CaseChange("K3", "spot_check", 8, "spot_checked"))
        assert w.statusBar().currentMessage() == "K3: saved (Spot-checked)"
    finally:
        w.close()


def test_the_phone_box_says_case_as_the_rest_of_the_ui(chinese):
    text = tx.translate("Workstation", "Case %1, household %2\n%3: %4")
    assert text.startswith("案件 %1") and "工单" not in text


def test_a_coordinator_is_told_who_makes_spot_checks(qtbot, ctx, street, chinese):
    alice = account(ctx.engine, "alice", "coordinator")
    sv = SpotCheckView(ctx, alice)
    qtbot.addWidget(sv)
    sv.resize(1366, 600)
    sv.show()
    try:
        with qtbot.waitSignal(sv.loaded, timeout=WAIT):
            sv.refresh()
        assert not sv.draw_btn.isEnabled() and not sv.pass_btn.isEnabled()
        assert sv.not_mine.isVisible()
        assert sv.not_mine.text() == "抽查回访由督导考核组进行；您可查看结果。"
        # the empty table says so (a coordinator draws nothing: no "click 抽取样本")
        assert sv.empty.isVisible() and sv.empty.text() == "暂无待电话回访的抽查样本。"
        assert sv.empty.width() == sv.table.viewport().width()
    finally:
        sv.shutdown()


def test_the_empty_sample_table_says_what_to_do(qtbot, ctx, street, chinese):
    sup = account(ctx.engine, "sup", "assessor")
    sv = SpotCheckView(ctx, sup)
    qtbot.addWidget(sv)
    sv.resize(1366, 600)
    sv.show()
    try:
        with qtbot.waitSignal(sv.loaded, timeout=WAIT):
            sv.refresh()
        assert sv.empty.isVisible()
        assert sv.empty.text() == "尚未抽取样本：选择结案日期范围和比例后点击“抽取样本”。"
        assert not sv.not_mine.isVisible()
    finally:
        sv.shutdown()


# --------------------------------------------------------------------------- 联席会议


@pytest.fixture
def meeting(ctx, street):
    t = now()
    street.case(
        "H1",
        t - timedelta(days=22),
        code="K-EXE",
        subcategory="P01",
        dept="D01",
        status="assigned",
        assigned_at=t - timedelta(days=22),
    )
    alice = account(ctx.engine, "alice", "coordinator")
    dora = account(ctx.engine, "dora", "department", dept="D01")
    m = mtg.create_meeting(
        ctx.engine,
        alice,
        held_on=(t - timedelta(days=20)).date(),
        title="上月联席会议",
        chair="王主任",
        attending=["D01"],
        at=t - timedelta(days=21),
    )
    item = mtg.add_item(ctx.engine, alice, m.code, case_no="K-EXE", at=t - timedelta(days=21))
    mtg.hold_meeting(ctx.engine, alice, m.code, attending=["D01"], at=t - timedelta(days=20))
    mtg.decide(
        ctx.engine,
        alice,
        item.id,
        lead="D01",
        measures="民政办协调",
        due=(t + timedelta(days=10)).date(),
        at=t - timedelta(days=20),
    )
    mtg.ack(ctx.engine, dora, item.id, at=t - timedelta(days=19))
    return {"alice": alice, "dora": dora, "id": item.id}


def test_cards_and_the_department_queue_show_no_database_numbers(qtbot, ctx, meeting):
    items = mtg.board(ctx.engine, meeting["alice"]).columns["in_execution"]
    (item,) = items
    assert "K-EXE" in item.title  # 惠民政策咨询（K-EXE） …网格
    text = card_text(item)
    assert "#" not in text  # was "#1  惠民政策咨询（K-EXE） …"
    assert text.count("K-EXE") == 1  # the code once, in the label
    assert text.splitlines()[0] == item.title
    q = MeetingQueue(ctx.engine, meeting["dora"])
    qtbot.addWidget(q)
    q.show()
    try:
        with qtbot.waitSignal(q.loaded, timeout=WAIT):
            q.set_dept("D01")
        row = q.tree.topLevelItem(0)
        assert row.text(0) == item.title
        assert "#" not in row.text(0)
    finally:
        q.shutdown()


@pytest.mark.parametrize(
    ("who", "moves"),
    [("alice", "Drag a card to the next column"), ("dora", "your department leads"), ("lee", "")],
)
def test_the_board_hint_says_what_this_user_can_do(qtbot, ctx, meeting, who, moves):
    actor = meeting.get(who) or account(ctx.engine, "lee", "leader")
    v = MeetingsView(ctx.engine, actor)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    with qtbot.waitSignal(v.loaded, timeout=WAIT):
        v.show()
    try:
        text = v.hint.text()
        assert "Double-click" in text or "double-click" in text
        if moves:
            assert moves in text
        else:  # a leader moves nothing: no word of dragging
            assert "Drag" not in text and "drag" not in text.lower()
        if who == "dora":
            assert "Drag a card to the next column" not in text
        card = v.columns["in_execution"].item(0)
        assert not card.text().startswith("#")
    finally:
        v.shutdown()


# --------------------------------------------------------------------------- people


@pytest.mark.parametrize(
    ("name", "roles", "zh", "en"),
    [
        ("刘博文", ("grid_worker",), "刘博文（网格员）", "刘博文 (Grid worker)"),
        (
            "李蕾（综合协调组）",
            ("coordinator",),
            "李蕾（综合协调组）",
            "李蕾 (综合协调组, Coordinator)",
        ),
        ("民政联络员", ("department",), "民政联络员（责任部门）", "民政联络员 (Department)"),
        ("曾晶（督导考核组）", ("assessor", "coordinator"), "曾晶（督导考核组、综合协调组）", None),
        ("Carol", (), "Carol", "Carol"),
    ],
)
def test_people_are_named_one_way(qapp, name, roles, zh, en):
    from center.windows.runtime.i18n import install_translators

    if en is not None:
        assert tx.who(name, roles) == en
    install_translators(qapp, "zh_CN")
    try:
        assert tx.who(name, roles) == zh
    finally:
        install_translators(qapp, "en")


def test_the_case_history_names_people_as_the_status_bar(chinese):
    labels = {
        "gw": UserLabel("刘博文", ("grid_worker",)),
        "coord1": UserLabel("李蕾（综合协调组）", ("coordinator",)),
        "dept_d01": UserLabel("民政联络员", ("department",)),
    }
    names = [
        event_texts(
            SimpleNamespace(
                actor=u,
                kind="intake",
                dept_code=None,
                remark=None,
                acting_for=None,
            ),
            labels,
        )[0]
        for u in labels
    ]
    assert names == ["刘博文（网格员）", "李蕾（综合协调组）", "民政联络员（责任部门）"]
    assert all(" · " not in n for n in names)


# --------------------------------------------------------------------------- 一户一档


def test_last_verified_reads_without_nested_brackets(chinese):
    t = now()
    p = SimpleNamespace(
        verified=SimpleNamespace(at=t, how="profile", by="邵嘉怡（网格员）"),
        as_of=t,
    )
    assert HouseholdView._verified_text(p) == f"今天 · {tx.when(t)} · 邵嘉怡（网格员）核实档案"
    p.verified.how = "visit"
    p.as_of = t + timedelta(days=3)
    assert HouseholdView._verified_text(p) == f"3 天前 · {tx.when(t)} · 邵嘉怡（网格员）上门走访"
