"""Shared fixtures.

* The user's real config, data and log dirs are never touched.
* ``engine``: a fresh database at the newest schema with the shipped reference data,
  on SQLite and, where ``CENTER_TEST_PG_URL`` is set, on PostgreSQL (in a schema of
  its own, ``center_test_<pid>``, dropped at the end). With that variable set, a
  skipped PostgreSQL test fails the run.
* A GUI test (marked ``gui``) fails when, after its teardown, it left behind a Python
  thread, pool work or an active QTimer (see :func:`leftovers`); a test that cannot
  help it says why with ``@pytest.mark.allow_leaks(reason=...)``.
* No personal information in what the product writes (issue 14): every export,
  route sheet, report PDF, snapshot and log file the product writes during the run is
  recorded and, when the run passed, scanned for identity and mobile numbers at its
  end (``tests/pi_scan.py``); a hit fails the run.
"""

from __future__ import annotations

import base64
import gc
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pi_scan
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CENTER_PII_KEY"] = base64.b64encode(b"k" * 32).decode()

PG_URL = os.environ.get("CENTER_TEST_PG_URL", "")
# one schema per test process, so parallel runs on one server never collide
PG_SCHEMA = f"center_test_{os.getpid()}"
BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]
# how long threads and pool work that are finishing get after a GUI test's teardown
LEAK_GRACE_S = 5.0
# a GUI test's threads and active timers (their ids) before its setup
_BEFORE = pytest.StashKey[tuple[list[threading.Thread], set[int]]]()
# the wrappers around the product's file writers (tests/pi_scan.py)
_WRITERS = pytest.StashKey[pytest.MonkeyPatch]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_leaks(reason): this GUI test may leave threads or timers running "
        "(say which product code leaks, and why it cannot be stopped)",
    )
    # before the test modules are collected: their `from ... import` get the wrappers
    mp = pytest.MonkeyPatch()
    pi_scan.install(mp)
    config.stash[_WRITERS] = mp


def pytest_unconfigure(config: pytest.Config) -> None:
    mp = config.stash.get(_WRITERS, None)
    if mp is not None:
        mp.undo()


# -- GUI tests leave no thread, pool work or timer running ----------------------


