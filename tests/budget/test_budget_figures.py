"""The figures of spec/office.md "Budget", exact to the fen on a hand-computed year
(tests/budget/conftest.py), and the JSON of `center budget summary`, on SQLite and
PostgreSQL.

Hand computation, year 2026 (365 days) as of T = 2026-03-31 10:00 (+08:00), day 90:

* households in scope 5 (C01: 3, C02: 2; H5 moved out in 2026, H6 on 1 January 2027),
  20.03 yuan each: standard 100.15; personnel 60.09, activities 30.045 → 30.05,
  equipment the remainder 10.01 (not 10.015 → 10.02);
* funded: L-P1 150.00 (granted 10 January) + L-E1 5.00 (no date: from 1 January);
  L-A1 (1 July) not yet: 155.00; gap −54.85, gap rate −54.85 ÷ 100.15;
* spent to T: V1 20.00 + V2 10.01 on L-P1, V3 6.00 on L-E1, V5 3.00 on L-A1 = 39.01
  (V4 is dated 1 April); all in Q1;
* forecast: 39.01 × 365 ÷ 90 = 158.2072… → 158.21; personnel 30.01 × 365 ÷ 90 =
  121.707… → 121.71 (≤ 150: not at risk), activities 3.00 → 12.17 (> 0.00: at risk),
  equipment 6.00 → 24.33 (> 5.00: at risk);
* value for money: untagged V2 + V5 = 13.01; C01 20.00 + 13.01 × 3/5 (7.806 → 7.81) =
  27.81, C02 6.00 + 13.01 × 2/5 (5.204 → 5.20) = 11.20; met visits C01 3, C02 1 (H5,
  moved out since); closed cases C01 1, C02 0 (closed after T); street 39.01, 4 visits
  (9.7525 → 9.75 each), 1 closed case.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from builders import TEST_PASSWORD, account, at

from center.cli import main
from center.office import ledger
from center.office.budget import budget_summary, category_standards, days_elapsed, forecast
from db.types import CST

T = datetime(2026, 3, 31, 10, 0, tzinfo=CST)


def test_hand_computed_year_to_the_fen(engine, year):
    s = budget_summary(engine, 2026, T)
    assert s.households == 5
    assert s.standard == Decimal("100.15")
    cats = {r.key: r for r in s.by_category}
    assert [cats[c].standard for c in ("personnel", "activities", "equipment")] == [
        Decimal("60.09"),
        Decimal("30.05"),
        Decimal("10.01"),
    ]
    assert sum(r.standard for r in s.by_category) == s.standard
    assert s.funded == Decimal("155.00")
    assert s.gap == Decimal("-54.85")
    assert s.gap_rate == float(Decimal("-54.85") / Decimal("100.15"))
    assert s.spent == Decimal("39.01")
    assert s.forecast == Decimal("158.21")
    assert [(r.key, r.funded, r.spent, r.forecast, r.at_risk) for r in s.by_category] == [
        ("personnel", Decimal("150.00"), Decimal("30.01"), Decimal("121.71"), False),
        ("activities", Decimal("0.00"), Decimal("3.00"), Decimal("12.17"), True),
        ("equipment", Decimal("5.00"), Decimal("6.00"), Decimal("24.33"), True),
    ]
    assert cats["activities"].execution is None
    assert [(r.key, r.funded, r.spent) for r in s.by_source] == [
        ("fiscal", Decimal("150.00"), Decimal("30.01")),
        ("social_fund", Decimal("0.00"), Decimal("3.00")),
        ("purchase_of_services", Decimal("5.00"), Decimal("6.00")),
    ]
    assert [(q.key, q.spent) for q in s.by_quarter] == [
        ("Q1", Decimal("39.01")),
        ("Q2", Decimal("0.00")),
        ("Q3", Decimal("0.00")),
        ("Q4", Decimal("0.00")),
    ]
    assert [(r.key, r.funded, r.spent, r.overspent) for r in s.lines] == [
        ("L-A1", Decimal("0.00"), Decimal("3.00"), True),
        ("L-E1", Decimal("5.00"), Decimal("6.00"), True),
        ("L-P1", Decimal("150.00"), Decimal("30.01"), False),
    ]


def test_value_for_money_allocates_untagged_spending_by_households(engine, year):
    s = budget_summary(engine, 2026, T)
    c01, c02 = s.communities
    assert (c01.code, c01.cost, c01.met_visits, c01.closed_cases) == ("C01", Decimal("27.81"), 3, 1)
    assert (c01.cost_per_visit, c01.cost_per_closed_case) == (Decimal("9.27"), Decimal("27.81"))
    assert (c02.code, c02.cost, c02.met_visits, c02.closed_cases) == ("C02", Decimal("11.20"), 1, 0)
    assert (c02.cost_per_visit, c02.cost_per_closed_case) == (Decimal("11.20"), None)
    assert s.street is not None
    assert (s.street.cost, s.street.met_visits, s.street.closed_cases) == (Decimal("39.01"), 4, 1)
    assert s.street.cost_per_visit == Decimal("9.75")


def test_later_in_the_year_the_donation_counts(engine, year):
    s = budget_summary(engine, 2026, datetime(2026, 7, 1, 0, 0, tzinfo=CST))
    assert s.funded == Decimal("195.00")
    assert s.spent == Decimal("46.01")  # V4 now counts
    assert {r.key: r.funded for r in s.by_source}["social_fund"] == Decimal("40.00")


def test_a_voided_expenditure_and_line_count_nowhere(engine, year, finance):
    rec = [e for e in ledger.list_expenditures(engine, finance, 2026) if e.voucher_no == "V3"][0]
    ledger.void_expenditure(engine, finance, "V3", rec.version, "录入错误")
    line = [x for x in ledger.list_lines(engine, finance, 2026) if x.line_code == "L-E1"][0]
    ledger.void_line(engine, finance, "L-E1", line.version, "重复录入")
    s = budget_summary(engine, 2026, T)
    assert s.spent == Decimal("33.01")
    assert s.funded == Decimal("150.00")
    assert [r.key for r in s.lines] == ["L-A1", "L-P1"]


@pytest.mark.parametrize(
    ("year_", "day", "elapsed", "spent", "expected"),
    [
        (2026, date(2026, 1, 1), 1, "1.00", "365.00"),
        (2026, date(2026, 12, 31), 365, "123.45", "123.45"),
        (2028, date(2028, 2, 29), 60, "10.00", "61.00"),
        (2028, date(2028, 12, 31), 366, "10.01", "10.01"),
        (2026, date(2027, 3, 1), 365, "7.77", "7.77"),  # after the year: capped
        (2026, date(2026, 1, 2), 2, "0.01", "1.83"),  # 1.825 rounds half-up
    ],
)
def test_forecast_days(year_, day, elapsed, spent, expected):
    assert days_elapsed(year_, day) == elapsed
    assert forecast(Decimal(spent), year_, day) == Decimal(expected)


def test_forecast_on_new_years_day_and_29_february(engine, finance):
    ledger.create_line(
        engine,
        finance,
        {
            "line_code": "L",
            "year": "2028",
            "category": "activities",
            "source": "fiscal",
            "amount": "100.00",
        },
    )
    ledger.create_expenditure(
        engine,
        finance,
        {
            "voucher_no": "A",
            "line_code": "L",
            "spent_on": "2028-01-01",
            "amount": "0.50",
            "payee": "x",
        },
        day=date(2028, 12, 31),
    )
    ledger.create_expenditure(
        engine,
        finance,
        {
            "voucher_no": "B",
            "line_code": "L",
            "spent_on": "2028-02-29",
            "amount": "9.50",
            "payee": "x",
        },
        day=date(2028, 12, 31),
    )
    jan1 = budget_summary(engine, 2028, datetime(2028, 1, 1, 8, tzinfo=CST))
    assert (jan1.spent, jan1.forecast) == (Decimal("0.50"), Decimal("183.00"))
    feb29 = budget_summary(engine, 2028, datetime(2028, 2, 29, 23, 59, tzinfo=CST))
    assert (feb29.spent, feb29.forecast) == (Decimal("10.00"), Decimal("61.00"))
    dec31 = budget_summary(engine, 2028, datetime(2028, 12, 31, 23, 59, tzinfo=CST))
    assert dec31.forecast == Decimal("10.00")
    # T's date in +08:00: 28 February 17:00 UTC is already 29 February in Beijing
    utc = datetime.fromisoformat("2028-02-28T17:00:00+00:00")
    assert budget_summary(engine, 2028, utc).spent == Decimal("10.00")


def test_split_remainder_goes_to_equipment():
    split = {"personnel": Decimal("0.6"), "activities": Decimal("0.3"), "equipment": Decimal("0.1")}
    out = category_standards(Decimal("0.35"), split)
    # 0.21, 0.105 → 0.11, remainder 0.03 (not 0.035 → 0.04)
    assert out == {
        "personnel": Decimal("0.21"),
        "activities": Decimal("0.11"),
        "equipment": Decimal("0.03"),
    }


def test_summary_json_through_the_cli(db_url, engine, year, capsys):
    code = main(
        [
            "budget",
            "summary",
            "--db",
            db_url,
            "--year",
            "2026",
            "--as-of",
            "2026-03-31T10:00:00",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == [
        "year",
        "as_of",
        "households",
        "yuan_per_household",
        "standard",
        "funded",
        "spent",
        "gap",
        "gap_rate",
        "execution",
        "forecast",
        "by_category",
        "by_source",
        "by_quarter",
        "lines",
        "communities",
        "street",
    ]
    assert doc["year"] == 2026
    assert doc["as_of"] == "2026-03-31T10:00:00+08:00"
    assert doc["households"] == 5
    assert doc["yuan_per_household"] == "20.03"
    assert (doc["standard"], doc["funded"], doc["spent"], doc["gap"]) == (
        "100.15",
        "155.00",
        "39.01",
        "-54.85",
    )
    assert doc["gap_rate"] == pytest.approx(-54.85 / 100.15)
    assert doc["execution"] == pytest.approx(39.01 / 155)
    assert doc["forecast"] == "158.21"
    assert doc["by_category"] == {
        "personnel": {
            "standard": "60.09",
            "funded": "150.00",
            "spent": "30.01",
            "execution": pytest.approx(30.01 / 150),
            "forecast": "121.71",
            "at_risk": False,
        },
        "activities": {
            "standard": "30.05",
            "funded": "0.00",
            "spent": "3.00",
            "execution": None,
            "forecast": "12.17",
            "at_risk": True,
        },
        "equipment": {
            "standard": "10.01",
            "funded": "5.00",
            "spent": "6.00",
            "execution": pytest.approx(1.2),
            "forecast": "24.33",
            "at_risk": True,
        },
    }
    assert doc["by_source"] == {
        "fiscal": {"funded": "150.00", "spent": "30.01", "execution": pytest.approx(30.01 / 150)},
        "social_fund": {"funded": "0.00", "spent": "3.00", "execution": None},
        "purchase_of_services": {
            "funded": "5.00",
            "spent": "6.00",
            "execution": pytest.approx(1.2),
        },
    }
    assert doc["by_quarter"] == {"Q1": "39.01", "Q2": "0.00", "Q3": "0.00", "Q4": "0.00"}
    assert doc["lines"][0] == {
        "line_code": "L-A1",
        "category": "activities",
        "source": "social_fund",
        "funded": "0.00",
        "spent": "3.00",
        "execution": None,
        "overspent": True,
    }
    assert [ln["line_code"] for ln in doc["lines"]] == ["L-A1", "L-E1", "L-P1"]
    assert doc["communities"] == [
        {
            "code": "C01",
            "cost": "27.81",
            "met_visits": 3,
            "closed_cases": 1,
            "cost_per_visit": "9.27",
            "cost_per_closed_case": "27.81",
        },
        {
            "code": "C02",
            "cost": "11.20",
            "met_visits": 1,
            "closed_cases": 0,
            "cost_per_visit": "11.20",
            "cost_per_closed_case": None,
        },
    ]
    assert doc["street"] == {
        "cost": "39.01",
        "met_visits": 4,
        "closed_cases": 1,
        "cost_per_visit": "9.75",
        "cost_per_closed_case": "39.01",
    }


def test_settings_through_the_cli(db_url, engine, capsys, monkeypatch):
    account(engine, "adm", "admin")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    code = main(
        [
            "budget",
            "settings",
            "--db",
            db_url,
            "--year",
            "2027",
            "--per-household",
            "25.50",
            "--split",
            "0.5,0.3,0.2",
            "--user",
            "adm",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "25.50 yuan per household" in out
    s = budget_summary(engine, 2027, at(2027, 1, 1))
    assert s.yuan_per_household == Decimal("25.50")
    assert s.split["equipment"] == Decimal("0.2")
    assert budget_summary(engine, 2026, at(2026, 1, 1)).yuan_per_household == Decimal("20.00")
    code = main(
        [
            "budget",
            "settings",
            "--db",
            db_url,
            "--year",
            "2027",
            "--split",
            "0.5,0.3,0.3",
            "--user",
            "adm",
        ]
    )
    _, err = capsys.readouterr()
    assert code == 2 and "sum to 1" in err
