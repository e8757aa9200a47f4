"""PostgreSQL roles (db/pgroles.py; `center db roles`, `center db wall-role`): the
owner owns everything and runs the migrations, the app reads and writes but only
appends to the audit log and owns nothing, the wall reads no personal information.

The PostgreSQL tests run in a schema of their own (``center_roles_<pid>``), migrated
as the owner role by :func:`db.pgroles.setup_roles`, with roles named per process
(roles belong to the whole server); the schema and the roles are dropped at the end.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, LargeBinary, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from wall.test_wall_service import T, build_wall_street

from center.commands import dbroles
from center.core.errors import USER_ERRORS, UserError
from db import pgroles
from db.engine import make_engine, normalise_url, open_database, upgrade
from db.models import Base

PID = os.getpid()
SCHEMA = f"center_roles_{PID}"
NAMES = pgroles.RoleNames(
    owner=f"center_t{PID}_owner", app=f"center_t{PID}_app", wall=f"center_t{PID}_wall"
)
OTHER_WALL = f"center_t{PID}_wall2"
APP_PW = "app-password-1"
WALL_PW = "wall-password-1"
DENIED = "42501"  # insufficient_privilege


# -- the classification of personal and secret columns (no database) ------------------


def _model_columns() -> list[tuple[str, str, object]]:
    return [(t.name, c.name, c.type) for t in Base.metadata.tables.values() for c in t.columns]


def test_every_personal_looking_column_is_classified():
    """A model that gains an encrypted, hashed or personal-looking column fails here
    until the column is put into PI_COLUMNS or SECRET_COLUMNS (db/pgroles.py)."""
    assert pgroles.unclassified(_model_columns()) == []
    # every encrypted column of the models is withheld from the wall
    binary = {(t, c) for t, c, type_ in _model_columns() if isinstance(type_, LargeBinary)}
    assert binary and all(c in pgroles.wall_hidden_columns(t) for t, c in binary)
    # the check notices a new one
    assert pgroles.unclassified([("grid", "photo", LargeBinary())]) == ["grid.photo"]
    assert pgroles.unclassified([("staff", "email", None), ("staff", "code", None)]) == [
        "staff.email"
    ]


def test_the_classification_names_real_columns():
    tables = Base.metadata.tables
    for mapping in (pgroles.PI_COLUMNS, pgroles.SECRET_COLUMNS):
        for table, columns in mapping.items():
            assert table in tables, table
            assert columns <= set(tables[table].c.keys()), table
    assert "audit_log" in pgroles.WALL_HIDDEN_TABLES
    assert {"name_enc", "id_number_enc", "phone_enc"} <= pgroles.PI_COLUMNS["resident"]


def test_role_names_are_checked():
    for bad in ("Center", "1st", "a-b", 'x"; drop', "pg_wall", "", "x" * 64):
        with pytest.raises(ValueError):
            pgroles.check_role_name(bad)
    with pytest.raises(ValueError, match="three different"):
        pgroles.RoleNames(owner="a", app="a", wall="b")


# -- the command line ----------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    """`center db` with only these two actions (center/commands/dbcmd.py adds them)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db")
    p = argparse.ArgumentParser(prog="center db")
    sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dbroles.add_parsers(sub, common)
    return p


def run(*argv: str) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


def test_the_parsers():
    args = parser().parse_args(["roles", "--db", "postgresql://x@h/d"])
    assert (args.owner, args.app, args.wall) == ("center_owner", "center_app", "center_wall")
    assert args.func is dbroles.run_roles and not args.no_upgrade
    args = parser().parse_args(["wall-role", "wall_1", "--schema", "s"])
    assert (args.name, args.schema, args.func) == ("wall_1", "s", dbroles.run_wall_role)
    with pytest.raises(SystemExit):
        parser().parse_args(["wall-role"])


