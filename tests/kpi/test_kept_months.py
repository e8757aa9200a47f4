"""Kept month summaries (db.kpi_summary, migration 0014) never change a number.

Every figure is computed twice: as before (every month read again,
``center_kpi_keep=False``) and with finished months' counters kept between refreshes.
A month's summary is kept on the second refresh that wants it (the first gives it a
state row) and used from the third on, so each period is computed three times. Then
writes of every kind the triggers watch change a kept month, and the figures must
follow; a clock that passes after a summary was kept must be noticed without a write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from builders import Builder, at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text, update
from test_kpi_property import PERIODS, RawData, datasets, evaluation_instants, load

from center.kpi import compute as kpi
from center.kpi.derive import rebuild_household_months
from db.models import (
    Case,
    Grid,
    HolidayOverride,
    Household,
    HouseholdMonth,
    HouseholdQuarter,
    KpiMonthState,
    KpiMonthSummary,
    Visit,
)


def live(engine):
    return engine.execution_options(center_kpi_keep=False)


def figures(engine, period: str, t: datetime) -> dict[str, Any]:
    return {s: v.to_json_dict() for s, v in kpi.compute_all_scopes(engine, period, t).items()}


def trends(engine, t: datetime, months: int = 12) -> dict[str, Any]:
    return kpi.trend_all_scopes(engine, t, months=months)


def kept_rows(engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            (ym, part)
            for ym, part in conn.execute(
                select(KpiMonthSummary.ym, KpiMonthSummary.part).order_by(
                    KpiMonthSummary.ym, KpiMonthSummary.part
                )
            )
        ]


def version(engine, ym: int, part: str = "cases") -> int | None:
    column = KpiMonthState.cases_version if part == "cases" else KpiMonthState.visits_version
    with engine.connect() as conn:
        return conn.scalar(select(column).where(KpiMonthState.ym == ym))


def same_three_times(engine, compute: Callable[[Any], Any]) -> Any:
    want = compute(live(engine))
    for i in range(3):
        assert compute(engine) == want, f"refresh {i + 1}"
    return want


# ---------------------------------------------------------------------------
# Random streets: kept == recomputed, for every period kind, several instants


def test_kept_months_equal_recomputing_on_random_data(engine):
    pg = engine.dialect.name == "postgresql"

    @settings(
        max_examples=3 if pg else 15,
        derandomize=pg,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None if pg else settings.default.database,
    )
    @given(
        data=datasets(),
        instants=st.lists(evaluation_instants, min_size=2, max_size=3),
        periods=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=3),
    )
    def run(data: RawData, instants: list[datetime], periods: list[kpi.Period]) -> None:
        load(engine, data)
        for t in [*instants, at(2027, 6, 1)]:
            for p in periods:
                same_three_times(engine, lambda e, p=p, t=t: figures(e, p.label, t))
            same_three_times(engine, lambda e, t=t: trends(e, t, months=8))

    run()
    # the last instant is after every month of the data: they were kept
    assert kept_rows(engine)


# ---------------------------------------------------------------------------
# A fixed street, kept months in use, then writes of every kind

T = at(2027, 3, 10, 12)
CHECKED = ("2026-08", "2026-09", "2026Q3", "2026Q4", "2026", "2027Q1", "2027")


@pytest.fixture
def street(engine) -> Builder:
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C01")
    b.grid("G03", community="C02")
    b.household("H1", "G01", special_groups="solo_elderly")
    b.household("H2", "G02")
    b.household("H3", "G03", special_groups="disabled")
    rows = []
    for month in (8, 9, 10, 11, 12):
        for day, hh in ((3, "H1"), (17, "H1"), (9, "H2"), (5, "H3")):
            rows.append(
                {
                    "household": hh,
                    "visited_at": at(2026, month, day, 9),
                    "recorded_at": at(2026, month, day, 9 + month - 6, 30),
                }
            )
    b.visits(rows)
    # assigned an hour after its transfer limit: a holiday in between makes it on time
    late = b.calendar().transfer_deadline(date(2026, 8, 4)) + timedelta(hours=1)
    b.cases(
        [
            {
                "code": "A3",
                "household": "H1",
                "received_at": at(2026, 8, 4, 10),
                "dept": "D01",
                "assigned_at": late,
                "priority": "3wd",
            },
            {
                "code": "A1",
                "household": "H1",
                "received_at": at(2026, 8, 4, 10),
                "first_response_at": at(2026, 8, 4, 12),
                "dept": "D01",
                "assigned_at": at(2026, 8, 4, 13),
                "accepted_at": at(2026, 8, 4, 14),
                "closed_at": at(2026, 8, 20, 10),
                "satisfaction": 5,
                "source": "visit",
                "priority": "3wd",
            },
            {
                "code": "A2",
                "household": "H2",
                "received_at": at(2026, 8, 28, 10),
                "first_response_at": at(2026, 8, 30, 12),
                "dept": "D02",
                "assigned_at": at(2026, 8, 29, 13),
                "closed_at": at(2026, 9, 30, 10),
                "satisfaction": 2,
            },
            {
                "code": "S1",
                "household": "H3",
                "received_at": at(2026, 9, 12, 10),
                "on_the_spot": True,
                "source": "visit",
                "satisfaction": 4,
                "priority": "immediate",
            },
            {
                "code": "O1",
                "household": "H3",
                "received_at": at(2026, 10, 12, 10),
                "first_response_at": at(2026, 10, 12, 10, 20),
                "priority": "immediate",
            },
        ]
    )
    return b


def check_all(engine) -> dict[str, Any]:
    out = {p: same_three_times(engine, lambda e, p=p: figures(e, p, T)) for p in CHECKED}
    out["trend"] = same_three_times(engine, lambda e: trends(e, T))
    return out


def test_kept_months_are_used_and_follow_every_kind_of_write(engine, street):
    before = check_all(engine)
    rows = kept_rows(engine)
    for ym in range(202608, 202613):
        assert (ym, "cases") in rows and (ym, "visits") in rows and (ym, "lags") in rows
    # the households failing each ended quarter of 2026 (no visit before August: all of
    # them in the first two), and of 2027Q1 none yet (March is running)
    assert {ym for ym, part in rows if part == "qfail"} == {202603, 202606, 202609, 202612}
    fails: list[dict[int, Any]] = []
    original_cadence = kpi.q.coverage_by_grid

    def cadence_spy(conn, **kw):
        fails.append({yq: list(ids) for yq, ids in (kw.get("quarter_fails") or {}).items()})
        return original_cadence(conn, **kw)

    kpi.q.coverage_by_grid = cadence_spy
    try:
        figures(engine, "2026", T)
    finally:
        kpi.q.coverage_by_grid = original_cadence
    ids = household_ids(engine)
    # H1 (special) has two visits a month from August, H2 one a month, H3 (special) one
    assert fails == [
        {
            20261: sorted(ids.values()),
            20262: sorted(ids.values()),
            20263: sorted([ids["H1"], ids["H3"]]),  # H1 had no July visits
            20264: [ids["H3"]],
        }
    ]
    # a finished month is read from its summary: the statements start after it
    seen: list[datetime] = []
    original = kpi.q.closed_by_grid_dept

    def spy(conn, *, start, end, as_of, by_month=False):
        seen.append(start)
        return original(conn, start=start, end=end, as_of=as_of, by_month=by_month)

    kpi.q.closed_by_grid_dept = spy
    try:
        figures(engine, "2026", T)
        assert seen == []  # every month of 2026 from its summary: nothing to read
        figures(engine, "2027Q1", T)
        assert seen == [at(2027, 3, 1)]  # January and February kept: March is read
    finally:
        kpi.q.closed_by_grid_dept = original

    writes: list[tuple[str, Callable[[], None]]] = []

    def sql(statement: Any) -> Callable[[], None]:
        def run() -> None:
            with engine.begin() as conn:
                conn.execute(statement)

        return run

    writes += [
        (
            "a case closed later (closed month moves)",
            sql(
                update(Case)
                .where(Case.code == "A1")
                .values(closed_at=at(2026, 9, 2, 10), eff_closed_at=at(2026, 9, 2, 10))
            ),
        ),
        ("a rating", sql(update(Case).where(Case.code == "A2").values(satisfaction=5))),
        (
            "a new case reopening an August case",
            lambda: street.case("H1", at(2027, 1, 5, 9), reopened_from="A1", code="R1"),
        ),
        ("a visit in September", lambda: street.visit("H2", at(2026, 9, 25, 9))),
        (
            "a household becomes special",
            sql(
                update(Household)
                .where(Household.code == "H2")
                .values(special_groups="low_income", is_special=True)
            ),
        ),
        (
            "a household moves out",
            sql(
                update(Household)
                .where(Household.code == "H3")
                .values(moved_out_on=date(2026, 9, 1))
            ),
        ),
        (
            "a grid changes community",
            sql(
                update(Grid)
                .where(Grid.code == "G03")
                .values(
                    community_id=select(Grid.community_id)
                    .where(Grid.code == "G01")
                    .scalar_subquery()
                )
            ),
        ),
        (
            "a holiday override",
            sql(insert(HolidayOverride).values(day=date(2026, 8, 5), kind="holiday", name="x")),
        ),
        ("a case deleted", sql(text("DELETE FROM cases WHERE code = 'S1'"))),
        ("a new household, never visited", lambda: street.household("H4", "G01")),
    ]
    previous = before
    for label, write in writes:
        write()
        now = check_all(engine)
        assert now != previous, f"{label}: the write changed no figure (the test proves nothing)"
        previous = now


def test_a_household_above_every_failing_id_meets_its_kept_quarters(engine):
    """The kept failing households go as one byte per id up to the largest failing
    one: a household with a higher id (here the last one, which meets every quarter)
    lies past the bytes and meets the kept quarters. PostgreSQL's get_byte must not
    read past them (it raises there)."""
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.household("H1", "G01")  # never visited: fails every quarter
    b.household("H2", "G01")
    b.household("H3", "G01", special_groups="solo_elderly")
    for month in range(1, 13):
        b.visit("H2", at(2026, month, 10, 9))
        for day in (3, 17):
            b.visit("H3", at(2026, month, day, 9))
    t = at(2027, 1, 10, 12)
    want = same_three_times(engine, lambda e: figures(e, "2026", t))
    ids = household_ids(engine)
    assert max(ids.values()) == ids["H3"]
    with engine.connect() as conn:
        kept = {
            ym
            for (ym,) in conn.execute(
                select(KpiMonthSummary.ym).where(KpiMonthSummary.part == "qfail")
            )
        }
    assert kept == {202603, 202606, 202609, 202612}
    street = want["street"]["units"][0]["kpis"]
    assert (street["coverage"]["numerator"], street["coverage"]["denominator"]) == (2, 3)
    assert (street["special_care"]["numerator"], street["special_care"]["denominator"]) == (1, 1)


def household_ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {code: id_ for code, id_ in conn.execute(select(Household.code, Household.id))}


def test_an_unrelated_update_keeps_the_months(engine, street):
    check_all(engine)
    v = version(engine, 202608)
    with engine.begin() as conn:
        conn.execute(update(Case).where(Case.code == "A1").values(summary="加装扶手"))
        conn.execute(update(Household).where(Household.code == "H1").values(notes="独居"))
    assert version(engine, 202608) == v
    with engine.begin() as conn:
        conn.execute(update(Case).where(Case.code == "A1").values(satisfaction=3))
    assert version(engine, 202608) > v


def one_visit(engine, street: Builder, code: str, visited: datetime) -> int:
    """A met-visit of H1 written as the workstation writes one (only the household
    months it changes are rewritten); returns H1's id."""
    h1 = street.id("household", "H1")
    with engine.begin() as conn:
        conn.execute(
            insert(Visit).values(
                code=code,
                household_id=h1,
                staff_id=street.staff(),
                visited_at=visited,
                outcome="met",
                recorded_at=visited + timedelta(hours=1),
                lag_hours=1.0,
            )
        )
        rebuild_household_months(conn, [h1], only_changes=True)
    return h1


