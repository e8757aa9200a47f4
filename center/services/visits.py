"""Households and visits: cadence, visit planning, recording visits, household look-up
and profile, revealing personal information on demand.

Cadence (`spec/kpi.md`): a special household needs 2 met-visits in every calendar
month, an ordinary household 1 met-visit in every calendar quarter. Only visits at
or before the evaluation instant count. The per-household month table
(:class:`db.models.HouseholdMonth`, first and second met-visit instants) answers
every cadence question without reading the visits.

Planning lists, for one grid worker, the households of the worker's grid that still
need a visit in the current period, most urgent first and grouped by building so the
round is walkable, and shows who else knocked on the door in the last 14 days
(多头敲门).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, func, or_, select
from sqlalchemy.exc import IntegrityError

from center.services.cases import (
    Actor,
    InvalidInput,
    NotFound,
    checked_instant,
    next_code,
    now,
    require_role,
    write_audit,
)
from center.services.context import AppContext
from center.services.derive import rebuild_household_months, visit_lag_hours
from center.services.pii import mask_id_number, mask_name, mask_phone
from db.changes import bump
from db.engine import transaction
from db.models import (
    VISIT_OUTCOMES,
    Case,
    Community,
    Grid,
    Household,
    HouseholdMonth,
    Resident,
    Staff,
    Subcategory,
    Visit,
)
from db.types import CST, period_instant, to_local

OTHERS_WINDOW = timedelta(days=14)
SPECIAL_PER_MONTH = 2
ORDINARY_PER_QUARTER = 1
_CHUNK = 500


# ------------------------------------------------------------------ periods


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    idx = d.year * 12 + d.month - 1 + n
    return date(idx // 12, idx % 12 + 1, 1)


def quarter_start(d: date) -> date:
    return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def _ym(d: date) -> int:
    return d.year * 100 + d.month


# ------------------------------------------------------------------ cadence


@dataclass(frozen=True)
class Cadence:
    """Where a household stands in its current cadence period at ``as_of``."""

    special: bool
    period: str  # "2026-11" (special) or "2026Q4" (ordinary)
    needed: int
    done: int
    due_by: datetime  # 00:00 of the first day of the next period
    missed_previous: bool  # the previous period's cadence was not met
    last_met_at: datetime | None

    @property
    def remaining(self) -> int:
        return max(0, self.needed - self.done)

    @property
    def state(self) -> str:
        """``ok`` (cadence met), ``overdue`` (behind since the last period) or ``due``."""
        if self.remaining == 0:
            return "ok"
        return "overdue" if self.missed_previous else "due"

    @property
    def next_due(self) -> datetime:
        """When the household next needs a visit by: the period end, or the next one's."""
        if self.remaining:
            return self.due_by
        d = self.due_by.date()
        nxt = add_months(d, 1) if self.special else add_months(d, 3)
        return period_instant(nxt)


def cadence_status(
    conn: Connection, households: Sequence[tuple[int, bool]], as_of: datetime
) -> dict[int, Cadence]:
    """Cadence per household id for ``(id, is_special)`` pairs at instant ``as_of``."""
    today = to_local(as_of).date()
    m0 = month_start(today)
    q0 = quarter_start(today)
    prev_m = add_months(m0, -1)
    prev_q = add_months(q0, -3)
    lo, hi = _ym(prev_q), _ym(m0)
    months: dict[int, dict[int, tuple[datetime, datetime | None]]] = defaultdict(dict)
    last_met: dict[int, datetime] = {}
    ids = [h for h, _ in households]
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        for hh, ym, first, second in conn.execute(
            select(
                HouseholdMonth.household_id,
                HouseholdMonth.ym,
                HouseholdMonth.first_met_at,
                HouseholdMonth.second_met_at,
            ).where(
                HouseholdMonth.household_id.in_(chunk),
                HouseholdMonth.ym >= lo,
                HouseholdMonth.ym <= hi,
            )
        ):
            months[hh][ym] = (first, second)
        for hh, at in conn.execute(
            select(Visit.household_id, func.max(Visit.visited_at))
            .where(
                Visit.household_id.in_(chunk),
                Visit.outcome == "met",
                Visit.visited_at <= as_of,
            )
            .group_by(Visit.household_id)
        ):
            last_met[hh] = at
    q_months = [_ym(add_months(q0, k)) for k in range(3) if add_months(q0, k) <= m0]
    pq_months = [_ym(add_months(prev_q, k)) for k in range(3)]

    def met_count(hh: int, ym: int) -> int:
        slot = months[hh].get(ym)
        if slot is None:
            return 0
        first, second = slot
        return int(first <= as_of) + int(second is not None and second <= as_of)

    out: dict[int, Cadence] = {}
    for hh, special in households:
        if special:
            done = min(SPECIAL_PER_MONTH, met_count(hh, _ym(m0)))
            missed = met_count(hh, _ym(prev_m)) < SPECIAL_PER_MONTH
            out[hh] = Cadence(
                True,
                f"{m0:%Y-%m}",
                SPECIAL_PER_MONTH,
                done,
                period_instant(add_months(m0, 1)),
                missed,
                last_met.get(hh),
            )
        else:
            done = int(any(met_count(hh, ym) for ym in q_months))
            missed = not any(met_count(hh, ym) for ym in pq_months)
            out[hh] = Cadence(
                False,
                f"{q0.year}Q{(q0.month - 1) // 3 + 1}",
                ORDINARY_PER_QUARTER,
                done,
                period_instant(add_months(q0, 3)),
                missed,
                last_met.get(hh),
            )
    return out


