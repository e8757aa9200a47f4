"""Starting the GUI: `center app` and `center wall`.

`center app` opens the database on a worker thread behind a progress dialog,
builds the demo street when the database has none (progress shown, cancellable:
nothing is written when cancelled), then shows the main window. Every error a
user can cause (database unreachable, wrong personal-information key, bad
setting) becomes a dialog that says what is wrong and what to do; unexpected
errors are logged with their traceback and reported in one sentence.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget
from sqlalchemy.exc import SQLAlchemyError

from center.config import ConfigError
from center.context import AppContext, open_context
from center.core.pii import PiiKeyError
from center.logs import setup_logging
from center.windows.runtime.faults import fault_message, fault_of, internal_error_message
from center.windows.runtime.qtenv import application, local_url, prepare_environment
from center.windows.runtime.workers import Cancelled, Job, TaskResult
from db.engine import DatabaseError

log = logging.getLogger("center.app")
translate = QCoreApplication.translate


def describe_error(exc: BaseException) -> str:
    """One message for a start-up error: what is wrong and what to do."""
    if isinstance(exc, PiiKeyError):
        return "\n\n".join(
            [
                translate("Startup", "The personal-information key does not fit this database:")
                + "\n"
                + str(exc),
                translate(
                    "Startup", "Set CENTER_PII_KEY (or the key file) to the key of this database."
                ),
            ]
        )
    fault = fault_of(exc)  # the server unreachable, a busy or full database… (issue 19)
    if fault is not None:
        return fault_message(fault)
    if isinstance(exc, (DatabaseError, SQLAlchemyError)):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return "\n\n".join(
            [
                translate("Startup", "The database cannot be used:") + "\n" + first,
                translate(
                    "Startup",
                    "Check the --db option, CENTER_DB_URL or the config file, "
                    "and that the server is running.",
                ),
            ]
        )
    if isinstance(exc, ConfigError):
        return translate("Startup", "A setting is wrong:") + "\n" + str(exc)
    # logs the traceback; says where, or that the log could not be written
    return internal_error_message(exc)


class ErrorReporter:
    """``sys.excepthook`` for the GUI: log the traceback, show one sentence.

    On the wall (``interactive=False``) nothing is shown: the wall keeps running.
    """

    def __init__(self, interactive: bool, min_interval_s: float = 30.0) -> None:
        self.interactive = interactive
        self.min_interval_s = min_interval_s
        self._last = 0.0

    def __call__(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if not self.interactive or QApplication.instance() is None:
            log.error("unhandled error", exc_info=(kind, exc, tb))
            return
        now = time.monotonic()
        if now - self._last < self.min_interval_s:
            log.error("unhandled error", exc_info=(kind, exc, tb))
            return
        self._last = now
        # describe_error logs the traceback of an internal error itself (and says
        # whether the log could be written)
        QMessageBox.critical(None, translate("Startup", "Error"), describe_error(exc))


def has_street(ctx: AppContext) -> bool:
    from center.demo.build import street_exists

    return street_exists(ctx.engine)


def open_checked(
    db_url: str | None, *, pii: bool = True, create_default: bool = True
) -> tuple[AppContext, bool]:
    """Open the database, check the personal-information key (``pii``: the wall reads
    aggregates only and needs no key), see if it has a street. A missing database file
    is refused, except the default embedded one when ``create_default`` (`center app`
    builds the demo street into it on a first run)."""
    ctx = open_context(db_url, create_default=create_default)
    try:
        if pii:
            _ = ctx.cipher
        return ctx, has_street(ctx)
    except BaseException:
        ctx.close()
        raise


class AppStarter(QObject):
    """Open → (demo) → main window, all without blocking the GUI thread."""

    def __init__(
        self,
        db_url: str | None,
        *,
        on_ready: Callable[[AppContext, bool], None],
        on_error: Callable[[BaseException], None],
        demo_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self._db_url = db_url
        self._demo_options = dict(demo_options or {})
        self._on_ready = on_ready
        self._on_error = on_error
        self._dialog: QProgressDialog | None = None
        self._job: Job | None = None
        self.ctx: AppContext | None = None

    def start(self) -> None:
        self._dialog = self._progress(
            translate("Startup", "Opening the database…"), cancellable=False
        )
        self._job = Job(lambda progress: open_checked(self._db_url), self)
        self._job.finished.connect(self._opened)
        self._job.failed.connect(self._failed)
        self._job.start()

    def _progress(self, text: str, *, cancellable: bool) -> QProgressDialog:
        dialog = QProgressDialog(text, translate("Startup", "Cancel") if cancellable else "", 0, 0)
        dialog.setWindowTitle(translate("Startup", "Door-knocking Command Center"))
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.show()
        return dialog

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _failed(self, result: TaskResult) -> None:
        self._close_dialog()
        assert result.error is not None
        # describe_error (the on_error of `center app`) logs an internal error's
        # traceback itself and says whether the log could be written
        self._on_error(result.error)

    def _opened(self, value: tuple[AppContext, bool]) -> None:
        self._close_dialog()
        self.ctx, street = value
        if street:
            self._on_ready(self.ctx, False)
            return
        self._build_demo(self.ctx)

    def _build_demo(self, ctx: AppContext) -> None:
        from center.demo.build import build_demo

        self._dialog = self._progress(
            translate("Startup", "Building the demo street…"), cancellable=True
        )
        options = self._demo_options
        job = Job(lambda progress: build_demo(ctx, progress=progress, **options), self)
        self._job = job
        self._dialog.canceled.connect(job.cancel)
        job.progressed.connect(self._show_progress)
        job.finished.connect(lambda _summary: self._demo_done(ctx, False))
        job.failed.connect(lambda r: self._demo_failed(ctx, r))
        job.start()

    def _show_progress(self, done: int, total: int, label: str) -> None:
        dialog = self._dialog
        if dialog is None:
            return
        if label:  # before setValue: a modal dialog's setValue processes events, which
            # may finish the job and close the dialog
            dialog.setLabelText(translate("Startup", "Building the demo street…") + "\n" + label)
        if self._dialog is dialog:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))

    def _demo_done(self, ctx: AppContext, cancelled: bool) -> None:
        self._close_dialog()
        self._on_ready(ctx, cancelled)

    def _demo_failed(self, ctx: AppContext, result: TaskResult) -> None:
        if isinstance(result.error, Cancelled) or (self._job and self._job.cancelled()):
            self._demo_done(ctx, True)
            return
        self._close_dialog()
        log.error("building the demo street failed:\n%s", result.traceback)
        self._on_error(result.error or RuntimeError("demo"))


def run_app(db_url: str | None, lang: str) -> int:
    """`center app`: returns the exit code."""
    setup_logging()
    app = application(lang)
    sys.excepthook = ErrorReporter(interactive=True)
    state: dict[str, Any] = {}

    def ready(ctx: AppContext, demo_cancelled: bool) -> None:
        from center.windows.app.main_window import MainWindow
        from center.windows.wall.controller import WallController

        controller = WallController(ctx.engine)
        window = MainWindow(ctx, controller)
        state.update(ctx=ctx, controller=controller, window=window)
        window.show()
        controller.start()
        if demo_cancelled:
            QMessageBox.information(
                window,
                translate("Startup", "Demo street"),
                translate(
                    "Startup",
                    "Building the demo street was cancelled; nothing was "
                    "written. Import your data or run `center demo`.",
                ),
            )

    def failed(exc: BaseException) -> None:
        QMessageBox.critical(
            None, translate("Startup", "Door-knocking Command Center"), describe_error(exc)
        )
        app.exit(2)

    starter = AppStarter(db_url, on_ready=ready, on_error=failed)
    starter.start()
    code = app.exec()
    controller = state.get("controller")
    if controller is not None:
        controller.stop()
    window: QWidget | None = state.get("window")
    if window is not None:
        window.deleteLater()
    if state.get("ctx") is not None:
        state["ctx"].close()
    elif starter.ctx is not None:
        starter.ctx.close()
    return code


def run_wall(
    db_url: str | None,
    lang: str,
    *,
    screen: int,
    map_kpi: str,
    rotate: int,
    pages: tuple[str, ...],
    windowed: bool,
    web_process: str = "separate",
) -> int:
    """`center wall`: errors before the wall is up end the command with a message."""
    from center.core.errors import UserError
    from center.windows.wall.controller import WallController
    from center.windows.wall.view import Rotation
    from center.windows.wall.window import WallWindow, screen_by_number

    setup_logging()
    # the wall machine holds no personal-information key (access.md: a stolen wall
    # yields no personal information); on PostgreSQL it can run as the wall role
    ctx, _ = open_checked(db_url, pii=False, create_default=False)  # builds no demo
    tiles = ctx.settings.tile_url
    if web_process == "single" and tiles and not local_url(tiles):
        ctx.close()
        raise UserError(
            f"--web-process single runs the map page without a sandbox, and the map draws "
            f"its tiles from another machine ({tiles}): use --web-process separate, or a "
            f"tile server on this machine"
        )
    prepare_environment(single_process=web_process == "single")
    app = application(lang)
    sys.excepthook = ErrorReporter(interactive=False)
    try:
        target = screen_by_number(screen)
    except ValueError as exc:
        ctx.close()
        raise UserError(str(exc)) from exc
    controller = WallController(ctx.engine)
    window = WallWindow(
        controller,
        pin=ctx.settings.wall_pin,
        map_kpi=map_kpi,
        rotation=Rotation(pages, rotate or 30),
        tile_url=ctx.settings.tile_url,
    )
    window.unlocked.connect(app.quit)
    window.show_on(target, windowed=windowed)
    controller.start()
    try:
        return app.exec()
    finally:
        controller.stop()
        window.deleteLater()
        ctx.close()
