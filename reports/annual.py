"""The annual review (年评优): annual scores and ranking, commendations, quarter scores."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import CondPageBreak, Flowable, Table

from center.core.vocab import ASSESS_SCOPES, GRADE_NAMES, SCOPE_NAMES
from center.reporting.snapshots import GRADES, AnnualRow, AnnualSnapshot
from reports.base import (
    CONTENT_WIDTH,
    DASH,
    DocHeader,
    build_document,
    closing,
    data_table,
    fmt_instant,
    fmt_num,
    opening,
    para,
    section,
    subsection,
)

CN_NUM = "一二三四五六七八九十"
QUARTER_HEADS = ("一季度", "二季度", "三季度", "四季度")


def title_for(year: int) -> str:
    return f"关于{year}年度敲门行动考核评优结果的通报"


def header_for(snap: AnnualSnapshot) -> DocHeader:
    return DocHeader(
        issuer=snap.doc.issuer,
        doc_number=snap.doc.doc_number,
        issued_on=snap.doc.issued_on,
        as_of=snap.doc.as_of,
        period_ends=snap.doc.period_ends,
        title=title_for(snap.year),
    )


def _unit(row: AnnualRow) -> str:
    return row.name if not row.parent else f"{row.name}（{row.parent}）"


def annual_table(rows: list[AnnualRow], scope: str) -> Table:
    w = CONTENT_WIDTH
    header = ["名次", SCOPE_NAMES[scope], *QUARTER_HEADS, "年度得分", "等级"]
    widths = [w * 0.08, w * 0.30, w * 0.10, w * 0.10, w * 0.10, w * 0.10, w * 0.12, w * 0.10]
    body = [
        [
            str(r.rank) if r.rank is not None else DASH,
            _unit(r),
            *[fmt_num(v) for v in r.quarters],
            fmt_num(r.score),
            r.grade_name,
        ]
        for r in rows
    ]
    return data_table(header, body, widths, align=["c", "l", "r", "r", "r", "r", "r", "c"])


def _overview(snap: AnnualSnapshot) -> list[Flowable]:
    parts = []
    for scope in ASSESS_SCOPES:
        counts = snap.grade_counts(scope)
        graded = "、".join(f"{GRADE_NAMES[g]}{counts[g]}个" for g in GRADES)
        text = f"{SCOPE_NAMES[scope]}{len(snap.scopes[scope])}个（{graded}"
        if counts.get(None):
            text += f"，无可考核指标{counts[None]}个"
        parts.append(text + "）")
    quarters = (
        "全年四个季度" if snap.quarters_started == 4 else f"已开始的{snap.quarters_started}个季度"
    )
    return [
        para(
            f"根据敲门行动考核办法，对{snap.year}年度各网格、社区和街道相关部门的工作进行了"
            f"年度考核（数据统计截至{fmt_instant(snap.as_of)}）。参加考核的"
            + "；".join(parts)
            + "。"
        ),
        para(
            f"年度得分按全年指标值计算，等级按年度得分评定；表中同时列出{quarters}的季度得分，"
            "供对照参考（未开始的季度以“—”表示）。"
        ),
    ]


def _commended(snap: AnnualSnapshot) -> list[Flowable]:
    out: list[Flowable] = [
        para("年度考核等级为“优秀”的单位拟予通报表扬，名单如下（按年度名次排列）：")
    ]
    w = CONTENT_WIDTH
    for i, scope in enumerate(ASSESS_SCOPES):
        rows = snap.commended(scope)
        out.append(subsection(f"（{CN_NUM[i]}）优秀{SCOPE_NAMES[scope]}（{len(rows)}个）"))
        if not rows:
            out.append(para(f"本年度无考核等级为优秀的{SCOPE_NAMES[scope]}。", "plain"))
            continue
        out.append(
            data_table(
                ["序号", "名次", SCOPE_NAMES[scope], "年度得分"],
                [
                    [str(n), str(r.rank), _unit(r), fmt_num(r.score)]
                    for n, r in enumerate(rows, start=1)
                ],
                [w * 0.10, w * 0.10, w * 0.60, w * 0.20],
                align=["c", "c", "l", "r"],
            )
        )
    return out


def story(snap: AnnualSnapshot) -> list[Flowable]:
    header = header_for(snap)
    out: list[Flowable] = opening(header, "各社区、各网格，街道各相关部门：")
    out += [section("一、考核总体情况"), *_overview(snap)]
    out += [CondPageBreak(60), section("二、拟表彰单位"), *_commended(snap)]
    for n, scope in enumerate(ASSESS_SCOPES, start=2):
        out += [
            CondPageBreak(80),
            section(f"{CN_NUM[n]}、{SCOPE_NAMES[scope]}年度考核得分及排名"),
            annual_table(snap.scopes[scope], scope),
        ]
    out.append(
        para(
            "希望受表扬的单位再接再厉；考核等级为合格、不合格的单位要认真查找差距，"
            "制定整改措施，切实提升敲门行动服务质效。",
        )
    )
    out += closing(header)
    return out


def render_annual(snap: AnnualSnapshot, target: str | Path | BinaryIO) -> None:
    build_document(target, header_for(snap), story(snap), subject=f"年度评优 {snap.year}")
