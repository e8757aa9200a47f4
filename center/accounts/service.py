"""Account management and login.

* :func:`authenticate`: user name and password -> :class:`Actor`; five failures in a
  row lock the account for 15 minutes; every attempt is audited (``auth.login``,
  ``auth.login_failed``, ``auth.locked``, ``auth.login_refused``).
* :func:`add_user`, :func:`set_password`, :func:`set_active`, :func:`update_user`,
  :func:`list_users`: an ``admin``'s work (a user may change their own password),
  each change one audited transaction (``user.*``; the audit detail holds roles and
  codes, never a name or a password).
* The bootstrap rule: while no account can log in (none is active with a password),
  :func:`add_user` without an actor creates the first account, which must hold
  ``admin``. After that only an admin adds accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from center.accounts import passwords
from center.core.access import ROLE_PRECEDENCE, ROLES, Actor, load_actor, require_role
from center.core.audit import append_audit
from center.core.clock import now
from center.core.errors import AuthenticationFailed, InvalidInput, NotFound, UserError
from center.core.tx import transaction
from db.models import AppUser, Department, Grid, Staff, UserRole

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
USERNAME_MAX = 60
#: the audit's actor of a login attempt under a name no account has (the typed name
#: is not recorded: it may be a password typed into the wrong field)
UNKNOWN_ACTOR = "(unknown)"

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    roles: tuple[str, ...]  # in ROLE_PRECEDENCE order
    dept_code: str | None
    grid_code: str | None
    active: bool
    has_password: bool
    failed_logins: int
    locked_until: datetime | None
    last_login_at: datetime | None

    def locked(self, at: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > at

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "roles": list(self.roles),
            "dept": self.dept_code,
            "grid": self.grid_code,
            "active": self.active,
            "has_password": self.has_password,
            "failed_logins": self.failed_logins,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
        }


@dataclass(frozen=True)
class UserLabel:
    """How a user is shown in case histories and audit views."""

    display_name: str
    roles: tuple[str, ...]


def _ordered(roles: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(roles), key=ROLE_PRECEDENCE.index))


# ------------------------------------------------------------------ reads


def _infos(conn: Connection, where: Any = None) -> list[UserInfo]:
    q = (
        select(
            AppUser.id,
            AppUser.username,
            AppUser.display_name,
            Department.code,
            Grid.code,
            AppUser.active,
            AppUser.password_hash.is_not(None),
            AppUser.failed_logins,
            AppUser.locked_until,
            AppUser.last_login_at,
        )
        .outerjoin(Department, Department.id == AppUser.dept_id)
        .outerjoin(Grid, Grid.id == AppUser.grid_id)
        .order_by(AppUser.username)
    )
    if where is not None:
        q = q.where(where)
    rows = conn.execute(q).all()
    held: dict[int, list[str]] = {}
    for uid, role in conn.execute(select(UserRole.user_id, UserRole.role)):
        held.setdefault(uid, []).append(role)
    return [
        UserInfo(
            r[1],
            r[2],
            _ordered(held.get(r[0], ())),
            r[3],
            r[4],
            bool(r[5]),
            bool(r[6]),
            int(r[7] or 0),
            r[8],
            r[9],
        )
        for r in rows
    ]


def list_users(engine: Engine, actor: Actor) -> list[UserInfo]:
    """Every account (an admin's view; no password hashes)."""
    require_role(actor, "manage_accounts")
    with engine.connect() as conn:
        return _infos(conn)


def get_user(engine: Engine, actor: Actor, username: str) -> UserInfo:
    if actor.name != username:
        require_role(actor, "manage_accounts")
    with engine.connect() as conn:
        found = _infos(conn, AppUser.username == username)
    if not found:
        raise NotFound("user", username)
    return found[0]


def user_labels(engine: Engine, usernames: Iterable[str]) -> dict[str, UserLabel]:
    """Display name and roles of the given user names that are accounts, or staff codes
    (case histories and audit views show these, not the raw names)."""
    names = sorted(set(usernames))
    out: dict[str, UserLabel] = {}
    if not names:
        return out
    with engine.connect() as conn:
        for i in range(0, len(names), 500):
            part = names[i : i + 500]
            rows = conn.execute(
                select(AppUser.id, AppUser.username, AppUser.display_name).where(
                    AppUser.username.in_(part)
                )
            ).all()
            ids = {r[0]: r for r in rows}
            held: dict[int, list[str]] = {}
            if ids:
                for uid, role in conn.execute(
                    select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(list(ids)))
                ):
                    held.setdefault(uid, []).append(role)
            for uid, (_, username, display) in ids.items():
                out[username] = UserLabel(display, _ordered(held.get(uid, ())))
        # events recorded for staff without an account (e.g. a grid worker's visit entered
        # from a terminal) carry the staff code: show the staff member's name
        rest = [n for n in names if n not in out]
        for i in range(0, len(rest), 500):
            for code, name, role in conn.execute(
                select(Staff.code, Staff.name, Staff.role).where(Staff.code.in_(rest[i : i + 500]))
            ):
                out[code] = UserLabel(name, ("grid_worker",) if role == "grid_worker" else ())
    return out


