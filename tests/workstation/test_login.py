"""The workstation's login dialog, the idle lock and the audit viewer (pytest-qt):
keyboard login, the refusal messages (wrong password, locked until HH:MM, disabled),
the demo hint, the lock after an (injected) idle time that keeps the typed text, and
the audit tab of the roles that may read the audit log."""

from __future__ import annotations

import re
import shutil

import pytest
from builders import TEST_PASSWORD, Builder, account
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from center.accounts.service import authenticate, set_active
from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest
from center.core.access import Actor
from center.core.audit import list_audit
from center.core.errors import PermissionDenied
from center.windows.workstation.dept_view import own_department_only
from center.windows.workstation.lock import Cover
from center.windows.workstation.login import LoginDialog
from center.windows.workstation.main_window import WorkstationWindow

pytestmark = pytest.mark.gui
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
    b.household("H1", address="幸福小区1号楼1单元101")
    return b


@pytest.fixture
def dialog(qtbot, ctx):
    made: list[LoginDialog] = []

    def make(**kw) -> LoginDialog:
        dlg = LoginDialog(ctx.engine, **kw)
        qtbot.addWidget(dlg)
        dlg.show()
        made.append(dlg)
        return dlg

    yield make
    for dlg in made:
        dlg.shutdown()


def _log_in(qtbot, dlg: LoginDialog, user: str, password: str) -> None:
    dlg.user.clear()
    dlg.password.clear()
    qtbot.keyClicks(dlg.user, user)
    qtbot.keyClick(dlg.user, Qt.Key.Key_Return)  # Enter in the name field: on to the password
    assert dlg.focusWidget() is dlg.password and not dlg.is_busy()
    qtbot.keyClicks(dlg.password, password)
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)  # Enter submits
    qtbot.waitUntil(lambda: not dlg.is_busy(), timeout=WAIT)


def _open(qtbot, ctx, actor, **kw):
    w = WorkstationWindow(ctx, actor, live=False, **kw)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.choices is not None and w.inbox.model.is_loaded(), timeout=WAIT)
    return w


# -- the login dialog -----------------------------------------------------------------


def test_login_with_the_keyboard(qtbot, ctx, dialog):
    account(ctx.engine, "carol", "coordinator")
    dlg = dialog(check_demo=False)
    assert dlg.focusWidget() is dlg.user  # the user name first
    assert dlg.password.echoMode() == dlg.password.EchoMode.Password
    _log_in(qtbot, dlg, "carol", TEST_PASSWORD)
    assert dlg.actor is not None and dlg.actor.name == "carol"
    assert dlg.actor.display_name == "Carol" and dlg.actor.has("coordinator")
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.password.text() == ""


def test_a_wrong_password_and_an_unknown_user_say_the_same(qtbot, ctx, dialog):
    account(ctx.engine, "carol", "coordinator")
    dlg = dialog(check_demo=False)
    _log_in(qtbot, dlg, "carol", "not-the-password")
    assert dlg.actor is None and dlg.isVisible()
    wrong = dlg.error.text()
    assert wrong == "Wrong user name or password." and dlg.error.isVisibleTo(dlg)
    assert dlg.password.text() == "" and dlg.focusWidget() is dlg.password
    _log_in(qtbot, dlg, "nobody", "not-the-password")
    assert dlg.error.text() == wrong  # never which


def test_lock_out_and_disabled_messages(qtbot, ctx, dialog):
    admin = account(ctx.engine, "root", "admin")
    account(ctx.engine, "carol", "coordinator")
    account(ctx.engine, "dave", "coordinator")
    dlg = dialog(check_demo=False)
    for _ in range(5):
        _log_in(qtbot, dlg, "carol", "not-the-password")
    assert re.fullmatch(
        r"The account is locked after 5 failed logins until \d\d:\d\d: .*", dlg.error.text()
    )
    _log_in(qtbot, dlg, "carol", TEST_PASSWORD)  # the right password does not help now
    assert dlg.actor is None and "locked" in dlg.error.text()

    set_active(ctx.engine, admin, "dave", False)
    _log_in(qtbot, dlg, "dave", "not-the-password")
    assert dlg.error.text() == "Wrong user name or password."  # said only with the password
    _log_in(qtbot, dlg, "dave", TEST_PASSWORD)
    assert dlg.error.text() == "The account is disabled: ask an administrator."
    assert dlg.actor is None


def test_empty_fields_submit_nothing_and_esc_cancels(qtbot, ctx, dialog):
    dlg = dialog(check_demo=False)
    assert not dlg.submit()
    assert dlg.error.text() == "Enter your user name."
    qtbot.keyClick(dlg.user, Qt.Key.Key_Escape)
    assert dlg.result() == QDialog.DialogCode.Rejected and not dlg.isVisible()


