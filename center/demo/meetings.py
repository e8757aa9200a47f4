"""The demo street's joint meetings, run through the meeting services.

:func:`center.demo.office.run_meetings` plans them with the cases (which escalated
case each meeting takes up, its decision, when the item was done: the case is closed
after it). Once the cases are committed, :func:`replay_meetings` replays that plan in
time order as the demo accounts would have done it, every step a call of
:mod:`center.office.meetings` with its historical instant (``at=``), so the meeting
tables hold nothing the services would not have written:

* a coordinator plans each meeting (the next one right after the previous is held);
* the day before it, a coordinator opens the proposals (which gives them their ids),
  accepts the escalated cases the plan gives the meeting and one or two of the other
  proposals (bounced or cluster first, else an overdue case), drops a few with a
  reason and sometimes adds a topic of the street's own by hand;
* at the meeting the items are decided (lead, sometimes a co-operating department,
  measures, due date) and the meeting is recorded as held with who attended;
* the lead department's account acknowledges a day or two later (for the latest
  meeting some are still waiting), reports progress, and closes the item when done;
  items still open after their due date are the board's overdue ones.

The next (planned) meeting gets its agenda the day before the as-of instant; what was
escalated since stays a proposal.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import Engine, select

from center.core.access import Actor, load_actor
from center.core.clock import now
from center.core.errors import UserError
from center.demo import data as vocab
from center.demo.office import Item, Meeting, done_after
from center.office import meetings as svc
from db.models import AppUser
from db.types import CST

PLACE = "街道办事处三楼会议室"
STARTS = "14:30"
#: departments invited to every meeting besides those with items
CORE_DEPTS = ("D01", "D02", "D06", "D07", "D12")
DROP_REASONS = (
    "已由责任部门正常办理，暂不上会",
    "属个案问题，由网格员跟进化解",
    "居民诉求已协商一致，无需会议协调",
    "已纳入专项整治统筹解决",
)
PROGRESS_NOTES = (
    "已完成现场核查，制定整改方案",
    "协调相关部门召开现场推进会",
    "整改完成过半，持续推进中",
    "已向居民反馈阶段性进展",
    "配合部门已落实分工，按计划推进",
)
CLOSING_NOTES = (
    "已按决定事项办结，居民表示满意",
    "整改完成，经回访居民认可",
    "已办结并报联席会议备案",
)


@dataclass
class ReplayResult:
    meetings: int = 0
    items: int = 0  # agenda items (accepted or added; not the bare proposals)
    proposals: int = 0  # proposal ids given out
    calls: int = 0  # service calls
    skipped: list[str] = field(default_factory=list)  # planned steps the services refused


@dataclass
class _Planned:
    """One agenda item being replayed: the plan's item or an extra accepted proposal."""

    title: str
    lead: str
    co: list[str]
    measures: str
    due_on: date | None
    decided_at: datetime | None
    done_at: datetime | None
    meeting: int
    case_code: str | None = None
    id: int | None = None


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)


