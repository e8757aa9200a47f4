"""Column types shared by the models.

All instants are stored as naive local time of the street (Asia/Shanghai, a fixed
UTC+08:00 with no daylight saving) so that SQL on SQLite and PostgreSQL compares and
groups them the same way; Python always sees timezone-aware values.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

CST = timezone(timedelta(hours=8), "CST")


def to_local(dt: datetime) -> datetime:
    """Return ``dt`` as an aware +08:00 datetime; naive input is taken as +08:00."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=CST)
    return dt.astimezone(CST)


def local_naive(dt: datetime) -> datetime:
    return to_local(dt).replace(tzinfo=None)


def period_instant(d: date) -> datetime:
    """00:00 local of ``d`` as an aware datetime."""
    return datetime(d.year, d.month, d.day, tzinfo=CST)


class LocalDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive Asia/Shanghai local time."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        return local_naive(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text from a textual query
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=CST)


class Money(TypeDecorator[Decimal]):
    """Yuan with two decimals, always a Decimal in Python (also on SQLite)."""

    impl = Numeric(14, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(value).quantize(Decimal("0.01"))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value).quantize(Decimal("0.01"))
