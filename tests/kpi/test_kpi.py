"""The twelve KPIs on hand-computed fixtures, boundary by boundary (`spec/kpi.md`).

Every test runs on SQLite and PostgreSQL. Instants are +08:00 (``at``); T is the
evaluation instant.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from builders import Builder, at
from sqlalchemy import create_engine, select

from center.core.access import Actor
from center.core.errors import PermissionDenied
from center.core.kpis import DEPARTMENT_KPIS, KPI_KEYS
from center.kpi.compute import KpiValue, compute_all_scopes, compute_kpis, parse_period, trend
from db.models import Case

T_NOV5 = at(2026, 11, 5, 9)


def units(engine, period: str, scope: str, as_of: datetime) -> dict[str, dict[str, KpiValue]]:
    snap = compute_kpis(engine, period, scope, as_of)
    return {u.code: u.kpis for u in snap.units}


def frac(kv: KpiValue) -> tuple[int | None, int | None]:
    return kv.numerator, kv.denominator


def hours(seconds: int, count: int = 1) -> float:
    """The exact mean, correctly rounded: ``seconds`` in total over ``count`` cases."""
    return float(Fraction(seconds, 3600 * count))


@pytest.fixture
def b(engine) -> Builder:
    builder = Builder(engine)
    builder.grid("G01", community="C01")
    builder.grid("G02", community="C01")
    builder.grid("G03", community="C02")
    return builder


# ---------------------------------------------------------------------------
# Periods


def test_parse_period():
    p = parse_period("2026-10")
    assert (p.kind, p.start, p.end, p.label) == (
        "month",
        date(2026, 10, 1),
        date(2026, 11, 1),
        "2026-10",
    )
    p = parse_period("2026Q4")
    assert (p.kind, p.start, p.end, p.label) == (
        "quarter",
        date(2026, 10, 1),
        date(2027, 1, 1),
        "2026Q4",
    )
    assert parse_period("2026q1").label == "2026Q1"
    p = parse_period("2026")
    assert (p.kind, p.start, p.end) == ("year", date(2026, 1, 1), date(2027, 1, 1))
    assert parse_period("2026-11").cadence() == ([202611], [(202610, 202611)])
    assert parse_period("2026Q3").cadence() == ([202607, 202608, 202609], [(202607, 202609)])
    assert parse_period("2026").cadence()[1] == [
        (202601, 202603),
        (202604, 202606),
        (202607, 202609),
        (202610, 202612),
    ]
    for bad in ("2026-13", "2026-00", "2026Q5", "26-10", "2026/10", "", "Q1"):
        with pytest.raises(ValueError, match="invalid period"):
            parse_period(bad)


def test_bad_scope_is_refused():
    # refused before any statement runs: no database needed
    with pytest.raises(ValueError, match="invalid scope 'city'"):
        compute_kpis(create_engine("sqlite://"), "2026-10", "city", T_NOV5)


# ---------------------------------------------------------------------------
# Response


def test_response_24h_boundaries_and_average(engine, b):
    b.household("H1", "G01")
    r = at(2026, 10, 5, 9)
    rows = [
        {"code": "K1", "received_at": r, "first_response_at": at(2026, 10, 6, 9)},  # exactly 24 h
        {"code": "K2", "received_at": r, "first_response_at": at(2026, 10, 6, 9, 0, 1)},  # +1 s
        {"code": "K3", "received_at": r},  # never responded, 24 h passed
        # November, T = 11-05 09:00
        {"code": "K5", "received_at": at(2026, 11, 4, 9)},  # 24 h end exactly at T: passed
        {"code": "K6", "received_at": at(2026, 11, 4, 9, 0, 1)},  # not passed yet
        {
            "code": "K7",
            "received_at": at(2026, 11, 4, 12),
            "first_response_at": at(2026, 11, 4, 13),
        },
        # response after T is absent; 24 h not passed
        {
            "code": "K8",
            "received_at": at(2026, 11, 4, 12),
            "first_response_at": at(2026, 11, 5, 10),
        },
        {"code": "K9", "received_at": at(2026, 11, 5, 9, 0, 1)},  # received after T
    ]
    b.cases(
        [{"household": "H1", "subcategory": f"P0{i % 5 + 1}", **row} for i, row in enumerate(rows)]
    )
    oct_ = units(engine, "2026-10", "grid", T_NOV5)["G01"]
    assert frac(oct_["response_24h"]) == (1, 3)
    assert oct_["response_24h"].value == 1 / 3
    assert oct_["response_24h"].ok is False
    avg = oct_["avg_response_hours"]
    assert avg.value == hours(2 * 24 * 3600 + 1, 2)  # 24 h and 24 h + 1 s
    assert (avg.numerator, avg.denominator, avg.ok) == (None, None, False)
    nov = units(engine, "2026-11", "grid", T_NOV5)["G01"]
    assert frac(nov["response_24h"]) == (1, 2)  # K7 of K5, K7
    assert nov["avg_response_hours"].value == 1.0
    assert nov["avg_response_hours"].ok is True
    assert frac(nov["repeat_rate"]) == (0, 4)  # K5-K8 exist at T; K9 does not
    # a second later K8 is still unanswered at T, K6's clock has now run out too
    later = units(engine, "2026-11", "grid", at(2026, 11, 5, 9, 0, 1))["G01"]
    assert frac(later["response_24h"]) == (1, 3)
    assert frac(later["repeat_rate"]) == (0, 5)


def test_average_response_keeps_microseconds(engine, b):
    b.household("H1", "G01")
    r = at(2026, 10, 5, 9, 0, 0, 250000)
    b.cases(
        [
            {
                "household": "H1",
                "received_at": r,
                "first_response_at": at(2026, 10, 5, 10, 30, 0, 5),
            },
            {
                "household": "H1",
                "received_at": r,
                "subcategory": "L02",
                "first_response_at": at(2026, 10, 5, 9, 0, 1),
            },
        ]
    )
    avg = units(engine, "2026-10", "grid", T_NOV5)["G01"]["avg_response_hours"]
    micros = (5400 * 10**6 + 5 - 250000) + (10**6 - 250000)
    assert avg.value == float(Fraction(micros, 2 * 3600 * 10**6))


# ---------------------------------------------------------------------------
# Department start (acceptance) and the department scope


def test_dept_start_2h_boundaries(engine, b):
    b.household("H1", "G01")
    a = at(2026, 10, 5, 10)
    common = {"household": "H1", "dept": "D01"}
    b.cases(
        [
            {
                **common,
                "code": "A1",
                "received_at": at(2026, 10, 5, 9),
                "assigned_at": a,
                "accepted_at": at(2026, 10, 5, 12),
            },  # exactly 2 h
            {
                **common,
                "code": "A2",
                "received_at": at(2026, 10, 5, 9),
                "assigned_at": a,
                "accepted_at": at(2026, 10, 5, 12, 0, 1),
                "subcategory": "L02",
            },  # 2 h + 1 s
            {
                **common,
                "code": "A3",
                "received_at": at(2026, 10, 5, 9),
                "assigned_at": a,
                "subcategory": "L03",
            },  # never accepted, 2 h passed
            {
                "household": "H1",
                "code": "A0",
                "received_at": at(2026, 10, 5, 9),
                "subcategory": "L04",
            },  # not assigned: not counted
            # November, T = 11-05 09:00
            {
                **common,
                "code": "A4",
                "received_at": at(2026, 11, 5, 6),
                "assigned_at": at(2026, 11, 5, 7),
            },  # 2 h end exactly at T
            {
                **common,
                "code": "A5",
                "received_at": at(2026, 11, 5, 6),
                "subcategory": "L02",
                "assigned_at": at(2026, 11, 5, 7, 0, 1),
            },  # 2 h not passed
            {
                **common,
                "code": "A6",
                "received_at": at(2026, 11, 5, 6),
                "subcategory": "L03",
                "assigned_at": at(2026, 11, 5, 10),
            },  # assigned after T
            {
                **common,
                "code": "A7",
                "received_at": at(2026, 11, 5, 6),
                "subcategory": "L04",
                "assigned_at": at(2026, 11, 5, 8),
                "accepted_at": at(2026, 11, 5, 9, 30),
            },
        ]
    )
    g = units(engine, "2026-10", "grid", T_NOV5)["G01"]
    assert frac(g["dept_start_2h"]) == (1, 3)
    d = units(engine, "2026-10", "department", T_NOV5)["D01"]
    assert frac(d["dept_start_2h"]) == (1, 3)
    assert frac(d["response_24h"]) == (0, 3)  # A0 is not the department's
    nov_g = units(engine, "2026-11", "grid", T_NOV5)["G01"]
    assert frac(nov_g["dept_start_2h"]) == (0, 1)  # A4 only
    nov_d = units(engine, "2026-11", "department", T_NOV5)["D01"]
    assert frac(nov_d["dept_start_2h"]) == (0, 1)
    # the department sees A4, A5, A7 (assigned by T); their 24 h have not passed
    assert frac(nov_d["response_24h"]) == (0, 0)
    assert nov_d["response_24h"].value is None
    later = units(engine, "2026-11", "department", at(2026, 11, 6, 7))["D01"]
    # A4, A5, A6 and A7 assigned; A7 accepted in 1.5 h; 24 h passed for all
    assert frac(later["dept_start_2h"]) == (1, 4)
    assert frac(later["response_24h"]) == (0, 4)


def test_department_sees_a_case_only_once_assigned(engine, b):
    b.household("H1", "G02")
    b.case(
        "H1",
        at(2026, 10, 5, 9),
        dept="D03",
        assigned_at=at(2026, 10, 5, 12),
        accepted_at=at(2026, 10, 5, 13),
        first_response_at=at(2026, 10, 5, 10),
        closed_at=at(2026, 10, 7, 9),
        satisfaction=4,
    )
    before = units(engine, "2026-10", "department", at(2026, 10, 5, 11, 59, 59))
    assert all(kv.value is None for kv in before["D03"].values())
    assert frac(before["D03"]["response_24h"]) == (0, 0)
    grid = units(engine, "2026-10", "grid", at(2026, 10, 5, 11, 59, 59))["G02"]
    assert frac(grid["response_24h"]) == (1, 1)  # the grid sees it from reception
    at_assign = units(engine, "2026-10", "department", at(2026, 10, 5, 12))["D03"]
    assert frac(at_assign["response_24h"]) == (1, 1)
    assert at_assign["avg_response_hours"].value == 1.0
    assert frac(at_assign["dept_start_2h"]) == (0, 0)  # 2 h not passed, not accepted yet
    after = units(engine, "2026-10", "department", T_NOV5)
    d3 = after["D03"]
    assert [frac(d3[k]) for k in ("dept_start_2h", "closure_15wd", "satisfaction")] == [
        (1, 1),
        (1, 1),
        (1, 1),
    ]
    assert frac(d3["second_complaint_rate"]) == (0, 1)
    assert set(after) == {f"D{i:02d}" for i in range(1, 13)}
    assert all(kv.value is None for kv in after["D01"].values())


# ---------------------------------------------------------------------------
# Repeats


def test_repeat_window_and_subcategory(engine, b):
    b.household("H1", "G01")
    b.household("H2", "G01")
    b.household("H3", "G01")
    b.cases(
        [
            {"household": "H1", "code": "R1", "received_at": at(2026, 9, 1)},
            {"household": "H1", "code": "R2", "received_at": at(2026, 10, 1)},  # R1 + 720 h
            {
                "household": "H1",
                "code": "R3",
                "received_at": at(2026, 10, 31, 0, 0, 1),
            },  # +720 h 1 s
            {"household": "H1", "code": "R4", "received_at": at(2026, 10, 2), "subcategory": "L02"},
            {"household": "H2", "code": "S1", "received_at": at(2026, 10, 10, 9)},
            {"household": "H2", "code": "S2", "received_at": at(2026, 10, 10, 9)},  # same instant
            {"household": "H3", "code": "X1", "received_at": at(2026, 10, 15)},
        ]
    )
    with engine.connect() as conn:
        flags = dict(conn.execute(select(Case.code, Case.is_repeat)).all())
    assert flags == {
        "R1": False,
        "R2": True,
        "R3": False,
        "R4": False,
        "S1": False,
        "S2": False,
        "X1": False,
    }
    g = units(engine, "2026-10", "grid", T_NOV5)["G01"]
    assert frac(g["repeat_rate"]) == (1, 6)
    assert g["repeat_rate"].ok is False  # 1/6 > 0.10


# ---------------------------------------------------------------------------
# Closure around the 2026 holidays


def test_closure_deadline_boundaries_around_national_day(engine, b):
    b.household("H1", "G01")
    sep30 = at(2026, 9, 30, 10)  # deadline 10-28 00:00
    oct9 = at(2026, 10, 9, 10)  # deadline 10-30 00:00 (Saturday 10-10 is a working day)
    b.cases(
        [
            {
                "household": "H1",
                "code": "C1",
                "received_at": sep30,
                "subcategory": "P01",
                "closed_at": at(2026, 10, 27, 23, 59, 59),
            },
            {
                "household": "H1",
                "code": "C2",
                "received_at": sep30,
                "subcategory": "P02",
                "closed_at": at(2026, 10, 28),
            },
            {
                "household": "H1",
                "code": "C3",
                "received_at": sep30,
                "subcategory": "P03",
                "closed_at": at(2026, 10, 28, 0, 0, 1),
            },
            {
                "household": "H1",
                "code": "C4",
                "received_at": oct9,
                "subcategory": "P04",
                "closed_at": at(2026, 10, 30),
            },
            {
                "household": "H1",
                "code": "C5",
                "received_at": oct9,
                "subcategory": "P05",
                "closed_at": at(2026, 10, 30, 0, 0, 1),
            },
            {"household": "H1", "code": "C6", "received_at": oct9, "subcategory": "L01"},
        ]
    )
    with engine.connect() as conn:
        deadlines = dict(conn.execute(select(Case.code, Case.deadline_at)).all())
    assert deadlines["C1"] == at(2026, 10, 28)
    assert deadlines["C4"] == at(2026, 10, 30)
    sep = units(engine, "2026-09", "grid", T_NOV5)["G01"]
    assert frac(sep["closure_15wd"]) == (2, 3)
    oct_ = units(engine, "2026-10", "grid", T_NOV5)["G01"]
    assert frac(oct_["closure_15wd"]) == (1, 3)  # C4 of C4, C5, C6
    # at the deadline instant: C4 closed at T counts, C5 and C6 have passed the deadline
    at_deadline = units(engine, "2026-10", "grid", at(2026, 10, 30))["G01"]
    assert frac(at_deadline["closure_15wd"]) == (1, 3)
    # a second before: nothing closed, no deadline passed
    before = units(engine, "2026-10", "grid", at(2026, 10, 29, 23, 59, 59))["G01"]
    assert frac(before["closure_15wd"]) == (0, 0)
    assert before["closure_15wd"].value is None
    assert before["closure_15wd"].ok is None
    # closed in October: C1-C5 (C5 at 10-30 00:00:01); C6 is open
    assert frac(oct_["second_complaint_rate"]) == (0, 5)


def test_late_december_case_has_a_provisional_deadline_in_2027(engine, b):
    b.household("H1", "G01")
    b.cases(
        [
            {
                "household": "H1",
                "code": "D1",
                "received_at": at(2026, 12, 20, 10),
                "closed_at": at(2027, 1, 8, 18),
            },
            {
                "household": "H1",
                "code": "D2",
                "received_at": at(2026, 12, 20, 11),
                "subcategory": "L02",
            },
        ]
    )
    with engine.connect() as conn:
        rows = {
            code: (deadline, provisional)
            for code, deadline, provisional in conn.execute(
                select(Case.code, Case.deadline_at, Case.deadline_provisional)
            )
        }
    assert rows["D1"] == (at(2027, 1, 9), True)
    assert units(engine, "2026-12", "grid", at(2027, 1, 9))["G01"]["closure_15wd"].value == 0.5
    assert frac(units(engine, "2026-12", "grid", at(2027, 1, 8, 23))["G01"]["closure_15wd"]) == (
        1,
        1,
    )


# ---------------------------------------------------------------------------
# On-the-spot cases, satisfaction, second complaints, proactive share


def test_on_the_spot_cases_and_closed_in_period_kpis(engine, b):
    b.household("H1", "G01")
    r = at(2026, 10, 5, 9)
    b.cases(
        [
            # on the spot, no timestamps: responded and closed at reception
            {
                "household": "H1",
                "code": "O1",
                "received_at": r,
                "source": "visit",
                "on_the_spot": True,
                "satisfaction": 5,
                "subcategory": "P01",
            },
            # from a visit, not on the spot, nothing done
            {
                "household": "H1",
                "code": "O2",
                "received_at": r,
                "source": "visit",
                "subcategory": "P02",
            },
            # on the spot but not from a visit: the timestamps rule applies, the rate ignores it
            {
                "household": "H1",
                "code": "O3",
                "received_at": r,
                "source": "online",
                "on_the_spot": True,
                "satisfaction": 2,
                "subcategory": "P03",
            },
            # on the spot with explicit timestamps: they are used
            {
                "household": "H1",
                "code": "O4",
                "received_at": r,
                "source": "visit",
                "on_the_spot": True,
                "first_response_at": at(2026, 10, 5, 10),
                "closed_at": at(2026, 10, 6, 9),
                "subcategory": "P04",
            },
            # reopens O4 (received by T)
            {
                "household": "H1",
                "code": "O5",
                "received_at": at(2026, 10, 20),
                "source": "proactive",
                "reopened_from": "O4",
                "subcategory": "P05",
            },
            # reopens O3 only after T: does not count
            {
                "household": "H1",
                "code": "O6",
                "received_at": at(2026, 11, 6),
                "reopened_from": "O3",
                "subcategory": "L01",
            },
            # closed in October, rated 4, received in September
            {
                "household": "H1",
                "code": "O7",
                "received_at": at(2026, 9, 28, 9),
                "first_response_at": at(2026, 9, 28, 10),
                "closed_at": at(2026, 10, 2),
                "satisfaction": 4,
                "subcategory": "L02",
            },
            # closed after T: not closed in P, its rating does not count
            {
                "household": "H1",
                "code": "O8",
                "received_at": at(2026, 10, 30),
                "closed_at": at(2026, 11, 5, 9, 0, 1),
                "satisfaction": 1,
                "subcategory": "L03",
            },
        ]
    )
    g = units(engine, "2026-10", "grid", T_NOV5)["G01"]
    assert frac(g["on_the_spot_rate"]) == (2, 3)  # O1, O4 of O1, O2, O4
    # received in October: O1-O5, O8; responded within 24 h: O1, O3, O4; due: + O2, O5, O8
    assert frac(g["response_24h"]) == (3, 6)
    assert g["avg_response_hours"].value == hours(3600, 3)  # 0 h, 0 h, 1 h
    # closed by T or deadline <= T: O1, O3, O4 (closed); O2 (deadline 10-28 <= T)
    assert frac(g["closure_15wd"]) == (3, 4)
    # closed in October: O1, O3, O4, O7; rated: O1 (5), O3 (2), O7 (4)
    assert frac(g["satisfaction"]) == (2, 3)
    assert frac(g["second_complaint_rate"]) == (1, 4)  # O4 reopened by O5
    assert frac(g["proactive_share"]) == (1, 6)
    assert g["proactive_share"].ok is False
    # once O6 has been received it reopens O3 too
    g2 = units(engine, "2026-10", "grid", at(2026, 11, 6))["G01"]
    assert frac(g2["second_complaint_rate"]) == (2, 4)


# ---------------------------------------------------------------------------
# Coverage and cadence


def _visits(b: Builder, hh: str, *times: datetime, outcome: str = "met") -> None:
    b.visits([{"household": hh, "visited_at": t, "outcome": outcome} for t in times])


def test_month_cadence_and_moved_out_households(engine, b):
    for code, special in [
        ("S1", True),
        ("S2", True),
        ("S3", True),
        ("S4", True),
        ("O1", False),
        ("O2", False),
        ("O3", False),
    ]:
        b.household(code, "G01", special_groups="disabled;solo_elderly" if special else "")
    b.household("M1", "G01", moved_out_on=date(2026, 11, 30))  # out of scope for November
    b.household("M2", "G01", moved_out_on=date(2026, 12, 1))  # still in scope
    _visits(b, "S1", at(2026, 11, 2, 9), at(2026, 11, 16, 9))
    _visits(b, "S2", at(2026, 11, 2, 9))
    _visits(b, "S2", at(2026, 11, 3, 9), outcome="not_home")
    _visits(b, "S3", at(2026, 10, 2, 9), at(2026, 10, 20, 9))  # October only
    _visits(b, "S4", at(2026, 11, 3, 9), at(2026, 11, 20, 10))
    _visits(b, "O1", at(2026, 10, 15, 9))  # quarter to date
    _visits(b, "O2", at(2026, 9, 30, 23, 59, 59))  # previous quarter
    _visits(b, "O3", at(2026, 11, 4, 9), outcome="refused")
    _visits(b, "M1", at(2026, 11, 4, 9))
    end = at(2026, 12, 1)
    g = units(engine, "2026-11", "grid", end)["G01"]
    assert frac(g["coverage"]) == (3, 8)  # S1, S4, O1 of S1-S4, O1-O3, M2
    assert frac(g["special_care"]) == (2, 4)
    assert g["special_care"].ok is False
    # S4's second visit is exactly at T: it counts; a second earlier it does not
    assert frac(units(engine, "2026-11", "grid", at(2026, 11, 20, 10))["G01"]["special_care"]) == (
        2,
        4,
    )
    early = units(engine, "2026-11", "grid", at(2026, 11, 20, 9, 59, 59))["G01"]
    assert frac(early["special_care"]) == (1, 4)
    # October: S3 meets it; O1 (10-15), O2 no (Q3); M1 in scope (moves out 11-30)
    oct_ = units(engine, "2026-10", "grid", end)["G01"]
    assert frac(oct_["special_care"]) == (1, 4)
    assert frac(oct_["coverage"]) == (2, 9)
    # the community and the street add their grids up; empty grids and communities are null
    com = units(engine, "2026-11", "community", end)
    assert frac(com["C01"]["coverage"]) == (3, 8)
    assert com["C02"]["coverage"].value is None
    street = units(engine, "2026-11", "street", end)
    assert list(street) == ["测试街道"]
    assert frac(street["测试街道"]["coverage"]) == (3, 8)


def test_quarter_cadence(engine, b):
    b.household("S1", "G01", special_groups="low_income")
    b.household("S2", "G01", special_groups="other")
    b.household("O1", "G01")
    b.household("O2", "G01")
    _visits(b, "S1", *(at(2026, m, d, 9) for m in (7, 8, 9) for d in (3, 17)))
    _visits(b, "S2", *(at(2026, m, d, 9) for m in (7, 8) for d in (3, 17)), at(2026, 9, 3, 9))
    _visits(b, "O1", at(2026, 9, 30, 23, 59, 59))
    _visits(b, "O2", at(2026, 7, 1), outcome="not_home")
    _visits(b, "O2", at(2026, 10, 1))  # next quarter
    g = units(engine, "2026Q3", "grid", at(2026, 10, 1))["G01"]
    assert frac(g["coverage"]) == (2, 4)  # S1, O1
    assert frac(g["special_care"]) == (1, 2)
    # mid-quarter the special households cannot yet have every month
    mid = units(engine, "2026Q3", "grid", at(2026, 8, 31))["G01"]
    assert frac(mid["special_care"]) == (0, 2)
    assert frac(mid["coverage"]) == (0, 4)


def test_quarter_cadence_boundaries_moved_out_and_later_visits(engine, b):
    """A quarter is read from ``household_quarter``: a special household meets it at
    the instant of its last month's second met-visit, not a second earlier; a visit
    made later (a fourth month, a revisit) changes nothing; moved-out households leave
    the quarter when they left before its end."""
    b.household("S1", "G01", special_groups="disabled")
    b.household("S2", "G02", special_groups="solo_elderly", moved_out_on=date(2026, 9, 30))
    b.household("O1", "G02", moved_out_on=date(2026, 10, 1))  # in scope: left after Q3
    b.household("O2", "G02")
    done = at(2026, 9, 17, 9, 0, 0)
    # S1: Sept first (out of order), then July and August, two each
    _visits(b, "S1", at(2026, 9, 3, 9), done)
    _visits(b, "S1", *(at(2026, m, d, 9) for m in (7, 8) for d in (3, 17)))
    _visits(b, "S1", at(2026, 9, 25, 9), at(2026, 10, 2, 9))  # a third in Sept, next quarter
    _visits(b, "S2", *(at(2026, m, d, 9) for m in (7, 8, 9) for d in (3, 17)))
    _visits(b, "O1", at(2026, 8, 8, 8))
    _visits(b, "O2", at(2026, 6, 30, 23, 59, 59), at(2026, 10, 1))  # outside Q3 both
    before = units(engine, "2026Q3", "grid", done - timedelta(seconds=1))
    assert frac(before["G01"]["special_care"]) == (0, 1)
    # the third month of the quarter on its own: met at the same instant
    sept = units(engine, "2026-09", "grid", done)["G01"]["special_care"]
    assert frac(sept) == (1, 1)
    sept_before = units(engine, "2026-09", "grid", done - timedelta(seconds=1))["G01"]
    assert frac(sept_before["special_care"]) == (0, 1)
    # July: two met-visits (07-03, 07-17) by the end of the quarter
    assert frac(units(engine, "2026-07", "grid", done)["G01"]["special_care"]) == (1, 1)
    exactly = units(engine, "2026Q3", "grid", done)
    assert frac(exactly["G01"]["special_care"]) == (1, 1)
    later = units(engine, "2026Q3", "grid", at(2026, 12, 31))
    assert frac(later["G01"]["coverage"]) == (1, 1)
    assert frac(later["G02"]["special_care"]) == (0, 0)  # S2 moved out in Q3
    assert later["G02"]["special_care"].value is None
    assert frac(later["G02"]["coverage"]) == (1, 2)  # O1 yes, O2 no
    # the ordinary household meets the quarter at its met-visit's instant
    assert frac(units(engine, "2026Q3", "grid", at(2026, 8, 8, 8))["G02"]["coverage"]) == (1, 2)
    assert frac(units(engine, "2026Q3", "grid", at(2026, 8, 8, 7))["G02"]["coverage"]) == (0, 2)


def test_the_migration_builds_household_quarters_from_household_months(engine, b):
    from db.engine import downgrade, upgrade
    from db.models import HouseholdQuarter

    b.household("S1", "G01", special_groups="disabled")
    b.household("O1", "G01")
    _visits(b, "S1", *(at(2026, m, d, 9) for m in (4, 5, 6, 7, 8, 9) for d in (3, 17)))
    _visits(b, "O1", at(2026, 5, 5), at(2026, 12, 1))

    def quarters() -> list[tuple]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select(HouseholdQuarter).order_by("yq"))]

    built = quarters()
    s1, o1 = b.id("household", "S1"), b.id("household", "O1")
    seconds = [at(2026, m, 17, 9) for m in range(4, 10)]
    assert sorted(built) == sorted(
        [
            (s1, 20262, at(2026, 4, 3, 9), *seconds[:3], seconds[2]),
            (o1, 20262, at(2026, 5, 5), None, None, None, None),
            (s1, 20263, at(2026, 7, 3, 9), *seconds[3:], seconds[5]),
            (o1, 20264, at(2026, 12, 1), None, None, None, None),
        ]
    )
    downgrade(engine, "0003")
    upgrade(engine)
    assert sorted(quarters()) == sorted(built)
    assert frac(units(engine, "2026Q2", "grid", T_NOV5)["G01"]["coverage"]) == (2, 2)


def test_year_cadence(engine, b):
    b.household("S1", "G01", special_groups="child_in_difficulty")
    b.household("S2", "G01", special_groups="solo_elderly")
    b.household("O1", "G01")
    b.household("O2", "G01")
    _visits(b, "S1", *(at(2026, m, d, 9) for m in range(1, 13) for d in (5, 20)))
    _visits(b, "S2", *(at(2026, m, d, 9) for m in range(1, 12) for d in (5, 20)))
    _visits(b, "O1", at(2026, 2, 1), at(2026, 5, 1), at(2026, 8, 1), at(2026, 11, 1))
    _visits(b, "O2", at(2026, 1, 1), at(2026, 2, 1), at(2026, 3, 1), at(2026, 11, 1))
    g = units(engine, "2026", "grid", at(2027, 1, 1))["G01"]
    assert frac(g["special_care"]) == (1, 2)  # S2 misses December
    assert frac(g["coverage"]) == (2, 4)  # S1, O1; O2 misses Q2 and Q3
    # the month view: November, quarter to date for ordinary households
    nov = units(engine, "2026-11", "grid", at(2027, 1, 1))["G01"]
    assert frac(nov["coverage"]) == (4, 4)


# ---------------------------------------------------------------------------
# Entry lag


@pytest.fixture(params=["python", "numpy"])
def lag_middles(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways SQLite's entry-lag medians are selected (Python ints or numpy) must give
    the same, exact values; on PostgreSQL the database computes them."""
    from db import kpi_queries

    monkeypatch.setattr(kpi_queries, "_use_numpy", lambda total: request.param == "numpy")
    return str(request.param)


