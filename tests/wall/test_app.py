"""`center app`: start-up (open, demo street, errors), the main window and its menus,
the full-screen wall's PIN, and the translations."""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
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
    assert visible == ["&File", "&View", "&Tools", "&Help"]  # Reports has no entries yet
    tool = window.menus["tools"].actions()[0]
    assert tool.text() == "Fake tool"
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
