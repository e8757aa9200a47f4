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
is one deliberate full collection, run when the wall has settled and after each
periodic rebuild of the map (every few hours), not during a refresh.
"""

from __future__ import annotations

import gc
import logging
from time import perf_counter

log = logging.getLogger("center.heap")


def settle_heap() -> float:
    """Collect all garbage, then freeze every object alive now. Returns the seconds it
    took (the one stall it causes)."""
    t0 = perf_counter()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    seconds = perf_counter() - t0
    log.debug("heap settled in %.0f ms: %d objects frozen", seconds * 1000, gc.get_freeze_count())
    return seconds
