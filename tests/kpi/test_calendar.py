"""Working-day calendar (`spec/kpi.md` § Working days), around the 2026 Mid-Autumn and
National Day holidays and the end of the package's data (2026 in chinesecalendar 1.11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from builders import within
from sqlalchemy import insert

from center.core.errors import UserError
from center.kpi.calendar import NoWorkdayError, WorkCalendar, load_calendar, package_covers
from db.models import HolidayOverride
from db.types import CST


def midnight(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=CST)


def test_package_2026_mid_autumn_and_national_day():
    cal = WorkCalendar()
    # Mid-Autumn 09-25..27 off, Sunday 09-20 an adjusted working day
    assert [cal.is_workday(date(2026, 9, d)) for d in (20, 24, 25, 26, 27, 28)] == [
        True,
        True,
        False,
        False,
        False,
        True,
    ]
    # National Day 10-01..07 off; 10-08 back; Saturday 10-10 adjusted working day
    assert [cal.is_workday(date(2026, 10, d)) for d in range(1, 13)] == [
        False,  # 1 Thu
        False,
        False,
        False,
        False,
        False,
        False,  # 7 Wed
        True,  # 8 Thu
        True,  # 9 Fri
        True,  # 10 Sat, adjusted
        False,  # 11 Sun
        True,  # 12 Mon
    ]
    assert cal.year_status(2026) == "official"


def test_deadline_received_before_the_holidays():
    # 09-30 (Wed): day 1 = 10-08; 8, 9, 10(Sat), 12-16, 19-23, 26, 27 -> 15th = 10-27
    assert WorkCalendar().closure_deadline(date(2026, 9, 30)) == (midnight(2026, 10, 28), False)


def test_deadline_counts_the_adjusted_saturday():
    # 10-09 (Fri): 10(Sat) is day 1; 12-16, 19-23, 26-29 -> 15th = 10-29
    assert WorkCalendar().closure_deadline(date(2026, 10, 9)) == (midnight(2026, 10, 30), False)


def test_deadline_received_on_a_holiday():
    cal = WorkCalendar()
    # received during the holiday: day 1 is the first working day after it (10-08)
    assert cal.closure_deadline(date(2026, 10, 3)) == (midnight(2026, 10, 28), False)
    # 09-25 (Mid-Autumn): 28, 29, 30, 8, 9, 10, 12-16, 19-22 -> 15th = 10-22
    assert cal.closure_deadline(date(2026, 9, 25)) == (midnight(2026, 10, 23), False)


def test_late_december_deadline_in_a_missing_year_is_provisional():
    cal = WorkCalendar()
    assert not package_covers(2027)
    assert cal.year_status(2027) == "missing"
    # 12-20 (Sun): 21-25, 28-31 (9 days), then Mon-Fri fallback: 2027-01-01 (Fri), 4-8
    assert cal.closure_deadline(date(2026, 12, 20)) == (midnight(2027, 1, 9), True)
    # every counted day in 2026: the deadline instant 2027-01-01 00:00 is certain
    assert cal.closure_deadline(date(2026, 12, 10)) == (midnight(2027, 1, 1), False)


def test_override_for_the_missing_year_makes_the_deadline_final():
    cal = WorkCalendar({date(2027, 1, 1): False})
    assert cal.year_status(2027) == "override"
    # 21-25, 28-31 (9), 2027-01-01 off, 4-8 (14), 11 (15)
    assert cal.closure_deadline(date(2026, 12, 20)) == (midnight(2027, 1, 12), False)


def test_override_wins_over_the_package():
    cal = WorkCalendar({date(2026, 10, 10): False, date(2026, 10, 5): True})
    assert cal.is_workday(date(2026, 10, 10)) is False
    assert cal.is_workday(date(2026, 10, 5)) is True
    assert cal.is_workday(date(2026, 10, 6)) is False  # not overridden: the package
    # 10-09: 10 is now off, 12-16, 19-23, 26-30 -> 15th = 10-30
    assert cal.closure_deadline(date(2026, 10, 9)) == (midnight(2026, 10, 31), False)


@pytest.mark.parametrize("year", [2027, 2030])
def test_years_without_data_do_not_crash(year: int):
    cal = WorkCalendar()
    assert cal.is_workday(date(year, 5, 3)) == (date(year, 5, 3).weekday() < 5)
    assert cal.is_workday(date(year, 1, 1)) == (date(year, 1, 1).weekday() < 5)
    deadline, provisional = cal.closure_deadline(date(year, 12, 28))
    assert provisional is True
    assert deadline.year == year + 1
    assert cal.workdays_between(date(year, 1, 1), date(year, 1, 31)) > 0


def test_warnings_for_missing_years():
    cal = WorkCalendar()
    assert cal.warnings(date(2026, 10, 31)) == []
    # from November on, warn ahead for next year
    assert cal.warnings(date(2026, 11, 1)) == ["2027年节假日安排尚未导入，涉及该年的办结期限为暂定"]
    assert cal.warnings(date(2027, 3, 1)) == ["2027年节假日安排尚未导入，涉及该年的办结期限为暂定"]
    loaded = WorkCalendar({date(2027, 1, 1): False})
    assert loaded.warnings(date(2026, 12, 15)) == []


def test_load_calendar_reads_the_override_table(engine):
    with engine.begin() as conn:
        conn.execute(
            insert(HolidayOverride),
            [
                {"day": date(2027, 1, 1), "kind": "holiday", "name": "元旦"},
                {"day": date(2027, 2, 20), "kind": "workday", "name": "春节调休"},
            ],
        )
    with engine.connect() as conn:
        cal = load_calendar(conn)
    assert cal.is_workday(date(2027, 1, 1)) is False
    assert cal.is_workday(date(2027, 2, 20)) is True  # a Saturday
    assert cal.year_status(2027) == "override"


def test_counting_working_days_refuses_a_year_without_any():
    """Overrides that leave 366 days in a row without a working day make a deadline an
    error naming where (not an endless loop); 365 such days still count past them."""
    start = date(2026, 12, 1)
    off = {start + timedelta(days=i): False for i in range(366)}
    with pytest.raises(NoWorkdayError, match="in the 366 days from 2026-12-01") as caught:
        within(10, lambda: WorkCalendar(off).closure_deadline(date(2026, 11, 30)))
    assert isinstance(caught.value, UserError)  # a message for the user, not a bug
    del off[start + timedelta(days=365)]  # 2027-12-01, a Wednesday, works again
    last, _ = within(10, lambda: WorkCalendar(off).closure_deadline(date(2026, 11, 30)))
    assert last.date() > date(2027, 12, 1)
