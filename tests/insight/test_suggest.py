"""Suggestions drawn from the numbers (spec/insight.md, center/insight/suggest.py) on a
street whose shortfalls are known, on both engines; the monthly notice's 工作要求.

The fixture street (month 2026-10, as of 2026-11-05 09:00):

* C01 东园社区 with G01 东园一网格 (H01–H04) and G02 东园二网格 (H05–H07);
  C02 西园社区 with G03 西园一网格 (H08–H10). Every household is visited on
  10-09 (coverage 10/10).
* Ten cases received 10-08 09:00, one per household, all answered (1 h, K02 after
  5 h, K07 after 2 h), assigned ones 09:30 and accepted 10:30:

  ====  ===  ====  ====  ==========================  ======
  case  grid  sub   dept  closure                     rating
  ====  ===  ====  ====  ==========================  ======
  K01   G01  L01   D01   10-12 on time (proactive)   5
  K02   G01  L01   D01   10-12 on time               2
  K03   G01  L07   D06   11-04 late
  K04   G01  L07   D06   11-04 late
  K05   G02  L01   D01   10-12 on time (proactive)   5
  K06   G02  L01   D01   10-12 on time               4
  K07   G02  M01   D01   10-12 on time               3
  K08   G03  L01   D01   10-12 on time (proactive)   4
  K09   G03  L07   D06   open, deadline passed
  K10   G03  L08   —     open, deadline passed, never assigned
  ====  ===  ====  ====  ==========================  ======

* September: two cases of G01 (H01, H02; P01, D01) closed on time, rated 5.

By hand, the two KPIs below target:

* closure_15wd 6/10 (target 0.9): street missing ⌈9⌉ − 6 = 3. G01 2/4 → ⌈3.6⌉ − 2 = 2
  (2/3 = 66.7 %), G03 1/3 → ⌈2.7⌉ − 1 = 2 (66.7 %), G02 3/3 meets it; C01 5/7 → 7 − 5
  = 2, C02 1/3 → 2; D06 0/3 → 3 (100 %), D01 6/6 meets it. Failing cases 4: L07 3,
  L08 1; 城管 3, not assigned 1. September 2/2 = 100 % → down 40.0 points.
* satisfaction 4/6 (target 0.85): missing ⌈5.1⌉ − 4 = 2. G01 1/2 → ⌈1.7⌉ − 1 = 1
  (50 %), G02 2/3 → ⌈2.55⌉ − 2 = 1 (50 %); C01 3/5 → ⌈4.25⌉ − 3 = 2 (100 %); D01 4/6 →
  2 (100 %). Ratings 1–3: K02 (L01), K07 (M01), both D01. September 2/2 = 100 %.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from builders import Builder, account, at

from center.core.errors import PermissionDenied
from center.insight import suggest
from center.insight.suggest import (
    compute_suggestions,
    mean_hours_missing,
    median_missing,
    month_suggestions,
    ratio_missing,
)
from center.kpi.compute import PeriodNotStarted, compute_all_scopes

T = at(2026, 11, 5, 9)
RECEIVED = at(2026, 10, 8, 9)

CLOSURE_ZH = (
    "按期办结率60.0%（6/10），未达目标（≥90.0%），较上月（100.0%）下降40.0个百分点，"
    "有所下滑；还需3件诉求按期办结。"
    "缺口主要来自社区：东园社区（71.4%，缺2件，占66.7%）、西园社区（33.3%，缺2件，占66.7%）；"
    "网格：东园一网格（50.0%，缺2件，占66.7%）、西园一网格（33.3%，缺2件，占66.7%）；"
    "部门：城管（0.0%，缺3件，占100.0%）。"
    "超期办结或逾期未办结的诉求共4件，按小类：停车管理3件（75.0%）、环境卫生1件（25.0%）；"
    "按部门：城管3件（75.0%）、未交办1件（25.0%）。"
    "请东园社区、西园社区、东园一网格、西园一网格、城管对超期诉求逐件督办，明确办结时限。"
)
SATISFACTION_ZH = (
    "居民满意度66.7%（4/6），未达目标（≥85.0%），较上月（100.0%）下降33.3个百分点，"
    "有所下滑；还需2件办结诉求获得满意评价（4至5分）。"
    "缺口主要来自社区：东园社区（60.0%，缺2件，占100.0%）；"
    "网格：东园一网格（50.0%，缺1件，占50.0%）、东园二网格（66.7%，缺1件，占50.0%）；"
    "部门：民政（66.7%，缺2件，占100.0%）。"
    "评价为1至3分的诉求共2件，按小类：老年助餐1件（50.0%）、邻里纠纷1件（50.0%）；"
    "按部门：民政2件（100.0%）。"
    "请东园社区、东园一网格、东园二网格、民政对低评价诉求逐件回访，查找不满意原因。"
)


def build_street(engine) -> Builder:
    b = Builder(engine, street="测试街道")
    b.community("C01", name="东园社区")
    b.community("C02", name="西园社区")
    b.grid("G01", community="C01", name="东园一网格")
    b.grid("G02", community="C01", name="东园二网格")
    b.grid("G03", community="C02", name="西园一网格")
    homes = {f"H{i:02d}": "G01" if i <= 4 else "G02" if i <= 7 else "G03" for i in range(1, 11)}
    for h, g in homes.items():
        b.household(h, grid=g)
    b.visits({"household": h, "visited_at": at(2026, 10, 9, 9)} for h in homes)
    on_time, late = at(2026, 10, 12, 9), at(2026, 11, 4, 9)
    rows = [
        # code, household, subcategory, dept, closed, rating, source, response hours
        ("K01", "H01", "L01", "D01", on_time, 5, "proactive", 1),
        ("K02", "H02", "L01", "D01", on_time, 2, "online", 5),
        ("K03", "H03", "L07", "D06", late, None, "online", 1),
        ("K04", "H04", "L07", "D06", late, None, "online", 1),
        ("K05", "H05", "L01", "D01", on_time, 5, "proactive", 1),
        ("K06", "H06", "L01", "D01", on_time, 4, "online", 1),
        ("K07", "H07", "M01", "D01", on_time, 3, "online", 2),
        ("K08", "H08", "L01", "D01", on_time, 4, "proactive", 1),
        ("K09", "H09", "L07", "D06", None, None, "online", 1),
        ("K10", "H10", "L08", None, None, None, "online", 1),
    ]
    cases = []
    for code, h, sub, dept, closed, rating, source, hours in rows:
        row = {
            "code": code,
            "household": h,
            "grid": homes[h],
            "received_at": RECEIVED,
            "subcategory": sub,
            "source": source,
            "first_response_at": RECEIVED + timedelta(hours=hours),
            "closed_at": closed,
            "satisfaction": rating,
            "status": "rated" if rating else "closed" if closed else "accepted",
        }
        if dept:
            row.update(
                dept=dept,
                assigned_at=RECEIVED + timedelta(minutes=30),
                accepted_at=RECEIVED + timedelta(minutes=90),
            )
        else:
            row["status"] = "received"
        cases.append(row)
    sept = at(2026, 9, 1, 9)
    for code, h in (("S01", "H01"), ("S02", "H02")):
        cases.append(
            {
                "code": code,
                "household": h,
                "grid": "G01",
                "received_at": sept,
                "subcategory": "P01",
                "first_response_at": sept + timedelta(hours=1),
                "dept": "D01",
                "assigned_at": sept + timedelta(minutes=30),
                "accepted_at": sept + timedelta(minutes=90),
                "closed_at": at(2026, 9, 3, 9),
                "satisfaction": 5,
                "status": "rated",
            }
        )
    for row in cases:
        if row["status"] == "closed":
            row["status"] = "resolved"
    b.cases(cases)
    return b


def test_missing_numerators_by_definition():
    # higher is better: ⌈τ·d⌉ − n, the target as written (0.9 is 9/10)
    assert ratio_missing(6, 10, 0.9, True) == 3
    assert ratio_missing(9, 10, 0.9, True) == 0
    assert ratio_missing(5, 7, 0.9, True) == 2  # ⌈6.3⌉ = 7
    # lower is better: n − ⌊τ·d⌋
    assert ratio_missing(3, 10, 0.1, False) == 2
    assert ratio_missing(1, 10, 0.1, False) == 0
    assert ratio_missing(2, 19, 0.1, False) == 1  # ⌊1.9⌋ = 1
    # a mean in hours: H − τ·n (3 cases, 90 h in all, target 24 h: 18 h too many)
    assert mean_hours_missing(90 * 3_600_000_000, 3, 24) == 18.0
    assert mean_hours_missing(60 * 3_600_000_000, 3, 24) == 0.0
    # a median: ⌊n/2⌋ + 1 − w visits more within the target
    assert median_missing(5, 1) == 2  # 3 of 5 needed
    assert median_missing(4, 2) == 1  # 3 of 4 needed
    assert median_missing(4, 3) == 0
    assert median_missing(0, 0) == 0


def test_suggestions_on_a_street_with_known_shortfalls(engine):
    build_street(engine)
    leader = account(engine, "lead", "leader")
    result = month_suggestions(engine, leader, "2026-10", as_of=T)
    assert result.month == "2026-10"
    assert result.below == ["closure_15wd", "satisfaction"]
    closure, satisfaction = result.suggestions
    assert closure.key == "closure_15wd"
    assert (closure.numerator, closure.denominator, closure.missing) == (6, 10, 3)
    assert closure.previous == 1.0 and closure.direction == "worse"
    shares = {
        level: [(u.code, u.missing, round(u.contribution, 4)) for u in units]
        for level, units in closure.units.items()
    }
    assert shares == {
        "community": [("C01", 2, 0.6667), ("C02", 2, 0.6667)],
        "grid": [("G01", 2, 0.6667), ("G03", 2, 0.6667)],
        "department": [("D06", 3, 1.0)],
    }
    assert closure.units["grid"][0].previous == 1.0  # G01 closed both September cases
    assert closure.failures == 4
    assert [(d.code, d.count) for d in closure.drivers["subcategory"]] == [("L07", 3), ("L08", 1)]
    assert [(d.code, d.count) for d in closure.drivers["department"]] == [("D06", 3), (None, 1)]
    assert closure.text == CLOSURE_ZH
    assert closure.text_en == (
        "On-time closure rate 60.0% (6/10), target ≥90.0%; down 40.0 points from last month"
        " (100.0%), worse; 3 more cases must close by their deadline. Largest shortfalls by"
        " community: 东园社区 (71.4%, short by 2, 66.7%), 西园社区 (33.3%, short by 2, 66.7%);"
        " by grid: 东园一网格 (50.0%, short by 2, 66.7%), 西园一网格 (33.3%, short by 2, 66.7%);"
        " by department: urban management (0.0%, short by 3, 100.0%). 4 cases closed late or"
        " overdue: by subcategory parking 3 (75.0%), refuse and sanitation 1 (25.0%); by"
        " department urban management 3 (75.0%), not assigned 1 (25.0%). Asked of 东园社区,"
        " 西园社区, 东园一网格, 西园一网格, urban management: chase every late case to a fixed"
        " closing date."
    )

    assert satisfaction.key == "satisfaction"
    assert (satisfaction.numerator, satisfaction.denominator, satisfaction.missing) == (4, 6, 2)
    assert [(u.code, u.missing) for u in satisfaction.units["grid"]] == [("G01", 1), ("G02", 1)]
    assert satisfaction.text == SATISFACTION_ZH


def test_satisfaction_drivers(engine, monkeypatch):
    build_street(engine)
    drivers = compute_suggestions(engine, "2026-10", T).satisfaction
    assert (drivers.rated, drivers.satisfied) == (6, 4)

    def rows(groups):
        return [(g.name, g.satisfied, g.rated, round(g.mean, 2)) for g in groups]

    # worst first: by the share rated 4–5, then the mean rating
    assert rows(drivers.by_subcategory) == [("邻里纠纷", 0, 1, 3.0), ("老年助餐", 4, 5, 4.0)]
    assert rows(drivers.by_department) == [("民政", 4, 6, 3.83)]
    assert rows(drivers.by_band) == [
        ("1小时内", 4, 4, 4.5),
        ("1至4小时", 0, 1, 3.0),
        ("4至24小时", 0, 1, 2.0),
    ]
    assert rows(drivers.by_on_the_spot) == [("非当场解决", 4, 6, 3.83)]
    # only one combination has 3 ratings or more
    assert rows(drivers.lowest) == [("老年助餐·民政·1小时内·非当场解决", 4, 4, 4.5)]
    assert drivers.text == (
        "本月办结并评价的诉求6件，满意（4至5分）4件，满意率66.7%。"
        "满意率最低的小类为邻里纠纷0.0%（0/1，均分3.0），最低的部门为民政66.7%（4/6，均分3.8）。"
        "按响应时长：1小时内100.0%（4/4，均分4.5）、1至4小时0.0%（0/1，均分3.0）、"
        "4至24小时0.0%（0/1，均分2.0）。按是否当场解决：非当场解决66.7%（4/6，均分3.8）。"
        "评价最低的组合（小类·部门·响应时长·是否当场解决）："
        "老年助餐·民政·1小时内·非当场解决100.0%（4/4，均分4.5）。"
    )
    monkeypatch.setattr(suggest, "MIN_COMBINATION", 1)
    lowest = compute_suggestions(engine, "2026-10", T).satisfaction.lowest
    assert rows(lowest) == [
        ("老年助餐·民政·4至24小时·非当场解决", 0, 1, 2.0),
        ("邻里纠纷·民政·1至4小时·非当场解决", 0, 1, 3.0),
        ("老年助餐·民政·1小时内·非当场解决", 4, 4, 4.5),
    ]


def test_the_drivers_agree_with_the_kpi_numbers(engine):
    """The failing events the drivers count are the KPI's denominator − numerator."""
    build_street(engine)
    street = compute_all_scopes(engine, "2026-10", T)["street"].units[0].kpis
    result = compute_suggestions(engine, "2026-10", T)
    for s in result.suggestions:
        kv = street[s.key]
        assert s.failures == kv.denominator - kv.numerator, s.key


