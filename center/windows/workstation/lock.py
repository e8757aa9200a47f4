"""The idle lock (spec/access.md: "the session locks after 15 minutes idle; the
typed text survives the lock").

:class:`IdleLock` watches the whole application's keyboard and mouse input (an
event filter on the QApplication). After ``timeout_ms`` without any, every open
window of the workstation is covered by an opaque panel (nothing on screen stays
readable) and :class:`UnlockDialog` asks for the same user's password again; the
only other way out is to quit. Nothing underneath is closed or rebuilt: a half-typed
intake or case note is there again after the unlock, with its focus.

The password check runs on a worker (argon2, ~0.3 s) and counts as a login attempt:
five wrong passwords in a row lock the account (then only quitting is left).
"""

from __future__ import annotations

import logging
from time import monotonic

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.core.access import Actor
from center.core.errors import AuthenticationFailed
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.login import ERROR_STYLE, _authenticate, login_error_text

log = logging.getLogger("center.workstation")
translate = tx.translate

#: the idle time after which the workstation locks (spec: 15 minutes)
IDLE_TIMEOUT_MS = 15 * 60 * 1000
#: what counts as the user being there
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.InputMethod,
    }
)
#: what is kept from the covered windows while the lock is on
BLOCKED_EVENTS = INPUT_EVENTS | {
    QEvent.Type.KeyRelease,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.Shortcut,
    QEvent.Type.ShortcutOverride,
    QEvent.Type.ContextMenu,
}


def who(actor: Actor) -> str:
    """The actor's display name and roles (:func:`texts.who`)."""
    return tx.who(actor.label, actor.roles)


