"""`center demo`: a realistic, deterministic demo street built into an empty database.

One street of about 120 grids (``scale`` multiplies grids, households and cases), 30,000
households with residents, staff and app users, twelve months of visits (the door-knocking
action) and joint meetings, 24 months of cases before the as-of instant, and the budget.
The same ``seed`` and ``as_of`` always give the same rows (only the random AES nonces
inside the encrypted personal information differ). The street is written in one
transaction, then its joint meetings are run through the meeting services
(:mod:`center.demo.meetings`), as the demo accounts would have run them; a failure, or an
exception raised by the ``progress`` callback to cancel, leaves no business data behind
(accounts and audit rows written by then stay).

Every grid team and department has a profile (:mod:`center.demo.profiles`: strong,
average, weak, a persistent laggard, improving, slipping) that drives its visits and its
case handling month by month; the scorecards are whatever the spec's formula makes of
that, and the summary reports the grade distribution of the last finished quarter.

When and where cases arrive (:mod:`center.demo.arrivals`) has the structure of a real
street that a forecast can learn: seasons, public holidays, grids that differ by their
housing (old neighbourhoods of elderly residents, rented flats), slow trends and a few
grids with an emerging problem.

All people are invented: names are drawn from common Chinese surnames and given names,
identity numbers are random but well-formed, phones are random mobiles.
"""

from __future__ import annotations

import gc
import itertools
import math
import operator
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from center.accounts.passwords import hash_password
from center.core.audit import append_audit
from center.core.context import ServiceContext
from center.core.errors import UserError
from center.core.pii import PiiCipher
from center.core.tx import signal_change
from center.core.vocab import CLOSED_STATUSES
from center.demo import arrivals
from center.demo import data as vocab
from center.demo.cases import CaseMaker
from center.demo.geo import PointSampler, Tile, group_tiles, tessellate
from center.demo.meetings import ReplayResult, replay_meetings
from center.demo.office import Item, Meeting, make_budget, plan_meetings, run_meetings
from center.demo.people import (
    Home,
    IdentityMaker,
    compound_names,
    grid_homes,
    surname,
)
from center.demo.profiles import (
    DeptTeam,
    GridTeam,
    GridTraits,
    draw_dept_profiles,
    draw_grid_profiles,
)
from center.demo.visits import Crew, VisitMaker, month_spans
from center.kpi.assess import GRADES, assess
from center.kpi.calendar import WorkCalendar, load_calendar
from center.kpi.derive import (
    derive_case,
    rebuild_household_months,
    recompute_repeats,
    visit_lag_hours,
)
from db.engine import writer
from db.models import (
    USER_ROLES,
    AgendaItem,
    AgendaItemCase,
    AgendaItemDept,
    AgendaNote,
    AppUser,
    Base,
    BudgetLine,
    Case,
    CaseCounter,
    CaseEvent,
    Community,
    Department,
    Expenditure,
    Grid,
    Household,
    HouseholdMonth,
    HouseholdQuarter,
    JointMeeting,
    KpiMonthState,
    KpiMonthSummary,
    MeetingAttendee,
    ReportDoc,
    Resident,
    Setting,
    Staff,
    Street,
    Subcategory,
    UserRole,
    Visit,
)
from db.seed import CHANGE_DOMAINS
from db.types import CST, to_local

Progress = Callable[[int, int, str], None]
GRADE_KEYS = (*(g for _, g in GRADES), "fail")  # best first

GRIDS_PER_SCALE = 120
COMMUNITIES_PER_SCALE = 8
CASES_PER_HOUSEHOLD_YEAR = 2.0
HISTORY_MONTHS = 24  # months of cases before the as-of month (the forecast learns a year)
ONLINE_SHARE = 0.57  # of the hotline and online requests
VISIT_CASE_P = 0.065  # chance that a met-visit raises a case
PROACTIVE_SHARE = 0.32
EXTRA_CASES = 1.05  # follow-ups and reopenings on top of the first requests
CHUNK = 10_000
COPY_MIN_ROWS = 100  # PostgreSQL: batches at least this large are written with COPY
EVENT_DAYS = 30  # case_event rows are written for cases received this close to as-of
ACTOR = "demo"
#: the password of every demo account (`center demo` prints it, README.md states it):
#: a demo database is for trying the product out, never for real data
DEMO_PASSWORD = "demo-password"
SQLITE_CACHE_KIB = -262_144  # 256 MiB page cache while building (negative = KiB)


class DemoError(UserError):
    """The demo cannot be built here; the message says why and what to do."""


@dataclass(frozen=True)
class DemoSummary:
    street: str
    seed: int
    scale: float
    as_of: datetime
    communities: int
    grids: int
    households: int
    special_households: int
    residents: int
    staff: int
    users: int
    visits: int
    cases: int
    open_cases: int
    escalated_cases: int
    meetings: int
    agenda_items: int
    budget_lines: int
    expenditures: int
    lagging_grids: tuple[str, ...]  # the persistent laggards: weak every month
    replaced: bool
    elapsed_s: float
    phases: dict[str, float] = field(default_factory=dict)
    #: one demo account per role (role, user name), all with :data:`DEMO_PASSWORD`
    accounts: tuple[tuple[str, str], ...] = ()
    #: grids weak early in the data window and good lately
    improving_grids: tuple[str, ...] = ()
    #: the last finished quarter (YYYYQn) and its scorecards' grades per scope (grid,
    #: department): grade (excellent, good, pass, fail, or "none" without a score) → units
    grade_quarter: str = ""
    grades: dict[str, dict[str, int]] = field(default_factory=dict)
    #: the profile kind (strong, average, weak, laggard, improving, slipping) by grid code
    #: and by department code
    grid_profiles: dict[str, str] = field(default_factory=dict)
    dept_profiles: dict[str, str] = field(default_factory=dict)
    #: the housing kind (old, rental, mixed) by grid code
    grid_housing: dict[str, str] = field(default_factory=dict)
    #: the grids with an emerging problem: (grid code, subcategory code)
    emerging: tuple[tuple[str, str], ...] = ()
    #: the first day of the case history
    history_start: date | None = None

    def accounts_text(self) -> str:
        """The line `center demo` prints about the demo accounts."""
        names = ", ".join(f"{user} ({role})" for role, user in self.accounts)
        return f"  demo accounts, password “{DEMO_PASSWORD}”: {names}"


# ------------------------------------------------------------------ progress

PHASES = (
    ("clear", 2), ("geography", 2), ("households", 6), ("residents", 12), ("staff", 2),
    ("visits", 34), ("household months", 10), ("cases", 22), ("meetings", 12),
    ("repeats", 4), ("budget", 1), ("finish", 4),
)  # fmt: skip
PHASE_LABELS = {
    "clear": "清空原有业务数据", "geography": "街道、社区与网格", "households": "住户",
    "residents": "居民（加密）", "staff": "工作人员与账号", "visits": "走访记录",
    "household months": "走访月度汇总", "cases": "诉求工单", "meetings": "联席会议",
    "repeats": "重复反映标记", "budget": "经费", "finish": "完成",
}  # fmt: skip


