"""Editing and confirming a household's profile (一户一档, center.visits.profile): who may,
optimistic locking, the audit row, the change feed, the last verification and each
grid's share verified in the last 30 days; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from builders import Builder, account, at
from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from center.core.access import Actor
from center.core.audit import verify_chain
from center.core.clock import now
from center.core.errors import ConflictError, InvalidInput, PermissionDenied
from center.visits import households as vs_households
from center.visits import profile as vp
from center.visits import records as vs_records
from center.visits.planning import plan_for_staff
from db.models import AuditLog, ChangeCounter, Household, Resident

PHONE, NEW_PHONE = "13812345678", "13900001111"
ID_NUMBER = "11010519800101122X"  # 李四's (female, born 1980-01-01); valid check digit


@pytest.fixture
def street(ctx):
    b = Builder(ctx.engine)
    b.grid("G01")
    b.grid("G02")
    b.staff("S1", "G01")
    b.household("H1", "G01", members=2, special_groups="low_income")
    b.household("H2", "G01")
    b.household("H9", "G02")
    c = ctx.cipher
    with ctx.engine.begin() as conn:
        for code, name, phone in (("R1", "张三", PHONE), ("R2", "王五", None)):
            conn.execute(
                insert(Resident).values(
                    code=code,
                    household_id=b.id("household", "H1"),
                    name_enc=c.encrypt("name", name),
                    name_hash=c.lookup_hash("name", name),
                    phone_enc=c.encrypt("phone", phone) if phone else None,
                    phone_hash=c.lookup_hash("phone", phone) if phone else None,
                    tags="低保" if code == "R1" else None,
                )
            )
    return b


@pytest.fixture
def people(ctx, street):
    return {
        "gw1": account(ctx.engine, "gw1", "grid_worker", grid="G01"),
        "gw2": account(ctx.engine, "gw2", "grid_worker", grid="G02"),
        "coord": account(ctx.engine, "coord", "coordinator"),
        "dept": account(ctx.engine, "dept", "department", dept="D01"),
        "leader": account(ctx.engine, "lead", "leader"),
        "admin": account(ctx.engine, "root", "admin"),
    }


def _row(ctx, code="H1"):
    with ctx.engine.connect() as conn:
        return conn.execute(
            select(
                Household.members,
                Household.special_groups,
                Household.is_special,
                Household.moved_out_on,
                Household.notes,
                Household.version,
                Household.verified_at,
                Household.verified_by,
            ).where(Household.code == code)
        ).one()


def _residents(ctx, code="H1"):
    c = ctx.cipher
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(Resident.code, Resident.name_enc, Resident.phone_enc, Resident.phone_hash)
            .join(Household, Household.id == Resident.household_id)
            .where(Household.code == code)
            .order_by(Resident.code)
        ).all()
    return [
        (
            r[0],
            c.decrypt("name", bytes(r[1])),
            c.decrypt("phone", bytes(r[2])) if r[2] else None,
            r[3],
        )
        for r in rows
    ]


def _audit(ctx, action="household.*"):
    with ctx.engine.connect() as conn:
        q = select(AuditLog.actor, AuditLog.action, AuditLog.entity_code, AuditLog.detail)
        if action.endswith("*"):
            q = q.where(AuditLog.action.startswith(action[:-1]))
        else:
            q = q.where(AuditLog.action == action)
        return [
            (a, act, code, json.loads(d))
            for a, act, code, d in conn.execute(q.order_by(AuditLog.id))
        ]


def _counter(ctx):
    with ctx.engine.connect() as conn:
        return conn.scalar(
            select(ChangeCounter.counter).where(ChangeCounter.domain == "households")
        )


def _edit(**kw):
    values = {
        "members": 2,
        "special_groups": ("low_income",),
        "moved_out_on": None,
        "notes": None,
    }
    values.update(kw)
    return vp.ProfileEdit(**values)


def test_the_grids_worker_records_what_changed_on_a_visit(ctx, people):
    feed = _counter(ctx)
    p = vs_households.household_profile(ctx, people["gw1"], "H1")
    assert p.version == 1 and p.verified.at is None
    edit = _edit(
        members=1,
        special_groups=("solo_elderly", "low_income"),
        notes="子女在外地，每周来电",
        phones={"R1": NEW_PHONE},
        removed={"R2": "died"},
    )
    change = vp.edit_household(ctx, people["gw1"], "H1", 1, edit, base=p.state)
    assert change.version == 2 and change.action == "household.edit"
    row = _row(ctx)
    assert row[:6] == (1, "solo_elderly;low_income", True, None, "子女在外地，每周来电", 2)
    assert row[6] == change.verified_at and row[7] == "gw1"
    assert _residents(ctx) == [
        ("R1", "张三", NEW_PHONE, ctx.cipher.lookup_hash("phone", NEW_PHONE))
    ]
    gid = street_grid(ctx, "G01")
    assert _audit(ctx) == [
        (
            "gw1",
            "household.edit",
            "H1",
            {
                "version": 2,
                "grid_id": gid,
                "changes": {
                    "members": [2, 1],
                    "is_special": [True, True],
                    "special_groups": ["…", "…"],
                    "notes": [None, "…"],
                    "phone:R1": ["138****5678", "139****1111"],
                    "member:R2": ["王*", None],
                },
                "removed": {"R2": "died"},
            },
        )
    ]
    assert _counter(ctx) == feed + 1  # the change feed: the other workstations reload
    assert verify_chain(ctx.engine).intact
    # the profile now says it was verified by that edit
    p2 = vs_households.household_profile(ctx, people["gw1"], "H1")
    assert (p2.verified.how, p2.verified.by, p2.verified.at) == ("profile", "Gw1", row[6])
    assert p2.notes == "子女在外地，每周来电" and p2.members == 1


def street_grid(ctx, code):
    from db.models import Grid

    with ctx.engine.connect() as conn:
        return conn.scalar(select(Grid.id).where(Grid.code == code))


def test_adding_a_member_stores_the_personal_information_encrypted(ctx, people):
    edit = _edit(
        members=3,
        added=(vp.NewMember("李四", phone="010-12345678", id_number=ID_NUMBER, tags=("党员",)),),
    )
    vp.edit_household(ctx, people["coord"], "H1", 1, edit)
    c = ctx.cipher
    with ctx.engine.connect() as conn:
        r = conn.execute(
            select(
                Resident.name_enc,
                Resident.name_hash,
                Resident.id_number_enc,
                Resident.id_number_hash,
                Resident.birth_date,
                Resident.gender,
                Resident.tags,
            ).where(Resident.code == "H1-01")
        ).one()
    assert c.decrypt("name", bytes(r[0])) == "李四" and r[1] == c.lookup_hash("name", "李四")
    assert c.decrypt("id_number", bytes(r[2])) == ID_NUMBER
    assert r[3] == c.lookup_hash("id_number", ID_NUMBER)
    assert (r[4].isoformat(), r[5], r[6]) == ("1980-01-01", "F", "党员")
    (entry,) = _audit(ctx)
    assert entry[3]["changes"] == {"members": [2, 3], "member:H1-01": [None, "李*"]}
    text = json.dumps(entry[3], ensure_ascii=False)
    assert "李四" not in text and ID_NUMBER not in text and "12345678" not in text
    # found by the new member's identity number, through the look-up hash
    hits = vs_households.find_households(ctx, people["coord"], ID_NUMBER)
    assert [h.code for h in hits] == ["H1"]


@pytest.mark.parametrize("who", ["gw2", "dept", "leader", "admin"])
def test_who_may_not_edit_is_refused_and_nothing_is_written(ctx, people, who):
    before = (_row(ctx), _residents(ctx), _audit(ctx, "*"), _counter(ctx))
    with pytest.raises(PermissionDenied):
        vp.edit_household(ctx, people[who], "H1", 1, _edit(members=5, phones={"R1": NEW_PHONE}))
    with pytest.raises(PermissionDenied):
        vp.confirm_household(ctx, people[who], "H1", 1)
    assert (_row(ctx), _residents(ctx), _audit(ctx, "*"), _counter(ctx)) == before


def test_a_read_only_session_may_not_edit(ctx, people):
    viewer = Actor.of("coord", {"coordinator"}, read_only=True)
    with pytest.raises(PermissionDenied, match="read-only"):
        vp.confirm_household(ctx, viewer, "H1", 1)
    assert _row(ctx)[5] == 1


def test_a_stale_edit_is_refused_naming_what_changed_and_who(ctx, people):
    seen = vs_households.household_profile(ctx, people["gw1"], "H1")  # the worker opens it
    vp.edit_household(
        ctx, people["coord"], "H1", 1, _edit(members=3, notes="新来的租客"), base=seen.state
    )
    before = (_row(ctx), _residents(ctx), len(_audit(ctx, "*")))
    with pytest.raises(ConflictError) as err:
        vp.edit_household(
            ctx, people["gw1"], "H1", 1, _edit(phones={"R1": NEW_PHONE}), base=seen.state
        )
    e = err.value
    assert (e.entity, e.code, e.expected_version, e.current_version) == ("household", "H1", 1, 2)
    (change,) = e.changes
    assert change.actor == "coord" and change.action == "household.edit"
    assert change.fields == {"members": (2, 3), "notes": (None, "新来的租客")}
    assert "changed by coord" in str(e)
    assert (_row(ctx), _residents(ctx), len(_audit(ctx, "*"))) == before
    # a confirmation on the stale version is refused the same way
    with pytest.raises(ConflictError):
        vp.confirm_household(ctx, people["gw1"], "H1", 1)
    assert _row(ctx)[5] == 2


def test_a_change_made_outside_the_workstation_is_not_overwritten(ctx, people):
    """An import updates the row without bumping the version: the base catches it."""
    seen = vs_households.household_profile(ctx, people["coord"], "H1")
    with ctx.engine.begin() as conn:
        conn.execute(update(Household).where(Household.code == "H1").values(members=5))
    with pytest.raises(ConflictError) as err:
        vp.edit_household(ctx, people["coord"], "H1", 1, _edit(notes="备注"), base=seen.state)
    (change,) = err.value.changes
    assert change.actor == "import" and change.fields == {"members": (2, 5)}
    assert _row(ctx)[4] is None


def test_confirming_and_visiting_set_the_last_verification(ctx, people):
    gw = people["gw1"]
    t0 = now()
    change = vp.confirm_household(ctx, gw, "H2", 1)
    p = vs_households.household_profile(ctx, gw, "H2")
    assert (p.verified.how, p.verified.by, p.version) == ("profile", "Gw1", 2)  # display name
    assert t0 <= p.verified.at == change.verified_at <= now()
    assert _audit(ctx) == [("gw1", "household.confirm", "H2", {"version": 2, "changes": {}})]
    # a later met-visit verifies it again (by the staff member who met them) ...
    vs_records.record_visit(
        ctx.engine, gw, household_code="H2", staff_code="S1", visited_at=now(), outcome="met"
    )
    p = vs_households.household_profile(ctx, gw, "H2")
    assert (p.verified.how, p.verified.by) == ("visit", "工作人员S1")
    # ... a visit that met nobody does not
    vs_records.record_visit(
        ctx.engine, gw, household_code="H1", staff_code="S1", visited_at=now(), outcome="not_home"
    )
    assert vs_households.household_profile(ctx, gw, "H1").verified.at is None
    # as of before the confirmation, it was not verified yet
    before = vs_households.household_profile(ctx, gw, "H2", t0 - timedelta(seconds=1))
    assert before.verified.at is None


def test_wrong_values_are_refused_and_nothing_is_written(ctx, people):
    coord = people["coord"]
    cases = [
        (_edit(notes="电话13912345678"), "notes"),
        (_edit(moved_out_on=now().date() + timedelta(days=1)), "moved_out_on"),
        (_edit(phones={"R1": "139****1111"}), "phone"),
        (_edit(phones={"R1": "12345"}), "phone"),
        (_edit(members=0), "members"),
        (_edit(special_groups=("rich",)), "special_groups"),
        (_edit(removed={"R1": "bored"}), "removed"),
        (_edit(added=(vp.NewMember(" "),)), "name"),
        (_edit(added=(vp.NewMember("赵六", id_number="110105198001011221"),)), "id_number"),
        (_edit(), "profile"),  # nothing changed
    ]
    for edit, name in cases:
        with pytest.raises(InvalidInput) as err:
            vp.edit_household(ctx, coord, "H1", 1, edit)
        assert err.value.field == name
    assert _row(ctx)[5] == 1 and _audit(ctx) == []


def test_moving_out_takes_the_household_out_of_the_visit_cadence(ctx, people):
    coord = people["coord"]
    today = now().date()
    assert "H2" in {r.household_code for r in plan_for_staff(ctx.engine, coord, "S1").rows}
    vp.edit_household(
        ctx, coord, "H2", 1, _edit(members=None, special_groups=(), moved_out_on=today)
    )
    p = vs_households.household_profile(ctx, coord, "H2")
    assert p.moved_out_on == today and not p.in_cadence
    assert "H2" not in {r.household_code for r in plan_for_staff(ctx.engine, coord, "S1").rows}
    (entry,) = _audit(ctx)
    assert entry[3]["changes"] == {"moved_out_on": [None, today.isoformat()]}


def test_the_grid_share_verified_in_the_last_30_days(ctx):
    """A hand-made street: G01 has 6 households not moved out by T, 3 verified."""
    b = Builder(ctx.engine)
    b.grid("G01")
    b.grid("G02")
    b.grid("G03")  # no households: no share
    b.staff("S1", "G01")
    t = at(2026, 11, 20, 10)
    window = timedelta(days=30)
    b.household("A", "G01")  # met 10 days before T: verified
    b.household("B", "G01")  # only found nobody home: not verified
    b.household("C", "G01")  # met 30 days and 1 s before T: too old
    b.household("D", "G01", verified_at=t - timedelta(days=29))  # confirmed: verified
    b.household("E", "G01", moved_out_on=t.date())  # moved out by T: not counted
    b.household("F", "G01")  # met exactly 30 days before T: verified (inclusive)
    b.household("G", "G01", verified_at=t + timedelta(hours=1))  # confirmed after T: no
    b.household("K", "G01", moved_out_on=t.date() + timedelta(days=1))  # still there at T
    b.household("Z", "G02")  # never verified
    b.visits(
        [
            {"household": "A", "visited_at": t - timedelta(days=10)},
            {"household": "B", "visited_at": t - timedelta(days=5), "outcome": "not_home"},
            {"household": "C", "visited_at": t - window - timedelta(seconds=1)},
            {"household": "E", "visited_at": t - timedelta(days=3)},
            {"household": "F", "visited_at": t - window},
            {"household": "G", "visited_at": t + timedelta(minutes=1)},
        ]
    )
    shares = vp.verification_by_grid(ctx.engine, Actor("w", "wall"), t)
    got = [(s.grid_code, s.households, s.verified, s.share) for s in shares]
    assert got == [("G01", 7, 3, 3 / 7), ("G02", 1, 0, 0.0), ("G03", 0, 0, None)]
    only = vp.verification_by_grid(ctx.engine, Actor("w", "wall"), t, grid_code="G02")
    assert [(s.grid_code, s.verified) for s in only] == [("G02", 0)]
    # the household profile shows its grid's share beside its own verification
    p = vs_households.household_profile(ctx, Actor("c", "coordinator"), "A", t)
    assert p.grid_share is not None and (p.grid_share.households, p.grid_share.verified) == (7, 3)
    assert (p.verified.how, p.verified.at) == ("visit", t - timedelta(days=10))


def test_no_personal_information_reaches_the_audit_log(ctx, people):
    vp.edit_household(
        ctx,
        people["coord"],
        "H1",
        1,
        _edit(
            phones={"R1": NEW_PHONE},
            tags={"R1": ("低保", "重病患者")},
            added=(vp.NewMember("李四", phone="13700001234", id_number=ID_NUMBER),),
        ),
    )
    with ctx.engine.connect() as conn:
        details = " ".join(conn.scalars(select(AuditLog.detail)))
        n = conn.scalar(select(func.count()).select_from(AuditLog))
    assert n == 1
    for secret in (NEW_PHONE, PHONE, "13700001234", ID_NUMBER, "李四", "张三", "重病患者"):
        assert secret not in details


def test_migration_0011_keeps_the_households_and_starts_them_at_version_1(engine):
    from db.engine import current_revision, downgrade, upgrade

    b = Builder(engine)
    b.household("H1", "G01", members=3)
    downgrade(engine, "0010")
    assert current_revision(engine) == "0010"
    with engine.connect() as conn:
        cols = {c["name"] for c in inspect(conn).get_columns("household")}
    assert not cols & {"notes", "verified_at", "verified_by", "version"}
    upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                Household.members, Household.notes, Household.verified_at, Household.version
            ).where(Household.code == "H1")
        ).one()
    assert tuple(row) == (3, None, None, 1)


def test_an_identity_number_names_one_resident(ctx, people):
    """A new member may not carry a number another resident has, nor share one with
    another new member: refused, nothing written; the database index backs it up."""
    coord = people["coord"]
    vp.edit_household(
        ctx, coord, "H1", 1, _edit(members=3, added=(vp.NewMember("李四", id_number=ID_NUMBER),))
    )
    before = _row(ctx, "H2")
    with pytest.raises(InvalidInput) as err:
        vp.edit_household(
            ctx,
            coord,
            "H2",
            1,
            _edit(members=2, added=(vp.NewMember("李娜", id_number=ID_NUMBER.lower()),)),
        )
    assert err.value.field == "id_number"
    assert "already recorded for resident H1-01: one identity number per resident" in str(err.value)
    twins = (vp.NewMember("赵一", id_number="110105198001011211"),) * 2
    with pytest.raises(InvalidInput) as err:
        vp.edit_household(ctx, coord, "H2", 1, _edit(members=3, added=twins))
    assert "赵* and 赵* have the same identity number" in str(err.value)
    assert _row(ctx, "H2") == before
    with ctx.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Resident)) == 3
    # the unique index refuses a second row with the same look-up hash
    digest = ctx.cipher.lookup_hash("id_number", ID_NUMBER)
    with pytest.raises(IntegrityError, match="id_number_hash"), ctx.engine.begin() as conn:
        conn.execute(
            insert(Resident).values(
                code="X1",
                household_id=street_household(ctx, "H2"),
                name_enc=ctx.cipher.encrypt("name", "钱七"),
                name_hash=ctx.cipher.lookup_hash("name", "钱七"),
                id_number_hash=digest,
            )
        )


def street_household(ctx, code):
    with ctx.engine.connect() as conn:
        return conn.scalar(select(Household.id).where(Household.code == code))
