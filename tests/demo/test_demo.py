"""`center demo`: the demo street's invariants, determinism and refusal, on a small street."""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree
from sqlalchemy import Engine, func, insert, inspect, select

from center.accounts.service import authenticate
from center.cli import main as cli_main
from center.context import open_context
from center.demo.build import DEMO_PASSWORD, DemoError, build_demo
from center.demo.geo import group_tiles, tessellate
from center.demo.people import id_check_digit, id_number_valid
from center.demo.profiles import (
    LAGGARD_CAP,
    DeptTraits,
    GridTraits,
    draw_dept_profiles,
    draw_grid_profiles,
    grid_kinds,
)
from center.kpi.assess import assess
from center.kpi.derive import recompute_repeats
from center.office.budget import budget_summary
from center.office.meetings import REASONS, board_view
from db.backup import DERIVED_TABLES
from db.models import (
    ITEM_STATUSES,
    SPECIAL_GROUPS,
    USER_ROLES,
    AgendaItem,
    AgendaItemCase,
    AgendaNote,
    AppUser,
    AuditLog,
    Base,
    Case,
    CaseEvent,
    ChangeCounter,
    Community,
    Grid,
    Household,
    HouseholdMonth,
    JointMeeting,
    Resident,
    Staff,
    Subcategory,
    UserRole,
    Visit,
)
from db.types import CST

AS_OF = datetime(2026, 11, 5, 9, 0, tzinfo=CST)
SMALL = {"scale": 0.1, "households_per_grid": 40, "as_of": AS_OF}  # 12 grids, ~480 homes
TINY = {"scale": 0.05, "households_per_grid": 20, "as_of": AS_OF}  # 6 grids, ~120 homes
# 12 grids, ~960 homes: with seasonal arrivals (a department's work comes in its season) a
# 40-household grid gives some departments a handful of cases a quarter, too few to grade
SPREAD = {"scale": 0.1, "households_per_grid": 80, "as_of": AS_OF}
CLOSED = {"resolved", "confirmed", "rated", "spot_checked", "not_our_remit", "no_action_needed"}
OPEN = {"received", "assigned", "accepted", "escalated"}


