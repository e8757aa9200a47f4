"""Backups: a consistent snapshot of every table in one SQLite file, and its restore.

A backup is itself a database of this program: an SQLite file built by the migrations
at the source's schema revision (its ``alembic_version`` says which), holding every
row of every table as it was in one snapshot of the source, plus two tables of its
own: ``backup_info`` (format, schema revision, source engine, time) and
``backup_rows`` (the rows of each table). Personal information stays encrypted as
stored; the key is never in it.

:func:`backup` reads the source in one read-only snapshot (PostgreSQL: a REPEATABLE
READ transaction; SQLite: one read transaction) and writes a temporary file beside
the target, renamed over it only once complete: a failed backup leaves nothing.
:func:`restore` loads a backup at the program's schema into an empty database of
either engine (or, with ``replace``, over one that holds data) in one transaction
and checks every table's rows against the backup's count: all or nothing.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from db.changes import CHANNEL
from db.engine import (
    VERSION_TABLE,
    _read_revision,
    head_revision,
    long_running,
    make_engine,
    upgrade,
    writer,
)
from db.errors import DatabaseError
from db.models import (
    AuditLog,
    Base,
    Category,
    ChangeCounter,
    Department,
    KpiMonthState,
    KpiMonthSummary,
    KpiTarget,
    Setting,
    Subcategory,
)
from db.seed import CHANGE_DOMAINS
from db.types import CST

#: Version of the file layout (the two ``backup_*`` tables); a restore refuses others.
FORMAT = "1"
#: Rows read and written per statement.
CHUNK = 5000
#: Tables the migrations fill with the shipped reference data: a database whose only
#: rows are in these is empty (a restore replaces them with the backup's).
REFERENCE_TABLES = frozenset(
    m.__tablename__ for m in (Category, ChangeCounter, Department, KpiTarget, Setting, Subcategory)
)
#: Tables derived from the data and recomputed on demand (the kept KPI months of
#: :mod:`db.kpi_summary`): a backup does not hold them, a restore empties them, and
#: their rows do not make a database "hold data".
DERIVED_TABLES = frozenset(m.__tablename__ for m in (KpiMonthState, KpiMonthSummary))
#: Tables whose rows triggers protect from DELETE: emptied only when a restore replaces
#: a database's data, with their triggers set aside inside the restore's transaction.
APPEND_ONLY_TABLES = (AuditLog.__tablename__,)

#: ``progress(rows_done, rows_total, table_name)``: called while a large table is
#: copied; raising from it cancels the backup or restore and nothing is written.
Progress = Callable[[int, int, str], None]

_SQLITE_HEADER = b"SQLite format 3\x00"

_manifest = MetaData()
INFO = Table(
    "backup_info",
    _manifest,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
ROWS = Table(
    "backup_rows",
    _manifest,
    Column("table_name", String(80), primary_key=True),
    Column("row_count", Integer, nullable=False),
)


class BackupError(DatabaseError):
    """A backup cannot be written or restored; the message says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file says about itself."""

    path: Path
    revision: str
    created_at: str  # ISO 8601, +08:00
    source: str  # the engine it was taken from: sqlite | postgresql
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class BackupReport:
    path: Path
    revision: str
    rows: dict[str, int]
    size_bytes: int
    elapsed_s: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    revision: str
    rows: dict[str, int]
    #: the business rows the database held before (table -> rows; empty: none)
    replaced: dict[str, int]
    elapsed_s: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# ------------------------------------------------------------------ backup


def backup(
    engine: Engine, path: str | os.PathLike[str], progress: Progress | None = None
) -> BackupReport:
    """Write every table of ``engine``'s database, as of one snapshot, into the new
    SQLite file ``path`` and return what was written.

    ``path``'s folder must exist; an existing file there is replaced only if it is a
    backup itself. A database at an older schema than the program's is backed up at
    its own schema (its tables as they are), so a downgrade can be undone."""
    t0 = time.perf_counter()
    target = Path(path)
    _check_target(target, engine)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise BackupError(
            f"cannot write the backup into {target.parent}: {exc.strerror or exc}"
        ) from exc
    os.close(fd)
    tmp = Path(name).resolve()
    try:
        with _snapshot(engine) as src:
            revision = _read_revision(src)
            if revision is None:
                raise BackupError(
                    f"the database {engine.url!r} has no schema yet: there is nothing to back up"
                )
            tables = _source_tables(src, revision)
            counts = {
                t.name: int(src.scalar(select(func.count()).select_from(t)) or 0) for t in tables
            }
            rows = _write_file(src, tmp, revision, tables, counts, progress)
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        _remove(tmp)
        raise
    return BackupReport(
        path=target,
        revision=revision,
        rows=rows,
        size_bytes=target.stat().st_size,
        elapsed_s=time.perf_counter() - t0,
    )


def _check_target(target: Path, engine: Engine) -> None:
    if not target.parent.is_dir():
        raise BackupError(
            f"cannot write the backup {target}: the folder {target.parent} does not exist"
        )
    if engine.dialect.name == "sqlite" and engine.url.database:
        source = Path(engine.url.database)
        if target.exists() and source.exists() and target.resolve() == source.resolve():
            raise BackupError(f"{target} is the database being backed up: choose another file")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: name the backup file to write")
    if target.exists() and not _is_backup(target):
        raise BackupError(
            f"{target} exists and is not a backup: choose another file name (only an older "
            "backup is replaced)"
        )


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection inside one read-only transaction: every read sees the same state
    (with no statement or idle limit: a district's tables take minutes to copy)."""
    source = long_running(engine)
    if engine.dialect.name == "postgresql":
        # set on the connection before BEGIN: the transaction's first statement is the
        # lifted statement limit, after which SET TRANSACTION could no longer be run
        source = source.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    with source.connect() as conn, conn.begin():
        # SQLite: the transaction (BEGIN, see db.engine) takes its snapshot at the first
        # read and keeps it until it ends
        yield conn


