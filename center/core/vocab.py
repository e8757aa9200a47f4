"""The product's vocabulary: case statuses and priorities, scopes and grades.

The database stores these as plain strings (``db.models`` keeps the tuples its
CHECK constraints use; tests/core/test_core.py keeps the two in step); the enums
here are the names code uses. Sets of statuses are frozensets of plain strings, so
they bind as text in any SQL driver. Standard library only: the command line builds
its choices from here without loading the database layer.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    CONFIRMED = "confirmed"
    RATED = "rated"
    SPOT_CHECKED = "spot_checked"
    ESCALATED = "escalated"
    NOT_OUR_REMIT = "not_our_remit"
    NO_ACTION_NEEDED = "no_action_needed"


class Priority(StrEnum):
    IMMEDIATE = "immediate"
    H24 = "24h"
    WD3 = "3wd"


def statuses(*members: CaseStatus) -> frozenset[str]:
    """A set of statuses as plain strings (what the database stores and SQL binds)."""
    return frozenset(m.value for m in members)


#: a case someone still has to act on
OPEN_STATUSES = statuses(
    CaseStatus.RECEIVED, CaseStatus.ASSIGNED, CaseStatus.ACCEPTED, CaseStatus.ESCALATED
)
#: a case that is closed, with or without having been handled (reopen starts from here)
CLOSED_STATUSES = statuses(
    CaseStatus.RESOLVED,
    CaseStatus.CONFIRMED,
    CaseStatus.RATED,
    CaseStatus.SPOT_CHECKED,
    CaseStatus.NOT_OUR_REMIT,
    CaseStatus.NO_ACTION_NEEDED,
)
#: closed without being handled here (not our remit, nothing to do)
DISMISSED_STATUSES = statuses(CaseStatus.NOT_OUR_REMIT, CaseStatus.NO_ACTION_NEEDED)
#: closed after a department handled it (spot checks draw from these)
HANDLED_STATUSES = statuses(CaseStatus.RESOLVED, CaseStatus.CONFIRMED, CaseStatus.RATED)

#: units a KPI is computed for, and their names in reports and the CLI
SCOPES: tuple[str, ...] = ("street", "community", "grid", "department")
#: units that are assessed (scored and graded)
ASSESS_SCOPES: tuple[str, ...] = ("grid", "community", "department")
SCOPE_NAMES: dict[str, str] = {
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "department": "部门",
    "all": "全部",
}
#: assessment grades, best first
GRADE_NAMES: dict[str, str] = {
    "excellent": "优秀",
    "good": "良好",
    "pass": "合格",
    "fail": "不合格",
}

#: the interchange kinds of `spec/interchange.md`, in import order
INTERCHANGE_KINDS: tuple[str, ...] = (
    "grids",
    "departments",
    "staff",
    "households",
    "residents",
    "visits",
    "cases",
)
#: the PDF reports and the scopes of the quarterly scorecards
REPORT_KINDS: tuple[str, ...] = ("monthly", "quarterly", "annual")
#: the documents of a joint meeting, numbered like the reports (period: the meeting code)
MEETING_REPORT_KINDS: tuple[str, ...] = ("minutes", "agenda")
QUARTER_SCOPES: tuple[str, ...] = (*ASSESS_SCOPES, "all")

#: the eight roles of `spec/access.md` (db.models.USER_ROLES checks them in the
#: database; a user holds one or more)
USER_ROLES: tuple[str, ...] = (
    "leader",
    "coordinator",
    "department",
    "grid_worker",
    "assessor",
    "finance",
    "admin",
    "wall",
)
