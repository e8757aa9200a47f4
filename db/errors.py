"""The database layer's errors, and what a failure of the database or of the disk was.

:class:`DatabaseError`: the database cannot be used (the message says why and what
to do).

:func:`classify` reads an exception raised while talking to the database or writing
a file (SQLAlchemy's wrappers, the drivers' own errors, ``OSError``) and says which
:class:`Fault` it was: the connection was lost, the server could not be reached, a
statement ran past its time limit, another writer held the database too long, two
writes collided, the disk is full, a text held a NUL character, the database is
read-only or damaged, or the disk failed. The command line and the windows word a
fault for users (what happened, whether anything was saved, what to do) instead of
reporting an "internal error" with a driver's message.

Standard library only, so the error hierarchy loads no driver: the drivers'
exceptions are recognised by their attributes (a PostgreSQL ``sqlstate``, SQLite's
``sqlite_errorname``) and messages, never imported.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

#: every kind :func:`classify` returns, in the order the messages list them
FAULT_KINDS = (
    "connection_lost",
    "no_answer",
    "unreachable",
    "timeout",
    "busy",
    "conflict",
    "disk_full",
    "nul",
    "read_only",
    "corrupt",
    "io_error",
)


class DatabaseError(Exception):
    """The database cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Fault:
    """What went wrong, for the words users read.

    ``saved`` is ``False`` when the transaction surely rolled back (a statement or
    the commit failed and the database undid the transaction), ``None`` when
    nobody can tell: the connection to a server broke while the commit was on its
    way, so the server may have committed. ``detail`` names the error's type and
    code for the log; it never holds statement parameters or row values."""

    kind: str
    saved: bool | None
    detail: str
    #: ``database``, or ``file``: the disk refused a file being written (a report, an
    #: export, a backup): whether anything was saved is then the writer's to say
    source: str = "database"


# PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
_PG_STATES: dict[str, str] = {
    "57P01": "connection_lost",  # admin_shutdown: pg_terminate_backend, a server stop
    "57P02": "connection_lost",  # crash_shutdown
    "57P03": "unreachable",  # cannot_connect_now: the server is starting or stopping
    "57P05": "connection_lost",  # idle_session_timeout
    "25P03": "connection_lost",  # idle_in_transaction_session_timeout
    "57014": "timeout",  # query_canceled: statement_timeout
    "55P03": "busy",  # lock_not_available: lock_timeout
    "40001": "conflict",  # serialization_failure
    "40P01": "conflict",  # deadlock_detected
    "53100": "disk_full",
    "25006": "read_only",  # read_only_sql_transaction: a standby, or a read-only session
    "58030": "io_error",
    "XX001": "corrupt",  # data_corrupted
    "XX002": "corrupt",  # index_corrupted
}
# SQLSTATE classes: 08 connection exception
_PG_CLASSES: dict[str, str] = {"08": "connection_lost"}
# the server ended the session itself: it rolled the open transaction back, so a
# commit interrupted by one of these did not happen
_PG_SERVER_ENDED = frozenset({"57P01", "57P02", "57P05", "25P03"})

# SQLite's primary result codes, by the name Python 3.11+ gives them
_SQLITE_CODES: dict[str, str] = {
    "SQLITE_FULL": "disk_full",
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_READONLY": "read_only",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "corrupt",
    "SQLITE_IOERR": "io_error",
    "SQLITE_CANTOPEN": "unreachable",
}

