"""Column builders, value rules and helpers shared by the tabular kinds
(identity numbers, phones, special groups, members; comparing with stored rows).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from center.interchange.base import (
    Col,
    Columns,
    Job,
    Plan,
    max_len,
)
from center.interchange.files import (
    cell_text,
    choice_bulk,
    enum_bulk,
    enum_parser,
    parse_date,
    parse_float,
    parse_int,
    parse_timestamp,
    text_bulk,
    text_parser,
    timestamp_bulk,
)
from db.models import (
    SPECIAL_GROUPS,
    Resident,
)
from db.seed import SPECIAL_GROUP_NAMES
from db.types import CST

INT32_MAX = 2**31 - 1


def text_col(name: str, length: int | None, required: bool = False, *, strict: bool = False) -> Col:
    """A text column; ``strict`` for a code or a name (no invisible character)."""
    return Col(name, text_parser(length), required, text_bulk(length), strict_text=strict)


def name_col(name: str, length: int | None, required: bool = False) -> Col:
    """A name: text without invisible characters (it must look like what it is)."""
    return text_col(name, length, required, strict=True)


def code_col(name: str, required: bool = False) -> Col:
    """A code: a key that must not hide a character that makes it another code."""
    return text_col(name, 40, required, strict=True)


def ts_col(name: str, required: bool = False) -> Col:
    """An instant of something that happened: not after the import (base.Job.now)."""
    return Col(name, parse_timestamp, required, timestamp_bulk, not_future=True)


def past_date_col(name: str) -> Col:
    """A day that has come (a birth, a move-out): not after the day of the import."""
    return Col(name, parse_date, not_future=True)


def enum_col(name: str, values: Sequence[str], required: bool = False) -> Col:
    return Col(name, enum_parser(values), required, enum_bulk(values))


# ---------------------------------------------------------------- value rules


def parse_members(raw: Any) -> int:
    return parse_int(raw, 1, INT32_MAX, "an integer of at least 1")


def parse_satisfaction(raw: Any) -> int:
    return parse_int(raw, 1, 5, "an integer from 1 to 5")


#: :func:`parse_satisfaction`'s fast path: the ratings written as plain digits
satisfaction_bulk = choice_bulk({str(n): n for n in range(1, 6)})


def parse_lon(raw: Any) -> float:
    return parse_float(raw, -180.0, 180.0, "a longitude between -180 and 180")


def parse_lat(raw: Any) -> float:
    return parse_float(raw, -90.0, 90.0, "a latitude between -90 and 90")


_GROUP_ALIASES: dict[str, str] = {g: g for g in SPECIAL_GROUPS}
_GROUP_ALIASES.update({zh: code for code, (zh, _en) in SPECIAL_GROUP_NAMES.items()})
_LIST_SEP = re.compile(r"[;；]")


def parse_special_groups(raw: Any) -> str:
    """``;``-separated special-group codes → canonical list in SPECIAL_GROUPS order."""
    found: set[str] = set()
    for piece in _LIST_SEP.split(cell_text(raw)):
        piece = piece.strip()
        if not piece:
            continue
        code = _GROUP_ALIASES.get(piece.lower()) or _GROUP_ALIASES.get(piece)
        if code is None:
            raise ValueError(
                f"unknown special group {piece!r} (expected {', '.join(SPECIAL_GROUPS)})"
            )
        found.add(code)
    return ";".join(g for g in SPECIAL_GROUPS if g in found)


_TAGS_LEN = max_len(Resident.__table__.c.tags)


def parse_tags(raw: Any) -> str | None:
    tags: list[str] = []
    for piece in _LIST_SEP.split(cell_text(raw)):
        piece = piece.strip()
        if piece and piece not in tags:
            tags.append(piece)
    text = ";".join(tags)
    if _TAGS_LEN is not None and len(text) > _TAGS_LEN:
        raise ValueError(f"longer than {_TAGS_LEN} characters")
    return text or None


_MOBILE = re.compile(r"1[0-9]{10}")
_LANDLINE = re.compile(r"(?:0[0-9]{2,3}-?|\(0[0-9]{2,3}\))[0-9]{7,8}(?:-[0-9]{1,6})?")


def parse_phone(raw: Any) -> str:
    """An 11-digit mobile number starting with 1, or a landline with its area code.

    The message never repeats the value (personal information).
    """
    text = cell_text(raw)
    if _MOBILE.fullmatch(text) or _LANDLINE.fullmatch(text):
        return text
    raise ValueError(
        "not a phone number: expected an 11-digit mobile number starting with 1 "
        "or a landline with area code such as 010-12345678"
    )


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def id_check_char(first17: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def parse_id_number(raw: Any) -> str:
    """An 18-character resident identity number (GB 11643); messages never show it."""
    if isinstance(raw, float):  # a cell problem like any other, hence ValueError
        raise ValueError(  # noqa: TRY004
            "must be text: the spreadsheet stored it as a number and lost digits "
            "(format the column as text)"
        )
    text = cell_text(raw).upper()
    if len(text) != 18:
        raise ValueError("must be 18 characters")
    if not _ID_SHAPE.fullmatch(text):
        raise ValueError("must be 17 digits followed by a digit or X")
    born = id_birth_date(text)
    if born is None or born.year < 1900 or born > datetime.now(CST).date():
        raise ValueError("the birth date inside the number is not a real date")
    if id_check_char(text[:17]) != text[17]:
        raise ValueError("invalid check digit")
    return text


_GENDERS = {"m": "M", "f": "F", "男": "M", "女": "F"}


def parse_gender(raw: Any) -> str:
    hit = _GENDERS.get(cell_text(raw).lower())
    if hit is None:
        raise ValueError("must be M, F, 男 or 女")
    return hit


# ---------------------------------------------------------------- helpers


def by_code(rows: list[list[Any]]) -> list[list[Any]]:
    """Export order: by code, compared as text (the same on every backend)."""
    rows.sort(key=lambda r: r[0])
    return rows


def diff_rows(
    plan: Plan,
    existing: dict[str, Any],
    rows: Sequence[dict[str, Any]],
    compare: Sequence[str],
    also: Sequence[str] = (),
) -> None:
    """Sort rows into inserts, updates and unchanged. ``existing`` rows are
    ``(code, id, *compare)``; ``also`` are derived columns written on update."""
    inserts = plan.insert_list()
    if isinstance(rows, Columns):
        diff_columns(plan, existing, rows, compare, also)
        return
    for row in rows:
        old = existing.get(row["code"])
        if old is None:
            inserts.append(row)
            continue
        if all(row[f] == old[i] for i, f in enumerate(compare, start=2)):
            plan.unchanged += 1
            continue
        upd = {"id": old[1]}
        for f in compare:
            upd[f] = row[f]
        for f in also:
            upd[f] = row[f]
        plan.updates.append(upd)


def diff_columns(
    plan: Plan,
    existing: dict[str, Any],
    rows: Columns,
    compare: Sequence[str],
    also: Sequence[str],
) -> None:
    """:func:`diff_rows` for column-wise rows: no dict per unchanged row. Tuples compare
    element by element with ``==`` (identity first), like the row-wise comparison."""
    inserts = plan.insert_list()
    cols = rows.columns
    get = existing.get
    n_cmp = len(compare) + 2
    unchanged = 0
    for i, (code, new) in enumerate(zip(cols["code"], zip(*(cols[f] for f in compare)))):
        old = get(code)
        if old is None:
            inserts.append(rows[i])
            continue
        if new == tuple(old[2:n_cmp]):
            unchanged += 1
            continue
        upd = {"id": old[1]}
        for f, v in zip(compare, new):
            upd[f] = v
        for f in also:
            upd[f] = cols[f][i]
        plan.updates.append(upd)
    plan.unchanged += unchanged


def reference(
    job: Job, line: int, column: str, code: str | None, ids: Mapping[str, int], what: str
) -> tuple[int | None, bool]:
    """The id of the row that ``code`` (the cell of ``column``) names: ``(None, True)``
    for an empty cell, ``(None, False)`` when the code names nothing in the database
    (the problem is recorded on ``line``)."""
    if code is None:
        return None, True
    found = ids.get(code)
    if found is None:
        job.problems.add(line, column, f"no {what} {code!r} in the database")
        return None, False
    return found, True
