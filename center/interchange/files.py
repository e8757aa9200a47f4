"""Reading and writing interchange files (`spec/interchange.md` § Common rules).

* Files: CSV (UTF-8 with or without BOM, else GB18030) or XLSX (first sheet); the
  header is row 1, names are matched case-, space- and underscore-insensitively.
* Values: parsers turn one non-empty cell (text from CSV, or a typed XLSX cell) into
  a Python value or raise :class:`ValueError` whose message is user-facing.
* Problems and warnings are collected as ``FILE:LINE: column: message`` lines.
* Writers are deterministic (CSV with BOM for Excel; XLSX with typed cells and fixed
  zip timestamps) and atomic: a failed export leaves no half-written file.
* Formula injection is neutralised: a text cell that a spreadsheet would take for a
  formula (it starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is
  written with a leading ``'``, and the readers take exactly that quote off again, so
  an export still imports back unchanged (:func:`neutralise`, :func:`unneutralise`).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from db.types import CST

# ---------------------------------------------------------------- problems


class Problems:
    """``FILE:LINE: column: message`` lines, reported sorted by line (stable)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._items: list[tuple[int, int, str]] = []

    def add(self, line: int, column: str, message: str) -> None:
        text = f"{self.label}:{line}: {column}: {message}"
        self._items.append((line, len(self._items), text))

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def lines(self) -> list[str]:
        return [text for _, _, text in sorted(self._items)]


class FileUnreadable(Exception):
    """The file as a whole cannot be read; ``problems`` holds the formatted lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# ---------------------------------------------------------------- decoding


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (BOM optional) when the bytes are valid UTF-8, else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileUnreadable(
            [f"{label}:1: encoding: UTF-16 text is not supported; save the file as CSV UTF-8"]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileUnreadable(
            [f"{label}:{line}: encoding: the file is neither UTF-8 nor GB18030 (GBK) text"]
        ) from exc


# ---------------------------------------------------------------- formula injection

#: what a spreadsheet takes for the start of a formula (OWASP "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# any run of quotes before a formula start: the quote the writer adds is taken off
# again, and a value that itself starts with quotes before one keeps them
_QUOTED_FORMULA = re.compile(r"'+[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """``text`` as an exported text cell: a leading ``'`` when a spreadsheet would take
    it (or, after the quotes it already starts with, the rest) for a formula."""
    if text.startswith(FORMULA_STARTS) or _QUOTED_FORMULA.match(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """The value of an imported text cell: exactly the quote :func:`neutralise` added
    is taken off."""
    return text[1:] if _QUOTED_FORMULA.match(text) else text


def _unneutralise_rows(records: list[list[Any]]) -> None:
    """Take the writers' quotes off every text cell of the data rows (in place)."""
    for i in range(1, len(records)):
        row = records[i]
        if any(type(c) is str and c[:1] == "'" for c in row):
            records[i] = [unneutralise(c) if type(c) is str and c[:1] == "'" else c for c in row]


# ---------------------------------------------------------------- tables

_HEADER_JUNK = re.compile(r"[\s_\-\u3000]+")


def header_key(name: object) -> str:
    """Header matching key: case-, space- and underscore-insensitive; a trailing ``*``
    (the "required" mark of the spec) is ignored."""
    text = str(name).replace("\ufeff", "").strip().rstrip("*").lower()
    return _HEADER_JUNK.sub("", text)


@dataclass
class Table:
    """A sheet: the index of each known column; the data rows and their line numbers."""

    label: str
    index: dict[str, int]
    lines: list[int] = field(default_factory=list)
    cells: list[list[Any]] = field(default_factory=list)


#: the most characters a spreadsheet cell holds (Excel's limit): a longer CSV value
#: cannot come from a spreadsheet export, it is lines swallowed by an unclosed quote
MAX_CELL_CHARS = 32_767

QUOTE_HINT = 'close the quote (a quote inside a value is written as "")'


