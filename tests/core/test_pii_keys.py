"""Key handling and files that may hold personal information (`spec/access.md`):

* a key file other users can read is refused, with the fix;
* a database that holds personal information never gets a new key: a missing key is
  refused with how to restore it, and no key file is created;
* a database that holds personal information but no record of its key is refused until
  an admin adopts the key (which must decrypt the data; audited);
* new SQLite files and the log folder and files are owner-only; statement parameters
  never reach an error message or the log.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from center.core.access import Actor
from center.core.context import ServiceContext, adopt_key, holds_personal_information
from center.core.errors import PermissionDenied
from center.core.pii import PiiCipher, PiiKeyError, load_master_key
from db.engine import make_engine
from db.models import AuditLog, Resident, Setting, Staff

ADMIN = Actor("root", "admin")
KEY = b"k" * 32  # the tests' CENTER_PII_KEY (tests/conftest.py)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _key_file(tmp_path: Path, key: bytes = KEY, mode: int = 0o600) -> Path:
    path = tmp_path / "keys" / "pii.key"
    path.parent.mkdir(exist_ok=True)
    path.write_text(base64.b64encode(key).decode() + "\n", encoding="ascii")
    path.chmod(mode)
    return path


def _resident(engine, cipher: PiiCipher) -> None:
    """One resident with a name and a phone (the household is made on the fly)."""
    from builders import Builder

    b = Builder(engine)
    b.household("H1")
    with engine.begin() as conn:
        conn.execute(
            insert(Resident).values(
                code="R1",
                household_id=b.id("household", "H1"),
                name_enc=cipher.encrypt("name", "张三"),
                name_hash=cipher.lookup_hash("name", "张三"),
                phone_enc=cipher.encrypt("phone", "13812345678"),
                phone_hash=cipher.lookup_hash("phone", "13812345678"),
            )
        )


def _key_check(engine) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(select(Setting.value).where(Setting.key == "pii.key_check"))


def _forget_key_check(engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key == "pii.key_check"))


# ------------------------------------------------------------------ the key file


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_key_file_other_users_can_read_is_refused_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("CENTER_PII_KEY")
    path = _key_file(tmp_path, mode=0o644)
    with pytest.raises(PiiKeyError) as exc:
        load_master_key(path)
    assert f"chmod 600 {path}" in str(exc.value)
    assert "mode 0644" in str(exc.value)
    path.chmod(0o640)  # group-readable is refused as well
    with pytest.raises(PiiKeyError, match="chmod 600"):
        load_master_key(path)
    path.chmod(0o600)
    assert load_master_key(path) == KEY


def test_a_missing_key_is_never_replaced_for_a_database_with_personal_information(
    engine, tmp_path, monkeypatch
):
    cipher = PiiCipher.from_master(KEY)
    assert ServiceContext(engine, tmp_path / "unused.key").cipher == cipher  # records the check
    _resident(engine, cipher)
    monkeypatch.delenv("CENTER_PII_KEY")
    missing = tmp_path / "config" / "pii.key"
    with pytest.raises(PiiKeyError) as exc:
        _ = ServiceContext(engine, missing).cipher
    message = str(exc.value)
    assert "restore the key file" in message and "CENTER_PII_KEY" in message
    assert not missing.exists()
    # the key check value alone (no personal information yet) also keeps a new key out
    with engine.begin() as conn:
        conn.execute(delete(Resident))
    with pytest.raises(PiiKeyError, match="restore the key file"):
        _ = ServiceContext(engine, missing).cipher
    assert not missing.exists()
    # restored, owner-only: works
    restored = _key_file(tmp_path)
    assert ServiceContext(engine, restored).cipher == cipher


def test_a_fresh_database_gets_a_new_owner_only_key(engine, tmp_path, monkeypatch):
    monkeypatch.delenv("CENTER_PII_KEY")
    with engine.connect() as conn:
        assert not holds_personal_information(conn)
    path = tmp_path / "config" / "pii.key"
    cipher = ServiceContext(engine, path).cipher
    assert path.exists() and _mode(path) == 0o600
    assert _key_check(engine) == cipher.key_check()


# ------------------------------------------------------------------ adopting a key


def test_personal_information_without_a_key_record_waits_for_an_admin(
    engine, tmp_path, monkeypatch
):
    cipher = PiiCipher.from_master(KEY)
    assert ServiceContext(engine, tmp_path / "k").cipher == cipher
    _resident(engine, cipher)
    with engine.begin() as conn:  # a staff phone is personal information too
        conn.execute(
            insert(Staff).values(
                code="S1", name="王五", role="volunteer", phone_enc=cipher.encrypt("phone", "1")
            )
        )
    _forget_key_check(engine)  # e.g. a copy made by other means than a backup
    with engine.connect() as conn:
        assert holds_personal_information(conn)

    ctx = ServiceContext(engine, tmp_path / "k")
    with pytest.raises(PiiKeyError, match="an admin adopts it"):
        _ = ctx.cipher
    assert _key_check(engine) is None

    with pytest.raises(PermissionDenied):
        adopt_key(engine, ctx.key_cipher(), Actor("alice", "coordinator"))
    wrong = PiiCipher.from_master(b"w" * 32)
    with pytest.raises(PiiKeyError, match="does not decrypt the data"):
        adopt_key(engine, wrong, ADMIN)
    assert _key_check(engine) is None

    assert adopt_key(engine, ctx.key_cipher(), ADMIN) == 3  # name, phone, staff phone
    assert _key_check(engine) == cipher.key_check()
    assert ServiceContext(engine, tmp_path / "k").cipher == cipher
    with engine.connect() as conn:
        row = conn.execute(
            select(AuditLog.actor, AuditLog.entity, AuditLog.entity_code, AuditLog.detail).where(
                AuditLog.action == "pii.adopt_key"
            )
        ).one()
    assert row[:3] == ("root", "setting", "pii.key_check")
    assert json.loads(row[3]) == {"values_checked": 3}

    # adopting again is a no-op; a recorded key is never replaced
    assert adopt_key(engine, cipher, ADMIN) == 0
    with pytest.raises(PiiKeyError, match="never replaced"):
        adopt_key(engine, wrong, ADMIN)
    assert _key_check(engine) == cipher.key_check()


# ------------------------------------------------------------------ files and logs


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_sqlite_file_is_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "data" / "center.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        engine.dispose()
    finally:
        os.umask(old)
    assert _mode(path) == 0o600
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            assert _mode(extra) == 0o600, extra


def test_statement_parameters_never_reach_an_error_message(engine):
    engine = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with pytest.raises((OperationalError, ProgrammingError)) as exc, engine.connect() as conn:
            conn.execute(text("SELECT x FROM no_such_table WHERE y = :p"), {"p": "13812345678"})
    finally:
        engine.dispose()
    assert "13812345678" not in str(exc.value)
    assert "hidden due to hide_parameters" in str(exc.value)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_log_folder_and_files_are_owner_only(tmp_path, monkeypatch):
    from center import logs

    folder = tmp_path / "new" / "logs"
    monkeypatch.setenv("CENTER_LOG_DIR", str(folder))
    monkeypatch.setattr(logs, "_configured", None)
    old = os.umask(0o022)
    root = logging.getLogger("center")
    before = list(root.handlers)
    try:
        path = logs.setup_logging()
        handler = next(h for h in root.handlers if h not in before)
        assert isinstance(handler, logs.OwnerOnlyFileHandler)
        handler.maxBytes = 200
        for i in range(5):
            logging.getLogger("center.test").warning("line %d %s", i, "x" * 100)
        handler.close()
    finally:
        os.umask(old)
        for h in root.handlers:
            if h not in before:
                root.removeHandler(h)
    assert _mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert path in files and len(files) > 1  # rotated
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}


def test_an_admin_adopts_the_key_from_the_command_line(db_url, engine, capsys, monkeypatch):
    from builders import TEST_PASSWORD, account

    from center.cli import main

    cipher = PiiCipher.from_master(KEY)
    _resident(engine, cipher)
    _forget_key_check(engine)
    account(engine, "li", "coordinator")
    account(engine, "boss", "admin")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    assert main(["db", "adopt-key", "--db", db_url, "--user", "li"]) == 2
    assert "may not adopt key" in capsys.readouterr().err and _key_check(engine) is None
    assert main(["db", "adopt-key", "--db", db_url, "--user", "boss"]) == 0
    assert "values checked" in capsys.readouterr().out
    assert _key_check(engine) == cipher.key_check()
