"""``clicked`` and ``triggered`` pass ``checked`` (a bool): a slot connected directly
must not take it for something else (the route-sheet buttons once received
``checked=False`` as the file path and silently did nothing)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIGNALS = ("clicked", "triggered")


def _misconnected(source: str) -> list[str]:
    tree = ast.parse(source)
    methods: dict[str, ast.FunctionDef] = {
        n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
    }
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr in SIGNALS
            and node.args
            and isinstance(node.args[0], ast.Attribute)
        ):
            continue
        slot = methods.get(node.args[0].attr)
        if slot is None or slot.args.vararg is not None:
            continue
        params = [a for a in slot.args.posonlyargs + slot.args.args if a.arg != "self"]
        if params and params[0].arg not in ("checked", "_checked"):
            found.append(f"line {node.lineno}: {node.args[0].attr}({params[0].arg})")
    return found


def test_the_check_finds_the_old_route_sheet_bug():
    source = (
        "class V:\n"
        "    def __init__(self):\n"
        "        self.b.clicked.connect(self.export)\n"
        "        self.c.clicked.connect(lambda: self.export())\n"
        "        self.d.triggered.connect(self.toggle)\n"
        "    def export(self, path=None): ...\n"
        "    def toggle(self, checked=False): ...\n"
    )
    assert _misconnected(source) == ["line 3: export(path)"]


def test_no_window_slot_takes_checked_for_something_else():
    found = {
        str(path.relative_to(ROOT)): bad
        for path in sorted((ROOT / "center" / "windows").rglob("*.py"))
        if (bad := _misconnected(path.read_text(encoding="utf-8")))
    }
    assert found == {}