def in_scope(special: bool, moved_out_on: date | None, today: date) -> bool:
    """Still to be visited this period: not moved out before the next period begins."""
    if moved_out_on is None:
        return True
    nxt = add_months(month_start(today), 1) if special else add_months(quarter_start(today), 3)
    return moved_out_on >= nxt


# ------------------------------------------------------------------ buildings

_BUILDING = re.compile(r"(?:\d+|[A-Za-z])\s*(?:号楼|栋|幢|座)")
_STREET_NO = re.compile(r"\d+\s*号")
_NUM = re.compile(r"(\d+)")


def building_key(address: str) -> str:
    """The building part of an address: up to the first ``N号楼/栋/幢/座``
    (``幸福小区3号楼2单元501`` → ``幸福小区3号楼``), else up to the first ``N号``,
    else the whole address."""
    text = address.strip()
    m = _BUILDING.search(text) or _STREET_NO.search(text)
    return text[: m.end()] if m else text


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``2单元`` before ``10单元``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _NUM.split(text) if p)


# ------------------------------------------------------------------ planning


@dataclass(frozen=True)
class StaffInfo:
    code: str
    name: str
    role: str
    grid_code: str | None
    grid_name: str | None


@dataclass(frozen=True)
class OtherVisit:
    staff_code: str
    staff_name: str
    role: str
    visited_at: datetime
    outcome: str


@dataclass(frozen=True)
class PlanRow:
    order: int
    household_id: int
    household_code: str
    address: str
    building: str
    special_groups: tuple[str, ...]
    cadence: Cadence
    others: tuple[OtherVisit, ...]  # by other staff in the last 14 days, newest first


@dataclass(frozen=True)
class VisitPlan:
    staff: StaffInfo
    as_of: datetime
    rows: tuple[PlanRow, ...]

    @property
    def counts(self) -> dict[str, int]:
        out = {"overdue": 0, "due": 0, "ok": 0}
        for r in self.rows:
            out[r.cadence.state] += 1
        return out


