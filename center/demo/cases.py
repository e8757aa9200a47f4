"""Cases (residents' requests) of the demo street and their life cycles.

A case is generated as its *true* timeline (when it would be responded, assigned,
accepted, closed, confirmed, rated, spot-checked), then cut at the as-of instant:
whatever would happen after it has not happened yet, and the status says how far the
case has come. Escalated cases are closed by the joint meeting
(:mod:`center.demo.office`), which settles them afterwards. How fast a case moves and how
its resident rates it come from the month's behaviour of the grid's team and of the
department it is assigned to (:mod:`center.demo.profiles`).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from center.demo import arrivals
from center.demo import data as vocab
from center.demo import people as people
from center.demo.people import Home
from center.demo.profiles import DeptTeam, DeptTraits, GridTeam, GridTraits, rating_weights
from center.kpi.calendar import WorkCalendar
from db.types import CST

SUB_CODES = tuple(vocab.SUB_WEIGHTS)
TIMELINE = (
    "first_response_at",
    "assigned_at",
    "accepted_at",
    "closed_at",
    "confirmed_at",
    "rated_at",
    "spot_checked_at",
    "escalated_at",
)
HOTLINE_HOURS = (0.2,) * 7 + (0.6, 1.6, 1.6, 1.6, 1.6, 1.0, 1.0, 1.5, 1.5, 1.5, 1.5,
                              0.9, 0.9, 0.9, 0.9, 0.4, 0.4)  # fmt: skip
ONLINE_HOURS = (0.15,) * 7 + (0.8, 0.8) + (1.2,) * 14 + (0.5,)
SAT_DEPT_SHARE = 0.6  # how much of a resident's rating of a department case is the department's
SAT_LATE_FACTOR = 0.5  # a case closed late is rated as if served at half the quality
GRID_CHASE = 0.5  # how much of a grid team's lateness carries over to assigned cases
ASSIGN_P = {"P": 0.7, "L": 0.8, "M": 0.85, "E": 0.95}


def sub_weights(profile: int, month: int) -> list[float]:
    """Relative weight of each subcategory for a household profile in a month."""
    special = profile & (people.SOLO | people.DISABLED | people.LOW_INCOME | people.CHILD_DIFF)
    elderly = profile & (people.SOLO | people.ELDERLY)
    out = []
    for code in SUB_CODES:
        w = vocab.SUB_WEIGHTS[code] * vocab.SEASONAL.get(code, {}).get(month, 1.0)
        if code == "L01":
            w *= 4.0 if elderly else 0.25
        elif code == "L04":
            w *= 3.0 if profile & (people.SOLO | people.DISABLED) else 0.3
        elif code == "L03":
            w *= 2.0 if elderly or profile & people.DISABLED else 1.0
        elif code == "L05":
            w *= 5.0 if profile & people.DISABLED else (1.5 if elderly else 0.2)
        elif code == "L06":
            w *= (4.0 if profile & people.CHILD_DIFF else 3.0) if profile & people.CHILD else 0.0
        elif code == "P04":
            school = profile & people.SCHOOL_CHILD
            w *= (6.0 if profile & people.FLOATING else 3.0) if school else 0.0
        elif code == "P03":
            w *= 6.0 if profile & people.FLOATING else 0.15
        elif code == "P05":
            w *= 2.0 if profile & people.LOW_INCOME else (0.3 if profile & people.SOLO else 1.0)
        elif code == "P01":
            w *= 2.0 if special else 1.0
        elif code == "M04":
            w *= 3.0 if profile & people.FLOATING else (0.1 if profile & people.SOLO else 1.0)
        elif code == "M03":
            w *= 0.0 if profile & people.SOLO else 1.0
        elif code == "E03":
            w *= 5.0 if profile & people.SOLO else 0.0
        elif code == "E01":
            w *= 4.0 if elderly else 0.5
        elif code == "M01":
            w *= 1.8 if profile & people.FLOATING else 1.0
        out.append(w)
    return out


def _at(day: date, minute: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CST) + timedelta(minutes=minute)


class CaseMaker:
    def __init__(
        self,
        rng: random.Random,
        cal: WorkCalendar,
        as_of: datetime,
        homes: Sequence[Home],
        grids: Sequence[GridTeam],
        depts: dict[str, DeptTeam],
        default_dept: dict[str, str],
        default_priority: dict[str, str],
        history_start: date | None = None,
        escalate_from: datetime | None = None,
        disputes: Sequence[float] | None = None,
    ) -> None:
        """``history_start`` (a first of month) is where the cases begin (default: 12
        months before the as-of month); cases received before ``escalate_from`` (when the
        joint meetings began) are never escalated; ``disputes[g]`` multiplies grid g's
        dispute subcategories (its renting households)."""
        self.rng = rng
        self.cal = cal
        self.as_of = as_of
        self.homes = homes
        self.grids = grids
        self.depts = depts
        self.default_dept = default_dept
        self.default_priority = default_priority
        if history_start is None:
            history_start = date(as_of.year - 1, as_of.month, 1)
        self.history_start = history_start
        self.last_month = self.month_index(as_of.date())
        self.escalate_from = escalate_from
        self.disputes = tuple(disputes) if disputes is not None else (1.0,) * len(grids)
        self._weights: dict[tuple[int, int, float], tuple[list[float], float]] = {}
        self._seq = itertools.count()
        # Working days around the data window, so that day counting needs no package call.
        first = history_start - timedelta(days=10)
        last = as_of.date() + timedelta(days=120)
        self.workdays = [
            first + timedelta(days=i)
            for i in range((last - first).days + 1)
            if cal.is_workday(first + timedelta(days=i))
        ]
        self._workday_set = frozenset(self.workdays)

    def is_workday(self, d: date) -> bool:
        if self.workdays[0] <= d <= self.workdays[-1]:
            return d in self._workday_set
        return self.cal.is_workday(d)

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day strictly after ``d`` (as :meth:`WorkCalendar.add_workdays`)."""
        i = bisect.bisect_right(self.workdays, d) + n - 1
        if self.workdays[0] <= d and i < len(self.workdays):
            return self.workdays[i]
        return self.cal.add_workdays(d, n)

    # ------------------------------------------------------------------ helpers

    def month_index(self, day: date) -> int:
        """The month of ``day`` counted from the first month of the history (0)."""
        return (day.year - self.history_start.year) * 12 + day.month - self.history_start.month

    def weight_key(self, home: Home) -> tuple[int, float]:
        """What a household's subcategory weights depend on besides the month."""
        return home.profile, self.disputes[home.grid]

    def _cum(self, home: Home, mi: int) -> tuple[list[float], float]:
        """Cumulative subcategory weights of a household in a month of the history, and
        their total (the household's case intensity that month, before its own weight)."""
        dispute = self.disputes[home.grid]
        key = (home.profile, mi, dispute)
        hit = self._weights.get(key)
        if hit is None:
            month = (self.history_start.month - 1 + mi) % 12 + 1
            before = self.last_month - mi
            trends = {c: arrivals.trend(c, before) for c in vocab.CATEGORY_TREND}
            weights = [
                w * trends[code[0]] * (dispute if code[0] == "M" else 1.0)
                for code, w in zip(SUB_CODES, sub_weights(home.profile, month), strict=True)
            ]
            cum = list(itertools.accumulate(weights))
            hit = (cum, cum[-1])
            self._weights[key] = hit
        return hit

    def intensity(self, home: Home, day: date) -> float:
        """How many cases the household raises in the month of ``day``, relatively."""
        return self._cum(home, self.month_index(day))[1]

    def subcategory(self, home: Home, day: date) -> str:
        cum = self._cum(home, self.month_index(day))[0]
        return self.rng.choices(SUB_CODES, cum_weights=cum)[0]

    def allows(self, home: Home, sub: str) -> bool:
        return sub_weights(home.profile, 6)[SUB_CODES.index(sub)] > 0

    def _office(self, dt: datetime, start_min: int, end_min: int) -> datetime:
        """``dt`` moved into the daily office window [start_min, end_min] (minutes)."""
        minute = dt.hour * 60 + dt.minute
        if start_min <= minute <= end_min:
            return dt
        day = dt.date() if minute < start_min else dt.date() + timedelta(days=1)
        return _at(day, start_min + self.rng.randint(0, 45))

    def _lognormal_hours(self, median: float, sigma: float) -> timedelta:
        return timedelta(hours=math.exp(math.log(median) + self.rng.gauss(0, sigma)))

    def _office_time(self, day: date) -> datetime:
        return _at(day, self.rng.randint(9 * 60, 17 * 60 + 30))

    def received_time(self, day: date, source: str) -> datetime:
        rng = self.rng
        if source == "hotline":
            hour = rng.choices(range(24), weights=HOTLINE_HOURS)[0]
        elif source == "online":
            hour = rng.choices(range(24), weights=ONLINE_HOURS)[0]
        else:
            return _at(day, rng.randint(8 * 60 + 30, 17 * 60 + 30))
        return _at(day, hour * 60 + rng.randint(0, 59))

    # --------------------------------------------------------------- life cycle

    def make(
        self,
        home_idx: int,
        received: datetime,
        source: str,
        sub: str | None = None,
        parent: int | None = None,
    ) -> dict[str, Any]:
        """The true timeline of one case (not yet cut at the as-of instant)."""
        rng = self.rng
        home = self.homes[home_idx]
        t = self.grids[home.grid].on(received.date())
        if sub is None:
            sub = self.subcategory(home, received.date())
        prio = self.default_priority[sub]
        if prio == "3wd" and home.special and rng.random() < 0.1:
            prio = "24h"
        c: dict[str, Any] = {
            "_key": next(self._seq),
            "_home": home_idx,
            "_sub": sub,
            "_dept": None,
            "_parent": parent,
            "_esc": False,
            "source": source,
            "priority": prio,
            "received_at": received,
            "first_response_at": None,
            "assigned_at": None,
            "accepted_at": None,
            "closed_at": None,
            "confirmed_at": None,
            "rated_at": None,
            "spot_checked_at": None,
            "spot_check_ok": None,
            "on_the_spot": False,
            "satisfaction": None,
            "escalated": False,
            "escalated_at": None,
            "summary": self._summary(sub, received.month),
            "status": "received",
            "status_reason": None,
        }
        if source == "visit" and rng.random() < vocab.ON_THE_SPOT[sub] * t.spot_factor:
            done = received + timedelta(minutes=rng.randint(5, 40))
            c["on_the_spot"] = True
            c["first_response_at"] = received if rng.random() < 0.7 else None
            c["closed_at"] = done if rng.random() < 0.7 else None
            c["confirmed_at"] = done
            if rng.random() < 0.85:
                c["rated_at"] = done + timedelta(minutes=rng.randint(1, 30))
                c["satisfaction"] = self._rating(t, None, late=False)
            return c
        immediate = prio == "immediate"
        dept = None  # where it will go, if anywhere: a slow department is slow to call back
        if rng.random() < ASSIGN_P[sub[0]]:
            dept = self.default_dept[sub]
            if rng.random() < 0.12:
                dept = rng.choice(vocab.ALT_DEPT[sub])
        d = self.dept(dept).on(received.date()) if dept is not None else None
        if source == "visit":
            first = received + timedelta(minutes=rng.randint(0, 30))
        elif source == "proactive":
            first = received + timedelta(minutes=rng.randint(0, 60))
        elif immediate:
            first = received + timedelta(minutes=rng.randint(2, 30))
        elif rng.random() < t.late_response + (d.late_response if d is not None else 0.0):
            first = received + timedelta(hours=rng.uniform(24.5, 96))
        else:
            first = self._office(received + self._lognormal_hours(2.5, 0.9), 8 * 60, 21 * 60)
        c["first_response_at"] = first
        if rng.random() < 0.012:  # closed without action: out of remit / nothing to do
            status = "not_our_remit" if rng.random() < 0.5 else "no_action_needed"
            c["status"] = status
            c["status_reason"] = rng.choice(vocab.STATUS_REASONS[status])
            c["closed_at"] = first + timedelta(hours=rng.uniform(1, 48))
            return c
        start = first
        if dept is not None and d is not None:
            if immediate:
                assigned = first + timedelta(minutes=rng.randint(2, 20))
            else:
                assigned = self._office(
                    first + self._lognormal_hours(1.2, 0.8), 8 * 60 + 30, 17 * 60 + 30
                )
            if immediate or rng.random() < d.on_time:
                accepted = assigned + timedelta(minutes=rng.randint(5, 115))
            else:
                accepted = assigned + timedelta(hours=rng.uniform(2.05, 30))
            c["_dept"] = dept
            c["assigned_at"] = assigned
            c["accepted_at"] = accepted
            start = accepted
        if (
            self.escalate_from is None or received >= self.escalate_from
        ) and rng.random() < vocab.ESCALATE.get(sub, 0.0) * t.escalate:
            c["_esc"] = True
            c["escalated"] = True
            esc_day = start.date() + timedelta(days=rng.randint(1, 8))
            c["escalated_at"] = self._office_time(esc_day)
            return c  # closed by the joint meeting
        deadline, _ = self.cal.closure_deadline(received.date())
        # the department closes what it was given; the grid worker's chasing helps a little
        if d is not None:
            p_late = 0.03 + GRID_CHASE * t.late_close + d.late_close
        else:
            p_late = 0.03 + t.late_close
        r = rng.random()
        p_stuck = 0.0 if sub[0] == "E" else 0.006
        if r < p_stuck:
            return c  # stuck: never closed
        kind, lo, hi = vocab.CLOSURE[sub]
        if r < p_stuck + p_late and kind == "h" and sub[0] == "E":
            # a late emergency drags on for days, not past the 15-working-day deadline
            closed = received + timedelta(hours=rng.uniform(hi, 3 * hi))
        elif r < p_stuck + p_late:
            closed = self._office_time((deadline + timedelta(days=rng.uniform(0.3, 18))).date())
        else:
            if kind == "h":
                closed = received + timedelta(hours=rng.uniform(lo, hi))
            else:
                day = self.add_workdays(received.date(), rng.randint(int(lo), int(hi)))
                closed = self._office_time(day)
            closed = min(
                max(closed, start + timedelta(minutes=rng.randint(10, 90))),
                deadline - timedelta(minutes=rng.randint(30, 600)),
            )
        closed = max(closed, start + timedelta(minutes=10))
        self.close(c, closed, late=closed > deadline)
        return c

    def _summary(self, sub: str, month: int) -> str:
        summary = self.rng.choice(vocab.SUMMARIES[sub])
        if sub == vocab.HEATING_SUB:
            boost = vocab.SEASONAL[sub].get(month, 1.0)
            if month in (11, 12, 1, 2, 3) and self.rng.random() < 1 - 1 / boost:
                summary = self.rng.choice(vocab.HEATING_SUMMARIES)  # the winter's extra
        return summary

    def dept(self, code: str) -> DeptTeam:
        """A department's team (``depts`` covers every code a case can be assigned to)."""
        return self.depts[code]

    def _rating(self, t: GridTraits, d: DeptTraits | None, late: bool) -> int:
        """A resident's rating: how the grid's team (and the department, if any) served."""
        q = (
            t.quality
            if d is None
            else (1 - SAT_DEPT_SHARE) * t.quality + SAT_DEPT_SHARE * d.quality
        )
        if late:
            q *= SAT_LATE_FACTOR
        return self.rng.choices((1, 2, 3, 4, 5), weights=rating_weights(q))[0]

    def close(self, c: dict[str, Any], closed: datetime, late: bool) -> None:
        """Closure and the steps after it: confirmation, rating, spot check."""
        rng = self.rng
        day = closed.date()
        t = self.grids[self.homes[c["_home"]].grid].on(day)
        d = self.dept(c["_dept"]).on(day) if c["_dept"] is not None else None
        c["closed_at"] = closed
        if rng.random() < 0.92:
            confirmed = closed + timedelta(hours=rng.uniform(0.5, 48))
            c["confirmed_at"] = confirmed
            if rng.random() < 0.85:
                rated = confirmed + timedelta(hours=rng.uniform(0.2, 72))
                c["rated_at"] = rated
                c["satisfaction"] = self._rating(t, d, late)
                if rng.random() < 0.08:
                    c["spot_checked_at"] = rated + timedelta(days=rng.uniform(1, 10))
                    c["spot_check_ok"] = rng.random() < 0.95

    # ------------------------------------------------------------ as-of cut

    def settle(self, c: dict[str, Any]) -> None:
        """Forget what happens after the as-of instant and set the status."""
        as_of = self.as_of
        for col in TIMELINE:
            value = c[col]
            if value is not None:
                c[col] = None if value > as_of else value.replace(microsecond=0)
        if c["assigned_at"] is None:
            c["_dept"] = None
            c["accepted_at"] = None
        if c["rated_at"] is None:
            c["satisfaction"] = None
        if c["spot_checked_at"] is None:
            c["spot_check_ok"] = None
        if c["escalated_at"] is None:
            c["escalated"] = False
        if c["on_the_spot"]:
            c["status"] = self._closed_status(c)
        elif c["status"] in ("not_our_remit", "no_action_needed"):
            if c["closed_at"] is None:
                c["status"], c["status_reason"] = "received", None
        elif c["closed_at"] is not None:
            c["status"] = self._closed_status(c)
        elif c["escalated"]:
            c["status"] = "escalated"
        elif c["accepted_at"] is not None:
            c["status"] = "accepted"
        elif c["assigned_at"] is not None:
            c["status"] = "assigned"
        else:
            c["status"] = "received"

    @staticmethod
    def _closed_status(c: dict[str, Any]) -> str:
        if c["spot_checked_at"] is not None:
            return "spot_checked"
        if c["rated_at"] is not None:
            return "rated"
        if c["confirmed_at"] is not None:
            return "confirmed"
        return "resolved"
