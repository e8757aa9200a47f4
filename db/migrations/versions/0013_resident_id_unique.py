"""resident.id_number_hash unique: one identity number per resident

An identity number names one person. Imports refuse a number that another resident
already has (issue 19), and the household profile refuses it when a member is added;
the unique index makes the database itself refuse a second resident with the same
number (the number is stored encrypted; its keyed look-up hash is what is compared;
residents without a number stay allowed, NULLs are distinct on both engines).

A database that already holds two residents with one number cannot take the index:
the upgrade refuses, naming the residents, and changes nothing (correct the records,
then upgrade again).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEX = "ix_resident_id_number_hash"
#: residents named in a refusal (the rest are counted)
SHOWN = 20


def upgrade() -> None:
    conn = op.get_bind()
    dup = conn.execute(
        sa.text(
            "SELECT r.code, r.id_number_hash FROM resident r WHERE r.id_number_hash IN ("
            " SELECT id_number_hash FROM resident WHERE id_number_hash IS NOT NULL"
            " GROUP BY id_number_hash HAVING COUNT(*) > 1)"
            " ORDER BY r.id_number_hash, r.code"
        )
    ).all()
    if dup:
        groups: dict[str, list[str]] = {}
        for code, digest in dup:
            groups.setdefault(digest, []).append(code)
        sets = ["/".join(codes) for codes in groups.values()]
        more = f" and {len(sets) - SHOWN} more" if len(sets) > SHOWN else ""
        raise RuntimeError(
            f"{len(sets)} identity numbers are recorded for more than one resident "
            f"({'; '.join(sets[:SHOWN])}{more}): one identity number names one person. "
            "Correct those residents' records (remove the number from the wrong one), "
            "then run the upgrade again; nothing was changed"
        )
    op.drop_index(INDEX, table_name="resident")
    op.create_index(INDEX, "resident", ["id_number_hash"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="resident")
    op.create_index(INDEX, "resident", ["id_number_hash"], unique=False)
