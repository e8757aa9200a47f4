"""Case lifecycle (闭环): the explicit state machine and every case write.

A case moves ``received → assigned (department) → accepted (started) → resolved
(closed) → confirmed (on site, by the grid worker) → rated (by the resident) →
spot_checked (by a supervisor)``. Beside that chain a case can be escalated to the
joint meeting, closed as *not our remit* or *no action needed* with a reason, and a
closed case can be reopened, which creates a new case linked by ``reopened_from``.

Every write here is one transaction that

* checks the caller's ``expected_version`` of the case (optimistic locking; on
  PostgreSQL the row is also locked with ``FOR UPDATE`` while it is changed). A
  stale edit raises :class:`ConflictError` carrying what the other person changed;
  nothing is written;
* refuses an illegal transition with :class:`TransitionError` and an action the
  actor's role may not take with :class:`PermissionDenied`;
* fills the derived columns (:func:`center.kpi.derive.derive_case`,
  :func:`~center.kpi.derive.recompute_repeats`);
* appends a :class:`~db.models.CaseEvent` (who, when, note) and an
  :class:`~db.models.AuditLog` row (who, when, which fields changed; never
  personal information, never free text), and bumps the ``cases`` change domain.

Errors carry structured attributes so the workstation can word them in the
user's language; ``str(error)`` is an English sentence for the command line.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from center.core.access import (
    ACTION_ROLES,
    DEPARTMENT_BOUND,
    FOR_DEPARTMENT,
    GRID_BOUND,
    Actor,
    Grant,
    case_read_scope,
    department_has_account,
    require_role,
)
from center.core.audit import jsonable, write_audit
from center.core.clock import checked_instant, now
from center.core.errors import (
    ChangeRecord,
    ConflictError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    UserError,
)
from center.core.tx import serialise_numbering, signal_change, transaction
from center.core.vocab import (
    CLOSED_STATUSES,
    HANDLED_STATUSES,
    OPEN_STATUSES,
    CaseStatus,
    statuses,
)
from center.kpi.calendar import load_calendar
from center.kpi.derive import REPEAT_WINDOW, derive_case, recompute_repeats
from db.models import (
    CASE_SOURCES,
    PRIORITIES,
    AuditLog,
    Case,
    CaseCounter,
    CaseEvent,
    Category,
    Department,
    Grid,
    Household,
    Subcategory,
)
from db.types import to_local

# ------------------------------------------------------------------ the state machine

# action -> (statuses it may start from, status it leads to; None = status unchanged)
S = CaseStatus
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "respond": (statuses(S.RECEIVED, S.ASSIGNED, S.ESCALATED), None),
    "assign": (statuses(S.RECEIVED, S.ASSIGNED, S.ESCALATED), S.ASSIGNED.value),
    "accept": (statuses(S.ASSIGNED), S.ACCEPTED.value),
    "resolve": (statuses(S.ACCEPTED, S.ESCALATED), S.RESOLVED.value),
    "confirm": (statuses(S.RESOLVED), S.CONFIRMED.value),
    "rate": (statuses(S.CONFIRMED), S.RATED.value),
    "spot_check": (HANDLED_STATUSES, S.SPOT_CHECKED.value),
    "escalate": (statuses(S.RECEIVED, S.ASSIGNED, S.ACCEPTED), S.ESCALATED.value),
    "not_our_remit": (statuses(S.RECEIVED, S.ASSIGNED, S.ESCALATED), S.NOT_OUR_REMIT.value),
    "no_action_needed": (
        statuses(S.RECEIVED, S.ASSIGNED, S.ACCEPTED, S.ESCALATED),
        S.NO_ACTION_NEEDED.value,
    ),
    "reopen": (CLOSED_STATUSES, None),
    "edit": (OPEN_STATUSES | CLOSED_STATUSES, None),
}
LIFECYCLE_ACTIONS = tuple(a for a in TRANSITIONS if a != "edit")

REASON_REQUIRED = frozenset({"not_our_remit", "no_action_needed", "reopen", "escalate"})

CALLBACK_MAX_RATING = 2
EDITABLE_FIELDS = ("summary", "priority", "subcategory_code", "address_note")


# ------------------------------------------------------------------ errors


class TransitionError(UserError):
    """An illegal transition: ``action`` is not allowed while the case is ``status``."""

    def __init__(self, code: str, action: str, status: str) -> None:
        allowed = sorted(TRANSITIONS.get(action, (frozenset(), None))[0])
        super().__init__(
            f"case {code}: cannot {action.replace('_', ' ')} a case that is {status} "
            f"(allowed from: {', '.join(allowed) or 'nowhere'})"
        )
        self.code = code
        self.action = action
        self.status = status


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class CaseChange:
    """What a write did (the change set views refresh on)."""

    code: str
    action: str
    version: int
    status: str
    created: str | None = None  # code of a case this write created (intake, reopen)
    callback_needed: bool = False  # a rating of 1-2: call the resident back
    domains: tuple[str, ...] = ("cases",)


# ------------------------------------------------------------------ reference data


@dataclass(frozen=True)
class SubcategoryInfo:
    code: str
    name: str
    name_en: str
    default_priority: str
    default_dept_code: str | None


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    name: str
    name_en: str
    subcategories: tuple[SubcategoryInfo, ...]


@dataclass(frozen=True)
class DepartmentInfo:
    code: str
    name: str
    name_en: str | None


def taxonomy(engine: Engine) -> list[CategoryInfo]:
    """Categories with their subcategories, default priority and department."""
    with engine.connect() as conn:
        cats = conn.execute(
            select(Category.id, Category.code, Category.name, Category.name_en).order_by(
                Category.sort_order, Category.code
            )
        ).all()
        subs = conn.execute(
            select(
                Subcategory.category_id,
                Subcategory.code,
                Subcategory.name,
                Subcategory.name_en,
                Subcategory.default_priority,
                Department.code,
            )
            .outerjoin(Department, Department.id == Subcategory.default_dept_id)
            .order_by(Subcategory.code)
        ).all()
    by_cat: dict[int, list[SubcategoryInfo]] = {}
    for cat_id, code, name, name_en, prio, dept in subs:
        by_cat.setdefault(cat_id, []).append(SubcategoryInfo(code, name, name_en, prio, dept))
    return [
        CategoryInfo(code, name, name_en, tuple(by_cat.get(cid, [])))
        for cid, code, name, name_en in cats
    ]


def departments(engine: Engine) -> list[DepartmentInfo]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Department.code, Department.name, Department.name_en).order_by(Department.code)
        ).all()
    return [DepartmentInfo(*r) for r in rows]


def proposal(engine: Engine, subcategory_code: str) -> tuple[str, str | None]:
    """Default priority and department code that triage proposes for a subcategory."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Subcategory.default_priority, Department.code)
            .outerjoin(Department, Department.id == Subcategory.default_dept_id)
            .where(Subcategory.code == subcategory_code)
        ).first()
    if row is None:
        raise NotFound("subcategory", subcategory_code)
    return row[0], row[1]


