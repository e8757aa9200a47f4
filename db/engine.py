"""Engines and sessions for SQLite (embedded default) and PostgreSQL (shared server)."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import DatabaseError

if TYPE_CHECKING:
    import psycopg

MIGRATIONS = Path(__file__).parent / "migrations"


#: Execution option of a connection that will write: on SQLite its transaction starts
#: with ``BEGIN IMMEDIATE`` (the write lock is taken, or waited for, up front, so a
#: read-then-write transaction cannot fail half-way because another writer came first).
WRITE_OPTION = "center_writes"

# -- how long the program waits for the database ---------------------------------
#
# A hung connection (the network frozen, packets dropped, no reset) must not block a
# caller for minutes: on PostgreSQL every connection gets
#
# * ``connect_timeout``: a server that does not answer the connection in time is down;
# * TCP keepalive and ``tcp_user_timeout``: the operating system drops a connection
#   whose peer stopped acknowledging (sent data or keepalive probes) — this catches a
#   frozen network on idle pooled connections and on long batch statements alike;
# * a server-side ``statement_timeout`` and ``idle_in_transaction_session_timeout``:
#   a runaway query is cancelled and a transaction left open by a hung client stops
#   holding its locks;
# * a client-side answer limit (the statement timeout plus :data:`ANSWER_GRACE_S`):
#   when the server's own cancellation cannot reach us either (a frozen link whose
#   TCP peer still acknowledges, e.g. a proxy or a NAT box that stopped forwarding),
#   the connection is closed and the call fails with a clear error.
#
# Batch work (imports, the demo builder, backups and restores, migrations) lifts the
# statement and idle limits for its transactions (:func:`writer`, :func:`long_running`);
# readers that must stay responsive (the wall) take a short one (:func:`reader`).

#: seconds to establish a connection (libpq counts at least 2)
CONNECT_TIMEOUT_S = 5
#: TCP keepalive: first probe after this many idle seconds, then every
#: :data:`KEEPALIVE_INTERVAL_S`, the connection is dead after :data:`KEEPALIVE_COUNT` misses
KEEPALIVE_IDLE_S = 5
KEEPALIVE_INTERVAL_S = 2
KEEPALIVE_COUNT = 3
#: data (or a keepalive probe) unacknowledged this long closes the connection
TCP_USER_TIMEOUT_MS = 10_000
#: the server cancels a statement after this long, unless the transaction lifts it;
#: no interactive query of a district comes near it (the slowest, a 12-month trend,
#: takes about a second), and batch work lifts it
STATEMENT_TIMEOUT_S = 60.0
#: the server ends a session idle inside a transaction this long (a hung or crashed
#: workstation does not hold row locks for longer)
IDLE_IN_TRANSACTION_TIMEOUT_S = 300.0
#: the wall and other readers that must notice an outage quickly
READER_STATEMENT_TIMEOUT_S = 10.0
#: the client waits this much longer than the server's statement limit, so a healthy
#: server's own "canceling statement due to statement timeout" arrives first
ANSWER_GRACE_S = 2.0
#: the client's limit outside a transaction (pool pings, the dialect's first queries)
PING_TIMEOUT_S = 5.0
#: Execution option: the statement limit (seconds) of the transactions begun through
#: this engine or connection; ``0`` lifts it (and the idle-in-transaction limit). On
#: SQLite it is the longest wait for a lock (``busy_timeout``; 0: the default).
STATEMENT_TIMEOUT_OPTION = "center_statement_timeout"
#: SQLite's wait for a lock held by another connection (milliseconds)
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: the wait for a lock when a new connection makes sure the file is in WAL mode
SQLITE_WAL_SWITCH_TIMEOUT_MS = 1_000
#: the size SQLite cuts its write-ahead log back to when it starts it over: without a
#: limit the file keeps the size of the largest transaction it ever held (the demo
#: street's build left a 300 MB log beside a 303 MB database)
SQLITE_JOURNAL_LIMIT_BYTES = 64 * 1024 * 1024


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own transaction handling begins a transaction only before an
    # INSERT/UPDATE/DELETE: reads before it would each see their own snapshot and DDL
    # would be committed at once. It is switched off; ``_sqlite_begin`` emits BEGIN
    # when SQLAlchemy begins a transaction, so a transaction is one SQLite
    # transaction from its first statement (one snapshot; DDL rolls back).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    # 8 MiB page cache per connection: the KPI statements read covering indexes (the
    # OS page cache serves the rest as fast); 64 MiB measured no faster and made the
    # wall's pooled connections cost ~100 MB more memory
    cur.execute("PRAGMA cache_size=-8192")
    # switching to WAL needs the database unlocked, but only a new file needs the
    # switch (WAL is a property of the file): a database another program holds locked
    # must not keep a new connection waiting the full busy timeout here as well
    cur.execute(f"PRAGMA busy_timeout={SQLITE_WAL_SWITCH_TIMEOUT_MS}")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except Exception:  # noqa: BLE001, S110 - in-memory databases have no WAL; harmless
        pass
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute(f"PRAGMA journal_size_limit={int(SQLITE_JOURNAL_LIMIT_BYTES)}")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    limit = options.get(STATEMENT_TIMEOUT_OPTION)
    busy_ms = round(limit * 1000) if limit else SQLITE_BUSY_TIMEOUT_MS
    info = conn.connection.info
    if info.get("busy_ms", SQLITE_BUSY_TIMEOUT_MS) != busy_ms:
        # a reader that must answer quickly waits less for a lock than a writer
        conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
        info["busy_ms"] = busy_ms
    writes = options.get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


# -- PostgreSQL: timeouts and the client-side answer limit -----------------------


def _pg_settings_option(statement_s: float, idle_s: float) -> str:
    return (
        f"-c statement_timeout={round(statement_s * 1000)} "
        f"-c idle_in_transaction_session_timeout={round(idle_s * 1000)}"
    )


def pg_connect_params(params: dict[str, Any], *, statement_s: float = STATEMENT_TIMEOUT_S) -> None:
    """Add the program's timeouts and TCP keepalive to psycopg connection ``params``
    (in place); what the URL sets itself wins, and the URL's ``options`` are kept
    (after the program's, so a ``-c`` of the URL overrides)."""
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    params.setdefault("keepalives", 1)
    params.setdefault("keepalives_idle", KEEPALIVE_IDLE_S)
    params.setdefault("keepalives_interval", KEEPALIVE_INTERVAL_S)
    params.setdefault("keepalives_count", KEEPALIVE_COUNT)
    params.setdefault("tcp_user_timeout", TCP_USER_TIMEOUT_MS)
    ours = _pg_settings_option(statement_s, IDLE_IN_TRANSACTION_TIMEOUT_S)
    theirs = str(params.get("options") or "").strip()
    params["options"] = f"{ours} {theirs}".strip()


@functools.cache
def _guarded_class() -> type[psycopg.Connection[Any]]:
    """psycopg's connection with a limit on every wait for the server (made on first
    use: the driver is imported only for PostgreSQL)."""
    import psycopg
    from psycopg import errors

    class GuardedConnection(psycopg.Connection[Any]):
        """A connection that gives up on a server that does not answer: a wait longer
        than :attr:`answer_timeout` seconds closes the connection and raises
        ``OperationalError`` (the pool then replaces the connection)."""

        answer_timeout: float | None = PING_TIMEOUT_S

        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            limit = self.answer_timeout
            if timeout is not None or limit is None:
                return super().wait(gen, interval, timeout)
            try:
                return super().wait(gen, interval, limit)
            except errors._WaitTimeout:
                # mid-protocol: the connection cannot be used again
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"the database server did not answer within {limit:g} s (the network "
                    "or the server is down); the connection was closed"
                ) from None

    return GuardedConnection


