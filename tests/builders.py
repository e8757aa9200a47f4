"""Small test-data builders: streets, communities, grids, households, staff, visits,
cases and holiday overrides, written with every derived column filled exactly as
the product's writers fill them (:mod:`center.kpi.derive`).

Usage::

    b = Builder(engine)
    b.grid("G01", community="C01")            # creates street and community as needed
    b.household("H1", grid="G01", special_groups="solo_elderly")
    b.visit("H1", at(2026, 10, 3, 9))
    b.case("H1", at(2026, 10, 5, 9), first_response_at=at(2026, 10, 5, 10))

Each call is one transaction. Times are aware datetimes; :func:`at` makes +08:00 ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from center.kpi.calendar import WorkCalendar, load_calendar
from center.kpi.derive import (
    derive_case,
    rebuild_household_months,
    recompute_repeats,
    visit_lag_hours,
)
from db.models import (
    SPECIAL_GROUPS,
    Case,
    Community,
    Department,
    Grid,
    HolidayOverride,
    Household,
    Staff,
    Street,
    Subcategory,
    Visit,
)
from db.types import CST

SQUARE = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """An aware +08:00 instant."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=CST)


def canonical_groups(groups: str | Iterable[str]) -> str:
    items = groups.split(";") if isinstance(groups, str) else list(groups)
    wanted = {g.strip() for g in items if g.strip()}
    unknown = wanted - set(SPECIAL_GROUPS)
    if unknown:
        raise ValueError(f"unknown special groups {sorted(unknown)}")
    return ";".join(g for g in SPECIAL_GROUPS if g in wanted)


