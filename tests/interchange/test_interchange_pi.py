"""Personal information in interchange files (`spec/access.md` § Personal information):
exports mask it unless an admin asks for it with ``with_pi``, every export is audited,
a masked export cannot be imported back, and text a spreadsheet would take for a
formula is written with a leading quote (and read back without it)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from test_interchange import make_id, put, short
from test_interchange_roundtrip import seed

from center.cli import main
from center.core.access import Actor
from center.core.errors import PermissionDenied
from center.interchange import service as ix
from center.interchange.files import Problems, neutralise, read_table, unneutralise
from db.models import AuditLog

ADMIN = Actor("root", "admin")
COORD = Actor("alice", "coordinator")
# the identity numbers of the round-trip seed's residents R1 and R2
ID_R1 = make_id("11010519491231001")
ID_R2 = make_id("33010619880615002")


def _exports(ctx) -> list[tuple[str, str, str, dict]]:
    with ctx.engine.connect() as c:
        rows = c.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.entity, AuditLog.detail)
            .where(AuditLog.action == "export")
            .order_by(AuditLog.id)
        ).all()
    return [(a, b, e, json.loads(d)) for a, b, e, d in rows]


def _csv_lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8-sig").split("\r\n")


def test_exports_mask_personal_information_unless_with_pi(ctx, tmp_path):
    seed(ctx, tmp_path)
    assert [k for k in ix.KINDS if ix.carries_pi(k)] == ["staff", "residents", "visits", "cases"]

    res_csv, res_xlsx, staff_csv = (tmp_path / n for n in ("r.csv", "r.xlsx", "s.csv"))
    assert ix.export_file(ctx, "residents", res_csv, actor=COORD) == 3
    assert _csv_lines(res_csv)[1:4] == [
        f"R1,H1,张*,110***********{ID_R1[-4:]},139****1111,1949-12-31,M,党员;志愿者",
        f"R2,H1,李*,330***********{ID_R2[-4:]},,1988-06-15,F,",
        "R3,H2,王**,,057*****8888,,,",
    ]
    ix.export_file(ctx, "residents", res_xlsx, actor=COORD)
    ws = openpyxl.load_workbook(res_xlsx).worksheets[0]
    assert [c.value for c in ws[2]][:5] == [
        "R1",
        "H1",
        "张*",
        f"110***********{ID_R1[-4:]}",
        "139****1111",
    ]
    ix.export_file(ctx, "staff", staff_csv, actor=COORD)
    assert _csv_lines(staff_csv)[1:4] == [
        "S1,王五,grid_worker,G01,138****5678",
        "S2,赵六,volunteer,,010*****5678",
        "S3,孙七,professional,G02,",
    ]
    for path in (res_csv, res_xlsx, staff_csv):
        assert ID_R1.encode() not in path.read_bytes()
    assert b"13900001111" not in res_csv.read_bytes()

    # with_pi: only a user holding export_pi (admin); refused before anything is written
    refused = tmp_path / "refused.csv"
    with pytest.raises(PermissionDenied, match="export pi"):
        ix.export_file(ctx, "residents", refused, actor=COORD, with_pi=True)
    assert not refused.exists()
    with pytest.raises(PermissionDenied):
        ix.export_file(ctx, "departments", refused, actor=Actor("w", "wall"))
    plain = tmp_path / "plain.csv"
    ix.export_file(ctx, "residents", plain, actor=ADMIN, with_pi=True)
    assert _csv_lines(plain)[1] == f"R1,H1,张三,{ID_R1},13900001111,1949-12-31,M,党员;志愿者"

    # every export is audited: who, kind, file, rows, whether PI was included
    assert _exports(ctx) == [
        ("alice", "export", "residents", {"file": "r.csv", "pii": False, "rows": 3}),
        ("alice", "export", "residents", {"file": "r.xlsx", "pii": False, "rows": 3}),
        ("alice", "export", "staff", {"file": "s.csv", "pii": False, "rows": 3}),
        ("root", "export", "residents", {"file": "plain.csv", "pii": True, "rows": 3}),
    ]


def test_numbers_typed_into_free_text_are_masked_too(ctx, tmp_path):
    seed(ctx, tmp_path)
    note = f"居民电话13912345678，身份证{ID_R1}，座机010-12345678"
    ix.import_file(
        ctx,
        "visits",
        put(
            tmp_path,
            "more_visits.csv",
            f"visit_code,household_code,staff_code,visited_at,outcome,notes\n"
            f"V9,H1,S1,2026-10-09 09:00,met,{note}\n",
        ),
    )
    masked, plain = tmp_path / "visits.csv", tmp_path / "visits_pi.csv"
    ix.export_file(ctx, "visits", masked, actor=COORD)
    shown = f"居民电话139****5678，身份证110***********{ID_R1[-4:]}，座机010*****5678"
    assert _csv_lines(masked)[-2].endswith(f",met,,{shown}")
    with pytest.raises(ix.ImportRejected) as exc:
        ix.import_file(ctx, "visits", masked)
    assert short(exc.value.problems, tmp_path) == [
        "visits.csv:9: notes: holds a masked identity or phone number ('*'): an export made "
        "without --with-pi cannot be imported (it would overwrite the text); import a file "
        "exported with --with-pi"
    ]
    ix.export_file(ctx, "visits", plain, actor=ADMIN, with_pi=True)
    assert _csv_lines(plain)[-2].endswith(f",met,,{note}")
    assert ix.import_file(ctx, "visits", plain).changed == 0
    assert [d for _a, _b, kind, d in _exports(ctx) if kind == "visits"] == [
        {"file": "visits.csv", "pii": False, "rows": 7},
        {"file": "visits_pi.csv", "pii": True, "rows": 7},
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_masked_export_is_refused_on_import(ctx, tmp_path, suffix):
    seed(ctx, tmp_path)
    residents = tmp_path / f"residents{suffix}"
    staff = tmp_path / f"staff{suffix}"
    ix.export_file(ctx, "residents", residents, actor=COORD)
    ix.export_file(ctx, "staff", staff, actor=COORD)
    hint = (
        "masked value ('*'): an export made without --with-pi holds no real personal "
        "information and cannot be imported; import a file exported with --with-pi"
    )
    residents_problems = [
        (2, "name"),
        (2, "id_number"),
        (2, "phone"),
        (3, "name"),
        (3, "id_number"),
        (4, "name"),
        (4, "phone"),
    ]
    for kind, path, expected in (
        ("residents", residents, residents_problems),
        ("staff", staff, [(2, "phone"), (3, "phone")]),
    ):
        with pytest.raises(ix.ImportRejected) as exc:
            ix.import_file(ctx, kind, path)
        assert short(exc.value.problems, tmp_path) == [
            f"{path.name}:{line}: {column}: {hint}" for line, column in expected
        ]


def test_a_hand_made_masked_identity_number_is_refused(ctx, tmp_path):
    seed(ctx, tmp_path)
    path = put(
        tmp_path,
        "masked.csv",
        "resident_code,household_code,name,id_number\nR9,H1,张三,110***********123X\n",
    )
    with pytest.raises(ix.ImportRejected) as exc:
        ix.import_file(ctx, "residents", path)
    assert short(exc.value.problems, tmp_path) == [
        "masked.csv:2: id_number: masked value ('*'): an export made without --with-pi holds "
        "no real personal information and cannot be imported; import a file exported with "
        "--with-pi"
    ]


def test_formula_neutralising_is_undone_exactly():
    cases = {
        "=1+2": "'=1+2",
        "+86": "'+86",
        "-3℃ 暖气不热": "'-3℃ 暖气不热",
        "@SUM(A1)": "'@SUM(A1)",
        "\tcmd": "'\tcmd",
        "\rcmd": "'\rcmd",
        "'=already quoted": "''=already quoted",
        "''+two": "'''+two",
        "plain": "plain",
        "'quoted text": "'quoted text",
        "a=b": "a=b",
        "": "",
    }
    for value, written in cases.items():
        assert neutralise(value) == written, value
        assert unneutralise(written) == value, value


def test_the_reader_takes_the_quote_off_text_cells(tmp_path):
    path = put(tmp_path, "t.csv", "a,b\n'=A1,'-1\n'x,''@y\n")
    table = read_table(path, "t.csv", ["a", "b"], [], Problems("t.csv"), [])
    assert table.cells == [["=A1", "-1"], ["'x", "'@y"]]


def test_cli_export_masks_unless_with_pi(db_url, tmp_path, capsys, monkeypatch):
    """``center export`` passes ``--with-pi`` and the logged-in actor (the login itself,
    ``center.commands.interchange._actor``, is the accounts' and tested there)."""
    from center.commands import interchange as cmd
    from center.context import open_context

    ctx = open_context(db_url)
    try:
        seed(ctx, tmp_path)
    finally:
        ctx.close()
    acting = [COORD]
    monkeypatch.setattr(cmd, "_actor", lambda *_a, **_k: acting[0])
    masked, plain = tmp_path / "masked.csv", tmp_path / "plain.csv"
    assert main(["export", "residents", str(masked), "--db", db_url]) == 0
    assert capsys.readouterr().out == (
        f"exported 3 residents rows to {masked} (personal information masked)\n"
    )
    assert _csv_lines(masked)[1].startswith(f"R1,H1,张*,110***********{ID_R1[-4:]},139****1111,")
    assert main(["export", "residents", str(plain), "--with-pi", "--db", db_url]) == 2
    assert "may not export pi" in capsys.readouterr().err
    assert not plain.exists()
    acting[0] = ADMIN
    assert main(["export", "residents", str(plain), "--with-pi", "--db", db_url]) == 0
    assert capsys.readouterr().out == f"exported 3 residents rows to {plain}\n"
    assert _csv_lines(plain)[1].startswith(f"R1,H1,张三,{ID_R1},13900001111,")
