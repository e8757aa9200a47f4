"""A Leaflet map in QtWebEngine, driven from Python, fully offline.

* The page is what its :class:`MapAssets` render (the wall's is generated with
  folium by ``center/windows/wall/mappage.py``), with ``file:`` URLs of Leaflet (the
  PyPI package ``django-js-lib-leaflet``, static files only), of the map script and
  style, and of the Chinese font; it is written to a temporary file and loaded with
  ``QWebEngineView.load`` (no ``setHtml`` and its 2 MB limit). Nothing refers to the
  network, so the page makes no request that leaves the machine.
* Python calls ``wallMap.apply(method, args, seq)`` in the page through the web
  channel (a signal carrying JSON text). Every call is state: the last arguments of
  each method are kept and replayed, in order, on a page that becomes ready. So
  calls made before the page is up are never lost, and a rebuilt page shows the
  same map.
* The page answers through a QWebChannel bridge: ``ready()`` once the map exists,
  ``painted(seq)`` after call ``seq`` is on screen, ``error(text)`` for script
  errors (logged).
* To cap the browser's memory over weeks, :meth:`rebuild` (also on a timer and
  after a renderer crash) builds a fresh page *underneath* the visible one and
  swaps when it has painted: no blank frame, no flicker.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QStackedLayout, QWidget

import resources

log = logging.getLogger("center.map")

LEAFLET_PACKAGE = "js_lib_leaflet"  # import name of the PyPI package django-js-lib-leaflet
FONT_PACKAGE = "pylopdf_fonts_zh_cn"  # import name of the PyPI package pylopdf-fonts-zh-cn
FONT_FILE = "NotoSansSC-Regular.otf"
REBUILD_MS = 4 * 3600 * 1000
RETRY_MS = (2_000, 5_000, 15_000, 60_000)


# Replay order on a new page: what a call builds on comes first.
REPLAY_ORDER = (
    "setTheme",
    "setTexts",
    "setScale",
    "setTiles",
    "setBase",
    "setKpis",
    "setKpi",
    "setLegend",
    "setIncidents",
    "focus",
)


def _replay_rank(method: str) -> int:
    return REPLAY_ORDER.index(method) if method in REPLAY_ORDER else len(REPLAY_ORDER)


@dataclass(frozen=True)
class RawJson:
    """Arguments already encoded as JSON (e.g. on a worker thread)."""

    text: str


def encode(args: Any) -> str:
    """JSON for :meth:`LeafletView.call` (compact, UTF-8 kept)."""
    return json.dumps(args, ensure_ascii=False, separators=(",", ":"))


class MapAssetsError(RuntimeError):
    """A file the offline map needs is missing; the message names the package."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)  # locates without importing the package
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def font_file() -> Path | None:
    """The bundled Simplified Chinese font (Noto Sans SC), if installed."""
    base = _package_dir(FONT_PACKAGE)
    f = base / FONT_FILE if base else None
    return f if f is not None and f.is_file() else None


@dataclass(frozen=True)
class MapAssets:
    leaflet_js: Path
    leaflet_css: Path
    map_js: Path
    map_css: Path
    template: Path | None  # a page template with {{…}} slots; None: ``render`` is overridden
    font: Path | None

    @classmethod
    def locate(cls) -> MapAssets:
        base = _package_dir(LEAFLET_PACKAGE)
        static = base / "static" / "js_lib_leaflet" if base else None
        if static is None or not (static / "leaflet.js").is_file():
            raise MapAssetsError(
                "the Leaflet files are missing: install the Python package "
                "django-js-lib-leaflet (pip install django-js-lib-leaflet)"
            )
        return cls(
            leaflet_js=static / "leaflet.js",
            leaflet_css=static / "leaflet.css",
            map_js=resources.path("map", "wall_map.js"),
            map_css=resources.path("map", "wall_map.css"),
            template=None,
            font=font_file(),
        )

    def render(self) -> str:
        """The page: the template with its slots filled by the files' URLs (a page
        builder such as the wall's folium page overrides this)."""
        if self.template is None:
            raise MapAssetsError("no page template: pass assets that render their page")
        text = self.template.read_text(encoding="utf-8")
        values = {
            "LEAFLET_JS": self.leaflet_js,
            "LEAFLET_CSS": self.leaflet_css,
            "MAP_JS": self.map_js,
            "MAP_CSS": self.map_css,
        }
        for key, file in values.items():
            text = text.replace("{{" + key + "}}", QUrl.fromLocalFile(str(file)).toString())
        font = QUrl.fromLocalFile(str(self.font)).toString() if self.font else ""
        return text.replace("{{FONT_URL}}", font)


