"""A joint meeting's agenda (会议议程) and minutes (会议纪要), in the report style.

* The **agenda**: the meeting (code, date and time, place, chair, invited
  departments) and each item on its agenda with the reasons it was proposed and its
  linked case numbers.
* The **minutes**: the meeting and its attendance, then each item with its cases, the
  decision (measures, lead and co-operating departments, due date) and its status as
  of the evaluation instant (overdue items marked), the progress notes and closing
  note, and the items dropped from the agenda.

Both are numbered like the other reports (``center.reporting.snapshots``: kind
``agenda`` / ``minutes``, period = the meeting code): a draft prints "（草稿）" and a
watermark, an approved one its document number. Free text typed by staff (measures,
notes, topics) is printed with identity and phone numbers masked (:func:`scrub`).

``build_agenda`` and ``build_minutes`` are the Qt-free entry points (CLI, workstation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import Engine, select

from center.core.access import Actor
from center.office import meetings as svc
from center.reporting.snapshots import DocInfo, ReportRequestError, document_info
from db.models import AgendaItem, Department, JointMeeting
from reports.base import (
    BAD_RED,
    CONTENT_WIDTH,
    DASH,
    HEADER_BG,
    INK,
    DocHeader,
    build_document,
    closing,
    data_table,
    escape,
    fmt_date,
    fmt_instant,
    font_name,
    opening,
    para,
    register_fonts,
    scrub,
    section,
    signature_block,
    styles,
    subsection,
)
from reports.build import Progress, _atomic, _file_target, _noop

CN_NUM = "一二三四五六七八九十"
KIND_TITLES = {"agenda": "议程", "minutes": "纪要"}
NOTE_KINDS = {"progress": "进展", "ack": "签收", "done": "办结", "decide": "议定"}
#: who reads the meeting for a document built without a named reader
REPORT_READER = Actor("reports", "leader", read_only=True)


@dataclass(frozen=True)
class DroppedItem:
    id: int
    title: str
    reason: str | None


@dataclass(frozen=True)
class MeetingDoc:
    """Everything the agenda or the minutes print, read at ``doc.as_of``."""

    kind: str  # agenda | minutes
    doc: DocInfo
    meeting: svc.MeetingInfo
    departments: dict[str, str]  # code -> name
    items: tuple[svc.ItemDetail, ...]
    dropped: tuple[DroppedItem, ...]

    @property
    def as_of(self) -> datetime:
        return self.doc.as_of

    def dept(self, code: str | None, *, with_code: bool = False) -> str:
        """A department's name (``民政``), with its code (``民政（D01）``)."""
        if not code:
            return DASH
        name = self.departments.get(code, code)
        return f"{name}（{code}）" if with_code and name != code else name

    def overdue(self, item: svc.BoardItem) -> bool:
        return (
            item.status in svc.OPEN_ITEM and item.due is not None and self.as_of.date() > item.due
        )


def meeting_doc(
    engine: Engine,
    kind: str,
    code: str,
    as_of: datetime | None = None,
    *,
    actor: Actor | None = None,
) -> MeetingDoc:
    """Read a meeting's agenda or minutes (``kind``) for printing."""
    if kind not in KIND_TITLES:
        raise ReportRequestError(f"unknown meeting document {kind!r}: agenda or minutes")
    reader = actor or REPORT_READER
    code = (code or "").strip()
    m = svc.meeting(engine, reader, code)  # NotFound when there is no such meeting
    doc = document_info(engine, kind, m.code, "all", as_of)
    items = tuple(
        svc.item_detail(engine, reader, i.id)
        for i in svc.meeting_items(engine, reader, m.code)
        if i.id is not None
    )
    with engine.connect() as conn:
        departments = {c: n for c, n in conn.execute(select(Department.code, Department.name))}
        dropped = tuple(
            DroppedItem(i, t, r)
            for i, t, r in conn.execute(
                select(AgendaItem.id, AgendaItem.title, AgendaItem.drop_reason)
                .join(JointMeeting, JointMeeting.id == AgendaItem.meeting_id)
                .where(
                    JointMeeting.code == m.code,
                    AgendaItem.status == "dropped",
                    AgendaItem.accepted_at.is_not(None),  # it was on the agenda
                )
                .order_by(AgendaItem.id)
            )
        )
    return MeetingDoc(kind, doc, m, departments, items, dropped)


# --------------------------------------------------------------------------- layout


def title_for(d: MeetingDoc) -> str:
    base = scrub(d.meeting.title) or "联席会议"
    if "联席会议" not in base:
        base = f"{base}（联席会议）"
    return f"{base}{KIND_TITLES[d.kind]}"


def header_for(d: MeetingDoc) -> DocHeader:
    return DocHeader(
        issuer=d.doc.issuer,
        doc_number=d.doc.doc_number,
        issued_on=d.doc.issued_on,
        title=title_for(d),
    )


def _when(m: svc.MeetingInfo) -> str:
    return fmt_date(m.date) + (f" {m.time}" if m.time else "")


