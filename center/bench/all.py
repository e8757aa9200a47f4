"""Every benchmark in one table, the demo street (SQLite) beside the ×10 district
(PostgreSQL), each figure with its goal and PASS/FAIL.

    python -m center.bench all [--street-db URL] [--district-db URL] [--pg-url URL]
                               [--cache DIR] [--runs N] [--skip-street] [--skip-district]
                               [--skip ROW ...]

* The street: ``--street-db`` (default ``<cache>/street.sqlite3``); built with
  ``center demo`` (scale 1) when it holds no street yet, then reused.
* The district: ``--district-db`` (default: the database ``center_bench_district`` on
  the server of ``--pg-url``, itself defaulting to ``CENTER_TEST_PG_URL``, created when
  missing); built with ``center demo --scale 10`` when it holds no street (that takes a
  long while: build it once and reuse it).
* The personal-information key of both is kept in ``<cache>/pii.key`` (unless
  ``CENTER_PII_KEY`` is set), so a rerun opens what an earlier run built; config, data
  and logs go to ``<cache>/home``: the user's own are never read or touched. The
  table so far is rewritten to ``<cache>/table.md`` after every measurement.

The figures come from the per-topic benchmarks (each also runs on its own, ``python -m
center.bench NAME``): ``imports`` (a fresh database beside each: a SQLite file, and the
database ``center_bench_import`` on the PostgreSQL server; run in a child process whose
peak resident memory is the import's), ``kpi``, ``inbox``, ``meetings``, ``budget``,
``wall`` (a child process, offscreen), ``reports`` and ``backup`` (restored into a new
SQLite file, and into ``center_bench_restore`` on the server). Every measurement is
read-only for the street and the district except the wall's refresh measurement, which
answers one case and undoes it.

How a figure is judged: the KPI refresh, the inbox, the board and the budget on
SQLite, which runs in this process, by the CPU time of this process (on a busy
machine the wall clock also counts the wait for a core); everything else, and
everything on PostgreSQL (the server does the work), by the wall clock. Goals (this 2-core machine)
come from the issues that set them; a goal marked * is inferred (see
:data:`GOALS`); "—" has none, the figure is printed for the record.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SIDES = ("street", "district")
ENGINES = {"street": "SQLite", "district": "PostgreSQL"}
DISTRICT_DB = "center_bench_district"
IMPORT_DB = "center_bench_import"
RESTORE_DB = "center_bench_restore"


@dataclass(frozen=True)
class Goal:
    """``figure <= limit`` (``at_most``) or ``figure >= limit``; ``inferred``: no issue
    sets it, it follows from one that does (printed with a *)."""

    limit: float
    at_most: bool = True
    inferred: bool = False

    def met(self, value: float) -> bool:
        return value <= self.limit if self.at_most else value >= self.limit


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str  # ms, s, MB, rows/s
    street: Goal | None
    district: Goal | None


#: The rows of the table, in order. Sources of the goals: issue 19 (import, KPI,
#: wall memory), issue 4 (wall cold start, refresh, GUI stall; the 2 s on PostgreSQL
#: is the change feed's), issue 5 (inbox), issues 15/16 (board, budget), issue 6/4
#: (reports), issue 2 (the street's build). Inferred (*): the street meets the
#: district's year and trend goals (it is a tenth of it), a district month the
#: district quarter's (a month is part of one).
MEASURES: tuple[Measure, ...] = (
    Measure("build_s", "demo build (when built in this run)", "s", Goal(60), None),
    Measure("import_rate", "import: visits + cases, first import", "rows/s",
            Goal(100_000, at_most=False), Goal(100_000, at_most=False)),
    Measure("import_peak_mb", "import: peak memory (child process)", "MB",
            Goal(300), Goal(300)),
    Measure("kpi_month", "KPI refresh, all scopes: month", "ms",
            Goal(60), Goal(500, inferred=True)),
    Measure("kpi_quarter", "KPI refresh, all scopes: quarter", "ms", Goal(80), Goal(500)),
    Measure("kpi_year", "KPI refresh, all scopes: year", "ms",
            Goal(1000, inferred=True), Goal(1000)),
    Measure("kpi_trend", "KPI 12-month trend, all scopes", "ms",
            Goal(1000, inferred=True), Goal(1000)),
    # the same with every month read again (no kept months, db.kpi_summary): for the record
    Measure("kpi_year_read", "… year, every month read again", "ms", None, None),
    Measure("kpi_trend_read", "… trend, every month read again", "ms", None, None),
    Measure("inbox", "inbox: slowest page/filter change", "ms", Goal(100), None),
    Measure("board", "meeting board (board_view)", "ms", Goal(100), None),
    Measure("budget", "budget summary + JSON", "ms", Goal(100), None),
    Measure("wall_first_s", "wall: cold start, grids and KPIs painted", "s", None, None),
    Measure("wall_cold_s", "wall: cold start, every part painted", "s", Goal(2.5), None),
    # the forecast layer comes in the background (a child process, issue 19)
    Measure("wall_settled_s", "… with the forecast layer in", "s", None, None),
    Measure("wall_refresh_ms", "wall: refresh after a commit", "ms", Goal(300), Goal(2000)),
    Measure("wall_stall_ms", "wall: longest GUI stall in a refresh", "ms", Goal(50), Goal(50)),
    Measure("wall_pss_mb", "wall: memory (PSS, process tree)", "MB", Goal(450), Goal(450)),
    Measure("monthly_s", "monthly notice (PDF)", "s", Goal(2), None),
    Measure("scorecards_s", "all quarterly scorecards (PDFs)", "s", Goal(10), None),
    Measure("backup_s", "backup", "s", None, None),
    Measure("restore_s", "restore into an empty database", "s", None, None),
)  # fmt: skip
GOALS = {m.key: m for m in MEASURES}


# ---------------------------------------------------------------------------
# Set-up


def _say(text: str) -> None:
    """Progress goes to stderr: stdout carries the table alone."""
    print(text, file=sys.stderr, flush=True)


def _isolate(cache: Path) -> None:
    """Config, data and logs under ``cache``; one persistent personal-information key
    (the databases built here are encrypted with it)."""
    from center.bench.demo import _isolate as isolate_dirs
    from center.core.pii import generate_key_text

    home = cache / "home"
    home.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("CENTER_PII_KEY"):
        key = cache / "pii.key"
        if not key.exists():
            key.write_text(generate_key_text() + "\n")
            key.chmod(0o600)
        os.environ["CENTER_PII_KEY"] = key.read_text().strip()
    isolate_dirs(home)


def _pg_database(server_url: str, name: str, fresh: bool) -> str:
    """The URL of database ``name`` on ``server_url``'s server, created when missing;
    ``fresh``: dropped and created again (a throw-away target)."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _ensure_demo(url: str, scale: float) -> float | None:
    """Build the demo into ``url`` when it holds no street; the seconds it took, or
    None when the database was reused."""
    from center.context import open_context
    from center.demo.build import build_demo, street_exists

    ctx = open_context(url, auto_upgrade=True, create=True)
    try:
        if street_exists(ctx.engine):
            return None
        _say(f"building the demo at scale {scale:g} into {ctx.engine.url!r} ...")
        t0 = time.perf_counter()
        build_demo(ctx, scale=scale)
        return time.perf_counter() - t0
    finally:
        ctx.close()


