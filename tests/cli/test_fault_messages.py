"""Faults of the database and the disk reach users as clear messages (issue 19).

Each fault is produced for real (a terminated PostgreSQL backend, a statement past its
timeout, a NUL byte, a refused connection, a full SQLite database, a database locked
by another writer) and classified by :func:`db.errors.classify`; the command line
words it in English and Chinese (what happened, whether anything was saved, what to
do), and an internal error never claims that its details were logged when the log
could not be written (a real file-size limit in a subprocess)."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc as sa_exc
from sqlalchemy import Engine, create_engine, event, text

import center.logs
from center.cli import main
from db.errors import DatabaseFault, Fault, classify, fault_text

# the whole English line of each kind the drills meet, with "nothing was saved"
BUSY_EN = (
    "center: error: the database is busy: another program or workstation kept it "
    "locked longer than the wait allows; nothing was saved. Try again in a moment; if "
    "it stays busy, look for a long import, backup or restore still running."
)
BUSY_ZH = (
    "center：错误：数据库正忙：另一个程序或工作站占用数据库的时间超过了等待时限，"
    "未保存任何内容。请稍后重试；如一直繁忙，请检查是否有仍在运行的导入、备份或恢复。"
)
LOST_EN = (
    "center: error: the connection to the database server was lost (the server "
    "restarted or ended the connection); nothing was saved. Check that the server is "
    "running, then try again: the program reconnects by itself."
)
LOST_ZH = (
    "center：错误：与数据库服务器的连接已中断（服务器重启或结束了该连接），未保存任何内容。"
    "请确认服务器正在运行，然后重试：程序会自动重新连接。"
)


@pytest.fixture(autouse=True)
def _fresh_log() -> Iterator[None]:
    """The log set-up is per process: each test logs into its own log folder."""
    center.logs._reset_for_tests()
    yield
    center.logs._reset_for_tests()


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _short_busy_timeout(monkeypatch: pytest.MonkeyPatch, ms: int = 150) -> None:
    """Every SQLite engine the command makes waits ``ms`` for a lock, not 10 s: a
    connect listener added after the engine's own pragmas."""
    import db.engine as dbe

    made = dbe.make_engine

    def make_engine(url: str, **kw: Any) -> Engine:
        engine = made(url, **kw)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", lambda c, _r: c.execute(f"PRAGMA busy_timeout={ms}"))
        return engine

    monkeypatch.setattr(dbe, "make_engine", make_engine)


def _users(url: str) -> list[str]:
    from db.engine import make_engine

    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return list(conn.execute(text("SELECT username FROM app_user")).scalars())
    finally:
        eng.dispose()


# -- the faults, produced for real ----------------------------------------------


def _sqlite_full(tmp_path: Path) -> BaseException:
    eng = create_engine(f"sqlite:///{tmp_path / 'full.sqlite3'}")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
    try:
        with eng.begin() as conn:
            conn.execute(text("PRAGMA max_page_count=3"))
            conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "y" * 4000}] * 8)
    except sa_exc.OperationalError as exc:
        return exc
    finally:
        eng.dispose()
    raise AssertionError("the database did not fill up")


def _sqlite_busy(tmp_path: Path) -> BaseException:
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    eng = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05})
    try:
        with eng.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES ('z')"))
    except sa_exc.OperationalError as exc:
        return exc
    finally:
        eng.dispose()
        holder.rollback()
        holder.close()
    raise AssertionError("the database was not locked")


def test_sqlite_faults_are_classified(tmp_path: Path) -> None:
    assert classify(_sqlite_full(tmp_path)) == Fault(
        "disk_full",
        False,
        "sqlalchemy.OperationalError / sqlite3.OperationalError / SQLITE_FULL",
    )
    assert classify(_sqlite_busy(tmp_path)) == Fault(
        "busy",
        False,
        "sqlalchemy.OperationalError / sqlite3.OperationalError / SQLITE_BUSY",
    )


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        (errno.ENOSPC, "ENOSPC", "disk_full"),
        (errno.EDQUOT, "EDQUOT", "disk_full"),
        (errno.EFBIG, "EFBIG", "disk_full"),
        (errno.EROFS, "EROFS", "read_only"),
        (errno.EIO, "EIO", "io_error"),
    ],
)
def test_a_file_that_cannot_be_written_is_a_fault_without_a_word_on_saving(
    code: int, name: str, kind: str
) -> None:
    fault = classify(OSError(code, os.strerror(code)))
    assert fault == Fault(kind, None, f"builtins.OSError / {name}", source="file")
    assert "saved" not in fault_text(fault)


