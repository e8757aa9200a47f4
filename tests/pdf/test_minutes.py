"""A joint meeting's agenda and minutes (reports/minutes.py) through `center report
agenda|minutes MEETING -o FILE.pdf`: their text, the draft → approved numbering shared
with the other reports, and approving the minutes making the meeting
``minutes_approved`` in the same transaction (spec/office.md, "Meetings")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builders import TEST_PASSWORD, Builder, account, at
from pypdf import PdfReader
from sqlalchemy import func, select

from center.cli import main
from center.core.access import Actor
from center.office import meetings as mt
from db.models import AuditLog, JointMeeting, ReportDoc

COORD = Actor("alice", "coordinator")
MEETING = "JM20261025"
PHONE = "13912345678"  # typed into the measures: never printed


@pytest.fixture
def meeting(engine, monkeypatch):
    """A planned October meeting with three items on its agenda (one decided and in
    execution with a progress note, one decided, one topic) and one dropped."""
    b = Builder(engine)
    b.grid("G01")
    b.grid("G02")
    for h, g in (("H1", "G01"), ("H2", "G02"), ("H4", "G02"), ("H5", "G02"), ("H6", "G02")):
        b.household(h, grid=g)
    b.case(
        "H1",
        at(2026, 10, 15, 9),
        code="K1",
        grid="G01",
        subcategory="L01",
        dept="D01",
        escalated=True,
        escalated_at=at(2026, 10, 16, 10),
    )
    b.case("H2", at(2026, 9, 1, 9), code="K2", grid="G02", subcategory="L02", dept="D12")
    for h, day in (("H4", 1), ("H5", 5), ("H6", 12)):
        b.case(h, at(2026, 10, day, 9), code=f"K{h[1]}", grid="G02", subcategory="P01")
    for name, roles, dept in (
        ("coord", ("coordinator",), None),
        ("sup", ("assessor",), None),
        ("boss", ("leader",), None),
        ("d01", ("department",), "D01"),
    ):
        account(engine, name, *roles, dept=dept)
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("CENTER_USER", raising=False)

    mt.create_meeting(
        engine,
        COORD,
        held_on=at(2026, 10, 25).date(),
        time_of_day="14:30",
        title="十月联席会议",
        chair="王主任",
        place="三楼会议室",
        attending=["D01", "D06"],
        at=at(2026, 10, 19, 9),
    )
    props = mt.proposals_at(engine, COORD, at(2026, 10, 20, 9))
    ids = {p.cases: p.id for p in props.proposals}
    assert set(ids) == {("K1",), ("K2",), ("K4", "K5", "K6")}
    k1, k2, cluster = ids[("K1",)], ids[("K2",)], ids[("K4", "K5", "K6")]
    t = at(2026, 10, 20, 10)
    for item in (k1, k2, cluster):
        mt.accept(engine, COORD, item, at=t)
    topic = mt.add_item(engine, COORD, MEETING, topic="研究老旧小区加装电梯", at=t).id
    decided = at(2026, 10, 25, 16)
    mt.decide(
        engine,
        COORD,
        k1,
        lead="D01",
        co_depts=["D03", "D06"],
        measures=f"联合上门核实助餐需求（联系电话{PHONE}）",
        due=at(2026, 11, 10).date(),
        at=decided,
    )
    mt.decide(
        engine,
        COORD,
        cluster,
        lead="D06",
        measures="统一政策答复口径",
        due=at(2026, 11, 30).date(),
        at=decided,
    )
    mt.drop(engine, COORD, k2, reason="已由街道社区服务中心办结", at=decided)
    d01 = Actor("d01", "department", dept_id=b.id("department", "D01"), dept_code="D01")
    mt.ack(engine, d01, k1, at=at(2026, 10, 26, 9))
    mt.progress(engine, d01, k1, note="已上门走访5户", at=at(2026, 10, 28, 9))
    return {"engine": engine, "k1": k1, "cluster": cluster, "topic": topic}


@pytest.fixture
def report(db_url, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["report", *argv, "--db", db_url])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def text(path: Path) -> str:
    """The PDF's text, whitespace removed (table cells wrap)."""
    pages = [page.extract_text() or "" for page in PdfReader(str(path)).pages]
    return re.sub(r"\s+", "", "".join(pages))


def meeting_status(engine) -> str:
    with engine.connect() as conn:
        return conn.scalar(select(JointMeeting.status).where(JointMeeting.code == MEETING))


def test_agenda_lists_the_meeting_and_its_items(meeting, report, tmp_path):
    pdf = tmp_path / "agenda.pdf"
    code, out, err = report("agenda", MEETING, "-o", str(pdf), "--by", "coord")
    assert (code, err) == (0, "")
    assert out == (
        f"wrote {pdf}: 联席会议议程 {MEETING}, DRAFT (report 1; approve with "
        "`center report approve 1 --user NAME`)\n"
    )
    body = text(pdf)
    for expected in (
        "测试街道敲门行动领导小组办公室",
        "（草稿）",
        "十月联席会议议程",
        f"会议编号{MEETING}",
        "会议时间2026年10月25日14:30",
        "会议地点三楼会议室",
        "主持人王主任",
        "邀请参会部门民政（D01）、城管（D06）",
        "会议状态待召开",
        "老年助餐（K1）G01网格提交联席会议K1（老年助餐）民政",
        "G02网格惠民政策咨询集中反映（3件）同类集中反映",
        "K4（惠民政策咨询）、K5（惠民政策咨询）、K6（惠民政策咨询）",
        "研究老旧小区加装电梯会议增列",
    ):
        assert expected in body, expected
    assert "K2" not in body  # dropped: not on the agenda
    assert "第1页共1页" in body


