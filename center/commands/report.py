"""`center report monthly|quarterly|annual|list|approve`: the PDF reports.

Building a report registers it as a draft (once per kind, period and scope) so an
assessor approves it with ``center report approve ID --user NAME`` (``--by NAME`` is
the same option: the assessor logs in, password from ``CENTER_PASSWORD`` or a prompt);
building it again after the approval prints the document number.

Only the standard library at module level: the services load when a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option
from center.commands.messages import columns, error, lang_of, pad, say
from center.core.vocab import MEETING_REPORT_KINDS, QUARTER_SCOPES, REPORT_KINDS

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor

KINDS = REPORT_KINDS


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "report",
        help="PDF reports: monthly notice, quarterly scorecards, annual review",
        description="Official PDF reports (A4, Chinese). A report is a draft until an "
        "assessor approves it; only approved reports carry a document number 〔YYYY〕N号.",
    )
    rsub = p.add_subparsers(dest="report_command", metavar="ACTION", required=True)

    def output_options(q: argparse.ArgumentParser, what: str) -> None:
        q.add_argument("-o", "--output", required=True, metavar="PATH", help=what)
        q.add_argument(
            "--as-of",
            metavar="T",
            help="evaluation instant, ISO 8601 (default: now for a draft, the approval "
            "instant for an approved report)",
        )
        q.add_argument(
            "--by",
            metavar="NAME",
            help="the assessor who builds it, who logs in (else CENTER_USER; the password from "
            "CENTER_PASSWORD or a prompt); recorded with a new draft",
        )

    m = rsub.add_parser("monthly", parents=[common], help="monthly notice (月通报)")
    m.add_argument("--month", required=True, metavar="YYYY-MM")
    output_options(m, "the PDF file to write")
    m.set_defaults(func=run_monthly)

    q = rsub.add_parser("quarterly", parents=[common], help="quarterly scorecards (季考核)")
    q.add_argument("--quarter", required=True, metavar="YYYYQn")
    q.add_argument("--scope", choices=QUARTER_SCOPES, default="all")
    q.add_argument(
        "--split",
        action="store_true",
        help="one PDF per unit (plus one ranking per scope) into the directory -o",
    )
    output_options(q, "the PDF file to write, or the directory with --split")
    q.set_defaults(func=run_quarterly)

    a = rsub.add_parser("annual", parents=[common], help="annual review (年评优)")
    a.add_argument("--year", required=True, metavar="YYYY")
    output_options(a, "the PDF file to write")
    a.set_defaults(func=run_annual)

    from center.commands.budget import add_disclosure_parser

    add_disclosure_parser(rsub, common)

    for kind, what in (("minutes", "minutes (会议纪要)"), ("agenda", "agenda (会议议程)")):
        mt = rsub.add_parser(kind, parents=[common], help=f"a joint meeting's {what}")
        mt.add_argument("meeting", metavar="MEETING", help="the meeting code (center meeting new)")
        output_options(mt, "the PDF file to write")
        mt.set_defaults(func=run_meeting_doc, meeting_doc=kind)

    ls = rsub.add_parser("list", parents=[common], help="saved reports and their status")
    ls.add_argument("--kind", choices=KINDS + MEETING_REPORT_KINDS)
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=run_list)

    ap = rsub.add_parser(
        "approve", parents=[common], help="approve a draft and assign its document number"
    )
    ap.add_argument("id", type=int, metavar="ID", help="report id (see `center report list`)")
    add_user_option(ap, "--by", who="the approving assessor, who logs in")
    ap.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="approve a report whose period has not ended yet (统计期未结束): an admin "
        "only, with the reason (stored with the report; the audit records the override)",
    )
    ap.set_defaults(func=run_approve)


class _Progress:
    """Progress of a batch on stderr: in place on a terminal, every 25% otherwise."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.tty = sys.stderr.isatty()
        self.last = -1
        self.shown = False
        self.stamp = 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        if total <= 2:  # a single document: nothing worth a progress line
            return
        pct = 100 * done // total
        now = time.monotonic()
        if self.tty:
            if pct < 100 and now - self.stamp < 0.2:
                return
            line = say(self.lang, "writing_pdfs", pct=f"{pct:3d}", done=done, total=total)
            print("\r" + line, end="", file=sys.stderr, flush=True)
        else:
            if pct // 25 == self.last // 25:
                return
            line = say(self.lang, "writing_pdfs", pct=pct, done=done, total=total)
            print(line, file=sys.stderr, flush=True)
        self.last, self.stamp, self.shown = pct, now, True

    def close(self) -> None:
        if self.tty and self.shown:
            print(file=sys.stderr)


