"""`center meeting …` end to end through :func:`center.cli.main` (spec/office.md, "Joint
meetings" § CLI): the last line of ``new``, the exact JSON of ``propose`` and ``board``,
every item command, and the refusals (exit code 2, one ``error:`` line, nothing
written). Runs on SQLite and PostgreSQL.

The street: K1 escalated, K2 overdue, K3 bounced (assigned to two departments), K4–K6
a cluster (grid G02, subcategory P01, within 720 h), K7 a fresh case with no reason.
Moves carry ``--at`` so that the board is the same whatever day the tests run.
"""

from __future__ import annotations

import json

import pytest
from builders import TEST_PASSWORD, Builder, account, at
from sqlalchemy import func, select

from center.cases import lifecycle as cs
from center.cli import main
from center.core.access import Actor
from db.models import AgendaItem, AuditLog, JointMeeting, ReportDoc

T = "2026-10-20T09:00:00+08:00"  # the proposal instant
MEETING = "JM20261025"


def make_street(engine) -> None:
    """The hand-made street of this module."""
    b = Builder(engine)
    b.grid("G01")
    b.grid("G02")
    for h, g in (("H1", "G01"), ("H2", "G02"), ("H3", "G01"), ("H7", "G01")):
        b.household(h, grid=g)
    for h in ("H4", "H5", "H6"):
        b.household(h, grid="G02")
    b.case(
        "H1",
        at(2026, 10, 15, 9),
        code="K1",
        grid="G01",
        subcategory="L01",
        dept="D01",
        status="assigned",
        assigned_at=at(2026, 10, 15, 10),
        escalated=True,
        escalated_at=at(2026, 10, 16, 10),
    )
    b.case(
        "H2",
        at(2026, 9, 1, 9),
        code="K2",
        grid="G02",
        subcategory="L02",
        dept="D12",
        status="assigned",
        assigned_at=at(2026, 9, 1, 10),
    )
    b.case("H3", at(2026, 10, 10, 9), code="K3", grid="G01", subcategory="M01")
    for h, day in (("H4", 1), ("H5", 5), ("H6", 12)):
        b.case(h, at(2026, 10, day, 9), code=f"K{h[1]}", grid="G02", subcategory="P01")
    b.case("H7", at(2026, 10, 18, 9), code="K7", grid="G01", subcategory="L03")
    coord = Actor("alice", "coordinator")
    v = cs.assign(engine, coord, "K3", 1, "D08", at=at(2026, 10, 10, 10)).version
    cs.assign(engine, coord, "K3", v, "D06", at=at(2026, 10, 11, 10))
    account(engine, "coord", "coordinator")
    account(engine, "d01", "department", dept="D01")
    account(engine, "d02", "department", dept="D02")
    account(engine, "boss", "leader")
    account(engine, "sup", "assessor")


@pytest.fixture
def street(engine, monkeypatch):
    make_street(engine)
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    monkeypatch.delenv("CENTER_USER", raising=False)
    return engine


@pytest.fixture
def cli(db_url, capsys):
    """``cli("propose", "--json", user="coord")`` → (exit code, stdout, stderr) of
    ``center meeting …`` in English."""

    def run(*argv: str, user: str | None = "coord") -> tuple[int, str, str]:
        args = ["meeting", *argv, "--db", db_url, "--lang", "en"]
        if user is not None:
            args += ["--user", user]
        code = main(args)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def state(engine) -> tuple:
    """What a refused command must leave unchanged (its login is audited, nothing else)."""
    with engine.connect() as conn:
        return (
            conn.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action.not_like("auth.%"))
            ),
            conn.execute(
                select(AgendaItem.id, AgendaItem.status, AgendaItem.version).order_by(AgendaItem.id)
            ).all(),
            conn.execute(
                select(JointMeeting.code, JointMeeting.status, JointMeeting.version).order_by(
                    JointMeeting.id
                )
            ).all(),
            conn.scalar(select(func.count()).select_from(ReportDoc)),
        )


