"""Visit planning on a fixture with known due dates; recording visits; the 14-day
"others visited" check; household look-up, profile and revealing personal data."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest
from builders import Builder, at
from sqlalchemy import func, insert, select, update

from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest
from center.core.access import Actor
from center.core.clock import now
from center.core.errors import InvalidInput, NotFound, PermissionDenied
from center.visits import cadence as vs_cadence
from center.visits import households as vs_households
from center.visits import planning as vs_planning
from center.visits import records as vs_records
from db.models import AppUser, AuditLog, HouseholdMonth, Resident, Staff, Visit

T = at(2025, 11, 20, 10, 0)  # evaluation instant: November, Q4
COORD = Actor("alice", "coordinator")


@pytest.fixture
def street(engine):
    b = Builder(engine)
    b.grid("G01")
    b.grid("G02")
    b.staff("S1", "G01")  # the grid worker we plan for
    b.staff("S2", "G01", role="building_leader")
    b.staff("S3", "G02")
    b.household("A", address="幸福小区1号楼1单元101", special_groups="solo_elderly")
    b.household("B", address="幸福小区1号楼2单元201")
    b.household("C", address="幸福小区2号楼1单元101", special_groups="disabled;low_income")
    b.household("D", address="幸福小区10号楼1单元301")
    b.household("E", address="幸福小区2号楼1单元302", moved_out_on=date(2025, 11, 1))
    b.household("G", address="幸福小区1号楼1单元102")
    b.household("F", "G02", address="和平里5号楼")
    v = [
        # A special: October met twice, November once so far (+ one after T)
        {"household": "A", "visited_at": at(2025, 10, 3, 9), "staff": "S1"},
        {"household": "A", "visited_at": at(2025, 10, 17, 9), "staff": "S1"},
        {"household": "A", "visited_at": at(2025, 11, 5, 9), "staff": "S1"},
        {"household": "A", "visited_at": at(2025, 11, 25, 9), "staff": "S1"},
        # C special: October once only -> overdue; a building leader found nobody home
        {"household": "C", "visited_at": at(2025, 10, 9, 9), "staff": "S1"},
        {
            "household": "C",
            "visited_at": at(2025, 11, 12, 15),
            "staff": "S2",
            "outcome": "not_home",
        },
        # B ordinary: met in Q3, nothing in Q4 yet -> due
        {"household": "B", "visited_at": at(2025, 8, 10, 9), "staff": "S1"},
        # D ordinary: never met; another grid's worker knocked 14 days + 1 h before T
        {"household": "D", "visited_at": at(2025, 11, 6, 9), "staff": "S3", "outcome": "refused"},
        # G ordinary: met in Q4 -> ok
        {"household": "G", "visited_at": at(2025, 10, 8, 9), "staff": "S2"},
    ]
    b.visits(v)
    return b


def test_cadence_status(street, engine):
    ids = {code: street.id("household", code) for code in "ABCDG"}
    with engine.connect() as conn:
        cad = vs_cadence.cadence_status(
            conn,
            [
                (ids["A"], True),
                (ids["B"], False),
                (ids["C"], True),
                (ids["D"], False),
                (ids["G"], False),
            ],
            T,
        )
    a = cad[ids["A"]]
    assert (a.period, a.needed, a.done, a.remaining, a.state) == ("2025-11", 2, 1, 1, "due")
    assert a.due_by == at(2025, 12, 1) and a.missed_previous is False
    assert a.last_met_at == at(2025, 11, 5, 9)  # the visit after T does not count
    c = cad[ids["C"]]
    assert (c.done, c.remaining, c.state, c.missed_previous) == (0, 2, "overdue", True)
    assert c.last_met_at == at(2025, 10, 9, 9)
    b = cad[ids["B"]]
    assert (b.period, b.needed, b.done, b.state) == ("2025Q4", 1, 0, "due")
    assert b.due_by == at(2026, 1, 1) and b.missed_previous is False
    d = cad[ids["D"]]
    assert (d.state, d.last_met_at) == ("overdue", None)
    g = cad[ids["G"]]
    assert (g.done, g.state, g.next_due) == (1, "ok", at(2026, 4, 1))
    assert a.next_due == at(2025, 12, 1)


def test_plan_is_in_route_order(street, engine):
    """Buildings in address order (2号楼 before 10号楼), door by door: not by state, so
    the list does not reshuffle as the day's visits are recorded."""
    plan = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=T)
    assert plan.staff == vs_planning.StaffInfo("S1", "工作人员S1", "grid_worker", "G01", "G01网格")
    got = [(r.order, r.household_code, r.building, r.cadence.state) for r in plan.rows]
    assert got == [
        (1, "A", "幸福小区1号楼", "due"),
        (2, "B", "幸福小区1号楼", "due"),
        (3, "C", "幸福小区2号楼", "overdue"),
        (4, "D", "幸福小区10号楼", "overdue"),
    ]
    assert plan.counts == {"overdue": 2, "due": 2, "ok": 0}
    by_code = {r.household_code: r for r in plan.rows}
    assert by_code["C"].special_groups == ("disabled", "low_income")
    assert by_code["C"].others == (
        vs_planning.OtherVisit(
            "S2", "工作人员S2", "building_leader", at(2025, 11, 12, 15), "not_home"
        ),
    )
    assert by_code["D"].others == ()  # 14 days + 1 h ago: outside the window
    assert by_code["A"].others == ()  # S1's own visits are not "others"

    full = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=T, include_ok=True)
    assert [r.household_code for r in full.rows] == ["A", "G", "B", "C", "D"]
    assert "E" not in [r.household_code for r in full.rows]  # moved out before Q4 ends

    # the window is (as_of - 14 d, as_of]: the D visit of 2025-11-06 09:00 is inside at
    # 2025-11-20 08:59 and outside at 09:00, when it is exactly 14 days old
    inside = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=at(2025, 11, 20, 8, 59))
    assert [o.staff_code for o in {r.household_code: r for r in inside.rows}["D"].others] == ["S3"]
    edge = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=at(2025, 11, 20, 9, 0))
    assert {r.household_code: r for r in edge.rows}["D"].others == ()