def test_entry_lag_median_per_level(engine, b, lag_middles):
    b.household("H1", "G01")
    b.household("H2", "G02", moved_out_on=date(2026, 10, 2))  # moved out: still counted
    b.household("H3", "G03")
    v = at(2026, 10, 10, 9)

    def rec(h: float) -> datetime:
        return v + timedelta(hours=h)

    b.visits(
        [
            {"household": "H1", "visited_at": v, "recorded_at": rec(lag), "outcome": outcome}
            for lag, outcome in [(0, "met"), (1, "not_home"), (3, "refused"), (10, "met")]
        ]
        + [
            {"household": "H2", "visited_at": v, "recorded_at": rec(5)},
            {"household": "H3", "visited_at": v, "recorded_at": rec(100)},
            {"household": "H3", "visited_at": v, "recorded_at": rec(200)},
            # visited after T: absent
            {"household": "H3", "visited_at": at(2026, 11, 5, 9, 0, 1)},
            # visited before T, recorded after it: counts (the visit happened)
            {"household": "H3", "visited_at": at(2026, 10, 31, 20), "recorded_at": at(2026, 11, 6)},
        ]
    )
    T = T_NOV5
    grid = units(engine, "2026-10", "grid", T)
    assert grid["G01"]["entry_lag_hours"].value == 2.0  # (1 + 3) / 2
    assert grid["G02"]["entry_lag_hours"].value == 5.0
    assert grid["G03"]["entry_lag_hours"].value == 124.0  # 100, 124, 200
    assert grid["G03"]["entry_lag_hours"].ok is False
    assert grid["G01"]["entry_lag_hours"].ok is True
    com = units(engine, "2026-10", "community", T)
    assert com["C01"]["entry_lag_hours"].value == 3.0  # 0 1 3 5 10: not a mean of medians
    assert com["C02"]["entry_lag_hours"].value == 124.0
    street = units(engine, "2026-10", "street", T)["测试街道"]
    assert street["entry_lag_hours"].value == 7.5  # 0 1 3 5 10 100 124 200 -> (5 + 10) / 2
    # November: only the visit after T would fall in it
    assert units(engine, "2026-11", "grid", T)["G03"]["entry_lag_hours"].value is None


