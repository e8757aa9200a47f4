"""The joint-meeting tab (联席会议): the selected (by default the next) meeting with its
agenda, the proposals with their reasons and cases, and the board (Kanban) whose cards
are dragged between the columns.

Every change is a call of :mod:`center.office.meetings` on a worker thread; the board
then reloads from the database. A card dropped on another column asks
:func:`~center.office.meetings.move_for` which move that is: an illegal drop leaves the
card where it was and the banner says why (nothing is written); a drop on 已议定 opens
the decision dialog, on 已办结 asks for the closing note. The same path serves a real
drag and a test (:meth:`MeetingsView.handle_drop` with the card's ``QMimeData``).

Buttons a role may not use are disabled with a tooltip saying why; the services check
again. :class:`MeetingQueue` is the department queue's list of the items a department
leads, with their due dates.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QMimeData, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFontMetrics,
    QPainter,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.cases import lifecycle as cs
from center.cases.lifecycle import DepartmentInfo
from center.core.access import Actor
from center.core.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from center.office import meetings as mtg
from center.office.meetings import Board, BoardItem, ItemChange, ItemDetail, MeetingInfo
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from center.windows.workstation.case_view import error_text
from center.windows.workstation.meetings_dialogs import (
    AddItemDialog,
    DecisionDialog,
    HoldDialog,
    ItemDetailDialog,
    MeetingDialog,
    NoteDialog,
    meeting_status_name,
    reason_names,
    status_name,
)
from db.types import to_local

log = logging.getLogger("center.workstation")
translate = tx.translate

#: the MIME type of a dragged card: ``{"id", "status", "version"}`` as JSON
MIME = "application/x-center-agenda-item"
COLUMNS = mtg.COLUMNS
#: the moves whose buttons the board shows, in order
MOVE_BUTTONS = ("accept", "drop", "decide", "ack", "progress", "done")
OVERDUE_BG = QColor("#FDE2E1")
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_FG = QColor("#A8071A")
BANNER_STYLE = {
    "error": "background: #FFF1F0; border: 1px solid #FFA39E; color: #A8071A;",
    "info": "background: #F6FFED; border: 1px solid #B7EB8F; color: #237804;",
}


def move_label(action: str) -> str:
    return {
        "accept": translate("Workstation", "&Accept onto the agenda"),
        "drop": translate("Workstation", "D&rop…"),
        "decide": translate("Workstation", "D&ecide…"),
        "ack": translate("Workstation", "Ac&knowledge"),
        "progress": translate("Workstation", "&Progress note…"),
        "done": translate("Workstation", "C&lose item…"),
    }[action]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class MeetingsData:
    """What the tab shows, read on a worker in one go."""

    board: Board
    meetings: tuple[MeetingInfo, ...]
    selected: MeetingInfo | None
    agenda: tuple[BoardItem, ...]
    departments: tuple[DepartmentInfo, ...] = field(default=())


def pick_meeting(
    board: Board, meetings: Sequence[MeetingInfo], wanted: str | None
) -> MeetingInfo | None:
    """The meeting the tab shows: the one chosen, else the next planned one, else a
    planned one whose date passed (to be recorded as held), else the latest."""
    by_code = {m.code: m for m in meetings}
    if wanted and wanted in by_code:
        return by_code[wanted]
    if board.next_meeting is not None and board.next_meeting.code in by_code:
        return by_code[board.next_meeting.code]
    planned = [m for m in meetings if m.status == "planned"]
    if planned:
        return planned[0]
    return meetings[0] if meetings else None


def load_meetings(
    engine: Engine, actor: Actor, as_of: datetime | None, wanted: str | None
) -> MeetingsData:
    """The board, the meetings, the chosen meeting's agenda and the departments: read
    only. A proposal nobody acted on yet comes without its lasting id (allocating it is a
    write); the view allocates it when the user moves it (:func:`_move_proposal`)."""
    b = mtg.board(engine, actor, as_of, allocate=False)
    ms = tuple(mtg.meetings(engine, actor))
    chosen = pick_meeting(b, ms, wanted)
    agenda = tuple(mtg.meeting_items(engine, actor, chosen.code)) if chosen else ()
    return MeetingsData(b, ms, chosen, agenda, tuple(cs.departments(engine)))


def led_items(
    engine: Engine, actor: Actor, dept_code: str, as_of: datetime | None = None
) -> list[BoardItem]:
    """The open items ``dept_code`` leads, the earliest due first: the service's queue
    for the actor's own department, else read from the board (nothing written)."""
    if actor.dept_code == dept_code and actor.dept_id is not None:
        return mtg.department_items(engine, actor, as_of)
    b = mtg.board(engine, actor, as_of, allocate=False)
    items = [i for col in mtg.OPEN_ITEM for i in b.columns.get(col, ()) if i.lead == dept_code]
    return sorted(items, key=lambda i: (i.due or date.max, i.id or 0))


def _move(
    engine: Engine, actor: Actor, action: str, item_id: int, version: int | None, kw: dict[str, Any]
) -> ItemChange:
    fn: Callable[..., ItemChange] = getattr(mtg, action)
    return fn(engine, actor, item_id, version, **kw)


def _move_proposal(
    engine: Engine,
    actor: Actor,
    action: str,
    item: BoardItem,
    as_of: datetime | None,
    kw: dict[str, Any],
) -> ItemChange:
    """A move on a proposal shown without its id: the user acts on it now, so the
    proposals get their lasting ids (the service's write) and the move follows on the
    one with the same cases (else the same title)."""
    props = mtg.proposals_at(engine, actor, as_of, allocate=True).proposals
    match = next((p for p in props if p.kind == item.kind and p.cases == item.cases), None)
    if match is None:
        match = next((p for p in props if p.kind == item.kind and p.title == item.title), None)
    if match is None or match.id is None:
        raise NotFound("proposal", item.title)
    return _move(engine, actor, action, match.id, None, kw)


