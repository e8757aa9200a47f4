"""Inbox queries: every filter, sort order, paging, countdown clocks (80 % warning),
department queue counts and saved filters — with hand-computed expectations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import Builder, at
from sqlalchemy import update

from center.cases import inbox as ib
from center.cases.inbox import InboxFilter, InboxSort
from center.core.access import Actor
from db.models import Case, Household

T = at(2025, 11, 20, 10, 0)
COORD = Actor("alice", "coordinator")


@pytest.fixture
def cases(engine):
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C02")
    b.household("H1", "G01", address="幸福小区1号楼101")
    b.household("H2", "G02", address="幸福小区3号楼201")
    b.cases(
        [
            # response clock 20 h of 24 used -> warning; a repeat of K7 (same L01, 20 days)
            {
                "code": "K1",
                "household": "H1",
                "received_at": at(2025, 11, 19, 14),
                "subcategory": "L01",
                "priority": "24h",
                "source": "online",
            },
            # 19 h of 24 -> running
            {
                "code": "K2",
                "household": "H1",
                "received_at": at(2025, 11, 19, 15),
                "subcategory": "P01",
                "priority": "3wd",
                "source": "hotline",
            },
            # exactly 24 h -> breached
            {
                "code": "K3",
                "household": "H2",
                "received_at": at(2025, 11, 19, 10),
                "subcategory": "M01",
                "priority": "24h",
                "source": "visit",
            },
            # department start clock: 100 of 120 min -> warning
            {
                "code": "K4",
                "household": "H2",
                "received_at": at(2025, 11, 19, 8),
                "subcategory": "M01",
                "priority": "24h",
                "source": "online",
                "first_response_at": at(2025, 11, 19, 9),
                "dept": "D08",
                "assigned_at": at(2025, 11, 20, 8, 20),
                "status": "assigned",
            },
            # 90 of 120 min -> running; escalated (set below)
            {
                "code": "K5",
                "household": "H1",
                "received_at": at(2025, 11, 18, 9),
                "subcategory": "L07",
                "priority": "3wd",
                "source": "online",
                "first_response_at": at(2025, 11, 18, 10),
                "dept": "D06",
                "assigned_at": at(2025, 11, 20, 8, 30),
                "status": "assigned",
            },
            # closure deadline 2025-11-11 passed -> breached
            {
                "code": "K6",
                "household": "H2",
                "received_at": at(2025, 10, 20, 9),
                "subcategory": "E02",
                "priority": "immediate",
                "source": "proactive",
                "first_response_at": at(2025, 10, 20, 10),
                "dept": "D01",
                "assigned_at": at(2025, 10, 20, 10),
                "accepted_at": at(2025, 10, 20, 11),
                "status": "accepted",
            },
            # deadline 2025-11-21 00:00, 505 of 519 h used -> warning
            {
                "code": "K7",
                "household": "H1",
                "received_at": at(2025, 10, 30, 9),
                "subcategory": "L01",
                "priority": "24h",
                "source": "visit",
                "first_response_at": at(2025, 10, 30, 9, 30),
            },
            # closed a day late -> missed
            {
                "code": "K8",
                "household": "H2",
                "received_at": at(2025, 9, 1, 9),
                "subcategory": "P02",
                "priority": "3wd",
                "source": "hotline",
                "first_response_at": at(2025, 9, 1, 10),
                "closed_at": at(2025, 9, 24, 10),
                "status": "resolved",
                "satisfaction": 4,
            },
            # received after T: does not exist yet
            {
                "code": "K9",
                "household": "H1",
                "received_at": at(2025, 11, 20, 11),
                "subcategory": "L01",
                "priority": "24h",
                "source": "online",
            },
        ]
    )
    with engine.begin() as conn:
        conn.execute(update(Case).where(Case.code == "K5").values(escalated=True))
        conn.execute(update(Case).where(Case.code == "K1").values(summary="送餐问题反映"))
    return b


def codes(engine, f=None, sort=None, offset=0, limit=100):
    page = ib.query_inbox(
        engine, COORD, f or InboxFilter(), sort or InboxSort(), offset, limit, as_of=T
    )
    return [r.code for r in page.rows], page.total


def test_default_order_and_the_instant(cases, engine):
    assert codes(engine) == (["K2", "K1", "K3", "K4", "K5", "K7", "K6", "K8"], 8)
    assert codes(engine, sort=InboxSort("received_at", False))[0] == [
        "K8",
        "K6",
        "K7",
        "K5",
        "K4",
        "K3",
        "K1",
        "K2",
    ]


FILTERS = [
    (InboxFilter(statuses=("open",)), {"K1", "K2", "K3", "K4", "K5", "K6", "K7"}),
    (InboxFilter(statuses=("closed",)), {"K8"}),
    (InboxFilter(statuses=("assigned", "accepted")), {"K4", "K5", "K6"}),
    (InboxFilter(category="dispute"), {"K3", "K4"}),
    (InboxFilter(subcategory="L01"), {"K1", "K7"}),
    (InboxFilter(priority="3wd"), {"K2", "K5", "K8"}),
    (InboxFilter(community="C02"), {"K3", "K4", "K6", "K8"}),
    (InboxFilter(grid="G01"), {"K1", "K2", "K5", "K7"}),
    (InboxFilter(dept="D08"), {"K4"}),
    (InboxFilter(source="hotline"), {"K2", "K8"}),
    (
        InboxFilter(received_from=date(2025, 11, 19), received_to=date(2025, 11, 19)),
        {"K1", "K2", "K3", "K4"},
    ),
    (InboxFilter(received_to=date(2025, 10, 30)), {"K6", "K7", "K8"}),
    (InboxFilter(escalated=True), {"K5"}),
    (InboxFilter(escalated=False, grid="G01"), {"K1", "K2", "K7"}),
    (InboxFilter(repeat=True), {"K1", "K3"}),  # K3: 2 h after K4, same M01
    (InboxFilter(clock="overdue"), {"K3", "K6"}),
    (InboxFilter(clock="at_risk"), {"K1", "K4", "K7"}),
    (InboxFilter(clock="at_risk", clock_kinds=("accept",)), {"K4"}),
    (InboxFilter(clock="overdue", clock_kinds=("response", "accept")), {"K3"}),
    (InboxFilter(text="送餐"), {"K1"}),
    (InboxFilter(text="3号楼"), {"K3", "K4", "K6", "K8"}),
    (InboxFilter(text="k6"), {"K6"}),
    (InboxFilter(text="100%"), set()),
    (InboxFilter(grid="G01", clock="at_risk", statuses=("open",)), {"K1", "K7"}),
]


def test_filters(cases, engine):
    for f, expected in FILTERS:
        got, total = codes(engine, f)
        assert (set(got), total) == (expected, len(expected)), f
        assert ib.count_cases(engine, COORD, f, as_of=T) == len(expected), f


SORTS = [
    ("code", ["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"]),
    # immediate, 24h, 3wd; ties by id
    ("priority", ["K6", "K1", "K3", "K4", "K7", "K2", "K5", "K8"]),
    # received, assigned, accepted, resolved (the order of CASE_STATUSES)
    ("status", ["K1", "K2", "K3", "K7", "K4", "K5", "K6", "K8"]),
    # policy, life, dispute, emergency
    ("category", ["K2", "K8", "K1", "K5", "K7", "K3", "K4", "K6"]),
    ("subcategory", ["K6", "K1", "K7", "K5", "K3", "K4", "K2", "K8"]),
    ("grid", ["K1", "K2", "K5", "K7", "K3", "K4", "K6", "K8"]),
    # K1-K4 were all received on 2025-11-19: one deadline, ties by id
    ("deadline", ["K8", "K6", "K7", "K5", "K1", "K2", "K3", "K4"]),
    ("address", ["K1", "K2", "K5", "K7", "K3", "K4", "K6", "K8"]),
]


def test_sorting(cases, engine):
    for key, expected in SORTS:
        assert codes(engine, sort=InboxSort(key, False))[0] == expected, key
    # descending reverses the order and the id tie-break with it
    for key, expected in SORTS:
        assert codes(engine, sort=InboxSort(key, True))[0] == expected[::-1], key


def test_paging_is_stable(cases, engine):
    sort = InboxSort("priority", True)
    whole, _ = codes(engine, sort=sort)
    pages = [codes(engine, sort=sort, offset=o, limit=3)[0] for o in (0, 3, 6)]
    assert [c for p in pages for c in p] == whole
    assert [len(p) for p in pages] == [3, 3, 2]
    assert codes(engine, offset=8)[0] == []
    with pytest.raises(ValueError, match="unknown sort key"):
        ib.fetch_page(engine, COORD, InboxFilter(), InboxSort("colour"), 0, 10)
    with pytest.raises(ValueError, match="unknown status"):
        ib.count_cases(engine, COORD, InboxFilter(statuses=("lost",)))


def test_row_clocks(cases, engine):
    rows = {r.code: r for r in ib.query_inbox(engine, COORD, InboxFilter(), as_of=T).rows}
    k1 = rows["K1"].response
    assert (k1.state, k1.used, k1.remaining) == ("warning", 20 / 24, timedelta(hours=4))
    assert rows["K2"].response.state == "running"
    assert rows["K3"].response.state == "breached" and rows["K3"].response.remaining == (
        timedelta(0)
    )
    assert rows["K4"].response.state == "met" and rows["K4"].accept.state == "warning"
    assert rows["K4"].accept.used == pytest.approx(100 / 120)
    assert rows["K5"].accept.state == "running" and rows["K5"].accept.used == 0.75
    assert rows["K6"].accept.state == "met" and rows["K6"].closure.state == "breached"
    assert rows["K6"].closure.remaining == -(T - at(2025, 11, 11))
    k7 = rows["K7"].closure
    assert (k7.state, k7.due, k7.used) == ("warning", at(2025, 11, 21), 505 / 519)
    assert rows["K8"].closure.state == "missed" and rows["K8"].response.state == "met"
    assert rows["K1"].accept.state == "none"
    assert rows["K6"].worst_clock.kind == "closure"
    r = rows["K1"]
    assert (r.category_name, r.subcategory_name, r.grid_code, r.community_name) == (
        "生活服务",
        "老年助餐",
        "G01",
        "C01社区",
    )
    assert (rows["K4"].dept_code, rows["K4"].dept_name) == ("D08", "司法所（人民调解）")


def test_clock_boundaries():
    start, due = at(2025, 1, 1, 0), at(2025, 1, 2, 0)
    assert ib.clock("response", start, due, None, at(2025, 1, 1, 19, 12)).state == "warning"
    assert ib.clock("response", start, due, None, at(2025, 1, 1, 19, 11)).state == "running"
    assert ib.clock("response", start, due, None, due).state == "breached"
    assert ib.clock("response", start, due, due, due).state == "met"
    assert ib.clock("response", start, due, due + timedelta(seconds=1), due).state == "breached"
    late = ib.clock("response", start, due, due + timedelta(seconds=1), due + timedelta(hours=1))
    assert (late.state, late.remaining) == ("missed", None)
    assert ib.clock("accept", None, None, None, due).state == "none"
    assert ib.clock("response", due, due + timedelta(days=1), None, start).state == "none"


def test_department_queue_summary(cases, engine):
    d08 = ib.dept_queue_summary(engine, COORD, "D08", as_of=T)
    assert (d08.awaiting_accept, d08.in_progress, d08.start_breached, d08.start_at_risk) == (
        1,
        0,
        0,
        1,
    )
    d01 = ib.dept_queue_summary(engine, COORD, "D01", as_of=T)
    assert (d01.awaiting_accept, d01.in_progress, d01.closure_breached, d01.closure_at_risk) == (
        0,
        1,
        1,
        0,
    )
    later = ib.dept_queue_summary(engine, COORD, "D08", as_of=T + timedelta(minutes=20))
    assert (later.start_breached, later.start_at_risk) == (1, 0)


def test_closing_a_case_stops_all_its_clocks(engine):
    b = Builder(engine)
    b.household("H1")
    b.cases(
        [
            # assigned 5 h before T, never accepted, closed as not our remit 1 h before T
            {
                "code": "N1",
                "household": "H1",
                "received_at": T - timedelta(hours=6),
                "dept": "D01",
                "assigned_at": T - timedelta(hours=5),
                "closed_at": T - timedelta(hours=1),
                "status": "not_our_remit",
            },
            # closed 30 min after assignment without acceptance
            {
                "code": "N2",
                "household": "H1",
                "received_at": T - timedelta(hours=6),
                "dept": "D01",
                "assigned_at": T - timedelta(hours=5),
                "closed_at": T - timedelta(hours=4, minutes=30),
                "status": "no_action_needed",
            },
        ]
    )
    rows = {r.code: r for r in ib.query_inbox(engine, COORD, InboxFilter(), as_of=T).rows}
    assert rows["N1"].accept.state == "missed" and rows["N2"].accept.state == "met"
    assert rows["N1"].response.state == "met"  # stopped by the closure, within 24 h
    assert rows["N1"].accept.done_at == T - timedelta(hours=1)
    assert ib.count_cases(engine, COORD, InboxFilter(clock="overdue"), as_of=T) == 0
    assert ib.stopped(None, None) is None
    assert ib.stopped(T, T - timedelta(hours=1)) == T - timedelta(hours=1)


def test_case_reads_are_bound_to_the_department_and_the_grid(engine, cases):
    from center.cases import lifecycle as cs
    from center.core.errors import NotFound, PermissionDenied

    d08 = Actor("d8", "department", dept_id=cases.id("department", "D08"), dept_code="D08")
    g01 = Actor("g1", "grid_worker", grid_id=cases.id("grid", "G01"), grid_code="G01")
    both = Actor.of(
        "two",
        {"department", "grid_worker"},
        dept_id=cases.id("department", "D06"),
        dept_code="D06",
        grid_id=cases.id("grid", "G02"),
        grid_code="G02",
    )

    def codes(actor, f=None):
        page = ib.query_inbox(engine, actor, f or InboxFilter(), as_of=T)
        assert page.total == ib.count_cases(engine, actor, f or InboxFilter(), as_of=T)
        return sorted(r.code for r in page.rows)

    assert codes(d08) == ["K4"]
    assert codes(d08, InboxFilter(dept="D06")) == []  # another department's filter: nothing
    assert codes(g01) == ["K1", "K2", "K5", "K7"]
    assert codes(both) == ["K3", "K4", "K5", "K6", "K8"]
    for role in ("coordinator", "assessor", "admin"):
        assert len(codes(Actor("x", role))) == 8
    assert ib.dept_queue_summary(engine, d08, "D08", as_of=T).awaiting_accept == 1
    assert ib.dept_queue_summary(engine, d08, "D06", as_of=T).awaiting_accept == 0

    assert cs.case_detail(engine, d08, "K4").code == "K4"
    assert cs.case_detail(engine, g01, "K1").code == "K1"
    with pytest.raises(PermissionDenied):
        cs.case_detail(engine, d08, "K1")
    with pytest.raises(PermissionDenied):
        cs.case_detail(engine, g01, "K3")
    with pytest.raises(NotFound):
        cs.case_detail(engine, d08, "K404")

    for role in ("leader", "finance", "wall"):
        nobody = Actor("x", role)
        with pytest.raises(PermissionDenied):
            ib.query_inbox(engine, nobody, InboxFilter(), as_of=T)
        with pytest.raises(PermissionDenied):
            ib.count_cases(engine, nobody, InboxFilter(), as_of=T)
        with pytest.raises(PermissionDenied):
            ib.fetch_page(engine, nobody, InboxFilter(), InboxSort(), 0, 10, as_of=T)
        with pytest.raises(PermissionDenied):
            ib.dept_queue_summary(engine, nobody, "D08", as_of=T)
        with pytest.raises(PermissionDenied):
            cs.case_detail(engine, nobody, "K1")


def test_the_case_scope_is_a_where_clause(engine, cases):
    """The department's and the grid's scope are conditions of the SQL (not a filter
    applied to the rows afterwards)."""
    from sqlalchemy import event

    d08 = Actor("d8", "department", dept_id=cases.id("department", "D08"), dept_code="D08")
    seen: list[str] = []

    def grab(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", grab)
    try:
        ib.count_cases(engine, d08, InboxFilter(), as_of=T)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert any("count(" in s.lower() and "dept_id" in s for s in seen)


def test_the_instant_bound_on_both_sides_of_the_newest_case(cases, engine):
    """No case received after the instant: the bound is left out of the statement
    (every case passes it); one received after it: the bound excludes it. K9 is the
    newest case, received at 11:00; both ways give the same, inclusive answer."""
    k9 = at(2025, 11, 20, 11)
    before = k9 - timedelta(microseconds=1)
    checks = [
        (InboxFilter(), {"K9"}),
        (InboxFilter(statuses=("open",)), {"K9"}),
        (InboxFilter(statuses=("closed",)), set()),
        (InboxFilter(subcategory="L01"), {"K9"}),
        (InboxFilter(category="dispute"), set()),
        (InboxFilter(grid="G01"), {"K9"}),
        (InboxFilter(community="C02"), set()),
        (InboxFilter(source="online"), {"K9"}),
        (InboxFilter(escalated=False), {"K9"}),
        (InboxFilter(text="1号楼"), {"K9"}),
    ]
    at_t = {f: set(codes(engine, f)[0]) for f, _ in checks}
    assert at_t[InboxFilter()] == {f"K{i}" for i in range(1, 9)}  # not K9
    for f, newest in checks:
        for as_of, extra in ((before, set()), (k9, newest)):
            page = ib.query_inbox(engine, COORD, f, InboxSort(), 0, 100, as_of=as_of)
            got = {r.code for r in page.rows}
            assert (got, page.total) == (at_t[f] | extra, len(at_t[f] | extra)), (f, as_of)
            assert ib.count_cases(engine, COORD, f, as_of=as_of) == page.total, (f, as_of)
    first = ib.query_inbox(engine, COORD, InboxFilter(), InboxSort(), 0, 2, as_of=k9)
    assert [r.code for r in first.rows] == ["K9", "K2"]


def test_grid_order_follows_the_codes_and_the_households_grid(cases, engine):
    """The grid sort ranks grids by code, also when the ids are in another order (G00
    is created last), and follows a household that moves to another grid."""
    g00 = cases.grid("G00", community="C02")
    with engine.begin() as conn:
        conn.execute(update(Household).where(Household.code == "H2").values(grid_id=g00))
    expected = ["K3", "K4", "K6", "K8", "K1", "K2", "K5", "K7"]
    assert codes(engine, sort=InboxSort("grid", False))[0] == expected
    assert codes(engine, sort=InboxSort("grid", True))[0] == expected[::-1]
    assert codes(engine, InboxFilter(grid="G00"), InboxSort("grid", False)) == (expected[:4], 4)
    rows = ib.query_inbox(engine, COORD, InboxFilter(), InboxSort("grid", False), as_of=T).rows
    assert [r.grid_code for r in rows] == ["G00"] * 4 + ["G01"] * 4