# ------------------------------------------------------------------ reads


_ACTING_FOR = re.compile(r"^\[代 ([^\]\s]+)\]\s*")


@dataclass(frozen=True)
class EventRow:
    at: datetime
    actor: str
    kind: str
    from_status: str | None
    to_status: str | None
    note: str | None
    #: the department an ``assign`` event routed the case to
    dept_code: str | None = None
    dept_name: str | None = None
    dept_name_en: str | None = None
    #: the department a coordinator acted for (the note's ``[代 D06]``)
    acting_for: str | None = None
    acting_for_name: str | None = None
    acting_for_name_en: str | None = None

    @property
    def remark(self) -> str | None:
        """The note as a person wrote it: without the ``[代 …]`` mark (named by
        ``acting_for``), and nothing for an ``assign`` note that is only the
        department's code (imported histories carry it; ``dept_name`` names it)."""
        text = _ACTING_FOR.sub("", self.note or "").strip()
        if self.kind == "assign" and self.dept_code and text == self.dept_code:
            return None
        return text or None


@dataclass(frozen=True)
class CaseDetail:
    id: int
    code: str
    version: int
    status: str
    status_reason: str | None
    household_code: str
    address: str
    grid_code: str
    grid_name: str
    source: str
    category_code: str
    category_name: str
    category_name_en: str
    subcategory_code: str
    subcategory_name: str
    subcategory_name_en: str
    priority: str
    dept_code: str | None
    dept_name: str | None
    dept_name_en: str | None
    received_at: datetime
    first_response_at: datetime | None
    assigned_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    confirmed_at: datetime | None
    rated_at: datetime | None
    spot_checked_at: datetime | None
    spot_check_ok: bool | None
    satisfaction: int | None
    on_the_spot: bool
    escalated: bool
    escalated_at: datetime | None
    summary: str | None
    address_note: str | None
    eff_response_at: datetime | None
    eff_closed_at: datetime | None
    response_due_at: datetime
    accept_due_at: datetime | None
    deadline_at: datetime
    deadline_provisional: bool
    is_repeat: bool
    reopened_from: str | None
    repeat_of: str | None
    reopened_by: tuple[str, ...]
    events: tuple[EventRow, ...] = field(default=())
    # whether the case's department has an account of its own (else a coordinator
    # accepts and resolves for it)
    dept_has_account: bool = True

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def case_detail(engine: Engine, actor: Actor, code: str) -> CaseDetail:
    """Everything the case view shows, including the event timeline (oldest first), for
    an actor who may read the case (``read_cases``: a department user its own
    department's cases, a grid worker its grid's; never leader, finance or wall)."""
    scope = case_read_scope(actor)
    with Session(engine) as session:
        return _detail(session, code, scope, actor)