def _breaks(text: str, start: int = 0, end: int | None = None) -> int:
    """Line breaks (LF, CRLF or a bare CR, as the csv module counts them) in a slice."""
    end = len(text) if end is None else end
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


def _open_quote(record: str) -> tuple[int, int, bool]:
    """Where the first quoted value of one CSV record's text that runs over a line break
    opens: (line offset in the record, field index, closed?), by the csv module's rules
    (a quote opens a value only at the start of a field; ``""`` inside it is a quote)."""
    i, n, field, line, at_start = 0, len(record), 0, 0, True
    while i < n:
        c = record[i]
        if at_start and c == '"':
            open_line, j = line, i + 1
            while True:
                k = record.find('"', j)
                if k < 0:
                    return open_line, field, False
                line += _breaks(record, j, k)
                if record.startswith('""', k):
                    j = k + 2
                    continue
                break
            if line > open_line:
                return open_line, field, True
            i, at_start = k + 1, False
            continue
        if c == ",":
            field, at_start = field + 1, True
        elif c in "\r\n":
            line, at_start = line + (0 if record.startswith("\r\n", i) else 1), True
        else:
            at_start = False
        i += 1
    return 0, 0, True


def _column_name(header: list[Any], field: int, line: int) -> str:
    if line == 1:
        return "header"
    name = str(header[field]).strip() if field < len(header) else ""
    return name or f"column {field + 1}"


def _check_quoting(
    text: str,
    label: str,
    lines: list[int],
    records: list[list[Any]],
    *,
    multiline: bool,
    shift: int = 0,
) -> None:
    """Refuse a CSV whose quoting is broken (:class:`FileUnreadable`).

    The csv module reads an unclosed quote without complaint: the value runs on to the
    end of the file, or to a later quote, and swallows the rows between. Every record
    that spans lines (and the last record) is read again strictly; a record that then
    fails, or holds a value longer than a spreadsheet cell, is reported on the line
    where its quote opened."""
    if not records:
        return

    def at(line: int) -> int:  # the line in the file (a chunk's data lines are shifted)
        return line if line == 1 else line + shift

    if not multiline:  # one record per line: only the last can be unclosed
        start = text.rfind("\n", 0, len(text) - 1) + 1
        physical = [text[:start]] * (len(records) - 1) + [text[start:]]  # only [-1] read
        spans = [len(records) - 1]
    else:
        physical = io.StringIO(text, newline="").readlines()
        spans = [
            i for i in range(len(records)) if i == len(records) - 1 or lines[i + 1] - lines[i] > 1
        ]
    found: list[str] = []
    for i in spans:
        stop = lines[i + 1] - 1 if i + 1 < len(records) else len(physical)
        chunk = physical[lines[i] - 1 : stop]
        record = "".join(chunk)
        last = lines[i] + max(len(chunk) - 1, 0)
        try:
            list(csv.reader(io.StringIO(record, newline=""), strict=True))
        except csv.Error as exc:
            at_end = i == len(records) - 1 and "end of data" in str(exc)
            if len(chunk) <= 1 and not at_end:
                continue  # a stray quote within one line (e.g. "12"B) is read as text
            offset, field, _closed = _open_quote(record)
            line = lines[i] + offset
            where = (
                "runs to the end of the file"
                if at_end
                else f"runs over lines {at(line)}–{at(last)} and a quote ends it in the middle "
                "of a value"
            )
            found.append(
                f"{label}:{at(line)}: {_column_name(records[0], field, line)}: unclosed quote: "
                f"the quoted value that opens on this line {where}; {QUOTE_HINT}"
            )
            continue
        for field, cell in enumerate(records[i]):
            if len(cell) > MAX_CELL_CHARS:
                offset, _f, _closed = _open_quote(record)
                line = lines[i] + offset
                found.append(
                    f"{label}:{at(line)}: {_column_name(records[0], field, line)}: the quoted "
                    f"value that opens on this line runs over lines {at(line)}–{at(last)} "
                    f"({len(cell):,} characters, more than a spreadsheet cell holds): "
                    f"an unclosed quote? {QUOTE_HINT}"
                )
    if found:
        raise FileUnreadable(found)


