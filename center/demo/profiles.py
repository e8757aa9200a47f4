"""How well each grid team and each department of the demo street works, month by month.

A *profile* is a kind (strong, average, weak, persistent laggard, improving, slipping) and
a quality between 0 (worst) and 1 (best) for every month of the data window. The quality
drives behaviour — how many visits a team plans, how soon it answers, how late it
closes, how residents rate it, how often matters come back — never a KPI or a grade
directly: the scorecards (`spec/kpi.md` § Assessment) are whatever that behaviour gives.

Grids get their kinds by quota (so that even a street of six grids has a persistent
laggard and an improving grid), shuffled over the grids, with a small shared effect per
community; departments get a fixed kind each, the kind of work they do making it
plausible (property disputes are slow, emergencies are fast), with a seeded jitter.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

#: the kinds, in the order their quotas are filled (later kinds may get none on a tiny street)
GRID_QUOTAS: tuple[tuple[str, float], ...] = (
    ("laggard", 0.05),
    ("improving", 0.05),
    ("strong", 0.18),
    ("weak", 0.16),
    ("slipping", 0.02),
)
MIN_ONE = frozenset({"laggard", "improving"})  # every street has one of each
# the quality range of a steady kind
STEADY: dict[str, tuple[float, float]] = {
    "strong": (0.8, 0.97),
    "average": (0.42, 0.7),
    "weak": (0.2, 0.36),
    "laggard": (0.0, 0.1),
}
COMMUNITY_EFFECT = 0.06  # ± shared by a community's grids (its leadership, its buildings)
JITTER = 0.03  # month-to-month noise of a team's quality
LAGGARD_CAP = STEADY["laggard"][1] + 0.04  # a persistent laggard never does better

#: departments by code: kind and base quality (unknown codes are average, 0.7; an improving
#: or slipping kind draws its own levels)
DEPT_PROFILES: dict[str, tuple[str, float]] = {
    "D01": ("average", 0.7),  # 民政
    "D02": ("strong", 0.9),  # 公安派出所
    "D03": ("strong", 0.93),  # 卫健
    "D04": ("improving", 0.0),  # 人社: slow at the start of the action, caught up
    "D05": ("average", 0.66),  # 教育
    "D06": ("weak", 0.3),  # 城管
    "D07": ("laggard", 0.04),  # 住建（物业监管）: property disputes drag on
    "D08": ("weak", 0.4),  # 司法所
    "D09": ("average", 0.72),  # 残联
    "D10": ("strong", 0.95),  # 应急管理
    "D11": ("weak", 0.34),  # 市场监管
    "D12": ("average", 0.72),  # 街道社区服务中心
}
DEPT_JITTER = 0.03


def lerp(q: float, anchors: Sequence[tuple[float, float]]) -> float:
    """The piecewise-linear function through ``anchors`` ((quality, value), ascending) at q."""
    if q <= anchors[0][0]:
        return anchors[0][1]
    for (q0, v0), (q1, v1) in zip(anchors, anchors[1:], strict=False):
        if q <= q1:
            return v0 + (v1 - v0) * (q - q0) / (q1 - q0)
    return anchors[-1][1]


def _smoothstep(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def month_index(start: date, day: date) -> int:
    """The month of ``day`` counted from the data window's first month (0)."""
    return (day.year - start.year) * 12 + day.month - start.month


@dataclass(frozen=True)
class Profile:
    kind: str
    quality: tuple[float, ...]  # one per month of the data window

    @property
    def mean(self) -> float:
        return sum(self.quality) / len(self.quality)


