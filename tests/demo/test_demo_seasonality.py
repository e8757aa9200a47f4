"""The demo street's case history has structure a forecast can learn (issue 18, item 3):
24 months of it, seasons, the Spring Festival, grids that differ by their households,
slow trends and an emerging problem in a grid.

One mid-size street (12 grids of about 120 households, two years of cases) is built once
for the module; the figures are those of its fixed seed and as-of instant.
"""

from __future__ import annotations

import shutil
import statistics
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from center.context import open_context
from center.demo import arrivals
from center.demo.build import build_demo, history_start
from center.kpi.calendar import WorkCalendar
from db.models import Case, Grid, Household, Resident, Subcategory
from db.types import CST, to_local

AS_OF = datetime(2026, 11, 5, 9, 0, tzinfo=CST)
MID = {"scale": 0.1, "households_per_grid": 120, "as_of": AS_OF}  # 12 grids, ~1,440 homes
SPRING = (  # the Spring Festival holidays (chinesecalendar's official tables)
    (date(2025, 1, 28), date(2025, 2, 4)),
    (date(2026, 2, 15), date(2026, 2, 23)),
)


def _month(d: date) -> str:
    return f"{d.year}-{d.month:02d}"


def _months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@pytest.fixture(scope="module")
def street(_sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("seasons") / "street.sqlite3"
    shutil.copy(_sqlite_template, path)
    ctx = open_context(f"sqlite:///{path}")
    try:
        summary = build_demo(ctx, seed=7, **MID)
        with ctx.engine.connect() as conn:
            cases = [
                (to_local(at), sub, grid, summary_text)
                for at, sub, grid, summary_text in conn.execute(
                    select(Case.received_at, Subcategory.code, Grid.code, Case.summary)
                    .join(Subcategory, Subcategory.id == Case.subcategory_id)
                    .join(Household, Household.id == Case.household_id)
                    .join(Grid, Grid.id == Household.grid_id)
                )
            ]
            homes = Counter(
                conn.scalars(select(Grid.code).join(Household, Household.grid_id == Grid.id))
            )
            born = conn.execute(
                select(Grid.code, Resident.household_id, Resident.birth_date)
                .join(Household, Household.id == Resident.household_id)
                .join(Grid, Grid.id == Household.grid_id)
            ).all()
        elderly: dict[str, set[int]] = {}
        for grid, home, birth in born:
            if (AS_OF.date() - birth).days >= 70 * 365.25:
                elderly.setdefault(grid, set()).add(home)
        yield summary, cases, homes, {g: len(elderly.get(g, ())) / homes[g] for g in homes}
    finally:
        ctx.close()


def _by_month(cases, keep=lambda sub, grid: True) -> Counter:
    return Counter(_month(at.date()) for at, sub, grid, _ in cases if keep(sub, grid))


def test_two_years_of_history_before_the_as_of_month(street):
    summary, cases, _, _ = street
    assert history_start(AS_OF) == date(2024, 11, 1) == summary.history_start
    first = min(at for at, *_ in cases)
    assert first.date() >= date(2024, 11, 1) and first.date() < date(2024, 11, 4)
    months = _by_month(cases)
    assert sorted(months) == _months("2024-11", "2026-11")
    assert min(months[m] for m in _months("2024-11", "2026-10")) >= 180
    assert summary.cases == len(cases)


def test_summer_heat_brings_emergencies_and_winter_brings_heating_complaints(street):
    _, cases, _, _ = street
    emergency = _by_month(cases, lambda sub, grid: sub[0] == "E")
    heating = _by_month(cases, lambda sub, grid: sub == "M02")
    school = _by_month(cases, lambda sub, grid: sub == "P04")
    for year in (2025, 2026):
        summer = (emergency[f"{year}-07"] + emergency[f"{year}-08"]) / 2
        spring = (emergency[f"{year}-03"] + emergency[f"{year}-04"]) / 2
        assert summer >= 1.6 * spring, (year, summer, spring)
        enrolment = statistics.mean(school[f"{year}-{m:02d}"] for m in (6, 7, 8))
        quiet = statistics.mean(school[f"{year}-{m:02d}"] for m in (3, 10))
        assert enrolment >= 2.5 * quiet, (year, enrolment, quiet)
    april = statistics.mean(heating[m] for m in ("2025-04", "2026-04"))
    winters = [heating[m] for m in ("2024-12", "2025-01", "2025-12", "2026-01")]
    assert min(winters) >= 1.5 * april and statistics.mean(winters) >= 2 * april, winters
    peak = max(_months("2025-03", "2026-02"), key=heating.__getitem__)  # a year's busiest month
    assert peak in ("2025-11", "2025-12", "2026-01", "2026-02"), peak
    heated = [at for at, sub, _, text in cases if sub == "M02" and "供暖" in text]
    assert len(heated) >= 40
    assert {at.month for at in heated} <= {11, 12, 1, 2, 3}


def test_fewer_cases_a_day_in_the_spring_festival(street):
    _, cases, _, _ = street
    per_day = Counter(at.date() for at, *_ in cases)
    cal = WorkCalendar()
    for first, last in SPRING:
        holiday = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        around = [
            first + timedelta(days=i)
            for i in range(-28, 36)
            if not first <= first + timedelta(days=i) <= last
            and cal.is_workday(first + timedelta(days=i))
        ]
        during = statistics.mean(per_day[d] for d in holiday)
        normal = statistics.mean(per_day[d] for d in around)
        assert during <= 0.4 * normal, (first, during, normal)


def test_grids_differ_by_their_households(street):
    summary, cases, homes, elderly = street
    emergency = Counter(grid for _, sub, grid, _ in cases if sub[0] == "E")
    disputes = Counter(grid for _, sub, grid, _ in cases if sub[0] == "M")
    emerging = {g for g, _ in summary.emerging}
    steady = sorted((g for g in elderly if g not in emerging), key=lambda g: -elderly[g])
    old, young = steady[:4], steady[-4:]  # the most and the fewest elderly households
    assert {summary.grid_housing[g] for g in old} == {"old"}
    rate = {g: emergency[g] / homes[g] for g in homes}
    assert min(rate[g] for g in old) > statistics.mean(rate[g] for g in young)
    assert sum(emergency[g] for g in old) / sum(homes[g] for g in old) >= 1.5 * (
        sum(emergency[g] for g in young) / sum(homes[g] for g in young)
    )
    housing = summary.grid_housing
    rental = [g for g in homes if housing[g] == "rental" and g not in emerging]
    settled = [g for g in homes if housing[g] == "old"]

    def per_home(grids):
        return sum(disputes[g] for g in grids) / sum(homes[g] for g in grids)

    assert per_home(rental) >= 1.3 * per_home(settled)


def test_slow_trends_by_category(street):
    _, cases, _, _ = street
    years = (_months("2024-11", "2025-10"), _months("2025-11", "2026-10"))
    for cat, lo, hi in (("L", 1.06, 1.25), ("P", 0.8, 0.97)):
        counts = _by_month(cases, lambda sub, grid, c=cat: sub[0] == c)
        before, after = (sum(counts[m] for m in ms) for ms in years)
        assert lo <= after / before <= hi, (cat, before, after)


def test_an_emerging_problem_rises_in_a_grid(street):
    summary, cases, _, _ = street
    ((grid, sub),) = summary.emerging
    counts = _by_month(cases, lambda s, g: s == sub and g == grid)
    earlier = statistics.mean(counts[m] for m in _months("2024-11", "2026-05"))
    last3 = [counts[m] for m in ("2026-08", "2026-09", "2026-10")]
    assert min(last3) >= 3 * earlier, (earlier, last3)
    assert sum(last3) >= 2 * sum(counts[m] for m in ("2026-05", "2026-06", "2026-07"))
    # elsewhere the subcategory keeps its level
    others = _by_month(cases, lambda s, g: s == sub and g != grid)
    before = statistics.mean(others[m] for m in _months("2025-08", "2025-10"))
    assert sum(others[m] for m in ("2026-08", "2026-09", "2026-10")) / 3 <= 1.5 * before


def test_a_seasonal_forecast_beats_last_month_and_the_3_month_mean(street):
    """The structure is learnable: a seasonal-naive forecast of each category's street
    total (same month last year, scaled by the last 3 months' level against a year
    before) beats both baselines of spec/insight.md over the last 12 months."""
    _, cases, _, _ = street
    series = {c: _by_month(cases, lambda sub, grid, c=c: sub[0] == c) for c in "PLME"}
    months = _months("2024-11", "2026-10")
    errors = Counter()
    actual_sum = 0
    for i in range(12, 24):
        for c in "PLME":
            s = [series[c][m] for m in months]
            actual = s[i]
            recent, year_ago = sum(s[i - 3 : i]), sum(s[i - 15 : i - 12]) if i >= 15 else 0
            level = recent / year_ago if year_ago else 1.0
            forecast = {
                "last_month": s[i - 1],
                "mean_3": recent / 3,
                "seasonal": s[i - 12] * level,
            }
            for name, f in forecast.items():
                errors[name] += abs(actual - f)
            actual_sum += actual
    wape = {name: e / actual_sum for name, e in errors.items()}
    assert wape["seasonal"] < min(wape["last_month"], wape["mean_3"]), wape


def test_spring_festival_and_holidays_come_from_the_calendar():
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(59)]
    kinds = dict(zip(days, arrivals.day_kinds(days, WorkCalendar().is_workday), strict=True))
    assert [d for d in days if kinds[d] == "spring"] == [
        date(2026, 2, 15) + timedelta(days=i) for i in range(9)
    ]
    assert [d for d in days if kinds[d] == "holiday"] == [date(2026, 1, d) for d in (1, 2, 3)]
    assert kinds[date(2026, 1, 4)] == "workday"  # the adjusted working Sunday
    assert kinds[date(2026, 1, 10)] == "weekend" and kinds[date(2026, 1, 12)] == "workday"
