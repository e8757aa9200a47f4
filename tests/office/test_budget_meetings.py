"""Budget summary (kpi.md § Budget) and the joint-meeting board, on hand-made data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from center.office.budget import budget_summary
from db.engine import transaction
from db.models import (
    BudgetLine,
    Community,
    Expenditure,
    Grid,
    Household,
    Setting,
    Street,
)
from db.types import CST


def _households(s, n_in: int, n_moved_before: int, n_moved_next_year: int) -> None:
    st = Street(name="测试街道")
    s.add(st)
    s.flush()
    c = Community(code="C1", name="社区", street_id=st.id)
    s.add(c)
    s.flush()
    g = Grid(code="G1", name="网格", community_id=c.id, geometry="{}")
    s.add(g)
    s.flush()
    moves = (
        [None] * n_in + [date(2026, 6, 1)] * n_moved_before + [date(2027, 1, 1)] * n_moved_next_year
    )
    for i, moved in enumerate(moves, start=1):
        s.add(Household(code=f"H{i}", grid_id=g.id, address="x", moved_out_on=moved))


def test_budget_standard_funding_gap_and_execution(engine):
    with transaction(engine) as s:
        # 100 in scope + 5 moved out in 2026 (out) + 3 moving out on 2027-01-01 (in)
        _households(s, 100, 5, 3)
        lines = [
            BudgetLine(
                line_code="F1",
                year=2026,
                category="personnel",
                source="fiscal",
                amount=Decimal("1000.00"),
            ),
            BudgetLine(
                line_code="F2",
                year=2026,
                category="activities",
                source="social_fund",
                amount=Decimal("500.00"),
            ),
            BudgetLine(
                line_code="F3",
                year=2026,
                category="equipment",
                source="purchase_of_services",
                amount=Decimal("100.00"),
            ),
            BudgetLine(
                line_code="F0",
                year=2025,
                category="equipment",
                source="fiscal",
                amount=Decimal("999.00"),
            ),
        ]
        s.add_all(lines)
        s.flush()
        s.add_all(
            [
                Expenditure(
                    voucher_no="E1",
                    budget_line_id=lines[0].id,
                    spent_on=date(2026, 2, 1),
                    amount=Decimal("400.00"),
                    payee="培训",
                ),
                Expenditure(
                    voucher_no="E2",
                    budget_line_id=lines[2].id,
                    spent_on=date(2026, 5, 1),
                    amount=Decimal("150.50"),
                    payee="终端",
                ),
                Expenditure(
                    voucher_no="E3",
                    budget_line_id=lines[1].id,
                    spent_on=date(2026, 12, 1),
                    amount=Decimal("50.00"),
                    payee="活动",
                ),  # after as-of
            ]
        )
    b = budget_summary(engine, 2026, as_of=datetime(2026, 11, 1, tzinfo=CST))
    assert b.households == 103
    assert b.standard == Decimal("2060.00")  # 103 x 20
    assert [r.standard for r in b.by_category] == [
        Decimal("1236.00"),
        Decimal("618.00"),
        Decimal("206.00"),
    ]
    assert b.funded == Decimal("1600.00")
    assert b.gap == Decimal("460.00")
    assert abs(b.gap_rate - 460 / 2060) < 1e-12
    assert b.spent == Decimal("550.50")
    equipment = b.by_category[2]
    assert equipment.spent == Decimal("150.50") and equipment.overspent
    assert abs(equipment.execution - 1.505) < 1e-12
    assert [r.spent for r in b.by_quarter] == [
        Decimal("400.00"),
        Decimal("150.50"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    assert [r.funded for r in b.by_source] == [
        Decimal("1000.00"),
        Decimal("500.00"),
        Decimal("100.00"),
    ]


def test_budget_per_household_setting(engine):
    with transaction(engine) as s:
        _households(s, 10, 0, 0)
        s.get(Setting, "budget.yuan_per_household").value = "25"
    b = budget_summary(engine, 2026, as_of=datetime(2026, 11, 1, tzinfo=CST))
    assert b.standard == Decimal("250.00") and b.funded == 0 and b.execution is None
