"""The meeting board reads its runs through SQLite's JSON functions (json_each): a
SQLite without them is refused when the engine is made, with the version and what to
do, never later with a raw "no such table: json_each" on the board."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import engine as db_engine
from db.errors import DatabaseError


def test_this_python_has_the_json_functions() -> None:
    db_engine.sqlite_has_json.cache_clear()
    assert db_engine.sqlite_has_json() is True


def test_a_sqlite_without_them_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_engine, "sqlite_has_json", lambda: False)
    path = tmp_path / "c.sqlite3"
    with pytest.raises(DatabaseError) as caught:
        db_engine.make_engine(f"sqlite:///{path}")
    message = str(caught.value)
    assert f"SQLite {sqlite3.sqlite_version} has no JSON functions" in message
    assert "3.38 or newer" in message
    assert not path.exists()  # nothing created