def test_the_triggers_bump_the_months_a_row_counts_in(engine, street):
    months = (202607, 202608, 202609, 202610)
    with engine.begin() as conn:
        for ym in (0, *months):
            conn.execute(insert(KpiMonthState).values(ym=ym, cases_version=0, visits_version=0))

    def cases() -> list[int | None]:
        return [version(engine, ym, "cases") for ym in months]

    def visits() -> list[int | None]:
        return [version(engine, ym, "visits") for ym in months]

    street.household("H4", "G01")  # a new household counts in every month's cadence
    assert (version(engine, 0, "cases"), version(engine, 0, "visits")) == (0, 1)
    street.case("H4", at(2026, 8, 10, 9), closed_at=at(2026, 10, 3, 9), code="B1")
    july, aug, sep, oct_ = cases()
    assert (july, sep) == (0, 0) and aug >= 1 and oct_ >= 1  # received, closed
    assert visits() == [0, 0, 0, 0]
    before = cases()
    # one visit, written as the workstation writes it: its month, and the rest of its
    # quarter (the ordinary cadence counts the quarter to date); not October
    one_visit(engine, street, "V-one", at(2026, 7, 20, 9))
    july, aug, sep, oct_ = visits()
    assert july >= 2 and aug >= 1 and sep >= 1 and oct_ == 0
    assert cases() == before
    street.holiday(date(2026, 10, 8), "workday")
    assert (version(engine, 0, "cases"), version(engine, 0, "visits")) == (1, 1)
    with engine.begin() as conn:
        conn.execute(update(Household).where(Household.code == "H1").values(address="新地址"))
    assert (version(engine, 0, "cases"), version(engine, 0, "visits")) == (1, 1)


