"""Case lifecycle service: every legal and illegal transition, stamps and derived
columns, events and audit rows, reopen, escalation, permissions, repeat suggestion."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from builders import Builder, at
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from center.cases import lifecycle as cs
from center.cases.lifecycle import IntakeRequest
from center.core.access import Actor, resolve_actor
from center.core.clock import now
from center.core.errors import InvalidInput, NotFound, PermissionDenied, UnknownUser
from center.office import meetings
from db.models import AgendaItem, AuditLog, Case, CaseEvent, ChangeCounter

COORD = Actor("alice", "coordinator")
T0 = at(2025, 9, 1, 8, 0)  # a Monday; deadline of a case received that day: 2025-09-23 00:00


@pytest.fixture
def world(engine):
    b = Builder(engine)
    b.grid("G01")
    b.household("H1", special_groups="solo_elderly", address="幸福小区1号楼1单元101")
    b.household("H2", address="幸福小区2号楼1单元201")
    return b


def _intake(engine, household="H1", sub="L01", when=T0, **kw):
    return cs.intake(
        engine,
        COORD,
        IntakeRequest(household, kw.pop("source", "visit"), sub, received_at=when, **kw),
    )


def _row(engine, code):
    with Session(engine) as s:
        return s.scalars(select(Case).where(Case.code == code)).one()


def _events(engine, code):
    with engine.connect() as conn:
        cid = conn.scalar(select(Case.id).where(Case.code == code))
        return conn.execute(
            select(CaseEvent.kind, CaseEvent.from_status, CaseEvent.to_status, CaseEvent.actor)
            .where(CaseEvent.case_id == cid)
            .order_by(CaseEvent.id)
        ).all()


def _audit(engine, code):
    with engine.connect() as conn:
        return conn.execute(
            select(AuditLog.action, AuditLog.detail)
            .where(AuditLog.entity_code == code)
            .order_by(AuditLog.id)
        ).all()


def _counter(engine, domain):
    with engine.connect() as conn:
        return conn.scalar(select(ChangeCounter.counter).where(ChangeCounter.domain == domain))


# ------------------------------------------------------------------ intake


def test_intake_fills_defaults_derived_columns_event_audit_and_feed(world, engine):
    ch = _intake(engine, summary="送餐不准时")
    assert (ch.code, ch.status, ch.version, ch.created) == (
        "K202509010001",
        "received",
        1,
        "K202509010001",
    )
    c = _row(engine, ch.code)
    assert c.priority == "24h" and c.priority_is_default is True  # L01 default
    assert c.response_due_at == at(2025, 9, 2, 8, 0)
    assert c.deadline_at == at(2025, 9, 23) and c.deadline_provisional is False
    assert c.accept_due_at is None and c.eff_response_at is None and c.eff_closed_at is None
    assert c.first_response_at is None and c.is_repeat is False and c.summary == "送餐不准时"
    assert _events(engine, ch.code) == [("intake", None, "received", "alice")]
    [(action, detail)] = _audit(engine, ch.code)
    assert action == "case.intake"
    data = json.loads(detail)
    assert data["version"] == 1 and data["to"] == "received"
    assert data["changes"]["subcategory"] == [None, "L01"]
    assert "送餐" not in detail  # free text stays out of the audit log
    assert _counter(engine, "cases") == 1
    assert _intake(engine, when=T0 + timedelta(hours=1)).code == "K202509010002"


def test_intake_with_assignment_and_on_the_spot(world, engine):
    a = _intake(engine, sub="M01", assign_to="D08", priority="immediate")
    c = _row(engine, a.code)
    assert (a.status, c.priority, c.priority_is_default) == ("assigned", "immediate", False)
    assert c.assigned_at == T0 and c.first_response_at == T0
    assert c.accept_due_at == at(2025, 9, 1, 10, 0)
    assert [e[0] for e in _events(engine, a.code)] == ["intake", "assign"]

    s = _intake(engine, sub="P01", on_the_spot=True, when=T0 + timedelta(minutes=5))
    c = _row(engine, s.code)
    assert s.status == "resolved" and c.on_the_spot is True
    assert c.first_response_at == c.closed_at == c.eff_closed_at == T0 + timedelta(minutes=5)
    assert [e[0] for e in _events(engine, s.code)] == ["intake", "resolve"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_intake_refuses_bad_input_and_writes_nothing(world, engine):
    with pytest.raises(NotFound, match="household with code 'NOPE'"):
        _intake(engine, household="NOPE")
    with pytest.raises(NotFound, match="subcategory"):
        _intake(engine, sub="Z99")
    with pytest.raises(InvalidInput, match="^source:"):
        _intake(engine, source="fax")
    with pytest.raises(InvalidInput, match="^priority:"):
        _intake(engine, priority="soon")
    with pytest.raises(InvalidInput, match="^assign_to:"):
        _intake(engine, on_the_spot=True, assign_to="D01")
    with pytest.raises(NotFound, match="department"):
        _intake(engine, assign_to="D99")
    with pytest.raises(InvalidInput, match="^received_at: .* is in the future"):
        _intake(engine, when=now() + timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        cs.intake(engine, Actor("v", "leader"), IntakeRequest("H1", "visit", "L01"))
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Case)) == 0
        assert conn.scalar(select(func.count()).select_from(AuditLog)) == 0
    assert _counter(engine, "cases") == 0


# ------------------------------------------------------------------ the full chain


def test_happy_path_stamps_every_clock(world, engine):
    code = _intake(engine).code
    v = 1
    steps = [
        ("assign", {"dept_code": "D01"}, at(2025, 9, 1, 9, 0), "assigned"),
        ("accept", {}, at(2025, 9, 1, 10, 30), "accepted"),
        ("resolve", {}, at(2025, 9, 10, 16, 0), "resolved"),
        ("confirm", {}, at(2025, 9, 11, 9, 0), "confirmed"),
        ("rate", {"rating": 5}, at(2025, 9, 11, 9, 5), "rated"),
    ]
    for action, kw, when, status in steps:
        ch = cs.ACTION_FUNCTIONS[action](engine, COORD, code, v, at=when, **kw)
        assert (ch.status, ch.version) == (status, v + 1)
        v = ch.version
    ch = cs.spot_check(engine, Actor("sup", "assessor"), code, v, True, at=at(2025, 9, 15, 10))
    assert (ch.status, ch.version, ch.created) == ("spot_checked", 7, None)
    c = _row(engine, code)
    assert c.first_response_at == c.eff_response_at == at(2025, 9, 1, 9, 0)
    assert c.assigned_at == at(2025, 9, 1, 9, 0) and c.accept_due_at == at(2025, 9, 1, 11, 0)
    assert c.accepted_at == at(2025, 9, 1, 10, 30)
    assert c.closed_at == c.eff_closed_at == at(2025, 9, 10, 16, 0)
    assert c.confirmed_at == at(2025, 9, 11, 9, 0)
    assert (c.satisfaction, c.rated_at) == (5, at(2025, 9, 11, 9, 5))
    assert (c.spot_check_ok, c.spot_checked_at) == (True, at(2025, 9, 15, 10))
    assert c.deadline_at == at(2025, 9, 23)
    assert [e[:3] for e in _events(engine, code)] == [
        ("intake", None, "received"),
        ("assign", "received", "assigned"),
        ("accept", "assigned", "accepted"),
        ("resolve", "accepted", "resolved"),
        ("confirm", "resolved", "confirmed"),
        ("rate", "confirmed", "rated"),
        ("spot_check", "rated", "spot_checked"),
    ]
    audit = _audit(engine, code)
    assert [a for a, _ in audit] == [
        "case.intake",
        "case.assign",
        "case.accept",
        "case.resolve",
        "case.confirm",
        "case.rate",
        "case.spot_check",
    ]
    assign_detail = json.loads(audit[1][1])
    assert assign_detail["version"] == 2
    assert assign_detail["event_at"] == "2025-09-01T09:00:00+08:00"  # the audit row's own
    # instant is the moment of the write; the event time typed in is kept beside it
    assert assign_detail["changes"]["dept"] == [None, "D01"]
    assert assign_detail["changes"]["status"] == ["received", "assigned"]
    assert _counter(engine, "cases") == 7


# ------------------------------------------------------------------ every transition

# Hand-written: status -> {action: resulting status}. Anything not listed is illegal.
LEGAL = {
    "received": {
        "respond": "received",
        "assign": "assigned",
        "escalate": "escalated",
        "not_our_remit": "not_our_remit",
        "no_action_needed": "no_action_needed",
    },
    "assigned": {
        "respond": "assigned",
        "assign": "assigned",
        "accept": "accepted",
        "escalate": "escalated",
        "not_our_remit": "not_our_remit",
        "no_action_needed": "no_action_needed",
    },
    "accepted": {
        "resolve": "resolved",
        "escalate": "escalated",
        "no_action_needed": "no_action_needed",
    },
    "escalated": {
        "respond": "escalated",
        "assign": "assigned",
        "resolve": "resolved",
        "not_our_remit": "not_our_remit",
        "no_action_needed": "no_action_needed",
    },
    "resolved": {"confirm": "confirmed", "spot_check": "spot_checked", "reopen": "resolved"},
    "confirmed": {"rate": "rated", "spot_check": "spot_checked", "reopen": "confirmed"},
    "rated": {"spot_check": "spot_checked", "reopen": "rated"},
    "spot_checked": {"reopen": "spot_checked"},
    "not_our_remit": {"reopen": "not_our_remit"},
    "no_action_needed": {"reopen": "no_action_needed"},
}
ALL_ACTIONS = (
    "respond",
    "assign",
    "accept",
    "resolve",
    "confirm",
    "rate",
    "spot_check",
    "escalate",
    "not_our_remit",
    "no_action_needed",
    "reopen",
)
# how to reach each status from intake
PATHS = {
    "received": [],
    "assigned": ["assign"],
    "accepted": ["assign", "accept"],
    "resolved": ["assign", "accept", "resolve"],
    "confirmed": ["assign", "accept", "resolve", "confirm"],
    "rated": ["assign", "accept", "resolve", "confirm", "rate"],
    "spot_checked": ["assign", "accept", "resolve", "confirm", "rate", "spot_check"],
    "escalated": ["escalate"],
    "not_our_remit": ["not_our_remit"],
    "no_action_needed": ["no_action_needed"],
}
# every case action: a coordinator (for departments without an account) and an assessor
ADMIN = Actor.of("root", {"coordinator", "assessor"})


def _do(engine, action, code, version, when, dept="D01"):
    kw: dict = {"at": when}
    if action in ("escalate", "not_our_remit", "no_action_needed", "reopen"):
        kw["note"] = "理由"
    if action == "assign":
        return cs.assign(engine, ADMIN, code, version, dept, **kw)
    if action == "rate":
        return cs.rate(engine, ADMIN, code, version, 3, **kw)
    if action == "spot_check":
        return cs.spot_check(engine, ADMIN, code, version, True, **kw)
    return cs.ACTION_FUNCTIONS[action](engine, ADMIN, code, version, **kw)


def _case_in(engine, status, n):
    when = T0 + timedelta(days=n)
    ch = _intake(engine, household="H2", sub="P0" + str(1 + n % 5), when=when)
    for step in PATHS[status]:
        when += timedelta(hours=1)
        ch = _do(engine, step, ch.code, ch.version, when)
    assert ch.status == status
    return ch, when


def test_every_legal_and_illegal_transition(world, engine):
    n = 0
    for status in sorted(LEGAL):
        # each legal action on a fresh case in ``status``
        for action in ALL_ACTIONS:
            if action not in LEGAL[status]:
                continue
            ch, when = _case_in(engine, status, n)
            n += 1
            before_events = len(_events(engine, ch.code))
            later = when + timedelta(hours=1)
            if action == "respond" and status != "received":
                # legal from this status, but these paths already stamped the response
                with pytest.raises(InvalidInput, match="already responded"):
                    _do(engine, action, ch.code, ch.version, later)
                continue
            res = _do(engine, action, ch.code, ch.version, later, dept="D02")
            assert res.status == LEGAL[status][action], (status, action)
            assert res.version == ch.version + 1
            assert len(_events(engine, ch.code)) == before_events + 1
            assert (res.created is not None) == (action == "reopen")
        # every illegal action is refused on one case, which stays untouched
        ch, when = _case_in(engine, status, n)
        n += 1
        before_events = len(_events(engine, ch.code))
        for action in ALL_ACTIONS:
            if action in LEGAL[status]:
                continue
            with pytest.raises(cs.TransitionError) as err:
                _do(engine, action, ch.code, ch.version, when + timedelta(hours=1), dept="D02")
            assert (err.value.action, err.value.status) == (action, status)
        assert _row(engine, ch.code).version == ch.version
        assert _row(engine, ch.code).status == status
        assert len(_events(engine, ch.code)) == before_events
    assert n == sum(len(v) for v in LEGAL.values()) + len(LEGAL)


def test_allowed_actions_follow_the_table():
    for status, legal in LEGAL.items():
        assert set(cs.allowed_actions(status, ADMIN)) == set(legal), status
    dept = Actor("d", "department", dept_id=5, dept_code="D05")
    assert cs.allowed_actions("assigned", dept, "D05") == [
        "respond",
        "accept",
        "not_our_remit",
        "no_action_needed",
    ]
    assert cs.allowed_actions("assigned", dept, "D06") == []
    assert cs.allowed_actions("assigned", dept, None) == []
    assert cs.allowed_actions("rated", Actor("s", "assessor")) == ["spot_check", "reopen"]
    assert cs.allowed_actions("received", Actor("v", "leader")) == []
    # a coordinator accepts only for a department without an account of its own
    coord = Actor("c", "coordinator")
    assert "accept" in cs.allowed_actions("assigned", coord, "D05", dept_has_account=False)
    assert "accept" not in cs.allowed_actions("assigned", coord, "D05", dept_has_account=True)
    # a grid worker confirms in its own grid only
    worker = Actor("g", "grid_worker", grid_id=1, grid_code="G01")
    assert cs.allowed_actions("resolved", worker, "D05", grid_code="G01") == ["confirm"]
    assert cs.allowed_actions("resolved", worker, "D05", grid_code="G02") == []


# ------------------------------------------------------------------ side effects


def test_reassign_restarts_the_department_clock(world, engine):
    ch = _intake(engine, assign_to="D01")
    ch = cs.accept(engine, COORD, ch.code, ch.version, at=T0 + timedelta(hours=1))
    ch = cs.escalate(engine, COORD, ch.code, ch.version, note="跨部门", at=T0 + timedelta(hours=2))
    ch = cs.assign(engine, COORD, ch.code, ch.version, "D06", at=T0 + timedelta(hours=5))
    c = _row(engine, ch.code)
    assert c.assigned_at == T0 + timedelta(hours=5) and c.accepted_at is None
    assert c.accept_due_at == T0 + timedelta(hours=7)
    assert c.first_response_at == T0 and c.escalated is True
    with pytest.raises(InvalidInput, match="already assigned to D06"):
        cs.assign(engine, COORD, ch.code, ch.version, "D06", at=T0 + timedelta(hours=6))


def test_escalation_puts_the_case_on_the_boards_proposals(world, engine):
    ch = _intake(engine, sub="L07", assign_to="D06")
    before = _counter(engine, "meetings")
    res = cs.escalate(
        engine, COORD, ch.code, ch.version, note="需联席会议协调", at=T0 + timedelta(hours=3)
    )
    assert res.domains == ("cases", "meetings")
    c = _row(engine, ch.code)
    assert (c.status, c.escalated, c.escalated_given, c.escalated_at) == (
        "escalated",
        True,
        True,
        T0 + timedelta(hours=3),
    )
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AgendaItem)) == 0
    props = meetings.proposals_at(engine, COORD, T0 + timedelta(hours=3))
    assert [(p.reasons, p.cases) for p in props.proposals] == [(("escalated",), (ch.code,))]
    assert props.proposals[0].title.startswith(f"停车管理（{ch.code}）")
    earlier = meetings.proposals_at(engine, COORD, T0 + timedelta(hours=2), allocate=False)
    assert earlier.proposals == ()
    assert _counter(engine, "meetings") == before + 1
    with pytest.raises(InvalidInput, match="^note: a reason is required"):
        cs.not_our_remit(engine, COORD, ch.code, res.version, note="  ")


def test_not_our_remit_closes_with_reason(world, engine):
    ch = _intake(engine)
    res = cs.not_our_remit(engine, COORD, ch.code, 1, note="属法院管辖", at=T0 + timedelta(hours=2))
    c = _row(engine, ch.code)
    assert (res.status, c.status_reason) == ("not_our_remit", "属法院管辖")
    assert c.closed_at == c.eff_closed_at == c.first_response_at == T0 + timedelta(hours=2)


def test_low_rating_asks_for_callback_and_reopen_links_a_new_case(world, engine):
    ch, when = _case_in(engine, "confirmed", 0)
    res = cs.rate(engine, COORD, ch.code, ch.version, 2, at=when + timedelta(hours=1))
    assert res.callback_needed is True
    reopened = cs.reopen(
        engine, COORD, ch.code, res.version, note="居民不满意", at=when + timedelta(hours=2)
    )
    assert reopened.status == "rated"  # the original keeps its status
    new = _row(engine, reopened.created)
    old = _row(engine, ch.code)
    assert new.reopened_from_id == old.id and new.status == "received"
    assert new.received_at == when + timedelta(hours=2)
    assert (new.household_id, new.subcategory_id, new.source) == (
        old.household_id,
        old.subcategory_id,
        old.source,
    )
    assert new.deadline_at is not None and new.response_due_at == new.received_at + timedelta(
        hours=24
    )
    detail = cs.case_detail(engine, COORD, ch.code)
    assert detail.reopened_by == (reopened.created,)
    assert cs.case_detail(engine, COORD, reopened.created).reopened_from == ch.code
    with pytest.raises(InvalidInput, match="already reopened as"):
        cs.reopen(engine, COORD, ch.code, reopened.version, note="再次")
    other = cs.rate(engine, COORD, _case_in(engine, "confirmed", 1)[0].code, 5, 4)
    assert other.callback_needed is False


def test_failed_spot_check_reopens(world, engine):
    ch, when = _case_in(engine, "resolved", 0)
    sup = Actor("sup", "assessor")
    with pytest.raises(InvalidInput, match="^note:"):
        cs.spot_check(engine, sup, ch.code, ch.version, False)
    res = cs.spot_check(
        engine, sup, ch.code, ch.version, False, note="回访未解决", at=when + timedelta(days=1)
    )
    assert res.status == "spot_checked" and res.created is not None
    assert _row(engine, ch.code).spot_check_ok is False
    assert _row(engine, res.created).reopened_from_id == _row(engine, ch.code).id


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_rating_and_time_validation(world, engine):
    ch, when = _case_in(engine, "confirmed", 0)
    for bad in (0, 6, True):
        with pytest.raises(InvalidInput, match="^satisfaction:"):
            cs.rate(engine, COORD, ch.code, ch.version, bad)
    with pytest.raises(InvalidInput, match="earlier than received_at"):
        cs.rate(engine, COORD, ch.code, ch.version, 4, at=T0 - timedelta(days=1))
    with pytest.raises(InvalidInput, match="earlier than the confirmation"):
        cs.rate(engine, COORD, ch.code, ch.version, 4, at=when - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="in the future"):
        cs.rate(engine, COORD, ch.code, ch.version, 4, at=now() + timedelta(days=1))
    with pytest.raises(NotFound, match="case with code 'C0'"):
        cs.rate(engine, COORD, "C0", 1, 4)
    assert _row(engine, ch.code).version == ch.version


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_permissions(world, engine):
    ch = _intake(engine, assign_to="D01")
    d01 = _row(engine, ch.code).dept_id
    other = Actor("dept2", "department", dept_id=d01 + 1, dept_code="D02")
    with pytest.raises(PermissionDenied, match="not assigned to your department"):
        cs.accept(engine, other, ch.code, ch.version)
    with pytest.raises(PermissionDenied):
        cs.assign(engine, Actor("s", "assessor"), ch.code, ch.version, "D02")
    mine = Actor("dept1", "department", dept_id=d01, dept_code="D01")
    res = cs.accept(engine, mine, ch.code, ch.version, at=T0 + timedelta(minutes=30))
    assert res.status == "accepted"
    assert _events(engine, ch.code)[-1][3] == "dept1"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_resolve_actor(engine):
    from db.engine import transaction
    from db.models import AppUser, UserRole

    with pytest.raises(UnknownUser):  # no implicit admin in a database without accounts
        resolve_actor(engine, "anyone")
    with transaction(engine) as s:
        bob = AppUser(username="bob", display_name="Bob")
        old = AppUser(username="old", display_name="Old", active=False)
        s.add_all([bob, old])
        s.flush()
        s.add_all(
            [UserRole(user_id=bob.id, role="coordinator"), UserRole(user_id=old.id, role="admin")]
        )
    got = resolve_actor(engine, "bob")
    assert got == Actor("bob", "coordinator", display_name="Bob")
    assert got.roles == frozenset({"coordinator"}) and not got.read_only
    assert resolve_actor(engine, "bob", read_only=True).read_only
    with pytest.raises(UnknownUser):
        resolve_actor(engine, "old")
    with pytest.raises(UnknownUser):
        resolve_actor(engine, "anyone")


def test_update_case_recomputes_repeat_and_keeps_text_out_of_audit(world, engine):
    first = _intake(engine, sub="L02", when=T0)
    second = _intake(engine, sub="L03", when=T0 + timedelta(days=3))
    assert _row(engine, second.code).is_repeat is False
    res = cs.update_case(
        engine,
        COORD,
        second.code,
        1,
        {"subcategory_code": "L02", "summary": "张三的秘密", "priority": "3wd"},
    )
    c = _row(engine, second.code)
    assert (res.version, c.is_repeat, c.priority, c.priority_is_default) == (2, True, "3wd", False)
    detail = _audit(engine, second.code)[-1][1]
    assert "张三" not in detail and json.loads(detail)["changes"]["subcategory"] == ["L03", "L02"]
    assert first.code != second.code
    with pytest.raises(InvalidInput, match="^status:"):
        cs.update_case(engine, COORD, second.code, 2, {"status": "rated"})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_codes_continue_after_imported_ones(world, engine):
    """One numbering: a new case takes the next number of the imported ones of its day
    (``K<yyyymmdd><nnnn>``); other days, other forms and older codes do not count."""
    world.case("H1", T0, code="K202509010007")
    world.case("H1", T0, code="K202508310042")  # the day before
    world.case("H1", T0, code="C20250901-0093")  # an older workstation code: still valid
    world.case("H1", T0, code="K20250901-0099")  # not the form
    assert _intake(engine).code == "K202509010008"
    # a reopened case is numbered the same way, on the day it was reopened
    done = _intake(engine, on_the_spot=True, when=T0 + timedelta(hours=1))
    assert done.code == "K202509010009"
    reopened = cs.reopen(
        engine, COORD, done.code, done.version, note="仍未解决", at=T0 + timedelta(hours=2)
    )
    assert reopened.created == "K202509010010"
    # a day with five-digit numbers keeps five digits
    world.case("H1", at(2025, 9, 2, 9), code="K2025090212345")
    assert _intake(engine, when=at(2025, 9, 2, 10)).code == "K2025090212346"


@pytest.mark.pg
@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_concurrent_intakes_on_postgresql_take_consecutive_numbers(world, engine, db_url):
    """Six workstations save a case of the same day at the same instant: each gets its
    own number, one after the other (the unique code refuses a duplicate, the write is
    retried and takes the next number)."""
    import threading

    from db.engine import open_database

    world.case("H1", T0, code="K202509010041")  # imported
    engines = [open_database(db_url) for _ in range(6)]
    barrier = threading.Barrier(len(engines))
    codes: list[str] = []
    errors: list[BaseException] = []

    def save(eng):
        try:
            barrier.wait(10)
            codes.append(_intake(eng).code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(e,)) for e in engines]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for e in engines:
            e.dispose()
    assert errors == []
    assert sorted(codes) == [f"K2025090100{n}" for n in range(42, 48)]


# ------------------------------------------------------------------ repeats


def test_repeat_candidates_and_flags(world, engine):
    old_open = _intake(engine, when=at(2025, 7, 1, 9)).code
    closed_far = _intake(engine, when=at(2025, 8, 1, 9), on_the_spot=True).code
    closed_near = _intake(engine, when=at(2025, 8, 20, 9), on_the_spot=True).code
    _intake(engine, sub="L02", when=at(2025, 9, 1, 9))
    _intake(engine, household="H2", when=at(2025, 9, 2, 9))
    found = cs.repeat_candidates(engine, "H1", "L01", as_of=at(2025, 9, 5, 9))
    assert [(c.code, c.is_open, c.status) for c in found] == [
        (closed_near, False, "resolved"),
        (old_open, True, "received"),
    ]
    # a case 30 days (720 h) old exactly is still recent
    edge = cs.repeat_candidates(engine, "H1", "L01", as_of=at(2025, 9, 19, 9))
    assert [c.code for c in edge] == [closed_near, old_open]
    past = cs.repeat_candidates(engine, "H1", "L01", as_of=at(2025, 9, 19, 9, 1))
    assert [c.code for c in past] == [old_open]

    new = _intake(engine, when=at(2025, 9, 5, 9), repeat_of=closed_near)
    flags = {code: _row(engine, code).is_repeat for code in (old_open, closed_far, closed_near)}
    assert flags == {old_open: False, closed_far: False, closed_near: True}
    row = _row(engine, new.code)
    assert row.is_repeat is True and row.repeat_of_id == _row(engine, closed_near).id
    other_hh = _intake(engine, household="H2", sub="P01", when=at(2025, 9, 6, 9)).code
    with pytest.raises(InvalidInput, match="another household"):
        _intake(engine, repeat_of=other_hh)
    with pytest.raises(NotFound):
        cs.repeat_candidates(engine, "H9", "L01")


def test_taxonomy_and_proposal(engine):
    tax = cs.taxonomy(engine)
    assert [c.code for c in tax] == ["policy", "life", "dispute", "emergency"]
    assert [s.code for s in tax[3].subcategories] == ["E01", "E02", "E03"]
    assert tax[3].subcategories[2] == cs.SubcategoryInfo(
        "E03", "独居老人失联", "solo elderly unreachable", "immediate", "D02"
    )
    assert cs.proposal(engine, "L05") == ("3wd", "D09")
    assert len(cs.departments(engine)) == 12
