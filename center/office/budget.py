"""Budget: standard vs funded vs spent (`spec/kpi.md` § Budget)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Engine, func, or_, select

from center.core.clock import now
from db.models import BUDGET_CATEGORIES, BUDGET_SOURCES, BudgetLine, Expenditure, Household, Setting
from db.types import CST

ZERO = Decimal("0.00")
CATEGORY_NAMES = {"personnel": "人员经费", "activities": "活动经费", "equipment": "设备经费"}
SOURCE_NAMES = {"fiscal": "财政预算", "social_fund": "社会资金", "purchase": "政府购买服务"}


def _rate(num: Decimal, den: Decimal) -> float | None:
    return None if den == 0 else float(num / den)


@dataclass(frozen=True)
class BudgetRow:
    """One row of a breakdown (a category, a source, a quarter or a funding line)."""

    key: str
    label: str
    standard: Decimal | None
    funded: Decimal
    spent: Decimal

    @property
    def execution(self) -> float | None:
        return _rate(self.spent, self.funded)

    @property
    def overspent(self) -> bool:
        return self.spent > self.funded


@dataclass(frozen=True)
class BudgetSummary:
    year: int
    as_of: datetime
    households: int
    yuan_per_household: Decimal
    standard: Decimal
    funded: Decimal
    spent: Decimal
    by_category: list[BudgetRow]
    by_source: list[BudgetRow]
    by_quarter: list[BudgetRow]
    lines: list[BudgetRow] = field(default_factory=list)

    @property
    def gap(self) -> Decimal:
        return self.standard - self.funded

    @property
    def gap_rate(self) -> float | None:
        return _rate(self.gap, self.standard)

    @property
    def execution(self) -> float | None:
        return _rate(self.spent, self.funded)


def _split(text: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for part in text.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = Decimal(v.strip())
    return out


def budget_summary(engine: Engine, year: int, as_of: datetime | None = None) -> BudgetSummary:
    """Standard, funding and spending of ``year`` with spending up to ``as_of``."""
    as_of = as_of or now()
    as_of_day = as_of.astimezone(CST).date()
    next_year = date(year + 1, 1, 1)
    with engine.connect() as conn:
        settings = {k: v for k, v in conn.execute(select(Setting.key, Setting.value))}
        per_household = Decimal(settings.get("budget.yuan_per_household", "20"))
        split = _split(
            settings.get("budget.split", "personnel=0.60;activities=0.30;equipment=0.10")
        )
        households = (
            conn.scalar(
                select(func.count())
                .select_from(Household)
                .where(or_(Household.moved_out_on.is_(None), Household.moved_out_on >= next_year))
            )
            or 0
        )
        lines = conn.execute(
            select(
                BudgetLine.id,
                BudgetLine.code,
                BudgetLine.category,
                BudgetLine.source,
                BudgetLine.amount,
                BudgetLine.note,
            )
            .where(BudgetLine.year == year)
            .order_by(BudgetLine.code)
        ).all()
        spent_rows = conn.execute(
            select(Expenditure.budget_line_id, Expenditure.spent_on, Expenditure.amount)
            .join(BudgetLine, BudgetLine.id == Expenditure.budget_line_id)
            .where(BudgetLine.year == year, Expenditure.spent_on <= as_of_day)
        ).all()
    standard = (per_household * households).quantize(Decimal("0.01"))
    line_info = {lid: (code, cat, src, Decimal(amount)) for lid, code, cat, src, amount, _ in lines}
    spent_by_line: dict[int, Decimal] = {}
    spent_by_quarter = {q: ZERO for q in range(1, 5)}
    for lid, day, amount in spent_rows:
        spent_by_line[lid] = spent_by_line.get(lid, ZERO) + Decimal(amount)
        spent_by_quarter[(day.month - 1) // 3 + 1] += Decimal(amount)

    def rows(keys: tuple[str, ...], names: dict[str, str], pos: int, with_standard: bool):
        out = []
        for key in keys:
            funded = sum((info[3] for info in line_info.values() if info[pos] == key), ZERO)
            spent = sum(
                (
                    spent_by_line.get(lid, ZERO)
                    for lid, info in line_info.items()
                    if info[pos] == key
                ),
                ZERO,
            )
            std = (
                (standard * split.get(key, ZERO)).quantize(Decimal("0.01"))
                if with_standard
                else None
            )
            out.append(BudgetRow(key, names[key], std, funded, spent))
        return out

    funded_total = sum((info[3] for info in line_info.values()), ZERO)
    spent_total = sum(spent_by_line.values(), ZERO)
    # Quarter funding is the year's funding spread evenly: the plan allocates per year.
    quarter_rows = [
        BudgetRow(
            f"Q{q}",
            f"第{q}季度",
            None,
            (funded_total / 4).quantize(Decimal("0.01")),
            spent_by_quarter[q],
        )
        for q in range(1, 5)
    ]
    line_rows = [
        BudgetRow(
            code,
            f"{CATEGORY_NAMES[cat]} · {SOURCE_NAMES[src]}",
            None,
            amount,
            spent_by_line.get(lid, ZERO),
        )
        for lid, (code, cat, src, amount) in line_info.items()
    ]
    return BudgetSummary(
        year=year,
        as_of=as_of,
        households=households,
        yuan_per_household=per_household,
        standard=standard,
        funded=funded_total,
        spent=spent_total,
        by_category=rows(BUDGET_CATEGORIES, CATEGORY_NAMES, 1, True),
        by_source=rows(BUDGET_SOURCES, SOURCE_NAMES, 2, False),
        by_quarter=quarter_rows,
        lines=line_rows,
    )