def _qt_objects() -> list[Any]:
    """The live QObjects a leftover can hang on: the application, every widget and
    every object Python has a wrapper for (controllers, runners), with their children."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QObject
    from PySide6.QtWidgets import QApplication

    app = QCoreApplication.instance()
    if app is None:
        return []
    todo: list[Any] = [app]
    if isinstance(app, QApplication):
        todo += QApplication.allWidgets()
    todo += [o for o in shiboken6.getAllValidWrappers() if isinstance(o, QObject)]
    seen: dict[int, Any] = {}
    while todo:
        obj = todo.pop()
        if id(obj) in seen or not shiboken6.isValid(obj):
            continue
        seen[id(obj)] = obj
        todo += obj.children()
    return list(seen.values())


def _describe(obj: Any) -> str:
    """``QTimer 'name' in WallController > QWidget 'wall'``: the object and its parents."""
    import shiboken6

    parts = []
    while obj is not None and shiboken6.isValid(obj):
        name = obj.objectName()
        parts.append(type(obj).__name__ + (f" {name!r}" if name else ""))
        obj = obj.parent()
    return parts[0] + (" in " + " > ".join(parts[1:]) if len(parts) > 1 else "")


def _flush_deletes() -> None:
    """Carry out pending deleteLater() calls."""
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def active_timers(objects: Iterable[Any] | None = None) -> list[Any]:
    from PySide6.QtCore import QTimer

    objects = _qt_objects() if objects is None else objects
    return [o for o in objects if isinstance(o, QTimer) and o.isActive()]


def _new_threads(before: Iterable[threading.Thread]) -> list[threading.Thread]:
    old = set(before)
    return [
        t
        for t in threading.enumerate()
        # a Dummy-N thread is a Qt pool thread that ran Python: never joined or
        # removed; the pool check covers it
        if t not in old and t.is_alive() and not isinstance(t, threading._DummyThread)
    ]


def _running(
    threads_before: list[threading.Thread], timers_before: set[int], deadline: float
) -> list[str]:
    from PySide6.QtCore import QThread, QThreadPool

    found = [
        f"thread {t.name!r} ({'daemon' if t.daemon else 'non-daemon'}, target "
        f"{getattr(getattr(t, '_target', None), '__qualname__', '?')})"
        for t in _new_threads(threads_before)
    ]
    objects = _qt_objects()
    pools = [QThreadPool.globalInstance()] + [o for o in objects if isinstance(o, QThreadPool)]
    for pool in pools:
        if not pool.waitForDone(max(0, int((deadline - time.monotonic()) * 1000))):
            which = "the global QThreadPool" if pool is pools[0] else _describe(pool)
            found.append(f"{which}: {pool.activeThreadCount()} task(s) still running")
    found += [
        f"{_describe(o)} still running" for o in objects if isinstance(o, QThread) and o.isRunning()
    ]
    found += [
        f"active {_describe(t)} (interval {t.interval()} ms)"
        for t in active_timers(objects)
        if id(t) not in timers_before
    ]
    return found


def leftovers(
    threads_before: Iterable[threading.Thread],
    timers_before: Iterable[int] = (),
    grace_s: float = LEAK_GRACE_S,
) -> list[str]:
    """What is still running that was not before: Python threads (after up to
    ``grace_s`` to finish), work on the global or any live QThreadPool (after the
    same grace), running QThreads, and active QTimers on live objects (other than
    the ``id``s in ``timers_before``). Objects let go are deleted first."""
    threads_before = list(threads_before)
    timers_before = set(timers_before)
    deadline = time.monotonic() + grace_s
    for t in _new_threads(threads_before):
        t.join(max(0.0, deadline - time.monotonic()))
    _flush_deletes()
    found = _running(threads_before, timers_before, deadline)
    if found:  # is it only garbage not collected yet? (a full collection is slow)
        gc.collect()
        _flush_deletes()
        found = _running(threads_before, timers_before, deadline)
    return found


def _checks_leaks(item: pytest.Item) -> bool:
    return item.get_closest_marker("gui") is not None and not item.get_closest_marker("allow_leaks")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    if _checks_leaks(item):
        item.stash[_BEFORE] = (threading.enumerate(), {id(t) for t in active_timers()})
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Runs around every other teardown (the test's fixtures, pytest-qt closing the
    widgets it was given): the check sees what they left."""
    result = yield
    before = item.stash.get(_BEFORE, None)
    if before is None:
        return result
    found = leftovers(*before)
    if found:
        for timer in active_timers():  # so the next tests are not blamed for them
            if id(timer) not in before[1]:
                timer.stop()
        pytest.fail(
            "the test left running after its teardown:\n  " + "\n  ".join(found),
            pytrace=False,
        )
    return result


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    base = tmp_path_factory.mktemp("userdirs")
    for name in ("CONFIG_DIR", "DATA_DIR", "LOG_DIR"):
        (base / name).mkdir()
        monkeypatch.setenv(f"CENTER_{name}", str(base / name))
    pi_scan.LOG_DIRS.add(base / "LOG_DIR")  # the product's, and its subprocesses'
    monkeypatch.setenv("CENTER_CONFIG", str(base / "CONFIG_DIR" / "center.ini"))
    monkeypatch.delenv("CENTER_DB_URL", raising=False)
    # the command line's messages follow the setting lang, Chinese by default; the
    # tests read them in English unless a test removes this (tests/cli/test_cli_lang.py)
    monkeypatch.setenv("CENTER_LANG", "en")
    for name in ("CENTER_USER", "CENTER_PASSWORD", "CENTER_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _forecast_in_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wall computes its forecast in a child process (center.wall.model,
    FORECAST_IN_CHILD): a Python start and the scikit-learn import per wall a test
    builds, and a fake forecast a test installs would not reach it. Tests compute it
    in-process, as a child does; tests/wall/test_wall_startup.py checks the child
    (marked ``forecast_child``)."""
    if request.node.get_closest_marker("forecast_child") is None:
        monkeypatch.setattr("center.wall.model.FORECAST_IN_CHILD", False)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its smallest cost: a login costs ~0.3 s by design (tests/core/
    test_accounts.py checks the real parameters), far too slow for every test that
    logs in or builds the demo's accounts."""
    from argon2 import PasswordHasher, Type

    monkeypatch.setattr(
        "center.accounts.passwords.HASHER",
        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID),
    )


