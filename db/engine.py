"""Engines and sessions for SQLite (embedded default) and PostgreSQL (shared server)."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


#: Execution option of a connection that will write: on SQLite its transaction starts
#: with ``BEGIN IMMEDIATE`` (the write lock is taken, or waited for, up front, so a
#: read-then-write transaction cannot fail half-way because another writer came first).
WRITE_OPTION = "center_writes"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own transaction handling begins a transaction only before an
    # INSERT/UPDATE/DELETE: reads before it would each see their own snapshot and DDL
    # would be committed at once. It is switched off; ``_sqlite_begin`` emits BEGIN
    # when SQLAlchemy begins a transaction, so a transaction is one SQLite
    # transaction from its first statement (one snapshot; DDL rolls back).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    # 8 MiB page cache per connection: the KPI statements read covering indexes (the
    # OS page cache serves the rest as fast); 64 MiB measured no faster and made the
    # wall's pooled connections cost ~100 MB more memory
    cur.execute("PRAGMA cache_size=-8192")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except Exception:  # noqa: BLE001, S110 - in-memory databases have no WAL; harmless
        pass
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    writes = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


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
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
            _create_owner_only(Path(db))
        engine = create_engine(url, **kw)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, **kw)
    raise DatabaseError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///FILE "
        "or postgresql+psycopg://user@host/db"
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One service call = one transaction: commit on success, roll back on error.

    ``write`` (the default): on SQLite it holds the write lock from its first
    statement (``BEGIN IMMEDIATE``), so no other writer can slip in between its
    reads and its writes. ``write=False`` for work that only reads (a dry run): a
    plain snapshot that never blocks a writer."""
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session


def writer(engine: Engine) -> Engine:
    """``engine`` for a caller that writes through ``engine.begin()`` (migrations, the
    demo builder): on SQLite its transactions take the write lock up front, so moving
    from reading to writing cannot fail at once with "database is locked"."""
    return engine.execution_options(**{WRITE_OPTION: True})


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
