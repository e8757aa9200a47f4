"""The audit writer: one append-only row per write (who, when, what), inside the
write's own transaction. The detail is JSON and never holds personal information or
free text.

The rows form a tamper-evident chain (:mod:`db.audit_chain`): each row stores the
previous row's ``row_hash`` and the SHA-256 of that and its own content, so
:func:`verify_chain` finds a row whose content was changed and a row missing from
the middle. :func:`append_audit` is the only writer of audit rows; it links each new
row to the last one while no other writer can append:

* PostgreSQL: a transaction-scoped advisory lock (:data:`CHAIN_LOCK`) serialises the
  appenders until their commit; under READ COMMITTED the read of the last row after
  the lock sees every row committed before it.
* SQLite: every caller appends inside a write transaction (``transaction(write=True)``,
  ``db.engine.writer``) that holds the database's write lock. A transaction that read
  a stale last row could not write anyway (SQLite refuses to upgrade a stale snapshot).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Select, func, insert, select, text
from sqlalchemy.orm import Session

from center.core.access import Actor, require_role
from center.core.clock import now
from db.audit_chain import GENESIS, ChainReport, canonical_content, chain_hash, walk_chain
from db.models import AuditLog
from db.types import to_local

#: ``pg_advisory_xact_lock`` key of the audit chain's appenders
CHAIN_LOCK = 7311006
#: :func:`list_audit`'s default number of rows
LIST_LIMIT = 1000
_Q = TypeVar("_Q", bound="Select[*tuple[Any, ...]]")


def jsonable(value: Any) -> Any:
    """``value`` as it is written into an audit detail (instants in +08:00 ISO 8601)."""
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _last_hash(target: Session | Connection) -> str:
    """The ``row_hash`` of the chain's last row, with the chain locked for this
    transaction (see the module's docstring)."""
    dialect = target.get_bind().dialect if isinstance(target, Session) else target.dialect
    if dialect.name == "postgresql":
        target.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = target.execute(
        select(AuditLog.row_hash).order_by(AuditLog.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last if last is not None else GENESIS


def append_audit(
    target: Session | Connection,
    actor: str,
    action: str,
    entity: str,
    code: str | None,
    detail: Mapping[str, Any],
    *,
    at: datetime | None = None,
    sort_keys: bool = False,
) -> None:
    """Append an audit row inside the caller's (write) transaction: who (a user name),
    when (``at``, default now: the instant of the write), what (``action`` on ``entity``
    ``code``), and a JSON ``detail`` that must never hold personal information or free
    text. Every audit row of the product is written here, linked to the row before it."""
    text_ = json.dumps(
        {k: jsonable(v) for k, v in detail.items()}, ensure_ascii=False, sort_keys=sort_keys
    )
    stamp = to_local(at if at is not None else now())
    prev = _last_hash(target)
    content = canonical_content(stamp, actor, action, entity, code, text_)
    target.execute(
        insert(AuditLog).values(
            at=stamp,
            actor=actor,
            action=action,
            entity=entity,
            entity_code=code,
            detail=text_,
            prev_hash=prev,
            row_hash=chain_hash(prev, content),
        )
    )


def write_audit(
    s: Session,
    actor: Actor,
    action: str,
    code: str,
    at: datetime,
    detail: Mapping[str, Any],
    entity: str = "case",
) -> None:
    """The audit row of a case (or ``entity``) write by ``actor``."""
    append_audit(s, actor.name, action, entity, code, detail, at=at)


# -- verifying the chain -----------------------------------------------------------


def verify_chain(engine: Engine) -> ChainReport:
    """Walk the audit chain (:func:`db.audit_chain.walk_chain`) and name the first
    broken row: content changed, row missing, or link broken."""
    with engine.connect() as conn:
        return walk_chain(conn)


# -- labels --------------------------------------------------------------------------

#: what an audit row's ``action`` means, in Chinese and English (the viewer shows
#: these; the raw code stays in its tooltip and in ``center audit list``)
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "auth.login": ("登录", "log in"),
    "auth.login_failed": ("登录失败", "failed login"),
    "auth.login_refused": ("拒绝登录", "login refused"),
    "auth.locked": ("账户锁定", "account locked"),
    "user.add": ("新增账户", "add an account"),
    "user.update": ("修改账户", "change an account"),
    "user.passwd": ("修改口令", "change a password"),
    "user.disable": ("停用账户", "disable an account"),
    "user.enable": ("启用账户", "enable an account"),
    "case.intake": ("受理案件", "case intake"),
    "case.respond": ("联系居民", "respond to the resident"),
    "case.assign": ("分派案件", "assign a case"),
    "case.accept": ("部门启动办理", "department starts"),
    "case.resolve": ("办结案件", "resolve a case"),
    "case.confirm": ("居民确认", "resident confirms"),
    "case.rate": ("满意度评价", "rate a case"),
    "case.escalate": ("提交联席会议", "escalate to the joint meeting"),
    "case.not_our_remit": ("退回（非本部门职责）", "not our remit"),
    "case.no_action_needed": ("无需办理", "no action needed"),
    "case.reopen": ("重新办理", "reopen a case"),
    "case.edit": ("修改案件", "edit a case"),
    "case.spot_check": ("抽查回访结果", "spot-check result"),
    "spotcheck.draw": ("抽取抽查样本", "draw a spot-check sample"),
    "visit.record": ("登记走访", "record a visit"),
    "household.edit": ("修改户档案", "edit a household"),
    "household.confirm": ("核实户档案", "confirm a household"),
    "household.import": ("导入户档案", "import households"),
    "pii.reveal": ("查看个人信息", "reveal personal information"),
    "pii.lookup": ("按个人信息查找", "look up by personal information"),
    "pii.adopt_key": ("启用个人信息密钥", "adopt the PI key"),
    "pii.key_check": ("个人信息密钥校验", "PI key check"),
    "report.save_draft": ("生成报告草稿", "build a report draft"),
    "report.approve": ("审定报告", "approve a report"),
    "meeting.new": ("计划联席会议", "plan a joint meeting"),
    "meeting.edit": ("修改联席会议", "edit a joint meeting"),
    "meeting.held": ("联席会议已召开", "joint meeting held"),
    "meeting_item.add": ("增加议题", "add an agenda item"),
    "meeting_item.accept": ("议题列入议程", "accept onto the agenda"),
    "meeting_item.drop": ("撤下议题", "drop an item"),
    "meeting_item.decide": ("议定事项", "decide an item"),
    "meeting_item.ack": ("牵头部门签收", "lead department acknowledges"),
    "meeting_item.progress": ("议定事项进展", "item progress"),
    "meeting_item.done": ("议定事项办结", "item done"),
    "budget.line.create": ("新增经费项目", "add a funding line"),
    "budget.line.correct": ("更正经费项目", "correct a funding line"),
    "budget.line.void": ("作废经费项目", "void a funding line"),
    "budget.expenditure.create": ("登记支出", "record an expenditure"),
    "budget.expenditure.correct": ("更正支出", "correct an expenditure"),
    "budget.expenditure.void": ("作废支出", "void an expenditure"),
    "budget.settings": ("经费标准设置", "budget settings"),
    "set_target": ("设置考核目标", "set a target"),
    "import": ("导入数据", "import"),
    "export": ("导出数据", "export"),
    "db.backup": ("备份数据库", "database backup"),
    "db.restore": ("恢复数据库", "database restore"),
    "db.downgrade": ("降级数据库", "database downgrade"),
    "demo.build": ("生成演示街道", "build the demo street"),
}
#: the kinds of records the rows are about (``entity``)
ENTITY_LABELS: dict[str, tuple[str, str]] = {
    "app_user": ("账户", "account"),
    "case": ("案件", "case"),
    "spot_check": ("抽查样本", "spot-check sample"),
    "visit": ("走访", "visit"),
    "household": ("户", "household"),
    "resident": ("居民", "resident"),
    "report_doc": ("报告", "report"),
    "meeting": ("联席会议", "joint meeting"),
    "agenda_item": ("议题", "agenda item"),
    "budget_line": ("经费项目", "funding line"),
    "expenditure": ("支出", "expenditure"),
    "kpi_target": ("考核目标", "target"),
    "street": ("街道", "street"),
    "database": ("数据库", "database"),
}
#: the fields of the details (``key`` of the JSON, or of its ``changes``)
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "version": ("版本", "version"),
    "from": ("原状态", "from"),
    "to": ("新状态", "to"),
    "status": ("状态", "status"),
    "event_at": ("发生时间", "at"),
    "changes": ("变更", "changes"),
    "rehashed": ("口令散列已更新", "password rehashed"),
    "seed": ("随机种子", "seed"),
    "percent": ("抽取比例", "percent"),
    "closed_from": ("办结日期自", "closed from"),
    "closed_to": ("办结日期至", "closed to"),
    "population": ("总体", "population"),
    "codes": ("样本", "sample"),
    "household": ("户", "household"),
    "staff": ("走访人员", "staff"),
    "outcome": ("结果", "outcome"),
    "visited_at": ("走访时间", "visited at"),
    "case": ("案件", "case"),
    "cases": ("案件", "cases"),
    "fields": ("字段", "fields"),
    "reason": ("理由", "reason"),
    "meeting": ("会议", "meeting"),
    "topic": ("自拟议题", "topic"),
    "date": ("日期", "date"),
    "time": ("时间", "time"),
    "attending": ("参会部门数", "attending"),
    "file": ("文件", "file"),
    "rows": ("行数", "rows"),
    "pii": ("含个人信息", "with PI"),
    "notes": ("备注", "notes"),
    "phone": ("电话", "phone"),
    "grid_id": ("网格", "grid"),
    "dept": ("部门", "department"),
    "dept_code": ("部门", "department"),
    "assign_to": ("分派至", "assigned to"),
    "priority": ("优先级", "priority"),
    "summary": ("摘要", "summary"),
    "special_groups": ("特殊群体", "special groups"),
    "moved_out_on": ("迁出日期", "moved out on"),
    "members": ("成员", "members"),
    "contact": ("联系方式", "contact"),
    "old": ("原值", "old"),
    "new": ("新值", "new"),
    "own": ("本人", "own"),
    "was_active": ("原为启用", "was active"),
    "roles": ("角色", "roles"),
    "amount": ("金额", "amount"),
    "yuan": ("金额（元）", "yuan"),
    "line": ("经费项目", "funding line"),
    "kind": ("类别", "kind"),
    "period": ("统计期", "period"),
    "doc_number": ("文号", "document number"),
    "scale": ("规模", "scale"),
    "as_of": ("截至", "as of"),
    "replaced": ("替换已有数据", "replaced"),
    "communities": ("社区数", "communities"),
    "grids": ("网格数", "grids"),
    "households": ("户数", "households"),
    "special_households": ("特殊群体户数", "special households"),
    "residents": ("居民数", "residents"),
    "users": ("账户数", "accounts"),
    "visits": ("走访数", "visits"),
    "open_cases": ("未结案件数", "open cases"),
    "escalated_cases": ("提交联席会议案件数", "escalated cases"),
    "case_events": ("办理过程记录数", "case events"),
    "budget_lines": ("经费项目数", "funding lines"),
    "expenditures": ("支出笔数", "expenditures"),
    "meetings": ("联席会议数", "joint meetings"),
    "agenda_items": ("议题数", "agenda items"),
    "reasons": ("提议理由", "reasons"),
    "lead": ("牵头部门", "lead department"),
    "with": ("协办部门数", "co-operating departments"),
    "due": ("完成时限", "due"),
    "community_code": ("社区", "community"),
    "line_code": ("经费项目", "funding line"),
    "spent_on": ("支出日期", "spent on"),
    "category": ("类别", "category"),
    "granted_on": ("下达日期", "granted on"),
    "source": ("来源", "source"),
    "year": ("年度", "year"),
}


def label(table: dict[str, tuple[str, str]], key: str, chinese: bool = True) -> str:
    """``key``'s label in ``table`` (Chinese or English), the key itself when it has
    none."""
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if chinese else pair[1]


# -- listing -------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One audit row; ``detail`` is the JSON text as stored."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_code: str | None
    detail: str | None

    @property
    def record(self) -> str:
        """``KIND:ID`` of the record the row is about (``KIND`` alone without a code)."""
        return self.entity if self.entity_code is None else f"{self.entity}:{self.entity_code}"

    def detail_value(self) -> Any:
        """The detail parsed (``None`` when there is none)."""
        return None if self.detail is None else json.loads(self.detail)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": to_local(self.at).isoformat(),
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_code": self.entity_code,
            "detail": self.detail_value(),
        }


