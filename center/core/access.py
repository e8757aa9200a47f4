"""Who is acting and what their roles may do: :class:`Actor`, the role × action table
of `spec/access.md`, and the checks every service write (and every personal-information
read) calls first.

A hidden button is not a permission check: the services call :func:`require_role`
before they read or write, and refuse with :class:`~center.core.errors.PermissionDenied`
(nothing written). An actor is made by logging in (:func:`center.accounts.authenticate`)
or, without a password, by :func:`resolve_actor` for work that writes nothing
(``read_only``: offscreen snapshots).

Some actions are bound to the case or household they touch:

* a ``department`` user responds to, accepts, resolves and closes only the cases
  assigned to its department (:data:`DEPARTMENT_BOUND`);
* a ``grid_worker`` records visits and on-site confirmations, takes cases and reveals
  residents only in its grid (:data:`GRID_BOUND`);
* a ``coordinator`` accepts or resolves a case only for a department that has no
  account of its own (:data:`FOR_DEPARTMENT`); the grant says so and the case event
  and audit row record it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, Connection, Engine, exists, false, or_, select

from center.core.errors import PermissionDenied, UnknownUser
from db.models import USER_ROLES, AppUser, Case, Department, Grid, Household, UserRole

ROLES: tuple[str, ...] = USER_ROLES
#: the order a user's roles are shown and tried in (the first is :attr:`Actor.role`)
ROLE_PRECEDENCE = (
    "admin",
    "coordinator",
    "assessor",
    "department",
    "grid_worker",
    "finance",
    "leader",
    "wall",
)
_ALL = frozenset(ROLES)


def _r(*roles: str) -> frozenset[str]:
    unknown = set(roles) - _ALL
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return frozenset(roles)


# Which roles may take an action (spec/access.md, "Roles"). README.md prints this
# table ("Roles and what they may do"); tests/core/test_access_matrix.py checks the
# services against it.
ACTION_ROLES: dict[str, frozenset[str]] = {
    # cases (center.cases.lifecycle)
    "intake": _r("coordinator", "grid_worker"),
    "respond": _r("coordinator", "department"),
    "assign": _r("coordinator"),
    "accept": _r("department", "coordinator"),
    "resolve": _r("department", "coordinator"),
    "confirm": _r("grid_worker", "coordinator"),
    "rate": _r("coordinator", "grid_worker"),
    "escalate": _r("coordinator"),
    "not_our_remit": _r("coordinator", "department"),
    "no_action_needed": _r("coordinator", "department"),
    "reopen": _r("coordinator", "assessor"),
    "edit": _r("coordinator"),
    "spot_check": _r("assessor"),
    # read the spot-check samples (case codes, households, addresses): the assessors who
    # make the calls, and coordinators read-only (they read every case already and take
    # up the cases a failed check reopens); never leader, finance or the wall
    "read_spot_checks": _r("assessor", "coordinator"),
    # visits and households (center.visits)
    "visit": _r("grid_worker", "coordinator"),
    "plan_visits": _r("coordinator", "grid_worker"),
    "read_cases": _r("coordinator", "department", "grid_worker", "assessor", "admin"),
    "read_households": _r("coordinator", "department", "grid_worker", "assessor", "admin"),
    "lookup_pi": _r("coordinator", "department", "grid_worker", "admin"),
    "reveal_pii": _r("coordinator", "department", "grid_worker"),
    # edit or confirm a household's profile (一户一档: center.visits.profile)
    "edit_household": _r("grid_worker", "coordinator"),
    "reveal_check_phone": _r("assessor"),
    # office
    "run_meetings": _r("coordinator"),
    "ack_meeting_item": _r("department", "coordinator"),
    "report_meeting_item": _r("department", "coordinator"),
    "close_meeting_item": _r("coordinator", "department"),
    "read_meetings": _ALL,
    "manage_budget": _r("finance"),
    "budget_settings": _r("finance", "admin"),
    "read_budget": _r("finance", "leader", "admin"),
    # reports (center.reporting)
    "build_report": _r("assessor"),
    "approve_report": _r("assessor"),
    # approve a report before its period ends, with a reason (an override)
    "approve_report_early": _r("admin"),
    # a joint meeting's agenda and minutes: who runs meetings, or an assessor
    "build_minutes": _r("coordinator", "assessor"),
    "approve_minutes": _r("coordinator", "assessor"),
    # administration
    "manage_accounts": _r("admin"),
    "set_target": _r("admin"),
    "set_holidays": _r("admin"),
    "change_settings": _r("admin"),
    "manage_database": _r("admin"),
    "adopt_key": _r("admin"),
    "import": _r("admin"),
    "export": _r("admin", "coordinator", "assessor"),
    "export_pi": _r("admin"),
    "read_audit": _r("admin", "assessor"),
    "read_aggregates": _ALL,
    # the suggestions drawn from the month's numbers (center.insight.suggest)
    "read_suggestions": _r("leader", "coordinator", "assessor"),
    # the demand forecast and its backtest (center.insight.forecast): counts per grid ×
    # category, an aggregate like the KPIs (the wall's forecast heat layer reads it)
    "read_forecast": _ALL,
}
#: a ``department`` user takes these only on cases assigned to its department
DEPARTMENT_BOUND = frozenset(
    {
        "respond",
        "accept",
        "resolve",
        "not_our_remit",
        "no_action_needed",
        "read_cases",
        "ack_meeting_item",
        "report_meeting_item",
        "close_meeting_item",
    }
)
#: a ``grid_worker`` takes these only on households (and their cases) of its grid
GRID_BOUND = frozenset(
    {
        "intake",
        "confirm",
        "rate",
        "visit",
        "reveal_pii",
        "read_households",
        "read_cases",
        "plan_visits",
        "edit_household",
    }
)
#: a ``coordinator`` takes these only for a department without an account of its own
FOR_DEPARTMENT = frozenset({"accept", "resolve", "ack_meeting_item", "report_meeting_item"})
#: what a read-only actor (no password given: snapshots) may still do
READ_ACTIONS = frozenset(
    {
        "read_aggregates",
        "read_households",
        "read_cases",
        "plan_visits",
        "read_meetings",
        "read_budget",
        "read_spot_checks",
        "read_suggestions",
        "read_forecast",
    }
)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user name, the roles they hold and, for a ``department`` user,
    the department, for a ``grid_worker`` the grid.

    ``Actor(name, role, dept_id, dept_code)`` is a one-role actor; ``roles`` names all of
    a user's roles (``role`` is then the first of them by :data:`ROLE_PRECEDENCE`, see
    :meth:`of`). ``read_only`` actors (resolved without a password) may look but not
    write."""

    name: str
    role: str
    dept_id: int | None = None
    dept_code: str | None = None
    roles: frozenset[str] = frozenset()
    grid_id: int | None = None
    grid_code: str | None = None
    display_name: str | None = None
    read_only: bool = False

    def __post_init__(self) -> None:
        if not self.roles:
            object.__setattr__(self, "roles", frozenset({self.role}))
        elif self.role not in self.roles:
            raise ValueError(f"role {self.role!r} is not one of the roles {sorted(self.roles)}")

    @classmethod
    def of(
        cls, name: str, roles: set[str] | frozenset[str] | tuple[str, ...], **kw: object
    ) -> Actor:
        """An actor holding ``roles`` (its :attr:`role` is the first by precedence)."""
        held = frozenset(roles)
        if not held:
            raise ValueError("an actor holds at least one role")
        return cls(name, primary_role(held), roles=held, **kw)  # type: ignore[arg-type]

    def has(self, role: str) -> bool:
        return role in self.roles

    def may(self, action: str) -> bool:
        """Whether one of the roles may take ``action`` somewhere (the bound actions
        are then checked against the case or household: :func:`require_role`)."""
        return bool(self.roles & ACTION_ROLES.get(action, frozenset()))

    @property
    def label(self) -> str:
        """The display name (else the user name)."""
        return self.display_name or self.name


