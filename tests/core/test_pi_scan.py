"""No personal information in anything the product writes down (`spec/access.md` §
Personal information): one check that runs a representative set of operations on a
small street whose residents have real-looking identity numbers and phones (some also
typed into free text), then scans every file written (logs, PDFs, CSV/XLSX/GeoJSON
exports, route sheets) and every audit row for the planted values and for anything
shaped like an identity number (GB 11643) or a mobile number.

Operations: every kind exported without ``--with-pi``; the monthly, quarterly and
annual PDFs; a route sheet as CSV and PDF; an internal error of the command line (a
traceback in the log, from a failed statement with a phone as a parameter); a
look-up by phone, a reveal and a spot-check phone reveal (audit rows).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from builders import Builder, at
from pypdf import PdfReader
from sqlalchemy import insert, select, text, update

from center.cases import spotcheck as sc
from center.core.access import Actor
from center.interchange import service as ix
from center.interchange.rules import id_check_char
from center.visits import households as vs_households
from center.visits import planning as vs_planning
from db.models import AuditLog, Case, Resident, Staff

T = at(2026, 11, 5, 9)
COORD = Actor("alice", "coordinator")
ASSESSOR = Actor("sup", "assessor")
ADMIN = Actor("root", "admin")


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


RESIDENTS = [
    # code, household, name, identity number, phone
    ("R1", "H1", "张三丰", _id("11010519491231001"), "13912340001"),
    ("R2", "H2", "李秀英", _id("33010619880615002"), "15823450002"),
    ("R3", "H4", "欧阳娜娜", _id("44030519751120003"), "0755-88880003"),
    ("R4", "H6", "王建国", None, "18698760004"),
]
STAFF_PHONE = "17755550005"
SUMMARY_PHONE, NOTE_ID = "13700001234", _id("32010219600101004")
PLANTED = [
    *(v for r in RESIDENTS for v in (r[2], r[3], r[4]) if v),
    STAFF_PHONE,
    SUMMARY_PHONE,
    NOTE_ID,
]
ID_SHAPE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[\dXx](?![0-9A-Za-z])"
)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _street(ctx) -> Builder:
    b = Builder(ctx.engine, street="测试街道")
    b.community("C01", name="东园社区")
    b.grid("G01", community="C01", name="东园一网格")
    b.grid("G02", community="C01", name="东园二网格")
    b.staff("S1", "G01")
    b.staff("S2", "G02")
    for code, grid, groups in (
        ("H1", "G01", "solo_elderly"),
        ("H2", "G01", ""),
        ("H3", "G01", ""),
        ("H4", "G02", "disabled"),
        ("H5", "G02", ""),
        ("H6", "G02", ""),
    ):
        b.household(code, grid, special_groups=groups, address=f"幸福小区{code[1]}号楼101")
    b.visits(
        [
            {"household": "H1", "visited_at": at(2026, 10, 3, 9), "staff": "S1"},
            {
                "household": "H2",
                "visited_at": at(2026, 10, 10, 9),
                "staff": "S1",
                "notes": f"住户身份证{NOTE_ID}，已核实",
            },
            {"household": "H4", "visited_at": at(2026, 10, 11, 9), "staff": "S2"},
            {"household": "H5", "visited_at": at(2026, 9, 12, 9), "staff": "S2"},
        ]
    )
    b.case(
        "H1",
        at(2026, 10, 8, 9),
        code="K1",
        first_response_at=at(2026, 10, 8, 10),
        dept="D01",
        assigned_at=at(2026, 10, 8, 9, 30),
        accepted_at=at(2026, 10, 8, 10),
        closed_at=at(2026, 10, 12, 9),
        satisfaction=5,
        status="rated",
    )
    b.case("H4", at(2026, 10, 15, 10), code="K2", source="visit", on_the_spot=True)
    b.case(
        "H6",
        at(2026, 10, 20, 9),
        code="K3",
        source="proactive",
        first_response_at=at(2026, 10, 20, 9, 30),
        closed_at=at(2026, 10, 22, 9),
        satisfaction=2,
        status="rated",
    )
    c = ctx.cipher
    with ctx.engine.begin() as conn:
        for code, hh, name, idn, phone in RESIDENTS:
            conn.execute(
                insert(Resident).values(
                    code=code,
                    household_id=b.id("household", hh),
                    name_enc=c.encrypt("name", name),
                    name_hash=c.lookup_hash("name", name),
                    id_number_enc=c.encrypt("id_number", idn) if idn else None,
                    id_number_hash=c.lookup_hash("id_number", idn) if idn else None,
                    phone_enc=c.encrypt("phone", phone),
                    phone_hash=c.lookup_hash("phone", phone),
                    birth_date=date(1950, 1, 1),
                )
            )
        conn.execute(  # free text typed by staff (the builder takes no summary)
            update(Case)
            .where(Case.code == "K1")
            .values(summary=f"老人反映送餐不准时，联系电话{SUMMARY_PHONE}")
        )
        conn.execute(
            update(Staff)
            .where(Staff.code == "S1")
            .values(
                phone_enc=c.encrypt("phone", STAFF_PHONE),
                phone_hash=c.lookup_hash("phone", STAFF_PHONE),
            )
        )
    return b


def _route_text():
    from reports.route_sheet import RouteSheetText

    def when(dt):
        return dt.strftime("%Y-%m-%d %H:%M") if dt else "—"

    def day(dt):
        return dt.strftime("%Y-%m-%d") if dt else "—"

    return RouteSheetText(
        title="走访路线单",
        meta="%1 · %2 · %3 · %4 · %5",
        headers=[str(i) for i in range(12)],
        nobody_due="无",
        when=when,
        day=day,
        outcome=str,
        group=str,
        cadence=str,
    )


def _internal_error(db_url: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``center export`` fails inside with a database error whose statement had a phone
    as a parameter: the command line writes the traceback to its log."""
    from center import logs
    from center.cli import main
    from center.commands import interchange as cmd

    def failing_export(ctx_, kind, path, **_kw):
        with ctx_.engine.connect() as conn:
            conn.execute(
                text("SELECT code FROM resident WHERE no_such_column = :p"),
                {"p": RESIDENTS[0][4]},
            )

    root = logging.getLogger("center")
    before = list(root.handlers)
    with monkeypatch.context() as mp:
        mp.setenv("CENTER_LOG_DIR", str(out / "logs"))
        mp.setattr(logs, "_configured", None)
        mp.setattr(cmd, "_actor", lambda *_a, **_k: ADMIN)
        mp.setattr(ix, "export_file", failing_export)
        try:
            assert main(["export", "residents", str(out / "never.csv"), "--db", db_url]) == 1
        finally:
            for h in root.handlers:
                if h not in before:
                    h.close()
                    root.removeHandler(h)
    log = (out / "logs" / "center.log").read_text("utf-8")
    assert "Traceback" in log and "no_such_column" in log


