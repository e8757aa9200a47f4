"""The desktop starts on a real X display (issue 17): Qt's xcb platform plugin and
QtWebEngine load with the system libraries the README's desktop prerequisites name
(``.ci/run`` installs them and Xvfb). A missing ``libxcb-*`` makes Qt abort with
"could not load the Qt xcb platform plugin"; this test runs the login dialog and a
web page under ``xvfb-run`` with ``QT_QPA_PLATFORM=xcb`` in a fresh interpreter.

Skipped where ``xvfb-run`` is missing (CI installs it, so CI runs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Builds the application as `center workstation` does, shows the login dialog and a
# web view (the wall's map is one), waits for the page, then prints what it saw.
_SMOKE = """
import sys
from center.windows.runtime.qtenv import application, prepare_environment
prepare_environment()
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView
from center.context import open_context
from center.windows.workstation.login import LoginDialog

ctx = open_context(sys.argv[1], create=True)
app = application("zh_CN")
dialog = LoginDialog(ctx.engine, check_demo=False)
dialog.show()
view = QWebEngineView()
loaded = []
seen = []


def finished(ok):
    loaded.append(ok)
    seen.append((dialog.isVisible(), dialog.windowHandle().isExposed()))
    if len(sys.argv) > 2:  # a screenshot of the X screen, to look at
        app.primaryScreen().grabWindow(0).save(sys.argv[2])
    app.quit()


view.loadFinished.connect(finished)
view.setHtml("<html><body><p id='x'>敲门行动</p></body></html>", QUrl("about:blank"))
view.resize(320, 200)
view.show()
QTimer.singleShot(60_000, app.quit)  # never hang the suite
app.exec()
print("platform", app.platformName())
print("dialog", *seen[0] if seen else ())
print("page", loaded)
dialog.shutdown()
view.close()
ctx.close()
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_the_desktop_starts_under_a_real_x_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env["QT_QPA_PLATFORM"] = "xcb"
    env["QT_DEBUG_PLUGINS"] = "0"
    env["CENTER_CONFIG"] = str(tmp_path / "center.ini")
    env["CENTER_CONFIG_DIR"] = str(tmp_path / "cfg")
    env["CENTER_DATA_DIR"] = str(tmp_path / "data")
    env["CENTER_LOG_DIR"] = str(tmp_path / "log")
    url = f"sqlite:///{tmp_path / 'center.sqlite3'}"
    proc = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1366x768x24",
            sys.executable,
            "-c",
            _SMOKE,
            url,
            str(tmp_path / "x.png"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    detail = f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-3000:]}"
    assert "could not load the Qt platform plugin" not in proc.stderr, detail
    assert proc.returncode == 0, detail
    lines = proc.stdout.splitlines()
    assert "platform xcb" in lines, detail
    assert "dialog True True" in lines, detail
    assert "page [True]" in lines, detail
    assert (tmp_path / "x.png").stat().st_size > 1000