_page_dir: Path | None = None


def page_file(assets: MapAssets) -> Path:
    """The rendered page, written once per process into a private temp dir."""
    global _page_dir
    if _page_dir is None or not _page_dir.exists():
        _page_dir = Path(tempfile.mkdtemp(prefix="center-map-"))
        atexit.register(shutil.rmtree, _page_dir, True)
    target = _page_dir / "wall_map.html"
    html = assets.render()
    if not target.exists() or target.read_text(encoding="utf-8") != html:
        target.write_text(html, encoding="utf-8")
    return target


class _Bridge(QObject):
    """The page's end of the web channel: ``apply`` carries the calls to the page
    (JSON text, parsed there: no script is compiled per call); the slots are called
    from JavaScript."""

    apply = Signal(str, str, int)  # method, arguments as JSON, sequence number
    became_ready = Signal()
    did_paint = Signal(int)
    js_error = Signal(str)

    @Slot()
    def ready(self) -> None:
        self.became_ready.emit()

    @Slot(int)
    def painted(self, seq: int) -> None:
        self.did_paint.emit(seq)

    @Slot(str)
    def error(self, text: str) -> None:
        self.js_error.emit(text)


class _Page(QWebEnginePage):
    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            log.warning("map page: %s (%s:%s)", message, source, line)


class _Instance:
    """One web view with its page, channel and bridge."""

    def __init__(self, owner: LeafletView) -> None:
        self.view = QWebEngineView(owner)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.page = _Page(self.view)
        s = self.page.settings()
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        s.setAttribute(QWebEngineSettings.WebAttribute.ErrorPageEnabled, False)
        self.page.setBackgroundColor(owner.background)
        self.bridge = _Bridge(self.view)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.view.setPage(self.page)
        self.ready = False
        self.painted = 0
        self.replay_seq = 0

    def run(self, method: str, args_json: str, seq: int) -> None:
        self.bridge.apply.emit(method, args_json, seq)

    def dispose(self) -> None:
        self.ready = False
        self.view.setParent(None)
        self.view.deleteLater()


