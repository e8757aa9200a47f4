"""The joint meeting (联席会议, spec/office.md "Joint meetings"): meetings, the agenda
proposal, the item lifecycle and the board.

Proposals are computed at an instant T (:func:`proposals_at`): every open case not on
an agenda that is escalated, overdue, bounced or part of a cluster. Each proposal is
given a lasting integer id the first time it is shown: an ``agenda_item`` row in status
``proposed`` whose ``proposal_key`` names what it proposes for which meeting
(``case:<case id>@<meeting id or 0>``, ``cluster:<grid id>:<subcategory id>@…``); the
same proposal keeps its id, accepting it moves that row onto the agenda, dropping it
keeps the key so that it is not proposed again for that meeting. Readers that may not
write (the wall) compute the proposals without ids.

Items move ``proposed → on_agenda → decided → in_execution → done`` (``dropped`` from
``proposed`` or ``on_agenda``); every move is one transaction with optimistic locking
(``expected_version``; ``None`` takes the current one, as the command line does), an
``agenda_note`` of the item's history and an audit row. Coordinators run meetings; the
lead department acknowledges its items and reports progress (a coordinator does that
for a department without an account of its own); everyone who may read aggregates
reads the board.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from center.core.access import Actor, department_has_account, require_role
from center.core.audit import write_audit
from center.core.clock import checked_instant, now
from center.core.errors import ConflictError, InvalidInput, NotFound, UserError
from center.core.tx import serialise_numbering, signal_change, transaction
from db.engine import fetch_sliced
from db.models import (
    AgendaItem,
    AgendaItemCase,
    AgendaItemDept,
    AgendaNote,
    Case,
    CaseEvent,
    Department,
    Grid,
    JointMeeting,
    MeetingAttendee,
    Subcategory,
)
from db.types import LocalDateTime, epoch_us, from_us, local_naive, to_local, us_of

#: the reasons a case is proposed, in the order they are listed
REASONS = ("escalated", "overdue", "bounced", "cluster")
REASON_NAMES = {
    "escalated": "提交联席会议",
    "overdue": "超期未办结",
    "bounced": "多次转办/退回",
    "cluster": "同类集中反映",
}
#: the board's columns (``dropped`` items leave the board)
COLUMNS = ("proposed", "on_agenda", "decided", "in_execution", "done")
STATUS_NAMES = {
    "proposed": "建议上会",
    "on_agenda": "已列入议程",
    "decided": "已议定",
    "in_execution": "执行中",
    "done": "已办结",
    "dropped": "已撤下",
}
MEETING_STATUS_NAMES = {"planned": "待召开", "held": "已召开", "minutes_approved": "纪要已审定"}
#: statuses whose cases count as "already on an agenda"
ON_AGENDA = ("on_agenda", "decided", "in_execution", "done")
#: statuses of an item still being worked on
OPEN_ITEM = ("on_agenda", "decided", "in_execution")
#: cases in one grid and subcategory received within this span form a cluster
CLUSTER_SPAN = timedelta(hours=720)
SPAN_US = 720 * 3600 * 1_000_000
CLUSTER_MIN = 3
DOMAINS = ("meetings",)


class MoveRefused(UserError):
    """An item cannot make this move from its status; nothing was written."""

    def __init__(self, item_id: int, action: str, status: str, why: str = "") -> None:
        allowed = ", ".join(ACTIONS_FROM.get(status, ())) or "none"
        super().__init__(
            f"agenda item {item_id} is {status}: it cannot be {PAST.get(action, action)}"
            + (f" ({why})" if why else f" (possible now: {allowed})")
        )
        self.item_id = item_id
        self.action = action
        self.status = status


#: the statuses each move starts from and the status it leads to
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": (("proposed",), "on_agenda"),
    "drop": (("proposed", "on_agenda"), "dropped"),
    "decide": (("on_agenda",), "decided"),
    "ack": (("decided",), "in_execution"),
    "progress": (("in_execution",), "in_execution"),
    "done": (("in_execution",), "done"),
}
ACTIONS_FROM: dict[str, tuple[str, ...]] = {}
for _action, (_starts, _target) in MOVES.items():
    for _s in _starts:
        ACTIONS_FROM.setdefault(_s, ())
        ACTIONS_FROM[_s] += (_action,)
PAST = {
    "accept": "accepted onto the agenda",
    "drop": "dropped",
    "decide": "decided",
    "ack": "acknowledged",
    "progress": "given a progress note",
    "done": "closed",
}
#: which move a drop onto a board column asks for
MOVE_TO = {
    "on_agenda": "accept",
    "decided": "decide",
    "in_execution": "ack",
    "done": "done",
    "dropped": "drop",
}


def move_for(status: str, target: str) -> str:
    """The move that takes an item in ``status`` to the board column ``target``;
    refused (``InvalidInput``) when there is none (e.g. back to ``proposed``)."""
    action = MOVE_TO.get(target)
    if action is None or status not in MOVES[action][0]:
        allowed = [MOVES[a][1] for a in ACTIONS_FROM.get(status, ()) if a != "progress"]
        raise InvalidInput(
            "status",
            f"an item {STATUS_NAMES.get(status, status)} ({status}) cannot move to "
            f"{STATUS_NAMES.get(target, target)} ({target}); "
            + (f"it can move to {', '.join(allowed)}" if allowed else "it stays where it is"),
        )
    return action


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class MeetingInfo:
    code: str
    date: date
    time: str | None
    title: str
    chair: str | None
    place: str | None
    status: str
    version: int
    attending: tuple[str, ...] = ()  # department codes
    held_at: datetime | None = None
    minutes: str | None = None

    def as_json(self) -> dict[str, Any]:
        """``{"code", "date", "time", "title", "chair", "status"}`` (office.md)."""
        return {
            "code": self.code,
            "date": self.date.isoformat(),
            "time": self.time,
            "title": self.title,
            "chair": self.chair,
            "status": self.status,
        }


@dataclass(frozen=True)
class Proposal:
    """One proposed item: a case with its reasons, or a cluster of cases."""

    id: int | None  # None when computed without allocating (read-only readers)
    key: str
    reasons: tuple[str, ...]
    cases: tuple[str, ...]  # case numbers
    grid: str | None
    subcategory: str | None
    title: str
    kind: str  # case | cluster
    lead: str | None = None  # the department of the (first) case

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reasons": list(self.reasons),
            "cases": list(self.cases),
            "grid": self.grid,
            "subcategory": self.subcategory,
            "title": self.title,
        }


@dataclass(frozen=True)
class Proposals:
    as_of: datetime
    meeting: MeetingInfo | None
    proposals: tuple[Proposal, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "meeting": self.meeting.code if self.meeting else None,
            "proposals": [p.as_json() for p in self.proposals],
        }


@dataclass(frozen=True)
class BoardItem:
    id: int | None
    title: str
    reasons: tuple[str, ...]
    cases: tuple[str, ...]
    lead: str | None  # department code
    lead_name: str | None
    due: date | None
    status: str
    version: int
    overdue: bool
    meeting: str | None = None
    kind: str = "case"
    co_depts: tuple[str, ...] = ()
    measures: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "reasons": list(self.reasons),
            "cases": list(self.cases),
            "lead": self.lead,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
        }


@dataclass(frozen=True)
class Board:
    as_of: datetime
    next_meeting: MeetingInfo | None
    columns: dict[str, tuple[BoardItem, ...]]
    overdue: tuple[int, ...]
    last_meeting: MeetingInfo | None = None
    # the size of each column when a column is counted, not listed (the wall's board)
    sizes: dict[str, int] | None = None

    @property
    def counts(self) -> dict[str, int]:
        if self.sizes is not None:
            return dict(self.sizes)
        return {k: len(v) for k, v in self.columns.items()}

    def overdue_items(self) -> list[BoardItem]:
        """The overdue items, the longest overdue first."""
        wanted = set(self.overdue)
        items = [i for col in self.columns.values() for i in col if i.id in wanted]
        return sorted(items, key=lambda i: (i.due or date.max, i.id or 0))

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "next_meeting": self.next_meeting.as_json() if self.next_meeting else None,
            "columns": {k: [i.as_json() for i in v] for k, v in self.columns.items()},
            "overdue": list(self.overdue),
        }


@dataclass(frozen=True)
class NoteRow:
    at: datetime
    actor: str
    kind: str
    text: str | None


@dataclass(frozen=True)
class CaseLink:
    code: str
    status: str
    subcategory: str
    dept: str | None
    received_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class ItemDetail:
    item: BoardItem
    meeting: MeetingInfo | None
    cases: tuple[CaseLink, ...]
    notes: tuple[NoteRow, ...]
    drop_reason: str | None
    closing_note: str | None
    decided_at: datetime | None
    acked_at: datetime | None
    closed_at: datetime | None
    allowed: tuple[str, ...]  # the moves the actor may make now


@dataclass(frozen=True)
class ItemChange:
    id: int
    action: str
    status: str
    version: int


# --------------------------------------------------------------------------- helpers


def _day(at: datetime) -> date:
    return to_local(at).date()


def _meeting_info(conn: Connection | Session, m: Any, attending: Sequence[str] = ()) -> MeetingInfo:
    return MeetingInfo(
        code=m.code,
        date=m.held_on,
        time=m.starts_at,
        title=m.title,
        chair=m.chair,
        place=m.place,
        status=m.status,
        version=m.version,
        attending=tuple(attending),
        held_at=m.held_at,
        minutes=m.minutes,
    )


def _attending(conn: Connection | Session, meeting_id: int) -> list[str]:
    return list(
        conn.scalars(
            select(Department.code)
            .join(MeetingAttendee, MeetingAttendee.dept_id == Department.id)
            .where(MeetingAttendee.meeting_id == meeting_id)
            .order_by(Department.code)
        )
    )


def _next_meeting_row(conn: Connection | Session, as_of: datetime) -> Any:
    """The next planned meeting (an ORM object in a session, else a row), or None."""
    query = (
        select(JointMeeting)
        .where(JointMeeting.status == "planned", JointMeeting.held_on >= _day(as_of))
        .order_by(JointMeeting.held_on, JointMeeting.starts_at, JointMeeting.id)
        .limit(1)
    )
    if isinstance(conn, Session):
        return conn.scalar(query)
    return conn.execute(query).first()


def next_meeting(engine: Engine, as_of: datetime | None = None) -> MeetingInfo | None:
    """The earliest planned meeting dated on or after ``as_of``'s date."""
    with engine.connect() as conn:
        m = _next_meeting_row(conn, to_local(as_of) if as_of else now())
        if m is None:
            return None
        return _meeting_info(conn, m, _attending(conn, m.id))


