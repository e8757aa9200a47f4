"""The Qt side of the change feed: which data domains changed, and is the database up.

A listener thread watches the database and emits, on the GUI thread:

* ``changed(frozenset[str])`` — domains (``cases``, ``visits`` … of
  :data:`db.seed.CHANGE_DOMAINS`) changed by a commit of any connection;
* ``state_changed(str)`` — ``connecting``, ``live`` or ``down``; ``down_since``
  tells since when the database is unreachable.

PostgreSQL: ``LISTEN center_changes`` on a dedicated psycopg connection; each
``NOTIFY`` payload is a domain (sent by :func:`db.changes.bump` at commit). A
``SELECT 1`` heartbeat every few seconds notices a dead connection.
SQLite: ``PRAGMA data_version`` polled on one long-lived connection; when it moves,
the change counters tell which domains changed. A database file that disappears
counts as an outage.

After an outage the listener reconnects with exponential backoff; once back, it
compares the change counters with the last reading and reports what changed
meanwhile (all domains when that cannot be known).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy import Engine

from db.changes import CHANNEL, changed_domains, counters, data_version
from db.seed import CHANGE_DOMAINS
from db.types import CST

log = logging.getLogger("center.changefeed")

BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
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
        heartbeat_s: float = 5.0,
        debounce_s: float = 0.1,
        backoff: Sequence[float] = BACKOFF,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._poll_s = poll_s
        self._heartbeat_s = heartbeat_s
        self._debounce_s = debounce_s
        self._backoff = tuple(backoff)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
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
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("change feed thread did not stop within %.1f s", timeout)
            self._thread = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def state(self) -> str:
        return self._state

    # -- thread side ------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        if state == "down":
            self.down_since = datetime.now(CST)
        elif state == "live":
            self.down_since = None
        self._state = state
        self.state_changed.emit(state)

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

    def _went_live(self) -> None:
        """Connected: report what changed since the last reading."""
        with self._engine.connect() as conn:
            now = counters(conn)
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

    def _refresh_counters(self) -> frozenset[str]:
        with self._engine.connect() as conn:
            now = counters(conn)
        diff = changed_domains(self._last or {}, now) if self._last is not None else ALL
        self._last = now
        return diff

    # PostgreSQL ---------------------------------------------------------------

    def _listen_pg(self) -> None:
        import psycopg

        cargs, cparams = self._engine.dialect.create_connect_args(self._engine.url)
        cparams = dict(cparams)
        cparams.setdefault("connect_timeout", 5)
        cparams["application_name"] = self.application_name
        conn = psycopg.connect(*cargs, autocommit=True, **cparams)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
            self._went_live()
            last_beat = time.monotonic()
            while not self._stop.is_set():
                pending: set[str] = set()
                for note in conn.notifies(timeout=0.5):
                    pending.add(note.payload)
                    break
                if pending:
                    # drain the rest of a burst
                    for note in conn.notifies(timeout=self._debounce_s):
                        pending.add(note.payload)
                    self._refresh_counters()
                    self.changed.emit(frozenset(d for d in pending if d in ALL) or ALL)
                if time.monotonic() - last_beat >= self._heartbeat_s:
                    conn.execute("SELECT 1")
                    last_beat = time.monotonic()
        finally:
            _close_quietly(conn)

    # SQLite -------------------------------------------------------------------

    def _poll_sqlite(self) -> None:
        path = _sqlite_path(self._engine)
        if path is not None and not path.exists():
            raise FileNotFoundError(f"database file {path} is missing")
        conn = self._engine.connect()
        try:
            version = data_version(conn)
            conn.rollback()
            self._went_live()
            while not self._stop.wait(self._poll_s):
                if path is not None and not path.exists():
                    raise FileNotFoundError(f"database file {path} is missing")
                now = data_version(conn)
                conn.rollback()
                if now != version:
                    version = now
                    diff = self._refresh_counters()
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
