"""visit.grid_id: the grid of the visited household, for the entry-lag statements

The entry-lag median groups a period's visits by grid; joining every visit to its
household cost ~40% of that statement (SQLite, street scale) and ~350 ms of 1.2 s
(PostgreSQL, district quarter). The grid is now stored with the visit and the covering
index carries it. Bulk writers set it (reading the households under a share lock on
PostgreSQL); triggers fill it when a writer leaves it NULL and keep it equal to the
household's grid when a visit changes household or a household changes grid.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    # a writer that leaves grid_id NULL (a single visit from the workstation)
    (
        "CREATE TRIGGER visit_grid_on_insert AFTER INSERT ON visit WHEN NEW.grid_id IS NULL "
        "BEGIN UPDATE visit SET grid_id = (SELECT grid_id FROM household "
        "WHERE household.id = NEW.household_id) WHERE id = NEW.id; END"
    ),
    (
        "CREATE TRIGGER visit_grid_on_household AFTER UPDATE OF household_id, grid_id ON visit "
        "WHEN NEW.grid_id IS NOT (SELECT grid_id FROM household WHERE household.id = "
        "NEW.household_id) BEGIN UPDATE visit SET grid_id = (SELECT grid_id FROM household "
        "WHERE household.id = NEW.household_id) WHERE id = NEW.id; END"
    ),
    (
        "CREATE TRIGGER household_grid_to_visits AFTER UPDATE OF grid_id ON household "
        "WHEN NEW.grid_id IS NOT OLD.grid_id "
        "BEGIN UPDATE visit SET grid_id = NEW.grid_id WHERE household_id = NEW.id; END"
    ),
)
_SQLITE_TRIGGER_NAMES = (
    "visit_grid_on_insert",
    "visit_grid_on_household",
    "household_grid_to_visits",
)

_PG_FUNCTIONS = (
    # FOR SHARE: a concurrent change of the household's grid waits for this visit's
    # transaction (and then moves the visit too), or this waits for that change
    (
        "CREATE FUNCTION visit_grid_fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "SELECT grid_id INTO NEW.grid_id FROM household WHERE household.id = NEW.household_id "
        "FOR SHARE; RETURN NEW; END $$"
    ),
    (
        "CREATE FUNCTION household_grid_to_visits() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE visit SET grid_id = NEW.grid_id WHERE household_id = NEW.id; RETURN NULL; END $$"
    ),
)
_PG_TRIGGERS = (
    (
        "CREATE TRIGGER visit_grid_on_insert BEFORE INSERT ON visit FOR EACH ROW "
        "WHEN (NEW.grid_id IS NULL) EXECUTE FUNCTION visit_grid_fill()"
    ),
    (
        "CREATE TRIGGER visit_grid_on_household BEFORE UPDATE OF household_id, grid_id ON visit "
        "FOR EACH ROW EXECUTE FUNCTION visit_grid_fill()"
    ),
    (
        "CREATE TRIGGER household_grid_to_visits AFTER UPDATE OF grid_id ON household "
        "FOR EACH ROW WHEN (NEW.grid_id IS DISTINCT FROM OLD.grid_id) "
        "EXECUTE FUNCTION household_grid_to_visits()"
    ),
)


def upgrade() -> None:
    bind = op.get_bind()
    # a plain ADD COLUMN on both engines: SQLite adds a REFERENCES column in place (a
    # batch copy of the visit table is not needed; Alembic would insist on one)
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE visit ADD COLUMN grid_id INTEGER REFERENCES grid (id)")
    else:
        op.add_column(
            "visit",
            sa.Column(
                "grid_id",
                sa.Integer(),
                sa.ForeignKey("grid.id", name=op.f("fk_visit_grid_id_grid")),
                nullable=True,
            ),
        )
    op.drop_index("ix_visit_at", table_name="visit")
    op.execute(
        "UPDATE visit SET grid_id = (SELECT grid_id FROM household "
        "WHERE household.id = visit.household_id)"
    )
    op.create_index("ix_visit_at", "visit", ["visited_at", "grid_id", "lag_hours"], unique=False)
    if bind.dialect.name == "sqlite":
        for sql in _SQLITE_TRIGGERS:
            op.execute(sql)
    else:
        for sql in (*_PG_FUNCTIONS, *_PG_TRIGGERS):
            op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS visit_grid_on_insert ON visit")
        op.execute("DROP TRIGGER IF EXISTS visit_grid_on_household ON visit")
        op.execute("DROP TRIGGER IF EXISTS household_grid_to_visits ON household")
        op.execute("DROP FUNCTION IF EXISTS visit_grid_fill()")
        op.execute("DROP FUNCTION IF EXISTS household_grid_to_visits()")
    op.drop_index("ix_visit_at", table_name="visit")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        if bind.dialect.name != "sqlite":
            batch_op.drop_constraint(batch_op.f("fk_visit_grid_id_grid"), type_="foreignkey")
        batch_op.drop_column("grid_id")
    op.create_index(
        "ix_visit_at", "visit", ["visited_at", "household_id", "lag_hours"], unique=False
    )
