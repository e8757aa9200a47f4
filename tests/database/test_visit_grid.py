"""``visit.grid_id`` (migration 0002) always equals the visited household's grid:
bulk writers set it, the database fills it when a writer leaves it out and follows a
visit that changes household or a household that changes grid. The entry-lag KPI of
a grid reads it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from builders import Builder, at
from sqlalchemy import insert, select, update

from center.interchange import service as ix
from center.kpi.compute import compute_kpis
from db.engine import downgrade, make_engine, upgrade
from db.models import Grid, Household, Visit

T = at(2026, 11, 5, 9)


def grids_of_visits(engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Visit.code, Grid.code).join(Grid, Grid.id == Visit.grid_id, isouter=True)
        ).all()
    return {v: g for v, g in rows}


def lag_by_grid(engine) -> dict[str, float | None]:
    snap = compute_kpis(engine, "2026-10", "grid", T)
    return {u.code: u.kpis["entry_lag_hours"].value for u in snap.units}


def street(b: Builder) -> None:
    b.grid("G01")
    b.grid("G02")
    b.household("H1", "G01")
    b.household("H2", "G02")
    b.staff("S001", "G01")
    # H1: lags 2 h and 4 h; H2: 10 h (written without grid_id: the database fills it)
    b.visit("H1", at(2026, 10, 3, 9), recorded_at=at(2026, 10, 3, 11), code="V1")
    b.visit("H1", at(2026, 10, 4, 9), recorded_at=at(2026, 10, 4, 13), code="V2")
    b.visit("H2", at(2026, 10, 5, 9), recorded_at=at(2026, 10, 5, 19), code="V3")


def test_a_visit_written_without_its_grid_gets_the_households(engine):
    street(Builder(engine))
    assert grids_of_visits(engine) == {"V1": "G01", "V2": "G01", "V3": "G02"}
    assert lag_by_grid(engine) == {"G01": 3.0, "G02": 10.0}


def test_a_household_moving_grid_takes_its_visits_along(engine):
    b = Builder(engine)
    street(b)
    with engine.begin() as conn:
        conn.execute(
            update(Household).where(Household.code == "H2").values(grid_id=b.id("grid", "G01"))
        )
    assert grids_of_visits(engine) == {"V1": "G01", "V2": "G01", "V3": "G01"}
    assert lag_by_grid(engine) == {"G01": 4.0, "G02": None}


def test_a_visit_moved_to_another_household_follows_its_grid(engine):
    b = Builder(engine)
    street(b)
    with engine.begin() as conn:
        conn.execute(
            update(Visit).where(Visit.code == "V1").values(household_id=b.id("household", "H2"))
        )
        # a writer cannot set a grid other than the household's
        conn.execute(update(Visit).where(Visit.code == "V2").values(grid_id=b.id("grid", "G02")))
    assert grids_of_visits(engine) == {"V1": "G02", "V2": "G01", "V3": "G02"}


def test_imports_keep_visit_grids(ctx, tmp_path: Path):
    b = Builder(ctx.engine)
    street(b)
    visits = tmp_path / "visits.csv"
    visits.write_text(
        "visit_code,household_code,staff_code,visited_at,outcome,recorded_at\n"
        "V1,H2,S001,2026-10-03 09:00,met,2026-10-03 11:00\n"  # moved to H2
        "V9,H1,S001,2026-10-06 09:00,met,2026-10-06 10:00\n",  # new
        encoding="utf-8",
    )
    ix.import_file(ctx, "visits", visits)
    assert grids_of_visits(ctx.engine) == {"V1": "G02", "V2": "G01", "V3": "G02", "V9": "G01"}
    households = tmp_path / "households.csv"
    households.write_text(
        "household_code,grid_code,address\nH1,G02,H1号\nH2,G02,H2号\n", encoding="utf-8"
    )
    ix.import_file(ctx, "households", households)
    assert set(grids_of_visits(ctx.engine).values()) == {"G02"}


def test_the_migration_fills_the_grids_of_existing_visits(engine):
    street(Builder(engine))
    downgrade(engine, "0001")
    upgrade(engine)
    assert grids_of_visits(engine) == {"V1": "G01", "V2": "G01", "V3": "G02"}
    assert lag_by_grid(engine) == {"G01": 3.0, "G02": 10.0}


@pytest.mark.pg
@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_a_household_moved_while_a_visit_is_being_written_takes_it_along(engine, db_url):
    """PostgreSQL: the visit's transaction reads the household under a share lock, so
    a concurrent move of the household waits for it and then moves the new visit too."""
    b = Builder(engine)
    street(b)
    other = make_engine(db_url)
    moved: list[str] = []
    try:
        with engine.connect() as conn:
            tx = conn.begin()
            conn.execute(
                insert(Visit).values(
                    code="V4",
                    household_id=b.id("household", "H1"),
                    staff_id=b.id("staff", "S001"),
                    visited_at=at(2026, 10, 6, 9),
                    outcome="met",
                    recorded_at=at(2026, 10, 6, 9),
                    recorded_is_default=True,
                    lag_hours=0.0,
                )
            )

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
            assert moved == []  # the move waits for the visit's transaction
            tx.commit()
        worker.join(timeout=30)
        assert moved == ["done"]
    finally:
        other.dispose()
    assert grids_of_visits(engine) == {"V1": "G02", "V2": "G02", "V3": "G02", "V4": "G02"}
