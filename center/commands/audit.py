"""`center audit verify` and `center audit list`.

``verify`` walks the tamper-evident audit chain: exit 0 when it is intact, 1 naming
the first broken row. ``list`` prints the audit rows that match its filters, as a
table or (``--json``) a JSON array of objects. Both are for admins and assessors, who
log in with ``--login NAME`` (``--user`` of ``list`` filters by the rows' user).

Only the standard library at module level: the services load when a command runs.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import TYPE_CHECKING

from center.commands.messages import error, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", help="the audit log: verify the chain, list rows")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser(
        "verify",
        parents=[common],
        help="check the audit chain (exit 1 naming the first broken row)",
        description="Walk the tamper-evident audit chain and name the first broken row.",
    )
    _login_option(v)
    v.set_defaults(func=run_verify)
    ls = asub.add_parser(
        "list",
        parents=[common],
        help="list audit rows (newest --limit, oldest first)",
        description="List audit rows; the filters combine.",
    )
    ls.add_argument("--user", metavar="U", help="rows written by user U")
    ls.add_argument("--action", metavar="A", help="rows of action A (case.* : a prefix)")
    ls.add_argument("--since", metavar="ISO", help="rows at or after this instant (+08:00)")
    ls.add_argument("--record", metavar="KIND:ID", help="rows about one record, e.g. case:C…")
    ls.add_argument("--limit", metavar="N", type=int, default=1000, help="at most N rows")
    ls.add_argument("--json", action="store_true", help="print a JSON array of objects")
    _login_option(ls)
    ls.set_defaults(func=run_list)


def _login_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--login",
        metavar="NAME",
        help="who reads the audit log: an admin or assessor (else CENTER_USER); the password "
        "comes from CENTER_PASSWORD or a prompt",
    )


def _reader(args: argparse.Namespace, engine: Engine, what: str) -> Actor | None:
    """The admin or assessor who reads the log (nobody to ask while no account can log in)."""
    from center.commands._auth import login_once_possible

    return login_once_possible(
        argparse.Namespace(user=args.login, lang=args.lang), engine, "read_audit", what
    )


def _since(args: argparse.Namespace, value: str | None) -> datetime | None:
    from db.types import to_local

    if value is None:
        return None
    try:
        return to_local(datetime.fromisoformat(value))
    except ValueError:
        raise error(args, "since_invalid", value=value) from None


def run_verify(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.core.audit import verify_chain

    ctx = open_context(args.db)
    try:
        _reader(args, ctx.engine, "audit verify")
        report = verify_chain(ctx.engine)
    finally:
        ctx.close()
    if report.intact:
        print(say(args, "chain_intact", rows=report.rows, head=report.head))
        return 0
    print(say(args, "chain_broken", id=report.broken_id, reason=report.reason))
    return 1


def run_list(args: argparse.Namespace) -> int:
    since = _since(args, args.since)
    if args.limit < 1:
        raise error(args, "limit_min")
    from center.core.audit import parse_record

    if args.record is not None:
        try:
            parse_record(args.record)
        except ValueError as exc:
            raise error(args, "record_invalid", detail=exc) from None

    from center.context import open_context
    from center.core.audit import list_audit

    ctx = open_context(args.db)
    try:
        entries = list_audit(
            ctx.engine,
            user=args.user,
            action=args.action,
            since=since,
            record=args.record,
            limit=args.limit,
            actor=_reader(args, ctx.engine, "audit list"),
        )
    finally:
        ctx.close()
    if args.json:
        print(json.dumps([e.to_json_dict() for e in entries], ensure_ascii=False, indent=2))
        return 0
    for e in entries:
        stamp = f"{e.at:%Y-%m-%d %H:%M:%S}"
        print(f"{e.id:>7}  {stamp}  {e.actor}  {e.action}  {e.record}  {e.detail or ''}")
    if not entries:
        print(say(args, "no_audit_rows"))
    return 0
