"""`center import KIND FILE`, `center export KIND FILE`, `center holidays import|list`.

Only the standard library at module level: the services load when a command runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option
from center.commands.messages import error, say
from center.core.vocab import INTERCHANGE_KINDS

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor
    from center.interchange.service import ImportResult

PROGRESS_MIN_ROWS = 20_000  # files smaller than this import without a progress line
KINDS = INTERCHANGE_KINDS


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    kinds = ", ".join(KINDS)
    p = sub.add_parser(
        "import",
        parents=[common],
        help="import an interchange file (all or nothing)",
        description=f"Import FILE of KIND ({kinds}). Grids are GeoJSON, the others CSV "
        "(UTF-8 or GB18030) or XLSX. Nothing is written unless every row is valid.",
    )
    p.add_argument("kind", metavar="KIND", choices=KINDS, help=kinds)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    add_user_option(p, who="the admin who imports")
    p.set_defaults(func=run_import)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="export an interchange file (same columns as the import)",
        description=f"Export KIND ({kinds}) to FILE: .csv (UTF-8 with BOM) or .xlsx; grids "
        "to .geojson. Personal information (residents' names, identity numbers and phones, "
        "staff phones) is masked unless --with-pi is given by an admin; every export is "
        "recorded in the audit log.",
    )
    p.add_argument("kind", metavar="KIND", choices=KINDS, help=kinds)
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--with-pi",
        action="store_true",
        help="write personal information in clear (admin only; audited)",
    )
    add_user_option(p)
    p.set_defaults(func=run_export)

    p = sub.add_parser("holidays", help="holiday overrides: import, list")
    hsub = p.add_subparsers(dest="holidays_command", metavar="ACTION", required=True)
    hi = hsub.add_parser(
        "import",
        parents=[common],
        help="replace the overrides of the years in FILE and recompute deadlines",
    )
    hi.add_argument("file", metavar="FILE")
    hi.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    add_user_option(hi, who="the admin who imports")
    hi.set_defaults(func=run_holidays_import)
    hl = hsub.add_parser("list", parents=[common], help="list the days off and working days")
    hl.add_argument("year", metavar="YEAR", type=int)
    hl.set_defaults(func=run_holidays_list)


class _ProgressLine:
    """A simple progress line on stderr: rewritten in place on a terminal, a few
    plain lines otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self.last_pct = -1
        self.last_time = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        now = time.monotonic()
        if self.tty:
            if pct == self.last_pct or (now - self.last_time < 0.2 and pct < 100):
                return
            print(f"\r{self.label}: {pct:3d}%", end="", file=sys.stderr, flush=True)
        else:
            if pct // 25 == self.last_pct // 25:
                return
            print(f"{self.label}: {pct}%", file=sys.stderr, flush=True)
        self.last_pct, self.last_time, self.shown = pct, now, True

    def close(self) -> None:
        if self.tty and self.shown:
            print(file=sys.stderr)


def _rows_hint(path: str) -> int:
    """Cheap size estimate so small files never print a progress line."""
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 0


def _report(args: argparse.Namespace, result: ImportResult) -> None:
    for w in result.warnings:
        print(say(args, "warning", text=w), file=sys.stderr)
    counts = say(
        args,
        "import_counts",
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    if result.deleted:
        counts += say(args, "import_deleted", n=result.deleted)
    if result.related_changes:
        counts += say(args, "import_related", n=result.related_changes)
    if result.dry_run:
        print(say(args, "dry_run", file=result.file, rows=result.rows, counts=counts))
        return
    print(
        say(args, "imported", kind=result.kind, file=result.file, rows=result.rows, counts=counts)
    )
    if result.deadlines_changed is not None:
        print(say(args, "deadlines", n=result.deadlines_changed))


def _import(
    args: argparse.Namespace, call: Callable[..., ImportResult], label: str, action: str, what: str
) -> int:
    from center.context import open_context
    from center.core.errors import UserError
    from center.interchange import service as ix

    ctx = open_context(args.db, create=True)
    bar = _ProgressLine(label) if _rows_hint(args.file) >= PROGRESS_MIN_ROWS else None
    try:
        actor = _actor(args, ctx.engine, action, what)
        result = call(ctx, args.file, dry_run=args.dry_run, progress=bar, actor=actor)
    except ix.ImportRejected as exc:
        if bar:
            bar.close()
        for line in exc.problems:
            print(line, file=sys.stderr)
        print(f"center: {args.file}: {exc}", file=sys.stderr)
        return 1
    except ix.InterchangeError as exc:
        raise UserError(str(exc)) from exc
    finally:
        ctx.close()
    if bar:
        bar.close()
    _report(args, result)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from center.interchange import service as ix

    def call(ctx: object, path: str, **kw: object) -> ImportResult:
        return ix.import_file(ctx, args.kind, path, **kw)  # type: ignore[arg-type]

    label = say(args, "importing", kind=args.kind)
    return _import(args, call, label, "import", f"import {args.kind}")


def run_holidays_import(args: argparse.Namespace) -> int:
    from center.interchange import service as ix

    label = say(args, "importing", kind="holidays")
    return _import(args, ix.import_holidays, label, "set_holidays", "holidays import")


def _actor(args: argparse.Namespace, engine: Engine, action: str, what: str) -> Actor:
    """Who runs the command: the user logged in with ``--user`` / ``CENTER_USER`` and
    ``CENTER_PASSWORD`` or the prompt (:mod:`center.commands._auth`), whose roles
    must allow ``action``."""
    from center.commands._auth import login

    return login(args, engine, action, what)


def run_export(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.core.errors import UserError
    from center.interchange import service as ix

    ctx = open_context(args.db)
    try:
        actor = _actor(args, ctx.engine, "export", f"export {args.kind}")
        n = ix.export_file(ctx, args.kind, args.file, actor=actor, with_pi=args.with_pi)
    except ix.InterchangeError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise error(args, "cannot_write_file", path=args.file, detail=exc.strerror) from exc
    finally:
        ctx.close()
    masked = ix.carries_pi(args.kind) and not args.with_pi
    note = say(args, "pi_masked") if masked else ""
    print(say(args, "exported", n=n, kind=args.kind, file=args.file, note=note))
    return 0


def run_holidays_list(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.interchange import service as ix

    if not 1900 <= args.year <= 2100:
        raise error(args, "year_range", year=args.year)
    ctx = open_context(args.db)
    try:
        listing = ix.list_holidays(ctx.engine, args.year)
    finally:
        ctx.close()
    print(f"{listing.year}: {say(args, 'holidays_' + listing.status)}")
    if listing.status == "official" and listing.override_count:
        print(say(args, "holidays_overridden", n=listing.override_count))
    for e in listing.entries:
        official = e.source == "override" and listing.status == "official"
        mark = say(args, "override_mark") if official else ""
        print(f"{e.day.isoformat()}  {e.kind:<7}  {e.name or ''}{mark}".rstrip())
    return 0
