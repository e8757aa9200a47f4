"""Building blocks shared by the import kinds: columns, the row loop, plans, bulk writes.

An import runs in two phases inside one transaction: ``plan`` reads the file and
the database, validates every row and decides per code insert / update /
unchanged (collecting *all* problems); ``write`` applies the plan with Core
executemany statements in chunks. Nothing is written unless the plan has no
problems.

A streaming kind (``Kind.streams``: visits) reads a CSV a chunk of rows at a time
and plans and writes each chunk in the same transaction; a problem in any chunk
rolls all of it back (``service._run_streamed``), so memory stays that of a chunk.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast, overload

from sqlalchemy import Boolean, Column, Connection, Select, bindparam, func, insert, select, update
from sqlalchemy import Table as SaTable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from center.core import clock
from center.core.pii import PiiCipher
from center.interchange.files import Bulk, Problems, Table, hidden_characters, read_table
from db.models import Base
from db.triggers import trigger_aside
from db.types import CST, LocalDateTime, to_local

CHUNK = 5000
IN_CHUNK = 900  # codes per IN (...) look-up; well below every backend's parameter limit

#: An imported instant may lie this far after the start of the import. The files come
#: from other machines (the platform's server, grid workers' phones, the hotline's
#: PCs) whose clocks drift more than two office PCs (center.core.clock.CLOCK_SKEW,
#: 5 minutes): 10 minutes absorbs that, and an export taken moments before the
#: import, while still refusing a wrong year, month, day or time zone.
IMPORT_CLOCK_SKEW = timedelta(minutes=10)


class ImportCancelled(Exception):
    """The user cancelled a running import; nothing was written."""


@dataclass(frozen=True)
class Col:
    """One interchange column: its name, parser (raises ValueError) and whether required."""

    name: str
    parse: Callable[[Any], Any]
    required: bool = False
    bulk: Bulk | None = None  # optional whole-column fast path (see center.interchange.files)
    #: a code or a name: no invisible character at all (files.hidden_character)
    strict_text: bool = False
    #: an instant or a day that has happened: not after the import (IMPORT_CLOCK_SKEW)
    not_future: bool = False


@dataclass
class Job:
    """The state of one import: where problems go, progress and cancellation."""

    label: str
    problems: Problems
    warnings: list[str]
    progress: Callable[[int, int], None] | None = None
    cancel: Callable[[], bool] | None = None
    total: int = 0
    done: int = 0
    #: when the import started (+08:00): the limit of the ``not_future`` columns
    now: datetime = field(default_factory=lambda: clock.now())
    #: state a kind keeps from one chunk of a streamed file to the next
    cache: dict[str, Any] = field(default_factory=dict)
    #: streamed file: hash and line of every code (a code repeated in a later chunk is
    #: found at the end, :func:`repeated_codes`), and the lines already reported
    code_hashes: array[int] | None = None
    code_lines: array[int] | None = None
    dup_lines: set[int] = field(default_factory=set)
    #: secondary indexes already deferred for the whole import (:func:`deferred_indexes`)
    indexes_deferred: bool = False

    def warn(self, line: int, column: str, message: str) -> None:
        self.warnings.append(f"{self.label}:{line}: {column}: {message}")

    def step(self, n: int) -> None:
        self.done += n
        if self.cancel is not None and self.cancel():
            raise ImportCancelled("the import was cancelled; nothing was written")
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


@dataclass
class Plan:
    """What ``write`` will do: rows to insert, rows to update (with ``id``), counts."""

    inserts: list[dict[str, Any]] | Columns = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    deleted: int = 0
    related_changes: int = 0  # rows of other tables (communities, street, …)
    extra: dict[str, Any] = field(default_factory=dict)

    def insert_list(self) -> list[dict[str, Any]]:
        """The inserts as a list of rows (all kinds but a column-wise visits batch)."""
        assert isinstance(self.inserts, list)
        return self.inserts

    @property
    def changes(self) -> int:
        return len(self.inserts) + len(self.updates) + self.deleted + self.related_changes


class Columns(Sequence[dict[str, Any]]):
    """Rows to insert, stored column-wise: cheap to build for a large batch, written
    without ever making a dict per row (a row is only built when indexed)."""

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        self.columns = columns
        self._n = len(next(iter(columns.values()))) if columns else 0

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> Columns: ...

    def __getitem__(self, i: int | slice) -> dict[str, Any] | Columns:
        if isinstance(i, slice):
            return Columns({k: v[i] for k, v in self.columns.items()})
        return {k: v[i] for k, v in self.columns.items()}


class Kind:
    """One tabular interchange kind (CSV/XLSX). Subclasses fill the class attributes
    and implement ``plan`` and ``export_rows``; ``write`` inserts and updates ``model``
    unless a kind needs more."""

    name: str = ""
    model: type[Base] | None = None
    #: a CSV of this kind is read, checked and written a chunk at a time (service);
    #: ``stream_model`` is the table it fills (its indexes are deferred on SQLite)
    streams: bool = False
    stream_model: type[Base] | None = None
    columns: tuple[Col, ...] = ()
    code_column: str = ""
    domains: tuple[str, ...] = ()
    needs_cipher: bool = False
    title: str = ""  # XLSX sheet title
    #: the personal-information columns and how an export without --with-pi masks them
    pi_masks: Mapping[str, Callable[[str | None], str]] = MappingProxyType({})
    #: free-text columns whose identity and phone numbers such an export masks
    free_text: tuple[str, ...] = ()

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def read(self, path: Path, label: str, problems: Problems, warnings: list[str]) -> Table:
        required = [c.name for c in self.columns if c.required]
        return read_table(path, label, self.header, required, problems, warnings)

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        raise NotImplementedError

    def write(self, conn: Connection, plan: Plan, job: Job) -> None:
        if self.model is None:
            raise NotImplementedError
        bulk_insert(conn, table_of(self.model), plan.inserts, job)
        bulk_update(conn, table_of(self.model), plan.updates, job)

    def finish(self, conn: Connection, job: Job) -> None:
        """After the last ``write`` of an import: what depends on all its rows."""

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        raise NotImplementedError

    # ------------------------------------------------------------ helpers

    def parse_columns(self, table: Table, job: Job) -> Parsed:
        """Parse every cell, column by column (fast paths first); report each bad cell
        and every repeated code (on the later line). The table's cells are consumed
        (``table.cells`` is emptied; its lines stay)."""
        problems = job.problems
        lines = list(table.lines)
        cells = table.cells
        n = len(lines)
        ok = [True] * n
        columns: dict[str, list[Any]] = {}
        # the cells column by column, transposed at C speed (as long as the shortest
        # row: read_table pads a short one to the known columns)
        by_column = list(zip(*cells, strict=False))
        # the rows are not needed any more: the table's cells go now, not after the
        # plan (a 100,000-row file of cases holds about 100 MB of them)
        table.cells = []
        for col in self.columns:
            idx = table.index.get(col.name)
            if idx is None:
                columns[col.name] = [None] * n
                continue
            raw = list(by_column[idx]) if idx < len(by_column) else [c[idx] for c in cells]
            if set(map(type, raw)) == {str}:
                raw = [v or None for v in map(str.strip, raw)]
            else:
                raw = [(v.strip() or None) if type(v) is str else v for v in raw]
            hidden = hidden_characters(raw, col.strict_text)
            for i, reason in hidden.items():
                problems.add(lines[i], col.name, reason)
                ok[i] = False
                raw[i] = _REFUSED
            values: list[Any] | None = None
            if not hidden and col.bulk is not None and (not col.required or None not in raw):
                try:
                    values = col.bulk(raw)
                except (ValueError, TypeError, OverflowError):
                    values = None
            if values is None:
                values = []
                parse, name, required = col.parse, col.name, col.required
                for i, v in enumerate(raw):
                    if v is _REFUSED:
                        values.append(None)
                        continue
                    if v is None:
                        if required:
                            problems.add(lines[i], name, "value required")
                            ok[i] = False
                        values.append(None)
                        continue
                    try:
                        values.append(parse(v))
                    except ValueError as exc:
                        problems.add(lines[i], name, str(exc))
                        ok[i] = False
                        values.append(None)
            if col.not_future:
                self._refuse_future(col.name, values, lines, ok, job)
            columns[col.name] = values
        codes = columns[self.code_column]
        if len(set(codes)) != n:
            seen: dict[Any, int] = {}
            for i, code in enumerate(codes):
                if code is None:
                    continue
                first = seen.setdefault(code, i)
                if first != i:
                    shown = code if isinstance(code, str) else str(code)
                    problems.add(
                        lines[i],
                        self.code_column,
                        f"duplicate {self.code_column} {shown!r} (first on line {lines[first]})",
                    )
                    ok[i] = False
                    job.dup_lines.add(lines[i])
        if job.code_hashes is not None and job.code_lines is not None:
            present = [i for i, code in enumerate(codes) if code is not None]
            job.code_hashes.extend([hash(codes[i]) for i in present])
            job.code_lines.extend([lines[i] for i in present])
        job.step(n)
        return Parsed(lines, columns, ok)

    @staticmethod
    def _refuse_future(
        name: str, values: list[Any], lines: list[int], ok: list[bool], job: Job
    ) -> None:
        """Report every instant after the import's start (beyond IMPORT_CLOCK_SKEW) and
        every date after its day: a case received or a visit made in 2030, a birth in
        2099 have not happened; they are typing or clock errors."""
        present = [v for v in values if v is not None]
        if not present:
            return
        started = job.now.astimezone(CST).replace(microsecond=0)
        latest = max(present)
        if isinstance(latest, datetime):
            limit = started + IMPORT_CLOCK_SKEW
            if latest <= limit:
                return
            minutes = int(IMPORT_CLOCK_SKEW.total_seconds() // 60)
            for i, v in enumerate(values):
                if v is not None and v > limit:
                    job.problems.add(
                        lines[i],
                        name,
                        f"{v.isoformat()} is in the future: the import started at "
                        f"{started.isoformat()} ({minutes} minutes are allowed for clocks "
                        "that differ)",
                    )
                    ok[i] = False
            return
        today = started.date()
        if latest <= today:
            return
        for i, v in enumerate(values):
            if v is not None and v > today:
                # the value is not shown: it may be personal information (a birth date)
                job.problems.add(
                    lines[i], name, f"a date after the day of the import ({today.isoformat()})"
                )
                ok[i] = False

    def rows(self, table: Table, job: Job) -> Iterator[tuple[int, dict[str, Any], bool]]:
        """Per row: ``(line, {column: value or None}, all cells valid)``."""
        parsed = self.parse_columns(table, job)
        names = list(parsed.columns)
        for i, line in enumerate(parsed.lines):
            yield line, {name: parsed.columns[name][i] for name in names}, parsed.ok[i]


#: stands for a refused cell in a column's raw values: not parsed again
_REFUSED: Any = object()


@dataclass
class Parsed:
    """A parsed file, column-wise: ``columns[name][i]`` belongs to ``lines[i]``."""

    lines: list[int]
    columns: dict[str, list[Any]]
    ok: list[bool]


def table_of(model: type[Base]) -> SaTable:
    """The Core table of a model (typed as a Table, which every model here has)."""
    return cast(SaTable, model.__table__)


def max_len(column: Any) -> int | None:
    """The VARCHAR length of a model column (None for unbounded text)."""
    length = getattr(column.type, "length", None)
    return int(length) if length else None


def code_ids(conn: Connection, code_col: Any, id_col: Any) -> dict[str, int]:
    return {code: i for code, i in conn.execute(select(code_col, id_col))}


def fetch_existing(
    conn: Connection,
    stmt: Select,
    code_col: Any,
    codes: Collection[str],
    raw: bool = False,
) -> dict[str, Any]:
    """Rows of ``stmt`` (whose first column is the code) for ``codes``, keyed by code.

    One full scan when the file covers a good part of the table, else ``IN``
    look-ups in chunks. ``raw``: the driver's tuples, without SQLAlchemy's result
    processing (the caller converts them, see the kind modules).
    """

    def run(query: Select) -> Any:
        result = conn.execute(query)
        if not raw:
            return result.all()
        try:
            return result.cursor.fetchall()
        finally:
            result.close()

    if not codes:
        return {}
    table = code_col.table
    total = conn.scalar(select(func.count()).select_from(table)) or 0
    if total == 0:
        return {}
    out: dict[str, Any] = {}
    if total <= 4 * len(codes) + 5000:
        for row in run(stmt):
            if row[0] in codes:
                out[row[0]] = row
        return out
    ordered = sorted(codes)
    if conn.dialect.name == "sqlite":
        # a chunk of a file sorted by code (as exports are) covers a narrow range of
        # the stored codes: one range read instead of IN look-ups. SQLite compares
        # text as UTF-8 bytes, in the order Python sorts str, so the range holds every
        # code of the chunk (PostgreSQL's collation may not: it keeps the IN look-ups)
        between = code_col.between(ordered[0], ordered[-1])
        spanned = conn.scalar(select(func.count()).select_from(table).where(between)) or 0
        if spanned <= 2 * len(codes) + 1000:
            for row in run(stmt.where(between)):
                if row[0] in codes:
                    out[row[0]] = row
            return out
    for i in range(0, len(ordered), IN_CHUNK):
        for row in run(stmt.where(code_col.in_(ordered[i : i + IN_CHUNK]))):
            out[row[0]] = row
    return out


#: SQLAlchemy's SQLite storage text of a datetime (its DATETIME type's format)
_SQLITE_TS = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def _sqlite_timestamps(values: list[Any], memo: dict[int, Any]) -> list[Any]:
    """SQLAlchemy's SQLite storage text of LocalDateTime values, computed directly.

    A value may be any aware datetime; one whose zone is +08:00 is formatted as is.
    ``memo`` (by object id, valid while the values are alive) formats an object that
    appears in several cells once, e.g. a recorded_at that defaulted to visited_at.
    """
    ids = list(map(id, values))
    out: list[Any] = list(map(memo.get, ids))
    miss = [i for i, text in enumerate(out) if text is None and values[i] is not None]
    if not miss:
        return out
    local = [values[i] for i in miss]
    local = [v if v.tzinfo is CST or v.tzinfo == CST else to_local(v) for v in local]
    texts = _local_texts(local)
    for i, text in zip(miss, texts, strict=True):
        out[i] = text
    memo.update(zip([ids[i] for i in miss], texts, strict=True))
    return out


def _local_texts(values: list[datetime]) -> list[str]:
    """``_SQLITE_TS`` of each (local) value: its day and its time of day are each
    formatted once (a file's instants share a few hundred days and, to the minute,
    1,440 times: four times faster than formatting every value)."""
    days: dict[Any, str] = {}
    times: dict[Any, str] = {}
    out: list[str] = []
    append = out.append
    day_of, clock_of = datetime.date, datetime.time
    for v in values:
        d, t = day_of(v), clock_of(v)
        day = days.get(d)
        if day is None:
            day = days[d] = f"{d.year:04d}-{d.month:02d}-{d.day:02d} "
        clock = times.get(t)
        if clock is None:
            clock = times[t] = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}.{t.microsecond:06d}"
        append(day + clock)
    return out


def _sqlite_booleans(values: list[Any], memo: dict[int, Any]) -> list[Any]:
    return [None if v is None else 1 if v else 0 for v in values]


_SAMPLES: dict[type[Any], list[Any]] = {
    LocalDateTime: [datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=CST), None],
    Boolean: [True, False, None],
}
Converter = Callable[[list[Any], dict[int, Any]], list[Any]]
_FAST: dict[type[Any], Converter] = {
    LocalDateTime: _sqlite_timestamps,
    Boolean: _sqlite_booleans,
}


def _fast_converter(dialect: Any, column: Any) -> Converter | None:
    """A column-wise converter that gives exactly what SQLAlchemy would bind, or None."""
    col_type: Any = column.type
    for type_, convert in _FAST.items():
        if isinstance(col_type, type_):
            proc = col_type.dialect_impl(dialect).bind_processor(dialect)
            sample = _SAMPLES[type_]
            expected = [proc(v) for v in sample] if proc is not None else sample
            if convert(sample, {}) == expected:
                return convert
    return None


def _sqlite_insert(
    conn: Connection, table: SaTable, rows: Sequence[dict[str, Any]], memo: dict[int, Any]
) -> bool:
    """executemany straight on the driver with the values converted column-wise.

    Returns False (nothing done) when the statement needs defaults the rows lack.
    """
    dialect = conn.dialect
    given = list(rows.columns) if isinstance(rows, Columns) else list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=given)
    keys = list(compiled.positiontup or ())
    if set(keys) != set(given):
        return False
    columns = _bound_columns(dialect, table, rows, keys, memo, _fast_converter)
    conn.exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))
    return True


def _bound_columns(
    dialect: Any,
    table: SaTable,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    memo: dict[int, Any],
    converter: Callable[[Any, Any], Converter | None],
) -> list[list[Any]]:
    """The rows' values column by column, as SQLAlchemy would bind them: through the
    column-wise ``converter`` where it has one for the column, else the type's bind
    processor."""
    columns = []
    for key in keys:
        col = table.c[key]
        if isinstance(rows, Columns):
            values = rows.columns[key]
        else:
            values = [r[key] for r in rows]
        fast = converter(dialect, col)
        if fast is not None:
            values = fast(values, memo)
        else:
            proc = col.type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                values = [proc(v) for v in values]
        columns.append(values)
    return columns


#: SQLite: an insert of at least this many rows into a table that holds no more rows
#: than it inserts rebuilds the table's secondary indexes afterwards instead of
#: updating them row by row (400,000 visits into an empty table: 2.7 s -> 2.0 s of
#: database time, measured with bare sqlite3).
DEFER_INDEXES_MIN = 20_000


def bulk_into(conn: Connection, table: SaTable, incoming: int) -> bool:
    """On SQLite, whether inserting ``incoming`` rows into ``table`` is a bulk insert
    that at least doubles it (:data:`DEFER_INDEXES_MIN` rows or more)."""
    if conn.dialect.name != "sqlite" or incoming < DEFER_INDEXES_MIN:
        return False
    quoted = table.name.replace('"', '""')
    existing = conn.exec_driver_sql(f'SELECT max(rowid) FROM "{quoted}"').scalar() or 0
    return existing <= incoming


@contextmanager
def deferred_indexes(conn: Connection, table: SaTable, incoming: int) -> Iterator[None]:
    """On SQLite, for a bulk insert that at least doubles ``table``: its secondary
    indexes are dropped for the insert and created again after it, in the caller's
    transaction (readers keep seeing the old snapshot; an error rolls the whole
    transaction back, indexes included). Unique constraints (automatic indexes) stay,
    so uniqueness is still checked row by row. Elsewhere it does nothing: on
    PostgreSQL dropping an index locks the table against every reader."""
    if not bulk_into(conn, table, incoming):
        yield
        return
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table.name,),
    ).all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name.replace(chr(34), chr(34) * 2)}"')
    yield  # an exception here leaves the indexes to the transaction's rollback
    with small_cache(conn):
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)


#: SQLite triggers that fill a column an inserted row left empty, by table: the
#: trigger, the column and the value it gives that column (migration 0002: a visit's
#: grid is its household's)
FILL_TRIGGERS = {
    "visit": (
        "visit_grid_on_insert",
        "grid_id",
        "(SELECT grid_id FROM household WHERE household.id = visit.household_id)",
    ),
}


@contextmanager
def fill_triggers_aside(conn: Connection, table: SaTable) -> Iterator[None]:
    """On SQLite, a bulk insert into ``table`` without its per-row fill trigger
    (:data:`FILL_TRIGGERS`), with the same effect.

    Such a trigger does nothing for a row that brings the value (an import derives a
    visit's grid itself), yet it costs every row a trigger program: 1,000,000 visits,
    about 1.5 s of CPU. It is dropped for the insert, in the caller's transaction; on
    leaving, the rows inserted meanwhile that left the column empty get it filled by
    one statement, as the trigger would have filled each (the same UPDATE, so the same
    triggers of an update follow), and the trigger is created again from its stored
    text. An exception leaves both to the transaction's rollback. Elsewhere nothing
    changes (PostgreSQL's trigger is a BEFORE trigger whose condition is checked
    without running it)."""
    spec = FILL_TRIGGERS.get(table.name)
    if spec is None:
        yield
        return
    name, column, value = spec
    with trigger_aside(conn, table.name, name) as before:
        yield
        if before is not None:
            conn.exec_driver_sql(
                f'UPDATE "{table.name}" SET {column} = {value} '
                f"WHERE rowid > ? AND {column} IS NULL",
                (before,),
            )


#: SQLite page cache (KiB) of a statement that reads a whole table in order and sorts
#: it (CREATE INDEX, the household months of a large visits import): its sorter may
#: use as much memory as the page cache, which such a statement hardly revisits
#: (the indexes of 1,000,000 visits: 5.2 s of CPU and 284 MB with a 256 MB cache,
#: 3.8 s and 17 MB with 2 MB, measured with bare sqlite3)
SORT_CACHE_KIB = 2048


@contextmanager
def small_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a small page cache (:data:`SORT_CACHE_KIB`) for the statements run
    inside; the cache size before is restored after them."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def _pg_timestamps(values: list[Any], memo: dict[int, Any]) -> list[Any]:
    """LocalDateTime values as the text of PostgreSQL's naive local timestamp input
    (the text SQLite stores: the same local wall-clock time, to the microsecond)."""
    return _sqlite_timestamps(values, memo)


def _copy_converter(dialect: Any, column: Any) -> Converter | None:
    """For COPY on PostgreSQL: a column-wise converter of a LocalDateTime column to
    text that reads back as the very value SQLAlchemy would bind, or None."""
    col_type: Any = column.type
    if not isinstance(col_type, LocalDateTime):
        return None
    proc = col_type.dialect_impl(dialect).bind_processor(dialect)
    sample = _SAMPLES[LocalDateTime]
    expected = [proc(v) for v in sample] if proc is not None else sample
    texts = _pg_timestamps(sample, {})
    got = [None if t is None else datetime.fromisoformat(t) for t in texts]
    return _pg_timestamps if got == expected else None


def _pg_copy_insert(
    conn: Connection, table: SaTable, rows: Sequence[dict[str, Any]], memo: dict[int, Any]
) -> bool:
    """PostgreSQL (psycopg 3): the rows sent with ``COPY … FROM STDIN`` instead of an
    executemany of INSERTs (one round trip and one statement per chunk, not per row;
    triggers and constraints apply as for INSERT). The values are what SQLAlchemy would
    bind (its bind processors, timestamps as text), converted column-wise.

    Returns False (nothing done) when a column left out has a client-side default
    (COPY would give it the server's instead). A database error is raised as
    SQLAlchemy raises it for a statement (IntegrityError, OperationalError, …).
    """
    dialect = conn.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return False
    given = list(rows.columns) if isinstance(rows, Columns) else list(rows[0])
    if any(c.key not in given and c.default is not None for c in table.c):
        return False
    columns = _bound_columns(dialect, table, rows, given, memo, _copy_converter)
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(table.c[k].name) for k in given)
    sql = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
    dbapi = dialect.loaded_dbapi
    raw: Any = conn.connection.dbapi_connection  # a psycopg Connection
    try:
        with raw.cursor() as cur, cur.copy(sql) as copy:
            write_row = copy.write_row
            for row in zip(*columns, strict=True):
                write_row(row)
    except dbapi.Error as exc:
        # as SQLAlchemy handles an error of a statement it runs: a lost connection is
        # invalidated (the pool replaces it), the error is raised as its own class
        lost = dialect.is_disconnect(exc, raw, None)
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            sql, None, exc, dbapi.Error, connection_invalidated=lost, dialect=dialect
        ) from exc
    return True


def bulk_insert(
    conn: Connection,
    table: SaTable,
    rows: Sequence[dict[str, Any]],
    job: Job,
    memo: dict[int, Any] | None = None,
) -> None:
    """Core executemany in chunks (PostgreSQL: COPY, :func:`_pg_copy_insert`); every
    row has the same keys.

    ``memo`` may be shared by several calls whose rows all stay alive until the last
    of them returns (it maps object ids to converted values); without one, each chunk
    has its own (a memo of the whole insert would hold the text of every timestamp:
    90 MB for 100,000 cases). A large insert on SQLite rebuilds the table's indexes
    afterwards (:func:`deferred_indexes`).
    """
    sqlite = conn.dialect.name == "sqlite"
    with deferred_indexes(conn, table, 0 if job.indexes_deferred else len(rows)):
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            chunk_memo = {} if memo is None else memo
            if sqlite:
                done = _sqlite_insert(conn, table, chunk, chunk_memo)
            else:
                done = _pg_copy_insert(conn, table, chunk, chunk_memo)
            if not done:
                conn.execute(insert(table), list(chunk))
            job.step(len(chunk))


def bulk_update(
    conn: Connection,
    table: SaTable,
    rows: Sequence[dict[str, Any]],
    job: Job,
    extra: dict[str, ColumnElement[Any]] | None = None,
) -> None:
    """``UPDATE table SET … WHERE id = :id`` executemany; every row has the same keys."""
    if not rows:
        return
    cols = [k for k in rows[0] if k != "id"]
    id_col: Column[Any] = table.c.id
    values: dict[str, Any] = {c: bindparam(f"b_{c}") for c in cols}
    if extra:
        values.update(extra)
    stmt = update(table).where(id_col == bindparam("b_id")).values(values)
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i : i + CHUNK]
        conn.execute(stmt, [{f"b_{k}": v for k, v in r.items()} for r in chunk])
        job.step(len(chunk))


def same_secret(
    cipher: PiiCipher, field_name: str, plain: str | None, old_hash: str | None, blob: Any
) -> bool:
    """Whether an encrypted column already holds ``plain`` (compares hash, then text)."""
    if plain is None or blob is None:
        return plain is None and blob is None
    if cipher.lookup_hash(field_name, plain) != old_hash:
        return False
    return cipher.decrypt(field_name, bytes(blob)) == plain


def repeated_lines(job: Job) -> set[int]:
    """Lines of a streamed file whose code hash an earlier line has too (not yet
    reported): candidates the caller confirms by reading those lines' codes again.
    The hashes are sorted as one array (8 bytes a row), not kept in a set of codes."""
    import numpy as np

    if not job.code_hashes:
        return set()
    hashes = np.frombuffer(job.code_hashes, dtype=np.int64)
    lines = np.frombuffer(job.code_lines or array("q"), dtype=np.int64)
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return set()
    repeated = np.unique(ordered[1:][same])
    mask = np.isin(hashes, repeated)
    return {int(n) for n in lines[mask]}
