"""PostgreSQL roles for a shared server: the program never runs as the tables' owner.

Three roles, created (or brought up to date: re-running re-grants) by an engine
connected as a superuser, or as a role with ``CREATEROLE`` that owns the tables:

* **owner** (``NOLOGIN``): owns every table, view, sequence and function of the
  schema and may create objects in it; nobody logs in as it. The migrations run as it
  through :func:`as_role` (``SET ROLE`` on every connection of an engine).
* **app** (``LOGIN``, the workstations and the command line): ``SELECT``, ``INSERT``,
  ``UPDATE``, ``DELETE`` on every table, except ``audit_log`` (``SELECT`` and
  ``INSERT`` only: the append-only trigger cannot be dropped or disabled by a
  non-owner and there is no ``TRUNCATE``) and ``alembic_version`` (``SELECT``);
  ``USAGE``, ``SELECT`` on the sequences; no ``TRUNCATE``, ``TRIGGER``, ``REFERENCES``, no
  ``CREATE`` in the schema, no ownership.
* **wall** (``LOGIN``, the video-wall machine): ``SELECT`` on the columns that hold
  no personal information and no credential (:data:`PI_COLUMNS`,
  :data:`SECRET_COLUMNS`; nor any binary or :data:`LOOKS_SENSITIVE` column), column by
  column, so a column a later migration adds stays hidden until the grants are
  refreshed; none of :data:`WALL_HIDDEN_TABLES`.

Every grant targets the schema the tables are in (the connection's
``current_schema()`` unless told). Passwords are sent as SCRAM verifiers computed by
libpq, so the clear text never reaches the server (or its statement log). No Qt, no
``center`` imports: the command line (``center db roles``, ``center db wall-role``)
and the tests call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, LargeBinary, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from db.errors import DatabaseError

#: Per table, the columns that hold personal information (PIPL): never readable by
#: the wall role. ``tests/database/test_pgroles.py`` fails when a model gains an
#: encrypted, hashed or personal-looking column that is classified nowhere.
PI_COLUMNS: Mapping[str, frozenset[str]] = {
    "resident": frozenset(
        {
            "name_enc",
            "name_hash",
            "id_number_enc",
            "id_number_hash",
            "phone_enc",
            "phone_hash",
            "birth_date",
            "gender",
            "tags",  # health needs and the like
        }
    ),
    "staff": frozenset({"phone_enc", "phone_hash"}),
    # the map needs lat/lon and the KPIs the derived is_special flag, not which group
    "household": frozenset({"address", "special_groups", "notes"}),
    # free text typed about residents
    "visit": frozenset({"notes"}),
    "cases": frozenset({"summary", "address_note", "status_reason"}),
    "case_event": frozenset({"note"}),
    # a personnel expenditure's payee may be a person; free text about the spending
    "expenditure": frozenset({"payee", "note", "void_reason"}),
    # free text typed by an admin who approved a report before its period ended
    "report_doc": frozenset({"override_reason"}),
}

#: Per table, credentials: never readable by the wall role either.
SECRET_COLUMNS: Mapping[str, frozenset[str]] = {
    "app_user": frozenset({"password_hash"}),
}

#: Tables the wall role may not read at all (it shows aggregates only), and why.
WALL_HIDDEN_TABLES: Mapping[str, str] = {
    "audit_log": "who did what to whom, with reveal reasons",
    "app_user": "the accounts and their credentials",
    "user_role": "who holds which role",
}

#: Column names that look personal or secret. The wall role never gets such a column
#: (nor a binary one) even when it is classified nowhere, and the test of the
#: classification fails on one in the models.
LOOKS_SENSITIVE = re.compile(
    r"(_enc$|_hash$|password|passwd|secret|token|salt|phone|mobile|email|id_number"
    r"|id_card|birth|address|gender|ethnic|health|disab)"
)

#: The app role's privileges on a table: :data:`APP_DML` unless named here.
APP_TABLE_PRIVILEGES: Mapping[str, tuple[str, ...]] = {
    "audit_log": ("SELECT", "INSERT"),  # append-only
    "alembic_version": ("SELECT",),  # the migrations belong to the owner
}
APP_DML: tuple[str, ...] = ("SELECT", "INSERT", "UPDATE", "DELETE")

#: Role names: lower case letters, digits and underscores (no quoting surprises).
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# relkinds whose owner is changed with ALTER TABLE (tables, partitioned, foreign)
_ALTER = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
_NOT_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"


@dataclass(frozen=True)
class RoleNames:
    owner: str = "center_owner"
    app: str = "center_app"
    wall: str = "center_wall"

    def __post_init__(self) -> None:
        for name in (self.owner, self.app, self.wall):
            check_role_name(name)
        if len({self.owner, self.app, self.wall}) < 3:
            raise ValueError("the owner, app and wall roles need three different names")


@dataclass
class RolesReport:
    """What a run did, one line per item (never a password)."""

    schema: str = ""
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


def check_role_name(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError(
            f"role name {name!r}: use lower-case letters, digits and underscores "
            "(at most 63, not starting with a digit)"
        )
    if name.startswith("pg_"):
        raise ValueError(f"role name {name!r}: names starting with pg_ are reserved")
    return name


def wall_hidden_columns(table: str) -> frozenset[str]:
    """The columns of ``table`` the wall role may not read."""
    return PI_COLUMNS.get(table, frozenset()) | SECRET_COLUMNS.get(table, frozenset())


def _q(name: str) -> str:
    """A checked role or object name, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _run(conn: Connection, sql: str) -> None:
    """One DDL or DCL statement, sent as it is (no bind parameters: the names in it are
    checked and quoted); a refusal becomes a :class:`DatabaseError` naming the statement
    (without a password)."""
    try:
        conn.exec_driver_sql(sql)
    except DBAPIError as exc:
        shown = sql.split(" PASSWORD ")[0]
        raise DatabaseError(f"PostgreSQL refused `{shown}`: {exc.orig}") from None


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise DatabaseError(
            "database roles exist only on PostgreSQL: an SQLite file has no roles "
            "(protect it with the file system's permissions)"
        )


