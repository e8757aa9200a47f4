"""The application's main window: the wall in a normal window, with menus and a
toolbar that lead to the rest of the product.

Menus: File (quit), View (full-screen wall on a chosen screen, refresh, the map's
KPI), Tools (the workstation), Reports (build a report), Help (about), plus the
entries other features register in :mod:`center.windows.app.menus`. Providers get
this window and use ``window.ctx`` (the :class:`~center.context.AppContext`) and
``window.controller``.

The workstation and the reports need a login. The workstation is ``center
workstation`` started in a process of its own (:meth:`MainWindow.open_workstation`):
its login dialog asks, then its window opens for that user. The reports are for
assessors (``build_report``): the same login dialog
(:class:`~center.windows.workstation.login.LoginDialog`) asks here, the role is checked
before the report dialog opens and again by the service that registers the report.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QMessageBox, QToolBar, QWidget

from center.context import AppContext
from center.core.access import Actor
from center.wall.model import (
    ALL_CATEGORIES,
    HEAT_CATEGORIES,
    HEAT_LAYERS,
    MAP_LAYERS,
    MapBase,
)
from center.windows.app.menus import MENUS, MenuEntry, collect_entries, menu_text
from center.windows.wall import texts
from center.windows.wall.controller import WallController
from center.windows.wall.mappanel import category_name, layer_name
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
        map_kpi: str = "pace",
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
        self.workstations: list[subprocess.Popen[bytes]] = []
        self.report_dialogs: list[QDialog] = []
        self._last_user = ""
        self.menus: dict[str, QMenu] = {}
        self.kpi_actions: dict[str, QAction] = {}
        self.heat_actions: dict[str, QAction] = {}  # heat layers and categories
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
        for key in MAP_LAYERS:
            action = kpi_menu.addAction(texts.kpi_name(key))
            action.setCheckable(True)
            action.setChecked(key == self.wall.map_kpi())
            action.triggered.connect(lambda _=False, k=key: self.set_map_kpi(k))
            group.addAction(action)
            self.kpi_actions[key] = action
        # the heat layer: the last 30 days' cases or the next month's forecast, per
        # category or all, in cases per 100 households (spec/insight.md, "Heat map")
        heat_menu = view.addMenu(translate("MainWindow", "&Heat layer"))
        layer_group = QActionGroup(self)
        current_layer, current_category = self.wall.heat_layer()
        for layer in HEAT_LAYERS:
            action = heat_menu.addAction(layer_name(layer))
            action.setCheckable(True)
            action.setChecked(layer == current_layer)
            action.triggered.connect(lambda _=False, k=layer: self.set_heat_layer(layer=k))
            layer_group.addAction(action)
            self.heat_actions[layer] = action
        heat_menu.addSeparator()
        category_group = QActionGroup(self)
        for category in (ALL_CATEGORIES, *HEAT_CATEGORIES):
            action = heat_menu.addAction(category_name(category))
            action.setCheckable(True)
            action.setChecked(category == current_category)
            action.triggered.connect(lambda _=False, c=category: self.set_heat_layer(category=c))
            category_group.addAction(action)
            self.heat_actions[category] = action
        view.addSeparator()

        self.workstation_action = QAction(translate("MainWindow", "&Workstation…"), self)
        self.workstation_action.setShortcut(QKeySequence("Ctrl+Shift+W"))
        self.workstation_action.setToolTip(
            translate("MainWindow", "Log in and open the workstation (cases, visits, meetings)")
        )
        self.workstation_action.triggered.connect(lambda: self.open_workstation())
        self.menus["tools"].addAction(self.workstation_action)
        self.report_action = QAction(translate("MainWindow", "&Build a report…"), self)
        self.report_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.report_action.setToolTip(
            translate(
                "MainWindow", "Monthly notice, quarterly scorecards, annual review (assessors)"
            )
        )
        self.report_action.triggered.connect(lambda: self.open_reports())
        self.menus["reports"].addAction(self.report_action)
        self.toolbar = QToolBar(translate("MainWindow", "Go to"), self)
        self.toolbar.setObjectName("MainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addAction(self.workstation_action)
        self.toolbar.addAction(self.report_action)
        self.addToolBar(self.toolbar)

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

    def set_heat_layer(self, layer: str | None = None, category: str | None = None) -> None:
        """Show the heat ``layer`` and/or ``category`` on every wall (the other as is)."""
        current_layer, current_category = self.wall.heat_layer()
        layer = layer or current_layer
        category = category or current_category
        self.wall.set_heat_layer(layer, category)
        for window in self.wall_windows:
            window.view.set_heat_layer(layer, category)
        for key in (layer, category):
            self.heat_actions[key].setChecked(True)

    def open_wall(self, screen_number: int, *, windowed: bool = False) -> WallWindow:
        screens = QGuiApplication.screens()
        screen = screens[screen_number] if 0 <= screen_number < len(screens) else None
        window = WallWindow(
            self.controller,
            pin=self.ctx.settings.wall_pin,
            map_kpi=self.wall.map_kpi(),
            tile_url=self.ctx.settings.tile_url,
        )
        window.view.set_heat_layer(*self.wall.heat_layer())
        window.unlocked.connect(lambda w=window: self._forget_wall(w))
        self.wall_windows.append(window)
        window.show_on(screen, windowed=windowed)
        return window

    def login(self, purpose: str) -> Actor | None:
        """The workstation's login dialog; the actor, or None when cancelled."""
        from center.windows.workstation.login import LoginDialog

        dialog = LoginDialog(self.ctx.engine, username=self._last_user, parent=self)
        dialog.setWindowTitle(purpose)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
                return None
            self._last_user = dialog.actor.name
            return dialog.actor
        finally:
            dialog.shutdown()
            dialog.deleteLater()

    def workstation_command(self) -> tuple[list[str], dict[str, str]]:
        """The command line and environment that start the workstation: ``center
        workstation`` on this window's database, in this window's language."""
        lang = "zh_CN" if texts.is_chinese() else "en"
        env = dict(os.environ)
        env["CENTER_DB_URL"] = self.ctx.engine.url.render_as_string(hide_password=False)
        for name in ("CENTER_USER", "CENTER_PASSWORD"):  # the dialog asks, never these
            env.pop(name, None)
        return [sys.executable, "-m", "center", "workstation", "--lang", lang], env

    def open_workstation(self) -> subprocess.Popen[bytes]:
        """Start the workstation: ``center workstation`` in a process of its own, which
        opens with its login dialog (center/windows/workstation/login.py) and then the
        workstation window for the user who logged in, exactly as from the command
        line. Its own process: the workstation locks itself after 15 idle minutes
        (an application-wide input filter) and must neither lock the wall nor see
        the wall's web pages' events (PySide crashes wrapping them in that filter).
        Closing this window ends it (:meth:`stop_workstations`)."""
        command, env = self.workstation_command()
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)  # noqa: S603
        self.workstations = [p for p in self.workstations if p.poll() is None]
        self.workstations.append(process)
        self.statusBar().showMessage(
            translate("MainWindow", "Starting the workstation: log in in its window…"), 15_000
        )
        log.info("workstation started from the app (process %d)", process.pid)
        return process

    def stop_workstations(self, timeout_s: float = 10.0) -> None:
        """End the workstations this window started (closing the app closes the
        windows it opened; a workstation's saved work is in the database, each save is
        one transaction)."""
        running = [p for p in self.workstations if p.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout_s)
        self.workstations = []

    def open_reports(self, actor: Actor | None = None) -> QDialog | None:
        """Log in as an assessor, then the report dialog; None when cancelled or the
        user may not build reports (said in a message)."""
        from center.windows.app.reports import ReportDialog, may_build

        if actor is None:
            actor = self.login(translate("MainWindow", "Log in — reports (assessors)"))
        if actor is None:
            return None
        if not may_build(actor):
            QMessageBox.warning(
                self,
                translate("MainWindow", "Reports"),
                translate(
                    "MainWindow",
                    "%1 may not build reports: the monthly notice, the quarterly scorecards "
                    "and the annual review are built by the assessment staff (督导考核组). "
                    "Log in with an assessor's account.",
                ).replace("%1", actor.name),
            )
            return None
        dialog = ReportDialog(self.ctx.engine, actor, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.destroyed.connect(lambda _=None, d=dialog: self._forget(self.report_dialogs, d))
        self.report_dialogs.append(dialog)
        dialog.show()
        return dialog

    @staticmethod
    def _forget(items: list[Any], item: Any) -> None:
        if item in items:
            items.remove(item)

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
        for dialog in list(self.report_dialogs):
            dialog.close()
        self.stop_workstations()
        self.wall.shutdown()
        super().closeEvent(event)
