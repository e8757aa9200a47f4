"""Import and export of the interchange formats (`spec/interchange.md`).

Public API (used by the CLI, the GUI and the tests)::

    KINDS
    import_file(ctx, kind, path, *, dry_run=False, progress=None, cancel=None) -> ImportResult
    export_file(ctx, kind, path, *, actor, with_pi=False) -> int
    import_holidays(ctx, path, dry_run=False, *, progress=None, cancel=None) -> ImportResult
    list_holidays(engine, year) -> HolidayListing

An import is all or nothing: every row is validated first and every problem is
collected as ``FILE:LINE: column: message``; when there is any, :class:`ImportRejected`
is raised and nothing is written. Otherwise the rows are written in one transaction
(Core executemany in chunks), derived columns are filled, the change domains are
bumped and one audit-log row records the import (file name and counts only).

An export masks personal information (residents' names, identity numbers and phones,
staff phones, numbers typed into case summaries and visit notes) unless ``with_pi`` is
asked for by an actor holding ``export_pi``; every export is audited (who, kind, file
name, rows, whether PI was included). A masked file is refused on import.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from center.core.access import Actor, os_login, require_role
from center.core.audit import append_audit
from center.core.context import ServiceContext
from center.core.errors import UserError
from center.core.pii import mask_pi_numbers
from center.core.tx import signal_change, transaction
from center.core.vocab import INTERCHANGE_KINDS
from center.interchange.base import (
    ImportCancelled,
    Job,
    Kind,
    Plan,
    bulk_into,
    deferred_indexes,
    fill_triggers_aside,
    repeated_lines,
    table_of,
)
from center.interchange.cases import Cases
from center.interchange.departments import Departments
from center.interchange.files import FileUnreadable, Problems, iter_csv_tables, write_table
from center.interchange.grids import Grids
from center.interchange.holidays import (
    HolidayEntry,
    HolidayListing,
    HolidaysKind,
    list_holidays,
)
from center.interchange.households import Households
from center.interchange.residents import Residents
from center.interchange.staff import StaffKind
from center.interchange.visits import Visits
from db.kpi_summary import marks_set_aside

__all__ = [
    "KINDS",
    "HolidayEntry",
    "HolidayListing",
    "ImportCancelled",
    "ImportRejected",
    "ImportResult",
    "InterchangeError",
    "carries_pi",
    "export_file",
    "import_file",
    "import_holidays",
    "list_holidays",
]

#: The kinds in the order a fresh database imports them.
KINDS: tuple[str, ...] = INTERCHANGE_KINDS

_SPECS: dict[str, Kind] = {
    k.name: k
    for k in (Grids(), Departments(), StaffKind(), Households(), Residents(), Visits(), Cases())
}
_HOLIDAYS = HolidaysKind()

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class InterchangeError(UserError):
    """A request that cannot be carried out (unknown kind, wrong file type, …)."""


class ImportRejected(UserError):
    """The file is invalid; ``problems`` are ``FILE:LINE: column: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


@dataclass
class ImportResult:
    kind: str
    file: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # holiday overrides removed from the years in the file
    related_changes: int = 0  # other rows written (street, communities)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    deadlines_changed: int | None = None  # holidays: cases whose deadline moved

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted + self.related_changes


def _spec(kind: str) -> Kind:
    spec = _SPECS.get(kind)
    if spec is None:
        raise InterchangeError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    return spec


def _expected_suffixes(spec: Kind) -> tuple[str, ...]:
    return (".geojson", ".json") if isinstance(spec, Grids) else (".csv", ".xlsx")


def _check_suffix(spec: Kind, path: Path) -> None:
    suffixes = _expected_suffixes(spec)
    if path.suffix.lower() not in suffixes:
        raise InterchangeError(f"{path}: {spec.name} files must end in {' or '.join(suffixes)}")


