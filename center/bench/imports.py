"""Import throughput: ``python -m center.bench imports [--visits N] [--cases N] [--db URL]``.

Builds a small base (grids, households, staff inserted directly), writes CSV files of
generated visits and cases, and times ``center import`` end to end (parse, validate,
write, household_month / repeat rebuild) for a first import, a re-import of the same
file (everything unchanged) and a dry run. Prints one table row per run, with the
wall-clock time and the process CPU time (the latter is what an otherwise idle
machine would take; on a busy machine the wall clock includes waiting for a core).

Each import runs in a child process of its own (``--one``), so the table also gives
its peak resident memory (``ru_maxrss`` of that child, through ``wait4``): a streamed
import stays near 200 MB whatever the file's size (issue 19: a million visits took
1.3 GB). ``--profile [visits|cases]`` runs the first import of that kind in this process instead.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from center.context import open_context
from db.models import Community, Grid, Household, Staff, Street, Subcategory
from db.types import CST

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


def _start(days_back: int) -> datetime:
    """A local midnight ``days_back`` days before today: every generated instant lies
    in the past (an import refuses instants after its start)."""
    today = datetime.now(CST).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days_back)


def _visits_csv(path: Path, n: int, households: int, staff: int, rnd: random.Random) -> None:
    start = _start(370)  # visits up to 5 days ago, recorded up to 3 days later
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
    start = _start(400)  # received up to 40 days ago, closed up to 30 days later
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


def _one(argv: list[str]) -> int:
    """``--one URL KIND PATH [dry]``: one import, its figures on one line for the parent."""
    from center.interchange.service import import_file

    url, kind, path = argv[:3]
    ctx = open_context(url)
    t0, c0 = time.perf_counter(), time.process_time()
    res = import_file(ctx, kind, path, dry_run=argv[3:] == ["dry"])
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(res.rows, dt, cpu, res.inserted, res.updated, res.unchanged)
    ctx.close()
    return 0


def _in_child(url: str, kind: str, path: Path, dry: bool) -> tuple[list[float], float]:
    """The figures of one import run in a child process, and its peak RSS in MB."""
    argv = [sys.executable, "-m", "center.bench", "imports", "--one", url, kind, str(path)]
    proc = subprocess.Popen([*argv, *(["dry"] if dry else [])], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    if proc.returncode != 0:
        raise RuntimeError(f"the {kind} import exited with {proc.returncode}")
    return [float(x) for x in out.split()], usage.ru_maxrss / 1024


def main(argv: list[str]) -> int:
    from center.interchange.service import import_file

    if argv[:1] == ["--one"]:
        return _one(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m center.bench imports")
    ap.add_argument("--visits", type=int, default=400_000)
    ap.add_argument("--cases", type=int, default=60_000)
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--staff", type=int, default=200)
    ap.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite file)")
    ap.add_argument(
        "--profile",
        nargs="?",
        const="visits",
        choices=("visits", "cases"),
        help="cProfile the first import of this kind (default visits) in this process",
    )
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
            f"{'peak MB':>9}  result"
        )
        runs = [
            ("visits: first import", "visits", visits, False),
            ("visits: re-import (same)", "visits", visits, False),
            ("visits: dry run", "visits", visits, True),
            ("cases: first import", "cases", cases, False),
            ("cases: re-import (same)", "cases", cases, False),
        ]
        profiled = 0 if args.profile == "visits" else 3 if args.profile else -1
        for i, (label, kind, path, dry) in enumerate(runs):
            if i == profiled:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.enable()
            if i == profiled:
                t0, c0 = time.perf_counter(), time.process_time()
                res = import_file(ctx, kind, path, dry_run=dry)
                dt, cpu = time.perf_counter() - t0, time.process_time() - c0
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
                figures = [res.rows, dt, cpu, res.inserted, res.updated, res.unchanged]
                peak = float("nan")
            else:
                figures, peak = _in_child(url, kind, path, dry)
            rows, dt, cpu, inserted, updated, unchanged = figures
            print(
                f"{label:<28}{rows:>9.0f}{dt:>9.2f}{rows / dt:>10,.0f}{cpu:>8.2f}"
                f"{rows / cpu:>12,.0f}{peak:>9.0f}  {inserted:.0f} inserted, "
                f"{updated:.0f} updated, {unchanged:.0f} unchanged"
            )
        ctx.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