def _detail(engine: Engine, actor: Actor, item_id: int) -> ItemDetail:
    return mtg.item_detail(engine, actor, item_id)


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
    return fn(*args, **kw)


def meetings_error(exc: BaseException) -> str:
    """A translated sentence for an error of the meeting services."""
    if isinstance(exc, mtg.MoveRefused):
        return (
            translate("Workstation", "Item %1 is “%2”: that is not possible any more.")
            .replace("%1", str(exc.item_id))
            .replace("%2", status_name(exc.status))
        ) + (
            " " + translate("Workstation", "Its cases were closed or put on an agenda.")
            if "no longer proposed" in str(exc)
            else ""
        )
    if isinstance(exc, ConflictError):
        return (
            translate(
                "Workstation",
                "Someone else changed %1 %2 meanwhile; nothing was saved. The board was "
                "reloaded: look at it again.",
            )
            .replace(
                "%1",
                translate("Workstation", "item")
                if exc.entity == "agenda item"
                else translate("Workstation", "meeting"),
            )
            .replace("%2", exc.code)
        )
    if isinstance(exc, PermissionDenied):
        if "account of its own" in exc.why:
            return translate(
                "Workstation",
                "The lead department has an account of its own: it acknowledges the item and "
                "reports on it itself.",
            )
        if "not assigned to your department" in exc.why:
            return translate("Workstation", "Your department does not lead this item.")
        return translate("Workstation", "Your role may not do this (%1).").replace(
            "%1", exc.why or exc.action.replace("_", " ")
        )
    if isinstance(exc, InvalidInput):
        known = {
            "meeting": translate(
                "Workstation", "Plan the next meeting first, or check the meeting: %1"
            ),
            "due": translate("Workstation", "The due date cannot lie before the decision: %1"),
            "case": translate("Workstation", "That case cannot be added: %1"),
            "at": translate("Workstation", "Not yet possible: %1"),
        }.get(exc.field)
        if known:
            return known.replace("%1", exc.message)
        return translate("Workstation", "Not saved: %1").replace("%1", str(exc))
    if isinstance(exc, NotFound):
        return translate("Workstation", "Not found: %1").replace("%1", exc.code)
    return error_text(exc)


def refusal(item: BoardItem, target: str) -> str:
    """Why an item cannot move to the column ``target`` (what :func:`move_for` refused)."""
    allowed = [mtg.MOVES[a][1] for a in mtg.ACTIONS_FROM.get(item.status, ()) if a != "progress"]
    text = (
        translate("Workstation", "Item %1 (“%2”) cannot move to “%3”.")
        .replace("%1", item_ref(item))
        .replace("%2", status_name(item.status))
        .replace("%3", status_name(target))
    )
    if allowed:
        text += " " + translate("Workstation", "From here it can go to: %1.").replace(
            "%1", "、".join(f"“{status_name(s)}”" for s in allowed)
        )
    else:
        text += " " + translate("Workstation", "It stays where it is.")
    return text


# --------------------------------------------------------------------------- board


