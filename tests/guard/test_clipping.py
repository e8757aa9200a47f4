"""The guard, part 2: every view at 1366x768, 1920x1080 and 3840x2160 (the wall also
at 32:9, 5120x1440) saved as PNG (to ``CENTER_GUARD_SNAPSHOTS`` or a temporary folder,
printed at the end) and checked for clipped text:

* a visible QLabel whose text needs more room than it has (a word-wrapped one: more
  height than it has at its width);
* a visible button whose text does not fit (its size hint is wider than it is);
* a visible item-view cell whose text (with the cell's margins, icon and check box) is
  wider than the cell, so Qt elides it, and a header section whose title does not fit.

The failure names the view, the widget (class, attribute, object name), the text and
the room it had.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from guardlib import Guard, Street, clipped, save_png
from test_every_action import KnownDefect, open_workstation, select_first_rows, sub_tabs

pytestmark = pytest.mark.gui

SIZES = ((1366, 768), (1920, 1080), (3840, 2160))
WALL_SIZES = (*SIZES, (5120, 1440))

#: the tabs a role adds to what the coordinator sees (the coordinator: all of them)
ONLY = {"admin": ("audit",), "finance": ("budget",)}

#: (pattern on the failure, reason): text that may be cut where it is
ALLOWED_CLIPS: tuple[tuple[str, str], ...] = ()

#: (roles, pattern on the failure, defect): clipping in views this guard may not change
KNOWN_CLIPS: tuple[tuple[frozenset[str], str, str], ...] = ()


def _allowed(text: str) -> bool:
    return any(re.search(p, text) for p, _ in ALLOWED_CLIPS)


def _name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-")


def check_clips(role: str, found: list[str]) -> None:
    """Fail on clipping no known defect explains; xfail (KnownDefect) on what one does;
    fail when a known defect no longer shows (its entry must go)."""
    unexpected, known = [], []
    seen: set[str] = set()
    for f in found:
        if _allowed(f):
            continue
        hits = [d for roles, p, d in KNOWN_CLIPS if role in roles and re.search(p, f)]
        (known if hits else unexpected).append(f)
        seen.update(hits)
    assert not unexpected, f"{role}: {len(unexpected)} clipped texts:\n" + "\n".join(unexpected)
    fixed = [d for roles, _, d in KNOWN_CLIPS if role in roles and d not in seen]
    assert not fixed, f"{role}: fixed, remove from KNOWN_CLIPS: " + "; ".join(fixed)
    if known:
        raise KnownDefect("\n".join(known))


def _role_param(role: str) -> Any:
    defects = [d for roles, _, d in KNOWN_CLIPS if role in roles]
    if not defects:
        return role
    return pytest.param(
        role,
        marks=pytest.mark.xfail(strict=True, raises=KnownDefect, reason="; ".join(defects)),
    )


# -- the workstation --------------------------------------------------------------------


@pytest.mark.parametrize("role", [_role_param(r) for r in ("coordinator", "admin", "finance")])
def test_workstation_views_fit(
    qtbot: Any,
    ctx: Any,
    street: Street,
    guard: Guard,
    chinese: None,
    snapshot_dir: Path,
    role: str,
) -> None:
    """Coordinator: inbox with a case open, department queue, planning, household,
    spot checks, meetings; admin: the audit log; finance: the budget (editable); each
    with its own sub-tabs."""
    w = open_workstation(qtbot, ctx, street.actors[role])
    guard.root = w
    found: list[str] = []
    try:
        guard.settle()
        if w.has_tab("household"):  # a household on its page, as a user has one
            w.open_household("H1")
            guard.settle()
        for width, height in SIZES:
            w.resize(width, height)
            guard.settle()
            for i in range(w.tabs.count()):
                page = w.tabs.widget(i)
                if role in ONLY and not any(page is getattr(w, a, None) for a in ONLY[role]):
                    continue
                w.tabs.setCurrentIndex(i)
                guard.settle()
                select_first_rows(page)
                guard.settle()
                name = _name(w.tabs.tabText(i).replace("&", ""))
                views = [(None, 0, "")] + [
                    (sub, j, "-" + _name(sub.tabText(j).replace("&", "")))
                    for sub in sub_tabs(page)
                    for j in range(1, sub.count())
                ]
                for sub, j, sub_name in views:
                    if sub is not None:
                        sub.setCurrentIndex(j)
                        guard.settle()
                        select_first_rows(page)
                        guard.settle()
                    shot = f"workstation-{role}-{i}-{name}{sub_name}-{width}x{height}.png"
                    assert save_png(w, snapshot_dir / shot), shot
                    for f in clipped(w):
                        found.append(f"{width}x{height} tab {name}{sub_name}: {f}")
                    if sub is not None:
                        sub.setCurrentIndex(0)
    finally:
        w.shutdown()
    check_clips(role, sorted(set(found)))


# -- the wall -----------------------------------------------------------------------------


def test_wall_pages_fit(
    qtbot: Any, ctx: Any, street: Street, guard: Guard, chinese: None, snapshot_dir: Path
) -> None:
    from center.windows.wall.controller import WallController
    from center.windows.wall.view import PAGES, WallView

    controller = WallController(ctx.engine, live=False, full_refresh_ms=0)
    view = WallView(controller)
    qtbot.addWidget(view)
    view.ticker.set_running(False)
    view.resize(*WALL_SIZES[0])
    view.show()
    found: list[str] = []
    guard.root = view
    try:
        with qtbot.waitSignal(view.settled, timeout=90_000):
            controller.start()
        for width, height in WALL_SIZES:
            view.resize(width, height)
            for page in PAGES:
                if page == "ranking" and view.is_wide():
                    continue  # shown beside the map
                view.show_page(page)
                mapview = view.map_panel.map
                if mapview.isVisible():  # its last frame in the widget
                    seq = mapview.sync()
                    qtbot.waitUntil(lambda s=seq, m=mapview: m.painted_seq() >= s, timeout=20_000)
                guard.settle()
                path = snapshot_dir / f"wall-{page}-{width}x{height}.png"
                assert save_png(view, path), path
                for f in clipped(view):
                    found.append(f"{width}x{height} page {page}: {f}")
    finally:
        view.shutdown()
        controller.stop()
    check_clips("wall", sorted(set(found)))
