"""The tamper-evident audit chain (spec/access.md § Audit): every audit row stores the
previous row's hash and the SHA-256 of that and its own content; `center audit verify`
names the first broken row; `center audit list` filters the rows."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from center.cli import main
from center.core.audit import append_audit, list_audit, verify_chain
from db.audit_chain import GENESIS, canonical_content, chain_hash
from db.engine import downgrade, transaction, upgrade, writer
from db.models import AuditLog
from db.types import CST


def at(d: int, h: int = 9, us: int = 0) -> datetime:
    return datetime(2026, 10, d, h, 0, 0, us, tzinfo=CST)


def write_rows(engine: Engine, n: int, actor: str = "alice", action: str = "case.note") -> None:
    for i in range(n):
        with transaction(engine) as s:
            append_audit(
                s,
                actor,
                action,
                "case",
                f"C{i:03d}",
                {"i": i, "at": at(1)},
                at=at(1 + i % 20, us=i),
            )


def ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(AuditLog.id).order_by(AuditLog.id)))


def tamper(engine: Engine, sql: str) -> None:
    """Run ``sql`` on audit_log as the table's owner, its append-only trigger off."""
    with writer(engine).begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
            conn.execute(text(sql))
            for verb in ("UPDATE", "DELETE"):
                conn.execute(
                    text(
                        f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                    )
                )
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def test_the_canonical_form_is_fixed():
    # a format commitment: changing it breaks every stored chain
    content = canonical_content(
        datetime(2026, 10, 1, 1, 0, 0, 5, tzinfo=UTC), "王磊", "case.note", "case", "C1", '{"a": 1}'
    )
    assert content == (
        '["2026-10-01T09:00:00.000005+08:00","王磊","case.note","case","C1","{\\"a\\": 1}"]'
    )
    assert chain_hash(GENESIS, content) == (
        "a3718d39efd8e9e2eba4ec6ab5ddbbf8e4992ce1ee8fa98aeeb658988c8d9646"
    )
    assert canonical_content(at(1), "a", "b", "c", None, None).endswith(',"c",null,null]')


def test_a_chain_of_writes_verifies(engine):
    assert verify_chain(engine).intact and verify_chain(engine).rows == 0
    write_rows(engine, 5)
    with Session(engine) as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert rows[0].prev_hash == GENESIS
    for before, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == before.row_hash
    last = rows[-1]
    content = canonical_content(
        last.at, last.actor, last.action, last.entity, last.entity_code, last.detail
    )
    assert content.startswith('["2026-10-05T09:00:00.000004+08:00","alice","case.note"')
    assert last.row_hash == chain_hash(last.prev_hash, content)
    report = verify_chain(engine)
    assert (report.intact, report.rows, report.head) == (True, 5, last.row_hash)


def test_several_rows_in_one_transaction_chain(engine):
    with transaction(engine) as s:
        for i in range(3):
            append_audit(s, "bob", "import", "households", None, {"rows": i})
    with writer(engine).begin() as conn:
        append_audit(conn, "bob", "export", "households", None, {"rows": 9})
    assert verify_chain(engine).rows == 4 and verify_chain(engine).intact


def test_a_changed_row_is_named(engine):
    write_rows(engine, 6)
    third = ids(engine)[2]
    tamper(engine, f"UPDATE audit_log SET actor = 'mallory' WHERE id = {third}")
    report = verify_chain(engine)
    assert (report.intact, report.broken_id, report.kind, report.rows) == (
        False,
        third,
        "content",
        3,
    )
    assert f"row {third}" in (report.reason or "")


def test_a_changed_detail_with_a_recomputed_hash_breaks_the_next_link(engine):
    write_rows(engine, 4)
    second, third = ids(engine)[1:3]
    with Session(engine) as s:
        row = s.get_one(AuditLog, second)
    forged = chain_hash(
        row.prev_hash,
        canonical_content(row.at, row.actor, row.action, row.entity, row.entity_code, "{}"),
    )
    tamper(
        engine,
        f"UPDATE audit_log SET detail = '{{}}', row_hash = '{forged}' WHERE id = {second}",
    )
    report = verify_chain(engine)
    assert (report.broken_id, report.kind) == (third, "missing")


def test_a_deleted_row_is_caught(engine):
    write_rows(engine, 5)
    row_ids = ids(engine)
    tamper(engine, f"DELETE FROM audit_log WHERE id = {row_ids[1]}")
    report = verify_chain(engine)
    assert (report.intact, report.broken_id, report.kind) == (False, row_ids[2], "missing")
    assert f"after row {row_ids[0]}" in (report.reason or "")
    # the first row deleted: the chain no longer starts at the genesis
    tamper(engine, f"DELETE FROM audit_log WHERE id = {row_ids[0]}")
    report = verify_chain(engine)
    assert (report.broken_id, report.kind) == (row_ids[2], "missing")


def test_rows_swapped_break_the_link(engine):
    write_rows(engine, 4)
    a, b, c, _ = ids(engine)
    # row b re-inserted at the end: it follows row a, not the row before it
    tamper(
        engine,
        "INSERT INTO audit_log (at, actor, action, entity, entity_code, detail, prev_hash, "
        f"row_hash) SELECT at, actor, action, entity, entity_code, detail, prev_hash, row_hash "
        f"FROM audit_log WHERE id = {b}",
    )
    report = verify_chain(engine)
    assert report.kind == "link" and report.broken_id == max(ids(engine))
    assert f"follows row {a}" in (report.reason or "")


