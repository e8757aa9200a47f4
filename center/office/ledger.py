"""The budget ledger (`spec/office.md` "Budget"): funding lines and expenditures.

Public API (the CLI, the workstation's 经费管理 tab, the demo and the tests)::

    load_refs(engine) -> LedgerRefs                       what the rules check against
    check_line(values, refs, today) -> (LineInput | None, problems)
    check_expenditure(values, refs, today) -> (ExpenditureInput | None, problems)
    create_line / correct_line / void_line                (actor: manage_budget)
    create_expenditure / correct_expenditure / void_expenditure
    set_budget_settings(engine, actor, year, per_household, split)   (budget_settings)
    list_lines / list_expenditures                        (read_budget)
    parse_amount, parse_split

The rules are the same for a form and a file (:func:`check_line`,
:func:`check_expenditure` take the raw values and return every problem as
``(column, message)``): an amount ≤ 0, with more than 2 decimals or not a number; an
unknown category, source, line or community; ``spent_on`` outside the line's year or
after today (+08:00); a duplicate voucher number; a ``line_code`` reused for another
year, category or source. A ledger row is never deleted: it is corrected (the caller's
``expected_version`` is checked: optimistic locking) or voided with a reason, and a
voided row counts nowhere. Every write is one transaction with its audit row
(amounts, dates and codes; never the payee or a note) and the ``budget`` change signal.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from center.core.access import Actor, require_role
from center.core.audit import append_audit
from center.core.clock import now
from center.core.errors import ChangeRecord, ConflictError, InvalidInput, NotFound, UserError
from center.core.tx import signal_change, transaction
from center.office.budget import (
    CATEGORIES,
    CENT,
    PER_HOUSEHOLD_KEY,
    SOURCES,
    SPLIT_KEY,
    BudgetSettings,
    BudgetSummary,
    format_split,
    load_settings,
    summary_in,
    year_key,
)
from db.models import AuditLog, BudgetLine, Community, Expenditure, Setting
from db.types import CST

LINE_COLUMNS = (
    "line_code",
    "year",
    "category",
    "source",
    "amount",
    "granted_on",
    "document",
    "note",
)
LINE_REQUIRED = ("line_code", "year", "category", "source", "amount")
EXPENDITURE_COLUMNS = (
    "voucher_no",
    "line_code",
    "spent_on",
    "amount",
    "payee",
    "community_code",
    "note",
)
EXPENDITURE_REQUIRED = ("voucher_no", "line_code", "spent_on", "amount", "payee")
MAX_AMOUNT = Decimal("999999999999.99")  # Money(14, 2)
CODE_LEN = 40
TEXT_LEN = 200
DOMAINS = ("budget",)

Problem = tuple[str, str]  # (column, message)


class Msg(str):
    """A rule's message: its English text (the CLI, the import's report, English
    windows), with ``kind`` and ``params`` so that a window words it in its own
    language (the 经费管理 forms: ``budget_view.problem_text``)."""

    kind: str
    params: dict[str, Any]

    def __new__(cls, kind: str, template: str, **params: Any) -> Msg:
        obj = super().__new__(cls, template.format(**params))
        obj.kind = kind
        obj.params = params
        return obj


#: each kind's English template (``params`` fill it); the windows translate these
TEMPLATES: dict[str, str] = {
    "required": "required",
    "not_a_number": "not a number",
    "amount_text": "{text!r} is not a number (write yuan such as 1234.50)",
    "decimals": "{value} has more than 2 decimals (yuan and fen only)",
    "not_positive": "{value} must be greater than 0",
    "too_large": "{value} is too large",
    "not_year": "{text!r} is not a year (YYYY)",
    "too_long": "longer than {n} characters",
    "unknown_choice": "unknown {what} {value!r} (use {choices})",
    "bad_date": "{detail}",
    "code_fixed": "a line's code cannot be changed: void it and add a new line",
    "line_voided_reuse": "line {code} was voided: use another line_code",
    "code_used": "{code} is already used for another line: {differs}",
    "voucher_fixed": "a voucher number cannot be changed: void and re-enter",
    "unknown_line": "unknown line {code!r}",
    "line_voided": "line {code} was voided",
    "outside_year": "{day} is outside the line's year {year}",
    "after_today": "{day} is after today ({today})",
    "unknown_community": "unknown community {code!r}",
    "line_exists": "line {code} already exists",
    "duplicate_voucher": "duplicate voucher number {voucher}",
}


def msg(kind: str, **params: Any) -> Msg:
    return Msg(kind, TEMPLATES[kind], **params)


class Invalid(ValueError):
    """A value breaks a rule (its :class:`Msg` is ``args[0]``)."""

    def __init__(self, kind: str, **params: Any) -> None:
        super().__init__(msg(kind, **params))

    @property
    def message(self) -> Msg:
        m: Msg = self.args[0]
        return m


# ---------------------------------------------------------------------------
# Values


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_amount(raw: Any) -> Decimal:
    """An amount in yuan: a number > 0 with at most 2 decimals. XLSX number cells are
    read as the shortest decimal that gives back the stored float (``repr``: 35.5 is
    35.50). Raises :class:`ValueError` with the user-facing reason."""
    if isinstance(raw, bool) or raw is None:
        raise Invalid("not_a_number")
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise Invalid("not_a_number")
        value = Decimal(repr(raw))
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).strip()
        if not _NUMBER.fullmatch(text):
            raise Invalid("amount_text", text=text)
        value = Decimal(text)
    if not value.is_finite():
        raise Invalid("not_a_number")
    if value != value.quantize(CENT):
        raise Invalid("decimals", value=value)
    if value <= 0:
        raise Invalid("not_positive", value=value.quantize(CENT))
    if value > MAX_AMOUNT:
        raise Invalid("too_large", value=value.quantize(CENT))
    return value.quantize(CENT)


def parse_split(text: str) -> dict[str, Decimal]:
    """``0.6,0.3,0.1``: the shares of personnel, activities and equipment, each
    between 0 and 1, summing to 1."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != len(CATEGORIES):
        raise InvalidInput("split", f"{text!r}: give three shares (personnel,activities,equipment)")
    shares = {}
    for cat, part in zip(CATEGORIES, parts, strict=True):
        try:
            share = Decimal(part)
        except InvalidOperation:
            raise InvalidInput("split", f"{part!r} is not a number") from None
        if not share.is_finite() or not 0 <= share <= 1:
            raise InvalidInput("split", f"{part!r}: a share lies between 0 and 1")
        shares[cat] = share
    if sum(shares.values()) != 1:
        raise InvalidInput("split", f"{text!r}: the three shares must sum to 1")
    return shares


