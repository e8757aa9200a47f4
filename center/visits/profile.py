"""Keeping the household record (一户一档) current from the workstation: the grid's
worker or a coordinator edits a household's profile (members, special groups, moved
out, phones, notes) or confirms that it is still right, and the street sees how fresh
each grid's records are (一户一档动态更新).

* Every write needs ``edit_household`` (a grid worker only in its grid), checks the
  household's ``version`` and the values the editor was shown (optimistic locking: a
  stale edit is refused with :class:`~center.core.errors.ConflictError` naming what
  changed, by whom, and nothing is written), writes one audit row and signals the
  ``households`` change domain, all in one transaction.
* Personal information goes through the same mechanism as the import: names, identity
  numbers and phones are stored encrypted with their keyed look-up hash; the audit row
  holds them only masked (``张*``, ``138****1234``), special groups, tags and notes only
  as "changed" (``…``), never in clear.
* A household is *verified* at the later of its last met-visit and its last profile
  confirmation or edit (``household.verified_at``), both at or before the evaluation
  instant T. A grid's share verified in the last 30 days is, among its households that
  have not moved out by T's date, those verified in [T − 30 days, T].
* Moving out: ``moved_out_on`` is the household's record of `spec/kpi.md` ("Scope"):
  from the period it moved out in, it leaves the visit cadence, the planning and the
  coverage KPIs (:func:`center.visits.cadence.in_scope`, ``db.kpi_queries``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from center.core.access import Actor, require_household_scope, require_role
from center.core.audit import append_audit
from center.core.clock import now
from center.core.context import ServiceContext
from center.core.errors import ChangeRecord, ConflictError, InvalidInput, NotFound
from center.core.pii import PiiCipher, contains_pi_number, mask_name, mask_phone
from center.core.tx import signal_change, transaction
from center.interchange.rules import (
    id_birth_date,
    parse_id_number,
    parse_members,
    parse_phone,
    parse_tags,
)
from db.models import (
    SPECIAL_GROUPS,
    AppUser,
    AuditLog,
    Community,
    Grid,
    Household,
    Resident,
    Visit,
)
from db.types import to_local

#: how far back a verification counts for the grid's share (一户一档动态更新)
VERIFY_WINDOW = timedelta(days=30)
#: why a member left the household record
REMOVAL_REASONS = ("died", "moved_away")
NOTES_MAX = 500
NAME_MAX = 100
#: the change domain of every profile write
DOMAINS = ("households",)
#: free text, tags and special groups are recorded in the audit only as changed
CHANGED = "…"


# ------------------------------------------------------------------ what an edit says


@dataclass(frozen=True)
class NewMember:
    """A member to add: the name is required, the rest optional (the identity number
    gives the birth date and gender when they are left empty)."""

    name: str
    gender: str | None = None  # M | F
    birth_date: date | None = None
    id_number: str | None = None
    phone: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileEdit:
    """The profile as the editor wants it. ``phones`` and ``tags`` change existing
    members (resident code → the new phone, ``""`` to clear it; → the new tags);
    ``removed`` takes members off the record (resident code → ``died`` or
    ``moved_away``); ``added`` adds members."""

    members: int | None
    special_groups: tuple[str, ...]
    moved_out_on: date | None
    notes: str | None
    phones: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    removed: Mapping[str, str] = field(default_factory=dict)
    added: tuple[NewMember, ...] = ()


@dataclass(frozen=True)
class MemberState:
    code: str
    name: str  # masked
    phone: str  # masked, "" when none
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ProfileState:
    """What an editor was shown of a household (members masked): the base a save is
    checked against, so a change made meanwhile (by another user, or an import that
    does not bump the version) is never overwritten."""

    members: int | None
    special_groups: tuple[str, ...]
    moved_out_on: date | None
    notes: str | None
    residents: tuple[MemberState, ...]


@dataclass(frozen=True)
class ProfileChange:
    code: str
    action: str  # household.edit | household.confirm
    version: int
    verified_at: datetime
    domains: tuple[str, ...] = DOMAINS


def split_groups(text: str | None) -> tuple[str, ...]:
    return tuple(g for g in (text or "").split(";") if g)


def _tags(text: str | None) -> tuple[str, ...]:
    return tuple(t for t in (text or "").split(";") if t)


def read_state(conn: Connection, cipher: PiiCipher, household_id: int) -> ProfileState:
    """The editable part of a household's profile, members masked."""
    hh = conn.execute(
        select(
            Household.members, Household.special_groups, Household.moved_out_on, Household.notes
        ).where(Household.id == household_id)
    ).one()
    residents = tuple(
        MemberState(
            code,
            mask_name(cipher.decrypt("name", bytes(name_enc))),
            mask_phone(cipher.decrypt("phone", bytes(phone_enc))) if phone_enc else "",
            _tags(tags),
        )
        for code, name_enc, phone_enc, tags in conn.execute(
            select(Resident.code, Resident.name_enc, Resident.phone_enc, Resident.tags)
            .where(Resident.household_id == household_id)
            .order_by(Resident.code)
        )
    )
    return ProfileState(hh[0], split_groups(hh[1]), hh[2], hh[3], residents)


