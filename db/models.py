"""The whole product's data model (SQLAlchemy 2.x typed ORM).

Later work adds behaviour and, where the database must serialise writers, small tables
(``case_counter``, migration 0012: case numbers from a per-day counter row). Conventions:

* every business row has a stable ``code`` (the key of `interchange.md`);
* instants are :class:`db.types.LocalDateTime` (aware in Python, +08:00);
* personal information (resident name, ID number, phone) is stored encrypted
  (``*_enc``, AES-GCM) with a keyed hash (``*_hash``, HMAC-SHA256) for exact look-ups;
* columns named ``eff_*``, ``*_due_at`` and ``deadline_at`` are derived on write
  (see :mod:`center.kpi.derive`) so KPI SQL compares columns, never computes dates.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import LocalDateTime, Money

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Enumerations are plain strings checked by the services and by CHECK constraints.
STAFF_ROLES = ("grid_worker", "building_leader", "community_worker", "volunteer", "professional")
VISIT_OUTCOMES = ("met", "not_home", "refused")
CASE_SOURCES = ("visit", "online", "hotline", "proactive")
PRIORITIES = ("immediate", "24h", "3wd")
SPECIAL_GROUPS = ("solo_elderly", "disabled", "child_in_difficulty", "low_income", "other")
CASE_STATUSES = (
    "received",
    "assigned",
    "accepted",
    "resolved",
    "confirmed",
    "rated",
    "spot_checked",
    "escalated",
    "not_our_remit",
    "no_action_needed",
)
# the eight roles of spec/access.md (a user holds one or more: ``user_role``)
USER_ROLES = (
    "leader",
    "coordinator",
    "department",
    "grid_worker",
    "assessor",
    "finance",
    "admin",
    "wall",
)
BUDGET_CATEGORIES = ("personnel", "activities", "equipment")
BUDGET_SOURCES = ("fiscal", "social_fund", "purchase_of_services")


def _in(col: str, values: tuple[str, ...]) -> str:
    return f"{col} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Street(Base):
    __tablename__ = "street"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Community(Base):
    __tablename__ = "community"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    grids: Mapped[list[Grid]] = relationship(back_populates="community")


class Grid(Base):
    __tablename__ = "grid"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON geometry (Polygon/MultiPolygon)
    community: Mapped[Community] = relationship(back_populates="grids")


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))


class Category(Base):
    __tablename__ = "category"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(
        String(20), unique=True
    )  # policy | life | dispute | emergency
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Subcategory(Base):
    __tablename__ = "subcategory"
    __table_args__ = (CheckConstraint(_in("default_priority", PRIORITIES), name="priority"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # P01 … E03
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80))
    default_priority: Mapped[str] = mapped_column(String(12))
    default_dept_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    category: Mapped[Category] = relationship()


class Household(Base):
    __tablename__ = "household"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    address: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    members: Mapped[int | None] = mapped_column(Integer)
    # canonical ';'-joined list in SPECIAL_GROUPS order; '' when none
    special_groups: Mapped[str] = mapped_column(String(120), default="")
    is_special: Mapped[bool] = mapped_column(
        Boolean, default=False
    )  # derived: special_groups != ''
    is_floating: Mapped[bool | None] = mapped_column(Boolean)
    moved_out_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    # the profile edited in the workstation (migration 0011, center.visits.profile):
    # free-text notes about the household (never an identity or phone number), the last
    # confirmation or edit of the profile by its grid's worker or a coordinator, and the
    # row version every profile write checks and bumps (optimistic locking)
    notes: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    verified_by: Mapped[str | None] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # covering: the cadence statements count households by these columns
    __table_args__ = (Index("ix_household_grid_special", "grid_id", "is_special", "moved_out_on"),)


class Resident(Base):
    __tablename__ = "resident"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    name_hash: Mapped[str] = mapped_column(String(64), index=True)
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # one identity number per resident (0013)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))  # M | F
    tags: Mapped[str | None] = mapped_column(String(200))


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Visit(Base):
    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(_in("outcome", VISIT_OUTCOMES), name="outcome"),
        Index("ix_visit_household_at", "household_id", "visited_at"),
        # covering: the entry-lag median reads each grid's range of a period
        Index("ix_visit_at", "grid_id", "visited_at", "lag_hours"),
        # covering, met-visits only, in grid order: the budget's value for money counts
        # them per grid without sorting
        # (migration 0009; the query must spell the condition as this literal)
        Index(
            "ix_visit_met",
            "grid_id",
            "visited_at",
            "outcome",
            sqlite_where=text("outcome = 'met'"),
            postgresql_where=text("outcome = 'met'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    # derived: the household's grid (migration 0002: bulk writers set it, triggers fill
    # it when left NULL and follow household and grid changes)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(LocalDateTime)
    outcome: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(LocalDateTime)
    recorded_is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    lag_hours: Mapped[float] = mapped_column(Float)  # derived: recorded_at - visited_at
    notes: Mapped[str | None] = mapped_column(Text)


class HouseholdMonth(Base):
    """Per household and calendar month: the first and second met-visit instants.

    Maintained on every visit write. With these two instants the cadence of any
    period is exact for any as-of T (a month has >= 2 met-visits by T exactly when
    ``second_met_at <= T``; >= 1 when ``first_met_at <= T``).
    """

    __tablename__ = "household_month"
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    ym: Mapped[int] = mapped_column(Integer, primary_key=True)  # year*100 + month
    first_met_at: Mapped[datetime] = mapped_column(LocalDateTime)
    second_met_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    __table_args__ = (  # covering: cadence reads only these columns
        Index("ix_household_month_ym", "ym", "household_id", "first_met_at", "second_met_at"),
    )


class HouseholdQuarter(Base):
    """Per household and calendar quarter, from its ``household_month`` rows: the first
    met-visit instant in the quarter, each month's second met-visit instant, and the
    instant by which every month of the quarter had two met-visits (the latest of the
    three; NULL when a month never had two).

    Rebuilt with ``household_month``. The cadence of a quarter or of one of its months
    by T is then one probe per household: quarter, ordinary ``first_met_at <= T`` and
    special ``special_done_at <= T``; its k-th month, ordinary ``first_met_at <= T``
    and before the next month (quarter to date), special ``second_met_k <= T``.
    """

    __tablename__ = "household_quarter"
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    yq: Mapped[int] = mapped_column(Integer, primary_key=True)  # year*10 + quarter
    first_met_at: Mapped[datetime] = mapped_column(LocalDateTime)
    second_met_1: Mapped[datetime | None] = mapped_column(LocalDateTime)
    second_met_2: Mapped[datetime | None] = mapped_column(LocalDateTime)
    second_met_3: Mapped[datetime | None] = mapped_column(LocalDateTime)
    special_done_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    __table_args__ = (
        # SQLite keeps the table in primary-key order (WITHOUT ROWID): the cadence
        # statement's probe per household reads the row by key, whether or not the
        # planner has statistics. PostgreSQL reads a period's rows from this covering
        # index (an index-only scan of one quarter, hashed against the households);
        # SQLite has no use for it
        Index(
            "ix_household_quarter_yq",
            "yq",
            "household_id",
            "first_met_at",
            "second_met_1",
            "second_met_2",
            "second_met_3",
            "special_done_at",
        ).ddl_if(dialect="postgresql"),
        {"sqlite_with_rowid": False},
    )


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("source", CASE_SOURCES), name="source"),
        CheckConstraint(_in("priority", PRIORITIES), name="priority"),
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="rating"),
        # covering: the received-cases KPI statement reads only these columns
        Index(
            "ix_case_received",
            "received_at",
            "grid_id",
            "assigned_at",
            "dept_id",
            "is_repeat",
            "source",
            "on_the_spot",
            "eff_response_at",
            "response_due_at",
            "accepted_at",
            "accept_due_at",
            "eff_closed_at",
            "deadline_at",
            "response_micros",
        ),
        # covering: the closed-cases KPI statement reads only these columns
        Index(
            "ix_case_eff_closed",
            "eff_closed_at",
            "received_at",
            "grid_id",
            "assigned_at",
            "dept_id",
            "satisfaction",
        ),
        # covering, in grid order: the budget's value for money counts the cases closed
        # per grid without sorting (migration 0009)
        Index("ix_case_grid_closed", "grid_id", "eff_closed_at", "received_at"),
        #: the joint meeting's cluster rule (center.office.meetings)
        Index("ix_case_grid_sub_received", "grid_id", "subcategory_id", "received_at"),
        Index("ix_case_household_sub", "household_id", "subcategory_id", "received_at"),
        Index("ix_case_dept_assigned", "dept_id", "assigned_at"),
        Index("ix_case_status", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    # derived: the household's grid (migration 0003, kept like ``visit.grid_id``)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    source: Mapped[str] = mapped_column(String(12))
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("subcategory.id"))
    priority: Mapped[str] = mapped_column(String(12))
    priority_is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(LocalDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    dept_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    rated_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    spot_checked_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    spot_check_ok: Mapped[bool | None] = mapped_column(Boolean)
    on_the_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    on_the_spot_given: Mapped[bool] = mapped_column(Boolean, default=False)  # column had a value
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    reopened_from_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # the coordinator's link to the case this one repeats
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_given: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    summary: Mapped[str | None] = mapped_column(Text)
    address_note: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="received")
    status_reason: Mapped[str | None] = mapped_column(Text)
    # derived on write (center.kpi.derive)
    eff_response_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    eff_closed_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    response_due_at: Mapped[datetime] = mapped_column(LocalDateTime)  # received + 24 h
    accept_due_at: Mapped[datetime | None] = mapped_column(LocalDateTime)  # assigned + 2 h
    deadline_at: Mapped[datetime] = mapped_column(LocalDateTime)  # 15 working days
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    # eff_response_at - received_at in whole microseconds (NULL while unanswered)
    response_micros: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it


class CaseEvent(Base):
    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(LocalDateTime)
    actor: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(30))
    #: the department an ``assign`` event routed the case to
    dept_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class CaseCounter(Base):
    """The last case number handed out per day (``K<yyyymmdd><nnnn>``, migration 0012).

    ``center.cases.lifecycle.next_case_code`` raises it with one upsert whose row lock
    (PostgreSQL) or write lock (SQLite) serialises concurrent intakes, so two
    workstations can never both compute the same "highest + 1". Cases that arrive
    with their code (imports, the demo street) do not touch it: the next number is
    also at least one above the highest code already stored that day."""

    __tablename__ = "case_counter"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


MEETING_STATUSES = ("planned", "held", "minutes_approved")
ITEM_STATUSES = ("proposed", "on_agenda", "decided", "in_execution", "done", "dropped")
ITEM_KINDS = ("case", "cluster", "topic")


class JointMeeting(Base):
    """A joint meeting (联席会议, spec/office.md): planned → held → minutes_approved."""

    __tablename__ = "joint_meeting"
    __table_args__ = (CheckConstraint(_in("status", MEETING_STATUSES), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[str | None] = mapped_column(String(5))  # HH:MM
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(100))
    chair: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    minutes: Mapped[str | None] = mapped_column(Text)
    held_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    created_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it


class MeetingAttendee(Base):
    """A department that attended (or is invited to) a meeting."""

    __tablename__ = "meeting_attendee"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("joint_meeting.id"), primary_key=True)
    dept_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)


class AgendaItem(Base):
    """An item of the joint-meeting board: a proposal (its id allocated when first
    shown, ``proposal_key`` naming what it proposes for which meeting), an accepted
    agenda item, or a topic added by hand; see center.office.meetings."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        CheckConstraint(_in("status", ITEM_STATUSES), name="status"),
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind"),
        Index("ix_agenda_item_status", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("joint_meeting.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="case")
    #: "case:<id>@<meeting id or 0>" or "cluster:<grid id>:<subcategory id>@…" while the
    #: item is a proposal or was dropped as one; NULL once accepted or added by hand
    proposal_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    subcategory_id: Mapped[int | None] = mapped_column(ForeignKey("subcategory.id"))
    title: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[str | None] = mapped_column(String(60))  # comma-separated
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    lead_dept_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    measures: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    drop_reason: Mapped[str | None] = mapped_column(Text)
    closing_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(LocalDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it


class AgendaItemCase(Base):
    """A case linked to an agenda item (one for a case item, several for a cluster)."""

    __tablename__ = "agenda_item_case"
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)


class AgendaItemDept(Base):
    """A co-operating department of a decided item (the lead is on the item)."""

    __tablename__ = "agenda_item_dept"
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), primary_key=True)
    dept_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)