def pg_url() -> str:
    from db.engine import normalise_url

    url = normalise_url(PG_URL)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{PG_SCHEMA}"


def _reset_pg_schema() -> None:
    from sqlalchemy import create_engine, text

    from db.engine import normalise_url

    eng = create_engine(normalise_url(PG_URL))
    with eng.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    eng.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from db.engine import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_migrated() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need CENTER_TEST_PG_URL")
    from db.engine import make_engine, upgrade

    _reset_pg_schema()
    eng = make_engine(pg_url())
    upgrade(eng)
    eng.dispose()
    yield pg_url()
    _drop_pg_schema()


def _drop_pg_schema() -> None:
    from sqlalchemy import create_engine, text

    from db.engine import normalise_url

    eng = create_engine(normalise_url(PG_URL))
    with eng.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    eng.dispose()


def _truncate_pg(url: str) -> None:
    from sqlalchemy import text

    from db.engine import make_engine
    from db.models import Base
    from db.seed import seed_reference

    eng = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with eng.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        seed_reference(conn)
    eng.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database at head with reference data, per backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "center.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_pg_migrated")
        _truncate_pg(url)
        yield url


@pytest.fixture
def engine(db_url: str):
    from db.engine import open_database

    eng = open_database(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def ctx(db_url: str):
    from center.context import open_context

    c = open_context(db_url)
    yield c
    c.close()


#: the personal-information scans of the xdist workers (each scans what its own tests
#: wrote), gathered by the controlling process as the workers finish
_WORKER_SCANS: list[dict[str, Any]] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: scan, the controller reports
        if session.exitstatus == 0:
            workeroutput["pi_scan"] = _scan(time.monotonic())
        return
    _scan_for_personal_information(session)
    _check_pg_ran(session)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist (controller): keep the scan a worker made of what its tests wrote."""
    scan = getattr(node, "workeroutput", {}).get("pi_scan")
    if scan is not None:
        _WORKER_SCANS.append(scan)


def _scan(start: float) -> dict[str, Any]:
    result = pi_scan.scan_all()
    return {
        "scanned": result.scanned,
        "images": result.skipped_images,
        "with_pi": result.skipped_with_pi,
        "gone": result.gone,
        "findings": list(result.findings),
        "seconds": time.monotonic() - start,
    }


def _scan_for_personal_information(session: pytest.Session) -> None:
    """Scan what the product wrote in this run (when it passed so far); a file holding
    something shaped like an identity or mobile number fails the run. Under xdist each
    worker scans what its own tests wrote and this process adds their results up."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if session.exitstatus != 0 or reporter is None:
        return
    reporter.write("\n")
    parallel = session.config.pluginmanager.hasplugin("dsession")
    scans = list(_WORKER_SCANS) if parallel else [_scan(time.monotonic())]
    if parallel and not scans:
        reporter.write_line("ERROR: no worker reported its personal-information scan", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    total = {k: sum(s[k] for s in scans) for k in ("scanned", "images", "with_pi", "gone")}
    findings = [f for s in scans for f in s["findings"]]
    summary = (
        f"personal-information scan: {total['scanned']} files scanned "
        f"({total['images']} images, {total['with_pi']} exports with "
        f"personal information and {total['gone']} removed files skipped) "
        f"in {max(s['seconds'] for s in scans):.1f} s"
        + (f" by {len(scans)} workers" if parallel else "")
    )
    if not findings:
        reporter.write_line(summary)
        return
    reporter.write_line(
        f"ERROR: {summary}: {len(findings)} identity or mobile numbers found:",
        red=True,
    )
    for finding in findings:
        reporter.write_line(f"  {finding}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _check_pg_ran(session: pytest.Session) -> None:
    if not PG_URL:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [r for r in reporter.stats.get("skipped", []) if "[pg" in r.nodeid]
    passed = [r for r in reporter.stats.get("passed", []) if "[pg" in r.nodeid]
    if not passed and os.environ.get("CI"):
        reporter.write_line(
            "ERROR: no PostgreSQL test passed with CENTER_TEST_PG_URL set", red=True
        )
        session.exitstatus = 1
    if skipped:
        reporter.write_line(
            f"ERROR: {len(skipped)} PostgreSQL tests were skipped with CENTER_TEST_PG_URL set",
            red=True,
        )
        session.exitstatus = 1