def _as_of(args: argparse.Namespace) -> datetime | None:
    from center.kpi.compute import parse_as_of

    if not args.as_of:
        return None
    try:
        return parse_as_of(args.as_of)
    except ValueError as exc:
        raise error(args, "as_of", detail=exc) from None


def _builder(args: argparse.Namespace, engine: Engine, kind: str) -> Actor:
    """Who builds the report: the assessor who logs in (``--by``/``CENTER_USER``). While
    no account can log in yet (a fresh database) nobody can log in: the name given,
    else the operating system's login, builds it as an ``assessor``."""
    from center.commands._auth import login_once_possible
    from center.core.access import Actor, os_login

    who = argparse.Namespace(user=args.by, lang=getattr(args, "lang", None))
    action = "build_minutes" if kind in MEETING_REPORT_KINDS else "build_report"
    actor = login_once_possible(who, engine, action, f"report {kind}")
    return actor or Actor(str(args.by) if args.by else os_login(), "assessor")


def _build(
    args: argparse.Namespace,
    kind: str,
    period: str,
    scope: str,
    call: Callable[[Engine, datetime | None, _Progress], list[Path]],
) -> int:
    from center.context import open_context
    from center.core.errors import UserError
    from center.reporting import snapshots as svc
    from reports.base import ReportError

    as_of = _as_of(args)
    lang = lang_of(args)
    ctx = open_context(args.db)
    bar = _Progress(lang)
    try:
        builder = _builder(args, ctx.engine, kind)
        paths = call(ctx.engine, as_of, bar)
        bar.close()
        earlier = svc.find_report(ctx.engine, kind, period, scope)
        record = svc.save_draft(ctx.engine, kind, period, scope, builder)
    except (svc.ReportRequestError, ReportError) as exc:
        bar.close()
        raise UserError(str(exc)) from None
    except OSError as exc:
        bar.close()
        raise error(lang, "cannot_write", path=args.output, detail=exc.strerror or exc) from None
    finally:
        ctx.close()
    where = (
        str(paths[0]) if len(paths) == 1 else say(lang, "files_to", n=len(paths), path=args.output)
    )
    if record.approved and as_of is not None and as_of != record.approved_at:
        print(
            say(
                lang,
                "report_note_as_of",
                id=record.id,
                approved=f"{record.approved_at:%Y-%m-%d %H:%M}",
                as_of=f"{as_of:%Y-%m-%d %H:%M}",
            ),
            file=sys.stderr,
        )
    if record.approved:
        key = "report_wrote_approved"
    else:  # building it again rewrites the PDF of the same draft
        key = "report_wrote_draft_again" if earlier is not None else "report_wrote_draft"
    print(
        say(
            lang,
            key,
            where=where,
            kind=svc.KIND_NAMES[kind],
            period=record.period,
            number=record.doc_number,
            id=record.id,
        )
    )
    return 0


def run_monthly(args: argparse.Namespace) -> int:
    from reports.build import build_monthly

    def call(engine: Engine, as_of: datetime | None, bar: _Progress) -> list[Path]:
        return [build_monthly(engine, args.month, args.output, as_of=as_of, progress=bar)]

    return _build(args, "monthly", args.month, "all", call)