class _Replay:
    def __init__(
        self,
        engine: Engine,
        meetings: Sequence[Meeting],
        items: Sequence[Item],
        *,
        as_of: datetime,
        rng: random.Random,
        case_codes: dict[int, str],
        dept_names: dict[str, str],
        default_dept: dict[str, str],
        coordinators: Sequence[str],
        dept_users: dict[str, str],
        report: Callable[[float], None],
    ) -> None:
        self.engine = engine
        self.meetings = list(meetings)
        self.plan = list(items)
        self.as_of = as_of
        self.horizon = min(as_of, now())
        self.rng = rng
        self.case_codes = case_codes
        self.dept_names = dept_names
        self.default_dept = default_dept
        self.coordinators = list(coordinators)
        self.dept_users = dept_users
        self.report = report
        self.result = ReplayResult()
        self.codes: list[str | None] = [None] * len(self.meetings)
        self.meeting_items: dict[int, list[_Planned]] = {}
        #: cases the plan puts on an agenda as escalated: never accepted for another reason
        self.escalated = {case_codes[i.case_key] for i in self.plan if i.case_key is not None}
        self._heap: list[tuple[datetime, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._actors: dict[str, Actor] = {}
        with engine.connect() as conn:
            leader = conn.scalar(select(AppUser.display_name).where(AppUser.username == "leader"))
        self.chair = (leader or "街道办事处主任").split("（")[0]

    # ----------------------------------------------------------------- plumbing

    def actor(self, username: str) -> Actor:
        actor = self._actors.get(username)
        if actor is None:
            with self.engine.connect() as conn:
                actor = load_actor(conn, username)
            if actor is None:
                raise UserError(f"the demo account {username} is missing")
            self._actors[username] = actor
        return actor

    def coord(self, k: int) -> Actor:
        return self.actor(self.coordinators[k % len(self.coordinators)])

    def dept_actor(self, dept: str, k: int) -> Actor:
        name = self.dept_users.get(dept)
        return self.actor(name) if name else self.coord(k)

    def at(self, when: datetime, step: Callable[[], None]) -> None:
        """Schedule ``step`` at ``when`` (dropped when past the as-of instant)."""
        if when <= self.horizon:
            heapq.heappush(self._heap, (when, next(self._seq), step))

    def call(self, what: str, fn: Callable[[], object]) -> object | None:
        self.result.calls += 1
        try:
            return fn()
        except UserError as exc:
            self.result.skipped.append(f"{what}: {exc}")
            return None

    def dept_name(self, code: str) -> str:
        return self.dept_names.get(code, code)

    # -------------------------------------------------------------------- plan

    def schedule(self) -> None:
        for k, m in enumerate(self.meetings):
            self.meeting_items[k] = []
            created = self.created_at(k)
            self.at(created, partial(self.create, k, created))
            if m.held:
                agenda_at = _at(m.held_on - timedelta(days=1), 9, 30)
                self.at(agenda_at, partial(self.agenda, k, agenda_at))
                self.at(_at(m.held_on, 17), partial(self.hold, k))
            elif k == 0 or self.meetings[k - 1].held:  # the next meeting
                agenda_at = max(self.as_of - timedelta(days=1), created + timedelta(minutes=30))
                self.at(agenda_at, partial(self.agenda, k, agenda_at))
        for item in self.plan:
            if item.case_key is None and item.meeting is not None:
                planned = self._from_plan(item)
                self.meeting_items[item.meeting].append(planned)
                self.at(item.created_at, partial(self.add_topic, planned, item.created_at))

    def _from_plan(self, item: Item) -> _Planned:
        assert item.meeting is not None
        return _Planned(
            title=item.title,
            lead=item.lead_dept,
            co=list(item.co_depts),
            measures=item.measures,
            due_on=item.due_on,
            decided_at=item.decided_at,
            done_at=item.done_at,
            meeting=item.meeting,
            case_code=self.case_codes[item.case_key] if item.case_key is not None else None,
        )

    def run(self) -> ReplayResult:
        self.schedule()
        # about five calls an item (accept, decide, ack, progress, done), three a meeting
        expected = 5 * len(self.plan) + 3 * len(self.meetings) + 1
        shown = 0.0
        while self._heap:
            _when, _seq, step = heapq.heappop(self._heap)
            step()
            fraction = min(0.99, self.result.calls / expected)
            if fraction >= shown + 0.01:
                shown = fraction
                self.report(fraction)
        self.report(1.0)
        return self.result

    # ---------------------------------------------------------------- meetings

    def created_at(self, k: int) -> datetime:
        """A meeting is planned right after the one before it is held (the first three
        weeks ahead; one after the next meeting just before the as-of instant)."""
        m = self.meetings[k]
        if k == 0:
            return _at(m.held_on - timedelta(days=20), 9)
        after = _at(self.meetings[k - 1].held_on, 17, 10)
        if after <= self.horizon:
            return after
        return max(self.horizon - timedelta(hours=1), self.created_at(k - 1) + timedelta(minutes=1))

    def create(self, k: int, when: datetime) -> None:
        m = self.meetings[k]
        info = self.call(
            f"meeting {m.code}",
            lambda: svc.create_meeting(
                self.engine,
                self.coord(k),
                held_on=m.held_on,
                title=m.title,
                chair=self.chair,
                time_of_day=STARTS,
                place=PLACE,
                attending=CORE_DEPTS,
                at=when,
            ),
        )
        if isinstance(info, svc.MeetingInfo):
            self.codes[k] = info.code
            self.result.meetings += 1

    def agenda(self, k: int, when: datetime) -> None:
        """The day before the meeting: the proposals, accepted, dropped or left."""
        m = self.meetings[k]
        coord = self.coord(k)
        props = self.call("proposals", lambda: svc.proposals_at(self.engine, coord, when))
        if not isinstance(props, svc.Proposals):
            return
        self.result.proposals += len(props.proposals)
        by_case = {p.cases[0]: p for p in props.proposals if p.kind == "case"}
        step = itertools.count(1)
        # the escalated cases the plan gives this meeting
        for item in self.plan:
            if item.meeting != k or item.case_key is None:
                continue
            code = self.case_codes[item.case_key]
            if not m.held and item.created_at > self.as_of - timedelta(days=2):
                continue  # escalated too recently: still a proposal
            p = by_case.get(code)
            if p is None or p.id is None:
                self.result.skipped.append(f"{code}: not proposed at {when:%Y-%m-%d %H:%M}")
                continue
            planned = self._from_plan(item)
            planned.id = p.id
            if self._accept(planned, coord, when + timedelta(minutes=next(step))):
                self.meeting_items[k].append(planned)
        # one or two of the others: bounced or cluster first, else a long-overdue case
        others = [
            p
            for p in props.proposals
            if "escalated" not in p.reasons
            and p.id is not None
            and not any(c in self.escalated for c in p.cases)
        ]
        rng = self.rng
        special = [p for p in others if {"bounced", "cluster"} & set(p.reasons)]
        picks = []
        if special:
            picks.append(rng.choice(special[:8]))
        overdue = [p for p in others if "overdue" in p.reasons and p not in picks]
        if overdue and (not picks or rng.random() < 0.5):
            picks.append(rng.choice(overdue[:10]))
        for p in picks:
            lead = p.lead or self.default_dept.get(p.subcategory or "", "D12")
            planned = self._extra(p, lead, k)
            if self._accept(planned, coord, when + timedelta(minutes=next(step))):
                self.meeting_items[k].append(planned)
        # a few dropped with a reason
        rest = [p for p in others if p not in picks]
        for p in rng.sample(rest, min(len(rest), rng.randint(1, 2))):
            reason = rng.choice(DROP_REASONS)
            assert p.id is not None
            item_id = p.id
            at = when + timedelta(minutes=next(step))
            self.call(
                f"drop {item_id}",
                partial(svc.drop, self.engine, coord, item_id, reason=reason, at=at),
            )
        if not m.held and rng.random() < 0.7:  # a topic for the coming meeting
            topic, dept = rng.choice(vocab.MEETING_TOPICS)
            planned = _Planned(topic, dept, [], "", None, None, None, k)
            self.meeting_items[k].append(planned)
            self.add_topic(planned, when + timedelta(minutes=next(step)))

    def _extra(self, p: svc.Proposal, lead: str, k: int) -> _Planned:
        """A proposal accepted besides the plan: its decision and course drawn here."""
        m = self.meetings[k]
        rng = self.rng
        planned = _Planned(
            title=p.title,
            lead=lead,
            co=[],
            measures=rng.choice(vocab.DECISION_TEXTS),
            due_on=None,
            decided_at=None,
            done_at=None,
            meeting=k,
            case_code=None,
            id=p.id,
        )
        if m.held:
            planned.decided_at = _at(m.held_on, 15)
            planned.due_on = m.held_on + timedelta(days=rng.randint(10, 30))
            alt = vocab.ALT_DEPT.get(p.subcategory or "", ())
            if alt and alt[0] != lead and rng.random() < 0.4:
                planned.co = [alt[0]]
            done = done_after(rng, planned.decided_at, m.held_on, planned.due_on)
            planned.done_at = done if done <= self.as_of else None
        return planned

    def _accept(self, planned: _Planned, coord: Actor, when: datetime) -> bool:
        item_id = planned.id
        assert item_id is not None
        change = self.call(
            f"accept {item_id}", lambda: svc.accept(self.engine, coord, item_id, at=when)
        )
        if isinstance(change, svc.ItemChange):
            self.result.items += 1
            return True
        return False

    def add_topic(self, planned: _Planned, when: datetime) -> None:
        """A topic of the street's own, added to the meeting's agenda by hand."""
        code = self.codes[planned.meeting]
        if code is None:
            return
        coord = self.coord(planned.meeting)
        change = self.call(
            f"topic {planned.title}",
            lambda: svc.add_item(
                self.engine, coord, code, topic=planned.title, lead=planned.lead, at=when
            ),
        )
        if isinstance(change, svc.ItemChange):
            planned.id = change.id
            self.result.items += 1

    def hold(self, k: int) -> None:
        """At the meeting: every item decided, then the meeting recorded as held."""
        m = self.meetings[k]
        code = self.codes[k]
        if code is None:
            return
        coord = self.coord(k)
        decided = [p for p in self.meeting_items[k] if p.id is not None and p.decided_at]
        attending = set(CORE_DEPTS)
        for n, p in enumerate(decided):
            attending.add(p.lead)
            attending.update(p.co)
            self.decide(p, coord, _at(m.held_on, 15) + timedelta(minutes=3 * n))
        spare = sorted(attending - {p.lead for p in decided})
        if spare and len(attending) > 6 and self.rng.random() < 0.3:  # sent apologies
            attending.discard(self.rng.choice(spare))
        self.call(
            f"hold {code}",
            lambda: svc.hold_meeting(
                self.engine,
                coord,
                code,
                attending=sorted(attending),
                minutes=f"审议{len(decided)}项议题，明确牵头部门、配合部门和办理时限。",
                at=_at(m.held_on, 17),
            ),
        )

    # ------------------------------------------------------------------- items

    def decide(self, p: _Planned, coord: Actor, when: datetime) -> None:
        assert p.id is not None and p.due_on is not None
        item_id, due = p.id, p.due_on
        measures = p.measures.format(dept=self.dept_name(p.lead))
        if p.co:
            measures += "；" + "、".join(self.dept_name(d) for d in p.co) + "配合"
        change = self.call(
            f"decide {item_id}",
            lambda: svc.decide(
                self.engine,
                coord,
                item_id,
                lead=p.lead,
                co_depts=p.co,
                measures=measures,
                due=due,
                at=when,
            ),
        )
        if not isinstance(change, svc.ItemChange):
            return
        rng = self.rng
        k = p.meeting
        latest = all(not m.held for m in self.meetings[k + 1 :])
        if latest and p.done_at is None and rng.random() < 0.3:
            return  # the department has not acknowledged yet
        day = when.date() + timedelta(days=rng.randint(1, 2))
        ack_at = _at(day, 9) + timedelta(minutes=rng.randint(0, 480))
        if p.done_at is not None and ack_at >= p.done_at:
            ack_at = p.done_at - timedelta(hours=2)
        dept = self.dept_actor(p.lead, k)
        self.at(ack_at, partial(self._move, "ack", p, dept, ack_at))
        end = min(p.done_at or self.horizon, self.horizon)
        span = (end - ack_at).total_seconds()
        if span > 6 * 3600:
            notes = 2 if rng.random() < 0.3 else 1
            for frac in sorted(rng.uniform(0.2, 0.9) for _ in range(notes)):
                t = (ack_at + timedelta(seconds=span * frac)).replace(microsecond=0)
                note = rng.choice(PROGRESS_NOTES)
                self.at(t, partial(self._move, "progress", p, dept, t, note))
        if p.done_at is not None:
            closing = rng.choice(CLOSING_NOTES)
            self.at(p.done_at, partial(self._move, "done", p, dept, p.done_at, closing))

    def _move(self, action: str, p: _Planned, actor: Actor, when: datetime, note: str = "") -> None:
        item_id = p.id
        assert item_id is not None

        def move() -> object:
            if action == "ack":
                return svc.ack(self.engine, actor, item_id, at=when)
            if action == "progress":
                return svc.progress(self.engine, actor, item_id, note=note, at=when)
            return svc.done(self.engine, actor, item_id, note=note, at=when)

        self.call(f"{action} {item_id}", move)


def replay_meetings(
    engine: Engine,
    meetings: Sequence[Meeting],
    items: Sequence[Item],
    *,
    as_of: datetime,
    rng: random.Random,
    case_codes: dict[int, str],
    dept_names: dict[str, str],
    default_dept: dict[str, str],
    coordinators: Sequence[str],
    dept_users: dict[str, str],
    report: Callable[[float], None] = lambda f: None,
) -> ReplayResult:
    """Run the planned meetings through the meeting services (see the module doc)."""
    return _Replay(
        engine,
        meetings,
        items,
        as_of=as_of,
        rng=rng,
        case_codes=case_codes,
        dept_names=dept_names,
        default_dept=default_dept,
        coordinators=coordinators,
        dept_users=dept_users,
        report=report,
    ).run()