def _gb11643_ok(number: str) -> bool:
    """The identity-number check character, computed here independently of the code."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, …
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return number[17] == "10X98765432"[total % 11]


def _rows(engine: Engine, model, *cols):
    with engine.connect() as conn:
        return conn.execute(select(*cols) if cols else select(model)).all()


def _count(engine: Engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


# ------------------------------------------------------------------ pure parts


def test_identity_check_digit_of_the_standard_example():
    # GB 11643-1999 worked example: 11010519491231002X
    assert id_check_digit("11010519491231002") == "X"
    assert _gb11643_ok("11010519491231002X") and not _gb11643_ok("110105194912310021")
    assert id_number_valid("11010519491231002X")
    assert not id_number_valid("110105194912310021")
    assert not id_number_valid("1101051949123100")


@pytest.mark.parametrize("n_tiles, n_groups", [(120, 8), (1200, 80), (7, 2)])
def test_tessellation_has_no_gaps_no_overlaps_and_contiguous_groups(n_tiles, n_groups):
    rng = random.Random(5)
    tiles = tessellate(rng, n_tiles, (120.16, 30.27), (260.0, 230.0))
    assert len(tiles) == n_tiles
    polys = [t.polygon for t in tiles]
    for t in tiles:
        assert t.ring[0] == t.ring[-1] and len(t.ring) == 5
        assert t.polygon.is_valid and t.polygon.exterior.is_ccw
        assert json.loads(t.geojson)["coordinates"][0] == [list(p) for p in t.ring]
    tree = STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    for a, b in zip(left, right, strict=True):
        if a < b:
            assert polys[a].intersection(polys[b]).area < 1e-14
    union = shapely.union_all(polys)
    assert union.geom_type == "Polygon" and not union.interiors
    assert union.area == pytest.approx(sum(p.area for p in polys), rel=1e-9)
    group = group_tiles(rng, tiles, n_groups)
    assert sorted(set(group)) == list(range(n_groups))
    for g in range(n_groups):
        block = shapely.union_all([polys[k] for k in range(n_tiles) if group[k] == g])
        assert block.geom_type == "Polygon", f"group {g} is not contiguous"


@pytest.mark.parametrize(
    "n, expected",
    [
        (2, {"laggard": 1, "average": 1}),
        (6, {"laggard": 1, "improving": 1, "strong": 1, "weak": 1, "average": 2}),
        (12, {"laggard": 1, "improving": 1, "strong": 2, "weak": 2, "average": 6}),
        (
            120,
            {"laggard": 6, "improving": 6, "strong": 22, "weak": 19, "slipping": 2, "average": 65},
        ),
    ],
)
def test_grid_profile_quotas(n, expected):
    assert Counter(grid_kinds(n)) == expected


def test_profiles_laggards_stay_weak_and_improvers_improve():
    rng = random.Random(3)
    communities = [k % 8 for k in range(120)]
    profiles = draw_grid_profiles(rng, communities, 13)
    assert len(profiles) == 120 and all(len(p.quality) == 13 for p in profiles)
    for p in profiles:
        assert all(0 <= q <= 1 for q in p.quality)
        if p.kind == "laggard":
            assert max(p.quality) <= LAGGARD_CAP < 0.2  # every month
        elif p.kind == "improving":
            assert max(p.quality[:4]) < 0.35 and min(p.quality[-4:]) > 0.7
        elif p.kind == "slipping":
            assert min(p.quality[:5]) > 0.65 and max(p.quality[-3:]) < 0.45
        elif p.kind == "strong":
            assert min(p.quality) > 0.65
    depts = draw_dept_profiles(rng, ["D07", "D03", "D99"], 13)
    assert list(depts) == ["D03", "D07", "D99"]  # sorted: the draws do not depend on order
    assert depts["D07"].kind == "laggard" and depts["D99"].kind == "average"
    assert max(depts["D07"].quality) < min(depts["D03"].quality)
    # behaviour follows quality, in the direction a reader expects
    bad, good = GridTraits.of(0.05), GridTraits.of(0.95)
    assert bad.p_month_ok < good.p_month_ok and bad.late_response > good.late_response
    assert bad.late_close > good.late_close and bad.repeat > good.repeat
    slow, fast = DeptTraits.of(0.05), DeptTraits.of(0.95)
    assert slow.on_time < fast.on_time and slow.late_close > fast.late_close


# ------------------------------------------------------------- the small street


def _check_geography(engine: Engine, summary) -> None:
    grids = _rows(engine, Grid, Grid.id, Grid.code, Grid.name, Grid.geometry, Grid.community_id)
    assert len(grids) == summary.grids == 12
    assert _count(engine, Community) == summary.communities == 2
    polys = {}
    for gid, code, name, geometry, _ in grids:
        geo = json.loads(geometry)
        assert geo["type"] == "Polygon"
        ring = geo["coordinates"][0]
        assert ring[0] == ring[-1]
        poly = shape(geo)
        assert poly.is_valid and poly.exterior.is_ccw
        assert 120.1 < poly.centroid.x < 120.2 and 30.2 < poly.centroid.y < 30.3
        assert name.endswith("网格") and code.startswith("G")
        polys[gid] = poly
    plist = list(polys.values())
    for i in range(len(plist)):
        for j in range(i + 1, len(plist)):
            assert plist[i].intersection(plist[j]).area < 1e-14
    assert shapely.union_all(plist).geom_type == "Polygon"
    homes = _rows(
        engine, Household, Household.grid_id, Household.lon, Household.lat, Household.address
    )
    for gid, lon, lat, address in homes:
        assert polys[gid].contains(shapely.Point(lon, lat))
        assert re.fullmatch(r"\w+\d+幢\d单元\d{3,4}室", address), address
    assert len({a for *_, a in homes}) == len(homes)  # one address, one household
    per_grid = Counter(gid for gid, *_ in homes)
    assert min(per_grid.values()) >= 32 and max(per_grid.values()) <= 48


def _check_households_and_residents(ctx, summary) -> None:
    engine = ctx.engine
    homes = _rows(
        engine,
        Household,
        Household.id,
        Household.members,
        Household.special_groups,
        Household.is_special,
        Household.moved_out_on,
        Household.is_floating,
    )
    assert len(homes) == summary.households
    assert 384 <= len(homes) <= 576
    special = [h for h in homes if h.is_special]
    assert summary.special_households == len(special)
    assert 0.13 <= len(special) / len(homes) <= 0.27
    tags = Counter()
    for h in homes:
        groups = h.special_groups.split(";") if h.special_groups else []
        assert h.is_special == bool(groups)
        assert groups == [g for g in SPECIAL_GROUPS if g in groups]  # canonical order
        tags.update(groups)
        assert h.moved_out_on is None or h.moved_out_on < AS_OF.date()
    assert tags.most_common(1)[0][0] == "solo_elderly"
    assert any(h.special_groups.count(";") == 1 for h in homes)  # some with two tags
    assert 0 < sum(1 for h in homes if h.is_floating) < len(homes) / 3
    assert 0 < sum(1 for h in homes if h.moved_out_on) < len(homes) / 10
    residents = _rows(
        engine,
        Resident,
        Resident.household_id,
        Resident.name_enc,
        Resident.name_hash,
        Resident.id_number_enc,
        Resident.birth_date,
        Resident.gender,
        Resident.phone_enc,
        Resident.phone_hash,
    )
    assert len(residents) == summary.residents
    assert 2.0 <= len(residents) / len(homes) <= 2.7
    per_home = Counter(r.household_id for r in residents)
    assert all(per_home[h.id] == h.members >= 1 for h in homes)
    cipher = ctx.cipher
    ids = []
    for r in residents:
        name = cipher.decrypt("name", r.name_enc)
        assert 2 <= len(name) <= 4 and cipher.lookup_hash("name", name) == r.name_hash
        if r.id_number_enc is not None:
            number = cipher.decrypt("id_number", r.id_number_enc)
            assert len(number) == 18 and _gb11643_ok(number), "check digit"
            assert number.startswith("3301")
            assert number[6:14] == r.birth_date.strftime("%Y%m%d")
            assert int(number[16]) % 2 == (1 if r.gender == "M" else 0)
            ids.append(number)
        if r.phone_enc is not None:
            phone = cipher.decrypt("phone", r.phone_enc)
            assert len(phone) == 11 and phone[:2] in ("13", "15", "18") and phone.isdigit()
            assert cipher.lookup_hash("phone", phone) == r.phone_hash
    assert len(ids) == len(set(ids)) >= 0.95 * len(residents)
    staff = Counter(role for (role,) in _rows(engine, Staff, Staff.role))
    assert staff["grid_worker"] == 12 and staff["building_leader"] == 60
    assert staff["community_worker"] >= 2 and staff["volunteer"] >= 12
    assert staff["professional"] >= 1
    users = Counter(role for (role,) in _rows(engine, UserRole, UserRole.role))
    assert users["admin"] == 1 and users["coordinator"] >= 2 and users["department"] == 12
    assert users["assessor"] == 1 and users["leader"] == 1
    assert users["grid_worker"] == users["finance"] == users["wall"] == 1
    assert set(users) == set(USER_ROLES)  # one demo account per role at least
    assert dict(summary.accounts) == {
        "leader": "leader",
        "coordinator": "coord1",
        "department": "dept_d01",
        "grid_worker": "gridworker",
        "assessor": "assessor",
        "finance": "finance",
        "admin": "admin",
        "wall": "wall",
    }


def _check_visits(engine: Engine, summary) -> None:
    visits = _rows(
        engine,
        Visit,
        Visit.household_id,
        Visit.visited_at,
        Visit.recorded_at,
        Visit.lag_hours,
        Visit.outcome,
    )
    assert len(visits) == summary.visits
    outcomes = Counter(v.outcome for v in visits)
    assert outcomes["met"] > 0.8 * len(visits) and outcomes["not_home"] and outcomes["refused"]
    start = datetime(2025, 11, 1, tzinfo=CST)
    moved = dict(_rows(engine, Household, Household.id, Household.moved_out_on))
    lags = []
    for v in visits:
        assert start <= v.visited_at <= v.recorded_at <= AS_OF
        out = moved[v.household_id]
        assert out is None or v.visited_at.date() < out  # nobody visits an empty flat
        assert v.lag_hours == pytest.approx((v.recorded_at - v.visited_at).total_seconds() / 3600)
        lags.append(v.lag_hours)
    assert statistics.median(lags) < 2 and max(lags) > 24  # usually minutes, some days late
    met = defaultdict(list)
    for v in visits:
        if v.outcome == "met":
            met[(v.household_id, v.visited_at.year * 100 + v.visited_at.month)].append(v.visited_at)
    months = _rows(
        engine,
        HouseholdMonth,
        HouseholdMonth.household_id,
        HouseholdMonth.ym,
        HouseholdMonth.first_met_at,
        HouseholdMonth.second_met_at,
    )
    assert len(months) == len(met)
    for hh, ym, first, second in months:
        times = sorted(met[(hh, ym)])
        assert first == times[0] and second == (times[1] if len(times) > 1 else None)


def _check_cadence(engine: Engine, summary) -> None:
    """Most special households of a strong grid have 2 met-visits in most months; the
    weaker a grid's profile, the fewer; the persistent laggard misses most months."""
    grid_of = dict(_rows(engine, Grid, Grid.id, Grid.code))
    special = {
        hid: grid_of[gid]
        for hid, gid, sp, moved in _rows(
            engine,
            Household,
            Household.id,
            Household.grid_id,
            Household.is_special,
            Household.moved_out_on,
        )
        if sp and moved is None
    }
    full = {
        (hh, ym)
        for hh, ym, second in _rows(
            engine,
            HouseholdMonth,
            HouseholdMonth.household_id,
            HouseholdMonth.ym,
            HouseholdMonth.second_met_at,
        )
        if second is not None
    }
    months = [202606, 202607, 202608, 202609, 202610]
    share: dict[str, list[int]] = defaultdict(list)
    for hid, code in special.items():
        kind = summary.grid_profiles[code]
        share[kind].extend(1 if (hid, ym) in full else 0 for ym in months)
    rate = {kind: sum(v) / len(v) for kind, v in share.items()}
    assert Counter(summary.grid_profiles.values()) == {
        "laggard": 1, "improving": 1, "strong": 2, "weak": 2, "average": 6,
    }  # fmt: skip
    assert summary.lagging_grids == tuple(
        c for c, k in summary.grid_profiles.items() if k == "laggard"
    )
    assert summary.improving_grids == tuple(
        c for c, k in summary.grid_profiles.items() if k == "improving"
    )
    assert rate["strong"] >= 0.85 and rate["improving"] >= 0.8  # improved by June
    assert rate["strong"] > rate["average"] > rate["weak"] > rate["laggard"]
    assert rate["laggard"] <= 0.45  # ≈ 0.39 planned at its quality; a few dozen visits