# ------------------------------------------------------------------ checks


def _short(text: str | None, limit: int = 40) -> str | None:
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _bad(name: str, exc: ValueError) -> InvalidInput:
    return InvalidInput(name, str(exc))


def check_notes(notes: str | None) -> str | None:
    text = (notes or "").strip()
    if not text:
        return None
    if len(text) > NOTES_MAX:
        raise InvalidInput("notes", f"at most {NOTES_MAX} characters")
    if contains_pi_number(text):
        raise InvalidInput(
            "notes",
            "the notes may not hold an identity or phone number: enter a phone in the "
            "member's phone field",
        )
    return text


def _check_groups(groups: Sequence[str]) -> str:
    unknown = [g for g in groups if g not in SPECIAL_GROUPS]
    if unknown:
        raise InvalidInput(
            "special_groups",
            f"unknown special group {unknown[0]!r} (expected {', '.join(SPECIAL_GROUPS)})",
        )
    return ";".join(g for g in SPECIAL_GROUPS if g in groups)


def _check_phone(value: str, name: str = "phone") -> str | None:
    text = value.strip()
    if not text:
        return None
    if "*" in text:
        raise InvalidInput(name, "a masked number cannot be saved: type the whole number")
    try:
        return parse_phone(text)
    except ValueError as exc:
        raise _bad(name, exc) from None


def _check_tags(tags: Sequence[str], name: str = "tags") -> str | None:
    try:
        return parse_tags(";".join(tags))
    except ValueError as exc:
        raise _bad(name, exc) from None


def _check_member(m: NewMember, today: date) -> dict[str, Any]:
    name = m.name.strip()
    if not name:
        raise InvalidInput("name", "the new member's name is required")
    if "*" in name:
        raise InvalidInput("name", "a masked name cannot be saved: type the whole name")
    if len(name) > NAME_MAX:
        raise InvalidInput("name", f"at most {NAME_MAX} characters")
    number = None
    if m.id_number and m.id_number.strip():
        if "*" in m.id_number:
            raise InvalidInput("id_number", "a masked number cannot be saved")
        try:
            number = parse_id_number(m.id_number.strip())
        except ValueError as exc:
            raise _bad("id_number", exc) from None
    gender = m.gender or None
    if gender not in (None, "M", "F"):
        raise InvalidInput("gender", "must be M or F")
    born = m.birth_date
    if number is not None:
        born = born or id_birth_date(number)
        gender = gender or ("M" if int(number[16]) % 2 else "F")
    if born is not None and born > today:
        raise InvalidInput("birth_date", "the birth date is in the future")
    return {
        "name": name,
        "id_number": number,
        "phone": _check_phone(m.phone or "", "phone"),
        "birth_date": born,
        "gender": gender,
        "tags": _check_tags(m.tags),
    }


