"""The ``departments`` kind: code, name and English name of each department."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from center.core.pii import PiiCipher
from center.interchange.base import (
    Job,
    Kind,
    Plan,
    fetch_existing,
    max_len,
)
from center.interchange.files import (
    Table,
)
from center.interchange.rules import (
    by_code,
    code_col,
    diff_rows,
    name_col,
)
from db.models import (
    Department,
)


class Departments(Kind):
    model = Department
    name = "departments"
    title = "departments"
    code_column = "dept_code"
    domains = ("cases",)
    columns = (
        code_col("dept_code", True),
        name_col("name", max_len(Department.__table__.c.name), True),
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
        diff_rows(plan, existing, rows, ("name",))
        return plan

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        return by_code([list(r) for r in conn.execute(select(Department.code, Department.name))])
