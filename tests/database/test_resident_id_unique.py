"""Migration 0013: one identity number per resident, enforced by a unique index; an
upgrade over residents that share a number refuses, names them and changes nothing."""

from __future__ import annotations

import pytest
from builders import Builder
from sqlalchemy import insert, inspect, update

from db.engine import current_revision, downgrade, head_revision, upgrade
from db.models import Resident


def _unique(engine) -> bool:
    (ix,) = [
        i
        for i in inspect(engine).get_indexes("resident")
        if i["name"] == "ix_resident_id_number_hash"
    ]
    return bool(ix["unique"])


def test_the_upgrade_refuses_residents_sharing_a_number_and_changes_nothing(engine):
    assert current_revision(engine) == head_revision() and _unique(engine)
    b = Builder(engine)
    b.household("H1")
    downgrade(engine, "0012")
    assert not _unique(engine)
    with engine.begin() as conn:
        for code, digest in (("R1", "a" * 64), ("R2", "a" * 64), ("R3", "b" * 64), ("R4", None)):
            conn.execute(
                insert(Resident).values(
                    code=code,
                    household_id=b.id("household", "H1"),
                    name_enc=b"x",
                    name_hash=code,
                    id_number_hash=digest,
                )
            )
    with pytest.raises(RuntimeError) as err:
        upgrade(engine)
    assert str(err.value) == (
        "1 identity numbers are recorded for more than one resident (R1/R2): one identity "
        "number names one person. Correct those residents' records (remove the number from "
        "the wrong one), then run the upgrade again; nothing was changed"
    )
    assert current_revision(engine) == "0012" and not _unique(engine)
    with engine.begin() as conn:
        conn.execute(update(Resident).where(Resident.code == "R2").values(id_number_hash=None))
    upgrade(engine)
    assert current_revision(engine) == head_revision() and _unique(engine)
