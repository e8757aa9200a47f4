"""The wall's alert clocks, open emergencies, breached immediate cases and pace counts
(center.wall.model) as the database computes them, on hand-built data with
hand-computed expectations, on SQLite and PostgreSQL: boundary instants (a clock due
exactly at T, its warning exactly at T, a case closed exactly at T), the rounding of
the 80 % warning to the microsecond, the order of the listed codes (due, then code by
code point) and the working days of the closure clock.

The response window is 24 h (warning after 19 h 12 min), the acceptance window 2 h
(warning after 96 min); the closure clock warns from 00:00 of the day after the 12th
working day after the receiving date and is due at 00:00 of the day after the 15th.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from builders import Builder, at, within
from sqlalchemy import Engine, update

from center.kpi.calendar import NoWorkdayError, WorkCalendar
from center.wall import model as d
from db.models import Case
from db.types import CST

US = timedelta(microseconds=1)
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
T = at(2026, 10, 20, 12)


def lists(engine: Engine, t: datetime) -> dict[tuple[str, str], tuple[int, tuple[str, ...]]]:
    """(clock, state) -> (count, listed codes) of the non-empty lists."""
    return {
        key: (v.count, tuple(c for _, c in v.first))
        for key, v in d.clock_lists(engine, t).items()
        if v.count
    }


def codes(found: d.ClockList) -> tuple[str, ...]:
    return tuple(c for _, c in found.first)


def base(engine: Engine) -> Builder:
    b = Builder(engine)
    b.grid("G01", name="一网格")
    b.grid("G02", name="二网格")
    b.household("H1", "G01", lat=30.001, lon=120.001)
    return b


# ---------------------------------------------------------------------------
# Response and acceptance clocks


@pytest.fixture
def clocks(engine: Engine) -> Engine:
    b = base(engine)
    warn_r = timedelta(hours=19, minutes=12)  # 80 % of 24 h
    warn_a = timedelta(minutes=96)  # 80 % of 2 h
    b.cases(
        [
            {"code": "R-DUE", "household": "H1", "received_at": T - 24 * H},  # due at T
            {"code": "R-WARN", "household": "H1", "received_at": T - warn_r},  # warn at T
            {"code": "R-EARLY", "household": "H1", "received_at": T - warn_r + US},
            {"code": "R-ANS", "household": "H1", "received_at": T - 30 * H,
             "first_response_at": T - H},
            {"code": "R-LATE", "household": "H1", "received_at": T - 30 * H,
             "first_response_at": T + US},  # answered a microsecond after T
            {"code": "A-DUE", "household": "H1", "received_at": T - 3 * H,
             "first_response_at": T - 3 * H, "dept": "D03", "assigned_at": T - 2 * H},
            {"code": "A-WARN", "household": "H1", "received_at": T - 3 * H,
             "first_response_at": T - 3 * H, "dept": "D03", "assigned_at": T - warn_a},
            {"code": "A-EARLY", "household": "H1", "received_at": T - 3 * H,
             "first_response_at": T - 3 * H, "dept": "D03", "assigned_at": T - warn_a + US},
            {"code": "A-ACC", "household": "H1", "received_at": T - 3 * H,
             "first_response_at": T - 3 * H, "dept": "D03", "assigned_at": T - 3 * H,
             "accepted_at": T - H},
            {"code": "A-LATER", "household": "H1", "received_at": T - 3 * H,
             "first_response_at": T - 3 * H, "dept": "D03", "assigned_at": T + US},
        ]
    )  # fmt: skip
    return engine


def test_response_and_accept_clocks_at_t(clocks: Engine):
    assert lists(clocks, T) == {
        # R-LATE due T − 6 h, R-DUE due exactly at T: breached
        ("response", "breached"): (2, ("R-LATE", "R-DUE")),
        ("response", "soon"): (1, ("R-WARN",)),  # its warning exactly at T
        ("accept", "breached"): (1, ("A-DUE",)),
        ("accept", "soon"): (1, ("A-WARN",)),
    }
    part = d.load_alerts(clocks, T)
    assert part.clocks == {
        "response": d.ClockCounts(2, 1),
        "accept": d.ClockCounts(1, 1),
        "closure": d.ClockCounts(0, 0),
    }
    by = {(a.kind, a.clock): a for a in part.alerts}
    assert (by[("clock_breached", "response")].count, by[("clock_breached", "response")].at) == (
        2,
        T - 6 * H,
    )
    assert by[("clock_due_soon", "response")].at == T + 4 * H + 48 * MIN  # R-WARN's due
    assert by[("clock_breached", "accept")].at == T
    assert by[("clock_due_soon", "accept")].at == T + 24 * MIN
    assert [a.kind for a in part.alerts] == [
        "clock_breached",
        "clock_breached",
        "clock_due_soon",
        "clock_due_soon",
    ]


def test_response_and_accept_clocks_a_microsecond_around_t(clocks: Engine):
    assert lists(clocks, T - US) == {
        ("response", "breached"): (1, ("R-LATE",)),
        ("response", "soon"): (1, ("R-DUE",)),  # due at T, warned since T − 4 h 48 min
        ("accept", "soon"): (1, ("A-DUE",)),
    }
    assert lists(clocks, T + US) == {
        ("response", "breached"): (1, ("R-DUE",)),  # R-LATE answered at T + 1 µs
        ("response", "soon"): (2, ("R-WARN", "R-EARLY")),  # by due: R-EARLY 1 µs later
        ("accept", "breached"): (1, ("A-DUE",)),
        ("accept", "soon"): (2, ("A-WARN", "A-EARLY")),  # A-LATER assigned at T + 1 µs
    }


def test_the_warning_rounds_to_the_nearest_microsecond(engine: Engine):
    """received + (due − received) × 0.8, rounded as Python's timedelta rounds it: a
    7 µs window warns after 5.6 → 6 µs, a 3 µs one after 2.4 → 2 µs (a floor or a
    ceiling would be off by one microsecond on one of them)."""
    b = base(engine)
    r = at(2026, 10, 20, 9)
    b.cases(
        [
            {"code": "W7", "household": "H1", "received_at": r},
            {"code": "W3", "household": "H1", "received_at": r},
        ]
    )
    with engine.begin() as conn:
        for code, window in (("W7", 7), ("W3", 3)):
            conn.execute(
                update(Case).where(Case.code == code).values(response_due_at=r + window * US)
            )
    assert r + 7 * US * d.DUE_SOON == r + 6 * US  # the old Python arithmetic
    assert r + 3 * US * d.DUE_SOON == r + 2 * US

    def soon(t: datetime) -> tuple[str, ...]:
        return codes(d.clock_lists(engine, t)[("response", "soon")])

    assert soon(r + US) == ()
    assert soon(r + 2 * US) == ("W3",)
    assert soon(r + 5 * US) == ()  # W3 breached at +3 µs, W7 not yet warned
    assert soon(r + 6 * US) == ("W7",)
    assert codes(d.clock_lists(engine, r + 7 * US)[("response", "breached")]) == ("W3", "W7")


def test_listed_codes_by_due_then_code_point(engine: Engine):
    """Seven cases due at the same instant and one due earlier: the earlier first,
    then by code as Python orders strings ("-" < "." < digits < capitals < "_" <
    small letters), whatever the database's collation; five listed, all counted."""
    b = base(engine)
    same = T - 30 * H
    codes = ["K-9", "K.1", "K_0", "K0", "k-1", "K-10", "KA"]
    b.cases(
        [{"code": "Z", "household": "H1", "received_at": same - H}]
        + [{"code": c, "household": "H1", "received_at": same} for c in codes]
    )
    got = d.clock_lists(engine, T)[("response", "breached")]
    assert got.count == 8
    assert got.first == (
        (same - H + 24 * H, "Z"),
        (same + 24 * H, "K-10"),
        (same + 24 * H, "K-9"),
        (same + 24 * H, "K.1"),
        (same + 24 * H, "K0"),
    )
    alert = next(a for a in d.load_alerts(engine, T).alerts if a.clock == "response")
    assert (alert.count, alert.cases, alert.at) == (8, ("Z", "K-10", "K-9", "K.1", "K0"), T - 7 * H)


