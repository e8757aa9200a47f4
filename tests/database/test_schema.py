"""Migrations, model round trips, reference data, append-only audit log."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from db.engine import current_revision, downgrade, head_revision, transaction, upgrade
from db.models import (
    BudgetLine,
    Case,
    Category,
    Community,
    Department,
    Grid,
    Household,
    KpiTarget,
    Street,
    Subcategory,
)
from db.types import CST


def test_reference_data_seeded(engine):
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(Department)) == 12
        assert c.scalar(select(func.count()).select_from(Category)) == 4
        assert c.scalar(select(func.count()).select_from(Subcategory)) == 20
        e03 = c.execute(
            select(Subcategory.default_priority, Department.code)
            .join(Department, Department.id == Subcategory.default_dept_id)
            .where(Subcategory.code == "E03")
        ).one()
        assert tuple(e03) == ("immediate", "D02")
        assert c.scalar(select(KpiTarget.value).where(KpiTarget.key == "coverage")) == 0.95


def test_downgrade_to_base_and_up_again(engine):
    assert current_revision(engine) == head_revision()
    downgrade(engine, "base")
    assert current_revision(engine) is None
    left = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert left == set()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(Subcategory)) == 20


def _alembic_revision(engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_head_revision_without_alembic_is_alembics():
    from alembic.script import ScriptDirectory

    from db.engine import alembic_config, make_engine

    scripts = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert head_revision() == scripts.get_current_head()


def test_current_revision_without_alembic_is_alembics(engine):
    assert current_revision(engine) == _alembic_revision(engine) == head_revision()
    downgrade(engine, "0002")
    assert current_revision(engine) == _alembic_revision(engine) == "0002"
    upgrade(engine)
    assert current_revision(engine) == _alembic_revision(engine) == head_revision()


def test_current_revision_of_an_empty_database(tmp_path):
    from db.engine import make_engine

    eng = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert current_revision(eng) is None
    eng.dispose()


def _street_with_household(s):
    st = Street(name="测试街道")
    s.add(st)
    s.flush()
    com = Community(code="C01", name="一社区", street_id=st.id)
    s.add(com)
    s.flush()
    g = Grid(code="G01", name="一网格", community_id=com.id, geometry='{"type":"Polygon"}')
    s.add(g)
    s.flush()
    h = Household(
        code="H1", grid_id=g.id, address="1号楼101", special_groups="solo_elderly", is_special=True
    )
    s.add(h)
    s.flush()
    return h


def test_round_trip_aware_datetimes_and_money(engine):
    received = datetime(2026, 10, 1, 9, 30, 15, 123456, tzinfo=CST)
    with transaction(engine) as s:
        h = _street_with_household(s)
        sub = s.scalar(select(Subcategory).where(Subcategory.code == "L01"))
        s.add(
            Case(
                code="K1",
                household_id=h.id,
                source="visit",
                subcategory_id=sub.id,
                priority="24h",
                received_at=received,
                response_due_at=received,
                deadline_at=received,
                status="received",
            )
        )
        s.add(
            BudgetLine(
                line_code="B1",
                year=2026,
                category="personnel",
                source="fiscal",
                amount=Decimal("12345.60"),
            )
        )
    with transaction(engine) as s:
        k = s.scalar(select(Case).where(Case.code == "K1"))
        assert k.received_at == received and k.received_at.utcoffset().total_seconds() == 8 * 3600
        assert k.version == 1
        assert s.scalar(select(BudgetLine.amount)) == Decimal("12345.60")


def test_check_constraint_refuses_unknown_source(engine):
    with pytest.raises(IntegrityError), transaction(engine) as s:
        h = _street_with_household(s)
        sub = s.scalar(select(Subcategory).where(Subcategory.code == "L01"))
        now = datetime(2026, 10, 1, tzinfo=CST)
        s.add(
            Case(
                code="K1",
                household_id=h.id,
                source="fax",
                subcategory_id=sub.id,
                priority="24h",
                received_at=now,
                response_due_at=now,
                deadline_at=now,
            )
        )


def test_audit_log_is_append_only(engine):
    from center.core.audit import append_audit

    with transaction(engine) as s:
        append_audit(s, "t", "x", "case", None, {}, at=datetime(2026, 10, 1, tzinfo=CST))
    for stmt in ("UPDATE audit_log SET actor = 'y'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
            c.execute(text(stmt))
    with engine.connect() as c:
        assert c.scalar(text("SELECT actor FROM audit_log")) == "t"


def test_household_dates(engine):
    with transaction(engine) as s:
        h = _street_with_household(s)
        h.moved_out_on = date(2026, 9, 30)
    with engine.connect() as c:
        assert c.scalar(select(Household.moved_out_on)) == date(2026, 9, 30)
