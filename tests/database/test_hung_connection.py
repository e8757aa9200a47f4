"""A hung database connection is noticed and recovers by itself (issue 19).

A probe froze the network (packets dropped, no reset) for 40 s: the change feed
never reported an outage, the wall never showed its banner and a wall query blocked
for the full 40 s. Here a small TCP proxy between the program and PostgreSQL stops
forwarding without closing a socket — the worst case, because the proxy's end of
every connection still acknowledges, so only the program's own limits can notice:

* the change feed reports the outage within 10 s (its heartbeat is not answered);
* a wall query fails with a clear error within the reader's limit instead of blocking;
* the feed and the wall controller come back by themselves when forwarding resumes.

The PostgreSQL connection settings (timeouts, keepalive) and the SQLite side (a
database locked by another connection counts as an outage, not a hang) are checked
too.
"""

from __future__ import annotations

import select
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from center.windows.runtime.changefeed import ALL, ChangeFeed  # noqa: E402
from center.windows.wall.controller import WallController  # noqa: E402
from db.changes import bump  # noqa: E402
from db.engine import (  # noqa: E402
    ANSWER_GRACE_S,
    READER_STATEMENT_TIMEOUT_S,
    long_running,
    make_engine,
    reader,
    transaction,
    writer,
)

pg_only = pytest.mark.parametrize(
    "db_url", [pytest.param("pg", marks=pytest.mark.pg)], indirect=True
)
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