def _audit(
    conn: Connection, actor: Actor | None, action: str, entity: str, detail: dict[str, Any]
) -> None:
    who = actor.name if actor is not None else os_login()
    append_audit(conn, who, action, entity, None, detail, sort_keys=True)


SQLITE_IMPORT_CACHE_KIB = 256 * 1024
#: a streamed import's page cache: it is process memory, and a streamed import is
#: meant to stay small whatever the file's size (its table's secondary indexes are
#: rebuilt afterwards when the file is large, so few pages are revisited anyway)
SQLITE_STREAM_CACHE_KIB = 32 * 1024


@contextmanager
def _bulk_cache(conn: Connection, kib: int = SQLITE_IMPORT_CACHE_KIB) -> Iterator[Connection]:
    """On SQLite, a large page cache while importing: inserting into the secondary
    indexes of a big table is several times faster when their pages stay cached."""
    if conn.dialect.name != "sqlite":
        yield conn
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{kib}")
    try:
        yield conn
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def _apply(
    conn: Connection,
    spec: Kind,
    plan: Plan,
    job: Job,
    result: ImportResult,
    file_name: str,
    actor: Actor | None,
) -> None:
    """Write a validated plan, bump its change domains and record the audit row."""
    spec.write(conn, plan, job)
    spec.finish(conn, job)
    if "deadlines_changed" in plan.extra:
        result.deadlines_changed = plan.extra["deadlines_changed"]
    _record(conn, spec, result, file_name, actor)