def _depts(d: MeetingDoc, codes: tuple[str, ...] | list[str], *, with_code: bool = False) -> str:
    return "、".join(d.dept(c, with_code=with_code) for c in codes) or DASH


def _facts(rows: list[tuple[str, str]]) -> Table:
    """A two-column table of labels and values."""
    st = styles()
    data = [[Paragraph(escape(k), st["cell"]), Paragraph(escape(v), st["cell"])] for k, v in rows]
    table = Table(data, colWidths=[CONTENT_WIDTH * 0.20, CONTENT_WIDTH * 0.80], hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font_name()),
                ("GRID", (0, 0), (-1, -1), 0.4, INK),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_BG),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _meeting_facts(d: MeetingDoc) -> Table:
    m = d.meeting
    rows = [
        ("会议编号", m.code),
        ("会议名称", scrub(m.title)),
        ("会议时间", _when(m)),
        ("会议地点", scrub(m.place) or DASH),
        ("主持人", scrub(m.chair) or DASH),
    ]
    if d.kind == "agenda":
        rows.append(("邀请参会部门", _depts(d, m.attending, with_code=True)))
    else:
        rows.append(("出席部门", _depts(d, m.attending, with_code=True)))
        if m.held_at is not None:
            rows.append(("召开情况", f"已于{fmt_instant(m.held_at)}召开"))
    rows.append(("会议状态", svc.MEETING_STATUS_NAMES.get(m.status, m.status)))
    return _facts(rows)


def _reasons(item: svc.BoardItem) -> str:
    if not item.reasons:
        return "会议增列"
    return "、".join(svc.REASON_NAMES.get(r, r) for r in item.reasons)


def _cases(detail: svc.ItemDetail) -> str:
    if not detail.cases:
        return DASH
    return "、".join(f"{c.code}（{c.subcategory}）" for c in detail.cases)


def _status(d: MeetingDoc, item: svc.BoardItem) -> str:
    name = svc.STATUS_NAMES.get(item.status, item.status)
    return f"{name}（逾期）" if d.overdue(item) else name


def _agenda_table(d: MeetingDoc) -> Flowable:
    w = CONTENT_WIDTH
    rows = [
        [
            str(n),
            scrub(i.item.title),
            _reasons(i.item),
            _cases(i),
            d.dept(i.item.lead),
        ]
        for n, i in enumerate(d.items, start=1)
    ]
    return data_table(
        ["序号", "议题", "提请理由", "关联案件", "牵头部门"],
        rows,
        [w * 0.07, w * 0.33, w * 0.18, w * 0.27, w * 0.15],
        align=["c", "l", "l", "l", "c"],
    )


def _agenda_story(d: MeetingDoc, header: DocHeader) -> list[Flowable]:
    m = d.meeting
    out: list[Flowable] = opening(header, "街道各相关部门：")
    out.append(
        para(
            f"定于{_when(m)}"
            + (f"在{scrub(m.place)}" if m.place else "")
            + f"召开敲门行动联席会议，由{scrub(m.chair) or '会议主持人'}主持，"
            + f"研究协调需多部门共同解决的事项。共{len(d.items)}项议题，现将议程通知如下。"
        )
    )
    out += [section("一、会议基本情况"), _meeting_facts(d)]
    out += [CondPageBreak(60), section("二、会议议题")]
    if d.items:
        out.append(_agenda_table(d))
        out.append(
            para(
                "注：提请理由依联席会议议题建议规则（提交联席会议、超期未办结、多次转办/退回、"
                "同类集中反映）列出；“会议增列”为协调组直接列入的议题。",
                "note",
            )
        )
    else:
        out.append(para("本次会议尚无列入议程的议题。", "plain"))
    out.append(
        para("请各参会部门提前准备所涉案件的办理情况，由主要负责同志参会。"),
    )
    out += closing(header)
    return out


def _decision_rows(d: MeetingDoc, detail: svc.ItemDetail) -> list[tuple[str, str]]:
    i = detail.item
    rows = [
        ("提请理由", _reasons(i)),
        ("关联案件", _cases(detail)),
    ]
    if i.measures or i.status in ("decided", "in_execution", "done"):
        rows += [
            ("议定措施", scrub(i.measures) or DASH),
            ("牵头部门", d.dept(i.lead, with_code=True)),
            ("配合部门", _depts(d, i.co_depts, with_code=True)),
            ("完成时限", fmt_date(i.due) if i.due else DASH),
        ]
    else:
        rows.append(("议定情况", "本次会议未形成决定，留待后续研究"))
    rows.append(("办理状态", _status(d, i)))
    notes = [n for n in detail.notes if n.kind == "progress" and n.text]
    if notes:
        rows.append(
            (
                "进展情况",
                "；".join(f"{fmt_date(n.at)} {scrub(n.text)}" for n in notes),
            )
        )
    if detail.closing_note:
        rows.append(("办结情况", scrub(detail.closing_note)))
    return rows