def _dept_ids(conn: Connection | Session, codes: Iterable[str], what: str) -> list[int]:
    out = []
    for code in dict.fromkeys(c.strip() for c in codes if c and c.strip()):
        dept = conn.scalar(select(Department.id).where(Department.code == code))
        if dept is None:
            known = ", ".join(conn.scalars(select(Department.code).order_by(Department.code)))
            raise InvalidInput(what, f"no department with code {code!r} (departments: {known})")
        out.append(dept)
    return out


def _text(value: str | None, what: str, limit: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(what, "is required")
    if limit is not None and len(text) > limit:
        raise InvalidInput(what, f"is {len(text)} characters long; at most {limit}")
    return text


# --------------------------------------------------------------------------- meetings


def _meeting_code(conn: Connection | Session, day: date) -> str:
    base = f"JM{day:%Y%m%d}"
    serialise_numbering(conn if isinstance(conn, Connection) else conn.connection(), "JM", day)
    taken = set(conn.scalars(select(JointMeeting.code).where(JointMeeting.code.like(base + "%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _parse_time(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("time", f"{value!r} is not a time HH:MM") from None
    return f"{parsed:%H:%M}"


def create_meeting(
    engine: Engine,
    actor: Actor,
    *,
    held_on: date,
    title: str,
    chair: str,
    time_of_day: str | None = None,
    place: str | None = None,
    attending: Sequence[str] = (),
    at: datetime | None = None,
) -> MeetingInfo:
    """Plan a meeting (status ``planned``); its code is ``JM`` + the date."""
    require_role(actor, "run_meetings")
    if not isinstance(held_on, date):
        raise InvalidInput("date", f"{held_on!r} is not a date YYYY-MM-DD")
    title = _text(title, "title", 200)
    chair = _text(chair, "chair", 60)
    starts = _parse_time(time_of_day)
    place = (place or "").strip() or None
    if place is not None and len(place) > 100:
        raise InvalidInput("place", f"is {len(place)} characters long; at most 100")
    when = checked_instant(at, "at")
    with transaction(engine, changes=DOMAINS) as s:
        depts = _dept_ids(s, attending, "attending")
        code = _meeting_code(s, held_on)
        m = JointMeeting(
            code=code,
            held_on=held_on,
            starts_at=starts,
            title=title,
            chair=chair,
            place=place,
            status="planned",
            created_at=when,
        )
        s.add(m)
        s.flush()
        for dept in depts:
            s.add(MeetingAttendee(meeting_id=m.id, dept_id=dept))
        s.flush()
        write_audit(
            s,
            actor,
            "meeting.new",
            code,
            when,
            {"date": held_on, "time": starts, "attending": len(depts), "version": m.version},
            entity="meeting",
        )
        return _meeting_info(s, m, _attending(s, m.id))


def _load_meeting(s: Session, code: str, expected: int | None) -> JointMeeting:
    m = s.scalar(select(JointMeeting).where(JointMeeting.code == code).with_for_update())
    if m is None:
        raise NotFound("meeting", code)
    if expected is not None and m.version != expected:
        raise ConflictError(code, expected, m.version, [], entity="meeting")
    return m


def update_meeting(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int | None = None,
    *,
    held_on: date | None = None,
    title: str | None = None,
    chair: str | None = None,
    time_of_day: str | None = None,
    place: str | None = None,
    attending: Sequence[str] | None = None,
    at: datetime | None = None,
) -> MeetingInfo:
    """Change a planned or held meeting's details (not after its minutes are approved)."""
    require_role(actor, "run_meetings")
    when = checked_instant(at, "at")
    try:
        with transaction(engine, changes=DOMAINS) as s:
            m = _load_meeting(s, code, expected_version)
            if m.status == "minutes_approved":
                raise InvalidInput("meeting", f"the minutes of {code} are approved: it is final")
            changed: dict[str, Any] = {}
            if held_on is not None and held_on != m.held_on:
                changed["date"] = [m.held_on, held_on]
                m.held_on = held_on
            if title is not None:
                m.title = _text(title, "title", 200)
                changed["title"] = True
            if chair is not None:
                m.chair = _text(chair, "chair", 60)
                changed["chair"] = True
            if time_of_day is not None:
                m.starts_at = _parse_time(time_of_day)
                changed["time"] = m.starts_at
            if place is not None:
                m.place = place.strip() or None
                changed["place"] = True
            if attending is not None:
                depts = _dept_ids(s, attending, "attending")
                s.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id))
                for dept in depts:
                    s.add(MeetingAttendee(meeting_id=m.id, dept_id=dept))
                changed["attending"] = len(depts)
            s.flush()
            write_audit(
                s, actor, "meeting.edit", code, when, {"changes": changed}, entity="meeting"
            )
            s.flush()
            return _meeting_info(s, m, _attending(s, m.id))
    except StaleDataError:
        raise ConflictError(code, expected_version or 0, -1, [], entity="meeting") from None


def hold_meeting(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int | None = None,
    *,
    attending: Sequence[str] | None = None,
    minutes: str | None = None,
    at: datetime | None = None,
) -> MeetingInfo:
    """Record that the meeting was held (planned → held), with who attended."""
    require_role(actor, "run_meetings")
    when = checked_instant(at, "at")
    with transaction(engine, changes=DOMAINS) as s:
        m = _load_meeting(s, code, expected_version)
        if m.status != "planned":
            raise InvalidInput("meeting", f"{code} is {m.status}: only a planned meeting is held")
        if _day(when) < m.held_on:
            raise InvalidInput(
                "at", f"{code} is dated {m.held_on}: it cannot be held on {_day(when)}"
            )
        if attending is not None:
            depts = _dept_ids(s, attending, "attending")
            s.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id))
            for dept in depts:
                s.add(MeetingAttendee(meeting_id=m.id, dept_id=dept))
        if minutes is not None:
            m.minutes = minutes.strip() or None
        m.status = "held"
        m.held_at = when
        s.flush()
        write_audit(
            s,
            actor,
            "meeting.held",
            code,
            when,
            {"attending": len(_attending(s, m.id)), "version": m.version},
            entity="meeting",
        )
        return _meeting_info(s, m, _attending(s, m.id))


def mark_minutes_approved(s: Session, code: str) -> None:
    """Inside the report approval's transaction: the meeting's minutes are final."""
    m = s.scalar(select(JointMeeting).where(JointMeeting.code == code))
    if m is None:
        raise NotFound("meeting", code)
    if m.status == "planned":
        raise InvalidInput("meeting", f"{code} has not been held: record it as held first")
    m.status = "minutes_approved"
    s.flush()
    signal_change(s.connection(), *DOMAINS)


def meetings(engine: Engine, actor: Actor) -> list[MeetingInfo]:
    """Every meeting, the latest first."""
    require_role(actor, "read_meetings")
    with engine.connect() as conn:
        rows = conn.execute(
            select(JointMeeting).order_by(JointMeeting.held_on.desc(), JointMeeting.id.desc())
        ).all()
        att: dict[int, list[str]] = {}
        for mid, code in conn.execute(
            select(MeetingAttendee.meeting_id, Department.code)
            .join(Department, Department.id == MeetingAttendee.dept_id)
            .order_by(Department.code)
        ):
            att.setdefault(mid, []).append(code)
        return [_meeting_info(conn, r, att.get(r.id, ())) for r in rows]


def meeting(engine: Engine, actor: Actor, code: str) -> MeetingInfo:
    require_role(actor, "read_meetings")
    with engine.connect() as conn:
        row = conn.execute(select(JointMeeting).where(JointMeeting.code == code)).first()
        if row is None:
            raise NotFound("meeting", code)
        return _meeting_info(conn, row, _attending(conn, row.id))


# --------------------------------------------------------------------------- proposals


@dataclass(slots=True)
class _Candidate:
    kind: str
    key_base: str  # without "@meeting"
    reasons: list[str]
    case_ids: list[int]
    codes: list[str]
    grid_id: int | None
    sub_id: int
    first_us: int  # when its first case was received, as :func:`db.types.epoch_us` gives it
    dept_id: int | None
    title: str = ""
    grid: str | None = None
    sub: str | None = None
    lead: str | None = None


def _in_cluster(times: list[int], t: int) -> bool:
    """Whether ``t`` (one of the ascending ``times``, in microseconds) lies in a set of
    at least :data:`CLUSTER_MIN` of them whose span is at most :data:`CLUSTER_SPAN`
    (limit inclusive): such a set starts at some time in [t − span, t], and the window
    of ``span`` from there then holds at least that many."""
    if len(times) < CLUSTER_MIN:
        return False
    for j in range(bisect_left(times, t - SPAN_US), bisect_right(times, t)):
        if bisect_right(times, times[j] + SPAN_US) - j >= CLUSTER_MIN:
            return True
    return False


def _core(conn: Connection | Session) -> Connection:
    """The Core connection under a session: thousands of plain rows, no ORM loading."""
    return conn.connection() if isinstance(conn, Session) else conn


def _plain_rows(core: Connection, statement: Any) -> list[Any]:
    """The rows of ``statement`` as the driver gives them (tuples): thousands of rows
    of ints and flags, which need none of the result's processing (no datetimes, no
    Decimals are selected through here)."""
    result = core.execute(statement)
    try:
        return fetch_sliced(result.cursor)
    finally:
        result.close()


def _group_times(
    core: Connection, runs: list[tuple[int, int, int, int]], until: datetime
) -> dict[tuple[int, int], list[int]]:
    """The received times (epoch µs) of the cases near each run of open cases: ``runs``
    holds (grid id, subcategory id, first, last), the times in epoch µs, and the cases
    wanted are those of that grid × subcategory from ``first`` − 720 h to ``last`` +
    720 h, both inclusive, and not after ``until``. A district has tens of thousands
    of runs: one statement takes them all."""
    out: dict[tuple[int, int], list[int]] = {}
    if not runs:
        return out
    ordered = sorted(runs)
    sql, params = _group_times_query(core, ordered, until)
    result = core.exec_driver_sql(sql, params)
    try:
        found = fetch_sliced(result.cursor)
    finally:
        result.close()
    for n, received in found:
        grid, sub = ordered[n][:2]
        out.setdefault((grid, sub), []).append(received)
    return out


def _runs(cases: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The open cases (grid id, subcategory id, received in epoch µs) as runs per grid
    × subcategory: a case more than twice 720 h after the previous one starts a new
    run, so the months between two far-apart open cases are not read (their windows
    of ± 720 h do not meet; within a run they overlap, and each case's window is
    inside its run's)."""
    runs: list[tuple[int, int, int, int]] = []
    for grid, sub, received in sorted(cases):
        if runs and runs[-1][:2] == (grid, sub) and received - runs[-1][3] <= 2 * SPAN_US:
            runs[-1] = (grid, sub, runs[-1][2], received)
        else:
            runs.append((grid, sub, received, received))
    return runs


def _time_binder(dialect: Any, sample: datetime) -> Callable[[datetime], Any]:
    """How a naive local time (as :func:`db.types.from_us` gives) is bound for a driver-level
    statement: as the column type stores it. On SQLite that is the text SQLAlchemy
    writes, which ``isoformat`` gives several times faster than the type's processor
    (thousands of bounds per board); it is used only when the two agree on ``sample``,
    so a changed storage format cannot slip."""
    stored = LocalDateTime().dialect_impl(dialect).bind_processor(dialect)
    naive = local_naive(sample)
    if stored is None or stored(sample) == naive:  # the driver takes the datetime
        return _same

    def fast(v: datetime) -> str:
        return v.isoformat(" ", "microseconds")

    return fast if fast(naive) == stored(sample) else stored


def _same(v: datetime) -> datetime:
    return v


def _group_times_query(
    core: Connection, runs: Sequence[tuple[int, int, int, int]], until: datetime
) -> tuple[str, Any]:
    """One driver-level statement for the cases near many runs (see
    :func:`_group_times`), with its parameters; it answers (the run's index in
    ``runs``, received in epoch µs). The runs are joined to the cases, one seek on the
    covering ix_case_grid_sub_received per run. They go as a few parameters and the
    statement's text is always the same: on PostgreSQL four arrays, on SQLite one JSON
    array. A statement of thousands of placeholders costs the driver more to split
    than the server to run, and a text that changes with the number of runs costs
    memory: each one stays in the connection's cache of prepared statements (about
    1 MB for 1,700 runs on SQLite, up to 128 of them per connection). Hundreds of OR
    terms cost more to plan than to run, and SQLite refuses an expression tree over
    1,000 deep."""
    dialect = core.dialect
    us = epoch_us(dialect.name, literal_column("c.received_at")).compile(
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    end = local_naive(until)
    if dialect.name == "postgresql":
        # the bounds as epoch µs: the server makes the instants (exactly: a µs count
        # below 2⁵³ is a whole double), and the four arrays go as text, which the
        # driver sends as it is (it would look at every element of a list)
        stop = us_of(until)
        grids = _int_array(r[0] for r in runs)
        subs = _int_array(r[1] for r in runs)
        los = _int_array(r[2] - SPAN_US for r in runs)
        his = _int_array(min(r[3] + SPAN_US, stop) for r in runs)
        at = "timestamp '1970-01-01 00:00:00' + w.{} * interval '1 microsecond'"
        sql = (
            f"SELECT w.n - 1, {us} FROM unnest(%s::integer[], %s::integer[], "
            "%s::bigint[], %s::bigint[]) WITH ORDINALITY AS w (g, s, lo_us, hi_us, n) "
            "JOIN cases c ON c.grid_id = w.g AND c.subcategory_id = w.s "
            f"AND c.received_at >= {at.format('lo_us')} AND c.received_at <= {at.format('hi_us')}"
        )
        return sql, (grids, subs, los, his)
    if dialect.name != "sqlite":  # pragma: no cover - the product runs on these two
        raise NotImplementedError(dialect.name)
    # [[grid, subcategory, from, to], ...], the bounds as the column stores them
    bound = _time_binder(dialect, until)
    payload = json.dumps(
        [
            [grid, sub, bound(from_us(first - SPAN_US)), bound(min(from_us(last + SPAN_US), end))]
            for grid, sub, first, last in runs
        ]
    )
    field = "json_extract(w.value, '$[{}]')"
    sql = (
        f"SELECT w.key, {us} FROM json_each(?) w "
        f"JOIN cases c ON c.grid_id = {field.format(0)} AND c.subcategory_id = {field.format(1)} "
        f"AND c.received_at >= {field.format(2)} AND c.received_at <= {field.format(3)}"
    )
    return sql, (payload,)


def _int_array(values: Iterable[int]) -> str:
    """``values`` as the text of a PostgreSQL array."""
    return "{" + ",".join(map(str, values)) + "}"


def _on_agenda_cases(conn: Connection | Session, as_of: datetime) -> set[int]:
    """Cases linked to an item accepted (or added) at or before ``as_of`` and not
    dropped by then."""
    return set(
        _core(conn).scalars(
            select(AgendaItemCase.case_id)
            .join(AgendaItem, AgendaItem.id == AgendaItemCase.item_id)
            .where(
                AgendaItem.status.in_(ON_AGENDA + ("dropped",)),
                AgendaItem.accepted_at.is_not(None),
                AgendaItem.accepted_at <= as_of,
                or_(
                    AgendaItem.status != "dropped",
                    AgendaItem.closed_at > as_of,
                ),
            )
        )
    )


def _candidates(
    conn: Connection | Session,
    as_of: datetime,
    group: tuple[int | None, int | None] | None = None,
    case_id: int | None = None,
    *,
    named: bool = True,
) -> list[_Candidate]:
    """What the rules propose at ``as_of`` (before the drops of the target meeting);
    with ``group`` (grid id, subcategory id) only the proposals of that grid ×
    subcategory, with ``case_id`` too only that case's own (the same as in the full
    list: a case's reasons and its cluster depend on nothing outside its group)."""
    # no "AND true" when there is no group: it would keep SQLite from the indexes
    in_group: list[Any] = []
    if group is not None:
        grid_id, sub_id = group
        in_group = [
            Case.grid_id.is_(None) if grid_id is None else Case.grid_id == grid_id,
            Case.subcategory_id == sub_id,
        ]
    only = in_group if case_id is None else [*in_group, Case.id == case_id]
    core = _core(conn)
    # the escalated and overdue tests are made by the database, and the received time
    # comes as whole microseconds: thousands of rows with no instant to convert
    columns = (
        Case.id,
        Case.code,
        Case.grid_id,
        Case.subcategory_id,
        and_(Case.escalated, func.coalesce(Case.escalated_at, Case.received_at) <= as_of),
        Case.deadline_at <= as_of,
        Case.dept_id,
        epoch_us(core.dialect.name, Case.received_at),
    )
    # open: not closed at all, or closed after as_of; two queries, each on the index of
    # eff_closed_at (SQLite would otherwise walk every case received before as_of)
    open_rows = [
        *_plain_rows(
            core,
            select(*columns).where(Case.eff_closed_at.is_(None), Case.received_at <= as_of, *only),
        ),
        *_plain_rows(
            core,
            select(*columns).where(Case.eff_closed_at > as_of, Case.received_at <= as_of, *only),
        ),
    ]
    if not open_rows:
        return []
    taken = _on_agenda_cases(conn, as_of)
    if taken:
        open_rows = [r for r in open_rows if r[0] not in taken]
    if not open_rows:
        return []
    open_ids = {r[0] for r in open_rows}

    # bounced: assigned to two departments, or refused as not-our-remit, by as_of
    depts: dict[int, set[int]] = {}
    bounced: set[int] = set()
    for case_id, kind, dept in _plain_rows(
        core,
        select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.dept_id)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.kind.in_(("assign", "not_our_remit")),
            CaseEvent.at <= as_of,
            Case.received_at <= as_of,
            or_(Case.eff_closed_at.is_(None), Case.eff_closed_at > as_of),
            *only,
        ),
    ):
        if case_id not in open_ids:
            continue
        if kind == "not_our_remit":
            bounced.add(case_id)
        elif dept is not None:
            depts.setdefault(case_id, set()).add(dept)
    bounced |= {cid for cid, ds in depts.items() if len(ds) >= 2}

    # cluster: the cases of the open cases' grids × subcategories near their times
    # (whole microseconds from the database: no parsing of every row), read per run of
    # open cases of one grid × subcategory (an index on the three columns)
    runs = _runs((r[2], r[3], r[7]) for r in open_rows if r[2] is not None)
    groups = _group_times(core, runs, as_of) if runs else {}
    for times in groups.values():
        times.sort()
    no_times: list[int] = []
    clustered = {r[0] for r in open_rows if _in_cluster(groups.get((r[2], r[3]), no_times), r[7])}

    out: list[_Candidate] = []
    cluster_groups: dict[tuple[int | None, int], _Candidate] = {}
    open_rows.sort(key=itemgetter(7, 0))
    for cid, code, grid, sub, escalated, overdue, dept, received in open_rows:
        reasons = []
        if escalated:
            reasons.append("escalated")
        if overdue:
            reasons.append("overdue")
        if cid in bounced:
            reasons.append("bounced")
        in_cluster = cid in clustered
        if reasons:
            if in_cluster:
                reasons.append("cluster")
            out.append(
                _Candidate("case", f"case:{cid}", reasons, [cid], [code], grid, sub, received, dept)
            )
        elif in_cluster:
            key = (grid, sub)
            cand = cluster_groups.get(key)
            if cand is None:
                cand = _Candidate(
                    "cluster",
                    f"cluster:{grid}:{sub}",
                    ["cluster"],
                    [],
                    [],
                    grid,
                    sub,
                    received,
                    dept,
                )
                cluster_groups[key] = cand
                out.append(cand)
            cand.case_ids.append(cid)
            cand.codes.append(code)
    if named:
        _name(conn, out)
    out.sort(key=lambda c: (REASONS.index(c.reasons[0]), c.first_us, c.codes[0]))
    return out


def _name(conn: Connection | Session, cands: list[_Candidate]) -> None:
    grids = {
        gid: (code, name)
        for gid, code, name in _core(conn).execute(select(Grid.id, Grid.code, Grid.name))
    }
    subs = {
        sid: (code, name)
        for sid, code, name in _core(conn).execute(
            select(Subcategory.id, Subcategory.code, Subcategory.name)
        )
    }
    depts = {did: code for did, code in _core(conn).execute(select(Department.id, Department.code))}
    for c in cands:
        gcode, gname = grids.get(c.grid_id, (None, "")) if c.grid_id is not None else (None, "")
        scode, sname = subs.get(c.sub_id, (None, ""))
        c.grid, c.sub = gcode, scode
        c.lead = depts.get(c.dept_id) if c.dept_id is not None else None
        if c.kind == "cluster":
            c.title = f"{gname}{sname}集中反映（{len(c.codes)}件）"
        else:
            c.title = f"{sname}（{c.codes[0]}）" + (f" {gname}" if gname else "")
        c.title = c.title[:200]


def _key(base: str, meeting_id: int | None) -> str:
    return f"{base}@{meeting_id or 0}"


def _resolve(
    conn: Connection | Session,
    cands: list[_Candidate],
    meeting_id: int | None,
    as_of: datetime,
) -> list[tuple[_Candidate, str, int | None]]:
    """Each candidate not dropped for the meeting, with its key and its existing id."""
    if not cands:
        return []
    suffix = f"@{meeting_id or 0}"
    renewed = suffix + "#"
    # (key, id, status, closed by as_of): a district holds tens of thousands of them
    rows = _plain_rows(
        _core(conn),
        select(
            AgendaItem.proposal_key,
            AgendaItem.id,
            AgendaItem.status,
            or_(AgendaItem.closed_at.is_(None), AgendaItem.closed_at <= as_of),
        ).where(AgendaItem.proposal_key.like(f"%{suffix}%")),
    )
    # per base: how many items it had for the meeting, the first one still proposed,
    # and whether one was dropped by as_of
    found: dict[str, list[Any]] = {}
    for key, item_id, status, closed in rows:
        base, at, rest = (key or "").partition("@")
        rest = at + rest
        if rest != suffix and not rest.startswith(renewed):
            continue
        seen = found.get(base)
        if seen is None:
            seen = found[base] = [0, None, False]
        seen[0] += 1
        if status == "proposed":
            if seen[1] is None:
                seen[1] = (key, item_id)
        elif status == "dropped" and closed:
            seen[2] = True
    out: list[tuple[_Candidate, str, int | None]] = []
    for c in cands:
        seen = found.get(c.key_base)
        if seen is None:
            out.append((c, _key(c.key_base, meeting_id), None))
            continue
        count, live, dropped = seen
        if dropped:
            continue  # dropped for this meeting: not proposed again
        if live is not None:
            out.append((c, live[0], live[1]))
            continue
        # the earlier proposal was accepted: this is a new one
        out.append((c, f"{_key(c.key_base, meeting_id)}#{count + 1}", None))
    return out


def _allocate(
    s: Session,
    resolved: list[tuple[_Candidate, str, int | None]],
    meeting_id: int | None,
    when: datetime,
) -> list[tuple[_Candidate, str, int]]:
    def new_row(c: _Candidate, key: str) -> AgendaItem:
        return AgendaItem(
            meeting_id=meeting_id,
            kind=c.kind,
            proposal_key=key,
            grid_id=c.grid_id,
            subcategory_id=c.sub_id,
            title=c.title,
            reasons=",".join(c.reasons),
            status="proposed",
            lead_dept_id=c.dept_id,
            created_at=when,
        )

    # all at once (one statement); one by one only when another reader raced us
    ids: dict[str, int] = {}
    try:
        with s.begin_nested():
            rows = [new_row(c, key) for c, key, item_id in resolved if item_id is None]
            s.add_all(rows)
            s.flush()
            ids = {row.proposal_key or "": row.id for row in rows}
    except IntegrityError:
        ids = {}
    out = []
    for c, key, item_id in resolved:
        if item_id is None:
            item_id = ids.get(key)
        if item_id is None:
            try:
                with s.begin_nested():
                    row = new_row(c, key)
                    s.add(row)
                    s.flush()
                    item_id = row.id
            except IntegrityError:  # another reader allocated it first
                item_id = s.scalar(select(AgendaItem.id).where(AgendaItem.proposal_key == key))
                assert item_id is not None
        out.append((c, key, item_id))
    return out


def _proposal(c: _Candidate, key: str, item_id: int | None) -> Proposal:
    return Proposal(
        id=item_id,
        key=key,
        reasons=tuple(c.reasons),
        cases=tuple(c.codes),
        grid=c.grid,
        subcategory=c.sub,
        title=c.title,
        kind=c.kind,
        lead=c.lead,
    )


def proposals_at(
    engine: Engine, actor: Actor, as_of: datetime | None = None, *, allocate: bool = True
) -> Proposals:
    """The agenda proposal at ``as_of`` (default now) for the next planned meeting.

    ``allocate`` gives each proposal its lasting id (a short write; a read-only
    actor or session computes them with ``id`` None)."""
    require_role(actor, "read_meetings")
    as_of = to_local(as_of) if as_of is not None else now()
    return _proposals(engine, as_of, allocate=allocate and not actor.read_only)


def _proposed(
    engine: Engine, as_of: datetime, *, allocate: bool, named: bool = True
) -> tuple[MeetingInfo | None, Sequence[tuple[_Candidate, str, int | None]]]:
    """The next meeting and what the rules propose for it at ``as_of``: each candidate
    with its key and its id (None when not allocated); ``named`` False leaves the
    candidates' titles, grid and subcategory codes and lead out (to count them)."""
    with transaction(engine, write=allocate and named) as s:
        m = _next_meeting_row(s, as_of)
        meeting_info = _meeting_info(s, m, _attending(s, m.id)) if m is not None else None
        cands = _candidates(s, as_of, named=named)
        resolved = _resolve(s, cands, m.id if m else None, as_of)
        if allocate and named and any(item_id is None for _, _, item_id in resolved):
            return meeting_info, _allocate(s, resolved, m.id if m else None, min(as_of, now()))
        return meeting_info, resolved


def _proposals(engine: Engine, as_of: datetime, *, allocate: bool) -> Proposals:
    meeting_info, allocated = _proposed(engine, as_of, allocate=allocate)
    return Proposals(as_of, meeting_info, tuple(_proposal(*r) for r in allocated))


# --------------------------------------------------------------------------- board


def _items(
    conn: Connection | Session,
    where: Any,
    today: date,
) -> list[BoardItem]:
    rows = conn.execute(
        select(
            AgendaItem.id,
            AgendaItem.title,
            AgendaItem.reasons,
            AgendaItem.status,
            AgendaItem.version,
            AgendaItem.due_on,
            AgendaItem.kind,
            AgendaItem.measures,
            Department.code,
            Department.name,
            JointMeeting.code,
        )
        .outerjoin(Department, Department.id == AgendaItem.lead_dept_id)
        .outerjoin(JointMeeting, JointMeeting.id == AgendaItem.meeting_id)
        .where(where)
        .order_by(AgendaItem.due_on.is_(None), AgendaItem.due_on, AgendaItem.id)
    ).all()
    ids = [r[0] for r in rows]
    cases: dict[int, list[str]] = {}
    co: dict[int, list[str]] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for item_id, code in conn.execute(
            select(AgendaItemCase.item_id, Case.code)
            .join(Case, Case.id == AgendaItemCase.case_id)
            .where(AgendaItemCase.item_id.in_(chunk))
            .order_by(Case.received_at, Case.code)
        ):
            cases.setdefault(item_id, []).append(code)
        for item_id, code in conn.execute(
            select(AgendaItemDept.item_id, Department.code)
            .join(Department, Department.id == AgendaItemDept.dept_id)
            .where(AgendaItemDept.item_id.in_(chunk))
            .order_by(Department.code)
        ):
            co.setdefault(item_id, []).append(code)
    out = []
    for (
        item_id,
        title,
        reasons,
        status,
        version,
        due,
        kind,
        measures,
        lead,
        lead_name,
        mcode,
    ) in rows:
        out.append(
            BoardItem(
                id=item_id,
                title=title,
                reasons=tuple(r for r in (reasons or "").split(",") if r),
                cases=tuple(cases.get(item_id, ())),
                lead=lead,
                lead_name=lead_name,
                due=due,
                status=status,
                version=version,
                overdue=status in OPEN_ITEM and due is not None and today > due,
                meeting=mcode,
                kind=kind,
                co_depts=tuple(co.get(item_id, ())),
                measures=measures,
            )
        )
    return out


def board(
    engine: Engine, actor: Actor, as_of: datetime | None = None, *, allocate: bool = True
) -> Board:
    """The board at ``as_of``: the proposals, the items by status, the overdue items
    (not done nor dropped, due date before ``as_of``'s date) and the next meeting."""
    require_role(actor, "read_meetings")
    as_of = to_local(as_of) if as_of is not None else now()
    allocate = allocate and not actor.read_only
    return _board(engine, as_of, *_proposed(engine, as_of, allocate=allocate))


def board_view(engine: Engine, as_of: datetime | None = None) -> Board:
    """The board for the aggregate readers (the wall, the monthly report), whose callers
    checked ``read_aggregates``: the proposals come without ids (nothing is written)."""
    as_of = to_local(as_of) if as_of is not None else now()
    return _board(engine, as_of, *_proposed(engine, as_of, allocate=False))


def board_counts_view(engine: Engine, as_of: datetime | None = None) -> Board:
    """:func:`board_view` with the proposals counted, not listed: its ``counts`` are
    those of :func:`board_view`, its ``proposed`` column is empty. For the wall, which
    shows how many there are (a district has tens of thousands of them)."""
    as_of = to_local(as_of) if as_of is not None else now()
    meeting, proposals = _proposed(engine, as_of, allocate=False, named=False)
    return _board(engine, as_of, meeting, proposals, listed=False)


def _board(
    engine: Engine,
    as_of: datetime,
    meeting: MeetingInfo | None,
    proposals: Sequence[tuple[_Candidate, str, int | None]],
    *,
    listed: bool = True,
) -> Board:
    today = _day(as_of)
    with engine.connect() as conn:
        items = _items(conn, AgendaItem.status.in_(ON_AGENDA), today)
        last = conn.execute(
            select(JointMeeting)
            .where(JointMeeting.held_on < today)
            .order_by(JointMeeting.held_on.desc(), JointMeeting.id.desc())
            .limit(1)
        ).first()
        last_info = _meeting_info(conn, last) if last is not None else None
    code = meeting.code if meeting else None
    proposed = tuple(
        BoardItem(
            id=item_id,
            title=c.title,
            reasons=tuple(c.reasons),
            cases=tuple(c.codes),
            lead=c.lead,
            lead_name=None,
            due=None,
            status="proposed",
            version=1,
            overdue=False,
            meeting=code,
            kind=c.kind,
        )
        for c, _key, item_id in (proposals if listed else ())
    )
    columns: dict[str, tuple[BoardItem, ...]] = {"proposed": proposed}
    for col in COLUMNS[1:]:
        columns[col] = tuple(i for i in items if i.status == col)
    overdue = tuple(
        i.id
        for i in sorted(items, key=lambda i: (i.due or date.max, i.id or 0))
        if i.overdue and i.id is not None
    )
    sizes = None
    if not listed:
        sizes = {k: len(v) for k, v in columns.items()}
        sizes["proposed"] = len(proposals)
    return Board(as_of, meeting, columns, overdue, last_info, sizes)


def department_items(
    engine: Engine, actor: Actor, as_of: datetime | None = None
) -> list[BoardItem]:
    """The open items the actor's department leads (its queue), the earliest due first."""
    require_role(actor, "read_meetings")
    if actor.dept_id is None:
        return []
    today = _day(as_of or now())
    with engine.connect() as conn:
        items = _items(
            conn,
            and_(AgendaItem.status.in_(OPEN_ITEM), AgendaItem.lead_dept_id == actor.dept_id),
            today,
        )
    return sorted(items, key=lambda i: (i.due or date.max, i.id or 0))


def meeting_items(engine: Engine, actor: Actor, code: str) -> list[BoardItem]:
    """A meeting's items (not the dropped ones), in agenda order."""
    require_role(actor, "read_meetings")
    with engine.connect() as conn:
        mid = conn.scalar(select(JointMeeting.id).where(JointMeeting.code == code))
        if mid is None:
            raise NotFound("meeting", code)
        items = _items(
            conn, and_(AgendaItem.meeting_id == mid, AgendaItem.status.in_(ON_AGENDA)), _day(now())
        )
    return sorted(items, key=lambda i: i.id or 0)


def item_detail(engine: Engine, actor: Actor, item_id: int) -> ItemDetail:
    require_role(actor, "read_meetings")
    with engine.connect() as conn:
        item = conn.execute(select(AgendaItem).where(AgendaItem.id == item_id)).first()
        if item is None:
            raise NotFound("agenda item", str(item_id))
        today = _day(now())
        if item.status == "proposed":
            board_item = BoardItem(
                id=item.id,
                title=item.title,
                reasons=tuple(r for r in (item.reasons or "").split(",") if r),
                cases=(),
                lead=None,
                lead_name=None,
                due=None,
                status="proposed",
                version=item.version,
                overdue=False,
                kind=item.kind,
            )
        else:
            board_item = _items(conn, AgendaItem.id == item_id, today)[0]
        m = None
        if item.meeting_id is not None:
            mrow = conn.execute(
                select(JointMeeting).where(JointMeeting.id == item.meeting_id)
            ).first()
            if mrow is not None:
                m = _meeting_info(conn, mrow, _attending(conn, mrow.id))
        links = tuple(
            CaseLink(code, status, sname, dcode, received, closed)
            for code, status, sname, dcode, received, closed in conn.execute(
                select(
                    Case.code,
                    Case.status,
                    Subcategory.name,
                    Department.code,
                    Case.received_at,
                    Case.closed_at,
                )
                .join(AgendaItemCase, AgendaItemCase.case_id == Case.id)
                .join(Subcategory, Subcategory.id == Case.subcategory_id)
                .outerjoin(Department, Department.id == Case.dept_id)
                .where(AgendaItemCase.item_id == item_id)
                .order_by(Case.received_at, Case.code)
            )
        )
        notes = tuple(
            NoteRow(at, who, kind, text)
            for at, who, kind, text in conn.execute(
                select(AgendaNote.at, AgendaNote.actor, AgendaNote.kind, AgendaNote.text)
                .where(AgendaNote.item_id == item_id)
                .order_by(AgendaNote.at, AgendaNote.id)
            )
        )
        allowed = tuple(
            a for a in ACTIONS_FROM.get(item.status, ()) if _may(conn, actor, a, item.lead_dept_id)
        )
    return ItemDetail(
        board_item,
        m,
        links,
        notes,
        item.drop_reason,
        item.closing_note,
        item.decided_at,
        item.acked_at,
        item.closed_at,
        allowed,
    )


# --------------------------------------------------------------------------- moves

#: the access.md action each move needs
MOVE_ACTIONS = {
    "accept": "run_meetings",
    "drop": "run_meetings",
    "decide": "run_meetings",
    "ack": "ack_meeting_item",
    "progress": "report_meeting_item",
    "done": "close_meeting_item",
}


@dataclass(frozen=True)
class _Lead:
    dept_id: int | None
    grid_id: int | None = None


def _may(conn: Connection | Session, actor: Actor, action: str, lead: int | None) -> bool:
    try:
        _check(conn, actor, action, lead)
    except UserError:
        return False
    return True


def _check(conn: Connection | Session, actor: Actor, action: str, lead: int | None) -> Any:
    c = conn if isinstance(conn, Connection) else conn.connection()
    return require_role(
        actor,
        MOVE_ACTIONS[action],
        _Lead(lead),
        dept_has_account=lambda dept: department_has_account(c, dept),
    )


def _write_item(
    engine: Engine,
    actor: Actor,
    item_id: int,
    expected_version: int | None,
    action: str,
    at: datetime | None,
    note: str | None,
    apply: Callable[[Session, AgendaItem, datetime], dict[str, Any]],
) -> ItemChange:
    """One move: lock and version-check, role and state checks, ``apply``, the item's
    history note, audit row and change signal."""
    try:
        with transaction(engine, changes=DOMAINS) as s:
            item = s.scalar(select(AgendaItem).where(AgendaItem.id == item_id).with_for_update())
            if item is None:
                raise NotFound("agenda item", str(item_id))
            if expected_version is not None and item.version != expected_version:
                raise ConflictError(
                    f"{item_id}", expected_version, item.version, [], entity="agenda item"
                )
            grant = _check(s, actor, action, item.lead_dept_id)
            starts, target = MOVES[action]
            if item.status not in starts:
                raise MoveRefused(item_id, action, item.status)
            when = checked_instant(
                at,
                "at",
                not_before=None if action == "accept" else item.created_at,
                not_before_name="the item's creation",
            )
            before = item.status
            with s.no_autoflush:  # one UPDATE per move: the version grows by one
                detail = apply(s, item, when)
            item.status = target
            s.add(
                AgendaNote(
                    item_id=item.id,
                    at=when,
                    actor=actor.name,
                    kind=action,
                    text=note.strip() if note else None,
                )
            )
            s.flush()
            if grant.acting_for_dept is not None:
                detail["acting_for"] = s.scalar(
                    select(Department.code).where(Department.id == grant.acting_for_dept)
                )
            write_audit(
                s,
                actor,
                f"meeting_item.{action}",
                str(item.id),
                when,
                {"from": before, "to": target, "version": item.version, **detail},
                entity="agenda_item",
            )
            return ItemChange(item.id, action, item.status, item.version)
    except StaleDataError:
        raise ConflictError(
            str(item_id), expected_version or 0, -1, [], entity="agenda item"
        ) from None


def _current_proposal(s: Session, item: AgendaItem, when: datetime) -> _Candidate:
    """The proposal this row stands for: as the rules make it at ``when``, joined by
    the cases it held when it was first proposed (an ``--as-of`` in the past) that are
    still open and on no agenda; refused when nothing of it is left."""
    base = (item.proposal_key or "").split("@", 1)[0]
    # only its grid × subcategory (a case: only that case) is computed: fast
    group = (item.grid_id, item.subcategory_id)
    one = int(base[5:]) if base.startswith("case:") and base[5:].isdigit() else None
    now_c = next((c for c in _candidates(s, when, group, one) if c.key_base == base), None)
    then_c = next(
        (c for c in _candidates(s, to_local(item.created_at), group, one) if c.key_base == base),
        None,
    )
    if then_c is not None:
        gone = _on_agenda_cases(s, when) | set(
            s.scalars(
                select(Case.id).where(
                    Case.id.in_(then_c.case_ids),
                    Case.closed_at.is_not(None),
                    Case.closed_at <= when,
                )
            )
        )
        keep = [
            (cid, code)
            for cid, code in zip(then_c.case_ids, then_c.codes, strict=True)
            if cid not in gone
        ]
        if now_c is None and keep:
            now_c = then_c
            now_c.case_ids, now_c.codes = [], []
        if now_c is not None:
            have = set(now_c.case_ids)
            for cid, code in keep:
                if cid not in have:
                    now_c.case_ids.append(cid)
                    now_c.codes.append(code)
            now_c.reasons = [r for r in REASONS if r in set(now_c.reasons) | set(then_c.reasons)]
    if now_c is None:
        raise MoveRefused(
            item.id,
            "accept",
            item.status,
            "it is no longer proposed: its cases were closed or put on an agenda since",
        )
    if now_c.kind == "cluster":
        order = sorted(range(len(now_c.codes)), key=lambda i: now_c.codes[i])
        now_c.case_ids = [now_c.case_ids[i] for i in order]
        now_c.codes = [now_c.codes[i] for i in order]
        _name(s, [now_c])
    return now_c


def accept(
    engine: Engine,
    actor: Actor,
    item_id: int,
    expected_version: int | None = None,
    *,
    at: datetime | None = None,
) -> ItemChange:
    """Put a proposal on the agenda of its meeting (the next planned one when its own
    is no longer planned), linking the cases the rules propose now."""

    def apply(s: Session, item: AgendaItem, when: datetime) -> dict[str, Any]:
        cand = _current_proposal(s, item, when)
        m = None
        if item.meeting_id is not None:
            m = s.get(JointMeeting, item.meeting_id)
        if m is None or m.status != "planned":
            m = _next_meeting_row(s, when)
        if m is None:
            raise InvalidInput(
                "meeting", "no planned meeting to put it on: plan one first (center meeting new)"
            )
        if m.id != item.meeting_id:  # proposed for a meeting since held: it moves on
            key = _key(cand.key_base, m.id)
            if s.scalar(select(AgendaItem.id).where(AgendaItem.proposal_key == key)) is None:
                item.proposal_key = key
        item.meeting_id = m.id
        item.reasons = ",".join(cand.reasons)
        item.title = cand.title
        item.lead_dept_id = cand.dept_id
        item.accepted_at = when
        for cid in cand.case_ids:
            s.add(AgendaItemCase(item_id=item.id, case_id=cid))
        return {"meeting": m.code, "cases": cand.codes, "reasons": cand.reasons}

    return _write_item(engine, actor, item_id, expected_version, "accept", at, None, apply)


def drop(
    engine: Engine,
    actor: Actor,
    item_id: int,
    expected_version: int | None = None,
    *,
    reason: str,
    at: datetime | None = None,
) -> ItemChange:
    """Drop a proposal or an agenda item, with a reason; it is not proposed again for
    the same meeting."""
    text = _text(reason, "reason")

    def apply(s: Session, item: AgendaItem, when: datetime) -> dict[str, Any]:
        item.drop_reason = text
        item.closed_at = when
        if item.proposal_key is None and item.kind == "case":  # added by hand
            cid = s.scalar(select(AgendaItemCase.case_id).where(AgendaItemCase.item_id == item.id))
            if cid is not None:
                key = _key(f"case:{cid}", item.meeting_id)
                if s.scalar(select(AgendaItem.id).where(AgendaItem.proposal_key == key)) is None:
                    item.proposal_key = key
        return {}

    return _write_item(engine, actor, item_id, expected_version, "drop", at, text, apply)


def decide(
    engine: Engine,
    actor: Actor,
    item_id: int,
    expected_version: int | None = None,
    *,
    lead: str,
    co_depts: Sequence[str] = (),
    measures: str,
    due: date,
    at: datetime | None = None,
) -> ItemChange:
    """Record the meeting's decision: lead department, co-operating departments,
    measures and the due date (the last day allowed)."""
    text = _text(measures, "measures")
    if not isinstance(due, date):
        raise InvalidInput("due", f"{due!r} is not a date YYYY-MM-DD")

    def apply(s: Session, item: AgendaItem, when: datetime) -> dict[str, Any]:
        lead_id = _dept_ids(s, [lead], "lead")
        if not lead_id:
            raise InvalidInput("lead", "a lead department is required")
        co = [d for d in _dept_ids(s, co_depts, "with") if d != lead_id[0]]
        item.lead_dept_id = lead_id[0]
        item.measures = text
        item.due_on = due
        item.decided_at = when
        s.execute(delete(AgendaItemDept).where(AgendaItemDept.item_id == item.id))
        for d in co:
            s.add(AgendaItemDept(item_id=item.id, dept_id=d))
        return {"lead": lead, "with": len(co), "due": due}

    return _write_item(engine, actor, item_id, expected_version, "decide", at, text, apply)


def ack(
    engine: Engine,
    actor: Actor,
    item_id: int,
    expected_version: int | None = None,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> ItemChange:
    """The lead department acknowledges the decision: the item is in execution."""

    def apply(s: Session, item: AgendaItem, when: datetime) -> dict[str, Any]:
        item.acked_at = when
        return {}

    return _write_item(engine, actor, item_id, expected_version, "ack", at, note, apply)


def progress(
    engine: Engine,
    actor: Actor,
    item_id: int,
    expected_version: int | None = None,
    *,
    note: str,
    at: datetime | None = None,
) -> ItemChange:
    """A progress note on an item in execution."""
    text = _text(note, "note")
    return _write_item(
        engine, actor, item_id, expected_version, "progress", at, text, lambda s, i, w: {}
    )


def done(
    engine: Engine,
    actor: Actor,
    item_id: int,
    expected_version: int | None = None,
    *,
    note: str,
    at: datetime | None = None,
) -> ItemChange:
    """Close an item in execution with a closing note. Its cases keep their own
    lifecycle and clocks."""
    text = _text(note, "note")

    def apply(s: Session, item: AgendaItem, when: datetime) -> dict[str, Any]:
        item.closing_note = text
        item.closed_at = when
        return {}

    return _write_item(engine, actor, item_id, expected_version, "done", at, text, apply)


def add_item(
    engine: Engine,
    actor: Actor,
    meeting_code: str,
    *,
    case_no: str | None = None,
    topic: str | None = None,
    lead: str | None = None,
    at: datetime | None = None,
) -> ItemChange:
    """Add an item to a meeting's agenda by hand: a case (not already on an agenda) or
    a free topic. It starts ``on_agenda``."""
    require_role(actor, "run_meetings")
    if (case_no is None) == (topic is None):
        raise InvalidInput("item", "give either a case number or a topic")
    when = checked_instant(at, "at")
    with transaction(engine, changes=DOMAINS) as s:
        m = s.scalar(select(JointMeeting).where(JointMeeting.code == meeting_code))
        if m is None:
            raise NotFound("meeting", meeting_code)
        if m.status == "minutes_approved":
            raise InvalidInput("meeting", f"the minutes of {meeting_code} are approved")
        lead_id = _dept_ids(s, [lead], "lead")[0] if lead else None
        detail: dict[str, Any] = {"meeting": meeting_code}
        if case_no is not None:
            case = s.execute(
                select(
                    Case.id,
                    Case.code,
                    Case.dept_id,
                    Case.subcategory_id,
                    Case.grid_id,
                    Case.closed_at,
                ).where(Case.code == case_no.strip())
            ).first()
            if case is None:
                raise NotFound("case", case_no)
            if case.id in _on_agenda_cases(s, when):
                raise InvalidInput("case", f"{case.code} is already on an agenda")
            key = _key(f"case:{case.id}", m.id)
            existing = s.scalar(select(AgendaItem).where(AgendaItem.proposal_key == key))
            sub, gname = s.execute(
                select(Subcategory.name, Grid.name)
                .select_from(Case)
                .join(Subcategory, Subcategory.id == Case.subcategory_id)
                .outerjoin(Grid, Grid.id == Case.grid_id)
                .where(Case.id == case.id)
            ).one()
            title = (f"{sub}（{case.code}）" + (f" {gname}" if gname else ""))[:200]
            if existing is not None and existing.status == "proposed":
                item = existing  # the case was proposed for this meeting: that item moves
                item.status = "on_agenda"
                item.accepted_at = when
                item.title = title
                item.reasons = None
                if lead_id is not None:
                    item.lead_dept_id = lead_id
            else:
                item = AgendaItem(
                    meeting_id=m.id,
                    kind="case",
                    proposal_key=key if existing is None else None,
                    grid_id=case.grid_id,
                    subcategory_id=case.subcategory_id,
                    title=title,
                    status="on_agenda",
                    lead_dept_id=lead_id or case.dept_id,
                    created_at=when,
                    accepted_at=when,
                )
                s.add(item)
            s.flush()
            s.add(AgendaItemCase(item_id=item.id, case_id=case.id))
            detail["case"] = case.code
        else:
            text = _text(topic, "topic", 200)
            item = AgendaItem(
                meeting_id=m.id,
                kind="topic",
                title=text,
                status="on_agenda",
                lead_dept_id=lead_id,
                created_at=when,
                accepted_at=when,
            )
            s.add(item)
            s.flush()
            detail["topic"] = True
        s.add(AgendaNote(item_id=item.id, at=when, actor=actor.name, kind="add", text=None))
        s.flush()
        write_audit(
            s,
            actor,
            "meeting_item.add",
            str(item.id),
            when,
            {"to": "on_agenda", "version": item.version, **detail},
            entity="agenda_item",
        )
        return ItemChange(item.id, "add", item.status, item.version)


def item_version(engine: Engine, item_id: int) -> int:
    with engine.connect() as conn:
        v = conn.scalar(select(AgendaItem.version).where(AgendaItem.id == item_id))
    if v is None:
        raise NotFound("agenda item", str(item_id))
    return v


def clear_proposals(conn: Connection) -> None:
    """Forget the ids of proposals nobody acted on (a database cleared for a demo)."""
    conn.execute(delete(AgendaItem).where(AgendaItem.status == "proposed"))


__all__ = [
    "COLUMNS",
    "REASONS",
    "Board",
    "BoardItem",
    "ItemChange",
    "ItemDetail",
    "MeetingInfo",
    "MoveRefused",
    "Proposal",
    "Proposals",
    "accept",
    "ack",
    "add_item",
    "board",
    "board_view",
    "create_meeting",
    "decide",
    "department_items",
    "done",
    "drop",
    "hold_meeting",
    "item_detail",
    "meeting",
    "meeting_items",
    "meetings",
    "move_for",
    "next_meeting",
    "progress",
    "proposals_at",
    "update_meeting",
]
