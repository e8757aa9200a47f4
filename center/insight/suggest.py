"""Suggestions drawn from the numbers (spec/insight.md, "Suggestions (满意度评估与改进建议)").

For a month M evaluated as of T, every KPI whose **street** value is below its target
(``ok`` false in :func:`center.kpi.compute.compute_all_scopes`, so the same targets and
the same exact comparison as ``center kpi`` and the reports) gives one
:class:`Suggestion`:

* the street's value, target, numerator/denominator and *missing numerator*;
* the month-on-month direction: the street value of M−1, evaluated as of the same T
  (as the monthly notice's "上月" column);
* the units whose shortfall contributes most, per level the KPI's scopes allow
  (community, grid, department): only units that are themselves below their target,
  ordered by missing numerator (largest first, then code), at most :data:`TOP_UNITS`
  per level; ``contribution = unit's missing numerator ÷ street's missing numerator``;
* the drivers: the failing events of the KPI (late closures, late responses, repeats,
  low ratings, …) counted by subcategory and by department (a case counts for its
  department once ``assigned_at ≤ T``, as in kpi.md; before that under "not assigned"),
  at most :data:`TOP_DRIVERS` each, with their share of the street's failing events.
  The coverage KPIs are driven by households, so their drivers are the special and
  ordinary households that missed their cadence.

Missing numerator (the quantity a unit lacks to reach its own target τ):

* **ratio, higher is better** (value n/d ≥ τ): ``max(0, ⌈τ·d⌉ − n)`` — how many more
  of the denominator's items would have had to succeed (e.g. closures on time);
* **ratio, lower is better** (``repeat_rate``, ``second_complaint_rate``; n/d ≤ τ):
  ``max(0, n − ⌊τ·d⌋)`` — how many of the numerator's events (repeats, second
  complaints) would have had to not happen, the denominator unchanged;
* **avg_response_hours** (a mean, lower is better): the numerator is the sum of the
  response hours H over the n cases responded by T, so ``max(0, H − τ·n)`` hours — the
  response time to be saved (exact: from the stored microseconds);
* **entry_lag_hours** (a median, lower is better): a median of n lags is ≤ τ when more
  than half of them are ≤ τ, so the numerator is the number w of visits entered within
  τ hours and the missing numerator ``max(0, ⌊n/2⌋ + 1 − w)`` — how many more visits
  would have had to be entered within τ (for odd n exactly the condition; for even n
  the sufficient one, and never 0 for a unit below target).

τ is the target as written (0.9 is 9/10), as in :mod:`center.kpi.compute`. Contributions
are shares of the street's missing numerator; units that meet the target offset
nothing, so the listed shares may add up to more than 100 %.

Satisfaction is explained by its drivers (:class:`SatisfactionDrivers`): over the
cases of the satisfaction KPI (closed in M by T, rated 1–5), the share rated 4–5 and
the mean rating by subcategory, department, response-time band (first response −
received: ≤ 1 h, ≤ 4 h, ≤ 24 h, > 24 h, none by T) and on the spot or not, and the
lowest-rated combinations of the four with at least :data:`MIN_COMBINATION` ratings.

:func:`month_suggestions` is the service (``read_suggestions``);
:func:`compute_suggestions` is the same without the check, for a caller that checked
its own action (the monthly notice's build).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import Engine, and_, case, exists, func, select
from sqlalchemy.orm import aliased

from center.core.access import Actor, require_role
from center.core.kpis import BY_KEY, KPI_KEYS
from center.core.vocab import SCOPES
from center.kpi import compute as kpi_service
from db.kpi_queries import Units, load_units
from db.models import Case, Department, Subcategory, Visit

#: units listed per level, drivers listed per kind
TOP_UNITS = 3
TOP_DRIVERS = 3
#: the lowest-rated combinations need at least this many ratings, and this many are listed
MIN_COMBINATION = 3
TOP_COMBINATIONS = 5
_MICROS_PER_HOUR = 3_600_000_000
LEVELS: tuple[str, ...] = ("community", "grid", "department")
LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "community": ("社区", "community"),
    "grid": ("网格", "grid"),
    "department": ("部门", "department"),
}
UNASSIGNED = ("未交办", "not assigned")

#: response-time bands of the satisfaction drivers: (key, upper limit in hours
#: inclusive or None, zh, en); "none": no first response by T
BANDS: tuple[tuple[str, float | None, str, str], ...] = (
    ("le1h", 1, "1小时内", "within 1 h"),
    ("le4h", 4, "1至4小时", "1–4 h"),
    ("le24h", 24, "4至24小时", "4–24 h"),
    ("gt24h", None, "超过24小时", "over 24 h"),
    ("none", None, "未响应", "no response"),
)
SPOT_NAMES = {True: ("当场解决", "on the spot"), False: ("非当场解决", "not on the spot")}


# ---------------------------------------------------------------------------
# Wording per KPI: (what the missing numerator counts, zh / en; the failing events
# the drivers count, zh / en; the unit word of the missing numerator, zh / en)


@dataclass(frozen=True)
class _Words:
    need_zh: str  # "{n}" = missing numerator with its unit word
    need_en: str
    events_zh: str | None  # the failing events the drivers count (None: no drivers)
    events_en: str | None
    unit_zh: str
    unit_en: str
    action_zh: str  # what the listed units are asked to do
    action_en: str


_WORDS: dict[str, _Words] = {
    "coverage": _Words(
        "还需{n}按走访频次完成走访",
        "{n} more households must meet their visit cadence",
        "未按频次走访的住户",
        "households that missed their cadence",
        "户",
        "households",
        "按户排出走访计划，补齐本月未走访住户",
        "plan the missing visits household by household",
    ),
    "special_care": _Words(
        "还需{n}特殊群体家庭完成每月两次走访",
        "{n} more special households need two visits a month",
        None,
        None,
        "户",
        "households",
        "对特殊群体家庭逐户落实每月两次走访",
        "give every special household its two visits a month",
    ),
    "response_24h": _Words(
        "还需{n}诉求在24小时内响应",
        "{n} more cases must be answered within 24 h",
        "未在24小时内响应的诉求",
        "cases not answered within 24 h",
        "件",
        "cases",
        "落实首接责任，诉求受理后24小时内联系居民",
        "contact the resident within 24 h of every case",
    ),
    "avg_response_hours": _Words(
        "响应总时长须压缩{n}",
        "{n} h of response time must be saved",
        "响应时长超过目标的诉求",
        "cases answered later than the target",
        "小时",
        "hours",
        "缩短首次响应时间，优先处理积压诉求",
        "shorten first responses, backlog first",
    ),
    "dept_start_2h": _Words(
        "还需{n}交办诉求在2小时内启动",
        "{n} more assigned cases must start within 2 h",
        "未在2小时内启动的交办诉求",
        "assigned cases not started within 2 h",
        "件",
        "cases",
        "交办后2小时内签收启动",
        "accept assigned cases within 2 h",
    ),
    "closure_15wd": _Words(
        "还需{n}诉求按期办结",
        "{n} more cases must close by their deadline",
        "超期办结或逾期未办结的诉求",
        "cases closed late or overdue",
        "件",
        "cases",
        "对超期诉求逐件督办，明确办结时限",
        "chase every late case to a fixed closing date",
    ),
    "repeat_rate": _Words(
        "重复反映须减少{n}",
        "{n} fewer repeat cases are needed",
        "重复反映的诉求",
        "repeat cases",
        "件",
        "cases",
        "对重复反映问题回头看，从根源上解决",
        "solve repeated problems at their root",
    ),
    "second_complaint_rate": _Words(
        "二次投诉须减少{n}",
        "{n} fewer second complaints are needed",
        "被再次投诉的办结诉求",
        "closed cases complained about again",
        "件",
        "cases",
        "办结前与居民确认，防止二次投诉",
        "confirm with the resident before closing",
    ),
    "on_the_spot_rate": _Words(
        "还需{n}走访发现的诉求当场解决",
        "{n} more visit cases must be solved on the spot",
        "走访发现但未当场解决的诉求",
        "visit cases not solved on the spot",
        "件",
        "cases",
        "提升网格员当场解决能力",
        "equip grid workers to solve on the spot",
    ),
    "satisfaction": _Words(
        "还需{n}办结诉求获得满意评价（4至5分）",
        "{n} more closed cases must be rated 4 or 5",
        "评价为1至3分的诉求",
        "cases rated 1 to 3",
        "件",
        "cases",
        "对低评价诉求逐件回访，查找不满意原因",
        "call back every low-rated case",
    ),
    "proactive_share": _Words(
        "还需{n}主动服务诉求",
        "{n} more proactive cases are needed",
        None,
        None,
        "件",
        "cases",
        "在走访中主动发现居民需求",
        "find residents' needs proactively on visits",
    ),
    "entry_lag_hours": _Words(
        "还需{n}走访记录在目标时限内录入",
        "{n} more visits must be entered within the target",
        None,
        None,
        "条",
        "visits",
        "走访当日录入系统",
        "enter visits on the day",
    ),
    "priority_on_time": _Words(
        "还需{n}诉求在优先级时限内处置",
        "{n} more cases must meet their priority clock",
        None,
        None,
        "件",
        "cases",
        "按优先级时限响应和转办",
        "answer and transfer within the priority clocks",
    ),
}


def _words(key: str) -> _Words:
    found = _WORDS.get(key)
    if found is not None:
        return found
    return _Words(
        "分子还需{n}" if BY_KEY[key].higher_is_better else "分子须减少{n}",
        "{n} short" if BY_KEY[key].higher_is_better else "{n} too many",
        None,
        None,
        "",
        "",
        "逐项分析原因，制定整改措施",
        "analyse the causes and plan the remedy",
    )


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class UnitShortfall:
    level: str  # community | grid | department
    code: str
    name: str
    name_en: str  # a department's English name; else the name
    value: float | None
    target: float
    missing: float  # an integer count, or hours for avg_response_hours
    contribution: float  # missing ÷ the street's missing
    previous: float | None  # the unit's value in the month before (as of T)


@dataclass(frozen=True)
class Driver:
    kind: str  # subcategory | department | household
    code: str | None  # None: a case not assigned to a department by T
    name: str
    name_en: str
    count: int  # failing events
    share: float  # of the street's failing events


@dataclass(frozen=True)
class Suggestion:
    key: str
    name: str  # zh
    name_en: str
    higher_is_better: bool
    in_hours: bool
    value: float
    target: float
    numerator: int | None
    denominator: int | None
    previous: float | None
    #: ``better``, ``worse`` or ``same`` as printed against the month before (None: no value)
    direction: str | None
    missing: float
    units: dict[str, list[UnitShortfall]]  # level -> the largest shortfalls
    failures: int | None  # the street's failing events the drivers share out
    drivers: dict[str, list[Driver]]  # subcategory | department | household -> top
    text: str  # Chinese, every number cited
    text_en: str


@dataclass(frozen=True)
class RatingGroup:
    key: tuple[Any, ...]
    name: str  # zh label (combinations: the parts joined with "·")
    name_en: str
    rated: int
    satisfied: int
    rating_sum: int

    @property
    def rate(self) -> float:
        return self.satisfied / self.rated

    @property
    def mean(self) -> float:
        return self.rating_sum / self.rated


@dataclass(frozen=True)
class SatisfactionDrivers:
    rated: int
    satisfied: int
    by_subcategory: list[RatingGroup]
    by_department: list[RatingGroup]
    by_band: list[RatingGroup]
    by_on_the_spot: list[RatingGroup]
    lowest: list[RatingGroup]  # lowest-rated combinations
    text: str
    text_en: str

    def dimensions(self) -> list[tuple[str, list[RatingGroup]]]:
        return [
            ("subcategory", self.by_subcategory),
            ("department", self.by_department),
            ("band", self.by_band),
            ("on_the_spot", self.by_on_the_spot),
        ]


@dataclass(frozen=True)
class MonthSuggestions:
    month: str
    as_of: datetime
    suggestions: list[Suggestion]
    satisfaction: SatisfactionDrivers
    below: list[str] = field(default_factory=list)  # KPI keys below target at the street


# ---------------------------------------------------------------------------
# Formatting (the reports' rules: one decimal, ties to even, exact fractions)


def _round1(value: Fraction) -> str:
    r = round(value, 1)
    text = str(Decimal(r.numerator) / Decimal(r.denominator))
    return str(Decimal(text).quantize(Decimal("0.1")))


def pct(value: float | None, num: int | None = None, den: int | None = None) -> str:
    if value is None:
        return "—"
    if num is not None and den:
        return _round1(Fraction(num * 100, den)) + "%"
    return _round1(Fraction(value * 100)) + "%"


def _hours(value: float) -> str:
    return _round1(Fraction(value))


def fmt_value(key: str, value: float | None, en: bool = False) -> str:
    if value is None:
        return "—"
    if BY_KEY[key].in_hours:
        return _hours(value) + (" h" if en else "小时")
    return pct(value)


def _number(key: str, missing: float) -> str:
    return _hours(missing) if BY_KEY[key].in_hours else str(int(missing))


def _singular(text: str, n: float) -> str:
    """English: "1 more cases" → "1 more case" (the first plural noun after the count)."""
    if n != 1:
        return text
    for plural in (" cases", " households", " visits", " second complaints"):
        if plural in text:
            return text.replace(plural, plural[:-1], 1)
    return text


def _missing_text(key: str, missing: float, en: bool = False) -> str:
    w = _words(key)
    number = _hours(missing) if BY_KEY[key].in_hours else str(int(missing))
    unit = w.unit_en if en else w.unit_zh
    return f"{number} {unit}".strip() if en else f"{number}{unit}"


def _printed(key: str, kv: kpi_service.KpiValue) -> Decimal:
    """A KPI value as printed (one decimal of a percentage or of hours), as a number."""
    if kv.numerator is not None and kv.denominator:
        return Decimal(_round1(Fraction(kv.numerator * 100, kv.denominator)))
    value = kv.value or 0.0
    return Decimal(_hours(value) if BY_KEY[key].in_hours else _round1(Fraction(value * 100)))


def _printed_text(key: str, kv: kpi_service.KpiValue, en: bool) -> str:
    if kv.numerator is not None and kv.denominator:
        return pct(kv.value, kv.numerator, kv.denominator)
    return fmt_value(key, kv.value, en)


def _direction(key: str, kv: kpi_service.KpiValue, prev: kpi_service.KpiValue | None) -> str | None:
    if prev is None or prev.value is None or kv.value is None:
        return None
    change = _printed(key, kv) - _printed(key, prev)
    if not change:
        return "same"
    return "better" if (change > 0) == BY_KEY[key].higher_is_better else "worse"


def _delta(key: str, change: Decimal, en: bool) -> str:
    """The month-on-month change of the printed values (so the text adds up)."""
    d = str(abs(change))
    if BY_KEY[key].in_hours:
        return f"{d} h" if en else f"{d}小时"
    return f"{d} points" if en else f"{d}个百分点"


# ---------------------------------------------------------------------------
# Missing numerators


def _exact(target: float) -> Fraction:
    return Fraction(repr(target))


def ratio_missing(num: int, den: int, target: float, higher_is_better: bool) -> int:
    """The missing numerator of a ratio KPI (module docstring)."""
    tau = _exact(target)
    if higher_is_better:
        need = -(-tau.numerator * den // tau.denominator)  # ceil(τ·d)
        return max(0, need - num)
    allowed = tau.numerator * den // tau.denominator  # floor(τ·d)
    return max(0, num - allowed)


def mean_hours_missing(micros: int, count: int, target: float) -> float:
    """Excess response hours over the target mean: max(0, H − τ·n)."""
    excess = Fraction(micros, _MICROS_PER_HOUR) - _exact(target) * count
    return float(max(Fraction(0), excess))


def median_missing(count: int, within: int) -> int:
    """Visits to enter within the target for the median to meet it: max(0, ⌊n/2⌋+1−w)."""
    return max(0, count // 2 + 1 - within) if count else 0


# ---------------------------------------------------------------------------
# Case- and visit-level facts of the month


@dataclass
class _Names:
    units: Units
    subcategories: dict[int, tuple[str, str, str]]  # id -> code, zh, en
    departments: dict[int, tuple[str, str, str]]
    grid_community: dict[int, int]
    code_of: dict[str, dict[int, str]]


def _names(engine: Engine) -> _Names:
    with engine.connect() as conn:
        units = load_units(conn)
        subs = {
            i: (c, n, e or n)
            for i, c, n, e in conn.execute(
                select(Subcategory.id, Subcategory.code, Subcategory.name, Subcategory.name_en)
            )
        }
        depts = {
            i: (c, n, e or n)
            for i, c, n, e in conn.execute(
                select(Department.id, Department.code, Department.name, Department.name_en)
            )
        }
    return _Names(
        units,
        subs,
        depts,
        {g.id: g.community_id for g in units.grids},
        {
            "community": {c.id: c.code for c in units.communities},
            "grid": {g.id: g.code for g in units.grids},
            "department": {d.id: d.code for d in units.departments},
        },
    )


@dataclass(frozen=True)
class _CaseFacts:
    grid_id: int | None
    dept_id: int | None  # assigned by T
    sub_id: int
    fails: frozenset[str]  # KPI keys this case fails
    micros: int | None  # response micros when responded by T (received cases)


def _received_facts(
    engine: Engine, p: kpi_service.Period, t: datetime, targets: Mapping[str, float]
) -> list[_CaseFacts]:
    """Cases received in P by T with the KPIs each one fails (the flags of
    :func:`db.kpi_queries.intake_by_grid_dept`, per case)."""
    c = Case
    end = min(p.end_at, t)
    stmt = select(
        c.grid_id,
        c.dept_id,
        c.subcategory_id,
        c.assigned_at,
        c.eff_response_at,
        c.response_due_at,
        c.accepted_at,
        c.accept_due_at,
        c.eff_closed_at,
        c.deadline_at,
        c.is_repeat,
        c.source,
        c.on_the_spot,
        c.response_micros,
    ).where(c.received_at >= p.start_at, c.received_at <= end)
    if end == p.end_at:
        stmt = stmt.where(c.received_at < p.end_at)
    tau_micros = _exact(targets.get("avg_response_hours", 24.0)) * _MICROS_PER_HOUR
    out = []
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            (grid, dept, sub, assigned, resp, resp_due, acc, acc_due, closed, deadline) = row[:10]
            repeat, source, spot, micros = row[10:]
            fails = set()
            assigned_by_t = assigned is not None and assigned <= t
            responded = resp is not None and resp <= t
            on_time = resp is not None and resp <= t and resp <= resp_due
            if (responded or resp_due <= t) and not on_time:
                fails.add("response_24h")
            if responded and micros is not None and micros > tau_micros:
                fails.add("avg_response_hours")
            accepted = acc is not None and acc <= t
            if (
                assigned_by_t
                and (accepted or (acc_due is not None and acc_due <= t))
                and not (acc is not None and acc <= t and acc_due is not None and acc <= acc_due)
            ):
                fails.add("dept_start_2h")
            is_closed = closed is not None and closed <= t
            closed_on_time = closed is not None and closed <= t and closed <= deadline
            if (is_closed or deadline <= t) and not closed_on_time:
                fails.add("closure_15wd")
            if repeat:
                fails.add("repeat_rate")
            if source == "visit" and not spot:
                fails.add("on_the_spot_rate")
            out.append(
                _CaseFacts(
                    grid,
                    dept if assigned_by_t else None,
                    sub,
                    frozenset(fails),
                    int(micros) if responded and micros is not None else None,
                )
            )
    return out


@dataclass(frozen=True)
class _ClosedFacts:
    grid_id: int | None
    dept_id: int | None
    sub_id: int
    reopened: bool
    rating: int | None
    band: str
    on_the_spot: bool


def _band(micros: int | None) -> str:
    if micros is None:
        return "none"
    for key, limit, _zh, _en in BANDS:
        if limit is not None and micros <= limit * _MICROS_PER_HOUR:
            return key
    return "gt24h"


def _closed_facts(engine: Engine, p: kpi_service.Period, t: datetime) -> list[_ClosedFacts]:
    """Cases closed in P by T (received by T): the population of satisfaction and
    second_complaint_rate (:func:`db.kpi_queries.closed_by_grid_dept`)."""
    c = Case
    reopening = aliased(Case, name="reopening")
    reopened = exists(
        select(reopening.id).where(reopening.reopened_from_id == c.id, reopening.received_at <= t)
    )
    end = min(p.end_at, t)
    stmt = select(
        c.grid_id,
        c.dept_id,
        c.assigned_at,
        c.subcategory_id,
        case((reopened, 1), else_=0),
        c.satisfaction,
        c.eff_response_at,
        c.response_micros,
        c.on_the_spot,
    ).where(
        c.eff_closed_at >= p.start_at,
        c.eff_closed_at <= end,
        c.received_at <= t,
    )
    if end == p.end_at:
        stmt = stmt.where(c.eff_closed_at < p.end_at)
    out = []
    with engine.connect() as conn:
        for grid, dept, assigned, sub, reo, rating, resp, micros, spot in conn.execute(stmt):
            responded = resp is not None and resp <= t and micros is not None
            out.append(
                _ClosedFacts(
                    grid,
                    dept if assigned is not None and assigned <= t else None,
                    sub,
                    bool(reo),
                    int(rating) if rating is not None and 1 <= rating <= 5 else None,
                    _band(int(micros) if responded else None),
                    bool(spot),
                )
            )
    return out


def _lag_counts(
    engine: Engine, p: kpi_service.Period, t: datetime, target: float
) -> dict[int | None, tuple[int, int]]:
    """grid id -> (visits with visited_at in P by T, of them entered within τ hours)."""
    v = Visit
    end = min(p.end_at, t)
    within = func.sum(case((v.lag_hours <= target, 1), else_=0))
    conds = [v.visited_at >= p.start_at, v.visited_at <= end]
    if end == p.end_at:
        conds.append(v.visited_at < p.end_at)
    stmt = select(v.grid_id, func.count(), within).where(and_(*conds)).group_by(v.grid_id)
    with engine.connect() as conn:
        return {g: (int(n), int(w or 0)) for g, n, w in conn.execute(stmt)}


# ---------------------------------------------------------------------------
# Building the suggestions


def _prev_month(p: kpi_service.Period) -> str:
    y, m = p.start.year, p.start.month
    y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return f"{y:04d}-{m:02d}"


def _unit_missing(
    key: str, kv: kpi_service.KpiValue, extra: Mapping[str, Any] | None
) -> float | None:
    """A unit's missing numerator (None when it cannot be told)."""
    if kv.value is None:
        return None
    if kv.numerator is not None and kv.denominator:
        return ratio_missing(kv.numerator, kv.denominator, kv.target, BY_KEY[key].higher_is_better)
    if extra is None:
        return None
    if key == "avg_response_hours":
        micros, count = extra.get("resp", (0, 0))
        return mean_hours_missing(micros, count, kv.target) if count else None
    if key == "entry_lag_hours":
        count, within = extra.get("lag", (0, 0))
        return float(median_missing(count, within))
    return None


