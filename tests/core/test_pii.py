"""Personal information: encryption round trip, wrong key, look-up hash, masking."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from center.core.pii import (
    PiiCipher,
    PiiKeyError,
    load_master_key,
    mask_id_number,
    mask_name,
    mask_phone,
)


def test_round_trip_and_field_binding():
    c = PiiCipher.from_master(b"a" * 32)
    blob = c.encrypt("name", "张三")
    assert "张三".encode() not in blob
    assert c.decrypt("name", blob) == "张三"
    with pytest.raises(PiiKeyError):
        c.decrypt("phone", blob)  # a name blob cannot be read as a phone


def test_wrong_key_is_a_clear_error():
    blob = PiiCipher.from_master(b"a" * 32).encrypt("id_number", "11010519491231002X")
    with pytest.raises(PiiKeyError, match="not the one this database"):
        PiiCipher.from_master(b"b" * 32).decrypt("id_number", blob)


def test_lookup_hash_is_keyed_and_normalised():
    a = PiiCipher.from_master(b"a" * 32)
    b = PiiCipher.from_master(b"b" * 32)
    assert a.lookup_hash("id_number", " 11010519491231002x") == a.lookup_hash(
        "id_number", "11010519491231002X"
    )
    assert a.lookup_hash("id_number", "1") != b.lookup_hash("id_number", "1")


def test_key_file_created_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("CENTER_PII_KEY")
    path = tmp_path / "cfg" / "pii.key"
    key = load_master_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_master_key(path) == key  # second run reads the same key


def test_missing_or_malformed_key(tmp_path, monkeypatch):
    monkeypatch.delenv("CENTER_PII_KEY")
    with pytest.raises(PiiKeyError, match="no personal-information key"):
        load_master_key(tmp_path / "none.key", create=False)
    monkeypatch.setenv("CENTER_PII_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(PiiKeyError, match="32 bytes"):
        load_master_key(tmp_path / "none.key")
    monkeypatch.setenv("CENTER_PII_KEY", "not base64 !!")
    with pytest.raises(PiiKeyError, match="base64"):
        load_master_key(tmp_path / "none.key")


def test_database_remembers_its_key(ctx, monkeypatch):
    assert ctx.cipher  # records the key check value
    from center.context import open_context

    monkeypatch.setenv("CENTER_PII_KEY", base64.b64encode(b"z" * 32).decode())
    other = open_context(str(ctx.engine.url.render_as_string(hide_password=False)))
    with pytest.raises(PiiKeyError, match="not the one this database"):
        _ = other.cipher
    other.close()


def test_masks():
    assert mask_id_number("11010519900307123X") == "110***********123X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_id_number(None) == "" and mask_phone("") == ""
