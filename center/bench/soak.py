"""The wall for a time-compressed week: ``python -m center.bench soak [--db URL]
[--minutes M] [--cycles N] [--speed X] [--workstations K] [--web-process single]``.

The wall (offscreen, with its map page) runs on a clock that moves ``speed`` times
faster than real time (default 600: ten minutes of product time every second, a week
in 16.8 minutes), ending at the real now, so every instant it shows or a workstation
writes is a real past instant. Its timers are compressed alike: the slow full refresh
(every 10 minutes of product time) fires every second, the slow parts' intervals and
the map page's periodic rebuild (every 4 product hours, when the page runs in a
renderer process of its own: ``--web-process separate``) shrink by the same factor.
Meanwhile K simulated workstations (default 3), each a process of its own, take
requests, move cases on, record visits, run meeting items and record spending through
the services with real actors (:class:`center.bench.writers.Workstation`), stamped
with the same product clock.

Printed: refresh cycles, the GUI thread's stalls, memory at the end of the warm-up and
at the end, the writes done and every error.

* **Stall** is the GUI thread's CPU time in one call of the wall's refresh slots: a
  part delivered and shown (every widget and the map call it makes), a change
  noticed, a refresh submitted, the header clock ticking. That is what our code blocks
  the GUI for, measured around the code itself, so a busy machine that keeps the
  thread waiting for a core does not count; the same calls' elapsed time and the
  event loop's lag (a 10 ms timer's lateness, scheduler noise included) are printed
  beside it. The heap settle after a map rebuild
  (:func:`center.windows.runtime.heap.settle_heap`: young generations after each
  rebuild, a full collection once a product day in the quiet hours) is no refresh
  and is printed apart ("heap settled").
* **Memory**: the process's RSS and the PSS of the wall with its QtWebEngine helpers
  (if the map page runs in processes of its own; the workstations not counted), after
  a full garbage collection and with the C heap's free pages given back
  (:func:`settled_rss_kb`), at the end of the warm-up and at the end; the progress
  lines split the RSS by kind (:func:`rss_parts`).

``--rebuild-hours H`` sets the product hours between map page rebuilds (0: none).
Without ``--db`` a temporary SQLite file gets a demo street (``--scale``); the
database gets the workstations' rows: use a copy or a throw-away database.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from center.bench.wall import add_web_process_argument
from center.bench.writers import Clock, Marks, Tally, WriterGroup, ensure_street, prepare
from db.types import CST

#: product seconds per real second: a week in 16.8 minutes
SPEED = 600.0
#: the product's slow full refresh, 10 minutes (center.windows.wall.controller)
FULL_REFRESH_S = 600.0
#: the map page is rebuilt every 4 hours (widgets.mapview)
REBUILD_S = 4 * 3600.0


def rss_kb() -> int:
    """Resident set size of this process in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rss_parts() -> str:
    """This process's resident memory by kind (anonymous, file-backed, shared memory)
    and the interpreter's allocated blocks: where a growth is."""
    kb = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("RssAnon:", "RssFile:", "RssShmem:")):
            key, value = line.split(":", 1)
            kb[key[3:].lower()] = int(value.split()[0])
    parts = ", ".join(f"{k} {v / 1024:.0f}" for k, v in kb.items())
    return f"{parts} MB; Python blocks {sys.getallocatedblocks():,}"


def settled_rss_kb() -> int:
    """RSS after a full collection with the C heap's free pages given back: the memory
    held, not what glibc happens to keep mapped for reuse (the wall gives it back a
    minute after its refreshes: measured without this, a warm-up and an end figure
    could fall on either side of that)."""
    from center.windows.wall.view import release_free_memory

    gc.collect()
    release_free_memory()
    return rss_kb()


class Histogram:
    """Durations in 0.1 ms buckets (the last bucket holds everything from 10 s on):
    the maximum and quantiles of a long run in a fixed amount of memory, so the probe
    itself does not grow the process it measures."""

    STEP = 0.0001
    BUCKETS = 100_000

    def __init__(self) -> None:
        self.counts = [0] * self.BUCKETS
        self.n = 0
        self.max = 0.0

    def add(self, seconds: float) -> None:
        self.counts[min(self.BUCKETS - 1, max(0, int(seconds / self.STEP)))] += 1
        self.n += 1
        if seconds > self.max:
            self.max = seconds

    def quantile(self, q: float) -> float:
        """The upper edge of the bucket that holds the ``q`` quantile (0 when empty)."""
        if not self.n:
            return 0.0
        want, seen = q * self.n, 0
        for i, c in enumerate(self.counts):
            seen += c
            if seen >= want:
                return min(self.max, (i + 1) * self.STEP)
        return self.max


