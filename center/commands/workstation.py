"""`center workstation` and `center snapshot workstation`.

* ``center workstation [--db URL] [--lang en] [--user NAME]``: the coordinators'
  desktop window. It opens with the login dialog (the user name filled in from
  ``--user``, else the setting ``user``: ``CENTER_USER`` or the config file); with a
  user name *and* ``CENTER_PASSWORD`` it logs in without the dialog (scripts, kiosks:
  :mod:`center.commands._auth`).
* ``center snapshot workstation [--view inbox|case|household|planning] --size WxH
  -o FILE.png``: the window rendered offscreen (added to ``center snapshot`` beside
  ``wall``).

Qt is imported only when one of these commands runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor

VIEWS = ("inbox", "case", "household", "planning", "meetings")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    lang = argparse.ArgumentParser(add_help=False)  # --lang: every command's (center.cli)
    lang.add_argument(
        "--user",
        metavar="NAME",
        help="who is working (else CENTER_USER or the setting `user`); the login dialog asks "
        "for the password unless CENTER_PASSWORD gives it (snapshot: the password from "
        "CENTER_PASSWORD or a prompt; it writes nothing)",
    )
    p = sub.add_parser(
        "workstation",
        parents=[common, lang],
        help="the coordinator workstation: inbox, cases, visit planning, spot checks",
    )
    p.set_defaults(func=run_workstation)

    snapshot = sub.choices.get("snapshot")
    if snapshot is None:
        snapshot = sub.add_parser("snapshot", help="render a view to a PNG file")
        views = snapshot.add_subparsers(dest="snapshot_what", metavar="VIEW", required=True)
    else:
        views = next(a for a in snapshot._actions if isinstance(a, argparse._SubParsersAction))
    if "workstation" in views.choices:
        return  # registered by center.commands.app
    s = views.add_parser(
        "workstation", parents=[common, lang], help="the coordinator workstation, offscreen"
    )
    s.add_argument(
        "--view", choices=VIEWS, default="inbox", help="which view to show (default inbox)"
    )
    s.add_argument(
        "--size",
        default="1600x1000",
        metavar="WxH",
        help="image size in pixels (default 1600x1000)",
    )
    s.add_argument("-o", "--output", required=True, metavar="FILE.png", type=Path)
    s.add_argument(
        "--as-of",
        metavar="ISO8601",
        help="evaluation instant of the clocks (default now; naive = +08:00)",
    )
    s.set_defaults(func=run_snapshot)


def _lang(args: argparse.Namespace) -> str:
    """``--lang`` (every command's), else the setting ``lang``; default zh_CN."""
    from center.commands.messages import lang_of

    return lang_of(args)


def run_workstation(args: argparse.Namespace) -> int:
    import os

    from center.commands._auth import PASSWORD_ENV, login, user_name
    from center.windows.workstation.app import run_workstation as start

    name = user_name(args)
    if name and os.environ.get(PASSWORD_ENV) is not None:
        return start(
            args.db,
            _lang(args),
            lambda engine: login(args, engine, "read_aggregates", "workstation"),
        )

    def dialog(engine: Engine) -> Actor:
        from center.windows.workstation.login import dialog_login

        return dialog_login(engine, name)

    return start(args.db, _lang(args), dialog)


def run_snapshot(args: argparse.Namespace) -> int:
    from center.windows.workstation.snapshot import render

    args.lang = _lang(args)

    def login(engine: Engine) -> Actor | None:
        """Once anyone can log in, a snapshot shows the screen of a user who logs in
        (it reads masked personal information), read-only; before that (a fresh or
        demo-less database) it renders without a login."""
        from dataclasses import replace

        from center.commands._auth import login_once_possible

        actor = login_once_possible(args, engine, "read_cases", "snapshot workstation")
        return replace(actor, read_only=True) if actor is not None else None

    def wrote(path: Path, width: int, height: int) -> str:
        from center.commands.messages import say

        return say(args, "wrote_png", path=path, w=width, h=height)

    return render(args, login, wrote)
