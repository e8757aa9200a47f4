"""The administrator's holiday overrides: ``holidays.csv`` and the year listing.

Importing a file replaces the overrides of every year it contains (other years are
kept) and recomputes every case's closure deadline in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar
from chinese_calendar.constants import Holiday
from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from center.core.pii import PiiCipher
from center.interchange.base import Col, Job, Kind, Plan, bulk_insert, table_of
from center.interchange.files import (
    Table,
    enum_parser,
    parse_date,
    text_parser,
)
from center.kpi.calendar import load_calendar, package_covers
from center.kpi.derive import recompute_deadlines
from db.models import HolidayOverride

HOLIDAY_KINDS = ("holiday", "workday")


class HolidaysKind(Kind):
    name = "holidays"
    title = "holidays"
    code_column = "date"
    domains = ("calendar", "cases")
    columns = (
        Col("date", parse_date, True),
        Col("kind", enum_parser(HOLIDAY_KINDS), True),
        Col("name", text_parser(50), strict_text=True),
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        rows = {v["date"]: (v["kind"], v["name"]) for _line, v, ok in self.rows(table, job) if ok}
        plan = Plan()
        if job.problems:
            return plan
        years = {d.year for d in rows}
        stored = {
            day: (kind, name)
            for day, kind, name in conn.execute(
                select(HolidayOverride.day, HolidayOverride.kind, HolidayOverride.name)
            )
            if day.year in years
        }
        for day in sorted(rows):
            kind, name = rows[day]
            old = stored.get(day)
            if old is None:
                plan.insert_list().append({"day": day, "kind": kind, "name": name})
            elif old == (kind, name):
                plan.unchanged += 1
            else:
                plan.updates.append({"b_day": day, "b_kind": kind, "b_name": name})
        plan.extra["deletes"] = sorted(day for day in stored if day not in rows)
        plan.deleted = len(plan.extra["deletes"])
        plan.extra["years"] = sorted(years)
        return plan

    def write(self, conn: Connection, plan: Plan, job: Job) -> None:
        deletes = plan.extra["deletes"]
        for i in range(0, len(deletes), 500):
            conn.execute(
                delete(HolidayOverride).where(HolidayOverride.day.in_(deletes[i : i + 500]))
            )
        bulk_insert(conn, table_of(HolidayOverride), plan.inserts, job)
        if plan.updates:
            t = table_of(HolidayOverride)
            conn.execute(
                update(t)
                .where(t.c.day == bindparam("b_day"))
                .values(kind=bindparam("b_kind"), name=bindparam("b_name")),
                plan.updates,
            )
        plan.extra["deadlines_changed"] = recompute_deadlines(conn, load_calendar(conn))


# ---------------------------------------------------------------- listing


@dataclass(frozen=True)
class HolidayEntry:
    day: date
    kind: str  # holiday | workday
    name: str | None
    source: str  # official (chinesecalendar package) | override (administrator's table)


@dataclass(frozen=True)
class HolidayListing:
    year: int
    status: str  # official | override | missing (see WorkCalendar.year_status)
    entries: list[HolidayEntry]
    override_count: int


def _chinese_name(english: str) -> str:
    try:
        return str(Holiday(english).chinese)
    except ValueError:
        return english


def list_holidays(engine: Engine, year: int) -> HolidayListing:
    """The statutory days off and adjusted working days of ``year`` and where they come
    from: the override table wins over the package for every date it lists."""
    with engine.connect() as conn:
        cal = load_calendar(conn)
        overrides = conn.execute(
            select(HolidayOverride.day, HolidayOverride.kind, HolidayOverride.name).where(
                HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31))
            )
        ).all()
    entries: dict[date, HolidayEntry] = {}
    if package_covers(year):
        for table, kind in (
            (chinese_calendar.holidays, "holiday"),
            (chinese_calendar.workdays, "workday"),
        ):
            for day, english in table.items():
                if day.year == year:
                    entries[day] = HolidayEntry(day, kind, _chinese_name(english), "official")
    for day, kind, name in overrides:
        entries[day] = HolidayEntry(day, kind, name, "override")
    return HolidayListing(
        year=year,
        status=cal.year_status(year),
        entries=[entries[d] for d in sorted(entries)],
        override_count=len(overrides),
    )
