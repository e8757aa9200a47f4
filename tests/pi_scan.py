"""The suite-wide personal-information scan (issue 14): every log, PDF, export and
snapshot the product writes during the test run is recorded (:data:`WRITTEN`,
:data:`LOG_DIRS`, filled by the wrappers :func:`install` puts around the product's
writers) and scanned at the end of the run (``pytest_sessionfinish`` in
``tests/conftest.py``) for identity numbers and mobile numbers.

Only files a product writer in the test process wrote are scanned (never the tests'
input files); a command line run in a subprocess is covered by its log folder (it
inherits the test's ``CENTER_LOG_DIR``). Exports an admin wrote *with* personal
information (``with_pi``) are meant to hold it and are left out; PNG snapshots are
recorded but have no text to scan.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from center.core.pii import ID_NUMBER_PATTERN, MOBILE_PATTERN, mask_id_number, mask_phone

PATTERNS = (
    ("identity number", ID_NUMBER_PATTERN, mask_id_number),
    ("mobile number", MOBILE_PATTERN, mask_phone),
)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class Written:
    path: Path
    what: str  # export, route-sheet CSV, report PDF, route-sheet PDF, PNG snapshot
    with_pi: bool = False  # an export written with personal information (by an admin)


#: every file a product writer wrote in this run, by path (the last write wins)
WRITTEN: dict[Path, Written] = {}
#: every log folder the product (or a test's subprocess) may have logged to
LOG_DIRS: set[Path] = set()


def record(path: str | Path, what: str, *, with_pi: bool = False) -> None:
    p = Path(path).absolute()
    WRITTEN[p] = Written(p, what, with_pi)


# ------------------------------------------------------------------ the scan


def _chunks(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of ``path``: per page of a PDF, per row of an XLSX sheet, per line
    of anything else (read as UTF-8)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        for n, page in enumerate(PdfReader(str(path)).pages, start=1):
            yield f"page {n}", page.extract_text() or ""
    elif suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            for ws in wb.worksheets:
                for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    yield f"{ws.title}!{n}", "\t".join("" if v is None else str(v) for v in row)
        finally:
            wb.close()
    elif suffix not in IMAGE_SUFFIXES:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), start=1):
            yield f"line {n}", line


def scan_file(path: str | Path) -> list[str]:
    """What in ``path`` is shaped like an identity or mobile number, one finding a
    match (``file:where: kind masked-value``); the value itself is never shown."""
    path = Path(path)
    found = []
    for where, text in _chunks(path):
        for kind, pattern, mask in PATTERNS:
            for m in pattern.finditer(text):
                found.append(f"{path}:{where}: {kind} {mask(m[0])}")
    return found


@dataclass
class ScanResult:
    findings: list[str]
    scanned: int
    skipped_images: int
    skipped_with_pi: int
    gone: int


def log_files() -> list[Path]:
    return sorted(
        {f.absolute() for d in LOG_DIRS if d.is_dir() for f in d.rglob("*.log*") if f.is_file()}
    )


def scan_all() -> ScanResult:
    result = ScanResult([], 0, 0, 0, 0)
    targets: list[Path] = []
    for w in sorted(WRITTEN.values(), key=lambda w: str(w.path)):
        if w.with_pi:
            result.skipped_with_pi += 1
        elif w.path.suffix.lower() in IMAGE_SUFFIXES:
            result.skipped_images += 1
        elif not w.path.is_file():  # removed or moved by its test
            result.gone += 1
        else:
            targets.append(w.path)
    targets += [f for f in log_files() if f not in WRITTEN]
    for path in targets:
        result.findings += scan_file(path)
        result.scanned += 1
    return result


# ------------------------------------------------------------------ the wrappers


def _wrap(mp: pytest.MonkeyPatch, owners: list[Any], name: str, make: Callable) -> None:
    """Replace ``name`` by ``make(original)`` in each of ``owners`` that has it."""
    original = getattr(owners[0], name)
    wrapper = functools.wraps(original)(make(original))
    for owner in owners:
        if getattr(owner, name, None) is original:
            mp.setattr(owner, name, wrapper)


def install(mp: pytest.MonkeyPatch) -> None:
    """Wrap the product's file writers so each file written is recorded. Runs before the
    test modules are imported, so that ``from reports import build_monthly`` there gets
    the wrapper too."""
    import center.logs
    import reports
    import reports.build
    import reports.minutes
    import reports.route_sheet
    from center.interchange import service as ix
    from center.visits import planning
    from center.windows.wall import snapshot as wall_snapshot
    from center.windows.workstation import snapshot as ws_snapshot

    def writes(what: str, arg: str = "path") -> Callable:
        """A wrapper recording the file named by argument ``arg`` once written (an
        export with its ``with_pi``)."""

        def make(original):
            sig = inspect.signature(original)

            def wrapper(*args, **kw):
                try:
                    return original(*args, **kw)
                finally:
                    try:
                        given = sig.bind(*args, **kw).arguments
                    except TypeError:  # a wrong call: the original raised already
                        given = {}
                    path = given.get(arg)
                    if path is not None and Path(path).is_file():
                        record(path, what, with_pi=bool(given.get("with_pi")))

            return wrapper

        return make

    _wrap(mp, [ix], "export_file", writes("export"))
    _wrap(mp, [planning], "write_route_csv", writes("route-sheet CSV"))
    _wrap(mp, [reports.route_sheet], "write_route_pdf", writes("route-sheet PDF"))
    _wrap(mp, [wall_snapshot], "save_png", writes("PNG snapshot"))

    def returns_paths(original):
        def wrapper(*args, **kw):
            out = original(*args, **kw)
            for p in out if isinstance(out, list) else [out]:
                record(p, "report PDF")
            return out

        return wrapper

    for name in ("build_monthly", "build_quarterly", "build_annual"):
        _wrap(mp, [reports.build, reports], name, returns_paths)
    for name in ("build_agenda", "build_minutes"):  # a joint meeting's documents
        _wrap(mp, [reports.minutes], name, returns_paths)

    def snapshot_render(original):
        def wrapper(args, *more):
            try:
                return original(args, *more)
            finally:
                out = getattr(args, "output", None) or getattr(args, "o", None)
                if out and Path(out).is_file():
                    record(out, "PNG snapshot")

        return wrapper

    _wrap(mp, [ws_snapshot], "render", snapshot_render)

    def log_dir(original):
        def wrapper():
            folder = original()
            LOG_DIRS.add(Path(folder).absolute())
            return folder

        return wrapper

    _wrap(mp, [center.logs], "log_dir", log_dir)
