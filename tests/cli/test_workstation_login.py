"""`center workstation` without ``--user`` leads to the login dialog, and logging in
there opens the workstation (issue 17: no refusal for a missing user name). Driven
end to end through ``center.cli.main`` with pytest-qt: the dialog is found among the
top-level windows while its own event loop runs, typed into like a user would, and
the workstation window it opens is checked and closed."""

from __future__ import annotations

import shutil

import pytest
from builders import TEST_PASSWORD, account
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from center.cli import main
from center.windows.workstation.login import LoginDialog
from center.windows.workstation.main_window import WorkstationWindow
from db.engine import open_database

pytestmark = pytest.mark.gui


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = open_database(url)
    account(engine, "li", "coordinator")
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def _quit_handled(qapp):
    """The application's event loop ends with a quit; a quit still pending (closing
    the last window posts one) would end the next test's dialog or wait at once. One
    short run of the application's loop takes it and leaves the loop ready again."""
    yield
    for w in _visible(WorkstationWindow):
        w.close()
    QTimer.singleShot(0, qapp.quit)
    qapp.exec()


def _visible(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


class Driver:
    """Steps run by a polling timer while `center workstation` runs its event loops."""

    def __init__(self, qtbot, password: str) -> None:
        self.qtbot = qtbot
        self.password = password
        self.seen: list[str] = []
        self.errors: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.step)
        self.ticks = 0

    def step(self) -> None:
        self.ticks += 1
        if self.ticks > 600:  # 30 s: give up, never hang the suite
            self.errors.append(f"timed out after {self.seen}")
            self.finish()
            return
        dialogs = _visible(LoginDialog)
        if "dialog" not in self.seen and dialogs:
            dlg = dialogs[0]
            if not dlg.demo_checked or dlg.is_busy():
                return
            self.seen.append("dialog")
            assert dlg.user.text() == ""  # no --user: the dialog asks for the name
            self.qtbot.keyClicks(dlg.user, "li")
            self.qtbot.keyClick(dlg.user, Qt.Key.Key_Return)
            self.qtbot.keyClicks(dlg.password, self.password)
            self.qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
            return
        if "dialog" in self.seen and "error" not in self.seen and dialogs:
            dlg = dialogs[0]
            if not dlg.is_busy() and dlg.error.isVisible():
                self.seen.append("error")
                self.errors.append(dlg.error.text())
                dlg.reject()  # cancel: the program ends with status 1
            return
        windows = _visible(WorkstationWindow)
        if windows and "window" not in self.seen:
            self.seen.append("window")
            w = windows[0]
            self.seen.append(f"actor={w.actor.name}")
            self.finish()

    def finish(self) -> None:
        self.timer.stop()
        QApplication.instance().quit()


def test_workstation_without_user_logs_in_through_the_dialog(qtbot, qapp, db_url):
    driver = Driver(qtbot, TEST_PASSWORD)
    driver.timer.start()
    try:
        code = main(["workstation", "--db", db_url, "--lang", "en"])
    finally:
        driver.timer.stop()
    assert driver.errors == []
    assert driver.seen == ["dialog", "window", "actor=li"]
    assert code == 0
    assert _visible(LoginDialog) == []


def test_a_wrong_password_keeps_the_dialog_and_cancel_ends(qtbot, qapp, db_url):
    driver = Driver(qtbot, "not-the-password")
    driver.timer.start()
    try:
        code = main(["workstation", "--db", db_url, "--lang", "en"])
    finally:
        driver.timer.stop()
    assert driver.seen == ["dialog", "error"]
    assert driver.errors == ["Wrong user name or password."]
    assert code == 1  # the login was cancelled: no window opened
    assert _visible(WorkstationWindow) == []


def test_a_database_without_accounts_says_how_to_add_the_first(
    qtbot, qapp, tmp_path, _sqlite_template
):
    """On a database nobody can log in to yet, the dialog names the command that adds
    the first admin instead of refusing every name; with an account it says nothing."""
    from center.context import open_context

    path = tmp_path / "fresh.sqlite3"
    shutil.copy(_sqlite_template, path)
    ctx = open_context(f"sqlite:///{path}")
    try:
        dlg = LoginDialog(ctx.engine)
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitUntil(lambda: dlg.nobody is not None and dlg.demo_checked, timeout=20_000)
        assert dlg.nobody is True and dlg.setup_label.isVisible()
        assert "center user add NAME --role admin" in dlg.setup_label.text()
        dlg.grab().save(str(tmp_path / "login-no-account.png"))
        dlg.shutdown()
        account(ctx.engine, "li", "coordinator")
        again = LoginDialog(ctx.engine)
        qtbot.addWidget(again)
        again.show()
        qtbot.waitUntil(lambda: again.nobody is not None, timeout=20_000)
        assert again.nobody is False and not again.setup_label.isVisible()
        again.shutdown()
    finally:
        ctx.close()
