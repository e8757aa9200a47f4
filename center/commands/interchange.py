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


def _report(result: ImportResult) -> None:
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    counts = f"{result.inserted} inserted, {result.updated} updated, {result.unchanged} unchanged"
    if result.deleted:
        counts += f", {result.deleted} deleted"
    if result.related_changes:
        counts += f", {result.related_changes} related rows written"
    if result.dry_run:
        print(
            f"dry run: {result.file}: {result.rows} rows valid; would be {counts}; nothing written"
        )
        return
    print(f"imported {result.kind} from {result.file}: {result.rows} rows ({counts})")
    if result.deadlines_changed is not None:
        print(f"recomputed case deadlines: {result.deadlines_changed} changed")


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
    _report(result)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from center.interchange import service as ix

    def call(ctx: object, path: str, **kw: object) -> ImportResult:
        return ix.import_file(ctx, args.kind, path, **kw)  # type: ignore[arg-type]

    return _import(args, call, f"importing {args.kind}", "import", f"import {args.kind}")


def run_holidays_import(args: argparse.Namespace) -> int:
    from center.interchange import service as ix

    return _import(
        args, ix.import_holidays, "importing holidays", "set_holidays", "holidays import"
    )


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
        raise UserError(f"{args.file}: cannot write the file ({exc.strerror})") from exc
    finally:
        ctx.close()
    masked = ix.carries_pi(args.kind) and not args.with_pi
    note = " (personal information masked)" if masked else ""
    print(f"exported {n} {args.kind} rows to {args.file}{note}")
    return 0


_STATUS_TEXT = {
    "official": "official calendar (chinesecalendar package)",
    "override": "from the override table (imported with `center holidays import`)",
    "missing": "missing: neither the chinesecalendar package nor the override table covers "
    "it; Monday to Friday count as working days and deadlines in this year are provisional. "
    "Import the year's arrangement with `center holidays import FILE`",
}


def run_holidays_list(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.core.errors import UserError
    from center.interchange import service as ix

    if not 1900 <= args.year <= 2100:
        raise UserError(f"year {args.year} is out of range (1900–2100)")
    ctx = open_context(args.db)
    try:
        listing = ix.list_holidays(ctx.engine, args.year)
    finally:
        ctx.close()
    print(f"{listing.year}: {_STATUS_TEXT[listing.status]}")
    if listing.status == "official" and listing.override_count:
        print(f"{listing.override_count} date(s) overridden by the override table")
    for e in listing.entries:
        mark = "  (override)" if e.source == "override" and listing.status == "official" else ""
        print(f"{e.day.isoformat()}  {e.kind:<7}  {e.name or ''}{mark}".rstrip())
    return 0
