"""Migration 0009 (the budget ledger) carries existing funding lines and expenditures
up and back down, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Date, Engine, column, insert, select, table, text

from db.engine import downgrade, upgrade
from db.types import Money

OLD_LINE = table(
    "budget_line",
    column("id"),
    column("code"),
    column("year"),
    column("category"),
    column("source"),
    column("amount", Money()),
    column("granted_on", Date()),
    column("note"),
)
OLD_SPEND = table(
    "expenditure",
    column("id"),
    column("code"),
    column("budget_line_id"),
    column("spent_on", Date()),
    column("amount", Money()),
    column("description"),
    column("recorded_by"),
)


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_0009_carries_the_ledger_up_and_down(engine: Engine):
    downgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(
            insert(OLD_LINE),
            [
                {
                    "id": 1,
                    "code": "L1",
                    "year": 2026,
                    "category": "personnel",
                    "source": "purchase",
                    "amount": Decimal("1000.50"),
                    "granted_on": date(2026, 1, 5),
                    "note": "n",
                },
                {
                    "id": 2,
                    "code": "L2",
                    "year": 2026,
                    "category": "equipment",
                    "source": "fiscal",
                    "amount": Decimal("20.00"),
                    "granted_on": None,
                    "note": None,
                },
            ],
        )
        conn.execute(
            insert(OLD_SPEND),
            [
                {
                    "id": 1,
                    "code": "V1",
                    "budget_line_id": 1,
                    "spent_on": date(2026, 2, 1),
                    "amount": Decimal("12.34"),
                    "description": "网格员补贴",
                    "recorded_by": "x",
                }
            ],
        )
    upgrade(engine)
    with engine.connect() as conn:
        lines = conn.execute(
            text(
                "SELECT line_code, source, amount, document, version FROM budget_line "
                "ORDER BY line_code"
            )
        ).all()
        spends = conn.execute(
            text("SELECT voucher_no, payee, note, community_id, version FROM expenditure")
        ).all()
    assert [(r[0], r[1], Decimal(str(r[2])), r[3], r[4]) for r in lines] == [
        ("L1", "purchase_of_services", Decimal("1000.50"), None, 1),
        ("L2", "fiscal", Decimal("20.00"), None, 1),
    ]
    assert [tuple(r) for r in spends] == [("V1", "网格员补贴", "网格员补贴", None, 1)]
    downgrade(engine, "0008")
    with engine.connect() as conn:
        assert conn.execute(
            select(OLD_LINE.c.code, OLD_LINE.c.source).order_by(OLD_LINE.c.code)
        ).all() == [("L1", "purchase"), ("L2", "fiscal")]
        assert conn.execute(select(OLD_SPEND.c.code, OLD_SPEND.c.description)).all() == [
            ("V1", "网格员补贴")
        ]
    upgrade(engine)
