"""The workstation's login dialog (spec/access.md, "Authentication").

Keyboard first: the user name field has the focus, Enter moves on to the password
and then logs in, Esc cancels. The argon2 check (~0.3 s by design) runs on a worker
so the dialog stays responsive; a refused login says why in the words of
:class:`~center.core.errors.AuthenticationFailed` (wrong user name or password —
never which —, locked until HH:MM, disabled, no password yet).

On the demo street (the demo's street name and its accounts are there) the dialog
names the demo accounts and their password: a demo database is for trying the
product out, never for real data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
from db.types import CST

log = logging.getLogger("center.workstation")
translate = tx.translate

#: the demo's accounts as README.md names them (one per role), in the order shown
DEMO_ACCOUNTS = (
    "coord1",
    "dept_d01",
    "gridworker",
    "assessor",
    "leader",
    "finance",
    "admin",
    "wall",
)
ERROR_STYLE = "QLabel { color: #A8071A; }"
HINT_STYLE = (
    "QLabel { background: #FFF7E6; color: #874D00; border: 1px solid #FFD591;"
    " border-radius: 3px; padding: 6px 8px; }"
)


class LoginCancelled(Exception):
    """The user closed the login dialog without logging in."""


@dataclass(frozen=True)
class DemoInfo:
    """The demo accounts present (user name, first role) and their password."""

    accounts: tuple[tuple[str, str], ...]
    password: str


def demo_info(engine: Engine) -> DemoInfo | None:
    """The demo accounts when the database holds the demo street (its street name and
    at least one of its accounts), else None. Runs on a worker."""
    from center.accounts.service import user_labels
    from center.demo.build import DEMO_PASSWORD
    from center.demo.data import STREET_NAME
    from center.reporting.snapshots import street_name

    if street_name(engine) != STREET_NAME:
        return None
    labels = user_labels(engine, DEMO_ACCOUNTS)
    accounts = tuple(
        (name, labels[name].roles[0] if labels[name].roles else "")
        for name in DEMO_ACCOUNTS
        if name in labels
    )
    return DemoInfo(accounts, DEMO_PASSWORD) if accounts else None


def nobody_can_log_in(engine: Engine) -> bool:
    """No account is active with a password (a database fresh from ``center db
    upgrade`` or from before accounts): the dialog says how to add the first one
    instead of refusing every name. Runs on a worker."""
    from center.accounts.service import bootstrap_open

    return bootstrap_open(engine)


def login_error_text(exc: BaseException) -> str:
    """A translated sentence for a refused login (or a failed attempt)."""
    if isinstance(exc, AuthenticationFailed):
        if exc.reason == "locked":
            until = _hhmm(exc.until)
            return translate(
                "Workstation",
                "The account is locked after 5 failed logins until %1: try again then, "
                "or ask an administrator.",
            ).replace("%1", until)
        if exc.reason == "disabled":
            return translate("Workstation", "The account is disabled: ask an administrator.")
        if exc.reason == "no_password":
            return translate(
                "Workstation", "The account has no password yet: ask an administrator to set one."
            )
        return translate("Workstation", "Wrong user name or password.")
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return translate("Workstation", "The login could not be checked: %1").replace("%1", first)


def _hhmm(t: datetime | None) -> str:
    """``HH:MM`` of an instant on the street's clock."""
    if t is None:
        return "—"
    return (t.astimezone(CST) if t.tzinfo is not None else t).strftime("%H:%M")


def _authenticate(engine: Engine, username: str, password: str) -> Actor:
    from center.accounts.service import authenticate

    return authenticate(engine, username, password)


