"""Starting the workstation window (``center workstation``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from center.core.access import Actor

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("center.workstation")


def run_workstation(
    db_url: str | None, lang: str, login: Callable[[Engine], Actor] | None = None
) -> int:
    """Open the database, log the user in, show the window and run the event loop.

    ``login(engine)`` returns the actor or raises; without it (or when it is the
    dialog's :func:`~center.windows.workstation.login.dialog_login`) the login dialog
    asks. It is called once the application exists, so it may show a dialog.
    Cancelling the dialog ends the program (status 1)."""
    from center.windows.runtime.qtenv import application, prepare_environment

    prepare_environment()
    from center.context import open_context
    from center.logs import setup_logging
    from center.windows.workstation.login import LoginCancelled, dialog_login
    from center.windows.workstation.main_window import WorkstationWindow

    setup_logging()
    ctx = open_context(db_url)
    app = application(lang)
    try:
        actor = (login or dialog_login)(ctx.engine)
    except LoginCancelled:
        ctx.close()
        log.info("login cancelled")
        return 1
    except BaseException:
        ctx.close()
        raise
    window = WorkstationWindow(ctx, actor)
    window.resize(1600, 960)
    window.show()
    window.start()
    log.info("workstation started for %s (%s)", actor.name, ", ".join(sorted(actor.roles)))
    try:
        return int(app.exec())
    finally:
        window.shutdown()
        ctx.close()
