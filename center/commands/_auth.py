"""The command line's login (spec/access.md, "Authentication").

A command that writes or reads personal information names its user: ``--user NAME``,
else ``CENTER_USER`` (else the setting ``user`` of the config file); the password
comes from ``CENTER_PASSWORD``, else an interactive prompt, which is never shown when
stdin is not a terminal (scripts and services set ``CENTER_PASSWORD``). Commands
that only read aggregates (``kpi``, ``assess``, ``targets list``, ``report list``)
need no login.

Only the standard library at module level: the accounts service loads when a
command logs in.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor

PASSWORD_ENV = "CENTER_PASSWORD"


def add_user_option(p: argparse.ArgumentParser, *aliases: str, who: str = "who runs this") -> None:
    """``--user NAME`` (and ``aliases``), described as ``who``."""
    p.add_argument(
        "--user",
        *aliases,
        dest="user",
        metavar="NAME",
        help=f"{who} (else CENTER_USER); the password comes from {PASSWORD_ENV} or a prompt",
    )


def user_name(args: argparse.Namespace) -> str:
    """``--user``, else ``CENTER_USER``, else the config file's ``user`` ("" if none)."""
    from center import config

    return config.get("user", getattr(args, "user", None)).strip()


def read_password(prompt: str, args: argparse.Namespace | None = None) -> str:
    """``CENTER_PASSWORD``, else the answer to a prompt on a terminal (the refusal in
    the language of ``args``)."""
    from center.commands.messages import error

    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise error(args, "no_password", env=PASSWORD_ENV)
    return getpass.getpass(prompt)


def login(args: argparse.Namespace, engine: Engine, action: str, what: str) -> Actor:
    """Authenticate the command's user and check that their roles may take ``action``
    (``what`` names the command in the messages)."""
    from center.accounts.service import authenticate
    from center.commands.messages import error, say
    from center.core.access import require_role

    name = user_name(args)
    if not name:
        raise error(args, "needs_login", what=what, env=PASSWORD_ENV)
    password = read_password(say(args, "password_prompt", name=name), args)
    actor = authenticate(engine, name, password)
    require_role(actor, action)
    return actor


def login_once_possible(
    args: argparse.Namespace, engine: Engine, action: str, what: str
) -> Actor | None:
    """The user logged in like :func:`login` with ``action``; ``None`` on a database
    where nobody can log in yet (no account with a password: a fresh database, or one
    from before accounts), which has nobody to ask."""
    from center.accounts.service import bootstrap_open

    if bootstrap_open(engine):
        return None
    return login(args, engine, action, what)


def login_unless_bootstrap(args: argparse.Namespace, engine: Engine, action: str, what: str) -> str:
    """The name of the user who runs a command on the whole database
    (:func:`login_once_possible`); while nobody can log in, the operating-system login,
    which the audit names."""
    from center.core.access import os_login

    actor = login_once_possible(args, engine, action, what)
    return actor.name if actor is not None else os_login()


def login_admin(args: argparse.Namespace, engine: Engine, what: str) -> str:
    """:func:`login_unless_bootstrap` for the admin of a database-wide command (backup,
    restore over data, downgrade, demo --replace)."""
    return login_unless_bootstrap(args, engine, "manage_database", what)