def parse_record(value: str) -> tuple[str, str | None]:
    """``KIND:ID`` (the ID may itself hold colons) or ``KIND`` as (entity, code)."""
    kind, sep, code = value.partition(":")
    if not kind or (sep and not code):
        raise ValueError(f"expected KIND:ID (e.g. case:K202610060001), got {value!r}")
    return kind, code if sep else None


def list_audit(
    engine: Engine,
    user: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    record: str | None = None,
    limit: int = LIST_LIMIT,
    *,
    actor: Actor | None = None,
) -> list[AuditEntry]:
    """The newest ``limit`` audit rows (oldest first) by ``user``, of ``action`` (a
    trailing ``*`` matches a prefix, e.g. ``case.*``), at or after ``since``, about
    ``record`` (``KIND:ID``, or ``KIND`` for every record of a kind).

    ``actor`` must hold a role that may ``read_audit`` (admin, assessor): the
    workstation's audit viewer passes its user. ``None`` is left for the command
    line's ``center audit list`` until it logs in."""
    if actor is not None:
        require_role(actor, "read_audit")
    q = _filtered(
        select(
            AuditLog.id,
            AuditLog.at,
            AuditLog.actor,
            AuditLog.action,
            AuditLog.entity,
            AuditLog.entity_code,
            AuditLog.detail,
        ),
        user,
        action,
        since,
        record,
    )
    q = q.order_by(AuditLog.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [AuditEntry(*r) for r in reversed(rows)]


def count_audit(
    engine: Engine,
    user: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    record: str | None = None,
    *,
    actor: Actor,
) -> int:
    """How many audit rows :func:`list_audit`'s filters select (without its limit),
    for an actor who may ``read_audit``."""
    require_role(actor, "read_audit")
    q = _filtered(select(func.count()).select_from(AuditLog), user, action, since, record)
    with engine.connect() as conn:
        return int(conn.scalar(q) or 0)


def _filtered(
    q: _Q,
    user: str | None,
    action: str | None,
    since: datetime | None,
    record: str | None,
) -> _Q:
    if user is not None:
        q = q.where(AuditLog.actor == user)
    if action is not None:
        if action.endswith("*"):
            q = q.where(AuditLog.action.startswith(action[:-1], autoescape=True))
        else:
            q = q.where(AuditLog.action == action)
    if since is not None:
        q = q.where(AuditLog.at >= to_local(since))
    if record is not None:
        entity, code = parse_record(record)
        q = q.where(AuditLog.entity == entity)
        if code is not None:
            q = q.where(AuditLog.entity_code == code)
    return q
