"""`center app`: start-up (open, demo street, errors), the main window and its menus,
the full-screen wall's PIN, and the translations."""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import TEST_PASSWORD, account
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton
from test_wall_service import T, build_wall_street

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from center.context import AppContext, open_context
from center.core.pii import PiiKeyError
from center.windows.app.main_window import MainWindow
from center.windows.app.startup import AppStarter, describe_error
from center.windows.runtime.i18n import install_translators
from center.windows.wall import texts
from center.windows.wall.controller import WallController
from db.engine import DatabaseError, open_database
from widgets.theme import WALL

pytestmark = pytest.mark.gui
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _flush_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(
    qtbot: Any, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[MainWindow]:
    monkeypatch.setenv("CENTER_WALL_PIN", "4321")
    provider = tmp_path / "fake_menu_provider.py"
    provider.write_text(
        "from center.windows.app.menus import MenuEntry\n"
        "calls = []\n"
        "def menu_entries():\n"
        "    return [MenuEntry('tools', 'Fake tool', calls.append, order=5)]\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    engine = open_database(db_url)
    build_wall_street(engine)
    engine.dispose()
    ctx = open_context(db_url)
    controller = WallController(ctx.engine, clock=lambda: T, live=False, full_refresh_ms=0)
    win = MainWindow(ctx, controller, providers=["fake_menu_provider"])
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.wall.settled, timeout=90_000):
        controller.start()
    yield win
    win.close()
    controller.stop()
    win.deleteLater()
    _flush_deletes()
    ctx.close()
    sys.modules.pop("fake_menu_provider", None)


@sqlite_only
def test_main_window_title_and_menus(window: MainWindow):
    assert window.windowTitle() == "Door-knocking Command Center — 测试街道"
    visible = [m.title() for m in window.menus.values() if m.menuAction().isVisible()]
    assert visible == ["&File", "&View", "&Tools", "&Reports", "&Help"]
    assert [a.text() for a in window.menus["tools"].actions()] == ["&Workstation…", "Fake tool"]
    assert [a.text() for a in window.menus["reports"].actions()] == ["&Build a report…"]
    assert window.toolbar.actions() == [window.workstation_action, window.report_action]
    tool = window.menus["tools"].actions()[1]
    tool.trigger()
    import fake_menu_provider

    assert fake_menu_provider.calls == [window]


@sqlite_only
def test_map_indicator_menu_switches_the_map(window: MainWindow, qtbot: Any):
    window.kpi_actions["repeat_rate"].trigger()
    assert window.wall.map_kpi() == "repeat_rate"
    assert window.wall.map_panel.title() == "Grid map · Repeat rate"
    qtbot.waitUntil(window.wall.map_panel.map.is_painted, timeout=10_000)


@sqlite_only
def test_full_screen_wall_closes_only_with_the_pin(window: MainWindow, qtbot: Any):
    wall = window.open_wall(0, windowed=True)
    qtbot.waitExposed(wall)
    assert window.wall_windows == [wall]
    assert wall.view.controller is window.controller
    wall.close()  # Alt+F4, the window manager: refused
    assert wall.isVisible()
    assert not wall.check_pin("0000")
    assert wall.check_pin("4321")
    wall.unlock_and_close()
    assert not wall.isVisible()
    assert window.wall_windows == []


def test_describe_error_says_what_to_do():
    text = describe_error(PiiKeyError("cannot decrypt name"))
    assert "CENTER_PII_KEY" in text and "cannot decrypt name" in text
    text = describe_error(DatabaseError("cannot open the database 'x': refused"))
    assert text.startswith("The database cannot be used:\ncannot open the database")
    assert "--db" in text


def _start(qtbot: Any, db_url: str, **options: Any) -> tuple[AppStarter, dict[str, Any]]:
    got: dict[str, Any] = {}
    starter = AppStarter(
        db_url,
        on_ready=lambda ctx, cancelled: got.update(ctx=ctx, cancelled=cancelled),
        on_error=lambda exc: got.update(error=exc),
        demo_options=options,
    )
    starter.start()
    qtbot.waitUntil(lambda: bool(got), timeout=120_000)
    return starter, got


def _street_count(ctx: AppContext) -> int:
    from sqlalchemy import func, select

    from db.models import Street

    with ctx.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Street)) or 0)


@sqlite_only
def test_first_start_builds_the_demo_street(qtbot: Any, db_url: str):
    _, got = _start(qtbot, db_url, households_per_grid=5, seed=7)
    assert "error" not in got
    assert got["cancelled"] is False
    assert _street_count(got["ctx"]) == 1
    got["ctx"].close()


class CancellingStarter(AppStarter):
    """Presses Cancel the moment the demo's progress dialog is up."""

    def _build_demo(self, ctx: AppContext) -> None:
        super()._build_demo(ctx)
        assert self._dialog is not None
        button = self._dialog.findChild(QPushButton)
        assert button is not None
        button.click()


