"""Case numbers come from the database's per-day counter (issue 19, migration 0012).

``K<yyyymmdd><nnnn>``: the counter row of the day is raised in the intake's (or the
reopen's) transaction to one more than both its last number and the highest code
already stored that day, so imported codes are continued, a rolled-back intake gives
its number back, and the numbering of a database upgraded to 0012 goes on where it was.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import Builder, at
from sqlalchemy import func, insert, select, text

from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest, next_case_code
from center.core.access import Actor
from db.engine import current_revision, downgrade, head_revision, upgrade
from db.models import Case, CaseCounter

COORD = Actor("alice", "coordinator")
DAY = at(2025, 12, 1, 9)  # the day an import brought cases in


def _intake(engine, when, household="H1"):
    return cs.intake(engine, COORD, IntakeRequest(household, "hotline", "L08", received_at=when))


def _counters(engine) -> dict[date, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(CaseCounter.day, CaseCounter.last_number)).all())


def test_intake_continues_after_the_imported_codes_of_the_day(engine):
    b = Builder(engine)
    b.household("H1")
    b.case("H1", DAY, code="K202512010007")  # imported: the counter is not touched
    b.case("H1", DAY, code="K202512010003")
    b.case("H1", DAY + timedelta(days=1), code="K202512020002")
    assert _counters(engine) == {}
    assert _intake(engine, DAY + timedelta(hours=1)).code == "K202512010008"
    assert _intake(engine, DAY + timedelta(hours=2)).code == "K202512010009"
    assert _intake(engine, DAY + timedelta(days=1)).code == "K202512020003"
    assert _intake(engine, DAY + timedelta(days=2)).code == "K202512030001"
    assert _counters(engine) == {
        date(2025, 12, 1): 9,
        date(2025, 12, 2): 3,
        date(2025, 12, 3): 1,
    }
    # an import after the counter moved: the next number is above both
    b.case("H1", DAY, code="K202512010015")
    assert _intake(engine, DAY + timedelta(hours=3)).code == "K202512010016"


def test_the_counter_is_ahead_of_the_stored_codes_and_the_width_follows_the_day(engine):
    b = Builder(engine)
    b.household("H1")
    with engine.begin() as conn:
        conn.execute(insert(CaseCounter).values(day=date(2025, 12, 1), last_number=41))
    b.case("H1", DAY, code="K202512010002")
    assert _intake(engine, DAY).code == "K202512010042"
    # a day whose imported codes have five digits keeps five digits
    b.case("H1", DAY + timedelta(days=1), code="K2025120200012")
    assert _intake(engine, DAY + timedelta(days=1)).code == "K2025120200013"
    # codes outside the numbering are not numbers of the day
    b.case("H1", DAY + timedelta(days=2), code="K20251203X9")
    b.case("H1", DAY + timedelta(days=2), code="K1")
    assert _intake(engine, DAY + timedelta(days=2)).code == "K202512030001"


def test_a_rolled_back_number_is_handed_out_again(engine):
    Builder(engine).household("H1")
    conn = engine.connect()
    try:
        with conn.begin() as tx:
            assert next_case_code(conn, DAY.date()) == "K202512010001"
            assert next_case_code(conn, DAY.date()) == "K202512010002"
            tx.rollback()
    finally:
        conn.close()
    assert _counters(engine) == {}
    assert _intake(engine, DAY).code == "K202512010001"


def test_a_reopened_case_takes_the_next_number_of_the_reopen_day(engine):
    b = Builder(engine)
    b.household("H1")
    first = cs.intake(
        engine,
        COORD,
        IntakeRequest("H1", "hotline", "L08", received_at=DAY, on_the_spot=True),
    )
    assert (first.code, first.status) == ("K202512010001", "resolved")
    b.case("H1", DAY + timedelta(days=1), code="K202512020004")
    reopened = cs.reopen(
        engine, COORD, first.code, first.version, note="又漏水", at=DAY + timedelta(days=1)
    )
    assert reopened.created == "K202512020005"
    assert _intake(engine, DAY + timedelta(days=1, hours=1)).code == "K202512020006"
    assert _counters(engine) == {date(2025, 12, 1): 1, date(2025, 12, 2): 6}


def test_the_upgrade_to_0012_seeds_the_counters_from_the_stored_codes(engine):
    """Downgrade to 0011 (no counter table), store codes, upgrade: one counter per day
    at the day's highest number; codes outside the numbering are skipped."""
    assert head_revision() == current_revision(engine)
    b = Builder(engine)
    b.household("H1")
    downgrade(engine, "0011")
    try:
        for code in (
            "K202512010007",
            "K202512010003",
            "K2025120200012",
            "K202512020009",
            "K20251301000001",  # month 13: not a day
            "K1",
            "K20251203X9",
            "X202512040001",
        ):
            b.case("H1", DAY, code=code)
    finally:
        upgrade(engine)
    assert _counters(engine) == {date(2025, 12, 1): 7, date(2025, 12, 2): 12}
    assert _intake(engine, DAY).code == "K202512010008"
    assert _intake(engine, DAY + timedelta(days=1)).code == "K2025120200013"


