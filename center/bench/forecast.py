"""Demand forecast speed and quality on a street (spec/insight.md): the fit + predict
time of each model candidate for one month, the time of a month's forecast (its
6-month selection backtest included) and the backtest table.

    python -m center.bench forecast [--db URL] [--months N] [--as-of ISO]

Prints figures; never part of the test suite. The database defaults to the demo
street of the user data directory (``center demo`` builds it).
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from center.insight.forecast import History


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m center.bench forecast")
    p.add_argument("--db", metavar="URL")
    p.add_argument("--months", type=int, default=12, help="months of the backtest (12)")
    p.add_argument("--as-of", metavar="ISO8601")
    p.add_argument(
        "--replicate",
        type=int,
        default=1,
        metavar="K",
        help="also time the model on K copies of the street's grids (Poisson-resampled "
        "counts): a district's size without building one",
    )
    args = p.parse_args(argv)

    from center.context import open_context
    from center.core.access import Actor
    from center.core.clock import now
    from center.insight import forecast as fc
    from center.kpi.compute import parse_as_of

    as_of = parse_as_of(args.as_of) if args.as_of else now().replace(microsecond=0)
    ctx = open_context(args.db)
    actor = Actor("bench", "leader", read_only=True)
    try:
        end = fc._first_incomplete(as_of)
        t0 = time.perf_counter()
        history = fc.load_history(ctx.engine, end, as_of, args.months)
        load_s = time.perf_counter() - t0
        cells = len(history.cells)
        print(f"history: {cells} cells ({cells // 4} grids × 4 categories), read in {load_s:.2f} s")
        series = fc._Series(history)
        j = history.column(end)
        train_x, train_y = series.train_rows(j)
        feats = series.features(j)
        t0 = time.perf_counter()
        import sklearn.ensemble
        import sklearn.linear_model  # noqa: F401 - loaded once, outside the timings

        print(f"import scikit-learn: {time.perf_counter() - t0:.2f} s")
        for name in fc.CANDIDATES:
            t0, c0 = time.perf_counter(), time.process_time()
            fitted = fc.fit_candidate(name, train_x, train_y)
            fitted.predict(feats)
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            rows = sum(len(y) for y in train_y)
            print(f"fit + predict {name}: {took:.2f} s ({cpu:.2f} s CPU; {rows} training rows)")
        nxt = fc.month_label(end)
        t0, c0 = time.perf_counter(), time.process_time()
        month = fc.forecast_month(ctx.engine, actor, nxt, as_of)
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"forecast_month {nxt} (6-month selection backtest included): {took:.1f} s "
            f"({cpu:.1f} s CPU); selected {month.selected}, model {month.model_name}"
        )
        t0, c0 = time.perf_counter(), time.process_time()
        bt = fc.backtest(ctx.engine, actor, args.months, as_of)
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        ctx.close()
    print(
        f"backtest over {len(bt.months)} months ({bt.months[0]} … {bt.months[-1]}): "
        f"{took:.1f} s ({cpu:.1f} s CPU)"
    )
    if args.replicate > 1:
        _replicated(history, args.replicate, as_of)
    print(f"model {bt.model_name}; candidates' wape: {bt.candidate_wapes}; shown: {bt.selected}")
    print()
    print("| | wape | accuracy | hotspot precision | interval coverage |")
    print("|---|---:|---:|---:|---:|")
    for method in ("model", "last_month", "mean_3"):
        m = bt.metrics[method]
        cells_txt = " | ".join(
            "—" if m[k] is None else f"{m[k]:.4f}"
            for k in ("wape", "accuracy", "hotspot_precision", "interval_coverage")
        )
        label = f"model ({bt.model_name})" if method == "model" else method
        print(f"| {label} | {cells_txt} |")
    return 0


def _replicated(history: History, k: int, as_of: datetime) -> None:
    """A month's forecast on ``k`` copies of the street: the 6-month selection backtest
    and the final fit + predict, timed (the database read is not included)."""
    import numpy as np

    from center.insight import forecast as fc

    h = history
    rng = np.random.default_rng(0)
    big = fc.History(
        cells=[(f"{g}~{r}", c) for r in range(k) for g, c in h.cells],
        community_of={f"{g}~{r}": f"{m}~{r}" for r in range(k) for g, m in h.community_of.items()},
        start=h.start,
        end=h.end,
        first=h.first,
        counts=rng.poisson(np.tile(h.counts, (k, 1))).astype(float),
        calendar=h.calendar,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    months = list(range(h.end - fc.SELECTION_MONTHS, h.end))
    chosen = fc.run_backtest(big, months, as_of)
    series = fc._Series(big)
    x, y = series.train_rows(series.y.shape[1])
    fitted = fc.fit_candidate(chosen.model_name, x, y)
    fitted.predict(series.features(series.y.shape[1]))
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{k} × the street ({len(big.cells) // 4} grids): a month's forecast (6-month selection "
        f"backtest + fit + predict, without the database read) {took:.1f} s ({cpu:.1f} s CPU); "
        f"selected {chosen.selected}, model {chosen.model_name}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