class Builder:
    """Inserts rows by code; ids are cached per code."""

    def __init__(self, engine: Engine, street: str = "测试街道") -> None:
        self.engine = engine
        self.street_name = street
        self._street_id: int | None = None
        self._ids: dict[tuple[str, str], int] = {}
        self._seq = 0
        self._cal: WorkCalendar | None = None

    # -- helpers ---------------------------------------------------------------

    def _next(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:05d}"

    def calendar(self) -> WorkCalendar:
        if self._cal is None:
            with self.engine.connect() as conn:
                self._cal = load_calendar(conn)
        return self._cal

    def id(self, kind: str, code: str) -> int:
        """Database id of a row this builder (or the seed) created, by code."""
        key = (kind, code)
        if key not in self._ids:
            model: Any = {
                "department": Department,
                "subcategory": Subcategory,
                "household": Household,
                "grid": Grid,
                "community": Community,
                "staff": Staff,
                "case": Case,
                "visit": Visit,
            }[kind]
            with self.engine.connect() as conn:
                found = conn.scalar(select(model.id).where(model.code == code))
            if found is None:
                raise KeyError(f"no {kind} with code {code!r}")
            self._ids[key] = found
        return self._ids[key]

    def _has(self, kind: str, code: str) -> bool:
        try:
            self.id(kind, code)
        except KeyError:
            return False
        return True

    # -- places and people -----------------------------------------------------

    def street(self) -> int:
        if self._street_id is None:
            with self.engine.begin() as conn:
                sid = conn.scalar(select(Street.id).where(Street.name == self.street_name))
                if sid is None:
                    sid = conn.execute(
                        insert(Street).values(name=self.street_name).returning(Street.id)
                    ).scalar_one()
            self._street_id = sid
        return self._street_id

    def community(self, code: str, name: str | None = None) -> int:
        if not self._has("community", code):
            sid = self.street()
            with self.engine.begin() as conn:
                new = conn.execute(
                    insert(Community)
                    .values(code=code, name=name or f"{code}社区", street_id=sid)
                    .returning(Community.id)
                ).scalar_one()
            self._ids[("community", code)] = new
        return self.id("community", code)

    def grid(self, code: str, community: str = "C01", name: str | None = None) -> int:
        if not self._has("grid", code):
            cid = self.community(community)
            with self.engine.begin() as conn:
                new = conn.execute(
                    insert(Grid)
                    .values(
                        code=code, name=name or f"{code}网格", community_id=cid, geometry=SQUARE
                    )
                    .returning(Grid.id)
                ).scalar_one()
            self._ids[("grid", code)] = new
        return self.id("grid", code)

    def household(
        self,
        code: str,
        grid: str = "G01",
        *,
        special_groups: str | Iterable[str] = "",
        moved_out_on: date | None = None,
        address: str | None = None,
        **extra: Any,
    ) -> int:
        gid = self.grid(grid)
        groups = canonical_groups(special_groups)
        with self.engine.begin() as conn:
            new = conn.execute(
                insert(Household)
                .values(
                    code=code,
                    grid_id=gid,
                    address=address or f"{code}号",
                    special_groups=groups,
                    is_special=groups != "",
                    moved_out_on=moved_out_on,
                    **extra,
                )
                .returning(Household.id)
            ).scalar_one()
        self._ids[("household", code)] = new
        return new

    def staff(self, code: str = "S001", grid: str | None = "G01", role: str = "grid_worker") -> int:
        if not self._has("staff", code):
            gid = self.grid(grid) if grid is not None else None
            with self.engine.begin() as conn:
                new = conn.execute(
                    insert(Staff)
                    .values(code=code, name=f"工作人员{code}", role=role, grid_id=gid, active=True)
                    .returning(Staff.id)
                ).scalar_one()
            self._ids[("staff", code)] = new
        return self.id("staff", code)

    def holiday(self, day: date, kind: str, name: str | None = None) -> None:
        """An administrator's override (``holiday`` or ``workday``); call before cases."""
        with self.engine.begin() as conn:
            conn.execute(insert(HolidayOverride).values(day=day, kind=kind, name=name))
        self._cal = None

    # -- visits ----------------------------------------------------------------

    def visits(self, rows: Iterable[Mapping[str, Any]]) -> list[int]:
        """Insert visits: dicts with ``household`` (code), ``visited_at`` and optional
        ``outcome`` (met), ``recorded_at`` (= visited_at), ``staff`` (code), ``code``."""
        prepared = []
        households = set()
        for r in rows:
            hid = self.id("household", r["household"])
            households.add(hid)
            visited = r["visited_at"]
            recorded = r.get("recorded_at") or visited
            prepared.append(
                {
                    "code": r.get("code") or self._next("V"),
                    "household_id": hid,
                    "staff_id": self.staff(r.get("staff", "S001")),
                    "visited_at": visited,
                    "outcome": r.get("outcome", "met"),
                    "recorded_at": recorded,
                    "recorded_is_default": r.get("recorded_at") is None,
                    "lag_hours": visit_lag_hours(visited, recorded),
                    "notes": r.get("notes"),
                }
            )
        if not prepared:
            return []
        with self.engine.begin() as conn:
            ids = [
                conn.execute(insert(Visit).values(**row).returning(Visit.id)).scalar_one()
                for row in prepared
            ]
            rebuild_household_months(conn, households)
        for row, vid in zip(prepared, ids, strict=True):
            self._ids[("visit", row["code"])] = vid
        return ids

    def visit(
        self,
        household: str,
        visited_at: datetime,
        outcome: str = "met",
        recorded_at: datetime | None = None,
        **extra: Any,
    ) -> int:
        row = {"household": household, "visited_at": visited_at, "outcome": outcome}
        if recorded_at is not None:
            row["recorded_at"] = recorded_at
        row.update(extra)
        return self.visits([row])[0]

    # -- cases -----------------------------------------------------------------

    def cases(self, rows: Iterable[Mapping[str, Any]]) -> list[int]:
        """Insert cases: dicts with ``household`` (code) and ``received_at``; optional
        ``code``, ``source`` (online), ``subcategory`` (code, L01), ``priority``,
        ``first_response_at``, ``dept`` (code), ``assigned_at``, ``accepted_at``,
        ``closed_at``, ``on_the_spot``, ``satisfaction``, ``reopened_from`` (case
        code), ``status``, ``grid`` (code; else no grid), ``escalated``,
        ``escalated_at``. Rows are inserted in order, so ``reopened_from`` may name
        a case of the same call."""
        cal = self.calendar()
        households = set()
        ids = []
        with self.engine.begin() as conn:
            for r in rows:
                hid = self.id("household", r["household"])
                households.add(hid)
                sub = r.get("subcategory", "L01")
                row: dict[str, Any] = {
                    "code": r.get("code") or self._next("K"),
                    "household_id": hid,
                    "source": r.get("source", "online"),
                    "subcategory_id": self.id("subcategory", sub),
                    "priority": r.get("priority", "24h"),
                    "priority_is_default": "priority" not in r,
                    "received_at": r["received_at"],
                    "first_response_at": r.get("first_response_at"),
                    "dept_id": self.id("department", r["dept"]) if r.get("dept") else None,
                    "assigned_at": r.get("assigned_at"),
                    "accepted_at": r.get("accepted_at"),
                    "closed_at": r.get("closed_at"),
                    "on_the_spot": bool(r.get("on_the_spot", False)),
                    "on_the_spot_given": "on_the_spot" in r,
                    "satisfaction": r.get("satisfaction"),
                    "reopened_from_id": (
                        self.id("case", r["reopened_from"]) if r.get("reopened_from") else None
                    ),
                    "status": r.get("status", "received"),
                    "grid_id": self.id("grid", r["grid"]) if r.get("grid") else None,
                    "escalated": bool(r.get("escalated", False)),
                    "escalated_given": "escalated" in r,
                    "escalated_at": r.get("escalated_at"),
                }
                derive_case(row, cal)
                cid = conn.execute(insert(Case).values(**row).returning(Case.id)).scalar_one()
                self._ids[("case", row["code"])] = cid
                ids.append(cid)
            recompute_repeats(conn, households)
        return ids

    def case(self, household: str, received_at: datetime, **fields: Any) -> int:
        return self.cases([{"household": household, "received_at": received_at, **fields}])[0]


