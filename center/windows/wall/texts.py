"""User-visible names and number formats shared by the windows (all through tr()).

Source strings are English; ``resources/i18n/wall_zh_CN.ts`` carries the Chinese.
Tables use ``QT_TRANSLATE_NOOP`` so lupdate sees them; lookups translate at call
time, so a language switch takes effect for new text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from center.core.kpis import HOUR_KPIS, KPIS
from center.wall.model import PACE, Alert, Lag, PeriodProgress

translate = QCoreApplication.translate


def _lookup(context: str, source: str) -> str:
    """Translate a string held in a table (marked there with QT_TRANSLATE_NOOP)."""
    return QCoreApplication.translate(context, source)


#: English source names (context ``Kpi``, marked in :mod:`center.core.kpis`)
KPI_NAMES: dict[str, str] = {k.key: k.en for k in KPIS}

STATUS_NAMES: dict[str, str] = {
    "proposed": QT_TRANSLATE_NOOP("Meeting", "Proposed"),
    "on_agenda": QT_TRANSLATE_NOOP("Meeting", "On the agenda"),
    "decided": QT_TRANSLATE_NOOP("Meeting", "Decided"),
    "in_execution": QT_TRANSLATE_NOOP("Meeting", "In execution"),
    "done": QT_TRANSLATE_NOOP("Meeting", "Done"),
}
CATEGORY_NAMES: dict[str, str] = {
    "personnel": QT_TRANSLATE_NOOP("Budget", "Personnel"),
    "activities": QT_TRANSLATE_NOOP("Budget", "Activities"),
    "equipment": QT_TRANSLATE_NOOP("Budget", "Equipment"),
}
SOURCE_NAMES: dict[str, str] = {
    "fiscal": QT_TRANSLATE_NOOP("Budget", "Fiscal budget"),
    "social_fund": QT_TRANSLATE_NOOP("Budget", "Social fund"),
    "purchase_of_services": QT_TRANSLATE_NOOP("Budget", "Service purchase"),
}
GRADE_NAMES: dict[str, str] = {
    "excellent": QT_TRANSLATE_NOOP("Ranking", "Excellent"),
    "good": QT_TRANSLATE_NOOP("Ranking", "Good"),
    "pass": QT_TRANSLATE_NOOP("Ranking", "Pass"),
    "fail": QT_TRANSLATE_NOOP("Ranking", "Fail"),
}
GRADE_STATES = {"excellent": "ok", "good": "ok", "pass": "warn", "fail": "bad"}
CLOCK_NAMES: dict[str, str] = {
    "response": QT_TRANSLATE_NOOP("Alert", "24 h response"),
    "accept": QT_TRANSLATE_NOOP("Alert", "2 h department start"),
    "closure": QT_TRANSLATE_NOOP("Alert", "15-working-day closure"),
}


#: map layers that are not KPIs (context ``Wall``)
LAYER_NAMES: dict[str, str] = {PACE: QT_TRANSLATE_NOOP("Wall", "Visit pace")}


def kpi_name(key: str) -> str:
    if key in LAYER_NAMES:
        return _lookup("Wall", LAYER_NAMES[key])
    return _lookup("Kpi", KPI_NAMES.get(key, key))


def period_progress(month: PeriodProgress) -> str:
    """``2026年12月 · 第7天/31天（23%）``: the KPI month and how far into it we are."""
    y, m = month.first.year, month.first.month
    name = f"{y}年{m}月" if is_chinese() else month.first.strftime("%b %Y")
    return (
        translate("Wall", "%1 · day %2 of %3 (%4)")
        .replace("%1", name)
        .replace("%2", str(month.day))
        .replace("%3", str(month.days))
        .replace("%4", percent(float(month.fraction()), 0))
    )


def pace_text(expected: float) -> str:
    """The gauge's pace line: the value expected by now."""
    return translate("Wall", "Due by now %1").replace("%1", percent(expected))


