"""The case inbox: paged, sorted and filtered case queries that run in the database
(never loading all cases), countdown clocks, and saved filters.

Three clocks run on a case (`spec/kpi.md`): the 24 h response clock from
``received_at`` to ``response_due_at``, the department's 2 h start clock from
``assigned_at`` to ``accept_due_at`` and the 15-working-day closure clock from
``received_at`` to ``deadline_at``. A running clock is ``warning`` once 80 % of its
window is used and ``breached`` when its limit has passed (a limit falling exactly at
the evaluation instant has passed); a stopped clock is ``met`` or ``missed``. Closing
a case stops all three (a case closed without acceptance no longer waits for one).

The case's priority adds a fourth, shown first (`spec/insight.md`, :mod:`center.kpi.priority`):
``immediate`` 30 min to the first response, ``24h`` the 24 h response clock, ``3wd``
3 working days to the transfer (assignment or closure); an on-the-spot case meets it.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Float,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
)

from center.cases.lifecycle import CategoryInfo, DepartmentInfo, departments, taxonomy
from center.core.access import Actor, case_read_scope
from center.core.clock import now
from center.core.vocab import CLOSED_STATUSES, OPEN_STATUSES
from center.kpi.calendar import WorkCalendar, load_calendar
from center.kpi.derive import ACCEPT_WINDOW, RESPONSE_WINDOW
from center.kpi.priority import IMMEDIATE_WINDOW, PriorityClock, priority_clock, transfer_ranges
from db.kpi_queries import step
from db.models import (
    CASE_STATUSES,
    PRIORITIES,
    Case,
    Category,
    Community,
    Department,
    Grid,
    Household,
    Street,
    Subcategory,
)
from db.types import local_naive, period_instant, to_local

WARN_FRACTION = 0.8
CLOCK_KINDS = ("response", "accept", "closure")

# ------------------------------------------------------------------ clocks


@dataclass(frozen=True)
class Clock:
    kind: str  # response | accept | closure
    state: str  # none | running | warning | breached | met | missed
    start: datetime | None
    due: datetime | None
    done_at: datetime | None
    used: float | None  # fraction of the window used at as_of (running clocks)
    remaining: timedelta | None  # due − as_of (negative once breached); None when stopped


def clock(
    kind: str,
    start: datetime | None,
    due: datetime | None,
    done_at: datetime | None,
    as_of: datetime,
) -> Clock:
    """The state of one clock at ``as_of``; an event after ``as_of`` has not happened."""
    if start is None or due is None or start > as_of:
        return Clock(kind, "none", start, due, None, None, None)
    if done_at is not None and done_at <= as_of:
        return Clock(kind, "met" if done_at <= due else "missed", start, due, done_at, None, None)
    window = (due - start).total_seconds()
    used = (as_of - start).total_seconds() / window if window > 0 else 1.0
    if as_of >= due:
        state = "breached"
    elif used >= WARN_FRACTION:
        state = "warning"
    else:
        state = "running"
    return Clock(kind, state, start, due, None, used, due - as_of)


def stopped(done: datetime | None, closed: datetime | None) -> datetime | None:
    """When a clock stopped: its own event, or the closure of the case if earlier."""
    if done is None:
        return closed
    if closed is None:
        return done
    return min(done, closed)


# ------------------------------------------------------------------ filter and sort


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows. Empty values do not filter."""

    statuses: tuple[str, ...] = ()  # also "open" / "closed" as shorthands
    category: str | None = None
    subcategory: str | None = None
    priority: str | None = None
    community: str | None = None
    grid: str | None = None
    dept: str | None = None
    source: str | None = None
    received_from: date | None = None
    received_to: date | None = None  # inclusive
    escalated: bool | None = None
    clock: str | None = None  # "overdue" (a running clock breached) | "at_risk" (80 % used)
    clock_kinds: tuple[str, ...] = CLOCK_KINDS  # the clocks "clock" looks at
    text: str = ""
    repeat: bool | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, date):
                v = v.isoformat()
            elif isinstance(v, tuple):
                v = list(v)
            out[f.name] = v
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InboxFilter:
        known = {f.name for f in fields(cls)}
        kw: dict[str, Any] = {}
        for k, v in data.items():
            if k not in known:
                continue
            if k in ("received_from", "received_to") and v:
                v = date.fromisoformat(v)
            elif k in ("statuses", "clock_kinds"):
                v = tuple(v)
            kw[k] = v
        return cls(**kw)

    def validate(self) -> None:
        for s in self.statuses:
            if s not in CASE_STATUSES and s not in ("open", "closed"):
                raise ValueError(f"unknown status {s!r}")
        if self.priority and self.priority not in PRIORITIES:
            raise ValueError(f"unknown priority {self.priority!r}")
        if self.clock not in (None, "overdue", "at_risk"):
            raise ValueError(f"unknown clock filter {self.clock!r}")
        for k in self.clock_kinds:
            if k not in CLOCK_KINDS:
                raise ValueError(f"unknown clock {k!r}")