class GcCensus:
    """The cyclic collector's collections per generation while the wall soaks, with
    the longest of each (any thread): whether full collections run, and what they
    cost, once the wall has settled its heap."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.longest = [0.0, 0.0, 0.0]
        self._started: dict[int, float] = {}

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        import threading

        key = threading.get_ident()
        if phase == "start":
            self._started[key] = time.perf_counter()
            return
        t0 = self._started.pop(key, None)
        if t0 is not None:
            gen = info["generation"]
            self.count[gen] += 1
            self.longest[gen] = max(self.longest[gen], time.perf_counter() - t0)

    def __enter__(self) -> GcCensus:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self)

    def line(self) -> str:
        return ", ".join(
            f"gen{g} {self.count[g]:,} (longest {self.longest[g] * 1000:.0f} ms)" for g in range(3)
        )


@dataclass
class SlotProbe:
    """Time spent inside the wall's slots on the GUI thread, per call (outermost calls
    only: a slot that calls another is one stall): the elapsed time, and the GUI
    thread's CPU time (what our code computes, without the time a busy machine keeps
    the thread waiting for a core). Calls named in ``apart`` (the deliberate full
    collection after a map rebuild) are kept out of the refresh figures."""

    wall: Histogram = field(default_factory=Histogram)
    cpu: Histogram = field(default_factory=Histogram)
    by_slot: dict[str, tuple[float, float]] = field(default_factory=dict)  # longest
    apart: frozenset[str] = frozenset({"heap settled"})
    _depth: int = 0

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def probed(*args: Any) -> Any:
            self._depth += 1
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return fn(*args)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.record(name, time.perf_counter() - t0, time.thread_time() - c0)

        return probed

    def record(self, name: str, wall: float, cpu: float) -> None:
        if name not in self.apart:
            self.wall.add(wall)
            self.cpu.add(cpu)
        old = self.by_slot.get(name, (0.0, 0.0))
        self.by_slot[name] = (max(old[0], wall), max(old[1], cpu))

    def clear(self) -> None:
        self.wall = Histogram()
        self.cpu = Histogram()
        self.by_slot.clear()


@dataclass
class SoakResult:
    """The figures of one soak run."""

    backend: str
    seconds: float  # real seconds of the soak (after the cold start)
    product_span: timedelta  # how much product time passed
    cycles: int  # full refreshes (one a compressed 10 minutes)
    deliveries: int  # parts loaded and shown
    warmup_cycle: int
    stall_max: float  # GUI-thread CPU time in one refresh slot call
    stall_p99: float
    stall_wall_max: float  # elapsed time of the same calls (waits for a core included)
    stall_wall_p99: float
    stall_by_slot: dict[str, tuple[float, float]]  # slot -> longest (elapsed, CPU)
    lag_max: float
    lag_p99: float
    rss_warm_kb: int
    rss_end_kb: int
    pss_warm_kb: int
    pss_end_kb: int
    rebuilds: int
    tally: Tally
    part_errors: list[str]
    wall_errors: list[str]
    collections: str = ""  # GcCensus.line() over the soak
    gc_counts: tuple[int, int, int] = (0, 0, 0)  # collections per generation

    @property
    def rss_growth(self) -> float:
        return (self.rss_end_kb - self.rss_warm_kb) / max(self.rss_warm_kb, 1)

    @property
    def pss_growth(self) -> float:
        return (self.pss_end_kb - self.pss_warm_kb) / max(self.pss_warm_kb, 1)

    def lines(self) -> list[str]:
        t = self.tally
        failures = sum(t.failures.values())
        rows = [
            (
                "soak",
                f"{self.seconds / 60:.1f} min real, {self.product_span.days} d "
                f"{self.product_span.seconds // 3600} h product time ({self.backend})",
            ),
            ("refresh cycles (full refresh, one a compressed 10 min)", f"{self.cycles}"),
            ("parts loaded and shown", f"{self.deliveries}"),
            (
                "GUI stall in the wall's refresh slots (GUI-thread CPU): max / p99",
                f"{self.stall_max * 1000:.1f} ms / {self.stall_p99 * 1000:.1f} ms",
            ),
            (
                "  the same calls' elapsed time (waits for a core included): max / p99",
                f"{self.stall_wall_max * 1000:.1f} ms / {self.stall_wall_p99 * 1000:.1f} ms",
            ),
            (
                "  longest call per slot (elapsed / CPU)",
                ", ".join(
                    f"{k} {w * 1000:.1f}/{c * 1000:.1f} ms"
                    for k, (w, c) in sorted(self.stall_by_slot.items())
                ),
            ),
            (
                "event-loop lag (10 ms timer, machine noise included): max / p99",
                f"{self.lag_max * 1000:.0f} ms / {self.lag_p99 * 1000:.0f} ms",
            ),
            (
                f"RSS after warm-up (cycle {self.warmup_cycle}) / at the end",
                f"{self.rss_warm_kb / 1024:.0f} MB / {self.rss_end_kb / 1024:.0f} MB "
                f"({self.rss_growth * 100:+.1f} %)",
            ),
            (
                "PSS of the wall and its QtWebEngine helpers after warm-up / at the end",
                f"{self.pss_warm_kb / 1024:.0f} MB / {self.pss_end_kb / 1024:.0f} MB "
                f"({self.pss_growth * 100:+.1f} %)",
            ),
            ("map page rebuilds", f"{self.rebuilds}"),
            ("cyclic collections during the soak", self.collections),
            (
                "writes done by the workstations",
                f"{t.writes()} ("
                + ", ".join(f"{op} {n}" for op, n in sorted(t.done.items()))
                + f"); conflicts {sum(t.conflicts.values())}, "
                f"refused {sum(t.refused.values())}",
            ),
            ("errors: workstation failures", f"{failures}"),
            ("errors: wall parts that failed to load", f"{len(self.part_errors)}"),
            ("errors: logged by the wall", f"{len(self.wall_errors)}"),
        ]
        width = max(len(k) for k, _ in rows)
        out = [f"  {k:<{width}}  {v}" for k, v in rows]
        for kind, n in sorted(t.refused.items()):
            out.append(f"    workstation refusal {kind}: {n}")
        for kind, n in sorted(t.failures.items()):
            out.append(f"    workstation {kind}: {n}")
        out += [f"    {e}" for e in (self.part_errors + self.wall_errors)[:20]]
        return out


class _ErrorLog(logging.Handler):
    """Collects the wall's error records (a part's display or load that failed)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage().splitlines()[0]}")


