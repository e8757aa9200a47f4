"""The budget's figures (`spec/office.md` "Budget"): standard, funded, spent, gap,
execution, the run-rate forecast and value for money, for year Y as of T.

Money is :class:`~decimal.Decimal` throughout (yuan with 2 decimals); a product of a
rate and an amount is rounded half-up to the fen once, where it is formed. Rates are
floats (``None`` when the denominator is 0). Voided funding lines and expenditures
count nowhere.

* standard = households in scope for Y × yuan per household (set per year); the
  category standards are standard × share, equipment takes the remainder;
* funded: the year's lines granted on or before T's date (no ``granted_on``: from
  1 January of Y); spent: expenditures with ``spent_on`` ≤ T's date;
* forecast = spent × days in Y ÷ days elapsed (capped at the days in Y), each figure
  from its own spent; a category whose forecast exceeds its funding is ``at_risk``;
* value for money per community: tagged spending + untagged spending × the
  community's share of the households in scope, per met-visit and per closed case.

:func:`budget_summary` reads everything in one read transaction with a handful of
set-based statements and :meth:`BudgetSummary.to_json_dict` is the JSON of
``center budget summary --json``.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, literal_column, or_, select, text

from center.core.clock import now
from db.models import (
    BUDGET_CATEGORIES,
    BUDGET_SOURCES,
    BudgetLine,
    Case,
    Community,
    Expenditure,
    Grid,
    Household,
    Setting,
    Visit,
)
from db.types import CST, LocalDateTime, to_local

CATEGORIES: tuple[str, ...] = BUDGET_CATEGORIES
SOURCES: tuple[str, ...] = BUDGET_SOURCES
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DEFAULT_YUAN_PER_HOUSEHOLD = Decimal("20.00")
DEFAULT_SPLIT: dict[str, Decimal] = {
    "personnel": Decimal("0.6"),
    "activities": Decimal("0.3"),
    "equipment": Decimal("0.1"),
}
CATEGORY_NAMES = {"personnel": "人员经费", "activities": "活动经费", "equipment": "设备经费"}
SOURCE_NAMES = {
    "fiscal": "财政预算",
    "social_fund": "社会资金",
    "purchase_of_services": "政府购买服务",
}
#: the settings' keys: the defaults for every year, then one pair per year
PER_HOUSEHOLD_KEY = "budget.yuan_per_household"
SPLIT_KEY = "budget.split"


def year_key(key: str, year: int) -> str:
    """The setting of ``key`` for one year (``budget.2026.split``)."""
    return key.replace("budget.", f"budget.{year}.", 1)


def fen(value: Decimal) -> Decimal:
    """``value`` rounded half-up to the fen."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rate(num: Decimal, den: Decimal) -> float | None:
    return None if den == 0 else float(num / den)


def per_unit(amount: Decimal, count: int) -> Decimal | None:
    """An amount per counted thing (2 decimals, half-up; ``None`` for no things)."""
    return None if count == 0 else fen(amount / count)


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def days_elapsed(year: int, day: date) -> int:
    """(``day`` − 1 January of ``year``) + 1, capped at the days in the year and at
    least 1 (before the year nothing is spent, and the forecast is 0.00)."""
    n = (day - date(year, 1, 1)).days + 1
    return max(1, min(n, days_in_year(year)))


def forecast(spent: Decimal, year: int, day: date) -> Decimal:
    """Year-end spending at the run rate, rounded half-up to the fen."""
    return fen(spent * days_in_year(year) / days_elapsed(year, day))


# ---------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class BudgetSettings:
    year: int
    yuan_per_household: Decimal
    split: dict[str, Decimal]  # category -> share (the three sum to 1)
    #: whether the year has settings of its own (else the defaults apply)
    own: bool = False


def format_split(split: Mapping[str, Decimal]) -> str:
    return ";".join(f"{cat}={split[cat]}" for cat in CATEGORIES)


def parse_split_setting(text: str) -> dict[str, Decimal]:
    """``personnel=0.60;activities=0.30;equipment=0.10`` (a stored setting)."""
    out: dict[str, Decimal] = {}
    for part in text.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            try:
                out[k.strip()] = Decimal(v.strip())
            except InvalidOperation:
                continue
    if set(out) != set(CATEGORIES) or sum(out.values()) != 1:
        return dict(DEFAULT_SPLIT)
    return out