# ------------------------------------------------------------------ writing


def _refuse_known_numbers(conn: Connection, cipher: PiiCipher, added: list[dict[str, Any]]) -> None:
    """One identity number per resident: a new member may not carry a number that
    another resident (or another new member) already has. Compared through the keyed
    look-up hash; nothing is decrypted. The unique index of 0013 backs this up."""
    seen: dict[str, str] = {}
    for m in added:
        number = m["id_number"]
        if not number:
            continue
        digest = cipher.lookup_hash("id_number", number)
        if digest in seen:
            raise InvalidInput(
                "id_number",
                f"{mask_name(m['name'])} and {seen[digest]} have the same identity number: "
                "one identity number per resident",
            )
        seen[digest] = mask_name(m["name"])
        holder = conn.scalar(select(Resident.code).where(Resident.id_number_hash == digest))
        if holder is not None:
            raise InvalidInput(
                "id_number",
                f"the identity number is already recorded for resident {holder}: "
                "one identity number per resident",
            )


class _Stale(Exception):
    pass


def _load(s: Session, code: str) -> tuple[int, int, int]:
    """(id, grid_id, version) of the household, locked for this transaction."""
    q = select(Household.id, Household.grid_id, Household.version).where(Household.code == code)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    row = s.execute(q).first()
    if row is None:
        raise NotFound("household", code)
    return row[0], row[1], row[2]


def _state_diff(old: ProfileState, new: ProfileState) -> dict[str, tuple[Any, Any]]:
    """What differs between two masked states, as the conflict dialog shows it."""
    out: dict[str, tuple[Any, Any]] = {}
    for name in ("members", "special_groups", "moved_out_on", "notes"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            if name == "special_groups":
                out[name] = (";".join(a), ";".join(b))
            elif name == "moved_out_on":
                out[name] = (_iso(a), _iso(b))
            elif name == "notes":  # shown to a user who may read the profile anyway
                out[name] = (_short(a), _short(b))
            else:
                out[name] = (a, b)
    before = {r.code: r for r in old.residents}
    after = {r.code: r for r in new.residents}
    for rcode in sorted(before.keys() | after.keys()):
        a_r, b_r = before.get(rcode), after.get(rcode)
        if a_r is None or b_r is None:
            out[f"member:{rcode}"] = (a_r.name if a_r else None, b_r.name if b_r else None)
            continue
        if a_r.phone != b_r.phone:
            out[f"phone:{rcode}"] = (a_r.phone or None, b_r.phone or None)
        if a_r.tags != b_r.tags:
            out[f"tags:{rcode}"] = ("、".join(a_r.tags) or None, "、".join(b_r.tags) or None)
    return out


def _conflict(
    ctx: ServiceContext, code: str, expected: int, base: ProfileState | None
) -> ConflictError:
    """What changed since the editor read the household: the fields (from the current
    record against what the editor was shown, else from the audit rows), who and when."""
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(Household.id, Household.version, Household.updated_at).where(
                Household.code == code
            )
        ).first()
        if row is None:
            raise NotFound("household", code)
        rows = conn.execute(
            select(AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.detail)
            .where(AuditLog.entity == "household", AuditLog.entity_code == code)
            .order_by(AuditLog.id)
        ).all()
        current = read_state(conn, ctx.cipher, row[0]) if base is not None else None
    later = [r for r in rows if int(json.loads(r[3] or "{}").get("version", 0)) > expected]
    fields: dict[str, tuple[Any, Any]] = {}
    if base is not None and current is not None:
        fields = _state_diff(base, current)
    else:
        for r in later:
            for k, pair in json.loads(r[3] or "{}").get("changes", {}).items():
                first = fields.get(k, (pair[0], pair[1]))[0]
                fields[k] = (first, pair[1])
    actors = sorted({r[1] for r in later}) or ["import"]
    when = later[-1][0] if later else (row[2] or now())
    action = later[-1][2] if later else "household.import"
    record = ChangeRecord(when, ", ".join(actors), action, int(row[1]), None, None, fields)
    return ConflictError(code, expected, int(row[1]), [record], entity="household")