def run_soak(
    url: str,
    *,
    seconds: float,
    cycles: int | None = None,
    speed: float = SPEED,
    refresh_s: float | None = None,
    workstations: int = 3,
    pause_s: float = 1.0,
    warmup: int = 100,
    size: tuple[int, int] = (1920, 1080),
    poll_s: float = 0.25,
    rebuild_hours: float | None = None,
    progress: Callable[[str], None] | None = None,
    lang: str = "zh_CN",
) -> SoakResult:
    """Soak the wall on ``url`` (a database with a street) for ``seconds`` of real time
    or ``cycles`` full refreshes, whichever comes first; see the module's docstring.
    ``refresh_s`` (default ``600 / speed``) is the full refresh's interval. Needs the
    QApplication (made here if there is none). ``rebuild_hours``: product hours between
    rebuilds of the map page (0: never; None: the product's, every 4 hours, or never
    when the map page runs in this process). ``lang``: the wall's language (the
    process's QApplication keeps its translators afterwards)."""
    from PySide6.QtCore import QEventLoop, QTimer

    from center.bench.wall import pss_by_process

    def wall_pss_kb() -> int:
        """PSS of the wall and its QtWebEngine helpers, without the workstations (child
        processes of this one too, kind "other")."""
        return sum(kb for kind, kb in pss_by_process().items() if kind != "other")

    from center.windows.runtime.qtenv import application, web_single_process
    from center.windows.wall.controller import SLOW_PARTS, WallController
    from center.windows.wall.view import WallView
    from db.engine import open_database

    app = application(lang)
    say = progress or (lambda _text: None)
    refresh_s = refresh_s if refresh_s is not None else FULL_REFRESH_S / speed
    # product time ends at the real now: everything shown or written is in the past;
    # it stands still until the workstations are up
    start = datetime.now(CST) - timedelta(seconds=seconds * speed)
    running = [Clock(start, time.time(), 0.0)]

    def clock() -> datetime:
        return running[0]()

    engine = open_database(url)
    errors = _ErrorLog()
    watched = [logging.getLogger(n) for n in ("center.wall", "center.workers", "widgets")]
    for lg in watched:
        lg.addHandler(errors)
    probe = SlotProbe()

    class ProbedController(WallController):
        """The product's controller with its GUI-thread slots timed."""

        def _on_finished(self, result: Any) -> None:
            probe.wrap(f"part {result.key} shown", super()._on_finished)(result)

        def _on_failed(self, result: Any) -> None:
            part_errors.append(f"part {result.key}: {type(result.error).__name__}")
            probe.wrap("part failed", super()._on_failed)(result)

        def _on_changed(self, domains: frozenset[str]) -> None:
            probe.wrap("change noticed", super()._on_changed)(domains)

        def refresh(self, parts: Any = None) -> None:
            probe.wrap("refresh submitted", super().refresh)(parts)

    class ProbedView(WallView):
        def _tick_clock(self) -> None:
            probe.wrap("clock", super()._tick_clock)()

        def _settle_heap(self) -> None:
            probe.wrap("heap settled", super()._settle_heap)()

        def _release_memory(self, *args: Any) -> None:
            probe.wrap("memory tidied", super()._release_memory)(*args)

    part_errors: list[str] = []
    controller = ProbedController(
        engine, clock=clock, poll_s=poll_s, full_refresh_ms=round(refresh_s * 1000)
    )
    controller.slow_parts = {k: v / speed for k, v in SLOW_PARTS.items()}
    view = ProbedView(controller)
    view.resize(*size)
    view.show()
    mapview = view.map_panel.map
    if rebuild_hours is None:  # the product's: none when the page runs in this process
        rebuild_hours = 0.0 if web_single_process() else REBUILD_S / 3600
    mapview.set_rebuild_interval(round(rebuild_hours * 3600 / speed * 1000))
    if view.heap_timer.isActive():  # the heap's rounds without rebuilds, compressed too
        view.heap_timer.setInterval(round(REBUILD_S / speed * 1000))

    def wait(predicate: Callable[[], bool], timeout_s: float) -> bool:
        deadline = time.perf_counter() + timeout_s
        while not predicate() and time.perf_counter() < deadline:
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return predicate()

    # the workstations import the product while the wall starts; they wait for it
    marks: Marks = prepare(engine, clock().date())
    group = WriterGroup(
        url,
        marks,
        processes=workstations,
        seconds=seconds,
        clock=Clock(start, 0.0, speed),
        pause_s=pause_s,
    )
    group.start()
    say("starting the wall")
    controller.start()
    if not wait(view.is_settled, 300):
        raise RuntimeError("the wall did not settle within 300 s")
    probe.clear()  # the cold start is the wall benchmark's figure

    count = {"cycles": 0, "deliveries": 0}
    lags = Histogram()
    marks_mem: dict[str, int] = {}

    def on_full_refresh() -> None:
        count["cycles"] += 1
        if count["cycles"] == warmup:
            marks_mem["rss"], marks_mem["pss"] = settled_rss_kb(), wall_pss_kb()
            say(
                f"warm-up done at cycle {warmup}: RSS {marks_mem['rss'] / 1024:.0f} MB "
                f"({rss_parts()})"
            )
        elif count["cycles"] % 100 == 0:
            say(
                f"cycle {count['cycles']}: product time {clock():%Y-%m-%d %H:%M}, "
                f"RSS {rss_kb() / 1024:.0f} MB ({rss_parts()}), "
                f"stall max {probe.cpu.max * 1000:.1f} ms"
            )

    controller._full.timeout.connect(on_full_refresh)
    controller.part_updated.connect(
        lambda *_: count.__setitem__("deliveries", count["deliveries"] + 1)
    )

    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lags.add(max(0.0, now - last[0] - 0.010))
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(tick)
    heartbeat.start()

    # wait for the workstations to be up, then soak
    say("starting the workstations")
    if not wait(group.started, 600):
        raise RuntimeError("the workstations did not start within 600 s")
    running[0] = Clock(start, time.time(), speed)
    count.update(cycles=0, deliveries=0)
    probe.clear()
    t0 = time.perf_counter()
    product0 = clock()
    end = t0 + seconds
    with GcCensus() as census:
        wait(
            lambda: (
                time.perf_counter() >= end or (cycles is not None and count["cycles"] >= cycles)
            ),
            seconds + 60,
        )
    soaked = time.perf_counter() - t0
    product_span = clock() - product0
    heartbeat.stop()
    controller._full.stop()
    wait(lambda: not controller.busy(), 60)
    # measured as at the warm-up, with the workstations' processes still up (they wait
    # for stop()): the wall's PSS takes a share of every library page it has in common
    # with them, a larger one once they end
    rss_end, pss_end = settled_rss_kb(), wall_pss_kb()
    say(f"end: RSS {rss_end / 1024:.0f} MB ({rss_parts()})")
    tally = group.stop()
    rebuilds = mapview.rebuilds

    view.shutdown()
    controller.stop()
    view.close()
    view.deleteLater()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    gc.unfreeze()
    for lg in watched:
        lg.removeHandler(errors)
    backend = engine.dialect.name
    engine.dispose()
    return SoakResult(
        backend=backend,
        seconds=soaked,
        product_span=product_span,
        cycles=count["cycles"],
        deliveries=count["deliveries"],
        warmup_cycle=warmup,
        stall_max=probe.cpu.max,
        stall_p99=probe.cpu.quantile(0.99),
        stall_wall_max=probe.wall.max,
        stall_wall_p99=probe.wall.quantile(0.99),
        stall_by_slot=dict(probe.by_slot),
        lag_max=lags.max,
        lag_p99=lags.quantile(0.99),
        rss_warm_kb=marks_mem.get("rss", 0),
        rss_end_kb=rss_end,
        pss_warm_kb=marks_mem.get("pss", 0),
        pss_end_kb=pss_end,
        rebuilds=rebuilds,
        tally=tally,
        part_errors=part_errors,
        wall_errors=errors.records,
        collections=census.line(),
        gc_counts=(census.count[0], census.count[1], census.count[2]),
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m center.bench soak")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite demo street)")
    parser.add_argument("--minutes", type=float, default=7 * 24 * 60 * 60 / SPEED / 60)
    parser.add_argument("--cycles", type=int, help="stop after this many refresh cycles")
    parser.add_argument("--speed", type=float, default=SPEED, help="product seconds a second")
    parser.add_argument("--workstations", type=int, default=3)
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds between a workstation's writes"
    )
    parser.add_argument(
        "--rebuild-hours",
        type=float,
        default=None,
        help="product hours between rebuilds of the map page (0: never; default the "
        "product's: 4, none when the page runs in the wall's process)",
    )
    parser.add_argument("--warmup", type=int, default=100, help="cycle that ends the warm-up")
    parser.add_argument("--scale", type=float, default=1.0, help="demo street size (no --db)")
    parser.add_argument("--size", default="1920x1080")
    add_web_process_argument(parser)
    args = parser.parse_args(argv)

    from center.windows.runtime.qtenv import prepare_environment

    prepare_environment(offscreen=True, single_process=args.web_process == "single")
    tmp = None
    url = args.db
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="center-soak-")
        url = f"sqlite:///{Path(tmp.name) / 'soak.sqlite3'}"
        ensure_street(url, scale=args.scale, households_per_grid=250 if args.scale >= 1 else 40)
    else:
        ensure_street(url)
    width, height = (int(x) for x in args.size.lower().split("x"))
    try:
        result = run_soak(
            url,
            seconds=args.minutes * 60,
            cycles=args.cycles,
            speed=args.speed,
            workstations=args.workstations,
            pause_s=args.pause,
            warmup=args.warmup,
            size=(width, height),
            rebuild_hours=args.rebuild_hours,
            progress=lambda text: print(f"  … {text}", flush=True),
        )
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(f"wall soak (pid {os.getpid()}, speed ×{args.speed:.0f}, web process {args.web_process})")
    print("\n".join(result.lines()))
    failed = (
        result.tally.failures
        or result.part_errors
        or result.wall_errors
        or result.stall_max > 0.050
        or result.rss_growth > 0.05
    )
    return 1 if failed else 0
