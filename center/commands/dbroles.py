"""`center db roles` and `center db wall-role NAME`: PostgreSQL roles, so that neither
the workstations nor the wall run as the tables' owner (:mod:`db.pgroles`).

Both run as a PostgreSQL superuser (or a role with CREATEROLE that owns the tables)
and may be run again: they update the roles and re-grant. Passwords come from
``CENTER_APP_DB_PASSWORD`` / ``CENTER_WALL_DB_PASSWORD`` or, on a terminal, a prompt
(an empty answer keeps the role's password); they are never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from center.commands.messages import error, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

APP_PASSWORD_ENV = "CENTER_APP_DB_PASSWORD"
WALL_PASSWORD_ENV = "CENTER_WALL_DB_PASSWORD"
MIN_PASSWORD = 10


def add_parsers(db_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``roles`` and ``wall-role`` to the ``center db`` subcommands."""
    roles = db_sub.add_parser(
        "roles",
        parents=[common],
        help="PostgreSQL: create or update the owner, app and wall roles, migrate as the "
        "owner and grant (connect as a superuser)",
        description="Creates (or updates) three roles: OWNER (NOLOGIN) owns the tables and "
        "runs the migrations; APP (LOGIN) is what the workstations connect as: it reads "
        "and writes the tables, appends to audit_log only, and owns nothing; WALL (LOGIN) "
        "reads every column but personal information. Then migrates the schema to the "
        f"newest revision as OWNER and grants. Passwords: ${APP_PASSWORD_ENV}, "
        f"${WALL_PASSWORD_ENV}, else a prompt on a terminal (empty: unchanged).",
    )
    roles.add_argument("--owner", default="center_owner", metavar="NAME", help="owner role")
    roles.add_argument("--app", default="center_app", metavar="NAME", help="app role")
    roles.add_argument("--wall", default="center_wall", metavar="NAME", help="wall role")
    roles.add_argument("--schema", help="the schema of the tables (default: current_schema())")
    roles.add_argument(
        "--no-upgrade", action="store_true", help="grant on the tables as they are, no migration"
    )
    roles.set_defaults(func=run_roles)
    wall = db_sub.add_parser(
        "wall-role",
        parents=[common],
        help="PostgreSQL: create or update a login role for the wall (no personal information)",
        description="Creates (or updates) the LOGIN role NAME that may SELECT only the "
        "columns without personal information or credentials (db/pgroles.py); point the "
        "wall machine's --db at it. Password: "
        f"${WALL_PASSWORD_ENV}, else a prompt on a terminal (empty: unchanged).",
    )
    wall.add_argument("name", metavar="NAME", help="role name, e.g. center_wall")
    wall.add_argument("--schema", help="the schema of the tables (default: current_schema())")
    wall.set_defaults(func=run_wall_role)


def _password(args: argparse.Namespace | str, env: str, role: str) -> str | None:
    """From ``env``, else a prompt on a terminal; ``None``: leave the password as it is."""
    value = os.environ.get(env)
    if value is None and sys.stdin.isatty():
        import getpass

        value = getpass.getpass(say(args, "role_password_prompt", role=role))
        if value and getpass.getpass(say(args, "again_short")) != value:
            raise error(args, "role_passwords_differ", role=role)
    if not value:
        return None
    if len(value) < MIN_PASSWORD:
        raise error(args, "role_password_short", role=role, n=MIN_PASSWORD)
    return value


def _admin_engine(args: argparse.Namespace) -> Engine:
    from center import config
    from db import engine as dbe

    engine = dbe.make_engine(config.load(db_url=args.db).db_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise error(args, "pg_only")
    return engine


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)


def run_roles(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from center.core.errors import UserError
    from db import engine as dbe
    from db import pgroles

    try:
        names = pgroles.RoleNames(owner=args.owner, app=args.app, wall=args.wall)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    engine = _admin_engine(args)
    try:
        report = pgroles.setup_roles(
            engine,
            names,
            app_password=_password(args, APP_PASSWORD_ENV, names.app),
            wall_password=_password(args, WALL_PASSWORD_ENV, names.wall),
            schema=args.schema,
            migrate=None if args.no_upgrade else dbe.upgrade,
        )
    except OperationalError as exc:
        raise error(args, "cannot_reach", url=repr(engine.url), detail=exc.orig) from None
    finally:
        engine.dispose()
    _print(report.lines)
    print(say(args, "roles_hint", app=names.app, wall=names.wall))
    return 0


def run_wall_role(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from center.core.errors import UserError
    from db import pgroles

    try:
        name = pgroles.check_role_name(args.name)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    engine = _admin_engine(args)
    try:
        report = pgroles.setup_wall_role(
            engine, name, password=_password(args, WALL_PASSWORD_ENV, name), schema=args.schema
        )
    except OperationalError as exc:
        raise error(args, "cannot_reach", url=repr(engine.url), detail=exc.orig) from None
    finally:
        engine.dispose()
    _print(report.lines)
    print(say(args, "wall_hint", wall=name))
    return 0