# -- accounts ------------------------------------------------------------------

#: the password of the accounts :func:`account` makes
TEST_PASSWORD = "test-password"


def account(
    engine: Engine,
    username: str,
    *roles: str,
    dept: str | None = None,
    grid: str | None = None,
    password: str = TEST_PASSWORD,
) -> Any:
    """An account holding ``roles`` (a department user's ``dept``, a grid worker's
    ``grid``) with ``password``, written directly; returns its logged-in Actor."""
    from center.accounts.passwords import hash_password
    from center.core.access import load_actor
    from db.models import AppUser, UserRole

    with engine.begin() as conn:
        dept_id = (
            conn.scalar(select(Department.id).where(Department.code == dept)) if dept else None
        )
        grid_id = conn.scalar(select(Grid.id).where(Grid.code == grid)) if grid else None
        uid = conn.execute(
            insert(AppUser)
            .values(
                username=username,
                display_name=username.title(),
                dept_id=dept_id,
                grid_id=grid_id,
                password_hash=hash_password(password),
                failed_logins=0,
                active=True,
            )
            .returning(AppUser.id)
        ).scalar_one()
        conn.execute(insert(UserRole), [{"user_id": uid, "role": r} for r in roles])
        return load_actor(conn, username)


def within(seconds: float, fn: Callable[[], Any]) -> Any:
    """``fn()`` on a thread, failing the test if it has not returned after ``seconds``
    (an endless loop fails instead of hanging the suite)."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            out["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"no answer after {seconds} s: an endless loop"
    if "error" in out:
        raise out["error"]
    return out["value"]


def record_slices(monkeypatch: Any, module: Any, asked: list[int]) -> None:
    """Make ``module.fetch_sliced`` (:func:`db.engine.fetch_sliced`) record the size
    that each of its ``fetchmany`` calls asks for in ``asked``."""
    from db import engine as db_engine

    original = db_engine.fetch_sliced

    class Spy:
        def __init__(self, cursor: Any) -> None:
            self.cursor = cursor

        def fetchmany(self, size: int) -> Any:
            asked.append(size)
            return self.cursor.fetchmany(size)

    monkeypatch.setattr(module, "fetch_sliced", lambda cursor: original(Spy(cursor)))
