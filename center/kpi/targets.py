"""KPI targets (`spec/kpi.md`): stored in ``kpi_target``, defaults seeded, admin-editable."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from center.core.access import Actor, require_role
from center.core.audit import append_audit
from center.core.clock import now as clock_now
from center.core.kpis import HOUR_KPIS, KPI_KEYS, KPI_NAMES
from center.core.tx import transaction
from db.kpi_queries import load_targets
from db.models import KpiTarget
from db.seed import DEFAULT_TARGETS


@dataclass(frozen=True)
class Target:
    key: str
    name: str  # Chinese KPI name
    value: float
    higher_is_better: bool
    updated_at: datetime | None

    @property
    def unit(self) -> str:
        return "hours" if self.key in HOUR_KPIS else "ratio"


def list_targets(engine: Engine) -> list[Target]:
    """The targets in catalogue order (`kpi.md`, then `insight.md`; a key missing from the
    table shows its default)."""
    with engine.connect() as conn:
        values = load_targets(conn)
        stamps = dict(conn.execute(select(KpiTarget.key, KpiTarget.updated_at)).all())
    return [
        Target(key, KPI_NAMES[key], values[key][0], values[key][1], stamps.get(key))
        for key in KPI_KEYS
    ]


def validate_target(key: str, value: float | str) -> float:
    """The value as a float, or ValueError saying what is wrong."""
    if key not in KPI_KEYS:
        raise ValueError(f"unknown KPI {key!r}: expected one of {', '.join(KPI_KEYS)}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"target for {key} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"target for {key} must be a finite number, not {value!r}")
    if key in HOUR_KPIS:
        if number <= 0:
            raise ValueError(f"target for {key} is in hours and must be greater than 0")
    elif not 0 <= number <= 1:
        raise ValueError(f"target for {key} is a ratio and must be between 0 and 1 (e.g. 0.95)")
    return number


def set_target(engine: Engine, key: str, value: float, actor: Actor) -> Target:
    """Change one target (an admin's; one transaction: the row, an audit entry, the
    change feed)."""
    require_role(actor, "set_target")
    number = validate_target(key, value)
    now = clock_now()
    with transaction(engine, changes=("targets",)) as s:
        row = s.get(KpiTarget, key)
        old = row.value if row is not None else None
        if row is None:
            row = KpiTarget(key=key, higher_is_better=DEFAULT_TARGETS[key][1])
            s.add(row)
        row.value = number
        row.updated_at = now
        append_audit(
            s, actor.name, "set_target", "kpi_target", key, {"old": old, "new": number}, at=now
        )
        higher = row.higher_is_better
    return Target(key, KPI_NAMES[key], number, higher, now)