def test_entry_lag_medians_are_the_stored_lags_bit_for_bit(engine, b, lag_middles):
    """Lags with microseconds, a lag of most of a year, and an even count: the median
    is the mean of the two stored middle values, exactly (no rounding on the way)."""
    import statistics

    from center.kpi.derive import visit_lag_hours

    b.household("H1", "G01")
    b.household("H2", "G02")
    v = at(2026, 10, 10, 9)
    lags = [
        timedelta(microseconds=1),
        timedelta(hours=1, microseconds=7),
        timedelta(hours=7, seconds=13, microseconds=333_333),
        timedelta(days=300, microseconds=999_999),
    ]
    b.visits([{"household": "H1", "visited_at": v, "recorded_at": v + d} for d in lags])
    b.visits([{"household": "H2", "visited_at": v, "recorded_at": v + lags[2] * 3}])
    hours = [visit_lag_hours(v, v + d) for d in lags]
    grid = units(engine, "2026-10", "grid", T_NOV5)
    assert grid["G01"]["entry_lag_hours"].value == statistics.median(hours)
    assert grid["G02"]["entry_lag_hours"].value == visit_lag_hours(v, v + lags[2] * 3)
    street = units(engine, "2026-10", "street", T_NOV5)["测试街道"]
    assert street["entry_lag_hours"].value == hours[2]  # 5 values: the middle one


