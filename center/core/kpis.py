"""The KPI catalogue: every KPI's key, names, unit, direction, default target and
the scopes it applies to — the twelve of `spec/kpi.md` and ``priority_on_time`` of
`spec/insight.md` (not part of the assessment weights, :mod:`center.kpi.assess`).
``center kpi``, ``assess``, ``targets``, the wall and the reports all read it; the
definitions themselves are `spec/kpi.md` and `spec/insight.md`.

Default targets and directions are the seed data of :data:`db.kpi_defaults.DEFAULT_TARGETS`
(what a new database starts with); the stored targets are in ``kpi_target``.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.kpi_defaults import DEFAULT_TARGETS


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - lupdate's marker
    """Marks ``text`` for Qt's lupdate (context ``Kpi``) without importing Qt."""
    return text


@dataclass(frozen=True)
class KpiDef:
    key: str
    zh: str  # the name in reports, the CLI and the Chinese interface
    en: str  # English source text of the interface (translated through Qt)
    unit: str  # "ratio" (0..1) or "hours"
    higher_is_better: bool
    default_target: float
    scopes: tuple[str, ...]  # scopes it is computed for

    @property
    def in_hours(self) -> bool:
        return self.unit == "hours"


_ALL = ("street", "community", "grid", "department")
_AREA = ("street", "community", "grid")

# key, zh, en, unit, scopes: the order of spec/kpi.md
_TABLE: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("coverage", "走访覆盖率", QT_TRANSLATE_NOOP("Kpi", "Visit coverage"), "ratio", _AREA),
    (
        "special_care",
        "特殊群体关怀覆盖率",
        QT_TRANSLATE_NOOP("Kpi", "Special-group care"),
        "ratio",
        _AREA,
    ),
    ("response_24h", "24小时响应率", QT_TRANSLATE_NOOP("Kpi", "24 h response rate"), "ratio", _ALL),
    (
        "avg_response_hours",
        "平均响应时长",
        QT_TRANSLATE_NOOP("Kpi", "Average response time"),
        "hours",
        _ALL,
    ),
    ("dept_start_2h", "首接2小时启动率", QT_TRANSLATE_NOOP("Kpi", "2 h start rate"), "ratio", _ALL),
    ("closure_15wd", "按期办结率", QT_TRANSLATE_NOOP("Kpi", "On-time closure rate"), "ratio", _ALL),
    ("repeat_rate", "重复反映率", QT_TRANSLATE_NOOP("Kpi", "Repeat rate"), "ratio", _AREA),
    (
        "second_complaint_rate",
        "二次投诉率",
        QT_TRANSLATE_NOOP("Kpi", "Second-complaint rate"),
        "ratio",
        _ALL,
    ),
    (
        "on_the_spot_rate",
        "当场解决率",
        QT_TRANSLATE_NOOP("Kpi", "On-the-spot rate"),
        "ratio",
        _AREA,
    ),
    ("satisfaction", "居民满意度", QT_TRANSLATE_NOOP("Kpi", "Satisfaction"), "ratio", _ALL),
    (
        "proactive_share",
        "主动服务占比",
        QT_TRANSLATE_NOOP("Kpi", "Proactive share"),
        "ratio",
        _AREA,
    ),
    ("entry_lag_hours", "数据录入时效", QT_TRANSLATE_NOOP("Kpi", "Data entry lag"), "hours", _AREA),
    # spec/insight.md § Priority clocks: department scope counts the 3wd cases assigned to it
    (
        "priority_on_time",
        "优先时限达标率",
        QT_TRANSLATE_NOOP("Kpi", "Priority clocks met"),
        "ratio",
        _ALL,
    ),
)

KPIS: tuple[KpiDef, ...] = tuple(
    KpiDef(key, zh, en, unit, DEFAULT_TARGETS[key][1], DEFAULT_TARGETS[key][0], scopes)
    for key, zh, en, unit, scopes in _TABLE
)
BY_KEY: dict[str, KpiDef] = {k.key: k for k in KPIS}

KPI_KEYS: tuple[str, ...] = tuple(k.key for k in KPIS)
#: KPIs in hours: value, target and ok only (no numerator/denominator)
HOUR_KPIS: tuple[str, ...] = tuple(k.key for k in KPIS if k.in_hours)
#: KPIs a department is measured by, in the order of spec/kpi.md's department scope
DEPARTMENT_KPIS: tuple[str, ...] = (
    "response_24h",
    "avg_response_hours",
    "dept_start_2h",
    "closure_15wd",
    "satisfaction",
    "second_complaint_rate",
    "priority_on_time",  # spec/insight.md: its 3wd cases assigned to the department
)
if set(DEPARTMENT_KPIS) != {k.key for k in KPIS if "department" in k.scopes}:
    raise RuntimeError("DEPARTMENT_KPIS is out of step with the catalogue")
KPI_NAMES: dict[str, str] = {k.key: k.zh for k in KPIS}


#: the wall's four headline gauges and five smaller KPIs; any of them can shade the map
WALL_HEADLINE_KPIS: tuple[str, ...] = ("coverage", "response_24h", "closure_15wd", "repeat_rate")
WALL_SECONDARY_KPIS: tuple[str, ...] = (
    "special_care",
    "satisfaction",
    "on_the_spot_rate",
    "avg_response_hours",
    "priority_on_time",  # spec/insight.md § Priority clocks
)
MAP_KPIS: tuple[str, ...] = WALL_HEADLINE_KPIS + WALL_SECONDARY_KPIS


def higher_is_better(key: str) -> bool:
    return BY_KEY[key].higher_is_better