def test_another_month_has_other_shortfalls(engine):
    """September: no visit (coverage 0/10), two cases neither proactive; closure and
    satisfaction meet their targets, so they suggest nothing."""
    build_street(engine)
    result = compute_suggestions(engine, "2026-09", T)
    assert result.below == ["coverage", "proactive_share"]
    coverage, proactive = result.suggestions
    assert (coverage.missing, proactive.missing) == (10, 1)  # ⌈9.5⌉ − 0, ⌈0.6⌉ − 0
    assert coverage.direction == "same" and proactive.direction is None
    assert [(u.code, u.missing) for u in coverage.units["grid"]] == [
        ("G01", 4),
        ("G02", 3),
        ("G03", 3),
    ]
    assert [(d.code, d.count) for d in coverage.drivers["household"]] == [("ordinary", 10)]
    assert proactive.text == (
        "主动服务占比0.0%（0/2），未达目标（≥30.0%），上月无数据；还需1件主动服务诉求。"
        "缺口主要来自社区：东园社区（0.0%，缺1件，占100.0%）；网格：东园一网格（0.0%，缺1件，"
        "占100.0%）。请东园社区、东园一网格在走访中主动发现居民需求。"
    )


def test_who_may_read_the_suggestions(engine):
    build_street(engine)
    for role in ("leader", "coordinator", "assessor"):
        actor = account(engine, f"u_{role}", role)
        assert month_suggestions(engine, actor, "2026-10", as_of=T).suggestions
    for role in ("department", "grid_worker", "finance", "admin", "wall"):
        kw = (
            {"dept": "D01"}
            if role == "department"
            else {"grid": "G01"}
            if role == "grid_worker"
            else {}
        )
        actor = account(engine, f"x_{role}", role, **kw)
        with pytest.raises(PermissionDenied):
            month_suggestions(engine, actor, "2026-10", as_of=T)


