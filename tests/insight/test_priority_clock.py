"""Priority clocks (`spec/insight.md` § Priority clocks): each clock at its boundary,
the `3wd` clock across the 2026 National Day holiday (1-7 October off, Saturday 10
October an adjusted working day) and an administrator's override, on-the-spot cases,
and KPI ``priority_on_time`` hand-computed on a fixture (SQLite and PostgreSQL), in
``center kpi --json`` and outside the assessment weights."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from builders import Builder, at
from sqlalchemy import insert

from center.cli import main
from center.core.access import Actor
from center.core.kpis import BY_KEY, DEPARTMENT_KPIS, KPI_KEYS
from center.kpi.assess import WEIGHTS, assess
from center.kpi.calendar import WorkCalendar
from center.kpi.compute import compute_all_scopes, compute_kpis, trend
from center.kpi.priority import priority_clock, priority_limit, transfer_ranges
from db.models import HolidayOverride

S = timedelta(seconds=1)
CAL = WorkCalendar()


def clock_at(priority: str, received, as_of, cal: WorkCalendar = CAL, **events):
    fields = {"first_response_at": None, "assigned_at": None, "closed_at": None}
    fields.update(events)
    return priority_clock(
        priority,
        received,
        on_the_spot=fields.pop("on_the_spot", False),
        as_of=as_of,
        cal=cal,
        **fields,
    )


# ---------------------------------------------------------------------------
# The clocks


def test_immediate_first_response_30_minutes_inclusive():
    r = at(2026, 10, 9, 10)
    limit = at(2026, 10, 9, 10, 30)
    assert priority_limit("immediate", r, CAL) == limit
    met = clock_at("immediate", r, at(2026, 10, 9, 12), first_response_at=limit)
    assert (met.state, met.done_at, met.due) == ("met", limit, limit)
    late = clock_at("immediate", r, at(2026, 10, 9, 12), first_response_at=limit + S)
    assert late.state == "missed"
    # running: one second left; at the limit itself the clock has passed
    running = clock_at("immediate", r, limit - S)
    assert (running.state, running.remaining) == ("warning", S)
    assert clock_at("immediate", r, r + timedelta(minutes=10)).state == "running"
    breached = clock_at("immediate", r, limit)
    assert (breached.state, breached.remaining) == ("breached", timedelta(0))
    # a response after T has not happened yet
    assert clock_at("immediate", r, limit - S, first_response_at=limit).state == "warning"
    # closed without a first response: the response clock can no longer be met
    closed = clock_at("immediate", r, r + timedelta(minutes=5), closed_at=r + timedelta(minutes=1))
    assert closed.state == "missed"


def test_24h_is_the_kpi_response_clock():
    r = at(2026, 10, 8, 9)
    assert priority_limit("24h", r, CAL) == at(2026, 10, 9, 9)
    assert clock_at("24h", r, at(2026, 10, 10), first_response_at=at(2026, 10, 9, 9)).state == "met"
    late = clock_at("24h", r, at(2026, 10, 10), first_response_at=at(2026, 10, 9, 9) + S)
    assert late.state == "missed"
    assert clock_at("24h", r, at(2026, 10, 9, 9) - S).state == "warning"
    assert clock_at("24h", r, at(2026, 10, 9, 9)).state == "breached"


@pytest.mark.parametrize(
    ("received", "limit"),
    [
        # Tue 29 Sep: Wed 30 Sep, Thu 8 Oct, Fri 9 Oct
        (at(2026, 9, 29, 16), at(2026, 10, 10)),
        # Wed 30 Sep: 8 Oct, 9 Oct, Sat 10 Oct (adjusted working day)
        (at(2026, 9, 30, 0), at(2026, 10, 11)),
        (at(2026, 9, 30, 23, 59, 59), at(2026, 10, 11)),
        # received on a holiday: day 1 is still the first working day after it
        (at(2026, 10, 1, 10), at(2026, 10, 11)),
        (at(2026, 10, 7, 10), at(2026, 10, 11)),
        # Thu 8 Oct: 9 Oct, Sat 10 Oct, Mon 12 Oct
        (at(2026, 10, 8, 9), at(2026, 10, 13)),
        # Fri 9 Oct: Sat 10 Oct, 12 Oct, 13 Oct
        (at(2026, 10, 9, 15), at(2026, 10, 14)),
        # Sat 10 Oct (a working day itself): 12, 13, 14 Oct
        (at(2026, 10, 10, 9), at(2026, 10, 15)),
    ],
)
def test_3wd_limit_across_national_day(received, limit):
    assert priority_limit("3wd", received, CAL) == limit


def test_3wd_met_by_the_first_of_assignment_or_closure():
    r = at(2026, 9, 30, 15)
    limit = at(2026, 10, 11)
    later = at(2026, 10, 20)
    assert clock_at("3wd", r, later, assigned_at=limit).state == "met"
    assert clock_at("3wd", r, later, assigned_at=limit + S).state == "missed"
    assert clock_at("3wd", r, later, closed_at=limit).state == "met"
    # the first event counts: closed in time, assigned (re-routed) later
    first = clock_at("3wd", r, later, closed_at=limit - S, assigned_at=limit + S)
    assert (first.state, first.done_at) == ("met", limit - S)
    # an assignment after T has not happened
    assert clock_at("3wd", r, limit - S, assigned_at=limit).state == "warning"
    assert clock_at("3wd", r, limit).state == "breached"
    assert clock_at("3wd", r, at(2026, 10, 1)).state == "running"


def test_3wd_uses_the_administrators_override():
    # an override that takes the adjusted Saturday back off moves the limit to Tue 13 Oct
    cal = WorkCalendar({date(2026, 10, 10): False})
    assert priority_limit("3wd", at(2026, 9, 30, 15), cal) == at(2026, 10, 13)
    assert clock_at("3wd", at(2026, 9, 30, 15), at(2026, 10, 20), cal, assigned_at=at(2026, 10, 12))
    ranges = transfer_ranges(CAL, date(2026, 9, 29), date(2026, 10, 9))
    assert ranges == [
        (at(2026, 9, 29), at(2026, 10, 10)),
        (at(2026, 9, 30), at(2026, 10, 11)),
        (at(2026, 10, 8), at(2026, 10, 13)),
        (at(2026, 10, 9), at(2026, 10, 14)),
    ]
    capped = transfer_ranges(CAL, date(2026, 9, 29), date(2026, 10, 9), cap=at(2026, 10, 12))
    assert capped == [
        (at(2026, 9, 29), at(2026, 10, 10)),
        (at(2026, 9, 30), at(2026, 10, 11)),
        (at(2026, 10, 8), at(2026, 10, 12)),
    ]


@pytest.mark.parametrize("priority", ["immediate", "24h", "3wd"])
def test_on_the_spot_meets_every_clock(priority):
    r = at(2026, 10, 9, 10)
    late = at(2026, 11, 30)
    c = clock_at(
        priority, r, at(2026, 11, 1), on_the_spot=True, first_response_at=late, closed_at=late
    )
    assert (c.state, c.done_at) == ("met", r)


# ---------------------------------------------------------------------------
# The KPI

T = at(2026, 10, 12, 12)


@pytest.fixture
def street(engine) -> Builder:
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C01")
    b.grid("G03", community="C02")
    for h, g in (("H1", "G01"), ("H2", "G02"), ("H3", "G03")):
        b.household(h, g)
    m = timedelta(minutes=1)
    b.cases(
        [
            # G01
            {"code": "K1", "household": "H1", "priority": "immediate",
             "received_at": at(2026, 10, 9, 10), "first_response_at": at(2026, 10, 9, 10, 30)},
            {"code": "K2", "household": "H1", "priority": "immediate",
             "received_at": at(2026, 10, 9, 11), "first_response_at": at(2026, 10, 9, 11, 30, 1)},
            # limit 12:15 > T: neither met nor passed
            {"code": "K3", "household": "H1", "priority": "immediate",
             "received_at": at(2026, 10, 12, 11, 45)},
            # 3wd, limit 13 Oct 00:00: met by closure without assignment
            {"code": "K10", "household": "H1", "priority": "3wd",
             "received_at": at(2026, 10, 8, 9), "closed_at": at(2026, 10, 12, 10)},
            # on the spot: met whatever the response time says
            {"code": "K12", "household": "H1", "priority": "immediate", "on_the_spot": True,
             "received_at": at(2026, 10, 10, 9), "first_response_at": at(2026, 10, 10, 14)},
            # limit 14 Oct: assigned after T (not yet), not passed
            {"code": "K15", "household": "H1", "priority": "3wd", "dept": "D01",
             "received_at": at(2026, 10, 9, 9), "assigned_at": at(2026, 10, 12, 13)},
            # G02
            # limit 12:00 = T: passed, unanswered
            {"code": "K4", "household": "H2", "priority": "immediate",
             "received_at": T - 30 * m},
            {"code": "K5", "household": "H2", "priority": "24h",
             "received_at": at(2026, 10, 8, 9), "first_response_at": at(2026, 10, 9, 9)},
            {"code": "K6", "household": "H2", "priority": "24h",
             "received_at": at(2026, 10, 11, 13)},
            {"code": "K11", "household": "H2", "priority": "3wd", "on_the_spot": True,
             "received_at": at(2026, 10, 5, 10), "closed_at": at(2026, 10, 30)},
            # September: another period
            {"code": "K14", "household": "H2", "priority": "24h",
             "received_at": at(2026, 9, 30, 9)},
            # G03: 3wd cases received on National Day holidays, limit 11 Oct 00:00
            {"code": "K7", "household": "H3", "priority": "3wd", "dept": "D01",
             "received_at": at(2026, 10, 1, 10), "assigned_at": at(2026, 10, 11)},
            {"code": "K8", "household": "H3", "priority": "3wd", "dept": "D02",
             "received_at": at(2026, 10, 2, 10), "assigned_at": at(2026, 10, 11) + S},
            {"code": "K13", "household": "H3", "priority": "3wd", "dept": "D01",
             "received_at": at(2026, 10, 3, 10), "assigned_at": at(2026, 10, 12, 11)},
            # limit 14 Oct: open, not passed
            {"code": "K9", "household": "H3", "priority": "3wd",
             "received_at": at(2026, 10, 9, 15)},
        ]
    )  # fmt: skip
    return b


def prio(engine, scope: str, as_of=T, period: str = "2026-10") -> dict[str, tuple]:
    snap = compute_kpis(engine, period, scope, as_of)
    out = {}
    for u in snap.units:
        kv = u.kpis["priority_on_time"]
        out[u.code] = (kv.numerator, kv.denominator, kv.value, kv.target, kv.ok)
    return out


def test_priority_on_time_hand_computed(engine, street):
    assert prio(engine, "grid") == {
        "G01": (3, 4, 0.75, 0.95, False),  # K1 K10 K12 met, K2 late
        "G02": (2, 3, 2 / 3, 0.95, False),  # K5 K11 met, K4 passed
        "G03": (1, 3, 1 / 3, 0.95, False),  # K7 met, K8 K13 late
    }
    assert prio(engine, "community") == {
        "C01": (5, 7, 5 / 7, 0.95, False),
        "C02": (1, 3, 1 / 3, 0.95, False),
    }
    assert prio(engine, "street") == {"测试街道": (6, 10, 0.6, 0.95, False)}
    # departments: only their 3wd cases assigned by T (K15 is assigned after T)
    dept = prio(engine, "department")
    assert dept["D01"] == (1, 2, 0.5, 0.95, False)
    assert dept["D02"] == (0, 1, 0.0, 0.95, False)
    assert dept["D03"] == (0, 0, None, 0.95, None)


def test_priority_on_time_boundaries_of_t(engine, street):
    # K3's limit falls exactly at T: passed; a second before, it is not counted
    k3_limit = at(2026, 10, 12, 12, 15)
    assert prio(engine, "grid", k3_limit)["G01"][:2] == (3, 5)
    assert prio(engine, "grid", k3_limit - S)["G01"][:2] == (3, 4)
    # K7's, K8's and K13's 3wd limit (11 Oct 00:00): a second before it none has been
    # assigned and none has passed; at it K7 is met (assigned exactly then), K8 and
    # K13 have passed unassigned
    assert prio(engine, "grid", at(2026, 10, 11) - S)["G03"][:2] == (0, 0)
    assert prio(engine, "grid", at(2026, 10, 11))["G03"][:2] == (1, 3)


def test_priority_on_time_follows_the_holiday_overrides(engine, street):
    # the administrator takes Sat 10 Oct off: the limit of cases received on 1-7 Oct
    # moves from 11 Oct to 13 Oct 00:00, so K8 (11 Oct 00:00:01) and K13 (12 Oct)
    # were assigned in time; K9's moves to 15 Oct (not passed)
    assert prio(engine, "grid")["G03"][:2] == (1, 3)
    with engine.begin() as conn:
        conn.execute(insert(HolidayOverride).values(day=date(2026, 10, 10), kind="holiday"))
    assert prio(engine, "grid")["G03"][:2] == (3, 3)
    assert prio(engine, "grid", at(2026, 10, 15) - S)["G03"][:2] == (3, 3)
    assert prio(engine, "grid", at(2026, 10, 15))["G03"][:2] == (3, 4)
    dept = prio(engine, "department")
    assert (dept["D01"][:2], dept["D02"][:2]) == ((2, 2), (1, 1))


def test_priority_on_time_in_all_scopes_and_trend(engine, street):
    snaps = compute_all_scopes(engine, "2026-10", T)
    for scope, snap in snaps.items():
        keys = DEPARTMENT_KPIS if scope == "department" else KPI_KEYS
        assert all(list(u.kpis) == list(keys) for u in snap.units)
        assert {u.code: u.kpis["priority_on_time"] for u in snap.units} == {
            u.code: u.kpis["priority_on_time"]
            for u in compute_kpis(engine, "2026-10", scope, T).units
        }
    series = trend(engine, "street", T, months=2)
    # September: K14 (24h, unanswered) has passed by T
    assert series["测试街道"]["priority_on_time"] == [("2026-09", 0.0), ("2026-10", 0.6)]


def test_priority_on_time_is_not_assessed(engine, street):
    assert BY_KEY["priority_on_time"].default_target == 0.95
    assert BY_KEY["priority_on_time"].higher_is_better
    assert all("priority_on_time" not in dict(w) for w in WEIGHTS.values())
    for scope in ("grid", "department"):
        result = assess(engine, quarter="2026Q4", scope=scope, as_of=at(2026, 12, 31))
        assert result.units
        for unit in result.units:
            assert list(unit.indicators) == [k for k, _ in WEIGHTS[scope]]


def test_cli_json(engine, street, db_url, capsys):
    argv = ["kpi", "--db", db_url, "--period", "2026-10", "--as-of", "2026-10-12T12:00:00"]
    assert main([*argv, "--scope", "street", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    kpis = doc["units"][0]["kpis"]
    assert list(kpis) == list(KPI_KEYS)
    assert kpis["priority_on_time"] == {
        "value": 0.6,
        "numerator": 6,
        "denominator": 10,
        "target": 0.95,
        "ok": False,
    }
    assert main([*argv, "--scope", "department", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    d01 = next(u for u in doc["units"] if u["code"] == "D01")
    assert d01["kpis"]["priority_on_time"] == {
        "value": 0.5,
        "numerator": 1,
        "denominator": 2,
        "target": 0.95,
        "ok": False,
    }
    # the readable table names it beside the others
    assert main([*argv, "--scope", "street", "--lang", "zh_CN"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "优先时限达标率" in out[1]
    assert out[3].endswith("60.0% ✗") and out[4].endswith("≥95.0%")


def test_inbox_sorts_by_the_priority_clock(engine, street):
    from center.cases.inbox import InboxFilter, InboxSort, fetch_page

    rows = fetch_page(
        engine,
        Actor("test", "coordinator"),
        InboxFilter(),
        InboxSort("priority_due", False),
        0,
        50,
        T,
    )
    # running clocks by their limit (ties by id), then the stopped ones by theirs
    assert [r.code for r in rows] == [
        "K14", "K4", "K3", "K6", "K15", "K9",
        "K5", "K1", "K2", "K12", "K11", "K7", "K8", "K13", "K10",
    ]  # fmt: skip
    states = {r.code: r.priority_clock.state for r in rows}
    assert (states["K14"], states["K4"], states["K3"], states["K12"]) == (
        "breached",
        "breached",
        "running",
        "met",
    )
    assert rows[0].priority_clock.due == at(2026, 10, 1, 9)


# ---------------------------------------------------------------------------
# The wall: open immediate cases whose clock has passed


def test_breached_immediate_on_the_wall(engine, qapp):
    from center.wall.model import breached_immediate, load_alerts
    from center.windows.wall.texts import alert_text

    b = Builder(engine)
    b.grid("G01")
    b.household("H1", "G01")
    t = at(2026, 10, 9, 10)
    m = timedelta(minutes=1)
    b.cases(
        [
            {"code": "I-AT", "household": "H1", "priority": "immediate",
             "received_at": t - 30 * m},  # limit exactly at T: passed
            {"code": "I-1S", "household": "H1", "priority": "immediate",
             "received_at": t - 30 * m + S},  # a second to go
            {"code": "I-OLD", "household": "H1", "priority": "immediate",
             "received_at": t - 90 * m, "first_response_at": t + m},  # answered after T
            {"code": "I-ANS", "household": "H1", "priority": "immediate",
             "received_at": t - 90 * m, "first_response_at": t - m},
            {"code": "I-SPOT", "household": "H1", "priority": "immediate",
             "on_the_spot": True, "received_at": t - 90 * m},
            {"code": "I-CLOSED", "household": "H1", "priority": "immediate",
             "received_at": t - 90 * m, "closed_at": t - m, "status": "resolved"},
            {"code": "D-24H", "household": "H1", "received_at": t - 90 * m},
        ]
    )  # fmt: skip
    found = breached_immediate(engine, t)
    assert [(x.code, x.grid, x.due) for x in found] == [
        ("I-OLD", "G01", t - 60 * m),
        ("I-AT", "G01", t),
    ]
    assert [x.code for x in breached_immediate(engine, t + S)] == ["I-OLD", "I-AT", "I-1S"]
    alerts = load_alerts(engine, t).alerts
    first = alerts[0]
    assert (first.kind, first.severity, first.count, first.cases, first.at) == (
        "immediate_breached",
        "bad",
        2,
        ("I-OLD", "I-AT"),
        t - 60 * m,
    )
    assert alert_text(first) == "Immediate cases unanswered after 30 min: 2 (I-OLD, I-AT)"
    early = load_alerts(engine, t - 60 * m - S).alerts  # before I-OLD's limit
    assert all(a.kind != "immediate_breached" for a in early)
