"""`center visits plan --staff CODE -o FILE.pdf|.csv [--as-of ISO] [--include-done]`: a
grid worker's route sheet (走访路线单) from the command line, the same file the
workstation's visit planning writes ("Route sheet PDF…" / "Export CSV…").

The households of the staff member's grid due or overdue by cadence at ``--as-of``
(default now), in route order (:func:`center.visits.planning.plan_for_staff`); a
``.pdf`` is the printable sheet (:func:`reports.route_sheet.write_route_pdf`, in the
language of ``--lang``, else the setting ``lang``, default zh_CN), a ``.csv`` the file
for the mobile terminal (:func:`center.visits.planning.write_route_csv`).

The user logs in (``--user NAME`` or ``CENTER_USER``, the password from
``CENTER_PASSWORD`` or a prompt) and needs ``plan_visits`` there: a coordinator for any
grid, a grid worker for its own. On a database where nobody can log in yet, the
operating-system login plans as a coordinator. A refused command prints one ``error:``
line, exits 2 and writes nothing.

Only the standard library at module level: the services and Qt (for the sheet's
translated words) load when the command runs.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option
from center.commands.messages import error

if TYPE_CHECKING:
    from center.visits.planning import VisitPlan

LANGS = ("zh_CN", "en")
SUFFIXES = (".pdf", ".csv")

# (zh_CN, en) of the line printed after writing
WROTE = (
    "已写入 {path}（{n} 户，网格员 {staff}，截至 {as_of}）",
    "wrote {path} ({n} households, staff {staff}, as of {as_of})",
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "visits",
        help="door-knocking visits: a grid worker's route sheet",
        description="Visits (入户走访) from the command line.",
    )
    vsub = p.add_subparsers(dest="visits_command", metavar="ACTION", required=True)
    q = vsub.add_parser(
        "plan",
        parents=[common],
        help="write a grid worker's route sheet (.pdf to print, .csv for the mobile terminal)",
        description="The households of a grid worker's grid that are due or overdue by "
        "cadence, in route order: the route sheet the workstation's visit planning writes.",
    )
    q.add_argument("--staff", required=True, metavar="CODE", help="the grid worker's staff code")
    q.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.pdf or FILE.csv")
    q.add_argument("--as-of", metavar="ISO8601", help="planning instant (default: now)")
    q.add_argument(
        "--include-done",
        action="store_true",
        help="also list households whose cadence is already met",
    )
    add_user_option(q, who="who plans (a coordinator, or the grid's worker)")
    q.set_defaults(func=run_plan)


def _lang(args: argparse.Namespace) -> str:
    """``--lang`` (every command's: also the sheet's language), else the setting."""
    from center.commands.messages import lang_of

    return lang_of(args)


def _as_of(args: argparse.Namespace) -> datetime | None:
    from center.kpi.compute import parse_as_of

    if not args.as_of:
        return None
    try:
        return parse_as_of(args.as_of)
    except ValueError as exc:
        raise error(args, "as_of", detail=exc) from None


def _output(args: argparse.Namespace) -> Path:
    out = Path(args.output)
    if out.suffix.lower() not in SUFFIXES:
        raise error(args, "plan_suffix", path=args.output)
    if not out.parent.is_dir():
        raise error(args, "no_folder", path=args.output, folder=out.parent)
    return out


def run_plan(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from center.commands._auth import login_once_possible
    from center.context import open_context
    from center.core.access import Actor, os_login
    from center.visits import planning as svc
    from db.models import Street

    lang = _lang(args)
    out = _output(args)
    as_of = _as_of(args)
    ctx = open_context(args.db)
    try:
        actor = login_once_possible(args, ctx.engine, "plan_visits", "visits plan")
        if actor is None:
            actor = Actor(os_login(), "coordinator")
        plan = svc.plan_for_staff(
            ctx.engine, actor, args.staff.strip(), as_of, include_ok=args.include_done
        )
        with ctx.engine.connect() as conn:
            street = conn.scalar(select(Street.name).order_by(Street.id).limit(1)) or ""
    finally:
        ctx.close()
    if out.suffix.lower() == ".csv":
        n = svc.write_route_csv(plan, out)
    else:
        n = _write_pdf(plan, out, street, lang)
    print(
        WROTE[LANGS.index(lang)].format(
            path=out, n=n, staff=plan.staff.code, as_of=plan.as_of.isoformat(timespec="minutes")
        )
    )
    return 0


def _write_pdf(plan: VisitPlan, out: Path, street: str, lang: str) -> int:
    """The workstation's sheet: its words come from the workstation's translations."""
    from PySide6.QtCore import QCoreApplication

    from center.windows.runtime.i18n import install_translators
    from center.windows.workstation.planning import route_sheet_text
    from reports.route_sheet import write_route_pdf

    app = QCoreApplication.instance() or QCoreApplication([])
    install_translators(app, lang)
    return write_route_pdf(plan, out, route_sheet_text(), street)
