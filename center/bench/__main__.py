"""``python -m center.bench NAME``: run one benchmark (benchmarks print figures; they
are never part of the test suite)."""

import importlib
import pkgutil
import sys

import center.bench as pkg


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))
    if len(sys.argv) < 2 or sys.argv[1] not in names:
        print("usage: python -m center.bench NAME [options]; NAME is one of: " + ", ".join(names))
        return 2
    return int(importlib.import_module(f"center.bench.{sys.argv[1]}").main(sys.argv[2:]) or 0)


raise SystemExit(main())
