"""Accounts: passwords, lock-out and several roles per user (spec/access.md)

``app_user`` gains ``password_hash`` (argon2id; NULL until a password is set: such an
account cannot log in), ``failed_logins`` / ``locked_until`` (five failures in a row
lock it for 15 minutes), ``last_login_at`` and ``grid_id`` (a grid worker's grid); the
unused ``pin_hash`` goes. Roles move to ``user_role`` (one row per user and role,
CHECKed against the eight roles); the old ``viewer`` becomes ``leader``, and
``app_user.role`` is dropped on both engines.

The roles are read before ``app_user`` is altered and written after: on SQLite the
alteration copies the table, and dropping the old copy would cascade into a
``user_role`` that already referenced it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ROLES = (
    "leader",
    "coordinator",
    "department",
    "grid_worker",
    "assessor",
    "finance",
    "admin",
    "wall",
)
OLD_ROLES = ("admin", "coordinator", "assessor", "leader", "department", "viewer")
# downgrade: the one old role kept for a user with several (the most capable first)
DOWN_ORDER = ("admin", "coordinator", "assessor", "department", "leader")

_app_user = sa.table("app_user", sa.column("id", sa.Integer()), sa.column("role", sa.String()))
_user_role = sa.table(
    "user_role", sa.column("user_id", sa.Integer()), sa.column("role", sa.String())
)


def _in(values: tuple[str, ...]) -> str:
    return f"role IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    bind = op.get_bind()
    old = bind.execute(sa.select(_app_user.c.id, _app_user.c.role)).all()
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grid_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", db.types.LocalDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_login_at", db.types.LocalDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_grid_id_grid"), "grid", ["grid_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_app_user_role"), type_="check")
        batch_op.drop_column("role")
        batch_op.drop_column("pin_hash")
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint(_in(ROLES), name=op.f("ck_user_role_role")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_role_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    rows = [{"user_id": uid, "role": "leader" if r == "viewer" else r} for uid, r in old]
    if rows:
        bind.execute(sa.insert(_user_role), rows)


def downgrade() -> None:
    bind = op.get_bind()
    held: dict[int, set[str]] = {}
    for uid, role in bind.execute(sa.select(_user_role.c.user_id, _user_role.c.role)):
        held.setdefault(uid, set()).add(role)
    op.drop_table("user_role")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("pin_hash", sa.String(length=200), nullable=True))
        batch_op.drop_constraint(batch_op.f("fk_app_user_grid_id_grid"), type_="foreignkey")
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("password_hash")
        batch_op.drop_column("grid_id")
    ids = bind.execute(sa.select(_app_user.c.id)).scalars().all()
    params = [
        {"b_id": uid, "b_role": next((r for r in DOWN_ORDER if r in held.get(uid, ())), "viewer")}
        for uid in ids
    ]
    if params:
        bind.execute(
            _app_user.update()
            .where(_app_user.c.id == sa.bindparam("b_id"))
            .values(role=sa.bindparam("b_role")),
            params,
        )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint(batch_op.f("ck_app_user_role"), _in(OLD_ROLES))
