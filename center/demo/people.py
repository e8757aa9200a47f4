"""People and homes of the demo street: compounds, buildings, households, residents, staff.

Every identity here is invented. Identity numbers are well-formed (GB 11643 check digit,
birth date consistent with the age) but random; phones are random 11-digit mobiles.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from center.demo import data as vocab
from center.demo.geo import PointSampler
from db.models import SPECIAL_GROUPS

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

SPECIAL_PRIMARY = (
    ("solo_elderly", 42), ("disabled", 20), ("low_income", 20),
    ("child_in_difficulty", 8), ("other", 10),
)  # fmt: skip
SPECIAL_PRIMARY_FLOATING = (("low_income", 50), ("child_in_difficulty", 20), ("other", 30))
SECOND_TAG = {
    "solo_elderly": ("disabled", "low_income"),
    "disabled": ("low_income", "other"),
    "low_income": ("disabled", "child_in_difficulty"),
    "child_in_difficulty": ("low_income", "disabled"),
    "other": ("low_income",),
}
GROUP_TAG = {
    "solo_elderly": "独居老人",
    "disabled": "残障人士",  # the special group's name (spec/taxonomy.md)
    "low_income": "低保",
    "child_in_difficulty": "困境儿童",
}
OTHER_TAGS = ("重病患者", "失独家庭", "优抚对象")
MEMBERS_LOCAL = (0.20, 0.34, 0.27, 0.12, 0.07)
MEMBERS_FLOATING = (0.35, 0.30, 0.25, 0.08, 0.02)

# Profile bits of a household, used to weight the subcategories of its cases.
SOLO, DISABLED, LOW_INCOME, CHILD_DIFF, ELDERLY, CHILD, SCHOOL_CHILD, FLOATING = (
    1 << i for i in range(8)
)


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of the first 17 digits of an identity number."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_valid(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return value[17].upper() == id_check_digit(value[:17])


@dataclass(slots=True)
class Member:
    age: int
    gender: str  # M | F
    surname: str
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Home:
    """One household as generated (indices refer to the generator's lists)."""

    code: str
    grid: int
    address: str
    lon: float
    lat: float
    leader: int  # which of the grid's building leaders looks after the building
    groups: tuple[str, ...]
    floating: bool
    moved_out: date | None
    members: list[Member]
    profile: int = 0

    @property
    def special(self) -> bool:
        return bool(self.groups)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


SURNAME_LIST = [s for s, _ in vocab.SURNAMES]
SURNAME_CUM = list(itertools.accumulate(w for _, w in vocab.SURNAMES))


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAME_LIST, cum_weights=SURNAME_CUM)[0]


def given_name(rng: random.Random, birth_year: int, gender: str) -> str:
    for before, male, female in vocab.GIVEN_NAMES:
        if birth_year < before:
            return rng.choice(male if gender == "M" else female)
    raise AssertionError("unreachable: the last cohort is open-ended")


def compound_names(rng: random.Random) -> Iterator[str]:
    """Unique residential-compound names, endless (later phases get 二期, 三期, …)."""
    combos = [p + s for p in vocab.COMPOUND_PREFIXES for s in vocab.COMPOUND_SUFFIXES]
    rng.shuffle(combos)
    for phase in itertools.count(1):
        for name in combos:
            if phase == 1:
                yield name
            elif phase <= len(vocab.NUMERALS):
                yield f"{name}{vocab.NUMERALS[phase - 1]}期"
            else:
                yield f"{name}{phase}期"


def _building_slots(rng: random.Random) -> list[tuple[int, int, int]]:
    """(unit, floor, room) of the flats of one building."""
    kind = rng.random()
    if kind < 0.55:  # walk-up
        floors, units, per = rng.choice((5, 6, 6, 7)), rng.choice((2, 3, 3)), 2
    elif kind < 0.8:  # mid-rise
        floors, units, per = rng.choice((11, 12)), 2, 2
    else:  # high-rise
        floors, units, per = rng.randint(16, 28), rng.choice((1, 2)), rng.choice((2, 3, 4))
    return [
        (u, f, r)
        for u in range(1, units + 1)
        for f in range(1, floors + 1)
        for r in range(1, per + 1)
    ]


