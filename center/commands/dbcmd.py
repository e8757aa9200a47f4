"""`center db upgrade|downgrade|current`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("db", help="database schema: upgrade, downgrade, current")
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dsub.add_parser("upgrade", parents=[common], help="migrate to the newest schema")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=run_upgrade)
    down = dsub.add_parser("downgrade", parents=[common], help="migrate back to REVISION")
    down.add_argument("revision", help="e.g. base, or a revision id")
    down.set_defaults(func=run_downgrade)
    cur = dsub.add_parser("current", parents=[common], help="print the schema revision")
    cur.set_defaults(func=run_current)


def _engine(args: argparse.Namespace) -> Engine:
    from center import config
    from db import engine as dbe

    return dbe.make_engine(config.load(db_url=args.db).db_url)


def run_upgrade(args: argparse.Namespace) -> int:
    from db import engine as dbe

    engine = _engine(args)
    dbe.upgrade(engine, args.revision)
    print(f"database at revision {dbe.current_revision(engine)}")
    return 0


def run_downgrade(args: argparse.Namespace) -> int:
    from db import engine as dbe

    engine = _engine(args)
    dbe.downgrade(engine, args.revision)
    print(f"database at revision {dbe.current_revision(engine) or 'base'}")
    return 0


def run_current(args: argparse.Namespace) -> int:
    from db import engine as dbe

    engine = _engine(args)
    print(dbe.current_revision(engine) or "base (empty)")
    return 0