def primary_role(roles: frozenset[str] | set[str]) -> str:
    return min(roles, key=lambda r: ROLE_PRECEDENCE.index(r) if r in ROLE_PRECEDENCE else 99)


class AssignedCase(Protocol):
    """What the bound checks read of a case (``grid_id`` where there is one)."""

    @property
    def dept_id(self) -> int | None: ...


@dataclass(frozen=True)
class Grant:
    """Which of the actor's roles allowed an action, and on whose behalf."""

    role: str
    #: a coordinator acting for this department (which has no account of its own)
    acting_for_dept: int | None = None


_UNSET = object()


def require_role(
    actor: Actor,
    action: str,
    case: AssignedCase | None = None,
    *,
    grid_id: int | None | object = _UNSET,
    dept_has_account: Callable[[int], bool] | None = None,
) -> Grant:
    """Refuse an action none of the actor's roles may take; return the grant.

    Without ``case`` and ``grid_id`` only the roles are checked. With them the bound
    actions are checked too: the case's department (``department``), the case's or
    household's grid (``grid_worker``: ``grid_id``, else ``case.grid_id``) and, for a
    coordinator accepting or resolving, ``dept_has_account(case.dept_id)`` (a
    department with an account does its own; without the callable it is assumed to
    have one)."""
    if actor.read_only and action not in READ_ACTIONS:
        raise PermissionDenied(actor, action, "this session is read-only (no login)")
    allowed = actor.roles & ACTION_ROLES.get(action, frozenset())
    if not allowed:
        raise PermissionDenied(actor, action)
    if case is None and grid_id is _UNSET:
        return Grant(primary_role(allowed))
    target_grid = grid_id if grid_id is not _UNSET else getattr(case, "grid_id", None)
    why = ""
    for role in sorted(allowed, key=ROLE_PRECEDENCE.index):
        if role == "department" and action in DEPARTMENT_BOUND:
            if case is not None and case.dept_id is not None and case.dept_id == actor.dept_id:
                return Grant(role)
            why = why or "the case is not assigned to your department"
        elif role == "grid_worker" and action in GRID_BOUND:
            if target_grid is not None and target_grid == actor.grid_id:
                return Grant(role)
            why = why or "the household is not in your grid"
        elif role == "coordinator" and action in FOR_DEPARTMENT and case is not None:
            dept = case.dept_id
            if dept is None:
                return Grant(role)
            if dept_has_account is not None and not dept_has_account(dept):
                return Grant(role, acting_for_dept=dept)
            why = why or "the case's department has an account of its own and does this itself"
        else:
            return Grant(role)
    raise PermissionDenied(actor, action, why)