def _settle(url: str) -> None:
    """On PostgreSQL, ``VACUUM (ANALYZE)`` the database when a table holding rows was
    never vacuumed or analysed: what autovacuum does some minutes after a bulk load
    such as the demo's. Without it the planner has no statistics and an index-only
    scan still reads the table (no visibility map), so the first figures after a
    build would measure the build's leftovers, not the product."""
    from sqlalchemy import text

    from db.engine import make_engine

    engine = make_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            return
        with engine.connect() as conn:
            stale = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_user_tables WHERE n_live_tup > 0 AND "
                    "coalesce(last_vacuum, last_autovacuum) IS NULL OR n_live_tup > 0 AND "
                    "coalesce(last_analyze, last_autoanalyze) IS NULL"
                )
            )
        if stale:
            _say(f"VACUUM (ANALYZE): {stale} tables were never vacuumed or analysed ...")
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
    finally:
        engine.dispose()


def _data_end(engine: Any) -> datetime:
    """The evaluation instant: one hour after the newest case (the demo's data end,
    stable when a database is reused days later)."""
    from sqlalchemy import func, select

    from db.models import Case
    from db.types import CST

    with engine.connect() as conn:
        newest = conn.scalar(select(func.max(Case.received_at)))
    end = (newest or datetime.now(CST)) + timedelta(hours=1)
    return end.replace(microsecond=0)