# messages, lower-cased, for drivers and paths that carry no code
_MESSAGES: tuple[tuple[str, str], ...] = (
    ("cannot contain nul", "nul"),  # psycopg: "text fields cannot contain NUL (0x00) bytes"
    ("null character", "nul"),  # sqlite3: "the query contains a null character"
    ("database or disk is full", "disk_full"),
    ("no space left on device", "disk_full"),
    ("could not extend file", "disk_full"),
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("attempt to write a readonly database", "read_only"),
    ("database disk image is malformed", "corrupt"),
    ("file is not a database", "corrupt"),
    ("disk i/o error", "io_error"),
    ("connection failed", "unreachable"),
    ("could not connect", "unreachable"),
    ("connection refused", "unreachable"),
    ("connection timeout expired", "unreachable"),
    ("the database system is starting up", "unreachable"),
    ("the database system is shutting down", "unreachable"),
    # db.engine's client-side limit on a hung server (a frozen network)
    ("did not answer within", "no_answer"),
    ("connection timed out", "no_answer"),  # TCP keepalive / tcp_user_timeout
    ("server closed the connection", "connection_lost"),
    ("terminating connection", "connection_lost"),
    ("connection already closed", "connection_lost"),
    ("the connection is closed", "connection_lost"),
    ("the connection is lost", "connection_lost"),
    ("consuming input failed", "connection_lost"),
    ("sending query failed", "connection_lost"),
    ("ssl connection has been closed", "connection_lost"),
    ("connection reset by peer", "connection_lost"),
    ("broken pipe", "connection_lost"),
    ("canceling statement due to statement timeout", "timeout"),
    ("canceling statement due to lock timeout", "busy"),
    ("could not serialize access", "conflict"),
    ("deadlock detected", "conflict"),
)

_OS_ERRNOS: dict[int, str] = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EFBIG: "disk_full",  # the file outgrew what the system allows (RLIMIT_FSIZE)
    errno.EROFS: "read_only",
    errno.EIO: "io_error",
}


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, the driver error a SQLAlchemy error wraps, and their causes (a service
    may re-raise a database error as another error), and the errors a database error
    was raised while handling (a failed rollback after the lost connection)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 12:
        cur = todo.pop(0)
        if cur is None or any(cur is s for s in seen):
            continue
        seen.append(cur)
        orig = getattr(cur, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, cur.__cause__]
        if _is_driver_error(cur):  # (a bug in an except block is no fault of the database)
            todo.append(cur.__context__)
    return seen


def _sqlstate(exc: BaseException) -> str | None:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return state if isinstance(state, str) and len(state) == 5 else None


def _is_sqlalchemy(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("sqlalchemy")


def _name(exc: BaseException) -> str:
    return f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}"


def classify(exc: BaseException) -> Fault | None:
    """The :class:`Fault` ``exc`` was, or ``None`` when it was none of them (a bug,
    or an error the caller words itself)."""
    chain = _chain(exc)
    kind: str | None = None
    found: BaseException | None = None
    for cur in chain:
        code_pg = _sqlstate(cur)
        if code_pg is not None:
            kind = _PG_STATES.get(code_pg) or _PG_CLASSES.get(code_pg[:2])
            if kind is not None:
                found = cur
                break
        code = getattr(cur, "sqlite_errorname", None)
        if isinstance(code, str):
            # an extended code (SQLITE_IOERR_WRITE) counts as its primary one
            kind = _SQLITE_CODES.get("_".join(code.split("_")[:2]))
            if kind is not None:
                found = cur
                break
        if isinstance(cur, OSError) and not _is_sqlalchemy(cur) and cur.errno in _OS_ERRNOS:
            kind, found = _OS_ERRNOS[cur.errno], cur
            break
    if kind is None:
        for cur in chain:
            if not _is_driver_error(cur):
                continue
            text = str(cur).lower()
            kind = next((k for needle, k in _MESSAGES if needle in text), None)
            if kind is None and getattr(cur, "connection_invalidated", False):
                kind = "connection_lost"
            if kind is None and _is_pool_timeout(cur):
                kind = "timeout"
            if kind is not None:
                found = cur
                break
    if kind is None or found is None:
        return None
    state = next((st for st in map(_sqlstate, chain) if st is not None), None)
    if isinstance(found, OSError):
        return Fault(kind, None, _detail(chain, found, state), source="file")
    return Fault(kind, _saved(chain, kind, state), _detail(chain, found, state))


def _is_driver_error(exc: BaseException) -> bool:
    """A database driver's or SQLAlchemy's error (not any exception whose message
    happens to mention a lock or a connection)."""
    module = type(exc).__module__
    return module.startswith(("sqlalchemy", "psycopg", "sqlite3", "_sqlite3"))


def _is_pool_timeout(exc: BaseException) -> bool:
    """SQLAlchemy's pool had no connection to give within its timeout."""
    return _is_sqlalchemy(exc) and type(exc).__name__ == "TimeoutError"


# the kinds where the connection broke: a commit on its way may have happened
_BROKEN = frozenset({"connection_lost", "no_answer"})


