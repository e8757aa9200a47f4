"""The monthly notice (月通报): renders a :class:`MonthlySnapshot` as an A4 notice."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from center.core.kpis import KPI_KEYS, KPI_NAMES
from center.kpi.compute import KpiValue, UnitKpis
from center.office.budget import BudgetRow
from center.office.meetings import OPEN_ITEM, STATUS_NAMES
from center.reporting.snapshots import TREND_KPIS, BelowTarget, MonthlySnapshot, Ranked
from reports.base import (
    CONTENT_WIDTH,
    DASH,
    DocHeader,
    build_document,
    closing,
    data_table,
    escape,
    fmt_date,
    fmt_fraction,
    fmt_instant,
    fmt_kpi,
    fmt_money,
    fmt_num,
    fmt_ok,
    fmt_pct,
    fmt_target,
    font_name,
    ok_colour,
    opening,
    para,
    scrub,
    section,
    styles,
    subsection,
)
from reports.charts import execution_bars, trend_chart

CN_NUM = "一二三四五六七八九十"
TOP_N = 10  # grids listed at the top and at the bottom of the ranking
MAX_MEETING_ITEMS = 30
ADDRESSEE = "各社区、各网格，街道各相关部门："


def _title(month: str) -> str:
    y, m = month.split("-")
    return f"关于{y}年{int(m)}月敲门行动工作情况的通报"


def header_for(snap: MonthlySnapshot) -> DocHeader:
    return DocHeader(
        issuer=snap.doc.issuer,
        doc_number=snap.doc.doc_number,
        issued_on=snap.doc.issued_on,
        as_of=snap.doc.as_of,
        period_ends=snap.doc.period_ends,
        title=_title(snap.month),
    )


def _kv(unit: UnitKpis | None, key: str) -> KpiValue | None:
    return unit.kpis.get(key) if unit is not None else None


def _val(kv: KpiValue | None) -> str:
    if kv is None:
        return DASH
    return fmt_kpi(kv.key, kv.value, kv.numerator, kv.denominator)


class _Sections:
    def __init__(self) -> None:
        self.n = 0

    def next(self, title: str) -> Paragraph:
        self.n += 1
        return section(f"{CN_NUM[self.n - 1]}、{title}")


def _overview(snap: MonthlySnapshot) -> list[Flowable]:
    street = snap.street
    met, missed = snap.met, snap.missed
    none = [k for k, v in street.kpis.items() if v.ok is None]
    cov = street.kpis["coverage"]
    special = street.kpis["special_care"]
    parts = [
        f"本月{len(street.kpis)}项监测指标中，{len(met)}项达到目标，{len(missed)}项未达到目标"
        + (f"，{len(none)}项本月无数据" if none else "")
        + "。"
    ]
    if cov.denominator:
        parts.append(
            f"全街道纳入走访范围{cov.denominator}户，按走访频次完成{cov.numerator}户，"
            f"走访覆盖率{_val(cov)}；"
        )
    if special.denominator:
        parts.append(
            f"特殊群体家庭{special.denominator}户，完成关怀走访{special.numerator}户，"
            f"覆盖率{_val(special)}。"
        )
    prio = street.kpis.get("priority_on_time")  # spec/insight.md § Priority clocks
    if prio is not None and prio.denominator:
        parts.append(
            f"按优先级时限（即时响应30分钟内首次响应、24小时内首次响应、3个工作日内转办）"
            f"应计诉求{prio.denominator}件，按时{prio.numerator}件，"
            f"{KPI_NAMES['priority_on_time']}{_val(prio)}。"
        )
    if missed:
        parts.append("未达标指标：" + "、".join(KPI_NAMES[k] for k in missed) + "。")
    out: list[Flowable] = [para("".join(parts))]
    rows = []
    for i, key in enumerate(KPI_KEYS, start=1):
        kv = street.kpis.get(key)
        if kv is None:
            continue
        rows.append(
            [
                str(i),
                KPI_NAMES[key],
                _val(kv),
                fmt_kpi(key, snap.previous.get(key)),
                fmt_target(key, kv.target),
                fmt_fraction(kv.numerator, kv.denominator),
                fmt_ok(kv.ok),
            ]
        )
    oks = [street.kpis[k].ok for k in KPI_KEYS if k in street.kpis]
    w = CONTENT_WIDTH
    out.append(
        data_table(
            ["序号", "指标", "本月", "上月", "目标", "分子/分母", "是否达标"],
            rows,
            [w * 0.07, w * 0.27, w * 0.13, w * 0.13, w * 0.14, w * 0.15, w * 0.11],
            align=["c", "l", "r", "r", "c", "c", "c"],
            highlight=lambda i: ok_colour(oks[i]) if oks[i] is False else None,
        )
    )
    out.append(
        para(
            "注：比率类指标以百分比表示，保留一位小数；时长类指标单位为小时。"
            "“分子/分母”为指标计算口径下的户数或件数；分母为0时该指标无数据。",
            "note",
        )
    )
    return out


def _trends(snap: MonthlySnapshot) -> list[Flowable]:
    first = snap.trend[TREND_KPIS[0]][0][0] if snap.trend.get(TREND_KPIS[0]) else snap.month
    y0, m0 = first.split("-")
    y1, m1 = snap.month.split("-")
    intro = para(
        f"{y0}年{int(m0)}月至{y1}年{int(m1)}月主要指标走势如下（虚线为目标值；各月均按同一统计时点计算）。"
    )
    cells: list[list[Flowable]] = []
    row: list[Flowable] = []
    cap = styles()["cell_c"]
    for key in TREND_KPIS:
        points = snap.trend.get(key)
        if not points:
            continue
        kv = snap.street.kpis[key]
        chart = trend_chart(points, target=kv.target, percent=True, width=CONTENT_WIDTH / 2 - 8)
        block = Table(
            [
                [Paragraph(escape(f"{KPI_NAMES[key]}（目标{fmt_target(key, kv.target)}）"), cap)],
                [chart],
            ],
            colWidths=[CONTENT_WIDTH / 2 - 4],
        )
        block.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font_name()),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        row.append(block)
        if len(row) == 2:
            cells.append(row)
            row = []
    if row:
        row.append(Spacer(1, 1))
        cells.append(row)
    grid = Table(cells, colWidths=[CONTENT_WIDTH / 2] * 2)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font_name()),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [intro, grid]


def _ranking_rows(
    ranked: list[Ranked], units: dict[str, UnitKpis], with_parent: bool
) -> list[list[str]]:
    rows = []
    for r in ranked:
        u = units.get(r.code)
        row = [str(r.rank) if r.rank is not None else DASH, r.name]
        if with_parent:
            row.append(r.parent or DASH)
        row += [
            fmt_num(r.score),
            r.grade_name,
            _val(_kv(u, "coverage")),
            _val(_kv(u, "response_24h")),
            _val(_kv(u, "closure_15wd")),
            _val(_kv(u, "satisfaction")),
        ]
        rows.append(row)
    return rows


def _rankings(snap: MonthlySnapshot) -> list[Flowable]:
    out: list[Flowable] = [
        para(
            "排名依据本月综合得分：按考核办法规定的指标、权重和达成率计算方法，以本月指标值计算"
            "（本月无数据的指标不计分，其权重按比例分配给其余指标），得分相同者名次并列。"
        ),
        subsection("（一）社区排名"),
    ]
    w = CONTENT_WIDTH
    communities = {u.code: u for u in snap.communities}
    out.append(
        data_table(
            [
                "名次",
                "社区",
                "得分",
                "等级",
                "走访覆盖率",
                "24小时响应率",
                "按期办结率",
                "居民满意度",
            ],
            _ranking_rows(snap.community_ranking, communities, False),
            [w * 0.08, w * 0.22, w * 0.09, w * 0.09, w * 0.13, w * 0.13, w * 0.13, w * 0.13],
            align=["c", "l", "r", "c", "r", "r", "r", "r"],
        )
    )
    grids = {u.code: u for u in snap.grids}
    ranked = [r for r in snap.grid_ranking if r.rank is not None]
    unranked = len(snap.grid_ranking) - len(ranked)
    widths = [w * 0.06, w * 0.19, w * 0.12, w * 0.07, w * 0.07] + [w * 0.1225] * 4
    header = [
        "名次",
        "网格",
        "所属社区",
        "得分",
        "等级",
        "走访覆盖率",
        "24小时响应率",
        "按期办结率",
        "居民满意度",
    ]
    align = ["c", "l", "l", "r", "c", "r", "r", "r", "r"]
    if len(ranked) <= 2 * TOP_N:
        out.append(subsection("（二）网格排名"))
        out.append(data_table(header, _ranking_rows(ranked, grids, True), widths, align=align))
    else:
        out.append(subsection(f"（二）网格排名前{TOP_N}名"))
        out.append(
            data_table(header, _ranking_rows(ranked[:TOP_N], grids, True), widths, align=align)
        )
        out.append(subsection(f"（三）网格排名后{TOP_N}名"))
        out.append(
            data_table(header, _ranking_rows(ranked[-TOP_N:], grids, True), widths, align=align)
        )
    if unranked:
        out.append(para(f"另有{unranked}个网格本季度暂无可考核指标，未参与排名。", "note"))
    return out


_LEVEL_NAMES = {"community": "社区", "grid": "网格", "department": "部门"}


def _below(snap: MonthlySnapshot) -> list[Flowable]:
    missed = snap.missed
    out: list[Flowable] = []
    if missed:
        kpis = snap.street.kpis
        text = "；".join(
            f"{KPI_NAMES[k]}{_val(kpis[k])}（目标{fmt_target(k, kpis[k].target)}）" for k in missed
        )
        out.append(para(f"全街道未达标指标：{text}。"))
    else:
        out.append(para("全街道各项有数据的指标均达到目标。"))
    grouped: dict[tuple[str, str], list[BelowTarget]] = {}
    for b in snap.below_target:
        grouped.setdefault((b.level, b.code), []).append(b)
    if not grouped:
        out.append(para("各社区、网格、部门本月有数据的指标均达到目标。"))
        return out
    counts = {lvl: len({c for (lv, c) in grouped if lv == lvl}) for lvl in _LEVEL_NAMES}
    out.append(
        para(
            f"本月有{counts['community']}个社区、{counts['grid']}个网格、{counts['department']}个部门"
            "存在未达标指标，明细如下（实际值/目标值）。"
        )
    )
    rows = []
    for (level, _code), items in grouped.items():
        first = items[0]
        unit = first.name if not first.parent else f"{first.name}（{first.parent}）"
        detail = "；".join(
            f"{KPI_NAMES[b.kpi.key]} {_val(b.kpi)}/{fmt_target(b.kpi.key, b.kpi.target)}"
            for b in items
        )
        rows.append([_LEVEL_NAMES[level], unit, str(len(items)), detail])
    w = CONTENT_WIDTH
    out.append(
        data_table(
            ["类别", "单位", "项数", "未达标指标（实际值/目标值）"],
            rows,
            [w * 0.08, w * 0.25, w * 0.07, w * 0.60],
            align=["c", "l", "c", "l"],
        )
    )
    return out


def _departments(snap: MonthlySnapshot) -> list[Flowable]:
    rows = []
    total_open = total_over = 0
    for d in snap.department_cases:
        total_open += d.open
        total_over += d.overdue
        rows.append(
            [
                d.name,
                str(d.open),
                str(d.overdue),
                str(d.oldest_overdue_days) if d.oldest_overdue_days is not None else DASH,
                str(d.closed),
                str(d.closed_late),
                _val(d.kpis.get("response_24h")),
                _val(d.kpis.get("dept_start_2h")),
                _val(d.kpis.get("closure_15wd")),
                _val(d.kpis.get("satisfaction")),
            ]
        )
    over_units = [d for d in snap.department_cases if d.overdue]
    over_units.sort(key=lambda d: -d.overdue)
    text = (
        f"截至{fmt_instant(snap.as_of)}，各部门在办诉求{total_open}件，"
        f"其中超过办结期限（15个工作日）仍未办结{total_over}件"
    )
    if over_units:
        text += "，主要集中在" + "、".join(f"{d.name}（{d.overdue}件）" for d in over_units[:5])
    text += "。"
    w = CONTENT_WIDTH
    return [
        para(text),
        data_table(
            [
                "部门",
                "在办",
                "逾期未办结",
                "最长逾期天数",
                "本月办结",
                "超期办结",
                "24小时响应率",
                "首接2小时启动率",
                "按期办结率",
                "居民满意度",
            ],
            rows,
            [
                w * 0.17,
                w * 0.07,
                w * 0.07,
                w * 0.07,
                w * 0.07,
                w * 0.07,
                w * 0.12,
                w * 0.12,
                w * 0.12,
                w * 0.12,
            ],
            align=["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
            highlight=lambda i: ok_colour(False) if snap.department_cases[i].overdue else None,
        ),
        para("注：在办、逾期按统计时点计；各率为本月数值，按诉求交办部门统计。", "note"),
    ]


def _meetings(snap: MonthlySnapshot) -> list[Flowable]:
    board = snap.meetings
    counts = "、".join(f"{STATUS_NAMES[s]}{n}项" for s, n in board.counts.items())
    text = (
        f"截至{fmt_instant(snap.as_of)}，联席会议事项{counts}；逾期未办结{len(board.overdue)}项。"
    )
    if board.last_meeting:
        text += f"上次会议于{fmt_date(board.last_meeting.date)}召开。"
    if board.next_meeting:
        title = scrub(board.next_meeting.title) or "联席会议"
        text += f"下次会议定于{fmt_date(board.next_meeting.date)}召开（{title}）。"
    out: list[Flowable] = [para(text)]
    open_items = [it for col in OPEN_ITEM for it in board.columns.get(col, ())]
    open_items.sort(key=lambda it: (not it.overdue, it.due or date.max, it.id or 0))
    items = open_items[:MAX_MEETING_ITEMS]
    if items:
        rows = [
            [
                str(i),
                scrub(it.title),
                it.lead_name or it.lead or DASH,
                fmt_date(it.due) if it.due else DASH,
                STATUS_NAMES.get(it.status, it.status),
                "逾期" if it.overdue else "",
            ]
            for i, it in enumerate(items, start=1)
        ]
        w = CONTENT_WIDTH
        out.append(
            data_table(
                ["序号", "未办结事项", "牵头部门", "办理时限", "状态", "逾期"],
                rows,
                [w * 0.07, w * 0.43, w * 0.17, w * 0.15, w * 0.10, w * 0.08],
                align=["c", "l", "l", "c", "c", "c"],
                highlight=lambda i: ok_colour(False) if items[i].overdue else None,
            )
        )
        open_total = sum(n for status, n in board.counts.items() if status != "done")
        hidden = open_total - len(items)
        if hidden > 0:
            out.append(para(f"另有{hidden}项未列出，详见联席会议台账。", "note"))
    return out


def _budget_rows(rows: list[BudgetRow], with_standard: bool) -> list[list[str]]:
    out = []
    for r in rows:
        row = [r.label]
        if with_standard:
            row.append(fmt_money(r.standard))
        row += [
            fmt_money(r.funded),
            fmt_money(r.spent),
            fmt_pct(r.execution),
            "超支" if r.overspent else "",
        ]
        out.append(row)
    return out


def _budget(snap: MonthlySnapshot) -> list[Flowable]:
    b = snap.budget
    if b.gap > 0:
        gap = f"资金缺口{fmt_money(b.gap)}元（缺口率{fmt_pct(b.gap_rate)}）"
    elif b.gap < 0:
        gap = f"到位资金超出标准{fmt_money(-b.gap)}元"
    else:
        gap = "到位资金与标准持平"
    text = (
        f"{b.year}年度按{b.households}户、每户{fmt_money(b.yuan_per_household)}元测算，"
        f"标准经费{fmt_money(b.standard)}元；已到位{fmt_money(b.funded)}元，{gap}；"
        f"截至{fmt_date(snap.as_of)}已支出{fmt_money(b.spent)}元，执行率{fmt_pct(b.execution)}。"
    )
    w = CONTENT_WIDTH
    by_cat = data_table(
        ["类别", "标准经费（元）", "到位（元）", "支出（元）", "执行率", "备注"],
        _budget_rows(b.by_category, True),
        [w * 0.16, w * 0.20, w * 0.19, w * 0.19, w * 0.14, w * 0.12],
        align=["l", "r", "r", "r", "r", "c"],
    )
    by_src = data_table(
        ["资金来源", "到位（元）", "支出（元）", "执行率", "备注"],
        _budget_rows(b.by_source, False),
        [w * 0.26, w * 0.22, w * 0.22, w * 0.16, w * 0.14],
        align=["l", "r", "r", "r", "c"],
    )
    rows = b.by_category + b.by_source
    chart = execution_bars(
        [r.label for r in rows],
        [r.execution for r in rows],
        [fmt_pct(r.execution) for r in rows],
        width=CONTENT_WIDTH * 0.8,
        height=44 * mm,
    )
    return [
        para(text),
        subsection("（一）按经费类别"),
        by_cat,
        subsection("（二）按资金来源"),
        by_src,
        Spacer(1, 4),
        KeepTogether([para("各类别、来源经费执行率（红色为超支）：", "plain"), chart]),
    ]


def _requirements(snap: MonthlySnapshot) -> list[Flowable]:
    """工作要求, drawn from the numbers (spec/insight.md "Suggestions"): one item per KPI
    below target at the street (units, drivers, direction: :mod:`center.insight.suggest`),
    the overdue open cases by department, and satisfaction by its drivers."""
    found = snap.suggestions
    items = [sg.text for sg in found.suggestions] if found is not None else []
    over = sorted((d for d in snap.department_cases if d.overdue), key=lambda d: -d.overdue)
    total_over = sum(d.overdue for d in over)
    if total_over:
        items.append(
            f"截至{fmt_instant(snap.as_of)}，对逾期未办结的{total_over}件诉求，"
            + "、".join(f"{d.name}（{d.overdue}件）" for d in over[:5])
            + "要逐件明确办结时限，办结一件销号一件。"
        )
    if found is not None and found.satisfaction.rated:
        items.append("满意度分析：" + found.satisfaction.text)
    if not snap.missed:
        intro = "本月全街道各项有数据的指标均达到目标，请各单位保持。"
    else:
        intro = f"本月全街道{len(snap.missed)}项指标未达到目标，根据本月数据提出以下要求："
    out: list[Flowable] = [para(intro)]
    for i, text in enumerate(items, start=1):
        label = CN_NUM[i - 1] if i <= len(CN_NUM) else str(i)
        out.append(para(f"（{label}）{text}"))
    return out


def story(snap: MonthlySnapshot) -> list[Flowable]:
    header = header_for(snap)
    y, m = snap.month.split("-")
    out: list[Flowable] = opening(header, ADDRESSEE)
    out.append(
        para(
            f"现将{y}年{int(m)}月敲门行动工作情况通报如下（数据统计截至{fmt_instant(snap.as_of)}）。"
        )
    )
    for warning in snap.warnings:
        out.append(para(f"提示：{warning}。", "note"))
    s = _Sections()
    out += [s.next("主要指标完成情况"), *_overview(snap)]
    out += [CondPageBreak(70 * mm), s.next("近12个月指标走势"), *_trends(snap)]
    out += [CondPageBreak(60 * mm), s.next("社区、网格排名"), *_rankings(snap)]
    out += [CondPageBreak(50 * mm), s.next("未达标指标及单位"), *_below(snap)]
    out += [CondPageBreak(50 * mm), s.next("部门诉求办理及逾期情况"), *_departments(snap)]
    out += [CondPageBreak(50 * mm), s.next("联席会议事项"), *_meetings(snap)]
    out += [CondPageBreak(60 * mm), s.next("经费保障及执行情况"), *_budget(snap)]
    out += [s.next("工作要求"), *_requirements(snap)]
    out += closing(header)
    return out


def render_monthly(snap: MonthlySnapshot, target: str | Path | BinaryIO) -> None:
    """Write the monthly notice of ``snap`` to ``target`` (a path or a binary file)."""
    header = header_for(snap)
    build_document(target, header, story(snap), subject=f"月通报 {snap.month}")


__all__ = ["header_for", "render_monthly", "story"]
