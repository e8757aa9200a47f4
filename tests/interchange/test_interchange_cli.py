"""`center import|export|holidays` through :func:`center.cli.main`: output and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import TEST_PASSWORD, account
from sqlalchemy import func, select
from test_interchange import put

from center.cli import main
from db.engine import open_database
from db.models import Department


def _departments(db_url: str) -> int:
    engine = open_database(db_url)
    try:
        with engine.connect() as c:
            return c.scalar(select(func.count()).select_from(Department)) or 0
    finally:
        engine.dispose()


@pytest.fixture
def admin(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An admin account the commands log in as (CENTER_USER / CENTER_PASSWORD)."""
    engine = open_database(db_url)
    account(engine, "root", "admin")
    account(engine, "coord", "coordinator")
    engine.dispose()
    monkeypatch.setenv("CENTER_USER", "root")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    return "root"


def test_imports_need_an_admins_login(db_url, admin, tmp_path: Path, capsys, monkeypatch):
    good = put(tmp_path, "depts.csv", "dept_code,name\nD20,综治中心\n")
    monkeypatch.delenv("CENTER_USER")
    assert main(["import", "departments", str(good), "--db", db_url]) == 2
    assert "`center import departments` needs a login" in capsys.readouterr().err
    assert main(["import", "departments", str(good), "--db", db_url, "--user", "coord"]) == 2
    assert "user 'coord' (role coordinator) may not import" in capsys.readouterr().err
    assert main(["holidays", "import", str(good), "--db", db_url, "--user", "coord"]) == 2
    assert "may not set holidays" in capsys.readouterr().err
    monkeypatch.delenv("CENTER_PASSWORD")  # no password and no terminal: no prompt
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["import", "departments", str(good), "--db", db_url, "--user", "root"]) == 2
    assert "no password: set CENTER_PASSWORD" in capsys.readouterr().err
    assert _departments(db_url) == 12


def test_import_export_and_exit_codes(db_url, admin, tmp_path: Path, capsys):
    good = put(tmp_path, "depts.csv", "dept_code,name,note\nD20,综治中心,x\n")
    assert main(["import", "departments", str(good), "--dry-run", "--db", db_url]) == 0
    out = capsys.readouterr()
    assert (
        out.out == f"dry run: {good}: 1 rows valid; would be 1 inserted, 0 updated, "
        "0 unchanged; nothing written\n"
    )
    assert out.err == f"warning: {good}:1: note: unknown column ignored\n"
    assert _departments(db_url) == 12

    assert main(["import", "departments", str(good), "--db", db_url]) == 0
    out = capsys.readouterr()
    assert out.out == (
        f"imported departments from {good}: 1 rows (1 inserted, 0 updated, 0 unchanged)\n"
    )
    assert _departments(db_url) == 13

    bad = put(tmp_path, "bad.csv", "dept_code,name\nD21,\nD21,甲\n")
    assert main(["import", "departments", str(bad), "--db", db_url]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{bad}:2: name: value required",
        f"{bad}:3: dept_code: duplicate dept_code 'D21' (first on line 2)",
        f"center: {bad}: 2 problem(s); nothing was imported",
    ]
    assert _departments(db_url) == 13

    missing = tmp_path / "missing.csv"
    assert main(["import", "departments", str(missing), "--db", db_url]) == 2
    assert capsys.readouterr().err == f"center: error: {missing}: no such file\n"

    with pytest.raises(SystemExit) as exc:
        main(["import", "people", str(good), "--db", db_url])
    assert exc.value.code == 2

    target = tmp_path / "out" / "departments.csv"
    assert main(["export", "departments", str(target), "--db", db_url]) == 0
    assert capsys.readouterr().out == f"exported 13 departments rows to {target}\n"
    assert target.read_bytes().decode("utf-8-sig").splitlines()[-1] == "D20,综治中心"

    assert main(["export", "departments", str(tmp_path / "d.txt"), "--db", db_url]) == 2
    assert "departments files must end in .csv or .xlsx" in capsys.readouterr().err


def test_holidays_commands(db_url, admin, tmp_path: Path, capsys):
    path = put(
        tmp_path,
        "holidays.csv",
        "date,kind,name\n2035-01-01,holiday,元旦\n2035-02-03,workday,春节调休\n",
    )
    assert main(["holidays", "import", str(path), "--db", db_url]) == 0
    assert capsys.readouterr().out == (
        f"imported holidays from {path}: 2 rows (2 inserted, 0 updated, 0 unchanged)\n"
        "recomputed case deadlines: 0 changed\n"
    )
    assert main(["holidays", "list", "2035", "--db", db_url]) == 0
    assert capsys.readouterr().out == (
        "2035: from the override table (imported with `center holidays import`)\n"
        "2035-01-01  holiday  元旦\n"
        "2035-02-03  workday  春节调休\n"
    )
    assert main(["holidays", "list", "2036", "--db", db_url]) == 0
    assert capsys.readouterr().out.startswith("2036: missing: neither the chinesecalendar")
    assert main(["holidays", "list", "2026", "--db", db_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026: official calendar (chinesecalendar package)"
    assert lines[1] == "2026-01-01  holiday  元旦"
    bad = put(tmp_path, "bad.csv", "date,kind\n2035-01-01,day off\n")
    assert main(["holidays", "import", str(bad), "--db", db_url]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{bad}:2: kind: 'day off' is not one of holiday, workday"
    )