def _events(conn: Session, case_id: int) -> tuple[EventRow, ...]:
    """The case's history, oldest first, its departments named (the department an
    assignment went to, the one a coordinator acted for)."""
    rows = conn.execute(
        select(
            CaseEvent.at,
            CaseEvent.actor,
            CaseEvent.kind,
            CaseEvent.from_status,
            CaseEvent.to_status,
            CaseEvent.note,
            Department.code,
            Department.name,
            Department.name_en,
        )
        .outerjoin(Department, Department.id == CaseEvent.dept_id)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    acting = {m.group(1) for r in rows if (m := _ACTING_FOR.match(r[5] or "")) is not None}
    names: dict[str, tuple[str, str | None]] = {}
    if acting:
        names = {
            code: (name, name_en)
            for code, name, name_en in conn.execute(
                select(Department.code, Department.name, Department.name_en).where(
                    Department.code.in_(sorted(acting))
                )
            )
        }
    out = []
    for at_, actor, kind, frm, to, note, dcode, dname, dname_en in rows:
        m = _ACTING_FOR.match(note or "")
        code = m.group(1) if m is not None else None
        name, name_en = names.get(code or "", (None, None))
        out.append(
            EventRow(at_, actor, kind, frm, to, note, dcode, dname, dname_en, code, name, name_en)
        )
    return tuple(out)


def _detail(conn: Session, code: str, scope: Any = None, actor: Actor | None = None) -> CaseDetail:
    origin = aliased(Case)
    repeat = aliased(Case)
    row = conn.execute(
        select(
            Case,
            Household.code,
            Household.address,
            Grid.code,
            Grid.name,
            Category.code,
            Category.name,
            Category.name_en,
            Subcategory.code,
            Subcategory.name,
            Subcategory.name_en,
            Department.code,
            Department.name,
            Department.name_en,
            origin.code,
            repeat.code,
        )
        .join(Household, Household.id == Case.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        .join(Subcategory, Subcategory.id == Case.subcategory_id)
        .join(Category, Category.id == Subcategory.category_id)
        .outerjoin(Department, Department.id == Case.dept_id)
        .outerjoin(origin, origin.id == Case.reopened_from_id)
        .outerjoin(repeat, repeat.id == Case.repeat_of_id)
        .where(Case.code == code, *([scope] if scope is not None else []))
    ).first()
    if row is None:
        if (
            scope is not None
            and actor is not None
            and conn.scalar(select(Case.id).where(Case.code == code))
        ):
            raise PermissionDenied(actor, "read_cases", "the case is not one you may read")
        raise NotFound("case", code)
    c = row[0]
    (hh, addr, gcode, gname, ccode, cname, cname_en, scode, sname, sname_en) = cast(
        "tuple[str, str, str, str, str, str, str, str, str, str]", row[1:11]
    )
    (dcode, dname, dname_en, origin_code, repeat_code) = cast(
        "tuple[str | None, str | None, str | None, str | None, str | None]", row[11:16]
    )
    children = tuple(
        conn.scalars(
            select(Case.code).where(Case.reopened_from_id == c.id).order_by(Case.received_at)
        )
    )
    events = _events(conn, c.id)
    return CaseDetail(
        id=c.id,
        code=c.code,
        version=c.version,
        status=c.status,
        status_reason=c.status_reason,
        household_code=hh,
        address=addr,
        grid_code=gcode,
        grid_name=gname,
        source=c.source,
        category_code=ccode,
        category_name=cname,
        category_name_en=cname_en,
        subcategory_code=scode,
        subcategory_name=sname,
        subcategory_name_en=sname_en,
        priority=c.priority,
        dept_code=dcode,
        dept_name=dname,
        dept_name_en=dname_en,
        received_at=c.received_at,
        first_response_at=c.first_response_at,
        assigned_at=c.assigned_at,
        accepted_at=c.accepted_at,
        closed_at=c.closed_at,
        confirmed_at=c.confirmed_at,
        rated_at=c.rated_at,
        spot_checked_at=c.spot_checked_at,
        spot_check_ok=c.spot_check_ok,
        satisfaction=c.satisfaction,
        on_the_spot=bool(c.on_the_spot),
        escalated=bool(c.escalated),
        escalated_at=c.escalated_at,
        summary=c.summary,
        address_note=c.address_note,
        eff_response_at=c.eff_response_at,
        eff_closed_at=c.eff_closed_at,
        response_due_at=c.response_due_at,
        accept_due_at=c.accept_due_at,
        deadline_at=c.deadline_at,
        deadline_provisional=bool(c.deadline_provisional),
        is_repeat=bool(c.is_repeat),
        reopened_from=origin_code,
        repeat_of=repeat_code,
        reopened_by=children,
        events=events,
        dept_has_account=(
            department_has_account(conn.connection(), c.dept_id) if c.dept_id else False
        ),
    )


def allowed_actions(
    status: str,
    actor: Actor,
    dept_code: str | None = None,
    *,
    grid_code: str | None = None,
    dept_has_account: bool = True,
) -> list[str]:
    """Lifecycle actions the actor may take on a case in ``status`` assigned to
    ``dept_code`` in ``grid_code`` (for the UI; the writes check the same rules,
    :func:`center.core.access.require_role`)."""
    out = []
    for action in LIFECYCLE_ACTIONS:
        starts, _ = TRANSITIONS[action]
        if status in starts and _may_on_case(actor, action, dept_code, grid_code, dept_has_account):
            out.append(action)
    return out


def _may_on_case(
    actor: Actor, action: str, dept_code: str | None, grid_code: str | None, has_account: bool
) -> bool:
    for role in actor.roles:
        if role not in ACTION_ROLES.get(action, frozenset()):
            continue
        if role == "department" and action in DEPARTMENT_BOUND:
            if dept_code is not None and dept_code == actor.dept_code:
                return True
        elif role == "grid_worker" and action in GRID_BOUND:
            if grid_code is not None and grid_code == actor.grid_code:
                return True
        elif role == "coordinator" and action in FOR_DEPARTMENT:
            if dept_code is None or not has_account:
                return True
        else:
            return True
    return False


# ------------------------------------------------------------------ repeat suggestion


@dataclass(frozen=True)
class RepeatCandidate:
    code: str
    received_at: datetime
    status: str
    summary: str | None
    is_open: bool


def repeat_candidates(
    engine: Engine, household_code: str, subcategory_code: str, as_of: datetime | None = None
) -> list[RepeatCandidate]:
    """The household's cases of the same subcategory that are open, or were received in
    the 30 days (720 h) up to ``as_of``: shown before a new case is saved, newest first."""
    as_of = to_local(as_of) if as_of else now()
    with engine.connect() as conn:
        hh = conn.scalar(select(Household.id).where(Household.code == household_code))
        if hh is None:
            raise NotFound("household", household_code)
        sub = conn.scalar(select(Subcategory.id).where(Subcategory.code == subcategory_code))
        if sub is None:
            raise NotFound("subcategory", subcategory_code)
        rows = conn.execute(
            select(Case.code, Case.received_at, Case.status, Case.summary)
            .where(
                Case.household_id == hh,
                Case.subcategory_id == sub,
                Case.received_at <= as_of,
                Case.status.in_(OPEN_STATUSES) | (Case.received_at >= as_of - REPEAT_WINDOW),
            )
            .order_by(Case.received_at.desc(), Case.id.desc())
        ).all()
    return [RepeatCandidate(c, r, s, m, s in OPEN_STATUSES) for c, r, s, m in rows]


# ------------------------------------------------------------------ helpers


def _fill_derived(s: Session, case: Case) -> None:
    row = {
        "received_at": case.received_at,
        "on_the_spot": case.on_the_spot,
        "first_response_at": case.first_response_at,
        "closed_at": case.closed_at,
        "assigned_at": case.assigned_at,
    }
    derive_case(row, load_calendar(s.connection()))
    for key in (
        "eff_response_at",
        "eff_closed_at",
        "response_micros",
        "response_due_at",
        "accept_due_at",
        "deadline_at",
        "deadline_provisional",
    ):
        if getattr(case, key) != row[key]:
            setattr(case, key, row[key])


_TRACKED = (
    "status",
    "status_reason",
    "priority",
    "subcategory_id",
    "dept_id",
    "first_response_at",
    "assigned_at",
    "accepted_at",
    "closed_at",
    "confirmed_at",
    "rated_at",
    "satisfaction",
    "spot_checked_at",
    "spot_check_ok",
    "escalated",
    "escalated_at",
    "summary",
    "address_note",
    "repeat_of_id",
)
_TEXT_FIELDS = frozenset({"summary", "address_note", "status_reason"})


def _snapshot(case: Case) -> dict[str, Any]:
    return {k: getattr(case, k) for k in _TRACKED}


def _diff(s: Session, before: Mapping[str, Any], case: Case) -> dict[str, Any]:
    """Changed fields as ``{name: [old, new]}``; ids become codes, free text is not copied."""
    out: dict[str, Any] = {}
    for key in _TRACKED:
        old, new = before[key], getattr(case, key)
        if old == new:
            continue
        if key in _TEXT_FIELDS:
            out[key] = ["…", "…"]  # changed; the text itself stays out of the audit log
        elif key == "dept_id":
            out["dept"] = [_code_of(s, Department, old), _code_of(s, Department, new)]
        elif key == "subcategory_id":
            out["subcategory"] = [_code_of(s, Subcategory, old), _code_of(s, Subcategory, new)]
        elif key == "repeat_of_id":
            out["repeat_of"] = [_code_of(s, Case, old), _code_of(s, Case, new)]
        else:
            out[key] = [jsonable(old), jsonable(new)]
    return out


def _code_of(s: Session, model: Any, ident: int | None) -> str | None:
    if ident is None:
        return None
    return s.scalar(select(model.code).where(model.id == ident))


def _load(s: Session, code: str) -> Case:
    q = select(Case).where(Case.code == code)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    case = s.scalars(q).first()
    if case is None:
        raise NotFound("case", code)
    return case


class _Stale(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


def changes_since(engine: Engine, code: str, version: int) -> list[ChangeRecord]:
    """The writes recorded in the audit log that took the case past ``version``."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.detail)
            .where(AuditLog.entity == "case", AuditLog.entity_code == code)
            .order_by(AuditLog.id)
        ).all()
    out = []
    for at, actor, action, detail in rows:
        data = json.loads(detail or "{}")
        v = int(data.get("version", 0))
        if v <= version:
            continue
        fields = {k: (pair[0], pair[1]) for k, pair in data.get("changes", {}).items()}
        out.append(ChangeRecord(at, actor, action, v, data.get("from"), data.get("to"), fields))
    return out


def _conflict(engine: Engine, code: str, expected: int) -> ConflictError:
    with engine.connect() as conn:
        current = conn.scalar(select(Case.version).where(Case.code == code))
    return ConflictError(code, expected, int(current or 0), changes_since(engine, code, expected))


def _write_case(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    action: str,
    at: datetime | None,
    note: str | None,
    apply: Callable[[Session, Case, datetime], str | None],
) -> CaseChange:
    """Run one transition: lock and version-check, role and state checks, ``apply``
    (which changes the case and may return the code of a case it created), derived
    columns, event, audit row, change feed."""
    created: str | None = None
    try:
        with transaction(engine) as s:
            case = _load(s, code)
            if case.version != expected_version:
                raise _Stale(case.version)
            conn = s.connection()
            grant = require_role(
                actor,
                action,
                case,
                dept_has_account=lambda dept: department_has_account(conn, dept),
            )
            starts, target = TRANSITIONS[action]
            if case.status not in starts:
                raise TransitionError(code, action, case.status)
            if action in REASON_REQUIRED and not (note or "").strip():
                raise InvalidInput("note", f"a reason is required to {action.replace('_', ' ')}")
            when = checked_instant(
                at, "at", not_before=case.received_at, not_before_name="received_at"
            )
            before = _snapshot(case)
            from_status = case.status
            with s.no_autoflush:  # one UPDATE per transition: the version grows by one
                created = apply(s, case, when)
                if target is not None:
                    case.status = target
                case.updated_at = now()
                _fill_derived(s, case)
            acting_for = _acting_for(s, grant)
            s.add(
                CaseEvent(
                    case_id=case.id,
                    at=when,
                    actor=actor.name,
                    kind=action,
                    dept_id=case.dept_id if action == "assign" else None,
                    from_status=from_status,
                    to_status=case.status,
                    note=_event_note(note, acting_for),
                )
            )
            s.flush()  # bumps the version (UPDATE … WHERE version = old)
            if before["subcategory_id"] != case.subcategory_id:
                recompute_repeats(s.connection(), [case.household_id])
            detail: dict[str, Any] = {
                "version": case.version,
                "from": from_status,
                "to": case.status,
                "event_at": when,
                "changes": _diff(s, before, case),
            }
            if created:
                detail["created"] = created
            if acting_for:
                detail["acting_for"] = acting_for
            if action == "rate":
                detail["recorded_for"] = "resident"  # the resident's rating, taken by actor
            write_audit(s, actor, f"case.{action}", code, now(), detail)
            domains = ("cases", "meetings") if action == "escalate" else ("cases",)
            signal_change(s.connection(), *domains)
            result = CaseChange(
                code,
                action,
                case.version,
                case.status,
                created=created,
                callback_needed=(
                    action == "rate"
                    and case.satisfaction is not None
                    and case.satisfaction <= CALLBACK_MAX_RATING
                ),
                domains=domains,
            )
    except (_Stale, StaleDataError):
        raise _conflict(engine, code, expected_version) from None
    return result


def _acting_for(s: Session, grant: Grant) -> str | None:
    """The code of the department a coordinator acts for (it has no account)."""
    if grant.acting_for_dept is None:
        return None
    return s.scalar(select(Department.code).where(Department.id == grant.acting_for_dept))


def _event_note(note: str | None, acting_for: str | None) -> str | None:
    text = (note or "").strip()
    if acting_for:
        return f"[代 {acting_for}] {text}".strip()
    return text or None


#: PostgreSQL's deadlock_detected and serialization_failure: the server rolled the
#: transaction back, so running it again is safe
RETRY_SQLSTATES = frozenset({"40P01", "40001"})


def _with_retry(fn: Callable[[], CaseChange], attempts: int = 10) -> CaseChange:
    """Retry a write that generates a case code when the code was stored meanwhile.

    Workstations no longer race for a number (:func:`next_case_code` takes it from the
    day's counter under its lock); what is left is an import storing that very code
    between the counter and the commit (imports bring their own codes and do not take
    the counter): the unique constraint refuses the write and the retry, in a new
    transaction, sees the imported code and takes the next number.

    A deadlock or serialization failure that PostgreSQL resolved by cancelling this
    transaction (SQLSTATE 40P01, 40001: a reopen holds the case and waits for the day's
    counter while an intake holds the counter and marks a repeat of that case) is
    retried the same way: the transaction was rolled back whole."""
    for i in range(attempts):
        try:
            return fn()
        except (IntegrityError, OperationalError) as exc:
            retryable = isinstance(exc, IntegrityError) or (
                getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES
            )
            if not retryable or i == attempts - 1:
                raise
            time.sleep(random.uniform(0.0, 0.02 * (i + 1)))  # noqa: S311 - jitter only
    raise AssertionError("unreachable")


_CODE_DIGITS = 4


def next_code(conn: Connection, model: Any, prefix: str, day: date) -> str:
    """Next free code ``<prefix><yyyymmdd>-<nnnn>`` for ``model`` (visits); the day's
    numbering is held by this transaction until it ends (PostgreSQL: one
    workstation at a time, see :func:`center.core.tx.serialise_numbering`)."""
    serialise_numbering(conn, prefix, day)
    stem = f"{prefix}{day:%Y%m%d}-"
    codes = conn.scalars(select(model.code).where(model.code.like(stem + "%"))).all()
    pattern = re.compile(re.escape(stem) + r"(\d+)$")
    used = [int(m.group(1)) for c in codes if (m := pattern.match(c))]
    return f"{stem}{(max(used) + 1) if used else 1:0{_CODE_DIGITS}d}"


#: every case is numbered ``K<yyyymmdd><nnnn>`` (the day it was received, then its
#: number that day): the numbering of the cases that come in through ``center import
#: cases`` (spec/interchange.md: a case is keyed by its ``case_code``, and an export
#: and re-import must find it again), continued by the cases created here
CASE_CODE_PREFIX = "K"


def next_case_code(conn: Connection, day: date) -> str:
    """The next case code of ``day``, taken from the database's per-day counter.

    One upsert raises ``case_counter``'s row of ``day`` to one more than both its last
    number and the highest ``K<yyyymmdd><n…>`` already stored that day (imported cases
    and the demo street write codes without the counter), and returns it. The row's
    lock (PostgreSQL) or the write lock the transaction already holds (SQLite, ``BEGIN
    IMMEDIATE``) keeps a second workstation waiting until this transaction ends, so it
    reads the new number instead of computing the same "highest + 1" (issue 19); the
    counter rolls back with a failed intake, so the numbers stay dense. The number is
    at least four digits wide, as wide as the widest number of the day."""
    stem = f"{CASE_CODE_PREFIX}{day:%Y%m%d}"
    # the day's codes as an index range up to the next day's stem (not a LIKE, which a
    # PostgreSQL database of a non-C collation cannot answer from the index); no bound
    # after a digit like ":": zh_CN and en_US collations sort punctuation first
    after = f"{CASE_CODE_PREFIX}{day + timedelta(days=1):%Y%m%d}"
    codes = conn.scalars(select(Case.code).where(Case.code >= stem, Case.code < after)).all()
    pattern = re.compile(re.escape(stem) + r"(\d+)$")
    best, width = 0, _CODE_DIGITS
    for c in codes:
        if (m := pattern.match(c)) is not None:
            best = max(best, int(m.group(1)))
            width = max(width, len(m.group(1)))
    number = _take_case_number(conn, day, best + 1)
    return f"{stem}{number:0{width}d}"


def _take_case_number(conn: Connection, day: date, at_least: int) -> int:
    """Raise the counter of ``day`` to ``max(last + 1, at_least)`` in one statement
    and return the new value (a new day starts at ``at_least``)."""
    if conn.dialect.name == "postgresql":
        stmt: Any = pg_insert(CaseCounter).values(day=day, last_number=at_least)
        higher: Any = func.greatest
    else:
        stmt = sqlite_insert(CaseCounter).values(day=day, last_number=at_least)
        higher = func.max  # SQLite's two-argument max() is the scalar maximum
    stmt = stmt.on_conflict_do_update(
        index_elements=[CaseCounter.day],
        set_={"last_number": higher(CaseCounter.last_number + 1, stmt.excluded.last_number)},
    ).returning(CaseCounter.last_number)
    return int(conn.execute(stmt).scalar_one())


# ------------------------------------------------------------------ intake


@dataclass(frozen=True)
class IntakeRequest:
    """A new case as the intake dialog collects it."""

    household_code: str
    source: str
    subcategory_code: str
    summary: str = ""
    priority: str | None = None  # None: the subcategory's default
    received_at: datetime | None = None  # None: now
    on_the_spot: bool = False  # resolved when received, in one step
    assign_to: str | None = None  # department code: assign in the same step
    repeat_of: str | None = None  # coordinator links the case as a repeat of this one
    address_note: str | None = None
    note: str | None = None


def intake(engine: Engine, actor: Actor, req: IntakeRequest) -> CaseChange:
    """Create a case (status ``received``; ``assigned`` with ``assign_to``; ``resolved``
    when ``on_the_spot``)."""
    require_role(actor, "intake")
    if req.assign_to:
        require_role(actor, "assign")
    if req.source not in CASE_SOURCES:
        raise InvalidInput("source", f"{req.source!r} is not one of {', '.join(CASE_SOURCES)}")
    if req.priority is not None and req.priority not in PRIORITIES:
        raise InvalidInput("priority", f"{req.priority!r} is not one of {', '.join(PRIORITIES)}")
    if req.on_the_spot and req.assign_to:
        raise InvalidInput("assign_to", "a case resolved on the spot is not assigned")
    received = checked_instant(req.received_at, "received_at")

    def run() -> CaseChange:
        with transaction(engine) as s:
            home = s.execute(
                select(Household.id, Household.grid_id).where(Household.code == req.household_code)
            ).first()
            if home is None:
                raise NotFound("household", req.household_code)
            hh = home[0]
            require_role(actor, "intake", grid_id=home[1])
            sub = s.execute(
                select(Subcategory.id, Subcategory.default_priority).where(
                    Subcategory.code == req.subcategory_code
                )
            ).first()
            if sub is None:
                raise NotFound("subcategory", req.subcategory_code)
            dept_id = None
            if req.assign_to:
                dept_id = s.scalar(select(Department.id).where(Department.code == req.assign_to))
                if dept_id is None:
                    raise NotFound("department", req.assign_to)
            repeat_id = None
            if req.repeat_of:
                rep = s.execute(
                    select(Case.id, Case.household_id).where(Case.code == req.repeat_of)
                ).first()
                if rep is None:
                    raise NotFound("case", req.repeat_of)
                if rep[1] != hh:
                    raise InvalidInput("repeat_of", f"case {req.repeat_of} is another household's")
                repeat_id = rep[0]
            code = next_case_code(s.connection(), received.date())
            stamp = now()
            case = Case(
                code=code,
                household_id=hh,
                source=req.source,
                subcategory_id=sub[0],
                priority=req.priority or sub[1],
                priority_is_default=req.priority is None,
                received_at=received,
                on_the_spot=req.on_the_spot,
                on_the_spot_given=True,
                escalated=False,
                escalated_given=False,
                summary=req.summary.strip() or None,
                address_note=(req.address_note or "").strip() or None,
                repeat_of_id=repeat_id,
                status="received",
                created_at=stamp,
                updated_at=stamp,
            )
            events: list[tuple[str, str | None, str, str | None]] = [
                ("intake", None, "received", req.note)
            ]
            if req.on_the_spot:
                case.first_response_at = received
                case.closed_at = received
                case.status = "resolved"
                events.append(("resolve", "received", "resolved", None))
            elif dept_id is not None:
                case.dept_id = dept_id
                case.first_response_at = received
                case.assigned_at = received
                case.status = "assigned"
                events.append(("assign", "received", "assigned", None))
            _fill_derived(s, case)
            s.add(case)
            s.flush()
            for kind, frm, to, note in events:
                s.add(
                    CaseEvent(
                        case_id=case.id,
                        at=received,
                        actor=actor.name,
                        kind=kind,
                        dept_id=case.dept_id if kind == "assign" else None,
                        from_status=frm,
                        to_status=to,
                        note=(note or "").strip() or None,
                    )
                )
            recompute_repeats(s.connection(), [hh])
            write_audit(
                s,
                actor,
                "case.intake",
                code,
                now(),
                {
                    "version": case.version,
                    "from": None,
                    "to": case.status,
                    "event_at": received,
                    "changes": {
                        "source": [None, req.source],
                        "subcategory": [None, req.subcategory_code],
                        "priority": [None, case.priority],
                        "dept": [None, req.assign_to],
                        "on_the_spot": [None, req.on_the_spot],
                        "repeat_of": [None, req.repeat_of],
                    },
                },
            )
            signal_change(s.connection(), "cases")
            return CaseChange(code, "intake", case.version, case.status, created=code)

    return _with_retry(run)


# ------------------------------------------------------------------ transitions


def respond(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """Record the first response (the resident was contacted) without changing status."""

    def apply(s: Session, case: Case, when: datetime) -> None:
        if case.first_response_at is not None:
            raise InvalidInput("first_response_at", "the case was already responded to")
        case.first_response_at = when

    return _write_case(engine, actor, code, expected_version, "respond", at, note, apply)


def assign(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    dept_code: str,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """Route the case to a department (again, if it was assigned or escalated): the
    department's 2 h start clock begins now."""

    def apply(s: Session, case: Case, when: datetime) -> None:
        dept = s.scalar(select(Department.id).where(Department.code == dept_code))
        if dept is None:
            raise NotFound("department", dept_code)
        if case.status == "assigned" and case.dept_id == dept:
            raise InvalidInput("dept", f"the case is already assigned to {dept_code}")
        case.dept_id = dept
        case.assigned_at = when
        case.accepted_at = None
        if case.first_response_at is None:
            case.first_response_at = when

    return _write_case(engine, actor, code, expected_version, "assign", at, note, apply)


def accept(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """The department starts work (首接启动)."""

    def apply(s: Session, case: Case, when: datetime) -> None:
        if case.assigned_at is not None and when < case.assigned_at:
            raise InvalidInput("at", "the acceptance is earlier than the assignment")
        case.accepted_at = when

    return _write_case(engine, actor, code, expected_version, "accept", at, note, apply)


def resolve(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """The work is done: the case is closed (closure clock stops)."""

    def apply(s: Session, case: Case, when: datetime) -> None:
        if case.accepted_at is not None and when < case.accepted_at:
            raise InvalidInput("at", "the closure is earlier than the acceptance")
        case.closed_at = when
        if case.first_response_at is None:
            case.first_response_at = when

    return _write_case(engine, actor, code, expected_version, "resolve", at, note, apply)


def confirm(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """The grid worker confirmed the result on site."""

    def apply(s: Session, case: Case, when: datetime) -> None:
        if case.closed_at is not None and when < case.closed_at:
            raise InvalidInput("at", "the confirmation is earlier than the closure")
        case.confirmed_at = when

    return _write_case(engine, actor, code, expected_version, "confirm", at, note, apply)


def rate(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    rating: int,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """The resident's satisfaction 1-5; 1-2 sets ``callback_needed`` in the result."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput("satisfaction", f"{rating!r} is not a rating from 1 to 5")

    def apply(s: Session, case: Case, when: datetime) -> None:
        if case.confirmed_at is not None and when < case.confirmed_at:
            raise InvalidInput("at", "the rating is earlier than the confirmation")
        case.satisfaction = rating
        case.rated_at = when

    return _write_case(engine, actor, code, expected_version, "rate", at, note, apply)


def escalate(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    *,
    note: str,
    at: datetime | None = None,
) -> CaseChange:
    """Refer the case to the joint meeting (联席会议): from now on the board proposes
    it for the next meeting (center.office.meetings)."""

    def apply(s: Session, case: Case, when: datetime) -> None:
        case.escalated = True
        case.escalated_given = True
        case.escalated_at = when
        if case.first_response_at is None:
            case.first_response_at = when

    return _write_case(engine, actor, code, expected_version, "escalate", at, note, apply)


def _close_with_reason(action: str) -> Callable[..., CaseChange]:
    def run(
        engine: Engine,
        actor: Actor,
        code: str,
        expected_version: int,
        *,
        note: str,
        at: datetime | None = None,
    ) -> CaseChange:
        def apply(s: Session, case: Case, when: datetime) -> None:
            case.status_reason = note.strip()
            case.closed_at = when
            if case.first_response_at is None:
                case.first_response_at = when

        return _write_case(engine, actor, code, expected_version, action, at, note, apply)

    run.__name__ = action
    return run


not_our_remit = _close_with_reason("not_our_remit")
not_our_remit.__doc__ = (
    "Close the case as outside the street's remit (不属于职责范围); reason required."
)
no_action_needed = _close_with_reason("no_action_needed")
no_action_needed.__doc__ = "Close the case as needing no action (无需处理); reason required."


def _create_reopen(s: Session, actor: Actor, case: Case, when: datetime, note: str) -> str:
    open_child = s.scalar(
        select(Case.code).where(Case.reopened_from_id == case.id, Case.status.in_(OPEN_STATUSES))
    )
    if open_child is not None:
        raise InvalidInput("reopen", f"the case is already reopened as {open_child}, still open")
    conn = s.connection()
    code = next_case_code(conn, when.date())
    stamp = now()
    row: dict[str, Any] = {
        "code": code,
        "household_id": case.household_id,
        "source": case.source,
        "subcategory_id": case.subcategory_id,
        "priority": case.priority,
        "priority_is_default": case.priority_is_default,
        "received_at": when,
        "on_the_spot": False,
        "on_the_spot_given": True,
        "escalated": False,
        "escalated_given": False,
        "summary": case.summary,
        "address_note": case.address_note,
        "reopened_from_id": case.id,
        "status": "received",
        "created_at": stamp,
        "updated_at": stamp,
        "version": 1,
    }
    derive_case(row, load_calendar(conn))
    # Core insert: no autoflush of the original case, whose one UPDATE comes later
    new_id = conn.execute(insert(Case).values(**row).returning(Case.id)).scalar_one()
    s.add(
        CaseEvent(
            case_id=new_id,
            at=when,
            actor=actor.name,
            kind="intake",
            from_status=None,
            to_status="received",
            note=f"reopened from {case.code}: {note.strip()}",
        )
    )
    recompute_repeats(s.connection(), [case.household_id])
    write_audit(
        s,
        actor,
        "case.intake",
        code,
        now(),
        {
            "version": 1,
            "from": None,
            "to": "received",
            "event_at": when,
            "changes": {"reopened_from": [None, case.code]},
        },
    )
    return code


def reopen(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    *,
    note: str,
    at: datetime | None = None,
) -> CaseChange:
    """Reopen a closed case: a new case (status ``received``) linked by ``reopened_from``;
    the result's ``created`` is its code. The closed case keeps its status."""

    def run() -> CaseChange:
        return _write_case(
            engine,
            actor,
            code,
            expected_version,
            "reopen",
            at,
            note,
            lambda s, case, when: _create_reopen(s, actor, case, when, note),
        )

    return _with_retry(run)


def spot_check(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    ok: bool,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """A supervisor's verification call. A failed check reopens the case (``created``)."""
    if not ok and not (note or "").strip():
        raise InvalidInput("note", "say why the spot check failed")

    def apply(s: Session, case: Case, when: datetime) -> str | None:
        if case.closed_at is not None and when < case.closed_at:
            raise InvalidInput("at", "the spot check is earlier than the closure")
        case.spot_checked_at = when
        case.spot_check_ok = ok
        if not ok:
            return _create_reopen(s, actor, case, when, note or "")
        return None

    return _with_retry(
        lambda: _write_case(engine, actor, code, expected_version, "spot_check", at, note, apply)
    )


def update_case(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    changes: Mapping[str, Any],
    *,
    note: str | None = None,
) -> CaseChange:
    """Edit descriptive fields (``summary``, ``priority``, ``subcategory_code``,
    ``address_note``) under the same optimistic lock as the transitions."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(unknown[0], "this field cannot be edited here")
    if not changes:
        raise InvalidInput("changes", "nothing to change")
    if "priority" in changes and changes["priority"] not in PRIORITIES:
        raise InvalidInput("priority", f"{changes['priority']!r} is not one of {PRIORITIES}")

    def apply(s: Session, case: Case, when: datetime) -> None:
        if "subcategory_code" in changes:
            sub = s.scalar(
                select(Subcategory.id).where(Subcategory.code == changes["subcategory_code"])
            )
            if sub is None:
                raise NotFound("subcategory", str(changes["subcategory_code"]))
            case.subcategory_id = sub
        if "priority" in changes:
            case.priority = changes["priority"]
            case.priority_is_default = False
        if "summary" in changes:
            case.summary = (changes["summary"] or "").strip() or None
        if "address_note" in changes:
            case.address_note = (changes["address_note"] or "").strip() or None

    return _write_case(engine, actor, code, expected_version, "edit", None, note, apply)


ACTION_FUNCTIONS: dict[str, Callable[..., CaseChange]] = {
    "respond": respond,
    "assign": assign,
    "accept": accept,
    "resolve": resolve,
    "confirm": confirm,
    "rate": rate,
    "spot_check": spot_check,
    "escalate": escalate,
    "not_our_remit": not_our_remit,
    "no_action_needed": no_action_needed,
    "reopen": reopen,
}
