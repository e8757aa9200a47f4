"""The layer rules of design.md, checked on the source (imports point down only)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "pyqtgraph", "shiboken6", "widgets", "center.windows")

RULES = {
    "db": QT + ("center", "reports"),
    "center/services": QT + ("reports",),
    "reports": QT,
    "widgets": ("db", "center.services", "sqlalchemy", "center.windows"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(ROOT)} imports {name}")
    return out


@pytest.mark.parametrize("folder", sorted(RULES))
def test_layer_imports(folder):
    assert _violations(folder, RULES[folder]) == []


def test_rule_detects_a_violation(tmp_path, monkeypatch):
    pkg = tmp_path / "db"
    pkg.mkdir()
    (pkg / "bad.py").write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert _violations("db", QT) == ["db/bad.py imports PySide6.QtCore"]