def test_what_is_no_fault() -> None:
    from center.core.errors import InvalidInput

    assert classify(RuntimeError("database is locked")) is None  # not a driver's error
    assert classify(OSError(errno.ENOENT, "No such file or directory")) is None
    assert classify(InvalidInput("summary", "too long")) is None
    assert classify(ValueError("x")) is None


def test_a_connection_lost_while_committing_leaves_saving_unknown() -> None:
    """The commit has no statement: the server may have committed before the
    connection broke, so the message must not say that nothing was saved."""
    import psycopg

    orig = psycopg.OperationalError("server closed the connection unexpectedly")
    during_commit = sa_exc.OperationalError(None, None, orig)
    during_select = sa_exc.OperationalError("SELECT 1", None, orig)
    assert classify(during_commit) == Fault(
        "connection_lost", None, "sqlalchemy.OperationalError / psycopg.OperationalError"
    )
    assert classify(during_select).saved is False  # type: ignore[union-attr]
    # db.engine closes a connection whose server does not answer in time
    hung = psycopg.OperationalError(
        "the database server did not answer within 12 s (the network or the server is "
        "down); the connection was closed"
    )
    assert classify(sa_exc.OperationalError("SELECT 1", None, hung)) == Fault(
        "no_answer", False, "sqlalchemy.OperationalError / psycopg.OperationalError"
    )
    assert classify(sa_exc.OperationalError(None, None, hung)).saved is None  # type: ignore[union-attr]
    assert fault_text(classify(during_commit)) == (  # type: ignore[arg-type]
        "the connection to the database server was lost (the server restarted or ended "
        "the connection); the change may or may not have been saved: look before doing "
        "it again. Check that the server is running, then try again: the program "
        "reconnects by itself."
    )


def _admin_engine() -> Engine:
    from db.engine import normalise_url

    # the suite's server (tests/conftest.py reads the same variable; importing
    # `conftest` here could find tests/guard's instead)
    return create_engine(
        normalise_url(os.environ["CENTER_TEST_PG_URL"]), isolation_level="AUTOCOMMIT"
    )


def terminate(pid: int) -> None:
    """End PostgreSQL backend ``pid`` and wait until it is gone."""
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            for _ in range(200):
                alive = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
                ).scalar()
                if not alive:
                    return
                time.sleep(0.02)
    finally:
        admin.dispose()
    raise AssertionError(f"backend {pid} did not end")


