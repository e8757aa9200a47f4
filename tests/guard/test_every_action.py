"""The guard, part 1: every tab of the workstation (logged in as each role that sees a
different one), every wall page and every menu entry of ``center app``; every enabled
QAction, QPushButton, QToolButton (and the entries of its menu) and keyboard shortcut
found by walking the widget tree is triggered, and the test fails when one raises, logs
an error, shows an error box nobody expected, or does nothing observable.

Nothing here is a hand list of buttons: a new button is covered the day it appears.
What legitimately does nothing in the fixture state is in :data:`ALLOWED_QUIET`, what
is skipped on purpose (it quits, logs out or locks) in :data:`SKIP`, each with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from guardlib import ROLES, WAIT, Guard, Outcome, Street, describe
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QMenu,
    QPushButton,
    QTabBar,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

pytestmark = pytest.mark.gui

#: (pattern on the widget's description, reason): never triggered
SKIP: tuple[tuple[str, str], ...] = (
    (r"quit_button|Quit|退出", "quits the application (the window would be gone)"),
    (r"idle_lock|Ctrl\+L", "locks the screen; tests/workstation checks the lock"),
)

#: (pattern on the widget's description, reason): may do nothing observable in the
#: fixture state
ALLOWED_QUIET: tuple[tuple[str, str], ...] = (
    (
        r"\[already chosen\]",
        "choosing the entry of an exclusive group that is already chosen (the map's "
        "current indicator) changes nothing, as it should",
    ),
)

#: message boxes that are the right answer in the fixture state (text part → reason)
EXPECTED_MESSAGES: dict[str, str] = {}


class KnownDefect(Exception):
    """A failure the guard found in code owned by another change (see KNOWN_DEFECTS)."""


@dataclass(frozen=True)
class Defect:
    roles: frozenset[str]
    pattern: str  # on the failure text
    what: str


#: defects the guard found in files this guard may not change; the lead removes an
#: entry (and the role's xfail mark follows) once the owner fixed it
KNOWN_DEFECTS: tuple[Defect, ...] = ()


def _matches(patterns: tuple[tuple[str, str], ...], text: str) -> str | None:
    for pattern, reason in patterns:
        if re.search(pattern, text):
            return reason
    return None


# -- walking ------------------------------------------------------------------------------


def _shortcut_text(sc: QShortcut) -> str:
    return sc.key().toString()


def _internal(w: QWidget) -> bool:
    """Buttons that belong to Qt's own composite widgets (tab-bar scrollers, the
    toolbar's extension) or to a toolbar (its actions are triggered as actions)."""
    p = w.parentWidget()
    return isinstance(p, (QTabBar, QToolBar)) or w.objectName().startswith("qt_")


def _visible_in(w: QWidget, root: QWidget) -> bool:
    return w.isVisibleTo(root) and w.isVisible()


def buttons(root: QWidget) -> list[QAbstractButton]:
    return [
        b
        for b in root.findChildren(QAbstractButton)
        if isinstance(b, (QPushButton, QToolButton))
        and not _internal(b)
        and _visible_in(b, root)
        and b.isEnabled()
    ]


def menu_actions(menu: QMenu) -> Iterator[QAction]:
    menu.aboutToShow.emit()  # menus filled when they open
    for a in menu.actions():
        if a.isSeparator() or not a.isVisible():
            continue
        if a.menu() is not None:
            yield from menu_actions(a.menu())
        elif a.isEnabled():
            yield a


