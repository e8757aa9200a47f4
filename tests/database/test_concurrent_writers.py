"""Five workstations write at once (issue 19, Deliver 4): intake, case transitions,
visits, joint-meeting items and budget expenditures, each workstation a process of its
own with its own connection pool, on a small demo street. Afterwards nothing may have
failed and the invariants of :func:`center.bench.writers.check_invariants` hold: the
audit chain is intact, no update was lost, versions strictly increase, every
transition is in the event log and the KPI numerators equal direct counts of the rows.

A second test shows the checker catches what it looks for (a lost update, a missing
event, a money counter that lost a correction, a KPI summary row out of step).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select

from center.bench.writers import (
    CENT,
    OPS,
    Tally,
    Workstation,
    check_invariants,
    prepare,
    run_writers,
)
from center.demo.build import build_demo
from db.models import Case, CaseEvent, Expenditure, HouseholdMonth, HouseholdQuarter
from db.types import CST

#: how long the five workstations write (the whole test stays under a minute)
SECONDS = 10.0


@pytest.fixture
def street(ctx):
    """A demo street of 6 grids and 120 households, up to now."""
    build_demo(ctx, seed=5, scale=0.05, households_per_grid=20)
    return ctx


def test_five_workstations_write_at_once_and_the_invariants_hold(street, db_url):
    engine = street.engine
    marks = prepare(engine, datetime.now(CST).date())
    tally = run_writers(db_url, marks, processes=5, seconds=SECONDS, seed=7)

    assert dict(tally.failures) == {}, tally.first_failure
    # every attempt is accounted for exactly once
    for op in OPS:
        refused = sum(n for k, n in tally.refused.items() if k.startswith(f"{op}:"))
        assert tally.attempts[op] == tally.done[op] + tally.conflicts[op] + refused, op
    # each kind of write went through (hundreds of attempts: none can be missing)
    assert {op for op in OPS if tally.done[op] > 0} == set(OPS), dict(tally.done)
    # the only refusal a workstation may meet: an empty pool at the very start
    assert {k for k in tally.refused if not k.endswith("nothing to do")} == set()

    verdict = check_invariants(engine, marks, tally, datetime.now(CST))
    assert verdict.problems == []
    assert verdict.checked["successful writes traced"] == len(tally.successes)
    assert verdict.checked["cases' event logs"] == tally.done["intake"]
    assert verdict.checked["counter corrections"] == tally.increments
    assert verdict.checked["KPI numerators compared"] == 6
    with engine.connect() as conn:
        amount = conn.scalar(
            select(Expenditure.amount).where(Expenditure.voucher_no == marks.counter)
        )
    assert amount == marks.counter_amount + tally.increments * CENT


def test_the_checker_finds_a_lost_update_a_missing_event_and_a_stale_summary(street):
    engine = street.engine
    marks = prepare(engine, datetime.now(CST).date())
    ws = Workstation(
        engine, "solo", marks, seed=3, ops={"intake": 3, "transition": 3, "visit": 2, "budget": 2}
    )
    for _ in range(40):
        ws.step()
    tally = ws.tally
    assert dict(tally.failures) == {}
    assert check_invariants(engine, marks, tally, datetime.now(CST)).problems == []
    assert tally.increments > 0 and tally.done["visit"] > 0

    # a lost update: a second write that was told it made the same version
    entity, code, version, action = next(s for s in tally.successes if s[0] == "case")
    lost = Tally()
    lost.merge(tally)
    lost.successes.append((entity, code, version, "assign"))
    # a correction of the money counter that the row does not show
    lost.increments += 1
    with engine.begin() as conn:
        # an event missing from a case's log
        case_id = conn.scalar(select(Case.id).where(Case.code == code))
        first = conn.scalar(
            select(CaseEvent.id).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        conn.execute(delete(CaseEvent).where(CaseEvent.id == first))
        # the coverage summary rows lost (the KPI reads them; the checker counts visits)
        conn.execute(delete(HouseholdQuarter))
        conn.execute(delete(HouseholdMonth))
    problems = check_invariants(engine, marks, lost, datetime.now(CST)).problems
    assert f"lost update: 2 writes of case {code} were all given version {version}" in problems
    assert [p for p in problems if p.startswith("lost update on the money counter: ")] == [
        f"lost update on the money counter: {marks.counter_amount + tally.increments * CENT} "
        f"after {lost.increments} corrections of +0.01 from {marks.counter_amount} "
        f"(expected {marks.counter_amount + lost.increments * CENT})"
    ]
    assert len([p for p in problems if p.startswith(f"case {code}: events ")]) == 1
    assert len([p for p in problems if p.startswith("KPI coverage ")]) == 1, problems
    assert len(problems) == 4 + len([p for p in problems if p.startswith("KPI special_care ")])
