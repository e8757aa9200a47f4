"""The audit writer: one append-only row per write (who, when, what), inside the
write's own transaction. The detail is JSON and never holds personal information or
free text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from center.core.access import Actor
from db.models import AuditLog
from db.types import to_local


def jsonable(value: Any) -> Any:
    """``value`` as it is written into an audit detail (instants in +08:00 ISO 8601)."""
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_audit(
    s: Session,
    actor: Actor,
    action: str,
    code: str,
    at: datetime,
    detail: Mapping[str, Any],
    entity: str = "case",
) -> None:
    """Append an audit row: who, when (``at``: the instant of the write), what; the
    detail is JSON and must never hold personal information or free text."""
    s.add(
        AuditLog(
            at=at,
            actor=actor.name,
            action=action,
            entity=entity,
            entity_code=code,
            detail=json.dumps({k: jsonable(v) for k, v in detail.items()}, ensure_ascii=False),
        )
    )