def test_sqlite_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    for argv in (("roles", "--db", url), ("wall-role", "center_wall", "--db", url)):
        with pytest.raises(UserError, match="only on PostgreSQL"):
            run(*argv)
    with pytest.raises(UserError, match="role name"):
        run("wall-role", "Wall", "--db", url)
    with pytest.raises(UserError, match="three different"):
        run("roles", "--app", "x", "--wall", "x", "--db", url)


def test_a_short_password_is_refused(monkeypatch):
    monkeypatch.setenv(dbroles.WALL_PASSWORD_ENV, "short")
    with pytest.raises(UserError, match="at least 10"):
        dbroles._password("en", dbroles.WALL_PASSWORD_ENV, "center_wall")
    monkeypatch.delenv(dbroles.WALL_PASSWORD_ENV)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert dbroles._password("en", dbroles.WALL_PASSWORD_ENV, "center_wall") is None


# -- PostgreSQL ----------------------------------------------------------------------


@dataclass
class RolesDb:
    admin: Engine  # the superuser, in the schema
    admin_url: str
    report: pgroles.RolesReport

    def login_url(self, role: str, password: str) -> str:
        """The URL of a LOGIN role over TCP (the server's trust or password auth)."""
        PG_URL = os.environ.get("CENTER_TEST_PG_URL", "")  # as tests/conftest.py

        url = make_url(normalise_url(PG_URL)).set(
            username=role, password=password, query={"options": f"-csearch_path={SCHEMA}"}
        )
        return url.render_as_string(hide_password=False)


def _drop(admin_url: str, roles: list[str]) -> None:
    eng = create_engine(admin_url)
    with eng.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        existing = conn.scalars(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:r)"), {"r": roles}
        ).all()
        if existing:
            listed = ", ".join(f'"{r}"' for r in existing)
            conn.exec_driver_sql(f"REASSIGN OWNED BY {listed} TO CURRENT_USER")
            conn.exec_driver_sql(f"DROP OWNED BY {listed}")
            for role in existing:
                conn.exec_driver_sql(f'DROP ROLE "{role}"')
    eng.dispose()


@pytest.fixture(scope="module", params=[pytest.param("pg", marks=pytest.mark.pg)])
def roles_db(request: pytest.FixtureRequest) -> Iterator[RolesDb]:
    """A schema migrated as the owner role, the three roles, the wall's test street."""
    PG_URL = os.environ.get("CENTER_TEST_PG_URL", "")  # as tests/conftest.py

    if not PG_URL:
        pytest.skip("PostgreSQL tests need CENTER_TEST_PG_URL")
    base = normalise_url(PG_URL)
    sep = "&" if "?" in base else "?"
    admin_url = f"{base}{sep}options=-csearch_path%3D{SCHEMA}"
    roles = [NAMES.owner, NAMES.app, NAMES.wall, OTHER_WALL]
    _drop(admin_url, roles)  # a crashed earlier run of this process id
    eng = create_engine(base)
    with eng.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    eng.dispose()
    admin = make_engine(admin_url)
    try:
        report = pgroles.setup_roles(
            admin, NAMES, app_password=APP_PW, wall_password=WALL_PW, migrate=upgrade
        )
        build_wall_street(admin)
        yield RolesDb(admin, admin_url, report)
    finally:
        admin.dispose()
        _drop(admin_url, roles)


@pytest.fixture
def app_engine(roles_db: RolesDb) -> Iterator[Engine]:
    eng = open_database(roles_db.login_url(NAMES.app, APP_PW))
    yield eng
    eng.dispose()


@pytest.fixture
def wall_engine(roles_db: RolesDb) -> Iterator[Engine]:
    eng = open_database(roles_db.login_url(NAMES.wall, WALL_PW))
    yield eng
    eng.dispose()


def denied(engine: Engine, sql: str) -> str:
    """The SQLSTATE of ``sql``'s refusal (fails the test when it is not refused)."""
    with engine.connect() as conn, pytest.raises(ProgrammingError) as err:
        conn.exec_driver_sql(sql)
    return str(getattr(err.value.orig, "sqlstate", ""))


