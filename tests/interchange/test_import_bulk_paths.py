"""The fast paths of an import give exactly what the careful ones give (issue 19).

* The household months (and quarters) after a visits import equal a full rebuild from
  the stored visits, whether the import touched most households (one statement over
  the whole month range) or a few (a look-up per chunk of households), and the months
  of households the file does not touch stay as they were.
* The values reach the database unchanged through the bulk writers (PostgreSQL: COPY):
  text with tabs, backslashes, line breaks and ``\\N``; instants with microseconds and
  other offsets.
* The fast paths of the cases' flag and rating columns read what the careful parsers
  read, and a value only the careful parser knows still imports.
"""

from __future__ import annotations

import struct
import zipfile
from typing import Any

import pytest
from sqlalchemy import select
from test_interchange import (
    _household_months,
    _household_quarters,
    at,
    put,
    seed_base,
)

from center.core import clock
from center.interchange import files
from center.interchange import service as ix
from center.interchange import visits as visits_kind
from center.kpi.derive import rebuild_household_months
from db.models import Case, Visit

HEADER = "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\n"
HOUSEHOLD_CODES = [f"H{n}" for n in range(1, 13)]


@pytest.fixture
def base(ctx: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(clock, "now", lambda: at(2026, 12, 7, 10))
    seed_base(ctx, tmp_path)  # H1-H3
    more = "household_code,grid_code,address\n" + "".join(
        f"{code},G0{1 + n % 3},{n}号楼\n" for n, code in enumerate(HOUSEHOLD_CODES[3:], start=3)
    )
    ix.import_file(ctx, "households", put(tmp_path, "more_households.csv", more))
    return ctx


def rows_for(households: list[str]) -> list[str]:
    """Four visits per household over three months of two quarters: two met-visits at
    the same instant (the month's first and second are then equal), one met-visit in
    September, one not_home in October."""
    plan = (
        ("2026-08-03 09:00", "met"),
        ("2026-08-03 09:00", "met"),
        ("2026-09-20 09:02", "met"),
        ("2026-10-02 09:03", "not_home"),
    )
    out = []
    for h, hh in enumerate(households):
        for k, (when, outcome) in enumerate(plan):
            out.append(f"V{4 * h + k:04d},{hh},S{1 + k % 2},{when},{outcome},,\n")
    return out


def derived(ctx: Any) -> tuple[Any, Any]:
    with ctx.engine.begin() as c:
        return _household_months(c), _household_quarters(c)


def rebuilt(ctx: Any) -> tuple[Any, Any]:
    """The household months and quarters of a full rebuild (rolled back)."""
    with ctx.engine.connect() as c:
        tx = c.begin()
        rebuild_household_months(c, None)
        out = _household_months(c), _household_quarters(c)
        tx.rollback()
    return out


@pytest.mark.parametrize("hm_chunk", [500, 1])
def test_household_months_of_a_wide_and_a_narrow_import_equal_a_rebuild(
    base, tmp_path, monkeypatch, hm_chunk
):
    monkeypatch.setattr(visits_kind, "HM_CHUNK", hm_chunk)
    rows = rows_for(HOUSEHOLD_CODES)
    first = ix.import_file(base, "visits", put(tmp_path, "v1.csv", HEADER + "".join(rows)))
    assert (first.inserted, first.updated) == (48, 0)
    months, quarters = derived(base)
    assert months[("H5", 202608)] == (at(2026, 8, 3, 9), at(2026, 8, 3, 9))
    assert months[("H5", 202609)] == (at(2026, 9, 20, 9, 2), None)
    assert ("H5", 202610) not in months  # not_home
    assert (months, quarters) == rebuilt(base)

    # a narrow import (2 of 12 households): H5's September visit moves to November,
    # H7 gets a new met-visit in October; every other household keeps its rows
    i = 4 * HOUSEHOLD_CODES.index("H5") + 2
    rows[i] = rows[i].replace("2026-09-20", "2026-11-05")
    extra = "V9000,H7,S1,2026-10-09 08:00,met,2026-10-09 18:30,\n"
    second = ix.import_file(base, "visits", put(tmp_path, "v2.csv", HEADER + "".join(rows) + extra))
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 47)
    after_months, after_quarters = derived(base)
    assert ("H5", 202609) not in after_months
    assert after_months[("H5", 202611)] == (at(2026, 11, 5, 9, 2), None)
    assert after_months[("H7", 202610)] == (at(2026, 10, 9, 8), None)
    untouched = [k for k in months if k[0] not in ("H5", "H7")]
    assert {k: after_months[k] for k in untouched} == {k: months[k] for k in untouched}
    assert (after_months, after_quarters) == rebuilt(base)


