"""audit_log.prev_hash / row_hash: the tamper-evident audit chain

Each audit row stores the hash of the row before it and its own hash (SHA-256 of that
previous hash and its canonical content, see db.audit_chain). Existing rows are chained
in id order; the append-only triggers are dropped around the backfill and recreated.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from db.audit_chain import AUDIT, GENESIS, canonical_content, chain_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_audit = AUDIT  # the table as the chain covers it


def _drop_append_only(dialect: str) -> None:
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")


def _create_append_only(dialect: str) -> None:
    # as in 0001 (the PostgreSQL function audit_log_append_only() stays in place)
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def _backfill(bind: sa.Connection) -> None:
    rows = bind.execute(
        sa.select(
            _audit.c.id,
            _audit.c.at,
            _audit.c.actor,
            _audit.c.action,
            _audit.c.entity,
            _audit.c.entity_code,
            _audit.c.detail,
        ).order_by(_audit.c.id)
    ).all()
    prev = GENESIS
    params = []
    for r in rows:
        h = chain_hash(
            prev, canonical_content(r.at, r.actor, r.action, r.entity, r.entity_code, r.detail)
        )
        params.append({"b_id": r.id, "prev_hash": prev, "row_hash": h})
        prev = h
    if params:
        bind.execute(
            _audit.update()
            .where(_audit.c.id == sa.bindparam("b_id"))
            .values(prev_hash=sa.bindparam("prev_hash"), row_hash=sa.bindparam("row_hash")),
            params,
        )


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _drop_append_only(dialect)
    # nullable first, NOT NULL once every row is chained
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(length=64), nullable=True))
    _backfill(bind)
    # on SQLite a table copy (batch mode), which also drops the table's triggers
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("row_hash", existing_type=sa.String(length=64), nullable=False)
    _create_append_only(dialect)


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _drop_append_only(dialect)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
    _create_append_only(dialect)
