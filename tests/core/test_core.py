"""The shared core: one transaction and its change signal, the role check, the
error hierarchy the CLI reports, and the KPI catalogue the readers share."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from center.cli import main
from center.core.access import Actor, require_role
from center.core.errors import InvalidInput, PermissionDenied
from center.core.kpis import BY_KEY, HOUR_KPIS, KPI_KEYS
from center.core.tx import transaction
from db.changes import counters
from db.models import Setting


def test_transaction_signals_its_changes_on_commit(engine):
    with engine.connect() as conn:
        before = counters(conn)
    with transaction(engine, changes=("cases", "visits")) as s:
        s.add(Setting(key="t.commit", value="1"))
    with engine.connect() as conn:
        after = counters(conn)
        assert conn.scalar(select(Setting.value).where(Setting.key == "t.commit")) == "1"
    assert after["cases"] == before["cases"] + 1
    assert after["visits"] == before["visits"] + 1
    assert after["budget"] == before["budget"]


def test_transaction_that_fails_writes_and_signals_nothing(engine):
    with engine.connect() as conn:
        before = counters(conn)
    with pytest.raises(InvalidInput), transaction(engine, changes=("cases",)) as s:
        s.add(Setting(key="t.rollback", value="1"))
        s.flush()
        raise InvalidInput("summary", "empty")
    with engine.connect() as conn:
        assert counters(conn) == before
        assert conn.scalar(select(Setting.value).where(Setting.key == "t.rollback")) is None


class _Case:
    def __init__(self, dept_id: int | None) -> None:
        self.dept_id = dept_id


def test_role_check_refuses_with_the_reason():
    coordinator = Actor("li", "coordinator")
    dept = Actor("wang", "department", dept_id=3, dept_code="D03")
    require_role(coordinator, "assign")
    require_role(dept, "accept", _Case(3))
    with pytest.raises(PermissionDenied, match="may not assign"):
        require_role(dept, "assign")
    with pytest.raises(PermissionDenied, match="not assigned to your department") as err:
        require_role(dept, "accept", _Case(4))
    assert err.value.action == "accept" and err.value.actor is dept
    with pytest.raises(PermissionDenied):
        require_role(Actor("x", "leader"), "reveal_pii")


def test_cli_prints_a_user_error_as_one_line(capsys):
    assert main(["kpi", "--db", "sqlite://", "--period", "2026-13", "--scope", "street"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("center: error: --period") and err.count("\n") == 1


def test_targets_list_follows_the_catalogue(db_url, capsys):
    """A new database lists every KPI of the catalogue, in its order, with its default
    target and direction."""
    assert main(["targets", "list", "--db", db_url, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in rows] == list(KPI_KEYS)
    for r in rows:
        kpi = BY_KEY[r["key"]]
        assert (r["value"], r["higher_is_better"]) == (kpi.default_target, kpi.higher_is_better)
    assert {r["key"] for r in rows if not r["higher_is_better"]} >= set(HOUR_KPIS)


def test_the_database_accepts_exactly_the_statuses_and_priorities_the_code_names(engine):
    """A status or priority the vocabulary names is never refused by the database's CHECK
    constraints, and a value it does not name is."""
    from builders import Builder, at
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from center.core.vocab import CaseStatus, Priority
    from db.models import Case

    b = Builder(engine)
    b.grid("G01")
    b.household("H1", "G01")
    case_id = b.case("H1", at(2026, 10, 1, 9))
    values = [("status", s.value) for s in CaseStatus] + [("priority", p.value) for p in Priority]
    for column, value in values:
        with engine.begin() as conn:
            conn.execute(update(Case).where(Case.id == case_id).values({column: value}))
    for column in ("status", "priority"):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(update(Case).where(Case.id == case_id).values({column: "unheard_of"}))
