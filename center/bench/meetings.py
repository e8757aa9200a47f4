"""Joint-meeting board benchmark: the board service on the demo street and at district
scale.

    python -m center.bench meetings [--db URL] [--district-db URL] [--district-scale K]
                                    [--runs N] [--skip-district]

Without ``--db`` the demo street (``center demo``, scale 1: ~120 grids, ~60,000 cases,
a year of monthly meetings run through the services) is built into a temporary SQLite
file. The district (``--district-scale``, default 10) is built the same way into
``--district-db`` (when that holds no street yet) or, without it, into a temporary
SQLite file (slow: many minutes). Printed for each, as the median of N runs:

* ``board_view``: the wall's read-only board (proposals without ids);
* ``board`` with allocation, first call: the first coordinator to open the board
  gives every proposal its id (a write; once);
* ``board`` with allocation, again: the ids exist, nothing is written;
* of the board_view, the proposals alone (computed without ids);

and the board's size. The user's config, data and key are never touched.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select


def _median_ms(
    fn: Callable[[], object], runs: int, cpu: list[float] | None = None
) -> tuple[float, Any]:
    """Median wall ms of ``runs`` calls and the last result; with ``cpu``, the median
    CPU ms of this process is appended to it (in-process SQLite: what an idle machine
    would take)."""
    times, used = [], []
    result: Any = None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
        used.append((time.process_time() - c0) * 1000)
    if cpu is not None:
        cpu.append(statistics.median(used))
    return statistics.median(times), result


def _build(url: str, scale: float) -> None:
    from center.context import open_context
    from center.demo.build import build_demo

    ctx = open_context(url, auto_upgrade=True, create=True)
    try:
        t0 = time.perf_counter()
        s = build_demo(ctx, scale=scale, replace=True)
        print(
            f"  built the demo at scale {scale:g} in {time.perf_counter() - t0:.0f} s "
            f"(meetings phase {s.phases.get('meetings', 0):.1f} s, {s.cases:,} cases, "
            f"{s.agenda_items} agenda items)",
            flush=True,
        )
    finally:
        ctx.close()


def _has_street(url: str) -> bool:
    from center.demo.build import street_exists
    from db.engine import open_database

    engine = open_database(url, auto_upgrade=True)
    try:
        return street_exists(engine)
    finally:
        engine.dispose()


def measure(
    engine: Engine, label: str, runs: int, allocate: bool = True, echo: bool = True
) -> dict[str, float]:
    """Time the board; print the rows when ``echo``. Returns ``board_view_ms``,
    ``board_view_cpu_ms`` (this process), ``proposals_ms`` and, with ``allocate``
    (the first call writes every proposal's id: leave it out to keep the database
    as it is), ``board_first_ms`` and ``board_ms``."""
    from center.core.access import load_actor
    from center.core.clock import now
    from center.office import meetings as svc
    from db.models import AgendaItem, Case, Grid

    with engine.connect() as conn:
        grids = conn.scalar(select(func.count()).select_from(Grid)) or 0
        cases = conn.scalar(select(func.count()).select_from(Case)) or 0
        items = conn.scalar(select(func.count()).select_from(AgendaItem)) or 0
        actor = load_actor(conn, "coord1")
    as_of = now().replace(microsecond=0)
    rows: list[tuple[str, str]] = []
    figures: dict[str, float] = {}
    view_cpu: list[float] = []
    view_ms, board = _median_ms(lambda: svc.board_view(engine, as_of), runs, view_cpu)
    rows.append(("board_view (wall, read-only)", f"{view_ms:.0f} ms"))
    props_ms, _ = _median_ms(lambda: svc._proposals(engine, as_of, allocate=False), runs)
    figures.update(board_view_ms=view_ms, board_view_cpu_ms=view_cpu[0], proposals_ms=props_ms)
    rows.append(("  of which the proposals", f"{props_ms:.0f} ms"))
    if actor is not None and allocate:
        # the first coordinator to open the board gives every proposal its id
        t0 = time.perf_counter()
        svc.board(engine, actor, as_of)
        first = (time.perf_counter() - t0) * 1000
        with engine.connect() as conn:
            given = (conn.scalar(select(func.count()).select_from(AgendaItem)) or 0) - items
        rows.append(
            (
                "board with allocation, first call",
                f"{first:.0f} ms (gave {given} proposals their ids)",
            )
        )
        again_ms, _ = _median_ms(lambda: svc.board(engine, actor, as_of), runs)
        figures.update(board_first_ms=first, board_ms=again_ms)
        rows.append(("board with allocation, ids already given", f"{again_ms:.0f} ms"))
    elif allocate:
        rows.append(("board with allocation", "skipped: no account coord1"))
    counts = ", ".join(f"{k} {v}" for k, v in board.counts.items())
    rows.append(("board", f"{counts}; overdue {len(board.overdue)}"))
    if echo:
        print(
            f"\n{label}: {engine.dialect.name}, {grids} grids, {cases:,} cases, "
            f"{items:,} agenda rows (before); as of {as_of:%Y-%m-%d %H:%M}; "
            f"median of {runs} runs"
        )
        width = max(len(k) for k, _ in rows)
        for k, v in rows:
            print(f"  {k:<{width}}  {v}")
    return figures


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m center.bench meetings", description=__doc__)
    ap.add_argument("--db", metavar="URL", help="the street: this database as it is")
    ap.add_argument("--district-db", metavar="URL", help="the district: this database")
    ap.add_argument("--district-scale", type=float, default=10.0)
    ap.add_argument("--skip-district", action="store_true")
    ap.add_argument("--runs", type=int, default=9, help="runs per figure (median; default 9)")
    args = ap.parse_args(argv)
    from center.bench.demo import _isolate
    from db.engine import open_database

    with tempfile.TemporaryDirectory(prefix="center-bench-meetings-") as tmp:
        _isolate(Path(tmp))
        street = args.db
        if street is None:
            street = f"sqlite:///{Path(tmp) / 'street.sqlite3'}"
            print("building the demo street ...", flush=True)
            _build(street, 1.0)
        engine = open_database(street, auto_upgrade=False)
        measure(engine, "demo street", args.runs)
        engine.dispose()
        if args.skip_district:
            return 0
        district = args.district_db or f"sqlite:///{Path(tmp) / 'district.sqlite3'}"
        if not _has_street(district):
            print(f"\nbuilding the district (demo at scale {args.district_scale:g}) ...")
            _build(district, args.district_scale)
        engine = open_database(district, auto_upgrade=False)
        measure(engine, "district", max(3, args.runs // 3))
        engine.dispose()
    return 0
