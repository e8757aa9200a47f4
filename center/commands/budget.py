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
    from center.core.errors import UserError
    from center.kpi.compute import parse_as_of

    if not args.as_of:
        return None
    try:
        return parse_as_of(args.as_of)
    except ValueError as exc:
        raise UserError(f"--as-of: {exc}") from None


def _check_year(year: int) -> None:
    from center.core.errors import UserError

    if not 1900 <= year <= 2100:
        raise UserError(f"--year {year} is out of range (1900–2100)")


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
        print(f"warning: {w}", file=sys.stderr)
    counts = f"{result.inserted} inserted, {result.updated} updated, {result.unchanged} unchanged"
    if result.dry_run:
        print(
            f"dry run: {result.file}: {result.rows} rows valid; would be {counts}; nothing written"
        )
    else:
        print(f"imported {args.kind} from {result.file}: {result.rows} rows ({counts})")
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
    print(f"exported {n} {args.kind} rows to {args.file}")
    return 0


def run_settings(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.office import ledger

    _check_year(args.year)
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
    own = "" if settings.own else " (the defaults: the year has no settings of its own)"
    print(
        f"{settings.year}: {settings.yuan_per_household:.2f} yuan per household, "
        f"split {split} (personnel, activities, equipment){own}"
    )
    return 0


def run_summary(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.office.budget import budget_summary

    _check_year(args.year)
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
    _print_summary(doc)
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _print_summary(doc: dict) -> None:
    print(f"budget {doc['year']} as of {doc['as_of']}")
    print(
        f"  {doc['households']} households × {doc['yuan_per_household']} = standard "
        f"{doc['standard']}; funded {doc['funded']}; gap {doc['gap']} "
        f"({_pct(doc['gap_rate'])} of the standard)"
    )
    print(
        f"  spent {doc['spent']} = {_pct(doc['execution'])} of the funding; "
        f"year-end forecast {doc['forecast']}"
    )
    print(
        f"  {'category':<12} {'standard':>12} {'funded':>12} {'spent':>12} {'exec.':>7} "
        f"{'forecast':>12}"
    )
    for cat, r in doc["by_category"].items():
        flag = "  AT RISK" if r["at_risk"] else ""
        print(
            f"  {cat:<12} {r['standard']:>12} {r['funded']:>12} {r['spent']:>12} "
            f"{_pct(r['execution']):>7} {r['forecast']:>12}{flag}"
        )
    print(f"  {'source':<22} {'funded':>12} {'spent':>12} {'exec.':>7}")
    for src, r in doc["by_source"].items():
        print(f"  {src:<22} {r['funded']:>12} {r['spent']:>12} {_pct(r['execution']):>7}")
    print("  spent by quarter: " + ", ".join(f"{q} {v}" for q, v in doc["by_quarter"].items()))
    for line in doc["lines"]:
        flag = "  OVERSPENT" if line["overspent"] else ""
        print(
            f"  line {line['line_code']:<14} {line['category']:<11} {line['source']:<21} "
            f"funded {line['funded']:>11} spent {line['spent']:>11} "
            f"{_pct(line['execution']):>7}{flag}"
        )
    for c in [*doc["communities"], {"code": "street", **doc["street"]}]:
        print(
            f"  {c['code']:<10} cost {c['cost']:>11}; {c['met_visits']} met visits "
            f"({c['cost_per_visit'] or '—'} each); {c['closed_cases']} closed cases "
            f"({c['cost_per_closed_case'] or '—'} each)"
        )


def run_disclosure(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.core.errors import UserError
    from reports.disclosure import build_disclosure

    as_of = _as_of(args)
    ctx = open_context(args.db)
    try:
        who = _login(args, ctx.engine, "manage_budget", "report disclosure")
        path = build_disclosure(ctx.engine, who, args.quarter, args.output, as_of=as_of)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    finally:
        ctx.close()
    print(f"wrote {path}: public disclosure {args.quarter}")
    return 0
