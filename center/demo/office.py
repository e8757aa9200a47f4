"""The street office's side of the demo: joint meetings and the year's budget.

* One joint meeting (联席会议) a month, held on a working day around the 10th; the
  next month's meeting is already planned. Escalated cases become agenda items that go
  pending → scheduled → decided → in_progress → done; decisions name a responsible
  department and a due date, and some run overdue.
* Budget per year: standard = yuan per household × households in scope, split
  60/30/10; funding lines from fiscal budget, social fund and purchase of services
  cover most but not all of it; spending is spread over the quarters, with one
  category slightly overspent.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from center.demo import data as vocab
from center.demo.visits import month_spans
from center.kpi.calendar import WorkCalendar
from db.types import CST

CENT = Decimal("0.01")


@dataclass
class Meeting:
    code: str
    held_on: date
    title: str
    held: bool
    items: int = 0


@dataclass
class Item:
    """An agenda item (for a case when ``case_key`` is set) and its decisions."""

    title: str
    created_at: datetime
    case_key: int | None
    lead_dept: str
    meeting: int | None = None  # index into the meeting list
    status: str = "pending"
    due_on: date | None = None
    closed_at: datetime | None = None
    decisions: list[dict[str, Any]] = field(default_factory=list)


def plan_meetings(
    cal: WorkCalendar, rng: random.Random, start: date, as_of: datetime
) -> list[Meeting]:
    today = as_of.date()
    spans = month_spans(start, today)
    nxt = spans[-1][1] + timedelta(days=1)
    spans.append((nxt, nxt))
    out = []
    for first, _ in spans:
        day = first + timedelta(days=7 + rng.randint(0, 5))
        while not cal.is_workday(day):
            day += timedelta(days=1)
        out.append(
            Meeting(
                code=f"JM{first:%Y%m}",
                held_on=day,
                title=f"{first.year}年{first.month}月敲门行动联席会议",
                held=day < today,
            )
        )
    return out


def _decide(
    rng: random.Random, item: Item, m: Meeting, as_of: datetime, second_dept: str | None
) -> datetime | None:
    """Decisions at a held meeting and how the item went since; returns when it was done."""
    decided_at = datetime(m.held_on.year, m.held_on.month, m.held_on.day, 15, 0, tzinfo=CST)
    depts = [item.lead_dept] + ([second_dept] if second_dept else [])
    dues = []
    for dept in depts:
        due = m.held_on + timedelta(days=rng.randint(10, 30))
        dues.append(due)
        item.decisions.append(
            {
                "text": rng.choice(vocab.DECISION_TEXTS),  # {dept} is filled with the name on write
                "dept": dept,
                "due_on": due,
                "decided_at": decided_at,
                "done_at": None,
            }
        )
    item.due_on = max(dues)
    r = rng.random()
    due = datetime(item.due_on.year, item.due_on.month, item.due_on.day, 16, tzinfo=CST)
    if r < 0.72:
        span = max(3, (item.due_on - m.held_on).days)
        done = decided_at + timedelta(days=rng.randint(3, span), hours=rng.uniform(-5, 2))
    elif r < 0.88:
        done = due + timedelta(days=rng.randint(1, 20))
    else:  # dragging on for months
        done = due + timedelta(days=rng.randint(25, 90), hours=rng.uniform(-6, 0))
    done = done.replace(microsecond=0)
    if done <= as_of:
        item.status = "done"
        item.closed_at = done
        for d in item.decisions:
            d["done_at"] = done
        return done
    item.status = "decided" if (as_of.date() - m.held_on).days <= 3 else "in_progress"
    return None


def run_meetings(
    rng: random.Random,
    meetings: Sequence[Meeting],
    escalated: Sequence[dict[str, Any]],
    as_of: datetime,
    title_of: Callable[[dict[str, Any]], str],
    lead_of: Callable[[dict[str, Any]], str],
    second_of: Callable[[dict[str, Any]], str | None],
    close_case: Callable[[dict[str, Any], datetime], None],
) -> list[Item]:
    """Agenda items for escalated cases (escalated_at ≤ as-of) and a few topics of the
    street's own; cases whose item is done are closed through ``close_case``."""
    items: list[Item] = []
    for c in sorted(escalated, key=lambda c: (c["escalated_at"], c["_key"])):
        esc: datetime = c["escalated_at"]
        item = Item(
            title=title_of(c)[:200], created_at=esc, case_key=c["_key"], lead_dept=lead_of(c)
        )
        k = next(
            (i for i, m in enumerate(meetings) if m.held_on >= esc.date() + timedelta(days=2)), None
        )
        if k is None:
            items.append(item)
            continue
        m = meetings[k]
        if not m.held:
            if esc <= as_of - timedelta(days=2):
                item.status, item.meeting = "scheduled", k
            items.append(item)
            continue
        item.meeting = k
        m.items += 1
        done = _decide(rng, item, m, as_of, second_of(c))
        if done is not None:
            close_case(c, (done + timedelta(hours=rng.uniform(0.5, 20))).replace(microsecond=0))
        items.append(item)
    for k, m in enumerate(meetings):
        if not m.held or rng.random() >= 0.6:
            continue
        topic, dept = rng.choice(vocab.MEETING_TOPICS)
        created = datetime(m.held_on.year, m.held_on.month, m.held_on.day, 10, tzinfo=CST)
        item = Item(
            title=topic,
            created_at=created - timedelta(days=rng.randint(3, 10)),
            case_key=None,
            lead_dept=dept,
            meeting=k,
        )
        m.items += 1
        _decide(rng, item, m, as_of, None)
        items.append(item)
    return items


