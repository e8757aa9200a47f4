"""The ``visits`` kind: door-knocking visits, with the per-household month and
quarter tables (``household_month``, ``household_quarter``) kept up to date.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Integer,
    Text,
    bindparam,
    func,
    select,
    text,
    type_coerce,
)

from center.core.pii import PiiCipher
from center.interchange.base import (
    Col,
    Columns,
    Job,
    Kind,
    Plan,
    bulk_insert,
    bulk_update,
    code_ids,
    fetch_existing,
    small_cache,
    table_of,
)
from center.interchange.files import (
    Table,
    date_of,
    refuse_masked_numbers,
    refuse_masked_numbers_bulk,
    text_bulk,
    text_parser,
    time_of,
)
from center.interchange.rules import (
    by_code,
    code_col,
    diff_rows,
    enum_col,
    ts_col,
)
from center.kpi.derive import rebuild_household_quarters
from db.models import (
    VISIT_OUTCOMES,
    Household,
    Staff,
    Visit,
)
from db.types import CST


class Visits(Kind):
    name = "visits"
    title = "visits"
    code_column = "visit_code"
    domains = ("visits",)
    free_text = ("notes",)
    streams = True
    stream_model = Visit
    columns = (
        code_col("visit_code", True),
        code_col("household_code", True),
        code_col("staff_code", True),
        ts_col("visited_at", True),
        enum_col("outcome", VISIT_OUTCOMES, True),
        ts_col("recorded_at"),
        Col(
            "notes",
            refuse_masked_numbers(text_parser(None)),
            False,
            refuse_masked_numbers_bulk(text_bulk(None)),
        ),
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
        if "households" not in job.cache:  # once per import, not per chunk
            households: dict[str, int] = {}
            grid_of: dict[int | None, int] = {}  # looked up with hh_ids (None: no household)
            # the grids written with the visits stay the households' until this commits:
            # on PostgreSQL a concurrent move of a household waits (SQLite serialises
            # writers anyway, and renders no lock clause)
            hh = select(Household.code, Household.id, Household.grid_id).with_for_update(read=True)
            for code, hid, gid in conn.execute(hh):
                households[code] = hid
                grid_of[hid] = gid
            job.cache["households"] = households
            job.cache["grid_of"] = grid_of
            job.cache["staff"] = code_ids(conn, Staff.code, Staff.id)
            # no visit stored before the import: none of the file's can be an update
            job.cache["none_stored"] = conn.scalar(select(Visit.id).limit(1)) is None
            # so the chunks after the first are checked without reading the database
            job.cache["offline_checks"] = job.cache["none_stored"]
        households = job.cache["households"]
        grid_of = job.cache["grid_of"]
        staff = job.cache["staff"]
        add = job.problems.add
        parsed = self.parse_columns(table, job)
        cols, lines, ok = parsed.columns, parsed.lines, parsed.ok
        hh_codes, st_codes = cols["household_code"], cols["staff_code"]
        hh_ids = list(map(households.get, hh_codes))
        st_ids = list(map(staff.get, st_codes))
        visited, recorded = cols["visited_at"], cols["recorded_at"]
        if None in hh_ids:
            for i, (code, hh_id) in enumerate(zip(hh_codes, hh_ids, strict=True)):
                if hh_id is None and code is not None:
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
            # visit_lag_hours(v, r), inline (a call per row costs more than the sum)
            "lag_hours": [
                0.0 if r is None else (r - v).total_seconds() / 3600.0
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
        existing = (
            {}
            if job.cache["none_stored"]
            else fetch_existing(conn, stmt, vt.code, set(cols["visit_code"]), raw=raw_ts)
        )
        if raw_ts and existing:
            existing = _decode_rows(conn, stmt, existing, {4: vt.visited_at, 6: vt.recorded_at})
        plan.extra["replaced"] = []
        # the household's grid, derived (the database's trigger would otherwise fill it
        # row by row: visit.grid_id, migration 0002)
        columns["grid_id"] = list(map(grid_of.get, hh_ids))
        if not existing:  # all new: keep them column-wise, no dict per row
            plan.inserts = Columns(columns)
            return plan
        diff_rows(plan, existing, Columns(columns), self.compare, also=("lag_hours", "grid_id"))
        old = {row[1]: (row[2], row[4]) for row in existing.values()}
        plan.extra["replaced"] = [old[u["id"]] for u in plan.updates]
        return plan

    def write(self, conn: Connection, plan: Plan, job: Job) -> None:
        """One chunk's visits; the household months they touch are noted for
        :meth:`finish` (a household's span of months, kept per household: the memory
        does not grow with the file)."""
        spans: dict[int, tuple[datetime, datetime]] = job.cache.setdefault("spans", {})
        get = spans.get
        for rows in (plan.inserts, plan.updates):
            if isinstance(rows, Columns):  # the household and instant columns, as they are
                pairs: Any = zip(rows.columns["household_id"], rows.columns["visited_at"])
            else:
                pairs = [(r["household_id"], r["visited_at"]) for r in rows]
            _widen(spans, get, pairs)
        _widen(spans, get, plan.extra["replaced"])
        bulk_insert(conn, table_of(Visit), plan.inserts, job)
        bulk_update(conn, table_of(Visit), plan.updates, job)

    def finish(self, conn: Connection, job: Job) -> None:
        """The household months (and quarters) of every household and month a written
        visit touched, from the met-visits stored now, a chunk of households at a time
        (keeping the file's met-visits instead would grow with the file, or with
        households x months: 2.4 million for a district)."""
        spans: dict[int, tuple[datetime, datetime]] = job.cache.get("spans", {})
        _write_household_months(conn, spans, job)

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
        return by_code(out)


def _widen(spans: dict[int, tuple[datetime, datetime]], get: Any, pairs: Any) -> None:
    """Widen each household's span of instants to take in its ``(household, instant)``
    pairs."""
    for hh, at in pairs:
        span = get(hh)
        if span is None:
            spans[hh] = (at, at)
        elif at < span[0]:
            spans[hh] = (at, span[1])
        elif at > span[1]:
            spans[hh] = (span[0], at)


def _decode_rows(
    conn: Connection, stmt: Any, rows: dict[str, Any], stamps: dict[int, Any]
) -> dict[str, tuple[Any, ...]]:
    """Driver rows of ``stmt`` (by code) as SQLAlchemy would return them, column-wise.

    The cells at the positions of ``stamps`` hold the SQLite storage text of that
    LocalDateTime column (selected as text); they get the values the column type
    returns, computed without its per-value ``replace`` (checked on the first value).
    """
    dialect = conn.dialect
    columns: list[Sequence[Any]] = list(zip(*rows.values(), strict=True))
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


def _month_ranges(
    spans: dict[int, tuple[datetime, datetime]],
) -> list[tuple[list[int], datetime, datetime]]:
    """Chunks of household ids with the month range ``[lo, hi)`` covering their spans."""
    ids = sorted(spans)
    out = []
    for i in range(0, len(ids), HM_CHUNK):
        chunk = ids[i : i + HM_CHUNK]
        first = min(spans[h][0] for h in chunk)
        last = max(spans[h][1] for h in chunk)
        out.append((chunk, _month_start(first), _next_month(last)))
    return out


def _write_household_months(
    conn: Connection,
    spans: dict[int, tuple[datetime, datetime]],
    job: Job,
) -> None:
    """Replace the household months (and quarters) that ``spans`` touch by those of
    the met-visits as stored now, computed by the database (:func:`_met_months_sql`).

    When the import touched a good part of the households (a first import: all of
    them), one statement covers the whole month range, scanning the visits once in
    table order: a look-up per household chunk would read the visits' rows in random
    order (400,000 visits into an empty street: 3.0 s -> 1.0 s of CPU, with the
    month rows no longer sent through Python). On SQLite that statement rebuilds the
    range for every household (the import holds the write lock; a household the file
    does not touch gets the rows it had); PostgreSQL keeps to the touched households,
    so concurrent writers of other households' months are not locked out."""
    if not spans:
        return
    households = conn.scalar(select(func.count()).select_from(Household)) or 0
    whole = len(spans) * WHOLE_RANGE_SHARE >= households
    if whole:
        lo = _month_start(min(s[0] for s in spans.values()))
        hi = _next_month(max(s[1] for s in spans.values()))
        ids = None if conn.dialect.name == "sqlite" else sorted(spans)
        ranges: list[tuple[list[int] | None, datetime, datetime]] = [(ids, lo, hi)]
    else:
        ranges = list(_month_ranges(spans))
    for chunk, lo, hi in ranges:
        first_ym, last = lo.year * 100 + lo.month, _month_start(hi - timedelta(days=1))
        where, binds, params = _households_where(conn, chunk)
        conn.execute(
            text(f"DELETE FROM household_month WHERE ym >= :lo AND ym < :hi{where}").bindparams(
                *binds
            ),
            {"lo": first_ym, "hi": hi.year * 100 + hi.month, **params},
        )
        # the whole of each changed household month is in the range: its met-visits
        # as stored now (this import's included) give its first and second
        with small_cache(conn) if whole else nullcontext():
            conn.execute(*_met_months_sql(conn, chunk, lo, hi, whole=whole))
        job.step(0)
        months = (first_ym, last.year * 100 + last.month)
        if chunk is None or len(chunk) <= HM_CHUNK:
            rebuild_household_quarters(conn, chunk, months)
        else:
            for i in range(0, len(chunk), QUARTER_CHUNK):
                rebuild_household_quarters(conn, chunk[i : i + QUARTER_CHUNK], months)


