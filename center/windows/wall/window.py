"""The frameless full-screen wall window and its operator exit.

Nothing closes the wall but the exit key combination (Ctrl+Alt+Q) followed by the
operator PIN (setting ``wall_pin``; default :data:`DEFAULT_PIN`): a passer-by with a
keyboard cannot close it by Escape, Alt+F4 or the window manager.
"""

from __future__ import annotations

import hmac
import logging

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from center.windows.wall.controller import WallController
from center.windows.wall.view import Rotation, WallView
from widgets.theme import font

log = logging.getLogger("center.wall")
translate = QCoreApplication.translate

EXIT_KEYS = "Ctrl+Alt+Q"
DEFAULT_PIN = "0000"


class PinDialog(QDialog):
    """Asks for the operator PIN; large enough to read on a wall."""

    def __init__(self, parent: QWidget | None = None, unit: float = 1.0) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("WallWindow", "Close the wall"))
        self.setModal(True)
        lay = QVBoxLayout(self)
        prompt = QLabel(translate("WallWindow", "Operator PIN to close the wall:"), self)
        prompt.setFont(font(24 * unit))
        self.pin = QLineEdit(self)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setFont(font(28 * unit))
        self.message = QLabel("", self)
        self.message.setFont(font(20 * unit))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(prompt)
        lay.addWidget(self.pin)
        lay.addWidget(self.message)
        lay.addWidget(buttons)


class WallWindow(QWidget):
    """A wall view alone in a frameless full-screen window on one screen."""

    unlocked = Signal()

    def __init__(
        self,
        controller: WallController,
        *,
        pin: str = "",
        map_kpi: str = "pace",
        rotation: Rotation | None = None,
        tile_url: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("WallWindow")
        self.setWindowTitle(translate("WallWindow", "Command center wall"))
        self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.Window)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._pin = pin or DEFAULT_PIN
        self._may_close = False
        self.view = WallView(
            controller, self, map_kpi=map_kpi, rotation=rotation, tile_url=tile_url
        )
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self._exit = QShortcut(QKeySequence(EXIT_KEYS), self)
        self._exit.setContext(Qt.ShortcutContext.WindowShortcut)
        self._exit.activated.connect(self.ask_to_close)

    def check_pin(self, entered: str) -> bool:
        return hmac.compare_digest(entered.encode(), self._pin.encode())

    def ask_to_close(self) -> None:
        dialog = PinDialog(self, self.view.unit())
        for _ in range(3):
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            if self.check_pin(dialog.pin.text()):
                self.unlock_and_close()
                return
            dialog.pin.clear()
            dialog.message.setText(translate("WallWindow", "Wrong PIN."))
        log.warning("wall: three wrong PIN entries")

    def unlock_and_close(self) -> None:
        self._may_close = True
        self.unlocked.emit()
        self.close()

    def show_on(self, screen: QScreen | None, *, windowed: bool = False) -> None:
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        if windowed:
            self.setWindowFlags(Qt.WindowType.Window)
            self.unsetCursor()
            self.resize(1600, 900)
            self.show()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close:
            event.ignore()
            return
        self.view.shutdown()
        super().closeEvent(event)


def screen_by_number(n: int) -> QScreen:
    screens = QGuiApplication.screens()
    if not 0 <= n < len(screens):
        raise ValueError(
            f"screen {n} does not exist: this machine has {len(screens)} "
            f"screen(s), numbered 0-{len(screens) - 1}"
        )
    return screens[n]