def test_concurrent_writers_keep_one_chain(engine):
    # two connections appending at once: PostgreSQL's advisory lock, SQLite's write lock
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(name: str) -> None:
        try:
            barrier.wait()
            for i in range(50):
                with transaction(engine) as s:
                    append_audit(s, name, "case.note", "case", f"{name}{i}", {"i": i})
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in ("t1", "t2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = verify_chain(engine)
    assert (report.intact, report.rows) == (True, 100)


def test_the_migration_chains_existing_rows(engine):
    downgrade(engine, "0005")
    with writer(engine).begin() as conn:
        cols = {c["name"] for c in inspect(conn).get_columns("audit_log")}
        assert "row_hash" not in cols
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_code, detail) "
                "VALUES (:at, :actor, 'case.note', 'case', :code, :detail)"
            ),
            [
                {
                    "at": datetime(2026, 10, 1 + i % 28, 9, 30, 0, i * 7),
                    "actor": "王磊" if i % 2 else "alice",
                    "code": None if i % 3 == 0 else f"C{i}",
                    "detail": None if i % 5 == 0 else json.dumps({"i": i}, ensure_ascii=False),
                }
                for i in range(300)
            ],
        )
    upgrade(engine)
    report = verify_chain(engine)
    assert (report.intact, report.rows) == (True, 300)
    # appended rows continue the backfilled chain; the table is append-only again
    write_rows(engine, 2)
    assert verify_chain(engine).rows == 302 and verify_chain(engine).intact
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'x'"))


def _seed_for_list(engine: Engine) -> None:
    with transaction(engine) as s:
        append_audit(s, "alice", "case.intake", "case", "C1", {"to": "received"}, at=at(1))
        append_audit(s, "bob", "case.assign", "case", "C1", {"dept": "D01"}, at=at(2))
        append_audit(s, "alice", "case.intake", "case", "C2", {"to": "received"}, at=at(3))
        append_audit(s, "bob", "export", "households", None, {"rows": 3}, at=at(4))
        append_audit(
            s, "王磊", "report.approve", "report_doc", "monthly:2026-10:all", {"id": 1}, at=at(5)
        )


def test_list_audit_filters(engine):
    _seed_for_list(engine)
    assert [e.entity_code for e in list_audit(engine, user="alice")] == ["C1", "C2"]
    assert [e.action for e in list_audit(engine, record="case:C1")] == [
        "case.intake",
        "case.assign",
    ]
    assert [e.action for e in list_audit(engine, action="case.*")] == [
        "case.intake",
        "case.assign",
        "case.intake",
    ]
    assert [e.actor for e in list_audit(engine, since=at(3, 9))] == ["alice", "bob", "王磊"]
    assert [e.actor for e in list_audit(engine, limit=2)] == ["bob", "王磊"]
    assert [e.entity_code for e in list_audit(engine, record="report_doc:monthly:2026-10:all")] == [
        "monthly:2026-10:all"
    ]
    assert list_audit(engine, user="alice", action="case.assign") == []


def test_cli_audit_list_json_filters(db_url, engine, capsys):
    _seed_for_list(engine)
    assert main(["audit", "list", "--db", db_url, "--user", "bob", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(o["action"], o["entity_code"], o["detail"]) for o in out] == [
        ("case.assign", "C1", {"dept": "D01"}),
        ("export", None, {"rows": 3}),
    ]
    assert set(out[0]) == {"id", "at", "actor", "action", "entity", "entity_code", "detail"}
    assert out[0]["at"] == "2026-10-02T09:00:00+08:00"
    argv = ["audit", "list", "--db", db_url, "--record", "case:C1", "--since", "2026-10-02"]
    assert main([*argv, "--json"]) == 0
    assert [o["actor"] for o in json.loads(capsys.readouterr().out)] == ["bob"]
    assert main(argv) == 0
    assert "case.assign  case:C1" in capsys.readouterr().out
    assert main(["audit", "list", "--db", db_url, "--since", "yesterday"]) == 2
    assert "--since" in capsys.readouterr().err
    assert main(["audit", "list", "--db", db_url, "--record", "case:"]) == 2


def test_cli_audit_verify_exit_codes(db_url, engine, capsys):
    write_rows(engine, 3)
    assert main(["audit", "verify", "--db", db_url]) == 0
    assert "audit chain intact: 3 rows" in capsys.readouterr().out
    second = ids(engine)[1]
    tamper(engine, f"UPDATE audit_log SET action = 'case.close' WHERE id = {second}")
    assert main(["audit", "verify", "--db", db_url]) == 1
    assert f"audit chain broken at row {second}" in capsys.readouterr().out


def test_reading_the_audit_log_needs_an_admin_or_assessor_once_anyone_can_log_in(
    db_url, engine, capsys, monkeypatch
):
    from builders import TEST_PASSWORD, account

    from center.cli import main

    account(engine, "li", "coordinator")
    account(engine, "zhao", "assessor")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("CENTER_USER", raising=False)
    assert main(["audit", "list", "--db", db_url, "--json"]) == 2
    assert "needs a login" in capsys.readouterr().err
    assert main(["audit", "verify", "--db", db_url, "--login", "li"]) == 2
    assert "may not read audit" in capsys.readouterr().err
    assert main(["audit", "verify", "--db", db_url, "--login", "zhao"]) == 0
    assert capsys.readouterr().out.startswith("audit chain intact")
    assert main(["audit", "list", "--db", db_url, "--json", "--login", "zhao"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["action"] for r in rows if r["actor"] == "zhao"][-1] == "auth.login"
