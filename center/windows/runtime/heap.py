"""The garbage collector's policy for long-running windows (the wall).

CPython's cyclic collector walks every tracked object in a full (generation 2)
collection, on whichever thread triggers it, with every other thread waiting. With
Qt, SQLAlchemy and a loaded wall that is ~130,000 objects and 55-70 ms per full
collection, measured here: the longest stall of the wall's GUI thread during a
refresh. Almost all of those objects live as long as the process (modules, classes,
widgets, compiled statements), so once the wall is up they are moved out of the
collector's reach (:func:`gc.freeze`); a full collection then walks only what
refreshes create (~2,400 objects, ~6 ms).

:func:`settle_heap` first unfreezes and collects everything, so no garbage is frozen
and nothing frozen earlier that has since become cyclic garbage stays forever; it
is one deliberate full collection, run when the wall has settled, not during a
refresh. After each periodic rebuild of the map (every few hours) the new long-lived
objects are frozen too, after a full collection of the objects not frozen (what the
refreshes left since the last freeze: a few ms), so no cyclic garbage is frozen with
them (a collection of the young generations only, as before, froze what had reached
the oldest generation and was not yet collected, until the night). The full settle,
0.1-0.4 s with every other thread waiting, runs once a day in the quiet hours of the
night (:func:`full_settle_due`), so the wall's viewers never see a stall over 50 ms
(issue 19).
"""

from __future__ import annotations

import gc
import logging
from datetime import datetime, timedelta
from time import perf_counter

from db.types import CST

log = logging.getLogger("center.heap")


def settle_heap(*, full: bool = True) -> float:
    """Freeze every object alive now, after collecting the garbage. Returns the
    seconds it took (the one stall it causes).

    ``full``: unfreeze and collect everything first (a full collection of the whole
    heap: 0.1-0.4 s on a loaded wall), so nothing frozen earlier that has since become
    garbage stays. Otherwise what is not frozen is collected (every generation, the
    frozen objects left alone: a few milliseconds) before the freeze: no garbage is
    frozen, and what was frozen earlier and has since become cyclic garbage waits for
    the next full settle."""
    t0 = perf_counter()
    if full:
        gc.unfreeze()
        gc.collect()
    else:
        gc.collect()  # the frozen objects are not walked
    gc.freeze()
    seconds = perf_counter() - t0
    log.debug(
        "heap settled (%s) in %.0f ms: %d objects frozen",
        "full" if full else "unfrozen",
        seconds * 1000,
        gc.get_freeze_count(),
    )
    return seconds


#: local hours (+08:00) in which the wall takes its full settle: nobody watches the
#: wall then, so its one long stall of the day is seen by no one
QUIET_HOURS = range(2, 6)
#: a full settle is taken at the first chance in the quiet hours once this much time
#: has passed since the last one, and in any case once a day has passed
FULL_AFTER_QUIET = timedelta(hours=12)
FULL_AFTER = timedelta(hours=24)


def full_settle_due(at: datetime, last_full: datetime | None) -> bool:
    """Whether the heap settle at ``at`` (an aware instant) is the full one: the first
    one of the process, the first in the quiet hours 12 h or more after the last,
    or any once 24 h have passed (a wall switched off every night)."""
    if last_full is None:
        return True
    since = at - last_full
    if since >= FULL_AFTER:
        return True
    return at.astimezone(CST).hour in QUIET_HOURS and since >= FULL_AFTER_QUIET