def clean_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    text = str(raw).strip()
    return text or None


def _date(raw: Any) -> date:
    from center.interchange.files import parse_date

    if isinstance(raw, str):
        raw = raw.strip()
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise Invalid("bad_date", detail=str(exc)) from None


def _year(raw: Any) -> int:
    text = clean_text(raw) or ""
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        raise Invalid("not_year", text=text)
    return int(text)


# ---------------------------------------------------------------------------
# What the rules check against


@dataclass(frozen=True)
class LineRef:
    line_code: str
    year: int
    category: str
    source: str
    voided: bool


@dataclass(frozen=True)
class VoucherRef:
    """A recorded voucher, as its import row would be."""

    values: tuple[Any, ...]  # the EXPENDITURE_COLUMNS' values
    voided: bool


@dataclass(frozen=True)
class LedgerRefs:
    lines: Mapping[str, LineRef]
    communities: Mapping[str, str]  # code -> name
    vouchers: Mapping[str, VoucherRef]


def refs_in(conn: Connection) -> LedgerRefs:
    lines = {
        code: LineRef(code, year, cat, src, voided is not None)
        for code, year, cat, src, voided in conn.execute(
            select(
                BudgetLine.line_code,
                BudgetLine.year,
                BudgetLine.category,
                BudgetLine.source,
                BudgetLine.voided_at,
            )
        )
    }
    communities = {c: n for c, n in conn.execute(select(Community.code, Community.name))}
    vouchers = {
        row.voucher_no: VoucherRef(
            (
                row.voucher_no,
                row.line_code,
                row.spent_on,
                Decimal(row.amount),
                row.payee,
                row.community_code,
                row.note,
            ),
            row.voided_at is not None,
        )
        for row in conn.execute(_expenditure_query())
    }
    return LedgerRefs(lines, communities, vouchers)


def load_refs(engine: Engine) -> LedgerRefs:
    """The lines, communities and vouchers the rules check against (a form loads them
    once, on a worker thread)."""
    with engine.connect() as conn:
        return refs_in(conn)


def today() -> date:
    """Today in +08:00 (expenditures may not be dated later)."""
    return now().astimezone(CST).date()


# ---------------------------------------------------------------------------
# The rules


@dataclass(frozen=True)
class LineInput:
    line_code: str
    year: int
    category: str
    source: str
    amount: Decimal
    granted_on: date | None = None
    document: str | None = None
    note: str | None = None

    def row(self) -> tuple[Any, ...]:
        return (
            self.line_code,
            self.year,
            self.category,
            self.source,
            self.amount,
            self.granted_on,
            self.document,
            self.note,
        )


@dataclass(frozen=True)
class ExpenditureInput:
    voucher_no: str
    line_code: str
    spent_on: date
    amount: Decimal
    payee: str
    community_code: str | None = None
    note: str | None = None

    def row(self) -> tuple[Any, ...]:
        return (
            self.voucher_no,
            self.line_code,
            self.spent_on,
            self.amount,
            self.payee,
            self.community_code,
            self.note,
        )


def _field(
    values: Mapping[str, Any],
    name: str,
    parse: Callable[[Any], Any],
    problems: list[Problem],
    required: bool,
) -> Any:
    raw = values.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            problems.append((name, msg("required")))
        return None
    try:
        return parse(raw)
    except ValueError as exc:
        text = exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)
        problems.append((name, text))
        return None