class Cover(QWidget):
    """An opaque panel over a whole window while the session is locked."""

    def __init__(self, host: QWidget, text: str, *, main: bool) -> None:
        super().__init__(host)
        self.setObjectName("lock-cover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QWidget#lock-cover { background: #1F2A3A; }"
            " QLabel { color: #E6EDF5; background: transparent; }"
        )
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.label = QLabel(text)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        f = self.label.font()
        f.setPointSizeF(f.pointSizeF() * (1.6 if main else 1.1))
        f.setBold(main)
        self.label.setFont(f)
        layout.addWidget(self.label)
        layout.addStretch(4 if main else 1)  # above the unlock dialog, which is centred
        self._host = host
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
            self.raise_()
        return False

    def remove(self) -> None:
        if shiboken6.isValid(self._host):
            self._host.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class UnlockDialog(QDialog):
    """The same user's password again, or quit. Esc does not close it."""

    unlocked = Signal(object)  # the Actor
    quit_requested = Signal()

    def __init__(
        self, engine: Engine, actor: Actor, idle_minutes: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self.setObjectName("unlock-dialog")
        self.setWindowTitle(translate("Workstation", "Workstation locked"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlags(
            Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint
        )
        self.setMinimumWidth(460)
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        heading = QLabel(translate("Workstation", "The workstation is locked"))
        f = heading.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        heading.setFont(f)
        user = QLabel(translate("Workstation", "Logged in: %1").replace("%1", who(actor)))
        self.message = QLabel(
            translate(
                "Workstation",
                "No input for %1 minutes. Enter your password to continue where you left off.",
            ).replace("%1", str(idle_minutes))
        )
        self.message.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("unlock-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(translate("Workstation", "password"))
        self.password.setMaxLength(1024)
        self.error = QLabel()
        self.error.setObjectName("unlock-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.busy = QLabel()
        self.busy.setStyleSheet("QLabel { color: #595959; }")
        self.unlock_button = QPushButton(translate("Workstation", "Unlock"))
        self.unlock_button.setAutoDefault(False)  # Enter is the password field's
        self.unlock_button.clicked.connect(self.submit)
        self.quit_button = QPushButton(translate("Workstation", "Quit the workstation"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self._quit)
        self.password.returnPressed.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(user)
        layout.addWidget(self.message)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.password.setFocus()

    def submit(self) -> bool:
        if self._runner.busy("unlock"):
            return False
        if not self.password.text():
            self.password.setFocus()
            return False
        self._set_busy(True)
        self._runner.submit(
            "unlock", _authenticate, self._engine, self._actor.name, self.password.text()
        )
        return True

    def is_busy(self) -> bool:
        return self._runner.busy("unlock")

    def _set_busy(self, on: bool) -> None:
        self.busy.setText(translate("Workstation", "Checking…") if on else "")
        self.password.setReadOnly(on)
        self.unlock_button.setEnabled(not on)
        if on:
            self.error.hide()

    def _on_finished(self, result: TaskResult) -> None:
        self._set_busy(False)
        self.password.clear()
        actor: Actor = result.value
        if actor.name != self._actor.name:  # cannot happen: the name is not typed
            self._show_error(login_error_text(AuthenticationFailed("", "credentials")))
            return
        self.unlocked.emit(actor)

    def _on_failed(self, result: TaskResult) -> None:
        self._set_busy(False)
        assert result.error is not None
        self._show_error(login_error_text(result.error))
        self.password.clear()
        self.password.setFocus()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _quit(self) -> None:
        self.quit_requested.emit()

    # the lock stays until unlocked or quit: Esc and the close button do nothing
    def reject(self) -> None:
        pass

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()

    def finish(self) -> None:
        """Close for good (unlocked or quitting)."""
        self._runner.shutdown()
        self.done(QDialog.DialogCode.Accepted)


class IdleLock(QObject):
    """Locks ``window`` (and covers the application's other windows) after
    ``timeout_ms`` without keyboard or mouse input; see the module doc."""

    locked = Signal()
    unlocked = Signal()
    quit_requested = Signal()

    def __init__(
        self,
        window: QWidget,
        engine: Engine,
        actor: Actor,
        timeout_ms: int = IDLE_TIMEOUT_MS,
    ) -> None:
        super().__init__(window)
        self.setObjectName("idle-lock")
        self._window = window
        self._engine = engine
        self._actor = actor
        self.timeout_ms = max(1, int(timeout_ms))
        self._timer = QTimer(self)
        self._timer.setObjectName("idle-timer")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._last = monotonic()
        self._running = False
        self.dialog: UnlockDialog | None = None
        self._covers: list[Cover] = []
        self._focus: QWidget | None = None

    # -- watching --------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def start(self) -> None:
        app = QApplication.instance()
        if app is None or self._running:
            return
        app.installEventFilter(self)
        self._running = True
        self.touch()
        self._timer.start(self.timeout_ms)

    def stop(self) -> None:
        """Stop watching (the window shuts down); an open lock dialog closes."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._running:
            app.removeEventFilter(self)
        self._running = False
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog.deleteLater()
            self.dialog = None

    def touch(self) -> None:
        """The user is there (any keyboard or mouse input)."""
        self._last = monotonic()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in BLOCKED_EVENTS:
            return False
        if self.dialog is None:
            if kind in INPUT_EVENTS:
                self._last = monotonic()
            return False
        # locked: nothing reaches the covered windows (their shortcuts included)
        return not self._inside_dialog(obj)

    def _inside_dialog(self, obj: QObject) -> bool:
        dialog = self.dialog
        if isinstance(obj, QWidget):
            return obj is dialog or (dialog is not None and dialog.isAncestorOf(obj))
        if not isinstance(obj, QObject) or obj.isWindowType():
            return True  # the windows' own objects hand on to the widgets
        parent = obj.parent()
        while parent is not None:
            if parent is dialog:
                return True
            parent = parent.parent()
        return False

    def _check(self) -> None:
        idle_ms = (monotonic() - self._last) * 1000
        if idle_ms + 5 >= self.timeout_ms:
            self.lock()
        else:
            self._timer.start(max(1, int(self.timeout_ms - idle_ms) + 1))

    # -- locking -------------------------------------------------------------------

    def lock(self) -> None:
        """Cover the windows and ask for the password (also at once, e.g. Ctrl+L)."""
        if self.dialog is not None:
            return
        self._timer.stop()
        for _ in range(8):  # open menus and combo lists close first
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        self._focus = QApplication.focusWidget()
        locked = translate("Workstation", "Locked — %1").replace("%1", who(self._actor))
        for w in QApplication.topLevelWidgets():
            if not w.isVisible() or isinstance(w, UnlockDialog):
                continue
            if w.windowType() not in (Qt.WindowType.Window, Qt.WindowType.Dialog):
                continue
            self._covers.append(
                Cover(
                    w,
                    locked if w is self._window else translate("Workstation", "Locked"),
                    main=w is self._window,
                )
            )
        minutes = max(1, round(self.timeout_ms / 60_000))
        dlg = UnlockDialog(self._engine, self._actor, minutes, self._window)
        dlg.unlocked.connect(lambda _a: self.unlock())
        dlg.quit_requested.connect(self._quit)
        self.dialog = dlg
        dlg.show()  # application-modal (open() would make it window-modal)
        dlg.password.setFocus()
        log.info("workstation locked after %d s idle", self.timeout_ms // 1000)
        self.locked.emit()

    def unlock(self) -> None:
        """Remove the covers, give the focus back and watch again."""
        dlg = self.dialog
        if dlg is None:
            return
        self.dialog = None
        dlg.finish()
        dlg.deleteLater()
        for cover in self._covers:
            cover.remove()
        self._covers.clear()
        focus, self._focus = self._focus, None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.window().activateWindow()
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.touch()
        if self._running:
            self._timer.start(self.timeout_ms)
        log.info("workstation unlocked")
        self.unlocked.emit()

    def _quit(self) -> None:
        self.stop()
        self.quit_requested.emit()
