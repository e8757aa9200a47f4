"""Rotating log file in the user log dir. Never log personal information.

The log folder is owner-only (0700) and every log file, rotated ones included, is
owner-only (0600): a traceback may quote what a user typed."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO, Any

from center.config import log_dir

_configured: Path | None = None

FILE_MODE = 0o600
DIR_MODE = 0o700


class OwnerOnlyFileHandler(RotatingFileHandler):
    """A :class:`RotatingFileHandler` whose files only their owner may read."""

    def _open(self) -> IO[Any]:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)  # a file made before, by an older version
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def owner_only_dir(path: Path, *, tighten: bool) -> None:
    """Create ``path`` (and its parents) owner-only; ``tighten``: make it owner-only
    even when it exists already."""
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if os.name == "posix" and (tighten or not existed):
        path.chmod(DIR_MODE)  # exactly 0700, whatever the umask made of mkdir's mode


def setup_logging(level: int = logging.INFO) -> Path:
    global _configured
    if _configured is not None:
        return _configured
    path = log_dir() / "center.log"
    # a folder named by CENTER_LOG_DIR may be shared: it is only made owner-only when
    # it is created here (the files in it always are)
    owner_only_dir(path.parent, tighten=not os.environ.get("CENTER_LOG_DIR"))
    handler = OwnerOnlyFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("center")
    root.addHandler(handler)
    root.setLevel(level)
    _configured = path
    return path
