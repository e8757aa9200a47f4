"""The audit writer: one append-only row per write (who, when, what), inside the
write's own transaction. The detail is JSON and never holds personal information or
free text.

The rows form a tamper-evident chain (:mod:`db.audit_chain`): each row stores the
previous row's ``row_hash`` and the SHA-256 of that and its own content, so
:func:`verify_chain` finds a row whose content was changed and a row missing from
the middle. :func:`append_audit` is the only writer of audit rows; it links each new
row to the last one while no other writer can append:

* PostgreSQL: a transaction-scoped advisory lock (:data:`CHAIN_LOCK`) serialises the
  appenders until their commit; under READ COMMITTED the read of the last row after
  the lock sees every row committed before it.
* SQLite: every caller appends inside a write transaction (``transaction(write=True)``,
  ``db.engine.writer``) that holds the database's write lock. A transaction that read
  a stale last row could not write anyway (SQLite refuses to upgrade a stale snapshot).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.orm import Session

from center.core.access import Actor, require_role
from center.core.clock import now
from db.audit_chain import GENESIS, ChainReport, canonical_content, chain_hash, walk_chain
from db.models import AuditLog
from db.types import to_local

#: ``pg_advisory_xact_lock`` key of the audit chain's appenders
CHAIN_LOCK = 7311006
#: :func:`list_audit`'s default number of rows
LIST_LIMIT = 1000


def jsonable(value: Any) -> Any:
    """``value`` as it is written into an audit detail (instants in +08:00 ISO 8601)."""
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _last_hash(target: Session | Connection) -> str:
    """The ``row_hash`` of the chain's last row, with the chain locked for this
    transaction (see the module's docstring)."""
    dialect = target.get_bind().dialect if isinstance(target, Session) else target.dialect
    if dialect.name == "postgresql":
        target.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = target.execute(
        select(AuditLog.row_hash).order_by(AuditLog.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last if last is not None else GENESIS


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
    """Append an audit row inside the caller's (write) transaction: who (a user name),
    when (``at``, default now: the instant of the write), what (``action`` on ``entity``
    ``code``), and a JSON ``detail`` that must never hold personal information or free
    text. Every audit row of the product is written here, linked to the row before it."""
    text_ = json.dumps(
        {k: jsonable(v) for k, v in detail.items()}, ensure_ascii=False, sort_keys=sort_keys
    )
    stamp = to_local(at if at is not None else now())
    prev = _last_hash(target)
    content = canonical_content(stamp, actor, action, entity, code, text_)
    target.execute(
        insert(AuditLog).values(
            at=stamp,
            actor=actor,
            action=action,
            entity=entity,
            entity_code=code,
            detail=text_,
            prev_hash=prev,
            row_hash=chain_hash(prev, content),
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


# -- verifying the chain -----------------------------------------------------------


def verify_chain(engine: Engine) -> ChainReport:
    """Walk the audit chain (:func:`db.audit_chain.walk_chain`) and name the first
    broken row: content changed, row missing, or link broken."""
    with engine.connect() as conn:
        return walk_chain(conn)


# -- listing -------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One audit row; ``detail`` is the JSON text as stored."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_code: str | None
    detail: str | None

    @property
    def record(self) -> str:
        """``KIND:ID`` of the record the row is about (``KIND`` alone without a code)."""
        return self.entity if self.entity_code is None else f"{self.entity}:{self.entity_code}"

    def detail_value(self) -> Any:
        """The detail parsed (``None`` when there is none)."""
        return None if self.detail is None else json.loads(self.detail)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": to_local(self.at).isoformat(),
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_code": self.entity_code,
            "detail": self.detail_value(),
        }


def parse_record(value: str) -> tuple[str, str | None]:
    """``KIND:ID`` (the ID may itself hold colons) or ``KIND`` as (entity, code)."""
    kind, sep, code = value.partition(":")
    if not kind or (sep and not code):
        raise ValueError(f"expected KIND:ID (e.g. case:K202610060001), got {value!r}")
    return kind, code if sep else None


def list_audit(
    engine: Engine,
    user: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    record: str | None = None,
    limit: int = LIST_LIMIT,
    *,
    actor: Actor | None = None,
) -> list[AuditEntry]:
    """The newest ``limit`` audit rows (oldest first) by ``user``, of ``action`` (a
    trailing ``*`` matches a prefix, e.g. ``case.*``), at or after ``since``, about
    ``record`` (``KIND:ID``, or ``KIND`` for every record of a kind).

    ``actor`` must hold a role that may ``read_audit`` (admin, assessor): the
    workstation's audit viewer passes its user. ``None`` is left for the command
    line's ``center audit list`` until it logs in."""
    if actor is not None:
        require_role(actor, "read_audit")
    q = select(
        AuditLog.id,
        AuditLog.at,
        AuditLog.actor,
        AuditLog.action,
        AuditLog.entity,
        AuditLog.entity_code,
        AuditLog.detail,
    )
    if user is not None:
        q = q.where(AuditLog.actor == user)
    if action is not None:
        if action.endswith("*"):
            q = q.where(AuditLog.action.startswith(action[:-1], autoescape=True))
        else:
            q = q.where(AuditLog.action == action)
    if since is not None:
        q = q.where(AuditLog.at >= to_local(since))
    if record is not None:
        entity, code = parse_record(record)
        q = q.where(AuditLog.entity == entity)
        if code is not None:
            q = q.where(AuditLog.entity_code == code)
    q = q.order_by(AuditLog.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [AuditEntry(*r) for r in reversed(rows)]