@pytest.mark.pg
def test_postgresql_faults_are_classified() -> None:
    import psycopg

    from db.engine import make_engine, normalise_url

    PG_URL = os.environ.get("CENTER_TEST_PG_URL", "")  # noqa: N806 - the suite's name
    if not PG_URL:
        pytest.skip("PostgreSQL tests need CENTER_TEST_PG_URL")

    eng = make_engine(normalise_url(PG_URL))
    try:
        with pytest.raises(sa_exc.OperationalError) as lost:
            with eng.begin() as conn:
                terminate(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
                conn.execute(text("SELECT 1"))
        assert classify(lost.value) == Fault(
            "connection_lost", False, "sqlalchemy.OperationalError / psycopg.AdminShutdown / 57P01"
        )
        with pytest.raises(sa_exc.OperationalError) as slow:
            with eng.begin() as conn:
                conn.execute(text("SET LOCAL statement_timeout = 50"))
                conn.execute(text("SELECT pg_sleep(2)"))
        assert classify(slow.value) == Fault(
            "timeout", False, "sqlalchemy.OperationalError / psycopg.QueryCanceled / 57014"
        )
        raw = eng.raw_connection()  # the driver itself: no guard of the services asked
        try:
            with pytest.raises(psycopg.DataError) as nul:
                raw.cursor().execute("SELECT %(x)s", {"x": "a\x00b"})
        finally:
            raw.close()
        assert classify(nul.value) == Fault("nul", False, "psycopg.DataError")
    finally:
        eng.dispose()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    refused = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{port}/none")
    with pytest.raises(sa_exc.OperationalError) as unreachable:
        refused.connect()
    assert classify(unreachable.value) == Fault(
        "unreachable", False, "sqlalchemy.OperationalError / psycopg.OperationalError"
    )


# -- the command line ------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("lang", "line"), [("en", BUSY_EN), ("zh_CN", BUSY_ZH)])
def test_a_locked_database_is_busy_and_nothing_was_saved(
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    line: str,
) -> None:
    _short_busy_timeout(monkeypatch)
    monkeypatch.setenv("CENTER_NEW_PASSWORD", "root-password-1")
    holder = sqlite3.connect(_sqlite_path(db_url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        code, out, err = _run(
            capsys, "user", "add", "root", "--role", "admin", "--db", db_url, "--lang", lang
        )
    finally:
        holder.rollback()
        holder.close()
    assert (code, out, err) == (1, "", line + "\n")
    assert _users(db_url) == []
    log = (center.logs.log_path()).read_text("utf-8")
    assert log.endswith(
        "WARNING center: `center user add` stopped: busy (sqlalchemy.OperationalError / "
        "sqlite3.OperationalError / SQLITE_BUSY)\n"
    )
    code, out, _ = _run(capsys, "user", "add", "root", "--role", "admin", "--db", db_url)
    assert code == 0 and _users(db_url) == ["root"]  # once the lock is gone


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
@pytest.mark.parametrize(("lang", "line"), [("en", LOST_EN), ("zh_CN", LOST_ZH)])
def test_a_write_whose_connection_is_terminated_says_nothing_was_saved(
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    line: str,
) -> None:
    """`center user add` while the server ends the connection at the INSERT (shown
    before as "(psycopg.errors.AdminShutdown)…" and an internal error)."""
    monkeypatch.setenv("CENTER_NEW_PASSWORD", "root-password-1")

    def kill(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO app_user "):
            terminate(cursor.connection.info.backend_pid)

    event.listen(Engine, "before_cursor_execute", kill)
    try:
        code, out, err = _run(
            capsys, "user", "add", "root", "--role", "admin", "--db", db_url, "--lang", lang
        )
    finally:
        event.remove(Engine, "before_cursor_execute", kill)
    assert (code, out, err) == (1, "", line + "\n")
    assert _users(db_url) == []
    code, _, _ = _run(capsys, "user", "add", "root", "--role", "admin", "--db", db_url)
    assert code == 0 and _users(db_url) == ["root"]


def test_a_fault_raised_as_a_database_fault_is_worded_in_chinese(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import center.commands.kpi as kpi_command

    def run_kpi(args: object) -> int:
        raise DatabaseFault(Fault("disk_full", False, "test"))

    monkeypatch.setattr(kpi_command, "run_kpi", run_kpi)
    monkeypatch.delenv("CENTER_LANG")
    code, _, err = _run(capsys, "kpi", "--scope", "street", "--period", "2026-10")
    assert (code, err) == (
        1,
        "center：错误：磁盘已满，未保存任何内容。请清理磁盘空间（或请管理员清理），然后重试。\n",
    )


def test_a_nul_refused_by_the_services_is_worded_in_both_languages(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import center.commands.kpi as kpi_command
    from center.core.errors import InvalidInput, refuse_nul

    def run_kpi(args: object) -> int:
        refuse_nul("summary", "a\x00b")
        raise AssertionError("not refused")

    monkeypatch.setattr(kpi_command, "run_kpi", run_kpi)
    argv = ("kpi", "--scope", "street", "--period", "2026-10")
    assert _run(capsys, *argv) == (
        2,
        "",
        "center: error: summary: contains a NUL character (\\x00), which no text may hold: "
        "remove it (it often comes with text copied from another program or a converted "
        "file) and try again\n",
    )
    monkeypatch.delenv("CENTER_LANG")
    assert _run(capsys, *argv) == (
        2,
        "",
        "center：错误：summary：含有空字符（\\x00），任何文本都不能包含它：请删除该字符"
        "（它常随从其他程序复制的文本或转换过的文件带入）后重试\n",
    )
    with pytest.raises(InvalidInput):
        refuse_nul("x", "\x00")
    refuse_nul("x", "plain")  # no NUL: nothing to say


# -- the log ---------------------------------------------------------------------

# runs `center kpi` whose command raises a bug, under a file-size limit (RLIMIT_FSIZE;
# SIGXFSZ ignored so a write fails with EFBIG instead of killing the process)
_BUG = """
import json, resource, signal, sys
limit = int(sys.argv[1])
if limit >= 0:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
import center.commands.kpi as kpi
def run_kpi(args):
    raise RuntimeError("a bug")
kpi.run_kpi = run_kpi
from center.cli import main
raise SystemExit(main(["kpi", "--scope", "street", "--period", "2026-10"]))
"""


def _bug(limit: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BUG, str(limit)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_internal_error_names_the_log_it_was_written_to() -> None:
    done = _bug(-1)
    log = center.logs.log_path()
    assert (done.returncode, done.stderr) == (
        1,
        f"center: internal error in `kpi`; details were written to {log}\n",
    )
    text_ = log.read_text("utf-8")
    assert "ERROR center: internal error in `center kpi`" in text_
    assert text_.rstrip().endswith("RuntimeError: a bug")


def test_with_the_log_disk_full_it_says_the_details_could_not_be_written() -> None:
    done = _bug(0)  # not one byte may be written to any file
    log = center.logs.log_path()
    assert (done.returncode, done.stderr) == (
        1,
        f"center: internal error in `kpi`; the details could not be written to the log "
        f"{log} (File too large)\n",
    )
    assert log.stat().st_size == 0  # made, never written


def test_log_exception_reports_a_failed_write(tmp_path: Path) -> None:
    import logging

    path = center.logs.setup_logging()
    handler = center.logs._handler
    assert handler is not None

    class Full:
        """A log file on a full disk."""

        def tell(self) -> int:
            return 0

        def seek(self, *_args: int) -> int:
            return 0

        def write(self, _text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def flush(self) -> None:
            return None

        def close(self) -> None:
            return None

    handler.stream = Full()  # type: ignore[assignment]
    logged = center.logs.log_exception(logging.getLogger("center"), "x", exc=ValueError("y"))
    assert logged == center.logs.Logged(path, False, "No space left on device")
    # the stream was dropped: the next record opens the file again and gets there
    logged = center.logs.log_exception(logging.getLogger("center"), "z", exc=ValueError("w"))
    assert logged == center.logs.Logged(path, True)
    assert "ValueError: w" in path.read_text("utf-8")


def test_a_log_folder_that_cannot_be_made_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    blocker = Path(os.environ["CENTER_LOG_DIR"]) / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CENTER_LOG_DIR", str(blocker / "logs"))
    logged = center.logs.log_exception(logging.getLogger("center"), "x", exc=ValueError("y"))
    assert logged == center.logs.Logged(blocker / "logs" / "center.log", False, "Not a directory")


# -- the windows' wording ----------------------------------------------------------


def test_the_windows_word_faults_and_bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a translator the windows' English source strings show."""
    from center.core.errors import ConflictError
    from center.windows.runtime import faults

    busy = faults.error_message(DatabaseFault(Fault("busy", False, "t")))
    assert busy == (
        "The database is busy: another program or workstation kept it locked longer than "
        "the wait allows.\n\nNothing was saved.\n\nTry again in a moment; if it stays "
        "busy, look for a long import, backup or restore still running."
    )
    maybe = faults.fault_message(Fault("connection_lost", None, "t"))
    assert maybe.split("\n\n")[1] == (
        "The change may or may not have been saved: look before doing it again."
    )
    disk = faults.error_message(OSError(errno.ENOSPC, "No space left on device"))
    assert disk == (
        "The disk is full.\n\nFree some disk space (or ask the administrator to), then try again."
    )
    conflict = ConflictError("K1", 1, 2, [])
    assert faults.error_message(conflict) == str(conflict)
    assert faults.fault_of(conflict) is None
    for kind in (
        "no_answer",
        "unreachable",
        "timeout",
        "conflict",
        "nul",
        "read_only",
        "corrupt",
        "io_error",
    ):
        words = faults.fault_message(Fault(kind, False, "t"))
        assert words.count("\n\n") == 2 and "Nothing was saved." in words

    log = center.logs.log_path()
    assert faults.error_message(RuntimeError("bug")) == (
        f"An internal error occurred; details were written to {log}"
    )
    handler = center.logs._handler
    assert handler is not None

    def full_emit(record: object) -> None:
        try:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError:
            handler.handleError(record)  # type: ignore[arg-type]

    monkeypatch.setattr(handler, "emit", full_emit)
    assert faults.error_message(RuntimeError("bug")) == (
        f"An internal error occurred; the details could not be written to the log {log} "
        "(No space left on device)."
    )


def test_every_kind_has_its_words() -> None:
    from center.commands.messages import FAULTS_ZH
    from db.errors import FAULT_KINDS, FAULT_TEXT

    assert (
        set(FAULTS_ZH)
        == set(FAULT_TEXT)
        == set(FAULT_KINDS)
        == {
            "busy",
            "conflict",
            "connection_lost",
            "corrupt",
            "disk_full",
            "io_error",
            "no_answer",
            "nul",
            "read_only",
            "timeout",
            "unreachable",
        }
    )


def test_a_bug_while_handling_a_database_error_is_no_fault(tmp_path: Path) -> None:
    """A bug in an ``except`` block is reported as the bug; a service that re-raises
    a database error as its own (``raise … from``) keeps the fault."""
    busy = _sqlite_busy(tmp_path)
    try:
        raise busy
    except sa_exc.OperationalError:
        try:
            raise KeyError("a bug")
        except KeyError as bug:
            assert classify(bug) is None
    wrapped = RuntimeError("the import stopped")
    wrapped.__cause__ = busy
    assert classify(wrapped) == Fault(
        "busy",
        False,
        "sqlalchemy.OperationalError / sqlite3.OperationalError / SQLITE_BUSY",
    )
