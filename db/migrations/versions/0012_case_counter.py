"""case_counter: case numbers handed out by the database, one counter row per day

Case codes are ``K<yyyymmdd><nnnn>``. They were computed as "highest of the day + 1"
read in the writing transaction, so five workstations taking requests at once read the
same highest number and all but one failed on ``uq_cases_code`` (issue 19: 38 % of the
intakes after the retries on PostgreSQL). ``case_counter`` keeps the last number given
out per day; ``center.cases.lifecycle.next_case_code`` raises it with one upsert under
the row's lock. The upgrade seeds it from the codes already stored, so the numbering
of every day continues where it was.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import re
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: a case code of the product's numbering: ``K``, the day, then the day's number
CODE = re.compile(r"K(\d{4})(\d{2})(\d{2})(\d+)")
#: rows fetched per round trip while the codes are read
FETCH = 10_000


def seed_rows(codes: sa.engine.Result[tuple[str]]) -> list[dict[str, object]]:
    """One ``{day, last_number}`` per day: the highest number of the day's codes.
    Codes outside the numbering (``K1`` of an import, an impossible date) are skipped."""
    best: dict[date, int] = {}
    for part in codes.partitions(FETCH):
        for row in part:
            m = CODE.fullmatch(str(row[0]))
            if m is None:
                continue
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            number = int(m[4])
            if number > best.get(day, 0):
                best[day] = number
    return [{"day": d, "last_number": n} for d, n in sorted(best.items())]


def upgrade() -> None:
    table = op.create_table(
        "case_counter",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_case_counter")),
    )
    bind = op.get_bind()
    cases = sa.table("cases", sa.column("code", sa.String()))
    # LIKE, not a range up to "K:": a zh_CN or en_US collation sorts ":" before digits
    found = bind.execute(
        sa.select(cases.c.code).where(cases.c.code.like("K%")),
        execution_options={"yield_per": FETCH},
    )
    rows = seed_rows(found)
    if rows:
        bind.execute(sa.insert(table), rows)


def downgrade() -> None:
    op.drop_table("case_counter")
