"""KPI benchmark: all KPIs of all units of the four scopes for one month and one quarter.

``python -m center.bench kpi`` builds (once, then reuses) a synthetic street-scale
SQLite database — 120 grids, 30,000 households, ~300,000 visits and ~60,000 cases in
2026 with every derived column filled by the product's own derivation code — and
prints the median of N runs of each KPI refresh and of each aggregate statement.
``--pg URL`` does the same on PostgreSQL at district scale (x10) in that database
(generated there only when it holds no grids yet); ``--db URL`` measures an existing
database (e.g. the demo street) as it is.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select

from center.kpi import compute as kpi
from center.kpi.calendar import load_calendar
from center.kpi.derive import (
    derive_case,
    rebuild_household_months,
    recompute_repeats,
    visit_lag_hours,
)
from db import kpi_queries as q
from db.engine import open_database
from db.models import (
    CASE_SOURCES,
    Case,
    Community,
    Department,
    Grid,
    Household,
    Staff,
    Street,
    Subcategory,
    Visit,
)
from db.types import CST

AS_OF = datetime(2026, 11, 5, 9, 0, tzinfo=CST)
YEAR_START = datetime(2026, 1, 1, tzinfo=CST)
GRIDS_PER_COMMUNITY = 10
HOUSEHOLDS_PER_GRID = 250
CASES_PER_HOUSEHOLD = 2.0  # a year; ~60,000 at street scale
SQUARE = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'


# ---------------------------------------------------------------------------
# Synthetic data


def _rand_instant(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span))


def _visits_for(rng: random.Random, hid: int, sid: int, special: bool, seq: list[int]) -> list:
    rows = []
    times: list[datetime] = []
    for month in range(1, 12):
        m_start = datetime(2026, month, 1, tzinfo=CST)
        m_end = datetime(2026, month + 1, 1, tzinfo=CST)
        if special:
            n = rng.choices((1, 2, 3), (0.1, 0.7, 0.2))[0]
        else:
            n = 1 if (month % 3 == 2 or rng.random() < 0.25) else 0
        times.extend(_rand_instant(rng, m_start, min(m_end, AS_OF)) for _ in range(n))
    for visited in times:
        if visited > AS_OF:
            continue
        seq[0] += 1
        default = rng.random() < 0.3
        recorded = visited if default else visited + timedelta(minutes=rng.randrange(1, 72 * 60))
        outcome = rng.choices(("met", "not_home", "refused"), (0.82, 0.15, 0.03))[0]
        rows.append(
            {
                "code": f"V{seq[0]:08d}",
                "household_id": hid,
                "staff_id": sid,
                "visited_at": visited,
                "outcome": outcome,
                "recorded_at": recorded,
                "recorded_is_default": default,
                "lag_hours": visit_lag_hours(visited, recorded),
            }
        )
    return rows


def _cases_for(
    rng: random.Random,
    hid: int,
    subs: list[int],
    depts: list[int],
    cal: Any,
    seq: list[int],
    first_id: int,
) -> list[dict[str, Any]]:
    n = rng.choices((0, 1, 2, 3, 4, 6), (0.25, 0.25, 0.2, 0.15, 0.1, 0.05))[0]
    received_all = sorted(_rand_instant(rng, YEAR_START, AS_OF) for _ in range(n))
    rows: list[dict[str, Any]] = []
    last_closed: int | None = None
    sub_choice = rng.choice(subs)
    for received in received_all:
        seq[0] += 1
        source = rng.choices(CASE_SOURCES, (0.35, 0.2, 0.2, 0.25))[0]
        spot = source == "visit" and rng.random() < 0.6
        row: dict[str, Any] = {
            "id": first_id + len(rows),
            "code": f"K{seq[0]:08d}",
            "household_id": hid,
            "source": source,
            "subcategory_id": sub_choice if rng.random() < 0.3 else rng.choice(subs),
            "priority": "24h",
            "received_at": received,
            "on_the_spot": spot,
            "status": "received",
        }
        if not spot:
            if rng.random() < 0.92:
                row["first_response_at"] = received + timedelta(minutes=rng.randrange(5, 30 * 60))
            if rng.random() < 0.7:
                assigned = received + timedelta(minutes=rng.randrange(10, 180))
                row["dept_id"] = rng.choice(depts)
                row["assigned_at"] = assigned
                if rng.random() < 0.9:
                    row["accepted_at"] = assigned + timedelta(minutes=rng.randrange(1, 240))
            if rng.random() < 0.85:
                row["closed_at"] = received + timedelta(hours=rng.randrange(2, 26 * 24))
        if (spot or row.get("closed_at")) and rng.random() < 0.7:
            row["satisfaction"] = rng.choices((1, 2, 3, 4, 5), (0.03, 0.04, 0.08, 0.3, 0.55))[0]
        if last_closed is not None and rng.random() < 0.1:
            row["reopened_from_id"] = last_closed
        derive_case(row, cal)
        for col in ("first_response_at", "dept_id", "assigned_at", "accepted_at", "closed_at"):
            row.setdefault(col, None)
        row.setdefault("satisfaction", None)
        row.setdefault("reopened_from_id", None)
        if row["eff_closed_at"] is not None:
            last_closed = row["id"]
        rows.append(row)
    return rows


def generate(engine: Engine, grids: int, seed: int = 7, progress: bool = True) -> None:
    """Fill an empty database with ``grids`` grids of synthetic 2026 data."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        cal = load_calendar(conn)
        street = conn.execute(
            insert(Street).values(name="基准街道").returning(Street.id)
        ).scalar_one()
        subs = list(conn.scalars(select(Subcategory.id)))
        depts = list(conn.scalars(select(Department.id)))
    vseq, kseq = [0], [0]
    hh_seq = 0
    next_case_id = 1
    for g in range(grids):
        with engine.begin() as conn:
            if g % GRIDS_PER_COMMUNITY == 0:
                c = g // GRIDS_PER_COMMUNITY + 1
                community = conn.execute(
                    insert(Community)
                    .values(code=f"C{c:03d}", name=f"第{c}社区", street_id=street)
                    .returning(Community.id)
                ).scalar_one()
            gid = conn.execute(
                insert(Grid)
                .values(
                    code=f"G{g + 1:04d}",
                    name=f"第{g + 1}网格",
                    community_id=community,
                    geometry=SQUARE,
                )
                .returning(Grid.id)
            ).scalar_one()
            sid = conn.execute(
                insert(Staff)
                .values(
                    code=f"S{g + 1:04d}",
                    name=f"网格员{g + 1}",
                    role="grid_worker",
                    grid_id=gid,
                    active=True,
                )
                .returning(Staff.id)
            ).scalar_one()
            households = []
            for _ in range(HOUSEHOLDS_PER_GRID):
                hh_seq += 1
                special = rng.random() < 0.2
                moved = rng.random() < 0.02
                households.append(
                    {
                        "code": f"H{hh_seq:07d}",
                        "grid_id": gid,
                        "address": f"{g + 1}网格{hh_seq}号",
                        "special_groups": "solo_elderly" if special else "",
                        "is_special": special,
                        "moved_out_on": (
                            _rand_instant(rng, YEAR_START, AS_OF).date() if moved else None
                        ),
                    }
                )
            hids = list(
                conn.scalars(
                    insert(Household).returning(Household.id, sort_by_parameter_order=True),
                    households,
                )
            )
            visits: list[dict[str, Any]] = []
            cases: list[dict[str, Any]] = []
            for hid, hh in zip(hids, households, strict=True):
                visits.extend(_visits_for(rng, hid, sid, bool(hh["is_special"]), vseq))
                new = _cases_for(rng, hid, subs, depts, cal, kseq, next_case_id)
                next_case_id += len(new)
                cases.extend(new)
            if visits:
                for row in visits:
                    row["grid_id"] = gid
                conn.execute(insert(Visit), visits)
            if cases:
                for row in cases:
                    row["grid_id"] = gid
                conn.execute(insert(Case), cases)
            recompute_repeats(conn, hids)
            rebuild_household_months(conn, hids)
        if progress and (g + 1) % max(1, grids // 20) == 0:
            print(f"  generated {g + 1}/{grids} grids", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"
            )
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


# ---------------------------------------------------------------------------
# Measuring


def _median_ms(fn: Callable[[], object], runs: int, warm: bool = True) -> tuple[float, float]:
    """Median wall-clock and median CPU milliseconds of ``runs`` calls (after a warm-up).

    CPU time is this process's only: on SQLite that is nearly all the work and it is
    steadier than wall time on a busy machine; on PostgreSQL the server's share is in
    the wall time alone.
    """
    if warm:
        fn()  # warm caches and statement compilation
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _sizes(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (
                ("grids", Grid),
                ("households", Household),
                ("visits", Visit),
                ("cases", Case),
            )
        }


def _parts(engine: Engine, period: str) -> list[tuple[str, Callable[[], object]]]:
    """What is timed for one period: the service calls, then each statement alone."""
    p = kpi.parse_period(period)
    special_months, ordinary_groups = p.cadence()
    start, end = p.start_at, p.end_at

    def all_scopes() -> object:
        return kpi.compute_all_scopes(engine, period, AS_OF)

    def grid_scope() -> object:
        return kpi.compute_kpis(engine, period, "grid", AS_OF)

    # each statement alone, in the read transaction a refresh uses (same settings)
    def coverage() -> object:
        with kpi._read(engine) as reader:
            return q.coverage_by_grid(
                reader.conn,
                special_months=special_months,
                ordinary_groups=ordinary_groups,
                moved_out_before=p.end,
                as_of=AS_OF,
            )

    def received() -> object:
        with kpi._read(engine) as reader:
            return q.intake_by_grid_dept(reader.conn, start=start, end=end, as_of=AS_OF)

    def closed() -> object:
        with kpi._read(engine) as reader:
            return q.closed_by_grid_dept(reader.conn, start=start, end=end, as_of=AS_OF)

    def lags() -> object:
        with kpi._read(engine) as reader:
            return q.entry_lag_medians(reader.conn, start=start, end=end, as_of=AS_OF)

    return [
        ("all four scopes (compute_all_scopes)", all_scopes),
        ("grid scope only (compute_kpis)", grid_scope),
        ("  coverage statement", coverage),
        ("  received-cases statement", received),
        ("  closed-cases statement", closed),
        ("  entry-lag medians (3 levels)", lags),
    ]


def measure(engine: Engine, label: str, runs: int) -> list[tuple[str, str, tuple[float, float]]]:
    sizes = _sizes(engine)
    print(
        f"\n{label}: {engine.dialect.name}, {sizes['grids']} grids, {sizes['households']} "
        f"households, {sizes['visits']} visits, {sizes['cases']} cases; "
        f"as of {AS_OF.isoformat()}; median of {runs} runs"
    )
    rows: list[tuple[str, str, tuple[float, float]]] = []
    for period in ("2026-10", "2026Q3", "2026"):
        for name, fn in _parts(engine, period):
            rows.append((period, name, _median_ms(fn, runs)))
    rows.append(
        (
            "12 months",
            "trend, community scope",
            _median_ms(lambda: kpi.trend(engine, "community", AS_OF), max(1, runs // 4)),
        )
    )
    width = max(len(n) for _, n, _ in rows)
    print(f"{'period':<10} {'what':<{width}} {'wall ms':>9} {'cpu ms':>9}")
    for period, name, (wall, cpu) in rows:
        print(f"{period:<10} {name:<{width}} {wall:>9.1f} {cpu:>9.1f}")
    return rows


def refresh_figures(
    engine: Engine,
    as_of: datetime,
    runs: int,
    warm: bool = True,
    only: tuple[str, ...] | None = None,
) -> dict[str, tuple[float, float]]:
    """The KPI refresh of every scope as the wall and the reports ask for it, for the
    periods that end at ``as_of``: (median wall ms, median CPU ms of this process).

    Keys: ``month`` (the month of ``as_of``), ``quarter`` (its quarter) and ``year``
    (its year), each :func:`~center.kpi.compute.compute_all_scopes` (the four scopes
    from one set of statements); ``trend`` the twelve-month trends of the four scopes
    (:func:`~center.kpi.compute.trend_all_scopes`) and ``trend street`` the street's
    alone (what the wall loads); ``only`` some of them. ``warm``: one untimed call
    first. The finished months are kept between refreshes (:mod:`db.kpi_summary`): the
    first calls give them their state rows and keep them, the median is of refreshes
    that use them, as a running program's are (``engine.execution_options(
    center_kpi_keep=False)``: every month read on every refresh)."""
    y, m = as_of.year, as_of.month
    calls: dict[str, Callable[[], object]] = {
        "month": lambda: kpi.compute_all_scopes(engine, f"{y}-{m:02d}", as_of),
        "quarter": lambda: kpi.compute_all_scopes(engine, f"{y}Q{(m - 1) // 3 + 1}", as_of),
        "year": lambda: kpi.compute_all_scopes(engine, f"{y}", as_of),
        "trend": lambda: kpi.trend_all_scopes(engine, as_of),
        "trend street": lambda: kpi.trend(engine, "street", as_of),
    }
    out = {}
    for name, fn in calls.items():
        if only is None or name in only:
            if warm:
                fn()  # the kept months' state rows (the next call keeps them)
            out[name] = _median_ms(fn, runs, warm)
    return out


def _prepare(url: str, grids: int, seed: int) -> Engine:
    engine = open_database(url, auto_upgrade=True)
    with engine.connect() as conn:
        have = conn.scalar(select(func.count()).select_from(Grid)) or 0
    if have == 0:
        print(f"generating {grids} grids of synthetic data into {engine.url!r} ...", flush=True)
        t0 = time.perf_counter()
        generate(engine, grids, seed)
        print(f"  done in {time.perf_counter() - t0:.0f} s")
    return engine


def _run(engine: Engine, label: str, runs: int) -> None:
    measure(engine, label, runs)
    engine.dispose()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m center.bench kpi", description=__doc__)
    ap.add_argument("--db", metavar="URL", help="measure this existing database as it is")
    ap.add_argument("--pg", metavar="URL", help="also measure district scale (x10) on PostgreSQL")
    ap.add_argument("--runs", type=int, default=9, help="runs per figure (median; default 9)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--cache",
        metavar="DIR",
        default=tempfile.gettempdir(),
        help="where the generated street-scale SQLite file is kept between runs",
    )
    ap.add_argument("--skip-sqlite", action="store_true", help="only the --pg measurement")
    args = ap.parse_args(argv)
    if args.db:
        _run(open_database(args.db, auto_upgrade=False), "given database", args.runs)
        return 0
    if not args.skip_sqlite:
        path = Path(args.cache) / f"center-bench-kpi-street-{args.seed}.sqlite3"
        engine = _prepare(f"sqlite:///{path}", 120, args.seed)
        _run(engine, "street scale", args.runs)
    if args.pg:
        engine = _prepare(args.pg, 1200, args.seed)
        _run(engine, "district scale", args.runs)
    return 0
