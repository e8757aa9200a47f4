"""``center snapshot workstation``: the real workstation window rendered offscreen.

The window is built exactly as on a coordinator's desk (without the live change
feed), every view it shows has loaded its data, then it is grabbed to a PNG. Views:

* ``inbox`` — the inbox with the first case's detail beside it;
* ``case`` — the same page with the detail widened, showing a case that went through
  the whole closed loop (rated), else any case;
* ``household`` — the profile of that case's household;
* ``planning`` — the first grid worker's visit plan;
* ``meetings`` — the joint-meeting board (联席会议) with the next meeting.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSize, QTimer
from PySide6.QtGui import QImage
from sqlalchemy import Engine

from center.cases.inbox import InboxFilter, InboxSort, fetch_page
from center.context import AppContext
from center.core.access import Actor, resolve_actor
from center.visits.planning import grid_workers, plan_for_staff
from center.windows.workstation.main_window import WorkstationWindow

VIEWS = ("inbox", "case", "household", "planning", "meetings")


class SnapshotError(RuntimeError):
    """The workstation could not be rendered; the message says why."""


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the event loop until ``predicate()`` holds (checked every 25 ms)."""
    if predicate():
        return
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(25)
    check.timeout.connect(lambda: predicate() and loop.quit())
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    check.start()
    deadline.start(round(timeout_s * 1000))
    loop.exec()
    check.stop()
    deadline.stop()
    if not predicate():
        raise SnapshotError(
            f"the workstation did not finish loading {what} within {timeout_s:.0f} s"
        )


def _showcase_case(ctx: AppContext, actor: Actor, as_of: datetime | None) -> str | None:
    """A recent case that went through the whole loop with a department, else any."""
    for f in (InboxFilter(statuses=("rated",)), InboxFilter(statuses=("open",)), InboxFilter()):
        rows = fetch_page(ctx.engine, actor, f, InboxSort(), 0, 100, as_of)
        if rows:
            with_dept = [r for r in rows if r.dept_code]
            return (with_dept or rows)[0].code
    return None


def _showcase_household(
    ctx: AppContext, actor: Actor, as_of: datetime | None, fallback: str
) -> str:
    """A special household from the first grid worker's plan (it has visits), else
    ``fallback``."""
    for staff in grid_workers(ctx.engine)[:3]:
        plan = plan_for_staff(ctx.engine, actor, staff.code, as_of, include_ok=True)
        for row in plan.rows:
            if row.special_groups:
                return row.household_code
    return fallback


def render_workstation(
    ctx: AppContext,
    actor: Actor,
    view: str,
    size: QSize,
    *,
    as_of: datetime | None = None,
    timeout_s: float = 120.0,
) -> QImage:
    if view not in VIEWS:
        raise SnapshotError(f"unknown view {view!r}: use one of {', '.join(VIEWS)}")
    clock = (lambda: as_of) if as_of is not None else None
    window = WorkstationWindow(ctx, actor, live=False, clock_fn=clock)
    try:
        window.resize(size)
        window.show()
        window.start()
        wait_until(lambda: window.choices is not None, timeout_s, "the reference data")
        wait_until(window.inbox.model.is_loaded, timeout_s, "the inbox")
        if window.inbox.model.total:
            wait_until(lambda: window.case.detail is not None, timeout_s, "the case")
        if view in ("case", "household"):
            code = _showcase_case(ctx, actor, as_of)
            if code is None:
                raise SnapshotError("the database has no cases to show")
            window.open_case(code)
            wait_until(
                lambda: window.case.detail is not None and window.case.detail.code == code,
                timeout_s,
                "the case",
            )
            if view == "case":
                total = window.inbox_page.width()
                window.inbox_page.setSizes([int(total * 0.42), total - int(total * 0.42)])
            else:
                detail = window.case.detail
                assert detail is not None
                household = _showcase_household(ctx, actor, as_of, detail.household_code)
                window.open_household(household)
                wait_until(
                    lambda: (
                        window.household.profile is not None
                        and window.household.profile.code == household
                    ),
                    timeout_s,
                    "the household",
                )
        elif view == "planning":
            window.show_tab("planning")
            wait_until(lambda: window.planning.plan is not None, timeout_s, "the visit plan")
        elif view == "meetings":
            window.show_tab("meetings")
            wait_until(lambda: window.meetings.data is not None, timeout_s, "the board")
        QCoreApplication.processEvents()
        return window.grab().toImage()
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", str(text))
    if not m:
        raise ValueError(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1600x1000")
    w, h = int(m.group(1)), int(m.group(2))
    if not (640 <= w <= 16384 and 480 <= h <= 16384):
        raise ValueError(f"--size {text}: width 640-16384 and height 480-16384 pixels")
    return w, h


def render(
    args: argparse.Namespace,
    login: Callable[[Engine], Actor | None] | None = None,
    wrote: Callable[[Path, int, int], str] | None = None,
) -> int:
    """Entry point of ``center snapshot workstation`` (arguments: ``db``, ``view``,
    ``size`` "WxH", ``output``, and optional ``lang``, ``as_of``, ``user``). ``login``
    returns the logged-in, read-only actor whose screen is rendered (``None``: nobody
    can log in yet, so ``--user`` is taken as given). ``wrote(path, width, height)``
    words the line printed at the end in the user's language (the command's
    catalogue; default English)."""
    from center.context import open_context
    from center.core.errors import UserError
    from center.windows.runtime.qtenv import application, prepare_environment
    from db.types import to_local

    try:
        width, height = parse_size(getattr(args, "size", None) or "1600x1000")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    output = Path(getattr(args, "output", None) or getattr(args, "o", None) or "")
    if output.suffix.lower() != ".png":
        raise UserError(f"-o {output}: the snapshot is a PNG file (use .png)")
    view = getattr(args, "view", None) or "inbox"
    if view not in VIEWS:
        raise UserError(f"--view {view}: use one of {', '.join(VIEWS)}")
    as_of = None
    raw = getattr(args, "as_of", None)
    if raw:
        try:
            as_of = to_local(datetime.fromisoformat(raw))
        except ValueError:
            raise UserError(f"--as-of {raw!r}: expected an ISO 8601 date and time") from None
    prepare_environment(offscreen=True)
    ctx = open_context(getattr(args, "db", None))
    app = application(getattr(args, "lang", None) or ctx.settings.lang or "zh_CN")
    try:
        user = getattr(args, "user", None)
        # a snapshot writes nothing: it shows the screen of the user who logged in; while
        # nobody can log in, that of --user (else a coordinator's), read-only
        logged_in = login(ctx.engine) if login is not None else None
        actor = logged_in or (
            resolve_actor(ctx.engine, user, read_only=True)
            if user
            else Actor("coordinator", "coordinator", read_only=True)
        )
        image = render_workstation(ctx, actor, view, QSize(width, height), as_of=as_of)
        output.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(output), "PNG"):
            raise UserError(f"cannot write {output}")
    except SnapshotError as exc:
        raise UserError(str(exc)) from exc
    finally:
        app.processEvents()
        ctx.close()
    if wrote is None:
        print(f"wrote {output} ({image.width()}x{image.height()})")
    else:
        print(wrote(output, image.width(), image.height()))
    return 0