def _check_cases(engine: Engine, summary) -> None:
    subs = dict(_rows(engine, Subcategory, Subcategory.id, Subcategory.code))
    rows = _rows(engine, Case)
    assert len(rows) == summary.cases
    homes = _count(engine, Household)
    years = (AS_OF - datetime(2024, 11, 1, tzinfo=CST)).days / 365  # the 24 months' history
    assert 1.7 * homes * years <= len(rows) <= 2.5 * homes * years  # ≈ 2 a household a year
    assert min(c.received_at for c in rows) >= datetime(2024, 11, 1, tzinfo=CST)
    assert {subs[c.subcategory_id] for c in rows} == set(subs.values())
    assert len(subs) == 20
    by_code = {c.id: c for c in rows}
    for c in rows:
        assert c.response_due_at == c.received_at + timedelta(hours=24)
        assert c.deadline_at is not None and c.deadline_at > c.received_at
        assert c.received_at <= AS_OF
        for col in (
            "first_response_at",
            "assigned_at",
            "accepted_at",
            "closed_at",
            "confirmed_at",
            "rated_at",
            "spot_checked_at",
            "escalated_at",
        ):
            value = getattr(c, col)
            assert value is None or c.received_at <= value <= AS_OF, (c.code, col)
        assert (c.dept_id is None) == (c.assigned_at is None)
        assert c.accepted_at is None or c.assigned_at <= c.accepted_at
        assert c.accept_due_at == (c.assigned_at + timedelta(hours=2) if c.assigned_at else None)
        assert c.on_the_spot_given and c.escalated_given
        if c.on_the_spot:
            assert c.source == "visit" and c.eff_closed_at == (c.closed_at or c.received_at)
        if c.status in CLOSED:
            assert c.eff_closed_at is not None
        else:
            assert c.status in OPEN and c.closed_at is None and not c.on_the_spot
        assert (c.satisfaction is not None) == (c.rated_at is not None)
        assert c.satisfaction is None or 1 <= c.satisfaction <= 5
        if c.status == "escalated":
            assert c.escalated and c.escalated_at is not None
        if c.reopened_from_id is not None:
            parent = by_code[c.reopened_from_id]
            assert parent.received_at < c.received_at and parent.closed_at <= c.received_at
            assert parent.household_id == c.household_id
    sources = Counter(c.source for c in rows)
    assert set(sources) == {"visit", "online", "hotline", "proactive"}
    assert 0.22 <= sources["proactive"] / len(rows) <= 0.4
    visit_cases = [c for c in rows if c.source == "visit"]
    assert 0.45 <= sum(c.on_the_spot for c in visit_cases) / len(visit_cases) <= 0.75
    rated = [c.satisfaction for c in rows if c.satisfaction]
    assert sum(1 for s in rated if s >= 4) / len(rated) >= 0.75
    assert any(c.reopened_from_id for c in rows) and any(c.is_repeat for c in rows)
    assert any(c.escalated for c in rows)
    assert {c.status for c in rows} >= {"received", "accepted", "rated", "resolved"}
    fresh = [
        c
        for c in rows
        if subs[c.subcategory_id][0] == "E"
        and c.status in OPEN
        and AS_OF - c.received_at <= timedelta(hours=6)
    ]
    assert len(fresh) >= 3
    with engine.begin() as conn:  # is_repeat is exactly what derive computes
        assert recompute_repeats(conn, None) == 0