def test_entry_lag_period_bounds_are_exact(engine, b):
    """A visit at 00:00:00 of the period's first day counts, one at 00:00:00 of the next
    period's does not; a visit at exactly T counts, one a microsecond later does not."""
    b.household("H1", "G01")
    b.visits(
        [
            {"household": "H1", "visited_at": at(2026, 10, 1), "recorded_at": at(2026, 10, 1, 2)},
            {"household": "H1", "visited_at": at(2026, 11, 1), "recorded_at": at(2026, 11, 1, 8)},
            {"household": "H1", "visited_at": at(2026, 9, 30, 23, 59, 59, 999_999)},
        ]
    )
    october = units(engine, "2026-10", "grid", T_NOV5)["G01"]["entry_lag_hours"]
    assert october.value == 2.0
    t = at(2026, 11, 1)
    assert units(engine, "2026-11", "grid", t)["G01"]["entry_lag_hours"].value == 8.0
    before = t - timedelta(microseconds=1)
    assert units(engine, "2026-11", "grid", before)["G01"]["entry_lag_hours"].value is None
    assert units(engine, "2026Q4", "street", t)["测试街道"]["entry_lag_hours"].value == 5.0


# ---------------------------------------------------------------------------
# Empty units, JSON shape, all scopes at once, trend


