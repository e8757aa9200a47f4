"""The wall's heap settles: young-only after a map rebuild (a few ms), in full once a
day in the quiet hours of the night (center.windows.runtime.heap)."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

from center.windows.runtime.heap import full_settle_due, settle_heap
from db.types import CST


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CST)


def test_the_first_settle_is_full():
    assert full_settle_due(t(7, 14), None)


def test_daytime_rebuilds_settle_young_only():
    last = t(7, 3)
    for hour in (7, 11, 15, 19, 23):
        assert not full_settle_due(t(7, hour), last)


def test_the_next_full_settle_is_in_the_quiet_hours_twelve_hours_on():
    last = t(7, 14)  # the wall came up in the afternoon
    assert not full_settle_due(t(8, 1, 59), last)  # not yet quiet
    assert full_settle_due(t(8, 2), last)  # 12 h later and quiet
    assert full_settle_due(t(8, 5, 59), last)
    assert not full_settle_due(t(8, 6), last)  # the quiet hours are over
    # the quiet hours of the same night, under 12 h after a full settle: no
    assert not full_settle_due(t(8, 5), t(8, 2))


def test_a_wall_switched_off_at_night_settles_in_full_once_a_day():
    last = t(7, 8)
    assert not full_settle_due(last + timedelta(hours=23, minutes=59), last)
    assert full_settle_due(last + timedelta(hours=24), last)


def test_the_quiet_hours_are_local_time():
    last = t(7, 14)
    # 19:00 UTC is 03:00 +08:00 the next day: quiet, 13 h on
    assert full_settle_due(datetime(2026, 12, 7, 19, 0, tzinfo=UTC), last)
    # 03:00 UTC is 11:00 +08:00: not quiet, 21 h on
    assert not full_settle_due(datetime(2026, 12, 8, 3, 0, tzinfo=UTC), last)


def test_a_young_settle_keeps_what_was_frozen_and_freezes_the_rest():
    try:
        settle_heap(full=True)
        frozen = gc.get_freeze_count()
        keep = [[] for _ in range(5000)]  # tracked containers
        settle_heap(full=False)
        assert gc.get_freeze_count() >= frozen + 5000  # nothing unfrozen, new ones frozen
        assert keep
        gc.unfreeze()
        settle_heap(full=False)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_young_settle_freezes_no_garbage_that_reached_the_oldest_generation():
    """Cyclic garbage that reached the oldest generation before a settle after a map
    rebuild is collected, not frozen until the night's full settle."""
    try:
        settle_heap(full=True)
        frozen = gc.get_freeze_count()
        cycles = []
        for _ in range(1000):
            c: list[object] = []
            c.append(c)
            cycles.append(c)
        gc.collect(1)
        gc.collect(1)  # two young collections: the cycles are in the oldest generation
        assert sum(1 for o in gc.get_objects(2) if type(o) is list and o and o[0] is o) >= 1000
        del cycles, c
        settle_heap(full=False)
        # the 1,000 cycles were garbage: not among the frozen
        assert gc.get_freeze_count() < frozen + 1000
    finally:
        gc.unfreeze()
