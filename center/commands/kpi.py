"""`center kpi`, `center assess` and `center targets list|set`.

``--json`` prints exactly the objects of `spec/kpi.md` § Machine-readable output;
without it a readable, aligned table (Chinese names, percentages, ✓/✗).

Only the standard library at module level: the services load when a command runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option
from center.commands.messages import columns, error, is_en, say, scope_choices, scope_name

if TYPE_CHECKING:
    from center.kpi.compute import KpiValue, Period


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    k = sub.add_parser(
        "kpi",
        parents=[common],
        help="KPIs of every unit of a scope for a month, quarter or year",
        description=(
            "KPIs per spec/kpi.md, and priority_on_time per spec/insight.md, for every unit "
            "of a scope."
        ),
    )
    k.add_argument("--period", metavar="P", help="YYYY-MM, YYYYQn or YYYY")
    k.add_argument("--scope", metavar="S", help="street | community | grid | department")
    k.add_argument("--as-of", metavar="ISO8601", help="evaluation instant (default: now)")
    k.add_argument("--json", action="store_true", help="print the JSON object of spec/kpi.md")
    k.add_argument(
        "--trend",
        action="store_true",
        help="instead: the last 12 months of each unit's KPIs up to --as-of (no --period)",
    )
    k.set_defaults(func=run_kpi)

    a = sub.add_parser(
        "assess",
        parents=[common],
        help="quarterly or annual assessment scorecards",
        description="Assessment per spec/kpi.md for a quarter or a year.",
    )
    a.add_argument("--quarter", metavar="YYYYQn")
    a.add_argument("--year", metavar="YYYY")
    a.add_argument("--scope", metavar="S", help="grid | community | department")
    a.add_argument("--as-of", metavar="ISO8601", help="evaluation instant (default: now)")
    a.add_argument("--json", action="store_true", help="print the JSON object of spec/kpi.md")
    a.set_defaults(func=run_assess)

    t = sub.add_parser("targets", help="KPI targets: list, set")
    tsub = t.add_subparsers(dest="targets_command", metavar="ACTION", required=True)
    tl = tsub.add_parser("list", parents=[common], help="show the KPI targets")
    tl.add_argument("--json", action="store_true")
    tl.set_defaults(func=run_targets_list)
    ts = tsub.add_parser("set", parents=[common], help="change one target")
    ts.add_argument("key", metavar="KEY", help="KPI key, e.g. coverage")
    ts.add_argument("value", metavar="VALUE", help="ratio 0..1, or hours > 0")
    add_user_option(ts, who="the admin who sets it")
    ts.set_defaults(func=run_targets_set)


# ---------------------------------------------------------------------------
# Argument checks (one-line errors)


def _as_of(args: argparse.Namespace) -> datetime | None:
    from center.kpi import compute as kpi_service

    if args.as_of is None:
        return None
    try:
        return kpi_service.parse_as_of(args.as_of)
    except ValueError as exc:
        raise error(args, "as_of", detail=exc) from None


def _scope(args: argparse.Namespace, value: str | None, allowed: Sequence[str]) -> str:
    choices = scope_choices(args, allowed)
    if not value:
        raise error(args, "scope_required", choices=choices)
    if value not in allowed:
        raise error(args, "scope_invalid", value=value, choices=choices)
    return value


def _check_started(args: argparse.Namespace, period: Period, as_of: datetime | None) -> None:
    """Refuse a period that has not started at ``as_of`` (it would read 0.0 % ✗), in
    the language of the messages."""
    from center.kpi import compute as kpi_service

    try:
        kpi_service.check_started(period, as_of)
    except kpi_service.PeriodNotStarted:
        at = kpi_service.parse_as_of(args.as_of) if args.as_of else None
        when = at or datetime.now(period.start_at.tzinfo).replace(microsecond=0)
        raise error(
            args,
            "period_not_started",
            period=period.label,
            as_of=f"{when:%Y-%m-%d %H:%M}",
            starts=f"{period.start:%Y-%m-%d}",
            current=f"{when:%Y-%m}",
        ) from None


def _kpi_names(args: argparse.Namespace) -> dict[str, str]:
    """The KPIs' names in the language of the messages (center.core.kpis)."""
    from center.core.kpis import KPIS

    return {k.key: k.en if is_en(args) else k.zh for k in KPIS}


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


