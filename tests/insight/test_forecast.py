"""The demand forecast (spec/insight.md, "Demand forecast"): the backtest's baselines
and measures on a hand-made series where every number is worked out by hand, the
fallback rule, and the JSON of `center forecast` on both engines."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from builders import Builder, at

from center.core.access import Actor
from center.core.errors import InvalidInput
from center.insight import forecast as fc
from center.insight import metrics

READER = Actor("reader", "leader")

# The hand-made street: three grids (G01, G02 in community C01; G03 in C02), cases
# received on the 10th of each month of 2026, per cell:
#            Jan Feb Mar Apr
# G01 life     4   2   1   5
# G02 policy   0   3   1   2
# G02 life     0   0   2   2
# G03 emerg.   1   1   3   0
SERIES = {
    ("G01", "L01"): [4, 2, 1, 5],
    ("G02", "P01"): [0, 3, 1, 2],
    ("G02", "L02"): [0, 0, 2, 2],
    ("G03", "E01"): [1, 1, 3, 0],
}


def _street(engine, series=SERIES, first_month=1) -> Builder:
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C01")
    b.grid("G03", community="C02")
    rows = []
    for (grid, sub), counts in series.items():
        home = f"H{grid}"
        if not b._has("household", home):
            b.household(home, grid=grid)
        for k, n in enumerate(counts):
            rows += [
                {
                    "household": home,
                    "received_at": at(2026, first_month + k, 10, 9),
                    "subcategory": sub,
                    "grid": grid,
                }
            ] * n
    b.cases(rows)
    return b


def _approx(value: Fraction | float) -> object:
    return pytest.approx(float(value), abs=1e-9)


def test_backtest_baselines_and_measures_by_hand(engine):
    b = _street(engine)
    # neither a case after the last complete month nor one after T counts
    b.cases(
        [
            {"household": "HG01", "received_at": at(2026, 5, 2, 9), "grid": "G01"},
            {"household": "HG01", "received_at": at(2026, 5, 20, 9), "grid": "G01"},
        ]
    )
    bt = fc.backtest(engine, READER, 2, at(2026, 5, 10, 12))
    assert bt.months == ["2026-03", "2026-04"]
    assert len(bt.cells) == 2 * 12  # every grid × 4 categories, each month
    cell = {(c.month, c.grid, c.category): c for c in bt.cells}

    # last_month: last month's count; mean_3: the mean of the last 3 months, December
    # 2025 (before the data's first month) counting as 0; intervals: Poisson 10th/90th
    expect = {
        # (month, grid, category): (actual, last_month (f, lo, hi), mean_3 (f, lo, hi))
        ("2026-03", "G01", "life"): (1, (2, 0, 4), (Fraction(6, 3), 0, 4)),
        ("2026-03", "G02", "policy"): (1, (3, 1, 5), (Fraction(3, 3), 0, 2)),
        ("2026-03", "G02", "life"): (2, (0, 0, 0), (0, 0, 0)),
        ("2026-03", "G03", "emergency"): (3, (1, 0, 2), (Fraction(2, 3), 0, 2)),
        ("2026-04", "G01", "life"): (5, (1, 0, 2), (Fraction(7, 3), 1, 4)),
        ("2026-04", "G02", "policy"): (2, (1, 0, 2), (Fraction(4, 3), 0, 3)),
        ("2026-04", "G02", "life"): (2, (2, 0, 4), (Fraction(2, 3), 0, 2)),
        ("2026-04", "G03", "emergency"): (0, (3, 1, 5), (Fraction(5, 3), 0, 3)),
        ("2026-04", "G03", "policy"): (0, (0, 0, 0), (0, 0, 0)),
    }
    for key, (actual, last, mean3) in expect.items():
        c = cell[key]
        assert c.actual == actual, key
        assert (c.last_month.forecast, c.last_month.lo, c.last_month.hi) == (
            _approx(last[0]),
            last[1],
            last[2],
        ), key
        assert (c.mean_3.forecast, c.mean_3.lo, c.mean_3.hi) == (
            _approx(mean3[0]),
            mean3[1],
            mean3[2],
        ), key
    # every other cell: nothing arrived, nothing forecast by the baselines
    others = [c for k, c in cell.items() if k not in expect]
    assert all(c.actual == 0 and c.last_month.forecast == 0 == c.mean_3.forecast for c in others)

    # Σ actual = 7 (March) + 9 (April) = 16
    # last_month |errors|: March 1+2+2+2 = 7, April 4+1+3+0 = 8 -> 15/16
    # mean_3: March 1+0+7/3+2 = 16/3, April 8/3+2/3+5/3+4/3 = 19/3 -> (35/3)/16 = 35/48
    # accuracy on community × category sums (C01 life = G01 + G02 life):
    #   last_month: C01 life 3 vs 2 -> 1, 7 vs 3 -> 4; C01 policy 2, 1; C02 emergency 2, 3
    #     = 13 -> 1 - 13/16 = 3/16
    #   mean_3: C01 life 3 vs 2 -> 1, 7 vs 3 -> 4; C01 policy 0, 2/3; C02 emergency 7/3,
    #     5/3 = 29/3 -> 1 - 29/48 = 19/48
    # hotspots, K = ceil(0.1 × 12) = 2: March actual top {G03 emergency, G02 life};
    #   April actual 5, 2, 2: the tie of G02 life and G02 policy goes to life (category
    #   code ascending) -> {G01 life, G02 life}.
    #   last_month March {G02 policy, G01 life}: 0; April {G03 emergency, G02 life}: 1/2
    #   mean_3 March {G01 life, G02 policy}: 0; April {G01 life, G03 emergency}: 1/2
    # coverage of 24 (month, cell) pairs, the 16 empty ones inside [0, 0]:
    #   last_month: March G03 emergency and G02 life outside, April G01 life and G03
    #   emergency outside -> 20/24; mean_3: March the same two, April G01 life -> 21/24
    assert bt.metrics["last_month"] == {
        "wape": _approx(Fraction(15, 16)),
        "accuracy": _approx(Fraction(3, 16)),
        "hotspot_precision": _approx(0.25),
        "interval_coverage": _approx(Fraction(20, 24)),
    }
    assert bt.metrics["mean_3"] == {
        "wape": _approx(Fraction(35, 48)),
        "accuracy": _approx(Fraction(19, 48)),
        "hotspot_precision": _approx(0.25),
        "interval_coverage": _approx(Fraction(21, 24)),
    }
    # the model's measures are those of its own cells, by the same functions
    model = [(c.actual, c.model.forecast) for c in bt.cells]
    assert bt.metrics["model"]["wape"] == _approx(
        sum(abs(a - f) for a, f in model) / sum(a for a, _ in model)
    )
    inside = sum(c.model.lo <= c.actual <= c.model.hi for c in bt.cells)
    assert bt.metrics["model"]["interval_coverage"] == _approx(inside / 24)
    assert bt.model_name in fc.CANDIDATES
    assert bt.metrics["model"]["wape"] == _approx(min(bt.candidate_wapes.values()))
    assert bt.selected == fc.select_method({k: v["wape"] for k, v in bt.metrics.items()})


def test_hotspot_ties_go_to_grid_then_category_code():
    acts = {("G01", "policy"): 5.0, ("G02", "life"): 2.0, ("G02", "policy"): 2.0}
    acts.update({(f"G0{i}", "dispute"): 0.0 for i in range(3, 10)})  # 10 cells: K = 1
    assert metrics.hotspot_k(10) == 1 and metrics.hotspot_k(11) == 2 and metrics.hotspot_k(30) == 3
    assert metrics.top_cells(acts, 2) == [("G01", "policy"), ("G02", "life")]
    # a forecast whose top cell is G02 policy misses; G02 life would hit at K = 2
    fcs = dict.fromkeys(acts, 0.0) | {("G02", "policy"): 3.0, ("G02", "life"): 3.0}
    assert metrics.top_cells(fcs, 1) == [("G02", "life")]
    acts11 = acts | {("G10", "life"): 0.0}  # 11 cells: K = 2
    assert metrics.hotspot_precision([(acts11, fcs | {("G10", "life"): 0.0})]) == 0.5
    assert metrics.interval_coverage([(2, 2, 4), (4, 2, 4), (5, 2, 4), (1, 2, 4)]) == 0.5


def test_fallback_rule_ties_and_missing_numbers():
    sel = fc.select_method
    assert sel({"model": 0.2, "last_month": 0.2, "mean_3": 0.3}) == "model"
    assert sel({"model": 0.21, "last_month": 0.2, "mean_3": 0.3}) == "last_month"
    assert sel({"model": 0.4, "last_month": 0.3, "mean_3": 0.3}) == "mean_3"
    assert sel({"model": 0.4, "last_month": 0.35, "mean_3": 0.3}) == "mean_3"
    assert sel({"model": None, "last_month": None, "mean_3": None}) == "mean_3"


# A constant cell that starts in February: last_month is exact from March on, mean_3
# is not until May, and no fitted model is exactly right: the baseline wins.
FLAT = {("G01", "L01"): [4, 4, 4, 4]}


def test_a_series_the_baseline_wins_shows_the_baseline(engine):
    _street(engine, FLAT, first_month=2)
    bt = fc.backtest(engine, READER, 3, at(2026, 6, 5))
    assert bt.months == ["2026-03", "2026-04", "2026-05"]
    assert bt.metrics["last_month"]["wape"] == 0.0
    assert bt.metrics["mean_3"]["wape"] == _approx(Fraction(8 + 4, 3) / 12)
    assert bt.metrics["model"]["wape"] > 0.0
    assert bt.selected == "last_month"
    month = fc.forecast_month(engine, READER, "2026-06", at(2026, 6, 5))
    assert month.selected == "last_month" and month.model_name in fc.CANDIDATES
    g01 = {c.category: c for c in month.cells if c.grid == "G01"}
    assert (g01["life"].forecast, g01["life"].lo, g01["life"].hi) == (4.0, 2.0, 7.0)
    assert [(c.grid, c.category) for c in month.cells] == [
        (g, cat) for g in ("G01", "G02", "G03") for cat in fc.CATEGORIES
    ]
    assert all(c.forecast == 0 for c in month.cells if (c.grid, c.category) != ("G01", "life"))


def test_a_forecast_past_the_data_steps_from_the_last_complete_month(engine):
    _street(engine, FLAT, first_month=2)
    # T in June: June is not complete and not counted; August is three steps ahead
    month = fc.forecast_month(engine, READER, "2026-08", at(2026, 6, 20))
    g01 = next(c for c in month.cells if (c.grid, c.category) == ("G01", "life"))
    assert month.selected == "last_month" and g01.forecast == 4.0


def test_bad_input_is_refused(engine):
    with pytest.raises(InvalidInput):
        fc.forecast_month(engine, READER, "2026-13", at(2026, 6, 5))
    with pytest.raises(InvalidInput):
        fc.backtest(engine, READER, 0, at(2026, 6, 5))


def test_cli_json_field_names(db_url, capsys):
    from db.engine import open_database

    eng = open_database(db_url)
    try:
        _street(eng, FLAT, first_month=2)
    finally:
        eng.dispose()
    from center.cli import main

    assert (
        main(
            [
                "forecast",
                "--db",
                db_url,
                "--month",
                "2026-06",
                "--as-of",
                "2026-06-05T00:00:00+08:00",
                "--json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["month", "as_of", "selected", "model_name", "cells"]
    assert (doc["month"], doc["as_of"], doc["selected"]) == (
        "2026-06",
        "2026-06-05T00:00:00+08:00",
        "last_month",
    )
    assert len(doc["cells"]) == 12
    assert doc["cells"][1] == {
        "grid": "G01",
        "category": "life",
        "forecast": 4.0,
        "lo": 2.0,
        "hi": 7.0,
    }

    args = ["forecast", "--db", db_url, "--backtest", "--months", "3", "--as-of", "2026-06-05"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["as_of", "months", "selected", "model_name", "metrics", "cells"]
    assert doc["months"] == ["2026-03", "2026-04", "2026-05"]
    assert doc["selected"] == "last_month"
    assert list(doc["metrics"]) == ["model", "last_month", "mean_3"]
    for m in doc["metrics"].values():
        assert list(m) == ["wape", "accuracy", "hotspot_precision", "interval_coverage"]
    assert doc["metrics"]["mean_3"]["wape"] == pytest.approx(1 / 3, abs=1e-6)
    first = doc["cells"][1]
    assert list(first) == ["month", "grid", "category", "actual", "model", "last_month", "mean_3"]
    assert (first["month"], first["grid"], first["category"], first["actual"]) == (
        "2026-03",
        "G01",
        "life",
        4,
    )
    assert first["mean_3"] == {"forecast": pytest.approx(4 / 3, abs=1e-6), "lo": 0.0, "hi": 3.0}
    assert list(first["model"]) == ["forecast", "lo", "hi"]

    # the readable table says the baseline is shown and why
    assert main([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "showing last_month" in out and "mean_3" in out and "wape" in out
    assert main(["forecast", "--db", db_url, "--months", "3", "--lang", "en"]) == 2
    assert "give --month" in capsys.readouterr().err


def test_calendar_features_come_from_the_products_calendar(engine):
    """Working days and weekday holidays of a month, the administrator's overrides
    included: October 2031 (a year chinesecalendar does not cover) starts on a
    Wednesday and has 23 weekdays; 1–3 October off and Saturday the 11th worked give
    21 working days and 3 weekday holidays of 31 days."""
    from datetime import date

    b = Builder(engine)
    for day in (1, 2, 3):
        b.holiday(date(2031, 10, day), "holiday", "国庆节")
    b.holiday(date(2031, 10, 11), "workday", "国庆节调休")
    history = fc.load_history(engine, fc.month_index("2031-11"), at(2031, 11, 5))
    assert fc._calendar_features(history.calendar, fc.month_index("2031-10")) == (21.0, 3.0, 31.0)
    assert fc._calendar_features(history.calendar, fc.month_index("2031-11")) == (20.0, 0.0, 30.0)


def test_cli_refuses_a_mistyped_month_or_count_in_the_users_language(db_url, capsys):
    from center.cli import main

    assert main(["forecast", "--db", db_url, "--month", "2026-1", "--lang", "zh_CN"]) == 2
    assert "--month：'2026-1' 不是月份（YYYY-MM）" in capsys.readouterr().err
    assert main(["forecast", "--db", db_url, "--backtest", "--months", "0", "--lang", "en"]) == 2
    assert "--months: '0' is not a positive number of months" in capsys.readouterr().err


def test_percentiles_are_the_smallest_k_whose_cdf_reaches_p():
    from scipy.stats import nbinom, poisson

    # Poisson(2): CDF(0) = 0.1353 >= 0.1 -> 0; CDF(3) = 0.857, CDF(4) = 0.947 -> 4
    assert metrics.poisson_interval(2.0) == (0, 4)
    # Poisson(0.05): CDF(0) = 0.951 >= 0.9 -> [0, 0], which leaves out its mean (allowed)
    assert metrics.poisson_interval(0.05) == (0, 0)
    for mean in (0.3, 1.0, 7.5, 42.0):
        for alpha in (0.0, 0.05, 0.6):
            for p in (metrics.LOWER_P, metrics.UPPER_P):
                k = metrics.negbin_percentile(mean, alpha, p)
                if alpha == 0.0:
                    cdf = poisson(mean).cdf
                else:
                    n = 1 / alpha
                    cdf = nbinom(n, n / (n + mean)).cdf
                assert cdf(k) >= p and (k == 0 or cdf(k - 1) < p), (mean, alpha, p)
