"""The 改进建议 tab with pytest-qt: choosing a month lists that month's suggestions
(center/insight/suggest.py) and the satisfaction drivers; the reload button; who sees
the tab. Runs on both engines.

The street (as of 2026-11-05 09:00): 东园社区 with 东园一网格, households H1–H4 all
visited on 10-09. Four cases received 10-08 09:00, answered after 1 h: K1 (proactive)
and K4 (proactive) closed 10-12 rated 5, K2 closed 10-12 rated 4, K3 (L07, assigned to
D06 城管) closed late on 11-04. October: on-time closure 3/4 < 90 % (missing ⌈3.6⌉ − 3 =
1, all of it in 东园一网格 and at 城管); every other KPI meets its target. September:
no visit, so coverage 0/4 (missing ⌈3.8⌉ = 4), and no case.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import Builder, account, at
from PySide6.QtCore import Qt

from center.windows.workstation import texts as tx
from center.windows.workstation.insight_view import InsightView, month_labels

pytestmark = pytest.mark.gui
WAIT = 20_000
T = at(2026, 11, 5, 9)

OCTOBER_EN = (
    "1. On-time closure rate 75.0% (3/4), target ≥90.0%; no value last month; 1 more case"
    " must close by their deadline. Largest shortfalls by community: 东园社区 (75.0%, short"
    " by 1, 100.0%); by grid: 东园一网格 (75.0%, short by 1, 100.0%); by department: urban"
    " management (0.0%, short by 1, 100.0%). 1 case closed late or overdue: by subcategory"
    " parking 1 (100.0%); by department urban management 1 (100.0%). Asked of 东园社区,"
    " 东园一网格, urban management: chase every late case to a fixed closing date."
)
OCTOBER_ZH = (
    "1. 按期办结率75.0%（3/4），未达目标（≥90.0%），上月无数据；还需1件诉求按期办结。"
    "缺口主要来自社区：东园社区（75.0%，缺1件，占100.0%）；网格：东园一网格（75.0%，缺1件，"
    "占100.0%）；部门：城管（0.0%，缺1件，占100.0%）。超期办结或逾期未办结的诉求共1件，"
    "按小类：停车管理1件（100.0%）；按部门：城管1件（100.0%）。"
    "请东园社区、东园一网格、城管对超期诉求逐件督办，明确办结时限。"
)
SEPTEMBER_EN = (
    "1. Visit coverage 0.0% (0/4), target ≥95.0%; unchanged from last month (0.0%); 4 more"
    " households must meet their visit cadence. Largest shortfalls by community: 东园社区"
    " (0.0%, short by 4, 100.0%); by grid: 东园一网格 (0.0%, short by 4, 100.0%). 4"
    " households that missed their cadence: by household ordinary households 4 (100.0%)."
    " Asked of 东园社区, 东园一网格: plan the missing visits household by household."
)


def build(engine) -> None:
    b = Builder(engine, street="测试街道")
    b.community("C01", name="东园社区")
    b.grid("G01", community="C01", name="东园一网格")
    for h in ("H1", "H2", "H3", "H4"):
        b.household(h, grid="G01")
    b.visits({"household": h, "visited_at": at(2026, 10, 9, 9)} for h in ("H1", "H2", "H3", "H4"))
    got = at(2026, 10, 8, 9)
    common = {"grid": "G01", "received_at": got, "first_response_at": got + timedelta(hours=1)}
    b.cases(
        [
            {**common, "code": "K1", "household": "H1", "source": "proactive",
             "closed_at": at(2026, 10, 12, 9), "satisfaction": 5, "status": "rated"},
            {**common, "code": "K2", "household": "H2",
             "closed_at": at(2026, 10, 12, 9), "satisfaction": 4, "status": "rated"},
            {**common, "code": "K3", "household": "H3", "subcategory": "L07", "dept": "D06",
             "assigned_at": got + timedelta(minutes=30), "accepted_at": got + timedelta(hours=1),
             "closed_at": at(2026, 11, 4, 9), "status": "resolved"},
            {**common, "code": "K4", "household": "H4", "source": "proactive",
             "closed_at": at(2026, 10, 12, 9), "satisfaction": 5, "status": "rated"},
        ]
    )  # fmt: skip


def _open(qtbot, engine, actor) -> InsightView:
    view = InsightView(engine, actor, clock_fn=lambda: T)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    return view


def _rows(view: InsightView) -> list[list[str]]:
    t = view.drivers
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_months_offered_newest_first():
    labels = month_labels(T)
    assert labels[:3] == ["2026-11", "2026-10", "2026-09"]
    assert labels[-1] == "2025-12" and len(labels) == 12


def test_choosing_a_month_lists_its_suggestions(qtbot, engine):
    build(engine)
    view = _open(qtbot, engine, account(engine, "lead", "leader"))
    assert view.selected_month() == "2026-10"  # the last complete month first
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.refresh()
    assert view.texts() == [OCTOBER_EN]
    assert (
        view.headline.text() == f"2026-10: KPIs below target at the street: 1 (as of {tx.when(T)})"
    )
    assert view.satisfaction.text().startswith("3 closed cases rated, 3 rated 4–5 (100.0%).")
    assert _rows(view) == [
        ["Subcategory", "meals for the elderly", "3", "3", "100.0%", "4.7"],
        ["Department", "not assigned", "3", "3", "100.0%", "4.7"],
        ["Response time", "within 1 h", "3", "3", "100.0%", "4.7"],
        ["On the spot", "not on the spot", "3", "3", "100.0%", "4.7"],
        [
            "Lowest-rated combination",
            "meals for the elderly · not assigned · within 1 h · not on the spot",
            "3",
            "3",
            "100.0%",
            "4.7",
        ],
    ]
    # choosing September shows September's suggestion, and its empty drivers
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.select_month("2026-09")
    assert view.data is not None and view.data.month == "2026-09"
    assert view.texts() == [SEPTEMBER_EN]
    assert view.satisfaction.text() == "No closed case of the month has a rating."
    assert view.drivers.rowCount() == 0
    # the reload button reloads the month shown
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        qtbot.mouseClick(view.reload_button, Qt.MouseButton.LeftButton)
    assert view.texts() == [SEPTEMBER_EN]


def test_the_tab_in_chinese(qtbot, qapp, engine):
    from center.windows.runtime.i18n import install_translators

    build(engine)
    try:
        install_translators(qapp, "zh_CN")
        view = _open(qtbot, engine, account(engine, "coord", "coordinator"))
        with qtbot.waitSignal(view.loaded, timeout=WAIT):
            view.refresh()
        assert view.texts() == [OCTOBER_ZH]
        assert view.drivers.horizontalHeaderItem(4).text() == "满意率"
        assert _rows(view)[0] == ["小类", "老年助餐", "3", "3", "100.0%", "4.7"]
        assert view.satisfaction.text().startswith("本月办结并评价的诉求3件")
    finally:
        install_translators(qapp, "en")


def test_a_month_the_service_refuses_says_why(qtbot, engine):
    build(engine)
    view = _open(qtbot, engine, account(engine, "assess", "assessor"))
    with qtbot.waitSignal(view.failed, timeout=WAIT) as blocker:
        view._actor = account(engine, "fin", "finance")  # a role the service refuses
        view.refresh()
    assert blocker.args[0] == "user 'fin' (role finance) may not read suggestions"
    assert view.headline.text() == blocker.args[0]


def test_who_sees_the_tab(qtbot, ctx):
    from center.windows.workstation.main_window import WorkstationWindow

    build(ctx.engine)
    for role, shown in (
        ("leader", True),
        ("coordinator", True),
        ("assessor", True),
        ("finance", False),
        ("grid_worker", False),
    ):
        kw = {"grid": "G01"} if role == "grid_worker" else {}
        actor = account(ctx.engine, f"u_{role}", role, **kw)
        w = WorkstationWindow(ctx, actor, live=False, clock_fn=lambda: T, idle_timeout_ms=None)
        qtbot.addWidget(w)
        assert w.has_tab("insight") is shown, role
        assert (w.insight is not None) is shown, role
        if w.insight is not None:
            # another workstation's change to cases reloads the tab
            with qtbot.waitSignal(w.insight.loaded, timeout=WAIT):
                w._on_changed(frozenset({"cases"}))
            assert w.insight.texts() == [OCTOBER_EN]
        w.shutdown()