def _code(raw: Any) -> str:
    text = clean_text(raw) or ""
    if len(text) > CODE_LEN:
        raise Invalid("too_long", n=CODE_LEN)
    return text


def _short(raw: Any) -> str:
    text = clean_text(raw) or ""
    if len(text) > TEXT_LEN:
        raise Invalid("too_long", n=TEXT_LEN)
    return text


def _choice(values: tuple[str, ...], what: str) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        text = (clean_text(raw) or "").lower()
        if text not in values:
            raise Invalid(
                "unknown_choice", what=what, value=clean_text(raw), choices=", ".join(values)
            )
        return text

    return parse


def check_line(
    values: Mapping[str, Any], refs: LedgerRefs, *, correcting: str | None = None
) -> tuple[LineInput | None, list[Problem]]:
    """A funding line from raw values (text from a form or a CSV, typed XLSX cells),
    or the problems. ``correcting``: the code of the line a form corrects."""
    problems: list[Problem] = []
    code = _field(values, "line_code", _code, problems, True)
    year = _field(values, "year", _year, problems, True)
    category = _field(values, "category", _choice(CATEGORIES, "category"), problems, True)
    source = _field(values, "source", _choice(SOURCES, "source"), problems, True)
    amount = _field(values, "amount", parse_amount, problems, True)
    granted_on = _field(values, "granted_on", _date, problems, False)
    document = _field(values, "document", _short, problems, False)
    note = _field(values, "note", lambda raw: clean_text(raw), problems, False)
    if correcting is not None and code is not None and code != correcting:
        problems.append(("line_code", msg("code_fixed")))
    known = refs.lines.get(code) if code else None
    if known is not None:
        if known.voided:
            problems.append(("line_code", msg("line_voided_reuse", code=code)))
        else:
            diffs = [
                (col, old, new)
                for col, new, old in (
                    ("year", year, known.year),
                    ("category", category, known.category),
                    ("source", source, known.source),
                )
                if new is not None and new != old
            ]
            differs = [f"{col} {old} (not {new})" for col, old, new in diffs]
            if differs:
                problems.append(
                    (
                        "line_code",
                        msg("code_used", code=code, differs=", ".join(differs), diffs=diffs),
                    )
                )
    if problems:
        return None, problems
    return LineInput(code, year, category, source, amount, granted_on, document, note), []


def check_expenditure(
    values: Mapping[str, Any],
    refs: LedgerRefs,
    day: date,
    *,
    correcting: str | None = None,
) -> tuple[ExpenditureInput | None, list[Problem]]:
    """An expenditure from raw values, or the problems; ``day``: today (+08:00).
    ``correcting``: the voucher a form corrects (its own number is no duplicate)."""
    problems: list[Problem] = []
    voucher = _field(values, "voucher_no", _code, problems, True)
    code = _field(values, "line_code", _code, problems, True)
    spent_on = _field(values, "spent_on", _date, problems, True)
    amount = _field(values, "amount", parse_amount, problems, True)
    payee = _field(values, "payee", _short, problems, True)
    community = _field(values, "community_code", _code, problems, False)
    note = _field(values, "note", lambda raw: clean_text(raw), problems, False)
    if correcting is not None and voucher is not None and voucher != correcting:
        problems.append(("voucher_no", msg("voucher_fixed")))
    line = refs.lines.get(code) if code else None
    if code and line is None:
        problems.append(("line_code", msg("unknown_line", code=code)))
    elif line is not None and line.voided:
        problems.append(("line_code", msg("line_voided", code=code)))
    if spent_on is not None:
        if line is not None and spent_on.year != line.year:
            problems.append(
                ("spent_on", msg("outside_year", day=spent_on.isoformat(), year=line.year))
            )
        if spent_on > day:
            problems.append(
                ("spent_on", msg("after_today", day=spent_on.isoformat(), today=day.isoformat()))
            )
    if community and community not in refs.communities:
        problems.append(("community_code", msg("unknown_community", code=community)))
    if problems:
        return None, problems
    return ExpenditureInput(voucher, code, spent_on, amount, payee, community, note), []


def duplicate_voucher(inp: ExpenditureInput, refs: LedgerRefs) -> str | None:
    """Why a new expenditure's voucher number is a duplicate (``None``: it is new, or
    the very same expenditure is already recorded: an import of it changes nothing)."""
    known = refs.vouchers.get(inp.voucher_no)
    if known is None or (not known.voided and known.values == inp.row()):
        return None
    if known.voided:
        return f"duplicate voucher number {inp.voucher_no} (a voided expenditure has it)"
    _, line, spent_on, amount, *_ = known.values
    return (
        f"duplicate voucher number {inp.voucher_no} (already recorded: line {line}, "
        f"{spent_on.isoformat()}, {amount}); correct that expenditure in the ledger"
    )


