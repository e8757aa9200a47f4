"""The 趋势与预测 tab with pytest-qt: a unit's KPI trend (12 months, the target dashed),
the forecast against actual of a unit and category (the backtest's sums), who sees the
tab, a refused load. Runs on both engines.

The street (as of 2026-11-05 09:00): 东园社区 (C01) with 东园一网格 (G01) and 东园二网格
(G02), 西园社区 (C02) with 西园一网格 (G03, no household). Cases (subcategory L01, life,
unless said):

* G01, 2026-03-10 09:00: A1 answered after 1 h, A2 after 30 h;
* G01, 2026-06-10 09:00: B1–B4 answered after 1 h (B4 is M01, dispute);
* G02, 2026-06-10 09:00: B5 answered after 48 h;
* G01, 2026-10-08 09:00: C1 answered after 1 h;
* G01, 2026-11-01 09:00: D1 not answered (its 24 h are over by T).

So G01's 24 h response rate is 1/2 in March, 4/4 in June, 1/1 in October, 0/1 in
November and none in the other months; 东园社区's in June is 4/5. The backtest (the 12
complete months 2025-11 … 2026-10) counts G01's cases: 2 in March, 4 in June (1 of
them dispute), 1 in October; 东园社区's June 5.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import Builder, account, at
from PySide6.QtCore import Qt
from sqlalchemy import text

from center.windows.workstation import trends_view
from center.windows.workstation.trends_view import TrendsView

pytestmark = pytest.mark.gui
WAIT = 120_000
T = at(2026, 11, 5, 9)
MONTHS = [f"2025-{m:02d}" for m in (12,)] + [f"2026-{m:02d}" for m in range(1, 12)]
BACKTEST_MONTHS = ["2025-11", "2025-12"] + [f"2026-{m:02d}" for m in range(1, 11)]


def build(engine) -> None:
    b = Builder(engine, street="测试街道")
    b.community("C01", name="东园社区")
    b.community("C02", name="西园社区")
    b.grid("G01", community="C01", name="东园一网格")
    b.grid("G02", community="C01", name="东园二网格")
    b.grid("G03", community="C02", name="西园一网格")
    for h in ("H1", "H2", "H3"):
        b.household(h, grid="G01")
    b.household("H9", grid="G02")

    def case(code, hh, grid, got, hours, **kw):
        row = {"code": code, "household": hh, "grid": grid, "received_at": got, **kw}
        if hours is not None:
            row["first_response_at"] = got + timedelta(hours=hours)
        return row

    march, june, october = at(2026, 3, 10, 9), at(2026, 6, 10, 9), at(2026, 10, 8, 9)
    b.cases(
        [
            case("A1", "H1", "G01", march, 1),
            case("A2", "H2", "G01", march, 30),
            case("B1", "H1", "G01", june, 1),
            case("B2", "H2", "G01", june, 1),
            case("B3", "H3", "G01", june, 1),
            case("B4", "H3", "G01", june, 1, subcategory="M01"),
            case("B5", "H9", "G02", june, 48),
            case("C1", "H1", "G01", october, 1),
            case("D1", "H2", "G01", at(2026, 11, 1, 9), None),
        ]
    )


def _open(qtbot, engine, actor) -> TrendsView:
    view = TrendsView(engine, actor, clock_fn=lambda: T)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    return view


def _started(qtbot, view: TrendsView) -> None:
    with (
        qtbot.waitSignal(view.trend_loaded, timeout=WAIT),
        qtbot.waitSignal(view.forecast_loaded, timeout=WAIT),
    ):
        view.start()


def _line(chart, name: str):
    """The chart's series named ``name`` in its legend: (xs, ys)."""
    for sample, label in chart.legend.items:
        if label.text == name:
            item = sample.item
            return list(item.xData), list(item.yData)
    raise KeyError(name)