def _next_resident_code(conn: Connection, household_code: str, taken: set[str]) -> str:
    k = 1
    while True:
        code = f"{household_code}-{k:02d}"
        if (
            code not in taken
            and conn.scalar(select(Resident.id).where(Resident.code == code)) is None
        ):
            taken.add(code)
            return code
        k += 1


def edit_household(
    ctx: ServiceContext,
    actor: Actor,
    code: str,
    expected_version: int,
    edit: ProfileEdit,
    base: ProfileState | None = None,
) -> ProfileChange:
    """Save an edited profile of household ``code`` (``edit_household``: the grid's
    worker or a coordinator). Refused with :class:`ConflictError` (nothing written)
    when the household's version is no longer ``expected_version`` or its profile no
    longer what the editor was shown (``base``); with :class:`InvalidInput` when a value
    is wrong or nothing would change. The save verifies the profile (``verified_at``)."""
    require_role(actor, "edit_household")
    cipher = ctx.cipher
    at = now()
    today = at.date()
    members = None
    if edit.members is not None:
        try:
            members = parse_members(edit.members)
        except ValueError as exc:
            raise _bad("members", exc) from None
    groups = _check_groups(edit.special_groups)
    if edit.moved_out_on is not None and edit.moved_out_on > today:
        raise InvalidInput("moved_out_on", "the move-out date is in the future")
    notes = check_notes(edit.notes)
    for rcode, why in edit.removed.items():
        if why not in REMOVAL_REASONS:
            raise InvalidInput("removed", f"{why!r} is not one of {', '.join(REMOVAL_REASONS)}")
        if rcode in edit.phones or rcode in edit.tags:
            raise InvalidInput("removed", f"{rcode} is removed and changed at once")
    phones = {rc: _check_phone(p) for rc, p in edit.phones.items()}
    tags = {rc: _check_tags(t) for rc, t in edit.tags.items()}
    added = [_check_member(m, today) for m in edit.added]
    try:
        with transaction(ctx.engine) as s:
            hid, grid_id, version = _load(s, code)
            conn = s.connection()
            require_household_scope(conn, actor, "edit_household", hid)
            if version != expected_version:
                raise _Stale
            before = read_state(conn, cipher, hid)
            if base is not None and before != base:
                raise _Stale
            own = {
                rc: (rid, name_enc, phone_enc, rtags)
                for rid, rc, name_enc, phone_enc, rtags in conn.execute(
                    select(
                        Resident.id,
                        Resident.code,
                        Resident.name_enc,
                        Resident.phone_enc,
                        Resident.tags,
                    ).where(Resident.household_id == hid)
                )
            }
            for rc in (*edit.removed, *phones, *tags):
                if rc not in own:
                    raise NotFound("resident of this household", rc)
            changes: dict[str, Any] = {}
            if members != before.members:
                changes["members"] = [before.members, members]
            if groups != ";".join(before.special_groups):
                changes["is_special"] = [bool(before.special_groups), groups != ""]
                changes["special_groups"] = [CHANGED, CHANGED]
            if edit.moved_out_on != before.moved_out_on:
                changes["moved_out_on"] = [_iso(before.moved_out_on), _iso(edit.moved_out_on)]
            if notes != before.notes:
                changes["notes"] = [CHANGED if before.notes else None, CHANGED if notes else None]
            for rc, phone in sorted(phones.items()):
                rid, _n, phone_enc, _t = own[rc]
                old = cipher.decrypt("phone", bytes(phone_enc)) if phone_enc else None
                if old == phone:
                    continue
                conn.execute(
                    update(Resident)
                    .where(Resident.id == rid)
                    .values(
                        phone_enc=cipher.encrypt("phone", phone) if phone else None,
                        phone_hash=cipher.lookup_hash("phone", phone) if phone else None,
                    )
                )
                changes[f"phone:{rc}"] = [mask_phone(old) or None, mask_phone(phone) or None]
            for rc, new_tags in sorted(tags.items()):
                rid, _n, _p, old_tags = own[rc]
                if (old_tags or None) == new_tags:
                    continue
                conn.execute(update(Resident).where(Resident.id == rid).values(tags=new_tags))
                changes[f"tags:{rc}"] = [
                    CHANGED if old_tags else None,
                    CHANGED if new_tags else None,
                ]
            removed: dict[str, str] = {}
            for rc, why in sorted(edit.removed.items()):
                rid, name_enc, _p, _t = own[rc]
                conn.execute(delete(Resident).where(Resident.id == rid))
                changes[f"member:{rc}"] = [mask_name(cipher.decrypt("name", bytes(name_enc))), None]
                removed[rc] = why
            taken: set[str] = set()
            _refuse_known_numbers(conn, cipher, added)
            for m in added:
                rc = _next_resident_code(conn, code, taken)
                values: dict[str, Any] = {
                    "code": rc,
                    "household_id": hid,
                    "birth_date": m["birth_date"],
                    "gender": m["gender"],
                    "tags": m["tags"],
                }
                for f in ("name", "id_number", "phone"):
                    plain = m[f]
                    values[f"{f}_enc"] = cipher.encrypt(f, plain) if plain else None
                    values[f"{f}_hash"] = cipher.lookup_hash(f, plain) if plain else None
                conn.execute(insert(Resident).values(**values))
                changes[f"member:{rc}"] = [None, mask_name(m["name"])]
            if not changes:
                raise InvalidInput(
                    "profile",
                    "nothing was changed: to record that the profile is still right, confirm it",
                )
            new_version = version + 1
            done = conn.execute(
                update(Household)
                .where(Household.id == hid, Household.version == version)
                .values(
                    members=members,
                    special_groups=groups,
                    is_special=groups != "",
                    moved_out_on=edit.moved_out_on,
                    notes=notes,
                    verified_at=at,
                    verified_by=actor.name,
                    updated_at=at,
                    version=new_version,
                )
            )
            if done.rowcount != 1:
                raise _Stale
            detail: dict[str, Any] = {"version": new_version, "grid_id": grid_id}
            detail["changes"] = changes
            if removed:
                detail["removed"] = removed
            append_audit(s, actor.name, "household.edit", "household", code, detail, at=at)
            signal_change(conn, *DOMAINS)
    except _Stale:
        raise _conflict(ctx, code, expected_version, base) from None
    return ProfileChange(code, "household.edit", new_version, at)


