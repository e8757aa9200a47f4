"""Joint meetings run through the services (spec/office.md "Joint meetings")

``joint_meeting`` gains the start time, place, chair, when it was held and a version
(optimistic locking); its status is CHECKed (planned | held | minutes_approved) and
the attending departments are ``meeting_attendee`` rows.

``agenda_item`` follows the lifecycle proposed → on_agenda → decided → in_execution →
done (or dropped): old ``scheduled`` items become ``on_agenda``, ``in_progress``
ones ``in_execution``; ``pending`` items (made by an escalation, never accepted) are
removed, since an escalated case is now proposed by rule. A decision's text, lead and
due date move onto the item (``measures``, ``lead_dept_id``, ``due_on``), the other
responsible departments to ``agenda_item_dept``, and ``meeting_decision`` goes; the
item's case moves to ``agenda_item_case`` (a cluster item links several); the history
(accept, drop, decision, progress, closing) is ``agenda_note``.

``case_event`` gains ``dept_id``: the department an ``assign`` event routed the case to
(a case assigned to two departments is "bounced"); ``cases`` gains an index on
(grid, subcategory, received) for the cluster rule. ``report_doc.period`` widens
to 20 characters: the minutes and agenda of a meeting are numbered by its code. Existing assign events get it from
their note when it is a department code, else from the case when it was assigned once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ITEM_STATUSES = ("proposed", "on_agenda", "decided", "in_execution", "done", "dropped")
UP_STATUS = {"scheduled": "on_agenda", "in_progress": "in_execution"}
DOWN_STATUS = {"proposed": "pending", "on_agenda": "scheduled", "in_execution": "in_progress"}


def _in(col: str, values: tuple[str, ...]) -> str:
    return f"{col} IN ({', '.join(repr(v) for v in values)})"


_item = sa.table(
    "agenda_item",
    sa.column("id", sa.Integer()),
    sa.column("case_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("reasons", sa.String()),
    sa.column("lead_dept_id", sa.Integer()),
    sa.column("measures", sa.Text()),
    sa.column("decided_at", db.types.LocalDateTime()),
    sa.column("accepted_at", db.types.LocalDateTime()),
    sa.column("created_at", db.types.LocalDateTime()),
    sa.column("due_on", sa.Date()),
)
_decision = sa.table(
    "meeting_decision",
    sa.column("id", sa.Integer()),
    sa.column("agenda_item_id", sa.Integer()),
    sa.column("text", sa.Text()),
    sa.column("responsible_dept_id", sa.Integer()),
    sa.column("due_on", sa.Date()),
    sa.column("decided_at", db.types.LocalDateTime()),
    sa.column("done_at", db.types.LocalDateTime()),
)
_item_case = sa.table(
    "agenda_item_case", sa.column("item_id", sa.Integer()), sa.column("case_id", sa.Integer())
)
_item_dept = sa.table(
    "agenda_item_dept", sa.column("item_id", sa.Integer()), sa.column("dept_id", sa.Integer())
)
_cases = sa.table("cases", sa.column("id", sa.Integer()), sa.column("escalated", sa.Boolean()))


def upgrade() -> None:
    bind = op.get_bind()
    # -- case_event.dept_id
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dept_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_case_event_dept_id_department"), "department", ["dept_id"], ["id"]
        )
    bind.execute(
        sa.text(
            "UPDATE case_event SET dept_id = (SELECT d.id FROM department d "
            "WHERE d.code = case_event.note) WHERE kind = 'assign'"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE case_event SET dept_id = (SELECT c.dept_id FROM cases c "
            "WHERE c.id = case_event.case_id) WHERE kind = 'assign' AND dept_id IS NULL "
            "AND (SELECT count(*) FROM case_event e2 WHERE e2.case_id = case_event.case_id "
            "AND e2.kind = 'assign') = 1"
        )
    )

    # -- the cluster rule reads a grid × subcategory's cases by time
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_grid_sub_received", ["grid_id", "subcategory_id", "received_at"], unique=False
        )

    # -- report_doc.period holds a meeting's code for minutes and agendas
    with op.batch_alter_table("report_doc", schema=None) as batch_op:
        batch_op.alter_column(
            "period", existing_type=sa.String(length=10), type_=sa.String(length=20)
        )

    # -- joint_meeting
    with op.batch_alter_table("joint_meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_at", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("place", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("chair", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("held_at", db.types.LocalDateTime(), nullable=True))
        batch_op.add_column(sa.Column("created_at", db.types.LocalDateTime(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_check_constraint(
            batch_op.f("ck_joint_meeting_status"),
            _in("status", ("planned", "held", "minutes_approved")),
        )
    op.create_table(
        "meeting_attendee",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("dept_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dept_id"], ["department.id"], name=op.f("fk_meeting_attendee_dept_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["joint_meeting.id"],
            name=op.f("fk_meeting_attendee_meeting_id_joint_meeting"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "dept_id", name=op.f("pk_meeting_attendee")),
    )

    # -- agenda items
    op.create_table(
        "agenda_item_case",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_agenda_item_case_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_item.id"], name=op.f("fk_agenda_item_case_item_id_agenda_item")
        ),
        sa.PrimaryKeyConstraint("item_id", "case_id", name=op.f("pk_agenda_item_case")),
    )
    with op.batch_alter_table("agenda_item_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_case_case_id"), ["case_id"], unique=False)
    op.create_table(
        "agenda_item_dept",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("dept_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dept_id"], ["department.id"], name=op.f("fk_agenda_item_dept_dept_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_item.id"], name=op.f("fk_agenda_item_dept_item_id_agenda_item")
        ),
        sa.PrimaryKeyConstraint("item_id", "dept_id", name=op.f("pk_agenda_item_dept")),
    )
    op.create_table(
        "agenda_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.LocalDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_item.id"], name=op.f("fk_agenda_note_item_id_agenda_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_note")),
    )
    with op.batch_alter_table("agenda_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_note_item_id"), ["item_id"], unique=False)

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="case")
        )
        batch_op.add_column(sa.Column("proposal_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("grid_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("subcategory_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reasons", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("measures", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("drop_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closing_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", db.types.LocalDateTime(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", db.types.LocalDateTime(), nullable=True))
        batch_op.add_column(sa.Column("acked_at", db.types.LocalDateTime(), nullable=True))

    # carry the old items over
    decisions: dict[int, list] = {}
    for row in bind.execute(sa.select(_decision).order_by(_decision.c.id)):
        decisions.setdefault(row.agenda_item_id, []).append(row)
    escalated = set(bind.execute(sa.select(_cases.c.id).where(_cases.c.escalated)).scalars())
    pending = []
    links: list[dict] = []
    co: list[dict] = []
    for row in bind.execute(sa.select(_item)).all():
        if row.status == "pending":
            pending.append(row.id)
            continue
        values: dict = {"status": UP_STATUS.get(row.status, row.status)}
        values["kind"] = "case" if row.case_id is not None else "topic"
        values["accepted_at"] = row.created_at
        if row.case_id is not None:
            links.append({"item_id": row.id, "case_id": row.case_id})
            if row.case_id in escalated:
                values["reasons"] = "escalated"
        ds = decisions.get(row.id, [])
        if ds:
            values["measures"] = "；".join(d.text for d in ds)
            values["decided_at"] = min(d.decided_at for d in ds)
            if row.due_on is None:
                values["due_on"] = max((d.due_on for d in ds if d.due_on), default=None)
            lead = row.lead_dept_id or ds[0].responsible_dept_id
            values["lead_dept_id"] = lead
            co.extend(
                {"item_id": row.id, "dept_id": dept}
                for dept in dict.fromkeys(d.responsible_dept_id for d in ds)
                if dept is not None and dept != lead
            )
        bind.execute(_item.update().where(_item.c.id == row.id).values(**values))
    if links:
        bind.execute(sa.insert(_item_case), links)
    if co:
        bind.execute(sa.insert(_item_dept), co)
    if pending:
        bind.execute(_decision.delete().where(_decision.c.agenda_item_id.in_(pending)))
        bind.execute(_item.delete().where(_item.c.id.in_(pending)))

    op.drop_table("meeting_decision")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_case_id"))
        batch_op.drop_constraint(batch_op.f("fk_agenda_item_case_id_cases"), type_="foreignkey")
        batch_op.drop_column("case_id")
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_grid_id_grid"), "grid", ["grid_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_subcategory_id_subcategory"),
            "subcategory",
            ["subcategory_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_agenda_item_proposal_key"), ["proposal_key"]
        )
        batch_op.create_index(batch_op.f("ix_agenda_item_status"), ["status"], unique=False)
        batch_op.create_check_constraint(
            batch_op.f("ck_agenda_item_status"), _in("status", ITEM_STATUSES)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_agenda_item_kind"), _in("kind", ("case", "cluster", "topic"))
        )


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
    first_case = {}
    for item_id, case_id in bind.execute(
        sa.select(_item_case.c.item_id, sa.func.min(_item_case.c.case_id)).group_by(
            _item_case.c.item_id
        )
    ):
        first_case[item_id] = case_id
    closed = sa.table(
        "agenda_item",
        sa.column("id", sa.Integer()),
        sa.column("closed_at", db.types.LocalDateTime()),
    )
    closed_at = dict(bind.execute(sa.select(closed.c.id, closed.c.closed_at)).all())
    rows = bind.execute(sa.select(_item)).all()
    dropped = [r.id for r in rows if r.status == "dropped"]
    decisions = []
    old_status: list[dict[str, object]] = []
    for r in rows:
        if r.status == "dropped":
            continue
        # written once the new statuses' check is gone (below)
        old_status.append({"b_id": r.id, "b_status": DOWN_STATUS.get(r.status, r.status)})
        if r.measures and r.decided_at is not None:
            decisions.append(
                {
                    "agenda_item_id": r.id,
                    "text": r.measures,
                    "responsible_dept_id": r.lead_dept_id,
                    "due_on": r.due_on,
                    "decided_at": r.decided_at,
                    "done_at": closed_at.get(r.id) if r.status == "done" else None,
                }
            )
    op.drop_table("agenda_note")
    op.drop_table("agenda_item_dept")
    op.drop_table("agenda_item_case")
    if dropped:
        bind.execute(_item.delete().where(_item.c.id.in_(dropped)))
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_agenda_item_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_agenda_item_status"), type_="check")
        batch_op.drop_index(batch_op.f("ix_agenda_item_status"))
        batch_op.drop_constraint(batch_op.f("uq_agenda_item_proposal_key"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_agenda_item_subcategory_id_subcategory"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_agenda_item_grid_id_grid"), type_="foreignkey")
        for col in (
            "acked_at", "decided_at", "accepted_at", "closing_note", "drop_reason", "measures",
            "reasons", "subcategory_id", "grid_id", "proposal_key", "kind",
        ):  # fmt: skip
            batch_op.drop_column(col)
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_case_id_cases"), "cases", ["case_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_agenda_item_case_id"), ["case_id"], unique=False)
    if old_status:
        for row in old_status:
            row["b_case"] = first_case.get(row["b_id"])
        bind.execute(
            _item.update()
            .where(_item.c.id == sa.bindparam("b_id"))
            .values(status=sa.bindparam("b_status"), case_id=sa.bindparam("b_case")),
            old_status,
        )
    # the decisions' table once agenda_item is rebuilt (on SQLite the rebuild drops the
    # old table, which rows referring to it would forbid)
    op.create_table(
        "meeting_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responsible_dept_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("decided_at", db.types.LocalDateTime(), nullable=False),
        sa.Column("done_at", db.types.LocalDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_meeting_decision_agenda_item_id_agenda_item"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_dept_id"],
            ["department.id"],
            name=op.f("fk_meeting_decision_responsible_dept_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decision")),
    )
    with op.batch_alter_table("meeting_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_decision_agenda_item_id"), ["agenda_item_id"], unique=False
        )
    if decisions:
        bind.execute(sa.insert(_decision), decisions)
    op.drop_table("meeting_attendee")
    # SQLite rebuilds joint_meeting (copy, drop, rename): with foreign keys on, the drop
    # is refused while agenda items refer to it, so they let go of it meanwhile
    in_meeting: list[dict[str, object]] = []
    if bind.dialect.name == "sqlite":
        in_meeting = [
            {"b_id": item_id, "b_meeting": meeting_id}
            for item_id, meeting_id in bind.execute(
                sa.text("SELECT id, meeting_id FROM agenda_item WHERE meeting_id IS NOT NULL")
            )
        ]
        bind.execute(sa.text("UPDATE agenda_item SET meeting_id = NULL"))
    with op.batch_alter_table("joint_meeting", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_joint_meeting_status"), type_="check")
        for col in ("version", "created_at", "held_at", "chair", "place", "starts_at"):
            batch_op.drop_column(col)
    if in_meeting:
        bind.execute(
            sa.text("UPDATE agenda_item SET meeting_id = :b_meeting WHERE id = :b_id"),
            in_meeting,
        )
    bind.execute(sa.text("UPDATE joint_meeting SET status = 'held' WHERE status <> 'planned'"))
    bind.execute(sa.text("DELETE FROM report_doc WHERE kind IN ('minutes', 'agenda')"))
    with op.batch_alter_table("report_doc", schema=None) as batch_op:
        batch_op.alter_column(
            "period", existing_type=sa.String(length=20), type_=sa.String(length=10)
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_case_grid_sub_received")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_case_event_dept_id_department"), type_="foreignkey")
        batch_op.drop_column("dept_id")