def _trajectory(
    rng: random.Random, kind: str, n_months: int, base: float | None, offset: float
) -> tuple[float, ...]:
    """The quality of every month for a kind; ``base`` fixes a steady kind's level."""
    last = max(1, n_months - 1)
    if kind == "improving":
        early, late = rng.uniform(0.05, 0.2), rng.uniform(0.78, 0.92)
        turn, width = rng.uniform(0.42, 0.52), rng.uniform(0.18, 0.26)
    elif kind == "slipping":
        early, late = rng.uniform(0.78, 0.9), rng.uniform(0.2, 0.35)
        turn, width = rng.uniform(0.58, 0.66), rng.uniform(0.18, 0.24)
    else:
        lo, hi = STEADY[kind]
        level = rng.uniform(lo, hi) if base is None else base
        early = late = level
        turn, width = 0.5, 1.0
    out = []
    for i in range(n_months):
        x = i / last
        q = early + (late - early) * _smoothstep((x - turn) / width + 0.5)
        if kind != "laggard":  # a community lifts or drags its grids, not a laggard
            q += offset
        q += rng.gauss(0, JITTER)
        if kind == "laggard":
            q = min(q, LAGGARD_CAP)  # weak every month, whatever the noise
        out.append(round(min(1.0, max(0.0, q)), 4))
    return tuple(out)


def grid_kinds(n: int) -> list[str]:
    """The kinds of ``n`` grids, by quota; the rest are average."""
    kinds: list[str] = []
    for kind, share in GRID_QUOTAS:
        want = round(n * share)
        if kind in MIN_ONE:
            want = max(1, want)
        kinds += [kind] * max(0, min(want, n - len(kinds) - 1))
    return kinds + ["average"] * (n - len(kinds))


def draw_grid_profiles(
    rng: random.Random, communities: Sequence[int], n_months: int
) -> list[Profile]:
    """One profile per grid (``communities[k]`` is grid k's community)."""
    n = len(communities)
    kinds = grid_kinds(n)
    rng.shuffle(kinds)
    effect = {c: rng.uniform(-COMMUNITY_EFFECT, COMMUNITY_EFFECT) for c in sorted(set(communities))}
    return [
        Profile(kind, _trajectory(rng, kind, n_months, None, effect[communities[k]]))
        for k, kind in enumerate(kinds)
    ]


def draw_dept_profiles(
    rng: random.Random, codes: Iterable[str], n_months: int
) -> dict[str, Profile]:
    """One profile per department code (sorted, so the draws do not depend on order)."""
    out = {}
    for code in sorted(codes):
        kind, base = DEPT_PROFILES.get(code, ("average", 0.7))
        level = None if kind in ("improving", "slipping") else base
        if level is not None:
            level = min(1.0, max(0.0, level + rng.uniform(-DEPT_JITTER, DEPT_JITTER)))
        out[code] = Profile(kind, _trajectory(rng, kind, n_months, level, 0.0))
    return out


# ------------------------------------------------------------ behaviour from quality


@dataclass(frozen=True)
class GridTraits:
    """How a grid's team works in one month, from its quality (1 = best)."""

    quality: float
    p_month_ok: float  # special household: the month's two visits are planned
    p_quarter_ok: float  # ordinary household: the quarter's visit is planned
    p_met: float
    p_refused: float
    late_response: float  # a hotline/online request is answered after more than 24 h
    late_close: float  # extra chance that a case is closed after its deadline
    spot_factor: float  # scales the chance that a visit's request is solved on the spot
    slow_entry: float  # shifts the entry-lag distribution towards days
    repeat: float  # chance that a resident raises the same matter again within weeks
    reopen: float  # chance that a case the team closed itself is reopened (resident content)
    escalate: float  # scales the chance that a case goes to the joint meeting
    proactive: float  # scales how many proactive cases the team opens

    @classmethod
    def of(cls, q: float) -> GridTraits:
        return cls(
            quality=q,
            p_month_ok=lerp(q, ((0, 0.3), (0.4, 0.66), (0.7, 0.84), (1, 0.99))),
            p_quarter_ok=lerp(q, ((0, 0.5), (0.3, 0.78), (0.55, 0.93), (1, 0.995))),
            p_met=lerp(q, ((0, 0.79), (1, 0.91))),
            p_refused=lerp(q, ((0, 0.06), (1, 0.025))),
            late_response=lerp(q, ((0, 0.7), (0.3, 0.3), (0.55, 0.1), (1, 0.01))),
            late_close=lerp(q, ((0, 0.45), (0.3, 0.2), (0.55, 0.07), (1, 0.0))),
            spot_factor=lerp(q, ((0, 0.5), (1, 1.15))),
            slow_entry=lerp(q, ((0, 0.32), (0.5, 0.08), (1, 0.0))),
            repeat=lerp(q, ((0, 0.16), (0.5, 0.06), (1, 0.015))),
            reopen=lerp(q, ((0, 0.06), (1, 0.01))),
            escalate=lerp(q, ((0, 1.4), (1, 0.75))),
            proactive=lerp(q, ((0, 0.45), (1, 1.15))),
        )