def _check_office(engine: Engine, summary) -> None:
    meetings = _rows(engine, JointMeeting, JointMeeting.held_on, JointMeeting.status)
    assert len(meetings) == summary.meetings == 14  # Nov 2025 … Nov 2026 + December plan
    assert len({(d.year, d.month) for d, _ in meetings}) == 14
    assert all((s == "held") == (d < AS_OF.date()) for d, s in meetings)
    items = _rows(engine, AgendaItem)
    assert summary.agenda_items == sum(1 for i in items if i.accepted_at is not None)
    assert {i.status for i in items} <= set(ITEM_STATUSES)
    board = board_view(engine, AS_OF)
    counts = board.counts
    # a realistic mix: proposals, the next meeting's agenda, decided, in execution, done
    assert counts["proposed"] >= 3 and counts["on_agenda"] >= 1 and counts["done"] >= 10
    # (12 grids escalate a handful of cases a month: how many sit between decision and
    # done on the as-of day is chance; the full street has dozens)
    assert counts["decided"] + counts["in_execution"] >= 1
    assert board.overdue and board.next_meeting is not None
    assert board.next_meeting.date == date(2026, 11, 12) and board.next_meeting.time == "14:30"
    assert {r for p in board.columns["proposed"] for r in p.reasons} <= set(REASONS)
    accepted = [set((i.reasons or "").split(",")) for i in items if i.accepted_at is not None]
    assert any("escalated" in r for r in accepted)  # the escalated cases, and others:
    assert any(r & {"overdue", "bounced", "cluster"} and "escalated" not in r for r in accepted)
    assert any(i.kind == "topic" for i in items)  # added by hand
    assert any(i.status == "dropped" and i.drop_reason for i in items)
    for item in (i for i in items if i.status in ("decided", "in_execution", "done")):
        assert item.lead_dept_id and item.measures and item.due_on and item.decided_at
        assert (item.acked_at is not None) == (item.status != "decided")
        assert (item.closing_note is not None) == (item.status == "done")
    with engine.connect() as conn:
        escalated = set(conn.scalars(select(Case.code).where(Case.escalated)))
        linked = set(
            conn.scalars(
                select(Case.code)
                .join(AgendaItemCase, AgendaItemCase.case_id == Case.id)
                .join(AgendaItem, AgendaItem.id == AgendaItemCase.item_id)
                .where(AgendaItem.status.in_(("on_agenda", "decided", "in_execution", "done")))
            )
        )
        # every assignment names its department; some cases went to two departments
        assigns = conn.execute(
            select(CaseEvent.case_id, CaseEvent.dept_id).where(CaseEvent.kind == "assign")
        ).all()
        # every item's move has its history note and its audit row, by a demo account
        notes = conn.scalar(select(func.count()).select_from(AgendaNote)) or 0
        actors = set(conn.scalars(select(AuditLog.actor).where(AuditLog.action != "demo.build")))
    proposed = {c for p in board.columns["proposed"] if "escalated" in p.reasons for c in p.cases}
    assert escalated == (escalated & linked) | proposed  # on an agenda, else proposed
    assert escalated & linked and all(d is not None for _, d in assigns)
    per_case = defaultdict(set)
    for case_id, dept in assigns:
        per_case[case_id].add(dept)
    assert any(len(d) >= 2 for d in per_case.values())
    assert notes >= summary.agenda_items * 3
    assert {"coord1", "coord2", "coord3"} <= actors and any(a.startswith("dept_d") for a in actors)
    budget = budget_summary(engine, 2026, AS_OF)
    assert budget.households > 0 and budget.standard == 20 * budget.households
    assert 0 < budget.gap < budget.standard * 3 / 10  # most, not all, of the standard
    assert any(row.overspent for row in budget.by_category)
    assert sum(1 for row in budget.by_category if row.overspent) == 1
    assert all(row.spent > 0 for row in budget.by_quarter[:3])
    with engine.connect() as conn:
        assert min(conn.scalars(select(ChangeCounter.counter))) >= 1
        audit = conn.execute(select(AuditLog.action, AuditLog.detail).order_by(AuditLog.id)).all()
    assert audit[-1][0] == "demo.build"  # after the meetings the services ran
    builds = [json.loads(detail) for a, detail in audit if a == "demo.build"]
    assert len(builds) == 1 and builds[0]["seed"] == 29
    assert {a.split(".")[0] for a, _ in audit} >= {"meeting", "meeting_item"}


