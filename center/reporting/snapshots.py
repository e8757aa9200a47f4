"""Report snapshots and the draft → approved workflow of the PDF reports (Qt-free).

The PDF builders in :mod:`reports` render what this module assembles, and this
module takes every number from the same snapshot functions as ``center kpi`` and
``center assess``: :func:`center.kpi.compute.compute_all_scopes` and
:func:`center.kpi.compute.trend` for the KPIs, and
:func:`center.kpi.assess.score_snapshot` (what ``assess`` runs on the KPI
snapshot of the period) for scores, grades and ranks. So a figure on the wall and
the same figure in a PDF cannot disagree.

The monthly notice ranks communities and grids by a *month score*: the assessment
rules (weights, attainment, rescaling for absent indicators) applied to the month's
KPIs, so each ranking row agrees with the month values printed beside it.

Workflow: a report (kind, period, scope) is saved once as a *draft*; an assessor
approves it, which assigns the next document number of the approval year
(``〔YYYY〕N号``, N counting every approved report of that year), records who and
when, and appends to the audit log. A draft prints "（草稿）" and a watermark in
place of the number.

Evaluation instant: an explicit ``as_of`` wins; otherwise a draft is computed as
of now and an approved report as of its approval instant, so rebuilding an approved
report later prints the figures that were approved.

Unfinished periods: a monthly, quarterly or annual report evaluated before its period
ends holds figures that will still change; it prints "统计期未结束" on every page
(:attr:`DocInfo.unfinished`), and :func:`approve` refuses it until the period has
ended. An ``admin`` may approve it earlier with a reason (``approve_report_early``):
the reason is free text, so it is stored in the report's row
(``report_doc.override_reason``, hidden from the wall role); the audit row records
only that the period was overridden and when the period ends. A meeting's agenda and
minutes have no period (their "period" is the meeting's code) and are never refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, case, func, insert, not_, select, text, update
from sqlalchemy.exc import IntegrityError

from center.core.access import Actor, require_role
from center.core.audit import append_audit
from center.core.clock import now as clock_now
from center.core.errors import UserError
from center.core.kpis import KPI_KEYS, KPI_NAMES
from center.core.pii import contains_pi_number
from center.core.tx import transaction
from center.core.vocab import (
    ASSESS_SCOPES,
    DISMISSED_STATUSES,
    GRADE_NAMES,
    MEETING_REPORT_KINDS,
    QUARTER_SCOPES,
    REPORT_KINDS,
)
from center.insight.suggest import MonthSuggestions, compute_suggestions
from center.kpi import compute as kpi_service
from center.kpi.assess import score_snapshot
from center.kpi.calendar import load_calendar
from center.office.budget import BudgetSummary, budget_summary
from center.office.meetings import Board, board_view, mark_minutes_approved
from db.models import Case, Community, Department, Grid, JointMeeting, ReportDoc, Street
from db.types import to_local

KINDS: tuple[str, ...] = REPORT_KINDS
KIND_NAMES = {
    "monthly": "月通报",
    "quarterly": "季度考核",
    "annual": "年度评优",
    "minutes": "联席会议纪要",
    "agenda": "联席会议议程",
}
#: a joint meeting's documents: their period is the meeting's code; coordinators (who
#: run meetings) and assessors build and approve them; approving the minutes makes
#: the meeting ``minutes_approved`` in the same transaction
MEETING_KINDS: tuple[str, ...] = MEETING_REPORT_KINDS
GRADES: tuple[str, ...] = tuple(GRADE_NAMES)
ISSUER_SUFFIX = "敲门行动领导小组办公室"
# Cases that end without a closure (as on the wall): never "open", never overdue.
ENDED_WITHOUT_CLOSURE = DISMISSED_STATUSES
# KPIs whose 12-month street trend the monthly notice charts.
TREND_KPIS: tuple[str, ...] = (
    "coverage",
    "special_care",
    "response_24h",
    "closure_15wd",
    "satisfaction",
    "repeat_rate",
)
DOC_NUMBER_RE = re.compile(r"〔(\d{4})〕(\d+)号")


class ReportRequestError(UserError, ValueError):
    """A report request the user can correct (bad period, unknown report, ...)."""


class PeriodNotEnded(ReportRequestError):
    """:func:`approve` refused a report whose period has not ended (its facts, for a
    message in the user's language: ``center.commands.messages``, the app)."""

    def __init__(
        self, report_id: int, kind: str, period: str, ends: datetime, at: datetime
    ) -> None:
        super().__init__(
            f"report {report_id} ({KIND_NAMES[kind]} {period}) cannot be approved yet: "
            f"its period has not ended (统计期未结束; it ends {ends:%Y-%m-%d %H:%M}, "
            f"now {at:%Y-%m-%d %H:%M}) and its figures can still change. Approve it "
            "once the period has ended, or an admin approves it now with "
            "--override-reason TEXT"
        )
        self.report_id = report_id
        self.kind = kind
        self.period = period
        self.ends = ends
        self.at = at


# ---------------------------------------------------------------------------
# Periods and instants


def _period(kind: str, period: str) -> kpi_service.Period:
    wanted = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[kind]
    example = {"month": "2026-10", "quarter": "2026Q3", "year": "2026"}[wanted]
    problem = ReportRequestError(
        f"a {KIND_NAMES[kind]} report needs a {wanted} like {example}, not {period!r}"
    )
    try:
        p = kpi_service.parse_period(str(period))
    except ValueError:
        raise problem from None
    if p.kind != wanted:
        raise problem
    return p


def _check_kind(kind: str) -> None:
    if kind not in KINDS and kind not in MEETING_KINDS:
        raise ReportRequestError(
            f"unknown report kind {kind!r}: expected {', '.join(KINDS + MEETING_KINDS)}"
        )


def _label(kind: str, period: str) -> str:
    """The stored period: the canonical period label, or a meeting's code."""
    if kind in MEETING_KINDS:
        code = str(period).strip()
        if not code:
            raise ReportRequestError(f"a {KIND_NAMES[kind]} needs a meeting code, e.g. JM20261025")
        return code
    return _period(kind, period).label


def period_end(kind: str, period: str) -> datetime | None:
    """The instant a report's period ends (exclusive); ``None`` for a meeting's
    agenda or minutes, which have no period."""
    if kind in MEETING_KINDS:
        return None
    return _period(kind, period).end_at


def _check_meeting(engine: Engine, code: str) -> None:
    with engine.connect() as conn:
        found = conn.scalar(select(JointMeeting.id).where(JointMeeting.code == code))
    if found is None:
        raise ReportRequestError(
            f"no meeting with code {code!r}: see `center meeting list` for the meeting codes"
        )


def _check_scope(kind: str, scope: str) -> str:
    if kind == "quarterly":
        if scope not in QUARTER_SCOPES:
            raise ReportRequestError(
                f"invalid scope {scope!r}: expected one of {', '.join(QUARTER_SCOPES)}"
            )
        return scope
    if scope != "all":
        raise ReportRequestError(f"a {KIND_NAMES[kind]} report covers scope 'all', not {scope!r}")
    return scope


def now() -> datetime:
    """The current instant to the second (reports are stamped in whole seconds)."""
    return clock_now().replace(microsecond=0)


# ---------------------------------------------------------------------------
# Draft → approved


@dataclass(frozen=True)
class ReportRecord:
    id: int
    kind: str
    period: str
    scope: str
    status: str  # draft | approved
    doc_number: str | None
    created_at: datetime
    created_by: str
    approved_at: datetime | None
    approved_by: str | None
    #: why an admin approved it before its period ended (None: not overridden)
    override_reason: str | None = None

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "period": self.period,
            "scope": self.scope,
            "status": self.status,
            "doc_number": self.doc_number,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "approved_by": self.approved_by,
            "override_reason": self.override_reason,
        }


