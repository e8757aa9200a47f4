"""Lossless round trip of all seven kinds, CSV and XLSX: export (with personal
information, by an admin) → import into an empty database (same reference rows) →
export gives byte-identical files; re-importing an export into the database it came
from changes nothing. Text a spreadsheet would take for a formula survives the round
trip (written with a leading quote, read back without it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from test_interchange import CASE_HEADER, feature, geojson, make_id, put, square

from center.core.access import Actor
from center.interchange import service as ix
from db.models import (
    Case,
    Community,
    Department,
    Grid,
    Household,
    HouseholdMonth,
    HouseholdQuarter,
    Resident,
    Staff,
    Street,
    Visit,
)
from db.seed import DEPARTMENTS

EXT = {"grids": ".geojson"}
ADMIN = Actor("root", "admin")

DEPTS = 'dept_code,name\nD20,"综治,中心""甲"""\nD01,民政\n'
STAFF = (
    "staff_code,name,role,grid_code,phone\n"
    "S1,王五,grid_worker,G01,13812345678\n"
    "S2,赵六,volunteer,,010-12345678\n"
    "S3,孙七,professional,G02,\n"
)
HOUSEHOLDS = (
    "household_code,grid_code,address,lon,lat,members,special_groups,is_floating,"
    "moved_out_on,updated_at\n"
    'H1,G01,"一号楼101, 东单元",116.005,39.005,3,low_income;solo_elderly,0,,2026-09-01 10:00\n'
    "H2,G02,二号楼202,116,39.0,1,,,2026-12-01,2026-09-01T10:00:00.125+08:00\n"
    "H3,G01,三号楼303,,,,,1,,\n"
    'H4,G02,"=HYPERLINK(""http://example.com"",""点我"")",,,,,,,\n'
    "H5,G02,''-5号楼 (a quote of its own),,,,,,,\n"
)
VISITS = (
    "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\n"
    "V1,H1,S1,2026-10-05 08:30,met,,\n"
    'V2,H1,S1,2026/10/06 09:00,met,2026-10-07T09:00:00+08:00,"多行\n备注, 带""引号"""\n'
    "V3,H2,S2,2026-10-06T01:00:00Z,not_home,2026-10-06 09:00,\n"
    "V4,H3,S3,2026-10-07 10:00:00.5,refused,,拒绝\n"
    "V5,H4,S3,2026-10-08 10:00,met,,@网格长 已通知\n"
    'V6,H4,S3,2026-10-09 10:00,met,,"+1 再访, \tTab"\n'
)
CASES = CASE_HEADER + (
    "K3,H1,hotline,L01,,2026-09-20 09:00,,D01,2026-09-20 10:00,,,,,K2,,第三次\n"
    "K1,H1,visit,L01,24h,2026-09-01 09:00,,,,,,1,5,,0,当场\n"
    "K2,H1,online,L01,3wd,2026-09-10 09:00,2026-09-10 09:30,D20,2026-09-10 10:00,"
    '2026-09-10 11:00,2026-09-15 09:00,0,3,K1,1,"多行\n摘要"\n'
    "K4,H2,proactive,E01,,2026-09-02 10:00,,,,,,,,,,\n"
    "K5,H4,hotline,L01,,2026-09-03 10:00,,,,,,,,,,-3℃ 暖气不热\n"
)


def residents() -> str:
    man = make_id("11010519491231001")
    woman = make_id("33010619880615002")
    return (
        "resident_code,household_code,name,id_number,phone,birth_date,gender,tags\n"
        f"R1,H1,张三,{man},13900001111,1949-12-31,男,党员;志愿者\n"
        f"R2,H1,李四,{woman},,1988-06-15,F,\n"
        "R3,H2,王小明,,0571-8888888,,,\n"
    )


def grids() -> str:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(116, 39)["coordinates"], square(116.2, 39.1)["coordinates"]],
    }
    return geojson(
        feature("G01"),
        feature("G02", geometry=multi),
        feature("G03", community="C02", community_name="二社区", geometry=square(116.02, 39.0)),
    )


def seed(ctx: Any, tmp_path: Path) -> None:
    files = {
        "grids": grids(),
        "departments": DEPTS,
        "staff": STAFF,
        "households": HOUSEHOLDS,
        "residents": residents(),
        "visits": VISITS,
        "cases": CASES,
    }
    for kind in ix.KINDS:
        ix.import_file(ctx, kind, put(tmp_path, f"in_{kind}{EXT.get(kind, '.csv')}", files[kind]))


def export_all(ctx: Any, folder: Path, ext: str) -> dict[str, bytes]:
    folder.mkdir()
    out = {}
    for kind in ix.KINDS:
        path = folder / f"{kind}{EXT.get(kind, ext)}"
        ix.export_file(ctx, kind, path, actor=ADMIN, with_pi=True)
        out[kind] = path.read_bytes()
    return out


def import_all(ctx: Any, folder: Path, ext: str) -> None:
    for kind in ix.KINDS:
        result = ix.import_file(ctx, kind, folder / f"{kind}{EXT.get(kind, ext)}")
        assert result.warnings == []


