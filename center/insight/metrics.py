"""The backtest's measures and the baselines' intervals (spec/insight.md, "Demand
forecast"), as plain functions of plain data so that a hand-made series checks them.

A *cell* is ``(grid code, category code)``; a month's figures are dicts keyed by cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

Cell = tuple[str, str]

#: the 80 % prediction interval: its lower and upper percentiles
LOWER_P = 0.10
UPPER_P = 0.90


def poisson_percentile(mean: float, p: float) -> int:
    """The p-th percentile of a Poisson with ``mean``: the smallest k with CDF(k) >= p."""
    from scipy.special import pdtr

    if mean <= 0:
        return 0
    k = max(0, int(math.floor(mean + math.sqrt(mean) * _z(p))) - 1)
    while k > 0 and pdtr(k - 1, mean) >= p:
        k -= 1
    while pdtr(k, mean) < p:
        k += 1
    return k


def negbin_percentile(mean: float, alpha: float, p: float) -> int:
    """The p-th percentile of a negative binomial with ``mean`` and variance
    ``mean + alpha·mean²`` (a Poisson when ``alpha`` is 0): the smallest k with CDF(k) >= p."""
    if alpha <= 1e-9:
        return poisson_percentile(mean, p)
    from scipy.special import betainc

    if mean <= 0:
        return 0
    n = 1.0 / alpha
    prob = n / (n + mean)

    def cdf(k: int) -> float:  # scipy.stats.nbinom.cdf(k, n, prob), as a fast ufunc
        return float(betainc(n, k + 1, prob))

    sd = math.sqrt(mean + alpha * mean * mean)
    k = max(0, int(math.floor(mean + sd * _z(p))) - 1)
    while k > 0 and cdf(k - 1) >= p:
        k -= 1
    while cdf(k) < p:
        k += 1
    return k


def _z(p: float) -> float:
    """A rough normal quantile (only a starting point for the exact search)."""
    return -1.2816 if p < 0.5 else 1.2816 if p > 0.5 else 0.0


def poisson_interval(mean: float) -> tuple[int, int]:
    """The baselines' 80 % interval: the 10th and 90th percentiles of Poisson(mean)."""
    return poisson_percentile(mean, LOWER_P), poisson_percentile(mean, UPPER_P)


def wape(actual: Iterable[float], forecast: Iterable[float]) -> float | None:
    """Σ|actual − forecast| ÷ Σ actual over paired values; None when nothing arrived."""
    num = 0.0
    den = 0.0
    for a, f in zip(actual, forecast, strict=True):
        num += abs(a - f)
        den += a
    return num / den if den > 0 else None


def accuracy(
    months: Sequence[tuple[Mapping[Cell, float], Mapping[Cell, float]]],
    community_of: Mapping[str, str],
) -> float | None:
    """1 − wape on community × category sums, pooled over the months: each month is
    ``(actual by cell, forecast by cell)``; ``community_of`` maps a grid code to its
    community code."""
    actual: list[float] = []
    forecast: list[float] = []
    for acts, fcs in months:
        a_sum: dict[tuple[str, str], float] = {}
        f_sum: dict[tuple[str, str], float] = {}
        for (grid, cat), a in acts.items():
            key = (community_of[grid], cat)
            a_sum[key] = a_sum.get(key, 0.0) + a
            f_sum[key] = f_sum.get(key, 0.0) + fcs[(grid, cat)]
        for key in sorted(a_sum):
            actual.append(a_sum[key])
            forecast.append(f_sum[key])
    w = wape(actual, forecast)
    return None if w is None else 1.0 - w


def top_cells(values: Mapping[Cell, float], k: int) -> list[Cell]:
    """The ``k`` cells with the highest values, ties broken by (grid, category) ascending."""
    return sorted(values, key=lambda c: (-values[c], c))[:k]


def hotspot_k(cells: int) -> int:
    """K = ceil(0.10 × number of cells), in integers (0.1 × 30 is 3.0000000000000004)."""
    return (cells + 9) // 10


def hotspot_precision(
    months: Sequence[tuple[Mapping[Cell, float], Mapping[Cell, float]]],
) -> float | None:
    """For each month (actual by cell, forecast by cell), |top K by forecast ∩ top K by
    actual| ÷ K; the mean over the months (None without cells)."""
    shares = []
    for acts, fcs in months:
        k = hotspot_k(len(acts))
        if k == 0:
            continue
        hit = set(top_cells(acts, k)) & set(top_cells(fcs, k))
        shares.append(len(hit) / k)
    return sum(shares) / len(shares) if shares else None


def interval_coverage(pairs: Iterable[tuple[float, float, float]]) -> float | None:
    """The share of ``(actual, lo, hi)`` with lo <= actual <= hi (limits inclusive)."""
    n = 0
    inside = 0
    for a, lo, hi in pairs:
        n += 1
        if lo <= a <= hi:
            inside += 1
    return inside / n if n else None
