"""A bulk visits import into a database with kept months never changes a number.

A large streamed import sets the per-row kept-months trigger aside (SQLite: one per
row; :func:`db.kpi_summary.marks_set_aside`) and marks the months of its rows once at
the end. The figures after it must equal a recomputation that reads every month again,
for every kept period, and the import must have changed some of them (or the test
proves nothing).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from test_kept_months import T, check_all, kept_rows, street, version  # noqa: F401

from center.core import clock
from center.interchange import base as interchange_base
from center.interchange import service as ix
from db.models import Visit


def visits_csv(path: Path, n: int) -> Path:
    """``n`` visits of H1-H3 in January 2027 (a kept month without a visit), none met
    (no household month changes: only the visits' own marks can tell the month has
    changed), some recorded late."""
    lines = ["visit_code,household_code,staff_code,visited_at,outcome,recorded_at\n"]
    outcomes = ("not_home", "refused")
    for i in range(n):
        day, hour = 1 + i % 27, 8 + i % 9
        recorded = f"2027-01-{day:02d} {hour + 1 + i % 5:02d}:15" if i % 3 else ""
        lines.append(
            f"IMP{i:04d},H{1 + i % 3},S001,2027-01-{day:02d} {hour:02d}:10,"
            f"{outcomes[i % 2]},{recorded}\n"
        )
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_bulk_import_leaves_kept_months_exact(engine, ctx, street, tmp_path, monkeypatch):  # noqa: F811
    before = check_all(engine)  # the months are kept (and used) from here on
    assert (202701, "visits") in kept_rows(engine)
    january = version(engine, 202701, "visits")
    february = version(engine, 202702, "visits")
    monkeypatch.setattr(clock, "now", lambda: T)  # January 2027 has happened
    # a "bulk" import of 60 rows: the table's 20 visits at most double with it
    monkeypatch.setattr(interchange_base, "DEFER_INDEXES_MIN", 10)
    aside: list[str] = []
    original = ix.marks_set_aside

    @contextmanager
    def spy(conn: Any, table: str) -> Any:
        aside.append(table)
        with original(conn, table):
            yield

    monkeypatch.setattr(ix, "marks_set_aside", spy)
    result = ix.import_file(ctx, "visits", visits_csv(tmp_path / "visits.csv", 60))
    assert (result.inserted, result.updated) == (60, 0)
    # SQLite's trigger runs per row and is set aside; PostgreSQL's runs per statement
    assert aside == (["visit"] if engine.dialect.name == "sqlite" else [])
    # the months the visits count in were marked, a month without one was not
    assert version(engine, 202701, "visits") > january
    assert version(engine, 202702, "visits") == february
    after = check_all(engine)  # kept == recomputed, three refreshes each
    assert after != before, "the import changed no figure (the test proves nothing)"
    with engine.connect() as conn:
        grids = conn.execute(select(Visit.grid_id).where(Visit.code.like("IMP%"))).scalars()
        assert None not in set(grids)