def test_minutes_text(meeting, report, tmp_path):
    engine = meeting["engine"]
    mt.hold_meeting(engine, COORD, MEETING, at=at(2026, 10, 25, 17))
    pdf = tmp_path / "minutes.pdf"
    code, out, err = report(
        "minutes", MEETING, "-o", str(pdf), "--by", "coord", "--as-of", "2026-11-11T09:00"
    )
    assert (code, err) == (0, "")
    assert "联席会议纪要 JM20261025, DRAFT (report 1;" in out
    body = text(pdf)
    for expected in (
        "十月联席会议纪要",
        "（草稿）",
        "会议研究了3项议题，议定2项",
        "办理状态统计截至2026年11月11日09:00",
        "出席部门民政（D01）、城管（D06）",
        "召开情况已于2026年10月25日17:00召开",
        "会议状态已召开",
        # the summary: item, cases, lead, co-operating departments, due, status
        "老年助餐（K1）G01网格K1民政卫健（社区卫生服务中心）、城管2026-11-10执行中（逾期）",
        "K4、K5、K6城管—2026-11-30已议定",
        "研究老旧小区加装电梯————已列入议程",
        # the details of item 1
        "议定措施联合上门核实助餐需求（联系电话[电话已隐去]）",
        "牵头部门民政（D01）",
        "配合部门卫健（社区卫生服务中心）（D03）、城管（D06）",
        "完成时限2026年11月10日",
        "办理状态执行中（逾期）",
        "进展情况2026年10月28日已上门走访5户",
        "议定情况本次会议未形成决定，留待后续研究",
        # the dropped item
        "撤下事项",
        "代购代办（K2）G02网格已由街道社区服务中心办结",
        "主持人（签字）",
    ):
        assert expected in body, expected
    assert PHONE not in body


def test_minutes_draft_then_approved_makes_the_meeting_final(meeting, report, tmp_path):
    engine = meeting["engine"]
    pdf = tmp_path / "minutes.pdf"
    # a leader may not build them; an unknown meeting writes no file
    code, out, err = report("minutes", MEETING, "-o", str(pdf), "--by", "boss")
    assert (code, out) == (2, "")
    assert err == "center: error: user 'boss' (role leader) may not build minutes\n"
    code, _, err = report("minutes", "JM19990101", "-o", str(pdf), "--by", "coord")
    assert (code, err) == (2, "center: error: no meeting with code 'JM19990101'\n")
    assert not pdf.exists()

    assert report("minutes", MEETING, "-o", str(pdf), "--by", "coord")[0] == 0
    with engine.connect() as conn:
        assert conn.execute(select(ReportDoc.kind, ReportDoc.period, ReportDoc.status)).all() == [
            ("minutes", MEETING, "draft")
        ]
    # the meeting has not been held: approving its minutes is refused, nothing changes
    code, out, err = report("approve", "1", "--user", "coord")
    assert (code, out) == (2, "")
    assert err == (
        f"center: error: meeting: {MEETING} has not been held: record it as held first\n"
    )
    assert meeting_status(engine) == "planned"
    with engine.connect() as conn:
        assert conn.scalar(select(ReportDoc.status)) == "draft"
        assert conn.scalar(select(func.count()).where(AuditLog.action == "report.approve")) == 0

    mt.hold_meeting(engine, COORD, MEETING, at=at(2026, 10, 25, 17))
    code, _, err = report("approve", "1", "--user", "d01")
    assert (code, err) == (2, "center: error: user 'd01' (role department) may not approve "
                               "minutes\n")  # fmt: skip
    code, out, err = report("approve", "1", "--user", "coord")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"approved report 1 (联席会议纪要 {MEETING}, scope all) as 〔2026〕1号 by coord; "
        "build it again to print the number",
        f"joint meeting {MEETING}: minutes approved",
    ]
    assert meeting_status(engine) == "minutes_approved"
    code, out, _ = report("minutes", MEETING, "-o", str(pdf), "--by", "sup")  # an assessor
    assert (
        code == 0
        and out == f"wrote {pdf}: 联席会议纪要 {MEETING}, approved 〔2026〕1号 (report 1)\n"
    )
    body = text(pdf)
    assert "〔2026〕1号" in body and "（草稿）" not in body and "会议状态纪要已审定" in body
    # the numbering is the other reports': the agenda approved next is number 2
    agenda = tmp_path / "agenda.pdf"
    assert report("agenda", MEETING, "-o", str(agenda), "--by", "sup")[0] == 0
    code, out, _ = report("approve", "2", "--user", "sup")
    assert code == 0 and "as 〔2026〕2号 by sup" in out
    code, out, _ = report("list", "--kind", "minutes", "--json")
    assert [(r["kind"], r["period"], r["status"], r["doc_number"]) for r in json.loads(out)] == [
        ("minutes", MEETING, "approved", "〔2026〕1号")
    ]
    # final: the meeting cannot be changed or approved again
    code, _, err = report("approve", "1", "--user", "coord")
    assert code == 2 and "cannot be approved twice" in err
    with pytest.raises(mt.InvalidInput, match="minutes of JM20261025 are approved"):
        mt.update_meeting(engine, COORD, MEETING, title="改名")