class LeafletView(QWidget):
    """The map widget. ``call(method, args)`` is safe at any time; see the module doc."""

    ready = Signal()  # the visible page is up (after the first load and each rebuild)
    painted = Signal(int)  # the visible page has painted call ``seq``
    failed = Signal(str)  # the page did not load (retrying)
    js_error = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        background: str = "#0A1628",
        assets: MapAssets | None = None,
    ) -> None:
        """``assets``: the page's local files and its renderer (the wall passes its
        folium page's, :class:`center.windows.wall.mappage.FoliumAssets`)."""
        super().__init__(parent)
        from PySide6.QtGui import QColor

        self.background = QColor(background)
        self._assets = assets if assets is not None else MapAssets.locate()
        self._url = QUrl.fromLocalFile(str(page_file(self._assets)))
        self._state: dict[str, str] = {}
        self._seq = 0
        self._stack = QStackedLayout(self)
        self._stack.setStackingMode(QStackedLayout.StackingMode.StackAll)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._current = self._new_instance()
        self._next: _Instance | None = None
        self._failures = 0
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._reload_failed)
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.timeout.connect(self.rebuild)
        self._rebuild_timer.start(REBUILD_MS)
        self.rebuilds = 0

    # -- public API ------------------------------------------------------------

    def call(self, method: str, args: Any = None) -> int:
        """Apply ``method(args)`` in the page (now, or when it becomes ready).

        ``args`` is anything JSON can encode, or a :class:`RawJson`."""
        self._seq += 1
        args_json = args.text if isinstance(args, RawJson) else encode(args)
        self._state[method] = args_json
        for inst in (self._current, self._next):
            if inst is not None and inst.ready:
                inst.run(method, args_json, self._seq)
        return self._seq

    def sync(self) -> int:
        """A call that changes nothing: its ``painted`` means every frame before it
        reached the widget (Qt receives Chromium's frames a little later)."""
        self._seq += 1
        if self._current.ready:
            self._current.run("noop", "null", self._seq)
        return self._seq

    def is_ready(self) -> bool:
        return self._current.ready

    def last_seq(self) -> int:
        return self._seq

    def painted_seq(self) -> int:
        return self._current.painted

    def is_painted(self) -> bool:
        """The visible page is up and has painted every call so far."""
        return self._current.ready and self._current.painted >= self._seq

    def web_view(self) -> QWebEngineView:
        return self._current.view

    def page(self) -> QWebEnginePage:
        return self._current.page

    def evaluate(self, script: str, callback: Any) -> None:
        """Run ``script`` in the visible page; ``callback(result)`` gets its value."""
        self._current.page.runJavaScript(script, 0, callback)

    def set_rebuild_interval(self, ms: int) -> None:
        """Rebuild the page every ``ms`` milliseconds (0: never)."""
        self._rebuild_timer.stop()
        if ms > 0:
            self._rebuild_timer.start(ms)

    def rebuild_interval(self) -> int:
        """Milliseconds between timed rebuilds (0: none)."""
        return self._rebuild_timer.interval() if self._rebuild_timer.isActive() else 0

    def rebuild(self) -> None:
        """Build a fresh page under the visible one; swap once it has painted."""
        if self._next is not None:
            return
        self._next = self._new_instance(below=True)

    def shutdown(self) -> None:
        """Stop the timers and release the pages (before the widget is deleted)."""
        self._rebuild_timer.stop()
        self._retry.stop()
        for inst in (self._next, self._current):
            if inst is not None:
                inst.page.triggerAction(QWebEnginePage.WebAction.Stop)

    # -- internals ---------------------------------------------------------------

    def _new_instance(self, *, below: bool = False) -> _Instance:
        inst = _Instance(self)
        inst.bridge.became_ready.connect(lambda i=inst: self._on_ready(i))
        inst.bridge.did_paint.connect(lambda seq, i=inst: self._on_painted(i, seq))
        inst.bridge.js_error.connect(self._on_js_error)
        inst.page.loadFinished.connect(lambda ok, i=inst: self._on_load_finished(i, ok))
        inst.page.renderProcessTerminated.connect(
            lambda status, code, i=inst: self._on_crash(i, status, code)
        )
        if below:
            self._stack.insertWidget(0, inst.view)
            self._current.view.raise_()
        else:
            self._stack.addWidget(inst.view)
        self._stack.setCurrentWidget(self._current.view if below else inst.view)
        inst.view.load(self._url)
        return inst

    def _on_load_finished(self, inst: _Instance, ok: bool) -> None:
        if ok:
            return
        self._failures += 1
        msg = f"the map page did not load (attempt {self._failures})"
        log.warning(msg)
        self.failed.emit(msg)
        delay = RETRY_MS[min(self._failures - 1, len(RETRY_MS) - 1)]
        self._retry.start(delay)

    def _reload_failed(self) -> None:
        for inst in (self._current, self._next):
            if inst is not None and not inst.ready:
                inst.view.load(self._url)

    def _on_ready(self, inst: _Instance) -> None:
        inst.ready = True
        self._failures = 0
        for method in sorted(self._state, key=_replay_rank):
            args_json = self._state[method]
            self._seq += 1
            inst.run(method, args_json, self._seq)
        if not self._state:  # nothing to show yet: report the empty page painted
            self._seq += 1
            inst.run("setScale", "1", self._seq)
        inst.replay_seq = self._seq
        if inst is self._current:
            self.ready.emit()

    def _on_painted(self, inst: _Instance, seq: int) -> None:
        inst.painted = max(inst.painted, seq)
        if inst is self._next and inst.painted >= inst.replay_seq:
            self._swap()
        elif inst is self._current:
            self.painted.emit(seq)

    def _swap(self) -> None:
        assert self._next is not None
        old, self._current, self._next = self._current, self._next, None
        self._current.view.raise_()
        self._stack.setCurrentWidget(self._current.view)
        self._stack.removeWidget(old.view)
        old.dispose()
        self.rebuilds += 1
        log.info("map page rebuilt (%d)", self.rebuilds)
        self.ready.emit()
        self.painted.emit(self._current.painted)

    def _on_crash(self, inst: _Instance, status: Any, code: int) -> None:
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        log.warning("map renderer stopped (%s, exit %s): rebuilding", status, code)
        inst.ready = False
        if inst is self._current:
            if self._next is not None:
                return
            self._next = self._new_instance(below=True)
        else:
            self._next = None
            self._stack.removeWidget(inst.view)
            inst.dispose()
            self._next = self._new_instance(below=True)

    def _on_js_error(self, text: str) -> None:
        log.warning("map script: %s", text)
        self.js_error.emit(text)