# ---------------------------------------------------------------------------
# Closure clock: working days


@pytest.fixture
def closure(engine: Engine) -> Engine:
    """November 2026 has no holiday: received Thu 5 Nov, the 12th working day after is
    Mon 23 Nov (warning from 00:00 Tue 24 Nov) and the 15th Thu 26 Nov (due 00:00 Fri
    27 Nov); received Fri 6 Nov: the 12th is Tue 24 Nov (warning from 00:00 Wed 25
    Nov), the 15th Fri 27 Nov (due 00:00 Sat 28 Nov)."""
    b = base(engine)
    answered = {"first_response_at": at(2026, 11, 6, 23)}  # no response clock running
    b.cases(
        [
            {"code": "C-THU", "household": "H1", "received_at": at(2026, 11, 5, 10), **answered},
            {"code": "C-LATE", "household": "H1",
             "received_at": at(2026, 11, 5, 23, 59, 59, 999999), **answered},
            {"code": "C-FRI", "household": "H1", "received_at": at(2026, 11, 6), **answered},
            {"code": "C-CLOSED", "household": "H1", "received_at": at(2026, 11, 5, 10),
             **answered, "closed_at": at(2026, 11, 24), "status": "resolved"},
        ]
    )  # fmt: skip
    return engine


def test_closure_due_soon_from_the_twelfth_working_day(closure: Engine):
    warn = at(2026, 11, 24)
    assert lists(closure, warn - US) == {}
    # C-CLOSED was closed exactly at T: no longer open
    assert lists(closure, warn) == {("closure", "soon"): (2, ("C-LATE", "C-THU"))}
    assert lists(closure, at(2026, 11, 25)) == {
        ("closure", "soon"): (3, ("C-LATE", "C-THU", "C-FRI"))  # by due, then code
    }
    due = at(2026, 11, 27)
    assert lists(closure, due - US) == {("closure", "soon"): (3, ("C-LATE", "C-THU", "C-FRI"))}
    assert lists(closure, due) == {
        ("closure", "breached"): (2, ("C-LATE", "C-THU")),  # due exactly at T
        ("closure", "soon"): (1, ("C-FRI",)),
    }
    alerts = {(a.kind, a.clock): a for a in d.load_alerts(closure, due).alerts}
    assert alerts[("clock_breached", "closure")].at == due
    assert alerts[("clock_due_soon", "closure")].at == at(2026, 11, 28)


