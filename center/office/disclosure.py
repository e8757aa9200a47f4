"""The public disclosure of the budget (公开明细, `spec/office.md` "Budget"): what a
quarter's PDF and XLSX print.

* the quarter's funding received: the lines granted in the quarter (a line without a
  grant date counts from 1 January);
* every expenditure of the quarter (date, category, source, amount, payee, voucher),
  except personnel: one row per month and line with the count and the total, never a
  person;
* totals by category and source, for the quarter and the year to date.

Only expenditures dated on or before the evaluation day count (a quarter not yet over
shows what is recorded so far); voided lines and expenditures count nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Engine, select

from center.core.clock import now
from center.core.errors import InvalidInput
from center.office.budget import CATEGORIES, CATEGORY_NAMES, SOURCE_NAMES, SOURCES, ZERO
from db.models import BudgetLine, Expenditure, Street
from db.types import CST, to_local

_QUARTER = re.compile(r"(\d{4})Q([1-4])")


def parse_quarter(text: str) -> tuple[int, int]:
    m = _QUARTER.fullmatch(text.strip().upper())
    if m is None:
        raise InvalidInput("quarter", f"{text!r}: expected YYYYQn such as 2026Q3")
    return int(m[1]), int(m[2])


@dataclass(frozen=True)
class FundingRow:
    line_code: str
    category: str
    source: str
    amount: Decimal
    granted_on: date  # 1 January when the line has no date
    document: str | None


@dataclass(frozen=True)
class SpendRow:
    """An expenditure, or (personnel) the month's expenditures of one line together."""

    day: date | None  # None: a month's personnel total
    month: int
    line_code: str
    category: str
    source: str
    amount: Decimal
    payee: str | None  # None for a personnel total
    voucher_no: str | None  # None for a personnel total
    count: int = 1

    @property
    def aggregated(self) -> bool:
        return self.day is None


@dataclass(frozen=True)
class Totals:
    funded: Decimal
    spent: Decimal


@dataclass(frozen=True)
class Disclosure:
    street: str
    year: int
    quarter: int
    start: date
    end: date  # last day of the quarter
    as_of: datetime
    funding: list[FundingRow]
    spending: list[SpendRow]
    quarter_by_category: dict[str, Totals]
    quarter_by_source: dict[str, Totals]
    ytd_by_category: dict[str, Totals]
    ytd_by_source: dict[str, Totals]

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def title(self) -> str:
        return f"{self.street}敲门行动经费{self.year}年第{self.quarter}季度公开明细"

    def total(self, by: dict[str, Totals]) -> Totals:
        return Totals(
            sum((t.funded for t in by.values()), ZERO), sum((t.spent for t in by.values()), ZERO)
        )


def _quarter_bounds(year: int, q: int) -> tuple[date, date]:
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def disclosure_snapshot(engine: Engine, quarter: str, as_of: datetime | None = None) -> Disclosure:
    """What the disclosure of ``quarter`` (``YYYYQn``) prints, as of ``as_of``."""
    year, q = parse_quarter(quarter)
    t = to_local(as_of) if as_of is not None else now()
    start, end = _quarter_bounds(year, q)
    last = min(end, t.astimezone(CST).date())
    jan1 = date(year, 1, 1)
    with engine.connect() as conn:
        street = conn.scalar(select(Street.name).order_by(Street.id).limit(1)) or "本街道"
        lines = conn.execute(
            select(
                BudgetLine.line_code,
                BudgetLine.category,
                BudgetLine.source,
                BudgetLine.amount,
                BudgetLine.granted_on,
                BudgetLine.document,
            )
            .where(BudgetLine.year == year, BudgetLine.voided_at.is_(None))
            .order_by(BudgetLine.line_code)
        ).all()
        spends = conn.execute(
            select(
                Expenditure.spent_on,
                BudgetLine.line_code,
                BudgetLine.category,
                BudgetLine.source,
                Expenditure.amount,
                Expenditure.payee,
                Expenditure.voucher_no,
            )
            .join(BudgetLine, BudgetLine.id == Expenditure.budget_line_id)
            .where(
                BudgetLine.year == year,
                BudgetLine.voided_at.is_(None),
                Expenditure.voided_at.is_(None),
                Expenditure.spent_on <= last,
            )
            .order_by(Expenditure.spent_on, Expenditure.voucher_no)
        ).all()
    funding_ytd = [
        FundingRow(code, cat, src, Decimal(amount), granted or jan1, doc)
        for code, cat, src, amount, granted, doc in lines
        if (granted or jan1) <= last
    ]
    funding_ytd.sort(key=lambda f: (f.granted_on, f.line_code))  # NULLs sort alike
    funding = [f for f in funding_ytd if f.granted_on >= start]
    rows: list[SpendRow] = []
    personnel: dict[tuple[int, str], list[Decimal]] = {}
    meta: dict[str, tuple[str, str]] = {}
    for day, code, cat, src, amount, payee, voucher in spends:
        if day < start:
            continue
        value = Decimal(amount)
        if cat == "personnel":
            personnel.setdefault((day.month, code), []).append(value)
            meta[code] = (cat, src)
        else:
            rows.append(SpendRow(day, day.month, code, cat, src, value, payee, voucher))
    for (month, code), amounts in personnel.items():
        cat, src = meta[code]
        rows.append(
            SpendRow(None, month, code, cat, src, sum(amounts, ZERO), None, None, len(amounts))
        )
    # by month, personnel totals first in their month, then by date and voucher
    rows.sort(
        key=lambda r: (r.month, r.day is not None, r.day or start, r.voucher_no or r.line_code)
    )

    def totals(keys: tuple[str, ...], pos: str, fund: list[FundingRow], lo: date) -> dict:
        out = {}
        for key in keys:
            funded = sum((f.amount for f in fund if getattr(f, pos) == key), ZERO)
            spent = sum(
                (
                    Decimal(amount)
                    for day, _code, cat, src, amount, *_ in spends
                    if day >= lo and (cat if pos == "category" else src) == key
                ),
                ZERO,
            )
            out[key] = Totals(funded, spent)
        return out

    return Disclosure(
        street=street,
        year=year,
        quarter=q,
        start=start,
        end=end,
        as_of=t,
        funding=funding,
        spending=rows,
        quarter_by_category=totals(CATEGORIES, "category", funding, start),
        quarter_by_source=totals(SOURCES, "source", funding, start),
        ytd_by_category=totals(CATEGORIES, "category", funding_ytd, jan1),
        ytd_by_source=totals(SOURCES, "source", funding_ytd, jan1),
    )


__all__ = [
    "CATEGORY_NAMES",
    "SOURCE_NAMES",
    "Disclosure",
    "FundingRow",
    "SpendRow",
    "Totals",
    "disclosure_snapshot",
    "parse_quarter",
]