def wipe(ctx: Any) -> None:
    """Back to an empty database with the shipped reference rows."""
    seeded = [code for code, _zh, _en in DEPARTMENTS]
    with ctx.engine.begin() as c:
        for model in (
            HouseholdQuarter,
            HouseholdMonth,
            Case,
            Visit,
            Resident,
            Household,
            Staff,
            Grid,
            Community,
            Street,
        ):
            c.execute(delete(model))
        c.execute(delete(Department).where(Department.code.not_in(seeded)))


def dump(ctx: Any) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with ctx.engine.connect() as c:
        for model in (
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
        ):
            table = model.__table__
            order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in c.execute(select(table).order_by(*order))]
    return out


def test_round_trip_csv_and_xlsx_is_byte_identical(ctx, tmp_path):
    seed(ctx, tmp_path)
    first_csv = export_all(ctx, tmp_path / "csv1", ".csv")
    first_xlsx = export_all(ctx, tmp_path / "xlsx1", ".xlsx")

    # re-importing the export into the database it came from changes nothing
    before = dump(ctx)
    for kind in ix.KINDS:
        result = ix.import_file(ctx, kind, tmp_path / "csv1" / f"{kind}{EXT.get(kind, '.csv')}")
        assert (kind, result.changed) == (kind, 0)
    assert dump(ctx) == before

    wipe(ctx)
    import_all(ctx, tmp_path / "csv1", ".csv")
    assert export_all(ctx, tmp_path / "csv2", ".csv") == first_csv

    wipe(ctx)
    import_all(ctx, tmp_path / "xlsx1", ".xlsx")
    assert export_all(ctx, tmp_path / "xlsx2", ".xlsx") == first_xlsx
    assert export_all(ctx, tmp_path / "csv3", ".csv") == first_csv


def test_exported_csv_content(ctx, tmp_path):
    """The export writes the spec's columns, UTF-8 with BOM, given-vs-default kept."""
    seed(ctx, tmp_path)
    files = export_all(ctx, tmp_path / "out", ".csv")
    assert files["visits"].startswith(b"\xef\xbb\xbf")
    visits = files["visits"].decode("utf-8-sig")
    assert visits == (
        "visit_code,household_code,staff_code,visited_at,outcome,recorded_at,notes\r\n"
        "V1,H1,S1,2026-10-05T08:30:00+08:00,met,,\r\n"
        'V2,H1,S1,2026-10-06T09:00:00+08:00,met,2026-10-07T09:00:00+08:00,"多行\n'
        '备注, 带""引号"""\r\n'
        "V3,H2,S2,2026-10-06T09:00:00+08:00,not_home,2026-10-06T09:00:00+08:00,\r\n"
        "V4,H3,S3,2026-10-07T10:00:00.500000+08:00,refused,,拒绝\r\n"
        "V5,H4,S3,2026-10-08T10:00:00+08:00,met,,'@网格长 已通知\r\n"
        'V6,H4,S3,2026-10-09T10:00:00+08:00,met,,"\'+1 再访, \tTab"\r\n'
    )
    cases = files["cases"].decode("utf-8-sig").split("\r\n")
    assert cases[0] == CASE_HEADER.strip()
    assert cases[1] == ("K1,H1,visit,L01,24h,2026-09-01T09:00:00+08:00,,,,,,1,5,,0,当场")
    assert (
        cases[3] == "K3,H1,hotline,L01,,2026-09-20T09:00:00+08:00,,D01,"
        "2026-09-20T10:00:00+08:00,,,,,K2,,第三次"
    )
    households = files["households"].decode("utf-8-sig").split("\r\n")
    assert households[1:6] == [
        (
            'H1,G01,"一号楼101, 东单元",116.005,39.005,3,solo_elderly;low_income,0,,'
            "2026-09-01T10:00:00+08:00"
        ),
        "H2,G02,二号楼202,116.0,39.0,1,,,2026-12-01,2026-09-01T10:00:00.125000+08:00",
        "H3,G01,三号楼303,,,,,1,,",
        'H4,G02,"\'=HYPERLINK(""http://example.com"",""点我"")",,,,,,,',
        "H5,G02,''-5号楼 (a quote of its own),,,,,,,",
    ]
    assert cases[5] == "K5,H4,hotline,L01,,2026-09-03T10:00:00+08:00,,,,,,,,,,'-3℃ 暖气不热"
    with ctx.engine.connect() as c:  # the file's quotes are not part of the values
        address = {code: a for code, a in c.execute(select(Household.code, Household.address))}
        assert address["H4"] == '=HYPERLINK("http://example.com","点我")'
        assert address["H5"] == "'-5号楼 (a quote of its own)"
        assert c.scalar(select(Case.summary).where(Case.code == "K5")) == "-3℃ 暖气不热"
    residents_csv = files["residents"].decode("utf-8-sig").split("\r\n")
    assert residents_csv[1].startswith("R1,H1,张三,110105194912310")
    assert residents_csv[1].endswith(",13900001111,1949-12-31,M,党员;志愿者")
    doc = json.loads(files["grids"])
    assert [f["properties"]["grid_code"] for f in doc["features"]] == ["G01", "G02", "G03"]
    assert doc["features"][2]["properties"] == {
        "grid_code": "G03",
        "grid_name": "G03网格",
        "community_code": "C02",
        "community_name": "二社区",
        "street_name": "和平街道",
    }
    departments = files["departments"].decode("utf-8-sig").split("\r\n")
    assert 'D20,"综治,中心""甲"""' in departments
