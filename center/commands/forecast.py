"""`center forecast`: the demand forecast and its backtest (spec/insight.md).

``center forecast --month YYYY-MM [--as-of ISO] [--json]`` forecasts a month per grid ×
category with its 80 % interval; ``center forecast --backtest --months N [--as-of ISO]
[--json]`` runs the rolling-origin backtest of the model against the two baselines.
``--json`` prints exactly the objects of the spec; without it, readable tables.

The forecast is an aggregate: without ``--user`` it runs for a leader-level reader.
Only the standard library at module level: the services load when the command runs.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from center.commands._auth import add_user_option
from center.commands.messages import columns, error, is_en, pad, say, width

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor

CATEGORY_NAMES_ZH = {
    "policy": "政策咨询",
    "life": "生活服务",
    "dispute": "矛盾调解",
    "emergency": "应急求助",
}
METHOD_NAMES_ZH = {"model": "模型", "last_month": "上月值", "mean_3": "近三月均值"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "forecast",
        parents=[common],
        help="demand forecast per grid × category × month, or its backtest",
        description="The demand forecast of spec/insight.md: --month YYYY-MM, or "
        "--backtest --months N.",
    )
    p.add_argument("--month", metavar="YYYY-MM", help="the month to forecast")
    p.add_argument(
        "--backtest",
        action="store_true",
        help="instead: the rolling-origin backtest over the last N complete months",
    )
    p.add_argument("--months", metavar="N", help="months of the backtest")
    p.add_argument("--as-of", metavar="ISO8601", help="evaluation instant (default: now)")
    p.add_argument("--json", action="store_true", help="print the JSON object of spec/insight.md")
    add_user_option(p, who="who reads it (optional: an aggregate)")
    p.set_defaults(func=run_forecast)


def as_of_arg(args: argparse.Namespace) -> Any:
    """``--as-of`` as a local instant (default now, to the second); a bad value is refused
    in the user's language (also used by ``center export map``)."""
    from center.core.clock import now
    from center.kpi.compute import parse_as_of

    if not args.as_of:
        return now().replace(microsecond=0)
    try:
        return parse_as_of(args.as_of)
    except ValueError as exc:
        raise error(args, "as_of", detail=exc) from None


def _reader(args: argparse.Namespace, engine: Engine) -> Actor:
    """The named user, logged in; without one a leader-level reader of aggregates."""
    from center.commands._auth import login, user_name
    from center.core.access import Actor, os_login

    if user_name(args):
        return login(args, engine, "read_forecast", "forecast")
    return Actor(os_login(), "leader")


def _months(args: argparse.Namespace) -> int:
    text = (args.months or "").strip()
    if not text.isdigit() or int(text) < 1:
        raise error(args, "forecast_months", value=args.months)
    return int(text)


def run_forecast(args: argparse.Namespace) -> int:
    if bool(args.backtest) == bool(args.month):
        raise error(args, "forecast_mode")
    months = _months(args) if args.backtest else 0
    if args.month:
        from center.core.errors import InvalidInput
        from center.insight.forecast import month_index

        try:  # a mistyped month is refused before the database opens
            month_index(args.month)
        except InvalidInput:
            raise error(args, "forecast_month_invalid", value=args.month) from None
    as_of = as_of_arg(args)
    from center.context import open_context
    from center.insight import forecast as svc

    ctx = open_context(args.db)
    try:
        actor = _reader(args, ctx.engine)
        if args.backtest:
            result: Any = svc.backtest(ctx.engine, actor, months, as_of)
        else:
            result = svc.forecast_month(ctx.engine, actor, args.month, as_of)
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
        return 0
    if args.backtest:
        _print_backtest(args, result)
    else:
        _print_month(args, result)
    return 0


def _cat(args: argparse.Namespace, code: str) -> str:
    return code if is_en(args) else f"{CATEGORY_NAMES_ZH.get(code, code)}"


def _method(args: argparse.Namespace, code: str) -> str:
    return code if is_en(args) else f"{METHOD_NAMES_ZH.get(code, code)}({code})"


def _table(header: list[str], rows: list[list[str]], right_from: int) -> None:
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for n, row in enumerate([header, *rows]):
        print("  ".join(pad(c, widths[i], i >= right_from) for i, c in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _print_month(args: argparse.Namespace, fc: Any) -> None:
    print(
        say(
            args,
            "forecast_title",
            month=fc.month,
            as_of=fc.as_of.isoformat(),
            shown=_method(args, fc.selected),
            model=fc.model_name,
        )
    )
    if fc.selected != "model":
        print(say(args, "forecast_fallback", baseline=_method(args, fc.selected)))
    rows = [
        [c.grid, _cat(args, c.category), f"{c.forecast:.2f}", f"{c.lo:.0f}", f"{c.hi:.0f}"]
        for c in fc.cells
    ]
    total = sum(c.forecast for c in fc.cells)
    rows.append([say(args, "forecast_total"), "", f"{total:.2f}", "", ""])
    _table(columns(args, "forecast_headers"), rows, right_from=2)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _print_backtest(args: argparse.Namespace, bt: Any) -> None:
    if not bt.months:
        print(say(args, "backtest_none"))
        return
    print(
        say(
            args,
            "backtest_title",
            first=bt.months[0],
            last=bt.months[-1],
            n=len(bt.months),
            as_of=bt.as_of.isoformat(),
            model=bt.model_name,
            shown=_method(args, bt.selected),
        )
    )
    if bt.selected != "model":
        print(say(args, "forecast_fallback", baseline=_method(args, bt.selected)))
    keys = ("wape", "accuracy", "hotspot_precision", "interval_coverage")
    rows = [
        [_method(args, method), *(_rate(bt.metrics[method][k]) for k in keys)]
        for method in ("model", "last_month", "mean_3")
    ]
    _table(columns(args, "backtest_headers"), rows, right_from=1)