def test_empty_units_are_listed_with_null_values(engine, b):
    snap = compute_kpis(engine, "2026-10", "grid", T_NOV5)
    assert [u.code for u in snap.units] == ["G01", "G02", "G03"]
    for u in snap.units:
        assert list(u.kpis) == list(KPI_KEYS)
        for kv in u.kpis.values():
            assert kv.value is None and kv.ok is None
    doc = snap.to_json_dict()
    assert doc["as_of"] == "2026-11-05T09:00:00+08:00"
    assert doc["units"][0]["kpis"]["coverage"] == {
        "value": None,
        "numerator": 0,
        "denominator": 0,
        "target": 0.95,
        "ok": None,
    }
    assert doc["units"][0]["kpis"]["avg_response_hours"] == {
        "value": None,
        "target": 24.0,
        "ok": None,
    }
    dept = compute_kpis(engine, "2026-10", "department", T_NOV5).to_json_dict()
    assert [u["code"] for u in dept["units"]] == [f"D{i:02d}" for i in range(1, 13)]
    assert dept["units"][0]["name"] == "民政"
    assert list(dept["units"][0]["kpis"]) == list(DEPARTMENT_KPIS)


def test_json_shape_and_targets_from_the_database(engine, b):
    from center.kpi.targets import set_target

    b.household("H1", "G01")
    b.case("H1", at(2026, 10, 5, 9), first_response_at=at(2026, 10, 5, 21, 30))
    set_target(engine, "response_24h", 1.0, actor=Actor("test", "admin"))
    doc = compute_kpis(engine, "2026-10", "street", at(2026, 11, 5, 9, 0, 0, 0)).to_json_dict()
    assert set(doc) == {"period", "as_of", "scope", "units"}
    assert (doc["period"], doc["scope"]) == ("2026-10", "street")
    (unit,) = doc["units"]
    assert set(unit) == {"code", "name", "kpis"}
    assert unit["code"] == unit["name"] == "测试街道"
    assert list(unit["kpis"]) == list(KPI_KEYS)
    assert unit["kpis"]["response_24h"] == {
        "value": 1.0,
        "numerator": 1,
        "denominator": 1,
        "target": 1.0,
        "ok": True,
    }
    assert unit["kpis"]["avg_response_hours"] == {"value": 12.5, "target": 24.0, "ok": True}
    # naive as-of is +08:00
    naive = compute_kpis(engine, "2026-10", "street", datetime(2026, 11, 5, 9))
    assert naive.to_json_dict()["as_of"] == "2026-11-05T09:00:00+08:00"