def _ages_for(
    rng: random.Random, groups: tuple[str, ...], floating: bool, old: float = 0.0
) -> list[tuple[int, str]]:
    """(age, gender) of the members; the first one is the head of the household. ``old``
    is the chance that a local household without a special group is an elderly one."""
    if "solo_elderly" in groups:
        age = min(98, 65 + int(rng.triangular(0, 30, 10)))
        return [(age, "F" if rng.random() < 0.62 else "M")]
    if old and not floating and not groups and rng.random() < old:
        head = rng.randint(68, 92)
        gender = "M" if rng.random() < 0.5 else "F"
        out = [(head, gender)]
        if rng.random() < 0.7:
            out.append((min(96, max(62, head + rng.randint(-5, 5))), "F" if gender == "M" else "M"))
        if rng.random() < 0.25:
            out.append((head - rng.randint(24, 34), rng.choice("MF")))
        return out
    weights = MEMBERS_FLOATING if floating else MEMBERS_LOCAL
    n = rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
    needs_child = "child_in_difficulty" in groups
    if needs_child:
        n = max(n, 2)
    head_gender = "M" if rng.random() < 0.55 else "F"
    other = "F" if head_gender == "M" else "M"

    def child_age(parent: int) -> int:
        if needs_child:
            return rng.randint(3, 15)
        return max(0, parent - rng.randint(23, 34))

    if n == 1:
        age = (
            rng.randint(20, 45)
            if floating
            else rng.choice((rng.randint(22, 40), rng.randint(40, 88)))
        )
        return [(age, head_gender)]
    if n == 2:
        if rng.random() < 0.65 and not needs_child:
            head = rng.randint(20, 50) if floating else rng.randint(24, 88)
            return [(head, head_gender), (max(20, head + rng.randint(-4, 4)), other)]
        head = rng.randint(30, 60) if needs_child else rng.randint(35, 80)
        return [(head, head_gender), (child_age(head), rng.choice("MF"))]
    head = rng.randint(26, 48) if floating else rng.randint(26, 60)
    out = [(head, head_gender), (max(22, head + rng.randint(-4, 4)), other)]
    out.append((child_age(head), rng.choice("MF")))
    if n >= 4:
        if rng.random() < 0.55 or floating:
            out.append((max(0, out[2][0] - rng.randint(2, 8)), rng.choice("MF")))
        else:
            out.append((min(96, head + rng.randint(24, 30)), rng.choice("MF")))
    if n == 5:
        out.append((min(96, head + rng.randint(24, 30)), rng.choice("MF")))
    return out


def _groups(rng: random.Random, floating: bool, old: float = 0.0) -> tuple[str, ...]:
    rate = 0.06 if floating else 0.2247  # 20 % overall with 15 % floating households
    if rng.random() >= rate:
        return ()
    if not floating and rng.random() < old / 2:
        first = "solo_elderly"  # an old neighbourhood: widows and widowers living alone
    else:
        first = _weighted(rng, SPECIAL_PRIMARY_FLOATING if floating else SPECIAL_PRIMARY)
    chosen = {first}
    if rng.random() < 0.12:
        chosen.add(rng.choice(SECOND_TAG[first]))
    return tuple(g for g in SPECIAL_GROUPS if g in chosen)


def _members(
    rng: random.Random, groups: tuple[str, ...], floating: bool, old: float = 0.0
) -> list[Member]:
    ages = _ages_for(rng, groups, floating, old)
    family = surname(rng)
    members = []
    for k, (age, gender) in enumerate(ages):
        # the head's family name for the head, children and (mostly) grandparents
        own = family if k == 0 or k >= 2 else surname(rng)
        members.append(Member(age, gender, own))
    if "solo_elderly" in groups:
        members[0].tags.append(GROUP_TAG["solo_elderly"])
    if "low_income" in groups:
        members[0].tags.append(GROUP_TAG["low_income"])
    if "disabled" in groups:
        rng.choice(members).tags.append(GROUP_TAG["disabled"])
    if "child_in_difficulty" in groups:
        kids = [m for m in members if m.age < 16] or members[-1:]
        kids[0].tags.append(GROUP_TAG["child_in_difficulty"])
    if "other" in groups:
        members[0].tags.append(rng.choice(OTHER_TAGS))
    for m in members:
        if m.age >= 20 and rng.random() < 0.08:
            m.tags.append("党员")
        if m.age >= 25 and m.gender == "M" and rng.random() < 0.03:
            m.tags.append("退役军人")
    return members