@sqlite_only
def test_cancelled_demo_writes_nothing(qtbot: Any, db_url: str):
    got: dict[str, Any] = {}
    starter = CancellingStarter(
        db_url,
        on_ready=lambda c, x: got.update(ctx=c, cancelled=x),
        on_error=lambda e: got.update(error=e),
        demo_options={"households_per_grid": 5},
    )
    starter.start()
    qtbot.waitUntil(lambda: bool(got), timeout=120_000)
    assert got["cancelled"] is True
    assert _street_count(got["ctx"]) == 0
    got["ctx"].close()


def test_unreachable_database_is_reported(qtbot: Any):
    _, got = _start(qtbot, "postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    assert isinstance(got["error"], DatabaseError)
    assert describe_error(got["error"]).startswith("The database cannot be used:")


@sqlite_only
def test_wrong_key_is_reported(qtbot: Any, db_url: str, monkeypatch: pytest.MonkeyPatch):
    ctx = open_context(db_url)
    _ = ctx.cipher  # records this key's check value in the database
    ctx.close()
    monkeypatch.setenv("CENTER_PII_KEY", base64.b64encode(b"x" * 32).decode())
    _, got = _start(qtbot, db_url)
    assert isinstance(got["error"], PiiKeyError)


def test_chinese_is_the_default_translation(qapp: Any):
    try:
        loaded = install_translators(qapp, "zh_CN")
        assert any(Path(f).name == "wall_zh_CN.qm" for f in loaded)
        assert texts.kpi_name("coverage") == "走访覆盖率"
        assert texts.kpi_name("closure_15wd") == "按期办结率"
        assert (
            QCoreApplication.translate("Wall", "Data feed interrupted since %1")
            == "数据中断 自 %1 起"
        )
        assert texts.money(586_400) == "58.64万元"
    finally:
        install_translators(qapp, "en")
    assert texts.kpi_name("coverage") == "Visit coverage"
    assert texts.money(586_400) == "¥586,400"


class Closer:
    """Polls the application's windows from inside its event loop: accepts message
    boxes (recording their text) and closes the main window once its wall settled."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.messages: list[str] = []
        self.closed_main = False
        self.timer = QTimer()
        self.timer.timeout.connect(self._poll)
        self.timer.start(100)

    def _poll(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMessageBox) and w.isVisible():
                self.messages.append(w.text())
                w.done(0)
            elif isinstance(w, MainWindow) and w.isVisible() and w.wall.is_settled():
                self.closed_main = True
                w.close()


@sqlite_only
def test_run_app_opens_the_main_window(qapp: Any, db_url: str, monkeypatch: pytest.MonkeyPatch):
    from center.windows.app.startup import run_app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    engine = open_database(db_url)
    build_wall_street(engine)
    engine.dispose()
    closer = Closer()
    try:
        code = run_app(db_url, "en")
    finally:
        closer.timer.stop()
    assert code == 0
    assert closer.closed_main
    assert closer.messages == []
    _flush_deletes()


def test_run_app_reports_an_unreachable_database(qapp: Any, monkeypatch: pytest.MonkeyPatch):
    from center.windows.app.startup import run_app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    closer = Closer()
    try:
        code = run_app("postgresql+psycopg://postgres@127.0.0.1:1/nothing", "en")
    finally:
        closer.timer.stop()
        # QCoreApplication.exit() inside run_app leaves Qt's "quit now" flag of the GUI
        # thread set (the process would end here); a short exec() clears it so the
        # later tests' event loops run.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, qapp.quit)
        qapp.exec()
    assert code == 2
    assert len(closer.messages) == 1
    assert closer.messages[0].startswith("The database cannot be used:")
    assert "Traceback" not in closer.messages[0]


@sqlite_only
def test_wall_refuses_a_screen_that_does_not_exist(db_url: str):
    # In a process of its own: `center wall` sets up the application-wide error
    # reporter and translators, which must not leak into the other GUI tests.
    import os
    import subprocess

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "center", "wall", "--db", db_url, "--screen", "7"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "screen 7 does not exist: this machine has 1 screen(s)" in done.stderr


def _luminance(c: QColor) -> float:
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())


def _contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@sqlite_only
def test_windowed_header_title_is_readable(window: MainWindow):
    # the wall inside the main window painted no background of its own: the title's
    # light text stood on the window's light grey
    image = window.grab().toImage()
    title = window.wall.header.title
    assert title.text() == "测试街道 · Door-knocking Command Center"
    box = title.rect().translated(title.mapTo(window, title.rect().topLeft()))
    behind = image.pixelColor(box.left() - 4, box.center().y())
    assert behind.name() == QColor(WALL.background).name()
    assert _contrast(QColor(WALL.text), behind) >= 7.0
    # and the title's text is painted in the text colour on it
    text = QColor(WALL.text)
    assert any(
        image.pixelColor(x, y).name() == text.name()
        for x in range(box.left(), box.right())
        for y in range(box.top(), box.bottom())
    )


def _answer_login(user: str, password: str = TEST_PASSWORD) -> list[Any]:
    """Logs in through the login dialog once it is up (from inside its exec())."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from center.windows.workstation.login import LoginDialog

    seen: list[Any] = []

    def poll(tries: int = 200) -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, LoginDialog) and w.isVisible():
                seen.append(w.windowTitle())
                w.user.setText(user)
                w.password.setText(password)
                w.submit()
                return
        if tries:
            QTimer.singleShot(50, lambda: poll(tries - 1))

    QTimer.singleShot(0, poll)
    return seen


