"""A report approved before its period ended: ``report_doc.override_reason``

An admin may approve a monthly, quarterly or annual report before its period ends
with a reason (``center report approve ID --override-reason TEXT``). The reason is
free text, so it lives in the report's row; the audit row records only that the
period was overridden.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_doc", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_doc", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