# ---------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class LineRecord:
    line_code: str
    year: int
    category: str
    source: str
    amount: Decimal
    granted_on: date | None
    document: str | None
    note: str | None
    version: int
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    def values(self) -> dict[str, Any]:
        """The form's values (as the import reads them)."""
        return {
            "line_code": self.line_code,
            "year": str(self.year),
            "category": self.category,
            "source": self.source,
            "amount": f"{self.amount:.2f}",
            "granted_on": self.granted_on.isoformat() if self.granted_on else "",
            "document": self.document or "",
            "note": self.note or "",
        }


@dataclass(frozen=True)
class ExpenditureRecord:
    voucher_no: str
    line_code: str
    year: int
    category: str
    source: str
    spent_on: date
    amount: Decimal
    payee: str
    community_code: str | None
    note: str | None
    version: int
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    def values(self) -> dict[str, Any]:
        return {
            "voucher_no": self.voucher_no,
            "line_code": self.line_code,
            "spent_on": self.spent_on.isoformat(),
            "amount": f"{self.amount:.2f}",
            "payee": self.payee,
            "community_code": self.community_code or "",
            "note": self.note or "",
        }


def _expenditure_query() -> Any:
    return (
        select(
            Expenditure.voucher_no,
            BudgetLine.line_code,
            BudgetLine.year,
            BudgetLine.category,
            BudgetLine.source,
            Expenditure.spent_on,
            Expenditure.amount,
            Expenditure.payee,
            Community.code.label("community_code"),
            Expenditure.note,
            Expenditure.version,
            Expenditure.voided_at,
            Expenditure.voided_by,
            Expenditure.void_reason,
        )
        .join(BudgetLine, BudgetLine.id == Expenditure.budget_line_id)
        .outerjoin(Community, Community.id == Expenditure.community_id)
    )


def line_records(conn: Connection, year: int | None, include_voided: bool) -> list[LineRecord]:
    q = select(
        BudgetLine.line_code,
        BudgetLine.year,
        BudgetLine.category,
        BudgetLine.source,
        BudgetLine.amount,
        BudgetLine.granted_on,
        BudgetLine.document,
        BudgetLine.note,
        BudgetLine.version,
        BudgetLine.voided_at,
        BudgetLine.voided_by,
        BudgetLine.void_reason,
    ).order_by(BudgetLine.year, BudgetLine.line_code)
    if year is not None:
        q = q.where(BudgetLine.year == year)
    if not include_voided:
        q = q.where(BudgetLine.voided_at.is_(None))
    return [LineRecord(*row) for row in conn.execute(q)]


def expenditure_records(
    conn: Connection, year: int | None, include_voided: bool
) -> list[ExpenditureRecord]:
    q = _expenditure_query().order_by(Expenditure.spent_on, Expenditure.voucher_no)
    if year is not None:
        q = q.where(BudgetLine.year == year)
    if not include_voided:
        q = q.where(Expenditure.voided_at.is_(None), BudgetLine.voided_at.is_(None))
    return [ExpenditureRecord(*row) for row in conn.execute(q)]


def list_lines(
    engine: Engine, actor: Actor, year: int | None = None, *, include_voided: bool = True
) -> list[LineRecord]:
    """The funding lines (of ``year``), voided ones included unless asked otherwise."""
    require_role(actor, "read_budget")
    with engine.connect() as conn:
        return line_records(conn, year, include_voided)


def list_expenditures(
    engine: Engine, actor: Actor, year: int | None = None, *, include_voided: bool = True
) -> list[ExpenditureRecord]:
    """The expenditures (on lines of ``year``), by date."""
    require_role(actor, "read_budget")
    with engine.connect() as conn:
        return expenditure_records(conn, year, include_voided)


# ---------------------------------------------------------------------------
# Writing