def test_a_month_not_started_is_refused(engine):
    build_street(engine)
    leader = account(engine, "lead", "leader")
    with pytest.raises(PeriodNotStarted):
        month_suggestions(engine, leader, "2026-12", as_of=T)
    with pytest.raises(ValueError):
        month_suggestions(engine, leader, "2026Q4", as_of=T)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_monthly_notice_prints_the_suggestions(engine, tmp_path):
    from reports import build_monthly

    build_street(engine)
    path = build_monthly(engine, "2026-10", tmp_path / "m.pdf", as_of=T)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the draft's diagonal watermark "草稿" lands inside the extracted lines
    flat = "".join(text.split()).replace("草", "").replace("稿", "")
    section = flat[flat.index("工作要求") :]
    for expected in (CLOSURE_ZH, SATISFACTION_ZH):
        assert "".join(expected.split()) in section
    assert "本月全街道2项指标未达到目标，根据本月数据提出以下要求：（一）按期办结率" in section
    # K09 (城管) is open past its deadline; K10 was never assigned to a department
    assert "对逾期未办结的1件诉求，城管（1件）要逐件明确办结时限" in section
    assert "（四）满意度分析：本月办结并评价的诉求6件" in section
    # the fixed text of old is gone
    assert "逐项分析未达标指标的原因" not in flat


def test_the_month_on_month_change_is_that_of_the_printed_values():
    """90.14 % against 90.46 % prints 90.1 % and 90.5 %: the text says 0.4 points (what a
    reader computes from the two printed values), not the exact 0.32."""
    from center.kpi.compute import KpiValue

    now = KpiValue("special_care", 0.9014, 9014, 10000, 1.0, False)
    before = KpiValue("special_care", 0.9046, 9046, 10000, 1.0, False)
    text = suggest._text("special_care", now, before, 986, {}, None, {}, en=False)
    assert text.startswith(
        "特殊群体关怀覆盖率90.1%（9014/10000），未达目标（≥100.0%），较上月（90.5%）"
        "下降0.4个百分点，有所下滑；还需986户特殊群体家庭完成每月两次走访。"
    )
    assert suggest._direction("special_care", now, before) == "worse"
    same = KpiValue("special_care", 0.90451, 90451, 100000, 1.0, False)
    assert suggest._direction("special_care", same, before) == "same"