def bootstrap_open(engine: Engine) -> bool:
    """Whether the first admin may still be added without a login (no account is
    active with a password: nobody could log in to add one)."""
    with engine.connect() as conn:
        return _bootstrap_open(conn)


def _bootstrap_open(conn: Connection) -> bool:
    n = conn.scalar(
        select(func.count())
        .select_from(AppUser)
        .where(AppUser.active.is_(True), AppUser.password_hash.is_not(None))
    )
    return not n


# ------------------------------------------------------------------ checks


def _check_username(username: str) -> str:
    name = username.strip()
    if not name:
        raise InvalidInput("username", "a user name is required")
    if len(name) > USERNAME_MAX:
        raise InvalidInput("username", f"at most {USERNAME_MAX} characters")
    if any(c.isspace() or not c.isprintable() for c in name):
        raise InvalidInput("username", f"{name!r}: no spaces or control characters")
    return name


def _check_roles(roles: Iterable[str]) -> frozenset[str]:
    held = frozenset(roles)
    if not held:
        raise InvalidInput("role", f"give at least one role ({', '.join(ROLES)})")
    unknown = sorted(held - set(ROLES))
    if unknown:
        raise InvalidInput("role", f"{unknown[0]!r} is not one of {', '.join(ROLES)}")
    return held


def _resolve_scope(
    s: Session, roles: frozenset[str], dept: str | None, grid: str | None
) -> tuple[int | None, int | None]:
    """The department and grid ids the roles need (department: --dept, grid_worker:
    --grid), refusing one given to a user whose roles do not use it."""
    dept_id = grid_id = None
    if "department" in roles:
        if not dept:
            raise InvalidInput("dept", "a department user needs its department (--dept CODE)")
        dept_id = s.scalar(select(Department.id).where(Department.code == dept))
        if dept_id is None:
            raise NotFound("department", dept)
    elif dept:
        raise InvalidInput("dept", "only a user with the role department has a department")
    if "grid_worker" in roles:
        if not grid:
            raise InvalidInput("grid", "a grid worker needs its grid (--grid CODE)")
        grid_id = s.scalar(select(Grid.id).where(Grid.code == grid))
        if grid_id is None:
            raise NotFound("grid", grid)
    elif grid:
        raise InvalidInput("grid", "only a user with the role grid_worker has a grid")
    return dept_id, grid_id


def _lock_accounts(s: Session) -> None:
    """Serialise account changes that check "the last admin" or the bootstrap rule
    (SQLite: the write transaction already is)."""
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7311002)"))


