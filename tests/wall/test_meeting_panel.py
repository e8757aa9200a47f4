"""The wall's joint-meeting panel: counts per column, the next meeting, and an overdue
list that accounts for every overdue item (listed, or counted in "… and N more")."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QSize

from center.office.meetings import COLUMNS, Board, BoardItem, MeetingInfo
from center.wall.model import MeetingPart
from center.windows.wall.panels import MeetingPanel
from db.types import CST

pytestmark = pytest.mark.gui
T = datetime(2026, 11, 5, 9, tzinfo=CST)


def _item(n: int, status: str, overdue: bool = False) -> BoardItem:
    return BoardItem(
        id=n,
        title=f"议题{n:02d}",
        reasons=("escalated",),
        cases=(f"K{n}",),
        lead="D06",
        lead_name="城管",
        due=date(2026, 9, 30) + timedelta(days=n) if status != "on_agenda" else None,
        status=status,
        version=1,
        overdue=overdue,
    )


def _board(n_overdue: int) -> Board:
    items = {col: [] for col in COLUMNS}  # type: ignore[var-annotated]
    items["proposed"] = [_item(100 + k, "proposed") for k in range(4)]
    items["on_agenda"] = [_item(200 + k, "on_agenda") for k in range(2)]
    items["decided"] = [_item(300, "decided")]
    items["in_execution"] = [_item(k + 1, "in_execution", overdue=True) for k in range(n_overdue)]
    items["done"] = [_item(400 + k, "done") for k in range(7)]
    nxt = MeetingInfo(
        code="JM20261111",
        date=date(2026, 11, 11),
        time="14:30",
        title="2026年11月敲门行动联席会议",
        chair="主任",
        place=None,
        status="planned",
        version=1,
    )
    overdue = tuple(k + 1 for k in range(n_overdue))
    return Board(T, nxt, {k: tuple(v) for k, v in items.items()}, overdue)


@pytest.fixture
def panel(qtbot) -> MeetingPanel:
    p = MeetingPanel()
    qtbot.addWidget(p)
    p.set_unit(1.0)
    p.show()
    qtbot.waitExposed(p)
    return p


def _listed(panel: MeetingPanel) -> tuple[list[str], int]:
    """The overdue lines on screen and the number the "more" line gives (0 without)."""
    text = panel.items.text()
    lines = text.split("\n") if text else []
    shown, more = panel.items.shown()
    assert len(lines) == shown + (1 if more else 0)
    return lines[:shown], more


@pytest.mark.parametrize("n", [0, 1, 5, 9, 30])
@pytest.mark.parametrize("height", [420, 700, 1400])
def test_the_overdue_list_accounts_for_every_overdue_item(panel, qtbot, n, height):
    panel.resize(QSize(500, height))
    panel.show_meetings(MeetingPart(T, _board(n)))
    qtbot.wait(1)
    lines, more = _listed(panel)
    assert panel.overdue.text().endswith(str(n))
    assert len(lines) + more == n
    # the longest overdue first, each with its due date and lead department
    assert all(f"议题{i + 1:02d}" in line for i, line in enumerate(lines))
    assert all("城管" in line and ("Oct" in line or "10月" in line) for line in lines)
    if more:
        assert str(more) in panel.items.text().split("\n")[-1]


def test_a_short_panel_says_how_many_more(panel, qtbot):
    panel.resize(QSize(500, 360))
    panel.show_meetings(MeetingPart(T, _board(12)))
    qtbot.wait(1)
    lines, more = _listed(panel)
    assert more > 0 and len(lines) + more == 12
    panel.resize(QSize(500, 1400))  # taller: everything fits, no "more" line
    qtbot.wait(1)
    lines, more = _listed(panel)
    assert (len(lines), more) == (12, 0)


def test_counts_per_column_and_the_next_meeting(panel, qtbot):
    panel.resize(QSize(500, 600))
    panel.show_meetings(MeetingPart(T, _board(3)))
    counts = {status: number.text() for status, (number, _) in panel.counts.items()}
    assert counts == {
        "proposed": "4",
        "on_agenda": "2",
        "decided": "1",
        "in_execution": "3",
        "done": "7",
    }
    assert "14:30" in panel.next_meeting.text()
    assert "2026年11月敲门行动联席会议" in panel.next_meeting.text()
