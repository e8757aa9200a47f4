"""Backup and restore times: ``python -m center.bench backup --db URL [--into URL]``.

Backs the database up (``db.backup.backup``, what ``center db backup`` runs) into a
temporary file, then restores that file (``db.backup.restore``) into ``--into`` (an
empty database; default: a new SQLite file beside the backup) and prints both times,
the rows and the file's size. The measured database is only read; the target must
hold no business rows (it is a restore, not a replace).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def measure(url: str, workdir: Path, into: str | None = None) -> dict[str, float]:
    """Back ``url`` up into ``workdir`` and restore it into ``into`` (default a new
    SQLite file in ``workdir``): ``backup_s``, ``restore_s``, ``rows`` and
    ``size_mb``. The backup file is removed afterwards (it is as large as the data)."""
    from db.backup import backup, restore
    from db.engine import make_engine, open_database

    source = open_database(url, auto_upgrade=False)
    path = workdir / "bench-backup.sqlite3"
    try:
        t0 = time.perf_counter()
        report = backup(source, path)
        backup_s = time.perf_counter() - t0
    finally:
        source.dispose()
    target_url = into or f"sqlite:///{workdir / 'bench-restored.sqlite3'}"
    target = make_engine(target_url)  # restore() migrates a database without a schema
    try:
        t0 = time.perf_counter()
        restore(path, target)
        restore_s = time.perf_counter() - t0
    finally:
        target.dispose()
        path.unlink(missing_ok=True)
        if into is None:
            for leftover in workdir.glob("bench-restored.sqlite3*"):
                leftover.unlink()
    return {
        "backup_s": backup_s,
        "restore_s": restore_s,
        "rows": float(report.total_rows),
        "size_mb": report.size_bytes / 1e6,
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m center.bench backup", description=__doc__)
    ap.add_argument("--db", required=True, help="the database to back up (only read)")
    ap.add_argument("--into", help="an empty database to restore into (default: a new file)")
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="center-bench-backup-"))
    try:
        f = measure(args.db, workdir, args.into)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"backup {f['backup_s']:.1f} s, restore {f['restore_s']:.1f} s "
        f"({f['rows']:,.0f} rows, {f['size_mb']:.0f} MB file)"
    )
    return 0