def lag_text(lag: Lag) -> str:
    """``走访覆盖率 75.0%（目标≥95%）``; a cadence KPI in its month also names the value
    due by now: ``特殊群体关怀覆盖率 0.0%（目标≥100% · 进度应达 22.6%）``."""
    against = kpi_target(lag.key, lag.target, lag.higher_is_better)
    if lag.expected is not None:
        against += " · " + pace_text(lag.expected)
    return (
        translate("Wall", "%1 %2 (%3)")
        .replace("%1", kpi_name(lag.key))
        .replace("%2", kpi_value(lag.key, lag.value) if lag.value is not None else "—")
        .replace("%3", against)
    )


def status_name(key: str) -> str:
    return _lookup("Meeting", STATUS_NAMES.get(key, key))


def category_name(key: str) -> str:
    return _lookup("Budget", CATEGORY_NAMES.get(key, key))


def source_name(key: str) -> str:
    return _lookup("Budget", SOURCE_NAMES.get(key, key))


def grade_name(key: str | None) -> str:
    if key is None:
        return "—"
    return _lookup("Ranking", GRADE_NAMES.get(key, key))


def is_chinese() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


def percent(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{decimals}f}%"


def hours(value: float | None) -> str:
    if value is None:
        return "—"
    return translate("Wall", "%1 h").replace("%1", f"{value:.1f}")


def kpi_value(key: str, value: float | None) -> str:
    return hours(value) if key in HOUR_KPIS else percent(value)


def kpi_target(key: str, target: float, higher: bool) -> str:
    sign = "≥" if higher else "≤"
    shown = hours(target) if key in HOUR_KPIS else percent(target, 0)
    return translate("Wall", "Target %1").replace("%1", f"{sign}{shown}")


def money(amount: Decimal | float | None) -> str:
    """Yuan: 万元 in Chinese, ¥ with separators in English."""
    if amount is None:
        return "—"
    value = float(amount)
    if is_chinese():
        return f"{value / 10000:,.2f}万元"
    return f"¥{value:,.0f}"


def short_date(d: date | None) -> str:
    if d is None:
        return "—"
    if is_chinese():
        return f"{d.month}月{d.day}日"
    return d.strftime("%d %b")


def clock_time(t: datetime) -> str:
    return t.strftime("%H:%M:%S")


def _listing(codes: tuple[str, ...], count: int) -> str:
    text = ", ".join(codes)
    return text + (" …" if count > len(codes) else "")


def alert_text(alert: Alert) -> str:
    """One ticker item for an alert."""
    n = alert.count  # (a plain name: lupdate does not parse attribute arguments)
    if alert.kind == "clock_breached":
        clock = _lookup("Alert", CLOCK_NAMES.get(alert.clock or "", alert.clock or ""))
        return (
            translate("Alert", "%1 overdue: %n case(s) (%2)", "", n)
            .replace("%1", clock)
            .replace("%2", _listing(alert.cases, alert.count))
        )
    if alert.kind == "clock_due_soon":
        clock = _lookup("Alert", CLOCK_NAMES.get(alert.clock or "", alert.clock or ""))
        return (
            translate("Alert", "%1 about to be overdue: %n case(s) (%2)", "", n)
            .replace("%1", clock)
            .replace("%2", _listing(alert.cases, alert.count))
        )
    if alert.kind == "emergency_open":
        return translate("Alert", "Open emergencies: %n (%1)", "", n).replace(
            "%1", _listing(alert.cases, alert.count)
        )
    if alert.kind == "immediate_breached":
        return translate(
            "Alert", "Immediate cases unanswered after 30 min: %n (%1)", "", n
        ).replace("%1", _listing(alert.cases, alert.count))
    if alert.kind == "grids_below":
        key = alert.kpi or ""
        worst = ", ".join(f"{name} {kpi_value(key, value)}" for name, value in alert.grids)
        target = kpi_value(key, alert.target)
        return (
            translate("Alert", "%1 below target %2 in %n grid(s): %3", "", n)
            .replace("%1", kpi_name(key))
            .replace("%2", target)
            .replace("%3", worst)
        )
    if alert.kind == "calendar_missing":
        text = translate("Alert", "Holiday calendar for %1 not loaded: deadlines are provisional")
        return text.replace("%1", str(alert.year))
    return alert.kind
