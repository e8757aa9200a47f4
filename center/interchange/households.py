"""The ``households`` kind: one row per household (一户一档), with its grid,
address, location, members and special groups.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from center.core.pii import PiiCipher
from center.interchange.base import (
    Col,
    Job,
    Kind,
    Plan,
    code_ids,
    fetch_existing,
    max_len,
)
from center.interchange.files import (
    Table,
    parse_bool,
)
from center.interchange.rules import (
    by_code,
    code_col,
    diff_rows,
    parse_lat,
    parse_lon,
    parse_members,
    parse_special_groups,
    past_date_col,
    reference,
    text_col,
    ts_col,
)
from db.models import (
    Grid,
    Household,
)


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
        past_date_col("moved_out_on"),
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
            grid_id, found = reference(job, line, "grid_code", v["grid_code"], grids, "grid")
            ok = ok and found
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
        diff_rows(plan, existing, rows, self.compare, also=("is_special",))
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
        return by_code(out)
