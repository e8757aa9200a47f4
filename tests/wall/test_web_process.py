"""Where the wall's map page runs (``center wall --web-process``): in Chromium's
renderer processes (the default), or in the wall's own process (``single``)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent

from center.cli import build_parser
from center.core.errors import UserError
from center.demo.build import build_demo
from center.windows.runtime import qtenv
from center.windows.runtime.qtenv import WEB_PROCESS_CHOICES, prepare_environment

prepare_environment()

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
pytestmark = pytest.mark.gui


def test_the_command_offers_both_with_separate_by_default():
    parser = build_parser()
    assert parser.parse_args(["wall"]).web_process == "separate"
    assert parser.parse_args(["wall", "--web-process", "single"]).web_process == "single"
    with pytest.raises(SystemExit):
        parser.parse_args(["wall", "--web-process", "both"])
    sub = next(a for a in parser._actions if a.dest == "command")
    action = next(a for a in sub.choices["wall"]._actions if a.dest == "web_process")
    assert tuple(action.choices) == WEB_PROCESS_CHOICES


def test_prepare_environment_adds_the_single_process_flag_once(monkeypatch):
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--foo")
    qtenv.prepare_environment(single_process=True)
    qtenv.prepare_environment(single_process=True)
    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert flags[0] == "--foo" and flags.count("--single-process") == 1
    assert qtenv.web_single_process()
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    qtenv.prepare_environment()
    assert "--single-process" not in os.environ["QTWEBENGINE_CHROMIUM_FLAGS"]
    assert not qtenv.web_single_process()


def test_renderers_start_without_zygotes_only_when_the_sandbox_is_off(monkeypatch):
    monkeypatch.delenv("QTWEBENGINE_DISABLE_SANDBOX", raising=False)
    # offscreen (and as root): no sandbox, so no zygote to fork sandboxed renderers
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    qtenv.prepare_environment()
    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert "--no-sandbox" in flags and "--no-zygote" in flags
    assert qtenv.sandbox_off()
    # one process: nothing to fork
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    qtenv.prepare_environment(single_process=True)
    assert "--no-zygote" not in os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    # a user's desktop: the sandbox stays on, and with it the zygotes
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    qtenv.prepare_environment()
    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert "--no-sandbox" not in flags and "--no-zygote" not in flags
    assert not qtenv.sandbox_off()
    # ... unless the user turned it off
    monkeypatch.setenv("QTWEBENGINE_DISABLE_SANDBOX", "1")
    qtenv.prepare_environment()
    assert "--no-zygote" in os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()


def test_the_wall_command_passes_the_choice_on(monkeypatch):
    from center.windows.app import startup

    seen: list[object] = []

    class Stop(Exception):
        pass

    def stop(_lang):
        raise Stop

    ctx = SimpleNamespace(settings=SimpleNamespace(tile_url=""))
    monkeypatch.setattr(startup, "setup_logging", lambda: None)
    monkeypatch.setattr(startup, "open_checked", lambda *a, **k: (ctx, None))
    monkeypatch.setattr(
        startup, "prepare_environment", lambda single_process=False: seen.append(single_process)
    )
    monkeypatch.setattr(startup, "application", stop)
    wall = {"screen": 0, "map_kpi": "pace", "rotate": 0, "pages": (), "windowed": True}
    for choice in ("single", "separate"):
        with pytest.raises(Stop):
            startup.run_wall(None, "en", web_process=choice, **wall)
    with pytest.raises(Stop):
        startup.run_wall(None, "en", **wall)
    assert seen == [True, False, False]

    # no page without a sandbox that draws what another machine sends
    ctx.settings.tile_url = "https://tiles.example.org/{z}/{x}/{y}.png"
    ctx.close = lambda: seen.append("closed")
    with pytest.raises(UserError, match=r"tiles\.example\.org.*--web-process separate"):
        startup.run_wall(None, "en", web_process="single", **wall)
    assert seen[-1] == "closed"  # and nothing prepared
    with pytest.raises(Stop):
        startup.run_wall(None, "en", web_process="separate", **wall)
    for local in ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "file:///srv/tiles/{z}.png"):
        ctx.settings.tile_url = local
        with pytest.raises(Stop):
            startup.run_wall(None, "en", web_process="single", **wall)
    assert seen[-4:] == ["closed", False, True, True]


def _wall_bench(db_url: str, web_process: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "center.bench", "wall", "--db", db_url, "--changes", "1"]
        + ["--cycles", "0", "--idle", "0", "--size", "1366x768", "--web-process", web_process],
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    start = next(i for i, x in enumerate(lines) if "memory (PSS) of the process tree" in x)
    end = next(i for i, x in enumerate(lines) if "refresh after a change" in x)
    # the wall painted a change on its map
    assert any("map painted after" in x for x in lines[end:]), done.stdout
    return [x.split()[0] for x in lines[start + 1 : end]]


@sqlite_only
def test_a_single_process_wall_paints_its_map_with_no_helper_process(ctx, db_url):
    build_demo(ctx, seed=5, scale=0.05, households_per_grid=20)

    assert _wall_bench(db_url, "single") == ["wall"]
    # the tests run offscreen, with no sandbox: the renderer is started directly
    assert _wall_bench(db_url, "separate") == ["wall", "renderer"]


@pytest.mark.parametrize("single", [False, True])
def test_the_map_is_rebuilt_on_a_timer_only_in_a_renderer_of_its_own(qtbot, monkeypatch, single):
    from center.windows.wall import mappanel
    from widgets.mapview import REBUILD_MS
    from widgets.theme import load_palette

    # the engine of this process runs as it started; the panel asks at its making
    monkeypatch.setattr(mappanel, "web_single_process", lambda: single)
    panel = mappanel.MapPanel(load_palette())
    qtbot.addWidget(panel)
    timer = panel.map._rebuild_timer
    if single:
        assert not timer.isActive()
    else:
        assert timer.isActive() and timer.interval() == REBUILD_MS
    panel.map.shutdown()
    panel.deleteLater()  # its pages before the engine's profile, at the process's end
    qtbot.waitUntil(lambda: not shiboken6.isValid(panel), timeout=5_000)


@pytest.mark.parametrize("single", [False, True])
def test_a_wall_without_map_rebuilds_settles_its_heap_on_a_timer(
    qtbot, monkeypatch, engine, single
):
    from center.windows.wall import mappanel
    from center.windows.wall import view as wall_view
    from center.windows.wall.controller import WallController
    from widgets.mapview import REBUILD_MS

    monkeypatch.setattr(mappanel, "web_single_process", lambda: single)
    settles: list[bool] = []
    monkeypatch.setattr(wall_view, "settle_heap", lambda full=True: settles.append(full) or 0.0)
    controller = WallController(engine, full_refresh_ms=0)
    view = wall_view.WallView(controller, map_kpi="coverage")
    qtbot.addWidget(view)
    # rebuilds settle the heap when there are any; else the view's own timer, same period
    assert view.heap_timer.isActive() is single
    assert view.map_panel.map.rebuild_interval() == (0 if single else REBUILD_MS)
    if single:
        assert view.heap_timer.interval() == REBUILD_MS
    view._settled = True  # as once every part is shown
    view._settle_heap()  # the first settle of the wall: in full
    view._settle_heap()  # nothing new since: no second settle
    view.heap_timer.timeout.emit()  # a round of the timer (or a rebuild): young only
    assert settles == [True, False]
    view.shutdown()
    controller.stop()
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(view)