@dataclass(frozen=True)
class DeptTraits:
    """How a department works in one month, from its quality (1 = best)."""

    quality: float
    on_time: float  # accepts an assignment within 2 h
    late_close: float  # extra chance that its case is closed after the deadline
    late_response: float  # extra chance that a hotline/online request waits over 24 h
    reopen: float  # chance that a closed case is reopened although the resident was content

    @classmethod
    def of(cls, q: float) -> DeptTraits:
        return cls(
            quality=q,
            on_time=lerp(q, ((0, 0.28), (0.35, 0.5), (0.7, 0.7), (0.9, 0.92), (1, 0.99))),
            late_close=lerp(q, ((0, 0.55), (0.35, 0.38), (0.7, 0.2), (0.9, 0.05), (1, 0.0))),
            late_response=lerp(q, ((0, 0.35), (0.5, 0.1), (0.8, 0.03), (1, 0.0))),
            reopen=lerp(q, ((0, 0.12), (0.5, 0.07), (0.8, 0.04), (1, 0.01))),
        )


# residents' ratings 1…5 at quality 0, 0.5 and 1
SAT_ANCHORS: tuple[tuple[float, tuple[int, ...]], ...] = (
    (0.0, (14, 13, 21, 27, 25)),
    (0.5, (3, 4, 11, 30, 52)),
    (1.0, (1, 2, 5, 24, 68)),
)
SAT_STEPS = 20  # the rating weights are tabulated at this many quality steps


def _sat_weights(q: float) -> tuple[float, ...]:
    return tuple(
        lerp(q, [(a, w[i]) for a, w in SAT_ANCHORS]) for i in range(len(SAT_ANCHORS[0][1]))
    )


SAT_TABLE: tuple[tuple[float, ...], ...] = tuple(
    _sat_weights(i / SAT_STEPS) for i in range(SAT_STEPS + 1)
)


def rating_weights(q: float) -> tuple[float, ...]:
    """Weights of the ratings 1…5 by a resident served at quality ``q``."""
    return SAT_TABLE[round(min(1.0, max(0.0, q)) * SAT_STEPS)]


class _Team:
    """A unit's profile with its behaviour per month of the data window."""

    def __init__(self, profile: Profile, start: date) -> None:
        self.profile = profile
        self.kind = profile.kind
        self.start = start

    def _index(self, day: date, n: int) -> int:
        return min(n - 1, max(0, month_index(self.start, day)))


class GridTeam(_Team):
    def __init__(self, profile: Profile, start: date) -> None:
        super().__init__(profile, start)
        self.months = tuple(GridTraits.of(q) for q in profile.quality)

    def on(self, day: date) -> GridTraits:
        """The team's behaviour in the month of ``day`` (clamped to the data window)."""
        return self.months[self._index(day, len(self.months))]


class DeptTeam(_Team):
    def __init__(self, profile: Profile, start: date) -> None:
        super().__init__(profile, start)
        self.months = tuple(DeptTraits.of(q) for q in profile.quality)

    def on(self, day: date) -> DeptTraits:
        """The department's behaviour in the month of ``day`` (clamped to the window)."""
        return self.months[self._index(day, len(self.months))]
