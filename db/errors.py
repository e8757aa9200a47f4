"""The database layer's one error: the database cannot be used (the message says why
and what to do). Standard library only, so the error hierarchy loads no driver."""

from __future__ import annotations


class DatabaseError(Exception):
    """The database cannot be used; the message says why and what to do."""
