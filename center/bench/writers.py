"""Concurrent writers: ``python -m center.bench writers [--db URL] [--seconds S]
[--processes N] [--seed N]``.

N processes (default 5), each a simulated workstation, write through the services for
S seconds: intake, case transitions, visits, joint-meeting items and budget
expenditures, on a shared pool of the cases and agenda items the run created, so that
two workstations often act on the same row at once. Afterwards the invariants are
checked (:func:`check_invariants`):

* the audit chain is intact;
* no lost update: every write a workstation was told succeeded is in the audit log
  with the version it was given, no two writes of one row were given the same version,
  and a money counter that every workstation corrects (+0.01 a write, optimistic
  locking) ends at its start plus 0.01 per success;
* versions strictly increase along each row's audit rows and end at the row's version;
* every case transition is in the case's event log, in the same order;
* KPI numerators and denominators of the month (street) as :mod:`center.kpi` computes
  them equal the same counts made by direct SQL on the rows (coverage from the raw
  visits, not from the summary rows the writers keep).

A conflict (someone else changed the row first) and a refusal (the row moved on and
the action no longer applies) are what concurrent users meet; a *failure* is any
other exception (a database error, a constraint violation) and is counted by kind.

The database gets bench rows (cases, visits, items, expenditures of a ``BENCH-``
funding line): use a copy or a throw-away database. Without ``--db`` a temporary
SQLite file is used; a database without a street first gets a small demo street.
:mod:`center.bench.soak` drives the same :class:`Workstation` with a fast clock.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from center.cases import lifecycle
from center.core.access import Actor
from center.core.errors import ConflictError, DatabaseError, UserError
from center.office import ledger, meetings
from center.visits.records import record_visit
from db.models import (
    AgendaItem,
    AuditLog,
    BudgetLine,
    Case,
    CaseEvent,
    Department,
    Expenditure,
    Household,
    JointMeeting,
    Staff,
    Subcategory,
    Visit,
)
from db.types import CST, to_local

#: what a workstation does, and how often (weights)
OPS: dict[str, int] = {"intake": 25, "transition": 40, "visit": 20, "meeting": 8, "budget": 7}
#: statuses a run case can still move on from, and the next step for each
NEXT_STEP = {
    "received": "assign",
    "assigned": "accept",
    "accepted": "resolve",
    "escalated": "assign",
    "resolved": "confirm",
    "confirmed": "rate",
}
#: the shared pool: a transition picks one of the newest this many open run cases
POOL = 24
BENCH_LINE = "BENCH-{year}"
COUNTER_VOUCHER = "BENCH-COUNTER-{year}"
CENT = Decimal("0.01")
AUDITED = ("case", "agenda_item", "expenditure")
#: writes that append a row (a progress note) and leave the versioned row unchanged:
#: its version stays, so several of them may carry the same one (nothing can be lost)
APPENDS = frozenset({"meeting_item.progress"})


# ---------------------------------------------------------------------------- clock


@dataclass(frozen=True)
class Clock:
    """Product time that runs ``speed`` times faster than real time from ``start``
    (at the Unix time ``epoch``). Picklable: each process makes the same instants
    from the shared system clock. ``speed=1`` with ``start`` = now is real time."""

    start: datetime
    epoch: float
    speed: float = 1.0

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=(time.time() - self.epoch) * self.speed)

    @classmethod
    def real(cls) -> Clock:
        return cls(datetime.now(CST), time.time(), 1.0)


# ---------------------------------------------------------------------------- tally


@dataclass
class Tally:
    """What one or more workstations did: attempts and successes per operation,
    conflicts, refusals and failures by kind, and every success as
    ``(entity, code, version, action)`` for the lost-update check."""

    attempts: Counter[str] = field(default_factory=Counter)
    done: Counter[str] = field(default_factory=Counter)
    conflicts: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    successes: list[tuple[str, str, int, str]] = field(default_factory=list)
    increments: int = 0  # successful +0.01 corrections of the counter
    first_failure: str = ""  # the first failure's traceback (for the report)

    def merge(self, other: Tally) -> None:
        self.attempts.update(other.attempts)
        self.done.update(other.done)
        self.conflicts.update(other.conflicts)
        self.refused.update(other.refused)
        self.failures.update(other.failures)
        self.successes.extend(other.successes)
        self.increments += other.increments
        self.first_failure = self.first_failure or other.first_failure

    def writes(self) -> int:
        return sum(self.done.values())


# ---------------------------------------------------------------------------- fixture


@dataclass(frozen=True)
class Marks:
    """The newest ids before the run: rows after them are the run's."""

    audit: int
    case: int
    item: int
    visit: int
    line_code: str
    counter: str
    counter_amount: Decimal
    meeting: str


