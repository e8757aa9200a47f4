"""SQLite's write-ahead log shrinks back after a large transaction
(db.engine.SQLITE_JOURNAL_LIMIT_BYTES): without a limit it keeps the size of the
largest transaction it ever held."""

from __future__ import annotations

from db import engine as db_engine


def test_the_log_is_cut_back_to_the_limit_when_it_starts_over(tmp_path, monkeypatch):
    limit = 64 * 1024
    monkeypatch.setattr(db_engine, "SQLITE_JOURNAL_LIMIT_BYTES", limit)
    path = tmp_path / "wal.sqlite3"
    engine = db_engine.make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == limit
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x BLOB)")
            conn.exec_driver_sql("INSERT INTO t VALUES (zeroblob(3000000))")
        wal = tmp_path / "wal.sqlite3-wal"
        assert wal.stat().st_size > 3_000_000  # the big transaction, logged
        with engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
            assert row[0] == 0 and row[1] == row[2]  # every page written back
        with engine.begin() as conn:  # the next writer starts the log over
            conn.exec_driver_sql("INSERT INTO t VALUES (x'00')")
        assert wal.stat().st_size <= limit
        with engine.connect() as conn:  # and nothing was lost
            assert conn.exec_driver_sql("SELECT sum(length(x)) FROM t").scalar() == 3_000_001
    finally:
        engine.dispose()