def _minutes_summary(d: MeetingDoc) -> Flowable:
    w = CONTENT_WIDTH
    rows = [
        [
            str(n),
            scrub(i.item.title),
            "、".join(i.item.cases) or DASH,
            d.dept(i.item.lead),
            _depts(d, i.item.co_depts),
            i.item.due.isoformat() if i.item.due else DASH,
            _status(d, i.item),
        ]
        for n, i in enumerate(d.items, start=1)
    ]
    overdue = [d.overdue(i.item) for i in d.items]
    return data_table(
        ["序号", "事项", "关联案件", "牵头部门", "配合部门", "完成时限", "状态"],
        rows,
        [w * 0.06, w * 0.26, w * 0.14, w * 0.14, w * 0.14, w * 0.12, w * 0.14],
        align=["c", "l", "l", "c", "c", "c", "c"],
        highlight=lambda n: BAD_RED if overdue[n] else None,
    )


def _minutes_story(d: MeetingDoc, header: DocHeader) -> list[Flowable]:
    m = d.meeting
    decided = sum(1 for i in d.items if i.item.measures)
    out: list[Flowable] = opening(header, None)
    out.append(
        para(
            f"{_when(m)}，"
            + (f"在{scrub(m.place)}" if m.place else "")
            + f"召开敲门行动联席会议，{scrub(m.chair) or '会议主持人'}主持。"
            + f"会议研究了{len(d.items)}项议题，议定{decided}项。现将会议议定事项纪要如下"
            + f"（办理状态统计截至{fmt_instant(d.as_of)}）。"
        )
    )
    out += [section("一、会议基本情况与出席情况"), _meeting_facts(d)]
    if m.minutes:
        out += [subsection("会议记录"), para(scrub(m.minutes))]
    out += [CondPageBreak(60), section("二、议定事项一览")]
    if d.items:
        out.append(_minutes_summary(d))
        out.append(para("注：标红事项已超过完成时限仍未办结。", "note"))
    else:
        out.append(para("本次会议无议定事项。", "plain"))
    if d.items:
        out += [CondPageBreak(80), section("三、议定事项详情")]
        for n, detail in enumerate(d.items, start=1):
            label = f"（{CN_NUM[n - 1]}）" if n <= len(CN_NUM) else f"（{n}）"
            out.append(
                KeepTogether(
                    [
                        subsection(f"{label}{scrub(detail.item.title)}"),
                        _facts(_decision_rows(d, detail)),
                        Spacer(1, 4),
                    ]
                )
            )
    if d.dropped:
        number = CN_NUM[3] if d.items else CN_NUM[2]
        out += [CondPageBreak(60), section(f"{number}、撤下事项")]
        w = CONTENT_WIDTH
        out.append(
            data_table(
                ["序号", "事项", "撤下理由"],
                [
                    [str(n), scrub(x.title), scrub(x.reason) or DASH]
                    for n, x in enumerate(d.dropped, start=1)
                ],
                [w * 0.08, w * 0.46, w * 0.46],
                align=["c", "l", "l"],
            )
        )
    out.append(Spacer(1, 6))
    out.append(
        para(
            "各牵头部门要按议定措施和完成时限抓好落实，配合部门积极协同；"
            "办理进展及时报综合协调组，逾期未办结事项提交下次联席会议督办。"
        )
    )
    out += [Spacer(1, 10), signature_block(["主持人", "记录人"])]
    out += closing(header)
    return out


def story(d: MeetingDoc) -> list[Flowable]:
    header = header_for(d)
    return _agenda_story(d, header) if d.kind == "agenda" else _minutes_story(d, header)


def render(d: MeetingDoc, target: str | Path | BinaryIO) -> None:
    build_document(
        target,
        header_for(d),
        story(d),
        subject=f"联席会议{KIND_TITLES[d.kind]} {d.meeting.code}",
    )


# --------------------------------------------------------------------------- entry points


def _build(
    kind: str,
    engine: Engine,
    meeting: str,
    path: str | Path,
    as_of: datetime | None,
    progress: Progress | None,
    actor: Actor | None,
) -> Path:
    step = progress or _noop
    register_fonts()
    step(0, 2, "读取会议")
    d = meeting_doc(engine, kind, meeting, as_of, actor=actor)
    target = _file_target(path)
    step(1, 2, "排版")
    with _atomic(target) as tmp:
        render(d, tmp)
    step(2, 2, "完成")
    return target


def build_agenda(
    engine: Engine,
    meeting: str,
    path: str | Path,
    *,
    as_of: datetime | None = None,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> Path:
    """Write the agenda of meeting ``meeting`` (its code) to ``path``; returns the path."""
    return _build("agenda", engine, meeting, path, as_of, progress, actor)


def build_minutes(
    engine: Engine,
    meeting: str,
    path: str | Path,
    *,
    as_of: datetime | None = None,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> Path:
    """Write the minutes of meeting ``meeting`` (its code) to ``path``; returns the path."""
    return _build("minutes", engine, meeting, path, as_of, progress, actor)


__all__ = ["MeetingDoc", "build_agenda", "build_minutes", "meeting_doc", "render"]
