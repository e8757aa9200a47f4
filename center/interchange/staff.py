"""The ``staff`` kind: grid workers, building leaders and the other staff, with
their grid and, for department users, their department.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, select

from center.core.pii import PiiCipher, mask_phone
from center.interchange.base import (
    Col,
    Job,
    Kind,
    Plan,
    code_ids,
    fetch_existing,
    max_len,
    same_secret,
)
from center.interchange.files import (
    Table,
    refuse_masked,
)
from center.interchange.rules import (
    by_code,
    code_col,
    enum_col,
    name_col,
    parse_phone,
    reference,
)
from db.models import (
    STAFF_ROLES,
    Grid,
    Staff,
)

ROLES_NEEDING_GRID = ("grid_worker", "building_leader")


class StaffKind(Kind):
    model = Staff
    name = "staff"
    title = "staff"
    code_column = "staff_code"
    domains = ("visits",)
    needs_cipher = True
    pi_masks = MappingProxyType({"phone": mask_phone})
    columns = (
        code_col("staff_code", True),
        name_col("name", max_len(Staff.__table__.c.name), True),
        enum_col("role", STAFF_ROLES, True),
        code_col("grid_code"),
        Col("phone", refuse_masked(parse_phone)),
    )

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        assert cipher is not None
        grids = code_ids(conn, Grid.code, Grid.id)
        rows: list[dict[str, Any]] = []
        for line, v, ok in self.rows(table, job):
            grid_id, found = reference(job, line, "grid_code", v["grid_code"], grids, "grid")
            ok = ok and found
            if v["grid_code"] is None and v["role"] in ROLES_NEEDING_GRID:
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
        return by_code(
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
