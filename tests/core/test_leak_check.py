"""The conftest check that fails a GUI test leaving threads, pool work or timers
running: what it finds, and that it fails such a test after its fixtures' teardown."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import active_timers, leftovers
from PySide6.QtCore import QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QWidget

pytestmark = pytest.mark.gui


def test_an_active_timer_is_named_with_its_parents(qtbot: Any):
    threads = threading.enumerate()
    timers = {id(t) for t in active_timers()}
    panel = QWidget()
    panel.setObjectName("panel")
    qtbot.addWidget(panel)
    timer = QTimer(panel)
    timer.setObjectName("poll")
    timer.start(60_000)
    assert leftovers(threads, timers, grace_s=0) == [
        "active QTimer 'poll' in QWidget 'panel' (interval 60000 ms)"
    ]
    timer.stop()
    assert leftovers(threads, timers, grace_s=0) == []


def test_a_thread_that_does_not_finish_is_named_after_the_grace():
    threads = threading.enumerate()
    release = threading.Event()
    stuck = threading.Thread(target=release.wait, name="stuck-worker", daemon=True)
    stuck.start()
    try:
        assert leftovers(threads, grace_s=0.05) == [
            "thread 'stuck-worker' (daemon, target Event.wait)"
        ]
        release.set()  # finishing within the grace is no leak
        assert leftovers(threads, grace_s=5) == []
    finally:
        release.set()
        stuck.join()


def test_work_still_running_on_a_pool_is_named():
    threads = threading.enumerate()
    owner = QObject()
    owner.setObjectName("runner")
    pool = QThreadPool(owner)
    release = threading.Event()
    pool.start(release.wait)
    QThreadPool.globalInstance().start(release.wait)
    try:
        assert leftovers(threads, grace_s=0.05) == [
            "the global QThreadPool: 1 task(s) still running",
            "QThreadPool in QObject 'runner': 1 task(s) still running",
        ]
    finally:
        release.set()
        assert pool.waitForDone(5_000) and QThreadPool.globalInstance().waitForDone(5_000)
    assert leftovers(threads, grace_s=0) == []


LEAKY_TESTS = """
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

pytestmark = pytest.mark.gui
kept = []


@pytest.fixture
def panel(qtbot):
    w = QWidget()
    w.setObjectName("panel")
    kept.append(w)  # alive after the test: its timers too
    return w


@pytest.fixture
def polling(qtbot, panel):
    timer = QTimer(panel)
    timer.setObjectName("stopped-by-its-fixture")
    timer.start(50)
    yield timer
    timer.stop()


def test_leaves_a_timer(panel):
    timer = QTimer(panel)
    timer.setObjectName("forgotten")
    timer.start(50)


def test_fixture_stops_its_timer(polling):
    assert polling.isActive()


@pytest.mark.allow_leaks(reason="shows the exemption")
def test_exempt(panel):
    QTimer(panel).start(50)
"""


def test_a_gui_test_that_leaves_a_timer_fails_after_its_teardown(tmp_path: Path):
    for name in ("conftest.py", "pi_scan.py"):  # the conftest and the module it imports
        shutil.copy(Path(__file__).parents[1] / name, tmp_path / name)
    (tmp_path / "test_leaky.py").write_text(textwrap.dedent(LEAKY_TESTS), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore", "-rE"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    out = done.stdout
    # test_leaves_a_timer passes, then fails in its teardown; the other two pass
    assert "3 passed, 1 error" in out, out + done.stderr
    assert "ERROR at teardown of test_leaves_a_timer" in out
    assert "active QTimer 'forgotten' in QWidget 'panel' (interval 50 ms)" in out
    assert "stopped-by-its-fixture" not in out
