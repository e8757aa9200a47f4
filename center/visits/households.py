"""Households (一户一档): look-up by code, address, name, phone or identity number,
the household profile (with when it was last verified and its grid's 30-day share;
editing it is :mod:`center.visits.profile`), and revealing a resident's personal
information to a permitted user with a recorded reason.

Every read needs ``read_households`` and sees only what the actor may read (a grid
worker its grid, a department user the households with a case of its department). A
look-up by phone, identity number or a resident's name is a personal-information read:
it needs the ``lookup_pi`` action and is audited like a reveal (who, which households
matched, the number or name masked). A reveal's reason is written down, so it may not
itself hold an identity or phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from center.core.access import (
    Actor,
    household_read_scope,
    require_household_scope,
    require_role,
)
from center.core.audit import append_audit, write_audit
from center.core.clock import now
from center.core.context import ServiceContext
from center.core.errors import NotFound
from center.core.pii import check_reveal_reason, mask_id_number, mask_name, mask_phone
from center.core.tx import transaction
from center.visits.cadence import Cadence, cadence_status, in_scope
from center.visits.profile import (
    GridVerification,
    ProfileState,
    Verification,
    grid_verification,
    last_verified,
    read_state,
)
from db.models import (
    Case,
    Community,
    Grid,
    Household,
    Resident,
    Staff,
    Subcategory,
    Visit,
)
from db.types import to_local

# ------------------------------------------------------------------ look-up


@dataclass(frozen=True)
class HouseholdHit:
    code: str
    address: str
    grid_code: str
    grid_name: str
    special_groups: tuple[str, ...]
    matched_by: str  # code | name | phone | id_number | address
    resident: str  # a masked resident name ("" when the household has none)


_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")
_PHONE_SHAPE = re.compile(r"[+(]?[0-9][0-9 ()\-]{5,}[0-9]")
PI_LOOKUPS = ("phone", "id_number")


def pi_number_kind(text: str) -> str | None:
    """``"id_number"`` or ``"phone"`` when ``text`` is shaped like one (a look-up by it is
    a personal-information read), else ``None``."""
    text = text.strip()
    if _ID_SHAPE.fullmatch(text):
        return "id_number"
    if _PHONE_SHAPE.fullmatch(text) and sum(c.isdigit() for c in text) >= 7:
        return "phone"
    return None


def find_households(
    ctx: ServiceContext, actor: Actor, text: str, limit: int = 20
) -> list[HouseholdHit]:
    """Households by code (exact or prefix), by a resident's full name, phone or ID number
    (exact, through the keyed look-up hash; nothing is decrypted to search) or by a part
    of the address, among the households ``actor`` may read (``read_households``).
    Resident names come back masked.

    A text shaped like a phone or identity number is a personal-information look-up:
    it needs ``lookup_pi`` and writes an audit row (who, the households it matched,
    the number masked), matched or not. A resident's name is looked up only for an
    actor who may ``lookup_pi`` (for the others the text is a code or an address); a
    name that matched writes the same audit row (``by: name``, the name masked)."""
    scope = household_read_scope(actor)
    text = text.strip()
    if not text:
        return []
    pi_kind = pi_number_kind(text)
    if pi_kind is not None:
        require_role(actor, "lookup_pi")
    by_name = pi_kind is None and actor.may("lookup_pi") and not actor.read_only
    in_scope: list[Any] = [scope] if scope is not None else []
    cipher = ctx.cipher
    found: dict[int, str] = {}
    masked_for: dict[int, str] = {}
    with ctx.engine.connect() as conn:
        for hid in conn.scalars(select(Household.id).where(Household.code == text, *in_scope)):
            found.setdefault(hid, "code")
        hash_fields: list[tuple[str, Any]] = []
        if by_name:
            hash_fields.append(("name", Resident.name_hash))
        if pi_kind is not None:
            hash_fields += [("phone", Resident.phone_hash), ("id_number", Resident.id_number_hash)]
        for fld, col in hash_fields:
            h = cipher.lookup_hash(fld, text)
            for hid, name_enc in conn.execute(
                select(Resident.household_id, Resident.name_enc)
                .join(Household, Household.id == Resident.household_id)
                .where(col == h, *in_scope)
                .limit(limit)
            ):
                found.setdefault(hid, fld)
                masked_for.setdefault(hid, mask_name(cipher.decrypt("name", name_enc)))
        if len(found) < limit:
            like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            for hid, code in conn.execute(
                select(Household.id, Household.code)
                .where(
                    or_(
                        Household.code.like(like + "%", escape="\\"),
                        Household.address.like("%" + like + "%", escape="\\"),
                    ),
                    *in_scope,
                )
                .order_by(Household.code)
                .limit(limit)
            ):
                found.setdefault(hid, "code" if code.startswith(text) else "address")
        ids = list(found)[:limit]
        rows = {
            r[0]: r
            for r in conn.execute(
                select(
                    Household.id,
                    Household.code,
                    Household.address,
                    Grid.code,
                    Grid.name,
                    Household.special_groups,
                )
                .join(Grid, Grid.id == Household.grid_id)
                .where(Household.id.in_(ids))
            )
        }
        need = [h for h in ids if h not in masked_for]
        if need:
            first_res: dict[int, bytes] = {}
            for hid, enc in conn.execute(
                select(Resident.household_id, Resident.name_enc)
                .where(Resident.household_id.in_(need))
                .order_by(Resident.household_id, Resident.code)
            ):
                first_res.setdefault(hid, enc)
            for hid, enc in first_res.items():
                masked_for[hid] = mask_name(cipher.decrypt("name", enc))
    by_name_hits = sorted(rows[h][1] for h in ids if h in rows and found[h] == "name")
    if pi_kind is not None or by_name_hits:
        if pi_kind is not None:
            matched = sorted(rows[h][1] for h in ids if h in rows and found[h] in PI_LOOKUPS)
            masked = mask_id_number(text) if pi_kind == "id_number" else mask_phone(text)
        else:
            matched, masked = by_name_hits, mask_name(text)
        with transaction(ctx.engine) as s:
            append_audit(
                s,
                actor.name,
                "pii.lookup",
                "household",
                None,
                {"by": pi_kind or "name", "searched": masked, "households": matched},
            )
    order = {"code": 0, "name": 1, "phone": 1, "id_number": 1, "address": 2}
    hits = [
        HouseholdHit(
            rows[h][1],
            rows[h][2],
            rows[h][3],
            rows[h][4],
            tuple(g for g in (rows[h][5] or "").split(";") if g),
            found[h],
            masked_for.get(h, ""),
        )
        for h in ids
        if h in rows
    ]
    hits.sort(key=lambda x: (order[x.matched_by], x.code))
    return hits


# ------------------------------------------------------------------ profile


@dataclass(frozen=True)
class ResidentRow:
    code: str
    name: str  # masked
    id_number: str  # masked
    phone: str  # masked
    birth_year: int | None
    gender: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class VisitRow:
    code: str
    visited_at: datetime
    recorded_at: datetime
    staff_code: str
    staff_name: str
    outcome: str
    notes: str | None


@dataclass(frozen=True)
class HouseholdCaseRow:
    code: str
    received_at: datetime
    subcategory_code: str
    subcategory_name: str
    subcategory_name_en: str
    status: str
    satisfaction: int | None


@dataclass(frozen=True)
class HouseholdProfile:
    code: str
    address: str
    grid_code: str
    grid_name: str
    community_name: str
    members: int | None
    special_groups: tuple[str, ...]
    is_floating: bool | None
    moved_out_on: date | None
    residents: tuple[ResidentRow, ...]
    visits: tuple[VisitRow, ...]  # newest first
    cases: tuple[HouseholdCaseRow, ...]  # newest first
    cadence: Cadence
    as_of: datetime
    #: the profile's free-text notes (center.visits.profile) and its row version
    notes: str | None = None
    version: int = 1
    #: when the household was last verified at ``as_of`` (a met-visit or a confirmation)
    verified: Verification = Verification(None, None, None)
    #: its grid's share verified in the last 30 days (一户一档动态更新)
    grid_share: GridVerification | None = None
    #: still in the visit cadence (False once moved out: spec/kpi.md "Scope")
    in_cadence: bool = True
    #: what an editor is shown (masked): the base its save is checked against
    state: ProfileState | None = None


def household_profile(
    ctx: ServiceContext,
    actor: Actor,
    code: str,
    as_of: datetime | None = None,
    *,
    visit_limit: int = 100,
    case_limit: int = 200,
) -> HouseholdProfile:
    """The 一户一档 view: members (masked), special groups, visits, cases, next visit due,
    for an actor who may read the household (``read_households``: a grid worker in its
    grid, a department user where the household has a case of its department; never
    leader, finance or wall)."""
    as_of = to_local(as_of) if as_of else now()
    cipher = ctx.cipher
    with ctx.engine.connect() as conn:
        hh = conn.execute(
            select(
                Household.id,
                Household.code,
                Household.address,
                Grid.code,
                Grid.name,
                Community.name,
                Household.members,
                Household.special_groups,
                Household.is_special,
                Household.is_floating,
                Household.moved_out_on,
                Household.notes,
                Household.version,
            )
            .join(Grid, Grid.id == Household.grid_id)
            .join(Community, Community.id == Grid.community_id)
            .where(Household.code == code)
        ).first()
        if hh is None:
            raise NotFound("household", code)
        require_household_scope(conn, actor, "read_households", hh[0])
        residents = tuple(
            ResidentRow(
                rcode,
                mask_name(cipher.decrypt("name", name_enc)),
                mask_id_number(cipher.decrypt("id_number", id_enc)) if id_enc else "",
                mask_phone(cipher.decrypt("phone", phone_enc)) if phone_enc else "",
                birth.year if birth else None,
                gender,
                tuple(t for t in (tags or "").split(";") if t),
            )
            for rcode, name_enc, id_enc, phone_enc, birth, gender, tags in conn.execute(
                select(
                    Resident.code,
                    Resident.name_enc,
                    Resident.id_number_enc,
                    Resident.phone_enc,
                    Resident.birth_date,
                    Resident.gender,
                    Resident.tags,
                )
                .where(Resident.household_id == hh[0])
                .order_by(Resident.code)
            )
        )
        visits = tuple(
            VisitRow(*r)
            for r in conn.execute(
                select(
                    Visit.code,
                    Visit.visited_at,
                    Visit.recorded_at,
                    Staff.code,
                    Staff.name,
                    Visit.outcome,
                    Visit.notes,
                )
                .join(Staff, Staff.id == Visit.staff_id)
                .where(Visit.household_id == hh[0], Visit.visited_at <= as_of)
                .order_by(Visit.visited_at.desc(), Visit.id.desc())
                .limit(visit_limit)
            )
        )
        cases = tuple(
            HouseholdCaseRow(*r)
            for r in conn.execute(
                select(
                    Case.code,
                    Case.received_at,
                    Subcategory.code,
                    Subcategory.name,
                    Subcategory.name_en,
                    Case.status,
                    Case.satisfaction,
                )
                .join(Subcategory, Subcategory.id == Case.subcategory_id)
                .where(Case.household_id == hh[0], Case.received_at <= as_of)
                .order_by(Case.received_at.desc(), Case.id.desc())
                .limit(case_limit)
            )
        )
        cadence = cadence_status(conn, [(hh[0], bool(hh[8]))], as_of)[hh[0]]
        verified = last_verified(conn, hh[0], as_of)
        shares = grid_verification(conn, as_of, hh[3])
        state = read_state(conn, cipher, hh[0])
    return HouseholdProfile(
        code=hh[1],
        address=hh[2],
        grid_code=hh[3],
        grid_name=hh[4],
        community_name=hh[5],
        members=hh[6],
        special_groups=tuple(g for g in (hh[7] or "").split(";") if g),
        is_floating=hh[9],
        moved_out_on=hh[10],
        residents=residents,
        visits=visits,
        cases=cases,
        cadence=cadence,
        as_of=as_of,
        notes=hh[11],
        version=hh[12],
        verified=verified,
        grid_share=shares[0] if shares else None,
        in_cadence=in_scope(bool(hh[8]), hh[10], as_of.date()),
        state=state,
    )


@dataclass(frozen=True)
class RevealedResident:
    code: str
    name: str
    id_number: str | None
    phone: str | None


def reveal_resident(
    ctx: ServiceContext, actor: Actor, resident_code: str, reason: str
) -> RevealedResident:
    """One resident's personal information in clear, for a user whose role may reveal it
    for this household (a grid worker in its grid, a department for its own cases'
    households, a coordinator anywhere); every reveal is written to the audit log (who,
    when, which record, why)."""
    require_role(actor, "reveal_pii")
    reason = check_reveal_reason(reason)
    cipher = ctx.cipher
    with transaction(ctx.engine) as s:
        row = s.execute(
            select(
                Resident.name_enc,
                Resident.id_number_enc,
                Resident.phone_enc,
                Household.code,
                Household.id,
            )
            .join(Household, Household.id == Resident.household_id)
            .where(Resident.code == resident_code)
        ).first()
        if row is None:
            raise NotFound("resident", resident_code)
        require_household_scope(s.connection(), actor, "reveal_pii", row[4])
        write_audit(
            s,
            actor,
            "pii.reveal",
            resident_code,
            now(),
            {"household": row[3], "reason": reason[:200]},
            entity="resident",
        )
    return RevealedResident(
        resident_code,
        cipher.decrypt("name", row[0]),
        cipher.decrypt("id_number", row[1]) if row[1] else None,
        cipher.decrypt("phone", row[2]) if row[2] else None,
    )
