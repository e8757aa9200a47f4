"""Starting the workstation window (``center workstation``)."""

from __future__ import annotations

import logging

from center.core.access import Actor

log = logging.getLogger("center.workstation")


def run_workstation(db_url: str | None, lang: str, actor_name: str) -> int:
    """Open the database, resolve the user, show the window and run the event loop."""
    from center.windows.runtime.qtenv import application, prepare_environment

    prepare_environment()
    from center.context import open_context
    from center.core.access import resolve_actor
    from center.logs import setup_logging
    from center.windows.workstation.main_window import WorkstationWindow

    setup_logging()
    ctx = open_context(db_url)
    try:
        actor: Actor = resolve_actor(ctx.engine, actor_name)
    except BaseException:
        ctx.close()
        raise
    app = application(lang)
    window = WorkstationWindow(ctx, actor)
    window.resize(1600, 960)
    window.show()
    window.start()
    log.info("workstation started for %s (%s)", actor.name, actor.role)
    try:
        return int(app.exec())
    finally:
        window.shutdown()
        ctx.close()