def _sum_pairs(pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
    a = b = 0
    for x, y in pairs:
        a += x
        b += y
    return a, b


def compute_suggestions(
    engine: Engine,
    month: str,
    as_of: datetime | None = None,
    *,
    current: Mapping[str, kpi_service.KpiSnapshot] | None = None,
) -> MonthSuggestions:
    """The suggestions of ``month`` (YYYY-MM) as of ``as_of`` without an access check
    (see :func:`month_suggestions`). ``current``: the month's snapshots of every scope
    when the caller has them already (as :func:`compute_all_scopes` returns them)."""
    p = kpi_service.parse_period(month)
    if p.kind != "month":
        raise ValueError(f"suggestions are made per month (YYYY-MM), not for {month!r}")
    snaps = current or kpi_service.compute_all_scopes(engine, p.label, as_of=as_of)
    t = snaps["street"].as_of
    prev = kpi_service.compute_all_scopes(engine, _prev_month(p), as_of=t)
    names = _names(engine)
    street = snaps["street"].units[0]
    below = [k for k in KPI_KEYS if k in street.kpis and street.kpis[k].ok is False]
    below += [k for k, v in street.kpis.items() if v.ok is False and k not in below]
    targets = {k: v.target for k, v in street.kpis.items()}
    received = _received_facts(engine, p, t, targets) if below else []
    closed = _closed_facts(engine, p, t)
    lags: dict[int | None, tuple[int, int]] = {}
    if "entry_lag_hours" in below:
        lags = _lag_counts(engine, p, t, targets["entry_lag_hours"])
    extras = _extras(names, received, lags)
    out = [
        _suggestion(key, snaps, prev, names, received, closed, extras)
        for key in below
        if key in BY_KEY
    ]
    return MonthSuggestions(
        p.label,
        t,
        [s for s in out if s is not None],
        _satisfaction(closed, names),
        below,
    )


def _extras(
    names: _Names, received: Sequence[_CaseFacts], lags: Mapping[int | None, tuple[int, int]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """(level, code) -> {"resp": (micros, count), "lag": (visits, within)} for the
    two hour KPIs; level "street" has code ""."""
    resp: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def add(level: str, code: str, micros: int) -> None:
        slot = resp[(level, code)]
        slot[0] += micros
        slot[1] += 1

    for f in received:
        if f.micros is None:
            continue
        add("street", "", f.micros)
        if f.grid_id is not None:
            add("grid", names.code_of["grid"].get(f.grid_id, ""), f.micros)
            community = names.grid_community.get(f.grid_id)
            if community is not None:
                add("community", names.code_of["community"][community], f.micros)
        if f.dept_id is not None:
            add("department", names.code_of["department"].get(f.dept_id, ""), f.micros)
    out: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for k, (m, n) in resp.items():
        out[k]["resp"] = (m, n)
    by_community: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for grid_id, pair in lags.items():
        if grid_id is None:
            continue
        out[("grid", names.code_of["grid"].get(grid_id, ""))]["lag"] = pair
        community = names.grid_community.get(grid_id)
        if community is not None:
            by_community[community].append(pair)
    for community, pairs in by_community.items():
        out[("community", names.code_of["community"][community])]["lag"] = _sum_pairs(pairs)
    if lags:
        out[("street", "")]["lag"] = _sum_pairs(lags.values())
    return out


def _suggestion(
    key: str,
    snaps: Mapping[str, kpi_service.KpiSnapshot],
    prev: Mapping[str, kpi_service.KpiSnapshot],
    names: _Names,
    received: Sequence[_CaseFacts],
    closed: Sequence[_ClosedFacts],
    extras: Mapping[tuple[str, str], dict[str, Any]],
) -> Suggestion | None:
    kdef = BY_KEY[key]
    kv = snaps["street"].units[0].kpis[key]
    if kv.value is None:
        return None
    missing = _unit_missing(key, kv, extras.get(("street", "")))
    if not missing:
        return None
    prev_street = prev["street"].units[0].kpis.get(key)
    units: dict[str, list[UnitShortfall]] = {}
    dept_en = {code: en for code, _zh, en in names.departments.values()}
    for level in LEVELS:
        if level not in kdef.scopes or level not in SCOPES:
            continue
        prev_units = {u.code: u.kpis.get(key) for u in prev[level].units}
        found = []
        for u in snaps[level].units:
            ukv = u.kpis.get(key)
            if ukv is None or ukv.ok is not False:
                continue
            m = _unit_missing(key, ukv, extras.get((level, u.code)))
            if not m:
                continue
            pkv = prev_units.get(u.code)
            found.append(
                UnitShortfall(
                    level,
                    u.code,
                    u.name,
                    dept_en.get(u.code, u.name) if level == "department" else u.name,
                    ukv.value,
                    ukv.target,
                    m,
                    m / missing,
                    pkv.value if pkv is not None else None,
                )
            )
        found.sort(key=lambda s: (-s.missing, s.code))
        if found:
            units[level] = found[:TOP_UNITS]
    failures, drivers = _drivers(key, snaps, received, closed, names)
    text = _text(key, kv, prev_street, missing, units, failures, drivers, en=False)
    text_en = _text(key, kv, prev_street, missing, units, failures, drivers, en=True)
    return Suggestion(
        key,
        kdef.zh,
        kdef.en,
        kdef.higher_is_better,
        kdef.in_hours,
        kv.value,
        kv.target,
        kv.numerator,
        kv.denominator,
        prev_street.value if prev_street is not None else None,
        _direction(key, kv, prev_street),
        missing,
        units,
        failures,
        drivers,
        text,
        text_en,
    )


def _drivers(
    key: str,
    snaps: Mapping[str, kpi_service.KpiSnapshot],
    received: Sequence[_CaseFacts],
    closed: Sequence[_ClosedFacts],
    names: _Names,
) -> tuple[int | None, dict[str, list[Driver]]]:
    if key in ("coverage", "special_care"):
        street = snaps["street"].units[0].kpis
        cov, special = street["coverage"], street["special_care"]
        special_fail = (special.denominator or 0) - (special.numerator or 0)
        ordinary_fail = (cov.denominator or 0) - (cov.numerator or 0) - special_fail
        total = special_fail + ordinary_fail
        if key == "special_care" or total <= 0:
            return None, {}
        rows = [
            Driver("household", "special", "特殊群体家庭", "special households", special_fail, 0),
            Driver("household", "ordinary", "普通家庭", "ordinary households", ordinary_fail, 0),
        ]
        rows = [
            Driver(d.kind, d.code, d.name, d.name_en, d.count, d.count / total)
            for d in rows
            if d.count
        ]
        return total, {"household": rows}
    if _words(key).events_zh is None:
        return None, {}
    by_sub: Counter[int] = Counter()
    by_dept: Counter[int | None] = Counter()
    if key in ("second_complaint_rate", "satisfaction"):
        for f in closed:
            failed = f.reopened if key == "second_complaint_rate" else f.rating in (1, 2, 3)
            if failed:
                by_sub[f.sub_id] += 1
                by_dept[f.dept_id] += 1
    else:
        for r in received:
            if key in r.fails:
                by_sub[r.sub_id] += 1
                by_dept[r.dept_id] += 1
    total = sum(by_sub.values())
    if not total:
        return 0, {}

    def ranked(counter: Mapping[Any, int], table: Mapping[int, tuple[str, str, str]], kind: str):
        rows = []
        for ident, n in counter.items():
            if ident is None:
                rows.append(Driver(kind, None, UNASSIGNED[0], UNASSIGNED[1], n, n / total))
            else:
                code, zh, en = table[ident]
                rows.append(Driver(kind, code, zh, en, n, n / total))
        rows.sort(key=lambda d: (-d.count, d.code is None, d.code or ""))
        return rows[:TOP_DRIVERS]

    drivers = {"subcategory": ranked(by_sub, names.subcategories, "subcategory")}
    if "department" in BY_KEY[key].scopes:
        drivers["department"] = ranked(by_dept, names.departments, "department")
    return total, drivers


# ---------------------------------------------------------------------------
# Texts


def _text(
    key: str,
    kv: kpi_service.KpiValue,
    prev: kpi_service.KpiValue | None,
    missing: float,
    units: Mapping[str, list[UnitShortfall]],
    failures: int | None,
    drivers: Mapping[str, list[Driver]],
    *,
    en: bool,
) -> str:
    kdef = BY_KEY[key]
    w = _words(key)
    value = (
        fmt_value(key, kv.value, en)
        if kv.numerator is None
        else pct(kv.value, kv.numerator, kv.denominator)
    )
    fraction = f"（{kv.numerator}/{kv.denominator}）" if kv.numerator is not None else ""
    fraction_en = f" ({kv.numerator}/{kv.denominator})" if kv.numerator is not None else ""
    sign = "≥" if kdef.higher_is_better else "≤"
    target = sign + fmt_value(key, kv.target, en)
    miss = _missing_text(key, missing, en)
    parts: list[str] = []
    if en:
        parts.append(f"{kdef.en} {value}{fraction_en}, target {target}")
    else:
        parts.append(f"{kdef.zh}{value}{fraction}，未达目标（{target}）")
    # month on month
    if prev is None or prev.value is None:
        parts.append("; no value last month" if en else "，上月无数据")
    else:
        pv = _printed_text(key, prev, en)
        change = _printed(key, kv) - _printed(key, prev)
        if not change:
            parts.append(f"; unchanged from last month ({pv})" if en else f"，与上月（{pv}）持平")
        else:
            up = change > 0
            better = up == kdef.higher_is_better
            d = _delta(key, change, en)
            if en:
                verb = "up" if up else "down"
                parts.append(
                    f"; {verb} {d} from last month ({pv}), {'better' if better else 'worse'}"
                )
            else:
                verb = "上升" if up else "下降"
                parts.append(f"，较上月（{pv}）{verb}{d}，{'有所好转' if better else '有所下滑'}")
    parts.append(
        ("; " + _singular(w.need_en.format(n=_number(key, missing)), missing) + ".")
        if en
        else ("；" + w.need_zh.format(n=miss) + "。")
    )
    # units
    lists = []
    for level in LEVELS:
        found = units.get(level)
        if not found:
            continue
        items = []
        for s in found:
            m = _missing_text(key, s.missing, en)
            share = pct(s.contribution)
            v = fmt_value(key, s.value, en)
            items.append(
                f"{s.name_en} ({v}, short by {_number(key, s.missing)}, {share})"
                if en
                else f"{s.name}（{v}，缺{m}，占{share}）"
            )
        lzh, len_ = LEVEL_NAMES[level]
        lists.append(f"{len_}: " + ", ".join(items) if en else f"{lzh}：" + "、".join(items))
    if lists:
        parts.append(
            " Largest shortfalls by " + "; by ".join(lists) + "."
            if en
            else "缺口主要来自" + "；".join(lists) + "。"
        )
    # drivers
    if failures and drivers:
        segs = []
        for kind, rows in drivers.items():
            if not rows:
                continue
            label_zh = {"subcategory": "按小类", "department": "按部门", "household": "按住户类型"}
            label_en = {
                "subcategory": "by subcategory",
                "department": "by department",
                "household": "by household",
            }
            if en:
                segs.append(
                    f"{label_en[kind]} "
                    + ", ".join(f"{d.name_en} {d.count} ({pct(d.share)})" for d in rows)
                )
            else:
                unit = "户" if kind == "household" else w.unit_zh
                segs.append(
                    label_zh[kind]
                    + "："
                    + "、".join(f"{d.name}{d.count}{unit}（{pct(d.share)}）" for d in rows)
                )
        events = (w.events_en if en else w.events_zh) or ""
        if kind_events := events:
            if en:
                events_en = _singular(f"{failures} {kind_events}", failures)
                parts.append(f" {events_en}: " + "; ".join(segs) + ".")
            else:
                parts.append(f"{kind_events}共{failures}{w.unit_zh}，" + "；".join(segs) + "。")
    # the request
    who = _who(units, drivers, en)
    if en:
        parts.append(f" Asked of {who}: {w.action_en}." if who else f" Asked: {w.action_en}.")
    else:
        parts.append(f"请{who}{w.action_zh}。" if who else f"请各有关单位{w.action_zh}。")
    return "".join(parts).replace(" .", ".")


def _who(
    units: Mapping[str, list[UnitShortfall]], drivers: Mapping[str, list[Driver]], en: bool
) -> str:
    names: list[str] = []
    for level in LEVELS:
        for s in units.get(level, [])[:2]:
            n = s.name_en if en else s.name
            if n not in names:
                names.append(n)
    for d in drivers.get("department", [])[:1]:
        if d.code is not None:
            n = d.name_en if en else d.name
            if n not in names:
                names.append(n)
    return ", ".join(names) if en else "、".join(names)


# ---------------------------------------------------------------------------
# Satisfaction


def _group(rows: Iterable[_ClosedFacts], keyf: Any, label: Any) -> list[RatingGroup]:
    acc: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in rows:
        slot = acc[keyf(f)]
        slot[0] += 1
        slot[1] += 1 if f.rating is not None and f.rating >= 4 else 0
        slot[2] += f.rating or 0
    out = []
    for k, (n, ok, total) in acc.items():
        zh, en = label(k)
        out.append(RatingGroup(k if isinstance(k, tuple) else (k,), zh, en, n, ok, total))
    return out


def _satisfaction(closed: Sequence[_ClosedFacts], names: _Names) -> SatisfactionDrivers:
    rated = [f for f in closed if f.rating is not None]

    def sub_label(i: int) -> tuple[str, str]:
        _c, zh, en = names.subcategories[i]
        return zh, en

    def dept_label(i: int | None) -> tuple[str, str]:
        if i is None:
            return UNASSIGNED
        _c, zh, en = names.departments[i]
        return zh, en

    band_names = {b[0]: (b[2], b[3]) for b in BANDS}
    band_order = {b[0]: i for i, b in enumerate(BANDS)}

    def worst_first(groups: list[RatingGroup]) -> list[RatingGroup]:
        return sorted(
            groups,
            key=lambda g: (
                Fraction(g.satisfied, g.rated),
                g.rating_sum / g.rated,
                -g.rated,
                g.name,
            ),
        )

    by_sub = worst_first(_group(rated, lambda f: f.sub_id, sub_label))
    by_dept = worst_first(_group(rated, lambda f: f.dept_id, dept_label))
    by_band = sorted(
        _group(rated, lambda f: f.band, lambda k: band_names[k]), key=lambda g: band_order[g.key[0]]
    )
    by_spot = sorted(
        _group(rated, lambda f: f.on_the_spot, lambda k: SPOT_NAMES[k]), key=lambda g: not g.key[0]
    )

    def combo_label(k: tuple[int, int | None, str, bool]) -> tuple[str, str]:
        parts = [sub_label(k[0]), dept_label(k[1]), band_names[k[2]], SPOT_NAMES[k[3]]]
        return "·".join(p[0] for p in parts), " · ".join(p[1] for p in parts)

    combos = [
        g
        for g in _group(rated, lambda f: (f.sub_id, f.dept_id, f.band, f.on_the_spot), combo_label)
        if g.rated >= MIN_COMBINATION
    ]
    lowest = worst_first(combos)[:TOP_COMBINATIONS]
    satisfied = sum(1 for f in rated if f.rating is not None and f.rating >= 4)
    text = _satisfaction_text(rated, satisfied, by_sub, by_dept, by_band, by_spot, lowest, en=False)
    text_en = _satisfaction_text(
        rated, satisfied, by_sub, by_dept, by_band, by_spot, lowest, en=True
    )
    return SatisfactionDrivers(
        len(rated), satisfied, by_sub, by_dept, by_band, by_spot, lowest, text, text_en
    )


def fmt_mean(g: RatingGroup) -> str:
    """A group's mean rating with one decimal (ties to even), as the texts cite it."""
    return _round1(Fraction(g.rating_sum, g.rated))


def _g(g: RatingGroup, en: bool) -> str:
    rate = pct(g.rate, g.satisfied, g.rated)
    mean = fmt_mean(g)
    if en:
        return f"{g.name_en} {rate} ({g.satisfied}/{g.rated}, mean {mean})"
    return f"{g.name}{rate}（{g.satisfied}/{g.rated}，均分{mean}）"


def _satisfaction_text(
    rated: Sequence[_ClosedFacts],
    satisfied: int,
    by_sub: list[RatingGroup],
    by_dept: list[RatingGroup],
    by_band: list[RatingGroup],
    by_spot: list[RatingGroup],
    lowest: list[RatingGroup],
    *,
    en: bool,
) -> str:
    n = len(rated)
    if not n:
        return "No closed case of the month has a rating." if en else "本月办结诉求均无评价。"
    rate = pct(satisfied / n, satisfied, n)
    if en:
        parts = [f"{n} closed cases rated, {satisfied} rated 4–5 ({rate})."]
        parts.append(" Lowest subcategory: " + _g(by_sub[0], en) + ";")
        parts.append(" lowest department: " + _g(by_dept[0], en) + ".")
        parts.append(" By response time: " + ", ".join(_g(g, en) for g in by_band) + ".")
        parts.append(" On the spot or not: " + ", ".join(_g(g, en) for g in by_spot) + ".")
        if lowest:
            parts.append(
                " Lowest-rated combinations: " + "; ".join(_g(g, en) for g in lowest) + "."
            )
        return "".join(parts)
    parts = [f"本月办结并评价的诉求{n}件，满意（4至5分）{satisfied}件，满意率{rate}。"]
    parts.append("满意率最低的小类为" + _g(by_sub[0], en) + "，")
    parts.append("最低的部门为" + _g(by_dept[0], en) + "。")
    parts.append("按响应时长：" + "、".join(_g(g, en) for g in by_band) + "。")
    parts.append("按是否当场解决：" + "、".join(_g(g, en) for g in by_spot) + "。")
    if lowest:
        parts.append(
            "评价最低的组合（小类·部门·响应时长·是否当场解决）："
            + "；".join(_g(g, en) for g in lowest)
            + "。"
        )
    return "".join(parts)


# ---------------------------------------------------------------------------
# Service


def month_suggestions(
    engine: Engine, actor: Actor, month: str, as_of: datetime | None = None
) -> MonthSuggestions:
    """The suggestions and satisfaction drivers of ``month`` as of ``as_of`` (default
    now) for ``actor`` (``read_suggestions``). A month that has not started is refused
    (:class:`center.kpi.compute.PeriodNotStarted`)."""
    require_role(actor, "read_suggestions")
    p = kpi_service.parse_period(month)
    if p.kind != "month":
        raise ValueError(f"suggestions are made per month (YYYY-MM), not for {month!r}")
    kpi_service.check_started(p, as_of)
    return compute_suggestions(engine, p.label, as_of)


__all__ = [
    "BANDS",
    "Driver",
    "MonthSuggestions",
    "RatingGroup",
    "SatisfactionDrivers",
    "Suggestion",
    "UnitShortfall",
    "compute_suggestions",
    "fmt_mean",
    "mean_hours_missing",
    "median_missing",
    "month_suggestions",
    "pct",
    "ratio_missing",
]