class _Tracker:
    """Progress in per-mille over weighted phases, and the seconds each phase took."""

    TOTAL = 1000

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.weights = dict(PHASES)
        self.scale = self.TOTAL / sum(self.weights.values())
        self.base = 0.0
        self.phase = ""
        self.times: dict[str, float] = {}
        self._t0 = time.perf_counter()

    def start(self, phase: str) -> None:
        self._close()
        self.phase = phase
        self._t0 = time.perf_counter()
        self.report(0.0)

    def report(self, fraction: float) -> None:
        if self.callback is None:
            return
        done = self.base + self.weights[self.phase] * self.scale * min(1.0, max(0.0, fraction))
        self.callback(int(done), self.TOTAL, PHASE_LABELS[self.phase])

    def _close(self) -> None:
        if self.phase:
            self.times[self.phase] = time.perf_counter() - self._t0
            self.base += self.weights[self.phase] * self.scale

    def finish(self) -> None:
        self._close()
        self.phase = ""
        if self.callback is not None:
            self.callback(self.TOTAL, self.TOTAL, PHASE_LABELS["finish"])


# ---------------------------------------------------------------- helpers


def last_finished_quarter(as_of: datetime) -> str:
    """The quarter before the one ``as_of`` falls in (it ended at or before ``as_of``)."""
    local = to_local(as_of)
    y, q = local.year, (local.month - 1) // 3  # q: the as-of quarter, 0-based
    return f"{y - 1}Q4" if q == 0 else f"{y}Q{q}"


GRADE_SCOPES = ("grid", "department")


def grade_distribution(engine: Engine, quarter: str, as_of: datetime) -> dict[str, dict[str, int]]:
    """How many units of each scope got each grade in ``quarter``'s scorecards, through
    the assessment service (``none``: units without a score)."""
    out: dict[str, dict[str, int]] = {}
    for scope in GRADE_SCOPES:
        result = assess(engine, quarter=quarter, scope=scope, as_of=as_of)
        counts = Counter(u.grade or "none" for u in result.units)
        out[scope] = {g: counts[g] for g in (*GRADE_KEYS, "none") if counts[g] or g != "none"}
    return out


def _insert(conn: Connection, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert: Core executemany in chunks; on PostgreSQL, large batches go through
    COPY (one statement instead of one per row), with the columns' own conversions."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS:
        _copy(conn, model.__table__, rows)
        return
    if conn.dialect.name == "sqlite" and len(rows) >= COPY_MIN_ROWS:
        _executemany(conn, model.__table__, rows)
        return
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(model), list(rows[i : i + CHUNK]))


def _converters(conn: Connection, table: Table, names: Sequence[str]) -> list[Any]:
    dialect = conn.dialect
    return [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]


def _executemany(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """SQLite: one prepared INSERT run over the rows by the driver, with the columns' own
    conversions (as :func:`_copy`), without building SQLAlchemy parameters per row."""
    names = list(rows[0])
    convert = _converters(conn, table, names)
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(
            f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})',
            (
                [
                    value if value is None or fn is None else fn(value)
                    for value, fn in zip((row[n] for n in names), convert, strict=True)
                ]
                for row in rows
            ),
        )
    finally:
        cursor.close()


def _copy(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    names = list(rows[0])
    convert = _converters(conn, table, names)
    columns = ", ".join(f'"{n}"' for n in names)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    value if value is None or fn is None else fn(value)
                    for value, fn in zip((row[n] for n in names), convert, strict=True)
                ]
            )


def _ids(conn: Connection, model: Any) -> dict[str, int]:
    return {code: pk for code, pk in conn.execute(select(model.code, model.id))}


def _clear(conn: Connection) -> None:
    """Delete all business data; reference data, settings, accounts and the audit log stay.

    Every foreign key into ``cases`` (``reopened_from_id``, ``repeat_of_id``) is indexed,
    else each deleted case would scan all cases (minutes at street scale).
    """
    conn.execute(
        update(AppUser)
        .where(AppUser.staff_id.is_not(None) | AppUser.grid_id.is_not(None))
        .values(staff_id=None, grid_id=None)
    )
    for model in (
        # the kept KPI months first: the triggers of the deletes below find no month to bump
        KpiMonthSummary, KpiMonthState,
        CaseEvent, AgendaNote, AgendaItemDept, AgendaItemCase, AgendaItem, MeetingAttendee,
        JointMeeting, HouseholdQuarter, HouseholdMonth,
        Visit, Case, CaseCounter, Resident, Staff, Expenditure, BudgetLine, Household, Grid,
        Community, Street, ReportDoc,
    ):  # fmt: skip
        conn.execute(delete(model))


def street_exists(engine: Engine) -> bool:
    """Whether the database holds a street (the app builds the demo into one without)."""
    with engine.connect() as conn:
        return conn.scalar(select(Street.id).limit(1)) is not None


def _existing(conn: Connection) -> str | None:
    """A description of the business data already present, or None when there is none."""
    street = conn.scalar(select(Street.name).order_by(Street.id).limit(1))
    counts = {
        label: conn.scalar(select(func.count()).select_from(model)) or 0
        for label, model in (
            ("grids", Grid), ("households", Household), ("cases", Case), ("staff", Staff),
            ("joint meetings", JointMeeting), ("funding lines", BudgetLine),
        )
    }  # fmt: skip
    if street is None and not any(counts.values()):
        return None
    name = f"the street “{street}”" if street else "business data"
    return name + " with " + ", ".join(f"{n} {label}" for label, n in counts.items())


def _name_pool(rng: random.Random, n: int) -> list[str]:
    bases = list(vocab.COMMUNITY_BASES)
    rng.shuffle(bases)
    names = []
    for k in itertools.count():
        for b in bases:
            names.append(f"{b}社区" if k == 0 else f"{b}{vocab.NUMERALS[(k - 1) % 10]}社区")
            if len(names) == n:
                return names
    raise AssertionError("unreachable")


def _window_start(as_of: datetime) -> date:
    """First day of the month twelve months before the as-of month."""
    y, m = as_of.year - 1, as_of.month
    return date(y, m, 1)