def _file_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    if suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return "\n".join(
                "\t".join("" if v is None else str(v) for v in row)
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
            )
        finally:
            wb.close()
    if suffix in (".png", ".jpg"):
        return ""
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def _findings(where: str, body: str) -> list[str]:
    found = [f"{where}: planted value {v[:3]}…" for v in PLANTED if v in body]
    found += [f"{where}: identity-number shape {m[:3]}…" for m in ID_SHAPE.findall(body)]
    found += [f"{where}: mobile-number shape {m[:3]}…" for m in MOBILE.findall(body)]
    return found


def _scan(folder: Path) -> list[str]:
    return [
        f
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
        for f in _findings(str(path.relative_to(folder)), _file_text(path))
    ]


def test_nothing_the_product_writes_holds_personal_information(ctx, db_url, tmp_path, monkeypatch):
    from reports import build_annual, build_monthly, build_quarterly
    from reports.base import register_fonts
    from reports.route_sheet import write_route_pdf

    _street(ctx)
    out = tmp_path / "out"
    out.mkdir()

    # exports of every kind, without --with-pi
    for kind in ix.KINDS:
        suffixes = (".geojson",) if kind == "grids" else (".csv", ".xlsx")
        for suffix in suffixes:
            ix.export_file(ctx, kind, out / f"{kind}{suffix}", actor=COORD)

    # the reports and a route sheet
    register_fonts()
    build_monthly(ctx.engine, "2026-10", out / "monthly.pdf", as_of=T)
    build_quarterly(ctx.engine, "2026Q4", "all", out / "quarterly.pdf", as_of=T)
    build_annual(ctx.engine, 2026, out / "annual.pdf", as_of=T)
    plan = vs_planning.plan_for_staff(ctx.engine, COORD, "S1", T, include_ok=True)
    assert vs_planning.write_route_csv(plan, out / "route.csv") == 3
    write_route_pdf(plan, out / "route.pdf", _route_text(), "测试街道")

    # personal-information reads that write audit rows
    assert [h.code for h in vs_households.find_households(ctx, COORD, RESIDENTS[1][4])] == ["H2"]
    assert vs_households.find_households(ctx, COORD, RESIDENTS[0][3])[0].code == "H1"
    assert vs_households.reveal_resident(ctx, COORD, "R1", "回访核实").phone == RESIDENTS[0][4]
    draw = sc.draw_sample(
        ctx.engine,
        ASSESSOR,
        percent=100,
        closed_from=date(2026, 10, 1),
        closed_to=date(2026, 10, 31),
        as_of=T,
    )
    assert draw.codes == ("K1", "K3")
    assert sc.reveal_phone(ctx, ASSESSOR, "K1", "抽查回访").phone == RESIDENTS[0][4]

    # an internal error: a traceback in the log
    _internal_error(db_url, out, monkeypatch)

    written = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert written >= {".csv", ".xlsx", ".geojson", ".pdf", ".log"}
    found = _scan(out)
    with ctx.engine.connect() as conn:
        for row in conn.execute(
            select(AuditLog.id, AuditLog.actor, AuditLog.entity_code, AuditLog.detail)
        ):
            body = " ".join(str(v) for v in row[1:] if v is not None)
            found += _findings(f"audit row {row[0]}", body)
    assert found == []

    # the scan sees personal information where there is some: an export with it
    control = tmp_path / "control"
    control.mkdir()
    ix.export_file(ctx, "residents", control / "residents.xlsx", actor=ADMIN, with_pi=True)
    ix.export_file(ctx, "cases", control / "cases.csv", actor=ADMIN, with_pi=True)
    seen = _scan(control)
    assert any("identity-number shape" in f for f in seen)
    assert any("mobile-number shape" in f for f in seen)
    assert any(f.startswith("cases.csv: planted") for f in seen)


