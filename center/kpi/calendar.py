"""Chinese working-day calendar (`spec/kpi.md` § Working days).

Precedence for a date: the administrator's override table, then the
``chinesecalendar`` package for the years it covers, then Monday–Friday. A year
that neither the package nor the override table covers is *missing*: deadlines
that fall in it are provisional and the UI warns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import chinese_calendar
from sqlalchemy import Connection, select

from center.core.errors import UserError
from db.models import HolidayOverride
from db.types import CST

WORKDAYS_TO_CLOSE = 15
WORKDAYS_TO_TRANSFER = 3  # the `3wd` priority clock (spec/insight.md)
# How far a count of working days looks before it gives up: a calendar whose overrides
# leave a whole year without a working day is an error, not an endless loop.
MAX_WORKDAY_SCAN = 366


class NoWorkdayError(UserError, ValueError):
    """The calendar has no working day within :data:`MAX_WORKDAY_SCAN` days of a date:
    the holiday overrides are wrong, which a user can fix (reported as a message, not
    as an internal error)."""

    def __init__(self, start: date, direction: str) -> None:
        super().__init__(
            f"the working-day calendar has no working day in the {MAX_WORKDAY_SCAN} days "
            f"{direction} {start.isoformat()}: check the holiday overrides"
        )


@cache
def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def _package_workday(d: date) -> bool:
    # chinesecalendar scans its tables on every call; a date's answer never changes.
    return bool(chinese_calendar.is_workday(d))


def package_years() -> tuple[int, int]:
    years = {d.year for d in chinese_calendar.holidays}
    return min(years), max(years)


@dataclass
class WorkCalendar:
    """Working days for any date; ``overrides`` maps a date to True (workday) / False."""

    overrides: Mapping[date, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._override_years = frozenset(d.year for d in self.overrides)
        self._deadline_cache: dict[date, tuple[datetime, bool]] = {}
        self._transfer_cache: dict[date, datetime] = {}

    def is_workday(self, d: date) -> bool:
        hit = self.overrides.get(d)
        if hit is not None:
            return hit
        if package_covers(d.year):
            return _package_workday(d)
        return d.weekday() < 5

    def year_status(self, year: int) -> str:
        """``official`` (package), ``override`` (administrator's table) or ``missing``."""
        if package_covers(year):
            return "official"
        if year in self._override_years:
            return "override"
        return "missing"

    def year_missing(self, year: int) -> bool:
        return self.year_status(year) == "missing"

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day strictly after ``d``."""
        day = d
        count = 0
        idle = 0
        while count < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
                idle = 0
            else:
                idle += 1
                if idle >= MAX_WORKDAY_SCAN:
                    raise NoWorkdayError(day - timedelta(days=idle - 1), "from")
        return day

    def closure_deadline(self, received_on: date) -> tuple[datetime, bool]:
        """00:00 of the day after the 15th working day strictly after ``received_on``.

        Returns ``(deadline, provisional)``; provisional when a day counted lies in
        a year whose calendar is missing.
        """
        hit = self._deadline_cache.get(received_on)
        if hit is None:
            last = self.add_workdays(received_on, WORKDAYS_TO_CLOSE)
            first = received_on + timedelta(days=1)
            provisional = any(self.year_missing(y) for y in range(first.year, last.year + 1))
            nxt = last + timedelta(days=1)
            hit = (datetime(nxt.year, nxt.month, nxt.day, tzinfo=CST), provisional)
            self._deadline_cache[received_on] = hit
        return hit

    def transfer_deadline(self, received_on: date) -> datetime:
        """The `3wd` priority clock's limit (`spec/insight.md`): 00:00 of the day after
        the 3rd working day strictly after ``received_on``."""
        hit = self._transfer_cache.get(received_on)
        if hit is None:
            nxt = self.add_workdays(received_on, WORKDAYS_TO_TRANSFER) + timedelta(days=1)
            hit = self._transfer_cache[received_on] = datetime(
                nxt.year, nxt.month, nxt.day, tzinfo=CST
            )
        return hit

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        n = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                n += 1
        return n

    def warnings(self, today: date) -> list[str]:
        """Years whose calendar is missing that matter now (this year; next from November)."""
        years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
        return [
            f"{y}年节假日安排尚未导入，涉及该年的办结期限为暂定"
            for y in years
            if self.year_missing(y)
        ]


def load_calendar(conn: Connection) -> WorkCalendar:
    rows = conn.execute(select(HolidayOverride.day, HolidayOverride.kind)).all()
    return WorkCalendar({d: k == "workday" for d, k in rows})


def calendar_from_rows(rows: Iterable[tuple[date, str]]) -> WorkCalendar:
    return WorkCalendar({d: k == "workday" for d, k in rows})