class FreezableProxy:
    """A TCP proxy from 127.0.0.1:``port`` to ``target`` that can stop forwarding
    (:meth:`freeze`) without closing any socket, and start again (:meth:`resume`).

    While frozen it reads nothing: what either side sends waits in the kernel's
    buffers, as on a link that silently drops packets, except that TCP still
    acknowledges (so keepalive cannot help; the program's own limits must)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self._target = target
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port: int = self._server.getsockname()[1]
        self._forwarding = threading.Event()
        self._forwarding.set()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._spawn(self._accept)

    def freeze(self) -> None:
        self._forwarding.clear()

    def resume(self) -> None:
        self._forwarding.set()

    def close(self) -> None:
        self._closed.set()
        self._forwarding.set()
        self._server.close()
        with self._lock:
            for sock in self._sockets:
                _close(sock)
            threads = list(self._threads)
        for thread in threads:
            thread.join(5)

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name="test-proxy", daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets += [client, upstream]
            self._spawn(self._pump, client, upstream)
            self._spawn(self._pump, upstream, client)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        while not self._closed.is_set():
            if not self._forwarding.wait(0.1):
                continue  # frozen: leave the bytes where they are
            try:
                ready, _, _ = select.select([src], [], [], 0.1)
                if not ready:
                    continue
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
            except (OSError, ValueError):
                break
        _close(src)
        _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def proxy(db_url: str) -> Iterator[FreezableProxy]:
    url = make_url(db_url)
    p = FreezableProxy((url.host or "127.0.0.1", url.port or 5432))
    yield p
    p.close()


@pytest.fixture
def proxied(db_url: str, proxy: FreezableProxy) -> Iterator[Engine]:
    """An engine that reaches the test database through the proxy."""
    url = make_url(db_url).set(host="127.0.0.1", port=proxy.port)
    eng = make_engine(url.render_as_string(hide_password=False))
    yield eng
    eng.dispose()


def _is(state: str) -> Any:
    return lambda s: s == state


@pytest.mark.gui
@pg_only
def test_a_frozen_network_is_noticed_within_10_s_and_recovers_by_itself(
    qtbot: Any, engine: Engine, proxied: Engine, proxy: FreezableProxy
):
    controller = WallController(proxied, parts=("meetings",), full_refresh_ms=0)
    feed = controller.feed
    assert feed is not None
    try:
        controller.start()
        qtbot.waitUntil(
            lambda: feed.state() == "live" and controller.value("meetings") is not None,
            timeout=15_000,
        )
        assert controller.state() == "live"
        # a wall connection in use when the network freezes
        conn = controller.engine.connect()
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
        conn.rollback()
        outcome: dict[str, BaseException] = {}

        def wall_query() -> None:
            try:
                conn.execute(text("SELECT 1"))
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertions
                outcome["error"] = exc

        query = threading.Thread(target=wall_query, name="test-wall-query")
        # (a) the feed reports the outage within 10 s, (d) the wall shows the banner
        with qtbot.waitSignals(
            [feed.state_changed, controller.connection_changed],
            check_params_cbs=[_is("down"), _is("down")],
            timeout=10_000,
        ):
            proxy.freeze()
            query.start()
        assert controller.state() == "down"
        assert controller.down_since() is not None
        # (b) the wall query fails at the reader's limit instead of blocking
        qtbot.waitUntil(lambda: not query.is_alive(), timeout=20_000)
        error = outcome["error"]
        assert isinstance(error, OperationalError)
        limit = READER_STATEMENT_TIMEOUT_S + ANSWER_GRACE_S
        assert str(error.orig) == (
            f"the database server did not answer within {limit:g} s (the network or "
            "the server is down); the connection was closed"
        )
        assert conn.invalidated
        conn.close()
        assert controller.state() == "down"
        # (c) forwarding resumes: the feed and the wall come back by themselves
        with qtbot.waitSignals(
            [feed.state_changed, controller.connection_changed],
            check_params_cbs=[_is("live"), _is("live")],
            timeout=20_000,
        ):
            proxy.resume()
        assert controller.down_since() is None
        with controller.engine.connect() as again:
            assert again.execute(text("SELECT 1")).scalar_one() == 1
        # the feed listens again: a commit elsewhere reaches it (other test processes
        # on the server notify the same channel, hence "in")
        with qtbot.waitSignal(feed.changed, timeout=10_000, check_params_cb=lambda d: "cases" in d):
            with engine.begin() as direct:
                bump(direct, "cases")
    finally:
        controller.stop()
    assert not feed.is_running()


@pg_only
def test_postgresql_connections_carry_the_timeouts(engine: Engine):
    names = ("statement_timeout", "idle_in_transaction_session_timeout")

    def settings(eng: Engine) -> list[str]:
        with eng.connect() as conn:
            return [conn.execute(text(f"SHOW {n}")).scalar_one() for n in names]

    assert settings(engine) == ["1min", "5min"]
    assert settings(reader(engine)) == ["10s", "5min"]
    assert settings(reader(engine, 2.5)) == ["2500ms", "5min"]
    assert settings(writer(engine)) == ["0", "0"]
    assert settings(long_running(engine)) == ["0", "0"]
    with transaction(engine, long_running=True) as session:
        assert [session.execute(text(f"SHOW {n}")).scalar_one() for n in names] == ["0", "0"]
    # a lifted limit is local to its transaction: the pooled connection is back to normal
    assert settings(engine) == ["1min", "5min"]
    with engine.connect() as conn:
        params = conn.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
    assert {k: params[k] for k in ("connect_timeout", "keepalives", "tcp_user_timeout")} == {
        "connect_timeout": "5",
        "keepalives": "1",
        "tcp_user_timeout": "10000",
    }
    # the test URL's own options (its schema) are kept
    assert "search_path" in params["options"]
    with pytest.raises(OperationalError, match="canceling statement due to statement timeout"):
        with reader(engine, 0.5).connect() as conn:
            conn.execute(text("SELECT pg_sleep(5)"))


@sqlite_only
def test_sqlite_readers_wait_less_for_a_lock(engine: Engine):
    def busy(eng: Engine) -> int:
        with eng.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())

    assert busy(engine) == 10_000
    assert busy(reader(engine, 3)) == 3_000
    assert busy(engine) == 10_000
    assert busy(writer(engine)) == 10_000


@pytest.mark.gui
@sqlite_only
def test_a_locked_sqlite_database_is_an_outage_not_a_hang(qtbot: Any, db_url: str):
    path = Path(str(make_url(db_url).database))
    # another program holds the database exclusively (WAL: only with no other
    # connection open, so the lock is taken before the feed starts)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    locker.execute("UPDATE change_counter SET counter = counter + 1 WHERE domain = 'cases'")
    locker.execute("COMMIT")
    eng = make_engine(db_url)
    feed = ChangeFeed(eng, poll_s=0.2, backoff=(0.5,))
    try:
        with qtbot.waitSignal(feed.state_changed, timeout=10_000, check_params_cb=_is("down")):
            feed.start()
        assert feed.down_since is not None
        with pytest.raises(OperationalError, match="database is locked"):
            with reader(eng, 0.2).connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM change_counter").all()
        # the lock goes: the feed is back by itself and, not knowing what changed
        # meanwhile, reports every domain
        with qtbot.waitSignals(
            [feed.state_changed, feed.changed],
            check_params_cbs=[_is("live"), lambda d: d == ALL],
            timeout=10_000,
        ):
            locker.close()
        assert feed.down_since is None
    finally:
        feed.stop()
        locker.close()
        eng.dispose()


@pytest.mark.gui
@sqlite_only
def test_the_watchdog_reports_a_wait_that_no_driver_limit_bounds(
    qtbot: Any, db_url: str, monkeypatch: pytest.MonkeyPatch
):
    """A poll that does not come back (a stuck file system, a wait no timeout of the
    driver covers) is an outage after the answer limit plus the watchdog's grace; when
    it does come back the feed is live again, and nothing is reported as changed."""
    import center.windows.runtime.changefeed as changefeed

    release = threading.Event()
    calls = 0
    real = changefeed.data_version

    def third_poll_hangs(conn: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:  # the second poll after the feed went live
            release.wait(30)
        return real(conn)

    monkeypatch.setattr(changefeed, "data_version", third_poll_hangs)
    eng = make_engine(db_url)
    feed = ChangeFeed(eng, poll_s=0.1, answer_timeout_s=1.0)
    changes: list[frozenset[str]] = []
    feed.changed.connect(changes.append)
    try:
        with qtbot.waitSignal(feed.state_changed, timeout=10_000, check_params_cb=_is("live")):
            feed.start()
        with qtbot.waitSignal(feed.state_changed, timeout=10_000, check_params_cb=_is("down")):
            pass  # the third poll is hanging (or about to)
        assert calls == 3
        with qtbot.waitSignal(feed.state_changed, timeout=10_000, check_params_cb=_is("live")):
            release.set()
        qtbot.waitUntil(lambda: calls >= 5, timeout=10_000)  # polling goes on
        assert feed.state() == "live"
        assert changes == []
    finally:
        release.set()
        feed.stop()
        eng.dispose()