_RECORD_COLUMNS = (
    ReportDoc.id,
    ReportDoc.kind,
    ReportDoc.period,
    ReportDoc.scope,
    ReportDoc.status,
    ReportDoc.doc_number,
    ReportDoc.created_at,
    ReportDoc.created_by,
    ReportDoc.approved_at,
    ReportDoc.approved_by,
    ReportDoc.override_reason,
)


def _record(row: Any) -> ReportRecord:
    return ReportRecord(*row)


def _actor(actor: str) -> str:
    actor = (actor or "").strip()
    if not actor:
        raise ReportRequestError("say who does this (an assessor's name, e.g. --by 王磊)")
    if len(actor) > 60:
        raise ReportRequestError(f"the name {actor[:20]!r}… is longer than 60 characters")
    return actor


def _audit(
    conn: Any,
    at: datetime,
    actor: str,
    action: str,
    rec: ReportRecord,
    extra: dict[str, Any] | None = None,
) -> None:
    detail = {"id": rec.id, "status": rec.status, "doc_number": rec.doc_number, **(extra or {})}
    code = f"{rec.kind}:{rec.period}:{rec.scope}"
    append_audit(conn, actor, action, "report_doc", code, detail, at=at)


def find_report(engine: Engine, kind: str, period: str, scope: str = "all") -> ReportRecord | None:
    _check_kind(kind)
    label = _label(kind, period)
    scope = _check_scope(kind, scope)
    with engine.connect() as conn:
        row = conn.execute(
            select(*_RECORD_COLUMNS).where(
                ReportDoc.kind == kind, ReportDoc.period == label, ReportDoc.scope == scope
            )
        ).first()
    return _record(row) if row else None