def _source_tables(src: Connection, revision: str) -> list[Table]:
    """The tables to copy, parents before children. At the program's schema, the
    models' tables; at another schema, the tables as they are in the database (each
    column with its model's type where the model has that column)."""
    if revision == head_revision():
        return data_tables()
    reflected = MetaData()
    reflected.reflect(bind=src)
    for table in reflected.tables.values():
        model = Base.metadata.tables.get(table.name)
        for column in table.columns:
            if model is not None and column.name in model.c:
                column.type = model.c[column.name].type
    skip = {VERSION_TABLE, INFO.name, ROWS.name, *DERIVED_TABLES}
    return [t for t in reflected.sorted_tables if t.name not in skip]


def _write_file(
    src: Connection,
    tmp: Path,
    revision: str,
    tables: Sequence[Table],
    counts: dict[str, int],
    progress: Progress | None,
) -> dict[str, int]:
    dest = make_engine(f"sqlite:///{tmp}")
    # a temporary file renamed only when complete: no need to survive a crash midway
    event.listen(dest, "connect", _fast_load_pragmas)
    try:
        try:
            upgrade(dest, revision)
        except Exception as exc:  # Alembic: a revision this program does not know
            if revision != head_revision():
                raise BackupError(
                    f"the database is at schema {revision}, which this program (schema "
                    f"{head_revision()}) does not know: back it up with the program version "
                    "that wrote it"
                ) from exc
            raise
        with writer(dest).begin() as dst:
            names = set(inspect(dst).get_table_names())
            missing = [t.name for t in tables if t.name not in names]
            if missing:
                raise BackupError(
                    f"the backup file lacks the tables {missing} at schema {revision}"
                )
            _delete_all(dst, tables)  # the reference rows the migrations seeded
            copied = _copy_tables(src, dst, tables, counts, progress)
            dst.execute(text(f"DELETE FROM {VERSION_TABLE}"))
            dst.execute(
                text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:v)"), {"v": revision}
            )
            _manifest.create_all(dst)
            dst.execute(
                insert(INFO),
                [
                    {"key": "format", "value": FORMAT},
                    {"key": "schema_revision", "value": revision},
                    {"key": "created_at", "value": datetime.now(CST).isoformat(timespec="seconds")},
                    {"key": "source", "value": src.dialect.name},
                ],
            )
            dst.execute(
                insert(ROWS), [{"table_name": k, "row_count": v} for k, v in copied.items()]
            )
    finally:
        dest.dispose()
    return copied


def _fast_load_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=MEMORY")  # also: no -wal file beside the backup
    cur.execute("PRAGMA synchronous=OFF")
    cur.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with suppress(OSError):
        _fsync(folder)