def _record(
    conn: Connection,
    spec: Kind,
    result: ImportResult,
    file_name: str,
    actor: Actor | None,
) -> None:
    """Bump the kind's change domains and write the import's audit row."""
    signal_change(conn, *spec.domains)
    detail: dict[str, Any] = {
        "file": file_name,
        "rows": result.rows,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "warnings": len(result.warnings),
    }
    if result.deleted:
        detail["deleted"] = result.deleted
    if result.related_changes:
        detail["related_changes"] = result.related_changes
    if result.deadlines_changed is not None:
        detail["deadlines_changed"] = result.deadlines_changed
    _audit(conn, actor, "import", spec.name, detail)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: an import builds millions of small lists
    and tuples (none in reference cycles) while the whole file is alive, and each
    collection would walk all of them again (a third of the parse time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run_import(
    ctx: ServiceContext,
    spec: Kind,
    path: str | Path,
    *,
    dry_run: bool,
    progress: Progress | None,
    cancel: Cancel | None,
    actor: Actor | None,
) -> ImportResult:
    with _no_cyclic_gc():
        return _run_import_gc_paused(
            ctx, spec, path, dry_run=dry_run, progress=progress, cancel=cancel, actor=actor
        )


def _run_import_gc_paused(
    ctx: ServiceContext,
    spec: Kind,
    path: str | Path,
    *,
    dry_run: bool,
    progress: Progress | None,
    cancel: Cancel | None,
    actor: Actor | None,
) -> ImportResult:
    path = Path(path)
    label = str(path)
    if not path.is_file():
        raise InterchangeError(f"{label}: no such file")
    if spec is not _HOLIDAYS:
        _check_suffix(spec, path)
    problems = Problems(label)
    warnings: list[str] = []
    if spec.streams and path.suffix.lower() == ".csv":
        return _run_streamed(
            ctx, spec, path, dry_run=dry_run, progress=progress, cancel=cancel, actor=actor
        )
    try:
        table = spec.read(path, label, problems, warnings)
    except FileUnreadable as exc:
        raise ImportRejected(exc.problems) from None
    if problems:
        raise ImportRejected(problems.lines())
    cipher = ctx.cipher if spec.needs_cipher else None
    n = len(table.lines)
    job = Job(label, problems, warnings, progress, cancel, total=2 * n)
    try:
        # a dry run only reads; an import validates under the write lock, so that what
        # it writes is what it checked against
        tx = transaction(ctx.engine, write=not dry_run, long_running=True)
        with tx as session, _bulk_cache(session.connection()) as conn:
            plan = spec.plan(conn, table, job, cipher)
            if problems:
                raise ImportRejected(problems.lines())
            result = ImportResult(
                kind=spec.name,
                file=label,
                rows=n,
                inserted=len(plan.inserts),
                updated=len(plan.updates),
                unchanged=plan.unchanged,
                deleted=plan.deleted,
                related_changes=plan.related_changes,
                warnings=warnings,
                dry_run=dry_run,
            )
            if not dry_run and plan.changes:
                job.total = job.done + len(plan.inserts) + len(plan.updates)
                job.step(0)
                _apply(conn, spec, plan, job, result, path.name, actor)
    except IntegrityError as exc:
        raise _changed_meanwhile(label, exc) from exc
    except OperationalError as exc:
        raise _collision(label, exc) from exc
    if progress is not None:
        progress(job.total, job.total)
    return result


def _changed_meanwhile(label: str, exc: IntegrityError) -> InterchangeError:
    return InterchangeError(
        f"{label}: the database changed while importing ({exc.orig}); nothing was "
        "imported: run the import again"
    )


def _collision(label: str, exc: OperationalError) -> Exception:
    """A lost race as a user error; any other operational error as it was."""
    if not _collided(exc):
        return exc
    return InterchangeError(
        f"{label}: another import or writer held the same rows ({_first_line(exc.orig)}); "
        "nothing was imported: run the import again"
    )


def _line_count(path: Path) -> int:
    """Line breaks in a file, counted in blocks: the progress total of a streamed
    import (a quoted value holding a line break makes it an estimate)."""
    n = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
    return max(n, 1)


def _run_streamed(
    ctx: ServiceContext,
    spec: Kind,
    path: Path,
    *,
    dry_run: bool,
    progress: Progress | None,
    cancel: Cancel | None,
    actor: Actor | None,
) -> ImportResult:
    """A CSV of a streaming kind, a chunk of rows at a time, in one transaction.

    Each chunk is checked, and written when no problem has been found so far; a
    problem anywhere (a later chunk, or a code repeated across chunks, found at the
    end) rolls the whole transaction back, so the import stays all or nothing and
    nothing is committed before every row was checked. Memory is that of a chunk
    plus 16 bytes a row (code hashes and lines), whatever the file's size.
    """
    label = str(path)
    problems = Problems(label)
    warnings: list[str] = []
    try:
        estimate = _line_count(path)
    except OSError as exc:
        raise ImportRejected([f"{label}:1: file: cannot be read ({exc.strerror})"]) from exc
    cipher = ctx.cipher if spec.needs_cipher else None
    job = Job(label, problems, warnings, progress, cancel, total=2 * estimate)
    job.code_hashes, job.code_lines = array("q"), array("q")
    required = [c.name for c in spec.columns if c.required]
    result = ImportResult(kind=spec.name, file=label, rows=0, warnings=warnings, dry_run=dry_run)
    chunks = 0
    broken: IntegrityError | None = None  # what stopped the writing
    try:
        tx = transaction(ctx.engine, write=not dry_run, long_running=True)
        cached = _bulk_cache
        with tx as session, cached(session.connection(), SQLITE_STREAM_CACHE_KIB) as conn:
            model = spec.stream_model
            # the indexes are rebuilt when the file may at least double the table: its
            # rows (estimated) are at least twice the stored ones; not for a re-import
            deferred: Any = (
                deferred_indexes(conn, table_of(model), estimate // 2)
                if model is not None and not dry_run
                else nullcontext()
            )
            # so are its kept-months triggers (SQLite: one per row), on the same terms:
            # the months the rows count in are marked once at the end, as exactly
            marks: Any = nullcontext()
            fills: Any = nullcontext()
            if model is not None and not dry_run and _bulk(conn, model, estimate // 2):
                marks = marks_set_aside(conn, table_of(model).name)
                # and the triggers that fill a column the rows bring (visit.grid_id)
                fills = fill_triggers_aside(conn, table_of(model))
            with deferred, marks, fills:
                job.indexes_deferred = True
                for table in iter_csv_tables(
                    path, label, spec.header, required, problems, warnings
                ):
                    chunks += 1
                    result.rows += len(table.lines)
                    plan = spec.plan(conn, table, job, cipher)
                    if problems:
                        continue  # keep checking; nothing more is written
                    result.inserted += len(plan.inserts)
                    result.updated += len(plan.updates)
                    result.unchanged += plan.unchanged
                    if not dry_run and plan.changes and broken is None:
                        broken = _write_chunk(conn, spec, plan, job)
                if chunks > 1:
                    _repeated_codes(spec, path, label, job)
                if problems:
                    raise ImportRejected(problems.lines())
                if broken is not None:
                    raise broken
            job.indexes_deferred = False
            if not dry_run and result.changed:
                job.total = job.done
                spec.finish(conn, job)
                _record(conn, spec, result, path.name, actor)
    except FileUnreadable as exc:
        raise ImportRejected(exc.problems) from None
    except IntegrityError as exc:
        raise _changed_meanwhile(label, exc) from exc
    except OperationalError as exc:
        raise _collision(label, exc) from exc
    job.total = max(job.done, 1)
    if progress is not None:
        progress(job.total, job.total)
    return result


def _bulk(conn: Connection, model: Any, incoming: int) -> bool:
    return bulk_into(conn, table_of(model), incoming)


def _write_chunk(conn: Connection, spec: Kind, plan: Plan, job: Job) -> IntegrityError | None:
    """Write one chunk: None, or the unique violation that stopped the writing.

    A code repeated in a later chunk is only known at the end (a chunk is checked
    against the stored rows, not the file's other chunks). When the kind compared the
    chunks with the stored rows, an earlier chunk's row is among them and the repeat
    is no violation; when the table held no row before the import (the kind then
    checks its chunks without reading the database, ``job.cache["offline_checks"]``),
    the repeat fails the unique constraint here: nothing more is written, the rest
    is still checked, and the end reports the repeated code (or, when the file holds
    none, that the database changed meanwhile). No savepoint: it would cost a
    sub-journal of every page written."""
    try:
        spec.write(conn, plan, job)
    except IntegrityError as exc:
        if not job.cache.get("offline_checks"):
            raise
        return exc
    return None


def _repeated_codes(spec: Kind, path: Path, label: str, job: Job) -> None:
    """Report a code that a later chunk repeats (each chunk reported its own): the
    lines whose code hash repeats are read again to compare the codes themselves."""
    suspects = repeated_lines(job)
    if not suspects:
        return
    name = spec.code_column
    first: dict[str, int] = {}
    found: list[tuple[int, str]] = []
    for table in iter_csv_tables(path, label, spec.header, [], Problems(label), []):
        idx = table.index.get(name)
        if idx is None:
            return
        for line, cells in zip(table.lines, table.cells, strict=True):
            if line not in suspects:
                continue
            raw = cells[idx]
            code = raw.strip() if isinstance(raw, str) else raw
            if not code:
                continue
            seen = first.setdefault(code, line)
            if seen != line and line not in job.dup_lines:
                found.append((line, f"duplicate {name} {code!r} (first on line {seen})"))
    for line, message in found:
        job.problems.add(line, name, message)


#: PostgreSQL: deadlock_detected, serialization_failure (the server rolled back)
_COLLISIONS = frozenset({"40P01", "40001"})


def _collided(exc: OperationalError) -> bool:
    """Whether the import lost a race with another writer (nothing of it was written):
    a PostgreSQL deadlock or serialization failure, or SQLite's lock still held when
    the busy timeout ran out."""
    if getattr(exc.orig, "sqlstate", None) in _COLLISIONS:
        return True
    return "database is locked" in str(exc.orig)


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def import_file(
    ctx: ServiceContext,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Import one interchange file of ``kind`` (see :data:`KINDS`), all or nothing.

    ``actor``: who imports (their roles must allow ``import``; the audit row names
    them). Without one the import runs for the machine's operator (scripts, tests)
    and the audit row names the operating-system login.

    ``progress(done, total)`` is called from the calling thread as rows are
    validated and written; ``cancel()`` returning true aborts with
    :class:`ImportCancelled` and nothing written. Raises :class:`ImportRejected`
    with every problem when the file is invalid, :class:`InterchangeError` when the
    request itself is wrong.
    """
    spec = _spec(kind)
    if actor is not None:
        require_role(actor, "import")
    return _run_import(
        ctx, spec, path, dry_run=dry_run, progress=progress, cancel=cancel, actor=actor
    )


def import_holidays(
    ctx: ServiceContext,
    path: str | Path,
    dry_run: bool = False,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Replace the holiday overrides of every year in the file (CSV or XLSX) and
    recompute every case's closure deadline, in one transaction (``actor`` as in
    :func:`import_file`, here with ``set_holidays``)."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InterchangeError(f"{path}: holidays files must end in .csv or .xlsx")
    if actor is not None:
        require_role(actor, "set_holidays")
    return _run_import(
        ctx, _HOLIDAYS, path, dry_run=dry_run, progress=progress, cancel=cancel, actor=actor
    )


def _carries_pi(spec: Kind) -> bool:
    return bool(spec.pi_masks or spec.free_text)


def carries_pi(kind: str) -> bool:
    """Whether files of ``kind`` hold personal information (masked unless ``with_pi``):
    personal-information columns, or free text staff may have typed numbers into."""
    return _carries_pi(_spec(kind))


def export_file(
    ctx: ServiceContext,
    kind: str,
    path: str | Path,
    *,
    actor: Actor,
    with_pi: bool = False,
) -> int:
    """Write all rows of ``kind`` to ``path`` (same columns as the import; CSV with a
    BOM, XLSX, or GeoJSON for grids). Returns the number of rows written.

    Personal information is masked (``张*``, ``110***********123X``, ``138****1234``)
    unless ``with_pi``, which needs the ``export_pi`` action (any export needs
    ``export``); a masked file cannot be imported back. The export is audited under
    ``actor``."""
    spec = _spec(kind)
    require_role(actor, "export")
    if with_pi:
        require_role(actor, "export_pi")
    path = Path(path)
    _check_suffix(spec, path)
    cipher = ctx.cipher if spec.needs_cipher else None
    # read in one snapshot without blocking writers; the audit row is a short write
    with transaction(ctx.engine, write=False) as session:
        rows = spec.export_rows(session.connection(), cipher)
    pii = _carries_pi(spec) and with_pi
    if _carries_pi(spec) and not with_pi:
        rows = _masked(rows, spec)
    if isinstance(spec, Grids):
        n = spec.write_file(path, rows)
    else:
        n = write_table(path, spec.header, rows, title=spec.title)
    with transaction(ctx.engine) as session:
        append_audit(
            session.connection(),
            actor.name,
            "export",
            spec.name,
            None,
            {"file": path.name, "rows": n, "pii": pii},
            sort_keys=True,
        )
    return n


def _masked(rows: list[list[Any]], spec: Kind) -> list[list[Any]]:
    """``rows`` with the kind's personal-information columns masked, and the identity
    and phone numbers in its free-text columns."""
    masks: list[tuple[int, Callable[[Any], str]]] = [
        (spec.header.index(name), mask) for name, mask in spec.pi_masks.items()
    ]
    masks += [(spec.header.index(name), mask_pi_numbers) for name in spec.free_text]
    for row in rows:
        for i, mask in masks:
            if row[i] is not None:
                row[i] = mask(row[i])
    return rows
