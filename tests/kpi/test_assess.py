"""Assessment (`spec/kpi.md` § Assessment): weights, attainment, renormalisation, exact
grade boundaries, competition ranking, and the JSON of ``center assess``."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import pytest
from builders import Builder, at

from center.core.kpis import DEPARTMENT_KPIS, KPI_KEYS
from center.kpi.assess import (
    Assessment,
    assess,
    attainment,
    competition_ranks,
    grade_for,
    score_snapshot,
)
from center.kpi.compute import KpiSnapshot, KpiValue, UnitKpis
from db.seed import DEFAULT_TARGETS

T = at(2026, 10, 1)


def unit(code: str, keys=KPI_KEYS, **ratios: tuple[int, int] | None) -> UnitKpis:
    """A unit whose KPIs are all 1/1 (attained) unless given: ``key=(num, den)`` or
    ``key=None`` for a null value."""
    kpis = {}
    for key in keys:
        target = DEFAULT_TARGETS[key][0]
        given = ratios.get(key, (1, 1) if DEFAULT_TARGETS[key][1] else (0, 1))
        if given is None:
            kpis[key] = KpiValue(key, None, 0, 0, target, None)
        else:
            num, den = given
            kpis[key] = KpiValue(key, num / den, num, den, target, None)
    return UnitKpis(code, f"{code}名", kpis)


def scores(scope: str, *units: UnitKpis):
    return {u.code: u for u in score_snapshot(KpiSnapshot("2026Q3", T, scope, list(units)))}


def test_attainment_rules():
    assert attainment(Fraction(57, 100), Fraction(95, 100), True) == Fraction(3, 5)
    assert attainment(Fraction(1), Fraction(95, 100), True) == 1  # capped
    assert attainment(Fraction(1, 5), Fraction(1, 10), False) == Fraction(1, 2)
    assert attainment(Fraction(1, 20), Fraction(1, 10), False) == 1
    assert attainment(Fraction(0), Fraction(1, 10), False) == 1  # lower is better, value 0
    assert attainment(Fraction(0), Fraction(0), True) == 1  # a zero target is always met


def test_grade_boundaries_are_exact():
    # coverage 57/100 against 0.95 attains exactly 3/5: 100 - 25 * 2/5 = 90 exactly
    s = scores("grid", unit("A", coverage=(57, 100)))["A"]
    assert s.score == 90.0
    assert s.grade == "excellent"
    assert s.indicators["coverage"].attainment == 0.6
    # one hundred-millionth below 90 is good
    s = scores("grid", unit("B", coverage=(57 * 10**6 - 1, 100 * 10**6)))["B"]
    assert s.score < 90 and s.grade == "good"
    # coverage 0: exactly 75 -> good; coverage and special care 0: exactly 60 -> pass
    assert scores("grid", unit("C", coverage=(0, 9)))["C"].grade == "good"
    assert scores("grid", unit("C", coverage=(0, 9)))["C"].score == 75.0
    d = scores("grid", unit("D", coverage=(0, 9), special_care=(0, 3)))["D"]
    assert (d.score, d.grade) == (60.0, "pass")
    # and a little less on-the-spot solving: below 60 -> fail
    e = scores("grid", unit("E", coverage=(0, 9), special_care=(0, 3), on_the_spot_rate=(1, 2)))
    assert e["E"].score == float(60 - 5 * (1 - Fraction(5, 6)))  # on the spot attains 5/6
    assert e["E"].grade == "fail"
    assert [grade_for(x) for x in (100, 89.999, 75, 74.99, 60, 59.99, 0)] == [
        "excellent",
        "good",
        "good",
        "pass",
        "pass",
        "fail",
        "fail",
    ]


def test_lower_is_better_attainment_in_the_score():
    # repeat rate 2/10 against 0.10: attainment 1/2, weight 10 -> 95
    s = scores("grid", unit("A", repeat_rate=(2, 10)))["A"]
    assert s.indicators["repeat_rate"].attainment == 0.5
    assert s.score == 95.0


def test_null_indicators_are_left_out_and_weights_rescaled():
    # special care null: weights present 85; coverage 0 -> 100 * 60 / 85
    s = scores("grid", unit("A", coverage=(0, 4), special_care=None))["A"]
    assert s.score == float(Fraction(100 * 60, 85))
    assert s.grade == "pass"
    ind = s.indicators["special_care"]
    assert (ind.value, ind.attainment, ind.weight, ind.target) == (None, None, 15, 1.0)
    # nothing present: no score, grade or rank
    keys = {k: None for k in KPI_KEYS}
    empty = scores("grid", unit("Z", **keys), unit("A"))
    assert (empty["Z"].score, empty["Z"].grade, empty["Z"].rank) == (None, None, None)
    assert empty["A"].rank == 1


def test_department_weights():
    # closure 1/2 of target 0.9 -> attainment 5/9, weight 30; second complaints 1/10
    # against 0.05 -> 1/2, weight 10: 100 - 30 * 4/9 - 10 * 1/2
    s = scores(
        "department",
        unit("D01", DEPARTMENT_KPIS, closure_15wd=(1, 2), second_complaint_rate=(1, 10)),
    )["D01"]
    assert list(s.indicators) == [
        "dept_start_2h",
        "response_24h",
        "closure_15wd",
        "satisfaction",
        "second_complaint_rate",
    ]
    assert [i.weight for i in s.indicators.values()] == [20, 20, 30, 20, 10]
    assert s.score == float(100 - 30 * Fraction(4, 9) - 5)


def test_competition_ranking():
    assert competition_ranks([Fraction(90), Fraction(80), None, Fraction(80), Fraction(70)]) == [
        1,
        2,
        None,
        2,
        4,
    ]
    ranked = scores(
        "grid",
        unit("G1", coverage=(0, 1)),  # 75
        unit("G2"),  # 100
        unit("G3", coverage=(0, 1)),  # 75
        unit("G4", coverage=(0, 1), special_care=(0, 1)),  # 60
    )
    assert {c: u.rank for c, u in ranked.items()} == {"G1": 2, "G2": 1, "G3": 2, "G4": 4}


def test_scope_and_period_checks(engine):
    with pytest.raises(ValueError, match="either a quarter"):
        assess(engine, scope="grid")
    with pytest.raises(ValueError, match="either a quarter"):
        assess(engine, quarter="2026Q3", year=2026, scope="grid")
    with pytest.raises(ValueError, match="invalid quarter"):
        assess(engine, quarter="2026-07", scope="grid")
    with pytest.raises(ValueError, match="invalid assessment scope 'street'"):
        assess(engine, quarter="2026Q3", scope="street")


def _street(engine) -> None:
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C01")
    b.household("H1", "G01", special_groups="solo_elderly")
    b.household("H2", "G01")
    b.household("H3", "G02")
    b.visits(
        [{"household": "H1", "visited_at": at(2026, m, d, 9)} for m in (7, 8, 9) for d in (2, 16)]
        + [{"household": "H2", "visited_at": at(2026, 8, 8, 9)}]
    )
    b.cases(
        [
            # G01: responded in 2 h, closed in time, rated 5, from a visit on the spot
            {
                "household": "H1",
                "received_at": at(2026, 7, 6, 9),
                "source": "visit",
                "on_the_spot": True,
                "satisfaction": 5,
            },
            # G01: responded late (30 h), closed late, rated 3
            {
                "household": "H2",
                "received_at": at(2026, 8, 3, 9),
                "subcategory": "L02",
                "first_response_at": at(2026, 8, 4, 15),
                "closed_at": at(2026, 9, 30),
                "satisfaction": 3,
            },
            # G02: a repeat within 720 h, never responded
            {"household": "H3", "received_at": at(2026, 9, 1, 9)},
            {"household": "H3", "received_at": at(2026, 9, 2, 9), "source": "proactive"},
        ]
    )


def test_assess_quarter_end_to_end(engine):
    _street(engine)
    result = assess(engine, quarter="2026Q3", scope="grid", as_of=datetime(2026, 10, 1))
    assert isinstance(result, Assessment)
    doc = result.to_json_dict()
    assert list(doc) == ["quarter", "as_of", "scope", "units"]
    assert (doc["quarter"], doc["as_of"], doc["scope"]) == (
        "2026Q3",
        "2026-10-01T00:00:00+08:00",
        "grid",
    )
    g1, g2 = doc["units"]
    assert set(g1) == {"code", "name", "score", "grade", "rank", "indicators"}
    assert set(g1["indicators"]["coverage"]) == {"value", "target", "attainment", "weight"}
    # G01: coverage 2/2, special 1/1, response 1/2 (att 5/9), closure 1/2 (att 5/9),
    # satisfaction 1/2 (att 10/17), repeats 0/2, on the spot 1/1
    expected = 100 - 15 * Fraction(4, 9) * 2 - 15 * Fraction(7, 17)
    assert g1["code"] == "G01"
    assert g1["score"] == float(expected)
    assert (g1["grade"], g1["rank"]) == ("good", 1)
    assert g1["indicators"]["satisfaction"] == {
        "value": 0.5,
        "target": 0.85,
        "attainment": float(Fraction(10, 17)),
        "weight": 15,
    }
    # G02: special care, satisfaction and on-the-spot null, so the weights present are
    # coverage 25 (0/1), response 15 (0/2), closure 15 (0/2: both deadlines, 09-22 and
    # 09-23, passed) and repeats 10 (1/2, attainment 1/5): 100 * 2 / 65
    assert g2["indicators"]["special_care"]["value"] is None
    assert g2["indicators"]["special_care"]["attainment"] is None
    assert g2["indicators"]["closure_15wd"]["value"] == 0.0
    assert g2["score"] == float(Fraction(200, 65))
    assert (g2["grade"], g2["rank"]) == ("fail", 2)
    annual = assess(engine, year=2026, scope="community", as_of=datetime(2026, 10, 1))
    doc = annual.to_json_dict()
    assert list(doc) == ["year", "as_of", "scope", "units"]
    assert doc["year"] == 2026
    assert [u["code"] for u in doc["units"]] == ["C01"]
    dept = assess(engine, quarter="2026Q3", scope="department", as_of=T).to_json_dict()
    assert len(dept["units"]) == 12
    assert all(u["score"] is None and u["rank"] is None for u in dept["units"])