def profile_of(home: Home) -> int:
    bits = 0
    g = home.groups
    bits |= SOLO if "solo_elderly" in g else 0
    bits |= DISABLED if "disabled" in g else 0
    bits |= LOW_INCOME if "low_income" in g else 0
    bits |= CHILD_DIFF if "child_in_difficulty" in g else 0
    bits |= ELDERLY if any(m.age >= 70 for m in home.members) else 0
    bits |= CHILD if any(m.age < 16 for m in home.members) else 0
    bits |= SCHOOL_CHILD if any(3 <= m.age <= 15 for m in home.members) else 0
    bits |= FLOATING if home.floating else 0
    return bits


def grid_homes(
    rng: random.Random,
    grid: int,
    sampler: PointSampler,
    count: int,
    names: Iterator[str],
    first_code: int,
    window: tuple[date, date],
    code_width: int = 6,
    housing: tuple[float, float] = (0.15, 0.0),
) -> list[Home]:
    """``count`` households of one grid in 1–3 compounds of several buildings each;
    ``housing`` is the grid's share of floating (renting) households and the chance that
    a local household is an elderly one."""
    floating_rate, old = housing
    n_compounds = rng.choice((1, 2, 2, 3))
    compounds = [(next(names), sampler.site(rng)) for _ in range(n_compounds)]
    buildings: list[tuple[str, int, tuple[float, float], list[tuple[int, int, int]]]] = []
    capacity = 0
    numbers = [0] * n_compounds
    while capacity < count:
        k = len(buildings) % n_compounds
        numbers[k] += 1
        name, (clon, clat) = compounds[k]
        site = sampler.near(rng, clon, clat, 80.0, 70.0)
        slots = [s for s in _building_slots(rng) if rng.random() < 0.9]
        if not slots:
            continue
        buildings.append((name, numbers[k], site, slots))
        capacity += len(slots)
    flats = [(b, s) for b in range(len(buildings)) for s in buildings[b][3]]
    chosen = sorted(rng.sample(range(len(flats)), count))
    start, end = window
    span = (end - start).days
    homes = []
    for n, idx in enumerate(chosen):
        b, (unit, floor, room) = flats[idx]
        name, number, (blon, blat), _ = buildings[b]
        lon, lat = sampler.near(rng, blon, blat, 14.0, 6.0)
        floating = rng.random() < floating_rate
        groups = _groups(rng, floating, old)
        moved = None
        if rng.random() < (0.08 if floating else 0.025):
            moved = start + timedelta(days=rng.randint(20, max(21, span - 1)))
        home = Home(
            code=f"H{first_code + n:0{code_width}d}",
            grid=grid,
            address=f"{name}{number}幢{unit}单元{floor}{room:02d}室",
            lon=lon,
            lat=lat,
            leader=b % 5,
            groups=groups,
            floating=floating,
            moved_out=moved,
            members=_members(rng, groups, floating, old),
        )
        home.profile = profile_of(home)
        homes.append(home)
    return homes


class IdentityMaker:
    """Unique fake identity numbers and mobile numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.areas = [a for a, _ in vocab.AREA_CODES]
        self.area_cum = list(itertools.accumulate(w for _, w in vocab.AREA_CODES))

    def birth_date(self, age: int, as_of: date) -> date:
        return as_of - timedelta(days=int(age * 365.25) + int(self.rng.random() * 361))

    def id_number(self, birth: date, gender: str) -> str:
        while True:
            area = self.rng.choices(self.areas, cum_weights=self.area_cum)[0]
            seq = int(self.rng.random() * 500) * 2 + (1 if gender == "M" else 0)
            first = f"{area}{birth:%Y%m%d}{seq:03d}"
            value = first + id_check_digit(first)
            if value not in self.ids:
                self.ids.add(value)
                return value

    def phone(self) -> str:
        while True:
            prefix = vocab.MOBILE_PREFIXES[int(self.rng.random() * len(vocab.MOBILE_PREFIXES))]
            value = f"{prefix}{int(self.rng.random() * 10**8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def full_name(self, family: str, birth_year: int, gender: str) -> str:
        return family + given_name(self.rng, birth_year, gender)