def _households_where(
    conn: Connection, chunk: list[int] | None
) -> tuple[str, list[Any], dict[str, Any]]:
    """`` AND household_id IN …`` for ``chunk`` (none for all households): on
    PostgreSQL one array parameter, however many households."""
    if chunk is None:
        return "", [], {}
    if conn.dialect.name == "sqlite":  # a chunk of HM_CHUNK households at most
        return " AND household_id IN :ids", [bindparam("ids", expanding=True)], {"ids": chunk}
    return (
        " AND household_id = ANY(:ids)",
        [bindparam("ids", type_=ARRAY(Integer))],
        {"ids": chunk},
    )


#: the whole month range in one statement when at least 1/WHOLE_RANGE_SHARE of the
#: households were touched
WHOLE_RANGE_SHARE = 4
QUARTER_CHUNK = 5000


def _met_months_sql(
    conn: Connection, chunk: list[int] | None, lo: datetime, hi: datetime, whole: bool
) -> tuple[Any, dict[str, Any]]:
    """``INSERT INTO household_month … SELECT``: per household (of ``chunk``, or all)
    and month of ``[lo, hi)``, the earliest and second earliest met-visit instant
    (:func:`~center.kpi.derive.household_month_rows` in SQL: two visits at the same
    instant make it both first and second). The instants are copied as stored
    (SQLite: the storage text)."""
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:  # the storage text is "YYYY-MM-DD HH:MM:SS.ffffff", local time
        ym = (
            "(CAST(substr(visited_at, 1, 4) AS INTEGER) * 100"
            " + CAST(substr(visited_at, 6, 2) AS INTEGER))"
        )
    else:  # a naive local timestamp
        ym = (
            "(CAST(EXTRACT(YEAR FROM visited_at) AS INTEGER) * 100"
            " + CAST(EXTRACT(MONTH FROM visited_at) AS INTEGER))"
        )
    where, binds, params = _households_where(conn, chunk)
    where = "outcome = 'met' AND visited_at >= :lo AND visited_at < :hi" + where
    params.update(lo=lo, hi=hi)
    binds += [
        bindparam("lo", type_=Visit.visited_at.type),
        bindparam("hi", type_=Visit.visited_at.type),
    ]
    # SQLite: a whole range is read in table order (an index on household_id would
    # fetch every visit's row at random to see its outcome)
    source = "visit NOT INDEXED" if sqlite and whole else "visit"
    sql = (
        "INSERT INTO household_month (household_id, ym, first_met_at, second_met_at) "
        "SELECT household_id, ym, min(visited_at), max(CASE WHEN rn = 2 THEN visited_at END) "
        f"FROM (SELECT household_id, visited_at, {ym} AS ym, row_number() OVER "
        f"(PARTITION BY household_id, {ym} ORDER BY visited_at) AS rn "
        f"FROM {source} WHERE {where}) AS met WHERE rn <= 2 GROUP BY household_id, ym"
    )
    return text(sql).bindparams(*binds), params
