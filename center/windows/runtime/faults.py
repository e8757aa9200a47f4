"""The windows' wording of an error that is not the user's: a fault of the database or
the disk, or a bug.

The same faults as the command line (:func:`db.errors.classify`, worded for it in
:mod:`center.commands.messages`): what happened, whether anything was saved, what to
do; every sentence goes through ``translate`` (context ``Errors``) so the windows
show it in their language. A bug's traceback goes to the log, and the sentence says
where, or, when the log could not be written (a full disk), that it could not be.

Qt-free apart from ``QCoreApplication.translate``: a window's error dialog, status
bar or inline label asks :func:`error_message` for its text.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from center.core.errors import USER_ERRORS
from center.logs import log_exception
from db.errors import DatabaseFault, Fault, classify, saved_clause

translate = QCoreApplication.translate
log = logging.getLogger("center.errors")


def _what(kind: str) -> str:
    # one literal per sentence: pyside6-lupdate finds only literals
    if kind == "connection_lost":
        return translate(
            "Errors",
            "The connection to the database server was lost "
            "(the server restarted or ended the connection).",
        )
    if kind == "no_answer":
        return translate(
            "Errors",
            "The database server did not answer in time (the network or the server is down) "
            "and the connection was closed.",
        )
    if kind == "unreachable":
        return translate("Errors", "The database server cannot be reached.")
    if kind == "timeout":
        return translate(
            "Errors", "The database took too long to answer and the work was cancelled."
        )
    if kind == "busy":
        return translate(
            "Errors",
            "The database is busy: another program or workstation kept it locked longer "
            "than the wait allows.",
        )
    if kind == "conflict":
        return translate("Errors", "Another workstation changed the same data at the same moment.")
    if kind == "disk_full":
        return translate("Errors", "The disk is full.")
    if kind == "nul":
        return translate(
            "Errors", "A text contains a NUL character (\\x00), which the database cannot store."
        )
    if kind == "read_only":
        return translate("Errors", "The database cannot be written to (read-only).")
    if kind == "corrupt":
        return translate("Errors", "The database file is damaged.")
    return translate("Errors", "The disk reported a read or write error.")


def _todo(kind: str) -> str:
    if kind == "connection_lost":
        return translate(
            "Errors",
            "Check that the server is running, then try again: the program reconnects by itself.",
        )
    if kind == "no_answer":
        return translate(
            "Errors",
            "Check the network and that the server is running, then try again: the program "
            "reconnects by itself.",
        )
    if kind == "unreachable":
        return translate(
            "Errors", "Check that the server is running and the network is up, then try again."
        )
    if kind == "timeout":
        return translate(
            "Errors",
            "Try again; if it happens again, ask the administrator to look at the server's load.",
        )
    if kind == "busy":
        return translate(
            "Errors",
            "Try again in a moment; if it stays busy, look for a long import, backup or "
            "restore still running.",
        )
    if kind == "conflict":
        return translate("Errors", "Try again.")
    if kind == "disk_full":
        return translate(
            "Errors", "Free some disk space (or ask the administrator to), then try again."
        )
    if kind == "nul":
        return translate(
            "Errors",
            "Remove the character (it often comes with text copied from another program or "
            "a converted file), then try again.",
        )
    if kind == "read_only":
        return translate(
            "Errors",
            "Check the permissions of the database file and of its folder, or that the "
            "server accepts writes.",
        )
    if kind == "corrupt":
        return translate(
            "Errors", "Stop writing to it and restore the latest backup (center db restore)."
        )
    return translate("Errors", "Check the disk, then try again.")


def _saved(fault: Fault) -> str:
    clause = saved_clause(fault)
    if clause == "nothing_saved":
        return translate("Errors", "Nothing was saved.")
    if clause == "maybe_saved":
        return translate(
            "Errors", "The change may or may not have been saved: look before doing it again."
        )
    return ""


def fault_message(fault: Fault) -> str:
    """What happened, whether anything was saved, what to do: one paragraph each."""
    return "\n\n".join(p for p in (_what(fault.kind), _saved(fault), _todo(fault.kind)) if p)


def fault_of(exc: BaseException) -> Fault | None:
    """The fault ``exc`` was, or ``None``; an error a user can fix is never one."""
    if isinstance(exc, DatabaseFault):
        return exc.fault
    if isinstance(exc, USER_ERRORS):
        return None
    return classify(exc)


def internal_error_message(exc: BaseException, what: str = "unhandled error") -> str:
    """Log ``exc``'s traceback; the sentence that says where it went (or that the log
    could not be written, and why)."""
    logged = log_exception(log, "%s", what, exc=exc)
    if logged.written:
        return translate(
            "Errors", "An internal error occurred; details were written to %1"
        ).replace("%1", str(logged.path))
    return (
        translate(
            "Errors",
            "An internal error occurred; the details could not be written to the log %1 (%2).",
        )
        .replace("%1", str(logged.path))
        .replace("%2", logged.reason)
    )


def error_message(exc: BaseException) -> str:
    """The text a window shows for an error that stopped a piece of work: the
    message of an error a user can fix, the wording of a fault, else an internal
    error (logged)."""
    fault = fault_of(exc)
    if fault is not None:
        log.warning("stopped: %s (%s)", fault.kind, fault.detail)
        return fault_message(fault)
    if isinstance(exc, USER_ERRORS):
        return str(exc)
    return internal_error_message(exc)


__all__ = ["error_message", "fault_message", "fault_of", "internal_error_message"]
