"""The current instant (+08:00) and the check of an instant a user typed in."""

from __future__ import annotations

from datetime import datetime, timedelta

from center.core.errors import InvalidInput
from db.types import CST, to_local

#: A timestamp typed in may lie this far in the future (clocks of two PCs differ).
CLOCK_SKEW = timedelta(minutes=5)


def now() -> datetime:
    """The current instant, +08:00."""
    return datetime.now(CST)


def checked_instant(
    value: datetime | None,
    name: str,
    *,
    not_before: datetime | None = None,
    not_before_name: str = "",
) -> datetime:
    """``value`` (default now) as an aware instant, refused when it lies in the future
    (beyond :data:`CLOCK_SKEW`) or before ``not_before``."""
    current = now()
    at = to_local(value) if value is not None else current
    if at > current + CLOCK_SKEW:
        raise InvalidInput(name, f"{at.isoformat()} is in the future")
    if not_before is not None and at < not_before:
        raise InvalidInput(
            name, f"{at.isoformat()} is earlier than {not_before_name} ({not_before.isoformat()})"
        )
    return at
