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

from center.commands.messages import LANG_HELP, LANGS, error_line, fault_line, safe_lang, say

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
        return report_error(args, exc)


def command_name(args: argparse.Namespace) -> str:
    """``user add``, ``db backup``, ``kpi``: the command and its action, if it has one
    (the parsers name an action's destination ``<command>_command``)."""
    action = getattr(args, f"{args.command}_command", None)
    return f"{args.command} {action}" if isinstance(action, str) else str(args.command)


def report_error(args: argparse.Namespace, exc: Exception) -> int:
    """Print one line for an error a command raised; the exit status.

    * an error a user can fix (:data:`center.core.errors.USER_ERRORS`): its message, 2;
    * a fault of the database or the disk (:func:`db.errors.classify`: the
      connection lost, a full disk, a busy database…): what happened, whether
      anything was saved and what to do, 1; the log gets one line naming the
      error's type and code (never its message: it may quote the values written);
    * anything else is a bug: its traceback goes to the log and the line says where,
      or, when the log cannot be written (a full disk), that it could not be, 1.
    """
    # imported here: these load the database layer's errors
    import logging

    from center.core.errors import USER_ERRORS
    from db.errors import DatabaseFault, classify

    lang = safe_lang(args)
    command = command_name(args)
    fault = exc.fault if isinstance(exc, DatabaseFault) else None
    if fault is None and not isinstance(exc, USER_ERRORS):
        fault = classify(exc)
    if fault is not None:
        from center.logs import setup_logging

        setup_logging()
        logging.getLogger("center").warning(
            "`center %s` stopped: %s (%s)", command, fault.kind, fault.detail
        )
        print(fault_line(fault, lang), file=sys.stderr)
        return 1
    if isinstance(exc, USER_ERRORS):
        # in the language of --lang or the setting (center.commands.messages)
        print(error_line(exc, lang), file=sys.stderr)
        return 2
    from center.logs import log_exception

    logged = log_exception(
        logging.getLogger("center"), "internal error in `center %s`", command, exc=exc
    )
    if logged.written:
        print(say(lang, "internal", command=command, path=logged.path), file=sys.stderr)
    else:
        print(
            say(
                lang,
                "internal_unlogged",
                command=command,
                path=logged.path,
                reason=logged.reason,
            ),
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
