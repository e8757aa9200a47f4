"""When and where the demo street's cases arrive: the structure a forecast can learn.

The arrival intensity of a subcategory's cases from one household on one day is

    C × household weight × grid activity × subcategory weight(household, month of year)
      × category trend(months before the as-of month) × day factor(day)

with the seasons of :data:`center.demo.data.SEASONAL`, the household's make-up
(:func:`center.demo.cases.sub_weights`), the grid's renting households raising its
disputes, a slow trend per category, and fewer requests on days off — fewest in the
Spring Festival — read from the product's own working-day calendar. On top of that a few
grids have an emerging problem: one subcategory rising over the last months.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from center.demo import data as vocab


def day_kinds(days: Sequence[date], is_workday: Callable[[date], bool]) -> list[str]:
    """``workday``, ``weekend``, ``holiday`` or ``spring`` for each of consecutive ``days``.

    A public holiday is a run of three or more consecutive days off (a weekend is two;
    adjusted working days break the runs as the calendar says); the Spring Festival is
    the longest such run that touches January or February of its year.
    """
    off = [not is_workday(d) for d in days]
    kinds = ["workday" if not o else "weekend" for o in off]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(days):
        if off[i]:
            j = i
            while j + 1 < len(days) and off[j + 1]:
                j += 1
            if j - i + 1 >= 3:
                runs.append((i, j))
            i = j + 1
        else:
            i += 1
    spring: dict[int, tuple[int, int]] = {}
    for i, j in runs:
        for k in range(i, j + 1):
            kinds[k] = "holiday"
        if days[i].month in (1, 2) or days[j].month in (1, 2):
            year = days[j].year
            best = spring.get(year)
            if best is None or j - i > best[1] - best[0]:
                spring[year] = (i, j)
    for i, j in spring.values():
        for k in range(i, j + 1):
            kinds[k] = "spring"
    return kinds


def request_factor(kind: str) -> float:
    """How many hotline/online requests arrive on a day of the kind (a working day: 1)."""
    return 1.0 if kind == "workday" else vocab.DAY_OFF[kind]


def proactive_factor(kind: str) -> float:
    """Grid workers open proactive cases on working days."""
    return 1.0 if kind == "workday" else 0.1


def trend(category: str, months_before: int) -> float:
    """The category's level ``months_before`` the as-of month relative to it."""
    return (1.0 + vocab.CATEGORY_TREND[category]) ** (-months_before / 12)


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth's method; a rounded normal above 30)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def month_days(start: date, end: date) -> list[list[date]]:
    """The days from ``start`` (a first of month) to ``end`` inclusive, by month."""
    out: list[list[date]] = []
    d = start
    while d <= end:
        if not out or out[-1][0].month != d.month:
            out.append([])
        out[-1].append(d)
        d += timedelta(days=1)
    return out


def housing_kinds(rng: random.Random, n: int) -> list[str]:
    """The housing kind of ``n`` grids by the quotas of :data:`GRID_HOUSING`, shuffled."""
    kinds: list[str] = []
    for kind, share, _, _ in vocab.GRID_HOUSING[:-1]:
        kinds += [kind] * max(1 if n >= 3 else 0, round(n * share))
    kinds = kinds[:n]
    kinds += [vocab.GRID_HOUSING[-1][0]] * (n - len(kinds))
    rng.shuffle(kinds)
    return kinds


def housing_of(kind: str) -> tuple[float, float]:
    """(share of floating households, chance a local household is elderly) of a kind."""
    for name, _, floating, old in vocab.GRID_HOUSING:
        if name == kind:
            return floating, old
    raise KeyError(kind)


def emerging_grids(rng: random.Random, n: int) -> list[tuple[int, int]]:
    """(grid index, index into :data:`EMERGING`) of the grids with an emerging problem."""
    count = max(1, round(n * vocab.EMERGING_SHARE))
    grids = sorted(rng.sample(range(n), min(n, count)))
    return [(g, i % len(vocab.EMERGING)) for i, g in enumerate(grids)]