def get_report(engine: Engine, report_id: int) -> ReportRecord:
    with engine.connect() as conn:
        row = conn.execute(select(*_RECORD_COLUMNS).where(ReportDoc.id == report_id)).first()
    if row is None:
        raise ReportRequestError(f"no report with id {report_id}: see `center report list`")
    return _record(row)


def list_reports(engine: Engine, *, kind: str | None = None) -> list[ReportRecord]:
    """Every saved report, newest first."""
    stmt = select(*_RECORD_COLUMNS).order_by(ReportDoc.created_at.desc(), ReportDoc.id.desc())
    if kind is not None:
        _check_kind(kind)
        stmt = stmt.where(ReportDoc.kind == kind)
    with engine.connect() as conn:
        return [_record(r) for r in conn.execute(stmt)]


def save_draft(
    engine: Engine,
    kind: str,
    period: str,
    scope: str,
    builder: Actor,
    *,
    at: datetime | None = None,
) -> ReportRecord:
    """Save report (kind, period, scope) as a draft (``builder`` may ``build_report``,
    an ``assessor``'s; the draft records their name); an existing record is returned
    as is.

    Returns the record (its ``status`` tells whether it was approved already).
    """
    require_role(builder, "build_minutes" if kind in MEETING_KINDS else "build_report")
    _check_kind(kind)
    label = _label(kind, period)
    scope = _check_scope(kind, scope)
    if kind in MEETING_KINDS:
        _check_meeting(engine, label)
    actor = _actor(builder.name)
    stamp = to_local(at) if at is not None else now()
    existing = find_report(engine, kind, label, scope)
    if existing is not None:
        return existing
    try:
        with transaction(engine) as s:
            conn = s.connection()
            new_id = conn.execute(
                insert(ReportDoc)
                .values(
                    kind=kind,
                    period=label,
                    scope=scope,
                    status="draft",
                    created_at=stamp,
                    created_by=actor,
                    version=1,
                )
                .returning(ReportDoc.id)
            ).scalar_one()
            rec = ReportRecord(new_id, kind, label, scope, "draft", None, stamp, actor, None, None)
            _audit(conn, stamp, actor, "report.save_draft", rec)
    except IntegrityError:
        # Saved by someone else a moment ago: theirs is the draft.
        found = find_report(engine, kind, label, scope)
        if found is None:
            raise
        return found
    return rec


def next_doc_number(conn: Any, year: int) -> str:
    """The next number of ``year``: one more than the highest approved 〔year〕N号."""
    numbers = conn.scalars(
        select(ReportDoc.doc_number).where(
            ReportDoc.status == "approved", ReportDoc.doc_number.like(f"〔{year}〕%")
        )
    ).all()
    highest = 0
    for number in numbers:
        m = DOC_NUMBER_RE.fullmatch(number or "")
        if m and int(m.group(1)) == year:
            highest = max(highest, int(m.group(2)))
    return f"〔{year}〕{highest + 1}号"


