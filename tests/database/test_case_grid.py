"""``cases.grid_id`` and ``cases.response_micros`` (migration 0003).

The grid always equals the case's household's grid: bulk writers set it, the
database fills it when a writer leaves it out and follows a case that changes
household or a household that changes grid; the case KPIs of a grid read it. The
response time in microseconds is derived on write by every writer (workstation,
import) and by the migration for the cases that existed before it."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from builders import Builder, at
from sqlalchemy import insert, select, update

from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest
from center.core.access import Actor
from center.interchange import service as ix
from center.kpi.compute import compute_kpis
from db.engine import downgrade, make_engine, upgrade
from db.models import Case, Grid, Household

T = at(2026, 11, 5, 9)
COORD = Actor("alice", "coordinator")


def grids_of_cases(engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Case.code, Grid.code).join(Grid, Grid.id == Case.grid_id, isouter=True)
        ).all()
    return {c: g for c, g in rows}


def micros_of_cases(engine) -> dict[str, int | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Case.code, Case.response_micros)).all())


def received_by_grid(engine) -> dict[str, tuple[int | None, float | None]]:
    """Grid code -> (cases received in 2026-10, average response hours)."""
    snap = compute_kpis(engine, "2026-10", "grid", T)
    return {
        u.code: (u.kpis["repeat_rate"].denominator, u.kpis["avg_response_hours"].value)
        for u in snap.units
    }


def street(b: Builder) -> None:
    b.grid("G01")
    b.grid("G02")
    b.household("H1", "G01")
    b.household("H2", "G02")
    # written without grid_id: the database fills it
    b.case("H1", at(2026, 10, 3, 9), code="K1", first_response_at=at(2026, 10, 3, 11))
    b.case(
        "H1",
        at(2026, 10, 4, 9),
        code="K2",
        first_response_at=at(2026, 10, 4, 13, 0, 0, 250_000),
    )
    b.case("H2", at(2026, 10, 5, 9), code="K3")  # not responded


def test_a_case_written_without_its_grid_gets_the_households(engine):
    street(Builder(engine))
    assert grids_of_cases(engine) == {"K1": "G01", "K2": "G01", "K3": "G02"}
    assert micros_of_cases(engine) == {"K1": 7_200_000_000, "K2": 14_400_250_000, "K3": None}
    # (2 h + 4 h 0.25 s) / 2 = 3 h 0.125 s
    assert received_by_grid(engine) == {
        "G01": (2, 3 + 0.125 / 3600),
        "G02": (1, None),
    }


def test_a_household_moving_grid_takes_its_cases_along(engine):
    b = Builder(engine)
    street(b)
    with engine.begin() as conn:
        conn.execute(
            update(Household).where(Household.code == "H2").values(grid_id=b.id("grid", "G01"))
        )
    assert grids_of_cases(engine) == {"K1": "G01", "K2": "G01", "K3": "G01"}
    assert received_by_grid(engine)["G01"][0] == 3
    assert received_by_grid(engine)["G02"] == (0, None)


def test_a_case_moved_to_another_household_follows_its_grid(engine):
    b = Builder(engine)
    street(b)
    with engine.begin() as conn:
        conn.execute(
            update(Case).where(Case.code == "K1").values(household_id=b.id("household", "H2"))
        )
        # a writer cannot set a grid other than the household's
        conn.execute(update(Case).where(Case.code == "K2").values(grid_id=b.id("grid", "G02")))
    assert grids_of_cases(engine) == {"K1": "G02", "K2": "G01", "K3": "G02"}


def test_workstation_cases_get_their_grid_and_response_time(engine):
    b = Builder(engine)
    street(b)
    received = at(2026, 10, 6, 9)
    new = cs.intake(engine, COORD, IntakeRequest("H2", "hotline", "L01", received_at=received)).code
    assert grids_of_cases(engine)[new] == "G02"
    assert micros_of_cases(engine)[new] is None
    ch = cs.respond(engine, COORD, new, 1, at=received + timedelta(minutes=90, microseconds=7))
    assert micros_of_cases(engine)[new] == 90 * 60 * 1_000_000 + 7
    spot = cs.intake(
        engine,
        COORD,
        IntakeRequest("H1", "visit", "P01", received_at=received, on_the_spot=True),
    ).code
    assert (grids_of_cases(engine)[spot], micros_of_cases(engine)[spot]) == ("G01", 0)
    assert ch.version == 2


CASE_HEADER = (
    "case_code,household_code,source,subcategory_code,priority,received_at,first_response_at,"
    "dept_code,assigned_at,accepted_at,closed_at,on_the_spot,satisfaction,reopened_from,"
    "escalated,summary\n"
)


def test_imports_keep_case_grids_and_derive_response_times(ctx, tmp_path: Path):
    b = Builder(ctx.engine)
    street(b)
    cases = tmp_path / "cases.csv"
    cases.write_text(
        CASE_HEADER
        # K1 moved to H2 and answered later; K9 new
        + "K1,H2,online,L01,,2026-10-03 09:00,2026-10-03 09:30:00.5,,,,,,,,,\n"
        + "K9,H1,hotline,L01,,2026-10-07 09:00,2026-10-08 09:00,,,,,,,,,\n",
        encoding="utf-8",
    )
    if ctx.engine.dialect.name == "sqlite":
        # the import sets the grids itself (the trigger would fill them row by row)
        with ctx.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER case_grid_on_insert")
    ix.import_file(ctx, "cases", cases)
    assert grids_of_cases(ctx.engine) == {"K1": "G02", "K2": "G01", "K3": "G02", "K9": "G01"}
    micros = micros_of_cases(ctx.engine)
    assert (micros["K1"], micros["K9"]) == (1_800_500_000, 86_400_000_000)
    households = tmp_path / "households.csv"
    households.write_text(
        "household_code,grid_code,address\nH1,G02,H1号\nH2,G02,H2号\n", encoding="utf-8"
    )
    ix.import_file(ctx, "households", households)
    assert set(grids_of_cases(ctx.engine).values()) == {"G02"}


def test_the_migration_fills_grids_and_response_times_of_existing_cases(engine):
    b = Builder(engine)
    street(b)
    # the response's fraction of a second is smaller than the receipt's: 1 h - 0.5 s
    b.case(
        "H2",
        at(2026, 10, 9, 9, 0, 0, 750_000),
        code="K4",
        first_response_at=at(2026, 10, 9, 10, 0, 0, 250_000),
    )
    downgrade(engine, "0002")
    upgrade(engine)
    assert grids_of_cases(engine) == {"K1": "G01", "K2": "G01", "K3": "G02", "K4": "G02"}
    assert micros_of_cases(engine) == {
        "K1": 7_200_000_000,
        "K2": 14_400_250_000,
        "K3": None,
        "K4": 3_599_500_000,
    }
    assert received_by_grid(engine)["G01"] == (2, 3 + 0.125 / 3600)


@pytest.mark.pg
@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_a_household_moved_while_a_case_is_being_written_takes_it_along(engine, db_url):
    """PostgreSQL: the case's insert reads the household under a share lock, so a
    concurrent move of the household waits for it and then moves the new case too."""
    b = Builder(engine)
    street(b)
    row = {
        "code": "K4", "household_id": b.id("household", "H1"), "source": "online",
        "subcategory_id": b.id("subcategory", "L01"), "priority": "24h",
        "received_at": at(2026, 10, 6, 9), "response_due_at": at(2026, 10, 7, 9),
        "deadline_at": at(2026, 10, 31), "status": "received",
    }  # fmt: skip
    other = make_engine(db_url)
    moved: list[str] = []
    try:
        with engine.connect() as conn:
            tx = conn.begin()
            conn.execute(insert(Case).values(**row))

            def move() -> None:
                with other.begin() as c2:
                    c2.execute(
                        update(Household)
                        .where(Household.code == "H1")
                        .values(grid_id=b.id("grid", "G02"))
                    )
                moved.append("done")

            worker = threading.Thread(target=move)
            worker.start()
            worker.join(timeout=0.5)
            assert moved == []  # the move waits for the case's transaction
            tx.commit()
        worker.join(timeout=30)
        assert moved == ["done"]
    finally:
        other.dispose()
    assert grids_of_cases(engine) == {"K1": "G02", "K2": "G02", "K3": "G02", "K4": "G02"}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_downgrade_below_0003_on_an_old_sqlite_is_refused_before_changing_cases(
    engine, monkeypatch
):
    """Dropping the two columns needs SQLite 3.35.5 (ALTER TABLE DROP COLUMN); an older
    library is refused with the reason, and ``cases`` keeps its columns and data."""
    import sqlite3

    from db.engine import current_revision

    street(Builder(engine))
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.34.1")
    with pytest.raises(
        RuntimeError, match=r"needs SQLite 3\.35\.5 or newer \(this Python has 3\.34\.1\)"
    ):
        downgrade(engine, "0002")
    # 0011 (household columns) is the first step down that drops a column: nothing moved
    assert current_revision(engine) == "0011"
    assert grids_of_cases(engine) == {"K1": "G01", "K2": "G01", "K3": "G02"}
    assert micros_of_cases(engine)["K2"] == 14_400_250_000
    monkeypatch.undo()
    upgrade(engine)
    assert received_by_grid(engine)["G01"] == (2, 3 + 0.125 / 3600)