def _csv_records(text: str, label: str, shift: int = 0) -> tuple[list[int], list[list[Any]]]:
    """All CSV records and the line each one starts on (header = line 1).

    ``shift``: ``text`` is the header and a chunk of a larger file whose first data
    line is line ``2 + shift`` of the file; problems name the file's lines (the lines
    returned are still those of ``text``).

    Refused (:class:`FileUnreadable`): NUL characters (not a text file: a binary
    spreadsheet renamed to .csv, or UTF-16 without its mark) and broken quoting
    (:func:`_check_quoting`)."""
    nul = text.find("\x00")
    if nul >= 0:
        raise FileUnreadable(
            [
                f"{label}:{_shifted(_breaks(text, 0, nul) + 1, shift)}: file: holds NUL "
                "characters, so it "
                "is not CSV text (a binary spreadsheet renamed to .csv?); save it as "
                "CSV UTF-8 from the spreadsheet"
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records: list[list[Any]] = list(reader)
    except csv.Error as exc:
        line = _shifted(reader.line_num, shift)
        raise FileUnreadable([f"{label}:{line}: csv: {exc}"]) from exc
    n_lines = text.count("\n") + (0 if not text or text.endswith("\n") else 1)
    if len(records) == n_lines:  # one record per line: record i is on line i + 1
        lines = list(range(1, n_lines + 1))
    else:
        # a quoted field holds a line break (or lines end in a bare CR): track start lines
        reader = csv.reader(io.StringIO(text, newline=""))
        lines = []
        end = 0
        for _record in reader:
            lines.append(end + 1)
            end = reader.line_num
    _check_quoting(text, label, lines, records, multiline=len(records) != n_lines, shift=shift)
    return lines, records


def _shifted(line: int, shift: int) -> int:
    return line if line == 1 else line + shift


def _extra_fields(lines: list[int], records: list[list[Any]], problems: Problems) -> None:
    """A CSV row with more (non-empty) values than the header has columns: a value with
    an unquoted comma has shifted the row, so its values would land in wrong columns."""
    width = len(records[0])
    if max(map(len, records)) <= width:  # the usual file: checked at C speed
        return
    for i in range(1, len(records)):
        row = records[i]
        if len(row) > width and any(c.strip() for c in row[width:]):
            problems.add(
                lines[i],
                "row",
                f"{len(row)} values but the header has {width} columns: a value holding "
                "a comma must be quoted",
            )


def _xlsx_records(path: Path, label: str) -> tuple[list[int], list[list[Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # a damaged workbook: a broken zip, deflate stream or XML, found on opening it or
    # only when its sheet is read
    broken = (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        ElementTree.ParseError,
    )
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except broken as exc:
        raise FileUnreadable([f"{label}:1: xlsx: not a readable XLSX workbook ({exc})"]) from exc
    try:
        if not wb.worksheets:
            raise FileUnreadable([f"{label}:1: xlsx: the workbook has no sheet"])
        records = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    except broken as exc:
        raise FileUnreadable([f"{label}:1: xlsx: not a readable XLSX workbook ({exc})"]) from exc
    finally:
        wb.close()
    return list(range(1, len(records) + 1)), records


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(
    path: Path,
    label: str,
    columns: Sequence[str],
    required: Iterable[str],
    problems: Problems,
    warnings: list[str],
) -> Table:
    """Read a CSV or XLSX file into a :class:`Table` of the known ``columns``.

    Unknown columns become warnings; missing required or repeated columns become
    problems. Blank rows are skipped. Raises :class:`FileUnreadable`.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        lines, records = _xlsx_records(path, label)
        _unneutralise_rows(records)
    elif suffix == ".csv":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileUnreadable([f"{label}:1: file: cannot be read ({exc.strerror})"]) from exc
        text = decode_text(data, label)
        lines, records = _csv_records(text, label)
        if "'" in text:  # most files have no quote at all: nothing to look at
            _unneutralise_rows(records)
        if records:
            _extra_fields(lines, records, problems)
    else:
        raise FileUnreadable([f"{label}:1: file: expected a .csv or .xlsx file"])
    _check_header(records, label)
    index = _header_index(records[0], label, columns, required, problems, warnings)
    return _data_table(label, index, lines, records, csv_text=suffix == ".csv")


def _check_header(records: list[list[Any]], label: str) -> None:
    if not records or _blank(records[0]):
        what = "the file is empty" if not records else "the first row must be the header"
        raise FileUnreadable([f"{label}:1: header: {what}"])


def _header_index(
    header: list[Any],
    label: str,
    columns: Sequence[str],
    required: Iterable[str],
    problems: Problems,
    warnings: list[str],
) -> dict[str, int]:
    """Position of each known column in the header (problems and warnings about it)."""
    known = {header_key(c): c for c in columns}
    index: dict[str, int] = {}
    for pos, raw in enumerate(header):
        if raw is None or str(raw).strip() == "":
            continue
        canon = known.get(header_key(raw))
        if canon is None:
            warnings.append(f"{label}:1: {str(raw).strip()}: unknown column ignored")
        elif canon in index:
            problems.add(1, canon, "column appears more than once")
        else:
            index[canon] = pos
    for name in required:
        if name not in index:
            problems.add(1, name, "required column missing")
    return index


def _data_table(
    label: str, index: dict[str, int], lines: list[int], records: list[list[Any]], *, csv_text: bool
) -> Table:
    """The non-blank data rows (``records[1:]``) as a :class:`Table`."""
    width = max(index.values(), default=-1) + 1
    if csv_text and _all_start_filled(records):  # the usual file: every row kept as is
        table = Table(label, index, lines[1:], records[1:])
        if min(map(len, table.cells), default=width) >= width:
            return table
    elif csv_text:  # cells are text; most rows start with a non-empty code
        keep = [
            i
            for i in range(1, len(records))
            if records[i] and (records[i][0].strip() or "".join(records[i]).strip())
        ]
        table = Table(label, index, [lines[i] for i in keep], [records[i] for i in keep])
    else:
        keep = [i for i in range(1, len(records)) if not _blank(records[i])]
        table = Table(label, index, [lines[i] for i in keep], [records[i] for i in keep])
    for i, cells in enumerate(table.cells):
        if len(cells) < width:  # ragged row: the missing cells are empty
            table.cells[i] = cells + [None] * (width - len(cells))
    return table


def _all_start_filled(records: list[list[Any]]) -> bool:
    """Whether every data row of a CSV starts with a non-blank cell (so none is a
    blank row), looked at in C: no Python code runs per row."""
    try:
        return all(map(str.strip, map(itemgetter(0), islice(records, 1, None))))
    except IndexError:  # an empty row (a blank line)
        return False


# ---------------------------------------------------------------- streaming CSV
#
# A large CSV is read in chunks of lines, so an import's memory does not grow with
# the file (issue 19: a million rows took 1.3 GB). Each chunk is the header's text
# followed by whole records (a chunk ends on a line where the quotes seen so far are
# balanced, so a quoted value with line breaks is never cut) and goes through the
# same reader as a whole file, with its problems shifted to the file's lines.

#: characters of text per chunk (about 38,000 rows of a visits file)
CHUNK_CHARS = 2_500_000
_SNIFF_BYTES = 1 << 20


def csv_encoding(path: Path, label: str) -> str:
    """The encoding :func:`decode_text` would choose, found by reading the file in
    blocks (the file is never held whole)."""
    import codecs

    try:
        with path.open("rb") as fh:
            head = fh.read(2)
            if head in (b"\xff\xfe", b"\xfe\xff"):
                decode_text(head, label)  # raises the UTF-16 problem
            for encoding in ("utf-8-sig", "gb18030"):
                fh.seek(0)
                decoder = codecs.getincrementaldecoder(encoding)()
                done = 0
                try:
                    while block := fh.read(_SNIFF_BYTES):
                        decoder.decode(block)
                        done += len(block)
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError as exc:
                    if encoding == "gb18030":
                        fh.seek(0)
                        before = fh.read(done + max(exc.start, 0))
                        line = before.count(b"\n") + 1
                        raise FileUnreadable(
                            [
                                f"{label}:{line}: encoding: the file is neither UTF-8 nor "
                                "GB18030 (GBK) text"
                            ]
                        ) from exc
                    continue
                return encoding
    except OSError as exc:
        raise FileUnreadable([f"{label}:1: file: cannot be read ({exc.strerror})"]) from exc
    raise AssertionError("unreachable")


def iter_csv_tables(
    path: Path,
    label: str,
    columns: Sequence[str],
    required: Iterable[str],
    problems: Problems,
    warnings: list[str],
    chunk_chars: int | None = None,
) -> Iterator[Table]:
    """:func:`read_table` of a CSV, a chunk of rows at a time (lines are the file's).

    The header's problems and warnings come with the first chunk; a file whose
    header has problems yields nothing more. Raises :class:`FileUnreadable`.
    """
    encoding = csv_encoding(path, label)
    chunk_chars = chunk_chars or CHUNK_CHARS
    with path.open(encoding=encoding, newline="") as fh:
        header_text = fh.readline()
        if not header_text.strip():
            _check_header([[header_text]] if header_text else [], label)
        index: dict[str, int] | None = None
        first_line = 2  # the file's line of the chunk's first data line
        while True:
            body = fh.readlines(chunk_chars)
            if not body and index is not None:
                return
            joined = "".join(body)
            quotes = joined.count('"')
            while quotes % 2:  # inside a quoted value: read on to its end
                more = fh.readlines(chunk_chars)
                if not more:
                    break
                extra = "".join(more)
                quotes += extra.count('"')
                joined += extra
                body += more
            text = header_text + joined
            del joined
            lines, records = _csv_records(text, label, shift=first_line - 2)
            if "'" in text:
                _unneutralise_rows(records)
            shift = first_line - 2
            if shift:
                lines = [n if n == 1 else n + shift for n in lines]
            _extra_fields(lines, records, problems)
            if index is None:
                _check_header(records, label)
                index = _header_index(records[0], label, columns, required, problems, warnings)
                if problems:
                    return
            yield _data_table(label, index, lines, records, csv_text=True)
            first_line += len(body)
            if not body:
                return


# ---------------------------------------------------------------- values

_ISO_FAST = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?)?")
_LOOSE_TS = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
MIN_YEAR = 1900
MAX_YEAR = 2100

TS_HINT = "expected ISO 8601 such as 2026-10-05T08:30:00+08:00 or 2026/10/05 08:30"
DATE_HINT = "expected YYYY-MM-DD"


def _aware(dt: datetime) -> datetime:
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        raise ValueError(f"year {dt.year} is out of range")
    if dt.tzinfo is None or dt.tzinfo == CST:
        return dt.replace(tzinfo=CST)
    return dt.astimezone(CST)


def _loose_timestamp(text: str) -> datetime:
    m = _LOOSE_TS.fullmatch(text)
    if m is None:
        raise ValueError(f"not a timestamp ({TS_HINT})")
    y, mo, d, h, mi, s, frac, off = m.groups()
    try:
        dt = datetime(
            int(y),
            int(mo),
            int(d),
            int(h or 0),
            int(mi or 0),
            int(s or 0),
            int((frac or "0").ljust(6, "0")),
        )
    except ValueError as exc:
        raise ValueError(f"not a real date and time ({exc})") from exc
    if off:
        offset = "+00:00" if off == "Z" else off
        if ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        dt = datetime.fromisoformat(dt.isoformat() + offset)
    return dt


def parse_timestamp(raw: Any) -> datetime:
    """An aware +08:00 datetime; naive text and Excel date cells are local time."""
    if isinstance(raw, str):
        try:
            dt = datetime.fromisoformat(raw)
        except ValueError:
            if _ISO_FAST.fullmatch(raw):  # well-formed but impossible, e.g. 2026-02-30
                raise ValueError(f"not a real date and time ({TS_HINT})") from None
            dt = _loose_timestamp(raw)
        return _aware(dt)
    if isinstance(raw, datetime):
        return _aware(raw)
    if isinstance(raw, date):
        return _aware(datetime(raw.year, raw.month, raw.day))
    raise ValueError(f"not a timestamp ({TS_HINT})")


def parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        if raw.time() != time(0):
            raise ValueError(f"a date has no time of day ({DATE_HINT})")
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        m = _DATE.fullmatch(raw)
        if m is None:
            raise ValueError(f"not a date ({DATE_HINT})")
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise ValueError(f"not a real date ({DATE_HINT})") from None
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise ValueError(f"year {d.year} is out of range")
        return d
    raise ValueError(f"not a date ({DATE_HINT})")


_BOOLS = {
    "1": True,
    "0": False,
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "是": True,
    "否": False,
}


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        hit = _BOOLS.get(raw.lower())
        if hit is not None:
            return hit
    raise ValueError("not a boolean (use 1/0, true/false, yes/no or 是/否)")


def parse_int(raw: Any, lo: int, hi: int, what: str = "an integer") -> int:
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and re.fullmatch(r"[+-]?\d+(\.0*)?", raw):
        value = int(raw.split(".")[0])
    if value is None or not lo <= value <= hi:
        raise ValueError(f"must be {what}")
    return value


def parse_float(raw: Any, lo: float, hi: float, what: str) -> float:
    value: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:
            value = None
    if value is None or math.isnan(value) or not lo <= value <= hi:
        raise ValueError(f"must be {what}")
    return value


def cell_text(raw: Any) -> str:
    """A cell as text (XLSX numbers that are whole become ``"1001"``, not ``"1001.0"``)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime | date | time):
        return raw.isoformat()
    return str(raw)


def text_parser(max_len: int | None) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        text = cell_text(raw)
        if max_len is not None and len(text) > max_len:
            raise ValueError(f"longer than {max_len} characters")
        return text

    return parse


MASKED_HINT = (
    "masked value ('*'): an export made without --with-pi holds no real personal "
    "information and cannot be imported; import a file exported with --with-pi"
)


def refuse_masked(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parse`` for a personal-information column: a value holding the ``*`` of a
    masked export (``张*``, ``110***********123X``, ``138****1234``) is refused, so a
    masked export can never be imported as if it were real data."""

    def parse_unmasked(raw: Any) -> Any:
        if isinstance(raw, str) and "*" in raw:
            raise ValueError(MASKED_HINT)
        return parse(raw)

    return parse_unmasked


def enum_parser(values: Sequence[str]) -> Callable[[Any], str]:
    allowed = frozenset(values)
    listing = ", ".join(values)

    def parse(raw: Any) -> str:
        text = cell_text(raw)
        key = text.lower()
        if key not in allowed:
            raise ValueError(f"{text!r} is not one of {listing}")
        return key

    return parse


# ---------------------------------------------------------------- bulk fast paths
#
# A bulk parser converts a whole column at C speed for the common case and raises
# (ValueError or TypeError) when any value needs the careful per-cell parser, which
# then reports the exact problems. ``None`` (empty cell) passes through.

Bulk = Callable[[list[Any]], list[Any]]
_TEXT_TYPES = frozenset({str, type(None)})


def text_bulk(max_len: int | None) -> Bulk:
    def bulk(values: list[Any]) -> list[Any]:
        if not set(map(type, values)) <= _TEXT_TYPES:
            raise TypeError("not all text")
        if max_len is not None and max(map(len, filter(None, values)), default=0) > max_len:
            raise ValueError("too long")
        return values

    return bulk


def enum_bulk(values: Sequence[str]) -> Bulk:
    allowed = frozenset(values) | {None}

    def bulk(column: list[Any]) -> list[Any]:
        if not set(column) <= allowed:
            raise ValueError("not all canonical")
        return column

    return bulk


def choice_bulk(mapping: dict[str, Any]) -> Bulk:
    """The fast path of a parser that maps a few exact texts to values (the parser
    gives ``mapping[text]`` for each of them): any other value, of any type, sends the
    column to that parser."""
    allowed = frozenset(mapping) | {None}
    get = mapping.__getitem__

    def bulk(values: list[Any]) -> list[Any]:
        if not set(values) <= allowed:
            raise ValueError("not all canonical")
        return [None if v is None else get(v) for v in values]

    return bulk


#: :func:`parse_bool`'s fast path (its texts in the spelling it lists)
bool_bulk = choice_bulk(_BOOLS)


#: an identity or phone number as the masking functions leave it inside a text
#: (``110***********123X``, ``138****1234``, ``010*****5678``)
MASKED_NUMBER = re.compile(r"[+0-9]{3}\*{4,}[0-9Xx]{4}")
MASKED_TEXT_HINT = (
    "holds a masked identity or phone number ('*'): an export made without --with-pi "
    "cannot be imported (it would overwrite the text); import a file exported with "
    "--with-pi"
)


def refuse_masked_numbers(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parse`` for a free-text column that a masked export masks the numbers of:
    a text holding a masked number is refused."""

    def parse_unmasked(raw: Any) -> Any:
        if isinstance(raw, str) and "*" in raw and MASKED_NUMBER.search(raw):
            raise ValueError(MASKED_TEXT_HINT)
        return parse(raw)

    return parse_unmasked


def refuse_masked_numbers_bulk(bulk: Bulk) -> Bulk:
    """The fast path of :func:`refuse_masked_numbers`: any masked number sends the
    column to the careful parser, which reports it."""

    def checked(values: list[Any]) -> list[Any]:
        out = bulk(values)
        search = MASKED_NUMBER.search
        if any(type(v) is str and "*" in v and search(v) for v in out):
            raise ValueError("masked numbers")
        return out

    return checked


date_of = datetime.date
time_of = datetime.time  # fold included, zone dropped


def with_cst(dt: datetime) -> datetime:
    """``dt.replace(tzinfo=CST)``, about ten times faster (replace parses keywords)."""
    return datetime.combine(date_of(dt), time_of(dt), CST)


def timestamp_bulk(values: list[Any]) -> list[Any]:
    """ISO text → aware datetimes whose zone is the ``CST`` object itself.

    Local values get that very object (not merely an equal +08:00 zone): comparing
    datetimes whose zones are different objects costs a ``utcoffset()`` call on each
    side, and later steps compare and sort these values many times.
    """
    fromiso, combine, day, clock = datetime.fromisoformat, datetime.combine, date_of, time_of
    parsed = [None if v is None else fromiso(v) for v in values]
    out = [  # combine(...) is d.replace(tzinfo=CST), see with_cst
        None
        if d is None
        else combine(day(d), clock(d), CST)
        if d.tzinfo is None or d.tzinfo == CST
        else d.astimezone(CST)
        for d in parsed
    ]
    present = [d for d in out if d is not None]
    if present and not (MIN_YEAR <= min(present).year and max(present).year <= MAX_YEAR):
        raise ValueError("year out of range")
    return out


# ---------------------------------------------------------------- invisible characters
#
# A code or a name that holds a zero-width space, a bidi override or a control
# character looks like another one on screen (a "new" resident that duplicates
# another; a name that reads backwards), and PostgreSQL cannot store a NUL at all.
# Codes and names may hold none of them; any text may hold no control character
# but tab and line breaks (an XLSX export could not even write one).

#: categories refused in codes and names: control, format (zero-width characters,
#: bidi marks, overrides and isolates, U+FEFF), line/paragraph separators, surrogates
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
#: control characters refused in any text cell (tab, LF and CR are text)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _describe(text: str, pos: int) -> str:
    ch = text[pos]
    name = unicodedata.name(ch, "") or "a control character"
    return (
        f"holds an invisible or control character at character {pos + 1} "
        f"(U+{ord(ch):04X} {name}): retype the value without it"
    )


def hidden_character(text: str, strict: bool) -> str | None:
    """Why ``text`` is refused for what it hides, or None. ``strict`` (codes and
    names): every character of :data:`INVISIBLE_CATEGORIES`; otherwise only control
    characters other than tab and line breaks. The message shows the code point and
    where it is, never the value (it may be personal information)."""
    if strict:
        if text.isprintable():
            return None
        category = unicodedata.category
        for pos, ch in enumerate(text):
            if category(ch) in INVISIBLE_CATEGORIES:
                return _describe(text, pos)
        return None
    m = _CONTROL.search(text)
    return None if m is None else _describe(text, m.start())


def hidden_characters(values: Sequence[Any], strict: bool) -> dict[int, str]:
    """:func:`hidden_character` of each text in a column, by index; the whole column
    is looked at once first (one pass in C), so a clean column costs little."""
    texts = [v for v in values if type(v) is str]
    if not texts:
        return {}
    joined = " ".join(texts)
    if joined.isprintable() if strict else _CONTROL.search(joined) is None:
        return {}
    out: dict[int, str] = {}
    for i, v in enumerate(values):
        if type(v) is str:
            reason = hidden_character(v, strict)
            if reason is not None:
                out[i] = reason
    return out


# ---------------------------------------------------------------- export formats


def format_timestamp(dt: datetime) -> str:
    return dt.astimezone(CST).isoformat()


def format_cell(value: Any) -> str:
    """The CSV text of an exported value (the import reads it back identically); text
    that a spreadsheet would take for a formula is quoted (:func:`neutralise`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes(path: Path, data: bytes) -> None:
    _atomic_write(path, data)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """CSV, UTF-8 with BOM (so Excel opens it as UTF-8), CRLF lines."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    n = 0
    for row in rows:
        writer.writerow([format_cell(v) for v in row])
        n += 1
    _atomic_write(path, buf.getvalue().encode("utf-8-sig"))
    return n


_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_PROPS_TIME = b"2000-01-01T00:00:00Z"
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an XLSX so equal content gives equal bytes (no save-time stamps)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIMES.sub(rb"\g<1>" + _FIXED_PROPS_TIME + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def write_xlsx(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str
) -> int:
    """XLSX with typed cells: timestamps and dates as Excel date cells (local time),
    numbers as numbers, booleans as booleans, everything else as text (quoted where a
    spreadsheet would take it for a formula, :func:`neutralise`)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    wb.properties.creator = "door-knocking-center"
    ws = wb.create_sheet(title)
    ws.append(list(header))
    n = 0
    for row in rows:
        out: list[Any] = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(ws, value=neutralise(value))
                cell.data_type = "s"  # never a formula, even when it starts with "="
                out.append(cell)
            elif isinstance(value, datetime):
                local = value.astimezone(CST)
                if local.microsecond:  # Excel keeps milliseconds at best: keep it exact
                    out.append(format_timestamp(local))
                else:
                    cell = WriteOnlyCell(ws, value=local.replace(tzinfo=None))
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                    out.append(cell)
            elif isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
        n += 1
    buf = io.BytesIO()
    wb.save(buf)
    _atomic_write(path, _deterministic_zip(buf.getvalue()))
    return n


def write_table(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str
) -> int:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(path, header, rows)
    if suffix == ".xlsx":
        return write_xlsx(path, header, rows, title=title)
    raise ValueError(f"{path}: expected a .csv or .xlsx file name")
