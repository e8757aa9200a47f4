"""Door-knocking visits of the demo street: the cadence with realistic imperfection.

Special households get two (sometimes three) planned met-visits a month, ordinary
households one a quarter (sometimes two), mostly in the quarter's first month. A visit
that finds nobody home or is refused is retried a few days later. How diligent a grid's
team is comes from its profile and changes month by month (:mod:`center.demo.profiles`):
a weaker team plans fewer visits, finds fewer people in and enters its visits later.
Visits after the as-of instant, or entered after it, do not exist yet.
"""

from __future__ import annotations

import calendar as pycal
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from center.demo import data as vocab
from center.demo.people import Home
from center.demo.profiles import GridTeam, GridTraits
from db.types import CST


@dataclass(frozen=True)
class Crew:
    """Staff indices of one grid."""

    worker: int
    leaders: tuple[int, ...]
    volunteers: tuple[int, ...]


# (visited_at, recorded_at, outcome, staff index, notes)
VisitTuple = tuple[datetime, datetime, str, int, str | None]


def month_spans(start: date, end: date) -> list[tuple[date, date]]:
    """First and last day of every calendar month from ``start``'s to ``end``'s."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((date(y, m, 1), date(y, m, pycal.monthrange(y, m)[1])))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def quarter_spans(start: date, end: date) -> list[tuple[date, date]]:
    out = []
    y, q = start.year, (start.month - 1) // 3
    while (y, q) <= (end.year, (end.month - 1) // 3):
        first = date(y, 3 * q + 1, 1)
        last_month = 3 * q + 3
        out.append((first, date(y, last_month, pycal.monthrange(y, last_month)[1])))
        y, q = (y + 1, 0) if q == 3 else (y, q + 1)
    return out


class VisitMaker:
    def __init__(
        self,
        rng: random.Random,
        start: date,
        as_of: datetime,
        teams: list[GridTeam],
        crews: list[Crew],
    ) -> None:
        self.rng = rng
        self.start = start
        self.as_of = as_of
        self.teams = teams
        self.crews = crews
        self.months = month_spans(start, as_of.date())
        self.quarters = quarter_spans(start, as_of.date())
        self._quarter_months: dict[date, list[tuple[date, date]]] = {}

    def _time(self, day: date) -> datetime:
        rnd = self.rng.random
        r = rnd()
        if r < 0.4:
            minute = 9 * 60 + int(rnd() * 151)  # 09:00-11:30
        elif r < 0.75:
            minute = 14 * 60 + int(rnd() * 211)  # 14:00-17:30
        else:
            minute = 18 * 60 + 30 + int(rnd() * 121)  # 18:30-20:30
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=CST)

    def _entry_lag(self, t: GridTraits) -> timedelta:
        """How long after the visit it was entered: mostly minutes, sometimes days."""
        rnd = self.rng.random
        r = rnd() - t.slow_entry
        if r < 0.7:
            seconds = 60 + rnd() * 44 * 60
        elif r < 0.9:
            seconds = 3600 * (1 + rnd() * 7)
        elif r < 0.98:
            seconds = 3600 * (8 + rnd() * 64)
        else:
            seconds = 3600 * (72 + rnd() * 168)
        return timedelta(seconds=int(seconds))

    def _staff(self, home: Home) -> int:
        crew = self.crews[home.grid]
        r = self.rng.random()
        if r < 0.74:
            return crew.worker
        if r < 0.95 or not crew.volunteers:
            return crew.leaders[home.leader % len(crew.leaders)]
        return crew.volunteers[int(self.rng.random() * len(crew.volunteers))]

    def _day(self, lo: date, hi: date) -> date:
        rnd = self.rng.random
        day = lo + timedelta(days=int(rnd() * ((hi - lo).days + 1)))
        if day.weekday() >= 5 and rnd() < 0.6:
            friday = day - timedelta(days=day.weekday() - 4)
            if friday >= lo:
                day = friday
        return day

    def _quarter_slot(self, first: date, last: date) -> tuple[date, date]:
        """The month of a quarter an ordinary household's visit is planned in: teams
        front-load the quarter (the monthly coverage KPI counts quarter to date)."""
        r = self.rng.random()
        month = 0 if r < 0.75 else (1 if r < 0.93 else 2)
        spans = self._quarter_months.get(first)
        if spans is None:  # months before the data window (its first quarter) drop out
            spans = [s for s in month_spans(first, last) if s[1] >= self.start]
            self._quarter_months[first] = spans
        lo, hi = spans[max(0, month - (3 - len(spans)))]  # … and hand their share on
        return max(lo, self.start), hi

    def _chain(
        self,
        home: Home,
        day: date,
        last: date,
        end: datetime,
        out: list[VisitTuple],
        t: GridTraits,
        p_met: float,
    ) -> None:
        """Visit on ``day``; retry up to twice within the period when nobody answers.
        Nothing happens after ``end`` (the as-of instant, or just before the move-out)."""
        rnd = self.rng.random
        for _ in range(3):
            at = self._time(day)
            if at > end:
                return
            r = rnd()
            outcome = "met" if r < p_met else ("refused" if r > 1 - t.p_refused else "not_home")
            recorded = at + self._entry_lag(t)
            notes = None
            if outcome != "met" or rnd() < 0.15:
                choices = vocab.VISIT_NOTES[outcome]
                notes = choices[int(rnd() * len(choices))]
            if recorded <= self.as_of:
                out.append((at, recorded, outcome, self._staff(home), notes))
            if outcome == "met":
                return
            day = min(last, day + timedelta(days=1 + int(rnd() * 4)))

    def home_visits(self, home: Home) -> list[VisitTuple]:
        team = self.teams[home.grid]
        out: list[VisitTuple] = []
        rnd = self.rng.random
        end = self.as_of
        if home.moved_out is not None:
            moved = home.moved_out
            end = min(
                end, datetime(moved.year, moved.month, moved.day, tzinfo=CST) - timedelta(seconds=1)
            )
        if home.special:
            solo = 0.06 if "solo_elderly" in home.groups else 0.0
            for first, last in self.months:
                t = team.on(first)
                p_met = min(0.96, t.p_met + solo)
                if rnd() < t.p_month_ok:
                    planned = 3 if rnd() < 0.12 else 2
                else:
                    planned = 1 if rnd() < 0.7 else 0
                days = (last - first).days + 1
                for k in range(planned):
                    lo = first + timedelta(days=k * days // planned)
                    hi = first + timedelta(days=(k + 1) * days // planned - 1)
                    self._chain(home, self._day(lo, hi), last, end, out, t, p_met)
        else:
            for first, last in self.quarters:
                t = team.on(max(first, self.start))
                planned = (2 if rnd() < 0.15 else 1) if rnd() < t.p_quarter_ok else 0
                for _ in range(planned):
                    lo, hi = self._quarter_slot(first, last)
                    self._chain(home, self._day(lo, hi), last, end, out, t, t.p_met)
        return out