def test_small_street_invariants(ctx):
    summary = build_demo(ctx, seed=29, **SMALL)
    assert summary.street == "东湖街道" and summary.as_of == AS_OF and not summary.replaced
    _check_geography(ctx.engine, summary)
    _check_households_and_residents(ctx, summary)
    _check_visits(ctx.engine, summary)
    _check_cadence(ctx.engine, summary)
    _check_cases(ctx.engine, summary)
    _check_office(ctx.engine, summary)


# ------------------------------------------------------------- the scorecards


def _grades(engine: Engine, quarter: str, scope: str) -> dict[str, tuple[str, int]]:
    """Grade and rank of every unit in a quarter's scorecards (the assessment service)."""
    result = assess(engine, quarter=quarter, scope=scope, as_of=AS_OF)
    return {u.code: (u.grade, u.rank) for u in result.units if u.grade is not None}


def test_scorecards_spread_like_a_real_street(ctx):
    """Profiles drive the work, the spec's formula grades it: strong, average and weak
    grids and departments, a persistent laggard, an improving grid and department."""
    summary = build_demo(ctx, seed=20, **SPREAD)
    engine = ctx.engine
    assert summary.grade_quarter == "2026Q3"  # the last quarter that ended by 5 November
    assert summary.grades == {
        "grid": {"excellent": 4, "good": 5, "pass": 2, "fail": 1},
        "department": {"excellent": 4, "good": 3, "pass": 4, "fail": 1},
    }
    for scope in ("grid", "department"):  # the summary is what the service says
        counts = Counter(g for g, _ in _grades(engine, "2026Q3", scope).values())
        assert {g: n for g, n in summary.grades[scope].items() if n} == counts
    quarters = ("2026Q1", "2026Q2", "2026Q3")
    grids = {q: _grades(engine, q, "grid") for q in quarters}
    depts = {q: _grades(engine, q, "department") for q in quarters}
    (laggard,) = summary.lagging_grids
    (improving,) = summary.improving_grids
    for q in quarters:  # the persistent laggard: last, and failed, every quarter
        assert grids[q][laggard] == ("fail", 12), q
        assert depts[q]["D07"] == ("fail", 12), q  # 住建（物业监管）
        assert len({g for g, _ in grids[q].values()}) >= 3, q
    early, late = grids["2026Q1"][improving], grids["2026Q3"][improving]
    assert early[0] in ("pass", "fail") and late[0] == "excellent"
    assert early[1] - late[1] >= 6  # climbed at least half the table
    assert depts["2026Q1"]["D04"][0] == "fail" and depts["2026Q3"]["D04"][0] == "excellent"
    assert summary.dept_profiles["D04"] == "improving"
    kinds = summary.grid_profiles  # the strong lead, the weak trail (noise allowed)
    for q in quarters:
        rank = {k: [r for c, (_, r) in grids[q].items() if kinds[c] == k] for k in kinds.values()}
        assert max(rank["strong"]) < min(rank["weak"]), q
        assert statistics.mean(rank["average"]) < statistics.mean(rank["weak"]), q