def test_a_days_visits_keep_the_route_order(street, engine):
    """Recording visits keeps every household in its place: one met today that owes
    nothing more stays in the list, marked done today; a special household still owing
    a visit keeps its state (behind from last period) and its place."""
    before = [r.household_code for r in vs_planning.plan_for_staff(engine, COORD, "S1", T).rows]
    assert before == ["A", "B", "C", "D"]
    for code in ("A", "C"):  # A: 2/2 now; C: 1/2 (October was missed)
        vs_records.record_visit(
            engine,
            COORD,
            household_code=code,
            staff_code="S1",
            visited_at=T - timedelta(hours=1),
            outcome="met",
        )
    plan = vs_planning.plan_for_staff(engine, COORD, "S1", T)
    got = [(r.household_code, r.cadence.state, r.done_today) for r in plan.rows]
    assert got == [
        ("A", "ok", True),
        ("B", "due", False),
        ("C", "overdue", False),
        ("D", "overdue", False),
    ]
    assert [r.order for r in plan.rows] == [1, 2, 3, 4]
    # the next day A is done and off the list (it owes nothing this period)
    nxt = vs_planning.plan_for_staff(engine, COORD, "S1", T + timedelta(days=1))
    assert [r.household_code for r in nxt.rows] == ["B", "C", "D"]


def test_a_grid_worker_plans_only_their_own_round(street, engine):
    """The worker list: a coordinator plans every worker's round, a grid worker only
    their own (their account's staff member; else their grid's), other roles none."""
    from builders import account

    assert [s.code for s in vs_planning.plannable_staff(engine, COORD)] == ["S1", "S2", "S3"]
    gw = account(engine, "gw", "grid_worker", grid="G01")
    assert [s.code for s in vs_planning.plannable_staff(engine, gw)] == ["S1", "S2"]
    with engine.begin() as conn:
        conn.execute(
            update(AppUser)
            .where(AppUser.username == "gw")
            .values(staff_id=select(Staff.id).where(Staff.code == "S1").scalar_subquery())
        )
    assert [s.code for s in vs_planning.plannable_staff(engine, gw)] == ["S1"]
    g2 = account(engine, "gw2", "grid_worker", grid="G02")
    assert [s.code for s in vs_planning.plannable_staff(engine, g2)] == ["S3"]
    for role in ("leader", "finance", "assessor", "department"):
        with pytest.raises(PermissionDenied):
            vs_planning.plannable_staff(engine, Actor("x", role))