SORT_KEYS = (
    "received_at",
    "code",
    "status",
    "priority",
    "source",
    "category",
    "subcategory",
    "grid",
    "dept",
    "address",
    "response_due",
    "accept_due",
    "deadline",
    "priority_due",
)


@dataclass(frozen=True)
class InboxSort:
    key: str = "received_at"
    descending: bool = True


# ------------------------------------------------------------------ rows


@dataclass(frozen=True)
class InboxRow:
    id: int
    code: str
    version: int
    status: str
    received_at: datetime
    source: str
    priority: str
    category_code: str
    category_name: str
    category_name_en: str
    subcategory_code: str
    subcategory_name: str
    subcategory_name_en: str
    household_code: str
    address: str
    grid_code: str
    grid_name: str
    community_name: str
    dept_code: str | None
    dept_name: str | None
    dept_name_en: str | None
    escalated: bool
    is_repeat: bool
    summary: str | None
    deadline_provisional: bool
    response: Clock
    accept: Clock
    closure: Clock
    on_the_spot: bool
    priority_clock: PriorityClock

    @property
    def worst_clock(self) -> Clock:
        order = {"breached": 0, "warning": 1, "missed": 2, "running": 3, "met": 4, "none": 5}
        return min((self.response, self.accept, self.closure), key=lambda c: order[c.state])


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    offset: int
    as_of: datetime


# ------------------------------------------------------------------ SQL


def _epoch(col: Any, dialect: str) -> ColumnElement[float]:
    """Seconds since 1970 of a naive local timestamp column, on either backend."""
    if dialect == "sqlite":
        return (func.julianday(col) - 2440587.5) * 86400.0
    return cast(func.extract("epoch", col), Float)


def _epoch_value(dt: datetime) -> float:
    naive = local_naive(dt)
    return (naive - datetime(1970, 1, 1)).total_seconds()


def _open_at(as_of: datetime) -> ColumnElement[bool]:
    return or_(Case.eff_closed_at.is_(None), Case.eff_closed_at > as_of)


