"""The ``cases`` kind: residents' requests with their whole timeline; the
status follows from the timestamps, derived columns are filled on import.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import aliased

from center.core.pii import PiiCipher
from center.interchange.base import (
    Col,
    Job,
    Kind,
    Plan,
    bulk_insert,
    bulk_update,
    code_ids,
    fetch_existing,
    table_of,
)
from center.interchange.files import (
    Table,
    bool_bulk,
    parse_bool,
    refuse_masked_numbers,
    refuse_masked_numbers_bulk,
    text_bulk,
    text_parser,
)
from center.interchange.rules import (
    by_code,
    code_col,
    diff_rows,
    enum_col,
    parse_satisfaction,
    satisfaction_bulk,
    ts_col,
)
from center.kpi.calendar import load_calendar
from center.kpi.derive import (
    derive_case,
    recompute_repeats,
)
from db.models import (
    CASE_SOURCES,
    PRIORITIES,
    Case,
    Department,
    Household,
    Subcategory,
)
from db.types import CST

CASE_TIMES = ("first_response_at", "assigned_at", "accepted_at", "closed_at")
#: households whose repeat flags are recomputed together after an import
REPEAT_HOUSEHOLDS = 2000
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
    free_text = ("summary",)
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
        Col("on_the_spot", parse_bool, False, bool_bulk),
        Col("satisfaction", parse_satisfaction, False, satisfaction_bulk),
        code_col("reopened_from"),
        Col("escalated", parse_bool, False, bool_bulk),
        Col(
            "summary",
            refuse_masked_numbers(text_parser(None)),
            False,
            refuse_masked_numbers_bulk(text_bulk(None)),
        ),
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
        hh_stmt = select(Household.code, Household.id, Household.grid_id).with_for_update(read=True)
        for hh_code, hid, gid in conn.execute(hh_stmt):
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
        diff_rows(plan, existing, rows, self.compare)
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
        # the written rows are let go before the repeat flags read the cases of their
        # households back (the caller only counted them), a group of households at a
        # time (a household's flags depend on its own cases only): 100,000 cases took
        # 140 MB more
        inserts.clear()
        plan.updates.clear()
        households = sorted(plan.extra["households"])
        for i in range(0, len(households), REPEAT_HOUSEHOLDS):
            recompute_repeats(conn, households[i : i + REPEAT_HOUSEHOLDS])

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
        return by_code(out)
