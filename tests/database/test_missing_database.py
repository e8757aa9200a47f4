"""A mistyped SQLite path is refused, never silently created (issue 17): only
`center db upgrade`, `center demo` and `center import` (and `center db restore`) may
create a database, and only in an existing folder; every other command, and the
windows, refuse a missing file with a message naming the path and what to do. The
default embedded database (nothing configured) is still created on a first run."""

from __future__ import annotations

from pathlib import Path

import pytest

from center import config
from center.cli import main
from center.context import check_database_file, open_context
from db.errors import DatabaseError

HINT = "check the path, or create one with `center db upgrade` / `center demo`"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CENTER_LANG", "en")
    monkeypatch.delenv("CENTER_DB_URL", raising=False)


def _missing(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "nonexistent" / "dir" / "c.sqlite3"
    return path, f"sqlite:///{path}"


# every command class that reads or changes an existing database
REFUSING = [
    ["kpi", "--period", "2026-10", "--scope", "street"],
    ["assess", "--quarter", "2026Q3", "--scope", "grid"],
    ["targets", "list"],
    ["audit", "verify"],
    ["user", "list"],
    ["budget", "summary", "--year", "2026"],
    ["report", "list"],
    ["meeting", "list"],
    ["export", "households", "OUT.csv"],
    ["holidays", "list", "2026"],
    ["db", "current"],
    ["db", "backup", "-o", "OUT.sqlite3"],
    ["db", "downgrade", "base", "--yes"],
    ["db", "adopt-key"],
]


@pytest.mark.parametrize("argv", REFUSING, ids=lambda a: " ".join(a[:2]))
def test_commands_refuse_a_missing_database_and_create_nothing(argv, tmp_path, capsys):
    path, url = _missing(tmp_path)
    argv = [str(tmp_path / a) if a.startswith("OUT") else a for a in argv]
    code = main([*argv, "--db", url])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"no database at {path}: {HINT}" in err
    assert not path.parent.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_gets_no_file_either(tmp_path, capsys):
    path = tmp_path / "c.sqlite3"
    assert (
        main(["kpi", "--period", "2026-10", "--scope", "street", "--db", f"sqlite:///{path}"]) == 2
    )
    assert f"no database at {path}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["db", "upgrade"],
        ["demo", "--scale", "0.01"],
        ["import", "departments", "IN.csv"],
    ],
    ids=lambda a: a[0],
)
def test_creating_commands_refuse_a_missing_folder(argv, tmp_path, capsys):
    path, url = _missing(tmp_path)
    (tmp_path / "IN.csv").write_text("dept_code,name\nD01,民政科\n", encoding="utf-8")
    argv = [str(tmp_path / a) if a == "IN.csv" else a for a in argv]
    code = main([*argv, "--db", url])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"no folder {path.parent} for the new database c.sqlite3" in err
    assert not path.parent.parent.exists()


def test_db_upgrade_creates_a_database_in_an_existing_folder(tmp_path, capsys):
    path = tmp_path / "c.sqlite3"
    assert main(["db", "upgrade", "--db", f"sqlite:///{path}"]) == 0
    assert "database at revision" in capsys.readouterr().out
    assert path.is_file()
    assert main(["db", "current", "--db", f"sqlite:///{path}"]) == 0


def test_import_creates_a_database_in_an_existing_folder(tmp_path, capsys):
    path = tmp_path / "c.sqlite3"
    src = tmp_path / "departments.csv"
    src.write_text("dept_code,name\nD01,民政科\n", encoding="utf-8")
    main(["import", "departments", str(src), "--db", f"sqlite:///{path}"])
    # created and migrated; the import itself then asks for a login (no account yet)
    assert "no database at" not in capsys.readouterr().err
    assert path.is_file()


def test_the_windows_refuse_a_missing_database(tmp_path):
    _, url = _missing(tmp_path)
    pytest.importorskip("PySide6")
    from center.windows.app.startup import open_checked

    with pytest.raises(DatabaseError, match="no database at"):
        open_checked(url)  # `center app` and the wall
    with pytest.raises(DatabaseError, match="no database at"):
        open_context(url)  # `center workstation` opens its context this way
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_created_on_a_first_run(tmp_path, monkeypatch):
    data = tmp_path / "fresh" / "data"
    monkeypatch.setenv("CENTER_DATA_DIR", str(data))
    monkeypatch.setenv("CENTER_CONFIG", str(tmp_path / "none.ini"))
    url = config.default_db_url()
    with pytest.raises(DatabaseError, match="no database at"):
        open_context()  # e.g. `center kpi` on a fresh machine
    pytest.importorskip("PySide6")
    from center.windows.app.startup import open_checked

    with pytest.raises(DatabaseError, match="no database at"):
        open_checked(None, pii=False, create_default=False)  # `center wall`
    assert not data.exists()
    ctx = open_context(create_default=True)  # `center app` builds the demo into it
    ctx.close()
    assert (data / "center.sqlite3").is_file()
    check_database_file(url, create=False)  # it now exists


def test_non_file_urls_are_not_checked():
    for url in ("sqlite://", "sqlite:///:memory:", "postgresql://u@h/db", "not a url"):
        check_database_file(url, create=False)