def test_plan_errors(street, engine):
    with pytest.raises(NotFound, match="staff"):
        vs_planning.plan_for_staff(engine, COORD, "S9", as_of=T)
    street.staff("S4", None, role="volunteer")
    with pytest.raises(InvalidInput, match="no grid"):
        vs_planning.plan_for_staff(engine, COORD, "S4", as_of=T)
    assert [s.code for s in vs_planning.grid_workers(engine)] == ["S1", "S2", "S3"]


def test_planning_needs_plan_visits_in_the_own_grid(street, engine):
    g1, g2 = street.id("grid", "G01"), street.id("grid", "G02")
    mine = Actor("gw", "grid_worker", grid_id=g1, grid_code="G01")
    assert vs_planning.plan_for_staff(engine, mine, "S1", as_of=T).staff.code == "S1"
    with pytest.raises(PermissionDenied, match="not in your grid"):
        vs_planning.plan_for_staff(engine, mine, "S3", as_of=T)
    other = Actor("gw2", "grid_worker", grid_id=g2, grid_code="G02")
    assert vs_planning.plan_for_staff(engine, other, "S3", as_of=T).staff.code == "S3"
    for role in ("leader", "finance", "wall", "assessor", "admin", "department"):
        with pytest.raises(PermissionDenied):
            vs_planning.plan_for_staff(engine, Actor("x", role), "S1", as_of=T)
    # a read-only session (snapshots) may still look at a plan
    viewer = Actor("v", "coordinator", read_only=True)
    assert vs_planning.plan_for_staff(engine, viewer, "S1", as_of=T).rows


def test_route_csv_neutralises_formulas(street, engine, tmp_path):
    street.household("Z", address='=HYPERLINK("http://x")1号楼')
    plan = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=T)
    path = tmp_path / "route.csv"
    vs_planning.write_route_csv(plan, path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    [z] = [r for r in rows if r["household_code"] == "Z"]
    assert z["address"] == '\'=HYPERLINK("http://x")1号楼'
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_route_csv(street, engine, tmp_path):
    plan = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=T)
    path = tmp_path / "route.csv"
    assert vs_planning.write_route_csv(plan, path) == 4
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["household_code"] for r in rows] == ["A", "B", "C", "D"]
    assert rows[2] == {
        "order": "3",
        "household_code": "C",
        "grid_code": "G01",
        "address": "幸福小区2号楼1单元101",
        "building": "幸福小区2号楼",
        "special_groups": "disabled;low_income",
        "period": "2025-11",
        "visits_needed": "2",
        "visits_done": "0",
        "due_by": "2025-11-30",
        "state": "overdue",
        "last_met_at": "2025-10-09T09:00:00+08:00",
        "others_14d": "S2@2025-11-12:not_home",
        "staff_code": "S1",
    }
    assert rows[3]["due_by"] == "2025-12-31" and rows[3]["period"] == "2025Q4"