# ---------------------------------------------------------------------- budget


@dataclass
class Line:
    code: str
    year: int
    category: str
    source: str
    amount: Decimal
    granted_on: date
    note: str


@dataclass
class Spend:
    code: str
    line: int  # index into the line list
    spent_on: date
    amount: Decimal
    description: str
    recorded_by: str


# category: [(source, low share, high share of the category's standard, granted month/day)]
FUNDING = {
    "personnel": [("fiscal", 0.80, 0.87, None), ("purchase", 0.05, 0.09, (2, 20))],
    "activities": [
        ("fiscal", 0.55, 0.62, None),
        ("social_fund", 0.10, 0.15, (3, 28)),
        ("purchase", 0.10, 0.14, (2, 20)),
    ],
    "equipment": [("fiscal", 0.72, 0.80, None), ("social_fund", 0.05, 0.09, (4, 15))],
}
SPLIT = {"personnel": Decimal("0.60"), "activities": Decimal("0.30"), "equipment": Decimal("0.10")}
SOURCE_NOTES = {
    "fiscal": "街道年度财政预算",
    "social_fund": "慈善基金会定向捐赠",
    "purchase": "区民政局购买社会工作服务",
}


def _parts(rng: random.Random, total: Decimal, n: int) -> list[Decimal]:
    """``total`` split into ``n`` positive random amounts (to the cent)."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(n)]
    s = sum(weights)
    out = [(total * Decimal(w / s)).quantize(CENT) for w in weights]
    out[-1] += total - sum(out)
    return out


def make_budget(
    rng: random.Random,
    years: Sequence[int],
    households_in_scope: Callable[[int], int],
    yuan_per_household: Decimal,
    as_of: datetime,
    recorders: Sequence[str],
) -> tuple[list[Line], list[Spend]]:
    """Funding lines and expenditures of ``years``, as far as they exist at ``as_of``:
    lines not yet granted are left out, spending stops at the as-of day."""
    today = as_of.date()
    lines: list[Line] = []
    spends: list[Spend] = []
    seq: dict[int, int] = {}
    for year in years:
        standard = yuan_per_household * households_in_scope(year)
        first_line = len(lines)
        for cat, sources in FUNDING.items():
            cat_std = standard * SPLIT[cat]
            for src, lo, hi, granted in sources:
                granted_on = date(year - 1, 12, 20) + timedelta(days=rng.randint(0, 8))
                if granted is not None:
                    granted_on = date(year, *granted) + timedelta(days=rng.randint(0, 10))
                if granted_on > today:
                    continue  # not granted yet
                step = Decimal(100) if cat_std >= 50_000 else Decimal(1)
                frac = Decimal(rng.uniform(lo, hi))
                amount = (cat_std * frac / step).quantize(Decimal(1)) * step
                lines.append(
                    Line(
                        f"BL{year}-{len(lines) - first_line + 1:02d}",
                        year,
                        cat,
                        src,
                        amount,
                        granted_on,
                        SOURCE_NOTES[src],
                    )
                )
        year_end = date(year, 12, 31)
        last_day = min(today, year_end)
        if last_day < date(year, 1, 2):
            continue
        elapsed = min(1.0, ((last_day - date(year, 1, 1)).days + 1) / 365.0)
        # The category that ends slightly overspent: equipment this year (bought early),
        # activities in a completed year.
        over_cat = "equipment" if year_end > today else "activities"
        targets: dict[int, Decimal] = {}
        for k in range(first_line, len(lines)):
            ln = lines[k]
            if ln.category == "equipment":
                share = rng.uniform(0.85, 0.98) * min(1.0, elapsed * 2.5)
            else:
                share = rng.uniform(0.86, 0.99) * elapsed
            targets[k] = (ln.amount * Decimal(share)).quantize(CENT)
        over = [k for k in targets if lines[k].category == over_cat]
        fiscal = next((k for k in over if lines[k].source == "fiscal"), None)
        if fiscal is not None:
            funded = sum((lines[k].amount for k in over), Decimal(0))
            others = sum((targets[k] for k in over if k != fiscal), Decimal(0))
            targets[fiscal] = (funded * Decimal(rng.uniform(1.03, 1.07)) - others).quantize(CENT)
        for k, target in targets.items():
            ln = lines[k]
            start = max(ln.granted_on, date(year, 1, 2))
            if start > last_day or target <= 0:
                continue
            if ln.category == "personnel":
                dates = [
                    d for d in (date(year, m, 25) for m in range(1, 13)) if start <= d <= last_day
                ] or [last_day]
            else:
                end = last_day
                if ln.category == "equipment":
                    end = max(start, min(last_day, date(year, 6, 30)))
                n = max(1, ((end - start).days + 1) // (45 if ln.category == "equipment" else 20))
                dates = sorted(
                    start + timedelta(days=rng.randint(0, (end - start).days)) for _ in range(n)
                )
            texts = vocab.EXPENSE_TEXTS[ln.category]
            for day, amount in zip(dates, _parts(rng, target, len(dates)), strict=True):
                seq[year] = seq.get(year, 0) + 1
                spends.append(
                    Spend(
                        code=f"EX{year}-{seq[year]:04d}",
                        line=k,
                        spent_on=day,
                        amount=amount,
                        description=f"{rng.choice(texts)}（{day.month}月）",
                        recorded_by=rng.choice(recorders),
                    )
                )
    return lines, spends