# ---------------------------------------------------------------------------
# Measurements (each returns figures by key; a failure is reported, not fatal)

_IMPORT_LINE = re.compile(r"^(visits|cases): first import\s+(.*)$")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def parse_import_output(text: str) -> tuple[int, float, float | None]:
    """Rows and wall seconds of the first imports of visits and cases, summed, and the
    higher of their peak memories in MB (None when the table has no ``peak MB``
    column), from the table ``python -m center.bench imports`` prints (its columns:
    rows, wall s, rows/s, CPU s, rows per CPU second[, peak MB])."""
    rows, seconds, seen = 0, 0.0, set()
    peaks: list[float] = []
    has_peak = False
    for line in text.splitlines():
        if "rows/s" in line and "peak MB" in line:
            has_peak = True
        m = _IMPORT_LINE.match(line.strip())
        if m is None:
            continue
        numbers = [float(n.replace(",", "")) for n in _NUMBER.findall(m.group(2))]
        if len(numbers) < 2:
            continue
        seen.add(m.group(1))
        rows += int(numbers[0])
        seconds += numbers[1]
        if has_peak and len(numbers) > 5:
            peaks.append(numbers[5])
    if seen != {"visits", "cases"}:
        raise ValueError("the imports benchmark printed no first-import lines for both kinds")
    return rows, seconds, max(peaks) if len(peaks) == 2 else None


