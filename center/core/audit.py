"""The audit writer: one append-only row per write (who, when, what), inside the
write's own transaction. The detail is JSON and never holds personal information or
free text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from center.core.access import Actor
from center.core.clock import now
from db.models import AuditLog
from db.types import to_local


def jsonable(value: Any) -> Any:
    """``value`` as it is written into an audit detail (instants in +08:00 ISO 8601)."""
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def append_audit(
    target: Session | Connection,
    actor: str,
    action: str,
    entity: str,
    code: str | None,
    detail: Mapping[str, Any],
    *,
    at: datetime | None = None,
    sort_keys: bool = False,
) -> None:
    """Append an audit row inside the caller's transaction: who (a user name), when
    (``at``, default now: the instant of the write), what (``action`` on ``entity``
    ``code``), and a JSON ``detail`` that must never hold personal information or free
    text. Every audit row of the product is written here."""
    text = json.dumps(
        {k: jsonable(v) for k, v in detail.items()}, ensure_ascii=False, sort_keys=sort_keys
    )
    target.execute(
        insert(AuditLog).values(
            at=at if at is not None else now(),
            actor=actor,
            action=action,
            entity=entity,
            entity_code=code,
            detail=text,
        )
    )


def write_audit(
    s: Session,
    actor: Actor,
    action: str,
    code: str,
    at: datetime,
    detail: Mapping[str, Any],
    entity: str = "case",
) -> None:
    """The audit row of a case (or ``entity``) write by ``actor``."""
    append_audit(s, actor.name, action, entity, code, detail, at=at)