@dataclass
class Walk:
    guard: Guard
    role: str
    outcomes: list[Outcome]
    done: set[str]
    restore: Callable[[], None]

    def fire(self, key: str, fn: Callable[[], Any]) -> None:
        if key in self.done:
            return
        self.done.add(key)
        if _matches(SKIP, key):
            return
        self.restore()
        self.outcomes.append(self.guard.trigger(key, fn, expect=EXPECTED_MESSAGES))

    def walk_buttons(self, page: QWidget) -> None:
        for _round in range(6):  # buttons that appear after a step are walked next round
            self.restore()  # a step may have left the page (e.g. 打开户档案)
            fresh = [b for b in buttons(page) if describe(b) not in self.done]
            if not fresh:
                return
            for b in fresh:
                self.restore()
                if not shiboken6.isValid(b) or not b.isVisible() or not b.isEnabled():
                    continue
                key = describe(b)
                menu = b.menu()
                if menu is not None and (
                    not isinstance(b, QToolButton)
                    or b.popupMode() != QToolButton.ToolButtonPopupMode.MenuButtonPopup
                ):
                    self.done.add(key)
                    for a in list(menu_actions(menu)):
                        self.fire(f"{key} › menu {a.text()!r}", a.trigger)
                    continue
                self.fire(key, b.click)

    def walk_actions(self, root: QWidget) -> None:
        for a in root.findChildren(QAction):
            if a.isSeparator() or not a.text() or not a.isEnabled() or not a.isVisible():
                continue
            hosts = a.associatedObjects()
            if not any(isinstance(h, (QToolBar, QMenu)) for h in hosts) and a.shortcut().isEmpty():
                continue  # Qt's internal actions (line-edit clear buttons …)
            if a.menu() is not None:
                for sub in list(menu_actions(a.menu())):
                    self.fire(f"action {a.text()!r} › {sub.text()!r}", sub.trigger)
                continue
            self.fire(f"action {a.text()!r} [{a.shortcut().toString()}]", a.trigger)

    def walk_shortcuts(self, root: QWidget, tabs: QTabWidget) -> None:
        """Every enabled shortcut of a widget the user can reach (on the tab that
        holds it); a hidden dialog's shortcuts wait for the dialog."""
        for sc in root.findChildren(QShortcut):
            owner = sc.parent()
            if not sc.isEnabled() or not isinstance(owner, QWidget) or owner.window() is not root:
                continue
            page = next(
                (tabs.widget(i) for i in range(tabs.count()) if tabs.widget(i).isAncestorOf(owner)),
                None,
            )

            def fire(
                sc: QShortcut = sc, page: QWidget | None = page, owner: QWidget = owner
            ) -> None:
                if page is not None:
                    tabs.setCurrentWidget(page)
                if owner.isVisible():
                    sc.activated.emit()

            if page is not None:
                tabs.setCurrentWidget(page)
                self.guard.settle()
            if not owner.isVisible():
                continue  # on no page the user can show
            self.fire(f"shortcut {_shortcut_text(sc)} on {describe(owner)}", fire)


def sub_tabs(page: QWidget) -> list[QTabWidget]:
    """The tab widgets inside a page that the user can see."""
    return [t for t in page.findChildren(QTabWidget) if t.isVisible() and t.count() > 1]


def select_first_rows(page: QWidget) -> None:
    """A user works on a row: the first one of every visible list or table."""
    for view in page.findChildren(QAbstractItemView):
        if not view.isVisible() or view.model() is None:
            continue
        m = view.model()
        if m.rowCount() > 0 and not view.currentIndex().isValid():
            view.setCurrentIndex(m.index(0, 0))


def failures(outcomes: list[Outcome]) -> list[str]:
    found = []
    for o in outcomes:
        for e in o.errors:
            found.append(f"{o.what}: {e}")
        if not o.observable and not _matches(ALLOWED_QUIET, o.what):
            found.append(f"{o.what}: did nothing observable")
    return found


def check(role: str, outcomes: list[Outcome], minimum: int) -> None:
    """Fail on what no known defect explains; xfail (KnownDefect) on what one does."""
    assert len(outcomes) >= minimum, f"only {len(outcomes)} triggers found for {role}"
    known, unexpected = [], []
    for f in failures(outcomes):
        hit = next((d for d in KNOWN_DEFECTS if role in d.roles and re.search(d.pattern, f)), None)
        (known if hit else unexpected).append(f)
    assert not unexpected, f"{role}: {len(unexpected)} of {len(outcomes)} triggers failed:\n" + (
        "\n".join(unexpected)
    )
    if known:
        raise KnownDefect("\n".join(known))


def _role_param(role: str) -> Any:
    defects = [d.what for d in KNOWN_DEFECTS if role in d.roles]
    if not defects:
        return role
    return pytest.param(
        role,
        marks=pytest.mark.xfail(strict=True, raises=KnownDefect, reason="; ".join(defects)),
    )


# -- the workstation ----------------------------------------------------------------------


def open_workstation(qtbot: Any, ctx: Any, actor: Any) -> Any:
    from center.windows.workstation.main_window import WorkstationWindow

    w = WorkstationWindow(ctx, actor, live=False, idle_timeout_ms=None)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.choices is not None, timeout=WAIT)
    return w


