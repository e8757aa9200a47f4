"""The tabular kinds of `spec/interchange.md`: departments, staff, households,
residents, visits and cases (CSV or XLSX).

Each kind validates every row (cells, references, cross-column rules), then
compares with the rows already stored under the same codes so that re-importing
a file changes nothing. "Given vs default" is kept for the columns whose empty
cell means a default (case priority, on_the_spot, escalated; visit recorded_at)
so an empty cell is exported empty again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, bindparam, delete, select, type_coerce, update
from sqlalchemy.orm import aliased

from center.services.calendar import load_calendar
from center.services.derive import (
    derive_case,
    rebuild_household_quarters,
    recompute_repeats,
    visit_lag_hours,
)
from center.services.interchange_base import (
    Col,
    Columns,
    Job,
    Kind,
    Plan,
    bulk_insert,
    bulk_update,
    code_ids,
    fetch_existing,
    max_len,
    same_secret,
    table_of,
)
from center.services.interchange_io import (
    Table,
    cell_text,
    date_of,
    enum_bulk,
    enum_parser,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    parse_timestamp,
    text_bulk,
    text_parser,
    time_of,
    timestamp_bulk,
)
from center.services.pii import PiiCipher
from db.models import (
    CASE_SOURCES,
    PRIORITIES,
    SPECIAL_GROUPS,
    STAFF_ROLES,
    VISIT_OUTCOMES,
    Case,
    Department,
    Grid,
    Household,
    HouseholdMonth,
    Resident,
    Staff,
    Subcategory,
    Visit,
)
from db.seed import SPECIAL_GROUP_NAMES
from db.types import CST

INT32_MAX = 2**31 - 1


def text_col(name: str, length: int | None, required: bool = False) -> Col:
    return Col(name, text_parser(length), required, text_bulk(length))


def code_col(name: str, required: bool = False) -> Col:
    return text_col(name, 40, required)


def ts_col(name: str, required: bool = False) -> Col:
    return Col(name, parse_timestamp, required, timestamp_bulk)


def enum_col(name: str, values: Sequence[str], required: bool = False) -> Col:
    return Col(name, enum_parser(values), required, enum_bulk(values))


# ---------------------------------------------------------------- value rules


def parse_members(raw: Any) -> int:
    return parse_int(raw, 1, INT32_MAX, "an integer of at least 1")


def parse_satisfaction(raw: Any) -> int:
    return parse_int(raw, 1, 5, "an integer from 1 to 5")


def parse_lon(raw: Any) -> float:
    return parse_float(raw, -180.0, 180.0, "a longitude between -180 and 180")


def parse_lat(raw: Any) -> float:
    return parse_float(raw, -90.0, 90.0, "a latitude between -90 and 90")


_GROUP_ALIASES: dict[str, str] = {g: g for g in SPECIAL_GROUPS}
_GROUP_ALIASES.update({zh: code for code, (zh, _en) in SPECIAL_GROUP_NAMES.items()})
_LIST_SEP = re.compile(r"[;；]")


def parse_special_groups(raw: Any) -> str:
    """``;``-separated special-group codes → canonical list in SPECIAL_GROUPS order."""
    found: set[str] = set()
    for piece in _LIST_SEP.split(cell_text(raw)):
        piece = piece.strip()
        if not piece:
            continue
        code = _GROUP_ALIASES.get(piece.lower()) or _GROUP_ALIASES.get(piece)
        if code is None:
            raise ValueError(
                f"unknown special group {piece!r} (expected {', '.join(SPECIAL_GROUPS)})"
            )
        found.add(code)
    return ";".join(g for g in SPECIAL_GROUPS if g in found)


_TAGS_LEN = max_len(Resident.__table__.c.tags)


def parse_tags(raw: Any) -> str | None:
    tags: list[str] = []
    for piece in _LIST_SEP.split(cell_text(raw)):
        piece = piece.strip()
        if piece and piece not in tags:
            tags.append(piece)
    text = ";".join(tags)
    if _TAGS_LEN is not None and len(text) > _TAGS_LEN:
        raise ValueError(f"longer than {_TAGS_LEN} characters")
    return text or None


_MOBILE = re.compile(r"1[0-9]{10}")
_LANDLINE = re.compile(r"(?:0[0-9]{2,3}-?|\(0[0-9]{2,3}\))[0-9]{7,8}(?:-[0-9]{1,6})?")


def parse_phone(raw: Any) -> str:
    """An 11-digit mobile number starting with 1, or a landline with its area code.

    The message never repeats the value (personal information).
    """
    text = cell_text(raw)
    if _MOBILE.fullmatch(text) or _LANDLINE.fullmatch(text):
        return text
    raise ValueError(
        "not a phone number: expected an 11-digit mobile number starting with 1 "
        "or a landline with area code such as 010-12345678"
    )


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def id_check_char(first17: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def parse_id_number(raw: Any) -> str:
    """An 18-character resident identity number (GB 11643); messages never show it."""
    if isinstance(raw, float):  # a cell problem like any other, hence ValueError
        raise ValueError(  # noqa: TRY004
            "must be text: the spreadsheet stored it as a number and lost digits "
            "(format the column as text)"
        )
    text = cell_text(raw).upper()
    if len(text) != 18:
        raise ValueError("must be 18 characters")
    if not _ID_SHAPE.fullmatch(text):
        raise ValueError("must be 17 digits followed by a digit or X")
    born = id_birth_date(text)
    if born is None or born.year < 1900 or born > datetime.now(CST).date():
        raise ValueError("the birth date inside the number is not a real date")
    if id_check_char(text[:17]) != text[17]:
        raise ValueError("invalid check digit")
    return text


_GENDERS = {"m": "M", "f": "F", "男": "M", "女": "F"}


def parse_gender(raw: Any) -> str:
    hit = _GENDERS.get(cell_text(raw).lower())
    if hit is None:
        raise ValueError("must be M, F, 男 or 女")
    return hit


# ---------------------------------------------------------------- helpers


def _by_code(rows: list[list[Any]]) -> list[list[Any]]:
    """Export order: by code, compared as text (the same on every backend)."""
    rows.sort(key=lambda r: r[0])
    return rows


def _diff(
    plan: Plan,
    existing: dict[str, Any],
    rows: Sequence[dict[str, Any]],
    compare: Sequence[str],
    also: Sequence[str] = (),
) -> None:
    """Sort rows into inserts, updates and unchanged. ``existing`` rows are
    ``(code, id, *compare)``; ``also`` are derived columns written on update."""
    inserts = plan.insert_list()
    if isinstance(rows, Columns):
        _diff_columns(plan, existing, rows, compare, also)
        return
    for row in rows:
        old = existing.get(row["code"])
        if old is None:
            inserts.append(row)
            continue
        if all(row[f] == old[i] for i, f in enumerate(compare, start=2)):
            plan.unchanged += 1
            continue
        upd = {"id": old[1]}
        for f in compare:
            upd[f] = row[f]
        for f in also:
            upd[f] = row[f]
        plan.updates.append(upd)


def _diff_columns(
    plan: Plan,
    existing: dict[str, Any],
    rows: Columns,
    compare: Sequence[str],
    also: Sequence[str],
) -> None:
    """:func:`_diff` for column-wise rows: no dict per unchanged row. Tuples compare
    element by element with ``==`` (identity first), like the row-wise comparison."""
    inserts = plan.insert_list()
    cols = rows.columns
    get = existing.get
    n_cmp = len(compare) + 2
    unchanged = 0
    for i, (code, new) in enumerate(zip(cols["code"], zip(*(cols[f] for f in compare)))):
        old = get(code)
        if old is None:
            inserts.append(rows[i])
            continue
        if new == tuple(old[2:n_cmp]):
            unchanged += 1
            continue
        upd = {"id": old[1]}
        for f, v in zip(compare, new):
            upd[f] = v
        for f in also:
            upd[f] = cols[f][i]
        plan.updates.append(upd)
    plan.unchanged += unchanged


# ---------------------------------------------------------------- departments


class Departments(Kind):
    model = Department
    name = "departments"
    title = "departments"
    code_column = "dept_code"
    domains = ("cases",)
    columns = (
        code_col("dept_code", True),
        text_col("name", max_len(Department.__table__.c.name), True),
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        rows = [
            {"code": v["dept_code"], "name": v["name"]}
            for _line, v, ok in self.rows(table, job)
            if ok
        ]
        plan = Plan()
        if job.problems:
            return plan
        stmt = select(Department.code, Department.id, Department.name)
        existing = fetch_existing(conn, stmt, Department.code, {r["code"] for r in rows})
        _diff(plan, existing, rows, ("name",))
        return plan

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        return _by_code([list(r) for r in conn.execute(select(Department.code, Department.name))])


# ---------------------------------------------------------------- staff

ROLES_NEEDING_GRID = ("grid_worker", "building_leader")


class StaffKind(Kind):
    model = Staff
    name = "staff"
    title = "staff"
    code_column = "staff_code"
    domains = ("visits",)
    needs_cipher = True
    columns = (
        code_col("staff_code", True),
        text_col("name", max_len(Staff.__table__.c.name), True),
        enum_col("role", STAFF_ROLES, True),
        code_col("grid_code"),
        Col("phone", parse_phone),
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        assert cipher is not None
        grids = code_ids(conn, Grid.code, Grid.id)
        rows: list[dict[str, Any]] = []
        for line, v, ok in self.rows(table, job):
            grid_id = None
            if v["grid_code"] is not None:
                grid_id = grids.get(v["grid_code"])
                if grid_id is None:
                    job.problems.add(
                        line, "grid_code", f"no grid {v['grid_code']!r} in the database"
                    )
                    ok = False
            elif v["role"] in ROLES_NEEDING_GRID:
                job.problems.add(line, "grid_code", f"required for role {v['role']}")
                ok = False
            if ok:
                rows.append(
                    {
                        "code": v["staff_code"],
                        "name": v["name"],
                        "role": v["role"],
                        "grid_id": grid_id,
                        "phone": v["phone"],
                    }
                )
        plan = Plan()
        if job.problems:
            return plan
        stmt = select(
            Staff.code,
            Staff.id,
            Staff.name,
            Staff.role,
            Staff.grid_id,
            Staff.phone_hash,
            Staff.phone_enc,
        )
        existing = fetch_existing(conn, stmt, Staff.code, {r["code"] for r in rows})
        for row in rows:
            phone = row.pop("phone")
            row["phone_enc"] = cipher.encrypt("phone", phone) if phone else None
            row["phone_hash"] = cipher.lookup_hash("phone", phone) if phone else None
            old = existing.get(row["code"])
            if old is None:
                row["active"] = True
                plan.insert_list().append(row)
            elif (old.name, old.role, old.grid_id) == (
                row["name"],
                row["role"],
                row["grid_id"],
            ) and same_secret(cipher, "phone", phone, old.phone_hash, old.phone_enc):
                plan.unchanged += 1
            else:
                upd = {"id": old.id, **row}
                del upd["code"]
                plan.updates.append(upd)
        return plan

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        assert cipher is not None
        stmt = select(Staff.code, Staff.name, Staff.role, Grid.code, Staff.phone_enc).outerjoin(
            Grid, Grid.id == Staff.grid_id
        )
        return _by_code(
            [
                [
                    code,
                    name,
                    role,
                    grid,
                    cipher.decrypt("phone", bytes(blob)) if blob is not None else None,
                ]
                for code, name, role, grid, blob in conn.execute(stmt)
            ]
        )


# ---------------------------------------------------------------- households


class Households(Kind):
    model = Household
    name = "households"
    title = "households"
    code_column = "household_code"
    domains = ("households",)
    columns = (
        code_col("household_code", True),
        code_col("grid_code", True),
        text_col("address", max_len(Household.__table__.c.address), True),
        Col("lon", parse_lon),
        Col("lat", parse_lat),
        Col("members", parse_members),
        Col("special_groups", parse_special_groups),
        Col("is_floating", parse_bool),
        Col("moved_out_on", parse_date),
        ts_col("updated_at"),
    )
    compare = (
        "grid_id",
        "address",
        "lon",
        "lat",
        "members",
        "special_groups",
        "is_floating",
        "moved_out_on",
        "updated_at",
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        grids = code_ids(conn, Grid.code, Grid.id)
        rows: list[dict[str, Any]] = []
        for line, v, ok in self.rows(table, job):
            grid_id = None
            if v["grid_code"] is not None:
                grid_id = grids.get(v["grid_code"])
                if grid_id is None:
                    job.problems.add(
                        line, "grid_code", f"no grid {v['grid_code']!r} in the database"
                    )
                    ok = False
            lon, lat = v["lon"], v["lat"]
            if ok and (lon is None) != (lat is None):
                missing = "lat" if lat is None else "lon"
                job.problems.add(line, missing, "lon and lat come together (both or neither)")
                ok = False
            if ok:
                groups = v["special_groups"] or ""
                rows.append(
                    {
                        "code": v["household_code"],
                        "grid_id": grid_id,
                        "address": v["address"],
                        "lon": lon,
                        "lat": lat,
                        "members": v["members"],
                        "special_groups": groups,
                        "is_special": groups != "",
                        "is_floating": v["is_floating"],
                        "moved_out_on": v["moved_out_on"],
                        "updated_at": v["updated_at"],
                    }
                )
        plan = Plan()
        if job.problems:
            return plan
        h = Household
        stmt = select(
            h.code,
            h.id,
            h.grid_id,
            h.address,
            h.lon,
            h.lat,
            h.members,
            h.special_groups,
            h.is_floating,
            h.moved_out_on,
            h.updated_at,
        )
        existing = fetch_existing(conn, stmt, h.code, {r["code"] for r in rows})
        _diff(plan, existing, rows, self.compare, also=("is_special",))
        return plan

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        h = Household
        stmt = select(
            h.code,
            Grid.code,
            h.address,
            h.lon,
            h.lat,
            h.members,
            h.special_groups,
            h.is_floating,
            h.moved_out_on,
            h.updated_at,
        ).join(Grid, Grid.id == h.grid_id)
        out = []
        for row in conn.execute(stmt):
            values = list(row)
            values[6] = values[6] or None
            out.append(values)
        return _by_code(out)


# ---------------------------------------------------------------- residents


class Residents(Kind):
    model = Resident
    name = "residents"
    title = "residents"
    code_column = "resident_code"
    domains = ("households",)
    needs_cipher = True
    columns = (
        code_col("resident_code", True),
        code_col("household_code", True),
        text_col("name", 100, True),
        Col("id_number", parse_id_number),
        Col("phone", parse_phone),
        Col("birth_date", parse_date),
        Col("gender", parse_gender),
        Col("tags", parse_tags),
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        assert cipher is not None
        households = code_ids(conn, Household.code, Household.id)
        rows: list[dict[str, Any]] = []
        id_lines: dict[str, int] = {}
        for line, v, ok in self.rows(table, job):
            hh = None
            if v["household_code"] is not None:
                hh = households.get(v["household_code"])
                if hh is None:
                    job.problems.add(
                        line,
                        "household_code",
                        f"no household {v['household_code']!r} in the database",
                    )
                    ok = False
            number = v["id_number"]
            if number is not None:
                first = id_lines.setdefault(number, line)
                if first != line:
                    job.warn(line, "id_number", f"the same number as on line {first}")
                born = id_birth_date(number)
                if v["birth_date"] is not None and born != v["birth_date"]:
                    job.warn(line, "birth_date", "differs from the birth date in id_number")
                id_gender = "M" if int(number[16]) % 2 else "F"
                if v["gender"] is not None and v["gender"] != id_gender:
                    job.warn(line, "gender", "differs from the gender encoded in id_number")
            if ok:
                rows.append(
                    {
                        "code": v["resident_code"],
                        "household_id": hh,
                        "name": v["name"],
                        "id_number": number,
                        "phone": v["phone"],
                        "birth_date": v["birth_date"],
                        "gender": v["gender"],
                        "tags": v["tags"],
                    }
                )
        plan = Plan()
        if job.problems:
            return plan
        r = Resident
        stmt = select(
            r.code,
            r.id,
            r.household_id,
            r.birth_date,
            r.gender,
            r.tags,
            r.name_hash,
            r.name_enc,
            r.id_number_hash,
            r.id_number_enc,
            r.phone_hash,
            r.phone_enc,
        )
        existing = fetch_existing(conn, stmt, r.code, {row["code"] for row in rows})
        for row in rows:
            plain = {f: row.pop(f) for f in ("name", "id_number", "phone")}
            for f, value in plain.items():
                row[f"{f}_enc"] = cipher.encrypt(f, value) if value else None
                row[f"{f}_hash"] = cipher.lookup_hash(f, value) if value else None
            old = existing.get(row["code"])
            if old is None:
                plan.insert_list().append(row)
            elif (old.household_id, old.birth_date, old.gender, old.tags) == (
                row["household_id"],
                row["birth_date"],
                row["gender"],
                row["tags"],
            ) and all(
                same_secret(
                    cipher, f, plain[f], getattr(old, f"{f}_hash"), getattr(old, f"{f}_enc")
                )
                for f in plain
            ):
                plan.unchanged += 1
            else:
                upd = {"id": old.id, **row}
                del upd["code"]
                plan.updates.append(upd)
        return plan

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        assert cipher is not None
        r = Resident
        stmt = select(
            r.code,
            Household.code,
            r.name_enc,
            r.id_number_enc,
            r.phone_enc,
            r.birth_date,
            r.gender,
            r.tags,
        ).join(Household, Household.id == r.household_id)

        def plain(f: str, blob: Any) -> str | None:
            return cipher.decrypt(f, bytes(blob)) if blob is not None else None

        return _by_code(
            [
                [
                    code,
                    hh,
                    plain("name", name),
                    plain("id_number", idn),
                    plain("phone", phone),
                    born,
                    gender,
                    tags,
                ]
                for code, hh, name, idn, phone, born, gender, tags in conn.execute(stmt)
            ]
        )


# ---------------------------------------------------------------- visits


class Visits(Kind):
    name = "visits"
    title = "visits"
    code_column = "visit_code"
    domains = ("visits",)
    columns = (
        code_col("visit_code", True),
        code_col("household_code", True),
        code_col("staff_code", True),
        ts_col("visited_at", True),
        enum_col("outcome", VISIT_OUTCOMES, True),
        ts_col("recorded_at"),
        text_col("notes", None),
    )
    compare = (
        "household_id",
        "staff_id",
        "visited_at",
        "outcome",
        "recorded_at",
        "recorded_is_default",
        "notes",
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        households: dict[str, int] = {}
        grid_of: dict[int, int] = {}
        # the grids written with the visits stay the households' until this commits:
        # on PostgreSQL a concurrent move of a household waits (SQLite serialises
        # writers anyway, and renders no lock clause)
        hh = select(Household.code, Household.id, Household.grid_id).with_for_update(read=True)
        for code, hid, gid in conn.execute(hh):
            households[code] = hid
            grid_of[hid] = gid
        staff = code_ids(conn, Staff.code, Staff.id)
        add = job.problems.add
        parsed = self.parse_columns(table, job)
        cols, lines, ok = parsed.columns, parsed.lines, parsed.ok
        hh_codes, st_codes = cols["household_code"], cols["staff_code"]
        hh_ids = list(map(households.get, hh_codes))
        st_ids = list(map(staff.get, st_codes))
        visited, recorded = cols["visited_at"], cols["recorded_at"]
        if None in hh_ids:
            for i, (code, hid) in enumerate(zip(hh_codes, hh_ids, strict=True)):
                if hid is None and code is not None:
                    add(lines[i], "household_code", f"no household {code!r} in the database")
                    ok[i] = False
        if None in st_ids:
            for i, (code, sid) in enumerate(zip(st_codes, st_ids, strict=True)):
                if sid is None and code is not None:
                    add(lines[i], "staff_code", f"no staff member {code!r} in the database")
                    ok[i] = False
        for i, (v, r) in enumerate(zip(visited, recorded, strict=True)):
            if r is not None and v is not None and r < v:
                add(lines[i], "recorded_at", "earlier than visited_at")
                ok[i] = False
        plan = Plan()
        if job.problems:
            return plan
        columns = {
            "code": cols["visit_code"],
            "household_id": hh_ids,
            "staff_id": st_ids,
            "visited_at": visited,
            "outcome": cols["outcome"],
            "recorded_at": [v if r is None else r for v, r in zip(visited, recorded, strict=True)],
            "recorded_is_default": [r is None for r in recorded],
            "lag_hours": [
                0.0 if r is None else visit_lag_hours(v, r)
                for v, r in zip(visited, recorded, strict=True)
            ],
            "notes": cols["notes"],
        }
        vt = Visit
        raw_ts = conn.dialect.name == "sqlite"  # stored text, converted column-wise
        visited_col = type_coerce(vt.visited_at, Text) if raw_ts else vt.visited_at
        recorded_col = type_coerce(vt.recorded_at, Text) if raw_ts else vt.recorded_at
        stmt = select(
            vt.code,
            vt.id,
            vt.household_id,
            vt.staff_id,
            visited_col,
            vt.outcome,
            recorded_col,
            vt.recorded_is_default,
            vt.notes,
        )
        existing = fetch_existing(conn, stmt, vt.code, set(cols["visit_code"]), raw=raw_ts)
        if raw_ts and existing:
            existing = _decode_rows(conn, stmt, existing, {4: vt.visited_at, 6: vt.recorded_at})
        plan.extra["replaced"] = []
        # the household's grid, derived (the database's trigger would otherwise fill it
        # row by row: visit.grid_id, migration 0002)
        columns["grid_id"] = list(map(grid_of.get, hh_ids))
        if not existing:  # all new: keep them column-wise, no dict per row
            plan.inserts = Columns(columns)
            return plan
        _diff(plan, existing, Columns(columns), self.compare, also=("lag_hours", "grid_id"))
        old = {row[1]: (row[2], row[4]) for row in existing.values()}
        plan.extra["replaced"] = [old[u["id"]] for u in plan.updates]
        return plan

    def write(self, conn: Connection, plan: Plan, job: Job) -> None:
        inserted = _pairs(plan.inserts)
        updated = _pairs(plan.updates)
        ranges = _month_ranges(
            [(h, at) for h, at, _o in inserted + updated] + plan.extra["replaced"]
        )
        stored_met = _stored_met_visits(conn, ranges, {u["id"] for u in plan.updates})
        memo: dict[int, Any] = {}  # shared: plan rows keep every timestamp alive
        bulk_insert(conn, table_of(Visit), plan.inserts, job, memo)
        bulk_update(conn, table_of(Visit), plan.updates, job)
        file_met = [(h, at) for h, at, outcome in inserted + updated if outcome == "met"]
        _write_household_months(conn, ranges, stored_met + file_met, job, memo)

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        vt = Visit
        stmt = (
            select(
                vt.code,
                Household.code,
                Staff.code,
                vt.visited_at,
                vt.outcome,
                vt.recorded_at,
                vt.recorded_is_default,
                vt.notes,
            )
            .join(Household, Household.id == vt.household_id)
            .join(Staff, Staff.id == vt.staff_id)
        )
        out = []
        for code, hh, st, visited, outcome, recorded, default, notes in conn.execute(stmt):
            shown = None if default and recorded == visited else recorded
            out.append([code, hh, st, visited, outcome, shown, notes])
        return _by_code(out)


def _decode_rows(
    conn: Connection, stmt: Any, rows: dict[str, Any], stamps: dict[int, Any]
) -> dict[str, tuple[Any, ...]]:
    """Driver rows of ``stmt`` (by code) as SQLAlchemy would return them, column-wise.

    The cells at the positions of ``stamps`` hold the SQLite storage text of that
    LocalDateTime column (selected as text); they get the values the column type
    returns, computed without its per-value ``replace`` (checked on the first value).
    """
    dialect = conn.dialect
    columns = list(zip(*rows.values(), strict=True))
    for pos, sel in enumerate(stmt.selected_columns):
        col_type = stamps[pos].type if pos in stamps else sel.type
        proc = col_type.dialect_impl(dialect).result_processor(dialect, None)
        if pos not in stamps:
            if proc is not None:
                columns[pos] = [proc(v) for v in columns[pos]]
            continue
        texts = columns[pos]
        values: list[Any] | None = None
        try:  # combine(...) is .replace(tzinfo=CST), see with_cst
            fromiso, combine = datetime.fromisoformat, datetime.combine
            parsed = [None if t is None else fromiso(t) for t in texts]
            values = [None if d is None else combine(date_of(d), time_of(d), CST) for d in parsed]
        except (ValueError, TypeError):
            values = None
        if values is not None and proc is not None:
            for text, value in zip(texts, values, strict=True):
                if text is not None:  # the fast path must give what the type gives
                    expected = proc(text)
                    if value != expected or value.tzinfo is not expected.tzinfo:
                        values = None
                    break
        if values is None:
            values = [proc(t) for t in texts] if proc is not None else list(texts)
        columns[pos] = values
    return dict(zip(rows, zip(*columns, strict=True), strict=True))


# ---------------------------------------------------------------- household_month
#
# After a visits import only the months a changed visit falls in (its new and, for an
# updated visit, its old household and month) can change. They are recomputed per
# chunk of households over one month range, from the met-visits already stored in that
# range (read before the write, without the stale versions of updated visits) plus
# the met-visits of the file, so a large import never reads its own rows back.

HM_CHUNK = 500


def _month_start(at: datetime) -> datetime:
    return datetime(at.year, at.month, 1, tzinfo=CST)


def _next_month(at: datetime) -> datetime:
    return datetime(at.year + at.month // 12, at.month % 12 + 1, 1, tzinfo=CST)


def _pairs(rows: Sequence[dict[str, Any]]) -> list[tuple[int, datetime, str]]:
    """``(household_id, visited_at, outcome)`` of visit rows (dicts or Columns)."""
    if isinstance(rows, Columns):
        c = rows.columns
        return list(zip(c["household_id"], c["visited_at"], c["outcome"], strict=True))
    return [(r["household_id"], r["visited_at"], r["outcome"]) for r in rows]


def _month_ranges(pairs: list[tuple[int, datetime]]) -> list[tuple[list[int], datetime, datetime]]:
    """Chunks of household ids with the month range ``[lo, hi)`` covering their pairs."""
    lo: dict[int, datetime] = {}
    hi: dict[int, datetime] = {}
    for hh, at in pairs:
        if hh not in lo:
            lo[hh] = hi[hh] = at
        elif at < lo[hh]:
            lo[hh] = at
        elif at > hi[hh]:
            hi[hh] = at
    ids = sorted(lo)
    out = []
    for i in range(0, len(ids), HM_CHUNK):
        chunk = ids[i : i + HM_CHUNK]
        first = min(lo[h] for h in chunk)
        last = max(hi[h] for h in chunk)
        out.append((chunk, _month_start(first), _next_month(last)))
    return out


def _stored_met_visits(
    conn: Connection, ranges: list[tuple[list[int], datetime, datetime]], skip_ids: set[int]
) -> list[tuple[int, datetime]]:
    out: list[tuple[int, datetime]] = []
    if conn.scalar(select(Visit.id).limit(1)) is None:
        return out
    for chunk, lo, hi in ranges:
        stmt = select(Visit.id, Visit.household_id, Visit.visited_at).where(
            Visit.outcome == "met",
            Visit.household_id.in_(chunk),
            Visit.visited_at >= lo,
            Visit.visited_at < hi,
        )
        out.extend((hh, at) for vid, hh, at in conn.execute(stmt) if vid not in skip_ids)
    return out


def _write_household_months(
    conn: Connection,
    ranges: list[tuple[list[int], datetime, datetime]],
    met: list[tuple[int, datetime]],
    job: Job,
    memo: dict[int, Any],
) -> None:
    for chunk, lo, hi in ranges:
        conn.execute(
            delete(HouseholdMonth).where(
                HouseholdMonth.household_id.in_(chunk),
                HouseholdMonth.ym >= lo.year * 100 + lo.month,
                HouseholdMonth.ym < hi.year * 100 + hi.month,
            )
        )
    # every pair lies in its household's range: stored ones by the query, the file's
    # by construction of the ranges
    bulk_insert(conn, table_of(HouseholdMonth), _household_month_columns(met), job, memo)
    for chunk, lo, hi in ranges:
        last = _month_start(hi - timedelta(days=1))
        rebuild_household_quarters(
            conn, chunk, (lo.year * 100 + lo.month, last.year * 100 + last.month)
        )


def _household_month_columns(met: list[tuple[int, datetime]]) -> Columns:
    """:func:`~center.services.derive.household_month_rows`, column-wise: the same rows
    in the same order (first and second earliest met-visit per household and month)."""
    first: dict[tuple[int, int], datetime] = {}
    second: dict[tuple[int, int], datetime] = {}
    for hh, at in met:
        key = (hh, at.year * 100 + at.month)
        f = first.get(key)
        if f is None:
            first[key] = at
        elif at < f:
            second[key] = f
            first[key] = at
        else:
            s = second.get(key)
            if s is None or at < s:
                second[key] = at
    keys = list(first)
    return Columns(
        {
            "household_id": [k[0] for k in keys],
            "ym": [k[1] for k in keys],
            "first_met_at": list(first.values()),
            "second_met_at": list(map(second.get, keys)),
        }
    )


# ---------------------------------------------------------------- cases

CASE_TIMES = ("first_response_at", "assigned_at", "accepted_at", "closed_at")
POST_CLOSE_STATUSES = ("confirmed", "rated", "spot_checked")
COORDINATOR_STATUSES = ("escalated", "not_our_remit", "no_action_needed")


def timestamp_status(row: dict[str, Any]) -> str:
    """The status the timestamps of an imported case say it has reached."""
    if row["eff_closed_at"] is not None:
        return "resolved"
    if row["accepted_at"] is not None:
        return "accepted"
    if row["assigned_at"] is not None:
        return "assigned"
    return "received"


def merged_status(new: str, old: str) -> str:
    """Keep a later workflow status the timestamps cannot express."""
    if old in POST_CLOSE_STATUSES and new == "resolved":
        return old
    if old in COORDINATOR_STATUSES and new != "resolved":
        return old
    return new


class Cases(Kind):
    name = "cases"
    title = "cases"
    code_column = "case_code"
    domains = ("cases",)
    columns = (
        code_col("case_code", True),
        code_col("household_code", True),
        enum_col("source", CASE_SOURCES, True),
        code_col("subcategory_code", True),
        enum_col("priority", PRIORITIES),
        ts_col("received_at", True),
        ts_col("first_response_at"),
        code_col("dept_code"),
        ts_col("assigned_at"),
        ts_col("accepted_at"),
        ts_col("closed_at"),
        Col("on_the_spot", parse_bool),
        Col("satisfaction", parse_satisfaction),
        code_col("reopened_from"),
        Col("escalated", parse_bool),
        text_col("summary", None),
    )
    compare = (
        "household_id",
        "source",
        "subcategory_id",
        "priority",
        "priority_is_default",
        "received_at",
        "first_response_at",
        "dept_id",
        "assigned_at",
        "accepted_at",
        "closed_at",
        "on_the_spot",
        "on_the_spot_given",
        "satisfaction",
        "escalated",
        "escalated_given",
        "summary",
        "reopened_from",
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        households: dict[str, int] = {}
        grid_of: dict[int, int] = {}
        # the grids written with the cases stay the households' until this commits (as
        # for visits: a concurrent move of a household waits on PostgreSQL)
        hh = select(Household.code, Household.id, Household.grid_id).with_for_update(read=True)
        for hh_code, hid, gid in conn.execute(hh):
            households[hh_code] = hid
            grid_of[hid] = gid
        depts = code_ids(conn, Department.code, Department.id)
        subs = {
            code: (sid, prio)
            for code, sid, prio in conn.execute(
                select(Subcategory.code, Subcategory.id, Subcategory.default_priority)
            )
        }
        add = job.problems.add
        rows: list[dict[str, Any]] = []
        lines: dict[str, int] = {}
        received_in_file: dict[str, datetime] = {}
        for line, v, ok in self.rows(table, job):
            code = v["case_code"]
            received = v["received_at"]
            if code is not None and received is not None:
                received_in_file.setdefault(code, received)
            hh_code = v["household_code"]
            hh = households.get(hh_code) if hh_code is not None else None
            if hh is None and hh_code is not None:
                add(line, "household_code", f"no household {hh_code!r} in the database")
                ok = False
            sub = None
            if v["subcategory_code"] is not None:
                sub = subs.get(v["subcategory_code"])
                if sub is None:
                    add(
                        line,
                        "subcategory_code",
                        f"unknown subcategory {v['subcategory_code']!r} (see the taxonomy)",
                    )
                    ok = False
            dept_id = None
            if v["dept_code"] is not None:
                dept_id = depts.get(v["dept_code"])
                if dept_id is None:
                    add(line, "dept_code", f"no department {v['dept_code']!r} in the database")
                    ok = False
            ok = self._check_times(line, v, job) and ok
            if v["reopened_from"] is not None and v["reopened_from"] == code:
                add(line, "reopened_from", "points to the case itself")
                ok = False
            if not ok or sub is None:
                continue
            priority = v["priority"]
            spot = v["on_the_spot"]
            esc = v["escalated"]
            rows.append(
                {
                    "code": code,
                    "household_id": hh,
                    "source": v["source"],
                    "subcategory_id": sub[0],
                    "priority": priority if priority is not None else sub[1],
                    "priority_is_default": priority is None,
                    "received_at": received,
                    "first_response_at": v["first_response_at"],
                    "dept_id": dept_id,
                    "assigned_at": v["assigned_at"],
                    "accepted_at": v["accepted_at"],
                    "closed_at": v["closed_at"],
                    "on_the_spot": bool(spot),
                    "on_the_spot_given": spot is not None,
                    "satisfaction": v["satisfaction"],
                    "escalated": bool(esc),
                    "escalated_given": esc is not None,
                    "summary": v["summary"],
                    "reopened_from": v["reopened_from"],
                }
            )
            lines[code] = line
        plan = Plan()
        plan.extra["grid_of"] = grid_of
        c = Case
        parent = aliased(Case)
        stmt = select(
            c.code,
            c.id,
            c.household_id,
            c.source,
            c.subcategory_id,
            c.priority,
            c.priority_is_default,
            c.received_at,
            c.first_response_at,
            c.dept_id,
            c.assigned_at,
            c.accepted_at,
            c.closed_at,
            c.on_the_spot,
            c.on_the_spot_given,
            c.satisfaction,
            c.escalated,
            c.escalated_given,
            c.summary,
            parent.code,
            c.status,
        ).outerjoin(parent, parent.id == c.reopened_from_id)
        existing = fetch_existing(conn, stmt, c.code, set(received_in_file))
        self._check_reopened(conn, rows, lines, received_in_file, existing, job)
        if job.problems:
            return plan
        _diff(plan, existing, rows, self.compare)
        self._finish(conn, plan, existing)
        return plan

    @staticmethod
    def _check_times(line: int, v: dict[str, Any], job: Job) -> bool:
        add = job.problems.add
        ok = True
        received = v["received_at"]
        if received is not None:
            for col in CASE_TIMES:
                if v[col] is not None and v[col] < received:
                    add(line, col, "earlier than received_at")
                    ok = False
        if v["dept_code"] is not None and v["assigned_at"] is None:
            add(
                line,
                "assigned_at",
                "required with dept_code (dept_code and assigned_at come together)",
            )
            ok = False
        if v["assigned_at"] is not None and v["dept_code"] is None:
            add(
                line,
                "dept_code",
                "required with assigned_at (dept_code and assigned_at come together)",
            )
            ok = False
        if v["accepted_at"] is not None:
            if v["assigned_at"] is None:
                add(line, "accepted_at", "acceptance without assignment (assigned_at is empty)")
                ok = False
            elif v["accepted_at"] < v["assigned_at"]:
                add(line, "accepted_at", "earlier than assigned_at")
                ok = False
        return ok

    @staticmethod
    def _check_reopened(
        conn: Connection,
        rows: list[dict[str, Any]],
        lines: dict[str, int],
        received_in_file: dict[str, datetime],
        existing: dict[str, Any],
        job: Job,
    ) -> None:
        """reopened_from resolves (file or database) to a case received earlier; a case
        whose received_at moves must stay earlier than the stored cases reopening it."""
        wanted = {
            r["reopened_from"]
            for r in rows
            if r["reopened_from"] is not None and r["reopened_from"] not in received_in_file
        }
        stored = fetch_existing(conn, select(Case.code, Case.received_at), Case.code, wanted)
        for row in rows:
            target = row["reopened_from"]
            if target is None:
                continue
            line = lines[row["code"]]
            when = received_in_file.get(target)
            if when is None and target in stored:
                when = stored[target][1]
            if when is None:
                job.problems.add(
                    line, "reopened_from", f"no case {target!r} in the file or the database"
                )
            elif when >= row["received_at"]:
                job.problems.add(
                    line,
                    "reopened_from",
                    f"case {target!r} was not received earlier than this case",
                )
        moved = {
            existing[r["code"]][1]: r
            for r in rows
            if r["code"] in existing and existing[r["code"]][7] != r["received_at"]
        }
        if not moved:
            return
        ids = sorted(moved)
        for i in range(0, len(ids), 900):
            children = conn.execute(
                select(Case.code, Case.received_at, Case.reopened_from_id).where(
                    Case.reopened_from_id.in_(ids[i : i + 900])
                )
            )
            for child, child_received, parent_id in children:
                if child in received_in_file:
                    continue  # checked above with the file's values
                row = moved[parent_id]
                if child_received <= row["received_at"]:
                    job.problems.add(
                        lines[row["code"]],
                        "received_at",
                        f"case {child!r} in the database reopens this case but would no longer "
                        "be received later",
                    )

    def _finish(self, conn: Connection, plan: Plan, existing: dict[str, Any]) -> None:
        """Derived columns, status and version for the rows that will be written."""
        cal = load_calendar(conn)
        now = datetime.now(CST)
        old_status = {old[1]: old[20] for old in existing.values()}
        old_household = {old[1]: old[2] for old in existing.values()}
        grid_of = plan.extra.pop("grid_of")
        for row in plan.insert_list() + plan.updates:
            # the household's grid, derived (the database's trigger would otherwise fill
            # it row by row: cases.grid_id, migration 0003)
            row["grid_id"] = grid_of[row["household_id"]]
        for row in plan.insert_list():
            derive_case(row, cal)
            row["status"] = timestamp_status(row)
            row["is_repeat"] = False
            row["version"] = 1
            row["created_at"] = now
            row["updated_at"] = now
        for row in plan.updates:
            derive_case(row, cal)
            row["status"] = merged_status(timestamp_status(row), old_status[row["id"]])
            row["updated_at"] = now
        affected = {r["household_id"] for r in plan.insert_list()}
        affected.update(r["household_id"] for r in plan.updates)
        affected.update(old_household[r["id"]] for r in plan.updates)
        plan.extra["households"] = affected

    def write(self, conn: Connection, plan: Plan, job: Job) -> None:
        inserts = plan.insert_list()
        targets = {r["reopened_from"] for r in inserts + plan.updates if r["reopened_from"]}
        stmt = select(Case.code, Case.id)
        known = {
            code: row[1] for code, row in fetch_existing(conn, stmt, Case.code, targets).items()
        }

        def later(row: dict[str, Any]) -> bool:  # points to a case inserted by this import
            return row["reopened_from"] is not None and row["reopened_from"] not in known

        late_inserts = [(r["code"], r["reopened_from"]) for r in inserts if later(r)]
        late_updates = [(r["id"], r["reopened_from"]) for r in plan.updates if later(r)]
        for row in inserts + plan.updates:
            target = row.pop("reopened_from")
            row["reopened_from_id"] = known.get(target) if target is not None else None
        bulk_insert(conn, table_of(Case), plan.inserts, job)
        bulk_update(conn, table_of(Case), plan.updates, job, extra={"version": Case.version + 1})
        if late_inserts or late_updates:
            codes = {t for _, t in late_inserts + late_updates} | {c for c, _ in late_inserts}
            ids = {
                code: row[1] for code, row in fetch_existing(conn, stmt, Case.code, codes).items()
            }
            params = [{"b_id": ids[c], "b_parent": ids[t]} for c, t in late_inserts]
            params += [{"b_id": i, "b_parent": ids[t]} for i, t in late_updates]
            conn.execute(
                update(table_of(Case))
                .where(table_of(Case).c.id == bindparam("b_id"))
                .values(reopened_from_id=bindparam("b_parent")),
                params,
            )
        recompute_repeats(conn, plan.extra["households"])

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        c = Case
        parent = aliased(Case)
        stmt = (
            select(
                c.code,
                Household.code,
                c.source,
                Subcategory.code,
                c.priority,
                c.priority_is_default,
                Subcategory.default_priority,
                c.received_at,
                c.first_response_at,
                Department.code,
                c.assigned_at,
                c.accepted_at,
                c.closed_at,
                c.on_the_spot,
                c.on_the_spot_given,
                c.satisfaction,
                parent.code,
                c.escalated,
                c.escalated_given,
                c.summary,
            )
            .join(Household, Household.id == c.household_id)
            .join(Subcategory, Subcategory.id == c.subcategory_id)
            .outerjoin(Department, Department.id == c.dept_id)
            .outerjoin(parent, parent.id == c.reopened_from_id)
        )
        out = []
        for (
            code,
            hh,
            source,
            sub,
            prio,
            prio_default,
            sub_prio,
            received,
            first,
            dept,
            assigned,
            accepted,
            closed,
            spot,
            spot_given,
            rating,
            reopened,
            esc,
            esc_given,
            summary,
        ) in conn.execute(stmt):
            out.append(
                [
                    code,
                    hh,
                    source,
                    sub,
                    None if prio_default and prio == sub_prio else prio,
                    received,
                    first,
                    dept,
                    assigned,
                    accepted,
                    closed,
                    None if not spot_given and not spot else bool(spot),
                    rating,
                    reopened,
                    None if not esc_given and not esc else bool(esc),
                    summary,
                ]
            )
        return _by_code(out)