def test_exact_target_comparison(engine, b):
    # 9 of 10 within 24 h is exactly the 0.90 target (the float 0.9 is a hair above 9/10)
    b.household("H1", "G01")
    rows = []
    for i in range(10):
        r = at(2026, 10, 1 + i, 9)
        rows.append(
            {
                "household": "H1",
                "received_at": r,
                "subcategory": f"P0{i % 5 + 1}",
                "first_response_at": at(2026, 10, 1 + i, 10) if i else at(2026, 10, 3, 9),
            }
        )
    b.cases(rows)
    kv = units(engine, "2026-10", "grid", T_NOV5)["G01"]["response_24h"]
    assert frac(kv) == (9, 10)
    assert kv.ok is True


def test_all_scopes_agree_with_single_scope_calls(engine, b):
    b.household("H1", "G01", special_groups="solo_elderly")
    b.household("H2", "G03")
    _visits(b, "H1", at(2026, 10, 3, 9), at(2026, 10, 9, 9))
    b.case(
        "H1",
        at(2026, 10, 5, 9),
        dept="D02",
        assigned_at=at(2026, 10, 5, 10),
        first_response_at=at(2026, 10, 5, 11),
    )
    b.case("H2", at(2026, 10, 6, 9), closed_at=at(2026, 10, 8, 9), satisfaction=3)
    all_scopes = compute_all_scopes(engine, "2026Q4", T_NOV5)
    for scope, snap in all_scopes.items():
        single = compute_kpis(engine, "2026Q4", scope, T_NOV5)
        assert snap.to_json_dict() == single.to_json_dict()