def test_units_offered_in_order():
    from center.cases.inbox import FilterChoices

    choices = FilterChoices(
        communities=(("C01", "东园社区"), ("C02", "西园社区")),
        grids=(("G01", "一", "C01"), ("G02", "二", "C01"), ("G03", "三", "C02")),
        departments=(),
        categories=(),
        street="测试街道",
    )
    assert [(u.scope, u.code, u.grids) for u in trends_view.units_of(choices)] == [
        ("street", "测试街道", ("G01", "G02", "G03")),
        ("community", "C01", ("G01", "G02")),
        ("grid", "G01", ("G01",)),
        ("grid", "G02", ("G02",)),
        ("community", "C02", ("G03",)),
        ("grid", "G03", ("G03",)),
    ]


def test_a_grid_and_kpi_show_its_twelve_months(qtbot, engine):
    build(engine)
    view = _open(qtbot, engine, account(engine, "lead", "leader"))
    _started(qtbot, view)
    assert view.unit.count() == 6 and view.unit.itemText(2).strip() == "东园一网格"
    view.select_kpi("response_24h")  # the street scope is loaded: drawn at once
    with qtbot.waitSignal(view.trend_loaded, timeout=WAIT):
        view.select_unit("grid", "G01")
    expected = {"2026-03": 0.5, "2026-06": 1.0, "2026-10": 1.0, "2026-11": 0.0}
    assert view.trend_points == [(m, expected.get(m)) for m in MONTHS]
    xs, ys = _line(view.trend_chart, "24 h response rate")
    assert xs == [3, 6, 10, 11] and ys == [50.0, 100.0, 100.0, 0.0]
    tx_, ty = _line(view.trend_chart, "Target")
    assert ty == [90.0, 90.0]  # the target, dashed, across the 12 months
    ticks = view.trend_chart.getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == [m[2:] for m in MONTHS]
    # another scope is loaded when chosen
    with qtbot.waitSignal(view.trend_loaded, timeout=WAIT):
        view.select_unit("community", "C01")
    assert dict(view.trend_points)["2026-06"] == pytest.approx(0.8)
    # another KPI of a loaded scope re-draws at once; an hours KPI is drawn in hours
    with qtbot.waitSignal(view.trend_loaded, timeout=WAIT):
        view.select_kpi("avg_response_hours")
    assert view.trend_chart.getAxis("left").labelText == "hours"


def test_forecast_against_actual_sums_the_units_cells(qtbot, engine):
    build(engine)
    view = _open(qtbot, engine, account(engine, "coord", "coordinator"))
    _started(qtbot, view)
    with qtbot.waitSignal(view.trend_loaded, timeout=WAIT):
        view.select_unit("grid", "G01")
    f = view.shown_forecast
    assert f is not None and f.months == BACKTEST_MONTHS
    g01 = {"2026-03": 2, "2026-06": 4, "2026-10": 1}
    assert f.actual == [g01.get(m, 0) for m in BACKTEST_MONTHS]
    xs, ys = _line(view.forecast_chart, "Actual")
    assert xs == list(range(12)) and ys == f.actual
    # the forecast drawn is the backtest's selected method's, summed over the cells
    bt = view.forecast_data.backtest
    want = [
        sum(c.of(bt.selected).forecast for c in bt.cells if c.grid == "G01" and c.month == m)
        for m in BACKTEST_MONTHS
    ]
    shown = trends_view.method_label(bt.selected, bt.model_name)
    assert shown == (
        f"Model ({bt.model_name})"
        if bt.selected == "model"
        else {"last_month": "Last month's count", "mean_3": "Mean of the last 3 months"}[
            bt.selected
        ]
    )
    _, fy = _line(view.forecast_chart, f"Forecast: {shown}")
    assert fy == pytest.approx(want)
    assert f.lo == pytest.approx(
        [
            sum(c.of(bt.selected).lo for c in bt.cells if c.grid == "G01" and c.month == m)
            for m in BACKTEST_MONTHS
        ]
    )
    # next month's point
    nxt = view.forecast_data.next
    assert f.next_month == nxt.month == "2026-12"
    assert f.next_forecast == pytest.approx(sum(c.forecast for c in nxt.cells if c.grid == "G01"))
    ticks = view.forecast_chart.getAxis("bottom")._tickLevels[0]
    assert ticks[-1] == (12, "26-12")
    assert "2026-12 forecast:" in view.forecast_note.text()
    # a category, and a community: re-drawn from the same backtest
    view.select_category("dispute")
    assert view.shown_forecast.actual == [1 if m == "2026-06" else 0 for m in BACKTEST_MONTHS]
    with qtbot.waitSignal(view.forecast_loaded, timeout=WAIT):
        view.select_unit("community", "C01")
    c01 = {"2026-03": 0, "2026-06": 1}
    assert view.shown_forecast.actual == [c01.get(m, 0) for m in BACKTEST_MONTHS]
    view.select_category("all")
    assert view.shown_forecast.actual == [
        {"2026-03": 2, "2026-06": 5, "2026-10": 1}.get(m, 0) for m in BACKTEST_MONTHS
    ]
    # the reload button loads both again
    with (
        qtbot.waitSignal(view.trend_loaded, timeout=WAIT),
        qtbot.waitSignal(view.forecast_loaded, timeout=WAIT),
    ):
        qtbot.mouseClick(view.reload_button, Qt.MouseButton.LeftButton)
    assert view.selected_unit().code == "C01"
    assert view.shown_forecast.actual[7] == 5
    # a change elsewhere re-reads the KPI trend, not the backtest
    before = view.forecast_data
    with qtbot.waitSignal(view.trend_loaded, timeout=WAIT):
        view.refresh()
    assert view.forecast_data is before and not view.is_busy()


