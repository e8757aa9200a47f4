"""Spot checks (抽查): a supervisor draws a random sample of closed cases for
verification calls and records the results; a failed check reopens the case.

A draw is reproducible: the seed (given, or chosen and then recorded), the
percentage, the closing-date range, the population size and the codes drawn are
written to the audit log, and the same seed over the same population draws the same
cases. The pending sample is read back from those audit rows.

For the call, the supervisor reveals the phone of a drawn case's household (with a
reason, audited like every reveal); only a case still awaiting its check qualifies.
"""

from __future__ import annotations

import json
import math
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, select

from center.cases import lifecycle as case_service
from center.cases.lifecycle import CaseChange
from center.core.access import Actor, require_role
from center.core.audit import write_audit
from center.core.clock import now
from center.core.context import ServiceContext
from center.core.errors import InvalidInput, NotFound
from center.core.pii import check_reveal_reason, mask_name
from center.core.tx import transaction
from center.core.vocab import HANDLED_STATUSES
from db.models import AuditLog, Case, Household, Resident, Subcategory
from db.types import period_instant, to_local

CHECKABLE_STATUSES = HANDLED_STATUSES
DRAW_ACTION = "spotcheck.draw"


@dataclass(frozen=True)
class SampleDraw:
    drawn_at: datetime
    actor: str
    seed: int
    percent: float
    closed_from: date
    closed_to: date
    population: int
    codes: tuple[str, ...]  # sorted


def _population(engine: Engine, closed_from: date, closed_to: date, as_of: datetime) -> list[str]:
    start = period_instant(closed_from)
    end = min(period_instant(closed_to + timedelta(days=1)), as_of + timedelta(microseconds=1))
    with engine.connect() as conn:
        return list(
            conn.scalars(
                select(Case.code)
                .where(
                    Case.status.in_(sorted(CHECKABLE_STATUSES)),
                    Case.spot_checked_at.is_(None),
                    Case.closed_at >= start,
                    Case.closed_at < end,
                )
                .order_by(Case.code)
            )
        )


def sample_size(population: int, percent: float) -> int:
    """``ceil(population × percent / 100)``: any positive percentage checks at least one."""
    return min(population, math.ceil(population * percent / 100 - 1e-9))


def draw_sample(
    engine: Engine,
    actor: Actor,
    *,
    percent: float,
    closed_from: date,
    closed_to: date,
    seed: int | None = None,
    as_of: datetime | None = None,
) -> SampleDraw:
    """Draw ``percent`` % of the cases closed in [closed_from, closed_to] (and by
    ``as_of``) that are not spot-checked yet; the draw is logged."""
    require_role(actor, "spot_check")
    if not 0 < percent <= 100:
        raise InvalidInput("percent", f"{percent} is not a percentage in (0, 100]")
    if closed_from > closed_to:
        raise InvalidInput("closed_from", f"{closed_from} is after {closed_to}")
    if seed is None:
        seed = secrets.randbelow(2**31)
    stamp = to_local(as_of) if as_of else now()
    population = _population(engine, closed_from, closed_to, stamp)
    k = sample_size(len(population), percent)
    codes = tuple(sorted(random.Random(seed).sample(population, k)))
    with transaction(engine) as s:
        write_audit(
            s,
            actor,
            DRAW_ACTION,
            f"{closed_from}..{closed_to}",
            stamp,
            {
                "seed": seed,
                "percent": percent,
                "closed_from": closed_from,
                "closed_to": closed_to,
                "population": len(population),
                "codes": list(codes),
            },
            entity="spot_check",
        )
    return SampleDraw(
        stamp, actor.name, seed, percent, closed_from, closed_to, len(population), codes
    )


