"""`center budget import|export|settings|summary` and `center report disclosure`
(`spec/office.md` "Budget").

Only the standard library at module level: the services load when a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option
from center.commands.messages import columns, error, pad, say

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Engine

    from center.core.access import Actor

KINDS = ("lines", "expenditures")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "budget",
        help="the budget ledger: import, export, per-year settings, summary",
        description="Funding lines and expenditures (经费), the per-year standard and the "
        "figures of spec/office.md. Writing needs the finance role (settings: finance or "
        "admin); the summary reads aggregates only.",
    )
    bsub = p.add_subparsers(dest="budget_command", metavar="ACTION", required=True)

    i = bsub.add_parser(
        "import",
        parents=[common],
        help="import funding lines or expenditures (all or nothing)",
        description="Import FILE (CSV in UTF-8 or GB18030, or XLSX) of funding lines "
        "(line_code*, year*, category*, source*, amount*, granted_on, document, note) or "
        "expenditures (voucher_no*, line_code*, spent_on*, amount*, payee*, community_code, "
        "note). Nothing is written unless every row is valid.",
    )
    i.add_argument("kind", metavar="KIND", choices=KINDS, help="lines or expenditures")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    add_user_option(i, who="the finance user who imports")
    i.set_defaults(func=run_import)

    e = bsub.add_parser(
        "export",
        parents=[common],
        help="export funding lines or expenditures (same columns as the import)",
    )
    e.add_argument("kind", metavar="KIND", choices=KINDS, help="lines or expenditures")
    e.add_argument("file", metavar="FILE", help=".csv (UTF-8 with BOM) or .xlsx")
    add_user_option(e, who="the finance user who exports")
    e.set_defaults(func=run_export)

    s = bsub.add_parser(
        "settings",
        parents=[common],
        help="a year's yuan per household and split (without options: show them)",
    )
    s.add_argument("--year", required=True, type=int, metavar="YYYY")
    s.add_argument("--per-household", metavar="YUAN", help="yuan per household, e.g. 20.00")
    s.add_argument(
        "--split",
        metavar="P,A,E",
        help="shares of personnel, activities and equipment summing to 1, e.g. 0.6,0.3,0.1",
    )
    add_user_option(s, who="the finance or admin user who sets them")
    s.set_defaults(func=run_settings)

    m = bsub.add_parser(
        "summary",
        parents=[common],
        help="standard, funded, spent, gap, execution, forecast, value for money",
    )
    m.add_argument("--year", required=True, type=int, metavar="YYYY")
    m.add_argument("--as-of", metavar="ISO8601", help="evaluation instant (default: now)")
    m.add_argument("--json", action="store_true", help="print the JSON of spec/office.md")
    m.set_defaults(func=run_summary)


def add_disclosure_parser(
    rsub: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    """``center report disclosure --quarter YYYYQn -o FILE.pdf|FILE.xlsx``."""
    d = rsub.add_parser(
        "disclosure",
        parents=[common],
        help="public disclosure of the budget (公开明细), PDF or XLSX",
        description="The quarter's funding received and every expenditure (personnel "
        "aggregated per month and line, never by person), totals by category and source, "
        "and the year to date. Built by a finance user who logs in.",
    )
    d.add_argument("--quarter", required=True, metavar="YYYYQn")
    d.add_argument("-o", "--output", required=True, metavar="FILE", help=".pdf or .xlsx")
    d.add_argument("--as-of", metavar="T", help="evaluation instant, ISO 8601 (default: now)")
    add_user_option(d, who="the finance user who builds it")
    d.set_defaults(func=run_disclosure)


def _login(args: argparse.Namespace, engine: Engine, action: str, what: str) -> Actor:
    """The user who logs in (``--user``/``CENTER_USER``, whose roles must allow
    ``action``); while no account can log in yet (a fresh database, nobody to ask) the
    operating-system login, as a ``finance`` user, whom the audit names."""
    from center.commands._auth import login_once_possible
    from center.core.access import Actor, os_login

    actor = login_once_possible(args, engine, action, what)
    return actor if actor is not None else Actor(os_login(), "finance")


def _as_of(args: argparse.Namespace) -> datetime | None:
    from center.kpi.compute import parse_as_of

    if not args.as_of:
        return None
    try:
        return parse_as_of(args.as_of)
    except ValueError as exc:
        raise error(args, "as_of", detail=exc) from None


def _check_year(args: argparse.Namespace, year: int) -> None:
    if not 1900 <= year <= 2100:
        raise error(args, "year_option_range", year=year)


def run_import(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.interchange.budget import BudgetImportRejected, import_budget

    ctx = open_context(args.db)
    try:
        actor = _login(args, ctx.engine, "manage_budget", f"budget import {args.kind}")
        result = import_budget(ctx.engine, actor, args.kind, args.file, dry_run=args.dry_run)
    except BudgetImportRejected as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        print(f"center: {args.file}: {exc}", file=sys.stderr)
        return 1
    finally:
        ctx.close()
    for w in result.warnings:
        print(say(args, "warning", text=w), file=sys.stderr)
    counts = say(
        args,
        "import_counts",
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    if result.dry_run:
        print(say(args, "dry_run", file=result.file, rows=result.rows, counts=counts))
    else:
        print(
            say(args, "imported", kind=args.kind, file=result.file, rows=result.rows, counts=counts)
        )
    return 0


def run_export(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.interchange.budget import export_budget

    ctx = open_context(args.db)
    try:
        actor = _login(args, ctx.engine, "manage_budget", f"budget export {args.kind}")
        n = export_budget(ctx.engine, actor, args.kind, args.file)
    finally:
        ctx.close()
    print(say(args, "exported", n=n, kind=args.kind, file=args.file, note=""))
    return 0


def run_settings(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.office import ledger

    _check_year(args, args.year)
    ctx = open_context(args.db)
    try:
        if args.per_household is None and args.split is None:
            settings = ledger.budget_settings(ctx.engine, args.year)
        else:
            actor = _login(args, ctx.engine, "budget_settings", "budget settings")
            settings = ledger.set_budget_settings(
                ctx.engine, actor, args.year, args.per_household, args.split
            )
    finally:
        ctx.close()
    split = ",".join(str(settings.split[c]) for c in ("personnel", "activities", "equipment"))
    own = "" if settings.own else say(args, "budget_defaults")
    yuan = f"{settings.yuan_per_household:.2f}"
    print(say(args, "budget_settings", year=settings.year, yuan=yuan, split=split, own=own))
    return 0


def run_summary(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.office.budget import budget_summary

    _check_year(args, args.year)
    as_of = _as_of(args)
    ctx = open_context(args.db)
    try:
        summary = budget_summary(ctx.engine, args.year, as_of)
    finally:
        ctx.close()
    doc = summary.to_json_dict()
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    _print_summary(args, doc)
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _print_summary(args: argparse.Namespace, doc: dict) -> None:
    print(say(args, "budget_title", year=doc["year"], as_of=doc["as_of"]))
    print(
        say(
            args,
            "budget_standard",
            households=doc["households"],
            per=doc["yuan_per_household"],
            standard=doc["standard"],
            funded=doc["funded"],
            gap=doc["gap"],
            rate=_pct(doc["gap_rate"]),
        )
    )
    print(
        say(
            args,
            "budget_spent",
            spent=doc["spent"],
            rate=_pct(doc["execution"]),
            forecast=doc["forecast"],
        )
    )
    h = columns(args, "budget_cat_header")
    print(
        f"  {pad(h[0], 12)} {pad(h[1], 12, True)} {pad(h[2], 12, True)} {pad(h[3], 12, True)} "
        f"{pad(h[4], 7, True)} {pad(h[5], 12, True)}"
    )
    for cat, r in doc["by_category"].items():
        flag = say(args, "at_risk") if r["at_risk"] else ""
        print(
            f"  {cat:<12} {r['standard']:>12} {r['funded']:>12} {r['spent']:>12} "
            f"{_pct(r['execution']):>7} {r['forecast']:>12}{flag}"
        )
    h = columns(args, "budget_src_header")
    print(f"  {pad(h[0], 22)} {pad(h[1], 12, True)} {pad(h[2], 12, True)} {pad(h[3], 7, True)}")
    for src, r in doc["by_source"].items():
        print(f"  {src:<22} {r['funded']:>12} {r['spent']:>12} {_pct(r['execution']):>7}")
    quarters = ", ".join(f"{q} {v}" for q, v in doc["by_quarter"].items())
    print(say(args, "by_quarter") + quarters)
    for line in doc["lines"]:
        print(
            say(
                args,
                "budget_line",
                code=f"{line['line_code']:<14}",
                category=f"{line['category']:<11}",
                source=f"{line['source']:<21}",
                funded=f"{line['funded']:>11}",
                spent=f"{line['spent']:>11}",
                rate=f"{_pct(line['execution']):>7}",
                flag=say(args, "overspent") if line["overspent"] else "",
            )
        )
    street = say(args, "street_word")
    for c in [*doc["communities"], {"code": street, **doc["street"]}]:
        print(
            say(
                args,
                "budget_value",
                code=pad(c["code"], 10),
                cost=f"{c['cost']:>11}",
                visits=c["met_visits"],
                per_visit=c["cost_per_visit"] or "—",
                cases=c["closed_cases"],
                per_case=c["cost_per_closed_case"] or "—",
            )
        )


def run_disclosure(args: argparse.Namespace) -> int:
    from center.context import open_context
    from reports.disclosure import build_disclosure

    as_of = _as_of(args)
    ctx = open_context(args.db)
    try:
        who = _login(args, ctx.engine, "manage_budget", "report disclosure")
        path = build_disclosure(ctx.engine, who, args.quarter, args.output, as_of=as_of)
    except OSError as exc:
        raise error(args, "cannot_write", path=args.output, detail=exc.strerror or exc) from None
    finally:
        ctx.close()
    print(say(args, "disclosure_wrote", path=path, quarter=args.quarter))
    return 0
