"""Backups (`center db backup|restore`, :mod:`db.backup`): round trips on both engines
give identical tables and KPIs; a restore is all or nothing; destructive commands need
``--yes`` and back up first."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import Builder, at
from sqlalchemy import Engine, create_engine, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from center.cli import main as cli_main
from center.context import open_context
from center.core.access import os_login
from center.core.audit import append_audit
from center.kpi.compute import compute_all_scopes
from db import backup as bk
from db.engine import current_revision, downgrade, head_revision, make_engine, upgrade
from db.models import (
    AgendaItem,
    AgendaItemCase,
    AgendaItemDept,
    AgendaNote,
    AuditLog,
    BudgetLine,
    Case,
    Department,
    Expenditure,
    Household,
    JointMeeting,
    MeetingAttendee,
    Resident,
    Setting,
)

AS_OF = at(2026, 11, 5, 12)
PERIODS = ("2026-10", "2026Q4")


# ------------------------------------------------------------------ helpers


def _fill(engine: Engine) -> None:
    """A little of everything: places, households, encrypted PI, visits, cases that
    refer to each other (one to a later case), meetings, money, settings, audit rows."""
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C02")
    b.household("H1", "G01", special_groups="solo_elderly", lon=114.305, lat=30.593)
    b.household("H2", "G02")
    b.household("H3", "G01", special_groups="disabled;low_income")
    b.holiday(date(2026, 10, 1), "holiday", "国庆节")
    b.staff("S001", "G01")
    b.visits(
        [
            {"household": "H1", "visited_at": at(2026, 10, 3, 9)},
            {
                "household": "H1",
                "visited_at": at(2026, 10, 17, 15),
                "recorded_at": at(2026, 10, 18),
            },
            {"household": "H2", "visited_at": at(2026, 10, 9, 10, 30), "outcome": "not_home"},
            {"household": "H3", "visited_at": at(2026, 9, 30, 16, 0, 0, 123456)},
        ]
    )
    b.case(
        "H1",
        at(2026, 10, 5, 9),
        code="K1",
        dept="D01",
        first_response_at=at(2026, 10, 5, 10),
        assigned_at=at(2026, 10, 5, 9, 30),
        accepted_at=at(2026, 10, 5, 10),
        closed_at=at(2026, 10, 8, 17),
        satisfaction=5,
        status="rated",
    )
    b.case("H1", at(2026, 10, 20, 9), code="K2", reopened_from="K1", dept="D01")
    b.case("H2", at(2026, 10, 21, 11), code="K3", subcategory="M01", priority="immediate")
    with engine.begin() as conn:
        later = conn.scalar(select(Case.id).where(Case.code == "K3"))
        conn.execute(update(Case).where(Case.code == "K1").values(repeat_of_id=later))
        hid = conn.scalar(select(Household.id).where(Household.code == "H1"))
        conn.execute(
            insert(Resident).values(
                code="R1",
                household_id=hid,
                name_enc=b"\x00\x01sealed-name\xff",
                name_hash="a" * 64,
                phone_enc=b"\x02sealed-phone",
                phone_hash="b" * 64,
                birth_date=date(1941, 2, 3),
                gender="F",
            )
        )
        line = conn.execute(
            insert(BudgetLine)
            .values(
                line_code="B1",
                year=2026,
                category="activities",
                source="fiscal",
                amount=Decimal("12345.67"),
            )
            .returning(BudgetLine.id)
        ).scalar_one()
        conn.execute(
            insert(Expenditure).values(
                voucher_no="E1",
                budget_line_id=line,
                spent_on=date(2026, 10, 12),
                amount=Decimal("0.10"),
                payee="打印走访表",
            )
        )
        meeting = conn.execute(
            insert(JointMeeting)
            .values(code="M1", held_on=date(2026, 10, 28), title="联席会议", status="held")
            .returning(JointMeeting.id)
        ).scalar_one()
        d01, d02 = (
            conn.scalar(select(Department.id).where(Department.code == code))
            for code in ("D01", "D02")
        )
        conn.execute(insert(MeetingAttendee).values(meeting_id=meeting, dept_id=d01))
        item = conn.execute(
            insert(AgendaItem)
            .values(
                meeting_id=meeting,
                title="议题",
                reasons="escalated,cluster",
                status="decided",
                lead_dept_id=d01,
                measures="决定",
                due_on=date(2026, 11, 10),
                created_at=at(2026, 10, 22),
                accepted_at=at(2026, 10, 23),
                decided_at=at(2026, 10, 28, 15),
            )
            .returning(AgendaItem.id)
        ).scalar_one()
        conn.execute(insert(AgendaItemCase).values(item_id=item, case_id=later))
        conn.execute(insert(AgendaItemDept).values(item_id=item, dept_id=d02))
        conn.execute(
            insert(AgendaNote).values(
                item_id=item, at=at(2026, 10, 28, 15), actor="coord", kind="decide", text="决定"
            )
        )
        conn.execute(insert(Setting).values(key="wall_pin", value="2468"))
        append_audit(conn, "tester", "case.create", "case", "K1", {"n": 1}, at=at(2026, 10, 5))
        append_audit(conn, "tester", "case.close", "case", "K1", {"n": 2}, at=at(2026, 10, 8))


def _tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted by primary key (in Python: the engines collate text
    differently)."""
    out = {}
    with engine.connect() as conn:
        for table in bk.data_tables():  # not the kept KPI months (derived, recomputed)
            cols = list(table.columns)
            key = [cols.index(c) for c in table.primary_key.columns]
            rows = [tuple(r) for r in conn.execute(select(*cols))]
            out[table.name] = sorted(rows, key=lambda r: tuple(r[i] for i in key))
    return out