def test_trend_months(engine, b):
    b.household("H1", "G01")
    b.case("H1", at(2026, 9, 5, 9), first_response_at=at(2026, 9, 5, 10))
    b.case("H1", at(2026, 11, 2, 9), subcategory="L02")
    series = trend(engine, "community", T_NOV5, months=3)
    assert set(series) == {"C01", "C02"}
    assert series["C01"]["response_24h"] == [("2026-09", 1.0), ("2026-10", None), ("2026-11", 0.0)]
    assert series["C02"]["response_24h"] == [
        ("2026-09", None),
        ("2026-10", None),
        ("2026-11", None),
    ]
    street = trend(engine, "street", T_NOV5)
    assert street["测试街道"]["coverage"][0][0] == "2025-12"
    assert len(street["测试街道"]["coverage"]) == 12


# ---------------------------------------------------------------------------
# Targets


def test_set_target_validates_audits_and_bumps_the_change_feed(engine):
    from center.kpi.targets import list_targets, set_target
    from db.changes import counters
    from db.models import AuditLog

    with engine.connect() as conn:
        before = counters(conn)["targets"]
    admin = Actor("cli:test", "admin")
    with pytest.raises(PermissionDenied):
        set_target(engine, "entry_lag_hours", 12, actor=Actor("lead", "leader"))
    t = set_target(engine, "entry_lag_hours", 12, actor=admin)
    assert (t.key, t.value, t.higher_is_better, t.name) == (
        "entry_lag_hours",
        12.0,
        False,
        "数据录入时效",
    )
    with engine.connect() as conn:
        assert counters(conn)["targets"] == before + 1
        audit = conn.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.entity_code, AuditLog.detail)
        ).all()
    assert [tuple(a) for a in audit] == [
        ("cli:test", "set_target", "entry_lag_hours", '{"old": 24.0, "new": 12.0}')
    ]
    listed = {x.key: x for x in list_targets(engine)}
    assert list(listed) == list(KPI_KEYS)
    assert listed["entry_lag_hours"].value == 12.0
    assert listed["entry_lag_hours"].updated_at is not None
    assert listed["coverage"].updated_at is None
    for key, value, message in [
        ("coverage", 1.01, "between 0 and 1"),
        ("coverage", -0.1, "between 0 and 1"),
        ("avg_response_hours", 0, "greater than 0"),
        ("coverage", float("nan"), "finite"),
        ("speed", 1, "unknown KPI 'speed'"),
    ]:
        with pytest.raises(ValueError, match=message):
            set_target(engine, key, value, actor=admin)
    with engine.connect() as conn:
        assert len(conn.execute(select(AuditLog.id)).all()) == 1  # refusals write nothing
    # the new target drives ok
    b = Builder(engine)
    b.household("H1", "G01")
    b.visit("H1", at(2026, 10, 3, 9), recorded_at=at(2026, 10, 3, 23))  # 14 h
    kv = units(engine, "2026-10", "grid", T_NOV5)["G01"]["entry_lag_hours"]
    assert (kv.value, kv.target, kv.ok) == (14.0, 12.0, False)