class FakePopen:
    started: list[FakePopen] = []

    def __init__(self, command: list[str], env: dict[str, str], **kw: Any) -> None:
        self.command, self.env, self.kw, self.pid = command, env, kw, 4242
        self.returncode: int | None = None
        FakePopen.started.append(self)

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.returncode = -15

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode


@sqlite_only
def test_toolbar_starts_the_workstation_with_its_login(
    window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch
):
    FakePopen.started = []
    monkeypatch.setattr("center.windows.app.main_window.subprocess.Popen", FakePopen)
    monkeypatch.setenv("CENTER_USER", "someone")
    monkeypatch.setenv("CENTER_PASSWORD", "secret")
    button = window.toolbar.widgetForAction(window.workstation_action)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    (proc,) = FakePopen.started
    # `center workstation` without --user: its login dialog asks
    assert proc.command == [sys.executable, "-m", "center", "workstation", "--lang", "en"]
    assert proc.env["CENTER_DB_URL"] == window.ctx.engine.url.render_as_string(hide_password=False)
    assert "CENTER_USER" not in proc.env and "CENTER_PASSWORD" not in proc.env
    assert window.workstations == [proc]
    assert window.statusBar().currentMessage() == (
        "Starting the workstation: log in in its window…"
    )
    window.close()  # closing the app ends the workstations it started
    assert proc.returncode == -15
    assert window.workstations == []


@sqlite_only
def test_closing_the_app_ends_a_real_workstation(window: MainWindow):
    import subprocess

    command, env = window.workstation_command()
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.Popen(command, env=env)
    try:
        window.workstations.append(proc)
        window.close()
        assert proc.poll() is not None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)


@sqlite_only
def test_the_workstation_command_waits_at_its_login(window: MainWindow):
    # the real command the toolbar starts: it comes up and waits for the login
    # (a refusal or an error would end it at once)
    import subprocess
    import time

    command, env = window.workstation_command()
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
    finally:
        proc.terminate()
        proc.wait(30)


@sqlite_only
def test_cancelled_login_opens_no_report_dialog(window: MainWindow, qtbot: Any):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from center.windows.workstation.login import LoginDialog

    def cancel() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, LoginDialog) and w.isVisible():
                w.cancel_button.click()

    QTimer.singleShot(200, cancel)
    assert window.open_reports() is None
    assert window.report_dialogs == []


@sqlite_only
def test_reports_are_refused_to_a_non_assessor(
    window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch
):
    account(window.ctx.engine, "coord9", "coordinator")
    warnings: list[str] = []
    monkeypatch.setattr(
        "center.windows.app.main_window.QMessageBox.warning",
        lambda parent, title, text: warnings.append(text),
    )
    _answer_login("coord9")
    window.report_action.trigger()
    assert warnings and warnings[0].startswith("coord9 may not build reports")
    assert window.report_dialogs == []


@sqlite_only
def test_an_assessor_builds_and_opens_a_report(
    window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    from PySide6.QtGui import QDesktopServices

    from center.reporting import snapshots as svc
    from center.windows.app.reports import ReportDialog

    account(window.ctx.engine, "assess9", "assessor")
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    _answer_login("assess9")
    window.report_action.trigger()
    (dialog,) = window.report_dialogs
    assert isinstance(dialog, ReportDialog)
    assert dialog.who.text() == "Built by Assess9 (assessor)"  # the display name
    # the latest ended month is proposed; the fixture's month is October 2026
    dialog.period.setText("2026-10")
    dialog.path.setText(str(tmp_path / "notice.pdf"))
    assert dialog.build()
    qtbot.waitUntil(lambda: dialog.built is not None, timeout=60_000)
    pdf = tmp_path / "notice.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert [u.toLocalFile() for u in opened] == [str(pdf)]
    record = svc.find_report(window.ctx.engine, "monthly", "2026-10")
    assert record is not None and record.created_by == "assess9"
    assert dialog.status.text() == (
        f"Saved to {pdf}.\nSaved as draft no. {record.id}.\nAn assessor may approve it now."
    )
    dialog.folder_button.click()
    assert opened[-1].toLocalFile() == str(tmp_path)
    dialog.close()


def test_report_dialog_proposes_the_latest_ended_period():
    from datetime import date

    from center.windows.app.reports import last_ended_period

    today = date(2026, 12, 7)
    assert last_ended_period("monthly", today) == "2026-11"
    assert last_ended_period("quarterly", today) == "2026Q3"
    assert last_ended_period("annual", today) == "2025"
    assert last_ended_period("monthly", date(2027, 1, 1)) == "2026-12"
    assert last_ended_period("quarterly", date(2027, 2, 1)) == "2026Q4"