def test_closure_due_soon_follows_the_holiday_overrides(engine: Engine):
    b = base(engine)
    b.holiday(date(2026, 11, 16), "holiday")  # Mon 16 Nov off: one working day later
    b.case("H1", at(2026, 11, 5, 10), code="C-THU", first_response_at=at(2026, 11, 5, 11))
    assert lists(engine, at(2026, 11, 24)) == {}
    assert lists(engine, at(2026, 11, 25)) == {("closure", "soon"): (1, ("C-THU",))}


def old_warning(cal: WorkCalendar, received_on: date) -> datetime:
    """The closure warning of a case received on ``received_on``, as the wall computed
    it per case before: 00:00 of the day after the 12th working day after it."""
    day = cal.add_workdays(received_on, 12) + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=CST)


@pytest.mark.parametrize(
    "overrides",
    [{}, {date(2026, 10, 10): True, date(2026, 11, 16): False, date(2026, 12, 31): False}],
)
def test_closure_warning_cutoff_matches_the_per_case_warning(overrides):
    """For every T at a midnight and a microsecond before it, from September to
    January (National Day inside), the cutoff splits the receiving dates exactly where
    the per-case warning does."""
    cal = WorkCalendar(overrides)
    days = [date(2026, 8, 1) + timedelta(days=i) for i in range(190)]
    warnings = {r: old_warning(cal, r) for r in days}
    for t0 in days[40:]:
        midnight = datetime(t0.year, t0.month, t0.day, tzinfo=CST)
        for t in (midnight, midnight - US):
            cutoff = d.closure_warning_cutoff(cal, t)
            for r in days:
                first = datetime(r.year, r.month, r.day, tzinfo=CST)
                for received in (first, first + timedelta(days=1) - US):
                    assert (received < cutoff) == (warnings[r] <= t), (t, received)