def schema_of(conn: Connection, schema: str | None = None) -> str:
    """``schema``, checked to exist, or the connection's ``current_schema()``."""
    name = schema or conn.scalar(text("SELECT current_schema()"))
    if not name or conn.scalar(text("SELECT to_regnamespace(:s)"), {"s": _q(name)}) is None:
        raise DatabaseError(f"no schema {name!r} in this database")
    return str(name)


def _check_admin(conn: Connection) -> tuple[str, bool]:
    """The connected role and whether it is a superuser; refuses one that cannot
    create roles."""
    row = conn.execute(
        text("SELECT rolname, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).one()
    if not (row.rolsuper or row.rolcreaterole):
        raise DatabaseError(
            f"connected as {row.rolname!r}, which may not create roles: connect as a "
            "superuser (e.g. postgres) or a role with CREATEROLE that owns the tables"
        )
    return str(row.rolname), bool(row.rolsuper)


def _verifier(conn: Connection, role: str, password: str) -> str:
    """The SCRAM verifier of ``password`` (libpq computes it: the server never sees
    the clear text), or the password itself where the driver has no libpq."""
    pgconn = getattr(conn.connection.dbapi_connection, "pgconn", None)
    if pgconn is None:
        return password
    return bytes(pgconn.encrypt_password(password.encode(), role.encode())).decode()


def ensure_role(
    conn: Connection,
    name: str,
    *,
    login: bool,
    password: str | None = None,
    report: RolesReport | None = None,
) -> bool:
    """Create role ``name`` or bring its attributes back to these (no superuser, no
    role or database creation, no replication, no row-security bypass, inherit);
    ``LOGIN`` or ``NOLOGIN``; a new ``password`` if given (else the old one stays). A role
    that is a superuser, or the connected role itself, is refused: it cannot be made
    into one of these. Returns whether the role was created."""
    check_role_name(name)
    row = conn.execute(
        text(
            "SELECT rolsuper, rolname = current_user AS me, rolcanlogin, rolcreatedb, "
            "rolcreaterole, rolreplication, rolbypassrls, rolinherit "
            "FROM pg_roles WHERE rolname = :n"
        ),
        {"n": name},
    ).first()
    if row is not None and (row.rolsuper or row.me):
        raise DatabaseError(
            f"role {name!r} is a superuser or the role connected: choose another name"
        )
    wanted = {
        "LOGIN": login,
        "CREATEDB": False,
        "CREATEROLE": False,
        "REPLICATION": False,
        "BYPASSRLS": False,
        "INHERIT": True,
    }
    if row is None:
        changes = [k if v else f"NO{k}" for k, v in wanted.items()]
    else:  # only what differs: some attributes only a superuser may even restate
        now = dict(
            zip(
                wanted,
                (
                    row.rolcanlogin,
                    row.rolcreatedb,
                    row.rolcreaterole,
                    row.rolreplication,
                    row.rolbypassrls,
                    row.rolinherit,
                ),
                strict=True,
            )
        )
        changes = [k if v else f"NO{k}" for k, v in wanted.items() if now[k] != v]
    if password:
        changes.append(f"PASSWORD {_literal(_verifier(conn, name, password))}")
    elif not login:
        changes.append("PASSWORD NULL")
    if row is None:
        _run(conn, f"CREATE ROLE {_q(name)} NOSUPERUSER {' '.join(changes)}")
    elif changes:
        _run(conn, f"ALTER ROLE {_q(name)} {' '.join(changes)}")
    if report is not None:
        what = "created" if row is None else "updated"
        pw = ""
        if login:
            pw = ", password set" if password else ", no password yet"
            if row is not None and not password:
                pw = ", password unchanged"
        report.add(f"role {name}: {what} ({'LOGIN' if login else 'NOLOGIN'}{pw})")
    return row is None


def _members_of(conn: Connection, name: str) -> list[str]:
    """The roles that are members of ``name``."""
    return list(
        conn.scalars(
            text(
                "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
                "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = :n"
            ),
            {"n": name},
        )
    )


def _relations(conn: Connection, schema: str) -> list[tuple[str, str, str]]:
    """(name, relkind, owner) of the schema's tables, views and sequences that no
    extension owns."""
    rows = conn.execute(
        text(
            "SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) FROM pg_class c "
            "WHERE c.relnamespace = to_regnamespace(:s) "
            "AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND "
            + _NOT_EXTENSION.format(oid="c.oid")
            + " ORDER BY c.relname"
        ),
        {"s": _q(schema)},
    )
    return [(str(n), str(k), str(o)) for n, k, o in rows]


def tables(conn: Connection, schema: str) -> list[str]:
    """The schema's tables and views (no extension's)."""
    return [n for n, kind, _ in _relations(conn, schema) if kind != "S"]


def _columns(conn: Connection, schema: str, table: str) -> list[tuple[str, bool]]:
    """(name, is binary) of the table's columns."""
    rows = conn.execute(
        text(
            "SELECT attname, atttypid = 'bytea'::regtype FROM pg_attribute "
            "WHERE attrelid = to_regclass(:t) AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum"
        ),
        {"t": f"{_q(schema)}.{_q(table)}"},
    )
    return [(str(name), bool(binary)) for name, binary in rows]


def transfer_ownership(
    conn: Connection, owner: str, schema: str, report: RolesReport | None = None
) -> int:
    """Make ``owner`` the owner of every table, view, sequence and function of
    ``schema`` (extensions' objects aside). Returns how many changed hands."""
    moved = 0
    s = _q(schema)
    for name, kind, current in _relations(conn, schema):
        if kind in _ALTER and current != owner:
            _run(conn, f"ALTER {_ALTER[kind]} {s}.{_q(name)} OWNER TO {_q(owner)}")
            moved += 1
    # sequences of serial and identity columns followed their tables; the rest now
    for name, kind, current in _relations(conn, schema):
        if kind == "S" and current != owner:
            _run(conn, f"ALTER SEQUENCE {s}.{_q(name)} OWNER TO {_q(owner)}")
            moved += 1
    routines = conn.scalars(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "WHERE p.pronamespace = to_regnamespace(:s) AND p.prokind IN ('f', 'p') "
            "AND pg_get_userbyid(p.proowner) <> :o AND " + _NOT_EXTENSION.format(oid="p.oid")
        ),
        {"s": s, "o": owner},
    ).all()
    for signature in routines:
        # regprocedure's text is qualified where the search path does not find it
        qualified = signature if "." in signature.split("(")[0] else f"{s}.{signature}"
        _run(conn, f"ALTER ROUTINE {qualified} OWNER TO {_q(owner)}")
        moved += 1
    if report is not None and moved:
        report.add(f"{moved} tables, sequences and functions now owned by {owner}")
    return moved


def grant_owner(
    conn: Connection, names: RoleNames, schema: str, report: RolesReport | None = None
) -> None:
    """The owner may create in the schema; nobody else may (``PUBLIC`` loses
    ``CREATE``); new tables and sequences the owner creates are the app's to use."""
    s, owner = _q(schema), _q(names.owner)
    _run(conn, f"GRANT USAGE, CREATE ON SCHEMA {s} TO {owner}")
    _run(conn, f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC")
    for sql in (
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        "GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ):
        _run(
            conn,
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {s} "
            + sql.format(app=_q(names.app)),
        )
    if report is not None:
        report.add(f"schema {schema}: {names.owner} creates, the app uses what it creates")


def _reset(conn: Connection, role: str, schema: str) -> None:
    """Take back everything ``role`` was granted in ``schema`` (a re-run starts clean);
    a table-level REVOKE takes the column privileges with it."""
    s, r = _q(schema), _q(role)
    _run(conn, f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}")
    _run(conn, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}")
    _run(conn, f"REVOKE CREATE ON SCHEMA {s} FROM {r}")
    _run(conn, f"GRANT USAGE ON SCHEMA {s} TO {r}")


def grant_app(conn: Connection, app: str, schema: str, report: RolesReport | None = None) -> None:
    """The app role's privileges (see the module's docstring), from scratch."""
    _reset(conn, app, schema)
    s, r = _q(schema), _q(app)
    names = tables(conn, schema)
    for table in names:
        privileges = ", ".join(APP_TABLE_PRIVILEGES.get(table, APP_DML))
        _run(conn, f"GRANT {privileges} ON {s}.{_q(table)} TO {r}")
    _run(conn, f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")
    if report is not None:
        report.add(f"role {app}: reads and writes {len(names)} tables (audit_log append-only)")


def grant_wall(conn: Connection, wall: str, schema: str, report: RolesReport | None = None) -> None:
    """The wall role's privileges: SELECT on every column but the personal and secret
    ones (and any binary or sensitive-looking one, classified or not), of every table
    but :data:`WALL_HIDDEN_TABLES`, from scratch."""
    _reset(conn, wall, schema)
    s, r = _q(schema), _q(wall)
    granted = withheld = 0
    for table in tables(conn, schema):
        if table in WALL_HIDDEN_TABLES:
            continue
        hidden = wall_hidden_columns(table)
        columns = _columns(conn, schema, table)
        visible = [
            c
            for c, binary in columns
            if c not in hidden and not binary and not LOOKS_SENSITIVE.search(c)
        ]
        withheld += len(columns) - len(visible)
        if visible:
            cols = ", ".join(_q(c) for c in visible)
            _run(conn, f"GRANT SELECT ({cols}) ON {s}.{_q(table)} TO {r}")
            granted += 1
    if report is not None:
        report.add(
            f"role {wall}: reads {granted} tables, without {withheld} personal or secret "
            f"columns and without {', '.join(sorted(WALL_HIDDEN_TABLES))}"
        )


def _ensure_member(conn: Connection, me: str, superuser: bool, role: str) -> None:
    """A non-superuser administrator must be a member of ``role`` to hand objects to
    it and to act as it."""
    if not superuser and me not in _members_of(conn, role):
        _run(conn, f"GRANT {_q(role)} TO {_q(me)}")


def _not_member(conn: Connection, role: str, of: str) -> None:
    """``role`` must not act as ``of`` (e.g. the app as the owner)."""
    if role in _members_of(conn, of):
        _run(conn, f"REVOKE {_q(of)} FROM {_q(role)}")


def as_role(engine: Engine, role: str, schema: str | None = None) -> Engine:
    """An engine on ``engine``'s database whose every connection runs as ``role``
    (``SET ROLE``), in ``schema`` if given (``SET search_path``): the migrations run as
    the owner this way. Dispose of it after use."""
    check_role_name(role)
    eng = create_engine(engine.url, poolclass=NullPool)

    def set_role(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"SET ROLE {_q(role)}")
        if schema is not None:
            cur.execute(f"SET search_path TO {_q(schema)}")
        cur.close()
        dbapi_conn.commit()  # a SET rolled back with its transaction would be undone

    event.listen(eng, "connect", set_role)
    return eng


def setup_roles(
    engine: Engine,
    names: RoleNames,
    *,
    app_password: str | None = None,
    wall_password: str | None = None,
    schema: str | None = None,
    migrate: Callable[[Engine], None] | None = None,
) -> RolesReport:
    """Create or update the owner, app and wall roles on ``engine``'s database
    (connected as a superuser or a ``CREATEROLE`` role that owns the tables), hand the
    schema's objects to the owner, run ``migrate`` (e.g. :func:`db.engine.upgrade`)
    on an engine acting as the owner, then grant the app and the wall their
    privileges on the tables as they are after it."""
    _require_postgres(engine)
    report = RolesReport()
    with engine.begin() as conn:
        me, superuser = _check_admin(conn)
        report.schema = schema = schema_of(conn, schema)
        ensure_role(conn, names.owner, login=False, report=report)
        ensure_role(conn, names.app, login=True, password=app_password, report=report)
        ensure_role(conn, names.wall, login=True, password=wall_password, report=report)
        for role in (names.app, names.wall):
            _not_member(conn, role, names.owner)
        _ensure_member(conn, me, superuser, names.owner)
        grant_owner(conn, names, schema, report)
        transfer_ownership(conn, names.owner, schema, report)
    if migrate is not None:
        owner_engine = as_role(engine, names.owner, schema)
        try:
            migrate(owner_engine)
        finally:
            owner_engine.dispose()
        report.add(f"migrations ran as {names.owner}")
    with engine.begin() as conn:
        transfer_ownership(conn, names.owner, schema, report)
        grant_app(conn, names.app, schema, report)
        grant_wall(conn, names.wall, schema, report)
    return report


def setup_wall_role(
    engine: Engine, name: str, *, password: str | None = None, schema: str | None = None
) -> RolesReport:
    """Create or update the LOGIN role ``name`` with the wall's privileges only."""
    _require_postgres(engine)
    report = RolesReport()
    with engine.begin() as conn:
        _check_admin(conn)
        report.schema = schema = schema_of(conn, schema)
        if not tables(conn, schema):
            raise DatabaseError(
                f"schema {schema!r} has no tables yet: run `center db roles` "
                "(or `center db upgrade`) first"
            )
        ensure_role(conn, name, login=True, password=password, report=report)
        grant_wall(conn, name, schema, report)
    return report


def unclassified(columns: Iterable[tuple[str, str, Any]]) -> list[str]:
    """``table.column`` of the (table, column, SQLAlchemy type) triples that look
    personal or secret (binary, or a name :data:`LOOKS_SENSITIVE` matches) and are
    classified nowhere: not in :data:`PI_COLUMNS` or :data:`SECRET_COLUMNS`, nor in a
    table the wall cannot read (:data:`WALL_HIDDEN_TABLES`)."""
    out = []
    for table, column, type_ in columns:
        if table in WALL_HIDDEN_TABLES or column in wall_hidden_columns(table):
            continue
        if isinstance(type_, LargeBinary) or LOOKS_SENSITIVE.search(column):
            out.append(f"{table}.{column}")
    return out
