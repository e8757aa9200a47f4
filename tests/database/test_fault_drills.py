"""Fault drills (issue 19): the database restarted mid-refresh, a connection
terminated mid-write and mid-import, SQLite locked by another writer past the busy timeout, a full
SQLite database, a full disk while writing a PDF, an export and a backup, and a NUL
character in a text written through the services.

Each drill checks the three things users rely on: nothing was written (or the old
file is intact, and no half-written file is left), the fault is worded clearly
(:func:`db.errors.classify`), and the next piece of work succeeds by itself."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import TEST_PASSWORD, Builder, account, at
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest
from center.cli import main
from center.core.access import Actor
from center.core.errors import NUL_MESSAGE, InvalidInput, install_text_guard
from center.wall.model import load_kpis
from db.engine import open_database
from db.errors import Fault, classify, fault_text
from db.models import AuditLog, Case, CaseEvent

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
pg_only = pytest.mark.parametrize("db_url", ["pg"], indirect=True)

COORD = Actor("alice", "coordinator")
T0 = at(2026, 11, 2, 9)
AS_OF = at(2026, 11, 20, 12)
LOST = "sqlalchemy.OperationalError / psycopg.AdminShutdown / 57P01"


@pytest.fixture
def street(engine: Engine) -> Builder:
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C01")
    for i, grid in enumerate(("G01", "G01", "G02"), 1):
        b.household(f"H{i}", grid, special_groups="solo_elderly" if i == 1 else "")
        b.visit(f"H{i}", at(2026, 11, 3 + i, 10))
    b.case("H1", at(2026, 11, 4, 9), first_response_at=at(2026, 11, 4, 10))
    return b


def _case(engine: Engine, code: str) -> tuple[int, str, int, int]:
    """Version, status, events and audit rows of case ``code``."""
    with engine.connect() as conn:
        cid, version, status = conn.execute(
            select(Case.id, Case.version, Case.status).where(Case.code == code)
        ).one()
        events = conn.scalar(select(func.count()).where(CaseEvent.case_id == cid))
        audits = conn.scalar(select(func.count()).where(AuditLog.entity_code == code))
    return version, status, int(events or 0), int(audits or 0)


def _cases(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Case)) or 0)


# -- PostgreSQL: the server ends connections ------------------------------------


def _admin() -> Engine:
    from db.engine import normalise_url

    # the suite's server (tests/conftest.py reads the same variable; importing
    # `conftest` here could find tests/guard's instead)
    return create_engine(
        normalise_url(os.environ["CENTER_TEST_PG_URL"]), isolation_level="AUTOCOMMIT"
    )


def _terminate(where: str, **params: Any) -> int:
    """End the backends of ``pg_stat_activity`` rows matching ``where`` and wait until
    they are gone; how many there were."""
    admin = _admin()
    try:
        with admin.connect() as conn:
            pids = (
                conn.execute(text(f"SELECT pid FROM pg_stat_activity WHERE {where}"), params)
                .scalars()
                .all()
            )
            for pid in pids:
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            for _ in range(250):
                left = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:p)"),
                    {"p": list(pids)},
                ).scalar()
                if not left:
                    return len(pids)
                time.sleep(0.02)
    finally:
        admin.dispose()
    raise AssertionError(f"backends {pids} did not end")


@pg_only
def test_the_database_restarted_mid_refresh(db_url: str, street: Builder) -> None:
    """Every connection of the wall's engine (the one reading, the idle ones in the
    pool) is ended by the server at the third statement of a KPI refresh, as a
    restart does; the refresh fails as a lost connection and the next one works by
    itself, with the same numbers."""
    app = f"center_drill_{os.getpid()}"
    wall = open_database(f"{db_url}&application_name={app}")
    try:
        before = load_kpis(wall, AS_OF)
        seen: list[str] = []
        ended: list[int] = []

        def restart(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            seen.append(statement)
            if len(seen) == 3:
                ended.append(_terminate("application_name = :a", a=app))

        event.listen(wall, "before_cursor_execute", restart)
        try:
            with pytest.raises(OperationalError) as failed:
                load_kpis(wall, AS_OF)
        finally:
            event.remove(wall, "before_cursor_execute", restart)
        assert ended and ended[0] >= 1
        assert classify(failed.value) == Fault("connection_lost", False, LOST)
        assert load_kpis(wall, AS_OF) == before  # no restart of the program needed
    finally:
        wall.dispose()


@pg_only
@pytest.mark.parametrize("moment", ["statement", "commit"])
def test_a_connection_terminated_mid_write(
    db_url: str, engine: Engine, street: Builder, moment: str
) -> None:
    """A transition whose connection the server ends at its UPDATE, or just as it
    commits: nothing is written (version, status, event and audit rows as before),
    the message says so, and the same transition then goes through."""
    ch = cs.intake(engine, COORD, IntakeRequest("H2", "visit", "L01", received_at=T0))
    before = _case(engine, ch.code)

    def at_update(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("UPDATE cases"):
            _terminate("pid = :p", p=cursor.connection.info.backend_pid)

    def at_commit(conn: Any) -> None:
        _terminate("pid = :p", p=conn.connection.driver_connection.info.backend_pid)

    hook, fn = (
        ("before_cursor_execute", at_update) if moment == "statement" else ("commit", at_commit)
    )
    event.listen(engine, hook, fn)
    try:
        with pytest.raises(OperationalError) as failed:
            cs.assign(engine, COORD, ch.code, ch.version, "D08", at=T0)
    finally:
        event.remove(engine, hook, fn)
    fault = classify(failed.value)
    assert fault == Fault("connection_lost", False, LOST)
    assert fault_text(fault) == (
        "the connection to the database server was lost (the server restarted or ended "
        "the connection); nothing was saved. Check that the server is running, then try "
        "again: the program reconnects by itself."
    )
    assert _case(engine, ch.code) == before
    done = cs.assign(engine, COORD, ch.code, ch.version, "D08", at=T0)
    assert (done.status, done.version) == ("assigned", ch.version + 1)
    assert _case(engine, ch.code) == (ch.version + 1, "assigned", before[2] + 1, before[3] + 1)


@pg_only
def test_a_backend_killed_mid_import(
    db_url: str,
    engine: Engine,
    street: Builder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`center import households` whose connection the server ends at its first
    INSERT (shown before as an internal error): the command says what happened and
    that nothing was saved; no household was imported; run again, it imports."""
    account(engine, "root", "admin")
    monkeypatch.setenv("CENTER_USER", "root")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    path = tmp_path / "households.csv"
    path.write_text(
        "household_code,grid_code,address\nH7,G01,七号楼101\nH8,G02,八号楼202\n", "utf-8"
    )
    with engine.connect() as conn:
        before = conn.scalar(text("SELECT count(*) FROM household"))

    def kill(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO household "):
            _terminate("pid = :p", p=cursor.connection.info.backend_pid)

    event.listen(Engine, "before_cursor_execute", kill)
    try:
        code = main(["import", "households", str(path), "--db", db_url])
    finally:
        event.remove(Engine, "before_cursor_execute", kill)
    out, err = capsys.readouterr()
    assert (code, err) == (
        1,
        "center: error: the connection to the database server was lost (the server "
        "restarted or ended the connection); nothing was saved. Check that the server "
        "is running, then try again: the program reconnects by itself.\n",
    )
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM household")) == before
    assert main(["import", "households", str(path), "--db", db_url]) == 0
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM household")) == before + 2


# -- SQLite: another writer, a full database -------------------------------------


def _sqlite_file(db_url: str) -> str:
    return db_url.removeprefix("sqlite:///")


@pytest.fixture
def short_wait(engine: Engine) -> Iterator[Engine]:
    """``engine`` whose new connections wait 150 ms for a lock (the product waits
    10 s: a connect listener after the engine's own pragmas)."""

    def wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=150")

    event.listen(engine, "connect", wait)
    engine.dispose()
    yield engine
    event.remove(engine, "connect", wait)


@sqlite_only
def test_sqlite_locked_by_another_writer_past_the_busy_timeout(
    db_url: str, short_wait: Engine, street: Builder
) -> None:
    engine = short_wait
    ch = cs.intake(engine, COORD, IntakeRequest("H2", "visit", "L01", received_at=T0))
    before = _case(engine, ch.code)
    holder = sqlite3.connect(_sqlite_file(db_url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # an import, a backup, another program
    try:
        with pytest.raises(OperationalError) as failed:
            cs.assign(engine, COORD, ch.code, ch.version, "D08", at=T0)
    finally:
        holder.rollback()
        holder.close()
    fault = classify(failed.value)
    assert fault == Fault(
        "busy", False, "sqlalchemy.OperationalError / sqlite3.OperationalError / SQLITE_BUSY"
    )
    assert fault_text(fault).startswith("the database is busy: ")
    assert _case(engine, ch.code) == before
    assert cs.assign(engine, COORD, ch.code, ch.version, "D08", at=T0).status == "assigned"


@sqlite_only
def test_a_full_sqlite_database_writes_nothing(engine: Engine, street: Builder) -> None:
    """The database may not grow (``max_page_count``: SQLite's own "database or disk
    is full"); a case with a long summary needs new pages."""

    def no_room(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    cases = _cases(engine)
    event.listen(engine, "connect", no_room)
    engine.dispose()
    long_summary = "楼道堆物影响通行，" * 4000
    try:
        with pytest.raises(OperationalError) as failed:
            cs.intake(
                engine,
                COORD,
                IntakeRequest("H2", "visit", "L01", received_at=T0, summary=long_summary),
            )
    finally:
        event.remove(engine, "connect", no_room)
        engine.dispose()
    fault = classify(failed.value)
    assert fault == Fault(
        "disk_full", False, "sqlalchemy.OperationalError / sqlite3.OperationalError / SQLITE_FULL"
    )
    assert fault_text(fault) == (
        "the disk is full; nothing was saved. Free some disk space (or ask the "
        "administrator to), then try again."
    )
    assert _cases(engine) == cases
    ch = cs.intake(
        engine, COORD, IntakeRequest("H2", "visit", "L01", received_at=T0, summary=long_summary)
    )
    assert _cases(engine) == cases + 1 and ch.status == "received"


# -- a NUL character in a text ---------------------------------------------------


def test_a_nul_in_a_text_is_refused_on_both_engines(engine: Engine, street: Builder) -> None:
    """PostgreSQL cannot store a NUL, SQLite would store it silently: the services
    refuse it on both with the same InvalidInput, before anything is sent."""
    install_text_guard()
    cases = _cases(engine)
    with pytest.raises(InvalidInput) as refused:
        cs.intake(
            engine,
            COORD,
            IntakeRequest("H2", "visit", "L01", received_at=T0, summary="漏水\x00严重"),
        )
    assert (refused.value.field, refused.value.message) == ("summary", NUL_MESSAGE)
    assert _cases(engine) == cases
    ch = cs.intake(engine, COORD, IntakeRequest("H2", "visit", "L01", received_at=T0))
    with pytest.raises(InvalidInput) as edit:
        cs.update_case(engine, COORD, ch.code, ch.version, {"summary": "a\x00"})
    assert edit.value.field == "summary"
    assert _case(engine, ch.code)[0] == ch.version


# -- a full disk while writing a file ----------------------------------------------

# Runs `center ARGV…` with a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored: a write
# past it fails with EFBIG, as on a full disk) set as the command makes the temporary
# file it writes its output into (every writer of a report, an export or a backup
# writes a temporary file and renames it when complete): the limit falls on that
# file, not on the database the command reads or logs in to.
_FULL_DISK = """
import json, resource, signal, sys, tempfile
limit, argv = int(sys.argv[1]), json.loads(sys.argv[2])
made = tempfile.mkstemp
def mkstemp(*args, **kw):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    return made(*args, **kw)
tempfile.mkstemp = mkstemp
from center.cli import main
raise SystemExit(main(argv))
"""

OLD = b"the file as it was before\n"
UNCHANGED = (
    "; no file was written and an earlier file of that name is unchanged: check the "
    "folder and the free disk space, then try again"
)


def _full_disk(limit: int, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(limit), json.dumps(list(argv))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "CENTER_PASSWORD": TEST_PASSWORD},
    )


@pytest.mark.parametrize("what", ["pdf", "export", "backup"])
def test_a_full_disk_leaves_no_half_written_file(
    db_url: str,
    engine: Engine,
    street: Builder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    if what == "pdf":
        target = out_dir / "monthly.pdf"
        target.write_bytes(OLD)
        argv = ["report", "monthly", "--month", "2026-11", "--as-of", "2026-11-20T12:00"]
        argv += ["-o", str(target), "--db", db_url]
        expected = (2, f"center: error: {target}: cannot write (File too large){UNCHANGED}\n")
    elif what == "export":
        account(engine, "kao", "coordinator")
        target = out_dir / "households.csv"
        target.write_bytes(OLD)
        argv = ["export", "households", str(target), "--db", db_url, "--user", "kao"]
        expected = (
            2,
            f"center: error: {target}: cannot write the file (File too large){UNCHANGED}\n",
        )
    else:
        target = out_dir / "center.backup"
        argv = ["db", "backup", "-o", str(target), "--db", db_url]
        # SQLite reports a write past the limit as an I/O error (a full disk: "database
        # or disk is full", worded as the disk being full)
        expected = (
            1,
            "center: error: the disk reported a read or write error; nothing was saved. "
            "Check the disk, then try again.\n",
        )
    done = _full_disk(64, *argv)  # less than any of the files
    assert (done.returncode, done.stderr) == expected, done.stderr
    assert done.stdout == ""
    if what == "backup":
        assert sorted(os.listdir(out_dir)) == []  # no backup, no .part left
    else:
        assert sorted(os.listdir(out_dir)) == [target.name]  # no temporary file left
        assert target.read_bytes() == OLD
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    assert main(argv) == 0  # room again: the same command works
    assert target.stat().st_size > len(OLD)