def _run_child(argv: list[str], timeout_s: float) -> tuple[str, float]:
    """Run ``python -m center.bench …`` in a child process: its stdout and its peak
    resident memory in MB (``ru_maxrss`` of that child alone, through ``wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "center.bench", *argv], stdout=out, stderr=err, text=True
        )
        t0 = time.monotonic()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > timeout_s:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"{' '.join(argv[:1])} exited with {proc.returncode}: {tail}")
    return stdout, usage.ru_maxrss / 1024


def measure_import(url: str, visits: int, cases: int) -> dict[str, float]:
    stdout, peak_mb = _run_child(
        ["imports", "--db", url, "--visits", str(visits), "--cases", str(cases)], 3600
    )
    rows, seconds, import_peak = parse_import_output(stdout)
    # the benchmark runs each import in a child of its own and prints its peak; else
    # the peak of the whole benchmark process tree (wait4 counts waited-for children)
    return {"import_rate": rows / seconds, "import_peak_mb": import_peak or peak_mb}


def measure_kpi(engine: Any, as_of: datetime, runs: int, sqlite: bool) -> dict[str, float]:
    from center.bench.kpi import refresh_figures

    figures = refresh_figures(engine, as_of, runs)
    read = refresh_figures(
        engine.execution_options(center_kpi_keep=False), as_of, runs, only=("year", "trend")
    )
    pick = 1 if sqlite else 0  # CPU ms in-process, else wall ms
    return {
        "kpi_month": figures["month"][pick],
        "kpi_quarter": figures["quarter"][pick],
        "kpi_year": figures["year"][pick],
        "kpi_trend": figures["trend"][pick],
        "kpi_year_read": read["year"][pick],
        "kpi_trend_read": read["trend"][pick],
    }


def measure_inbox(engine: Any, as_of: datetime, runs: int) -> dict[str, float]:
    from center.bench.inbox import measure

    return {"inbox": measure(engine, as_of, runs)["slowest_ms"]}


def measure_board(engine: Any, runs: int, sqlite: bool) -> dict[str, float]:
    from center.bench.meetings import measure

    f = measure(engine, "", runs, allocate=False, echo=False)
    return {"board": f["board_view_cpu_ms"] if sqlite else f["board_view_ms"]}


def measure_budget(url: str, runs: int, sqlite: bool) -> dict[str, float]:
    from center.bench.budget import measure

    f = measure(url, "", runs, echo=False)
    return {"budget": f["cpu_ms" if sqlite else "median_ms"]} if f else {}


def measure_wall(url: str, changes: int) -> dict[str, float]:
    stdout, _ = _run_child(
        ["wall", "--db", url, "--cycles", "0", "--changes", str(changes), "--idle", "0", "--json"],
        900,
    )
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    f = json.loads(lines[-1])
    out = {
        "wall_first_s": f["first_data_s"],
        "wall_cold_s": f["shown_all_s"],
        "wall_settled_s": f["cold_start_s"],
        "wall_pss_mb": f["pss_mb"],
    }
    if f.get("refresh_ms") is not None:
        out["wall_refresh_ms"] = f["refresh_ms"]
        out["wall_stall_ms"] = f["refresh_stall_ms"]
    return out


def measure_reports(engine: Any, as_of: datetime, workdir: Path) -> dict[str, float]:
    from center.bench.reports import measure

    rows = measure(engine, as_of, 1, workdir, scorecards_only=True)
    out: dict[str, float] = {}
    for label, (_, _, total, _, _) in rows.items():
        if label.startswith("monthly"):
            out["monthly_s"] = total
        elif label.endswith("split"):
            out["scorecards_s"] = total
    return out


def measure_backup(url: str, workdir: Path, into: str | None) -> dict[str, float]:
    from center.bench.backup import measure

    f = measure(url, workdir, into)
    return {"backup_s": f["backup_s"], "restore_s": f["restore_s"]}


# ---------------------------------------------------------------------------
# One side


@dataclass
class Side:
    name: str
    url: str
    figures: dict[str, float]
    notes: list[str]


def run_side(
    side: Side,
    args: argparse.Namespace,
    pg_server: str | None,
    skip: set[str],
    after_step: Callable[[], None] = lambda: None,
) -> None:
    from db.engine import open_database

    sqlite = side.name == "street"
    runs = args.runs if sqlite else max(1, args.runs // 3)
    work = Path(tempfile.mkdtemp(prefix=f"center-bench-all-{side.name}-", dir=args.cache))

    def step(name: str, fn: Callable[[], dict[str, float]]) -> None:
        if name in skip:
            return
        _say(f"[{side.name}] {name} ...")
        t0 = time.perf_counter()
        try:
            side.figures.update(fn())
        except Exception as exc:  # noqa: BLE001 - one failed figure must not sink the table
            side.notes.append(f"{name}: {type(exc).__name__}: {exc}")
            _say(traceback.format_exc())
        _say(f"[{side.name}] {name}: {time.perf_counter() - t0:.0f} s")
        after_step()

    try:
        scale = 1.0 if sqlite else args.district_scale
        built: dict[str, float] = {}

        def build() -> dict[str, float]:
            seconds = _ensure_demo(side.url, scale)
            if seconds is not None:
                built["build_s"] = seconds
            return built if sqlite else {}

        step("build", build)
        if "build" in {n.split(":")[0] for n in side.notes}:
            return
        _settle(side.url)
        # the figures with goals on the data first (a long run can be cut short)
        engine = open_database(side.url, auto_upgrade=True)
        try:
            as_of = _data_end(engine)
            side.notes.append(f"as of {as_of.isoformat()}")
            step("kpi", lambda: measure_kpi(engine, as_of, runs, sqlite))
            inbox_runs = max(3, runs // 2) if sqlite else runs
            step("inbox", lambda: measure_inbox(engine, as_of, inbox_runs))
            step("board", lambda: measure_board(engine, runs, sqlite))
            step("budget", lambda: measure_budget(side.url, runs, sqlite))
            step("reports", lambda: measure_reports(engine, as_of, work))
        finally:
            engine.dispose()
        step("wall", lambda: measure_wall(side.url, args.wall_changes))

        def import_url() -> str:
            if sqlite:
                return f"sqlite:///{work / 'import.sqlite3'}"
            assert pg_server is not None
            return _pg_database(pg_server, IMPORT_DB, fresh=True)

        visits = args.import_visits if sqlite else args.district_import_visits
        cases = args.import_cases if sqlite else args.district_import_cases
        step("import", lambda: measure_import(import_url(), visits, cases))

        def restore_url() -> str | None:
            if sqlite:
                return None
            assert pg_server is not None
            return _pg_database(pg_server, RESTORE_DB, fresh=True)

        step("backup", lambda: measure_backup(side.url, work, restore_url()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------
# The table


def _number(value: float, unit: str) -> str:
    if unit == "rows/s":
        return f"{value:,.0f}"
    if unit == "s":
        return f"{value:.2f}" if value < 10 else f"{value:.1f}"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _goal(goal: Goal | None) -> str:
    if goal is None:
        return "—"
    limit = f"{goal.limit:,.0f}" if goal.limit >= 100 else f"{goal.limit:g}"
    return f"{'≤' if goal.at_most else '≥'} {limit}{'*' if goal.inferred else ''}"


def _cell(value: float | None, goal: Goal | None, unit: str) -> tuple[str, str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a", ""
    verdict = "" if goal is None else ("PASS" if goal.met(value) else "FAIL")
    return _number(value, unit), verdict


def render(sides: dict[str, Side]) -> str:
    """The table as Markdown (it goes into the README as it is)."""
    head = ["measure", "unit"]
    for name in SIDES:
        if name in sides:
            head += [f"{name} ({ENGINES[name]})", "goal", ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in MEASURES:
        if not any(m.key in s.figures for s in sides.values()):
            continue
        cells = [m.label, m.unit]
        for name in SIDES:
            if name in sides:
                goal = getattr(m, name)
                value, verdict = _cell(sides[name].figures.get(m.key), goal, m.unit)
                cells += [value, _goal(goal), verdict]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdicts(sides: dict[str, Side]) -> tuple[int, int]:
    """(PASS, FAIL) over every figure that has a goal."""
    passed = failed = 0
    for name, side in sides.items():
        for m in MEASURES:
            goal, value = getattr(m, name), side.figures.get(m.key)
            if goal is not None and value is not None:
                passed, failed = (passed + 1, failed) if goal.met(value) else (passed, failed + 1)
    return passed, failed


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m center.bench all", description=__doc__)
    ap.add_argument("--street-db", metavar="URL", help="the street (default: in --cache)")
    ap.add_argument("--district-db", metavar="URL", help=f"the district (default: {DISTRICT_DB})")
    ap.add_argument(
        "--pg-url",
        metavar="URL",
        default=os.environ.get("CENTER_TEST_PG_URL"),
        help="a PostgreSQL server (any database on it) for the district and the throw-away "
        "import and restore databases (default: CENTER_TEST_PG_URL)",
    )
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "center-bench-all",
        help="where the street, the key and the scratch files live between runs",
    )
    ap.add_argument("--district-scale", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=7, help="runs per figure (median; default 7)")
    ap.add_argument("--import-visits", type=int, default=400_000)
    ap.add_argument("--import-cases", type=int, default=60_000)
    ap.add_argument("--district-import-visits", type=int, default=1_000_000)
    ap.add_argument("--district-import-cases", type=int, default=100_000)
    ap.add_argument("--wall-changes", type=int, default=5, help="refreshes timed (median)")
    ap.add_argument("--skip-street", action="store_true")
    ap.add_argument("--skip-district", action="store_true")
    ap.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("import", "kpi", "inbox", "board", "budget", "reports", "wall", "backup"),
        help="leave a measurement out (repeatable)",
    )
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    _isolate(args.cache)

    sides: dict[str, Side] = {}
    if not args.skip_street:
        url = args.street_db or f"sqlite:///{args.cache / 'street.sqlite3'}"
        sides["street"] = Side("street", url, {}, [])
    pg_server = args.pg_url
    if not args.skip_district:
        if not (args.district_db or pg_server):
            ap.error("the district needs --district-db or --pg-url (or CENTER_TEST_PG_URL)")
        url = args.district_db or _pg_database(pg_server, DISTRICT_DB, fresh=False)
        pg_server = pg_server or url
        sides["district"] = Side("district", url, {}, [])
    t0 = time.perf_counter()
    partial = args.cache / "table.md"

    def write_partial() -> None:
        """The table so far, for a long run watched or cut short."""
        partial.write_text(render(sides) + "\n")

    for side in sides.values():
        run_side(side, args, pg_server, set(args.skip), write_partial)
    load = os.getloadavg()
    print(render(sides))
    print()
    passed, failed = verdicts(sides)
    print(
        f"{passed} PASS, {failed} FAIL; {time.perf_counter() - t0:.0f} s in all; load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs; "
        "* a goal inferred from another; KPI, inbox, board and budget on SQLite are the "
        "CPU time of this process (SQLite runs in it), every other time is wall-clock"
    )
    for side in sides.values():
        for note in side.notes:
            print(f"{side.name}: {note}")
    return 1 if failed else 0