def _remove(tmp: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with suppress(OSError):
            Path(f"{tmp}{suffix}").unlink()


# ------------------------------------------------------------------ copying


def _copy_tables(
    src: Connection,
    dst: Connection,
    tables: Sequence[Table],
    counts: dict[str, int],
    progress: Progress | None,
) -> dict[str, int]:
    total = sum(counts.values())
    done = 0
    copied: dict[str, int] = {}
    for table in tables:
        big = counts.get(table.name, 0) > CHUNK
        if progress is not None and big:
            progress(done, total, table.name)
        n = 0
        for n in _copy_table(src, dst, table):
            if progress is not None and big:
                progress(done + n, total, table.name)
        copied[table.name] = n
        done += n
    return copied


def _copy_table(src: Connection, dst: Connection, table: Table) -> Iterator[int]:
    """Copy every row of ``table`` in primary-key order, chunk by chunk; yields the rows
    copied so far. Columns referring to the table itself (``cases.reopened_from_id``)
    are written after all its rows, so the order of the rows does not matter.

    Between two SQLite files the stored values are copied as they are; between engines
    each value goes through its column type (read as the source stores it, written as
    the target does: the same conversions as the product's own reads and writes)."""
    columns = list(table.columns)
    pk = list(table.primary_key.columns)
    pk_at = [columns.index(c) for c in pk]
    selfref_at = [
        columns.index(fk.parent)
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.nullable
    ]
    raw = src.dialect.name == dst.dialect.name == "sqlite"
    write = _row_writer(dst, table, columns, raw)
    later: list[dict[str, Any]] = []
    n = 0
    for part in _read_rows(src, table, columns, raw):
        rows: list[Any] = part
        if selfref_at:
            rows = [list(r) for r in rows]
            for row in rows:
                if any(row[i] is not None for i in selfref_at):
                    later.append(
                        {f"b_{columns[i].key}": row[i] for i in pk_at}
                        | {columns[i].key: row[i] for i in selfref_at}
                    )
                    for i in selfref_at:
                        row[i] = None
        write(rows)
        n += len(rows)
        yield n
    if later:
        where = [c == bindparam(f"b_{c.key}") for c in pk]
        for i in range(0, len(later), CHUNK):
            dst.execute(update(table).where(*where), later[i : i + CHUNK])


def _read_rows(
    src: Connection, table: Table, columns: list[Column[Any]], raw: bool
) -> Iterator[list[Any]]:
    """``table``'s rows in primary-key order, in chunks: as stored (``raw``) or as the
    column types read them."""
    order = list(table.primary_key.columns)
    if raw:
        q = src.dialect.identifier_preparer
        sql = (
            f"SELECT {', '.join(q.quote(c.name) for c in columns)} FROM {q.format_table(table)} "
            f"ORDER BY {', '.join(q.quote(c.name) for c in order)}"
        )
        result = src.exec_driver_sql(sql, execution_options={"stream_results": True})
    else:
        stmt = select(*columns).order_by(*order)
        result = src.execute(stmt.execution_options(yield_per=CHUNK))
    for part in result.partitions(CHUNK):
        yield list(part)


def _row_writer(
    dst: Connection, table: Table, columns: list[Column[Any]], raw: bool
) -> Callable[[list[Any]], None]:
    """A function that inserts rows (sequences of values in ``columns`` order, as read by
    :func:`_read_rows`: ``raw`` or typed) into ``table``: SQLite with one executemany,
    PostgreSQL with COPY."""
    dialect = dst.dialect
    q = dialect.identifier_preparer
    names = ", ".join(q.quote(c.name) for c in columns)
    binders = [
        None if raw else c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns
    ]

    def bound(rows: list[Any]) -> list[tuple[Any, ...]]:
        return [
            tuple(v if f is None or v is None else f(v) for v, f in zip(r, binders, strict=True))
            for r in rows
        ]

    if dialect.name == "postgresql":
        sql = f"COPY {q.format_table(table)} ({names}) FROM STDIN"

        def copy(rows: list[Any]) -> None:
            cursor = dst.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(sql) as out:
                for row in bound(rows):
                    out.write_row(row)

        return copy
    sql = f"INSERT INTO {q.format_table(table)} ({names}) VALUES ({', '.join('?' * len(columns))})"
    driver = dst.connection.driver_connection
    convert = any(f is not None for f in binders)

    def insert_many(rows: list[Any]) -> None:
        driver.executemany(sql, bound(rows) if convert else rows)  # type: ignore[union-attr]

    return insert_many


def _delete_all(conn: Connection, tables: Sequence[Table], *, replacing: bool = False) -> None:
    """Empty ``tables`` inside the caller's transaction. Without ``replacing`` they hold
    only the reference rows the migrations seed (plain DELETEs, children first). When
    ``replacing`` a database's data, the append-only tables' triggers are set aside
    around it and put back (PostgreSQL: TRUNCATE, as the tables' owner)."""
    if not replacing:
        for t in reversed(list(tables)):
            conn.execute(t.delete())
        return
    guarded = [t for t in tables if t.name in APPEND_ONLY_TABLES]
    if conn.dialect.name == "postgresql":
        for t in guarded:
            conn.execute(text(f"ALTER TABLE {_quoted(conn, t)} DISABLE TRIGGER USER"))
        conn.execute(text(f"TRUNCATE {', '.join(_quoted(conn, t) for t in tables)}"))
        for t in guarded:
            conn.execute(text(f"ALTER TABLE {_quoted(conn, t)} ENABLE TRIGGER USER"))
        return
    triggers: list[str] = []
    for t in guarded:
        found = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": t.name},
        ).all()
        for name, sql in found:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            triggers.append(sql)
    for t in reversed(list(tables)):
        conn.execute(t.delete())
    for sql in triggers:
        conn.exec_driver_sql(sql)


