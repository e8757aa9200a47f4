"""A fast CLI start: building the parser loads no service, and a command loads only
what it uses (the times themselves: ``python -m center.bench cli``)."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs center.cli.main(argv) in a fresh interpreter, then prints the loaded modules.
_PROBE = """
import contextlib, io, json, sys
from center.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(json.loads(sys.argv[1]))
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""

# Never needed by `center kpi`: Qt, PDF, spreadsheets, geometry, migrations, holidays.
HEAVY = (
    "PySide6",
    "shiboken6",
    "pyqtgraph",
    "reportlab",
    "openpyxl",
    "shapely",
    "alembic",
    "mako",
    "chinese_calendar",
    "folium",
)


def probe(*argv: str) -> tuple[int, str, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(argv))],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result = json.loads(proc.stdout.splitlines()[-1])
    return result["code"], result["out"], set(result["modules"])


def loaded(modules: set[str], *packages: str) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages)


def test_help_loads_only_the_parser():
    code, out, modules = probe("kpi", "--help")
    assert code == 0
    assert out.startswith("usage: center kpi")
    assert loaded(modules, *HEAVY, "sqlalchemy", "numpy", "cryptography") == []
    # the choices come from the vocabulary and the KPI catalogue (plain data)
    assert {m for m in modules if m.split(".")[0] == "db"} <= {"db", "db.kpi_defaults"}
    ours = {m for m in modules if m.split(".")[0] == "center"}
    assert ours <= {
        "center",
        "center.cli",
        "center.commands",
        "center.core",
        "center.core.kpis",
        "center.core.vocab",
    } | {m for m in ours if m.startswith("center.commands.")}


def test_argument_error_loads_no_service():
    code, _, modules = probe("kpi", "--period", "2026-10")  # --scope missing: a user error
    assert code == 2
    assert loaded(modules, *HEAVY, "sqlalchemy", "numpy") == []
    assert not any(m.startswith(("center.kpi", "db.models")) for m in modules)


def test_kpi_json_loads_no_heavy_module(db_url: str):
    code, out, modules = probe(
        "kpi", "--db", db_url, "--period", "2026-10", "--scope", "street", "--json"
    )
    assert code == 0
    assert json.loads(out)["scope"] == "street"
    # the `3wd` priority clock (spec/insight.md) counts working days from the received
    # date: the holiday tables load (about 4 ms); nothing else heavy does
    assert loaded(modules, *(m for m in HEAVY if m != "chinese_calendar")) == []
    assert "center.wall" not in modules and "center.interchange" not in modules
