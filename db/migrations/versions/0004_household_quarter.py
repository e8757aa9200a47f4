"""household_quarter: each household's met-visits condensed per quarter

A quarter's visit cadence grouped ~70,000 household months by household on every
refresh (street scale); one row per household and quarter, rebuilt with
``household_month``, answers the cadence of the quarter and of each of its months with
one probe per household: ordinary households ``first_met_at <= T`` (for a month: also
before the next month), special ones ``special_done_at <= T`` for the quarter (the
latest of its three months' second met-visits, NULL when a month never had two) and
``second_met_k <= T`` for its k-th month.
The cadence statement reads households and their quarter rows through covering
indexes (``ix_household_grid_special`` gains ``moved_out_on``): 28 -> 14 ms.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_quarter",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("yq", sa.Integer(), nullable=False),
        sa.Column("first_met_at", db.types.LocalDateTime(), nullable=False),
        sa.Column("second_met_1", db.types.LocalDateTime(), nullable=True),
        sa.Column("second_met_2", db.types.LocalDateTime(), nullable=True),
        sa.Column("second_met_3", db.types.LocalDateTime(), nullable=True),
        sa.Column("special_done_at", db.types.LocalDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_quarter_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("household_id", "yq", name=op.f("pk_household_quarter")),
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "postgresql":  # SQLite probes the table by key
        op.create_index(
            "ix_household_quarter_yq",
            "household_quarter",
            [
                "yq",
                "household_id",
                "first_met_at",
                "second_met_1",
                "second_met_2",
                "second_met_3",
                "special_done_at",
            ],
            unique=False,
        )
    op.drop_index("ix_household_grid_special", table_name="household")
    op.create_index(
        "ix_household_grid_special",
        "household",
        ["grid_id", "is_special", "moved_out_on"],
        unique=False,
    )
    second = "max(CASE WHEN (ym % 100 - 1) % 3 = {} THEN second_met_at END)"
    op.execute(
        "INSERT INTO household_quarter (household_id, yq, first_met_at, second_met_1, "
        "second_met_2, second_met_3, special_done_at) "
        "SELECT household_id, ym / 100 * 10 + (ym % 100 + 2) / 3 AS yq, min(first_met_at), "
        f"{second.format(0)}, {second.format(1)}, {second.format(2)}, "
        "CASE WHEN count(second_met_at) = 3 THEN max(second_met_at) END "
        "FROM household_month GROUP BY household_id, ym / 100 * 10 + (ym % 100 + 2) / 3"
    )


def downgrade() -> None:
    op.drop_index("ix_household_grid_special", table_name="household")
    op.create_index(
        "ix_household_grid_special", "household", ["grid_id", "is_special"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_household_quarter_yq", table_name="household_quarter")
    op.drop_table("household_quarter")
