"""The joint-meeting services (spec/office.md "Joint meetings"): the proposal rules on a
hand-made street (each reason, the cluster boundary), lasting proposal ids, every
legal and illegal item move, the decision and the overdue boundary, access per role,
optimistic locking, audit rows and the board JSON."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from builders import Builder, account, at, record_slices
from sqlalchemy import func, insert, select

from center.core.access import Actor
from center.core.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from center.office import meetings as mt
from db import engine as db_engine
from db.models import AgendaItem, AgendaNote, AuditLog, Case, CaseEvent, JointMeeting
from db.types import epoch_us, from_us, local_naive, us_of

T = at(2026, 11, 19, 12)  # the board's instant
T0 = at(2026, 10, 20, 9)  # the first case of the clusters
H = timedelta(hours=1)


CLUSTER = timedelta(hours=720)
COORD = Actor("coord", "coordinator")
LEADER = Actor("boss", "leader")


@pytest.fixture
def street(engine):
    """Cases A … Y (see the test below for what each one is for)."""
    b = Builder(engine)
    for g in ("G01", "G02"):
        b.grid(g)
    b.household("H1", grid="G01")
    b.household("H2", grid="G02")

    def case(code, hh, received, **kw):
        return b.case(hh, received, code=code, **kw)

    # 1 escalated by a coordinator; imported as escalated (from its received time);
    #   escalated only after T; escalated but closed before T
    case("A", "H1", at(2026, 11, 17, 9), escalated=True, escalated_at=T - 2 * H, dept="D01")
    case("B", "H1", at(2026, 11, 18, 9), escalated=True, subcategory="L02")
    case("F", "H1", at(2026, 11, 18, 10), escalated=True, escalated_at=T + H, subcategory="P01")
    case(
        "G",
        "H1",
        at(2026, 11, 2, 9),
        subcategory="P02",
        escalated=True,
        escalated_at=at(2026, 11, 3, 9),
        closed_at=at(2026, 11, 10, 9),
        status="resolved",
    )
    # 2 overdue: received in October, still open
    case("C", "H1", at(2026, 10, 12, 9), subcategory="L05")
    # 3 bounced: two departments; the same one twice (not bounced); not-our-remit once
    case("D", "H1", at(2026, 11, 16, 9), subcategory="L06")
    case("D2", "H1", at(2026, 11, 16, 10), subcategory="L06")
    case("E", "H1", at(2026, 11, 15, 9), subcategory="L08")
    # 4 clusters in G02: L03 spans exactly 720 h (X1 closed, still counted), L04 spans
    #   720 h and one second (no cluster)
    case("X1", "H2", T0, subcategory="L03", grid="G02", closed_at=T0 + 24 * H, status="resolved")
    case("X2", "H2", T0 + 300 * H, subcategory="L03", grid="G02")
    case("X3", "H2", T0 + 720 * H, subcategory="L03", grid="G02")
    # W: escalated, and in a cluster whose other cases are closed: its own item only
    for k, code in enumerate(("W0", "W1")):
        case(code, "H2", T0 + k * H, subcategory="L07", grid="G02", closed_at=T0 + 30 * H)
    case(
        "W",
        "H2",
        T0 + 400 * H,
        subcategory="L07",
        grid="G02",
        escalated=True,
        escalated_at=T - H,
    )
    case("Y1", "H2", T0, subcategory="L04", grid="G02", closed_at=T0 + 24 * H, status="resolved")
    case("Y2", "H2", T0 + 300 * H, subcategory="L04", grid="G02")
    case("Y3", "H2", T0 + 720 * H + timedelta(seconds=1), subcategory="L04", grid="G02")
    with engine.begin() as conn:
        ids = {code: cid for code, cid in conn.execute(select(Case.code, Case.id))}
        dept = {c: b.id("department", c) for c in ("D01", "D02")}
        events = [
            ("D", at(2026, 11, 16, 10), "assign", dept["D01"]),
            ("D", at(2026, 11, 17, 10), "assign", dept["D02"]),
            ("D2", at(2026, 11, 16, 11), "assign", dept["D01"]),
            ("D2", at(2026, 11, 17, 11), "assign", dept["D01"]),
            ("E", at(2026, 11, 18, 9), "not_our_remit", None),
            # after T: not counted at T
            ("X2", T + H, "not_our_remit", None),
        ]
        conn.execute(
            insert(CaseEvent),
            [
                {"case_id": ids[c], "at": when, "actor": "coord", "kind": k, "dept_id": d}
                for c, when, k, d in events
            ],
        )
        deadlines = {code: d for code, d in conn.execute(select(Case.code, Case.deadline_at))}
    # the premise: of the cases open at T only C is past its deadline
    assert sorted(c for c, d in deadlines.items() if d <= T) == ["C", "W0", "W1", "X1", "Y1"]
    return b


def _shape(props):
    return [(p.reasons, p.cases, p.grid, p.subcategory) for p in props.proposals]


EXPECTED = [
    (("escalated", "cluster"), ("W",), "G02", "L07"),
    (("escalated",), ("A",), "G01", "L01"),
    (("escalated",), ("B",), "G01", "L02"),
    (("overdue",), ("C",), "G01", "L05"),
    (("bounced",), ("E",), "G01", "L08"),
    (("bounced",), ("D",), "G01", "L06"),
    (("cluster",), ("X2", "X3"), "G02", "L03"),
]


def test_each_reason_and_the_cluster_boundary(street, engine):
    props = mt.proposals_at(engine, COORD, T)
    assert props.meeting is None
    assert _shape(props) == EXPECTED
    # one second before X3 is received, X1 and X2 are only two
    before = mt.proposals_at(engine, COORD, T0 + 720 * H - timedelta(seconds=1), allocate=False)
    assert [p.cases for p in before.proposals if p.subcategory == "L03"] == []
    # proposals shown before keep their ids; a read-only look allocates none
    assert [p.id is None for p in before.proposals] == [
        p.kind == "cluster" for p in before.proposals
    ]
    exact = mt.proposals_at(engine, COORD, T0 + 720 * H, allocate=False)
    assert [p.cases for p in exact.proposals if p.subcategory == "L03"] == [("X2", "X3")]
    # W was not escalated yet: a cluster item of its own grid and subcategory
    assert [(p.reasons, p.cases) for p in exact.proposals if p.subcategory == "L07"] == [
        (("cluster",), ("W",))
    ]


def test_the_board_reads_its_rows_in_slices(street, engine, monkeypatch):
    """The board's large reads come from the driver a slice at a time (each call holds
    the interpreter lock, so the wall's GUI waits one slice at most): slices of one
    row or of two give the board of one read."""
    whole = mt.proposals_at(engine, COORD, T, allocate=False)
    assert _shape(whole) == EXPECTED
    asked: list[int] = []
    record_slices(monkeypatch, mt, asked)
    for size in (1, 2):
        asked.clear()
        monkeypatch.setattr(db_engine, "FETCH_SLICE", size)
        assert _shape(mt.proposals_at(engine, COORD, T, allocate=False)) == EXPECTED
        # every call asks for one slice, and the rows took several calls
        assert set(asked) == {size} and len(asked) > 3


def test_the_wall_board_counts_what_the_board_lists(street, engine):
    """The wall's board counts the proposals instead of listing them: the same counts,
    overdue items and meeting as the full read-only board at several instants (after
    an item is on the agenda and decided too), an empty ``proposed`` column, nothing
    written."""
    item = _accepted(engine)
    mt.decide(engine, COORD, item, lead="D03", measures="m", due=date(2026, 11, 27), at=T)
    with engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(AgendaItem))
    for when in (T0 + 720 * H - timedelta(seconds=1), T0 + 720 * H, T, at(2026, 11, 28)):
        full = mt.board_view(engine, when)
        counted = mt.board_counts_view(engine, when)
        assert counted.counts == full.counts
        assert counted.counts["proposed"] == len(full.columns["proposed"]) > 0
        assert counted.columns["proposed"] == ()
        assert {k: v for k, v in counted.columns.items() if k != "proposed"} == {
            k: v for k, v in full.columns.items() if k != "proposed"
        }
        assert counted.overdue == full.overdue and counted.next_meeting == full.next_meeting
    assert mt.board_counts_view(engine, at(2026, 11, 28)).overdue == (item,)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AgendaItem)) == rows


def test_ids_last_and_the_json(street, engine):
    first = mt.proposals_at(engine, COORD, T)
    again = mt.proposals_at(engine, COORD, T)
    assert [p.id for p in first.proposals] == [p.id for p in again.proposals]
    assert len({p.id for p in first.proposals}) == len(EXPECTED)
    data = json.loads(json.dumps(first.as_json()))
    assert set(data) == {"as_of", "meeting", "proposals"}
    assert data["as_of"] == "2026-11-19T12:00:00+08:00" and data["meeting"] is None
    assert set(data["proposals"][0]) == {"id", "reasons", "cases", "grid", "subcategory", "title"}
    assert data["proposals"][-1]["cases"] == ["X2", "X3"]
    # a read-only look computes the same proposals, with the ids already given
    view = mt.board_view(engine, T)
    assert [i.id for i in view.columns["proposed"]] == [p.id for p in first.proposals]


def _meeting(engine, day=date(2026, 11, 25), **kw):
    return mt.create_meeting(
        engine, COORD, held_on=day, title="十一月联席会议", chair="王主任", at=T, **kw
    )


def _by_cases(props):
    return {p.cases: p for p in props.proposals}


def test_accept_drop_and_add_by_hand(street, engine):
    none = mt.proposals_at(engine, COORD, T)
    a_id = _by_cases(none)[("A",)].id
    with pytest.raises(InvalidInput, match="no planned meeting"):
        mt.accept(engine, COORD, a_id, at=T)
    m = _meeting(engine, time_of_day="14:30", attending=["D01", "D02"])
    assert (m.code, m.time, m.status, m.attending) == (
        "JM20261125",
        "14:30",
        "planned",
        ("D01", "D02"),
    )
    props = mt.proposals_at(engine, COORD, T)
    assert props.meeting is not None and props.meeting.code == "JM20261125"
    p = _by_cases(props)
    # for a meeting the proposals are new items
    assert p[("A",)].id != a_id
    ch = mt.accept(engine, COORD, p[("A",)].id, at=T)
    assert (ch.status, ch.version) == ("on_agenda", 2)
    mt.drop(engine, COORD, p[("B",)].id, reason="已由社区调解", at=T)
    cluster = mt.accept(engine, COORD, p[("X2", "X3")].id, at=T)
    after = _by_cases(mt.proposals_at(engine, COORD, T))
    assert ("A",) not in after and ("B",) not in after and ("X2", "X3") not in after
    assert after[("C",)].id == p[("C",)].id  # the same proposal keeps its id
    # a later meeting: B is proposed again (a drop holds for its meeting only)
    held = mt.hold_meeting(engine, COORD, "JM20261125", at=at(2026, 11, 25, 16))
    assert held.status == "held"
    mt.create_meeting(
        engine, COORD, held_on=date(2026, 12, 10), title="十二月", chair="王主任", at=T
    )
    later = _by_cases(mt.proposals_at(engine, COORD, at(2026, 11, 26, 9)))
    assert ("B",) in later and ("A",) not in later
    # by hand: a case already on an agenda is refused, a topic starts on the agenda
    with pytest.raises(InvalidInput, match="A is already on an agenda"):
        mt.add_item(engine, COORD, "JM20261210", case_no="A", at=T)
    topic = mt.add_item(engine, COORD, "JM20261210", topic="老旧小区加装电梯统筹", at=T)
    assert topic.status == "on_agenda"
    by_hand = mt.add_item(engine, COORD, "JM20261210", case_no="Y2", at=T)
    board = mt.board(engine, COORD, at(2026, 11, 26, 9))
    on_agenda = {i.id: i for i in board.columns["on_agenda"]}
    assert on_agenda[topic.id].reasons == () and on_agenda[topic.id].cases == ()
    assert on_agenda[by_hand.id].cases == ("Y2",) and on_agenda[by_hand.id].reasons == ()
    assert on_agenda[cluster.id].cases == ("X2", "X3")
    assert on_agenda[cluster.id].reasons == ("cluster",)
    with pytest.raises(NotFound):
        mt.add_item(engine, COORD, "JM20990101", topic="x", at=T)
    with pytest.raises(InvalidInput, match="either a case number or a topic"):
        mt.add_item(engine, COORD, "JM20261210", at=T)


def _accepted(engine, cases=("A",)):
    _meeting(engine)
    p = _by_cases(mt.proposals_at(engine, COORD, T))[cases]
    return mt.accept(engine, COORD, p.id, at=T).id


def test_every_legal_and_illegal_move(street, engine):
    d01 = account(engine, "d01", "department", dept="D01")
    d02 = account(engine, "d02", "department", dept="D02")
    item = _accepted(engine)
    decided_at = at(2026, 11, 25, 15)
    for bad in ("ack", "progress", "done"):
        with pytest.raises(mt.MoveRefused, match="is on_agenda: it cannot be"):
            getattr(mt, bad)(engine, d01, item, note="x", at=decided_at)
    with pytest.raises(InvalidInput, match="^measures: is required"):
        mt.decide(engine, COORD, item, lead="D01", measures=" ", due=date(2026, 12, 10))
    with pytest.raises(InvalidInput, match="no department with code 'D99'"):
        mt.decide(
            engine, COORD, item, lead="D01", co_depts=["D99"], measures="m", due=date(2026, 12, 10)
        )
    ch = mt.decide(
        engine,
        COORD,
        item,
        lead="D01",
        co_depts=["D02", "D01"],
        measures="城管牵头，住建配合，两周内拆除",
        due=date(2026, 12, 10),
        at=decided_at,
    )
    assert (ch.status, ch.version) == ("decided", 3)
    with pytest.raises(mt.MoveRefused):
        mt.decide(engine, COORD, item, lead="D01", measures="again", due=date(2026, 12, 10))
    with pytest.raises(PermissionDenied, match="not assigned to your department"):
        mt.ack(engine, d02, item, at=decided_at + H)
    with pytest.raises(PermissionDenied, match="has an account of its own"):
        mt.ack(engine, COORD, item, at=decided_at + H)
    mt.ack(engine, d01, item, at=decided_at + H)
    mt.progress(engine, d01, item, note="已约谈业主", at=decided_at + 2 * H)
    with pytest.raises(InvalidInput, match="^note: is required"):
        mt.done(engine, d01, item, note="")
    with pytest.raises(mt.MoveRefused, match="cannot be dropped"):
        mt.drop(engine, COORD, item, reason="x")
    done = mt.done(engine, d01, item, note="已拆除，居民确认", at=decided_at + 30 * H)
    assert done.status == "done"
    for who, bad, kw in (
        (d01, "progress", {"note": "x"}),
        (d01, "done", {"note": "x"}),
        (COORD, "accept", {}),
    ):
        with pytest.raises(mt.MoveRefused, match="is done"):
            getattr(mt, bad)(engine, who, item, **kw)
    detail = mt.item_detail(engine, COORD, item)
    assert [n.kind for n in detail.notes] == ["accept", "decide", "ack", "progress", "done"]
    assert detail.item.co_depts == ("D02",) and detail.item.lead == "D01"
    assert [c.code for c in detail.cases] == ["A"]
    assert detail.closing_note == "已拆除，居民确认" and detail.allowed == ()
    with engine.connect() as conn:
        audit = conn.execute(
            select(AuditLog.action, AuditLog.actor)
            .where(AuditLog.entity == "agenda_item", AuditLog.entity_code == str(item))
            .order_by(AuditLog.id)
        ).all()
    assert audit == [
        ("meeting_item.accept", "coord"),
        ("meeting_item.decide", "coord"),
        ("meeting_item.ack", "d01"),
        ("meeting_item.progress", "d01"),
        ("meeting_item.done", "d01"),
    ]
    # the linked case keeps its own lifecycle
    with engine.connect() as conn:
        assert conn.scalar(select(Case.closed_at).where(Case.code == "A")) is None


def test_move_for_names_the_move_or_refuses():
    assert mt.move_for("proposed", "on_agenda") == "accept"
    assert mt.move_for("on_agenda", "decided") == "decide"
    assert mt.move_for("decided", "in_execution") == "ack"
    assert mt.move_for("in_execution", "done") == "done"
    assert mt.move_for("on_agenda", "dropped") == "drop"
    with pytest.raises(InvalidInput, match="cannot move to .* it can move to on_agenda, dropped"):
        mt.move_for("proposed", "decided")
    with pytest.raises(InvalidInput, match="cannot move to"):
        mt.move_for("done", "in_execution")
    with pytest.raises(InvalidInput):
        mt.move_for("on_agenda", "proposed")


def test_overdue_at_the_due_date_boundary_and_the_board_json(street, engine):
    item = _accepted(engine)
    mt.decide(
        engine,
        COORD,
        item,
        lead="D03",
        measures="m",
        due=date(2026, 11, 27),
        at=at(2026, 11, 25, 15),
    )
    last_day = mt.board(engine, LEADER, at(2026, 11, 27, 23, 59, 59))
    assert last_day.overdue == () and last_day.columns["decided"][0].overdue is False
    next_day = mt.board(engine, LEADER, at(2026, 11, 28, 0, 0))
    assert next_day.overdue == (item,)
    data = json.loads(json.dumps(next_day.as_json()))
    assert set(data) == {"as_of", "next_meeting", "columns", "overdue"}
    assert list(data["columns"]) == ["proposed", "on_agenda", "decided", "in_execution", "done"]
    assert data["columns"]["decided"] == [
        {
            "id": item,
            "title": data["columns"]["decided"][0]["title"],
            "reasons": ["escalated"],
            "cases": ["A"],
            "lead": "D03",
            "due": "2026-11-27",
            "status": "decided",
        }
    ]
    assert data["overdue"] == [item] and data["next_meeting"] is None
    # D03 has no account: a coordinator acknowledges for it, and it is recorded
    mt.ack(engine, COORD, item, at=at(2026, 11, 26, 9))
    mt.done(engine, COORD, item, note="办结", at=at(2026, 11, 30, 9))
    assert mt.board(engine, LEADER, at(2026, 12, 1)).overdue == ()
    with engine.connect() as conn:
        detail = conn.scalar(select(AuditLog.detail).where(AuditLog.action == "meeting_item.ack"))
    assert json.loads(detail)["acting_for"] == "D03"


def test_access_per_role(street, engine):
    _meeting(engine)
    props = mt.proposals_at(engine, LEADER, T)  # leaders read
    pid = props.proposals[0].id
    for role in ("leader", "department", "grid_worker", "assessor", "finance", "admin", "wall"):
        who = Actor("x", role, dept_id=1 if role == "department" else None)
        with pytest.raises(PermissionDenied):
            mt.accept(engine, who, pid, at=T)
        with pytest.raises(PermissionDenied):
            mt.create_meeting(engine, who, held_on=date(2026, 12, 1), title="t", chair="c")
        mt.board(engine, who, T, allocate=False)  # everyone reads the board
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AgendaNote)) == 0
        assert conn.scalar(select(func.count()).select_from(JointMeeting)) == 1
    # a read-only session computes but writes no ids
    ro = Actor("viewer", "leader", read_only=True)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(AgendaItem))
    mt.proposals_at(engine, ro, T + H)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AgendaItem)) == n


def test_stale_version_is_refused_with_nothing_written(street, engine):
    item = _accepted(engine)
    v = mt.item_version(engine, item)
    mt.decide(engine, COORD, item, v, lead="D01", measures="m", due=date(2026, 12, 10))
    with pytest.raises(ConflictError, match="reload it"):
        mt.drop(engine, COORD, item, v, reason="x")
    with engine.connect() as conn:
        assert conn.scalar(select(AgendaItem.status).where(AgendaItem.id == item)) == "decided"


def test_meeting_validation(engine):
    Builder(engine).grid("G01")
    with pytest.raises(InvalidInput, match="^time: '25:00' is not a time"):
        mt.create_meeting(
            engine, COORD, held_on=date(2026, 12, 1), title="t", chair="c", time_of_day="25:00"
        )
    with pytest.raises(InvalidInput, match="^chair: is required"):
        mt.create_meeting(engine, COORD, held_on=date(2026, 12, 1), title="t", chair=" ")
    a = mt.create_meeting(engine, COORD, held_on=date(2026, 12, 1), title="t", chair="c")
    b = mt.create_meeting(engine, COORD, held_on=date(2026, 12, 1), title="t2", chair="c")
    assert (a.code, b.code) == ("JM20261201", "JM20261201-2")
    with pytest.raises(InvalidInput, match="cannot be held on"):
        mt.hold_meeting(engine, COORD, a.code, at=at(2026, 11, 30, 9))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(JointMeeting)) == 2


def test_a_proposal_shown_as_of_the_past_is_accepted_now(street, engine):
    """At X3's arrival X2 and X3 are a cluster; today X2 is proposed on its own, yet
    the cluster shown then is accepted with both."""
    _meeting(engine, day=date(2099, 1, 5))
    then = mt.proposals_at(engine, COORD, T0 + 720 * H)
    cluster = next(p for p in then.proposals if p.subcategory == "L03")
    assert cluster.cases == ("X2", "X3")
    today = {p.cases: p.reasons for p in mt.proposals_at(engine, COORD).proposals}
    # X2 has its own item now (overdue, and bounced since T); X3 is the cluster alone
    assert today[("X2",)] == ("overdue", "bounced", "cluster") and today[("X3",)] == ("cluster",)
    assert cluster.id is not None
    mt.accept(engine, COORD, cluster.id)
    detail = mt.item_detail(engine, COORD, cluster.id)
    assert [c.code for c in detail.cases] == ["X2", "X3"] and detail.item.status == "on_agenda"
    after = {p.cases for p in mt.proposals_at(engine, COORD).proposals}
    assert ("X2",) not in after and ("X3",) not in after


def test_old_clusters_are_read_in_one_statement(engine):
    """The cases near the open ones are looked up per run of one grid × subcategory,
    all runs in one statement (a district has tens of thousands of runs)."""
    b = Builder(engine)
    subs = ("L01", "L03", "L07")
    for g in ("G01", "G02"):
        b.grid(g)
        b.household(f"H{g}", grid=g)
    old = T - timedelta(days=200)
    rows = []
    for g in ("G01", "G02"):
        for k, sub in enumerate(subs):
            # three open cases within 720 h, long before the dense window: a cluster
            for i in range(3):
                received = old + timedelta(days=10 * k, hours=100 * i)
                rows.append(
                    {"household": f"H{g}", "grid": g, "subcategory": sub, "received_at": received}
                )
    b.cases(rows)
    many = mt.proposals_at(engine, COORD, T, allocate=False)
    # all 18 cases are overdue (200 days), so each is its own item; none is lost
    assert len({c for p in many.proposals for c in p.cases}) == 18
    assert all(p.reasons == ("overdue", "cluster") for p in many.proposals)  # 200 days back


def test_thousands_of_runs_are_looked_up_in_one_statement_of_one_text(engine):
    """20,000 runs of grid × subcategory (a district's open cases) would be 80,000
    placeholders, more than SQLite takes (32,766): they go in one statement as one
    JSON array on SQLite, four arrays on PostgreSQL, and the statement's text is the
    same for one run as for 20,000 (a text per number of runs would each stay in the
    connection's cache of prepared statements, about 1 MB for 1,700 runs)."""
    from sqlalchemy import event

    Builder(engine).grid("G01")
    first = us_of(T - timedelta(days=300))
    runs = [
        (10_000 + g, s, first, first + 10 * 86_400_000_000) for g in range(1000) for s in range(20)
    ]
    until = T - timedelta(days=60)
    seen: list[tuple[str, int]] = []
    with engine.connect() as conn:

        def count(conn, cursor, statement, parameters, context, executemany):
            if "received_at" in statement:  # not the connection's own set-up
                seen.append((statement, len(parameters)))
                if engine.dialect.name == "postgresql":
                    assert [p.count(",") + 1 for p in parameters] == [len(runs)] * 4
                else:
                    assert len(json.loads(parameters[0])) == len(runs)

        event.listen(conn, "before_cursor_execute", count)
        assert mt._group_times(conn, runs, until) == {}
        event.remove(conn, "before_cursor_execute", count)
        event.listen(conn, "before_cursor_execute", lambda *a: seen.append((a[2], len(a[3]))))
        assert mt._group_times(conn, runs[:1], until) == {}
    params = 1 if engine.dialect.name == "sqlite" else 4
    assert [n for _, n in seen] == [params, params]
    assert seen[0][0] == seen[1][0]


US = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("gap", "clustered", "offset"),
    [
        (720 * H, True, timedelta(0)),
        (720 * H + timedelta(seconds=1), False, timedelta(0)),
        # to the microsecond: times of a workstation's intake carry them
        (720 * H, True, 600 * US),
        (720 * H + US, False, 600 * US),
        (720 * H + 300 * US, False, 600 * US),
        (720 * H - US, True, 999_999 * US),
    ],
)
def test_the_cluster_limit_is_inclusive_long_ago(engine, gap, clustered, offset):
    """The 720 h limit is inclusive for cases of long ago as for recent ones: an open
    case whose two closed neighbours end exactly 720 h after it is in a cluster, one
    second more and it is not (the last neighbour lies at the very end of the span
    read for the case; the lookup of old cases once left it out). To the microsecond:
    one microsecond over is out, also where rounding to milliseconds would bring the
    two times within 720 h of each other."""
    b = Builder(engine)
    b.grid("G01")
    b.household("H1", grid="G01")
    old = T - timedelta(days=200) + offset
    closed = {"closed_at": old + gap + H, "status": "resolved"}
    b.cases(
        [
            {"household": "H1", "grid": "G01", "subcategory": "L01", "received_at": old},
            *(
                {"household": "H1", "grid": "G01", "subcategory": "L01", "received_at": r, **closed}
                for r in (old + 100 * H, old + gap)
            ),
        ]
    )
    props = mt.proposals_at(engine, COORD, T, allocate=False)
    expected = ("overdue", "cluster") if clustered else ("overdue",)
    assert _shape(props) == [(expected, (props.proposals[0].cases[0],), "G01", "L01")]
    assert len(props.proposals) == 1


def test_a_cluster_is_measured_to_the_microsecond(engine):
    """An open case R, a closed one 100 h after it and a closed one B 720 h and
    0.3 ms after it: the three span more than 720 h, so R is in no cluster, though
    rounded to milliseconds (R at .0006 s) they would span exactly 720 h. A later open
    case R2 is read with them (one run) and is in a cluster with the two closed ones."""
    b = Builder(engine)
    b.grid("G01")
    b.household("H1", grid="G01")
    r = T - timedelta(days=200) + 600 * US
    late = r + 720 * H + 300 * US
    r2 = r + 800 * H
    closed = {"closed_at": r2, "status": "resolved"}
    row = {"household": "H1", "grid": "G01", "subcategory": "L01"}
    b.cases(
        [
            {**row, "received_at": r},
            {**row, "received_at": r + 100 * H, **closed},
            {**row, "received_at": late, **closed},
            {**row, "received_at": r2},
        ]
    )
    props = mt.proposals_at(engine, COORD, T, allocate=False)
    assert [p.reasons for p in props.proposals] == [("overdue",), ("overdue", "cluster")]
    with engine.connect() as conn:
        codes = conn.scalars(select(Case.code).order_by(Case.received_at)).all()
    assert [p.cases for p in props.proposals] == [(codes[0],), (codes[3],)]


def test_far_apart_open_cases_are_read_as_separate_runs():
    """Two open cases of one grid × subcategory more than 1,440 h apart are two
    runs (the months between their windows are not read); closer ones are one run
    (the times in epoch microseconds)."""
    H = 3_600_000_000
    t = us_of(T - timedelta(days=300))
    far = t + 1440 * H + 1
    assert mt._runs([(1, 2, far), (1, 2, t), (1, 3, t)]) == [
        (1, 2, t, t),
        (1, 2, far, far),
        (1, 3, t, t),
    ]
    near = t + 1440 * H
    assert mt._runs([(1, 2, t), (1, 2, near), (1, 2, near + H)]) == [(1, 2, t, near + H)]


def test_the_database_gives_each_received_time_to_the_microsecond(engine):
    """The cluster rule takes the received times as whole microseconds from the
    database: they are exactly Python's, and the lookup's bounds made from them are
    the instants themselves."""
    b = Builder(engine)
    b.grid("G01")
    b.household("H1", grid="G01")
    times = [T0, T0 + US, T0 + 999_999 * US, at(2024, 2, 29, 23) + 123_456 * US]
    b.cases([{"household": "H1", "grid": "G01", "received_at": t} for t in times])
    with engine.connect() as conn:
        got = conn.scalars(
            select(epoch_us(engine.dialect.name, Case.received_at)).order_by(Case.received_at)
        ).all()
    assert got == sorted(us_of(t) for t in times)
    assert [from_us(u) for u in got] == sorted(local_naive(t) for t in times)


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_times_are_bound_as_the_column_stores_them(dialect_name):
    """The lookup binds its bounds (naive local times) by hand (a driver-level
    statement): each must be what the column type would have bound, whatever the
    instant's offset or its microseconds, or a case at a bound would be read on one
    side of it and not the other."""
    from datetime import UTC, datetime

    from sqlalchemy.dialects import postgresql, sqlite

    from db.types import LocalDateTime

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.dialect()
    stored = LocalDateTime().dialect_impl(dialect).bind_processor(dialect)
    bind = mt._time_binder(dialect, T)
    for v in (
        T,
        T + timedelta(microseconds=7),
        datetime(2026, 11, 19, 1, 2, 3, tzinfo=UTC),
        at(2025, 1, 1, 0) - CLUSTER,
    ):
        assert bind(local_naive(v)) == stored(v)
    expected = "2026-11-19 12:00:00.000007" if dialect_name == "sqlite" else None
    if expected is not None:
        assert bind(local_naive(T + timedelta(microseconds=7))) == expected


def test_each_proposal_finds_its_items_for_the_meeting(engine):
    """How a proposal meets the items of its key for the next meeting (here 5): one
    still proposed gives it its id (the first one, also a renewed ``#2``); one
    dropped by T keeps it off the board; one dropped after T, or accepted and done,
    makes it a new proposal numbered after them; keys of other meetings (``@50``) do
    not count."""
    rows = [
        ("case:1@5", "done", None),
        ("case:2@5", "dropped", T - H),
        ("case:3@5", "dropped", T + H),
        ("case:4@5", "proposed", None),
        ("case:4@50", "proposed", None),
        ("case:5@5", "done", None),
        ("case:5@5#2", "proposed", None),
        ("case:7@50", "dropped", T - H),
        ("case:8@5", "dropped", T),
    ]
    with engine.begin() as conn:
        for key, status, closed in rows:
            conn.execute(
                insert(AgendaItem).values(
                    title=key,
                    status=status,
                    proposal_key=key,
                    created_at=T - 10 * H,
                    closed_at=closed,
                    version=1,
                )
            )
        ids = dict(conn.execute(select(AgendaItem.proposal_key, AgendaItem.id)).all())
    cands = [
        mt._Candidate("case", f"case:{n}", ["overdue"], [n], [f"K{n}"], None, 1, n, None)
        for n in range(1, 9)
    ]
    with engine.connect() as conn:
        got = [(c.key_base, key, item_id) for c, key, item_id in mt._resolve(conn, cands, 5, T)]
    assert got == [
        ("case:1", "case:1@5#2", None),
        ("case:3", "case:3@5#2", None),
        ("case:4", "case:4@5", ids["case:4@5"]),
        ("case:5", "case:5@5#2", ids["case:5@5#2"]),
        ("case:6", "case:6@5", None),
        ("case:7", "case:7@5", None),
    ]
