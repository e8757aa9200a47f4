"""Assessment scorecards (`spec/kpi.md` § Assessment): 季考核 per quarter, 年评优 per year.

Scores are computed with exact fractions from the KPIs' integer numerators and
denominators and the targets as written (0.9 is 9/10), so a grade boundary is met
exactly when the arithmetic says so; JSON carries the unrounded values as floats.
An indicator whose value is null stays in ``indicators`` with value and attainment
null and its nominal weight; units are listed by code, ``rank`` carries the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Engine

from center.core.vocab import ASSESS_SCOPES
from center.kpi.compute import KpiSnapshot, KpiValue, compute_kpis, parse_period, year_period
from db.seed import DEFAULT_TARGETS
from db.types import to_local

_AREA_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("coverage", 25),
    ("special_care", 15),
    ("response_24h", 15),
    ("closure_15wd", 15),
    ("satisfaction", 15),
    ("repeat_rate", 10),
    ("on_the_spot_rate", 5),
)
WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "grid": _AREA_WEIGHTS,
    "community": _AREA_WEIGHTS,
    "department": (
        ("dept_start_2h", 20),
        ("response_24h", 20),
        ("closure_15wd", 30),
        ("satisfaction", 20),
        ("second_complaint_rate", 10),
    ),
}
# (lowest score, grade), best first; below the last one the grade is "fail".
GRADES: tuple[tuple[int, str], ...] = ((90, "excellent"), (75, "good"), (60, "pass"))


@dataclass(frozen=True)
class Indicator:
    key: str
    value: float | None
    target: float
    attainment: float | None  # None when the value is null (left out of the score)
    weight: int  # nominal weight


@dataclass(frozen=True)
class UnitAssessment:
    code: str
    name: str
    score: float | None
    grade: str | None
    rank: int | None
    indicators: dict[str, Indicator]


@dataclass(frozen=True)
class Assessment:
    kind: str  # quarter | year
    period: str  # 2026Q3 | 2026
    as_of: datetime
    scope: str
    units: list[UnitAssessment]  # ordered by unit code; ``rank`` carries the ranking

    def to_json_dict(self) -> dict[str, Any]:
        head: dict[str, Any] = (
            {"quarter": self.period} if self.kind == "quarter" else {"year": int(self.period)}
        )
        return {
            **head,
            "as_of": to_local(self.as_of).isoformat(),
            "scope": self.scope,
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "score": u.score,
                    "grade": u.grade,
                    "rank": u.rank,
                    "indicators": {
                        k: {
                            "value": i.value,
                            "target": i.target,
                            "attainment": i.attainment,
                            "weight": i.weight,
                        }
                        for k, i in u.indicators.items()
                    },
                }
                for u in self.units
            ],
        }


def exact_value(kv: KpiValue) -> Fraction | None:
    """The exact value of a KPI: its fraction for a ratio, the float for an average."""
    if kv.value is None:
        return None
    exact = kv.exact()
    return exact if exact is not None else Fraction(kv.value)


def attainment(value: Fraction, target: Fraction, higher_is_better: bool) -> Fraction:
    """``min(1, value/target)`` or, lower being better, ``min(1, target/value)`` (1 at 0).

    A target of 0 that is higher-is-better is always attained.
    """
    if higher_is_better:
        return Fraction(1) if target == 0 else min(Fraction(1), value / target)
    return Fraction(1) if value == 0 else min(Fraction(1), target / value)


def grade_for(score: Fraction | float) -> str:
    for lowest, grade in GRADES:
        if score >= lowest:
            return grade
    return "fail"


def competition_ranks(scores: list[Fraction | None]) -> list[int | None]:
    """Rank 1 for the highest score; equal scores share a rank and the next skips
    (1, 2, 2, 4). None scores get no rank."""
    ranked = sorted((s for s in scores if s is not None), reverse=True)
    first_rank: dict[Fraction, int] = {}
    for position, s in enumerate(ranked, 1):
        first_rank.setdefault(s, position)
    return [None if s is None else first_rank[s] for s in scores]


def score_snapshot(snapshot: KpiSnapshot) -> list[UnitAssessment]:
    """Scorecards for every unit of a grid, community or department KPI snapshot."""
    if snapshot.scope not in WEIGHTS:
        raise ValueError(
            f"assessment scope must be one of {', '.join(ASSESS_SCOPES)}, not {snapshot.scope!r}"
        )
    weights = WEIGHTS[snapshot.scope]
    partial: list[tuple[str, str, Fraction | None, dict[str, Indicator]]] = []
    for unit in snapshot.units:
        indicators: dict[str, Indicator] = {}
        weighted = Fraction(0)
        present = 0
        for key, weight in weights:
            kv = unit.kpis[key]
            value = exact_value(kv)
            att: Fraction | None = None
            if value is not None:
                att = attainment(value, Fraction(repr(kv.target)), DEFAULT_TARGETS[key][1])
                weighted += weight * att
                present += weight
            indicators[key] = Indicator(
                key, kv.value, kv.target, None if att is None else float(att), weight
            )
        score = 100 * weighted / present if present else None
        partial.append((unit.code, unit.name, score, indicators))
    ranks = competition_ranks([p[2] for p in partial])
    return [
        UnitAssessment(
            code,
            name,
            None if score is None else float(score),
            None if score is None else grade_for(score),
            rank,
            indicators,
        )
        for (code, name, score, indicators), rank in zip(partial, ranks, strict=True)
    ]


def assess(
    engine: Engine,
    *,
    quarter: str | None = None,
    year: int | None = None,
    scope: str,
    as_of: datetime | None = None,
) -> Assessment:
    """The quarterly (``quarter="2026Q3"``) or annual (``year=2026``) assessment."""
    if (quarter is None) == (year is None):
        raise ValueError("give either a quarter (YYYYQn) or a year (YYYY)")
    if scope not in ASSESS_SCOPES:
        raise ValueError(
            f"invalid assessment scope {scope!r}: expected one of {', '.join(ASSESS_SCOPES)}"
        )
    if quarter is not None:
        period = parse_period(quarter)
        if period.kind != "quarter":
            raise ValueError(f"invalid quarter {quarter!r}: expected YYYYQn, e.g. 2026Q3")
        kind = "quarter"
    else:
        if not isinstance(year, int) or not 1 <= year < 9999:
            raise ValueError(f"invalid year {year!r}: expected YYYY, e.g. 2026")
        period = year_period(year)
        kind = "year"
    snapshot = compute_kpis(engine, period.label, scope, as_of)
    return Assessment(kind, period.label, snapshot.as_of, scope, score_snapshot(snapshot))
