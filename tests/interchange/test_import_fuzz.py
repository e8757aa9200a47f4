"""A corrupt or truncated import file never gives a traceback or a partial write
(issue 19, fault drills).

Valid files of several kinds (CSV, XLSX and GeoJSON) are cut short, have bytes
flipped, inserted or deleted, or have random text spliced in. Every import must end
either imported or refused as a user error (``ImportRejected`` with
``FILE:LINE: column: message`` lines, or ``InterchangeError``) and, when refused,
leave every table exactly as it was. Bounded: a few dozen examples per kind.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_interchange import (
    CASE_HEADER,
    at,
    counts,
    feature,
    geojson,
    make_id,
    seed_base,
)

from center.core import clock
from center.interchange import service as ix

NOW = at(2026, 12, 7, 10)
PROBLEM = re.compile(r"^.+:\d+: [^:]+: .+$", re.S)

VALID: dict[str, tuple[str, bytes]] = {
    "households": (
        "households.csv",
        (
            "household_code,grid_code,address,lon,lat,members,special_groups,is_floating,"
            "moved_out_on,updated_at\n"
            'H4,G01,"四号楼,401",116.005,39.005,2,low_income,是,,2026-09-01 10:00\n'
            "H5,G02,五号楼502,,,1,,0,2026-11-30,2026-10-01T08:00:00+08:00\n"
        ).encode(),
    ),
    "residents": (
        "residents.csv",
        (
            "resident_code,household_code,name,id_number,phone,birth_date,gender,tags\n"
            f"R1,H1,张三,{make_id('11010519491231001')},13900001111,1949-12-31,男,党员\n"
            "R2,H2,李四,,010-12345678,,F,\n"
        ).encode("gb18030"),
    ),
    "visits": (
        "visits.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\n"
            "V1,H1,S1,2026-10-05 08:30,met,2026-10-05 09:00,入户\n"
            'V2,H2,S2,2026/10/06 14:00,not_home,,"两行\n备注"\n'
        ).encode("utf-8-sig"),
    ),
    "cases": (
        "cases.csv",
        (
            CASE_HEADER + "K1,H1,hotline,L01,,2026-10-05 08:30,2026-10-05 09:00,,,,"
            "2026-10-08 17:00,0,5,,,楼道灯坏\n"
            "K2,H2,visit,L01,24h,2026-10-09 08:30,,,,,,,,K1,1,\n"
        ).encode(),
    ),
    "grids": (
        "grids.geojson",
        geojson(feature("G04"), feature("G05", grid_name="五网格")).encode(),
    ),
}


def _xlsx(csv_text: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for line in csv_text.splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


VALID["staff"] = (
    "staff.xlsx",
    _xlsx("staff_code,name,role,grid_code,phone\nS3,钱七,grid_worker,G01,13812345679"),
)


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """A valid file of some kind with one to three corruptions."""
    kind = draw(st.sampled_from(sorted(VALID)))
    name, data = VALID[kind]
    for _ in range(draw(st.integers(1, 3))):
        n = len(data)
        how = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "splice"]))
        at_ = draw(st.integers(0, n))
        if how == "truncate":
            data = data[:at_]
        elif how == "flip" and n:
            i = min(at_, n - 1)
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
        elif how == "insert":
            data = data[:at_] + draw(st.binary(min_size=1, max_size=8)) + data[at_:]
        elif how == "delete":
            data = data[:at_] + data[at_ + draw(st.integers(1, 16)) :]
        else:
            junk = draw(
                st.text(
                    st.sampled_from(list(",\"\n\r'=;*x0-9:TZ+\u200b\u202e\x00张\ufeff")),
                    min_size=1,
                    max_size=12,
                )
            )
            data = data[:at_] + junk.encode() + data[at_:]
    return kind, name, data


@pytest.fixture
def base(ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    seed_base(ctx, tmp_path)
    return ctx


def test_corrupt_and_truncated_files_are_imported_or_refused_whole(base, tmp_path, db_url):
    examples = 25 if db_url.startswith("postgres") else 60
    outcomes: dict[str, int] = {"imported": 0, "refused": 0}

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=corrupted())
    def run(case: tuple[str, str, bytes]) -> None:
        kind, name, data = case
        path = tmp_path / name
        path.write_bytes(data)
        before = counts(base.engine)
        try:
            ix.import_file(base, kind, path)
        except ix.ImportRejected as exc:
            assert exc.problems
            for line in exc.problems:
                assert PROBLEM.match(line), line
                assert line.startswith(f"{path}:"), line
            assert counts(base.engine) == before
            outcomes["refused"] += 1
        except ix.InterchangeError:
            assert counts(base.engine) == before
            outcomes["refused"] += 1
        else:
            outcomes["imported"] += 1

    run()
    # the corruptions reach the validation, not only the reader: both outcomes occur
    assert outcomes["refused"] > 0
    assert outcomes["imported"] > 0