def test_one_visit_rewrites_only_the_household_months_it_changes(engine, street):
    """The workstation's rebuild after one visit equals a full rebuild, row for row."""
    h1 = one_visit(engine, street, "V-two", at(2026, 9, 1, 8))

    def tables() -> tuple[list[Any], list[Any]]:
        with engine.connect() as conn:
            return (
                conn.execute(
                    select(HouseholdMonth).order_by(HouseholdMonth.household_id, HouseholdMonth.ym)
                ).all(),
                conn.execute(
                    select(HouseholdQuarter).order_by(
                        HouseholdQuarter.household_id, HouseholdQuarter.yq
                    )
                ).all(),
            )

    incremental = tables()
    with engine.begin() as conn:
        rebuild_household_months(conn, None)
    assert tables() == incremental
    september = [r for r in incremental[0] if r.household_id == h1 and r.ym == 202609]
    assert september[0].first_met_at == at(2026, 9, 1, 8)


def test_a_clock_that_passes_after_keeping_is_noticed_without_a_write(engine):
    b = Builder(engine)
    b.household("H1", "G01")
    # received on 28 September, never closed: its deadline falls in October
    b.case("H1", at(2026, 9, 28, 10), first_response_at=at(2026, 9, 28, 11), code="W1")
    deadline = b.calendar().closure_deadline(date(2026, 9, 28))[0]
    early, late = at(2026, 10, 2, 12), deadline
    first = same_three_times(engine, lambda e: figures(e, "2026-09", early))
    assert (202609, "cases") in kept_rows(engine)
    with engine.connect() as conn:
        until = conn.scalar(
            select(KpiMonthSummary.valid_until).where(
                KpiMonthSummary.ym == 202609, KpiMonthSummary.part == "cases"
            )
        )
    assert until == deadline
    second = same_three_times(engine, lambda e: figures(e, "2026-09", late))
    closure = lambda f: f["street"]["units"][0]["kpis"]["closure_15wd"]  # noqa: E731
    assert closure(first)["denominator"] == 0 and closure(second)["denominator"] == 1


def test_keeping_can_be_switched_off(engine, street):
    figures(live(engine), "2026Q3", T)
    figures(live(engine), "2026Q3", T)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(KpiMonthState)) == 0
    assert kept_rows(engine) == []


def test_a_database_that_may_not_be_written_computes_as_before(tmp_path):
    """A read-only database (here a SQLite file opened read-only; on a shared server
    the wall's role) cannot keep months: the refresh computes as before, and stops
    trying after the first refusal."""
    from db import kpi_summary as ks
    from db.engine import make_engine, upgrade

    path = tmp_path / "ro.sqlite3"
    writable = make_engine(f"sqlite:///{path}")
    upgrade(writable)
    b = Builder(writable)
    b.household("H1", "G01", special_groups="solo_elderly")
    b.visit("H1", at(2026, 8, 3, 9))
    b.case("H1", at(2026, 8, 4, 10), first_response_at=at(2026, 8, 4, 11))
    want = figures(live(writable), "2026Q3", T)
    with writable.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    writable.dispose()
    readonly = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        for _ in range(3):
            assert figures(readonly, "2026Q3", T) == want
        assert ks._key(readonly) in ks._REFUSED
    finally:
        ks._REFUSED.discard(ks._key(readonly))
        readonly.dispose()