def load_settings(conn: Connection, year: int) -> BudgetSettings:
    """The yuan per household and the split of ``year``: its own settings, else the
    street's defaults (``budget.yuan_per_household``, ``budget.split``), else 20.00
    and 60/30/10."""
    keys = [PER_HOUSEHOLD_KEY, SPLIT_KEY, year_key(PER_HOUSEHOLD_KEY, year)]
    keys.append(year_key(SPLIT_KEY, year))
    query = select(Setting.key, Setting.value).where(Setting.key.in_(keys))
    stored = {key: value for key, value in conn.execute(query)}
    own_ph = stored.get(year_key(PER_HOUSEHOLD_KEY, year))
    own_split = stored.get(year_key(SPLIT_KEY, year))
    try:
        per_household = fen(Decimal(own_ph or stored.get(PER_HOUSEHOLD_KEY) or "20.00"))
    except InvalidOperation:
        per_household = DEFAULT_YUAN_PER_HOUSEHOLD
    split_text = own_split or stored.get(SPLIT_KEY)
    split = parse_split_setting(split_text) if split_text else dict(DEFAULT_SPLIT)
    return BudgetSettings(year, per_household, split, own=own_ph is not None)


# ---------------------------------------------------------------------------
# The summary


@dataclass(frozen=True)
class BudgetRow:
    """One row of a breakdown (a category, a source, a quarter or a funding line).

    For a quarter, ``funded`` is the plan: the year's funding spread evenly."""

    key: str
    label: str
    standard: Decimal | None
    funded: Decimal
    spent: Decimal
    forecast: Decimal | None = None
    category: str | None = None  # lines
    source: str | None = None  # lines

    @property
    def execution(self) -> float | None:
        return rate(self.spent, self.funded)

    @property
    def overspent(self) -> bool:
        return self.spent > self.funded

    @property
    def at_risk(self) -> bool:
        """The run-rate forecast exceeds the funding."""
        return self.forecast is not None and self.forecast > self.funded