# ---------------------------------------------------------------------------
# The second connection of a refresh


def _street_for_parallel(b):
    b.household("H1", "G01", special_groups="solo_elderly")
    b.household("H2", "G03")
    _visits(b, "H1", at(2026, 10, 3, 9), at(2026, 10, 9, 9))
    _visits(b, "H2", at(2026, 10, 4, 9))
    b.case(
        "H1",
        at(2026, 10, 5, 9),
        dept="D02",
        assigned_at=at(2026, 10, 5, 10),
        first_response_at=at(2026, 10, 5, 11),
    )
    b.case("H2", at(2026, 10, 6, 9), closed_at=at(2026, 10, 8, 9), satisfaction=3)


def test_visit_statements_run_beside_the_case_statements_on_one_snapshot(engine, b, monkeypatch):
    """With PARALLEL some statements run on helper connections that read the same
    snapshot (PostgreSQL: an exported snapshot; SQLite: checked
    with the change counters); the result is the one-thread result."""
    from center.kpi import compute as kpi_module

    _street_for_parallel(b)
    helped: list[int] = []
    real_read = kpi_module._read

    @contextmanager
    def watched(engine_):
        with real_read(engine_) as reader:
            yield reader
        helped.append(reader.helped)

    monkeypatch.setattr(kpi_module, "_read", watched)
    monkeypatch.setattr(kpi_module, "PARALLEL", False)
    alone = {s: v.to_json_dict() for s, v in compute_all_scopes(engine, "2026Q4", T_NOV5).items()}
    alone_trend = trend(engine, "community", T_NOV5, months=3)
    monkeypatch.setattr(kpi_module, "PARALLEL", True)
    both = {s: v.to_json_dict() for s, v in compute_all_scopes(engine, "2026Q4", T_NOV5).items()}
    assert both == alone
    assert trend(engine, "community", T_NOV5, months=3) == alone_trend
    # cadence, entry lag, closed cases: for one period and for the trend's months
    assert helped == [0, 0, 3, 3]
    # an engine view can keep a caller's computations on its own thread (the wall)
    alone_engine = engine.execution_options(**{kpi_module.HELPERS_OPTION: False})
    both = {
        s: v.to_json_dict() for s, v in compute_all_scopes(alone_engine, "2026Q4", T_NOV5).items()
    }
    assert both == alone
    assert helped[-1] == 0
    assert [t.name for t in threading.enumerate() if t.name == "kpi-side"] == []


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_a_helper_keeps_the_readers_statement_limit(engine, b):
    """A reader's short statement limit (the wall's) holds on its helper connections
    too: the limit is set after the helper joins the snapshot (SET TRANSACTION
    SNAPSHOT must come first), and the helper reads the reader's snapshot."""
    from center.kpi import compute as kpi_module
    from db.engine import reader

    _street_for_parallel(b)
    limited = reader(engine, 1.5)
    assert kpi_module.PARALLEL
    with kpi_module._read(limited) as r:
        side = r.beside(
            lambda c: (
                c.exec_driver_sql("SHOW statement_timeout").scalar(),
                c.exec_driver_sql("SHOW transaction_read_only").scalar(),
                c.connection.dbapi_connection.answer_timeout,
            )
        )
        mine = r.conn.exec_driver_sql("SHOW statement_timeout").scalar()
        limit, read_only, answer = side.result()
        assert (limit, read_only) == (mine, "on") == ("1500ms", "on")
        assert answer == pytest.approx(r.conn.connection.dbapi_connection.answer_timeout)
        assert r.helped == 1
    assert compute_all_scopes(limited, "2026Q4", T_NOV5) is not None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_write_between_the_two_snapshots_sends_the_work_back_to_one_connection(
    engine, b, monkeypatch
):
    """SQLite cannot hand a snapshot to another connection: when a write commits
    between the reader's first read and the helper's, the helper sees other change
    counters and the visit statements run on the reader's own connection."""
    from center.kpi import compute as kpi_module
    from db.changes import bump

    _street_for_parallel(b)
    expected = compute_kpis(engine, "2026Q4", "street", T_NOV5).to_json_dict()
    helped: list[int] = []
    real_token = kpi_module._Reader.token

    def token_then_write(self):
        token = real_token(self)
        with engine.begin() as conn:  # another writer commits now
            bump(conn, "visits")
        return token

    real_read = kpi_module._read

    @contextmanager
    def watched(engine_):
        with real_read(engine_) as reader:
            yield reader
        helped.append(reader.helped)

    monkeypatch.setattr(kpi_module._Reader, "token", token_then_write)
    monkeypatch.setattr(kpi_module, "_read", watched)
    assert compute_kpis(engine, "2026Q4", "street", T_NOV5).to_json_dict() == expected
    assert helped == [0]


def test_a_failing_refresh_leaves_no_helper_running(engine, b, monkeypatch):
    """When a statement of a refresh fails, the error reaches the caller and every
    helper has finished before the read transaction ends."""
    from db import kpi_queries

    _street_for_parallel(b)

    def broken(*_a, **_k):
        raise RuntimeError("intake statement failed")

    real_lags = kpi_queries.entry_lag_medians
    lag_threads: list[str] = []

    def slow_lags(*a, **k):  # still running when the intake statement fails
        lag_threads.append(threading.current_thread().name)
        time.sleep(0.3)
        return real_lags(*a, **k)

    monkeypatch.setattr(kpi_queries, "intake_and_priority_by_grid_dept", broken)
    monkeypatch.setattr(kpi_queries, "entry_lag_medians", slow_lags)
    with pytest.raises(RuntimeError, match="intake statement failed"):
        compute_all_scopes(engine, "2026Q4", T_NOV5)
    assert "kpi-side" in lag_threads  # the refresh failed while a helper was working
    assert [t.name for t in threading.enumerate() if t.name == "kpi-side"] == []