def confirm_household(
    ctx: ServiceContext, actor: Actor, code: str, expected_version: int
) -> ProfileChange:
    """Record that the grid's worker (or a coordinator) checked household ``code``'s
    profile and it is still right: it is verified now. The same checks as an edit."""
    require_role(actor, "edit_household")
    at = now()
    try:
        with transaction(ctx.engine) as s:
            hid, _grid_id, version = _load(s, code)
            conn = s.connection()
            require_household_scope(conn, actor, "edit_household", hid)
            if version != expected_version:
                raise _Stale
            new_version = version + 1
            done = conn.execute(
                update(Household)
                .where(Household.id == hid, Household.version == version)
                .values(verified_at=at, verified_by=actor.name, version=new_version)
            )
            if done.rowcount != 1:
                raise _Stale
            append_audit(
                s,
                actor.name,
                "household.confirm",
                "household",
                code,
                {"version": new_version, "changes": {}},
                at=at,
            )
            signal_change(conn, *DOMAINS)
    except _Stale:
        raise _conflict(ctx, code, expected_version, None) from None
    return ProfileChange(code, "household.confirm", new_version, at)


# ------------------------------------------------------------------ verification


@dataclass(frozen=True)
class Verification:
    """When a household was last verified at T, and how: ``visit`` (a met-visit, by
    ``by``: the staff member's name) or ``profile`` (a confirmation or edit, by the
    user's display name, else the user name)."""

    at: datetime | None
    how: str | None  # visit | profile
    by: str | None


