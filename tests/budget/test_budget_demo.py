"""The demo's budget year goes through the ledger's service: every funding line and
expenditure has its audit row by the finance account, a social-fund donation arrives
mid-year, one line is overspent and one category is at risk at the run rate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from center.demo.build import build_demo
from center.office.budget import budget_summary
from db.models import AuditLog, BudgetLine, Expenditure
from db.types import CST

AS_OF = datetime(2026, 11, 5, 9, 0, tzinfo=CST)


def test_demo_budget_year(ctx):
    summary = build_demo(ctx, seed=5, scale=0.05, households_per_grid=20, as_of=AS_OF)
    engine = ctx.engine
    with engine.connect() as conn:
        lines = conn.scalar(select(func.count()).select_from(BudgetLine))
        spends = conn.scalar(select(func.count()).select_from(Expenditure))
        audited = dict(
            conn.execute(
                select(AuditLog.action, func.count())
                .where(AuditLog.actor == "finance", AuditLog.action.like("budget.%"))
                .group_by(AuditLog.action)
            ).all()
        )
        donations = (
            conn.execute(
                select(BudgetLine.granted_on).where(
                    BudgetLine.year == 2026,
                    BudgetLine.source == "social_fund",
                    BudgetLine.category == "activities",
                )  # fmt: skip
            )
            .scalars()
            .all()
        )
        tagged = conn.scalar(
            select(func.count())
            .select_from(Expenditure)
            .where(Expenditure.community_id.is_not(None))
        )
    assert (summary.budget_lines, summary.expenditures) == (lines, spends)
    assert audited == {"budget.line.create": lines, "budget.expenditure.create": spends}
    assert [d.month for d in donations] == [6]  # the mid-year donation
    assert 0 < tagged < spends  # some spending went to one community, the rest street-wide
    s = budget_summary(engine, 2026, AS_OF)
    assert len(s.overspent_lines) == 1
    assert s.at_risk  # at least one category's forecast exceeds its funding
    assert 0 < s.gap < s.standard * 3 / 10
    assert all(r.spent > 0 for r in s.by_quarter[:3])
    assert all(c.cost > 0 for c in s.communities)
