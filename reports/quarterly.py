"""Quarterly assessment scorecards (季考核): ranking tables and one scorecard per unit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, Table, TableStyle

from center.core.vocab import GRADE_NAMES, SCOPE_NAMES
from center.reporting.snapshots import GRADES, QuarterlySnapshot, Scorecard
from reports.base import (
    CONTENT_WIDTH,
    DASH,
    GRID_LINE,
    HEADER_BG,
    DocHeader,
    build_document,
    closing,
    data_table,
    fmt_fraction,
    fmt_instant,
    fmt_kpi,
    fmt_num,
    fmt_pct,
    fmt_target,
    font_name,
    opening,
    para,
    section,
    signature_block,
)

CN_NUM = "一二三四五六七八九十"
SIGNERS = ("被考核单位负责人", "考核人", "审核人")


def quarter_text(quarter: str) -> str:
    y, q = quarter.split("Q")
    return f"{y}年第{CN_NUM[int(q) - 1]}季度"


def title_for(quarter: str, scope: str, unit: Scorecard | None = None) -> str:
    if unit is not None:
        return f"{quarter_text(quarter)}敲门行动{SCOPE_NAMES[scope]}考核评分表（{unit.name}）"
    if scope == "all":
        return f"{quarter_text(quarter)}敲门行动考核结果"
    return f"{quarter_text(quarter)}敲门行动{SCOPE_NAMES[scope]}考核结果"


def header_for(snap: QuarterlySnapshot, unit: Scorecard | None = None) -> DocHeader:
    return DocHeader(
        issuer=snap.doc.issuer,
        doc_number=snap.doc.doc_number,
        issued_on=snap.doc.issued_on,
        as_of=snap.doc.as_of,
        period_ends=snap.doc.period_ends,
        title=title_for(snap.quarter, snap.doc.scope if unit is None else unit.scope, unit),
    )


def _unit_label(card: Scorecard) -> str:
    return card.name if not card.parent else f"{card.name}（{card.parent}）"


def ranking_table(cards: Sequence[Scorecard], scope: str) -> Table:
    w = CONTENT_WIDTH
    with_parent = scope == "grid"
    header = ["名次", "单位编码", SCOPE_NAMES[scope]]
    widths = [w * 0.09, w * 0.15, w * 0.30]
    align = ["c", "l", "l"]
    if with_parent:
        header.append("所属社区")
        widths = [w * 0.09, w * 0.13, w * 0.24, w * 0.22]
        align.append("l")
    header += ["得分", "等级"]
    rest = w - sum(widths)
    widths += [rest * 0.5, rest * 0.5]
    align += ["r", "c"]
    rows = []
    for c in cards:
        row = [str(c.rank) if c.rank is not None else DASH, c.code, c.name]
        if with_parent:
            row.append(c.parent or DASH)
        row += [fmt_num(c.score), c.grade_name]
        rows.append(row)
    return data_table(header, rows, widths, align=align)


def grade_summary(cards: Sequence[Scorecard], scope: str) -> str:
    counts = {g: sum(1 for c in cards if c.grade == g) for g in GRADES}
    none = sum(1 for c in cards if c.grade is None)
    parts = "、".join(f"{GRADE_NAMES[g]}{counts[g]}个" for g in GRADES)
    text = f"参加考核的{SCOPE_NAMES[scope]}共{len(cards)}个，其中{parts}"
    if none:
        text += f"，{none}个暂无可考核指标、不评定等级"
    return text + "。"


def scorecard(card: Scorecard, total: int, snap: QuarterlySnapshot) -> list[Flowable]:
    """One unit's scorecard: identity, indicators, totals, signatures."""
    w = CONTENT_WIDTH
    info_rows = [
        ["被考核单位", _unit_label(card), "单位编码", card.code],
        ["考核期间", quarter_text(snap.quarter), "统计截至", fmt_instant(snap.as_of)],
    ]
    info = Table(
        [[para(v, "cell") for v in r] for r in info_rows],
        colWidths=[w * 0.16, w * 0.40, w * 0.14, w * 0.30],
    )
    info.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font_name()),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID_LINE),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_BG),
                ("BACKGROUND", (2, 0), (2, -1), HEADER_BG),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    rows = []
    for i, ind in enumerate(card.indicators, start=1):
        rows.append(
            [
                str(i),
                ind.name,
                fmt_num(ind.weight, 0),
                fmt_target(ind.key, ind.target),
                fmt_kpi(ind.key, ind.value, ind.numerator, ind.denominator),
                fmt_fraction(ind.numerator, ind.denominator),
                fmt_pct(ind.attainment),
                fmt_num(ind.points) if ind.points is not None else "不计",
            ]
        )
    weights = sum(i.weight for i in card.indicators)
    rows.append(["", "合计", fmt_num(weights, 0), "", "", "", "", fmt_num(card.score)])
    table = data_table(
        ["序号", "考核指标", "权重", "目标值", "实际值", "分子/分母", "达成率", "得分"],
        rows,
        [w * 0.07, w * 0.24, w * 0.07, w * 0.12, w * 0.12, w * 0.14, w * 0.11, w * 0.13],
        align=["c", "l", "r", "c", "r", "c", "r", "r"],
    )
    rank = f"第{card.rank}名（共{total}个{SCOPE_NAMES[card.scope]}）" if card.rank else DASH
    result = Table(
        [
            [
                para("综合得分", "cell_c"),
                para(fmt_num(card.score), "cell_c"),
                para("考核等级", "cell_c"),
                para(card.grade_name, "cell_c"),
                para("排名", "cell_c"),
                para(rank, "cell_c"),
            ]
        ],
        colWidths=[w * 0.13, w * 0.13, w * 0.13, w * 0.13, w * 0.10, w * 0.38],
    )
    result.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font_name()),
                ("BOX", (0, 0), (-1, -1), 0.8, GRID_LINE),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID_LINE),
                ("BACKGROUND", (0, 0), (0, 0), HEADER_BG),
                ("BACKGROUND", (2, 0), (2, 0), HEADER_BG),
                ("BACKGROUND", (4, 0), (4, 0), HEADER_BG),
            ]
        )
    )
    missing = [i.name for i in card.indicators if i.attainment is None]
    notes = [
        (
            "得分 = 100 × Σ(权重 × 达成率) ÷ Σ有数据指标的权重；达成率：越高越好的指标为"
            "实际值÷目标值，越低越好的指标为目标值÷实际值，最高100%。等级：90分及以上优秀，"
            "75分及以上良好，60分及以上合格，60分以下不合格（按未取整得分评定）。"
        )
    ]
    if missing:
        notes.append(
            "本期无数据、不计分的指标：" + "、".join(missing) + "，其权重按比例分配给其余指标。"
        )
    out: list[Flowable] = [
        para(f"{SCOPE_NAMES[card.scope]}考核评分表", "title"),
        info,
        Spacer(1, 8),
        table,
        Spacer(1, 6),
        result,
        Spacer(1, 4),
        *[para(n, "note") for n in notes],
        Spacer(1, 14),
        signature_block(SIGNERS),
    ]
    return out


