"""A visits CSV is read, checked and written a chunk at a time (issue 19: a million
rows took 1.3 GB), still all or nothing.

The chunk size is made tiny so that a small file spans many chunks: a problem or a
repeated code in a later chunk rolls back what earlier chunks wrote; a quoted value
with a line break is never cut; lines are the file's; the household months equal a
full rebuild from the stored visits.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from test_interchange import (
    _household_months,
    _household_quarters,
    at,
    counts,
    put,
    rejected,
    seed_base,
    short,
)

from center.core import clock
from center.interchange import files
from center.interchange import service as ix
from center.kpi.derive import rebuild_household_months
from db.models import Visit

HEADER = "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\n"


@pytest.fixture
def base(ctx: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(clock, "now", lambda: at(2026, 12, 7, 10))
    monkeypatch.setattr(files, "CHUNK_CHARS", 100)  # two or three rows a chunk
    seed_base(ctx, tmp_path)
    return ctx


def visits(n: int) -> list[str]:
    """``n`` visit rows over three households and four months, two thirds met."""
    outcomes = ("met", "met", "not_home")
    return [
        f"V{i:03d},H{1 + i % 3},S{1 + i % 2},2026-{8 + i % 4:02d}-{1 + i % 27:02d} "
        f"{8 + i % 9:02d}:00,{outcomes[i % 3]},,\n"
        for i in range(n)
    ]


def test_many_chunks_import_like_one(base, tmp_path):
    rows = visits(40)
    rows[7] = 'V007,H2,S2,2026-09-08 15:00,met,,"第一行\n第二行,""引号""\n第三行"\n'
    result = ix.import_file(base, "visits", put(tmp_path, "visits.csv", HEADER + "".join(rows)))
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (40, 40, 0, 0)
    with base.engine.begin() as c:
        notes = c.scalar(select(Visit.notes).where(Visit.code == "V007"))
        months, quarters = _household_months(c), _household_quarters(c)
        assert len(months) == 8  # H3 has no met-visit (its rows are not_home)
        rebuild_household_months(c, None)
        assert (_household_months(c), _household_quarters(c)) == (months, quarters)
    assert notes == '第一行\n第二行,"引号"\n第三行'
    # again: every row unchanged; one row changed: one update, its months redone
    path = put(tmp_path, "visits.csv", HEADER + "".join(rows))
    again = ix.import_file(base, "visits", path)
    assert (again.rows, again.inserted, again.updated, again.unchanged) == (40, 0, 0, 40)
    rows[30] = rows[30].replace(",not_home,", ",met,").replace(",met,", ",refused,", 1)
    moved = ix.import_file(base, "visits", put(tmp_path, "v2.csv", HEADER + "".join(rows)))
    assert (moved.updated, moved.unchanged) == (1, 39)
    with base.engine.begin() as c:
        months, quarters = _household_months(c), _household_quarters(c)
        rebuild_household_months(c, None)
        assert (_household_months(c), _household_quarters(c)) == (months, quarters)


def test_a_problem_in_a_later_chunk_writes_nothing(base, tmp_path):
    rows = visits(30)
    rows[25] = "V025,H9,S1,2026-10-01 09:00,met,,\n"
    path = put(tmp_path, "visits.csv", HEADER + "".join(rows))
    assert rejected(base, "visits", path, tmp_path) == [
        "visits.csv:27: household_code: no household 'H9' in the database"
    ]


def test_a_code_repeated_in_a_later_chunk_is_refused(base, tmp_path):
    rows = visits(30)
    rows[20] = rows[20].replace("V020", "V001", 1)
    rows[21] = rows[21].replace("V021", "V020", 1)
    rows[22] = rows[22].replace("V022", "V020", 1)  # in the same chunk as line 23
    path = put(tmp_path, "visits.csv", HEADER + "".join(rows))
    expected = [
        "visits.csv:22: visit_code: duplicate visit_code 'V001' (first on line 3)",
        "visits.csv:24: visit_code: duplicate visit_code 'V020' (first on line 23)",
    ]
    # no visit stored: the repeat fails the unique constraint, and is reported as such
    assert rejected(base, "visits", path, tmp_path) == expected
    # a visit stored: a later chunk takes the earlier chunk's row for a stored one
    ix.import_file(base, "visits", put(tmp_path, "one.csv", HEADER + visits(1)[0]))
    assert rejected(base, "visits", path, tmp_path) == expected


def test_lines_of_a_later_chunk_are_the_files(base, tmp_path):
    rows = visits(20)
    rows[3] = 'V003,H1,S1,2026-08-04 11:00,met,,"两行\n备注"\n'  # line 5 and 6
    rows[15] = "V015,H1,S1,2026-08-16 12:00,met,2026-08-16 11:00,\n"
    rows[18] = 'V018,H1,S1,2026-08-19 08:00,met,,"未闭合\n'
    path = put(tmp_path, "visits.csv", HEADER + "".join(rows))
    before = counts(base.engine)
    with pytest.raises(ix.ImportRejected) as exc:
        ix.import_file(base, "visits", path)
    assert counts(base.engine) == before
    assert short(exc.value.problems, tmp_path) == [
        "visits.csv:21: notes: unclosed quote: the quoted value that opens on this line runs "
        'to the end of the file; close the quote (a quote inside a value is written as "")'
    ]
    rows[18] = "V018,H1,S1,2026-08-19 08:00,met,,\n"
    path = put(tmp_path, "visits.csv", HEADER + "".join(rows))
    assert rejected(base, "visits", path, tmp_path) == [
        "visits.csv:18: recorded_at: earlier than visited_at"
    ]


def test_a_dry_run_streams_without_writing(base, tmp_path):
    path = put(tmp_path, "visits.csv", HEADER + "".join(visits(25)))
    before = counts(base.engine)
    result = ix.import_file(base, "visits", path, dry_run=True)
    assert (result.rows, result.inserted, result.dry_run) == (25, 25, True)
    assert counts(base.engine) == before
