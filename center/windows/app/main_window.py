"""The application's main window: the wall in a normal window, with menus.

Menus: File (quit), View (full-screen wall on a chosen screen, refresh, the map's
KPI), Help (about), plus the entries other features register in
:mod:`center.windows.app.menus`. Providers get this window and use ``window.ctx`` (the
:class:`~center.context.AppContext`) and ``window.controller``.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

from center.context import AppContext
from center.wall.model import MAP_KPIS, MapBase
from center.windows.app.menus import MENUS, MenuEntry, collect_entries, menu_text
from center.windows.wall import texts
from center.windows.wall.controller import WallController
from center.windows.wall.view import WallView
from center.windows.wall.window import WallWindow

log = logging.getLogger("center.app")
translate = QCoreApplication.translate


class MainWindow(QMainWindow):
    def __init__(
        self,
        ctx: AppContext,
        controller: WallController,
        *,
        map_kpi: str = "coverage",
        providers: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.ctx = ctx
        self.controller = controller
        self.wall = WallView(controller, self, map_kpi=map_kpi, tile_url=ctx.settings.tile_url)
        self.setCentralWidget(self.wall)
        self.wall_windows: list[WallWindow] = []
        self.menus: dict[str, QMenu] = {}
        self.kpi_actions: dict[str, QAction] = {}
        self._street: str | None = None
        self._build_menus(collect_entries(providers))
        self._update_title()
        controller.part_updated.connect(self._on_part)
        self.resize(1600, 900)

    # -- menus -------------------------------------------------------------------

    def _build_menus(self, entries: list[MenuEntry]) -> None:
        bar = self.menuBar()
        for menu_id, title in MENUS:
            self.menus[menu_id] = bar.addMenu(menu_text(title))
        file_menu = self.menus["file"]
        quit_action = QAction(translate("MainWindow", "&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        view = self.menus["view"]
        self.screens_menu = view.addMenu(translate("MainWindow", "Open full-screen &wall on"))
        self.screens_menu.aboutToShow.connect(self._fill_screens)
        self._fill_screens()
        refresh = view.addAction(translate("MainWindow", "&Refresh now"))
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(lambda: self.controller.refresh())
        kpi_menu = view.addMenu(translate("MainWindow", "Map &indicator"))
        group = QActionGroup(self)
        for key in MAP_KPIS:
            action = kpi_menu.addAction(texts.kpi_name(key))
            action.setCheckable(True)
            action.setChecked(key == self.wall.map_kpi())
            action.triggered.connect(lambda _=False, k=key: self.set_map_kpi(k))
            group.addAction(action)
            self.kpi_actions[key] = action
        view.addSeparator()

        about = QAction(translate("MainWindow", "&About"), self)
        about.triggered.connect(self.show_about)
        self.menus["help"].addAction(about)

        for entry in entries:
            action = self.menus[entry.menu].addAction(menu_text(entry.text))
            if entry.shortcut:
                action.setShortcut(QKeySequence(entry.shortcut))
            action.triggered.connect(lambda _=False, e=entry: self._run_entry(e))
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        for menu in self.menus.values():
            menu.menuAction().setVisible(not menu.isEmpty())

    def _fill_screens(self) -> None:
        self.screens_menu.clear()
        for i, screen in enumerate(QGuiApplication.screens()):
            geo = screen.geometry()
            text = (
                translate("MainWindow", "Screen %1: %2 (%3×%4)")
                .replace("%1", str(i))
                .replace("%2", screen.name() or "—")
                .replace("%3", str(geo.width()))
                .replace("%4", str(geo.height()))
            )
            action = self.screens_menu.addAction(text)
            action.triggered.connect(lambda _=False, n=i: self.open_wall(n))

    def _run_entry(self, entry: MenuEntry) -> None:
        try:
            entry.handler(self)
        except Exception:
            log.exception("menu entry %r failed", entry.text)
            QMessageBox.warning(
                self,
                translate("MainWindow", "Error"),
                translate("MainWindow", "This action failed; details were written to the log."),
            )

    # -- actions -----------------------------------------------------------------

    def set_map_kpi(self, key: str) -> None:
        self.wall.set_map_kpi(key)
        for window in self.wall_windows:
            window.view.set_map_kpi(key)
        if key in self.kpi_actions:
            self.kpi_actions[key].setChecked(True)

    def open_wall(self, screen_number: int, *, windowed: bool = False) -> WallWindow:
        screens = QGuiApplication.screens()
        screen = screens[screen_number] if 0 <= screen_number < len(screens) else None
        window = WallWindow(
            self.controller,
            pin=self.ctx.settings.wall_pin,
            map_kpi=self.wall.map_kpi(),
            tile_url=self.ctx.settings.tile_url,
        )
        window.unlocked.connect(lambda w=window: self._forget_wall(w))
        self.wall_windows.append(window)
        window.show_on(screen, windowed=windowed)
        return window

    def _forget_wall(self, window: WallWindow) -> None:
        if window in self.wall_windows:
            self.wall_windows.remove(window)
        window.deleteLater()

    def show_about(self) -> None:
        lines = [
            translate("MainWindow", "Door-knocking Command Center"),
            translate("MainWindow", "Version %1").replace("%1", "0.1.0"),
            translate("MainWindow", "Database: %1").replace(
                "%1", self.ctx.engine.url.render_as_string()
            ),
        ]
        QMessageBox.about(self, translate("MainWindow", "About"), "\n".join(lines))

    # -- state -------------------------------------------------------------------

    def _on_part(self, name: str, value: Any) -> None:
        if name == "base" and isinstance(value, MapBase):
            self._street = value.street
            self._update_title()

    def _update_title(self) -> None:
        title = translate("MainWindow", "Door-knocking Command Center")
        self.setWindowTitle(f"{title} — {self._street}" if self._street else title)

    def closeEvent(self, event: QCloseEvent) -> None:
        for window in list(self.wall_windows):
            window.unlock_and_close()
        self.wall.shutdown()
        super().closeEvent(event)