def grid_workers(engine: Engine) -> list[StaffInfo]:
    """Active staff with a grid (grid workers and building leaders), by grid then code."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Staff.code, Staff.name, Staff.role, Grid.code, Grid.name)
            .join(Grid, Grid.id == Staff.grid_id)
            .where(Staff.active.is_(True), Staff.role.in_(("grid_worker", "building_leader")))
            .order_by(Grid.code, Staff.role != "grid_worker", Staff.code)
        ).all()
    return [StaffInfo(*r) for r in rows]


def others_visited(
    conn: Connection,
    household_ids: Iterable[int],
    staff_id: int | None,
    as_of: datetime,
    window: timedelta = OTHERS_WINDOW,
) -> dict[int, list[OtherVisit]]:
    """Visits (any outcome) by staff other than ``staff_id`` in (as_of − 14 days, as_of]."""
    ids = sorted(set(household_ids))
    out: dict[int, list[OtherVisit]] = defaultdict(list)
    for i in range(0, len(ids), _CHUNK):
        q = (
            select(
                Visit.household_id,
                Staff.code,
                Staff.name,
                Staff.role,
                Visit.visited_at,
                Visit.outcome,
            )
            .join(Staff, Staff.id == Visit.staff_id)
            .where(
                Visit.household_id.in_(ids[i : i + _CHUNK]),
                Visit.visited_at > as_of - window,
                Visit.visited_at <= as_of,
            )
            .order_by(Visit.visited_at.desc(), Visit.id.desc())
        )
        if staff_id is not None:
            q = q.where(Visit.staff_id != staff_id)
        for hh, code, name, role, at, outcome in conn.execute(q):
            out[hh].append(OtherVisit(code, name, role, at, outcome))
    return out


_STATE_RANK = {"overdue": 0, "due": 1, "ok": 2}
_NEVER = datetime(1900, 1, 1, tzinfo=CST)


def _urgency(c: Cadence) -> tuple[int, int, datetime]:
    return (_STATE_RANK[c.state], -c.remaining, c.last_met_at or _NEVER)


def plan_for_staff(
    engine: Engine, staff_code: str, as_of: datetime | None = None, *, include_ok: bool = False
) -> VisitPlan:
    """The households of the staff member's grid due or overdue by cadence at ``as_of``.

    Order: buildings by their most urgent household (overdue before due, more visits
    missing first, longest without a met-visit first); inside a building by address.
    """
    as_of = to_local(as_of) if as_of else now()
    today = as_of.date()
    with engine.connect() as conn:
        staff = conn.execute(
            select(
                Staff.id, Staff.code, Staff.name, Staff.role, Staff.grid_id, Grid.code, Grid.name
            )
            .outerjoin(Grid, Grid.id == Staff.grid_id)
            .where(Staff.code == staff_code)
        ).first()
        if staff is None:
            raise NotFound("staff", staff_code)
        info = StaffInfo(staff[1], staff[2], staff[3], staff[5], staff[6])
        if staff[4] is None:
            raise InvalidInput("staff", f"{staff_code} has no grid to plan visits for")
        homes = [
            (hid, code, addr, groups or "", bool(special))
            for hid, code, addr, groups, special, moved in conn.execute(
                select(
                    Household.id,
                    Household.code,
                    Household.address,
                    Household.special_groups,
                    Household.is_special,
                    Household.moved_out_on,
                ).where(Household.grid_id == staff[4])
            )
            if in_scope(bool(special), moved, today)
        ]
        cad = cadence_status(conn, [(h[0], h[4]) for h in homes], as_of)
        wanted = [h for h in homes if include_ok or cad[h[0]].remaining]
        others = others_visited(conn, [h[0] for h in wanted], staff[0], as_of)
    by_building: dict[str, list[tuple[int, str, str, str, bool]]] = defaultdict(list)
    for h in wanted:
        by_building[building_key(h[2])].append(h)
    buildings = sorted(
        by_building.items(),
        key=lambda kv: (min(_urgency(cad[h[0]]) for h in kv[1]), natural_key(kv[0])),
    )
    rows: list[PlanRow] = []
    for building, members in buildings:
        for hid, code, addr, groups, _special in sorted(
            members, key=lambda h: (natural_key(h[2]), h[1])
        ):
            rows.append(
                PlanRow(
                    order=len(rows) + 1,
                    household_id=hid,
                    household_code=code,
                    address=addr,
                    building=building,
                    special_groups=tuple(g for g in groups.split(";") if g),
                    cadence=cad[hid],
                    others=tuple(others.get(hid, [])),
                )
            )
    return VisitPlan(info, as_of, tuple(rows))


ROUTE_CSV_COLUMNS = (
    "order",
    "household_code",
    "grid_code",
    "address",
    "building",
    "special_groups",
    "period",
    "visits_needed",
    "visits_done",
    "due_by",
    "state",
    "last_met_at",
    "others_14d",
    "staff_code",
)


def write_route_csv(plan: VisitPlan, path: Path) -> int:
    """The route sheet for the mobile terminal: UTF-8 with BOM (opens in Excel), one row
    per household in route order. Returns the number of rows."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ROUTE_CSV_COLUMNS)
        for r in plan.rows:
            c = r.cadence
            w.writerow(
                [
                    r.order,
                    r.household_code,
                    plan.staff.grid_code or "",
                    r.address,
                    r.building,
                    ";".join(r.special_groups),
                    c.period,
                    c.needed,
                    c.done,
                    (c.due_by - timedelta(days=1)).date().isoformat(),
                    c.state,
                    c.last_met_at.isoformat() if c.last_met_at else "",
                    ";".join(
                        f"{o.staff_code}@{o.visited_at:%Y-%m-%d}:{o.outcome}" for o in r.others
                    ),
                    plan.staff.code,
                ]
            )
    return len(plan.rows)