def test_the_demo_street_names_its_accounts(qtbot, ctx, dialog):
    Builder(ctx.engine, street="东湖街道").grid("G01")
    account(ctx.engine, "coord1", "coordinator")
    account(ctx.engine, "assessor", "assessor")
    dlg = dialog()
    qtbot.waitUntil(lambda: dlg.demo_checked, timeout=WAIT)
    assert dlg.demo is not None
    assert dlg.demo.accounts == (("coord1", "coordinator"), ("assessor", "assessor"))
    text = dlg.demo_label.text()
    assert dlg.demo_label.isVisibleTo(dlg)
    assert "coord1" in text and "assessor" in text and "demo-password" in text


def test_another_street_gets_no_demo_hint(qtbot, ctx, dialog, street):
    account(ctx.engine, "coord1", "coordinator")  # a real street may have such a name
    dlg = dialog()
    qtbot.waitUntil(lambda: dlg.demo_checked, timeout=WAIT)
    assert dlg.demo is None and not dlg.demo_label.isVisibleTo(dlg)


# -- the idle lock ----------------------------------------------------------------------


def _covers(widget):
    return widget.findChildren(Cover, options=Qt.FindChildOption.FindDirectChildrenOnly)


def test_idle_lock_keeps_the_typed_text(qtbot, ctx, street):
    carol = account(ctx.engine, "carol", "coordinator")
    # a minute while the window loads and the text is typed (a loaded machine may take
    # longer than the short timeout to get there), then 400 ms of idleness locks
    w = _open(qtbot, ctx, carol, idle_timeout_ms=60_000)
    try:
        assert "Carol" in w.user_label.text() and "Coordinator" in w.user_label.text()
        lock = w.idle_lock
        assert lock is not None and not lock.is_locked
        dlg = w.new_case()
        assert dlg is not None
        qtbot.keyClicks(dlg.summary, "meals late again")  # typed (QTest types ASCII)
        qtbot.keyClicks(w.case.note, "called back")
        assert not lock.is_locked
        lock.stop()
        lock.timeout_ms = 400
        lock.start()
        qtbot.waitUntil(lambda: lock.is_locked, timeout=WAIT)
        unlock = lock.dialog
        assert unlock is not None and unlock.isVisible()
        covers = [c for c in _covers(w) if c.isVisible()]
        assert len(covers) == 1 and covers[0].geometry() == w.rect()
        assert "Carol" in covers[0].label.text()
        assert any(c.isVisible() for c in _covers(dlg))  # the open dialog too

        # a wrong password is refused and the lock stays
        qtbot.keyClicks(unlock.password, "not-the-password")
        qtbot.keyClick(unlock.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not unlock.is_busy(), timeout=WAIT)
        assert unlock.error.text() == "Wrong user name or password."
        assert lock.is_locked and unlock.isVisible()
        qtbot.keyClick(unlock.password, Qt.Key.Key_Escape)  # Esc does not get round it
        assert lock.is_locked and unlock.isVisible()

        with qtbot.waitSignal(lock.unlocked, timeout=WAIT):
            qtbot.keyClicks(unlock.password, TEST_PASSWORD)
            qtbot.keyClick(unlock.password, Qt.Key.Key_Return)
        assert not lock.is_locked
        assert not [c for c in _covers(w) if c.isVisible()]
        assert not [c for c in _covers(dlg) if c.isVisible()]
        # nothing was closed or rebuilt: the typed text is all there
        assert dlg.isVisible() and dlg.summary.toPlainText() == "meals late again"
        assert w.case.note.toPlainText() == "called back"
        dlg.reject()
    finally:
        w.shutdown()


def test_input_postpones_the_lock(qtbot, ctx, street):
    carol = account(ctx.engine, "carol", "coordinator")
    w = _open(qtbot, ctx, carol, idle_timeout_ms=60_000)  # loading may be slow
    try:
        lock = w.idle_lock
        assert lock is not None
        lock.stop()
        lock.timeout_ms = 2_000  # margin for a loaded machine's event-loop stalls
        lock.start()
        for _ in range(8):  # 3.2 s of typing in all: longer than the timeout
            qtbot.wait(400)
            qtbot.keyClick(w.inbox.search, Qt.Key.Key_A)
            assert not lock.is_locked
        qtbot.waitUntil(lambda: lock.is_locked, timeout=WAIT)
        w.shutdown()
        assert not lock.is_locked
    finally:
        w.shutdown()


def test_quit_from_the_lock_closes_the_window(qtbot, ctx, street):
    carol = account(ctx.engine, "carol", "coordinator")
    w = _open(qtbot, ctx, carol)
    lock = w.idle_lock
    assert lock is not None
    lock.lock()  # Ctrl+L
    assert lock.dialog is not None
    lock.dialog.quit_button.click()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=WAIT)
    assert not lock.is_locked


# -- names, tabs and the audit viewer -----------------------------------------------------


