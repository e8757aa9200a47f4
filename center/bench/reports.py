"""Benchmark of the PDF reports at street scale.

``python -m center.bench reports [--db URL] [--as-of T] [--runs N]``

Without ``--db`` a demo street (``build_demo``, about 120 grids) is built into a
temporary SQLite file first. Prints, per report, the time to assemble the snapshot
(database), to lay out the PDF (reportlab) and in total, with pages and files.
Goals: monthly notice ≤ 2 s; all quarterly scorecards (grids + communities +
departments, one PDF per unit) ≤ 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from center.context import open_context
from center.kpi.compute import parse_as_of
from center.reporting import snapshots as svc
from db.types import CST
from reports import annual, build, monthly, quarterly
from reports.base import register_fonts


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _pages(paths: list[Path]) -> int:
    return sum(len(PdfReader(str(p)).pages) for p in paths)


def measure(
    engine: Any, as_of: datetime, runs: int, workdir: Path, scorecards_only: bool = False
) -> dict[str, tuple[float, float, float, int, int]]:
    """Build the reports ``runs`` times each into ``workdir``: label -> median seconds
    of the snapshot, of the layout and in total, files and pages. The monthly notice is
    that of the month before ``as_of``'s; the quarterly ones are of ``as_of``'s quarter.
    ``scorecards_only`` leaves out the one-file quarterly and the annual report (the
    notice and the per-unit scorecards stay: the two with goals)."""
    month = f"{as_of.year - (as_of.month == 1)}-{(as_of.month - 2) % 12 + 1:02d}"
    quarter = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
    register_fonts()

    rows: dict[str, tuple[float, float, float, int, int]] = {}

    def timed(
        label: str,
        snapshot: Callable[[], Any],
        render: Callable[[Any, Path], list[Path]],
    ) -> None:
        snaps, renders, totals = [], [], []
        paths: list[Path] = []
        for run in range(runs):
            out = workdir / f"{label.replace(' ', '_')}-{run}"
            out.mkdir()
            t_snap, snap = _timed(snapshot)
            t0 = time.perf_counter()
            paths = render(snap, out)
            t_render = time.perf_counter() - t0
            snaps.append(t_snap)
            renders.append(t_render)
            totals.append(t_snap + t_render)
        rows[label] = (
            statistics.median(snaps),
            statistics.median(renders),
            statistics.median(totals),
            len(paths),
            _pages(paths),
        )

    def render_monthly(snap: Any, out: Path) -> list[Path]:
        path = out / "monthly.pdf"
        monthly.render_monthly(snap, path)
        return [path]

    def render_quarterly(snap: Any, out: Path) -> list[Path]:
        path = out / "quarterly.pdf"
        quarterly.render_quarterly(snap, path)
        return [path]

    def render_split(snap: Any, out: Path) -> list[Path]:
        written = []
        for scope, card, name in build.split_names(snap):
            if card is None:
                quarterly.render_ranking(snap, scope, out / name)
            else:
                quarterly.render_unit(snap, card, out / name)
            written.append(out / name)
        return written

    def render_annual(snap: Any, out: Path) -> list[Path]:
        path = out / "annual.pdf"
        annual.render_annual(snap, path)
        return [path]

    timed(
        f"monthly {month}",
        lambda: svc.monthly_snapshot(engine, month, as_of=as_of),
        render_monthly,
    )
    if not scorecards_only:
        timed(
            f"quarterly {quarter} all",
            lambda: svc.quarterly_snapshot(engine, quarter, "all", as_of=as_of),
            render_quarterly,
        )
    timed(
        f"quarterly {quarter} split",
        lambda: svc.quarterly_snapshot(engine, quarter, "all", as_of=as_of),
        render_split,
    )
    if not scorecards_only:
        timed(
            f"annual {as_of.year}",
            lambda: svc.annual_snapshot(engine, as_of.year, as_of=as_of),
            render_annual,
        )
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m center.bench reports")
    ap.add_argument("--db", help="an existing demo database (default: build one)")
    ap.add_argument("--as-of", help="evaluation instant (default: the demo's as-of / now)")
    ap.add_argument("--runs", type=int, default=3, help="repetitions, median reported")
    ap.add_argument("--scale", type=float, default=1.0, help="demo scale when building")
    args = ap.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    as_of = parse_as_of(args.as_of) if args.as_of else None
    if args.db:
        ctx = open_context(args.db)
    else:
        from center.demo.build import build_demo

        ctx = open_context(f"sqlite:///{workdir / 'demo.sqlite3'}", create=True)
        as_of = as_of or datetime(2026, 11, 5, 9, 0, tzinfo=CST)
        seconds, _ = _timed(lambda: build_demo(ctx, as_of=as_of, scale=args.scale))
        print(f"built the demo street in {seconds:.1f} s")
    as_of = as_of or datetime.now(CST).replace(microsecond=0)
    engine = ctx.engine
    names = svc.unit_names(engine)
    print(
        f"street: {len(names['grid'])} grids, {len(names['community'])} communities, "
        f"{len(names['department'])} departments; as of {as_of.isoformat()}"
    )
    rows = measure(engine, as_of, args.runs, workdir)
    print(f"median of {args.runs} runs (seconds)")
    print(f"{'report':<26} {'snapshot':>9} {'layout':>8} {'total':>8} {'files':>6} {'pages':>6}")
    for label, (t_snap, t_render, total, files, pages) in rows.items():
        print(f"{label:<26} {t_snap:9.2f} {t_render:8.2f} {total:8.2f} {files:6d} {pages:6d}")
    ctx.close()
    return 0