class LedgerRejected(UserError):
    """A form's values break the rules; ``problems`` are ``(column, message)``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{col}: {msg}" for col, msg in problems))
        self.problems = problems


def _audit(
    s: Session | Connection,
    actor: Actor,
    action: str,
    entity: str,
    code: str,
    detail: Mapping[str, Any],
) -> None:
    # on the session's connection: the ORM's statement handling is most of the cost
    conn = s.connection() if isinstance(s, Session) else s
    append_audit(conn, actor.name, action, entity, code, detail, sort_keys=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


#: what the audit detail of a change names (free text only as "changed")
_LINE_AUDITED = ("year", "category", "source", "amount", "granted_on")
_SPEND_AUDITED = ("line_code", "spent_on", "amount", "community_code")


def _changes(
    before: Mapping[str, Any], after: Mapping[str, Any], audited: tuple[str, ...]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, old in before.items():
        new = after[key]
        if old != new:
            out[key] = [_jsonable(old), _jsonable(new)] if key in audited else "changed"
    return out


def _changes_since(engine: Engine, entity: str, code: str, version: int) -> list[ChangeRecord]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.detail)
            .where(AuditLog.entity == entity, AuditLog.entity_code == code)
            .order_by(AuditLog.id)
        ).all()
    out = []
    for at, who, action, detail in rows:
        data = json.loads(detail or "{}")
        v = int(data.get("version", 0))
        if v > version:
            fields = {
                k: (pair[0], pair[1]) if isinstance(pair, list) else (None, None)
                for k, pair in data.get("changes", {}).items()
            }
            out.append(ChangeRecord(at, who, action, v, None, None, fields))
    return out


class _Stale(Exception):
    pass


def _lock(s: Session, model: Any, column: Any, code: str, what: str) -> Any:
    q = select(model).where(column == code)
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update()
    row = s.scalars(q).first()
    if row is None:
        raise NotFound(what, code)
    return row


def _line_values(line: BudgetLine) -> dict[str, Any]:
    return {
        "year": line.year,
        "category": line.category,
        "source": line.source,
        "amount": line.amount,
        "granted_on": line.granted_on,
        "document": line.document,
        "note": line.note,
    }


def _line_record(line: BudgetLine) -> LineRecord:
    return LineRecord(
        line.line_code,
        line.year,
        line.category,
        line.source,
        line.amount,
        line.granted_on,
        line.document,
        line.note,
        line.version,
        line.voided_at,
        line.voided_by,
        line.void_reason,
    )


def _rejected(problems: list[Problem]) -> LedgerRejected:
    return LedgerRejected(problems)


def insert_line(s: Session, inp: LineInput) -> BudgetLine:
    """Add a checked funding line in the caller's transaction (no audit row)."""
    line = BudgetLine(
        line_code=inp.line_code,
        year=inp.year,
        category=inp.category,
        source=inp.source,
        amount=inp.amount,
        granted_on=inp.granted_on,
        document=inp.document,
        note=inp.note,
    )
    s.add(line)
    return line


def update_line(line: BudgetLine, inp: LineInput) -> dict[str, Any]:
    """Apply a checked correction (amount, grant date, document, note); returns the
    changes as the audit detail names them."""
    before = _line_values(line)
    line.amount = inp.amount
    line.granted_on = inp.granted_on
    line.document = inp.document
    line.note = inp.note
    return _changes(before, _line_values(line), _LINE_AUDITED)


@dataclass(frozen=True)
class Recorded:
    lines: int
    expenditures: int


def record(
    s: Session,
    actor: Actor,
    *,
    lines: Sequence[Mapping[str, Any]] = (),
    expenditures: Sequence[Mapping[str, Any]] = (),
    day: date | None = None,
) -> Recorded:
    """Record new funding lines, then expenditures (which may book against those
    lines), in the caller's write transaction ``s``: every row is checked by the rules
    first (:class:`LedgerRejected` with every problem, nothing written), then each is
    written with its audit row. The forms' services and the demo write through here."""
    require_role(actor, "manage_budget")
    conn = s.connection()
    refs = refs_in(conn)
    problems: list[Problem] = []
    new_lines: list[LineInput] = []
    for n, values in enumerate(lines):
        inp, found = check_line(values, refs)
        if inp is not None and (
            inp.line_code in refs.lines or any(x.line_code == inp.line_code for x in new_lines)
        ):
            found.append(("line_code", msg("line_exists", code=inp.line_code)))
        problems += [
            (col, f"{msg} (line {n + 1})" if len(lines) > 1 else msg) for col, msg in found
        ]
        if inp is not None and not found:
            new_lines.append(inp)
    if new_lines:
        refs = LedgerRefs(
            {
                **refs.lines,
                **{
                    x.line_code: LineRef(x.line_code, x.year, x.category, x.source, False)
                    for x in new_lines
                },
            },
            refs.communities,
            refs.vouchers,
        )
    new_spends: list[ExpenditureInput] = []
    taken = set(refs.vouchers)
    for n, values in enumerate(expenditures):
        sp, found = check_expenditure(values, refs, day or today())
        if sp is not None and sp.voucher_no in taken:
            found.append(("voucher_no", msg("duplicate_voucher", voucher=sp.voucher_no)))
        label = f" (expenditure {n + 1})" if len(expenditures) > 1 else ""
        problems += [(col, msg + label) for col, msg in found]
        if sp is not None and not found:
            taken.add(sp.voucher_no)
            new_spends.append(sp)
    if problems:
        raise _rejected(problems)
    written = []
    for inp in new_lines:
        written.append(insert_line(s, inp))
    s.flush()
    for inp, line in zip(new_lines, written, strict=True):
        _audit(
            s,
            actor,
            "budget.line.create",
            "budget_line",
            inp.line_code,
            {"version": line.version, **{k: _jsonable(getattr(inp, k)) for k in _LINE_AUDITED}},
        )
    line_ids = {
        code: lid
        for code, lid in conn.execute(
            select(BudgetLine.line_code, BudgetLine.id).where(
                BudgetLine.line_code.in_({sp.line_code for sp in new_spends})
            )
        )
    }
    community_ids = {code: cid for code, cid in conn.execute(select(Community.code, Community.id))}
    for sp in new_spends:
        s.add(
            Expenditure(
                voucher_no=sp.voucher_no,
                budget_line_id=line_ids[sp.line_code],
                spent_on=sp.spent_on,
                amount=sp.amount,
                payee=sp.payee,
                community_id=community_ids.get(sp.community_code or ""),
                note=sp.note,
                recorded_by=actor.name,
            )
        )
    s.flush()
    for sp in new_spends:
        _audit(
            s,
            actor,
            "budget.expenditure.create",
            "expenditure",
            sp.voucher_no,
            {"version": 1, **{k: _jsonable(getattr(sp, k)) for k in _SPEND_AUDITED}},
        )
    if new_lines or new_spends:
        signal_change(conn, *DOMAINS)
    return Recorded(len(new_lines), len(new_spends))


