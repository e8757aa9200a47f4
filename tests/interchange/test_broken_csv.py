"""A broken CSV is refused whole, with ``FILE:LINE: column: message`` (issue 17).

The csv module reads an unclosed quote without complaint: the quoted value runs on to
the end of the file (or to a later stray quote) and the rows it swallowed became one
household's address. Hand-made files from a street office: an unclosed quote at the
end or in the middle, a value longer than a spreadsheet cell, NUL characters, a row
with more values than the header. Each is refused on the line where it starts, and
nothing is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import TEST_PASSWORD, account
from sqlalchemy import Engine, func, select

from center.cli import main
from center.interchange import service as ix
from db.models import AuditLog, Household

HEADER = "household_code,grid_code,address,members\n"
HINT = 'close the quote (a quote inside a value is written as "")'
SQUARE = [[[116.0, 39.0], [116.01, 39.0], [116.01, 39.01], [116.0, 39.01], [116.0, 39.0]]]
GRIDS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": SQUARE},
            "properties": {
                "grid_code": "G01",
                "grid_name": "一网格",
                "community_code": "C01",
                "community_name": "一社区",
            },
        }
    ],
}


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as c:
        households = c.scalar(select(func.count()).select_from(Household)) or 0
        audit = c.scalar(select(func.count()).select_from(AuditLog)) or 0
    return households, audit


@pytest.fixture
def grid(ctx: Any, tmp_path: Path) -> Any:
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(GRIDS, ensure_ascii=False), encoding="utf-8")
    ix.import_file(ctx, "grids", path)
    return ctx


def _rejected(ctx: Any, tmp_path: Path, body: bytes | str) -> list[str]:
    path = tmp_path / "households.csv"
    path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    before = _counts(ctx.engine)
    with pytest.raises(ix.ImportRejected) as exc:
        ix.import_file(ctx, "households", path)
    assert _counts(ctx.engine) == before  # nothing written, not even an audit row
    return [line.replace(f"{tmp_path}/", "") for line in exc.value.problems]


def test_an_unclosed_quote_running_to_the_end_of_the_file(grid, tmp_path):
    body = HEADER + 'H1,G01,一号楼101,1\nH2,G01,"二号楼202,3\nH3,G01,三号楼303,2\nH4,G01,四号楼,1\n'
    assert _rejected(grid, tmp_path, body) == [
        "households.csv:3: address: unclosed quote: the quoted value that opens on this "
        f"line runs to the end of the file; {HINT}"
    ]


def test_an_unclosed_quote_on_the_last_line(grid, tmp_path):
    body = HEADER + 'H1,G01,一号楼101,1\nH2,G01,"二号楼202,3'
    assert _rejected(grid, tmp_path, body) == [
        "households.csv:3: address: unclosed quote: the quoted value that opens on this "
        f"line runs to the end of the file; {HINT}"
    ]


def test_an_unclosed_quote_ended_by_a_later_quote(grid, tmp_path):
    body = HEADER + 'H1,G01,"一号楼101,1\nH2,G01,二号楼202,3\nH3,G01,"三号楼303",2\n'
    assert _rejected(grid, tmp_path, body) == [
        "households.csv:2: address: unclosed quote: the quoted value that opens on this "
        f"line runs over lines 2–4 and a quote ends it in the middle of a value; {HINT}"
    ]


def test_an_unclosed_quote_in_the_header(grid, tmp_path):
    body = 'household_code,"grid_code,address,members\nH1,G01,一号楼101,1\n'
    assert _rejected(grid, tmp_path, body) == [
        "households.csv:1: header: unclosed quote: the quoted value that opens on this "
        f"line runs to the end of the file; {HINT}"
    ]


def test_a_value_longer_than_a_spreadsheet_cell(grid, tmp_path):
    body = HEADER + 'H1,G01,一号楼101,1\nH2,G01,"' + "二号楼\n" * 10_000 + '",1\n'
    assert _rejected(grid, tmp_path, body) == [
        "households.csv:3: address: the quoted value that opens on this line runs over "
        "lines 3–10003 (40,000 characters, more than a spreadsheet cell holds): an "
        f"unclosed quote? {HINT}"
    ]


def test_nul_characters(grid, tmp_path):
    body = (HEADER + "H1,G01,一号楼101,1\nH2,G01,二号\x00楼,1\n").encode()
    assert _rejected(grid, tmp_path, body) == [
        "households.csv:3: file: holds NUL characters, so it is not CSV text (a binary "
        "spreadsheet renamed to .csv?); save it as CSV UTF-8 from the spreadsheet"
    ]


def test_a_row_with_more_values_than_the_header(grid, tmp_path):
    body = HEADER + "H1,G01,一号楼101,1,,\nH2,G01,二号楼,2单元,1\nH3,G01,三号楼,1\n"
    assert _rejected(grid, tmp_path, body) == [
        "households.csv:3: row: 5 values but the header has 4 columns: a value holding "
        "a comma must be quoted"
    ]


def test_quoted_line_breaks_and_empty_trailing_cells_still_import(grid, tmp_path):
    path = tmp_path / "households.csv"
    path.write_text(HEADER + 'H1,G01,"一号楼\n101室",1,\nH2,G01,"二号""楼""",2\n', "utf-8")
    result = ix.import_file(grid, "households", path)
    assert result.inserted == 2
    with grid.engine.connect() as c:
        rows = c.execute(select(Household.code, Household.address).order_by(Household.code))
        assert rows.all() == [("H1", "一号楼\n101室"), ("H2", '二号"楼"')]


def test_the_command_reports_the_line_and_exits_non_zero(
    grid, db_url, tmp_path, capsys, monkeypatch
):
    account(grid.engine, "root", "admin")
    monkeypatch.setenv("CENTER_USER", "root")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    monkeypatch.setenv("CENTER_LANG", "en")
    path = tmp_path / "households.csv"
    path.write_text(HEADER + 'H1,G01,一号楼101,1\nH2,G01,"二号楼202,3\nH3,G01,三号楼,2\n', "utf-8")
    before = _counts(grid.engine)
    code = main(["import", "households", str(path), "--db", db_url])
    err = capsys.readouterr().err
    assert code != 0
    assert f"{path}:3: address: unclosed quote" in err
    assert _counts(grid.engine)[0] == before[0]  # (the login itself is audited)
