"""Import and export of the budget ledger (`spec/office.md` "Budget"):
``center budget import|export lines|expenditures FILE``.

Files are CSV (UTF-8 with or without BOM, or GB18030) or XLSX (first sheet), with the
columns of :data:`center.office.ledger.LINE_COLUMNS` and
:data:`~center.office.ledger.EXPENDITURE_COLUMNS` in any order. An import is all or
nothing (every problem as ``FILE:LINE: column: message``, nothing written): each row
is checked by the same rules as the workstation's forms
(:func:`center.office.ledger.check_line`, :func:`~center.office.ledger.check_expenditure`),
plus, within the file, a code given twice. A line already recorded with the same year,
category and source is corrected by its row (or left unchanged); a voucher already
recorded is left unchanged when the row is the same expenditure, else refused as a
duplicate. The export writes the ledger's rows that are not voided, with the same
columns (amounts ``1234.50`` in CSV, number cells in XLSX), so an export imports back
unchanged. Both need ``manage_budget`` and are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from center.core.access import Actor, require_role
from center.core.audit import append_audit
from center.core.errors import UserError
from center.core.tx import transaction
from center.interchange.files import FileUnreadable, Problems, read_table, write_table
from center.office import ledger
from db.models import BudgetLine

KINDS = ("lines", "expenditures")
ENTITY = {"lines": "budget_line", "expenditures": "expenditure"}


class BudgetImportRejected(UserError):
    """The file is invalid; ``problems`` are ``FILE:LINE: column: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


@dataclass
class BudgetImport:
    kind: str
    file: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


def _check_kind(kind: str, path: Path) -> None:
    if kind not in KINDS:
        raise UserError(f"unknown budget kind {kind!r}: use lines or expenditures")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"{path}: budget files must end in .csv or .xlsx")


def import_budget(
    engine: Engine,
    actor: Actor,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    day: date | None = None,
) -> BudgetImport:
    """Import a file of funding lines or expenditures, all or nothing (``day``: the
    import's date in +08:00, default today). Raises :class:`BudgetImportRejected`."""
    path = Path(path)
    _check_kind(kind, path)
    require_role(actor, "manage_budget")
    label = str(path)
    if not path.is_file():
        raise UserError(f"{label}: no such file")
    columns = ledger.LINE_COLUMNS if kind == "lines" else ledger.EXPENDITURE_COLUMNS
    required = ledger.LINE_REQUIRED if kind == "lines" else ledger.EXPENDITURE_REQUIRED
    problems = Problems(label)
    warnings: list[str] = []
    try:
        table = read_table(path, label, columns, required, problems, warnings)
    except FileUnreadable as exc:
        raise BudgetImportRejected(exc.problems) from None
    if problems:
        raise BudgetImportRejected(problems.lines())
    today = day or ledger.today()
    result = BudgetImport(kind, label, len(table.lines), warnings=warnings, dry_run=dry_run)
    with transaction(engine, write=not dry_run) as s:
        refs = ledger.refs_in(s.connection())
        seen: dict[str, int] = {}
        new_lines: list[ledger.LineInput] = []
        changed_lines: list[ledger.LineInput] = []
        new_spends: list[ledger.ExpenditureInput] = []
        existing = {}
        if kind == "lines":
            existing = {r.line_code: r for r in ledger.line_records(s.connection(), None, True)}
        for line_no, cells in zip(table.lines, table.cells, strict=True):
            values = {col: cells[pos] for col, pos in table.index.items()}
            key_col = "line_code" if kind == "lines" else "voucher_no"
            key = ledger.clean_text(values.get(key_col))
            if key is not None:
                if key in seen:
                    problems.add(line_no, key_col, f"{key} is also on line {seen[key]}")
                    continue
                seen[key] = line_no
            if kind == "lines":
                inp, found = ledger.check_line(values, refs)
                for col, msg in found:
                    problems.add(line_no, col, msg)
                if inp is None:
                    continue
                old = existing.get(inp.line_code)
                if old is None:
                    new_lines.append(inp)
                elif (old.amount, old.granted_on, old.document, old.note) == (
                    inp.amount,
                    inp.granted_on,
                    inp.document,
                    inp.note,
                ):
                    result.unchanged += 1
                else:
                    changed_lines.append(inp)
            else:
                sp, found = ledger.check_expenditure(values, refs, today)
                for col, msg in found:
                    problems.add(line_no, col, msg)
                if sp is None:
                    continue
                why = ledger.duplicate_voucher(sp, refs)
                if why is not None:
                    problems.add(line_no, "voucher_no", why)
                elif sp.voucher_no in refs.vouchers:
                    result.unchanged += 1
                else:
                    new_spends.append(sp)
        if problems:
            raise BudgetImportRejected(problems.lines())
        result.inserted = len(new_lines) + len(new_spends)
        result.updated = len(changed_lines)
        if dry_run or not (result.inserted or result.updated):
            return result
        for inp in new_lines:
            ledger.insert_line(s, inp)
        if changed_lines:
            by_code = {
                line.line_code: line
                for line in s.scalars(
                    select(BudgetLine).where(
                        BudgetLine.line_code.in_([i.line_code for i in changed_lines])
                    )
                )
            }
            for inp in changed_lines:
                ledger.update_line(by_code[inp.line_code], inp)
        for sp in new_spends:
            ledger.insert_expenditure(s, sp, actor)
        s.flush()
        from center.core.tx import signal_change

        signal_change(s.connection(), "budget")
        append_audit(
            s,
            actor.name,
            "import",
            ENTITY[kind],
            None,
            {
                "file": path.name,
                "rows": result.rows,
                "inserted": result.inserted,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "warnings": len(warnings),
            },
            sort_keys=True,
        )
    return result


def export_rows(engine: Engine, kind: str) -> list[list[Any]]:
    """The rows an export writes (not voided), in the import's column order."""
    with engine.connect() as conn:
        if kind == "lines":
            return [
                [
                    r.line_code,
                    r.year,
                    r.category,
                    r.source,
                    r.amount,
                    r.granted_on,
                    r.document,
                    r.note,
                ]
                for r in ledger.line_records(conn, None, False)
            ]
        return [
            [r.voucher_no, r.line_code, r.spent_on, r.amount, r.payee, r.community_code, r.note]
            for r in ledger.expenditure_records(conn, None, False)
        ]


def export_budget(engine: Engine, actor: Actor, kind: str, path: str | Path) -> int:
    """Write the funding lines or the expenditures to ``path`` (CSV with a BOM, or
    XLSX); returns the rows written. Audited."""
    path = Path(path)
    _check_kind(kind, path)
    require_role(actor, "manage_budget")
    header = ledger.LINE_COLUMNS if kind == "lines" else ledger.EXPENDITURE_COLUMNS
    rows = export_rows(engine, kind)
    title = "funding lines" if kind == "lines" else "expenditures"
    try:
        n = write_table(path, header, rows, title=title)
    except OSError as exc:
        raise UserError(f"{path}: cannot write the file ({exc.strerror})") from exc
    with transaction(engine) as s:
        append_audit(
            s,
            actor.name,
            "export",
            ENTITY[kind],
            None,
            {"file": path.name, "rows": n, "pii": False},
            sort_keys=True,
        )
    return n
