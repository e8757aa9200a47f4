"""Wall benchmarks: ``python -m center.bench wall [--db URL] [--cycles N]``.

Measures, offscreen, on a database that holds a street (e.g. ``center demo``):

* cold start: process start to the fully painted wall (every part loaded and the
  map page painted), with the time of each part;
* refresh after a change: a commit in another connection (a case gets its first
  response, the change counter is bumped) until the wall shows the new data and
  the map has painted it, end to end; the change is undone afterwards;
* the longest GUI-thread stall while refreshing (a 1 ms heartbeat timer);
* memory (PSS) of the whole process tree, QtWebEngine helpers included;
* memory after N time-compressed refresh cycles (the loaded parts of two instants
  delivered alternately, each cycle restyling the map in place and waiting for its
  paint).

The database is only changed by the refresh measurement, which restores it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

T0 = time.perf_counter()


def pss_tree_kb(root: int | None = None) -> int:
    """PSS in kB of a process and all its descendants (from /proc/*/smaps_rollup)."""
    total = 0
    for pid in _tree(root or os.getpid()):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total


def pss_by_process(root: int | None = None) -> dict[str, int]:
    """PSS in kB of a process tree by kind: the wall's own process, and QtWebEngine's
    helpers by their ``--type`` (renderer, zygote, gpu-process, utility)."""
    out: dict[str, int] = {}
    me = root or os.getpid()
    for pid in _tree(me):
        try:
            kind = "wall process"
            if pid != me:
                args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                types = [a[7:].decode() for a in args if a.startswith(b"--type=")]
                kind = types[0] if types else "other"
                ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                if kind == "zygote" and ppid != me:
                    kind = "renderer"  # forked by the zygote: its command line
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    out[kind] = out.get(kind, 0) + int(line.split()[1])
                    break
        except OSError:
            continue
    return out


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def cpu_tree_s(root: int | None = None, *, ended: bool = False) -> float:
    """User + system CPU seconds of a process tree (``ended``: with the children that
    have ended and were waited for, such as the wall's forecast process)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    me = root or os.getpid()
    for pid in _tree(me):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        if ended and pid == me:
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def add_web_process_argument(parser: argparse.ArgumentParser) -> None:
    """``--web-process`` of the wall benchmarks (this one and the soak)."""
    parser.add_argument(
        "--web-process",
        choices=("separate", "single"),
        default="separate",
        help="the map page's process, as `center wall --web-process` (default separate)",
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m center.bench wall")
    parser.add_argument("--db", help="database URL (default: the configured database)")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--cycles", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=5, help="refresh measurements")
    parser.add_argument(
        "--poll",
        type=float,
        default=None,
        help="SQLite change-feed poll interval in seconds (default: the wall's, 0.05)",
    )
    parser.add_argument(
        "--idle", type=float, default=10.0, help="seconds of idle CPU measurement (0: none)"
    )
    add_web_process_argument(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the headline figures as one JSON object (last line) after the table",
    )
    args = parser.parse_args(argv)

    from center.windows.runtime.qtenv import prepare_environment

    prepare_environment(offscreen=True, single_process=args.web_process == "single")
    from PySide6.QtCore import QEventLoop, QObject, QTimer

    from center.context import open_context
    from center.wall import model as dashboard
    from center.windows.runtime.qtenv import application
    from center.windows.wall.controller import POLL_S, WallController
    from center.windows.wall.view import WallView

    ctx = open_context(args.db)
    app = application("zh_CN")
    width, height = (int(x) for x in args.size.lower().split("x"))

    class Heartbeat(QObject):
        """Longest gap between 1 ms timer ticks while armed: the GUI thread's stalls."""

        def __init__(self) -> None:
            super().__init__()
            self.timer = QTimer(self)
            self.timer.setInterval(1)
            self.timer.timeout.connect(self._tick)
            self.last = time.perf_counter()
            self.worst = 0.0

        def arm(self) -> None:
            self.last = time.perf_counter()
            self.worst = 0.0
            self.timer.start()

        def disarm(self) -> float:
            self.timer.stop()
            return self.worst

        def _tick(self) -> None:
            now = time.perf_counter()
            self.worst = max(self.worst, now - self.last)
            self.last = now

    def wait(predicate: Callable[[], bool], signals: list[Any], timeout_s: float) -> bool:
        if predicate():
            return True
        loop = QEventLoop()
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)

        def check(*_: Any) -> None:
            if predicate():
                loop.quit()

        for sig in signals:
            sig.connect(check)
        guard.start(round(timeout_s * 1000))
        loop.exec()
        for sig in signals:
            sig.disconnect(check)
        return predicate()

    heartbeat = Heartbeat()
    if args.poll is None:
        args.poll = POLL_S
    controller = WallController(ctx.engine, poll_s=args.poll, full_refresh_ms=0)
    view = WallView(controller)
    view.resize(width, height)
    view.show()
    mapview = view.map_panel.map
    t_view = time.perf_counter()
    shown_all: list[tuple[float, float]] = []  # when, CPU seconds of the tree by then
    view.shown_all.connect(lambda: shown_all.append((time.perf_counter(), cpu_tree_s(ended=True))))
    # the first paint with the headline data: the grids and the KPIs on the map
    first_data: list[float] = []

    def check_first(*_: Any) -> None:
        if (
            not first_data
            and {"base", "kpis"} <= set(controller.last_delivery)
            and mapview.is_painted()
        ):
            first_data.append(time.perf_counter())

    mapview.painted.connect(check_first)
    map_ready: list[float] = []
    mapview.ready.connect(lambda: map_ready.append(time.perf_counter()))
    controller.part_updated.connect(check_first)
    heartbeat.arm()
    controller.start()
    if not wait(view.is_settled, [view.settled], 300):
        print("the wall did not settle within 300 s", file=sys.stderr)
        return 1
    cold_stall = heartbeat.disarm()
    t_settled = time.perf_counter()
    cpu_settled = cpu_tree_s(ended=True)
    t_shown, cpu_shown = shown_all[0] if shown_all else (t_settled, cpu_settled)
    rows: list[tuple[str, str]] = [
        (
            "cold start: process start to fully painted wall (CPU of the tree)",
            f"{t_settled - T0:.2f} s ({cpu_settled:.2f} s)",
        ),
        (
            "  every part painted, the forecast layer still computing",
            f"{t_shown - T0:.2f} s ({cpu_shown:.2f} s)",
        ),
        (
            "  grids and KPIs painted on the map",
            f"{(first_data[0] if first_data else t_settled) - T0:.2f} s",
        ),
        (
            "  map page ready (QtWebEngine started, page loaded)",
            f"{(map_ready[0] if map_ready else t_settled) - T0:.2f} s",
        ),
        ("  of which Qt, fonts and database open", f"{t_view - T0:.2f} s"),
    ]
    for part in dashboard.PARTS:
        at = controller.last_delivery.get(part)
        if at is not None:
            rows.append(
                (
                    f"  part {part}: load / shown at",
                    f"{controller.timings[part]:.3f} s / {at - T0:.2f} s",
                )
            )
    rows.append(("  longest GUI stall during cold start", f"{cold_stall * 1000:.0f} ms"))
    pss_start = pss_tree_kb() / 1024
    rows.append(("memory (PSS) of the process tree after start", f"{pss_start:.0f} MB"))
    for kind, kb in sorted(pss_by_process().items(), key=lambda kv: -kv[1]):
        rows.append((f"  {kind}", f"{kb / 1024:.0f} MB"))
    # headline figures for `python -m center.bench all` (--json)
    figures: dict[str, float | None] = {
        "cold_start_s": t_settled - T0,
        "shown_all_s": t_shown - T0,
        "cold_cpu_s": cpu_settled,
        "shown_all_cpu_s": cpu_shown,
        "first_data_s": (first_data[0] if first_data else t_settled) - T0,
        "map_ready_s": (map_ready[0] if map_ready else t_settled) - T0,
        "cold_stall_ms": cold_stall * 1000,
        "pss_mb": pss_start,
        "refresh_ms": None,
        "refresh_stall_ms": None,
    }

    # -- refresh after a change --------------------------------------------------------
    from sqlalchemy import select, update

    from center.kpi.derive import MICROSECOND
    from db.changes import bump
    from db.models import Case

    with ctx.engine.connect() as conn:
        found = conn.execute(
            select(Case.code, Case.received_at)
            .where(Case.first_response_at.is_(None), Case.eff_closed_at.is_(None))
            .limit(1)
        ).first()
    code, received = found if found is not None else (None, None)
    refreshes: list[tuple[float, float, float]] = []
    if code is None:
        rows.append(("refresh after a change", "skipped: no unanswered case"))
    # the slow parts (ranking, trend) reload at most once per interval after a burst
    # of changes; the end-to-end figure is for the parts that reload at once
    wanted = dashboard.parts_for({"cases"}) - set(controller.slow_parts)
    # the refresh's timeline: when the feed reported the change, when each task ran
    detected: list[float] = []
    tasks: list[Any] = []
    if controller.feed is not None:
        controller.feed.changed.connect(lambda _d: detected.append(time.perf_counter()))
    controller.runner.finished.connect(tasks.append)
    timeline: list[tuple[float, float, float]] = []  # detect, loads done, painted
    for _ in range(args.changes if code else 0):
        for undo in (False, True):
            # let a previous refresh finish first
            wait(
                lambda: not controller.busy() and mapview.is_painted(),
                [controller.runner.idle, mapview.painted],
                60,
            )
            now = controller.now()
            with ctx.engine.begin() as conn:
                conn.execute(
                    update(Case)
                    .where(Case.code == code)
                    .values(
                        first_response_at=None if undo else now,
                        eff_response_at=None if undo else now,
                        response_micros=None if undo else (now - received) // MICROSECOND,
                    )
                )
                bump(conn, "cases")
            t_commit = time.perf_counter()
            detected.clear()
            tasks.clear()
            heartbeat.arm()

            def done(t: float = t_commit) -> bool:
                return (
                    all(controller.last_delivery.get(p, 0) > t for p in wanted)
                    and not controller.busy()
                    and mapview.is_painted()
                )

            ok = wait(done, [controller.part_updated, mapview.painted], 120)
            stall = heartbeat.disarm()
            if not ok:
                print("a refresh did not complete within 120 s", file=sys.stderr)
                return 1
            if not undo:
                end = max(controller.last_delivery[p] for p in wanted)
                # the feed's detection ends where the first task of the refresh starts
                refreshes.append(
                    (end - t_commit, max(controller.timings[p] for p in wanted), stall)
                )
                ran = [r for r in tasks if r.key in wanted]
                timeline.append(
                    (
                        (detected[0] if detected else t_commit) - t_commit,
                        max((r.started + r.seconds for r in ran), default=t_commit) - t_commit,
                        time.perf_counter() - t_commit,
                    )
                )
    if refreshes:
        e2e = sorted(r[0] for r in refreshes)
        figures["refresh_ms"] = e2e[len(e2e) // 2] * 1000
        figures["refresh_stall_ms"] = max(r[2] for r in refreshes) * 1000
        rows.append(
            (
                (
                    f"refresh after a change, end to end (median of {len(e2e)}; "
                    f"{', '.join(sorted(wanted))})"
                ),
                (
                    f"{e2e[len(e2e) // 2] * 1000:.0f} ms (min {e2e[0] * 1000:.0f}, "
                    f"max {e2e[-1] * 1000:.0f})"
                ),
            )
        )
        rows.append(
            (
                "  slowest part of that refresh (worker thread)",
                f"{max(r[1] for r in refreshes) * 1000:.0f} ms",
            )
        )
        if ctx.engine.dialect.name == "sqlite":
            rows.append(("  change-feed poll interval (SQLite)", f"{args.poll * 1000:.0f} ms"))
        else:  # the interval is SQLite's alone: PostgreSQL's feed waits on its socket
            rows.append(("  change feed", "LISTEN/NOTIFY"))
        for i, label in enumerate(
            (
                "  change detected after (median)",
                "  loads done after (median)",
                "  map painted after (median)",
            )
        ):
            col = sorted(t[i] for t in timeline)
            rows.append((label, f"{col[len(col) // 2] * 1000:.0f} ms"))
        rows.append(
            ("longest GUI stall during a refresh", f"{max(r[2] for r in refreshes) * 1000:.0f} ms")
        )

    # -- time-compressed refresh cycles -------------------------------------------------
    now = controller.now()
    from center.windows.wall.mappanel import incidents_json

    a = {p: controller.value(p) for p in ("kpis", "incidents", "alerts")}
    b = {
        p: dashboard.load_part(controller.engine, p, now - timedelta(days=7))
        for p in ("kpis", "incidents", "alerts")
    }
    ready = {id(v): incidents_json(v) for v in (a["incidents"], b["incidents"])}
    controller.stop()  # no feed and no tasks from here on: only the GUI path runs
    baseline = 0
    heartbeat.arm()
    t_cycles = time.perf_counter()
    for cycle in range(args.cycles):
        values = a if cycle % 2 == 0 else b
        for name, value in values.items():
            controller.inject(name, value, ready.get(id(value)))
        seq = mapview.sync()
        wait(lambda s=seq: mapview.painted_seq() >= s, [mapview.painted], 30)
        if cycle == min(100, args.cycles - 1):
            baseline = pss_tree_kb()
    cycle_stall = heartbeat.disarm()
    elapsed = time.perf_counter() - t_cycles
    final = pss_tree_kb()
    if args.cycles:
        rows.append(
            (
                f"{args.cycles} time-compressed refresh cycles",
                f"{elapsed:.1f} s ({elapsed / args.cycles * 1000:.1f} ms a cycle)",
            )
        )
        rows.append(
            (
                "  PSS after cycle 100 / at the end",
                (
                    f"{baseline / 1024:.0f} MB / {final / 1024:.0f} MB "
                    f"({(final - baseline) / max(baseline, 1) * 100:+.1f} %)"
                ),
            )
        )
        rows.append(("  longest GUI stall during the cycles", f"{cycle_stall * 1000:.0f} ms"))

    if args.idle > 0:
        # CPU while the wall just shows (clock, ticker, pulsing markers)
        cpu0, w0 = cpu_tree_s(), time.perf_counter()
        wait(lambda: False, [], args.idle)
        idle_cpu = (cpu_tree_s() - cpu0) / (time.perf_counter() - w0) * 100
        rows.append(
            (
                f"CPU of the process tree while idle ({args.idle:g} s)",
                f"{idle_cpu:.0f} % of one core",
            )
        )

    view.shutdown()
    view.close()
    view.deleteLater()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    ctx.close()
    width_col = max(len(k) for k, _ in rows)
    print(f"wall benchmark ({args.size}, {ctx.engine.url.get_backend_name()})")
    for k, v in rows:
        print(f"  {k:<{width_col}}  {v}")
    if args.json:
        print(json.dumps(figures))
    return 0