def _max_id(conn: Any, model: Any) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(model.id), 0))) or 0)


def prepare(engine: Engine, day: date) -> Marks:
    """Make sure the bench's funding line, money counter and a planned meeting exist
    (through the services), and note the newest ids."""
    finance = Actor("bench-finance", "finance")
    coordinator = Actor("bench-coordinator", "coordinator")
    line_code = BENCH_LINE.format(year=day.year)
    counter = COUNTER_VOUCHER.format(year=day.year)
    with engine.connect() as conn:
        has_line = conn.scalar(select(BudgetLine.id).where(BudgetLine.line_code == line_code))
        has_counter = conn.scalar(select(Expenditure.id).where(Expenditure.voucher_no == counter))
        meeting = conn.scalar(
            select(JointMeeting.code)
            .where(JointMeeting.status == "planned", JointMeeting.held_on >= day)
            .order_by(JointMeeting.held_on)
            .limit(1)
        )
    if has_line is None:
        ledger.create_line(
            engine,
            finance,
            {
                "line_code": line_code,
                "year": day.year,
                "category": "activities",
                "source": "fiscal",
                "amount": "1000000.00",
            },
        )
    if has_counter is None:
        ledger.create_expenditure(
            engine,
            finance,
            {
                "voucher_no": counter,
                "line_code": line_code,
                "spent_on": date(day.year, 1, 1).isoformat(),
                "amount": "1.00",
                "payee": "bench counter",
            },
            day=day,
        )
    if meeting is None:
        meeting = meetings.create_meeting(
            engine,
            coordinator,
            held_on=day + timedelta(days=30),
            title="bench meeting",
            chair="bench",
        ).code
    with engine.connect() as conn:
        amount = conn.scalar(select(Expenditure.amount).where(Expenditure.voucher_no == counter))
        return Marks(
            audit=_max_id(conn, AuditLog),
            case=_max_id(conn, Case),
            item=_max_id(conn, AgendaItem),
            visit=_max_id(conn, Visit),
            line_code=line_code,
            counter=counter,
            counter_amount=Decimal(amount if amount is not None else 0),
            meeting=meeting,
        )


# ---------------------------------------------------------------------------- workstation


