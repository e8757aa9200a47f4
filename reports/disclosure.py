"""The public disclosure of the budget (公开明细) as an A4 PDF or an XLSX workbook:
``center report disclosure --quarter YYYYQn -o FILE.pdf|FILE.xlsx``.

Both print :func:`center.office.disclosure.disclosure_snapshot`: the quarter's funding
received, every expenditure (personnel as one row per month and line: count and
total, never a person), totals by category and source for the quarter and the year to
date. Building one needs ``manage_budget`` (finance) and is audited.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, Spacer
from sqlalchemy import Engine

from center.core.access import Actor, require_role
from center.core.audit import append_audit
from center.core.errors import UserError
from center.core.tx import transaction
from center.office.disclosure import (
    CATEGORY_NAMES,
    SOURCE_NAMES,
    Disclosure,
    SpendRow,
    Totals,
    disclosure_snapshot,
)
from reports.base import (
    CONTENT_WIDTH,
    DASH,
    DocHeader,
    build_document,
    closing,
    data_table,
    fmt_date,
    fmt_instant,
    fmt_money,
    opening,
    para,
    scrub,
    section,
)

PERSONNEL_NOTE = "人员经费按月、按资金项目汇总公开（笔数、金额），不公开个人信息。"


def header_for(d: Disclosure) -> DocHeader:
    return DocHeader(
        issuer=f"{d.street}敲门行动领导小组办公室",
        doc_number=f"{d.year}年第{d.quarter}季度",
        issued_on=d.as_of.date() if d.as_of.date() < d.end else d.end,
        title=d.title,
    )


def _payee(r: SpendRow) -> str:
    return f"{r.month}月人员经费汇总（{r.count}笔）" if r.aggregated else scrub(r.payee)


def _date(r: SpendRow, year: int) -> str:
    return f"{year}-{r.month:02d}" if r.day is None else r.day.isoformat()


def _totals_rows(
    keys: dict[str, str], quarter: dict[str, Totals], ytd: dict[str, Totals]
) -> list[list[str]]:
    rows = []
    for key, name in keys.items():
        q, y = quarter[key], ytd[key]
        rows.append(
            [name, fmt_money(q.funded), fmt_money(q.spent), fmt_money(y.funded), fmt_money(y.spent)]
        )
    return rows


def story(d: Disclosure) -> list[Flowable]:
    header = header_for(d)
    w = CONTENT_WIDTH
    out: list[Flowable] = opening(header, None)
    qf = d.total(d.quarter_by_category)
    yt = d.total(d.ytd_by_category)
    out.append(
        para(
            f"根据敲门行动经费管理办法，现将{d.year}年第{d.quarter}季度"
            f"（{fmt_date(d.start)}至{fmt_date(d.end)}）经费到位和支出情况公开如下"
            f"（数据截至{fmt_instant(d.as_of)}）：本季度到位资金{fmt_money(qf.funded)}元，"
            f"支出{fmt_money(qf.spent)}元；年初至本季度末累计到位{fmt_money(yt.funded)}元，"
            f"累计支出{fmt_money(yt.spent)}元。"
        )
    )
    out.append(section("一、本季度资金到位情况"))
    if d.funding:
        out.append(
            data_table(
                ["到位日期", "资金项目", "类别", "来源", "金额（元）", "文件"],
                [
                    [
                        f.granted_on.isoformat(),
                        f.line_code,
                        CATEGORY_NAMES[f.category],
                        SOURCE_NAMES[f.source],
                        fmt_money(f.amount),
                        f.document or DASH,
                    ]
                    for f in d.funding
                ],
                [w * 0.14, w * 0.14, w * 0.12, w * 0.16, w * 0.16, w * 0.28],
                align=["c", "l", "c", "l", "r", "l"],
            )
        )
    else:
        out.append(para("本季度无新到位资金。", "plain"))
    out += [CondPageBreak(60), section("二、本季度支出明细"), para(PERSONNEL_NOTE, "plain")]
    if d.spending:
        out.append(
            data_table(
                ["日期", "类别", "来源", "资金项目", "金额（元）", "收款方", "凭证号"],
                [
                    [
                        _date(r, d.year),
                        CATEGORY_NAMES[r.category],
                        SOURCE_NAMES[r.source],
                        r.line_code,
                        fmt_money(r.amount),
                        _payee(r),
                        r.voucher_no or DASH,
                    ]
                    for r in d.spending
                ],
                [w * 0.12, w * 0.10, w * 0.14, w * 0.13, w * 0.13, w * 0.24, w * 0.14],
                align=["c", "c", "l", "l", "r", "l", "l"],
            )
        )
    else:
        out.append(para("本季度无支出。", "plain"))
    head = ["", "本季度到位", "本季度支出", "年初至今到位", "年初至今支出"]
    widths = [w * 0.24, w * 0.19, w * 0.19, w * 0.19, w * 0.19]
    align = ["l", "r", "r", "r", "r"]
    out += [CondPageBreak(60), section("三、按类别汇总（元）")]
    rows = _totals_rows(CATEGORY_NAMES, d.quarter_by_category, d.ytd_by_category)
    rows.append(["合计", fmt_money(qf.funded), fmt_money(qf.spent), fmt_money(yt.funded),
                 fmt_money(yt.spent)])  # fmt: skip
    out.append(data_table(["类别", *head[1:]], rows, widths, align=align))
    out += [CondPageBreak(60), section("四、按来源汇总（元）")]
    rows = _totals_rows(SOURCE_NAMES, d.quarter_by_source, d.ytd_by_source)
    qs, ys = d.total(d.quarter_by_source), d.total(d.ytd_by_source)
    rows.append(["合计", fmt_money(qs.funded), fmt_money(qs.spent), fmt_money(ys.funded),
                 fmt_money(ys.spent)])  # fmt: skip
    out.append(data_table(["资金来源", *head[1:]], rows, widths, align=align))
    out += [Spacer(1, 8), para("如对以上公开内容有疑问，可向街道敲门行动领导小组办公室反映。")]
    out += closing(header)
    return out


def render_pdf(d: Disclosure, target: Any) -> None:
    build_document(target, header_for(d), story(d), subject=f"经费公开明细 {d.label}")


def render_xlsx(d: Disclosure) -> bytes:
    """The workbook: 资金到位, 支出明细, 汇总 (amounts as number cells)."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "资金到位"
    ws.append([d.title])
    ws.append(["到位日期", "资金项目", "类别", "来源", "金额（元）", "文件"])
    for f in d.funding:
        ws.append([f.granted_on, f.line_code, CATEGORY_NAMES[f.category],
                   SOURCE_NAMES[f.source], f.amount, f.document or ""])  # fmt: skip
    ws2 = wb.create_sheet("支出明细")
    ws2.append([d.title])
    ws2.append(["日期", "类别", "来源", "资金项目", "金额（元）", "收款方", "凭证号", "笔数"])
    for r in d.spending:
        ws2.append(
            [
                _date(r, d.year) if r.day is None else r.day,
                CATEGORY_NAMES[r.category],
                SOURCE_NAMES[r.source],
                r.line_code,
                r.amount,
                _payee(r),
                r.voucher_no or "",
                r.count,
            ]
        )
    ws2.append([PERSONNEL_NOTE])
    ws3 = wb.create_sheet("汇总")
    ws3.append([d.title])
    head = ["本季度到位", "本季度支出", "年初至今到位", "年初至今支出"]
    ws3.append(["类别", *head])
    for key, name in CATEGORY_NAMES.items():
        q, y = d.quarter_by_category[key], d.ytd_by_category[key]
        ws3.append([name, q.funded, q.spent, y.funded, y.spent])
    qt, yt = d.total(d.quarter_by_category), d.total(d.ytd_by_category)
    ws3.append(["合计", qt.funded, qt.spent, yt.funded, yt.spent])
    ws3.append([])
    ws3.append(["资金来源", *head])
    for key, name in SOURCE_NAMES.items():
        q, y = d.quarter_by_source[key], d.ytd_by_source[key]
        ws3.append([name, q.funded, q.spent, y.funded, y.spent])
    for sheet in (ws, ws2, ws3):
        sheet["A1"].font = bold
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions["A"].width = 14
        for col in "BCDEFGH":
            sheet.column_dimensions[col].width = 18
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build_disclosure(
    engine: Engine,
    actor: Actor,
    quarter: str,
    path: str | Path,
    *,
    as_of: Any = None,
) -> Path:
    """Write the disclosure of ``quarter`` to ``path`` (.pdf or .xlsx); audited."""
    require_role(actor, "manage_budget")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UserError(f"{path}: the disclosure is written as .pdf or .xlsx")
    snap = disclosure_snapshot(engine, quarter, as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if suffix == ".pdf":
            with tmp.open("wb") as fh:
                render_pdf(snap, fh)
        else:
            tmp.write_bytes(render_xlsx(snap))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    with transaction(engine) as s:
        append_audit(
            s,
            actor.name,
            "report.disclosure",
            "disclosure",
            snap.label,
            {"file": path.name, "expenditure_rows": len(snap.spending)},
            sort_keys=True,
        )
    return path
