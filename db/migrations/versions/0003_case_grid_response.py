"""cases.grid_id and cases.response_micros, for the case KPI statements

The case statements group a period's cases by grid. Joining every case to its
household cost a quarter of the received-cases statement and of the closed-cases
statement (SQLite, street scale); the grid is now stored with the case and kept like
``visit.grid_id`` (migration 0002): bulk writers set it, triggers fill it when a writer
leaves it NULL and keep it equal to the household's grid when a case changes household
or a household changes grid. ``response_micros`` (eff_response_at - received_at in
whole microseconds) is derived on write with the other ``eff_*`` columns, instead of
being computed from the stored text for every case on every refresh. The index on
``eff_closed_at`` now covers the closed-cases statement, the one on ``received_at`` the
received-cases statement.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CLOSED_INDEX = ("eff_closed_at", "received_at", "grid_id", "assigned_at", "dept_id", "satisfaction")
RECEIVED_INDEX = (
    "received_at",
    "grid_id",
    "assigned_at",
    "dept_id",
    "is_repeat",
    "source",
    "on_the_spot",
    "eff_response_at",
    "response_due_at",
    "accepted_at",
    "accept_due_at",
    "eff_closed_at",
    "deadline_at",
    "response_micros",
)
_GRID_OF = "(SELECT grid_id FROM household WHERE household.id = {row}.household_id)"

_SQLITE_TRIGGERS = (
    # a writer that leaves grid_id NULL (a case created on the workstation)
    (
        "CREATE TRIGGER case_grid_on_insert AFTER INSERT ON cases WHEN NEW.grid_id IS NULL "
        f"BEGIN UPDATE cases SET grid_id = {_GRID_OF.format(row='NEW')} WHERE id = NEW.id; END"
    ),
    (
        "CREATE TRIGGER case_grid_on_household AFTER UPDATE OF household_id, grid_id ON cases "
        f"WHEN NEW.grid_id IS NOT {_GRID_OF.format(row='NEW')} "
        f"BEGIN UPDATE cases SET grid_id = {_GRID_OF.format(row='NEW')} WHERE id = NEW.id; END"
    ),
    (
        "CREATE TRIGGER household_grid_to_cases AFTER UPDATE OF grid_id ON household "
        "WHEN NEW.grid_id IS NOT OLD.grid_id "
        "BEGIN UPDATE cases SET grid_id = NEW.grid_id WHERE household_id = NEW.id; END"
    ),
)
_SQLITE_TRIGGER_NAMES = ("case_grid_on_insert", "case_grid_on_household", "household_grid_to_cases")

_PG_FUNCTIONS = (
    # FOR SHARE: a concurrent change of the household's grid waits for this case's
    # transaction (and then moves the case too), or this waits for that change
    (
        "CREATE FUNCTION case_grid_fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "SELECT grid_id INTO NEW.grid_id FROM household WHERE household.id = NEW.household_id "
        "FOR SHARE; RETURN NEW; END $$"
    ),
    (
        "CREATE FUNCTION household_grid_to_cases() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE cases SET grid_id = NEW.grid_id WHERE household_id = NEW.id; RETURN NULL; END $$"
    ),
)
_PG_TRIGGERS = (
    (
        "CREATE TRIGGER case_grid_on_insert BEFORE INSERT ON cases FOR EACH ROW "
        "WHEN (NEW.grid_id IS NULL) EXECUTE FUNCTION case_grid_fill()"
    ),
    (
        "CREATE TRIGGER case_grid_on_household BEFORE UPDATE OF household_id, grid_id ON cases "
        "FOR EACH ROW EXECUTE FUNCTION case_grid_fill()"
    ),
    (
        "CREATE TRIGGER household_grid_to_cases AFTER UPDATE OF grid_id ON household "
        "FOR EACH ROW WHEN (NEW.grid_id IS DISTINCT FROM OLD.grid_id) "
        "EXECUTE FUNCTION household_grid_to_cases()"
    ),
)

# eff_response_at - received_at in whole microseconds, exactly as derive_case computes it:
# SQLite's date functions keep milliseconds at best, so the stored text
# "YYYY-MM-DD HH:MM:SS.ffffff" is split into whole seconds (through julianday, exact after
# rounding) and the six fraction digits (an integer)
_SQLITE_MICROS = (
    "CAST(round((julianday(substr(eff_response_at, 1, 19)) - "
    "julianday(substr(received_at, 1, 19))) * 86400) AS INTEGER) * 1000000 + "
    "(CAST(substr(eff_response_at, 21, 6) AS INTEGER) - CAST(substr(received_at, 21, 6) AS INTEGER))"
)
_PG_MICROS = "CAST(extract(epoch FROM eff_response_at - received_at) * 1000000 AS BIGINT)"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    # plain ADD COLUMN on both engines (SQLite adds a REFERENCES column in place)
    if sqlite:
        op.execute("ALTER TABLE cases ADD COLUMN grid_id INTEGER REFERENCES grid (id)")
    else:
        op.add_column(
            "cases",
            sa.Column(
                "grid_id",
                sa.Integer(),
                sa.ForeignKey("grid.id", name=op.f("fk_cases_grid_id_grid")),
                nullable=True,
            ),
        )
    op.add_column("cases", sa.Column("response_micros", sa.BigInteger(), nullable=True))
    op.execute(
        f"UPDATE cases SET grid_id = {_GRID_OF.format(row='cases')}, response_micros = "
        f"CASE WHEN eff_response_at IS NOT NULL THEN {_SQLITE_MICROS if sqlite else _PG_MICROS} END"
    )
    for sql in _SQLITE_TRIGGERS if sqlite else (*_PG_FUNCTIONS, *_PG_TRIGGERS):
        op.execute(sql)
    # covering: the closed-cases statement reads only these columns (it fetched every
    # closed case's table row: 32 -> 14 ms for a street quarter on SQLite)
    op.drop_index("ix_case_eff_closed", table_name="cases")
    op.create_index("ix_case_eff_closed", "cases", list(CLOSED_INDEX), unique=False)
    # covering: the received-cases statement reads only these columns (SQLite scanned
    # the whole table for a quarter: 32 -> 28 ms for a street quarter, 16 -> 11 ms for a
    # month)
    op.drop_index("ix_case_received", table_name="cases")
    op.create_index("ix_case_received", "cases", list(RECEIVED_INDEX), unique=False)


#: ALTER TABLE ... DROP COLUMN, without the early 3.35 releases' bugs
SQLITE_DROP_COLUMN = (3, 35, 5)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sqlite3.sqlite_version_info < SQLITE_DROP_COLUMN:
        # rebuilding ``cases`` instead would need foreign keys off, which a migration in
        # a transaction cannot do; refuse before anything is changed
        raise RuntimeError(
            "downgrading below 0003 drops two columns of the cases table, which needs "
            f"SQLite 3.35.5 or newer (this Python has {sqlite3.sqlite_version}); restore "
            "a backup made before the upgrade instead"
        )
    if bind.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS case_grid_on_insert ON cases")
        op.execute("DROP TRIGGER IF EXISTS case_grid_on_household ON cases")
        op.execute("DROP TRIGGER IF EXISTS household_grid_to_cases ON household")
        op.execute("DROP FUNCTION IF EXISTS case_grid_fill()")
        op.execute("DROP FUNCTION IF EXISTS household_grid_to_cases()")
    op.drop_index("ix_case_eff_closed", table_name="cases")
    op.drop_index("ix_case_received", table_name="cases")
    if bind.dialect.name == "sqlite":
        # in place: a batch copy of ``cases`` would check its self-references against the
        # unindexed copy for every row when the original is dropped (quadratic)
        op.execute("ALTER TABLE cases DROP COLUMN response_micros")
        op.execute("ALTER TABLE cases DROP COLUMN grid_id")
    else:
        op.drop_constraint(op.f("fk_cases_grid_id_grid"), "cases", type_="foreignkey")
        op.drop_column("cases", "response_micros")
        op.drop_column("cases", "grid_id")
    op.create_index("ix_case_eff_closed", "cases", ["eff_closed_at"], unique=False)
    op.create_index("ix_case_received", "cases", ["received_at"], unique=False)