@dataclass(frozen=True)
class CommunityValue:
    """Value for money of a community (``code`` ``None``: the street)."""

    code: str | None
    name: str
    households: int
    cost: Decimal
    met_visits: int
    closed_cases: int

    @property
    def cost_per_visit(self) -> Decimal | None:
        return per_unit(self.cost, self.met_visits)

    @property
    def cost_per_closed_case(self) -> Decimal | None:
        return per_unit(self.cost, self.closed_cases)

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.code is None else {"code": self.code}
        out.update(
            cost=_money(self.cost),
            met_visits=self.met_visits,
            closed_cases=self.closed_cases,
            cost_per_visit=_money(self.cost_per_visit),
            cost_per_closed_case=_money(self.cost_per_closed_case),
        )
        return out


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class BudgetSummary:
    year: int
    as_of: datetime
    households: int
    yuan_per_household: Decimal
    standard: Decimal
    funded: Decimal
    spent: Decimal
    forecast: Decimal
    by_category: list[BudgetRow]
    by_source: list[BudgetRow]
    by_quarter: list[BudgetRow]
    lines: list[BudgetRow] = field(default_factory=list)
    communities: list[CommunityValue] = field(default_factory=list)
    street: CommunityValue | None = None
    split: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_SPLIT))

    @property
    def gap(self) -> Decimal:
        return self.standard - self.funded

    @property
    def gap_rate(self) -> float | None:
        return rate(self.gap, self.standard)

    @property
    def execution(self) -> float | None:
        return rate(self.spent, self.funded)

    @property
    def at_risk(self) -> list[str]:
        """The categories whose forecast exceeds their funding."""
        return [r.key for r in self.by_category if r.at_risk]

    @property
    def overspent_lines(self) -> list[str]:
        return [r.key for r in self.lines if r.overspent]

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON of ``center budget summary --json`` (`spec/office.md`)."""
        m = _money
        return {
            "year": self.year,
            "as_of": to_local(self.as_of).isoformat(),
            "households": self.households,
            "yuan_per_household": m(self.yuan_per_household),
            "standard": m(self.standard),
            "funded": m(self.funded),
            "spent": m(self.spent),
            "gap": m(self.gap),
            "gap_rate": self.gap_rate,
            "execution": self.execution,
            "forecast": m(self.forecast),
            "by_category": {
                r.key: {
                    "standard": m(r.standard),
                    "funded": m(r.funded),
                    "spent": m(r.spent),
                    "execution": r.execution,
                    "forecast": m(r.forecast),
                    "at_risk": r.at_risk,
                }
                for r in self.by_category
            },
            "by_source": {
                r.key: {"funded": m(r.funded), "spent": m(r.spent), "execution": r.execution}
                for r in self.by_source
            },
            "by_quarter": {r.key: m(r.spent) for r in self.by_quarter},
            "lines": [
                {
                    "line_code": r.key,
                    "category": r.category,
                    "source": r.source,
                    "funded": m(r.funded),
                    "spent": m(r.spent),
                    "execution": r.execution,
                    "overspent": r.overspent,
                }
                for r in self.lines
            ],
            "communities": [c.to_json_dict() for c in self.communities],
            "street": (self.street or _EMPTY_STREET).to_json_dict(),
        }


_EMPTY_STREET = CommunityValue(None, "", 0, ZERO, 0, 0)


def category_standards(standard: Decimal, split: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """standard × share per category, half-up to the fen; equipment takes the
    remainder so the three sum to the standard exactly."""
    out = {cat: fen(standard * split[cat]) for cat in CATEGORIES[:-1]}
    out[CATEGORIES[-1]] = standard - sum(out.values(), ZERO)
    return out


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return (
        datetime.combine(date(year, 1, 1), time(0), CST),
        datetime.combine(date(year + 1, 1, 1), time(0), CST),
    )


#: SQLite would rather range over ix_case_eff_closed and sort by grid: 4x slower
_CLOSED_SQLITE = text(
    "SELECT grid_id, count(*) FROM cases INDEXED BY ix_case_grid_closed "
    "WHERE eff_closed_at >= :start AND eff_closed_at < :end AND eff_closed_at <= :t_end "
    "AND received_at <= :t GROUP BY grid_id"
).bindparams(*(bindparam(name, type_=LocalDateTime()) for name in ("start", "end", "t_end", "t")))


def _closed_per_grid(
    conn: Connection, start: datetime, end: datetime, t_end: datetime, t: datetime
) -> Any:
    """(grid id, cases closed in the year by T) rows (kpi.md's "closed in P")."""
    if conn.dialect.name == "sqlite":
        return _CLOSED_SQLITE.bindparams(start=start, end=end, t_end=t_end, t=t)
    return (
        select(Case.grid_id, func.count())
        .where(
            Case.eff_closed_at >= start,
            Case.eff_closed_at < end,
            Case.eff_closed_at <= t_end,
            Case.received_at <= t,
        )
        .group_by(Case.grid_id)
    )


def budget_summary(engine: Engine, year: int, as_of: datetime | None = None) -> BudgetSummary:
    """The figures of ``year`` as of ``as_of`` (default now)."""
    t = to_local(as_of) if as_of is not None else now()
    with engine.connect() as conn:
        return summary_in(conn, year, t)


def summary_in(conn: Connection, year: int, t: datetime) -> BudgetSummary:
    """:func:`budget_summary` on an open connection (one snapshot)."""
    day = t.astimezone(CST).date()
    start, end = _year_bounds(year)
    settings = load_settings(conn, year)
    in_scope = or_(Household.moved_out_on.is_(None), Household.moved_out_on >= date(year + 1, 1, 1))
    communities = conn.execute(
        select(Community.id, Community.code, Community.name).order_by(Community.code)
    ).all()
    # counted per grid through covering indexes, summed per community here (a join
    # with the grid per row would cost a look-up per household, visit or case)
    community_of = {gid: cid for gid, cid in conn.execute(select(Grid.id, Grid.community_id))}

    def per_community(rows: Any) -> dict[int, int]:
        out: dict[int, int] = {}
        for gid, n in rows:
            cid = community_of.get(gid)
            if cid is not None:
                out[cid] = out.get(cid, 0) + int(n)
        return out

    homes = per_community(
        conn.execute(
            select(Household.grid_id, func.count()).where(in_scope).group_by(Household.grid_id)
        )
    )
    households = sum(homes.values())
    lines = conn.execute(
        select(
            BudgetLine.id,
            BudgetLine.line_code,
            BudgetLine.category,
            BudgetLine.source,
            BudgetLine.amount,
            BudgetLine.granted_on,
        )
        .where(BudgetLine.year == year, BudgetLine.voided_at.is_(None))
        .order_by(BudgetLine.line_code)
    ).all()
    spends = conn.execute(
        select(
            Expenditure.budget_line_id,
            Expenditure.community_id,
            Expenditure.spent_on,
            Expenditure.amount,
        )
        .join(BudgetLine, BudgetLine.id == Expenditure.budget_line_id)
        .where(
            BudgetLine.year == year,
            BudgetLine.voided_at.is_(None),
            Expenditure.voided_at.is_(None),
            Expenditure.spent_on <= day,
        )
    ).all()
    t_bound = min(t, end)
    visits: dict[int, int] = {}
    closed: dict[int, int] = {}
    if t >= start:
        # spelled as the partial index ix_visit_met's condition, so that it is used
        met = Visit.outcome == literal_column("'met'")
        in_year = (Visit.visited_at >= start, Visit.visited_at < end, Visit.visited_at <= t_bound)
        visits = per_community(
            conn.execute(
                select(Visit.grid_id, func.count()).where(met, *in_year).group_by(Visit.grid_id)
            )
        )
        closed = per_community(conn.execute(_closed_per_grid(conn, start, end, t_bound, t)))
    return _figures(
        year, t, day, settings, households, homes, communities, lines, spends, visits, closed
    )


def _figures(
    year: int,
    t: datetime,
    day: date,
    settings: BudgetSettings,
    households: int,
    homes: Mapping[int, int],
    communities: Any,
    lines: Any,
    spends: Any,
    visits: Mapping[int, int],
    closed: Mapping[int, int],
) -> BudgetSummary:
    standard = settings.yuan_per_household * households
    cat_standard = category_standards(standard, settings.split)
    jan1 = date(year, 1, 1)
    line_of: dict[int, tuple[str, str, str, Decimal]] = {}
    for lid, code, cat, src, amount, granted_on in lines:
        funded = Decimal(amount) if (granted_on or jan1) <= day else ZERO
        line_of[lid] = (code, cat, src, funded)
    spent_line: dict[int, Decimal] = {}
    spent_quarter = dict.fromkeys(QUARTERS, ZERO)
    tagged: dict[int, Decimal] = {}
    untagged = ZERO
    for lid, cid, spent_on, amount in spends:
        value = Decimal(amount)
        spent_line[lid] = spent_line.get(lid, ZERO) + value
        spent_quarter[QUARTERS[(spent_on.month - 1) // 3]] += value
        if cid is None:
            untagged += value
        else:
            tagged[cid] = tagged.get(cid, ZERO) + value

    def total(pos: int, key: str | None, amounts: Mapping[int, Decimal]) -> Decimal:
        return sum(
            (
                amounts.get(lid, ZERO)
                for lid, info in line_of.items()
                if key is None or info[pos] == key
            ),
            ZERO,
        )

    funded_of = {lid: info[3] for lid, info in line_of.items()}
    by_category = []
    for cat in CATEGORIES:
        spent = total(1, cat, spent_line)
        by_category.append(
            BudgetRow(
                cat,
                CATEGORY_NAMES[cat],
                cat_standard[cat],
                total(1, cat, funded_of),
                spent,
                forecast(spent, year, day),
            )
        )
    by_source = [
        BudgetRow(src, SOURCE_NAMES[src], None, total(2, src, funded_of), total(2, src, spent_line))
        for src in SOURCES
    ]
    funded_total = sum(funded_of.values(), ZERO)
    spent_total = sum(spent_line.values(), ZERO)
    plan = fen(funded_total / 4)
    by_quarter = [
        BudgetRow(q, f"第{i}季度", None, plan, spent_quarter[q]) for i, q in enumerate(QUARTERS, 1)
    ]
    line_rows = [
        BudgetRow(
            code,
            f"{CATEGORY_NAMES[cat]} · {SOURCE_NAMES[src]}",
            None,
            funded,
            spent_line.get(lid, ZERO),
            category=cat,
            source=src,
        )
        for lid, (code, cat, src, funded) in line_of.items()
    ]
    values = []
    for cid, code, name in communities:
        n = homes.get(cid, 0)
        share = fen(untagged * n / households) if households else ZERO
        values.append(
            CommunityValue(
                code, name, n, tagged.get(cid, ZERO) + share, visits.get(cid, 0), closed.get(cid, 0)
            )
        )
    street = CommunityValue(
        None, "", households, spent_total, sum(visits.values()), sum(closed.values())
    )
    return BudgetSummary(
        year=year,
        as_of=t,
        households=households,
        yuan_per_household=settings.yuan_per_household,
        standard=standard,
        funded=funded_total,
        spent=spent_total,
        forecast=forecast(spent_total, year, day),
        by_category=by_category,
        by_source=by_source,
        by_quarter=by_quarter,
        lines=line_rows,
        communities=values,
        street=street,
        split=dict(settings.split),
    )
