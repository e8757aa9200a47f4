"""Columns derived on write, so that KPI SQL only compares columns.

* case: ``eff_response_at`` / ``eff_closed_at`` (on-the-spot cases missing them take
  ``received_at``), ``response_micros`` (eff_response_at - received_at),
  ``response_due_at`` (+24 h), ``accept_due_at`` (assigned + 2 h), ``deadline_at`` /
  ``deadline_provisional`` (15 working days), ``is_repeat``;
* visit: ``lag_hours``;
* ``household_month``: first and second met-visit instant per household and month;
  ``household_quarter``: the same condensed per quarter.

Every writer of cases or visits (import, demo, workstation) calls these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal_column,
    select,
    update,
)

from center.kpi.calendar import WorkCalendar
from db.kpi_queries import quarter_of, quarter_of_column
from db.models import Case, HouseholdMonth, HouseholdQuarter, Visit

RESPONSE_WINDOW = timedelta(hours=24)
ACCEPT_WINDOW = timedelta(hours=2)
REPEAT_WINDOW = timedelta(hours=720)
MICROSECOND = timedelta(microseconds=1)


def derive_case(row: dict[str, Any], cal: WorkCalendar) -> dict[str, Any]:
    """Fill the derived columns of one case row (a dict of column values) in place."""
    received: datetime = row["received_at"]
    spot = bool(row.get("on_the_spot"))
    first = row.get("first_response_at")
    closed = row.get("closed_at")
    row["eff_response_at"] = first if first is not None else (received if spot else None)
    row["eff_closed_at"] = closed if closed is not None else (received if spot else None)
    response = row["eff_response_at"]
    row["response_micros"] = (response - received) // MICROSECOND if response is not None else None
    row["response_due_at"] = received + RESPONSE_WINDOW
    assigned = row.get("assigned_at")
    row["accept_due_at"] = assigned + ACCEPT_WINDOW if assigned is not None else None
    deadline, provisional = cal.closure_deadline(received.date())
    row["deadline_at"] = deadline
    row["deadline_provisional"] = provisional
    return row


def visit_lag_hours(visited_at: datetime, recorded_at: datetime) -> float:
    return (recorded_at - visited_at).total_seconds() / 3600.0


def recompute_deadlines(conn: Connection, cal: WorkCalendar) -> int:
    """Recompute every case's closure deadline after the calendar changed.

    Done per distinct received date (a few hundred a year), not per case.
    Returns the number of cases whose deadline changed.
    """
    rows = conn.execute(
        select(Case.id, Case.received_at, Case.deadline_at, Case.deadline_provisional)
    ).all()
    changed = []
    for cid, received, old, old_prov in rows:
        new, prov = cal.closure_deadline(received.date())
        if new != old or prov != old_prov:
            changed.append({"b_id": cid, "b_deadline": new, "b_prov": prov})
    if changed:
        conn.execute(
            update(Case)
            .where(Case.id == bindparam("b_id"))
            .values(deadline_at=bindparam("b_deadline"), deadline_provisional=bindparam("b_prov"))
            .execution_options(synchronize_session=False),
            changed,
        )
    return len(changed)


def recompute_repeats(conn: Connection, household_ids: Iterable[int] | None = None) -> int:
    """Set ``is_repeat`` per `kpi.md`: an earlier case (strictly) of the same household
    and subcategory received at most 720 h before. Returns how many flags changed."""
    q = select(
        Case.id, Case.household_id, Case.subcategory_id, Case.received_at, Case.is_repeat
    ).order_by(Case.household_id, Case.subcategory_id, Case.received_at)
    ids = None if household_ids is None else sorted(set(household_ids))
    rows: list[Any] = []
    if ids is None:
        rows = list(conn.execute(q))
    else:
        for i in range(0, len(ids), 500):
            rows.extend(conn.execute(q.where(Case.household_id.in_(ids[i : i + 500]))))
        rows.sort(key=lambda r: (r[1], r[2], r[3]))
    changed = []
    key = None
    last_before: datetime | None = None  # latest received_at strictly before the current one
    cur_time: datetime | None = None
    for cid, hh, sub, received, flag in rows:
        if (hh, sub) != key:
            key = (hh, sub)
            last_before = None
            cur_time = None
        if cur_time is not None and received > cur_time:
            last_before = cur_time
        cur_time = received
        repeat = last_before is not None and received - last_before <= REPEAT_WINDOW
        if bool(flag) != repeat:
            changed.append({"b_id": cid, "b_rep": repeat})
    if changed:
        conn.execute(
            update(Case)
            .where(Case.id == bindparam("b_id"))
            .values(is_repeat=bindparam("b_rep"))
            .execution_options(synchronize_session=False),
            changed,
        )
    return len(changed)


def household_month_rows(met_visits: Iterable[tuple[int, datetime]]) -> list[dict[str, Any]]:
    """``household_month`` rows (first and second met-visit instant per household and
    calendar month) from the ``(household_id, visited_at)`` pairs of met-visits."""
    firsts: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for hh, at in met_visits:
        slot = firsts[(hh, at.year * 100 + at.month)]
        slot.append(at)
        if len(slot) > 2:
            slot.sort()
            del slot[2:]
    rows = []
    for (hh, ym), times in firsts.items():
        times.sort()
        rows.append(
            {
                "household_id": hh,
                "ym": ym,
                "first_met_at": times[0],
                "second_met_at": times[1] if len(times) > 1 else None,
            }
        )
    return rows


def rebuild_household_months(
    conn: Connection, household_ids: Iterable[int] | None = None, *, only_changes: bool = False
) -> None:
    """Rebuild ``household_month`` for some households (all when None) from met-visits.

    ``only_changes`` (some households): write only the rows that differ, so the months
    a visit did not change are not touched (the workstation's one visit at a time: the
    KPI summaries of other months stay valid, :mod:`db.kpi_summary`)."""
    ids = None if household_ids is None else sorted(set(household_ids))
    chunks: list[list[int] | None] = [None]
    if ids is not None:
        if not ids:
            return
        chunks = [ids[i : i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        v = select(Visit.household_id, Visit.visited_at).where(Visit.outcome == "met")
        if chunk is not None:
            v = v.where(Visit.household_id.in_(chunk))
        rows = household_month_rows((hh, at) for hh, at in conn.execute(v))
        if only_changes and chunk is not None:
            months = _sync_household_months(conn, chunk, rows)
            if months:
                rebuild_household_quarters(conn, chunk, months, only_changes=True)
            continue
        d = delete(HouseholdMonth)
        if chunk is not None:
            d = d.where(HouseholdMonth.household_id.in_(chunk))
        conn.execute(d)
        for i in range(0, len(rows), 20000):
            conn.execute(insert(HouseholdMonth), rows[i : i + 20000])
        rebuild_household_quarters(conn, chunk)


def _sync_household_months(
    conn: Connection, chunk: list[int], rows: list[dict[str, Any]]
) -> tuple[int, int] | None:
    """Make the households' ``household_month`` rows equal ``rows`` by writing only the
    differences; the inclusive ``yyyymm`` range of the months changed (None: none)."""
    hm = HouseholdMonth
    old = {
        (h, ym): (first, second)
        for h, ym, first, second in conn.execute(
            select(hm.household_id, hm.ym, hm.first_met_at, hm.second_met_at).where(
                hm.household_id.in_(chunk)
            )
        )
    }
    new = {(r["household_id"], r["ym"]): (r["first_met_at"], r["second_met_at"]) for r in rows}
    gone = [key for key in old if key not in new]
    added = [r for r in rows if (r["household_id"], r["ym"]) not in old]
    changed = [
        r for r in rows if (key := (r["household_id"], r["ym"])) in old and old[key] != new[key]
    ]
    if gone:
        conn.execute(
            delete(hm).where(hm.household_id == bindparam("b_h"), hm.ym == bindparam("b_ym")),
            [{"b_h": h, "b_ym": ym} for h, ym in gone],
        )
    if added:
        conn.execute(insert(hm), added)
    if changed:
        conn.execute(
            update(hm)
            .where(hm.household_id == bindparam("b_h"), hm.ym == bindparam("b_ym"))
            .values(first_met_at=bindparam("b_first"), second_met_at=bindparam("b_second"))
            .execution_options(synchronize_session=False),
            [
                {
                    "b_h": r["household_id"],
                    "b_ym": r["ym"],
                    "b_first": r["first_met_at"],
                    "b_second": r["second_met_at"],
                }
                for r in changed
            ],
        )
    months = [ym for _, ym in gone] + [r["ym"] for r in added] + [r["ym"] for r in changed]
    return (min(months), max(months)) if months else None


def rebuild_household_quarters(
    conn: Connection,
    household_ids: Sequence[int] | None = None,
    months: tuple[int, int] | None = None,
    *,
    only_changes: bool = False,
) -> None:
    """Rebuild ``household_quarter`` from ``household_month`` for some households (all
    when None), for the quarters that meet the inclusive ``yyyymm`` range ``months``
    (all when None). Call it after those households' months were rebuilt.
    ``only_changes``: write only the rows that differ."""
    hq, hm = HouseholdQuarter, HouseholdMonth
    yq = quarter_of_column(hm.ym).label("yq")
    d = delete(hq)
    one, three, hundred = (literal_column(str(n), Integer) for n in (1, 3, 100))
    position = (hm.ym % hundred - one) % three  # the month's place in its quarter: 0, 1, 2

    def second_in(month: int) -> Any:
        return func.max(case((position == month, hm.second_met_at), else_=None))

    src = select(
        hm.household_id,
        yq,
        func.min(hm.first_met_at),
        second_in(0),
        second_in(1),
        second_in(2),
        # a quarter has three months: all three had a second met-visit by the latest
        case((func.count(hm.second_met_at) == 3, func.max(hm.second_met_at)), else_=None),
    ).group_by(hm.household_id, literal_column("yq"))
    if household_ids is not None:
        d = d.where(hq.household_id.in_(household_ids))
        src = src.where(hm.household_id.in_(household_ids))
    if months is not None:
        first_q, last_q = quarter_of(months[0]), quarter_of(months[1])
        d = d.where(hq.yq >= first_q, hq.yq <= last_q)
        src = src.where(
            hm.ym >= first_q // 10 * 100 + first_q % 10 * 3 - 2,
            hm.ym <= last_q // 10 * 100 + last_q % 10 * 3,
        )
    columns = [
        "household_id",
        "yq",
        "first_met_at",
        "second_met_1",
        "second_met_2",
        "second_met_3",
        "special_done_at",
    ]
    if only_changes and household_ids is not None:
        _sync_household_quarters(conn, d, src, columns)
        return
    conn.execute(d)
    conn.execute(insert(hq).from_select(columns, src))


def _sync_household_quarters(conn: Connection, d: Any, src: Any, columns: list[str]) -> None:
    """``household_quarter`` rows of ``d``'s selection made equal to ``src``'s, writing
    only the differences."""
    hq = HouseholdQuarter
    cols = [getattr(hq, c) for c in columns]
    old = {
        (r[0], r[1]): tuple(r[2:])
        for r in conn.execute(select(*cols).where(d.whereclause))  # the same rows d deletes
    }
    new = {(r[0], int(r[1])): tuple(r[2:]) for r in conn.execute(src)}
    gone = [key for key in old if key not in new]
    if gone:
        conn.execute(
            delete(hq).where(hq.household_id == bindparam("b_h"), hq.yq == bindparam("b_q")),
            [{"b_h": h, "b_q": q} for h, q in gone],
        )
    added = [dict(zip(columns, (*k, *v), strict=True)) for k, v in new.items() if k not in old]
    if added:
        conn.execute(insert(hq), added)
    changed = [(k, v) for k, v in new.items() if k in old and old[k] != v]
    if changed:
        conn.execute(
            update(hq)
            .where(hq.household_id == bindparam("b_h"), hq.yq == bindparam("b_q"))
            .values({c: bindparam(f"b_{c}") for c in columns[2:]})
            .execution_options(synchronize_session=False),
            [
                {
                    "b_h": k[0],
                    "b_q": k[1],
                    **{f"b_{c}": x for c, x in zip(columns[2:], v, strict=True)},
                }
                for k, v in changed
            ],
        )