def test_the_owner_owns_everything_and_the_migrations_ran_as_it(roles_db: RolesDb):
    with roles_db.admin.connect() as conn:
        owners = conn.execute(
            text(
                "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
                "WHERE c.relnamespace = to_regnamespace(:s) AND c.relkind IN ('r', 'S', 'v')"
            ),
            {"s": SCHEMA},
        ).all()
        functions = conn.execute(
            text(
                "SELECT proname, pg_get_userbyid(proowner) FROM pg_proc "
                "WHERE pronamespace = to_regnamespace(:s)"
            ),
            {"s": SCHEMA},
        ).all()
        roles = {
            r.rolname: r
            for r in conn.execute(
                text(
                    "SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb "
                    "FROM pg_roles WHERE rolname = ANY(:r)"
                ),
                {"r": [NAMES.owner, NAMES.app, NAMES.wall]},
            )
        }
        members = conn.scalars(
            text(
                "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member "
                "WHERE a.roleid = to_regrole(:o)"
            ),
            {"o": NAMES.owner},
        ).all()
    assert {name for name, _ in owners} >= {"cases", "audit_log", "alembic_version"}
    assert {owner for _, owner in owners} == {NAMES.owner}
    assert {"audit_log_append_only", "visit_grid_fill"} <= {name for name, _ in functions}
    assert {owner for _, owner in functions} == {NAMES.owner}
    assert not roles[NAMES.owner].rolcanlogin
    assert roles[NAMES.app].rolcanlogin and roles[NAMES.wall].rolcanlogin
    assert not any(r.rolsuper or r.rolcreaterole or r.rolcreatedb for r in roles.values())
    assert NAMES.app not in members and NAMES.wall not in members
    assert "migrations ran as " + NAMES.owner in roles_db.report.lines


def test_the_app_writes_through_the_services(roles_db: RolesDb, app_engine: Engine):
    from center.cases.lifecycle import IntakeRequest, intake
    from center.core.access import Actor

    with app_engine.connect() as conn:
        assert conn.scalar(text("SELECT current_user")) == NAMES.app
        audit_before = conn.scalar(text("SELECT count(*) FROM audit_log"))
    change = intake(app_engine, Actor("coord1", "coordinator"), IntakeRequest("H1", "visit", "L01"))
    with app_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM cases WHERE code = :c"), {"c": change.code})
        assert conn.scalar(text("SELECT count(*) FROM audit_log")) == audit_before + 1


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE audit_log",
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "DROP FUNCTION audit_log_append_only()",
        "TRUNCATE cases",
        "DROP TABLE cases",
        "ALTER TABLE cases ADD COLUMN extra integer",
        "CREATE TABLE extra (id integer)",
        "UPDATE alembic_version SET version_num = 'x'",
        "SET ROLE {owner}",
    ],
)
def test_the_app_cannot(app_engine: Engine, sql: str):
    assert denied(app_engine, sql.format(owner=f'"{NAMES.owner}"')) == DENIED


def test_the_wall_runs_on_the_wall_role(roles_db: RolesDb, wall_engine: Engine, tmp_path):
    """Every part of the wall loads as the wall role, equal to the superuser's, and
    the wall's start-up (key check, street) and change feed work."""
    from center.core.context import ServiceContext
    from center.demo.build import street_exists
    from center.wall import model as d
    from db.changes import CHANNEL, counters

    key_file = tmp_path / "pii.key"  # unused: CENTER_PII_KEY is set
    # the first workstation records the key's check value; the wall only reads it
    assert ServiceContext(roles_db.admin, key_file).cipher is not None
    with wall_engine.connect() as conn:
        assert conn.scalar(text("SELECT current_user")) == NAMES.wall
    expected = {part: d.load_part(roles_db.admin, part, T) for part in d.PARTS}
    assert expected["kpis"].street == "测试街道"
    assert {part: d.load_part(wall_engine, part, T) for part in d.PARTS} == expected
    assert ServiceContext(wall_engine, key_file).cipher is not None
    assert street_exists(wall_engine)
    with wall_engine.connect() as conn:
        assert set(counters(conn)) >= {"cases", "visits"}
        conn.exec_driver_sql(f"LISTEN {CHANNEL}")