def _clock_conditions(
    kind: str, as_of: datetime, dialect: str
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(breached, at risk) SQL conditions for one running clock at ``as_of``."""
    if kind == "response":
        running = and_(
            Case.received_at <= as_of,
            or_(Case.eff_response_at.is_(None), Case.eff_response_at > as_of),
        )
        breached = and_(running, Case.response_due_at <= as_of)
        risk = and_(
            running,
            Case.response_due_at > as_of,
            Case.received_at <= as_of - RESPONSE_WINDOW * WARN_FRACTION,
        )
    elif kind == "accept":
        running = and_(
            Case.assigned_at.is_not(None),
            Case.assigned_at <= as_of,
            or_(Case.accepted_at.is_(None), Case.accepted_at > as_of),
        )
        breached = and_(running, Case.accept_due_at <= as_of)
        risk = and_(
            running,
            Case.accept_due_at > as_of,
            Case.assigned_at <= as_of - ACCEPT_WINDOW * WARN_FRACTION,
        )
    else:
        running = and_(
            Case.received_at <= as_of,
            or_(Case.eff_closed_at.is_(None), Case.eff_closed_at > as_of),
        )
        breached = and_(running, Case.deadline_at <= as_of)
        used_point = (1 - WARN_FRACTION) * _epoch(Case.received_at, dialect) + WARN_FRACTION * (
            _epoch(Case.deadline_at, dialect)
        )
        risk = and_(
            running,
            Case.deadline_at > as_of,
            used_point <= literal(_epoch_value(as_of)),
        )
    return breached, risk


def _received_by(conn: Connection, as_of: datetime, dialect: str) -> ColumnElement[bool] | None:
    """``received_at <= as_of``, or ``None`` when every case passes it.

    The inbox looks at the present: when no case was received after ``as_of`` (one
    step down the ``received_at`` index, in the statement's own transaction) the
    condition is dropped, so a count or a sort reads only the columns it needs, from
    a narrow covering index where there is one. Otherwise SQLite, which has no
    statistics here, takes the bound for a selective range: it walked the whole
    index and fetched every table row in that order, where a scan in storage order
    costs less (a street's 132,000 cases: an escalated count 42 -> 27 ms), so the
    condition is kept out of its index choice (the comparison is unchanged: text with
    text). A received-date filter and the newest-first sort still use the index."""
    newest = conn.scalar(select(func.max(Case.received_at)))
    if newest is None or newest <= as_of:
        return None
    if dialect == "sqlite":
        return Case.received_at.op("||")(literal("")) <= as_of
    return Case.received_at <= as_of


def _statuses(values: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for v in values:
        if v == "open":
            out |= OPEN_STATUSES
        elif v == "closed":
            out |= CLOSED_STATUSES
        else:
            out.add(v)
    return out


def _contains(col: Any, text: str, dialect: str) -> ColumnElement[bool]:
    """Substring match. SQLite's LIKE already ignores ASCII case (and is much faster
    than lower() on every row); PostgreSQL needs ILIKE."""
    if dialect == "sqlite" or text.lower() == text.upper():  # no cased letters: LIKE
        return col.contains(text, autoescape=True)
    return col.icontains(text, autoescape=True)


def _where(
    f: InboxFilter, as_of: datetime, dialect: str, received: ColumnElement[bool] | None
) -> list[ColumnElement[bool]]:
    """Conditions on the cases table alone: references to other tables are subqueries,
    so counting never joins and paging joins only what the sort needs. ``received``
    is :func:`_received_by`'s bound (``None``: no case is younger than ``as_of``)."""
    f.validate()
    conds: list[ColumnElement[bool]] = [] if received is None else [received]
    if f.statuses:
        wanted = sorted(_statuses(f.statuses))
        col: Any = Case.status
        if dialect == "sqlite" and not set(wanted) <= OPEN_STATUSES:
            # most cases are closed: scanning by received_at beats the status index
            col = Case.status.op("||")(literal(""))
        conds.append(col.in_(wanted))
    if f.subcategory:
        conds.append(
            Case.subcategory_id.in_(select(Subcategory.id).where(Subcategory.code == f.subcategory))
        )
    if f.category:
        conds.append(
            Case.subcategory_id.in_(
                select(Subcategory.id)
                .join(Category, Category.id == Subcategory.category_id)
                .where(Category.code == f.category)
            )
        )
    if f.priority:
        conds.append(Case.priority == f.priority)
    if f.grid:
        conds.append(
            Case.household_id.in_(
                select(Household.id)
                .join(Grid, Grid.id == Household.grid_id)
                .where(Grid.code == f.grid)
            )
        )
    if f.community:
        conds.append(
            Case.household_id.in_(
                select(Household.id)
                .join(Grid, Grid.id == Household.grid_id)
                .join(Community, Community.id == Grid.community_id)
                .where(Community.code == f.community)
            )
        )
    if f.dept:
        conds.append(Case.dept_id.in_(select(Department.id).where(Department.code == f.dept)))
    if f.source:
        conds.append(Case.source == f.source)
    if f.received_from:
        conds.append(Case.received_at >= period_instant(f.received_from))
    if f.received_to:
        conds.append(Case.received_at < period_instant(f.received_to + timedelta(days=1)))
    if f.escalated is not None:
        conds.append(Case.escalated.is_(True) if f.escalated else Case.escalated.is_(False))
    if f.repeat is not None:
        conds.append(Case.is_repeat.is_(True) if f.repeat else Case.is_repeat.is_(False))
    if f.clock:
        parts = [_clock_conditions(k, as_of, dialect) for k in f.clock_kinds]
        pick = 0 if f.clock == "overdue" else 1
        conds.append(_open_at(as_of))  # cheap first: closed cases have no running clock
        conds.append(or_(false(), *(p[pick] for p in parts)))
    text = f.text.strip()
    if text:
        code_like = _CODE_LIKE.fullmatch(text) is not None
        in_household = [_contains(Household.address, text, dialect)]
        in_case = [_contains(Case.summary, text, dialect)]
        if code_like:  # codes are ASCII: only then compare them
            in_household.append(_contains(Household.code, text, dialect))
            in_case.append(_contains(Case.code, text, dialect))
        # the household test first: a lookup in the matched households' ids is
        # cheaper than a LIKE on the summary, which only the remaining cases need
        conds.append(
            or_(Case.household_id.in_(select(Household.id).where(or_(*in_household))), *in_case)
        )
    return conds


_CODE_LIKE = re.compile(r"[A-Za-z0-9_-]+")


_PRIORITY_RANK = case({"immediate": 0, "24h": 1, "3wd": 2}, value=Case.priority, else_=3)
_STATUS_RANK = case({s: i for i, s in enumerate(CASE_STATUSES)}, value=Case.status, else_=99)


def _rank(mapping: dict[int, int], col: Any) -> Any:
    """A CASE that turns an id into its rank (small reference tables; no join)."""
    if not mapping:
        return literal(0)
    return case(mapping, value=col, else_=len(mapping) + 1)


def _priority_sort(conn: Connection, as_of: datetime) -> tuple[Any, ...]:
    """The priority clock's order: clocks still running first (a stopped clock —
    met, missed, or on the spot — after them), each group by its limit, earliest
    first. The `3wd` limits come from the product's calendar as steps of the
    received date (:func:`center.kpi.priority.transfer_ranges`)."""
    dialect = conn.dialect.name
    first = conn.scalar(select(func.min(Case.received_at)))
    day = to_local(first).date() if first is not None else as_of.date()
    last = max(day, as_of.date())
    # the 3wd limits as seconds since 1970 (bound numbers: no conversion per row)
    limits = [
        (start, _epoch_value(limit))
        for start, limit in transfer_ranges(load_calendar(conn), day, last)
    ]
    limit3 = step(Case.received_at, limits, "p3", lambda name, v: bindparam(name, v, type_=Float()))
    done_at = or_(
        and_(Case.priority == "3wd", Case.assigned_at <= as_of),
        and_(Case.priority != "3wd", Case.eff_response_at <= as_of),
        Case.eff_closed_at <= as_of,
    )
    stopped_rank = case((Case.on_the_spot, 1), (done_at, 1), else_=0)
    due = case(
        (
            Case.priority == "immediate",
            _epoch(Case.received_at, dialect) + IMMEDIATE_WINDOW.total_seconds(),
        ),
        (Case.priority == "3wd", limit3),
        else_=_epoch(Case.response_due_at, dialect),
    )
    return stopped_rank, due


def _sort(conn: Connection, key: str, as_of: datetime | None = None) -> tuple[Any, bool]:
    """(sort expression, needs the household join)."""
    if key == "priority_due":
        return _priority_sort(conn, as_of or now()), False
    if key == "category":
        rows = conn.execute(
            select(Subcategory.id, Category.sort_order, Category.code).join(
                Category, Category.id == Subcategory.category_id
            )
        ).all()
        cats = sorted({(o, c) for _sid, o, c in rows})
        order = {sid: cats.index((o, c)) for sid, o, c in rows}
        return _rank(order, Case.subcategory_id), False
    if key == "subcategory":
        codes = conn.execute(select(Subcategory.id).order_by(Subcategory.code)).scalars().all()
        return _rank({sid: i for i, sid in enumerate(codes)}, Case.subcategory_id), False
    if key == "dept":
        ids = conn.execute(select(Department.id).order_by(Department.code)).scalars().all()
        return _rank({did: i for i, did in enumerate(ids)}, Case.dept_id), False
    if key == "grid":
        # the case's own grid_id (kept equal to its household's by triggers, migration
        # 0003): no join. Grid ids usually ascend in code order; then the id itself is
        # the rank and an index on grid_id gives the order without sorting every case
        ids = conn.execute(select(Grid.id).order_by(Grid.code)).scalars().all()
        if ids == sorted(ids):
            return Case.grid_id, False
        return _rank({gid: i for i, gid in enumerate(ids)}, Case.grid_id), False
    if key == "address":
        return Household.address, True
    return {
        "received_at": Case.received_at,
        "code": Case.code,
        "status": _STATUS_RANK,
        "priority": _PRIORITY_RANK,
        "source": Case.source,
        "response_due": Case.response_due_at,
        "accept_due": _nulls_last(Case.accept_due_at),
        "deadline": Case.deadline_at,
    }[key], False


def _nulls_last(col: Any) -> Any:
    """Cases without the instant sort after those with it, on both backends."""
    return case((col.is_(None), literal(1)), else_=literal(0)), col


def _scoped_where(
    conn: Connection, actor: Actor, f: InboxFilter, as_of: datetime
) -> list[ColumnElement[bool]]:
    """The filter's conditions plus what ``actor`` may read (``read_cases``: a department
    its own department's cases, a grid worker its grid's; refused for the roles that
    read aggregates only)."""
    dialect = conn.dialect.name
    conds = _where(f, as_of, dialect, _received_by(conn, as_of, dialect))
    scope = case_read_scope(actor)
    if scope is not None:
        conds.append(scope)
    return conds


def count_cases(engine: Engine, actor: Actor, f: InboxFilter, as_of: datetime | None = None) -> int:
    """How many cases match and ``actor`` may read (one scan of the cases table)."""
    as_of = to_local(as_of) if as_of else now()
    with engine.connect() as conn:
        q = select(func.count()).select_from(Case).where(*_scoped_where(conn, actor, f, as_of))
        return int(conn.scalar(q) or 0)


_DETAIL_COLUMNS = (
    Case.id,
    Case.code,
    Case.version,
    Case.status,
    Case.received_at,
    Case.source,
    Case.priority,
    Category.code,
    Category.name,
    Category.name_en,
    Subcategory.code,
    Subcategory.name,
    Subcategory.name_en,
    Household.code,
    Household.address,
    Grid.code,
    Grid.name,
    Community.name,
    Department.code,
    Department.name,
    Department.name_en,
    Case.escalated,
    Case.is_repeat,
    Case.summary,
    Case.deadline_provisional,
    Case.eff_response_at,
    Case.response_due_at,
    Case.assigned_at,
    Case.accepted_at,
    Case.accept_due_at,
    Case.eff_closed_at,
    Case.deadline_at,
    Case.on_the_spot,
)
# the types of a row of _DETAIL_COLUMNS: the first InboxRow fields, then the clock times
_DetailHead = tuple[
    int, str, int, str, datetime, str, str, str, str, str, str, str, str,
    str, str, str, str, str, str | None, str | None, str | None, bool, bool, str | None, bool,
]  # fmt: skip
_DetailTimes = tuple[
    datetime | None, datetime, datetime | None, datetime | None, datetime | None,
    datetime | None, datetime,
]  # fmt: skip


SELECTIVE = 3000  # matches below which a scan beats walking the received_at index


def fetch_page(
    engine: Engine,
    actor: Actor,
    f: InboxFilter,
    sort: InboxSort,
    offset: int,
    limit: int,
    as_of: datetime | None = None,
    *,
    total: int | None = None,
) -> list[InboxRow]:
    """One page of matching cases, in ``sort`` order (ties broken by id).

    Two steps: the ids of the page (filter and sort on the cases table, joining the
    households only for a sort by grid or address), then the 100 rows with their
    names and places. ``total`` (the count, when known) lets SQLite scan the table
    instead of walking the received_at index when few cases match."""
    if sort.key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort.key!r}; one of {', '.join(SORT_KEYS)}")
    as_of = to_local(as_of) if as_of else now()
    with engine.connect() as conn:
        expr, needs_household = _sort(conn, sort.key, as_of)
        if (
            sort.key == "received_at"
            and engine.dialect.name == "sqlite"
            and total is not None
            and total <= SELECTIVE
        ):
            # SQLite has no statistics here: walking the index to find a few matches
            # reads every row in random order; scan and sort the matches instead
            expr = Case.received_at.op("||")(literal(""))
        exprs = list(expr) if isinstance(expr, tuple) else [expr]
        q = select(Case.id)
        if needs_household:
            q = q.join(Household, Household.id == Case.household_id)
        q = q.where(*_scoped_where(conn, actor, f, as_of))
        if sort.descending:
            q = q.order_by(*(e.desc() for e in exprs), Case.id.desc())
        else:
            q = q.order_by(*(e.asc() for e in exprs), Case.id.asc())
        ids = list(conn.scalars(q.offset(max(0, offset)).limit(max(0, limit))))
        if not ids:
            return []
        detail = {
            r[0]: r
            for r in conn.execute(
                select(*_DETAIL_COLUMNS)
                .join(Household, Household.id == Case.household_id)
                .join(Grid, Grid.id == Household.grid_id)
                .join(Community, Community.id == Grid.community_id)
                .join(Subcategory, Subcategory.id == Case.subcategory_id)
                .join(Category, Category.id == Subcategory.category_id)
                .outerjoin(Department, Department.id == Case.dept_id)
                .where(Case.id.in_(ids))
            )
        }
        cal = load_calendar(conn)
    out = []
    for cid in ids:
        r = detail[cid]
        head = typing.cast(_DetailHead, r[:25])
        times = typing.cast(_DetailTimes, r[25:32])
        (resp_at, resp_due, assigned, accepted, acc_due, closed, deadline) = times
        received = head[4]
        spot = bool(r[32])
        out.append(
            InboxRow(
                *head,
                response=clock("response", received, resp_due, stopped(resp_at, closed), as_of),
                accept=clock("accept", assigned, acc_due, stopped(accepted, closed), as_of),
                closure=clock("closure", received, deadline, closed, as_of),
                on_the_spot=spot,
                priority_clock=row_priority_clock(
                    head[6], received, spot, resp_at, assigned, closed, as_of, cal
                ),
            )
        )
    return out


def row_priority_clock(
    priority: str,
    received: datetime,
    on_the_spot: bool,
    response_at: datetime | None,
    assigned_at: datetime | None,
    closed_at: datetime | None,
    as_of: datetime,
    cal: WorkCalendar,
) -> PriorityClock:
    """The priority clock of an inbox row (also what :func:`reclock` recomputes)."""
    return priority_clock(
        priority,
        received,
        on_the_spot=on_the_spot,
        first_response_at=response_at,
        assigned_at=assigned_at,
        closed_at=closed_at,
        as_of=as_of,
        cal=cal,
    )


def query_inbox(
    engine: Engine,
    actor: Actor,
    f: InboxFilter,
    sort: InboxSort = InboxSort(),
    offset: int = 0,
    limit: int = 100,
    as_of: datetime | None = None,
) -> InboxPage:
    """Total count and one page, at one instant, of the cases ``actor`` may read."""
    as_of = to_local(as_of) if as_of else now()
    total = count_cases(engine, actor, f, as_of)
    rows = fetch_page(engine, actor, f, sort, offset, limit, as_of, total=total) if total else []
    return InboxPage(rows, total, offset, as_of)


# ------------------------------------------------------------------ department queue


@dataclass(frozen=True)
class DeptQueueSummary:
    dept_code: str
    as_of: datetime
    awaiting_accept: int  # assigned, not started
    in_progress: int  # accepted, not closed
    start_breached: int  # 2 h passed without acceptance
    start_at_risk: int
    closure_breached: int
    closure_at_risk: int


def dept_queue_summary(
    engine: Engine, actor: Actor, dept_code: str, as_of: datetime | None = None
) -> DeptQueueSummary:
    """Counts for a department's queue (cases currently assigned to it and open), of
    the cases ``actor`` may read."""
    as_of = to_local(as_of) if as_of else now()
    base = InboxFilter(dept=dept_code, statuses=("assigned", "accepted"))

    def n(**kw: Any) -> int:
        return count_cases(engine, actor, replace(base, **kw), as_of)

    return DeptQueueSummary(
        dept_code=dept_code,
        as_of=as_of,
        awaiting_accept=n(statuses=("assigned",)),
        in_progress=n(statuses=("accepted",)),
        start_breached=n(clock="overdue", clock_kinds=("accept",)),
        start_at_risk=n(clock="at_risk", clock_kinds=("accept",)),
        closure_breached=n(clock="overdue", clock_kinds=("closure",)),
        closure_at_risk=n(clock="at_risk", clock_kinds=("closure",)),
    )


# ------------------------------------------------------------------ filter choices


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar offers: places, departments and the taxonomy."""

    communities: tuple[tuple[str, str], ...]  # (code, name)
    grids: tuple[tuple[str, str, str], ...]  # (code, name, community code)
    departments: tuple[DepartmentInfo, ...]
    categories: tuple[CategoryInfo, ...]
    street: str = ""


def filter_choices(engine: Engine) -> FilterChoices:
    with engine.connect() as conn:
        communities = tuple(
            (c, n)
            for c, n in conn.execute(
                select(Community.code, Community.name).order_by(Community.code)
            )
        )
        street = conn.scalar(select(Street.name).order_by(Street.id).limit(1)) or ""
        grids = tuple(
            (g, n, c)
            for g, n, c in conn.execute(
                select(Grid.code, Grid.name, Community.code)
                .join(Community, Community.id == Grid.community_id)
                .order_by(Grid.code)
            )
        )
    return FilterChoices(
        communities, grids, tuple(departments(engine)), tuple(taxonomy(engine)), street
    )
