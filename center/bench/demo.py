"""Benchmark `center demo`: build the street on SQLite (and optionally on PostgreSQL) and
print the time of every phase, the row counts and a few realism figures.

    python -m center.bench demo [--scale K] [--seed N] [--pg URL [--pg-scale K] [--replace]]

The SQLite database is a temporary file; the user's config, data and key are never
touched (a throw-away personal-information key is used unless CENTER_PII_KEY is set).
A PostgreSQL database must be empty (or pass --replace) and is migrated if needed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, bindparam, text

from center.core.pii import PiiCipher, generate_key_text
from db.types import CST, LocalDateTime


def _isolate(tmp: Path) -> None:
    for name in ("CONFIG_DIR", "DATA_DIR", "LOG_DIR"):
        (tmp / name).mkdir(exist_ok=True)
        os.environ[f"CENTER_{name}"] = str(tmp / name)
    os.environ["CENTER_CONFIG"] = str(tmp / "CONFIG_DIR" / "center.ini")
    os.environ.setdefault("CENTER_PII_KEY", generate_key_text())


def _encryption_rate(n: int = 30_000) -> float:
    """Microseconds for one field: AES-GCM encryption plus the look-up hash."""
    cipher = PiiCipher.from_master(os.urandom(32))
    t0 = time.perf_counter()
    for i in range(n):
        value = f"3301061990{i:08d}"
        cipher.encrypt("id_number", value)
        cipher.lookup_hash("id_number", value)
    return (time.perf_counter() - t0) / n * 1e6


REALISM = {
    "special households with 2 met-visits (last full month)": """
        SELECT AVG(CASE WHEN hm.second_met_at IS NOT NULL THEN 1.0 ELSE 0.0 END)
        FROM household h LEFT JOIN household_month hm
          ON hm.household_id = h.id AND hm.ym = :ym
        WHERE h.is_special AND h.moved_out_on IS NULL""",
    "cases responded within 24 h (last full month)": """
        SELECT AVG(CASE WHEN eff_response_at <= response_due_at THEN 1.0 ELSE 0.0 END)
        FROM cases WHERE received_at >= :p0 AND received_at < :p1""",
    "cases closed by the deadline (last full month)": """
        SELECT AVG(CASE WHEN eff_closed_at <= deadline_at THEN 1.0 ELSE 0.0 END)
        FROM cases WHERE received_at >= :p0 AND received_at < :p1
          AND (eff_closed_at IS NOT NULL OR deadline_at <= :t)""",
    "repeat share": "SELECT AVG(CASE WHEN is_repeat THEN 1.0 ELSE 0.0 END) FROM cases",
    "proactive share": """
        SELECT AVG(CASE WHEN source = 'proactive' THEN 1.0 ELSE 0.0 END) FROM cases""",
    "on the spot among visit cases": """
        SELECT AVG(CASE WHEN on_the_spot THEN 1.0 ELSE 0.0 END) FROM cases
        WHERE source = 'visit'""",
    "satisfied (4-5) among ratings": """
        SELECT AVG(CASE WHEN satisfaction >= 4 THEN 1.0 ELSE 0.0 END) FROM cases
        WHERE satisfaction IS NOT NULL""",
}


def _realism(engine: Engine, as_of: datetime) -> list[tuple[str, float]]:
    y, m = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    params = {
        "ym": y * 100 + m,
        "p0": datetime(y, m, 1, tzinfo=CST),
        "p1": datetime(as_of.year, as_of.month, 1, tzinfo=CST),
        "t": as_of,
    }
    out = []
    with engine.connect() as conn:
        for label, sql in REALISM.items():
            names = [k for k in params if f":{k}" in sql]
            stmt = text(sql).bindparams(
                *[bindparam(k, type_=LocalDateTime()) for k in names if k != "ym"]
            )
            value = conn.execute(stmt, {k: params[k] for k in names}).scalar()
            out.append((label, float(value or 0.0)))
    return out


def _run(url: str, scale: float, seed: int, replace: bool) -> None:
    from center.context import open_context
    from center.demo.build import PHASE_LABELS, build_demo

    ctx = open_context(url, auto_upgrade=True, create=True)
    try:
        cpu0 = time.process_time()
        s = build_demo(ctx, seed=seed, scale=scale, replace=replace)
        cpu = time.process_time() - cpu0
        backend = ctx.engine.dialect.name
        print(
            f"\n{backend}, scale {scale:g}, seed {seed}: {s.elapsed_s:.1f} s in total "
            f"({cpu:.1f} s CPU in this process)"
        )
        print(f"{'phase':<20}{'seconds':>10}")
        for phase, seconds in s.phases.items():
            print(f"{phase:<20}{seconds:>10.2f}   {PHASE_LABELS[phase]}")
        rows = {
            "households": s.households, "residents": s.residents, "staff": s.staff,
            "visits": s.visits, "cases": s.cases, "agenda items": s.agenda_items,
            "expenditures": s.expenditures,
        }  # fmt: skip
        print(f"\n{'rows':<20}{'count':>10}")
        for label, n in rows.items():
            print(f"{label:<20}{n:>10,}")
        print(f"\n{'realism':<56}{'value':>8}")
        for label, value in _realism(ctx.engine, s.as_of):
            print(f"{label:<56}{value:>8.3f}")
        per_field = _encryption_rate()
        print(
            f"\nencryption: {per_field:.1f} µs per field (AES-GCM + HMAC); "
            f"{s.residents * 3:,} resident fields ≈ {per_field * s.residents * 3 / 1e6:.1f} s"
        )
    finally:
        ctx.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m center.bench demo")
    parser.add_argument("--scale", type=float, default=1.0, help="SQLite scale (default 1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg", metavar="URL", help="also build on this PostgreSQL database")
    parser.add_argument("--pg-scale", type=float, default=10.0, help="PostgreSQL scale (10)")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace the business data already in the PostgreSQL database",
    )
    args = parser.parse_args(argv)
    from center.core.pii import PiiKeyError
    from center.demo.build import DemoError
    from db.engine import DatabaseError

    with tempfile.TemporaryDirectory(prefix="center-bench-demo-") as tmp:
        _isolate(Path(tmp))
        _run(f"sqlite:///{Path(tmp) / 'demo.sqlite3'}", args.scale, args.seed, False)
        if args.pg:
            try:
                _run(args.pg, args.pg_scale, args.seed, args.replace)
            except (DemoError, PiiKeyError, DatabaseError) as exc:
                print(f"\npostgresql: {exc}")
                return 2
    return 0
