"""Import throughput: ``python -m center.bench imports [--visits N] [--cases N] [--db URL]``.

Builds a small base (grids, households, staff inserted directly), writes CSV files of
generated visits and cases, and times ``center import`` end to end (parse, validate,
write, household_month / repeat rebuild) for a first import, a re-import of the same
file (everything unchanged) and a dry run. Prints one table row per run, with the
wall-clock time and the process CPU time (the latter is what an otherwise idle
machine would take; on a busy machine the wall clock includes waiting for a core).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from center.context import open_context
from db.models import Community, Grid, Household, Staff, Street, Subcategory

SQUARE = (
    '{"type":"Polygon","coordinates":[[[116.0,39.0],[116.01,39.0],[116.01,39.01],[116.0,39.0]]]}'
)


def _base(url: str, households: int, staff: int, grids: int) -> None:
    ctx = open_context(url, auto_upgrade=True, create=True)
    with ctx.engine.begin() as conn:
        street_id = conn.execute(
            insert(Street).values(name="基准街道").returning(Street.id)
        ).scalar_one()
        com_id = conn.execute(
            insert(Community)
            .values(code="C01", name="一社区", street_id=street_id)
            .returning(Community.id)
        ).scalar_one()
        conn.execute(
            insert(Grid),
            [
                {
                    "code": f"G{g:02d}",
                    "name": f"{g}网格",
                    "community_id": com_id,
                    "geometry": SQUARE,
                }
                for g in range(grids)
            ],
        )
        grid_ids = list(conn.scalars(select(Grid.id)))
        conn.execute(
            insert(Household),
            [
                {
                    "code": f"H{h:06d}",
                    "grid_id": grid_ids[h % len(grid_ids)],
                    "address": f"{h}号",
                    "special_groups": "solo_elderly" if h % 10 == 0 else "",
                    "is_special": h % 10 == 0,
                }
                for h in range(households)
            ],
        )
        conn.execute(
            insert(Staff),
            [
                {"code": f"S{s:04d}", "name": f"员工{s}", "role": "volunteer", "active": True}
                for s in range(staff)
            ],
        )
    ctx.close()


def _visits_csv(path: Path, n: int, households: int, staff: int, rnd: random.Random) -> None:
    start = datetime(2026, 1, 1)
    outcomes = ("met", "met", "met", "not_home", "refused")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "visit_code",
                "household_code",
                "staff_code",
                "visited_at",
                "outcome",
                "recorded_at",
                "notes",
            ]
        )
        for i in range(n):
            at = start + timedelta(minutes=rnd.randrange(365 * 24 * 60))
            rec = at + timedelta(minutes=rnd.randrange(3 * 24 * 60)) if i % 2 else None
            fmt = "%Y-%m-%dT%H:%M:%S+08:00" if i % 3 == 0 else "%Y-%m-%d %H:%M:%S"
            w.writerow(
                [
                    f"V{i:07d}",
                    f"H{rnd.randrange(households):06d}",
                    f"S{rnd.randrange(staff):04d}",
                    at.strftime(fmt),
                    outcomes[i % 5],
                    rec.strftime(fmt) if rec else "",
                    "入户走访" if i % 7 == 0 else "",
                ]
            )


def _cases_csv(path: Path, n: int, households: int, subs: list[str], rnd: random.Random) -> None:
    start = datetime(2026, 1, 1)
    sources = ("visit", "online", "hotline", "proactive")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "case_code",
                "household_code",
                "source",
                "subcategory_code",
                "priority",
                "received_at",
                "first_response_at",
                "dept_code",
                "assigned_at",
                "accepted_at",
                "closed_at",
                "on_the_spot",
                "satisfaction",
                "reopened_from",
                "escalated",
                "summary",
            ]
        )
        fmt = "%Y-%m-%d %H:%M:%S"
        for i in range(n):
            at = start + timedelta(minutes=rnd.randrange(360 * 24 * 60))
            resp = at + timedelta(minutes=rnd.randrange(48 * 60))
            assigned = at + timedelta(minutes=rnd.randrange(60, 600)) if i % 2 else None
            accepted = assigned + timedelta(minutes=rnd.randrange(240)) if assigned else None
            closed = at + timedelta(days=rnd.randrange(1, 30)) if i % 3 else None
            w.writerow(
                [
                    f"K{i:06d}",
                    f"H{rnd.randrange(households):06d}",
                    sources[i % 4],
                    rnd.choice(subs),
                    "24h" if i % 5 == 0 else "",
                    at.strftime(fmt),
                    resp.strftime(fmt),
                    f"D{1 + i % 12:02d}" if assigned else "",
                    assigned.strftime(fmt) if assigned else "",
                    accepted.strftime(fmt) if accepted else "",
                    closed.strftime(fmt) if closed else "",
                    "1" if i % 8 == 0 else "",
                    str(1 + i % 5) if closed else "",
                    "",
                    "0" if i % 9 == 0 else "",
                    "",
                ]
            )


def main(argv: list[str]) -> int:
    from center.interchange.service import import_file

    ap = argparse.ArgumentParser(prog="python -m center.bench imports")
    ap.add_argument("--visits", type=int, default=400_000)
    ap.add_argument("--cases", type=int, default=60_000)
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--staff", type=int, default=200)
    ap.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite file)")
    ap.add_argument("--profile", action="store_true", help="cProfile the first visits import")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="center-bench-"))
    try:
        url = args.db or f"sqlite:///{tmp / 'bench.sqlite3'}"
        rnd = random.Random(20261005)
        _base(url, args.households, args.staff, 10)
        ctx = open_context(url, auto_upgrade=True, create=True)
        with ctx.engine.connect() as conn:
            subs = list(conn.scalars(select(Subcategory.code)))
        visits, cases = tmp / "visits.csv", tmp / "cases.csv"
        _visits_csv(visits, args.visits, args.households, args.staff, rnd)
        _cases_csv(cases, args.cases, args.households, subs, rnd)
        print(
            f"database: {ctx.engine.url.get_backend_name()}; base: {args.households} "
            f"households, {args.staff} staff"
        )
        print(
            f"{'run':<28}{'rows':>9}{'wall s':>9}{'rows/s':>10}{'cpu s':>8}{'rows/cpu-s':>12}"
            "  result"
        )
        runs = [
            ("visits: first import", "visits", visits, False),
            ("visits: re-import (same)", "visits", visits, False),
            ("visits: dry run", "visits", visits, True),
            ("cases: first import", "cases", cases, False),
            ("cases: re-import (same)", "cases", cases, False),
        ]
        for i, (label, kind, path, dry) in enumerate(runs):
            if args.profile and i == 0:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            res = import_file(ctx, kind, path, dry_run=dry)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            if args.profile and i == 0:
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
            print(
                f"{label:<28}{res.rows:>9}{dt:>9.2f}{res.rows / dt:>10,.0f}{cpu:>8.2f}"
                f"{res.rows / cpu:>12,.0f}  {res.inserted} inserted, {res.updated} updated, "
                f"{res.unchanged} unchanged"
            )
        ctx.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