def department_has_account(conn: Connection, dept_id: int) -> bool:
    """Whether an active ``department`` account belongs to ``dept_id``."""
    return bool(
        conn.scalar(
            select(
                exists().where(
                    AppUser.dept_id == dept_id,
                    AppUser.active.is_(True),
                    UserRole.user_id == AppUser.id,
                    UserRole.role == "department",
                )
            )
        )
    )


def require_household_scope(
    conn: Connection, actor: Actor, action: str, household_id: int
) -> Grant:
    """:func:`require_role` for an action on one household: a ``grid_worker`` only in
    its grid, a ``department`` user only where the household has a case assigned to
    its department (its own cases' residents); the other roles as the table says."""
    if actor.read_only and action not in READ_ACTIONS:
        raise PermissionDenied(actor, action, "this session is read-only (no login)")
    allowed = actor.roles & ACTION_ROLES.get(action, frozenset())
    if not allowed:
        raise PermissionDenied(actor, action)
    why = ""
    for role in sorted(allowed, key=ROLE_PRECEDENCE.index):
        if role == "grid_worker":
            grid = conn.scalar(select(Household.grid_id).where(Household.id == household_id))
            if grid is not None and grid == actor.grid_id:
                return Grant(role)
            why = why or "the household is not in your grid"
        elif role == "department":
            own = conn.scalar(
                select(
                    exists().where(
                        Case.household_id == household_id,
                        Case.dept_id == actor.dept_id,
                    )
                )
            )
            if actor.dept_id is not None and own:
                return Grant(role)
            why = why or "the household has no case of your department"
        else:
            return Grant(role)
    raise PermissionDenied(actor, action, why)


def _scoped_roles(actor: Actor, action: str) -> frozenset[str]:
    if actor.read_only and action not in READ_ACTIONS:
        raise PermissionDenied(actor, action, "this session is read-only (no login)")
    allowed = actor.roles & ACTION_ROLES.get(action, frozenset())
    if not allowed:
        raise PermissionDenied(actor, action)
    return allowed


