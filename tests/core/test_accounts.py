"""Accounts (spec/access.md): argon2id hashes, the password rule, the five-failure
lock-out and its 15 minutes, the first-admin bootstrap, disable/enable, roles, the
audit rows, the migration of the old single role, and `center user`."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from builders import TEST_PASSWORD, Builder, account
from sqlalchemy import insert, select, text

from center.accounts import passwords
from center.accounts import service as accounts
from center.cli import main
from center.core.access import ROLES, Actor
from center.core.clock import now
from center.core.errors import (
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    UserError,
)
from center.core.vocab import USER_ROLES as VOCAB_ROLES
from db.models import USER_ROLES, AppUser, AuditLog, UserRole

ROOT = Actor("root", "admin")


def _audit(engine, *, since: int = 0) -> list[tuple[str, str, str | None, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.entity_code, AuditLog.detail)
            .where(AuditLog.id > since)
            .order_by(AuditLog.id)
        ).all()
    return [(a, b, c, json.loads(d or "{}")) for a, b, c, d in rows]


def _last_audit_id(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) or 0


class Clock:
    """An injected clock the lock-out is measured against."""

    def __init__(self) -> None:
        self.t = now()

    def __call__(self):
        return self.t


# ------------------------------------------------------------------ passwords


def test_the_eight_roles_are_one_list():
    assert USER_ROLES == VOCAB_ROLES == ROLES
    assert set(USER_ROLES) == {
        "leader",
        "coordinator",
        "department",
        "grid_worker",
        "assessor",
        "finance",
        "admin",
        "wall",
    }


def test_argon2id_with_the_product_parameters():
    from argon2 import PasswordHasher, Type

    # the module's own hasher (the tests swap in a cheap one: conftest.py)
    real = PasswordHasher(
        time_cost=passwords.TIME_COST,
        memory_cost=passwords.MEMORY_COST_KIB,
        parallelism=passwords.PARALLELISM,
        type=Type.ID,
    )
    encoded = real.hash("correct horse battery")
    assert encoded.startswith("$argon2id$v=19$m=65536,t=6,p=1$")
    assert real.verify(encoded, "correct horse battery")
    # what the tests use is argon2id too, and verification is by the stored parameters
    cheap = passwords.hash_password("correct horse battery")
    assert cheap.startswith("$argon2id$")
    assert cheap != passwords.hash_password("correct horse battery")  # salted
    assert passwords.verify(cheap, "correct horse battery")
    assert not passwords.verify(cheap, "correct horse batterY")
    assert passwords.verify(encoded, "correct horse battery")  # another cost: still verifies
    assert not passwords.verify("not a hash", "x")
    assert passwords.needs_rehash(encoded)  # the tests' hasher differs from the product's


def test_a_password_has_at_least_ten_characters():
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        passwords.hash_password("nine-char")
    assert passwords.hash_password("ten--chars")


# ------------------------------------------------------------------ bootstrap


def test_the_first_account_needs_no_login_and_must_be_an_admin(engine):
    assert accounts.bootstrap_open(engine)
    with pytest.raises(InvalidInput, match="first account of a database must be an admin"):
        accounts.add_user(engine, None, "alice", TEST_PASSWORD, ["coordinator"])
    first = accounts.add_user(engine, None, "root", TEST_PASSWORD, ["admin"])
    assert (first.username, first.roles, first.has_password) == ("root", ("admin",), True)
    assert not accounts.bootstrap_open(engine)
    with pytest.raises(UserError, match="log in as an admin"):
        accounts.add_user(engine, None, "mallory", TEST_PASSWORD, ["admin"])
    coordinator = accounts.add_user(
        engine, ROOT, "alice", TEST_PASSWORD, ["coordinator", "department"], dept="D05"
    )
    assert (coordinator.roles, coordinator.dept_code) == (("coordinator", "department"), "D05")
    with pytest.raises(PermissionDenied, match="may not manage accounts"):
        accounts.add_user(engine, Actor("alice", "coordinator"), "bob", TEST_PASSWORD, ["leader"])
    assert [(a, act, code, d) for a, act, code, d in _audit(engine)] == [
        (
            "root",
            "user.add",
            "root",
            {"roles": ["admin"], "dept": None, "grid": None, "bootstrap": True},
        ),
        (
            "root",
            "user.add",
            "alice",
            {"roles": ["coordinator", "department"], "dept": "D05", "grid": None},
        ),
    ]


def test_account_fields_are_checked(engine):
    from builders import Builder

    Builder(engine).grid("G01")
    add = accounts.add_user
    with pytest.raises(InvalidInput, match="department user needs its department"):
        add(engine, ROOT, "d", TEST_PASSWORD, ["department"])
    with pytest.raises(NotFound, match="department"):
        add(engine, ROOT, "d", TEST_PASSWORD, ["department"], dept="D99")
    with pytest.raises(InvalidInput, match="grid worker needs its grid"):
        add(engine, ROOT, "g", TEST_PASSWORD, ["grid_worker"])
    with pytest.raises(InvalidInput, match="only a user with the role grid_worker has a grid"):
        add(engine, ROOT, "g", TEST_PASSWORD, ["leader"], grid="G01")
    with pytest.raises(InvalidInput, match="'viewer' is not one of"):
        add(engine, ROOT, "v", TEST_PASSWORD, ["viewer"])
    with pytest.raises(InvalidInput, match="no spaces"):
        add(engine, ROOT, "a b", TEST_PASSWORD, ["leader"])
    with pytest.raises(InvalidInput, match="at least 10"):
        add(engine, ROOT, "short", "short", ["leader"])
    g = add(engine, ROOT, "g", TEST_PASSWORD, ["grid_worker"], grid="G01", display_name="王网格")
    assert (g.grid_code, g.display_name) == ("G01", "王网格")
    with pytest.raises(InvalidInput, match="exists already"):
        add(engine, ROOT, "g", TEST_PASSWORD, ["leader"])
    assert [u.username for u in accounts.list_users(engine, ROOT)] == ["g"]


# ------------------------------------------------------------------ login and lock-out


def test_login_makes_the_actor_and_is_audited(engine):
    from builders import Builder

    Builder(engine).grid("G01")
    account(engine, "grid", "grid_worker", grid="G01")
    actor = accounts.authenticate(engine, "grid", TEST_PASSWORD)
    assert (actor.name, actor.role, actor.grid_code, actor.display_name) == (
        "grid",
        "grid_worker",
        "G01",
        "Grid",
    )
    assert not actor.read_only
    with pytest.raises(AuthenticationFailed, match="wrong user name or password") as err:
        accounts.authenticate(engine, "nobody", TEST_PASSWORD)
    assert err.value.reason == "credentials"
    audit = _audit(engine)
    assert [(a, act, d) for a, act, _c, d in audit] == [
        ("grid", "auth.login", {"rehashed": False}),
        ("(unknown)", "auth.login_failed", {"reason": "unknown_user"}),  # the name stays out
    ]
    with engine.connect() as conn:
        assert conn.scalar(select(AppUser.last_login_at)) is not None


def test_five_failures_lock_for_fifteen_minutes(engine):
    account(engine, "alice", "coordinator")
    clock = Clock()
    mark = _last_audit_id(engine)

    def login(password: str):
        return accounts.authenticate(engine, "alice", password, clock=clock)

    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as err:
            login("wrong password")
        assert err.value.reason == "credentials"
    login(TEST_PASSWORD)  # a success resets the count: failures count in a row
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            login("wrong password")
    with pytest.raises(AuthenticationFailed, match="locked until") as err:
        login("wrong password")
    assert err.value.reason == "locked" and err.value.until == clock.t + timedelta(minutes=15)
    clock.t += timedelta(minutes=14, seconds=59)
    with pytest.raises(AuthenticationFailed, match="is locked after 5 failed logins") as err:
        login(TEST_PASSWORD)  # the right password does not help meanwhile
    assert err.value.reason == "locked"
    clock.t += timedelta(seconds=1)
    assert login(TEST_PASSWORD).name == "alice"  # 15 minutes later
    actions = [act for _a, act, _c, _d in _audit(engine, since=mark)]
    assert actions == (
        ["auth.login_failed"] * 4
        + ["auth.login"]
        + ["auth.login_failed"] * 5
        + ["auth.locked", "auth.login_refused", "auth.login"]
    )
    locked = next(d for _a, act, _c, d in _audit(engine, since=mark) if act == "auth.locked")
    assert locked["failures"] == 5
    with engine.connect() as conn:
        assert conn.execute(select(AppUser.failed_logins, AppUser.locked_until)).one() == (0, None)


def test_enable_and_passwd_lift_a_lock(engine):
    account(engine, "root", "admin")
    account(engine, "alice", "coordinator")
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(engine, "alice", "wrong password")
    accounts.set_active(engine, ROOT, "alice", True)
    assert accounts.authenticate(engine, "alice", TEST_PASSWORD)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(engine, "alice", "wrong password")
    accounts.set_password(engine, ROOT, "alice", "a-new-password")
    assert accounts.authenticate(engine, "alice", "a-new-password")


def test_disable_and_enable(engine):
    account(engine, "root", "admin")
    account(engine, "alice", "coordinator")
    with pytest.raises(PermissionDenied):
        accounts.set_active(engine, Actor("alice", "coordinator"), "root", False)
    with pytest.raises(InvalidInput, match="your own account"):
        accounts.set_active(engine, ROOT, "root", False)
    accounts.set_active(engine, ROOT, "alice", False)
    with pytest.raises(AuthenticationFailed, match="disabled") as err:
        accounts.authenticate(engine, "alice", TEST_PASSWORD)
    assert err.value.reason == "disabled"
    with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
        accounts.authenticate(engine, "alice", "wrong password")  # no hint without it
    accounts.set_active(engine, ROOT, "alice", True)
    assert accounts.authenticate(engine, "alice", TEST_PASSWORD).name == "alice"
    # the last admin who can log in stays
    other = account(engine, "other", "admin")
    accounts.set_active(engine, other, "root", False)
    with pytest.raises(InvalidInput, match="last admin"):
        accounts.set_active(engine, ROOT, "other", False)
    actions = [act for _a, act, code, _d in _audit(engine) if code == "alice"]
    assert "user.disable" in actions and "user.enable" in actions


def test_the_last_admin_cannot_be_disabled(engine):
    account(engine, "root", "admin")
    second = account(engine, "second", "admin")
    accounts.set_active(engine, second, "root", False)
    with pytest.raises(InvalidInput, match="last admin"):
        accounts.update_user(engine, second, "second", roles=["leader"])
    with pytest.raises(InvalidInput, match="your own account"):
        accounts.set_active(engine, second, "second", False)


def test_passwords_and_roles_change(engine):
    account(engine, "root", "admin")
    alice = account(engine, "alice", "coordinator")
    account(engine, "bob", "coordinator")
    accounts.set_password(engine, alice, "alice", "alice's new one")  # your own
    with pytest.raises(PermissionDenied):
        accounts.set_password(engine, alice, "bob", "bob's new one!")
    assert accounts.authenticate(engine, "alice", "alice's new one")
    info = accounts.update_user(
        engine, ROOT, "alice", roles=["coordinator", "department"], dept="D02"
    )
    assert (info.roles, info.dept_code) == (("coordinator", "department"), "D02")
    assert accounts.authenticate(engine, "alice", "alice's new one").roles == {
        "coordinator",
        "department",
    }
    info = accounts.update_user(engine, ROOT, "alice", display_name="李爱丽")
    assert info.display_name == "李爱丽"
    with pytest.raises(InvalidInput, match="nothing to change"):
        accounts.update_user(engine, ROOT, "alice", display_name="李爱丽")
    rows = [(a, act, d) for a, act, code, d in _audit(engine) if code == "alice"]
    assert rows == [
        ("alice", "user.passwd", {"own": True}),
        ("alice", "auth.login", {"rehashed": False}),
        (
            "root",
            "user.update",
            {"roles": [["coordinator"], ["coordinator", "department"]], "dept": [None, "D02"]},
        ),
        ("alice", "auth.login", {"rehashed": False}),
        ("root", "user.update", {"display_name": "changed"}),  # the name stays out
    ]
    Builder(engine).staff("S900", grid=None, role="volunteer")
    labels = accounts.user_labels(engine, ["alice", "bob", "resident", "S900"])
    assert labels["alice"] == accounts.UserLabel("李爱丽", ("coordinator", "department"))
    assert labels["S900"].roles == ()  # a staff member without an account: the name only
    assert labels["S900"].display_name != "S900"
    assert set(labels) == {"alice", "bob", "S900"}


def test_an_old_hash_is_upgraded_at_login(engine, monkeypatch):
    from argon2 import PasswordHasher, Type

    account(engine, "alice", "coordinator")
    monkeypatch.setattr(
        passwords,
        "HASHER",
        PasswordHasher(time_cost=2, memory_cost=16, parallelism=1, type=Type.ID),
    )
    accounts.authenticate(engine, "alice", TEST_PASSWORD)
    with engine.connect() as conn:
        assert "m=16,t=2" in conn.scalar(select(AppUser.password_hash))


# ------------------------------------------------------------------ migration 0007


def test_migration_moves_the_single_role_into_user_role(engine):
    from db.engine import downgrade, upgrade

    downgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO app_user (username, display_name, role, active) VALUES "
                "('a', 'A', 'admin', true), ('w', 'W', 'viewer', true)"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        held = conn.execute(
            select(AppUser.username, UserRole.role)
            .join(UserRole, UserRole.user_id == AppUser.id)
            .order_by(AppUser.username)
        ).all()
        assert [tuple(r) for r in held] == [("a", "admin"), ("w", "leader")]
        assert conn.execute(select(AppUser.password_hash, AppUser.failed_logins)).all() == [
            (None, 0),
            (None, 0),
        ]
    # no account can log in: the first admin may still be added without a login
    assert accounts.bootstrap_open(engine)
    with pytest.raises(AuthenticationFailed, match="no password yet"):
        accounts.authenticate(engine, "a", TEST_PASSWORD)
    with engine.begin() as conn, pytest.raises(Exception, match="(?i)check"):
        conn.execute(insert(UserRole).values(user_id=1, role="viewer"))


# ------------------------------------------------------------------ `center user`


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_center_user_commands(db_url, capsys, monkeypatch):
    db = ("--db", db_url)
    monkeypatch.setenv("CENTER_NEW_PASSWORD", "root-password")
    code, out, _ = _run(capsys, "user", "add", "root", "--role", "coordinator", *db)
    assert code == 2
    code, out, _ = _run(capsys, "user", "add", "root", "--role", "admin", *db)
    assert code == 0 and out.startswith("added root (admin)\nthe first account of this database")
    monkeypatch.setenv("CENTER_NEW_PASSWORD", "alice-password")
    code, _, err = _run(
        capsys, "user", "add", "alice", "--role", "department", "--dept", "D01", *db
    )
    assert code == 2 and "`center user add` needs a login" in err
    monkeypatch.setenv("CENTER_USER", "root")
    monkeypatch.setenv("CENTER_PASSWORD", "root-password")
    argv = (
        "user",
        "add",
        "alice",
        "--role",
        "department",
        "--role",
        "coordinator",
        "--dept",
        "D01",
    )
    code, out, _ = _run(capsys, *argv, "--display-name", "王丽", *db)
    assert code == 0 and out == "added alice (coordinator, department; dept D01)\n"
    code, out, _ = _run(capsys, "user", "list", "--json", *db)
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["alice"]["roles"] == ["coordinator", "department"]
    assert listed["alice"]["display_name"] == "王丽" and listed["alice"]["has_password"]
    assert "password_hash" not in listed["alice"]
    code, out, _ = _run(capsys, "user", "list", *db)
    assert code == 0 and "alice" in out and "active" in out
    assert _run(capsys, "user", "disable", "alice", *db)[:2] == (0, "alice disabled\n")
    code, out, _ = _run(capsys, "user", "list", *db)
    assert "disabled" in out
    assert _run(capsys, "user", "enable", "alice", *db)[:2] == (0, "alice enabled\n")
    code, out, _ = _run(capsys, "user", "set", "alice", "--role", "leader", *db)
    assert code == 0 and out == "changed alice (leader)\n"
    # a user changes their own password, logging in as themselves
    monkeypatch.delenv("CENTER_USER")
    monkeypatch.setenv("CENTER_PASSWORD", "alice-password")
    monkeypatch.delenv("CENTER_NEW_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO("alice-new-password\n"))
    code, out, _ = _run(capsys, "user", "passwd", "alice", "--password-stdin", *db)
    assert (code, out) == (0, "password of alice set\n")
    # an admin's commands refuse her now
    monkeypatch.setenv("CENTER_PASSWORD", "alice-new-password")
    code, _, err = _run(capsys, "user", "list", "--user", "alice", *db)
    assert code == 2 and "may not manage accounts" in err
    # no new password and no terminal: a clear error, no prompt
    monkeypatch.setenv("CENTER_USER", "root")
    monkeypatch.setenv("CENTER_PASSWORD", "root-password")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = _run(capsys, "user", "passwd", "alice", *db)
    assert code == 2 and "no new password: set CENTER_NEW_PASSWORD" in err