def test_the_scan_patterns():
    assert ID_SHAPE.findall(f"号码{RESIDENTS[0][3]}。") == [RESIDENTS[0][3]]
    assert ID_SHAPE.findall("110***********0010 2026-10-05T08:30:00+08:00") == []
    assert MOBILE.findall("电话13912340001，139****0001") == ["13912340001"]
    assert MOBILE.findall("12345678901234") == []


def test_the_suite_wide_scan_reports_numbers_and_not_masked_ones(tmp_path):
    """The scan `tests/conftest.py` runs at the end over everything the product wrote
    (`tests/pi_scan.py`) finds a planted number, shows it masked, and passes masks."""
    import pi_scan

    idn, phone = RESIDENTS[0][3], RESIDENTS[0][4]
    leak = tmp_path / "leak.log"
    leak.write_text(f"2026-10-07 12:34:56 INFO x: ok\nlooked up {idn}\n", "utf-8")
    assert pi_scan.scan_file(leak) == [f"{leak}:line 2: identity number 110***********{idn[-4:]}"]
    masked = tmp_path / "masked.csv"
    masked.write_text(
        f"code,id_number,phone\r\nK20261007123456,110***********{idn[-4:]},139****0001\r\n",
        "utf-8-sig",
    )
    assert pi_scan.scan_file(masked) == []
    sheet = tmp_path / "residents.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["R1", phone])
    wb.save(sheet)
    assert pi_scan.scan_file(sheet) == [f"{sheet}:Sheet!1: mobile number 139****0001"]
