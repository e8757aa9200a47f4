"""The street office's side of the demo: joint meetings and the year's budget.

* One joint meeting (联席会议) a month, held on a working day around the 10th; the
  next month's meeting is already planned. This module plans them: which escalated
  cases each meeting takes up, the decision (lead department, a co-operating one
  sometimes, the measures, the due date) and when the item was done; a few topics of
  the street's own. The plan is drawn with the cases (an escalated case is closed after
  its item is done); :mod:`center.demo.meetings` then runs it through the meeting
  services once the cases are written, and some decisions run overdue.
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
    """A planned agenda item: an escalated case (``case_key``) or a topic, the meeting
    that takes it up (index into the meeting list; None: not yet on an agenda) and, for
    a held meeting, its decision and when it was done (None: not by the as-of)."""

    title: str
    created_at: datetime
    case_key: int | None
    lead_dept: str
    meeting: int | None = None
    co_depts: list[str] = field(default_factory=list)
    measures: str = ""  # ``{dept}`` is filled with the lead department's name
    due_on: date | None = None
    decided_at: datetime | None = None
    done_at: datetime | None = None


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


def done_after(rng: random.Random, decided_at: datetime, held_on: date, due_on: date) -> datetime:
    """When an item decided at ``decided_at`` is done: mostly within its due date, some
    late, a few dragging on for months."""
    r = rng.random()
    due = datetime(due_on.year, due_on.month, due_on.day, 16, tzinfo=CST)
    if r < 0.72:
        span = max(3, (due_on - held_on).days)
        done = decided_at + timedelta(days=rng.randint(3, span), hours=rng.uniform(-5, 2))
    elif r < 0.88:
        done = due + timedelta(days=rng.randint(1, 20))
    else:  # dragging on for months
        done = due + timedelta(days=rng.randint(25, 90), hours=rng.uniform(-6, 0))
    return done.replace(microsecond=0)


def _decide(
    rng: random.Random, item: Item, m: Meeting, as_of: datetime, second_dept: str | None
) -> datetime | None:
    """The decision at a held meeting and how the item went since; returns when it was
    done (None: not by the as-of)."""
    decided_at = datetime(m.held_on.year, m.held_on.month, m.held_on.day, 15, 0, tzinfo=CST)
    depts = [item.lead_dept] + ([second_dept] if second_dept else [])
    dues = []
    measures = []
    for _dept in depts:
        dues.append(m.held_on + timedelta(days=rng.randint(10, 30)))
        measures.append(rng.choice(vocab.DECISION_TEXTS))
    item.co_depts = depts[1:]
    item.measures = measures[0]
    item.due_on = max(dues)
    item.decided_at = decided_at
    done = done_after(rng, decided_at, m.held_on, item.due_on)
    if done <= as_of:
        item.done_at = done
        return done
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
    """The plan: agenda items for escalated cases (escalated_at ≤ as-of), each taken up
    by the first meeting at least two days after its escalation, and a few topics of the
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
        item.meeting = k
        if not m.held:
            items.append(item)
            continue
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
    document: str | None = None

    def values(self) -> dict[str, Any]:
        """The line as the ledger's services take it."""
        return {
            "line_code": self.code,
            "year": self.year,
            "category": self.category,
            "source": self.source,
            "amount": self.amount,
            "granted_on": self.granted_on,
            "document": self.document,
            "note": self.note,
        }


@dataclass
class Spend:
    code: str  # the voucher number
    line: int  # index into the line list
    spent_on: date
    amount: Decimal
    payee: str
    note: str
    community: str | None = None  # when the money went to one community

    def values(self, lines: Sequence[Line]) -> dict[str, Any]:
        """The expenditure as the ledger's services take it."""
        return {
            "voucher_no": self.code,
            "line_code": lines[self.line].code,
            "spent_on": self.spent_on,
            "amount": self.amount,
            "payee": self.payee,
            "community_code": self.community,
            "note": self.note,
        }


# category: [(source, low share, high share of the category's standard, granted month/day)]
# The activities' social-fund line is a mid-year donation (granted in June).
FUNDING = {
    "personnel": [("fiscal", 0.80, 0.87, None), ("purchase_of_services", 0.05, 0.09, (2, 20))],
    "activities": [
        ("fiscal", 0.55, 0.62, None),
        ("social_fund", 0.12, 0.17, (6, 18)),
        ("purchase_of_services", 0.10, 0.14, (2, 20)),
    ],
    "equipment": [("fiscal", 0.72, 0.80, None), ("social_fund", 0.05, 0.09, (4, 15))],
}
SPLIT = {"personnel": Decimal("0.60"), "activities": Decimal("0.30"), "equipment": Decimal("0.10")}
SOURCE_NOTES = {
    "fiscal": "街道年度财政预算",
    "social_fund": "慈善基金会定向捐赠",
    "purchase_of_services": "区民政局购买社会工作服务",
}
SOURCE_DOCUMENTS = {
    "fiscal": "街财〔{year}〕{n}号",
    "social_fund": "捐赠协议 JZ{year}-{n:03d}",
    "purchase_of_services": "区民购〔{year}〕{n}号",
}
PAYEES = {
    "personnel": ("网格员补贴代发账户", "楼栋长补贴代发账户", "志愿者服务队", "同心社工服务中心"),
    "activities": ("街道文化活动中心", "启明印务有限公司", "邻里互助服务社", "惠民超市"),
    "equipment": ("安邻智能科技有限公司", "康护医疗器械有限公司", "城安消防器材有限公司"),
}  # fmt: skip


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
    communities: Sequence[str],
) -> tuple[list[Line], list[Spend]]:
    """Funding lines and expenditures of ``years``, as far as they exist at ``as_of``:
    lines not yet granted are left out, spending stops at the as-of day. Activities
    are mostly held in one community (tagged with it), equipment sometimes; personnel
    is paid street-wide."""
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
                        SOURCE_DOCUMENTS[src].format(year=year, n=rng.randint(2, 60)),
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
            tag_share = {"personnel": 0.0, "activities": 0.7, "equipment": 0.3}[ln.category]
            for day, amount in zip(dates, _parts(rng, target, len(dates)), strict=True):
                seq[year] = seq.get(year, 0) + 1
                tagged = communities and rng.random() < tag_share
                spends.append(
                    Spend(
                        code=f"EX{year}-{seq[year]:04d}",
                        line=k,
                        spent_on=day,
                        amount=amount,
                        payee=rng.choice(PAYEES[ln.category]),
                        note=f"{rng.choice(texts)}（{day.month}月）",
                        community=rng.choice(communities) if tagged else None,
                    )
                )
    return lines, spends
