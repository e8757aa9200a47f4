"""Column types shared by the models.

All instants are stored as naive local time of the street (Asia/Shanghai, a fixed
UTC+08:00 with no daylight saving) so that SQL on SQLite and PostgreSQL compares and
groups them the same way; Python always sees timezone-aware values.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, Numeric, cast, func
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


#: the naive local instant whose :func:`epoch_us` is 0
EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)


def epoch_us(dialect: str, column: Any) -> Any:
    """SQL: ``column`` (an instant, stored as naive local time) as whole microseconds
    since 1970-01-01 00:00 of the same clock, computed by the database, for statements
    that compare or return thousands of instants (ints need no parsing). Exact: on
    SQLite the whole seconds of the text and its six digits of microseconds
    (SQLAlchemy's storage format; a text without them counts as .000000), on
    PostgreSQL the epoch as an exact numeric."""
    if dialect == "sqlite":
        # the seconds of the text's first 19 characters: SQLite rounds a fraction to
        # milliseconds, which could carry into the next second
        seconds = cast(func.strftime("%s", func.substr(column, 1, 19)), BigInteger)
        micro = cast(func.substr(column, 21, 6), Integer)
        return seconds * 1_000_000 + micro
    return cast(func.round(func.extract("epoch", column) * 1_000_000), BigInteger)


def us_of(t: datetime) -> int:
    """:func:`epoch_us` of an instant (naive taken as +08:00)."""
    return (local_naive(t) - EPOCH) // _US


def from_us(us: int) -> datetime:
    """The naive local instant of ``us`` (the inverse of :func:`epoch_us`)."""
    return EPOCH + timedelta(microseconds=us)


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