OVERRIDE_REASON_MAX = 200


def _override_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReportRequestError(
            "say why the report is approved before its period ends (--override-reason)"
        )
    if len(reason) > OVERRIDE_REASON_MAX:
        raise ReportRequestError(
            f"the override reason is longer than {OVERRIDE_REASON_MAX} characters"
        )
    if contains_pi_number(reason):
        raise ReportRequestError(
            "the override reason may not hold an identity or phone number: say why the "
            "report cannot wait for the end of its period"
        )
    return reason


def approve(
    engine: Engine,
    report_id: int,
    approver: Actor,
    *,
    at: datetime | None = None,
    override_reason: str | None = None,
) -> ReportRecord:
    """Approve a draft (an ``assessor``'s; a meeting's agenda or minutes also a
    ``coordinator``'s): assign the next document number of the year, record who and
    when. Approving minutes makes their meeting ``minutes_approved`` in the same
    transaction (refused, with nothing written, while the meeting is not held).

    A monthly, quarterly or annual report is refused (nothing written) while its
    period has not ended at the approval instant. An ``admin`` (``approve_report_early``)
    may approve it earlier with ``override_reason``: the reason is stored in the
    report's row, the audit row records ``"override": true`` and the period's end
    (never the free text). An override of a period that has ended is refused.

    Approving an approved report is refused. Numbers never repeat within a year,
    also when two assessors approve at the same moment: on PostgreSQL a transaction
    lock serialises approvals, on SQLite the first statement takes the write lock.
    """
    with engine.connect() as conn:
        found = conn.execute(
            select(ReportDoc.kind, ReportDoc.period).where(ReportDoc.id == report_id)
        ).first()
    if found is None:
        raise ReportRequestError(f"no report with id {report_id}: see `center report list`")
    kind, label = found
    stamp = to_local(at) if at is not None else now()
    ends = period_end(kind, label)
    early = ends is not None and stamp < ends
    if override_reason is not None:
        require_role(approver, "approve_report_early")
        if not early:
            raise ReportRequestError(
                f"report {report_id} ({KIND_NAMES[kind]} {label}): its period has ended, "
                "nothing to override; an assessor approves it without --override-reason"
            )
        reason: str | None = _override_reason(override_reason)
    else:
        require_role(approver, "approve_minutes" if kind in MEETING_KINDS else "approve_report")
        reason = None
        if early:
            assert ends is not None
            raise PeriodNotEnded(report_id, kind, label, ends, stamp)
    actor = _actor(approver.name)
    with transaction(engine) as s:
        conn = s.connection()
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7311001)"))
        changed = conn.execute(
            update(ReportDoc)
            .where(ReportDoc.id == report_id, ReportDoc.status == "draft")
            .values(
                status="approved",
                approved_at=stamp,
                approved_by=actor,
                override_reason=reason,
                version=ReportDoc.version + 1,
            )
        ).rowcount
        if changed != 1:
            row = conn.execute(select(*_RECORD_COLUMNS).where(ReportDoc.id == report_id)).first()
            if row is None:
                raise ReportRequestError(f"no report with id {report_id}: see `center report list`")
            rec = _record(row)
            raise ReportRequestError(
                f"report {report_id} ({KIND_NAMES[rec.kind]} {rec.period}) was already approved "
                f"as {rec.doc_number} by {rec.approved_by} on "
                f"{rec.approved_at:%Y-%m-%d %H:%M}; it cannot be approved twice"
                if rec.approved_at
                else f"report {report_id} is {rec.status}, not a draft"
            )
        number = next_doc_number(conn, stamp.year)
        conn.execute(update(ReportDoc).where(ReportDoc.id == report_id).values(doc_number=number))
        rec = _record(conn.execute(select(*_RECORD_COLUMNS).where(ReportDoc.id == report_id)).one())
        if rec.kind == "minutes":  # the meeting's minutes are final, in this transaction
            mark_minutes_approved(s, rec.period)
        extra = {"override": True, "period_ends": ends} if reason is not None else None
        _audit(conn, stamp, actor, "report.approve", rec, extra)
    return rec


