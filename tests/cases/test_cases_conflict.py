"""Optimistic locking: two workstations (two engines, two connection pools) edit the
same case; the second save is refused with what the first one changed, and nothing
of the second is written."""

from __future__ import annotations

import threading

import pytest
from builders import Builder, at
from sqlalchemy import func, select, text

from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest
from center.core.access import Actor
from center.core.errors import ConflictError
from db.engine import make_engine
from db.models import AuditLog, Case, CaseEvent

T0 = at(2025, 9, 1, 8, 0)


@pytest.fixture
def two_engines(engine, db_url):
    Builder(engine).household("H1")
    other = make_engine(db_url)
    yield engine, other
    other.dispose()


def _counts(engine):
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(CaseEvent)),
            conn.scalar(select(func.count()).select_from(AuditLog)),
        )


def test_second_save_is_refused_with_the_first_ones_changes(two_engines):
    a_eng, b_eng = two_engines
    alice, bob = Actor("alice", "coordinator"), Actor("bob", "coordinator")
    code = cs.intake(a_eng, alice, IntakeRequest("H1", "hotline", "L08", received_at=T0)).code
    seen_by_a = cs.case_detail(a_eng, alice, code)
    seen_by_b = cs.case_detail(b_eng, bob, code)
    assert seen_by_a.version == seen_by_b.version == 1

    cs.assign(a_eng, alice, code, seen_by_a.version, "D06", at=at(2025, 9, 1, 9), note="城管处理")
    before = _counts(b_eng)
    with pytest.raises(ConflictError) as err:
        cs.assign(
            b_eng,
            bob,
            code,
            seen_by_b.version,
            "D12",
            at=at(2025, 9, 1, 9, 5),
            note="bob's typed note",
        )
    e = err.value
    assert (e.code, e.expected_version, e.current_version) == (code, 1, 2)
    [change] = e.changes
    assert (change.actor, change.action, change.version) == ("alice", "case.assign", 2)
    assert (change.from_status, change.to_status) == ("received", "assigned")
    assert change.fields["dept"] == (None, "D06")
    assert change.fields["assigned_at"] == (None, "2025-09-01T09:00:00+08:00")
    assert "alice" in str(e)
    assert _counts(b_eng) == before  # nothing of bob's was written
    now = cs.case_detail(b_eng, bob, code)
    assert (now.dept_code, now.version) == ("D06", 2)

    # after reloading, bob's edit goes through on the new version
    res = cs.update_case(b_eng, bob, code, now.version, {"priority": "immediate"})
    assert res.version == 3
    assert [c.actor for c in cs.changes_since(a_eng, code, 1)] == ["alice", "bob"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_writers_are_serialised_and_the_later_one_is_refused(two_engines):
    """On SQLite a service transaction holds the write lock from its first statement
    (BEGIN IMMEDIATE), so no write can land between its read and its update: alice
    holds the lock in an open transaction; bob's save waits for it, then reads alice's
    committed version and is refused with her change."""
    a_eng, b_eng = two_engines
    alice, bob = Actor("alice", "coordinator"), Actor("bob", "coordinator")
    code = cs.intake(a_eng, alice, IntakeRequest("H1", "online", "P01", received_at=T0)).code
    outcome: dict[str, object] = {}
    started = threading.Event()

    def bob_writes() -> None:
        started.set()
        try:
            cs.update_case(b_eng, bob, code, 1, {"summary": "bob"})
            outcome["result"] = "written"
        except ConflictError as exc:
            outcome["result"] = exc

    with a_eng.connect() as conn:
        tx = conn.begin()
        conn.execute(
            text("UPDATE cases SET version = version + 1, summary = 'alice' WHERE code = :c"),
            {"c": code},
        )
        worker = threading.Thread(target=bob_writes)
        worker.start()
        started.wait(5)
        worker.join(timeout=0.3)
        assert worker.is_alive()  # bob waits for alice's write lock
        tx.commit()
    worker.join(timeout=60)
    assert not worker.is_alive()
    err = outcome["result"]
    assert isinstance(err, ConflictError)
    assert (err.expected_version, err.current_version) == (1, 2)
    assert cs.case_detail(a_eng, alice, code).summary == "alice"


@pytest.mark.pg
@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_concurrent_transactions_on_postgresql(two_engines):
    """Alice holds the row lock in an open transaction; bob's write waits on it, then
    sees alice's committed version and is refused."""
    a_eng, b_eng = two_engines
    alice, bob = Actor("alice", "coordinator"), Actor("bob", "coordinator")
    code = cs.intake(a_eng, alice, IntakeRequest("H1", "online", "P02", received_at=T0)).code
    outcome: dict[str, object] = {}

    def bob_writes() -> None:
        try:
            cs.assign(b_eng, bob, code, 1, "D04", at=at(2025, 9, 1, 10))
            outcome["result"] = "written"
        except ConflictError as exc:
            outcome["result"] = exc

    with a_eng.connect() as conn:
        tx = conn.begin()
        conn.execute(text("SELECT id FROM cases WHERE code = :c FOR UPDATE"), {"c": code})
        worker = threading.Thread(target=bob_writes)
        worker.start()
        # bob is now blocked on the row lock (or has not reached it yet); either way
        # he reads version 2 once alice commits
        conn.execute(
            text("UPDATE cases SET version = version + 1, summary = 'alice' WHERE code = :c"),
            {"c": code},
        )
        tx.commit()
    worker.join(timeout=60)
    assert not worker.is_alive()
    err = outcome["result"]
    assert isinstance(err, ConflictError)
    assert (err.expected_version, err.current_version) == (1, 2)
    with a_eng.connect() as conn:
        row = conn.execute(select(Case.dept_id, Case.version).where(Case.code == code)).one()
    assert tuple(row) == (None, 2)
