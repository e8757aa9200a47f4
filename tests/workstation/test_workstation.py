"""The workstation window with pytest-qt: the closed loop walked through the UI
(intake → assign → accept → resolve → confirm → rate → reopen), the conflict dialog,
the paging inbox model, household profile with an audited reveal, visit planning
exports and the offscreen snapshot."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from builders import Builder, account, at
from pypdf import PdfReader
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from center.cases import lifecycle as cs
from center.cases.inbox import InboxFilter
from center.cases.lifecycle import IntakeRequest
from center.core.access import Actor
from center.core.clock import now
from center.windows.workstation.dialogs import ConflictDialog
from center.windows.workstation.main_window import WorkstationWindow
from db.models import AuditLog, Case, CaseEvent, Resident

pytestmark = pytest.mark.gui
ALICE = Actor("alice", "coordinator")
WAIT = 20_000


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    """The window tests run on SQLite only (the services they drive are tested on both)."""
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def street(ctx):
    b = Builder(ctx.engine)
    b.grid("G01")
    b.staff("S1", "G01")
    b.household("H1", address="幸福小区1号楼1单元101", special_groups="solo_elderly")
    b.household("H2", address="幸福小区2号楼1单元201")
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


def _open(qtbot, ctx, actor):
    w = WorkstationWindow(ctx, actor, live=False)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.choices is not None and w.inbox.model.is_loaded(), timeout=WAIT)
    return w


@pytest.fixture
def window(qtbot, ctx, street):
    w = _open(qtbot, ctx, ALICE)
    yield w
    w.shutdown()


def _status(ctx, code):
    with ctx.engine.connect() as conn:
        return conn.scalar(select(Case.status).where(Case.code == code))


def _wait_detail(qtbot, view, code, status):
    qtbot.waitUntil(
        lambda: (
            view.detail is not None
            and view.detail.code == code
            and view.detail.status == status
            and not view.is_busy()
        ),
        timeout=WAIT,
    )


def test_closed_loop_walkthrough(qtbot, window, ctx, monkeypatch):
    earlier = cs.intake(
        ctx.engine,
        ALICE,
        IntakeRequest(
            "H1", "hotline", "L01", "上周也反映过", received_at=now() - timedelta(days=3)
        ),
    ).code
    window.inbox.refresh()
    qtbot.waitUntil(lambda: window.inbox.model.total == 1, timeout=WAIT)

    # intake: look-up by the resident's full name, taxonomy with proposals, repeat check
    dlg = window.new_case()
    assert dlg is not None
    dlg.search.setText("张三")
    dlg.find()
    qtbot.waitUntil(lambda: dlg.household == "H1", timeout=WAIT)
    assert dlg.hits.item(0, 3).text() == "张*"  # the name stays masked
    dlg.choose_request("L01")
    assert dlg.priority.currentData() == "24h" and dlg.dept.currentData() == "D01"
    dlg.source.setCurrentIndex(dlg.source.findData("visit"))
    dlg.assign_now.setChecked(False)
    dlg.summary.setPlainText("老人反映送餐不准时")
    shown = []

    def decide(_parent, candidates):
        shown.append([c.code for c in candidates])
        return ""  # a new request

    dlg.repeat_decider = decide
    with qtbot.waitSignal(dlg.created, timeout=WAIT) as created:
        dlg.save()
    code = created.args[0]
    assert shown == [[earlier]]
    assert _status(ctx, code) == "received"
    _wait_detail(qtbot, window.case, code, "received")
    qtbot.waitUntil(lambda: window.inbox.model.total == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: window.inbox.current_code() == code, timeout=WAIT)
    assert window.case.buttons["assign"].isVisible()
    assert not window.case.buttons["accept"].isVisible()

    view = window.case
    for action, kw, status in [
        ("assign", {"dept_code": "D01"}, "assigned"),
        ("accept", {}, "accepted"),
    ]:
        assert view.run_action(action, **kw)
        _wait_detail(qtbot, view, code, status)
    # resolved: the case leaves the open cases the inbox shows, the detail goes with
    # the highlighted row (never a case beside another case's row)
    assert view.run_action("resolve", note="已上门送餐")  # 办结 says what was done
    qtbot.waitUntil(lambda: _status(ctx, code) == "resolved", timeout=WAIT)
    qtbot.waitUntil(
        lambda: window.inbox.model.is_loaded() and window.inbox.model.total == 1, timeout=WAIT
    )
    _wait_detail(qtbot, view, earlier, "received")
    assert window.inbox.current_code() == earlier
    # found again (from the household, a meeting …): the inbox shows it alone
    window.open_case(code)
    _wait_detail(qtbot, view, code, "resolved")
    assert window.inbox.current_code() == code
    assert view.run_action("confirm")
    _wait_detail(qtbot, view, code, "confirmed")
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No,
    )
    assert view.run_action("rate", rating=2)
    _wait_detail(qtbot, view, code, "rated")
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT)  # a low rating asks for a callback
    informed = []
    view.notice.connect(informed.append)
    view.note.setPlainText("回访后居民仍不满意")
    assert view.run_action("reopen")
    qtbot.waitUntil(lambda: bool(view.detail and view.detail.reopened_by), timeout=WAIT)
    new = view.detail.reopened_by[0]
    assert view.note.toPlainText() == ""  # used by the successful reopen
    with Session(ctx.engine) as s:
        old_row = s.scalars(select(Case).where(Case.code == code)).one()
        new_row = s.scalars(select(Case).where(Case.code == new)).one()
        kinds = s.scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == old_row.id).order_by(CaseEvent.id)
        ).all()
        note = s.scalar(select(CaseEvent.note).where(CaseEvent.kind == "reopen"))
    assert new_row.reopened_from_id == old_row.id and new_row.status == "received"
    assert old_row.satisfaction == 2 and old_row.status == "rated"
    assert kinds == ["intake", "assign", "accept", "resolve", "confirm", "rate", "reopen"]
    assert note == "回访后居民仍不满意"
    assert informed and new in informed[0]
    window.inbox.clear()  # back to the open cases: the earlier one and the new one
    qtbot.waitUntil(
        lambda: window.inbox.model.is_loaded() and window.inbox.model.total == 2, timeout=WAIT
    )
    assert {window.inbox.model.row_at(i).code for i in range(2)} == {earlier, new}


def test_conflict_dialog_keeps_the_note(qtbot, window, ctx, monkeypatch):
    code = cs.intake(ctx.engine, ALICE, IntakeRequest("H2", "online", "P01", "咨询")).code
    window.inbox.refresh(select=code)
    _wait_detail(qtbot, window.case, code, "received")
    # bob assigns the case on his workstation meanwhile
    cs.assign(ctx.engine, Actor("bob", "coordinator"), code, 1, "D04", note="bob")
    seen = []

    def fake_exec(self):
        seen.append([(c.actor, c.fields.get("dept")) for c in self.error.changes])
        return QDialog.DialogCode.Accepted  # "Reload the case"

    monkeypatch.setattr(ConflictDialog, "exec", fake_exec)
    window.case.note.setPlainText("alice's careful note")
    with qtbot.waitSignal(window.case.failed, timeout=WAIT):
        window.case.run_action("not_our_remit")
    assert seen == [[("bob", (None, "D04"))]]
    assert window.case.note.toPlainText() == "alice's careful note"
    _wait_detail(qtbot, window.case, code, "assigned")  # reloaded: bob's version
    assert _status(ctx, code) == "assigned"


def test_inbox_model_pages_in_the_database(qtbot, window, street, ctx):
    street.cases(
        [
            {
                "household": "H1" if i % 2 else "H2",
                "received_at": at(2025, 9, 1) + timedelta(hours=i),
                "code": f"K{i:04d}",
            }
            for i in range(250)
        ]
    )
    model = window.inbox.model
    model.refresh()
    qtbot.waitUntil(lambda: model.is_loaded() and model.total == 250, timeout=WAIT)
    assert model.rowCount() == 250 and model.loaded_rows() == 100
    assert model.row_at(0).code == "K0249"  # newest first
    assert model.row_at(240) is None  # not loaded yet: asks for that page
    qtbot.waitUntil(lambda: model.row_at(240) is not None, timeout=WAIT)
    assert model.row_at(240).code == "K0009" and model.loaded_rows() == 150
    window.inbox.show_filter(InboxFilter(grid="G01", text="2号楼"))
    qtbot.waitUntil(lambda: model.is_loaded() and model.total == 125, timeout=WAIT)
    model.sort(0, Qt.SortOrder.AscendingOrder)  # by code
    qtbot.waitUntil(lambda: model.is_loaded() and model.row_at(0).code == "K0000", timeout=WAIT)
    assert model.index(0, 11).data() != ""  # closure countdown column


def test_household_profile_and_audited_reveal(qtbot, window, ctx):
    window.open_household("H1")
    hv = window.household
    qtbot.waitUntil(lambda: hv.profile is not None, timeout=WAIT)
    assert hv.residents.item(0, 1).text() == "张*"
    assert hv.residents.item(0, 5).text() == "138****5678"
    assert hv.reveal_btn.isVisibleTo(hv)
    hv.residents.selectRow(0)
    hv.reveal_selected(reason="回访核实")
    qtbot.waitUntil(lambda: hv.revealed is not None, timeout=WAIT)
    assert (hv.revealed.name, hv.revealed.phone) == ("张三", "13812345678")
    with ctx.engine.connect() as conn:
        assert (
            conn.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "pii.reveal")
            )
            == 1
        )


def test_a_leader_sees_no_actions_and_no_personal_information(qtbot, ctx, street):
    """A leader reads aggregates only: no case list or detail, no household, no plan."""
    w = WorkstationWindow(ctx, Actor("v", "leader"), live=False)
    qtbot.addWidget(w)
    w.start()
    try:
        code = cs.intake(ctx.engine, ALICE, IntakeRequest("H2", "online", "P01", "咨询")).code
        qtbot.waitUntil(lambda: w.choices is not None, timeout=WAIT)
        for tab in ("inbox", "department", "planning", "household"):
            assert not w.has_tab(tab), tab
        w.inbox.refresh()
        w.case.load(code)
        w.household.load("H2")
        qtbot.wait(200)
        assert w.inbox.model.total == 0 and w.case.detail is None
        assert w.household.profile is None
        assert not w.new_action.isEnabled()
        assert w.new_case() is None
    finally:
        w.shutdown()


def test_a_grid_worker_reads_its_grid_only(qtbot, ctx, street):
    """The inbox of a grid worker lists its grid's cases (the service's WHERE)."""
    from center.core.access import load_actor

    street.grid("G02")
    street.household("HX", "G02")
    account(ctx.engine, "gw", "grid_worker", grid="G01")
    with ctx.engine.connect() as conn:
        gw = load_actor(conn, "gw")
    assert gw is not None
    mine = cs.intake(ctx.engine, ALICE, IntakeRequest("H2", "online", "P01", "咨询")).code
    cs.intake(ctx.engine, ALICE, IntakeRequest("HX", "online", "P01", "咨询"))
    w = WorkstationWindow(ctx, gw, live=False)
    qtbot.addWidget(w)
    w.start()
    try:
        qtbot.waitUntil(lambda: w.choices is not None and w.inbox.model.is_loaded(), timeout=WAIT)
        assert w.has_tab("inbox") and w.has_tab("household") and w.has_tab("planning")
        assert w.inbox.model.total == 1
        qtbot.waitUntil(lambda: w.case.detail is not None, timeout=WAIT)
        assert w.case.detail.code == mine
    finally:
        w.shutdown()


def test_planning_exports(qtbot, window, street, tmp_path):
    street.visits([{"household": "H1", "visited_at": at(2025, 9, 1, 9), "staff": "S1"}])
    pv = window.planning
    window.show_tab("planning")
    qtbot.waitUntil(lambda: pv.plan is not None, timeout=WAIT)
    assert [r.household_code for r in pv.plan.rows] == ["H1", "H2"]
    assert pv.table.item(0, 3).text() == "H1"
    pdf = tmp_path / "route.pdf"
    csv_path = tmp_path / "route.csv"
    with qtbot.waitSignal(pv.exported, timeout=WAIT):
        pv.export_pdf(str(pdf))
    with qtbot.waitSignal(pv.exported, timeout=WAIT):
        pv.export_csv(str(csv_path))
    assert "route.csv" in pv.notice.text()
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "H1" in text and "H2" in text and "幸福小区1号楼" in text
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[1].startswith("1,H1,G01,")


def test_planning_buttons_write_the_route_sheet(qtbot, window, street, tmp_path, monkeypatch):
    """The buttons ask for a file and write it (``clicked`` passes ``checked``, which
    must not be taken for the path)."""
    from PySide6.QtWidgets import QFileDialog

    pv = window.planning
    window.show_tab("planning")
    qtbot.waitUntil(lambda: pv.plan is not None, timeout=WAIT)
    for button, name in ((pv.pdf_btn, "route.pdf"), (pv.csv_btn, "route.csv")):
        out = tmp_path / name
        asked: list[str] = []

        def answer(*a, o=out, asked=asked, **k):
            asked.append(str(a[2]) if len(a) > 2 else "")
            return str(o), ""

        monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
        with qtbot.waitSignal(pv.exported, timeout=WAIT) as sig:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert asked == [f"route-S1{out.suffix}"]
        assert sig.args == [str(out)]
        assert out.is_file() and out.stat().st_size > 0
    assert "H1" in "".join(page.extract_text() for page in PdfReader(tmp_path / "route.pdf").pages)
    assert (tmp_path / "route.csv").read_text(encoding="utf-8-sig").startswith("order,")


def test_spot_check_view(qtbot, street, ctx):
    street.cases(
        [
            {
                "household": "H1",
                "received_at": at(2025, 9, 1, 9),
                "code": "K1",
                "closed_at": at(2025, 9, 2, 9),
                "status": "resolved",
            }
        ]
    )
    window = _open(qtbot, ctx, Actor("sup", "assessor"))
    try:
        sv = window.spotcheck
        assert not window.new_action.isEnabled()
        sv.percent.setValue(100)
        sv.closed_from.setDate(date(2025, 9, 1))
        sv.closed_to.setDate(date(2025, 9, 30))
        sv.seed.setText("7")
        sv.draw()
        qtbot.waitUntil(lambda: [p.code for p in sv.pending] == ["K1"], timeout=WAIT)
        assert "seed 7" in sv.last.text()
        sv.table.selectRow(0)
        sv.record(True)
        qtbot.waitUntil(lambda: sv.pending == [], timeout=WAIT)
        assert _status(ctx, "K1") == "spot_checked"
    finally:
        window.shutdown()


@pytest.mark.parametrize("view", ["inbox", "case", "household", "planning", "meetings"])
def test_snapshot_renders_every_view(qtbot, ctx, street, view):
    from center.windows.workstation.snapshot import render_workstation

    cs.intake(ctx.engine, ALICE, IntakeRequest("H1", "visit", "L01", "送餐", assign_to="D01"))
    image = render_workstation(ctx, ALICE, view, QSize(1200, 800))
    assert (image.width(), image.height()) == (1200, 800) and not image.isNull()


def test_chinese_translation_is_complete_and_loads(qapp):
    import xml.etree.ElementTree as ET

    from center.windows.runtime.i18n import I18N_DIR, install_translators
    from center.windows.workstation import texts as tx

    tree = ET.parse(I18N_DIR / "workstation_zh_CN.ts")
    unfinished = [
        m.findtext("source")
        for m in tree.iter("message")
        if m.find("translation").get("type") in ("unfinished", "obsolete")
    ]
    assert unfinished == []
    try:
        install_translators(qapp, "zh_CN")
        assert tx.name(tx.STATUS_NAMES, "received") == "已受理"
        assert tx.duration(timedelta(hours=3, minutes=5)) == "3时05分"
    finally:
        install_translators(qapp, "en")
    assert tx.name(tx.STATUS_NAMES, "received") == "Received"


def test_department_queue(qtbot, window, ctx):
    mine = cs.intake(
        ctx.engine, ALICE, IntakeRequest("H1", "visit", "L01", "送餐", assign_to="D01")
    )
    cs.intake(ctx.engine, ALICE, IntakeRequest("H2", "visit", "L07", "停车", assign_to="D06"))
    cs.intake(ctx.engine, ALICE, IntakeRequest("H2", "online", "P01", "咨询"))  # not assigned
    dv = window.dept
    window.show_tab("department")
    dv.dept.setCurrentIndex(dv.dept.findData("D01"))
    dv.refresh()  # the change feed would do this (the test window runs without it)
    qtbot.waitUntil(
        lambda: (
            dv.summary is not None
            and dv.summary.awaiting_accept == 1
            and dv.inbox.model.is_loaded()
            and dv.inbox.model.total == 1
        ),
        timeout=WAIT,
    )
    assert (dv.summary.dept_code, dv.summary.in_progress, dv.summary.start_breached) == (
        "D01",
        0,
        0,
    )
    assert dv.counters["awaiting"].value.text() == "1"
    assert dv.inbox.model.row_at(0).code == mine.code
    assert not dv.inbox.dept.isEnabled()  # the queue's department is pinned
    qtbot.waitUntil(lambda: window.dept_case.detail is not None, timeout=WAIT)
    assert window.dept_case.detail.code == mine.code


def test_a_department_users_inbox_holds_only_their_departments_cases(qtbot, ctx, street):
    mine = cs.intake(
        ctx.engine, ALICE, IntakeRequest("H1", "visit", "L01", "送餐", assign_to="D01")
    )
    cs.intake(ctx.engine, ALICE, IntakeRequest("H2", "visit", "L07", "停车", assign_to="D06"))
    cs.intake(ctx.engine, ALICE, IntakeRequest("H2", "online", "P01", "咨询"))  # not assigned
    dora = Actor("dora", "department", dept_code="D01")
    w = _open(qtbot, ctx, dora)
    try:
        qtbot.waitUntil(
            lambda: w.inbox.model.is_loaded() and w.inbox.model.total == 1, timeout=WAIT
        )
        assert w.inbox.model.row_at(0).code == mine.code
        assert not w.inbox.dept.isEnabled()
        w.inbox.clear()  # clearing the filter keeps the department
        qtbot.waitUntil(lambda: w.inbox.model.is_loaded(), timeout=WAIT)
        assert w.inbox.model.total == 1
    finally:
        w.shutdown()
    # a coordinator sees all three
    w = _open(qtbot, ctx, ALICE)
    try:
        qtbot.waitUntil(lambda: w.inbox.model.total == 3, timeout=WAIT)
    finally:
        w.shutdown()


def _reason(monkeypatch, text):
    """The reason dialog answers ``text`` at once (``None``: it is cancelled)."""
    from center.windows.workstation.dialogs import ReasonDialog

    code = QDialog.DialogCode.Rejected if text is None else QDialog.DialogCode.Accepted
    monkeypatch.setattr(ReasonDialog, "exec", lambda self: code)
    monkeypatch.setattr(ReasonDialog, "text", lambda self: text or "")


def _warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda *a, **k: shown.append(a[2]) or QMessageBox.StandardButton.Ok
    )
    return shown


def _reveals(ctx):
    with ctx.engine.connect() as conn:
        return [
            (actor, code, json.loads(detail))
            for actor, code, detail in conn.execute(
                select(AuditLog.actor, AuditLog.entity_code, AuditLog.detail)
                .where(AuditLog.action == "pii.reveal")
                .order_by(AuditLog.id)
            )
        ]


def test_clicking_reveal_asks_why_then_shows_the_resident(qtbot, window, ctx, monkeypatch):
    warnings = _warnings(monkeypatch)
    window.open_household("H1")
    hv = window.household
    qtbot.waitUntil(lambda: hv.profile is not None, timeout=WAIT)
    hv.residents.selectRow(0)
    _reason(monkeypatch, None)  # cancelled: nothing revealed, nothing recorded
    qtbot.mouseClick(hv.reveal_btn, Qt.MouseButton.LeftButton)
    _reason(monkeypatch, "回访核实")
    qtbot.mouseClick(hv.reveal_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hv.revealed is not None or bool(warnings), timeout=WAIT)
    assert warnings == []
    assert (hv.revealed.name, hv.revealed.phone) == ("张三", "13812345678")
    assert _reveals(ctx) == [("alice", "R1", {"household": "H1", "reason": "回访核实"})]


def test_a_look_up_by_phone_in_the_household_tab_is_recorded(qtbot, window, ctx):
    hv = window.household
    hv.search.setText("13812345678")
    hv.find()
    qtbot.waitUntil(lambda: hv.profile is not None, timeout=WAIT)
    assert hv.profile.code == "H1"
    with ctx.engine.connect() as conn:
        detail = conn.scalar(select(AuditLog.detail).where(AuditLog.action == "pii.lookup"))
    assert json.loads(detail) == {"by": "phone", "households": ["H1"], "searched": "138****5678"}


def test_spot_check_list_reveals_the_phone_for_the_call(qtbot, street, ctx, monkeypatch):
    from center.cases import spotcheck as sc
    from center.windows.workstation.spotcheck_view import SpotCheckView

    street.cases(
        [
            {
                "household": "H1",
                "received_at": at(2025, 9, 1, 9),
                "code": "K1",
                "closed_at": at(2025, 9, 2, 9),
                "status": "resolved",
            }
        ]
    )
    sup = Actor("sup", "assessor")
    sc.draw_sample(
        ctx.engine, sup, percent=100, closed_from=date(2025, 9, 1), closed_to=date(2025, 9, 30)
    )
    warnings = _warnings(monkeypatch)
    sv = SpotCheckView(ctx, sup)
    qtbot.addWidget(sv)
    sv.show()
    try:
        sv.refresh()
        qtbot.waitUntil(lambda: [p.code for p in sv.pending] == ["K1"], timeout=WAIT)
        assert sv.phone_btn.isVisible()
        sv.table.selectRow(0)
        _reason(monkeypatch, "抽查回访")
        qtbot.mouseClick(sv.phone_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: sv.revealed is not None or bool(warnings), timeout=WAIT)
        assert warnings == []
        assert (sv.revealed.case_code, sv.revealed.name, sv.revealed.phone) == (
            "K1",
            "张*",
            "13812345678",
        )
        assert "13812345678" in sv.phone_box.text()
        sv.phone_box.done(0)  # closing the box forgets the number
        assert sv.revealed is None
        assert _reveals(ctx) == [
            (
                "sup",
                "R1",
                {"household": "H1", "case": "K1", "fields": ["phone"], "reason": "抽查回访"},
            )
        ]
    finally:
        sv.shutdown()
    # a coordinator's spot-check tab has no phone reveal
    other = SpotCheckView(ctx, ALICE)
    qtbot.addWidget(other)
    try:
        assert not other.phone_btn.isVisibleTo(other)
    finally:
        other.shutdown()


def test_spot_check_columns_fit_and_the_address_takes_the_rest(qtbot, street, ctx):
    from PySide6.QtWidgets import QHeaderView

    from center.cases import spotcheck as sc
    from center.windows.workstation import texts as tx
    from center.windows.workstation.spotcheck_view import ADDRESS_COLUMN, SpotCheckView

    sup = Actor("sup", "assessor")
    sv = SpotCheckView(ctx, sup)
    qtbot.addWidget(sv)
    sv.resize(1366, 600)
    sv.show()
    try:
        table = sv.table
        header = table.horizontalHeader()
        fm = table.fontMetrics()
        when = fm.horizontalAdvance(tx.when(now()))
        # before any sample: the time columns already have room for a time
        for col in (1, 6):
            assert table.columnWidth(col) >= when, col
        street.cases(
            [
                {
                    "household": "H1",
                    "received_at": at(2025, 9, 1, 9),
                    "code": "K202509010001",
                    "closed_at": at(2025, 9, 2, 9),
                    "status": "rated",
                    "satisfaction": 4,
                }
            ]
        )
        sc.draw_sample(
            ctx.engine, sup, percent=100, closed_from=date(2025, 9, 1), closed_to=date(2025, 9, 30)
        )
        sv.refresh()
        qtbot.waitUntil(lambda: [p.code for p in sv.pending] == ["K202509010001"], timeout=WAIT)
        qtbot.wait(20)
        widths = [table.columnWidth(c) for c in range(table.columnCount())]
        for col in range(table.columnCount()):
            text = table.item(0, col).text()
            # every entry and header shows whole
            assert widths[col] >= fm.horizontalAdvance(text) + 6, (col, text)
            assert widths[col] >= header.sectionSizeHint(col), col
        # the address takes what is left: no squeezed columns beside a wide empty one
        # (sized by the view: the address gets the rest beyond its need, else it scrolls)
        assert header.sectionResizeMode(ADDRESS_COLUMN) == QHeaderView.ResizeMode.Interactive
        assert widths[ADDRESS_COLUMN] == max(widths)
        assert widths[-1] < widths[ADDRESS_COLUMN] / 2  # the last column is not stretched
        assert sum(widths) <= table.viewport().width() + 1
        assert not table.horizontalScrollBar().isVisible()
    finally:
        sv.shutdown()


def test_intake_lists_five_whole_household_hits(qtbot, window):
    from center.windows.workstation.intake import HIT_ROWS

    dlg = window.new_case()
    assert dlg is not None
    dlg.show()
    qtbot.waitExposed(dlg)
    row = dlg.hits.verticalHeader().defaultSectionSize()
    assert HIT_ROWS == 5
    # a search by building lists its flats: five rows show without scrolling
    assert dlg.hits.viewport().height() >= HIT_ROWS * row
    dlg.reject()