def test_closure_warning_cutoff_by_hand():
    cal = WorkCalendar()
    # at 00:00 Tue 24 Nov 2026 the cases received up to Thu 5 Nov are warned
    assert d.closure_warning_cutoff(cal, at(2026, 11, 24)) == at(2026, 11, 6)
    assert d.closure_warning_cutoff(cal, at(2026, 11, 24) - US) == at(2026, 11, 5)
    assert d.closure_warning_cutoff(cal, at(2026, 11, 24, 23, 59)) == at(2026, 11, 6)


def test_closure_warning_cutoff_refuses_a_calendar_without_working_days():
    """A year of overrides with no working day is an error naming the date, not an
    endless loop; one working day left in the year is enough to count past it."""
    off = {date(2025, 11, 23) + timedelta(days=i): False for i in range(370)}
    with pytest.raises(NoWorkdayError, match="no working day in the 366 days up to 2026-11-23"):
        within(10, lambda: d.closure_warning_cutoff(WorkCalendar(off), at(2026, 11, 24)))
    # one working day inside the year off (1 June), the other eleven before it
    off[date(2026, 6, 1)] = True
    cutoff = within(10, lambda: d.closure_warning_cutoff(WorkCalendar(off), at(2026, 11, 24)))
    assert cutoff == at(2025, 11, 7)


# ---------------------------------------------------------------------------
# Open emergencies and breached immediate cases


@pytest.fixture
def emergencies(engine: Engine) -> Engine:
    b = base(engine)
    m = MIN
    e = {"household": "H1", "subcategory": "E01"}
    b.cases(
        [
            {"code": "E-OLD", **e, "received_at": T - 3 * H},
            {"code": "E-AT", **e, "received_at": T},  # received exactly at T: open
            {"code": "E-NEXT", **e, "received_at": T + US},
            {"code": "E-CLOSED", **e, "received_at": T - 2 * H, "closed_at": T,
             "status": "resolved"},  # closed exactly at T: not open
            {"code": "E-OPEN", **e, "received_at": T - 2 * H, "closed_at": T + US,
             "status": "resolved"},
            {"code": "E-DISMISSED", **e, "received_at": T - 2 * H, "status": "not_our_remit"},
            {"code": "I-CLOSED", "household": "H1", "priority": "immediate",
             "received_at": T - 60 * m, "closed_at": T, "status": "resolved"},
            {"code": "I-OPEN", "household": "H1", "priority": "immediate",
             "received_at": T - 60 * m, "closed_at": T + US, "status": "resolved"},
            {"code": "I-AT", "household": "H1", "priority": "immediate",
             "received_at": T - 30 * m},  # limit exactly at T
        ]
    )  # fmt: skip
    return engine


def test_open_emergencies_at_t(emergencies: Engine):
    found = d.open_emergencies(emergencies, T)
    assert [(x.code, x.subcategory, x.received_at, x.grid) for x in found] == [
        ("E-OLD", "E01", T - 3 * H, "G01"),
        ("E-OPEN", "E01", T - 2 * H, "G01"),
        ("E-AT", "E01", T, "G01"),
    ]
    part = d.load_alerts(emergencies, T)
    alert = next(a for a in part.alerts if a.kind == "emergency_open")
    assert (alert.count, alert.cases, alert.at) == (3, ("E-OLD", "E-OPEN", "E-AT"), T - 3 * H)
    assert part.open_emergencies == 3
    after = d.load_alerts(emergencies, T + US)
    assert after.open_emergencies == 3  # E-OPEN closed at T + 1 µs, E-NEXT received
    assert next(a for a in after.alerts if a.kind == "emergency_open").cases == (
        "E-OLD",
        "E-AT",
        "E-NEXT",
    )


def test_incidents_and_alerts_share_their_reads(emergencies: Engine):
    shared = d.SharedReads()
    incidents = d.load_incidents(emergencies, T, shared)
    alerts = d.load_alerts(emergencies, T, shared)
    assert [x.code for x in incidents.emergencies] == ["E-OLD", "E-OPEN", "E-AT"]
    assert [x.code for x in incidents.immediate] == ["I-OPEN", "I-AT"]
    assert alerts.open_emergencies == 3
    first = alerts.alerts[0]
    assert (first.kind, first.count, first.cases, first.at) == (
        "immediate_breached",
        2,
        ("I-OPEN", "I-AT"),
        T - 30 * MIN,
    )
    # the same reads alone
    assert d.load_incidents(emergencies, T) == incidents
    assert d.load_alerts(emergencies, T) == alerts
    # the map's density: the cases of the last 30 days by T per household (all of
    # H1's but E-NEXT, received after T)
    assert incidents.heat == ((30.001, 120.001, 8),)