def _withheld() -> list[tuple[str, str]]:
    return sorted((t, c) for t in pgroles.PI_COLUMNS for c in pgroles.wall_hidden_columns(t))


def test_the_wall_reads_no_personal_information(wall_engine: Engine):
    assert denied(wall_engine, "SELECT name_enc FROM resident") == DENIED
    for table, column in _withheld():
        assert denied(wall_engine, f"SELECT {column} FROM {table}") == DENIED, (table, column)
    for sql in (
        "SELECT * FROM resident",
        "SELECT * FROM household",
        "SELECT password_hash FROM app_user",
        "SELECT id FROM audit_log",
        "UPDATE change_counter SET counter = 0",
        "INSERT INTO setting (key, value) VALUES ('x', 'y')",
        "DELETE FROM cases",
    ):
        assert denied(wall_engine, sql) == DENIED, sql
    with wall_engine.connect() as conn:  # the rest of those tables stays readable
        conn.exec_driver_sql("SELECT code, household_id FROM resident").all()
        conn.exec_driver_sql("SELECT code, lat, lon, is_special FROM household").all()


def test_the_catalog_grants_the_wall_no_personal_column(roles_db: RolesDb):
    with roles_db.admin.connect() as conn:
        granted = set(
            conn.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.column_privileges "
                    "WHERE grantee = :w AND table_schema = :s"
                ),
                {"w": NAMES.wall, "s": SCHEMA},
            ).all()
        )
        table_level = conn.scalars(
            text(
                "SELECT table_name FROM information_schema.role_table_grants "
                "WHERE grantee = :w AND table_schema = :s"
            ),
            {"w": NAMES.wall, "s": SCHEMA},
        ).all()
    assert ("resident", "code") in granted and ("cases", "code") in granted
    assert not granted & set(_withheld())
    assert not {t for t, _ in granted} & set(pgroles.WALL_HIDDEN_TABLES)
    assert table_level == []  # column by column only: a new column stays hidden


def test_setting_role_works_like_logging_in(roles_db: RolesDb):
    eng = pgroles.as_role(roles_db.admin, NAMES.wall)
    try:
        with eng.connect() as conn:
            assert conn.scalar(text("SELECT current_user")) == NAMES.wall
            conn.rollback()  # SET ROLE survives the end of a transaction
            assert conn.scalar(text("SELECT count(code) FROM resident")) is not None
        assert denied(eng, "SELECT name_enc FROM resident") == DENIED
    finally:
        eng.dispose()


def _grants(admin: Engine) -> set[tuple[str, ...]]:
    with admin.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT grantee, table_name, '', privilege_type "
                "FROM information_schema.role_table_grants WHERE table_schema = :s "
                "UNION SELECT grantee, table_name, column_name, privilege_type "
                "FROM information_schema.column_privileges WHERE table_schema = :s"
            ),
            {"s": SCHEMA},
        ).all()
    return {tuple(r) for r in rows}