def create_line(engine: Engine, actor: Actor, values: Mapping[str, Any]) -> LineRecord:
    """Record a new funding line (``values`` as a form or a file gives them)."""
    require_role(actor, "manage_budget")
    with transaction(engine, changes=DOMAINS) as s:
        conn = s.connection()
        refs = refs_in(conn)
        inp, problems = check_line(values, refs)
        if inp is not None and inp.line_code in refs.lines:
            problems.append(("line_code", msg("line_exists", code=inp.line_code)))
        if problems or inp is None:
            raise _rejected(problems)
        line = insert_line(s, inp)
        s.flush()
        _audit(
            s,
            actor,
            "budget.line.create",
            "budget_line",
            inp.line_code,
            {"version": line.version, **{k: _jsonable(getattr(inp, k)) for k in _LINE_AUDITED}},
        )
        return _line_record(line)


def _line_write(
    engine: Engine,
    actor: Actor,
    code: str,
    expected_version: int,
    apply: Callable[[Session, BudgetLine], tuple[str, dict[str, Any]]],
) -> LineRecord:
    require_role(actor, "manage_budget")
    try:
        with transaction(engine, changes=DOMAINS) as s:
            line = _lock(s, BudgetLine, BudgetLine.line_code, code, "funding line")
            if line.version != expected_version:
                raise _Stale
            if line.voided_at is not None:
                raise UserError(f"funding line {code} was voided; it cannot be changed")
            with s.no_autoflush:
                action, detail = apply(s, line)
            s.flush()
            _audit(s, actor, action, "budget_line", code, {"version": line.version, **detail})
            return _line_record(line)
    except (_Stale, StaleDataError):
        raise _conflict(engine, BudgetLine, BudgetLine.line_code, code, expected_version) from None


def _conflict(engine: Engine, model: Any, column: Any, code: str, expected: int) -> ConflictError:
    entity = "budget_line" if model is BudgetLine else "expenditure"
    with engine.connect() as conn:
        current = conn.scalar(select(model.version).where(column == code))
    label = "funding line" if model is BudgetLine else "expenditure"
    return ConflictError(
        code,
        expected,
        int(current or 0),
        _changes_since(engine, entity, code, expected),
        entity=label,
    )


def correct_line(
    engine: Engine, actor: Actor, code: str, expected_version: int, values: Mapping[str, Any]
) -> LineRecord:
    """Correct a funding line's amount, grant date, document or note (its year,
    category and source stay: a line recorded under the wrong ones is voided)."""

    def apply(s: Session, line: BudgetLine) -> tuple[str, dict[str, Any]]:
        refs = refs_in(s.connection())
        inp, problems = check_line({**values, "line_code": code}, refs, correcting=code)
        if problems or inp is None:
            raise _rejected(problems)
        changes = update_line(line, inp)
        if not changes:
            raise UserError(f"funding line {code}: nothing to correct")
        return "budget.line.correct", {"changes": changes}

    return _line_write(engine, actor, code, expected_version, apply)


def void_line(
    engine: Engine, actor: Actor, code: str, expected_version: int, reason: str
) -> LineRecord:
    """Void a funding line with a reason (it counts nowhere after); a line with
    expenditures that are not voided is refused."""

    def apply(s: Session, line: BudgetLine) -> tuple[str, dict[str, Any]]:
        if not (reason or "").strip():
            raise InvalidInput("reason", "a reason is required to void a funding line")
        open_spends = s.scalar(
            select(func.count()).where(
                Expenditure.budget_line_id == line.id, Expenditure.voided_at.is_(None)
            )
        )
        if open_spends:
            raise UserError(
                f"funding line {code} has {open_spends} expenditure(s): void or move them first"
            )
        line.voided_at = now()
        line.voided_by = actor.name
        line.void_reason = reason.strip()
        return "budget.line.void", {"amount": _jsonable(line.amount)}

    return _line_write(engine, actor, code, expected_version, apply)


def _spend_values(s: Session, e: Expenditure) -> dict[str, Any]:
    return {
        "line_code": s.scalar(
            select(BudgetLine.line_code).where(BudgetLine.id == e.budget_line_id)
        ),
        "spent_on": e.spent_on,
        "amount": e.amount,
        "payee": e.payee,
        "community_code": (
            s.scalar(select(Community.code).where(Community.id == e.community_id))
            if e.community_id is not None
            else None
        ),
        "note": e.note,
    }


