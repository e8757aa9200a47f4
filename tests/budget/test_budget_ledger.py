"""The ledger's rules (spec/office.md "Budget"): every refusal with nothing written,
for the services and for `center budget import` (FILE:LINE: column: message), the
lossless CSV/XLSX round trip, corrections, voids and optimistic locking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from builders import TEST_PASSWORD, Builder, account
from sqlalchemy import func, select

from budget.ledger_data import LINES, SPENDS, line, spend
from center.cli import main
from center.core.errors import ConflictError, PermissionDenied, UserError
from center.interchange.budget import BudgetImportRejected, export_budget, import_budget
from center.office import ledger
from db.models import AuditLog, BudgetLine, Expenditure

DAY = date(2026, 12, 31)


def counts(engine):
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(BudgetLine)),
            conn.scalar(select(func.count()).select_from(Expenditure)),
            conn.scalar(select(func.count()).select_from(AuditLog)),
        )


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding="utf-8") -> Path:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


LINE_HEADER = [
    "line_code",
    "year",
    "category",
    "source",
    "amount",
    "granted_on",
    "document",
    "note",
]
SPEND_HEADER = ["voucher_no", "line_code", "spent_on", "amount", "payee", "community_code", "note"]


@pytest.fixture
def street(engine):
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.household("H1", "G01")
    return b


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        (line("N", "2026", "personnel", "fiscal", "0"), "amount", "greater than 0"),
        (line("N", "2026", "personnel", "fiscal", "-5.00"), "amount", "greater than 0"),
        (line("N", "2026", "personnel", "fiscal", "1.005"), "amount", "more than 2 decimals"),
        (line("N", "2026", "personnel", "fiscal", "abc"), "amount", "not a number"),
        (line("N", "2026", "travel", "fiscal", "1.00"), "category", "unknown category"),
        (line("N", "2026", "personnel", "purchase", "1.00"), "source", "unknown source"),
        (line("L-P1", "2027", "personnel", "fiscal", "1.00"), "line_code", "year 2026 (not 2027)"),
        (line("L-P1", "2026", "activities", "fiscal", "1.00"), "line_code", "already used"),
        (line("L-P1", "2026", "personnel", "social_fund", "1.00"), "line_code", "source fiscal"),
    ],
)
def test_line_refusals_write_nothing(engine, finance, street, values, column, message):
    ledger.create_line(engine, finance, LINES[0])
    before = counts(engine)
    with pytest.raises(ledger.LedgerRejected) as exc:
        ledger.create_line(engine, finance, values)
    assert any(col == column and message in msg for col, msg in exc.value.problems)
    assert counts(engine) == before


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        (spend("N", "L-P1", "2026-02-01", "0.00"), "amount", "greater than 0"),
        (spend("N", "L-P1", "2026-02-01", "12.345"), "amount", "more than 2 decimals"),
        (spend("N", "L-P1", "2026-02-01", "1e3x"), "amount", "not a number"),
        (spend("N", "L-NONE", "2026-02-01", "1.00"), "line_code", "unknown line"),
        (spend("N", "L-P1", "2026-02-01", "1.00", community="C99"), "community_code", "unknown"),
        (spend("N", "L-P1", "2025-12-31", "1.00"), "spent_on", "outside the line's year"),
        (spend("N", "L-P1", "2026-06-02", "1.00"), "spent_on", "after today"),
        (spend("V1", "L-P1", "2026-02-01", "1.00"), "voucher_no", "duplicate voucher"),
        (spend("N", "L-P1", "2026-02-01", "1.00", payee=""), "payee", "required"),
    ],
)
def test_expenditure_refusals_write_nothing(engine, finance, street, values, column, message):
    ledger.create_line(engine, finance, LINES[0])
    ledger.create_expenditure(engine, finance, SPENDS[0], day=DAY)
    before = counts(engine)
    with pytest.raises(ledger.LedgerRejected) as exc:
        ledger.create_expenditure(engine, finance, values, day=date(2026, 6, 1))
    assert any(col == column and message in msg for col, msg in exc.value.problems)
    assert counts(engine) == before


@pytest.mark.parametrize("role", ["leader", "coordinator", "assessor", "admin", "wall"])
def test_only_finance_writes_the_ledger(engine, street, role):
    actor = account(engine, "u", role)
    before = counts(engine)
    with pytest.raises(PermissionDenied):
        ledger.create_line(engine, actor, LINES[0])
    assert counts(engine) == before


def test_import_reports_every_problem_and_writes_nothing(engine, finance, street, tmp_path):
    ledger.create_line(engine, finance, LINES[0])
    ledger.create_expenditure(engine, finance, SPENDS[0], day=DAY)
    before = counts(engine)
    f = write_csv(
        tmp_path / "spend.csv",
        SPEND_HEADER,
        [
            ["W1", "L-P1", "2026-02-01", "0", "甲", "", ""],
            ["W2", "L-P1", "2026-02-01", "1.001", "甲", "", ""],
            ["W3", "L-P1", "2026-02-01", "x", "甲", "", ""],
            ["W4", "L-ZZ", "2026-02-01", "1.00", "甲", "", ""],
            ["W5", "L-P1", "2026-02-01", "1.00", "甲", "C77", ""],
            ["W6", "L-P1", "2025-02-01", "1.00", "甲", "", ""],
            ["W7", "L-P1", "2026-06-02", "1.00", "甲", "", ""],
            ["V1", "L-P1", "2026-02-02", "9.00", "甲", "", ""],
            ["W8", "L-P1", "2026-02-01", "1.00", "甲", "", ""],
            ["W8", "L-P1", "2026-02-01", "1.00", "甲", "", ""],
            ["W9", "L-P1", "2026-02-01", "1.00", "甲", "", ""],
        ],
    )
    with pytest.raises(BudgetImportRejected) as exc:
        import_budget(engine, finance, "expenditures", f, day=date(2026, 6, 1))
    assert exc.value.problems == [
        f"{f}:2: amount: 0.00 must be greater than 0",
        f"{f}:3: amount: 1.001 has more than 2 decimals (yuan and fen only)",
        f"{f}:4: amount: 'x' is not a number (write yuan such as 1234.50)",
        f"{f}:5: line_code: unknown line 'L-ZZ'",
        f"{f}:6: community_code: unknown community 'C77'",
        f"{f}:7: spent_on: 2025-02-01 is outside the line's year 2026",
        f"{f}:8: spent_on: 2026-06-02 is after today (2026-06-01)",
        f"{f}:9: voucher_no: duplicate voucher number V1 (already recorded: line L-P1, "
        "2026-01-15, 20.00); correct that expenditure in the ledger",
        f"{f}:11: voucher_no: W8 is also on line 10",
    ]
    assert counts(engine) == before


def test_line_import_refusals(engine, finance, street, tmp_path):
    ledger.create_line(engine, finance, LINES[0])
    before = counts(engine)
    f = write_csv(
        tmp_path / "lines.csv",
        LINE_HEADER,
        [
            ["L-P1", "2027", "personnel", "fiscal", "1.00", "", "", ""],
            ["L-P1", "2026", "equipment", "fiscal", "1.00", "", "", ""],
            ["N1", "2026", "travel", "fiscal", "1.00", "", "", ""],
            ["N2", "2026", "personnel", "purchase", "1.00", "", "", ""],
            ["N3", "2026", "personnel", "fiscal", "-1", "", "", ""],
        ],
    )
    with pytest.raises(BudgetImportRejected) as exc:
        import_budget(engine, finance, "lines", f)
    cols = [p.split(": ")[0].rsplit(":", 1)[1] + ":" + p.split(": ")[1] for p in exc.value.problems]
    assert cols == ["2:line_code", "3:line_code", "4:category", "5:source", "6:amount"]
    assert counts(engine) == before


def test_import_export_round_trip_csv_gb18030_and_xlsx(engine, finance, street, tmp_path):
    b = street
    b.grid("G02", community="C02")
    lines = write_csv(
        tmp_path / "lines.csv",
        LINE_HEADER,
        [
            ["L-P1", "2026", "personnel", "fiscal", "150", "2026-01-10", "财〔2026〕3号", "备注"],
            ["L-A1", "2026", "Activities", "social_fund", "40.5", "2026-07-01", "", ""],
        ],
        encoding="gb18030",
    )
    r = import_budget(engine, finance, "lines", lines)
    assert (r.inserted, r.updated, r.unchanged) == (2, 0, 0)
    spends = write_csv(
        tmp_path / "spend.csv",
        SPEND_HEADER,
        [
            ["V1", "L-P1", "2026-02-01", "12.30", "-张三", "C01", "=1+1"],
            ["V2", "L-A1", "2026/03/05", "1000", "某社工机构", "", ""],
        ],
    )
    r = import_budget(engine, finance, "expenditures", spends, day=DAY)
    assert r.inserted == 2
    again = import_budget(engine, finance, "expenditures", spends, day=DAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    before = counts(engine)
    for suffix in ("csv", "xlsx"):
        for kind in ("lines", "expenditures"):
            out = tmp_path / f"out-{kind}.{suffix}"
            export_budget(engine, finance, kind, out)
            result = import_budget(engine, finance, kind, out, day=DAY)
            assert (result.inserted, result.updated) == (0, 0), (kind, suffix)
    assert counts(engine)[:2] == before[:2]
    wb = openpyxl.load_workbook(tmp_path / "out-expenditures.xlsx")
    row = [c.value for c in wb.active[2]]
    assert row[0] == "V1" and row[3] == 12.3 and row[4] == "'-张三" and row[6] == "'=1+1"
    text = (tmp_path / "out-lines.csv").read_text("utf-8-sig")
    assert "L-A1,2026,activities,social_fund,40.50,2026-07-01,," in text
    # a correction through the file
    fixed = write_csv(
        tmp_path / "fix.csv",
        LINE_HEADER,
        [["L-P1", "2026", "personnel", "fiscal", "160.00", "2026-01-10", "财〔2026〕3号", "备注"]],
    )
    assert import_budget(engine, finance, "lines", fixed).updated == 1
    assert [x.amount for x in ledger.list_lines(engine, finance) if x.line_code == "L-P1"] == [160]


def test_xlsx_numbers_are_read_as_their_shortest_decimal(engine, finance, street, tmp_path):
    ledger.create_line(engine, finance, LINES[0])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(SPEND_HEADER)
    ws.append(["X1", "L-P1", date(2026, 2, 1), 35.5, "甲", None, None])
    ws.append(["X2", "L-P1", date(2026, 2, 1), 12.345, "甲", None, None])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(BudgetImportRejected) as exc:
        import_budget(engine, finance, "expenditures", path, day=DAY)
    assert exc.value.problems == [
        f"{path}:3: amount: 12.345 has more than 2 decimals (yuan and fen only)"
    ]
    ws.delete_rows(3)
    wb.save(path)
    import_budget(engine, finance, "expenditures", path, day=DAY)
    assert [e.amount for e in ledger.list_expenditures(engine, finance)] == [35.5]


def test_correct_void_and_stale_edits(engine, finance, street):
    rec = ledger.create_line(engine, finance, LINES[0])
    fixed = ledger.correct_line(
        engine, finance, "L-P1", rec.version, {**LINES[0], "amount": "155.00"}
    )
    assert fixed.version == rec.version + 1
    before = counts(engine)
    with pytest.raises(ConflictError) as exc:
        ledger.correct_line(engine, finance, "L-P1", rec.version, {**LINES[0], "amount": "1.00"})
    assert "fin" in str(exc.value)
    assert counts(engine) == before
    e = ledger.create_expenditure(engine, finance, SPENDS[0], day=DAY)
    with pytest.raises(UserError, match="expenditure"):
        ledger.void_line(engine, finance, "L-P1", fixed.version, "错误")
    with pytest.raises(UserError, match="reason"):
        ledger.void_expenditure(engine, finance, "V1", e.version, "  ")
    assert counts(engine) == before[:1] + (before[1] + 1,) + (before[2] + 1,)
    moved = ledger.correct_expenditure(
        engine, finance, "V1", e.version, {**SPENDS[0], "amount": "21.00"}, day=DAY
    )
    gone = ledger.void_expenditure(engine, finance, "V1", moved.version, "录错")
    assert gone.voided and gone.void_reason == "录错" and gone.voided_by == "fin"
    with pytest.raises(ledger.LedgerRejected, match="duplicate"):
        ledger.create_expenditure(engine, finance, SPENDS[0], day=DAY)
    with engine.connect() as conn:
        actions = conn.scalars(
            select(AuditLog.action).where(AuditLog.action.like("budget.%")).order_by(AuditLog.id)
        ).all()
        details = conn.scalars(select(AuditLog.detail).where(AuditLog.entity == "expenditure"))
        assert not any("某某" in d for d in details)  # the payee never in the audit
    assert actions == [
        "budget.line.create",
        "budget.line.correct",
        "budget.expenditure.create",
        "budget.expenditure.correct",
        "budget.expenditure.void",
    ]


def test_cli_import_refusal_and_dry_run(
    db_url, engine, finance, street, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    f = write_csv(tmp_path / "l.csv", LINE_HEADER, [["N", "2026", "x", "fiscal", "0", "", "", ""]])
    code = main(["budget", "import", "lines", str(f), "--db", db_url, "--user", "fin"])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"{f}:2: category: unknown category 'x'" in err
    assert f"{f}:2: amount: 0.00 must be greater than 0" in err
    ok = write_csv(
        tmp_path / "ok.csv", LINE_HEADER, [["N", "2026", "equipment", "fiscal", "3.00", "", "", ""]]
    )
    code = main(
        ["budget", "import", "lines", str(ok), "--db", db_url, "--user", "fin", "--dry-run"]
    )
    out, _ = capsys.readouterr()
    assert code == 0 and "dry run" in out and counts(engine)[0] == 0
    code = main(["budget", "import", "lines", str(ok), "--db", db_url, "--user", "fin"])
    assert code == 0 and counts(engine)[0] == 1
    capsys.readouterr()
    out_file = tmp_path / "x.csv"
    code = main(["budget", "export", "lines", str(out_file), "--db", db_url, "--user", "fin"])
    assert code == 0 and out_file.read_text("utf-8-sig").startswith("line_code,year")


def test_cli_on_a_database_nobody_can_log_in_to_yet(db_url, engine, street, tmp_path, capsys):
    """A fresh database has nobody to ask: the operating-system login imports, as the
    report builds do; the audit names it."""
    f = write_csv(tmp_path / "l.csv", LINE_HEADER, [["N", "2026", "equipment", "fiscal", "3.00",
                                                     "", "", ""]])  # fmt: skip
    assert main(["budget", "import", "lines", str(f), "--db", db_url]) == 0
    assert counts(engine)[0] == 1
    with engine.connect() as conn:
        who = conn.scalar(select(AuditLog.actor).where(AuditLog.action == "import"))
    assert who
    account(engine, "fin2", "finance")
    assert main(["budget", "import", "lines", str(f), "--db", db_url]) == 2  # now: log in
    assert "needs a login" in capsys.readouterr().err