def test_values_reach_the_database_unchanged(base, tmp_path):
    notes = {
        "V1": "tab\there",
        "V2": "back\\slash and \\N and \\t",
        "V3": "line\nbreak\r\nand return",
        "V4": '"quoted", with comma',
        "V5": "\\N",
    }
    body = HEADER + (
        'V1,H1,S1,2026-09-01 08:00:00.123456,met,,"tab\there"\n'
        'V2,H2,S2,2026-09-01T00:30:00Z,met,2026-09-01T09:45:00+09:00,"back\\slash and '
        '\\N and \\t"\n'
        'V3,H3,S1,2026/09/02 07:05,not_home,,"line\nbreak\r\nand return"\n'
        'V4,H4,S2,2026-09-03T23:59:59.999999+08:00,refused,,"""quoted"", with comma"\n'
        "V5,H5,S1,2026-09-04 00:00,met,,\\N\n"
        "V6,H6,S2,2026-09-05 10:00,met,,\n"
    )
    result = ix.import_file(base, "visits", put(tmp_path, "values.csv", body))
    assert result.inserted == 6
    with base.engine.connect() as c:
        stored = {
            code: (visited, recorded, note, lag, default)
            for code, visited, recorded, note, lag, default in c.execute(
                select(
                    Visit.code,
                    Visit.visited_at,
                    Visit.recorded_at,
                    Visit.notes,
                    Visit.lag_hours,
                    Visit.recorded_is_default,
                )
            )
        }
    assert {code: v[2] for code, v in stored.items() if v[2] is not None} == notes
    assert stored["V6"][2] is None
    assert stored["V1"][:2] == (at(2026, 9, 1, 8).replace(microsecond=123456),) * 2
    assert stored["V2"][:2] == (at(2026, 9, 1, 8, 30), at(2026, 9, 1, 8, 45))
    assert stored["V2"][3:] == (0.25, False)
    assert stored["V3"][0] == at(2026, 9, 2, 7, 5)
    assert stored["V4"][0] == at(2026, 9, 3, 23, 59, 59).replace(microsecond=999999)
    assert stored["V5"][3:] == (0.0, True)
    # what was written reads back as unchanged
    again = ix.import_file(base, "visits", put(tmp_path, "values.csv", body))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


CASES_HEADER = (
    "case_code,household_code,source,subcategory_code,received_at,on_the_spot,"
    "satisfaction,escalated,closed_at\n"
)


def test_case_flags_and_ratings_fast_and_careful(base, tmp_path):
    with base.engine.connect() as c:
        from db.models import Subcategory

        sub = c.scalar(select(Subcategory.code).order_by(Subcategory.code).limit(1))
    fast = CASES_HEADER + "".join(
        f"K{n},H1,online,{sub},2026-09-0{n} 08:00,{spot},{rating},{esc},2026-09-0{n} 18:00\n"
        for n, spot, rating, esc in (
            (1, "1", "5", "0"),
            (2, "是", "1", "否"),
            (3, "", "", "yes"),
            (4, "false", "3", ""),
        )
    )
    careful = CASES_HEADER + "".join(
        f"K{n},H2,online,{sub},2026-09-0{n} 08:00,{spot},{rating},{esc},2026-09-0{n} 18:00\n"
        for n, spot, rating, esc in (
            (5, "TRUE", "4.0", "No"),
            (6, "Yes", "+2", "1"),
        )
    )
    ix.import_file(base, "cases", put(tmp_path, "fast.csv", fast))
    ix.import_file(base, "cases", put(tmp_path, "careful.csv", careful))
    with base.engine.connect() as c:
        got = {
            code: (spot, spot_given, rating, esc, esc_given)
            for code, spot, spot_given, rating, esc, esc_given in c.execute(
                select(
                    Case.code,
                    Case.on_the_spot,
                    Case.on_the_spot_given,
                    Case.satisfaction,
                    Case.escalated,
                    Case.escalated_given,
                )
            )
        }
    assert got == {
        "K1": (True, True, 5, False, True),
        "K2": (True, True, 1, False, True),
        "K3": (False, False, None, True, True),
        "K4": (False, True, 3, False, False),
        "K5": (True, True, 4, False, True),
        "K6": (True, True, 2, True, True),
    }
    bad = CASES_HEADER + f"K7,H3,online,{sub},2026-09-07 08:00,maybe,6,2,2026-09-07 18:00\n"
    with pytest.raises(ix.ImportRejected) as err:
        ix.import_file(base, "cases", put(tmp_path, "bad.csv", bad))
    assert [p.split(": ", 1)[1] for p in err.value.problems] == [
        "on_the_spot: not a boolean (use 1/0, true/false, yes/no or 是/否)",
        "satisfaction: must be an integer from 1 to 5",
        "escalated: not a boolean (use 1/0, true/false, yes/no or 是/否)",
    ]


