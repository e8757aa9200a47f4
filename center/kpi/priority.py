"""Priority clocks (`spec/insight.md` § Priority clocks).

Every case keeps the clocks of `spec/kpi.md`; its priority adds one more:

* ``immediate``: first response by ``received_at`` + 30 min;
* ``24h``: first response by ``received_at`` + 24 h (the kpi.md response clock);
* ``3wd``: transfer — assigned to a department, or closed — by 00:00 of the day after
  the 3rd working day strictly after the received date (kpi.md's working days).

An on-the-spot case meets every clock, whatever times are recorded. Limits are
inclusive (an event exactly at the limit meets it) and a limit falling exactly at T
has passed by T. Events after T have not happened yet.

KPI ``priority_on_time`` = cases received in P whose priority clock was met ÷ those
whose clock was met by T or has passed by T. The SQL of the KPI is
:func:`db.kpi_queries.priority_by_grid_dept`; this module holds the per-case clock
that the inbox, the department queue and the wall show, and the reading of the
`3wd` limits as instant ranges the SQL binds (:func:`transfer_ranges`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from center.kpi.calendar import WorkCalendar
from center.kpi.derive import RESPONSE_WINDOW
from db.types import period_instant, to_local

IMMEDIATE_WINDOW = timedelta(minutes=30)
PRIORITY_KINDS = {"immediate": "response", "24h": "response", "3wd": "transfer"}
WARN_FRACTION = 0.8  # as the inbox's other clocks: warning once 80 % of the window is used


def priority_limit(priority: str, received_at: datetime, cal: WorkCalendar) -> datetime:
    """The instant by which the case's priority clock must be met."""
    received = to_local(received_at)
    if priority == "immediate":
        return received + IMMEDIATE_WINDOW
    if priority == "3wd":
        return cal.transfer_deadline(received.date())
    if priority == "24h":
        return received + RESPONSE_WINDOW
    raise ValueError(f"unknown priority {priority!r}")


@dataclass(frozen=True)
class PriorityClock:
    """One case's priority clock at ``as_of`` (same fields as the inbox's clocks).

    ``state``: ``running`` / ``warning`` (80 % of the window used) / ``breached``
    (limit passed, not met) while it runs; ``met`` / ``missed`` once stopped (its
    event happened, or the case was closed without it: a response clock of a case
    closed unanswered can no longer be met)."""

    priority: str
    kind: str  # response | transfer
    state: str
    start: datetime
    due: datetime
    done_at: datetime | None
    used: float | None
    remaining: timedelta | None  # due − as_of while running (negative once breached)

    @property
    def open(self) -> bool:
        return self.state in ("running", "warning", "breached")


def priority_clock(
    priority: str,
    received_at: datetime,
    *,
    on_the_spot: bool,
    first_response_at: datetime | None,
    assigned_at: datetime | None,
    closed_at: datetime | None,
    as_of: datetime,
    cal: WorkCalendar,
) -> PriorityClock:
    """The clock of one case; ``first_response_at`` / ``closed_at`` are the recorded
    (or effective) instants, events after ``as_of`` count as absent."""
    start = to_local(received_at)
    due = priority_limit(priority, start, cal)
    kind = PRIORITY_KINDS[priority]

    def by_t(x: datetime | None) -> datetime | None:
        return x if x is not None and x <= as_of else None

    closed = by_t(closed_at)
    if on_the_spot:
        return PriorityClock(priority, kind, "met", start, due, start, None, None)
    if kind == "response":
        done = by_t(first_response_at)
    else:
        events = [x for x in (by_t(assigned_at), closed) if x is not None]
        done = min(events) if events else None
    if done is not None:
        state = "met" if done <= due else "missed"
        return PriorityClock(priority, kind, state, start, due, done, None, None)
    if closed is not None:  # closed without the clock's event: it can no longer be met
        return PriorityClock(priority, kind, "missed", start, due, None, None, None)
    return reclock(PriorityClock(priority, kind, "running", start, due, None, None, None), as_of)


def transfer_ranges(
    cal: WorkCalendar, first: date, last: date, cap: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """The `3wd` limits of the received dates ``first``..``last`` as
    ``[(from_instant, limit)]``: a case received at or after ``from_instant`` (and
    before the next range's) has that limit. Consecutive dates with one limit share a
    range (about one range per working day). ``cap``: limits later than it are
    replaced by it (the KPI compares events with min(limit, T))."""
    out: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        limit = cal.transfer_deadline(day)
        if cap is not None and limit > cap:
            limit = cap
        if not out or out[-1][1] != limit:
            out.append((period_instant(day), limit))
        day += timedelta(days=1)
    return out


def reclock(c: PriorityClock, as_of: datetime) -> PriorityClock:
    """The same clock at a later ``as_of`` without the database (the inbox's minute
    tick): a stopped clock stays as it is, a running one is re-read against its due."""
    if not c.open:
        return c
    window = (c.due - c.start).total_seconds()
    used = (as_of - c.start).total_seconds() / window if window > 0 else 1.0
    if as_of >= c.due:
        state = "breached"
    elif used >= WARN_FRACTION:
        state = "warning"
    else:
        state = "running"
    return replace(c, state=state, used=used, remaining=c.due - as_of)
