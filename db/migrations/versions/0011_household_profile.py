"""The household profile edited in the workstation (一户一档 动态更新)

``household`` gains the columns the workstation's profile editor writes
(``center.visits.profile``): ``notes`` (free text about the household, hidden from the
wall role like other free text), ``verified_at`` and ``verified_by`` (the last
confirmation or edit of the profile; a met visit verifies it too, read from the visits)
and ``version`` (optimistic locking: a stale edit is refused). Existing rows start at
version 1, unverified.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

from db.types import LocalDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: the columns, newest last (the downgrade drops them in reverse)
COLUMNS = ("notes", "verified_at", "verified_by", "version")
SQLITE_DROP_COLUMN = (3, 35, 5)


def upgrade() -> None:
    # in place on both engines (SQLite: ALTER TABLE ADD COLUMN): a batch copy of
    # ``household`` would break the triggers of visits and cases that name it
    op.add_column("household", sa.Column("notes", sa.Text(), nullable=True))
    op.add_column("household", sa.Column("verified_at", LocalDateTime(), nullable=True))
    op.add_column("household", sa.Column("verified_by", sa.String(length=60), nullable=True))
    op.add_column(
        "household", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sqlite3.sqlite_version_info < SQLITE_DROP_COLUMN:
        raise RuntimeError(
            "downgrading below 0011 drops four columns of the household table, which needs "
            f"SQLite 3.35.5 or newer (this Python has {sqlite3.sqlite_version}); restore "
            "a backup made before the upgrade instead"
        )
    for name in reversed(COLUMNS):
        if bind.dialect.name == "sqlite":
            op.execute(f"ALTER TABLE household DROP COLUMN {name}")
        else:
            op.drop_column("household", name)
