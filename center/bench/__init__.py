"""Benchmarks: ``python -m center.bench NAME [options]`` prints a table of figures.

Each benchmark is a module ``center.bench.NAME`` with ``main(argv) -> int``. They are
never run by the test suite.
"""
