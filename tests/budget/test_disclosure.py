"""The public disclosure (公开明细): the PDF's text (pdftotext) and the XLSX cells;
personnel spending only per month and line, never a person."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from builders import TEST_PASSWORD

from budget.ledger_data import spend
from center.cli import main
from center.office import ledger
from center.office.disclosure import disclosure_snapshot
from db.types import CST
from reports.disclosure import build_disclosure

AS_OF = datetime(2026, 4, 5, 9, 0, tzinfo=CST)


@pytest.fixture
def books(engine, year, finance):
    ledger.create_expenditure(
        engine,
        finance,
        spend("V6", "L-P1", "2026-01-28", "5.00", payee="张三"),
        day=date(2026, 12, 31),
    )
    return year


def test_snapshot_aggregates_personnel_per_month_and_line(engine, books):
    d = disclosure_snapshot(engine, "2026Q1", AS_OF)
    assert [(f.line_code, f.granted_on) for f in d.funding] == [
        ("L-E1", date(2026, 1, 1)),
        ("L-P1", date(2026, 1, 10)),
    ]
    rows = [(r.month, r.line_code, r.amount, r.count, r.voucher_no, r.payee) for r in d.spending]
    assert rows == [
        (1, "L-P1", Decimal("25.00"), 2, None, None),
        (2, "L-E1", Decimal("6.00"), 1, "V3", "某某服务中心"),
        (3, "L-P1", Decimal("10.01"), 1, None, None),
        (3, "L-A1", Decimal("3.00"), 1, "V5", "某某服务中心"),
    ]
    q = d.total(d.quarter_by_category)
    assert (q.funded, q.spent) == (Decimal("155.00"), Decimal("44.01"))
    q2 = disclosure_snapshot(engine, "2026Q2", datetime(2026, 7, 5, tzinfo=CST))
    assert q2.funding == []
    assert [(r.month, r.amount, r.count) for r in q2.spending] == [(4, Decimal("7.00"), 1)]
    ytd = q2.total(q2.ytd_by_category)
    assert (ytd.funded, ytd.spent) == (Decimal("155.00"), Decimal("51.01"))
    assert q2.ytd_by_source["fiscal"].spent == Decimal("42.01")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_pdf_text(engine, books, finance, tmp_path):
    path = build_disclosure(engine, finance, "2026Q1", tmp_path / "d.pdf", as_of=AS_OF)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026年第1季度公开明细" in text
    assert "本季度到位资金155.00元" in text.replace(" ", "")
    assert "1月人员经费汇总（2笔）" in text.replace(" ", "")
    assert "V3" in text and "V5" in text
    assert "张三" not in text and "V6" not in text and "V1" not in text
    for name in ("人员经费", "活动经费", "设备经费", "财政预算", "社会资金", "政府购买服务"):
        assert name in text
    assert "44.01" in text


def test_xlsx_cells(engine, books, finance, tmp_path):
    path = build_disclosure(engine, finance, "2026Q1", tmp_path / "d.xlsx", as_of=AS_OF)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["资金到位", "支出明细", "汇总"]
    spend_rows = [[c.value for c in row] for row in wb["支出明细"].iter_rows(min_row=3)]
    first = ["2026-01", "人员经费", "财政预算", "L-P1", 25, "1月人员经费汇总（2笔）", None, 2]
    assert spend_rows[0] == first
    assert spend_rows[1][:7] == [datetime(2026, 2, 1), "设备经费", "政府购买服务", "L-E1", 6,
                                 "某某服务中心", "V3"]  # fmt: skip
    cells = [c.value for row in wb.worksheets for r in row.iter_rows() for c in r]
    assert "张三" not in cells and "V6" not in cells
    totals = {r[0].value: [c.value for c in r[1:]] for r in wb["汇总"].iter_rows(min_row=3)}
    assert totals["合计"] == [155, 44.01, 155, 44.01]
    assert totals["政府购买服务"] == [5, 6, 5, 6]


def test_cli_disclosure_needs_finance(db_url, engine, books, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    out = tmp_path / "q1.xlsx"
    argv = ["report", "disclosure", "--db", db_url, "--quarter", "2026Q1", "-o", str(out),
            "--as-of", "2026-04-05T09:00:00"]  # fmt: skip
    assert main([*argv, "--user", "fin"]) == 0
    assert out.exists()
    from builders import account

    account(engine, "lead", "leader")
    assert main([*argv, "--user", "lead"]) == 2
    assert "may not manage budget" in capsys.readouterr().err
    assert main([*argv[:-2], "--quarter", "2026Q5", "--user", "fin"]) == 2
