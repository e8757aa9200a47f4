"""The hand-computed budget year of tests/budget (see test_budget_figures.py)."""

from __future__ import annotations

from datetime import date

import pytest
from builders import Builder, account, at
from sqlalchemy import Engine

from budget.ledger_data import LINES, SPENDS
from center.office import ledger


@pytest.fixture
def finance(engine: Engine):
    return account(engine, "fin", "finance")


@pytest.fixture
def year(engine: Engine, finance):
    """Five households in scope (C01: 3, C02: 2), 20.03 yuan each, the ledger above."""
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C02")
    for code in ("H1", "H2", "H3"):
        b.household(code, "G01")
    b.household("H4", "G02")
    b.household("H5", "G02", moved_out_on=date(2026, 6, 30))  # out of scope
    b.household("H6", "G02", moved_out_on=date(2027, 1, 1))  # in scope
    b.visits(
        [
            {"household": "H1", "visited_at": at(2026, 1, 5, 9)},
            {"household": "H2", "visited_at": at(2026, 2, 5, 9)},
            {"household": "H3", "visited_at": at(2026, 3, 31, 9)},
            {"household": "H3", "visited_at": at(2026, 3, 20, 9), "outcome": "not_home"},
            {"household": "H1", "visited_at": at(2026, 3, 31, 11)},  # after T
            {"household": "H1", "visited_at": at(2025, 12, 31, 9)},  # last year
            {"household": "H5", "visited_at": at(2026, 2, 10, 9)},  # moved out since
        ]
    )
    b.case("H1", at(2026, 1, 20, 9), closed_at=at(2026, 2, 1, 9), status="confirmed")
    b.case("H4", at(2026, 3, 1, 9), closed_at=at(2026, 4, 2, 9), status="confirmed")  # after T
    ledger.set_budget_settings(engine, finance, 2026, "20.03", "0.6,0.3,0.1")
    for values in LINES:
        ledger.create_line(engine, finance, values)
    for values in SPENDS:
        ledger.create_expenditure(engine, finance, values, day=date(2026, 12, 31))
    return b