class Workstation:
    """One simulated workstation: a coordinator who takes requests, routes and closes
    cases, records visits and runs the meeting board, a finance clerk, and the
    departments it acts as when a case or item is theirs. Every write goes through the
    services with a real :class:`Actor`, at the product time of ``clock``."""

    def __init__(
        self,
        engine: Engine,
        name: str,
        marks: Marks,
        *,
        seed: int = 0,
        clock: Callable[[], datetime] | None = None,
        ops: dict[str, int] | None = None,
    ) -> None:
        self.engine = engine
        self.name = name
        self.marks = marks
        self.rng = random.Random(seed)
        self.clock = clock or Clock.real()
        self.ops = ops or OPS
        self.tally = Tally()
        self.coordinator = Actor(name, "coordinator")
        self.finance = Actor(f"{name}-finance", "finance")
        self._n = 0
        with engine.connect() as conn:
            self.households = conn.execute(
                select(Household.code, Household.grid_id).where(Household.moved_out_on.is_(None))
            ).all()
            staff = conn.execute(select(Staff.code, Staff.grid_id).where(Staff.active)).all()
            self.subcategories = list(conn.scalars(select(Subcategory.code)))
            self.departments = dict(conn.execute(select(Department.id, Department.code)).all())
        self.staff: dict[int | None, list[str]] = defaultdict(list)
        for code, grid in staff:
            self.staff[grid].append(code)
        self.all_staff = [code for code, _ in staff]
        if not self.households or not self.all_staff:
            raise RuntimeError("the database holds no households or staff: build a street first")

    # -- the loop ------------------------------------------------------------------

    def run_until(self, stop_epoch: float, pause_s: float = 0.0) -> Tally:
        while time.time() < stop_epoch:
            self.step()
            if pause_s:
                time.sleep(pause_s)
        return self.tally

    def step(self) -> None:
        op = self.rng.choices(list(self.ops), weights=list(self.ops.values()))[0]
        self.tally.attempts[op] += 1
        fn = getattr(self, f"_{op}")
        try:
            ok = fn()
        except ConflictError:
            self.tally.conflicts[op] += 1
            return
        except DatabaseError as exc:  # a database fault the product words for users
            self._failed(op, exc)
            return
        except UserError as exc:
            self.tally.refused[f"{op}: {type(exc).__name__}"] += 1
            return
        except Exception as exc:  # noqa: BLE001 - every failure is counted by kind
            self._failed(op, exc)
            return
        if ok:
            self.tally.done[op] += 1
        else:
            self.tally.refused[f"{op}: nothing to do"] += 1

    def _failed(self, op: str, exc: BaseException) -> None:
        orig = getattr(exc, "orig", None)
        kind = type(exc).__name__ + (f"({type(orig).__name__})" if orig is not None else "")
        self.tally.failures[f"{op}: {kind}"] += 1
        if not self.tally.first_failure:
            self.tally.first_failure = traceback.format_exc()

    def _ok(self, entity: str, code: str, version: int, action: str) -> bool:
        self.tally.successes.append((entity, code, version, action))
        return True

    def _dept_actor(self, dept_id: int | None) -> Actor:
        if dept_id is None:
            return self.coordinator
        return Actor(
            f"{self.name}-dept", "department", dept_id=dept_id, dept_code=self.departments[dept_id]
        )

    # -- operations ----------------------------------------------------------------

    def _intake(self) -> bool:
        code, _ = self.rng.choice(self.households)
        on_spot = self.rng.random() < 0.1
        assign = None if on_spot or self.rng.random() < 0.7 else self._random_dept()
        req = lifecycle.IntakeRequest(
            household_code=code,
            source="visit"
            if on_spot
            else self.rng.choice(("visit", "online", "hotline", "proactive")),
            subcategory_code=self.rng.choice(self.subcategories),
            summary="bench request",
            received_at=self.clock(),
            on_the_spot=on_spot,
            assign_to=assign,
        )
        res = lifecycle.intake(self.engine, self.coordinator, req)
        return self._ok("case", res.code, res.version, "intake")

    def _random_dept(self) -> str:
        return self.departments[self.rng.choice(list(self.departments))]

    def _transition(self) -> bool:
        with self.engine.connect() as conn:
            pool = conn.execute(
                select(Case.code, Case.version, Case.status, Case.dept_id)
                .where(Case.id > self.marks.case, Case.status.in_(list(NEXT_STEP)))
                .order_by(Case.id.desc())
                .limit(POOL)
            ).all()
        if not pool:
            return False
        code, version, status, dept = self.rng.choice(pool)
        step = NEXT_STEP[status]
        at = self.clock()
        if step == "assign" and status == "received" and self.rng.random() < 0.1:
            res = lifecycle.escalate(
                self.engine, self.coordinator, code, version, note="bench escalation", at=at
            )
        elif step == "assign":
            res = lifecycle.assign(
                self.engine, self.coordinator, code, version, self._random_dept(), at=at
            )
        elif step in ("accept", "resolve"):
            fn = lifecycle.accept if step == "accept" else lifecycle.resolve
            res = fn(self.engine, self._dept_actor(dept), code, version, at=at)
        elif step == "confirm":
            res = lifecycle.confirm(self.engine, self.coordinator, code, version, at=at)
        else:
            rating = self.rng.choice((1, 2, 3, 4, 5, 5, 4))
            res = lifecycle.rate(self.engine, self.coordinator, code, version, rating, at=at)
        return self._ok("case", code, res.version, res.action)

    def _visit(self) -> bool:
        code, grid = self.rng.choice(self.households)
        staff = self.rng.choice(self.staff.get(grid) or self.all_staff)
        outcome = self.rng.choices(("met", "not_home", "refused"), weights=(8, 3, 1))[0]
        record_visit(
            self.engine,
            self.coordinator,
            household_code=code,
            staff_code=staff,
            visited_at=self.clock(),
            outcome=outcome,
        )
        return True  # visits carry no version: checked against the rows and the KPIs

    def _meeting(self) -> bool:
        at = self.clock()
        if self.rng.random() < 0.35:
            res = meetings.add_item(
                self.engine, self.coordinator, self.marks.meeting, topic="bench topic", at=at
            )
            return self._ok("agenda_item", str(res.id), res.version, "add")
        with self.engine.connect() as conn:
            pool = conn.execute(
                select(
                    AgendaItem.id, AgendaItem.version, AgendaItem.status, AgendaItem.lead_dept_id
                )
                .where(
                    AgendaItem.id > self.marks.item,
                    AgendaItem.status.in_(("on_agenda", "decided", "in_execution")),
                )
                .order_by(AgendaItem.id.desc())
                .limit(POOL)
            ).all()
        if not pool:
            return False
        item, version, status, lead = self.rng.choice(pool)
        if status == "on_agenda":
            res = meetings.decide(
                self.engine,
                self.coordinator,
                item,
                version,
                lead=self._random_dept(),
                measures="bench measures",
                due=at.date() + timedelta(days=14),
                at=at,
            )
        elif status == "decided":
            res = meetings.ack(self.engine, self._dept_actor(lead), item, version, at=at)
        elif self.rng.random() < 0.7:
            res = meetings.progress(
                self.engine, self._dept_actor(lead), item, version, note="bench progress", at=at
            )
        else:
            res = meetings.done(
                self.engine, self._dept_actor(lead), item, version, note="bench done", at=at
            )
        return self._ok("agenda_item", str(res.id), res.version, res.action)

    def _budget(self) -> bool:
        day = to_local(self.clock()).date()
        if self.rng.random() < 0.4:
            self._n += 1
            voucher = f"BENCH-{self.name}-{os.getpid()}-{self._n}"
            rec = ledger.create_expenditure(
                self.engine,
                self.finance,
                {
                    "voucher_no": voucher,
                    "line_code": self.marks.line_code,
                    "spent_on": day.isoformat(),
                    "amount": f"{self.rng.randint(100, 99999) / 100:.2f}",
                    "payee": "bench payee",
                },
                day=day,
            )
            return self._ok("expenditure", voucher, rec.version, "create")
        with self.engine.connect() as conn:
            row = conn.execute(
                select(Expenditure.version, Expenditure.amount, Expenditure.spent_on).where(
                    Expenditure.voucher_no == self.marks.counter
                )
            ).one()
        rec = ledger.correct_expenditure(
            self.engine,
            self.finance,
            self.marks.counter,
            row.version,
            {
                "voucher_no": self.marks.counter,
                "line_code": self.marks.line_code,
                "spent_on": row.spent_on.isoformat(),
                "amount": f"{Decimal(row.amount) + CENT:.2f}",
                "payee": "bench counter",
            },
            day=day,
        )
        self.tally.increments += 1
        return self._ok("expenditure", self.marks.counter, rec.version, "correct")


