"""`center db downgrade base` on a database with data (issue 19).

On the demo street it ran for over 14 minutes: the downgrade of 0001 dropped the
indexes of ``cases`` before the table, and SQLite (foreign keys on) deletes a dropped
table's rows one by one, checking each row's self-references (``reopened_from_id``,
``repeat_of_id``) by a full scan once their indexes were gone: quadratic in the cases.
Tests never time anything: the SQLite work is counted in virtual-machine steps (a
progress handler), which must grow linearly with the cases.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from builders import Builder, at
from sqlalchemy import Engine, event, func, inspect, select

from center.cli import main as cli_main
from db import backup as bk
from db.engine import current_revision, downgrade, head_revision, make_engine, upgrade
from db.models import Base

T0 = at(2025, 9, 1, 8)
#: SQLite virtual-machine instructions per progress-handler call
VM_STEPS = 100


def _fill(engine: Engine, n: int) -> None:
    """``n`` cases of one household, every tenth reopened from the one before, a
    repeat of the first, and a visit per case."""
    b = Builder(engine)
    b.household("H1")
    b.staff("S001")
    rows: list[dict[str, Any]] = []
    for i in range(n):
        row: dict[str, Any] = {"household": "H1", "received_at": T0, "code": f"K{i:05d}"}
        if i % 10 == 9:
            row["reopened_from"] = f"K{i - 1:05d}"
        rows.append(row)
    b.cases(rows)
    b.visits(
        {"household": "H1", "visited_at": T0 + timedelta(minutes=i), "staff": "S001"}
        for i in range(n)
    )


def _downgrade_steps(template: Path, tmp_path: Path, n: int) -> int:
    """The SQLite VM instructions (in units of :data:`VM_STEPS`) of a downgrade from
    the newest schema to base of a database holding ``n`` cases."""
    path = tmp_path / f"{n}.sqlite3"
    path.write_bytes(template.read_bytes())
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    _fill(engine, n)
    engine.dispose()
    counted = make_engine(url)
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0  # go on

    @event.listens_for(counted, "connect")
    def _count(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.set_progress_handler(tick, VM_STEPS)

    try:
        downgrade(counted, "base")
        assert current_revision(counted) is None
        assert inspect(counted).get_table_names() == ["alembic_version"]
    finally:
        counted.dispose()
    return steps[0]


def test_a_downgrade_to_base_grows_linearly_with_the_cases(_sqlite_template, tmp_path):
    """From 100 to 200 to 400 cases the extra work doubles (linear); the quadratic
    drop of ``cases`` quadrupled it (100, 200, 400 cases: 375, 1323, 5019 steps)."""
    s100, s200, s400 = (_downgrade_steps(_sqlite_template, tmp_path, n) for n in (100, 200, 400))
    first, second = s200 - s100, s400 - s200
    assert 0 < first
    assert second <= 2.5 * first, (s100, s200, s400)


def _table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(
            conn.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        )


def test_cli_downgrade_to_base_of_a_database_with_data(
    engine, db_url, tmp_path, capsys, monkeypatch
):
    """Refused without --yes (nothing changes, no backup); with it an automatic backup
    of every row, then every table of the product goes, and an upgrade starts over."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("CENTER_DATA_DIR", str(data_dir))
    _fill(engine, 30)
    rows = _rows(engine)
    tables = _table_names(engine)
    assert {t.name for t in Base.metadata.sorted_tables} <= tables

    assert cli_main(["db", "downgrade", "base", "--db", db_url]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == (
        "center: error: downgrading to base drops the tables and columns of later "
        "revisions with their data: add --yes to go ahead (an automatic backup is taken first)"
    )
    assert current_revision(engine) == head_revision() and not data_dir.exists()
    assert _rows(engine) == rows

    try:
        assert cli_main(["db", "downgrade", "base", "--db", db_url, "--yes"]) == 0
        out, _ = capsys.readouterr()
        (auto,) = sorted((data_dir / "backups").glob("center-*.sqlite3"))
        assert out.splitlines() == [
            f"automatic backup before the downgrade to base: {auto} ({rows:,} rows); "
            f"`center db restore {auto} --db URL --yes` brings the data back",
            "database at revision base",
        ]
        assert bk.read_backup(auto).revision == head_revision()
        assert current_revision(engine) is None
        assert _table_names(engine) == {"alembic_version"}
        assert cli_main(["db", "current", "--db", db_url]) == 0
        assert capsys.readouterr().out == "base (empty)\n"
    finally:
        upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert _table_names(engine) == tables


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_downgrade_one_step_keeps_the_cases(engine):
    """Leaving 0012 drops only the counter table: cases and their codes stay, and the
    upgrade seeds the counter again from them."""
    _fill(engine, 12)
    downgrade(engine, "0011")
    assert current_revision(engine) == "0011"
    assert "case_counter" not in _table_names(engine)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Base.metadata.tables["cases"])) == 12
    upgrade(engine)
    assert current_revision(engine) == head_revision()
