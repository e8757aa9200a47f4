"""Imports refuse the impossible (issue 19): instants and days that have not come,
characters that hide in codes and names, and one identity number on several residents.

Each probe of the issue is a file that must be refused whole with the exact
``FILE:LINE: column: message`` lines and leave every table as it was. "Now" is fixed
(the product's clock, ``center.core.clock.now``) so the messages are exact.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from test_interchange import (
    CASE_HEADER,
    at,
    counts,
    feature,
    geojson,
    make_id,
    put,
    rejected,
    seed_base,
)

from center.core import clock
from center.interchange import service as ix
from db.models import Resident

NOW = at(2026, 12, 7, 10)
STARTED = (
    "the import started at 2026-12-07T10:00:00+08:00 "
    "(10 minutes are allowed for clocks that differ)"
)
VISIT_HEADER = "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\n"
RESIDENT_HEADER = "resident_code,household_code,name,id_number,birth_date,gender\n"
RETYPE = "retype the value without it"


@pytest.fixture
def base(ctx: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    seed_base(ctx, tmp_path)
    return ctx


def hidden(pos: int, code_point: str) -> str:
    return f"holds an invisible or control character at character {pos} ({code_point}): {RETYPE}"


# ---------------------------------------------------------------- not yet happened


def test_a_case_received_in_2030_is_refused(base, tmp_path):
    body = CASE_HEADER + (
        "K1,H1,hotline,L01,,2030-05-01 09:00,,,,,,,,,,\n"
        "K2,H1,hotline,L01,,2026-12-07 10:10:00,,,,,,,,,,\n"  # the tolerance: accepted
        "K3,H1,hotline,L01,,2026-12-07 10:10:01,,,,,,,,,,\n"
        "K4,H1,hotline,L01,,2026-12-01 09:00,2030-01-01T01:00:00Z,,,,,,,,,\n"
    )
    assert rejected(base, "cases", put(tmp_path, "cases.csv", body), tmp_path) == [
        f"cases.csv:2: received_at: 2030-05-01T09:00:00+08:00 is in the future: {STARTED}",
        f"cases.csv:4: received_at: 2026-12-07T10:10:01+08:00 is in the future: {STARTED}",
        f"cases.csv:5: first_response_at: 2030-01-01T09:00:00+08:00 is in the future: {STARTED}",
    ]


def test_a_visit_in_2030_is_refused(base, tmp_path):
    body = VISIT_HEADER + (
        "V1,H1,S1,2030-03-02 10:00,met,,\n"
        "V2,H1,S1,2026-12-07 09:00,met,2030-03-02 10:00,\n"
        "V3,H2,S2,2026-12-07T02:05:00Z,met,,\n"  # 10:05 local: within the tolerance
    )
    assert rejected(base, "visits", put(tmp_path, "visits.csv", body), tmp_path) == [
        f"visits.csv:2: visited_at: 2030-03-02T10:00:00+08:00 is in the future: {STARTED}",
        f"visits.csv:3: recorded_at: 2030-03-02T10:00:00+08:00 is in the future: {STARTED}",
    ]


def test_birth_and_move_out_dates_in_2099_are_refused(base, tmp_path):
    residents = RESIDENT_HEADER + "R1,H1,张三,,2099-01-01,M\nR2,H1,李四,,2026-12-07,F\n"
    assert rejected(base, "residents", put(tmp_path, "residents.csv", residents), tmp_path) == [
        "residents.csv:2: birth_date: a date after the day of the import (2026-12-07)",
    ]
    households = (
        "household_code,grid_code,address,moved_out_on\n"
        "H7,G01,七号楼,2099-06-30\n"
        "H8,G01,八号楼,2026-12-08\n"
        "H9,G01,九号楼,2026-12-07\n"
    )
    path = put(tmp_path, "households.csv", households)
    assert rejected(base, "households", path, tmp_path) == [
        "households.csv:2: moved_out_on: a date after the day of the import (2026-12-07)",
        "households.csv:3: moved_out_on: a date after the day of the import (2026-12-07)",
    ]


def test_the_same_instants_import_once_they_have_come(base, tmp_path, monkeypatch):
    path = put(tmp_path, "visits.csv", VISIT_HEADER + "V1,H1,S1,2030-03-02 10:00,met,,\n")
    monkeypatch.setattr(clock, "now", lambda: at(2030, 3, 2, 9, 50))  # 10 minutes before
    assert ix.import_file(base, "visits", path).inserted == 1


# ---------------------------------------------------------------- hidden characters


def test_a_code_with_a_zero_width_space_is_refused(base, tmp_path):
    ix.import_file(base, "residents", put(tmp_path, "r0.csv", RESIDENT_HEADER + "R1,H1,张三,,,M\n"))
    body = RESIDENT_HEADER + (
        "R\u200b1,H1,张三,,,M\n"  # would be a "new" resident duplicating R1
        "R2,H1\u200f,李四,,,F\n"  # right-to-left mark
        "\ufeffR3,H1,王五,,,M\n"  # a byte-order mark inside the file
        "R4,H1,赵\u2066六\u2069,,,M\n"  # isolates
    )
    assert rejected(base, "residents", put(tmp_path, "residents.csv", body), tmp_path) == [
        "residents.csv:2: resident_code: " + hidden(2, "U+200B ZERO WIDTH SPACE"),
        "residents.csv:3: household_code: " + hidden(3, "U+200F RIGHT-TO-LEFT MARK"),
        "residents.csv:4: resident_code: " + hidden(1, "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        "residents.csv:5: name: " + hidden(2, "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ]


def test_a_right_to_left_override_in_a_name_is_refused(base, tmp_path):
    body = RESIDENT_HEADER + "R1,H1,张\u202e三,,,M\n"
    staff = "staff_code,name,role\nS7,\u202a王五,volunteer\nS8,赵\u0007六,volunteer\n"
    depts = "dept_code,name\nD\u00ad1,民政科\n"  # a soft hyphen (format character)
    assert rejected(base, "residents", put(tmp_path, "residents.csv", body), tmp_path) == [
        "residents.csv:2: name: " + hidden(2, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ]
    assert rejected(base, "staff", put(tmp_path, "staff.csv", staff), tmp_path) == [
        "staff.csv:2: name: " + hidden(1, "U+202A LEFT-TO-RIGHT EMBEDDING"),
        "staff.csv:3: name: " + hidden(2, "U+0007 a control character"),
    ]
    assert rejected(base, "departments", put(tmp_path, "departments.csv", depts), tmp_path) == [
        "departments.csv:2: dept_code: " + hidden(2, "U+00AD SOFT HYPHEN"),
    ]


def test_names_keep_their_real_characters(base, tmp_path):
    """What looks like a character is one: a full-width space, a rare character, a
    middle dot of a transliterated name; free text keeps its line breaks."""
    body = RESIDENT_HEADER + "R1,H1,阿卜杜·热合曼,,,M\nR2,H1,欧阳\u3000娜娜,,,F\nR3,H1,𠮷田,,,M\n"
    assert ix.import_file(base, "residents", put(tmp_path, "r.csv", body)).inserted == 3
    visits = VISIT_HEADER + 'V1,H1,S1,2026-12-01 10:00,met,,"第一行\n第二行\t完"\n'
    assert ix.import_file(base, "visits", put(tmp_path, "v.csv", visits)).inserted == 1


def test_control_characters_in_free_text_are_refused(base, tmp_path):
    visits = VISIT_HEADER + "V1,H1,S1,2026-12-01 10:00,met,,入户\u001b[31m走访\n"
    assert rejected(base, "visits", put(tmp_path, "visits.csv", visits), tmp_path) == [
        "visits.csv:2: notes: " + hidden(3, "U+001B a control character"),
    ]


def test_a_nul_byte_is_refused(base, tmp_path):
    """SQLite would store it, PostgreSQL cannot: refused on both, before any write."""
    csv_body = "household_code,grid_code,address\nH7,G01,七号\x00楼\n"
    path = put(tmp_path, "households.csv", csv_body)
    assert rejected(base, "households", path, tmp_path) == [
        "households.csv:2: file: holds NUL characters, so it is not CSV text (a binary "
        "spreadsheet renamed to .csv?); save it as CSV UTF-8 from the spreadsheet"
    ]
    grids = geojson(feature("G09", grid_name="九\u0000网格"))
    path = put(tmp_path, "grids.geojson", grids)
    assert rejected(base, "grids", path, tmp_path) == [
        "grids.geojson:2: grid_name: feature 1 (grid_code G09): "
        + hidden(2, "U+0000 a control character"),
    ]


# ---------------------------------------------------------------- one number per resident


def test_three_residents_sharing_one_identity_number_are_refused(base, tmp_path):
    number = make_id("11010519800101123")
    body = RESIDENT_HEADER + (
        f"R1,H1,张三,{number},,M\nR2,H1,李四,{number},,M\nR3,H2,王五,{number},,M\n"
    )
    problems = rejected(base, "residents", put(tmp_path, "residents.csv", body), tmp_path)
    assert problems == [
        "residents.csv:3: id_number: the same identity number as on line 2 "
        "(one identity number per resident)",
        "residents.csv:4: id_number: the same identity number as on line 2 "
        "(one identity number per resident)",
    ]
    assert number not in "\n".join(problems)


def test_an_identity_number_already_held_in_the_database_is_refused(base, tmp_path):
    number, other = make_id("11010519800101123"), make_id("11010519900101123")
    first = RESIDENT_HEADER + f"R1,H1,张三,{number},,M\n"
    ix.import_file(base, "residents", put(tmp_path, "r1.csv", first))
    before = counts(base.engine)
    taken = RESIDENT_HEADER + f"R9,H2,李四,{number},,M\n"
    assert rejected(base, "residents", put(tmp_path, "r2.csv", taken), tmp_path) == [
        "r2.csv:2: id_number: the same identity number as resident 'R1' in the database "
        "(one identity number per resident)",
    ]
    assert counts(base.engine) == before
    # the file may move a number: R1 gets another one in the same file
    moved = RESIDENT_HEADER + f"R1,H1,张三,{other},,M\nR9,H2,李四,{number},,M\n"
    result = ix.import_file(base, "residents", put(tmp_path, "r3.csv", moved))
    assert (result.inserted, result.updated) == (1, 1)
    assert rejected(base, "residents", put(tmp_path, "r4.csv", first), tmp_path) == [
        "r4.csv:2: id_number: the same identity number as resident 'R9' in the database "
        "(one identity number per resident)",
    ]


def test_two_residents_may_swap_their_identity_numbers_in_one_file(base, tmp_path):
    """The unique index (0013) holds at every step: a file that swaps two residents'
    numbers imports (their numbers are cleared, then set)."""
    a, b = make_id("11010519800101123"), make_id("11010519900101123")
    ix.import_file(
        base,
        "residents",
        put(tmp_path, "r1.csv", RESIDENT_HEADER + f"R1,H1,张三,{a},,M\nR2,H2,李四,{b},,M\n"),
    )
    swapped = RESIDENT_HEADER + f"R1,H1,张三,{b},,M\nR2,H2,李四,{a},,M\n"
    result = ix.import_file(base, "residents", put(tmp_path, "r2.csv", swapped))
    assert (result.inserted, result.updated) == (0, 2)
    cipher = base.cipher
    with base.engine.connect() as conn:
        stored = dict(conn.execute(select(Resident.code, Resident.id_number_hash)).all())
    assert stored == {
        "R1": cipher.lookup_hash("id_number", b),
        "R2": cipher.lookup_hash("id_number", a),
    }
