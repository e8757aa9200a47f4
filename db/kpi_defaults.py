"""The KPIs' default targets and directions (`spec/kpi.md`): what a new database is
seeded with. Plain data (no SQLAlchemy), so the KPI catalogue and the command line
can read it without loading the database layer."""

from __future__ import annotations

# key: (default target, higher is better)
DEFAULT_TARGETS: dict[str, tuple[float, bool]] = {
    "coverage": (0.95, True),
    "special_care": (1.00, True),
    "response_24h": (0.90, True),
    "avg_response_hours": (24.0, False),
    "dept_start_2h": (0.95, True),
    "closure_15wd": (0.90, True),
    "repeat_rate": (0.10, False),
    "second_complaint_rate": (0.05, False),
    "on_the_spot_rate": (0.60, True),
    "satisfaction": (0.85, True),
    "proactive_share": (0.30, True),
    "entry_lag_hours": (24.0, False),
    # spec/insight.md: the priority clocks (not part of the assessment weights)
    "priority_on_time": (0.95, True),
}
