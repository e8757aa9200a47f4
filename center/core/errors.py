"""The one error hierarchy: every error a user can cause is a :class:`UserError`.

The CLI prints ``str(error)`` as one line (exit status 2), the windows show it in a
message box, and the services raise it; nothing above the core needs to know which
feature raised it. Kinds carry structured attributes so a window can word them in
the user's language; ``str(error)`` is an English sentence for the command line.

:class:`db.errors.DatabaseError` belongs to the layer below (the database cannot be
used); :data:`USER_ERRORS` names both for the callers that report them.

A NUL character (``\\x00``) is refused in every text the services write
(:func:`install_text_guard`): PostgreSQL cannot store one (its driver fails the
statement) and SQLite would store it silently, so the same input would work on one
engine and fail on the other. The refusal is an :class:`InvalidInput` naming the
column, on both engines, before anything is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from db.errors import DatabaseError

if TYPE_CHECKING:
    from center.core.access import Actor


class UserError(Exception):
    """An error the user can fix; the message says what was wrong and what to do."""


class ConfigError(UserError):
    """A setting is missing or wrong; the message says which and where."""


class NotFound(UserError):
    def __init__(self, what: str, code: str) -> None:
        super().__init__(f"no {what} with code {code!r}")
        self.what = what
        self.code = code


class InvalidInput(UserError):
    """A field value is wrong; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class PermissionDenied(UserError):
    """The actor's role may not take ``action``; nothing was written."""

    def __init__(self, actor: Actor, action: str, why: str = "") -> None:
        roles = ", ".join(sorted(actor.roles)) or actor.role
        super().__init__(
            f"user {actor.name!r} (role {roles}) may not {action.replace('_', ' ')}"
            + (f": {why}" if why else "")
        )
        self.actor = actor
        self.action = action
        self.why = why


class UnknownUser(UserError):
    def __init__(self, name: str, known: list[str] | None = None) -> None:
        hint = f" (users: {', '.join(known)})" if known else ""
        super().__init__(
            f"no active user {name!r} in this database: start with --user NAME of an "
            f"existing user{hint}, or ask an administrator to add one"
        )
        self.name = name


class AuthenticationFailed(UserError):
    """A login was refused; ``reason`` says why for the windows to word it:
    ``credentials`` (unknown user or wrong password: never which), ``locked`` (until
    ``until``), ``disabled``, ``no_password``."""

    def __init__(self, message: str, reason: str, until: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.until = until


@dataclass(frozen=True)
class ChangeRecord:
    """One write by someone else, read back from the audit log."""

    at: datetime
    actor: str
    action: str
    version: int
    from_status: str | None
    to_status: str | None
    fields: dict[str, tuple[Any, Any]]


class ConflictError(UserError):
    """The row changed since the caller read it (optimistic locking); nothing was
    written. ``changes`` say what the other person changed."""

    def __init__(
        self,
        code: str,
        expected: int,
        current: int,
        changes: list[ChangeRecord],
        entity: str = "case",
    ) -> None:
        who = ", ".join(sorted({c.actor for c in changes})) or "another user"
        super().__init__(
            f"{entity} {code} was changed by {who} since you opened it (your version "
            f"{expected}, now {current}); reload it and apply your change again"
        )
        self.entity = entity
        self.code = code
        self.expected_version = expected
        self.current_version = current
        self.changes = changes


#: What :class:`InvalidInput` says of a text holding a NUL character.
NUL_MESSAGE = (
    "contains a NUL character (\\x00), which no text may hold: remove it (it often comes "
    "with text copied from another program or a converted file) and try again"
)

#: Execution option of a caller that has checked its texts itself (an importer that
#: refuses control characters line by line): the guard skips its statements.
TEXT_CHECKED = "center_text_checked"

_guard_installed = False
# a bind parameter's name is its column's, with a suffix when a statement binds the
# column more than once (``summary_1``, ``summary_m0``)
_BIND_SUFFIX = re.compile(r"(?:_m?\d+)+$")


def refuse_nul(field_name: str, value: object) -> None:
    """Raise :class:`InvalidInput` when ``value`` is a text with a NUL character."""
    if isinstance(value, str) and "\x00" in value:
        raise InvalidInput(field_name, NUL_MESSAGE)


def _field_with_nul(rows: Any) -> str | None:
    """The column of the first text holding a NUL in a statement's parameters (one
    mapping, or a list of them for a statement run for many rows)."""
    for row in [rows] if isinstance(rows, dict) else rows or ():
        if not isinstance(row, dict):
            continue
        for key, value in row.items():
            if isinstance(value, str) and "\x00" in value:
                return _BIND_SUFFIX.sub("", str(key)) or str(key)
    return None


def _before_cursor_execute(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """Refuse an INSERT or UPDATE whose values hold a NUL, before it is sent.

    The values checked are the ones the program passed (before any column type
    encrypts them), once per statement: a statement sent in several batches (many
    rows) is checked at its first batch."""
    if context is None or not (context.isinsert or context.isupdate):
        return
    if getattr(context, "_center_text_checked", False):
        return
    context._center_text_checked = True
    if context.execution_options.get(TEXT_CHECKED):
        return
    field_name = _field_with_nul(getattr(context, "compiled_parameters", None))
    if field_name is not None:
        raise InvalidInput(field_name, NUL_MESSAGE)


def _handle_error(ctx: Any) -> Exception | None:
    """A NUL the guard did not see (a SELECT, a statement that skipped the check)
    that PostgreSQL's driver refused: the same :class:`InvalidInput`."""
    original = ctx.original_exception
    if "cannot contain nul" not in str(original).lower():
        return None
    context = ctx.execution_context
    field_name = _field_with_nul(getattr(context, "compiled_parameters", None)) or "text"
    error = InvalidInput(field_name, NUL_MESSAGE)
    error.__cause__ = original
    return error


def install_text_guard() -> None:
    """Refuse a NUL character in any text written through any engine (idempotent).

    Installed for every :class:`sqlalchemy.Engine` at once, so each service's
    transaction is covered whatever engine it was given. SQLAlchemy loads only here:
    this module is imported by command-line paths that never open a database."""
    global _guard_installed
    if _guard_installed:
        return
    from sqlalchemy import Engine, event

    event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(Engine, "handle_error", _handle_error)
    _guard_installed = True


#: What callers report as a one-line message (never a traceback).
USER_ERRORS: tuple[type[Exception], ...] = (UserError, DatabaseError)

__all__ = [
    "USER_ERRORS",
    "AuthenticationFailed",
    "ChangeRecord",
    "ConfigError",
    "ConflictError",
    "DatabaseError",
    "InvalidInput",
    "NUL_MESSAGE",
    "TEXT_CHECKED",
    "NotFound",
    "PermissionDenied",
    "UnknownUser",
    "UserError",
    "install_text_guard",
    "refuse_nul",
]
