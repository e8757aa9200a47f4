"""Joint-meeting board summary (联席会议): items by status, overdue items, next meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, select

from center.core.clock import now
from db.models import AgendaItem, Case, Department, JointMeeting
from db.types import CST

ITEM_STATUSES = ("pending", "scheduled", "decided", "in_progress", "done")
STATUS_NAMES = {
    "pending": "待上会",
    "scheduled": "已排期",
    "decided": "已议定",
    "in_progress": "办理中",
    "done": "已办结",
}


@dataclass(frozen=True)
class BoardItem:
    title: str
    status: str
    lead_dept: str | None
    due_on: date | None
    overdue: bool
    case_code: str | None
    meeting_code: str | None


@dataclass(frozen=True)
class MeetingBoard:
    as_of: datetime
    counts: dict[str, int]
    overdue: int
    next_meeting: date | None
    next_meeting_title: str | None
    last_meeting: date | None
    items: list[BoardItem]  # open items, overdue first, then by due date


def meeting_board(engine: Engine, as_of: datetime | None = None, limit: int = 50) -> MeetingBoard:
    as_of = as_of or now()
    today = as_of.astimezone(CST).date()
    with engine.connect() as conn:
        counts = {s: 0 for s in ITEM_STATUSES}
        for status, n in conn.execute(
            select(AgendaItem.status, func.count()).group_by(AgendaItem.status)
        ):
            counts[status] = n
        nxt = conn.execute(
            select(JointMeeting.held_on, JointMeeting.title)
            .where(JointMeeting.held_on >= today)
            .order_by(JointMeeting.held_on)
            .limit(1)
        ).first()
        last = conn.scalar(
            select(func.max(JointMeeting.held_on)).where(JointMeeting.held_on < today)
        )
        overdue_n = (
            conn.scalar(
                select(func.count())
                .select_from(AgendaItem)
                .where(AgendaItem.status != "done", AgendaItem.due_on < today)
            )
            or 0
        )
        rows = conn.execute(
            select(
                AgendaItem.title,
                AgendaItem.status,
                Department.name,
                AgendaItem.due_on,
                Case.code,
                JointMeeting.code,
            )
            .outerjoin(Department, Department.id == AgendaItem.lead_dept_id)
            .outerjoin(Case, Case.id == AgendaItem.case_id)
            .outerjoin(JointMeeting, JointMeeting.id == AgendaItem.meeting_id)
            .where(AgendaItem.status != "done")
            .order_by(AgendaItem.due_on.is_(None), AgendaItem.due_on, AgendaItem.id)
            .limit(limit)
        ).all()
    items = [
        BoardItem(t, s, d, due, due is not None and due < today, cc, mc)
        for t, s, d, due, cc, mc in rows
    ]
    items.sort(key=lambda i: (not i.overdue, i.due_on or date.max))
    return MeetingBoard(
        as_of=as_of,
        counts=counts,
        overdue=overdue_n,
        next_meeting=nxt[0] if nxt else None,
        next_meeting_title=nxt[1] if nxt else None,
        last_meeting=last,
        items=items,
    )
