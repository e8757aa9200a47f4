"""Visit cadence (`spec/kpi.md`): a special household needs 2 met-visits in every
calendar month, an ordinary household 1 met-visit in every calendar quarter. Only
visits at or before the evaluation instant count. The per-household month table
(:class:`db.models.HouseholdMonth`, first and second met-visit instants) answers
every cadence question without reading the visits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, func, select

from db.models import (
    HouseholdMonth,
    Visit,
)
from db.types import period_instant, to_local

SPECIAL_PER_MONTH = 2
ORDINARY_PER_QUARTER = 1
_CHUNK = 500


# ------------------------------------------------------------------ periods


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    idx = d.year * 12 + d.month - 1 + n
    return date(idx // 12, idx % 12 + 1, 1)


def quarter_start(d: date) -> date:
    return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def _ym(d: date) -> int:
    return d.year * 100 + d.month


# ------------------------------------------------------------------ cadence


@dataclass(frozen=True)
class Cadence:
    """Where a household stands in its current cadence period at ``as_of``."""

    special: bool
    period: str  # "2026-11" (special) or "2026Q4" (ordinary)
    needed: int
    done: int
    due_by: datetime  # 00:00 of the first day of the next period
    missed_previous: bool  # the previous period's cadence was not met
    last_met_at: datetime | None

    @property
    def remaining(self) -> int:
        return max(0, self.needed - self.done)

    @property
    def state(self) -> str:
        """``ok`` (cadence met), ``overdue`` (behind since the last period) or ``due``."""
        if self.remaining == 0:
            return "ok"
        return "overdue" if self.missed_previous else "due"

    @property
    def next_due(self) -> datetime:
        """When the household next needs a visit by: the period end, or the next one's."""
        if self.remaining:
            return self.due_by
        d = self.due_by.date()
        nxt = add_months(d, 1) if self.special else add_months(d, 3)
        return period_instant(nxt)


def cadence_status(
    conn: Connection, households: Sequence[tuple[int, bool]], as_of: datetime
) -> dict[int, Cadence]:
    """Cadence per household id for ``(id, is_special)`` pairs at instant ``as_of``."""
    today = to_local(as_of).date()
    m0 = month_start(today)
    q0 = quarter_start(today)
    prev_m = add_months(m0, -1)
    prev_q = add_months(q0, -3)
    lo, hi = _ym(prev_q), _ym(m0)
    months: dict[int, dict[int, tuple[datetime, datetime | None]]] = defaultdict(dict)
    last_met: dict[int, datetime] = {}
    ids = [h for h, _ in households]
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        for hh, ym, first, second in conn.execute(
            select(
                HouseholdMonth.household_id,
                HouseholdMonth.ym,
                HouseholdMonth.first_met_at,
                HouseholdMonth.second_met_at,
            ).where(
                HouseholdMonth.household_id.in_(chunk),
                HouseholdMonth.ym >= lo,
                HouseholdMonth.ym <= hi,
            )
        ):
            months[hh][ym] = (first, second)
        for hh, at in conn.execute(
            select(Visit.household_id, func.max(Visit.visited_at))
            .where(
                Visit.household_id.in_(chunk),
                Visit.outcome == "met",
                Visit.visited_at <= as_of,
            )
            .group_by(Visit.household_id)
        ):
            last_met[hh] = at
    q_months = [_ym(add_months(q0, k)) for k in range(3) if add_months(q0, k) <= m0]
    pq_months = [_ym(add_months(prev_q, k)) for k in range(3)]

    def met_count(hh: int, ym: int) -> int:
        slot = months[hh].get(ym)
        if slot is None:
            return 0
        first, second = slot
        return int(first <= as_of) + int(second is not None and second <= as_of)

    out: dict[int, Cadence] = {}
    for hh, special in households:
        if special:
            done = min(SPECIAL_PER_MONTH, met_count(hh, _ym(m0)))
            missed = met_count(hh, _ym(prev_m)) < SPECIAL_PER_MONTH
            out[hh] = Cadence(
                True,
                f"{m0:%Y-%m}",
                SPECIAL_PER_MONTH,
                done,
                period_instant(add_months(m0, 1)),
                missed,
                last_met.get(hh),
            )
        else:
            done = int(any(met_count(hh, ym) for ym in q_months))
            missed = not any(met_count(hh, ym) for ym in pq_months)
            out[hh] = Cadence(
                False,
                f"{q0.year}Q{(q0.month - 1) // 3 + 1}",
                ORDINARY_PER_QUARTER,
                done,
                period_instant(add_months(q0, 3)),
                missed,
                last_met.get(hh),
            )
    return out


def in_scope(special: bool, moved_out_on: date | None, today: date) -> bool:
    """Still to be visited this period: not moved out before the next period begins."""
    if moved_out_on is None:
        return True
    nxt = add_months(month_start(today), 1) if special else add_months(quarter_start(today), 3)
    return moved_out_on >= nxt
