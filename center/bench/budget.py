"""Benchmark the budget summary (`center budget summary --json`, the wall's budget
part and the 经费管理 tab read it): the demo street and the district (scale 10).

    python -m center.bench budget [--runs N] [--scale K ...] [--db URL] [--pg URL]

Builds the demo (``center demo``) into temporary SQLite files (a throw-away
personal-information key; the user's config, data and key are never touched), then
prints the median, minimum and maximum of N summaries (year of the demo's as-of,
as of that instant), the statements' share and the JSON's size. ``--db URL``
measures an existing database as it is; ``--pg URL`` also builds the district into
that (empty) PostgreSQL database and measures it there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from center.bench.demo import _isolate


def _measure(url: str, label: str, runs: int) -> None:
    measure(url, label, runs)


def measure(url: str, label: str, runs: int, echo: bool = True) -> dict[str, float]:
    """Time ``runs`` budget summaries (year of the last expenditure, as of its day's
    end) with their JSON; print a line when ``echo``. Returns ``median_ms`` (wall),
    ``cpu_ms`` (this process) and ``max_ms``; empty when there is nothing to sum."""
    from sqlalchemy import func, select

    from center.context import open_context
    from center.office.budget import budget_summary
    from db.models import Expenditure, Household

    ctx = open_context(url, auto_upgrade=True, create=True)
    try:
        engine = ctx.engine
        with engine.connect() as conn:
            last = conn.scalar(select(func.max(Expenditure.spent_on)))
            homes = conn.scalar(select(func.count()).select_from(Household))
            spends = conn.scalar(select(func.count()).select_from(Expenditure))
        if last is None:
            if echo:
                print(f"{label}: no expenditures to summarise")
            return {}
        from datetime import datetime

        from db.types import CST

        as_of = datetime(last.year, last.month, last.day, 23, 59, tzinfo=CST)
        budget_summary(engine, last.year, as_of)  # warm the caches and the pool
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            s = budget_summary(engine, last.year, as_of)
            doc = s.to_json_dict()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        size = len(json.dumps(doc, ensure_ascii=False))
        figures = {
            "median_ms": statistics.median(times),
            "cpu_ms": statistics.median(cpu),
            "max_ms": max(times),
        }
        if not echo:
            return figures
        print(
            f"{label} ({engine.dialect.name}; {homes:,} households, {spends:,} expenditures, "
            f"{len(s.communities)} communities): summary + JSON median "
            f"{statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}; "
            f"CPU median {statistics.median(cpu):.1f} ms; {runs} runs), JSON {size:,} bytes"
        )
        return figures
    finally:
        ctx.close()


def _build(url: str, scale: float) -> None:
    from center.context import open_context
    from center.demo.build import build_demo

    ctx = open_context(url, auto_upgrade=True, create=True)
    try:
        s = build_demo(ctx, scale=scale)
        print(
            f"built the demo at scale {scale:g} in {s.elapsed_s:.1f} s (budget phase "
            f"{s.phases.get('budget', 0):.2f} s: {s.budget_lines} lines, "
            f"{s.expenditures} expenditures through the ledger)"
        )
    finally:
        ctx.close()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m center.bench budget", description=__doc__)
    ap.add_argument("--runs", type=int, default=21, help="summaries per database (median)")
    ap.add_argument(
        "--scale",
        type=float,
        action="append",
        help="demo scales to build and measure (default: 1 and 10)",
    )
    ap.add_argument("--db", metavar="URL", help="measure this existing database instead")
    ap.add_argument("--pg", metavar="URL", help="also the district on this empty PostgreSQL DB")
    args = ap.parse_args(argv)
    if args.db:
        _measure(args.db, "given database", args.runs)
        return 0
    with tempfile.TemporaryDirectory(prefix="center-bench-budget-") as tmp:
        _isolate(Path(tmp))
        for scale in args.scale or [1.0, 10.0]:
            url = f"sqlite:///{Path(tmp) / f'demo-{scale:g}.sqlite3'}"
            _build(url, scale)
            name = "street" if scale == 1 else f"scale {scale:g}"
            _measure(url, f"demo {name}", args.runs)
        if args.pg:
            _build(args.pg, 10.0)
            _measure(args.pg, "demo district", args.runs)
    return 0