# ---------------------------------------------------------------------------- processes


def workstation_process(
    url: str,
    name: str,
    marks: Marks,
    seed: int,
    seconds: float,
    ready: Any,
    results: Any,
    clock: Clock | None = None,
    pause_s: float = 0.0,
    release: Any = None,
) -> None:
    """A workstation in a process of its own (its own engine and pool): waits at the
    ``ready`` barrier until every workstation is up, writes for ``seconds`` and puts
    its tally (or the error that stopped it) on ``results``. A ``clock`` starts
    running when the barrier opens (so a slow start costs no product time). With a
    ``release`` event the process then stays up until it is set (the soak measures the
    wall's memory beside the workstations' processes, as while they wrote)."""
    try:
        from db.engine import open_database

        engine = open_database(url)
        try:
            timer = clock if clock is not None else Clock.real()
            ws = Workstation(engine, name, marks, seed=seed, clock=lambda: timer())
            ready.wait(timeout=600)
            timer = Clock(timer.start, time.time(), timer.speed) if clock is not None else timer
            results.put((name, ws.run_until(time.time() + seconds, pause_s)))
        finally:
            engine.dispose()
    except BaseException:  # noqa: BLE001 - the parent reports it
        results.put((name, traceback.format_exc()))
    if release is not None:
        release.wait(timeout=seconds + 900)


