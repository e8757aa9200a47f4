"""The ``residents`` kind: the members of each household; names, identity
numbers and phones are stored encrypted with a look-up hash.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, select, update

from center.core.pii import PiiCipher, mask_id_number, mask_name, mask_phone
from center.interchange.base import (
    IN_CHUNK,
    Col,
    Job,
    Kind,
    Plan,
    code_ids,
    fetch_existing,
    same_secret,
)
from center.interchange.files import (
    Table,
    refuse_masked,
    text_parser,
)
from center.interchange.rules import (
    by_code,
    code_col,
    id_birth_date,
    parse_gender,
    parse_id_number,
    parse_phone,
    parse_tags,
    past_date_col,
    reference,
)
from db.models import (
    Household,
    Resident,
)


class Residents(Kind):
    model = Resident
    name = "residents"
    title = "residents"
    code_column = "resident_code"
    domains = ("households",)
    needs_cipher = True
    pi_masks = MappingProxyType(
        {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone}
    )
    columns = (
        code_col("resident_code", True),
        code_col("household_code", True),
        Col("name", refuse_masked(text_parser(100)), True, strict_text=True),
        Col("id_number", refuse_masked(parse_id_number)),
        Col("phone", refuse_masked(parse_phone)),
        past_date_col("birth_date"),
        Col("gender", parse_gender),
        Col("tags", parse_tags),
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        assert cipher is not None
        households = code_ids(conn, Household.code, Household.id)
        rows: list[dict[str, Any]] = []
        id_lines: dict[str, tuple[int, str]] = {}  # number -> first (line, resident code)
        file_codes: set[str] = set()
        for line, v, ok in self.rows(table, job):
            if v["resident_code"] is not None:
                file_codes.add(v["resident_code"])
            hh, found = reference(
                job, line, "household_code", v["household_code"], households, "household"
            )
            ok = ok and found
            number = v["id_number"]
            if number is not None:
                first, _code = id_lines.setdefault(number, (line, v["resident_code"]))
                if first != line:
                    job.problems.add(
                        line,
                        "id_number",
                        f"the same identity number as on line {first} "
                        "(one identity number per resident)",
                    )
                    ok = False
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
        _check_stored_numbers(conn, cipher, id_lines, file_codes, job)
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

    def write(self, conn: Connection, plan: Plan, job: Job) -> None:
        """Inserts, then updates; a file may move an identity number between residents
        (R1 gets a new one, R9 takes R1's). The unique index on ``id_number_hash``
        (0013) would refuse the intermediate state, so the numbers of the residents
        this file updates are cleared first, then every row gets its final value."""
        moving = [u["id"] for u in plan.updates if "id_number_hash" in u]
        for i in range(0, len(moving), IN_CHUNK):
            conn.execute(
                update(Resident)
                .where(Resident.id.in_(moving[i : i + IN_CHUNK]))
                .values(id_number_hash=None)
            )
        super().write(conn, plan, job)

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

        return by_code(
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


def _check_stored_numbers(
    conn: Connection,
    cipher: PiiCipher,
    numbers: dict[str, tuple[int, str]],
    file_codes: set[str],
    job: Job,
) -> None:
    """One identity number per resident, against the database too: a number of the
    file already held by a stored resident that the file does not rewrite (a row of
    the file replaces its resident's stored values) is a problem on the file's line.

    Numbers are stored encrypted; their keyed look-up hash (``id_number_hash``,
    indexed) is what is compared, so no stored number is decrypted.
    """
    by_hash = {cipher.lookup_hash("id_number", n): where for n, where in numbers.items()}
    hashes = sorted(by_hash)
    r = Resident
    for i in range(0, len(hashes), IN_CHUNK):
        stmt = (
            select(r.code, r.id_number_hash)
            .where(r.id_number_hash.in_(hashes[i : i + IN_CHUNK]))
            .order_by(r.code)
        )
        for code, digest in conn.execute(stmt):
            if digest is None:
                continue
            line, own = by_hash[digest]
            if code == own or code in file_codes:
                continue
            job.problems.add(
                line,
                "id_number",
                f"the same identity number as resident {code!r} in the database "
                "(one identity number per resident)",
            )
