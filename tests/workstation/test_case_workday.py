"""The case detail as a coordinator uses it: it fits a 1366×768 screen, its history
names people and departments (never account, staff or department codes), the
conflict dialog says field by field what the other person saved beside what you
were saving, and the resident's rating starts with no choice."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from builders import Builder, account, at
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea
from sqlalchemy import insert, select, update

from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest
from center.core.access import Actor
from center.windows.workstation.case_view import CaseView
from center.windows.workstation.dialogs import ConflictDialog, RatingDialog
from center.windows.workstation.main_window import WorkstationWindow
from db.models import AppUser, Case, CaseEvent, Department

pytestmark = pytest.mark.gui
WAIT = 20_000
T = at(2025, 9, 1, 9)
LONG_ADDRESS = "浙江省杭州市上城区潮鸣街道幸福家园小区十二号楼三单元一千二百零一室（东边门）"


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
    b.household("H1", address=LONG_ADDRESS)
    return b


@pytest.fixture
def coordinator(ctx, street):
    alice = account(ctx.engine, "alice", "coordinator")
    account(ctx.engine, "bob", "coordinator")
    with ctx.engine.begin() as conn:
        conn.execute(update(AppUser).where(AppUser.username == "alice").values(display_name="王芳"))
        conn.execute(update(AppUser).where(AppUser.username == "bob").values(display_name="李强"))
    return alice


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


def _shown(qtbot, view, code, version=None):
    qtbot.waitUntil(
        lambda: (
            view.detail is not None
            and view.detail.code == code
            and (version is None or view.detail.version == version)
            and not view.is_busy()
        ),
        timeout=WAIT,
    )


# ------------------------------------------------------------------ fits 1366×768


def test_the_case_detail_fits_a_1366x768_screen(qtbot, ctx, coordinator, chinese):
    ch = cs.intake(
        ctx.engine,
        coordinator,
        IntakeRequest(
            "H1",
            "hotline",
            "L01",
            "老人反映送餐不准时，希望社区协调送餐时间并每周回访一次" * 3,
            received_at=T,
            address_note="东侧单元门禁坏了，请从西侧进入",
            assign_to="D03",  # 卫健（社区卫生服务中心）: the longest name
        ),
    )
    w = _open(qtbot, ctx, coordinator)
    try:
        view = w.case
        _shown(qtbot, view, ch.code)
        qtbot.wait(50)
        # the pane has room for two columns of fields and three clocks
        assert view.width() >= 440
        assert w.inbox_page.sizes()[1] >= 440
        # it never scrolls sideways: everything is inside its width
        scroll = view.findChild(QScrollArea)
        viewport = scroll.viewport()
        assert not scroll.horizontalScrollBar().isVisible()
        assert scroll.widget().width() <= viewport.width()
        right = viewport.mapToGlobal(QPoint(viewport.width(), 0)).x()
        shown = [
            *view.fields.values(),
            *view.clock_labels.values(),
            view.summary,
            view.timeline,
            view.note,
            *(b for b in view.buttons.values() if b.isVisibleTo(view)),
        ]
        for widget in shown:
            edge = widget.mapToGlobal(QPoint(widget.width(), 0)).x()
            assert edge <= right, (widget, getattr(widget, "text", lambda: "")())
        # long texts wrap instead of being cut: the address label shows it whole
        address = view.fields["address"]
        assert isinstance(address, QLabel) and address.wordWrap()
        assert LONG_ADDRESS in address.text()
        assert address.heightForWidth(address.width()) <= address.height()
        # the actions all show (they flow onto more lines)
        for action in ("respond", "assign", "escalate", "not_our_remit", "edit"):
            b = view.buttons[action]
            if b.isVisibleTo(view):
                assert b.width() >= b.sizeHint().width(), action
    finally:
        w.shutdown()


# ------------------------------------------------------------------ history names


def test_the_case_history_names_people_and_departments(qtbot, ctx, coordinator):
    code = cs.intake(
        ctx.engine, coordinator, IntakeRequest("H1", "visit", "L01", "送餐", received_at=T)
    ).code
    cs.assign(ctx.engine, coordinator, code, 1, "D03", at=T + timedelta(minutes=10))
    # D03 has no account: the coordinator starts the work for it ([代 D03] in the note)
    cs.accept(ctx.engine, coordinator, code, 2, note="电话通知", at=T + timedelta(minutes=30))
    with ctx.engine.begin() as conn:
        cid = conn.scalar(select(Case.id).where(Case.code == code))
        d01 = conn.scalar(select(Department.id).where(Department.code == "D01"))
        # an imported history: the department's code as the note of an assignment, a
        # grid worker's staff code, and a rating taken for the resident
        conn.execute(
            insert(CaseEvent),
            [
                {
                    "case_id": cid,
                    "at": T + timedelta(hours=1),
                    "actor": "bob",
                    "kind": "assign",
                    "dept_id": d01,
                    "note": "D01",
                },
                {
                    "case_id": cid,
                    "at": T + timedelta(hours=2),
                    "actor": "S1",
                    "kind": "confirm",
                    "dept_id": None,
                    "note": None,
                },
                {
                    "case_id": cid,
                    "at": T + timedelta(hours=3),
                    "actor": "resident",
                    "kind": "rate",
                    "dept_id": None,
                    "note": "满意度5",
                },
            ],
        )
    view = CaseView(ctx.engine, coordinator)
    qtbot.addWidget(view)
    view.resize(600, 700)
    view.show()
    try:
        view.load(code)
        _shown(qtbot, view, code)
        rows = [
            [view.timeline.topLevelItem(i).text(c) for c in range(4)]
            for i in range(view.timeline.topLevelItemCount())
        ]
        assert [r[1:] for r in rows] == [
            ["王芳 (Coordinator)", "Case received", ""],
            ["王芳 (Coordinator)", "Assigned to health (community health centre)", ""],
            [
                "王芳 (Coordinator)",
                "Accepted by the department",
                "（for health (community health centre)）电话通知",
            ],
            ["李强 (Coordinator)", "Assigned to civil affairs", ""],
            ["工作人员S1 (Grid worker)", "Confirmed on site", ""],
            ["Resident", "Rated by the resident", "满意度5"],
        ]
        assert not {r[1] for r in rows} & {"alice", "bob", "S1", "resident"}
        cells = " ".join(" ".join(r) for r in rows)
        for raw in ("D01", "D03", "[代"):
            assert raw not in cells, raw
    finally:
        view.shutdown()


# ------------------------------------------------------------------ conflict dialog


def test_the_conflict_dialog_shows_their_value_beside_yours(qtbot, ctx, coordinator, monkeypatch):
    code = cs.intake(
        ctx.engine,
        coordinator,
        IntakeRequest("H1", "online", "P01", "咨询养老补贴", received_at=T),
    ).code
    w = _open(qtbot, ctx, coordinator)
    try:
        view = w.case
        w.open_case(code)
        _shown(qtbot, view, code)
        # bob, on his workstation, rewrites the summary, raises the priority, assigns
        bob = Actor("bob", "coordinator")
        cs.update_case(
            ctx.engine, bob, code, 1, {"summary": "咨询高龄津贴申领", "priority": "immediate"}
        )
        cs.assign(ctx.engine, bob, code, 2, "D03", at=T + timedelta(minutes=20))
        seen = []

        def fake_exec(dlg):
            seen.append(dlg)
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(ConflictDialog, "exec", fake_exec)
        view.note.setPlainText("alice's careful note")
        with qtbot.waitSignal(view.failed, timeout=WAIT):
            view.run_action("edit", changes={"summary": "咨询养老服务补贴的申请材料"})
        [dlg] = seen
        assert dlg.rows == [
            ("Status", "Assigned", "Received"),
            ("Department", "D03 health (community health centre)", "—"),
            ("Priority", "Immediate", "3 working days"),
            ("Summary", "咨询高龄津贴申领", "咨询养老服务补贴的申请材料"),
            ("Responded at", "2025-09-01 09:20", "—"),
            ("Assigned at", "2025-09-01 09:20", "—"),
        ]
        cells = [
            [dlg.fields.item(r, c).text() for c in range(3)] for r in range(dlg.fields.rowCount())
        ]
        assert [tuple(c) for c in cells] == dlg.rows
        assert "(text)" not in str(cells) and "…" not in str(cells)
        who = {dlg.tree.topLevelItem(i).text(1) for i in range(dlg.tree.topLevelItemCount())}
        assert who == {"李强 (Coordinator)"}
        assert view.note.toPlainText() == "alice's careful note"
        # the intended transition is named too
        seen.clear()
        view.reload()
        _shown(qtbot, view, code, version=3)
        cs.update_case(ctx.engine, bob, code, 3, {"priority": "3wd"})
        with qtbot.waitSignal(view.failed, timeout=WAIT):
            view.run_action("not_our_remit", note="属区级事项，已告知居民拨打12345")
        [dlg] = seen
        assert dlg.rows == [
            ("Status", "Assigned", "Not our remit"),
            ("Priority", "3 working days", "Immediate"),
            ("Reason", "—", "属区级事项，已告知居民拨打12345"),
        ]
    finally:
        w.shutdown()


# ------------------------------------------------------------------ rating dialog


def test_the_rating_dialog_starts_without_a_choice(qtbot):
    dlg = RatingDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dlg.group.checkedId() == -1 and dlg.rating() is None
    assert not ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.result() == 0 and dlg.isVisible()  # nothing recorded unasked
    four = dlg.group.button(4)
    qtbot.mouseClick(four, Qt.MouseButton.LeftButton, pos=QPoint(8, four.height() // 2))
    assert ok.isEnabled() and dlg.rating() == 4
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.result() == QDialog.DialogCode.Accepted and dlg.rating() == 4


def test_rating_from_the_case_view_records_the_chosen_value(qtbot, ctx, coordinator, monkeypatch):
    code = cs.intake(
        ctx.engine,
        coordinator,
        IntakeRequest("H1", "visit", "P01", "咨询", received_at=T, on_the_spot=True),
    ).code
    cs.confirm(ctx.engine, coordinator, code, 1, at=T + timedelta(hours=1))
    view = CaseView(ctx.engine, coordinator)
    qtbot.addWidget(view)
    view.show()
    try:
        view.load(code)
        _shown(qtbot, view, code, version=2)
        # cancelled without a choice: nothing is written
        monkeypatch.setattr(RatingDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
        assert view.run_action("rate") is False

        def choose_three(self):
            self.group.button(3).click()
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(RatingDialog, "exec", choose_three)
        with qtbot.waitSignal(view.changed, timeout=WAIT):
            assert view.run_action("rate")
        with ctx.engine.connect() as conn:
            assert conn.scalar(select(Case.satisfaction).where(Case.code == code)) == 3
    finally:
        view.shutdown()


def test_a_low_rating_reopens_the_rated_case_even_when_the_pane_moved_on(
    qtbot, ctx, coordinator, monkeypatch
):
    """The rated case leaves the list it was in (here: confirmed cases) and the pane
    follows the list to another case; "reopen now" still reopens the rated one."""
    from PySide6.QtWidgets import QMessageBox

    from center.windows.workstation.dialogs import ReasonDialog

    codes = []
    for hours in (0, 1):
        c = cs.intake(
            ctx.engine,
            coordinator,
            IntakeRequest(
                "H1",
                "visit",
                "P01",
                "咨询",
                received_at=T + timedelta(hours=hours),
                on_the_spot=True,
            ),
        ).code
        cs.confirm(ctx.engine, coordinator, c, 1, at=T + timedelta(hours=hours, minutes=30))
        codes.append(c)
    rated, other = codes[1], codes[0]  # the newest is the first row
    w = _open(qtbot, ctx, coordinator)
    try:
        inbox = w.inbox
        inbox.status.setCurrentIndex(inbox.status.findData("confirmed"))
        qtbot.waitUntil(lambda: inbox.model.is_loaded() and inbox.model.total == 2, timeout=WAIT)
        inbox.select_code(rated)
        _shown(qtbot, w.case, rated, version=2)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        monkeypatch.setattr(ReasonDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
        monkeypatch.setattr(ReasonDialog, "text", lambda self: "居民仍不满意，重新办理")
        with qtbot.waitSignal(w.case.changed, timeout=WAIT) as sig:
            assert w.case.run_action("rate", rating=1)
        assert sig.args[0].action == "rate"
        with qtbot.waitSignal(w.case.changed, timeout=WAIT) as sig:
            pass
        assert (sig.args[0].action, sig.args[0].code) == ("reopen", rated)
        with ctx.engine.connect() as conn:
            origin = conn.scalar(select(Case.id).where(Case.code == rated))
            children = conn.scalars(select(Case.code).where(Case.reopened_from_id == origin)).all()
            assert len(children) == 1
            assert conn.scalar(select(Case.status).where(Case.code == other)) == "confirmed"
        qtbot.waitUntil(lambda: inbox.model.is_loaded() and inbox.model.total == 1, timeout=WAIT)
        _shown(qtbot, w.case, other)
        assert inbox.current_code() == other
    finally:
        w.shutdown()