def test_record_visit_updates_cadence_and_reports_others(street, engine):
    before = vs_records.recent_visits_by_others(engine, "C", "S1", as_of=at(2025, 11, 14, 9))
    assert [o.staff_code for o in before] == ["S2"]
    ch = vs_records.record_visit(
        engine,
        COORD,
        household_code="C",
        staff_code="S1",
        visited_at=at(2025, 11, 14, 9),
        outcome="met",
        notes="身体尚可",
    )
    assert ch.code == "V20251114-0001" and [o.staff_code for o in ch.others] == ["S2"]
    with engine.connect() as conn:
        v = conn.execute(
            select(
                Visit.visited_at, Visit.recorded_at, Visit.lag_hours, Visit.recorded_is_default
            ).where(Visit.code == ch.code)
        ).one()
        month = conn.execute(
            select(HouseholdMonth.first_met_at, HouseholdMonth.second_met_at).where(
                HouseholdMonth.household_id == street.id("household", "C"),
                HouseholdMonth.ym == 202511,
            )
        ).one()
        audit = conn.execute(
            select(AuditLog.action, AuditLog.detail).where(AuditLog.entity_code == ch.code)
        ).one()
    assert v.visited_at == at(2025, 11, 14, 9) and v.recorded_is_default is False
    assert v.recorded_at >= v.visited_at
    assert v.lag_hours == pytest.approx((v.recorded_at - v.visited_at).total_seconds() / 3600)
    assert tuple(month) == (at(2025, 11, 14, 9), None)
    assert audit[0] == "visit.record" and "身体" not in audit[1]
    assert json.loads(audit[1])["outcome"] == "met"
    plan = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=T)
    c = {r.household_code: r for r in plan.rows}["C"]
    assert (c.cadence.done, c.cadence.remaining) == (1, 1)

    vs_records.record_visit(
        engine,
        COORD,
        household_code="C",
        staff_code="S1",
        visited_at=at(2025, 11, 18, 9),
        outcome="met",
    )
    plan = vs_planning.plan_for_staff(engine, COORD, "S1", as_of=T)
    assert "C" not in [r.household_code for r in plan.rows]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_record_visit_refuses_bad_input(street, engine):
    kw = {
        "household_code": "A",
        "staff_code": "S1",
        "visited_at": at(2025, 11, 1, 9),
        "outcome": "met",
    }
    with pytest.raises(InvalidInput, match="^outcome:"):
        vs_records.record_visit(engine, COORD, **{**kw, "outcome": "maybe"})
    with pytest.raises(NotFound, match="household"):
        vs_records.record_visit(engine, COORD, **{**kw, "household_code": "Z"})
    with pytest.raises(NotFound, match="staff"):
        vs_records.record_visit(engine, COORD, **{**kw, "staff_code": "S9"})
    with pytest.raises(InvalidInput, match="in the future"):
        vs_records.record_visit(engine, COORD, **{**kw, "visited_at": now() + timedelta(days=2)})
    with pytest.raises(PermissionDenied):
        vs_records.record_visit(engine, Actor("x", "viewer"), **kw)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Visit)) == 9


def _residents(ctx, street):
    c = ctx.cipher
    rows = [
        ("R1", "A", "张三", "110101195001011234", "13812345678"),
        ("R2", "A", "李四", None, None),
        ("R3", "C", "欧阳娜娜", None, "01012345678"),
    ]
    with ctx.engine.begin() as conn:
        for code, hh, name, idn, phone in rows:
            conn.execute(
                insert(Resident).values(
                    code=code,
                    household_id=street.id("household", hh),
                    name_enc=c.encrypt("name", name),
                    name_hash=c.lookup_hash("name", name),
                    id_number_enc=c.encrypt("id_number", idn) if idn else None,
                    id_number_hash=c.lookup_hash("id_number", idn) if idn else None,
                    phone_enc=c.encrypt("phone", phone) if phone else None,
                    phone_hash=c.lookup_hash("phone", phone) if phone else None,
                    birth_date=date(1950, 1, 1),
                    gender="M",
                    tags="党员",
                )
            )


def test_find_households(ctx, street):
    _residents(ctx, street)
    find = vs_households.find_households
    hits = find(ctx, COORD, "张三")
    assert [(h.code, h.matched_by, h.resident) for h in hits] == [("A", "name", "张*")]
    assert [(h.code, h.matched_by) for h in find(ctx, COORD, "13812345678")] == [("A", "phone")]
    assert [(h.code, h.matched_by) for h in find(ctx, COORD, "110101195001011234")] == [
        ("A", "id_number")
    ]
    by_addr = find(ctx, COORD, "2号楼")
    assert [(h.code, h.matched_by, h.resident) for h in by_addr] == [
        ("C", "address", "欧***"),
        ("E", "address", ""),
    ]
    assert [(h.code, h.matched_by) for h in find(ctx, COORD, "C")] == [("C", "code")]
    assert find(ctx, COORD, "  ") == []
    assert find(ctx, COORD, "100%") == []  # wildcards are literal


