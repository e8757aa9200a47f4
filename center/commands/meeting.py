"""`center meeting new|list|held|propose|add|accept|drop|decide|ack|progress|done|board`:
the joint meeting (联席会议) from the command line, exactly as `spec/office.md` words it.

* ``new --date YYYY-MM-DD [--time HH:MM] --title T --chair NAME [--place P]
  [--attend DEPT]…`` plans a meeting and prints its code as the last line (``--json``:
  ``{"code", "date", "time", "title", "chair", "status"}``); MEETING is that code.
* ``propose [--as-of ISO] [--json]``: the agenda proposal for the next planned meeting;
  each proposal's ``id`` is the ITEM the item commands take.
* ``add MEETING (--case CASE_NO | --topic TEXT)`` prints the new item's id as the last
  line; ``accept ITEM``, ``drop ITEM --reason R``, ``decide ITEM --lead DEPT [--with
  DEPT]… --measures TEXT --due YYYY-MM-DD``, ``ack ITEM`` (the lead department),
  ``progress ITEM --note TEXT``, ``done ITEM --note TEXT``.
* ``board [--as-of ISO] --json``: the board (columns, overdue item ids, next meeting).
* Extras: ``list [--json]`` (every meeting), ``held MEETING [--attend DEPT]…`` (the
  meeting took place: planned → held, so that its minutes can be approved).

Every write names its user (``--user NAME`` or ``CENTER_USER``, the password from
``CENTER_PASSWORD`` or a prompt); ``propose`` and ``board`` log in when a user is named
and otherwise run for an aggregate (leader-level) reader. Human-readable output and
the error messages follow ``--lang`` (else the setting ``lang``; default zh_CN);
``--json`` output and the code or id printed as a last line do not. A refused command
prints one error line, exits 2 and writes nothing.

Only the standard library at module level: the services load when a command runs.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from center.commands._auth import add_user_option
from center.commands.messages import error

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor

LANGS = ("zh_CN", "en")

# (zh_CN, en) of every human-readable line
TEXTS: dict[str, tuple[str, str]] = {
    "planned": (
        "已安排联席会议：{date} {time}《{title}》，主持人 {chair}{place}{attend}",
        "joint meeting planned: {date} {time} “{title}”, chaired by {chair}{place}{attend}",
    ),
    "place": ("，地点 {place}", ", at {place}"),
    "attend": ("，参会部门 {depts}", ", departments {depts}"),
    "held": (
        "联席会议 {code} 已召开（{status}），参会部门：{depts}",
        "joint meeting {code} recorded as held ({status}); attending: {depts}",
    ),
    "no_meetings": (
        "尚无联席会议：用 `center meeting new` 安排一次",
        "no joint meetings yet: plan one with `center meeting new`",
    ),
    "proposal_head": (
        "截至 {as_of} 的议题建议（{meeting}）：{n} 条",
        "agenda proposals as of {as_of} ({meeting}): {n}",
    ),
    "for_meeting": ("下次会议 {code} {date}", "next meeting {code} {date}"),
    "no_meeting": ("尚无待召开的会议", "no planned meeting"),
    "accept_hint": (
        "列入议程：center meeting accept ITEM；撤下：center meeting drop ITEM --reason 理由",
        "accept with `center meeting accept ITEM`, drop with `center meeting drop ITEM --reason R`",
    ),
    "added": (
        "已将事项 {id} 列入 {meeting} 的议程（{status}）",
        "item {id} added to the agenda of {meeting} ({status})",
    ),
    "moved": (
        "事项 {id}：{before_name} → {status_name}（版本 {version}）",
        "item {id}: {before} → {status} (version {version})",
    ),
    "noted": (
        "事项 {id}：已记录进展（{status_name}，版本 {version}）",
        "item {id}: progress note recorded ({status}, version {version})",
    ),
    "board_head": ("联席会议看板  截至 {as_of}", "joint-meeting board as of {as_of}"),
    "next": ("下次会议：{info}", "next meeting: {info}"),
    "overdue": ("逾期事项 {n}：{ids}", "overdue items {n}: {ids}"),
    "none": ("（无）", "(none)"),
}
HEADERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "proposals": (
        ("ID", "理由", "案件", "网格", "小类", "标题"),
        ("ID", "REASONS", "CASES", "GRID", "SUBCAT", "TITLE"),
    ),
    "items": (
        ("ID", "标题", "理由", "案件", "牵头部门", "期限", "状态"),
        ("ID", "TITLE", "REASONS", "CASES", "LEAD", "DUE", "STATUS"),
    ),
    "meetings": (
        ("编号", "日期", "时间", "名称", "主持人", "地点", "参会部门", "状态"),
        ("CODE", "DATE", "TIME", "TITLE", "CHAIR", "PLACE", "DEPARTMENTS", "STATUS"),
    ),
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    shared = argparse.ArgumentParser(add_help=False)  # --lang: every command's (center.cli)
    add_user_option(shared, who="who acts")

    p = sub.add_parser(
        "meeting",
        help="joint meetings (联席会议): plan, agenda proposals, items, board",
        description="The monthly cross-department joint meeting (spec/office.md "
        '"Joint meetings"). MEETING is a meeting code (from `new`), ITEM an item id (from '
        "`propose`, `add` or `board`).",
    )
    msub = p.add_subparsers(dest="meeting_command", metavar="ACTION", required=True)

    def cmd(name: str, help_text: str, func: Any, *, write: bool = False) -> Any:
        q = msub.add_parser(name, parents=[common, shared], help=help_text)
        q.add_argument("--json", action="store_true", help="print JSON")
        if write:
            q.add_argument(
                "--at",
                metavar="ISO",
                help="when it happened, ISO 8601 (default now; for entering it afterwards)",
            )
        q.set_defaults(func=func)
        return q

    n = cmd("new", "plan a meeting; prints its code as the last line", run_new, write=True)
    n.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    n.add_argument("--time", metavar="HH:MM")
    n.add_argument("--title", required=True, metavar="T")
    n.add_argument("--chair", required=True, metavar="NAME")
    n.add_argument("--place", metavar="PLACE")
    n.add_argument(
        "--attend",
        action="append",
        default=[],
        metavar="DEPT",
        help="an invited department's code (repeatable)",
    )

    cmd("list", "every meeting, the latest first", run_list)

    h = cmd("held", "record that a meeting took place (planned → held)", run_held, write=True)
    h.add_argument("meeting", metavar="MEETING")
    h.add_argument(
        "--attend",
        action="append",
        default=None,
        metavar="DEPT",
        help="an attending department's code (repeatable; default: the invited ones)",
    )

    def as_of(q: argparse.ArgumentParser) -> None:
        q.add_argument("--as-of", metavar="ISO", help="evaluation instant, ISO 8601 (default now)")

    pr = cmd("propose", "the agenda proposal for the next planned meeting", run_propose)
    as_of(pr)

    a = cmd("add", "add a case or a free topic to a meeting's agenda", run_add, write=True)
    a.add_argument("meeting", metavar="MEETING")
    what = a.add_mutually_exclusive_group(required=True)
    what.add_argument("--case", metavar="CASE_NO")
    what.add_argument("--topic", metavar="TEXT")

    def item(name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
        q = cmd(name, help_text, func, write=True)
        q.add_argument("item", metavar="ITEM", help="item id")
        return q

    item("accept", "put a proposal on the agenda", run_accept)
    d = item("drop", "drop a proposal or an agenda item, with a reason", run_drop)
    d.add_argument("--reason", required=True, metavar="R")
    de = item("decide", "record the meeting's decision on an agenda item", run_decide)
    de.add_argument("--lead", required=True, metavar="DEPT", help="lead department code")
    de.add_argument(
        "--with",
        dest="co",
        action="append",
        default=[],
        metavar="DEPT",
        help="a co-operating department's code (repeatable)",
    )
    de.add_argument("--measures", required=True, metavar="TEXT")
    de.add_argument("--due", required=True, metavar="YYYY-MM-DD", help="the last day allowed")
    item("ack", "the lead department acknowledges a decided item", run_ack)
    g = item("progress", "a progress note on an item in execution", run_progress)
    g.add_argument("--note", required=True, metavar="TEXT")
    dn = item("done", "close an item in execution with a closing note", run_done)
    dn.add_argument("--note", required=True, metavar="TEXT")

    b = cmd("board", "the board: items by column, overdue items, next meeting", run_board)
    as_of(b)


# --------------------------------------------------------------------------- helpers


def _lang(args: argparse.Namespace) -> int:
    """0 for Chinese, 1 for English (``--lang``, else the setting ``lang``)."""
    from center.commands.messages import LANGS, lang_of

    return LANGS.index(lang_of(args))


def _t(args: argparse.Namespace, key: str, **values: Any) -> str:
    return TEXTS[key][_lang(args)].format(**values)


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [list(header), *rows]) for i in range(len(header))]
    lines = []
    for row in [list(header), *rows]:
        lines.append(
            "  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)).rstrip()
        )
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _day(value: str, option: str, args: argparse.Namespace | None = None) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise error(args, "not_a_date", option=option, value=value) from None


def _item_id(value: str, args: argparse.Namespace | None = None) -> int:
    text = value.strip()
    if not text.isdigit() or int(text) <= 0:
        raise error(args, "not_an_item", value=value)
    return int(text)


def _as_of(args: argparse.Namespace) -> datetime:
    """``--as-of``, else now to the second (as ``center kpi`` stamps it)."""
    from center.core.clock import now
    from center.kpi.compute import parse_as_of

    if not getattr(args, "as_of", None):
        return now().replace(microsecond=0)
    try:
        return parse_as_of(args.as_of)
    except ValueError as exc:
        raise error(args, "as_of", detail=exc) from None


def _at(args: argparse.Namespace) -> datetime | None:
    from center.kpi.compute import parse_as_of

    if not getattr(args, "at", None):
        return None
    try:
        return parse_as_of(args.at)
    except ValueError as exc:
        raise error(args, "at_invalid", detail=exc) from None


def _writer(args: argparse.Namespace, engine: Engine, action: str, what: str) -> Actor:
    """The user who makes a change: logged in (``--user``/``CENTER_USER``) and allowed
    ``action``; on a database where nobody can log in yet, the operating-system login
    acting as a coordinator."""
    from center.commands._auth import login_once_possible
    from center.core.access import Actor, os_login

    actor = login_once_possible(args, engine, action, f"meeting {what}")
    return actor or Actor(os_login(), "coordinator")


def _reader(args: argparse.Namespace, engine: Engine) -> Actor:
    """Who reads the proposals or the board: the named user, logged in; without one an
    aggregate reader (leader level) for whom the proposals still get their ids."""
    from center.commands._auth import login, user_name
    from center.core.access import Actor, os_login

    if user_name(args):
        return login(args, engine, "read_meetings", f"meeting {args.meeting_command}")
    from center.accounts.service import bootstrap_open

    if bootstrap_open(engine):
        return Actor(os_login(), "coordinator")
    return Actor(os_login(), "leader")


def _open(args: argparse.Namespace) -> Any:
    from center.context import open_context

    _lang(args)  # a bad language setting is refused before anything runs
    return open_context(args.db)


def _status_name(args: argparse.Namespace, status: str) -> str:
    from center.office.meetings import MEETING_STATUS_NAMES, STATUS_NAMES

    if _lang(args) == 1:
        return status
    return STATUS_NAMES.get(status) or MEETING_STATUS_NAMES.get(status) or status


def _reasons(args: argparse.Namespace, reasons: tuple[str, ...] | list[str]) -> str:
    from center.office.meetings import REASON_NAMES

    if _lang(args) == 1:
        return ",".join(reasons)
    return "、".join(REASON_NAMES.get(r, r) for r in reasons)


def _meeting_line(args: argparse.Namespace, m: Any) -> str:
    when = f"{m.date.isoformat()} {m.time or ''}".strip()
    return f"{m.code} {when} {m.title} ({_status_name(args, m.status)})"


# --------------------------------------------------------------------------- meetings


def run_new(args: argparse.Namespace) -> int:
    from center.office import meetings as svc

    held_on = _day(args.date, "--date", args)
    ctx = _open(args)
    try:
        actor = _writer(args, ctx.engine, "run_meetings", "new")
        m = svc.create_meeting(
            ctx.engine,
            actor,
            held_on=held_on,
            title=args.title,
            chair=args.chair,
            time_of_day=args.time,
            place=args.place,
            attending=args.attend,
            at=_at(args),
        )
    finally:
        ctx.close()
    if args.json:
        _print_json(m.as_json())
        return 0
    print(
        _t(
            args,
            "planned",
            date=m.date.isoformat(),
            time=m.time or "",
            title=m.title,
            chair=m.chair or "",
            place=_t(args, "place", place=m.place) if m.place else "",
            attend=_t(args, "attend", depts=", ".join(m.attending)) if m.attending else "",
        ).replace("  ", " ")
    )
    print(m.code)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from center.office import meetings as svc

    ctx = _open(args)
    try:
        actor = _reader(args, ctx.engine)
        rows = svc.meetings(ctx.engine, actor)
    finally:
        ctx.close()
    if args.json:
        _print_json(
            [{**m.as_json(), "place": m.place, "attending": list(m.attending)} for m in rows]
        )
        return 0
    if not rows:
        print(_t(args, "no_meetings"))
        return 0
    header = HEADERS["meetings"][_lang(args)]
    print(
        _table(
            header,
            [
                [
                    m.code,
                    m.date.isoformat(),
                    m.time or "-",
                    m.title,
                    m.chair or "-",
                    m.place or "-",
                    ",".join(m.attending) or "-",
                    _status_name(args, m.status),
                ]
                for m in rows
            ],
        )
    )
    return 0


def run_held(args: argparse.Namespace) -> int:
    from center.office import meetings as svc

    ctx = _open(args)
    try:
        actor = _writer(args, ctx.engine, "run_meetings", "held")
        m = svc.hold_meeting(
            ctx.engine, actor, args.meeting.strip(), attending=args.attend, at=_at(args)
        )
    finally:
        ctx.close()
    if args.json:
        _print_json({**m.as_json(), "attending": list(m.attending)})
        return 0
    print(
        _t(
            args,
            "held",
            code=m.code,
            status=_status_name(args, m.status),
            depts=", ".join(m.attending) or _t(args, "none"),
        )
    )
    return 0


# --------------------------------------------------------------------------- proposals


def run_propose(args: argparse.Namespace) -> int:
    from center.office import meetings as svc

    as_of = _as_of(args)
    ctx = _open(args)
    try:
        actor = _reader(args, ctx.engine)
        props = svc.proposals_at(ctx.engine, actor, as_of)
    finally:
        ctx.close()
    if args.json:
        _print_json(props.as_json())
        return 0
    m = props.meeting
    print(
        _t(
            args,
            "proposal_head",
            as_of=props.as_of.isoformat(),
            meeting=_t(args, "for_meeting", code=m.code, date=m.date.isoformat())
            if m
            else _t(args, "no_meeting"),
            n=len(props.proposals),
        )
    )
    if props.proposals:
        print(
            _table(
                HEADERS["proposals"][_lang(args)],
                [
                    [
                        "-" if p.id is None else str(p.id),
                        _reasons(args, p.reasons),
                        ",".join(p.cases),
                        p.grid or "-",
                        p.subcategory or "-",
                        p.title,
                    ]
                    for p in props.proposals
                ],
            )
        )
        print(_t(args, "accept_hint"))
    return 0


# --------------------------------------------------------------------------- items


def run_add(args: argparse.Namespace) -> int:
    from center.office import meetings as svc

    ctx = _open(args)
    try:
        actor = _writer(args, ctx.engine, "run_meetings", "add")
        change = svc.add_item(
            ctx.engine,
            actor,
            args.meeting.strip(),
            case_no=args.case,
            topic=args.topic,
            at=_at(args),
        )
    finally:
        ctx.close()
    if args.json:
        _print_json(_change_json(change, args.meeting.strip()))
        return 0
    print(
        _t(
            args,
            "added",
            id=change.id,
            meeting=args.meeting.strip(),
            status=_status_name(args, change.status),
        )
    )
    print(change.id)
    return 0


def _change_json(change: Any, meeting: str | None = None) -> dict[str, Any]:
    out = {
        "id": change.id,
        "action": change.action,
        "status": change.status,
        "version": change.version,
    }
    if meeting is not None:
        out["meeting"] = meeting
    return out


def _move(args: argparse.Namespace, action: str, access: str, **kw: Any) -> int:
    """One item move through the service (``expected_version`` None: the current one)."""
    from center.office import meetings as svc

    item_id = _item_id(args.item, args)
    at = _at(args)
    ctx = _open(args)
    try:
        actor = _writer(args, ctx.engine, access, action)
        before = _status_before(ctx.engine, item_id)
        change = getattr(svc, action)(ctx.engine, actor, item_id, None, at=at, **kw)
    finally:
        ctx.close()
    if args.json:
        _print_json(_change_json(change))
        return 0
    key = "noted" if action == "progress" else "moved"
    print(
        _t(
            args,
            key,
            id=change.id,
            before=before or "?",
            before_name=_status_name(args, before) if before else "?",
            status=change.status,
            status_name=_status_name(args, change.status),
            version=change.version,
        )
    )
    return 0


def _status_before(engine: Engine, item_id: int) -> str | None:
    from sqlalchemy import select

    from db.models import AgendaItem

    with engine.connect() as conn:
        return conn.scalar(select(AgendaItem.status).where(AgendaItem.id == item_id))


def run_accept(args: argparse.Namespace) -> int:
    return _move(args, "accept", "run_meetings")


def run_drop(args: argparse.Namespace) -> int:
    return _move(args, "drop", "run_meetings", reason=args.reason)


def run_decide(args: argparse.Namespace) -> int:
    due = _day(args.due, "--due", args)
    return _move(
        args,
        "decide",
        "run_meetings",
        lead=args.lead.strip(),
        co_depts=[c.strip() for c in args.co],
        measures=args.measures,
        due=due,
    )


def run_ack(args: argparse.Namespace) -> int:
    return _move(args, "ack", "ack_meeting_item")


def run_progress(args: argparse.Namespace) -> int:
    return _move(args, "progress", "report_meeting_item", note=args.note)


def run_done(args: argparse.Namespace) -> int:
    return _move(args, "done", "close_meeting_item", note=args.note)


# --------------------------------------------------------------------------- board


def run_board(args: argparse.Namespace) -> int:
    from center.office import meetings as svc

    as_of = _as_of(args)
    ctx = _open(args)
    try:
        actor = _reader(args, ctx.engine)
        board = svc.board(ctx.engine, actor, as_of)
    finally:
        ctx.close()
    if args.json:
        _print_json(board.as_json())
        return 0
    print(_t(args, "board_head", as_of=board.as_of.isoformat()))
    m = board.next_meeting
    print(_t(args, "next", info=_meeting_line(args, m) if m else _t(args, "no_meeting")))
    overdue = set(board.overdue)
    for col, items in board.columns.items():
        print()
        print(f"{_status_name(args, col)} ({len(items)})")
        if not items:
            continue
        print(
            _table(
                HEADERS["items"][_lang(args)],
                [
                    [
                        ("-" if i.id is None else str(i.id)) + (" !" if i.id in overdue else ""),
                        i.title,
                        _reasons(args, i.reasons) or "-",
                        ",".join(i.cases) or "-",
                        i.lead or "-",
                        i.due.isoformat() if i.due else "-",
                        _status_name(args, i.status),
                    ]
                    for i in items
                ],
            )
        )
    print()
    print(
        _t(
            args,
            "overdue",
            n=len(board.overdue),
            ids=", ".join(str(i) for i in board.overdue) or _t(args, "none"),
        )
    )
    return 0