class WriterGroup:
    """Workstations writing at once, each in its own process (spawned, so each has its
    own interpreter, engine and connection pool). They start together once all have
    imported the product and loaded their references (:meth:`started`), write for
    ``seconds`` and hand back their tallies (:meth:`stop`)."""

    def __init__(
        self,
        url: str,
        marks: Marks,
        *,
        processes: int = 5,
        seconds: float = 15.0,
        seed: int = 1,
        clock: Clock | None = None,
        pause_s: float = 0.0,
    ) -> None:
        self.names = [f"ws{i + 1}" for i in range(processes)]
        ctx = multiprocessing.get_context("spawn")
        self._ready = ctx.Barrier(len(self.names) + 1)  # and this process
        self._results = ctx.Queue()
        self._release = ctx.Event()  # set by stop(): the processes stay up until then
        self._seconds = seconds
        self._go = False
        self._procs = [
            ctx.Process(
                target=workstation_process,
                args=(
                    url,
                    name,
                    marks,
                    seed * 100 + i,
                    seconds,
                    self._ready,
                    self._results,
                    clock,
                    pause_s,
                    self._release,
                ),
                name=f"center-bench-{name}",
                daemon=True,
            )
            for i, name in enumerate(self.names)
        ]

    def start(self) -> None:
        for proc in self._procs:
            proc.start()

    def started(self) -> bool:
        """True once the workstations write (opens the barrier when all are up; does
        not block before that)."""
        if not self._go and self._ready.n_waiting >= len(self._procs):
            self._ready.wait(timeout=60)
            self._go = True
        return self._go

    def stop(self) -> Tally:
        """Wait for the workstations to finish and merge their tallies."""
        total = Tally()
        errors = []
        try:
            for _ in self._procs:
                name, got = self._results.get(timeout=self._seconds + 900)
                if isinstance(got, Tally):
                    total.merge(got)
                else:
                    errors.append(f"{name}: {got}")
        finally:
            self._release.set()
            for proc in self._procs:
                proc.join(timeout=60)
                if proc.is_alive():
                    proc.kill()
                    proc.join()
        if errors:
            raise RuntimeError("a workstation process failed:\n" + "\n".join(errors))
        return total


