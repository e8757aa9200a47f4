"""The tamper-evident audit chain: the canonical content of an audit row, the hash
that links it to the row before it, and the walk that checks the chain.

Each row stores ``prev_hash`` (the ``row_hash`` of the row before it in id order, or
:data:`GENESIS` for the first row) and ``row_hash`` = SHA-256 of the previous hash and
the row's own canonical content. Changing a row's content, or removing a row from the
middle of the chain, breaks the chain at that point (removing the newest rows does
not: compare the reported ``head`` with one noted earlier).

The canonical form is a format commitment: changing it breaks every stored chain.
Used by the writer (center.core.audit), migration 0006 and a restore's check; the
table is described here with plain Core columns so that the migration does not
depend on the current models.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy import Connection

from db.types import LocalDateTime, to_local

#: the ``prev_hash`` of the first row
GENESIS = "0" * 64

#: the audit_log columns the chain covers
AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", LocalDateTime()),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_code", sa.String()),
    sa.column("detail", sa.Text()),
    sa.column("prev_hash", sa.String()),
    sa.column("row_hash", sa.String()),
)


#: the columns of a row's content, in the order they are hashed
_CONTENT = ("at", "actor", "action", "entity", "entity_code", "detail")


def canonical_content(
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_code: str | None,
    detail: str | None,
) -> str:
    """The row as hashed: a compact JSON array of its ``at`` (+08:00 ISO 8601 with
    microseconds), actor, action, entity, entity code and the detail text as stored."""
    return json.dumps(
        [
            to_local(at).isoformat(timespec="microseconds"),
            actor,
            action,
            entity,
            entity_code,
            detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def chain_hash(prev_hash: str, content: str) -> str:
    """SHA-256 (hex) of ``prev_hash`` and ``content``, separated by a newline."""
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


BreakKind = Literal["content", "link", "missing"]


@dataclass(frozen=True)
class ChainReport:
    """What :func:`walk_chain` found: ``rows`` checked (up to and including the first
    broken row), the first broken row's id, what broke (``kind``) and why (``reason``),
    and ``head``: the hash of the last intact row (note it to detect a later removal
    of the newest rows, which no chain can show by itself)."""

    rows: int
    broken_id: int | None = None
    kind: BreakKind | None = None
    reason: str | None = None
    head: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def walk_chain(conn: Connection, *, batch: int = 2000) -> ChainReport:
    """Walk the audit chain in id order (one statement: one snapshot) and name the
    first broken row: its content or hash changed (``content``), it follows a row that
    is not in the table, i.e. a row before it was deleted or rewritten (``missing``),
    or it follows another row than the one before it (``link``)."""
    c = AUDIT.c
    result = conn.execution_options(yield_per=batch).execute(
        sa.select(*(c[name] for name in ("id", *_CONTENT, "prev_hash", "row_hash"))).order_by(c.id)
    )
    expected, prev_id, n = GENESIS, None, 0
    with result:
        for r in result:
            n += 1
            content = canonical_content(r.at, r.actor, r.action, r.entity, r.entity_code, r.detail)
            if r.row_hash != chain_hash(r.prev_hash, content):
                why = f"row {r.id}: its content or hash was changed"
                return ChainReport(n, r.id, "content", why, expected)
            if r.prev_hash != expected:
                result.close()
                kind, why = _link_break(conn, r.id, r.prev_hash, prev_id)
                return ChainReport(n, r.id, kind, why, expected)
            expected, prev_id = r.row_hash, r.id
    return ChainReport(n, head=expected)


def _link_break(
    conn: Connection, row_id: int, prev_hash: str, prev_id: int | None
) -> tuple[BreakKind, str]:
    before = "the start of the chain" if prev_id is None else f"row {prev_id}"
    if prev_hash == GENESIS:
        return "link", f"row {row_id}: it starts a new chain instead of following {before}"
    linked = conn.execute(
        sa.select(AUDIT.c.id).where(AUDIT.c.row_hash == prev_hash).order_by(AUDIT.c.id).limit(1)
    ).scalar_one_or_none()
    if linked is None:
        return "missing", (
            f"row {row_id}: the row it follows is not in the table "
            f"(deleted or rewritten after {before})"
        )
    return "link", f"row {row_id}: it follows row {linked}, not {before}"