# ------------------------------------------------------------------ determinism


def _snapshot(ctx) -> dict[str, list[tuple]]:
    """Every business table, with encrypted blobs replaced by their decrypted values."""
    out = {}
    with ctx.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_log", "change_counter", "setting"):
                continue  # wall-clock stamps and the key check, not demo content
            if table.name in DERIVED_TABLES:
                continue  # the kept KPI months: a cache of the KPIs, stamped when kept
            cols = list(table.columns)
            rows = []
            for row in conn.execute(select(*cols).order_by(*table.primary_key.columns)):
                values = []
                for col, value in zip(cols, row, strict=True):
                    if col.name.endswith("_enc") and value is not None:
                        value = ctx.cipher.decrypt(col.name[:-4], value)
                    values.append(value)
                rows.append(tuple(values))
            out[table.name] = rows
    return out


def _fresh_ctx(template, path):
    shutil.copy(template, path)
    return open_context(f"sqlite:///{path}")


def test_same_seed_and_as_of_give_identical_rows(_sqlite_template, tmp_path):
    snaps = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        ctx = _fresh_ctx(_sqlite_template, tmp_path / f"{name}.sqlite3")
        try:
            build_demo(ctx, seed=seed, **TINY)
            snaps.append(_snapshot(ctx))
            with ctx.engine.connect() as conn:  # the blobs themselves use fresh nonces
                blobs = conn.scalars(select(Resident.name_enc).order_by(Resident.id)).all()
            snaps[-1]["_blobs"] = [(b,) for b in blobs]
        finally:
            ctx.close()
    a, b, c = snaps
    assert a.pop("_blobs") != b.pop("_blobs")
    c.pop("_blobs")
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table
    assert a["household"] and a["cases"] and a["visit"] and a["resident"]
    assert a["household"] != c["household"] and a["cases"] != c["cases"]


