"""The wall's joint-meeting panel: counts per column, the next meeting, and an overdue
list that accounts for every overdue item (listed, or counted in "… and N more")."""

from __future__ import annotations

from dataclasses import replace
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


def _reference_layout(items, lines: list[str]) -> tuple[list[str], int, int]:
    """FitList's layout as it was: every entry wrapped, then as many as fit."""
    capacity = items.capacity()
    blocks = [items.wrapped(line) for line in lines]
    if sum(len(b) for b in blocks) <= capacity:
        return [x for b in blocks for x in b], len(blocks), 0
    out: list[str] = []
    shown = 0
    for block in blocks:
        if len(out) + len(block) > capacity - 1:
            break
        out += block
        shown += 1
    return out, shown, len(blocks) - shown


def _big_board(n_proposed: int, n_overdue: int) -> Board:
    board = _board(0)
    proposed = tuple(_item(100_000 + k, "proposed") for k in range(n_proposed))
    overdue = tuple(
        replace(_item(k + 1, "in_execution", overdue=True), id=1_000_000 + k)
        for k in range(n_overdue)
    )
    columns = {**board.columns, "proposed": proposed, "in_execution": overdue}
    return Board(T, board.next_meeting, columns, tuple(i.id for i in overdue))


@pytest.mark.parametrize("n_overdue", [0, 3, 2_000])
@pytest.mark.parametrize("height", [360, 1400])
def test_a_district_board_lists_the_same_first_items_and_counts(panel, qtbot, n_overdue, height):
    """A board of 20,000 proposals (a district) and up to 2,000 overdue items: the same
    counts, the same first overdue lines and the same "… and N more" as when the list
    laid out every entry."""
    panel.resize(QSize(500, height))
    panel.show_meetings(MeetingPart(T, _big_board(20_000, n_overdue)))
    qtbot.wait(1)
    assert panel.counts["proposed"][0].text() == "20000"
    assert panel.counts["in_execution"][0].text() == str(n_overdue)
    lines = panel.items.lines()
    assert len(lines) == n_overdue
    out, shown, more = _reference_layout(panel.items, lines)
    assert panel.items.shown() == (shown, more)
    assert shown + more == n_overdue
    if more:
        assert panel.items.text().split("\n")[:-1] == out
        assert str(more) in panel.items.text().split("\n")[-1]
    else:
        assert panel.items.text() == "\n".join(out)
    if n_overdue:
        assert "议题01" in panel.items.text().split("\n")[0]


@pytest.mark.parametrize("max_lines", [1, 2])
def test_the_fitted_list_matches_wrapping_every_entry(qtbot, max_lines):
    """Long entries wrapped over two lines: the entries shown and counted are those of
    the layout that wrapped every entry, whatever the number of entries."""
    from center.windows.wall.panels import FitList

    fit = FitList(max_lines=max_lines)
    qtbot.addWidget(fit)
    fit.resize(QSize(240, 200))
    fit.show()
    qtbot.waitExposed(fit)
    for n in (0, 1, 4, 6, 7, 8, 12, 50, 500):
        lines = [("长" * (30 if k % 3 == 0 else 4)) + f"；第{k}项" for k in range(n)]
        fit.set_lines(lines, lambda m: f"+{m}")
        out, shown, more = _reference_layout(fit, lines)
        assert fit.shown() == (shown, more), n
        expected = out + ([f"+{more}"] if more else [])
        assert (fit.text().split("\n") if fit.text() else []) == expected