def _db_records(tables: dict[str, list[tuple[Any, ...]]]) -> list[tuple[str, str]]:
    """The (actor, action) of the audit rows of database-wide commands."""
    action = [c.name for c in AuditLog.__table__.columns].index("action")
    return [(r[action - 1], r[action]) for r in tables["audit_log"] if r[action].startswith("db.")]


def _business(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """``tables`` without the audit rows that record backups and restores themselves."""
    action = [c.name for c in AuditLog.__table__.columns].index("action")
    audit = [r for r in tables["audit_log"] if not r[action].startswith("db.")]
    return {**tables, "audit_log": audit}


def _kpis(engine: Engine) -> dict[str, Any]:
    return {p: compute_all_scopes(engine, p, AS_OF) for p in PERIODS}


def _backup_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    eng = bk._open_backup(path)
    try:
        return _tables(eng)
    finally:
        eng.dispose()


def _schema_url(db_url: str, suffix: str) -> str:
    """The URL of another schema beside the per-process PostgreSQL test schema."""
    schema = re.search(r"search_path%3D(\w+)", db_url)
    assert schema is not None, db_url
    return db_url.replace(schema[0], f"{schema[0]}{suffix}")


@pytest.fixture
def empty_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of the same engine with no schema at all (restore migrates it)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = _schema_url(db_url, "_restore")
    schema = url.split("search_path%3D")[1].split("&")[0]
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


# ------------------------------------------------------------------ round trips


def test_round_trip_gives_identical_tables_and_kpis(engine, empty_url, tmp_path):
    _fill(engine)
    tables, kpis = _tables(engine), _kpis(engine)
    assert all(tables[t] for t in ("cases", "visit", "resident", "audit_log", "household_month"))

    first = bk.backup(engine, tmp_path / "first.sqlite3")
    assert first.revision == head_revision()
    assert first.rows == {name: len(rows) for name, rows in tables.items()}
    assert _backup_tables(first.path) == tables  # the backup file is a product database
    info = bk.read_backup(first.path)
    assert info.rows == first.rows and info.source == engine.dialect.name

    target = make_engine(empty_url)
    try:
        report = bk.restore(first.path, target)
        assert report.rows == first.rows and report.replaced == {}
        assert current_revision(target) == head_revision()
        assert _tables(target) == tables
        assert _kpis(target) == kpis
        second = bk.backup(target, tmp_path / "second.sqlite3")
        assert _backup_tables(second.path) == _backup_tables(first.path)
        # new rows continue after the restored ids (PostgreSQL: the sequences were reset)
        top = max(r[0] for r in tables["household"])
        assert Builder(target).household("H9", "G01") == top + 1
    finally:
        target.dispose()


@pytest.mark.parametrize("db_url", [pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
def test_postgresql_backup_restores_into_sqlite(engine, tmp_path):
    _fill(engine)
    tables, kpis = _tables(engine), _kpis(engine)
    path = bk.backup(engine, tmp_path / "pg.sqlite3").path
    lite = make_engine(f"sqlite:///{tmp_path / 'lite.sqlite3'}")
    try:
        bk.restore(path, lite)
        assert _tables(lite) == tables
        assert _kpis(lite) == kpis
    finally:
        lite.dispose()


# ------------------------------------------------------------------ refusals


def test_restore_over_data_is_refused_unless_replacing(engine, tmp_path):
    _fill(engine)
    tables = _tables(engine)
    path = bk.backup(engine, tmp_path / "b.sqlite3").path
    with engine.begin() as conn:  # a change after the backup
        conn.execute(update(Household).where(Household.code == "H2").values(address="新地址"))
        append_audit(conn, "tester", "household.edit", "household", "H2", {})
    changed = _tables(engine)

    with pytest.raises(
        bk.BackupError,
        match=r"holds data \([\d,]+ rows: \w+ \d+, .*\): a backup is restored only into",
    ):
        bk.restore(path, engine)
    assert _tables(engine) == changed  # nothing written

    report = bk.restore(path, engine, replace=True)
    assert report.replaced["audit_log"] == 3 and report.replaced["household"] == 3
    assert _tables(engine) == tables
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(AuditLog.__table__.delete())  # the triggers are back


def test_backup_at_another_schema_is_refused(engine, tmp_path):
    _fill(engine)
    downgrade(engine, "-1")
    older = current_revision(engine)
    try:
        report = bk.backup(engine, tmp_path / "older.sqlite3")  # at the database's own schema
        assert report.revision == older != head_revision()
        assert report.rows["cases"] == 3 and report.rows["audit_log"] == 2
    finally:
        upgrade(engine)
    target = make_engine(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    try:
        message = f"at schema {older} and this program at {head_revision()}"
        with pytest.raises(bk.BackupError, match=re.escape(message)):
            bk.restore(report.path, target)
        assert current_revision(target) is None  # not even migrated
    finally:
        target.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_damaged_backup_restores_nothing(engine, empty_url, tmp_path):
    _fill(engine)
    path = bk.backup(engine, tmp_path / "b.sqlite3").path
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE backup_rows SET row_count = row_count + 1 WHERE table_name = 'visit'")
    target = make_engine(empty_url)
    try:
        with pytest.raises(bk.BackupError, match=r"incomplete or damaged.*visit 4 of 5"):
            bk.restore(path, target)
        assert bk.data_rows(target) == {}
        with target.connect() as conn:  # the reference rows are back too
            assert conn.scalar(select(func.count()).select_from(Setting)) == 2
    finally:
        target.dispose()
    with pytest.raises(bk.BackupError, match="not a backup made by `center db backup`"):
        bk.read_backup(engine.url.database)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_failed_backup_leaves_no_file(engine, tmp_path, monkeypatch):
    _fill(engine)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(bk.BackupError, match="does not exist"):
        bk.backup(engine, blocker / "b.sqlite3")

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(bk, "CHUNK", 2)  # every table of more than two rows reports progress
    calls = []

    def cancel(done: int, total: int, table: str) -> None:
        calls.append(table)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bk.backup(engine, out / "b.sqlite3", progress=cancel)
    assert list(out.iterdir()) == []

    (out / "other.txt").write_text("keep me")
    with pytest.raises(bk.BackupError, match="exists and is not a backup"):
        bk.backup(engine, out / "other.txt")
    assert (out / "other.txt").read_text() == "keep me"
    first = bk.backup(engine, out / "b.sqlite3")
    assert bk.backup(engine, first.path).rows == first.rows  # an older backup is replaced
    assert sorted(p.name for p in out.iterdir()) == ["b.sqlite3", "other.txt"]


# ------------------------------------------------------------------ the command line


def _backups(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "backups").glob("center-*.sqlite3"))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_backup_and_restore(engine, db_url, tmp_path, capsys, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("CENTER_DATA_DIR", str(data_dir))
    _fill(engine)
    tables = _tables(engine)
    path = tmp_path / "b.sqlite3"
    assert cli_main(["db", "backup", "--db", db_url, "-o", str(path)]) == 0
    assert f"backup written to {path}" in capsys.readouterr().out

    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert cli_main(["db", "restore", str(path), "--db", other]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "row counts match the backup" in out
    # the backup is the state before its own audit row; the restore is recorded in the
    # restored database after the data it brought back
    assert _db_records(_tables(engine)) == [(os_login(), "db.backup")]
    restored = create_engine(other)
    after = _tables(restored)
    assert _business(after) == tables
    assert _db_records(after) == [(os_login(), "db.restore")]
    restored.dispose()
    assert not (data_dir / "backups").exists()  # an empty database needs no backup

    assert cli_main(["db", "restore", str(path), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "holds data" in err and "add --yes" in err and len(err.strip().splitlines()) == 1
    assert cli_main(["db", "restore", str(path), "--db", db_url, "--yes"]) == 0
    (auto,) = _backups(data_dir)
    assert f"automatic backup before the restore: {auto}" in capsys.readouterr().out
    assert _business(_backup_tables(auto)) == tables

    assert cli_main(["db", "restore", str(tmp_path / "missing.sqlite3"), "--db", other]) == 2
    assert "no backup file" in capsys.readouterr().err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_downgrade_needs_yes_and_backs_up_first(engine, db_url, tmp_path, capsys, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("CENTER_DATA_DIR", str(data_dir))
    _fill(engine)
    assert cli_main(["db", "downgrade", "base", "--db", db_url]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert current_revision(engine) == head_revision() and not (data_dir / "backups").exists()

    assert cli_main(["db", "downgrade", "-1", "--db", db_url, "--yes"]) == 0
    (auto,) = _backups(data_dir)
    assert f"automatic backup before the downgrade to -1: {auto}" in capsys.readouterr().out
    assert bk.read_backup(auto).revision == head_revision()
    assert current_revision(engine) != head_revision()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_demo_replace_needs_yes_and_backs_up_first(
    engine, db_url, tmp_path, capsys, monkeypatch
):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("CENTER_DATA_DIR", str(data_dir))
    ctx = open_context(db_url)
    assert ctx.cipher  # the database records the key before any personal information
    ctx.close()
    _fill(engine)
    tables = _tables(engine)
    argv = ["demo", "--db", db_url, "--scale", "0.05", "--as-of", "2026-11-05T09:00", "--replace"]
    assert cli_main(argv) == 2
    assert "--replace deletes all business data" in capsys.readouterr().err
    assert _tables(engine) == tables and not (data_dir / "backups").exists()

    assert cli_main([*argv, "--yes"]) == 0
    (auto,) = _backups(data_dir)
    assert f"automatic backup before replacing the data with the demo street: {auto}" in (
        capsys.readouterr().out
    )
    assert _backup_tables(auto) == tables


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_database_wide_commands_need_an_admin_once_anyone_can_log_in(
    engine, db_url, tmp_path, capsys, monkeypatch
):
    """Once an account can log in, a backup, a restore over data and a downgrade name
    an admin who logs in; the audit row names that person."""
    from builders import TEST_PASSWORD, account

    monkeypatch.setenv("CENTER_DATA_DIR", str(tmp_path / "data"))
    _fill(engine)
    account(engine, "boss", "admin")
    account(engine, "li", "coordinator")
    path = tmp_path / "b.sqlite3"
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    assert cli_main(["db", "backup", "--db", db_url, "-o", str(path)]) == 2
    assert "needs a login" in capsys.readouterr().err and not path.exists()
    assert cli_main(["db", "backup", "--db", db_url, "-o", str(path), "--user", "li"]) == 2
    assert "may not manage database" in capsys.readouterr().err and not path.exists()
    assert cli_main(["db", "backup", "--db", db_url, "-o", str(path), "--user", "boss"]) == 0
    assert _db_records(_tables(engine)) == [("boss", "db.backup")]

    restore = ["db", "restore", str(path), "--db", db_url, "--yes"]
    assert cli_main([*restore, "--user", "li"]) == 2
    capsys.readouterr()
    assert cli_main([*restore, "--user", "boss"]) == 0
    # the restore replaced the audit log too (the backup predates its own record); the
    # automatic backup taken before it keeps the replaced log with both backups' records
    assert _db_records(_tables(engine)) == [("boss", "db.restore")]
    (auto,) = _backups(tmp_path / "data")
    assert _db_records(_backup_tables(auto)) == [("boss", "db.backup")]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_downgrade_and_a_demo_replace_name_the_admin(
    engine, db_url, tmp_path, capsys, monkeypatch
):
    """The audit rows of a downgrade and of replacing the data with the demo name the
    admin who logged in; the automatic backups taken first are recorded too."""
    from builders import TEST_PASSWORD, account

    monkeypatch.setenv("CENTER_DATA_DIR", str(tmp_path / "data"))
    ctx = open_context(db_url)
    assert ctx.cipher
    ctx.close()
    _fill(engine)
    account(engine, "boss", "admin")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    demo = ["demo", "--db", db_url, "--scale", "0.05", "--as-of", "2026-11-05T09:00"]
    assert cli_main([*demo, "--replace", "--yes"]) == 2  # nobody named
    assert "needs a login" in capsys.readouterr().err
    assert cli_main([*demo, "--replace", "--yes", "--user", "boss"]) == 0
    capsys.readouterr()
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.actor, AuditLog.action).where(
                AuditLog.action.in_(("db.backup", "demo.build"))
            )
        ).all()
    assert [tuple(r) for r in rows] == [("boss", "db.backup"), ("boss", "demo.build")]

    assert cli_main(["db", "downgrade", "0006", "--db", db_url, "--yes", "--user", "boss"]) == 0
    (_, second) = _backups(tmp_path / "data")
    # the backup before the downgrade holds the log up to the earlier backup's record
    assert _db_records(_backup_tables(second)) == [("boss", "db.backup")]
    with engine.connect() as conn:
        actions = [
            tuple(r)
            for r in conn.execute(
                select(AuditLog.actor, AuditLog.action).order_by(AuditLog.id.desc()).limit(2)
            )
        ]
    assert actions == [("boss", "db.downgrade"), ("boss", "db.backup")]