def _quoted(conn: Connection, table: Table) -> str:
    return conn.dialect.identifier_preparer.format_table(table)


# ------------------------------------------------------------------ restore


def read_backup(path: str | os.PathLike[str]) -> BackupInfo:
    """What the backup file ``path`` holds, checked to be a backup of this program's
    format (any schema revision)."""
    p = Path(path)
    if not p.is_file():
        raise BackupError(f"no backup file {p}")
    if not _is_sqlite(p):
        raise BackupError(f"{p} is not a backup made by `center db backup` (not an SQLite file)")
    eng = _open_backup(p)
    try:
        with eng.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if INFO.name not in names or ROWS.name not in names:
                raise BackupError(
                    f"{p} is an SQLite database but not a backup made by `center db backup` "
                    f"(it has no {INFO.name} table)"
                )
            info = {k: v for k, v in conn.execute(select(INFO.c.key, INFO.c.value))}
            rows = {k: int(v) for k, v in conn.execute(select(ROWS.c.table_name, ROWS.c.row_count))}
            revision = _read_revision(conn)
    except (DBAPIError, sqlite3.Error) as exc:
        raise BackupError(f"{p} cannot be read as a backup: {exc}") from exc
    finally:
        eng.dispose()
    if info.get("format") != FORMAT:
        raise BackupError(
            f"{p} is a backup of format {info.get('format')!r}; this program reads format {FORMAT}"
        )
    if revision is None or revision != info.get("schema_revision"):
        raise BackupError(
            f"{p} was changed after it was written: its schema revision is {revision}, its "
            f"manifest says {info.get('schema_revision')}"
        )
    return BackupInfo(
        path=p,
        revision=revision,
        created_at=info.get("created_at", ""),
        source=info.get("source", ""),
        rows=rows,
    )