# ---------------------------------------------------------------------------
# Document header data


@dataclass(frozen=True)
class DocInfo:
    """Who issues the report, its number (approved) or draft state, and its instant."""

    street: str
    issuer: str
    kind: str
    period: str
    scope: str
    as_of: datetime
    record: ReportRecord | None
    issued_on: date
    #: when the period ends (exclusive); None for a meeting's agenda or minutes
    period_ends: datetime | None = None

    @property
    def unfinished(self) -> bool:
        """The period had not ended at the evaluation instant: the figures can change."""
        return self.period_ends is not None and self.as_of < self.period_ends

    @property
    def doc_number(self) -> str | None:
        return self.record.doc_number if self.record and self.record.approved else None

    @property
    def draft(self) -> bool:
        return self.doc_number is None


def street_name(engine: Engine) -> str:
    with engine.connect() as conn:
        name = conn.scalar(select(Street.name).order_by(Street.id).limit(1))
    return name or ""


def document_info(
    engine: Engine, kind: str, period: str, scope: str, as_of: datetime | None
) -> DocInfo:
    """Header data; resolves the evaluation instant (see the module docstring)."""
    if kind in MEETING_KINDS:
        label, start, ends = _label(kind, period), None, None
    else:
        p = _period(kind, period)
        label, start, ends = p.label, p.start_at, p.end_at
    scope = _check_scope(kind, scope)
    rec = find_report(engine, kind, label, scope)
    if as_of is not None:
        t = to_local(as_of)
    elif rec is not None and rec.approved and rec.approved_at is not None:
        t = rec.approved_at
    else:
        t = now()
    if start is not None and t < start:
        raise ReportRequestError(
            f"the evaluation instant {t.isoformat()} is before {label} begins: "
            "nothing of that period has happened yet"
        )
    street = street_name(engine)
    issued_on = (
        rec.approved_at.date() if rec is not None and rec.approved and rec.approved_at else t.date()
    )
    return DocInfo(
        street=street,
        issuer=f"{street or '本街道'}{ISSUER_SUFFIX}",
        kind=kind,
        period=label,
        scope=scope,
        as_of=t,
        record=rec,
        issued_on=issued_on,
        period_ends=ends,
    )


# ---------------------------------------------------------------------------
# Shared pieces


def _grid_parents(engine: Engine) -> dict[str, str]:
    """Grid code -> community name."""
    stmt = select(Grid.code, Community.name).join(Community, Community.id == Grid.community_id)
    with engine.connect() as conn:
        return {code: name for code, name in conn.execute(stmt)}


# ---------------------------------------------------------------------------
# Assessment (quarterly scorecards, annual review)


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    value: float | None
    target: float
    attainment: float | None
    weight: float
    numerator: int | None
    denominator: int | None
    points: float | None  # share of the score: 100 × weight × attainment ÷ Σ weights present


@dataclass(frozen=True)
class Scorecard:
    scope: str
    code: str
    name: str
    parent: str | None  # community of a grid
    score: float | None
    grade: str | None  # excellent | good | pass | fail
    rank: int | None
    indicators: list[Indicator]

    @property
    def grade_name(self) -> str:
        return GRADE_NAMES.get(self.grade or "", "—")


def _scorecards(snapshot: kpi_service.KpiSnapshot, parents: dict[str, str]) -> list[Scorecard]:
    """Scorecards of every unit of a KPI snapshot, scored by the assessment rules.

    :func:`center.kpi.assess.score_snapshot` is what ``center assess`` runs on
    ``compute_kpis`` of the same period, scope and instant; numerators and
    denominators come from the same snapshot. Best rank first.
    """
    scope = snapshot.scope
    by_code = {u.code: u for u in snapshot.units}
    cards = []
    for unit in score_snapshot(snapshot):
        present = sum(i.weight for i in unit.indicators.values() if i.attainment is not None)
        indicators = []
        for key, ind in unit.indicators.items():
            kv = by_code[unit.code].kpis[key]
            indicators.append(
                Indicator(
                    key=key,
                    name=KPI_NAMES.get(key, key),
                    value=ind.value,
                    target=ind.target,
                    attainment=ind.attainment,
                    weight=float(ind.weight),
                    numerator=kv.numerator,
                    denominator=kv.denominator,
                    points=(
                        100.0 * ind.weight * ind.attainment / present
                        if ind.attainment is not None and present
                        else None
                    ),
                )
            )
        cards.append(
            Scorecard(
                scope=scope,
                code=unit.code,
                name=unit.name,
                parent=parents.get(unit.code) if scope == "grid" else None,
                score=unit.score,
                grade=unit.grade,
                rank=unit.rank,
                indicators=indicators,
            )
        )
    cards.sort(key=lambda c: (c.rank is None, c.rank or 0, c.code))
    return cards


