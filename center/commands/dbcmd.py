"""`center db upgrade|downgrade|current|backup|restore`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from center.commands._auth import add_user_option
from center.commands.messages import error, lang_of, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from db.backup import BackupReport

#: What a destructive command says when ``--yes`` is missing.
#: the English of the message "confirm" (center.commands.messages), for center.commands.demo
CONFIRM = "add --yes to go ahead (an automatic backup is taken first)"
#: what an automatic backup was taken before, in Chinese (auto_backup's ``before``)
BEFORE_ZH = {
    "the restore": "恢复",
    "replacing the data with the demo street": "以演示街道替换数据",
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "db",
        help="database schema, backups and PostgreSQL roles: upgrade, downgrade, current, backup, "
        "restore, roles, wall-role",
    )
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dsub.add_parser("upgrade", parents=[common], help="migrate to the newest schema")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=run_upgrade)
    down = dsub.add_parser(
        "downgrade",
        parents=[common],
        help="migrate back to REVISION (drops data: needs --yes, backs up first)",
    )
    down.add_argument("revision", help="e.g. base, or a revision id")
    down.add_argument(
        "--yes",
        action="store_true",
        help="confirm: the tables and columns of later revisions are dropped with their data "
        "(an automatic backup is taken first)",
    )
    add_user_option(down, who="the admin who downgrades")
    down.set_defaults(func=run_downgrade)
    cur = dsub.add_parser("current", parents=[common], help="print the schema revision")
    cur.set_defaults(func=run_current)
    bk = dsub.add_parser(
        "backup",
        parents=[common],
        help="write a consistent snapshot of every table into one SQLite file",
        description=(
            "Write every table, as of one moment, into a single SQLite file (from SQLite or "
            "PostgreSQL). Personal information stays encrypted; the key is not in the backup: "
            "keep the key (CENTER_PII_KEY or pii.key) safe separately."
        ),
    )
    bk.add_argument("-o", "--output", required=True, metavar="FILE", help="the backup file")
    add_user_option(bk, who="the admin who takes the backup")
    bk.set_defaults(func=run_backup)
    rs = dsub.add_parser(
        "restore",
        parents=[common],
        help="load a backup into an empty database (either engine)",
        description=(
            "Load a backup made by `center db backup` into the database of --db, in one "
            "transaction, and check every table's rows against the backup. A database with "
            "no schema is migrated first; one that holds data is replaced only with --yes, "
            "after an automatic backup."
        ),
    )
    rs.add_argument("file", metavar="FILE", help="a backup made by `center db backup`")
    rs.add_argument(
        "--yes",
        action="store_true",
        help="confirm replacing a database that holds data (an automatic backup is taken first)",
    )
    add_user_option(rs, who="the admin who replaces the data (restore over data)")
    rs.set_defaults(func=run_restore)

    ak = dsub.add_parser(
        "adopt-key",
        parents=[common],
        help="record the configured personal-information key as this database's (an admin)",
        description=(
            "A database that holds personal information but records no key check (e.g. "
            "loaded by an older version) is refused until an admin adopts the key: the key "
            "of CENTER_PII_KEY or the key file is tried on the stored data and, when it "
            "decrypts it, recorded. A recorded key is never replaced."
        ),
    )
    add_user_option(ak, who="the admin who adopts the key")
    ak.set_defaults(func=run_adopt_key)

    from center.commands.dbroles import add_parsers

    add_parsers(dsub, common)


def _engine(args: argparse.Namespace, *, create: bool = False) -> Engine:
    """The engine of the configured database; a missing SQLite file is refused unless
    ``create`` (then it is created, in an existing folder: :mod:`center.context`)."""
    from center import config
    from center.context import check_database_file
    from db import engine as dbe

    url = config.load(db_url=args.db).db_url
    check_database_file(url, create=create, default=url == config.default_db_url())
    return dbe.make_engine(url)


def _existing(args: argparse.Namespace) -> Engine:
    """The engine of a database that must exist (no SQLite file is created for it)."""
    return _engine(args)


def run_upgrade(args: argparse.Namespace) -> int:
    from db import engine as dbe

    engine = _engine(args, create=True)
    dbe.upgrade(engine, args.revision)
    print(say(args, "db_revision", revision=dbe.current_revision(engine)))
    return 0


def run_downgrade(args: argparse.Namespace) -> int:
    from db import engine as dbe

    if not args.yes:
        raise error(args, "downgrade_confirm", revision=args.revision, confirm=say(args, "confirm"))
    engine = _engine(args)
    if dbe.current_revision(engine) is not None:
        who = _admin(args, engine, "db downgrade")
        auto_backup(engine, f"the downgrade to {args.revision}", actor=who, args=args)
        _record(engine, who, "db.downgrade", {"to": args.revision})
    dbe.downgrade(engine, args.revision)
    print(say(args, "db_revision", revision=dbe.current_revision(engine) or "base"))
    return 0


def run_current(args: argparse.Namespace) -> int:
    from db import engine as dbe

    engine = _engine(args)
    print(dbe.current_revision(engine) or say(args, "db_base"))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from center.commands.demo import ProgressLine
    from center.core.errors import UserError
    from db.backup import BackupError, backup

    engine = _existing(args)
    line = ProgressLine()
    try:
        who = _admin(args, engine, "db backup")
        report = backup(engine, args.output, progress=line)
        _record(engine, who, "db.backup", _backup_detail(report))
    except BackupError as exc:
        raise UserError(str(exc)) from exc
    finally:
        line.close()
        engine.dispose()
    print(
        say(
            args,
            "backup_written",
            path=report.path,
            rows=report.total_rows,
            tables=len(report.rows),
            revision=report.revision,
            mb=report.size_bytes / 1e6,
            s=report.elapsed_s,
        )
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from center.commands.demo import ProgressLine
    from center.core.errors import UserError
    from db import backup as bk

    engine = _engine(args, create=True)  # a backup may be restored into a new file
    line = ProgressLine()
    try:
        info = bk.read_backup(args.file)
        bk.check_revision(info)
        present = bk.data_rows(engine)
        if present and not args.yes:
            raise error(
                args,
                "restore_confirm",
                rows=bk.describe_rows(present),
                confirm=say(args, "confirm"),
            )
        who = None
        if present:
            who = _admin(args, engine, "db restore")
            auto_backup(engine, "the restore", actor=who, args=args)
        report = bk.restore(info.path, engine, progress=line, replace=bool(present))
    except bk.BackupError as exc:
        raise UserError(str(exc)) from exc
    finally:
        line.close()
    print(
        say(
            args,
            "restored",
            rows=report.total_rows,
            tables=len(report.rows),
            path=report.path,
            revision=report.revision,
            created=info.created_at,
            source=info.source,
            s=report.elapsed_s,
        )
    )
    # -- checks of the restored database ---------------------------------------------
    # Row counts: restore() compared every table with the backup's manifest inside its
    # transaction (a difference restored nothing), so here they match.
    print(say(args, "row_counts_match", tables=len(report.rows)))
    from center.core.audit import verify_chain

    chain = verify_chain(engine)
    if chain.intact:
        from center.core.access import os_login

        detail = {
            "file": Path(info.path).name,
            "rows": report.total_rows,
            "replaced": bool(present),
        }
        _record(engine, who or os_login(), "db.restore", detail)
    engine.dispose()
    if not chain.intact:
        print(
            say(args, "restored_chain_broken", id=chain.broken_id, reason=chain.reason),
            file=sys.stderr,
        )
        return 1
    print(say(args, "chain_intact_rows", rows=chain.rows))
    return 0


def run_adopt_key(args: argparse.Namespace) -> int:
    from center.commands._auth import login
    from center.context import open_context
    from center.core.context import adopt_key

    ctx = open_context(args.db)
    try:
        actor = login(args, ctx.engine, "adopt_key", "db adopt-key")
        checked = adopt_key(ctx.engine, ctx.key_cipher(), actor)
    finally:
        ctx.close()
    print(say(args, "key_adopted", n=checked))
    return 0


def _admin(args: argparse.Namespace, engine: Engine, what: str) -> str:
    from center.commands._auth import login_admin

    return login_admin(args, engine, what)


def _record(engine: Engine, actor: str, action: str, detail: dict[str, object]) -> None:
    """The audit row of a database-wide command (written after a backup: a backup is
    the state before its own record)."""
    from center.core.audit import append_audit
    from center.core.tx import transaction

    with transaction(engine) as s:
        append_audit(s, actor, action, "database", None, detail)


def _backup_detail(report: BackupReport) -> dict[str, object]:
    return {"file": Path(report.path).name, "rows": report.total_rows}


def auto_backup(
    engine: Engine,
    before: str,
    *,
    actor: str | None = None,
    args: argparse.Namespace | None = None,
) -> Path:
    """Back the database up into ``backups/`` of the user data folder before a command
    that destroys data, and say where the backup went (in the language of ``args``,
    else of the setting)."""
    from datetime import datetime

    from center import config
    from center.commands.demo import ProgressLine
    from db.backup import BackupError, backup

    lang = lang_of(args)
    shown = before
    if lang != "en":
        prefix = "the downgrade to "
        if before.startswith(prefix):
            shown = f"降级到 {before[len(prefix) :]} "
        else:
            shown = BEFORE_ZH.get(before, before)
    folder = config.data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"center-{stamp}.sqlite3"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"center-{stamp}-{n}.sqlite3"
    line = ProgressLine()
    try:
        report = backup(engine, path, progress=line)
    except BackupError as exc:
        raise error(lang, "auto_backup_failed", before=shown, detail=exc) from exc
    finally:
        line.close()
    if actor is not None:
        _record(engine, actor, "db.backup", {**_backup_detail(report), "before": before})
    print(say(lang, "auto_backup", before=shown, path=report.path, rows=report.total_rows))
    return report.path