# ---------------------------------------------------------------------------
# Tables


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(header: list[str], rows: list[list[str]], right_from: int = 2) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [_pad(cell, widths[i], right=i >= right_from) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt_value(key: str, value: float | None) -> str:
    from center.core.kpis import HOUR_KPIS

    if value is None:
        return "—"
    if key in HOUR_KPIS:
        return f"{value:.1f}h"
    return f"{value * 100:.1f}%"


def _fmt_kpi(kv: KpiValue) -> str:
    if kv.value is None:
        return "—"
    return _fmt_value(kv.key, kv.value) + (" ✓" if kv.ok else " ✗")


def _fmt_target(key: str, target: float, higher: bool) -> str:
    return ("≥" if higher else "≤") + _fmt_value(key, target)


# ---------------------------------------------------------------------------
# kpi


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one short command: its imports and
    query results make many long-lived objects and no garbage cycles worth finding,
    and the collections it would run cost ~30 ms of start-up. Restored on exit (the
    command also runs inside other processes, e.g. the tests)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_kpi(args: argparse.Namespace) -> int:
    with _collector_paused():
        return _run_kpi(args)


def _run_kpi(args: argparse.Namespace) -> int:
    from center.core.kpis import DEPARTMENT_KPIS, KPI_KEYS
    from center.core.vocab import SCOPES

    # the arguments are checked before the services load: a mistyped command answers at once
    scope = _scope(args, args.scope, SCOPES)
    if args.trend and args.period:
        raise error(args, "trend_period")
    if not args.trend and not args.period:
        raise error(args, "period_required")

    from center.context import open_context
    from center.kpi import compute as kpi_service
    from db.seed import DEFAULT_TARGETS

    as_of = _as_of(args)
    if args.trend:
        return _run_trend(args, scope, as_of)
    try:
        parsed = kpi_service.parse_period(args.period)
    except ValueError as exc:
        raise error(args, "period_invalid", detail=exc) from None
    _check_started(args, parsed, as_of)  # a future period would read 0.0 % ✗
    period = parsed.label
    ctx = open_context(args.db)
    try:
        snap = kpi_service.compute_kpis(ctx.engine, period, scope, as_of)
    finally:
        ctx.close()
    if args.json:
        _print_json(snap.to_json_dict())
        return 0
    keys = DEPARTMENT_KPIS if scope == "department" else KPI_KEYS
    names = _kpi_names(args)
    header = [say(args, "kpi_code"), say(args, "kpi_name"), *(names[k] for k in keys)]
    rows = [[u.code, u.name, *(_fmt_kpi(u.kpis[k]) for k in keys)] for u in snap.units]
    if snap.units:
        first = snap.units[0].kpis
        rows.append(
            [
                say(args, "kpi_target_row"),
                "",
                *(_fmt_target(k, first[k].target, DEFAULT_TARGETS[k][1]) for k in keys),
            ]
        )
    print(
        say(
            args,
            "kpi_title",
            scope=scope_name(args, scope),
            period=snap.period,
            as_of=snap.as_of.isoformat(),
        )
    )
    print(_table(header, rows))
    return 0


def _run_trend(args: argparse.Namespace, scope: str, as_of: datetime | None) -> int:
    from center.context import open_context
    from center.kpi import compute as kpi_service

    names = _kpi_names(args)
    ctx = open_context(args.db)
    try:
        series = kpi_service.trend(ctx.engine, scope, as_of)
    finally:
        ctx.close()
    if args.json:
        _print_json(
            {
                code: {k: [[label, v] for label, v in points] for k, points in kpis.items()}
                for code, kpis in series.items()
            }
        )
        return 0
    for code, kpis in series.items():
        months = [label for label, _ in next(iter(kpis.values()))]
        header = [say(args, "trend_kpi"), *(m[2:] for m in months)]
        rows = [[names[k], *(_fmt_value(k, v) for _, v in points)] for k, points in kpis.items()]
        print(say(args, "trend_title", code=code, n=len(months)))
        print(_table(header, rows, right_from=1))
        print()
    return 0


# ---------------------------------------------------------------------------
# assess


def run_assess(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.core.vocab import ASSESS_SCOPES, GRADE_NAMES
    from center.kpi import assess as assess_service
    from center.kpi import compute as kpi_service

    scope = _scope(args, args.scope, ASSESS_SCOPES)
    as_of = _as_of(args)
    if (args.quarter is None) == (args.year is None):
        raise error(args, "one_of_quarter_year")
    quarter: str | None = None
    year: int | None = None
    if args.quarter is not None:
        try:
            period = kpi_service.parse_period(args.quarter)
        except ValueError:
            period = None
        if period is None or period.kind != "quarter":
            raise error(args, "quarter_invalid", value=args.quarter)
        quarter = period.label
    else:
        text = args.year.strip()
        if not (len(text) == 4 and text.isdigit() and int(text) >= 1):
            raise error(args, "year_invalid", value=args.year)
        year = int(text)
    try:
        wanted = kpi_service.parse_period(quarter or str(year))
    except ValueError as exc:
        raise error(args, "year_detail", detail=exc) from None
    _check_started(args, wanted, as_of)  # a future period would read 0.0 % ✗
    ctx = open_context(args.db)
    try:
        result = assess_service.assess(
            ctx.engine, quarter=quarter, year=year, scope=scope, as_of=as_of
        )
    finally:
        ctx.close()
    if args.json:
        _print_json(result.to_json_dict())
        return 0
    weights = assess_service.WEIGHTS[scope]
    names = _kpi_names(args)
    header = [
        say(args, "kpi_code"),
        say(args, "kpi_name"),
        *columns(args, "assess_headers"),
        *(f"{names[k]}({w})" for k, w in weights),
    ]
    rows = []
    for u in sorted(result.units, key=lambda u: (u.rank is None, u.rank or 0, u.code)):
        cells = [
            u.code,
            u.name,
            "—" if u.score is None else f"{u.score:.2f}",
            "—" if u.grade is None else (u.grade if is_en(args) else GRADE_NAMES[u.grade]),
            "—" if u.rank is None else str(u.rank),
        ]
        for k, _ in weights:
            ind = u.indicators[k]
            cells.append(
                "—"
                if ind.value is None or ind.attainment is None
                else f"{_fmt_value(k, ind.value)} ({ind.attainment * 100:.0f}%)"
            )
        rows.append(cells)
    kind = "assess_quarter" if result.kind == "quarter" else "assess_year"
    label = say(args, kind, period=result.period)
    print(
        say(
            args,
            "assess_title",
            label=label,
            scope=scope_name(args, scope),
            as_of=result.as_of.isoformat(),
        )
    )
    print(_table(header, rows))
    return 0


# ---------------------------------------------------------------------------
# targets


def run_targets_list(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.kpi import targets as targets_service

    ctx = open_context(args.db)
    try:
        targets = targets_service.list_targets(ctx.engine)
    finally:
        ctx.close()
    if args.json:
        _print_json(
            [
                {"key": t.key, "value": t.value, "higher_is_better": t.higher_is_better}
                for t in targets
            ]
        )
        return 0
    names = _kpi_names(args)
    rows = [
        [
            t.key,
            names.get(t.key, t.name),
            _fmt_target(t.key, t.value, t.higher_is_better),
            t.updated_at.isoformat() if t.updated_at else say(args, "targets_default"),
        ]
        for t in targets
    ]
    print(_table(columns(args, "targets_headers"), rows, right_from=2))
    return 0


def run_targets_set(args: argparse.Namespace) -> int:
    from center.commands._auth import login
    from center.context import open_context
    from center.core.errors import UserError
    from center.kpi import targets as targets_service

    try:
        value = targets_service.validate_target(args.key, args.value)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    ctx = open_context(args.db)
    try:
        actor = login(args, ctx.engine, "set_target", "targets set")
        t = targets_service.set_target(ctx.engine, args.key, value, actor=actor)
    finally:
        ctx.close()
    target = _fmt_target(t.key, t.value, t.higher_is_better)
    print(
        say(args, "target_set", key=t.key, name=_kpi_names(args).get(t.key, t.name), target=target)
    )
    return 0
