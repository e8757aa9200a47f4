"""The hand-computed budget year of tests/budget (test_budget_figures.py explains it):
its funding lines and expenditures, as the ledger's services take them."""

from __future__ import annotations


def line(code, year, category, source, amount, granted_on=None, **kw):
    return {
        "line_code": code,
        "year": year,
        "category": category,
        "source": source,
        "amount": amount,
        "granted_on": granted_on,
        **kw,
    }


def spend(voucher, line_code, spent_on, amount, payee="某某服务中心", community=None, **kw):
    return {
        "voucher_no": voucher,
        "line_code": line_code,
        "spent_on": spent_on,
        "amount": amount,
        "payee": payee,
        "community_code": community,
        **kw,
    }


LINES = [
    line("L-P1", "2026", "personnel", "fiscal", "150.00", "2026-01-10", document="财〔2026〕3号"),
    line("L-A1", "2026", "activities", "social_fund", "40.00", "2026-07-01"),
    line("L-E1", "2026", "equipment", "purchase_of_services", "5.00"),
    line("L-X", "2025", "personnel", "fiscal", "999.00", "2025-01-01"),
]
SPENDS = [
    spend("V1", "L-P1", "2026-01-15", "20.00", community="C01"),
    spend("V2", "L-P1", "2026-03-31", "10.01"),
    spend("V3", "L-E1", "2026-02-01", "6.00", community="C02"),
    spend("V4", "L-P1", "2026-04-01", "7.00"),  # after T
    spend("V5", "L-A1", "2026-03-01", "3.00"),  # before the line was granted
]