class LoginDialog(QDialog):
    """User name and password; :attr:`actor` is set once the login succeeded."""

    def __init__(
        self,
        engine: Engine,
        *,
        username: str = "",
        street: str = "",
        check_demo: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self.actor: Actor | None = None
        self.demo: DemoInfo | None = None
        self.demo_checked = not check_demo
        self.setWindowTitle(translate("Workstation", "Log in — door-knocking command center"))
        self.setModal(True)
        self.setMinimumWidth(520)
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        self.heading = QLabel(
            (street + " " if street else "")
            + translate("Workstation", "Door-knocking command center")
        )
        f = self.heading.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        self.heading.setFont(f)
        self.subheading = QLabel(translate("Workstation", "Log in with your account"))
        self.subheading.setStyleSheet("QLabel { color: #595959; }")

        self.user = QLineEdit(username)
        self.user.setObjectName("login-user")
        self.user.setPlaceholderText(translate("Workstation", "user name"))
        self.user.setMaxLength(60)
        self.password = QLineEdit()
        self.password.setObjectName("login-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(translate("Workstation", "password"))
        self.password.setMaxLength(1024)
        form = QFormLayout()
        form.addRow(translate("Workstation", "&User name:"), self.user)
        form.addRow(translate("Workstation", "&Password:"), self.password)

        self.error = QLabel()
        self.error.setObjectName("login-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.busy = QLabel()
        self.busy.setStyleSheet("QLabel { color: #595959; }")
        self.demo_label = QLabel()
        self.demo_label.setObjectName("login-demo")
        self.demo_label.setWordWrap(True)
        self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_label.setStyleSheet(HINT_STYLE)
        self.demo_label.hide()
        self.setup_label = QLabel()
        self.setup_label.setObjectName("login-no-account")
        self.setup_label.setWordWrap(True)
        self.setup_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setup_label.setStyleSheet(HINT_STYLE)
        self.setup_label.hide()
        self.nobody: bool | None = None  # None until checked

        self.buttons = QDialogButtonBox()
        self.login_button = QPushButton(translate("Workstation", "Log in"))
        # Enter is the line edits' (below): a default button loses that role while
        # disabled during a check, and the dialog would click it a second time
        self.login_button.setAutoDefault(False)
        self.cancel_button = QPushButton(translate("Workstation", "Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        # the buttons' own signals: accepted() would close the dialog before the check
        self.login_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.user.returnPressed.connect(self.submit)
        self.password.returnPressed.connect(self.submit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.demo_label)
        layout.addWidget(self.setup_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        (self.password if username else self.user).setFocus()
        if check_demo:
            self._runner.submit("demo", demo_info, engine)
            self._runner.submit("nobody", nobody_can_log_in, engine)

    # -- logging in -------------------------------------------------------------------

    def submit(self) -> bool:
        """Check the typed user name and password on the worker (Enter, the button).
        False when nothing was submitted (a field is empty, or a check is running)."""
        if self._runner.busy("login"):
            return False
        name = self.user.text().strip()
        if not name:
            self.user.setFocus()
            self._show_error(translate("Workstation", "Enter your user name."))
            return False
        if not self.password.text():
            self.password.setFocus()  # Enter in the user name field moves on
            return False
        self._set_busy(True)
        self._runner.submit("login", _authenticate, self._engine, name, self.password.text())
        return True

    def is_busy(self) -> bool:
        return self._runner.busy("login")

    def _set_busy(self, on: bool) -> None:
        self.busy.setText(translate("Workstation", "Checking…") if on else "")
        self.user.setReadOnly(on)  # read-only, not disabled: the focus stays put
        self.password.setReadOnly(on)
        self.login_button.setEnabled(not on)
        if on:
            self.error.hide()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "demo":
            self.demo_checked = True
            self._show_demo(result.value)
            return
        if result.key == "nobody":
            self._show_nobody(bool(result.value))
            return
        self._set_busy(False)
        self.actor = result.value
        self.password.clear()
        log.info("logged in: %s", self.actor.name if self.actor else "?")
        self.accept()

    def _on_failed(self, result: TaskResult) -> None:
        if result.key in ("demo", "nobody"):  # no hint then; the login says what is wrong
            self.demo_checked = self.demo_checked or result.key == "demo"
            log.warning("%s check failed: %s", result.key, type(result.error).__name__)
            return
        self._set_busy(False)
        exc = result.error
        assert exc is not None
        if not isinstance(exc, AuthenticationFailed):
            log.error("login failed: %s", type(exc).__name__)
        self._show_error(login_error_text(exc))
        self.password.clear()
        self.password.setFocus()

    def _show_demo(self, info: DemoInfo | None) -> None:
        self.demo = info
        if info is None:
            self.demo_label.hide()
            return
        names = "、".join(
            f"{name}（{tx.name(tx.ROLE_NAMES, role)}）" if role else name
            for name, role in info.accounts
        )
        self.demo_label.setText(
            translate(
                "Workstation",
                "Demo street: accounts %1, all with the password “%2”. Never enter real data here.",
            )
            .replace("%1", names)
            .replace("%2", info.password)
        )
        self.demo_label.show()
        self.adjustSize()  # room for the hint

    def _show_nobody(self, nobody: bool) -> None:
        self.nobody = nobody
        if not nobody:
            self.setup_label.hide()
            return
        self.setup_label.setText(
            translate(
                "Workstation",
                "No account can log in to this database yet. An administrator adds the first "
                "one on the command line: %1 — then log in with it here.",
            ).replace("%1", "center user add NAME --role admin")
        )
        self.setup_label.show()
        self.adjustSize()

    # -- closing ----------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._runner.shutdown()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._runner.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self._runner.shutdown()


def dialog_login(engine: Engine, username: str = "") -> Actor:
    """Show the login dialog and return the logged-in actor; raises
    :class:`LoginCancelled` when the user cancels (needs the QApplication)."""
    dlg = LoginDialog(engine, username=username)
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted or dlg.actor is None:
            raise LoginCancelled()
        return dlg.actor
    finally:
        dlg.shutdown()
        dlg.deleteLater()