def _lookups(ctx):
    with ctx.engine.connect() as conn:
        return [
            (actor, entity, json.loads(detail))
            for actor, entity, detail in conn.execute(
                select(AuditLog.actor, AuditLog.entity, AuditLog.detail)
                .where(AuditLog.action == "pii.lookup")
                .order_by(AuditLog.id)
            )
        ]


def test_a_look_up_by_phone_or_identity_number_is_a_checked_audited_pi_read(ctx, street):
    _residents(ctx, street)
    find = vs_households.find_households
    assert vs_households.pi_number_kind("110101195001011234") == "id_number"
    assert vs_households.pi_number_kind("13812345678") == "phone"
    assert vs_households.pi_number_kind("(010)1234-5678") == "phone"
    assert vs_households.pi_number_kind("幸福小区") is None
    assert vs_households.pi_number_kind("H123") is None

    find(ctx, COORD, "2号楼")  # an address: no PI read recorded
    find(ctx, COORD, "王五")  # no resident of that name: nothing read
    assert _lookups(ctx) == []
    find(ctx, COORD, "张三")  # a resident's name that matched: a PI read, the name masked
    assert _lookups(ctx) == [
        ("alice", "household", {"by": "name", "households": ["A"], "searched": "张*"}),
    ]
    by_name = _lookups(ctx)
    find(ctx, COORD, "13812345678")
    find(ctx, COORD, "110101195001011234")
    find(ctx, COORD, "13900000000")  # no match: still recorded
    assert _lookups(ctx) == [
        *by_name,
        ("alice", "household", {"by": "phone", "households": ["A"], "searched": "138****5678"}),
        (
            "alice",
            "household",
            {"by": "id_number", "households": ["A"], "searched": "110***********1234"},
        ),
        ("alice", "household", {"by": "phone", "households": [], "searched": "139****0000"}),
    ]
    with ctx.engine.connect() as conn:
        details = " ".join(conn.scalars(select(AuditLog.detail)))
    assert "13812345678" not in details and "110101195001011234" not in details
    assert "张三" not in details

    # a role without lookup_pi (an assessor) finds by code or address, never by a
    # number or a name; leader, finance and the wall read no households at all
    assessor = Actor("sup", "assessor")
    with pytest.raises(PermissionDenied):
        find(ctx, assessor, "13812345678")
    with pytest.raises(PermissionDenied):
        find(ctx, assessor, "110101195001011234")
    assert find(ctx, assessor, "张三") == []
    assert [h.code for h in find(ctx, assessor, "2号楼")] == ["C", "E"]
    for role in ("leader", "finance", "wall"):
        with pytest.raises(PermissionDenied):
            find(ctx, Actor("x", role), "2号楼")
        with pytest.raises(PermissionDenied):
            find(ctx, Actor("x", role), "13812345678")
    assert len(_lookups(ctx)) == 4