def test_rerunning_updates_the_grants_and_never_prints_a_password(
    roles_db: RolesDb, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    before = _grants(roles_db.admin)
    with roles_db.admin.begin() as conn:  # stale and wrong grants a re-run must take back
        conn.exec_driver_sql(f'GRANT SELECT ON resident TO "{NAMES.wall}"')
        conn.exec_driver_sql(f'GRANT TRUNCATE, UPDATE ON audit_log TO "{NAMES.app}"')
    assert _grants(roles_db.admin) != before
    monkeypatch.setenv(dbroles.APP_PASSWORD_ENV, APP_PW)
    monkeypatch.setenv(dbroles.WALL_PASSWORD_ENV, WALL_PW)
    names = ("--owner", NAMES.owner, "--app", NAMES.app, "--wall", NAMES.wall)
    assert run("roles", "--db", roles_db.admin_url, *names) == 0
    out = capsys.readouterr().out
    assert f"role {NAMES.app}: updated (LOGIN, password set)" in out
    assert APP_PW not in out and WALL_PW not in out
    assert _grants(roles_db.admin) == before
    with roles_db.admin.connect() as conn:
        stored = conn.scalars(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = ANY(:r)"),
            {"r": [NAMES.app, NAMES.wall]},
        ).all()
    assert len(stored) == 2 and all(p.startswith("SCRAM-SHA-256$") for p in stored)


def test_wall_role_command(roles_db: RolesDb, monkeypatch: pytest.MonkeyPatch, capsys):
    from center.wall import model as d

    monkeypatch.setenv(dbroles.WALL_PASSWORD_ENV, WALL_PW)
    assert run("wall-role", OTHER_WALL, "--db", roles_db.admin_url) == 0
    out = capsys.readouterr().out
    assert f"role {OTHER_WALL}: created (LOGIN, password set)" in out and WALL_PW not in out
    eng = open_database(roles_db.login_url(OTHER_WALL, WALL_PW))
    try:
        assert d.load_part(eng, "alerts", T) == d.load_part(roles_db.admin, "alerts", T)
        assert denied(eng, "SELECT name_enc FROM resident") == DENIED
        assert denied(eng, "INSERT INTO setting (key, value) VALUES ('x', 'y')") == DENIED
    finally:
        eng.dispose()
    with roles_db.admin.connect() as conn:
        me = conn.scalar(text("SELECT current_user"))
    with pytest.raises(USER_ERRORS, match="superuser or the role connected"):
        run("wall-role", me, "--db", roles_db.admin_url)


def test_the_command_needs_a_role_that_may_create_roles(roles_db: RolesDb, app_engine: Engine):
    with pytest.raises(USER_ERRORS, match="may not create roles"):
        pgroles.setup_wall_role(app_engine, "x_wall")


def test_a_rerun_hands_new_objects_to_the_owner(roles_db: RolesDb):
    """Objects someone else created (a migration run as the superuser) change hands,
    and the app and the wall get their grants on them."""
    with roles_db.admin.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE extra (id serial PRIMARY KEY, phone_enc bytea)")
        conn.exec_driver_sql("CREATE FUNCTION extra_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    try:
        pgroles.setup_roles(roles_db.admin, NAMES)
        with roles_db.admin.connect() as conn:
            owners = conn.execute(
                text(
                    "SELECT pg_get_userbyid(relowner) FROM pg_class "
                    "WHERE relname IN ('extra', 'extra_id_seq') "
                    "AND relnamespace = to_regnamespace(:s) "
                    "UNION SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'extra_fn'"
                ),
                {"s": SCHEMA},
            ).scalars()
            assert set(owners) == {NAMES.owner}
            grants = {
                (g, c, p)
                for g, c, p in conn.execute(
                    text(
                        "SELECT grantee, column_name, privilege_type "
                        "FROM information_schema.column_privileges "
                        "WHERE table_schema = :s AND table_name = 'extra'"
                    ),
                    {"s": SCHEMA},
                )
            }
        assert (NAMES.app, "phone_enc", "UPDATE") in grants
        # unclassified, but binary and named like PI: withheld from the wall all the same
        assert {(c, p) for g, c, p in grants if g == NAMES.wall} == {("id", "SELECT")}
        eng = pgroles.as_role(roles_db.admin, NAMES.app)
        try:
            with eng.begin() as conn:  # the app uses the sequence
                conn.exec_driver_sql("INSERT INTO extra DEFAULT VALUES")
        finally:
            eng.dispose()
    finally:
        with roles_db.admin.begin() as conn:
            conn.exec_driver_sql("DROP TABLE extra")
            conn.exec_driver_sql("DROP FUNCTION extra_fn()")
