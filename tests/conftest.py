"""Shared fixtures.

* The user's real config, data and log dirs are never touched.
* ``engine``: a fresh database at the newest schema with the shipped reference data,
  on SQLite and, where ``CENTER_TEST_PG_URL`` is set, on PostgreSQL (in a schema of
  its own, ``center_test_<pid>``, dropped at the end). With that variable set, a
  skipped PostgreSQL test fails the run.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CENTER_PII_KEY"] = base64.b64encode(b"k" * 32).decode()

PG_URL = os.environ.get("CENTER_TEST_PG_URL", "")
# one schema per test process, so parallel runs on one server never collide
PG_SCHEMA = f"center_test_{os.getpid()}"
BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    base = tmp_path_factory.mktemp("userdirs")
    for name in ("CONFIG_DIR", "DATA_DIR", "LOG_DIR"):
        (base / name).mkdir()
        monkeypatch.setenv(f"CENTER_{name}", str(base / name))
    monkeypatch.setenv("CENTER_CONFIG", str(base / "CONFIG_DIR" / "center.ini"))
    monkeypatch.delenv("CENTER_DB_URL", raising=False)


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
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