def _spend_record(s: Session, voucher: str) -> ExpenditureRecord:
    row = s.execute(_expenditure_query().where(Expenditure.voucher_no == voucher)).one()
    return ExpenditureRecord(*row)


def _ids(s: Session, inp: ExpenditureInput) -> tuple[int, int | None]:
    line_id = s.scalar(select(BudgetLine.id).where(BudgetLine.line_code == inp.line_code))
    cid = (
        s.scalar(select(Community.id).where(Community.code == inp.community_code))
        if inp.community_code
        else None
    )
    assert line_id is not None  # checked by the rules
    return line_id, cid


def insert_expenditure(s: Session, inp: ExpenditureInput, actor: Actor) -> Expenditure:
    """Add a checked expenditure in the caller's transaction (no audit row)."""
    line_id, cid = _ids(s, inp)
    e = Expenditure(
        voucher_no=inp.voucher_no,
        budget_line_id=line_id,
        spent_on=inp.spent_on,
        amount=inp.amount,
        payee=inp.payee,
        community_id=cid,
        note=inp.note,
        recorded_by=actor.name,
    )
    s.add(e)
    return e


def create_expenditure(
    engine: Engine, actor: Actor, values: Mapping[str, Any], *, day: date | None = None
) -> ExpenditureRecord:
    """Record an expenditure against a funding line (``day``: today, +08:00)."""
    require_role(actor, "manage_budget")
    with transaction(engine, changes=DOMAINS) as s:
        refs = refs_in(s.connection())
        inp, problems = check_expenditure(values, refs, day or today())
        if inp is not None and inp.voucher_no in refs.vouchers:
            problems.append(("voucher_no", msg("duplicate_voucher", voucher=inp.voucher_no)))
        if problems or inp is None:
            raise _rejected(problems)
        e = insert_expenditure(s, inp, actor)
        s.flush()
        _audit(
            s,
            actor,
            "budget.expenditure.create",
            "expenditure",
            inp.voucher_no,
            {"version": e.version, **{k: _jsonable(getattr(inp, k)) for k in _SPEND_AUDITED}},
        )
        return _spend_record(s, inp.voucher_no)


def _spend_write(
    engine: Engine,
    actor: Actor,
    voucher: str,
    expected_version: int,
    apply: Callable[[Session, Expenditure], tuple[str, dict[str, Any]]],
) -> ExpenditureRecord:
    require_role(actor, "manage_budget")
    try:
        with transaction(engine, changes=DOMAINS) as s:
            e = _lock(s, Expenditure, Expenditure.voucher_no, voucher, "expenditure")
            if e.version != expected_version:
                raise _Stale
            if e.voided_at is not None:
                raise UserError(f"expenditure {voucher} was voided; it cannot be changed")
            with s.no_autoflush:
                action, detail = apply(s, e)
            s.flush()
            _audit(s, actor, action, "expenditure", voucher, {"version": e.version, **detail})
            return _spend_record(s, voucher)
    except (_Stale, StaleDataError):
        raise _conflict(
            engine, Expenditure, Expenditure.voucher_no, voucher, expected_version
        ) from None


def correct_expenditure(
    engine: Engine,
    actor: Actor,
    voucher: str,
    expected_version: int,
    values: Mapping[str, Any],
    *,
    day: date | None = None,
) -> ExpenditureRecord:
    """Correct an expenditure (its line, date, amount, payee, community or note; the
    voucher number stays)."""

    def apply(s: Session, e: Expenditure) -> tuple[str, dict[str, Any]]:
        refs = refs_in(s.connection())
        inp, problems = check_expenditure(
            {**values, "voucher_no": voucher}, refs, day or today(), correcting=voucher
        )
        if problems or inp is None:
            raise _rejected(problems)
        before = _spend_values(s, e)
        line_id, cid = _ids(s, inp)
        e.budget_line_id = line_id
        e.spent_on = inp.spent_on
        e.amount = inp.amount
        e.payee = inp.payee
        e.community_id = cid
        e.note = inp.note
        after = {
            "line_code": inp.line_code,
            "spent_on": inp.spent_on,
            "amount": inp.amount,
            "payee": inp.payee,
            "community_code": inp.community_code,
            "note": inp.note,
        }
        changes = _changes(before, after, _SPEND_AUDITED)
        if not changes:
            raise UserError(f"expenditure {voucher}: nothing to correct")
        return "budget.expenditure.correct", {"changes": changes}

    return _spend_write(engine, actor, voucher, expected_version, apply)


def void_expenditure(
    engine: Engine, actor: Actor, voucher: str, expected_version: int, reason: str
) -> ExpenditureRecord:
    """Void an expenditure with a reason (it counts nowhere after; its voucher number
    stays taken)."""

    def apply(s: Session, e: Expenditure) -> tuple[str, dict[str, Any]]:
        if not (reason or "").strip():
            raise InvalidInput("reason", "a reason is required to void an expenditure")
        e.voided_at = now()
        e.voided_by = actor.name
        e.void_reason = reason.strip()
        return "budget.expenditure.void", {"amount": _jsonable(e.amount)}

    return _spend_write(engine, actor, voucher, expected_version, apply)


