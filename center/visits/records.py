"""Recording a visit: one audited transaction that also keeps the household's month
and quarter cadence rows current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from center.cases.lifecycle import next_code
from center.core.access import Actor, require_role
from center.core.audit import write_audit
from center.core.clock import checked_instant, now
from center.core.errors import InvalidInput, NotFound
from center.core.tx import signal_change, transaction
from center.kpi.derive import rebuild_household_months, visit_lag_hours
from center.visits.planning import OtherVisit, others_visited
from db.models import (
    VISIT_OUTCOMES,
    Household,
    Staff,
    Visit,
)
from db.types import to_local

# ------------------------------------------------------------------ recording visits


@dataclass(frozen=True)
class VisitChange:
    code: str
    household_code: str
    outcome: str
    others: tuple[OtherVisit, ...]  # what the 14-day check found before this visit
    domains: tuple[str, ...] = ("visits",)


def recent_visits_by_others(
    engine: Engine, household_code: str, staff_code: str | None, as_of: datetime | None = None
) -> list[OtherVisit]:
    """The 14-day check before knocking: visits by anyone but ``staff_code``."""
    as_of = to_local(as_of) if as_of else now()
    with engine.connect() as conn:
        hh = conn.scalar(select(Household.id).where(Household.code == household_code))
        if hh is None:
            raise NotFound("household", household_code)
        sid = None
        if staff_code:
            sid = conn.scalar(select(Staff.id).where(Staff.code == staff_code))
            if sid is None:
                raise NotFound("staff", staff_code)
        return others_visited(conn, [hh], sid, as_of).get(hh, [])


def record_visit(
    engine: Engine,
    actor: Actor,
    *,
    household_code: str,
    staff_code: str,
    visited_at: datetime,
    outcome: str,
    notes: str | None = None,
) -> VisitChange:
    """Record a visit entered now (``recorded_at`` = now, so the entry lag is real)."""
    require_role(actor, "visit")
    if outcome not in VISIT_OUTCOMES:
        raise InvalidInput("outcome", f"{outcome!r} is not one of {', '.join(VISIT_OUTCOMES)}")
    visited = checked_instant(visited_at, "visited_at")
    for attempt in range(4):
        try:
            with transaction(engine) as s:
                home = s.execute(
                    select(Household.id, Household.grid_id).where(Household.code == household_code)
                ).first()
                if home is None:
                    raise NotFound("household", household_code)
                hh = home[0]
                # a grid worker records visits in its own grid only
                require_role(actor, "visit", grid_id=home[1])
                staff = s.execute(
                    select(Staff.id, Staff.active).where(Staff.code == staff_code)
                ).first()
                if staff is None:
                    raise NotFound("staff", staff_code)
                if not staff[1]:
                    raise InvalidInput("staff", f"{staff_code} is no longer active")
                recorded = max(now(), visited)
                others = others_visited(s.connection(), [hh], staff[0], visited).get(hh, [])
                code = next_code(s.connection(), Visit, "V", visited.date())
                s.add(
                    Visit(
                        code=code,
                        household_id=hh,
                        staff_id=staff[0],
                        visited_at=visited,
                        outcome=outcome,
                        recorded_at=recorded,
                        recorded_is_default=False,
                        lag_hours=visit_lag_hours(visited, recorded),
                        notes=(notes or "").strip() or None,
                    )
                )
                s.flush()
                rebuild_household_months(s.connection(), [hh], only_changes=True)
                write_audit(
                    s,
                    actor,
                    "visit.record",
                    code,
                    recorded,
                    {
                        "household": household_code,
                        "staff": staff_code,
                        "outcome": outcome,
                        "visited_at": visited,
                    },
                    entity="visit",
                )
                signal_change(s.connection(), "visits")
            return VisitChange(code, household_code, outcome, tuple(others))
        except IntegrityError:  # the code was taken by another workstation meanwhile
            if attempt == 3:
                raise
    raise AssertionError("unreachable")
