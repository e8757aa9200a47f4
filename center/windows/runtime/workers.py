"""Background work on a QThreadPool, results delivered on the GUI thread.

A task is a plain function (it opens its own connection through the services and
returns an immutable value); the runner calls it on a pool thread and emits
``finished``/``failed`` with a :class:`TaskResult` on the GUI thread. Tasks are
keyed: submitting a key that is still running queues *one* rerun with the newest
arguments instead of piling up work (a burst of changes costs at most two runs).

:class:`Job` is one long, cancellable piece of work with progress (building the
demo street, opening the database) for a QProgressDialog.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("center.workers")


@dataclass(frozen=True)
class TaskResult:
    key: str
    value: Any
    error: BaseException | None
    traceback: str | None
    seconds: float
    started: float  # perf_counter() when the task started on its thread

    @property
    def ok(self) -> bool:
        return self.error is None


class _Signals(QObject):
    done = Signal(object)


class _Runnable(QRunnable):
    def __init__(
        self, key: str, fn: Callable[..., Any], args: tuple[Any, ...], signals: _Signals
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._key = key
        self._fn = fn
        self._args = args
        self._signals = signals

    def run(self) -> None:
        t0 = perf_counter()
        try:
            value = self._fn(*self._args)
            result = TaskResult(self._key, value, None, None, perf_counter() - t0, t0)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            result = TaskResult(
                self._key, None, exc, traceback.format_exc(), perf_counter() - t0, t0
            )
        self._signals.done.emit(result)


class TaskRunner(QObject):
    """Keyed background tasks; see the module doc."""

    finished = Signal(object)  # TaskResult with a value
    failed = Signal(object)  # TaskResult with an error
    idle = Signal()  # nothing running or queued any more

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._running: dict[str, _Signals] = {}
        self._queued: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {}
        self._closed = False

    def submit(self, key: str, fn: Callable[..., Any], *args: Any) -> bool:
        """Run ``fn(*args)`` in the background; False when queued behind a running one."""
        if self._closed:
            return False
        if key in self._running:
            self._queued[key] = (fn, args)
            return False
        signals = _Signals()
        signals.done.connect(self._on_done)
        self._running[key] = signals
        self._pool.start(_Runnable(key, fn, args, signals))
        return True

    def busy(self, key: str | None = None) -> bool:
        if key is None:
            return bool(self._running or self._queued)
        return key in self._running or key in self._queued

    def running(self) -> frozenset[str]:
        return frozenset(self._running) | frozenset(self._queued)

    def _on_done(self, result: TaskResult) -> None:
        if self._closed:  # shut down: results that arrive late are dropped
            return
        self._running.pop(result.key, None)
        if result.ok:
            self.finished.emit(result)
        else:
            self.failed.emit(result)
        queued = self._queued.pop(result.key, None)
        if queued is not None and not self._closed:
            self.submit(result.key, queued[0], *queued[1])
        if not self._running and not self._queued:
            self.idle.emit()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop queued work and wait for running tasks; True when all finished."""
        self._closed = True
        self._queued.clear()
        self._pool.clear()
        done = self._pool.waitForDone(timeout_ms)
        if done:
            self._running.clear()
        return done


class Cancelled(Exception):
    """Raised inside a :class:`Job` function when the user cancelled."""


class Job(QObject):
    """One long background function with progress and cancellation.

    ``fn(progress)`` gets a ``progress(done, total, label)`` callback that reports to
    the GUI thread and raises :class:`Cancelled` once :meth:`cancel` was called.
    """

    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)  # TaskResult (error may be Cancelled)

    def __init__(
        self, fn: Callable[[Callable[[int, int, str], None]], Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()
        self._signals = _Signals()
        self._signals.done.connect(self._on_done)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.result: TaskResult | None = None

    def _progress(self, done: int, total: int, label: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.progressed.emit(int(done), int(total), str(label))

    def start(self) -> None:
        self._pool.start(_Runnable("job", lambda: self._fn(self._progress), (), self._signals))

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def _on_done(self, result: TaskResult) -> None:
        self.result = result
        if result.ok:
            self.finished.emit(result.value)
        else:
            self.failed.emit(result)
