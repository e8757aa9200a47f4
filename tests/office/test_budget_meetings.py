"""Budget summary (kpi.md § Budget) and the joint-meeting board, on hand-made data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from center.office.budget import budget_summary
from center.office.meetings import meeting_board
from db.engine import transaction
from db.models import (
    AgendaItem,
    BudgetLine,
    Community,
    Expenditure,
    Grid,
    Household,
    JointMeeting,
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
                code="F1",
                year=2026,
                category="personnel",
                source="fiscal",
                amount=Decimal("1000.00"),
            ),
            BudgetLine(
                code="F2",
                year=2026,
                category="activities",
                source="social_fund",
                amount=Decimal("500.00"),
            ),
            BudgetLine(
                code="F3",
                year=2026,
                category="equipment",
                source="purchase",
                amount=Decimal("100.00"),
            ),
            BudgetLine(
                code="F0",
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
                    code="E1",
                    budget_line_id=lines[0].id,
                    spent_on=date(2026, 2, 1),
                    amount=Decimal("400.00"),
                    description="培训",
                ),
                Expenditure(
                    code="E2",
                    budget_line_id=lines[2].id,
                    spent_on=date(2026, 5, 1),
                    amount=Decimal("150.50"),
                    description="终端",
                ),
                Expenditure(
                    code="E3",
                    budget_line_id=lines[1].id,
                    spent_on=date(2026, 12, 1),
                    amount=Decimal("50.00"),
                    description="活动",
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


def test_meeting_board(engine):
    now = datetime(2026, 11, 10, 9, tzinfo=CST)
    with transaction(engine) as s:
        m1 = JointMeeting(
            code="M1", held_on=date(2026, 10, 28), title="十月联席会议", status="held"
        )
        m2 = JointMeeting(code="M2", held_on=date(2026, 11, 25), title="十一月联席会议")
        s.add_all([m1, m2])
        s.flush()
        s.add_all(
            [
                AgendaItem(
                    meeting_id=m1.id,
                    title="加装电梯",
                    status="in_progress",
                    due_on=date(2026, 11, 5),
                    created_at=now,
                ),
                AgendaItem(
                    meeting_id=m1.id,
                    title="停车难",
                    status="decided",
                    due_on=date(2026, 12, 5),
                    created_at=now,
                ),
                AgendaItem(title="噪音扰民", status="pending", created_at=now),
                AgendaItem(
                    meeting_id=m1.id,
                    title="已完成事项",
                    status="done",
                    due_on=date(2026, 11, 1),
                    created_at=now,
                ),
            ]
        )
    b = meeting_board(engine, as_of=now)
    assert b.counts == {"pending": 1, "scheduled": 0, "decided": 1, "in_progress": 1, "done": 1}
    assert b.overdue == 1
    assert b.next_meeting == date(2026, 11, 25) and b.last_meeting == date(2026, 10, 28)
    assert [i.title for i in b.items] == ["加装电梯", "停车难", "噪音扰民"]
    assert b.items[0].overdue and not b.items[1].overdue