def test_a_unit_gone_since_says_why(qtbot, engine):
    build(engine)
    view = _open(qtbot, engine, account(engine, "assess", "assessor"))
    _started(qtbot, view)
    with engine.begin() as conn:  # another workstation removes an empty grid
        conn.execute(text("DELETE FROM grid WHERE code = 'G03'"))
    with qtbot.waitSignal(view.failed, timeout=WAIT) as blocker:
        view.select_unit("grid", "G03")
    assert blocker.args[0] == "no grid with code 'G03'"
    assert view.status.text() == blocker.args[0]
    assert view.trend_points == []


def test_the_tab_in_chinese(qtbot, qapp, engine):
    from center.windows.runtime.i18n import install_translators

    build(engine)
    try:
        install_translators(qapp, "zh_CN")
        view = _open(qtbot, engine, account(engine, "coord", "coordinator"))
        _started(qtbot, view)
        assert view.kpi.currentText() == "走访覆盖率"
        assert view.category.itemText(3) == "矛盾调解"
        assert view.trend_chart.getAxis("left").labelText == "%"
        assert _line(view.forecast_chart, "实际")[1] == view.shown_forecast.actual
        view.resize(1366, 768)
        qtbot.wait(50)
        view.grab().save("/tmp/trends/trends_zh.png")
    finally:
        install_translators(qapp, "en")


def test_who_sees_the_tab(qtbot, ctx):
    from center.windows.workstation.main_window import WorkstationWindow

    build(ctx.engine)
    for role, shown in (
        ("leader", True),
        ("coordinator", True),
        ("assessor", True),
        ("finance", False),
        ("grid_worker", False),
        ("department", False),
        ("admin", False),
    ):
        kw = {"grid": "G01"} if role == "grid_worker" else {}
        kw = {"dept": "D01"} if role == "department" else kw
        actor = account(ctx.engine, f"u_{role}", role, **kw)
        w = WorkstationWindow(ctx, actor, live=False, clock_fn=lambda: T, idle_timeout_ms=None)
        qtbot.addWidget(w)
        assert w.has_tab("trends") is shown, role
        assert (w.trends is not None) is shown, role
        if w.trends is not None:
            # another workstation's change to cases reloads the charts
            with qtbot.waitSignal(w.trends.trend_loaded, timeout=WAIT):
                w._on_changed(frozenset({"cases"}))
            assert len(w.trends.trend_points) == 12
        w.shutdown()
