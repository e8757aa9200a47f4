"""Five workstations take requests at once (issue 19): five processes, each with its
own engine, do 40 intakes of the same day as fast as they can. With case numbers
computed as "highest of the day + 1" PostgreSQL refused 38 % of such intakes with
``uq_cases_code`` after the retries; with the database's counter none fails and the
numbers are exactly 1..200.

The processes are started with ``spawn`` (a fresh interpreter each, as separate
workstations are) and released together by a barrier once every one has connected.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import date, timedelta
from typing import Any

import pytest
from builders import Builder, at
from sqlalchemy import func, select

from db.models import Case, CaseCounter

WORKERS = 5
PER_WORKER = 40
DAY = at(2025, 11, 3, 8)
#: how long the test waits for all workers (they need a few seconds)
JOIN_S = 120


def _intakes(url: str, worker: int, barrier: Any, results: Any) -> None:
    """One workstation: connect, wait for the others, then intake ``PER_WORKER``
    cases for its own household; report the codes and every failure's text."""
    from center.cases import lifecycle as cs
    from center.cases.lifecycle import IntakeRequest
    from center.core.access import Actor
    from db.engine import make_engine

    engine = make_engine(url)
    actor = Actor(f"w{worker}", "coordinator")
    codes: list[str] = []
    failures: list[str] = []
    try:
        with engine.connect():
            pass  # connected before the start
        barrier.wait(timeout=JOIN_S)
        for i in range(PER_WORKER):
            when = DAY + timedelta(minutes=worker * PER_WORKER + i)
            req = IntakeRequest(f"H{worker}", "hotline", "L08", received_at=when)
            try:
                codes.append(cs.intake(engine, actor, req).code)
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                failures.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        engine.dispose()
        results.put((worker, codes, failures))


def test_five_workstations_taking_requests_at_once_get_distinct_dense_numbers(engine, db_url):
    b = Builder(engine)
    for w in range(WORKERS):
        b.household(f"H{w}")
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_intakes, args=(db_url, w, barrier, results)) for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    try:
        reports = [results.get(timeout=JOIN_S) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=JOIN_S)
            if p.is_alive():
                p.kill()
    failures = [f for _, _, fs in reports for f in fs]
    assert failures == []
    codes = [c for _, own, _ in reports for c in own]
    total = WORKERS * PER_WORKER
    assert len(codes) == total
    assert sorted(codes) == [f"K20251103{n:04d}" for n in range(1, total + 1)]
    # each workstation's own numbers rise in the order it took them
    for _, own, _ in reports:
        assert own == sorted(own)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Case)) == total
        assert conn.execute(select(CaseCounter.day, CaseCounter.last_number)).all() == [
            (date(2025, 11, 3), total)
        ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_workers_report_their_failures(engine, db_url):
    """The harness itself: a worker whose household does not exist reports each
    failure's text instead of dying (so the test above would show them)."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(1)
    results = ctx.Queue()
    p = ctx.Process(target=_intakes, args=(db_url, 9, barrier, results))
    p.start()
    try:
        worker, codes, failures = results.get(timeout=JOIN_S)
    finally:
        p.join(timeout=JOIN_S)
    assert (worker, codes) == (9, [])
    assert len(failures) == PER_WORKER
    assert failures[0] == "NotFound: no household with code 'H9'"