def test_breached_immediate_closed_exactly_at_t(emergencies: Engine):
    assert [x.code for x in d.breached_immediate(emergencies, T)] == ["I-OPEN", "I-AT"]
    # a microsecond before T I-CLOSED is still open; I-AT's limit has not passed
    assert [x.code for x in d.breached_immediate(emergencies, T - US)] == ["I-CLOSED", "I-OPEN"]


# ---------------------------------------------------------------------------
# Pace counts


def test_household_pace_counts_by_hand(engine: Engine):
    """As of Fri 20 Nov 2026 12:00 (month November, quarter Q4 from 1 Oct): a special
    household's met-visits in November by T, an ordinary household's in October and
    November by T; households moved out before 1 Dec are out of scope."""
    b = base(engine)
    t = at(2026, 11, 20, 12)
    special = {"special_groups": "solo_elderly"}
    b.household("S0", "G01", **special)  # no visit: 0
    b.household("S1", "G01", **special)  # one visit exactly at T: 1
    b.household("S2", "G01", **special)  # two by T: 2
    b.household("S2L", "G01", **special)  # the second a microsecond after T: 1
    b.household("SO", "G01", **special)  # only October visits: 0 this month
    b.household("O1", "G01")  # a visit in October (quarter to date): 1
    b.household("O0", "G01")  # a visit in September (last quarter): 0
    b.household("OL", "G01")  # a visit a microsecond after T: 0
    b.household("ON", "G01", moved_out_on=date(2026, 12, 1))  # still in scope: 0
    b.household("OM", "G01", moved_out_on=date(2026, 11, 30))  # out of scope
    b.household("O3", "G02")  # a visit exactly at T: 1
    b.visits(
        [
            {"household": "S1", "visited_at": t},
            {"household": "S2", "visited_at": at(2026, 11, 2, 9)},
            {"household": "S2", "visited_at": t},
            {"household": "S2L", "visited_at": at(2026, 11, 2, 9)},
            {"household": "S2L", "visited_at": t + US},
            {"household": "SO", "visited_at": at(2026, 10, 2, 9)},
            {"household": "SO", "visited_at": at(2026, 10, 9, 9)},
            {"household": "O1", "visited_at": at(2026, 10, 31, 23, 59)},
            {"household": "O0", "visited_at": at(2026, 9, 30, 23, 59)},
            {"household": "OL", "visited_at": t + US},
            {"household": "OM", "visited_at": at(2026, 11, 2, 9)},
            {"household": "O3", "visited_at": t},
            {"household": "O3", "visited_at": at(2026, 11, 3, 9), "outcome": "not_home"},
        ]
    )
    # H1 (the base household, ordinary, never visited) is in G01 too
    assert sorted(d.household_pace_counts(engine, t)) == [
        ("G01", "一网格", False, 0, 4),  # H1, O0, OL, ON
        ("G01", "一网格", False, 1, 1),  # O1
        ("G01", "一网格", True, 0, 2),  # S0, SO
        ("G01", "一网格", True, 1, 2),  # S1, S2L
        ("G01", "一网格", True, 2, 1),  # S2
        ("G02", "二网格", False, 1, 1),  # O3
    ]
    # a microsecond before T: S1's and S2's visits at T have not happened, nor O3's
    assert sorted(d.household_pace_counts(engine, t - US)) == [
        ("G01", "一网格", False, 0, 4),
        ("G01", "一网格", False, 1, 1),
        ("G01", "一网格", True, 0, 3),  # S0, SO, S1
        ("G01", "一网格", True, 1, 2),  # S2, S2L
        ("G02", "二网格", False, 0, 1),  # O3
    ]
    pace = d.load_pace(engine, t, {"coverage": (0.9, True), "special_care": (0.9, True)}, {})
    assert (pace.households, pace.special) == (11, 5)
    assert [(g.code, g.households, g.special) for g in pace.grids] == [
        ("G01", 10, 5),
        ("G02", 1, 0),
    ]