def test_case_history_shows_display_names_and_roles(qtbot, ctx, street):
    carol = account(ctx.engine, "carol", "coordinator")
    code = cs.intake(ctx.engine, carol, IntakeRequest("H1", "visit", "L01", "送餐")).code
    w = _open(qtbot, ctx, carol)
    try:
        w.open_case(code)
        qtbot.waitUntil(lambda: w.case.detail is not None, timeout=WAIT)
        item = w.case.timeline.topLevelItem(0)
        assert item.text(1) == "Carol (Coordinator)"
        assert item.toolTip(1) == "carol"
    finally:
        w.shutdown()


def test_the_audit_tab_is_for_admins_and_assessors(qtbot, ctx, street):
    coord = account(ctx.engine, "carol", "coordinator")
    w = _open(qtbot, ctx, coord)
    try:
        assert not w.has_tab("audit") and w.audit is None
    finally:
        w.shutdown()
    with pytest.raises(PermissionDenied):
        list_audit(ctx.engine, actor=coord)
    both = account(ctx.engine, "dora", "department", "assessor", dept="D01")
    assert own_department_only(both) is None
    assert own_department_only(account(ctx.engine, "dan", "department", dept="D01")) == "D01"
    w = _open(qtbot, ctx, both)
    try:
        assert w.has_tab("audit") and w.audit is not None
        assert w.inbox._fixed is None and w.dept.dept.isEnabled()
    finally:
        w.shutdown()


def test_audit_viewer_lists_and_verifies(qtbot, ctx, street):
    account(ctx.engine, "sue", "assessor")
    sue = authenticate(ctx.engine, "sue", TEST_PASSWORD)  # writes auth.login
    account(ctx.engine, "carol", "coordinator")
    carol = authenticate(ctx.engine, "carol", TEST_PASSWORD)
    cs.intake(ctx.engine, carol, IntakeRequest("H1", "visit", "L01", "送餐"))
    w = _open(qtbot, ctx, sue)
    try:
        av = w.audit
        assert av is not None
        w.show_tab("audit")
        qtbot.waitUntil(lambda: av.page is not None, timeout=WAIT)
        assert av.table.rowCount() == len(list_audit(ctx.engine, actor=sue)) >= 3
        who = {av.table.item(r, 1).text() for r in range(av.table.rowCount())}
        assert {"Sue (Supervisor)", "Carol (Coordinator)"} <= who
        # filters: one user's logins
        av.user.setText("carol")
        av.action.setEditText("auth.*")
        with qtbot.waitSignal(av.loaded, timeout=WAIT):
            qtbot.keyClick(av.user, Qt.Key.Key_Return)
        assert av.table.rowCount() == 1
        assert av.table.item(0, 2).toolTip() == "auth.login"  # the code; the name shown
        av.record.setText("case")
        av.user.clear()
        av.action.setEditText("")
        with qtbot.waitSignal(av.loaded, timeout=WAIT):
            av.search()
        assert av.table.rowCount() >= 1
        assert {
            av.table.item(r, 3).toolTip().split(":")[0] for r in range(av.table.rowCount())
        } == {"case"}
        av.record.setText("case:")
        av.search()
        assert "KIND:ID" in av.status.text()

        with qtbot.waitSignal(av.verified, timeout=WAIT):
            av.verify_button.click()
        assert av.report is not None and av.report.intact
        assert "intact" in av.verify_label.text()
    finally:
        w.shutdown()


def test_spot_check_tab_gets_the_context(qtbot, ctx, street):
    sue = account(ctx.engine, "sue", "assessor")
    w = _open(qtbot, ctx, sue)
    try:
        assert w.spotcheck.phone_btn.isVisibleTo(w.spotcheck)
    finally:
        w.shutdown()


def test_read_only_sessions_do_not_lock(qtbot, ctx, street):
    w = _open(qtbot, ctx, Actor("v", "leader", read_only=True))
    try:
        assert w.idle_lock is None and not w.has_tab("audit")
    finally:
        w.shutdown()


def test_a_snapshot_shows_only_a_logged_in_users_screen(
    db_url, engine, tmp_path, capsys, monkeypatch
):
    """Once anyone can log in, `center snapshot workstation` renders the screen of a user
    who logs in (it reads masked personal information); nothing is written without one."""
    from builders import TEST_PASSWORD, account

    from center.cli import main

    account(engine, "li", "coordinator")
    monkeypatch.delenv("CENTER_USER", raising=False)
    monkeypatch.setenv("CENTER_PASSWORD", "wrong-password!")
    out = tmp_path / "ws.png"
    argv = ["snapshot", "workstation", "--db", db_url, "--size", "1366x768", "-o", str(out)]
    argv += ["--lang", "en"]  # the process-wide translators stay English for later tests
    assert main(argv) == 2
    assert "needs a login" in capsys.readouterr().err
    assert main([*argv, "--user", "li"]) == 2
    capsys.readouterr()
    assert not out.exists()
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    assert main([*argv, "--user", "li"]) == 0
    assert out.exists() and "wrote" in capsys.readouterr().out
