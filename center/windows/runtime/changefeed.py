"""The Qt side of the change feed: which data domains changed, and is the database up.

A listener thread watches the database and emits, on the GUI thread:

* ``changed(frozenset[str])`` — domains (``cases``, ``visits`` … of
  :data:`db.seed.CHANGE_DOMAINS`) changed by a commit of any connection;
* ``state_changed(str)`` — ``connecting``, ``live`` or ``down``; ``down_since``
  tells since when the database is unreachable.

PostgreSQL: ``LISTEN center_changes`` on a dedicated psycopg connection; each
``NOTIFY`` payload is a domain (sent by :func:`db.changes.bump` at commit). A
``SELECT 1`` heartbeat every :data:`HEARTBEAT_S` notices a dead connection: every
wait for the server on that connection (the heartbeat, the counters, the
notifications) is bounded, and a heartbeat not answered within
:data:`ANSWER_TIMEOUT_S` is an outage — a frozen network (packets dropped, no reset)
is reported within ``HEARTBEAT_S + ANSWER_TIMEOUT_S`` plus half a second, 6.5 s.
SQLite: ``PRAGMA data_version`` polled on one long-lived connection; when it moves,
the change counters tell which domains changed. A database file that disappears, or
one locked by another connection for longer than ``ANSWER_TIMEOUT_S``, counts as an
outage.

After an outage the listener reconnects with exponential backoff (at most
:data:`BACKOFF`'s last step between attempts, and each attempt gives up after
:data:`db.engine.CONNECT_TIMEOUT_S`); once back, it compares the change counters with
the last reading and reports what changed meanwhile (all domains when that cannot be
known).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from db.changes import CHANNEL, COUNTERS_SQL, changed_domains, counters, data_version
from db.engine import CONNECT_TIMEOUT_S, connect_pg, reader
from db.seed import CHANGE_DOMAINS
from db.types import CST

log = logging.getLogger("center.changefeed")

#: seconds between reconnection attempts after an outage: a street office wants the
#: banner gone soon after the network is back, and a reconnection costs one connection
BACKOFF = (1.0, 2.0, 4.0, 8.0, 10.0)
#: seconds between two heartbeats on an idle connection
HEARTBEAT_S = 2.0
#: the longest wait for an answer of the database (a heartbeat, the counters; on
#: SQLite for a lock) before the feed reports an outage
ANSWER_TIMEOUT_S = 4.0
#: how long a notification wait lasts before the loop checks the heartbeat and stop
NOTIFY_WAIT_S = 0.5
#: the watchdog reports an outage when the listener has waited for the database this
#: much longer than :data:`ANSWER_TIMEOUT_S` (a wait that no limit of the driver
#: bounds as tightly: opening a SQLite connection behind a lock, a stuck file system)
WATCHDOG_GRACE_S = 1.0
ALL = frozenset(CHANGE_DOMAINS)


class ChangeFeed(QObject):
    changed = Signal(object)  # frozenset[str]
    state_changed = Signal(str)

    def __init__(
        self,
        engine: Engine,
        parent: QObject | None = None,
        *,
        poll_s: float = 1.0,
        heartbeat_s: float = HEARTBEAT_S,
        answer_timeout_s: float = ANSWER_TIMEOUT_S,
        debounce_s: float = 0.1,
        backoff: Sequence[float] = BACKOFF,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._poll_s = poll_s
        self._heartbeat_s = heartbeat_s
        self._answer_timeout_s = answer_timeout_s
        self._debounce_s = debounce_s
        self._backoff = tuple(backoff)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watchdog: threading.Thread | None = None
        self._state_lock = threading.Lock()
        # monotonic time the listener started waiting for the database (None: not waiting)
        self._waiting_since: float | None = None
        self._state = "connecting"
        self.down_since: datetime | None = None
        self._last: dict[str, int] | None = None
        self._connected = False
        # names the LISTEN connection in pg_stat_activity (tests and administrators)
        self.application_name = f"center-changefeed-{os.getpid()}-{id(self) % 100000}"

    # -- control -----------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="center-changefeed", daemon=True)
        self._watchdog = threading.Thread(
            target=self._watch, name="center-changefeed-watchdog", daemon=True
        )
        self._thread.start()
        self._watchdog.start()

    def stop(self, timeout: float = CONNECT_TIMEOUT_S + ANSWER_TIMEOUT_S) -> None:
        """Stop the listener; it may be inside a bounded wait (a connection attempt,
        a heartbeat), hence the default ``timeout``."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in (self._thread, self._watchdog):
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
                if thread.is_alive():
                    log.warning("change feed thread did not stop within %.1f s", timeout)
        self._thread = self._watchdog = None

    def is_running(self) -> bool:
        return any(t is not None and t.is_alive() for t in (self._thread, self._watchdog))

    def state(self) -> str:
        return self._state

    # -- thread side ------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        # the listener and the watchdog both report: one change at a time, in order
        with self._state_lock:
            if state == self._state:
                return
            if state == "down":
                self.down_since = datetime.now(CST)
            elif state == "live":
                self.down_since = None
            self._state = state
            self.state_changed.emit(state)

    @contextmanager
    def _waiting(self) -> Iterator[None]:
        """The listener waits for the database inside this block (the watchdog's view;
        a nested block counts from the outer one's start)."""
        outer = self._waiting_since
        if outer is None:
            self._waiting_since = time.monotonic()
        try:
            yield
        finally:
            self._waiting_since = outer

    def _watch(self) -> None:
        """Report an outage when the listener waits for the database too long, even if
        the wait itself is not over yet (the listener reports the recovery)."""
        limit = self._answer_timeout_s + WATCHDOG_GRACE_S
        while not self._stop.wait(0.25):
            since = self._waiting_since
            if since is not None and time.monotonic() - since > limit and self._state != "down":
                log.warning("change feed: no answer from the database within %.1f s", limit)
                self._set_state("down")

    def _answered(self, read: Callable[[], dict[str, int]]) -> None:
        """A wait the watchdog gave up on came back after all: live again."""
        if self._state == "down":
            with self._waiting():
                self._went_live(read)

    def _run(self) -> None:
        attempt = 0
        listen = self._listen_pg if self._engine.dialect.name == "postgresql" else self._poll_sqlite
        while not self._stop.is_set():
            self._connected = False
            try:
                listen()
                return  # stopped
            except Exception as exc:  # noqa: BLE001 - any failure is an outage
                if self._stop.is_set():
                    return
                log.warning("change feed: database unreachable: %s", _one_line(exc))
                self._set_state("down")
            if self._connected:  # it was up: start the backoff over
                attempt = 0
            delay = self._backoff[min(attempt, len(self._backoff) - 1)]
            attempt += 1
            if self._stop.wait(delay):
                return

    def _went_live(self, read: Callable[[], dict[str, int]]) -> None:
        """Connected: report what changed since the last reading (``read`` reads the
        change counters on the listener's own connection, under its answer limit)."""
        now = read()
        before = self._last
        self._last = now
        self._connected = True
        was_down = self._state == "down"
        self._set_state("live")
        if before is None:
            if was_down:
                self.changed.emit(ALL)
            return
        diff = changed_domains(before, now)
        if diff:
            self.changed.emit(diff)

    def _refresh_counters(self, read: Callable[[], dict[str, int]]) -> frozenset[str]:
        now = read()
        diff = changed_domains(self._last or {}, now) if self._last is not None else ALL
        self._last = now
        return diff

    # PostgreSQL ---------------------------------------------------------------

    def _listen_pg(self) -> None:
        with self._waiting():
            conn = connect_pg(
                self._engine,
                answer_timeout=self._answer_timeout_s,
                application_name=self.application_name,
            )

        def read() -> dict[str, int]:
            return {str(d): int(c) for d, c in conn.execute(COUNTERS_SQL).fetchall()}

        try:
            with self._waiting():
                conn.execute(f"LISTEN {CHANNEL}")
                self._went_live(read)
            last_beat = time.monotonic()
            while not self._stop.is_set():
                pending: set[str] = set()
                for note in conn.notifies(timeout=NOTIFY_WAIT_S):
                    pending.add(note.payload)
                    break
                if pending:
                    # drain the rest of a burst
                    for note in conn.notifies(timeout=self._debounce_s):
                        pending.add(note.payload)
                    with self._waiting():
                        self._refresh_counters(read)
                    self.changed.emit(frozenset(d for d in pending if d in ALL) or ALL)
                    last_beat = time.monotonic()  # the counters came back: it is alive
                    self._answered(read)
                if time.monotonic() - last_beat >= self._heartbeat_s:
                    # answered within the connection's answer limit, or an outage
                    with self._waiting():
                        conn.execute("SELECT 1")
                    last_beat = time.monotonic()
                    self._answered(read)
        finally:
            _close_quietly(conn)

    # SQLite -------------------------------------------------------------------

    def _poll_sqlite(self) -> None:
        path = _sqlite_path(self._engine)
        if path is not None and not path.exists():
            raise FileNotFoundError(f"database file {path} is missing")
        # a lock held by another connection is waited for at most the answer limit
        with self._waiting():
            conn = reader(self._engine, self._answer_timeout_s).connect()

        def read() -> dict[str, int]:
            return counters(conn)

        try:
            with self._waiting():
                version = data_version(conn)
                self._went_live(read)
                conn.rollback()
            while not self._stop.wait(self._poll_s):
                if path is not None and not path.exists():
                    raise FileNotFoundError(f"database file {path} is missing")
                with self._waiting():
                    now = data_version(conn)
                    diff = frozenset[str]()
                    if now != version:
                        version = now
                        diff = self._refresh_counters(read)
                    self._answered(read)
                    conn.rollback()
                if diff:
                    self.changed.emit(diff)
        finally:
            _close_quietly(conn)


def _close_quietly(conn: object) -> None:
    try:
        conn.close()  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the connection is already broken
        log.debug("closing a broken connection: %s", _one_line(exc))


def _sqlite_path(engine: Engine) -> Path | None:
    db = engine.url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(os.path.expanduser(db))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