def _own_dept(actor: Actor) -> ColumnElement[bool] | None:
    """``cases.dept_id`` is the actor's department (by id, else by code)."""
    if actor.dept_id is not None:
        return Case.dept_id == actor.dept_id
    if actor.dept_code:
        return Case.dept_id.in_(select(Department.id).where(Department.code == actor.dept_code))
    return None


def case_read_scope(actor: Actor, action: str = "read_cases") -> ColumnElement[bool] | None:
    """The extra WHERE on ``cases`` for a read of case lists and details: ``None`` for a
    role that reads every case (coordinator, assessor, admin); a ``department`` user
    only the cases assigned to its department, a ``grid_worker`` only the cases of its
    grid's households (either, for a user holding both). Refuses a role that may not
    read cases at all (:class:`PermissionDenied`)."""
    allowed = _scoped_roles(actor, action)
    if allowed - {"department", "grid_worker"}:
        return None
    conds: list[ColumnElement[bool]] = []
    if "department" in allowed and (own := _own_dept(actor)) is not None:
        conds.append(own)
    if "grid_worker" in allowed and actor.grid_id is not None:
        conds.append(
            Case.household_id.in_(select(Household.id).where(Household.grid_id == actor.grid_id))
        )
    return or_(*conds) if conds else false()


def household_read_scope(
    actor: Actor, action: str = "read_households"
) -> ColumnElement[bool] | None:
    """The extra WHERE on ``households`` for a household read (look-up): ``None`` for a
    role that reads every household; a ``grid_worker`` only its grid's, a
    ``department`` user only households with a case assigned to its department (as
    :func:`require_household_scope`). Refuses a role that may not read households."""
    allowed = _scoped_roles(actor, action)
    if allowed - {"department", "grid_worker"}:
        return None
    conds: list[ColumnElement[bool]] = []
    if "grid_worker" in allowed and actor.grid_id is not None:
        conds.append(Household.grid_id == actor.grid_id)
    if "department" in allowed and (own := _own_dept(actor)) is not None:
        conds.append(Household.id.in_(select(Case.household_id).where(own)))
    return or_(*conds) if conds else false()


def os_login() -> str:
    """The operating-system login (recorded beside the user of commands that run
    without a login: imports of the interchange service)."""
    try:
        return getpass.getuser()[:60]
    except Exception:  # noqa: BLE001 - no user name in some service environments
        return "unknown"


def load_actor(conn: Connection, username: str, *, read_only: bool = False) -> Actor | None:
    """The actor of the active account ``username`` (no password checked), or None."""
    row = conn.execute(
        select(
            AppUser.id,
            AppUser.dept_id,
            Department.code,
            AppUser.grid_id,
            Grid.code,
            AppUser.display_name,
        )
        .outerjoin(Department, Department.id == AppUser.dept_id)
        .outerjoin(Grid, Grid.id == AppUser.grid_id)
        .where(AppUser.username == username, AppUser.active.is_(True))
    ).first()
    if row is None:
        return None
    roles = frozenset(conn.scalars(select(UserRole.role).where(UserRole.user_id == row[0])))
    if not roles:
        return None
    return Actor.of(
        username,
        roles,
        dept_id=row[1],
        dept_code=row[2],
        grid_id=row[3],
        grid_code=row[4],
        display_name=row[5],
        read_only=read_only,
    )


def resolve_actor(engine: Engine, username: str, *, read_only: bool = False) -> Actor:
    """The actor of the active account ``username``, without a password: for work that
    writes nothing (``read_only``), or after :func:`center.accounts.authenticate`.

    There is no implicit user any more: a database without accounts has none to act
    (its first account is made with ``center user add NAME --role admin``)."""
    with engine.connect() as conn:
        actor = load_actor(conn, username, read_only=read_only)
        if actor is None:
            known = list(
                conn.scalars(
                    select(AppUser.username)
                    .where(AppUser.active.is_(True))
                    .order_by(AppUser.username)
                    .limit(8)
                )
            )
            raise UnknownUser(username, known)
    return actor