def history_start(as_of: datetime) -> date:
    """First day of the month :data:`HISTORY_MONTHS` months before the as-of month."""
    months = as_of.year * 12 + as_of.month - 1 - HISTORY_MONTHS
    return date(months // 12, months % 12 + 1, 1)


def _pii(cipher: PiiCipher, field_name: str, value: str | None) -> tuple[bytes | None, str | None]:
    if value is None:
        return None, None
    return cipher.encrypt(field_name, value), cipher.lookup_hash(field_name, value)


# ---------------------------------------------------------------- builder


class _Builder:
    def __init__(
        self,
        conn: Connection,
        cipher: PiiCipher,
        seed: int,
        scale: float,
        as_of: datetime,
        households_per_grid: int,
        track: _Tracker,
    ) -> None:
        self.conn = conn
        self.cipher = cipher
        self.seed = seed
        self.scale = scale
        self.as_of = as_of
        self.hpg = households_per_grid
        self.track = track
        self.start = _window_start(as_of)
        self.history = history_start(as_of)
        self.cal: WorkCalendar = load_calendar(conn)
        self.counts: dict[str, int] = {}

    def rng(self, phase: str) -> random.Random:
        """An independent, reproducible random stream per phase."""
        return random.Random(f"center-demo/{self.seed}/{phase}")

    # ---------------------------------------------------------- geography

    def geography(self) -> None:
        rng = self.rng("geo")
        n_grids = max(2, round(GRIDS_PER_SCALE * self.scale))
        n_comm = max(2 if n_grids >= 4 else 1, round(COMMUNITIES_PER_SCALE * self.scale))
        centre_ll = (vocab.CENTER_LON, vocab.CENTER_LAT)
        tiles = tessellate(rng, n_grids, centre_ll, (vocab.TILE_W_M, vocab.TILE_H_M))
        group = group_tiles(rng, tiles, n_comm)
        n_comm = max(group) + 1

        def centre(g: int) -> tuple[float, float]:
            mine = [tiles[k] for k in range(len(tiles)) if group[k] == g]
            return (-sum(t.row for t in mine) / len(mine), sum(t.col for t in mine) / len(mine))

        order = sorted(range(n_comm), key=lambda g: (centre(g), g))  # north-west first
        comm_names = _name_pool(rng, n_comm)
        street = self.conn.execute(insert(Street).values(name=vocab.STREET_NAME))
        street_id = street.inserted_primary_key
        assert street_id is not None
        comm_rows = [
            {"code": f"C{i + 1:02d}", "name": comm_names[i], "street_id": street_id[0]}
            for i in range(n_comm)
        ]
        _insert(self.conn, Community, comm_rows)
        comm_ids = _ids(self.conn, Community)
        self.tiles: list[Tile] = []
        self.grid_comm: list[int] = []
        grid_rows: list[dict[str, Any]] = []
        width = max(3, len(str(n_grids)))
        for rank, g in enumerate(order):
            mine = sorted(
                (k for k in range(len(tiles)) if group[k] == g),
                key=lambda k: (-tiles[k].row, tiles[k].col),
            )
            for number, k in enumerate(mine, start=1):
                code = f"G{len(self.tiles) + 1:0{width}d}"
                grid_rows.append(
                    {
                        "code": code,
                        "name": f"{comm_names[rank]}第{number}网格",
                        "community_id": comm_ids[f"C{rank + 1:02d}"],
                        "geometry": tiles[k].geojson,
                    }
                )
                self.tiles.append(tiles[k])
                self.grid_comm.append(rank)
        _insert(self.conn, Grid, grid_rows)
        self.grid_codes: list[str] = [r["code"] for r in grid_rows]
        self.grid_names: list[str] = [r["name"] for r in grid_rows]
        grid_ids = _ids(self.conn, Grid)
        self.grid_ids = [grid_ids[c] for c in self.grid_codes]
        self.counts.update(communities=n_comm, grids=n_grids)
        self.profiles()

    def profiles(self) -> None:
        """How well every grid's team works, month by month (:mod:`center.demo.profiles`)."""
        rng = self.rng("profiles")
        n_months = len(month_spans(self.start, self.as_of.date()))
        drawn = draw_grid_profiles(rng, self.grid_comm, n_months)
        self.teams = [GridTeam(p, self.start) for p in drawn]
        self.lagging = tuple(c for c, t in zip(self.grid_codes, self.teams) if t.kind == "laggard")
        self.improving = tuple(
            c for c, t in zip(self.grid_codes, self.teams) if t.kind == "improving"
        )

    # --------------------------------------------------------- households

    def households(self) -> None:
        rng = self.rng("homes")
        counts = [max(1, round(self.hpg * rng.uniform(0.8, 1.2))) for _ in self.tiles]
        width = max(6, len(str(sum(counts))))
        names = compound_names(rng)
        window = (self.start, self.as_of.date())
        self.housing = arrivals.housing_kinds(self.rng("housing"), len(self.tiles))
        self.homes: list[Home] = []
        for g, tile in enumerate(self.tiles):
            sampler = PointSampler(tile.polygon, margin_m=12.0)
            housing = arrivals.housing_of(self.housing[g])
            self.homes.extend(
                grid_homes(
                    rng, g, sampler, counts[g], names, len(self.homes) + 1, window, width, housing
                )
            )
            self.track.report((g + 1) / len(self.tiles) * 0.8)
        rows = []
        for h in self.homes:
            updated = datetime(self.start.year, self.start.month, 1, 9, tzinfo=CST) - timedelta(
                days=rng.randint(1, 200), minutes=rng.randint(0, 480)
            )
            if h.moved_out is not None:
                d = h.moved_out
                updated = datetime(d.year, d.month, d.day, 10, tzinfo=CST)
            rows.append(
                {
                    "code": h.code,
                    "grid_id": self.grid_ids[h.grid],
                    "address": h.address,
                    "lon": h.lon,
                    "lat": h.lat,
                    "members": len(h.members),
                    "special_groups": ";".join(h.groups),
                    "is_special": bool(h.groups),
                    "is_floating": h.floating,
                    "moved_out_on": h.moved_out,
                    "updated_at": updated,
                }
            )
        _insert(self.conn, Household, rows)
        ids = _ids(self.conn, Household)
        self.home_ids = [ids[h.code] for h in self.homes]
        self.counts.update(
            households=len(self.homes), special_households=sum(1 for h in self.homes if h.groups)
        )

    def residents(self) -> None:
        maker = IdentityMaker(self.rng("residents"))
        rng = maker.rng
        today = self.as_of.date()
        rows: list[dict[str, Any]] = []
        n = 0
        total = len(self.homes)
        for k, h in enumerate(self.homes):
            for m in h.members:
                n += 1
                birth = maker.birth_date(m.age, today)
                name = maker.full_name(m.surname, birth.year, m.gender)
                id_number = None
                if not (h.floating and rng.random() < 0.03):
                    id_number = maker.id_number(birth, m.gender)
                phone = None
                if 14 <= m.age < 85 and rng.random() < 0.97 or m.age >= 85 and rng.random() < 0.5:
                    phone = maker.phone()
                name_enc, name_hash = _pii(self.cipher, "name", name)
                id_enc, id_hash = _pii(self.cipher, "id_number", id_number)
                phone_enc, phone_hash = _pii(self.cipher, "phone", phone)
                rows.append(
                    {
                        "code": f"R{n:07d}",
                        "household_id": self.home_ids[k],
                        "name_enc": name_enc,
                        "name_hash": name_hash,
                        "id_number_enc": id_enc,
                        "id_number_hash": id_hash,
                        "phone_enc": phone_enc,
                        "phone_hash": phone_hash,
                        "birth_date": birth,
                        "gender": m.gender,
                        "tags": ";".join(m.tags) or None,
                    }
                )
            if len(rows) >= CHUNK:
                _insert(self.conn, Resident, rows)
                rows = []
                self.track.report((k + 1) / total)
        _insert(self.conn, Resident, rows)
        self.counts["residents"] = n
        self.identities = maker

    # --------------------------------------------------- staff and accounts

    def staff(self) -> None:
        rng = self.rng("staff")
        maker = self.identities
        n_grids = len(self.tiles)
        n_comm = self.counts["communities"]
        people: list[tuple[str, int | None, bool]] = []  # role, grid index, active
        people += [("grid_worker", g, True) for g in range(n_grids)]
        people += [("building_leader", g, True) for g in range(n_grids) for _ in range(5)]
        n_cw = max(n_comm, round(45 * n_grids / GRIDS_PER_SCALE))
        people += [("community_worker", None, True) for _ in range(n_cw)]
        n_vol = max(1, round(200 * n_grids / GRIDS_PER_SCALE))
        people += [("volunteer", rng.randrange(n_grids), rng.random() > 0.03) for _ in range(n_vol)]
        n_pro = max(1, round(20 * n_grids / GRIDS_PER_SCALE))
        people += [("professional", None, True) for _ in range(n_pro)]
        rows: list[dict[str, Any]] = []
        today = self.as_of.date()
        for k, (role, g, active) in enumerate(people, start=1):
            age = rng.randint(20, 68) if role == "volunteer" else rng.randint(24, 58)
            gender = "F" if rng.random() < 0.58 else "M"
            birth = maker.birth_date(age, today)
            phone_enc, phone_hash = _pii(self.cipher, "phone", maker.phone())
            rows.append(
                {
                    "code": f"S{k:05d}",
                    "name": maker.full_name(surname(rng), birth.year, gender),
                    "role": role,
                    "grid_id": None if g is None else self.grid_ids[g],
                    "phone_enc": phone_enc,
                    "phone_hash": phone_hash,
                    "active": active,
                }
            )
        _insert(self.conn, Staff, rows)
        ids = _ids(self.conn, Staff)
        self.staff_ids = [ids[r["code"]] for r in rows]
        self.staff_codes = [r["code"] for r in rows]
        leaders: dict[int, list[int]] = {}
        volunteers: dict[int, list[int]] = {}
        workers: dict[int, int] = {}
        for k, (role, g, active) in enumerate(people):
            if g is None:
                continue
            if role == "grid_worker":
                workers[g] = k
            elif role == "building_leader":
                leaders.setdefault(g, []).append(k)
            elif role == "volunteer" and active:
                volunteers.setdefault(g, []).append(k)
        self.crews = [
            Crew(workers[g], tuple(leaders[g]), tuple(volunteers.get(g, ())))
            for g in range(n_grids)
        ]
        self.counts["staff"] = len(rows)
        self.users(rng)

    def users(self, rng: random.Random) -> None:
        depts = self.conn.execute(
            select(Department.code, Department.id, Department.name).order_by(Department.code)
        ).all()
        maker = self.identities

        def person() -> str:
            gender = rng.choice("MF")
            return maker.full_name(surname(rng), rng.randint(1968, 1996), gender)

        wanted: list[dict[str, Any]] = [
            {"username": "admin", "display_name": "系统管理员", "role": "admin", "dept_id": None},
            {
                "username": "leader",
                "display_name": f"{person()}（领导小组）",
                "role": "leader",
                "dept_id": None,
            },
            {
                "username": "assessor",
                "display_name": f"{person()}（督导考核组）",
                "role": "assessor",
                "dept_id": None,
            },
            {"username": "wall", "display_name": "指挥中心大屏", "role": "wall", "dept_id": None},
        ]
        self.coordinators = []
        for k in range(1, 4):
            self.coordinators.append(f"coord{k}")
            wanted.append(
                {
                    "username": f"coord{k}",
                    "display_name": f"{person()}（综合协调组）",
                    "role": "coordinator",
                    "dept_id": None,
                }
            )
        self.dept_users: dict[str, str] = {}
        for code, pk, name in depts:
            username = f"dept_{code.lower()}"
            self.dept_users[code] = username
            wanted.append(
                {
                    "username": username,
                    "display_name": f"{name}联络员",
                    "role": "department",
                    "dept_id": pk,
                }
            )
        # appended after the others: the names drawn above stay those of earlier versions
        worker = self.staff_ids[self.crews[0].worker]
        worker_name = self.conn.scalar(select(Staff.name).where(Staff.id == worker))
        wanted.append(
            {
                "username": "gridworker",
                "display_name": f"{worker_name}（网格员）",
                "role": "grid_worker",
                "dept_id": None,
                "grid_id": self.grid_ids[0],
                "staff_id": worker,
            }
        )
        wanted.append(
            {
                "username": "finance",
                "display_name": f"{person()}（经费管理）",
                "role": "finance",
                "dept_id": None,
            }
        )
        first: dict[str, str] = {}
        for w in wanted:
            first.setdefault(w["role"], w["username"])
        self.accounts = tuple((role, first[role]) for role in USER_ROLES if role in first)
        have = set(self.conn.scalars(select(AppUser.username)))
        new = [w for w in wanted if w["username"] not in have]
        # one hash for all: hashing is slow on purpose, and the password is public anyway
        # and one salt drawn from the seed: the same seed gives the same rows
        salt = self.rng("accounts").randbytes(16)
        encoded = hash_password(DEMO_PASSWORD, salt=salt) if new else None
        rows = [
            {
                "username": w["username"],
                "display_name": w["display_name"],
                "dept_id": w["dept_id"],
                "grid_id": w.get("grid_id"),
                "staff_id": w.get("staff_id"),
                "password_hash": encoded,
                "failed_logins": 0,
                "active": True,
            }
            for w in new
        ]
        _insert(self.conn, AppUser, rows)
        ids = dict(self.conn.execute(select(AppUser.username, AppUser.id)).all())
        _insert(
            self.conn, UserRole, [{"user_id": ids[w["username"]], "role": w["role"]} for w in new]
        )
        # a demo grid worker kept from a replaced street works in the new one's first grid
        self.conn.execute(
            update(AppUser)
            .where(AppUser.username == "gridworker", AppUser.grid_id.is_(None))
            .where(AppUser.id.in_(select(UserRole.user_id).where(UserRole.role == "grid_worker")))
            .values(grid_id=self.grid_ids[0], staff_id=worker)
        )
        self.counts["users"] = len(rows)

    # ------------------------------------------------------------- visits

    def visits(self) -> None:
        rng = self.rng("visits")
        spawn = self.rng("visit-cases")
        maker = VisitMaker(rng, self.start, self.as_of, self.teams, self.crews)
        self.visit_seeds: list[tuple[int, datetime]] = []
        rows: list[dict[str, Any]] = []
        n = 0
        total = len(self.homes)
        for k, h in enumerate(self.homes):
            hid = self.home_ids[k]
            for at, recorded, outcome, staff, notes in maker.home_visits(h):
                n += 1
                rows.append(
                    {
                        "code": f"V{n:08d}",
                        "household_id": hid,
                        "grid_id": self.grid_ids[h.grid],
                        "staff_id": self.staff_ids[staff],
                        "visited_at": at,
                        "outcome": outcome,
                        "recorded_at": recorded,
                        "recorded_is_default": False,
                        "lag_hours": visit_lag_hours(at, recorded),
                        "notes": notes,
                    }
                )
                if outcome == "met" and spawn.random() < VISIT_CASE_P:
                    self.visit_seeds.append((k, at + timedelta(minutes=spawn.randint(2, 20))))
            if len(rows) >= CHUNK:
                _insert(self.conn, Visit, rows)
                rows = []
                self.track.report((k + 1) / total)
        _insert(self.conn, Visit, rows)
        self.counts["visits"] = n

    def household_months(self) -> None:
        rebuild_household_months(self.conn, None)

    # -------------------------------------------------------------- cases

    def cases(self) -> None:
        rng = self.rng("cases")
        subs = self.conn.execute(
            select(
                Subcategory.code,
                Subcategory.id,
                Subcategory.name,
                Subcategory.default_priority,
                Department.code,
            ).outerjoin(Department, Department.id == Subcategory.default_dept_id)
        ).all()
        missing = sorted(set(vocab.SUB_WEIGHTS) - {s[0] for s in subs})
        if missing:
            raise DemoError(
                "the demo needs the shipped request taxonomy; missing subcategories: "
                + ", ".join(missing)
            )
        self.sub_ids = {s[0]: s[1] for s in subs}
        self.sub_names = {s[0]: s[2] for s in subs}
        self.dept_ids = _ids(self.conn, Department)
        self.dept_names = {
            c: n for c, n in self.conn.execute(select(Department.code, Department.name))
        }
        default_dept = {s[0]: (s[4] or "D12") for s in subs}
        default_prio = {s[0]: s[3] for s in subs}
        codes = {*self.dept_ids, *default_dept.values(), *itertools.chain(*vocab.ALT_DEPT.values())}
        n_months = len(self.teams[0].months)
        self.dept_teams = {
            code: DeptTeam(p, self.start)
            for code, p in draw_dept_profiles(self.rng("dept-profiles"), codes, n_months).items()
        }
        n_grids = len(self.teams)
        floating = [0] * n_grids
        sizes = [0] * n_grids
        for h in self.homes:
            sizes[h.grid] += 1
            floating[h.grid] += h.floating
        disputes = [
            round(1 + vocab.RENTAL_DISPUTES * f / max(1, n), 1)
            for f, n in zip(floating, sizes, strict=True)
        ]
        self.maker = CaseMaker(
            rng,
            self.cal,
            self.as_of,
            self.homes,
            self.teams,
            self.dept_teams,
            default_dept,
            default_prio,
            history_start=self.history,
            escalate_from=datetime(self.start.year, self.start.month, 1, tzinfo=CST),
            disputes=disputes,
        )
        cases = self._arrivals(rng)
        self.track.report(0.3)
        days = list(itertools.chain(*arrivals.month_days(self.history, self.as_of.date())))
        cases += self._cover_all_subcategories(rng, cases, days)
        cases += self._followups(rng, cases)
        cases += self._emergencies(rng)
        self.case_list = cases
        self.track.report(0.45)

    def _arrivals(self, rng: random.Random) -> list[dict[str, Any]]:
        """The first requests of the history, month by month (:mod:`center.demo.arrivals`):
        visits raise what they raise, proactive cases and hotline/online requests make up
        the month's expected total."""
        mk = self.maker
        months = arrivals.month_days(self.history, self.as_of.date())
        all_days = [d for m in months for d in m]
        kinds = dict(zip(all_days, arrivals.day_kinds(all_days, mk.is_workday), strict=True))
        self.day_kinds = kinds
        activity_rng = self.rng("grid-activity")
        activity = [math.exp(activity_rng.gauss(0, vocab.GRID_ACTIVITY_SIGMA)) for _ in self.teams]
        home_w = [(2.2 if h.groups else 1.0) * activity[h.grid] for h in self.homes]
        proactive = [GridTraits.of(t.profile.mean).proactive for t in self.teams]
        pro_w = [(3.5 if h.groups else 1.0) * proactive[h.grid] for h in self.homes]
        # the months' relative volume: every household's intensity, every day's factor
        volume: list[float] = []
        home_cum: list[list[float]] = []
        pro_cum: list[list[float]] = []
        keys = [mk.weight_key(h) for h in self.homes]
        first_home = {key: k for k, key in reversed(list(enumerate(keys)))}
        for days in months:
            by_key = {key: mk.intensity(self.homes[k], days[0]) for key, k in first_home.items()}
            level = [by_key[key] for key in keys]
            home_cum.append(list(itertools.accumulate(map(operator.mul, home_w, level))))
            pro_cum.append(list(itertools.accumulate(map(operator.mul, pro_w, level))))
            day_sum = sum(arrivals.request_factor(kinds[d]) for d in days)
            volume.append(home_cum[-1][-1] * day_sum)
        span_days = (
            self.as_of - datetime(self.history.year, self.history.month, 1, tzinfo=CST)
        ).total_seconds() / 86400
        target = CASES_PER_HOUSEHOLD_YEAR * len(self.homes) * span_days / 365 / EXTRA_CASES
        scale = target / sum(volume)
        seeds: list[list[tuple[int, datetime]]] = [[] for _ in months]
        for k, at in self.visit_seeds:
            if at <= self.as_of:
                seeds[mk.month_index(at.date())].append((k, at))
        cases: list[dict[str, Any]] = []
        homes = range(len(self.homes))
        for mi, days in enumerate(months):
            expected = volume[mi] * scale
            for k, at in seeds[mi]:
                cases.append(mk.make(k, at, "visit"))
            n_pro = arrivals.poisson(rng, expected * PROACTIVE_SHARE)
            rest = max(0, arrivals.poisson(rng, expected * (1 - PROACTIVE_SHARE)) - len(seeds[mi]))
            n_online = round(rest * ONLINE_SHARE)
            plan = (("proactive", n_pro), ("online", n_online), ("hotline", rest - n_online))
            for source, count in plan:
                factor = (
                    arrivals.proactive_factor if source == "proactive" else arrivals.request_factor
                )
                day_cum = list(itertools.accumulate(factor(kinds[d]) for d in days))
                cum = pro_cum[mi] if source == "proactive" else home_cum[mi]
                for _ in range(count):
                    for _attempt in range(20):
                        day = rng.choices(days, cum_weights=day_cum)[0]
                        at = mk.received_time(day, source)
                        k = rng.choices(homes, cum_weights=cum)[0]
                        if at <= self.as_of and self._present(k, at):
                            cases.append(mk.make(k, at, source))
                            break
        cases += self._emerging(months, kinds)
        return cases

    def _emerging(self, months: list[list[date]], kinds: dict[date, str]) -> list[dict[str, Any]]:
        """A problem rising in a few grids over the last months: extra cases of one
        subcategory, more every month."""
        rng = self.rng("emerging")
        mk = self.maker
        self.emerging = arrivals.emerging_grids(rng, len(self.teams))
        by_grid: dict[int, list[int]] = {}
        for k, h in enumerate(self.homes):
            by_grid.setdefault(h.grid, []).append(k)
        out = []
        ramp = vocab.EMERGING_MONTHS
        for g, topic in self.emerging:
            sub, summary, rate = vocab.EMERGING[topic]
            mine = by_grid.get(g, [])
            for step, days in enumerate(months[-ramp - 1 :], start=1):
                covered = sum(1 for d in days if d <= self.as_of.date()) / 30.4
                level = min(1.0, step / ramp)
                count = arrivals.poisson(rng, len(mine) * rate * level * covered)
                day_cum = list(
                    itertools.accumulate(arrivals.request_factor(kinds[d]) for d in days)
                )
                for _ in range(count):
                    for _attempt in range(20):
                        source = "online" if rng.random() < 0.6 else "hotline"
                        at = mk.received_time(rng.choices(days, cum_weights=day_cum)[0], source)
                        k = rng.choice(mine)
                        if at <= self.as_of and self._present(k, at):
                            c = mk.make(k, at, source, sub=sub)
                            if rng.random() < 0.7:
                                c["summary"] = summary
                            out.append(c)
                            break
        return out

    def _present(self, k: int, at: datetime) -> bool:
        moved = self.homes[k].moved_out
        return moved is None or at.date() < moved

    def _cover_all_subcategories(
        self, rng: random.Random, cases: list[dict[str, Any]], days: list[date]
    ) -> list[dict[str, Any]]:
        """One more case for every subcategory a tiny demo happened not to draw."""
        seen = {c["_sub"] for c in cases}
        out = []
        for sub in vocab.SUB_WEIGHTS:
            if sub in seen:
                continue
            start = rng.randrange(len(self.homes))
            for j in range(len(self.homes)):
                k = (start + j) % len(self.homes)
                at = self.maker.received_time(rng.choice(days[:-1]), "hotline")
                if self.maker.allows(self.homes[k], sub) and self._present(k, at):
                    out.append(self.maker.make(k, at, "hotline", sub=sub))
                    break
        return out

    def _followups(self, rng: random.Random, base: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Residents raising the same matter again (repeats) and reopened closed cases."""
        out = []
        for c in base:
            if c["_sub"][0] == "E":
                continue
            k = c["_home"]
            t = self.teams[self.homes[k].grid].on(c["received_at"].date())
            r = rng.random()
            if r < t.repeat:
                at = c["received_at"] + timedelta(days=rng.uniform(2, 28))
                source = rng.choice(("online", "hotline", "hotline", "proactive"))
                at = self.maker.received_time(self._call_day(rng, at.date()), source)
                if at <= self.as_of and self._present(k, at):
                    f = self.maker.make(k, at, source, sub=c["_sub"])
                    if rng.random() < 0.6:
                        f["_repeat_of"] = c["_key"]
                    out.append(f)
                continue
            closed = c["closed_at"]
            if closed is None or c["_esc"] or closed > self.as_of:
                continue
            sat = c["satisfaction"]
            when = closed.date()
            if sat is not None and sat <= 3:
                p = 0.25
            elif c["_dept"] is not None:
                p = self.maker.dept(c["_dept"]).on(when).reopen
            else:
                p = self.teams[self.homes[k].grid].on(when).reopen
            if r < t.repeat + p:
                source = "hotline" if rng.random() < 0.55 else "online"
                day = self._call_day(rng, (closed + timedelta(days=rng.uniform(1, 25))).date())
                at = self.maker.received_time(day, source)
                if closed < at <= self.as_of and self._present(k, at):
                    out.append(self.maker.make(k, at, source, sub=c["_sub"], parent=c["_key"]))
        return out

    def _call_day(self, rng: random.Random, day: date) -> date:
        """The day a resident calls back: one meant for a day off may wait for the next
        working day, as the first requests do (:func:`arrivals.request_factor`)."""
        kind = self.day_kinds.get(day, "workday")
        if kind == "workday" or rng.random() < arrivals.request_factor(kind):
            return day
        while self.day_kinds.get(day, "workday") != "workday":
            day += timedelta(days=1)
        return day

    def _emergencies(self, rng: random.Random) -> list[dict[str, Any]]:
        """A few open emergencies in the last hours before the as-of instant: one accepted
        by its department, one assigned and waiting, one not yet responded."""
        n = 3 if self.scale <= 1 else min(8, round(3 * self.scale))
        out = []
        for i in range(n):
            sub = ("E01", "E02", "E03")[i % 3]
            received = self.as_of - timedelta(
                minutes=(rng.randint(60, 300), rng.randint(40, 100), rng.randint(10, 30))[i % 3]
            )
            start = rng.randrange(len(self.homes))
            for j in range(len(self.homes)):
                k = (start + j) % len(self.homes)
                if not (self.maker.allows(self.homes[k], sub) and self._present(k, received)):
                    continue
                c = self.maker.make(k, received, rng.choice(("hotline", "online")), sub=sub)
                for col in (
                    "first_response_at",
                    "assigned_at",
                    "accepted_at",
                    "closed_at",
                    "confirmed_at",
                    "rated_at",
                    "spot_checked_at",
                    "escalated_at",
                    "satisfaction",
                    "spot_check_ok",
                    "status_reason",
                ):
                    c[col] = None
                c.update(_esc=False, escalated=False, status="received", _dept=None)
                if i % 3 != 2:
                    first = received + timedelta(minutes=rng.randint(3, 12))
                    assigned = first + timedelta(minutes=rng.randint(5, 12))
                    c.update(
                        first_response_at=first,
                        assigned_at=assigned,
                        _dept=self.maker.default_dept[sub],
                    )
                    if i % 3 == 0:
                        c["accepted_at"] = assigned + timedelta(minutes=rng.randint(5, 30))
                out.append(c)
                break
        return out

    # ------------------------------------------------------------ meetings

    def meetings(self) -> None:
        rng = self.rng("meetings")
        mk = self.maker
        self.meeting_plan: list[Meeting] = plan_meetings(self.cal, rng, self.start, self.as_of)
        escalated = [
            c
            for c in self.case_list
            if c["_esc"] and c["escalated_at"] is not None and c["escalated_at"] <= self.as_of
        ]

        def title(c: dict[str, Any]) -> str:
            grid = self.grid_names[self.homes[c["_home"]].grid]
            return f"{self.sub_names[c['_sub']]}：{c['summary']}（{grid}）"

        def lead(c: dict[str, Any]) -> str:
            return c["_dept"] or mk.default_dept[c["_sub"]]

        def second(c: dict[str, Any]) -> str | None:
            alt = vocab.ALT_DEPT[c["_sub"]][0]
            return alt if rng.random() < 0.4 and alt != lead(c) else None

        def close(c: dict[str, Any], at: datetime) -> None:
            deadline, _ = self.cal.closure_deadline(c["received_at"].date())
            mk.close(c, at, late=at > deadline)

        self.items: list[Item] = run_meetings(
            rng, self.meeting_plan, escalated, self.as_of, title, lead, second, close
        )

    def write_cases(self) -> None:
        mk = self.maker
        cases = sorted(self.case_list, key=lambda c: (c["received_at"], c["_key"]))
        per_day = Counter(c["received_at"].date() for c in cases)
        width = max(4, len(str(max(per_day.values(), default=0))))
        seq: dict[date, int] = {}
        for c in cases:
            if c["_dept"] is not None and c["_dept"] not in self.dept_ids:
                c["_dept"] = c["assigned_at"] = c["accepted_at"] = None  # edited taxonomy
            mk.settle(c)
            day = c["received_at"].date()
            seq[day] = seq.get(day, 0) + 1
            c["code"] = f"K{day:%Y%m%d}{seq[day]:0{width}d}"
        for i in range(0, len(cases), CHUNK):
            _insert(self.conn, Case, [self._case_row(c) for c in cases[i : i + CHUNK]])
            self.track.report(0.5 + 0.35 * min(1.0, (i + CHUNK) / len(cases)))
        ids = _ids(self.conn, Case)
        by_key = {c["_key"]: ids[c["code"]] for c in cases}
        links = [
            {
                "b_id": by_key[c["_key"]],
                "b_reopen": by_key[c["_parent"]] if c["_parent"] is not None else None,
                "b_repeat": by_key[c["_repeat_of"]] if c.get("_repeat_of") is not None else None,
            }
            for c in cases
            if c["_parent"] is not None or c.get("_repeat_of") is not None
        ]
        if links:
            self.conn.execute(
                update(Case)
                .where(Case.id == bindparam("b_id"))
                .values(reopened_from_id=bindparam("b_reopen"), repeat_of_id=bindparam("b_repeat"))
                .execution_options(synchronize_session=False),
                links,
            )
        self.case_ids = by_key
        self.counts.update(
            cases=len(cases),
            open_cases=sum(1 for c in cases if c["status"] not in CLOSED_STATUSES),
            escalated_cases=sum(1 for c in cases if c["escalated"]),
        )
        self._events(cases)

    def _case_row(self, c: dict[str, Any]) -> dict[str, Any]:
        """The ``cases`` row of a settled case, with its derived columns."""
        row = {
            "code": c["code"],
            "household_id": self.home_ids[c["_home"]],
            "grid_id": self.grid_ids[self.homes[c["_home"]].grid],
            "source": c["source"],
            "subcategory_id": self.sub_ids[c["_sub"]],
            "priority": c["priority"],
            "priority_is_default": False,
            "received_at": c["received_at"],
            "first_response_at": c["first_response_at"],
            "dept_id": self.dept_ids[c["_dept"]] if c["_dept"] else None,
            "assigned_at": c["assigned_at"],
            "accepted_at": c["accepted_at"],
            "closed_at": c["closed_at"],
            "confirmed_at": c["confirmed_at"],
            "rated_at": c["rated_at"],
            "spot_checked_at": c["spot_checked_at"],
            "spot_check_ok": c["spot_check_ok"],
            "on_the_spot": c["on_the_spot"],
            "on_the_spot_given": True,
            "satisfaction": c["satisfaction"],
            "reopened_from_id": None,
            "repeat_of_id": None,
            "escalated": c["escalated"],
            "escalated_given": True,
            "escalated_at": c["escalated_at"],
            "summary": c["summary"],
            "address_note": None,
            "status": c["status"],
            "status_reason": c["status_reason"],
            "is_repeat": False,
            "version": 1,
        }
        derive_case(row, self.cal)
        stamps = [
            row[k]
            for k in (
                "received_at",
                "first_response_at",
                "assigned_at",
                "accepted_at",
                "closed_at",
                "confirmed_at",
                "rated_at",
                "spot_checked_at",
                "escalated_at",
            )
            if row[k] is not None
        ]
        row["created_at"] = min(self.as_of, c["received_at"] + timedelta(minutes=c["_key"] % 10))
        row["updated_at"] = max([row["created_at"], *stamps])
        return row

    def _events(self, cases: Iterable[dict[str, Any]]) -> None:
        """The life-cycle events of the cases received in the last EVENT_DAYS days; an
        ``assign`` event names its department. A few cases went to a wrong department
        first and were re-assigned (the joint meeting's "bounced" proposals)."""
        since = self.as_of - timedelta(days=EVENT_DAYS)
        rng = self.rng("events")
        recent = [c for c in cases if c["received_at"] >= since]
        bounced = self._bounces(recent)
        rows: list[dict[str, Any]] = []
        for c in recent:
            cid = self.case_ids[c["_key"]]
            grid_worker = self.staff_codes[self.crews[self.homes[c["_home"]].grid].worker]
            coord = rng.choice(self.coordinators)
            dept_user = self.dept_users.get(c["_dept"] or "", coord)
            steps: list[tuple[datetime | None, str, str, str, str | None]] = [
                (
                    c["received_at"],
                    grid_worker if c["source"] in ("visit", "proactive") else coord,
                    "receive",
                    "received",
                    None,
                ),
                (c["first_response_at"], coord, "respond", "received", None),
            ]
            if c["status"] in ("not_our_remit", "no_action_needed"):
                steps.append((c["closed_at"], coord, "close", c["status"], c["status_reason"]))
            else:
                if c["on_the_spot"]:
                    done = c["closed_at"] or c["received_at"]
                    steps.append((done, grid_worker, "resolve", "resolved", "当场解决"))
                else:
                    wrong = bounced.get(c["_key"])
                    if wrong is not None:
                        steps.append((wrong[0], coord, "assign", "assigned", wrong[1]))
                    steps.append((c["assigned_at"], coord, "assign", "assigned", c["_dept"]))
                    steps.append((c["accepted_at"], dept_user, "accept", "accepted", None))
                    steps.append(
                        (c["escalated_at"], coord, "escalate", "escalated", "提交联席会议")
                    )
                    steps.append(
                        (
                            c["closed_at"],
                            dept_user if c["_dept"] else coord,
                            "resolve",
                            "resolved",
                            None,
                        )
                    )
                steps.append((c["confirmed_at"], grid_worker, "confirm", "confirmed", None))
                steps.append(
                    (
                        c["rated_at"],
                        "resident",
                        "rate",
                        "rated",
                        f"满意度{c['satisfaction']}" if c["satisfaction"] else None,
                    )
                )
                steps.append(
                    (
                        c["spot_checked_at"],
                        "assessor",
                        "spot_check",
                        "spot_checked",
                        None if c["spot_check_ok"] else "抽查不合格",
                    )
                )
            prev: str | None = None
            for at, actor, kind, to_status, note in steps:
                if at is None:
                    continue
                rows.append(
                    {
                        "case_id": cid,
                        "at": at,
                        "actor": actor,
                        "kind": kind,
                        "dept_id": self.dept_ids.get(note or "") if kind == "assign" else None,
                        "from_status": prev,
                        "to_status": to_status,
                        "note": note,
                    }
                )
                prev = to_status
        _insert(self.conn, CaseEvent, rows)
        self.counts["case_events"] = len(rows)

    def _bounces(self, cases: list[dict[str, Any]]) -> dict[int, tuple[datetime, str]]:
        """A few assigned cases (more of those still open, at least one) that went to
        another department first, between the first response and the assignment that
        held: when and where, by case key."""
        rng = self.rng("bounces")
        eligible = []
        for c in cases:
            first, assigned, dept = c["first_response_at"], c["assigned_at"], c["_dept"]
            if first is None or assigned is None or dept is None or c["on_the_spot"]:
                continue
            if assigned - first < timedelta(minutes=20):
                continue
            others = [
                d
                for d in (self.maker.default_dept[c["_sub"]], *vocab.ALT_DEPT[c["_sub"]])
                if d != dept and d in self.dept_ids
            ]
            if others:
                eligible.append((c, others))
        chosen = [
            (c, others)
            for c, others in eligible
            if rng.random() < (0.05 if c["closed_at"] is None else 0.01)
        ]
        if not chosen and eligible:
            chosen = [min(eligible, key=lambda e: (e[0]["closed_at"] is not None, e[0]["_key"]))]
        out = {}
        for c, others in chosen:
            first, assigned = c["first_response_at"], c["assigned_at"]
            at = (first + (assigned - first) * rng.uniform(0.2, 0.6)).replace(microsecond=0)
            out[c["_key"]] = (at, rng.choice(others))
        return out

    def replay_meetings(self, engine: Engine) -> None:
        """The planned meetings through the meeting services, once the cases are
        committed (:mod:`center.demo.meetings`)."""
        self.replay: ReplayResult = replay_meetings(
            engine,
            self.meeting_plan,
            self.items,
            as_of=self.as_of,
            rng=self.rng("meeting-replay"),
            case_codes={c["_key"]: c["code"] for c in self.case_list if c["_esc"]},
            dept_names=self.dept_names,
            default_dept=self.maker.default_dept,
            coordinators=self.coordinators,
            dept_users=self.dept_users,
            report=self.track.report,
        )
        self.counts.update(meetings=self.replay.meetings, agenda_items=self.replay.items)

    # ------------------------------------------------------------- budget

    def budget(self) -> None:
        """Funding lines and expenditures, written through the ledger's service (the
        same rules and audit rows as the 经费管理 tab) by the finance account."""
        from sqlalchemy.orm import Session

        from center.core.access import Actor
        from center.office import ledger

        rng = self.rng("budget")
        per_household = Decimal(
            self.conn.scalar(
                select(Setting.value).where(Setting.key == "budget.yuan_per_household")
            )
            or "20"
        )
        homes = self.homes

        def in_scope(year: int) -> int:
            nxt = date(year + 1, 1, 1)
            return sum(1 for h in homes if h.moved_out is None or h.moved_out >= nxt)

        years = sorted({self.start.year, self.as_of.year})
        communities = sorted({f"C{rank + 1:02d}" for rank in self.grid_comm})
        lines, spends = make_budget(rng, years, in_scope, per_household, self.as_of, communities)
        finance = Actor("finance", "finance")
        with Session(bind=self.conn) as s:
            done = ledger.record(
                s,
                finance,
                lines=[ln.values() for ln in lines],
                expenditures=[sp.values(lines) for sp in spends],
                day=self.as_of.date(),
            )
        self.counts.update(budget_lines=done.lines, expenditures=done.expenditures)

    def repeats(self) -> None:
        recompute_repeats(self.conn, None)

    def finish(self, replaced: bool, actor: str) -> None:
        signal_change(self.conn, *CHANGE_DOMAINS)
        detail = {
            "seed": self.seed,
            "scale": self.scale,
            "as_of": self.as_of.isoformat(),
            "replaced": replaced,
            **{k: v for k, v in self.counts.items()},
        }
        append_audit(self.conn, actor, "demo.build", "street", vocab.STREET_NAME, detail)


def _build(
    ctx: ServiceContext,
    cipher: PiiCipher,
    seed: int,
    scale: float,
    as_of: datetime,
    replace: bool,
    households_per_grid: int,
    track: _Tracker,
    actor: str,
) -> tuple[str | None, _Builder]:
    """The street in one transaction (holding the write lock from its first read), then
    its joint meetings through the meeting services; returns what was there before and
    the builder."""
    with writer(ctx.engine).begin() as conn:
        if conn.dialect.name == "sqlite":
            old_cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
            conn.exec_driver_sql(f"PRAGMA cache_size={SQLITE_CACHE_KIB}")
        existing = _existing(conn)
        if existing is not None and not replace:
            raise DemoError(
                f"the database already holds {existing}; the demo is built only into an "
                "empty database: use --replace to delete all business data first"
            )
        track.start("clear")
        if existing is not None:
            _clear(conn)
        b = _Builder(conn, cipher, seed, scale, as_of, households_per_grid, track)
        for phase, steps in (
            ("geography", (b.geography,)),
            ("households", (b.households,)),
            ("residents", (b.residents,)),
            ("staff", (b.staff,)),
            ("visits", (b.visits,)),
            ("household months", (b.household_months,)),
            ("cases", (b.cases, b.meetings, b.write_cases)),
            ("repeats", (b.repeats,)),
            ("budget", (b.budget,)),
        ):
            track.start(phase)
            for step in steps:
                step()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA cache_size={old_cache}")
    # The meetings go through the services, each call its own transaction: after the
    # street is committed. A failure or a cancel there clears the street again.
    try:
        track.start("meetings")
        b.replay_meetings(ctx.engine)
        track.start("finish")
        with writer(ctx.engine).begin() as conn:
            b.conn = conn
            b.finish(existing is not None, actor)
    except BaseException:
        with writer(ctx.engine).begin() as conn:
            _clear(conn)
        raise
    return existing, b


def _check_args(seed: int, scale: float, households_per_grid: int) -> None:
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise DemoError(f"seed must be an integer, got {seed!r}")
    if not 0.01 <= scale <= 50:
        raise DemoError(f"scale must be between 0.01 and 50, got {scale}")
    if not 5 <= households_per_grid <= 2000:
        raise DemoError(
            f"households per grid must be between 5 and 2000, got {households_per_grid}"
        )


def build_demo(
    ctx: ServiceContext,
    *,
    seed: int = 2026,
    scale: float = 1,
    as_of: datetime | None = None,
    progress: Progress | None = None,
    replace: bool = False,
    households_per_grid: int = 250,
    actor: str = ACTOR,
) -> DemoSummary:
    """Build the demo street into ``ctx``'s database and return what was written.

    ``actor`` is who the audit row names (the admin who replaced the data; ``demo``
    for a build into an empty database).

    ``as_of`` (default: now, to the minute) is the instant the data ends at; naive
    values are +08:00. ``replace`` deletes all business data first (reference data,
    settings, accounts and the audit log stay); without it a database that already
    holds a street or other business data is refused with :class:`DemoError`.
    ``households_per_grid`` sizes the street (tests use a small value).
    ``progress(done, total, label)`` is called as the work proceeds; raising from it
    cancels the build and nothing is written.
    """
    _check_args(seed, scale, households_per_grid)
    t0 = time.perf_counter()
    if as_of is None:
        as_of = datetime.now(CST).replace(second=0, microsecond=0)
    as_of = to_local(as_of)
    cipher = ctx.cipher  # loads and checks the key before the long transaction
    track = _Tracker(progress)
    # Millions of small, acyclic objects: the cyclic collector would rescan them again
    # and again (superlinear at district scale), so it rests while the street is built.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        existing, b = _build(
            ctx, cipher, seed, scale, as_of, replace, households_per_grid, track, actor
        )
    finally:
        if gc_was_enabled:
            gc.enable()
    if ctx.engine.dialect.name == "postgresql":
        # a new street on a server that has not analysed it yet: the first reader (the
        # wall, a report) would be planned on empty-table statistics (autovacuum comes
        # later); SQLite's planner needs no statistics for the product's statements
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"ANALYZE {tables}")  # this schema's tables only
    elif ctx.engine.dialect.name == "sqlite":
        # the street went in as one transaction: its write-ahead log (about the
        # database's size) is copied back and emptied now, not left beside it until a
        # later writer starts the log over (see db.engine.SQLITE_JOURNAL_LIMIT_BYTES)
        with ctx.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    quarter = last_finished_quarter(as_of)
    grades = grade_distribution(ctx.engine, quarter, as_of)
    track.finish()
    c = b.counts
    return DemoSummary(
        street=vocab.STREET_NAME,
        seed=seed,
        scale=scale,
        as_of=as_of,
        communities=c["communities"],
        grids=c["grids"],
        households=c["households"],
        special_households=c["special_households"],
        residents=c["residents"],
        staff=c["staff"],
        users=c["users"],
        visits=c["visits"],
        cases=c["cases"],
        open_cases=c["open_cases"],
        escalated_cases=c["escalated_cases"],
        meetings=c["meetings"],
        agenda_items=c["agenda_items"],
        budget_lines=c["budget_lines"],
        expenditures=c["expenditures"],
        lagging_grids=b.lagging,
        replaced=existing is not None,
        elapsed_s=time.perf_counter() - t0,
        phases=dict(track.times),
        accounts=b.accounts,
        improving_grids=b.improving,
        grid_profiles={code: t.kind for code, t in zip(b.grid_codes, b.teams, strict=True)},
        dept_profiles={code: b.dept_teams[code].kind for code in sorted(b.dept_ids)},
        grade_quarter=quarter,
        grades=grades,
        grid_housing=dict(zip(b.grid_codes, b.housing, strict=True)),
        emerging=tuple((b.grid_codes[g], vocab.EMERGING[i][0]) for g, i in b.emerging),
        history_start=b.history,
    )
