"""The wall's Qt-free data side (center.wall.model) on a fixture street with
hand-computed KPIs, on SQLite and PostgreSQL.

The fixture (``build_wall_street``), evaluated for October 2026 as of
2026-10-20 12:00 +08:00:

* grid G01 (households H1 special, H2, H3, H4) and grid G02 (H5, H6), one community;
* met-visits in October: H1 twice, H2, H3, H5, H6 -> coverage 5/6, G01 3/4, G02 2/2,
  special care 1/1;
* cases (all received in October):
  K1 H2 Oct 8 09:00, from a visit, on the spot, responded after 1 h, closed Oct 9, rated 5;
  K2 H3 Oct 9 09:00, from a visit, responded after 27 h, closed Oct 12, rated 3;
  K3 H5 Oct 19 10:00, emergency E01, assigned to D03 Oct 20 09:00, nothing else;
  K4 H6 Oct 19 14:00, assigned to D03 Oct 20 10:20, nothing else;
  K5 H2 Oct 15 09:00, same subcategory as K1 (a repeat), responded after 1 h;
* target of on_the_spot_rate lowered to 0.55 (an amber value).

Expected street KPIs: coverage 5/6 (red), special care 1 (green), 24 h response
2/4 (red: K3's 24 h passed at 10:00, K4's has not), average response 29/3 h (green),
on-time closure 2/2 (green), repeat 1/5 (red), on-the-spot 1/2 against 0.55 (amber),
satisfaction 1/2 (red).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from builders import Builder, at, record_slices
from shapely.geometry import Point, shape
from sqlalchemy import Engine, update

from center.office.meetings import COLUMNS
from center.wall import model as d
from db import engine as db_engine
from db.models import Grid, Household, KpiTarget

T = at(2026, 10, 20, 12)


def square(x0: float, y0: float, size: float = 0.01) -> str:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def build_wall_street(engine: Engine) -> Builder:
    b = Builder(engine, street="测试街道")
    b.grid("G01", community="C01", name="一网格")
    b.grid("G02", community="C01", name="二网格")
    b.staff("S001", grid="G01")
    b.staff("S002", grid="G02")
    with engine.begin() as conn:
        conn.execute(update(Grid).where(Grid.code == "G01").values(geometry=square(120.0, 30.0)))
        conn.execute(update(Grid).where(Grid.code == "G02").values(geometry=square(120.01, 30.0)))
    spots = {
        "H1": (30.002, 120.002),
        "H2": (30.004, 120.004),
        "H3": (30.006, 120.006),
        "H4": (30.008, 120.008),
        "H5": (30.003, 120.013),
        "H6": (30.007, 120.017),
    }
    for code, (lat, lon) in spots.items():
        grid = "G01" if code in ("H1", "H2", "H3", "H4") else "G02"
        b.household(
            code, grid, special_groups="solo_elderly" if code == "H1" else "", lat=lat, lon=lon
        )
    b.visits(
        [
            {"household": "H1", "visited_at": at(2026, 10, 3, 9), "staff": "S001"},
            {"household": "H1", "visited_at": at(2026, 10, 10, 9), "staff": "S001"},
            {"household": "H2", "visited_at": at(2026, 10, 5, 9), "staff": "S001"},
            {"household": "H3", "visited_at": at(2026, 10, 6, 9), "staff": "S001"},
            {"household": "H5", "visited_at": at(2026, 10, 7, 9), "staff": "S002"},
            {"household": "H6", "visited_at": at(2026, 10, 8, 9), "staff": "S002"},
        ]
    )
    b.cases(
        [
            {
                "code": "K1",
                "household": "H2",
                "received_at": at(2026, 10, 8, 9),
                "source": "visit",
                "on_the_spot": True,
                "first_response_at": at(2026, 10, 8, 10),
                "closed_at": at(2026, 10, 9, 9),
                "satisfaction": 5,
                "subcategory": "L01",
            },
            {
                "code": "K2",
                "household": "H3",
                "received_at": at(2026, 10, 9, 9),
                "source": "visit",
                "on_the_spot": False,
                "first_response_at": at(2026, 10, 10, 12),
                "closed_at": at(2026, 10, 12, 9),
                "satisfaction": 3,
                "subcategory": "L03",
            },
            {
                "code": "K3",
                "household": "H5",
                "received_at": at(2026, 10, 19, 10),
                "subcategory": "E01",
                "priority": "immediate",
                "dept": "D03",
                "assigned_at": at(2026, 10, 20, 9),
                "status": "assigned",
            },
            {
                "code": "K4",
                "household": "H6",
                "received_at": at(2026, 10, 19, 14),
                "subcategory": "L08",
                "dept": "D03",
                "assigned_at": at(2026, 10, 20, 10, 20),
                "status": "assigned",
            },
            {
                "code": "K5",
                "household": "H2",
                "received_at": at(2026, 10, 15, 9),
                "subcategory": "L01",
                "first_response_at": at(2026, 10, 15, 10),
            },
        ]
    )
    with engine.begin() as conn:
        conn.execute(
            update(KpiTarget).where(KpiTarget.key == "on_the_spot_rate").values(value=0.55)
        )
    return b


EXPECTED = {
    "coverage": (5 / 6, "bad"),
    "special_care": (1.0, "ok"),
    "response_24h": (0.5, "bad"),
    "avg_response_hours": (29 / 3, "ok"),
    "closure_15wd": (1.0, "ok"),
    "repeat_rate": (0.2, "bad"),
    "on_the_spot_rate": (0.5, "warn"),
    "satisfaction": (0.5, "bad"),
}


@pytest.fixture
def street(engine: Engine) -> Engine:
    build_wall_street(engine)
    return engine


def test_states_follow_the_legend_bands():
    assert d.kpi_state(0.95, 0.95, True) == "ok"
    assert d.kpi_state(0.855, 0.95, True) == "warn"  # exactly 90 % of the target
    assert d.kpi_state(0.85, 0.95, True) == "bad"
    assert d.kpi_state(None, 0.95, True) == "none"
    assert d.kpi_state(0.10, 0.10, False) == "ok"
    assert d.kpi_state(0.11, 0.10, False) == "warn"  # 0.10 / 0.11 = 0.909
    assert d.kpi_state(0.12, 0.10, False) == "bad"  # 0.833
    assert d.kpi_state(0.0, 0.10, False) == "ok"
    assert d.amber_limit(0.95, True) == pytest.approx(0.855)
    assert d.amber_limit(0.10, False) == pytest.approx(0.1111111)


def test_domains_reload_only_their_parts():
    assert d.parts_for({"budget"}) == {"budget"}
    assert d.parts_for({"meetings"}) == {"meetings"}
    assert d.parts_for({"visits"}) == {"kpis", "ranking"}
    assert d.parts_for({"cases", "budget"}) == {
        "kpis",
        "incidents",
        "alerts",
        "meetings",
        "ranking",
        "budget",
        "heat",  # the 30 days' cases per grid (the forecast is cached for an hour)
    }
    assert d.parts_for({"something-new"}) == set(d.PARTS)


def test_street_kpis_and_states(street: Engine):
    part = d.load_kpis(street, T)
    assert part.period == "2026-10"
    assert part.street == "测试街道"
    for key, (value, state) in EXPECTED.items():
        tile = part.tile(key)
        assert tile.value == pytest.approx(value), key
        assert tile.state == state, key
    assert part.tile("on_the_spot_rate").target == pytest.approx(0.55)
    assert part.tile("coverage").numerator == 5
    assert part.tile("coverage").denominator == 6


def test_grid_values_and_states(street: Engine):
    part = d.load_kpis(street, T)
    g1, g2 = part.grid("G01"), part.grid("G02")
    assert g1.values["coverage"] == pytest.approx(0.75)
    assert g1.states["coverage"] == "bad"
    assert g2.values["coverage"] == pytest.approx(1.0)
    assert g2.states["coverage"] == "ok"
    assert g1.values["response_24h"] == pytest.approx(2 / 3)
    assert g2.values["response_24h"] == pytest.approx(0.0)
    assert g1.states["closure_15wd"] == "ok"
    assert g2.values["closure_15wd"] is None
    assert g2.states["closure_15wd"] == "none"
    assert [c.code for c in part.communities] == ["C01"]


def test_grid_alerts_name_the_worst_grids(street: Engine):
    alerts = {a.kpi: a for a in d.grid_alerts(d.load_kpis(street, T))}
    assert set(alerts) == {"coverage", "response_24h", "repeat_rate"}
    cov = alerts["coverage"]
    assert (cov.count, cov.severity, cov.grids) == (1, "bad", (("一网格", 0.75),))
    resp = alerts["response_24h"]
    assert resp.count == 2
    assert [name for name, _ in resp.grids] == ["二网格", "一网格"]  # 0 before 2/3
    rep = alerts["repeat_rate"]
    assert rep.grids == (("一网格", pytest.approx(1 / 3)),)


def test_trend_and_sparkline_points(street: Engine):
    trend = d.load_trend(street, T)
    series = trend.series["coverage"]
    assert len(series) == 12
    assert series[0][0] == "2025-11" and series[-1][0] == "2026-10"
    assert series[-1][1] == pytest.approx(5 / 6)
    assert series[-2] == ("2026-09", 0.0)  # households existed, nobody visited in Q3
    kpis = d.load_kpis(street, T)
    points = d.trend_points(trend, kpis, "coverage")
    assert len(points) == 12
    assert points[-1] == pytest.approx(5 / 6)
    assert d.trend_points(None, kpis, "coverage") == [pytest.approx(5 / 6)]


def test_alert_clocks(street: Engine):
    part = d.load_alerts(street, T)
    by = {(a.kind, a.clock): a for a in part.alerts}
    assert by[("clock_breached", "response")].cases == ("K3",)
    assert by[("clock_due_soon", "response")].cases == ("K4",)  # 80 % of 24 h at 09:12
    assert by[("clock_breached", "accept")].cases == ("K3",)  # due 11:00
    assert by[("clock_due_soon", "accept")].cases == ("K4",)  # 80 % of 2 h at 11:56
    assert ("clock_breached", "closure") not in by
    assert ("clock_due_soon", "closure") not in by
    assert by[("emergency_open", None)].cases == ("K3",)
    assert part.open_emergencies == 1
    assert part.clocks["response"] == d.ClockCounts(1, 1)
    assert part.clocks["closure"] == d.ClockCounts(0, 0)
    assert [a.severity for a in part.alerts] == sorted(
        (a.severity for a in part.alerts), key=lambda s: s != "bad"
    )
    # five minutes earlier K4's acceptance clock is not yet at 80 %
    early = d.load_alerts(street, at(2026, 10, 20, 11, 50))
    assert ("clock_due_soon", "accept") not in {(a.kind, a.clock) for a in early.alerts}


def test_closure_clock_counts_working_days(street: Engine):
    # K5 (received Thu 15 Oct) reaches 80 % of 15 working days after the 12th
    # working day, Mon 2 Nov; its deadline is 00:00 of Fri 6 Nov.
    before = d.load_alerts(street, at(2026, 11, 2, 23, 59))
    after = d.load_alerts(street, at(2026, 11, 3, 0, 0))
    due = {(a.kind, a.clock): a.cases for a in after.alerts}
    assert ("clock_due_soon", "closure") not in {(a.kind, a.clock) for a in before.alerts}
    assert due[("clock_due_soon", "closure")] == ("K5",)
    late = d.load_alerts(street, at(2026, 11, 6, 0, 0))
    assert {(a.kind, a.clock): a.cases for a in late.alerts}[("clock_breached", "closure")] == (
        "K5",
    )


def test_missing_holiday_calendar_is_an_alert(engine: Engine):
    part = d.load_alerts(engine, at(2040, 3, 1, 9))
    assert [(a.kind, a.year) for a in part.alerts] == [("calendar_missing", 2040)]
    november = d.load_alerts(engine, at(2040, 11, 2, 9))
    assert [a.year for a in november.alerts] == [2040, 2041]


def test_incidents(street: Engine):
    part = d.load_incidents(street, T)
    assert [(e.code, e.grid, e.subcategory) for e in part.emergencies] == [("K3", "G02", "E01")]
    assert (part.emergencies[0].lat, part.emergencies[0].lon) == (30.003, 120.013)
    assert sorted(part.heat) == [
        (30.003, 120.013, 1),
        (30.004, 120.004, 2),
        (30.006, 120.006, 1),
        (30.007, 120.017, 1),
    ]
    # 30 days on, none of these cases is in the density window any more
    assert d.load_incidents(street, at(2026, 12, 1, 12)).heat == ()


def test_the_density_rows_are_read_in_slices(street: Engine, monkeypatch):
    """The density layer's rows come from the driver a slice at a time: slices of
    one row, or of three (the last one short), give the same layer."""
    whole = sorted(d.load_incidents(street, T).heat)
    asked: list[int] = []
    record_slices(monkeypatch, d, asked)
    for size in (1, 3):
        asked.clear()
        monkeypatch.setattr(db_engine, "FETCH_SLICE", size)
        assert sorted(d.load_incidents(street, T).heat) == whole
        # one slice a call: 4 rows take 5 calls of 1 or 3 of 3 (the last one empty)
        assert asked == [size] * (5 if size == 1 else 3)
    assert len(whole) == 4


def test_base_has_labels_inside_grids_and_the_outline(street: Engine):
    base = d.load_base(street)
    assert base.street == "测试街道"
    assert [g.code for g in base.grids] == ["G01", "G02"]
    assert [g.worker for g in base.grids] == ["工作人员S001", "工作人员S002"]
    for g in base.grids:
        assert shape(g.geometry).contains(Point(g.label_lon, g.label_lat))
    assert base.bounds == pytest.approx((30.0, 120.0, 30.01, 120.02))
    assert shape(base.outline).area == pytest.approx(0.0002)


def test_meetings_budget_and_ranking_parts(street: Engine):
    meetings = d.load_meetings(street, T)
    assert list(meetings.board.counts) == list(COLUMNS)
    assert meetings.board.counts["on_agenda"] == 0 and meetings.board.overdue == ()
    assert meetings.board.next_meeting is None
    # the proposals counted, not listed (a district has tens of thousands), as the
    # full read-only board counts them; nothing written
    from center.office.meetings import board_view

    assert meetings.board.columns["proposed"] == ()
    assert meetings.board.counts == board_view(street, T).counts
    budget = d.load_budget(street, T)
    assert budget.summary.year == 2026
    assert budget.summary.households == 6
    ranking = d.load_ranking(street, T)
    assert ranking.quarter == "2026Q4"
    assert [(r.code, r.rank) for r in ranking.rows] == [("C01", 1)]


def test_load_part_rejects_unknown_parts(engine: Engine):
    with pytest.raises(ValueError, match="unknown wall part 'maps'"):
        d.load_part(engine, "maps", T)


def test_moved_out_household_leaves_coverage(street: Engine):
    with street.begin() as conn:
        conn.execute(
            update(Household).where(Household.code == "H4").values(moved_out_on=date(2026, 10, 1))
        )
    assert d.load_kpis(street, T).tile("coverage").value == pytest.approx(1.0)
