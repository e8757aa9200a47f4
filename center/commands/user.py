"""`center user add|passwd|disable|enable|set|list`: accounts (spec/access.md).

* ``add NAME --role R [--role R2] [--dept D] [--grid G] [--display-name X]``: a new
  account; the first account of a database (while no account can log in) needs no
  login and must hold ``admin``, after that an admin logs in to add one.
* ``passwd NAME``: an admin sets anyone's password; a user changes their own (logging
  in as themselves). Lifts a lock-out.
* ``disable NAME`` / ``enable NAME``: an admin's; enabling also lifts a lock-out.
* ``set NAME [--role R ...] [--dept D] [--grid G] [--display-name X]``: change roles.
* ``list [--json]``: every account, its roles and state (an admin's).

The acting user logs in as every command does (``--user`` / ``CENTER_USER`` and
``CENTER_PASSWORD`` or the prompt). The new password comes from
``CENTER_NEW_PASSWORD``, ``--password-stdin`` (one line), or a prompt asked twice.

Only the standard library at module level: the services load when a command runs.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option, login, user_name
from center.commands.messages import columns, error, pad, say
from center.core.vocab import USER_ROLES

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.accounts.service import UserInfo
    from center.core.access import Actor

ROLES = USER_ROLES
NEW_PASSWORD_ENV = "CENTER_NEW_PASSWORD"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "user",
        help="accounts: add, passwd, disable, enable, set, list",
        description="User accounts and their roles (" + ", ".join(ROLES) + ").",
    )
    usub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    def new_password(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--password-stdin",
            action="store_true",
            help=f"read the new password from the first line of stdin (else {NEW_PASSWORD_ENV}, "
            "else a prompt)",
        )

    def scope(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--role",
            dest="roles",
            action="append",
            choices=ROLES,
            metavar="ROLE",
            help="a role (repeat for several): " + ", ".join(ROLES),
        )
        q.add_argument("--dept", metavar="CODE", help="the department of a department user")
        q.add_argument("--grid", metavar="CODE", help="the grid of a grid worker")
        q.add_argument("--display-name", metavar="TEXT", help="the name shown (default NAME)")

    a = usub.add_parser("add", parents=[common], help="add an account")
    a.add_argument("name", metavar="NAME")
    scope(a)
    new_password(a)
    add_user_option(a)
    a.set_defaults(func=run_add)

    pw = usub.add_parser("passwd", parents=[common], help="set a password (yours, or as admin)")
    pw.add_argument("name", metavar="NAME")
    new_password(pw)
    add_user_option(pw, who="who sets it: an admin, or NAME itself (default: your own)")
    pw.set_defaults(func=run_passwd)

    for verb, what in (("disable", "disable an account"), ("enable", "enable it again")):
        q = usub.add_parser(verb, parents=[common], help=what)
        q.add_argument("name", metavar="NAME")
        add_user_option(q)
        q.set_defaults(func=run_enable if verb == "enable" else run_disable)

    st = usub.add_parser("set", parents=[common], help="change an account's roles or name")
    st.add_argument("name", metavar="NAME")
    scope(st)
    add_user_option(st)
    st.set_defaults(func=run_set)

    ls = usub.add_parser("list", parents=[common], help="list the accounts")
    ls.add_argument("--json", action="store_true", help="print JSON")
    add_user_option(ls)
    ls.set_defaults(func=run_list)


def _new_password(args: argparse.Namespace, name: str) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    given = os.environ.get(NEW_PASSWORD_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise error(args, "no_new_password", env=NEW_PASSWORD_ENV)
    first = getpass.getpass(say(args, "new_password_prompt", name=name))
    if getpass.getpass(say(args, "again_prompt")) != first:
        raise error(args, "passwords_differ")
    return first


def _engine(args: argparse.Namespace) -> Engine:
    from center.context import open_context

    return open_context(args.db).engine


def _admin(args: argparse.Namespace, engine: Engine, what: str) -> Actor:
    return login(args, engine, "manage_accounts", f"user {what}")


def run_add(args: argparse.Namespace) -> int:
    from center.accounts import service

    engine = _engine(args)
    try:
        actor = None if service.bootstrap_open(engine) else _admin(args, engine, "add")
        info = service.add_user(
            engine,
            actor,
            args.name,
            _new_password(args, args.name),
            args.roles or [],
            dept=args.dept,
            grid=args.grid,
            display_name=args.display_name,
        )
    finally:
        engine.dispose()
    print(say(args, "user_added", who=_describe(args, info)))
    if actor is None:
        print(say(args, "first_account", name=info.username))
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    from center.accounts import service

    engine = _engine(args)
    try:
        who = user_name(args) or args.name
        actor = login(
            argparse.Namespace(user=who, lang=args.lang),
            engine,
            "read_aggregates",
            f"user passwd {args.name}",
        )
        service.set_password(engine, actor, args.name, _new_password(args, args.name))
    finally:
        engine.dispose()
    print(say(args, "password_set", name=args.name))
    return 0


def _set_active(args: argparse.Namespace, active: bool) -> int:
    from center.accounts import service

    verb = "enable" if active else "disable"
    engine = _engine(args)
    try:
        service.set_active(engine, _admin(args, engine, verb), args.name, active)
    finally:
        engine.dispose()
    print(say(args, f"user_{verb}d", name=args.name))
    return 0


def run_disable(args: argparse.Namespace) -> int:
    return _set_active(args, False)


def run_enable(args: argparse.Namespace) -> int:
    return _set_active(args, True)


def run_set(args: argparse.Namespace) -> int:
    from center.accounts import service

    engine = _engine(args)
    try:
        info = service.update_user(
            engine,
            _admin(args, engine, "set"),
            args.name,
            roles=args.roles,
            dept=args.dept,
            grid=args.grid,
            display_name=args.display_name,
        )
    finally:
        engine.dispose()
    print(say(args, "user_changed", who=_describe(args, info)))
    return 0


def _describe(args: argparse.Namespace, info: UserInfo) -> str:
    extra = [say(args, "user_dept", code=info.dept_code)] if info.dept_code else []
    extra += [say(args, "user_grid", code=info.grid_code)] if info.grid_code else []
    scope = "; " + ", ".join(extra) if extra else ""
    return f"{info.username} ({', '.join(info.roles)}{scope})"


def run_list(args: argparse.Namespace) -> int:
    from center.accounts import service
    from center.core.clock import now

    engine = _engine(args)
    try:
        users = service.list_users(engine, _admin(args, engine, "list"))
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps([u.to_json_dict() for u in users], ensure_ascii=False, indent=2))
        return 0
    at = now()
    h = columns(args, "user_list_header")
    print(
        f"{pad(h[0], 16)}  {pad(h[1], 24)}  {pad(h[2], 6)}  {pad(h[3], 8)}  {pad(h[4], 10)}  {h[5]}"
    )
    for u in users:
        state = say(
            args,
            "state_disabled"
            if not u.active
            else "state_locked"
            if u.locked(at)
            else "state_no_password"
            if not u.has_password
            else "state_active",
        )
        print(
            f"{u.username:<16}  {','.join(u.roles):<24}  {u.dept_code or '-':<6}  "
            f"{u.grid_code or '-':<8}  {pad(state, 10)}  {u.display_name}"
        )
    return 0