def data_tables() -> list[Table]:
    """The program's tables that a backup holds, parents before children (all but
    :data:`DERIVED_TABLES`)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in DERIVED_TABLES]


def business_rows(conn: Connection) -> dict[str, int]:
    """The rows of each table that holds data (every table but the reference data the
    migrations seed and the derived tables); empty when the database holds no data."""
    out = {}
    for table in data_tables():
        if table.name in REFERENCE_TABLES:
            continue
        n = int(conn.scalar(select(func.count()).select_from(table)) or 0)
        if n:
            out[table.name] = n
    return out


def describe_rows(rows: dict[str, int], limit: int = 4) -> str:
    """``12,345 rows: visit 9,000, household 3,000, …``."""
    largest = sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = ", ".join(f"{name} {n:,}" for name, n in largest[:limit])
    more = ", …" if len(largest) > limit else ""
    return f"{sum(rows.values()):,} rows: {parts}{more}"


def restore(
    path: str | os.PathLike[str],
    engine: Engine,
    progress: Progress | None = None,
    *,
    replace: bool = False,
) -> RestoreReport:
    """Load the backup ``path`` into ``engine``'s database in one transaction and check
    every table's rows against the backup's counts; on any error nothing is written.

    The backup must be at the program's schema revision. The database must be at it
    too; one with no schema at all is migrated first. A database that holds data is
    refused unless ``replace`` (then its data, the audit log included, is replaced)."""
    t0 = time.perf_counter()
    info = read_backup(path)
    check_revision(info)
    tables = data_tables()
    unknown = sorted(set(info.rows) ^ {t.name for t in tables})
    if unknown:
        raise BackupError(f"{info.path} does not list the tables of its schema: {unknown}")
    with engine.connect() as conn:
        needs_schema = _needs_schema(conn, engine)
    if needs_schema:
        upgrade(engine)
    src_engine = _open_backup(info.path)
    try:
        with writer(engine).begin() as dst, src_engine.connect() as src:
            present = business_rows(dst)
            if present and not replace:
                raise BackupError(
                    f"the database {engine.url!r} holds data ({describe_rows(present)}): a "
                    "backup is restored only into an empty database"
                )
            _delete_all(dst, tables, replacing=bool(present))
            for name in sorted(DERIVED_TABLES):  # kept from the data replaced
                dst.execute(Base.metadata.tables[name].delete())
            _copy_tables(src, dst, tables, info.rows, progress)
            if dst.dialect.name == "postgresql":
                _reset_sequences(dst, tables)
            _check_counts(dst, tables, info)
            if dst.dialect.name == "postgresql":  # the running windows reload everything
                for domain in CHANGE_DOMAINS:
                    dst.execute(text("SELECT pg_notify(:c, :d)"), {"c": CHANNEL, "d": domain})
    finally:
        src_engine.dispose()
    return RestoreReport(
        path=info.path,
        revision=info.revision,
        rows=dict(info.rows),
        replaced=present,
        elapsed_s=time.perf_counter() - t0,
    )


def data_rows(engine: Engine) -> dict[str, int]:
    """The rows that a restore into ``engine``'s database would replace (see
    :func:`business_rows`): none when it has no schema yet. A database at another
    schema than the program's is refused (:class:`BackupError`)."""
    with engine.connect() as conn:
        if _needs_schema(conn, engine):
            return {}
        return business_rows(conn)


def check_revision(info: BackupInfo) -> None:
    """Refuse a backup at another schema revision than the program's."""
    head = head_revision()
    if info.revision != head:
        raise BackupError(
            f"the backup {info.path} is at schema {info.revision} and this program at {head}: "
            f"restore it with the program version of schema {info.revision} (then upgrade "
            "the database with this one)"
        )


def _needs_schema(conn: Connection, engine: Engine) -> bool:
    """Whether the database has no schema at all (a restore migrates it first); a
    database at another schema than the program's is refused."""
    revision = _read_revision(conn)
    if revision is None and not inspect(conn).get_table_names():
        return True
    if revision is None:
        raise BackupError(
            f"the database {engine.url!r} holds tables but no schema revision: it is not a "
            "database of this program"
        )
    if revision != head_revision():
        raise BackupError(
            f"the database {engine.url!r} is at schema {revision} and this program at "
            f"{head_revision()}: run `center db upgrade` first"
        )
    return False


def _reset_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """Each id sequence continues after the largest id restored."""
    for table in tables:
        for col in table.primary_key.columns:
            if not isinstance(col.type, Integer) or col.autoincrement is False:
                continue
            name, column = _quoted(conn, table), _column(conn, col)
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, :c), "
                    f"COALESCE(MAX({column}), 0) + 1, false) FROM {name}"
                ),
                {"t": name, "c": col.name},
            )


def _column(conn: Connection, col: Column[Any]) -> str:
    return conn.dialect.identifier_preparer.quote(col.name)


def _check_counts(conn: Connection, tables: Sequence[Table], info: BackupInfo) -> None:
    wrong = []
    for table in tables:
        n = int(conn.scalar(select(func.count()).select_from(table)) or 0)
        if n != info.rows[table.name]:
            wrong.append(f"{table.name} {n:,} of {info.rows[table.name]:,}")
    if wrong:
        raise BackupError(
            f"{info.path} is incomplete or damaged: restored rows differ from its manifest "
            f"({'; '.join(wrong)}); nothing was restored"
        )


# ------------------------------------------------------------------ files


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _is_backup(path: Path) -> bool:
    if not path.is_file() or not _is_sqlite(path):
        return False
    eng = _open_backup(path)
    try:
        with eng.connect() as conn:
            return INFO.name in inspect(conn).get_table_names()
    except (DBAPIError, sqlite3.Error):
        return False
    finally:
        eng.dispose()


def _open_backup(path: Path) -> Engine:
    """A read-only engine on a backup file (reading it changes nothing, not even its
    journal mode)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
