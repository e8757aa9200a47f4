"""Creating the QApplication: QtWebEngine flags, the Chinese font, translations.

Call :func:`prepare_environment` before any QApplication exists and
:func:`application` to get the (single) application object set up.

* **QtWebEngine flags.** Chromium refuses to start its sandbox as root and has no
  GPU on an offscreen platform; ``--no-sandbox`` is added when running as root or
  offscreen, ``--disable-gpu`` offscreen; V8's semi-spaces are capped at 1 MB to keep
  the long-running map page small. Flags already in ``QTWEBENGINE_CHROMIUM_FLAGS``
  are kept.
* **The wall's web process** (``center wall --web-process``). By default QtWebEngine
  runs the map page in a renderer process (beside two zygote processes that fork it
  when the sandbox is on; with the sandbox off, as root or offscreen, ``--no-zygote``
  starts the renderer directly and the zygotes' ~20 MB are saved), each mapping
  its own copy of QtWebEngineCore's code, and the map is rebuilt every 4 hours, which
  ends the old renderer and so frees whatever it had grown. ``single`` runs the page
  in the wall's own process (Chromium's single-process model): the street's wall
  takes 454 -> 301 MB PSS after its start, but nothing then gives the page's memory
  back (a rebuild ends no process, so the map is not rebuilt): in the compressed week
  of ``python -m center.bench soak`` its RSS grew 536 -> 610 MB (+14 %). For a wall
  restarted every night, and only with a map that draws no tiles from another machine
  (outside content would be decoded inside the wall, with no sandbox: ``center wall``
  refuses ``single`` with a ``tile_url`` that is not on this machine, :func:`local_url`).
* **Chinese font.** The Python package ``pylopdf-fonts-zh-cn`` (a dependency) ships
  Noto Sans SC (SIL OFL); it is registered with QFontDatabase so Chinese renders on
  a machine with no system CJK font. A system Noto Sans CJK / WenQuanYi is used as
  fallback. The map page loads the same file through CSS ``@font-face``.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

log = logging.getLogger("center.qt")
APP_NAME = "door-knocking-center"
FALLBACK_FAMILIES = (
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
)


def _add_flags(*flags: str) -> None:
    current = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    for f in flags:
        if f not in current:
            current.append(f)
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(current)


#: ``center wall --web-process``: separate (Chromium's renderer processes; the
#: default), single (the page in the wall's process; see the module text)
WEB_PROCESS_CHOICES = ("separate", "single")


def local_url(url: str) -> bool:
    """Whether a tile URL (template) names this machine: a file, or a loopback host."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip().replace("{", "").replace("}", ""))
    if parts.scheme in ("file", "qrc", ""):
        return True
    host = (parts.hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def web_single_process() -> bool:
    """Whether QtWebEngine runs (or will run) its pages in this process."""
    return "--single-process" in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()


def sandbox_off() -> bool:
    """Whether QtWebEngine's renderers run without Chromium's sandbox (``--no-sandbox``
    among the flags, or ``QTWEBENGINE_DISABLE_SANDBOX=1``)."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    return "--no-sandbox" in flags or os.environ.get("QTWEBENGINE_DISABLE_SANDBOX") == "1"


def prepare_environment(*, offscreen: bool = False, single_process: bool = False) -> None:
    """Environment that must be set before the QApplication and the web engine start.

    ``single_process``: QtWebEngine runs its pages in this process (``center wall
    --web-process single``; see the module text)."""
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    is_offscreen = os.environ.get("QT_QPA_PLATFORM", "") == "offscreen"
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_root or is_offscreen:
        _add_flags("--no-sandbox")
    if not single_process and sandbox_off():
        # the zygotes exist to fork sandboxed renderers; with no sandbox they only
        # keep two more processes mapped: the renderer is started directly instead
        # (street wall bench, as root: 444 -> 425 MB PSS of the tree after the start)
        _add_flags("--no-zygote")
    if is_offscreen:
        _add_flags("--disable-gpu")
    # V8's young generation grows to 16 MB semi-spaces by default and the map page
    # (restyled in place for weeks) then keeps ~60 MB more in its renderer; with 1 MB
    # semi-spaces the short-lived restyle payloads are scavenged early (wall bench:
    # renderer 193 -> 149 MB PSS after 300 refresh cycles)
    _add_flags("--js-flags=--max-semi-space-size=1")
    if single_process:
        _add_flags("--single-process")
    # QtWebEngine needs shared GL contexts, set before the application exists.
    import PySide6.QtWebEngineWidgets  # noqa: F401

    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts, True)


_font_family: list[str | None] = []


def install_fonts() -> str | None:
    """Register the bundled Chinese font (once) and make it the application font."""
    from widgets.mapview import font_file

    if _font_family:
        return _font_family[0]
    family = None
    path = font_file()
    if path is not None:
        fid = QFontDatabase.addApplicationFont(str(path))
        fams = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
        family = fams[0] if fams else None
    if family is None:
        log.warning(
            "bundled Chinese font not found (package pylopdf-fonts-zh-cn); relying on system fonts"
        )
    f = QFont(QGuiApplication.font())
    families = ([family] if family else []) + [x for x in FALLBACK_FAMILIES if x != family]
    f.setFamilies(families)
    QGuiApplication.setFont(f)
    _font_family.append(family)
    return family


def application(lang: str = "zh_CN", argv: list[str] | None = None) -> QGuiApplication:
    """The QApplication (created if needed) with fonts and translators installed."""
    from PySide6.QtWidgets import QApplication

    from center.windows.runtime.i18n import install_translators

    app = QApplication.instance()
    if app is None:
        prepare_environment()
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(APP_NAME)
    assert isinstance(app, QGuiApplication)
    install_fonts()
    install_translators(app, lang)
    return app