@dataclass(frozen=True)
class QuarterlySnapshot:
    doc: DocInfo
    quarter: str
    as_of: datetime
    scopes: dict[str, list[Scorecard]]  # scope -> cards, best rank first


def quarterly_snapshot(
    engine: Engine, quarter: str, scope: str = "all", as_of: datetime | None = None
) -> QuarterlySnapshot:
    """Scorecards of ``quarter`` for one scope or all three."""
    doc = document_info(engine, "quarterly", quarter, scope, as_of)
    scopes = ASSESS_SCOPES if scope == "all" else (scope,)
    parents = _grid_parents(engine)
    kpis = kpi_service.compute_all_scopes(engine, doc.period, as_of=doc.as_of)
    out = {s: _scorecards(kpis[s], parents) for s in scopes}
    return QuarterlySnapshot(doc, doc.period, doc.as_of, out)


@dataclass(frozen=True)
class AnnualRow:
    scope: str
    code: str
    name: str
    parent: str | None
    quarters: list[float | None]  # Q1..Q4 scores (None: not started or no indicator)
    quarter_grades: list[str | None]
    score: float | None
    grade: str | None
    rank: int | None

    @property
    def grade_name(self) -> str:
        return GRADE_NAMES.get(self.grade or "", "—")


@dataclass(frozen=True)
class AnnualSnapshot:
    doc: DocInfo
    year: int
    as_of: datetime
    quarters_started: int  # quarters of the year that began by as_of
    scopes: dict[str, list[AnnualRow]]  # best rank first
    cards: dict[str, list[Scorecard]]  # annual indicator detail

    def commended(self, scope: str) -> list[AnnualRow]:
        """Units proposed for commendation: annual grade 优秀."""
        return [r for r in self.scopes[scope] if r.grade == "excellent"]

    def grade_counts(self, scope: str) -> dict[str | None, int]:
        """Units per grade; key None counts the units without a score."""
        counts: dict[str | None, int] = dict.fromkeys((*GRADES, None), 0)
        for r in self.scopes[scope]:
            counts[r.grade] = counts.get(r.grade, 0) + 1
        return counts


def annual_snapshot(
    engine: Engine, year: int | str, as_of: datetime | None = None
) -> AnnualSnapshot:
    """Annual scores, ranks and grades with the quarter-by-quarter scores."""
    doc = document_info(engine, "annual", str(year), "all", as_of)
    y = int(doc.period)
    parents = _grid_parents(engine)
    started = [n for n in range(1, 5) if kpi_service.quarter_period(y, n).start_at <= doc.as_of]
    year_kpis = kpi_service.compute_all_scopes(engine, doc.period, as_of=doc.as_of)
    quarter_kpis = {
        n: kpi_service.compute_all_scopes(engine, f"{y}Q{n}", as_of=doc.as_of) for n in started
    }
    scopes: dict[str, list[AnnualRow]] = {}
    cards: dict[str, list[Scorecard]] = {}
    for s in ASSESS_SCOPES:
        annual = _scorecards(year_kpis[s], parents)
        per_quarter: dict[str, list[tuple[float | None, str | None]]] = {
            c.code: [(None, None)] * 4 for c in annual
        }
        for n, snaps in quarter_kpis.items():
            for unit in score_snapshot(snaps[s]):
                slot = per_quarter.setdefault(unit.code, [(None, None)] * 4)
                slot[n - 1] = (unit.score, unit.grade)
        scopes[s] = [
            AnnualRow(
                scope=s,
                code=c.code,
                name=c.name,
                parent=c.parent,
                quarters=[v for v, _ in per_quarter[c.code]],
                quarter_grades=[g for _, g in per_quarter[c.code]],
                score=c.score,
                grade=c.grade,
                rank=c.rank,
            )
            for c in annual
        ]
        cards[s] = annual
    return AnnualSnapshot(doc, y, doc.as_of, len(started), scopes, cards)


