"""Spot checks: seeded, logged, reproducible sampling of closed cases; revealing the
phone of a drawn case for the call (audited); results; a failed check reopens the case."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from builders import Builder, at
from sqlalchemy import func, insert, select

from center.cases import spotcheck as sc
from center.core.access import Actor
from center.core.errors import InvalidInput, PermissionDenied
from db.models import AuditLog, Case, Resident

SUP = Actor("sup", "assessor")


@pytest.fixture
def closed(engine):
    b = Builder(engine)
    b.household("H1")
    rows = []
    for i in range(1, 13):  # 12 cases closed on 2025-10-01 … 2025-10-12
        rows.append(
            {
                "code": f"K{i:02d}",
                "household": "H1",
                "received_at": at(2025, 9, 30, 9),
                "first_response_at": at(2025, 9, 30, 10),
                "closed_at": at(2025, 10, i, 12),
                "status": "resolved",
            }
        )
    rows.append({"code": "OPEN", "household": "H1", "received_at": at(2025, 10, 2, 9)})
    rows.append(
        {
            "code": "NOV",
            "household": "H1",
            "received_at": at(2025, 10, 30, 9),
            "closed_at": at(2025, 11, 2, 9),
            "status": "rated",
            "satisfaction": 5,
        }
    )
    b.cases(rows)
    return b


def test_sample_size():
    assert [
        sc.sample_size(n, p) for n, p in [(12, 25), (10, 10), (10, 15), (3, 1), (0, 50), (7, 100)]
    ] == [3, 1, 2, 1, 0, 7]


def test_draw_is_seeded_logged_and_reproducible(closed, engine):
    draw = sc.draw_sample(
        engine,
        SUP,
        percent=25,
        closed_from=date(2025, 10, 1),
        closed_to=date(2025, 10, 31),
        seed=42,
        as_of=at(2025, 11, 5, 9),
    )
    population = [f"K{i:02d}" for i in range(1, 13)]
    assert draw.population == 12
    assert draw.codes == tuple(sorted(random.Random(42).sample(population, 3)))
    again = sc.draw_sample(
        engine,
        SUP,
        percent=25,
        closed_from=date(2025, 10, 1),
        closed_to=date(2025, 10, 31),
        seed=42,
        as_of=at(2025, 11, 5, 9),
    )
    assert again.codes == draw.codes
    with engine.connect() as conn:
        details = [
            json.loads(d)
            for d in conn.scalars(
                select(AuditLog.detail).where(AuditLog.action == "spotcheck.draw")
            )
        ]
    assert details[0] == {
        "seed": 42,
        "percent": 25,
        "closed_from": "2025-10-01",
        "closed_to": "2025-10-31",
        "population": 12,
        "codes": list(draw.codes),
    }
    assert [d.codes for d in sc.recent_draws(engine)] == [draw.codes, draw.codes]

    # the closing range and as-of bound the population
    part = sc.draw_sample(
        engine,
        SUP,
        percent=100,
        closed_from=date(2025, 10, 11),
        closed_to=date(2025, 11, 30),
        seed=1,
        as_of=at(2025, 11, 1),
    )
    assert part.codes == ("K11", "K12")
    unseeded = sc.draw_sample(
        engine, SUP, percent=10, closed_from=date(2025, 10, 1), closed_to=date(2025, 11, 30)
    )
    assert len(unseeded.codes) == 2 and sc.recent_draws(engine, 1)[0].seed == unseeded.seed


def test_pending_checks_and_results(closed, engine):
    draw = sc.draw_sample(
        engine,
        SUP,
        percent=25,
        closed_from=date(2025, 10, 1),
        closed_to=date(2025, 10, 31),
        seed=7,
        as_of=at(2025, 11, 5, 9),
    )
    pending = sc.pending_checks(engine, SUP)
    assert [p.code for p in pending] == list(draw.codes)
    first, second = pending[0], pending[1]
    ok = sc.record_result(
        engine, SUP, first.code, first.version, True, note="居民确认", at=at(2025, 11, 6, 9)
    )
    assert (ok.status, ok.created) == ("spot_checked", None)
    bad = sc.record_result(
        engine, SUP, second.code, second.version, False, note="问题仍在", at=at(2025, 11, 6, 10)
    )
    assert bad.created is not None
    with engine.connect() as conn:
        reopened = conn.execute(
            select(Case.status, Case.received_at).where(Case.code == bad.created)
        ).one()
    assert tuple(reopened) == ("received", at(2025, 11, 6, 10))
    assert [p.code for p in sc.pending_checks(engine, SUP)] == [draw.codes[2]]
    # checked cases are no longer in the population
    again = sc.draw_sample(
        engine,
        SUP,
        percent=100,
        closed_from=date(2025, 10, 1),
        closed_to=date(2025, 10, 31),
        seed=7,
        as_of=at(2025, 11, 7),
    )
    assert again.population == 10 and first.code not in again.codes


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_draw_refuses_bad_input(closed, engine):
    kw = {"closed_from": date(2025, 10, 1), "closed_to": date(2025, 10, 31)}
    for bad in (0, -5, 101):
        with pytest.raises(InvalidInput, match="^percent:"):
            sc.draw_sample(engine, SUP, percent=bad, **kw)
    with pytest.raises(InvalidInput, match="^closed_from:"):
        sc.draw_sample(
            engine, SUP, percent=5, closed_from=date(2025, 11, 1), closed_to=date(2025, 10, 1)
        )
    with pytest.raises(PermissionDenied):
        sc.draw_sample(engine, Actor("c", "coordinator"), percent=5, **kw)
    assert sc.recent_draws(engine) == []


def _residents(ctx, household_id: int) -> None:
    c = ctx.cipher
    with ctx.engine.begin() as conn:
        for code, name, phone in (("R1", "张三", None), ("R2", "李四", "13912345678")):
            conn.execute(
                insert(Resident).values(
                    code=code,
                    household_id=household_id,
                    name_enc=c.encrypt("name", name),
                    name_hash=c.lookup_hash("name", name),
                    phone_enc=c.encrypt("phone", phone) if phone else None,
                    phone_hash=c.lookup_hash("phone", phone) if phone else None,
                )
            )


def test_the_phone_of_a_drawn_case_is_revealed_for_the_call(closed, ctx):
    _residents(ctx, closed.id("household", "H1"))
    draw = sc.draw_sample(
        ctx.engine,
        SUP,
        percent=25,
        closed_from=date(2025, 10, 1),
        closed_to=date(2025, 10, 31),
        seed=7,
        as_of=at(2025, 11, 5, 9),
    )
    code = draw.codes[0]
    contact = sc.reveal_phone(ctx, SUP, code, "抽查回访")
    assert contact == sc.CallContact(code, "H1", "R2", "李*", "13912345678")
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.entity, AuditLog.entity_code)
            .add_columns(AuditLog.detail)
            .where(AuditLog.action == "pii.reveal")
        ).one()
    assert row[:4] == ("sup", "pii.reveal", "resident", "R2")
    assert json.loads(row[4]) == {
        "household": "H1",
        "case": code,
        "fields": ["phone"],
        "reason": "抽查回访",
    }

    # only an assessor, only with a reason free of numbers, only a drawn case awaiting
    # its check; nothing is recorded for a refusal
    with pytest.raises(PermissionDenied):
        sc.reveal_phone(ctx, Actor("c", "coordinator"), code, "抽查回访")
    with pytest.raises(InvalidInput, match="^reason:"):
        sc.reveal_phone(ctx, SUP, code, "  ")
    with pytest.raises(InvalidInput, match="^reason: .*identity or phone"):
        sc.reveal_phone(ctx, SUP, code, "回拨13912345678")
    undrawn = next(f"K{i:02d}" for i in range(1, 13) if f"K{i:02d}" not in draw.codes)
    with pytest.raises(InvalidInput, match="not in a recent spot-check sample"):
        sc.reveal_phone(ctx, SUP, undrawn, "抽查回访")
    pending = {p.code: p for p in sc.pending_checks(ctx.engine, SUP)}
    sc.record_result(ctx.engine, SUP, code, pending[code].version, True, at=at(2025, 11, 6, 9))
    with pytest.raises(InvalidInput, match="spot-checked already"):
        sc.reveal_phone(ctx, SUP, code, "抽查回访")
    with ctx.engine.connect() as conn:
        reveals = conn.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "pii.reveal")
        )
    assert reveals == 1