def _ranking_section(snap: QuarterlySnapshot, scope: str, n: int) -> list[Flowable]:
    cards = snap.scopes[scope]
    return [
        CondPageBreak(60),
        section(f"{CN_NUM[n]}、{SCOPE_NAMES[scope]}考核排名"),
        para(grade_summary(cards, scope)),
        ranking_table(cards, scope),
    ]


def _intro(snap: QuarterlySnapshot, scopes: Sequence[str]) -> Flowable:
    names = "、".join(SCOPE_NAMES[s] for s in scopes)
    return para(
        f"根据敲门行动考核办法，对{names}{quarter_text(snap.quarter)}工作进行了考核"
        f"（数据统计截至{fmt_instant(snap.as_of)}）。现将考核结果及各单位评分表印发如下。"
    )


def story(snap: QuarterlySnapshot) -> list[Flowable]:
    header = header_for(snap)
    scopes = list(snap.scopes)
    out: list[Flowable] = opening(header, "各社区、各网格，街道各相关部门：")
    out.append(_intro(snap, scopes))
    for n, scope in enumerate(scopes):
        out += _ranking_section(snap, scope, n)
    out += closing(header)
    for scope in scopes:
        cards = snap.scopes[scope]
        for card in cards:
            out.append(PageBreak())
            out += scorecard(card, len(cards), snap)
    return out


def render_quarterly(snap: QuarterlySnapshot, target: str | Path | BinaryIO) -> None:
    """All rankings and scorecards of ``snap`` in one PDF."""
    build_document(target, header_for(snap), story(snap), subject=f"季度考核 {snap.quarter}")


def render_ranking(snap: QuarterlySnapshot, scope: str, target: str | Path | BinaryIO) -> None:
    """The ranking of one scope alone (the cover of a split batch)."""
    header = DocHeader(
        issuer=snap.doc.issuer,
        doc_number=snap.doc.doc_number,
        issued_on=snap.doc.issued_on,
        as_of=snap.doc.as_of,
        period_ends=snap.doc.period_ends,
        title=title_for(snap.quarter, scope),
    )
    flow: list[Flowable] = opening(header, "各社区、各网格，街道各相关部门：")
    flow.append(_intro(snap, [scope]))
    flow += _ranking_section(snap, scope, 0)
    flow += closing(header)
    build_document(target, header, flow, subject=f"季度考核 {snap.quarter} {scope}")


def render_unit(snap: QuarterlySnapshot, card: Scorecard, target: str | Path | BinaryIO) -> None:
    """One unit's scorecard as its own PDF (``--split``)."""
    header = header_for(snap, card)
    flow: list[Flowable] = opening(header, None)
    flow += scorecard(card, len(snap.scopes[card.scope]), snap)[1:]
    build_document(target, header, flow, subject=f"季度考核 {snap.quarter} {card.code}")