def run_writers(
    url: str,
    marks: Marks,
    *,
    processes: int = 5,
    seconds: float = 15.0,
    seed: int = 1,
    clock: Clock | None = None,
    pause_s: float = 0.0,
) -> Tally:
    """``processes`` workstations writing at once for ``seconds``; the merged tally."""
    group = WriterGroup(
        url, marks, processes=processes, seconds=seconds, seed=seed, clock=clock, pause_s=pause_s
    )
    group.start()
    while not group.started():
        time.sleep(0.05)
    return group.stop()


# ---------------------------------------------------------------------------- invariants


@dataclass
class Verdict:
    """What :func:`check_invariants` checked and what it found broken."""

    checked: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, text: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)


def _intake_kinds(to_status: str | None) -> list[str]:
    """The events an intake writes: a case taken and assigned, or resolved on the spot,
    in the same step gets two."""
    if to_status == "assigned":
        return ["intake", "assign"]
    if to_status == "resolved":
        return ["intake", "resolve"]
    return ["intake"]


def check_invariants(engine: Engine, marks: Marks, tally: Tally, as_of: datetime) -> Verdict:
    """Check the rows after a run against the tally (see the module's docstring)."""
    from center.core.audit import verify_chain

    v = Verdict()
    chain = verify_chain(engine)
    v.checked["audit rows in the chain"] = chain.rows
    if not chain.intact:
        v.fail(f"audit chain broken: {chain.reason}")

    with engine.connect() as conn:
        audit = conn.execute(
            select(
                AuditLog.id, AuditLog.entity, AuditLog.entity_code, AuditLog.action, AuditLog.detail
            )
            .where(AuditLog.id > marks.audit, AuditLog.entity.in_(AUDITED))
            .order_by(AuditLog.id)
        ).all()
        current: dict[tuple[str, str], int] = {}
        for entity, model, column in (
            ("case", Case, Case.code),
            ("agenda_item", AgendaItem, AgendaItem.id),
            ("expenditure", Expenditure, Expenditure.voucher_no),
        ):
            codes = sorted({r.entity_code for r in audit if r.entity == entity})
            for i in range(0, len(codes), 500):
                chunk: list[Any] = codes[i : i + 500]
                if entity == "agenda_item":
                    chunk = [int(c) for c in chunk]
                for code, version in conn.execute(
                    select(column, model.version).where(column.in_(chunk))
                ):
                    current[(entity, str(code))] = int(version)
        counter = conn.scalar(
            select(Expenditure.amount).where(Expenditure.voucher_no == marks.counter)
        )
        events = conn.execute(
            select(Case.code, CaseEvent.kind)
            .join(Case, Case.id == CaseEvent.case_id)
            .where(Case.id > marks.case)
            .order_by(CaseEvent.id)
        ).all()

    # versions strictly increase along each row's audit rows and end at the row's
    by_row: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    actions: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for r in audit:
        detail = json.loads(r.detail or "{}")
        if r.entity == "case":
            actions[r.entity_code].append((r.action.split(".", 1)[1], detail.get("to")))
        if "version" in detail:
            by_row[(r.entity, r.entity_code)].append((int(detail["version"]), r.action))
    for key, seq in by_row.items():
        versions = [ver for ver, _ in seq]
        v.checked["rows with versions"] += 1
        v.checked["versioned audit rows"] += len(versions)
        for (a, _), (b, action) in zip(seq, seq[1:], strict=False):
            if b < a or (b == a and action not in APPENDS):
                v.fail(f"{key[0]} {key[1]}: versions not strictly increasing: {versions}")
                break
        if key in current and versions[-1] != current[key]:
            v.fail(
                f"{key[0]} {key[1]}: last audited version {versions[-1]}, row has {current[key]}"
            )

    # no lost update: each success is audited with its version, and only once
    seen: Counter[tuple[str, str, int]] = Counter(
        (e, c, ver) for e, c, ver, action in tally.successes if action != "progress"
    )
    for (entity, code, ver), n in seen.items():
        if n > 1:
            v.fail(f"lost update: {n} writes of {entity} {code} were all given version {ver}")
    audited = {(e, c): {ver for ver, _ in seq} for (e, c), seq in by_row.items()}
    for entity, code, ver, action in tally.successes:
        v.checked["successful writes traced"] += 1
        if ver not in audited.get((entity, code), set()):
            v.fail(f"lost update: {entity} {code} version {ver} ({action}) is not in the audit log")
    expected = marks.counter_amount + CENT * tally.increments
    v.checked["counter corrections"] = tally.increments
    if counter is None or Decimal(counter) != expected:
        v.fail(
            f"lost update on the money counter: {counter} after {tally.increments} "
            f"corrections of +0.01 from {marks.counter_amount} (expected {expected})"
        )

    # every transition in the case's event log, in order
    kinds: dict[str, list[str]] = defaultdict(list)
    for code, kind in events:
        kinds[code].append(kind)
    for code, acts in actions.items():
        want: list[str] = []
        for action, to in acts:
            want += _intake_kinds(to) if action == "intake" else [action]
        v.checked["cases' event logs"] += 1
        if kinds.get(code, []) != want:
            v.fail(f"case {code}: events {kinds.get(code, [])} but audited {want}")
    for code in set(kinds) - set(actions):
        v.fail(f"case {code}: events {kinds[code]} without audit rows")

    _check_kpis(engine, as_of, v)
    return v