def test_household_reads_are_bound_to_the_grid_and_the_department(ctx, street):
    _residents(ctx, street)
    eng = ctx.engine
    gw = Actor("gw", "grid_worker", grid_id=street.id("grid", "G02"), grid_code="G02")
    dept = Actor("dora", "department", dept_id=street.id("department", "D01"), dept_code="D01")
    # the grid worker of G02 finds only F, by code, address or a name of its grid
    assert [h.code for h in vs_households.find_households(ctx, gw, "幸福小区")] == []
    assert [h.code for h in vs_households.find_households(ctx, gw, "F")] == ["F"]
    assert vs_households.find_households(ctx, gw, "A") == []
    assert vs_households.find_households(ctx, gw, "张三") == []
    assert vs_households.find_households(ctx, gw, "13812345678") == []
    assert vs_households.household_profile(ctx, gw, "F", as_of=T).code == "F"
    with pytest.raises(PermissionDenied, match="not in your grid"):
        vs_households.household_profile(ctx, gw, "A", as_of=T)
    # a department user: only households with a case of its department
    assert vs_households.find_households(ctx, dept, "A") == []
    with pytest.raises(PermissionDenied, match="no case of your department"):
        vs_households.household_profile(ctx, dept, "A", as_of=T)
    cs.intake(
        eng,
        COORD,
        IntakeRequest("A", "visit", "L01", assign_to="D01", received_at=at(2025, 11, 3, 9)),
    )
    assert [h.code for h in vs_households.find_households(ctx, dept, "幸福小区")] == ["A"]
    assert [h.code for h in vs_households.find_households(ctx, dept, "张三")] == ["A"]
    assert vs_households.household_profile(ctx, dept, "A", as_of=T).code == "A"
    # aggregates-only roles read no profile; coordinators, assessors and admins read all
    for role in ("leader", "finance", "wall"):
        with pytest.raises(PermissionDenied):
            vs_households.household_profile(ctx, Actor("x", role), "A", as_of=T)
    for role in ("coordinator", "assessor", "admin"):
        assert vs_households.household_profile(ctx, Actor("x", role), "F", as_of=T).code == "F"


def test_household_profile_and_reveal(ctx, street):
    _residents(ctx, street)
    eng = ctx.engine
    cs.intake(eng, COORD, IntakeRequest("A", "visit", "L01", received_at=at(2025, 11, 3, 9)))
    p = vs_households.household_profile(ctx, COORD, "A", as_of=T)
    assert (p.code, p.grid_code, p.community_name, p.special_groups) == (
        "A",
        "G01",
        "C01社区",
        ("solo_elderly",),
    )
    assert [(r.code, r.name, r.id_number, r.phone, r.birth_year) for r in p.residents] == [
        ("R1", "张*", "110***********1234", "138****5678", 1950),
        ("R2", "李*", "", "", 1950),
    ]
    assert [v.visited_at for v in p.visits] == [
        at(2025, 11, 5, 9),
        at(2025, 10, 17, 9),
        at(2025, 10, 3, 9),
    ]
    assert [(c.code, c.subcategory_code, c.status) for c in p.cases] == [
        ("K202511030001", "L01", "received")
    ]
    assert (p.cadence.done, p.cadence.next_due) == (1, at(2025, 12, 1))

    clear = vs_households.reveal_resident(ctx, COORD, "R1", "回访核实身份")
    assert clear == vs_households.RevealedResident(
        "R1", "张三", "110101195001011234", "13812345678"
    )
    with eng.connect() as conn:
        row = conn.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.entity, AuditLog.detail).where(
                AuditLog.entity_code == "R1"
            )
        ).one()
    assert row[:3] == ("alice", "pii.reveal", "resident")
    assert "张三" not in row[3] and "1381234" not in row[3]
    with pytest.raises(PermissionDenied):
        vs_households.reveal_resident(ctx, Actor("lee", "leader"), "R1", "想看")
    with pytest.raises(InvalidInput, match="^reason:"):
        vs_households.reveal_resident(ctx, COORD, "R1", " ")
    # the reason goes into the audit log: no identity or phone number in it
    for reason in ("核实 13812345678 的身份", "身份证110101195001011234", "打 010-12345678"):
        with pytest.raises(InvalidInput, match="^reason: .*may not hold an identity or phone"):
            vs_households.reveal_resident(ctx, COORD, "R1", reason)
    with pytest.raises(NotFound):
        vs_households.reveal_resident(ctx, COORD, "R9", "核实")


def test_building_key_and_natural_order():
    assert vs_planning.building_key("幸福小区3号楼2单元501") == "幸福小区3号楼"
    assert vs_planning.building_key("和平路12号幸福小区3号楼1单元") == "和平路12号幸福小区3号楼"
    assert vs_planning.building_key("和平路12号") == "和平路12号"
    assert vs_planning.building_key("B栋301") == "B栋"
    assert vs_planning.building_key("某村") == "某村"
    addrs = ["10号楼1单元", "2号楼10单元", "2号楼2单元"]
    assert sorted(addrs, key=vs_planning.natural_key) == [
        "2号楼2单元",
        "2号楼10单元",
        "10号楼1单元",
    ]