def _user_row(s: Session, username: str) -> AppUser:
    user = s.scalar(select(AppUser).where(AppUser.username == username))
    if user is None:
        raise NotFound("user", username)
    return user


def _roles_of(s: Session, user_id: int) -> frozenset[str]:
    return frozenset(s.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def _other_admins(s: Session, user_id: int) -> int:
    """Active admins with a password other than ``user_id``."""
    return int(
        s.scalar(
            select(func.count())
            .select_from(AppUser)
            .join(UserRole, UserRole.user_id == AppUser.id)
            .where(
                UserRole.role == "admin",
                AppUser.active.is_(True),
                AppUser.password_hash.is_not(None),
                AppUser.id != user_id,
            )
        )
        or 0
    )


def _codes(s: Session, dept_id: int | None, grid_id: int | None) -> dict[str, str | None]:
    return {
        "dept": s.scalar(select(Department.code).where(Department.id == dept_id))
        if dept_id
        else None,
        "grid": s.scalar(select(Grid.code).where(Grid.id == grid_id)) if grid_id else None,
    }


# ------------------------------------------------------------------ writes


def add_user(
    engine: Engine,
    actor: Actor | None,
    username: str,
    password: str,
    roles: Iterable[str],
    *,
    dept: str | None = None,
    grid: str | None = None,
    display_name: str | None = None,
    clock: Clock = now,
) -> UserInfo:
    """Add an account. ``actor`` must be an admin; ``None`` is the bootstrap (allowed
    only while no account can log in, and the new account must hold ``admin``)."""
    name = _check_username(username)
    held = _check_roles(roles)
    display = (display_name or "").strip() or name
    if len(display) > 60:
        raise InvalidInput("display_name", "at most 60 characters")
    if actor is not None:
        require_role(actor, "manage_accounts")
    encoded = passwords.hash_password(password)  # before the write lock: it takes time
    stamp = clock()
    with transaction(engine) as s:
        _lock_accounts(s)
        if actor is None:
            if not _bootstrap_open(s.connection()):
                raise UserError(
                    "this database has accounts: log in as an admin to add one "
                    "(--user NAME, or CENTER_USER, with CENTER_PASSWORD or the prompt)"
                )
            if "admin" not in held:
                raise InvalidInput(
                    "role", "the first account of a database must be an admin (--role admin)"
                )
        if s.scalar(select(AppUser.id).where(AppUser.username == name)) is not None:
            raise InvalidInput("username", f"a user {name!r} exists already")
        dept_id, grid_id = _resolve_scope(s, held, dept, grid)
        uid = s.execute(
            insert(AppUser)
            .values(
                username=name,
                display_name=display,
                dept_id=dept_id,
                grid_id=grid_id,
                password_hash=encoded,
                failed_logins=0,
                active=True,
            )
            .returning(AppUser.id)
        ).scalar_one()
        s.execute(insert(UserRole), [{"user_id": uid, "role": r} for r in _ordered(held)])
        append_audit(
            s,
            actor.name if actor is not None else name,
            "user.add",
            "app_user",
            name,
            {"roles": list(_ordered(held)), **_codes(s, dept_id, grid_id)}
            | ({"bootstrap": True} if actor is None else {}),
            at=stamp,
        )
        info = _infos(s.connection(), AppUser.id == uid)[0]
    return info


def set_password(
    engine: Engine, actor: Actor, username: str, password: str, *, clock: Clock = now
) -> None:
    """Set ``username``'s password: an admin for anyone, a user for themselves. Clears
    a lock-out."""
    own = actor.name == username and not actor.read_only
    if not own:
        require_role(actor, "manage_accounts")
    encoded = passwords.hash_password(password)
    stamp = clock()
    with transaction(engine) as s:
        user = _user_row(s, username)
        user.password_hash = encoded
        user.failed_logins = 0
        user.locked_until = None
        append_audit(s, actor.name, "user.passwd", "app_user", username, {"own": own}, at=stamp)


def set_active(
    engine: Engine, actor: Actor, username: str, active: bool, *, clock: Clock = now
) -> None:
    """Disable an account (it can no longer log in; its history stays) or enable it
    again (which also lifts a lock-out). The last admin who can log in stays."""
    require_role(actor, "manage_accounts")
    stamp = clock()
    with transaction(engine) as s:
        _lock_accounts(s)
        user = _user_row(s, username)
        if not active:
            if username == actor.name:
                raise InvalidInput("username", "you cannot disable your own account")
            if "admin" in _roles_of(s, user.id) and not _other_admins(s, user.id):
                raise InvalidInput(
                    "username", f"{username} is the last admin who can log in: add another first"
                )
        was = bool(user.active)
        user.active = active
        if active:
            user.failed_logins = 0
            user.locked_until = None
        action = "user.enable" if active else "user.disable"
        append_audit(s, actor.name, action, "app_user", username, {"was_active": was}, at=stamp)


def update_user(
    engine: Engine,
    actor: Actor,
    username: str,
    *,
    roles: Iterable[str] | None = None,
    dept: str | None = None,
    grid: str | None = None,
    display_name: str | None = None,
    clock: Clock = now,
) -> UserInfo:
    """Change an account's roles (with their department and grid) or display name."""
    require_role(actor, "manage_accounts")
    stamp = clock()
    with transaction(engine) as s:
        _lock_accounts(s)
        user = _user_row(s, username)
        old_roles = _roles_of(s, user.id)
        old_codes = _codes(s, user.dept_id, user.grid_id)
        detail: dict[str, Any] = {}
        if roles is not None or dept is not None or grid is not None:
            held = _check_roles(roles) if roles is not None else old_roles
            dept_code = dept if dept is not None else old_codes["dept"]
            grid_code = grid if grid is not None else old_codes["grid"]
            dept_id, grid_id = _resolve_scope(
                s,
                held,
                dept_code if "department" in held else dept,
                grid_code if "grid_worker" in held else grid,
            )
            if "admin" in old_roles - held and not _other_admins(s, user.id):
                raise InvalidInput(
                    "role", f"{username} is the last admin who can log in: add another first"
                )
            user.dept_id, user.grid_id = dept_id, grid_id
            if held != old_roles:
                s.execute(delete(UserRole).where(UserRole.user_id == user.id))
                s.execute(
                    insert(UserRole), [{"user_id": user.id, "role": r} for r in _ordered(held)]
                )
                detail["roles"] = [list(_ordered(old_roles)), list(_ordered(held))]
            new_codes = _codes(s, dept_id, grid_id)
            for key in ("dept", "grid"):
                if new_codes[key] != old_codes[key]:
                    detail[key] = [old_codes[key], new_codes[key]]
        if display_name is not None:
            display = display_name.strip()
            if not display or len(display) > 60:
                raise InvalidInput("display_name", "1 to 60 characters")
            if display != user.display_name:
                user.display_name = display
                detail["display_name"] = "changed"  # the name itself stays out of the audit
        if not detail:
            raise InvalidInput("changes", "nothing to change")
        append_audit(s, actor.name, "user.update", "app_user", username, detail, at=stamp)
        s.flush()
        info = _infos(s.connection(), AppUser.id == user.id)[0]
    return info


# ------------------------------------------------------------------ login


def _audit_now(
    engine: Engine, actor: str, action: str, code: str | None, detail: dict[str, Any], at: datetime
) -> None:
    with transaction(engine) as s:
        append_audit(s, actor, action, "app_user", code, detail, at=at)


def authenticate(engine: Engine, username: str, password: str, *, clock: Clock = now) -> Actor:
    """Log in: the :class:`Actor` of ``username`` when ``password`` is theirs.

    Refused with :class:`AuthenticationFailed`: an unknown name or a wrong password
    (the message never says which), a locked account (five failures in a row lock it
    for 15 minutes; a correct password does not help meanwhile), a disabled account
    or one without a password (said only to whoever knows the password). Every
    attempt is audited; the failure counter and the lock are written even though the
    login fails."""
    at = clock()
    with engine.connect() as conn:
        row = conn.execute(
            select(
                AppUser.id,
                AppUser.password_hash,
                AppUser.active,
                AppUser.locked_until,
            ).where(AppUser.username == username)
        ).first()
    if row is None:
        passwords.dummy_verify(password)
        _audit_now(engine, UNKNOWN_ACTOR, "auth.login_failed", None, {"reason": "unknown_user"}, at)
        raise AuthenticationFailed("wrong user name or password", "credentials")
    uid, encoded, active, locked_until = row
    if locked_until is not None and locked_until > at:
        _audit_now(
            engine,
            username,
            "auth.login_refused",
            username,
            {"reason": "locked", "until": locked_until},
            at,
        )
        raise AuthenticationFailed(
            f"the account {username} is locked after {MAX_FAILURES} failed logins until "
            f"{locked_until:%H:%M}: try again then, or ask an administrator "
            f"(`center user enable {username}` lifts the lock)",
            "locked",
            locked_until,
        )
    if encoded is None:
        passwords.dummy_verify(password)
        if not active:
            _audit_now(engine, username, "auth.login_failed", username, {"reason": "disabled"}, at)
            raise AuthenticationFailed("wrong user name or password", "credentials")
        _audit_now(engine, username, "auth.login_failed", username, {"reason": "no_password"}, at)
        raise AuthenticationFailed(
            f"the account {username} has no password yet: an administrator sets one with "
            f"`center user passwd {username}`",
            "no_password",
        )
    if not passwords.verify(encoded, password):
        _failed(engine, uid, username, at)
    if not active:
        _audit_now(engine, username, "auth.login_failed", username, {"reason": "disabled"}, at)
        raise AuthenticationFailed(
            f"the account {username} is disabled: ask an administrator", "disabled"
        )
    rehash = passwords.needs_rehash(encoded)
    new_hash = passwords.HASHER.hash(password) if rehash else None
    with transaction(engine) as s:
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": at}
        if new_hash is not None:
            values["password_hash"] = new_hash
        s.execute(update(AppUser).where(AppUser.id == uid).values(**values))
        append_audit(s, username, "auth.login", "app_user", username, {"rehashed": rehash}, at=at)
        actor = load_actor(s.connection(), username)
    if actor is None:  # an account without roles
        raise AuthenticationFailed(
            f"the account {username} holds no role: ask an administrator", "disabled"
        )
    return actor


def _failed(engine: Engine, uid: int, username: str, at: datetime) -> None:
    """Count a wrong password (and lock the account at the fifth in a row), then refuse."""
    with transaction(engine) as s:
        count = s.execute(
            update(AppUser)
            .where(AppUser.id == uid)
            .values(failed_logins=AppUser.failed_logins + 1)
            .returning(AppUser.failed_logins)
        ).scalar_one()
        append_audit(
            s,
            username,
            "auth.login_failed",
            "app_user",
            username,
            {"reason": "password", "failures": count},
            at=at,
        )
        until = None
        if count >= MAX_FAILURES:
            until = at + LOCK_FOR
            s.execute(
                update(AppUser).where(AppUser.id == uid).values(failed_logins=0, locked_until=until)
            )
            append_audit(
                s,
                username,
                "auth.locked",
                "app_user",
                username,
                {"failures": count, "until": until},
                at=at,
            )
    if until is not None:
        raise AuthenticationFailed(
            f"wrong user name or password; after {MAX_FAILURES} failures in a row the account "
            f"is locked until {until:%H:%M}",
            "locked",
            until,
        )
    raise AuthenticationFailed("wrong user name or password", "credentials")