# ---------------------------------------------------------------------------
# Per-year settings


def budget_settings(engine: Engine, year: int) -> BudgetSettings:
    """The yuan per household and the split of ``year`` (aggregates: anyone reads)."""
    with engine.connect() as conn:
        return load_settings(conn, year)


def set_budget_settings(
    engine: Engine,
    actor: Actor,
    year: int,
    per_household: Decimal | str | None = None,
    split: Mapping[str, Decimal] | str | None = None,
) -> BudgetSettings:
    """Set ``year``'s yuan per household and/or split (admin or finance; audited)."""
    require_role(actor, "budget_settings")
    if not 1900 <= year <= 2100:
        raise InvalidInput("year", f"{year} is out of range (1900–2100)")
    if per_household is None and split is None:
        raise InvalidInput("settings", "give the yuan per household, the split or both")
    amount = None
    if per_household is not None:
        try:
            amount = parse_amount(per_household)
        except ValueError as exc:
            raise InvalidInput("per_household", str(exc)) from None
    shares = parse_split(split) if isinstance(split, str) else split
    if shares is not None and (set(shares) != set(CATEGORIES) or sum(shares.values()) != 1):
        raise InvalidInput("split", "three shares (personnel, activities, equipment) summing to 1")
    with transaction(engine, changes=("budget",)) as s:
        before = load_settings(s.connection(), year)
        detail: dict[str, Any] = {"year": year}
        if amount is not None:
            _put(s, year_key(PER_HOUSEHOLD_KEY, year), f"{amount:.2f}")
            detail["yuan_per_household"] = [f"{before.yuan_per_household:.2f}", f"{amount:.2f}"]
        if shares is not None:
            _put(s, year_key(SPLIT_KEY, year), format_split(shares))
            detail["split"] = [format_split(before.split), format_split(shares)]
        if amount is None and not before.own:
            # the year's split alone: the per-household amount in force is fixed too
            _put(s, year_key(PER_HOUSEHOLD_KEY, year), f"{before.yuan_per_household:.2f}")
        s.flush()
        _audit(s, actor, "budget.settings", "setting", str(year), detail)
        return load_settings(s.connection(), year)


def _put(s: Session, key: str, value: str) -> None:
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value


__all__ = [
    "EXPENDITURE_COLUMNS",
    "LINE_COLUMNS",
    "ExpenditureInput",
    "ExpenditureRecord",
    "LedgerRefs",
    "LedgerRejected",
    "LineInput",
    "LineRecord",
    "budget_settings",
    "check_expenditure",
    "check_line",
    "correct_expenditure",
    "correct_line",
    "create_expenditure",
    "create_line",
    "insert_expenditure",
    "insert_line",
    "ledger_view",
    "duplicate_voucher",
    "clean_text",
    "expenditure_records",
    "line_records",
    "list_expenditures",
    "list_lines",
    "load_refs",
    "parse_amount",
    "parse_split",
    "record",
    "refs_in",
    "set_budget_settings",
    "today",
    "update_line",
    "void_expenditure",
    "void_line",
]


# ---------------------------------------------------------------------------
# What the workstation's 经费管理 tab shows


@dataclass(frozen=True)
class CommunityResults:
    """A community's closure rate and satisfaction (kpi.md) for the year."""

    closure_rate: float | None
    satisfaction: float | None


@dataclass(frozen=True)
class LedgerView:
    year: int
    lines: list[LineRecord]
    expenditures: list[ExpenditureRecord]
    summary: BudgetSummary
    refs: LedgerRefs
    results: dict[str, CommunityResults]  # community code ->
    today: date


def ledger_view(
    engine: Engine, actor: Actor, year: int, as_of: datetime | None = None
) -> LedgerView:
    """Everything the tab shows for ``year`` (read_budget): the lines and expenditures
    (voided ones too), the figures, the rules' references and the communities'
    closure rate and satisfaction beside their value for money."""
    from center.kpi.compute import compute_kpis

    require_role(actor, "read_budget")
    t = as_of or now()
    with engine.connect() as conn:
        lines = line_records(conn, year, True)
        spends = expenditure_records(conn, year, True)
        refs = refs_in(conn)
        summary = summary_in(conn, year, t)
    kpis = compute_kpis(
        engine, str(year), "community", min(t, datetime(year, 12, 31, 23, 59, tzinfo=CST))
    )
    results = {
        u.code: CommunityResults(
            u.kpis["closure_15wd"].value if "closure_15wd" in u.kpis else None,
            u.kpis["satisfaction"].value if "satisfaction" in u.kpis else None,
        )
        for u in kpis.units
    }
    return LedgerView(year, lines, spends, summary, refs, results, t.astimezone(CST).date())