def test_a_workbook_whose_sheet_data_is_damaged_is_refused(ctx, tmp_path):
    """A sheet whose compressed data is broken fails only when its rows are read (a
    zlib error, not a zip error): refused like any unreadable workbook."""
    path = tmp_path / "staff.xlsx"
    files.write_table(
        path,
        ["staff_code", "name", "role"],
        [[f"S{n}", "名字", "volunteer"] for n in range(200)],
        title="staff",
    )
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    data[start + 4 : start + 40] = b"\xff" * 36
    path.write_bytes(bytes(data))
    with pytest.raises(ix.ImportRejected) as err:
        ix.import_file(ctx, "staff", path)
    assert err.value.problems[0].startswith(f"{path}:1: xlsx: not a readable XLSX workbook (")


def _triggers(engine: Any) -> list[tuple[str, str]]:
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as c:
        return [
            tuple(r)
            for r in c.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'visit' ORDER BY name"
            )
        ]


def test_a_fill_trigger_set_aside_still_fills_the_rows(base):
    """Rows inserted while visit.grid_id's fill trigger is set aside get the grid the
    trigger gives (those that left it empty), a row that brings one keeps it, and the
    triggers are as before afterwards; an error leaves the trigger in place."""
    from sqlalchemy import insert

    from center.interchange.base import fill_triggers_aside, table_of
    from db.models import Grid, Household, Staff

    triggers = _triggers(base.engine)
    assert base.engine.dialect.name != "sqlite" or any(
        name == "visit_grid_on_insert" for name, _ in triggers
    )
    with base.engine.connect() as c:
        hh = {code: i for code, i in c.execute(select(Household.code, Household.id))}
        grid_of = {code: g for code, g in c.execute(select(Household.code, Household.grid_id))}
        grids = list(c.execute(select(Grid.id).order_by(Grid.id)).scalars())
        staff = c.execute(select(Staff.id).limit(1)).scalar_one()

    def row(code: str, household: str, grid: int | None) -> dict[str, Any]:
        t = at(2026, 10, 5, 9)
        return {
            "code": code,
            "household_id": hh[household],
            "staff_id": staff,
            "visited_at": t,
            "outcome": "met",
            "recorded_at": t,
            "recorded_is_default": True,
            "lag_hours": 0.0,
            "notes": None,
            "grid_id": grid,
        }

    other = next(g for g in grids if g != grid_of["H1"])
    with base.engine.begin() as c, fill_triggers_aside(c, table_of(Visit)):
        if c.dialect.name == "sqlite":  # set aside for the insert
            assert "visit_grid_on_insert" not in [name for name, _ in _triggers_of(c)]
        c.execute(insert(Visit), [row("F1", "H1", None), row("F2", "H2", None)])
        c.execute(insert(Visit), [row("F3", "H1", other)])
    with base.engine.connect() as c:
        stored = {code: g for code, g in c.execute(select(Visit.code, Visit.grid_id))}
    assert stored == {"F1": grid_of["H1"], "F2": grid_of["H2"], "F3": other}
    assert _triggers(base.engine) == triggers

    with pytest.raises(RuntimeError):
        with base.engine.begin() as c, fill_triggers_aside(c, table_of(Visit)):
            c.execute(insert(Visit), [row("F4", "H1", None)])
            raise RuntimeError("stop")
    assert _triggers(base.engine) == triggers
    with base.engine.begin() as c:  # the trigger fills a row inserted as usual
        c.execute(insert(Visit), [row("F5", "H3", None)])
        assert c.scalar(select(Visit.grid_id).where(Visit.code == "F5")) == grid_of["H3"]


def _triggers_of(conn: Any) -> list[tuple[str, str]]:
    return [
        tuple(r)
        for r in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visit'"
        )
    ]


def test_lag_hours_of_an_import_are_those_of_visit_lag_hours(base, tmp_path):
    """The import computes the entry lag inline: the very float of visit_lag_hours."""
    from center.kpi.derive import visit_lag_hours

    body = HEADER + "".join(
        f"L{i},H{1 + i % 3},S1,2026-10-{1 + i:02d} 08:{i:02d}:07,met,"
        f"2026-10-{2 + i:02d} {9 + i:02d}:{(7 * i) % 60:02d}:59.{i:06d}+08:00,\n"
        for i in range(12)
    )
    ix.import_file(base, "visits", put(tmp_path, "lags.csv", body))
    with base.engine.connect() as c:
        rows = c.execute(select(Visit.visited_at, Visit.recorded_at, Visit.lag_hours)).all()
    assert len(rows) == 12
    for visited, recorded, lag in rows:
        assert lag == visit_lag_hours(visited, recorded)
