"""The budget ledger (spec/office.md "Budget")

``budget_line`` takes the spec's names and fields: ``code`` becomes ``line_code``,
``document`` is added, and the source ``purchase`` becomes ``purchase_of_services``
(the column widens to 24 characters). ``expenditure``: ``code`` becomes
``voucher_no``, ``payee`` is required (the old ``description`` carries over into it
and into ``note``), ``community_id`` names the community the money went to. Both
tables gain ``version`` (optimistic locking), the void fields (``voided_at``,
``voided_by``, ``void_reason``: a ledger row is never deleted) and ``amount > 0``.
``visit`` gains the partial index ``ix_visit_met`` (met-visits per grid by date) and
``cases`` the index ``ix_case_grid_closed`` (closures per grid), for the value for
money. The renamed code columns keep their unique constraints under the old names
(``uq_budget_line_code``, ``uq_expenditure_code``) on both engines.

While ``budget_line`` is copied (SQLite) ``expenditure`` does not reference it. The
downgrade keeps the data it can: voided rows are dropped (the old schema had no
void), ``payee`` goes back into ``description`` (cut to 200 characters).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

import db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_SOURCES = ("fiscal", "social_fund", "purchase")
NEW_SOURCES = ("fiscal", "social_fund", "purchase_of_services")

_line = sa.table(
    "budget_line",
    sa.column("id", sa.Integer()),
    sa.column("source", sa.String()),
    sa.column("voided_at", db.types.LocalDateTime()),
)
_spend = sa.table(
    "expenditure",
    sa.column("id", sa.Integer()),
    sa.column("budget_line_id", sa.Integer()),
    sa.column("description", sa.String()),
    sa.column("payee", sa.String()),
    sa.column("note", sa.Text()),
    sa.column("voided_at", db.types.LocalDateTime()),
)


def _in(values: tuple[str, ...]) -> str:
    return f"source IN ({', '.join(repr(v) for v in values)})"


def _void_columns(batch_op: BatchOperations) -> None:
    batch_op.add_column(sa.Column("voided_at", db.types.LocalDateTime(), nullable=True))
    batch_op.add_column(sa.Column("voided_by", sa.String(length=60), nullable=True))
    batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
    batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


FK_LINE = "fk_expenditure_budget_line_id_budget_line"


def _unlink() -> None:
    """Drop ``expenditure``'s foreign key to ``budget_line``: SQLite's batch mode copies
    ``budget_line`` and drops the old table, which a row referencing it forbids (the
    foreign keys are on, and a deferred check does not survive the rename)."""
    with op.batch_alter_table("expenditure", schema=None) as batch_op:
        batch_op.drop_constraint(FK_LINE, type_="foreignkey")


def _link() -> None:
    with op.batch_alter_table("expenditure", schema=None) as batch_op:
        batch_op.create_foreign_key(FK_LINE, "budget_line", ["budget_line_id"], ["id"])


def upgrade() -> None:
    bind = op.get_bind()
    _unlink()
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_budget_line_source"), type_="check")
        batch_op.alter_column(
            "code", new_column_name="line_code", existing_type=sa.String(length=40)
        )
        batch_op.alter_column(
            "source",
            existing_type=sa.String(length=12),
            type_=sa.String(length=24),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("document", sa.String(length=200), nullable=True))
        _void_columns(batch_op)
    bind.execute(
        _line.update().where(_line.c.source == "purchase").values(source="purchase_of_services")
    )
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f("ck_budget_line_source"), _in(NEW_SOURCES))
        batch_op.create_check_constraint(batch_op.f("ck_budget_line_amount"), "amount > 0")

    with op.batch_alter_table("expenditure", schema=None) as batch_op:
        batch_op.alter_column(
            "code", new_column_name="voucher_no", existing_type=sa.String(length=40)
        )
        batch_op.add_column(sa.Column("payee", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        _void_columns(batch_op)
    # the old description said what was bought, and by or for whom: it is both
    bind.execute(_spend.update().values(payee=_spend.c.description, note=_spend.c.description))
    with op.batch_alter_table("expenditure", schema=None) as batch_op:
        batch_op.alter_column("payee", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column("description")
        batch_op.create_foreign_key(
            batch_op.f("fk_expenditure_community_id_community"),
            "community",
            ["community_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_expenditure_community_id"), ["community_id"], unique=False
        )
        batch_op.create_check_constraint(batch_op.f("ck_expenditure_amount"), "amount > 0")
        batch_op.create_foreign_key(FK_LINE, "budget_line", ["budget_line_id"], ["id"])
    op.create_index(
        "ix_case_grid_closed", "cases", ["grid_id", "eff_closed_at", "received_at"], unique=False
    )
    op.create_index(
        "ix_visit_met",
        "visit",
        ["grid_id", "visited_at", "outcome"],
        unique=False,
        sqlite_where=sa.text("outcome = 'met'"),
        postgresql_where=sa.text("outcome = 'met'"),
    )


def downgrade() -> None:
    bind = op.get_bind()
    _unlink()
    # the old schema cannot say "voided": voided rows go (their history stays in the
    # audit log); expenditures of a voided line were voided with it
    voided_lines = sa.select(_line.c.id).where(_line.c.voided_at.is_not(None))
    bind.execute(
        _spend.delete().where(
            _spend.c.voided_at.is_not(None) | _spend.c.budget_line_id.in_(voided_lines)
        )
    )
    bind.execute(_line.delete().where(_line.c.voided_at.is_not(None)))
    op.drop_index("ix_visit_met", table_name="visit")
    op.drop_index("ix_case_grid_closed", table_name="cases")

    with op.batch_alter_table("expenditure", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_expenditure_amount"), type_="check")
        batch_op.drop_index(batch_op.f("ix_expenditure_community_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_expenditure_community_id_community"), type_="foreignkey"
        )
        batch_op.add_column(sa.Column("description", sa.String(length=200), nullable=True))
    bind.execute(_spend.update().values(description=sa.func.substr(_spend.c.payee, 1, 200)))
    with op.batch_alter_table("expenditure", schema=None) as batch_op:
        batch_op.alter_column("description", existing_type=sa.String(length=200), nullable=False)
        for name in ("version", "void_reason", "voided_by", "voided_at", "note"):
            batch_op.drop_column(name)
        batch_op.drop_column("community_id")
        batch_op.drop_column("payee")
        batch_op.alter_column(
            "voucher_no", new_column_name="code", existing_type=sa.String(length=40)
        )

    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_budget_line_amount"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_budget_line_source"), type_="check")
    bind.execute(
        _line.update().where(_line.c.source == "purchase_of_services").values(source="purchase")
    )
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        for name in ("version", "void_reason", "voided_by", "voided_at", "document"):
            batch_op.drop_column(name)
        batch_op.alter_column(
            "source",
            existing_type=sa.String(length=24),
            type_=sa.String(length=12),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "line_code", new_column_name="code", existing_type=sa.String(length=40)
        )
        batch_op.create_check_constraint(batch_op.f("ck_budget_line_source"), _in(OLD_SOURCES))
    _link()
