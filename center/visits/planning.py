"""Visit planning: for one grid worker, the households of the worker's grid that
still need a visit in the current period, in route order (building by building,
door by door, so the round is walkable and the list does not reshuffle as the day's
visits are recorded), with who else knocked on the door in the last 14 days
(多头敲门); the route sheet as CSV.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from center.core.access import Actor, require_role
from center.core.clock import now
from center.core.errors import InvalidInput, NotFound
from center.interchange.files import neutralise
from center.visits.cadence import Cadence, cadence_status, in_scope
from db.models import (
    AppUser,
    Grid,
    Household,
    Staff,
    Visit,
)
from db.types import to_local

OTHERS_WINDOW = timedelta(days=14)
_CHUNK = 500


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
    #: met today and nothing more owed this period: kept in its place, marked done
    done_today: bool = False


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


def plannable_staff(engine: Engine, actor: Actor) -> list[StaffInfo]:
    """The staff whose visits ``actor`` may plan (:func:`grid_workers` for a
    coordinator); a grid worker plans only their own round: the staff member their
    account is (else their grid's workers, when the account names no staff member)."""
    require_role(actor, "plan_visits")
    everyone = grid_workers(engine)
    if "coordinator" in actor.roles:
        return everyone
    with engine.connect() as conn:
        own = conn.scalar(
            select(Staff.code)
            .join(AppUser, AppUser.staff_id == Staff.id)
            .where(AppUser.username == actor.name)
        )
    if own is not None:
        return [s for s in everyone if s.code == own and s.grid_code == actor.grid_code]
    return [s for s in everyone if actor.grid_code and s.grid_code == actor.grid_code]


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


def _met_today(c: Cadence, as_of: datetime) -> bool:
    return c.last_met_at is not None and to_local(c.last_met_at).date() == as_of.date()


def plan_for_staff(
    engine: Engine,
    actor: Actor,
    staff_code: str,
    as_of: datetime | None = None,
    *,
    include_ok: bool = False,
) -> VisitPlan:
    """The households of the staff member's grid due or overdue by cadence at ``as_of``,
    for an actor who may ``plan_visits`` there (a coordinator anywhere, a grid worker
    in its own grid).

    Order: the route: buildings in address order (``2号楼`` before ``10号楼``), inside a
    building door by door. The order does not depend on the cadence states, so
    recording the day's visits does not reshuffle the list: a household met today that
    owes nothing more this period stays in its place, marked done (``done_today``).
    """
    require_role(actor, "plan_visits")
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
        require_role(actor, "plan_visits", grid_id=staff[4])
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
        wanted = [
            h for h in homes if include_ok or cad[h[0]].remaining or _met_today(cad[h[0]], as_of)
        ]
        others = others_visited(conn, [h[0] for h in wanted], staff[0], as_of)
    by_building: dict[str, list[tuple[int, str, str, str, bool]]] = defaultdict(list)
    for h in wanted:
        by_building[building_key(h[2])].append(h)
    buildings = sorted(by_building.items(), key=lambda kv: natural_key(kv[0]))
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
                    done_today=not cad[hid].remaining and _met_today(cad[hid], as_of),
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
    per household in route order; text cells neutralised against formula injection like
    the exports (:func:`center.interchange.files.neutralise`). Returns the number of
    rows."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ROUTE_CSV_COLUMNS)
        for r in plan.rows:
            c = r.cadence
            cells: list[object] = [
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
                ";".join(f"{o.staff_code}@{o.visited_at:%Y-%m-%d}:{o.outcome}" for o in r.others),
                plan.staff.code,
            ]
            w.writerow([neutralise(v) if isinstance(v, str) else v for v in cells])
    return len(plan.rows)
