"""Rotating log file in the user log dir. Never log personal information.

The log folder is owner-only (0700) and every log file, rotated ones included, is
owner-only (0600): a traceback may quote what a user typed.

Writing the log can fail (a full disk, a folder that cannot be made): a message that
points users to the log must then not claim the details are there.
:func:`log_exception` writes a traceback and says whether it reached the file;
:class:`OwnerOnlyFileHandler` keeps a failed write to itself (no traceback of the
logging machinery on the user's terminal) and remembers why it failed.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path

from center.config import log_dir

_configured: Path | None = None
_handler: OwnerOnlyFileHandler | None = None
# why the log could not be set up (the folder or the file could not be made)
_setup_error: OSError | None = None

FILE_MODE = 0o600
DIR_MODE = 0o700


class OwnerOnlyFileHandler(RotatingFileHandler):
    """A :class:`RotatingFileHandler` whose files only their owner may read, and
    which remembers its last failed write (:attr:`failure`) instead of printing the
    logging module's own traceback."""

    failure: BaseException | None = None

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)  # a file made before, by an older version
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failure = sys.exc_info()[1]
        # the half-written line may sit in the stream's buffer: drop the stream, so
        # the next record starts on a fresh one (reopened on demand)
        stream, self.stream = self.stream, None
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass


def owner_only_dir(path: Path, *, tighten: bool) -> None:
    """Create ``path`` (and its parents) owner-only; ``tighten``: make it owner-only
    even when it exists already."""
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if os.name == "posix" and (tighten or not existed):
        path.chmod(DIR_MODE)  # exactly 0700, whatever the umask made of mkdir's mode


def log_path() -> Path:
    """Where the log file is (whether or not it could be made)."""
    return log_dir() / "center.log"


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the ``center`` loggers to the log file; returns its path.

    Never raises: when the folder or the file cannot be made, nothing is logged to
    a file and :func:`log_exception` says so."""
    global _configured, _handler, _setup_error
    if _configured is not None:
        return _configured
    path = log_path()
    try:
        # a folder named by CENTER_LOG_DIR may be shared: it is only made owner-only
        # when it is created here (the files in it always are)
        owner_only_dir(path.parent, tighten=not os.environ.get("CENTER_LOG_DIR"))
        handler = OwnerOnlyFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:
        _setup_error = exc
        _configured = path
        return path
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("center")
    root.addHandler(handler)
    root.setLevel(level)
    _handler = handler
    _configured = path
    return path


@dataclass(frozen=True)
class Logged:
    """Where a record was meant to go, and whether it got there (``reason``: why
    not, e.g. "No space left on device")."""

    path: Path
    written: bool
    reason: str = ""


def _reason(exc: BaseException | None) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__ if exc is not None else "unknown error"


def log_exception(
    logger: logging.Logger, message: str, *args: object, exc: BaseException
) -> Logged:
    """Log ``message`` with ``exc``'s traceback at ERROR and flush it to the file;
    the result says whether it was written (users are told where the details are
    only when they are)."""
    path = setup_logging()
    handler = _handler
    if handler is None:
        return Logged(path, False, _reason(_setup_error))
    handler.failure = None
    logger.error(message, *args, exc_info=(type(exc), exc, exc.__traceback__))
    if handler.failure is None:
        try:
            handler.flush()
        except OSError as failed:
            handler.failure = failed
    if handler.failure is not None:
        return Logged(path, False, _reason(handler.failure))
    return Logged(path, True)


def _reset_for_tests() -> None:
    """Forget the set-up (a test that points the log elsewhere)."""
    global _configured, _handler, _setup_error
    if _handler is not None:
        logging.getLogger("center").removeHandler(_handler)
        _handler.close()
    _configured = _handler = _setup_error = None