# ---------------------------------------------------------------------------
# Monthly notice


@dataclass(frozen=True)
class BelowTarget:
    level: str  # street | community | grid | department
    code: str
    name: str
    parent: str | None
    kpi: kpi_service.KpiValue


@dataclass(frozen=True)
class DepartmentCases:
    """One department's cases as of T (open = not closed by T and not ended otherwise)."""

    code: str
    name: str
    open: int
    overdue: int  # open with the closure deadline passed by T
    oldest_overdue_days: int | None  # whole days since the oldest passed deadline
    closed: int  # closed in the month (by T)
    closed_late: int  # of those, closed after the deadline
    kpis: dict[str, kpi_service.KpiValue]


@dataclass(frozen=True)
class Ranked:
    rank: int | None
    code: str
    name: str
    parent: str | None
    score: float | None
    grade: str | None

    @property
    def grade_name(self) -> str:
        return GRADE_NAMES.get(self.grade or "", "—")


@dataclass(frozen=True)
class MonthlySnapshot:
    doc: DocInfo
    month: str
    as_of: datetime
    street: kpi_service.UnitKpis
    previous: dict[str, float | None]  # street KPI -> value in the month before (as of T)
    trend: dict[str, list[tuple[str, float | None]]]  # street KPI -> 12 months ending at month
    communities: list[kpi_service.UnitKpis]
    grids: list[kpi_service.UnitKpis]
    departments: list[kpi_service.UnitKpis]
    grid_parents: dict[str, str]
    community_ranking: list[Ranked]
    grid_ranking: list[Ranked]
    below_target: list[BelowTarget]
    department_cases: list[DepartmentCases]
    meetings: Board
    budget: BudgetSummary
    warnings: list[str] = field(default_factory=list)
    #: what 工作要求 asks, drawn from the numbers (center.insight.suggest)
    suggestions: MonthSuggestions | None = None

    @property
    def met(self) -> list[str]:
        return [k for k, v in self.street.kpis.items() if v.ok is True]

    @property
    def missed(self) -> list[str]:
        return [k for k, v in self.street.kpis.items() if v.ok is False]


def _months_between(a: kpi_service.Period, t: datetime) -> int:
    return (t.year - a.start.year) * 12 + (t.month - a.start.month)