# ------------------------------------------------------------------ recording visits


@dataclass(frozen=True)
class VisitChange:
    code: str
    household_code: str
    outcome: str
    others: tuple[OtherVisit, ...]  # what the 14-day check found before this visit
    domains: tuple[str, ...] = ("visits",)


def recent_visits_by_others(
    engine: Engine, household_code: str, staff_code: str | None, as_of: datetime | None = None
) -> list[OtherVisit]:
    """The 14-day check before knocking: visits by anyone but ``staff_code``."""
    as_of = to_local(as_of) if as_of else now()
    with engine.connect() as conn:
        hh = conn.scalar(select(Household.id).where(Household.code == household_code))
        if hh is None:
            raise NotFound("household", household_code)
        sid = None
        if staff_code:
            sid = conn.scalar(select(Staff.id).where(Staff.code == staff_code))
            if sid is None:
                raise NotFound("staff", staff_code)
        return others_visited(conn, [hh], sid, as_of).get(hh, [])


def record_visit(
    engine: Engine,
    actor: Actor,
    *,
    household_code: str,
    staff_code: str,
    visited_at: datetime,
    outcome: str,
    notes: str | None = None,
) -> VisitChange:
    """Record a visit entered now (``recorded_at`` = now, so the entry lag is real)."""
    require_role(actor, "visit")
    if outcome not in VISIT_OUTCOMES:
        raise InvalidInput("outcome", f"{outcome!r} is not one of {', '.join(VISIT_OUTCOMES)}")
    visited = checked_instant(visited_at, "visited_at")
    for attempt in range(4):
        try:
            with transaction(engine) as s:
                hh = s.scalar(select(Household.id).where(Household.code == household_code))
                if hh is None:
                    raise NotFound("household", household_code)
                staff = s.execute(
                    select(Staff.id, Staff.active).where(Staff.code == staff_code)
                ).first()
                if staff is None:
                    raise NotFound("staff", staff_code)
                if not staff[1]:
                    raise InvalidInput("staff", f"{staff_code} is no longer active")
                recorded = max(now(), visited)
                others = others_visited(s.connection(), [hh], staff[0], visited).get(hh, [])
                code = next_code(s.connection(), Visit, "V", visited.date())
                s.add(
                    Visit(
                        code=code,
                        household_id=hh,
                        staff_id=staff[0],
                        visited_at=visited,
                        outcome=outcome,
                        recorded_at=recorded,
                        recorded_is_default=False,
                        lag_hours=visit_lag_hours(visited, recorded),
                        notes=(notes or "").strip() or None,
                    )
                )
                s.flush()
                rebuild_household_months(s.connection(), [hh])
                write_audit(
                    s,
                    actor,
                    "visit.record",
                    code,
                    recorded,
                    {
                        "household": household_code,
                        "staff": staff_code,
                        "outcome": outcome,
                        "visited_at": visited,
                    },
                    entity="visit",
                )
                bump(s.connection(), "visits")
            return VisitChange(code, household_code, outcome, tuple(others))
        except IntegrityError:  # the code was taken by another workstation meanwhile
            if attempt == 3:
                raise
    raise AssertionError("unreachable")


# ------------------------------------------------------------------ look-up


@dataclass(frozen=True)
class HouseholdHit:
    code: str
    address: str
    grid_code: str
    grid_name: str
    special_groups: tuple[str, ...]
    matched_by: str  # code | name | phone | id_number | address
    resident: str  # a masked resident name ("" when the household has none)