@pytest.mark.parametrize("role", [_role_param(r) for r in ROLES])
def test_every_workstation_action(
    qtbot: Any,
    ctx: Any,
    street: Street,
    guard: Guard,
    chinese: None,
    snapshot_dir: Path,
    role: str,
) -> None:
    """Every dialog a trigger opens is pictured (``dialog-*.png``) and checked for
    clipped text as it is dismissed."""
    w = open_workstation(qtbot, ctx, street.actors[role])
    guard.root = w
    guard.dialog_dir = snapshot_dir
    guard.settle()
    guard.hook_signals(w)
    outcomes: list[Outcome] = []
    tabs: QTabWidget = w.tabs
    try:
        for i in range(tabs.count()):
            page = tabs.widget(i)
            label = tabs.tabText(i).replace("&", "")
            inner: list[tuple[QTabWidget, int]] = []  # the sub-tab being walked

            def restore(page: QWidget = page, inner: list[tuple[QTabWidget, int]] = inner) -> None:
                if tabs.currentWidget() is not page:
                    tabs.setCurrentWidget(page)
                for sub, j in inner:
                    if shiboken6.isValid(sub) and sub.currentIndex() != j:
                        sub.setCurrentIndex(j)

            walk = Walk(guard, role, outcomes, set(), restore)
            if i > 0:  # from the first tab (a button of the last page may have left it)
                tabs.setCurrentIndex(0)
                guard.settle()
                outcomes.append(
                    guard.trigger(f"tab {label!r}", lambda i=i: tabs.setCurrentIndex(i))
                )
            guard.settle()
            select_first_rows(page)
            guard.settle()
            guard.hook_signals(w)
            walk.walk_buttons(page)
            # the page's own tabs (budget, meetings, the household's lists …)
            for sub in sub_tabs(page):
                for j in range(1, sub.count()):
                    restore()
                    sub.setCurrentIndex(0)
                    guard.settle()
                    outcomes.append(
                        guard.trigger(
                            f"tab {label!r} › {sub.tabText(j).replace('&', '')!r}",
                            lambda sub=sub, j=j: sub.setCurrentIndex(j),
                        )
                    )
                    inner[:] = [(sub, j)]
                    select_first_rows(page)
                    guard.settle()
                    guard.hook_signals(w)
                    walk.walk_buttons(page)
                    inner.clear()
                restore()
                sub.setCurrentIndex(0)
        walk = Walk(guard, role, outcomes, set(), tabs.setFocus)
        walk.walk_actions(w)
        walk.walk_shortcuts(w, tabs)
    finally:
        w.shutdown()
    check(role, outcomes, minimum=3)


# -- the wall and `center app` ------------------------------------------------------------


def test_every_wall_page_and_menu_entry(
    qtbot: Any, ctx: Any, street: Street, guard: Guard, chinese: None
) -> None:
    """`center app`: the wall in a window with its menus. Every wall page is shown
    (in the 16:9 and the 32:9 layout) and every menu entry triggered; a full-screen
    wall an entry opens is closed again (by its PIN) after it was seen."""
    from center.windows.app.main_window import MainWindow
    from center.windows.wall.controller import WallController
    from center.windows.wall.view import PAGES
    from center.windows.wall.window import WallWindow

    controller = WallController(ctx.engine, live=False, full_refresh_ms=0)
    win = MainWindow(ctx, controller)
    qtbot.addWidget(win)
    win.wall.ticker.set_running(False)
    win.resize(1366, 768)
    win.show()
    with qtbot.waitSignal(win.wall.settled, timeout=90_000):
        controller.start()
    guard.root = win
    guard.learn_noise(1.1)  # the header's clock
    assert guard.noise, "the wall's clock did not tick"
    guard.hook_signals(win)
    outcomes: list[Outcome] = []
    walls_before = set(map(id, win.wall_windows))

    def close_walls() -> None:
        for w in list(win.wall_windows):
            if id(w) not in walls_before:
                w.unlock_and_close()

    walk = Walk(guard, "wall", outcomes, set(), close_walls)
    try:
        for size in ((1366, 768), (2560, 720)):  # 16:9 and 32:9 (the wide layout)
            win.resize(*size)
            guard.settle()
            for page in (*PAGES, "overview"):
                if page == "ranking" and win.wall.is_wide():
                    continue  # the wide layout shows the ranking beside the map
                if win.wall.page() == page:
                    continue
                outcomes.append(
                    guard.trigger(
                        f"wall page {page!r} at {size}", lambda p=page: win.wall.show_page(p)
                    )
                )
        win.resize(1366, 768)
        guard.settle()
        for menu in win.menus.values():
            for a in list(menu_actions(menu)):
                chosen = " [already chosen]" if a.isCheckable() and a.isChecked() else ""
                walk.fire(f"menu {menu.title()!r} › {a.text()!r}{chosen}", a.trigger)
        walk.walk_buttons(win)
        close_walls()
        left = [w for w in QApplication.topLevelWidgets() if isinstance(w, WallWindow)]
        assert not [w for w in left if w.isVisible()], "a full-screen wall stayed open"
    finally:
        close_walls()
        win.wall.shutdown()
        controller.stop()
    check("wall", outcomes, minimum=5)