def _check_kpis(engine: Engine, as_of: datetime, v: Verdict) -> None:
    """The street's month KPIs from center.kpi against direct SQL on the rows."""
    from center.kpi.compute import compute_kpis

    t = to_local(as_of)
    p0 = datetime(t.year, t.month, 1, tzinfo=CST)
    p1 = datetime(t.year + t.month // 12, t.month % 12 + 1, 1, tzinfo=CST)
    q0 = datetime(t.year, (t.month - 1) // 3 * 3 + 1, 1, tzinfo=CST)
    snap = compute_kpis(engine, f"{t:%Y-%m}", "street", as_of=t)
    kpis = snap.units[0].kpis if snap.units else {}
    c = Case
    received = and_(c.received_at >= p0, c.received_at < p1, c.received_at <= t)
    closed = and_(c.eff_closed_at >= p0, c.eff_closed_at < p1, c.eff_closed_at <= t)
    with engine.connect() as conn:

        def count(*where: Any) -> int:
            return int(conn.scalar(select(func.count()).select_from(c).where(*where)) or 0)

        direct: dict[str, tuple[int, int]] = {
            "proactive_share": (count(received, c.source == "proactive"), count(received)),
            "on_the_spot_rate": (
                count(received, c.source == "visit", c.on_the_spot),
                count(received, c.source == "visit"),
            ),
            "response_24h": (
                count(received, c.eff_response_at <= t, c.eff_response_at <= c.response_due_at),
                count(received, or_(c.eff_response_at <= t, c.response_due_at <= t)),
            ),
            "satisfaction": (
                count(closed, c.satisfaction >= 4),
                count(closed, c.satisfaction.is_not(None)),
            ),
        }
        # coverage from the raw visits (the KPI reads the summary rows kept on write)
        met = (
            select(
                Visit.household_id,
                func.sum(_between(Visit.visited_at, p0, p1, t)).label("in_month"),
                func.sum(_between(Visit.visited_at, q0, p1, t)).label("in_quarter"),
            )
            .where(Visit.outcome == "met", Visit.visited_at >= q0, Visit.visited_at < p1)
            .group_by(Visit.household_id)
            .subquery()
        )
        homes = conn.execute(
            select(Household.is_special, met.c.in_month, met.c.in_quarter)
            .outerjoin(met, met.c.household_id == Household.id)
            .where(or_(Household.moved_out_on.is_(None), Household.moved_out_on >= p1.date()))
        ).all()
    covered = sum(
        1
        for special, month, quarter in homes
        if ((month or 0) >= 2 if special else (quarter or 0) >= 1)
    )
    direct["coverage"] = (covered, len(homes))
    special = [(m or 0) >= 2 for s, m, _ in homes if s]
    direct["special_care"] = (sum(special), len(special))
    for key, (num, den) in direct.items():
        got = kpis.get(key)
        v.checked["KPI numerators compared"] += 1
        if got is None or (got.numerator, got.denominator) != (num, den):
            shown = None if got is None else (got.numerator, got.denominator)
            v.fail(f"KPI {key} {t:%Y-%m}: center.kpi {shown}, direct SQL {(num, den)}")


def _between(column: Any, lo: datetime, hi: datetime, t: datetime) -> Any:
    from sqlalchemy import case

    return case((and_(column >= lo, column < hi, column <= t), 1), else_=0)


# ---------------------------------------------------------------------------- command


def ensure_street(url: str, *, scale: float = 0.05, households_per_grid: int = 20) -> None:
    """A database without a street gets a demo street (by default a small one: 6 grids,
    120 households)."""
    from center.context import open_context
    from center.demo.build import build_demo, street_exists

    ctx = open_context(url, create=True, auto_upgrade=True)
    try:
        if not street_exists(ctx.engine):
            build_demo(ctx, seed=5, scale=scale, households_per_grid=households_per_grid)
    finally:
        ctx.close()


def report(tally: Tally, verdict: Verdict, seconds: float, processes: int, backend: str) -> str:
    lines = [f"concurrent writers: {processes} processes for {seconds:.0f} s on {backend}"]
    lines.append(
        f"  {'operation':<12} {'attempts':>9} {'done':>7} {'conflicts':>10} {'refused':>8}"
    )
    for op in OPS:
        refused = sum(n for k, n in tally.refused.items() if k.startswith(f"{op}:"))
        lines.append(
            f"  {op:<12} {tally.attempts[op]:>9} {tally.done[op]:>7} "
            f"{tally.conflicts[op]:>10} {refused:>8}"
        )
    lines.append(f"  writes done: {tally.writes()} ({tally.writes() / max(seconds, 1e-9):.1f}/s)")
    if tally.refused:
        lines.append(
            "  refusals by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(tally.refused.items()))
        )
    failures = sum(tally.failures.values())
    lines.append(f"  failures: {failures}")
    for kind, n in sorted(tally.failures.items()):
        lines.append(f"    {kind}: {n}")
    lines.append(
        "  invariants checked: " + ", ".join(f"{k} {n}" for k, n in sorted(verdict.checked.items()))
    )
    lines.append(f"  invariants: {'OK' if verdict.ok else 'BROKEN'}")
    for problem in verdict.problems:
        lines.append(f"    {problem}")
    if tally.first_failure:
        lines.append("  first failure:\n    " + tally.first_failure.strip().replace("\n", "\n    "))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m center.bench writers")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    tmp = None
    url = args.db
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="center-writers-")
        url = f"sqlite:///{Path(tmp.name) / 'writers.sqlite3'}"
    ensure_street(url)
    from db.engine import open_database

    engine = open_database(url)
    try:
        marks = prepare(engine, datetime.now(CST).date())
        t0 = time.perf_counter()
        tally = run_writers(
            url, marks, processes=args.processes, seconds=args.seconds, seed=args.seed
        )
        elapsed = time.perf_counter() - t0
        verdict = check_invariants(engine, marks, tally, datetime.now(CST))
        print(report(tally, verdict, args.seconds, args.processes, engine.dialect.name))
        print(f"  wall time with process start and the checks: {elapsed:.1f} s")
    finally:
        engine.dispose()
        if tmp is not None:
            tmp.cleanup()
    return 0 if verdict.ok and not tally.failures else 1