def find_households(ctx: AppContext, text: str, limit: int = 20) -> list[HouseholdHit]:
    """Households by code (exact or prefix), by a resident's full name, phone or ID number
    (exact, through the keyed look-up hash; nothing is decrypted to search) or by a part
    of the address. Resident names come back masked."""
    text = text.strip()
    if not text:
        return []
    cipher = ctx.cipher
    found: dict[int, str] = {}
    masked_for: dict[int, str] = {}
    with ctx.engine.connect() as conn:
        for hid in conn.scalars(select(Household.id).where(Household.code == text)):
            found.setdefault(hid, "code")
        for fld, col in (
            ("name", Resident.name_hash),
            ("phone", Resident.phone_hash),
            ("id_number", Resident.id_number_hash),
        ):
            h = cipher.lookup_hash(fld, text)
            for hid, name_enc in conn.execute(
                select(Resident.household_id, Resident.name_enc).where(col == h).limit(limit)
            ):
                found.setdefault(hid, fld)
                masked_for.setdefault(hid, mask_name(cipher.decrypt("name", name_enc)))
        if len(found) < limit:
            like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            for hid, code in conn.execute(
                select(Household.id, Household.code)
                .where(
                    or_(
                        Household.code.like(like + "%", escape="\\"),
                        Household.address.like("%" + like + "%", escape="\\"),
                    )
                )
                .order_by(Household.code)
                .limit(limit)
            ):
                found.setdefault(hid, "code" if code.startswith(text) else "address")
        ids = list(found)[:limit]
        rows = {
            r[0]: r
            for r in conn.execute(
                select(
                    Household.id,
                    Household.code,
                    Household.address,
                    Grid.code,
                    Grid.name,
                    Household.special_groups,
                )
                .join(Grid, Grid.id == Household.grid_id)
                .where(Household.id.in_(ids))
            )
        }
        need = [h for h in ids if h not in masked_for]
        if need:
            first_res: dict[int, bytes] = {}
            for hid, enc in conn.execute(
                select(Resident.household_id, Resident.name_enc)
                .where(Resident.household_id.in_(need))
                .order_by(Resident.household_id, Resident.code)
            ):
                first_res.setdefault(hid, enc)
            for hid, enc in first_res.items():
                masked_for[hid] = mask_name(cipher.decrypt("name", enc))
    order = {"code": 0, "name": 1, "phone": 1, "id_number": 1, "address": 2}
    hits = [
        HouseholdHit(
            rows[h][1],
            rows[h][2],
            rows[h][3],
            rows[h][4],
            tuple(g for g in (rows[h][5] or "").split(";") if g),
            found[h],
            masked_for.get(h, ""),
        )
        for h in ids
        if h in rows
    ]
    hits.sort(key=lambda x: (order[x.matched_by], x.code))
    return hits


# ------------------------------------------------------------------ profile


@dataclass(frozen=True)
class ResidentRow:
    code: str
    name: str  # masked
    id_number: str  # masked
    phone: str  # masked
    birth_year: int | None
    gender: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class VisitRow:
    code: str
    visited_at: datetime
    recorded_at: datetime
    staff_code: str
    staff_name: str
    outcome: str
    notes: str | None


@dataclass(frozen=True)
class HouseholdCaseRow:
    code: str
    received_at: datetime
    subcategory_code: str
    subcategory_name: str
    subcategory_name_en: str
    status: str
    satisfaction: int | None


@dataclass(frozen=True)
class HouseholdProfile:
    code: str
    address: str
    grid_code: str
    grid_name: str
    community_name: str
    members: int | None
    special_groups: tuple[str, ...]
    is_floating: bool | None
    moved_out_on: date | None
    residents: tuple[ResidentRow, ...]
    visits: tuple[VisitRow, ...]  # newest first
    cases: tuple[HouseholdCaseRow, ...]  # newest first
    cadence: Cadence
    as_of: datetime


