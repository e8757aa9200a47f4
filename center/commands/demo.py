"""`center demo`: build a realistic, deterministic demo street (all people invented)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option

if TYPE_CHECKING:
    from center.demo.build import DemoSummary


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "demo",
        parents=[common],
        help="build a realistic demo street (invented people) into an empty database",
        description=(
            "Build one street with communities, grids, households, residents, staff, "
            "twelve months of visits and joint meetings, 24 months of cases up to --as-of "
            "(seasons, holidays, grid differences, trends) and the budget. "
            "The same --seed and --as-of always give the same data."
        ),
    )
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        metavar="K",
        help="size factor: 1 = a street of ~120 grids and ~30,000 households (default 1)",
    )
    p.add_argument(
        "--as-of",
        dest="as_of",
        metavar="ISO8601",
        help="the instant the data ends at (default: now); without an offset it is +08:00",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="delete all business data first (reference data, settings and accounts stay); "
        "needs --yes, and an automatic backup is taken first",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="confirm --replace (an automatic backup of the current data is taken first)",
    )
    add_user_option(p, who="the admin who replaces the data (with --replace)")
    p.set_defaults(func=run)


def parse_as_of(text: str | None) -> datetime | None:
    from center.core.errors import UserError
    from db.types import to_local

    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UserError(
            f"--as-of: {text!r} is not an ISO 8601 timestamp (e.g. 2026-11-05T09:00:00+08:00)"
        ) from exc
    return to_local(value)


class ProgressLine:
    """One progress line on stderr: rewritten in place on a terminal, else one line per
    step change (also used by `center db backup|restore`)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = ""

    def __call__(self, done: int, total: int, label: str) -> None:
        pct = 100 * done // max(1, total)
        if self.tty:
            sys.stderr.write(f"\r[{pct:3d}%] {label}\033[K")
            sys.stderr.flush()
        elif label != self.last:
            sys.stderr.write(f"[{pct:3d}%] {label}\n")
        self.last = label

    def close(self) -> None:
        if self.tty and self.last:
            sys.stderr.write("\n")
            sys.stderr.flush()


def summary_text(s: DemoSummary) -> str:
    return "\n".join(
        [
            f"demo street {s.street} built in {s.elapsed_s:.1f} s "
            f"(seed {s.seed}, scale {s.scale:g}, as of {s.as_of.isoformat()})"
            + (" — previous data replaced" if s.replaced else ""),
            (
                f"  {s.communities} communities, {s.grids} grids, {s.households:,} households "
                f"({s.special_households:,} special), {s.residents:,} residents"
            ),
            f"  {s.staff:,} staff, {s.users} new accounts, {s.visits:,} visits",
            s.accounts_text(),
            (
                f"  {s.cases:,} cases ({s.open_cases:,} open, {s.escalated_cases:,} escalated), "
                f"{s.meetings} joint meetings with {s.agenda_items} agenda items"
            ),
            f"  {s.budget_lines} funding lines, {s.expenditures} expenditures",
            f"  persistent laggards: {', '.join(s.lagging_grids) or '—'}; "
            f"improving: {', '.join(s.improving_grids) or '—'}",
            *grades_text(s),
        ]
    )


def grades_text(s: DemoSummary) -> list[str]:
    """The grade distribution of the last finished quarter's scorecards, per scope."""
    from center.core.vocab import GRADE_NAMES, SCOPE_NAMES

    if not s.grades:
        return []
    lines = [f"  {s.grade_quarter} scorecards (季考核, the last finished quarter):"]
    for scope, counts in s.grades.items():
        total = sum(counts.values())
        parts = [
            f"{GRADE_NAMES.get(grade, '无得分')} {n} ({100 * n / total:.0f}%)"
            for grade, n in counts.items()
        ]
        lines.append(f"    {SCOPE_NAMES[scope]} ({total}): " + " · ".join(parts))
    return lines


def run(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.core.errors import UserError
    from center.demo.build import DemoError, build_demo

    as_of = parse_as_of(args.as_of)
    if args.replace and not args.yes:
        from center.commands.dbcmd import CONFIRM

        raise UserError(f"--replace deletes all business data of the database: {CONFIRM}")
    ctx = open_context(args.db, create=True)
    actor = "demo"
    if args.replace:
        from center.commands._auth import login_admin
        from center.commands.dbcmd import auto_backup
        from db.backup import data_rows

        try:
            if data_rows(ctx.engine):
                actor = login_admin(args, ctx.engine, "demo --replace")
                auto_backup(ctx.engine, "replacing the data with the demo street", actor=actor)
        except BaseException:
            ctx.close()
            raise
    line = ProgressLine()
    try:
        summary = build_demo(
            ctx,
            seed=args.seed,
            scale=args.scale,
            as_of=as_of,
            progress=line,
            replace=args.replace,
            actor=actor,
        )
    except DemoError as exc:
        raise UserError(str(exc)) from exc
    finally:
        line.close()
        ctx.close()
    print(summary_text(summary))
    return 0
