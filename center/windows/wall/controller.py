"""The wall's data side: which parts to load, when, and the connection state.

One controller can feed several wall views (the main window's and a full-screen
one). It loads the parts of :mod:`center.wall.model` on a
:class:`~center.windows.runtime.workers.TaskRunner` and emits ``part_updated(name, value)``
on the GUI thread; the views only paint. Triggers:

* the change feed: a commit in any connection reloads the parts its domains feed;
* a slow full refresh (default every 10 minutes) as a safety net, which also
  reloads the 12-month trends;
* the connection coming back after an outage.

A task that fails because the database is unreachable puts the controller into
the ``down`` state (the views show the outage banner with the last data) and is
retried with backoff; any other failure is logged with its traceback and the
last good value stays on screen. The parts load through :func:`db.engine.reader`:
a statement the server does not answer (a frozen network) fails after
:data:`db.engine.READER_STATEMENT_TIMEOUT_S` plus a grace instead of holding a
worker, and the change feed's heartbeat brings the banner up within 10 s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from time import perf_counter
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from center.kpi import compute as kpi_service
from center.wall import model as dashboard
from center.windows.runtime.changefeed import BACKOFF, ChangeFeed
from center.windows.runtime.workers import TaskResult, TaskRunner
from db.engine import reader
from db.types import CST

log = logging.getLogger("center.wall")

FULL_REFRESH_MS = 10 * 60 * 1000
# SQLite: seconds between two reads of ``PRAGMA data_version`` by the change feed (a
# commit shows on the wall after half of it on average); a read costs about 60 µs of
# CPU (measured on the demo street), so 20 reads a second are 0.1 % of a core
POLL_S = 0.05
# Parts that change slowly and cost several KPI computations: a burst of changes
# reloads them at most once per interval (seconds); the full refresh always does.
SLOW_PARTS: dict[str, float] = {"ranking": 60.0, "trend": 300.0}


def is_connection_error(exc: BaseException | None) -> bool:
    """True for errors that mean "the database cannot be reached right now"."""
    if exc is None:
        return False
    if isinstance(exc, OperationalError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (ConnectionError, TimeoutError, FileNotFoundError))


class WallController(QObject):
    part_updated = Signal(str, object)
    connection_changed = Signal(str)  # connecting | live | down
    updated = Signal(object)  # datetime of the newest loaded data
    problem = Signal(str)  # a part failed for another reason (logged)

    def __init__(
        self,
        engine: Engine,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        live: bool = True,
        full_refresh_ms: int = FULL_REFRESH_MS,
        poll_s: float = POLL_S,
        backoff: tuple[float, ...] = BACKOFF,
        parts: Iterable[str] = dashboard.PARTS,
    ) -> None:
        super().__init__(parent)
        # the parts load side by side on the runner's threads: each KPI computation
        # stays on its thread (no helper connections; measured on the street: refresh
        # 254 -> 220 ms, 70 MB less page cache; on the district, where the database
        # server shares the two cores, helpers left the refresh as it was, 2.2 s, and
        # took 14 MB more)
        # the wall's statements have the reader's short limit (db.engine.reader)
        self.engine = reader(engine).execution_options(**{kpi_service.HELPERS_OPTION: False})
        self._clock = clock or (lambda: datetime.now(CST))
        self._parts = tuple(parts)
        self._values: dict[str, Any] = {}
        self._failed: set[str] = set()
        self._state = "connecting"
        self._backoff = backoff
        self._retry_attempt = 0
        self._down_since: datetime | None = None
        self.last_update: datetime | None = None
        self._preparers: dict[str, Callable[[Any], Any]] = {}
        # the heat layers the views show (id of the view -> layer, category): the
        # views' heat preparer makes these on the worker thread
        self.heat_selections: dict[int, tuple[str, str]] = {}
        self._prepared: dict[str, Any] = {}
        self.timings: dict[str, float] = {}  # part -> seconds of its last load
        self.last_delivery: dict[str, float] = {}  # part -> perf_counter() of delivery
        self.runner = TaskRunner(self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        # computes the heat part's forecast (seconds, in a child process at a lower
        # CPU priority) without holding one of the runner's threads; the heat part
        # reloads when it is in
        self.forecast_runner = TaskRunner(self, threads=1)
        self.forecast_runner.finished.connect(self._on_forecast)
        self.forecast_runner.failed.connect(self._on_failed)
        self.feed: ChangeFeed | None = None
        if live:
            self.feed = ChangeFeed(engine, self, poll_s=poll_s, backoff=backoff)
            self.feed.changed.connect(self._on_changed)
            self.feed.state_changed.connect(self._on_feed_state)
        self._full = QTimer(self)
        self._full.timeout.connect(self.refresh)
        self._full_ms = full_refresh_ms
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._retry_failed)
        self._started = False
        self._stopped = False  # after stop(): a late refresh (feed, timer) starts nothing
        self._last_submit: dict[str, float] = {}
        self._deferred: dict[str, QTimer] = {}
        self.slow_parts = dict(SLOW_PARTS)

    # -- control ----------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._stopped = False
        if self.feed is not None:
            self.feed.start()
        else:
            self._set_state("live")
        if self._full_ms > 0:
            self._full.start(self._full_ms)
        self.refresh()

    def stop(self) -> None:
        """Stop the feed, the timers and wait for running tasks (no threads left)."""
        self._full.stop()
        self._retry.stop()
        for timer in self._deferred.values():
            timer.stop()
        if self.feed is not None:
            self.feed.stop()
        self.runner.shutdown()
        dashboard.end_forecasts()  # rather than wait seconds for one
        self.forecast_runner.shutdown()
        self._started = False
        self._stopped = True

    def refresh(self, parts: Iterable[str] | None = None) -> None:
        """Reload ``parts`` (all, slow ones included, when None), in :data:`PARTS`
        order so the cheap parts that matter most are not queued behind slow ones."""
        if self._stopped:
            return
        full = parts is None
        # the parts submitted together read as of one instant and share their common
        # reads (center.wall.model.SharedReads)
        as_of, shared = self._clock(), dashboard.SharedReads()
        wanted = sorted(
            set(self._parts if parts is None else parts) & set(self._parts),
            key=self._parts.index,
        )
        for part in wanted:
            interval = self.slow_parts.get(part)
            last = self._last_submit.get(part)
            if full or interval is None or last is None:
                self._submit(part, as_of, shared)
                continue
            wait_s = interval - (perf_counter() - last)
            if wait_s <= 0:
                self._submit(part, as_of, shared)
            else:
                timer = self._deferred_timer(part)
                if not timer.isActive():
                    timer.start(round(wait_s * 1000))

    def _deferred_timer(self, part: str) -> QTimer:
        timer = self._deferred.get(part)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda p=part: self._submit(p))
            self._deferred[part] = timer
        return timer

    def value(self, part: str) -> Any:
        return self._values.get(part)

    def set_preparer(self, part: str, fn: Callable[[Any], Any]) -> None:
        """Run ``fn(value)`` on the worker thread after each load of ``part`` (e.g. to
        encode a large map payload); the views read it with :meth:`prepared`."""
        self._preparers[part] = fn

    def inject(self, part: str, value: Any, prepared: Any = None) -> None:
        """Deliver a value loaded elsewhere as if a refresh had loaded it (replays,
        benchmarks)."""
        self._values[part] = value
        self._prepared[part] = (value, prepared)
        self.part_updated.emit(part, value)

    def prepared(self, part: str, value: Any) -> Any:
        """What the preparer made of ``value`` (None if it was made for another value)."""
        made = self._prepared.get(part)
        return made[1] if made is not None and made[0] is value else None

    def values(self) -> dict[str, Any]:
        return dict(self._values)

    def loaded(self) -> frozenset[str]:
        return frozenset(self._values)

    def parts(self) -> tuple[str, ...]:
        return self._parts

    def state(self) -> str:
        return self._state

    def down_since(self) -> datetime | None:
        return self._down_since if self._state == "down" else None

    def busy(self) -> bool:
        return self.runner.busy() or self.forecast_runner.busy()

    def deferred(self, part: str) -> bool:
        """True while a reload of the slow ``part`` waits for its interval."""
        timer = self._deferred.get(part)
        return timer is not None and timer.isActive()

    def now(self) -> datetime:
        return self._clock()

    # -- internals ---------------------------------------------------------------

    def _submit(
        self,
        part: str,
        as_of: datetime | None = None,
        shared: dashboard.SharedReads | None = None,
    ) -> None:
        self._last_submit[part] = perf_counter()
        self.runner.submit(
            part,
            self._load,
            part,
            as_of or self._clock(),
            self._preparers.get(part),
            shared,
        )

    def _load(
        self,
        part: str,
        as_of: datetime,
        prepare: Callable[[Any], Any] | None,
        shared: dashboard.SharedReads | None = None,
    ) -> tuple[Any, Any]:
        if part == "heat":  # the history layer now, a forecast being computed later
            value = dashboard.load_heat(self.engine, as_of, wait=False)
        else:
            value = dashboard.load_part(self.engine, part, as_of, shared)
        return value, prepare(value) if prepare is not None else None

    def _on_forecast(self, result: TaskResult) -> None:
        """The forecast a heat part was waiting for is in: reload the part."""
        if not self._stopped:
            self._submit("heat")

    def _on_finished(self, result: TaskResult) -> None:
        part = result.key
        value, prepared = result.value
        self._failed.discard(part)
        self._values[part] = value
        self._prepared[part] = (value, prepared)
        self.timings[part] = result.seconds
        self.last_delivery[part] = perf_counter()
        as_of = getattr(value, "as_of", None)
        if isinstance(as_of, datetime):
            self.last_update = as_of if self.last_update is None else max(self.last_update, as_of)
        elif self.last_update is None:
            self.last_update = self._clock()
        if self._state == "down" and (self.feed is None or self.feed.state() != "down"):
            self._set_state("live")
        self._retry_attempt = 0
        self.part_updated.emit(part, value)
        self.updated.emit(self.last_update)
        if isinstance(value, dashboard.HeatPart) and value.forecast_pending:
            self.forecast_runner.submit(part, dashboard.wait_forecast, self.engine, value.as_of)

    def _on_failed(self, result: TaskResult) -> None:
        part = result.key
        self._failed.add(part)
        if is_connection_error(result.error):
            log.warning(
                "wall part %s: database unreachable: %s",
                part,
                str(result.error).splitlines()[0] if str(result.error) else "",
            )
            self._set_state("down")
        else:
            log.error("wall part %s failed:\n%s", part, result.traceback)
            self.problem.emit(part)
        delay = self._backoff[min(self._retry_attempt, len(self._backoff) - 1)]
        self._retry_attempt += 1
        if not self._retry.isActive():
            self._retry.start(round(delay * 1000))

    def _retry_failed(self) -> None:
        failed, self._failed = set(self._failed), set()
        for part in failed:
            self._submit(part)

    def _on_changed(self, domains: frozenset[str]) -> None:
        parts = dashboard.parts_for(domains)
        log.debug("change feed: %s -> %s", sorted(domains), sorted(parts))
        self.refresh(parts)

    def _on_feed_state(self, state: str) -> None:
        if state == "live" and self._state == "down":
            self._set_state("live")
            self.refresh(set(self._failed) | set(self._parts) - set(self._values))
        elif state == "down":
            self._set_state("down")
        elif state == "live":
            self._set_state("live")

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        if state == "down":
            self._down_since = datetime.now(CST)
        self._state = state
        self.connection_changed.emit(state)