@pytest.mark.parametrize("db_url", [pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
def test_postgresql_gets_the_same_street_as_sqlite(db_url, _sqlite_template, tmp_path):
    """The PostgreSQL bulk path (COPY) writes exactly what SQLite gets through INSERT."""
    snaps = []
    for ctx in (_fresh_ctx(_sqlite_template, tmp_path / "lite.sqlite3"), open_context(db_url)):
        try:
            build_demo(ctx, seed=8, **TINY)
            snaps.append(_snapshot(ctx))
        finally:
            ctx.close()
    lite, pg = snaps
    assert lite.keys() == pg.keys()
    for table in lite:
        assert lite[table] == pg[table], table


def test_demo_accounts_log_in_with_the_demo_password(ctx):
    summary = build_demo(ctx, seed=3, **TINY)
    assert DEMO_PASSWORD in summary.accounts_text()
    for role, name in summary.accounts:
        actor = authenticate(ctx.engine, name, DEMO_PASSWORD)
        assert role in actor.roles, name
    worker = authenticate(ctx.engine, "gridworker", DEMO_PASSWORD)
    assert worker.grid_code is not None and (worker.display_name or "").endswith("（网格员）")
    dept = authenticate(ctx.engine, "dept_d01", DEMO_PASSWORD)
    assert (dept.role, dept.dept_code) == ("department", "D01")


# --------------------------------------------------------------- refuse, replace


def test_refuses_a_database_with_a_street_and_replaces_on_request(ctx):
    first = build_demo(ctx, seed=1, **TINY)
    expected = "already holds the street “东湖街道” with 6 grids, .*--replace"
    with pytest.raises(DemoError, match=expected):
        build_demo(ctx, seed=2, **TINY)
    assert _count(ctx.engine, Household) == first.households
    second = build_demo(ctx, seed=2, replace=True, **TINY)
    assert second.replaced and second.users == 0  # the accounts stayed
    assert _count(ctx.engine, Household) == second.households != first.households
    assert _count(ctx.engine, Case) == second.cases
    assert _count(ctx.engine, AppUser) == first.users
    with ctx.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Grid)) == 6
        actions = conn.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert [a for a in actions if a.startswith("demo.")] == ["demo.build", "demo.build"]
    indexes = {ix["name"] for ix in inspect(ctx.engine).get_indexes("cases")}
    assert {"ix_case_received", "ix_cases_repeat_of_id"} <= set(indexes)


def test_refuses_other_business_data_without_a_street(ctx):
    with ctx.engine.begin() as conn:
        conn.execute(insert(Staff).values(code="S00001", name="志愿者", role="volunteer"))
    with pytest.raises(DemoError, match="already holds business data with 0 grids, .* 1 staff"):
        build_demo(ctx, seed=1, **TINY)
    assert _count(ctx.engine, Staff) == 1 and _count(ctx.engine, Household) == 0