def plan(cli) -> None:
    code, out, err = cli(
        "new",
        "--date",
        "2026-10-25",
        "--time",
        "14:30",
        "--title",
        "十月联席会议",
        "--chair",
        "王主任",
        "--place",
        "三楼会议室",
        "--attend",
        "D01",
        "--attend",
        "D02",
        "--at",
        "2026-10-19T09:00",
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == MEETING


PROPOSALS = {
    "as_of": T,
    "meeting": MEETING,
    "proposals": [
        {
            "id": 1,
            "reasons": ["escalated"],
            "cases": ["K1"],
            "grid": "G01",
            "subcategory": "L01",
            "title": "老年助餐（K1） G01网格",
        },
        {
            "id": 2,
            "reasons": ["overdue"],
            "cases": ["K2"],
            "grid": "G02",
            "subcategory": "L02",
            "title": "代购代办（K2） G02网格",
        },
        {
            "id": 3,
            "reasons": ["bounced"],
            "cases": ["K3"],
            "grid": "G01",
            "subcategory": "M01",
            "title": "邻里纠纷（K3） G01网格",
        },
        {
            "id": 4,
            "reasons": ["cluster"],
            "cases": ["K4", "K5", "K6"],
            "grid": "G02",
            "subcategory": "P01",
            "title": "G02网格惠民政策咨询集中反映（3件）",
        },
    ],
}


# --------------------------------------------------------------------------- new


def test_new_prints_the_code_last_and_json(street, cli):
    code, out, err = cli(
        "new",
        "--date",
        "2026-10-25",
        "--time",
        "14:30",
        "--title",
        "十月联席会议",
        "--chair",
        "王主任",
        "--place",
        "三楼会议室",
        "--attend",
        "D01",
        "--attend",
        "D02",
    )
    assert (code, err) == (0, "")
    assert out == (
        "joint meeting planned: 2026-10-25 14:30 “十月联席会议”, chaired by 王主任, "
        "at 三楼会议室, departments D01, D02\n"
        f"{MEETING}\n"
    )
    # a second meeting on the same day gets its own code; --time is optional
    code, out, _ = cli("new", "--date", "2026-10-25", "--title", "临时会议", "--chair", "李四")
    assert code == 0 and out.splitlines()[-1] == f"{MEETING}-2"
    code, out, err = cli(
        "new", "--date", "2026-11-25", "--time", "09:00", "--title", "十一月联席会议", "--chair",
        "王主任", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "code": "JM20261125",
        "date": "2026-11-25",
        "time": "09:00",
        "title": "十一月联席会议",
        "chair": "王主任",
        "status": "planned",
    }
    code, out, _ = cli("list", "--json", user=None)
    assert code == 0
    assert [(m["code"], m["status"], m["attending"]) for m in json.loads(out)] == [
        ("JM20261125", "planned", []),
        (f"{MEETING}-2", "planned", []),
        (MEETING, "planned", ["D01", "D02"]),
    ]


def test_new_in_chinese_by_default(street, db_url, capsys, monkeypatch):
    monkeypatch.delenv("CENTER_LANG")  # the suite reads English (tests/conftest.py)
    args = ["meeting", "new", "--date", "2026-10-25", "--title", "十月联席会议"]
    assert main([*args, "--chair", "王主任", "--db", db_url, "--user", "coord"]) == 0
    out = capsys.readouterr().out
    assert out == f"已安排联席会议：2026-10-25 《十月联席会议》，主持人 王主任\n{MEETING}\n"


# --------------------------------------------------------------------------- propose


def test_propose_json_gives_each_proposal_a_lasting_id(street, cli):
    plan(cli)
    code, out, err = cli("propose", "--as-of", T, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == PROPOSALS
    # asked again (also without a login: an aggregate reader), the same ids
    code, out, _ = cli("propose", "--as-of", "2026-10-20T09:00", "--json", user=None)
    assert code == 0 and json.loads(out) == PROPOSALS
    code, out, _ = cli("propose", "--as-of", T)
    assert code == 0
    assert out.splitlines() == [
        f"agenda proposals as of {T} (next meeting {MEETING} 2026-10-25): 4",
        "ID  REASONS    CASES     GRID  SUBCAT  TITLE",
        "--  ---------  --------  ----  ------  ----------------------------------",
        "1   escalated  K1        G01   L01     老年助餐（K1） G01网格",
        "2   overdue    K2        G02   L02     代购代办（K2） G02网格",
        "3   bounced    K3        G01   M01     邻里纠纷（K3） G01网格",
        "4   cluster    K4,K5,K6  G02   P01     G02网格惠民政策咨询集中反映（3件）",
        "accept with `center meeting accept ITEM`, drop with `center meeting drop ITEM --reason R`",
    ]


def test_propose_without_a_meeting(street, cli):
    code, out, _ = cli("propose", "--as-of", "2026-09-02T09:00", "--json")
    assert code == 0
    # before K1, K3…K7 were received and K2's deadline: nothing, for no meeting
    assert json.loads(out) == {
        "as_of": "2026-09-02T09:00:00+08:00",
        "meeting": None,
        "proposals": [],
    }


# --------------------------------------------------------------------------- the items


BOARD = {
    "as_of": "2026-11-11T09:00:00+08:00",
    "next_meeting": {
        "code": "JM20261125",
        "date": "2026-11-25",
        "time": None,
        "title": "十一月联席会议",
        "chair": "王主任",
        "status": "planned",
    },
    "columns": {
        "proposed": [
            {
                "id": 7,
                "title": "邻里纠纷（K3） G01网格",
                "reasons": ["overdue", "bounced"],
                "cases": ["K3"],
                "lead": "D06",
                "due": None,
                "status": "proposed",
            }
        ],
        "on_agenda": [
            {
                "id": 5,
                "title": "研究老旧小区加装电梯",
                "reasons": [],
                "cases": [],
                "lead": None,
                "due": None,
                "status": "on_agenda",
            },
            {
                "id": 6,
                "title": "健康服务（K7） G01网格",
                "reasons": [],
                "cases": ["K7"],
                "lead": None,
                "due": None,
                "status": "on_agenda",
            },
        ],
        "decided": [
            {
                "id": 4,
                "title": "G02网格惠民政策咨询集中反映（3件）",
                "reasons": ["cluster"],
                "cases": ["K4", "K5", "K6"],
                "lead": "D06",
                "due": "2026-11-30",
                "status": "decided",
            }
        ],
        "in_execution": [
            {
                "id": 1,
                "title": "老年助餐（K1） G01网格",
                "reasons": ["escalated"],
                "cases": ["K1"],
                "lead": "D01",
                "due": "2026-11-10",
                "status": "in_execution",
            }
        ],
        "done": [
            {
                "id": 2,
                "title": "代购代办（K2） G02网格",
                "reasons": ["overdue"],
                "cases": ["K2"],
                "lead": "D12",
                "due": "2026-11-05",
                "status": "done",
            }
        ],
    },
    "overdue": [1],
}


def run_meeting(cli) -> None:
    """The October meeting, item by item, as the commands print it."""
    plan(cli)
    assert cli("propose", "--as-of", T, "--json")[0] == 0
    steps = [
        (("accept", "1", "--at", "2026-10-20T10:00"), "item 1: proposed → on_agenda"),
        (("accept", "2", "--at", "2026-10-20T10:00"), "item 2: proposed → on_agenda"),
        (("accept", "4", "--at", "2026-10-20T10:00"), "item 4: proposed → on_agenda"),
        (
            ("drop", "3", "--reason", "已由派出所牵头处理", "--at", "2026-10-20T10:00"),
            "item 3: proposed → dropped",
        ),
        (
            ("add", MEETING, "--topic", "研究老旧小区加装电梯", "--at", "2026-10-21T10:00"),
            f"item 5 added to the agenda of {MEETING} (on_agenda)\n5",
        ),
        (
            ("add", MEETING, "--case", "K7", "--at", "2026-10-21T10:00"),
            f"item 6 added to the agenda of {MEETING} (on_agenda)\n6",
        ),
        (
            (
                "decide",
                "1",
                "--lead",
                "D01",
                "--with",
                "D02",
                "--with",
                "D03",
                "--measures",
                "联合上门核实助餐需求",
                "--due",
                "2026-11-10",
                "--at",
                "2026-10-25T16:00",
            ),
            "item 1: on_agenda → decided",
        ),  # fmt: skip
        (
            (
                "decide",
                "2",
                "--lead",
                "D12",
                "--measures",
                "代办到位",
                "--due",
                "2026-11-05",
                "--at",
                "2026-10-25T16:00",
            ),
            "item 2: on_agenda → decided",
        ),  # fmt: skip
        (
            (
                "decide",
                "4",
                "--lead",
                "D06",
                "--with",
                "D01",
                "--measures",
                "统一政策答复口径",
                "--due",
                "2026-11-30",
                "--at",
                "2026-10-25T16:10",
            ),
            "item 4: on_agenda → decided",
        ),  # fmt: skip
    ]
    for argv, expected in steps:
        code, out, err = cli(*argv)
        assert (code, err) == (0, ""), argv
        # a move prints "item N: before → after (version V)"; add prints the id last
        assert out.startswith(expected + ("\n" if argv[0] == "add" else " (version ")), out
    code, out, err = cli("held", MEETING, "--attend", "D01", "--attend", "D06", "--at",
                         "2026-10-25T17:00")  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"joint meeting {MEETING} recorded as held (held); attending: D01, D06\n"
    # D01 has an account: its own user acknowledges and reports; D12 has none: the
    # coordinator does it for D12
    for argv, user, expected in [
        (("ack", "1", "--at", "2026-10-26T09:00"), "d01", "item 1: decided → in_execution"),
        (
            ("progress", "1", "--note", "已上门走访", "--at", "2026-10-28T09:00"),
            "d01",
            "item 1: progress note recorded (in_execution",
        ),
        (("ack", "2", "--at", "2026-10-26T09:00"), "coord", "item 2: decided → in_execution"),
        (
            ("done", "2", "--note", "已全部代办", "--at", "2026-11-02T09:00"),
            "coord",
            "item 2: in_execution → done",
        ),
    ]:
        code, out, err = cli(*argv, user=user)
        assert (code, err) == (0, ""), argv
        assert out.startswith(expected), out
    code, out, _ = cli("new", "--date", "2026-11-25", "--title", "十一月联席会议", "--chair",
                       "王主任", "--at", "2026-11-01T09:00")  # fmt: skip
    assert out.splitlines()[-1] == "JM20261125"


def test_item_commands_and_the_board_json(street, cli):
    run_meeting(cli)
    code, out, err = cli("board", "--as-of", "2026-11-11T09:00", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == BOARD
    # a leader reads the same board (the proposal keeps its id)
    code, out, _ = cli("board", "--as-of", "2026-11-11T09:00", "--json", user="boss")
    assert code == 0 and json.loads(out) == BOARD
    # the due date is the last day allowed: on 2026-11-10 item 1 is not overdue yet
    code, out, _ = cli("board", "--as-of", "2026-11-10T23:59:59", "--json")
    assert json.loads(out)["overdue"] == []
    code, out, _ = cli("board", "--as-of", "2026-12-01T00:00", "--json")
    assert json.loads(out)["overdue"] == [1, 4]


def test_board_in_readable_form(street, cli):
    run_meeting(cli)
    code, out, _ = cli("board", "--as-of", "2026-11-11T09:00")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == [
        "joint-meeting board as of 2026-11-11T09:00:00+08:00",
        "next meeting: JM20261125 2026-11-25 十一月联席会议 (planned)",
    ]
    assert "in_execution (1)" in lines and "done (1)" in lines
    assert any(ln.startswith("1 !  老年助餐（K1） G01网格") for ln in lines)
    assert lines[-1] == "overdue items 1: 1"


def test_the_commands_work_at_the_current_instant(street, cli):
    """Without --at and --as-of (as the spec's commands are typed): now."""
    code, out, _ = cli("new", "--date", "2099-01-05", "--title", "远期会议", "--chair", "王主任")
    assert out.splitlines()[-1] == "JM20990105"
    code, out, _ = cli("propose", "--json")
    props = json.loads(out)
    assert props["meeting"] == "JM20990105"
    by_case = {tuple(p["cases"]): p for p in props["proposals"]}
    # by now every open case is long overdue
    assert by_case[("K1",)]["reasons"] == ["escalated", "overdue"]
    k1 = str(by_case[("K1",)]["id"])
    assert cli("accept", k1)[0] == 0
    code, out, err = cli("decide", k1, "--lead", "D01", "--measures", "上门", "--due", "2099-02-01")
    assert (code, err) == (0, "")
    assert cli("ack", k1, user="d01")[0] == 0
    assert cli("progress", k1, "--note", "进行中", user="d01")[0] == 0
    assert cli("done", k1, "--note", "已办结", user="d01")[0] == 0
    code, out, _ = cli("board", "--json")
    board = json.loads(out)
    assert [i["id"] for i in board["columns"]["done"]] == [int(k1)]
    assert board["next_meeting"]["code"] == "JM20990105"


# --------------------------------------------------------------------------- refusals


def test_refusals_write_nothing(street, cli, monkeypatch, capsys):
    run_meeting(cli)
    assert cli("board", "--as-of", "2026-11-11T09:00", "--json")[0] == 0  # proposal 7
    before = state(street)
    known = "D01, D02, D03, D04, D05, D06, D07, D08, D09, D10, D11, D12"
    refusals = [
        (("accept", "1"), "coord", "agenda item 1 is in_execution: it cannot be accepted onto "
         "the agenda (possible now: progress, done)"),
        (("decide", "7", "--lead", "D01", "--measures", "x", "--due", "2099-01-01"), "coord",
         "agenda item 7 is proposed: it cannot be decided (possible now: accept, drop)"),
        (("drop", "2", "--reason", "x"), "coord",
         "agenda item 2 is done: it cannot be dropped (possible now: none)"),
        (("decide", "5", "--lead", "D99", "--measures", "x", "--due", "2099-01-01"), "coord",
         f"lead: no department with code 'D99' (departments: {known})"),
        (("decide", "5", "--lead", "D01", "--measures", " ", "--due", "2099-01-01"), "coord",
         "measures: is required"),
        (("decide", "5", "--lead", "D01", "--measures", "x", "--due", "01/02/2099"), "coord",
         "--due: '01/02/2099' is not a date YYYY-MM-DD"),
        (("progress", "1", "--note", "x"), "d02",
         "user 'd02' (role department) may not report meeting item: the case is not assigned "
         "to your department"),
        (("ack", "4"), "d01", "user 'd01' (role department) may not ack meeting item: the case "
         "is not assigned to your department"),
        (("accept", "7"), "boss", "user 'boss' (role leader) may not run meetings"),
        (("new", "--date", "2026-12-01", "--title", "t", "--chair", "c"), "d01",
         "user 'd01' (role department) may not run meetings"),
        (("new", "--date", "2026-13-01", "--title", "t", "--chair", "c"), "coord",
         "--date: '2026-13-01' is not a date YYYY-MM-DD"),
        (("new", "--date", "2026-12-01", "--time", "25:00", "--title", "t", "--chair", "c"),
         "coord", "time: '25:00' is not a time HH:MM"),
        (("add", "JM19990101", "--topic", "x"), "coord", "no meeting with code 'JM19990101'"),
        (("add", MEETING, "--case", "K1"), "coord", "case: K1 is already on an agenda"),
        (("add", MEETING, "--case", "K99"), "coord", "no case with code 'K99'"),
        (("done", "x1", "--note", "x"), "coord", "ITEM: 'x1' is not an item id (a number from "
         "`center meeting propose` or `center meeting board --json`)"),
        (("done", "99", "--note", "x"), "coord", "no agenda item with code '99'"),
        (("held", MEETING), "coord", f"meeting: {MEETING} is held: only a planned meeting is held"),
        (("board", "--as-of", "yesterday", "--json"), "coord",
         "--as-of: invalid as-of instant 'yesterday': expected ISO 8601, e.g. "
         "2026-11-05T09:00:00+08:00"),
        (("accept", "7"), None, "`center meeting accept` needs a login: name the user with "
         "--user NAME or CENTER_USER (the password comes from CENTER_PASSWORD or a prompt)"),
    ]  # fmt: skip
    for argv, user, message in refusals:
        code, out, err = cli(*argv, user=user)
        assert (code, out, err) == (2, "", f"center: error: {message}\n"), argv
        assert state(street) == before, argv
    # argparse refuses a missing option or a bad combination before anything runs
    for argv in (("done", "1"), ("add", MEETING), ("add", MEETING, "--case", "K7", "--topic", "x")):
        with pytest.raises(SystemExit) as exc:
            cli(*argv)
        assert exc.value.code == 2
        assert "usage: center meeting" in capsys.readouterr().err
    assert state(street) == before
    # a wrong password: refused
    monkeypatch.setenv("CENTER_PASSWORD", "wrong-password")
    code, out, err = cli("accept", "7")
    assert code == 2 and out == "" and err.startswith("center: error: ")
    assert state(street) == before


def test_moves_are_audited(street, cli):
    run_meeting(cli)
    with street.connect() as conn:
        rows = conn.execute(
            select(AuditLog.action, AuditLog.actor, AuditLog.entity_code)
            .where(AuditLog.entity.in_(("agenda_item", "meeting")))
            .order_by(AuditLog.id)
        ).all()
    assert rows == [
        ("meeting.new", "coord", MEETING),
        ("meeting_item.accept", "coord", "1"),
        ("meeting_item.accept", "coord", "2"),
        ("meeting_item.accept", "coord", "4"),
        ("meeting_item.drop", "coord", "3"),
        ("meeting_item.add", "coord", "5"),
        ("meeting_item.add", "coord", "6"),
        ("meeting_item.decide", "coord", "1"),
        ("meeting_item.decide", "coord", "2"),
        ("meeting_item.decide", "coord", "4"),
        ("meeting.held", "coord", MEETING),
        ("meeting_item.ack", "d01", "1"),
        ("meeting_item.progress", "d01", "1"),
        ("meeting_item.ack", "coord", "2"),
        ("meeting_item.done", "coord", "2"),
        ("meeting.new", "coord", "JM20261125"),
    ]