class AgendaNote(Base):
    """An item's history: accept, drop, decision, ack, progress notes, closing."""

    __tablename__ = "agenda_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    at: Mapped[datetime] = mapped_column(LocalDateTime)
    actor: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)


class BudgetLine(Base):
    """A funding line: money granted for one year, category and source
    (`spec/office.md` "Budget"). Never deleted: a wrong line is corrected or voided
    with a reason (``voided_at``); a voided line counts nowhere."""

    __tablename__ = "budget_line"
    __table_args__ = (
        CheckConstraint(_in("category", BUDGET_CATEGORIES), name="category"),
        CheckConstraint(_in("source", BUDGET_SOURCES), name="source"),
        CheckConstraint("amount > 0", name="amount"),
        Index("ix_budget_line_year", "year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    line_code: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(24))
    amount: Mapped[Decimal] = mapped_column(Money)
    granted_on: Mapped[date | None] = mapped_column(Date)
    document: Mapped[str | None] = mapped_column(String(200))  # the grant's document number
    note: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    voided_by: Mapped[str | None] = mapped_column(String(60))
    void_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it


class Expenditure(Base):
    """A payment booked against a funding line; ``community_id`` when the money went
    to one community. Never deleted: corrected or voided with a reason."""

    __tablename__ = "expenditure"
    __table_args__ = (CheckConstraint("amount > 0", name="amount"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_no: Mapped[str] = mapped_column(String(40), unique=True)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_line.id"), index=True)
    spent_on: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    payee: Mapped[str] = mapped_column(String(200))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(60))
    voided_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    voided_by: Mapped[str | None] = mapped_column(String(60))
    void_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it


class KpiTarget(Base):
    __tablename__ = "kpi_target"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime | None] = mapped_column(LocalDateTime)


class HolidayOverride(Base):
    __tablename__ = "holiday_override"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(50))


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AppUser(Base):
    """An account (center.accounts): its roles are the ``user_role`` rows; a
    ``department`` user has ``dept_id``, a ``grid_worker`` ``grid_id``."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    dept_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    # argon2id encoded hash; NULL: no password yet (the account cannot log in)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # in a row
    locked_until: Mapped[datetime | None] = mapped_column(LocalDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class ReportDoc(Base):
    """A generated report: draft, then approved with a final document number."""

    __tablename__ = "report_doc"
    __table_args__ = (UniqueConstraint("kind", "period", "scope", name="kind_period_scope"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # monthly | quarterly | annual
    period: Mapped[str] = mapped_column(String(20))  # a meeting's code for minutes/agenda
    scope: Mapped[str] = mapped_column(String(20), default="all")
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | approved
    doc_number: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(LocalDateTime)
    created_by: Mapped[str] = mapped_column(String(60))
    approved_at: Mapped[datetime | None] = mapped_column(LocalDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(60))
    # why an admin approved it before its period ended (free text: never in the audit)
    override_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it


class AuditLog(Base):
    """Append-only: UPDATE and DELETE are refused by triggers (see the migration), and
    hash-chained (written only by center.core.audit.append_audit)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(LocalDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_code: Mapped[str | None] = mapped_column(String(60))
    detail: Mapped[str | None] = mapped_column(Text)  # JSON, never personal information
    # the tamper-evident chain (db.audit_chain): the previous row's row_hash and
    # SHA-256 of that and this row's content
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class ChangeCounter(Base):
    """One row per data domain, bumped by every write; readers poll it (and PG NOTIFY)."""

    __tablename__ = "change_counter"
    domain: Mapped[str] = mapped_column(String(20), primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(LocalDateTime)


class KpiMonthState(Base):
    """The versions of one calendar month's KPI rows (migration 0014, :mod:`db.kpi_summary`).

    Database triggers add 1 to a month's ``cases_version`` whenever a case received or
    closed in it changes (or one reopening a case closed in it), and to its
    ``visits_version`` whenever a visit made in it, or a ``household_month`` /
    ``household_quarter`` row of it or of an earlier month of its quarter, changes.
    ``ym`` 0 is the street's: holiday overrides (the transfer clocks) bump its cases
    version; households (grid, special, moved out) and grids (community) its visits
    version. A month has a row only once a KPI refresh asked for it
    (:func:`db.kpi_summary.ensure_months`): a write to a month without one has
    nothing to bump."""

    __tablename__ = "kpi_month_state"
    ym: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cases_version: Mapped[int] = mapped_column(BigInteger, default=0)
    visits_version: Mapped[int] = mapped_column(BigInteger, default=0)


class KpiMonthSummary(Base):
    """One finished month's KPI counters, kept so that a quarter, a year or a twelve-month
    trend adds months instead of reading them again (:mod:`db.kpi_summary`).

    ``part`` ``cases``: the counters of the cases received and closed in the month, per
    grid and per department; ``visits``: the month's visit cadence per grid and its
    entry-lag medians; ``lags``: its entry lags per grid; ``qfail`` (the last month of
    a quarter): the ids of the households failing the whole quarter's cadence. Valid
    while the month's and the street's versions are those recorded here and for an
    evaluation instant in ``[valid_from, valid_until)`` (no clock of the month's rows
    passes in between; NULL: no end)."""

    __tablename__ = "kpi_month_summary"
    ym: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    part: Mapped[str] = mapped_column(String(10), primary_key=True)
    layout: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(BigInteger)
    street_version: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[datetime] = mapped_column(LocalDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(LocalDateTime)
    computed_at: Mapped[datetime] = mapped_column(LocalDateTime)
    payload: Mapped[str] = mapped_column(Text)