def test_the_upgrade_of_a_database_without_cases_seeds_nothing(engine):
    downgrade(engine, "0011")
    upgrade(engine)
    assert _counters(engine) == {}


#: collations of a PostgreSQL set up for Chinese or US English users (ICU or libc):
#: they sort ":" before the digits, so a range "up to K<day>:" finds nothing
LOCALE_COLLATIONS = ("zh-Hans-CN-x-icu", "zh_CN.utf8", "en-US-x-icu", "en_US.utf8")


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_numbers_continue_on_a_postgresql_with_a_locale_collation(engine):
    """A server initialised with a zh_CN locale compares codes by that collation: the
    imported codes of the day are still found, by the intake and by the upgrade."""
    with engine.connect() as conn:
        available = set(
            conn.scalars(
                text("SELECT collname FROM pg_collation WHERE collname = ANY(:names)"),
                {"names": list(LOCALE_COLLATIONS)},
            )
        )
    collation = next((c for c in LOCALE_COLLATIONS if c in available), None)
    assert collation is not None, f"the server has none of {LOCALE_COLLATIONS}"
    b = Builder(engine)
    b.household("H1")

    def collate(name: str) -> None:
        with engine.begin() as conn:
            conn.execute(
                text(f'ALTER TABLE cases ALTER COLUMN code TYPE VARCHAR(40) COLLATE "{name}"')
            )

    collate(collation)
    try:
        b.case("H1", DAY, code="K202512010007")
        with engine.connect() as conn:  # the trap: the day's code is not below "K20251201:"
            old_range = (Case.code >= "K202512010") & (Case.code < "K20251201:")
            assert conn.scalar(select(func.count()).select_from(Case).where(old_range)) == 0
        assert _intake(engine, DAY).code == "K202512010008"
        downgrade(engine, "0011")
        b.case("H1", DAY + timedelta(days=1), code="K202512020005")
        upgrade(engine)
        assert _counters(engine) == {date(2025, 12, 1): 8, date(2025, 12, 2): 5}
        assert _intake(engine, DAY + timedelta(days=1)).code == "K202512020006"
    finally:
        upgrade(engine)
        collate("default")


class _Deadlock(Exception):
    sqlstate = "40P01"


class _Other(Exception):
    sqlstate = "57P01"  # admin_shutdown: not retried, the fault is reported


def test_a_write_cancelled_by_a_deadlock_is_run_again():
    from sqlalchemy.exc import OperationalError

    calls: list[int] = []

    def deadlocked_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE cases", {}, _Deadlock())
        return "done"

    assert cs._with_retry(deadlocked_once) == "done" and len(calls) == 2

    def shut_down():
        calls.append(1)
        raise OperationalError("UPDATE cases", {}, _Other())

    calls.clear()
    with pytest.raises(OperationalError):
        cs._with_retry(shut_down)
    assert len(calls) == 1