def connect_pg(
    engine: Engine, *, answer_timeout: float | None, application_name: str = ""
) -> psycopg.Connection[Any]:
    """A psycopg connection (autocommit, outside ``engine``'s pool) to ``engine``'s
    database with the program's timeouts and a client-side limit of ``answer_timeout``
    seconds on every wait for the server (the change feed's LISTEN connection)."""
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    params = dict(cparams)
    pg_connect_params(params)
    if application_name:
        params["application_name"] = application_name
    conn = _guarded_class().connect(*cargs, autocommit=True, **params)
    conn.answer_timeout = answer_timeout  # type: ignore[attr-defined]
    return conn


def _answer_limit(statement_s: float) -> float | None:
    return statement_s + ANSWER_GRACE_S if statement_s > 0 else None


def _pg_connect(dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
    pg_connect_params(cparams)
    return _guarded_class().connect(*cargs, **cparams)


def _pg_begin(conn: Any) -> None:
    """A transaction's limits: the engine's (set at connect) unless it names its own."""
    limit = conn.get_execution_options().get(STATEMENT_TIMEOUT_OPTION)
    if limit is None:
        conn.connection.dbapi_connection.answer_timeout = _answer_limit(STATEMENT_TIMEOUT_S)
        return
    statement_limit(conn, limit)


def statement_limit(conn: Any, limit: float) -> None:
    """On PostgreSQL (psycopg), the limits of ``conn``'s current transaction: its
    statements are cancelled by the server after ``limit`` seconds (0: none) and an
    unanswered one fails on the client :data:`ANSWER_GRACE_S` later. What a
    transaction begun on an engine with :data:`STATEMENT_TIMEOUT_OPTION` gets; a
    transaction whose first statement must be another (``SET TRANSACTION SNAPSHOT``)
    begins without the option and calls this after it."""
    dbapi_conn = conn.connection.dbapi_connection
    statement_ms = round(limit * 1000)
    idle_ms = round(IDLE_IN_TRANSACTION_TIMEOUT_S * 1000) if limit else 0
    # local to the transaction: the session's values are back when it ends
    conn.exec_driver_sql(
        f"SELECT set_config('statement_timeout', '{statement_ms}', true), "
        f"set_config('idle_in_transaction_session_timeout', '{idle_ms}', true)"
    )
    dbapi_conn.answer_timeout = _answer_limit(limit)


def _pg_checkin(dbapi_conn: Any, _record: Any) -> None:
    # a pooled connection's next use starts with a ping, before any transaction
    if dbapi_conn is not None:
        dbapi_conn.answer_timeout = PING_TIMEOUT_S


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as psycopg 3 URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _create_owner_only(path: Path) -> None:
    """Create an empty database file readable by its owner only, unless it exists
    (SQLite gives its -wal and -shm files the database file's permissions)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, FileNotFoundError):
        return
    os.close(fd)


#: rows a driver makes per call in :func:`fetch_sliced`
FETCH_SLICE = 2000


def fetch_sliced(cursor: Any) -> list[Any]:
    """Every row of a DB-API ``cursor``, :data:`FETCH_SLICE` at a time. A driver makes
    the rows of one call while it holds the interpreter lock, so every other thread
    (the wall's GUI) waits for the whole call: a district board's 31,786 rows in one
    ``fetchall`` held it 64-72 ms, a slice about 5 ms."""
    rows: list[Any] = []
    while chunk := cursor.fetchmany(FETCH_SLICE):
        rows += chunk
    return rows


@functools.cache
def sqlite_has_json() -> bool:
    """Whether this Python's SQLite has the JSON functions (built in from 3.38; Debian's,
    Ubuntu's and python.org's builds had them before). The meeting board reads its runs
    of open cases through ``json_each``."""
    import sqlite3

    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("SELECT value FROM json_each('[1]') WHERE json_extract('[2]', '$[0]') = 2")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


def make_engine(url: str, **kw: Any) -> Engine:
    """An engine for ``url``. Statement parameters never appear in error messages or
    logs (``hide_parameters``: they may hold personal information); a new SQLite file
    is created owner-only."""
    url = normalise_url(url)
    kw.setdefault("hide_parameters", True)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r} ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        if not sqlite_has_json():
            import sqlite3

            raise DatabaseError(
                f"this Python's SQLite {sqlite3.sqlite_version} has no JSON functions "
                "(json_each, json_extract), which the meeting board needs: use a Python "
                "whose SQLite is 3.38 or newer, or one built with JSON1"
            )
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
            _create_owner_only(Path(db))
        engine = create_engine(url, **kw)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True, **kw)
        if parsed.get_driver_name() == "psycopg":
            event.listen(engine, "do_connect", _pg_connect)
            event.listen(engine, "begin", _pg_begin)
            event.listen(engine, "checkin", _pg_checkin)
        return engine
    raise DatabaseError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///FILE "
        "or postgresql+psycopg://user@host/db"
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(
    engine: Engine, *, write: bool = True, long_running: bool = False
) -> Iterator[Session]:
    """One service call = one transaction: commit on success, roll back on error.

    ``write`` (the default): on SQLite it holds the write lock from its first
    statement (``BEGIN IMMEDIATE``), so no other writer can slip in between its
    reads and its writes. ``write=False`` for work that only reads (a dry run): a
    plain snapshot that never blocks a writer. ``long_running``: batch work (an
    import) whose statements must not be cut by the statement limit."""
    options: dict[str, Any] = {}
    if write:
        options[WRITE_OPTION] = True
    if long_running:
        options[STATEMENT_TIMEOUT_OPTION] = 0
    bind = engine.execution_options(**options) if options else engine
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session


def writer(engine: Engine) -> Engine:
    """``engine`` for a batch caller that writes through ``engine.begin()`` (migrations,
    the demo builder, backups and restores): on SQLite its transactions take the write
    lock up front, so moving from reading to writing cannot fail at once with "database
    is locked"; on PostgreSQL the statement and idle limits are lifted for them (a
    migration's index build or a restore's COPY may run for minutes; TCP keepalive
    still notices a dead network)."""
    return engine.execution_options(**{WRITE_OPTION: True, STATEMENT_TIMEOUT_OPTION: 0})


def long_running(engine: Engine) -> Engine:
    """``engine`` for batch work that must not be cut by the statement limit (an
    import, a backup's reads): its transactions have no statement or idle limit."""
    return engine.execution_options(**{STATEMENT_TIMEOUT_OPTION: 0})


def reader(engine: Engine, seconds: float = READER_STATEMENT_TIMEOUT_S) -> Engine:
    """``engine`` for a reader that must stay responsive (the wall, the change feed):
    a statement of its transactions is cancelled after ``seconds``, and an unanswered
    one fails ``seconds`` + :data:`ANSWER_GRACE_S` after it was sent; on SQLite it
    waits at most ``seconds`` for a lock."""
    if seconds <= 0:
        raise ValueError("a reader's statement limit must be positive")
    return engine.execution_options(**{STATEMENT_TIMEOUT_OPTION: seconds})


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


#: Alembic's table of the applied revision (its default name and schema).
VERSION_TABLE = "alembic_version"


def _read_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise DatabaseError(
            f"the database is at several schema revisions at once ({', '.join(rows)}): "
            "it was not migrated by this program"
        )
    return rows[0] if rows else None


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (``None``: no schema yet).

    Read with one query, as Alembic's ``MigrationContext.get_current_revision`` does,
    without importing Alembic (tests/database/test_schema.py checks that the two agree)."""
    with engine.connect() as conn:
        return _read_revision(conn)


_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.*?)\s*(?:#.*)?$", re.MULTILINE
)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


@functools.cache
def head_revision() -> str:
    """The newest revision of ``db/migrations/versions``: the one no other revision
    names as its ``down_revision``.

    Read from the assignments at the top of each migration file, without importing
    Alembic (tests/database/test_schema.py checks it against Alembic's ``ScriptDirectory``)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {m[1]: m[2] for m in _ASSIGNMENT.finditer(path.read_text("utf-8"))}
        if "revision" not in found:
            continue
        (revision,) = _QUOTED.findall(found["revision"])
        revisions.add(revision)
        parents.update(_QUOTED.findall(found.get("down_revision", "None")))
    heads = sorted(revisions - parents)
    if len(heads) != 1:
        raise DatabaseError(f"the migrations have {len(heads)} head revisions: {heads}")
    return heads[0]


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(writer(engine)), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(writer(engine)), revision)


def open_database(url: str, *, auto_upgrade: bool | None = None) -> Engine:
    """Engine for ``url``, checked to be reachable and at the current schema.

    A fresh or older SQLite file is upgraded automatically; a PostgreSQL database
    must be upgraded explicitly with ``center db upgrade`` (a shared server is
    migrated once, by its administrator), unless ``auto_upgrade`` is true.
    """
    engine = make_engine(url)
    is_sqlite = engine.dialect.name == "sqlite"
    try:
        rev = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"cannot open the database {engine.url!r}: {exc.orig}") from exc
    if rev != head_revision():
        if auto_upgrade or (auto_upgrade is None and is_sqlite):
            upgrade(engine)
        elif rev is None and not inspect(engine).get_table_names():
            raise DatabaseError(
                f"the database {engine.url!r} is empty: run `center db upgrade --db URL` first"
            )
        else:
            raise DatabaseError(
                f"the database {engine.url!r} is at schema {rev}, the program needs "
                f"{head_revision()}: run `center db upgrade`"
            )
    return engine