def _saved(chain: list[BaseException], kind: str, state: str | None) -> bool | None:
    """Whether the work was saved: never, except that a connection to a server lost
    while committing leaves it unknown.

    SQLAlchemy reports a statement's failure with that ``statement``; the commit and
    a new connection have none. Connecting never saves anything; a session the
    server ended itself (:data:`_PG_SERVER_ENDED`) was rolled back by the server."""
    if kind not in _BROKEN or state in _PG_SERVER_ENDED:
        return False
    wrapper = next((c for c in chain if _is_sqlalchemy(c) and hasattr(c, "statement")), None)
    if wrapper is not None and getattr(wrapper, "statement", None) is not None:
        return False  # a statement failed: the transaction never reached its commit
    return None


def _detail(chain: list[BaseException], found: BaseException, state: str | None) -> str:
    """Type names and codes only: a driver's message may quote the values written."""
    names = [_name(c) for c in chain if _is_driver_error(c) or isinstance(c, OSError)]
    if found is not None and isinstance(found, OSError) and found.errno is not None:
        names.append(errno.errorcode.get(found.errno, str(found.errno)))
    sqlite = getattr(found, "sqlite_errorname", None)
    if isinstance(sqlite, str):
        names.append(sqlite)
    if state:
        names.append(state)
    return " / ".join(dict.fromkeys(names))


class DatabaseFault(DatabaseError):
    """A :class:`Fault`, raised where a caller wants it reported like any error the
    database layer raises (``str`` is the English sentence)."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault_text(fault))
        self.fault = fault


#: English wording of each kind: (what happened, what to do)
FAULT_TEXT: dict[str, tuple[str, str]] = {
    "connection_lost": (
        "the connection to the database server was lost (the server restarted or "
        "ended the connection)",
        "check that the server is running, then try again: the program reconnects by itself",
    ),
    "no_answer": (
        "the database server did not answer in time (the network or the server is down) "
        "and the connection was closed",
        "check the network and that the server is running, then try again: the program "
        "reconnects by itself",
    ),
    "unreachable": (
        "the database server cannot be reached",
        "check that the server is running and the network is up, then try again",
    ),
    "timeout": (
        "the database took too long to answer and the work was cancelled",
        "try again; if it happens again, ask the administrator to look at the server's load",
    ),
    "busy": (
        "the database is busy: another program or workstation kept it locked longer "
        "than the wait allows",
        "try again in a moment; if it stays busy, look for a long import, backup or "
        "restore still running",
    ),
    "conflict": (
        "another workstation changed the same data at the same moment",
        "try again",
    ),
    "disk_full": (
        "the disk is full",
        "free some disk space (or ask the administrator to), then try again",
    ),
    "nul": (
        "a text contains a NUL character (\\x00), which the database cannot store",
        "remove the character (it often comes with text copied from another program "
        "or a converted file), then try again",
    ),
    "read_only": (
        "the database cannot be written to (read-only)",
        "check the permissions of the database file and of its folder, or that the "
        "server accepts writes",
    ),
    "corrupt": (
        "the database file is damaged",
        "stop writing to it and restore the latest backup (`center db restore`)",
    ),
    "io_error": (
        "the disk reported a read or write error",
        "check the disk, then try again",
    ),
}

#: English wording of what was saved, by :func:`saved_clause`
SAVED_TEXT: dict[str, str] = {
    "nothing_saved": "nothing was saved",
    "maybe_saved": "the change may or may not have been saved: look before doing it again",
}


def saved_clause(fault: Fault) -> str:
    """The key in :data:`SAVED_TEXT` of what to say about saving, or ``""``: nothing
    (a file's writer says itself what it left behind)."""
    if fault.source == "file":
        return ""
    return "nothing_saved" if fault.saved is False else "maybe_saved"


def fault_text(fault: Fault) -> str:
    """``what; saved. To do.`` in English (the CLI and the windows translate)."""
    what, todo = FAULT_TEXT[fault.kind]
    clause = saved_clause(fault)
    saved = f"; {SAVED_TEXT[clause]}" if clause else ""
    return f"{what}{saved}. {todo[0].upper()}{todo[1:]}."


__all__ = [
    "FAULT_KINDS",
    "DatabaseError",
    "DatabaseFault",
    "Fault",
    "classify",
    "fault_text",
    "saved_clause",
]