def recent_draws(engine: Engine, limit: int = 20) -> list[SampleDraw]:
    """The latest draws, newest first, read back from the audit log."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.at, AuditLog.actor, AuditLog.detail)
            .where(AuditLog.action == DRAW_ACTION)
            .order_by(AuditLog.id.desc())
            .limit(limit)
        ).all()
    out = []
    for at, who, detail in rows:
        d = json.loads(detail or "{}")
        out.append(
            SampleDraw(
                at,
                who,
                int(d["seed"]),
                float(d["percent"]),
                date.fromisoformat(d["closed_from"]),
                date.fromisoformat(d["closed_to"]),
                int(d["population"]),
                tuple(d["codes"]),
            )
        )
    return out


@dataclass(frozen=True)
class PendingCheck:
    code: str
    version: int
    status: str
    closed_at: datetime | None
    subcategory_name: str
    subcategory_name_en: str
    household_code: str
    address: str
    satisfaction: int | None
    drawn_at: datetime


def pending_checks(engine: Engine, actor: Actor, draws: int = 20) -> list[PendingCheck]:
    """Cases drawn in the latest ``draws`` draws that still await their check, for an
    actor who may ``read_spot_checks`` (the assessors: the sample names cases,
    households and addresses)."""
    require_role(actor, "read_spot_checks")
    drawn: dict[str, datetime] = {}
    for d in recent_draws(engine, draws):
        for code in d.codes:
            drawn.setdefault(code, d.drawn_at)
    if not drawn:
        return []
    out: list[PendingCheck] = []
    codes = sorted(drawn)
    with engine.connect() as conn:
        for i in range(0, len(codes), 500):
            for row in conn.execute(
                select(
                    Case.code,
                    Case.version,
                    Case.status,
                    Case.closed_at,
                    Subcategory.name,
                    Subcategory.name_en,
                    Household.code,
                    Household.address,
                    Case.satisfaction,
                )
                .join(Subcategory, Subcategory.id == Case.subcategory_id)
                .join(Household, Household.id == Case.household_id)
                .where(Case.code.in_(codes[i : i + 500]), Case.spot_checked_at.is_(None))
            ):
                out.append(PendingCheck(*row, drawn_at=drawn[row[0]]))
    out.sort(key=lambda p: (p.drawn_at, p.code))
    return out


@dataclass(frozen=True)
class CallContact:
    """Whom to call for the verification of a drawn case: the phone in clear, the
    name masked."""

    case_code: str
    household_code: str
    resident_code: str
    name: str  # masked
    phone: str


def reveal_phone(
    ctx: ServiceContext, actor: Actor, case_code: str, reason: str, *, draws: int = 20
) -> CallContact:
    """The phone to call for the spot check of ``case_code``: the household's first
    resident (by code) with a phone. Only for a case of the latest ``draws`` draws that
    still awaits its check; every reveal is written to the audit log (who, when, which
    resident, for which case, why)."""
    require_role(actor, "reveal_check_phone")
    reason = check_reveal_reason(reason)
    drawn = {code for d in recent_draws(ctx.engine, draws) for code in d.codes}
    if case_code not in drawn:
        raise InvalidInput("case", f"case {case_code} is not in a recent spot-check sample")
    cipher = ctx.cipher
    with transaction(ctx.engine) as s:
        case = s.execute(
            select(Case.spot_checked_at, Household.id, Household.code)
            .join(Household, Household.id == Case.household_id)
            .where(Case.code == case_code)
        ).first()
        if case is None:
            raise NotFound("case", case_code)
        if case[0] is not None:
            raise InvalidInput("case", f"case {case_code} was spot-checked already")
        res = s.execute(
            select(Resident.code, Resident.name_enc, Resident.phone_enc)
            .where(Resident.household_id == case[1], Resident.phone_enc.is_not(None))
            .order_by(Resident.code)
            .limit(1)
        ).first()
        if res is None:
            raise NotFound("resident with a phone in household", case[2])
        write_audit(
            s,
            actor,
            "pii.reveal",
            res[0],
            now(),
            {"household": case[2], "case": case_code, "fields": ["phone"], "reason": reason[:200]},
            entity="resident",
        )
    return CallContact(
        case_code,
        case[2],
        res[0],
        mask_name(cipher.decrypt("name", res[1])),
        cipher.decrypt("phone", bytes(res[2] or b"")),
    )


def record_result(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    ok: bool,
    *,
    note: str | None = None,
    at: datetime | None = None,
) -> CaseChange:
    """Record a verification call; a failed one reopens the case (see
    :func:`center.cases.lifecycle.spot_check`)."""
    return case_service.spot_check(engine, actor, code, expected_version, ok, note=note, at=at)