def household_profile(
    ctx: AppContext,
    code: str,
    as_of: datetime | None = None,
    *,
    visit_limit: int = 100,
    case_limit: int = 200,
) -> HouseholdProfile:
    """The 一户一档 view: members (masked), special groups, visits, cases, next visit due."""
    as_of = to_local(as_of) if as_of else now()
    cipher = ctx.cipher
    with ctx.engine.connect() as conn:
        hh = conn.execute(
            select(
                Household.id,
                Household.code,
                Household.address,
                Grid.code,
                Grid.name,
                Community.name,
                Household.members,
                Household.special_groups,
                Household.is_special,
                Household.is_floating,
                Household.moved_out_on,
            )
            .join(Grid, Grid.id == Household.grid_id)
            .join(Community, Community.id == Grid.community_id)
            .where(Household.code == code)
        ).first()
        if hh is None:
            raise NotFound("household", code)
        residents = tuple(
            ResidentRow(
                rcode,
                mask_name(cipher.decrypt("name", name_enc)),
                mask_id_number(cipher.decrypt("id_number", id_enc)) if id_enc else "",
                mask_phone(cipher.decrypt("phone", phone_enc)) if phone_enc else "",
                birth.year if birth else None,
                gender,
                tuple(t for t in (tags or "").split(";") if t),
            )
            for rcode, name_enc, id_enc, phone_enc, birth, gender, tags in conn.execute(
                select(
                    Resident.code,
                    Resident.name_enc,
                    Resident.id_number_enc,
                    Resident.phone_enc,
                    Resident.birth_date,
                    Resident.gender,
                    Resident.tags,
                )
                .where(Resident.household_id == hh[0])
                .order_by(Resident.code)
            )
        )
        visits = tuple(
            VisitRow(*r)
            for r in conn.execute(
                select(
                    Visit.code,
                    Visit.visited_at,
                    Visit.recorded_at,
                    Staff.code,
                    Staff.name,
                    Visit.outcome,
                    Visit.notes,
                )
                .join(Staff, Staff.id == Visit.staff_id)
                .where(Visit.household_id == hh[0], Visit.visited_at <= as_of)
                .order_by(Visit.visited_at.desc(), Visit.id.desc())
                .limit(visit_limit)
            )
        )
        cases = tuple(
            HouseholdCaseRow(*r)
            for r in conn.execute(
                select(
                    Case.code,
                    Case.received_at,
                    Subcategory.code,
                    Subcategory.name,
                    Subcategory.name_en,
                    Case.status,
                    Case.satisfaction,
                )
                .join(Subcategory, Subcategory.id == Case.subcategory_id)
                .where(Case.household_id == hh[0], Case.received_at <= as_of)
                .order_by(Case.received_at.desc(), Case.id.desc())
                .limit(case_limit)
            )
        )
        cadence = cadence_status(conn, [(hh[0], bool(hh[8]))], as_of)[hh[0]]
    return HouseholdProfile(
        code=hh[1],
        address=hh[2],
        grid_code=hh[3],
        grid_name=hh[4],
        community_name=hh[5],
        members=hh[6],
        special_groups=tuple(g for g in (hh[7] or "").split(";") if g),
        is_floating=hh[9],
        moved_out_on=hh[10],
        residents=residents,
        visits=visits,
        cases=cases,
        cadence=cadence,
        as_of=as_of,
    )


@dataclass(frozen=True)
class RevealedResident:
    code: str
    name: str
    id_number: str | None
    phone: str | None


def reveal_resident(
    ctx: AppContext, actor: Actor, resident_code: str, reason: str
) -> RevealedResident:
    """One resident's personal information in clear, for admins and coordinators only;
    every reveal is written to the audit log (who, when, which record, why)."""
    require_role(actor, "reveal_pii")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the personal information is needed")
    cipher = ctx.cipher
    with transaction(ctx.engine) as s:
        row = s.execute(
            select(Resident.name_enc, Resident.id_number_enc, Resident.phone_enc, Household.code)
            .join(Household, Household.id == Resident.household_id)
            .where(Resident.code == resident_code)
        ).first()
        if row is None:
            raise NotFound("resident", resident_code)
        write_audit(
            s,
            actor,
            "pii.reveal",
            resident_code,
            now(),
            {"household": row[3], "reason": reason[:200]},
            entity="resident",
        )
    return RevealedResident(
        resident_code,
        cipher.decrypt("name", row[0]),
        cipher.decrypt("id_number", row[1]) if row[1] else None,
        cipher.decrypt("phone", row[2]) if row[2] else None,
    )
