"""Regression test for the PySide6 crash of issue 2 item 10.

PySide6 6.12.0 on CPython 3.11 drops a reference to ``True``/``None`` on each
``Signal.emit()`` and on void calls such as ``QPainter.drawLine``; after a few
thousand the interpreter aborts (``Fatal Python error: bool_dealloc``). The
project pins PySide6 < 6.12 on Python < 3.12 (pyproject.toml). This test runs the
workload in a child process, so a regression shows as a failed test with the
child's exit status instead of killing the test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

EMITS = 100_000
LINES = 200_000

CHILD = textwrap.dedent(
    f"""
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtGui import QGuiApplication, QImage, QPainter, QColor

    class Source(QObject):
        ping = Signal(bool)
        bare = Signal()

    app = QGuiApplication(sys.argv[:1])
    src = Source()
    seen = [0, 0]

    def on_ping(flag):
        seen[0] += 1

    def on_bare():
        seen[1] += 1

    src.ping.connect(on_ping)
    src.bare.connect(on_bare)
    for i in range({EMITS} // 2):
        src.ping.emit(i % 2 == 0)
        src.bare.emit()
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setPen(QColor(255, 0, 0))
    for i in range({LINES}):
        painter.drawLine(i % 256, 0, 255 - i % 256, 255)
    painter.end()
    print(seen[0] + seen[1], image.pixelColor(128, 128).red(), sys.getrefcount(True) > 0)
    """
)


def test_many_signals_and_paint_calls_survive():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, f"child died with {proc.returncode}: {proc.stderr[-2000:]}"
    emitted, red, alive = proc.stdout.split()
    assert int(emitted) == EMITS
    assert int(red) == 255
    assert alive == "True"