def _department_cases(
    engine: Engine, p: kpi_service.Period, t: datetime, dept_kpis: list[kpi_service.UnitKpis]
) -> list[DepartmentCases]:
    closed_by_t = and_(Case.eff_closed_at.is_not(None), Case.eff_closed_at <= t)
    is_open = and_(not_(closed_by_t), Case.status.not_in(sorted(ENDED_WITHOUT_CLOSURE)))
    overdue = and_(is_open, Case.deadline_at <= t)
    closed_in_p = and_(closed_by_t, Case.eff_closed_at >= p.start_at, Case.eff_closed_at < p.end_at)

    def count(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    stmt = (
        select(
            Department.code,
            count(is_open),
            count(overdue),
            func.min(case((overdue, Case.deadline_at), else_=None)),
            count(closed_in_p),
            count(and_(closed_in_p, Case.eff_closed_at > Case.deadline_at)),
        )
        .join(Department, Department.id == Case.dept_id)
        .where(Case.assigned_at.is_not(None), Case.assigned_at <= t, Case.received_at <= t)
        .group_by(Department.code)
    )
    with engine.connect() as conn:
        rows = {r[0]: r[1:] for r in conn.execute(stmt)}
    out = []
    for unit in dept_kpis:
        n_open, n_over, oldest, n_closed, n_late = rows.get(unit.code, (0, 0, None, 0, 0))
        if isinstance(oldest, str):  # SQLite returns the aggregate as text
            oldest = datetime.fromisoformat(oldest)
        days = None
        if oldest is not None:
            days = (t - to_local(oldest)).days
        out.append(
            DepartmentCases(
                unit.code,
                unit.name,
                int(n_open),
                int(n_over),
                days,
                int(n_closed),
                int(n_late),
                unit.kpis,
            )
        )
    return out


def _below_target(
    level: str, units: list[kpi_service.UnitKpis], parents: dict[str, str] | None = None
) -> list[BelowTarget]:
    out = []
    for u in units:
        for key in KPI_KEYS:
            kv = u.kpis.get(key)
            if kv is not None and kv.ok is False:
                out.append(BelowTarget(level, u.code, u.name, (parents or {}).get(u.code), kv))
    return out


def _ranked(cards: list[Scorecard]) -> list[Ranked]:
    return [Ranked(c.rank, c.code, c.name, c.parent, c.score, c.grade) for c in cards]


def monthly_snapshot(engine: Engine, month: str, as_of: datetime | None = None) -> MonthlySnapshot:
    """Everything the monthly notice prints, as of one instant."""
    doc = document_info(engine, "monthly", month, "all", as_of)
    p = _period("monthly", doc.period)
    t = doc.as_of
    snaps = kpi_service.compute_all_scopes(engine, p.label, as_of=t)
    # The trend ends at the report month; every month evaluated as of the same T, so
    # the month before is the trend's second-to-last point.
    extra = _months_between(p, t)
    series = kpi_service.trend(engine, "street", as_of=t, months=12 + extra)
    street_series = next(iter(series.values())) if series else {}
    trend = {k: v[: len(v) - extra] if extra else v for k, v in street_series.items()}
    previous = {k: v[-2][1] for k, v in trend.items() if len(v) >= 2}
    parents = _grid_parents(engine)
    # Rankings: the month's KPIs scored by the assessment rules (weights, attainment).
    community_cards = _scorecards(snaps["community"], parents)
    grid_cards = _scorecards(snaps["grid"], parents)
    below = (
        _below_target("community", snaps["community"].units)
        + _below_target("grid", snaps["grid"].units, parents)
        + _below_target("department", snaps["department"].units)
    )
    with engine.connect() as conn:
        warnings = load_calendar(conn).warnings(t.date())
    return MonthlySnapshot(
        doc=doc,
        month=p.label,
        as_of=t,
        street=snaps["street"].units[0],
        previous=previous,
        trend=trend,
        communities=snaps["community"].units,
        grids=snaps["grid"].units,
        departments=snaps["department"].units,
        grid_parents=parents,
        community_ranking=_ranked(community_cards),
        grid_ranking=_ranked(grid_cards),
        below_target=below,
        department_cases=_department_cases(engine, p, t, snaps["department"].units),
        meetings=board_view(engine, t),
        budget=budget_summary(engine, p.year, as_of=t),
        warnings=warnings,
        suggestions=compute_suggestions(engine, p.label, t, current=snaps),
    )


def unit_names(engine: Engine) -> dict[str, dict[str, str]]:
    """Scope -> code -> name, for listing reports and naming split files."""
    columns = {
        "community": (Community.code, Community.name),
        "grid": (Grid.code, Grid.name),
        "department": (Department.code, Department.name),
    }
    with engine.connect() as conn:
        return {
            scope: {code: name for code, name in conn.execute(select(*cols))}
            for scope, cols in columns.items()
        }


__all__ = [
    "KINDS",
    "QUARTER_SCOPES",
    "AnnualRow",
    "AnnualSnapshot",
    "BelowTarget",
    "DepartmentCases",
    "DocInfo",
    "Indicator",
    "MonthlySnapshot",
    "QuarterlySnapshot",
    "Ranked",
    "ReportRecord",
    "ReportRequestError",
    "Scorecard",
    "annual_snapshot",
    "approve",
    "document_info",
    "find_report",
    "get_report",
    "list_reports",
    "monthly_snapshot",
    "next_doc_number",
    "period_end",
    "quarterly_snapshot",
    "save_draft",
    "street_name",
    "unit_names",
]
