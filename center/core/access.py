"""Who is acting and what their role may do: :class:`Actor`, the role table of case
and household actions, and the checks every service write calls first.

A hidden button is not a permission check: the services call :func:`require_role`
before they read or write, and refuse with :class:`~center.core.errors.PermissionDenied`
(nothing written).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, func, select

from center.core.errors import PermissionDenied, UnknownUser
from db.models import AppUser, Department

# which roles may take an action ("department" only on cases assigned to its department)
ACTION_ROLES: dict[str, frozenset[str]] = {
    "intake": frozenset({"admin", "coordinator"}),
    "respond": frozenset({"admin", "coordinator", "department"}),
    "assign": frozenset({"admin", "coordinator"}),
    "accept": frozenset({"admin", "coordinator", "department"}),
    "resolve": frozenset({"admin", "coordinator", "department"}),
    "confirm": frozenset({"admin", "coordinator"}),
    "rate": frozenset({"admin", "coordinator"}),
    "spot_check": frozenset({"admin", "assessor"}),
    "escalate": frozenset({"admin", "coordinator"}),
    "not_our_remit": frozenset({"admin", "coordinator"}),
    "no_action_needed": frozenset({"admin", "coordinator", "department"}),
    "reopen": frozenset({"admin", "coordinator", "assessor"}),
    "edit": frozenset({"admin", "coordinator"}),
    "visit": frozenset({"admin", "coordinator"}),
    "reveal_pii": frozenset({"admin", "coordinator"}),
}
#: actions a department user may take only on cases assigned to their department
DEPARTMENT_BOUND = frozenset({"respond", "accept", "resolve", "no_action_needed"})


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user name, a role (``db.models.USER_ROLES``) and, for department
    users, their department."""

    name: str
    role: str
    dept_id: int | None = None
    dept_code: str | None = None

    def may(self, action: str) -> bool:
        return self.role in ACTION_ROLES.get(action, frozenset())


class AssignedCase(Protocol):
    """What the department check reads of a case."""

    @property
    def dept_id(self) -> int | None: ...


def require_role(actor: Actor, action: str, case: AssignedCase | None = None) -> None:
    """Refuse an action the actor's role may not take (department users: only on
    cases assigned to their department)."""
    if not actor.may(action):
        raise PermissionDenied(actor, action)
    if (
        case is not None
        and actor.role == "department"
        and action in DEPARTMENT_BOUND
        and case.dept_id != actor.dept_id
    ):
        raise PermissionDenied(actor, action, "the case is not assigned to your department")


def os_login() -> str:
    """The operating-system login (the actor of commands run without a named user)."""
    try:
        return getpass.getuser()[:60]
    except Exception:  # noqa: BLE001 - no user name in some service environments
        return "unknown"


def resolve_actor(engine: Engine, username: str) -> Actor:
    """The actor for ``username``.

    With no user accounts in the database at all (a single-user installation or the
    demo) everyone acts as ``admin``; once accounts exist, only active ones may act.
    """
    with engine.connect() as conn:
        any_user = conn.scalar(select(func.count()).select_from(AppUser))
        if not any_user:
            return Actor(username, "admin")
        row = conn.execute(
            select(AppUser.role, AppUser.dept_id, Department.code, AppUser.display_name)
            .outerjoin(Department, Department.id == AppUser.dept_id)
            .where(AppUser.username == username, AppUser.active.is_(True))
        ).first()
        if row is None:
            known = list(
                conn.scalars(
                    select(AppUser.username)
                    .where(AppUser.active.is_(True))
                    .order_by(AppUser.role != "coordinator", AppUser.username)
                    .limit(8)
                )
            )
            raise UnknownUser(username, known)
    return Actor(username, row[0], row[1], row[2])