class CardDelegate(QStyledItemDelegate):
    """A board card: a bordered box in the item's background colour (red for an
    overdue item), its text wrapped inside with a margin."""

    PAD = 6

    def _text_rect(self, rect: QRect) -> QRect:
        return rect.adjusted(self.PAD + 3, self.PAD - 2, -self.PAD, -self.PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(1, 1, -1, -1)
        bg = index.data(Qt.ItemDataRole.BackgroundRole)
        fg = index.data(Qt.ItemDataRole.ForegroundRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        overdue = bool(index.data(OVERDUE_ROLE))
        fill = bg.color() if isinstance(bg, QBrush) else QColor(bg) if bg else QColor("#FFFFFF")
        border = QColor("#1677FF") if selected else OVERDUE_FG if overdue else QColor("#C9D2DE")
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        if overdue:  # a red bar on the left edge
            painter.fillRect(QRect(rect.left(), rect.top() + 2, 4, rect.height() - 4), OVERDUE_FG)
        painter.setPen(fg.color() if isinstance(fg, QBrush) else QColor("#1F1F1F"))
        painter.setFont(option.font)
        painter.drawText(
            self._text_rect(rect),
            int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft),
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        width = max(120, option.rect.width() or 240)
        view = self.parent()
        if isinstance(view, QListWidget):
            width = view.viewport().width() - 2 * view.spacing()
        inner = self._text_rect(QRect(0, 0, width - 2, 10_000))
        fm = QFontMetrics(option.font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bound = fm.boundingRect(inner, int(Qt.TextFlag.TextWordWrap), text)
        return QSize(width, bound.height() + 2 * self.PAD)


class BoardColumn(QListWidget):
    """One column of the board: cards that can be dragged to another column. A drop is
    handed to the view (which calls the services); Qt never moves the card itself, so a
    refused or cancelled drop leaves it where it was."""

    def __init__(self, column: str, view: MeetingsView) -> None:
        super().__init__()
        self.column = column
        self._view = view
        self.setObjectName(f"board-{column}")
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(3)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QListWidget { background: #F0F2F5; border: 1px solid #D9D9D9; }")
        self.setItemDelegate(CardDelegate(self))

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        data = QMimeData()
        cards = [self._view.item_of(i) for i in items]
        card = next((c for c in cards if c is not None), None)
        if card is not None:
            key = self._view.key(card)
            payload = {"id": key, "status": card.status, "version": card.version}
            data.setData(MIME, json.dumps(payload).encode())
            data.setText(card.title)
        return data

    def card(self, item_id: int) -> QListWidgetItem | None:
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == item_id:
                return self.item(i)
        return None

    def ids(self) -> list[int]:
        return [int(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        self._view.handle_drop(event.mimeData(), self.column)
        # the board reloads from the database once the service has run
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.ignore()


def item_ref(item: BoardItem) -> str:
    """How dialogs and messages name an item: its title in quotes (a case item's title
    says its subcategory, case code and grid), never its database number."""
    return f"“{item.title}”"


def other_cases(item: BoardItem) -> tuple[str, ...]:
    """The item's cases its title does not already name (a case item's title carries
    its case code: the card names it once)."""
    return tuple(c for c in item.cases if c not in item.title)


def card_text(item: BoardItem) -> str:
    lines = [item.title]
    if item.status == "proposed":
        lines.append(reason_names(item.reasons))
    elif item.status == "on_agenda":
        lines.append(
            (item.meeting or "—")
            + (
                " · "
                + translate("Workstation", "lead %1").replace("%1", item.lead_name or item.lead)
                if item.lead
                else ""
            )
        )
    else:
        lead = item.lead_name or item.lead or "—"
        due = item.due.isoformat() if item.due else "—"
        text = translate("Workstation", "lead %1 · due %2").replace("%1", lead).replace("%2", due)
        if item.overdue:
            text = "⚠ " + translate("Workstation", "OVERDUE") + " · " + text
        lines.append(text)
    cases = other_cases(item)
    if cases:
        shown = "、".join(cases[:2])
        if len(cases) > 2:
            shown += " " + translate("Workstation", "and %1 more").replace(
                "%1", str(len(cases) - 2)
            )
        lines.append(shown)
    elif item.kind == "topic":
        lines.append(translate("Workstation", "topic (no case)"))
    return "\n".join(lines)


def card_tip(item: BoardItem) -> str:
    parts = [item.title, status_name(item.status)]
    if item.reasons:
        parts.append(
            translate("Workstation", "Proposed because: %1").replace(
                "%1", reason_names(item.reasons)
            )
        )
    if item.lead:
        parts.append(
            translate("Workstation", "Lead: %1").replace(
                "%1", f"{item.lead} {item.lead_name or ''}".strip()
            )
        )
    if item.co_depts:
        parts.append(translate("Workstation", "With: %1").replace("%1", "、".join(item.co_depts)))
    if item.due:
        parts.append(translate("Workstation", "Due: %1").replace("%1", item.due.isoformat()))
    if item.measures:
        parts.append(item.measures)
    if item.cases:
        parts.append("、".join(item.cases))
    return "\n".join(parts)


class MeetingsView(QWidget):
    """The joint-meeting tab; see the module doc."""

    case_requested = Signal(str)
    changed = Signal(object)  # ItemChange or MeetingInfo
    notice = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self._now = clock_fn
        self.data: MeetingsData | None = None
        self.departments: tuple[DepartmentInfo, ...] = ()
        #: the items by their key: the id, or for a proposal without one yet a negative
        #: stand-in (:meth:`key`)
        self._items: dict[int, BoardItem] = {}
        self._keys: dict[int, int] = {}  # id(BoardItem) → key
        self._wanted: str | None = None
        self._stale = True  # loads when first shown
        self.dialog: Any = None  # the dialog open now (tests fill it in)
        self.detail_dialog: ItemDetailDialog | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self.runs = actor.may("run_meetings") and not actor.read_only

        # the meeting
        self.meeting = QComboBox()
        self.meeting.setMinimumWidth(300)
        self.meeting.setMaximumWidth(420)
        self.meeting.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.meeting.activated.connect(self._on_meeting_chosen)
        self.meeting_info = QLabel()
        self.meeting_info.setWordWrap(True)
        self.meeting_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plan_btn = QPushButton(translate("Workstation", "Pla&n a meeting…"))
        self.edit_btn = QPushButton(translate("Workstation", "Ed&it meeting…"))
        self.hold_btn = QPushButton(translate("Workstation", "Rec&ord as held…"))
        self.plan_btn.clicked.connect(lambda: self.plan_meeting())
        self.edit_btn.clicked.connect(lambda: self.edit_meeting())
        self.hold_btn.clicked.connect(lambda: self.hold_meeting())
        self.refresh_btn = QToolButton()
        self.refresh_btn.setText(translate("Workstation", "Refresh"))
        self.refresh_btn.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(QLabel(translate("Workstation", "Meeting:")))
        head.addWidget(self.meeting)
        head.addWidget(self.meeting_info, 1)
        for b in (self.plan_btn, self.edit_btn, self.hold_btn, self.refresh_btn):
            head.addWidget(b)

        # the banner: why a drop was refused, what was saved
        self.banner = QLabel()
        self.banner.setObjectName("meetings-banner")
        self.banner.setWordWrap(True)
        self.banner_close = QToolButton()
        self.banner_close.setText("×")
        self.banner_close.setAutoRaise(True)
        self.banner_close.setToolTip(translate("Workstation", "Hide this message"))
        self.banner_close.clicked.connect(self.hide_banner)
        self.banner_frame = QFrame()
        bl = QHBoxLayout(self.banner_frame)
        bl.setContentsMargins(8, 2, 2, 2)
        bl.addWidget(self.banner, 1)
        bl.addWidget(self.banner_close)
        self.banner_frame.hide()
        self.banner_kind = ""

        # board page
        self.dept = QComboBox()
        self.dept.setMinimumWidth(200)
        self.dept.addItem(translate("Workstation", "All departments"), None)
        self.dept.currentIndexChanged.connect(lambda _i: self._fill_board())
        self.overdue_only = QCheckBox(translate("Workstation", "Overdue only"))
        self.overdue_only.toggled.connect(lambda _on: self._fill_board())
        self.detail_btn = QPushButton(translate("Workstation", "De&tails…"))
        self.detail_btn.clicked.connect(lambda: self.show_detail())
        self.move_btns: dict[str, QPushButton] = {}
        for action in MOVE_BUTTONS:
            b = QPushButton(move_label(action))
            b.clicked.connect(lambda _c=False, a=action: self.start_move(a, self.selected_item()))
            self.move_btns[action] = b
        tools = QHBoxLayout()
        tools.addWidget(QLabel(translate("Workstation", "Department:")))
        tools.addWidget(self.dept)
        tools.addWidget(self.overdue_only)
        tools.addStretch(1)
        tools.addWidget(self.detail_btn)
        for b in self.move_btns.values():
            tools.addWidget(b)
        self.columns: dict[str, BoardColumn] = {}
        self.column_titles: dict[str, QLabel] = {}
        cols = QHBoxLayout()
        cols.setSpacing(6)
        for col in COLUMNS:
            w = BoardColumn(col, self)
            w.itemSelectionChanged.connect(lambda c=col: self._on_card_selected(c))
            w.itemDoubleClicked.connect(lambda it: self.show_detail(self.item_of(it)))
            title = QLabel(status_name(col))
            tf = title.font()
            tf.setBold(True)
            title.setFont(tf)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(title)
            box.addWidget(w, 1)
            cols.addLayout(box, 1)
            self.columns[col] = w
            self.column_titles[col] = title
        board_page = QWidget()
        bp = QVBoxLayout(board_page)
        bp.setContentsMargins(4, 4, 4, 4)
        bp.addLayout(tools)
        bp.addLayout(cols, 1)
        # how the board is used, by what this user may do on it
        if self.runs:
            hint_text = translate(
                "Workstation",
                "Drag a card to the next column to move it; double-click it for its details "
                "and cases. Red cards are overdue.",
            )
        elif actor.may("ack_meeting_item") and not actor.read_only:
            hint_text = translate(
                "Workstation",
                "Drag a decided item your department leads to “In execution” to take it on; "
                "double-click a card for its details and cases. Red cards are overdue.",
            )
        else:
            hint_text = translate(
                "Workstation",
                "Double-click a card for its details and cases. Red cards are overdue.",
            )
        self.hint = QLabel(hint_text)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8C8C8C")
        bp.addWidget(self.hint)

        # agenda and proposals page
        self.agenda = self._table(
            [
                translate("Workstation", "No."),
                translate("Workstation", "Item"),
                translate("Workstation", "Cases"),
                translate("Workstation", "Lead department"),
                translate("Workstation", "Status"),
                translate("Workstation", "Due by"),
            ]
        )
        self.agenda_title = QLabel()
        self.add_case_btn = QPushButton(translate("Workstation", "Add a &case…"))
        self.add_topic_btn = QPushButton(translate("Workstation", "Add a &topic…"))
        self.agenda_drop_btn = QPushButton(translate("Workstation", "Drop from the agenda…"))
        self.add_case_btn.clicked.connect(lambda: self.add_item("case"))
        self.add_topic_btn.clicked.connect(lambda: self.add_item("topic"))
        self.agenda_drop_btn.clicked.connect(
            lambda: self.start_move("drop", self._row_item(self.agenda))
        )
        self.agenda.itemSelectionChanged.connect(self._update_buttons)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.agenda_title)
        ll.addWidget(self.agenda, 1)
        lb = QHBoxLayout()
        lb.addWidget(self.add_case_btn)
        lb.addWidget(self.add_topic_btn)
        lb.addStretch(1)
        lb.addWidget(self.agenda_drop_btn)
        ll.addLayout(lb)

        self.proposals = self._table(
            [
                translate("Workstation", "No."),
                translate("Workstation", "Proposed item"),
                translate("Workstation", "Reasons"),
                translate("Workstation", "Cases"),
                translate("Workstation", "Department"),
            ]
        )
        self.proposals_title = QLabel()
        self.accept_btn = QPushButton(translate("Workstation", "Accept onto the agenda"))
        self.drop_btn = QPushButton(translate("Workstation", "Drop with a reason…"))
        self.accept_btn.clicked.connect(
            lambda: self.start_move("accept", self._row_item(self.proposals))
        )
        self.drop_btn.clicked.connect(
            lambda: self.start_move("drop", self._row_item(self.proposals))
        )
        self.proposals.itemSelectionChanged.connect(self._update_buttons)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.proposals_title)
        rl.addWidget(self.proposals, 1)
        rb = QHBoxLayout()
        rb.addStretch(1)
        rb.addWidget(self.accept_btn)
        rb.addWidget(self.drop_btn)
        rl.addLayout(rb)
        for table in (self.agenda, self.proposals):
            table.itemDoubleClicked.connect(
                lambda cell, t=table: self.show_detail(self._row_item(t))
            )
        agenda_page = QSplitter(Qt.Orientation.Horizontal)
        agenda_page.addWidget(left)
        agenda_page.addWidget(right)
        agenda_page.setSizes([620, 700])

        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(board_page, translate("Workstation", "Board"))
        self.pages.addTab(agenda_page, translate("Workstation", "Agenda and proposals"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.banner_frame)
        layout.addWidget(self.pages, 1)
        self._update_buttons()

    @staticmethod
    def _table(headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setAlternatingRowColors(True)
        t.setWordWrap(True)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setStretchLastSection(True)
        return t

    # -- loading -------------------------------------------------------------------------

    def as_of(self) -> datetime | None:
        return self._now() if self._now else None

    def today(self) -> date:
        t = self.as_of()
        return to_local(t).date() if t else tx.street_now().date()

    def refresh(self) -> None:
        """Reload now when the tab is shown, else when it is shown next (a hidden tab
        costs nothing at start-up or on a change elsewhere)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._runner.submit(
            "load", load_meetings, self._engine, self._actor, self.as_of(), self._wanted
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def is_busy(self) -> bool:
        return self._runner.busy()

    def _on_meeting_chosen(self, _index: int) -> None:
        code = self.meeting.currentData()
        self._wanted = str(code) if code else None
        self.refresh()

    def _show(self, data: MeetingsData) -> None:
        first = self.data is None
        self.data = data
        if data.departments != self.departments:
            self.departments = data.departments
            current = self.dept.currentData()
            self.dept.blockSignals(True)
            self.dept.clear()
            self.dept.addItem(translate("Workstation", "All departments"), None)
            for d in data.departments:
                self.dept.addItem(f"{d.code} {tx.pick(d.name, d.name_en)}", d.code)
            if first and current is None:
                # a department user looks at the items of their department first
                from center.windows.workstation.dept_view import own_department_only

                current = own_department_only(self._actor)
            self.dept.setCurrentIndex(max(self.dept.findData(current), 0))
            self.dept.blockSignals(False)
        self._items, self._keys = {}, {}
        stand_in = 0
        for i in (*(i for col in data.board.columns.values() for i in col), *data.agenda):
            if i.id is None and i.status != "proposed":
                continue
            if i.id is None:
                stand_in -= 1
            key = i.id if i.id is not None else stand_in
            self._items.setdefault(key, i)
            self._keys[id(i)] = key
        # the meeting chooser
        self.meeting.blockSignals(True)
        self.meeting.clear()
        for m in data.meetings:
            label = translate("Workstation", "%1 (%2)").replace("%1", f"{m.code} {m.title}")
            self.meeting.addItem(label.replace("%2", meeting_status_name(m.status)), m.code)
        if data.selected is not None:
            self.meeting.setCurrentIndex(max(self.meeting.findData(data.selected.code), 0))
        self.meeting.blockSignals(False)
        self.meeting_info.setText(self._meeting_text(data))
        self._fill_board()
        self._fill_agenda()
        self._fill_proposals()
        self._update_buttons()
        self.loaded.emit()

    def _meeting_text(self, data: MeetingsData) -> str:
        m = data.selected
        if m is None:
            return translate(
                "Workstation", "No meeting planned yet: plan one to put proposals on its agenda."
            )
        parts = [
            f"{m.date.isoformat()} {m.time or ''}".strip(),
            translate("Workstation", "chair %1").replace("%1", m.chair or "—"),
        ]
        if m.place:
            parts.append(m.place)
        parts.append(meeting_status_name(m.status))
        if m.attending:
            parts.append(
                translate("Workstation", "attending %1").replace("%1", "、".join(m.attending))
            )
        nxt = data.board.next_meeting
        if nxt is not None and nxt.code == m.code:
            parts.insert(0, translate("Workstation", "next meeting"))
        return " · ".join(parts)

    def _visible(self, item: BoardItem) -> bool:
        code = self.dept.currentData()
        if code and item.lead != code and code not in item.co_depts:
            return False
        return not (self.overdue_only.isChecked() and not item.overdue)

    def _fill_board(self) -> None:
        if self.data is None:
            return
        selected = self.selected_item()
        for col in COLUMNS:
            w = self.columns[col]
            w.blockSignals(True)
            w.clear()
            items = [i for i in self.data.board.columns.get(col, ()) if self._visible(i)]
            for i in items:
                card = QListWidgetItem(card_text(i))
                key = self.key(i)
                card.setData(Qt.ItemDataRole.UserRole, key)
                card.setToolTip(card_tip(i))
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if key is not None:
                    flags |= Qt.ItemFlag.ItemIsDragEnabled
                card.setFlags(flags)
                card.setData(OVERDUE_ROLE, i.overdue)
                if i.overdue:
                    card.setBackground(OVERDUE_BG)
                    card.setForeground(OVERDUE_FG)
                else:
                    card.setBackground(QColor("#FFFFFF"))
                w.addItem(card)
                if selected is not None and key == self.key(selected):
                    card.setSelected(True)
                    w.setCurrentItem(card)
            w.blockSignals(False)
            total = len(self.data.board.columns.get(col, ()))
            count = f"{len(items)}/{total}" if len(items) != total else str(total)
            title = translate("Workstation", "%1 (%2)").replace("%1", status_name(col))
            self.column_titles[col].setText(title.replace("%2", count))
        self._update_buttons()

    def _fill_agenda(self) -> None:
        assert self.data is not None
        m = self.data.selected
        self.agenda_title.setText(
            translate("Workstation", "Agenda of %1 (%2 items)")
            .replace("%1", f"{m.code} {m.title}" if m else "—")
            .replace("%2", str(len(self.data.agenda)))
        )
        rows = self.data.agenda
        self.agenda.setRowCount(len(rows))
        for n, i in enumerate(rows):
            values = [
                str(n + 1),
                i.title,
                "、".join(i.cases) or "—",
                i.lead_name or i.lead or "—",
                status_name(i.status),
                i.due.isoformat() if i.due else "—",
            ]
            self._set_row(self.agenda, n, values, i)
        self.agenda.resizeColumnsToContents()
        self._clamp(self.agenda, 1, 320)
        self._clamp(self.agenda, 2, 200)

    def _fill_proposals(self) -> None:
        assert self.data is not None
        rows = self.data.board.columns.get("proposed", ())
        nxt = self.data.board.next_meeting
        self.proposals_title.setText(
            translate("Workstation", "Proposals for %1 (%2)")
            .replace("%1", nxt.code if nxt else translate("Workstation", "the next meeting"))
            .replace("%2", str(len(rows)))
        )
        self.proposals.setRowCount(len(rows))
        for n, i in enumerate(rows):
            values = [
                str(n + 1),
                i.title,
                reason_names(i.reasons),
                "、".join(i.cases),
                i.lead or "—",
            ]
            self._set_row(self.proposals, n, values, i)
        self.proposals.resizeColumnsToContents()
        self._clamp(self.proposals, 1, 280)
        self._clamp(self.proposals, 3, 220)

    @staticmethod
    def _clamp(table: QTableWidget, col: int, width: int) -> None:
        if table.columnWidth(col) > width:
            table.setColumnWidth(col, width)

    def _set_row(self, table: QTableWidget, row: int, values: list[str], item: BoardItem) -> None:
        for j, text in enumerate(values):
            cell = QTableWidgetItem(text)
            cell.setData(Qt.ItemDataRole.UserRole, self.key(item))
            cell.setToolTip(card_tip(item))
            if item.overdue:
                cell.setBackground(OVERDUE_BG)
                cell.setForeground(OVERDUE_FG)
            table.setItem(row, j, cell)

    # -- selection -----------------------------------------------------------------------

    def key(self, item: BoardItem) -> int | None:
        """The item's key on the board: its id, or a proposal's stand-in (negative)."""
        key = self._keys.get(id(item))
        return key if key is not None else item.id

    def item_of(self, card: QListWidgetItem | QTableWidgetItem | None) -> BoardItem | None:
        if card is None:
            return None
        item_id = card.data(Qt.ItemDataRole.UserRole)
        return self._items.get(item_id) if item_id is not None else None

    def board_item(self, item_id: int) -> BoardItem | None:
        return self._items.get(item_id)

    def _ref(self, item_id: int) -> str:
        """An item by its title (:func:`item_ref`) when the board lists it."""
        item = self._items.get(item_id)
        return item_ref(item) if item is not None else str(item_id)

    def selected_item(self) -> BoardItem | None:
        for w in self.columns.values():
            cards = w.selectedItems()
            if cards:
                return self.item_of(cards[0])
        return None

    def select(self, item_id: int) -> bool:
        """Select an item's card on the board (False when it is not shown)."""
        for w in self.columns.values():
            card = w.card(item_id)
            if card is not None:
                w.setCurrentItem(card)
                card.setSelected(True)
                return True
        return False

    def _row_item(self, table: QTableWidget) -> BoardItem | None:
        row = table.currentRow()
        return self.item_of(table.item(row, 0)) if row >= 0 else None

    def _on_card_selected(self, column: str) -> None:
        if self.columns[column].selectedItems():
            for col, w in self.columns.items():
                if col != column:
                    w.blockSignals(True)
                    w.clearSelection()
                    w.blockSignals(False)
        self._update_buttons()

    # -- permissions ---------------------------------------------------------------------

    def why_not(self, action: str, item: BoardItem | None) -> str | None:
        """Why the actor cannot make this move on ``item`` now (None: they can try)."""
        a = self._actor
        if a.read_only:
            return translate("Workstation", "This session is read-only.")
        if not a.may(mtg.MOVE_ACTIONS[action]):
            if mtg.MOVE_ACTIONS[action] == "run_meetings":
                return translate(
                    "Workstation", "Only the coordinators (综合协调组) run the joint meetings."
                )
            return translate("Workstation", "Only the lead department or a coordinator does this.")
        if item is None or (item.id is None and item.status != "proposed"):
            return translate("Workstation", "Select an item first.")
        if item.status not in mtg.MOVES[action][0]:
            return translate("Workstation", "Not possible for an item that is “%1”.").replace(
                "%1", status_name(item.status)
            )
        if (
            action in ("ack", "progress", "done")
            and not a.has("coordinator")
            and item.lead != a.dept_code
        ):
            return translate("Workstation", "Only the lead department (%1) does this.").replace(
                "%1", item.lead or "—"
            )
        return None

    def _meeting_why_not(self, what: str) -> str | None:
        if not self.runs:
            return translate(
                "Workstation", "Only the coordinators (综合协调组) run the joint meetings."
            )
        m = self.data.selected if self.data else None
        if what == "plan":
            return None
        if m is None:
            return translate("Workstation", "Plan a meeting first.")
        if what == "hold" and m.status != "planned":
            return translate("Workstation", "Only a planned meeting is recorded as held.")
        if what in ("edit", "add") and m.status == "minutes_approved":
            return translate("Workstation", "The minutes are approved: the meeting is final.")
        return None

    @staticmethod
    def _enable(button: QPushButton, why: str | None, tip: str = "") -> None:
        button.setEnabled(why is None)
        button.setToolTip(why or tip)

    def _update_buttons(self) -> None:
        item = self.selected_item()
        for action, b in self.move_btns.items():
            self._enable(b, self.why_not(action, item))
        self._enable(
            self.detail_btn,
            None if item is not None else translate("Workstation", "Select an item first."),
        )
        prop = self._row_item(self.proposals)
        self._enable(self.accept_btn, self.why_not("accept", prop))
        self._enable(self.drop_btn, self.why_not("drop", prop))
        self._enable(self.agenda_drop_btn, self.why_not("drop", self._row_item(self.agenda)))
        self._enable(self.plan_btn, self._meeting_why_not("plan"))
        self._enable(self.edit_btn, self._meeting_why_not("edit"))
        self._enable(self.hold_btn, self._meeting_why_not("hold"))
        for b in (self.add_case_btn, self.add_topic_btn):
            self._enable(b, self._meeting_why_not("add"))

    # -- banner --------------------------------------------------------------------------

    def show_banner(self, text: str, kind: str = "error") -> None:
        self.banner_kind = kind
        self.banner.setText(text)
        self.banner_frame.setStyleSheet(
            f"QFrame {{ {BANNER_STYLE[kind]} border-radius: 3px; }}"
            " QLabel, QToolButton { border: none; background: transparent; }"
        )
        self.banner_frame.show()
        self.notice.emit(text)

    def hide_banner(self) -> None:
        self.banner_frame.hide()
        self.banner.clear()
        self.banner_kind = ""

    # -- drag and drop -------------------------------------------------------------------

    def handle_drop(self, mime: QMimeData, target: str) -> bool:
        """A card dropped on the column ``target``: start the move it means (True), or
        leave the card where it is and say why (False, nothing written)."""
        if not mime.hasFormat(MIME):
            return False
        try:
            payload = json.loads(bytes(mime.data(MIME).data()).decode())
            item = self._items.get(int(payload["id"]))
        except (ValueError, KeyError, TypeError):
            return False
        if item is None:
            self.show_banner(translate("Workstation", "That item is no longer on the board."))
            self.refresh()
            return False
        if item.status == target:
            return False
        try:
            action = mtg.move_for(item.status, target)
        except InvalidInput:
            self.show_banner(refusal(item, target))
            return False
        return self.start_move(action, item)

    # -- moves ---------------------------------------------------------------------------

    def start_move(self, action: str, item: BoardItem | None, **kw: Any) -> bool:
        """Make a move on ``item``: asks what the move needs (a dialog), then calls the
        service. ``kw`` stands in for the dialog (tests, scripts)."""
        why = self.why_not(action, item)
        if why is not None or item is None:
            self.show_banner(why or translate("Workstation", "Select an item first."))
            return False
        if kw or action in ("accept", "ack"):
            self._submit_move(action, item, kw)
            return True
        if action == "decide":
            dlg: Any = DecisionDialog(item, self.departments, today=self.today(), parent=self)
            dlg.accepted.connect(lambda: self._submit_move(action, item, dlg.values()))
        elif action == "drop":
            dlg = NoteDialog(
                translate("Workstation", "Drop item %1").replace("%1", item_ref(item)),
                translate(
                    "Workstation",
                    "Why is “%1” dropped? It is not proposed again for this meeting.",
                ).replace("%1", item.title),
                translate("Workstation", "A reason is required."),
                self,
            )
            dlg.accepted.connect(lambda: self._submit_move(action, item, {"reason": dlg.text()}))
        elif action == "progress":
            dlg = NoteDialog(
                translate("Workstation", "Progress on item %1").replace("%1", item_ref(item)),
                translate("Workstation", "What has been done on “%1” so far?").replace(
                    "%1", item.title
                ),
                translate("Workstation", "Write the progress note."),
                self,
            )
            dlg.accepted.connect(lambda: self._submit_move(action, item, {"note": dlg.text()}))
        elif action == "done":
            dlg = NoteDialog(
                translate("Workstation", "Close item %1").replace("%1", item_ref(item)),
                translate(
                    "Workstation",
                    "How was “%1” settled? The closing note goes into the minutes; the "
                    "linked cases keep their own lifecycle.",
                ).replace("%1", item.title),
                translate("Workstation", "A closing note is required."),
                self,
            )
            dlg.accepted.connect(lambda: self._submit_move(action, item, {"note": dlg.text()}))
        else:  # pragma: no cover - MOVE_BUTTONS lists every move
            return False
        self._open(dlg)
        return True

    def _open(self, dlg: Any) -> None:
        self.dialog = dlg
        dlg.finished.connect(lambda _r: self._forget(dlg))
        dlg.open()

    def _forget(self, dlg: Any) -> None:
        if self.dialog is dlg:
            self.dialog = None
        dlg.deleteLater()

    def _submit_move(self, action: str, item: BoardItem, kw: dict[str, Any]) -> None:
        if item.id is None:  # a proposal nobody acted on: its id is allocated now
            self._runner.submit(
                f"move:{self.key(item)}",
                _move_proposal,
                self._engine,
                self._actor,
                action,
                item,
                self.as_of(),
                kw,
            )
            return
        # a proposal's board entry carries no row version: its status is checked
        version = None if item.status == "proposed" else item.version
        self._runner.submit(
            f"move:{item.id}", _move, self._engine, self._actor, action, item.id, version, kw
        )

    # -- meetings ------------------------------------------------------------------------

    def plan_meeting(self) -> bool:
        if self._meeting_why_not("plan") is not None:
            return False
        dlg = MeetingDialog(self.departments, today=self.today(), parent=self)
        last = self.data.meetings[0] if self.data and self.data.meetings else None
        if last is not None:  # the monthly meeting: same chair, place and departments
            dlg.chair.setText(last.chair or "")
            dlg.place.setText(last.place or "")
            dlg.attending.set_codes(last.attending)
        dlg.accepted.connect(
            lambda: self._submit_meeting("plan", mtg.create_meeting, (), dlg.values())
        )
        self._open(dlg)
        return True

    def edit_meeting(self) -> bool:
        m = self.data.selected if self.data else None
        if m is None or self._meeting_why_not("edit") is not None:
            return False
        dlg = MeetingDialog(self.departments, m, today=self.today(), parent=self)
        dlg.accepted.connect(
            lambda: self._submit_meeting(
                "edit", mtg.update_meeting, (m.code, m.version), dlg.values()
            )
        )
        self._open(dlg)
        return True

    def hold_meeting(self) -> bool:
        m = self.data.selected if self.data else None
        if m is None or self._meeting_why_not("hold") is not None:
            return False
        dlg = HoldDialog(self.departments, m, self)
        dlg.accepted.connect(
            lambda: self._submit_meeting(
                "hold", mtg.hold_meeting, (m.code, m.version), dlg.values()
            )
        )
        self._open(dlg)
        return True

    def add_item(self, kind: str) -> bool:
        m = self.data.selected if self.data else None
        if m is None or self._meeting_why_not("add") is not None:
            return False
        dlg = AddItemDialog(m, self.departments, kind, self)
        dlg.accepted.connect(
            lambda: self._submit_meeting("add", mtg.add_item, (m.code,), dlg.values())
        )
        self._open(dlg)
        return True

    def _submit_meeting(
        self, what: str, fn: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any]
    ) -> None:
        self._runner.submit(f"meeting:{what}", _call, fn, (self._engine, self._actor, *args), kw)

    # -- detail --------------------------------------------------------------------------

    def show_detail(self, item: BoardItem | None = None) -> bool:
        item = item or self.selected_item()
        if item is None:
            return False
        if item.id is None:
            self._show_detail(None, item)
        else:
            self._runner.submit(f"detail:{item.id}", _detail, self._engine, self._actor, item.id)
        return True

    def show_item(self, item_id: int) -> None:
        """Open an item's detail (from the department queue)."""
        self.select(item_id)
        self._runner.submit(f"detail:{item_id}", _detail, self._engine, self._actor, item_id)

    def _show_detail(self, detail: ItemDetail | None, item: BoardItem) -> None:
        if self.detail_dialog is not None:
            self.detail_dialog.close()
        dlg = ItemDetailDialog(detail, item, self)
        dlg.case_requested.connect(self.case_requested)
        dlg.case_requested.connect(lambda _c: dlg.close())
        dlg.finished.connect(lambda _r: self._forget_detail(dlg))
        self.detail_dialog = dlg
        dlg.show()

    def _forget_detail(self, dlg: ItemDetailDialog) -> None:
        if self.detail_dialog is dlg:
            self.detail_dialog = None
        dlg.deleteLater()

    # -- results -------------------------------------------------------------------------

    def _on_finished(self, result: TaskResult) -> None:
        key = result.key
        if key == "load":
            self._show(result.value)
        elif key.startswith("detail:"):
            detail: ItemDetail = result.value
            item = detail.item
            known = self._items.get(item.id) if item.id is not None else None
            if known is not None and known.status == item.status:
                item = known  # the board's entry lists a proposal's cases
            self._show_detail(detail, item)
        elif key.startswith("move:"):
            change: ItemChange = result.value
            ref = self._ref(change.id)
            self.show_banner(
                translate("Workstation", "Item %1: %2")
                .replace("%1", ref)
                .replace("%2", status_name(change.status))
                if change.action != "progress"
                else translate("Workstation", "Item %1: progress note saved").replace("%1", ref),
                "info",
            )
            self.changed.emit(change)
            self.refresh()
        elif key.startswith("meeting:"):
            value = result.value
            if isinstance(value, MeetingInfo):
                self._wanted = value.code
                self.show_banner(
                    translate("Workstation", "Meeting %1 saved (%2)")
                    .replace("%1", value.code)
                    .replace("%2", meeting_status_name(value.status)),
                    "info",
                )
            else:
                self.show_banner(
                    translate("Workstation", "Added to the agenda of %1").replace(
                        "%1", self.data.selected.code if self.data and self.data.selected else "—"
                    ),
                    "info",
                )
            self.changed.emit(value)
            self.refresh()

    def _on_failed(self, result: TaskResult) -> None:
        exc = result.error or RuntimeError()
        if result.key == "load":
            log.error("joint-meeting board: %s", type(exc).__name__)
            self.show_banner(
                translate("Workstation", "The board could not be read: %1").replace(
                    "%1", meetings_error(exc)
                )
            )
            return
        self.show_banner(meetings_error(exc))
        self.refresh()

    def shutdown(self) -> None:
        for dlg in (self.dialog, self.detail_dialog):
            if dlg is not None:
                dlg.close()
        self._runner.shutdown()


# --------------------------------------------------------------------------- department


class MeetingQueue(QWidget):
    """The items a department leads (for its queue): title, status, due date, overdue
    in red; double-click opens the item in the joint-meeting tab."""

    item_requested = Signal(int)
    loaded = Signal(int)

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self._now = clock_fn
        self.dept_code: str | None = None
        self._stale = False
        self.items: list[BoardItem] = []
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self.title = QLabel(translate("Workstation", "Joint-meeting items led by the department"))
        tf = self.title.font()
        tf.setBold(True)
        self.title.setFont(tf)
        self.open_btn = QPushButton(translate("Workstation", "Open in the joint-meeting tab"))
        self.open_btn.clicked.connect(self._open_current)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [
                translate("Workstation", "Item"),
                translate("Workstation", "Status"),
                translate("Workstation", "Due by"),
                translate("Workstation", "Meeting"),
            ]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setFixedHeight(60)
        self.tree.itemDoubleClicked.connect(lambda it, _c: self._request(it))
        self.tree.itemSelectionChanged.connect(
            lambda: self.open_btn.setEnabled(self.tree.currentItem() is not None)
        )
        self.open_btn.setEnabled(False)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.open_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.tree)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_dept(self, code: str | None) -> None:
        self.dept_code = code
        self.refresh()

    def refresh(self) -> None:
        if not self.dept_code or not self._actor.may("read_meetings"):
            return
        if not self.isVisible():  # loads when shown
            self._stale = True
            return
        self._stale = False
        as_of = self._now() if self._now else None
        self._runner.submit("led", _led_for, self._engine, self._actor, self.dept_code, as_of)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_finished(self, result: TaskResult) -> None:
        code, items = result.value
        if code != self.dept_code:
            return
        self.items = items
        overdue = sum(1 for i in items if i.overdue)
        text = (
            translate("Workstation", "Joint-meeting items led by %1: %2")
            .replace("%1", code)
            .replace("%2", str(len(items)))
        )
        if overdue:
            text += " · " + translate("Workstation", "%1 overdue").replace("%1", str(overdue))
        self.title.setText(text)
        self.title.setStyleSheet(f"color: {OVERDUE_FG.name()}" if overdue else "")
        self.tree.clear()
        for i in items:
            row = QTreeWidgetItem(
                [
                    i.title,  # its subcategory, case code and grid; no database number
                    status_name(i.status),
                    i.due.isoformat() if i.due else "—",
                    i.meeting or "—",
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, i.id)
            row.setToolTip(0, card_tip(i))
            if i.overdue:
                for c in range(4):
                    row.setForeground(c, OVERDUE_FG)
                    row.setBackground(c, OVERDUE_BG)
            self.tree.addTopLevelItem(row)
        # as tall as its rows (up to five): the department's cases stay in view
        rows = min(max(len(items), 1), 5)
        row_h = max(self.tree.sizeHintForRow(0), self.fontMetrics().height() + 6)
        self.tree.setFixedHeight(self.tree.header().sizeHint().height() + rows * row_h + 6)
        self.tree.resizeColumnToContents(1)
        self.tree.resizeColumnToContents(2)
        if self.tree.columnWidth(0) < 360:
            self.tree.setColumnWidth(0, 360)
        self.loaded.emit(len(items))

    def _on_failed(self, result: TaskResult) -> None:
        self.title.setText(
            translate("Workstation", "Joint-meeting items: %1").replace(
                "%1", meetings_error(result.error or RuntimeError())
            )
        )

    def _request(self, row: QTreeWidgetItem | None) -> None:
        if row is not None:
            self.item_requested.emit(int(row.data(0, Qt.ItemDataRole.UserRole)))

    def _open_current(self) -> None:
        self._request(self.tree.currentItem())

    def shutdown(self) -> None:
        self._runner.shutdown()


def _led_for(
    engine: Engine, actor: Actor, code: str, as_of: datetime | None
) -> tuple[str, list[BoardItem]]:
    return code, led_items(engine, actor, code, as_of)
