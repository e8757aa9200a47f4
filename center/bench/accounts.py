"""Login and access-check costs: ``python -m center.bench accounts [--runs N]``.

Prints

* one argon2id verification at the product's parameters (:mod:`center.accounts.passwords`;
  the goal: 0.2-0.5 s a login), min and median of ``--runs``;
* a whole :func:`~center.accounts.service.authenticate` (read, verify, the audited
  update), on a temporary SQLite database;
* :func:`~center.core.access.require_role` per call: the role check alone, and with a
  case (the department and grid bindings), in microseconds;
* :func:`~center.core.access.department_has_account` per call (the one query a
  coordinator's accept or resolve adds), in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class _Case:
    dept_id: int | None
    grid_id: int | None


def _times(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _row(label: str, secs: list[float], unit: str = "s", scale: float = 1.0) -> None:
    print(
        f"{label:<46} min {min(secs) * scale:9.3f} {unit}   median "
        f"{statistics.median(secs) * scale:9.3f} {unit}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m center.bench accounts")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)

    from center.accounts import passwords
    from center.accounts.service import add_user, authenticate
    from center.core.access import Actor, department_has_account, require_role
    from db.engine import open_database

    print(
        f"argon2id: {passwords.MEMORY_COST_KIB // 1024} MiB, t={passwords.TIME_COST}, "
        f"p={passwords.PARALLELISM}"
    )
    secret = "a-password-of-some-length"
    encoded = passwords.HASHER.hash(secret)
    _row("verify (one login's hash)", _times(lambda: passwords.verify(encoded, secret), args.runs))

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        add_user(engine, None, "bench", secret, ["admin"])
        _row(
            "authenticate (read, verify, audited update)",
            _times(lambda: authenticate(engine, "bench", secret), args.runs),
        )
        with engine.connect() as conn:
            calls = 2000

            def probe() -> bool:
                return department_has_account(conn, 1)

            secs = [timeit.timeit(probe, number=calls) / calls for _ in range(5)]
        _row("department_has_account (accept/resolve)", secs, "ms", 1e3)
        engine.dispose()

    coord = Actor("c", "coordinator")
    dept = Actor.of("d", {"department", "grid_worker"}, dept_id=1, grid_id=2)
    case = _Case(dept_id=1, grid_id=2)
    n = 100_000
    for label, fn in (
        ("require_role(actor, action)", lambda: require_role(coord, "assign")),
        ("require_role(actor, action, case) bound", lambda: require_role(dept, "accept", case)),
        (
            "require_role(…, case, dept_has_account)",
            lambda: require_role(coord, "accept", case, dept_has_account=lambda _d: False),
        ),
    ):
        secs = [timeit.timeit(fn, number=n) / n for _ in range(5)]
        _row(label, secs, "µs", 1e6)
    return 0