def run_quarterly(args: argparse.Namespace) -> int:
    from reports.build import build_quarterly

    def call(engine: Engine, as_of: datetime | None, bar: _Progress) -> list[Path]:
        return build_quarterly(
            engine,
            args.quarter,
            args.scope,
            args.output,
            split=args.split,
            as_of=as_of,
            progress=bar,
        )

    return _build(args, "quarterly", args.quarter, args.scope, call)


def run_annual(args: argparse.Namespace) -> int:
    from reports.build import build_annual

    def call(engine: Engine, as_of: datetime | None, bar: _Progress) -> list[Path]:
        return [build_annual(engine, args.year, args.output, as_of=as_of, progress=bar)]

    return _build(args, "annual", args.year, "all", call)


def run_meeting_doc(args: argparse.Namespace) -> int:
    """`center report minutes|agenda MEETING -o FILE.pdf` (reports/minutes.py)."""
    from reports.minutes import build_agenda, build_minutes

    kind = args.meeting_doc
    build = build_minutes if kind == "minutes" else build_agenda

    def call(engine: Engine, as_of: datetime | None, bar: _Progress) -> list[Path]:
        return [build(engine, args.meeting, args.output, as_of=as_of, progress=bar)]

    return _build(args, kind, args.meeting.strip(), "all", call)


def run_list(args: argparse.Namespace) -> int:
    from center.context import open_context
    from center.reporting import snapshots as svc

    ctx = open_context(args.db)
    try:
        records = svc.list_reports(ctx.engine, kind=args.kind)
    finally:
        ctx.close()
    if args.json:
        print(json.dumps([r.to_json_dict() for r in records], ensure_ascii=False, indent=2))
        return 0
    if not records:
        print(say(args, "no_reports"))
        return 0
    pw = max(7, *(len(r.period) for r in records))  # a meeting's code is longer
    h = columns(args, "report_list_header")
    print(
        f"{pad(h[0], 4, True)}  {pad(h[1], 9)}  {pad(h[2], pw)}  {pad(h[3], 10)}  "
        f"{pad(h[4], 8)}  {pad(h[5], 12)}  {h[6]}"
    )
    for r in records:
        who = f"{r.created_at:%Y-%m-%d %H:%M} {r.created_by}"
        if r.approved and r.approved_at:
            who += f" / {r.approved_at:%Y-%m-%d %H:%M} {r.approved_by}"
        print(
            f"{r.id:>4}  {r.kind:<9}  {r.period:<{pw}}  {r.scope:<10}  {r.status:<8}  "
            f"{r.doc_number or '-':<12}  {who}"
        )
    return 0


def run_approve(args: argparse.Namespace) -> int:
    from center.commands._auth import login
    from center.context import open_context
    from center.core.errors import UserError
    from center.reporting import snapshots as svc

    ctx = open_context(args.db)
    try:
        kind = svc.get_report(ctx.engine, args.id).kind
        override = args.override_reason
        if override is not None:
            action = "approve_report_early"
        else:
            action = "approve_minutes" if kind in MEETING_REPORT_KINDS else "approve_report"
        approver = login(args, ctx.engine, action, "report approve")
        record = svc.approve(ctx.engine, args.id, approver, override_reason=override)
    except svc.PeriodNotEnded:
        raise  # as it is: the message catalogue words it in the user's language
    except svc.ReportRequestError as exc:
        raise UserError(str(exc)) from None
    finally:
        ctx.close()
    print(
        say(
            args,
            "report_approved",
            id=record.id,
            kind=svc.KIND_NAMES[record.kind],
            period=record.period,
            scope=record.scope,
            number=record.doc_number,
            by=record.approved_by,
        )
    )
    if record.override_reason is not None:
        print(say(args, "report_override"))
    if record.kind == "minutes":
        print(say(args, "minutes_approved", code=record.period))
    return 0
