"""Pace (center.wall.model): how far into the period the wall is and what the visit
cadence should show by now, on the fixture street of test_wall_service with numbers
computed by hand. The KPI values themselves stay as kpi.md defines them.

The street: G01 = H1 (special: met-visits Oct 3 and Oct 10), H2 (Oct 5), H3 (Oct 6),
H4 (never visited); G02 = H5 (Oct 7), H6 (Oct 8). S = 1 special, O = 5 ordinary.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from builders import at
from sqlalchemy import Engine
from test_wall_service import T, build_wall_street

from center.wall import model as d


@pytest.fixture
def street(engine: Engine) -> Engine:
    build_wall_street(engine)
    return engine


def test_period_progress_counts_the_days_begun():
    m = d.month_progress(at(2026, 12, 7, 12))
    assert (m.label, m.day, m.days, m.fraction()) == ("2026-12", 7, 31, Fraction(7, 31))
    q = d.quarter_progress(at(2026, 12, 7, 12))
    # Q4: October 31 + November 30 + 7 days of December
    assert (q.label, q.day, q.days) == ("2026Q4", 68, 92)
    assert d.month_progress(at(2026, 2, 28, 23, 59)).fraction() == 1
    assert d.quarter_progress(at(2026, 1, 1, 0, 0)).day == 1
    assert d.quarter_progress(at(2026, 1, 1, 0, 0)).days == 90


def test_household_behind_pace_rule():
    # special: 2 visits a month, behind when visits + 1/2 < 2 x month elapsed
    assert not d.household_behind(True, 0, Fraction(1, 4), Fraction(0))  # 0.5 < 0.5: no
    assert d.household_behind(True, 0, Fraction(8, 31), Fraction(0))  # 0.5 < 0.516
    assert not d.household_behind(True, 1, Fraction(3, 4), Fraction(0))  # 1.5 < 1.5: no
    assert d.household_behind(True, 1, Fraction(24, 31), Fraction(0))  # 1.5 < 1.548
    assert not d.household_behind(True, 2, Fraction(1), Fraction(1))
    # ordinary: 1 visit a quarter, behind when visits + 1/2 < quarter elapsed
    assert not d.household_behind(False, 0, Fraction(1), Fraction(46, 92))  # 0.5 < 0.5: no
    assert d.household_behind(False, 0, Fraction(0), Fraction(47, 92))
    assert not d.household_behind(False, 1, Fraction(1), Fraction(1))
    # on the last day behind is exactly "cadence not met"
    assert d.household_behind(True, 1, Fraction(1), Fraction(1))
    assert d.household_behind(False, 0, Fraction(1), Fraction(1))


def test_pace_in_the_middle_of_october(street: Engine):
    # T = 20 Oct 12:00: month 20/31, quarter 20/92
    part = d.load_kpis(street, T)
    pace = part.pace
    assert pace is not None
    assert (pace.month.day, pace.month.days, pace.quarter.day, pace.quarter.days) == (
        20,
        31,
        20,
        92,
    )
    share = (1 * Fraction(20, 31) + 5 * Fraction(20, 92)) / 6  # = 1235/4278
    assert share == Fraction(1235, 4278)
    cov = pace.kpis["coverage"]
    assert cov.share == pytest.approx(1235 / 4278)
    assert cov.expected == pytest.approx(0.95 * 1235 / 4278)  # 0.2743
    assert cov.state == "ok"  # 5/6 is well ahead
    sc = pace.kpis["special_care"]
    assert (sc.share, sc.expected, sc.state) == (
        pytest.approx(20 / 31),
        pytest.approx(20 / 31),
        "ok",
    )
    # nobody behind: H1 has its 2 visits; H4's 0 + 1/2 is not below 20/92
    assert (pace.households, pace.special, pace.behind) == (6, 1, 0)
    # the KPI values are untouched
    assert part.tile("coverage").value == pytest.approx(5 / 6)
    assert part.tile("coverage").state == "bad"
    assert part.grid("G01").values[d.PACE] == pytest.approx(1.0)
    assert part.grid("G01").states[d.PACE] == "ok"


def test_pace_on_the_twentieth_of_november(street: Engine):
    # T = 20 Nov 12:00: month 20/30, quarter 51/92. H1 (special) has no November
    # visit: 0 + 1/2 < 2 x 20/30 -> behind; H4 (ordinary, never visited):
    # 0 + 1/2 < 51/92 -> behind; H2, H3, H5, H6 were visited in October (quarter to
    # date) -> on pace.
    part = d.load_kpis(street, at(2026, 11, 20, 12))
    pace = part.pace
    assert pace is not None
    assert part.tile("special_care").value == 0.0  # kpi.md: 0 of 1
    assert part.tile("coverage").value == pytest.approx(4 / 6)
    assert (pace.households, pace.behind) == (6, 2)
    assert [(g.code, g.households, g.behind) for g in pace.grids] == [
        ("G01", 4, 2),
        ("G02", 2, 0),
    ]
    share = (Fraction(20, 30) + 5 * Fraction(51, 92)) / 6  # = 949/1656
    assert pace.kpis["coverage"].share == pytest.approx(949 / 1656)
    assert pace.kpis["coverage"].expected == pytest.approx(0.95 * float(share))  # 0.5444
    assert pace.kpis["coverage"].state == "ok"  # 0.667 >= 0.544
    assert pace.kpis["special_care"].expected == pytest.approx(2 / 3)
    assert pace.kpis["special_care"].state == "bad"  # 0 against 2/3
    g01 = part.grid("G01")
    assert g01.values[d.PACE] == pytest.approx(0.5)
    assert g01.states[d.PACE] == "bad"  # 50 % on pace against the 95 % coverage target
    assert part.grid("G02").values[d.PACE] == pytest.approx(1.0)
    assert part.targets[d.PACE] == part.targets["coverage"]


def test_pace_on_the_seventh_of_december(street: Engine):
    # The example: 7 Dec, day 7 of 31 (23 %). special_care is 0.0 % by
    # kpi.md, but only 7/31 = 22.6 % is expected yet; H1 (0 December visits):
    # 0 + 1/2 < 2 x 7/31 = 0.45? no -> not behind yet; H4: 0 + 1/2 < 68/92 -> behind.
    part = d.load_kpis(street, at(2026, 12, 7, 12))
    pace = part.pace
    assert pace is not None
    assert (pace.month.label, pace.month.day, pace.month.days) == ("2026-12", 7, 31)
    assert part.tile("special_care").value == 0.0
    assert pace.kpis["special_care"].expected == pytest.approx(7 / 31)
    assert pace.behind == 1
    assert pace.grid("G01").behind == 1
    share = (Fraction(7, 31) + 5 * Fraction(68, 92)) / 6
    assert pace.kpis["coverage"].share == pytest.approx(float(share))  # 0.6535


def test_moved_out_households_leave_the_pace(street: Engine):
    from datetime import date

    from sqlalchemy import update

    from db.models import Household

    with street.begin() as conn:
        conn.execute(
            update(Household).where(Household.code == "H4").values(moved_out_on=date(2026, 11, 1))
        )
    pace = d.load_kpis(street, at(2026, 11, 20, 12)).pace
    assert pace is not None
    assert (pace.households, pace.behind) == (5, 1)  # H4 out of scope, H1 behind