def last_verified(conn: Connection, household_id: int, as_of: datetime) -> Verification:
    from db.models import Staff

    as_of = to_local(as_of)
    prof = conn.execute(
        select(Household.verified_at, func.coalesce(AppUser.display_name, Household.verified_by))
        .outerjoin(AppUser, AppUser.username == Household.verified_by)
        .where(Household.id == household_id, Household.verified_at <= as_of)
    ).first()
    visit = conn.execute(
        select(Visit.visited_at, Staff.name)
        .join(Staff, Staff.id == Visit.staff_id)
        .where(
            Visit.household_id == household_id,
            Visit.outcome == "met",
            Visit.visited_at <= as_of,
        )
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
        .limit(1)
    ).first()
    confirmed: datetime | None = prof[0] if prof is not None else None
    if prof is not None and confirmed is not None and (visit is None or confirmed >= visit[0]):
        return Verification(confirmed, "profile", prof[1])
    if visit is not None:
        return Verification(visit[0], "visit", visit[1])
    return Verification(None, None, None)


@dataclass(frozen=True)
class GridVerification:
    """A grid's households verified in the last 30 days at T (一户一档动态更新):
    ``verified`` of ``households`` (those not moved out by T's date); ``share`` is
    ``None`` for a grid without households."""

    grid_code: str
    grid_name: str
    community_name: str
    households: int
    verified: int

    @property
    def share(self) -> float | None:
        return None if self.households == 0 else self.verified / self.households


def verification_by_grid(
    engine: Engine,
    actor: Actor,
    as_of: datetime | None = None,
    *,
    grid_code: str | None = None,
) -> list[GridVerification]:
    """Per grid (or only ``grid_code``), at T (default now): the households that have
    not moved out by T's date, and those of them verified in [T − 30 days, T] by a
    met-visit or a profile confirmation or edit. An aggregate: every role reads it."""
    require_role(actor, "read_aggregates")
    with engine.connect() as conn:
        return grid_verification(conn, to_local(as_of) if as_of else now(), grid_code)


def grid_verification(
    conn: Connection, as_of: datetime, grid_code: str | None = None
) -> list[GridVerification]:
    lo = as_of - VERIFY_WINDOW
    h = Household
    seen = exists().where(
        Visit.household_id == h.id,
        Visit.outcome == "met",
        Visit.visited_at >= lo,
        Visit.visited_at <= as_of,
    )
    fresh = or_(and_(h.verified_at >= lo, h.verified_at <= as_of), seen)
    living = or_(h.moved_out_on.is_(None), h.moved_out_on > as_of.date())
    counts = (
        select(
            h.grid_id.label("grid_id"),
            func.count().label("n"),
            func.coalesce(func.sum(case((fresh, 1), else_=0)), 0).label("v"),
        )
        .where(living)
        .group_by(h.grid_id)
        .subquery()
    )
    q = (
        select(
            Grid.code,
            Grid.name,
            Community.name,
            func.coalesce(counts.c.n, 0),
            func.coalesce(counts.c.v, 0),
        )
        .join(Community, Community.id == Grid.community_id)
        .outerjoin(counts, counts.c.grid_id == Grid.id)
        .order_by(Grid.code)
    )
    if grid_code is not None:
        q = q.where(Grid.code == grid_code)
    return [GridVerification(g, n, c, int(hh), int(v)) for g, n, c, hh, v in conn.execute(q)]