def test_cancelling_from_the_progress_callback_writes_nothing(ctx):
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, label: str) -> None:
        seen.append((done, total, label))
        if label == "诉求工单":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_demo(ctx, seed=3, progress=progress, **TINY)
    for model in (Household, Visit, Resident, Grid, Staff, AppUser, Case):
        assert _count(ctx.engine, model) == 0
    dones = [d for d, _, _ in seen]
    assert dones == sorted(dones) and seen[0][1] == 1000


def test_cancelling_while_the_meetings_run_clears_the_street(ctx):
    """The meetings go through the services after the street is committed: a cancel
    there removes the street again."""

    seen: list[int] = []

    def progress(done: int, total: int, label: str) -> None:
        if label == "联席会议":
            seen.append(done)
            if len(seen) == 3:  # some meetings are written by then
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_demo(ctx, seed=3, progress=progress, **TINY)
    for model in (Household, Visit, Grid, Case, JointMeeting, AgendaItem, AgendaNote):
        assert _count(ctx.engine, model) == 0
    build_demo(ctx, seed=3, **TINY)  # and the demo can be built again at once
    assert _count(ctx.engine, JointMeeting) == 14


def test_progress_reaches_the_total(ctx):
    seen: list[int] = []
    build_demo(ctx, seed=3, progress=lambda d, t, label: seen.append(d), **TINY)
    assert seen == sorted(seen) and seen[-1] == 1000


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scale": 0}, "scale must be between"),
        ({"scale": 100}, "scale must be between"),
        ({"households_per_grid": 1}, "households per grid"),
        ({"seed": "x"}, "seed must be an integer"),
    ],
)
def test_bad_arguments_are_refused(ctx, kwargs, message):
    with pytest.raises(DemoError, match=message):
        build_demo(ctx, **{"as_of": AS_OF, **kwargs})
    assert _count(ctx.engine, Household) == 0


# ------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_builds_then_refuses(db_url, capsys):
    argv = ["demo", "--db", db_url, "--scale", "0.05", "--as-of", "2026-11-05T09:00"]
    assert cli_main(argv) == 0
    out = capsys.readouterr()
    assert "demo street 东湖街道" in out.out and "6 grids" in out.out
    assert "as of 2026-11-05T09:00:00+08:00" in out.out
    # it ends on the grade distribution of the last finished quarter's scorecards
    assert out.out.splitlines()[-4:] == [
        "  persistent laggards: G004; improving: G006",
        "  2026Q3 scorecards (季考核, the last finished quarter):",
        "    网格 (6): 优秀 2 (33%) · 良好 2 (33%) · 合格 1 (17%) · 不合格 1 (17%)",
        "    部门 (12): 优秀 4 (33%) · 良好 4 (33%) · 合格 3 (25%) · 不合格 1 (8%)",
    ]
    assert cli_main(argv) == 2
    assert "use --replace" in capsys.readouterr().err
    assert cli_main(["demo", "--db", db_url, "--as-of", "soon"]) == 2
    assert "--as-of: 'soon' is not an ISO 8601 timestamp" in capsys.readouterr().err
    engine_ctx = open_context(db_url)
    try:
        with engine_ctx.engine.connect() as conn:
            first_case = conn.scalar(select(func.min(Case.received_at)))
            last_case = conn.scalar(select(func.max(Case.received_at)))
    finally:
        engine_ctx.close()
    assert first_case >= datetime(2024, 11, 1, tzinfo=CST)  # 24 months of cases
    assert date(2026, 11, 5) == last_case.date() and last_case <= AS_OF


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_build_leaves_no_write_ahead_log_beside_the_street(ctx, db_url):
    # the street goes in as one transaction: its log (about the database's size) is
    # copied back and emptied at the end, while the context still has it open; the
    # scorecards computed after it keep a few pages
    build_demo(ctx, seed=29, **SMALL)
    path = Path(db_url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    size = path.stat().st_size
    assert size > 1_000_000
    # what the scorecards keep after the build is all the log holds
    assert not wal.exists() or wal.stat().st_size < size / 20, (wal.stat().st_size, size)
    with ctx.engine.connect() as conn:  # and everything is in the database
        assert conn.scalar(select(func.count()).select_from(Case)) > 0