# --------------------------------------------------------------- route sheet, CLI


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def cli(db_url, capsys, monkeypatch, qapp):
    """``cli("--staff", "S1", "-o", FILE, user="coord")`` → (exit code, stdout, stderr) of
    ``center visits plan … --lang en``. ``qapp``: the CLI's translations need a Qt
    application, which must be the tests' QApplication."""
    from builders import TEST_PASSWORD

    from center.cli import main

    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("CENTER_USER", raising=False)

    def run(*argv: str, user: str | None = "coord", lang: str = "en") -> tuple[int, str, str]:
        args = ["visits", "plan", *argv, "--db", db_url, "--lang", lang]
        if user is not None:
            args += ["--user", user]
        code = main(args)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_visits_plan_cli_writes_the_workstations_route_sheet(street, engine, cli, tmp_path):
    from builders import account

    account(engine, "coord", "coordinator")
    account(engine, "gw2", "grid_worker", grid="G02")
    csv_path = tmp_path / "route.csv"
    code, out, err = cli("--staff", "S1", "-o", str(csv_path), "--as-of", T.isoformat())
    assert (code, err) == (0, "")
    assert "wrote" in out and "4 households" in out
    expected = tmp_path / "expected.csv"
    vs_planning.write_route_csv(vs_planning.plan_for_staff(engine, COORD, "S1", T), expected)
    assert csv_path.read_bytes() == expected.read_bytes()

    pdf = tmp_path / "route.pdf"
    assert cli("--staff", "S1", "-o", str(pdf), "--as-of", T.isoformat())[0] == 0
    text = _pdf_text(pdf)
    for address in ("2号楼1单元101", "10号楼1单元301", "1号楼1单元101", "1号楼2单元201"):
        assert address in text  # C, D, A, B
    assert "1号楼1单元102" not in text  # G: its cadence is met
    assert "Visit route sheet" in text and "G01" in text and "S1" in text

    # refused: another grid's worker, an unknown staff code, a wrong suffix; nothing written
    refused = tmp_path / "refused.pdf"
    code, _, err = cli("--staff", "S1", "-o", str(refused), user="gw2")
    assert code == 2 and "error" in err and not refused.exists()
    code, _, err = cli("--staff", "S9", "-o", str(refused))
    assert code == 2 and "S9" in err and not refused.exists()
    code, _, err = cli("--staff", "S1", "-o", str(tmp_path / "route.txt"))
    assert code == 2 and ".pdf" in err
    code, _, err = cli("--staff", "S1", "-o", str(refused), "--as-of", "soon")
    assert code == 2 and "--as-of" in err and not refused.exists()


def test_route_sheet_pdf_keeps_dates_whole_and_explains_the_states(street, cli, tmp_path, qapp):
    """Due dates on one line ("2025-11-30", not "2025-11-3" / "0"); a household behind
    since the last period says so, and a legend explains each state."""
    from center.windows.runtime.i18n import install_translators

    pdf = tmp_path / "route.pdf"
    assert cli("--staff", "S1", "-o", str(pdf), "--as-of", T.isoformat())[0] == 0
    text = _pdf_text(pdf)
    assert "2025-11-30" in text  # C and A: the end of November
    assert "2025-12-31" in text  # D and B: the end of Q4
    assert "2025-10-09" in text  # C's last met-visit
    assert "Behind from last period" in text
    assert "Overdue" not in text
    assert "previous period" in " ".join(text.split())  # the legend
    try:
        assert cli("--staff", "S1", "-o", str(pdf), "--as-of", T.isoformat(), lang="zh_CN")[0] == 0
    finally:
        install_translators(qapp, "en")
    text = _pdf_text(pdf)
    assert "走访路线单" in text and "上期未完成 2 户" in text
    assert "超期" not in text and "逾期" not in text
    assert "2025-11-30" in text and "状态说明" in text
