"""The one error hierarchy: every error a user can cause is a :class:`UserError`.

The CLI prints ``str(error)`` as one line (exit status 2), the windows show it in a
message box, and the services raise it; nothing above the core needs to know which
feature raised it. Kinds carry structured attributes so a window can word them in
the user's language; ``str(error)`` is an English sentence for the command line.

:class:`db.errors.DatabaseError` belongs to the layer below (the database cannot be
used); :data:`USER_ERRORS` names both for the callers that report them.
"""

from __future__ import annotations

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
    "NotFound",
    "PermissionDenied",
    "UnknownUser",
    "UserError",
]
