"""Import of the interchange formats (`spec/interchange.md`): common rules and each kind.

Every rule has a passing file and a failing file; a failing file must be reported
with the exact ``FILE:LINE: column: message`` lines and must leave every table as it
was. Files are written in ``tmp_path``; problems are compared without the directory.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, func, select

from center.core import clock
from center.core.access import Actor
from center.interchange import service as ix
from center.kpi.derive import rebuild_household_months
from db.changes import counters
from db.models import (
    AuditLog,
    Case,
    Community,
    Department,
    Grid,
    HolidayOverride,
    Household,
    HouseholdMonth,
    HouseholdQuarter,
    Resident,
    Staff,
    Street,
    Visit,
)
from db.types import CST

TABLES = [
    Street,
    Community,
    Grid,
    Department,
    Staff,
    Household,
    Resident,
    Visit,
    HouseholdMonth,
    HouseholdQuarter,
    Case,
    HolidayOverride,
    AuditLog,
]


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=CST)


def put(tmp_path: Path, name: str, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return {m.__tablename__: c.scalar(select(func.count()).select_from(m)) or 0 for m in TABLES}


def short(lines: list[str], tmp_path: Path) -> list[str]:
    return [line.replace(f"{tmp_path}/", "") for line in lines]


def rejected(ctx: Any, kind: str, path: Path, tmp_path: Path) -> list[str]:
    """Import ``path`` expecting a rejection; nothing may change. Returns the problems."""
    before = counts(ctx.engine)
    with pytest.raises(ix.ImportRejected) as exc:
        ix.import_file(ctx, kind, path)
    assert counts(ctx.engine) == before
    return short(exc.value.problems, tmp_path)


# ---------------------------------------------------------------- base data


def square(x0: float, y0: float) -> dict[str, Any]:
    ring = [[x0, y0], [x0 + 0.01, y0], [x0 + 0.01, y0 + 0.01], [x0, y0 + 0.01], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(
    code: str | None,
    community: str = "C01",
    community_name: str = "一社区",
    street: str | None = "和平街道",
    geometry: Any = None,
    **extra: Any,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "grid_code": code,
        "grid_name": f"{code}网格",
        "community_code": community,
        "community_name": community_name,
    }
    if code is None:
        del props["grid_code"]
    if street is not None:
        props["street_name"] = street
    props.update(extra)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": geometry if geometry is not None else square(116.0, 39.0),
    }


def geojson(*features: dict[str, Any]) -> str:
    """One feature per line: feature n is on line n + 1."""
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return '{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n"


GRIDS = geojson(
    feature("G01"),
    feature("G02", geometry=square(116.01, 39.0)),
    feature("G03", community="C02", community_name="二社区", geometry=square(116.02, 39.0)),
)
STAFF = (
    "staff_code,name,role,grid_code,phone\n"
    "S1,王五,grid_worker,G01,13812345678\n"
    "S2,赵六,volunteer,,010-12345678\n"
)
HOUSEHOLDS = (
    "household_code,grid_code,address,lon,lat,members,special_groups,is_floating,"
    "moved_out_on,updated_at\n"
    "H1,G01,一号楼101,116.005,39.005,3,low_income;solo_elderly,0,,2026-09-01 10:00\n"
    "H2,G02,二号楼202,,,1,,,2026-12-01,\n"
    "H3,G03,三号楼303,,,2,,1,,\n"
)


def seed_base(ctx: Any, tmp_path: Path) -> None:
    ix.import_file(ctx, "grids", put(tmp_path, "base_grids.geojson", GRIDS))
    ix.import_file(ctx, "staff", put(tmp_path, "base_staff.csv", STAFF))
    ix.import_file(ctx, "households", put(tmp_path, "base_households.csv", HOUSEHOLDS))


# ---------------------------------------------------------------- identity numbers

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def make_id(first17: str) -> str:
    return first17 + check_char(first17)


def wrong_check(number: str) -> str:
    good = number[17]
    return number[:17] + ("0" if good != "0" else "1")


# ---------------------------------------------------------------- common rules


def test_encodings_utf8_with_and_without_bom_gb18030_and_undecodable(ctx, tmp_path):
    body = "dept_code,name\n{code},{name}\n"
    r1 = ix.import_file(
        ctx,
        "departments",
        put(tmp_path, "bom.csv", body.format(code="D20", name="综治中心"), "utf-8-sig"),
    )
    r2 = ix.import_file(
        ctx,
        "departments",
        put(tmp_path, "plain.csv", body.format(code="D21", name="网格办"), "utf-8"),
    )
    r3 = ix.import_file(
        ctx,
        "departments",
        put(tmp_path, "gbk.csv", body.format(code="D22", name="信访办（来访接待）"), "gb18030"),
    )
    assert (r1.inserted, r2.inserted, r3.inserted) == (1, 1, 1)
    with ctx.engine.connect() as c:
        names = dict(
            c.execute(
                select(Department.code, Department.name).where(
                    Department.code.in_(["D20", "D21", "D22"])
                )
            ).all()
        )
    assert names == {"D20": "综治中心", "D21": "网格办", "D22": "信访办（来访接待）"}
    path = tmp_path / "bad.csv"
    path.write_bytes(b"dept_code,name\nD20,ok\nD21,\xff\xfe\n")
    assert rejected(ctx, "departments", path, tmp_path) == [
        "bad.csv:3: encoding: the file is neither UTF-8 nor GB18030 (GBK) text"
    ]


def test_any_column_order_loose_headers_and_extra_column_warning(ctx, tmp_path):
    path = put(tmp_path, "depts.csv", " Name ,DEPT CODE*,remark\n信访办,D30,备注\n")
    result = ix.import_file(ctx, "departments", path)
    assert result.inserted == 1
    assert short(result.warnings, tmp_path) == ["depts.csv:1: remark: unknown column ignored"]
    with ctx.engine.connect() as c:
        assert c.scalar(select(Department.name).where(Department.code == "D30")) == "信访办"


def test_required_columns_and_values(ctx, tmp_path):
    assert rejected(ctx, "departments", put(tmp_path, "a.csv", "dept_code\nD31\n"), tmp_path) == [
        "a.csv:1: name: required column missing"
    ]
    path = put(tmp_path, "b.csv", "dept_code,name\nD31,\n,名称\nD32,好\n")
    assert rejected(ctx, "departments", path, tmp_path) == [
        "b.csv:2: name: value required",
        "b.csv:3: dept_code: value required",
    ]
    path = put(tmp_path, "c.csv", "dept_code,name,dept_code\nD31,a,D31\n")
    assert rejected(ctx, "departments", path, tmp_path) == [
        "c.csv:1: dept_code: column appears more than once"
    ]
    assert rejected(ctx, "departments", put(tmp_path, "d.csv", ""), tmp_path) == [
        "d.csv:1: header: the file is empty"
    ]


def test_upsert_by_code_and_idempotent_reimport(ctx, tmp_path):
    first = ix.import_file(ctx, "departments", put(tmp_path, "d1.csv", "dept_code,name\nD40,甲\n"))
    assert (first.inserted, first.updated, first.unchanged) == (1, 0, 0)
    path = put(tmp_path, "d2.csv", "dept_code,name\nD40,乙\nD01,民政\n")
    second = ix.import_file(ctx, "departments", path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 1)
    before_counts, before_counters = counts(ctx.engine), _counters(ctx.engine)
    third = ix.import_file(ctx, "departments", path)
    assert (third.inserted, third.updated, third.unchanged, third.changed) == (0, 0, 2, 0)
    assert counts(ctx.engine) == before_counts  # not even an audit row for a no-op
    assert _counters(ctx.engine) == before_counters
    with ctx.engine.connect() as c:
        assert c.scalar(select(Department.name).where(Department.code == "D40")) == "乙"


def _counters(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return counters(c)


def test_all_or_nothing_reports_every_problem(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "visits.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\n"
            "V1,H1,S1,2026-10-05 08:30,met,,\n"
            "V2,H9,S1,2026-10-05 08:30,met,,\n"
            "V3,H1,S9,yesterday,visited,,\n"
            "V4,H1,S1,2026-10-05 08:30,met,2026-10-05 08:00,\n"
            "V1,H1,S1,2026-10-06 08:30,met,,\n"
        ),
    )
    assert rejected(ctx, "visits", path, tmp_path) == [
        "visits.csv:3: household_code: no household 'H9' in the database",
        (
            "visits.csv:4: visited_at: not a timestamp (expected ISO 8601 such as "
            "2026-10-05T08:30:00+08:00 or 2026/10/05 08:30)"
        ),
        "visits.csv:4: outcome: 'visited' is not one of met, not_home, refused",
        "visits.csv:4: staff_code: no staff member 'S9' in the database",
        "visits.csv:5: recorded_at: earlier than visited_at",
        "visits.csv:6: visit_code: duplicate visit_code 'V1' (first on line 2)",
    ]
    # a quoted line break: the problem is reported on the line where its row starts
    path = put(
        tmp_path,
        "quoted.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome,notes\n"
            'V1,H1,S1,2026-10-05 08:30,met,"第一行\n第二行, 有逗号"\n'
            "V2,H1,S1,2026-10-05 08:30,absent,\n"
        ),
    )
    assert rejected(ctx, "visits", path, tmp_path) == [
        "quoted.csv:4: outcome: 'absent' is not one of met, not_home, refused"
    ]


def test_dry_run_validates_and_writes_nothing(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "visits.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome\n"
            "V1,H1,S1,2026-10-05 08:30,met\nV2,H2,S2,2026-10-06 09:00,not_home\n"
        ),
    )
    before, before_counters = counts(ctx.engine), _counters(ctx.engine)
    result = ix.import_file(ctx, "visits", path, dry_run=True)
    assert (result.dry_run, result.rows, result.inserted) == (True, 2, 2)
    assert counts(ctx.engine) == before
    assert _counters(ctx.engine) == before_counters
    bad = put(
        tmp_path,
        "bad.csv",
        "visit_code,household_code,staff_code,visited_at,outcome\nV1,H1,S1,2026-10-05 08:30,gone\n",
    )
    with pytest.raises(ix.ImportRejected) as exc:
        ix.import_file(ctx, "visits", bad, dry_run=True)
    assert short(exc.value.problems, tmp_path) == [
        "bad.csv:2: outcome: 'gone' is not one of met, not_home, refused"
    ]


def test_timestamp_forms_and_invalid_timestamps(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "visits.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome,recorded_at\n"
            "V1,H1,S1,2026-10-05 08:30,met,\n"
            "V2,H1,S1,2026/10/05 08:30,met,2026-10-05T08:30:45+08:00\n"
            "V3,H1,S1,2026-10-05T00:30:00Z,met,2026-10-05T01:30:00+00:00\n"
            "V4,H1,S1,2026/10/5 8:30,met,2026-10-05 10:00:00.250000\n"
            "V5,H1,S1,2026-10-05T08:30:00+08:00,met,2026-10-06\n"
        ),
    )
    ix.import_file(ctx, "visits", path)
    with ctx.engine.connect() as c:
        got = {
            code: (v, r)
            for code, v, r in c.execute(select(Visit.code, Visit.visited_at, Visit.recorded_at))
        }
    t = at(2026, 10, 5, 8, 30)
    assert got == {
        "V1": (t, t),
        "V2": (t, at(2026, 10, 5, 8, 30, 45)),
        "V3": (t, at(2026, 10, 5, 9, 30)),
        "V4": (t, at(2026, 10, 5, 10).replace(microsecond=250000)),
        "V5": (t, at(2026, 10, 6)),
    }
    bad = put(
        tmp_path,
        "bad.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome\n"
            "V6,H1,S1,2026-13-05 08:30,met\n"
            "V7,H1,S1,2026/02/30 08:00,met\n"
            "V8,H1,S1,5 Oct 2026,met\n"
            "V9,H1,S1,0026-10-05 08:30,met\n"
        ),
    )
    hint = "(expected ISO 8601 such as 2026-10-05T08:30:00+08:00 or 2026/10/05 08:30)"
    assert rejected(ctx, "visits", bad, tmp_path) == [
        f"bad.csv:2: visited_at: not a real date and time {hint}",
        "bad.csv:3: visited_at: not a real date and time (day is out of range for month)",
        f"bad.csv:4: visited_at: not a timestamp {hint}",
        "bad.csv:5: visited_at: year 26 is out of range",
    ]


def test_xlsx_with_excel_date_cells(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["household_code", "grid_code", "address", "moved_out_on", "updated_at", "members"])
    ws.append(["H7", "G01", "七号楼", date(2026, 11, 30), datetime(2026, 10, 5, 8, 30), 4])
    ws.append([None, None, None, None, None, None])
    ws.append([1008, "G02", "八号楼", "2026/12/01", "2026-10-05T08:30:00+08:00", 2.0])
    path = tmp_path / "households.xlsx"
    wb.save(path)
    result = ix.import_file(ctx, "households", path)
    assert result.inserted == 2
    with ctx.engine.connect() as c:
        rows = {
            r.code: r
            for r in c.execute(select(Household).where(Household.code.in_(["H7", "1008"])))
        }
    assert rows["H7"].moved_out_on == date(2026, 11, 30)
    assert rows["H7"].updated_at == at(2026, 10, 5, 8, 30)
    assert rows["H7"].members == 4
    assert rows["1008"].moved_out_on == date(2026, 12, 1)
    assert rows["1008"].members == 2
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["household_code", "grid_code", "address", "moved_out_on"])
    ws.append(["H9", "G01", "九号楼", datetime(2026, 11, 30, 9, 15)])
    ws.append(["H10", "G01", "十号楼", 45000])
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    assert rejected(ctx, "households", bad, tmp_path) == [
        "bad.xlsx:2: moved_out_on: a date has no time of day (expected YYYY-MM-DD)",
        "bad.xlsx:3: moved_out_on: not a date (expected YYYY-MM-DD)",
    ]


def test_booleans(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    words = ["1", "0", "true", "FALSE", "yes", "No", "是", "否", ""]
    lines = [f"B{i},G01,地址{i},{w}" for i, w in enumerate(words)]
    path = put(
        tmp_path,
        "hh.csv",
        "household_code,grid_code,address,is_floating\n" + "\n".join(lines) + "\n",
    )
    ix.import_file(ctx, "households", path)
    with ctx.engine.connect() as c:
        got = dict(
            c.execute(
                select(Household.code, Household.is_floating).where(Household.code.like("B%"))
            ).all()
        )
    assert [got[f"B{i}"] for i in range(len(words))] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        None,
    ]
    bad = put(tmp_path, "bad.csv", "household_code,grid_code,address,is_floating\nB9,G01,x,maybe\n")
    assert rejected(ctx, "households", bad, tmp_path) == [
        "bad.csv:2: is_floating: not a boolean (use 1/0, true/false, yes/no or 是/否)"
    ]


def test_progress_and_cancel(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    body = "visit_code,household_code,staff_code,visited_at,outcome\n" + "".join(
        f"V{i},H1,S1,2026-10-05 08:30,met\n" for i in range(30)
    )
    path = put(tmp_path, "visits.csv", body)
    seen: list[tuple[int, int]] = []
    ix.import_file(ctx, "visits", path, dry_run=True, progress=lambda d, t: seen.append((d, t)))
    assert seen and all(d <= t for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1][0] == seen[-1][1] > 0
    before = counts(ctx.engine)
    with pytest.raises(ix.ImportCancelled):
        ix.import_file(ctx, "visits", path, cancel=lambda: True)
    assert counts(ctx.engine) == before
    seen.clear()
    ix.import_file(ctx, "visits", path, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] > 0


def test_audit_row_and_change_counters(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    before = _counters(ctx.engine)
    path = put(
        tmp_path,
        "visits.csv",
        "visit_code,household_code,staff_code,visited_at,outcome\nV1,H1,S1,2026-10-05 08:30,met\n",
    )
    ix.import_file(ctx, "visits", path)
    after = _counters(ctx.engine)
    assert after["visits"] == before["visits"] + 1
    assert after["cases"] == before["cases"]
    with ctx.engine.connect() as c:
        row = c.execute(select(AuditLog).order_by(AuditLog.id.desc()).limit(1)).one()
    assert (row.action, row.entity) == ("import", "visits")
    assert json.loads(row.detail) == {
        "file": "visits.csv",
        "rows": 1,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "warnings": 0,
    }


def test_unknown_kind_wrong_suffix_and_missing_file(ctx, tmp_path):
    with pytest.raises(ix.InterchangeError, match="unknown kind 'people'"):
        ix.import_file(ctx, "people", tmp_path / "x.csv")
    with pytest.raises(ix.InterchangeError, match="no such file"):
        ix.import_file(ctx, "departments", tmp_path / "missing.csv")
    path = put(tmp_path, "d.txt", "dept_code,name\n")
    with pytest.raises(ix.InterchangeError, match=r"departments files must end in \.csv or \.xlsx"):
        ix.import_file(ctx, "departments", path)
    with pytest.raises(ix.InterchangeError, match=r"grids files must end in \.geojson or \.json"):
        ix.export_file(ctx, "grids", tmp_path / "grids.csv", actor=Actor("root", "admin"))


# ---------------------------------------------------------------- grids


def test_grids_create_street_communities_and_grids(ctx, tmp_path):
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(116.1, 39.1)["coordinates"], square(116.2, 39.1)["coordinates"]],
    }
    path = put(
        tmp_path,
        "grids.geojson",
        geojson(
            feature("G01", fill="#ff0000"),
            feature("G02", geometry=multi, street="别的街道"),
            feature("G03", community="C02", community_name="二社区", street=None),
        ),
    )
    result = ix.import_file(ctx, "grids", path)
    assert (result.inserted, result.related_changes) == (3, 3)  # + street + 2 communities
    assert short(result.warnings, tmp_path) == [
        "grids.geojson:2: fill: unknown property ignored",
        "grids.geojson:3: street_name: '别的街道' ignored: the street is '和平街道'",
    ]
    with ctx.engine.connect() as c:
        assert c.scalars(select(Street.name)).all() == ["和平街道"]
        coms = dict(c.execute(select(Community.code, Community.name)).all())
        grids = {g.code: g for g in c.execute(select(Grid))}
    assert coms == {"C01": "一社区", "C02": "二社区"}
    assert json.loads(grids["G02"].geometry) == multi
    assert grids["G01"].name == "G01网格"
    again = ix.import_file(ctx, "grids", path)
    assert (again.unchanged, again.changed) == (3, 0)
    renamed = put(
        tmp_path, "renamed.geojson", geojson(feature("G01", community_name="一社区（新）"))
    )
    result = ix.import_file(ctx, "grids", renamed)
    assert (result.unchanged, result.related_changes) == (1, 1)
    with ctx.engine.connect() as c:
        assert c.scalar(select(Community.name).where(Community.code == "C01")) == "一社区（新）"


def test_grids_default_street_then_named_and_file_level_errors(ctx, tmp_path):
    path = put(tmp_path, "g.geojson", geojson(feature("G01", street=None)))
    result = ix.import_file(ctx, "grids", path)
    assert short(result.warnings, tmp_path) == [
        (
            "g.geojson:1: street_name: no street_name given and the database has no street: "
            "it is named '未命名街道' until a file gives the name"
        )
    ]
    named = put(tmp_path, "n.geojson", geojson(feature("G01", street="幸福街道")))
    result = ix.import_file(ctx, "grids", named)
    assert (result.unchanged, result.related_changes, result.warnings) == (1, 1, [])
    with ctx.engine.connect() as c:
        assert c.scalars(select(Street.name)).all() == ["幸福街道"]
    path = put(tmp_path, "a.geojson", '{"type": "Feature", "properties": {}}')
    assert rejected(ctx, "grids", path, tmp_path) == [
        "a.geojson:1: type: not a GeoJSON FeatureCollection"
    ]
    path = put(tmp_path, "b.geojson", '{"type": "FeatureCollection",\n"features": [\n{"a" 1}]}')
    assert rejected(ctx, "grids", path, tmp_path) == ["b.geojson:3: json: Expecting ':' delimiter"]


def test_grids_invalid_features_are_named(ctx, tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[116.0, 39.0], [116.01, 39.01], [116.01, 39.0], [116.0, 39.01], [116.0, 39.0]]
        ],
    }
    point = {"type": "Point", "coordinates": [116.0, 39.0]}
    far = square(190.0, 39.0)
    path = put(
        tmp_path,
        "grids.geojson",
        geojson(
            feature("G01"),
            feature("G02", geometry=bowtie),
            feature("G03", geometry=point),
            feature(None),
            feature("G05", community_name="别名社区"),
            feature("G01"),
            feature("G07", geometry=far),
            feature("G08", geometry={"type": "Polygon", "coordinates": [[[116.0, 39.0]]]}),
        ),
    )
    problems = rejected(ctx, "grids", path, tmp_path)
    assert problems[:7] == [
        (
            "grids.geojson:3: geometry: feature 2 (grid_code G02): invalid or self-intersecting "
            "polygon (Self-intersection[116.005 39.005])"
        ),
        (
            "grids.geojson:4: geometry: feature 3 (grid_code G03): must be a Polygon or "
            "MultiPolygon, not 'Point'"
        ),
        "grids.geojson:5: grid_code: feature 4: value required",
        (
            "grids.geojson:6: community_name: feature 5 (grid_code G05): '别名社区' differs from "
            "'一社区' given for community C01 on line 2"
        ),
        (
            "grids.geojson:7: grid_code: feature 6 (grid_code G01): duplicate grid_code (first on "
            "line 2)"
        ),
        (
            "grids.geojson:8: geometry: feature 7 (grid_code G07): coordinates outside WGS84 "
            "lon/lat range (lon -180..180, lat -90..90)"
        ),
        (
            "grids.geojson:9: geometry: feature 8 (grid_code G08): malformed coordinates "
            "(A linearring requires at least 4 coordinates.)"
        ),
    ]
    assert len(problems) == 7


# ---------------------------------------------------------------- departments and staff


def test_staff_roles_grids_and_phones(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "staff.csv",
        (
            "staff_code,name,role,grid_code,phone\n"
            "S3,楼长甲,building_leader,G02,0571-8888888\n"
            "S4,社工乙,community_worker,,01012345678\n"
            "S5,专家丙,professional,G03,\n"
            "S1,王五,grid_worker,G02,13812345678\n"
        ),
    )
    result = ix.import_file(ctx, "staff", path)
    assert (result.inserted, result.updated) == (3, 1)
    with ctx.engine.connect() as c:
        rows = {r.code: r for r in c.execute(select(Staff))}
        grid_ids = dict(c.execute(select(Grid.code, Grid.id)).all())
    assert rows["S1"].grid_id == grid_ids["G02"]
    assert rows["S4"].grid_id is None
    assert rows["S5"].phone_enc is None and rows["S5"].phone_hash is None
    blob = bytes(rows["S3"].phone_enc)
    assert b"8888888" not in blob
    assert ctx.cipher.decrypt("phone", blob) == "0571-8888888"
    assert rows["S3"].phone_hash == ctx.cipher.lookup_hash("phone", "0571-8888888")


def test_staff_invalid_rows(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "staff.csv",
        (
            "staff_code,name,role,grid_code,phone\n"
            "S3,甲,boss,,\n"
            "S4,乙,grid_worker,,\n"
            "S5,丙,building_leader,G99,\n"
            "S6,丁,volunteer,,23812345678\n"
            "S7,戊,volunteer,,12345\n"
            "S8,,volunteer,,1381234567x\n"
        ),
    )
    phone_msg = (
        "not a phone number: expected an 11-digit mobile number starting with 1 "
        "or a landline with area code such as 010-12345678"
    )
    problems = rejected(ctx, "staff", path, tmp_path)
    assert problems == [
        (
            "staff.csv:2: role: 'boss' is not one of grid_worker, building_leader, "
            "community_worker, volunteer, professional"
        ),
        "staff.csv:3: grid_code: required for role grid_worker",
        "staff.csv:4: grid_code: no grid 'G99' in the database",
        f"staff.csv:5: phone: {phone_msg}",
        f"staff.csv:6: phone: {phone_msg}",
        "staff.csv:7: name: value required",
        f"staff.csv:7: phone: {phone_msg}",
    ]
    assert not any(v in p for p in problems for v in ("23812345678", "1381234567x", "'12345'"))


# ---------------------------------------------------------------- households


def test_households_values(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    with ctx.engine.connect() as c:
        rows = {r.code: r for r in c.execute(select(Household))}
    h1 = rows["H1"]
    assert (h1.special_groups, h1.is_special, h1.members) == ("solo_elderly;low_income", True, 3)
    assert (h1.lon, h1.lat, h1.is_floating) == (116.005, 39.005, False)
    assert h1.updated_at == at(2026, 9, 1, 10)
    assert (rows["H2"].special_groups, rows["H2"].is_special) == ("", False)
    assert rows["H2"].moved_out_on == date(2026, 12, 1)
    path = put(
        tmp_path,
        "hh.csv",
        (
            "household_code,grid_code,address,special_groups\n"
            "H2,G02,二号楼202,独居老人;other; disabled;other\n"
        ),
    )
    result = ix.import_file(ctx, "households", path)
    assert result.updated == 1
    with ctx.engine.connect() as c:
        h2 = c.execute(select(Household).where(Household.code == "H2")).one()
    assert (h2.special_groups, h2.is_special, h2.moved_out_on) == (
        "solo_elderly;disabled;other",
        True,
        None,
    )


def test_households_invalid_rows(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "hh.csv",
        (
            "household_code,grid_code,address,lon,lat,members,special_groups,moved_out_on,updated_at\n"
            "H4,G01,地址,200,39.0,0,,,\n"
            "H5,G01,地址,116.0,95,2.5,rich;disabled,,\n"
            "H6,G99,地址,116.0,,3,,2026-02-30,2026-10-05 25:00\n"
            "H7,G01,,,,,,,\n"
        ),
    )
    assert rejected(ctx, "households", path, tmp_path) == [
        "hh.csv:2: lon: must be a longitude between -180 and 180",
        "hh.csv:2: members: must be an integer of at least 1",
        "hh.csv:3: lat: must be a latitude between -90 and 90",
        "hh.csv:3: members: must be an integer of at least 1",
        (
            "hh.csv:3: special_groups: unknown special group 'rich' (expected solo_elderly, "
            "disabled, child_in_difficulty, low_income, other)"
        ),
        "hh.csv:4: moved_out_on: not a real date (expected YYYY-MM-DD)",
        (
            "hh.csv:4: updated_at: not a real date and time (expected ISO 8601 such as "
            "2026-10-05T08:30:00+08:00 or 2026/10/05 08:30)"
        ),
        "hh.csv:4: grid_code: no grid 'G99' in the database",
        "hh.csv:5: address: value required",
    ]
    path = put(tmp_path, "half.csv", "household_code,grid_code,address,lon\nH4,G01,地址,116.0\n")
    assert rejected(ctx, "households", path, tmp_path) == [
        "half.csv:2: lat: lon and lat come together (both or neither)"
    ]


# ---------------------------------------------------------------- residents


def test_residents_personal_information(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    id1 = make_id("11010519491231001")  # 17th digit odd: male
    id_x = next(
        make_id(p)
        for p in (f"330106198806150{i:02d}" for i in range(100))
        if check_char(p) == "X" and int(p[16]) % 2 == 0
    )  # female, check char X
    path = put(
        tmp_path,
        "residents.csv",
        (
            "resident_code,household_code,name,id_number,phone,birth_date,gender,tags\n"
            f"R1,H1,张三,{id1},13900001111,1949-12-31,男,党员; 志愿者;党员\n"
            f"R2,H1,李四,{id_x.lower()},,,女,\n"
            "R3,H2,王小明,,0571-8888888,,F,\n"
        ),
    )
    result = ix.import_file(ctx, "residents", path)
    assert (result.inserted, result.warnings) == (3, [])
    cipher = ctx.cipher
    with ctx.engine.connect() as c:
        rows = {r.code: r for r in c.execute(select(Resident))}
    r1, r2, r3 = rows["R1"], rows["R2"], rows["R3"]
    assert "张三".encode() not in bytes(r1.name_enc)
    assert id1.encode() not in bytes(r1.id_number_enc)
    assert cipher.decrypt("name", bytes(r1.name_enc)) == "张三"
    assert cipher.decrypt("id_number", bytes(r1.id_number_enc)) == id1
    assert cipher.decrypt("phone", bytes(r1.phone_enc)) == "13900001111"
    assert r1.id_number_hash == cipher.lookup_hash("id_number", id1)
    assert r1.name_hash == cipher.lookup_hash("name", "张三")
    assert (r1.birth_date, r1.gender, r1.tags) == (date(1949, 12, 31), "M", "党员;志愿者")
    assert cipher.decrypt("id_number", bytes(r2.id_number_enc)) == id_x  # x stored as X
    assert (r2.gender, r2.tags, r2.phone_enc) == ("F", None, None)
    assert (r3.id_number_enc, r3.id_number_hash) == (None, None)
    again = ix.import_file(ctx, "residents", path)
    assert (again.unchanged, again.changed) == (3, 0)
    # inconsistencies inside a row are warnings (never showing the values)
    woman = make_id("11010519800101122")  # 17th digit even: female
    path = put(
        tmp_path,
        "warn.csv",
        (
            "resident_code,household_code,name,id_number,birth_date,gender\n"
            f"R4,H1,甲,{woman},1980-01-02,M\n"
            f"R5,H1,乙,{make_id('11010519800101142')},1980-01-01,F\n"
        ),
    )
    result = ix.import_file(ctx, "residents", path)
    assert short(result.warnings, tmp_path) == [
        "warn.csv:2: birth_date: differs from the birth date in id_number",
        "warn.csv:2: gender: differs from the gender encoded in id_number",
    ]


def test_residents_identity_number_validation(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    good = make_id("11010519800101123")
    bad_date = make_id("11010519800230123")
    numbers = [wrong_check(good), good[:17], bad_date, "1101051980010112AB"]
    path = put(
        tmp_path,
        "residents.csv",
        (
            "resident_code,household_code,name,id_number,gender\n"
            f"R1,H1,张三,{numbers[0]},M\n"
            f"R2,H1,李四,{numbers[1]},F\n"
            f"R3,H1,王五,{numbers[2]},M\n"
            f"R4,H9,赵六,{numbers[3]},X\n"
            f"R5,H1,,{good},M\n"
        ),
    )
    problems = rejected(ctx, "residents", path, tmp_path)
    assert problems == [
        "residents.csv:2: id_number: invalid check digit",
        "residents.csv:3: id_number: must be 18 characters",
        "residents.csv:4: id_number: the birth date inside the number is not a real date",
        "residents.csv:5: id_number: must be 17 digits followed by a digit or X",
        "residents.csv:5: gender: must be M, F, 男 or 女",
        "residents.csv:5: household_code: no household 'H9' in the database",
        "residents.csv:6: name: value required",
    ]
    text = "\n".join(problems)
    assert not any(n in text for n in numbers + [good, "张三", "李四"])


# ---------------------------------------------------------------- visits


def test_visits_defaults_lag_and_household_months(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "visits.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\n"
            "V1,H1,S1,2026-10-05 08:30,met,,首次\n"
            "V2,H1,S1,2026-10-20 09:00,met,2026-10-21 15:00,\n"
            "V3,H1,S2,2026-10-25 09:00,met,,\n"
            "V4,H2,S2,2026-10-06 09:00,not_home,2026-10-06 09:30,\n"
            "V5,H2,S2,2026-11-02 09:00,met,,\n"
        ),
    )
    ix.import_file(ctx, "visits", path)
    with ctx.engine.connect() as c:
        visits = {v.code: v for v in c.execute(select(Visit))}
        hm = _household_months(c)
    assert (visits["V1"].recorded_at, visits["V1"].recorded_is_default) == (
        at(2026, 10, 5, 8, 30),
        True,
    )
    assert (visits["V2"].lag_hours, visits["V2"].recorded_is_default) == (30.0, False)
    assert visits["V4"].lag_hours == 0.5
    assert visits["V1"].notes == "首次"
    assert hm == {
        ("H1", 202610): (at(2026, 10, 5, 8, 30), at(2026, 10, 20, 9)),
        ("H2", 202611): (at(2026, 11, 2, 9), None),
    }


def _household_months(conn: Any) -> dict[tuple[str, int], tuple[datetime, datetime | None]]:
    rows = conn.execute(
        select(
            Household.code,
            HouseholdMonth.ym,
            HouseholdMonth.first_met_at,
            HouseholdMonth.second_met_at,
        ).join(Household, Household.id == HouseholdMonth.household_id)
    )
    return {(code, ym): (first, second) for code, ym, first, second in rows}


def _household_quarters(conn: Any) -> dict[tuple[str, int], tuple[datetime | None, ...]]:
    rows = conn.execute(
        select(
            Household.code,
            HouseholdQuarter.yq,
            HouseholdQuarter.first_met_at,
            HouseholdQuarter.special_done_at,
            HouseholdQuarter.second_met_1,
            HouseholdQuarter.second_met_2,
            HouseholdQuarter.second_met_3,
        ).join(Household, Household.id == HouseholdQuarter.household_id)
    )
    return {(code, yq): (first, done, *seconds) for code, yq, first, done, *seconds in rows}


def test_visit_updates_keep_household_months_exact(ctx, tmp_path):
    """Updated visits may move household and month; the incremental household_month
    maintenance must equal a full rebuild."""
    seed_base(ctx, tmp_path)
    first = put(
        tmp_path,
        "v1.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome\n"
            "V1,H1,S1,2026-09-05 08:30,met\nV2,H1,S1,2026-09-20 09:00,met\n"
            "V3,H1,S1,2026-10-02 09:00,met\nV4,H2,S2,2026-10-06 09:00,met\n"
            "V5,H2,S2,2026-12-06 09:00,met\nV6,H3,S2,2026-08-06 09:00,met\n"
        ),
    )
    ix.import_file(ctx, "visits", first)
    second = put(
        tmp_path,
        "v2.csv",
        (
            "visit_code,household_code,staff_code,visited_at,outcome\n"
            "V1,H2,S1,2026-09-05 08:30,met\n"  # moves to another household
            "V2,H1,S1,2026-09-20 09:00,refused\n"  # no longer met
            "V3,H1,S1,2026-11-02 09:00,met\n"  # moves to another month
            "V7,H3,S2,2026-08-01 09:00,met\n"  # new, before the stored one
            "V6,H3,S2,2026-08-06 09:00,met\n"  # unchanged
        ),
    )
    result = ix.import_file(ctx, "visits", second)
    assert (result.inserted, result.updated, result.unchanged) == (1, 3, 1)
    with ctx.engine.begin() as c:
        incremental = _household_months(c)
        quarters = _household_quarters(c)
        rebuild_household_months(c, None)
        assert _household_months(c) == incremental
        assert _household_quarters(c) == quarters
    assert quarters == {
        ("H1", 20264): (at(2026, 11, 2, 9), None, None, None, None),
        ("H2", 20263): (at(2026, 9, 5, 8, 30), None, None, None, None),
        ("H2", 20264): (at(2026, 10, 6, 9), None, None, None, None),
        # two met-visits in August only: the second month of the quarter
        ("H3", 20263): (at(2026, 8, 1, 9), None, None, at(2026, 8, 6, 9), None),
    }
    assert incremental == {
        ("H1", 202611): (at(2026, 11, 2, 9), None),
        ("H2", 202609): (at(2026, 9, 5, 8, 30), None),
        ("H2", 202610): (at(2026, 10, 6, 9), None),
        ("H2", 202612): (at(2026, 12, 6, 9), None),
        ("H3", 202608): (at(2026, 8, 1, 9), at(2026, 8, 6, 9)),
    }


# ---------------------------------------------------------------- cases

CASE_HEADER = (
    "case_code,household_code,source,subcategory_code,priority,received_at,first_response_at,"
    "dept_code,assigned_at,accepted_at,closed_at,on_the_spot,satisfaction,reopened_from,"
    "escalated,summary\n"
)


def test_cases_import_with_defaults_and_derived_columns(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    path = put(
        tmp_path,
        "cases.csv",
        CASE_HEADER
        + (
            "K2,H1,hotline,L01,,2026-09-10 09:00,2026-09-10 09:20,D01,2026-09-10 10:00,"
            "2026-09-10 11:00,,,,K1,,再次反映\n"
            "K1,H1,visit,L01,3wd,2026-09-01 09:00,,,,,2026-09-01 09:00,1,5,,0,当场解决\n"
            "K3,H2,online,E01,,2026-09-02 10:00,,D03,2026-09-02 10:30,,,,,,1,\n"
            "K4,H3,proactive,P01,,2026-09-03 10:00,,,,,,,,,,\n"
        ),
    )
    result = ix.import_file(ctx, "cases", path)
    assert result.inserted == 4
    with ctx.engine.connect() as c:
        rows = {r.code: r for r in c.execute(select(Case))}
        ids = {r.id: r.code for r in rows.values()}
    k1, k2, k3, k4 = rows["K1"], rows["K2"], rows["K3"], rows["K4"]
    assert (k1.priority, k1.priority_is_default) == ("3wd", False)
    assert (k2.priority, k2.priority_is_default) == ("24h", True)  # L01 default
    assert (k3.priority, k4.priority) == ("immediate", "3wd")
    assert (k1.on_the_spot, k1.on_the_spot_given, k2.on_the_spot_given) == (True, True, False)
    assert (k1.escalated, k1.escalated_given, k3.escalated, k4.escalated_given) == (
        False,
        True,
        True,
        False,
    )
    assert ids[k2.reopened_from_id] == "K1"
    assert (k1.eff_response_at, k1.eff_closed_at) == (at(2026, 9, 1, 9), at(2026, 9, 1, 9))
    assert k2.response_due_at == at(2026, 9, 11, 9)
    assert k2.accept_due_at == at(2026, 9, 10, 12)
    # received Thu 2026-09-10: Sun 09-20 is an adjusted working day, 09-25 (Mid-Autumn)
    # and 10-01..07 (National Day) are off, so working day 15 is Thu 10-08
    assert (k2.deadline_at, k2.deadline_provisional) == (at(2026, 10, 9), False)
    assert (k1.status, k2.status, k3.status, k4.status) == (
        "resolved",
        "accepted",
        "assigned",
        "received",
    )
    assert (k2.is_repeat, k1.is_repeat) == (True, False)  # 9 days after K1, same L01
    assert k2.version == 1
    assert k1.satisfaction == 5


def test_cases_update_bumps_version_and_recomputes(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    first = put(
        tmp_path,
        "c1.csv",
        CASE_HEADER
        + (
            "K1,H1,hotline,L01,,2026-09-01 09:00,,,,,,,,,,\n"
            "K2,H1,hotline,L01,,2026-09-05 09:00,,,,,,,,,,\n"
        ),
    )
    ix.import_file(ctx, "cases", first)
    second = put(
        tmp_path,
        "c2.csv",
        CASE_HEADER
        + (
            "K1,H1,hotline,L01,,2026-09-01 09:00,,D01,2026-09-01 10:00,,2026-09-03 09:00,,4,,,\n"
            "K2,H1,hotline,L02,,2026-09-05 09:00,,,,,,,,,,\n"
        ),
    )
    result = ix.import_file(ctx, "cases", second)
    assert result.updated == 2
    with ctx.engine.connect() as c:
        rows = {r.code: r for r in c.execute(select(Case))}
    assert (rows["K1"].version, rows["K1"].status, rows["K1"].satisfaction) == (2, "resolved", 4)
    assert rows["K1"].accept_due_at == at(2026, 9, 1, 12)
    assert (rows["K2"].is_repeat, rows["K2"].priority) == (False, "24h")  # L02 now
    # a stored case that reopens K1 must stay later than K1 when K1 is moved
    ix.import_file(
        ctx,
        "cases",
        put(tmp_path, "c3.csv", CASE_HEADER + "K3,H1,hotline,L01,,2026-09-10 09:00,,,,,,,,K1,,\n"),
    )
    moved = put(
        tmp_path,
        "c4.csv",
        CASE_HEADER + "K1,H1,hotline,L01,,2026-09-12 09:00,,,,,2026-09-13 09:00,,,,,\n",
    )
    assert rejected(ctx, "cases", moved, tmp_path) == [
        (
            "c4.csv:2: received_at: case 'K3' in the database reopens this case but would no "
            "longer be received later"
        )
    ]


def test_cases_invalid_rows(ctx, tmp_path):
    seed_base(ctx, tmp_path)
    ix.import_file(
        ctx,
        "cases",
        put(tmp_path, "old.csv", CASE_HEADER + ("K0,H1,hotline,L01,,2026-09-20 09:00,,,,,,,,,,\n")),
    )
    t = "2026-09-10 09:00"
    early = "2026-09-10 08:00"
    path = put(
        tmp_path,
        "cases.csv",
        CASE_HEADER
        + (
            f"K1,H1,letter,X99,soon,{t},,,,,,,,,,\n"
            f"K2,H9,hotline,L01,,{t},{early},D99,{early},{early},{early},,,,,\n"
            f"K3,H1,hotline,L01,,{t},,D01,,,,,,,,\n"
            f"K4,H1,hotline,L01,,{t},,,2026-09-10 10:00,,,,,,,\n"
            f"K5,H1,hotline,L01,,{t},,,,2026-09-10 10:00,,,,,,\n"
            f"K6,H1,hotline,L01,,{t},,D01,2026-09-10 10:00,2026-09-10 09:30,,,,,,\n"
            f"K7,H1,hotline,L01,,{t},,,,,,maybe,6,K7,x,\n"
            f"K8,H1,hotline,L01,,{t},,,,,,,,K9,,\n"
            f"K9,H1,hotline,L01,,2026-09-11 09:00,,,,,,,,,,\n"
            f"K10,H1,hotline,L01,,{t},,,,,,,,K0,,\n"
            f"K11,H1,hotline,L01,,{t},,,,,,,0,K12,,\n"
            f"K12,H1,hotline,L01,,{t},,,,,,,,,,\n"
            f"K13,H1,hotline,L01,,{t},,,,,,,,K404,,\n"
        ),
    )
    assert rejected(ctx, "cases", path, tmp_path) == [
        "cases.csv:2: source: 'letter' is not one of visit, online, hotline, proactive",
        "cases.csv:2: priority: 'soon' is not one of immediate, 24h, 3wd",
        "cases.csv:2: subcategory_code: unknown subcategory 'X99' (see the taxonomy)",
        "cases.csv:3: household_code: no household 'H9' in the database",
        "cases.csv:3: dept_code: no department 'D99' in the database",
        "cases.csv:3: first_response_at: earlier than received_at",
        "cases.csv:3: assigned_at: earlier than received_at",
        "cases.csv:3: accepted_at: earlier than received_at",
        "cases.csv:3: closed_at: earlier than received_at",
        (
            "cases.csv:4: assigned_at: required with dept_code (dept_code and assigned_at come "
            "together)"
        ),
        (
            "cases.csv:5: dept_code: required with assigned_at (dept_code and assigned_at come "
            "together)"
        ),
        "cases.csv:6: accepted_at: acceptance without assignment (assigned_at is empty)",
        "cases.csv:7: accepted_at: earlier than assigned_at",
        "cases.csv:8: on_the_spot: not a boolean (use 1/0, true/false, yes/no or 是/否)",
        "cases.csv:8: satisfaction: must be an integer from 1 to 5",
        "cases.csv:8: escalated: not a boolean (use 1/0, true/false, yes/no or 是/否)",
        "cases.csv:8: reopened_from: points to the case itself",
        "cases.csv:9: reopened_from: case 'K9' was not received earlier than this case",
        "cases.csv:11: reopened_from: case 'K0' was not received earlier than this case",
        "cases.csv:12: satisfaction: must be an integer from 1 to 5",
        "cases.csv:14: reopened_from: no case 'K404' in the file or the database",
    ]


# ---------------------------------------------------------------- holidays

YEAR = 2035  # a year the chinesecalendar package will not cover


def test_holidays_import_replaces_year_and_moves_deadline(ctx, tmp_path, monkeypatch):
    seed_base(ctx, tmp_path)
    # the case is received in a year the shipped calendar does not cover: the import
    # runs "then" (an instant after the import's start is refused)
    monkeypatch.setattr(clock, "now", lambda: at(YEAR, 6, 1))
    # 2035-01-01 is a Monday; 15 weekdays after it end on Monday 2035-01-22
    ix.import_file(
        ctx,
        "cases",
        put(
            tmp_path, "c.csv", CASE_HEADER + (f"K1,H1,hotline,L01,,{YEAR}-01-01 09:00,,,,,,,,,,\n")
        ),
    )

    def deadline() -> tuple[datetime, bool]:
        with ctx.engine.connect() as c:
            row = c.execute(select(Case.deadline_at, Case.deadline_provisional)).one()
        return row[0], row[1]

    assert deadline() == (at(YEAR, 1, 23), True)
    before = _counters(ctx.engine)
    path = put(
        tmp_path,
        "holidays.csv",
        (
            "date,kind,name\n"
            f"{YEAR}-01-01,holiday,元旦\n"
            f"{YEAR}-01-10,holiday,测试假日\n"
            f"{YEAR}-01-13,workday,调休上班\n"
            "2036-01-01,holiday,元旦\n"
        ),
    )
    result = ix.import_holidays(ctx, path)
    assert (result.inserted, result.deleted, result.deadlines_changed) == (4, 0, 1)
    # Jan 10 (Wed) is off, Sat Jan 13 works: the 15th working day is still Jan 22
    assert deadline() == (at(YEAR, 1, 23), False)
    after = _counters(ctx.engine)
    assert (after["calendar"], after["cases"]) == (before["calendar"] + 1, before["cases"] + 1)
    replaced = put(tmp_path, "h2.csv", f"date,kind,name\n{YEAR}-01-11,holiday,另一假日\n")
    result = ix.import_holidays(ctx, replaced)
    assert (result.inserted, result.deleted, result.deadlines_changed) == (1, 3, 1)
    with ctx.engine.connect() as c:
        days = c.execute(
            select(HolidayOverride.day, HolidayOverride.kind).order_by(HolidayOverride.day)
        ).all()
    assert [tuple(d) for d in days] == [
        (date(YEAR, 1, 11), "holiday"),
        (date(2036, 1, 1), "holiday"),
    ]
    assert deadline() == (at(YEAR, 1, 24), False)  # one weekday less: Tuesday Jan 23 is day 15
    again = ix.import_holidays(ctx, replaced)
    assert again.changed == 0


def test_holidays_invalid_rows_and_dry_run(ctx, tmp_path):
    path = put(
        tmp_path,
        "h.csv",
        (
            "date,kind,name\n2035-01-01,holiday,元旦\n2035-02-30,holiday,\n"
            "2035-03-01,vacation,\n2035-01-01,workday,\n"
        ),
    )
    with pytest.raises(ix.ImportRejected) as exc:
        ix.import_holidays(ctx, path)
    assert short(exc.value.problems, tmp_path) == [
        "h.csv:3: date: not a real date (expected YYYY-MM-DD)",
        "h.csv:4: kind: 'vacation' is not one of holiday, workday",
        "h.csv:5: date: duplicate date '2035-01-01' (first on line 2)",
    ]
    good = put(tmp_path, "g.csv", "date,kind\n2035-01-01,holiday\n")
    result = ix.import_holidays(ctx, good, dry_run=True)
    assert (result.inserted, result.dry_run) == (1, True)
    assert counts(ctx.engine)["holiday_override"] == 0


def test_list_holidays_official_override_and_missing(ctx, tmp_path):
    official = ix.list_holidays(ctx.engine, 2026)
    assert official.status == "official"
    first = official.entries[0]
    assert (first.day, first.kind, first.name, first.source) == (
        date(2026, 1, 1),
        "holiday",
        "元旦",
        "official",
    )
    assert any(e.kind == "workday" and e.name == "春节" for e in official.entries)
    assert ix.list_holidays(ctx.engine, YEAR).status == "missing"
    ix.import_holidays(
        ctx,
        put(
            tmp_path,
            "h.csv",
            f"date,kind,name\n{YEAR}-01-01,holiday,元旦\n2026-01-05,holiday,加休\n",
        ),
    )
    listing = ix.list_holidays(ctx.engine, YEAR)
    assert listing.status == "override"
    assert [(e.day, e.kind, e.name, e.source) for e in listing.entries] == [
        (date(YEAR, 1, 1), "holiday", "元旦", "override")
    ]
    official = ix.list_holidays(ctx.engine, 2026)
    assert official.override_count == 1
    hit = [e for e in official.entries if e.day == date(2026, 1, 5)]
    assert [(e.kind, e.name, e.source) for e in hit] == [("holiday", "加休", "override")]


def _index_sql(engine: Engine) -> list[tuple[str, str]]:
    if engine.dialect.name != "sqlite":
        with engine.connect() as c:
            return [
                tuple(r)
                for r in c.exec_driver_sql(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'visit' "
                    "AND schemaname = current_schema() ORDER BY indexname"
                )
            ]
    with engine.connect() as c:
        return [
            tuple(r)
            for r in c.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'visit' ORDER BY name"
            )
        ]


def test_bulk_insert_rebuilds_indexes_and_a_cancel_keeps_them(ctx, tmp_path, monkeypatch):
    from center.interchange import base as interchange_base

    monkeypatch.setattr(interchange_base, "DEFER_INDEXES_MIN", 3)
    monkeypatch.setattr(interchange_base, "CHUNK", 2)
    seed_base(ctx, tmp_path)
    indexes = _index_sql(ctx.engine)
    assert any("visited_at" in sql for _, sql in indexes)
    body = "visit_code,household_code,staff_code,visited_at,outcome\n" + "".join(
        f"V{i},H{1 + i % 2},S1,2026-10-{5 + i:02d} 08:30,met\n" for i in range(6)
    )
    path = put(tmp_path, "visits.csv", body)
    done: list[int] = [0]

    def cancel_while_writing() -> bool:  # 6 validation steps, then 2 rows per write step
        return done[0] >= 6 + 2

    before = counts(ctx.engine)
    with pytest.raises(ix.ImportCancelled):
        ix.import_file(
            ctx,
            "visits",
            path,
            progress=lambda d, _t: done.__setitem__(0, d),
            cancel=cancel_while_writing,
        )
    assert done[0] == 8  # cancelled with 2 of the 6 visits inserted
    assert counts(ctx.engine) == before
    assert _index_sql(ctx.engine) == indexes
    ix.import_file(ctx, "visits", path)
    assert _index_sql(ctx.engine) == indexes
    with ctx.engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(Visit)) == 6
        in_oct = select(func.count()).where(
            Visit.visited_at >= at(2026, 10, 7), Visit.visited_at < at(2026, 10, 9)
        )
        assert c.scalar(in_oct) == 2
        if ctx.engine.dialect.name == "sqlite":
            plan = " ".join(
                str(r[-1])
                for r in c.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT lag_hours FROM visit WHERE grid_id = 1 "
                    "AND visited_at >= '2026-10-07' AND visited_at < '2026-10-09'"
                )
            )
            assert "ix_visit_at" in plan
    # the same file again is unchanged; a second file into a fuller table keeps them too
    assert ix.import_file(ctx, "visits", path).unchanged == 6
    assert _index_sql(ctx.engine) == indexes


def test_an_import_that_loses_a_race_says_to_run_it_again(ctx, tmp_path, monkeypatch):
    """A deadlock with another writer (PostgreSQL rolls one side back) or SQLite's lock
    held past the busy timeout: the import names the file and says to run it again;
    nothing of it is written. Other database errors are not disguised."""
    import psycopg
    from sqlalchemy.exc import OperationalError

    from center.interchange import service as module

    seed_base(ctx, tmp_path)
    before = counts(ctx.engine)
    path = put(tmp_path, "v.csv", "visit_code,household_code,staff_code,visited_at,outcome\n"
               "V1,H1,S1,2026-10-05 09:00,met\n")  # fmt: skip
    real_record = module._record

    def colliding(error: BaseException):
        def record(conn, *args, **kwargs):
            real_record(conn, *args, **kwargs)  # written, then rolled back
            raise OperationalError("INSERT ...", {}, error)

        return record

    for error, expected in [
        (psycopg.errors.DeadlockDetected("deadlock detected\nDETAIL: ..."), "deadlock detected"),
        (
            psycopg.errors.SerializationFailure("could not serialize access"),
            "could not serialize access",
        ),
        (sqlite3.OperationalError("database is locked"), "database is locked"),
    ]:
        monkeypatch.setattr(module, "_record", colliding(error))
        with pytest.raises(ix.InterchangeError) as info:
            ix.import_file(ctx, "visits", path)
        assert str(info.value) == (
            f"{path}: another import or writer held the same rows ({expected}); nothing was "
            "imported: run the import again"
        )
        assert counts(ctx.engine) == before
    monkeypatch.setattr(module, "_record", colliding(sqlite3.OperationalError("disk I/O error")))
    with pytest.raises(OperationalError, match="disk I/O error"):
        ix.import_file(ctx, "visits", path)
    assert counts(ctx.engine) == before


def test_an_import_names_who_imported_and_refuses_a_role_without_import(ctx, tmp_path):
    from center.core.access import Actor
    from center.core.errors import PermissionDenied
    from db.models import AuditLog, Department

    path = put(tmp_path, "departments.csv", "dept_code,name\nD90,测试科\n")
    with pytest.raises(PermissionDenied, match="may not import"):
        ix.import_file(ctx, "departments", path, actor=Actor("li", "coordinator"))
    with ctx.engine.connect() as c:
        assert c.scalar(select(Department.id).where(Department.code == "D90")) is None
    ix.import_file(ctx, "departments", path, actor=Actor("boss", "admin"))
    with ctx.engine.connect() as c:
        row = c.execute(
            select(AuditLog.actor, AuditLog.entity).where(AuditLog.action == "import")
        ).one()
    assert tuple(row) == ("boss", "departments")


def test_a_holidays_import_names_the_admin_and_needs_the_role(ctx, tmp_path):
    from center.core.access import Actor
    from center.core.errors import PermissionDenied
    from db.models import AuditLog, HolidayOverride

    path = put(tmp_path, "holidays.csv", "date,kind,name\n2036-01-02,holiday,测试假日\n")
    with pytest.raises(PermissionDenied, match="may not set holidays"):
        ix.import_holidays(ctx, path, actor=Actor("li", "coordinator"))
    with ctx.engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(HolidayOverride)) == 0
    ix.import_holidays(ctx, path, actor=Actor("boss", "admin"))
    with ctx.engine.connect() as c:
        row = c.execute(
            select(AuditLog.actor, AuditLog.entity).where(AuditLog.action == "import")
        ).one()
    assert tuple(row) == ("boss", "holidays")
