"""`center` command line: every subcommand takes ``--db URL``.

Subcommands live in :mod:`center.commands`; each module has ``register(subparsers,
common)`` that adds its parser with ``func`` set to a ``run(args) -> int``.

Building the parser imports only the standard library: the command modules import
the services, the database and Qt inside their ``run`` functions, so ``--help`` and
argument errors come back at once and a command loads only what it uses
(``tests/cli/test_cli_start.py``; ``python -m center.bench cli``).

Every command also takes ``--lang zh_CN|en``: the messages (errors, confirmations,
summaries) follow it, else the setting ``lang``, Chinese by default
(:mod:`center.commands.messages`); JSON and file output never depend on it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from center.commands.messages import LANG_HELP, LANGS, error_line, safe_lang, say

COMMAND_MODULES = [
    "center.commands.app",
    "center.commands.audit",
    "center.commands.budget",
    "center.commands.dbcmd",
    "center.commands.demo",
    "center.commands.forecast",
    "center.commands.interchange",
    "center.commands.export_map",  # extends `export` (after interchange)
    "center.commands.kpi",
    "center.commands.meeting",
    "center.commands.report",
    "center.commands.user",
    "center.commands.visits",
    "center.commands.workstation",
]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        help="database URL (else CENTER_DB_URL, else the config file, else the SQLite default)",
    )
    common.add_argument("--lang", choices=LANGS, help=LANG_HELP)
    parser = argparse.ArgumentParser(
        prog="center", description="敲门行动指挥中心 — door-knocking command center"
    )
    parser.add_argument("--version", action="version", version="%(prog)s 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(say(safe_lang(args), "interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # imported here: center.core.errors loads the database layer
        from center.core.errors import USER_ERRORS

        if isinstance(exc, USER_ERRORS):
            # in the language of --lang or the setting (center.commands.messages)
            print(error_line(exc, safe_lang(args)), file=sys.stderr)
            return 2
        import logging

        from center.logs import setup_logging

        path = setup_logging()
        logging.getLogger("center").exception("internal error in `center %s`", args.command)
        print(say(safe_lang(args), "internal", command=args.command, path=path), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
