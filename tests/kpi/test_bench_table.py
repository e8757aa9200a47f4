"""``python -m center.bench all``: the parts that decide PASS/FAIL and read another
benchmark's output (the figures themselves are printed, never asserted)."""

from __future__ import annotations

import pytest

from center.bench.all import MEASURES, Goal, Side, parse_import_output, render, verdicts

IMPORTS_OUTPUT = """\
database: sqlite; base: 20000 households, 200 staff
run                              rows   wall s    rows/s   cpu s  rows/cpu-s  result
visits: first import           400000     3.20   125,000    3.00     133,333  400000 inserted
visits: re-import (same)       400000     2.00   200,000    1.90     210,526  0 inserted
visits: dry run                400000     1.50   266,667    1.40     285,714  0 inserted
cases: first import             60000     0.80    75,000    0.75      80,000  60000 inserted
cases: re-import (same)         60000     0.50   120,000    0.45     133,333  0 inserted
"""


def test_parse_import_output_sums_the_first_imports() -> None:
    assert parse_import_output(IMPORTS_OUTPUT) == (460_000, 4.0, None)


WITH_PEAK = """\
run                              rows   wall s    rows/s   cpu s  rows/cpu-s  peak MB  result
visits: first import           400000     3.20   125,000    3.00     133,333      212  ok
visits: re-import (same)       400000     2.00   200,000    1.90     210,526      250  ok
cases: first import             60000     0.80    75,000    0.75      80,000      180  ok
"""


def test_parse_import_output_takes_the_first_imports_peak() -> None:
    assert parse_import_output(WITH_PEAK) == (460_000, 4.0, 212.0)


def test_parse_import_output_refuses_a_table_without_both_kinds() -> None:
    only_visits = "\n".join(IMPORTS_OUTPUT.splitlines()[:3])
    with pytest.raises(ValueError, match="both kinds"):
        parse_import_output(only_visits)


def test_goal_limits_are_inclusive() -> None:
    assert Goal(80).met(80.0) is True
    assert Goal(80).met(80.01) is False
    assert Goal(100_000, at_most=False).met(100_000) is True
    assert Goal(100_000, at_most=False).met(99_999.9) is False


def test_render_and_verdicts() -> None:
    street = Side("street", "sqlite://", {"kpi_month": 59.5, "kpi_quarter": 81.0}, [])
    district = Side("district", "postgresql://", {"kpi_quarter": 480.0, "backup_s": 12.25}, [])
    sides = {"street": street, "district": district}
    table = render(sides).splitlines()
    assert table[0] == (
        "| measure | unit | street (SQLite) | goal |  | district (PostgreSQL) | goal |  |"
    )
    assert (
        table[2] == "| KPI refresh, all scopes: month | ms | 60 | ≤ 60 | PASS | n/a | ≤ 500* |  |"
    )
    assert (
        table[3]
        == "| KPI refresh, all scopes: quarter | ms | 81 | ≤ 80 | FAIL | 480 | ≤ 500 | PASS |"
    )
    assert table[4] == "| backup | s | n/a | — |  | 12.2 | — |  |"
    assert len(table) == 5  # rows without any figure are left out
    assert verdicts(sides) == (2, 1)


def test_every_measure_has_a_unique_key() -> None:
    keys = [m.key for m in MEASURES]
    assert len(keys) == len(set(keys))
