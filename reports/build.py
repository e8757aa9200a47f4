"""Qt-free entry points: snapshot → PDF file(s), for the CLI and the workstation.

Every builder writes to a temporary file next to the target and renames it into
place when the whole document is laid out, so a failed or cancelled build leaves
nothing half-written. ``progress(done, total, label)`` is called between steps;
an exception raised by it (e.g. a cancel request) aborts the build cleanly.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from center.reporting import snapshots as svc
from reports import annual, monthly, quarterly
from reports.base import ReportError, register_fonts

Progress = Callable[[int, int, str], None]


def _noop(done: int, total: int, label: str) -> None:
    return None


def _file_target(path: str | Path) -> Path:
    target = Path(path)
    if target.exists() and target.is_dir():
        raise ReportError(f"{target} is a directory: give a file name such as report.pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


@contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".pdf", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_monthly(
    engine: Engine,
    month: str,
    path: str | Path,
    *,
    as_of: datetime | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the monthly notice of ``month`` (YYYY-MM) to ``path``; returns the path."""
    step = progress or _noop
    register_fonts()
    target = _file_target(path)
    step(0, 2, "统计数据")
    snap = svc.monthly_snapshot(engine, month, as_of=as_of)
    step(1, 2, "排版")
    with _atomic(target) as tmp:
        monthly.render_monthly(snap, tmp)
    step(2, 2, "完成")
    return target


def build_annual(
    engine: Engine,
    year: int | str,
    path: str | Path,
    *,
    as_of: datetime | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the annual review of ``year`` to ``path``; returns the path."""
    step = progress or _noop
    register_fonts()
    target = _file_target(path)
    step(0, 2, "统计数据")
    snap = svc.annual_snapshot(engine, year, as_of=as_of)
    step(1, 2, "排版")
    with _atomic(target) as tmp:
        annual.render_annual(snap, tmp)
    step(2, 2, "完成")
    return target


_UNSAFE = re.compile(r"[^0-9A-Za-z_.\-\u4e00-\u9fff]+")


def _safe(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip("._")
    return cleaned or "unit"


def split_names(snap: svc.QuarterlySnapshot) -> list[tuple[str, svc.Scorecard | None, str]]:
    """(scope, card or None for the ranking, file name) of every file of a split batch."""
    out: list[tuple[str, svc.Scorecard | None, str]] = []
    seen: set[str] = set()
    for scope, cards in snap.scopes.items():
        out.append((scope, None, f"{snap.quarter}-{scope}-ranking.pdf"))
        for card in cards:
            name = f"{snap.quarter}-{scope}-{_safe(card.code)}.pdf"
            n = 2
            while name in seen:
                name = f"{snap.quarter}-{scope}-{_safe(card.code)}-{n}.pdf"
                n += 1
            seen.add(name)
            out.append((scope, card, name))
    return out


def build_quarterly(
    engine: Engine,
    quarter: str,
    scope: str,
    out: str | Path,
    *,
    split: bool = False,
    as_of: datetime | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Quarterly scorecards of ``scope`` (grid|community|department|all).

    Without ``split`` one PDF at ``out`` (rankings, then one scorecard per page);
    with ``split`` the directory ``out`` receives one PDF per unit plus one ranking
    PDF per scope. Returns the written paths.
    """
    step = progress or _noop
    register_fonts()
    if not split:
        target = _file_target(out)
        step(0, 2, "统计数据")
        snap = svc.quarterly_snapshot(engine, quarter, scope, as_of=as_of)
        step(1, 2, "排版")
        with _atomic(target) as tmp:
            quarterly.render_quarterly(snap, tmp)
        step(2, 2, "完成")
        return [target]
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ReportError(f"{folder} is a file: --split needs a directory")
    folder.mkdir(parents=True, exist_ok=True)
    step(0, 1, "统计数据")
    snap = svc.quarterly_snapshot(engine, quarter, scope, as_of=as_of)
    plan = split_names(snap)
    total = len(plan) + 1
    staging = Path(tempfile.mkdtemp(prefix=".~split-", dir=folder))
    try:
        for i, (s, card, name) in enumerate(plan, start=1):
            step(i, total, name)
            if card is None:
                quarterly.render_ranking(snap, s, staging / name)
            else:
                quarterly.render_unit(snap, card, staging / name)
        written = []
        for _s, _card, name in plan:
            os.replace(staging / name, folder / name)
            written.append(folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    step(total, total, "完成")
    return written
